"""Certified GD: float64 interval batches (``interval_batch``) against arb balls (``product_ball``).

Both produce rigorous enclosures of the exact GD iterates on the quartic (z^2-1)^2/4 in mean-value form.
``product_ball`` certifies one trajectory at a time in arb (the path the checks use, 256 bits by default;
128 bits shown too); ``simulate_interval_batch`` certifies a whole batch, compiled (numba: the whole
mean-value step fused per block of trajectories) and with one numpy call per interval operation (the
reference engine; both compute the same floats). The rate counts *certified* trajectory-steps: steps of
trajectories still enclosed (a trajectory proved divergent or whose enclosure grew too wide stops counting
at that step). The arb trajectory starts at (1.2, 0.7), eta 0.3; the batch starts uniformly in
[0.5, 1.5]^2 with eta in [0.05, 0.3]. The compiled engine's first call (numba compilation, or loading it
from numba's disk cache) is excluded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial

import numpy as np

from benchmarks.common import measure
from checker.loss import Loss
from checker.simulate.interval_batch import OK, simulate_interval_batch
from checker.simulate.product_ball import simulate_product_ball

QUARTIC = "(z**2-1)**2/4"
SIZES = (10**3, 10**4, 10**5)
COMPILED = "float64 interval batch, compiled (numba)"
ENGINES = {"numba": COMPILED, "numpy": "float64 interval batch, numpy"}


@dataclass
class CertRow:
    impl: str
    batch: int
    steps: int
    rate: float  # certified trajectory-steps per second
    certified_fraction: float


def run(sizes: tuple[int, ...] = SIZES, steps: int = 200, arb_steps: int = 2000, repeats: int = 3) -> list[CertRow]:
    loss = Loss.from_string(QUARTIC)
    rows = []
    for bits in (256, 128):
        ball = partial(simulate_product_ball, loss, "1.2", "0.7", "0.3", steps=arb_steps, prec=bits, record_every=0)
        status = ball().status
        t = measure(ball, repeats=repeats, warmup=False)
        rows.append(
            CertRow(f"arb product_ball, {bits} bits", 1, arb_steps, arb_steps / t.median_s, float(status == "budget"))
        )
    for n in sizes:
        rng = np.random.default_rng(n)
        x0, y0, eta = rng.uniform(0.5, 1.5, n), rng.uniform(0.5, 1.5, n), rng.uniform(0.05, 0.3, n)
        for engine, impl in ENGINES.items():
            fn = partial(simulate_interval_batch, loss, x0, y0, eta, steps=steps, engine=engine)
            res = fn()  # untimed: compiles the numba engine (or loads it from numba's disk cache)
            done = int(np.minimum(res.stop_step, steps).sum())
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t0)
            rate = done / float(np.median(times))
            rows.append(CertRow(impl, n, steps, rate, float(np.mean(res.status == OK))))
    return rows


def arb_rate(rows: list[CertRow], bits: int) -> float | None:
    return next((r.rate for r in rows if r.impl == f"arb product_ball, {bits} bits"), None)


def batch_rate(rows: list[CertRow], n: int) -> float | None:
    return next((r.rate for r in rows if r.impl == COMPILED and r.batch == n), None)
