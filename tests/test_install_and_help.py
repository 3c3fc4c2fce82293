"""A regular install works, every --help states the exit-code contract, and the newcomer's path holds:
the schema ships inside the package, imports are explicit, the README's example is the shipped file, and
dev.py works in the caller's directory and keeps pip's output out of sight."""

from __future__ import annotations

import errno
import importlib.util
import io
import json
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from checker.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[1]


def _load_dev():
    spec = importlib.util.spec_from_file_location("dev_under_test", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_needs_no_import_done_by_someone_else():
    """No site processing (-S): nothing else has imported importlib.util, as in a regular install."""
    env = {"PYTHONPATH": f"{ROOT}:{sysconfig.get_paths()['purelib']}", "PATH": "/usr/bin:/bin"}
    code = "from checker.cli import main as m; print(m._module_exists('list_cmd'))"
    proc = subprocess.run([sys.executable, "-S", "-c", code], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "True"


def test_schema_is_package_data_and_identical_to_the_repository_copy():
    from importlib.resources import files

    from checker.report.document import SCHEMA_RESOURCE, schema

    packaged = files("checker.report").joinpath(SCHEMA_RESOURCE)
    assert packaged.is_file()
    repo_copy = ROOT / "reports" / "schema" / "report-v1.schema.json"
    assert repo_copy.read_bytes() == packaged.read_bytes(), (
        "reports/schema/ and checker/report/schema/ differ: eoscheck loads the package copy; after editing one, "
        "copy it over the other (e.g. cp reports/schema/report-v1.schema.json checker/report/schema/)"
    )
    assert schema() == json.loads(repo_copy.read_text())
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"checker.report" = ["schema/*.json"]' in pyproject


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_the_repository():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "wheel_smoke.py")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("command", ["list", "show", "run", "loss", "report", "verify", "network"])
def test_every_help_states_the_exit_codes_and_types_its_numbers(command, capsys):
    assert cli_main.main([command, "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Exit codes: 0 success;" in text
    assert "3 internal error" in text
    assert "see the docs" not in text
    for option in ("--runs", "--steps", "--prec", "--max-prec", "--eta", "--seed", "--jobs"):
        assert not re.search(rf"{option} TEXT", text), f"{option} is typed TEXT in `{command} --help`"
    assert ("; 1 " in text) == (command in ("run", "loss", "verify", "network"))  # list and report never return 1


def test_top_level_help_states_the_contract(capsys):
    assert cli_main.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "3  internal error" in out and "2  bad input or environment" in out


def test_readme_documents_the_exit_codes_and_the_verify_legend():
    readme = (ROOT / "README.md").read_text()
    assert "## Exit codes" in readme
    for row in ("| 0 |", "| 1 |", "| 2 |", "| 3 |"):
        assert row in readme
    assert "`OK`" in readme and "`--`" in readme


def test_readme_example_is_the_shipped_file_verbatim():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    example = (ROOT / "examples" / "my_props.py").read_text()
    assert example in blocks, "the README's user-property block must be examples/my_props.py verbatim"


def test_the_example_passes_the_projects_linters_wherever_it_is_copied(tmp_path):
    """A user who saves the README's file in the repository must not break `dev.py test` (ruff)."""
    copy = tmp_path / "my_props.py"
    copy.write_text((ROOT / "examples" / "my_props.py").read_text())
    config = ["--config", str(ROOT / "pyproject.toml")]
    for lint in (["check", *config, str(copy)], ["format", "--check", *config, str(copy)]):
        proc = subprocess.run([sys.executable, "-m", "ruff", *lint], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_dev_runs_eoscheck_in_the_callers_directory(tmp_path, monkeypatch):
    dev = _load_dev()
    calls = []
    monkeypatch.setattr(dev, "_ensure_installed", lambda: Path(sys.executable))
    monkeypatch.setattr(dev.subprocess, "call", lambda cmd, **kw: calls.append((cmd, kw)) or 0)
    monkeypatch.chdir(tmp_path)
    assert dev.main(["eoscheck", "run", "my_props.py"]) == 0
    assert dev.main(["run", "--seed", "1"]) == 0
    for _cmd, kw in calls:
        assert Path(kw["cwd"]) == tmp_path  # my_props.py and reports/ resolve here, not in the repository
        assert str(ROOT) in kw["env"]["PYTHONPATH"].split(":")


def test_dev_setup_prints_one_line_per_phase_and_logs_pip(tmp_path, monkeypatch, capsys):
    dev = _load_dev()
    venv_dir = tmp_path / ".venv"
    (venv_dir / "bin").mkdir(parents=True)
    (venv_dir / "bin" / "python").write_text("")  # exists: no new venv is created
    monkeypatch.setattr(dev, "VENV", venv_dir)
    monkeypatch.setattr(dev, "STAMP", venv_dir / ".stamp")
    monkeypatch.setattr(dev, "PIP_LOG", venv_dir / "pip-install.log")
    monkeypatch.setattr(dev, "ROOT", ROOT)
    monkeypatch.setattr(dev, "_venv_python", lambda: venv_dir / "bin" / "python")

    def fake_pip(cmd, stdout=None, stderr=None, **kw):
        for _ in range(31):
            stdout.write("WARNING: pip noise the user should not have to read\n")
        return 0

    monkeypatch.setattr(dev.subprocess, "call", fake_pip)
    dev._ensure_installed()
    err = capsys.readouterr().err
    assert "WARNING" not in err
    assert all(line.startswith("dev.py: ") for line in err.splitlines())
    assert len(err.splitlines()) <= 3
    assert (venv_dir / "pip-install.log").read_text().count("WARNING") == 31


def test_every_data_file_of_the_package_is_declared_package_data() -> None:
    """A data file the code reads but pyproject does not declare is missing from a wheel (the verifier's
    catalogue.json was: `verify` crashed after a regular install while the editable one worked)."""
    import fnmatch
    import tomllib

    root = Path(__file__).resolve().parent.parent
    declared = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    for path in (root / "checker").rglob("*"):
        if not path.is_file() or path.suffix in {".py", ".pyc", ".pyi"} or "__pycache__" in path.parts:
            continue
        rel = path.relative_to(root)
        owners = [".".join(rel.parts[:i]) for i in range(1, len(rel.parts))]
        ok = any(
            fnmatch.fnmatch("/".join(rel.parts[len(pkg.split(".")) :]), pattern)
            for pkg in owners
            for pattern in declared.get(pkg, [])
        )
        assert ok, f"{rel} is not declared in [tool.setuptools.package-data]; a wheel would not ship it"


def test_a_closed_output_pipe_is_not_an_error(monkeypatch, capsys):
    """`eoscheck show --markdown | head -1`: the reader goes away. click turns the EPIPE into sys.exit(1), which
    once read as "a file given to eoscheck called sys.exit" (exit 2 and an error line); it is the SIGPIPE code
    141 with nothing on stderr, as for any Unix tool. (In process: whether a real pipe reports EPIPE depends on
    how much the kernel buffers before the reader exits.)"""

    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert cli_main.main(["show", "--markdown"]) == 141
    assert capsys.readouterr().err == ""


def test_a_file_calling_sys_exit_is_still_reported():
    """The EPIPE branch must not swallow the other SystemExit: one raised while eoscheck runs (here, by a
    stand-in for a user's file) is still the one-line error with exit 2."""
    import click

    @click.command()
    def boom() -> None:
        sys.exit(1)

    cli_main.cli.add_command(boom, "boom-test")
    try:
        assert cli_main.main(["boom-test"]) == 2
    finally:
        cli_main.cli.commands.pop("boom-test", None)
