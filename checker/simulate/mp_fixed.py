"""l^(k) in mpmath at one fixed precision, each distinct subexpression evaluated once per call.

Why: the mpmath replays of ``eoscheck loss`` call l'(z) once per GD step for thousands of steps, and the
generic translator (``checker.backends.translate``) re-creates every rational constant on every call (it
must: it evaluates in the caller's precision) and evaluates a repeated subexpression once per occurrence
(``exp(z)/(exp(z) + 1)`` computes ``exp(z)`` twice). Here the precision is fixed when the evaluator is built,
so constants are evaluated once, and the expression is flattened into a list of distinct nodes (sympy nodes
compare structurally), each computed once per call.

The values are *identical* to the translator's at the same precision: every node uses the same mpmath
operation with the same operands, in the same left-to-right order for sums and products; only repeated work
is removed. A node this module does not know falls back to the translator's closure for that subtree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy as sp

from checker.backends.mp import MP_OPS
from checker.backends.translate import compile_expr

_UNARY: dict[Any, Callable[[Any], Any]] = {
    sp.exp: MP_OPS.exp,
    sp.log: MP_OPS.log,
    sp.cosh: MP_OPS.cosh,
    sp.sinh: MP_OPS.sinh,
    sp.tanh: MP_OPS.tanh,
    sp.Abs: MP_OPS.abs,
    sp.sign: MP_OPS.sign,
}


def _add(vals: list[Any], idx: tuple[int, ...]) -> Any:
    total = vals[idx[0]]
    for i in idx[1:]:
        total = total + vals[i]
    return total


def _mul(vals: list[Any], idx: tuple[int, ...]) -> Any:
    total = vals[idx[0]]
    for i in idx[1:]:
        total = total * vals[i]
    return total


def _bind(combine: Callable[[list[Any], tuple[int, ...]], Any], idx: tuple[int, ...]) -> Callable[[list[Any]], Any]:
    return lambda vals: combine(vals, idx)


def _apply(op: Callable[[Any], Any], a: int) -> Callable[[list[Any]], Any]:
    return lambda vals: op(vals[a])


class _Program:
    """Nodes in evaluation order: slot 0 is the variable, constants are precomputed slots."""

    def __init__(self, var: sp.Symbol) -> None:
        self.var = var
        self.slots: dict[sp.Basic, int] = {var: 0}
        self.consts: dict[int, Any] = {}
        self.steps: list[tuple[int, Callable[[list[Any]], Any]]] = []
        self.size = 1

    def _new(self) -> int:
        self.size += 1
        return self.size - 1

    def slot(self, node: sp.Basic) -> int:
        if node in self.slots:
            return self.slots[node]
        idx = self._build(node)
        self.slots[node] = idx
        return idx

    def _const(self, value: Any) -> int:
        i = self._new()
        self.consts[i] = value
        return i

    def _step(self, fn: Callable[[list[Any]], Any]) -> int:
        i = self._new()
        self.steps.append((i, fn))
        return i

    def _build(self, node: sp.Basic) -> int:
        if isinstance(node, sp.Rational):
            return self._const(MP_OPS.rational(int(node.p), int(node.q)))
        if isinstance(node, sp.Float):
            exact = sp.Rational(node)
            return self._const(MP_OPS.rational(int(exact.p), int(exact.q)))
        if node is sp.pi:
            return self._const(MP_OPS.pi())
        if node is sp.E:
            return self._const(MP_OPS.e())
        if isinstance(node, sp.Add | sp.Mul):
            idx = tuple(self.slot(a) for a in node.args)
            combine = _add if isinstance(node, sp.Add) else _mul
            return self._step(_bind(combine, idx))
        if isinstance(node, sp.Pow):
            base_expr, exponent = node.args
            if exponent.is_Integer:
                b, n = self.slot(base_expr), int(exponent)
                return self._step(lambda v: MP_OPS.pow_int(v[b], n))
            if exponent.is_Rational and int(exponent.q) == 2:
                b, n = self.slot(base_expr), int(exponent.p)
                return self._step(lambda v: MP_OPS.pow_int(MP_OPS.sqrt(v[b]), n))
        for head, op in _UNARY.items():
            if isinstance(node, head) and len(node.args) == 1:
                return self._step(_apply(op, self.slot(node.args[0])))
        fallback = compile_expr(node, self.var, MP_OPS)  # the translator's closure (same values)
        return self._step(lambda v: fallback(v[0]))


def mp_fixed_function(expr: sp.Expr, variable: sp.Symbol) -> Callable[[Any], Any]:
    """f(mpf) -> mpf for ``expr`` at the mpmath precision in force *now* (call it under the same precision).

    Raises the translator's UserInputError for a function no backend supports, as ``Loss.mp`` does."""
    compile_expr(expr, variable, MP_OPS)  # validates the whole tree up front, like the translator
    prog = _Program(variable)
    out = prog.slot(sp.sympify(expr))
    template: list[Any] = [None] * prog.size
    for i, value in prog.consts.items():
        template[i] = value
    steps = prog.steps

    def evaluate(x: Any) -> Any:
        vals = template.copy()
        vals[0] = x
        for i, fn in steps:
            vals[i] = fn(vals)
        return vals[out]

    return evaluate
