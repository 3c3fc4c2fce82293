"""The GAN-A/GAN-B product-model identities as *statements* in the certificate language (checker/certificate.py).

Why statements and not residuals: a residual that sympy has already reduced (to the literal 0 when true)
states nothing a reader can re-check. Here each identity is written from
definitions: the objective L(x, y) = l(x*y) with l a generic function, the operators applied to it
(Hessian, trace, determinant, characteristic polynomial, Jacobian, derivatives, Taylor coefficients), the
hypotheses substituted (l'(z) = 0 at a minimiser, l''(z*) = a, ...), and both sides. ``eoscheck verify``
recomputes every operator itself, and the properties decide their verdicts by re-checking exactly these
records (checker/witness.py). The statements take the claim's constants, so a mutant constant gives a false
statement, and the catalogue's formal statement is the one with the true constants.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from itertools import product
from typing import Any

import sympy as sp

from checker.certificate import identity

XY = {"x": ["real"], "y": ["real"]}
MIN_SUBS = (
    "subs(subs(subs(subs({e}, deriv(l, 1, x*y), 0), deriv(l, 2, x*y), a), deriv(l, 3, x*y), b), deriv(l, 4, x*y), c)"
)


def exact(value: Any) -> str:
    """A constant as exact text (ints, Fractions, sympy Rationals; never a float guess)."""
    if isinstance(value, float):
        raise TypeError(f"constant {value!r}: pass an exact number")
    q = sp.Rational(Fraction(value)) if not isinstance(value, sp.Basic) else sp.Rational(value)
    return f"Rational({q.p}, {q.q})" if q.q != 1 else f"({q.p})"


def _form(order: int, vectors: list[str]) -> str:
    """D^kL[v1, ..., vk] for L(x, y), written out term by term (entries of column vectors)."""
    names = ("x", "y")
    terms = []
    for idx in product(range(2), repeat=order):
        d = "diff(L, " + ", ".join(names[i] for i in idx) + ")"
        factors = [f"entry({v}, {i}, 0)" for v, i in zip(vectors, idx, strict=True)]
        terms.append("*".join([d, *factors]))
    return " + ".join(terms)


@lru_cache(maxsize=8)
def l31(coefficient: Any = 1) -> tuple[dict[str, Any], ...]:
    c = exact(coefficient)
    top = f"{c}*deriv(l, 2, x*y)*(x**2 + y**2)"
    defs = [("L", "l(x*y)"), ("H", "hessian(L, x, y)"), ("H0", "subs(H, deriv(l, 1, x*y), 0)")]
    sym = {**XY, "lam": ["real"]}
    return (
        identity("tr Hess L = l''(z)(x^2 + y^2)", sym, ["l"], defs, "trace(H)", "deriv(l, 2, x*y)*(x**2 + y**2)"),
        identity(
            "det Hess L = -l'(z)(2 z l''(z) + l'(z))",
            sym,
            ["l"],
            defs,
            "det(H)",
            "-deriv(l, 1, x*y)*(2*x*y*deriv(l, 2, x*y) + deriv(l, 1, x*y))",
        ),
        identity(
            "where l'(z) = 0, the claimed top eigenvalue is a root of the characteristic polynomial",
            sym,
            ["l"],
            defs,
            f"subs(charpoly(H0, lam), lam, {top})",
            "0",
        ),
        identity(
            "where l'(z) = 0, Hess L (y, x) = claimed (y, x)",
            sym,
            ["l"],
            defs,
            "H0*matrix([[y], [x]])",
            f"{top}*matrix([[y], [x]])",
        ),
        identity(
            "where l'(z) = 0, Hess L (x, -y) = 0 (tangent eigenvalue 0)",
            sym,
            ["l"],
            defs,
            "H0*matrix([[x], [-y]])",
            "matrix([[0], [0]])",
        ),
    )


@lru_cache(maxsize=8)
def red(d_sign: int = -1) -> tuple[dict[str, Any], ...]:
    defs = [
        ("L", "l(x*y)"),
        ("G", "grad(L, x, y)"),
        ("g", "deriv(l, 1, x*y)"),
        ("x1", "x - eta*entry(G, 0, 0)"),
        ("y1", "y - eta*entry(G, 1, 0)"),
        ("z", "x*y"),
        ("s", "x**2 + y**2"),
        ("d", "x**2 - y**2"),
    ]
    sym = {**XY, "eta": ["positive"]}
    ds = exact(d_sign)
    return (
        identity("z' = z(1 + eta^2 g^2) - eta g s", sym, ["l"], defs, "x1*y1", "z*(1 + eta**2*g**2) - eta*g*s"),
        identity(
            "s' = s(1 + eta^2 g^2) - 4 eta g z", sym, ["l"], defs, "x1**2 + y1**2", "s*(1 + eta**2*g**2) - 4*eta*g*z"
        ),
        identity("d' = d(1 - eta^2 g^2)", sym, ["l"], defs, "x1**2 - y1**2", f"d*(1 + {ds}*eta**2*g**2)"),
        identity("s^2 - 4 z^2 = d^2", sym, ["l"], defs, "s**2 - 4*z**2", "d**2"),
    )


@lru_cache(maxsize=8)
def fix(flip_factor: Any = 2, multiplier: Any = 1) -> tuple[dict[str, Any], ...]:
    """GAN-A-FIX: the Jacobian of the (z, s) map on {z = z*} has the normal multiplier 1 - ``multiplier`` eta a s
    (true: 1), which is -1 at s_c = ``flip_factor``/(eta a) (true: 2)."""
    defs = [
        ("g", "deriv(l, 1, zz)"),
        ("zmap", "zz*(1 + eta**2*g**2) - eta*g*ss"),
        ("smap", "ss*(1 + eta**2*g**2) - 4*eta*g*zz"),
        ("J", "jacobian(matrix([[zmap], [smap]]), zz, ss)"),
        ("Jmin", "subs(subs(J, deriv(l, 1, zz), 0), deriv(l, 2, zz), a)"),
    ]
    sym = {"zz": ["real"], "ss": ["real"], "eta": ["positive"], "a": ["positive"]}
    f, m = exact(flip_factor), exact(multiplier)
    return (
        identity(
            "at a minimiser z* (l'(z*) = 0, l''(z*) = a): J(z*, s) = [[1 - eta a s, 0], [-4 eta a z*, 1]]",
            sym,
            ["l"],
            defs,
            "Jmin",
            f"matrix([[1 - {m}*eta*a*ss, 0], [-4*eta*a*zz, 1]])",
        ),
        identity(
            "the normal multiplier 1 - eta a s is -1 at s_c = 2/(eta a)",
            sym,
            ["l"],
            defs,
            f"subs(entry(Jmin, 0, 0), ss, {f}/(eta*a))",
            "-1",
        ),
    )


@lru_cache(maxsize=8)
def drift(coefficient: Any = 2) -> tuple[dict[str, Any], ...]:
    defs = [
        ("L", "l(x*y)"),
        ("v", "matrix([[y], [x]])/sqrt(x**2 + y**2)"),
        ("t", "matrix([[x], [-y]])/sqrt(x**2 + y**2)"),
        ("T", _form(3, ["v", "v", "t"])),
    ]
    sym = {**XY, "a": ["positive"]}
    c = exact(coefficient)
    return (
        identity(
            "on {xy = z*} (l'(z*) = 0, l''(z*) = a): D^3L[v, v, t] = 2a(x^2 - y^2)/sqrt(s)",
            sym,
            ["l"],
            defs,
            "subs(subs(T, deriv(l, 1, x*y), 0), deriv(l, 2, x*y), a)",
            f"{c}*a*(x**2 - y**2)/sqrt(x**2 + y**2)",
        ),
    )


@lru_cache(maxsize=8)
def ps(half: Any = Fraction(1, 2)) -> tuple[dict[str, Any], ...]:
    s = "(x**2 + y**2)"
    defs = [
        ("L", "l(x*y)"),
        ("v", f"matrix([[y], [x]])/sqrt{s}"),
        ("d3", MIN_SUBS.format(e=_form(3, ["v", "v", "v"]))),
        ("d4", MIN_SUBS.format(e=_form(4, ["v", "v", "v", "v"]))),
        ("h", f"2/(a*{s})"),
        ("c1", f"h/2*d3**2/(a*{s}) - h/6*d4"),
        ("P", f"(3*b**2 - a*c)/(3*a**2) + 8*b*x*y/(a*{s}**2) + 32*(x*y)**2/{s}**4"),
    ]
    sym = {**XY, "a": ["positive"], "b": ["real"], "c": ["real"]}
    k = exact(half)
    return (
        identity(
            "D^3L[v,v,v] = b s^{3/2} + 6 a z/sqrt(s) on {xy = z*}",
            sym,
            ["l"],
            defs,
            "d3",
            f"b*{s}*sqrt{s} + 6*a*x*y/sqrt{s}",
        ),
        identity(
            "D^4L[v^4] = c s^2 + 12 b z + 12 a z^2/s^2 on {xy = z*}",
            sym,
            ["l"],
            defs,
            "d4",
            f"c*{s}**2 + 12*b*x*y + 12*a*(x*y)**2/{s}**2",
        ),
        identity("c1 = (eta/2) a s^2 P with eta = 2/(a s)", sym, ["l"], defs, "c1", f"{k}*h*a*{s}**2*P"),
    )


@lru_cache(maxsize=8)
def flip(b_coefficient: Any = 8, z_coefficient: Any = 32) -> tuple[dict[str, Any], ...]:
    at_min = (
        "subs(subs(subs(subs({e}, deriv(l, 1, zs), 0), deriv(l, 2, zs), a), deriv(l, 3, zs), b), deriv(l, 4, zs), c)"
    )
    defs = [
        ("z", "zs + u"),
        ("s2", "4*zs**2 + D"),
        ("h", "2/(a*sqrt(s2))"),
        ("lp", "deriv(l, 1, z)"),
        ("zn", "z*(1 + h**2*lp**2) - h*lp*sqrt(4*z**2 + D)"),
        ("p", at_min.format(e="coeff(zn - zs, u, 2)")),
        ("q", at_min.format(e="coeff(zn - zs, u, 3)")),
    ]
    sym = {"zs": ["real"], "u": ["real"], "a": ["positive"], "b": ["real"], "c": ["real"], "D": ["nonnegative"]}
    bc, zc = exact(b_coefficient), exact(z_coefficient)
    return (
        identity("p = -(b/a + 4 z*/s*^2)", sym, ["l"], defs, "p", "-(b/a + 4*zs/s2)"),
        identity("q = -c/(3a) + 16 z*^2/s*^4", sym, ["l"], defs, "q", "-c/(3*a) + 16*zs**2/s2**2"),
        identity(
            "p^2 + q = P := alpha/(3a^2) + 8 b z*/(a s*^2) + 32 z*^2/s*^4",
            sym,
            ["l"],
            defs,
            "p**2 + q",
            f"(3*b**2 - a*c)/(3*a**2) + {bc}*b*zs/(a*s2) + {zc}*zs**2/s2**2",
        ),
    )


def d41(alpha_coefficient: Any = 3) -> dict[str, Any]:
    """GAN-A-D4.1 for the whole class: as eta -> 0 the flip coefficient P = p^2 + q of GD on l(xy), with p, q
    the Taylor coefficients of the map itself (as in :func:`flip`), tends to alpha_l(z*)/(3a^2), alpha_l
    written from its definition ``alpha_coefficient`` l'''^2 - l'' l'''' (true: 3). The limit is the t^0
    coefficient after D = 1/t - 4z*^2 (t = 1/s*^2 -> 0 as eta -> 0 at the threshold s* = 2/(eta a)). With
    a > 0 the sign of P for small eta is the sign of alpha: supercritical (product-stable) iff alpha > 0.
    """
    defs = [(str(k), str(v)) for k, v in flip()[0]["define"]] + [
        ("flip_P", "p**2 + q"),
        ("flip_Pt", "subs(flip_P, D, 1/t - 4*zs**2)"),
        ("alpha", f"{exact(alpha_coefficient)}*deriv(l, 3, zs)**2 - deriv(l, 2, zs)*deriv(l, 4, zs)"),
    ]
    sym = {"zs": ["real"], "u": ["real"], "a": ["positive"], "b": ["real"], "c": ["real"], "D": ["nonnegative"]}
    sym["t"] = ["positive"]
    at_min = "subs(subs(subs(alpha, deriv(l, 2, zs), a), deriv(l, 3, zs), b), deriv(l, 4, zs), c)"
    return identity(
        "P -> alpha_l(z*)/(3a^2) as eta -> 0 (t = 1/s*^2 -> 0): product-stable iff alpha > 0",
        sym,
        ["l"],
        defs,
        "coeff(flip_Pt, t, 0)",
        f"{at_min}/(3*a**2)",
    )


def alpha_at(loss: sp.Expr, variable: sp.Symbol, zstar: sp.Expr, expect: sp.Expr) -> tuple[dict[str, Any], ...]:
    """alpha_l(z*) = 3 l'''(z*)^2 - l''(z*) l''''(z*) equals ``expect``, and z* is a critical point of l.

    ``loss`` may contain other (declared real or positive) symbols, e.g. a label p for a whole class.
    """
    v = variable.name
    sym = {s.name: (["positive"] if s.is_positive else ["real"]) for s in sorted(loss.free_symbols, key=str)}
    sym[v] = ["real"]
    defs = [("l", str(loss)), ("alpha", f"3*diff(l, {v}, {v}, {v})**2 - diff(l, {v}, {v})*diff(l, {v}, {v}, {v}, {v})")]
    at = f"subs({{e}}, {v}, {zstar})"
    return (
        identity("l'(z*) = 0 (a critical point)", sym, [], defs, at.format(e=f"diff(l, {v})"), "0"),
        identity(f"alpha_l(z*) = {expect}", sym, [], defs, at.format(e="alpha"), str(expect)),
    )


@lru_cache(maxsize=8)
def setup(multiplier: Any = -1, tangent: Any = 1) -> tuple[dict[str, Any], ...]:
    """GAN-B-SETUP: on {xy = z*} (l'(z*) = 0), H v = lambda_max v, and A = I - (2/lambda_max) H has the
    multiplier along v and the tangent value along t."""
    defs = [
        ("L", "l(x*y)"),
        ("H0", "subs(hessian(L, x, y), deriv(l, 1, x*y), 0)"),
        ("lam", "deriv(l, 2, x*y)*(x**2 + y**2)"),
        ("A", "matrix([[1, 0], [0, 1]]) - (2/lam)*H0"),
    ]
    m, t = exact(multiplier), exact(tangent)
    v, w = "matrix([[y], [x]])", "matrix([[x], [-y]])"
    return (
        identity("H v = lambda_max v where l'(z) = 0", XY, ["l"], defs, f"H0*{v}", f"lam*{v}"),
        identity("A v = -v at eta lambda_max = 2", XY, ["l"], defs, f"A*{v}", f"{m}*{v}"),
        identity("A t = t (tangent)", XY, ["l"], defs, f"A*{w}", f"{t}*{w}"),
    )
