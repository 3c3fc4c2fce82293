"""Public Hypothesis strategies for writing EoS properties: losses with a known minimiser, learning rates
relative to the stability threshold, starts near the minimiser manifold of l(xy).

Why these and not ``st.floats`` boxes: a statement about the edge of stability fails, if it fails, near an edge
(alpha_l close to 0, a sharpness just above 2/eta, a start just off the manifold). A box over raw coefficients
reaches such an edge rarely; these strategies are parameterised by the quantities the theorems are about, so a
property can ask for the edge directly (``alpha_ratio`` near 3, ``ratio`` near 1), and every drawn value is an
exact rational, so a check can use exact or ball arithmetic on it.

    from checker.strategies import taylor_losses
    from hypothesis import given

    @given(taylor_losses(alpha_ratio=(2, 4)))
    def test_alpha_sign(loss):
        assert (loss.alpha > 0) == (loss.a * loss.c < 3 * loss.b**2)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from hypothesis import strategies as st

from checker.loss import Loss

Range = tuple[Fraction | int | str, Fraction | int | str]


def _frac(v: Fraction | int | str) -> Fraction:
    return Fraction(v)


def fractions(
    lo: Fraction | int | str, hi: Fraction | int | str, denominator: int = 1000
) -> st.SearchStrategy[Fraction]:
    """Exact rationals k/denominator in [lo, hi], spread over the whole range, the ends drawn often.

    Why not ``st.fractions``: it costs ~10 ms per draw (a rejection loop over numerator and denominator), which
    made a check of exact arithmetic (microseconds) cost seconds per hundred examples. Why the scrambling:
    Hypothesis draws small integers far more often than large ones (good for shrinking, bad for coverage: 60% of
    draws of [0, 6] fell in [0, 1)), so the drawn index n is mapped to n * M mod N with M coprime to N near
    N/golden ratio, which spreads small n over the range; n = 0 is still lo, so shrinking still ends at lo.
    """
    lo_f, hi_f = _frac(lo), _frac(hi)
    if lo_f > hi_f:
        raise ValueError(f"empty range [{lo_f}, {hi_f}]")
    first = -((-lo_f.numerator * denominator) // lo_f.denominator)  # ceil(lo * denominator)
    last = (hi_f.numerator * denominator) // hi_f.denominator  # floor(hi * denominator)
    ends = st.sampled_from((lo_f, hi_f))
    if first > last:
        return ends
    n_points = last - first + 1
    mult = max(1, int(n_points / 1.618033988749895))
    while math.gcd(mult, n_points) != 1:
        mult += 1
    inner = st.integers(0, n_points - 1).map(lambda n: Fraction(first + (n * mult) % n_points, denominator))
    return st.one_of(inner, ends)


@dataclass(frozen=True)
class TaylorLoss:
    """l(z) = a (z - z*)^2/2 + b (z - z*)^3/6 + c (z - z*)^4/24: l'(z*) = 0 and l''(z*) = a > 0 exactly.

    The minimiser z* is certified by construction (no root finding), and (l'', l''', l'''') at z* are the exact
    rationals (a, b, c), so alpha_l(z*) = 3 b^2 - a c is exact too.
    """

    zstar: Fraction
    a: Fraction
    b: Fraction
    c: Fraction

    @property
    def alpha(self) -> Fraction:
        return 3 * self.b**2 - self.a * self.c

    @property
    def text(self) -> str:
        return "A*(z - Z0)^2/2 + B*(z - Z0)^3/6 + C*(z - Z0)^4/24"

    @property
    def params(self) -> dict[str, str]:
        return {"A": str(self.a), "B": str(self.b), "C": str(self.c), "Z0": str(self.zstar)}

    @cached_property
    def loss(self) -> Loss:
        """The loss as a :class:`checker.loss.Loss` (ball, mpmath and JAX evaluators)."""
        return Loss.from_string(self.text, self.params)

    def to_json(self) -> dict[str, str]:
        return {"zstar": str(self.zstar), "a": str(self.a), "b": str(self.b), "c": str(self.c)}


def taylor_losses(
    *,
    zstar: Range = (Fraction(1, 2), 2),
    a: Range = (Fraction(1, 4), 4),
    b: Range = (-4, 4),
    c: Range | None = (-24, 24),
    alpha_ratio: Range | None = None,
    denominator: int = 1000,
) -> st.SearchStrategy[TaylorLoss]:
    """Quartic losses with a certified minimiser z* and chosen (l'', l''', l'''') = (a, b, c) at z*.

    With ``alpha_ratio = (lo, hi)`` the fourth derivative is drawn through r = a c / b^2 in [lo, hi] instead of
    from ``c``: alpha = b^2 (3 - r), so its sign changes at r = 3, and a range around 3 puts the drawn losses
    on both sides of product-stability (and in between a wrong constant and the right one).
    """

    # Strategies are built once, outside the draw: building them per draw dominated the cost of cheap checks.
    z_st = fractions(*zstar, denominator=denominator)
    a_st = fractions(*a, denominator=denominator)
    b_st = fractions(*b, denominator=denominator)
    if alpha_ratio is not None:
        r_st = fractions(*alpha_ratio, denominator=denominator)

        def by_ratio(t: tuple[Fraction, Fraction, Fraction, Fraction]) -> TaylorLoss:
            z0, aa, bb, r = t
            bb = bb if bb != 0 else Fraction(1)
            return TaylorLoss(z0, aa, bb, r * bb * bb / aa)

        return st.tuples(z_st, a_st, b_st, r_st).map(by_ratio)
    if c is None:
        raise ValueError("taylor_losses needs a range for c or for alpha_ratio")
    c_st = fractions(*c, denominator=denominator)
    return st.tuples(z_st, a_st, b_st, c_st).map(lambda t: TaylorLoss(*t))


def learning_rates(
    curvature: Fraction | float, ratio: Range = (Fraction(1, 2), Fraction(3, 2)), denominator: int = 1000
) -> st.SearchStrategy[Fraction]:
    """eta = ratio * 2/curvature: learning rates placed relative to the stability threshold 2/eta = curvature
    (ratio < 1 below the edge, > 1 beyond it). Exact when ``curvature`` is a Fraction."""
    threshold = 2 / Fraction(curvature)
    return fractions(*ratio, denominator=denominator).map(lambda r: r * threshold)


def product_starts(
    zstar: Fraction, x: Range = (Fraction(1, 2), 3), offset: Range = (Fraction(-1, 100), Fraction(1, 100))
) -> st.SearchStrategy[tuple[Fraction, Fraction]]:
    """(x, y) near the minimiser manifold {xy = z*} of L = l(xy): y = (z* + u)/x with the offset u in ``offset``
    (u = 0 is on the manifold). Exact rationals; x > 0."""
    return st.tuples(fractions(*x), fractions(*offset)).map(lambda t: (t[0], (Fraction(zstar) + t[1]) / t[0]))
