"""Random polynomial losses on R^n (degree <= 4) for checks that need a "generic smooth loss".

Why polynomials: their Hessian and third derivatives are exact in any arithmetic, so a float result
(JAX autodiff) can be re-checked in mpmath at 50 digits by an independent code path (monomial
differentiation), which is what a float counterexample needs before it may become REFUTED.

A loss is (exponents E: k x n ints, coefficients c: k floats): L(theta) = sum_k c_k prod_i theta_i^E_ki.
"""

from __future__ import annotations

import itertools
from typing import Any

import jax.numpy as jnp
import mpmath
import numpy as np

import checker.backends.jax_backend  # noqa: F401  (float64)


def exponents(n: int, degree: int = 4) -> np.ndarray:
    """All monomials of total degree 2..degree in n variables (constants and linear terms do not affect S)."""
    rows = [e for e in itertools.product(range(degree + 1), repeat=n) if 2 <= sum(e) <= degree]
    return np.array(sorted(rows, key=lambda e: (sum(e), e)), dtype=np.int64)


def draw(seed: int, n: int = 3, scale3: float = 0.5, scale4: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """A random loss with a dominant quadratic part diag(3, 1, 0.5, ...) so the top eigenvalue is usually simple."""
    rng = np.random.default_rng(seed)
    e = exponents(n)
    deg = e.sum(axis=1)
    c = np.where(deg == 3, scale3, scale4) * rng.standard_normal(len(e))
    c[deg == 2] *= 0.3
    diag = [3.0, 1.0] + [0.5] * (n - 2)
    for i in range(n):
        sq = np.zeros(n, dtype=np.int64)
        sq[i] = 2
        c[np.all(e == sq, axis=1)] += diag[i] / 2
    return e, c


def loss_jax(theta: Any, params: tuple[Any, Any]) -> Any:
    """The JAX loss ``f(theta, (E, c))`` for checker.models.autodiff (one compilation per shape)."""
    e, c = params
    # powers by table lookup: a float ** int-array power would go through log and give nan for theta < 0
    powers = jnp.stack([jnp.ones_like(theta), theta, theta**2, theta**3, theta**4], axis=1)
    monomials = jnp.prod(powers[jnp.arange(theta.shape[0])[None, :], e], axis=1)
    return jnp.dot(c, monomials)


def _mono_value(coef: Any, e: np.ndarray, theta: list[Any]) -> Any:
    out = coef
    for ti, k in zip(theta, e, strict=True):
        if k < 0:
            return 0
        out = out * ti ** int(k)
    return out


def _derivative(e: np.ndarray, idx: tuple[int, ...]) -> tuple[int, np.ndarray]:
    """d/dtheta_idx of theta^e: (integer factor, new exponent)."""
    factor, e2 = 1, e.copy()
    for i in idx:
        factor *= int(e2[i])
        e2[i] -= 1
    return factor, e2


def hessian_mp(theta: list[Any], e: np.ndarray, c: np.ndarray) -> mpmath.matrix:
    n = len(theta)
    h = mpmath.matrix(n, n)
    for i in range(n):
        for j in range(n):
            total = mpmath.mpf(0)
            for ek, ck in zip(e, c, strict=True):
                f, e2 = _derivative(ek, (i, j))
                if f:
                    total += _mono_value(mpmath.mpf(float(ck)) * f, e2, theta)
            h[i, j] = total
    return h


def sharpness_mp(theta: list[Any], e: np.ndarray, c: np.ndarray) -> tuple[Any, list[Any]]:
    """(lambda_max, its eigenvector) of the exact Hessian at the current mpmath precision."""
    w, v = mpmath.eigsy(hessian_mp(theta, e, c))
    k = max(range(len(theta)), key=lambda i: w[i])
    return w[k], [v[i, k] for i in range(len(theta))]


def d3uu_mp(theta: list[Any], e: np.ndarray, c: np.ndarray, u: list[Any]) -> list[Any]:
    """D^3L(theta)[u, u, .] from exact monomial derivatives."""
    n = len(theta)
    out = []
    for m in range(n):
        total = mpmath.mpf(0)
        for i in range(n):
            for j in range(n):
                for ek, ck in zip(e, c, strict=True):
                    f, e2 = _derivative(ek, (i, j, m))
                    if f:
                        total += u[i] * u[j] * _mono_value(mpmath.mpf(float(ck)) * f, e2, theta)
        out.append(total)
    return out


def hessian_np(theta: np.ndarray, e: np.ndarray, c: np.ndarray) -> np.ndarray:
    """The exact Hessian in float64 by monomial differentiation (no JAX: no compilation, an independent route)."""
    n = len(theta)
    h = np.zeros((n, n))
    for i in range(n):
        for j in range(i, n):
            f = e[:, i] * (e[:, j] - (1 if i == j else 0))
            e2 = e.copy()
            e2[:, i] -= 1
            e2[:, j] -= 1
            e2 = np.maximum(e2, 0)  # rows with f = 0 may go negative: their value is multiplied by 0 anyway
            h[i, j] = h[j, i] = float(np.sum(c * f * np.prod(theta[None, :] ** e2, axis=1)))
    return h


def sharpness_np(theta: np.ndarray, e: np.ndarray, c: np.ndarray) -> float:
    return float(np.linalg.eigvalsh(hessian_np(theta, e, c))[-1])


def grad_sharpness_fd(theta: np.ndarray, e: np.ndarray, c: np.ndarray, h: float = 1e-3) -> np.ndarray:
    """grad S by central differences of S, Richardson-extrapolated (error O(h^4)), with S from the exact
    monomial Hessian (numpy): a route to grad S independent of autodiff."""

    def central(step: float) -> np.ndarray:
        out = np.zeros(3)
        for i in range(3):
            d = np.zeros(3)
            d[i] = step
            out[i] = (sharpness_np(theta + d, e, c) - sharpness_np(theta - d, e, c)) / (2 * step)
        return out

    extrapolated: np.ndarray = (4 * central(h / 2) - central(h)) / 3
    return extrapolated


def grad_sharpness_fd_mp(theta: list[Any], e: np.ndarray, c: np.ndarray, h: Any) -> list[Any]:
    """grad S by central differences of the mpmath sharpness at the working precision (step ``h``): the
    high-precision counterpart of :func:`grad_sharpness_fd`."""
    fd = []
    for i in range(len(theta)):
        tp, tm = list(theta), list(theta)
        tp[i] += h
        tm[i] -= h
        fd.append((sharpness_mp(tp, e, c)[0] - sharpness_mp(tm, e, c)[0]) / (2 * h))
    return fd
