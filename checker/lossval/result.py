"""The loss-validation result: one record per minimiser, per eta, and its JSON.

JSON keys the CLI promises (``--json``), per minimiser: ``z`` and ``alpha`` as {"lo", "hi"} enclosures,
``verdict``, ``evidence`` (PROVED / CERTIFIED / CORROBORATED / UNDECIDED) and per eta: ``eta``, ``P``
enclosure, ``predicted_final_eta_sharpness``, ``runs``, ``converged_fraction``,
``final_eta_sharpness_median``. Everything else is extra detail for the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from checker.verdict import Enclosure


def enc(ball: Any) -> dict[str, str] | None:
    """An arb ball as outward-rounded decimal bounds (None for a non-finite ball)."""
    if ball is None or not ball.is_finite():
        return None
    return Enclosure.from_arb(ball, digits=20).to_json()


@dataclass
class EtaResult:
    eta: float
    s_c: dict[str, str] | None
    P: dict[str, str] | None
    P_sign: str  # positive (supercritical) | negative (subcritical) | undecided
    predicted_final_sharpness: float | None  # GAN-A-T4.3 limit (None if P <= 0)
    predicted_final_sharpness_enclosure: dict[str, str] | None
    regime: str
    simulation: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        sim = self.simulation
        pred = self.predicted_final_sharpness
        return {
            "eta": self.eta,
            "s_c": self.s_c,
            "P": self.P,
            "P_sign": self.P_sign,
            "predicted_final_sharpness": pred,
            "predicted_final_eta_sharpness": None if pred is None else pred * self.eta,
            "predicted_final_sharpness_enclosure": self.predicted_final_sharpness_enclosure,
            "prediction_provenance": "DERIVED (GAN-A-T4.3 replacement; printed form unread, O-1)",
            "regime": self.regime,
            "runs": sim.get("runs", 0),
            "converged_fraction": sim.get("converged_fraction"),
            "diverged_fraction": sim.get("diverged_fraction"),
            "oscillating_fraction": sim.get("oscillating_fraction"),
            "final_sharpness_median": sim.get("final_sharpness_median"),
            "final_eta_sharpness_median": sim.get("final_eta_sharpness_median"),
            "simulation": sim,
        }


@dataclass
class MinimizerResult:
    index: int
    z: dict[str, str] | None
    alpha: dict[str, str] | None
    verdict: str  # product-stable | not-product-stable | degenerate | undecided
    evidence: str  # PROVED | CERTIFIED | CORROBORATED | UNDECIDED
    reason: str
    derivatives: dict[str, Any]
    etas: list[EtaResult] = field(default_factory=list)
    bifurcation: dict[str, Any] | None = None
    certificates: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "z": self.z,
            "alpha": self.alpha,
            "verdict": self.verdict,
            "evidence": self.evidence,
            "reason": self.reason,
            "derivatives": self.derivatives,
            "etas": [e.to_json() for e in self.etas],
            "bifurcation": self.bifurcation,
            "certificates": self.certificates,
        }


@dataclass
class LossValidation:
    loss: dict[str, Any]
    domain: tuple[float, float]
    prec: int
    critical_points: list[dict[str, Any]]
    undecided_regions: list[dict[str, Any]]
    kinks: list[dict[str, Any]]
    minimizers: list[MinimizerResult]
    no_minimizer_reason: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 iff at least one minimiser and every one product-stable."""
        if not self.minimizers:
            return 1
        return 0 if all(m.verdict == "product-stable" for m in self.minimizers) else 1

    def to_json(self) -> dict[str, Any]:
        return {
            "loss": self.loss,
            "domain": list(self.domain),
            "prec": self.prec,
            "critical_points": self.critical_points,
            "undecided_regions": self.undecided_regions,
            "kinks": self.kinks,
            "no_minimizer_reason": self.no_minimizer_reason,
            "minimizers": [m.to_json() for m in self.minimizers],
            "notes": self.notes,
            "exit_code": self.exit_code,
        }
