"""The whole catalogue, end to end, in the default test run: `eoscheck run` (quick profile, fixed seed)
refutes nothing, and every PROVED / CERTIFIED claim stores certificates that `eoscheck verify` accepts.

Regression: LZDZ-L5.1 was PROVED with no certificate stored, which only a whole-catalogue run showed.
About 15 s warm, about a minute when every JAX kernel compiles cold.
"""

from __future__ import annotations

from checker.cli.main import main
from checker.report.document import load_document
from checker.verify import verify_document


def test_whole_catalogue_runs_clean_and_reverifies(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a fresh example database: no replay of other tests' failures
    assert main(["run", "--seed", "5", "--report-dir", str(tmp_path / "r")]) == 0
    (path,) = (tmp_path / "r").glob("eoscheck-run-*.json")
    findings = verify_document(load_document(path))
    failed = [f for f in findings if f.status == "failed"]
    assert not failed, failed
    assert sum(f.status == "verified" for f in findings) >= 10
