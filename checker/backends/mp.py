"""mpmath backend: arbitrary precision, not rigorous (rounding errors are not tracked).

Use it for long high-precision simulations and to re-check float counterexamples; never for CERTIFIED.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import mpmath
import sympy as sp

from checker.backends.translate import Ops, compile_expr
from checker.errors import UserInputError

mp = mpmath.mp
MAX_MP_DPS = 100_000


def _whole(value: Any) -> int | None:
    """value as an int if it is a whole number (int, numpy int, 50.0), else None."""
    if isinstance(value, bool):
        return None
    try:
        n = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return n if n == value else None


@contextmanager
def mp_precision(dps: int) -> Iterator[None]:
    """Set mpmath's decimal precision for the block (restored afterwards); 1..MAX_MP_DPS digits."""
    n = _whole(dps)
    if n is None or not 1 <= n <= MAX_MP_DPS:
        raise UserInputError(f"mpmath precision of {dps} digits is impossible here (use 1..{MAX_MP_DPS})")
    with mpmath.workdps(n):
        yield


MP_OPS = Ops(
    name="mp",
    rational=lambda p, q: mpmath.mpf(p) / q,
    pi=lambda: +mp.pi,
    e=lambda: +mp.e,
    exp=mpmath.exp,
    log=mpmath.log,
    sqrt=mpmath.sqrt,
    cosh=mpmath.cosh,
    sinh=mpmath.sinh,
    tanh=mpmath.tanh,
    abs=abs,
    sign=mpmath.sign,
    pow_int=lambda x, n: x**n,
    lambertw=lambda x, k: mpmath.lambertw(x, k).real,
)


def mp_function(expr: sp.Expr, variable: sp.Symbol) -> Callable[[Any], Any]:
    """Compile ``expr`` to f(mpf) -> mpf at the precision in force when it is *called*."""
    return compile_expr(expr, variable, MP_OPS)
