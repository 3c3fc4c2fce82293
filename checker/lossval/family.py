"""Product-stability over a whole parameter interval: ``eoscheck loss EXPR --param p=LO..HI``.

Interval branch-and-bound on (z, p): each parameter box is decided by :mod:`checker.lossval.family_box`
(parametric Krawczyk inclusions of the critical points, signs of l' elsewhere, alpha's sign at each
minimiser). An undecided box is split; at the minimum width it stays undecided, and an undecided stretch
between a stable and a not-stable stretch is reported as the enclosure of a crossing (alpha = 0 inside).
Neighbouring boxes of one status are then re-decided as one box where that still succeeds (fewer boxes to
store and re-check). Every box is stored in one ``loss-family`` certificate (format in the README) that
``eoscheck verify`` re-checks from the loss text alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from checker import series
from checker.claim import ClaimResult, jsonable
from checker.errors import UserInputError
from checker.loss import parse_parameter
from checker.lossval.cover import dec, split_point
from checker.lossval.family_box import ALPHA_SPLIT, ALPHA_STRADDLES, Box, PBox, decide_box, family_fns
from checker.parse import parse_expression
from checker.property import Property
from checker.verdict import Evidence, EvidenceClass, Verdict

MIN_BOXES = 2**-10  # boxes narrower than this fraction of the interval are not split further
MAX_BOXES = 400
MIN_BOXES_2D = 2**-6  # per side, relative to the parameter's range
MAX_BOXES_2D = 1200
CERTIFICATE_KIND = "loss-family"

STATUS_TEXT = {
    "stable": "PROVED product-stable",
    "not-stable": "PROVED NOT product-stable",
    "no-minimiser": "PROVED: no minimiser in the domain",
    "undecided": "UNDECIDED",
}


@dataclass
class FamilyResult:
    """The decided boxes of a family in one parameter (stretches of an interval) or two (regions of a
    rectangle); ``names``/``ranges`` list the parameters in order."""

    text: str
    fixed: dict[str, str]
    names: list[str]
    ranges: list[tuple[Fraction, Fraction]]
    domain: tuple[Fraction, Fraction]
    boxes: list[Box]
    prec: int = 128

    @property
    def name(self) -> str:
        return ", ".join(self.names)

    @property
    def interval(self) -> tuple[Fraction, Fraction]:
        return self.ranges[0]

    @property
    def two(self) -> bool:
        return len(self.names) == 2

    def where(self) -> str:
        return " x ".join(
            f"{n} in [{float(a):g}, {float(b):g}]" for n, (a, b) in zip(self.names, self.ranges, strict=True)
        )

    def areas(self) -> dict[str, Fraction]:
        """The measure (length or area) of the boxes of each status: exact, as the boxes have decimal sides."""
        out = dict.fromkeys(STATUS_TEXT, Fraction(0))
        for b in self.boxes:
            v = Fraction(1)
            for lo, hi in b.at:
                v *= hi - lo
            out[b.status] += v
        return out

    def regions(self) -> dict[str, dict[str, Any]]:
        whole = Fraction(1)
        for lo, hi in self.ranges:
            whole *= hi - lo
        return {k: {"area": dec(v), "fraction": float(v / whole)} for k, v in self.areas().items()}

    def stretches(self) -> list[dict[str, Any]]:
        """Neighbouring boxes of one status joined; an undecided stretch between stable and not-stable is a
        crossing enclosure."""
        out: list[dict[str, Any]] = []
        for b in self.boxes:
            (lo, hi), status = b.at[0], b.status
            if out and out[-1]["status"] == status and out[-1]["hi"] == lo:
                out[-1]["hi"] = hi
            else:
                out.append({"lo": lo, "hi": hi, "status": status, "reason": b.reason})
        for i, s in enumerate(out):
            if s["status"] == "undecided":
                sides = {out[j]["status"] for j in (i - 1, i + 1) if 0 <= j < len(out)}
                s["crossing"] = sides == {"stable", "not-stable"}
        return out

    @property
    def exit_code(self) -> int:
        return 0 if all(b.status == "stable" for b in self.boxes) else 1

    def headline(self) -> tuple[Verdict, str]:
        if self.exit_code == 0:
            return Verdict.PROVED, f"product-stable for every {self.where()}"
        if self.two:
            f = {k: v["fraction"] for k, v in self.regions().items()}
            parts = f"stable {f['stable']:.1%}, not stable {f['not-stable']:.1%}, no minimiser {f['no-minimiser']:.1%}"
            if f["undecided"] > 0:
                return (
                    Verdict.UNDECIDED,
                    f"not decided on all of {self.where()}: {parts}, undecided {f['undecided']:.1%}",
                )
            return Verdict.PROVED, f"NOT product-stable on all of {self.where()}: {parts} of the area"
        stable = [s for s in self.stretches() if s["status"] == "stable"]
        if any(b.status == "undecided" for b in self.boxes):
            return Verdict.UNDECIDED, f"not decided on all of {self.where()} (see the stretches)"
        return Verdict.PROVED, (
            f"NOT product-stable on all of {self.where()}: "
            f"{len(stable)} stable stretch(es), the rest proved not stable or minimiser-free"
        )

    def plot(self) -> dict[str, Any]:
        if self.two:
            return series.boxes(
                f"certified parameter boxes ({self.names[0]}, {self.names[1]})",
                [
                    (float(b.at[0][0]), float(b.at[0][1]), float(b.at[1][0]), float(b.at[1][1]), b.status)
                    for b in self.boxes
                ],
                x_label=self.names[0],
                y_label=self.names[1],
            )
        boxes = [b for b in self.boxes if b.alpha is not None]
        xs = [float(b.at[0][0] + b.at[0][1]) / 2 for b in boxes]
        return series.line(
            f"alpha(z*) bounds per certified box vs {self.name}",
            xs,
            {
                "alpha lower": [b.alpha[0] for b in boxes if b.alpha],
                "alpha upper": [b.alpha[1] for b in boxes if b.alpha],
            },
            x_label=self.name,
            y_label="alpha",
            hlines={"alpha = 0": 0.0},
        )

    def family_lines(self) -> list[str]:
        verdict, text = self.headline()
        lines = [
            f"loss family l(z; {self.name}) = {self.text}, {self.where()}, "
            f"z in [{float(self.domain[0]):g}, {float(self.domain[1]):g}]"
        ]
        lines.append(f"product-stability over the {'rectangle' if self.two else 'interval'} [{verdict.value}]: {text}")
        if self.two:
            for status, r in self.regions().items():
                lines.append(f"  {STATUS_TEXT[status]}: {r['fraction']:.2%} of the area ({r['area']})")
            lines.append(
                f"  {len(self.boxes)} parameter boxes (interval branch-and-bound, Krawczyk in z over each box)"
            )
            lines.append("  (product-stable: alpha_l(z*) > 0, GAN-A-D4.1: SECONDARY + DERIVED, wording RECONSTRUCTED)")
            return lines
        for s in self.stretches():
            label = STATUS_TEXT[s["status"]]
            if s.get("crossing"):
                label = "UNDECIDED: encloses the crossing alpha = 0"
            why = f" ({s['reason']})" if s["status"] == "undecided" and s["reason"] else ""
            lines.append(f"  {self.name} in [{dec(s['lo'])}, {dec(s['hi'])}]: {label}{why}")
        lines.append(f"  {len(self.boxes)} parameter boxes (interval branch-and-bound, Krawczyk in z over each box)")
        lines.append("  (product-stable: alpha_l(z*) > 0, GAN-A-D4.1: SECONDARY + DERIVED, wording RECONSTRUCTED)")
        return lines

    def statement(self) -> str:
        return (
            f"alpha_l(z*({self.name})) > 0 for every {self.where()} and every "
            f"minimiser in [{float(self.domain[0]):g}, {float(self.domain[1]):g}]"
        )

    def certificate(self) -> dict[str, Any]:
        """Every parameter box, compactly: what ``eoscheck verify`` re-derives (README, "Parameter families")."""
        return {
            "kind": CERTIFICATE_KIND,
            "claim": f"product-stability of {self.text} on each stored box of {self.name}",
            "expr": self.text,
            "params": dict(self.fixed),
            "parameters": [
                {"name": n, "lo": dec(a), "hi": dec(b)} for n, (a, b) in zip(self.names, self.ranges, strict=True)
            ],
            "domain": {"lo": dec(self.domain[0]), "hi": dec(self.domain[1])},
            "prec": self.prec,
            "alpha_split": ALPHA_SPLIT,
            "boxes": [b.to_json() for b in self.boxes],
        }

    def summary_json(self) -> dict[str, Any]:
        """The family without its boxes (they are in the certificate): what the report's ``extra`` holds."""
        verdict, text = self.headline()
        out: dict[str, Any] = {
            "expr": self.text,
            "params": self.fixed,
            "parameters": [
                {"name": n, "lo": dec(a), "hi": dec(b)} for n, (a, b) in zip(self.names, self.ranges, strict=True)
            ],
            "domain": {"lo": dec(self.domain[0]), "hi": dec(self.domain[1])},
            "verdict": verdict.value,
            "summary": text,
            "regions": self.regions(),
            "box_count": len(self.boxes),
            "plot": self.plot(),
        }
        if not self.two:
            out["parameter"] = self.name
            out["interval"] = {"lo": dec(self.interval[0]), "hi": dec(self.interval[1])}
            out["stretches"] = [{**s, "lo": dec(s["lo"]), "hi": dec(s["hi"])} for s in self.stretches()]
        return out

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = jsonable(
            {"family": {**self.summary_json(), "certificate": self.certificate()}, "exit_code": self.exit_code}
        )
        return out

    def to_claim(self, make_prop: Callable[..., Property]) -> ClaimResult:
        verdict, text = self.headline()
        prop = make_prop(
            "LOSS-FAMILY", f"product-stability of {self.text} over {self.where()}", self.statement(), "Def. 4.1"
        )
        cls = EvidenceClass.BALL if verdict is Verdict.PROVED else EvidenceClass.NONE
        numbers: dict[str, Any]
        if self.two:
            numbers = {f"{k} area": v["area"] for k, v in self.regions().items()}
        else:
            numbers = {f"{dec(s['lo'])}..{dec(s['hi'])}": s["status"] for s in self.stretches()}
        ev = Evidence(
            verdict,
            cls,
            text,
            numbers=numbers,
            series={("parameter boxes" if self.two else "alpha vs parameter"): self.plot()},
            certificates=[self.certificate()],
            precision="arb balls",
        )
        return ClaimResult(prop=prop, verdict=verdict, evidence=ev)


def decide_family(
    text: str,
    fixed: dict[str, str],
    name: str,
    lo: Fraction,
    hi: Fraction,
    *,
    domain: tuple[Fraction, Fraction],
    prec: int = 128,
    progress: Callable[[str], None] = lambda msg: None,
) -> FamilyResult:
    """Branch-and-bound over one parameter's [lo, hi] (module docstring)."""
    return decide_families(text, fixed, [(name, lo, hi)], domain=domain, prec=prec, progress=progress)


def decide_families(
    text: str,
    fixed: dict[str, str],
    ranges: list[tuple[str, Fraction, Fraction]],
    *,
    domain: tuple[Fraction, Fraction],
    prec: int = 128,
    progress: Callable[[str], None] = lambda msg: None,
) -> FamilyResult:
    """Branch-and-bound over the box of one or two parameters: an undecided box is split across its widest
    side (relative to the parameter's range) until it is narrower than MIN_BOXES (1-D) or MIN_BOXES_2D."""
    syms = [sp.Symbol(n, real=True) for n, _, _ in ranges]
    exact = {k: parse_parameter(k, v) for k, v in fixed.items()}
    expr = parse_expression(text, {**exact, **{n: s for (n, _, _), s in zip(ranges, syms, strict=True)}})
    for (n, _, _), s in zip(ranges, syms, strict=True):
        if s not in expr.free_symbols:
            raise UserInputError(f"the loss does not depend on the parameter {n}")
    fns = family_fns(expr, syms)
    spans = [hi - lo for _, lo, hi in ranges]
    min_rel = Fraction(MIN_BOXES if len(ranges) == 1 else MIN_BOXES_2D)
    budget = MAX_BOXES if len(ranges) == 1 else MAX_BOXES_2D

    def decide(at: PBox, hints: list[tuple[Fraction, Fraction]] | None) -> tuple[Box, list[tuple[Fraction, Fraction]]]:
        return decide_box(expr, syms, fns, at, domain, prec, hints)

    def show(at: PBox) -> str:
        return " x ".join(
            f"{n} in [{float(a):.6g}, {float(b):.6g}]" for (n, _, _), (a, b) in zip(ranges, at, strict=True)
        )

    done: list[tuple[Box, list[tuple[Fraction, Fraction]]]] = []
    stack: list[tuple[PBox, list[tuple[Fraction, Fraction]] | None]] = [(tuple((lo, hi) for _, lo, hi in ranges), None)]
    while stack:
        at, hints = stack.pop()
        if len(done) + len(stack) >= budget:
            why = "box budget exhausted"
            done.append((Box(at, "undecided", why), []))
            done.extend((Box(a, "undecided", why), []) for a, _ in stack)
            break
        progress(show(at))
        box, proved = decide(at, hints)
        if box.status == "undecided" and hints is not None and box.reason != ALPHA_STRADDLES:
            box, proved = decide(at, None)  # the parent's boxes did not carry over
        rel = [(b - a) / span for (a, b), span in zip(at, spans, strict=True)]
        if box.status == "undecided" and max(rel) > min_rel:
            k = rel.index(max(rel))
            a, b = at[k]
            m = split_point(a, b)
            child = proved or None
            left = tuple((a, m) if i == k else side for i, side in enumerate(at))
            right = tuple((m, b) if i == k else side for i, side in enumerate(at))
            stack.extend([(right, child), (left, child)])
            continue
        done.append((box, proved))
    done.sort(key=lambda x: x[0].at)
    boxes = _merge(done, decide, progress) if len(ranges) == 1 else [b for b, _ in done]
    names = [n for n, _, _ in ranges]
    return FamilyResult(text, dict(fixed), names, [(lo, hi) for _, lo, hi in ranges], domain, boxes, prec)


def _merge(
    done: list[tuple[Box, list[tuple[Fraction, Fraction]]]],
    decide: Callable[[PBox, list[tuple[Fraction, Fraction]] | None], tuple[Box, list[tuple[Fraction, Fraction]]]],
    progress: Callable[[str], None],
) -> list[Box]:
    """Neighbouring decided boxes of one status re-decided as one box; kept as one where that succeeds.
    Why: the split was forced by one part of the interval, and every stored box costs the verifier a
    re-check; a union that passes is a certificate for both halves at once."""
    out: list[tuple[Box, list[tuple[Fraction, Fraction]]]] = []
    for box, proved in done:
        last = out[-1][0] if out else None
        if last and box.status != "undecided" and last.status == box.status and last.at[0][1] == box.at[0][0]:
            prev, prev_proved = out[-1]
            union: PBox = ((prev.at[0][0], box.at[0][1]),)
            progress(f"joining [{float(union[0][0]):.6g}, {float(union[0][1]):.6g}]")
            joined, jproved = decide(union, prev_proved or None)
            if joined.status == box.status:
                out[-1] = (joined, jproved)
                continue
        out.append((box, proved))
    return [b for b, _ in out]
