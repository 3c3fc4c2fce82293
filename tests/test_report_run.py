"""`eoscheck run` writes a schema-valid report; the same seed and profile give the same document.

Uses a small user property file (float + ball-certified claims) so the test is fast and independent of
the catalogue.
"""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET

import pytest

from checker.cli.main import main
from checker.report.document import load_document, strip_volatile
from checker.verify import verify_document

PROPS = textwrap.dedent(
    """
    import sympy as sp
    from flint import arb
    from hypothesis import strategies as st

    from checker import certificate
    from checker.backends.ball import ball_function, ball_precision
    from checker.parse import Z
    from checker.property import Property, Source
    from checker.verdict import Enclosure, Evidence, EvidenceClass, Verdict

    def margin_check(eta):
        margin = (2 - 1.9) / eta
        return Evidence(Verdict.CORROBORATED, EvidenceClass.FLOAT, f"margin {margin:.3g}", margin=margin)

    def exp_check():
        expr = sp.exp(Z) - 2
        with ball_precision(128):
            value = ball_function(expr, Z)(arb(1))
            enc = Enclosure.from_arb(value)
        cert = certificate.ball_sign(expr, Z, Enclosure("1", "1"), "positive", 128, "e - 2 > 0")
        return Evidence(Verdict.CERTIFIED, EvidenceClass.BALL, "e - 2 > 0", numbers={"e-2": enc},
                        certificates=[cert], margin=float(value.mid()), precision="arb 128 bits",
                        informative=("e-2",))

    SRC = Source("mine", "", "Claim 1")
    PROPERTIES = [
        Property(id="RUN-FLOAT", title="float", source=SRC, statement="1.9/eta < 2/eta", provenance=("DERIVED",),
                 strategy=st.fixed_dictionaries({"eta": st.floats(0.01, 1)}), check=margin_check),
        Property(id="RUN-BALL", title="ball", source=SRC, statement="e > 2", provenance=("RECONSTRUCTED",),
                 open_points=("O-9",), check=exp_check),
    ]
    """
)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("runs")
    props = tmp / "props.py"
    props.write_text(PROPS)
    paths = []
    for name in ("a", "b"):
        out = tmp / name
        code = main(["run", str(props), "--seed", "5", "--report-dir", str(out), "--junit", str(out / "junit.xml")])
        assert code == 0
        (path,) = out.glob("eoscheck-run-*.json")
        paths.append(path)
    return paths


def test_run_writes_a_valid_report_and_junit(two_runs):
    doc = load_document(two_runs[0])  # validates against the schema
    assert doc["seed"] == 5 and doc["profile"] == "quick"
    assert doc["summary"]["counts"]["CERTIFIED"] == 1 and doc["summary"]["counts"]["CORROBORATED"] == 1
    assert doc["summary"]["reconstructed"] == [{"id": "RUN-BALL", "open_points": ["O-9"]}]
    assert doc["claims"][0]["hypothesis"]["examples"] > 0
    suite = ET.parse(two_runs[0].parent / "junit.xml").getroot()
    assert suite.get("tests") == "2" and suite.get("failures") == "0"


def test_same_seed_same_document(two_runs):
    a, b = (json.loads(p.read_text()) for p in two_runs)
    assert two_runs[0].name == two_runs[1].name  # deterministic file name
    assert strip_volatile(a) == strip_volatile(b)


def test_run_report_verifies_and_a_tampered_copy_does_not(two_runs):
    doc = load_document(two_runs[0])
    assert [f.status for f in verify_document(doc)] == ["skipped", "verified"]
    doc["claims"][1]["evidence"]["certificates"][0]["at"] = {"lo": "0.5", "hi": "0.6"}  # e^z - 2 < 0 there
    assert [f.status for f in verify_document(doc)] == ["skipped", "failed"]
