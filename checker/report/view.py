"""What a rendering shows, independent of Markdown or HTML: labelled rows built from the JSON alone.

Both renderers walk the same rows, so the two formats cannot drift apart in content.
"""

from __future__ import annotations

import json
import shlex
from decimal import Decimal, InvalidOperation
from typing import Any

from checker.report.summary import VERDICT_ORDER
from checker.verifier.document import RIGOROUS_VERDICTS, backed_number_names

Row = tuple[str, str]

# What each verdict means: printed under every summary so a reader knows how much is known.
VERDICT_MEANING = {
    "PROVED": "holds for all parameters in the stated class (sympy identity or interval branch-and-bound)",
    "CERTIFIED": "holds for this instance, rigorously (python-flint ball arithmetic, Krawczyk inclusion)",
    "CORROBORATED": "no counterexample in the examples tried (floats or mpmath; not a proof)",
    "UNDECIDED": "the evidence cannot decide (see the claim for what would)",
    "REFUTED": "a counterexample, re-checked at higher precision",
}


def is_enclosure(v: Any) -> bool:
    return isinstance(v, dict) and set(v) == {"lo", "hi"}


MAX_LIST = 8  # longer lists of numbers are shortened in tables (the JSON keeps them all)


def enclosure_width(v: dict[str, str]) -> str:
    """hi - lo computed exactly from the decimals (a float difference would print 0 for tight balls)."""
    try:
        return f"{Decimal(v['hi']) - Decimal(v['lo']):.3g}"
    except (InvalidOperation, ValueError):
        return "?"


def fmt(v: Any) -> str:
    """A number, enclosure or small structure as short text (enclosures keep every stored digit)."""
    if is_enclosure(v):
        return f"[{v['lo']}, {v['hi']}]  (width {enclosure_width(v)})"
    if isinstance(v, float):
        return f"{v:.10g}"
    if v is None:
        return "-"
    if isinstance(v, list) and len(v) > MAX_LIST and all(not isinstance(x, dict | list) for x in v):
        head = ", ".join(fmt(x) for x in v[:MAX_LIST])
        return f"[{head}, ...] ({len(v)} values)"
    if isinstance(v, dict | list):
        return json.dumps(v, sort_keys=True)
    return str(v)


def title(doc: dict[str, Any]) -> str:
    if doc["kind"] == "loss":
        loss = doc.get("extra", {}).get("loss", {})
        text = (loss.get("loss") or {}).get("text") or (loss.get("family") or {}).get("expr", "")
        return f"eos-checker report: loss validation of l(z) = {text}, seed {doc['seed']}"
    if doc["kind"] == "network":
        model = doc.get("extra", {}).get("network", {}).get("model", "a network")
        return f"eos-checker report: NET-* checks on a training run of {model}, seed {doc['seed']}"
    what = "property run"
    return f"eos-checker report: {what}, profile {doc['profile']}, seed {doc['seed']}"


def counts_row(doc: dict[str, Any]) -> list[tuple[str, int]]:
    return [(v, doc["summary"]["counts"][v]) for v in VERDICT_ORDER]


def run_rows(doc: dict[str, Any]) -> list[Row]:
    env = doc["environment"]
    pk = ", ".join(f"{k} {v}" for k, v in sorted(env.get("packages", {}).items()) if v)
    jax = env.get("jax")
    jax_txt = (
        "not available" if jax is None else f"x64={jax['x64']}, backend {jax['backend']}, {', '.join(jax['devices'])}"
    )
    return [
        ("command", shlex.join(doc["command"])),
        ("profile / seed", f"{doc['profile']} / {doc['seed']}"),
        ("started (UTC)", doc["started"]),
        ("wall time", f"{doc['seconds']:.1f} s"),
        ("property code sha256", doc["code_hash"] or "-"),
        ("tool", f"{doc['tool']['name']} {doc['tool']['version']}, schema {doc['schema_version']}"),
        ("python / platform", f"{env.get('python')} ({env.get('implementation')}) on {env.get('platform')}"),
        ("packages", pk or "-"),
        ("jax", jax_txt),
    ]


def provenance(claim: dict[str, Any]) -> str:
    text = " + ".join(claim["provenance"])
    if claim["reconstructed"]:
        pts = ", ".join(claim["open_points"]) or "none listed"
        text += f" (statement RECONSTRUCTED; open points: {pts})"
    return text


def source(claim: dict[str, Any]) -> str:
    s = claim["source"]
    arxiv = f" (arXiv {s['arxiv']})" if s["arxiv"] else ""
    return f"{s['paper']}{arxiv}, {s['ref']}"


def claim_rows(claim: dict[str, Any]) -> list[Row]:
    e, h = claim["evidence"], claim["hypothesis"]
    rows = [
        ("statement", claim["statement"]),
        ("hypotheses", claim["hypotheses"] or "-"),
        ("source", source(claim)),
        ("provenance", provenance(claim)),
        ("verdict", f"{claim['verdict']} ({e['class']} evidence)"),
        ("evidence", e["summary"]),
        ("working precision", e["precision"] or "-"),
        ("margin", fmt(e["margin"])),
        (
            "Hypothesis",
            f"{h['examples']} examples, {h['invalid']} invalid, worst target score {fmt(h['best_target'])}, "
            f"seed {h['seed']}",
        ),
    ]
    if h.get("replay"):
        rows.append(("replay", h["replay"]))
    if e["counterexample"] is not None:
        rows.append(("counterexample", fmt(e["counterexample"])))
    rows.append(("time", f"{claim['seconds']:.2f} s"))
    rows.extend(("note", n) for n in claim["notes"])
    return rows


def number_rows(claim: dict[str, Any]) -> list[Row]:
    """In a PROVED/CERTIFIED claim, a number no certificate backs (a spot check, a scale, a float) is shown
    as "(informative)", so a reader does not take it for part of the proof."""
    numbers = claim["evidence"]["numbers"]
    if claim["verdict"] not in RIGOROUS_VERDICTS:
        return [(k, fmt(v)) for k, v in numbers.items()]
    backed = backed_number_names(claim)
    return [(k if k in backed else f"{k} (informative)", fmt(v)) for k, v in numbers.items()]


def certificate_rows(cert: dict[str, Any]) -> list[Row]:
    """Every field of a certificate, as stored (the reader sees exactly what `eoscheck verify` checks)."""
    return [(k, fmt(v)) for k, v in cert.items() if k not in {"kind", "claim"}]


def table_of(records: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """A list of flat dicts (e.g. a loss's minimisers) as header + rows, keys in first-seen order."""
    header: list[str] = []
    for r in records:
        header.extend(k for k in r if k not in header)
    return header, [[fmt(r.get(k)) for k in header] for r in records]


def series_caption(spec: dict[str, Any]) -> str:
    """One line under a plot that states its numbers (readable without the image, and in text diffs)."""
    kind, title_ = spec.get("kind"), spec.get("title", "")
    if kind == "fit":
        return (
            f"{title_}: fitted log-log slope {fmt(spec['slope'])} against the expected {fmt(spec['expected_slope'])} "
            f"({len(spec['x'])} points)"
        )
    if kind == "bifurcation":
        n, n_cert, n_stable = len(spec["sigma"]), sum(spec["certified"]), sum(spec["stable"])
        return f"{title_}: {n} orbits ({n_stable} stable, {n - n_stable} unstable), {n_cert} certified (stars)"
    if kind == "line":
        refs = ", ".join(f"{k} = {fmt(v)}" for k, v in spec["hlines"].items())
        return f"{title_}: {', '.join(spec['ys'])} against {spec['x_label']}" + (f"; reference {refs}" if refs else "")
    if kind == "boxes":
        counts: dict[str, int] = {}
        for r in spec["rects"]:
            counts[str(r[4])] = counts.get(str(r[4]), 0) + 1
        return f"{title_}: " + ", ".join(f"{n} {k}" for k, n in counts.items()) + " box(es)"
    if kind == "histogram":
        pred = "" if spec.get("predicted") is None else f"; predicted {fmt(spec['predicted'])}"
        return f"{title_}: {len(spec['samples'])} samples{pred}"
    return str(title_)


SERIES_KINDS = frozenset({"line", "fit", "bifurcation", "histogram", "boxes"})


def _is_series(v: Any) -> bool:
    return isinstance(v, dict) and v.get("kind") in SERIES_KINDS and "title" in v


def _flat(record: dict[str, Any]) -> bool:
    """A row that fits a table: every value a scalar, an enclosure or a list of scalars."""
    return all(
        is_enclosure(x)
        or not isinstance(x, dict | list)
        or (isinstance(x, list) and not any(isinstance(y, dict | list) for y in x))
        for x in record.values()
    )


def split_loss(extra_loss: dict[str, Any]) -> tuple[list[Row], dict[str, list[dict[str, Any]]], dict[str, Any]]:
    """A loss-validation result, generically: scalar fields, tables (lists of dicts), plot series.

    The loss document's shape belongs to its producer, so nothing here depends on particular keys:
    nested objects are flattened to dotted names, lists of flat objects become tables (lists of nested
    objects are walked element by element, ``name[i]``), and any object that looks like a
    checker.series plot (a known ``kind`` and a ``title``), at any depth, is drawn.
    """
    if "headline" in extra_loss or "family" in extra_loss:  # the loss job's own layout
        from checker.report.loss_view import loss_sections

        return loss_sections(extra_loss)
    scalars: list[Row] = []
    tables: dict[str, list[dict[str, Any]]] = {}
    series: dict[str, Any] = {}

    def walk(name: str, v: Any, depth: int) -> None:
        if _is_series(v):
            series[name] = v
        elif isinstance(v, dict) and depth < 8 and not is_enclosure(v):
            for k, sub in v.items():
                walk(f"{name}.{k}" if name else str(k), sub, depth + 1)
        elif isinstance(v, list) and v and all(isinstance(r, dict) and not is_enclosure(r) for r in v):
            if all(_flat(r) for r in v):
                tables[name] = v
            else:
                for i, r in enumerate(v, 1):
                    walk(f"{name}[{i}]", r, depth + 1)
        else:
            scalars.append((name, fmt(v)))

    walk("", extra_loss, 0)
    return scalars, tables, series


def table_layout(records: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """Header + rows; a wide table of few records is transposed (one row per field) so it stays readable."""
    header, rows = table_of(records)
    if len(header) > 6 and len(records) <= 6:
        return ["field", *(f"#{i}" for i in range(1, len(records) + 1))], [
            [h, *(row[j] for row in rows)] for j, h in enumerate(header)
        ]
    return header, rows
