"""Certificate records: what a CERTIFIED or PROVED claim stores so that a small, independent checker
(checker/verifier/) can re-check it without re-running any search.

Every record is a JSON-ready dict with a ``kind``. Expressions are stored as sympy ``str()`` text and read
back with :func:`checker.parse.parse_symbolic` (never ``sympify``: a tampered report must not run code).
Numbers are decimal strings; balls are ``{"lo": ..., "hi": ...}`` with outward-rounded endpoints.

Kinds (producers build them only through the functions below):

* ``symbolic-zero``: ``expr`` simplifies to 0 under the declared symbol assumptions (an identity).
* ``ball-sign``: ``expr`` (in ``variable``) evaluated in arb over the box ``at`` has the ``sign``
  "positive" or "negative" (re-evaluated at ``prec`` bits).
* ``ball-enclosure``: ``expr`` over ``at`` lies inside ``value`` (a claimed enclosure of a quantity).
* ``descent``: one instance of the descent lemma, hypothesis (eta * S < constant over a box holding the
  segment) and conclusion (the sign of the loss change), for l(z) or l(xy).
* ``descent-class``: the descent lemma for every C^2 objective, stated from definitions (the objective, the
  GD path, the curvature bound, the identities h'(0) = -|g|^2 and h''(t) = g^T H(t) g), with the one
  inference rule it applies and the statement's constant (checked as one by checker/verifier/descent.py).
* ``identity`` / ``root``: see reports/README.md, "The certificate language".
* ``krawczyk``: ``f`` has exactly one zero in ``box``: the Krawczyk image of the box (any nonzero
  preconditioner; the checker picks its own) lies in the box's interior. ``df`` is f'.
  ``sign_df`` optionally claims the sign of ``df`` over the box (minimum vs maximum of a loss).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import sympy as sp

from checker.verdict import Enclosure

SYMBOL_ASSUMPTIONS = ("real", "positive", "nonnegative", "negative", "nonzero", "integer")


def _symbols(symbols: list[sp.Symbol]) -> dict[str, dict[str, bool]]:
    out = {}
    for sym in symbols:
        out[sym.name] = {k: True for k in SYMBOL_ASSUMPTIONS if sym.assumptions0.get(k)}
    return out


def identity(
    claim: str,
    symbols: dict[str, list[str]],
    functions: list[str],
    define: list[tuple[str, str]],
    lhs: str,
    rhs: str,
) -> dict[str, Any]:
    """Record the identity lhs = rhs, stated from definitions in the certificate language.

    ``symbols`` maps each variable to its assumptions; ``functions`` names generic smooth functions of one
    variable (``l(u)`` and ``deriv(l, k, u)`` = l^(k)(u)); ``define`` is an ordered list of named
    expressions (each may use the earlier ones and the operators). The verifier recomputes every operator
    and checks lhs - rhs simplifies to 0; it rejects a statement whose sides agree before anything is
    computed. Nothing is evaluated here: the producer decides its verdict by its own computation.
    """
    for flags in symbols.values():
        if not set(flags) <= set(SYMBOL_ASSUMPTIONS):
            raise ValueError(f"unknown assumptions {flags}")
    return {
        "kind": "identity",
        "claim": claim,
        "symbols": {name: {k: True for k in flags} for name, flags in symbols.items()},
        "functions": list(functions),
        "define": [[name, text] for name, text in define],
        "lhs": lhs,
        "rhs": rhs,
    }


def symbolic_zero(expr: sp.Expr, claim: str) -> dict[str, Any]:
    """Record that ``expr`` == 0 identically (the caller has checked it with sympy)."""
    syms = sorted(expr.free_symbols, key=lambda s: s.name)
    return {"kind": "symbolic-zero", "claim": claim, "expr": str(expr), "symbols": _symbols(syms)}


def _over_stored_box(expr: sp.Expr, variable: sp.Symbol, at: Enclosure, prec: int) -> Any:
    """expr evaluated in arb over the *stored* decimal box.

    Why: a producer computes on its own tight ball, but the record stores that ball printed outward as
    decimals, a slightly wider box. The verifier evaluates over the stored box, so the record must be true
    there; evaluating here, exactly as the verifier will, makes every record true by construction.
    """
    from flint import arb, fmpq

    from checker.backends.ball import ball_function, ball_precision

    lo, hi = Fraction(at.lo), Fraction(at.hi)
    with ball_precision(prec):
        box = arb(fmpq(lo.numerator, lo.denominator)).union(arb(fmpq(hi.numerator, hi.denominator)))
        return ball_function(expr, variable)(box)


def _hull(a: Enclosure, b: Enclosure) -> Enclosure:
    lo = a.lo if Fraction(a.lo) <= Fraction(b.lo) else b.lo
    hi = a.hi if Fraction(a.hi) >= Fraction(b.hi) else b.hi
    return Enclosure(lo, hi)


def ball_sign(expr: sp.Expr, variable: sp.Symbol, at: Enclosure, sign: str, prec: int, claim: str) -> dict[str, Any]:
    """Record that expr has ``sign`` over ``at``; refuses (ValueError) to write a record that is false there."""
    if sign not in {"positive", "negative"}:
        raise ValueError(sign)
    for bits in (prec, 4 * prec):
        value = _over_stored_box(expr, variable, at, bits)
        if value > 0 if sign == "positive" else value < 0:
            prec = bits
            break
    else:
        raise ValueError(f"{claim}: {expr} is not certainly {sign} over the stored box [{at.lo}, {at.hi}]")
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
    """Record that expr over ``at`` lies in ``value``, widened to what arb gives over the stored box.

    The widening is tiny (the stored box is the producer's ball printed outward) and keeps the record
    true; the claim's own numbers may be a hair tighter than the certified ``value``.
    """
    value = _hull(value, Enclosure.from_arb(_over_stored_box(expr, variable, at, prec)))
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


def descent(
    loss: sp.Expr,
    variable: sp.Symbol,
    point: dict[str, Fraction],
    eta: Fraction,
    box: dict[str, Enclosure],
    constant: Fraction,
    change: str,
    prec: int,
    claim: str,
) -> dict[str, Any]:
    """Record one descent-lemma instance: its hypothesis (the box holds the segment, eta * S < constant over
    it) and its conclusion (the sign of the loss change). ``point``/``box`` keys: ``z`` (1-D) or ``x``, ``y``
    (the product model l(xy)); the loss is written in z. The verifier re-derives l', l'' and S itself.
    """
    if change not in {"positive", "negative"}:
        raise ValueError(change)
    return {
        "kind": "descent",
        "claim": claim,
        "loss": str(loss.subs(variable, sp.Symbol("z", real=True))),
        "point": {k: f"{v.numerator}/{v.denominator}" for k, v in point.items()},
        "eta": f"{eta.numerator}/{eta.denominator}",
        "box": {k: v.to_json() for k, v in box.items()},
        "constant": f"{constant.numerator}/{constant.denominator}",
        "change": change,
        "prec": int(prec),
    }


def descent_class(
    claim: str,
    setup: dict[str, Any],
    identities: dict[str, Any],
    factor: str,
    constant: Fraction,
    hypotheses: Sequence[str],
    conclusion: str,
) -> dict[str, Any]:
    """Record the descent lemma for a class of objectives: ``setup`` holds ``symbols``, ``functions``,
    ``define`` and the names ``point`` (the coordinates p), ``time`` (t), ``objective`` (L), ``gradient``
    (grad L(p)), ``h`` (L(p - t grad L(p))) and ``curvature`` (K(t), what S bounds); ``identities`` holds
    ``slope`` (h'(0) = -|g|^2), ``second`` (h''(t) = g^T H(t) g) and ``rayleigh`` (the identities behind
    K(t) >= the top eigenvalue of H(t)), each as [lhs, rhs]. The rule applied is Taylor with the Lagrange
    remainder, and ``factor`` (in u = eta*S) is what it gives; the verifier re-derives all of it.
    """
    return {
        "kind": "descent-class",
        "claim": claim,
        **{k: setup[k] for k in ("symbols", "functions", "define", "point", "time", "objective", "gradient", "h")},
        "curvature": setup["curvature"],
        "slope": list(identities["slope"]),
        "second": list(identities["second"]),
        "rayleigh": [list(p) for p in identities["rayleigh"]],
        "rule": "taylor-lagrange",
        "remainder": "eta**2*M/2",
        "factor": factor,
        "constant": f"{constant.numerator}/{constant.denominator}",
        "hypotheses": list(hypotheses),
        "conclusion": conclusion,
    }


def derivative_at(
    loss: sp.Expr, variable: sp.Symbol, order: int, value: sp.Expr, equals: sp.Expr, claim: str
) -> dict[str, Any]:
    """Record l^(order)(value) = equals as an identity stated from l (e.g. l'(z*) = 0 at an exact root).

    Why not ``symbolic_zero(l'(value))``: sympy evaluates that substitution to the literal 0 at once, and a
    stored "0" states nothing (verify rejects it as vacuous); here verify differentiates l itself.
    """
    v = variable.name
    syms = {s.name: (["positive"] if s.is_positive else ["real"]) for s in sorted(loss.free_symbols, key=str)}
    syms[v] = ["real"]
    lhs = f"subs(diff(l, {', '.join([v] * order)}), {v}, {value})"
    return identity(claim, syms, [], [("l", str(loss))], lhs, str(equals))


def first_failure(records: Sequence[Mapping[str, Any]]) -> str | None:
    """The first of the producer's own records that ``eoscheck verify`` would reject, as "claim: why"; None
    when every one re-checks.

    Why: a producer that decides its verdict by a separate residue computation can PROVE one thing and store
    another. Checking the records it stores, with the verifier's own checks, makes the decision and the stored
    proof the same object. (The verifier imports nothing from the producer; the reverse is fine.)
    """
    from checker.verifier import CertificateError, verify_certificate

    for rec in records:
        try:
            verify_certificate(dict(rec))
        except CertificateError as exc:
            return f"{rec.get('claim', rec.get('kind'))}: {exc}"
    return None
