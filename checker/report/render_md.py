"""Markdown from a report's JSON: the same content as the HTML, plots as PNG files beside the .md.

:func:`render_md` returns the text and the plot files (name -> PNG bytes) instead of writing them, so the
caller decides where they go (``eoscheck report`` writes them into ``<stem>_plots/`` next to the .md and
links them relatively; with ``plots=False`` they are omitted with a note).
"""

from __future__ import annotations

import re
from typing import Any

from checker.report import view
from checker.report.plots import render_png
from checker.report.summary import one_line


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _kv(rows: list[view.Row]) -> list[str]:
    return ["| | |", "|---|---|", *[f"| **{_cell(k)}** | {_cell(v)} |" for k, v in rows], ""]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(map(_cell, header)) + " |",
        "|" + "---|" * len(header),
        *["| " + " | ".join(map(_cell, r)) + " |" for r in rows],
        "",
    ]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", text)


class _Plots:
    def __init__(self, enabled: bool, link_dir: str) -> None:
        self.enabled, self.link_dir = enabled, link_dir
        self.files: dict[str, bytes] = {}

    def embed(self, stem: str, name: str, spec: dict[str, Any]) -> list[str]:
        label = f"{spec.get('kind')} plot: {spec.get('title', name)}"
        if not self.enabled:
            return [f"*({label}: plots omitted; render as HTML or without --no-plots to see it)*", ""]
        png = render_png(spec)
        if png is None:
            return [f"*({label}: unknown plot kind; data in the JSON)*", ""]
        fname = f"{_slug(stem)}-{_slug(name)}.png"
        self.files[fname] = png
        return [f"![{label}]({self.link_dir}/{fname})", "", f"*{view.series_caption(spec)}*", ""]


def _claim_row(c: dict[str, Any]) -> list[str]:
    e = c["evidence"]
    return [c["id"], c["title"], c["verdict"], e["class"], " + ".join(c["provenance"]), str(len(e["certificates"]))]


def render_md(doc: dict[str, Any], *, plots: bool = True, link_dir: str = "plots") -> tuple[str, dict[str, bytes]]:
    s = doc["summary"]
    figs = _Plots(plots, link_dir)
    out = [f"# {view.title(doc)}", "", "## Compliance summary", "", one_line(s), ""]
    out += _table([v for v, _ in view.counts_row(doc)], [[str(n) for _, n in view.counts_row(doc)]])
    out.append("No claim refuted." if s["passed"] else f"**Refuted: {', '.join(s['refuted'])}**")
    out.append("")
    out += [f"- **{v}**: {m}" for v, m in view.VERDICT_MEANING.items()]
    out.append("")
    out.append(
        f"{s['certificates']} certificate(s) back the PROVED/CERTIFIED claims; re-check every certificate with "
        "`eoscheck verify` (no search is re-run)."
    )
    out.append("")
    if s["reconstructed"]:
        out.append("**Claims resting on RECONSTRUCTED statements:**")
        out += [
            f"- {r['id']} (open points: {', '.join(r['open_points']) or 'none listed'})" for r in s["reconstructed"]
        ]
    else:
        out.append("No claim rests on a RECONSTRUCTED statement.")
    out += ["", "## Run", "", *_kv(view.run_rows(doc))]
    if doc["kind"] == "loss":
        scalars, tables, series = view.split_loss(doc["extra"].get("loss", {}))
        out += ["## Loss validation", "", *_kv(scalars)]
        for name, records in tables.items():
            out += [f"### {name}", "", *_table(*view.table_layout(records))]
        for name, spec in series.items():
            out += figs.embed("loss", name, spec)
    out += ["## Claims", ""]
    out += _table(
        ["claim", "title", "verdict", "evidence", "provenance", "certificates"],
        [_claim_row(c) for c in doc["claims"]],
    )
    for c in doc["claims"]:
        out += [f"### {c['verdict']}: {c['id']}: {c['title']}", ""]
        if c["reconstructed"]:
            pts = ", ".join(c["open_points"]) or "none listed"
            out += [f"> **RECONSTRUCTED statement** (open points: {pts}): its printed wording was not available.", ""]
        out += _kv(view.claim_rows(c))
        if c["evidence"]["numbers"]:
            out += ["**Decisive numbers**", "", *_kv(view.number_rows(c))]
        for i, cert in enumerate(c["evidence"]["certificates"], 1):
            out += [
                f"**Certificate {i}: {cert['kind']}** ({cert.get('claim', '')})",
                "",
                *_kv(view.certificate_rows(cert)),
            ]
        for name, spec in c["evidence"]["series"].items():
            out += figs.embed(c["id"], name, spec)
    return "\n".join(out).rstrip() + "\n", figs.files
