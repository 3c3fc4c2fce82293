"""Traced loss constants: one compiled GD kernel per loss family, with the numerics of ``loss.jax``.

Why these tests: a kernel that bakes the loss's numbers into the program recompiles for every drawn
parameter (~2.5 s each); a kernel that reads them from a traced array must still compute exactly what
``loss.jax`` computes (same rounding of each rational constant).
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

from checker.backends import jax_backend  # noqa: F401  (enables float64 before any jax use)
from checker.loss import Loss
from checker.simulate import traced_loss
from checker.simulate.product_jax import simulate_product_batch, trace_count

LOSSES = [
    ("log(1+exp(z)) - p*z", {"p": "0.8"}),
    ("(z**2 - a)**2/4", {"a": "1.3"}),
    ("sqrt(1 + z**2) - p*z + pi*z**2/100", {"p": "1/3"}),
    ("abs(z - p)**3 + exp(-z**2)/7", {"p": "0.25"}),
    ("cosh(z - p) + tanh(z)**2 * E", {"p": "-0.5"}),
    ("(z - 1)**2/2", {}),  # l'' is a constant: must still broadcast
]


@pytest.mark.parametrize(("text", "params"), LOSSES)
def test_traced_evaluators_match_loss_jax(text: str, params: dict[str, str]) -> None:
    loss = Loss.from_string(text, params)
    split = traced_loss.split(loss)
    f1, f2 = traced_loss.evaluators(split.structure)
    z = jnp.asarray(np.linspace(-2.3, 2.9, 41))
    c = jnp.asarray(split.constant_array(np.float64))
    for order, fn in ((1, f1), (2, f2)):
        np.testing.assert_allclose(np.asarray(fn(z, c)), np.asarray(loss.jax(order)(z)), rtol=1e-14, atol=1e-14)
        assert np.asarray(fn(z, c)).shape == z.shape


def test_same_family_shares_structure_different_family_does_not() -> None:
    a = traced_loss.split(Loss.from_string("log(1+exp(z)) - p*z", p="0.8"))
    b = traced_loss.split(Loss.from_string("log(1+exp(z)) - p*z", p="0.37"))
    c = traced_loss.split(Loss.from_string("log(1+exp(z)) - p*z**3", p="0.8"))
    assert a.structure == b.structure and a.constants != b.constants
    assert c.structure != a.structure


def test_drawn_parameters_do_not_recompile_and_keep_results() -> None:
    rng = np.random.default_rng(3)
    x0, y0 = rng.uniform(0.5, 1.5, 50), rng.uniform(0.5, 1.5, 50)
    eta = rng.uniform(0.02, 0.1, 50)  # no divergence: the reference loop has no bound
    simulate_product_batch(Loss.from_string("(z**2 - a)**2/4", a="1.1"), x0, y0, eta, steps=40, grad_tol=1e-9)
    before = trace_count()
    for a in ("0.7", "1.25", "2", "3/7"):
        loss = Loss.from_string("(z**2 - a)**2/4", a=a)
        res = simulate_product_batch(loss, x0, y0, eta, steps=40, grad_tol=1e-9)
        # the constants really reach the kernel: a reference loop with this a gives the same iterates
        x, y = x0.copy(), y0.copy()
        af = float(loss.params["a"])
        for _ in range(40):
            z = x * y
            g = z * (z * z - af)
            stop = np.abs(g) * np.sqrt(x * x + y * y) <= 1e-9
            x, y = np.where(stop, x, x - eta * g * y), np.where(stop, y, y - eta * g * x)
            if stop.all():
                break
        np.testing.assert_allclose(res.z, x * y, rtol=1e-9, atol=1e-9)
    assert trace_count() == before
