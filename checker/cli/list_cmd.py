"""``eoscheck list``: every property with its source and provenance (RECONSTRUCTED flagged)."""

from __future__ import annotations

import click

from checker.cli.common import print_json
from checker.verdict import Provenance


@click.command(help="List every property: id, paper and reference, provenance (RECONSTRUCTED flagged).")
@click.argument("files", nargs=-1)
@click.option("--paper", default=None, help="only the properties of this paper key")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
def command(files: tuple[str, ...], paper: str | None, as_json: bool) -> int:
    from checker import registry

    props = [p for f in files for p in registry.load_file(f)] if files else registry.catalogue()
    props = registry.select(props, (), paper)
    if as_json:
        print_json(
            [
                {
                    "id": p.id,
                    "title": p.title,
                    "paper": p.source.paper,
                    "arxiv": p.source.arxiv,
                    "ref": p.source.ref,
                    "provenance": [Provenance(x).value for x in p.provenance],
                    "reconstructed": p.reconstructed,
                    "open_points": list(p.open_points),
                    "statement": p.statement,
                }
                for p in props
            ]
        )
        return 0
    for p in props:
        flag = click.style(" [RECONSTRUCTED]", fg="yellow") if p.reconstructed else ""
        opens = f" ({', '.join(p.open_points)})" if p.open_points else ""
        click.echo(
            f"{p.id:<14} {p.source.paper + ', ' + p.source.ref:<34} {p.provenance_label}{flag}{opens}  {p.title}"
        )
    recon = sum(p.reconstructed for p in props)
    click.echo(
        f"{len(props)} properties, {recon} with RECONSTRUCTED statements; papers: {', '.join(registry.papers(props))}"
    )
    return 0
