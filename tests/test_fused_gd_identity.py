"""The fused batch kernel reproduces the careful step BIT FOR BIT, events included.

Why bits and not a tolerance: every speed change to the fused kernel (block length, the single-step tail,
the row compaction, XLA options) must leave the results unchanged, and a tolerance would let a changed stop
step or a re-ordered rounding slip through. The reference is the same package's careful-only path
(``record_every``: one careful step at a time, no fused blocks, no re-runs), compiled with the same options,
so both sides use the same float operations in the same order; only the fusion differs. That holds for
+ - * / and sqrt (correctly rounded); for exp it holds with XLA's CPU exp, which the logistic case checks.
The tests in test_product_jax_perf_semantics.py compare against an independent numpy loop to a tolerance.
"""

from __future__ import annotations

import numpy as np
import pytest

from checker.backends import jax_backend  # noqa: F401  (float64 before any jax use)
from checker.loss import Loss
from checker.simulate.product_jax import _SUMMARY_KEYS, BatchResult, simulate_product_batch

# every array the kernel returns: the same list the batch summary reads
FIELDS = _SUMMARY_KEYS
LOSSES = {
    "quartic": "(z**2-1)**2/4",
    "cubic": "(z-1)**2/2 + (z-1)**3",
    "logistic": "log(1+exp(z)) - 0.8*z",
}


def differing(a: BatchResult, b: BatchResult) -> list[str]:
    """The summary fields where ``a`` and ``b`` differ in any bit (NaN equal to NaN)."""
    out = []
    for key in FIELDS:
        u, v = getattr(a, key), getattr(b, key)
        if not np.array_equal(u, v, equal_nan=u.dtype.kind == "f"):
            out.append(key)
    return out


def mixed(n: int = 600) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Starts that converge, diverge (bound and overflow) and oscillate within a few dozen steps."""
    rng = np.random.default_rng(0)
    return rng.uniform(-2, 2, n), rng.uniform(-2, 2, n), rng.uniform(0.05, 1.5, n)


def bench(n: int = 2048) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The benchmark's starts: about half land exactly on a minimiser (grad_tol = 0) within 100 steps."""
    rng = np.random.default_rng(n)
    return rng.uniform(0.5, 1.5, n), rng.uniform(0.5, 1.5, n), rng.uniform(0.05, 0.3, n)


def careful_only(loss: Loss, starts: tuple[np.ndarray, ...], steps: int, **kw: float) -> BatchResult:
    return simulate_product_batch(loss, *starts, steps=steps, record_every=steps, **kw)


@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("steps", [37, 96])
def test_fused_kernel_is_bitwise_the_careful_step(name: str, steps: int) -> None:
    loss = Loss.from_string(LOSSES[name])
    cases = [
        (mixed(), {"grad_tol": 1e-3, "diverge_bound": 1e3}),
        (bench(), {"grad_tol": 0.0, "diverge_bound": 1e6}),  # logistic: nothing stops here (a quiet batch)
    ]
    for starts, kw in cases:
        want = careful_only(loss, starts, steps, **kw)
        if kw["grad_tol"] > 0:
            stopped = want.stop_step < steps
            assert stopped.any() and not stopped.all()
        got = simulate_product_batch(loss, *starts, steps=steps, **kw)
        assert differing(got, want) == [], (name, steps, kw)


def test_other_block_lengths_and_float32_are_bitwise_too() -> None:
    loss = Loss.from_string(LOSSES["cubic"])
    kw = {"grad_tol": 1e-3, "diverge_bound": 1e3}
    want = careful_only(loss, mixed(), 37, **kw)
    for block in (1, 3):
        assert differing(simulate_product_batch(loss, *mixed(), steps=37, check_every=block, **kw), want) == []
    s32 = tuple(v.astype(np.float32) for v in mixed())
    want32 = careful_only(loss, s32, 37, dtype="float32", **kw)
    assert differing(simulate_product_batch(loss, *s32, steps=37, dtype="float32", **kw), want32) == []


def test_the_comparison_can_fail() -> None:
    """One step fewer, or a tighter bound, changes some bit: the check above is not vacuous."""
    loss = Loss.from_string(LOSSES["cubic"])
    kw = {"grad_tol": 1e-3, "diverge_bound": 1e3}
    got = simulate_product_batch(loss, *mixed(), steps=37, **kw)
    assert "x" in differing(got, careful_only(loss, mixed(), 36, **kw))
    tighter = careful_only(loss, mixed(), 37, grad_tol=1e-3, diverge_bound=1e2)
    assert "divergence_step" in differing(got, tighter)
