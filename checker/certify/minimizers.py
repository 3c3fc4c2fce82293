"""Certified critical points of a loss l on a domain [A, B]: every zero of l' isolated in ball arithmetic.

The domain is covered by closed pieces, each of which ends in exactly one of:

* excluded: l'(X) excludes 0, or l' is monotone on X (l''(X) excludes 0) with the same strict sign at
  both ends: no critical point there;
* a certified critical point: Krawczyk on l' proves exactly one zero in a small box around a numerical
  guess (checker.certify.krawczyk); the box is refined until tight and the point is classified by the
  sign of l'' on it (minimum l'' > 0, maximum l'' < 0, otherwise "degenerate": a multiple zero);
* an undecided region: bisection reached the minimum width without either (a multiple zero of l', a
  kink of abs, or a place where l is not defined); reported, never silently dropped.

Because the pieces only share endpoints and every certified zero lies in the interior of its box, the
list of minimisers is complete on the domain up to the undecided regions, which is what lets the CLI say
"no minimiser in [A, B]" with CERTIFIED evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mpmath
from flint import arb

from checker.backends.ball import ball_precision
from checker.certify.krawczyk import KrawczykResult, interval, krawczyk_1d
from checker.errors import NonSmoothPointError, UserInputError
from checker.loss import Loss

DEFAULT_DOMAIN = (-50.0, 50.0)
DEFAULT_PREC = 128
MAX_DEPTH = 48  # bisections of the domain before a piece is reported undecided
MAX_PIECES = 20_000  # work budget: beyond it the rest of the domain is reported undecided


@dataclass(frozen=True)
class CriticalPoint:
    kind: str  # "minimum" | "maximum" | "degenerate"
    box: arb  # certified enclosure of the unique zero of l' in it
    krawczyk: KrawczykResult
    l2: arb  # l''(box)

    @property
    def mid(self) -> float:
        return float(self.box.mid())


@dataclass(frozen=True)
class Region:
    lo: float
    hi: float
    reason: str


@dataclass
class CriticalSet:
    domain: tuple[float, float]
    prec: int
    points: list[CriticalPoint] = field(default_factory=list)
    undecided: list[Region] = field(default_factory=list)
    kinks: list[Region] = field(default_factory=list)
    sign_l1: str = ""  # when there is no critical point: "positive" / "negative" / "" (mixed or unknown)

    @property
    def minima(self) -> list[CriticalPoint]:
        return [p for p in self.points if p.kind == "minimum"]

    @property
    def complete(self) -> bool:
        """Every piece of the domain was decided: the list of critical points is exhaustive."""
        return not self.undecided and not self.kinks


def parse_domain(text: str) -> tuple[float, float]:
    """``A,B`` from the command line: finite, A < B."""
    parts = text.split(",")
    if len(parts) != 2:
        raise UserInputError(f"--domain must look like A,B (e.g. -50,50), not {text!r}")
    try:
        lo, hi = (float(p) for p in parts)
    except ValueError:
        raise UserInputError(f"--domain bounds must be numbers, not {text!r}") from None
    if not all(map(mpmath.isfinite, (lo, hi))):
        raise UserInputError(f"--domain bounds must be finite, not {text!r}")
    if not lo < hi:
        raise UserInputError(f"--domain needs A < B, got {text!r}")
    return lo, hi


def _eval(fn, x: arb) -> arb | None:  # type: ignore[no-untyped-def]
    """A ball value, or None where it is not finite (log of a negative, overflow)."""
    try:
        v = fn(x)
    except (ZeroDivisionError, ValueError):
        return None
    return v if v.is_finite() and not v.is_nan() else None


def _guess(loss: Loss, lo: float, hi: float) -> float | None:
    """A numerical zero of l' in [lo, hi] (mpmath, not rigorous: only a place to try Krawczyk).

    Newton safeguarded by bisection on a sign change of l'; plain Newton from the middle otherwise,
    abandoned as soon as it leaves the piece (it would only find some other zero, or overflow).
    """
    l1, l2 = loss.mp(1, dps=30), loss.mp(2, dps=30)
    a, b = mpmath.mpf(lo), mpmath.mpf(hi)
    try:
        fa, fb = l1(a), l1(b)
        bracket = fa * fb < 0
        x = (a + b) / 2
        for _ in range(200):
            fx = l1(x)
            if fx == 0:
                break
            if bracket:
                if (fx < 0) == (fa < 0):
                    a, fa = x, fx
                else:
                    b = x
            d = l2(x)
            nxt = x - fx / d if d != 0 else None
            if nxt is None or not (a <= nxt <= b) or not mpmath.isfinite(nxt):
                if not bracket:
                    return None
                nxt = (a + b) / 2
            if abs(nxt - x) <= mpmath.mpf(10) ** -25 * (1 + abs(x)):
                x = nxt
                break
            x = nxt
    except (ValueError, ZeroDivisionError, ArithmeticError, TypeError):
        return None
    if not mpmath.isfinite(x) or not lo <= x <= hi:
        return None
    return float(x)


def _sign(x: arb | None) -> str:
    if x is None:
        return ""
    return "positive" if x > 0 else "negative" if x < 0 else ""


def _no_zero(l1, l2, lo: float, hi: float, box: arb) -> bool:  # type: ignore[no-untyped-def]
    """l' has no zero on [lo, hi]: l'(X) excludes 0, or l' monotone with one strict sign at both ends."""
    v = _eval(l1, box)
    if v is not None and not v.contains(0):
        return True
    d = _eval(l2, box)
    if d is None or d.contains(0):
        return False
    a, b = _sign(_eval(l1, arb(lo))), _sign(_eval(l1, arb(hi)))
    return a != "" and a == b


def critical_points(
    loss: Loss, domain: tuple[float, float] = DEFAULT_DOMAIN, *, prec: int = DEFAULT_PREC
) -> CriticalSet:
    """All zeros of l' on ``domain``, certified, classified (see the module docstring)."""
    out = CriticalSet(domain=domain, prec=prec)
    with ball_precision(prec):
        l1, l2 = loss.ball(1), loss.ball(2)
        min_width = (domain[1] - domain[0]) * 2.0**-MAX_DEPTH
        stack: list[tuple[float, float]] = [domain]
        pieces = 0
        while stack:
            lo, hi = stack.pop()
            pieces += 1
            if pieces > MAX_PIECES:
                out.undecided.append(Region(lo, hi, "work budget exhausted"))
                out.undecided.extend(Region(a, b, "work budget exhausted") for a, b in stack)
                break
            box = interval(lo, hi)
            try:
                if _no_zero(l1, l2, lo, hi, box):
                    continue
                d = _eval(l2, box)
                small = hi - lo <= min_width * 2**20
                monotone = d is not None and not d.contains(0)
                found = _try_point(loss, l1, l2, lo, hi) if (monotone or small) else None
            except NonSmoothPointError:
                if hi - lo <= min_width * 1024:
                    out.kinks.append(Region(lo, hi, "l is not smooth here (kink of abs/sign)"))
                    continue
                found = None
            if found is not None:
                point, (plo, phi) = found
                if not any(p.box.overlaps(point.box) for p in out.points):
                    out.points.append(point)
                stack.extend(p for p in ((lo, plo), (phi, hi)) if p[1] > p[0])
                continue
            if hi - lo <= min_width:
                reason = "l' or l'' not finite here" if _eval(l1, box) is None else "no inclusion (multiple zero?)"
                out.undecided.append(Region(lo, hi, reason))
                continue
            mid = (lo + hi) / 2
            stack.extend([(mid, hi), (lo, mid)])
        out.points.sort(key=lambda p: p.mid)
        out.undecided = _merge(out.undecided)
        out.kinks = _merge(out.kinks)
        if not out.points and out.complete:
            out.sign_l1 = _sign(_eval(l1, arb(domain[0])))
    return out


def _try_point(loss: Loss, l1, l2, lo: float, hi: float) -> tuple[CriticalPoint, tuple[float, float]] | None:  # type: ignore[no-untyped-def]
    """Krawczyk on a small box around a numerical zero; returns the point and the box's float bounds."""
    guess = _guess(loss, lo, hi)
    if guess is None:
        return None
    for rel in (1e-9, 1e-6, 1e-3):
        r = rel * max(1.0, abs(guess))
        blo, bhi = max(lo, guess - r), min(hi, guess + r)
        if not blo < bhi:
            continue
        res = krawczyk_1d(l1, l2, interval(blo, bhi))
        if res.unique:
            d = _eval(l2, res.box)
            kind = "degenerate" if d is None or d.contains(0) else "minimum" if d > 0 else "maximum"
            return CriticalPoint(kind, res.box, res, d if d is not None else arb.nan()), (blo, bhi)
    return None


def _merge(regions: list[Region]) -> list[Region]:
    merged: list[Region] = []
    for r in sorted(regions, key=lambda r: r.lo):
        if merged and r.lo <= merged[-1].hi and r.reason == merged[-1].reason:
            merged[-1] = Region(merged[-1].lo, max(merged[-1].hi, r.hi), r.reason)
        else:
            merged.append(r)
    return merged
