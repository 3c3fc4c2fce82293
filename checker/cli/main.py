"""``eoscheck``: certified checks of gradient descent at the Edge of Stability.

Entry point. Subcommands live in their own modules; ``main`` is the one place that turns a
:class:`~checker.errors.UserInputError` into a one-line message and exit code 2, so no bad input ever
shows a traceback.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from checker import __version__
from checker.cli.common import EXIT_BAD_INPUT
from checker.errors import UserInputError

HELP = """Check theorems about gradient descent at the Edge of Stability (EoS), and say how much is known.

\b
Three jobs:
  eoscheck run               check every property (theorem) in properties/ and write a report
  eoscheck loss "EXPR"       decide whether GD on l(xy) converges at the EoS for the loss l(z)
  eoscheck report FILE.json  render a report (Markdown or HTML with plots); `verify` re-checks it
  eoscheck network           check the EoS theory on real training (built-in tanh MLPs on digits)

\b
Verdicts: PROVED / CERTIFIED (sympy or ball arithmetic), CORROBORATED (simulation, no
counterexample), REFUTED (re-checked counterexample), UNDECIDED. Statements marked RECONSTRUCTED
are plausible forms of results whose printed wording was not available.

Exit codes: 0 nothing refuted, 1 a claim refuted, 2 bad input or usage.
"""

# (command name, module under checker.cli). Each module defines a click command named ``command``.
SUBCOMMANDS = [
    ("list", "list_cmd"),
    ("show", "show_cmd"),
    ("run", "run_cmd"),
    ("loss", "loss_cmd"),
    ("report", "report_cmd"),
    ("verify", "verify_cmd"),
    ("network", "network_cmd"),
]


class _LazyGroup(click.Group):
    """Import a subcommand's module only when it is used: `eoscheck --help` stays fast (no JAX)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, module in SUBCOMMANDS if _module_exists(module)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        for name, module in SUBCOMMANDS:
            if name == cmd_name and _module_exists(module):
                command: click.Command = importlib.import_module(f"checker.cli.{module}").command
                return command
        return None


def _module_exists(module: str) -> bool:
    return importlib.util.find_spec(f"checker.cli.{module}") is not None


@click.group(cls=_LazyGroup, help=HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="eoscheck")
def cli() -> None:
    pass


def main(argv: list[str] | None = None) -> int:
    try:
        result = cli.main(args=argv, prog_name="eoscheck", standalone_mode=False)
    except UserInputError as exc:
        click.echo(f"eoscheck: error: {exc}", err=True)
        return EXIT_BAD_INPUT
    except click.exceptions.Abort:
        click.echo("eoscheck: aborted", err=True)
        return EXIT_BAD_INPUT
    except click.ClickException as exc:  # usage errors: bad option, missing argument
        exc.show()
        return EXIT_BAD_INPUT
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
