"""JUnit XML: one testcase per claim; REFUTED fails, UNDECIDED is skipped, RECONSTRUCTED is visible."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import report_samples as samples

from checker.report.junit import write_junit


def test_junit_maps_verdicts(tmp_path):
    path = tmp_path / "ci" / "junit.xml"
    write_junit(samples.record(), path)
    suite = ET.parse(path).getroot()
    assert suite.tag == "testsuite"
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("5", "1", "1")
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert set(cases) == {"T-PROVED", "T-CERT", "T-CORR", "T-UND", "T-REF"}
    assert cases["T-REF"].find("failure") is not None
    assert "eta" in cases["T-REF"].find("failure").text
    assert cases["T-UND"].find("skipped") is not None
    assert cases["T-PROVED"].find("failure") is None and cases["T-PROVED"].find("skipped") is None
    assert "RECONSTRUCTED" in cases["T-UND"].find("system-out").text
    assert "RECONSTRUCTED" not in cases["T-CORR"].find("system-out").text
