"""Symbolic facts about GD on L(x, y) = l(xy) for a GENERIC loss l (GAN-A-L3.1, -RED, -FIX, -FLIP, -DRIFT, GAN-B-PS).

Why a Taylor polynomial with symbolic coefficients stands for "any l": derivatives of order <= 4 at a point z0
depend only on l's Taylor coefficients up to order 4 there. So with
    l(z) = g0 + g1 (z - z0) + g2 (z - z0)^2/2 + g3 (z - z0)^3/6 + g4 (z - z0)^4/24
and z0 substituted *after* differentiating, every identity below that sympy reduces to 0 holds for every
C^4 loss, with g_k standing for l^(k) at the point. At a minimiser z* the values are named a, b, c
(the conventions of the product-stability papers).

Each ``*_residuals`` function returns ``{claim: residual}``; the statement holds iff every residual simplifies
to 0. Optional arguments are the statement's constants, so a property can be built with a deliberately wrong
constant (a mutant) and be refuted by the same code path.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import sympy as sp

from checker.models.product.normal_form import alpha_of, flip_coefficient

x, y = sp.symbols("x y", real=True)
g0, g1, g2, g3, g4 = sp.symbols("g0 g1 g2 g3 g4", real=True)
z0 = sp.Symbol("z0", real=True)
eta = sp.Symbol("eta", positive=True)
a = sp.Symbol("a", positive=True)
b, c = sp.symbols("b c", real=True)
zs = sp.Symbol("zs", real=True)  # z*, the minimiser
lam = sp.Symbol("lam", real=True)
u = sp.Symbol("u", real=True)
D = sp.Symbol("D", nonnegative=True)


def taylor_loss(z: sp.Expr) -> sp.Expr:
    """The generic loss near z0 (see the module docstring)."""
    h = z - z0
    return g0 + g1 * h + g2 * h**2 / 2 + g3 * h**3 / 6 + g4 * h**4 / 24


def generic_hessian() -> sp.Matrix:
    """Hess l(xy) at (x, y), with g_k = l^(k)(xy): differentiated first, then z0 := xy."""
    L = taylor_loss(x * y)
    H = sp.hessian(L, (x, y))
    return H.subs(z0, x * y).applyfunc(sp.expand)


def is_zero(expr: sp.Expr) -> bool:
    return bool(sp.simplify(expr) == 0)


@lru_cache(maxsize=8)
def l31_residuals(coefficient: Any = 1) -> dict[str, sp.Expr]:
    """Lemma 3.1: tr Hess = l''(z) s; where l'(z) = 0, the top eigenvalue is ``coefficient`` * l''(z) s (true: 1)."""
    H = generic_hessian()
    s = x**2 + y**2
    charpoly = (H - lam * sp.eye(2)).det()
    at_crit = charpoly.subs(g1, 0)
    claimed = sp.Rational(coefficient) * g2 * s
    v = sp.Matrix([y, x])
    t = sp.Matrix([x, -y])
    return {
        "tr Hess L - l''(z)(x^2 + y^2)": sp.expand(H.trace() - g2 * s),
        "det Hess L + l'(z)(2 z l''(z) + l'(z))": sp.expand(H.det() + g1 * (2 * x * y * g2 + g1)),
        "charpoly at l'(z)=0, evaluated at the claimed top eigenvalue": sp.expand(at_crit.subs(lam, claimed)),
        "Hess (y, x) - claimed (y, x) at l'(z)=0": sp.expand((H.subs(g1, 0) * v - claimed * v).norm() ** 2),
        "Hess (x, -y) at l'(z)=0 (tangent eigenvalue 0)": sp.expand((H.subs(g1, 0) * t).norm() ** 2),
    }


@lru_cache(maxsize=8)
def red_residuals(d_sign: int = -1) -> dict[str, sp.Expr]:
    """GAN-A-RED: the GD step closes on (z, s); d' = d(1 + d_sign eta^2 g^2) (true: d_sign = -1); s^2 - 4z^2 = d^2."""
    g = g1  # any value of l'(xy): the identities hold pointwise
    x1, y1 = x - eta * g * y, y - eta * g * x
    z, s, d = x * y, x**2 + y**2, x**2 - y**2
    z1, s1, d1 = x1 * y1, x1**2 + y1**2, x1**2 - y1**2
    return {
        "z' - (z(1 + eta^2 g^2) - eta g s)": sp.expand(z1 - (z * (1 + eta**2 * g**2) - eta * g * s)),
        "s' - (s(1 + eta^2 g^2) - 4 eta g z)": sp.expand(s1 - (s * (1 + eta**2 * g**2) - 4 * eta * g * z)),
        "d' - d(1 - eta^2 g^2)": sp.expand(d1 - d * (1 + d_sign * eta**2 * g**2)),
        "s^2 - 4 z^2 - d^2": sp.expand(s**2 - 4 * z**2 - d**2),
    }


@lru_cache(maxsize=8)
def fix_residuals(flip_factor: Any = 2) -> dict[str, sp.Expr]:
    """GAN-A-FIX: Jacobian of the (z, s) map on {z = z*}; multiplier 1 - eta a s = -1 at s_c = flip_factor/(eta a)."""
    zz, ss = sp.symbols("zz ss", real=True)
    lprime = sp.diff(taylor_loss(zz), zz)  # l'(z) near z0, generic
    zmap = zz * (1 + eta**2 * lprime**2) - eta * lprime * ss
    smap = ss * (1 + eta**2 * lprime**2) - 4 * eta * lprime * zz
    J = sp.Matrix([zmap, smap]).jacobian([zz, ss])
    at_min = {zz: zs, z0: zs, g1: 0, g2: a}
    J = J.subs(at_min).applyfunc(sp.expand)
    expected = sp.Matrix([[1 - eta * a * ss, 0], [-4 * eta * a * zs, 1]])
    s_c = sp.Rational(flip_factor) / (eta * a)
    return {
        "J(z*, s) - [[1 - eta a s, 0], [-4 eta a z*, 1]]": sp.expand(sum(e**2 for e in (J - expected))),
        "normal multiplier at s_c + 1": sp.simplify((1 - eta * a * ss).subs(ss, s_c) + 1),
    }


@lru_cache(maxsize=8)
def flip_coefficients() -> tuple[sp.Expr, sp.Expr]:
    """(p, q) of the frozen-D map u' = -(1 + sigma) u + p u^2 + q u^3 + ..., at sigma = 0 (eta a s* = 2)."""
    lp = a * u + b * u**2 / 2 + c * u**3 / 6  # l'(z* + u), generic to third order
    z = zs + u
    s = sp.sqrt(4 * z**2 + D)
    s_star = sp.sqrt(4 * zs**2 + D)
    h = 2 / (a * s_star)
    z_next = z * (1 + h**2 * lp**2) - h * lp * s
    series = sp.series(z_next - zs, u, 0, 4).removeO()
    p = sp.simplify(series.coeff(u, 2))
    q = sp.simplify(series.coeff(u, 3))
    return p, q


@lru_cache(maxsize=8)
def flip_residuals(b_coefficient: Any = 8, z_coefficient: Any = 32) -> dict[str, sp.Expr]:
    """GAN-A-FLIP: p^2 + q = P := alpha/(3a^2) + 8 b z*/(a s*^2) + 32 z*^2/s*^4 (true constants 8 and 32)."""
    p, q = flip_coefficients()
    s2 = 4 * zs**2 + D
    bco, zco = sp.Rational(b_coefficient), sp.Rational(z_coefficient)
    # the z*^2 term's coefficient is a mutant knob here only: P's true form is flip_coefficient's
    P = flip_coefficient(alpha_of(a, b, c), a, b, zs, s2, bco) + (zco - 32) * zs**2 / s2**2
    p_claim = -(b / a + 4 * zs / s2)
    q_claim = -c / (3 * a) + 16 * zs**2 / s2**2
    return {
        "p - (-(b/a + 4 z*/s*^2))": sp.simplify(p - p_claim),
        "q - (-c/(3a) + 16 z*^2/s*^4)": sp.simplify(q - q_claim),
        "p^2 + q - P": sp.simplify(p**2 + q - P),
    }


@lru_cache(maxsize=8)
def drift_residuals(coefficient: Any = 2) -> dict[str, sp.Expr]:
    """GAN-A-DRIFT: on {xy = z*}, D^3L[v, v, t] = coefficient * a (x^2 - y^2)/sqrt(s) (true: 2)."""
    L = taylor_loss(x * y)
    s = x**2 + y**2
    v = sp.Matrix([y, x]) / sp.sqrt(s)
    t = sp.Matrix([x, -y]) / sp.sqrt(s)
    third = _d3(L, v, v, t)
    on_min = third.subs(z0, x * y).subs({g1: 0, g2: a})
    return {
        "D^3L[v,v,t] - 2a(x^2 - y^2)/sqrt(s)": sp.simplify(
            on_min - sp.Rational(coefficient) * a * (x**2 - y**2) / sp.sqrt(s)
        )
    }


def _d3(L: sp.Expr, p: sp.Matrix, q: sp.Matrix, r: sp.Matrix) -> sp.Expr:
    """The symmetric trilinear form D^3L[p, q, r] in (x, y)."""
    var = (x, y)
    return sp.expand(
        sum(
            sp.diff(L, var[i], var[j], var[k]) * p[i] * q[j] * r[k]
            for i in range(2)
            for j in range(2)
            for k in range(2)
        )
    )


def _d4(L: sp.Expr, v: sp.Matrix) -> sp.Expr:
    var = (x, y)
    return sp.expand(
        sum(
            sp.diff(L, var[i], var[j], var[k], var[m]) * v[i] * v[j] * v[k] * v[m]
            for i in range(2)
            for j in range(2)
            for k in range(2)
            for m in range(2)
        )
    )


@lru_cache(maxsize=8)
def ps_residuals(half: Any = sp.S.Half) -> dict[str, sp.Expr]:
    """GAN-B-PS: on {xy = z*} with eta = 2/(a s), c1 := (eta/2) w^T H^+ w - (eta/6) D^4L[v^4] = half * eta a s^2 P.

    H^+ on the normal line: H = a s v v^T there, so H^+ = v v^T/(a s) and w^T H^+ w = (D^3L[v,v,v])^2/(a s).
    """
    L = taylor_loss(x * y)
    s = x**2 + y**2
    v = sp.Matrix([y, x]) / sp.sqrt(s)
    at_min = {g1: 0, g2: a, g3: b, g4: c}
    d3 = _d3(L, v, v, v).subs(z0, x * y).subs(at_min)
    d4 = _d4(L, v).subs(z0, x * y).subs(at_min)
    h = 2 / (a * s)
    c1 = h / 2 * d3**2 / (a * s) - h / 6 * d4
    P = flip_coefficient(alpha_of(a, b, c), a, b, x * y, s**2)
    return {
        "D^3L[v,v,v] - (b s^{3/2} + 6 a z/sqrt(s))": sp.simplify(
            d3 - (b * s * sp.sqrt(s) + 6 * a * x * y / sp.sqrt(s))
        ),
        "D^4L[v^4] - (c s^2 + 12 b z + 12 a z^2/s^2)": sp.simplify(
            d4 - (c * s**2 + 12 * b * x * y + 12 * a * (x * y) ** 2 / s**2)
        ),
        "c1 - (eta/2) a s^2 P": sp.simplify(c1 - sp.Rational(half) * h * a * s**2 * P),
    }


Proof = tuple[bool, list[dict[str, Any]], dict[str, str]]


def prove(residuals: dict[str, sp.Expr]) -> Proof:
    """Simplify every residual; return (all zero, symbolic-zero certificates, the non-zero residuals as text)."""
    from checker.certificate import symbolic_zero

    certificates: list[dict[str, Any]] = []
    failing: dict[str, str] = {}
    for claim, residual in residuals.items():
        simplified = sp.simplify(residual)
        if simplified == 0:
            certificates.append(symbolic_zero(residual, claim))
        else:
            failing[claim] = str(simplified)
    return not failing, certificates, failing


_PROOFS: dict[int, tuple[dict[str, sp.Expr], Proof]] = {}


def prove_cached(residuals: dict[str, sp.Expr]) -> Proof:
    """:func:`prove` once per residual set.

    Why: the residual sets are lru-cached objects, and Hypothesis calls a check hundreds of times while it
    shrinks; sympy's simplify would dominate the run. Keyed by identity (the dicts are not hashable), with
    the object kept alive and compared so that a recycled id cannot return another set's proof.
    """
    hit = _PROOFS.get(id(residuals))
    if hit is None or hit[0] is not residuals:
        hit = (residuals, prove(residuals))
        _PROOFS[id(residuals)] = hit
    return hit[1]
