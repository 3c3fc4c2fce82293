"""The batched GD kernel on l(xy) behind ``product_jax``: a fused fast path plus an exact slow path.

Why two paths. Elementwise GD does ~9 flops per trajectory-step against 16+ bytes of state, and the
careful step (flags, stop step, freezing selects) carries ~7 arrays through every step. The fast path
therefore runs ``block`` plain steps as one elementwise chain on (x, y) that XLA fuses: nothing in the
chain freezes or records anything; a step that leaves the safe region (|xy| > bound, a non-finite value,
xy = 0, or a gradient small enough to count as converged) poisons the trajectory with NaN instead, which
flows to the end of the block for free.

Measured on the 2-core AMD EPYC CI machine (jax 0.10, busy machine, batch 1e4, no events): this chain on
separate x and y arrays runs ~2.5x faster than an earlier variant that packed the state into one complex
number w = x + iy to get single-output fusions (complex128 arithmetic vectorises poorly on XLA's CPU
backend), and ~5x faster than careful steps alone. benchmarks/RESULTS.md has the current figures.

The slow path gives the exact semantics. At the end of each block every trajectory that was poisoned (or
whose gradient is exactly 0: a fixed point) is re-run from the block's start with the careful step
(:func:`careful_step`, the reference semantics: freeze on convergence/divergence, record the step). The
triggers are a superset of the careful stopping conditions, so a trajectory the fast path accepts cannot
have stopped in that block. Only the (few) triggered trajectories are re-run: they are compacted by rows of
``_ROW`` trajectories (the triggered rows' order, from one cumulative sum per block; a gather, careful steps
on the gathered rows with the untriggered lanes held frozen, a scatter back), so the cost is ~``block``
careful steps per stopped trajectory, not per trajectory. Why rows: on XLA:CPU the gathers and scatters
cost per index; rows of 8 measured faster than rows of 1, 2 or 4 (2026-11-27, batch 1e5). The rows go in
passes of a few sizes, largest first (n/256, n/2048 and 64 trajectories at batch n): a pass re-runs its
whole capacity, padding included, and most blocks trigger a few rows while a few trigger thousands. One
order per block instead of a ``jnp.nonzero`` per pass, and the smaller passes, took the CPU time of one
benchmark call from ~69 to ~64 ms (batch 1e5, quartic, 180 steps, half the trajectories stopping).

The last 1..``block`` steps run as single fast steps that also record ``prev_z`` (the z before the last
move, behind ``period2_amplitude``), with the same trigger and careful re-run. Before, they were careful
steps over the whole batch: a careful step writes 7 arrays, and XLA:CPU emits one loop per output, each
recomputing the step, so one careful step over the batch cost about as much as a fused block of 8 fast steps
(measured 2026-11-27 at batch 1e5); at 180 steps the 4-step careful tail was ~15% of a run with no events.

Everything happens inside one ``lax.while_loop`` in one compiled call; the host never loops over steps or
trajectories.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
from jax import lax

from checker.models import product

Fn = Callable[[Any], Any]
State = dict[str, Any]

# Slack on the squared-gradient trigger: the fast path compares g^2 (x^2 + y^2) with (tol*(1+slack))^2, a
# different rounding of |g| sqrt(x^2 + y^2) <= tol; the slack keeps the trigger a superset of the exact test.
_TOL_SLACK = 1e-3
_BOUND_SLACK = 1e-9
_ROW = 8  # trajectories per row in the compaction of triggered trajectories (see resolve)


def _grad_norm(g1: Any, x: Any, y: Any) -> Any:
    """|l'(xy)| sqrt(x^2 + y^2), computed as sqrt(l'^2 (x^2 + y^2)) so that its last operation is a square root.

    Why: XLA duplicates cheap elementwise chains (multiply, add, compare) into every fusion that consumes
    them, and each copy may contract a multiply-add of l' (e.g. e^z/(1 + e^z) - p) into an FMA differently.
    Near convergence l' is a cancellation (relative rounding ~1e-5 of l'), so the copies behind
    ``converged``, ``active`` and ``stop`` disagreed on a gradient norm within 2e-7 of ``grad_tol``: a
    trajectory froze with neither flag set (bce0.8, eta = 0.1/2^1.5, sigma0 = 0.097, rows of 8). Expensive
    operations (sqrt) are materialised once and read by all consumers, so every flag compares the same value.
    """
    return jnp.sqrt(g1 * g1 * (x * x + y * y))


def careful_step(l1: Fn, st: State, eta: Any, t: Any, grad_tol: Any, bound: Any) -> State:
    """One GD step with the reference semantics, on any batch of trajectories.

    At state t: converged (frozen, stop = t) when |l'(xy)| sqrt(x^2 + y^2) <= grad_tol; otherwise step, and
    if the new point is not finite or |x'y'| > bound, flag diverged (frozen at the last good point,
    stop = t, divergence step t + 1). ``prev_z`` is z before the last move (for the period-2 amplitude).
    """
    x, y, act = st["x"], st["y"], st["active"]
    z = x * y
    g1 = l1(z)
    now_converged = act & (_grad_norm(g1, x, y) <= grad_tol)
    xn, yn = product.gd_step(x, y, g1, eta)
    bad = ~(jnp.isfinite(xn) & jnp.isfinite(yn)) | (jnp.abs(xn * yn) > bound)
    now_diverged = act & ~now_converged & bad
    moving = act & ~now_converged & ~bad
    return {
        "x": jnp.where(moving, xn, x),
        "y": jnp.where(moving, yn, y),
        "prev_z": jnp.where(moving, z, st["prev_z"]),
        "active": moving,
        "converged": st["converged"] | now_converged,
        "diverged": st["diverged"] | now_diverged,
        "stop": jnp.where(act & ~moving, t, st["stop"]),
    }


def initial_state(x0: Any, y0: Any, steps: Any) -> State:
    n = x0.shape[0]
    return {
        "x": x0,
        "y": y0,
        "prev_z": x0 * y0,
        "active": jnp.ones(n, bool),
        "converged": jnp.zeros(n, bool),
        "diverged": jnp.zeros(n, bool),
        "stop": jnp.full(n, steps, jnp.int64),
    }


def summarise(l1: Fn, l2: Fn, st: State) -> dict[str, Any]:
    """The per-trajectory summaries of BatchResult, computed once at the end (never per step)."""
    x, y = st["x"], st["y"]
    z, s = x * y, x * x + y * y
    g1, g2 = l1(z), l2(z)
    return {
        "x": x,
        "y": y,
        "z": z,
        "s": s,
        "sharpness": product.sharpness(z, s, g1, g2, jnp.sqrt),
        "grad_norm": jnp.abs(g1) * jnp.sqrt(s),
        "diverged": st["diverged"],
        "divergence_step": jnp.where(st["diverged"], st["stop"] + 1, -1),
        "converged": st["converged"],
        "stop_step": st["stop"],
        "period2_amplitude": jnp.abs(z - st["prev_z"]) / 2,
    }


def fast_block(l1: Fn, x: Any, y: Any, eta: Any, bound: Any, tol2: Any, block: int, positive_tol: bool) -> Any:
    """``block`` GD steps as one fusible elementwise chain; NaN marks 'needs the careful path'.

    Arithmetic is the same as :func:`careful_step` (x - (eta g) y), so both paths compute the same iterates
    up to the compiler's FMA contraction.
    """
    for _ in range(block):
        z = x * y
        g = l1(z)
        safe = (jnp.abs(z) <= bound) & (z != 0)  # z = 0 may be a converged point (x = y = 0): let careful decide
        if positive_tol:
            safe = safe & (g * g * (x * x + y * y) > tol2)
        e = eta * jnp.where(safe, g, jnp.nan)
        x, y = x - e * y, y - e * x
    return x, y


def next_step_moves(l1: Fn, x: Any, y: Any, eta: Any, grad_tol: Any, bound: Any) -> Any:
    """True where the careful step from (x, y) would certainly move (neither converge nor diverge).

    Checked at every block end, with the careful step's own arithmetic (a hair stricter on the bound, to
    absorb FMA contraction differences between fusions). Why: a trajectory that stops at the FIRST step of
    block b must have had block b - 1 re-run carefully, because only careful steps record ``prev_z`` (the z
    before the last move, behind ``period2_amplitude``); checking at block start alone left it stale.
    """
    z = x * y
    g1 = l1(z)
    moves_enough = jnp.abs(g1) * jnp.sqrt(x * x + y * y) > grad_tol * (1 + _TOL_SLACK)
    xn, yn = product.gd_step(x, y, g1, eta)
    inside = bound * (1 - _BOUND_SLACK)
    # |z| itself too: the block's last step lands here unchecked, and the careful step that would have
    # flagged it (at the block's last step) checks the NEW point, which the next block's re-run never revisits.
    return moves_enough & (jnp.abs(z) <= inside) & jnp.isfinite(xn) & jnp.isfinite(yn) & (jnp.abs(xn * yn) <= inside)


def build_summary_kernel(l1: Fn, l2: Fn, block: int, positive_tol: bool, on_trace: Callable[[], None]) -> Any:
    """The (unjitted) kernel: flat arrays in, summaries out. ``on_trace`` runs once per trace (a compile
    counter for tests: Hypothesis examples must not re-trace)."""

    def kernel(x0: Any, y0: Any, eta: Any, steps: Any, grad_tol: Any, bound: Any) -> dict[str, Any]:
        on_trace()
        n = x0.shape[0]
        lanes = _ROW if n % _ROW == 0 else 1  # lanes per row: triggered trajectories are re-run by whole rows
        n_rows = n // lanes
        # Rows re-run per pass, largest first (see resolve); the order of triggered rows is padded so that the
        # last pass of any size stays inside it.
        capacities = sorted({max(1, min(n_rows, c)) for c in (n_rows // 32, n_rows // 256, 8)}, reverse=True)
        n_slots = n_rows + capacities[0]
        tol2 = (grad_tol * (1 + _TOL_SLACK)) ** 2
        # Whole blocks up to the last block boundary before the final step; the last 1..block steps then run one
        # at a time (see ``advance``), so no careful step ever runs over the whole batch.
        n_fast = jnp.maximum(steps - 1, 0) // block

        def resolve(st: State, trig: Any, t0: Any, k: int) -> State:
            # Triggered trajectories still hold their (x, y) from the start of the block: re-run them carefully
            # for the block's ``k`` steps. They are compacted by rows of ``lanes`` (a row gather is one copy per
            # index, and the ordering below is over rows, not trajectories); untriggered lanes of a gathered row
            # ride along frozen.
            rows = {key: v.reshape(n_rows, lanes) for key, v in st.items()}
            trig_rows = trig.reshape(n_rows, lanes)
            eta_rows = eta.reshape(n_rows, lanes)
            # The triggered rows in increasing order, computed once per resolve (one cumulative sum and one
            # scatter), then re-run in passes of ``capacities[0]`` rows while that many remain, then of the
            # smaller capacities: a pass costs its capacity in careful steps whether its rows are triggered or
            # padding, and most resolves have a few rows, a few have thousands.
            hit = trig_rows.any(axis=1)
            slot = jnp.where(hit, jnp.cumsum(hit) - 1, n_slots)
            rank = jnp.arange(n_rows, dtype=slot.dtype)
            order = jnp.full(n_slots, n_rows, slot.dtype).at[slot].set(rank, mode="drop")

            def one_pass(start: Any, size: int, rows: State) -> State:
                idx = lax.dynamic_slice(order, (start,), (size,))
                sub = {key: v.at[idx].get(mode="fill", fill_value=0) for key, v in rows.items()}
                mask = trig_rows.at[idx].get(mode="fill", fill_value=False)
                sub_eta = eta_rows.at[idx].get(mode="fill", fill_value=1)
                active = sub["active"]
                sub["active"] = active & mask
                sub = lax.fori_loop(0, k, lambda i, s: careful_step(l1, s, sub_eta, t0 + i, grad_tol, bound), sub)
                sub["active"] = jnp.where(mask, sub["active"], active)
                return {key: v.at[idx].set(sub[key], mode="drop") for key, v in rows.items()}

            left, start = jnp.sum(hit), jnp.zeros((), slot.dtype)
            for level, size in enumerate(capacities):
                last = level == len(capacities) - 1
                passes = (left + size - 1) // size if last else left // size
                rows = lax.fori_loop(0, passes, lambda p, r, s0=start, c=size: one_pass(s0 + p * c, c, r), rows)
                start, left = start + passes * size, left - passes * size
            return {key: v.reshape(n) for key, v in rows.items()}

        def advance(carry: tuple[State, Any, Any], k: int, record_prev: bool) -> tuple[State, Any, Any]:
            # ``k`` fast steps for every active trajectory, then the careful re-run of those that may have stopped.
            # ``live``: some trajectory is still active. Only ``resolve`` freezes trajectories, so it is
            # recomputed there, not reduced over the whole batch every block. ``record_prev`` (single steps
            # only): the accepted trajectories record the z before their move, as the careful step does; with
            # k = 1 that z is the block start's x y, so it costs one multiply and no further fused chain.
            st, t, live = carry
            x, y = fast_block(l1, st["x"], st["y"], eta, bound, tol2, k, positive_tol)
            trig = st["active"] & ~next_step_moves(l1, x, y, eta, grad_tol, bound)
            keep = st["active"] & ~trig
            new = {"x": jnp.where(keep, x, st["x"]), "y": jnp.where(keep, y, st["y"])}
            if record_prev:
                new["prev_z"] = jnp.where(keep, st["x"] * st["y"], st["prev_z"])
            st = {**st, **new}

            def resolved(s: State) -> tuple[State, Any]:
                s = resolve(s, trig, t, k)
                return s, jnp.any(s["active"])

            st, live = lax.cond(jnp.any(trig), resolved, lambda s: (s, live), st)
            return st, t + k, live

        carry = (initial_state(x0, y0, steps), jnp.asarray(0, jnp.int64), jnp.asarray(True))
        carry = lax.while_loop(lambda c: (c[1] < n_fast * block) & c[2], lambda c: advance(c, block, False), carry)
        st, _, _ = lax.while_loop(lambda c: (c[1] < steps) & c[2], lambda c: advance(c, 1, True), carry)
        return summarise(l1, l2, st)

    return kernel


def build_path_kernel(l1: Fn, l2: Fn, record_every: int, on_trace: Callable[[], None]) -> Any:
    """Careful steps only, recording (x, y) every ``record_every`` steps with ``lax.scan``: memory grows
    with steps/record_every, which is the point of asking for a path. ``n_records`` is static."""

    def kernel(x0: Any, y0: Any, eta: Any, steps: Any, grad_tol: Any, bound: Any, n_records: int) -> Any:
        on_trace()

        def record(carry: tuple[State, Any], _: Any) -> tuple[tuple[State, Any], Any]:
            def body(k: Any, c: tuple[State, Any]) -> tuple[State, Any]:
                return careful_step(l1, c[0], eta, c[1], grad_tol, bound), c[1] + 1

            st, t = lax.fori_loop(0, record_every, body, carry)
            return (st, t), jnp.stack([st["x"], st["y"]], axis=-1)

        (st, t), path = lax.scan(record, (initial_state(x0, y0, steps), jnp.asarray(0, jnp.int64)), None, n_records)

        def slow(carry: tuple[State, Any]) -> tuple[State, Any]:
            return careful_step(l1, carry[0], eta, carry[1], grad_tol, bound), carry[1] + 1

        st, _ = lax.while_loop(lambda c: (c[1] < steps) & jnp.any(c[0]["active"]), slow, (st, t))
        return {**summarise(l1, l2, st), "path": path}

    return kernel


def jit_kernel(kernel: Any, *, static: tuple[str, ...] = ()) -> Any:
    return jax.jit(kernel, static_argnames=static)
