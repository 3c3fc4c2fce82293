"""One claim described for a reader: what ``eoscheck show ID`` prints and docs/catalogue.md contains.

Everything is read off the Property and the runner's rules (which verdicts the runner can give it), plus the
hand-written notes of checker/catalogue/notes.py (method, limits, and the kinds of evidence the verdict rests
on: reading those off the code proved unreliable once evidence is built by shared helpers).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from checker.catalogue.notes import NOTES
from checker.catalogue.open_points import OPEN_POINTS
from checker.profiles import PROFILES, examples_for
from checker.property import Property, is_class_proof
from checker.verdict import EvidenceClass, Verdict

_ARITHMETIC = {
    EvidenceClass.SYMBOLIC: "sympy / exact rationals",
    EvidenceClass.BALL: "python-flint ball arithmetic",
    EvidenceClass.MPMATH: "mpmath (high precision, not rigorous)",
    EvidenceClass.FLOAT: "float64 (numpy / JAX)",
}


@dataclass(frozen=True)
class Description:
    prop: Property
    method: str
    drawn: str  # what is drawn and how many examples per profile
    strategy: str  # the strategy's repr ("" for a deterministic check): shown by `eoscheck show`, not in the docs
    verdicts: list[tuple[str, str]]  # (verdict, when)
    limits: list[str]


def evidence_classes(prop: Property) -> list[EvidenceClass]:
    """The kinds of evidence the claim's verdict rests on, as recorded in its notes ([] if it has none)."""
    note = NOTES.get(prop.id)
    return [c for c in EvidenceClass if note is not None and c in note.arithmetic]


def reachable_verdicts(prop: Property) -> list[tuple[str, str]]:
    """Which verdicts the runner can give this claim, and when: the runner's rules applied to its definition
    (drawn or deterministic, marked as a class proof or not, with or without a recheck) and its evidence kinds.
    Without notes the evidence kinds are unknown, and the answer says what each verdict would need."""
    classes = set(evidence_classes(prop))
    known = bool(classes)
    rigorous = classes & {EvidenceClass.SYMBOLIC, EvidenceClass.BALL}
    out: list[tuple[str, str]] = []
    whole_class = prop.strategy is None or is_class_proof(prop.check)
    if whole_class and (EvidenceClass.SYMBOLIC in classes or not known):
        out.append((Verdict.PROVED.value, "its sympy proof covers the whole stated class"))
    if prop.strategy is not None and (rigorous or not known):
        # a class statement checked rigorously on drawn instances: "N of N drawn instances certified"
        out.append((Verdict.CORROBORATED.value, "every drawn instance is certified in exact or ball arithmetic"))
    elif prop.strategy is None and EvidenceClass.BALL in classes:
        out.append((Verdict.CERTIFIED.value, "ball arithmetic decides its one named instance"))
    if classes & {EvidenceClass.FLOAT, EvidenceClass.MPMATH} or not known:
        out.append((Verdict.CORROBORATED.value, "no counterexample among the drawn instances (float or mpmath)"))
    if prop.recheck is not None:
        out.append((Verdict.REFUTED.value, "a counterexample that its independent high-precision recheck confirms"))
    elif rigorous or not known:
        out.append((Verdict.REFUTED.value, "a counterexample in exact or ball arithmetic"))
    out.append((Verdict.UNDECIDED.value, "the evidence cannot decide, or a float counterexample is not confirmed"))
    return out


def describe(prop: Property) -> Description:
    note = NOTES.get(prop.id)
    method = note.method if note is not None else "No description of the method is recorded for this claim."
    if prop.strategy is None:
        drawn = "one deterministic check (nothing is drawn)"
    else:
        counts = ", ".join(f"{name} {examples_for(prop, profile)}" for name, profile in PROFILES.items())
        params = inspect.signature(prop.check).parameters.values()
        names = ", ".join(q.name for q in params if q.default is inspect.Parameter.empty) or "none"
        drawn = f"parameters drawn by Hypothesis: {names}; examples per profile: {counts}"
    classes = evidence_classes(prop)
    if classes:
        drawn += "; arithmetic: " + ", ".join(_ARITHMETIC[c] for c in classes)
    if prop.recheck is not None:
        drawn += "; a counterexample is re-checked by an independent decision (see the method) before it counts"
    limits = []
    if prop.reconstructed:
        limits.append(
            "RECONSTRUCTED: part of the statement is a plausible form of a result whose printed wording was not "
            "available; a verdict is about this form, not the printed theorem."
        )
    if note is not None and note.limits:
        limits.append(note.limits)
    if prop.strategy is not None and not is_class_proof(prop.check) and not limits:
        limits.append("Checked on drawn instances: a pass is evidence for those instances, not a proof.")
    strategy = "" if prop.strategy is None else _short(repr(prop.strategy))
    return Description(prop, method, drawn, strategy, reachable_verdicts(prop), limits)


def _short(text: str, limit: int = 400) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def open_point_lines(ids: tuple[str, ...] | list[str]) -> list[tuple[str, str, str, str]]:
    """(id, title, unknown, consequence) for each open point; unknown ids say so instead of failing."""
    out = []
    for point in ids:
        p = OPEN_POINTS.get(point)
        if p is None:
            out.append((point, "not a documented open point", "", ""))
        else:
            out.append((p.id, p.title, p.unknown, p.consequence))
    return out
