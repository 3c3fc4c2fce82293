"""``eoscheck``: certified checks of gradient descent at the Edge of Stability.

Entry point. Subcommands live in their own modules; ``main`` is the one place that turns whatever escapes
a command into the exit-code contract (checker/cli/common.py), so no input ever shows a traceback:
a :class:`~checker.errors.UserInputError` or a usage error is one line and exit 2; an environment failure
(full disk, permission denied, out of memory) is one line naming the file and exit 2; anything else is a bug
in eos-checker: one line saying so, the traceback written to a log file, exit 3.
"""

from __future__ import annotations

import datetime
import errno
import importlib
import importlib.util
import os
import sys
import tempfile
import traceback
from pathlib import Path

import click

from checker import __version__
from checker.cli.common import EXIT_BAD_INPUT, EXIT_BROKEN_PIPE, EXIT_INTERNAL, exit_codes_help
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

\b
Exit codes, the same for every command:
  0  success
  1  a claim refuted or not established (run: a claim REFUTED; loss: a minimiser not
     product-stable or undecided; verify: a certificate failed)
  2  bad input or environment (usage, unreadable file, unwritable or full disk)
  3  internal error: a bug in eos-checker (the message names a log file with the traceback)
"""

# Errors of the machine, not of eos-checker: reported in one line with exit 2 (the user can fix them).
ENVIRONMENT_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS, errno.EFBIG, errno.EMFILE, errno.EIO}
)
REPORT_BUGS = "please report it to the eos-checker maintainers with that file and the command line"

# (command name, module under checker.cli). Each module defines a click command named ``command``.
SUBCOMMANDS = [
    ("list", "list_cmd"),
    ("show", "show_cmd"),
    ("run", "run_cmd"),
    ("loss", "loss_cmd"),
    ("report", "report_cmd"),
    ("verify", "verify_cmd"),
    ("network", "network_cmd"),
    ("replay", "replay_cmd"),
]


class _LazyGroup(click.Group):
    """Import a subcommand's module only when it is used: `eoscheck --help` stays fast (no JAX)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, module in SUBCOMMANDS if _module_exists(module)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        for name, module in SUBCOMMANDS:
            if name == cmd_name and _module_exists(module):
                command: click.Command = importlib.import_module(f"checker.cli.{module}").command
                if not command.epilog:  # the shared exit-code contract, in every subcommand's --help
                    command.epilog = exit_codes_help(name)
                return command
        return None


def _module_exists(module: str) -> bool:
    return importlib.util.find_spec(f"checker.cli.{module}") is not None


@click.group(cls=_LazyGroup, help=HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="eoscheck")
def cli() -> None:
    pass


def main(argv: list[str] | None = None) -> int:
    streams = (sys.stdout, sys.stderr)
    try:
        result = cli.main(args=argv, prog_name="eoscheck", standalone_mode=False)
    except UserInputError as exc:
        click.echo(f"eoscheck: error: {exc}", err=True)
        return EXIT_BAD_INPUT
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("eoscheck: interrupted", err=True)
        return EXIT_BAD_INPUT
    except click.ClickException as exc:  # usage errors: bad option, missing argument
        click.echo(f"eoscheck: error: {_one_line(exc)}", err=True)
        return EXIT_BAD_INPUT
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except SystemExit as exc:
        if (sys.stdout, sys.stderr) != streams:  # click's EPIPE handling swaps the streams, then exits 1
            return EXIT_BROKEN_PIPE  # the reader of the output went away (`eoscheck ... | head`): not an error
        # not click's: a user's file called sys.exit while it was loaded
        click.echo(
            f"eoscheck: error: sys.exit({exc.code!r}) was called (by a file given to eoscheck?); stopped", err=True
        )
        return EXIT_BAD_INPUT
    except MemoryError:
        click.echo("eoscheck: error: out of memory; try a smaller selection, fewer --runs or fewer --jobs", err=True)
        return EXIT_BAD_INPUT
    except OSError as exc:
        if exc.errno in ENVIRONMENT_ERRNOS:
            where = f" {exc.filename}" if exc.filename else ""
            click.echo(f"eoscheck: error: cannot access{where}: {exc.strerror or exc}", err=True)
            return EXIT_BAD_INPUT
        return _internal_error(exc, argv)
    except Exception as exc:
        return _internal_error(exc, argv)
    return int(result or 0)


def _one_line(exc: click.ClickException) -> str:
    """A usage error in one line, with where to read the usage (click's own display takes three)."""
    message = " ".join(exc.format_message().split())
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and ctx is not None:
        message += f" (see '{ctx.command_path} --help')"
    return message


def _internal_error(exc: BaseException, argv: list[str] | None) -> int:
    """A bug: one line on screen, the traceback in a log file (a user should not have to read one)."""
    log = _write_crash_log(exc, sys.argv[1:] if argv is None else argv)
    what = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": ")
    where = f"the traceback is in {log}" if log else "the traceback could not be written to a log file"
    click.echo(f"eoscheck: internal error (a bug in eos-checker): {what}; {where}; {REPORT_BUGS}", err=True)
    return EXIT_INTERNAL


def _write_crash_log(exc: BaseException, argv: list[str]) -> Path | None:
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = (
        f"eoscheck {__version__} internal error, {stamp}\n"
        f"command: eoscheck {' '.join(argv)}\npython: {sys.version.split()[0]} on {sys.platform}\n\n"
        + "".join(traceback.format_exception(exc))
    )
    try:
        fd, name = tempfile.mkstemp(prefix=f"eoscheck-crash-{stamp}-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError:
        return None
    return Path(name)


if __name__ == "__main__":
    sys.exit(main())
