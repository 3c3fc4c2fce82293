"""One self-contained HTML file from a report's JSON: inline CSS, plots as base64 PNG, no URLs at all.

It opens offline (no fetches: no external scripts, fonts, styles or images) and shows, in order: the
compliance summary, the run, the claims table, then one section per claim with its evidence, numbers,
Hypothesis statistics, certificates and plots. RECONSTRUCTED statements are highlighted wherever they
appear.
"""

from __future__ import annotations

import base64
import re
from html import escape
from typing import Any

from checker.report import view
from checker.report.plots import render_png
from checker.report.summary import one_line

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#1d1d1f;line-height:1.45}
h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;
vertical-align:top}td{overflow-wrap:break-word}th{background:#f4f4f6;white-space:nowrap;hyphens:none}
td.k{font-weight:600;white-space:nowrap;background:#fafafa}td.id{white-space:nowrap}
td.num{white-space:nowrap;text-align:right;font-variant-numeric:tabular-nums}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}pre{white-space:pre-wrap;
word-break:break-all;background:#f6f6f8;padding:.4em;margin:0}
.v{font-weight:700;padding:.1em .5em;border-radius:.3em;color:#fff;white-space:nowrap}
.PROVED{background:#1b7f3b}.CERTIFIED{background:#2e9e4f}.CORROBORATED{background:#1f6fb2}
.UNDECIDED{background:#b58300}.REFUTED{background:#c62828}
.recon{background:#fff3cd;border-left:5px solid #b58300;padding:.5em .8em;margin:.6em 0}
.summary td{text-align:center;font-size:1.2em}.pass{color:#1b7f3b}.fail{color:#c62828}
.claim{border:1px solid #ddd;border-radius:.5em;padding:.2em 1em 1em;margin:1.2em 0}
img{max-width:100%;height:auto;display:block;margin:.5em 0}figcaption{font-size:.9em;color:#444}.cert{margin:.5em 0}
"""


def _badge(verdict: str) -> str:
    return f'<span class="v {escape(verdict)}">{escape(verdict)}</span>'


def _anchor(claim_id: str) -> str:
    return "claim-" + re.sub(r"[^A-Za-z0-9_-]", "_", claim_id)


def _kv(rows: list[view.Row], pre_keys: frozenset[str] = frozenset()) -> str:
    body = "".join(
        f'<tr><td class="k">{escape(k)}</td><td>'
        + (f"<pre>{escape(v)}</pre>" if k in pre_keys else escape(v))
        + "</td></tr>"
        for k, v in rows
    )
    return f"<table>{body}</table>"


# A cell that is a number, an enclosure or a short list of numbers: kept on one line (a wrapped number misreads).
_NUMERIC = re.compile(r"^[\s\[\]()+\-.,/0-9eE]*[0-9][\s\[\]()+\-.,/0-9eE]*$")


def _td(text: str) -> str:
    cls = ' class="num"' if len(text) <= 40 and _NUMERIC.match(text) else ""
    return f"<td{cls}>{escape(text)}</td>"


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(_td(c) for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _plot(name: str, spec: dict[str, Any]) -> str:
    png = render_png(spec)
    alt = escape(f"{spec.get('kind')} plot: {spec.get('title', name)}")
    if png is None:
        kind = escape(str(spec.get("kind")))
        return f"<p>plot {escape(name)}: unknown kind {kind}; data:</p><pre>{escape(view.fmt(spec))}</pre>"
    data = base64.b64encode(png).decode("ascii")
    caption = f"<figcaption>{escape(view.series_caption(spec))}</figcaption>"
    return f'<figure><img alt="{alt}" src="data:image/png;base64,{data}">{caption}</figure>'


def _summary(doc: dict[str, Any]) -> str:
    s = doc["summary"]
    head = "".join(f"<th>{_badge(v)}</th>" for v, _ in view.counts_row(doc))
    cells = "".join(f"<td>{n}</td>" for _, n in view.counts_row(doc))
    status = (
        '<p class="pass"><b>No claim refuted.</b></p>'
        if s["passed"]
        else f'<p class="fail"><b>Refuted: {escape(", ".join(s["refuted"]))}</b></p>'
    )
    out = [f"<h2>Compliance summary</h2><p>{escape(one_line(s))}</p>", status]
    out.append(f'<table class="summary"><tr>{head}</tr><tr>{cells}</tr></table>')
    legend = "".join(f"<li>{_badge(v)} {escape(m)}</li>" for v, m in view.VERDICT_MEANING.items())
    out.append(f"<details><summary>What the verdicts mean</summary><ul>{legend}</ul></details>")
    out.append(
        f"<p>{s['certificates']} certificate(s) back the PROVED/CERTIFIED claims; re-check every certificate "
        "with <code>eoscheck verify</code> (no search is re-run).</p>"
    )
    if s["reconstructed"]:
        items = "".join(
            f'<li><a href="#{_anchor(r["id"])}">{escape(r["id"])}</a>: open points '
            f"{escape(', '.join(r['open_points']) or 'none listed')}</li>"
            for r in s["reconstructed"]
        )
        out.append(f'<div class="recon"><b>Claims resting on RECONSTRUCTED statements</b><ul>{items}</ul></div>')
    else:
        out.append("<p>No claim rests on a RECONSTRUCTED statement.</p>")
    return "".join(out)


def _claims_table(doc: dict[str, Any]) -> str:
    rows = "".join(
        f'<tr><td class="id"><a href="#{_anchor(c["id"])}">{escape(c["id"])}</a></td><td>{escape(c["title"])}</td>'
        f"<td>{_badge(c['verdict'])}</td><td>{escape(c['evidence']['class'])}</td>"
        f'<td>{escape(" + ".join(c["provenance"]))}</td><td class="num">{len(c["evidence"]["certificates"])}</td>'
        f'<td class="num">{escape(view.fmt(c["evidence"]["margin"]))}</td></tr>'
        for c in doc["claims"]
    )
    cols = ("claim", "title", "verdict", "evidence", "provenance", "certificates", "margin")
    head = "<tr>" + "".join(f"<th>{c}</th>" for c in cols) + "</tr>"
    return f"<h2>Claims</h2><table>{head}{rows}</table>"


def _claim(c: dict[str, Any]) -> str:
    out = [f'<section class="claim" id="{_anchor(c["id"])}"><h3>{_badge(c["verdict"])} {escape(c["id"])}: ']
    out.append(f"{escape(c['title'])}</h3>")
    if c["reconstructed"]:
        out.append(
            '<div class="recon"><b>RECONSTRUCTED statement</b>: a plausible form of a result whose printed wording '
            f"was not available; open points: {escape(', '.join(c['open_points']) or 'none listed')}.</div>"
        )
    out.append(_kv(view.claim_rows(c), frozenset({"statement", "counterexample", "replay"})))
    numbers = view.number_rows(c)
    if numbers:
        out.append("<h4>Decisive numbers</h4>" + _kv(numbers))
    for i, cert in enumerate(c["evidence"]["certificates"], 1):
        out.append(
            f'<div class="cert"><h4>Certificate {i}: {escape(cert["kind"])} ({escape(cert.get("claim", ""))})</h4>'
        )
        out.append(_kv(view.certificate_rows(cert), frozenset({"expr", "f", "df"})) + "</div>")
    for name, spec in c["evidence"]["series"].items():
        out.append(_plot(name, spec))
    out.append("</section>")
    return "".join(out)


def _loss(doc: dict[str, Any]) -> str:
    scalars, tables, series = view.split_loss(doc["extra"].get("loss", {}))
    out = ["<h2>Loss validation</h2>", _kv(scalars)]
    for name, records in tables.items():
        out.append(f"<h3>{escape(name)}</h3>" + _table(*view.table_layout(records)))
    out.extend(_plot(n, s) for n, s in series.items())
    return "".join(out)


def render_html(doc: dict[str, Any]) -> str:
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(view.title(doc))}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(view.title(doc))}</h1>",
        _summary(doc),
        "<h2>Run</h2>" + _kv(view.run_rows(doc), frozenset({"command"})),
    ]
    if doc["kind"] == "loss":
        parts.append(_loss(doc))
    parts.append(_claims_table(doc))
    parts.extend(_claim(c) for c in doc["claims"])
    parts.append("</body></html>\n")
    return "".join(parts)
