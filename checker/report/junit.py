"""JUnit XML for CI systems: one testcase per claim.

REFUTED is a failure (with the counterexample), UNDECIDED is skipped (with what would decide it), the
rest pass; RECONSTRUCTED statements say so in the testcase's properties so a CI dashboard shows it.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from checker.claim import RunRecord
from checker.report.document import build_document
from checker.report.writer import atomic_write_text


def junit_xml(record: RunRecord) -> str:
    doc = build_document(record, env={})
    claims = doc["claims"]
    counts = doc["summary"]["counts"]
    suite = ET.Element(
        "testsuite",
        name=f"eoscheck-{record.kind}-{record.profile}",
        tests=str(len(claims)),
        failures=str(counts["REFUTED"]),
        skipped=str(counts["UNDECIDED"]),
        errors="0",
        time=f"{record.seconds:.3f}",
        timestamp=record.started,
    )
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="seed", value=str(record.seed))
    ET.SubElement(props, "property", name="profile", value=record.profile)
    ET.SubElement(props, "property", name="command", value=" ".join(record.command))
    for c in claims:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"eoscheck.{c['source']['paper'] or 'user'}",
            name=c["id"],
            time=f"{c['seconds']:.3f}",
        )
        cprops = ET.SubElement(case, "properties")
        ET.SubElement(cprops, "property", name="verdict", value=c["verdict"])
        ET.SubElement(cprops, "property", name="evidence", value=c["evidence"]["class"])
        ET.SubElement(cprops, "property", name="provenance", value=" + ".join(c["provenance"]))
        if c["verdict"] == "REFUTED":
            fail = ET.SubElement(case, "failure", message=f"REFUTED: {c['evidence']['summary']}", type="REFUTED")
            fail.text = "counterexample: " + json.dumps(c["evidence"]["counterexample"], sort_keys=True)
        elif c["verdict"] == "UNDECIDED":
            ET.SubElement(case, "skipped", message=f"UNDECIDED: {c['evidence']['summary']}")
        out = f"{c['verdict']} ({c['evidence']['class']}): {c['evidence']['summary']}"
        if c["reconstructed"]:
            out += f"\nRECONSTRUCTED statement; open points: {', '.join(c['open_points']) or 'none listed'}"
        ET.SubElement(case, "system-out").text = out
    ET.indent(suite)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"


def write_junit(record: RunRecord, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, junit_xml(record))
