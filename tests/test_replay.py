"""`eoscheck replay REPORT CLAIM` re-decides the stored counterexample without a search; the README's variant
example (examples/variant_props.py) is the input: its Def. 4.1 variant is refuted, its own property holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.cli.main import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "variant_props.py"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("replay")
    assert main(["run", str(EXAMPLE), "--profile", "quick", "--seed", "3", "--report-dir", str(folder)]) == 1
    (out,) = folder.glob("*.json")
    return out


def test_replay_refutes_the_stored_counterexample_again(report: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(report.read_text())
    assert {c["id"]: c["verdict"] for c in doc["claims"]} == {
        "MY-D4.1-TWO": "REFUTED",
        "MY-ALPHA-SCALE": "CORROBORATED",
    }
    capsys.readouterr()
    assert main(["replay", str(report), "MY-D4.1-TWO"]) == 1
    assert capsys.readouterr().out.startswith("REFUTED MY-D4.1-TWO at zstar = ")


def test_replay_without_a_counterexample_or_unknown_claim_is_bad_input(report: Path) -> None:
    assert main(["replay", str(report), "MY-ALPHA-SCALE"]) == 2
    assert main(["replay", str(report), "NO-SUCH-CLAIM"]) == 2
    assert main(["replay", str(report.with_name("missing.json")), "MY-D4.1-TWO"]) == 2
