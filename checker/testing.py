"""Write a property as a plain test function: ``@eoscheck(...)`` on a function that returns Evidence.

Why a decorator that returns a :class:`~checker.property.Property` (not a wrapped function): the result is
the same object ``eoscheck run`` and ``PROPERTIES`` lists use, so one definition runs under pytest (the
plugin collects it under its function name), under ``eoscheck run`` (put it in ``PROPERTIES``) and by
hand (``prop.check(eta=0.5)``). The runner, not pytest, draws the examples, so seeds, shrinking, the
high-precision recheck and the verdict ladder are exactly those of ``eoscheck run``::

    from hypothesis import strategies as st
    from checker.testing import eoscheck

    @eoscheck(id="MY-2", strategy={"eta": st.floats(0.01, 1.0)}, statement="1.9/eta < 2/eta")
    def test_below_threshold(eta: float) -> Evidence:
        ...
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from checker.property import Property, Source
from checker.verdict import Evidence, Provenance

DECORATED_ATTR = "__eoscheck_decorated__"


def eoscheck(
    *,
    id: str,  # the Property field is called id everywhere (reports, selections)
    statement: str,
    strategy: SearchStrategy[dict[str, Any]] | Mapping[str, SearchStrategy[Any]] | None = None,
    title: str = "",
    source: Source | None = None,
    provenance: Sequence[Provenance | str] = ("DERIVED",),
    hypotheses: str = "",
    recheck: Callable[..., Evidence] | None = None,
    open_points: Sequence[str] = (),
    uses_jax: bool = False,
    max_examples: Mapping[str, int] | None = None,
) -> Callable[[Callable[..., Evidence]], Property]:
    """Turn ``check(**params) -> Evidence`` into a Property; ``strategy`` may be a dict of per-name strategies.

    ``source`` defaults to ``Source("user", "", <module>.<function>)`` so the report still says where the
    claim is written down.
    """

    def wrap(check: Callable[..., Evidence]) -> Property:
        drawn: SearchStrategy[dict[str, Any]] | None
        if strategy is None or isinstance(strategy, SearchStrategy):
            drawn = strategy
        else:
            drawn = st.fixed_dictionaries(dict(strategy))
        prop = Property(
            id=id,
            title=title or (check.__doc__ or check.__name__).strip().splitlines()[0],
            source=source if source is not None else Source("user", "", f"{check.__module__}.{check.__name__}"),
            statement=statement,
            provenance=provenance,
            check=check,
            strategy=drawn,
            hypotheses=hypotheses,
            recheck=recheck,
            open_points=tuple(open_points),
            uses_jax=uses_jax,
            max_examples=dict(max_examples or {}),
        )
        setattr(check, DECORATED_ATTR, True)
        return prop

    return wrap


def is_decorated(prop: Property) -> bool:
    """True for a Property made by :func:`eoscheck` (the plugin collects it under its own name)."""
    return bool(getattr(prop.check, DECORATED_ATTR, False))
