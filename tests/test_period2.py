"""Frozen-D map (GAN-A-FLIP): its Taylor coefficients give P; certified 2-cycles match u^2 ~ sigma/P."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp
from flint import arb

from checker.certify.minimizers import CriticalPoint
from checker.certify.period2 import certify_period2, default_sigmas, frozen_map
from checker.certify.stability import product_stability
from checker.loss import Loss
from checker.lossval.cover import build_cover
from checker.models.product.normal_form import flip_p, flip_p_at_s
from checker.parse import Z


def _minima(loss: Loss, domain: tuple[float, float] = (-50, 50), prec: int = 128) -> list[CriticalPoint]:
    return build_cover(loss, (Fraction(domain[0]), Fraction(domain[1])), prec=prec).minimum_points()


def _series_p2q(text: str, z_star: int, eta: sp.Rational) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """Linear coefficient, p^2 + q of the frozen-D map at sigma = 0 (exact sympy), and the formula P."""
    loss = Loss.from_string(text)
    a, b, c = (loss.derivative(k).subs(Z, z_star) for k in (2, 3, 4))
    s_c = 2 / (eta * a)
    d = s_c**2 - 4 * z_star**2
    u = sp.Symbol("u")
    g_map, _ = frozen_map(
        lambda z: loss.derivative(1).subs(Z, z),
        None,
        eta,
        d,
        sp.sqrt,  # type: ignore[arg-type]
    )
    expansion = sp.series(g_map(z_star + u) - z_star, u, 0, 4).removeO()
    lin, p, q = (sp.nsimplify(sp.simplify(expansion.coeff(u, k))) for k in (1, 2, 3))
    alpha = 3 * b**2 - a * c
    return sp.simplify(lin), sp.simplify(p**2 + q), sp.simplify(flip_p(alpha, a, b, z_star, eta))


@pytest.mark.parametrize(
    ("text", "z_star"), [("(z**2-1)**2/4", 1), ("(z-1)**2/2 + (z-1)**4", 1), ("(z-1)**2/2 + (z-1)**3", 1)]
)
def test_taylor_coefficients_give_flip_p(text: str, z_star: int) -> None:
    lin, series_p, formula_p = _series_p2q(text, z_star, sp.Rational(1, 10))
    assert lin == -1  # the flip: multiplier -(1 + sigma) at sigma = 0
    assert sp.simplify(series_p - formula_p) == 0


def test_mutant_p_formula_is_caught() -> None:
    """A wrong P (sign of the 2ab z eta^2 term flipped) disagrees with the series."""
    eta = sp.Rational(1, 10)
    _, series_p, formula_p = _series_p2q("(z**2-1)**2/4", 1, eta)
    a, b = 2, 6
    wrong = formula_p - 4 * a * b * 1 * eta**2
    assert sp.simplify(series_p - wrong) != 0


def test_general_and_threshold_forms_agree() -> None:
    alpha, a, b, z, eta = 0.7, 1.3, -0.4, 0.6, 0.05
    assert flip_p_at_s(alpha, a, b, z, 2 / (eta * a)) == pytest.approx(flip_p(alpha, a, b, z, eta), rel=1e-12)


def _setup(text: str, eta: float):  # type: ignore[no-untyped-def]
    loss = Loss.from_string(text)
    st = product_stability(loss, _minima(loss)[-1])
    p = float(flip_p(st.alpha, st.a, st.b, st.box, arb(eta)).mid())
    return loss, st, p


@pytest.mark.parametrize(("text", "eta", "stable"), [("(z**2-1)**2/4", 0.1, True), ("cosh(z-1)", 0.2, False)])
def test_certified_orbits_match_normal_form(text: str, eta: float, stable: bool) -> None:
    loss, st, p = _setup(text, eta)
    assert (p > 0) == stable
    for sigma in default_sigmas(p, 3)[:2]:
        r = certify_period2(loss, st.box, st.a, eta, sigma, p)
        assert r.certified and r.stability == ("stable" if stable else "unstable")
        assert r.u1 * r.u2 < 0  # the two points straddle z*
        amp = (abs(r.u1) + abs(r.u2)) / 2
        assert amp**2 == pytest.approx(sigma / p, rel=0.05)
        assert r.sigma_ball.overlaps(arb(sigma)) or abs(float(r.sigma_ball.mid()) - sigma) < 1e-12


def test_wrong_side_of_the_flip_has_no_orbit() -> None:
    loss, st, p = _setup("(z**2-1)**2/4", 0.1)
    r = certify_period2(loss, st.box, st.a, 0.1, -1e-3, p)  # supercritical: no 2-cycle below the threshold
    assert not r.certified
