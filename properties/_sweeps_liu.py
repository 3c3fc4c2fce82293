"""Vectorised sweeps for the Liu et al. (2025) simulation claims on the RECONSTRUCTED model (LZDZ-MODEL).

One batched JAX float64 call runs GD from every drawn start for the check's STEPS steps and reduces each run,
step by step, to the statistics the six claims are decided on (memory flat in the steps): the sharpness at
the start, its peak and its settled-tail maximum; the first phase up to a sharpness level (the steps against
and with the rise); and, over the longest EoS window |eta lambda_1 a^2 - 2| < 0.01 (cut at the first step
with L2 below the rounding floor, as the check does), the least-squares slope of log L2, the largest step
of the GFS sharpness either way, and the worst decay-bound slack. The sharpness is the top eigenvalue of the
3x3 Hessian in closed form (the trigonometric formula for a symmetric 3x3 matrix).

The sweep margins follow the checks' formulas on these statistics. Instances the check cannot decide (a
diverged or unsettled run, no EoS window long enough) or that lie outside the statement get +inf: ranking
them first would waste the explicit examples. The worst instances then go through the full check (every
step recorded, the long budget for unsettled runs) and its mpmath recheck, which alone decide.

Every instance is a 40000-step run, so the sweep draws fewer than the profile's default N and says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from checker.models import liu as model
from checker.simulate.liu_runs import STEPS, TAIL
from checker.sweep import Sweep

LIU_SIZES = {"quick": 100, "ci": 300, "thorough": 3_000}
LIU_REASON = f"each instance is a {STEPS}-step GD run of the reconstructed model"
EPS = 1e-3  # the settled-tail loss level of the check's analysis
FLOOR = 1e-20  # L2 below this is rounding noise: the EoS window is cut there (as in the checks)
BAND = 0.01  # the EoS window: |eta lambda_1 a^2 - 2| < BAND

Stats = dict[str, np.ndarray]


def draw(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
    """The properties' strategy (SIM_STRATEGY), uniformly."""
    return {
        "l2": rng.uniform(0.02, 0.05, n),
        "a0": rng.uniform(0.45, 0.6, n),
        "log_w1": rng.uniform(-8.0, -4.0, n),
        "w2": rng.uniform(0.6, 0.9, n),
    }


def run_stats(arr: Mapping[str, np.ndarray], keys: tuple[str, ...], level: float = 1.9, rate: float = 1.8) -> Stats:
    """The instances' statistics named by ``keys`` (see the module docstring; XLA drops the reductions no key
    needs, which matters: each costs transcendental functions at every step); ``level`` is eta S ending the
    first phase, ``rate`` the decay rate of the bound whose slack is tracked."""
    import jax.numpy as jnp

    from checker.backends import jax_backend  # noqa: F401  (float64 on)

    out = _kernel(tuple(sorted({*keys, "finite"})))(
        jnp.asarray(arr["a0"], dtype=jnp.float64),
        jnp.asarray(arr["log_w1"], dtype=jnp.float64),
        jnp.asarray(arr["w2"], dtype=jnp.float64),
        jnp.asarray(arr["l2"], dtype=jnp.float64),
        jnp.float64(level),
        jnp.float64(rate),
    )
    return {k: np.asarray(v) for k, v in out.items()}


def _top_eig(h00: Any, h01: Any, h02: Any, h11: Any, h22: Any) -> Any:
    """Largest eigenvalue of the symmetric [[h00, h01, h02], [h01, h11, 0], [h02, 0, h22]] (trigonometric form)."""
    import jax.numpy as jnp

    m = (h00 + h11 + h22) / 3
    b00, b11, b22 = h00 - m, h11 - m, h22 - m
    p2 = b00 * b00 + b11 * b11 + b22 * b22 + 2 * (h01 * h01 + h02 * h02)
    p = jnp.sqrt(p2 / 6)
    safe = jnp.where(p > 0, p, 1.0)
    det = (b00 * b11 * b22 - h01 * h01 * b22 - h02 * h02 * b11) / safe**3
    phi = jnp.arccos(jnp.clip(det / 2, -1.0, 1.0)) / 3
    return jnp.where(p > 0, m + 2 * p * jnp.cos(phi), m)


@lru_cache(maxsize=8)
def _kernel(keys: tuple[str, ...]) -> Callable[..., Any]:
    """The jitted batched run with its per-step reductions, returning ``keys`` (one compile per key set)."""
    import jax
    import jax.numpy as jnp

    l1, eta = model.LAMBDA_1, model.ETA

    def observe(a: Any, lw: Any, w2: Any, l2: Any) -> tuple[Any, ...]:
        w1 = jnp.exp(jnp.maximum(lw, -700.0))
        r = a * w2 - 1
        sharp = eta * _top_eig(l1 * w1 * w1 + l2 * w2 * w2, 2 * l1 * a * w1, l2 * (r + a * w2), l1 * a * a, l2 * a * a)
        l2_loss = l2 * r * r / 2
        total = l1 * a * a * jnp.exp(2 * jnp.minimum(lw, 300.0)) / 2 + l2_loss
        w1c = jnp.exp(jnp.minimum(lw, 300.0))
        c = a * a - w1c * w1c - w2 * w2
        a2 = (c + jnp.sqrt(c * c + 4)) / 2
        gfs = jnp.maximum(l1 * a2, l2 * (a2 + 1 / a2)) * eta
        band = jnp.abs(eta * l1 * a * a - 2) < BAND
        return sharp, l2_loss, total, gfs, band

    def close_band(c: dict[str, Any]) -> dict[str, Any]:
        """The current window ended: keep it if it is the longest so far (the first longest, as argmax)."""
        better = c["cur_len"] > c["best_len"]
        for k in ("len", "n", "st", "stt", "sy", "sty", "up", "down", "worst"):
            c[f"best_{k}"] = jnp.where(better, c[f"cur_{k}"], c[f"best_{k}"])
        return c

    def run(a0: Any, lw0: Any, w20: Any, l2: Any, level: Any, rate: Any) -> dict[str, Any]:
        zero, inf = jnp.zeros_like(a0), jnp.full_like(a0, jnp.inf)
        false = jnp.zeros(a0.shape, bool)
        log_step = 2 * jnp.log(1 - rate * l2 / l1)
        s0 = observe(a0, lw0, w20, l2)[0]
        carry: dict[str, Any] = {
            "a": a0,
            "lw": lw0,
            "w2": w20,
            "finite": ~false,
            "s_prev": s0,
            "crossed": false,
            "with": zero,
            "against": zero,
            "s_cross": s0,
            "peak": s0,
            "tail_s": -inf,
            "tail_loss": -inf,
            "lw_tail": lw0,
            "in_band": false,
            "resolved": false,
            "gfs_prev": zero,
            "shift_min": inf,
        }
        for k in ("len", "n", "st", "stt", "sy", "sty", "up", "down", "worst"):
            carry[f"cur_{k}"] = zero if k not in ("up", "down", "worst") else -inf
            carry[f"best_{k}"] = carry[f"cur_{k}"]
        carry["best_len"] = jnp.full_like(a0, -1.0)

        def body(t: Any, c: dict[str, Any]) -> dict[str, Any]:
            a, lw, w2 = c["a"], c["lw"], c["w2"]
            sharp, l2_loss, total, gfs, band = observe(a, lw, w2, l2)
            tf = t.astype(a.dtype)
            c["finite"] = c["finite"] & jnp.isfinite(a) & jnp.isfinite(w2)
            # first phase: the steps from the start until eta S first reaches ``level``
            d = sharp - c["s_prev"]
            live = ~c["crossed"] & (t > 0)
            c["with"] = c["with"] + jnp.where(live & (d > 0), d, 0.0)
            c["against"] = c["against"] + jnp.where(live & (d < 0), -d, 0.0)
            hit = ~c["crossed"] & (sharp >= level)
            c["s_cross"] = jnp.where(hit, sharp, c["s_cross"])
            c["crossed"] = c["crossed"] | hit
            c["s_prev"], c["peak"] = sharp, jnp.maximum(c["peak"], sharp)
            # the settled tail (the last TAIL states)
            tail = t >= STEPS - TAIL
            c["tail_s"] = jnp.where(tail, jnp.maximum(c["tail_s"], sharp), c["tail_s"])
            c["tail_loss"] = jnp.where(tail, jnp.maximum(c["tail_loss"], total), c["tail_loss"])
            c["lw_tail"] = jnp.where(t == STEPS - TAIL, lw, c["lw_tail"])
            # EoS windows: close the current one where the band ends, open a new one where it starts
            ends = c["in_band"] & ~band
            closed = close_band(dict(c))
            for k in [k for k in c if k.startswith("best_")]:
                c[k] = jnp.where(ends, closed[k], c[k])
            starts = band & ~c["in_band"]
            for k in ("len", "n", "st", "stt", "sy", "sty"):
                c[f"cur_{k}"] = jnp.where(starts, 0.0, c[f"cur_{k}"])
            for k in ("up", "down", "worst"):
                c[f"cur_{k}"] = jnp.where(starts, -jnp.inf, c[f"cur_{k}"])
            c["resolved"] = jnp.where(starts, False, c["resolved"])
            c["shift_min"] = jnp.where(starts, jnp.inf, c["shift_min"])
            cont = band & c["in_band"]  # a GFS step inside the window
            dg = gfs - c["gfs_prev"]
            c["cur_up"] = jnp.where(cont, jnp.maximum(c["cur_up"], dg), c["cur_up"])
            c["cur_down"] = jnp.where(cont, jnp.maximum(c["cur_down"], -dg), c["cur_down"])
            c["cur_len"] = c["cur_len"] + jnp.where(band, 1.0, 0.0)
            c["resolved"] = c["resolved"] | (band & (l2_loss < FLOOR))
            use = band & ~c["resolved"]  # the window up to the first step below the loss floor
            y = jnp.log(jnp.where(use, l2_loss, 1.0))
            for k, v in (("n", 1.0), ("st", tf), ("stt", tf * tf), ("sy", y), ("sty", tf * y)):
                c[f"cur_{k}"] = c[f"cur_{k}"] + jnp.where(use, v, 0.0)
            shifted = y - log_step * tf
            c["shift_min"] = jnp.where(use, jnp.minimum(c["shift_min"], shifted), c["shift_min"])
            c["cur_worst"] = jnp.where(use, jnp.maximum(c["cur_worst"], shifted - c["shift_min"]), c["cur_worst"])
            c["in_band"], c["gfs_prev"] = band, gfs
            # one GD step of the model's map (checker.models.liu's scan, in log |w1|)
            w1sq = jnp.exp(2 * lw)
            r = a * w2 - 1
            f = jnp.abs(1 - eta * l1 * a * a)
            c["a"] = a - eta * (l1 * a * w1sq + l2 * r * w2)
            c["lw"] = jnp.minimum(lw + jnp.log(jnp.maximum(f, 1e-300)), 300.0)
            c["w2"] = w2 - eta * (l2 * r * a)
            return c

        c = jax.lax.fori_loop(0, STEPS, body, carry)
        c = close_band(dict(c))  # a window still open at the end
        settled = c["finite"] & (c["tail_loss"] <= EPS) & (c["lw"] < c["lw_tail"])
        n = c["best_n"]
        var = c["best_stt"] / jnp.maximum(n, 1) - (c["best_st"] / jnp.maximum(n, 1)) ** 2
        cov = c["best_sty"] / jnp.maximum(n, 1) - c["best_st"] * c["best_sy"] / jnp.maximum(n, 1) ** 2
        out = {
            "finite": c["finite"],
            "settled": settled,
            "s0": s0,
            "peak": c["peak"],
            "tail_max_s": c["tail_s"],
            "crossed": c["crossed"],
            "s_cross": c["s_cross"],
            "with": c["with"],
            "against": c["against"],
            "window": c["best_len"],
            "window_used": n,
            "slope": cov / jnp.where(var > 0, var, jnp.nan),
            "gfs_up": c["best_up"],
            "gfs_down": c["best_down"],
            "decay_worst": c["best_worst"],
        }
        return {k: out[k] for k in keys}

    return jax.jit(run)


def _sweep(margin: Callable[[Mapping[str, np.ndarray]], np.ndarray]) -> Sweep:
    return Sweep(draw, margin, worst=3, sizes=LIU_SIZES, size_reason=LIU_REASON)


def t41_sweep(bound: float) -> Sweep:
    """LZDZ-T4.1: bound - (settled-tail max of eta S), bound = constant + delta."""

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        s = run_stats(arr, ("settled", "tail_max_s"))
        return np.where(s["settled"], bound - s["tail_max_s"], np.inf)

    return _sweep(margin)


def t44_sweep(back: float, exceed: float) -> Sweep:
    """LZDZ-T4.4: min(peak eta S - exceed, back - settled-tail max of eta S)."""

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        s = run_stats(arr, ("settled", "peak", "tail_max_s"))
        return np.where(s["settled"], np.minimum(s["peak"] - exceed, back - s["tail_max_s"]), np.inf)

    return _sweep(margin)


def t43_sweep(direction: int, gap: float, dip_fraction: float, min_phase: float) -> Sweep:
    """LZDZ-T4.3: min(direction x net change, dip_fraction |net| - steps against) / |net| over the first phase;
    a settled run that never reaches the level: peak - level; +inf outside the statement (start too close to
    the level) and where the check is undecided."""

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        target = 2 - gap
        s = run_stats(arr, ("settled", "s0", "peak", "crossed", "s_cross", "with", "against"), level=target)
        net = s["s_cross"] - s["s0"]
        against = s["against"] if direction > 0 else s["with"]
        phase = np.minimum(direction * net, dip_fraction * np.abs(net) - against) / np.maximum(np.abs(net), 1e-12)
        missed = np.where(s["settled"], s["peak"] - target, np.inf)
        m = np.where(s["crossed"], phase, missed)
        return np.where(s["finite"] & (s["s0"] <= target - min_phase), m, np.inf)

    return _sweep(margin)


def rate_sweep(factor: float, tol: float, min_window: int) -> Sweep:
    """LZDZ-RATE: tol - |fitted slope of log L2 / (factor log(1 - 2 lambda_2/lambda_1)) - 1| on the window."""

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        s = run_stats(arr, ("slope", "window_used"))
        predicted = factor * np.log(1 - 2 * arr["l2"] / model.LAMBDA_1)
        m = tol - np.abs(s["slope"] / predicted - 1)
        return np.where(s["finite"] & (s["window_used"] >= min_window), m, np.inf)

    return _sweep(margin)


def t52_sweep(direction: int, rounding: float, min_window: int) -> Sweep:
    """LZDZ-T5.2: rounding - the largest GFS-sharpness step against the claimed direction in the window."""

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        s = run_stats(arr, ("gfs_up", "gfs_down", "window"))
        against = s["gfs_up"] if direction < 0 else s["gfs_down"]
        return np.where(s["finite"] & (s["window"] >= min_window), rounding - against, np.inf)

    return _sweep(margin)


def t46_sweep(rate: float, constant: float, min_window: int) -> Sweep:
    """LZDZ-T4.6: (log constant - worst log-slack of the decay bound over pairs s <= t) / log constant."""

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        s = run_stats(arr, ("decay_worst", "window_used"), rate=rate)
        m = (math.log(constant) - s["decay_worst"]) / math.log(constant)
        return np.where(s["finite"] & (s["window_used"] >= min_window), m, np.inf)

    return _sweep(margin)
