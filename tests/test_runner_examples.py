"""Explicit examples: a property's known edge cases run before any drawn example, on every seed.

Why: a near-miss variant that fails only at an edge the strategy rarely reaches survives by luck on some seeds;
an edge case declared once is checked on all of them (like Hypothesis' ``@example``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import strategies as st

from checker.property import Property, Source, require
from checker.runner import run_property
from checker.verdict import Evidence, EvidenceClass, Verdict

SEEDS = (3, 17, 29, 71, 97)


def _bound_check(limit: float) -> Any:
    """'x < limit for every x in [0, 1]': false for limit <= 1, but draws near 0.5 never show it."""

    def check(x: float) -> Evidence:
        require(x != 2.0)  # an example outside the hypotheses is skipped, not a counterexample
        ok = x < limit
        return Evidence(
            Verdict.CERTIFIED if ok else Verdict.REFUTED,
            EvidenceClass.SYMBOLIC,
            f"x = {x}",
            margin=limit - x,
            counterexample=None if ok else {"x": x},
        )

    return check


def _prop(limit: float, examples: list[dict[str, Any]]) -> Property:
    return Property(
        id="TEST-EXAMPLES",
        title="t",
        source=Source("test", "", "none"),
        statement="x < limit on [0, 1]",
        provenance=("DERIVED",),
        check=_bound_check(limit),
        strategy=st.fixed_dictionaries({"x": st.floats(0.4, 0.6)}),  # the edge x = 1 is out of reach
        examples=examples,
    )


def test_an_edge_example_refutes_a_near_miss_on_every_seed() -> None:
    prop = _prop(0.99, [{"x": 2.0}, {"x": 1.0}])
    for seed in SEEDS:
        res = run_property(prop, profile="quick", seed=seed, database=False)
        assert res.verdict is Verdict.REFUTED, (seed, res.evidence.summary)
        assert res.evidence.counterexample == {"x": 1.0}
        assert res.stats.replay


def test_without_the_example_the_near_miss_survives() -> None:
    """The control: the strategy alone does not find the edge, so the example is what refutes."""
    res = run_property(_prop(0.99, []), profile="quick", seed=SEEDS[0], database=False)
    assert res.verdict is not Verdict.REFUTED


def test_examples_of_a_true_statement_are_checked_and_counted() -> None:
    prop = _prop(1.5, [{"x": 2.0}, {"x": 1.0}])
    res = run_property(prop, profile="quick", seed=SEEDS[0], database=False)
    assert res.verdict is Verdict.CORROBORATED, res.evidence.summary
    assert res.stats.invalid >= 1  # the example outside the hypotheses was rejected
    assert any("2 explicit edge case(s)" in note for note in res.notes)
    worst = run_property(dataclasses.replace(prop, examples=[{"x": 1.0}]), profile="quick", seed=1, database=False)
    assert worst.stats.best_target is not None and abs(worst.stats.best_target - 0.5) < 1e-12  # x = 1 was run
