"""checker.models.autodiff against closed forms: a quadratic plus cubic loss whose D^3L is known by hand."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

from checker.models import autodiff


def cubic(theta, params):
    """L = 1/2 theta.A theta + c theta_0^2 theta_1 (D^3L[u, u] by hand below)."""
    a, c = params
    return 0.5 * theta @ a @ theta + c * theta[0] ** 2 * theta[1]


A = jnp.diag(jnp.array([3.0, 1.0, 0.5]))


def test_hessian_and_top_eigenpair_at_origin():
    s, u, gap = autodiff.top_eigenpair(autodiff.hessian_fn(cubic)(jnp.zeros(3), (A, 0.7)))
    assert s == pytest.approx(3.0)
    assert np.allclose(u, [1.0, 0.0, 0.0])
    assert gap == pytest.approx(2.0)


def test_grad_sharpness_is_third_derivative_contraction():
    # at theta = 0, u = e0: D^3L[e0, e0, .] = (0, 2c, 0)
    gs, _s, _u, _ = autodiff.grad_sharpness(cubic, jnp.zeros(3), (A, 0.7))
    assert np.allclose(gs, [0.0, 1.4, 0.0])
    # a wrong factor would not match: this is what the DNL-L-GRADS mutant relies on
    assert not np.allclose(gs, [0.0, 0.7, 0.0])


def test_d3_general_directions_match_hand_formula():
    # D^3 of c x0^2 x1: the only nonzero entries are d^3/dx0 dx0 dx1 = 2c (and permutations)
    c = 0.3
    u = jnp.array([0.2, -0.5, 0.1])
    v = jnp.array([1.0, 0.4, -2.0])
    got = np.asarray(autodiff.d3_fn(cubic)(jnp.ones(3), (A, c), u, v))
    want = np.array([2 * c * (u[0] * v[1] + u[1] * v[0]), 2 * c * u[0] * v[0], 0.0])
    assert np.allclose(got, want)


def test_dnl_quantities_on_toy_loss():
    # Damian et al.'s toy (DNL-TOY): L = 1/2 (2/eta + sqrt(beta) w) x^2 - alpha/sqrt(beta) w
    eta, alpha, beta = 0.1, 1.5, 4.0

    def toy(theta, params):
        x, w = theta[0], theta[1]
        return 0.5 * (2 / eta + jnp.sqrt(beta) * w) * x**2 - alpha / jnp.sqrt(beta) * w

    q = autodiff.dnl_quantities(toy, jnp.zeros(2), None)
    assert q["S"] == pytest.approx(2 / eta)
    assert q["alpha"] == pytest.approx(alpha)
    assert q["beta"] == pytest.approx(beta)
    assert q["delta"] == pytest.approx(np.sqrt(2 * alpha / beta))
