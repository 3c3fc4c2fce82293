"""``eoscheck run --profile ci``: in-process against an embedded Dask LocalCluster (``--workers 2``).

Both are fresh processes with the same seed, run one after the other; the wall time includes the cluster's
start-up (worker processes importing JAX, sympy and the catalogue). Each run starts from an empty
Hypothesis example database (``EOSCHECK_EXAMPLE_DB``), so neither replays what the other found. The
verdicts, Hypothesis statistics and sweeps (whose chunks run as tasks on the workers) of the two runs are
compared claim by claim: the engine must not change a result.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261127


@dataclass
class DaskRow:
    engine: str
    wall_s: float | None
    claims: int
    note: str = ""


def _run(extra: list[str], profile: str, timeout: float, db: str) -> tuple[float, dict[str, Any] | None, str]:
    argv = [sys.executable, "-m", "checker.cli.main", "run", "--profile", profile, "--seed", str(SEED)]
    argv += ["--no-report", "--json", *extra]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            argv,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), "EOSCHECK_EXAMPLE_DB": db},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return time.perf_counter() - t0, None, "timed out"
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        return wall, None, f"exit code {proc.returncode}: {proc.stderr.strip().splitlines()[-1:]}"
    return wall, json.loads(proc.stdout), ""


# what may differ between engines in a sweep's line: its time and rate, and where its chunks ran
_SWEEP_WHERE = re.compile(r" in [0-9.]+ s \([^)]*\)|; \d+ chunks( on \d+ Dask worker\(s\))?")


def _fingerprint(payload: dict[str, Any]) -> dict[str, Any]:
    """Per claim: the verdict, the evidence's summary and margin, the Hypothesis statistics, and the sweep's
    line without its timing (N swept, worst margin and where, the explicit examples' count)."""
    return {
        c["id"]: (
            c["verdict"],
            c["evidence"]["summary"],
            c["evidence"]["margin"],
            c["hypothesis"],
            [_SWEEP_WHERE.sub("", n) for n in c["notes"] if n.startswith("sweep:")],
        )
        for c in payload["claims"]
    }


def run(profile: str = "ci", workers: int = 2, timeout: float = 900) -> tuple[list[DaskRow], str]:
    rows, payloads = [], {}
    for engine, extra in (("in-process", []), (f"Dask LocalCluster, {workers} workers", ["--workers", str(workers)])):
        with tempfile.TemporaryDirectory() as db:  # an empty example database each: nothing replayed
            wall, payload, note = _run(extra, profile, timeout, db)
        rows.append(DaskRow(engine, wall if payload else None, len(payload["claims"]) if payload else 0, note))
        if payload:
            payloads[engine] = _fingerprint(payload)
    if len(payloads) < 2:
        return rows, "not compared (a run failed)"
    a, b = payloads.values()
    diff = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    if diff:
        for k in diff[:3]:  # what differs, for the person reading the benchmark log
            print(f"dask_run: {k}: in-process {a.get(k)} vs Dask {b.get(k)}", file=sys.stderr)
    return rows, "identical verdicts and statistics" if not diff else f"DIFFERENT for {', '.join(diff)}"


def main(argv: list[str] | None = None) -> int:
    """Run both engines and rewrite section 7 of RESULTS.md (and its summary row) in place."""
    import argparse

    from benchmarks import notes, results_section, run_all

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--profile", default="ci")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=str(results_section.RESULTS))
    args = parser.parse_args(argv)
    rows, same = run(profile=args.profile, workers=args.workers)
    section = run_all._dask_section(rows, same, args.profile)
    row = notes._dask_target(rows, same)
    results_section.update("## 7. Dask LocalCluster", section, "| Dask LocalCluster:", row, Path(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
