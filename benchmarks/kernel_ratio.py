"""Full-semantics batch kernel vs a bare jitted loop, interleaved: ``python -m benchmarks.kernel_ratio``.

Why interleaved. On a shared machine the load changes within seconds, and a multi-threaded XLA loop loses
more to it than a single-threaded one, so measuring the kernel and the reference one after the other (as
section 1 does) moves their ratio by 2-4x between runs. Here every round calls each implementation once,
in turn, on the same batch, and the figure reported is the median over rounds of the per-round ratio, with
its range and the load average.

Implementations, per trajectory-step (each call's time divided by trajectories x steps it ran):
* ``full``: ``simulate_product_batch`` with its whole semantics on the benchmark's starts (about half the
  quartic trajectories land exactly on a minimiser within 180 steps, so events are resolved every block);
* ``full, no events``: the same kernel with eta 1e4 times smaller (nothing stops);
* ``bare``: a jitted ``fori_loop`` of plain steps with XLA's default options (the target's reference);
* ``bare, kernel options``: the same loop compiled with the kernel's XLA options (``compiler_options()``
  of product_jax), so the option's share of the gain is visible;
* ``numpy full``: numpy with the kernel's semantics (events, freezing, stop steps, the period-2 record).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from benchmarks import gd_throughput
from benchmarks.common import load_average
from checker.loss import Loss

LOSSES = {"quartic": "(z**2-1)**2/4", "log(1+e^z) - 0.8 z": "log(1+exp(z)) - 0.8*z"}
IMPLS = ("full", "full, no events", "bare", "bare, kernel options", "numpy full")


@dataclass(frozen=True)
class KernelRatio:
    loss: str
    n: int
    steps: int
    rounds: int
    stopped: float  # fraction of trajectories that stopped within the budget (full run)
    rates: dict[str, float]  # median trajectory-steps/s per implementation
    ratios: dict[str, tuple[float, float, float]]  # name -> (median, min, max) of per-round ratios
    load: str


def _bare(loss: Loss, options: dict[str, Any] | None) -> Any:
    import jax

    l1 = loss.jax(1)

    def run(x: Any, y: Any, eta: Any, steps: Any) -> Any:
        def body(_: Any, c: Any) -> Any:
            e = eta * l1(c[0] * c[1])
            return c[0] - e * c[1], c[1] - e * c[0]

        return jax.lax.fori_loop(0, steps, body, (x, y))

    return jax.jit(run, compiler_options=options)


def measure(name: str, n: int = 10**5, steps: int = 180, rounds: int = 9, numpy_steps: int = 20) -> KernelRatio:
    import jax

    from checker.simulate.product_jax import compiler_options, simulate_product_batch

    loss = Loss.from_string(LOSSES[name])
    x0, y0, eta = gd_throughput.starts(n)
    full = partial(simulate_product_batch, loss, x0, y0, eta, steps=steps)
    quiet = partial(simulate_product_batch, loss, x0, y0, eta * 1e-4, steps=steps)
    ran = min(steps, int(full().stop_step.max()) + 1)  # the kernel exits once every trajectory has stopped
    stopped = float(np.mean(full().stop_step < steps))
    jx = [jax.numpy.asarray(v) for v in (x0, y0, eta)]
    bare, bare_opt = _bare(loss, None), _bare(loss, compiler_options())
    np_l1 = gd_throughput._numpy_l1(loss)

    def numpy_full() -> None:
        with np.errstate(all="ignore"):
            gd_throughput.numpy_full_loop(np_l1, x0, y0, eta, numpy_steps)

    calls: dict[str, tuple[Callable[[], Any], int]] = {
        "full": (full, ran),
        "full, no events": (quiet, steps),
        "bare": (lambda: jax.block_until_ready(bare(*jx, steps)), steps),
        "bare, kernel options": (lambda: jax.block_until_ready(bare_opt(*jx, steps)), steps),
        "numpy full": (numpy_full, numpy_steps),
    }
    for fn, _ in calls.values():
        fn()  # compile / warm up
    load_start = load_average()
    per_round: dict[str, list[float]] = {k: [] for k in calls}
    for _ in range(rounds):
        for key, (fn, k_steps) in calls.items():
            t = time.perf_counter()
            fn()
            per_round[key].append(n * k_steps / (time.perf_counter() - t))
    pairs = {
        "full / bare": ("full", "bare"),
        "full, no events / bare": ("full, no events", "bare"),
        "full / bare with the kernel's options": ("full", "bare, kernel options"),
        "full / numpy full": ("full", "numpy full"),
    }
    ratios = {}
    for label, (a, b) in pairs.items():
        r = [u / v for u, v in zip(per_round[a], per_round[b], strict=True)]
        ratios[label] = (statistics.median(r), min(r), max(r))
    rates = {k: statistics.median(v) for k, v in per_round.items()}
    return KernelRatio(name, n, steps, rounds, stopped, rates, ratios, f"{load_start} -> {load_average()}")


def run(n: int = 10**5, steps: int = 180, rounds: int = 9) -> list[KernelRatio]:
    return [measure(name, n, steps, rounds) for name in LOSSES]


def markdown(rows: list[KernelRatio]) -> list[str]:
    if not rows:
        return []
    r0 = rows[0]
    out = [
        f"Full kernel vs bare loop, interleaved (`python -m benchmarks.kernel_ratio`): batch {r0.n:.0e}, "
        f"{r0.steps} steps, {r0.rounds} rounds; each cell is the median over rounds of the per-round ratio "
        "(range in brackets). The target (within 1.5x of bare) is full / bare >= 0.67.",
        "",
        "| loss | stopped | " + " | ".join(r0.ratios) + " | full, traj-steps/s | bare, traj-steps/s | load |",
        "|---|---:|" + "---:|" * len(r0.ratios) + "---:|---:|---|",
    ]
    for r in rows:
        cells = [f"{m:.2f} ({lo:.2f}-{hi:.2f})" for m, lo, hi in r.ratios.values()]
        out.append(
            f"| {r.loss} | {100 * r.stopped:.0f}% | "
            + " | ".join(cells)
            + f" | {r.rates['full']:.3g} | {r.rates['bare']:.3g} | {r.load} |"
        )
    return [*out, ""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=float, default=1e5)
    parser.add_argument("--steps", type=int, default=180)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args(argv)
    if args.batch < 1 or args.steps < 1 or args.rounds < 1:
        parser.error("--batch, --steps and --rounds must be >= 1")
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs", flush=True)
    print("\n".join(markdown(run(int(args.batch), args.steps, args.rounds))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
