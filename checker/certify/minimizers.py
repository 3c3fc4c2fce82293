"""Pieces the loss job's domain cover is built from: the domain parser, a numerical guess for a zero of l'
(where to try a Krawczyk inclusion), and the certified critical point handed to the stability analysis.

The cover itself (every point of the domain accounted for: signs of l', certified roots, exact multiple
roots, undecided pieces) is :mod:`checker.lossval.cover`.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
from flint import arb

from checker.certify.krawczyk import KrawczykResult
from checker.errors import UserInputError
from checker.loss import Loss

DEFAULT_DOMAIN = (-50.0, 50.0)


@dataclass(frozen=True)
class CriticalPoint:
    kind: str  # "minimum" | "maximum" | "degenerate"
    box: arb  # certified enclosure of the unique zero of l' in it
    krawczyk: KrawczykResult
    l2: arb  # l''(box)

    @property
    def mid(self) -> float:
        return float(self.box.mid())


def parse_domain(text: str) -> tuple[float, float]:
    """``A,B`` from the command line: finite, A < B."""
    parts = text.split(",")
    if len(parts) != 2:
        raise UserInputError(f"--domain must look like A,B (e.g. -50,50), not {text!r}")
    try:
        lo, hi = (float(p) for p in parts)
    except ValueError:
        raise UserInputError(f"--domain bounds must be numbers, not {text!r}") from None
    if not all(map(mpmath.isfinite, (lo, hi))):
        raise UserInputError(f"--domain bounds must be finite, not {text!r}")
    if not lo < hi:
        raise UserInputError(f"--domain needs A < B, got {text!r}")
    return lo, hi


def guess_zero(loss: Loss, lo: float, hi: float) -> float | None:
    """A numerical zero of l' in [lo, hi] (mpmath, not rigorous: only a place to try Krawczyk).

    Newton safeguarded by bisection on a sign change of l'; plain Newton from the middle otherwise,
    abandoned as soon as it leaves the piece (it would only find some other zero, or overflow).
    """
    l1, l2 = loss.mp(1, dps=30), loss.mp(2, dps=30)
    a, b = mpmath.mpf(lo), mpmath.mpf(hi)
    try:
        fa, fb = l1(a), l1(b)
        bracket = fa * fb < 0
        x = (a + b) / 2
        for _ in range(200):
            fx = l1(x)
            if fx == 0:
                break
            if bracket:
                if (fx < 0) == (fa < 0):
                    a, fa = x, fx
                else:
                    b = x
            d = l2(x)
            nxt = x - fx / d if d != 0 else None
            if nxt is None or not (a <= nxt <= b) or not mpmath.isfinite(nxt):
                if not bracket:
                    return None
                nxt = (a + b) / 2
            if abs(nxt - x) <= mpmath.mpf(10) ** -25 * (1 + abs(x)):
                x = nxt
                break
            x = nxt
    except (ValueError, ZeroDivisionError, ArithmeticError, TypeError):
        return None
    if not mpmath.isfinite(x) or not lo <= x <= hi:
        return None
    return float(x)
