"""The independent recheck of a NET-* violation: the same trajectory points, measured by other methods.

Why: the NET-* judgements rest on float Lanczos (Hessian-vector products) and nested forward-mode derivatives,
with no second opinion, so a violation they find could be a solver artefact. Before a NET-* statement is REFUTED,
the points that decided it (the stored float64 parameters of the training run) are measured again here:

* sharpness: the dense Hessian (``jax.hessian`` of the flat float64 loss, symmetrised), then ``numpy.linalg.eigh``
  for small networks or ARPACK (``scipy.sparse.linalg.eigsh``) on the dense matrix; every Ritz value carries its
  residual r = |H v - lambda v|, and a symmetric matrix has an eigenvalue within r of it (Weyl), so a point is
  counted as violating only if the whole interval [lambda - r, lambda + r] violates;
* D2, D3, D4 along the top eigenvector: a degree-8 Chebyshev fit of t -> L(theta + t u) on [-h, h] (float64
  loss values only, no automatic differentiation of order > 0);
* w = D^3L[u, u]: central differences of Hessian-vector products (Richardson-extrapolated), not ``jax.grad`` of
  u^T H u; w^T H^+ w from the full spectrum for small networks, else as an interval from the top eigenpairs (the
  dropped positive terms are at most |w_rest|^2 / (cutoff lambda_1));
* losses: recomputed in float64 from the stored parameters (the same loss function, evaluated apart from the
  training scan and its bookkeeping).

The recheck re-measures at most ``WORST`` points (the ones with the most negative float margins; a dense Hessian
costs seconds): a "for all points" statement is refuted by one confirmed point.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jax
import numpy as np
import scipy.sparse.linalg

import checker.backends.jax_backend  # noqa: F401  (the project's import path: enables x64)
from checker.network.engine import TrainResult

jnp = jax.numpy

WORST = 2  # points re-measured per refutation (in order, stopping at the first confirmed one)
FULL_SPECTRUM_MAX = 1500  # largest n for which the recheck takes the full dense spectrum (eigh costs O(n^3))
LINE_H, LINE_DEGREE, LINE_NODES = 0.05, 8, 33  # the Chebyshev fit of L along u
W_STEP = 1e-2  # central-difference step for D^3L[u, u] (Richardson with W_STEP and W_STEP / 2)
METHOD = (
    "dense Hessian (jax.hessian, float64) with numpy eigh or ARPACK and Weyl residual intervals; D2..D4 from a "
    "Chebyshev fit of the float64 loss along u; D^3L[u,u] by differences of Hessian-vector products"
)


@dataclass(frozen=True)
class DenseTop:
    """Top eigenpairs of the dense Hessian at one point, each value with its residual bound."""

    values: np.ndarray  # descending
    vectors: np.ndarray  # columns
    residuals: np.ndarray
    method: str
    hess: np.ndarray


@functools.cache
def _hessian_fn(loss64: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return jax.jit(jax.hessian(loss64))


@functools.cache
def _loss_fn(loss64: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return jax.jit(loss64)


def dense_top(res: TrainResult, theta: np.ndarray, key: tuple[str, int], k: int = 2) -> DenseTop:
    """The top ``k`` eigenpairs of the dense Hessian at ``theta`` (cached on the run under ``key``)."""
    cache_key = (f"{key[0]}:top{k}", key[1])
    hit = res.dense_cache.get(cache_key)
    if isinstance(hit, DenseTop):
        return hit
    h = np.asarray(_hessian_fn(res.flat.loss64)(jnp.asarray(theta, dtype=jnp.float64)), dtype=np.float64)
    h = (h + h.T) / 2
    n = h.shape[0]
    if n <= FULL_SPECTRUM_MAX:
        vals, vecs = np.linalg.eigh(h)
        vals, vecs = vals[::-1][:k], vecs[:, ::-1][:, :k]
        method = "numpy eigh (full spectrum)"
    else:
        vals, vecs = scipy.sparse.linalg.eigsh(h, k=k, which="LA", tol=1e-12)
        order = np.argsort(vals)[::-1]
        vals, vecs = vals[order], vecs[:, order]
        method = f"ARPACK eigsh (top {k}) on the dense matrix"
    resid = np.linalg.norm(h @ vecs - vecs * vals, axis=0)
    out = DenseTop(np.asarray(vals), np.asarray(vecs), np.asarray(resid), method, h)
    res.dense_cache[cache_key] = out
    return out


def loss64(res: TrainResult, theta: np.ndarray) -> float:
    """The float64 loss at stored parameters, evaluated apart from the training scan."""
    return float(_loss_fn(res.flat.loss64)(jnp.asarray(theta, dtype=jnp.float64)))


def line_derivatives(res: TrainResult, theta: np.ndarray, u: np.ndarray) -> tuple[float, float, float]:
    """(D2, D3, D4) of t -> L(theta + t u) at 0 from a Chebyshev fit of float64 loss values on [-h, h]."""
    j = np.arange(LINE_NODES)
    t = LINE_H * np.cos(np.pi * (j + 0.5) / LINE_NODES)
    th, uu = jnp.asarray(theta, dtype=jnp.float64), jnp.asarray(u, dtype=jnp.float64)
    f = _loss_fn(res.flat.loss64)
    vals = np.array([float(f(th + float(ti) * uu)) for ti in t])
    cheb = np.polynomial.Chebyshev.fit(t, vals, LINE_DEGREE, domain=[-LINE_H, LINE_H])
    d2, d3, d4 = (float(cheb.deriv(m)(0.0)) for m in (2, 3, 4))
    return d2, d3, d4


@functools.cache
def _hvp_fn(loss64: Callable[[Any], Any]) -> Callable[[Any, Any], Any]:
    grad = jax.grad(loss64)
    return jax.jit(lambda th, v: jax.jvp(grad, (th,), (v,))[1])


def third_derivative_vector(res: TrainResult, theta: np.ndarray, u: np.ndarray) -> np.ndarray:
    """w = D^3L[u, u] as a vector: d/dt H(theta + t u) u at 0 by Richardson-extrapolated central differences."""
    hvp = _hvp_fn(res.flat.loss64)
    th, uu = jnp.asarray(theta, dtype=jnp.float64), jnp.asarray(u, dtype=jnp.float64)

    def diff(h: float) -> np.ndarray:
        d: np.ndarray = (np.asarray(hvp(th + h * uu, uu)) - np.asarray(hvp(th - h * uu, uu))) / (2 * h)
        return d

    out: np.ndarray = (4 * diff(W_STEP / 2) - diff(W_STEP)) / 3
    return out


def hplus_interval(top: DenseTop, w: np.ndarray, cutoff: float) -> tuple[float, float]:
    """w^T H^+ w over the eigenvalues > cutoff lambda_1 as an interval: exact (up to rounding) from the full
    spectrum, else [sum over the kept top pairs, that + |w_rest|^2 / (cutoff lambda_1)]."""
    lam1 = float(top.values[0])
    keep = top.values > cutoff * lam1
    coeffs = top.vectors.T @ w
    lower = float(np.sum(coeffs[keep] ** 2 / top.values[keep]))
    if top.vectors.shape[1] == top.hess.shape[0]:
        return lower, lower
    rest = w - top.vectors @ coeffs
    return lower, lower + float(rest @ rest) / (cutoff * lam1)


def full_or_top(res: TrainResult, theta: np.ndarray, key: tuple[str, int], k: int) -> DenseTop:
    """The whole spectrum where affordable (n <= FULL_SPECTRUM_MAX), else the top ``k`` pairs."""
    n = int(np.asarray(theta).size)
    return dense_top(res, theta, key, k=n if n <= FULL_SPECTRUM_MAX else k)


def worst(points: dict[int, float], k: int = WORST) -> list[int]:
    """The (at most k) steps with negative float margins, most negative first."""
    bad = sorted((m, t) for t, m in points.items() if not m > 0)
    return [t for _, t in bad[:k]]
