"""JAX autodiff for a generic smooth loss L(theta; params): Hessian, top eigenpair, D^3L contractions.

Why one small module: several properties (Damian et al.'s grad S = D^3L[u, u], Arora et al.'s and Liu et
al.'s sharpness flows) need the same three objects for a loss given as a JAX-traceable function, and each
compiled function should be built once per loss function, not once per drawn example.

A loss is ``f(theta, params) -> scalar`` with ``theta`` a 1-D float64 array and ``params`` any pytree of
arrays (coefficients of a drawn polynomial, say). Passing the drawn numbers as ``params`` instead of
closing over them keeps one compiled function for every Hypothesis example.

Float64 only: these are float evaluations, evidence class FLOAT (they CORROBORATE at most).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

import checker.backends.jax_backend  # noqa: F401  (enables float64 before any jnp array exists)

LossFn = Callable[[Any, Any], Any]


@functools.lru_cache(maxsize=64)
def hessian_fn(f: LossFn) -> Callable[[Any, Any], Any]:
    """Compiled ``(theta, params) -> Hess_theta f``."""
    return jax.jit(jax.hessian(f, argnums=0))


@functools.lru_cache(maxsize=64)
def d3_fn(f: LossFn) -> Callable[[Any, Any, Any, Any], Any]:
    """Compiled ``(theta, params, u, v) -> D^3 f(theta)[u, v, .]`` (a vector: the gradient of u.H v).

    Built as grad_theta of the Hessian-vector product's projection, so no 3-tensor is ever formed.
    """
    grad = jax.grad(f, argnums=0)

    def uhv(theta: Any, params: Any, u: Any, v: Any) -> Any:
        hv = jax.jvp(lambda th: grad(th, params), (theta,), (v,))[1]
        return jnp.dot(u, hv)

    return jax.jit(jax.grad(uhv, argnums=0))


@functools.lru_cache(maxsize=64)
def grad_fn(f: LossFn) -> Callable[[Any, Any], Any]:
    return jax.jit(jax.grad(f, argnums=0))


def top_eigenpair(hess: Any) -> tuple[float, np.ndarray, float]:
    """(lambda_max, unit eigenvector u, eigengap lambda_1 - lambda_2) of a symmetric matrix.

    The sign of u is fixed (largest-magnitude entry positive) so that repeated calls agree.
    """
    h = np.asarray(hess, dtype=np.float64)
    w, v = np.linalg.eigh((h + h.T) / 2)
    u = v[:, -1]
    u = u if u[np.argmax(np.abs(u))] >= 0 else -u
    gap = float(w[-1] - w[-2]) if len(w) > 1 else float("inf")
    return float(w[-1]), u, gap


def sharpness(f: LossFn, theta: Any, params: Any) -> float:
    """S(theta) = lambda_max(Hess L(theta)) (DNL-DEF)."""
    return top_eigenpair(hessian_fn(f)(jnp.asarray(theta), params))[0]


def grad_sharpness(f: LossFn, theta: Any, params: Any) -> tuple[np.ndarray, float, np.ndarray, float]:
    """(grad S = D^3L[u, u], S, u, eigengap) at theta, valid when the top eigenvalue is simple (DNL-L-GRADS)."""
    th = jnp.asarray(theta)
    s, u, gap = top_eigenpair(hessian_fn(f)(th, params))
    return d3_uu(f, th, params, u), s, u, gap


def d3_uu(f: LossFn, theta: Any, params: Any, u: Any) -> np.ndarray:
    """D^3 f(theta)[u, u] as a float64 numpy vector, for callers that hold numpy arrays (theta, u)."""
    uj = jnp.asarray(u)
    return np.asarray(d3_fn(f)(jnp.asarray(theta), params, uj, uj))


def dnl_quantities(f: LossFn, theta: Any, params: Any) -> dict[str, Any]:
    """Damian et al.'s alpha, beta, delta at theta (DNL-QTY, as in the authors' code).

    grad S_perp := grad S - u (u . grad S); alpha := -grad L . grad S_perp; beta := |grad S_perp|^2;
    delta := sqrt(2 alpha / beta) (nan unless alpha > 0, beta > 0).
    """
    gs, s, u, gap = grad_sharpness(f, theta, params)
    gl = np.asarray(grad_fn(f)(jnp.asarray(theta), params))
    gs_perp = gs - u * float(u @ gs)
    alpha = float(-gl @ gs_perp)
    beta = float(gs_perp @ gs_perp)
    delta = float(np.sqrt(2 * alpha / beta)) if alpha > 0 and beta > 0 else float("nan")
    return {
        "S": s,
        "u": u,
        "gap": gap,
        "grad_S": gs,
        "grad_S_perp": gs_perp,
        "alpha": alpha,
        "beta": beta,
        "delta": delta,
    }
