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
    x, y, z = r * np.sqrt(2 * alpha / beta), np.zeros(eps.shape), np.zeros(eps.shape)
    budget = (6 * (cycles + 1) * 2 * math.pi / eps).astype(int)
    losses = np.full((eps.size, cycles + 1), np.nan)
    times = np.full((eps.size, cycles + 1), np.nan)
    rises, ends = np.zeros(eps.shape, int), np.zeros(eps.shape, int)
    live = np.arange(eps.size)
    e, a, b, g, bud = eta, alpha, beta, gamma, budget
    prev = (2 / e + y) * x * x / 2 - a / b * y - g * z
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
