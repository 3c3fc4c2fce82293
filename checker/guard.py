"""Guards around one call of a property's check: a time limit, and exits or interrupts kept inside the claim.

Why: a check is user code (or a theorem's simulation) and may loop forever, call ``sys.exit`` or raise
``KeyboardInterrupt``. Without a guard the first hangs the whole run and the others end it silently with
no report. With :func:`guarded_call` each of these becomes an exception of the claim (:class:`CheckTimeout`,
:class:`CheckAborted`), which the runner reports as that claim's UNDECIDED verdict with the reason, and the
run goes on.

The time limit uses ``SIGALRM`` (POSIX, main thread): Python code is interrupted at the next bytecode, a long
call into C (one huge ball multiplication) when it returns. Where no alarm is available (Windows, a thread
other than the main one), the call runs unlimited. The alarm repeats every second after the limit, so a check
that swallows the first ``CheckTimeout`` in a broad ``except Exception`` is interrupted again.

A real Ctrl-C of the user is not a check's fault: :func:`install_interrupt_handler` (called by ``eoscheck
run``) records it, and :func:`guarded_call` lets that ``KeyboardInterrupt`` end the run.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

# One example's limit. Generous: the slowest examples of the catalogue take about 3 s in the quick profile
# (GAN-A-T4.2, its first JIT compilation included); a hung check is reported after 5 minutes, not never.
DEFAULT_EXAMPLE_TIMEOUT_S = 300.0
# How `eoscheck run --example-timeout` reaches every worker process (spawned workers inherit the environment).
TIMEOUT_ENV = "EOSCHECK_EXAMPLE_TIMEOUT"


def example_timeout() -> float | None:
    """The per-example limit in seconds (None: no limit), from EOSCHECK_EXAMPLE_TIMEOUT or the default."""
    text = os.environ.get(TIMEOUT_ENV)
    if text is None:
        return DEFAULT_EXAMPLE_TIMEOUT_S
    try:
        value = float(text)
    except ValueError:
        return DEFAULT_EXAMPLE_TIMEOUT_S
    return value if value > 0 else None


class CheckTimeout(Exception):
    """One example of a check ran past the per-example time limit."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"an example ran longer than the per-example time limit of {seconds:g} s "
            "(eoscheck run --example-timeout SECONDS changes it)"
        )
        self.seconds = seconds


class CheckAborted(Exception):
    """A check called sys.exit or raised KeyboardInterrupt itself: an error of the claim, not the end of the run."""


_user_interrupted = threading.Event()


def install_interrupt_handler() -> Callable[[], None]:
    """Ctrl-C: remember that the *user* interrupted, then raise KeyboardInterrupt as Python would.

    Returns the function that puts the previous handler back (a no-op outside the main thread).
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def on_sigint(signum: int, frame: Any) -> None:
        _user_interrupted.set()
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, on_sigint)

    def restore() -> None:
        signal.signal(signal.SIGINT, previous)
        _user_interrupted.clear()

    return restore


def user_interrupted() -> bool:
    return _user_interrupted.is_set()


def guarded_call(fn: Callable[..., T], timeout_s: float | None, /, **params: Any) -> T:
    """``fn(**params)`` with a time limit (None or <= 0: none), exits and check-raised interrupts converted."""
    with _time_limit(timeout_s):
        try:
            return fn(**params)
        except SystemExit as exc:
            raise CheckAborted(f"the check called sys.exit({exc.code!r})") from exc
        except KeyboardInterrupt as exc:
            if user_interrupted():
                raise
            raise CheckAborted("the check raised KeyboardInterrupt") from exc


def _alarm_available() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def _time_limit(timeout_s: float | None) -> Iterator[None]:
    if timeout_s is None or timeout_s <= 0 or not _alarm_available():
        yield
        return
    started = time.monotonic()

    def on_alarm(signum: int, frame: Any) -> None:
        raise CheckTimeout(timeout_s)

    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    previous_timer = signal.setitimer(signal.ITIMER_REAL, timeout_s, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_timer[0] > 0:  # an enclosing limit: re-arm it with what is left of it
            left = max(previous_timer[0] - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, previous_timer[1])
