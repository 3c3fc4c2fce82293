"""Certified product-stability (GAN-A-D4.1) against THEOREMS 6.1, with mutants that must be caught."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp
from flint import arb

from checker.backends.ball import ball_function, ball_precision, to_arb
from checker.certify.minimizers import CriticalPoint
from checker.certify.stability import alpha_expr, product_stability
from checker.loss import Loss
from checker.lossval.cover import build_cover
from checker.parse import Z


def _minima(loss: Loss, domain: tuple[float, float] = (-50, 50), prec: int = 128) -> list[CriticalPoint]:
    return build_cover(loss, (Fraction(domain[0]), Fraction(domain[1])), prec=prec).minimum_points()


# (loss, verdict, alpha) from THEOREMS 6.1 / GAN-A-EX
CATALOGUE = [
    ("(z-1)**2/2", "degenerate", 0),
    ("(z**2-1)**2/4", "product-stable", 96),
    ("log(cosh(z-1))", "product-stable", 2),
    ("sqrt(1+(z-1)**2)", "product-stable", 3),
    ("(z-1)**2/2 + (z-1)**3", "product-stable", 108),
    ("cosh(z-1)", "not-product-stable", -1),
    ("(z-1)**2/2 + (z-1)**4", "not-product-stable", -24),
]


def _minimum_near(loss: Loss, z: float):  # type: ignore[no-untyped-def]
    return next(p for p in _minima(loss) if abs(p.mid - z) < 1e-6)


@pytest.mark.parametrize(("text", "verdict", "alpha"), CATALOGUE)
def test_catalogue(text: str, verdict: str, alpha: int) -> None:
    loss = Loss.from_string(text)
    st = product_stability(loss, _minimum_near(loss, 1.0))
    assert st.kind == verdict
    assert st.level == ("PROVED" if verdict == "degenerate" else "CERTIFIED")
    with ball_precision(st.prec):
        assert st.alpha.overlaps(arb(alpha))
    assert st.certificates


@pytest.mark.parametrize("p", ["0.55", "0.6", "0.7", "0.8", "0.9", "0.95"])
def test_bce_matches_closed_form(p: str) -> None:
    """alpha = 2v^2(1 - 3v), v = p(1-p): the ball must contain the exact value and exclude a wrong one."""
    loss = Loss.from_string("log(1+exp(z)) - p*z", p=p)
    st = product_stability(loss, _minima(loss)[0])
    q = Fraction(p)
    v = q * (1 - q)
    assert st.kind == "product-stable"
    with ball_precision(st.prec):
        assert st.alpha.overlaps(to_arb(2 * v * v * (1 - 3 * v)))
        assert not st.alpha.overlaps(to_arb(2 * v * v * (1 - 2 * v)))  # mutant: wrong constant


def test_mutant_alpha_formula_is_caught() -> None:
    """3 l'''^2 + l'' l'''' (flipped sign) or 3 l''^2 - ... would give other values than the table."""
    loss = Loss.from_string("(z**2-1)**2/4")
    point = _minimum_near(loss, 1.0)
    l2, l3, l4 = (loss.derivative(k) for k in (2, 3, 4))
    for wrong in (3 * l3**2 + l2 * l4, 2 * l3**2 - l2 * l4, 3 * l3 - l2 * l4):
        with ball_precision(128):
            assert not ball_function(wrong, Z)(point.box).overlaps(arb(96))
    assert sp.simplify(alpha_expr(loss) - (3 * l3**2 - l2 * l4)) == 0


def test_zhu_both_minima_product_stable() -> None:
    loss = Loss.from_string("(z**2-1)**2/4")
    verdicts = [product_stability(loss, p).kind for p in _minima(loss)]
    assert verdicts == ["product-stable", "product-stable"]


def test_degenerate_by_exact_algebraic_root() -> None:
    """alpha is not identically 0 here, but vanishes at z* = 0 exactly (found via the polynomial route)."""
    loss = Loss.from_string("z**2/2 + z**3/6 + z**4/8")
    st = product_stability(loss, _minima(loss)[0])
    assert st.kind == "degenerate" and "divides" in st.exact_zero


def test_near_degenerate_is_not_called_degenerate() -> None:
    """alpha(z*) = 3 - 24*0.1246666 = 0.008: small but nonzero: ball arithmetic must decide it, not call it 0."""
    loss = Loss.from_string("z**2/2 + z**3/6 + 0.124666666666*z**4")
    st = product_stability(loss, _minima(loss)[0])
    assert st.kind == "product-stable" and st.level == "CERTIFIED"


def test_precision_is_raised_automatically_and_undecided_reports_width() -> None:
    """alpha(0) = 1e-60 exactly: undecided at a 128-bit ceiling (width reported), certified once raised."""
    loss = Loss.from_string("z**2/2 + z**3/6 + (1/8 - 10**(-60)/24)*z**4")
    point = _minima(loss)[0]
    low = product_stability(loss, point, max_prec=128)
    assert low.kind == "undecided" and low.level == "UNDECIDED" and "width" in low.reason
    high = product_stability(loss, point)
    assert high.kind == "product-stable" and high.prec > 128
    with ball_precision(high.prec):
        assert high.alpha.overlaps(arb(10) ** -60)


def test_degenerate_certificates_are_nontrivial_and_reverify() -> None:
    """The stored identities redo the algebra (not "0 == 0"), verify, and fail once tampered.

    alpha = 108 c^2 - 24 d vanishes at z* = 1 only (c = 1/3, d = 1/2): the polynomial route stores
    l' = q1 f and alpha = q2 f for the factor f of l' that has z* as its root.
    """
    from checker.verify import CertificateError, verify_certificate

    loss = Loss.from_string("(z-1)**2/2 + (z-1)**3/3 + (z-1)**4/2")
    st = product_stability(loss, _minimum_near(loss, 1.0))
    assert st.kind == "degenerate"
    assert st.certificates
    for cert in st.certificates:
        assert cert["kind"] == "symbolic-zero"
        assert cert["expr"] != "0"
        verify_certificate(cert)
        tampered = dict(cert, expr=f"({cert['expr']}) + z/1000")
        with pytest.raises(CertificateError):
            verify_certificate(tampered)
