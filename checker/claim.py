"""Results of running properties: what the runner hands to reports (and nothing recomputes later).

``ClaimResult.to_json`` / ``RunRecord.to_json`` produce the report document's ``claims`` entries and
envelope; reports/schema/ holds the JSON Schema they must validate against.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from checker.formal import formal_for
from checker.jsonable import jsonable as jsonable  # re-exported: callers import it from here
from checker.property import Property
from checker.verdict import Evidence, Provenance, Verdict


@dataclass
class HypothesisStats:
    examples: int = 0
    invalid: int = 0
    best_target: float | None = None  # the worst (smallest) margin found: the report shows it
    seed: int | None = None
    replay: str | None = None  # @reproduce_failure blob / shrunk example for a refutation


@dataclass
class ClaimResult:
    prop: Property
    verdict: Verdict
    evidence: Evidence  # the decisive evidence (the counterexample's, or the worst-margin example's)
    stats: HypothesisStats = field(default_factory=HypothesisStats)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        p, e = self.prop, self.evidence
        return {
            "id": p.id,
            "title": p.title,
            "statement": p.statement,
            "hypotheses": p.hypotheses,
            "source": {"paper": p.source.paper, "arxiv": p.source.arxiv, "ref": p.source.ref},
            "provenance": [Provenance(x).value for x in p.provenance],
            "reconstructed": p.reconstructed,
            "open_points": list(p.open_points),
            "verdict": self.verdict.value,
            "evidence": {
                "class": e.evidence_class.value,
                "summary": e.summary,
                "precision": e.precision,
                "margin": jsonable(e.margin),
                "numbers": jsonable(e.numbers),
                "certificates": jsonable(e.certificates),
                "series": jsonable(e.series),
                "counterexample": jsonable(e.counterexample),
                "informative": [k for k in e.informative if k in e.numbers],
            },
            "formal": formal_for(p, jsonable(e.certificates)),
            "hypothesis": jsonable(self.stats.__dict__),
            "seconds": round(self.seconds, 3),
            "notes": list(self.notes),
        }


@dataclass
class RunRecord:
    """One invocation's results: what checker/report writes as a versioned JSON document.

    ``kind`` is "run" (property suite) or "loss" (loss validation; its full result sits in ``extra``).
    Environment capture, schema version and atomic writing are the report writer's business.
    """

    kind: str
    command: list[str]
    profile: str
    seed: int | None
    started: str  # ISO 8601, UTC
    seconds: float
    claims: list[ClaimResult] = field(default_factory=list)
    code_hash: str = ""  # sha256 over the property modules that ran
    extra: dict[str, Any] = field(default_factory=dict)
