"""``eoscheck run``: check properties (the catalogue, a selection, or a user's file) and write a report.

Output: one line per claim as soon as it finishes, in a terminal or not (verdict, id, provenance with
RECONSTRUCTED visible, a short evidence summary); refutations add the counterexample and how to replay it.
Exit 0 if nothing is REFUTED, 1 if something is, 2 on bad input (checked before any property runs,
including the report directory) or when the report cannot be written (the results are printed all the same).
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from checker.claim import ClaimResult, RunRecord, jsonable
from checker.cli.common import EXIT_BAD_INPUT, EXIT_OK, EXIT_REFUTED, JOBS, SEED, fail, print_json
from checker.errors import UserInputError
from checker.guard import DEFAULT_EXAMPLE_TIMEOUT_S, TIMEOUT_ENV, install_interrupt_handler
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

Each claim's line is printed as soon as it is decided; the report is written at the end (if it cannot be,
the results are still printed and the exit code is 2)."""
)
@click.argument("targets", nargs=-1)
@click.option("--paper", default=None, help="only the properties of this paper key (see `eoscheck list`)")
@click.option(
    "--profile",
    default=DEFAULT_PROFILE,
    show_default=True,
    help="settings profile: " + ", ".join(f"{p.name} ({p.description})" for p in PROFILES.values()),
)
@click.option("--seed", type=SEED, default=None, help="run seed (recorded in the report; replays the run)")
@click.option("--json", "as_json", is_flag=True, help="print the results as JSON instead of lines")
@click.option("--report-dir", default="reports", show_default=True, help="where the JSON report is written")
@click.option("--no-report", is_flag=True, help="do not write a report")
@click.option("--junit", default=None, help="also write a JUnit XML file (for CI)")
@click.option("--jobs", type=JOBS, default=1, show_default=True, help="worker processes")
@click.option("--scheduler", default=None, help="run on the Dask cluster at this address (e.g. tcp://host:8786)")
@click.option(
    "--workers", type=click.IntRange(1, 512), default=None, help="run on an embedded Dask LocalCluster of N workers"
)
@click.option(
    "--example-timeout",
    type=click.FloatRange(min=0),
    default=DEFAULT_EXAMPLE_TIMEOUT_S,
    show_default=True,
    help="seconds one example of a check may take before the claim is UNDECIDED (timed out); 0: no limit. "
    "Python code is stopped at once; a long call into C (a compiled kernel, a huge ball product) when it returns",
)
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
    example_timeout: float,
) -> int:
    from checker import registry
    from checker.runner import resolve_seed
    from checker.suite import in_order, iter_suite

    prof = get_profile(profile)
    if scheduler is not None and workers is not None:
        fail("give either --scheduler or --workers, not both")
    if (scheduler is not None or workers is not None) and jobs > 1:
        fail("--jobs is for local worker processes; with --scheduler or --workers leave it out")
    props = registry.resolve_targets(targets, paper)
    if not props:
        fail("nothing to run: the selection is empty")
    out_dir = None if no_report else _writable_dir(Path(report_dir))
    if junit is not None:
        _writable_dir(Path(junit).expanduser().resolve().parent)
    run_seed = resolve_seed(seed, prof)
    _set_for_this_run(TIMEOUT_ENV, repr(example_timeout))  # read by every check call, here and in the workers
    # A Ctrl-C of the user ends the run; a KeyboardInterrupt raised by a check is that claim's error.
    click.get_current_context().call_on_close(install_interrupt_handler())

    started = datetime.now(UTC)
    t0 = time.perf_counter()
    stream = iter_suite(props, profile=profile, seed=run_seed, jobs=jobs, scheduler=scheduler, workers=workers)
    # Each claim's lines as it finishes: a run killed later, or a report that cannot be written, loses nothing.
    claims = in_order(props, stream, on_result=None if as_json else lambda res: _print_claim(res, run_seed))
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
    report_path, problems = _write_outputs(record, out_dir, junit)
    if as_json:
        payload = _json_payload(record, report_path)
        if problems:
            payload["output_errors"] = problems
        print_json(payload)
    else:
        _print_summary(record, report_path)
    if problems:
        for problem in problems:
            click.echo(f"eoscheck: error: {problem}; the results above are complete", err=True)
        return EXIT_BAD_INPUT
    return EXIT_REFUTED if any(c.verdict is Verdict.REFUTED for c in claims) else EXIT_OK


def _set_for_this_run(name: str, value: str) -> None:
    """Set an environment variable until the command ends (worker processes inherit it)."""
    previous = os.environ.get(name)
    os.environ[name] = value

    def restore() -> None:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous

    click.get_current_context().call_on_close(restore)


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


def _write_outputs(record: RunRecord, out_dir: Path | None, junit: str | None) -> tuple[Path | None, list[str]]:
    """Write the report and the JUnit file; a file that cannot be written is a problem to report, not a crash.

    Returns the report's path (None if not written) and one line per file that could not be written.
    """
    from checker.report.junit import write_junit
    from checker.report.writer import write_report

    report_path = None
    problems: list[str] = []
    if out_dir is not None:
        try:
            report_path = write_report(record, out_dir)
        except (OSError, UserInputError) as exc:
            problems.append(f"the report was not written to {out_dir}: {_why(exc)}")
    if junit is not None:
        try:
            write_junit(record, Path(junit))
        except (OSError, UserInputError) as exc:
            problems.append(f"the JUnit file {junit} was not written: {_why(exc)}")
    return report_path, problems


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return str(exc.strerror or exc)
    return str(exc)


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


def _print_claim(res: ClaimResult, seed: int) -> None:
    """The claim's line and, for a refutation or an error, the lines that say how to replay or fix it."""
    click.echo(claim_line(res))
    if res.verdict is Verdict.REFUTED:
        click.echo(f"    counterexample: {jsonable(res.evidence.counterexample)}")
        if res.stats.replay:
            click.echo(f"    replay: eoscheck run {_replay_target(res.prop)} --seed {seed}   ({res.stats.replay})")
    for note in res.notes:
        if note.startswith("ERROR") or "not confirmed" in note or "not re-checked" in note:
            click.echo(f"    note: {note}")


def _print_summary(record: RunRecord, report_path: Path | None) -> None:
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
