"""The loss-validation result, typed: verdicts are :class:`~checker.verdict.Verdict`, numbers stay arb balls,
and nothing becomes JSON until :meth:`LossValidation.to_json` (or claims, in :mod:`checker.lossval.claims`).

JSON keys the CLI promises (``--json``): ``headline`` (the two verdicts), ``cover`` (the certified
classification of the domain), per minimiser ``z`` and ``alpha`` as {"lo", "hi"} enclosures, ``verdict``,
``evidence`` and per eta ``eta``, ``P``, ``predicted_final_eta_sharpness``, ``runs``,
``converged_fraction``, ``final_eta_sharpness_median``, ``basin``. Everything else is detail for the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from checker.jsonable import jsonable
from checker.verdict import Enclosure, Evidence, EvidenceClass, Verdict

if TYPE_CHECKING:
    from checker.certify.stability import Stability
    from checker.lossval.basin import Basin
    from checker.lossval.cover import Cover, Piece
    from checker.lossval.family import FamilyResult
    from checker.lossval.finite_eta import EtaAnalysis
    from checker.lossval.simulation import SimulationEvidence


def enc(ball: Any) -> dict[str, str] | None:
    """An arb ball as outward-rounded decimal bounds (None for a non-finite ball)."""
    if ball is None or not ball.is_finite():
        return None
    return Enclosure.from_arb(ball, digits=20).to_json()


def _sign(x: Any) -> str:
    return "positive" if x > 0 else "negative" if x < 0 else "undecided"


@dataclass
class EtaResult:
    """One learning rate at one minimiser: the ball analysis, the simulation block, the measured basin."""

    analysis: EtaAnalysis
    simulation: SimulationEvidence | None = None
    basin: Basin | None = None

    @property
    def eta(self) -> float:
        return self.analysis.eta

    @property
    def predicted_final_sharpness(self) -> float | None:
        return float(self.analysis.limit.mid()) if self.analysis.t43_applies else None

    def to_json(self) -> dict[str, Any]:
        an, sim = self.analysis, self.simulation
        pred = self.predicted_final_sharpness
        sim_json = {} if sim is None else {**sim.__dict__, "verdict": sim.verdict.value}
        return {
            "eta": self.eta,
            "s_c": enc(an.s_c),
            "P": enc(an.P),
            "P_sign": _sign(an.P),
            "predicted_final_sharpness": pred,
            "predicted_final_eta_sharpness": None if pred is None else pred * self.eta,
            "predicted_final_sharpness_enclosure": enc(an.limit) if pred is not None else None,
            "prediction_provenance": "DERIVED (GAN-A-T4.3 replacement; printed form unread, O-1)",
            "regime": an.regime,
            "runs": 0 if sim is None else sim.runs,
            "converged_fraction": None if sim is None else sim.converged_fraction,
            "diverged_fraction": None if sim is None else sim.diverged_fraction,
            "oscillating_fraction": None if sim is None else sim.oscillating_fraction,
            "final_sharpness_median": None if sim is None else sim.final_sharpness_median,
            "final_eta_sharpness_median": None if sim is None else sim.final_eta_sharpness_median,
            "simulation": sim_json,
            "basin": None if self.basin is None else self.basin.to_json(),
        }


@dataclass
class MinimiserResult:
    """A minimiser from the cover and what is known about it.

    ``kind``: product-stable | not-product-stable | degenerate (alpha = 0 exactly) | undecided |
    degenerate-minimum (l'' = 0: the EoS theory does not apply). ``evidence`` is the guarded record.
    """

    index: int
    piece: Piece
    kind: str
    evidence: Evidence
    stability: Stability | None = None
    etas: list[EtaResult] = field(default_factory=list)
    bifurcation: dict[str, Any] | None = None

    @property
    def verdict(self) -> Verdict:
        return self.evidence.verdict

    @property
    def certified_stable(self) -> bool:
        return self.kind == "product-stable" and self.verdict is Verdict.CERTIFIED

    def location(self) -> str:
        if self.piece.kind == "exact-root":
            return exact_text(self.piece)
        st = self.stability
        if st is not None:
            return f"{float(st.box.mid()):.10g}"
        return f"[{float(self.piece.lo):.10g}, {float(self.piece.hi):.10g}]"

    def to_json(self) -> dict[str, Any]:
        st = self.stability
        out: dict[str, Any] = {
            "index": self.index,
            "z": enc(st.box) if st is not None else exact_box(self.piece),
            "z_exact": None if self.piece.value is None else exact_text(self.piece),
            "alpha": None if st is None else enc(st.alpha) if st.kind != "degenerate" else {"lo": "0", "hi": "0"},
            "verdict": self.kind,
            "evidence": self.verdict.value,
            "evidence_class": self.evidence.evidence_class.value,
            "reason": self.evidence.summary,
            "order": self.piece.order,
            "derivatives": None if st is None else {"l2": enc(st.a), "l3": enc(st.b), "l4": enc(st.c), "prec": st.prec},
            "etas": [e.to_json() for e in self.etas],
            "bifurcation": self.bifurcation,
            "certificates": self.evidence.certificates,
        }
        return out


def exact_text(piece: Piece) -> str:
    """An exact root as a reader can parse it: its closed form, or 'the root of POLY in [lo, hi]'."""
    from checker.lossval.cover import dec, readable

    text = readable(piece.value)
    if text is not None:
        return text
    return f"the root of {piece.poly} in [{dec(piece.lo)}, {dec(piece.hi)}] (~{float(piece.lo + piece.hi) / 2:.10g})"


def exact_box(piece: Piece) -> dict[str, str]:
    """A decimal enclosure of an exact root: the point itself when it is a short decimal, else its isolating
    interval (a radical or a root without closed form has no finite decimal)."""
    from checker.lossval.cover import dec

    v = piece.value
    if v is not None and v.is_Rational:
        try:
            d = dec(Fraction(int(v.p), int(v.q)))
            return {"lo": d, "hi": d}
        except ValueError:
            pass
    return {"lo": dec(piece.lo), "hi": dec(piece.hi)}


@dataclass
class Headline:
    """One of the two headline verdicts: what is claimed, how sure, and why."""

    statement: str
    verdict: Verdict
    evidence_class: EvidenceClass
    summary: str

    def to_json(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "verdict": self.verdict.value,
            "evidence_class": self.evidence_class.value,
            "summary": self.summary,
        }


@dataclass
class LossValidation:
    loss: dict[str, Any]
    cover: Cover
    minimisers: list[MinimiserResult]
    etas: list[float] = field(default_factory=list)
    sigma_range: tuple[float, float] = (0.01, 0.1)
    simulated: bool = False
    family: FamilyResult | None = None
    notes: list[str] = field(default_factory=list)

    # -- the two headline verdicts -------------------------------------------------------------------------
    def stability_headline(self) -> Headline:
        """Product-stability of l at its minimisers on the domain: PROVED/CERTIFIED or UNDECIDED."""
        lo, hi = (float(x) for x in self.cover.domain)
        dom = f"[{lo:g}, {hi:g}]"
        stmt = f"every minimiser of l in {dom} is product-stable (alpha_l(z*) > 0)"
        und = self.cover.undecided
        if und:
            where = "; ".join(f"[{float(p.lo):.6g}, {float(p.hi):.6g}]: {p.reason}" for p in und[:3])
            more = f" (and {len(und) - 3} more)" if len(und) > 3 else ""
            return Headline(stmt, Verdict.UNDECIDED, EvidenceClass.BALL, f"parts of {dom} are undecided: {where}{more}")
        if not self.minimisers:
            sign = self.cover.sign_everywhere()
            if sign is not None:
                way = "its right end" if sign == "negative" else "its left end"
                return Headline(
                    f"l has no minimiser in {dom}",
                    Verdict.CERTIFIED,
                    EvidenceClass.BALL,
                    f"NO MINIMISER: l' is {sign} on all of {dom} (certified): on the domain l decreases toward {way}",
                )
            n = len(self.cover.critical)
            return Headline(
                f"l has no minimiser in {dom}",
                Verdict.CERTIFIED,
                EvidenceClass.BALL,
                f"NO MINIMISER in {dom}: l' has {n} certified zero(s) there, none a minimum",
            )
        bad = [m for m in self.minimisers if not m.certified_stable]
        if not bad:
            return Headline(
                stmt,
                Verdict.CERTIFIED,
                EvidenceClass.BALL,
                f"all {len(self.minimisers)} minimiser(s) in {dom} are product-stable (alpha balls positive); "
                "the cover of the domain is complete",
            )
        worst = bad[0]
        rigorous = all(m.verdict in (Verdict.PROVED, Verdict.CERTIFIED) for m in bad)
        what = "; ".join(f"z* = {m.location()}: {MINIMISER_TEXT[m.kind]}" for m in bad)
        level = Verdict.PROVED if worst.verdict is Verdict.PROVED and rigorous else Verdict.CERTIFIED
        if not rigorous:
            return Headline(stmt, Verdict.UNDECIDED, EvidenceClass.BALL, what)
        cls = EvidenceClass.SYMBOLIC if level is Verdict.PROVED else EvidenceClass.BALL
        return Headline(
            f"not every minimiser of l in {dom} is product-stable",
            level,
            cls,
            f"NOT every minimiser is product-stable: {what}",
        )

    def convergence_headline(self) -> Headline | None:
        """GD convergence at the EoS from the simulated starts: CORROBORATED only if every run converged."""
        blocks = [(m, e) for m in self.minimisers for e in m.etas if e.simulation is not None]
        if not blocks:
            return None
        etas = sorted({e.eta for _, e in blocks})
        lo, hi = self.sigma_range
        stmt = (
            f"GD on l(xy) converges from every simulated start above the threshold: eta in "
            f"{{{', '.join(f'{x:g}' for x in etas)}}}, overshoot sigma_0 in [{lo:g}, {hi:g}] "
            "(GAN-A-T4.2, RECONSTRUCTED)"
        )
        runs = sum(e.simulation.runs for _, e in blocks if e.simulation is not None)
        div = sum(round(e.simulation.diverged_fraction * e.simulation.runs) for _, e in blocks if e.simulation)
        osc = sum(round(e.simulation.oscillating_fraction * e.simulation.runs) for _, e in blocks if e.simulation)
        verdicts = [e.simulation.verdict for _, e in blocks if e.simulation is not None]
        if all(v is Verdict.CORROBORATED for v in verdicts):
            return Headline(stmt, Verdict.CORROBORATED, EvidenceClass.FLOAT, f"all {runs} runs converged (float64)")
        text = f"{div} of {runs} runs diverged, {osc} did not settle within the step budget"
        if any(v is Verdict.REFUTED for v in verdicts):
            return Headline(stmt, Verdict.REFUTED, EvidenceClass.MPMATH, text + " (a divergence replayed in mpmath)")
        return Headline(stmt, Verdict.UNDECIDED, EvidenceClass.FLOAT, text)

    @property
    def exit_code(self) -> int:
        """0 iff the cover is complete, there is a minimiser, and every minimiser is CERTIFIED product-stable."""
        if not self.cover.complete or not self.minimisers:
            return 1
        return 0 if all(m.certified_stable for m in self.minimisers) else 1

    def to_json(self) -> dict[str, Any]:
        conv = self.convergence_headline()
        out: dict[str, Any] = jsonable(
            {
                "loss": self.loss,
                "domain": [float(x) for x in self.cover.domain],
                "prec": self.cover.prec,
                "headline": {
                    "product_stability": self.stability_headline().to_json(),
                    "convergence": None if conv is None else conv.to_json(),
                },
                "cover": self.cover.to_json(),
                "critical_points": [_critical(p) for p in self.cover.critical],
                "undecided_regions": [
                    {"lo": float(p.lo), "hi": float(p.hi), "reason": p.reason} for p in self.cover.undecided
                ],
                "minimizers": [m.to_json() for m in self.minimisers],
                "overshoot_range": list(self.sigma_range),
                "family": None if self.family is None else self.family.to_json(),
                "notes": self.notes,
                "exit_code": self.exit_code,
            }
        )
        return out


MINIMISER_TEXT = {
    "product-stable": "product-stable: alpha_l(z*) > 0 (supercritical flip at the EoS)",
    "not-product-stable": "NOT product-stable: alpha_l(z*) < 0 (subcritical flip: overshooting the threshold diverges)",
    "degenerate": "alpha_l(z*) = 0 exactly: the O(eta^2) terms of the flip coefficient P decide",
    "undecided": "UNDECIDED: the sign of alpha_l(z*) could not be decided (more --max-prec)",
    "degenerate-minimum": "degenerate minimum (l''(z*) = 0): 2/(eta l'') is infinite, the EoS theory does not apply",
}


def _critical(p: Piece) -> dict[str, Any]:
    return {"kind": p.type, "piece": p.kind, "lo": float(p.lo), "hi": float(p.hi), "order": p.order}
