"""A new user's path: a report on disk, `eoscheck report` to HTML and Markdown, `eoscheck verify`."""

from __future__ import annotations

import json

import report_samples as samples

from checker.cli.main import main
from checker.report.writer import write_report


def _without_plots(record, keep=()):
    """Plots cost about a second each; the renderer's tests cover them, these tests need one at most."""
    for c in record.claims:
        if c.prop.id not in keep:
            c.evidence.series = {}
    return record


def test_report_then_render_then_verify(tmp_path, capsys):
    path = write_report(_without_plots(samples.record(), keep=("T-CERT",)), tmp_path / "reports")
    assert main(["report", str(path)]) == 0
    html = path.with_suffix(".html")
    assert html.exists() and "data:image/png;base64," in html.read_text()
    assert main(["report", str(path), "--format", "md", "-o", str(tmp_path / "out" / "r.md")]) == 0
    assert (tmp_path / "out" / "r.md").exists()
    assert [p.name for p in (tmp_path / "out" / "r_plots").iterdir()] == ["T-CERT-bif.png"]
    assert main(["verify", str(path)]) == 0

    doc = json.loads(path.read_text())
    doc["claims"][1]["evidence"]["certificates"][2]["box"]["lo"] = "1.3865"  # cuts the zero log 4 out
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(doc))
    capsys.readouterr()
    assert main(["verify", str(tampered)]) == 1
    assert "FAIL T-CERT" in capsys.readouterr().out


def test_report_rejects_bad_input(tmp_path, capsys):
    assert main(["report", str(tmp_path / "missing.json")]) == 2
    assert "cannot read report" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": "1.0.0"}')
    assert main(["report", str(bad)]) == 2
    assert "not a valid eos-checker v1 report" in capsys.readouterr().err
    path = write_report(_without_plots(samples.record()), tmp_path)
    assert main(["report", str(path), "-o", str(path)]) == 2  # would overwrite the JSON
    assert main(["report", str(path), "--format", "pdf"]) == 2
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    assert main(["report", str(path), "-o", str(blocker / "r.html")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_markdown_without_plots(tmp_path):
    path = write_report(samples.record(), tmp_path)
    assert main(["report", str(path), "--format", "md", "--no-plots"]) == 0
    assert "plots omitted" in path.with_suffix(".md").read_text()
    assert not (tmp_path / f"{path.stem}_plots").exists()
