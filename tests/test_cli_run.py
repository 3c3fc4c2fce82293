"""`eoscheck run` and `eoscheck list` end to end: selection, exit codes, the README's user property, seeds.

Most tests call ``checker.cli.main.main(argv)`` in-process (fast); one goes through the installed
``eoscheck`` script in a subprocess, as a user would. Reports are off (``--no-report``) except in the test of
an unwritable report directory, which must fail before any property runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from checker.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "my_props.py"
EOSCHECK = Path(sys.executable).parent / "eoscheck"

TWO_PAPERS = """
from hypothesis import strategies as st
from checker.property import Property, Source
from checker.verdict import Evidence, EvidenceClass, Verdict

def ok(x: float) -> Evidence:
    return Evidence(Verdict.CORROBORATED, EvidenceClass.FLOAT, f"x={x!r}", margin=x, numbers={"x": x})

def exact() -> Evidence:
    return Evidence(Verdict.PROVED, EvidenceClass.SYMBOLIC, "1 + 1 == 2")

PROPERTIES = [
    Property(id="U-A1", title="a1", source=Source("papera", "", "Thm 1"), statement="s", provenance=["DERIVED"],
             strategy=st.fixed_dictionaries({"x": st.floats(0, 1)}), check=ok),
    Property(id="U-A2", title="a2", source=Source("papera", "", "Thm 2"), statement="s",
             provenance=["RECONSTRUCTED"], check=exact, open_points=("O-9",)),
    Property(id="U-B1", title="b1", source=Source("paperb", "", "Lemma 1"), statement="s", provenance=["SOURCED"],
             check=exact),
]
"""


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def user_file(tmp_path: Path) -> Path:
    path = tmp_path / "two_papers.py"
    path.write_text(TWO_PAPERS)
    return path


def test_readme_example_runs_and_a_wrong_variant_is_refuted(tmp_path: Path) -> None:
    """Through the installed script, as the README says: exit 0 for the example, 1 for 1.9 -> 2.1."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    good = subprocess.run(
        [str(EOSCHECK), "run", str(EXAMPLE), "--no-report"], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert good.returncode == 0, good.stdout + good.stderr
    assert "CORROBORATED" in good.stdout and "MY-1" in good.stdout
    wrong = tmp_path / "wrong_props.py"
    text = EXAMPLE.read_text()
    assert 'LAMBDA_TIMES_ETA = "1.9"' in text
    wrong.write_text(text.replace('LAMBDA_TIMES_ETA = "1.9"', 'LAMBDA_TIMES_ETA = "2.1"'))
    bad = subprocess.run(
        [str(EOSCHECK), "run", str(wrong), "--no-report", "--seed", "3"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "REFUTED" in bad.stdout and "counterexample: {'eta':" in bad.stdout
    assert f"replay: eoscheck run {wrong.resolve()} MY-1 --seed 3" in bad.stdout


def test_wrong_variant_without_recheck_is_not_refuted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Policy: a float counterexample with no recheck is UNDECIDED (exit 0), with the reason printed."""
    text = EXAMPLE.read_text().replace('LAMBDA_TIMES_ETA = "1.9"', 'LAMBDA_TIMES_ETA = "2.1"')
    text = text.replace("        recheck=recheck,\n", "")
    path = tmp_path / "no_recheck.py"
    path.write_text(text)
    code, out, _ = _run(["run", str(path), "--no-report", "--seed", "1"], capsys)
    assert code == 0
    assert "UNDECIDED" in out and "not re-checked at high precision" in out


def test_selection_by_id_glob_and_paper(user_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["run", str(user_file), "--no-report", "--seed", "0", "--paper", "papera"], capsys)
    assert code == 0
    assert "U-A1" in out and "U-A2" in out and "U-B1" not in out
    assert "[RECONSTRUCTED]" in out  # shown on the claim line
    code, out, _ = _run(["run", str(user_file), "U-B*", "--no-report", "--seed", "0"], capsys)
    assert code == 0
    assert "U-B1" in out and "U-A1" not in out and "1 claims" in out


def test_unknown_id_or_paper_is_one_line_exit_2(user_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(["run", str(user_file), "U-A9", "--no-report"], capsys)
    assert code == 2
    assert err.count("\n") == 1 and "unknown property id 'U-A9'" in err and "Traceback" not in err
    code, _, err = _run(["run", str(user_file), "--paper", "nosuch", "--no-report"], capsys)
    assert code == 2 and err.count("\n") == 1 and "unknown paper" in err


def test_unwritable_report_dir_fails_before_running(
    user_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory")
    code, out, err = _run(["run", str(user_file), "--report-dir", str(blocker / "sub")], capsys)
    assert code == 2
    assert "cannot write to" in err and err.count("\n") == 1
    assert "U-A1" not in out  # nothing ran


def test_seed_reproduces_verdicts_and_numbers(user_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runs = []
    for _ in range(2):
        code, out, _ = _run(["run", str(user_file), "--no-report", "--seed", "42", "--json"], capsys)
        assert code == 0
        payload = json.loads(out)
        runs.append([(c["id"], c["verdict"], c["evidence"]["numbers"], c["hypothesis"]) for c in payload["claims"]])
        assert payload["seed"] == 42
    assert runs[0] == runs[1]


def test_list_and_list_json(user_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["list", str(user_file)], capsys)
    assert code == 0
    assert "U-A2" in out and "[RECONSTRUCTED]" in out and "(O-9)" in out
    assert "3 properties, 1 with RECONSTRUCTED statements" in out
    code, out, _ = _run(["list", str(user_file), "--json"], capsys)
    rows = json.loads(out)
    assert [r["id"] for r in rows] == ["U-A1", "U-A2", "U-B1"]
    assert rows[1]["reconstructed"] is True and rows[1]["provenance"] == ["RECONSTRUCTED"]


def test_catalogue_list_shows_provenance(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["list", "--json"], capsys)
    assert code == 0
    for row in json.loads(out):
        assert row["provenance"], row["id"]
        assert row["reconstructed"] == ("RECONSTRUCTED" in row["provenance"])
