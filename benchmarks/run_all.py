"""Run every benchmark and write benchmarks/RESULTS.md: ``python -m benchmarks.run_all`` (or ``dev.py bench``).

Every figure is a median of several runs with the warm-up (JAX compilation) excluded and reported apart,
and every comparison is a ratio of two figures measured in this same run. ``--quick`` shrinks everything
(for a smoke test of the script; its figures are not meant to be published). The whole default run takes
a few minutes on 2 cores, most of it ``eoscheck run``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import (
    arb_vs_mpmath,
    certified_batch,
    cold_loss,
    dask_run,
    end_to_end,
    gd_throughput,
    kernel_ratio,
    peak,
    sweep_rate,
)
from benchmarks.common import cpu_model, load_average, table, versions

OUT = Path(__file__).resolve().parent / "RESULTS.md"
COMPILE_NOTE = (
    "The compile column is the first call minus the median call: with the persistent compilation cache warm"
    " (the usual case: see section 6) it is the time to load the compiled kernel from the cache, not XLA's"
    " compile time; run with EOSCHECK_NO_JAX_CACHE=1 to measure compilation."
)
POLY = next(k for k in gd_throughput.LOSSES if "polynomial" in k)


def _ratio(a: float | None, b: float | None, digits: int = 1) -> str:
    return f"{a / b:.{digits}f}x" if a and b else "-"


def _throughput_section(rows: list[gd_throughput.Row], pk: peak.Peak, sizes: tuple[int, ...]) -> list[str]:
    out = ["## 1. Batched GD on l(xy): trajectory-steps per second", ""]
    out += [gd_throughput.__doc__.strip(), ""]
    for loss in gd_throughput.LOSSES:
        body = []
        py = gd_throughput.python_rate(rows, loss)
        for n in sorted({r.n for r in rows if r.loss == loss}):
            r = {impl: gd_throughput.rate(rows, loss, n, impl) for impl in _IMPLS}
            j64 = r["JAX float64"]
            gflops = j64 * 9 / 1e9 if j64 else None
            body.append(
                [
                    f"{n:.0e}",
                    *(r[i] or "-" for i in _IMPLS),
                    _ratio(j64, r["numpy float64 (vectorised loop)"]),
                    _ratio(j64, r["numpy float64, full semantics"]),
                    _ratio(r["JAX float32"], r["numpy float64 (vectorised loop)"]),
                    _ratio(j64, r["bare JAX float64 (no checks)"], digits=2),
                    _ratio(j64, py),
                    gflops or "-",
                    f"{100 * gflops / pk.dgemm_gflops:.1f}%" if gflops else "-",
                    f"{100 * gflops / pk.nominal_gflops:.1f}%" if gflops and pk.nominal_gflops else "-",
                    _compile(rows, loss, n),
                ]
            )
        out += [f"### {loss}", ""]
        head = ["batch", "JAX f64", "JAX f32", "JAX f64 no events", "bare JAX f64", "numpy f64", "numpy f64 full"]
        head += ["Python", "f64/numpy", "f64/numpy full", "f32/numpy", "full/bare JAX"]
        head += ["f64/Python", "f64 GFLOP/s", "% dgemm", "% nominal", "compile s (f64, f32)"]
        out += [table(head, body), ""]
    out += [
        "Python-loop rates are measured at batch <= 1e3 only (one trajectory at a time, so the rate does not",
        "depend on the batch); the f64/Python column uses the largest batch measured. " + gd_throughput.flops_note(),
        "",
        COMPILE_NOTE,
        "",
    ]
    return out


_IMPLS = (
    "JAX float64",
    "JAX float32",
    "JAX float64, no events",
    "bare JAX float64 (no checks)",
    "numpy float64 (vectorised loop)",
    "numpy float64, full semantics",
    "plain Python loop",
)


def _compile(rows: list[gd_throughput.Row], loss: str, n: int) -> str:
    c = [r.compile_s for r in rows if r.loss == loss and r.n == n and r.impl in _IMPLS[:2]]
    return ", ".join(f"{v:.1f}" for v in c)


def _arb_section(rows: list[arb_vs_mpmath.ArbRow], ops: dict[int, tuple[float, float]], steps: int) -> list[str]:
    out = ["## 2. Arbitrary precision: arb (python-flint) vs mpmath, GD steps per second", ""]
    out += [arb_vs_mpmath.__doc__.strip(), ""]
    out += [f"Loss {arb_vs_mpmath.LOSS}, start (x0, y0, eta) = {arb_vs_mpmath.START}, {steps} steps.", ""]
    body = []
    for bits in arb_vs_mpmath.BITS:
        mv, nv, mp = (r for r in rows if r.bits == bits)
        ta, tm = ops[bits]
        body.append(
            [
                bits,
                mv.steps_per_s,
                nv.steps_per_s,
                mp.steps_per_s,
                _ratio(mv.steps_per_s, mp.steps_per_s),
                _ratio(nv.steps_per_s, mp.steps_per_s),
                _ratio(tm, ta),
                mv.final_radius if mv.final_radius is not None else "-",
                nv.final_radius,
            ]
        )
    head = ["bits", "arb mean-value steps/s", "arb naive steps/s", "mpmath steps/s", "mean-value/mpmath"]
    head += ["naive/mpmath", "per-multiply mpmath/arb", "final radius (mean-value)", "final radius (naive)"]
    return [*out, table(head, body), ""]


def _certified_section(rows: list[certified_batch.CertRow]) -> list[str]:
    out = ["## 4. Certified batches: float64 intervals vs arb, certified trajectory-steps per second", ""]
    out += [certified_batch.__doc__.strip(), ""]
    a256, a128 = certified_batch.arb_rate(rows, 256), certified_batch.arb_rate(rows, 128)
    body = [
        [r.impl, f"{r.batch:.0e}" if r.batch > 1 else "1", r.steps, r.rate, f"{100 * r.certified_fraction:.1f}%"]
        + ([_ratio(r.rate, a256), _ratio(r.rate, a128)] if r.batch > 1 else ["-", "-"])
        for r in rows
    ]
    head = ["implementation", "batch", "steps", "certified steps/s", "certified to the end"]
    head += ["vs arb 256 bits", "vs arb 128 bits"]
    return [*out, table(head, body), ""]


def _cold_section(rows: list[cold_loss.ColdRow]) -> list[str]:
    out = ["## 6. Cold `eoscheck loss`: this tree vs the previous release, same run", "", cold_loss.__doc__.strip(), ""]
    base = next((r for r in rows if r.variant.startswith("previous release") and r.wall_s), None)
    body = [
        [
            r.variant,
            r.wall_s if r.wall_s is not None else "-",
            r.cpu_s if r.cpu_s is not None else "-",
            _ratio(base.wall_s, r.wall_s, digits=2) if base and r.wall_s and r is not base else "-",
            r.runs,
            r.note or "ok",
        ]
        for r in rows
    ]
    head = ["variant", "wall s (median)", "CPU s (median)", "speed-up vs previous release (wall)", "runs", "note"]
    return [*out, table(head, body), ""]


def _sweep_section(rows: list[sweep_rate.SweepRow], profile: str) -> list[str]:
    out = [f"## 5. Sweep phase vs Hypothesis alone, profile {profile}", "", sweep_rate.__doc__.strip(), ""]
    body = []
    for prop_id in dict.fromkeys(r.prop_id for r in rows):
        off = next((r for r in rows if r.prop_id == prop_id and not r.with_sweep), None)
        on = next((r for r in rows if r.prop_id == prop_id and r.with_sweep), None)
        for r in (off, on):
            if r is not None:
                ratio = _ratio(on.rate, off.rate) if r is on and off and on else "-"
                body.append(
                    [prop_id, "yes" if r.with_sweep else "no", r.instances, r.seconds, r.rate, ratio, r.verdict]
                )
    head = ["property", "sweep", "instances checked", "check s", "instances/s", "with/without", "verdict"]
    return [*out, table(head, body), ""]


def _dask_section(rows: list[dask_run.DaskRow], same: str, profile: str) -> list[str]:
    out = [f"## 7. Dask LocalCluster vs in-process, `eoscheck run --profile {profile}`", "", dask_run.__doc__.strip()]
    base = rows[0].wall_s
    body = [
        [
            r.engine,
            r.wall_s if r.wall_s is not None else "-",
            r.claims,
            _ratio(base, r.wall_s, digits=2),
            r.note or "ok",
        ]
        for r in rows
    ]
    head = ["engine", "wall s", "claims", "speed-up vs in-process", "note"]
    return [*out, "", table(head, body), "", f"Results of the two runs: **{same}**.", ""]


def _e2e_section(rows: list[end_to_end.E2ERow]) -> list[str]:
    out = ["## 3. End to end (fresh process each run)", "", end_to_end.__doc__.strip(), ""]
    body = [
        [
            r.name,
            f"`{r.command}`",
            r.wall_s if r.wall_s is not None else "-",
            r.max_rss_mib if r.max_rss_mib is not None else "-",
            r.runs,
            r.note or "ok",
        ]
        for r in rows
    ]
    return [*out, table(["what", "command", "wall s (median)", "peak RSS MiB", "runs", "note"], body), ""]


GPU_DIR = Path(__file__).resolve().parent / "gpu"


def gpu_docs() -> list[dict[str, Any]]:
    """The GPU runs recorded under benchmarks/gpu/ (JSON written by ``gd_throughput`` / ``gpu_throughput``)."""
    import json

    docs = []
    for path in sorted(GPU_DIR.glob("*.json")):
        doc = json.loads(path.read_text())
        doc["file"] = path.name
        docs.append(doc)
    return docs


def _gpu_section(docs: list[dict[str, Any]]) -> list[str]:
    from benchmarks import gpu_throughput

    out = [
        "## 8. GPU (filled from GPU runs, not from this machine)",
        "",
        "<!-- GPU section: rendered from benchmarks/gpu/*.json; add a run with, on the GPU machine,",
        "     python -m benchmarks.gd_throughput --batch 1e6 1e7 1e8 --dtype float32 float64 --steps 5000 \\",
        "         --out benchmarks/gpu/DEVICE-DATE.json",
        "     and re-run python -m benchmarks.run_all here. -->",
        "",
        "Each table is one recorded GPU run (device, date and JAX version in its first line). 'full kernel, no",
        "events' is ``simulate_product_batch`` with its whole semantics on starts that do not stop; 'bare jitted",
        "loop' is a plain ``lax.fori_loop``; full/bare is their ratio on that device.",
        "",
    ]
    if not docs:
        return [*out, "**No GPU run recorded yet** (benchmarks/gpu/ holds no JSON file).", ""]
    for doc in docs:
        out += [f"### {doc['file']}", ""]
        if doc.get("note"):
            out += [f"Note: {doc['note']}", ""]
        out += [gpu_throughput.markdown(doc)]
    return out


def _load_warning(load_start: str) -> list[str]:
    """A warning when the run started with more than twice as many runnable processes as cores."""
    try:
        first = float(load_start.split("/")[0])
    except ValueError:
        return []
    cores = os.cpu_count() or 1
    if first <= 2 * cores:
        return []
    return [
        f"- **Heavily loaded run (load {first:.1f} on {cores} cores).** Ratios between a multi-threaded JAX",
        "  figure and another figure (full kernel vs bare loop, JAX vs numpy) move by 2-4x under such load, so",
        "  their verdicts in the summary are not reliable in this run; see 'Full kernel vs bare loop' below.",
    ]


LOAD_SENSITIVE = ("| full kernel within 1.5x", "| JAX float64 >= 10x numpy", "| JAX float64 >= 30% of")


def mark_unreliable(lines: list[str], load_start: str) -> list[str]:
    """Under heavy load, the summary verdicts of the JAX-vs-reference rows say that they are unreliable."""
    if not _load_warning(load_start):
        return lines
    return [
        line.replace("| met", "| met, but under heavy load: unreliable (see the header)")
        if line.startswith(LOAD_SENSITIVE)
        else line
        for line in lines
    ]


def _header(pk: peak.Peak, load_start: str, load_end: str, elapsed: float, quick: bool) -> list[str]:
    import jax

    out = ["# Benchmark results", ""]
    if quick:
        out += ["**QUICK MODE: smoke-test sizes; do not quote these figures.**", ""]
    out += [
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; whole run {elapsed:.0f} s"
        f" (`python -m benchmarks.run_all{' --quick' if quick else ''}`).",
        f"- Machine: {cpu_model()}, {os.cpu_count()} logical CPUs; JAX devices: {jax.devices()}.",
        f"- Load average (1/5/15 min) at start: {load_start}; at end: {load_end}. The machine is shared: a load",
        "  above the core count means other processes took CPU time during the run, which lowers absolute",
        "  figures (JAX's multi-threaded kernels more than single-threaded numpy); the same-run ratios are the",
        "  robust figures.",
        *_load_warning(load_start),
        "- Versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()) + ".",
        f"- float64 peak: **{pk.dgemm_gflops:.1f} GFLOP/s measured** (numpy matmul, n = {pk.dgemm_n}, OpenBLAS"
        f" dgemm, median of 5); nominal {pk.nominal_gflops or 0:.1f} GFLOP/s = {pk.nominal_note}.",
        "",
    ]
    return out


def _kept_sections(path: Path) -> str:
    """Sections other benchmarks write into RESULTS.md between their own markers (benchmarks/network.py):
    carried over unchanged, since this run does not measure them."""
    from benchmarks import network

    text = path.read_text() if path.is_file() else ""
    if network.BEGIN in text and network.END in text:
        return "\n" + text[text.index(network.BEGIN) : text.index(network.END) + len(network.END)] + "\n"
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks the script, not the machine")
    parser.add_argument("--out", default=str(OUT), help="where to write the Markdown (default: %(default)s)")
    parser.add_argument("--skip-e2e", action="store_true", help="leave out the end-to-end commands")
    parser.add_argument("--baseline", default=cold_loss.BASELINE_REF, help="git ref for the cold-start comparison")
    args = parser.parse_args(argv)
    t0, load_start = time.perf_counter(), load_average()
    sizes = (10**2, 10**4) if args.quick else gd_throughput.SIZES
    steps = 200 if args.quick else 2000

    def say(msg: str) -> None:
        print(f"[{time.perf_counter() - t0:6.1f}s] {msg}", file=sys.stderr, flush=True)

    say("float64 peak (dgemm)")
    pk = peak.measure_peak(n=512 if args.quick else 2048)
    say("batched GD throughput")
    gd_rows = gd_throughput.run(sizes, budget=0.05 if args.quick else 0.6)
    say("full kernel vs bare loop, interleaved")
    kernel_rows = kernel_ratio.run(n=10**4 if args.quick else 10**5, rounds=3 if args.quick else 15)
    say("arb vs mpmath")
    arb_rows, ops = arb_vs_mpmath.run(steps=steps, repeats=2 if args.quick else 3)
    say("certified batches vs arb")
    cert_rows = certified_batch.run(
        sizes=(10**3,) if args.quick else certified_batch.SIZES,
        steps=20 if args.quick else 200,
        arb_steps=200 if args.quick else 2000,
    )
    say("sweep phase vs Hypothesis alone")
    sweep_rows = sweep_rate.run(profile="quick" if args.quick else "ci")
    cold_rows: list[cold_loss.ColdRow] = []
    dask_rows: list[dask_run.DaskRow] = []
    dask_same = ""
    e2e_rows: list[end_to_end.E2ERow] = []
    if not args.skip_e2e:
        say("cold loss vs baseline")
        cold_rows = cold_loss.run(runs=1 if args.quick else 3, baseline_ref=args.baseline)
        say("Dask LocalCluster vs in-process")
        dask_rows, dask_same = dask_run.run(profile="quick" if args.quick else "ci")
        say("end to end")
        e2e_rows = end_to_end.run(runs=1 if args.quick else 3)
    from benchmarks import notes

    lines = _header(pk, load_start, load_average(), time.perf_counter() - t0, args.quick)
    gpu = gpu_docs()
    summary = notes.summary(
        gd_rows, arb_rows, pk, POLY, cert_rows, cold_rows, dask_rows, dask_same, sweep_rows, gpu, kernel_rows
    )
    lines += mark_unreliable(summary, load_start)
    lines += _throughput_section(gd_rows, pk, sizes)
    lines += kernel_ratio.markdown(kernel_rows)
    lines += _arb_section(arb_rows, ops, steps)
    if e2e_rows:
        lines += _e2e_section(e2e_rows)
    lines += _certified_section(cert_rows)
    lines += _sweep_section(sweep_rows, "quick" if args.quick else "ci")
    if cold_rows:
        lines += _cold_section(cold_rows)
    if dask_rows:
        lines += _dask_section(dask_rows, dask_same, "quick" if args.quick else "ci")
    lines += _gpu_section(gpu)
    lines += notes.analysis()
    Path(args.out).write_text("\n".join(lines) + "\n" + _kept_sections(Path(args.out)))
    say(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
