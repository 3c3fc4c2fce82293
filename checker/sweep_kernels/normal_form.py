"""The two-step normal form's orbit (GAN-A-NF) for many (P, r sigma_0) at once, for the sweep.

The map U' = U(1 + 4 sigma - 4 P U), sigma' = sigma - k U (k = 4 P sigma_0/rho, rho = r sigma_0, as
``checker.models.product.two_step.orbit``) from U = u_start sigma_0/|P| until U has grown 1000-fold and fallen
back below its start, run in numpy float64 for all instances together; an instance leaves the batch when its
orbit returns or leaves the normal form's domain.
"""

from __future__ import annotations

import numpy as np

SIGMA0 = 1e-3  # as the check
U_START = 1e-9
BUDGET = 4_000_000  # the check's step budget
COMPACT_EVERY = 256  # steps between dropping finished orbits from the batch


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
