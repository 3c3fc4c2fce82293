"""Input checks shared by the one-trajectory simulators (mpmath, arb, reduced).

Why a separate check: mpmath and arb accept a negative, zero or NaN learning rate without complaint and
simply produce a meaningless trajectory (or a ball of NaN), and ``range(steps + 1)`` with a negative step
count silently runs nothing. Users should hear what to fix instead.
"""

from __future__ import annotations

import math
from typing import Any

from checker.errors import UserInputError

MIN_DPS, MAX_DPS = 5, 100_000


def check_eta(eta: Any) -> None:
    """eta must be a finite number > 0 (given as a decimal string, int, Fraction, float, mpf or arb)."""
    try:
        value = float(eta) if not isinstance(eta, str) else float(eta.strip())
    except (TypeError, ValueError):
        value = math.nan
        try:  # an arb ball: decide on its midpoint; a ball straddling 0 is refused below
            value = float(eta.mid()) if eta.rad() < abs(eta.mid()) else math.nan
        except AttributeError:
            raise UserInputError(f"eta must be a number, not {eta!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise UserInputError(f"eta must be finite and > 0, not {eta}")


def check_steps(steps: int) -> None:
    if int(steps) != steps or steps < 0:
        raise UserInputError(f"steps must be an integer >= 0, not {steps}")


def check_dps(dps: int) -> None:
    if not MIN_DPS <= dps <= MAX_DPS:
        raise UserInputError(f"precision of {dps} digits is impossible here (use {MIN_DPS}..{MAX_DPS})")
