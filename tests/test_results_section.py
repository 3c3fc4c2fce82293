"""A benchmark that runs alone rewrites only its own section of RESULTS.md (and its summary row)."""

from __future__ import annotations

from benchmarks.results_section import replace_row, replace_section

DOC = "\n".join(
    [
        "# Benchmark results",
        "| target | this run | verdict |",
        "| sweep phase: old | 1x | measured |",
        "## 4. Other",
        "kept",
        "## 5. Sweep phase vs Hypothesis alone, profile ci",
        "old table",
        "## 6. Cold",
        "kept too",
        "<!-- network: begin -->",
        "network",
    ]
)


def test_only_the_named_section_and_row_change() -> None:
    out = replace_row(
        replace_section(DOC, "## 5. Sweep phase", ["## 5. Sweep phase (new)", "new table"]),
        "| sweep phase:",
        "| sweep phase: new |",
    )
    assert "old table" not in out and "new table" in out and "| sweep phase: new |" in out
    assert out.count("kept") == 2 and out.endswith("network") and "## 6. Cold" in out
    last = replace_section(DOC, "## 7. Dask", ["## 7. Dask", "x"])
    assert last.endswith("## 7. Dask\nx\n") and last.startswith(DOC)


def test_a_section_before_a_kept_marker_ends_there() -> None:
    out = replace_section(DOC, "## 6. Cold", ["## 6. Cold", "new"])
    assert "kept too" not in out and "<!-- network: begin -->\nnetwork" in out
