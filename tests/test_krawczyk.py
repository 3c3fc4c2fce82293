"""Krawczyk inclusion: unique / none / undecided must never contradict the known zeros."""

from __future__ import annotations

from fractions import Fraction

import sympy as sp
from flint import arb
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.backends.ball import ball_precision, to_arb
from checker.certify.krawczyk import interval, krawczyk_1d, krawczyk_certificate
from checker.parse import Z


def _sq2(x: arb) -> arb:
    return x * x - 2


def _dsq2(x: arb) -> arb:
    return 2 * x


def test_unique_zero_is_enclosed_tightly() -> None:
    with ball_precision(200):
        r = krawczyk_1d(_sq2, _dsq2, interval(1, 2))
        assert r.status == "unique"
        assert r.box.overlaps(arb(2).sqrt())
        assert r.box.rad() < 1e-55
        assert r.image is not None and r.box.contains(r.image)


def test_box_without_zero_is_none() -> None:
    with ball_precision(128):
        assert krawczyk_1d(_sq2, _dsq2, interval(2, 3)).status == "none"
        # f(X) contains 0 on this wide box, but K(X) is disjoint from X
        assert krawczyk_1d(_sq2, _dsq2, interval("1.42", "1.9")).status == "none"


def test_two_zeros_or_double_zero_never_unique() -> None:
    with ball_precision(128):
        assert krawczyk_1d(_sq2, _dsq2, interval(-2, 2)).status == "undecided"
        assert krawczyk_1d(lambda x: x * x, lambda x: 2 * x, interval("-0.1", "0.3")).status == "undecided"


def test_wrong_equation_is_not_certified_at_the_true_root() -> None:
    """Mutant: claiming sqrt(2) is a zero of x^2 - 2.01 must fail once the box is tight."""
    with ball_precision(128):
        r = krawczyk_1d(_sq2, _dsq2, interval(1, 2))
        wrong = krawczyk_1d(lambda x: x * x - to_arb(Fraction(201, 100)), _dsq2, r.box)
        assert wrong.status == "none"


def test_certificate_record() -> None:
    with ball_precision(128):
        r = krawczyk_1d(_sq2, _dsq2, interval(1, 2))
    rec = krawczyk_certificate(Z**2 - 2, 2 * Z, Z, r, "sqrt 2", sign_df="positive")
    assert rec["kind"] == "krawczyk" and rec["sign_df"] == "positive"
    lo, hi = sp.Rational(rec["box"]["lo"]), sp.Rational(rec["box"]["hi"])
    assert lo < sp.sqrt(2) < hi


rationals = st.fractions(min_value=-5, max_value=5, max_denominator=64)


@settings(max_examples=60, deadline=None)
@given(r1=rationals, r2=rationals, lo=rationals, width=st.fractions(min_value=Fraction(1, 64), max_value=4))
def test_status_agrees_with_known_roots(r1: Fraction, r2: Fraction, lo: Fraction, width: Fraction) -> None:
    hi = lo + width

    def f(x: arb) -> arb:
        return (x - to_arb(r1)) * (x - to_arb(r2))

    def df(x: arb) -> arb:
        return 2 * x - to_arb(r1) - to_arb(r2)

    with ball_precision(128):
        res = krawczyk_1d(f, df, interval(to_arb(lo), to_arb(hi)))
    inside = {r for r in (r1, r2) if lo <= r <= hi}
    if res.status == "unique":
        assert len(inside) == 1 and r1 != r2
        (root,) = inside
        with ball_precision(128):
            assert res.box.overlaps(to_arb(root))
    elif res.status == "none":
        assert not inside


def test_certificate_box_has_interior_even_for_an_exact_root() -> None:
    """z* = 1 exactly: the refined box may be the point 1, but the certificate needs the proof box X."""
    with ball_precision(128):
        r = krawczyk_1d(lambda x: x - 1, lambda x: arb(1) + 0 * x, interval("0.5", "1.5"))
    assert r.unique and r.proof_box is not None and r.proof_box.rad() > 0
    rec = krawczyk_certificate(Z - 1, sp.Integer(1), Z, r, "root 1")
    assert sp.Rational(rec["box"]["lo"]) < 1 < sp.Rational(rec["box"]["hi"])
