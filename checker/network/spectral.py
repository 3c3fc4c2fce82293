"""Curvature of a flat loss from Hessian-vector products: top eigenpairs, directional derivatives, c1, and
Damian et al.'s projection onto the stable set.

Everything here is float64 and matrix-free (a Hessian-vector product is ``jax.jvp`` of the gradient), so it
scales to networks whose Hessian does not fit in memory; the dense path (``dense_hessian``) exists for the
tests and for tiny networks.

Lanczos with full reorthogonalisation, warm-started from the previous top eigenvectors: a few tens of steps
give lambda_1 and lambda_2 to ~1e-8 when the start vector is close, and every returned pair carries its
residual |H u - lambda u| so a poor solve is visible in the report instead of silently used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jax
import numpy as np

import checker.backends.jax_backend  # noqa: F401  (the project's import path: enables x64)

jnp = jax.numpy


@dataclass
class Curvature:
    """Compiled float64 curvature kernels of one loss (compile once, call many times)."""

    loss: Callable[[Any], Any]
    grad: Callable[[Any], Any]
    hvp: Callable[[Any, Any], Any]
    grad_s: Callable[[Any, Any], Any]  # D^3 L[u, u] as a vector (= grad of the sharpness for a simple top eigenvalue)
    derivs: Callable[[Any, Any], Any]  # (D2, D3, D4) of t -> L(theta + t u) at t = 0


def make_curvature(loss64: Callable[[Any], Any]) -> Curvature:
    grad = jax.grad(loss64)

    def hvp(theta: Any, v: Any) -> Any:
        return jax.jvp(grad, (theta,), (v,))[1]

    def quad(theta: Any, u: Any) -> Any:
        return jnp.vdot(u, hvp(theta, u))

    def grad_s(theta: Any, u: Any) -> Any:
        return jax.grad(quad)(theta, u)

    def derivs(theta: Any, u: Any) -> Any:
        # nested forward mode along the line t -> theta + t u: each jvp differentiates the one inside once more
        def phi(t: Any) -> Any:
            return loss64(theta + t * u)

        def d1(t: Any) -> Any:
            return jax.jvp(phi, (t,), (jnp.ones_like(t),))[1]

        def d2(t: Any) -> Any:
            return jax.jvp(d1, (t,), (jnp.ones_like(t),))[1]

        def d3(t: Any) -> Any:
            return jax.jvp(d2, (t,), (jnp.ones_like(t),))[1]

        def d4(t: Any) -> Any:
            return jax.jvp(d3, (t,), (jnp.ones_like(t),))[1]

        t0 = jnp.zeros((), dtype=jnp.float64)
        return jnp.stack([d2(t0), d3(t0), d4(t0)])

    return Curvature(jax.jit(loss64), jax.jit(grad), jax.jit(hvp), jax.jit(grad_s), jax.jit(derivs))


@dataclass(frozen=True)
class Eigen:
    """Top eigenpairs (descending) and the residuals |H u_i - lambda_i u_i|."""

    values: np.ndarray
    vectors: np.ndarray  # shape (n, k)
    residuals: np.ndarray
    matvecs: int


def lanczos(
    matvec: Callable[[np.ndarray], np.ndarray],
    n: int,
    *,
    k: int = 20,
    top: int = 2,
    start: np.ndarray | None = None,
    seed: int = 0,
) -> Eigen:
    """The ``top`` largest eigenpairs of a symmetric operator by ``k`` Lanczos steps with full reorthogonalisation.

    ``start``: a warm start (e.g. the last top eigenvector plus a bit of the second); a small random part is
    always mixed in so that a start exactly orthogonal to an eigenvector cannot hide it.
    """
    k = max(min(k, n), min(top, n))
    rng = np.random.default_rng(seed)
    v = rng.standard_normal(n)
    v /= np.linalg.norm(v)
    if start is not None and np.linalg.norm(start) > 0:
        s = np.asarray(start, dtype=np.float64)
        v = s / np.linalg.norm(s) + 1e-3 * v
    q = np.zeros((n, k))
    alpha, beta = np.zeros(k), np.zeros(k)
    q[:, 0] = v / np.linalg.norm(v)
    m = k
    for j in range(k):
        w = matvec(q[:, j])
        alpha[j] = float(q[:, j] @ w)
        w = w - q[:, : j + 1] @ (q[:, : j + 1].T @ w)  # full reorthogonalisation, twice ("twice is enough")
        w = w - q[:, : j + 1] @ (q[:, : j + 1].T @ w)
        if j + 1 < k:
            beta[j] = float(np.linalg.norm(w))
            if beta[j] <= 1e-12 * max(1.0, abs(alpha[j])):  # invariant subspace found: exact
                m = j + 1
                break
            q[:, j + 1] = w / beta[j]
    t = np.diag(alpha[:m]) + np.diag(beta[: m - 1], 1) + np.diag(beta[: m - 1], -1)
    evals, evecs = np.linalg.eigh(t)
    order = np.argsort(evals)[::-1][:top]
    vectors = q[:, :m] @ evecs[:, order]
    vectors /= np.linalg.norm(vectors, axis=0, keepdims=True)
    values = evals[order]
    residuals = np.array([np.linalg.norm(matvec(vectors[:, i]) - values[i] * vectors[:, i]) for i in range(len(order))])
    return Eigen(values, vectors, residuals, m + len(order))


def top_eigen(curv: Curvature, theta: Any, *, k: int = 20, top: int = 2, start: np.ndarray | None = None) -> Eigen:
    th = jnp.asarray(theta, dtype=jnp.float64)

    def matvec(v: np.ndarray) -> np.ndarray:
        return np.asarray(curv.hvp(th, jnp.asarray(v)))

    return lanczos(matvec, int(th.size), k=k, top=top, start=start)


def dense_hessian(loss64: Callable[[Any], Any], theta: Any) -> np.ndarray:
    """The full Hessian (tests and tiny networks only: n^2 memory, n Hessian-vector products)."""
    h: np.ndarray = np.asarray(jax.jit(jax.hessian(loss64))(jnp.asarray(theta, dtype=jnp.float64)))
    sym: np.ndarray = (h + h.T) / 2
    return sym


@dataclass(frozen=True)
class DirectionalPoint:
    """Derivatives of L along the unit top eigenvector u at one point, and the quantities built from them."""

    d2: float  # D^2 L[u, u] (= lambda_1 up to the eigensolver's accuracy)
    d3: float
    d4: float

    @property
    def alpha_u(self) -> float:
        """3 D3^2 - D2 D4: the 1-D product-stability of phi(t) = L(theta + t u) (RECONSTRUCTED reading)."""
        return 3.0 * self.d3**2 - self.d2 * self.d4


def directional(curv: Curvature, theta: Any, u: np.ndarray) -> DirectionalPoint:
    d2, d3, d4 = (float(x) for x in np.asarray(curv.derivs(jnp.asarray(theta), jnp.asarray(u))))
    return DirectionalPoint(d2, d3, d4)


# ---- c1 (Gan 2026b) and the rule for H^+ -------------------------------------------------------------------------
POSITIVE_RULE = "positive"  # H^+ = sum over eigenvalues lambda > cutoff * lambda_1 of u u^T / lambda
ABS_RULE = "abs"  # H^+ = sum over |lambda| > cutoff * lambda_1 (negative curvature directions enter)


def c1_value(eta: float, w_hplus_w: float, d4: float) -> float:
    """c1 = (eta/2) w^T H^+ w - (eta/6) D^4L[u,u,u,u], w = D^3L[u,u] (the first Lyapunov coefficient of the flip)."""
    return eta / 2.0 * w_hplus_w - eta / 6.0 * d4


def hplus_quadratic_dense(hess: np.ndarray, w: np.ndarray, *, rule: str, cutoff: float) -> tuple[float, int]:
    """w^T H^+ w from the full spectrum under ``rule`` with a cutoff relative to lambda_1; and how many
    eigenvalues entered."""
    evals, evecs = np.linalg.eigh(hess)
    return hplus_from_spectrum(evals, evecs.T @ w, rule=rule, cutoff=cutoff)


def hplus_from_spectrum(evals: np.ndarray, coeffs: np.ndarray, *, rule: str, cutoff: float) -> tuple[float, int]:
    """sum of coeff_i^2 / lambda_i over the eigenvalues the rule keeps (coeffs: w in the eigenbasis)."""
    scale = float(np.max(np.abs(evals))) if evals.size else 0.0
    keep = evals > cutoff * scale if rule == POSITIVE_RULE else np.abs(evals) > cutoff * scale
    return float(np.sum(coeffs[keep] ** 2 / evals[keep])), int(np.count_nonzero(keep))


# ---- Damian et al.'s projection onto the stable set --------------------------------------------------------------
@dataclass(frozen=True)
class Projection:
    """theta_dagger = proj_M(theta) and what it says about the oscillation around it."""

    theta_dagger: np.ndarray
    x: float  # u . (theta - theta_dagger): the displacement along the top eigenvector
    delta: float  # sqrt(2 alpha / beta) at theta_dagger (alpha, beta as in the authors' code)
    s_dagger: float  # lambda_1 at theta_dagger
    loss_gap: float  # L(theta) - L(theta_dagger)
    u_dot_grad: float  # |u . grad L(theta_dagger)| after projection (should be ~0)
    alpha: float
    beta: float


def project(
    curv: Curvature, theta: np.ndarray, eta: float, *, start: np.ndarray, steps: int = 3, k: int = 20
) -> Projection:
    """Damian et al.'s projection (their code's ``num_proj_steps`` = 3), applied to the current iterate:

    theta <- theta - max(0, S - 2/eta) grad S_perp / |grad S_perp|^2 - u (u . grad L) / S

    Note: the authors project their separate constrained trajectory; here the iterate itself is projected,
    which places theta_dagger on M next to theta (the oscillation along u is what the projection removes).
    """
    th = np.asarray(theta, dtype=np.float64)
    u = start
    for _ in range(steps):
        eig = top_eigen(curv, th, k=k, top=1, start=u)
        s, u = float(eig.values[0]), eig.vectors[:, 0]
        gs = np.asarray(curv.grad_s(jnp.asarray(th), jnp.asarray(u)))
        gs_perp = gs - u * (u @ gs)
        g = np.asarray(curv.grad(jnp.asarray(th)))
        th = th - max(0.0, s - 2.0 / eta) * gs_perp / float(gs_perp @ gs_perp) - u * (u @ g) / s
    eig = top_eigen(curv, th, k=k, top=1, start=u)
    s, u = float(eig.values[0]), eig.vectors[:, 0]
    gs = np.asarray(curv.grad_s(jnp.asarray(th), jnp.asarray(u)))
    gs_perp = gs - u * (u @ gs)
    g = np.asarray(curv.grad(jnp.asarray(th)))
    alpha = -float(g @ gs_perp)
    beta = float(gs_perp @ gs_perp)
    delta = float(np.sqrt(2.0 * alpha / beta)) if alpha > 0 and beta > 0 else float("nan")
    x = float(u @ (np.asarray(theta) - th))
    gap = float(curv.loss(jnp.asarray(theta))) - float(curv.loss(jnp.asarray(th)))
    return Projection(th, x, delta, s, gap, abs(float(u @ g)), alpha, beta)
