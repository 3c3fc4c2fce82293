"""Progress inside a long batch: how many of N items are done, passed from the batch loop to whoever shows it.

Why a separate callback from the phase messages (``progress(str)``) that the loss job already sends: a batch
of 10^7 trajectories is one phase that runs for minutes, and a line per phase says nothing while it runs.
The batch loop (one compiled call per chunk) reports ``(done, total)`` after each chunk; the display decides
how often to show it (in a terminal one line updated in place, in a pipe a line per tenth or every few
seconds). The engine never prints: a caller without a display passes nothing, and the batch runs as one call.
"""

from __future__ import annotations

from collections.abc import Callable

# (done, total) after each finished part of a batch; done == total at the end.
BatchProgress = Callable[[int, int], None]


def counter(progress: Callable[[str], None], what: str, unit: str = "runs") -> BatchProgress | None:
    """A (done, total) callback for the batch ``what``, if the phase callback ``progress`` can show counts.

    A display that shows counts has a ``count(what, done, total, unit)`` method beside its ``__call__``; a plain
    function (the default no-op, a test's list.append) gets phase messages only, and the batch is not split.
    """
    count = getattr(progress, "count", None)
    if count is None:
        return None

    def report(done: int, total: int) -> None:
        count(what, done, total, unit)

    return report
