"""The flip normal form of GD on l(xy) at a minimiser: P, k, the return map and the final sharpness.

Formulas (all DERIVED):

* GAN-A-FLIP: P = p^2 + q = alpha/(3a^2) + 8 b z*/(a s*^2) + 32 z*^2/s*^4 with alpha = 3b^2 - a c
  (a, b, c = l'', l''', l'''' at z*); at s* = s_c = 2/(eta a) this is
  P = alpha/(3a^2) + 2 a b z* eta^2 + 2 a^4 z*^2 eta^4. P > 0: supercritical flip (stable 2-cycle).
* GAN-A-NF: k = 4 eta^2 a^2 (1 - eta^2 a^2 z*^2), r = 4P/k; from overshoot sigma_0 the orbit returns at
  sigma_f with (1 + r sigma_f) e^{-r sigma_f} = (1 + r sigma_0) e^{-r sigma_0} (Lambert W).
* GAN-A-T4.3 (DERIVED replacement; the printed form is unread): for r sigma_0 >> 1,
  lambda_inf = 2/eta - 3 eta a^4 (1 - eta^2 a^2 z*^2)/(alpha + 6 a^3 b z* eta^2 + 6 a^6 z*^2 eta^4).

Every function except the Lambert-W ones is plain arithmetic, so it runs on arb balls (certified
enclosures), mpmath numbers and floats alike.
"""

from __future__ import annotations

from typing import Any

import mpmath

from checker.backends.ops import Num
from checker.models.product.dynamics import threshold_s

__all__ = [
    "alpha_of",
    "flip_coefficient",
    "flip_p",
    "flip_p_at_imbalance",
    "flip_p_at_s",
    "k_coeff",
    "limit_sharpness",
    "nf_constants",
    "nf_final_sharpness",
    "nf_final_sharpness_at",
    "nf_final_sigma",
    "nf_final_sigma_array",
    "threshold_s",
]


def alpha_of(a: Num, b: Num, c: Num) -> Any:
    """Product-stability alpha = 3 l'''^2 - l'' l'''' at the minimiser (a, b, c = l'', l''', l'''')."""
    return 3 * b**2 - a * c


def flip_coefficient(alpha: Num, a: Num, b: Num, z: Num, s2: Num, b_coefficient: Num = 8) -> Any:
    """P = p^2 + q at s*^2 = ``s2`` (GAN-A-FLIP, general form; ``b_coefficient`` is the statement's 8).

    Takes s*^2 rather than s* because the frozen-D callers know D = s*^2 - 4 z*^2 exactly, not s*.
    """
    return alpha / (3 * a**2) + b_coefficient * b * z / (a * s2) + 32 * z**2 / s2**2


def flip_p_at_s(alpha: Num, a: Num, b: Num, z: Num, s: Num) -> Any:
    """P at s* = ``s`` (GAN-A-FLIP, general form)."""
    return flip_coefficient(alpha, a, b, z, s * s)


def flip_p_at_imbalance(a: float, b: float, c: float, z: float, d: float) -> float:
    """P at the frozen imbalance D = (x^2 - y^2)^2, i.e. s*^2 = 4 z*^2 + D; a, b, c as in alpha_of."""
    return float(flip_coefficient(alpha_of(a, b, c), a, b, z, 4 * z**2 + d))


def flip_p(alpha: Num, a: Num, b: Num, z: Num, eta: Num) -> Any:
    """P at s* = s_c = 2/(eta a) (GAN-A-FLIP): alpha/(3a^2) + 2 a b z* eta^2 + 2 a^4 z*^2 eta^4."""
    return alpha / (3 * a * a) + 2 * a * b * z * eta**2 + 2 * a**4 * z * z * eta**4


def k_coeff(a: Num, z: Num, eta: Num) -> Any:
    """k = 4 eta^2 a^2 (1 - eta^2 a^2 z*^2): the drift of sigma per pair of steps (GAN-A-NF)."""
    return 4 * eta**2 * a**2 * (1 - eta**2 * a**2 * z * z)


def limit_sharpness(alpha: Num, a: Num, b: Num, z: Num, eta: Num) -> Any:
    """lambda_inf = 2/eta - k/(4 P eta), GAN-A-T4.3 (DERIVED), valid for r sigma_0 >> 1 and P > 0."""
    gap = 3 * eta * a**4 * (1 - eta**2 * a**2 * z * z) / (alpha + 6 * a**3 * b * z * eta**2 + 6 * a**6 * z * z * eta**4)
    return 2 / eta - gap


def nf_constants(a: float, b: float, c: float, z: float, eta: float) -> tuple[float, float]:
    """(P, k) of GAN-A-FLIP / GAN-A-NF at the threshold s_c = 2/(eta a), in floats.

    P is evaluated at the frozen D = s_c^2 - 4 z*^2 of the start, i.e. at s*^2 = 4 z*^2 + D.
    """
    sc = threshold_s(a, eta)
    d = sc**2 - 4 * z**2
    return flip_coefficient(alpha_of(a, b, c), a, b, z, 4 * z**2 + d), k_coeff(a, z, eta)


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


def nf_final_sharpness(p: float, k: float, eta: float, sigma0: float) -> float | None:
    """(2 + sigma_f)/eta, the final sharpness GAN-A-NF predicts; None if the orbit does not return (divergence)."""
    sigma_f = nf_final_sigma(p, k, sigma0)
    return None if sigma_f is None else (2 + sigma_f) / eta


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


def nf_final_sharpness_at(a: float, b: float, c: float, z: float, eta: float, sigma0: float) -> float | None:
    """The final sharpness GAN-A-NF predicts from overshoot sigma0, from the derivatives a, b, c (as in alpha_of)
    at z* = z (None: divergence): nf_constants then nf_final_sharpness, for callers holding a loss's derivatives.
    """
    p, k = nf_constants(a, b, c, z, eta)
    return nf_final_sharpness(p, k, eta, sigma0)
