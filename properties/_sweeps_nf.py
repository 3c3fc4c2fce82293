"""Vectorised sweep for GAN-A-NF: the two-step normal form's orbit for many (P, r sigma_0) at once.

The check iterates U' = U(1 + 4 sigma - 4 P U), sigma' = sigma - k U from U ~ 0 until U has grown 1000-fold
and fallen back below its start, and compares the return r sigma_f with the Lambert-W prediction. The sweep
runs the same map for all instances together (``checker.sweep_kernels.normal_form``) and scores each by the
check's margin (the error of the predicted return in units of 1% of the distance travelled). The worst then go
through the check and its mpmath recheck at a smaller sigma_0.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from checker.models.product import two_step
from checker.sweep import Sweep
from checker.sweep_kernels.normal_form import returns

NF_SIZES = {"quick": 2_000, "ci": 10_000, "thorough": 100_000}
NF_REASON = "each instance is an orbit of the normal-form map over thousands of steps"


def _lambert(rho: np.ndarray, branch_swap: bool) -> np.ndarray:
    """The Lambert-W return w_f of every instance, by the model's own formula (one mpmath call each)."""
    return np.array([two_step.lambert_return(float(r), branch_swap) for r in rho])


def nf_sweep(branch_swap: bool) -> Sweep:
    """GAN-A-NF's margin: (0.01 travel - |w_orbit - w_predicted|) / (0.01 travel), travel = |rho - w_f|
    with the true branch; NaN (ranked first) where the orbit does not return."""

    def draw(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
        positive = rng.random(n) < 0.5  # the strategy's two branches, about equally often
        p = np.where(positive, rng.uniform(0.2, 5.0, n), rng.uniform(-5.0, -0.2, n))
        rho = np.where(positive, rng.uniform(0.3, 4.0, n), rng.uniform(-0.8, -0.2, n))
        return {"p": p, "rho": rho}

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        p, rho = arr["p"], arr["rho"]
        true = _lambert(rho, False)
        travel = np.abs(rho - true)
        err = np.abs(returns(p, rho) - (_lambert(rho, True) if branch_swap else true))
        return np.asarray((0.01 * travel - err) / (0.01 * travel), dtype=float)

    return Sweep(draw, margin, worst=3, sizes=NF_SIZES, size_reason=NF_REASON)
