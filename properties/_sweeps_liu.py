"""Vectorised sweeps for the Liu et al. (2025) simulation claims on the RECONSTRUCTED model (LZDZ-MODEL).

One batched JAX float64 call (``checker.sweep_kernels.liu``) runs GD from every drawn start for the check's
STEPS steps and reduces each run, step by step, to the statistics the six claims are decided on; the sweep
margins follow the checks' formulas on these statistics. Instances the check cannot decide (a diverged or
unsettled run, no EoS window long enough) or that lie outside the statement get +inf: ranking them first
would waste the explicit examples. The worst instances then go through the full check (every step recorded,
the long budget for unsettled runs) and its mpmath recheck, which alone decide.

Every instance is a 40000-step run, so the sweep draws fewer than the profile's default N and says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np

from checker.models import liu as model
from checker.simulate.liu_runs import STEPS
from checker.sweep import Sweep
from checker.sweep_kernels.liu import run_stats

LIU_SIZES = {"quick": 100, "ci": 300, "thorough": 3_000}
LIU_REASON = f"each instance is a {STEPS}-step GD run of the reconstructed model"


def draw(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
    """The properties' strategy (SIM_STRATEGY), uniformly."""
    return {
        "l2": rng.uniform(0.02, 0.05, n),
        "a0": rng.uniform(0.45, 0.6, n),
        "log_w1": rng.uniform(-8.0, -4.0, n),
        "w2": rng.uniform(0.6, 0.9, n),
    }


def _sweep(margin: Callable[[Mapping[str, np.ndarray]], np.ndarray]) -> Sweep:
    return Sweep(draw, margin, worst=3, sizes=LIU_SIZES, size_reason=LIU_REASON, chunk=100)


def t41_sweep(bound: float) -> Sweep:
    """LZDZ-T4.1: bound - (settled-tail max of eta S), bound = constant + delta."""

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        s = run_stats(arr, ("settled", "tail_max_s"))
        return np.where(s["settled"], bound - s["tail_max_s"], np.inf)

    return _sweep(margin)


def t44_sweep(back: float, exceed: float) -> Sweep:
    """LZDZ-T4.4: min(peak eta S - exceed, back - settled-tail max of eta S)."""

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        s = run_stats(arr, ("settled", "peak", "tail_max_s"))
        return np.where(s["settled"], np.minimum(s["peak"] - exceed, back - s["tail_max_s"]), np.inf)

    return _sweep(margin)


def t43_sweep(direction: int, gap: float, dip_fraction: float, min_phase: float) -> Sweep:
    """LZDZ-T4.3: min(direction x net change, dip_fraction |net| - steps against) / |net| over the first phase;
    a settled run that never reaches the level: peak - level; +inf outside the statement (start too close to
    the level) and where the check is undecided."""

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        target = 2 - gap
        s = run_stats(arr, ("settled", "s0", "peak", "crossed", "s_cross", "with", "against"), level=target)
        net = s["s_cross"] - s["s0"]
        against = s["against"] if direction > 0 else s["with"]
        phase = np.minimum(direction * net, dip_fraction * np.abs(net) - against) / np.maximum(np.abs(net), 1e-12)
        missed = np.where(s["settled"], s["peak"] - target, np.inf)
        m = np.where(s["crossed"], phase, missed)
        return np.where(s["finite"] & (s["s0"] <= target - min_phase), m, np.inf)

    return _sweep(margin)


def rate_sweep(factor: float, tol: float, min_window: int) -> Sweep:
    """LZDZ-RATE: tol - |fitted slope of log L2 / (factor log(1 - 2 lambda_2/lambda_1)) - 1| on the window."""

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        s = run_stats(arr, ("slope", "window_used"))
        predicted = factor * np.log(1 - 2 * arr["l2"] / model.LAMBDA_1)
        m = tol - np.abs(s["slope"] / predicted - 1)
        return np.where(s["finite"] & (s["window_used"] >= min_window), m, np.inf)

    return _sweep(margin)


def t52_sweep(direction: int, rounding: float, min_window: int) -> Sweep:
    """LZDZ-T5.2: rounding - the largest GFS-sharpness step against the claimed direction in the window."""

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        s = run_stats(arr, ("gfs_up", "gfs_down", "window"))
        against = s["gfs_up"] if direction < 0 else s["gfs_down"]
        return np.where(s["finite"] & (s["window"] >= min_window), rounding - against, np.inf)

    return _sweep(margin)


def t46_sweep(rate: float, constant: float, min_window: int) -> Sweep:
    """LZDZ-T4.6: (log constant - worst log-slack of the decay bound over pairs s <= t) / log constant."""

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        s = run_stats(arr, ("decay_worst", "window_used"), rate=rate)
        m = (math.log(constant) - s["decay_worst"]) / math.log(constant)
        return np.where(s["finite"] & (s["window_used"] >= min_window), m, np.inf)

    return _sweep(margin)
