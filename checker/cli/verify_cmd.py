"""``eoscheck verify REPORT.json``: re-check every certificate of every PROVED/CERTIFIED claim.

No search and no simulation runs: sympy and python-flint re-check what the report stores
(checker/verify.py). Exit 0 all verified, 1 a certificate (or a rigorous claim without one) failed,
2 the file is unreadable or not a valid v1 report.
"""

from __future__ import annotations

from pathlib import Path

import click

from checker.cli.common import EXIT_OK, EXIT_REFUTED, print_json


@click.command(
    help="""Re-check the certificates in a report, without re-running any search.

\b
  eoscheck verify reports/eoscheck-run-quick-seed0-1a2b3c4d.json

Every PROVED/CERTIFIED claim must carry certificates that sympy (identities) and python-flint
(ball arithmetic) re-verify. Exit code: 0 all verified, 1 a certificate failed, 2 unreadable file."""
)
@click.argument("report", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="print the findings as JSON")
def command(report: Path, as_json: bool) -> int:
    from checker.verify import verify_file

    findings = verify_file(report)
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
    return EXIT_REFUTED if failed else EXIT_OK
