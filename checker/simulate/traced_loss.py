"""A loss split into its *structure* and its *constants*, so JAX compiles one kernel per loss family.

Why: a kernel traced from ``loss.jax(1)`` bakes every number of the expression (the 4/5 of
``log(1+exp(z)) - 4/5 z``) into the compiled program as a literal, so every drawn parameter value is a new
program: ~2.5 s of XLA compilation per Hypothesis example, and minutes per shrink. Here every number of
l' and l'' except integer and half-integer exponents (which select the *operation*: ``integer_pow``, a
square root) is replaced by a placeholder symbol; the placeholder-carrying expressions are the cache key
(:attr:`TracedLoss.structure`) and the values travel as one traced float array (:attr:`TracedLoss.constants`).
``log(1+exp(z)) - p z`` for any p > 0 is then one compiled kernel.

Numerics are those of ``loss.jax``: each rational p/q becomes the correctly rounded float ``p / q``
(+-inf beyond the float range), cast to the kernel's dtype exactly as a weakly typed Python float would be.
The only difference is that XLA can no longer fold constants together at compile time, which changes
nothing for a single constant and at most the last bit where it had folded two.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jax.numpy as jnp
import numpy as np
import sympy as sp

from checker.backends.jax_backend import JAX_OPS
from checker.errors import UserInputError
from checker.loss import Loss
from checker.parse import Z

Fn = Callable[[Any, Any], Any]  # f(z, constants)

_UNARY: dict[Any, Callable[[Any], Any]] = {
    sp.exp: JAX_OPS.exp,
    sp.log: JAX_OPS.log,
    sp.cosh: JAX_OPS.cosh,
    sp.sinh: JAX_OPS.sinh,
    sp.tanh: JAX_OPS.tanh,
    sp.Abs: JAX_OPS.abs,
    sp.sign: JAX_OPS.sign,
}


@dataclass(frozen=True)
class TracedLoss:
    """l' and l'' as templates with numbered placeholders, plus the placeholder values (float64)."""

    structure: tuple[sp.Expr, ...]  # (l' template, l'' template): hashable, the kernel cache key
    constants: tuple[float, ...]

    def constant_array(self, dtype: Any) -> np.ndarray:
        """The constants in ``dtype`` (float64 -> float32 rounds like a weak Python float meeting float32).

        Never empty (a zero-length argument is a different compiled shape for no reason)."""
        with np.errstate(over="ignore"):
            return np.asarray(self.constants or (0.0,), dtype=np.float64).astype(dtype)


def _placeholder(i: int) -> sp.Symbol:
    return sp.Symbol(f"_c{i}", real=True)


def split(loss: Loss) -> TracedLoss:
    """The structure/constants split of ``loss``'s first two derivatives (cached per loss)."""
    return _split(loss)


@lru_cache(maxsize=256)
def _split(loss: Loss) -> TracedLoss:
    values: list[float] = []

    def lift(node: sp.Basic) -> sp.Basic:
        if node.is_Number or node is sp.pi or node is sp.E:
            values.append(_to_float(node))
            return _placeholder(len(values) - 1)
        if not node.args:
            return node
        if isinstance(node, sp.Pow):
            base, exponent = node.args
            if exponent.is_Integer or (exponent.is_Rational and int(exponent.q) == 2):
                return sp.Pow(lift(base), exponent, evaluate=False)  # the exponent picks the operation
        return node.func(*(lift(a) for a in node.args), evaluate=False)

    templates = tuple(lift(loss.derivative(k)) for k in (1, 2))
    return TracedLoss(structure=templates, constants=tuple(values))


def _to_float(node: sp.Basic) -> float:
    if node is sp.pi:
        return math.pi
    if node is sp.E:
        return math.e
    exact = sp.Rational(node)
    try:
        return int(exact.p) / int(exact.q)  # correctly rounded, as the JAX backend does
    except OverflowError:
        return math.inf if exact.p > 0 else -math.inf


@lru_cache(maxsize=256)
def evaluators(structure: tuple[sp.Expr, ...]) -> tuple[Fn, ...]:
    """One ``f(z, c)`` per template: elementwise JAX, constants read from the traced array ``c``."""
    return tuple(_broadcasting(_compile(t), t) for t in structure)


def _broadcasting(fn: Fn, template: sp.Expr) -> Fn:
    if Z in template.free_symbols:
        return fn
    return lambda z, c: jnp.zeros_like(z) + fn(z, c)  # a constant derivative still vectorises


def _compile(node: sp.Basic) -> Fn:
    if node == Z:
        return lambda z, c: z
    if isinstance(node, sp.Symbol) and node.name.startswith("_c"):
        i = int(node.name[2:])
        return lambda z, c: c[i]
    if isinstance(node, sp.Add | sp.Mul):
        parts = [_compile(a) for a in node.args]
        combine = (lambda a, b: a + b) if isinstance(node, sp.Add) else (lambda a, b: a * b)
        return lambda z, c: _fold(combine, [p(z, c) for p in parts])
    if isinstance(node, sp.Pow):
        base_fn, exponent = _compile(node.args[0]), node.args[1]
        if exponent.is_Integer:
            n = int(exponent)
            return lambda z, c: JAX_OPS.pow_int(base_fn(z, c), n)
        if exponent.is_Rational and int(exponent.q) == 2:
            n = int(exponent.p)
            return lambda z, c: JAX_OPS.pow_int(JAX_OPS.sqrt(base_fn(z, c)), n)
        power = _compile(exponent)
        return lambda z, c: JAX_OPS.exp(power(z, c) * JAX_OPS.log(base_fn(z, c)))
    for head, op in _UNARY.items():
        if isinstance(node, head) and len(node.args) == 1:
            return _unary(op, _compile(node.args[0]))
    raise UserInputError(f"cannot evaluate {node} with the jax backend (unsupported function)")


def _unary(op: Callable[[Any], Any], inner: Fn) -> Fn:
    return lambda z, c: op(inner(z, c))


def _fold(combine: Callable[[Any, Any], Any], values: Sequence[Any]) -> Any:
    total = values[0]
    for v in values[1:]:
        total = combine(total, v)
    return total
