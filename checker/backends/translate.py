"""One translator from a sympy expression to any arithmetic.

sympy has no printer for python-flint, and ``lambdify`` generates source text and calls ``exec``; a tree
walk that builds closures is small, safe (it only ever sees expressions our parser built, or a sympy
object the user constructed in Python) and works for every backend through the :class:`Ops` table.
Every backend therefore evaluates *the same* expression tree, which is what makes cross-backend
comparisons meaningful.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sympy as sp

from checker.errors import UserInputError

Fn = Callable[[Any], Any]


@dataclass(frozen=True)
class Ops:
    """The arithmetic one backend provides. ``rational(p, q)`` must be exact or correctly enclosed."""

    name: str
    rational: Callable[[int, int], Any]
    pi: Callable[[], Any]
    e: Callable[[], Any]
    exp: Fn
    log: Fn
    sqrt: Fn
    cosh: Fn
    sinh: Fn
    tanh: Fn
    abs: Fn
    sign: Fn
    pow_int: Callable[[Any, int], Any]
    lambertw: Callable[[Any, int], Any] | None = None  # real branches 0 and -1


def compile_expr(expr: sp.Expr, variable: sp.Symbol, ops: Ops) -> Callable[[Any], Any]:
    """Return f(value) evaluating ``expr`` at ``variable = value`` with ``ops``."""
    return _compile(sp.sympify(expr), variable, ops)


def _compile(node: sp.Basic, var: sp.Symbol, ops: Ops) -> Fn:
    if node == var:
        return lambda x: x
    if isinstance(node, sp.Rational):  # includes Integer
        return _constant(ops.rational, int(node.p), int(node.q))
    if isinstance(node, sp.Float):
        exact = sp.Rational(node)
        return _constant(ops.rational, int(exact.p), int(exact.q))
    if node is sp.pi:
        return lambda x: ops.pi()
    if node is sp.E:
        return lambda x: ops.e()
    if isinstance(node, sp.Add):
        parts = [_compile(a, var, ops) for a in node.args]

        def add(x: Any) -> Any:
            total = parts[0](x)
            for part in parts[1:]:
                total = total + part(x)
            return total

        return add
    if isinstance(node, sp.Mul):
        parts = [_compile(a, var, ops) for a in node.args]

        def mul(x: Any) -> Any:
            total = parts[0](x)
            for part in parts[1:]:
                total = total * part(x)
            return total

        return mul
    if isinstance(node, sp.Pow):
        return _compile_pow(node, var, ops)
    lambertw = ops.lambertw
    if isinstance(node, sp.LambertW) and lambertw is not None:
        inner = _compile(node.args[0], var, ops)
        branch = int(node.args[1]) if len(node.args) > 1 else 0
        return lambda x: lambertw(inner(x), branch)
    unary = {
        sp.exp: ops.exp,
        sp.log: ops.log,
        sp.cosh: ops.cosh,
        sp.sinh: ops.sinh,
        sp.tanh: ops.tanh,
        sp.Abs: ops.abs,
        sp.sign: ops.sign,
    }
    for head, op in unary.items():
        if isinstance(node, head):
            if len(node.args) != 1:
                break
            return _compose(op, _compile(node.args[0], var, ops))
    raise UserInputError(f"cannot evaluate {node} with the {ops.name} backend (unsupported function)")


def _compile_pow(node: sp.Pow, var: sp.Symbol, ops: Ops) -> Fn:
    base_expr, exponent = node.args
    base = _compile(base_expr, var, ops)
    if exponent.is_Integer:
        n = int(exponent)
        return lambda x: ops.pow_int(base(x), n)
    if exponent.is_Rational and int(exponent.q) == 2:
        n = int(exponent.p)  # base**(n/2) = sqrt(base)**n
        return lambda x: ops.pow_int(ops.sqrt(base(x)), n)
    power = _compile(exponent, var, ops)
    return lambda x: ops.exp(power(x) * ops.log(base(x)))


def _constant(rational: Callable[[int, int], Any], p: int, q: int) -> Fn:
    """x -> rational(p, q): the constant evaluated at call time, in the caller's precision."""
    return lambda x: rational(p, q)


def _compose(op: Fn, inner: Fn) -> Fn:
    """x -> op(inner(x)), with op and inner bound now (not late, as a lambda in a loop would)."""
    return lambda x: op(inner(x))
