"""Gan 2026b properties: true statements not refuted under `ci`; wrong variants (wrong constant, the
SECONDARY eta^3 normalisation, a dropped hypothesis) REFUTED with a shrunk, replayable counterexample."""

from __future__ import annotations

from fractions import Fraction

import pytest
from mutants import assert_refuted, few

from checker.models import lyapunov
from checker.models.gan_losses import TABLE, product_jax, product_mp
from checker.runner import run_property
from checker.verdict import EvidenceClass, Verdict
from properties import gan2026b as g


def test_catalogue() -> None:
    assert [p.id for p in g.PROPERTIES] == [
        "GAN-B-PS",
        "GAN-B-LYAP",
        "GAN-B-TAN",
        "GAN-B-THM",
        "GAN-B-SETUP",
        "GAN-B-LYAP-II",
    ]
    assert all(p.source.paper == "gan2026b" for p in g.PROPERTIES)
    thm = next(p for p in g.PROPERTIES if p.id == "GAN-B-THM")
    assert thm.reconstructed and "O-3" in thm.open_points


def test_ps_is_proved_and_its_mutant_refuted() -> None:
    good = run_property(g.make_ps(), database=False)
    assert good.verdict is Verdict.PROVED
    assert abs(good.evidence.numbers["spot_6c1_over_eta"] - (-13.9441277757)) < 1e-9  # THEOREMS.md reference
    bad = run_property(g.make_ps(half=Fraction(1, 3)), database=False)
    assert bad.verdict is Verdict.REFUTED and bad.evidence.evidence_class is EvidenceClass.SYMBOLIC


def test_lyap_autodiff_and_mpmath_agree_with_the_product_formula() -> None:
    """The two c1 implementations and the closed form, on a subcritical and a product-stable loss."""
    for key, x in (("zhu", 2.0), ("quartic-sub", 1.5)):
        expect = g.ps_c1(TABLE[key], x)
        point = (x, float(TABLE[key].zstar) / x)
        jax_c1 = lyapunov.c1_jax(product_jax(key), point)["c1"]
        mp_c1 = lyapunov.c1_mp(product_mp(key), point)["c1"]
        assert abs(jax_c1 - expect) <= 1e-8 * abs(expect)
        assert abs(mp_c1 - expect) <= 1e-12 * abs(expect)
        assert (expect > 0) == (key == "zhu")  # sign c1 = sign alpha here


@pytest.mark.parametrize("factory", [g.make_lyap, g.make_tan, g.make_thm], ids=["LYAP", "TAN", "THM"])
def test_true_statement_is_not_refuted_under_ci(factory: object) -> None:
    res = run_property(few(factory(), 3), profile="ci", database=False)  # type: ignore[operator]
    assert res.verdict is Verdict.CORROBORATED, (res.verdict, res.evidence.summary, res.notes)


def test_tan_fits_order_one_in_p() -> None:
    ev = g.make_tan().check(loss="zhu", x=2.0)
    assert ev.verdict is Verdict.CORROBORATED
    assert 0.8 <= ev.numbers["fitted_order"] <= 1.2
    assert ev.series["order"]["kind"] == "fit"


def test_mutant_checks_refute_directly_in_float_and_in_the_recheck() -> None:
    """Fast form of the mutant tests: the wrong variant's check and its high-precision recheck both refute."""
    lyap = g.make_lyap(eta_power=3)
    assert lyap.check(loss="zhu", x=2.0).verdict is Verdict.REFUTED
    assert lyap.recheck is not None and lyap.recheck(loss="zhu", x=2.0).verdict is Verdict.REFUTED
    tan = g.make_tan(coefficient=2.0)
    assert tan.check(loss="zhu", x=2.0).verdict is Verdict.REFUTED
    assert tan.recheck is not None and tan.recheck(loss="zhu", x=2.0).verdict is Verdict.REFUTED


def test_thm_without_c1_positive_is_refuted_by_the_runner() -> None:
    res = assert_refuted(few(g.make_thm(require_c1_positive=False), 3), profile="ci", replay=False)
    assert res.evidence.evidence_class is EvidenceClass.MPMATH  # the high-precision recheck confirmed it


@pytest.mark.slow
@pytest.mark.parametrize(
    "mutant",
    [lambda: g.make_lyap(eta_power=3), lambda: g.make_tan(coefficient=2.0)],
    ids=["LYAP-eta^3 (O-3)", "TAN-2eta"],
)
def test_mutant_is_refuted_after_recheck(mutant: object) -> None:
    res = assert_refuted(few(mutant(), 3), profile="ci", replay=False)  # type: ignore[operator]
    assert res.evidence.evidence_class is EvidenceClass.MPMATH  # the high-precision recheck confirmed it


def test_thm_on_the_non_product_toy_converges_in_float_and_in_the_recheck() -> None:
    prop = g.make_thm()
    args = {"loss": "toy", "x": 3.0, "u0": 0.01, "beta": 1.0, "gamma": -1.0}
    ev = prop.check(**args)
    assert ev.verdict is Verdict.CORROBORATED and ev.numbers["c1"] > 0, ev.summary
    assert ev.numbers["final_sharpness"] < 2 / ev.numbers["eta"]
    assert prop.recheck is not None
    again = prop.recheck(**args)
    assert again.verdict is Verdict.CORROBORATED
    assert abs(again.numbers["final_sharpness"] - ev.numbers["final_sharpness"]) < 1e-6
