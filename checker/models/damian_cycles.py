"""Damian et al. (2023) over whole EoS cycles: coupling of GD with the predicted dynamics, the cycle-averaged
sharpness of a super-quadratic loss, and the loss sampled at the ends of cycles.

The model is the toy loss of eq. (3) with two optional additions, both in closed form so that a float run can
be replayed in mpmath by the same code (every function takes the number type's ``num`` / ``log``):

* a quartic term kappa x^4/24 along the top eigenvector u (DNL-GEN-LIMIT's F(x) = (2/eta) x^2/2 + kappa x^4/24):
  GD becomes x' = -(1 + eta y + eta kappa x^2/6) x, y' = y + eta (alpha - beta x^2/2). The predicted dynamics of
  eq. (3) keep only the second-order Taylor part plus the cubic term (x^2/2) grad S, so kappa is exactly what they
  neglect: the coupling error of GD against them measures the theorem's higher-order terms.
* a slope gamma along z (L = ... - gamma z): the constrained trajectory theta^dagger_t = (0, 0, z_0 + eta gamma t)
  lowers the loss by eta gamma^2 per step, while GD without the sharpness constraint would also descend along w
  (|grad L(theta^dagger)|^2 = gamma^2 + alpha^2/beta).

Why separate from damian.py: these are multi-cycle measurements built on its one-step maps.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from checker.models import damian as dm


def quartic_step(x: Any, y: Any, eta: Any, alpha: Any, beta: Any, kappa: Any) -> tuple[Any, Any]:
    """One GD step on the toy loss plus kappa x^4/24, in (x, y = sqrt(beta) w): the same map as dm.gen_step."""
    return dm.gen_step(x, y, eta, alpha, beta, kappa)


# ---- DNL-T1: coupling of GD with the predicted dynamics over one cycle ------------------------------------
def cycle_steps(eta: float, alpha: float) -> int:
    """Steps in one oscillation of eq. (3) near its fixed point: 2 pi/(eta sqrt(2 alpha)) = O(1/epsilon)."""
    return int(2 * math.pi / (eta * math.sqrt(2 * alpha)))


def coupling_error(
    eps: Any,
    eta: Any,
    beta: Any,
    kappa: Any,
    r: Any,
    v: Any,
    num: Callable[[Any], Any] = float,
    force: Any = 0.5,
) -> float:
    """Relative coupling error over one cycle: GD on the quartic toy against eq. (3) from the same start.

    epsilon = eta sqrt(alpha) fixes alpha = (eps/eta)^2; the start is x0 = r delta, y0 = v sqrt(alpha) (units
    of the fixed point, so every eps sees the same orbit shape). Returned: max over the cycle of
    max(|x_GD - x_pred| / max|x_pred|, |y_GD - y_pred| / max|y_pred|). ``force`` is eq. (3)'s coefficient of
    beta x^2 (1/2; another value is a wrong predicted dynamics, which GD does not follow).
    """
    alpha = (num(eps) / num(eta)) ** 2
    eta_, beta_, kappa_ = num(eta), num(beta), num(kappa)
    x0 = num(r) * (2 * alpha / beta_) ** 0.5  # r delta
    y0 = num(v) * alpha**0.5
    xg, yg, xp, yp = x0, y0, x0, y0
    ex = ey = mx = my = num(0)
    for _ in range(cycle_steps(float(eta), float(alpha))):
        xg, yg = quartic_step(xg, yg, eta_, alpha, beta_, kappa_)
        xp, yp = dm.eq3_step(xp, yp, eta_, alpha, beta_, num(force))
        ex, ey = max(ex, abs(xg - xp)), max(ey, abs(yg - yp))
        mx, my = max(mx, abs(xp)), max(my, abs(yp))
    return float(max(ex / mx, ey / my))


@dataclass(frozen=True)
class OrderFit:
    """The coupling errors on a halving sequence of epsilon and the order read where it has settled."""

    eps: list[float]
    errors: list[float]
    local_orders: list[float]  # log2(E(eps)/E(eps/2)) for consecutive pairs
    order: float  # the last local order (the asymptotic regime)
    settled: bool  # the last two local orders agree within the settling tolerance


def coupling_order(
    eps0: float,
    eta: float,
    beta: float,
    kappa: float,
    r: float,
    v: float,
    num: Callable[[Any], Any] = float,
    settle: float = 0.05,
    min_points: int = 4,
    max_points: int = 7,
    force: float = 0.5,
) -> OrderFit:
    """Halve epsilon from eps0 until two consecutive local orders agree within ``settle`` (the fit is read in its
    asymptotic regime, found adaptively rather than over a fixed range)."""
    eps, errors, orders = [], [], []
    e = eps0
    for i in range(max_points):
        eps.append(e)
        errors.append(coupling_error(e, eta, beta, kappa, r, v, num, force))
        if i > 0:
            orders.append(math.log2(errors[-2] / errors[-1]) if errors[-1] > 0 and errors[-2] > 0 else math.nan)
        if len(eps) >= min_points and abs(orders[-1] - orders[-2]) <= settle:
            return OrderFit(eps, errors, orders, orders[-1], True)
        e /= 2
    return OrderFit(eps, errors, orders, orders[-1], False)


# ---- App. F: the cycle-averaged sharpness of a super-quadratic loss --------------------------------------
@dataclass(frozen=True)
class CycleAverage:
    """The sharpness along u, S - 2/eta = y + F''(x) - 2/eta = y + kappa x^2/2, averaged over whole cycles."""

    shift: float  # time average of S - 2/eta over the window
    steps: int  # length of the window in steps
    cycles: int  # whole cycles in the window
    max_x_over_delta: float  # how far the orbit strayed (it spirals slowly outward for kappa > 0)
    trace: list[tuple[int, float]]  # (step, S - 2/eta) at most about 400 points over the window, for a plot


def cycle_average_sharpness(
    eps: Any, alpha: Any, beta: Any, kappa: Any, amp: Any, cycles: int = 3, num: Callable[[Any], Any] = float
) -> CycleAverage | None:
    """Start at x = (1 + amp) delta, y = y* (the 2-cycle's y* = -kappa delta^2/6), run the quartic toy with
    eta = eps/sqrt(2 alpha), and average S - 2/eta over ``cycles`` whole cycles, each cycle ending where y
    crosses y* upward (x at its smallest). None if the orbit does not complete the cycles (it left the window)."""
    a, b, k = num(alpha), num(beta), num(kappa)
    eta = num(eps) / (2 * a) ** 0.5
    delta2 = 2 * a / b
    delta = math.sqrt(float(delta2))
    ystar = -k * delta2 / 6
    x, y = delta2**0.5 * (1 + num(amp)), ystar
    budget = int(3 * (cycles + 1) * 2 * math.pi / float(eps))
    every = max(1, int(cycles * 2 * math.pi / float(eps)) // 400)
    total, n, crossings, worst = num(0), 0, 0, 0.0
    trace: list[tuple[int, float]] = []
    for _ in range(budget):
        x1, y1 = quartic_step(x, y, eta, a, b, k)
        if y < ystar <= y1:
            crossings += 1
            if crossings == cycles + 1:
                return CycleAverage(float(total / n), n, cycles, worst, trace)
        if crossings >= 1:
            shift = y1 + k * x1 * x1 / 2
            total += shift
            if n % every == 0:
                trace.append((n, float(shift)))
            n += 1
            worst = max(worst, abs(float(x1)) / delta)
        x, y = x1, y1
        if not math.isfinite(float(x)) or abs(float(x)) > 100 * delta:
            return None
    return None


# ---- Sec. 7: the loss at the ends of EoS cycles --------------------------------------------------------------
@dataclass(frozen=True)
class CycleEnds:
    """GD's loss sampled at the end of each cycle (the step where y turns non-negative, x at its smallest)."""

    times: list[int]
    losses: list[float]
    rises: int  # steps at which the loss went up (the short-timescale non-monotonicity of EoS)
    rate: float  # -(L_end(K) - L_end(0)) / (t_K - t_0): the long-timescale decrease per step
    projected_rate: float  # eta |P grad L(theta^dagger)|^2 = eta gamma^2: the constrained trajectory's
    gd_rate: float  # eta |grad L(theta^dagger)|^2 = eta (gamma^2 + alpha^2/beta): unconstrained GD's
    excess: list[tuple[int, float]]  # (step, L(theta_t) - L(theta^dagger_t)) at most about 600 points, for a plot


def cycle_end_losses(
    eps: Any, alpha: Any, beta: Any, gamma: Any, r: Any, cycles: int = 4, num: Callable[[Any], Any] = float
) -> CycleEnds | None:
    """GD on the toy loss L = (1/2)(2/eta + y) x^2 - (alpha/beta) y - gamma z (y = sqrt(beta) w) from
    x = r delta, y = 0, z = 0, over ``cycles`` whole cycles; None if they do not complete within the budget."""
    a, b, g = num(alpha), num(beta), num(gamma)
    eta = num(eps) / (2 * a) ** 0.5
    x, y, z = num(r) * (2 * a / b) ** 0.5, num(0), num(0)

    def loss(x: Any, y: Any, z: Any) -> Any:
        return (2 / eta + y) * x * x / 2 - a / b * y - g * z

    prev = loss(x, y, z)
    times: list[int] = []
    losses: list[Any] = []
    rises = 0
    budget = int(6 * (cycles + 1) * 2 * math.pi / float(eps))
    every = max(1, int(2 * (cycles + 1) * 2 * math.pi / float(eps)) // 600)
    excess: list[tuple[int, float]] = []
    for t in range(1, budget + 1):
        x1, y1 = dm.eq3_step(x, y, eta, a, b)
        z1 = z + eta * g
        cur = loss(x1, y1, z1)
        rises += cur > prev
        if t % every == 0:
            excess.append((t, float(cur + g * z1)))  # theta^dagger_t = (0, 0, z_t): L there is -gamma z_t
        if y < 0 <= y1:
            times.append(t)
            losses.append(cur)
            if len(times) == cycles + 1:
                rate = -(losses[-1] - losses[0]) / (times[-1] - times[0])
                return CycleEnds(
                    times,
                    [float(v) for v in losses],
                    rises,
                    float(rate),
                    float(eta * g * g),
                    float(eta * (g * g + a * a / b)),
                    excess,
                )
        x, y, z, prev = x1, y1, z1, cur
    return None
