"""A wall-clock budget for sympy calls that may not terminate in reasonable time.

Why a thread: sympy has no cancellation and its loops swallow ``Exception``, so neither a signal nor a
flag stops it. The call runs in a daemon thread; past the budget the caller gets ``None`` and moves on
(the thread is abandoned, and dies with the process). Callers treat ``None`` as "not decided here",
never as a negative answer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def within_budget(fn: Callable[[], T], seconds: float) -> T | None:
    """``fn()``, or None if it raises or does not finish within ``seconds``."""
    box: list[T | None] = []

    def target() -> None:
        try:
            box.append(fn())
        except Exception:
            box.append(None)

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    return box[0] if box else None
