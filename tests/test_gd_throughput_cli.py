"""``python -m benchmarks.gd_throughput`` (the GPU run's entry point) works without python-flint and writes JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# a machine without python-flint: ``import flint`` raises ImportError
NO_FLINT = (
    "import runpy, sys; sys.modules['flint'] = None; sys.argv = ['gd_throughput', *sys.argv[1:]]; "
    "runpy.run_module('benchmarks.gd_throughput', run_name='__main__')"
)


def test_gd_throughput_without_flint_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "gpu.json"
    args = ["--batch", "1e2", "--steps", "10", "--repeats", "1", "--dtype", "float32", "--out", str(out)]
    proc = subprocess.run(
        [sys.executable, "-c", NO_FLINT, *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    doc = json.loads(out.read_text())
    assert {r["impl"] for r in doc["rows"]} == {"full kernel, no events", "bare jitted loop"}
    for r in doc["rows"]:
        assert (r["batch"], r["dtype"], r["steps"]) == (100, "float32", 10)
        assert r["traj_steps_per_s"] == r["batch"] * r["steps"] / r["median_s"]
    assert doc["backend"] and doc["n_devices"] >= 1


def test_gd_throughput_help_and_bad_input() -> None:
    help_ = subprocess.run(
        [sys.executable, "-m", "benchmarks.gd_throughput", "--help"], cwd=ROOT, capture_output=True, text=True
    )
    assert help_.returncode == 0 and "--batch" in help_.stdout and "--dtype" in help_.stdout and "--out" in help_.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "benchmarks.gd_throughput", "--steps", "0"], cwd=ROOT, capture_output=True, text=True
    )
    assert bad.returncode == 2
