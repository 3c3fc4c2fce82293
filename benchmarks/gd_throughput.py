"""Batched GD on l(xy): trajectory-steps per second, JAX float64/float32 against numpy and plain Python.

All run the same GD iteration from the same starts in the same process, so every ratio is measured in
one run. The "numpy f64" and Python loops are *bare* (no freezing or event checks), which favours them;
"numpy full" has the kernel's semantics (events, freezing, stop steps, period-2 record); the JAX
figure is the real kernel with its full semantics (``simulate_product_batch``: divergence/convergence
events, frozen trajectories, summaries). A "bare JAX" row (a jitted ``fori_loop`` of plain steps, no checks)
shows what the semantics cost.

Flops per step (a multiply-add counts 2): z = xy (1), eta*l'(z) (1), x - e y and y - e x (4), plus l'(z):
3 for the quartic (z(z^2 - 1)), so 9; for the logistic-type loss l'(z) = e^z/(e^z + 1) - 4/5 it is 3
arithmetic + 1 exp (counted as 1 flop, although it costs ~20), so 9 nominal.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import sympy as sp

from benchmarks.common import Timing, measure
from checker.backends import jax_backend  # noqa: F401  (float64 on)
from checker.loss import Loss
from checker.parse import Z

LOSSES = {
    "quartic (z^2-1)^2/4 (polynomial)": ("(z**2-1)**2/4", 9),
    "log(1+e^z) - 0.8 z (transcendental)": ("log(1+exp(z)) - 0.8*z", 9),
}
SIZES = (10**2, 10**3, 10**4, 10**5, 10**6)
# Each (loss, batch bucket, dtype) compiles once (~5-15 s here); the transcendental loss is measured at the
# sizes that matter for the comparison only, to keep the whole bench within ~10 minutes on 2 cores.
SIZES_BY_LOSS = {"log(1+e^z) - 0.8 z (transcendental)": (10**3, 10**5)}


@dataclass
class Row:
    loss: str
    n: int
    impl: str
    steps: int
    rate: float  # trajectory-steps per second
    compile_s: float
    flops_per_step: int
    note: str = ""

    @property
    def gflops(self) -> float:
        return self.rate * self.flops_per_step / 1e9


def starts(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(n)
    return rng.uniform(0.5, 1.5, n), rng.uniform(0.5, 1.5, n), rng.uniform(0.05, 0.3, n)


def _numpy_l1(loss: Loss) -> Any:
    # Our own fixed benchmark expressions (never user input), so lambdify is fine here.
    return sp.lambdify(Z, loss.derivative(1), "numpy")


def _math_l1(loss: Loss) -> Any:
    return sp.lambdify(Z, loss.derivative(1), "math")


def numpy_loop(l1: Any, x: np.ndarray, y: np.ndarray, eta: np.ndarray, steps: int) -> None:
    for _ in range(steps):
        e = eta * l1(x * y)
        x, y = x - e * y, y - e * x


def numpy_full_loop(
    l1: Any, x: np.ndarray, y: np.ndarray, eta: np.ndarray, steps: int, grad_tol: float = 0.0, bound: float = 1e6
) -> None:
    """numpy with the kernel's semantics: convergence / divergence events, frozen trajectories, stop steps,
    the z before the last move (the period-2 amplitude). The fair numpy counterpart of the full kernel."""
    prev = x * y
    act = np.ones(x.shape, bool)
    conv, div = np.zeros_like(act), np.zeros_like(act)
    stop = np.full(x.shape, steps)
    for t in range(steps):
        z = x * y
        g = l1(z)
        now_conv = act & (np.abs(g) * np.sqrt(x * x + y * y) <= grad_tol)
        e = eta * g
        xn, yn = x - e * y, y - e * x
        bad = ~(np.isfinite(xn) & np.isfinite(yn)) | (np.abs(xn * yn) > bound)
        moving = act & ~now_conv & ~bad
        x, y, prev = np.where(moving, xn, x), np.where(moving, yn, y), np.where(moving, z, prev)
        stop = np.where(act & ~moving, t, stop)
        act, conv, div = moving, conv | now_conv, div | (act & ~now_conv & bad)


def python_loop(l1: Any, xs: list[float], ys: list[float], etas: list[float], steps: int) -> None:
    for i in range(len(xs)):
        x, y, eta = xs[i], ys[i], etas[i]
        for _ in range(steps):
            try:
                e = eta * l1(x * y)
            except OverflowError:  # numpy and JAX turn this into inf/NaN and go on: do the same
                x = y = e = math.nan
            x, y = x - e * y, y - e * x


def bare_jax(loss: Loss) -> Any:
    import jax

    l1 = loss.jax(1)

    @jax.jit
    def run(x: Any, y: Any, eta: Any, steps: Any) -> Any:
        def body(_: Any, c: Any) -> Any:
            e = eta * l1(c[0] * c[1])
            return c[0] - e * c[1], c[1] - e * c[0]

        return jax.lax.fori_loop(0, steps, body, (x, y))

    return run


def _blocking(fn: Any, *args: Any) -> Any:
    import jax

    return jax.block_until_ready(fn(*args))


def _clamp(v: float, lo: int, hi: int) -> int:
    return int(min(max(v, lo), hi))


def run(sizes: tuple[int, ...] = SIZES, budget: float = 1.0) -> list[Row]:
    """``budget`` scales the work per measurement (1.0: the full bench, ~3 minutes on 2 cores)."""
    from checker.simulate.product_jax import simulate_product_batch

    rows: list[Row] = []
    for label, (text, flops) in LOSSES.items():
        loss = Loss.from_string(text)
        np_l1, math_l1, bare = _numpy_l1(loss), _math_l1(loss), bare_jax(loss)
        for n in [m for m in sizes if m in SIZES_BY_LOSS.get(label, sizes)] or sizes:
            x0, y0, eta = starts(n)
            jsteps = _clamp(budget * 3e7 / n, 64, 100_000)
            for dtype in ("float64", "float32"):
                cast = [v.astype(dtype) for v in (x0, y0, eta)]
                run_once = partial(simulate_product_batch, loss, *cast, steps=jsteps, dtype=dtype)
                # The kernel exits early once every trajectory has stopped: count only the steps it ran.
                first = time.perf_counter()
                ran = min(jsteps, int(run_once().stop_step.max()) + 1)
                first = time.perf_counter() - first  # includes the compilation
                t = measure(run_once, repeats=3, warmup=False)
                rows.append(_row(label, n, f"JAX {dtype}", ran, Timing(t.median_s, t.runs, first), flops))
            # The same kernel on a batch where no trajectory stops within the budget (eta 1e4 times smaller:
            # the same arithmetic per step, no convergence or divergence events to resolve).
            quiet = partial(simulate_product_batch, loss, x0, y0, eta * 1e-4, steps=jsteps)
            t = measure(quiet, repeats=3)
            stopped = int(np.sum(quiet().stop_step < jsteps))
            rows.append(_row(label, n, "JAX float64, no events", jsteps, t, flops, note=f"{stopped} stopped"))
            import jax

            jx = [jax.numpy.asarray(v) for v in (x0, y0, eta)]
            t = measure(partial(_blocking, bare, *jx, jsteps), repeats=3)
            rows.append(_row(label, n, "bare JAX float64 (no checks)", jsteps, t, flops))
            nsteps = _clamp(budget * 4e6 / n, 4, 5_000)
            with np.errstate(all="ignore"):
                t = measure(partial(numpy_loop, np_l1, x0, y0, eta, nsteps), repeats=3)
            rows.append(_row(label, n, "numpy float64 (vectorised loop)", nsteps, t, flops))
            with np.errstate(all="ignore"):
                t = measure(partial(numpy_full_loop, np_l1, x0, y0, eta, nsteps), repeats=3)
            rows.append(_row(label, n, "numpy float64, full semantics", nsteps, t, flops))
            if n <= 10**3:
                psteps = _clamp(budget * 2e5 / n, 2, 2_000)
                lists = [v.tolist() for v in (x0, y0, eta)]
                t = measure(partial(python_loop, math_l1, *lists, psteps), repeats=3)
                rows.append(_row(label, n, "plain Python loop", psteps, t, flops))
    return rows


def _row(label: str, n: int, impl: str, steps: int, t: Timing, flops: int, note: str = "") -> Row:
    return Row(label, n, impl, steps, n * steps / t.median_s, t.compile_s, flops, note)


def rate(rows: list[Row], loss: str, n: int, impl: str) -> float | None:
    for r in rows:
        if r.loss == loss and r.n == n and r.impl == impl:
            return r.rate
    return None


def python_rate(rows: list[Row], loss: str) -> float | None:
    """The plain-Python rate does not depend on the batch size (one trajectory at a time): use the largest."""
    found = [r for r in rows if r.loss == loss and r.impl == "plain Python loop"]
    return max(found, key=lambda r: r.n).rate if found else None


def flops_note() -> str:
    return (
        "Flops per trajectory-step: 9 for both losses (z = xy: 1; eta l'(z): 1; the two updates: 4; l'(z): 3, "
        "with exp counted as 1 flop for the transcendental loss)."
    )


def main(argv: list[str] | None = None) -> int:
    """The GPU entry point: ``benchmarks.gpu_throughput``'s measurement with a fixed step count per call.

    ``python -m benchmarks.gd_throughput --batch 1e6 1e7 --dtype float32 --steps 5000 --out gpu.json`` writes
    the JSON document ``gpu_throughput`` writes (``python -m benchmarks.run_all`` renders every such file
    under benchmarks/gpu/ in the GPU section of RESULTS.md). Needs JAX only: python-flint is not imported.
    """
    import argparse
    import json
    from pathlib import Path

    from benchmarks import gpu_throughput

    parser = argparse.ArgumentParser(
        description="Batched GD on l(xy) on the JAX default device (CPU or GPU, sharded over all visible "
        "devices): trajectory-steps/s of the full kernel (no stopping events) and of a bare jitted loop."
    )
    parser.add_argument("--batch", nargs="+", type=float, default=[1e6, 1e7], help="trajectories per call")
    parser.add_argument("--dtype", nargs="+", choices=["float32", "float64"], default=["float32", "float64"])
    parser.add_argument("--steps", type=int, default=5000, help="GD steps per call (default: %(default)s)")
    parser.add_argument("--loss", nargs="+", choices=sorted(gpu_throughput.LOSSES), default=["quartic"])
    parser.add_argument("--repeats", type=int, default=3, help="timed calls per figure; the median is kept")
    parser.add_argument("--out", type=Path, help="write the figures as JSON to this path")
    args = parser.parse_args(argv)
    sizes = [int(b) for b in args.batch]
    if min(sizes) < 1 or args.steps < 1 or args.repeats < 1:
        parser.error("--batch, --steps and --repeats must be >= 1")

    rows: list[dict[str, Any]] = []
    for name in args.loss:
        for n in sizes:
            for dtype in args.dtype:
                for r in gpu_throughput.measure(name, n, dtype, args.steps, args.repeats):
                    rows.append(r)
                    print(json.dumps(r), flush=True)
    doc = gpu_throughput.document(rows)
    print(gpu_throughput.markdown(doc))
    if args.out is not None:
        args.out.write_text(json.dumps(doc, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
