"""Damian et al. properties: each true statement survives the ``ci`` profile, each deliberately wrong
variant (wrong constant, flipped sign, wrong power) is REFUTED with a shrunk, replayable counterexample."""

from __future__ import annotations

import pytest
import sympy as sp
from mutants import assert_refuted

from checker.models import damian as dm
from checker.runner import run_property
from checker.verdict import Verdict
from properties import damian2023 as d

TRUE_VERDICTS = {Verdict.PROVED, Verdict.CERTIFIED, Verdict.CORROBORATED}


@pytest.mark.parametrize("prop", d.PROPERTIES, ids=lambda p: p.id)
def test_true_statement_not_refuted_under_ci(prop):
    result = run_property(prop, profile="ci", database=False)
    assert result.verdict in TRUE_VERDICTS, (result.verdict, result.evidence.summary, result.notes)


def test_expected_verdict_strength():
    """Symbolic identities are PROVED, the Lambert-W bounds certified per drawn instance (so CORROBORATED),
    simulations only CORROBORATED."""
    by_id = {p.id: run_property(p, profile="quick", seed=1, database=False).verdict for p in d.PROPERTIES}
    assert by_id["DNL-TOY"] is Verdict.PROVED
    assert by_id["DNL-EQ3"] is Verdict.PROVED
    assert by_id["DNL-PRED"] is Verdict.PROVED
    assert by_id["DNL-C1"] is Verdict.CORROBORATED  # certified on each drawn instance, not for the class
    for pid in ("DNL-L-GRADS", "DNL-ODE", "DNL-L3", "DNL-GEN-LIMIT"):
        assert by_id[pid] is Verdict.CORROBORATED


MUTANTS = {
    "grads-factor-2": lambda: d.make_l_grads(scale=2.0),
    "grads-flipped-sign": lambda: d.make_l_grads(scale=-1.0),
    "toy-beta-sqrt": lambda: d.make_toy(claimed_beta=sp.sqrt(dm.BETA)),
    "toy-alpha-over-beta": lambda: d.make_toy(claimed_alpha=dm.ALPHA / dm.BETA),
    "eq3-force-without-half": lambda: d.make_eq3(force=sp.Integer(1)),
    "ode-delta-sqrt-alpha-over-beta": lambda: d.make_ode(delta2=dm.ALPHA / dm.BETA),
    "ode-period-sqrt-alpha": lambda: d.make_ode(omega2=dm.ALPHA),
    "l3-wrong-normalisation": lambda: d.make_l3(y_scale=sp.Integer(2)),
    "l3-drift-order-eta-squared": lambda: d.make_l3(order=2.0),
    "c1-relaxation-factor-1": lambda: d.make_c1(plus_factor=sp.Integer(1)),
    "c1-relaxation-shift-0": lambda: d.make_c1(minus_shift=sp.Integer(0)),
    "pred-force-without-half": lambda: d.make_pred(force=sp.Integer(1)),
    "gen-limit-F2-only": lambda: d.make_gen_limit(coef=sp.Rational(1, 2)),
    "gen-limit-sign": lambda: d.make_gen_limit(coef=sp.Rational(-1, 3)),
}


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_wrong_variant_is_refuted_with_replayable_counterexample(name):
    assert_refuted(MUTANTS[name](), profile="quick", seed=0)  # replays the shrunk counterexample too


def test_float_refutation_is_confirmed_in_mpmath():
    """A float counterexample only becomes REFUTED once the mpmath recheck agrees (DNL-L-GRADS, sign flipped)."""
    result = run_property(d.make_l_grads(scale=-1.0), profile="quick", seed=0, database=False)
    assert result.verdict is Verdict.REFUTED
    assert result.evidence.evidence_class.value == "mpmath"
    assert result.evidence.numbers["relative_error"] == pytest.approx(2.0, rel=1e-6)


def test_wrong_drift_order_is_refuted_by_the_fit():
    """The 'wrong power of eta' mutant on one fixed instance: the fitted order is about 1, not 2."""
    ev = d.make_l3(order=2.0).check(alpha=1.0, beta=1.0, r=0.5)
    assert ev.verdict is Verdict.REFUTED
    assert 0.9 < ev.numbers["fitted_order"] < 1.4
    assert d.make_l3().check(alpha=1.0, beta=1.0, r=0.5).verdict is Verdict.CORROBORATED


def test_reconstructed_statements_are_labelled():
    result = run_property(d.make_ode(), profile="quick", seed=0, database=False)
    assert d.make_ode().reconstructed
    assert any("RECONSTRUCTED" in n for n in result.notes)
    assert "O-4" in d.make_ode().open_points


def test_c1_stores_ball_certificates():
    result = run_property(d.make_c1(), profile="quick", seed=0, database=False)
    kinds = {c["kind"] for c in result.evidence.certificates}
    assert {"ball-enclosure", "ball-sign"} <= kinds


def test_period_and_drift_measurements_match_theorems_numbers():
    """THEOREMS.md DNL-ODE: 444.29 predicted at eta = 0.01, alpha = 1; DNL-C1: drift roughly halves with eta."""
    p = dm.measured_period(1.02 * 2**0.5, 0.0, 0.01, 1.0, 1.0)
    assert p == pytest.approx(444.29, rel=2e-3)
    big = dm.drift_per_cycle(2 * 2**0.5, 0.0, 0.02, 1.0, 1.0)
    small = dm.drift_per_cycle(2 * 2**0.5, 0.0, 0.01, 1.0, 1.0)
    assert 1.6 < big / small < 2.6


@pytest.mark.parametrize("pid", ["DNL-TOY", "DNL-EQ3", "DNL-C1", "DNL-PRED"])
def test_certificates_pass_the_independent_verifier(pid):
    from checker.verify import verify_certificate

    prop = next(p for p in d.PROPERTIES if p.id == pid)
    result = run_property(prop, profile="quick", seed=3, database=False)
    assert result.evidence.certificates
    for cert in result.evidence.certificates:
        verify_certificate(cert)
