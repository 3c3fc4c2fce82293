"""Replace one section (and its summary row) of benchmarks/RESULTS.md in place.

Why: ``python -m benchmarks.run_all`` regenerates the whole file (every benchmark, several minutes); a
benchmark that can run alone (``python -m benchmarks.sweep_rate``, ``python -m benchmarks.dask_run``)
rewrites only its own section with the same generator run_all uses, so its figures can be refreshed
without re-measuring (and overwriting) the others. Ratios stay within one section's own run.
"""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def replace_section(text: str, heading_prefix: str, lines: list[str]) -> str:
    """``text`` with the section whose heading starts with ``heading_prefix`` (up to the next ``## ``
    heading, or an HTML comment marker of a kept section, or the end) replaced by ``lines``; appended at the
    end if there is no such section."""
    rows = text.split("\n")
    start = next((i for i, row in enumerate(rows) if row.startswith(heading_prefix)), None)
    if start is None:
        return text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    end = next(
        (i for i in range(start + 1, len(rows)) if rows[i].startswith("## ") or rows[i].startswith("<!--")), len(rows)
    )
    return "\n".join([*rows[:start], *lines, *rows[end:]])


def replace_row(text: str, row_prefix: str, row: str) -> str:
    """``text`` with the table row starting with ``row_prefix`` replaced by ``row`` (unchanged if absent)."""
    return "\n".join(row if line.startswith(row_prefix) else line for line in text.split("\n"))


def update(heading_prefix: str, lines: list[str], row_prefix: str, row: str, path: Path = RESULTS) -> None:
    text = path.read_text() if path.is_file() else ""
    path.write_text(replace_row(replace_section(text, heading_prefix, lines), row_prefix, row))
