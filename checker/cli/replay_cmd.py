"""``eoscheck replay REPORT.json CLAIM``: re-decide the counterexample a report stored for one claim.

Exit 0 the instance is not refuted now, 1 it is refuted again (confirmed by the recheck where the property
has one), 2 the report is unreadable, the claim unknown or without a counterexample.
"""

from __future__ import annotations

from pathlib import Path

import click

from checker.cli.common import EXIT_OK, EXIT_REFUTED, print_json
from checker.verdict import Verdict


@click.command(
    help="""Re-check the counterexample stored in a report for one claim, without any search.

\b
  eoscheck replay reports/eoscheck-run-ci-seed16-1a2b3c4d.json GAN-B-TAN

Runs the claim's check on the stored parameters and, if it refutes, the independent recheck.
Exit code: 0 not refuted now, 1 refuted again, 2 unreadable report or unknown claim."""
)
@click.argument("report", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("claim")
@click.option("--json", "as_json", is_flag=True, help="print the outcome as JSON")
def command(report: Path, claim: str, as_json: bool) -> int:
    from checker.replay import find_property, replay, stored_counterexample
    from checker.report.document import load_document

    doc = load_document(report)
    stored = stored_counterexample(doc, claim)
    prop = find_property(claim, list(doc.get("command", [])))
    out = replay(prop, stored)
    if as_json:
        print_json(
            {
                "claim": out.claim,
                "params": {k: str(v) for k, v in out.params.items()},
                "verdict": out.verdict.value,
                "reason": out.reason,
                "check": out.check.summary if out.check else None,
                "recheck": out.recheck.summary if out.recheck else None,
            }
        )
    else:
        shown = ", ".join(f"{k} = {v}" for k, v in out.params.items())
        click.echo(f"{out.verdict.value} {out.claim} at {shown}: {out.reason}")
        if out.check is not None:
            click.echo(f"  check   ({out.check.precision or out.check.evidence_class.value}): {out.check.summary}")
        if out.recheck is not None:
            click.echo(
                f"  recheck ({out.recheck.precision or out.recheck.evidence_class.value}): {out.recheck.summary}"
            )
        if prop.reconstructed:
            click.echo("  statement RECONSTRUCTED: a plausible form, not the printed one")
    return EXIT_REFUTED if out.verdict is Verdict.REFUTED else EXIT_OK
