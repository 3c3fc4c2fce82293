"""``eoscheck show ID``: one catalogue entry in full; ``--markdown``: the whole catalogue (docs/catalogue.md).

Accepts claim ids (globs as in ``eoscheck run``), the ids of cited definitions (e.g. GAN-A-SETUP) and open
points (O-1 .. O-7), so that anything an output names can be looked up with one command.
"""

from __future__ import annotations

import fnmatch

import click

from checker.cli.common import EXIT_OK, fail


@click.command(
    help="""Explain a claim: statement, hypotheses, source, provenance, open points, how it is checked,
which verdicts it can reach and its known limits.

\b
  eoscheck show GAN-A-T4.3          one claim
  eoscheck show 'DNL-*' O-4         several claims and an open point
  eoscheck show GAN-A-SETUP         a definition cited by statements
  eoscheck show --markdown          the whole catalogue as Markdown

Exit code 2 for an unknown id."""
)
@click.argument("ids", nargs=-1)
@click.option("--markdown", is_flag=True, help="print the catalogue (or the selected claims) as Markdown")
def command(ids: tuple[str, ...], markdown: bool) -> int:
    from checker import registry
    from checker.catalogue.definitions import DEFINITIONS
    from checker.catalogue.open_points import OPEN_POINTS
    from checker.catalogue.render import catalogue_markdown, claim_text, definition_text, open_point_text

    props = registry.catalogue()
    if markdown:
        chosen = registry.select(props, list(ids)) if ids else props
        click.echo(catalogue_markdown(chosen), nl=False)
        return EXIT_OK
    if not ids:
        fail("name a claim id, a definition id or an open point (e.g. GAN-A-T4.3, O-1); `eoscheck list` shows ids")
    blocks: list[str] = []
    for word in ids:
        key = word.strip().upper()
        if key in OPEN_POINTS:
            blocks.append(open_point_text(OPEN_POINTS[key]))
        elif any(fnmatch.fnmatchcase(p.id.upper(), key) for p in props):
            blocks.extend(claim_text(p) for p in registry.select(props, [word]))
        elif key in DEFINITIONS:
            blocks.append(definition_text(key))
        else:
            registry.select(props, [word])  # raises the registry's error, with its did-you-mean hint
    click.echo("\n\n".join(blocks))
    return EXIT_OK
