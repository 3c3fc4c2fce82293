"""The loss report's own section, from the JSON alone: headline verdicts, minimisers per eta, the cover's
critical points and undecided pieces, family stretches. The plots (bifurcation, basin, alpha against the
parameter) sit with their claims, as in the run report; the full cover stays in the JSON for the verifier.
"""

from __future__ import annotations

from typing import Any

from checker.report.view import Row, fmt


def _mid(enc: Any) -> str:
    if not isinstance(enc, dict) or "lo" not in enc:
        return "-"
    lo, hi = float(enc["lo"]), float(enc["hi"])
    return f"{(lo + hi) / 2:.10g}" + ("" if lo == hi else f" +/- {(hi - lo) / 2:.1e}")


def loss_sections(doc: dict[str, Any]) -> tuple[list[Row], dict[str, list[dict[str, Any]]], dict[str, Any]]:
    """(scalars, tables, series) for the renderers, laid out for a reader rather than as a key dump."""
    if isinstance(doc.get("family"), dict) and ("stretches" in doc["family"] or "regions" in doc["family"]):
        return _family(doc["family"])
    loss = doc.get("loss", {})
    params = ", ".join(f"{k}={v}" for k, v in loss.get("params", {}).items())
    scalars: list[Row] = [
        ("loss l(z)", str(loss.get("text", "")) + (f" with {params}" if params else "")),
        ("domain", fmt(doc.get("domain"))),
        ("exit code", str(doc.get("exit_code"))),
    ]
    tables: dict[str, list[dict[str, Any]]] = {}
    heads = doc.get("headline", {})
    tables["Headline verdicts"] = [
        {"question": name, "statement": h["statement"], "verdict": h["verdict"], "why": h["summary"]}
        for name, h in (
            ("product-stability", heads.get("product_stability")),
            ("GD convergence", heads.get("convergence")),
        )
        if h
    ]
    rows = []
    for m in doc.get("minimizers", []):
        d = m.get("derivatives") or {}
        base = {
            "minimiser": m["index"],
            "z*": m.get("z_exact") or _mid(m.get("z")),
            "verdict": f"{m['verdict']} [{m['evidence']}]",
            "alpha": _mid(m.get("alpha")),
            "l''": _mid(d.get("l2")),
        }
        if not m.get("etas"):
            rows.append({**base, "eta": "-", "why": m.get("reason", "")})
        for e in m.get("etas", []):
            sim = e.get("simulation") or {}
            basin = e.get("basin") or {}
            rows.append(
                {
                    **base,
                    "eta": e["eta"],
                    "s_c = 2/(eta l'')": _mid(e.get("s_c")),
                    "P": _mid(e.get("P")),
                    "predicted final sharpness": fmt(e.get("predicted_final_sharpness")),
                    "simulation": f"{sim.get('verdict', '-')}: {sim.get('summary', 'not run')}",
                    "basin": basin.get("summary", "-"),
                }
            )
    tables["Minimisers"] = rows
    cover = doc.get("cover", {})
    pieces = cover.get("pieces", [])
    counts = {k: sum(p["kind"] == k for p in pieces) for k in ("sign", "root", "exact-root", "undecided")}
    scalars.append(
        (
            "cover of the domain",
            f"{len(pieces)} pieces: {counts['sign']} sign of l', {counts['root']} Krawczyk roots, "
            f"{counts['exact-root']} exact roots, {counts['undecided']} undecided (all stored in extra.loss.cover)",
        )
    )
    tables["Critical points and undecided pieces of the cover"] = [
        {k: v for k, v in p.items()} for p in pieces if p["kind"] != "sign"
    ]
    if doc.get("notes"):
        tables["Notes"] = [{"note": n} for n in doc["notes"]]
    return scalars, {k: v for k, v in tables.items() if v}, {}


def _family(f: dict[str, Any]) -> tuple[list[Row], dict[str, list[dict[str, Any]]], dict[str, Any]]:
    params = f.get("parameters") or [{"name": f.get("parameter"), **(f.get("interval") or {})}]
    where = " x ".join(f"{p.get('name')} in [{p.get('lo')}, {p.get('hi')}]" for p in params)
    scalars: list[Row] = [
        ("loss family", f"{f['expr']} with {where}"),
        ("z domain", f"[{f['domain']['lo']}, {f['domain']['hi']}]"),
        ("verdict", f"{f['verdict']}: {f['summary']}"),
        ("parameter boxes", f"{f.get('box_count')} (each stored in the claim's certificate)"),
    ]
    tables: dict[str, list[dict[str, Any]]] = {}
    if f.get("stretches"):
        tables["Parameter stretches"] = [
            {
                str(params[0].get("name")): f"[{s['lo']}, {s['hi']}]",
                "status": s["status"] + (" (crossing enclosure)" if s.get("crossing") else ""),
                "why": s.get("reason", ""),
            }
            for s in f["stretches"]
        ]
    elif isinstance(f.get("regions"), dict):
        tables["Parameter regions"] = [
            {"status": k, "area": v.get("area"), "fraction": f"{float(v.get('fraction', 0)):.2%}"}
            for k, v in f["regions"].items()
        ]
    return scalars, tables, {}
