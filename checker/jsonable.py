"""Plain JSON values from numbers, enclosures, arrays and nested containers.

A module of its own so that commands that only write JSON (``eoscheck loss``) need not import the
property/runner machinery (and Hypothesis) that ``checker.claim`` brings.
"""

from __future__ import annotations

from typing import Any

from checker.verdict import Enclosure


def jsonable(value: Any) -> Any:
    """Numbers, enclosures, arrays and nested containers to plain JSON values."""
    if isinstance(value, Enclosure):
        return value.to_json()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return jsonable(value.tolist())
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return repr(value)  # JSON has no NaN/inf; keep them visible as strings
        return value
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)
