"""One parameter box of a loss family: what is proved about l(z; p) for every p in the box P.

P is a box in one or two parameters. For a decided box:

1. Each critical point of l(., p) sits in a z box X where one *parametric* Krawczyk step lands strictly
   inside X: with m the midpoint of X and C ~ 1/l''(m, mid P), K = m - C l'(m, P) + (1 - C l''(X, P)) (X - m)
   inside X proves that for *every* p in P, l'(., p) has exactly one zero in X; l''(X, P) gives its type.
2. For a minimum, a tighter z box (also passing the step, so it holds z*(p) for every p in P) carries the
   sign of alpha = 3 l'''^2 - l'' l'''' over it and P, from a centred (mean-value) form on equal parts.
3. The rest of the z-domain is cut into pieces Y where l'(., p) has one sign for every p in P: l'(Y, P)
   excludes 0 directly, or l'' has one sign on Y x P (l' monotone in z) and l' has the same sign at both ends.

The box's status then follows: ``stable`` (every minimiser's alpha > 0), ``not-stable`` (some alpha < 0),
``no-minimiser``, or ``undecided`` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import sympy as sp
from flint import arb, fmpq

from checker.backends.ball import BALL_OPS, ball_precision
from checker.backends.translate import compile_expr
from checker.errors import UserInputError
from checker.loss import Loss
from checker.lossval.cover import ball, build_cover, dec, short_decimal, split_point
from checker.parse import Z

PBox = tuple[tuple[Fraction, Fraction], ...]  # one (lo, hi) per parameter
FnP = Callable[[arb, Sequence[arb]], arb]  # f(z ball, parameter balls)
ALPHA_STRADDLES = "alpha straddles 0 over this box"
ALPHA_SPLIT = 8  # alpha's sign is taken over this many equal parts of the tight root box (centred form each)
GAP_BUDGET = 20_000  # sign tests per gap between critical points before the box is split instead
SIGN_DEPTH = 24  # bisections of a sign piece (the verifier repeats them: README, "Parameter families")
L2_PARTS = 16  # the verifier takes l'' over a root box the same way
UNARY = ("exp", "log", "sqrt", "cosh", "sinh", "tanh")


def compile_p(expr: sp.Expr, params: Sequence[sp.Symbol]) -> FnP:
    """f(z_ball, parameter balls) for an expression in z and the parameters, from the one-variable compiler.

    Subtrees in one variable go to the shared compiler; mixed ones are combined here for the operations a loss
    family uses (sums, products, integer powers, and the unary functions in ``UNARY``).
    """
    free = expr.free_symbols
    if free <= {Z}:
        f = compile_expr(expr, Z, BALL_OPS)
        return lambda z, _ps: f(z)
    if Z not in free and len(free) == 1:
        (sym,) = free
        i = list(params).index(sym)
        g = compile_expr(expr.xreplace({sym: Z}), Z, BALL_OPS)
        return lambda _z, ps: g(ps[i])
    if isinstance(expr, sp.Add | sp.Mul):
        parts = [compile_p(a, params) for a in expr.args]
        add = isinstance(expr, sp.Add)

        def combine(z: arb, ps: Sequence[arb]) -> arb:
            total = parts[0](z, ps)
            for part in parts[1:]:
                total = total + part(z, ps) if add else total * part(z, ps)
            return total

        return combine
    if isinstance(expr, sp.Pow) and expr.exp.is_Integer:
        base, n = compile_p(expr.base, params), int(expr.exp)
        return lambda z, ps: base(z, ps) ** n
    name = type(expr).__name__
    if name in UNARY and len(expr.args) == 1:
        inner = compile_p(expr.args[0], params)
        return lambda z, ps: getattr(inner(z, ps), name)()
    raise UserInputError(f"a parameter family cannot evaluate {expr} in several variables; give the parameter a value")


def centred(expr: sp.Expr, params: Sequence[sp.Symbol]) -> FnP:
    """The mean-value (centred) form f(m) + f_z(X, P)(X - m_z) + sum_i f_pi(X, P)(P_i - m_i), intersected with
    the plain evaluation. Why: alpha is a difference of products of derivatives, and its naive ball over a box
    overestimates by far more than alpha itself near the minimiser; the centred form's excess shrinks with
    the square of the box width."""
    f, fz = compile_p(expr, params), compile_p(sp.diff(expr, Z), params)
    fps = [compile_p(sp.diff(expr, s), params) for s in params]

    def value(z: arb, ps: Sequence[arb]) -> arb:
        zm, pm = arb(z.mid()), [arb(q.mid()) for q in ps]
        c = f(zm, pm) + fz(z, ps) * (z - zm)
        for fp, q, qm in zip(fps, ps, pm, strict=True):
            c = c + fp(z, ps) * (q - qm)
        plain = f(z, ps)
        if c.is_finite() and plain.is_finite() and c.overlaps(plain):
            return c.intersection(plain)
        return c if c.is_finite() else plain

    return value


@dataclass(frozen=True)
class Fns:
    """The ball functions one family needs, compiled once."""

    l1: FnP
    l2: FnP
    l3: FnP
    alpha: FnP
    dp: tuple[FnP, ...]  # d l'/d p_i (how far z* moves over the box)


def family_fns(expr: sp.Expr, params: Sequence[sp.Symbol]) -> Fns:
    d = [sp.diff(expr, Z, k) for k in range(1, 5)]
    alpha = 3 * d[2] ** 2 - d[1] * d[3]
    return Fns(
        compile_p(d[0], params),
        compile_p(d[1], params),
        compile_p(d[2], params),
        centred(alpha, params),
        tuple(compile_p(sp.diff(d[0], s), params) for s in params),
    )


@dataclass
class Root:
    """A z box with exactly one zero of l'(., p) for every p in P; for a minimum, the tight box and alpha."""

    lo: Fraction
    hi: Fraction
    type: str  # minimum | maximum
    alpha_sign: str | None = None
    tight: tuple[Fraction, Fraction] | None = None
    alpha: tuple[float, float] | None = None  # the alpha enclosure (plot only)


@dataclass
class Box:
    """One parameter box and what was proved on it: ``cuts`` (domain lo .. hi) and ``pieces`` (one character
    per piece between cuts: '+'/'-' sign of l', 'm' minimum, 'M' maximum) with one Root per 'm'/'M'."""

    at: PBox
    status: str  # stable | not-stable | no-minimiser | undecided
    reason: str = ""
    cuts: list[Fraction] = field(default_factory=list)
    pieces: str = ""
    roots: list[Root] = field(default_factory=list)

    @property
    def alpha(self) -> tuple[float, float] | None:
        return next((r.alpha for r in self.roots if r.alpha is not None), None)

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"at": [[dec(a), dec(b)] for a, b in self.at], "status": self.status}
        if self.status == "undecided":
            out["reason"] = self.reason
            return out
        out["z"] = [dec(c) for c in self.cuts]
        out["pieces"] = self.pieces
        out["alpha"] = [
            [r.alpha_sign, dec(r.tight[0]), dec(r.tight[1])] for r in self.roots if r.type == "minimum" and r.tight
        ]
        return out


def pballs(at: PBox) -> list[arb]:
    return [ball(a, b) for a, b in at]


def midpoint(at: PBox) -> tuple[Fraction, ...]:
    return tuple(split_point(a, b) for a, b in at)


def decide_box(
    expr: sp.Expr,
    params: Sequence[sp.Symbol],
    fns: Fns,
    at: PBox,
    domain: tuple[Fraction, Fraction],
    prec: int,
    hints: list[tuple[Fraction, Fraction]] | None,
) -> tuple[Box, list[tuple[Fraction, Fraction]]]:
    """The box's status and certificate, and the proved z boxes (hints for its children: P only shrinks).

    ``hints`` are the parent's proved z boxes; without them the critical points are located by the certified
    cover of the z-domain at the box's midpoint.
    """
    mid = midpoint(at)
    if hints is None:
        values = {s: sp.Rational(m.numerator, m.denominator) for s, m in zip(params, mid, strict=True)}
        at_mid = Loss.from_sympy(expr.xreplace(values), Z)
        try:
            cover = build_cover(at_mid, domain, prec=prec)
        except UserInputError as exc:
            return Box(at, "undecided", str(exc)), []
        if not cover.complete:
            why = f"the cover at the box's midpoint is incomplete: {cover.undecided[0].reason}"
            return Box(at, "undecided", why), []
        if any(pc.kind == "exact-root" for pc in cover.critical):
            return Box(at, "undecided", "a multiple zero of l' (degenerate critical point) at the midpoint"), []
        hints = [(pc.lo, pc.hi) for pc in cover.critical]
    roots: list[Root] = []
    with ball_precision(prec):
        pb = pballs(at)
        pm = [ball(m, m) for m in mid]
        for hint in hints:
            found = _param_root(hint, fns, pb, pm, at, domain)
            if found is None:
                return Box(at, "undecided", "no parametric Krawczyk inclusion for a critical point"), []
            (xl, xh), tight = found
            d2 = l2_range(fns, pb, xl, xh)
            kind = "minimum" if d2 > 0 else "maximum" if d2 < 0 else None
            if kind is None:
                return Box(at, "undecided", "the sign of l'' over a root box is not decided"), []
            root = Root(xl, xh, kind)
            if kind == "minimum":
                al = _split_eval(fns.alpha, tight[0], tight[1], pb)
                root.alpha_sign = "positive" if al > 0 else "negative" if al < 0 else None
                root.tight = tight
                root.alpha = (float(al.lower()), float(al.upper()))
            roots.append(root)
        roots.sort(key=lambda r: r.lo)
        cuts, pieces = [domain[0]], ""
        for r in [*roots, None]:
            end = domain[1] if r is None else r.lo
            if end < cuts[-1]:
                return Box(at, "undecided", "root boxes overlap or leave the domain"), []
            if end > cuts[-1]:
                got = _sign_cover(fns, pb, cuts[-1], end)
                if got is None:
                    return Box(at, "undecided", "l' could not be shown nonzero between the critical points"), []
                for hi, sign in got:
                    cuts.append(hi)
                    pieces += sign
            if r is not None:
                cuts.append(r.hi)
                pieces += "m" if r.type == "minimum" else "M"
    proved = [(r.lo, r.hi) for r in roots]
    signs = [r.alpha_sign for r in roots if r.type == "minimum"]
    if "negative" in signs:
        status = "not-stable"
    elif None in signs:
        return Box(at, "undecided", ALPHA_STRADDLES, cuts, pieces, roots), proved
    else:
        status = "stable" if signs else "no-minimiser"
    return Box(at, status, "", cuts, pieces, roots), proved


def _split_eval(f: FnP, lo: Fraction, hi: Fraction, pb: Sequence[arb]) -> arb:
    """The union of f over ALPHA_SPLIT equal parts of [lo, hi] (parts of a decimal box have decimal ends)."""
    step = (hi - lo) / ALPHA_SPLIT
    out: arb | None = None
    for i in range(ALPHA_SPLIT):
        v = f(ball(lo + i * step, lo + (i + 1) * step), pb)
        out = v if out is None else out.union(v)
    assert out is not None
    return out


def _param_root(
    hint: tuple[Fraction, Fraction],
    fns: Fns,
    pb: Sequence[arb],
    pm: Sequence[arb],
    at: PBox,
    domain: tuple[Fraction, Fraction],
) -> tuple[tuple[Fraction, Fraction], tuple[Fraction, Fraction]] | None:
    """A z box holding exactly one zero of l'(., p) for every p in the box (widened, for the neighbouring sign
    pieces) and the tight proved box inside it (for alpha), or None.

    Starts from the hint widened by sum_i |dz*/dp_i| |P_i|; while one Krawczyk step lands strictly inside the
    box, the box is replaced by that image (rounded outward to decimals), which shrinks it towards the range of
    z*(P) so that alpha over it is sharp. The returned boxes are ones whose own Krawczyk step is strictly inside.
    """
    zc = (hint[0] + hint[1]) / 2
    zb = ball(zc, zc)
    d2 = fns.l2(zb, pm)
    move = sum(abs(float((dp(zb, pm) / d2).mid())) * float(b - a) / 2 for dp, (a, b) in zip(fns.dp, at, strict=True))
    base = float(hint[1] - hint[0]) / 2
    for factor in (1.5, 4.0):
        r = move * factor + base
        xl = max(domain[0], short_decimal(float(zc) - r, True, 1e-3))
        xh = min(domain[1], short_decimal(float(zc) + r, False, 1e-3))
        proved: tuple[Fraction, Fraction] | None = None
        for _ in range(8):
            if not xl < xh:
                break
            k = krawczyk_p(fns, pb, pm, xl, xh)
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
            return _with_margin(fns, pb, pm, proved, domain), proved
    return None


def _with_margin(
    fns: Fns, pb: Sequence[arb], pm: Sequence[arb], box: tuple[Fraction, Fraction], domain: tuple[Fraction, Fraction]
) -> tuple[Fraction, Fraction]:
    """The proved box widened by a quarter of its width each side when that box is still proved: l' is then
    bounded away from 0 on the neighbouring pieces, whose sign cover would otherwise need very many pieces."""
    xl, xh = box
    w = (xh - xl) / 4
    wl = max(domain[0], short_decimal(float(xl - w), True, 1e-6))
    wh = min(domain[1], short_decimal(float(xh + w), False, 1e-6))
    if wl < xl and xh < wh and krawczyk_p(fns, pb, pm, wl, wh) is not None:
        return wl, wh
    return box


def krawczyk_p(fns: Fns, pb: Sequence[arb], pm: Sequence[arb], xl: Fraction, xh: Fraction) -> arb | None:
    """K(X, P) when it lies strictly inside (xl, xh) (exact endpoints), else None."""
    x = ball(xl, xh)
    m = arb(x.mid())
    d = fns.l2(m, pm)
    if not d.is_finite() or d.mid() == 0:
        return None
    c = arb(arb(1 / arb(d.mid())).mid())
    k = m - c * fns.l1(m, pb) + (1 - c * l2_range(fns, pb, xl, xh)) * (x - m)
    lo_b = arb(fmpq(xl.numerator, xl.denominator))
    hi_b = arb(fmpq(xh.numerator, xh.denominator))
    if k.is_finite() and arb(k.lower()) > lo_b and arb(k.upper()) < hi_b:
        return k
    return None


def l2_range(fns: Fns, pb: Sequence[arb], lo: Fraction, hi: Fraction) -> arb:
    """l'' over [lo, hi] x P as the union over L2_PARTS equal parts, each the plain ball intersected with the
    centred form l''(m) + l'''(X, P)(X - m). Why: one plain evaluation suffers from dependency (l'' of a
    sigmoid loss is (1 - s) s with s = e^z/(e^z + 1) as separate balls: +-17% on a box of width 0.01 at
    z = 2.8), and the Krawczyk step then fails to contract on boxes the root easily fits in."""
    step = (hi - lo) / L2_PARTS
    out: arb | None = None
    for i in range(L2_PARTS):
        x = ball(lo + i * step, lo + (i + 1) * step)
        m = arb(x.mid())
        v, c = fns.l2(x, pb), fns.l2(m, pb) + fns.l3(x, pb) * (x - m)
        if c.is_finite() and v.is_finite() and c.overlaps(v):
            v = c.intersection(v)
        out = v if out is None else out.union(v)
    assert out is not None
    return out


def piece_sign(fns: Fns, pb: Sequence[arb], lo: Fraction, hi: Fraction) -> str | None:
    """'+' or '-' when l'(., p) has that sign on [lo, hi] for every p in P, else None: directly (l'(Y, P)
    excludes 0), or l' is monotone in z on the piece (l''(Y, P) excludes 0) and has one sign at both ends."""
    try:
        v = fns.l1(ball(lo, hi), pb)
        if v.is_finite() and (v > 0 or v < 0):
            return "+" if v > 0 else "-"
        d = fns.l2(ball(lo, hi), pb)
        if d.is_finite() and (d > 0 or d < 0):
            a, b = fns.l1(ball(lo, lo), pb), fns.l1(ball(hi, hi), pb)
            if a > 0 and b > 0:
                return "+"
            if a < 0 and b < 0:
                return "-"
    except (ValueError, ZeroDivisionError, ArithmeticError):
        return None
    return None


def _sign_cover(fns: Fns, pb: Sequence[arb], a: Fraction, b: Fraction) -> list[tuple[Fraction, str]] | None:
    """Pieces of [a, b] (as (right end, sign)) where l' has one sign for every p in P; None past the budget.

    Bisection at exact midpoints, at most SIGN_DEPTH deep. When every leaf has one sign the whole of [a, b] is
    stored as ONE piece: the verifier repeats the same bisection (same midpoints, same tests), so the leaves
    need not be stored. Otherwise (l' undefined somewhere is the usual cause) every leaf is stored.
    """
    leaves: list[tuple[Fraction, Fraction, str]] = []
    stack = [(a, b, 0)]
    budget = GAP_BUDGET
    while stack:
        lo, hi, depth = stack.pop()
        budget -= 1
        if budget < 0:
            return None
        sign = piece_sign(fns, pb, lo, hi)
        if sign is not None:
            leaves.append((lo, hi, sign))
            continue
        if depth >= SIGN_DEPTH:
            return None
        m = (lo + hi) / 2
        stack.extend([(m, hi, depth + 1), (lo, m, depth + 1)])
    if len({sign for _, _, sign in leaves}) == 1:
        return [(b, leaves[0][2])]
    return [(hi, sign) for _, hi, sign in leaves]
