"""The sweep phase: a vectorised margin over many instances seeds Hypothesis with the worst ones.

The property below is false only on a window of width 1e-3 in [0, 1]: the quick profile's 6 Hypothesis
examples almost never land there, a sweep of 1e4 instances lands there ~10 times. With the sweep the run
must REFUTE (through the property's own check and exact recheck) and say what it swept; without it, the
same seed must not.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import strategies as st

from checker.property import Property, Source
from checker.runner import run_property
from checker.sweep import Sweep, run_sweep
from checker.verdict import Evidence, EvidenceClass, Verdict

CENTRE, HALF = Fraction(6173, 10000), Fraction(1, 2000)


def _margin(x: float) -> float:
    return float(abs(Fraction(x) - CENTRE) - HALF)


def _check(x: float) -> Evidence:
    m = _margin(x)
    ok = m >= 0
    return Evidence(
        Verdict.CORROBORATED if ok else Verdict.REFUTED,
        EvidenceClass.FLOAT,
        f"margin {m:.3g}",
        margin=m,
        counterexample=None if ok else {"x": x},
    )


def _recheck(x: float) -> Evidence:
    exact = abs(Fraction(x) - CENTRE) - HALF
    ok = exact >= 0
    return Evidence(
        Verdict.PROVED if ok else Verdict.REFUTED,
        EvidenceClass.SYMBOLIC,
        f"exact margin {float(exact):.3g}",
        margin=float(exact),
        counterexample=None if ok else {"x": x},
    )


def _draw(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
    return {"x": rng.uniform(0.0, 1.0, n)}


def _vector_margin(a: Mapping[str, np.ndarray]) -> np.ndarray:
    return np.abs(a["x"] - float(CENTRE)) - float(HALF)


def _prop(sweep: Sweep | None) -> Property:
    return Property(
        id="SWEEP-DEMO",
        title="far from 0.6173",
        source=Source("test", "", "none"),
        statement="|x - 0.6173| >= 5e-4 on [0, 1] (false)",
        provenance=["DERIVED"],
        strategy=st.fixed_dictionaries({"x": st.floats(0.0, 1.0)}),
        check=_check,
        recheck=_recheck,
        sweep=sweep,
    )


def test_sweep_finds_the_narrow_window_hypothesis_misses() -> None:
    without = run_property(_prop(None), profile="quick", seed=7, database=False)
    assert without.verdict is not Verdict.REFUTED
    swept = run_property(_prop(Sweep(_draw, _vector_margin, worst=3)), profile="quick", seed=7, database=False)
    assert swept.verdict is Verdict.REFUTED
    x = swept.evidence.counterexample["x"]
    assert abs(Fraction(x) - CENTRE) < HALF
    (note,) = [n for n in swept.notes if n.startswith("sweep:")]
    assert "10000 instances" in note and "worst margin -" in note and "x=0.617" in note


def test_run_sweep_ranks_non_finite_first_then_lowest() -> None:
    def draw(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
        return {"i": np.arange(n)}

    def margin(a: Mapping[str, np.ndarray]) -> np.ndarray:
        m = (a["i"] - 50.0) ** 2
        m[7] = np.nan
        m[50] = np.inf  # outside the hypotheses: never picked
        return m

    res = run_sweep(Sweep(draw, margin, worst=3), 100, seed=0)
    assert [e["i"] for e in res.examples] == [7, 49, 51] or [e["i"] for e in res.examples] == [7, 51, 49]
    assert res.worst_margin == 1.0 and res.where["i"] in (49, 51) and res.non_finite == 1
    assert isinstance(res.examples[0]["i"], int)  # plain Python values, as a strategy would give


def test_sweeps_can_be_switched_off(monkeypatch) -> None:
    monkeypatch.setenv("EOSCHECK_NO_SWEEP", "1")
    res = run_property(_prop(Sweep(_draw, _vector_margin, worst=3)), profile="quick", seed=7, database=False)
    assert res.verdict is not Verdict.REFUTED and not any(n.startswith("sweep:") for n in res.notes)


def _chunked_sweep() -> Sweep:
    return Sweep(_draw, _vector_margin, worst=4, chunk=700)


def test_chunks_in_any_order_give_the_same_sweep() -> None:
    """The merge is order-independent and the chunks' draws depend on their number only: chunks evaluated in
    reverse (as a cluster may finish them) give the in-process result exactly."""
    from checker.sweep import evaluate_chunk

    calls: list[int] = []

    def backwards(seed: int, plan):
        calls.append(len(plan))
        return [evaluate_chunk(_chunked_sweep(), seed, spec) for spec in reversed(plan)]

    here = run_sweep(_chunked_sweep(), 5_000, seed=11)
    there = run_sweep(_chunked_sweep(), 5_000, seed=11, map_chunks=backwards)
    assert calls == [8] and here.chunks == there.chunks == 8
    assert (here.worst_margin, here.where, here.examples, here.non_finite) == (
        there.worst_margin,
        there.where,
        there.examples,
        there.non_finite,
    )
    assert here.worst_margin is not None and here.worst_margin < 0  # 5000 draws land in the window
    assert "8 chunks" in here.note()


def test_chunk_plan_and_merge_cover_every_instance_once() -> None:
    from checker.sweep import chunk_plan, evaluate_chunk, merge

    plan = chunk_plan(1_000, 300)
    assert [(c.offset, c.size) for c in plan] == [(0, 300), (300, 300), (600, 300), (900, 100)]
    sweep = _chunked_sweep()
    results = [evaluate_chunk(sweep, 3, spec) for spec in plan]
    assert merge(sweep, 1_000, results, 0.0).n == 1_000
    with pytest.raises(ValueError, match="exactly once"):
        merge(sweep, 1_000, results[:-1], 0.0)
    with pytest.raises(ValueError, match="exactly once"):
        merge(sweep, 1_000, [*results[:-1], results[0]], 0.0)
