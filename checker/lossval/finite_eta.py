"""Finite-eta analysis at a certified minimiser: threshold, flip coefficient P, predicted final sharpness.

Formulas (all DERIVED):

* GAN-A-FIX: s_c = 2/(eta a), the flip of the normal multiplier 1 - eta a s.
* GAN-A-FLIP: P(s*) = alpha/(3a^2) + 8 b z*/(a s*^2) + 32 z*^2/s*^4; at s* = s_c this is
  P = alpha/(3a^2) + 2 a b z* eta^2 + 2 a^4 z*^2 eta^4. P > 0: supercritical flip (stable 2-cycle).
* GAN-A-NF: k = 4 eta^2 a^2 (1 - eta^2 a^2 z*^2), r = 4P/k; from overshoot sigma_0 the orbit returns at
  sigma_f with (1 + r sigma_f) e^{-r sigma_f} = (1 + r sigma_0) e^{-r sigma_0} (Lambert W).
* GAN-A-T4.3 (DERIVED replacement; the printed form is unread, O-1): for r sigma_0 >> 1,
  lambda_inf = 2/eta - 3 eta a^4 (1 - eta^2 a^2 z*^2)/(alpha + 6 a^3 b z* eta^2 + 6 a^6 z*^2 eta^4).

The formulas themselves live with the product model (checker.models.product.normal_form, re-exported here);
this module applies them to a certified minimiser: the default learning rates and the per-eta analysis.

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
import sys
from dataclasses import dataclass
from typing import Any

from checker.backends.ops import Num
from checker.models.product.normal_form import (
    flip_p,
    flip_p_at_s,
    k_coeff,
    limit_sharpness,
    nf_final_sigma,
    nf_final_sigma_array,
    threshold_s,
)

__all__ = [
    "EtaAnalysis",
    "analyse_eta",
    "default_etas",
    "flip_p",
    "flip_p_at_s",
    "k_coeff",
    "limit_sharpness",
    "nf_final_sigma",
    "nf_final_sigma_array",
    "threshold_s",
]
MIRROR_GAP = 0.1  # k/(4P) above this: T4.3's r sigma_0 >> 1 needs overshoots beyond the small-sigma regime
T43_PROVENANCE = "DERIVED (GAN-A-T4.3 replacement; the paper's printed form is unread, O-1)"


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


def p_float(p: Any) -> float:
    """P's midpoint as a double for the float work (simulation predictions, the 2-cycle diagram).

    0.0 where |P| is below the double range although its ball may exclude 0 (a loss rescaled by 1e-170 in z
    has P ~ 1e-341): the 2-cycle amplitude sqrt(sigma/P) is then beyond every double, and GAN-A-NF's
    prediction is its P -> 0 limit sigma_f = -sigma_0, which is what 0.0 gives.
    """
    value = float(p.mid())
    return value if not math.isfinite(value) or abs(value) >= sys.float_info.min else 0.0


@dataclass
class EtaAnalysis:
    eta: float
    s_c: Any  # threshold s (ball)
    P: Any  # flip coefficient at s_c (ball)
    k: Any
    limit: Any  # GAN-A-T4.3 limit sharpness (ball), meaningful when P > 0
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
            f"mirror regime: k/(4P) = {_short(k / (4 * p))} > {MIRROR_GAP}, so r sigma_0 << 1 "
            "for every small "
            "overshoot and GAN-A-T4.3 does not apply; GAN-A-NF predicts the final sharpness ~ (2 + sigma_f)/eta with "
            "sigma_f ~ -sigma_0 (the mirror of the start, e.g. square loss), not a fixed limit"
        )
    elif p > 0:
        regime = (
            f"valid for overshoots sigma_0 >> k/(4P) = {_short(k / (4 * p))} "
            "(r sigma_0 >> 1, the delta gap), "
            "small sigma_0, D > 0; below that the Lambert-W prediction (GAN-A-NF) applies; " + T43_PROVENANCE
        )
    elif p < 0:
        regime = (
            f"subcritical (P < 0): divergence predicted once sigma_0 > k/(4|P|) = {_short(k / (-4 * p))}; "
            "no final sharpness"
        )
    elif p.is_exact() and p == 0:
        regime = (
            "P = 0 exactly: the non-generic flip; the theory's hypothesis P != 0 fails at this eta, so neither a "
            "2-cycle nor a final sharpness is predicted (higher-order terms decide)"
        )
    else:
        regime = (
            "P encloses 0: the flip's criticality is undecided at this eta (the theory needs P != 0; more --prec may "
            "decide its sign, or P = 0 here, the non-generic case)"
        )
    if (p > 0 or p < 0) and p_float(p) == 0.0:
        regime += (
            f"; |P| < {sys.float_info.min:.3g} is below the double range: no 2-cycle diagram, and the simulations are "
            "compared with the P -> 0 limit of GAN-A-NF"
        )
    return EtaAnalysis(eta_value, s_c, p, k, lim, regime)


def _short(ball: Any) -> str:
    """A ball's midpoint in 3 digits, also beyond the double range (k/(4P) is ~1e340 when P is ~1e-341)."""
    value = float(ball.mid())
    return (
        f"{value:.3g}"
        if math.isfinite(value) and (value == 0 or abs(value) >= sys.float_info.min)
        else ball.mid().str(3, radius=False)
    )
