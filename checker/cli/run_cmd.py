"""``eoscheck run``: check properties (the catalogue, a selection, or a user's file) and write a report.

Output: one line per claim (verdict, id, provenance with RECONSTRUCTED visible, a short evidence
summary); refutations add the counterexample and how to replay it. Exit 0 if nothing is REFUTED, 1 if
something is, 2 on bad input (checked before any property runs, including the report directory).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from checker.claim import ClaimResult, RunRecord, jsonable
from checker.cli.common import EXIT_OK, EXIT_REFUTED, fail, print_json, progress
from checker.profiles import DEFAULT_PROFILE, PROFILES, get_profile
from checker.property import Property
from checker.verdict import Verdict

COLOURS = {
    Verdict.PROVED: "green",
    Verdict.CERTIFIED: "green",
    Verdict.CORROBORATED: "cyan",
    Verdict.UNDECIDED: "yellow",
    Verdict.REFUTED: "red",
}


@click.command(
    help="""Check properties (theorems) and write a report.

\b
TARGETS are property ids (globs allowed: 'GAN-A-*') and/or .py files defining PROPERTIES:
  eoscheck run                          the whole catalogue, quick profile
  eoscheck run GAN-A-L3.1 DNL-L3        selected properties
  eoscheck run --paper damian2023 --profile ci --seed 7
  eoscheck run my_props.py              your own properties (see the README)

Exit code: 0 nothing refuted, 1 a claim refuted, 2 bad input."""
)
@click.argument("targets", nargs=-1)
@click.option("--paper", default=None, help="only the properties of this paper key (see `eoscheck list`)")
@click.option(
    "--profile",
    default=DEFAULT_PROFILE,
    show_default=True,
    help="settings profile: " + ", ".join(f"{p.name} ({p.description})" for p in PROFILES.values()),
)
@click.option("--seed", type=int, default=None, help="run seed (recorded in the report; replays the run)")
@click.option("--json", "as_json", is_flag=True, help="print the results as JSON instead of lines")
@click.option("--report-dir", default="reports", show_default=True, help="where the JSON report is written")
@click.option("--no-report", is_flag=True, help="do not write a report")
@click.option("--junit", default=None, help="also write a JUnit XML file (for CI)")
@click.option("--jobs", type=int, default=1, show_default=True, help="worker processes")
@click.option("--scheduler", default=None, help="run on the Dask cluster at this address (e.g. tcp://host:8786)")
@click.option("--workers", type=int, default=None, help="run on an embedded Dask LocalCluster of N workers")
def command(
    targets: tuple[str, ...],
    paper: str | None,
    profile: str,
    seed: int | None,
    as_json: bool,
    report_dir: str,
    no_report: bool,
    junit: str | None,
    jobs: int,
    scheduler: str | None,
    workers: int | None,
) -> int:
    from checker import registry
    from checker.runner import resolve_seed
    from checker.suite import in_order, iter_suite

    prof = get_profile(profile)
    if jobs < 1:
        fail(f"--jobs must be >= 1, not {jobs}")
    if scheduler is not None and workers is not None:
        fail("give either --scheduler or --workers, not both")
    if (scheduler is not None or workers is not None) and jobs > 1:
        fail("--jobs is for local worker processes; with --scheduler or --workers leave it out")
    if workers is not None and workers < 1:
        fail(f"--workers must be >= 1, not {workers}")
    props = registry.resolve_targets(targets, paper)
    if not props:
        fail("nothing to run: the selection is empty")
    out_dir = None if no_report else _writable_dir(Path(report_dir))
    if junit is not None:
        _writable_dir(Path(junit).expanduser().resolve().parent)
    run_seed = resolve_seed(seed, prof)

    started = datetime.now(UTC)
    t0 = time.perf_counter()
    stream = iter_suite(props, profile=profile, seed=run_seed, jobs=jobs, scheduler=scheduler, workers=workers)
    claims = in_order(props, progress(stream, f"checking {len(props)} properties", length=len(props)))
    record = RunRecord(
        kind="run",
        command=_command_line(targets, paper, profile, run_seed, jobs),
        profile=profile,
        seed=run_seed,
        started=started.isoformat(timespec="seconds"),
        seconds=time.perf_counter() - t0,
        claims=claims,
        code_hash=registry.code_hash(props),
        extra={
            "jobs": jobs,
            "scheduler": scheduler,
            "workers": workers,
            "selection": {"targets": list(targets), "paper": paper},
        },
    )
    report_path = _write_outputs(record, out_dir, junit)
    if as_json:
        print_json(_json_payload(record, report_path))
    else:
        _print_lines(record, report_path)
    return EXIT_REFUTED if any(c.verdict is Verdict.REFUTED for c in claims) else EXIT_OK


def _command_line(targets: tuple[str, ...], paper: str | None, profile: str, seed: int, jobs: int) -> list[str]:
    """The command that replays this run (the seed is always explicit, even if it was drawn)."""
    line = ["eoscheck", "run", *targets, "--profile", profile, "--seed", str(seed)]
    if paper:
        line += ["--paper", paper]
    if jobs > 1:
        line += ["--jobs", str(jobs)]
    return line


def _writable_dir(path: Path) -> Path:
    """Create the directory and prove it is writable now, before minutes of checking."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".eoscheck-write-test-{time.time_ns()}"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        fail(f"cannot write to {path}: {exc.strerror or exc}; choose another --report-dir or use --no-report")
    return path


def _write_outputs(record: RunRecord, out_dir: Path | None, junit: str | None) -> Path | None:
    report_path = None
    if out_dir is not None:
        try:
            from checker.report.writer import write_report
        except ImportError:
            click.echo("eoscheck: warning: the report writer is not installed; no report written", err=True)
        else:
            report_path = write_report(record, out_dir)
    if junit is not None:
        try:
            from checker.report.junit import write_junit
        except ImportError:
            click.echo("eoscheck: warning: the JUnit writer is not installed; no JUnit file written", err=True)
        else:
            write_junit(record, Path(junit))
    return report_path


def _json_payload(record: RunRecord, report_path: Path | None) -> dict[str, Any]:
    return {
        "profile": record.profile,
        "seed": record.seed,
        "seconds": round(record.seconds, 3),
        "code_hash": record.code_hash,
        "report": None if report_path is None else str(report_path),
        "refuted": [c.prop.id for c in record.claims if c.verdict is Verdict.REFUTED],
        "claims": [jsonable(c.to_json()) for c in record.claims],
    }


def claim_line(res: ClaimResult) -> str:
    """One line: verdict, id, provenance (RECONSTRUCTED in capitals and flagged), evidence summary."""
    p = res.prop
    verdict = click.style(f"{res.verdict.value:<12}", fg=COLOURS[res.verdict], bold=res.verdict is Verdict.REFUTED)
    flag = " [RECONSTRUCTED]" if p.reconstructed else ""
    summary = res.evidence.summary.replace("\n", " ")
    if len(summary) > 110:
        summary = summary[:107] + "..."
    extra = _brief_stats(res)
    return f"{verdict} {p.id:<14} {p.provenance_label}{flag} | {summary}{extra} ({res.seconds:.1f}s)"


def _brief_stats(res: ClaimResult) -> str:
    bits = []
    if res.prop.strategy is not None:
        bits.append(f"n={res.stats.examples}")
        if res.stats.best_target is not None:
            bits.append(f"worst margin {res.stats.best_target:.3g}")
    return f" [{', '.join(bits)}]" if bits else ""


def _replay_target(prop: Property) -> str:
    """What to pass to `eoscheck run` to re-run one property: its id, plus its file for user properties."""
    from checker import registry

    origin = registry.origin_of(prop)
    return f"{origin.name} {prop.id}" if origin is not None and origin.kind == "file" else prop.id


def _print_lines(record: RunRecord, report_path: Path | None) -> None:
    for res in record.claims:
        click.echo(claim_line(res))
        if res.verdict is Verdict.REFUTED:
            click.echo(f"    counterexample: {jsonable(res.evidence.counterexample)}")
            if res.stats.replay:
                click.echo(
                    f"    replay: eoscheck run {_replay_target(res.prop)} --seed {record.seed}   ({res.stats.replay})"
                )
        for note in res.notes:
            if note.startswith("ERROR") or "not confirmed" in note or "not re-checked" in note:
                click.echo(f"    note: {note}")
    counts: dict[str, int] = {}
    for res in record.claims:
        counts[res.verdict.value] = counts.get(res.verdict.value, 0) + 1
    tally = ", ".join(f"{counts[v.value]} {v.value}" for v in Verdict if v.value in counts)
    recon = sum(1 for r in record.claims if r.prop.reconstructed)
    recon_txt = f"; {recon} with RECONSTRUCTED statements" if recon else ""
    click.echo(
        f"{len(record.claims)} claims: {tally}{recon_txt}. profile {record.profile}, seed {record.seed}, "
        f"{record.seconds:.1f}s"
    )
    if report_path is not None:
        click.echo(f"report: {report_path}")
