"""GD on L(x, y) = l(xy) from an Edge-of-Stability start, recorded in the normal form's coordinates (u, sigma).

    u_t := x_t y_t - z*,   sigma_t := eta a sqrt(4 z*^2 + D_t) - 2,   D_t := (x_t^2 - y_t^2)^2,  a := l''(z*)

sigma_t is the threshold distance of the minimum GD would reach now (D is frozen along the fast direction), so
the slow-fast normal form's predictions (the slow manifold U ~ (sigma - sigma_f)/P, the Lambert-W return, the
final sharpness) can be compared with the real iterates step by step. Generic over float and mpmath numbers
(the high-precision recheck runs the same code); nothing here decides a verdict.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import mpmath
import sympy as sp

from checker.models.gan_losses import TABLE, ProductLoss
from checker.models.product import normal_form as nf
from checker.models.product.starts import U0, eos_start
from checker.parse import Z

__all__ = ["Orbit", "eta_for_rho", "product_orbit"]


@dataclass(frozen=True)
class Orbit:
    """The recorded run: u_t and sigma_t for t = 0 .. len - 1, how it ended, and the normal form's constants."""

    u: list[float]
    sigma: list[float]
    status: str  # "converged", "past" (sigma went below the stop level), "diverged" or "budget"
    eta: float
    sigma0: float
    p: float  # P of the flip normal form at the threshold
    k: float  # drift of sigma per pair of steps
    a: float  # l''(z*)
    sigma_f: float  # -k/(4P): the end of the slow manifold (Thm 4.3's limit sharpness, as eta * lambda - 2)

    @property
    def final_sharpness(self) -> float:
        """a s at the last state with D frozen: (2 + sigma_last)/eta (the limit sharpness of where GD stopped)."""
        return (2 + self.sigma[-1]) / self.eta


@lru_cache(maxsize=32)
def _derivative(key: str, high: bool) -> Callable[[Any], Any]:
    return sp.lambdify(Z, TABLE[key].loss.derivative(1), "mpmath" if high else "math")  # type: ignore[no-any-return]


def eta_for_rho(pl: ProductLoss, sigma0: float, rho: float, lo: float = 1e-4, hi: float = 0.6) -> float | None:
    """The learning rate at which r sigma0 = rho (r = 4P/k grows like 1/eta^2 as eta -> 0); None if no eta in
    [lo, hi] gives it with P > 0 (a product-stable regime)."""
    zstar, a, b, c = pl.derivatives_at_min()

    def log_r(eta: float) -> float:
        p, k = nf.nf_constants(a, b, c, zstar, eta)
        return math.log(4 * p * sigma0 / k) - math.log(rho) if p > 0 and k > 0 else -math.inf

    if not (log_r(lo) > 0 > log_r(hi)):
        return None
    for _ in range(200):  # bisection on log r: monotone in eta on the product-stable range
        mid = math.sqrt(lo * hi)
        lo, hi = (mid, hi) if log_r(mid) > 0 else (lo, mid)
        if hi / lo - 1 < 1e-13:
            break
    return math.sqrt(lo * hi)


def product_orbit(
    key: str,
    eta: float,
    sigma0: float,
    *,
    u0: float = U0,
    stop_fraction: float | None = None,
    max_steps: int = 2_000_000,
    dps: int = 0,
    settled_u: float = 1e-9,
) -> Orbit:
    """GD on l(xy) (loss ``key`` of the table) from the EoS start of overshoot sigma0 (``eos_start``: the default
    u0 = U0 scales the point of {xy = z*} off it; another u0 places xy = z* + u0 exactly).

    Stops when |u| < settled_u after U has risen 100-fold and fallen (converged: each further step changes D by a
    factor 1 - O(eta^2 a^2 u^2), and so the sharpness by less than 1e-16 relative), when sigma drops below
    sigma_f + stop_fraction (sigma0 - sigma_f) (if given: only the slow-manifold part is needed), on
    divergence, or after max_steps. ``dps`` > 0 runs in mpmath at that many digits.
    """
    pl = TABLE[key]
    zs_f, a_f, b_f, c_f = pl.derivatives_at_min()
    p, k = nf.nf_constants(a_f, b_f, c_f, zs_f, eta)
    sf = float(nf.limit_sharpness(nf.alpha_of(a_f, b_f, c_f), a_f, b_f, zs_f, eta)) * eta - 2
    x0, y0 = eos_start(zs_f, a_f, eta, sigma0, u0=None if u0 == U0 else u0)
    high = dps > 0
    with mpmath.workdps(dps) if high else contextlib.nullcontext():
        num: Callable[[Any], Any] = mpmath.mpf if high else float
        sqrt = mpmath.sqrt if high else math.sqrt
        lp = _derivative(key, high)
        zs = num(str(sp.N(pl.zstar, 40))) if high else zs_f
        a = num(str(sp.N(pl.loss.derivative(2).subs(Z, pl.zstar), 40))) if high else a_f
        h = num(eta)
        x, y = num(float(x0)), num(float(y0))  # the float start, exactly (the recheck's independence is elsewhere)
        stop = None if stop_fraction is None else sf + stop_fraction * (sigma0 - sf)
        us: list[float] = []
        sigmas: list[float] = []
        status = "budget"
        peak = 0.0
        for _ in range(max_steps):
            z = x * y
            u = float(z - zs)
            diff = x * x - y * y
            sig = float(h * a * sqrt(4 * zs * zs + diff * diff) - 2)
            us.append(u)
            sigmas.append(sig)
            if not math.isfinite(u) or abs(u) > 1e3:
                status = "diverged"
                break
            peak = max(peak, abs(u))
            if stop is not None and sig < stop and peak > 100 * u0:
                status = "past"
                break
            if peak > 100 * u0 and abs(u) < settled_u:
                status = "converged"
                break
            g = lp(z)
            x, y = x - h * g * y, y - h * g * x
    return Orbit(us, sigmas, status, float(eta), float(sigma0), float(p), float(k), float(a_f), sf)
