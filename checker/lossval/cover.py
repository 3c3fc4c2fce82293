"""A certified cover of the domain: every point of [A, B] lies in a piece that says what l' does there.

Why a cover and not a list of critical points: "no minimiser" and "every minimiser is product-stable" are
statements about the *whole* domain. They hold only if the pieces are contiguous from A to B and none is
undecided; a list of found points cannot show what was missed. The cover is stored in the report
(``extra.loss.cover``) so that ``eoscheck verify`` re-checks each piece without searching.

Piece kinds (endpoints are exact decimals; each piece is closed):

* ``sign``: l'(X) evaluated in arb over X = [lo, hi] excludes 0, with the stated sign.
* ``root``: one Krawczyk step on l' over X lands in the interior of X (exactly one simple zero), l''(X)
  has the sign of the stated type, and for a minimum ``alpha_sign`` is the sign of
  alpha_l = 3 l'''^2 - l'' l'''' over X (null when the ball straddles 0 on this box).
* ``exact-root``: l' vanishes exactly at the one root of ``poly`` (the root's minimal polynomial over Q) in
  [lo, hi] (sympy, l' = polynomial x factors of known sign), the first non-vanishing derivative of l there has
  order ``order``, and l' has no other zero in [lo, hi] (Sturm count on the square-free polynomial part); the
  type comes from the signs of l' at lo and hi. ``value`` is the root as text (null when it has no closed
  form, e.g. a root of z^5 - z - 1).
* ``undecided``: none of the above; ``reason`` says why and what would decide it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp
from flint import arb, fmpq

from checker.backends.ball import ball_function, ball_precision
from checker.certify.krawczyk import KrawczykResult, krawczyk_1d, krawczyk_operator
from checker.certify.minimizers import CriticalPoint, guess_zero
from checker.errors import NonSmoothPointError
from checker.loss import Loss
from checker.lossval.exact_roots import ExactRoot, exact_roots
from checker.parse import Z

MAX_DEPTH = 44  # bisections of the domain before a piece is reported undecided
MAX_PIECES = 40_000  # work budget (pieces visited): beyond it the rest of the domain is reported undecided
ROOT_WIDTHS = (1e-4, 1e-6, 1e-8, 1e-10)  # relative half-widths tried for a root box, widest first
BallFn = Callable[[arb], arb]


def dec(x: Fraction) -> str:
    """An exact decimal string for a fraction whose denominator is 2^a 5^b (every endpoint we make)."""
    for k in range(0, 80):
        n = x * 10**k
        if n.denominator == 1:
            digits = str(abs(n.numerator)).rjust(k + 1, "0")
            text = digits[: len(digits) - k] + ("." + digits[len(digits) - k :] if k else "")
            return ("-" if n.numerator < 0 else "") + text
    raise ValueError(f"{x} has no short decimal expansion")


def ball(lo: Fraction, hi: Fraction) -> arb:
    """The arb ball holding [lo, hi] exactly (endpoints as rationals, rounded outward)."""
    a = arb(fmpq(lo.numerator, lo.denominator))
    b = arb(fmpq(hi.numerator, hi.denominator))
    return a.union(b)


def _short_in(mid: Fraction, lo: Fraction, hi: Fraction) -> Fraction:
    """The decimal with fewest digits near ``mid`` inside [lo, hi] (starts at the digit count the width needs)."""
    w = float(hi - lo)
    k0 = max(0, math.floor(-math.log10(w)) if w > 0 else 0)
    for k in range(max(0, k0 - 1), k0 + 4):
        scale = 10**k
        m = Fraction(round(mid * scale), scale)
        if lo <= m <= hi:
            return m
    return mid


def split_point(lo: Fraction, hi: Fraction, l1: BallFn | None = None) -> Fraction:
    """A short decimal in the middle half of (lo, hi) (endpoints stay readable in the stored cover) where
    l' has a certain sign: a zero of l' on a split point could be inside neither half's root box."""
    w = hi - lo
    first: Fraction | None = None
    for target in (Fraction(1, 2), Fraction(7, 16), Fraction(9, 16), Fraction(3, 8), Fraction(5, 8)):
        t = lo + w * target
        m = _short_in(t, lo + w / 4, hi - w / 4) if first is None else _short_in(t, t - w / 32, t + w / 32)
        if l1 is None:
            return m
        first = m if first is None else first
        try:
            if _sign_of(_value(l1, ball(m, m))) is not None:
                return m
        except NonSmoothPointError:
            pass
    return first if first is not None else lo + w / 2


def short_decimal(x: float, down: bool, rel: float) -> Fraction:
    """x rounded outward to the fewest decimals that keep it within rel*|x| (floors at 1e-30 absolute)."""
    fx = Fraction(x)
    tol = Fraction(max(rel * abs(x), 1e-30))
    for k in range(0, 60):
        scale = 10**k
        n = fx * scale
        r = Fraction(n.numerator // n.denominator if down else -((-n.numerator) // n.denominator), scale)
        if abs(r - fx) <= tol:
            return r
    return fx


@dataclass(frozen=True)
class Piece:
    """One closed piece of the cover. ``krawczyk``/``l2`` are kept (typed, balls) for the minimiser analysis."""

    kind: str  # sign | root | exact-root | undecided
    lo: Fraction
    hi: Fraction
    sign: str | None = None
    type: str | None = None  # minimum | maximum | degenerate-minimum | inflection
    alpha_sign: str | None = None
    value: sp.Expr | None = None
    order: int | None = None
    poly: sp.Expr | None = None  # exact-root: the minimal polynomial of the root (alone in [lo, hi])
    reason: str = ""
    krawczyk: KrawczykResult | None = None
    l2: arb | None = None

    @property
    def is_minimiser(self) -> bool:
        return self.type in ("minimum", "degenerate-minimum")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "lo": dec(self.lo), "hi": dec(self.hi)}
        if self.kind == "sign":
            out["sign"] = self.sign
        elif self.kind == "root":
            out["type"] = self.type
            out["alpha_sign"] = self.alpha_sign
        elif self.kind == "exact-root":
            out["value"] = readable(self.value)
            out["poly"] = None if self.poly is None else str(self.poly)
            out["order"] = self.order
            out["type"] = self.type
        else:
            out["reason"] = self.reason
        return out


@dataclass
class Cover:
    loss: Loss
    domain: tuple[Fraction, Fraction]
    prec: int
    pieces: list[Piece]

    @property
    def undecided(self) -> list[Piece]:
        return [p for p in self.pieces if p.kind == "undecided"]

    @property
    def complete(self) -> bool:
        return not self.undecided

    @property
    def critical(self) -> list[Piece]:
        return [p for p in self.pieces if p.kind in ("root", "exact-root")]

    @property
    def minimisers(self) -> list[Piece]:
        return [p for p in self.critical if p.is_minimiser]

    def minimum_points(self) -> list[CriticalPoint]:
        """The Krawczyk-certified minima as points for the stability analysis (refined box, l'' ball)."""
        out = []
        for p in self.minimisers:
            if p.kind == "root" and p.krawczyk is not None and p.l2 is not None:
                out.append(CriticalPoint("minimum", p.krawczyk.box, p.krawczyk, p.l2))
        return out

    def sign_everywhere(self) -> str | None:
        """The sign of l' on the whole domain when the cover proves one (no zero, one sign), else None."""
        signs = {p.sign for p in self.pieces}
        if all(p.kind == "sign" for p in self.pieces) and len(signs) == 1:
            return next(iter(signs))
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "domain": {"lo": dec(self.domain[0]), "hi": dec(self.domain[1])},
            "expr": str(self.loss.expr),
            "params": {k: str(v) for k, v in self.loss.params.items()},
            "pieces": [p.to_json() for p in self.pieces],
        }


def _value(fn: BallFn, x: arb) -> arb | None:
    """A finite ball value, None where l' is not finite or not defined; NonSmoothPointError propagates."""
    try:
        v = fn(x)
    except (ZeroDivisionError, ValueError, ArithmeticError):
        return None
    return v if v.is_finite() and not v.is_nan() else None


def _sign_of(v: arb | None) -> str | None:
    if v is None:
        return None
    return "positive" if v > 0 else "negative" if v < 0 else None


def build_cover(loss: Loss, domain: tuple[Fraction, Fraction], *, prec: int = 128) -> Cover:
    """The cover of ``domain`` (module docstring): exact roots first, then arb bisection of the gaps."""
    lo, hi = domain
    l1 = loss.derivative(1)
    exact = exact_roots(l1, lo, hi)
    pieces: list[Piece] = []
    with ball_precision(prec):
        fns = (loss.ball(1), loss.ball(2), ball_function(loss.product_stability_expr(), Z))
        gaps: list[tuple[Fraction, Fraction]] = []
        cursor = lo
        for root in _multiple(exact or [], lo, hi):
            piece = _exact_piece(loss, root, fns[0])
            if piece.lo > cursor:
                gaps.append((cursor, piece.lo))
            pieces.append(piece)
            cursor = piece.hi
        if cursor < hi:
            gaps.append((cursor, hi))
        budget = [MAX_PIECES]
        min_width = (hi - lo) / 2**MAX_DEPTH
        for a, b in gaps:
            pieces.extend(_merge_signs(fns[0], _cover_gap(loss, fns, a, b, min_width, budget)))
    pieces.sort(key=lambda p: p.lo)
    return Cover(loss, domain, prec, _merge_undecided(pieces))


def _multiple(roots: list[ExactRoot], lo: Fraction, hi: Fraction) -> list[ExactRoot]:
    """The multiple zeros of l' (order >= 3) whose isolating interval lies inside the domain."""
    return [r for r in roots if r.order >= 3 and lo < r.lo and r.hi < hi]


def _exact_piece(loss: Loss, root: ExactRoot, l1: BallFn) -> Piece:
    with ball_precision(256):
        left = _sign_of(_value(l1, ball(root.lo, root.lo)))
        right = _sign_of(_value(l1, ball(root.hi, root.hi)))
    if left == "negative" and right == "positive":
        kind = "degenerate-minimum" if root.order > 2 else "minimum"
    elif left == "positive" and right == "negative":
        kind = "maximum"
    elif left is not None and left == right:
        kind = "inflection"
    else:
        where = f"the root of {root.poly} in [{dec(root.lo)}, {dec(root.hi)}]"
        why = f"l' = 0 exactly at {where}; sign of l' beside it not decided"
        return Piece("undecided", root.lo, root.hi, reason=why)
    return Piece("exact-root", root.lo, root.hi, type=kind, value=root.value, order=root.order, poly=root.poly)


def readable(value: sp.Expr | None) -> str | None:
    """The exact value as text when it is rational or a radical expression; None for a CRootOf (no closed
    form): the root is then named by its minimal polynomial and isolating interval alone."""
    if value is None or value.has(sp.CRootOf):
        return None
    return str(value)


def _cover_gap(
    loss: Loss, fns: tuple[BallFn, BallFn, BallFn], a: Fraction, b: Fraction, min_width: Fraction, budget: list[int]
) -> list[Piece]:
    l1, l2, alpha = fns
    out: list[Piece] = []
    stack = [(a, b)]
    while stack:
        lo, hi = stack.pop()
        budget[0] -= 1
        if budget[0] < 0:
            why = "work budget exhausted: give a narrower --domain (or more --prec)"
            out.append(Piece("undecided", lo, hi, reason=why))
            out.extend(Piece("undecided", x, y, reason=why) for x, y in stack)
            break
        x = ball(lo, hi)
        try:
            v = _value(l1, x)
            s = _sign_of(v)
            if s is not None:
                out.append(Piece("sign", lo, hi, sign=s))
                continue
            if v is None and _nowhere_finite(l1, lo, hi):
                out.append(Piece("undecided", lo, hi, reason=NOT_FINITE))
                continue
            small = hi - lo <= min_width * 2**24
            root = _root(loss, l1, l2, alpha, lo, hi) if (small or _bracket(l1, l2, x, lo, hi)) else None
        except NonSmoothPointError:
            if hi - lo <= min_width:
                out.append(Piece("undecided", lo, hi, reason="l is not smooth here (kink of abs/sign): no certificate"))
                continue
            root = None
        if root is not None:
            out.append(root)
            stack.extend(p for p in ((lo, root.lo), (root.hi, hi)) if p[1] > p[0])
            continue
        if hi - lo <= min_width:
            out.append(Piece("undecided", lo, hi, reason=_small_reason(l1, x)))
            continue
        m = split_point(lo, hi, l1)
        stack.extend([(m, hi), (lo, m)])
    return out


def _bracket(l1: BallFn, l2: BallFn, x: arb, lo: Fraction, hi: Fraction) -> bool:
    """l' is monotone on X (l'' excludes 0) and changes sign between the ends: exactly one zero, worth a
    Newton guess (a guess costs ~1 ms of mpmath; on a wide piece whose ball merely overestimates, it is waste)."""
    d = _value(l2, x)
    if d is None or d.contains(0):
        return False
    a, b = _sign_of(_value(l1, ball(lo, lo))), _sign_of(_value(l1, ball(hi, hi)))
    return a is not None and b is not None and a != b


def _nowhere_finite(l1: BallFn, lo: Fraction, hi: Fraction) -> bool:
    """l' is not finite at both ends and the middle: most likely outside the loss's real domain. We stop
    bisecting (the piece stays undecided either way) instead of splitting it into millions of pieces."""
    pts = (lo, (lo + hi) / 2, hi)
    return all(_value(l1, ball(p, p)) is None for p in pts)


NOT_FINITE = (
    "l' is not finite or not real at both ends and the middle (outside where l is defined?): "
    "give a --domain where l is defined"
)


def _small_reason(l1: BallFn, x: arb) -> str:
    if _value(l1, x) is None:
        return "l' or l'' not finite here: give a --domain that excludes this point"
    return (
        "no Krawczyk inclusion and no sign of l' (a multiple zero of l'?): more --prec, or a loss whose l' is a "
        "polynomial (times a factor of known sign) so the zero is found exactly"
    )


def _root(loss: Loss, l1: BallFn, l2: BallFn, alpha: BallFn, lo: Fraction, hi: Fraction) -> Piece | None:
    """A root piece around a numerical zero in [lo, hi]: one Krawczyk step inside the stored box.

    The widest box that passes is preferred (l' is then bounded away from 0 at its ends, so the neighbouring
    sign pieces need few bisections even when l' suffers from cancellation), unless only a narrower one
    decides alpha's sign.
    """
    guess = guess_zero(loss, float(lo), float(hi))
    if guess is None:
        return None
    found: list[Piece] = []
    for rel in ROOT_WIDTHS:
        r = rel * max(1.0, abs(guess))
        plo = max(lo, short_decimal(guess - r, True, rel / 4))
        phi = min(hi, short_decimal(guess + r, False, rel / 4))
        if not plo < phi:
            continue
        x = ball(plo, phi)
        k = krawczyk_operator(l1, l2, x)
        if k is None or not _strictly_inside(k, plo, phi):
            continue
        d = _value(l2, x)
        kind = "minimum" if d is not None and d > 0 else "maximum" if d is not None and d < 0 else None
        if kind is None:
            continue
        a_sign = _sign_of(_value(alpha, x)) if kind == "minimum" else None
        piece = Piece("root", plo, phi, type=kind, alpha_sign=a_sign, l2=d)
        found.append(piece)
        if kind == "maximum" or a_sign is not None:
            break
    if not found:
        return None
    best = next((p for p in found if p.type == "maximum" or p.alpha_sign is not None), found[0])
    x = ball(best.lo, best.hi)
    return Piece(
        "root",
        best.lo,
        best.hi,
        type=best.type,
        alpha_sign=best.alpha_sign,
        krawczyk=krawczyk_1d(l1, l2, x),
        l2=best.l2,
    )


def _strictly_inside(k: arb, lo: Fraction, hi: Fraction) -> bool:
    """K lies in the open interval (lo, hi) of the *exact* stored endpoints (the ball of [lo, hi] is a bit
    wider: decimals are not binary, so its interior is not the piece's interior)."""
    a = arb(fmpq(lo.numerator, lo.denominator))
    b = arb(fmpq(hi.numerator, hi.denominator))
    return bool(arb(k.lower()) > a and arb(k.upper()) < b)


def _merge_signs(l1: BallFn, pieces: list[Piece]) -> list[Piece]:
    """Join neighbouring sign pieces of one sign while arb still proves the sign on the union (fewer pieces
    for the verifier to re-check; the certificate stays a direct evaluation over each stored piece)."""
    out: list[Piece] = []
    for p in sorted(pieces, key=lambda q: q.lo):
        last = out[-1] if out else None
        if last is not None and p.kind == "sign" and last.kind == "sign" and last.sign == p.sign and last.hi == p.lo:
            try:
                if _sign_of(_value(l1, ball(last.lo, p.hi))) == p.sign:
                    out[-1] = Piece("sign", last.lo, p.hi, sign=p.sign)
                    continue
            except NonSmoothPointError:
                pass
        out.append(p)
    return out


def _merge_undecided(pieces: list[Piece]) -> list[Piece]:
    """Adjacent undecided pieces with one reason become one (the verifier has nothing to re-check in them)."""
    out: list[Piece] = []
    for p in pieces:
        last = out[-1] if out else None
        if last and p.kind == last.kind == "undecided" and last.hi == p.lo and last.reason == p.reason:
            out[-1] = Piece("undecided", last.lo, p.hi, reason=p.reason)
            continue
        out.append(p)
    return out
