"""Vectorised sweep for GAN-A-NF: the two-step normal form's orbit for many (P, r sigma_0) at once.

The check iterates U' = U(1 + 4 sigma - 4 P U), sigma' = sigma - k U from U ~ 0 until U has grown 1000-fold
and fallen back below its start, and compares the return r sigma_f with the Lambert-W prediction. The sweep
runs the same map for all instances together in numpy float64 (the live ones only: an instance leaves the
batch when its orbit returns or leaves the normal form's domain) and scores each by the check's margin
(the error of the predicted return in units of 1% of the distance travelled). The worst then go through the
check and its mpmath recheck at a smaller sigma_0.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from scipy.special import lambertw

from checker.sweep import Sweep

SIGMA0 = 1e-3  # as the check
U_START = 1e-9
BUDGET = 4_000_000  # the check's step budget
COMPACT_EVERY = 256  # steps between dropping finished orbits from the batch
NF_SIZES = {"quick": 2_000, "ci": 10_000, "thorough": 100_000}
NF_REASON = "each instance is an orbit of the normal-form map over thousands of steps"


def _lambert_return(rho: np.ndarray, branch_swap: bool) -> np.ndarray:
    """w_f = -1 - W_b(-(1 + rho) e^{-rho}/e), b = 0 for rho > 0 and -1 for rho < 0 (swapped: the other)."""
    g = -(1 + rho) * np.exp(-rho) / np.e
    pos = rho > 0
    if branch_swap:
        pos = ~pos
    out = np.empty_like(rho)
    out[pos] = -1 - lambertw(g[pos], 0).real
    out[~pos] = -1 - lambertw(g[~pos], -1).real
    return out


def returns(p: np.ndarray, rho: np.ndarray, sigma0: float = SIGMA0) -> np.ndarray:
    """r sigma_f for every instance (NaN where the orbit does not return within the budget)."""
    k = 4 * p * sigma0 / rho
    u = U_START * sigma0 / np.abs(p)
    u0 = u.copy()
    sig = np.full_like(p, sigma0)
    peaked = np.zeros(p.shape, bool)
    sig_f = np.full_like(p, np.nan)
    live = np.arange(p.size)
    pp, kk = p.copy(), k
    limit = 1e6 * np.abs(sigma0 / p)
    steps = 0
    while live.size and steps < BUDGET:
        for _ in range(COMPACT_EVERY):
            u, sig = u * (1 + 4 * sig - 4 * pp * u), sig - kk * u
            peaked |= u > 1e3 * u0
            done = peaked & (u < u0)
            first = done & np.isnan(sig_f[live])
            sig_f[live[first]] = sig[first]
        steps += COMPACT_EVERY
        keep = np.isnan(sig_f[live]) & (np.abs(u) < limit[live])
        live, u, sig, peaked, u0, pp, kk = (v[keep] for v in (live, u, sig, peaked, u0, pp, kk))
    return np.asarray(sig_f * rho / sigma0, dtype=float)


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
        travel = np.abs(rho - _lambert_return(rho, False))
        err = np.abs(returns(p, rho) - _lambert_return(rho, branch_swap))
        return np.asarray((0.01 * travel - err) / (0.01 * travel), dtype=float)

    return Sweep(draw, margin, worst=3, sizes=NF_SIZES, size_reason=NF_REASON)
