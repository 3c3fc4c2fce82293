"""Batched GD on L(x, y) = l(xy) in JAX: many (x0, y0, eta) in one compiled call.

Design choices, and why:
* One ``lax.while_loop`` over blocks of ``check_every`` steps (an unrolled ``fori_loop`` inside): no Python
  loop over steps or trajectories, and the loop exits as soon as every trajectory is finished.
* A trajectory that overflows or turns NaN is *flagged* diverged and frozen, never allowed to poison the
  others or crash the run. Likewise a converged one (gradient norm <= ``grad_tol``) is frozen: float64 GD
  near a minimum can otherwise stall at a floating-point fixed point and waste the budget.
* Summaries only by default (memory flat in the number of steps); ``record_every=k`` also returns the
  path every k steps (memory ~ steps/k).
* Compiled kernels are cached per (loss, dtype, options), so Hypothesis examples never re-jit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from checker.backends.jax_backend import jax_dtype
from checker.errors import UserInputError
from checker.loss import Loss
from checker.models import product


@dataclass(frozen=True)
class BatchResult:
    """Per-trajectory summaries (numpy arrays of the batch shape)."""

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    s: np.ndarray
    sharpness: np.ndarray  # top eigenvalue of the exact 2x2 Hessian at the final iterate
    grad_norm: np.ndarray
    diverged: np.ndarray  # bool: overflow, NaN or |xy| beyond ``diverge_bound``
    divergence_step: np.ndarray  # int: first step that diverged, -1 if none
    converged: np.ndarray  # bool: gradient norm reached ``grad_tol``
    stop_step: np.ndarray  # int: step at which the trajectory was frozen (steps if never)
    period2_amplitude: np.ndarray  # |z_T - z_{T-1}|/2 at the end: the size of a surviving 2-cycle
    steps: int
    dtype: str
    path: np.ndarray | None = None  # (n_records, batch, 2) of (x, y) when ``record_every`` > 0

    @property
    def oscillating(self) -> np.ndarray:
        """Neither converged nor diverged within the budget."""
        return ~(self.diverged | self.converged)


def simulate_product_batch(
    loss: Loss,
    x0: Any,
    y0: Any,
    eta: Any,
    *,
    steps: int,
    dtype: str = "float64",
    grad_tol: float = 0.0,
    diverge_bound: float = 1e6,
    record_every: int = 0,
    check_every: int = 64,
) -> BatchResult:
    """Run GD from every (x0[i], y0[i]) with learning rate eta[i] (broadcast together).

    ``grad_tol`` > 0 freezes a trajectory once |grad L| = |l'(xy)| sqrt(x^2 + y^2) <= grad_tol.
    """
    if steps < 0:
        raise UserInputError(f"steps must be >= 0, not {steps}")
    dt = jax_dtype(dtype)
    x0, y0, eta = (jnp.asarray(v, dtype=dt) for v in (x0, y0, eta))
    x0, y0, eta = jnp.broadcast_arrays(x0, y0, eta)
    eta_np = np.asarray(eta)
    if not np.all(np.isfinite(eta_np)) or np.any(eta_np <= 0):
        raise UserInputError("eta must be finite and > 0")
    shape = x0.shape
    flat = [v.reshape(-1) for v in (x0, y0, eta)]
    kernel = _kernel(loss, dtype, int(check_every), int(record_every))
    n_records = steps // record_every if record_every else 0
    out = kernel(*flat, jnp.asarray(steps), jnp.asarray(grad_tol, dt), jnp.asarray(diverge_bound, dt), n_records)
    out = jax.device_get(out)
    fields = {k: np.asarray(v).reshape(shape) for k, v in out.items() if k != "path"}
    path = None
    if record_every:
        path = np.asarray(out["path"]).reshape((n_records, *shape, 2))
    return BatchResult(**fields, steps=int(steps), dtype=dtype, path=path)


@lru_cache(maxsize=64)
def _kernel(loss: Loss, dtype: str, check_every: int, record_every: int) -> Any:
    l1 = loss.jax(1)
    l2 = loss.jax(2)

    def one_step(state: dict[str, Any], eta: Any, grad_tol: Any, bound: Any) -> dict[str, Any]:
        x, y, t = state["x"], state["y"], state["t"]
        active = state["active"]
        z = x * y
        g1 = l1(z)
        gnorm = jnp.abs(g1) * jnp.sqrt(x * x + y * y)
        now_converged = active & (gnorm <= grad_tol)
        xn, yn = product.gd_step(x, y, g1, eta)
        zn = xn * yn
        bad = ~(jnp.isfinite(xn) & jnp.isfinite(yn)) | (jnp.abs(zn) > bound)
        now_diverged = active & ~now_converged & bad
        moving = active & ~now_converged & ~bad
        return {
            "x": jnp.where(moving, xn, x),
            "y": jnp.where(moving, yn, y),
            "prev_z": jnp.where(moving, z, state["prev_z"]),
            "active": moving,
            "converged": state["converged"] | now_converged,
            "diverged": state["diverged"] | now_diverged,
            "divergence_step": jnp.where(now_diverged, t + 1, state["divergence_step"]),
            "stop_step": jnp.where(active & ~moving, t, state["stop_step"]),
            "t": t + 1,
        }

    def init(x0: Any, y0: Any, steps: Any) -> dict[str, Any]:
        n = x0.shape[0]
        return {
            "x": x0,
            "y": y0,
            "prev_z": x0 * y0,
            "active": jnp.ones(n, bool),
            "converged": jnp.zeros(n, bool),
            "diverged": jnp.zeros(n, bool),
            "divergence_step": jnp.full(n, -1, jnp.int64),
            "stop_step": jnp.full(n, steps, jnp.int64),
            "t": jnp.asarray(0, jnp.int64),
        }

    def summarise(state: dict[str, Any]) -> dict[str, Any]:
        x, y = state["x"], state["y"]
        z, s = x * y, x * x + y * y
        g1, g2 = l1(z), l2(z)
        return {
            "x": x,
            "y": y,
            "z": z,
            "s": s,
            "sharpness": product.sharpness(z, s, g1, g2, jnp.sqrt),
            "grad_norm": jnp.abs(g1) * jnp.sqrt(s),
            "diverged": state["diverged"],
            "divergence_step": state["divergence_step"],
            "converged": state["converged"],
            "stop_step": state["stop_step"],
            "period2_amplitude": jnp.abs(z - state["prev_z"]) / 2,
        }

    @jax.jit
    def run_summaries(x0, y0, eta, steps, grad_tol, bound):
        def block(state):
            limit = jnp.minimum(check_every, steps - state["t"])

            def body(_, st):
                return jax.lax.cond(_ < limit, lambda s_: one_step(s_, eta, grad_tol, bound), lambda s_: s_, st)

            return jax.lax.fori_loop(0, check_every, body, state)

        def cond(state):
            return (state["t"] < steps) & jnp.any(state["active"])

        final = jax.lax.while_loop(cond, block, init(x0, y0, steps))
        return summarise(final)

    from functools import partial

    @partial(jax.jit, static_argnames=("n_records",))
    def run_path(x0, y0, eta, steps, grad_tol, bound, n_records):
        def record(state, _):
            state = jax.lax.fori_loop(0, record_every, lambda _, st: one_step(st, eta, grad_tol, bound), state)
            return state, jnp.stack([state["x"], state["y"]], axis=-1)

        final, path = jax.lax.scan(record, init(x0, y0, steps), None, length=n_records)
        out = summarise(final)
        out["path"] = path
        return out

    if record_every:
        return run_path
    return lambda x0, y0, eta, steps, grad_tol, bound, n_records: run_summaries(x0, y0, eta, steps, grad_tol, bound)
