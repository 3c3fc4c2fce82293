"""Bounds on what a report can make the verifier do: file size, JSON nesting, time per certificate and per file.

Why: a report is untrusted input. Random bytes, non-UTF-8 text and 100k-deep JSON must give one line and
exit 2, and a report of many slow forged identities must not hold ``verify`` for hours.
"""

from __future__ import annotations

import gc
import json
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_JSON_DEPTH = 64
CERTIFICATE_SECONDS = 120.0
FILE_SECONDS = 600.0


class Unreadable(Exception):
    """The file is not a report the verifier can read (exit 2); the message is one line."""


class OutOfTime(BaseException):
    """Raised by the alarm. A BaseException (like KeyboardInterrupt) on purpose: sympy catches ``Exception``
    in places, which would swallow the alarm and let a forged identity run on without limit."""


def _depth_ok(raw: str) -> bool:
    """Nesting depth of JSON text (brackets outside strings), without recursion."""
    depth = 0
    in_string = escaped = False
    for ch in raw:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def load_json(path: Path) -> Any:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise Unreadable(f"{path}: {size} bytes, more than a report can be ({MAX_FILE_BYTES})")
        data = path.read_bytes()
    except OSError as exc:
        raise Unreadable(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Unreadable(f"{path}: not UTF-8 text, so not a report") from None
    if not _depth_ok(raw):
        raise Unreadable(f"{path}: JSON nested deeper than {MAX_JSON_DEPTH} levels, so not a report")
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        raise Unreadable(f"{path}: not JSON ({str(exc).splitlines()[0][:80]})") from None


class Budget:
    """The whole file's time budget; each certificate gets min(its own limit, what is left)."""

    def __init__(self, seconds: float = FILE_SECONDS) -> None:
        self.deadline = time.monotonic() + seconds

    def left(self) -> float:
        return self.deadline - time.monotonic()


_RETRY_SECONDS = 0.01  # a deferred alarm fires again this soon


class _GcWindow:
    """Whether the garbage collector is running its callbacks (an exception raised there is only printed).

    Two entries in ``gc.callbacks``: the first of the list marks "start", the last of the list marks "stop",
    so every other callback runs inside the window in both phases.
    """

    def __init__(self) -> None:
        self.inside = False

    def start(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self.inside = True

    def stop(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "stop":
            self.inside = False


def _unsafe(frame: Any, window: _GcWindow) -> bool:
    """True where a raised exception would be swallowed and printed instead of stopping the check: a gc
    callback or a finaliser (``__del__``, whose exceptions Python reports as unraisable)."""
    if window.inside:
        return True
    depth = 0
    while frame is not None and depth < 200:
        if frame.f_code.co_name == "__del__":
            return True
        frame, depth = frame.f_back, depth + 1
    return False


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise OutOfTime after ``seconds`` (SIGALRM: main thread of a POSIX process only; elsewhere no limit).

    Why the care: the alarm can arrive while Python runs a gc callback or a finaliser, where an exception is
    swallowed (and reported as an unraisable-exception warning) rather than stopping the check. There the
    handler defers: it re-arms for a moment later and returns. The timer is disarmed and the previous
    handler restored before leaving, so nothing fires outside the guarded block.
    """
    if seconds <= 0:
        raise OutOfTime
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return
    window = _GcWindow()
    armed = [True]

    def _raise(signum: int, frame: Any) -> None:
        if not armed[0]:
            return
        if _unsafe(frame, window):
            signal.setitimer(signal.ITIMER_REAL, _RETRY_SECONDS, 0.5)
            return
        raise OutOfTime

    old = signal.signal(signal.SIGALRM, _raise)
    gc.callbacks.insert(0, window.start)
    gc.callbacks.append(window.stop)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)  # and again every 0.5 s, should one be swallowed
    try:
        yield
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        for cb in (window.start, window.stop):
            if cb in gc.callbacks:
                gc.callbacks.remove(cb)
