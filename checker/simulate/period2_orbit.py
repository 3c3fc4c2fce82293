"""A period-2 orbit of a map in mpmath, by Newton, with its stability.

Used to decide a flip numerically (a stable 2-cycle beyond the threshold, an unstable one before it) for maps
with no closed-form orbit; it runs at the caller's mpmath precision. Not rigorous (mpmath rounding is not
tracked): its verdicts are CORROBORATED at most; certified 2-cycles are in checker.certify.period2.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mpmath

__all__ = ["period2_orbit"]


def period2_orbit(
    step: Callable[[list[Any]], list[Any]], start: tuple[Any, ...], tol: Any
) -> tuple[list[Any] | None, bool]:
    """(x, stable): a fixed point x of step o step found by mpmath.findroot from ``start`` = (p0, 0, ..., 0),
    and whether the Jacobian of step o step at x has spectral radius < 1.

    x is None (and stable False) when Newton fails or lands within p0/10 of 0 in the first coordinate (the
    fixed point of step itself, not a 2-cycle of amplitude ~ p0).
    """

    def two(*x: Any) -> list[Any]:
        y = step(step(list(x)))
        return [yi - xi for yi, xi in zip(y, x, strict=True)]

    try:
        root = list(mpmath.findroot(two, start, tol=tol))
    except (ValueError, ZeroDivisionError):
        return None, False
    if not abs(root[0]) > start[0] / 10:
        return None, False
    jac = mpmath.jacobian(lambda *x: step(step(list(x))), root)
    mods = [abs(e) for e in mpmath.eig(jac)[0]]
    return root, bool(max(mods) < 1)
