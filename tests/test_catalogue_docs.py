"""The catalogue lives in the package: `eoscheck show`, docs/catalogue.md, and references that resolve.

What a user reads must be answerable from what the package ships: every claim id, cited definition and open
point an output names has an entry (``eoscheck show`` prints it, docs/catalogue.md has its anchor), and no
printed text sends the reader to the project's research notes.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from checker import registry
from checker.catalogue.definitions import DEFINITIONS, PAPERS
from checker.catalogue.describe import describe, reachable_verdicts
from checker.catalogue.notes import NOTES
from checker.catalogue.open_points import OPEN_POINTS
from checker.catalogue.render import catalogue_markdown, claim_text
from checker.cli.main import main
from checker.verdict import EvidenceClass

BALL = EvidenceClass.BALL

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "catalogue.md"
ID_RE = re.compile(r"\b(?:GAN-A|GAN-B|DNL|LZDZ|ALP|CLS|NET)-[A-Z0-9][A-Za-z0-9.\-]*")
OPEN_RE = re.compile(r"\bO-\d+\b")
UNSHIPPED = ("THEOREMS", "DESIGN.md", "MEASURED.md")


@pytest.fixture(scope="module")
def props() -> list:
    return registry.catalogue()


def test_docs_catalogue_is_generated_from_the_registry(props: list) -> None:
    assert DOC.read_text(encoding="utf-8") == catalogue_markdown(props), (
        "docs/catalogue.md is out of date: regenerate it with `eoscheck show --markdown > docs/catalogue.md`"
    )


def test_show_prints_every_claim_definition_and_open_point(props: list, capsys: pytest.CaptureFixture[str]) -> None:
    ids = [p.id for p in props] + sorted(DEFINITIONS) + sorted(OPEN_POINTS)
    assert main(["show", *ids]) == 0
    out = capsys.readouterr().out
    for p in props:
        assert f"{p.id}: {p.title}" in out
        assert p.statement.split()[0] in out
    for point in OPEN_POINTS.values():
        assert f"{point.id}: {point.title}" in out
    assert "verdicts it can reach" in out and "checked by" in out and "known limits" in out


def test_show_explains_open_points_of_a_reconstructed_claim(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "gan-b-thm"]) == 0
    out = capsys.readouterr().out
    assert "[RECONSTRUCTED]" in out and "O-3" in out and OPEN_POINTS["O-3"].title in out
    assert "unknown" in out and "here" in out


def test_show_rejects_unknown_ids_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "GAN-A-L3.2"]) == 2
    err = capsys.readouterr().err
    assert "unknown property id 'GAN-A-L3.2'" in err and err.count("\n") == 1
    assert main(["show"]) == 2


def _printed_text(props: list) -> str:
    parts = [catalogue_markdown(props)]
    parts += [claim_text(p) for p in props]
    parts += [f"{p.title} {p.statement} {p.hypotheses} {p.source.ref}" for p in props]
    return "\n".join(parts)


def test_every_cited_id_and_open_point_resolves(props: list) -> None:
    known = {p.id for p in props} | set(DEFINITIONS)
    text = _printed_text(props)
    ids = {m.rstrip(".-") for m in ID_RE.findall(text)}
    assert {"DNL-DEF", "GAN-A-SETUP", "GAN-A-T4.2"} <= ids  # the scan sees cited ids (not vacuous)
    assert sorted(ids - known) == []
    assert sorted(set(OPEN_RE.findall(text)) - set(OPEN_POINTS)) == []
    assert {p.source.paper for p in props} <= set(PAPERS)
    doc = catalogue_markdown(props)
    assert [k for k in [*known, *OPEN_POINTS, *PAPERS] if f'<a id="{k}"></a>' not in doc] == []


def test_every_catalogue_claim_has_notes_and_honest_verdicts(props: list) -> None:
    missing = [p.id for p in props if p.id not in NOTES]
    assert missing == [], f"add checker/catalogue/notes.py entries for {missing}"
    for p in props:
        verdicts = [v for v, _ in reachable_verdicts(p)]
        assert verdicts[-1] == "UNDECIDED", p.id
        # the runner refutes only with a recheck or exact/ball evidence; the docs must not promise more
        can_refute = p.recheck is not None or bool(set(NOTES[p.id].arithmetic) & {EvidenceClass.SYMBOLIC, BALL})
        assert ("REFUTED" in verdicts) == can_refute, p.id
        assert describe(p).limits or not p.reconstructed


def _string_literals(path: Path) -> list[tuple[int, str]]:
    """Non-docstring string constants (what code can print), with line numbers."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
            docstrings.add(id(first.value))
    return [
        (n.lineno, n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


def test_ids_in_any_printable_string_resolve(props: list) -> None:
    """Evidence summaries and CLI output are built from string literals: every id they cite has an entry."""
    known = {p.id for p in props} | set(DEFINITIONS)
    unknown = sorted(
        f"{m.rstrip('.-')} ({path.relative_to(ROOT)}:{line})"
        for folder in ("checker", "properties")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for line, value in _string_literals(path)
        for m in ID_RE.findall(value)
        if m.rstrip(".-") not in known
    )
    assert unknown == [], "add a claim or a checker/catalogue/definitions.py entry for these ids"


def test_no_output_cites_a_file_the_package_does_not_ship(props: list) -> None:
    text = _printed_text(props)
    assert [w for w in UNSHIPPED if w in text] == []
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for folder in ("checker", "properties")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for line, value in _string_literals(path)
        if any(w in value for w in UNSHIPPED)
    ]
    assert offenders == []
