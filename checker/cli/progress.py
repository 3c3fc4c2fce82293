"""What a long command shows on stderr while it works: phase lines, and counts inside a long batch.

stderr, so stdout keeps only the result (a pipe into a file or ``jq`` gets the result alone). In a terminal
a batch's count is one line rewritten in place; in a pipe or a CI log (no carriage returns there) a line is
printed each time another tenth is done or ``interval`` seconds have passed, whichever comes first, so a
run of minutes never looks hung and a log does not fill with thousands of lines.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

DEFAULT_INTERVAL_S = 5.0


class StderrProgress:
    """A phase callback (``progress("certifying ...")``) that also shows batch counts (``count``)."""

    def __init__(
        self,
        enabled: bool = True,
        *,
        stream: TextIO | None = None,
        interval: float = DEFAULT_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.enabled = enabled
        self._stream = stream  # None: sys.stderr at the time of writing (tests replace it)
        self.interval = interval
        self._clock = clock
        self._open_line = False  # a terminal line being rewritten in place
        self._last_shown = 0.0
        self._last_tenth = -1

    @property
    def stream(self) -> TextIO:
        return self._stream if self._stream is not None else sys.stderr

    def _tty(self) -> bool:
        try:
            return bool(self.stream.isatty())
        except (AttributeError, ValueError):  # a closed or odd stream: behave as a pipe
            return False

    def __call__(self, message: str) -> None:
        """A new phase: its own line (ends a count line left open in a terminal)."""
        if not self.enabled:
            return
        self.close()
        self._write(f"  ... {message}\n")
        self._last_tenth = -1

    def count(self, what: str, done: int, total: int, unit: str = "runs") -> None:
        """``done`` of ``total`` items of the batch ``what`` are finished."""
        if not self.enabled or total <= 0:
            return
        pct = 100 * done // total
        text = f"  ... {what}: {done:,} of {total:,} {unit} ({pct}%)"
        now = self._clock()
        if self._tty():
            self._write("\r" + text + "\x1b[K")  # erase what a longer earlier line left
            self._open_line = True
            if done >= total:
                self.close()
            return
        tenth = 10 * done // total
        if tenth > self._last_tenth or now - self._last_shown >= self.interval or done >= total:
            self._write(text + "\n")
            self._last_tenth, self._last_shown = tenth, now

    def close(self) -> None:
        """End a count line left open in a terminal."""
        if self._open_line:
            self._write("\n")
            self._open_line = False

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()
