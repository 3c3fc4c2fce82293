"""The float64 peak of THIS machine: measured with a large numpy matmul (dgemm), plus the nominal figure.

Why dgemm: it is the most flop-dense kernel a CPU runs (arithmetic intensity ~n/12 flops/byte), so its
rate is the practical float64 peak. The nominal figure is cores x clock x flops/cycle, with flops/cycle
inferred from the ISA flags (2 FMA pipes x 4 doubles x 2 = 16 on AVX2+FMA cores such as Zen 2/3; 32 with
AVX-512); it is an upper bound that the clock actually sustained may not meet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from benchmarks.common import cpu_flags, cpu_mhz, measure


@dataclass(frozen=True)
class Peak:
    dgemm_gflops: float
    dgemm_n: int
    nominal_gflops: float | None
    nominal_note: str


def measure_peak(n: int = 2048, repeats: int = 5) -> Peak:
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    t = measure(lambda: a @ b, repeats=repeats)
    flags = cpu_flags()
    per_cycle = 32 if "avx512f" in flags else 16 if {"avx2", "fma"} <= flags else 8 if "avx" in flags else 4
    mhz = cpu_mhz()
    import os

    cores = os.cpu_count() or 1
    if mhz:
        nominal = cores * mhz * 1e-3 * per_cycle
        note = f"{cores} cores x {mhz / 1e3:.2f} GHz x {per_cycle} flops/cycle (from the ISA flags)"
    else:
        nominal, note = None, "clock unknown"
    return Peak(2 * n**3 / t.median_s / 1e9, n, nominal, note)
