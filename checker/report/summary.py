"""The compliance summary at the top of every report: verdict counts and what rests on RECONSTRUCTED text.

Computed from the claims' JSON (not from Python objects) so renderers and the writer agree exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

VERDICT_ORDER = ("PROVED", "CERTIFIED", "CORROBORATED", "UNDECIDED", "REFUTED")
RIGOROUS = ("PROVED", "CERTIFIED")


def compliance_summary(claims: Sequence[dict[str, Any]]) -> dict[str, Any]:
    counts = dict.fromkeys(VERDICT_ORDER, 0)
    for c in claims:
        counts[c["verdict"]] += 1
    return {
        "total": len(claims),
        "counts": counts,
        "passed": counts["REFUTED"] == 0,
        "refuted": [c["id"] for c in claims if c["verdict"] == "REFUTED"],
        "undecided": [c["id"] for c in claims if c["verdict"] == "UNDECIDED"],
        "reconstructed": [
            {"id": c["id"], "open_points": list(c.get("open_points", []))} for c in claims if c.get("reconstructed")
        ],
        "certificates": sum(len(c["evidence"]["certificates"]) for c in claims if c["verdict"] in RIGOROUS),
    }


def one_line(summary: dict[str, Any]) -> str:
    """E.g. '5 claims: 1 PROVED, 2 CERTIFIED, 2 CORROBORATED, 0 UNDECIDED, 0 REFUTED; 1 RECONSTRUCTED'."""
    counts = ", ".join(f"{summary['counts'][v]} {v}" for v in VERDICT_ORDER)
    recon = len(summary["reconstructed"])
    noun = "claim" if summary["total"] == 1 else "claims"
    return f"{summary['total']} {noun}: {counts}; {recon} resting on RECONSTRUCTED statements"
