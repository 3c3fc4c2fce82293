"""Certificate records: what a CERTIFIED or PROVED claim stores so that a small, independent checker
(checker/verify.py) can re-check it without re-running any search.

Every record is a JSON-ready dict with a ``kind``. Expressions are stored as sympy ``str()`` text and read
back with :func:`checker.parse.parse_symbolic` (never ``sympify``: a tampered report must not run code).
Numbers are decimal strings; balls are ``{"lo": ..., "hi": ...}`` with outward-rounded endpoints.

Kinds (producers build them only through the functions below):

* ``symbolic-zero``: ``expr`` simplifies to 0 under the declared symbol assumptions (an identity).
* ``ball-sign``: ``expr`` (in ``variable``) evaluated in arb over the box ``at`` has the ``sign``
  "positive" or "negative" (re-evaluated at ``prec`` bits).
* ``ball-enclosure``: ``expr`` over ``at`` lies inside ``value`` (a claimed enclosure of a quantity).
* ``krawczyk``: ``f`` has exactly one zero in ``box``: the Krawczyk image of the box (any nonzero
  preconditioner; the checker picks its own) lies in the box's interior. ``df`` is f'.
  ``sign_df`` optionally claims the sign of ``df`` over the box (minimum vs maximum of a loss).
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from checker.verdict import Enclosure

SYMBOL_ASSUMPTIONS = ("real", "positive", "nonnegative", "negative", "nonzero", "integer")


def _symbols(symbols: list[sp.Symbol]) -> dict[str, dict[str, bool]]:
    out = {}
    for sym in symbols:
        out[sym.name] = {k: True for k in SYMBOL_ASSUMPTIONS if sym.assumptions0.get(k)}
    return out


def symbolic_zero(expr: sp.Expr, claim: str) -> dict[str, Any]:
    """Record that ``expr`` == 0 identically (the caller has checked it with sympy)."""
    syms = sorted(expr.free_symbols, key=lambda s: s.name)
    return {"kind": "symbolic-zero", "claim": claim, "expr": str(expr), "symbols": _symbols(syms)}


def ball_sign(expr: sp.Expr, variable: sp.Symbol, at: Enclosure, sign: str, prec: int, claim: str) -> dict[str, Any]:
    if sign not in {"positive", "negative"}:
        raise ValueError(sign)
    return {
        "kind": "ball-sign",
        "claim": claim,
        "expr": str(expr),
        "variable": variable.name,
        "at": at.to_json(),
        "sign": sign,
        "prec": int(prec),
    }


def ball_enclosure(
    expr: sp.Expr, variable: sp.Symbol, at: Enclosure, value: Enclosure, prec: int, claim: str
) -> dict[str, Any]:
    return {
        "kind": "ball-enclosure",
        "claim": claim,
        "expr": str(expr),
        "variable": variable.name,
        "at": at.to_json(),
        "value": value.to_json(),
        "prec": int(prec),
    }


def krawczyk(
    f: sp.Expr,
    df: sp.Expr,
    variable: sp.Symbol,
    box: Enclosure,
    image: Enclosure,
    prec: int,
    claim: str,
    sign_df: str | None = None,
) -> dict[str, Any]:
    return {
        "kind": "krawczyk",
        "claim": claim,
        "f": str(f),
        "df": str(df),
        "variable": variable.name,
        "box": box.to_json(),
        "image": image.to_json(),
        "sign_df": sign_df,
        "prec": int(prec),
    }
