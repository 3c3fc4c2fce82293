"""Every declared sweep can fail: on a mutant (a wrong constant, a flipped direction) the sweep's worst margin is
negative and the run ends REFUTED through the sweep's worst instances and the mpmath recheck; on the true
statement the same sweep's worst margin is not negative.

How the sweep is isolated from Hypothesis: the mutant runs with one generated example, and the sweep's
explicit examples run before it (a failing explicit example is reported without shrinking), at a sweep size
small enough for the default suite. The seeds are random (printed on failure): a sweep that refutes only on
a lucky seed would fail here sooner or later. The LZDZ margins are also compared with the check's own margins
on drawn instances, so the sweep ranks by the quantity the check decides on.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable

import numpy as np
import pytest
import sympy as sp

from checker.property import Property
from checker.runner import run_property
from checker.sweep import run_sweep
from checker.verdict import Verdict
from properties import arora2022, damian2023, gan2026a, liu2025

SEED = random.SystemRandom().randrange(2**32)

# (name, true statement, mutant, sweep size in this test)
CASES: list[tuple[str, Callable[[], Property], Callable[[], Property], int]] = [
    ("LZDZ-T4.1 bound 1.8/eta", liu2025.make_t41, lambda: liu2025.make_t41(constant=1.8), 40),
    ("LZDZ-T4.3 sharpness falls", liu2025.make_t43, lambda: liu2025.make_t43(direction=-1), 40),
    ("LZDZ-T4.4 back below 1.5/eta", liu2025.make_t44, lambda: liu2025.make_t44(back=1.5), 40),
    ("LZDZ-RATE without the 2", liu2025.make_rate, lambda: liu2025.make_rate(factor=1.0), 40),
    ("LZDZ-T5.2 non-decreasing", liu2025.make_t52, lambda: liu2025.make_t52(direction=1), 40),
    ("LZDZ-T4.6 rate 2.2", liu2025.make_t46, lambda: liu2025.make_t46(rate=2.2), 40),
    ("ALP-P1 order 1.5", arora2022.make_p1, lambda: arora2022.make_p1(expected_order=1.5), 500),
    ("ALP-P2-ID constant 0.55", arora2022.make_p2_id, lambda: arora2022.make_p2_id(constant=0.55), 100),
    (
        "ALP-P2-RATE flow constant 1.1/8",
        arora2022.make_p2_rate,
        lambda: arora2022.make_p2_rate(sqrt_constant=0.1375),
        40,
    ),
    ("ALP-QUAD constant 1.02", arora2022.make_quad, lambda: arora2022.make_quad(constant=1.02), 2000),
    ("DNL-PRED shift bound 0.9", damian2023.make_pred, lambda: damian2023.make_pred(shift_bound=0.9), 2000),
    ("DNL-L3 drift of order 2", damian2023.make_l3, lambda: damian2023.make_l3(order=2.0), 200),
    (
        "DNL-GEN-LIMIT coefficient 0.3",
        damian2023.make_gen_limit,
        lambda: damian2023.make_gen_limit(coef=sp.Rational(3, 10)),
        100,
    ),
    (
        "DNL-SUPER-QUAD at or below 2/eta",
        damian2023.make_super_quad,
        lambda: damian2023.make_super_quad(above=False),
        100,
    ),
    ("DNL-LONG-LOSS rate 1.1x", damian2023.make_long_loss, lambda: damian2023.make_long_loss(rate_factor=1.1), 300),
    ("DNL-T1 order 2", damian2023.make_t1, lambda: damian2023.make_t1(order=2.0), 30),
    ("GAN-A-NF other Lambert-W branch", gan2026a.make_nf, lambda: gan2026a.make_nf(branch_swap=True), 200),
    ("GAN-A-T4.2 roles swapped", gan2026a.make_t42, lambda: gan2026a.make_t42(stable_sign=-1), 400),
    ("GAN-A-T4.3 gap constant 4", gan2026a.make_t43, lambda: gan2026a.make_t43(gap_coefficient=4), 8),
    ("GAN-A-NF-SM coefficient 1.1", gan2026a.make_nf_slow, lambda: gan2026a.make_nf_slow(coefficient=1.1), 64),
    ("GAN-A-NF-GAP no gap needed", gan2026a.make_nf_gap, lambda: gan2026a.make_nf_gap(gap_needed=False), 64),
    (
        "ALP-P2-SHARP sqrt L increasing",
        arora2022.make_p2_sharp,
        lambda: arora2022.make_p2_sharp(sqrt_direction=-1),
        64,
    ),
]
# mpmath rechecks of long runs (tens of seconds), and three of the six LZDZ claims (they share one kernel, and
# the default suite's time is bounded; the other three exercise it there)
SLOW = {
    "GAN-A-T4.2 roles swapped",
    "GAN-A-T4.3 gap constant 4",
    "LZDZ-T4.4 back below 1.5/eta",
    "LZDZ-T5.2 non-decreasing",
    "LZDZ-T4.6 rate 2.2",
}


def _sized(prop: Property, n: int) -> Property:
    """The property with its sweep cut to ``n`` instances and a single Hypothesis example."""
    assert prop.sweep is not None, f"{prop.id} declares no sweep"
    sweep = dataclasses.replace(prop.sweep, sizes={"quick": n}, size_reason="test size")
    return dataclasses.replace(prop, sweep=sweep, max_examples={"quick": 1})


@pytest.mark.parametrize(
    ("name", "true", "mutant", "n"),
    [pytest.param(*case, marks=[pytest.mark.slow] if case[0] in SLOW else []) for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_sweep_refutes_the_mutant_and_not_the_statement(
    name: str, true: Callable[[], Property], mutant: Callable[[], Property], n: int
) -> None:
    bad, good = _sized(mutant(), n), _sized(true(), n)
    assert bad.sweep is not None and good.sweep is not None
    swept_bad, swept_good = run_sweep(bad.sweep, n, SEED), run_sweep(good.sweep, n, SEED)
    assert swept_bad.worst_margin is not None and swept_bad.worst_margin < 0, (name, SEED, swept_bad.note())
    assert swept_good.worst_margin is not None and swept_good.worst_margin >= 0, (name, SEED, swept_good.note())
    res = run_property(bad, profile="quick", seed=SEED, database=False)
    assert res.verdict is Verdict.REFUTED, (name, SEED, res.evidence.summary if res.evidence else None, res.notes)
    assert "counterexample confirmed by the high-precision recheck" in res.notes, (name, SEED, res.notes)
    assert any(note.startswith(f"sweep: {n} instances") for note in res.notes), (name, SEED, res.notes)


def test_liu_sweep_margins_are_the_checks_margins() -> None:
    """On drawn settled instances the vectorised margins equal the check's (float64, every step)."""
    from properties._sweeps_liu import draw

    arr = draw(np.random.default_rng(SEED), 4)
    for prop in (liu2025.make_t41(), liu2025.make_t44(), liu2025.make_rate(), liu2025.make_t46()):
        assert prop.sweep is not None
        vector = prop.sweep.margin(arr)
        for i in range(4):
            params = {k: float(arr[k][i]) for k in ("l2", "a0", "log_w1", "w2")}
            ev = prop.check(**params)
            if ev.margin is None:  # the check is undecided there: the sweep must not rank it
                assert vector[i] == np.inf, (prop.id, SEED, params)
            else:
                assert vector[i] == pytest.approx(ev.margin, rel=1e-6, abs=1e-12), (prop.id, SEED, params)


# The sweeps of the claims that reached the catalogue last: on several seeds every mutant's sweep finds a negative
# margin and the true statement's does not (sweep level only: the runs above go through the full check).
NEW_SWEEPS: list[tuple[Callable[[], Property], list[Callable[[], Property]]]] = [
    (
        gan2026a.make_nf_slow,
        [
            lambda: gan2026a.make_nf_slow(coefficient=1.1),
            lambda: gan2026a.make_nf_slow(shifted=False),
        ],
    ),
    (gan2026a.make_nf_gap, [lambda: gan2026a.make_nf_gap(gap_needed=False)]),
    (
        arora2022.make_p2_sharp,
        [lambda: arora2022.make_p2_sharp(sqrt_direction=-1), lambda: arora2022.make_p2_sharp(order=3.0)],
    ),
]


@pytest.mark.parametrize(("true", "mutants"), NEW_SWEEPS, ids=["GAN-A-NF-SM", "GAN-A-NF-GAP", "ALP-P2-SHARP"])
def test_new_sweeps_separate_statement_and_mutants_on_several_seeds(
    true: Callable[[], Property], mutants: list[Callable[[], Property]]
) -> None:
    seeds = [SEED + i for i in range(3)]
    good = true().sweep
    assert good is not None
    for seed in seeds:
        worst = run_sweep(good, 64, seed).worst_margin
        assert worst is not None and worst >= 0, (true().id, seed, worst)
        for make in mutants:
            bad = make().sweep
            assert bad is not None
            worst = run_sweep(bad, 64, seed).worst_margin
            assert worst is not None and worst < 0, (true().id, seed, worst)


@pytest.mark.parametrize("make", [gan2026a.make_nf_slow, gan2026a.make_nf_gap, arora2022.make_p2_sharp])
def test_new_sweep_margins_are_the_checks_margins(make: Callable[[], Property]) -> None:
    """On drawn instances the vectorised margin is the check's (the slow-manifold median from a 256-point
    subsample of the window: equal to ~1e-2 of the margin's scale; +inf exactly where the check cannot decide)."""
    prop = make()
    assert prop.sweep is not None
    arr = prop.sweep.draw(np.random.default_rng(SEED), 4)
    vector = prop.sweep.margin(arr)
    for i in range(4):
        params = {k: v[i].item() for k, v in arr.items()}
        ev = prop.check(**params)
        if ev.margin is None:
            assert vector[i] == np.inf, (prop.id, SEED, params)
        else:
            assert vector[i] == pytest.approx(ev.margin, abs=2e-2), (prop.id, SEED, params)
