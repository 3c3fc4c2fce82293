"""The identity claims (GAN-A, GAN-B, DNL, LZDZ-L5.1) decide their verdict from the very records they store.

For each claim: the true statement's check is PROVED and every certificate it stores passes
`eoscheck verify`'s certificate check; the mutant (one constant wrong) states a record that fails that check,
and its check is REFUTED with an exact counterexample found by the independent point evaluation
(checker/witness.py). A record that fails but has no counterexample at the test point gives UNDECIDED.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import pytest
import sympy as sp

from checker.certificate import identity
from checker.evidence import by_records
from checker.models import claim_statements as cs
from checker.models import damian as dm
from checker.models import damian_assumptions as da
from checker.models import damian_statements as ds
from checker.models import product_statements as pst
from checker.models.gan_losses import TABLE
from checker.parse import Z
from checker.property import Property
from checker.verdict import Verdict
from checker.verifier import CertificateError, verify_certificate
from checker.witness import decide_records, identity_counterexample, rational_point
from properties import damian2023, gan2026a, gan2026b, liu2025

Records = Callable[[], tuple[dict[str, Any], ...]]


def _bce(formula: Callable[[sp.Expr], sp.Expr]) -> tuple[dict[str, Any], ...]:
    pp, zz = sp.Symbol("p", positive=True), sp.Symbol("zz", real=True)
    return pst.alpha_at(sp.log(1 + sp.exp(zz)) - pp * zz, zz, sp.log(pp / (1 - pp)), formula(pp * (1 - pp)))


# (claim, the records the true statement stores, the records the mutant states)
RECORDS: list[tuple[str, Records, Records]] = [
    ("GAN-A-L3.1 coefficient 2", lambda: pst.l31(1), lambda: pst.l31(2)),
    ("GAN-A-RED d_sign +1", lambda: pst.red(-1), lambda: pst.red(1)),
    ("GAN-A-FIX flip factor 1", lambda: pst.fix(2), lambda: pst.fix(1)),
    ("GAN-A-FIX multiplier 2", lambda: pst.fix(2, 1), lambda: pst.fix(2, 2)),
    ("GAN-A-DRIFT coefficient -2", lambda: pst.drift(2), lambda: pst.drift(-2)),
    ("GAN-A-FLIP b coefficient 4", lambda: pst.flip(8), lambda: pst.flip(4)),
    (
        "GAN-A-EX zhu alpha 48",
        lambda: pst.alpha_at(TABLE["zhu"].loss.expr, Z, TABLE["zhu"].zstar, sp.Integer(96)),
        lambda: pst.alpha_at(TABLE["zhu"].loss.expr, Z, TABLE["zhu"].zstar, sp.Integer(48)),
    ),
    (
        "GAN-A-EX BCE 2v^2(1-2v)",
        lambda: _bce(lambda v: 2 * v**2 * (1 - 3 * v)),
        lambda: _bce(lambda v: 2 * v**2 * (1 - 2 * v)),
    ),
    ("GAN-B-PS half 1/3", lambda: pst.ps(Fraction(1, 2)), lambda: pst.ps(Fraction(1, 3))),
    ("GAN-B-SETUP multiplier -9/10", lambda: pst.setup(-1, 1), lambda: pst.setup(Fraction(-9, 10), 1)),
    ("DNL-TOY beta = sqrt(beta)", lambda: ds.toy(), lambda: ds.toy(dm.ALPHA, sp.sqrt(dm.BETA))),
    ("DNL-EQ3 force 1", lambda: ds.eq3(dm.HALF), lambda: ds.eq3(sp.Integer(1))),
    ("DNL-PRED force 1", lambda: ds.pred(dm.HALF), lambda: ds.pred(sp.Integer(1))),
    (
        "DNL-ODE delta^2 = alpha/beta",
        lambda: ds.ode_fixed_point(2 * dm.ALPHA / dm.BETA),
        lambda: ds.ode_fixed_point(dm.ALPHA / dm.BETA),
    ),
    (
        "DNL-ODE zero set at delta^2 = alpha/beta",
        lambda: ds.ode_zero_set(2 * dm.ALPHA / dm.BETA),
        lambda: ds.ode_zero_set(dm.ALPHA / dm.BETA),
    ),
    (
        "DNL-ODE omega^2 = alpha",
        lambda: ds.ode_frequency(2 * dm.ALPHA / dm.BETA, 2 * dm.ALPHA),
        lambda: ds.ode_frequency(2 * dm.ALPHA / dm.BETA, dm.ALPHA),
    ),
    ("DNL-L3 y scale 2", lambda: ds.l3_invariant(1), lambda: ds.l3_invariant(2)),
    ("DNL-GEN-LIMIT coef 1/2", lambda: ds.gen_limit(sp.Rational(1, 3)), lambda: ds.gen_limit(sp.Rational(1, 2))),
    ("DNL-ASSUMPTIONS rho3 21/20", lambda: da.statements(), lambda: da.statements(sp.Rational(21, 20))),
    ("DNL-ASSUMPTIONS lambda2 1/10", lambda: da.statements(), lambda: da.statements(da.RHO3_COEF, sp.Rational(1, 10))),
    ("LZDZ-L5.1 eta instead of eta^2", lambda: cs.liu_l51(2, 1), lambda: cs.liu_l51(1, 1)),
]


def _fails(records: tuple[dict[str, Any], ...]) -> bool:
    failed = False
    for rec in records:
        try:
            verify_certificate(dict(rec))
        except CertificateError:
            failed = True
    return failed


@pytest.mark.parametrize(("name", "true", "mutant"), RECORDS, ids=[r[0] for r in RECORDS])
def test_true_records_verify_and_the_mutants_stated_records_fail(name: str, true: Records, mutant: Records) -> None:
    assert not _fails(true()), name
    assert _fails(mutant()), name
    decision = decide_records(mutant())
    assert decision.failure is not None and decision.counterexample is not None, name


# (claim, true property, mutant property, the parameters of one example): the check itself, no Hypothesis
CHECKS: list[tuple[str, Callable[[], Property], Callable[[], Property], dict[str, Any]]] = [
    ("GAN-A-L3.1", gan2026a.make_l31, lambda: gan2026a.make_l31(coefficient=2), {"loss": "cosh", "x": Fraction(3, 2)}),
    (
        "GAN-A-RED",
        gan2026a.make_red,
        lambda: gan2026a.make_red(d_sign=1),
        {"loss": "cosh", "x": Fraction(1), "y": Fraction(1, 2), "eta": Fraction(1, 10)},
    ),
    (
        "GAN-A-FIX",
        gan2026a.make_fix,
        lambda: gan2026a.make_fix(multiplier=2),
        {"loss": "cosh", "eta": Fraction(1, 10), "ratio": Fraction(1, 2)},
    ),
    (
        "GAN-A-DRIFT",
        gan2026a.make_drift,
        lambda: gan2026a.make_drift(coefficient=3),
        {"loss": "zhu", "x": Fraction(2), "sigma0": Fraction(1, 10)},
    ),
    ("GAN-A-EX", gan2026a.make_ex, lambda: gan2026a.make_ex(overrides={"cosh": -2}), {"p": Fraction(1, 3)}),
    ("GAN-B-PS", gan2026b.make_ps, lambda: gan2026b.make_ps(half=Fraction(1, 3)), {}),
    ("GAN-B-SETUP", gan2026b.make_setup, lambda: gan2026b.make_setup(tangent=Fraction(11, 10)), {}),
    (
        "DNL-EQ3",
        damian2023.make_eq3,
        lambda: damian2023.make_eq3(force=sp.Integer(1)),
        {"eta": 0.01, "alpha": 1.0, "beta": 1.0, "x0": 0.5, "w0": 0.1},
    ),
    (
        "DNL-PRED",
        damian2023.make_pred,
        lambda: damian2023.make_pred(force=sp.Integer(1)),
        {"eta": 0.01, "alpha": 1.0, "beta": 1.0, "x0": 0.5, "w0": 0.1},
    ),
    (
        "DNL-ASSUMPTIONS",
        damian2023.make_assumptions,
        lambda: damian2023.make_assumptions(lambda2=sp.Rational(1, 10)),
        {"eta": 0.1, "alpha": 1.0, "beta": 1.0, "kappa": 1.0},
    ),
    (
        "LZDZ-L5.1",
        liu2025.make_l51,
        lambda: liu2025.make_l51(power=1),
        {k: Fraction(v) for k, v in {"a": 1, "w1": 1, "w2": 2, "eta": 1, "l1": 1, "l2": 1}.items()},
    ),
]


@pytest.mark.parametrize(("name", "true", "mutant", "params"), CHECKS, ids=[c[0] for c in CHECKS])
def test_verdict_is_the_verifiers_check_of_the_stored_records(
    name: str, true: Callable[[], Property], mutant: Callable[[], Property], params: dict[str, Any]
) -> None:
    good = true().check(**params)
    assert good.verdict is Verdict.PROVED, (name, good.summary)
    assert good.certificates and not _fails(tuple(good.certificates)), name
    bad = mutant().check(**params)
    assert bad.verdict is Verdict.REFUTED, (name, bad.summary)
    assert bad.counterexample is not None and "point" in bad.counterexample, name
    assert "excludes 0" in bad.summary


def test_flip_mutant_is_refuted_from_its_stated_p_formula() -> None:
    """GAN-A-FLIP's identity part (its scan is slow, so only the decision on the records runs here)."""
    ev = by_records(pst.flip(4), {"loss": "zhu", "x": "1"}, "flip normal form")
    assert ev is not None and ev.verdict is Verdict.REFUTED
    assert by_records(pst.flip(8), {}, "flip normal form") is None


def test_a_failing_record_without_a_counterexample_at_the_point_is_undecided() -> None:
    """x (x - x0) = 0 is false, but vanishes at the test point x0: the failure alone does not refute."""
    x0 = rational_point({"x": ["real"]})["x"]
    rec = identity("a false identity that vanishes at the test point", {"x": ["real"]}, [], [], f"x*(x - {x0})", "0")
    with pytest.raises(CertificateError):
        verify_certificate(dict(rec))
    assert identity_counterexample(rec) is None
    ev = by_records([rec], {}, "test")
    assert ev is not None and ev.verdict is Verdict.UNDECIDED


def test_counterexample_respects_hypotheses_substituted_by_the_statement() -> None:
    """A true statement with a hypothesis (l'(z) = 0 substituted) has no counterexample: the concrete
    polynomial only fills the derivatives the statement leaves free."""
    true = pst.l31(1)[2]  # the claimed top eigenvalue is a root of the characteristic polynomial where l' = 0
    assert identity_counterexample(true) is None
    found = identity_counterexample(pst.l31(Fraction(3, 2))[2])
    assert found is not None and found.point["x"] and found.function


def test_an_exact_alpha_zero_at_a_solved_root_is_stated_from_the_loss() -> None:
    """The loss job's 'alpha_l(z*) = 0 at an exact root r' is stored as l'(r) = 0 and alpha_l(r) = 0 stated from
    l (a substituted residue would be the constant 0, which states nothing), and PROVED only if they re-check."""
    from checker.certificate import derivative_at, first_failure
    from checker.certify.stability import _alpha_at_record
    from checker.loss import Loss

    loss = Loss.from_string("cosh(z) - z**2/2")  # l''(0) = 0 = l'''(0): alpha_l(0) = 0
    good = [derivative_at(loss.expr, Z, 1, sp.Integer(0), sp.Integer(0), "l'(0) = 0"), _alpha_at_record(loss, 0, "a")]
    assert first_failure(good) is None
    assert first_failure([_alpha_at_record(loss, 1, "alpha_l(1) = 0")]) is not None
