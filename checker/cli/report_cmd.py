"""``eoscheck report REPORT.json``: render a report as one self-contained HTML file or as Markdown.

Renders from the JSON alone (nothing is recomputed). HTML embeds its plots; Markdown writes them as PNG
files into ``<name>_plots/`` beside the .md and links them relatively.
"""

from __future__ import annotations

from pathlib import Path

import click

from checker.cli.common import EXIT_OK, fail


@click.command(
    help="""Render a JSON report as HTML (one self-contained file, plots inline) or Markdown.

\b
  eoscheck report reports/eoscheck-run-quick-seed0-1a2b3c4d.json            -> same name, .html
  eoscheck report REPORT.json --format md -o summary.md                    -> summary.md + summary_plots/

The JSON is validated against the report schema first (the file is in reports/schema/ of the source).
Files are written atomically: a killed render leaves the previous output or none, never a part of it."""
)
@click.argument("report", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default="html", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="output file (default: the report's name with .html or .md)",
)
@click.option("--no-plots", is_flag=True, help="Markdown only: omit the plots (a note says so)")
def command(report: Path, fmt: str, output: Path | None, no_plots: bool) -> int:
    from checker.report.document import load_document
    from checker.report.writer import atomic_write_dir, atomic_write_text, check_writable

    doc = load_document(report)
    out = output if output is not None else report.with_suffix("." + fmt)
    if out.resolve() == report.resolve():
        fail(f"the output {out} would overwrite the report; choose another -o")
    check_writable(out.parent, hint="choose another -o/--output")
    if fmt == "html":
        from checker.report.render_html import render_html

        atomic_write_text(out, render_html(doc))
    else:
        from checker.report.render_md import render_md

        plot_dir = out.parent / f"{out.stem}_plots"
        text, files = render_md(doc, plots=not no_plots, link_dir=plot_dir.name)
        if files:
            atomic_write_dir(plot_dir, files)
        atomic_write_text(out, text)
    click.echo(f"wrote {out}")
    return EXIT_OK
