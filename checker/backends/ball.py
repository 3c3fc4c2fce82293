"""Ball arithmetic with python-flint ``arb``: every result is a ball that contains the exact value.

Why flint and not mpmath's ``iv``: arb's transcendental functions come with proved error bounds; the
``iv`` context's do not. This module is the only road to CERTIFIED verdicts.

>>> from checker.backends.ball import ball_precision, to_arb
>>> with ball_precision(128):
...     (to_arb(1) / 3).str(20)
'[0.33333333333333333333 +/- 3.34e-21]'
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from fractions import Fraction
from typing import Any

import flint
import sympy as sp
from flint import arb, fmpq

from checker.backends.precision import BALL_BITS_MAX, BALL_BITS_MIN, checked_precision
from checker.backends.translate import Ops, compile_expr
from checker.errors import NonSmoothPointError

MAX_BALL_PREC = BALL_BITS_MAX  # the policy lives in checker.backends.precision


@contextmanager
def ball_precision(bits: int) -> Iterator[None]:
    """Set flint's working precision (bits) for the block; restores the previous value.

    Refuses precisions outside 2..MAX_BALL_PREC: a precision read from a (possibly tampered) report or typed
    by a user must not make flint allocate gigabytes."""
    n = checked_precision(bits, BALL_BITS_MIN, BALL_BITS_MAX, "ball precision (bits)")
    old = flint.ctx.prec
    flint.ctx.prec = n
    try:
        yield
    finally:
        flint.ctx.prec = old


def to_arb(value: Any) -> arb:
    """An exact or enclosing ball for an int, Fraction, sympy number, decimal string, or float.

    A float is taken as the exact binary number it is (no rounding); a decimal string is enclosed.
    """
    if isinstance(value, arb):
        return value
    if isinstance(value, bool):
        raise TypeError("bool is not a number here")
    if isinstance(value, int):
        return arb(value)
    if isinstance(value, Fraction):
        return arb(fmpq(value.numerator, value.denominator))
    if isinstance(value, sp.Rational):
        return arb(fmpq(int(value.p), int(value.q)))
    if isinstance(value, float | str):
        return arb(value)
    if isinstance(value, sp.Basic) and value.is_number:
        ball: arb = compile_expr(value, sp.Symbol("_unused"), BALL_OPS)(arb(0))
        return ball
    raise TypeError(f"cannot make a ball from {type(value).__name__}")


def _sign(x: arb) -> arb:
    if x > 0:
        return arb(1)
    if x < 0:
        return arb(-1)
    raise NonSmoothPointError(f"sign() of a ball containing 0 ({x}): the loss is not smooth there")


def _pow_int(x: arb, n: int) -> arb:
    """x**n for an integer n. python-flint 0.9 returns nan for a ball containing 0 (``arb(0, 1e-19)**2``),
    which would make every derivative with a square undecidable exactly at a minimiser: enclose directly."""
    if n > 0 and x.contains(0) and x.is_finite():
        top = x.abs_upper()
        if top == 0:
            return arb(0)
        up = top**n
        return arb(0).union(up) if n % 2 == 0 else (-up).union(up)
    return x**n


BALL_OPS = Ops(
    name="ball",
    rational=lambda p, q: arb(fmpq(p, q)),
    pi=arb.pi,
    e=arb.const_e,
    exp=lambda x: x.exp(),
    log=lambda x: x.log(),
    sqrt=lambda x: x.sqrt(),
    cosh=lambda x: x.cosh(),
    sinh=lambda x: x.sinh(),
    tanh=lambda x: x.tanh(),
    abs=abs,
    sign=_sign,
    pow_int=_pow_int,
    lambertw=lambda x, k: x.lambertw(branch=k),
)


def ball_function(expr: sp.Expr, variable: sp.Symbol) -> Callable[[arb], arb]:
    """Compile ``expr`` to f(arb) -> arb. Works on wide balls too (an interval extension: the result
    encloses the range of the expression over the ball), which is what interval Newton needs."""
    return compile_expr(expr, variable, BALL_OPS)


def ball(mid: float, rad: float) -> arb:
    """The ball [mid - rad, mid + rad] (a box for an interval extension), at the working precision."""
    return arb(mid, rad)


def top_eig_2x2_upper(a: arb, b: arb, c: arb) -> arb:
    """A ball whose upper end bounds lambda_max of [[a, b], [b, c]] over the balls a, b, c (only the upper end is
    meaningful for wide balls).

    lambda_max = (a + c)/2 + sqrt(((a - c)/2)^2 + b^2) and sqrt is increasing, so the upper ends of |a - c|/2
    and |b| (exact points) give the bound; squaring a wide ball directly would dip below 0 (NaN sqrt).
    """
    half_up = arb(abs((a - c) / 2).upper())
    b_up = arb(abs(b).upper())
    return (a + c) / 2 + (half_up * half_up + b_up * b_up).sqrt()
