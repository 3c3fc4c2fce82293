"""The precision policy: every precision limit of the package, and the one validator that enforces them.

Why one place: a precision can come from a user's flag or from a (possibly tampered) report file, and every
backend must refuse the same things (non-integers, booleans, absurd sizes that would allocate gigabytes)
with the same one-line error; and the limits themselves (what a backend accepts at all, what a user may ask
for, where adaptive refinement stops) were declared separately with different values.

The independent verifier (checker/verify.py) deliberately keeps its own retry ceiling: it must not share
code or constants with the producer whose records it re-checks.
"""

from __future__ import annotations

from typing import Any

from checker.errors import UserInputError

# arb balls, bits
BALL_BITS_MIN = 2  # what the ball backend accepts at all ...
BALL_BITS_MAX = 1 << 16  # ... far beyond anything the checks need, small enough never to hang
SIM_BITS_MIN = 16  # a ball simulation below this loses every digit in a few steps
USER_BITS_MIN = 53  # what a user may ask for on the command line (--prec, --max-prec): at least float64 ...
USER_BITS_MAX = 1 << 14  # ... and at most this
REFINE_BITS_MAX = 4096  # where adaptive refinement stops by default (e.g. an undecided sign of alpha)

# mpmath, decimal digits
MP_DPS_MIN = 1  # what the mpmath backend accepts at all ...
MP_DPS_MAX = 100_000  # ... at most
SIM_DPS_MIN = 5  # an mpmath simulation below this is not "high precision"


def whole_number(value: Any) -> int | None:
    """value as an int if it is a whole number (int, numpy int, 50.0), else None."""
    if isinstance(value, bool):
        return None
    try:
        n = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return n if n == value else None


def checked_precision(value: Any, low: int, high: int, what: str) -> int:
    """The precision as an int in [low, high], or a UserInputError naming the allowed range."""
    n = whole_number(value)
    if n is None or not low <= n <= high:
        raise UserInputError(f"{what} of {value} is impossible here (use {low}..{high})")
    return n
