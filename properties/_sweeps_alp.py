"""Sweeps for the Arora et al. (2022) simulation claims (ALP-P1, ALP-P2-ID, ALP-P2-RATE, ALP-P2-SHARP, ALP-QUAD).

Each draws instances from the claim's strategy and scores them by the check's own margin, computed for all of
them at once by ``checker.sweep_kernels.arora`` (the same map, steps and formulas as the check). Where one
instance is several long runs the sweep draws fewer than the profile's default N and says why.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from checker.sweep import Sweep
from checker.sweep_kernels import arora as kernel


def quad_sweep(constant: float, steps: int, tol: float, align: float) -> Sweep:
    """ALP-QUAD's margin: (sum_tol - deviation)/sum_tol over the last 20 pairs, as the check."""

    def draw(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
        x1 = rng.uniform(0.05, 5.0, n) * rng.choice([-1.0, 1.0], n)  # the strategy's |x1| >= 0.05
        return {
            "x1": x1,
            "x2": rng.uniform(-5.0, 5.0, n),
            "ratio": rng.uniform(0.05, 0.45, n),
            "l1": rng.uniform(0.5, 3.0, n),
            "eta": rng.uniform(0.1, 2.0, n),
        }

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        return kernel.quad_margins(arr, constant, steps, tol, align)

    return Sweep(draw, margin, worst=3)


# ---- ALP-P1 ------------------------------------------------------------------------------------------------
P1_SIZES = {"quick": 5_000, "ci": 30_000, "thorough": 300_000}
P1_REASON = "each instance is four GD-on-sqrt-L runs of up to 60/eta steps (eta down to 1/400)"


def p1_sweep(expected_order: float, tolerance: float, c_eta: float) -> Sweep:
    """ALP-P1's margin: tolerance - |fitted slope of log T against log eta + expected_order| over eta0 .. eta0/8
    (-1 where a run broke Phase 1), as the check."""

    def draw(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
        return {
            "eta0": rng.uniform(0.02, 0.04, n),
            "u1": rng.uniform(2.0, 3.0, n),
            "u2": rng.uniform(0.9, 1.6, n),
            "u3": rng.uniform(0.0, 0.5, n),
        }

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        return kernel.p1_margins(arr, expected_order, tolerance, c_eta)

    return Sweep(draw, margin, worst=3, sizes=P1_SIZES, size_reason=P1_REASON, chunk=10_000)


# ---- ALP-P2-ID ---------------------------------------------------------------------------------------------
P2_SIZES = {"quick": 500, "ci": 2_000, "thorough": 20_000}
P2_REASON = "each instance is three runs of up to 2000 steps with the top Hessian eigenvalue over a 400-step window"


def p2_id_sweep(constant: float, ngd_constant: float, min_order: float, window: int) -> Sweep:
    """ALP-P2-ID's margin: the fitted order of the 95th-percentile deviation of (sqrt L_t + sqrt L_t+1)/claimed
    over the window after 4/eta steps, against eta0, eta0/2, eta0/4, minus ``min_order`` (as the check)."""

    def draw(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
        out = {"eta0": rng.uniform(0.01, 0.02, n), "rule": rng.choice(np.array(["sqrt", "ngd"]), n)}
        out.update({k: rng.uniform(-0.25, 0.25, n) for k in ("d1", "d2", "d3")})
        return out

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        return kernel.p2_id_margins(arr, constant, ngd_constant, min_order, window)

    return Sweep(draw, margin, worst=3, sizes=P2_SIZES, size_reason=P2_REASON)


# ---- ALP-P2-RATE -------------------------------------------------------------------------------------------
RATE_SIZES = {"quick": 300, "ci": 1_000, "thorough": 10_000}
RATE_REASON = "each instance is three runs of 5/eta + 1/eta^2 steps (up to ~4e4) and three flow integrations"


def p2_rate_sweep(sqrt_constant: float, ngd_constant: float, k_eta: float, tau: float, order: int) -> Sweep:
    """ALP-P2-RATE's margin: the smallest (k_eta eta^order - err)/(k_eta eta^order) over eta0, eta0/2, eta0/4,
    err the error of Phi's coordinate against the limiting flow relative to the distance it travels."""

    def draw(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
        out = {"eta0": rng.uniform(0.02, 0.04, n), "rule": rng.choice(np.array(["sqrt", "ngd"]), n)}
        out.update({k: rng.uniform(-0.25, 0.25, n) for k in ("d1", "d2", "d3")})
        return out

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        return kernel.p2_rate_margins(arr, sqrt_constant, ngd_constant, k_eta, tau, order)

    return Sweep(draw, margin, worst=3, sizes=RATE_SIZES, size_reason=RATE_REASON, chunk=250)


# ---- ALP-P2-SHARP ------------------------------------------------------------------------------------------
SHARP_SIZES = {"quick": 500, "ci": 2_000, "thorough": 20_000}
SHARP_REASON = "each instance is three to six runs of 5/eta + 1/eta^2 steps at halved eta (up to ~2.6e6 steps)"


def p2_sharp_sweep(order: float, tol: float, stable: float, sqrt_direction: int) -> Sweep:
    """ALP-P2-SHARP's margin: the local order of the drop rate of lambda_1 at Phi(x_t) where it settles (halving
    eta0 until two consecutive orders agree), against the claimed order, and the direction of sqrt L, as the
    check (+inf where the orders do not settle: the check is undecided there)."""

    def draw(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
        out = {"eta0": rng.uniform(0.02, 0.04, n), "rule": rng.choice(np.array(["sqrt", "ngd"]), n)}
        out.update({k: rng.uniform(-0.25, 0.25, n) for k in ("d1", "d2", "d3")})
        return out

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        return kernel.p2_sharp_margins(arr, order, tol, stable, sqrt_direction)

    return Sweep(draw, margin, worst=3, sizes=SHARP_SIZES, size_reason=SHARP_REASON, chunk=250)
