"""GD simulators for the product model L(x, y) = l(xy) (checker/simulate/, checker/models/product/).

Independent implementations are checked against each other and against THEOREMS.md: GD in (x, y) against the
exact (z, s) reduction (GAN-A-RED), the arb trajectory against a high-precision mpmath one, the JAX batch
against both, a reference number of THEOREMS 6.2, and the exact 2x2 sharpness against Lemma 3.1
(GAN-A-L3.1) and numpy's eigenvalues. Each check has a twin that shows it can fail.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from flint import arb, fmpz
from hypothesis import given
from hypothesis import strategies as st

from checker.backends.ball import ball_precision
from checker.backends.mp import mp_precision
from checker.errors import UserInputError
from checker.loss import Loss
from checker.models import product
from checker.simulate.product_ball import simulate_product_ball
from checker.simulate.product_jax import simulate_product_batch
from checker.simulate.product_mp import simulate_product_mp
from checker.simulate.reduced import simulate_reduced_mp

BCE = Loss.from_string("log(1+exp(z)) - p*z", p="0.8")  # z* = log 4, a = l''(z*) = 4/25
BCE_ZSTAR, BCE_A = math.log(4), 0.16
SUBCRITICAL = Loss.from_string("(z-1)^2/2+(z-1)^4")  # alpha = -24 (THEOREMS 6.1), z* = 1, a = 1


def eos_start(zstar: float, a: float, eta: float, sigma0: float, u0: float = 1e-7) -> tuple[float, float]:
    """THEOREMS 6.2 Method: on {xy = z*}, x > y > 0, x^2 + y^2 = s_c (1 + sigma0/2), both coordinates scaled
    by sqrt(1 + u0/z*) so that z = z* + u0."""
    s = 2 / (eta * a) * (1 + sigma0 / 2)
    x = (math.sqrt(s + 2 * zstar) + math.sqrt(s - 2 * zstar)) / 2
    y = (math.sqrt(s + 2 * zstar) - math.sqrt(s - 2 * zstar)) / 2
    f = math.sqrt(1 + u0 / zstar)
    return x * f, y * f


def exact_arb(value: mpmath.mpf) -> arb:
    """The binary mpmath number as a radius-0 ball (no decimal rounding in the containment test)."""
    sign, man, exp, _ = value._mpf_
    if not man:
        return arb(0)
    with ball_precision(int(man).bit_length() + 64):
        return (-1) ** sign * arb(fmpz(int(man))) * arb(2) ** int(exp)


# ---- (a) GD in (x, y) vs the (z, s) reduction ---------------------------------------------------------


def _mp_vs_reduced(loss: Loss, x0: str, y0: str, eta: str, steps: int, dps: int = 50):
    traj = simulate_product_mp(loss, x0, y0, eta, steps=steps, dps=dps)
    with mp_precision(dps):
        x, y = mpmath.mpf(x0), mpmath.mpf(y0)
        zs, ss = simulate_reduced_mp(loss, x * y, x * x + y * y, eta, steps=steps, dps=dps)
        return traj, zs, ss


def test_mp_gd_agrees_with_reduction_and_invariants():
    eta = "0.1"
    traj, zs, ss = _mp_vs_reduced(BCE, "11.2", "0.125", eta, steps=1000)  # sharpness ~20.1 > 2/eta: EoS
    assert traj.status == "budget" and len(traj.x) == 1001 == len(zs)
    l1 = BCE.mp(1)
    worst_z = worst_ratio = worst_inv = mpmath.mpf(0)
    with mp_precision(50):
        h = mpmath.mpf(eta)
        for t in range(1000):
            x, y = traj.x[t], traj.y[t]
            z, s, d = x * y, x * x + y * y, x * x - y * y
            worst_z = max(worst_z, abs(z - zs[t]) / (1 + abs(z)), abs(s - ss[t]) / (1 + s))
            d_next = traj.x[t + 1] ** 2 - traj.y[t + 1] ** 2
            worst_ratio = max(worst_ratio, abs(d_next / d - (1 - h**2 * l1(z) ** 2)))  # GAN-A-RED
            worst_inv = max(worst_inv, abs(s * s - 4 * z * z - d * d) / (s * s))
    assert worst_z < mpmath.mpf(10) ** -35  # EoS amplifies rounding by |1 + sigma| per step; 50 digits absorb it
    assert worst_ratio < mpmath.mpf(10) ** -45
    assert worst_inv < mpmath.mpf(10) ** -45


def test_reduction_comparison_can_fail():
    """A (z, s) map with a wrong constant (3 eta g z instead of 4 eta g z) departs from GD at once."""
    traj = simulate_product_mp(BCE, "11.2", "0.125", "0.1", steps=20, dps=50)
    with mp_precision(50):
        z, s, h = traj.x[0] * traj.y[0], traj.x[0] ** 2 + traj.y[0] ** 2, mpmath.mpf("0.1")
        l1 = BCE.mp(1)
        for _ in range(20):
            g = l1(z)
            z, s = z * (1 + (h * g) ** 2) - h * g * s, s * (1 + (h * g) ** 2) - 3 * h * g * z
        assert abs(z - traj.x[-1] * traj.y[-1]) > mpmath.mpf(10) ** -10


def test_jax_float64_agrees_with_reduction():
    """GAN-A-RED's check: float64 GD vs the (z, s) map, 1e4 steps. Below the threshold (no amplification)
    the deviation is ~1e-15; in the EoS regime phase I amplifies rounding by |1 + sigma| per step for a few
    hundred steps (measured 3e-9 at its peak, 6e-14 at the end)."""
    below = eos_start(BCE_ZSTAR, BCE_A, 0.1, -0.5, u0=0.3)
    eos = eos_start(BCE_ZSTAR, BCE_A, 0.1, 0.05)
    res = simulate_product_batch(BCE, [below[0], eos[0]], [below[1], eos[1]], 0.1, steps=10_000, record_every=1)
    assert res.path.shape == (10_000, 2, 2)
    for i, ((x0, y0), peak_tol, end_tol) in enumerate([(below, 1e-12, 1e-12), (eos, 1e-7, 1e-11)]):
        zs, _ = simulate_reduced_mp(
            BCE, mpmath.mpf(x0) * y0, mpmath.mpf(x0) ** 2 + mpmath.mpf(y0) ** 2, 0.1, steps=10_000, dps=30
        )
        z_red = np.array([float(v) for v in zs[1:]])  # path[k] is the state after step k + 1
        z_gd = res.path[:, i, 0] * res.path[:, i, 1]
        dev = np.abs(z_gd - z_red)
        assert dev.max() < peak_tol, (i, dev.max())
        assert dev[-1] < end_tol, (i, dev[-1])
        # summaries and the recorded path describe the same run
        assert res.x[i] == res.path[-1, i, 0] and res.y[i] == res.path[-1, i, 1]
        assert res.z[i] == pytest.approx(res.x[i] * res.y[i], rel=1e-15)


# ---- (b) arb trajectories contain the high-precision ones ----------------------------------------------


def test_ball_trajectory_contains_mp_trajectory():
    start = ("11.2", "0.125", "0.1")  # decimal strings: the ball encloses 0.1 exactly, not its double
    ball = simulate_product_ball(BCE, *start, steps=300, prec=256)
    ref = simulate_product_mp(BCE, *start, steps=300, dps=120)
    assert ball.status == "budget" and ball.t == ref.t
    for t, bx, by, mx, my in zip(ball.t, ball.x, ball.y, ref.x, ref.y, strict=True):
        assert bx.contains(exact_arb(mx)) and by.contains(exact_arb(my)), t
    assert len(ball.radius) == len(ball.t) and 0 < ball.radius[-1] < 1e-60
    assert ball.final_sharpness.contains(exact_arb(ref.final_sharpness))


def test_ball_containment_can_fail():
    """A trajectory with a slightly different eta is NOT contained: the check is not vacuous."""
    ball = simulate_product_ball(BCE, "11.2", "0.125", "0.1", steps=50, prec=256)
    other = simulate_product_mp(BCE, "11.2", "0.125", "0.1000000000001", steps=50, dps=120)
    assert not ball.x[-1].contains(exact_arb(other.x[-1]))


def test_ball_precision_lost_is_reported():
    ball = simulate_product_ball(BCE, "11.2", "0.125", "0.1", steps=5000, prec=64, record_every=50, max_radius=1e-6)
    assert ball.status == "precision-lost"
    assert ball.steps < 5000
    assert ball.t[-1] == ball.steps and ball.steps % 50 != 0  # the stopping state is recorded too
    assert ball.radius[-1] > 1e-6 and ball.final_sharpness is None
    assert all(r <= 1e-6 for r in ball.radius[:-1])


def test_ball_kink_is_precision_lost():
    loss = Loss.from_string("abs(z-1) + (z-1)^2")
    out = simulate_product_ball(loss, "1", "1", "0.1", steps=5, prec=128)
    assert out.status == "precision-lost" and out.steps == 0


# ---- (c) JAX batches: divergence flagged, not contagious ----------------------------------------------


@pytest.fixture(scope="module")
def subcritical_batch():
    """THEOREMS 6.2: (z-1)^2/2 + (z-1)^4 at eta = 0.05 diverges near step 150 from sigma_0 = 0.1, converges
    (to 39.997452) from sigma_0 = 1e-4. A NaN start rides along."""
    div = eos_start(1.0, 1.0, 0.05, 0.1)
    ok = eos_start(1.0, 1.0, 0.05, 1e-4)
    x0 = [div[0], ok[0], math.nan, ok[0]]
    y0 = [div[1], ok[1], 1.0, ok[1]]
    return x0, y0


def test_divergence_is_flagged_and_does_not_poison_others(subcritical_batch):
    x0, y0 = subcritical_batch
    res = simulate_product_batch(SUBCRITICAL, x0, y0, 0.05, steps=400)
    assert list(res.diverged) == [True, False, True, False]
    assert 120 <= res.divergence_step[0] <= 180  # "diverges (150 steps)"
    assert res.divergence_step[1] == -1 and res.divergence_step[2] <= 1
    alone = simulate_product_batch(SUBCRITICAL, x0[1:2], y0[1:2], 0.05, steps=400)
    assert res.x[1] == alone.x[0] and res.y[1] == alone.y[0]  # bit-identical to the run without neighbours
    assert res.x[1] == res.x[3]
    assert np.isfinite(res.x[[0, 1, 3]]).all()  # the diverged one is frozen at its last good point


def test_summaries_match_recorded_path(subcritical_batch):
    x0, y0 = subcritical_batch
    summary = simulate_product_batch(SUBCRITICAL, x0, y0, 0.05, steps=400)
    pathed = simulate_product_batch(SUBCRITICAL, x0, y0, 0.05, steps=400, record_every=10)
    assert pathed.path.shape == (40, 4, 2)
    for name in ("diverged", "divergence_step", "stop_step"):
        np.testing.assert_array_equal(getattr(summary, name), getattr(pathed, name), err_msg=name)
    np.testing.assert_array_equal(summary.x[[0, 1, 3]], pathed.x[[0, 1, 3]])
    np.testing.assert_array_equal(pathed.path[-1, [1, 3], 0], pathed.x[[1, 3]])
    # after divergence the recorded path stays frozen at the last good point
    frozen = pathed.path[-1, 0]
    np.testing.assert_array_equal(frozen, [pathed.x[0], pathed.y[0]])


def test_float32_and_float64_both_run():
    """float32 agrees loosely with float64 where the start is resolvable in float32 (u0 = 1e-3)."""
    x0, y0 = eos_start(BCE_ZSTAR, BCE_A, 0.1, 0.05, u0=1e-3)
    r64 = simulate_product_batch(BCE, [x0], [y0], 0.1, steps=60_000)
    r32 = simulate_product_batch(BCE, [x0], [y0], 0.1, steps=60_000, dtype="float32")
    assert r64.x.dtype == np.float64 and r32.x.dtype == np.float32
    assert not r32.diverged[0] and not r64.diverged[0]
    assert float(r64.sharpness[0]) == pytest.approx(PRED, abs=2e-4)
    assert abs(float(r32.sharpness[0]) - float(r64.sharpness[0])) < 0.05  # measured 9.3e-3


def test_float32_cannot_resolve_tiny_perturbations():
    """A known limitation, kept visible: with u0 = 1e-7 (THEOREMS 6.2's start) the float32 start rounds onto
    a floating-point fixed point of GD and stays at sharpness 2/eta (1 + sigma0/2) = 20.5 > 2/eta, where
    float64 leaves it. float32 results near the threshold need a float64 re-check."""
    x0, y0 = eos_start(BCE_ZSTAR, BCE_A, 0.1, 0.05)
    r32 = simulate_product_batch(BCE, [x0], [y0], 0.1, steps=60_000, dtype="float32")
    assert float(r32.sharpness[0]) == pytest.approx(20.5, abs=1e-3)


@pytest.mark.slow
def test_float32_classifies_subcritical_divergence_like_float64():
    d = eos_start(1.0, 1.0, 0.05, 0.1, u0=1e-3)
    ok = eos_start(1.0, 1.0, 0.05, -0.2, u0=1e-3)
    runs = [
        simulate_product_batch(SUBCRITICAL, [d[0], ok[0]], [d[1], ok[1]], 0.05, steps=400, dtype=dt)
        for dt in ("float64", "float32")
    ]
    for r in runs:
        assert list(r.diverged) == [True, False]
    assert runs[0].divergence_step[0] == runs[1].divergence_step[0]


# ---- (d) a THEOREMS 6.2 reference number ----------------------------------------------------------------

PRED = 19.992610  # GAN-A-T4.3 limit for BCE p = 0.8, eta = 0.1 (THEOREMS 6.2)
GD_TABLE = 19.992617  # the table's float64 GD value


def _within_t43_tolerance(value: float, eta: float) -> bool:
    """GAN-A-T4.3: |lambda_GD - lambda_pred| <= 0.02 (2/eta - lambda_pred) + 1e-6."""
    return abs(value - PRED) <= 0.02 * (2 / eta - PRED) + 1e-6


def test_reference_final_sharpness_bce():
    x0, y0 = eos_start(BCE_ZSTAR, BCE_A, 0.1, 0.05)
    # the second trajectory is a mutant: eta wrong by 0.1% (same start) must miss the prediction
    res = simulate_product_batch(BCE, [x0, x0], [y0, y0], [0.1, 0.1001], steps=60_000)
    good, mutant = float(res.sharpness[0]), float(res.sharpness[1])
    assert _within_t43_tolerance(good, 0.1), good
    assert abs(good - GD_TABLE) < 5e-7  # the table's printed digits
    assert abs(res.z[0] - BCE_ZSTAR) < 1e-10
    assert not _within_t43_tolerance(mutant, 0.1), mutant


# ---- (e) sharpness: Lemma 3.1 and numpy ------------------------------------------------------------


@given(
    x=st.floats(-5, 5).filter(lambda v: abs(v) > 0.05),
    t=st.floats(0.2, 4),
    p=st.sampled_from(["0.55", "0.8", "0.95"]),
)
def test_sharpness_is_lemma_31_on_minimiser_set(x, t, p):
    """On {l'(xy) = 0}: sharpness = l''(z*) s (GAN-A-L3.1); the point is on the hyperbola xy = z*."""
    loss = Loss.from_string("log(1+exp(z)) - p*z", p=p)
    pv = float(p)
    zstar = math.log(pv / (1 - pv))
    y = zstar / x
    z, s = x * y, x * x + y * y
    g1, g2 = float(loss.mp(1)(z)), pv * (1 - pv)
    lam = product.sharpness(z, s, g1, g2, math.sqrt)
    assert lam == pytest.approx(g2 * s, rel=1e-10)


@given(x=st.floats(-4, 4), y=st.floats(-4, 4), p=st.sampled_from(["0.6", "0.9"]))
def test_sharpness_equals_top_eigenvalue_of_exact_hessian(x, y, p):
    loss = Loss.from_string("log(1+exp(z)) - p*z", p=p)
    z, s = x * y, x * x + y * y
    g1, g2 = float(loss.mp(1)(z)), float(loss.mp(2)(z))
    hess = np.array(product.hessian(x, y, g1, g2), dtype=float)
    top = np.linalg.eigvalsh(hess)[-1]
    assert product.sharpness(z, s, g1, g2, math.sqrt) == pytest.approx(top, rel=1e-9, abs=1e-12)
    assert np.trace(hess) == pytest.approx(g2 * s, rel=1e-12, abs=1e-15)  # tr Hess L = l''(z) s


def test_sharpness_check_can_fail():
    """Dropping the l'(z) term (using Lemma 3.1's l'' s off the minimiser set) disagrees with numpy."""
    x, y = 2.0, 1.5
    g1, g2 = float(BCE.mp(1)(x * y)), float(BCE.mp(2)(x * y))
    top = np.linalg.eigvalsh(np.array(product.hessian(x, y, g1, g2), dtype=float))[-1]
    assert abs(g2 * (x * x + y * y) - top) > 1e-3


def test_sharpness_negative_curvature_minimum_is_zero():
    """If l'(z) = 0 and l''(z) < 0 the top eigenvalue is 0 (GAN-A-L3.1), not l'' s."""
    assert product.sharpness(1.0, 2.5, 0.0, -2.0, math.sqrt) == 0


# ---- precision and learning-rate inputs -----------------------------------------------------------------


@pytest.mark.parametrize("dps", [0, -5, 10**9])
def test_impossible_mp_precision(dps):
    with pytest.raises(UserInputError, match="precision"):
        simulate_product_mp(BCE, 1, 1, 0.1, steps=1, dps=dps)
    with pytest.raises(UserInputError, match="precision"):
        simulate_reduced_mp(BCE, 1, 2, 0.1, steps=1, dps=dps)


@pytest.mark.parametrize("prec", [0, 8, 10**9])
def test_impossible_ball_precision(prec):
    with pytest.raises(UserInputError, match="precision"):
        simulate_product_ball(BCE, 1, 1, 0.1, steps=1, prec=prec)


@pytest.mark.parametrize("eta", [-0.1, 0.0, math.nan, math.inf])
def test_bad_eta_in_batch(eta):
    with pytest.raises(UserInputError, match="eta"):
        simulate_product_batch(BCE, [1.0, 2.0], [1.0, 1.0], [0.1, eta], steps=5)


@pytest.mark.parametrize("eta", ["-0.1", "0", "nan", "inf"])
def test_bad_eta_in_mp_and_ball(eta):
    with pytest.raises(UserInputError, match="eta"):
        simulate_product_mp(BCE, 1, 1, eta, steps=1)
    with pytest.raises(UserInputError, match="eta"):
        simulate_product_ball(BCE, 1, 1, eta, steps=1)
    with pytest.raises(UserInputError, match="eta"):
        simulate_reduced_mp(BCE, 1, 2, eta, steps=1)


def test_bad_steps():
    with pytest.raises(UserInputError, match="steps"):
        simulate_product_mp(BCE, 1, 1, 0.1, steps=-1)
    with pytest.raises(UserInputError, match="steps"):
        simulate_product_ball(BCE, 1, 1, 0.1, steps=-1)


@pytest.mark.parametrize(("x0", "y0"), [("abc", "1"), ("nan", "1"), (1.0, math.inf), ("1", None)])
def test_bad_start_in_mp_and_ball(x0, y0):
    for simulate in (simulate_product_mp, simulate_product_ball):
        with pytest.raises(UserInputError, match=r"[xy]0"):
            simulate(BCE, x0, y0, "0.1", steps=1)
