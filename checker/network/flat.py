"""The user's loss over any parameter pytree, seen as a function of one flat vector, in float32 or float64.

Why flat: Lanczos, projections and directional derivatives are vector algorithms; ``ravel_pytree`` works for
plain JAX, Flax and Equinox parameter trees alike. Why two unravel functions: JAX's unravel casts back to the
leaf dtypes it was built from, so a float64 vector would silently be evaluated in float32 if the tree was.

Bad input (a loss that is not a scalar, non-finite parameters, eta <= 0) raises :class:`NetworkInputError`,
a :class:`~checker.errors.UserInputError`: the CLI prints one line and exits 2, the API raises it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jax
from jax.flatten_util import ravel_pytree

import checker.backends.jax_backend  # noqa: F401  (the project's import path: enables x64)
from checker.errors import UserInputError

jnp = jax.numpy


class NetworkInputError(UserInputError):
    """The loss, the parameters or a setting given to the network engine is unusable (one line: what to fix)."""


@dataclass(frozen=True)
class FlatLoss:
    """``loss(theta)`` for flat float32 and float64 vectors, and the way back to the user's pytree."""

    loss32: Callable[[Any], Any]
    loss64: Callable[[Any], Any]
    unravel64: Callable[[Any], Any]
    theta0: Any  # float64 flat vector
    n: int

    def loss(self, dtype: str) -> Callable[[Any], Any]:
        return self.loss32 if dtype == "float32" else self.loss64


def _cast(tree: Any, dtype: Any) -> Any:
    return jax.tree_util.tree_map(lambda a: jnp.asarray(a, dtype=dtype), tree)


def check_settings(eta: float, steps: int) -> None:
    if not isinstance(eta, int | float) or not math.isfinite(eta) or eta <= 0:
        raise NetworkInputError(f"eta must be a finite number > 0, not {eta!r}")
    if not isinstance(steps, int) or isinstance(steps, bool) or steps < 1:
        raise NetworkInputError(f"steps must be an integer >= 1, not {steps!r}")


def flatten(loss_fn: Callable[[Any], Any], params: Any) -> FlatLoss:
    """Validate and flatten; raises NetworkInputError for anything the engine cannot train."""
    if not callable(loss_fn):
        raise NetworkInputError("loss_fn must be a function params -> scalar loss")
    leaves = jax.tree_util.tree_leaves(params)
    if not leaves:
        raise NetworkInputError("params has no array leaves: pass the parameter pytree the loss takes")
    try:
        p64 = _cast(params, jnp.float64)
        p32 = _cast(params, jnp.float32)
    except (TypeError, ValueError) as exc:
        raise NetworkInputError(f"params must be a pytree of numeric arrays ({exc})") from None
    theta64, unravel64 = ravel_pytree(p64)
    _theta32, unravel32 = ravel_pytree(p32)
    if not bool(jnp.all(jnp.isfinite(theta64))):
        raise NetworkInputError("params contain NaN or inf: pass finite initial parameters")
    try:
        value = loss_fn(unravel64(theta64))
    except Exception as exc:
        raise NetworkInputError(f"loss_fn(params) raised {type(exc).__name__}: {exc}".splitlines()[0]) from None
    shape = getattr(value, "shape", None)
    if shape is None or tuple(shape) != ():
        raise NetworkInputError(f"loss_fn(params) must return a scalar, not an array of shape {shape}")
    if not bool(jnp.isfinite(value)):
        raise NetworkInputError(f"loss_fn(params) is {float(value)} at the initial parameters: it must be finite")

    def loss32(theta: Any) -> Any:
        return loss_fn(unravel32(theta))

    def loss64(theta: Any) -> Any:
        return loss_fn(unravel64(theta))

    return FlatLoss(loss32, loss64, unravel64, theta64, int(theta64.size))
