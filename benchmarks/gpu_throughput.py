"""GD on l(xy) at GPU scale: trajectory-steps per second of the real kernel against a bare jitted loop.

Run where JAX sees an accelerator (``pip install .[gpu]``); it also runs on CPU at small sizes, which is how
the tests keep it working. Each (loss, batch, dtype) row measures, in the same process:

* ``full kernel, no events``: ``simulate_product_batch`` with its whole semantics (divergence/convergence
  checks every block, freezing, summaries) on starts whose learning rate is 1e4 times smaller, so no
  trajectory stops and every one of the ``steps`` is really taken: the clean rate of the kernel, host
  transfers of the starts and summaries included;
* ``bare jitted loop``: a ``lax.fori_loop`` of plain GD steps on device-resident arrays, no checks: the
  ceiling the kernel's semantics are measured against.

The ratio full/bare is what the semantics cost on that device. The figure the project targets is
>= 1e11 trajectory-steps/s for the polynomial loss in float32 on one H100.

    python -m benchmarks.gpu_throughput --sizes 1e6,1e7,1e8 --out gpu.json
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

LOSSES = {"quartic": "(z**2-1)**2/4", "logistic": "log(1+exp(z)) - 0.8*z"}


def _timed(fn: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """(first call incl. compilation, median of ``repeats`` later calls), in seconds."""
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return first, statistics.median(runs)


def measure(name: str, n: int, dtype: str, steps: int, repeats: int) -> list[dict[str, Any]]:
    import jax
    import jax.numpy as jnp

    from benchmarks.gd_throughput import bare_jax
    from checker.loss import Loss
    from checker.simulate.product_jax import simulate_product_batch

    loss = Loss.from_string(LOSSES[name])
    rng = np.random.default_rng(n)
    np_dt = np.float32 if dtype == "float32" else np.float64
    x0 = rng.uniform(0.5, 1.5, n).astype(np_dt)
    y0 = rng.uniform(0.5, 1.5, n).astype(np_dt)
    eta = (rng.uniform(0.05, 0.3, n) * 1e-4).astype(np_dt)
    rows: list[dict[str, Any]] = []

    def full() -> Any:
        return simulate_product_batch(loss, x0, y0, eta, steps=steps, dtype=dtype, max_chunk=max(n, 1 << 20))

    first, med = _timed(full, repeats)
    stopped = int(np.sum(full().stop_step < steps))
    rows.append(_row(name, n, dtype, "full kernel, no events", steps, first, med, f"{stopped} stopped early"))
    bare = bare_jax(loss)
    jx = [jnp.asarray(v) for v in (x0, y0, eta)]
    first, med = _timed(lambda: jax.block_until_ready(bare(*jx, steps)), repeats)
    rows.append(_row(name, n, dtype, "bare jitted loop", steps, first, med, "device-resident arrays"))
    return rows


def _row(loss: str, n: int, dtype: str, impl: str, steps: int, first: float, med: float, note: str) -> dict[str, Any]:
    return {
        "loss": loss,
        "batch": n,
        "dtype": dtype,
        "impl": impl,
        "steps": steps,
        "compile_and_first_s": first,
        "median_s": med,
        "traj_steps_per_s": n * steps / med,
        "note": note,
    }


def markdown(doc: dict[str, Any]) -> str:
    lines = [
        f"Device: {doc['device']} (JAX {doc['jax']}, backend {doc['backend']}, {doc['n_devices']} device(s)); "
        f"date {doc['date']}.",
        "",
        "| loss | batch | dtype | implementation | steps | trajectory-steps/s | full/bare | first call (s) |",
        "|---|---:|---|---|---:|---:|---:|---:|",
    ]
    bare = {
        (r["loss"], r["batch"], r["dtype"]): r["traj_steps_per_s"] for r in doc["rows"] if r["impl"].startswith("bare")
    }
    for r in doc["rows"]:
        ratio = r["traj_steps_per_s"] / bare[(r["loss"], r["batch"], r["dtype"])]
        lines.append(
            f"| {r['loss']} | {r['batch']:.0e} | {r['dtype']} | {r['impl']} | {r['steps']} | "
            f"{r['traj_steps_per_s']:.3g} | {ratio:.2f} | {r['compile_and_first_s']:.2f} |"
        )
    return "\n".join(lines) + "\n"


def document(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The rows with the device, JAX version, host and date they were measured on (the recorded JSON)."""
    import jax

    dev = jax.devices()[0]
    return {
        "device": getattr(dev, "device_kind", str(dev)),
        "backend": jax.default_backend(),
        "n_devices": jax.device_count(),
        "jax": jax.__version__,
        "host": platform.node(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e6,1e7", help="batch sizes, comma-separated (e.g. 1e6,1e7,1e8)")
    parser.add_argument("--dtypes", default="float32,float64")
    parser.add_argument("--losses", default="quartic,logistic")
    parser.add_argument("--work", type=float, default=2e10, help="trajectory-steps per measurement (sets steps)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="write the rows as JSON here")
    args = parser.parse_args(argv)

    from checker.backends import jax_backend  # noqa: F401  (enables float64)

    rows: list[dict[str, Any]] = []
    for name in args.losses.split(","):
        for n in (int(float(s)) for s in args.sizes.split(",")):
            for dtype in args.dtypes.split(","):
                steps = int(min(max(args.work / n, 64), 200_000))
                for r in measure(name, n, dtype, steps, args.repeats):
                    rows.append(r)
                    print(json.dumps(r), flush=True)
    doc = document(rows)
    print(markdown(doc))
    if args.out is not None:
        args.out.write_text(json.dumps(doc, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
