"""The same seed gives the same numbers whatever ran before and with any --jobs (checker/determinism.py)."""

from __future__ import annotations

import importlib
import textwrap

from hypothesis import strategies as st

from checker import registry
from checker.claim import RunRecord
from checker.property import Property, Source
from checker.report.document import build_document, strip_volatile
from checker.runner import run_property
from checker.suite import run_suite
from checker.verdict import Evidence, EvidenceClass, Verdict

# Each check's last evidence carries a digest of every value drawn so far: the report shows any difference.
DRAWING_PROPS = """
import hashlib

from hypothesis import strategies as st

from checker.property import Property, Source
from checker.verdict import Evidence, EvidenceClass, Verdict

SEEN = {}


def make_check(key):
    def check(x: float, n: int) -> Evidence:
        seen = SEEN.setdefault(key, [])
        seen.append((x, n))
        digest = hashlib.sha256(repr(seen).encode()).hexdigest()[:16]
        return Evidence(Verdict.CORROBORATED, EvidenceClass.FLOAT, f"draws {digest}", margin=-float(len(seen)))

    return check


PROPERTIES = [
    Property(id=f"DET-{k}", title="draws", source=Source("mine", "", "D"), statement="draws", provenance=["DERIVED"],
             strategy=st.fixed_dictionaries({"x": st.floats(0.0, 1.0), "n": st.integers(0, 10**6)}),
             check=make_check(k), max_examples={"quick": 100})
    for k in range(2)
]
"""


def _drawing_property(seen: list[float]) -> Property:
    def check(x: float) -> Evidence:
        seen.append(x)
        return Evidence(Verdict.CORROBORATED, EvidenceClass.FLOAT, "ok", margin=1.0)

    return Property(
        id="DET-HISTORY",
        title="draws",
        source=Source("mine", "", "D"),
        statement="draws",
        provenance=["DERIVED"],
        strategy=st.fixed_dictionaries({"x": st.floats(0.0, 1.0)}),
        check=check,
        max_examples={"quick": 200},
    )


def test_draws_do_not_depend_on_the_modules_imported_before(tmp_path, monkeypatch):
    seen: list[float] = []
    prop = _drawing_property(seen)
    run_property(prop, profile="quick", seed=5, database=False)
    first = list(seen)
    seen.clear()
    # A local module full of constants that Hypothesis could mix into its draws, imported between the runs
    # (as an earlier property's module is, in one process and not in another).
    constants = ", ".join(f"0.{k:03d}7519" for k in range(400))
    (tmp_path / "det_constants_module.py").write_text(f"VALUES = [{constants}]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module("det_constants_module")
    run_property(prop, profile="quick", seed=5, database=False)
    assert seen == first


def test_jobs_1_and_jobs_2_give_identical_reports_apart_from_timings(tmp_path):
    path = tmp_path / "det_props.py"
    path.write_text(textwrap.dedent(DRAWING_PROPS))
    props = registry.load_file(str(path))
    docs = []
    for jobs in (1, 2):
        claims = run_suite(props, profile="quick", seed=11, jobs=jobs, database=False)
        record = RunRecord(
            kind="run", command=["eoscheck"], profile="quick", seed=11, started="", seconds=0, claims=claims
        )
        docs.append(strip_volatile(build_document(record, env={})))
    assert docs[0] == docs[1]
