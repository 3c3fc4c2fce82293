"""Arora, Li, Panigrahi (2022): a constructed test problem, its two update rules, and
the limiting flows on the minimiser manifold (ALP-SET, ALP-P1, ALP-P2-ID, ALP-P2-RATE, ALP-QUAD).

The test problem is not from the paper (DERIVED): L(u) = ((u1 u2 - 1)^2 + (u1 u3 - 2)^2)/2
with manifold Gamma = {(t, 1/t, 2/t)}, rank Hess L = 2 on Gamma, lambda_1 = t^2 + 5/t^2, lambda_2 = t^2.

Every function is generic over the number type (``float`` or ``mpmath.mpf``): the same code re-runs a
float counterexample at high precision (the runner's recheck), so the two runs cannot drift apart.

Why pure-Python floats and not numpy/JAX: the state has three coordinates and the checks iterate up to a
few 10^4 steps; scalar float arithmetic is several times faster than numpy on 3-vectors and needs no
compilation, which keeps each property inside the quick profile's budget.

Why Phi has a closed form: L depends on u only through (u1 u2, u1 u3), so gradient flow conserves
c = u1^2 - u2^2 - u3^2 (d/dt u1^2 = d/dt (u2^2 + u3^2)). On Gamma c = t^2 - 5/t^2, hence the flow limit
Phi(u) = gamma(t) with t^2 = (c + sqrt(c^2 + 20))/2 (valid where the flow from u reaches Gamma, i.e. near
Gamma with u1 > 0). ``phi_euler`` integrates the flow itself so a test can cross-check the formula.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import mpmath
import numpy as np

Vec = tuple[Any, Any, Any]  # floats, or mpmath numbers for the high-precision recheck


class LandedOnMinimiser(ArithmeticError):
    """NGD's step is undefined at a critical point; an exact landing is outside every statement's class."""


START: Vec = (2.5, 0.45, 0.75)


def loss(u: Vec) -> Any:
    r1, r2 = u[0] * u[1] - 1.0, u[0] * u[2] - 2.0
    return 0.5 * (r1 * r1 + r2 * r2)


def grad(u: Vec) -> Vec:
    u1, u2, u3 = u
    r1, r2 = u1 * u2 - 1.0, u1 * u3 - 2.0
    return (r1 * u2 + r2 * u3, r1 * u1, r2 * u1)


def hessian_rows(u: Vec) -> list[list[Any]]:
    u1, u2, u3 = u
    r1, r2 = u1 * u2 - 1.0, u1 * u3 - 2.0
    zero = u1 * 0
    return [
        [u2 * u2 + u3 * u3, r1 + u1 * u2, r2 + u1 * u3],
        [r1 + u1 * u2, u1 * u1, zero],
        [r2 + u1 * u3, zero, u1 * u1],
    ]


def hessian(u: Vec) -> np.ndarray:
    return np.array(hessian_rows(u), dtype=float)


def lambda_1(u: Vec) -> Any:
    """Top eigenvalue of Hess L at u: numpy float64 for floats, mpmath ``eigsy`` for mpf inputs."""
    if isinstance(u[0], float):
        return float(np.linalg.eigvalsh(hessian(u))[-1])
    import mpmath

    h = hessian_rows(u)
    return max(mpmath.mp.eigsy(mpmath.matrix(h), eigvals_only=True))


# ---- the manifold Gamma = {(t, 1/t, 2/t)} and the flow limit Phi ---------------------------------------
def gamma(t: float) -> Vec:
    return (t, 1.0 / t, 2.0 / t)


def lambda_1_on_gamma(t: float) -> float:
    return t * t + 5.0 / (t * t)


def metric(t: float) -> float:
    """|d gamma/dt|^2: the induced metric in the coordinate t."""
    return 1.0 + 5.0 / t**4


def phi_t(u: Vec) -> Any:
    """The coordinate t of Phi(u) from the conserved c = u1^2 - u2^2 - u3^2 (see the module docstring)."""
    c = u[0] * u[0] - u[1] * u[1] - u[2] * u[2]
    return ((c + (c * c + 20.0) ** 0.5) / 2.0) ** 0.5


def phi_euler(u: Vec, *, dt: float = 0.05, steps: int = 20000) -> Vec:
    """Phi(u) by explicit Euler on gradient flow (the reference method); for cross-checks only."""
    x = u
    for _ in range(steps):
        g = grad(x)
        x = (x[0] - dt * g[0], x[1] - dt * g[1], x[2] - dt * g[2])
    return x


# ---- update rules ----------------------------------------------------------------------------------------
def sqrt_gd_step(u: Vec, eta: float) -> Vec:
    """GD on sqrt(L): u - eta grad L / (2 sqrt L)."""
    g = grad(u)
    value = loss(u)
    if value == 0:
        raise LandedOnMinimiser("GD on sqrt L reached a minimiser exactly")
    s = eta / (2.0 * value**0.5)
    return (u[0] - s * g[0], u[1] - s * g[1], u[2] - s * g[2])


def ngd_step(u: Vec, eta: float) -> Vec:
    """Normalized GD: u - eta grad L / |grad L|."""
    g = grad(u)
    norm = (g[0] * g[0] + g[1] * g[1] + g[2] * g[2]) ** 0.5
    if norm == 0:
        raise LandedOnMinimiser("NGD reached a critical point exactly")
    s = eta / norm
    return (u[0] - s * g[0], u[1] - s * g[1], u[2] - s * g[2])


STEPS: dict[str, Callable[[Vec, float], Vec]] = {"sqrt": sqrt_gd_step, "ngd": ngd_step}


def trajectory(u0: Vec, eta: float, steps: int, rule: str = "sqrt") -> list[Vec]:
    """u_0 .. u_steps under the named rule ("sqrt": GD on sqrt L, "ngd": normalized GD)."""
    step = STEPS[rule]
    out = [u0]
    u = u0
    for _ in range(steps):
        u = step(u, eta)
        out.append(u)
    return out


# ---- limiting flows on Gamma (ALP-P2-RATE) ----------------------------------------------------------------
def flow_rhs(t: float, rule: str, constant: float) -> float:
    """dt/dtau of the limiting flow in the coordinate t (Riemannian gradient: divide by the metric).

    "sqrt": dX/dtau = -constant * grad_Gamma lambda_1 (derived constant 1/8);
    "ngd":  dX/dtau = -constant * grad_Gamma log lambda_1 (derived constant 1/4).
    """
    dlam = 2.0 * t - 10.0 / t**3
    if rule == "ngd":
        dlam /= lambda_1_on_gamma(t)
    return -constant * dlam / metric(t)


def flow_t(t0: float, tau: float, rule: str, constant: float, *, dtau: float = 1e-3) -> float:
    """t(tau) of the limiting flow by classical RK4 (smooth 1-D ODE; step 1e-3 is far below the O(eta) error)."""
    n = max(1, math.ceil(tau / dtau))
    h = tau / n
    t = t0
    for _ in range(n):
        k1 = flow_rhs(t, rule, constant)
        k2 = flow_rhs(t + 0.5 * h * k1, rule, constant)
        k3 = flow_rhs(t + 0.5 * h * k2, rule, constant)
        k4 = flow_rhs(t + h * k3, rule, constant)
        t += h * (k1 + 2 * k2 + 2 * k3 + k4) / 6.0
    return t


# ---- ALP-QUAD: normalized GD on a quadratic ---------------------------------------------------------------
def ngd_quadratic(x0: Sequence[float], diag: Sequence[float], eta: float, steps: int) -> list[tuple[float, float]]:
    """NGD on x^T A x / 2 with A = diag(l1, l2): returns the iterates (2-D)."""
    l1, l2 = diag
    x, y = x0[0], x0[1]
    out = [(x, y)]
    for _ in range(steps):
        gx, gy = l1 * x, l2 * y
        norm = (gx * gx + gy * gy) ** 0.5
        if norm == 0:
            raise LandedOnMinimiser(f"NGD reached the minimiser exactly at step {len(out) - 1}")
        s = eta / norm
        x, y = x - s * gx, y - s * gy
        out.append((x, y))
    return out


def number(x: float, high: bool) -> Any:
    """``x`` as a float, or (``high``) as an mpmath number at the working precision.

    Every function here is generic over the number type, so the high-precision recheck of a property is the
    float evaluation with its inputs converted by this one function.
    """
    return mpmath.mpf(x) if high else float(x)


def perturbed_start(d1: float, d2: float, d3: float, high: bool) -> Vec:
    """START moved by (d1, d2, d3), in floats or (``high``) mpmath: the drawn starting point of the runs."""
    u = START
    return (number(u[0] + d1, high), number(u[1] + d2, high), number(u[2] + d3, high))
