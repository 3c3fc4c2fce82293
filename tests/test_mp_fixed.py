"""The fixed-precision mpmath evaluator gives the translator's values exactly, and the replay loop its results."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from checker.backends.mp import mp_precision
from checker.loss import Loss
from checker.models import product
from checker.parse import Z
from checker.simulate.mp_fixed import mp_fixed_function
from checker.simulate.product_mp import simulate_product_mp

LOSSES = [
    "log(1+exp(z)) - 0.8*z",
    "(z**2-1)**2/4",
    "exp(z) + exp(-z) - 2*z + z**3/7",
    "sqrt(1 + z**2) + tanh(z)/3 + pi*z**2",
    "cosh(z) * (z - 1/3)**3 + sinh(z)",
]


@pytest.mark.parametrize("text", LOSSES)
@pytest.mark.parametrize("dps", [15, 30, 60])
def test_values_identical_to_translator(text: str, dps: int) -> None:
    loss = Loss.from_string(text)
    for order in (0, 1, 2):
        ref = loss.mp(order)
        with mp_precision(dps):
            fast = mp_fixed_function(loss.derivative(order), Z)
            for v in ("-2.3", "-0.4", "0", "0.7", "1.9", "3.1"):
                z = mpmath.mpf(v)
                assert fast(z) == ref(z), (text, order, v)


def test_a_different_value_is_detected() -> None:
    """The identity check above can fail: another expression gives another value."""
    with mp_precision(30):
        f = mp_fixed_function(sp.exp(Z) / (sp.exp(Z) + 1), Z)
        g = mp_fixed_function(sp.exp(Z) / (sp.exp(Z) + 2), Z)
        assert f(mpmath.mpf("0.3")) != g(mpmath.mpf("0.3"))


def _reference_loop(loss: Loss, x0: float, y0: float, eta: float, steps: int, dps: int, tol: float) -> tuple[str, int]:
    """The replay loop as it was before the fast evaluator (translator l', exact tolerance test every step)."""
    l1 = loss.mp(1)
    with mp_precision(dps):
        x, y, h, tol_m = mpmath.mpf(x0), mpmath.mpf(y0), mpmath.mpf(eta), mpmath.mpf(tol)
        for t in range(steps + 1):
            z = x * y
            if not mpmath.isfinite(z) or abs(z) > 1e6:
                return "diverged", t
            g1 = l1(z)
            if tol_m > 0 and abs(g1) * mpmath.sqrt(x * x + y * y) <= tol_m:
                return "converged", t
            if t == steps:
                return "budget", t
            x, y = product.gd_step(x, y, g1, h)
    raise AssertionError("unreachable")


@pytest.mark.parametrize(
    ("text", "x0", "y0", "eta", "tol"),
    [
        ("log(1+exp(z)) - 0.8*z", 2.2, 1.3, 0.26, 1e-8),
        ("(z**2-1)**2/4", 1.2, 0.7, 0.3, 1e-9),
        ("(z**2-1)**2/4", 3.0, 2.5, 0.4, 1e-9),  # diverges
        ("(z**2-1)**2/4", 1.2, 0.7, 0.3, 0.0),  # budget
    ],
)
def test_replay_identical_to_reference_loop(text: str, x0: float, y0: float, eta: float, tol: float) -> None:
    loss = Loss.from_string(text)
    status, steps = _reference_loop(loss, x0, y0, eta, 3000, 30, tol)
    traj = simulate_product_mp(loss, x0, y0, eta, steps=3000, dps=30, record_every=0, grad_tol=tol)
    assert (traj.status, traj.steps) == (status, steps)
