"""Cold-start wall time of ``eoscheck loss "log(1+exp(z)) - 0.8*z"`` (issue 3 target: under 10 s on 2 cores).

Each run is a fresh interpreter (imports, sympy, flint, JAX start-up and compilation included), measured
three ways so a busy shared machine can be told from a slow command: wall time, the CPU time of the child
(user + sys, which load from other processes does not inflate), and the load average before the run.
Variants: the full default command (10,000 trajectories per eta, 2 default etas, certified diagram, one
mpmath replay per eta) and the certified part alone (``--no-sim``).

    python -m benchmarks.loss_cold_start [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPR = "log(1+exp(z)) - 0.8*z"
VARIANTS = {"full (default)": [], "certified only (--no-sim)": ["--no-sim"]}


def one_run(extra: list[str]) -> tuple[float, float, float, int]:
    """(wall s, child CPU s, load average, exit code) of one fresh `eoscheck loss` process."""
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "checker.cli.main", "loss", EXPR, *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, load, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}  command: eoscheck loss {EXPR!r}")
    for name, extra in VARIANTS.items():
        rows = [one_run(extra) for _ in range(args.runs)]
        walls, cpus, loads, codes = zip(*rows, strict=True)
        print(
            f"{name:28s} wall median {statistics.median(walls):6.2f} s (min {min(walls):.2f})  "
            f"CPU median {statistics.median(cpus):6.2f} s  load avg {statistics.median(loads):.1f}  exit {set(codes)}"
        )


if __name__ == "__main__":
    main()
