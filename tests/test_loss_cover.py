"""The loss job's rules: a complete certified cover, exact degenerate minima, honest "no minimiser", two
headline verdicts, the simulation verdict rule, standard JSON, the family branch-and-bound."""

from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp
from flint import arb, fmpq

from checker.backends.ball import ball_function, ball_precision
from checker.certify.krawczyk import krawczyk_operator
from checker.cli.main import main
from checker.loss import Loss
from checker.lossval.cover import ball, build_cover
from checker.lossval.exact_roots import exact_roots
from checker.lossval.family import decide_family
from checker.lossval.simulation import convergence_verdict
from checker.parse import Z
from checker.verdict import Verdict
from checker.verifier.family import check_family


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["loss", *args])
    return code, capsys.readouterr().out


def _strict_json(text: str) -> dict:
    def refuse(name: str) -> None:
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


def _q(x: str | Fraction) -> arb:
    f = Fraction(x)
    return arb(fmpq(f.numerator, f.denominator))


def _recheck_cover(loss: Loss, doc: dict) -> None:
    """Re-check a stored cover the way an independent verifier would: contiguity, and each piece's claim."""
    pieces = doc["pieces"]
    assert pieces[0]["lo"] == doc["domain"]["lo"] and pieces[-1]["hi"] == doc["domain"]["hi"]
    for a, b in itertools.pairwise(pieces):
        assert a["hi"] == b["lo"] and Fraction(a["lo"]) < Fraction(a["hi"])
    l1, l2 = loss.ball(1), loss.ball(2)
    alpha = ball_function(loss.product_stability_expr(), Z)
    with ball_precision(128):
        for p in pieces:
            x = ball(Fraction(p["lo"]), Fraction(p["hi"]))
            if p["kind"] == "sign":
                v = l1(x)
                assert (v > 0) if p["sign"] == "positive" else (v < 0)
            elif p["kind"] == "root":
                k = krawczyk_operator(l1, l2, x)
                assert k is not None and arb(k.lower()) > _q(p["lo"]) and arb(k.upper()) < _q(p["hi"])
                assert (l2(x) > 0) if p["type"] == "minimum" else (l2(x) < 0)
                if p["alpha_sign"] is not None:
                    assert (alpha(x) > 0) if p["alpha_sign"] == "positive" else (alpha(x) < 0)
            elif p["kind"] == "exact-root":
                r = sp.sympify(p["value"])
                assert loss.derivative(1).subs(Z, r) == 0
                first = next(k for k in range(2, 12) if loss.derivative(k).subs(Z, r) != 0)
                assert first == p["order"]


def test_degenerate_minimum_found_exactly_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "(z-1)**2*(z+1)**4", "--no-sim", "--no-diagram")
    assert code == 1
    head = out.splitlines()[1]
    assert head.startswith("product-stability [PROVED]") and "z* = -1: degenerate minimum" in head
    assert "l'''' (order 4)" in out and "does not apply" in out


def test_degenerate_minimum_cover_rechecks(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "(z-1)**2*(z+1)**4", "--no-sim", "--no-diagram", "--json", "--domain", "-3,3")
    doc = _strict_json(out)
    assert code == 1 == doc["exit_code"]
    cover = doc["cover"]
    assert cover["expr"] == "(z - 1)**2*(z + 1)**4" and cover["params"] == {}
    kinds = [(p["kind"], p.get("type"), p.get("order")) for p in cover["pieces"] if p["kind"] != "sign"]
    assert kinds == [("exact-root", "degenerate-minimum", 4), ("root", "maximum", None), ("root", "minimum", None)]
    _recheck_cover(Loss.from_string("(z-1)**2*(z+1)**4"), cover)


def test_gave_up_is_undecided_never_no_minimiser(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "(z**(1/3)-1)**2", "--no-sim", "--no-diagram")
    assert code == 1
    assert "no minimiser" not in out.lower()
    assert "product-stability [UNDECIDED]" in out and "give a --domain where l is defined" in out
    code, out = _run(capsys, "(z**(1/3)-1)**2", "--no-sim", "--no-diagram", "--domain", "0.5,2")
    assert code == 0 and "product-stability [CERTIFIED]" in out


def test_no_minimiser_only_with_a_certified_sign(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "log(1+exp(-z))", "--no-sim", "--json")
    doc = _strict_json(out)
    assert code == 1
    assert doc["headline"]["product_stability"]["summary"].startswith("NO MINIMISER: l' is negative on all of")
    assert {p["kind"] for p in doc["cover"]["pieces"]} == {"sign"}
    code, out = _run(capsys, "log(1+exp(-z))", "--no-sim")
    assert "(product-stable: alpha_l" not in out  # the definition line only where a minimiser was judged


def test_cover_pieces_recheck_for_smooth_losses() -> None:
    for text, dom in (("log(1+exp(z)) - 4/5*z", (-5, 5)), ("(z**2-1)**2/4", (-3, 3)), ("cosh(z-1)", (-4, 4))):
        loss = Loss.from_string(text)
        cover = build_cover(loss, (Fraction(dom[0]), Fraction(dom[1])))
        assert cover.complete
        _recheck_cover(loss, cover.to_json())


def test_exact_roots_orders() -> None:
    roots = exact_roots(Loss.from_string("z**4*exp(z)").derivative(1), Fraction(-10), Fraction(10))
    assert roots is not None and [(str(r.value), r.order) for r in roots] == [("-4", 2), ("0", 4)]
    assert exact_roots(Loss.from_string("cosh(z-1)").derivative(1), Fraction(-1), Fraction(1)) is None


def test_a_block_with_a_diverged_run_is_never_corroborated() -> None:
    ok = {"float64": {"status": "converged"}, "mpmath": {"status": "converged"}, "agrees": True}
    div = {"float64": {"status": "diverged"}, "mpmath": {"status": "diverged"}, "agrees": True}
    assert convergence_verdict(100, 0, 0, 10, [ok])[0] is Verdict.CORROBORATED
    for diverged, unsettled, replays in ((1, 0, [ok]), (1, 0, [ok, div]), (0, 3, [ok]), (5, 5, [])):
        verdict, text = convergence_verdict(100, diverged, unsettled, 10, replays)
        assert verdict is not Verdict.CORROBORATED and "NOT all runs converged" in text
    assert convergence_verdict(100, 1, 0, 10, [ok, div])[0] is Verdict.REFUTED


def test_two_headline_verdicts_and_standard_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "cosh(z-1)", "--eta", "0.04", "--runs", "16", "--no-diagram", "--no-basin", "--json")
    doc = _strict_json(out)
    assert code == 1
    h = doc["headline"]
    assert h["product_stability"]["verdict"] == "CERTIFIED"
    assert h["product_stability"]["statement"].startswith("not every minimiser")
    assert h["convergence"]["verdict"] == "REFUTED" and "16 of 16 runs diverged" in h["convergence"]["summary"]
    assert "sigma_0 in [0.01, 0.1]" in h["convergence"]["statement"]


def test_stable_loss_exit_0_with_basin_and_report(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    args = ["log(1+exp(z)) - 0.8*z", "--eta", "0.2", "--runs", "16", "--steps", "4000", "--no-diagram"]
    code, out = _run(capsys, *args, "--domain", "-5,5", "--report", "--report-dir", str(tmp_path), "--json")
    doc = _strict_json(out)
    assert code == 0
    assert doc["headline"]["product_stability"]["verdict"] == "CERTIFIED"
    basin = doc["minimizers"][0]["etas"][0]["basin"]
    assert basin["evaluated"] and (basin["sigma_max"] is None or basin["sigma_max"] > 0)
    path = Path(doc["report"])
    assert path.name.startswith("eoscheck-loss-log-1-exp-z-0.8-z-seed0-")
    report = json.loads(path.read_text())
    ids = [c["id"] for c in report["claims"]]
    assert ids[:3] == ["LOSS-STABILITY", "LOSS-CONVERGENCE", "LOSS-MIN-1"]
    assert report["extra"]["loss"]["cover"]["pieces"]
    assert any(k.startswith("basin") for k in report["claims"][2]["evidence"]["series"])
    capsys.readouterr()
    assert main(["verify", str(path)]) == 0  # the cover's records (and the minimiser's) re-check
    assert "LOSS-STABILITY" in capsys.readouterr().out


def test_family_quartic_crossing() -> None:
    text = "(z-1)**2/2 + p*(z-1)**3/3 + (z-1)**4/4"  # alpha(z* = 1) = 12 p^2 - 6: crosses 0 at 1/sqrt(2)
    fam = decide_family(text, {}, "p", Fraction(1, 2), Fraction(1), domain=(Fraction(-4), Fraction(4)))
    st = fam.stretches()
    assert [s["status"] for s in st] == ["not-stable", "undecided", "stable"]
    assert st[1]["crossing"] and st[1]["lo"] < 1 / math.sqrt(2) < st[1]["hi"]
    assert fam.exit_code == 1 and fam.headline()[0] is Verdict.UNDECIDED
    cert = fam.certificate()
    for box in cert["boxes"]:  # decided boxes: contiguous z cuts, one alpha entry per minimum
        if box["status"] != "undecided":
            assert box["z"][0] == "-4" and box["z"][-1] == "4" and len(box["z"]) == len(box["pieces"]) + 1
            assert box["pieces"].count("m") == len(box["alpha"]) == 1
    check_family(cert)  # the independent verifier re-derives every box from the loss text


def test_family_cli_and_bad_ranges(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "(z-1)**2/2 + p*(z-1)**3/3 + (z-1)**4/4", "--param", "p=0.8..1", "--domain", "-4,4")
    assert code == 0 and "PROVED product-stable" in out
    for bad in ("p=1..0.5", "p=a..1"):
        assert main(["loss", "log(1+exp(z)) - p*z", "--param", bad]) == 2
