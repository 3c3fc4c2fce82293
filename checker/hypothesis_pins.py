"""Make Hypothesis's draws depend on the seed only, not on which modules this process has imported.

Why: Hypothesis (6.13x and later) mixes literal constants found in every *local* module in ``sys.modules``
into its draws (a module counts as local when it is not in the standard library or site-packages). The
pool therefore depends on what the process imported before a property ran: the CLI's own modules, the
properties that ran earlier in the same process, modules imported lazily by a check. The same property
with the same seed drew different examples in-process, in a ``--jobs`` worker and on a Dask worker
(measured: 5 of 32 claims of ``eoscheck run --profile quick`` differed in their numbers). We pin the
local pool to empty, so every engine draws the same examples; Hypothesis's built-in constants (0, 1,
inf, the float boundaries...) still apply.

The hook is Hypothesis internals (``providers._get_local_constants``); if a future version moves it, this
does nothing and says so through :func:`pinned`, and the engine-equality test fails rather than silently
accepting different numbers.
"""

from __future__ import annotations

from typing import Any

_PINNED: list[bool] = [False]


def pin_local_constants() -> bool:
    """Replace Hypothesis's local-constants pool by an empty one (idempotent); True if it is pinned."""
    if _PINNED[0]:
        return True
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - Hypothesis reorganised its internals
        return False
    constants_type: Any = getattr(providers, "Constants", None)
    if constants_type is None or not hasattr(providers, "_get_local_constants"):
        return False
    empty = constants_type()
    providers._get_local_constants = lambda: empty
    cache: Any = getattr(providers, "CONSTANTS_CACHE", None)
    if cache is not None and hasattr(cache, "cache"):
        cache.cache.clear()  # permitted-constant lists computed from the old pool
    _PINNED[0] = True
    return True


def pinned() -> bool:
    return _PINNED[0]
