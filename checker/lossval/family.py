"""Product-stability over a whole parameter interval: ``eoscheck loss EXPR --param p=LO..HI``.

Interval branch-and-bound on (z, p). For a parameter box P = [p0, p1]:

1. The cover of the z-domain at the box's midpoint (checker.lossval.cover) locates every critical point.
2. Each one becomes a parametric Krawczyk box X (the midpoint's root box widened by |dz*/dp| |P|): with m the
   midpoint of X and C ~ 1/l''(m, mid P), K = m - C l'(m, P) + (1 - C l''(X, P)) (X - m) strictly inside X
   proves that for *every* p in P, l'(., p) has exactly one zero in X; l''(X, P) gives its type; for a
   minimum, alpha(X, P) = 3 l'''^2 - l'' l'''' over the box gives the sign of alpha at z*(p) for every p.
3. The rest of the z-domain is covered by pieces Y with l'(Y, P) excluding 0 (no other critical point for
   any p in P).

A box where all of this holds is PROVED product-stable (every minimiser's alpha > 0), PROVED not
product-stable (some minimiser's alpha < 0), or PROVED minimiser-free. Otherwise it is split; at the minimum
width it stays undecided, and an undecided stretch between a stable and a not-stable stretch is reported as
the enclosure of a crossing (alpha = 0 somewhere inside). Every decided box is stored (the ``family``
certificate format in the README) so that a checker can redo the ball evaluations without searching.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import sympy as sp
from flint import arb, fmpq

from checker import series
from checker.backends.ball import BALL_OPS, ball_precision
from checker.backends.translate import compile_expr
from checker.claim import ClaimResult, jsonable
from checker.errors import UserInputError
from checker.loss import Loss, parse_parameter
from checker.lossval.cover import ball, build_cover, dec, short_decimal, split_point
from checker.parse import Z, parse_expression
from checker.property import Property
from checker.verdict import Evidence, EvidenceClass, Verdict

MIN_BOXES = 2**-10  # boxes narrower than this fraction of the interval are not split further
MAX_BOXES = 400
ALPHA_STRADDLES = "alpha straddles 0 over this box"
ALPHA_SPLIT = 8  # alpha's sign is taken over this many equal parts of the tight root box (centred form each)
GAP_BUDGET = 20_000  # sign pieces per parameter box before it is split instead
Fn2 = Callable[[arb, arb], arb]
UNARY = ("exp", "log", "sqrt", "cosh", "sinh", "tanh")


def compile2(expr: sp.Expr, p: sp.Symbol) -> Fn2:
    """f(z_ball, p_ball) for an expression in z and one parameter, from the one-variable ball compiler.

    Subtrees free of p (or of z) go to the shared compiler; mixed ones are combined here for the operations a
    loss family uses (sums, products, integer powers, and the unary functions in ``UNARY``).
    """
    if p not in expr.free_symbols:
        f = compile_expr(expr, Z, BALL_OPS)
        return lambda z, _p: f(z)
    if Z not in expr.free_symbols:
        g = compile_expr(expr.xreplace({p: Z}), Z, BALL_OPS)
        return lambda _z, q: g(q)
    if isinstance(expr, sp.Add | sp.Mul):
        parts = [compile2(a, p) for a in expr.args]
        add = isinstance(expr, sp.Add)

        def combine(z: arb, q: arb) -> arb:
            total = parts[0](z, q)
            for part in parts[1:]:
                total = total + part(z, q) if add else total * part(z, q)
            return total

        return combine
    if isinstance(expr, sp.Pow) and expr.exp.is_Integer:
        base, n = compile2(expr.base, p), int(expr.exp)
        return lambda z, q: base(z, q) ** n
    name = type(expr).__name__
    if name in UNARY and len(expr.args) == 1:
        inner = compile2(expr.args[0], p)
        return lambda z, q: getattr(inner(z, q), name)()
    raise UserInputError(f"a parameter family cannot evaluate {expr} in two variables; give the parameter a value")


def centred(expr: sp.Expr, p: sp.Symbol) -> Fn2:
    """The mean-value (centred) form f(m) + f_z(X, P)(X - m_z) + f_p(X, P)(P - m_p), intersected with the
    plain evaluation. Why: alpha is a difference of products of derivatives, and its naive ball over a box
    overestimates by far more than alpha itself near the minimiser; the centred form's excess shrinks with
    the square of the box width."""
    f, fz, fp = compile2(expr, p), compile2(sp.diff(expr, Z), p), compile2(sp.diff(expr, p), p)

    def centred(z: arb, q: arb) -> arb:
        zm, qm = arb(z.mid()), arb(q.mid())
        c = f(zm, qm) + fz(z, q) * (z - zm) + fp(z, q) * (q - qm)
        plain = f(z, q)
        if c.is_finite() and plain.is_finite() and c.overlaps(plain):
            return c.intersection(plain)
        return c if c.is_finite() else plain

    return centred


@dataclass
class Box:
    """One parameter box and what was proved on it."""

    lo: Fraction
    hi: Fraction
    status: str  # stable | not-stable | no-minimiser | undecided
    reason: str = ""
    roots: list[dict[str, Any]] = field(default_factory=list)  # {"lo","hi","type","alpha_sign"}
    signs: list[dict[str, Any]] = field(default_factory=list)  # {"lo","hi","sign"}
    alpha: tuple[float, float] | None = None  # the alpha enclosure of the first minimiser (plot)

    def to_json(self) -> dict[str, Any]:
        return {
            "p": {"lo": dec(self.lo), "hi": dec(self.hi)},
            "status": self.status,
            "reason": self.reason,
            "roots": self.roots,
            "signs": self.signs,
        }


STATUS_TEXT = {
    "stable": "PROVED product-stable",
    "not-stable": "PROVED NOT product-stable",
    "no-minimiser": "PROVED: no minimiser in the domain",
    "undecided": "UNDECIDED",
}


@dataclass
class FamilyResult:
    text: str
    fixed: dict[str, str]
    name: str
    interval: tuple[Fraction, Fraction]
    domain: tuple[Fraction, Fraction]
    boxes: list[Box]

    def stretches(self) -> list[dict[str, Any]]:
        """Neighbouring boxes of one status joined; an undecided stretch between stable and not-stable is a
        crossing enclosure."""
        out: list[dict[str, Any]] = []
        for b in self.boxes:
            if out and out[-1]["status"] == b.status and out[-1]["hi"] == b.lo:
                out[-1]["hi"] = b.hi
            else:
                out.append({"lo": b.lo, "hi": b.hi, "status": b.status, "reason": b.reason})
        for i, s in enumerate(out):
            if s["status"] == "undecided":
                sides = {out[j]["status"] for j in (i - 1, i + 1) if 0 <= j < len(out)}
                s["crossing"] = sides == {"stable", "not-stable"}
        return out

    @property
    def exit_code(self) -> int:
        return 0 if all(b.status == "stable" for b in self.boxes) else 1

    def headline(self) -> tuple[Verdict, str]:
        lo, hi = self.interval
        stable = [s for s in self.stretches() if s["status"] == "stable"]
        if self.exit_code == 0:
            return Verdict.PROVED, f"product-stable for every {self.name} in [{float(lo):g}, {float(hi):g}]"
        if any(b.status == "undecided" for b in self.boxes):
            return Verdict.UNDECIDED, f"not decided on all of [{float(lo):g}, {float(hi):g}] (see the stretches)"
        return Verdict.PROVED, (
            f"NOT product-stable on all of [{float(lo):g}, {float(hi):g}]: "
            f"{len(stable)} stable stretch(es), the rest proved not stable or minimiser-free"
        )

    def plot(self) -> dict[str, Any]:
        boxes = [b for b in self.boxes if b.alpha is not None]
        xs = [float(b.lo + b.hi) / 2 for b in boxes]
        return series.line(
            f"alpha(z*) bounds per certified box vs {self.name}",
            xs,
            {
                "alpha lower": [b.alpha[0] for b in boxes if b.alpha],
                "alpha upper": [b.alpha[1] for b in boxes if b.alpha],
            },
            x_label=self.name,
            y_label="alpha",
            hlines={"alpha = 0": 0.0},
        )

    def family_lines(self) -> list[str]:
        verdict, text = self.headline()
        lines = [
            f"loss family l(z; {self.name}) = {self.text}, {self.name} in [{float(self.interval[0]):g}, "
            f"{float(self.interval[1]):g}], z in [{float(self.domain[0]):g}, {float(self.domain[1]):g}]"
        ]
        lines.append(f"product-stability over the interval [{verdict.value}]: {text}")
        for s in self.stretches():
            label = STATUS_TEXT[s["status"]]
            if s.get("crossing"):
                label = "UNDECIDED: encloses the crossing alpha = 0"
            why = f" ({s['reason']})" if s["status"] == "undecided" and s["reason"] else ""
            lines.append(f"  {self.name} in [{dec(s['lo'])}, {dec(s['hi'])}]: {label}{why}")
        lines.append(f"  {len(self.boxes)} parameter boxes (interval branch-and-bound, Krawczyk in z over each box)")
        lines.append("  (product-stable: alpha_l(z*) > 0, GAN-A-D4.1: SECONDARY + DERIVED, wording RECONSTRUCTED)")
        return lines

    def to_json(self) -> dict[str, Any]:
        verdict, text = self.headline()
        out: dict[str, Any] = jsonable(
            {
                "family": {
                    "expr": self.text,
                    "params": self.fixed,
                    "parameter": self.name,
                    "interval": {"lo": dec(self.interval[0]), "hi": dec(self.interval[1])},
                    "domain": {"lo": dec(self.domain[0]), "hi": dec(self.domain[1])},
                    "verdict": verdict.value,
                    "summary": text,
                    "stretches": [{**s, "lo": dec(s["lo"]), "hi": dec(s["hi"])} for s in self.stretches()],
                    "boxes": [b.to_json() for b in self.boxes],
                    "plot": self.plot(),
                },
                "exit_code": self.exit_code,
            }
        )
        return out

    def to_claim(self, make_prop: Callable[..., Property]) -> ClaimResult:
        verdict, text = self.headline()
        lo, hi = self.interval
        prop = make_prop(
            "LOSS-FAMILY",
            f"product-stability of {self.text} over {self.name} in [{float(lo):g}, {float(hi):g}]",
            f"alpha_l(z*({self.name})) > 0 for every {self.name} in [{float(lo):g}, {float(hi):g}] and every "
            f"minimiser in [{float(self.domain[0]):g}, {float(self.domain[1]):g}]",
            "Def. 4.1",
        )
        cls = EvidenceClass.BALL if verdict is Verdict.PROVED else EvidenceClass.NONE
        numbers = {f"{dec(s['lo'])}..{dec(s['hi'])}": s["status"] for s in self.stretches()}
        ev = Evidence(verdict, cls, text, numbers=numbers, series={"alpha vs parameter": self.plot()})
        return ClaimResult(prop=prop, verdict=verdict, evidence=ev)


def decide_family(
    text: str,
    fixed: dict[str, str],
    name: str,
    lo: Fraction,
    hi: Fraction,
    *,
    domain: tuple[Fraction, Fraction],
    prec: int = 128,
    progress: Callable[[str], None] = lambda msg: None,
) -> FamilyResult:
    """Branch-and-bound over [lo, hi] (module docstring)."""
    p = sp.Symbol(name, real=True)
    exact = {k: parse_parameter(k, v) for k, v in fixed.items()}
    expr = parse_expression(text, {**exact, name: p})
    if p not in expr.free_symbols:
        raise UserInputError(f"the loss does not depend on the parameter {name}")
    d = [sp.diff(expr, Z, k) for k in range(1, 5)]
    alpha = 3 * d[2] ** 2 - d[1] * d[3]
    fns = (compile2(d[0], p), compile2(d[1], p), centred(alpha, p))
    dp = compile2(sp.diff(d[0], p), p)
    min_width = (hi - lo) * Fraction(MIN_BOXES)
    done: list[Box] = []
    stack: list[tuple[Fraction, Fraction, list[tuple[Fraction, Fraction]] | None]] = [(lo, hi, None)]
    while stack:
        a, b, hints = stack.pop()
        if len(done) + len(stack) >= MAX_BOXES:
            done.append(Box(a, b, "undecided", "box budget exhausted"))
            done.extend(Box(x, y, "undecided", "box budget exhausted") for x, y, _ in stack)
            break
        progress(f"{name} in [{float(a):.6g}, {float(b):.6g}]")
        box = _decide(expr, p, fns, dp, a, b, domain, prec, hints)
        if box.status == "undecided" and hints is not None and box.reason != ALPHA_STRADDLES:
            box = _decide(expr, p, fns, dp, a, b, domain, prec, None)  # the parent's boxes did not carry over
        if box.status == "undecided" and b - a > min_width:
            m = split_point(a, b)
            child = [(Fraction(r["lo"]), Fraction(r["hi"])) for r in box.roots] if box.roots else None
            stack.extend([(m, b, child), (a, m, child)])
            continue
        done.append(box)
    done.sort(key=lambda x: x.lo)
    return FamilyResult(text, dict(fixed), name, (lo, hi), domain, done)


def _pball(a: Fraction, b: Fraction) -> arb:
    return ball(a, b)


def _decide(
    expr: sp.Expr,
    p: sp.Symbol,
    fns: tuple[Fn2, Fn2, Fn2],
    dp: Fn2,
    a: Fraction,
    b: Fraction,
    domain: tuple[Fraction, Fraction],
    prec: int,
    hints: list[tuple[Fraction, Fraction]] | None,
) -> Box:
    """One parameter box; ``hints`` are the parent's proved z boxes (still valid starts: P is smaller)."""
    l1, l2, alpha = fns
    mid = split_point(a, b)
    if hints is None:
        at_mid = Loss.from_sympy(expr.xreplace({p: sp.Rational(mid.numerator, mid.denominator)}))
        try:
            cover = build_cover(at_mid, domain, prec=prec)
        except UserInputError as exc:
            return Box(a, b, "undecided", str(exc))
        if not cover.complete:
            return Box(a, b, "undecided", f"the cover at {name_mid(mid)} is incomplete: {cover.undecided[0].reason}")
        if any(pc.kind == "exact-root" for pc in cover.critical):
            return Box(a, b, "undecided", "a multiple zero of l' (degenerate critical point) at the midpoint")
        hints = [(pc.lo, pc.hi) for pc in cover.critical]
    roots: list[dict[str, Any]] = []
    boxes: list[tuple[Fraction, Fraction]] = []
    signs: list[str] = []
    alpha_range: tuple[float, float] | None = None
    with ball_precision(prec):
        pb = _pball(a, b)
        for hint in hints:
            x = _param_root(hint, l1, l2, dp, pb, a, b, mid, domain)
            if x is None:
                return Box(a, b, "undecided", "no parametric Krawczyk inclusion for a critical point")
            (xl, xh), (tl, th) = x
            xb = ball(xl, xh)
            d2 = l2(xb, pb)
            kind = "minimum" if d2 > 0 else "maximum" if d2 < 0 else None
            if kind is None:
                return Box(a, b, "undecided", "the sign of l'' over a root box is not decided")
            entry: dict[str, Any] = {"lo": dec(xl), "hi": dec(xh), "type": kind, "alpha_sign": None}
            if kind == "minimum":
                al = _split_eval(alpha, tl, th, pb)
                entry["alpha_box"] = {"lo": dec(tl), "hi": dec(th)}
                entry["alpha_split"] = ALPHA_SPLIT
                sign = "positive" if al > 0 else "negative" if al < 0 else None
                entry["alpha_sign"] = sign
                signs.append(sign or "undecided")
                if alpha_range is None:
                    alpha_range = (float(al.lower()), float(al.upper()))
            roots.append(entry)
            boxes.append((xl, xh))
        gaps = _gaps(domain, boxes)
        if gaps is None:
            return Box(a, b, "undecided", "root boxes overlap or leave the domain")
        sign_pieces: list[dict[str, Any]] = []
        for g0, g1 in gaps:
            got = _sign_cover(l1, pb, g0, g1)
            if got is None:
                return Box(a, b, "undecided", "l' could not be shown nonzero between the critical points")
            sign_pieces.extend(got)
    if "negative" in signs:
        status = "not-stable"
    elif "undecided" in signs:
        return Box(a, b, "undecided", ALPHA_STRADDLES, roots, sign_pieces, alpha_range)
    elif signs:
        status = "stable"
    else:
        status = "no-minimiser"
    return Box(a, b, status, "", roots, sign_pieces, alpha_range)


def _split_eval(f: Fn2, lo: Fraction, hi: Fraction, pb: arb) -> arb:
    """The union of f over ALPHA_SPLIT equal parts of [lo, hi] (parts of a decimal box have decimal ends)."""
    step = (hi - lo) / ALPHA_SPLIT
    out: arb | None = None
    for i in range(ALPHA_SPLIT):
        v = f(ball(lo + i * step, lo + (i + 1) * step), pb)
        out = v if out is None else out.union(v)
    assert out is not None
    return out


def name_mid(mid: Fraction) -> str:
    return f"the midpoint {dec(mid)}"


def _param_root(
    hint: tuple[Fraction, Fraction],
    l1: Fn2,
    l2: Fn2,
    dp: Fn2,
    pb: arb,
    a: Fraction,
    b: Fraction,
    mid: Fraction,
    domain: tuple[Fraction, Fraction],
) -> tuple[tuple[Fraction, Fraction], tuple[Fraction, Fraction]] | None:
    """A z box holding exactly one zero of l'(., p) for every p in the box (widened, for the neighbouring sign
    pieces) and the tight proved box inside it (for alpha), or None.

    Starts from the hint widened by |dz*/dp| |P|; while one Krawczyk step lands strictly inside the box, the
    box is replaced by that image (rounded outward to decimals), which shrinks it towards the range of z*(P)
    so that alpha over it is sharp. The returned box is one whose own Krawczyk step is strictly inside.
    """
    zc = (hint[0] + hint[1]) / 2
    zb = ball(zc, zc)
    pm = ball(mid, mid)
    slope = abs(float((dp(zb, pm) / l2(zb, pm)).mid()))
    base = float(hint[1] - hint[0]) / 2
    for factor in (1.5, 4.0):
        r = slope * float(b - a) / 2 * factor + base
        xl = max(domain[0], short_decimal(float(zc) - r, True, 1e-3))
        xh = min(domain[1], short_decimal(float(zc) + r, False, 1e-3))
        proved: tuple[Fraction, Fraction] | None = None
        for _ in range(8):
            if not xl < xh:
                break
            k = _krawczyk2(l1, l2, pb, pm, xl, xh)
            if k is None:
                break
            proved = (xl, xh)
            nl = short_decimal(float(k.lower()), True, 1e-9)
            nh = short_decimal(float(k.upper()), False, 1e-9)
            nl, nh = max(nl, xl), min(nh, xh)
            if (nh - nl) > (xh - xl) * Fraction(9, 10):
                break
            xl, xh = nl, nh
        if proved is not None:
            return _with_margin(l1, l2, pb, pm, proved, domain), proved
    return None


def _with_margin(
    l1: Fn2, l2: Fn2, pb: arb, pm: arb, box: tuple[Fraction, Fraction], domain: tuple[Fraction, Fraction]
) -> tuple[Fraction, Fraction]:
    """The proved box widened by a quarter of its width each side when that box is still proved: l' is then
    bounded away from 0 on the neighbouring pieces, whose sign cover would otherwise need very many pieces."""
    xl, xh = box
    w = (xh - xl) / 4
    wl = max(domain[0], short_decimal(float(xl - w), True, 1e-6))
    wh = min(domain[1], short_decimal(float(xh + w), False, 1e-6))
    if wl < xl and xh < wh and _krawczyk2(l1, l2, pb, pm, wl, wh) is not None:
        return wl, wh
    return box


def _krawczyk2(l1: Fn2, l2: Fn2, pb: arb, pm: arb, xl: Fraction, xh: Fraction) -> arb | None:
    """K(X, P) when it lies strictly inside (xl, xh) (exact endpoints), else None."""
    x = ball(xl, xh)
    m = arb(x.mid())
    d = l2(m, pm)
    if not d.is_finite() or d.mid() == 0:
        return None
    c = arb(arb(1 / arb(d.mid())).mid())
    k = m - c * l1(m, pb) + (1 - c * l2(x, pb)) * (x - m)
    lo_b = arb(fmpq(xl.numerator, xl.denominator))
    hi_b = arb(fmpq(xh.numerator, xh.denominator))
    if k.is_finite() and arb(k.lower()) > lo_b and arb(k.upper()) < hi_b:
        return k
    return None


def _gaps(
    domain: tuple[Fraction, Fraction], boxes: list[tuple[Fraction, Fraction]]
) -> list[tuple[Fraction, Fraction]] | None:
    out = []
    cursor = domain[0]
    for xl, xh in sorted(boxes):
        if xl < cursor:
            return None
        if xl > cursor:
            out.append((cursor, xl))
        cursor = xh
    if cursor < domain[1]:
        out.append((cursor, domain[1]))
    return out


def _sign_cover(l1: Fn2, pb: arb, a: Fraction, b: Fraction) -> list[dict[str, Any]] | None:
    """Pieces of [a, b] where l'(Y, P) excludes 0 (with their sign), or None past the budget."""
    out: list[dict[str, Any]] = []
    stack = [(a, b)]
    budget = GAP_BUDGET
    while stack:
        lo, hi = stack.pop()
        budget -= 1
        if budget < 0:
            return None
        try:
            v = l1(ball(lo, hi), pb)
        except (ValueError, ZeroDivisionError, ArithmeticError):
            return None
        if v.is_finite() and (v > 0 or v < 0):
            sign = "positive" if v > 0 else "negative"
            if out and out[-1]["sign"] == sign and out[-1]["_hi"] == lo:
                merged = l1(ball(out[-1]["_lo"], hi), pb)
                if (merged > 0) if sign == "positive" else (merged < 0):
                    out[-1]["_hi"] = hi
                    continue
            out.append({"_lo": lo, "_hi": hi, "sign": sign})
            continue
        m = split_point(lo, hi)
        stack.extend([(m, hi), (lo, m)])
    return [{"lo": dec(x["_lo"]), "hi": dec(x["_hi"]), "sign": x["sign"]} for x in out]
