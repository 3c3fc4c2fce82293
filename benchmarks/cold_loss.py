"""Cold ``eoscheck loss "log(1+exp(z)) - 0.8*z"``: this tree against the previous release, in the same run.

Each run is a fresh interpreter. Variants, run interleaved (baseline, then each variant of this tree, then
again) so that load from other processes on a shared machine hits all of them alike:

* ``previous release``: the tree at ``BASELINE_REF`` (``git archive``, unpacked to a temporary directory),
  the main branch before this round of cold-start work, with its own persistent cache warmed the same way;
* ``this tree, cache warm``: the usual case after the first run on a machine (the batch kernels are loaded
  whole from the cache, here a private directory filled by one untimed run: no tracing, lowering or XLA
  compile);
* ``this tree, first run``: an empty cache directory for every run (what a fresh install pays once);
* ``this tree, cache off``: ``EOSCHECK_NO_JAX_CACHE=1``;
* ``this tree, certified part only``: ``--no-sim``, cache warm (what the simulations cost is the difference).

Wall time and child CPU time (user + sys) are both reported: load from other processes inflates wall
time, much less the CPU time (the 2.5 s target is met when the warm run's figures are below it on an
otherwise idle 2-core machine; on a loaded one the CPU column is the figure to read).

    python -m benchmarks.cold_loss [--runs 3] [--baseline REF]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPR = "log(1+exp(z)) - 0.8*z"
BASELINE_REF = "8018223"  # the previous release: main before this round of cold-start work


@dataclass
class ColdRow:
    variant: str
    wall_s: float | None  # median
    cpu_s: float | None  # median child user + sys
    runs: int
    note: str = ""


def _once(tree: Path, env: dict[str, str], extra: tuple[str, ...] = ()) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "checker.cli.main", "loss", EXPR, *extra],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree), **env},
        capture_output=True,
        check=False,
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), proc.returncode


def _unpack(ref: str, dest: Path) -> str | None:
    """The tree at ``ref`` under ``dest``; an error message if git cannot produce it."""
    proc = subprocess.run(["git", "archive", "--format=tar", ref], cwd=ROOT, capture_output=True, check=False)
    if proc.returncode != 0:
        return proc.stderr.decode(errors="replace").strip()[:160]
    with tarfile.open(fileobj=BytesIO(proc.stdout)) as tar:
        tar.extractall(dest, filter="data")
    return None


def run(runs: int = 3, baseline_ref: str = BASELINE_REF) -> list[ColdRow]:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "baseline"
        error = _unpack(baseline_ref, base)
        warm_dir, base_warm = Path(tmp) / "warm-cache", Path(tmp) / "baseline-warm-cache"
        _once(ROOT, {"EOSCHECK_JAX_CACHE_DIR": str(warm_dir)})  # fills the warm cache (untimed)
        if error is None:
            _once(base, {"EOSCHECK_JAX_CACHE_DIR": str(base_warm)})
        warm = {"EOSCHECK_JAX_CACHE_DIR": str(warm_dir)}
        variants: dict[str, tuple[Path, dict[str, str], tuple[str, ...]]] = {
            "this tree, cache warm": (ROOT, warm, ()),
            "this tree, first run (empty cache)": (ROOT, {}, ()),
            "this tree, cache off (EOSCHECK_NO_JAX_CACHE=1)": (ROOT, {"EOSCHECK_NO_JAX_CACHE": "1"}, ()),
            "this tree, certified part only (--no-sim), cache warm": (ROOT, warm, ("--no-sim",)),
        }
        if error is None:
            prev = f"previous release {baseline_ref}, cache warm"
            variants = {prev: (base, {"EOSCHECK_JAX_CACHE_DIR": str(base_warm)}, ()), **variants}
        samples: dict[str, list[tuple[float, float, int]]] = {k: [] for k in variants}
        for i in range(runs):
            for name, (tree, env, extra) in variants.items():
                if name.startswith("this tree, first run"):
                    env = {"EOSCHECK_JAX_CACHE_DIR": str(Path(tmp) / f"fresh-{i}")}
                samples[name].append(_once(tree, env, extra))
    rows = []
    for name, got in samples.items():
        if any(code != 0 for _, _, code in got):
            rows.append(ColdRow(name, None, None, 0, f"skipped: exit codes {[c for _, _, c in got]}"))
            continue
        rows.append(
            ColdRow(name, statistics.median(w for w, _, _ in got), statistics.median(c for _, c, _ in got), runs)
        )
    if error is not None:
        rows.insert(0, ColdRow(f"previous release {baseline_ref}", None, None, 0, f"skipped: {error}"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", default=BASELINE_REF, help="git ref of the previous release")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}  load average: {os.getloadavg()[0]:.1f}  command: eoscheck loss {EXPR!r}")
    for row in run(args.runs, args.baseline):
        wall = "-" if row.wall_s is None else f"{row.wall_s:6.2f}"
        cpu = "-" if row.cpu_s is None else f"{row.cpu_s:6.2f}"
        print(f"{row.variant:58s} wall {wall} s  CPU {cpu} s  runs {row.runs}  {row.note}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
