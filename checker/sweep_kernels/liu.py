"""Batched runs of the Liu et al. (2025) model (RECONSTRUCTED, LZDZ-MODEL) reduced step by step for the sweeps.

One jitted JAX float64 loop runs GD from every start for STEPS steps and keeps, per instance, only the
statistics the LZDZ claims are decided on (memory flat in the steps): the sharpness at the start, its peak and
its settled-tail maximum; the first phase up to a sharpness level (the steps with and against the rise); and,
over the longest EoS window |eta lambda_1 a^2 - 2| < 0.01 (cut at the first step with L2 below the rounding
floor, as the checks do), the least-squares slope of log L2, the largest GFS-sharpness step either way and the
worst decay-bound slack. The sharpness is the top eigenvalue of the 3x3 Hessian in closed form (the
trigonometric formula for a symmetric 3x3 matrix). XLA drops the reductions a caller's keys do not need.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from checker.models import liu as model
from checker.simulate.liu_runs import STEPS, TAIL

EPS = 1e-3  # the settled-tail loss level of the checks' analysis
FLOOR = 1e-20  # L2 below this is rounding noise: the EoS window is cut there (as in the checks)
BAND = 0.01  # the EoS window: |eta lambda_1 a^2 - 2| < BAND

Stats = dict[str, np.ndarray]


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
