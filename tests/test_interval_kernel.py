"""The compiled interval engine computes the numpy engine's floats exactly (bit for bit), on random instances.

Both are checked against arb in test_interval_batch.py; equality here means the compiled loop inherits the
numpy path's rigour argument operation for operation (same formulas, same order, no fast-math).
"""

from __future__ import annotations

import numpy as np
import pytest

from checker.errors import UserInputError
from checker.loss import Loss
from checker.simulate import interval_batch as ib

pytest.importorskip("numba")

FIELDS = ("x_lo", "x_hi", "y_lo", "y_hi", "status", "stop_step", "sup_abs")


@pytest.mark.parametrize(
    "text",
    [
        "(z**2-1)**2/4",
        "z**2/(1 + z**2) - z/3",  # l', l'' with negative powers: interval division
        "(z - 1)**2/(2 + z**2) + z**5/50",  # odd powers
        "z**4/3 - 2*z**3/7 + z/11",  # inexact rational constants
    ],
)
def test_compiled_engine_is_bit_identical_to_numpy(text: str) -> None:
    loss = Loss.from_string(text)
    rng = np.random.default_rng(11)
    n = 300  # spans two compiled blocks; some runs diverge, some lose precision, most stay enclosed
    x0, y0 = rng.uniform(-2.5, 2.5, n), rng.uniform(-2.5, 2.5, n)
    eta = rng.uniform(0.01, 0.6, n)
    a = ib.simulate_interval_batch(loss, x0, y0, eta, steps=150, max_radius=1e-7, engine="numba")
    b = ib.simulate_interval_batch(loss, x0, y0, eta, steps=150, max_radius=1e-7, engine="numpy")
    for field in FIELDS:
        assert np.array_equal(getattr(a, field), getattr(b, field), equal_nan=True), field
    assert len(set(b.status.tolist())) >= 2  # the instances exercise more than one outcome


def test_a_changed_step_is_detected() -> None:
    """The equality above can fail: a different learning rate gives different floats."""
    loss = Loss.from_string("(z**2-1)**2/4")
    a = ib.simulate_interval_batch(loss, [1.2], [0.7], [0.3], steps=20, engine="numba")
    b = ib.simulate_interval_batch(loss, [1.2], [0.7], [0.3 + 1e-15], steps=20, engine="numpy")
    assert not np.array_equal(a.x_lo, b.x_lo)


def test_bad_engine_refused() -> None:
    with pytest.raises(UserInputError):
        ib.simulate_interval_batch(Loss.from_string("z**2"), 1.0, 1.0, 0.1, steps=3, engine="gpu")
