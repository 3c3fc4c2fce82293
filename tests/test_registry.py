"""The registry: loading user files (with one-line errors), selecting by id/glob/paper, the catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker import registry
from checker.errors import UserInputError

GOOD = """
from checker.property import Property, Source
from checker.verdict import Evidence, EvidenceClass, Verdict

def ok() -> Evidence:
    return Evidence(Verdict.CORROBORATED, EvidenceClass.FLOAT, "ok")

PROPERTIES = [
    Property(id="R-ONE", title="t", source=Source("pa", "", "Thm 1"), statement="s", provenance=["DERIVED"], check=ok),
    Property(id="R-TWO", title="t", source=Source("pb", "", "Thm 2"), statement="s", provenance=["DERIVED"], check=ok),
]
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_load_file_and_select(tmp_path: Path) -> None:
    props = registry.load_file(_write(tmp_path, "good.py", GOOD))
    assert [p.id for p in props] == ["R-ONE", "R-TWO"]
    assert [p.id for p in registry.select(props, ["r-one"])] == ["R-ONE"]  # case-insensitive
    assert [p.id for p in registry.select(props, ["R-*"])] == ["R-ONE", "R-TWO"]
    assert [p.id for p in registry.select(props, paper="pb")] == ["R-TWO"]
    assert registry.papers(props) == ["pa", "pb"]
    origin = registry.origin_of(props[0])
    assert origin is not None and origin.kind == "file"
    assert registry.find(origin, "R-TWO").id == "R-TWO"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("notpy.txt", GOOD, "must be a .py file"),
        ("noprops.py", "X = 1\n", "defines no PROPERTIES"),
        ("badlist.py", "PROPERTIES = [1, 2]\n", "must be a list of checker.property.Property"),
        ("broken.py", "raise RuntimeError('boom\\nsecond line')\n", "importing it failed with RuntimeError: boom"),
    ],
)
def test_bad_user_files_are_one_line_errors(tmp_path: Path, name: str, text: str, message: str) -> None:
    with pytest.raises(UserInputError) as info:
        registry.load_file(_write(tmp_path, name, text))
    assert message in str(info.value) and "\n" not in str(info.value)


def test_missing_file_and_unknown_selection(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="no such file"):
        registry.load_file(tmp_path / "absent.py")
    props = registry.load_file(_write(tmp_path, "good2.py", GOOD))
    with pytest.raises(UserInputError, match=r"unknown property id 'R-ON'.*did you mean R-ONE"):
        registry.select(props, ["R-ON"])
    with pytest.raises(UserInputError, match="unknown paper"):
        registry.select(props, paper="zz")


def test_code_hash_depends_on_source_not_location(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = registry.load_file(_write(tmp_path / "a", "same.py", GOOD))
    second = registry.load_file(_write(tmp_path / "b", "same.py", GOOD))
    changed = registry.load_file(_write(tmp_path, "same_other.py", GOOD + "\n# changed\n"))
    assert registry.code_hash(first) == registry.code_hash(second)
    assert registry.code_hash(first) != registry.code_hash(changed)


def test_catalogue_ids_are_unique_and_papers_keyed() -> None:
    props = registry.catalogue()
    ids = [p.id for p in props]
    assert len(ids) == len(set(ids))
    for p in props:
        assert p.source.paper and p.statement and p.provenance
