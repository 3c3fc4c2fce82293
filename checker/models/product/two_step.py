"""The two-step slow-fast normal form of GAN-A-NF as a discrete map, and its Lambert-W return.

    U_{n+1} = U_n (1 + 4 sigma_n - 4 P U_n),   sigma_{n+1} = sigma_n - k U_n      (n counts pairs of GD steps)

Its continuous version keeps F = (1 + r sigma - P r U) e^{-r sigma} (r = 4P/k), so an orbit leaving U ~ 0 at
sigma_0 returns to U ~ 0 at sigma_f = w_f/r with (1 + w_f) e^{-w_f} = (1 + r sigma_0) e^{-r sigma_0}. The
property (GAN-A-NF) compares the discrete orbit with that return; this module only computes both.
"""

from __future__ import annotations

import math
from typing import Any

import mpmath


def lambert_return(rho: float, branch_swap: bool = False) -> float:
    """w_f = r sigma_f for rho = r sigma_0: w_f = -1 - W_b(-(1 + rho) e^{-rho}/e), b = 0 for rho > 0, -1 for rho < 0.

    ``branch_swap`` takes the other branch (a wrong statement: it returns the trivial root w_f = rho).
    """
    g = (1 + rho) * math.exp(-rho)
    branch = 0 if rho > 0 else -1
    if branch_swap:
        branch = -1 - branch
    return float(-1 - mpmath.lambertw(-g / math.e, branch).real)


def orbit(
    p: Any, rho: Any, sigma0: Any, u_start: float = 1e-9, every: int = 50
) -> tuple[list[float], list[float], Any]:
    """The discrete map from U = u_start sigma0/|P| at sigma0, with k = 4 P sigma0/rho, until U has grown
    1000-fold and fallen back below its start. Works with floats or mpmath numbers.

    Returns (sigma, U) every ``every`` pairs (for plots) and the final sigma, or None if U left the normal
    form's domain (no return) or the budget ran out.
    """
    k = 4 * p * sigma0 / rho
    u, sig = u_start * sigma0 / abs(p), sigma0
    u0, peaked = u, False
    sigmas, us = [float(sig)], [float(u)]
    for n in range(4_000_000):
        u, sig = u * (1 + 4 * sig - 4 * p * u), sig - k * u
        peaked = peaked or u > 1e3 * u0
        if n % every == 0:
            sigmas.append(float(sig))
            us.append(float(u))
        if peaked and u < u0:
            return sigmas, us, sig
        if not abs(u) < 1e6 * abs(sigma0 / p):
            break
    return sigmas, us, None
