#!/usr/bin/env python3
"""Build a wheel, install it into a fresh virtual environment and run every command from outside the repo.

Why: an editable install hides what a regular one lacks (package data, imports another module happened to
load). This is what a user of `pip install eos-checker` gets: the commands run from a temporary directory,
with no PYTHONPATH and no checkout anywhere on the path.

    python scripts/wheel_smoke.py            # CI runs it after the test suite (.ci/run)

Cost: the wheel is built from a copy of the sources (so no build/ in the checkout is reused) and installed
with --no-deps; the fresh environment borrows the dependencies already installed for the interpreter that
runs this script (a .pth line naming its site-packages), instead of downloading jax and friends again.
EOS_WHEEL_FULL=1 installs the dependencies from the package index instead (slow, needs the network).
Exit 0 when every command behaved, 1 otherwise (the failing command and its output are printed).
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "reports")
QUICK_IDS = ["GAN-A-L3.1", "GAN-A-FIX", "CLS-DESCENT"]


def _step(text: str) -> None:
    print(f"wheel_smoke: {text}", flush=True)


def _run(cmd: list[str], cwd: Path, env: dict[str, str], expect: int = 0) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    if proc.returncode != expect or "Traceback" in out:
        print(f"wheel_smoke: FAILED (exit {proc.returncode}, expected {expect}): {' '.join(cmd)}\n{out}")
        sys.exit(1)
    return out


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="eos-wheel-smoke-"))
    try:
        src, dist, env_dir, work = tmp / "src", tmp / "dist", tmp / "venv", tmp / "work"
        shutil.copytree(ROOT, src, ignore=SKIP)
        _step("building the wheel")
        pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
        _run([*pip, "wheel", "--no-deps", "-w", str(dist), str(src)], tmp, dict(os.environ))
        wheel = glob.glob(str(dist / "eos_checker-*.whl"))[0]
        _step(f"installing {Path(wheel).name} into a fresh virtual environment")
        venv.EnvBuilder(with_pip=False).create(env_dir)
        python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
        full = os.environ.get("EOS_WHEEL_FULL") == "1"
        install = [*pip, "--python", str(python), "install", wheel] + ([] if full else ["--no-deps"])
        _run(install, tmp, dict(os.environ))
        if not full:
            site = subprocess.check_output(
                [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
            ).strip()
            Path(site, "_eos_smoke_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
        work.mkdir()
        env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}
        where = _run([str(python), "-c", "import checker; print(checker.__file__)"], work, env).strip()
        if not where.startswith(str(env_dir)):
            print(f"wheel_smoke: FAILED: checker imported from {where}, not from the fresh environment")
            return 1
        eos = [str(python), "-m", "checker.cli.main"]
        _step("eoscheck list / run / verify / report / loss, from " + str(work))
        _run([*eos, "list"], work, env)
        _run([*eos, "run", *QUICK_IDS, "--seed", "1"], work, env)
        report = glob.glob(str(work / "reports" / "eoscheck-run-*.json"))[0]
        _run([*eos, "verify", report], work, env)
        _run([*eos, "report", report], work, env)
        _run([*eos, "report", report, "--format", "md", "-o", str(work / "r.md")], work, env)
        loss = [*eos, "loss", "(z**2-1)**2/4", "--domain", "-3,3", "--runs", "20", "--steps", "400", "--json"]
        payload = json.loads(_run(loss, work, env))
        if not payload["minimizers"]:
            print(f"wheel_smoke: FAILED: the loss job found no minimiser:\n{payload}")
            return 1
        _run([*eos, "report", str(work / "missing.json")], work, env, expect=2)
        _step("OK: the wheel installs and every command runs outside the repository")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
