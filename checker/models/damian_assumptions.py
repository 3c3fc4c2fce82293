"""The assumptions of Damian et al.'s Theorem 1 evaluated on the quartic toy loss, exactly (sympy).

Quartic toy: L(x, w, z) = (1/2)(2/eta + sqrt(beta) w) x^2 - (alpha/sqrt(beta)) w + kappa x^4/24 - z, whose
constrained trajectory is theta^dagger = (0, 0, z). The quantities the assumptions bound, at theta^dagger:

* A1 (progressive sharpening): alpha(theta^dagger) = -grad L . grad S_perp, with grad S perpendicular to u = e_x;
* A2 (eigengap): Hess L = diag(2/eta, 0, 0), so lambda_2 = 0;
* A3 (third and fourth derivatives): D^3L[h, h, h] = 3 sqrt(beta) h1^2 h2, whose norm sup_|h|=1 is
  rho_3 = 2 sqrt(beta/3) (so |grad S_perp|^2 = beta = (3/4) rho_3^2 <= rho_3^2), and D^4L[h^4] = kappa h1^4
  (rho_4 = |kappa|, constant).

The norm is derived twice: by Lagrange multipliers (the property's decision) and, for the certificate, as a
sum-of-squares identity rho^2 |h|^6 - T(h)^2 = (manifestly >= 0) plus the point where it is attained, both
statements in the certificate language that ``eoscheck verify`` recomputes.
"""

from __future__ import annotations

import functools
from typing import Any

import sympy as sp

from checker.certificate import identity
from checker.models import damian as dm

KAPPA = sp.Symbol("kappa", real=True)
S_ = sp.Symbol("s", real=True)
H1, H2, H3 = sp.symbols("h1 h2 h3", real=True)
RHO3_COEF = 2 / sp.sqrt(3)  # rho_3 = (2/sqrt(3)) sqrt(beta)

SYMBOLS = {
    **{k: ["real"] for k in ("x", "w", "z", "s", "h1", "h2", "h3", "kappa")},
    **{k: ["positive"] for k in ("eta", "alpha", "beta")},
}


def quartic_toy_sym() -> sp.Expr:
    return dm.toy_loss_sym() + KAPPA * dm.X**4 / 24


@functools.cache
def derived() -> dict[str, sp.Expr]:
    """What the assumptions measure on the quartic toy at theta^dagger = (0, 0, z), computed by sympy."""
    loss = quartic_toy_sym()
    theta = (dm.X, dm.W, dm.Zc)
    at = {dm.X: 0, dm.W: 0}
    hess = sp.hessian(loss, theta)
    s_expr = hess[0, 0]  # the top eigenvalue near theta^dagger, whose eigenvector is e_x there
    grad_s = sp.Matrix([sp.diff(s_expr, v) for v in theta])
    grad_l = sp.Matrix([sp.diff(loss, v) for v in theta])
    u = sp.Matrix([1, 0, 0])
    gs0 = grad_s.subs(at)
    gs_perp = gs0 - u * (u.T * gs0)[0, 0]
    alpha_t = sp.simplify(-(grad_l.subs(at).T * gs_perp)[0, 0])
    eigs = sp.Matrix(hess.subs(at)).eigenvals()
    ordered = sorted(eigs, key=lambda e: sp.N(e.subs({dm.ETA: 1})), reverse=True)
    lam1, lam2 = ordered[0], (ordered[1] if len(ordered) > 1 else ordered[0])
    shifted = loss.subs({dm.X: S_ * H1, dm.W: S_ * H2, dm.Zc: dm.Zc + S_ * H3})
    t3 = sp.expand(sp.diff(shifted, S_, 3).subs(S_, 0))
    t4 = sp.expand(sp.diff(shifted, S_, 4).subs(S_, 0))
    return {
        "S": sp.simplify(lam1),
        "lambda_2": sp.simplify(lam2),
        "alpha": alpha_t,
        "beta": sp.simplify((gs_perp.T * gs_perp)[0, 0]),
        "u_dot_grad_S": sp.simplify(gs0[0]),
        "rho_3": sphere_sup(t3),
        "rho_4": sphere_sup(t4),
        "T3": t3,
        "T4": t4,
    }


def sphere_sup(form: sp.Expr) -> sp.Expr:
    """sup over unit h of |form(h)| for a homogeneous form in h1, h2, h3: the largest |value| at the critical
    points of the Lagrangian form - lam (|h|^2 - 1) (the sup of a continuous function on the sphere is
    attained at one of them)."""
    lam = sp.Symbol("lam", real=True)
    h = (H1, H2, H3)
    eqs = [sp.diff(form, v) - 2 * lam * v for v in h] + [sum(v**2 for v in h) - 1]
    values = {sp.simplify(sp.Abs(form.subs(sol))) for sol in sp.solve(eqs, [*h, lam], dict=True)}
    # each critical value is a constant times sqrt(beta) or |kappa| here, so one sample point orders them
    sample = {s: sp.Rational(7, 5) for s in sp.Add(*values).free_symbols}
    return max(values, key=lambda v: float(sp.N(v.subs(sample))))


def _t(e: Any) -> str:
    return str(sp.sympify(e))


def _defs() -> list[tuple[str, str]]:
    return [
        ("L", _t(quartic_toy_sym())),
        ("H", "hessian(L, x, w, z)"),
        ("gL", "grad(L, x, w, z)"),
        ("S", "entry(H, 0, 0)"),
        ("gS", "grad(S, x, w, z)"),
        ("Lh", "subs(subs(subs(L, x, s*h1), w, s*h2), z, z + s*h3)"),  # L along theta^dagger + s h
        ("T3", "6*coeff(Lh, s, 3)"),  # D^3L(theta^dagger)[h, h, h]
        ("T4", "24*coeff(Lh, s, 4)"),  # D^4L(theta^dagger)[h, h, h, h]
    ]


@functools.lru_cache(maxsize=8)
def statements(rho3_coef: Any = RHO3_COEF, lambda2: Any = 0) -> tuple[dict[str, Any], ...]:
    """The assumptions' values on the quartic toy as identities ``eoscheck verify`` recomputes; ``rho3_coef``
    (true 2/sqrt(3)) and ``lambda2`` (true 0) are the claim's constants."""
    at0 = "subs(subs({e}, x, 0), w, 0)"
    c2 = _t(sp.sympify(rho3_coef) ** 2)
    n2 = "(h1**2 + h2**2 + h3**2)"
    a, b = "h1**2", "h2**2"
    sos = f"(beta/3)*({a} - 2*{b})**2*(4*{a} + {b}) + (4*beta/3)*h3**2*(3*({a} + {b})**2 + 3*({a} + {b})*h3**2 + h3**4)"
    return (
        identity("DNL-ASSUMPTIONS: S = 2/eta on theta^dagger", SYMBOLS, [], _defs(), at0.format(e="S"), "2/eta"),
        identity(
            "DNL-ASSUMPTIONS A2: Hess L = diag(S, 0, 0) on theta^dagger (lambda_2 = 0)",
            SYMBOLS,
            [],
            _defs(),
            at0.format(
                e="entry(H, 0, 1)**2 + entry(H, 0, 2)**2 + entry(H, 1, 1)**2 + entry(H, 1, 2)**2 + entry(H, 2, 2)**2"
            ),
            "0",
        ),
        identity(
            "DNL-ASSUMPTIONS A2: the eigenvalues of Hess L on theta^dagger are S = 2/eta, lambda_2 and 0",
            {**SYMBOLS, "lam": ["real"]},
            [],
            _defs(),
            at0.format(e="charpoly(H, lam)"),
            f"(2/eta - lam)*({_t(lambda2)} - lam)*(-lam)",
        ),
        identity(
            "DNL-ASSUMPTIONS: grad S is orthogonal to u = e_x on theta^dagger (grad S_perp = grad S)",
            SYMBOLS,
            [],
            _defs(),
            at0.format(e="entry(gS, 0, 0)"),
            "0",
        ),
        identity(
            "DNL-ASSUMPTIONS A1: alpha = -grad L . grad S_perp on theta^dagger",
            SYMBOLS,
            [],
            _defs(),
            at0.format(e="-dot(gL, gS)"),
            "alpha",
        ),
        identity(
            "DNL-ASSUMPTIONS A3: rho_3^2 |h|^6 - D^3L[h,h,h]^2 is a sum of non-negative terms (|D^3L| <= rho_3)",
            SYMBOLS,
            [],
            _defs(),
            f"{c2}*beta*{n2}**3 - T3**2",
            sos,
        ),
        identity(
            "DNL-ASSUMPTIONS A3: |D^3L| = rho_3 is attained at h = (sqrt(2/3), sqrt(1/3), 0)",
            SYMBOLS,
            [],
            _defs(),
            "subs(subs(subs(T3, h1, sqrt(6)/3), h2, sqrt(3)/3), h3, 0)",
            f"({_t(rho3_coef)})*sqrt(beta)",
        ),
        identity(
            "DNL-ASSUMPTIONS A3: D^4L[h,h,h,h] = kappa h1^4 (rho_4 = |kappa|)",
            SYMBOLS,
            [],
            _defs(),
            "T4",
            "kappa*h1**4",
        ),
    )
