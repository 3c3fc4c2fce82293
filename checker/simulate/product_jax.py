"""Batched GD on L(x, y) = l(xy) in JAX: many (x0, y0, eta) in one compiled call per chunk.

Design choices, and why:
* One compiled call per batch (per chunk of ``max_chunk`` trajectories): the step loop is a
  ``lax.while_loop`` inside the kernel (fused_gd.py), never a Python loop over steps or trajectories, and
  it exits as soon as every trajectory is finished.
* A trajectory that overflows or turns NaN is *flagged* diverged and frozen, never allowed to poison the
  others or crash the run. Likewise a converged one (gradient norm <= ``grad_tol``) is frozen: float64 GD
  near a minimum can otherwise stall at a floating-point fixed point and waste the budget.
* Summaries only by default (memory flat in the number of steps); ``record_every=k`` also returns the
  path every k steps (memory ~ steps/k).
* Compiled kernels are cached per (loss *structure*, dtype, options): the loss's numbers (parameters,
  coefficients) are a traced argument (traced_loss.py), so a drawn loss of the same family never re-jits;
  ``steps``, ``grad_tol``, ``diverge_bound`` and all values are runtime arguments too;
  batch lengths are padded to buckets (chunking.py: powers of two, finer above 8192).
  So Hypothesis examples never re-jit: :func:`trace_count` counts traces, for tests to check that.
* Batches larger than ``max_chunk`` run in chunks of one compiled shape; on several devices each chunk is
  split across all of them (sharding.py). ``pip install .[gpu]`` makes the same code run on GPUs.

Which dtype. float64 is the default and is required wherever a check compares a float result with a
threshold it sits close to: the EoS predictions (final sharpness 2/eta - C eta, 2-cycle amplitudes) are
tested to ~1e-4 relative, which float32 (eps 6e-8, amplified by the ~|1 + sigma| per-step error growth
near the EoS) cannot resolve. float32 is fine, and twice as fast, for coarse classification sweeps
(diverged / converged / oscillating over a grid of eta) whose verdict is then re-checked in float64 and
mpmath; callers opt in with ``dtype="float32"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import jax
import numpy as np
import sympy as sp
from jax.sharding import PartitionSpec

from checker.backends.jax_backend import jax_dtype
from checker.errors import UserInputError
from checker.loss import Loss
from checker.progress import BatchProgress
from checker.simulate import chunking, executable_cache, fused_gd, sharding, traced_loss

P: Any = PartitionSpec  # untyped in jax: an Any alias keeps strict mypy quiet without an ignore
DEFAULT_BLOCK = 8  # steps fused per block: measured fastest on AVX2 CPUs (longer chains spill registers)
# With a progress callback, a batch above PROGRESS_SPLIT_ABOVE runs in about PROGRESS_PARTS chunks, so its
# progress is shown as it goes (chunking never changes a result; smaller batches finish in seconds anyway).
PROGRESS_SPLIT_ABOVE = 1 << 17
PROGRESS_PARTS = 10
_TRACES = [0]


def trace_count() -> int:
    """How many times any batch kernel has been traced (= compiled) or loaded whole from disk in this process."""
    return _TRACES[0]


def _count_trace() -> None:
    _TRACES[0] += 1


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
        return cast(np.ndarray, ~(self.diverged | self.converged))


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
    check_every: int = DEFAULT_BLOCK,
    max_chunk: int = chunking.DEFAULT_MAX_CHUNK,
    devices: int | None = None,
    progress: BatchProgress | None = None,
) -> BatchResult:
    """Run GD from every (x0[i], y0[i]) with learning rate eta[i] (broadcast together).

    ``grad_tol`` > 0 freezes a trajectory once |grad L| = |l'(xy)| sqrt(x^2 + y^2) <= grad_tol (with 0, once
    the gradient is exactly 0: which step first lands on an exact float zero depends on rounding, and the
    fused fast path may contract to FMAs differently from a plain loop, so use grad_tol > 0 where stop
    steps must be reproducible across implementations). ``check_every`` is the number of steps fused into
    one block between event checks (a speed knob: results do not depend on it beyond that rounding).
    ``devices`` (default: all visible) splits each chunk across that many devices. ``progress(done, total)``
    is called after each chunk; with it, a batch above PROGRESS_SPLIT_ABOVE runs in ~PROGRESS_PARTS chunks.
    """
    if steps < 0:
        raise UserInputError(f"steps must be >= 0, not {steps}")
    if record_every < 0:
        raise UserInputError(f"record_every must be >= 0, not {record_every}")
    if check_every < 1:
        raise UserInputError(f"check_every must be >= 1, not {check_every}")
    np_dt = np.float64 if dtype == "float64" else np.float32
    jax_dtype(dtype)  # validates the name
    try:
        arrays = np.broadcast_arrays(*(np.asarray(v, dtype=np_dt) for v in (x0, y0, eta)))
    except ValueError as exc:
        raise UserInputError(f"x0, y0 and eta must broadcast together: {exc}") from None
    x0, y0, eta = arrays
    if not np.all(np.isfinite(eta)) or np.any(eta <= 0):
        raise UserInputError("eta must be finite and > 0")
    shape = x0.shape
    flat = [np.ascontiguousarray(v.reshape(-1)) for v in (x0, y0, eta)]
    n = flat[0].size
    n_dev = min(devices or sharding.device_count(), sharding.device_count())
    n_records = steps // record_every if record_every else 0
    split = traced_loss.split(loss)
    options = (split.structure, dtype, int(check_every), grad_tol > 0, int(record_every), n_records, n_dev)
    kernel = _kernel(*options)
    kernel_key = repr((*(sp.srepr(t) for t in split.structure), *options[1:]))
    # numpy scalars, not jnp: jnp.asarray compiles a conversion program per dtype (~0.03 s in a fresh process)
    scalars = (
        np.asarray(steps, np.int64),
        np.asarray(grad_tol, np_dt),
        np.asarray(diverge_bound, np_dt),
        split.constant_array(np_dt),
    )

    if progress is not None and n > PROGRESS_SPLIT_ABOVE:
        max_chunk = min(max_chunk, -(-n // PROGRESS_PARTS))
    parts: list[dict[str, np.ndarray]] = []
    for chunk in chunking.plan(n, max_chunk, n_dev):
        args = [chunking.pad(v[chunk.start : chunk.stop], chunk.padded) for v in flat]
        out = executable_cache.run(kernel, kernel_key, (*args, *scalars), on_new=_count_trace)
        keep = chunk.stop - chunk.start
        parts.append({k: (v[:, :keep] if k == "path" else v[:keep]) for k, v in out.items()})
        if progress is not None:
            progress(chunk.stop, n)
    fields = {k: np.concatenate([p[k] for p in parts], axis=1 if k == "path" else 0) for k in parts[0]}
    path = fields.pop("path", None)
    fields = {k: v.reshape(shape) for k, v in fields.items()}
    if path is not None:
        path = path.reshape((n_records, *shape, 2))
    return BatchResult(**fields, steps=int(steps), dtype=dtype, path=path)


@lru_cache(maxsize=64)
def _kernel(
    structure: tuple[Any, ...],
    dtype: str,
    block: int,
    positive_tol: bool,
    record_every: int,
    n_records: int,
    n_dev: int,
) -> Any:
    """One jitted kernel per (loss structure, dtype, static options); jit caches one executable per padded
    shape. The loss's constants are the kernel's last argument (traced), so losses that differ only in
    their numbers share the kernel and its executables."""
    del dtype  # part of the cache key: the executable is specialised on the input dtype by jit
    f1, f2 = traced_loss.evaluators(structure)

    def kernel(x0: Any, y0: Any, eta: Any, steps: Any, grad_tol: Any, bound: Any, consts: Any) -> Any:
        def l1(z: Any) -> Any:
            return f1(z, consts)

        def l2(z: Any) -> Any:
            return f2(z, consts)

        if record_every:
            body = fused_gd.build_path_kernel(l1, l2, record_every, _count_trace)
            return body(x0, y0, eta, steps, grad_tol, bound, n_records=n_records)
        return fused_gd.build_summary_kernel(l1, l2, block, positive_tol, _count_trace)(
            x0, y0, eta, steps, grad_tol, bound
        )

    if record_every:
        out_specs: Any = {k: P(sharding.AXIS) for k in _SUMMARY_KEYS} | {"path": P(None, sharding.AXIS)}
    else:
        out_specs = P(sharding.AXIS)
    return jax.jit(sharding.shard_batch(kernel, n_dev, 3, 4, out_specs), compiler_options=compiler_options())


def compiler_options() -> dict[str, Any] | None:
    """XLA options for the batch kernels on the default backend (None: XLA's defaults).

    CPU: prefer 512-bit vectors. XLA:CPU asks LLVM for 256-bit vectors by default, even on AVX-512 cores; the
    fused block is a long dependent chain per trajectory, and twice the lanes per instruction halves the
    instructions in flight per trajectory-step. Measured 2026-11-27 on the 2-core AMD EPYC (Zen 4, AVX-512)
    machine, batch 1e5, quartic, same process: the kernel with no stopping events went from 0.75x to 0.94x
    the bare jitted loop's rate (the bare loop itself did not change: 0.98x), with bit-identical results
    (checked against the careful-only path, quartic, cubic and logistic losses).
    Where the CPU has no 512-bit vectors LLVM keeps its widest, so the option is inert there. Other
    backends keep XLA's defaults: the GPU figures of benchmarks/RESULTS.md were measured with them.
    """
    if jax.default_backend() != "cpu":
        return None
    return {"xla_cpu_prefer_vector_width": 512}


_SUMMARY_KEYS = (
    "x",
    "y",
    "z",
    "s",
    "sharpness",
    "grad_norm",
    "diverged",
    "divergence_step",
    "converged",
    "stop_step",
    "period2_amplitude",
)
