"""The network engine against dense derivatives on a tiny network (float64), its bad-input errors, and resume.

Tolerance 1e-8 relative: Lanczos runs to the full dimension here (n = 26), so its eigenvalues are exact up to
rounding; D2, D3, D4 by nested jvp along a line are compared with contractions of dense tensors (jax.hessian,
jacfwd of it, and the dense Hessian of u^T Hess L u for D4).
"""

from __future__ import annotations

import numpy as np
import pytest

from checker.backends.jax_backend import jax
from checker.network import NetworkInputError, check_training, spectral
from checker.network.engine import EngineConfig, train
from checker.network.flat import flatten

jnp = jax.numpy


def tiny_problem(seed: int = 0, scale: float = 1.0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((8, 3))
    y = rng.standard_normal((8, 2))
    params = {
        "w1": scale * rng.standard_normal((3, 4)),
        "b1": 0.1 * rng.standard_normal(4),
        "w2": scale * rng.standard_normal((4, 2)),
        "b2": 0.1 * rng.standard_normal(2),
    }

    def loss(p):
        h = jnp.tanh(x @ p["w1"] + p["b1"])
        return 0.5 * jnp.sum((h @ p["w2"] + p["b2"] - y) ** 2) / x.shape[0]

    return loss, params


@pytest.fixture(scope="module")
def tiny():
    loss, params = tiny_problem()
    flat = flatten(loss, params)
    theta = np.asarray(flat.theta0)
    return flat, theta, spectral.make_curvature(flat.loss64), spectral.dense_hessian(flat.loss64, theta)


def rel(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-300)


def test_lanczos_top_two_match_the_dense_spectrum(tiny):
    flat, theta, curv, hess = tiny
    assert flat.n == 26
    dense = np.sort(np.linalg.eigvalsh(hess))[::-1]
    eig = spectral.top_eigen(curv, theta, k=flat.n, top=2)
    assert rel(eig.values[0], dense[0]) < 1e-8
    assert rel(eig.values[1], dense[1]) < 1e-8
    assert eig.residuals[0] < 1e-8 * dense[0]
    warm = spectral.top_eigen(curv, theta, k=8, top=1, start=eig.vectors[:, 0])  # warm start: few steps suffice
    assert rel(warm.values[0], dense[0]) < 1e-8


def test_directional_derivatives_match_dense_tensors(tiny):
    flat, theta, curv, hess = tiny
    _evals, evecs = np.linalg.eigh(hess)
    u = evecs[:, -1]
    th = jnp.asarray(theta)
    d3_tensor = np.asarray(jax.jit(jax.jacfwd(jax.hessian(flat.loss64)))(th))
    uj = jnp.asarray(u)

    def quad(t):  # u^T Hess L(t) u; its dense Hessian is the D4 tensor contracted twice with u (reverse mode)
        return uj @ jax.hessian(flat.loss64)(t) @ uj

    d4_uu = np.asarray(jax.jit(jax.hessian(quad))(th))
    point = spectral.directional(curv, theta, u)
    assert rel(point.d2, float(u @ hess @ u)) < 1e-8
    assert rel(point.d3, float(np.einsum("ijk,i,j,k", d3_tensor, u, u, u))) < 1e-8
    assert rel(point.d4, float(u @ d4_uu @ u)) < 1e-8
    w = np.asarray(curv.grad_s(th, jnp.asarray(u)))  # D3 L[u, u] as a vector = grad of the sharpness
    w_dense = np.einsum("ijk,j,k->i", d3_tensor, u, u)
    assert np.linalg.norm(w - w_dense) < 1e-8 * np.linalg.norm(w_dense)
    assert rel(point.alpha_u, 3 * point.d3**2 - point.d2 * point.d4) < 1e-12


def test_hplus_rules_against_a_dense_pseudo_inverse(tiny):
    _, _, _, hess = tiny
    w = np.arange(hess.shape[0], dtype=float) - 10
    evals, evecs = np.linalg.eigh(hess)
    keep = evals > 1e-6 * np.abs(evals).max()
    expected = float(w @ (evecs[:, keep] / evals[keep]) @ evecs[:, keep].T @ w)
    got, kept = spectral.hplus_quadratic_dense(hess, w, rule=spectral.POSITIVE_RULE, cutoff=1e-6)
    assert kept == int(keep.sum()) and rel(got, expected) < 1e-8
    _absolute, kept_abs = spectral.hplus_quadratic_dense(hess, w, rule=spectral.ABS_RULE, cutoff=1e-6)
    assert kept_abs >= kept  # negative eigenvalues enter under the |lambda| rule
    assert spectral.c1_value(0.5, 2.0, -3.0) == pytest.approx(0.5 / 2 * 2.0 + 0.5 / 6 * 3.0)


def test_projection_lands_on_the_stable_set(tiny):
    flat, _, curv, _ = tiny
    theta = train(flat, EngineConfig(eta=0.2, steps=1500)).theta  # near the minimisers, where M is defined
    hess = spectral.dense_hessian(flat.loss64, theta)
    s = float(np.linalg.eigvalsh(hess)[-1])
    eta = 2 / s * 1.02  # eta S/2 = 1.02: the projection must bring S down to 2/eta
    u = np.linalg.eigh(hess)[1][:, -1]
    proj = spectral.project(curv, theta, eta, start=u, steps=6, k=flat.n)
    assert abs(eta * proj.s_dagger / 2 - 1) < 1e-3  # from 2% above: second order per step
    assert proj.u_dot_grad < 1e-6


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"eta": 0.0}, "eta must be"),
        ({"eta": -1.0}, "eta must be"),
        ({"eta": float("nan")}, "eta must be"),
        ({"steps": 0}, "steps must be"),
    ],
)
def test_bad_settings_raise_one_line_errors(kwargs, message):
    loss, params = tiny_problem()
    args = {"eta": 0.1, "steps": 10} | kwargs
    with pytest.raises(NetworkInputError, match=message) as info:
        check_training(loss, params, progress=False, **args)
    assert "\n" not in str(info.value)


def test_non_scalar_loss_and_nan_params_are_rejected():
    loss, params = tiny_problem()
    with pytest.raises(NetworkInputError, match="scalar"):
        check_training(lambda p: jnp.ones(3) * loss(p), params, eta=0.1, steps=10, progress=False)
    bad = dict(params, w1=np.full((3, 4), np.nan))
    with pytest.raises(NetworkInputError, match="NaN"):
        check_training(loss, bad, eta=0.1, steps=10, progress=False)
    with pytest.raises(NetworkInputError, match="raised"):
        check_training(lambda p: p["missing"], params, eta=0.1, steps=10, progress=False)
    with pytest.raises(NetworkInputError, match="unknown engine setting"):
        check_training(loss, params, eta=0.1, steps=10, progress=False, config={"lanczos": 3})
    assert issubclass(NetworkInputError, ValueError)


def test_a_killed_run_resumes_from_its_checkpoint(tmp_path):
    loss, params = tiny_problem()
    flat = flatten(loss, params)
    ck = tmp_path / "run.npz"
    straight = train(flat, EngineConfig(eta=0.1, steps=200))
    train(flat, EngineConfig(eta=0.1, steps=100), checkpoint=ck)  # "killed" after 100 steps
    resumed = train(flat, EngineConfig(eta=0.1, steps=200), checkpoint=ck)
    assert resumed.history.steps_done == 200
    np.testing.assert_allclose(resumed.theta, straight.theta, rtol=0, atol=1e-9)
    assert resumed.history.sharp_step == straight.history.sharp_step
    with pytest.raises(NetworkInputError, match="other settings"):
        train(flat, EngineConfig(eta=0.2, steps=300), checkpoint=ck)


def test_progress_lines_go_to_stderr(capsys):
    loss, params = tiny_problem()
    train(flatten(loss, params), EngineConfig(eta=0.1, steps=40, progress_every=20), progress=True)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and err[0].startswith("network: step 20/40")
