"""What every subcommand shares: exit codes, one-line errors, JSON output, progress on a TTY."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable, Iterator
from typing import Any

import click

from checker.errors import UserInputError

EXIT_OK = 0  # nothing refuted
EXIT_REFUTED = 1  # a claim refuted (or, for `loss`, a minimiser not product-stable / undecided)
EXIT_BAD_INPUT = 2  # bad input or usage


def fail(message: str) -> None:
    """Raise the one-line user error (main() prints it and exits 2)."""
    raise UserInputError(message)


def print_json(payload: Any) -> None:
    click.echo(json.dumps(payload, indent=2, sort_keys=False))


def parse_eta(text: str) -> float:
    """A learning rate from the command line: finite and > 0."""
    try:
        value = float(text)
    except ValueError:
        fail(f"eta must be a number, not {text!r}")
    if math.isnan(value) or math.isinf(value):
        fail(f"eta must be finite, not {text}")
    if value <= 0:
        fail(f"eta must be > 0, not {text}")
    return value


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


def progress(items: Iterable[Any], label: str, length: int | None = None) -> Iterator[Any]:
    """A progress bar on a TTY (stderr), silent otherwise (CI logs, pipes, --json)."""
    if not sys.stderr.isatty():
        yield from items
        return
    with click.progressbar(items, label=label, length=length, file=sys.stderr) as bar:
        yield from bar
