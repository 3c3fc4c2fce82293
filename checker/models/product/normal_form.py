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
    """Vectorised :func:`nf_final_sigma` in float64; NaN where no return.

    A float prediction to compare float simulations with (never a certificate); agrees with the mpmath
    version to ~1e-8 relative in sigma_f, sqrt(eps) near the branch point (r sigma_0 -> 0).
    """
    import numpy as np

    sigma0 = np.asarray(sigma0, dtype=float)
    if p == 0 or k <= 0:
        return -sigma0
    r = 4 * p / k
    rs = r * sigma0
    g = (1 + rs) * np.exp(-rs)
    arg = np.maximum(-g / np.e, -1 / np.e)
    w = -1 - _lambert_w_real(arg, 0 if r > 0 else -1)
    return np.where(1 + rs <= 0, np.nan, w / r)


# W(x) = -1 + p - p^2/3 + 11 p^3/72 - ... with p = sqrt(2 (e x + 1)) (branch 0; branch -1: -p), Corless et al. 1996
_BRANCH_POINT_SERIES = (-1.0, 1.0, -1.0 / 3.0, 11.0 / 72.0, -43.0 / 540.0, 769.0 / 17280.0, -221.0 / 8505.0)


def _lambert_w_real(x: Any, branch: int) -> Any:
    """Real Lambert W on [-1/e, 0), branch 0 or -1, in numpy float64: Halley's iteration as scipy.special's
    (same update, same stopping rule |w_new - w| <= 1e-8 |w_new|), from the branch-point series near -1/e.

    Why not scipy.special.lambertw: importing scipy.special costs ~0.2 s, a tenth of a cold ``eoscheck loss``,
    for this one function. Agrees with scipy's to a few ulps away from the branch point (tested), where both
    lose accuracy like sqrt(eps); at x = -1/e exactly this gives -1 where scipy gives NaN.
    """
    import numpy as np

    shape = np.shape(x)
    x = np.asarray(x, dtype=float).reshape(-1)  # 1-D inside: a scalar (0-d) input cannot be indexed by `active`
    with np.errstate(all="ignore"):  # outside [-1/e, 0) the value is not used (callers mask it)
        p = (1.0 if branch == 0 else -1.0) * np.sqrt(np.maximum(2.0 * (np.e * x + 1.0), 0.0))
        near = np.abs(x + np.exp(-1.0)) < 0.3
        # branch 0: W(x) = x - x^2 + ... for |x| < 0.07; branch -1: its asymptotic start as x -> 0-
        far = x if branch == 0 else np.log(-x) - np.log(-np.log(-x))
        w = np.where(near, np.polynomial.polynomial.polyval(p, _BRANCH_POINT_SERIES), far)
        active = np.flatnonzero(np.isfinite(x) & (x != 0))
        for _ in range(100):
            if active.size == 0:
                break
            wa, xa = w[active], x[active]
            ew = np.exp(wa)
            wew = wa * ew
            wewz = wew - xa
            wn = wa - wewz / (wew + ew - (wa + 2.0) * wewz / (2.0 * wa + 2.0))
            ok = np.isfinite(wn)  # at the branch point itself the step is 0/0: keep the series value (-1)
            w[active[ok]] = wn[ok]
            active = active[ok & (np.abs(wn - wa) > 1e-8 * np.abs(wn))]
    return w.reshape(shape)


def nf_final_sharpness_at(a: float, b: float, c: float, z: float, eta: float, sigma0: float) -> float | None:
    """The final sharpness GAN-A-NF predicts from overshoot sigma0, from the derivatives a, b, c (as in alpha_of)
    at z* = z (None: divergence): nf_constants then nf_final_sharpness, for callers holding a loss's derivatives.
    """
    p, k = nf_constants(a, b, c, z, eta)
    return nf_final_sharpness(p, k, eta, sigma0)
