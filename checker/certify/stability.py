"""Certified product-stability of a minimiser: the sign of alpha_l(z*) = 3 l'''^2 - l'' l'''' (GAN-A-D4.1).

alpha is evaluated in arb on the certified minimiser box (checker.certify.minimizers). When the ball
straddles 0 we first ask sympy whether alpha(z*) is *exactly* 0 (an identity in z, or an exact algebraic
minimiser substituted), because no precision ever separates an exact zero from 0; only then do we raise the
precision (re-refining z* by Krawczyk at each level) until the sign is decided or MAX_PREC is reached.

Verdicts: ``product-stable`` (alpha > 0, CERTIFIED), ``not-product-stable`` (alpha < 0, CERTIFIED),
``degenerate`` (alpha = 0 exactly, PROVED with sympy: the O(eta^2) terms of P, GAN-A-FLIP, decide), or
``undecided`` (the ball still contains 0 at MAX_PREC; its width is reported).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp
from flint import arb

from checker import certificate
from checker.backends.ball import ball_function, ball_precision
from checker.backends.precision import REFINE_BITS_MAX
from checker.certify.krawczyk import krawczyk_1d
from checker.certify.minimizers import CriticalPoint
from checker.certify.sympy_budget import within_budget
from checker.loss import Loss
from checker.parse import Z
from checker.verdict import Enclosure, Evidence, EvidenceClass, Verdict

MAX_PREC = REFINE_BITS_MAX
SYMPY_TIMEOUT_S = 5.0


@dataclass
class Stability:
    """The decision at one minimiser: ``kind`` names it, ``level``/``evidence_class`` rate it (typed, so that
    :meth:`evidence` goes through the Evidence guard: no CERTIFIED from floats)."""

    kind: str  # product-stable | not-product-stable | degenerate | undecided
    level: Verdict  # PROVED | CERTIFIED | UNDECIDED
    box: arb  # z* enclosure at the final precision
    alpha: arb
    a: arb  # l''(z*)
    b: arb  # l'''(z*)
    c: arb  # l''''(z*)
    prec: int
    reason: str
    exact_zero: str = ""  # how alpha = 0 was decided, when degenerate
    certificates: list[dict[str, Any]] = field(default_factory=list)

    @property
    def evidence_class(self) -> EvidenceClass:
        return {Verdict.PROVED: EvidenceClass.SYMBOLIC, Verdict.CERTIFIED: EvidenceClass.BALL}.get(
            self.level, EvidenceClass.NONE
        )

    def evidence(self, summary: str, certificates: list[dict[str, Any]]) -> Evidence:
        """The guarded Evidence record of this decision (balls stay balls until the claim is serialised)."""
        return Evidence(
            verdict=self.level,
            evidence_class=self.evidence_class,
            summary=summary,
            numbers={"z": Enclosure.from_arb(self.box), "alpha": Enclosure.from_arb(self.alpha)},
            certificates=certificates,
            precision=f"arb {self.prec} bits",
        )


def alpha_expr(loss: Loss) -> sp.Expr:
    """alpha_l(z) = 3 l'''(z)^2 - l''(z) l''''(z), GAN-A-D4.1."""
    return loss.product_stability_expr()


def _alpha_zero_record(loss: Loss, expr: sp.Expr, claim: str) -> dict[str, Any]:
    """The identity ``expr == 0`` as a certificate. Where sympy has already reduced ``expr`` to the literal 0
    (alpha_l identically 0), the statement is written from l instead, so that verify differentiates l itself
    (a stored "0" states nothing and is rejected as vacuous)."""
    if expr.free_symbols:
        return certificate.symbolic_zero(expr, claim)
    syms = {s.name: (["positive"] if s.is_positive else ["real"]) for s in loss.expr.free_symbols}
    syms["z"] = ["real"]
    alpha = "3*diff(l, z, z, z)**2 - diff(l, z, z)*diff(l, z, z, z, z)"
    return certificate.identity(claim, syms, [], [("l", str(loss.expr))], alpha, "0")


def _alpha_at_record(loss: Loss, r: sp.Expr, claim: str) -> dict[str, Any]:
    """alpha_l(r) = 0 stated from l (verify differentiates l and substitutes r itself)."""
    syms = {s.name: (["positive"] if s.is_positive else ["real"]) for s in loss.expr.free_symbols}
    syms["z"] = ["real"]
    alpha = "3*diff(l, z, z, z)**2 - diff(l, z, z)*diff(l, z, z, z, z)"
    return certificate.identity(claim, syms, [], [("l", str(loss.expr)), ("alpha", alpha)], f"subs(alpha, z, {r})", "0")


def exact_alpha_zero(loss: Loss, zbox: arb) -> tuple[str, list[dict[str, Any]]]:
    """Find why alpha(z*) == 0 exactly with sympy; returns how (non-empty) or "" if not found, and the
    certificate records that state it. The caller decides on those records (the verifier's own check), not on
    this search.

    Why identities and not the bare conclusion: a certificate "0 == 0" proves nothing; storing e.g.
    alpha_l - q * f (f the factor of l' with z* as root) lets `eoscheck verify` redo the algebra.

    (1) alpha_l is identically 0 (e.g. the square loss); (2) l' is a polynomial with rational
    coefficients: the exact algebraic root in ``zbox`` is substituted and alpha reduced modulo its minimal
    polynomial; (3) otherwise sympy's solveset on l' = 0 (under a time limit), each exact solution inside the
    box substituted and simplified.
    """
    alpha = alpha_expr(loss)

    def records(identities: list[tuple[sp.Expr, str]]) -> list[dict[str, Any]]:
        return [_alpha_zero_record(loss, expr, f"alpha_l(z*) = 0: {said}") for expr, said in identities]

    if within_budget(lambda: sp.simplify(alpha) == 0, SYMPY_TIMEOUT_S):
        return "alpha_l(z) simplifies to 0 identically", records(
            [(alpha, "alpha_l(z) = 3 l3^2 - l2 l4 == 0 for all z")]
        )
    l1 = loss.derivative(1)
    lo, hi = float(zbox.lower()), float(zbox.upper())

    def polynomial() -> tuple[str, list[dict[str, Any]]] | None:
        if not (l1.is_polynomial(Z) and alpha.is_polynomial(Z)):
            return None
        p1 = sp.Poly(l1, Z)
        if not all(c.is_Rational for c in p1.all_coeffs()):
            return None
        for factor, _ in sp.factor_list(p1)[1]:
            for r in sp.Poly(factor, Z).real_roots():
                if lo - 1e-9 <= float(r.evalf(30)) <= hi + 1e-9 and _in_box(r, zbox):
                    f = sp.Poly(factor, Z)
                    q_alpha, rem = sp.div(sp.Poly(alpha, Z), f)
                    if not rem.is_zero:
                        return None
                    q_l1, _ = sp.div(p1, f)
                    fe = f.as_expr()
                    how = f"z* = {r} is a root of {fe}, which divides alpha_l exactly"
                    return how, records(
                        [
                            (l1 - q_l1.as_expr() * fe, f"l'(z) = ({q_l1.as_expr()}) * ({fe})"),
                            (alpha - q_alpha.as_expr() * fe, f"alpha_l(z) = ({q_alpha.as_expr()}) * ({fe})"),
                        ]
                    )
        return None

    found: tuple[str, list[dict[str, Any]]] | None = within_budget(polynomial, SYMPY_TIMEOUT_S)
    if found:
        return found

    def solve() -> tuple[str, list[dict[str, Any]]] | None:
        sols = sp.solveset(l1, Z, sp.Interval(sp.Rational(lo) - 1, sp.Rational(hi) + 1))
        if not isinstance(sols, sp.FiniteSet):
            return None
        for r in sols:
            if _in_box(r, zbox) and sp.simplify(alpha.subs(Z, r)) == 0:
                how = f"z* = {r} solves l'(z) = 0 and alpha_l({r}) simplifies to 0"
                # stated from l at r (both substitutions are constants: a stored residue would state nothing)
                return how, [
                    certificate.derivative_at(loss.expr, Z, 1, r, sp.Integer(0), f"alpha_l(z*) = 0: l'({r}) = 0"),
                    _alpha_at_record(loss, r, f"alpha_l(z*) = 0: alpha_l({r}) = 0"),
                ]
        return None

    return within_budget(solve, SYMPY_TIMEOUT_S) or ("", [])


def _in_box(r: sp.Expr, zbox: arb) -> bool:
    from checker.backends.ball import to_arb

    try:
        with ball_precision(256):
            return to_arb(r).overlaps(zbox)
    except (TypeError, ValueError, ArithmeticError):
        return False


def product_stability(loss: Loss, point: CriticalPoint, *, max_prec: int = MAX_PREC) -> Stability:
    """Decide the sign of alpha_l at the certified minimiser ``point`` (see the module docstring)."""
    alpha_fn = ball_function(alpha_expr(loss), Z)
    prec = max(point.krawczyk.prec, 64)
    box = point.box
    tried_exact = False
    while True:
        with ball_precision(prec):
            refined = krawczyk_1d(loss.ball(1), loss.ball(2), box)
            if refined.unique:
                box = refined.box
            alpha = alpha_fn(box)
            a, b, c = (loss.ball(k)(box) for k in (2, 3, 4))
        if alpha > 0 or alpha < 0:
            sign = "positive" if alpha > 0 else "negative"
            verdict = "product-stable" if alpha > 0 else "not-product-stable"
            cert = certificate.ball_sign(
                alpha_expr(loss), Z, Enclosure.from_arb(box), sign, prec, f"alpha_l(z*) is {sign} (GAN-A-D4.1)"
            )
            return Stability(
                verdict,
                Verdict.CERTIFIED,
                box,
                alpha,
                a,
                b,
                c,
                prec,
                f"alpha ball {sign} at {prec} bits",
                certificates=[cert],
            )
        if not tried_exact:
            tried_exact = True
            how, certs = exact_alpha_zero(loss, box)
            # PROVED only when the records it stores re-check as `eoscheck verify` checks them
            if how and certificate.first_failure(certs) is None:
                return Stability(
                    "degenerate",
                    Verdict.PROVED,
                    box,
                    arb(0),
                    a,
                    b,
                    c,
                    prec,
                    "alpha_l(z*) = 0 exactly; the O(eta^2) terms of P (GAN-A-FLIP) decide",
                    exact_zero=how,
                    certificates=certs,
                )
        if prec >= max_prec:
            width = float(alpha.rad()) * 2
            return Stability(
                "undecided",
                Verdict.UNDECIDED,
                box,
                alpha,
                a,
                b,
                c,
                prec,
                f"alpha ball straddles 0 at {prec} bits (width {width:.3g}); sympy could not show alpha(z*) = 0",
            )
        prec *= 2
