"""The Damian et al. toy-model identities as statements in the certificate language (checker/certificate.py).

Each is written from definitions (the toy loss, its gradient and Hessian, the GD step, the ODE) with both
sides, so ``eoscheck verify`` recomputes the operators itself instead of re-reading a residue that was
already reduced to 0. The constants are the property's (a mutant gives a false statement).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import sympy as sp

from checker.certificate import identity
from checker.models import damian as dm

TOY_SYMBOLS = {
    "x": ["real"],
    "w": ["real"],
    "z": ["real"],
    "eta": ["positive"],
    "alpha": ["positive"],
    "beta": ["positive"],
}


def _t(e: Any) -> str:
    return str(sp.sympify(e))


def _toy_defs() -> list[tuple[str, str]]:
    return [
        ("L", _t(dm.toy_loss_sym())),
        ("H", "hessian(L, x, w, z)"),
        ("gL", "grad(L, x, w, z)"),
        ("S", "entry(H, 0, 0)"),  # at x = 0, H = diag(S, 0, 0): S is the top eigenvalue
        ("gS", "grad(S, x, w, z)"),
    ]


@lru_cache(maxsize=8)
def toy(claimed_alpha: Any = dm.ALPHA, claimed_beta: Any = dm.BETA) -> tuple[dict[str, Any], ...]:
    defs = _toy_defs()
    return (
        identity("DNL-TOY: S of the toy at x = 0", TOY_SYMBOLS, [], defs, "subs(S, x, 0)", "2/eta + sqrt(beta)*w"),
        identity(
            "DNL-TOY: alpha = -grad L . grad S at x = 0",
            TOY_SYMBOLS,
            [],
            defs,
            "subs(-dot(gL, gS), x, 0)",
            _t(claimed_alpha),
        ),
        identity(
            "DNL-TOY: beta = |grad S|^2 at x = 0", TOY_SYMBOLS, [], defs, "subs(dot(gS, gS), x, 0)", _t(claimed_beta)
        ),
        identity(
            "DNL-TOY: Hess L is diagonal at x = 0 (offdiag)", TOY_SYMBOLS, [], defs, "subs(entry(H, 0, 1), x, 0)", "0"
        ),
    )


@lru_cache(maxsize=8)
def eq3(force: Any = dm.HALF) -> tuple[dict[str, Any], ...]:
    y = sp.sqrt(dm.BETA) * dm.W
    ex, ey = dm.eq3_sym(dm.X, y, force)
    defs = [*_toy_defs()[:1], ("x1", "x - eta*diff(L, x)"), ("w1", "w - eta*diff(L, w)")]
    return (
        identity("DNL-EQ3: GD x-update = eq. (3)", TOY_SYMBOLS, [], defs, "x1", _t(ex)),
        identity("DNL-EQ3: GD y-update (y = sqrt(beta) w) = eq. (3)", TOY_SYMBOLS, [], defs, "sqrt(beta)*w1", _t(ey)),
    )


@lru_cache(maxsize=8)
def pred(force: Any = dm.HALF) -> tuple[dict[str, Any], ...]:
    d2 = "(2*alpha/beta)"
    f = _t(force)
    defs = [
        *_toy_defs()[:1],
        ("H0", "subs(subs(hessian(L, x, w, z), x, 0), w, 0)"),
        ("v", "matrix([[x], [w], [0]])"),
        ("gs", "matrix([[0], [sqrt(beta)], [0]])"),
        ("P", f"v - eta*((x**2 - {d2})*{f}*gs + H0*v + matrix([[1], [0], [0]])*x*sqrt(beta)*w)"),
    ]
    return (
        identity("DNL-PRED: predicted x-update = GD", TOY_SYMBOLS, [], defs, "entry(P, 0, 0)", "x - eta*diff(L, x)"),
        identity("DNL-PRED: predicted w-update = GD", TOY_SYMBOLS, [], defs, "entry(P, 1, 0)", "w - eta*diff(L, w)"),
    )


ODE_SYMBOLS = {"X": ["positive"], "y": ["real"], "alpha": ["positive"], "beta": ["positive"]}


def _ode_defs() -> list[tuple[str, str]]:
    fx, fy = dm.ode_rhs_sym(dm.XP, dm.Y)
    return [("fx", _t(fx)), ("fy", _t(fy))]


@lru_cache(maxsize=8)
def ode_fixed_point(delta2: Any) -> tuple[dict[str, Any], ...]:
    at = f"subs(subs({{e}}, X, sqrt({_t(delta2)})), y, 0)"
    return (
        identity(
            "DNL-ODE: the ODE's right side vanishes at X^2 = delta^2, Y = 0 (x-part)",
            ODE_SYMBOLS,
            [],
            _ode_defs(),
            at.format(e="fx"),
            "0",
        ),
        identity(
            "DNL-ODE: the ODE's right side vanishes at X^2 = delta^2, Y = 0 (y-part)",
            ODE_SYMBOLS,
            [],
            _ode_defs(),
            at.format(e="fy"),
            "0",
        ),
    )


@lru_cache(maxsize=8)
def ode_zero_set(delta2: Any) -> tuple[dict[str, Any], ...]:
    """DNL-ODE: the right side factors as fx = X Y, fy = (beta/2)(delta2 - X^2), so for X > 0 its only zero is
    X^2 = ``delta2``, Y = 0 (the uniqueness half of "the unique fixed point")."""
    return (
        identity("DNL-ODE: X' = X Y (zero for X > 0 only where Y = 0)", ODE_SYMBOLS, [], _ode_defs(), "fx", "X*y"),
        identity(
            "DNL-ODE: Y' = (beta/2)(delta^2 - X^2) (zero for X > 0 only where X^2 = delta^2)",
            ODE_SYMBOLS,
            [],
            _ode_defs(),
            "fy",
            f"beta/2*({_t(delta2)} - X**2)",
        ),
    )


@lru_cache(maxsize=8)
def ode_frequency(delta2: Any, omega2: Any) -> tuple[dict[str, Any], ...]:
    """DNL-ODE: the linearisation at the fixed point (X^2 = delta2, Y = 0) has trace 0 and determinant
    ``omega2`` (eigenvalues +-i omega: an oscillation of angular frequency sqrt(omega2) in tau)."""
    defs = [
        *_ode_defs(),
        ("J", "jacobian(matrix([[fx], [fy]]), X, y)"),
        ("Jf", f"subs(subs(J, X, sqrt({_t(delta2)})), y, 0)"),
    ]
    return (
        identity("DNL-ODE: the linearisation at the fixed point has trace 0", ODE_SYMBOLS, [], defs, "trace(Jf)", "0"),
        identity(
            "DNL-ODE: the linearisation at the fixed point has determinant omega^2",
            ODE_SYMBOLS,
            [],
            defs,
            "det(Jf)",
            _t(omega2),
        ),
    )


@lru_cache(maxsize=8)
def l3_invariant(y_scale: Any = 1) -> tuple[dict[str, Any], ...]:
    defs = [*_ode_defs(), ("g", _t(dm.invariant_sym(dm.XP, dm.Y, y_scale)))]
    return (
        identity(
            "DNL-L3: dg/dtau = g_X fx + g_Y fy = 0 along the ODE",
            ODE_SYMBOLS,
            [],
            defs,
            "diff(g, X)*fx + diff(g, y)*fy",
            "0",
        ),
    )


@lru_cache(maxsize=8)
def gen_limit(coef: Any) -> tuple[dict[str, Any], ...]:
    sym = {"x": ["real"], "eta": ["positive"], "alpha": ["positive"], "beta": ["positive"], "c4": ["real"]}
    defs = [
        ("F", "(2/eta)*x**2/2 + c4*x**4/24"),
        ("delta", "sqrt(2*alpha/beta)"),
        ("Fp", "subs(diff(F, x), x, delta)"),
        ("ystar", "2/eta - Fp/delta"),
        ("x1", "delta - eta*Fp - eta*delta*ystar"),
        ("y1", "ystar + eta*(alpha - beta*delta**2/2)"),
        ("Slim", "ystar + subs(diff(F, x, x), x, delta)"),
    ]
    return (
        identity("DNL-GEN-LIMIT: x-cycle (x' = -delta)", sym, [], defs, "x1", "-delta"),
        identity("DNL-GEN-LIMIT: y-cycle (y' = y*)", sym, [], defs, "y1", "ystar"),
        identity(
            "DNL-GEN-LIMIT: S_lim = 2/eta + coef c4 delta^2", sym, [], defs, "Slim", f"2/eta + {_t(coef)}*c4*delta**2"
        ),
    )
