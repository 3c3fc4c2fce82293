"""The runner's verdict policy: what it calls REFUTED, UNDECIDED, CERTIFIED, PROVED, and that runs replay.

Every test builds a tiny in-memory property, so these tests check the runner, not any theorem.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st

from checker.property import Property, Source, require
from checker.runner import NO_RECHECK, NOT_CONFIRMED, proves_class, run_property
from checker.suite import run_suite
from checker.verdict import Evidence, EvidenceClass, Verdict

SRC = Source("test", "", "none")


def _threshold_check(limit: int, cls: EvidenceClass, ok_verdict: Verdict = Verdict.CORROBORATED) -> Any:
    """A claim "n < limit" for drawn integers n; wrong as soon as n >= limit."""

    def check(n: int) -> Evidence:
        margin = float(limit - n)
        if margin > 0:
            return Evidence(ok_verdict, cls, f"n={n}", margin=margin)
        return Evidence(Verdict.REFUTED, cls, f"n={n} >= {limit}", margin=margin, counterexample={"n": n})

    return check


def _prop(check: Any, *, recheck: Any = None, strategy: Any = "ints", pid: str = "T-1") -> Property:
    strat = st.fixed_dictionaries({"n": st.integers(0, 1000)}) if strategy == "ints" else strategy
    return Property(
        id=pid,
        title="t",
        source=SRC,
        statement="n < limit",
        provenance=["DERIVED"],
        check=check,
        recheck=recheck,
        strategy=strat,
        max_examples={"quick": 60, "ci": 60},
    )


@pytest.mark.parametrize("cls", [EvidenceClass.FLOAT, EvidenceClass.MPMATH])
def test_float_refutation_without_recheck_is_undecided(cls: EvidenceClass) -> None:
    res = run_property(_prop(_threshold_check(10, cls)), profile="ci", database=False)
    assert res.verdict is Verdict.UNDECIDED
    assert NO_RECHECK in res.notes
    assert res.evidence.numbers["unconfirmed_counterexample"] == {"n": 10}  # still shrunk, still shown


@pytest.mark.parametrize("cls", [EvidenceClass.SYMBOLIC, EvidenceClass.BALL])
def test_exact_refutation_needs_no_recheck_and_is_shrunk(cls: EvidenceClass) -> None:
    ok = Verdict.PROVED if cls is EvidenceClass.SYMBOLIC else Verdict.CERTIFIED
    res = run_property(_prop(_threshold_check(10, cls, ok)), profile="ci", database=False)
    assert res.verdict is Verdict.REFUTED
    assert res.evidence.counterexample == {"n": 10}  # shrunk to the boundary
    assert res.stats.replay and "reproduce_failure" in res.stats.replay


def test_confirmed_recheck_refutes_and_unconfirmed_stays_undecided() -> None:
    float_check = _threshold_check(10, EvidenceClass.FLOAT)
    confirmed = run_property(
        _prop(float_check, recheck=_threshold_check(10, EvidenceClass.BALL, Verdict.CERTIFIED)),
        profile="ci",
        database=False,
    )
    assert confirmed.verdict is Verdict.REFUTED
    assert confirmed.evidence.evidence_class is EvidenceClass.BALL
    # A recheck that disagrees (the "float artefact" case): never REFUTED.
    artefact = run_property(
        _prop(float_check, recheck=_threshold_check(2000, EvidenceClass.BALL, Verdict.CERTIFIED)),
        profile="ci",
        database=False,
    )
    assert artefact.verdict is Verdict.UNDECIDED
    assert NOT_CONFIRMED in artefact.notes


def test_true_claim_is_corroborated_and_worst_margin_is_targeted() -> None:
    res = run_property(_prop(_threshold_check(2000, EvidenceClass.FLOAT)), profile="ci", database=False)
    assert res.verdict is Verdict.CORROBORATED
    assert res.stats.examples > 0
    # target(-margin) pushes n up: the worst margin found must be well below a typical draw's margin.
    assert res.stats.best_target is not None and res.stats.best_target <= 1000
    assert res.evidence.margin == res.stats.best_target


def test_proved_on_drawn_instances_is_corroborated_unless_marked_as_class_proof() -> None:
    plain = _threshold_check(2000, EvidenceClass.SYMBOLIC, Verdict.PROVED)
    res = run_property(_prop(plain), profile="ci", database=False)
    assert res.verdict is Verdict.CORROBORATED  # rigorous per drawn instance, not for the class
    assert any("drawn instances certified" in n for n in res.notes), res.notes
    marked = proves_class(_threshold_check(2000, EvidenceClass.SYMBOLIC, Verdict.PROVED))
    assert run_property(_prop(marked), profile="ci", database=False).verdict is Verdict.PROVED


def test_certified_survives_only_for_a_named_instance() -> None:
    """Every draw the same parameters: a rigorous result about that instance is CERTIFIED; distinct draws of a
    class are CORROBORATED, with the instances' certificates stored (each instance's own record)."""

    def check(n: int) -> Evidence:
        cert = {
            "kind": "ball-sign",
            "claim": f"n = {n}",
            "expr": "z",
            "variable": "z",
            "at": {"lo": "1", "hi": "1"},
            "sign": "positive",
            "prec": 53,
        }
        return Evidence(Verdict.CERTIFIED, EvidenceClass.BALL, "ok", margin=1.0, certificates=[cert])

    named = run_property(_prop(check, strategy=st.fixed_dictionaries({"n": st.just(3)})), profile="ci", database=False)
    assert named.verdict is Verdict.CERTIFIED
    drawn = run_property(_prop(check), profile="ci", database=False)
    assert drawn.verdict is Verdict.CORROBORATED
    claims = {c["claim"] for c in drawn.evidence.certificates}
    assert 1 < len(claims) <= 20 and any("instances certified" in n for n in drawn.notes)


def test_a_crashing_check_is_undecided_not_refuted() -> None:
    def boom(n: int) -> Evidence:
        raise ZeroDivisionError("bug in the checker")

    res = run_property(_prop(boom), profile="ci", database=False)
    assert res.verdict is Verdict.UNDECIDED
    assert any(note.startswith("ERROR") and "ZeroDivisionError" in note for note in res.notes)


def test_deterministic_check_follows_the_same_policy() -> None:
    def wrong_float() -> Evidence:
        return Evidence(Verdict.REFUTED, EvidenceClass.FLOAT, "bad", counterexample={})

    def wrong_exact() -> Evidence:
        return Evidence(Verdict.REFUTED, EvidenceClass.SYMBOLIC, "bad", counterexample={})

    assert run_property(_prop(wrong_float, strategy=None), database=False).verdict is Verdict.UNDECIDED
    assert run_property(_prop(wrong_exact, strategy=None), database=False).verdict is Verdict.REFUTED


def test_reconstructed_statements_say_so_in_the_notes() -> None:
    prop = Property(
        id="T-R",
        title="t",
        source=SRC,
        statement="s",
        provenance=["RECONSTRUCTED", "DERIVED"],
        check=lambda: Evidence(Verdict.CORROBORATED, EvidenceClass.FLOAT, "ok"),
        open_points=("O-1",),
    )
    res = run_property(prop, database=False)
    assert any("RECONSTRUCTED" in n and "O-1" in n for n in res.notes)
    assert res.to_json()["reconstructed"] is True


def test_same_seed_same_results() -> None:
    drawn: list[float] = []

    def noisy(x: float) -> Evidence:
        drawn.append(x)
        return Evidence(Verdict.CORROBORATED, EvidenceClass.FLOAT, f"x={x!r}", margin=abs(x - 0.5), numbers={"x": x})

    prop = _prop(noisy, strategy=st.fixed_dictionaries({"x": st.floats(0, 1)}))
    runs = []
    for seed in (123, 123, 124):
        drawn.clear()
        runs.append((run_property(prop, profile="quick", seed=seed, database=False), list(drawn)))
    (one, draws_one), (two, draws_two), (_, draws_other) = runs
    assert one.stats.best_target == two.stats.best_target
    assert one.evidence.numbers == two.evidence.numbers
    assert one.stats.examples == two.stats.examples
    assert draws_one == draws_two
    # the seed does drive the draws (compared as whole sequences: the worst-margin example alone can coincide,
    # e.g. both seeds hit Hypothesis's favourite boundary value 0.5)
    assert draws_other != draws_one


def test_run_suite_keeps_order_and_reports_each() -> None:
    props = [_prop(_threshold_check(2000, EvidenceClass.FLOAT), pid=f"T-{i}") for i in range(3)]
    seen: list[str] = []
    results = run_suite(props, profile="quick", seed=1, on_result=lambda r: seen.append(r.prop.id), database=False)
    assert [r.prop.id for r in results] == ["T-0", "T-1", "T-2"]
    assert sorted(seen) == ["T-0", "T-1", "T-2"]


def test_require_marks_examples_invalid_not_refuted() -> None:
    """Instances outside the hypotheses (here odd n) are skipped, and the claim on the rest is judged."""

    def check(n: int) -> Evidence:
        require(n % 2 == 0)
        return _threshold_check(2000, EvidenceClass.FLOAT)(n)

    res = run_property(_prop(check), seed=1, database=False)
    assert res.verdict is Verdict.CORROBORATED
    assert res.stats.invalid > 0


def test_require_failing_in_the_recheck_leaves_the_claim_open() -> None:
    """A float refutation whose recheck says "outside the hypotheses" is not confirmed: UNDECIDED."""

    def recheck(n: int) -> Evidence:
        require(False)
        raise AssertionError("unreachable")

    res = run_property(_prop(_threshold_check(10, EvidenceClass.FLOAT), recheck=recheck), seed=1, database=False)
    assert res.verdict is Verdict.UNDECIDED
    assert NOT_CONFIRMED in res.notes


def test_require_outside_hypothesis_raises_no_warning() -> None:
    import warnings

    from checker.property import OutsideHypotheses

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        require(True)
        with pytest.raises(OutsideHypotheses):
            require(False)
