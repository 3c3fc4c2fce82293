"""Enclosure.from_arb (checker/verdict.py): the printed decimals [lo, hi] must still contain the ball.

A report stores enclosures as decimal text; a verifier re-reads them. If printing rounded a bound inward,
a CERTIFIED interval in a report would no longer contain the value it certifies.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from flint import arb
from hypothesis import given
from hypothesis import strategies as st

from checker.backends.ball import ball_precision
from checker.verdict import Enclosure


def _exact(endpoint: arb) -> Fraction:
    man, exp = (int(v) for v in endpoint.man_exp())
    return Fraction(man) * Fraction(2) ** exp


def _contains(enc: Enclosure, ball: arb) -> bool:
    with ball_precision(1 << 14):  # exact endpoints mid -/+ rad (lower() rounds to the ambient precision)
        lower, upper = _exact(ball.lower()), _exact(ball.upper())
    return Fraction(Decimal(enc.lo)) <= lower and upper <= Fraction(Decimal(enc.hi))


@given(
    num=st.integers(-(10**30), 10**30),
    den=st.integers(1, 10**12),
    scale=st.integers(-80, 80),
    rad_exp=st.integers(-120, 0),
    prec=st.sampled_from([53, 128, 256]),
    digits=st.integers(1, 40),
)
def test_printed_bounds_contain_the_ball(num, den, scale, rad_exp, prec, digits):
    with ball_precision(prec):
        ball = arb(num) / den * arb(10) ** scale
        ball = ball + arb(0, arb(2) ** rad_exp * abs(ball)) if rad_exp > -120 else ball
    enc = Enclosure.from_arb(ball, digits=digits)  # printed outside the precision block on purpose
    assert _contains(enc, ball), (ball, enc)
    assert float(enc.lo) <= float(enc.hi)


def test_tight_ball_is_printed_tightly():
    with ball_precision(256):
        ball = arb(1) / 3  # printed outside the block: the 256-bit tightness must survive
    enc = Enclosure.from_arb(ball, digits=30)
    assert _contains(enc, ball)
    assert Fraction(Decimal(enc.hi)) - Fraction(Decimal(enc.lo)) <= Fraction(1, 10**29)


def test_round_to_nearest_would_not_contain():
    """The containment check can fail: arb's own round-to-nearest print of the upper end of 1/3 at 256
    bits, cut to 30 digits, lies below the ball."""
    with ball_precision(256):
        ball = arb(1) / 3
        lower, nearest = ball.lower().str(35, radius=False), ball.upper().str(30, radius=False)
    assert not _contains(Enclosure(lo=lower, hi=nearest), ball)
    assert _contains(Enclosure.from_arb(ball, digits=30), ball)


def test_exact_and_infinite_endpoints():
    assert Enclosure.from_arb(arb(5)) == Enclosure(lo="5", hi="5")
    assert Enclosure.from_arb(arb(0)) == Enclosure(lo="0", hi="0")
    wide = Enclosure.from_arb(arb(1, float("inf")))
    assert (wide.lo, wide.hi) == ("-inf", "inf")
    with ball_precision(128):
        tiny = arb(2) ** -300_000 / 3  # beyond the exact-division range: the fallback printer
    enc = Enclosure.from_arb(tiny, digits=20)
    assert _contains(enc, tiny)
