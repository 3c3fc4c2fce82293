"""In a PROVED/CERTIFIED claim's renderings, a number no certificate backs is labelled informative."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from checker.cli.main import main
from checker.report import view
from checker.report.render_html import render_html
from checker.report.render_md import render_md

CERT = {"kind": "ball-enclosure", "claim": "root", "expr": "z**2 - 2", "variable": "z", "prec": 64}
CERT["box"] = {"lo": "1.41", "hi": "1.42"}


def _claim(verdict: str) -> dict[str, Any]:
    return {
        "id": "MY-1",
        "verdict": verdict,
        "evidence": {
            "numbers": {
                "root": {"lo": "1.4", "hi": "1.43"},
                "spot_check": 0.25,
                "narrow": {"lo": "1.415", "hi": "1.416"},
            },
            "certificates": [CERT],
            "informative": [],
        },
    }


def test_unbacked_numbers_of_a_rigorous_claim_are_informative() -> None:
    rows = dict(view.number_rows(_claim("PROVED")))
    # the stored root box [1.41, 1.42] lies in "root"; nothing vouches for the float or the narrower interval
    assert "root" in rows and "spot_check (informative)" in rows and "narrow (informative)" in rows
    assert set(dict(view.number_rows(_claim("CORROBORATED")))) == {"root", "spot_check", "narrow"}


@pytest.fixture(scope="module")
def run_doc_d41(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("d41")
    assert main(["run", "GAN-A-D4.1", "--seed", "1", "--report-dir", str(out)]) == 0
    (path,) = Path(out).glob("eoscheck-run-*.json")
    doc: dict[str, Any] = json.loads(path.read_text())
    assert doc["claims"][0]["verdict"] == "PROVED"
    return doc


def test_html_and_markdown_show_the_label(run_doc_d41: dict[str, Any]) -> None:
    html = render_html(run_doc_d41)
    md, _ = render_md(run_doc_d41, plots=False)
    for text in (html, md):
        assert "P_at_eta_0 (informative)" in text and "alpha_claimed (informative)" in text
