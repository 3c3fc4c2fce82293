"""`eoscheck loss` as a new user runs it: verdict lines first, JSON keys, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.cli.main import main


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["loss", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_bce_product_stable_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "log(1+exp(z)) - 0.8*z", "--eta", "0.2", "--runs", "32", "--no-basin", "--json")
    assert code == 0
    doc = json.loads(out)
    (m,) = doc["minimizers"]
    assert m["verdict"] == "product-stable" and m["evidence"] == "CERTIFIED"
    assert float(m["z"]["lo"]) <= 1.3862943611198906 <= float(m["z"]["hi"])
    assert float(m["alpha"]["lo"]) <= 0.026624 <= float(m["alpha"]["hi"])
    (e,) = m["etas"]
    assert e["eta"] == 0.2 and float(e["P"]["lo"]) == pytest.approx(0.3450, abs=1e-4)
    assert e["predicted_final_eta_sharpness"] == pytest.approx(9.985187 * 0.2, rel=1e-6)
    assert e["runs"] == 32 and e["converged_fraction"] == 1.0
    assert e["final_eta_sharpness_median"] == pytest.approx(e["predicted_final_eta_sharpness"], rel=1e-4)
    assert m["bifurcation"]["kind"] == "bifurcation" and all(m["bifurcation"]["stable"])


def test_cosh_not_product_stable_shows_divergence(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "cosh(z-1)", "--eta", "0.04", "--runs", "32", "--no-diagram", "--no-basin")
    assert code == 1
    lines = out.splitlines()
    assert "NOT product-stable" in lines[1] and "CERTIFIED" in lines[1]
    assert lines[2].startswith("GD convergence at the EoS (simulated) [REFUTED]")
    assert "diverged 100.0%" in out


def test_square_loss_degenerate_with_reason(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "(z-1)**2/2", "--no-sim", "--no-diagram")
    assert code == 1
    assert "alpha_l(z*) = 0 exactly" in out.splitlines()[1] and "PROVED" in out.splitlines()[1]
    assert "O(eta^2) terms of P" in out and "mirror regime" in out


def test_zhu_quartic_two_minima(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "(z**2-1)**2/4", "--no-sim", "--no-diagram", "--json")
    doc = json.loads(out)
    assert code == 0 and [m["verdict"] for m in doc["minimizers"]] == ["product-stable"] * 2
    assert [c["kind"] for c in doc["critical_points"]] == ["minimum", "maximum", "minimum"]


def test_no_minimiser(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "log(1+exp(-z))", "--no-sim")
    assert code == 1
    assert "NO MINIMISER" in out and "on the domain l decreases toward its right end" in out


@pytest.mark.parametrize(
    "args",
    [
        ["log(1+exp(z)"],
        ["sin(z)"],
        ["__import__('os')"],
        ["3"],
        ["z**2", "--eta", "nan"],
        ["z**2", "--eta", "0"],
        ["z**2", "--eta", "-0.1"],
        ["z**2", "--domain", "5,1"],
        ["z**2", "--domain", "0,inf"],
        ["z**2", "--prec", "10"],
        ["z**2", "--prec", "1e9"],
        ["z**2", "--runs", "0"],
        ["log(1+exp(z)) - p*z", "--param", "p"],
    ],
)
def test_bad_input_one_line_exit_2(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, out, err = _run(capsys, *args)
    assert code == 2
    assert err.startswith("eoscheck: error:") and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err + out


def test_report_written(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = _run(capsys, "cosh(z-1)", "--no-sim", "--report", "--report-dir", str(tmp_path / "r"), "--json")
    assert code == 1
    doc = json.loads(out)
    path = Path(doc["report"])
    assert path.exists()
    assert path.suffix == ".json"
    text = json.dumps(json.loads(path.read_text()))
    assert "LOSS-MIN-1" in text and "not-product-stable" in text
    html = Path(doc["report_html"])
    assert html == path.with_suffix(".html")
    page = html.read_text()
    assert "not-product-stable" in page and "http://" not in page and "https://" not in page
