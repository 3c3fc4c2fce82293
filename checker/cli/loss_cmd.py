"""``eoscheck loss EXPR``: does GD on l(xy) converge at the Edge of Stability for this loss?

The CLI parses, calls :func:`checker.lossval.validate.validate_loss` (or the family job), prints, and writes
the report from :func:`checker.lossval.claims.to_record`; the verdicts and the exit code come from the
result object. Output: the two headline verdicts (product-stability of l at its minimisers; GD convergence
in the simulated range), then per minimiser, then the cover of the domain. Exit 0 iff the cover of the
domain is complete and every minimiser is CERTIFIED product-stable (for a family: the whole parameter
interval PROVED product-stable); 1 otherwise; 2 on bad input (checked before any work, including the
report directory).
"""

from __future__ import annotations

import json
import math
import sys
import time
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import click

from checker.backends.precision import REFINE_BITS_MAX, USER_BITS_MAX, USER_BITS_MIN
from checker.cli.common import ETA, EXIT_BAD_INPUT, SEED, fail, parse_eta
from checker.cli.progress import StderrProgress

MIN_PREC, MAX_PREC = USER_BITS_MIN, USER_BITS_MAX
MAX_RUNS = 10_000_000


@click.command(
    help="""Decide whether GD on L(x, y) = l(xy) converges at the Edge of Stability for the loss l(z).

\b
  eoscheck loss "log(1+exp(z)) - 0.8*z"
  eoscheck loss "log(1+exp(z)) - p*z" --param p=0.9 --eta 0.1 --eta 0.05
  eoscheck loss "log(1+exp(z)) - p*z" --param p=0.55..0.95 --domain -10,10
  eoscheck loss "(z**2-1)**2/4" --domain -3,3 --json

A certified cover of --domain (signs of l', Krawczyk roots, exact multiple roots), certified
product-stability alpha = 3 l3^2 - l2 l4 (GAN-A-D4.1) at every minimiser, finite-eta flip coefficient P
and final sharpness (GAN-A-FLIP, GAN-A-T4.3), certified 2-cycles, batched simulations and the measured basin.
--param NAME=LO..HI decides product-stability over a whole parameter interval (two of them: a rectangle).
Exit code: 0 every minimiser certified product-stable and nothing in the domain undecided, 1 otherwise, 2 bad
input."""
)
@click.argument("expr")
@click.option("--param", "-p", "params", multiple=True, help="NAME=VALUE (exact rational) or NAME=LO..HI (a family)")
@click.option("--domain", default="-50,50", show_default=True, help="interval A,B classified for minimisers")
@click.option(
    "--eta",
    "etas",
    multiple=True,
    type=ETA,
    help="learning rate (repeatable); default: eta_1 = min(0.2/l'', 0.5/(l''|z*|), sqrt(|alpha|/(600 l''^4))) "
    "rounded down to 2 digits, and eta_1/2",
)
@click.option(
    "--runs", type=click.IntRange(1, MAX_RUNS), default=10000, show_default=True, help="simulated trajectories per eta"
)
@click.option("--overshoot", default="0.01,0.1", show_default=True, help="simulated overshoot range LO,HI of sigma_0")
@click.option("--no-sim", is_flag=True, help="skip the simulations and the basin (certified part only)")
@click.option("--no-basin", is_flag=True, help="skip the basin measurement")
@click.option(
    "--steps", type=click.IntRange(1, 10**8), default=20000, show_default=True, help="step budget per trajectory"
)
@click.option(
    "--prec", type=click.IntRange(MIN_PREC, MAX_PREC), default=128, show_default=True, help="ball precision in bits"
)
@click.option(
    "--max-prec",
    type=click.IntRange(MIN_PREC, MAX_PREC),
    default=None,
    help=f"precision ceiling when alpha straddles 0 [default: {REFINE_BITS_MAX}, or --prec if larger]",
)
@click.option("--no-diagram", is_flag=True, help="skip the certified 2-cycle diagram")
@click.option("--seed", type=SEED, default=0, show_default=True, help="seed of the simulation starts")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@click.option("--report", is_flag=True, help="write the JSON report and its HTML rendering into --report-dir")
@click.option("--report-dir", default="reports", show_default=True)
def command(
    expr: str,
    params: tuple[str, ...],
    domain: str,
    etas: tuple[float, ...],
    runs: int,
    overshoot: str,
    steps: int,
    prec: int,
    max_prec: int | None,
    no_sim: bool,
    no_basin: bool,
    no_diagram: bool,
    seed: int,
    as_json: bool,
    report: bool,
    report_dir: str,
) -> int:
    from checker.loss import Loss

    started = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.monotonic()
    fixed, ranges = _parse_params(params)
    loss = Loss.from_string(expr, {**fixed, **{k: str(lo) for k, (lo, _) in ranges.items()}})
    if not loss.expr.has(_z()):
        fail(f"the loss {expr!r} does not depend on z")
    dom = _domain(domain)
    eta_values = [parse_eta(str(e)) for e in etas]
    sigma_range = _overshoot(overshoot)
    n_runs = _int("--runs", str(runs), 1, MAX_RUNS)
    n_steps = _int("--steps", str(steps), 1, 10**8)
    bits = _int("--prec", str(prec), MIN_PREC, MAX_PREC)
    top = max(REFINE_BITS_MAX, bits) if max_prec is None else _int("--max-prec", str(max_prec), bits, MAX_PREC)
    if len(ranges) > 2:
        fail("give one or two NAME=LO..HI parameter ranges (a family in at most two parameters)")
    out_dir = Path(report_dir) if report else None
    if out_dir is not None:
        from checker.report.writer import check_writable

        check_writable(out_dir)

    # Phases and batch counts on stderr, in a terminal or not: a long simulation must not look hung.
    say = StderrProgress(enabled=not as_json)

    result: Any
    if ranges:
        from checker.lossval.family import decide_families

        spans = [(name, lo, hi) for name, (lo, hi) in ranges.items()]
        result = decide_families(expr, fixed, spans, domain=dom, prec=bits, progress=say)
    else:
        from checker.lossval.validate import validate_loss

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
            basin=not (no_sim or no_basin),
            sigma_range=sigma_range,
            seed=seed,
            progress=say,
        )
    say.close()
    payload = result.to_json()
    # Results first, the report after: a report that cannot be written (full disk, a directory that became
    # read-only) must not lose a run of minutes. With --json the payload says what was not written.
    problems: list[str] = []
    if as_json:
        if out_dir is not None:
            problems = _save(result, out_dir, started, t0, seed, payload)
            if problems:
                payload["output_errors"] = problems
        click.echo(json.dumps(payload, indent=2, allow_nan=False))
    else:
        from checker.lossval.text import render

        for line in render(result):
            click.echo(line)
        if out_dir is not None:
            problems = _save(result, out_dir, started, t0, seed, payload)
            if payload.get("report"):
                rendered = f" (rendered: {payload['report_html']})" if payload.get("report_html") else ""
                click.echo(f"report: {payload['report']}{rendered}")
    for problem in problems:
        click.echo(f"eoscheck: error: {problem}; the results above are complete", err=True)
    return EXIT_BAD_INPUT if problems else int(result.exit_code)


def _save(result: Any, out_dir: Path, started: str, t0: float, seed: int, payload: dict[str, Any]) -> list[str]:
    """Write the JSON report, then its HTML; fill payload's report paths; return what could not be written.

    Each file is written atomically (whole or absent). A JSON report that was written stays when only its
    HTML rendering fails: it is complete, and `eoscheck report` renders it later.
    """
    from checker.errors import UserInputError
    from checker.lossval.claims import to_record

    record = to_record(result, ["eoscheck", *sys.argv[1:]], started, time.monotonic() - t0, seed)
    payload["report"] = payload["report_html"] = None
    try:
        report_path = _write(record, out_dir)
    except (OSError, UserInputError) as exc:
        return [f"the report was not written to {out_dir}: {_why(exc)}"]
    payload["report"] = str(report_path)
    try:
        payload["report_html"] = str(_render_html(report_path))
    except (OSError, UserInputError) as exc:
        return [
            f"the report's HTML was not written ({_why(exc)}); {report_path} is complete: render it later "
            f"with 'eoscheck report {report_path}'"
        ]
    return []


def _why(exc: BaseException) -> str:
    return str(exc.strerror or exc) if isinstance(exc, OSError) else str(exc)


def _parse_params(pairs: tuple[str, ...]) -> tuple[dict[str, str], dict[str, tuple[Fraction, Fraction]]]:
    """NAME=VALUE (a fixed exact value) and NAME=LO..HI (a family's interval, exact rationals)."""
    from checker.loss import parse_parameter

    fixed: dict[str, str] = {}
    ranges: dict[str, tuple[Fraction, Fraction]] = {}
    for pair in pairs:
        name, sep, value = (x.strip() for x in pair.partition("="))
        if not sep or not name or not value:
            fail(f"parameter {pair!r} must look like NAME=VALUE or NAME=LO..HI, e.g. p=0.8 or p=0.55..0.95")
        if name in fixed or name in ranges:
            fail(f"parameter {name} given twice")
        if ".." in value:
            lo_t, _, hi_t = value.partition("..")
            lo, hi = (Fraction(str(parse_parameter(name, t))) for t in (lo_t, hi_t))
            if not lo < hi:
                fail(f"parameter range {pair!r} needs LO < HI")
            ranges[name] = (lo, hi)
        else:
            parse_parameter(name, value)
            fixed[name] = value
    return fixed, ranges


def _domain(text: str) -> tuple[Fraction, Fraction]:
    """``A,B``: finite numbers, A < B, kept exact (the cover's endpoints are exact decimals)."""
    from checker.certify.minimizers import parse_domain

    parse_domain(text)  # the one-line errors
    lo, hi = (Fraction(p.strip()) for p in text.split(","))
    return lo, hi


def _overshoot(text: str) -> tuple[float, float]:
    parts = text.split(",")
    try:
        lo, hi = (float(p) for p in parts)
    except ValueError:
        fail(f"--overshoot must look like LO,HI (e.g. 0.01,0.1), not {text!r}")
    if not (math.isfinite(lo) and math.isfinite(hi) and 0 < lo <= hi):
        fail(f"--overshoot needs 0 < LO <= HI, finite, not {text!r}")
    return lo, hi


def _write(record: Any, out_dir: Path) -> Path:
    """Build, validate and write the report; its name says which loss it is about (eoscheck-loss-EXPR-...)."""
    from checker.report.document import build_document
    from checker.report.writer import report_name, write_document

    return write_document(build_document(record), out_dir / report_name(record))


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
