"""The benchmark report's verdicts are computed from the measured rows, never typed in (no timings here)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# benchmarks/ is a top-level folder of the repository, not part of the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import gd_throughput, notes
from benchmarks.arb_vs_mpmath import ArbRow
from benchmarks.certified_batch import COMPILED, CertRow
from benchmarks.common import table
from benchmarks.peak import Peak

POLY = next(k for k in gd_throughput.LOSSES if "polynomial" in k)
PEAK = Peak(dgemm_gflops=10.0, dgemm_n=2048, nominal_gflops=80.0, nominal_note="test")


def _rows(jax64: float, numpy: float, bare: float) -> list[gd_throughput.Row]:
    rows = []
    for loss in gd_throughput.LOSSES:
        for impl, rate in (
            ("JAX float64", jax64),
            ("JAX float32", 2 * jax64),
            ("bare JAX float64 (no checks)", bare * jax64),
            ("numpy float64 (vectorised loop)", numpy),
        ):
            rows.append(gd_throughput.Row(loss, 10**5, impl, 100, rate, 0.0, 9))
    return rows


def _arb(ratio: float) -> list[ArbRow]:
    return [
        ArbRow(128, "arb mean-value (product_ball)", 1000.0 * ratio, 1e-30, "budget"),
        ArbRow(128, "arb naive step", 3000.0 * ratio, 1e10, "radius blew up"),
        ArbRow(128, "mpmath (39 digits)", 1000.0, None, "budget"),
    ]


def _cert(speedup: float) -> list[CertRow]:
    return [
        CertRow("arb product_ball, 256 bits", 1, 2000, 1e5, 1.0),
        CertRow(COMPILED, 10**4, 200, 1e5 * speedup, 1.0),
    ]


def _summary(jax64: float, numpy: float, arb_ratio: float, bare: float = 1.2, cert: float = 150.0) -> str:
    rows, arb = _rows(jax64, numpy, bare), _arb(arb_ratio)
    return "\n".join(notes.summary(rows, arb, PEAK, POLY, _cert(cert), [], [], "", []))


def test_targets_met_when_the_figures_say_so():
    # 4e8 steps/s * 9 flops = 3.6 GFLOP/s = 36% of the 10 GFLOP/s dgemm peak; 20x numpy; arb 9x mpmath;
    # the full kernel at 1/1.2 of the bare loop; the certified batch at 150x arb.
    text = _summary(4e8, 2e7, 9.0)
    assert "NOT met" not in text
    assert "| 20x (half" in text and "36.0% of measured dgemm peak" in text and "| 9.00x" in text
    assert "full/bare = 0.83x" in text and "150x at 1e+04" in text


def test_targets_missed_are_reported_as_missed():
    text = _summary(1e8, 2e7, 3.0, bare=2.0, cert=30.0)  # 5x numpy, 9% of peak, arb 3x, kernel 0.5x, cert 30x
    assert text.count("NOT met") == 5
    assert "not measured: no GPU" in text


def test_gpu_target_read_from_recorded_runs():
    def doc(rate: float) -> dict:
        row = {"loss": "quartic", "dtype": "float32", "impl": "full kernel, no events", "batch": 10**6}
        return {"device": "NVIDIA H100", "file": "h100.json", "rows": [{**row, "traj_steps_per_s": rate}]}

    assert "| met |" in notes._gpu_target([doc(1.4e11)]) and "1.4e+11 (NVIDIA H100" in notes._gpu_target([doc(1.4e11)])
    assert "NOT met" in notes._gpu_target([doc(5e10)])
    assert "not measured" in notes._gpu_target([])


def test_table_renders_numbers_compactly():
    out = table(["a", "b"], [[1.5e9, 0.25], ["x", 12345.0]])
    assert out.splitlines()[2] == "| 1.50e+09 | 0.25 |"
    assert out.splitlines()[3] == "| x | 1.23e+04 |"


def test_heavy_load_marks_the_jax_ratio_verdicts_unreliable():
    from benchmarks import run_all

    lines = ["| full kernel within 1.5x of the bare jitted loop | 0.9x | met |", "| certified batch | 200x | met |"]
    cores = os.cpu_count() or 1
    heavy = run_all.mark_unreliable(lines, f"{4.5 * cores:.1f} / 1.0 / 1.0")
    assert "unreliable" in heavy[0] and heavy[1] == lines[1]
    assert run_all.mark_unreliable(lines, f"{0.5 * cores:.1f} / 1.0 / 1.0") == lines
    assert run_all.mark_unreliable(lines, "unknown") == lines


def test_kernel_target_from_the_interleaved_measurement():
    """When run_all measured full vs bare interleaved, the 1.5x row reports that (median, range, load)."""
    from benchmarks.kernel_ratio import KernelRatio

    def kr(loss: str, full: float) -> KernelRatio:
        ratios = {
            "full / bare": (full, full - 0.1, full + 0.1),
            "full, no events / bare": (0.95, 0.9, 1.0),
            "full / bare with the kernel's options": (full, full, full),
            "full / numpy full": (9.5, 9.0, 10.0),
        }
        return KernelRatio(loss, 10**5, 180, 15, 0.47, {"full": 2e8, "bare": 5e8}, ratios, "3.0 -> 3.1")

    rows, arb = _rows(1e8, 2e7, 2.0), _arb(3.0)
    missed = "\n".join(notes.summary(rows, arb, PEAK, POLY, _cert(150.0), [], [], "", [], None, [kr("quartic", 0.45)]))
    line = next(x for x in missed.splitlines() if x.startswith("| full kernel within 1.5x"))
    assert "quartic full/bare = 0.45x (range 0.35-0.55 over 15 interleaved rounds" in line and "NOT met" in line
    assert "= 9.5x" in line and "47% of the trajectories stop" in line
    met = "\n".join(notes.summary(rows, arb, PEAK, POLY, _cert(150.0), [], [], "", [], None, [kr("quartic", 0.7)]))
    assert "| met (see 'Full kernel vs bare loop') |" in met
