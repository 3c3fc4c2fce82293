"""A cold ``eoscheck loss`` imports what it uses and nothing else: no Hypothesis, Dask, scipy, numba, matplotlib
or the property catalogue (each costs 0.1-0.5 s of a cold start that must stay within 2.5 s)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = """
import json, runpy, sys
sys.argv = ["eoscheck", "loss", "log(1+exp(z)) - 0.8*z", "--runs", "16", "--steps", "200", "--no-diagram"]
try:
    runpy.run_module("checker.cli.main", run_name="__main__")
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""
FORBIDDEN = ("hypothesis", "dask", "distributed", "scipy", "numba", "matplotlib", "properties", "checker.catalogue")


def test_the_loss_job_imports_none_of_the_heavy_optional_packages() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EOSCHECK_")} | {"PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True)
    modules = json.loads(out.stderr.strip().splitlines()[-1])
    assert "jax" in modules and "sympy" in modules  # the job really simulated
    loaded = sorted(m for m in modules if m.split(".")[0] in FORBIDDEN or m.startswith(FORBIDDEN))
    assert loaded == []
