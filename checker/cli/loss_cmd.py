"""``eoscheck loss EXPR``: does GD on l(xy) converge at the Edge of Stability for this loss?

Output: one verdict line per minimiser first (product-stable / not-product-stable / degenerate /
undecided, with the evidence class and the alpha enclosure), then the evidence: finite-eta analysis,
certified 2-cycles, simulations. ``--json`` prints the LossValidation JSON. Exit 0 iff every minimiser is
product-stable; 1 if any is not, is undecided, or none exists; 2 on bad input (checked before any work,
including the report directory).
"""

from __future__ import annotations

import math
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from checker.backends.precision import REFINE_BITS_MAX, USER_BITS_MAX, USER_BITS_MIN
from checker.cli.common import fail, parse_eta, parse_params, print_json

MIN_PREC, MAX_PREC = USER_BITS_MIN, USER_BITS_MAX
MAX_RUNS = 10_000_000

VERDICT_TEXT = {
    "product-stable": "product-stable: GD converges at the EoS (supercritical flip; GAN-A-T4.2, RECONSTRUCTED)",
    "not-product-stable": "NOT product-stable: overshooting the threshold makes GD diverge (subcritical flip)",
    "degenerate": "degenerate: alpha = 0 exactly; the O(eta^2) terms of P decide (GAN-A-FLIP)",
    "undecided": "UNDECIDED: the sign of alpha could not be decided",
}


@click.command(
    help="""Decide whether GD on L(x, y) = l(xy) converges at the Edge of Stability for the loss l(z).

\b
  eoscheck loss "log(1+exp(z)) - 0.8*z"
  eoscheck loss "log(1+exp(z)) - p*z" --param p=0.9 --eta 0.1 --eta 0.05
  eoscheck loss "(z**2-1)**2/4" --domain -3,3 --json

Certified minimisers (Krawczyk), certified product-stability alpha = 3 l'''^2 - l'' l'''' (GAN-A-D4.1),
finite-eta flip coefficient P and final sharpness (GAN-A-FLIP, GAN-A-T4.3), certified 2-cycles, and
batched simulations. Exit code: 0 every minimiser product-stable, 1 otherwise, 2 bad input."""
)
@click.argument("expr")
@click.option("--param", "-p", "params", multiple=True, help="NAME=VALUE parameter of EXPR (exact rational)")
@click.option("--domain", default="-50,50", show_default=True, help="search interval A,B for minimisers")
@click.option("--eta", "etas", multiple=True, help="learning rate (repeatable); default: derived, see the docs")
@click.option("--runs", default="10000", show_default=True, help="simulated trajectories per eta (>= 1)")
@click.option("--no-sim", is_flag=True, help="skip the simulations (certified part only)")
@click.option("--steps", default="20000", show_default=True, help="step budget per trajectory")
@click.option("--prec", default="128", show_default=True, help=f"ball precision in bits ({MIN_PREC}..{MAX_PREC})")
@click.option(
    "--max-prec", default=str(REFINE_BITS_MAX), show_default=True, help="precision ceiling when alpha straddles 0"
)
@click.option("--no-diagram", is_flag=True, help="skip the certified 2-cycle diagram")
@click.option("--seed", type=int, default=0, show_default=True, help="seed of the simulation starts")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@click.option("--report", is_flag=True, help="write the JSON report and its HTML rendering into --report-dir")
@click.option("--report-dir", default="reports", show_default=True)
def command(
    expr: str,
    params: tuple[str, ...],
    domain: str,
    etas: tuple[str, ...],
    runs: str,
    steps: str,
    prec: str,
    max_prec: str,
    no_sim: bool,
    no_diagram: bool,
    seed: int,
    as_json: bool,
    report: bool,
    report_dir: str,
) -> int:
    from checker.certify.minimizers import parse_domain
    from checker.loss import Loss

    started = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.monotonic()
    loss = Loss.from_string(expr, parse_params(params))
    if not loss.expr.has(_z()):
        fail(f"the loss {expr!r} does not depend on z")
    dom = parse_domain(domain)
    eta_values = [parse_eta(e) for e in etas]
    n_runs = _int("--runs", runs, 1, MAX_RUNS)
    n_steps = _int("--steps", steps, 1, 10**8)
    bits = _int("--prec", prec, MIN_PREC, MAX_PREC)
    top = _int("--max-prec", max_prec, bits, MAX_PREC)
    out_dir = Path(report_dir) if report else None
    if out_dir is not None:
        from checker.report.writer import check_writable

        check_writable(out_dir)

    from checker.lossval.validate import validate_loss

    def say(msg: str) -> None:
        if not as_json and sys.stderr.isatty():
            click.echo(f"  ... {msg}", err=True)

    result = validate_loss(
        loss,
        domain=dom,
        etas=eta_values,
        runs=n_runs,
        steps=n_steps,
        prec=bits,
        max_prec=top,
        simulate=not no_sim,
        diagram=not no_diagram,
        seed=seed,
        progress=say,
    )
    payload = result.to_json()
    report_path = None
    if out_dir is not None:
        report_path = _write_report(result, payload, out_dir, started, time.monotonic() - t0, seed)
        payload["report"] = str(report_path)
        payload["report_html"] = str(_render_html(report_path))
    if as_json:
        print_json(payload)
    else:
        _print_human(result, payload)
        if report_path is not None:
            click.echo(f"report: {report_path} (rendered: {payload['report_html']})")
    return result.exit_code


def _render_html(report_path: Path) -> Path:
    """Render the written JSON (from the file, exactly as `eoscheck report` would) into a sibling .html."""
    from checker.report.document import load_document
    from checker.report.render_html import render_html
    from checker.report.writer import atomic_write_text

    out = report_path.with_suffix(".html")
    atomic_write_text(out, render_html(load_document(report_path)))
    return out


def _z() -> Any:
    from checker.parse import Z

    return Z


def _int(name: str, text: str, lo: int, hi: int) -> int:
    try:
        value = float(text)
    except ValueError:
        fail(f"{name} must be an integer, not {text!r}")
    if not math.isfinite(value) or value != int(value):
        fail(f"{name} must be an integer, not {text!r}")
    if not lo <= int(value) <= hi:
        fail(f"{name} must be in {lo}..{hi}, not {text}")
    return int(value)


def _num(enc: dict[str, str] | None, digits: int = 8) -> str:
    if enc is None:
        return "n/a"
    from decimal import Decimal

    lo, hi = Decimal(enc["lo"]), Decimal(enc["hi"])
    if lo == hi:
        return f"{float(lo):.{digits}g} (exact)"
    mid = float((lo + hi) / 2)
    if abs(mid) > 0 and (hi - lo) / abs(Decimal(mid)) < Decimal(10) ** -digits:
        return f"{mid:.{digits}g} (+/- {float(hi - lo) / 2:.1e})"
    return f"[{float(lo):.{digits}g}, {float(hi):.{digits}g}]"


def _print_human(result: Any, payload: dict[str, Any]) -> None:
    echo = click.echo
    echo(f"loss l(z) = {payload['loss']['text']}" + _params(payload))
    if not result.minimizers:
        echo(click.style("NO MINIMISER", fg="red") + f": {result.no_minimizer_reason}")
    for m in payload["minimizers"]:
        colour = {"product-stable": "green", "not-product-stable": "red"}.get(m["verdict"], "yellow")
        echo(
            click.style(f"[{m['evidence']}] ", fg=colour)
            + f"z* = {_num(m['z'], 10)}: "
            + click.style(VERDICT_TEXT[m["verdict"]], fg=colour)
            + f"; alpha = {_num(m['alpha'])}"
        )
    echo(
        "  (product-stable: alpha_l(z*) = 3 l'''^2 - l'' l'''' > 0, GAN-A-D4.1: SECONDARY + DERIVED, wording "
        "RECONSTRUCTED; convergence GAN-A-T4.2: RECONSTRUCTED; final sharpness GAN-A-T4.3: DERIVED)"
    )
    echo("")
    echo("evidence:")
    lo, hi = result.domain
    kinds = ", ".join(f"{p['kind']} at {_num(p['z'], 8)}" for p in payload["critical_points"]) or "none"
    echo(f"  critical points of l in [{lo:g}, {hi:g}] (Krawczyk on l', certified): {kinds}")
    for r in payload["undecided_regions"]:
        echo(f"  UNDECIDED region [{r['lo']:.12g}, {r['hi']:.12g}]: {r['reason']}")
    for r in payload["kinks"]:
        echo(f"  kink near [{r['lo']:.12g}, {r['hi']:.12g}]: {r['reason']}")
    for m in payload["minimizers"]:
        _print_minimizer(m)
    for note in payload["notes"]:
        echo(f"  note: {note}")


def _params(payload: dict[str, Any]) -> str:
    ps = payload["loss"]["params"]
    return (" with " + ", ".join(f"{k}={v}" for k, v in ps.items())) if ps else ""


def _print_minimizer(m: dict[str, Any]) -> None:
    echo = click.echo
    d = m["derivatives"]
    echo(f"  minimiser {m['index']}: {m['reason']}")
    echo(f"    l'' = {_num(d['l2'])}, l''' = {_num(d['l3'])}, l'''' = {_num(d['l4'])} (arb, {d['prec']} bits)")
    for e in m["etas"]:
        sim = e["simulation"]
        echo(
            f"    eta = {e['eta']:g}: threshold s_c = 2/(eta a) = {_num(e['s_c'], 8)}; "
            f"P = {_num(e['P'], 6)} ({e['P_sign']})"
        )
        if e["predicted_final_sharpness"] is not None:
            echo(
                f"      predicted final sharpness (GAN-A-T4.3, DERIVED) {e['predicted_final_sharpness']:.8g} "
                f"(eta * lambda = {e['predicted_final_eta_sharpness']:.8g}; 2/eta = {2 / e['eta']:.8g})"
            )
        echo(f"      regime: {e['regime']}")
        if sim:
            med = sim.get("final_sharpness_median")
            echo(
                f"      simulation [{sim['verdict']}, float64 JAX]: {sim['runs']} runs: converged "
                f"{sim['converged_fraction']:.1%}, diverged {sim['diverged_fraction']:.1%}, oscillating "
                f"{sim['oscillating_fraction']:.1%}"
                + (f"; median final sharpness {med:.8g}" if med is not None else "")
            )
            echo(f"        {sim['summary']}")
            for r in sim.get("mp_replays", []):
                f64, mp = r["float64"], r["mpmath"]
                echo(
                    f"        mpmath {mp['dps']} digits replay #{r['index']}: {mp['status']} (float64: {f64['status']})"
                    + (f", sharpness {mp['sharpness']:.12g} vs {f64['sharpness']:.12g}" if mp["sharpness"] else "")
                    + (" - agrees" if r["agrees"] else " - DISAGREES")
                )
    bif = m.get("bifurcation")
    if bif:
        pts = bif["points"]
        n_cert = sum(p["status"] == "certified" for p in pts)
        kinds = sorted({p["stability"] for p in pts if p["status"] == "certified"})
        echo(
            f"    2-cycles of the frozen-D map at eta = {bif['eta']:g} (GAN-A-FLIP): {n_cert}/{len(pts)} overshoots "
            f"certified (Krawczyk), {', '.join(kinds) or 'none'}"
        )
        for p in pts[:: max(1, len(pts) // 3)]:
            if p["status"] == "certified":
                amp = (abs(p["u"][0]) + abs(p["u"][1])) / 2
                echo(
                    f"      sigma = {p['sigma']:+.3g}: u = {p['u'][0]:+.5g} / {p['u'][1]:+.5g} ({p['stability']}), "
                    f"|u| ~ {amp:.5g}"
                )


def _write_report(result: Any, payload: dict[str, Any], out_dir: Path, started: str, seconds: float, seed: int) -> Path:
    from checker.claim import ClaimResult, RunRecord
    from checker.property import Property, Source
    from checker.report.writer import write_report
    from checker.verdict import Evidence, EvidenceClass, Provenance, Verdict

    claims = []
    for m in result.minimizers:
        verdict = {
            ("product-stable", "CERTIFIED"): Verdict.CERTIFIED,
            ("degenerate", "PROVED"): Verdict.PROVED,
        }.get((m.verdict, m.evidence))
        if m.verdict == "not-product-stable":
            verdict = Verdict.CERTIFIED  # the claim below is stated as the certified sign
        verdict = verdict or Verdict.UNDECIDED
        rigorous = verdict in (Verdict.CERTIFIED, Verdict.PROVED)
        cls = (
            (EvidenceClass.SYMBOLIC if m.evidence == "PROVED" else EvidenceClass.BALL)
            if rigorous
            else EvidenceClass.NONE
        )
        statement = {
            "product-stable": "alpha_l(z*) > 0: z* is product-stable",
            "not-product-stable": "alpha_l(z*) < 0: z* is NOT product-stable",
            "degenerate": "alpha_l(z*) = 0 exactly: degenerate",
        }.get(m.verdict, "the sign of alpha_l(z*)")
        prop = Property(
            id=f"LOSS-MIN-{m.index}",
            title=f"product-stability of minimiser {m.index} of {result.loss['text']}",
            source=Source("user", "", "GAN-A-D4.1"),
            statement=statement,
            provenance=[Provenance.SECONDARY, Provenance.DERIVED, Provenance.RECONSTRUCTED],  # D4.1 wording
            open_points=("O-1",),
            check=lambda: None,  # type: ignore[arg-type,return-value]
        )
        ev = Evidence(
            verdict=verdict,
            evidence_class=cls,
            summary=m.reason,
            numbers={"z": m.z, "alpha": m.alpha},
            certificates=m.certificates,
            series={"bifurcation": m.bifurcation} if m.bifurcation else {},
            precision=f"arb {m.derivatives['prec']} bits",
        )
        claims.append(ClaimResult(prop=prop, verdict=verdict, evidence=ev))
    record = RunRecord(
        kind="loss",
        command=["eoscheck", *sys.argv[1:]],
        profile="loss",
        seed=seed,
        started=started,
        seconds=seconds,
        claims=claims,
        extra={"loss": payload},
    )
    return write_report(record, out_dir)
