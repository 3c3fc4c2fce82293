"""What every subcommand shares: the exit-code contract, one-line errors, JSON output, typed options."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

import click

from checker.errors import UserInputError

# The exit-code contract, the same for every command (README "Exit codes", and every --help's epilog).
EXIT_OK = 0  # success
EXIT_REFUTED = 1  # a claim refuted or not established; what exactly, per command: EXIT_ONE_MEANS
EXIT_BAD_INPUT = 2  # bad input or environment: usage, unreadable file, unwritable or full disk, interrupted
EXIT_INTERNAL = 3  # a bug in eos-checker: one line on screen, the traceback in a log file
# The reader of the output went away (`eoscheck loss ... | head`): what a Unix tool killed by SIGPIPE reports
# (128 + 13), so `set -o pipefail` scripts see the same code as for any other tool, and no error is printed.
EXIT_BROKEN_PIPE = 141

EXIT_ONE_MEANS: dict[str, str] = {
    "run": "a claim REFUTED",
    "loss": "a minimiser not product-stable, degenerate or undecided, or no minimiser found",
    "verify": "a certificate failed to re-verify",
    "network": "a claim REFUTED",
}


# What a command's output lines mean, where the lines are terse marks (shown before the exit codes).
OUTPUT_LEGEND: dict[str, str] = {
    "verify": "Lines: OK certificates re-verified; ok a supporting (non-rigorous) claim whose certificates hold; "
    "FAIL a certificate did not re-verify; -- no certificate to check (not PROVED or CERTIFIED).",
}


def exit_codes_help(command: str) -> str:
    """The epilog every subcommand's --help shows: the shared contract with this command's meaning of 1."""
    one = EXIT_ONE_MEANS.get(command)
    legend = OUTPUT_LEGEND.get(command)
    return (
        (legend + "\n\n" if legend else "")
        + "Exit codes: 0 success; "
        + (f"1 {one}; " if one else "")
        + "2 bad input or environment (usage, unreadable file, unwritable or full disk); "
        + "3 internal error (a bug: the message names a log file with the traceback); "
        + "141 the reader of the output closed the pipe (e.g. '| head'), as for any Unix tool."
    )


def fail(message: str) -> None:
    """Raise the one-line user error (main() prints it and exits 2)."""
    raise UserInputError(message)


def print_json(payload: Any) -> None:
    click.echo(json.dumps(payload, indent=2, sort_keys=False))


# A learning rate outside this range is not a learning rate: eta**2 * l''**2 overflows a double at 1e154, and
# 2/eta is no longer a double below 1e-308. The bounds leave every meaningful rate with room to spare.
MIN_ETA, MAX_ETA = 1e-12, 1e12
# Seeds feed numpy (non-negative), JAX keys and Hypothesis; 32 bits, as a drawn run seed has.
MAX_SEED = 2**32 - 1


def parse_eta(text: str) -> float:
    """A learning rate from the command line: a finite number in [MIN_ETA, MAX_ETA]."""
    try:
        value = float(text)
    except ValueError:
        fail(f"eta must be a number, not {text!r}")
    if math.isnan(value) or math.isinf(value):
        fail(f"eta must be finite, not {text}")
    if value <= 0:
        fail(f"eta must be > 0, not {text}")
    if not MIN_ETA <= value <= MAX_ETA:
        fail(f"eta must be between {MIN_ETA:g} and {MAX_ETA:g}, not {text}")
    return value


# click >= 8.2 makes ParamType generic; subscripting it would break click 8.1, which pyproject allows.
class _EtaType(click.ParamType):  # type: ignore[type-arg]
    """``--eta``: a FLOAT in [MIN_ETA, MAX_ETA] (shown as such in --help), checked by :func:`parse_eta`."""

    name = "FLOAT"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return f"FLOAT[{MIN_ETA:g}..{MAX_ETA:g}]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, float):
            return value
        try:
            return parse_eta(str(value))
        except UserInputError as exc:
            self.fail(str(exc), param, ctx)


ETA = _EtaType()
SEED = click.IntRange(0, MAX_SEED)
JOBS = click.IntRange(1, 512)


def parse_params(pairs: Iterable[str]) -> dict[str, str]:
    """NAME=VALUE pairs (values stay strings: Loss turns them into exact rationals)."""
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip():
            fail(f"parameter {pair!r} must look like NAME=VALUE, e.g. p=0.8")
        if name.strip() in params:
            fail(f"parameter {name.strip()} given twice")
        params[name.strip()] = value.strip()
    return params
