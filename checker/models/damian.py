"""Damian, Nichani, Lee (2023), self-stabilization: eq. (3), the toy loss, the ODE and its invariant.

Conventions follow the paper's Sec. 4 (and the authors' code, O-4): force beta x^2 / 2, fixed point
x^2 = delta^2 = 2 alpha / beta. Everything here is the *model*; the properties in properties/damian2023.py
decide what is claimed about it.

* eq. (3) (DNL-EQ3): x' = -(1 + eta y) x,  y' = y + eta (alpha - beta x^2 / 2).
* toy loss (DNL-TOY, RECONSTRUCTED): L(x, w, z) = (1/2)(2/eta + sqrt(beta) w) x^2 - (alpha/sqrt(beta)) w - z.
* ODE (DNL-ODE), time tau = eta t: X' = X Y, Y' = alpha - beta X^2 / 2.
* invariant (DNL-L3): g = h(beta X^2 / (2 alpha)) + Y^2 / alpha with h(z) = z - log z - 1.

The scalar maps are written once for any number type (float, mpmath mpf), so a float counterexample can be
re-run in mpmath by the same code.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import sympy as sp

# ---- symbols --------------------------------------------------------------------------------------------
ETA, ALPHA, BETA = sp.symbols("eta alpha beta", positive=True)
X, W, Zc, Y = sp.symbols("x w z y", real=True)
XP = sp.Symbol("X", positive=True)  # |x| in the ODE
HALF = sp.Rational(1, 2)


def toy_loss(
    x: Any, w: Any, z: Any, eta: Any, alpha: Any, beta: Any, sqrt: Callable[[Any], Any], half: Any = 0.5
) -> Any:
    """The DNL-TOY loss L(x, w, z) = (1/2)(2/eta + sqrt(beta) w) x^2 - (alpha/sqrt(beta)) w - z (App. B form
    RECONSTRUCTED), written once for sympy, JAX and floats: ``sqrt`` and the exact ``half`` are the arithmetic's."""
    return half * (2 / eta + sqrt(beta) * w) * x**2 - alpha / sqrt(beta) * w - z


def toy_loss_sym() -> sp.Expr:
    """The DNL-TOY loss as a sympy expression in (X, W, Zc)."""
    return toy_loss(X, W, Zc, ETA, ALPHA, BETA, sp.sqrt, HALF)


def toy_loss_jax(theta: Any, p: Any) -> Any:
    """The DNL-TOY loss for JAX autodiff: theta = (x, w, z), or (x, w) for the GD dynamics (z only adds a
    constant gradient); p = (eta, alpha, beta)."""
    import jax.numpy as jnp

    z = theta[2] if theta.shape[0] == 3 else 0.0
    return toy_loss(theta[0], theta[1], z, p[0], p[1], p[2], jnp.sqrt)


def eq3_sym(x: sp.Expr, y: sp.Expr, force: sp.Expr = HALF) -> tuple[sp.Expr, sp.Expr]:
    """Eq. (3) symbolically; ``force`` is the coefficient of beta x^2 (1/2 per the code; 1 is a mutant)."""
    return -(1 + ETA * y) * x, y + ETA * (ALPHA - force * BETA * x**2)


def h_sym(z: sp.Expr) -> sp.Expr:
    return z - sp.log(z) - 1


def invariant_sym(x: sp.Expr, y: sp.Expr, y_scale: sp.Expr = 1) -> sp.Expr:
    """g(X, Y) = h(beta X^2/(2 alpha)) + Y^2/(y_scale alpha); y_scale = 1 is the true normalisation."""
    return h_sym(BETA * x**2 / (2 * ALPHA)) + y**2 / (y_scale * ALPHA)


def ode_rhs_sym(x: sp.Expr, y: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """DNL-ODE in tau = eta t for X = |x|."""
    return x * y, ALPHA - BETA * x**2 / 2


# ---- numeric maps (float or mpf) -----------------------------------------------------------------------
def eq3_step(x: Any, y: Any, eta: Any, alpha: Any, beta: Any, force: Any = 0.5) -> tuple[Any, Any]:
    return -(1 + eta * y) * x, y + eta * (alpha - force * beta * x * x)


def invariant(x: Any, y: Any, alpha: Any, beta: Any, log: Callable[[Any], Any] = math.log) -> Any:
    z = beta * x * x / (2 * alpha)
    return z - log(z) - 1 + y * y / alpha


def simulate_eq3(
    x0: Any, y0: Any, eta: Any, alpha: Any, beta: Any, steps: int, force: Any = 0.5
) -> tuple[list[Any], list[Any]]:
    """Iterate eq. (3); returns the lists of x_t and y_t, t = 0..steps."""
    xs, ys = [x0], [y0]
    x, y = x0, y0
    for _ in range(steps):
        x, y = eq3_step(x, y, eta, alpha, beta, force)
        xs.append(x)
        ys.append(y)
    return xs, ys


def upward_crossings(ys: list[Any]) -> list[float]:
    """Times (linearly interpolated, in steps) where y crosses 0 from below: one per oscillation cycle.

    At these instants X is at its minimum along the cycle (X' = X Y changes sign), so comparing the
    invariant there compares like with like.
    """
    out = []
    for t in range(len(ys) - 1):
        a, b = float(ys[t]), float(ys[t + 1])
        if a < 0 <= b:
            out.append(t + a / (a - b))
    return out


def measured_period(x0: float, y0: float, eta: float, alpha: float, beta: float, cycles: int = 3) -> float:
    """Mean number of steps between upward zero crossings of y over ``cycles`` cycles (nan if too few)."""
    guess = 2 * math.pi / (eta * math.sqrt(2 * alpha))
    _, ys = simulate_eq3(x0, y0, eta, alpha, beta, int((cycles + 1.5) * guess * 1.5))
    cr = upward_crossings(ys)
    if len(cr) < 2:
        return float("nan")
    cr = cr[: cycles + 1]
    return (cr[-1] - cr[0]) / (len(cr) - 1)


def drift_per_cycle(
    x0: Any, y0: Any, eta: Any, alpha: Any, beta: Any, cycles: int = 2, log: Callable[[Any], Any] = math.log
) -> Any:
    """Relative growth of the invariant g per cycle of eq. (3), measured between upward crossings of y.

    At an upward crossing y is within one step of 0 and X at its minimum, so g there compares like with
    like; the stepping stops at the last crossing needed (nan if the budget runs out first).
    """
    guess = 2 * math.pi / (eta * math.sqrt(2 * alpha))
    g0 = invariant(x0, y0, alpha, beta, log)
    budget = int((cycles + 2) * guess * (2 + float(g0)))  # large-g orbits are slower than the linear period
    x, y = x0, y0
    gs = []
    for _ in range(budget):
        x1, y1 = eq3_step(x, y, eta, alpha, beta)
        if y < 0 <= y1:
            gs.append(invariant(abs(x1), y1, alpha, beta, log))
            if len(gs) == cycles + 1:
                return (gs[-1] - gs[0]) / (cycles * g0)
        x, y = x1, y1
    return float("nan")


# ---- the generalised (x, y) map of App. F (DNL-GEN-LIMIT) ----------------------------------------------
def gen_step(x: float, y: float, eta: float, alpha: float, beta: float, c4: float) -> tuple[float, float]:
    """x' = x - eta F'(x) - eta x y with F(x) = (2/eta) x^2/2 + c4 x^4/24;  y' as in eq. (3)."""
    fprime = (2 / eta) * x + c4 * x**3 / 6
    return x - eta * fprime - eta * x * y, y + eta * (alpha - beta * x * x / 2)


def gen_limit_sharpness(eta: float, alpha: float, beta: float, c4: float) -> float:
    """S_lim = 2/eta + F''(delta) - F'(delta)/delta - 2/eta + 2/eta = 2/eta + c4 delta^2 / 3 (DERIVED)."""
    delta2 = 2 * alpha / beta
    return 2 / eta + c4 * delta2 / 3


@functools.lru_cache(maxsize=4)
def _toy_gd_scan(steps: int) -> Any:
    """Compiled GD on the toy loss (JAX autodiff gradient, lax.scan): one compilation per step count."""
    import jax

    grad = jax.grad(toy_loss_jax)

    def run(theta0: Any, p: Any) -> Any:
        def step(th: Any, _: Any) -> Any:
            nxt = th - p[0] * grad(th, p)
            return nxt, nxt

        return jax.lax.scan(step, theta0, None, length=steps)[1]

    return jax.jit(run)


def toy_gd_run(eta: float, alpha: float, beta: float, x0: float, w0: float, steps: int) -> tuple[Any, Any]:
    """GD on the toy loss in (x, w), JAX float64: the arrays x_t and w_t for t = 1..steps."""
    import jax.numpy as jnp

    out = np.asarray(_toy_gd_scan(steps)(jnp.array([x0, w0]), jnp.array([eta, alpha, beta])))
    return out[:, 0], out[:, 1]


def ode_extremes(alpha: float, beta: float, x0: float, y0: float) -> tuple[float, float, float]:
    """min and max of Z, and max |Y|, over about a period of the ODE (DOP853 with events): Z is extremal
    exactly where Y = 0, and |Y| where X = delta (Y' = 0)."""
    from scipy.integrate import solve_ivp

    delta = math.sqrt(2 * alpha / beta)

    def f(_t: float, s: np.ndarray) -> list[float]:
        return [s[0] * s[1], alpha - beta * s[0] ** 2 / 2]

    def y_zero(_t: float, s: np.ndarray) -> float:
        return float(s[1])

    def x_delta(_t: float, s: np.ndarray) -> float:
        return float(s[0] - delta)

    y_zero.terminal = 3  # type: ignore[attr-defined]  # three turning points cover both extremes
    horizon = 2 * 2 * math.pi / math.sqrt(2 * alpha) * 50  # generous: large orbits are slower
    sol = solve_ivp(f, (0.0, horizon), [x0, y0], method="DOP853", rtol=1e-11, atol=1e-13, events=[y_zero, x_delta])
    zs = [beta * float(e[0]) ** 2 / (2 * alpha) for e in sol.y_events[0]] or [beta * x0 * x0 / (2 * alpha)]
    ymax = max([abs(float(e[1])) for e in sol.y_events[1]] or [abs(y0)])
    return min(zs), max(zs), ymax
