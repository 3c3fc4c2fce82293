"""Batched runs for the Damian et al. (2023) sweeps on the quartic toy (RECONSTRUCTED form, open point O-4).

``cycle_average_shifts`` is ``checker.models.damian_cycles.cycle_average_sharpness`` for many instances at
once in numpy float64: the same start, map (``damian.gen_step``), cycle detection (y crossing y* upward), sum
order and budget; an instance leaves the batch when it completes its cycles or leaves the window.
"""

from __future__ import annotations

import math

import numpy as np


def cycle_average_shifts(
    eps: np.ndarray, alpha: np.ndarray, beta: np.ndarray, kappa: np.ndarray, amp: np.ndarray, cycles: int = 3
) -> np.ndarray:
    """The average of S - 2/eta = y + kappa x^2/2 over ``cycles`` whole cycles for every instance (NaN where
    the orbit left the window or the budget ran out: the check's "did not complete the cycles")."""
    eta = eps / np.sqrt(2 * alpha)
    delta2 = 2 * alpha / beta
    delta = np.sqrt(delta2)
    ystar = -kappa * delta2 / 6
    x, y = np.sqrt(delta2) * (1 + amp), ystar.copy()
    budget = (3 * (cycles + 1) * 2 * math.pi / eps).astype(int)
    out = np.full(eps.shape, np.nan)
    total, n, crossings = np.zeros(eps.shape), np.zeros(eps.shape), np.zeros(eps.shape, int)
    live = np.arange(eps.size)
    e, a, b, k, d, ys, bud = eta, alpha, beta, kappa, delta, ystar, budget
    t = 0
    while live.size:
        fprime = (2 / e) * x + k * x**3 / 6
        x1, y1 = x - e * fprime - e * x * y, y + e * (a - b * x * x / 2)
        up = (y < ys) & (ys <= y1)
        crossings[live] += up
        done = up & (crossings[live] == cycles + 1)
        out[live[done]] = total[live[done]] / n[live[done]]
        counting = (crossings[live] >= 1) & ~done
        total[live] += np.where(counting, y1 + k * x1 * x1 / 2, 0.0)
        n[live] += counting
        x, y = x1, y1
        t += 1
        keep = ~done & np.isfinite(x) & (np.abs(x) <= 100 * d) & (t < bud)
        live, x, y, e, a, b, k, d, ys, bud = (v[keep] for v in (live, x, y, e, a, b, k, d, ys, bud))
    return out


def cycle_end_losses(
    eps: np.ndarray, alpha: np.ndarray, beta: np.ndarray, gamma: np.ndarray, r: np.ndarray, cycles: int = 4
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``checker.models.damian_cycles.cycle_end_losses`` for many instances at once: the loss and the step at
    the end of each of ``cycles`` + 1 cycle ends (shape (n, cycles + 1), NaN where the budget ran out first)
    and the number of steps at which the loss rose."""
    eta = eps / np.sqrt(2 * alpha)
    x: np.ndarray = r * np.sqrt(2 * alpha / beta)
    y: np.ndarray = np.zeros(eps.shape)
    z: np.ndarray = np.zeros(eps.shape)
    budget = (6 * (cycles + 1) * 2 * math.pi / eps).astype(int)
    losses = np.full((eps.size, cycles + 1), np.nan)
    times = np.full((eps.size, cycles + 1), np.nan)
    rises, ends = np.zeros(eps.shape, int), np.zeros(eps.shape, int)
    live = np.arange(eps.size)
    e, a, b, g, bud = eta, alpha, beta, gamma, budget
    prev: np.ndarray = (2 / e + y) * x * x / 2 - a / b * y - g * z
    t = 1
    while live.size:
        x1, y1 = -(1 + e * y) * x, y + e * (a - 0.5 * b * x * x)
        z1 = z + e * g
        cur = (2 / e + y1) * x1 * x1 / 2 - a / b * y1 - g * z1
        rises[live] += cur > prev
        up = (y < 0) & (y1 >= 0)
        idx = live[up]
        losses[idx, ends[idx]] = cur[up]
        times[idx, ends[idx]] = t
        ends[idx] += 1
        keep = (ends[live] < cycles + 1) & (t < bud)
        x, y, z, prev = x1, y1, z1, cur
        live, x, y, z, prev, e, a, b, g, bud = (v[keep] for v in (live, x, y, z, prev, e, a, b, g, bud))
        t += 1
    return losses, times, rises


def coupling_errors(
    eps: np.ndarray,
    eta: np.ndarray,
    beta: np.ndarray,
    kappa: np.ndarray,
    r: np.ndarray,
    v: np.ndarray,
    force: float = 0.5,
) -> np.ndarray:
    """``checker.models.damian_cycles.coupling_error`` for every instance at once: GD on the quartic toy against
    eq. (3) (with ``force`` as its coefficient of beta x^2) over one cycle from the same start;
    max(|x_GD - x_pred|/max|x_pred|, |y_GD - y_pred|/max|y_pred|)."""
    alpha = (eps / eta) ** 2
    x0, y0 = r * np.sqrt(2 * alpha / beta), v * np.sqrt(alpha)
    xg, yg, xp, yp = x0, y0, x0.copy(), y0.copy()
    ex, ey, mx, my = (np.zeros(eps.shape) for _ in range(4))
    steps = (2 * math.pi / (eta * np.sqrt(2 * alpha))).astype(int)
    with np.errstate(all="ignore"):  # a run past its own cycle may overflow; its steps are masked out
        _coupling_loop(steps, eta, alpha, beta, kappa, (xg, yg, xp, yp), (ex, ey, mx, my), force)
    return np.asarray(np.maximum(ex / mx, ey / my), dtype=float)


def _coupling_loop(
    steps: np.ndarray,
    eta: np.ndarray,
    alpha: np.ndarray,
    beta: np.ndarray,
    kappa: np.ndarray,
    state: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    extremes: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    force: float = 0.5,
) -> None:
    """The stepping of ``coupling_errors``; updates ``extremes`` (|x_GD - x_pred|, |y_GD - y_pred|, |x_pred|,
    |y_pred| maxima) in place."""
    xg, yg, xp, yp = state
    ex, ey, mx, my = extremes
    for t in range(int(steps.max())):
        on = t < steps
        fprime = (2 / eta) * xg + kappa * xg**3 / 6
        xg, yg = xg - eta * fprime - eta * xg * yg, yg + eta * (alpha - beta * xg * xg / 2)
        xp, yp = -(1 + eta * yp) * xp, yp + eta * (alpha - force * beta * xp * xp)
        ex[on] = np.maximum(ex[on], np.abs(xg - xp)[on])
        ey[on] = np.maximum(ey[on], np.abs(yg - yp)[on])
        mx[on] = np.maximum(mx[on], np.abs(xp)[on])
        my[on] = np.maximum(my[on], np.abs(yp)[on])


def coupling_orders(
    eps0: float,
    eta: np.ndarray,
    beta: np.ndarray,
    kappa: np.ndarray,
    r: np.ndarray,
    v: np.ndarray,
    force: float = 0.5,
) -> tuple[np.ndarray, np.ndarray]:
    """``coupling_order`` for every instance: (order, decided). The errors on all MAX_POINTS halvings of eps0 are
    computed at once; each instance then reads its order where its local orders first settle (within SETTLE,
    from MIN_POINTS points on), as the model does; decided is False where they never settle or are not finite
    (the check is undecided there)."""
    n = eta.size
    eps = eps0 / 2.0 ** np.arange(MAX_POINTS)
    e, b, k, r_, v_ = (np.repeat(q, MAX_POINTS) for q in (eta, beta, kappa, r, v))
    errors = coupling_errors(np.tile(eps, n), e, b, k, r_, v_, force).reshape(n, MAX_POINTS)
    with np.errstate(divide="ignore", invalid="ignore"):
        positive = (errors[:, :-1] > 0) & (errors[:, 1:] > 0)
        local = np.where(positive, np.log2(errors[:, :-1] / errors[:, 1:]), np.nan)  # (n, MAX_POINTS - 1)
    order, decided = np.full(n, np.nan), np.zeros(n, bool)
    open_ = np.ones(n, bool)
    for points in range(MIN_POINTS, MAX_POINTS + 1):
        o = local[:, : points - 1]
        settle = open_ & (np.abs(o[:, -1] - o[:, -2]) <= SETTLE)
        order[settle] = o[settle, -1]
        decided[settle] = np.all(np.isfinite(o[settle]), axis=1)
        open_ &= ~settle
    return order, decided


MIN_POINTS, MAX_POINTS, SETTLE = 4, 7, 0.05  # as checker.models.damian_cycles.coupling_order
