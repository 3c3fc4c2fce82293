"""Finite-eta analysis at a certified minimiser: threshold, flip coefficient P, predicted final sharpness.

Formulas (THEOREMS.md, all DERIVED there):

* GAN-A-FIX: s_c = 2/(eta a), the flip of the normal multiplier 1 - eta a s.
* GAN-A-FLIP: P(s*) = alpha/(3a^2) + 8 b z*/(a s*^2) + 32 z*^2/s*^4; at s* = s_c this is
  P = alpha/(3a^2) + 2 a b z* eta^2 + 2 a^4 z*^2 eta^4. P > 0: supercritical flip (stable 2-cycle).
* GAN-A-NF: k = 4 eta^2 a^2 (1 - eta^2 a^2 z*^2), r = 4P/k; from overshoot sigma_0 the orbit returns at
  sigma_f with (1 + r sigma_f) e^{-r sigma_f} = (1 + r sigma_0) e^{-r sigma_0} (Lambert W).
* GAN-A-T4.3 (DERIVED replacement; the printed form is unread, O-1): for r sigma_0 >> 1,
  lambda_inf = 2/eta - 3 eta a^4 (1 - eta^2 a^2 z*^2)/(alpha + 6 a^3 b z* eta^2 + 6 a^6 z*^2 eta^4).

Every function is plain arithmetic, so it runs on arb balls (certified enclosures) and on floats alike.

Default learning rates (``default_etas``): eta_1 = min(0.2/a, 0.5/(a |z*|), eta_T) and eta_2 = eta_1/2,
rounded down to 2 significant digits. 0.2/a keeps eta a small for the O(eta^2) asymptotics (the 6.2
table's supercritical rows have eta a <= 0.2); 0.5/(a |z*|) puts s_c = 2/(eta a) >= 4|z*|, well above the
balanced point 2|z*| (GAN-A-T4.2 needs D_c = s_c^2 - 4z*^2 > 0); for alpha != 0, eta_T = sqrt(|alpha|/(600 a^4))
makes |r| sigma_0 ~ |alpha| sigma_0/(3 a^4 eta^2) >= 2 already at the smallest simulated overshoot 0.01, so the
simulations reach the T4.3 regime (r sigma_0 >> 1) when alpha > 0, and the divergence regime
(1 + r sigma_0 < 0) when alpha < 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import mpmath

Num = Any
MIRROR_GAP = 0.1  # k/(4P) above this: T4.3's r sigma_0 >> 1 needs overshoots beyond the small-sigma regime
T43_PROVENANCE = "DERIVED (GAN-A-T4.3 replacement; the paper's printed form is unread, O-1)"


def threshold_s(a: Num, eta: Num) -> Num:
    """s_c = 2/(eta a) (GAN-A-FIX)."""
    return 2 / (eta * a)


def flip_p_at_s(alpha: Num, a: Num, b: Num, z: Num, s: Num) -> Num:
    """P = p^2 + q at s* (GAN-A-FLIP, general form)."""
    return alpha / (3 * a * a) + 8 * b * z / (a * s * s) + 32 * z * z / s**4


def flip_p(alpha: Num, a: Num, b: Num, z: Num, eta: Num) -> Num:
    """P at s* = s_c = 2/(eta a) (GAN-A-FLIP): alpha/(3a^2) + 2 a b z* eta^2 + 2 a^4 z*^2 eta^4."""
    return alpha / (3 * a * a) + 2 * a * b * z * eta**2 + 2 * a**4 * z * z * eta**4


def k_coeff(a: Num, z: Num, eta: Num) -> Num:
    """k = 4 eta^2 a^2 (1 - eta^2 a^2 z*^2): the drift of sigma per pair of steps (GAN-A-NF)."""
    return 4 * eta**2 * a**2 * (1 - eta**2 * a**2 * z * z)


def limit_sharpness(alpha: Num, a: Num, b: Num, z: Num, eta: Num) -> Num:
    """lambda_inf = 2/eta - k/(4 P eta), GAN-A-T4.3 (DERIVED), valid for r sigma_0 >> 1 and P > 0."""
    gap = 3 * eta * a**4 * (1 - eta**2 * a**2 * z * z) / (alpha + 6 * a**3 * b * z * eta**2 + 6 * a**6 * z * z * eta**4)
    return 2 / eta - gap


def nf_final_sigma(p: float, k: float, sigma0: float) -> float | None:
    """sigma_f of GAN-A-NF from overshoot sigma0 (float, mpmath Lambert W); None: no return (divergence)."""
    if p == 0 or k <= 0:
        return -sigma0  # r = 0: the mirror value
    r = 4 * p / k
    rs = r * sigma0
    if 1 + rs <= 0:
        return None
    with mpmath.workdps(30):
        g = (1 + mpmath.mpf(rs)) * mpmath.exp(-mpmath.mpf(rs))
        branch = 0 if r > 0 else -1
        w = -1 - mpmath.lambertw(-g / mpmath.e, branch)
        return float(mpmath.re(w)) / r


def nf_final_sigma_array(p: float, k: float, sigma0: Any) -> Any:
    """Vectorised :func:`nf_final_sigma` in float64 (scipy's Lambert W); NaN where no return.

    A float prediction to compare float simulations with (never a certificate); agrees with the mpmath
    version to ~1e-8 relative in sigma_f, sqrt(eps) near the branch point (r sigma_0 -> 0).
    """
    import numpy as np
    from scipy.special import lambertw

    sigma0 = np.asarray(sigma0, dtype=float)
    if p == 0 or k <= 0:
        return -sigma0
    r = 4 * p / k
    rs = r * sigma0
    g = (1 + rs) * np.exp(-rs)
    arg = np.maximum(-g / np.e, -1 / np.e)
    w = -1 - np.real(lambertw(arg, 0 if r > 0 else -1))
    return np.where(1 + rs <= 0, np.nan, w / r)


def default_etas(a: float, z: float, alpha: float | None = None) -> list[float]:
    """The documented default learning rates (module docstring)."""
    eta = 0.2 / a
    if z != 0:
        eta = min(eta, 0.5 / (a * abs(z)))
    if alpha:
        eta = min(eta, math.sqrt(abs(alpha) / (600 * a**4)))
    out = []
    for value in (eta, eta / 2):
        digits = 1 - math.floor(math.log10(value))
        rounded = math.floor(value * 10**digits) / 10**digits
        if rounded > 0 and rounded not in out:
            out.append(rounded)
    return out


@dataclass
class EtaAnalysis:
    eta: float
    s_c: Num  # threshold s (ball)
    P: Num  # flip coefficient at s_c (ball)
    k: Num
    limit: Num  # GAN-A-T4.3 limit sharpness (ball), meaningful when P > 0
    regime: str  # validity statement

    @property
    def t43_applies(self) -> bool:
        """P > 0, k > 0 and the delta gap k/(4P) small enough that r sigma_0 >> 1 is reachable."""
        return bool(self.P > 0 and self.k > 0 and self.k / (4 * self.P) <= MIRROR_GAP)

    @property
    def supercritical(self) -> bool:
        return bool(self.P > 0)

    @property
    def subcritical(self) -> bool:
        return bool(self.P < 0)


def analyse_eta(alpha: Num, a: Num, b: Num, z: Num, eta_value: float, eta_ball: Num) -> EtaAnalysis:
    """Threshold, P, k and the T4.3 limit at one learning rate (balls in, balls out)."""
    s_c = threshold_s(a, eta_ball)
    p = flip_p(alpha, a, b, z, eta_ball)
    k = k_coeff(a, z, eta_ball)
    lim = limit_sharpness(alpha, a, b, z, eta_ball)
    if not k > 0:
        regime = "invalid: s_c <= 2|z*| (no threshold crossing on the hyperbola; k <= 0); take a smaller eta"
    elif p > 0 and k / (4 * p) > MIRROR_GAP:
        regime = (
            f"mirror regime: k/(4P) = {float((k / (4 * p)).mid()):.3g} > {MIRROR_GAP}, so r sigma_0 << 1 "
            "for every small "
            "overshoot and GAN-A-T4.3 does not apply; GAN-A-NF predicts the final sharpness ~ (2 + sigma_f)/eta with "
            "sigma_f ~ -sigma_0 (the mirror of the start, e.g. square loss), not a fixed limit"
        )
    elif p > 0:
        regime = (
            f"valid for overshoots sigma_0 >> k/(4P) = {float((k / (4 * p)).mid()):.3g} "
            "(r sigma_0 >> 1, the delta gap), "
            "small sigma_0, D > 0; below that the Lambert-W prediction (GAN-A-NF) applies; " + T43_PROVENANCE
        )
    elif p < 0:
        regime = (
            f"subcritical (P < 0): divergence predicted once sigma_0 > k/(4|P|) = {float((k / (-4 * p)).mid()):.3g}; "
            "no final sharpness"
        )
    else:
        regime = "P encloses 0: the flip's criticality is undecided at this eta"
    return EtaAnalysis(eta_value, s_c, p, k, lim, regime)
