"""The terminal rendering of a loss result: headline verdicts first, then per minimiser, then the cover.

Plain lines (the CLI echoes them); numbers come from the typed result, balls printed as mid +/- radius.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from checker.lossval.result import MINIMISER_TEXT, Headline, LossValidation, MinimiserResult, exact_text

PROVENANCE_LINE = (
    "  (product-stable: alpha_l(z*) = 3 l'''^2 - l'' l'''' > 0, GAN-A-D4.1: SECONDARY + DERIVED, wording "
    "RECONSTRUCTED; convergence GAN-A-T4.2: RECONSTRUCTED; final sharpness GAN-A-T4.3: DERIVED)"
)


def num(ball: Any, digits: int = 8) -> str:
    """A ball as 'mid (+/- rad)', 'x (exact)', or '[lo, hi]' when wide."""
    if ball is None or not ball.is_finite():
        return "n/a"
    mid, rad = float(ball.mid()), float(ball.rad())
    if (mid == 0 and not ball.mid().is_zero()) or not math.isfinite(mid):  # beyond the double range: arb's digits
        return str(ball.mid().str(digits, radius=False)) + (
            " (exact)" if ball.is_exact() else f" (+/- {ball.rad().str(2, radius=False)})"
        )
    if rad == 0:
        return f"{mid:.{digits}g} (exact)"
    if mid != 0 and rad / abs(mid) < 10.0**-digits:
        return f"{mid:.{digits}g} (+/- {rad:.1e})"
    return f"[{mid - rad:.{digits}g}, {mid + rad:.{digits}g}]"


def _headline(label: str, h: Headline) -> str:
    return f"{label} [{h.verdict.value}]: {h.summary}"


def render(result: Any) -> Iterator[str]:
    if hasattr(result, "family_lines"):
        yield from result.family_lines()
        return
    yield from _render(result)


def _render(result: LossValidation) -> Iterator[str]:
    ps = result.loss["params"]
    yield f"loss l(z) = {result.loss['text']}" + (
        (" with " + ", ".join(f"{k}={v}" for k, v in ps.items())) if ps else ""
    )
    yield _headline("product-stability", result.stability_headline())
    conv = result.convergence_headline()
    if conv is not None:
        yield _headline("GD convergence at the EoS (simulated)", conv)
        yield f"  statement: {conv.statement}"
    for m in result.minimisers:
        yield f"[{m.verdict.value}] z* = {m.location()}: {MINIMISER_TEXT[m.kind]}" + (
            f"; alpha = {num(m.stability.alpha)}" if m.stability is not None and m.kind != "degenerate" else ""
        )
    if any(m.kind in ("product-stable", "not-product-stable", "undecided") for m in result.minimisers):
        yield PROVENANCE_LINE
    yield ""
    for m in result.minimisers:
        yield from _minimiser(m)
    yield from _cover(result)
    for note in result.notes:
        yield f"  note: {note}"


def _minimiser(m: MinimiserResult) -> Iterator[str]:
    yield f"minimiser {m.index}: {m.evidence.summary}"
    st = m.stability
    if st is None:
        return
    yield f"    l'' = {num(st.a)}, l''' = {num(st.b)}, l'''' = {num(st.c)} (arb, {st.prec} bits)"
    for e in m.etas:
        an = e.analysis
        yield f"    eta = {e.eta:g}: threshold s_c = 2/(eta l'') = {num(an.s_c)}; P = {num(an.P, 6)}"
        pred = e.predicted_final_sharpness
        if pred is not None:
            yield (
                f"      predicted final sharpness (GAN-A-T4.3, DERIVED) {pred:.8g} (eta * lambda = {pred * e.eta:.8g}; "
                f"2/eta = {2 / e.eta:.8g})"
            )
        yield f"      regime: {an.regime}"
        sim = e.simulation
        if sim is not None:
            med = sim.final_sharpness_median
            yield (
                f"      simulation [{sim.verdict.value}, float64 JAX]: {sim.runs} runs: converged "
                f"{sim.converged_fraction:.1%}, diverged {sim.diverged_fraction:.1%}, not settled "
                f"{sim.oscillating_fraction:.1%}" + (f"; median final sharpness {med:.8g}" if med is not None else "")
            )
            yield f"        {sim.summary}"
            for r in sim.mp_replays:
                f64, mp = r["float64"], r["mpmath"]
                yield (
                    f"        mpmath {mp['dps']} digits replay #{r['index']}: {mp['status']} (float64: {f64['status']})"
                    + (" - agrees" if r["agrees"] else " - DISAGREES")
                )
        if e.basin is not None:
            yield f"      basin [float64, CORROBORATED at most]: {e.basin.summary}"
    bif = m.bifurcation
    if bif:
        pts = bif["points"]
        n_cert = sum(p["status"] == "certified" for p in pts)
        kinds = sorted({p["stability"] for p in pts if p["status"] == "certified"})
        yield (
            f"    2-cycles of the frozen-D map at eta = {bif['eta']:g} (GAN-A-FLIP): {n_cert}/{len(pts)} overshoots "
            f"certified (Krawczyk), {', '.join(kinds) or 'none'}"
        )


def _cover(result: LossValidation) -> Iterator[str]:
    c = result.cover
    lo, hi = (float(x) for x in c.domain)
    n = {k: sum(p.kind == k for p in c.pieces) for k in ("sign", "root", "exact-root", "undecided")}
    yield (
        f"cover of [{lo:g}, {hi:g}] (certified, stored in the report): {len(c.pieces)} pieces: {n['sign']} with a "
        f"sign of l', {n['root']} Krawczyk roots, {n['exact-root']} exact roots, {n['undecided']} undecided"
    )
    for p in c.critical:
        where = exact_text(p) if p.value is not None else f"[{float(p.lo):.12g}, {float(p.hi):.12g}]"
        extra = f", order {p.order}" if p.order else ""
        yield f"  {p.type} at {where} ({p.kind}{extra})"
    for p in c.undecided:
        yield f"  UNDECIDED [{float(p.lo):.12g}, {float(p.hi):.12g}]: {p.reason}"
