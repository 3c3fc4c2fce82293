"""Damian et al.'s projection onto the stable set M = {S <= 2/eta, u . grad L = 0}, as their code does it, in JAX.

Lives here rather than in the property module: it is a compiled simulation kernel (one compilation for every
drawn loss of the family), and the property only judges where it lands.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import mpmath
import numpy as np

__all__ = ["project", "projection_kernel"]


@functools.cache
def projection_kernel() -> Any:
    """JAX: the code's projection onto M = {S <= 2/eta, u . grad L = 0}, for a family of 3-parameter losses whose
    coefficients are traced arguments (one compilation for every drawn loss).

    L(theta; p) = (1/2)(p0 + p1 t2 + p2 t3) t1^2 + (1/2) p3 t2^2 + p4 t1 t2 t3 + p5 t3^4/24 - p6 t3: the curvature
    along t1 grows with t2 and t3 (progressive sharpening), so S crosses 2/eta as GD moves.
    """
    import jax
    import jax.numpy as jnp

    from checker.backends import jax_backend  # noqa: F401  (float64)

    def loss(th: Any, p: Any) -> Any:
        t1, t2, t3 = th[0], th[1], th[2]
        return (
            0.5 * (p[0] + p[1] * t2 + p[2] * t3) * t1**2
            + 0.5 * p[3] * t2**2
            + p[4] * t1 * t2 * t3
            + p[5] * t3**4 / 24
            - p[6] * t3
        )

    def top(th: Any, p: Any) -> tuple[Any, Any]:
        evals, evecs = jnp.linalg.eigh(jax.hessian(loss)(th, p))
        return evals[-1], evecs[:, -1]

    def grad_s(th: Any, p: Any) -> Any:
        _, u = top(th, p)
        return jax.grad(lambda x: jnp.vdot(u, jax.jvp(lambda y: jax.grad(loss)(y, p), (x,), (u,))[1]))(th)

    def project(th: Any, p: Any, eta: Any, steps: int, sign: Any) -> Any:
        for _ in range(steps):  # the code: theta <- theta - max(0, S - 2/eta) gS_perp/|gS_perp|^2 - u (u . g)/S
            s, u = top(th, p)
            gs = grad_s(th, p)
            gs_perp = gs - u * jnp.vdot(u, gs)
            g = jax.grad(loss)(th, p)
            th = (
                th
                - jnp.maximum(0.0, s - 2 / eta) * gs_perp / jnp.vdot(gs_perp, gs_perp)
                - sign * u * jnp.vdot(u, g) / s
            )
        s, u = top(th, p)
        return jnp.stack([s * eta / 2 - 1, jnp.vdot(u, jax.grad(loss)(th, p))])

    return jax.jit(project, static_argnums=(3,))


def project(start: Sequence[float], p: Sequence[float], eta: float, steps: int, sign: float) -> np.ndarray:
    """[eta S/2 - 1, u . grad L] after ``steps`` projection steps from ``start`` (``sign`` -1: the u-step taken
    the wrong way, a mutant); ``steps`` = 0 gives the values at the start."""
    import jax.numpy as jnp

    return np.asarray(projection_kernel()(jnp.asarray(start), jnp.asarray(p), eta, steps, sign))


def project_mp(start: Sequence[float], p: Sequence[float], eta: float, steps: int, sign: float) -> tuple[float, float]:
    """(eta S/2 - 1, |u . grad L| relative to its start) after ``steps`` projection steps, in mpmath at 40 digits
    with the family's Hessian and third derivative written out by hand and mpmath.eigsy: a route independent of
    the JAX kernel (no autodiff, no float64), for the recheck."""
    with mpmath.workdps(40):
        q = [mpmath.mpf(v) for v in p]
        th = [mpmath.mpf(v) for v in start]
        h = mpmath.mpf(eta)

        def parts(t: list[Any]) -> tuple[Any, Any, Any, list[Any]]:
            t1, t2, t3 = t
            grad = [
                (q[0] + q[1] * t2 + q[2] * t3) * t1 + q[4] * t2 * t3,
                q[1] * t1 * t1 / 2 + q[3] * t2 + q[4] * t1 * t3,
                q[2] * t1 * t1 / 2 + q[4] * t1 * t2 + q[5] * t3**3 / 6 - q[6],
            ]
            H = mpmath.matrix(
                [
                    [q[0] + q[1] * t2 + q[2] * t3, q[1] * t1 + q[4] * t3, q[2] * t1 + q[4] * t2],
                    [q[1] * t1 + q[4] * t3, q[3], q[4] * t1],
                    [q[2] * t1 + q[4] * t2, q[4] * t1, q[5] * t3 * t3 / 2],
                ]
            )
            evals, evecs = mpmath.eigsy(H)
            k = max(range(3), key=lambda i: evals[i])
            u = [evecs[i, k] for i in range(3)]
            gs = [
                2 * q[1] * u[0] * u[1] + 2 * q[2] * u[0] * u[2] + 2 * q[4] * u[1] * u[2],
                q[1] * u[0] ** 2 + 2 * q[4] * u[0] * u[2],
                q[2] * u[0] ** 2 + 2 * q[4] * u[0] * u[1] + q[5] * t3 * u[2] ** 2,
            ]
            return evals[k], u, gs, grad

        _, u0, _, g0 = parts(th)
        ug0 = abs(sum(a * b for a, b in zip(u0, g0, strict=True)))
        for _ in range(steps):
            s, u, gs, g = parts(th)
            ugs = sum(a * b for a, b in zip(u, gs, strict=True))
            perp = [a - b * ugs for a, b in zip(gs, u, strict=True)]
            nn = sum(a * a for a in perp)
            ug = sum(a * b for a, b in zip(u, g, strict=True))
            push = max(mpmath.mpf(0), s - 2 / h)
            th = [t - push * pe / nn - sign * ui * ug / s for t, pe, ui in zip(th, perp, u, strict=True)]
        s, u, _, g = parts(th)
        over = float(s * h / 2 - 1)
        along = float(abs(sum(a * b for a, b in zip(u, g, strict=True))) / ug0)
    return over, along
