"""Forged loss-family reports: each is rejected by `eoscheck verify` with exit 1 and LOSS-FAMILY named.

The genuine report is made here by `eoscheck loss` on the quartic family (alpha(z* = 1) = 12 p^2 - 6, so the
interval holds a proved not-stable stretch, a crossing enclosure and a proved stable stretch). Each forgery is
what a forger would try: a parameter box moved, a root box moved in z, a sign of l' or of alpha flipped, an
undecided box relabelled, a stretch widened beyond its boxes, a crossing flag or verdict or exit code changed.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from checker.cli.main import main

QUARTIC = "(z-1)**2/2 + p*(z-1)**3/3 + (z-1)**4/4"
Doc = dict[str, Any]


@pytest.fixture(scope="module")
def family_doc(tmp_path_factory: pytest.TempPathFactory) -> Doc:
    out = tmp_path_factory.mktemp("family")
    args = ["loss", QUARTIC, "--param", "p=0.5..1", "--domain", "-4,4", "--report", "--report-dir", str(out)]
    assert main(args) == 1  # a crossing inside the interval: not product-stable throughout
    (path,) = out.glob("eoscheck-loss-*.json")
    doc: Doc = json.loads(path.read_text())
    return doc


def _verify(doc: Doc, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    path = tmp_path / "report.json"
    path.write_text(json.dumps(doc))
    capsys.readouterr()
    code = main(["verify", str(path)])
    return code, capsys.readouterr().out


def _cert(d: Doc) -> dict[str, Any]:
    cert: dict[str, Any] = d["claims"][0]["evidence"]["certificates"][0]
    return cert


def _boxes(d: Doc, status: str | None = None) -> list[dict[str, Any]]:
    return [b for b in _cert(d)["boxes"] if status is None or b["status"] == status]


def test_the_genuine_family_report_verifies(
    family_doc: Doc, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fam = family_doc["extra"]["loss"]["family"]
    assert [s["status"] for s in fam["stretches"]] == ["not-stable", "undecided", "stable"]
    assert "boxes" not in fam and _cert(family_doc)["kind"] == "loss-family"  # stored once, in the claim
    code, out = _verify(family_doc, tmp_path, capsys)
    assert code == 0, out
    assert "LOSS-FAMILY" in out and not any(line.startswith("FAIL") for line in out.splitlines())


def test_a_proved_family_verifies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["loss", QUARTIC, "--param", "p=0.8..1", "--domain", "-4,4", "--report", "--report-dir", str(tmp_path)]
    assert main(args) == 0
    (path,) = tmp_path.glob("eoscheck-loss-*.json")
    capsys.readouterr()
    t0 = time.monotonic()
    assert main(["verify", str(path)]) == 0
    assert time.monotonic() - t0 < 60
    assert "OK   LOSS-FAMILY: PROVED" in capsys.readouterr().out


def _move_box(d: Doc) -> None:
    _boxes(d)[0]["at"][0][1] = "0.7"  # the first box now ends before the next begins: a gap


def _overlap(d: Doc) -> None:
    _boxes(d)[-1]["at"][0][0] = "0.75"  # the last box now overlaps its neighbour


def _root_box_moved(d: Doc) -> None:
    box = _boxes(d, "stable")[0]
    i = box["pieces"].index("m")
    box["z"][i], box["z"][i + 1] = "1.5", "1.6"  # no zero of l' in [1.5, 1.6], and the sign pieces shift too
    box["alpha"][0][1:] = ["1.51", "1.59"]


def _sign_flipped(d: Doc) -> None:
    box = _boxes(d, "stable")[0]
    box["pieces"] = box["pieces"].replace("-", "+", 1)


def _alpha_flipped(d: Doc) -> None:
    box = _boxes(d, "not-stable")[0]
    box["alpha"][0][0] = "positive"
    box["status"] = "stable"


def _undecided_relabelled(d: Doc) -> None:
    stable = _boxes(d, "stable")[0]
    box = _boxes(d, "undecided")[0]
    box.update(status="stable", z=stable["z"], pieces=stable["pieces"], alpha=stable["alpha"])


def _stretch_widened(d: Doc) -> None:
    st = d["extra"]["loss"]["family"]["stretches"]
    st[0]["hi"] = st[1]["lo"] = "0.7071"  # the not-stable stretch grows into the crossing enclosure
    numbers = d["claims"][0]["evidence"]["numbers"]
    numbers.clear()
    numbers.update({f"{s['lo']}..{s['hi']}": s["status"] for s in st})


def _crossing_dropped(d: Doc) -> None:
    d["extra"]["loss"]["family"]["stretches"][1]["crossing"] = False


def _verdict_upgraded(d: Doc) -> None:
    d["claims"][0]["verdict"] = "PROVED"
    d["claims"][0]["evidence"]["class"] = "ball"
    d["extra"]["loss"]["family"]["verdict"] = "PROVED"
    d["extra"]["loss"]["exit_code"] = 0
    s = d["summary"]
    s["counts"]["UNDECIDED"], s["counts"]["PROVED"], s["undecided"], s["passed"] = 0, 1, [], True
    s["certificates"] = 1


def _certificate_removed(d: Doc) -> None:
    d["claims"][0]["evidence"]["certificates"] = []


def _interval_widened(d: Doc) -> None:
    d["extra"]["loss"]["family"]["interval"]["hi"] = "2"  # the claim would cover p up to 2, the boxes stop at 1


FORGERIES: dict[str, Callable[[Doc], None]] = {
    "a parameter box moved (gap)": _move_box,
    "a parameter box moved (overlap)": _overlap,
    "a root box moved in z": _root_box_moved,
    "a sign of l' flipped": _sign_flipped,
    "alpha's sign flipped": _alpha_flipped,
    "an undecided box relabelled stable": _undecided_relabelled,
    "a stretch widened beyond its boxes": _stretch_widened,
    "a crossing flag dropped": _crossing_dropped,
    "verdict and exit code upgraded": _verdict_upgraded,
    "the certificate removed": _certificate_removed,
    "the interval widened": _interval_widened,
}


@pytest.mark.parametrize("name", list(FORGERIES))
def test_family_forgery_is_rejected(
    name: str, family_doc: Doc, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = copy.deepcopy(family_doc)
    FORGERIES[name](doc)
    code, out = _verify(doc, tmp_path, capsys)
    assert code == 1, f"{name}: {out}"
    failed = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert failed and all("LOSS-FAMILY" in line for line in failed), f"{name}: {out}"


# ---- two parameters -------------------------------------------------------------------------------------

QUARTIC2 = "(z-1)**2/2 + p*(z-1)**3/3 + q*(z-1)**4/4"  # alpha(z* = 1) = 12 p^2 - 6 q: crosses 0 on q = 2 p^2


def test_two_parameter_family_is_sound_verifies_and_forgeries_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["loss", QUARTIC2, "--param", "p=0.6..0.9", "--param", "q=1..1.5", "--domain", "-4,4"]
    assert main([*args, "--report", "--report-dir", str(tmp_path)]) == 1
    (path,) = tmp_path.glob("eoscheck-loss-*.json")
    doc: Doc = json.loads(path.read_text())
    fam = doc["extra"]["loss"]["family"]
    assert [p["name"] for p in fam["parameters"]] == ["p", "q"]
    assert fam["plot"]["kind"] == "boxes"
    boxes = _cert(doc)["boxes"]
    statuses = {b["status"] for b in boxes}
    assert {"stable", "not-stable", "undecided"} <= statuses
    for b in boxes:  # each decided box against the exact alpha(1; p, q) = 12 p^2 - 6 q over the whole box
        (p0, p1), (q0, q1) = ((float(a), float(c)) for a, c in b["at"])
        if b["status"] == "stable":
            assert 12 * p0**2 - 6 * q1 > 0
        elif b["status"] == "not-stable":
            assert 12 * p1**2 - 6 * q0 < 0
    assert fam["regions"]["undecided"]["fraction"] < 0.1
    code, out = _verify(doc, tmp_path, capsys)
    assert code == 0, out
    forged = copy.deepcopy(doc)
    victim = next(b for b in _cert(forged)["boxes"] if b["status"] == "not-stable")
    victim["status"], victim["alpha"][0][0] = "stable", "positive"
    code, out = _verify(forged, tmp_path, capsys)
    assert code == 1 and "FAIL LOSS-FAMILY" in out, out
    forged = copy.deepcopy(doc)
    _cert(forged)["boxes"][0]["at"][1][1] = "1.6"  # leaves the rectangle and overlaps a neighbour
    code, out = _verify(forged, tmp_path, capsys)
    assert code == 1 and "LOSS-FAMILY" in out, out
    forged = copy.deepcopy(doc)
    forged["extra"]["loss"]["family"]["regions"]["stable"]["area"] = "0.1"
    code, out = _verify(forged, tmp_path, capsys)
    assert code == 1 and "the stable area" in out, out


def test_three_parameter_ranges_are_refused() -> None:
    args = ["loss", "p*z**2 + q*z**4 + r*z**6", "--param", "p=1..2", "--param", "q=1..2", "--param", "r=1..2"]
    assert main(args) == 2


def test_soft_label_bce_family_is_proved_and_verifies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's example: BCE with a soft label p, alpha > 0 for every p (alpha = (s(1-s))^2 (2 - 6s + 6s^2)
    with s the sigmoid at z*), proved over [0.55, 0.95] on the default domain, compactly, and re-checked."""
    args = ["loss", "log(1+exp(z)) - p*z", "--param", "p=0.55..0.95", "--report", "--report-dir", str(tmp_path)]
    assert main(args) == 0
    (path,) = tmp_path.glob("eoscheck-loss-*.json")
    assert path.stat().st_size < 200_000  # boxes stored compactly (16 MB when every piece was an object)
    doc: Doc = json.loads(path.read_text())
    assert [s["status"] for s in doc["extra"]["loss"]["family"]["stretches"]] == ["stable"]
    code, out = _verify(doc, tmp_path, capsys)
    assert code == 0 and "OK   LOSS-FAMILY: PROVED" in out, out


@pytest.mark.parametrize(
    "mutate",
    [
        lambda c: c.__setitem__("parameters", 5),
        lambda c: c["boxes"][0].__setitem__("at", "x"),
        lambda c: c["boxes"][0].__setitem__("z", ["a"] * len(c["boxes"][0]["z"])),
        lambda c: c["boxes"][0].__setitem__("alpha", [5]),
        lambda c: c["boxes"].__setitem__(0, 7),
        lambda c: c.__setitem__("expr", "__import__('os')"),
    ],
)
def test_malformed_family_certificate_is_a_failure_not_a_crash(
    mutate: Callable[[dict[str, Any]], None], family_doc: Doc, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = copy.deepcopy(family_doc)
    mutate(_cert(doc))
    code, out = _verify(doc, tmp_path, capsys)
    assert code == 1 and "FAIL LOSS-FAMILY" in out, out
