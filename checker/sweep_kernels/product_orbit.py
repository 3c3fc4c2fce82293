"""GD on l(xy) from the Edge-of-Stability start for many instances at once, read in the normal form's (u, sigma).

The batched counterpart of ``checker.simulate.product_orbit`` (GAN-A-NF-SM, GAN-A-NF-GAP): the same start, map,
recorded quantities and stopping rules (converged, past a sigma level, diverged, budget), run in one jitted JAX
float64 ``while_loop`` per loss structure: the loss's numbers, eta, sigma_0, the stop levels and the window
are traced arguments, so every drawn instance of a family shares one compiled program. The loop ends when every
instance has stopped; a stopped instance is frozen.

Two readings of a run:

* :func:`final_states`: where each run ended (the last sigma, the first sigma, the status), for the final
  sharpness (2 + sigma_last)/eta;
* :func:`slow_manifold_medians`: the median over a window of sigma, after U's maximum, of
  U / (coefficient (sigma - shift)/P), U the mean of u_t^2 and u_t+1^2 at the mean sigma of the pair (as the
  check computes it). Memory stays flat in the steps: a first run counts the window's pairs after the maximum,
  a second identical run keeps ``MEDIAN_SAMPLES`` of them evenly spaced (all of them when the window is
  shorter), whose median is the sweep's estimate of the check's median (exact for short windows; the ratio is
  smooth along the window, so a 256-point subsample ranks instances the same way).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from checker.models.gan_losses import TABLE
from checker.models.product.starts import U0, eos_start

MAX_STEPS = 2_000_000  # as the check's run
MEDIAN_SAMPLES = 256
SETTLED_U = 1e-9
CONVERGED, PAST, DIVERGED, BUDGET = 1, 2, 3, 0  # status codes (0: still running when the budget ran out)


@dataclass(frozen=True)
class Runs:
    """Per instance: the status code, sigma at the first and the last recorded state, and the steps recorded."""

    status: np.ndarray
    sigma_first: np.ndarray
    sigma_last: np.ndarray
    steps: np.ndarray


def _start(key: str, eta: np.ndarray, sigma0: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float]:
    pl = TABLE[key]
    zstar, a, _, _ = pl.derivatives_at_min()
    x0, y0 = eos_start(zstar, a, eta, sigma0)
    return np.asarray(x0, float), np.asarray(y0, float), zstar, a


def _sigma(x: np.ndarray, y: np.ndarray, eta: np.ndarray, zstar: float, a: float) -> np.ndarray:
    diff = x * x - y * y
    return np.asarray(eta * a * np.sqrt(4 * zstar * zstar + diff * diff) - 2, dtype=float)


def final_states(key: str, eta: np.ndarray, sigma0: np.ndarray, *, max_steps: int = MAX_STEPS) -> Runs:
    """Every run from its EoS start (overshoot sigma0, the check's default nudge) to convergence or divergence."""
    x0, y0, zstar, a = _start(key, eta, sigma0)
    n = eta.size
    out = _call(key, x0, y0, eta, zstar, a, np.full(n, -np.inf), _window(n), max_steps, False)
    return Runs(out["status"], out["sigma_first"], out["sigma_last"], out["steps"])


def slow_manifold_medians(
    key: str,
    eta: np.ndarray,
    sigma0: np.ndarray,
    *,
    stop_fraction: float,
    lo: float,
    hi: float,
    coefficient: float,
    shifted: bool,
    p: np.ndarray,
    sigma_f: np.ndarray,
    max_steps: int = MAX_STEPS,
) -> tuple[Runs, np.ndarray, np.ndarray]:
    """(runs, median ratio, pairs in the window) for every instance; the window is sigma in
    (sigma_f + lo (sigma_0' - sigma_f), sigma_f + hi (...)), sigma_0' the first recorded sigma; runs stop once
    sigma < sigma_f + stop_fraction (sigma_0 - sigma_f) after U has risen (the check's ``stop_fraction``)."""
    x0, y0, zstar, a = _start(key, eta, sigma0)
    s0 = _sigma(x0, y0, eta, zstar, a)
    stop = sigma_f + stop_fraction * (sigma0 - sigma_f)
    lo_b, hi_b = sigma_f + lo * (s0 - sigma_f), sigma_f + hi * (s0 - sigma_f)
    shift = sigma_f if shifted else np.zeros_like(sigma_f)
    window = np.stack([lo_b, hi_b, shift, coefficient / p, np.full_like(p, -1.0), np.zeros_like(p)])
    first = _call(key, x0, y0, eta, zstar, a, stop, window, max_steps, True)
    window[4], window[5] = first["peak_pair"], first["count"]
    second = _call(key, x0, y0, eta, zstar, a, stop, window, max_steps, True, MEDIAN_SAMPLES)
    with np.errstate(all="ignore"):
        samples = np.where(np.isfinite(second["samples"]), second["samples"], np.nan)
        filled = np.isfinite(samples).any(axis=1)
        medians = np.full(eta.size, np.nan)
        medians[filled] = np.nanmedian(samples[filled], axis=1)
    runs = Runs(first["status"], first["sigma_first"], first["sigma_last"], first["steps"])
    return runs, medians, first["count"].astype(int)


def _window(n: int) -> np.ndarray:
    """An empty window (no pair recorded): for runs read only at their end."""
    return np.stack([np.full(n, np.inf), np.full(n, -np.inf), np.zeros(n), np.ones(n), np.full(n, -1.0), np.zeros(n)])


def _call(
    key: str,
    x0: np.ndarray,
    y0: np.ndarray,
    eta: np.ndarray,
    zstar: float,
    a: float,
    stop: np.ndarray,
    window: np.ndarray,
    max_steps: int,
    record: bool,
    samples: int = 1,
) -> dict[str, np.ndarray]:
    import jax.numpy as jnp

    from checker.backends import jax_backend  # noqa: F401  (float64 on)
    from checker.simulate import chunking, traced_loss

    split = traced_loss.split(TABLE[key].loss)
    run = _kernel(split.structure, record, samples)
    consts = jnp.asarray(np.array([zstar, a, 100 * U0, SETTLED_U, float(max_steps)]))
    n = x0.size
    size = chunking.bucket(n)  # padded with copies of the first instance: one compiled shape per bucket
    res = run(
        *(jnp.asarray(chunking.pad(v, size)) for v in (x0, y0, eta, stop)),
        jnp.asarray(np.stack([chunking.pad(row, size) for row in window])),
        consts,
        jnp.asarray(split.constant_array(np.float64)),
    )
    return {k: np.asarray(v)[:n] for k, v in res.items()}


@lru_cache(maxsize=16)
def _kernel(structure: tuple[Any, ...], record: bool, samples: int) -> Any:
    """One jitted loop per loss structure (and reading): every number a traced argument."""
    import jax
    import jax.numpy as jnp

    from checker.simulate import traced_loss

    f1, _ = traced_loss.evaluators(structure)

    def run(x: Any, y: Any, h: Any, stop: Any, window: Any, consts: Any, c: Any) -> dict[str, Any]:
        zs, a, risen, settled, budget = consts[0], consts[1], consts[2], consts[3], consts[4]
        lo_b, hi_b, shift, scale, peak_in, count_in = window
        n = x.shape[0]
        rows = jnp.arange(n)

        def sigma_u(x: Any, y: Any) -> tuple[Any, Any]:
            diff = x * x - y * y
            return x * y - zs, h * a * jnp.sqrt(4 * zs * zs + diff * diff) - 2

        u_first, s_first = sigma_u(x, y)
        zeros, izeros = jnp.zeros_like(x), jnp.zeros(n, jnp.int64)
        state = {
            "t": jnp.int64(0),
            "x": x,
            "y": y,
            "prev_u": u_first,
            "prev_s": s_first,
            "peak": zeros,
            "live": jnp.ones(n, bool),
            "status": izeros,
            "sigma_last": s_first,
            "steps": izeros,
            "big_max": jnp.full_like(x, -jnp.inf),
            "peak_pair": izeros - 1,
            "count": izeros,
            "seen": izeros,
            "samples": jnp.full((n, samples), jnp.nan),
        }

        def cond(s: dict[str, Any]) -> Any:
            return jnp.any(s["live"]) & (s["t"] < budget)

        def body(s: dict[str, Any]) -> dict[str, Any]:
            t, live = s["t"], s["live"]
            u, sig = sigma_u(s["x"], s["y"])
            out = dict(s)
            if record:  # the pair (t - 1, t): U and its mid sigma, as the check's arrays
                pair = t - 1
                big = (s["prev_u"] ** 2 + u * u) / 2
                mid = (s["prev_s"] + sig) / 2
                on = live & (t >= 1)
                new_max = on & (big > s["big_max"])
                out["big_max"] = jnp.where(new_max, big, s["big_max"])
                out["peak_pair"] = jnp.where(new_max, pair, s["peak_pair"])
                inside = on & (mid > lo_b) & (mid < hi_b)
                count = jnp.where(new_max, 0, s["count"])
                out["count"] = count + jnp.where(inside, 1, 0)
                if samples > 1:  # second run: keep the window's pairs after the known maximum, evenly spaced
                    keep = inside & (pair >= peak_in) & (count_in > 0) & (peak_in >= 0)
                    slot = jnp.where(keep, (s["seen"] * samples) // jnp.maximum(count_in, 1), 0).astype(jnp.int64)
                    ratio = big / (scale * (mid - shift))
                    current = s["samples"][rows, slot]
                    out["samples"] = s["samples"].at[rows, slot].set(jnp.where(keep, ratio, current))
                    out["seen"] = s["seen"] + jnp.where(keep, 1, 0)
            diverged = live & (~jnp.isfinite(u) | (jnp.abs(u) > 1e3))
            peak = jnp.where(live & ~diverged, jnp.maximum(s["peak"], jnp.abs(u)), s["peak"])
            past = live & ~diverged & (sig < stop) & (peak > risen)
            converged = live & ~diverged & ~past & (peak > risen) & (jnp.abs(u) < settled)
            status = jnp.where(diverged, DIVERGED, jnp.where(past, PAST, jnp.where(converged, CONVERGED, s["status"])))
            stopped = diverged | past | converged
            out["sigma_last"] = jnp.where(live, sig, s["sigma_last"])
            out["steps"] = jnp.where(live, t + 1, s["steps"])
            going = live & ~stopped
            g = f1(s["x"] * s["y"], c)
            out["x"] = jnp.where(going, s["x"] - h * g * s["y"], s["x"])
            out["y"] = jnp.where(going, s["y"] - h * g * s["x"], s["y"])
            out["prev_u"], out["prev_s"] = u, sig
            out["peak"], out["status"], out["live"], out["t"] = peak, status, going, t + 1
            return out

        end = jax.lax.while_loop(cond, body, state)
        return {
            "status": end["status"],
            "sigma_first": s_first,
            "sigma_last": end["sigma_last"],
            "steps": end["steps"],
            "peak_pair": end["peak_pair"].astype(jnp.float64),
            "count": end["count"].astype(jnp.float64),
            "samples": end["samples"],
        }

    return jax.jit(run)
