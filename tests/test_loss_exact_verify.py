"""Exact multiple roots of l' in a loss report are re-checked by `eoscheck verify`, including a root without a
closed form (a root of z^5 - z - 1, which sympy can only write as CRootOf): the cover names it by its minimal
polynomial and isolating interval, text the verifier's own reader parses."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from checker.cli.main import main

Doc = dict[str, Any]


def _report(tmp_path: Path, expr: str) -> tuple[int, Doc]:
    code = main(
        ["loss", expr, "--domain", "-3,3", "--no-sim", "--no-diagram", "--report", "--report-dir", str(tmp_path)]
    )
    (path,) = tmp_path.glob("eoscheck-loss-*.json")
    doc: Doc = json.loads(path.read_text())
    return code, doc


def _verify(doc: Doc, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    path = tmp_path / "check.json"
    path.write_text(json.dumps(doc))
    capsys.readouterr()
    code = main(["verify", str(path)])
    return code, capsys.readouterr().out


def _exact(doc: Doc) -> list[dict[str, Any]]:
    return [p for p in doc["extra"]["loss"]["cover"]["pieces"] if p["kind"] == "exact-root"]


def test_rational_degenerate_minimum_verifies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = _report(tmp_path, "(z-1)**2*(z+1)**4")
    assert code == 1
    (piece,) = _exact(doc)
    assert piece["type"] == "degenerate-minimum" and piece["order"] == 4 and piece["value"] == "-1"
    assert piece["poly"] == "z + 1"
    code, out = _verify(doc, tmp_path, capsys)
    assert code == 0, out


def test_non_radical_degenerate_minimum_verifies_and_forgeries_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc = _report(tmp_path, "(z**5-z-1)**4")
    assert code == 1
    (piece,) = _exact(doc)
    assert piece["type"] == "degenerate-minimum" and piece["order"] == 4
    assert piece["value"] is None and piece["poly"] == "z**5 - z - 1"  # no closed form: named by its polynomial
    assert "CRootOf" not in json.dumps(doc["extra"]["loss"]) and "CRootOf" not in json.dumps(doc["claims"])
    code, out = _verify(doc, tmp_path, capsys)
    assert code == 0, out
    forgeries = {
        "another polynomial": ("poly", "z**5 - z - 2"),  # no root in the stored interval
        "a lower order": ("order", 2),  # l'/poly has a pole there: the multiplicity is 3, not 1
        "an inflection claimed": ("type", "inflection"),
        "a non-square-free polynomial": ("poly", "(z**5 - z - 1)**2"),
    }
    for name, (key, value) in forgeries.items():
        forged = copy.deepcopy(doc)
        _exact(forged)[0][key] = value
        code, out = _verify(forged, tmp_path, capsys)
        assert code == 1 and "FAIL (document): loss cover: piece" in out, f"{name}: {out}"
