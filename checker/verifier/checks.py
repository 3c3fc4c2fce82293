"""One function per certificate kind: each re-derives what it needs and raises CertificateError if it fails.

Kinds (the language is documented in reports/README.md, "The certificate language"):

* ``identity``: definitions built from a generic function, operators and both sides of an identity; the
  checker computes the operators itself and simplifies lhs - rhs to 0. Vacuous statements are rejected.
* ``symbolic-zero``: legacy form, ``expr`` simplifies to 0; rejected when ``expr`` is a constant (a stored
  residue such as "0" states nothing).
* ``ball-sign`` / ``ball-enclosure``: arb over the stored box.
* ``krawczyk``: f' is derived here from f (a stored ``df`` is ignored); K(X) inside the interior of X.
* ``root``: a compound certificate for a critical point of a loss l: f = l' and f' = l'' are derived from
  l, then on the SAME box: Krawczyk (exactly one zero of l'), the sign of l'' (minimum or maximum) and,
  when claimed, the sign of alpha_l = 3 l'''^2 - l'' l''''.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import sympy as sp
from flint import arb

from checker.verifier.arbeval import EvalError, exact, function_of, hull, ipow, precision
from checker.verifier.expr import ExprError, Reader, exact_decimal, generic_function, read_number_text

ASSUMPTIONS = frozenset({"real", "positive", "nonnegative", "negative", "nonzero", "integer"})
MAX_PREC = 4096
_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,40}$")
RESERVED = frozenset({"deriv", "matrix", "Rational", "Decimal", "pi", "E"})


class CertificateError(Exception):
    """A certificate does not verify; the message says why."""


class VacuousCertificate(CertificateError):
    """A certificate that states nothing (a constant residue): no verdict can rest on it."""


# ------------------------------------------------------------------------------------------- reading


def _name(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _IDENT.match(value) or value in RESERVED:
        raise CertificateError(f"{what} {str(value)[:40]!r} is not a plain identifier")
    return value


def declared_symbols(decl: Any) -> dict[str, sp.Symbol]:
    """``{"x": {"real": true}}`` (or a list of flags) -> sympy symbols with those assumptions."""
    if not isinstance(decl, dict):
        raise CertificateError("symbols must be an object")
    out = {}
    for name, flags in decl.items():
        _name(name, "symbol")
        keys = list(flags) if isinstance(flags, dict | list) else None
        if keys is None or not set(keys) <= ASSUMPTIONS:
            raise CertificateError(f"symbol {name!r}: assumptions must be among {sorted(ASSUMPTIONS)}")
        out[name] = sp.Symbol(name, **dict.fromkeys(keys, True))
    return out


def read(text: Any, reader: Reader, what: str) -> Any:
    try:
        return reader.read(text)
    except ExprError as exc:
        raise CertificateError(f"{what}: {exc}") from None
    except (RecursionError, MemoryError, TypeError, ValueError, ZeroDivisionError) as exc:
        raise CertificateError(f"{what}: not readable ({type(exc).__name__})") from None


def one_variable(cert: Mapping[str, Any], key: str) -> tuple[sp.Expr, sp.Symbol]:
    name = _name(cert["variable"], "variable")
    var = sp.Symbol(name, real=True)
    expr = read(cert[key], Reader({name: var}), key)
    if not isinstance(expr, sp.Expr) or expr.free_symbols - {var}:
        raise CertificateError(f"{key} must be a scalar expression in {name} only")
    return expr, var


def box(enc: Any) -> tuple[Fraction, Fraction]:
    if not isinstance(enc, dict):
        raise CertificateError("a box must be {lo, hi}")
    try:
        lo, hi = exact_decimal(enc["lo"]), exact_decimal(enc["hi"])
    except ExprError as exc:
        raise CertificateError(str(exc)) from None
    if lo > hi:
        raise CertificateError(f"box [{enc['lo']}, {enc['hi']}] has lo > hi")
    return lo, hi


def _show(enc: Mapping[str, Any]) -> str:
    return f"[{enc['lo']}, {enc['hi']}]"


def _ball(x: arb) -> str:
    return str(x.str(20, radius=True))


def precisions(prec: Any) -> list[int]:
    """The stored precision first, then 4x steps to MAX_PREC (more bits never weaken a ball result).

    A stored precision outside [53, MAX_PREC] is clamped into it, silently, and that is sound: arb's
    enclosures are rigorous at every working precision (an operation's output ball contains the true value
    over every point of its input balls; a rational is read into a ball that contains it), so precision only
    changes how wide a ball is. A check that passes at some precision is a proof whatever that precision;
    no choice of bits can make a false statement pass, only a true one fail for want of bits. The stored
    ``prec`` is where to start, not part of the statement: clamping keeps a forged 10**9 from costing memory
    and a forged 1 from wasting the first attempt."""
    if isinstance(prec, bool) or not isinstance(prec, int):
        raise CertificateError("prec must be an integer")
    p = min(max(prec, 53), MAX_PREC)
    out = [p]
    while p * 4 <= MAX_PREC:
        p *= 4
        out.append(p)
    return out


def with_retries(prec: Any, attempt: Callable[[], str]) -> None:
    reason = ""
    for bits in precisions(prec):
        with precision(bits):
            try:
                reason = attempt()
            except EvalError as exc:
                raise CertificateError(str(exc)) from None
            except (ValueError, ArithmeticError, TypeError, NotImplementedError) as exc:
                reason = f"evaluation failed: {exc}"
        if not reason:
            return
    raise CertificateError(reason)


def signed(value: arb, sign: Any) -> bool:
    if sign == "positive":
        return bool(value > 0)
    if sign == "negative":
        return bool(value < 0)
    raise CertificateError(f"sign must be 'positive' or 'negative', not {sign!r}")


def inside(x: arb, lo: Fraction, hi: Fraction, *, strict: bool) -> bool:
    a, b = exact(lo), exact(hi)
    return bool(x > a and x < b) if strict else bool(x >= a and x <= b)


# ---------------------------------------------------------------------------------------- identities


def _is_zero(diff: Any) -> bool:
    """Whether every entry of ``diff`` is identically 0: the expanded polynomial, then the rational normal form
    (``cancel(together(e))``, every non-rational subterm such as exp(z) or sqrt(s) an independent generator, so
    0 there is 0 wherever e is defined), then ``simplify``. Each test only ever answers 0 for an identity; the
    cheap ones first, and ``simplify`` of e as read rather than expanded: for alpha of BCE at
    z* = log(p/(1-p)) the normal form takes 0.05 s and simplify of the expanded form 7 s (true or false)."""
    entries = list(diff) if isinstance(diff, sp.MatrixBase) else [diff]
    for e in entries:
        if sp.expand(e) == 0 or sp.cancel(sp.together(e)) == 0:
            continue
        if sp.simplify(e) != 0:
            return False
    return True


def identity_statement(cert: Mapping[str, Any]) -> dict[str, Any]:
    """The part of an identity certificate that IS the statement (what a formal statement lists)."""
    return {k: cert[k] for k in ("symbols", "functions", "define", "lhs", "rhs") if k in cert}


def identity_sides(cert: Mapping[str, Any]) -> tuple[Any, Any]:
    """An identity certificate's two sides with every definition and operator computed (generic functions
    stay generic: ``l^(k)(u)`` is an application of the class ``l_dk``); vacuous statements are rejected.

    Shared by :func:`check_identity` (which simplifies lhs - rhs) and by a producer that wants to evaluate the
    stated sides at a point (a different decision than simplification)."""
    symbols = declared_symbols(cert["symbols"])
    fnames = cert.get("functions", [])
    if not isinstance(fnames, list):
        raise CertificateError("functions must be a list of names")
    functions = {_name(f, "function"): generic_function(f) for f in fnames}
    defs_raw = cert.get("define", [])
    if not isinstance(defs_raw, list):
        raise CertificateError("define must be a list of [name, expression]")
    taken = set(symbols) | set(functions)
    if len(taken) != len(symbols) + len(functions):
        raise CertificateError("a name is declared twice")
    definitions: dict[str, Any] = {}
    for item in defs_raw:
        if not (isinstance(item, list) and len(item) == 2):
            raise CertificateError("define must be a list of [name, expression]")
        name = _name(item[0], "definition")
        if name in taken or name in definitions:
            raise CertificateError(f"definition {name!r} shadows another name")
        definitions[name] = read(item[1], Reader(symbols, definitions, functions), f"definition {name}")
    shallow = Reader(symbols, definitions, functions, opaque=True)
    lhs0, rhs0 = read(cert["lhs"], shallow, "lhs"), read(cert["rhs"], shallow, "rhs")
    if _constant_difference(lhs0, rhs0):
        raise CertificateError(
            f"vacuous: lhs {cert['lhs']!r} and rhs {cert['rhs']!r} agree before anything is computed"
        )
    full = Reader(symbols, definitions, functions)
    lhs, rhs = read(cert["lhs"], full, "lhs"), read(cert["rhs"], full, "rhs")
    if isinstance(lhs, sp.MatrixBase) != isinstance(rhs, sp.MatrixBase) or (
        isinstance(lhs, sp.MatrixBase) and lhs.shape != rhs.shape
    ):
        raise CertificateError("lhs and rhs have different shapes")
    if isinstance(lhs, list) or isinstance(rhs, list):
        raise CertificateError("a side is a list, not an expression or matrix")
    return lhs, rhs


def check_identity(cert: Mapping[str, Any]) -> None:
    lhs, rhs = identity_sides(cert)
    if not _is_zero(lhs - rhs):
        raise CertificateError(f"{cert['lhs']} = {cert['rhs']} does not hold (lhs - rhs does not simplify to 0)")


def _constant_difference(lhs: Any, rhs: Any) -> bool:
    try:
        d = lhs - rhs
    except (TypeError, ValueError, sp.ShapeError):
        return False
    entries = list(d) if isinstance(d, sp.MatrixBase) else [d]
    return all(isinstance(e, sp.Expr) and not e.free_symbols for e in entries)


def check_symbolic_zero(cert: Mapping[str, Any]) -> None:
    symbols = declared_symbols(cert["symbols"])
    expr = read(cert["expr"], Reader(symbols), "expr")
    if not isinstance(expr, sp.Expr):
        raise CertificateError("expr must be a scalar expression")
    if not expr.free_symbols:
        raise VacuousCertificate(f"vacuous: the stored residue {cert['expr']!r} is a constant, it states no identity")
    if not _is_zero(expr):
        raise CertificateError(f"{cert['expr'][:80]} does not simplify to 0")


# ---------------------------------------------------------------------------------------- ball kinds


def check_ball_sign(cert: Mapping[str, Any]) -> None:
    expr, var = one_variable(cert, "expr")
    f = function_of(expr, var)
    lo, hi = box(cert["at"])

    def attempt() -> str:
        value = f(hull(lo, hi))
        return (
            ""
            if signed(value, cert["sign"])
            else f"expr over {_show(cert['at'])} is {_ball(value)}, not {cert['sign']}"
        )

    with_retries(cert["prec"], attempt)


def check_ball_enclosure(cert: Mapping[str, Any]) -> None:
    expr, var = one_variable(cert, "expr")
    f = function_of(expr, var)
    lo, hi = box(cert["at"])
    vlo, vhi = box(cert["value"])

    def attempt() -> str:
        value = f(hull(lo, hi))
        ok = inside(value, vlo, vhi, strict=False)
        return "" if ok else f"expr over {_show(cert['at'])} is {_ball(value)}, not inside {_show(cert['value'])}"

    with_retries(cert["prec"], attempt)


def krawczyk_unique_zero(f: Callable[[arb], arb], df: Callable[[arb], arb], lo: Fraction, hi: Fraction) -> str:
    """'' when K(X) lies in the interior of X = [lo, hi] (exactly one zero of f in X), else why not.

    Y is the verifier's own exact point preconditioner ~ 1/f'(mid X); any nonzero point Y is valid.
    """
    if lo == hi:
        return "the box is a single point: a zero needs a box with an interior"
    x = hull(lo, hi)
    m = exact((lo + hi) / 2)
    dm = df(m)
    if not dm.is_finite() or dm.mid() == 0:
        return f"f'(mid X) = {_ball(dm)} gives no preconditioner"
    y = arb(arb(1 / arb(dm.mid())).mid())
    image = m - y * f(m) + (1 - y * df(x)) * (x - m)
    if not inside(image, lo, hi, strict=True):
        return f"K(X) = {_ball(image)} is not inside the interior of X = [{float(lo):.17g}, {float(hi):.17g}]"
    return ""


def check_krawczyk(cert: Mapping[str, Any]) -> None:
    fexpr, var = one_variable(cert, "f")
    dexpr = sp.diff(fexpr, var)  # derived here: a stored df is never trusted
    f, df = function_of(fexpr, var), function_of(dexpr, var)
    lo, hi = box(cert["box"])

    def attempt() -> str:
        reason = krawczyk_unique_zero(f, df, lo, hi)
        if reason:
            return reason
        sign = cert.get("sign_df")
        if sign is not None:
            d = df(hull(lo, hi))
            if not signed(d, sign):
                return f"f'(X) = {_ball(d)} is not {sign}"
        return ""

    with_retries(cert["prec"], attempt)


def loss_derivatives(expr: sp.Expr, var: sp.Symbol, n: int = 4) -> list[Callable[[arb], arb]]:
    """[l, l', ..., l^(n)] as arb functions, all derived here from l."""
    out, e = [], expr
    for _ in range(n + 1):
        out.append(function_of(e, var))
        e = sp.diff(e, var)
    return out


def root_reason(d: list[Callable[[arb], arb]], lo: Fraction, hi: Fraction, kind: Any, alpha_sign: Any) -> str:
    """Krawczyk on l', the sign of l'' and (for a minimum, when claimed) of alpha, all over [lo, hi]."""
    reason = krawczyk_unique_zero(d[1], d[2], lo, hi)
    if reason:
        return "l' " + reason
    x = hull(lo, hi)
    l2 = d[2](x)
    if kind not in ("minimum", "maximum"):
        raise CertificateError(f"type must be 'minimum' or 'maximum', not {kind!r}")
    if not signed(l2, "positive" if kind == "minimum" else "negative"):
        return f"l'' over the box is {_ball(l2)}: not a certified {kind}"
    if alpha_sign is not None:
        if kind != "minimum":
            raise CertificateError("alpha_sign is only claimed for a minimum")
        alpha = 3 * ipow(d[3](x), 2) - l2 * d[4](x)
        if not signed(alpha, alpha_sign):
            return f"alpha_l over the box is {_ball(alpha)}, not {alpha_sign}"
    return ""


def check_root(cert: Mapping[str, Any]) -> None:
    expr, var = one_variable(cert, "loss")
    d = loss_derivatives(expr, var)
    lo, hi = box(cert["box"])
    with_retries(cert["prec"], lambda: root_reason(d, lo, hi, cert["type"], cert.get("alpha_sign")))


def _top_eig_upper(a: arb, b: arb, c: arb) -> arb:
    """A ball whose upper end bounds lambda_max of [[a, b], [b, c]] for all entries in the balls:
    lambda_max = (a + c)/2 + sqrt(((a - c)/2)^2 + b^2), increasing in |a - c| and |b|."""
    half_up = arb(abs((a - c) / 2).upper())
    b_up = arb(abs(b).upper())
    return (a + c) / 2 + (half_up * half_up + b_up * b_up).sqrt()


SPLIT_DEPTH = 24


def _below_everywhere(
    f: Callable[[Mapping[str, tuple[Fraction, Fraction]]], arb],
    parts: Mapping[str, tuple[Fraction, Fraction]],
    bound: arb,
    depth: int,
) -> bool:
    """f (an upper bound over a box) < bound on the whole box, bisecting the widest side where arb is too
    coarse (the sup over a union is the largest sup over its parts)."""
    if bool(f(parts) < bound):
        return True
    key = max(parts, key=lambda k: parts[k][1] - parts[k][0])
    lo, hi = parts[key]
    if depth == 0 or lo == hi:
        return False
    mid = (lo + hi) / 2
    return all(_below_everywhere(f, {**parts, key: half}, bound, depth - 1) for half in ((lo, mid), (mid, hi)))


def check_descent(cert: Mapping[str, Any]) -> None:
    """One instance of the descent lemma, hypothesis and conclusion, for l(z) or the product model l(xy).

    With g the gradient at the stored point and e = point - eta g: the stored box contains the point and e
    (so the whole segment, a box being convex), eta * S < constant where S bounds the sharpness over the
    box (l'' in 1-D; the top eigenvalue of Hess l(xy) on the product model, from its closed form), and
    L(e) - L(point) has the stated sign ("negative": descent; "positive": the statement is refuted).
    """
    loss_text = cert["loss"]
    z = sp.Symbol("z", real=True)
    loss = read(loss_text, Reader({"z": z}), "loss")
    if not isinstance(loss, sp.Expr) or loss.free_symbols - {z}:
        raise CertificateError("loss must be an expression in z")
    l0, l1, l2 = (function_of(sp.diff(loss, z, k), z) for k in range(3))
    try:
        point = {k: read_number_text(v) for k, v in cert["point"].items()}
        eta_q, const_q = read_number_text(cert["eta"]), read_number_text(cert["constant"])
    except ExprError as exc:
        raise CertificateError(str(exc)) from None
    boxes = {k: box(v) for k, v in cert["box"].items()}
    if set(point) not in ({"z"}, {"x", "y"}) or set(boxes) != set(point):
        raise CertificateError("point and box must both be in z (1-D) or both in x, y (product model)")
    change = cert["change"]

    def sharpness(parts: Mapping[str, tuple[Fraction, Fraction]]) -> arb:
        """An upper bound (the ball's upper end) of the sharpness over the product of the parts."""
        if "z" in parts:
            return l2(hull(*parts["z"]))
        bx, by = hull(*parts["x"]), hull(*parts["y"])
        d1, d2 = l1(bx * by), l2(bx * by)
        return _top_eig_upper(d2 * by * by, d1 + d2 * bx * by, d2 * bx * bx)

    def attempt() -> str:
        eta = exact(eta_q)
        if set(point) == {"z"}:
            th = exact(point["z"])
            ends = {"z": (th, th - eta * l1(th))}
            before, after = l0(th), l0(ends["z"][1])
        else:
            x, y = exact(point["x"]), exact(point["y"])
            g = l1(x * y)
            x1, y1 = x - eta * g * y, y - eta * g * x
            ends = {"x": (x, x1), "y": (y, y1)}
            before, after = l0(x * y), l0(x1 * y1)
        for k, (start, end) in ends.items():
            lo, hi = boxes[k]
            if not (inside(start, lo, hi, strict=False) and inside(end, lo, hi, strict=False)):
                return f"the segment leaves the stored box in {k}"
        if not _below_everywhere(sharpness, boxes, exact(const_q) / eta, SPLIT_DEPTH):
            return f"eta * S over the box is not certainly < {cert['constant']} (bisected to depth {SPLIT_DEPTH})"
        delta = after - before
        if not signed(delta, change):
            return f"the loss change {_ball(delta)} is not {change}"
        return ""

    with_retries(cert["prec"], attempt)


CHECKS: Mapping[str, Callable[[Mapping[str, Any]], None]] = {
    "identity": check_identity,
    "symbolic-zero": check_symbolic_zero,
    "ball-sign": check_ball_sign,
    "ball-enclosure": check_ball_enclosure,
    "krawczyk": check_krawczyk,
    "root": check_root,
    "descent": check_descent,
}
