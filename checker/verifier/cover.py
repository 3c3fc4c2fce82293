"""Re-check a loss document's cover of its domain (``extra.loss.cover``) and the verdicts that rest on it.

The cover is the loss validator's whole-domain statement: contiguous closed pieces from the domain's lo to
its hi, each saying what l' does there (format in reports/README.md, "Loss covers"). Every piece is
re-derived here from the stored l (never from stored derivatives):

* ``sign``: l' over the piece, in arb, has the stated sign (the piece may be bisected here, to depth 12);
* ``root``: Krawczyk on l' over the box, and l'' and (when claimed) alpha_l over the SAME box;
* ``exact-root`` with ``poly`` (the root's minimal polynomial: a root without closed form is named by it and
  [lo, hi]): a Sturm count of exactly one root of the square-free ``poly`` in [lo, hi], and l'/poly^(order-1)
  finite and of one sign there (arb), which fixes the order and the type (:func:`_algebraic_root`);
* ``exact-root`` without ``poly`` (older reports): l'(value) = 0 exactly (sympy), l^(j)(value) = 0 for
  2 <= j < order and l^(order)(value) != 0 (arb), value in [lo, hi], and l' has no other zero there: a Sturm
  count (sympy ``count_roots`` of the square-free part) when l' is a polynomial, else the sign of
  l'/(z - value)^(order-1) over the piece;
* ``undecided``: accepted as stated, but then the headline cannot be "product-stable".

The headline (``exit_code`` 0: product-stable) must follow: no undecided piece, at least one minimum, and
every minimum a ``root`` piece with ``alpha_sign`` positive. Each ``minimizers[]`` verdict must match a
piece of the cover that overlaps its z enclosure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from functools import partial
from typing import Any

import sympy as sp
from flint import arb

from checker.verifier.arbeval import evaluate, exact, function_of, hull
from checker.verifier.checks import CertificateError, box, loss_derivatives, root_reason, signed, with_retries
from checker.verifier.expr import ExprError, Reader, read_number_text

Z = sp.Symbol("z", real=True)
MAX_PIECES = 20_000
SIGN_DEPTH = 16
MINIMA = ("minimum", "degenerate-minimum")


def read_fixed_params(params: Mapping[Any, Any], symbols: dict[str, sp.Symbol]) -> dict[sp.Symbol, sp.Expr]:
    """Parameters fixed to stated numbers: a new real symbol for each (added to ``symbols``) and its exact value.

    A name must be an identifier not already bound (z, or a family's ranged parameters), so a report cannot
    rebind the loss variable or fix a parameter the certificate claims to range over.
    """
    values: dict[sp.Symbol, sp.Expr] = {}
    for name, text in params.items():
        if not isinstance(name, str) or not name.isidentifier() or name in symbols:
            raise CertificateError(f"bad parameter name {str(name)[:30]!r}")
        sym = sp.Symbol(name, real=True)
        symbols[name] = sym
        try:
            values[sym] = read_number_text(text)
        except ExprError as exc:
            raise CertificateError(f"parameter {name}: {exc}") from None
    return values


def _loss(cover: Mapping[str, Any]) -> sp.Expr:
    params = cover.get("params", {})
    if not isinstance(params, dict):
        raise CertificateError("cover params must be an object")
    symbols: dict[str, sp.Symbol] = {"z": Z}
    values = read_fixed_params(params, symbols)
    try:
        expr = Reader(symbols).read(cover["expr"])
    except ExprError as exc:
        raise CertificateError(f"cover expr: {exc}") from None
    expr = expr.subs(values) if values else expr
    if not isinstance(expr, sp.Expr) or expr.free_symbols - {Z}:
        raise CertificateError("cover expr must be a loss in z and the stated parameters")
    return expr


def _same_loss(loss_extra: Mapping[str, Any], loss: sp.Expr) -> list[str]:
    """The cover must be of the document's own loss (the text the user gave, with its parameters)."""
    given = loss_extra.get("loss")
    if not isinstance(given, dict) or not isinstance(given.get("text"), str):
        return ["extra.loss.loss.text is missing: cannot tell which loss the cover is of"]
    try:
        stated = _loss({"expr": given["text"], "params": given.get("params", {})})
    except CertificateError as exc:
        return [f"the document's loss text cannot be read here: {exc}"]
    if sp.simplify(stated - loss) != 0:
        return [f"the cover is of {cover_text(loss)}, not of the document's loss {given['text']!r}"]
    return []


def cover_text(e: sp.Expr) -> str:
    return str(e)[:80]


def _sign_piece(l1: Callable[[arb], arb], lo: Fraction, hi: Fraction, sign: Any, depth: int = 0) -> str:
    """'' when f has ``sign`` on [lo, hi]; the box is bisected where arb cannot decide, and a sub-box where
    f certainly has the OTHER sign ends the search at once (so a false claim costs little)."""
    value = l1(hull(lo, hi))
    if signed(value, sign):
        return ""
    if signed(value, "negative" if sign == "positive" else "positive"):
        return f"l' is {(sign == 'positive' and 'negative') or 'positive'} on [{float(lo):.17g}, {float(hi):.17g}]"
    if depth >= SIGN_DEPTH or lo == hi:
        return f"l' over [{float(lo):.17g}, {float(hi):.17g}] is not certainly {sign}"
    mid = (lo + hi) / 2
    return _sign_piece(l1, lo, mid, sign, depth + 1) or _sign_piece(l1, mid, hi, sign, depth + 1)


def _exact_root(loss: sp.Expr, piece: Mapping[str, Any], lo: Fraction, hi: Fraction, prec: int) -> None:
    if piece.get("poly") is not None:
        _algebraic_root(loss, piece, lo, hi, prec)
        return
    try:
        value = Reader({}).read(piece["value"])
    except ExprError as exc:
        raise CertificateError(f"exact-root value: {exc}") from None
    order = piece.get("order")
    if isinstance(order, bool) or not isinstance(order, int) or not 2 <= order <= 12:
        raise CertificateError("exact-root order must be an integer in 2..12")
    if not isinstance(value, sp.Expr) or value.free_symbols:
        raise CertificateError("exact-root value must be a constant")
    derivs = [sp.diff(loss, Z, j) for j in range(order + 1)]
    for j in range(1, order):
        if sp.simplify(derivs[j].subs(Z, value)) != 0:
            raise CertificateError(f"l^({j}) does not vanish at {piece['value']}")
    top = derivs[order].subs(Z, value)
    l1 = derivs[1]
    quotient = sp.cancel(l1 / (Z - value) ** (order - 1)) if order > 2 else None
    poly = sp.Poly(l1, Z) if l1.is_polynomial(Z) else None

    def attempt() -> str:
        v = evaluate(value, {})
        if not (v >= exact(lo) and v <= exact(hi)):
            return f"value {piece['value']} is not in the piece"
        t = evaluate(top, {})
        if not (t > 0 or t < 0):
            return f"l^({order})({piece['value']}) is not certainly nonzero"
        want = (
            "inflection" if order % 2 else ("maximum" if t < 0 else ("minimum" if order == 2 else "degenerate-minimum"))
        )
        if piece.get("type") != want:
            return f"type {piece.get('type')!r}, but the first nonzero derivative (order {order}) makes it {want}"
        return ""

    with_retries(prec, attempt)
    if poly is not None:
        count = poly.sqf_part().count_roots(sp.Rational(lo), sp.Rational(hi))
        if count != 1:
            raise CertificateError(f"l' has {count} distinct zeros in the piece (Sturm), not exactly one")
        return
    q = quotient if quotient is not None else l1 / (Z - value) ** (order - 1)
    fq = function_of(q, Z)
    with_retries(prec, lambda: "" if _sign_definite(fq, lo, hi) else "l' may have another zero in the piece")


def _algebraic_root(loss: sp.Expr, piece: Mapping[str, Any], lo: Fraction, hi: Fraction, prec: int) -> None:
    """An exact root named by a polynomial f (square-free, rational coefficients) with exactly one root r in
    [lo, hi] (Sturm count): with m = order - 1 and h = l'/f^m (sympy cancel), h finite and of one sign on
    [lo, hi] (arb) means l' = f^m h vanishes at r to order exactly m and nowhere else in the piece, so
    l^(j)(r) = 0 for j <= m and l^(order)(r) = m! f'(r)^m h(r), whose sign follows from those of f' and h."""
    order = piece.get("order")
    if isinstance(order, bool) or not isinstance(order, int) or not 2 <= order <= 12:
        raise CertificateError("exact-root order must be an integer in 2..12")
    try:
        f = Reader({"z": Z}).read(piece["poly"])
    except ExprError as exc:
        raise CertificateError(f"exact-root poly: {exc}") from None
    if not isinstance(f, sp.Expr) or not f.is_polynomial(Z):
        raise CertificateError("exact-root poly must be a polynomial in z")
    poly = sp.Poly(f, Z)
    if poly.degree() < 1 or not all(c.is_Rational for c in poly.all_coeffs()):
        raise CertificateError("exact-root poly must have rational coefficients and degree >= 1")
    if sp.degree(sp.gcd(poly, poly.diff(Z)), Z) > 0:
        raise CertificateError("exact-root poly is not square-free")
    if not lo < hi or poly.count_roots(sp.Rational(lo), sp.Rational(hi)) != 1:
        raise CertificateError(f"{piece['poly']} does not have exactly one root in the piece (Sturm)")
    if piece.get("value") is not None:
        try:
            value = Reader({}).read(piece["value"])
        except ExprError as exc:
            raise CertificateError(f"exact-root value: {exc}") from None
        if not isinstance(value, sp.Expr) or value.free_symbols or sp.simplify(f.subs(Z, value)) != 0:
            raise CertificateError(f"value {piece['value']} is not a root of {piece['poly']}")
    m = order - 1
    h = function_of(sp.cancel(sp.diff(loss, Z) / f**m), Z)
    df = function_of(sp.diff(f, Z), Z)

    def attempt() -> str:
        if piece.get("value") is not None:
            v = evaluate(value, {})
            if not (v >= exact(lo) and v <= exact(hi)):
                return f"value {piece['value']} is not in the piece"
        hv, dv = h(hull(lo, hi)), df(hull(lo, hi))
        if not (hv > 0 or hv < 0):
            return f"l'/({piece['poly']})^{m} is not certainly nonzero on the piece: not a zero of order {m} alone"
        if not (dv > 0 or dv < 0):
            return f"the derivative of {piece['poly']} is not certainly nonzero on the piece"
        top_negative = (hv < 0) != (dv < 0 and m % 2 == 1)
        want = (
            "inflection"
            if order % 2
            else ("maximum" if top_negative else ("minimum" if order == 2 else "degenerate-minimum"))
        )
        if piece.get("type") != want:
            return f"type {piece.get('type')!r}, but the first nonzero derivative (order {order}) makes it {want}"
        return ""

    with_retries(prec, attempt)


def _sign_definite(f: Callable[[arb], arb], lo: Fraction, hi: Fraction) -> bool:
    v = f(hull(lo, hi))
    sign = "positive" if v > 0 else "negative" if v < 0 else None
    return sign is not None or (_sign_piece(f, lo, hi, "positive") == "" or _sign_piece(f, lo, hi, "negative") == "")


def check_cover(loss_extra: Mapping[str, Any], prec: int = 128) -> list[str]:
    """Failures (one line each) of the cover and of the verdicts resting on it; [] when all hold."""
    cover = loss_extra.get("cover")
    if not isinstance(cover, dict):
        return ["extra.loss.cover is missing: the loss verdicts cannot be checked against a cover of the domain"]
    try:
        return _check(loss_extra, cover, prec)
    except CertificateError as exc:
        return [str(exc)]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return [f"malformed cover: {type(exc).__name__}: {exc}"]


def _check(loss_extra: Mapping[str, Any], cover: Mapping[str, Any], prec: int) -> list[str]:
    failures: list[str] = []
    loss = _loss(cover)
    failures += _same_loss(loss_extra, loss)
    d = loss_derivatives(loss, Z)
    dlo, dhi = box(cover["domain"])
    domain = loss_extra.get("domain")
    if isinstance(domain, list) and len(domain) == 2:
        try:
            stated = (Fraction(domain[0]), Fraction(domain[1]))
        except (TypeError, ValueError):
            stated = None
        if stated != (dlo, dhi):
            failures.append(f"cover domain [{dlo}, {dhi}] is not the document's domain {domain}")
    pieces = cover["pieces"]
    if not isinstance(pieces, list) or not pieces or len(pieces) > MAX_PIECES:
        return [*failures, "cover pieces must be a non-empty list"]
    at = dlo
    minima: list[tuple[Fraction, Fraction, Mapping[str, Any]]] = []
    undecided = 0
    for i, piece in enumerate(pieces, 1):
        lo, hi = box(piece)
        if lo != at:
            failures.append(f"piece {i} starts at {piece['lo']}, not where the previous one ends ({at})")
        at = hi
        kind = piece.get("kind")
        try:
            if kind == "sign":
                with_retries(prec, partial(_sign_piece, d[1], lo, hi, piece["sign"]))
            elif kind == "root":
                with_retries(prec, partial(root_reason, d, lo, hi, piece["type"], piece.get("alpha_sign")))
                if piece["type"] == "minimum":
                    minima.append((lo, hi, piece))
            elif kind == "exact-root":
                _exact_root(loss, piece, lo, hi, prec)
                if piece["type"] in MINIMA:
                    minima.append((lo, hi, piece))
            elif kind == "undecided":
                undecided += 1
            else:
                failures.append(f"piece {i}: unknown kind {kind!r}")
        except CertificateError as exc:
            failures.append(f"piece {i} ({kind} [{piece['lo']}, {piece['hi']}]): {exc}")
    if at != dhi:
        failures.append(f"the pieces end at {at}, not at the domain's hi {dhi}")
    failures += _headline(loss_extra, minima, undecided)
    return failures


def _headline(
    loss_extra: Mapping[str, Any], minima: list[tuple[Fraction, Fraction, Mapping[str, Any]]], undecided: int
) -> list[str]:
    out = []
    stable = [m for m in minima if m[2]["kind"] == "root" and m[2].get("alpha_sign") == "positive"]
    if loss_extra.get("exit_code") == 0:
        if undecided:
            out.append(f"exit code 0 (product-stable) but {undecided} piece(s) of the cover are undecided")
        if not minima:
            out.append("exit code 0 (product-stable) but the cover has no minimum")
        if len(stable) != len(minima):
            out.append("exit code 0 (product-stable) but a minimum of the cover is not certified alpha > 0")
    for m in loss_extra.get("minimizers", []):
        zlo, zhi = box(m["z"])
        hits = [p for lo, hi, p in minima if not (hi < zlo or zhi < lo)]
        verdict = m.get("verdict")
        if not hits:
            out.append(f"minimiser {m.get('index')}: no minimum of the cover overlaps its z enclosure")
            continue
        piece = hits[0]
        alpha = piece.get("alpha_sign") if piece["kind"] == "root" else None
        if verdict == "product-stable" and alpha != "positive":
            out.append(f"minimiser {m.get('index')}: 'product-stable' but its cover piece has alpha_sign {alpha!r}")
        if verdict == "not-product-stable" and alpha != "negative":
            out.append(f"minimiser {m.get('index')}: 'not-product-stable' but its cover piece has alpha_sign {alpha!r}")
    return out
