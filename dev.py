#!/usr/bin/env python3
"""One entry point for a fresh clone: installs eos-checker into ./.venv, then runs a job.

    python3 dev.py run [ARGS...]     # eoscheck run (quick profile, report into reports/)
    python3 dev.py test [--slow]     # ruff (lint + format check), mypy, then the test suite (what CI runs);
                                     # --slow runs the slow tests too
    python3 dev.py bench [ARGS...]   # benchmarks -> benchmarks/RESULTS.md
    python3 dev.py eoscheck ARGS...  # any eoscheck command

Why a script and not instructions: the README promises two commands on a machine with only Python and
pip. The virtual environment is (re)installed only when pyproject.toml changes, so later calls start at
once. Set-up prints one line per phase; pip's own output goes to .venv/pip-install.log (shown only if the
installation fails).

`run` and `eoscheck` work in the directory you call dev.py from: `python3 dev.py eoscheck run my_props.py`
finds my_props.py there and writes its report into ./reports there, wherever the repository is.
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
PIP_LOG = VENV / "pip-install.log"


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
        _phase("creating the virtual environment .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    _phase(f"installing eos-checker and its dependencies into .venv (pip's log: {PIP_LOG})")
    pip = [str(python), "-m", "pip", "--disable-pip-version-check", "--no-input"]
    with PIP_LOG.open("w") as log:  # pip's warnings and progress go to the log, not over the project's output
        code = subprocess.call([*pip, "install", "-e", f"{ROOT}[test]"], stdout=log, stderr=subprocess.STDOUT)
    if code:
        tail = PIP_LOG.read_text(errors="replace").splitlines()[-15:]
        sys.exit("dev.py: installation failed; the end of " + str(PIP_LOG) + ":\n" + "\n".join(tail))
    STAMP.write_text(wanted)
    _phase("ready")
    return python


def _phase(text: str) -> None:
    print(f"dev.py: {text}", file=sys.stderr, flush=True)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 0 if argv else 2
    job, rest = argv[0], argv[1:]
    python = _ensure_installed()
    path = os.environ.get("PYTHONPATH")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + (os.pathsep + path if path else ""))
    here = Path.cwd()  # where the user called from: their files and their reports/ are there
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
    # The project's own jobs run in the repository; eoscheck runs where the user is.
    return subprocess.call(cmd, cwd=here if job in {"run", "eoscheck"} else ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
