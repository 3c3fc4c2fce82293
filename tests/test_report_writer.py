"""The JSON report: schema-valid, atomic, deterministic, and its output path checked before a run."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest
import report_samples as samples

from checker.errors import UserInputError
from checker.report import writer
from checker.report.document import build_document, load_document, schema_errors, strip_volatile

ENV = samples.ENV


def _doc():
    return build_document(samples.record())


def test_document_validates_and_summarises():
    doc = _doc()
    assert schema_errors(doc) == []
    s = doc["summary"]
    assert s["counts"] == {"PROVED": 1, "CERTIFIED": 1, "CORROBORATED": 1, "UNDECIDED": 1, "REFUTED": 1}
    assert s["passed"] is False and s["refuted"] == ["T-REF"]
    assert s["reconstructed"] == [{"id": "T-UND", "open_points": ["O-1"]}]
    assert s["certificates"] == 4
    env = doc["environment"]
    assert {"numpy", "sympy", "mpmath", "python-flint", "hypothesis", "jax", "jaxlib"} <= set(env["packages"])
    assert env["jax"]["x64"] is True


def test_loss_document_validates():
    assert schema_errors(build_document(samples.loss_record())) == []


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d["claims"][0].__setitem__("verdict", "TRUE"),
        lambda d: d.pop("summary"),
        lambda d: d.__setitem__("schema_version", "2.0.0"),
        lambda d: d["claims"][3].__setitem__("provenance", ["SOURCED"]),  # reconstructed but not labelled
        lambda d: d["claims"][4]["evidence"].__setitem__("counterexample", None),  # REFUTED without example
        lambda d: d["claims"][1]["evidence"]["certificates"][0].__setitem__("kind", "trust-me"),
        lambda d: d["claims"][1]["evidence"]["certificates"][2].pop("box"),
        lambda d: d["claims"][2]["evidence"]["series"]["sharp"].pop("x"),
        lambda d: d["summary"]["counts"].pop("REFUTED"),
        lambda d: d.__setitem__("kind", "loss"),  # a loss document needs extra.loss
    ],
)
def test_schema_rejects_broken_documents(mutate):
    doc = copy.deepcopy(_doc())
    mutate(doc)
    assert schema_errors(doc)


def test_write_report_writes_valid_json_with_a_deterministic_name(tmp_path):
    path = writer.write_report(samples.record(), tmp_path / "out")
    assert path.name == writer.report_name(samples.record())
    assert path.name.startswith("eoscheck-run-quick-seed7-") and path.suffix == ".json"
    doc = load_document(path)
    assert doc["claims"][0]["id"] == "T-PROVED"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp or probe files left behind


def test_same_record_gives_the_same_document_except_timings(tmp_path):
    a = writer.write_report(samples.record(seconds=1.0, started="2026-01-01T00:00:00+00:00"), tmp_path / "a")
    b = writer.write_report(samples.record(seconds=9.0, started="2026-02-02T00:00:00+00:00"), tmp_path / "b")
    da, db = json.loads(a.read_text()), json.loads(b.read_text())
    assert da != db  # the timings do differ ...
    assert strip_volatile(da) == strip_volatile(db)  # ... and nothing else


def test_crash_mid_write_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "r.json"
    target.write_text('{"old": true}')

    real_fdopen = os.fdopen

    class Crashing:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, text):
            self.fh.write(text[: len(text) // 2])
            raise KeyboardInterrupt  # the run is killed half-way through the write

    monkeypatch.setattr(writer.os, "fdopen", lambda fd, *a, **k: Crashing(real_fdopen(fd, *a, **k)))
    with pytest.raises(KeyboardInterrupt):
        writer.atomic_write_text(target, "x" * 1000)
    assert target.read_text() == '{"old": true}'  # the previous report survives intact
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # and no temp file is left


def test_invalid_document_is_never_written(tmp_path):
    doc = build_document(samples.record(), env=ENV)
    doc["claims"][0]["verdict"] = "MAYBE"
    with pytest.raises(ValueError, match="schema"):
        writer.write_document(doc, tmp_path / "r.json")
    assert not (tmp_path / "r.json").exists()
    assert json.loads((tmp_path / "r.invalid.json").read_text())["claims"][0]["verdict"] == "MAYBE"  # kept aside


def test_check_writable_rejects_unusable_paths(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(UserInputError, match="cannot write to"):
        writer.check_writable(blocker / "sub")
    writer.check_writable(tmp_path / "new" / "dir")  # created on demand
    assert (tmp_path / "new" / "dir").is_dir() and not list((tmp_path / "new" / "dir").iterdir())


def test_load_document_rejects_garbage(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(UserInputError, match="not JSON"):
        load_document(bad)
    bad.write_text('{"schema_version": "1.0.0"}')
    with pytest.raises(UserInputError, match="not a valid eos-checker v1 report"):
        load_document(bad)
    with pytest.raises(UserInputError, match="cannot read"):
        load_document(Path(tmp_path / "missing.json"))


def test_published_schema_is_a_valid_draft_2020_12_schema():
    from jsonschema import Draft202012Validator

    from checker.report.document import schema

    Draft202012Validator.check_schema(schema())
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
