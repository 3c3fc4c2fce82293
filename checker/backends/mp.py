"""mpmath backend: arbitrary precision, not rigorous (rounding errors are not tracked).

Use it for long high-precision simulations and to re-check float counterexamples; never for CERTIFIED.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import mpmath
import sympy as sp

from checker.backends.precision import MP_DPS_MAX, MP_DPS_MIN, checked_precision
from checker.backends.translate import Ops, compile_expr

mp = mpmath.mp
T = TypeVar("T")
MAX_MP_DPS = MP_DPS_MAX  # the policy lives in checker.backends.precision


@contextmanager
def mp_precision(dps: int) -> Iterator[None]:
    """Set mpmath's decimal precision for the block (restored afterwards); 1..MAX_MP_DPS digits."""
    n = checked_precision(dps, MP_DPS_MIN, MP_DPS_MAX, "mpmath precision (digits)")
    with mpmath.workdps(n):
        yield


def rerun_high_precision(evaluate: Callable[..., T], dps: int) -> Callable[..., T]:
    """The recheck of a float evaluation: the same ``evaluate(high=True, **params)`` at ``dps`` digits.

    For checks written generically over the number type, where the independent re-evaluation is the same code
    in mpmath (so float rounding cannot be the cause of what it sees).
    """

    def recheck(**params: Any) -> T:
        with mpmath.workdps(dps):
            return evaluate(high=True, **params)

    return recheck


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
