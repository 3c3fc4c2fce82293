"""Vectorised sweeps for the Liu et al. (2025) simulation claims on the RECONSTRUCTED model (LZDZ-MODEL).

One batched JAX float64 call runs GD from every drawn start for the check's STEPS steps (vmapped over the
instances), recording the state every RECORD_EVERY steps; the sharpness is then evaluated on the records
only. From these coarse records the sweep scores each instance by the check's own margin (settled-tail
maximum of eta S, the peak of eta S). Only settled runs are scored (the check cannot decide an unsettled
one, so ranking it first would waste the explicit examples): an unsettled or diverged run gets +inf. The
worst instances then go through the full check (every step recorded, the long budget for unsettled runs)
and its mpmath recheck, which alone decide.

Every instance is a 40000-step run, so the sweep draws fewer than the profile's default N and says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np

from checker.models import liu as model
from checker.simulate.liu_runs import STEPS, TAIL
from checker.sweep import Sweep

RECORD_EVERY = 20  # records per run: STEPS / 20 = 2000, the tail TAIL / 20 = 100
LIU_SIZES = {"quick": 300, "ci": 1_000, "thorough": 10_000}
LIU_REASON = f"each instance is a {STEPS}-step GD run of the reconstructed model"
EPS = 1e-3  # the settled-tail loss level of the check's analysis


class Coarse(NamedTuple):
    """Per instance, from the records: settled as the check's analysis defines it, eta S over the tail and
    over the whole run."""

    settled: np.ndarray
    tail_max_s: np.ndarray
    peak_s: np.ndarray


def draw(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
    """The properties' strategy (SIM_STRATEGY), uniformly."""
    return {
        "l2": rng.uniform(0.02, 0.05, n),
        "a0": rng.uniform(0.45, 0.6, n),
        "log_w1": rng.uniform(-8.0, -4.0, n),
        "w2": rng.uniform(0.6, 0.9, n),
    }


def coarse_runs(arr: Mapping[str, np.ndarray]) -> Coarse:
    """Run every instance for STEPS steps in one batched call and analyse the records."""
    import jax.numpy as jnp

    from checker.backends import jax_backend  # noqa: F401  (float64 on)

    n = arr["a0"].shape[0]
    one = lambda v: jnp.full(n, v, dtype=jnp.float64)  # noqa: E731
    start = (jnp.asarray(arr["a0"]), jnp.asarray(arr["log_w1"]), jnp.asarray(arr["w2"]))
    a, lw, w2 = _records(STEPS // RECORD_EVERY)(*start, one(model.LAMBDA_1), jnp.asarray(arr["l2"]), one(model.ETA))
    a, lw, w2 = (np.asarray(v).T for v in (a, lw, w2))  # (n, records)
    l2 = arr["l2"][:, None]
    finite = np.all(np.isfinite(a), axis=1) & np.all(np.isfinite(w2), axis=1)
    a, lw, w2 = (np.where(finite[:, None], v, 0.0) for v in (a, lw, w2))
    sharp = _sharpness_rows(a, lw, w2, arr["l2"]) * model.ETA
    tail = TAIL // RECORD_EVERY
    loss = model.LAMBDA_1 * a**2 * np.exp(2 * np.minimum(lw, 300.0)) / 2 + l2 * (a * w2 - 1) ** 2 / 2
    settled = finite & (loss[:, -tail:].max(axis=1) <= EPS) & (lw[:, -1] < lw[:, -tail])
    return Coarse(settled, sharp[:, -tail:].max(axis=1), sharp.max(axis=1))


def _sharpness_rows(a: np.ndarray, lw: np.ndarray, w2: np.ndarray, l2: np.ndarray) -> np.ndarray:
    """The top Hessian eigenvalue at every record, each row with its own lambda_2."""
    w1 = np.exp(np.maximum(lw, -700.0))
    l2b = np.broadcast_to(l2[:, None], a.shape)
    flat = model.hessians(a.ravel(), (w1 * w1).ravel(), w1.ravel(), w2.ravel(), model.LAMBDA_1, 0.0)
    h = flat.reshape(*a.shape, 3, 3)
    # model.hessians takes one lambda_2; add the lambda_2 terms row by row (the Hessian is linear in lambda_2)
    r = a * w2 - 1
    h[..., 0, 0] += l2b * w2 * w2
    h[..., 0, 2] += l2b * (r + a * w2)
    h[..., 2, 0] += l2b * (r + a * w2)
    h[..., 2, 2] += l2b * a * a
    return np.linalg.eigvalsh(h)[..., -1]


@lru_cache(maxsize=2)
def _records(records: int) -> Callable[..., Any]:
    """A jitted batched run: RECORD_EVERY steps of the model's GD map (the map of checker.models.liu's scan,
    in log |w1|) between records; returns the state at every record, shape (records, n) each."""
    import jax
    import jax.numpy as jnp

    def step(_: Any, s: tuple[Any, ...]) -> tuple[Any, ...]:
        a, lw, w2, l1, l2, eta = s
        w1sq = jnp.exp(2 * lw)
        r = a * w2 - 1
        ga = l1 * a * w1sq + l2 * r * w2
        gw2 = l2 * r * a
        f = jnp.abs(1 - eta * l1 * a * a)
        lw_next = jnp.minimum(lw + jnp.log(jnp.maximum(f, 1e-300)), 300.0)
        return a - eta * ga, lw_next, w2 - eta * gw2, l1, l2, eta

    def block(s: tuple[Any, ...], _: Any) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        return jax.lax.fori_loop(0, RECORD_EVERY, step, s), s[:3]

    @jax.jit
    def run(a0: Any, lw0: Any, w20: Any, l1: Any, l2: Any, eta: Any) -> Any:
        _, out = jax.lax.scan(block, (a0, lw0, w20, l1, l2, eta), None, length=records)
        return out

    return run


def t41_sweep(bound: float) -> Sweep:
    """LZDZ-T4.1: margin bound - (settled-tail max of eta S), bound = constant + delta."""

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        c = coarse_runs(arr)
        return np.where(c.settled, bound - c.tail_max_s, np.inf)

    return Sweep(draw, margin, worst=3, sizes=LIU_SIZES, size_reason=LIU_REASON)


def t44_sweep(back: float, exceed: float) -> Sweep:
    """LZDZ-T4.4: margin min(peak eta S - exceed, back - settled-tail max of eta S)."""

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        c = coarse_runs(arr)
        return np.where(c.settled, np.minimum(c.peak_s - exceed, back - c.tail_max_s), np.inf)

    return Sweep(draw, margin, worst=3, sizes=LIU_SIZES, size_reason=LIU_REASON)
