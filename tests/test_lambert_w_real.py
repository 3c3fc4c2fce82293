"""The numpy Lambert W behind nf_final_sigma_array (no scipy.special import on the loss job's path): against
mpmath at 30 digits and against scipy.special.lambertw, on both real branches over [-1/e, 0)."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from checker.models.product.normal_form import _lambert_w_real

EM1 = math.exp(-1.0)


def _grid() -> np.ndarray:
    rng = np.random.default_rng(7)
    x = np.concatenate(
        [-EM1 + 0.3678 * np.logspace(-12, 0, 300), -np.logspace(-300, -0.44, 300), rng.uniform(-EM1, 0, 300)]
    )
    return x[(x > -EM1) & (x < 0)]


@pytest.mark.parametrize("branch", [0, -1])
def test_matches_mpmath_and_scipy(branch: int) -> None:
    from scipy.special import lambertw

    x = _grid()
    got = _lambert_w_real(x, branch)
    with mpmath.workdps(30):
        exact = np.array([float(mpmath.lambertw(mpmath.mpf(v), branch).real) for v in x])
    near = np.abs(x + EM1) < 1e-3  # W' is infinite at the branch point: sqrt(eps) there, for scipy too
    rel = np.abs(got - exact) / np.abs(exact)
    assert rel[~near].max() < 1e-14
    assert rel[near].max() < 1e-7
    scipy_w = np.real(lambertw(x, branch))
    assert np.abs(got - scipy_w)[~near].max() <= 1e-14 * np.abs(scipy_w[~near]).max()


def test_branch_point_and_zero() -> None:
    assert _lambert_w_real(np.array([-EM1]), 0)[0] == -1.0 and _lambert_w_real(np.array([-EM1]), -1)[0] == -1.0
    assert _lambert_w_real(np.array([0.0]), 0)[0] == 0.0
    assert _lambert_w_real(np.array([-1e-300]), -1)[0] < -690  # W_-1(x) -> -inf as x -> 0-


def test_a_scalar_gives_a_scalar_shaped_value() -> None:
    """nf_final_sigma_array is called with one sigma_0 (GAN-A-NF-GAP's check): a 0-d input once raised
    IndexError inside the iteration; it gives the same value as the same point inside an array."""
    x = -0.2
    for branch in (0, -1):
        one = _lambert_w_real(x, branch)
        assert np.shape(one) == ()
        assert float(one) == float(_lambert_w_real(np.array([x, -0.1]), branch)[0])
