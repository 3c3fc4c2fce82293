"""Guards around one call of a property's check: a time limit, and exits or interrupts kept inside the claim.

Why: a check is user code (or a theorem's simulation) and may loop forever, call ``sys.exit`` or raise
``KeyboardInterrupt``. Without a guard the first hangs the whole run and the others end it silently with
no report. With :func:`guarded_call` each of these becomes an exception of the claim (:class:`CheckTimeout`,
:class:`CheckAborted`), which the runner reports as that claim's UNDECIDED verdict with the reason, and the
run goes on.

The time limit has two mechanisms, with the same limits:

* ``SIGALRM`` (POSIX, the main thread: ``eoscheck run`` with any ``--jobs``, each worker process's main thread);
* elsewhere (Windows; a thread other than the main one: Dask worker threads, a check run from a thread pool)
  a watchdog thread that raises ``CheckTimeout`` *in the check's thread* (CPython's
  ``PyThreadState_SetAsyncExc``); and a check that returns after its deadline without having been stopped is
  a timeout all the same, so its late answer is not evidence.

Either way Python code is interrupted at its next bytecode, and a long call into C (one huge ball
multiplication, a compiled JAX kernel, ``time.sleep``) only when it returns: such a call is not cut short,
its claim is reported as timed out once it returns. Both repeat every second after the limit, so a check that
swallows the first ``CheckTimeout`` in a broad ``except Exception`` is interrupted again. Without CPython's
``ctypes.pythonapi`` (other interpreters) the watchdog can only mark a late return.

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


REPEAT_S = 1.0  # after the limit, the timeout is raised again this often (a check may swallow one)


@contextmanager
def _time_limit(timeout_s: float | None) -> Iterator[None]:
    if timeout_s is None or timeout_s <= 0:
        yield
        return
    if not _alarm_available():
        with _watchdog_limit(timeout_s):
            yield
        return
    started = time.monotonic()

    def on_alarm(signum: int, frame: Any) -> None:
        raise CheckTimeout(timeout_s)

    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    previous_timer = signal.setitimer(signal.ITIMER_REAL, timeout_s, REPEAT_S)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_timer[0] > 0:  # an enclosing limit: re-arm it with what is left of it
            left = max(previous_timer[0] - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, previous_timer[1])


def _raise_in_thread(thread_id: int, exc_type: type[BaseException] | None) -> bool:
    """Make ``thread_id`` raise ``exc_type`` at its next bytecode (None: cancel a pending one). CPython only."""
    try:
        import ctypes

        set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    except (ImportError, AttributeError):  # not CPython: the watchdog can only mark a late return
        return False
    exc = ctypes.py_object(exc_type) if exc_type is not None else ctypes.py_object()
    return bool(set_async_exc(ctypes.c_ulong(thread_id), exc) == 1)


def _timeout_type(seconds: float) -> type[CheckTimeout]:
    """A CheckTimeout subclass constructible without arguments (an asynchronous exception is raised as ``type()``)."""

    def __init__(self: CheckTimeout) -> None:
        CheckTimeout.__init__(self, seconds)

    return type("CheckTimeout", (CheckTimeout,), {"__init__": __init__, "__module__": __name__})


@contextmanager
def _watchdog_limit(timeout_s: float) -> Iterator[None]:
    """The limit without SIGALRM: a watchdog thread raises CheckTimeout in this thread after ``timeout_s``.

    The watchdog holds ``lock`` while it raises; leaving the block takes the same lock, marks the block done and
    cancels a raise not yet delivered, so no timeout lands in code after the check. A timeout delivered while
    leaving is kept and raised once the watchdog is stopped.
    """
    target = threading.get_ident()
    exc_type = _timeout_type(timeout_s)
    lock = threading.Lock()
    state = {"active": True, "fired": False}
    stop = threading.Event()

    def watch() -> None:
        delay = timeout_s
        while not stop.wait(delay):
            with lock:
                if not state["active"]:
                    return
                state["fired"] = True
                _raise_in_thread(target, exc_type)
            delay = REPEAT_S

    watchdog = threading.Thread(target=watch, name="eoscheck-example-timeout", daemon=True)
    started = time.monotonic()
    watchdog.start()
    delivered: CheckTimeout | None = None
    try:
        yield
    finally:
        while True:  # a timeout may arrive at any bytecode here too: finish stopping the watchdog first
            try:
                with lock:
                    state["active"] = False
                    if state["fired"]:
                        _raise_in_thread(target, None)
                stop.set()
                break
            except CheckTimeout as exc:
                delivered = exc
        watchdog.join(REPEAT_S)  # it wakes at once on stop: no watchdog outlives its check
    if delivered is not None:
        raise delivered
    if time.monotonic() - started > timeout_s:  # returned late from a call the watchdog could not interrupt
        raise CheckTimeout(timeout_s)
