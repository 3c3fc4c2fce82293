"""The verifier's own sympy -> arb (python-flint ball arithmetic) evaluator.

Why its own: the producer's translator must not be trusted to check itself. Every node maps to one arb
operation, and arb's operations are rigorous (the true value of the real function over every point of the
input balls lies in the output ball; outside a function's domain arb returns a non-finite ball, and every
comparison with a non-finite ball is false, so a domain error can only make a check fail).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from fractions import Fraction
from typing import Any

import sympy as sp
from flint import arb, ctx, fmpq

Env = Mapping[sp.Symbol, arb]


class EvalError(Exception):
    """An expression contains something the evaluator does not know (so nothing is certified)."""


def exact(q: Fraction | sp.Rational) -> arb:
    """A ball containing the rational q (exact when q is dyadic, else a tight ball at the current precision)."""
    if isinstance(q, sp.Rational):
        return arb(fmpq(int(q.p), int(q.q)))
    return arb(fmpq(q.numerator, q.denominator))


def hull(lo: Fraction, hi: Fraction) -> arb:
    """A ball containing every point of [lo, hi]."""
    return exact(lo).union(exact(hi))


@contextmanager
def precision(bits: int) -> Iterator[None]:
    old = ctx.prec
    ctx.prec = bits
    try:
        yield
    finally:
        ctx.prec = old


_UNARY: Mapping[type[sp.Function], Callable[[arb], arb]] = {
    sp.exp: lambda x: x.exp(),
    sp.log: lambda x: x.log(),
    sp.cosh: lambda x: x.cosh(),
    sp.sinh: lambda x: x.sinh(),
    sp.tanh: lambda x: x.tanh(),
    sp.cos: lambda x: x.cos(),
    sp.sin: lambda x: x.sin(),
    sp.atan: lambda x: x.atan(),
    sp.Abs: lambda x: tight_abs(x),
}


def tight_abs(b: arb) -> arb:
    """|b| as the ball hull of [min |x|, max |x|] (arb's abs keeps the radius, so it can dip below 0)."""
    return arb(b.abs_lower()).union(arb(b.abs_upper()))


def _point_pow(p: arb, n: int) -> arb:
    out = arb(1)
    for _ in range(n):
        out = out * p
    return out


def ipow(b: arb, n: int) -> arb:
    """b^n from the endpoints (x^n is monotone on [0, inf) and, for odd n, on the whole line).

    Why not arb's ``**``: it goes through log and gives nan for a ball that contains 0; and not b*b*...:
    midpoint-radius products of a wide ball with itself dip below 0 (a square must not).
    """
    if n == 0:
        return arb(1)
    if n % 2 == 0:
        lo, hi = arb(b.abs_lower()), arb(b.abs_upper())
    else:
        lo, hi = arb(b.lower()), arb(b.upper())
    if n > 64:
        raise EvalError("integer power above 64")
    return _point_pow(lo, n).union(_point_pow(hi, n))


def evaluate(expr: Any, env: Env) -> arb:
    """expr over the balls in env (every free symbol must be bound)."""
    if isinstance(expr, sp.Symbol):
        if expr not in env:
            raise EvalError(f"unbound symbol {expr}")
        return env[expr]
    if isinstance(expr, sp.Rational):
        return exact(expr)
    if expr is sp.pi:
        return arb.pi()
    if expr is sp.E:
        return arb(1).exp()
    if isinstance(expr, sp.Add):
        total = evaluate(expr.args[0], env)
        for a in expr.args[1:]:
            total = total + evaluate(a, env)
        return total
    if isinstance(expr, sp.Mul):
        total = evaluate(expr.args[0], env)
        for a in expr.args[1:]:
            total = total * evaluate(a, env)
        return total
    if isinstance(expr, sp.Pow):
        base, e = expr.args
        b = evaluate(base, env)
        if isinstance(e, sp.Integer):
            n = int(e)
            return ipow(b, n) if n >= 0 else 1 / ipow(b, -n)
        if e == sp.Rational(1, 2):
            return b.sqrt()
        if e == sp.Rational(-1, 2):
            return 1 / b.sqrt()
        return (evaluate(e, env) * b.log()).exp()  # b must be > 0, else log is non-finite and checks fail
    if isinstance(expr, sp.LambertW):
        k = expr.args[1] if len(expr.args) > 1 else sp.Integer(0)
        if k not in (0, -1):
            raise EvalError("LambertW branch other than 0, -1")
        return evaluate(expr.args[0], env).lambertw(branch=int(k))
    for fn, op in _UNARY.items():
        if isinstance(expr, fn):
            return op(evaluate(expr.args[0], env))
    raise EvalError(f"cannot evaluate {type(expr).__name__} in ball arithmetic")


def function_of(expr: Any, var: sp.Symbol) -> Callable[[arb], arb]:
    """x -> expr at var = x (a convenience for one-variable checks)."""
    if not isinstance(expr, sp.Expr):
        raise EvalError("not a scalar expression")
    extra = expr.free_symbols - {var}
    if extra:
        raise EvalError(f"free symbols besides {var}: {sorted(map(str, extra))}")
    return lambda x: evaluate(expr, {var: x})
