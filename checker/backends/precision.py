"""Validation of a working precision, shared by the ball and mpmath backends.

Why one place: a precision can come from a user's flag or from a (possibly tampered) report file, and both
backends must refuse the same things (non-integers, booleans, absurd sizes that would allocate gigabytes)
with the same one-line error.
"""

from __future__ import annotations

from typing import Any

from checker.errors import UserInputError


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
