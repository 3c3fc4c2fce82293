"""Network engine cost: GD steps/s (float32, float64), seconds per sharpness evaluation, the quick NET-* runs.

``python -m benchmarks.network [--wide]`` measures and writes its own section of benchmarks/RESULTS.md (between
the markers below; ``benchmarks.run_all`` does not run it, so rerun this after a full benchmark run). Medians of
repeated runs after a warm-up call (the warm-up includes compilation, reported separately).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent / "RESULTS.md"
BEGIN, END = "<!-- network: begin -->", "<!-- network: end -->"


def _median(fn: object, runs: int) -> tuple[float, float]:
    call = fn  # type: ignore[assignment]
    t0 = time.perf_counter()
    call()  # type: ignore[operator]
    first = time.perf_counter() - t0
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return statistics.median(times), first


def measure(model: str, chunk: int = 100, runs: int = 5) -> list[str]:
    from checker.backends.jax_backend import jax
    from checker.network import spectral
    from checker.network.engine import _scan_fn
    from checker.network.flat import flatten
    from checker.network.models import builtin_problem

    jnp = jax.numpy
    spec, loss, params = builtin_problem(model)
    flat = flatten(loss, params)
    rows = []
    for dtype in ("float32", "float64"):
        scan = _scan_fn(flat.loss(dtype), spec.eta, "loss", chunk)
        theta = jnp.asarray(flat.theta0, dtype=jnp.float32 if dtype == "float32" else jnp.float64)
        med, first = _median(lambda scan=scan, theta=theta: jax.block_until_ready(scan(theta)), runs)
        rows.append(f"| {model} | GD steps/s, {dtype} | {chunk / med:,.0f} | compile {max(first - med, 0):.2f} s |")
    curv = spectral.make_curvature(flat.loss64)
    theta = np.asarray(flat.theta0)
    start = spectral.top_eigen(curv, theta, k=40, top=2).vectors[:, 0]
    for k in (20,):
        med, _ = _median(lambda k=k: spectral.top_eigen(curv, theta, k=k, top=2, start=start), runs)
        rows.append(
            f"| {model} | one sharpness evaluation (Lanczos k = {k}, warm start, lambda_1 and lambda_2) | "
            f"{1000 * med:.1f} ms | n = {flat.n} |"
        )
    med, _ = _median(lambda: spectral.directional(curv, theta, start), runs)
    rows.append(f"| {model} | D2, D3, D4 along u (nested jvp) | {1000 * med:.1f} ms | |")
    return rows


def quick_suite() -> str:
    from properties.network import quick_run

    t0 = time.perf_counter()
    res = quick_run("loss")
    quick_run("sqrt")
    h = res.history
    return (
        f"| mlp-small | the catalogue's quick NET-* runs (GD on L 2,200 steps + GD on sqrt(L) 4,000 steps, "
        f"cold) | {time.perf_counter() - t0:.1f} s | EoS at step {h.eos_step}; {h.sharp_evals} sharpness "
        f"evaluations, {1000 * h.sharp_seconds / max(h.sharp_evals, 1):.1f} ms each in the run |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--wide", action="store_true", help="also measure mlp-wide (55k parameters)")
    args = parser.parse_args(argv)
    load = os.getloadavg()
    rows = measure("mlp-small")
    if args.wide:
        rows += measure("mlp-wide")
    rows.append(quick_suite())
    section = "\n".join(
        [
            BEGIN,
            "## Network engine (`python -m benchmarks.network`)",
            "",
            f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; CPU; load average at start "
            f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (a shared machine: absolute figures drop under load).",
            "- GD: jitted `lax.scan` of 100 full-batch steps (loss recorded each step); sharpness: Lanczos with full "
            "reorthogonalisation on float64 Hessian-vector products.",
            "",
            "| model | what | median | note |",
            "|---|---|---|---|",
            *rows,
            END,
        ]
    )
    text = OUT.read_text() if OUT.is_file() else ""
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    OUT.write_text(text)
    print(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
