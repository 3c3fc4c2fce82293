"""``eoscheck verify REPORT.json``: re-check a whole report with the independent verifier (checker/verifier/).

No search and no simulation runs. Exit 0 everything verified, 1 a claim (or the document) failed, 2 the
file is unreadable or not a report (one line, never a traceback).
"""

from __future__ import annotations

from pathlib import Path

import click

from checker.cli.common import EXIT_OK, EXIT_REFUTED, OUTPUT_LEGEND, fail, print_json


@click.command(
    help="""Re-check a report, without re-running any search.

\b
  eoscheck verify reports/eoscheck-run-quick-seed0-1a2b3c4d.json

Every certificate is re-derived (identities with sympy, inequalities and roots in arb ball arithmetic);
every PROVED/CERTIFIED claim must carry the catalogue's formal statement and certificates that prove it;
the summary, ids and selection are recomputed; a loss report's verdicts must follow from its cover.
Exit code: 0 all verified, 1 something failed (the claim is named), 2 unreadable file."""
)
@click.argument("report", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="print the findings as JSON")
@click.option(
    "--budget",
    type=click.FloatRange(1, 86400),
    default=600,
    show_default=True,
    help="seconds for the whole file (each certificate also has its own limit)",
)
def command(report: Path, as_json: bool, budget: float) -> int:
    from checker.verifier import Unreadable, verify_file
    from checker.verifier.limits import Budget

    try:
        findings = verify_file(report, Budget(budget))
    except Unreadable as exc:
        fail(str(exc))
        raise AssertionError from None  # fail() raises
    failed = [f for f in findings if f.status == "failed"]
    verified = [f for f in findings if f.status == "verified"]
    if as_json:
        print_json({"report": str(report), "ok": not failed, "findings": [f.__dict__ for f in findings]})
    else:
        marks = {
            "verified": ("OK  ", "green"),
            "supported": ("ok  ", "cyan"),
            "failed": ("FAIL", "red"),
            "skipped": ("--  ", None),
        }
        for f in findings:
            mark, colour = marks[f.status]
            click.echo(f"{click.style(mark, fg=colour)} {f.claim}: {f.message}")
        click.echo(
            f"{len(verified)} rigorous claim(s) verified, {len(failed)} failed, "
            f"{sum(f.status == 'supported' for f in findings)} supporting, "
            f"{sum(f.status == 'skipped' for f in findings)} without certificates"
        )
        click.echo(OUTPUT_LEGEND["verify"])  # the marks above are terse: say what they mean where they are read
    return EXIT_REFUTED if failed else EXIT_OK
