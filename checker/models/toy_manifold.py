"""A small NON-product toy loss with a curved manifold of minimisers, for GAN-B-THM / GAN-B-LYAP off l(xy).

    L(x, y) = q(y) phi(r),   r = x - m(y),   phi(r) = r^2/2 + beta r^3/6 + gamma r^4/24,
    q(y) = 1 + y^2/2,  m(y) = kappa y^2  (kappa = 1/5).

M = {r = 0} is a parabola; the sharpness along it, S(y) = q(y)(1 + m'(y)^2), varies with y, so the tangent part
of grad S is non-zero for y != 0 (hypothesis of GAN-B-THM); beta and gamma move c1 through 0. Parameters are
runtime arguments of one compiled GD kernel, so Hypothesis examples never recompile.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import mpmath

from checker.models.lyapunov import partials_mp

KAPPA = 0.2


def loss_mp(beta: Any, gamma: Any) -> Any:
    """L as a function of (x, y) in mpmath (for c1 via :func:`checker.models.lyapunov.c1_mp`)."""
    b, g = mpmath.mpf(beta), mpmath.mpf(gamma)

    def L(x: Any, y: Any) -> Any:
        r = x - KAPPA * y * y
        return (1 + y * y / 2) * (r * r / 2 + b * r**3 / 6 + g * r**4 / 24)

    return L


def _loss_jax(theta: Any, params: Any) -> Any:
    x, y = theta[0], theta[1]
    beta, gamma = params[0], params[1]
    r = x - KAPPA * y * y
    return (1 + y * y / 2) * (r * r / 2 + beta * r**3 / 6 + gamma * r**4 / 24)


@functools.cache
def _gd_kernel() -> Any:
    import jax
    import jax.numpy as jnp

    from checker.backends import jax_backend  # noqa: F401  (float64)

    grad = jax.grad(_loss_jax)

    def run(theta0: Any, params: Any, eta: Any, steps: Any, tol: Any) -> Any:
        def cond(c: Any) -> Any:
            i, _, state = c
            return (i < steps) & (state == 0)

        def body(c: Any) -> Any:
            i, th, _ = c
            g = grad(th, params)
            gn = jnp.linalg.norm(g)
            nxt = th - eta * g
            bad = ~jnp.all(jnp.isfinite(nxt)) | (jnp.max(jnp.abs(nxt)) > 1e3)
            state = jnp.where(bad, 2, jnp.where(gn <= tol, 1, 0))
            return i + 1, jnp.where(bad | (gn <= tol), th, nxt), state

        i, th, state = jax.lax.while_loop(cond, body, (0, theta0, 0))
        top = jnp.linalg.eigvalsh(jax.hessian(_loss_jax)(th, params))[-1]
        return th, i, state, top

    return jax.jit(run)


def gd_jax(theta0: Any, beta: float, gamma: float, eta: float, *, steps: int, tol: float) -> dict[str, Any]:
    """GD from theta0 in float64; state: "converged" (|grad| <= tol), "diverged", or "budget"."""
    import jax.numpy as jnp

    th, i, state, top = _gd_kernel()(
        jnp.asarray(theta0, jnp.float64), jnp.asarray([beta, gamma], jnp.float64), jnp.float64(eta), steps, tol
    )
    return {
        "theta": [float(v) for v in th],
        "steps": int(i),
        "status": ("budget", "converged", "diverged")[int(state)],
        "sharpness": float(top),
    }


def gd_mp(theta0: Any, beta: Any, gamma: Any, eta: Any, *, steps: int, tol: float, dps: int = 30) -> dict[str, Any]:
    """The same GD in mpmath with the exact gradient (written out by hand), for rechecks."""
    from checker.backends.mp import mp_precision

    with mp_precision(dps):
        b, g, h = mpmath.mpf(beta), mpmath.mpf(gamma), mpmath.mpf(eta)
        x, y = (mpmath.mpf(v) for v in theta0)
        status, i = "budget", 0
        for i in range(steps):  # noqa: B007  (i is the step count reported)
            r = x - KAPPA * y * y
            q = 1 + y * y / 2
            phi = r * r / 2 + b * r**3 / 6 + g * r**4 / 24
            dphi = r + b * r * r / 2 + g * r**3 / 6
            gx = q * dphi
            gy = y * phi + q * dphi * (-2 * KAPPA * y)
            if mpmath.sqrt(gx * gx + gy * gy) <= tol:
                status = "converged"
                break
            x, y = x - h * gx, y - h * gy
            if not (mpmath.isfinite(x) and mpmath.isfinite(y)) or max(abs(x), abs(y)) > 1e3:
                status = "diverged"
                break
        return {"theta": [float(x), float(y)], "steps": i, "status": status}


def sharpness_mp(theta: list[float], beta: float, gamma: float) -> float:
    """Top Hessian eigenvalue of the toy at theta, from mpmath partials (an independent measure for the recheck)."""
    parts = partials_mp(loss_mp(beta, gamma), (theta[0], theta[1]), 30)
    a, b, c = (float(parts[k]) for k in ((2, 0), (1, 1), (0, 2)))
    return (a + c) / 2 + math.sqrt(((a - c) / 2) ** 2 + b * b)
