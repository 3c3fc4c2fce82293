"""The 1-D Krawczyk test: prove that f has exactly one zero in a box, or none, with arb balls.

Why Krawczyk and not plain interval Newton: it needs no division by the ball f'(X) (which may contain 0
on a wide box) and its inclusion test K(X) inside int(X) proves existence *and* uniqueness at once
(Krawczyk 1969; Moore, Kearfott, Cloud, *Introduction to Interval Analysis*, Thm 8.2). With a point
preconditioner C ~ 1/f'(m) and a point m in X,

    K(X) = m - C f(m) + (1 - C f'(X)) (X - m).

* K(X) in the interior of X  ->  exactly one zero of f in X ("unique"); iterating X <- K(X) cap X
  shrinks the box around it (quadratically while C stays a good inverse), which is how we refine.
* K(X) disjoint from X, or f(X) excludes 0  ->  no zero in X ("none").
* otherwise "undecided" (box too wide, or a multiple root: f'(x*) = 0 defeats any such test).

``f`` and ``df`` take and return python-flint ``arb`` balls and must be interval extensions (true for
everything compiled by :func:`checker.backends.ball.ball_function`). A ball evaluation that hits a kink
raises :class:`~checker.errors.NonSmoothPointError`; that propagates, the caller says so to the user.

>>> from flint import arb
>>> from checker.backends.ball import ball_precision
>>> with ball_precision(128):
...     r = krawczyk_1d(lambda x: x * x - 2, lambda x: 2 * x, arb(1.5, 0.25))
...     sqrt2 = arb(2).sqrt()
>>> r.status, r.box.overlaps(sqrt2), r.box.rad() < 1e-35
('unique', True, True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import flint
import sympy as sp
from flint import arb

from checker import certificate
from checker.verdict import Enclosure

BallFn = Callable[[arb], arb]


@dataclass(frozen=True)
class KrawczykResult:
    """``status``: "unique" | "none" | "undecided". ``box``: the (refined) enclosure of the zero when
    unique, else the box tested. ``image``: the Krawczyk image K(box) of the last successful inclusion
    (what a certificate stores: a checker re-evaluates K and sees it inside ``box``)."""

    status: str
    box: arb
    image: arb | None
    prec: int
    iterations: int
    reason: str = ""
    proof_box: arb | None = None  # the X of the last inclusion K(X) in int(X) (has an interior)

    @property
    def unique(self) -> bool:
        return self.status == "unique"


def interval(lo: arb | float | str, hi: arb | float | str) -> arb:
    """The smallest ball flint gives that contains [lo, hi] (boxes are balls throughout)."""
    return arb(lo).union(arb(hi))


def _finite(x: arb) -> bool:
    return x.is_finite() and not x.is_nan()


def krawczyk_operator(f: BallFn, df: BallFn, box: arb) -> arb | None:
    """K(box) with m = mid(box) and C = 1/mid(f'(m)) as an exact float; None if C cannot be formed."""
    m = arb(box.mid())
    dm = df(m)
    if not _finite(dm) or dm.mid() == 0:
        return None
    c = arb(1 / arb(dm.mid())).mid()  # any point C works; a rounded inverse keeps the test exact
    c = arb(c)
    fm = f(m)
    dfx = df(box)
    if not (_finite(fm) and _finite(dfx)):
        return None
    return m - c * fm + (1 - c * dfx) * (box - m)


def krawczyk_1d(f: BallFn, df: BallFn, box: arb, *, max_iter: int = 60) -> KrawczykResult:
    """Decide the zeros of f in ``box`` at the current flint precision; refine the box when unique.

    Refinement stops when a Krawczyk step no longer shrinks the box (we are at the precision's floor).
    """
    prec = flint.ctx.prec
    if not _finite(box):
        return KrawczykResult("undecided", box, None, prec, 0, "box not finite")
    fx = f(box)
    if _finite(fx) and not fx.contains(0):
        return KrawczykResult("none", box, None, prec, 0, "f(X) excludes 0")
    proven = False
    image: arb | None = None
    proof: arb | None = None
    current = box
    for it in range(1, max_iter + 1):
        k = krawczyk_operator(f, df, current)
        if k is None or not _finite(k):
            break
        if not k.overlaps(current):
            return KrawczykResult("none", box, None, prec, it, "K(X) disjoint from X")
        if current.contains_interior(k):
            proven, image, proof = True, k, current
            floor = abs(k.mid()) * arb(2) ** (8 - prec) + arb(2) ** (-prec)
            if k.rad() >= current.rad() * 0.9 or k.rad() <= floor:  # tight, or no progress at this prec
                return KrawczykResult("unique", k, image, prec, it, proof_box=proof)
            current = k
            continue
        if proven:  # a later step failed to include: keep the last proved box
            break
        narrowed = k.intersection(current)
        if narrowed.rad() >= current.rad() * 0.99:
            break
        current = narrowed  # K(X) cap X still contains every zero of X
    if proven:
        return KrawczykResult("unique", current, image, prec, max_iter, proof_box=proof)
    return KrawczykResult("undecided", box, None, prec, max_iter, "inclusion not reached")


def krawczyk_certificate(
    f: sp.Expr, df: sp.Expr, variable: sp.Symbol, result: KrawczykResult, claim: str, sign_df: str | None = None
) -> dict[str, Any]:
    """The checker.certificate ``krawczyk`` record for a unique zero (box and image as decimal bounds).

    The stored box is the X of the last successful inclusion (it has an interior; the refined enclosure
    K(X) may be a single exact point, e.g. z* = 1), widened outward by the decimal rounding. The verifier
    recomputes K itself (with its own preconditioner), so the stored image is informative only.
    """
    if not result.unique or result.image is None or result.proof_box is None:
        raise ValueError("only a 'unique' Krawczyk result has a certificate")
    return certificate.krawczyk(
        f,
        df,
        variable,
        Enclosure.from_arb(result.proof_box),
        Enclosure.from_arb(result.image),
        result.prec,
        claim,
        sign_df=sign_df,
    )
