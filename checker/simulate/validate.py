"""Input checks shared by the one-trajectory simulators (mpmath, arb, reduced).

Why a separate check: mpmath and arb accept a negative, zero or NaN learning rate without complaint and
simply produce a meaningless trajectory (or a ball of NaN), and ``range(steps + 1)`` with a negative step
count silently runs nothing. Users should hear what to fix instead.
"""

from __future__ import annotations

import math
from typing import Any

from checker.backends.precision import MP_DPS_MAX, SIM_DPS_MIN, checked_precision
from checker.errors import UserInputError

MIN_DPS, MAX_DPS = SIM_DPS_MIN, MP_DPS_MAX


def _value(number: Any, name: str) -> float:
    """A float view of a decimal string, int, Fraction, float, mpf or arb, for range checks only."""
    try:
        return float(number.strip()) if isinstance(number, str) else float(number)
    except (TypeError, ValueError):
        pass
    try:  # an arb ball: decide on its midpoint; a ball straddling 0 counts as NaN (refused by callers)
        return float(number.mid()) if number.rad() < abs(number.mid()) else math.nan
    except AttributeError:
        raise UserInputError(f"{name} must be a number, not {number!r}") from None


def check_eta(eta: Any) -> None:
    """eta must be a finite number > 0."""
    value = _value(eta, "eta")
    if not math.isfinite(value) or value <= 0:
        raise UserInputError(f"eta must be finite and > 0, not {eta}")


def check_start(x0: Any, y0: Any) -> None:
    """The start (x0, y0) must be finite numbers (mpmath and arb would otherwise fail with a traceback)."""
    for name, value in (("x0", x0), ("y0", y0)):
        if not math.isfinite(_value(value, name)):
            raise UserInputError(f"{name} must be a finite number, not {value}")


def check_steps(steps: int) -> None:
    if int(steps) != steps or steps < 0:
        raise UserInputError(f"steps must be an integer >= 0, not {steps}")


def check_dps(dps: int) -> None:
    checked_precision(dps, MIN_DPS, MAX_DPS, "precision (digits)")
