"""Liu, Zhang, Du, Zhao (2025), "A Minimalist Example of EoS and Progressive Sharpening", arXiv 2503.02809:
the RECONSTRUCTED model LZDZ-MODEL (the printed model could not be read, O-5).

    theta = (a, w1, w2),  f(x) = a (w1 x1 + w2 x2),  E[x1^2] = lambda_1, E[x2^2] = lambda_2, y = x2,
    L = L1 + L2,  L1 = lambda_1 (a w1)^2 / 2 (oscillatory),  L2 = lambda_2 (a w2 - 1)^2 / 2 (convergent).

Why w1 is carried as (sign, log|w1|): GD multiplies w1 by exactly (1 - eta lambda_1 a^2) each step, so in
float64 w1 underflows to 0 near the first spike and can never grow back ("no clean EoS phase in
float64"). In log form the map is the same map with an unbounded exponent, as mpmath would give, while
a, w2 and the losses stay ordinary floats (w1^2 only enters additively, where underflow is harmless).

Two implementations of that one map: ``simulate`` (JAX lax.scan, float64, compiled once per length: fast
and invisible to Python tracers) and ``simulate_scalar`` (plain Python, generic over float/mpmath.mpf,
used for high-precision rechecks). A test checks that they agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import numpy as np
import sympy as sp

from checker.backends import jax_backend  # noqa: F401  (enables float64 before jax.numpy is used)

LAMBDA_1 = 100.0  # SOURCED
LAMBDA_2 = 0.01
ETA = 1.0 / 20.0


# ---- symbolic model (identities) ----------------------------------------------------------------------
@dataclass(frozen=True)
class Symbolic:
    a: sp.Symbol
    w1: sp.Symbol
    w2: sp.Symbol
    eta: sp.Symbol
    l1: sp.Symbol
    l2: sp.Symbol
    loss: sp.Expr


@lru_cache(maxsize=1)
def symbolic() -> Symbolic:
    a, w1, w2, eta, l1, l2 = sp.symbols("a w1 w2 eta lambda1 lambda2", real=True)
    loss = l1 * (a * w1) ** 2 / 2 + l2 * (a * w2 - 1) ** 2 / 2
    return Symbolic(a, w1, w2, eta, l1, l2, loss)


# ---- float model -----------------------------------------------------------------------------------------
def loss(a: float, w1: float, w2: float, l1: float = LAMBDA_1, l2: float = LAMBDA_2) -> float:
    return l1 * (a * w1) ** 2 / 2 + l2 * (a * w2 - 1) ** 2 / 2


def grad(a: float, w1: float, w2: float, l1: float = LAMBDA_1, l2: float = LAMBDA_2) -> tuple[float, float, float]:
    r = a * w2 - 1
    return (l1 * a * w1 * w1 + l2 * r * w2, l1 * a * a * w1, l2 * r * a)


def hessians(a: np.ndarray, w1sq: np.ndarray, w1: np.ndarray, w2: np.ndarray, l1: float, l2: float) -> np.ndarray:
    """Batched 3x3 Hessians in the coordinates (a, w1, w2)."""
    r = a * w2 - 1
    h = np.zeros((len(a), 3, 3))
    h[:, 0, 0] = l1 * w1sq + l2 * w2 * w2
    h[:, 0, 1] = h[:, 1, 0] = 2 * l1 * a * w1
    h[:, 0, 2] = h[:, 2, 0] = l2 * (r + a * w2)
    h[:, 1, 1] = l1 * a * a
    h[:, 2, 2] = l2 * a * a
    return h


def sharpness(a: np.ndarray, log_w1: np.ndarray, w2: np.ndarray, l1: float, l2: float) -> np.ndarray:
    """lambda_max of the Hessian along a run (|w1| = exp(log_w1); its sign does not change the spectrum)."""
    w1 = np.exp(np.maximum(log_w1, -700.0))
    return np.linalg.eigvalsh(hessians(a, w1 * w1, w1, w2, l1, l2))[:, -1]


@dataclass(frozen=True)
class Run:
    """One GD run of the reconstructed model, every step recorded (index t = state before step t+1)."""

    a: np.ndarray
    log_w1: np.ndarray
    w2: np.ndarray
    l1: float
    l2: float
    eta: float

    @property
    def l2_loss(self) -> np.ndarray:
        return cast(np.ndarray, self.l2 * (self.a * self.w2 - 1) ** 2 / 2)

    @property
    def l1_loss(self) -> np.ndarray:
        return cast(np.ndarray, self.l1 * self.a**2 * np.exp(2 * np.minimum(self.log_w1, 300.0)) / 2)

    @property
    def total_loss(self) -> np.ndarray:
        return cast(np.ndarray, self.l1_loss + self.l2_loss)

    @property
    def sharpness(self) -> np.ndarray:
        return sharpness(self.a, self.log_w1, self.w2, self.l1, self.l2)

    @property
    def diverged(self) -> bool:
        return not bool(np.all(np.isfinite(self.a)) and np.all(np.isfinite(self.w2)))


@lru_cache(maxsize=8)
def _scan(steps: int) -> Any:
    import jax
    import jax.numpy as jnp

    def step(state: Any, _: Any) -> Any:
        a, lw, w2, l1, l2, eta = state
        w1sq = jnp.exp(2 * lw)  # underflows to 0 harmlessly when negligible
        r = a * w2 - 1
        ga = l1 * a * w1sq + l2 * r * w2
        gw2 = l2 * r * a
        f = jnp.abs(1 - eta * l1 * a * a)
        lw_next = lw + jnp.log(jnp.maximum(f, 1e-300))
        new = (a - eta * ga, jnp.minimum(lw_next, 300.0), w2 - eta * gw2, l1, l2, eta)
        return new, (a, lw, w2)

    @jax.jit
    def run(a0: Any, lw0: Any, w20: Any, l1: Any, l2: Any, eta: Any) -> Any:
        init = (a0, lw0, w20, l1, l2, eta)
        _, out = jax.lax.scan(step, init, None, length=steps)
        return out

    return run


def simulate(
    a0: float, log_w1_0: float, w2_0: float, steps: int, *, l1: float = LAMBDA_1, l2: float = LAMBDA_2, eta: float = ETA
) -> Run:
    """GD from (a0, exp(log_w1_0), w2_0) for ``steps`` steps (JAX, float64)."""
    a, lw, w2 = _scan(int(steps))(float(a0), float(log_w1_0), float(w2_0), float(l1), float(l2), float(eta))
    return Run(np.asarray(a), np.asarray(lw), np.asarray(w2), l1, l2, eta)


def simulate_scalar(
    a0: Any, log_w1_0: Any, w2_0: Any, steps: int, *, l1: Any = LAMBDA_1, l2: Any = LAMBDA_2, eta: Any = ETA
) -> Run:
    """The same map in plain Python, generic over float and mpmath.mpf (the high-precision recheck)."""
    import mpmath

    high = not isinstance(a0, float)
    exp, log = (mpmath.exp, mpmath.log) if high else (math.exp, math.log)
    a, lw, w2 = a0, log_w1_0, w2_0
    out = np.empty((steps, 3))
    for t in range(steps):
        out[t] = (float(a), float(lw), float(w2))
        w1sq = exp(2 * lw) if (high or lw > -700) else 0.0
        r = a * w2 - 1
        ga = l1 * a * w1sq + l2 * r * w2
        gw2 = l2 * r * a
        f = abs(1 - eta * l1 * a * a)
        lw = min(lw + (log(f) if f > 0 else -700), 300)
        a, w2 = a - eta * ga, w2 - eta * gw2
    return Run(out[:, 0], out[:, 1], out[:, 2], float(l1), float(l2), float(eta))


# ---- gradient-flow solution (LZDZ-R5.3) ------------------------------------------------------------------
def gfs_a_squared(a: float, w1: float, w2: float) -> float:
    """a_inf^2 of the gradient-flow limit: c = a^2 - w1^2 - w2^2 is conserved, w1 -> 0, a w2 -> 1."""
    c = a * a - w1 * w1 - w2 * w2
    return (c + math.sqrt(c * c + 4)) / 2


def gradient_flow_limit(a: float, w1: float, w2: float, l1: float, l2: float, t_end: float) -> tuple[float, ...]:
    """Integrate gradient flow numerically (scipy LSODA, tight tolerances) to time t_end."""
    from scipy.integrate import solve_ivp

    def rhs(_: float, y: np.ndarray) -> list[float]:
        g = grad(y[0], y[1], y[2], l1, l2)
        return [-g[0], -g[1], -g[2]]

    sol = solve_ivp(rhs, (0.0, t_end), [a, w1, w2], method="LSODA", rtol=1e-11, atol=1e-13)
    return tuple(float(v) for v in sol.y[:, -1])
