"""Re-check a stored counterexample directly: no search, no shrinking, just the property's check (and its
independent recheck) on the parameters a report recorded.

Why: a refutation in a report is a claim about one instance. Whoever reads the report should be able to
re-decide that instance in seconds, with today's code, without re-running the Hypothesis search that found
it (which may take minutes and, with changed code, may not draw the same example again).

The parameters are taken from the claim's counterexample (REFUTED) or its unconfirmed counterexample
(UNDECIDED after a float refutation the recheck did not confirm). Values a report stores as text (exact
rationals such as "163/98") are converted back by the check's annotations (Fraction, float, int, str).
"""

from __future__ import annotations

import inspect
import typing
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from checker.errors import UserInputError
from checker.property import OutsideHypotheses, Property
from checker.verdict import RIGOROUS_CLASSES, Evidence, Verdict


@dataclass(frozen=True)
class Replay:
    """The outcome: the check's evidence, the recheck's (None if the property has none or the check held),
    and the final verdict by the runner's rule (a float refutation stands only if the recheck confirms)."""

    claim: str
    params: dict[str, Any]
    check: Evidence | None
    recheck: Evidence | None
    verdict: Verdict
    reason: str


def stored_counterexample(doc: dict[str, Any], claim: str) -> dict[str, Any]:
    """The counterexample a report stores for ``claim``; UserInputError when there is none."""
    matches = [c for c in doc.get("claims", []) if c.get("id") == claim]
    if not matches:
        ids = ", ".join(c.get("id", "?") for c in doc.get("claims", [])) or "none"
        raise UserInputError(f"claim {claim} is not in this report (claims: {ids})")
    ev = matches[0]["evidence"]
    found = ev.get("counterexample") or (ev.get("numbers") or {}).get("unconfirmed_counterexample")
    if not found:
        raise UserInputError(
            f"claim {claim} has no stored counterexample (verdict {matches[0].get('verdict')}): nothing to replay"
        )
    return dict(found)


def find_property(claim: str, command: list[str]) -> Property:
    """The property by id: the built-in catalogue first, then any .py file named in the recorded command."""
    from checker import registry

    for prop in registry.catalogue():
        if prop.id == claim:
            return prop
    for arg in command:
        if arg.endswith(".py") and Path(arg).is_file():
            for prop in registry.load_file(arg):
                if prop.id == claim:
                    return prop
    raise UserInputError(f"no property {claim} in the catalogue or in the files the report's command names")


def _convert(value: Any, annotation: Any) -> Any:
    name = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))
    if value is None:
        return None
    if "Fraction" in name:
        return Fraction(str(value))
    if name == "float":
        return float(Fraction(str(value))) if isinstance(value, str) else float(value)
    if name == "int":
        return int(value)
    return value


def arguments(prop: Property, stored: dict[str, Any]) -> dict[str, Any]:
    """The stored values the check takes, converted by its annotations (extra keys such as 'claim' dropped)."""
    sig = inspect.signature(prop.check)
    try:
        hints = typing.get_type_hints(prop.check)
    except Exception:  # unresolvable string annotations: fall back to the raw text
        hints = {}
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in sig.parameters.values()):
        return dict(stored)
    out: dict[str, Any] = {}
    for name, param in sig.parameters.items():
        if name not in stored:
            if param.default is inspect.Parameter.empty:
                raise UserInputError(f"the stored counterexample has no value for {name}: it cannot be replayed")
            continue
        out[name] = _convert(stored[name], hints.get(name, param.annotation))
    return out


def replay(prop: Property, stored: dict[str, Any]) -> Replay:
    """Run the check (and, for a refutation, the recheck) on the stored parameters."""
    params = arguments(prop, stored) if prop.strategy is not None else {}
    try:
        ev = prop.check(**params)
    except OutsideHypotheses:
        return Replay(prop.id, params, None, None, Verdict.UNDECIDED, "outside the statement's hypotheses")
    if ev.verdict is not Verdict.REFUTED:
        return Replay(prop.id, params, ev, None, ev.verdict, "the check does not refute this instance")
    if prop.recheck is None:
        if ev.evidence_class in RIGOROUS_CLASSES:
            return Replay(prop.id, params, ev, None, Verdict.REFUTED, "refuted by exact/ball evidence")
        return Replay(prop.id, params, ev, None, Verdict.UNDECIDED, "float refutation and no recheck")
    try:
        again = prop.recheck(**params)
    except OutsideHypotheses:
        return Replay(prop.id, params, ev, None, Verdict.UNDECIDED, "the recheck finds it outside the hypotheses")
    if again.verdict is Verdict.REFUTED:
        return Replay(prop.id, params, ev, again, Verdict.REFUTED, "confirmed by the independent recheck")
    return Replay(prop.id, params, ev, again, Verdict.UNDECIDED, "the recheck does not confirm it")
