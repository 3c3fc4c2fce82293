"""JAX backend: float64 (x64 enabled on import of this module) or float32, jit-compiled and vmapped.

Why x64 here: the checks compare float runs against high-precision ones and JAX defaults to float32.
Enabling x64 does not force float64: arrays created as float32 stay float32, so both are available.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import sympy as sp  # noqa: E402

from checker.backends.translate import Ops, compile_expr  # noqa: E402
from checker.simulate import compile_cache  # noqa: E402

compile_cache.enable()  # compiled programs persist across processes (EOSCHECK_NO_JAX_CACHE=1 turns it off)


def _ratio(p: int, q: int) -> float:
    """p/q as a Python float (weakly typed: takes the dtype of the array it meets); +-inf beyond float range
    (exact constants such as 2**2000 are legal in a loss, and Python's int division raises there)."""
    try:
        return p / q
    except OverflowError:
        return math.inf if p > 0 else -math.inf


def _pow_int(x: Any, n: int) -> Any:
    return jax.lax.integer_pow(x, n)


JAX_OPS = Ops(
    name="jax",
    rational=_ratio,
    pi=lambda: math.pi,
    e=lambda: math.e,
    exp=jnp.exp,
    log=jnp.log,
    sqrt=jnp.sqrt,
    cosh=jnp.cosh,
    sinh=jnp.sinh,
    tanh=jnp.tanh,
    abs=jnp.abs,
    sign=jnp.sign,
    pow_int=_pow_int,
)


def jax_function(expr: sp.Expr, variable: sp.Symbol) -> Callable[[Any], Any]:
    """Compile ``expr`` to an elementwise jnp function (trace-friendly: jit and vmap it freely).

    A constant expression is broadcast to the argument's shape and dtype, so derivatives that happen to
    be constant (l'' of the square loss) still vectorise.
    """
    inner = compile_expr(expr, variable, JAX_OPS)
    if variable in sp.sympify(expr).free_symbols:
        return inner
    return lambda x: jnp.zeros_like(x) + inner(x)


def jax_dtype(name: str) -> Any:
    if name not in {"float64", "float32"}:
        raise ValueError(f"dtype must be float64 or float32, not {name!r}")
    return jnp.float64 if name == "float64" else jnp.float32
