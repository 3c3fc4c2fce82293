"""Vectorised sweep for DNL-PRED: the toy model's GD run and its sharpness prediction for many starts at once.

The check runs GD on the toy loss (RECONSTRUCTED form, open point O-4) for ``steps`` steps and judges, at
every step, 0 <= S - (2/eta + y) <= shift_bound beta x^2/(2/eta + y) by its worst relative slack. The sweep
runs the same map in numpy float64 for every start and computes the slack with the 2x2 top eigenvalue in
closed form, written without cancellation (S - A = b^2/(A/2 + sqrt(A^2/4 + b^2)) for [[A, b], [b, 0]]).
Starts the check rejects (a non-positive top curvature, or no step where the slack is resolvable in float64)
get +inf. The identity part of the claim is symbolic (PROVED) and is not swept.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from checker.sweep import Sweep

ROUNDING = 1e-6  # the check's allowance for eigvalsh rounding in S - A
PRED_SIZES = {"quick": 5_000, "ci": 30_000, "thorough": 300_000}
PRED_REASON = "each instance is an 800-step GD run with the sharpness judged at every step"


def draw_orbit_start(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
    """The properties' orbit-start strategy: eps, alpha, beta, r, v uniform, mapped to (eta, alpha, beta, x0, w0)."""
    eps, alpha, beta = rng.uniform(0.003, 0.03, n), rng.uniform(0.1, 4.0, n), rng.uniform(0.1, 4.0, n)
    r, v = rng.uniform(-2.0, 2.0, n), rng.uniform(-1.0, 1.0, n)
    return {
        "eta": eps / np.sqrt(2 * alpha),
        "alpha": alpha,
        "beta": beta,
        "x0": r * np.sqrt(2 * alpha / beta),
        "w0": v * np.sqrt(alpha / beta),
    }


def pred_margins(arr: Mapping[str, np.ndarray], steps: int, shift_bound: float) -> np.ndarray:
    eta, alpha, beta = arr["eta"], arr["alpha"], arr["beta"]
    sb = np.sqrt(beta)
    x, w = arr["x0"].astype(float), arr["w0"].astype(float)
    worst = np.full(x.shape, np.inf)
    positive = np.ones(x.shape, bool)
    for _ in range(steps):
        gx, gw = (2 / eta + sb * w) * x, sb * x * x / 2 - alpha / sb
        x, w = x - eta * gx, w - eta * gw
        big, off = 2 / eta + sb * w, sb * x
        positive &= big > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            err = off * off / (big / 2 + np.sqrt(big * big / 4 + off * off))
            unit = off * off / big
            slack = np.minimum(err, shift_bound * unit - err) / unit
        judged = unit > 1e-9 * big
        worst = np.where(judged, np.minimum(worst, slack), worst)
    return np.where(positive & np.isfinite(worst), worst + ROUNDING, np.inf)


def pred_sweep(steps: int, shift_bound: float) -> Sweep:
    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        return pred_margins(arr, steps, shift_bound)

    return Sweep(draw_orbit_start, margin, worst=3, sizes=PRED_SIZES, size_reason=PRED_REASON)
