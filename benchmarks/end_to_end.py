"""End-to-end wall time and peak memory of the two user commands, each in a fresh process.

``eoscheck loss ...`` cold (a fresh interpreter: imports, parsing, JAX start-up, compilation included) and
``eoscheck run`` with the quick profile. Peak memory is the command's peak RSS (VmHWM, polled every
10 ms from /proc; worker processes it may start are not included). A command that is missing or fails
is reported as skipped with its error, never as a figure.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class E2ERow:
    name: str
    command: str
    wall_s: float | None  # median over the runs
    max_rss_mib: float | None
    runs: int
    note: str


def _once(argv: list[str], timeout: float) -> tuple[float, float, int, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
        deadline, hwm = t + timeout, 0.0
        while True:
            hwm = max(hwm, _vm_hwm_mib(proc.pid))
            pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                return time.perf_counter() - t, hwm, -9, "timed out"
            time.sleep(0.01)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode(errors="replace").strip().splitlines()[-1:] or [""]
    return wall, hwm, proc.returncode, tail[0]


def _vm_hwm_mib(pid: int) -> float:
    """The process's peak RSS so far (VmHWM). Not ``ru_maxrss``: a forked child inherits the parent's
    pre-exec peak there, which for this (large) benchmark process would swamp the command's own figure."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def measure_command(name: str, args: list[str], *, runs: int, ok_codes: tuple[int, ...], timeout: float) -> E2ERow:
    argv = [sys.executable, "-m", "checker.cli.main", *args]
    shown = "eoscheck " + " ".join(f'"{a}"' if " " in a else a for a in args)
    walls, rss = [], []
    for _ in range(runs):
        wall, mib, code, tail = _once(argv, timeout)
        if code not in ok_codes:
            return E2ERow(name, shown, None, None, 0, f"skipped: exit code {code} ({tail[:160]})")
        walls.append(wall)
        rss.append(mib)
    return E2ERow(name, shown, statistics.median(walls), max(rss), runs, "")


def run(runs: int = 3) -> list[E2ERow]:
    rows = [
        measure_command(
            "loss (cold)", ["loss", "log(1+exp(z)) - 0.8*z"], runs=max(1, runs - 1), ok_codes=(0,), timeout=300
        )
    ]
    with tempfile.TemporaryDirectory() as tmp:
        # Exit code 1 means "a claim was refuted": the run itself worked, so it still counts as a timing.
        rows.append(
            measure_command(
                "run (quick profile)",
                ["run", "--profile", "quick", "--report-dir", tmp],
                runs=max(1, runs - 2),
                ok_codes=(0, 1),
                timeout=600,
            )
        )
        rows[-1].command = rows[-1].command.replace(tmp, "TMPDIR")
    return rows
