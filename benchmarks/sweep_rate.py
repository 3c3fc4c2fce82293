"""Instances checked per second per swept property: the sweep phase against Hypothesis alone, same run.

``eoscheck run ID --profile ci`` for each catalogue property that declares a sweep, once as is and once with
``EOSCHECK_NO_SWEEP=1``, each in a fresh process (both pay the same imports and JAX start-up; the compilation
of the sweep's own kernel is inside its time) with an empty Hypothesis example database. Without the sweep the
instances are Hypothesis's examples; with it, the N swept instances plus Hypothesis's examples (which now
include the sweep's worst). The rate divides by the property's own check time as the runner records it (sweep
included), not the process's.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_N = re.compile(r"^sweep: (\d+) instances")


@dataclass
class SweepRow:
    prop_id: str
    with_sweep: bool
    instances: int
    seconds: float
    verdict: str

    @property
    def rate(self) -> float:
        return self.instances / self.seconds if self.seconds > 0 else 0.0


def _run(prop_id: str, profile: str, sweep: bool) -> SweepRow | None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if not sweep:
        env["EOSCHECK_NO_SWEEP"] = "1"
    argv = [sys.executable, "-m", "checker.cli.main", "run", prop_id, "--profile", profile, "--no-report", "--json"]
    with tempfile.TemporaryDirectory() as db:  # an empty example database each: neither run replays the other's
        env["EOSCHECK_EXAMPLE_DB"] = db
        proc = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=900)
    if proc.returncode not in (0, 1):
        return None
    (claim,) = json.loads(proc.stdout)["claims"]
    swept = next((int(m.group(1)) for n in claim["notes"] if (m := _N.match(n))), 0)
    return SweepRow(prop_id, sweep, swept + claim["hypothesis"]["examples"], claim["seconds"], claim["verdict"])


def swept_ids() -> tuple[str, ...]:
    """Every catalogue property that declares a sweep, in catalogue order."""
    from checker.registry import catalogue

    return tuple(p.id for p in catalogue() if p.sweep is not None)


def run(profile: str = "ci", props: tuple[str, ...] | None = None) -> list[SweepRow]:
    rows = []
    for prop_id in props if props is not None else swept_ids():
        for sweep in (False, True):
            row = _run(prop_id, profile, sweep)
            if row is not None:
                rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Measure every swept property and rewrite section 5 of RESULTS.md (and its summary row) in place."""
    import argparse

    from benchmarks import notes, results_section, run_all

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--profile", default="ci")
    parser.add_argument("--out", default=str(results_section.RESULTS))
    args = parser.parse_args(argv)
    rows = run(profile=args.profile)
    section = run_all._sweep_section(rows, args.profile)
    summary = notes._sweep_target(rows)
    results_section.update("## 5. Sweep phase", section, "| sweep phase:", summary, Path(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
