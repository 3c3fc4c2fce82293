"""Text (``eoscheck show ID``) and Markdown (docs/catalogue.md) renderings of the catalogue.

The Markdown is generated, never edited by hand: ``eoscheck show --markdown > docs/catalogue.md``; a test
fails when the file and the registry disagree. Every claim, definition, paper and open point gets an
explicit anchor (its id), so an id printed by any command can be looked up there.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from checker.catalogue.definitions import DEFINITIONS, PAPERS
from checker.catalogue.describe import describe, open_point_lines
from checker.catalogue.open_points import OPEN_POINTS, OpenPoint
from checker.property import Property

WIDTH = 110


def _wrap(label: str, text: str, indent: int = 2) -> list[str]:
    head = " " * indent + f"{label:<13}"
    return textwrap.wrap(text, WIDTH, initial_indent=head, subsequent_indent=" " * (indent + 13)) or [head]


def claim_text(prop: Property) -> str:
    d = describe(prop)
    flag = "  [RECONSTRUCTED]" if prop.reconstructed else ""
    lines = [f"{prop.id}: {prop.title}{flag}"]
    lines += _wrap("source", _source(prop))
    lines += _wrap("provenance", prop.provenance_label)
    lines += _wrap("statement", prop.statement)
    lines += _wrap("hypotheses", prop.hypotheses or "none stated beyond the statement")
    if prop.open_points:
        lines.append("  open points")
        for pid, title, unknown, consequence in open_point_lines(list(prop.open_points)):
            lines += _wrap(pid, title, indent=4)
            if unknown:
                lines += _wrap("unknown", unknown, indent=6)
                lines += _wrap("here", consequence, indent=6)
    lines += _wrap("checked by", d.method)
    lines += _wrap("", d.drawn)
    if d.strategy:
        lines += _wrap("strategy", d.strategy)
    lines.append("  verdicts it can reach")
    for verdict, when in d.verdicts:
        lines += _wrap(verdict, when, indent=4)
    for limit in d.limits:
        lines += _wrap("known limits", limit)
    return "\n".join(lines)


def open_point_text(point: OpenPoint) -> str:
    lines = [f"{point.id}: {point.title}"]
    if point.paper:
        lines += _wrap("paper", PAPERS.get(point.paper, point.paper))
    lines += _wrap("unknown", point.unknown)
    lines += _wrap("here", point.consequence)
    return "\n".join(lines)


def definition_text(key: str) -> str:
    return "\n".join([f"{key} (definition, not a checked claim)", *_wrap("", DEFINITIONS[key])])


def _source(prop: Property) -> str:
    full = PAPERS.get(prop.source.paper)
    return f"{prop.source.ref}, in {full}" if full else prop.source.cite()


# ---- Markdown ----------------------------------------------------------------------------------------
def _anchor(key: str) -> str:
    return f'<a id="{key}"></a>'


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_text(text: str) -> str:
    """Plain text in Markdown: escape what would turn formulas into emphasis or HTML."""
    for ch in ("\\", "*", "_", "<", ">", "`", "|"):
        text = text.replace(ch, "\\" + ch)
    return text


def catalogue_markdown(props: Sequence[Property]) -> str:
    out = [
        "# The eos-checker catalogue",
        "",
        "Generated from the registry by `eoscheck show --markdown`; do not edit by hand (a test keeps it current).",
        "`eoscheck show ID` prints the same entry for any claim id, definition id or open point (O-1 .. O-7).",
        "",
        "Verdicts: PROVED (sympy proof for the whole stated class), CERTIFIED (ball or exact arithmetic decides a "
        "named instance), CORROBORATED (no counterexample among drawn instances, float or mpmath; or every drawn "
        "instance certified in ball arithmetic, which is not a proof for the class), REFUTED (a "
        "counterexample confirmed independently), UNDECIDED (the evidence cannot decide). Provenance: SOURCED (read "
        "in the paper or the authors' code), DERIVED (derived and verified here), SECONDARY (a third-party summary), "
        "RECONSTRUCTED (a plausible form of a statement whose printed wording was not available).",
        "",
        "## Claims",
        "",
        "| id | title | source | provenance | open points |",
        "|---|---|---|---|---|",
    ]
    for p in props:
        opens = ", ".join(f"[{o}](#{o})" for o in p.open_points)
        out.append(
            f"| [{p.id}](#{p.id}) | {_md_cell(_md_text(p.title))} | {_md_cell(p.source.paper)}, "
            f"{_md_cell(_md_text(p.source.ref))} | {p.provenance_label} | {opens} |"
        )
    papers = sorted({p.source.paper for p in props})
    for paper in papers:
        out += ["", f"## {_anchor(paper)}{paper}", "", _md_text(PAPERS.get(paper, paper))]
        for p in (q for q in props if q.source.paper == paper):
            out += ["", *_claim_markdown(p)]
    out += ["", "## Definitions and set-ups cited by statements", ""]
    claim_ids = {p.id for p in props}
    for key in sorted(set(DEFINITIONS) - claim_ids):  # a definition that became a claim is shown as the claim
        out += [f"- {_anchor(key)}**{key}**: {_md_text(DEFINITIONS[key])}"]
    out += ["", "## Open points", "", "What could not be read in the sources, and what the checker does about it.", ""]
    for point in OPEN_POINTS.values():
        out += [f"### {_anchor(point.id)}{point.id}: {_md_text(point.title)}", ""]
        out += [f"- Unknown: {_md_text(point.unknown)}", f"- Here: {_md_text(point.consequence)}", ""]
    return "\n".join(out).rstrip() + "\n"


def _claim_markdown(prop: Property) -> list[str]:
    d = describe(prop)
    flag = " (RECONSTRUCTED)" if prop.reconstructed else ""
    opens = ", ".join(f"[{o}](#{o})" for o in prop.open_points) or "none"
    lines = [
        f"### {_anchor(prop.id)}{prop.id}: {_md_text(prop.title)}{flag}",
        "",
        f"- Source: {_md_text(prop.source.cite())}",
        f"- Provenance: {prop.provenance_label}",
        f"- Statement: {_md_text(prop.statement)}",
        f"- Hypotheses: {_md_text(prop.hypotheses or 'none stated beyond the statement')}",
        f"- Open points: {opens}",
        f"- Checked by: {_md_text(d.method)} ({_md_text(d.drawn)})",
        "- Verdicts it can reach: " + "; ".join(f"{v} when {_md_text(w)}" for v, w in d.verdicts),
    ]
    lines += [f"- Known limits: {_md_text(limit)}" for limit in d.limits]
    return lines
