"""The descent lemma for every C^2 loss: the class certificate (kind ``descent-class``), checked as one.

Why a class certificate: the lemma is a theorem about every C^2 objective, not about the losses a run draws,
and its proof is short: with g = grad L(p) and h(t) = L(p - t g), h'(0) = -|g|^2 and h''(t) = g^T H(t) g with
H(t) = Hess L(p - t g) <= K(t) I; so if S >= K(t) on [0, eta], Taylor's theorem with the Lagrange remainder
gives h(eta) - h(0) <= -eta |g|^2 + eta^2 S |g|^2 / 2 = -eta |g|^2 (1 - u/2), u = eta S, which is < 0 when
g != 0 and 1 - u/2 > 0 for every u < c (the statement's constant c).

The record states the objective, the path, the curvature K and the identities from definitions (a generic l);
this module re-derives every quantity the proof uses itself and only then trusts two textbook facts:

* the rule ``taylor-lagrange``: h in C^2 on [0, eta], h'' <= M there => h(eta) <= h(0) + eta h'(0) + eta^2 M/2;
* a real symmetric matrix of size 1 or 2 with trace >= 0 and det >= 0 is positive semidefinite (so
  K I - H(t) PSD gives g^T H(t) g <= K |g|^2).

Nothing else is taken from the record: the gradient, h, H(t), h'(0), h''(t), the bound the rule gives, its
factor in u, and the sign of that factor on (-inf, c) (exactly, by a Sturm count) are all computed here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sympy as sp

from checker.verifier.checks import CertificateError, check_identity, declared_symbols, read
from checker.verifier.expr import ExprError, Reader, generic_function, read_number_text

KIND = "descent-class"
RULE = "taylor-lagrange"
REMAINDER = "eta**2*M/2"  # the only remainder the trusted rule gives


def _zero(e: Any) -> bool:
    entries = list(e) if isinstance(e, sp.MatrixBase) else [e]
    return all(sp.expand(x) == 0 or sp.simplify(x) == 0 for x in entries)


def _nonnegative(e: Any) -> bool:
    e = sp.simplify(e)
    return bool(e == 0 or e.is_nonnegative is True)


def _column(value: Any, n: int, what: str) -> sp.Matrix:
    m = value if isinstance(value, sp.MatrixBase) else sp.Matrix([value])
    if m.shape != (n, 1):
        raise CertificateError(f"{what} must be a column of {n} entries")
    return sp.Matrix(m)


def _namespace(
    cert: Mapping[str, Any],
) -> tuple[dict[str, sp.Symbol], dict[str, Callable[[int], type[sp.Function]]], dict[str, Any]]:
    """The record's symbols, generic functions and definitions (read in order, each may use the earlier)."""
    symbols = declared_symbols(cert["symbols"])
    fnames = cert.get("functions", [])
    if not isinstance(fnames, list) or not all(isinstance(f, str) for f in fnames):
        raise CertificateError("functions must be a list of names")
    functions = {f: generic_function(f) for f in fnames}
    definitions: dict[str, Any] = {}
    for item in cert["define"]:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
            raise CertificateError("define must be a list of [name, expression]")
        if item[0] in symbols or item[0] in functions or item[0] in definitions:
            raise CertificateError(f"definition {item[0]!r} shadows another name")
        definitions[item[0]] = read(item[1], Reader(symbols, definitions, functions), f"definition {item[0]}")
    return symbols, functions, definitions


def _named(table: Mapping[str, Any], key: Any, what: str) -> Any:
    if not isinstance(key, str) or key not in table:
        raise CertificateError(f"{what} {str(key)[:40]!r} is not declared in the record")
    return table[key]


def _stated_identity(cert: Mapping[str, Any], pair: Any, what: str) -> None:
    """One identity of the record, checked by the identity checker itself (re-derived, vacuous rejected)."""
    if not (isinstance(pair, list) and len(pair) == 2):
        raise CertificateError(f"{what} must be [lhs, rhs]")
    shared = {k: cert[k] for k in ("symbols", "functions", "define")}
    try:
        check_identity({**shared, "lhs": pair[0], "rhs": pair[1]})
    except CertificateError as exc:
        raise CertificateError(f"{what} identity: {exc}") from None


def _factor_positive_below(factor: sp.Expr, u: sp.Symbol, c: sp.Rational) -> str:
    """'' when the polynomial factor(u) > 0 for every real u < c (exact: a Sturm count of its roots), else why."""
    poly = sp.Poly(factor, u)
    if poly.degree() <= 0:
        return "" if factor > 0 else f"the factor {factor} is not positive"
    if not all(coef.is_Rational for coef in poly.all_coeffs()):
        return f"the factor {factor} does not have rational coefficients"
    below = sp.Poly(poly.sqf_part(), u)
    roots = int(below.count_roots(None, c)) - (1 if below.eval(c) == 0 else 0)
    if roots > 0:
        witness = min(r for r in sp.real_roots(below) if r < c)
        return f"{factor} > 0 fails for u = eta*S = {witness} < c = {c}: the bound does not prove a decrease"
    if not poly.eval(c - 1) > 0:
        return f"{factor} is not positive below c = {c}"
    return ""


def check_descent_class(cert: Mapping[str, Any]) -> None:
    """Re-derive the descent lemma for the record's objective and constant; raise CertificateError if it fails."""
    if cert["rule"] != RULE or cert["remainder"] != REMAINDER:
        raise CertificateError(
            f"the one trusted rule is {RULE} with remainder {REMAINDER}; this record applies "
            f"{str(cert['rule'])[:40]!r} with remainder {str(cert['remainder'])[:40]!r}"
        )
    if not (isinstance(cert["hypotheses"], list) and all(isinstance(h, str) for h in cert["hypotheses"])):
        raise CertificateError("hypotheses must be a list of sentences")
    if not isinstance(cert["conclusion"], str):
        raise CertificateError("conclusion must be a sentence")
    symbols, functions, definitions = _namespace(cert)
    coords = [_named(symbols, c, "coordinate") for c in cert["point"]]
    t = _named(symbols, cert["time"], "time variable")
    if not 1 <= len(coords) <= 2 or len(set(coords)) != len(coords) or t in coords:
        raise CertificateError("point must name one or two distinct coordinates, other than the time variable")
    n = len(coords)
    objective = _named(definitions, cert["objective"], "objective")
    if not isinstance(objective, sp.Expr) or t in objective.free_symbols:
        raise CertificateError("the objective must be a scalar expression that does not depend on the time")

    # the gradient, the GD path, h and the Hessian along the path: computed here
    grad = sp.Matrix([sp.diff(objective, c) for c in coords])
    if not _zero(_column(_named(definitions, cert["gradient"], "gradient"), n, "the gradient") - grad):
        raise CertificateError("the stated gradient is not grad L(p)")
    path = {c: c - t * grad[i] for i, c in enumerate(coords)}
    h = objective.subs(path, simultaneous=True)
    hess = sp.hessian(objective, coords).subs(path, simultaneous=True)
    if not _zero(_named(definitions, cert["h"], "h") - h):
        raise CertificateError("h is not L along the GD step, L(p - t grad L(p))")
    curvature = _named(definitions, cert["curvature"], "curvature")
    if not isinstance(curvature, sp.Expr):
        raise CertificateError("the curvature K must be a scalar expression")
    weight = (grad.T * grad)[0, 0]  # |g|^2
    full = Reader(symbols, definitions, functions)  # the same function classes the definitions were read with

    def matches(pair: Any, lhs: Any, rhs: Any, what: str, shape: str) -> None:
        _stated_identity(cert, pair, what)
        stated = (read(pair[0], full, f"{what} lhs"), read(pair[1], full, f"{what} rhs"))
        if not (_zero(stated[0] - lhs) and _zero(stated[1] - rhs)):
            raise CertificateError(f"the {what} identity is not {shape} for this objective and path")

    matches(cert["slope"], sp.diff(h, t).subs(t, 0), -weight, "slope", "h'(0) = -|grad L(p)|^2")
    matches(cert["second"], sp.diff(h, t, 2), (grad.T * hess * grad)[0, 0], "second", "h''(t) = g^T H(t) g")
    rayleigh = cert["rayleigh"]
    if not isinstance(rayleigh, list):
        raise CertificateError("rayleigh must be a list of [lhs, rhs] identities")
    for i, pair in enumerate(rayleigh, 1):
        _stated_identity(cert, pair, f"rayleigh {i}")
    gap = curvature * sp.eye(n) - hess  # K I - H(t): PSD (trusted criterion) iff trace >= 0 and det >= 0
    if not (_nonnegative(gap.trace()) and _nonnegative(gap.det())):
        raise CertificateError("K I - Hess L(p - t g) is not shown positive semidefinite (trace and det >= 0)")

    # the trusted rule, applied here: h'' <= M := S |g|^2 on [0, eta] (S >= K there), so
    # h(eta) - h(0) <= eta h'(0) + eta^2 M / 2; its factor in u = eta S must be > 0 for every u < c
    eta, s, u = sp.Dummy("eta", positive=True), sp.Dummy("S", real=True), sp.Symbol("u", real=True)
    bound = eta * (-weight) + eta**2 * (s * weight) / 2
    factor = sp.expand(sp.cancel(-bound / (eta * weight)).subs(s, u / eta))
    if factor.free_symbols - {u}:
        raise CertificateError("the rule's bound does not reduce to a function of u = eta*S")
    try:
        stated_factor = Reader({"u": u}).read(cert["factor"])
        c = read_number_text(cert["constant"])
    except ExprError as exc:
        raise CertificateError(str(exc)) from None
    if not _zero(stated_factor - factor):
        raise CertificateError(f"the stated factor {str(cert['factor'])[:60]} is not the rule's, {factor}")
    reason = _factor_positive_below(factor, u, c)
    if reason:
        raise CertificateError(reason)


CLASS_CHECKS: Mapping[str, Callable[[Mapping[str, Any]], None]] = {KIND: check_descent_class}
