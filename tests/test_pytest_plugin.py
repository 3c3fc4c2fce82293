"""The pytest plugin (checker/pytest_plugin.py), exercised with pytester on small user test suites.

Most runs are in-process (fast). The pytest-xdist comparison runs in subprocesses, where workers exist.
The plugin is passed with ``-p`` unless the installed package already registers it as the ``eoscheck``
entry point (registering one module twice is an error in pluggy).
"""

from __future__ import annotations

import ast
import json
import os
import tomllib
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from checker import registry
from checker.report.document import load_document, strip_volatile
from checker.verify import verify_file

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]

README_PROPS = """
from fractions import Fraction

from hypothesis import strategies as st

from checker.property import Property, Source
from checker.verdict import Evidence, EvidenceClass, Verdict

C = "{c}"


def check(eta: float) -> Evidence:
    margin = 2 / eta - float(C) / eta
    ok = margin > 0
    return Evidence(Verdict.CORROBORATED if ok else Verdict.REFUTED, EvidenceClass.FLOAT,
                    f"margin {{margin:.3g}}", margin=margin, counterexample=None if ok else {{"eta": eta}})


def recheck(eta: float) -> Evidence:
    margin = (2 - Fraction(C)) / Fraction(eta)
    ok = margin > 0
    return Evidence(Verdict.PROVED if ok else Verdict.REFUTED, EvidenceClass.SYMBOLIC,
                    f"exact margin {{float(margin):.6g}}", counterexample=None if ok else {{"eta": eta}})


def undecided() -> Evidence:
    return Evidence(Verdict.UNDECIDED, EvidenceClass.NONE, "the run did not settle in 10 steps")


PROPERTIES = [
    Property(id="MY-1", title="below threshold", source=Source("mine", "", "Claim 1"),
             statement="C/eta < 2/eta for eta > 0", provenance=["DERIVED"],
             strategy=st.fixed_dictionaries({{"eta": st.floats(0.01, 1.0)}}), check=check, recheck=recheck),
    Property(id="MY-R", title="reconstructed", source=Source("mine", "", "Thm 9"),
             statement="a reconstructed claim", provenance=["RECONSTRUCTED"], check=undecided, open_points=("O-1",)),
]


def test_plain():
    assert True
"""


def _plugin_args() -> list[str]:
    registered = [e for e in entry_points(group="pytest11") if e.name == "eoscheck"]
    return [] if registered and registered[0].value == "checker.pytest_plugin" else ["-p", "checker.pytest_plugin"]


@pytest.fixture(autouse=True, scope="module")
def _import_first() -> None:
    """An in-process pytester run removes the modules it imported from sys.modules afterwards, and numpy (a C
    extension) cannot be imported twice in one process: import everything the inner runs use here first."""
    import checker.pytest_plugin
    import checker.pytest_report

    registry.catalogue()
    assert checker.pytest_plugin.ClaimItem and checker.pytest_report.write_pytest_report


def _go(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*_plugin_args(), "-p", "no:cacheprovider", *args)


def test_readme_module_passes_and_a_false_variant_fails_with_its_counterexample(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_props=README_PROPS.format(c="1.9"))
    res = _go(pytester, "--eoscheck-seed", "5", "-rs")
    res.assert_outcomes(passed=2, skipped=1)
    out = res.stdout.str()
    assert "UNDECIDED MY-R: the run did not settle in 10 steps" in out  # skipped with its reason
    assert "0 REFUTED" in out and "1 CORROBORATED" in out and "1 UNDECIDED" in out
    assert "RECONSTRUCTED MY-R: a reconstructed claim (open points: O-1)" in out
    assert "profile quick, seed 5" in out

    pytester.makepyfile(test_props=README_PROPS.format(c="2.1"))
    res = _go(pytester, "--eoscheck-seed", "5")
    res.assert_outcomes(failed=1, passed=1, skipped=1)
    out = res.stdout.str()
    assert "REFUTED MY-1: exact margin" in out
    assert "counterexample (shrunk): {'eta': 1.0}" in out  # shrunk to the simplest failing eta
    assert "replay: pytest 'test_props.py::MY-1' --eoscheck-profile quick --eoscheck-seed 5" in out
    assert "FAILED test_props.py::MY-1" in out


def test_strict_fails_undecided_claims(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_props=README_PROPS.format(c="1.9"))
    res = _go(pytester, "--eoscheck-strict", "--eoscheck-seed", "0", "-k", "MY-R")
    res.assert_outcomes(failed=1)
    assert "failed because of --eoscheck-strict" in res.stdout.str()


def test_decorated_function_is_one_claim_and_runs_under_its_id(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_deco="""
from hypothesis import strategies as st
from checker.testing import eoscheck
from checker.verdict import Evidence, EvidenceClass, Verdict

@eoscheck(id="DEC-1", strategy={"x": st.floats(0, 1)}, statement="x >= -1", provenance=["RECONSTRUCTED"])
def test_above(x: float) -> Evidence:
    '''x stays above -1'''
    ok = x >= -1
    return Evidence(Verdict.CORROBORATED if ok else Verdict.REFUTED, EvidenceClass.FLOAT, f"x={x}",
                    margin=x + 1, counterexample=None if ok else {"x": x})

@eoscheck(id="DEC-2", strategy={"x": st.floats(0, 1)}, statement="x < 0.5")
def test_below_half(x: float) -> Evidence:
    ok = x < 0.5
    return Evidence(Verdict.CORROBORATED if ok else Verdict.REFUTED, EvidenceClass.BALL, f"x={x}",
                    margin=0.5 - x, counterexample=None if ok else {"x": x})

PROPERTIES = [test_above]  # listed for `eoscheck run` too: still collected once
"""
    )
    res = _go(pytester, "--eoscheck-seed", "1", "-v")
    res.assert_outcomes(passed=1, failed=1)
    out = res.stdout.str()
    assert out.count("test_deco.py::DEC-1 PASSED") == 1
    assert "REFUTED DEC-2" in out and "counterexample (shrunk): {'x': 1.0}" in out  # ball evidence refutes
    assert "RECONSTRUCTED DEC-1: x >= -1" in out


def test_imported_properties_are_not_collected_unless_listed_as_the_modules_own(pytester: pytest.Pytester) -> None:
    """The opt-in rule that keeps suites which import property modules (like this project's) unchanged."""
    pytester.makepyfile(
        mylib="""
from checker.property import Property, Source
from checker.verdict import Evidence, EvidenceClass, Verdict

def ok() -> Evidence:
    return Evidence(Verdict.CORROBORATED, EvidenceClass.FLOAT, "fine")

PROPERTIES = [Property(id="LIB-1", title="t", source=Source("lib", "", "1"), statement="s",
                       provenance=["DERIVED"], check=ok)]
""",
        test_imports="""
from mylib import PROPERTIES

def test_uses_them():
    assert PROPERTIES[0].id == "LIB-1"
""",
    )
    pytester.syspathinsert()
    res = _go(pytester, "-v")
    res.assert_outcomes(passed=1)
    assert "LIB-1" not in res.stdout.str() and "eoscheck ===" not in res.stdout.str()

    pytester.makepyfile(test_own="import mylib\nPROPERTIES = [*mylib.PROPERTIES]\n")
    res = _go(pytester, "-v")
    res.assert_outcomes(passed=2)
    assert "test_own.py::LIB-1 PASSED" in res.stdout.str()


def test_catalogue_selection_and_bad_options(pytester: pytest.Pytester) -> None:
    res = _go(pytester, "--eoscheck-id", "gan-a-fix", "--eoscheck-seed", "0", "-v")
    assert "eoscheck-catalogue::GAN-A-FIX" in res.stdout.str()
    assert "1 claim:" in res.stdout.str()
    bad = _go(pytester, "--eoscheck-id", "GAN-A-NOPE")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR
    assert "unknown property id 'GAN-A-NOPE'" in bad.stderr.str()
    bad = _go(pytester, "--eoscheck-profile", "fast")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR
    assert "unknown profile 'fast'" in bad.stderr.str()


def _report(dir_: Path) -> dict[str, object]:
    (path,) = dir_.glob("eoscheck-run-*.json")
    return load_document(path)


def test_report_is_a_valid_run_report_and_xdist_gives_the_same_claims(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """-n 2 in subprocesses (workers need one) against a serial subprocess run: same verdicts and numbers."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    pytester.makepyfile(test_props=README_PROPS.format(c="2.1"))
    pytester.makepyfile(test_more=README_PROPS.format(c="1.5").replace('"MY-', '"MORE-'))
    common = [*_plugin_args(), "-p", "no:cacheprovider", "--eoscheck-profile", "ci", "--eoscheck-seed", "11"]
    serial = pytester.runpytest_subprocess(*common, "--eoscheck-report-dir", "serial")
    parallel = pytester.runpytest_subprocess(*common, "-n", "2", "--eoscheck-report-dir", "parallel")
    for res in (serial, parallel):
        res.assert_outcomes(failed=1, passed=3, skipped=2)
    one, two = _report(pytester.path / "serial"), _report(pytester.path / "parallel")
    assert one["command"][:1] == ["pytest"] and one["seed"] == 11 and one["profile"] == "ci"
    assert [c["id"] for c in one["claims"]] == ["MORE-1", "MORE-R", "MY-1", "MY-R"]  # sorted by node id
    assert one["summary"]["refuted"] == ["MY-1"]
    assert strip_volatile(one) == strip_volatile(two)  # verdicts, numbers, counterexamples, code hash, name
    verdicts = {f.claim: f.status for f in verify_file(next((pytester.path / "serial").glob("*.json")))}
    assert set(verdicts) == {"MORE-1", "MORE-R", "MY-1", "MY-R"} and "failed" not in verdicts.values()


def test_entry_point_is_declared_for_the_plugin_module() -> None:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert meta["project"]["entry-points"]["pytest11"] == {"eoscheck": "checker.pytest_plugin"}


def test_the_projects_own_tests_define_no_claims_the_plugin_would_collect() -> None:
    """The project's suite imports property modules but never binds its own PROPERTIES at module level."""
    offenders = []
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            if any(isinstance(t, ast.Name) and t.id == "PROPERTIES" for t in targets):
                offenders.append(path.name)
            if isinstance(node, ast.FunctionDef) and any("eoscheck" in ast.dump(d) for d in node.decorator_list):
                offenders.append(f"{path.name}::{node.name}")
    assert offenders == [], json.dumps(offenders)
