"""Semantics of the fast batched GD kernel (product_jax + fused_gd + chunking + sharding).

The fast path (fused blocks, NaN poisoning, careful re-runs) must give the same answers as the plain
reference semantics, whatever the block size, chunk size, device count or dtype. The reference here is an
independent numpy loop over steps written from the docstring of ``simulate_product_batch``. No timings:
speed lives in benchmarks/.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from checker.backends import jax_backend  # noqa: F401  (enables float64 before any jax use)
from checker.errors import UserInputError
from checker.loss import Loss
from checker.simulate import chunking
from checker.simulate.product_jax import simulate_product_batch, trace_count

CUBIC = "(z-1)**2/2 + (z-1)**3"


def _cubic_l1(z: np.ndarray) -> np.ndarray:
    return (z - 1) + 3 * (z - 1) ** 2


def reference(l1, x0, y0, eta, steps: int, grad_tol: float, bound: float) -> dict[str, np.ndarray]:
    """The documented semantics, one careful step at a time, in numpy."""
    x, y = x0.astype(float), y0.astype(float)
    prev = x * y
    act = np.ones(x.shape, bool)
    conv, div = np.zeros_like(act), np.zeros_like(act)
    stop = np.full(x.shape, steps)
    with np.errstate(all="ignore"):
        for t in range(steps):
            z = x * y
            g = l1(z)
            now_conv = act & (np.abs(g) * np.sqrt(x * x + y * y) <= grad_tol)
            xn, yn = x - eta * g * y, y - eta * g * x
            bad = ~(np.isfinite(xn) & np.isfinite(yn)) | (np.abs(xn * yn) > bound)
            now_div = act & ~now_conv & bad
            moving = act & ~now_conv & ~bad
            x, y, prev = np.where(moving, xn, x), np.where(moving, yn, y), np.where(moving, z, prev)
            stop = np.where(act & ~moving, t, stop)
            act, conv, div = moving, conv | now_conv, div | now_div
    return {
        "x": x,
        "y": y,
        "converged": conv,
        "diverged": div,
        "stop_step": stop,
        "divergence_step": np.where(div, stop + 1, -1),
        "period2_amplitude": np.abs(x * y - prev) / 2,
    }


def mismatches(result, ref: dict[str, np.ndarray], rtol: float = 1e-7) -> list[str]:
    """Names of the fields where the kernel's result disagrees with the reference."""
    bad = []
    for key, want in ref.items():
        got = getattr(result, key)
        if want.dtype == bool or np.issubdtype(want.dtype, np.integer):
            same = np.array_equal(got, want)
        else:
            same = np.allclose(got, want, rtol=rtol, atol=rtol)
        if not same:
            bad.append(key)
    return bad


@pytest.fixture(scope="module")
def batch() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A mix that converges, diverges (|xy| > bound and overflow) and oscillates within 40 steps."""
    rng = np.random.default_rng(0)
    n = 600
    return rng.uniform(-2, 2, n), rng.uniform(-2, 2, n), rng.uniform(0.05, 1.5, n)


@pytest.fixture(scope="module")
def cubic() -> Loss:
    return Loss.from_string(CUBIC)


@pytest.mark.parametrize("block", [1, 8])
@pytest.mark.parametrize("steps", [17, 40])
def test_fused_kernel_matches_reference(cubic, batch, block, steps):
    x0, y0, eta = batch
    ref = reference(_cubic_l1, x0, y0, eta, steps, 1e-3, 1e3)
    assert ref["converged"].any() and ref["diverged"].any() and not (ref["converged"] | ref["diverged"]).all()
    res = simulate_product_batch(cubic, x0, y0, eta, steps=steps, grad_tol=1e-3, diverge_bound=1e3, check_every=block)
    assert mismatches(res, ref) == []


def test_comparison_catches_wrong_semantics(cubic, batch):
    """The comparison above can fail: an off-by-one budget or a wrong bound is detected."""
    x0, y0, eta = batch
    res = simulate_product_batch(cubic, x0, y0, eta, steps=17, grad_tol=1e-3, diverge_bound=1e3)
    assert "stop_step" in mismatches(res, reference(_cubic_l1, x0, y0, eta, 16, 1e-3, 1e3))
    assert "divergence_step" in mismatches(res, reference(_cubic_l1, x0, y0, eta, 17, 1e-3, 1e2))


def test_period2_amplitude_when_stopping_at_a_block_start(cubic):
    """Only careful steps record prev_z: a stop at the first step of a block must still see the true z_{T-1}."""
    x0, y0, eta = np.array([1.7, 0.3, -1.2]), np.array([0.4, 1.1, -0.9]), np.array([0.3, 0.4, 0.25])
    for steps in range(1, 30):
        ref = reference(_cubic_l1, x0, y0, eta, steps, 5e-2, 1e3)
        for block in (2, 4):
            res = simulate_product_batch(cubic, x0, y0, eta, steps=steps, grad_tol=5e-2, check_every=block)
            assert mismatches(res, ref) == [], (steps, block)


def test_divergence_on_the_last_step_of_a_block_that_comes_back(cubic):
    """Regression: crossing diverge_bound on a block's last step, then returning inside on the next, was
    recorded at the wrong step (11 instead of 9)."""
    x0, y0 = np.array([-0.391431603397157]), np.array([-1.876625431110269])
    eta = np.array([1.3316952639730424])
    ref = reference(_cubic_l1, x0, y0, eta, 40, 1e-3, 1.2)
    assert ref["divergence_step"].tolist() == [9]
    res = simulate_product_batch(cubic, x0, y0, eta, steps=40, grad_tol=1e-3, diverge_bound=1.2, check_every=3)
    assert mismatches(res, ref) == []


def test_exact_fixed_point_with_zero_tolerance(cubic):
    """grad_tol = 0 freezes exactly at a zero gradient: (1, 1) is a minimiser (z = 1), (0, 0) a saddle."""
    res = simulate_product_batch(cubic, [1.0, 0.0, 1.5], [1.0, 0.0, 0.5], 0.1, steps=50)
    assert res.converged.tolist() == [True, True, False]
    assert res.stop_step.tolist()[:2] == [0, 0]
    assert res.divergence_step.tolist() == [-1, -1, -1]


def test_chunking_gives_the_same_answers(cubic, batch):
    x0, y0, eta = batch
    one = simulate_product_batch(cubic, x0, y0, eta, steps=40, grad_tol=1e-3)
    many = simulate_product_batch(cubic, x0, y0, eta, steps=40, grad_tol=1e-3, max_chunk=100)
    for key in ("x", "y", "stop_step", "converged", "diverged", "period2_amplitude", "sharpness"):
        np.testing.assert_array_equal(getattr(one, key), getattr(many, key))


@pytest.mark.parametrize(("n", "max_chunk", "multiple"), [(0, 8, 1), (1, 8, 1), (1000, 100, 1), (37, 1 << 20, 2)])
def test_chunk_plan_covers_the_batch(n, max_chunk, multiple):
    chunks = chunking.plan(n, max_chunk, multiple)
    covered = [i for c in chunks for i in range(c.start, c.stop)]
    assert covered == list(range(n))
    for c in chunks:
        assert c.padded >= c.stop - c.start and c.padded % multiple == 0
        assert c.padded <= max(chunking.bucket(max_chunk, multiple), multiple * chunking.MIN_BUCKET)
    assert len({c.padded for c in chunks[:-1]}) <= 1  # one compiled shape for all full chunks


def test_pad_repeats_the_first_element():
    np.testing.assert_array_equal(chunking.pad(np.array([3.0, 4.0]), 4), [3.0, 4.0, 3.0, 3.0])


def test_no_recompile_across_values_steps_and_nearby_sizes(cubic):
    """Hypothesis examples differ in values, budgets and batch sizes: none of that may re-trace."""
    rng = np.random.default_rng(1)
    simulate_product_batch(cubic, rng.uniform(0, 1, 40), 1.0, 0.2, steps=30, grad_tol=1e-6)
    before = trace_count()
    for n, steps, tol in ((50, 31, 1e-7), (61, 200, 1e-3), (33, 5, 1e-9)):
        simulate_product_batch(cubic, rng.uniform(0, 1, n), rng.uniform(0, 1, n), 0.3, steps=steps, grad_tol=tol)
    assert trace_count() == before
    simulate_product_batch(cubic, rng.uniform(0, 1, 40), 1.0, 0.2, steps=30, grad_tol=1e-6, check_every=5)
    assert trace_count() == before + 1  # a new static option does compile: the counter can see it


def test_record_every_path_matches_reference(cubic, batch):
    x0, y0, eta = (v[:50] for v in batch)
    res = simulate_product_batch(cubic, x0, y0, eta, steps=23, grad_tol=1e-3, diverge_bound=1e3, record_every=5)
    assert res.path.shape == (4, 50, 2)
    assert mismatches(res, reference(_cubic_l1, x0, y0, eta, 23, 1e-3, 1e3)) == []
    for k in range(4):
        ref = reference(_cubic_l1, x0, y0, eta, 5 * (k + 1), 1e-3, 1e3)
        np.testing.assert_allclose(res.path[k, :, 0], ref["x"], rtol=1e-9)
        np.testing.assert_allclose(res.path[k, :, 1], ref["y"], rtol=1e-9)


def test_float32_path_is_float32_and_agrees_coarsely(cubic, batch):
    x0, y0, eta = batch
    r32 = simulate_product_batch(cubic, x0, y0, eta, steps=17, grad_tol=1e-3, diverge_bound=1e3, dtype="float32")
    r64 = simulate_product_batch(cubic, x0, y0, eta, steps=17, grad_tol=1e-3, diverge_bound=1e3)
    assert r32.x.dtype == np.float32 and r64.x.dtype == np.float64
    assert np.mean(r32.diverged == r64.diverged) > 0.97
    settled = r64.converged & r32.converged
    assert settled.sum() > 20
    np.testing.assert_allclose(r32.z[settled], r64.z[settled], atol=1e-2)


def test_batch_shape_is_kept(cubic):
    res = simulate_product_batch(cubic, np.full((3, 4), 0.5), 1.2, np.linspace(0.1, 0.5, 4), steps=10)
    assert res.x.shape == res.stop_step.shape == (3, 4)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"steps": -1}, "steps"),
        ({"steps": 5, "record_every": -2}, "record_every"),
        ({"steps": 5, "check_every": 0}, "check_every"),
        ({"steps": 5, "eta": -0.1}, "eta"),
    ],
)
def test_bad_input_is_a_user_error(cubic, kwargs, message):
    args = {"x0": [0.5], "y0": [0.5], "eta": 0.1} | kwargs
    with pytest.raises(UserInputError, match=message):
        simulate_product_batch(cubic, **args)


def test_incompatible_shapes_are_a_user_error(cubic):
    with pytest.raises(UserInputError, match="broadcast"):
        simulate_product_batch(cubic, [0.1, 0.2], [0.1, 0.2, 0.3], 0.1, steps=3)


_SHARDED = textwrap.dedent(
    """
    import numpy as np
    import jax
    from checker.backends import jax_backend
    from checker.loss import Loss
    from checker.simulate.product_jax import simulate_product_batch
    assert len(jax.devices()) == 2, jax.devices()
    loss = Loss.from_string("(z-1)**2/2 + (z-1)**3")
    rng = np.random.default_rng(0)
    x0, y0, eta = rng.uniform(-2, 2, 300), rng.uniform(-2, 2, 300), rng.uniform(0.05, 1.5, 300)
    kw = dict(steps=40, grad_tol=1e-3, diverge_bound=1e3)
    two = simulate_product_batch(loss, x0, y0, eta, **kw)
    one = simulate_product_batch(loss, x0, y0, eta, devices=1, **kw)
    path2 = simulate_product_batch(loss, x0, y0, eta, record_every=8, **kw)
    for k in ("x", "y", "stop_step", "converged", "diverged", "period2_amplitude"):
        np.testing.assert_array_equal(getattr(one, k), getattr(two, k))
        np.testing.assert_array_equal(getattr(one, k), getattr(path2, k))
    print("SHARDED-OK")
    """
)


def test_sharding_over_two_host_devices_gives_the_same_answers():
    """The multi-device path (one shard per device, as on several GPUs), exercised on 2 fake CPU devices."""
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=2", JAX_PLATFORMS="cpu")
    proc = subprocess.run([sys.executable, "-c", _SHARDED], env=env, capture_output=True, text=True, timeout=300)
    assert "SHARDED-OK" in proc.stdout, proc.stderr[-3000:]
