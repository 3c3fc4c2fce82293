"""The prose of RESULTS.md: targets against this run's figures, and why the limits are where they are.

Kept apart from the measuring code so the numbers in the summary are always computed from the rows of the
same run (never typed in), while the explanation can be read and reviewed as text.
"""

from __future__ import annotations

from typing import Any

from benchmarks import certified_batch, cold_loss, dask_run, gd_throughput, kernel_ratio, sweep_rate
from benchmarks.arb_vs_mpmath import ArbRow
from benchmarks.peak import Peak

TRANS = next(k for k in gd_throughput.LOSSES if "transcendental" in k)


def _verdict(value: float | None, target: float) -> str:
    if value is None:
        return "not measured"
    return "met" if value >= target else "NOT met"


def _gpu_target(docs: list[dict[str, Any]] | None) -> str:
    """The H100 target row from the recorded GPU runs (benchmarks/gpu/*.json), best float32 quartic figure."""
    best: tuple[float, str] | None = None
    for doc in docs or []:
        for r in doc["rows"]:
            if r["loss"] == "quartic" and r["dtype"] == "float32" and r["impl"].startswith("full kernel"):
                label = f"{r['traj_steps_per_s']:.3g} ({doc['device']}, batch {r['batch']:.0e}, {doc['file']})"
                if best is None or r["traj_steps_per_s"] > best[0]:
                    best = (r["traj_steps_per_s"], label)
    if best is None:
        return (
            "| >= 1e11 trajectory-steps/s on an H100 | not measured: no GPU run recorded (section 8) | not measured |"
        )
    return (
        f"| >= 1e11 trajectory-steps/s on an H100, float32 quartic | {best[1]}, full kernel with no stopping "
        f"events (section 8) | {_verdict(best[0], 1e11)} |"
    )


def summary(
    rows: list[gd_throughput.Row],
    arb_rows: list[ArbRow],
    pk: Peak,
    poly: str,
    cert_rows: list[certified_batch.CertRow],
    cold_rows: list[cold_loss.ColdRow],
    dask_rows: list[dask_run.DaskRow],
    dask_same: str,
    sweep_rows: list[sweep_rate.SweepRow],
    gpu_docs: list[dict[str, Any]] | None = None,
    kernel_rows: list[kernel_ratio.KernelRatio] | None = None,
) -> list[str]:
    n = 10**5 if any(r.n == 10**5 for r in rows) else max(r.n for r in rows)
    get = gd_throughput.rate
    j64, j32 = get(rows, poly, n, "JAX float64"), get(rows, poly, n, "JAX float32")
    npy, bare = (
        get(rows, poly, n, "numpy float64 (vectorised loop)"),
        get(rows, poly, n, "bare JAX float64 (no checks)"),
    )
    t64, tnp = get(rows, TRANS, n, "JAX float64"), get(rows, TRANS, n, "numpy float64 (vectorised loop)")
    t32 = get(rows, TRANS, n, "JAX float32")
    quiet = get(rows, poly, n, "JAX float64, no events")
    ratio = j64 / npy if j64 and npy else None
    q_ratio = quiet / npy if quiet and npy else None
    q_frac = quiet * 9 / 1e9 / pk.dgemm_gflops if quiet else None
    frac = j64 * 9 / 1e9 / pk.dgemm_gflops if j64 else None
    frac_nom = j64 * 9 / 1e9 / pk.nominal_gflops if j64 and pk.nominal_gflops else None
    arb128 = {r.impl.split(" (")[0]: r.steps_per_s for r in arb_rows if r.bits == 128}
    mp128 = next((v for k, v in arb128.items() if k.startswith("mpmath")), None)
    arb_ratio = arb128.get("arb mean-value") / mp128 if mp128 and arb128.get("arb mean-value") else None
    naive_ratio = arb128.get("arb naive step") / mp128 if mp128 and arb128.get("arb naive step") else None
    lines = [
        "## Summary: targets against this run",
        "",
        "| target | this run | verdict |",
        "|---|---|---|",
        f"| JAX float64 >= 10x numpy, polynomial loss, batch {n:.0e} | {_fmt(ratio, 'x')} (half the trajectories "
        f"converge during the run); {_fmt(q_ratio, 'x')} with no stopping events | {_verdict(ratio, 10)} |",
        f"| JAX float64 >= 30% of the float64 peak, batch {n:.0e} | {_fmt(frac, '%')} of measured dgemm peak, "
        f"{_fmt(frac_nom, '%')} of nominal; {_fmt(q_frac, '%')} of dgemm with no events | {_verdict(frac, 0.30)} |",
        f"| arb >= 8x mpmath at 128 bits (product_ball's mean-value step) | {_fmt(arb_ratio, 'x')} "
        f"(naive ball step: {_fmt(naive_ratio, 'x')}) | {_verdict(arb_ratio, 8)} |",
        *_new_targets(rows, poly, n, cert_rows, cold_rows, kernel_rows),
        _dask_target(dask_rows, dask_same),
        _sweep_target(sweep_rows),
        _gpu_target(gpu_docs),
        "",
        f"Other figures at batch {n:.0e}: JAX float32 / float64 = {_fmt(j32 / j64 if j32 and j64 else None, 'x')}; "
        f"the full kernel runs at {_fmt(j64 / bare if j64 and bare else None, 'x')} the speed of a bare jitted "
        f"loop with no event checks; the transcendental loss reaches {_fmt(t64 / tnp if t64 and tnp else None, 'x')} "
        f"numpy in float64 and {_fmt(t32 / tnp if t32 and tnp else None, 'x')} in float32 "
        f"({_fmt(t64 * 9 / 1e9 if t64 else None, '')} nominal GFLOP/s, exp counted as 1 flop).",
        "",
    ]
    return lines


def _new_targets(
    rows: list[gd_throughput.Row],
    poly: str,
    n: int,
    cert_rows: list[certified_batch.CertRow],
    cold_rows: list[cold_loss.ColdRow],
    kernel_rows: list[kernel_ratio.KernelRatio] | None = None,
) -> list[str]:
    get = gd_throughput.rate
    j64, bare = get(rows, poly, n, "JAX float64"), get(rows, poly, n, "bare JAX float64 (no checks)")
    quiet, full_np = get(rows, poly, n, "JAX float64, no events"), get(rows, poly, n, "numpy float64, full semantics")
    kernel = j64 / bare if j64 and bare else None
    q_kernel = quiet / bare if quiet and bare else None
    a256 = certified_batch.arb_rate(cert_rows, 256)
    batch_ratios = {
        r.batch: r.rate / a256 for r in cert_rows if r.impl == certified_batch.COMPILED and a256 and r.batch >= 1000
    }
    best_batch = max(batch_ratios, key=lambda b: batch_ratios[b]) if batch_ratios else None
    warm = next((r for r in cold_rows if r.variant == "this tree, cache warm"), None)
    first = next((r for r in cold_rows if r.variant.startswith("this tree, first run")), None)
    base = next((r for r in cold_rows if r.variant.startswith("previous release")), None)
    cold = (
        f"wall {warm.wall_s:.2f} s (CPU {warm.cpu_s:.2f} s) with the cache warm, wall {first.wall_s:.2f} s "
        f"(CPU {first.cpu_s:.2f} s) on a first run; previous release wall {base.wall_s:.2f} s "
        f"(CPU {base.cpu_s:.2f} s): "
        f"{base.wall_s / warm.wall_s:.2f}x and {base.wall_s / first.wall_s:.2f}x in wall time"
        if warm
        and first
        and base
        and warm.wall_s
        and first.wall_s
        and base.wall_s
        and warm.cpu_s
        and first.cpu_s
        and base.cpu_s
        else "not measured (--skip-e2e, or a variant failed: see section 6)"
    )
    return [
        f"| cold `eoscheck loss` on log(1+e^z) - 0.8 z <= 2.5 s on 2 cores | {cold} | "
        f"{_verdict(1 / warm.wall_s if warm and warm.wall_s else None, 1 / 2.5)} (what remains: section 6 and "
        "'Cold start' below) |",
        _kernel_target(kernel_rows, kernel, q_kernel, j64 / full_np if j64 and full_np else None, n),
        "| certified batch >= 100x the arb path, batch >= 1e3 | "
        + (", ".join(f"{v:.0f}x at {b:.0e}" for b, v in sorted(batch_ratios.items())) or "-")
        + f" (vs product_ball at 256 bits) | {_verdict(batch_ratios.get(best_batch) if best_batch else None, 100)} |",
    ]


def _kernel_target(
    kernel_rows: list[kernel_ratio.KernelRatio] | None,
    kernel: float | None,
    q_kernel: float | None,
    vs_numpy: float | None,
    n: int,
) -> str:
    """The 1.5x target from the interleaved measurement (benchmarks.kernel_ratio) when this run made one: it
    is the figure that survives load; else from section 1's one-after-the-other figures."""
    quartic = next((r for r in kernel_rows or [] if r.loss == "quartic"), None)
    if quartic is None:
        return (
            f"| full kernel within 1.5x of the bare jitted loop, batch {n:.0e} | full/bare = {_fmt(kernel, 'x')} "
            f"(with no stopping events: {_fmt(q_kernel, 'x')}); full JAX / numpy with the same semantics = "
            f"{_fmt(vs_numpy, 'x')} (measured one after the other) | {_verdict(kernel, 1 / 1.5)} "
            "(see 'Full kernel vs bare loop') |"
        )
    full, lo, hi = quartic.ratios["full / bare"]
    quiet = quartic.ratios["full, no events / bare"][0]
    others = "; ".join(f"{r.loss}: {r.ratios['full / bare'][0]:.2f}x" for r in kernel_rows or [] if r is not quartic)
    return (
        f"| full kernel within 1.5x of the bare jitted loop, batch {quartic.n:.0e} | quartic full/bare = "
        f"{full:.2f}x (range {lo:.2f}-{hi:.2f} over {quartic.rounds} interleaved rounds, load {quartic.load}; "
        f"{100 * quartic.stopped:.0f}% of the trajectories stop); with no stopping events {quiet:.2f}x; "
        f"{others}; full JAX / numpy with the same semantics = {quartic.ratios['full / numpy full'][0]:.1f}x | "
        f"{_verdict(full, 1 / 1.5)} (see 'Full kernel vs bare loop') |"
    )


def _sweep_target(rows: list[sweep_rate.SweepRow]) -> str:
    parts = []
    for prop_id in dict.fromkeys(r.prop_id for r in rows):
        off = next((r for r in rows if r.prop_id == prop_id and not r.with_sweep), None)
        on = next((r for r in rows if r.prop_id == prop_id and r.with_sweep), None)
        if off and on and off.rate:
            parts.append(f"{prop_id} {on.rate / off.rate:.0f}x ({on.instances} vs {off.instances} instances)")
    got = "; ".join(parts) or "not measured"
    return f"| sweep phase: instances/s with sweeps vs without (ci) | {got} | {'measured' if parts else '-'} |"


def _dask_target(rows: list[dask_run.DaskRow], same: str) -> str:
    if len(rows) < 2 or rows[0].wall_s is None or rows[1].wall_s is None:
        return "| Dask LocalCluster: same results as in-process, ci catalogue | not measured (see section 7) | - |"
    speed = rows[0].wall_s / rows[1].wall_s
    return (
        f"| Dask LocalCluster: same results as in-process, ci catalogue | {same}; {rows[1].engine} "
        f"{rows[1].wall_s:.1f} s vs in-process {rows[0].wall_s:.1f} s ({speed:.2f}x) | "
        f"{'met' if same.startswith('identical') else 'NOT met'} |"
    )


def _fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "-"
    if unit == "%":
        return f"{100 * v:.1f}%"
    return f"{v:.2f}{unit}" if v < 10 else f"{v:.0f}{unit}"


def analysis() -> list[str]:
    return [
        "## Where the limits are",
        "",
        "**Elementwise GD cannot reach 30% of a dgemm peak on a CPU, even in principle.** A GD step on l(xy)",
        "is 9 flops per trajectory against ~6 further vector instructions that carry no flop but are needed",
        "for the semantics (|xy| <= bound, the gradient test, the select that freezes or poisons a lane).",
        "dgemm issues one FMA (2 flops per lane) in every slot of both FMA pipes; our chain has a dependency",
        "of ~8 instructions per step (z = xy, the polynomial, eta*g, two FMAs), so each step's latency (~4",
        "cycles per FP op) must be hidden by interleaving many independent trajectories. With ~15 vector",
        "instructions per step, two pipes and 4 float64 lanes (AVX2), the best case is 4*2/15 = 0.53",
        "trajectory-steps per cycle per core, i.e. 9*0.53 = 4.8 flops/cycle against dgemm's 16: **~30% of the",
        "nominal peak is the instruction-count ceiling** of a perfectly vectorised fused kernel; a loss with",
        "exp or log spends ~20 instructions per exp on top, so transcendental losses sit at a few percent.",
        "Memory is not the limit once steps are fused: the kernel runs `check_every` (8) steps per load and",
        "store of the 16-byte state (arithmetic intensity ~9*8/32 = 2.3 flops/byte; unfused it would be",
        "9/32 = 0.28 flops/byte, memory bound at ~20 GB/s).",
        "",
        "**Stopping events are the expensive part.** In the main workload (quartic, starts in [0.5, 1.5]^2,",
        "eta in [0.05, 0.3], grad_tol = 0) about half the trajectories land exactly on the minimum during the",
        "run. Each such event sends the trajectory through the careful path for one or two blocks: the",
        "triggered lanes are gathered in rows of 8 (the other lanes of a row frozen), re-run step by step and",
        "written back. On XLA's CPU backend this costs roughly one fused block per re-run pass (it cost ~5",
        "blocks with the earlier per-index `jnp.nonzero` + scatter compaction), and with half the",
        "trajectories stopping it is still ~40% of the time. Two further costs we could not remove: XLA:CPU",
        "splits the 8-step block into one loop for x and one for y, each recomputing the shared chain (twice",
        "the arithmetic), and the bare loop itself reaches only ~1e9 steps/s on 2 cores, i.e. ~3-6x numpy, so",
        "10x numpy at batch 1e5 is out of reach even with no semantics. The 'JAX f64 no events' column runs",
        "the same kernel with eta 1e4 times smaller so that",
        "nothing stops: the difference between the two columns is the price of exact event semantics.",
        "",
        "**What we measured instead of the ceiling.** The table's 'bare JAX' column (a jitted `fori_loop`",
        "of plain steps, no checks, separate x and y arrays) shows what XLA's CPU backend reaches on this",
        "iteration; the full kernel adds the event semantics (divergence and convergence flagged and frozen,",
        "stop steps, the period-2 amplitude) at the cost shown by the 'full kernel / bare' ratio above.",
        "Trajectories that converge or diverge are re-run for one block on the careful path (compacted,",
        "a few per block), so a batch where most trajectories stop early costs more per step than one that",
        "keeps oscillating. numpy pays a full memory pass per operation (~10 passes per step), which is",
        "why its rate collapses once the batch leaves the cache, and Python pays ~100 ns per operation.",
        "",
        "**float32 vs float64.** float32 doubles the lanes per vector; it is used only where the property",
        "tolerates it (coarse sweeps re-checked in float64; see the module docstring of",
        "`checker/simulate/product_jax.py`). EoS predictions compared to ~1e-4 relative need float64.",
        "",
        "**arb vs mpmath.** Both are called one operation at a time from Python. A single multiply costs",
        "python-flint far less than mpmath (the per-multiply column), but the step time is set by the number",
        "of Python-level operations: the mean-value (centred) ball step evaluates l' at the midpoint and l',",
        "l'' over the box and applies the 2x2 interval Jacobian to the radius (~45 operations), against ~15",
        "for mpmath's plain step. The naive ball step is cheaper but its radius grows without bound (the",
        "'final radius (naive)' column), so it certifies nothing after a few dozen steps near the EoS.",
        "product_ball evaluates a polynomial loss's l', l'' as `arb_poly` (one C call each; the generic",
        "translator re-creates every rational constant on each call), which is what brings it ahead of",
        "mpmath; transcendental losses still go through the translator.",
        "",
        "**Cold start of `eoscheck loss`.** Where the CPU time goes (phase timers, process CPU time and",
        "`-X importtime` of cold runs with the cache warm, 2026-11-27 23:23 UTC, load ~4.5 on 2 cores; 2.4 s in",
        "all): imports ~0.9 s (JAX ~0.4 s, sympy ~0.25 s, numpy ~0.1 s); XLA executing the kernels ~0.85 s (2",
        "learning rates x 10,240 padded trajectories; at eta = 0.13 one run never settles, so that batch runs",
        "the whole 20,000-step budget; plus the basin's 2 x 512); loading the two saved executables ~0.15 s;",
        "the mpmath replays ~0.4 s (3,686 + 14,143 steps at 30 digits, ~22 us per step); certification ~0.1 s.",
        "This round removed ~0.6 s of CPU: tracing and lowering of the kernels in every process (~0.35 s:",
        "`checker.simulate.executable_cache` saves the compiled executable whole, keyed on everything the",
        "program depends on, package source included), scipy.special (~0.2 s, for Lambert W: now numpy, tested",
        "against mpmath and scipy), the conversion programs JAX compiled for the kernel's scalars (~0.03 s);",
        "and ~0.3 s of wall time: the float batches run in a worker thread while the main thread replays the",
        "previous learning rate in mpmath (same runs, same order of results). Outputs of the README loss",
        "examples are byte-identical before and after (text and --json). What remains is the evidence itself",
        "(the simulated trajectory-steps and the replays) and the import floor: a further cut means a faster",
        "kernel, faster mpmath steps, or simulating less. The CPU-time column of section 6 is the figure to",
        "compare on a loaded machine; wall time there includes waiting for the CPU.",
        "",
        "**Full kernel vs bare loop.** Measured 2026-11-27 23:36 UTC with `python -m benchmarks.kernel_ratio`",
        "(interleaved, 25 rounds, load ~3-4; its table is under section 1), batch 1e5, 180 steps: quartic",
        "full/bare = 0.36x (range 0.16-0.50), with no stopping events 0.75x, full / numpy with the same",
        "semantics 6.2x; log(1+e^z) - 0.8 z (nothing stops within 180 steps) 0.73x, 3.4x numpy. **At that",
        "load the 1.5x target is not met for the quartic workload; on a quiet machine (the table under",
        "section 1, load ~1.4) it is (0.75x).** The ratio moves with the load, so the table's load column",
        "matters. Where its time goes (CPU time per call, one process,",
        "load 3.6, median of 13; the probes give wrong results and only size the parts): bare loop 25 ms; the",
        "kernel with the re-runs cut out 24.6 ms (the fused fast path is as fast as the bare loop); ordering",
        "the triggered rows +2.3 ms; the gathers and scatters of the re-run passes +9.8 ms; the careful",
        "re-run steps +15 ms; 51.7 ms in all. The optimised HLO (`XLA_FLAGS=--xla_dump_to=DIR`, jax 0.10.2",
        "CPU) shows why the re-runs cost this much: XLA:CPU makes no multi-output loop fusion here, so every",
        "output is its own loop recomputing its inputs. The bare loop is 2 fusions per step (x and y, each",
        "recomputing z and l'(z)) plus 2 copies; the fast block is 2 fusions of the unrolled 8-step chain",
        "(~125 HLO instructions each for the quartic), 1 for the block-end test, 2 selects and a 3-level",
        "`any`; a careful step is 7 fusions (one per carried array: x, y, prev_z, 3 flags, stop step); a",
        "re-run pass is ~9 gathers, 7 scatters and 8 careful steps on its rows. With 47% of the trajectories",
        "stopping within 180 steps every block has stops (blocks 1-3 hold 10,000-16,000 stops each, i.e. about",
        "50-75% of the 13,312 rows of 8), and each stop costs ~8 careful steps x 7 loops on its row. Variants,",
        "same process, CPU time per",
        "call, quartic (full / no events, ms): before this round 76.8 / 40.8; the last 1..8 steps as single",
        "fast steps (they were careful steps over the whole batch) and XLA's `xla_cpu_prefer_vector_width=512`",
        "on CPU 68.8 / 29.8; triggered rows ordered once per block (one cumulative sum, not a `jnp.nonzero`",
        "per pass) and passes of 416, 52 and 8 rows 63.7 / 30.5 (landed; 75.0 / 40.0 without the 512-bit",
        "option); bare loop 28.2. All landed variants are bit-identical to the careful-only path",
        "(tests/test_fused_gd_identity.py). Tried and dropped: the three flags and the stop step packed",
        "into one code (4 careful outputs instead of 7) changed the logistic results by up to 5 ulps in",
        "re-run trajectories (XLA contracts multiply-adds into FMAs per fusion), so it failed bit-identity;",
        "the 8 careful steps of a re-run unrolled into one chain: 3-4x slower (each of the 7 outputs",
        "recomputes the whole chain); rows of 4 trajectories instead of 8: no gain, of 2 or 1: slower",
        "(CPU 72 and 94 ms vs 67); blocks of 4 or 16 steps: slower with events (wall time, load 7); an",
        "optimisation barrier on (z, l'(z)) in the careful step: no change;",
        "`xla_cpu_use_fusion_emitters=false`: slower. What would close the gap is keeping the stop step and",
        "the z before the last move in registers inside the fused chain, which XLA:CPU can only do by",
        "recomputing the chain once per recorded value. On a GPU XLA fuses the outputs together, and section",
        "8 measured the full kernel (no events) at 2.5-3.7x the bare loop at batch 1e6; the changes of this",
        "round are structural (no careful step over the whole batch; fewer, smaller re-run passes) and the",
        "512-bit option is CPU-only, so they should not slow that path, but no GPU run has measured them yet.",
        "",
        "**Certified batches.** `interval_batch` encloses every float operation with outward rounding, so one",
        "mean-value step costs ~35 interval operations (the point step at the midpoint, l' and l'' over the",
        "box, the Hessian and the 2x2 Jacobian magnitudes), each a few float operations plus a 4-operation",
        "outward step per endpoint (|a| 2^-52 + 2^-1074 subtracted or added: at least one ulp, like",
        "`np.nextafter`, ~5x cheaper). The numpy engine pays a memory pass and an interpreter call per",
        "operation (~150 passes per step). The compiled engine (`interval_kernel`, numba, no fastmath) runs the",
        "same operations in the same order on blocks of 256 trajectories kept in cache: the step's lane loops",
        "and the operation-major register programs of l' and l'' vectorise (AVX2/AVX-512 lanes) once x^2 and x^3",
        "are unrolled (a loop over the exponent inside a lane loop blocked vectorisation: 1e7 -> 9e7 steps/s).",
        "Both engines are tested bit for bit against each other and against arb (python-flint). numba compiles",
        "the kernel once (~10-25 s here) and caches it on disk; the figures exclude that first call.",
        "",
        "**Dask.** On 2 cores an embedded LocalCluster cannot beat the in-process run: its workers first import",
        "JAX, sympy and the catalogue (seconds each) and then compete for the same two cores. Its value is the",
        "same code path on a real cluster (`--scheduler`). Equal results need equal draws: Hypothesis mixes",
        "literal constants of every imported local module into its draws, so the runner pins that pool empty",
        "(checker/hypothesis_pins.py); before that, 5 of 32 quick-profile claims drew different examples on",
        "workers than in-process.",
        "",
        "**GPU.** The same kernel runs on a GPU with `pip install .[gpu]` (jax[cuda12]): every chunk is",
        "split across all visible devices with `jax.shard_map` over a 1-D `Mesh` of `jax.devices()`",
        "(`checker/simulate/sharding.py`; tested on 2 forced host devices). GPU figures come from a run on the",
        "GPU machine (`python -m benchmarks.gd_throughput ... --out benchmarks/gpu/NAME.json`, no python-flint",
        "needed there) and are rendered in section 8; this machine's run never measures them.",
        "",
    ]
