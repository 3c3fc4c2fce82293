"""Bad input reaches the user as one line and exit code 2, never as a traceback (checker/errors.py,
checker/cli/main.py, checker/cli/common.py); precision and learning-rate inputs are validated up front."""

from __future__ import annotations

import importlib.machinery
import math
import sys
import types

import click
import pytest

from checker.cli import common
from checker.cli import main as cli_main
from checker.errors import UserInputError
from checker.loss import Loss


def _run(argv, capsys):
    code = cli_main.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_user_input_error_is_one_line():
    assert str(UserInputError("first line\n  second line")) == "first line second line"


@pytest.fixture
def loss_probe(monkeypatch):
    """A throw-away subcommand that parses a loss, so the test exercises main()'s error path end to end."""

    @click.command()
    @click.argument("expr")
    @click.option("--param", "-p", multiple=True)
    def command(expr: str, param: tuple[str, ...]) -> None:
        loss = Loss.from_string(expr, common.parse_params(param))
        click.echo(loss.describe())

    module = types.ModuleType("checker.cli.probe_cmd")
    module.command = command
    module.__spec__ = importlib.machinery.ModuleSpec("checker.cli.probe_cmd", None)
    monkeypatch.setitem(sys.modules, "checker.cli.probe_cmd", module)
    monkeypatch.setattr(cli_main, "SUBCOMMANDS", [*cli_main.SUBCOMMANDS, ("probe", "probe_cmd")])


def test_probe_accepts_good_input(loss_probe, capsys):
    code, out, err = _run(["probe", "log(1+exp(z)) - p*z", "-p", "p=0.8"], capsys)
    assert code == 0, err
    assert "p=4/5" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["probe", "__import__('os').system('echo pwned')"], "allowed"),
        (["probe", "z +"], "syntax error"),
        (["probe", "p*z"], "p=VALUE"),
        (["probe", "p*z", "-p", "p=nan"], "not finite"),
        (["probe", "p*z", "-p", "p"], "NAME=VALUE"),
        (["probe", "p*z", "-p", "p=1", "-p", "p=2"], "given twice"),
        (["probe", "z**10**10"], "exponent"),
        (["probe", ""], "empty"),
    ],
)
def test_bad_loss_input_exits_2_with_one_line(loss_probe, capsys, argv, needle):
    code, out, err = _run(argv, capsys)
    assert code == common.EXIT_BAD_INPUT
    assert "Traceback" not in err and "pwned" not in out
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("eoscheck: error: ")
    assert needle.lower() in lines[0].lower()


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["run", "no_such_property_id", "--no-report"], "unknown property id"),
        (["run", "--jobs", "0", "--no-report"], "--jobs"),
        (["list", "definitely_missing_file.py"], "no such file"),
    ],
)
def test_real_subcommands_report_bad_input_in_one_line(capsys, argv, needle):
    code, _, err = _run(argv, capsys)
    assert code == common.EXIT_BAD_INPUT
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert needle in lines[0]


def test_usage_errors_exit_2(capsys):
    code, _, err = _run(["no-such-command"], capsys)
    assert code == common.EXIT_BAD_INPUT
    assert "Traceback" not in err


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "0", "-0.1", "abc", ""])
def test_parse_eta_refuses(text):
    with pytest.raises(UserInputError) as info:
        common.parse_eta(text)
    assert "eta" in str(info.value)


def test_parse_eta_accepts():
    assert math.isclose(common.parse_eta("0.05"), 0.05)


def test_parse_params_keeps_strings_for_exactness():
    assert common.parse_params(["p=0.8", " q = 1/3 "]) == {"p": "0.8", "q": "1/3"}
