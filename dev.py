#!/usr/bin/env python3
"""One entry point for a fresh clone: installs eos-checker into ./.venv, then runs a job.

    python3 dev.py run [ARGS...]     # eoscheck run (quick profile, report into reports/)
    python3 dev.py test [--slow]     # ruff (lint + format check), mypy, then the test suite (what CI runs);
                                     # --slow runs the slow tests too
    python3 dev.py bench [ARGS...]   # benchmarks -> benchmarks/RESULTS.md
    python3 dev.py eoscheck ARGS...  # any eoscheck command

Why a script and not instructions: the README promises two commands on a machine with only Python and
pip. The virtual environment is (re)installed only when pyproject.toml changes, so later calls start at
once.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".eos-checker-installed"


def _venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _ensure_installed() -> Path:
    if sys.version_info < (3, 11):  # noqa: UP036 -- dev.py runs under whatever python3 the user has
        sys.exit(f"dev.py: eos-checker needs Python 3.11 or newer (this is {sys.version.split()[0]})")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    python = _venv_python()
    if python.exists() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        return python
    if not python.exists():
        print("dev.py: creating .venv ...", file=sys.stderr, flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("dev.py: installing eos-checker and its dependencies into .venv ...", file=sys.stderr, flush=True)
    pip = [str(python), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "-e", f"{ROOT}[test]"], check=True)
    STAMP.write_text(wanted)
    return python


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 0 if argv else 2
    job, rest = argv[0], argv[1:]
    python = _ensure_installed()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if job == "run":
        cmd = [str(python), "-m", "checker.cli.main", "run", *rest]
    elif job == "test":
        slow = "--slow" in rest
        rest = [a for a in rest if a != "--slow"]
        markers = ["-m", ""] if slow else []
        for lint in (["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy"]):
            code = subprocess.call([str(python), "-m", *lint], cwd=ROOT, env=env)
            if code:
                return code
        cmd = [str(python), "-m", "pytest", "-n", "2", *markers, *rest]
    elif job == "bench":
        cmd = [str(python), "-m", "benchmarks.run_all", *rest]
    elif job == "eoscheck":
        cmd = [str(python), "-m", "checker.cli.main", *rest]
    else:
        print(f"dev.py: unknown job {job!r}; use run, test, bench or eoscheck", file=sys.stderr)
        return 2
    return subprocess.call(cmd, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
