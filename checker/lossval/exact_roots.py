"""Exact zeros of l' where l' is a polynomial, or a polynomial times factors of known sign (sympy).

Why exact: a multiple zero of l' (l'' = 0 there, a degenerate critical point) defeats every interval Newton
test, so the ball search can only report "undecided" around it. When l' = c * q(z) * g(z) with q a
polynomial with rational coefficients and g a product of factors sympy proves positive (or negative) for
real z (exp, positive powers, squares plus constants ...), the zeros of l' are exactly the real roots of
q: the square-free decomposition gives each root's multiplicity m, the real-root isolation gives disjoint
rational intervals, and the first non-vanishing derivative of l at the root has order k = m + 1.

Every interval returned is checked with Sturm counting (``count_roots``) to contain exactly one distinct
root of q, so l' has no other zero in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

import sympy as sp

from checker.certify.sympy_budget import within_budget
from checker.parse import Z

SYMPY_TIMEOUT_S = 10.0
MAX_DEGREE = 200
T = TypeVar("T")


@dataclass(frozen=True)
class ExactRoot:
    """A zero of l' at ``value`` (exact), alone in [lo, hi]; the first non-vanishing derivative of l has
    order ``order`` (= multiplicity in l' + 1). ``poly`` is the root's minimal polynomial over Q (in z): with
    [lo, hi] it names the root in text any reader can parse, where ``value`` may be a CRootOf."""

    value: sp.Expr
    lo: Fraction
    hi: Fraction
    order: int
    poly: sp.Expr


def polynomial_part(l1: sp.Expr) -> sp.Poly | None:
    """q with l' = q * (factors of sympy-certified constant sign), or None if l' is not of that form."""
    factored = sp.factor(sp.together(l1))
    poly_factors: list[sp.Expr] = []
    for f in sp.Mul.make_args(factored):
        if f.is_number:
            if f.is_zero or not f.is_real:
                return None
            continue
        if f.is_polynomial(Z):
            poly_factors.append(f)
            continue
        if f.is_positive or f.is_negative:  # sympy proves the sign for every real z
            continue
        return None
    q = sp.Poly(sp.Mul(*poly_factors), Z) if poly_factors else sp.Poly(1, Z)
    if q.degree() > MAX_DEGREE or not all(c.is_Rational for c in q.all_coeffs()):
        return None
    return q


def _decimal_outward(x: Fraction, down: bool, digits: int) -> Fraction:
    """x rounded outward to ``digits`` decimals (an exact decimal endpoint)."""
    scale = 10**digits
    n = x * scale
    k = n.numerator // n.denominator if down else -((-n.numerator) // n.denominator)
    return Fraction(k, scale)


def exact_roots(l1: sp.Expr, lo: Fraction, hi: Fraction, *, timeout: float = SYMPY_TIMEOUT_S) -> list[ExactRoot] | None:
    """Every zero of l' in [lo, hi] with its order, or None when l' is not (polynomial x known sign) or sympy
    timed out. Intervals are decimal, disjoint, inside (lo, hi) where possible, and hold one root each."""

    def work() -> list[ExactRoot] | None:
        q = polynomial_part(l1)
        if q is None:
            return None
        if q.degree() <= 0:
            return []
        out: list[ExactRoot] = []
        _, parts = sp.sqf_list(q)
        sqf = sp.Poly(sp.Mul(*[p.as_expr() for p, _ in parts]), Z)
        for part, mult in parts:
            for root in sp.Poly(part, Z).real_roots():
                a, b = _isolate(sqf, root)  # root: an exact Rational, or a CRootOf (never a numeric guess)
                if b < lo or a > hi:
                    continue
                out.append(ExactRoot(root, a, b, int(mult) + 1, sp.minimal_polynomial(root, Z)))
        out.sort(key=lambda r: r.lo)
        return out

    return within_budget(work, timeout)


def _isolate(sqf: sp.Poly, root: sp.Expr) -> tuple[Fraction, Fraction]:
    """A decimal interval [a, b] holding ``root`` and no other root of the square-free ``sqf``."""
    approx = Fraction(str(sp.N(root, 40)))
    for digits in range(3, 40, 3):
        width = Fraction(1, 10**digits)
        a = _decimal_outward(approx - width, True, digits + 1)
        b = _decimal_outward(approx + width, False, digits + 1)
        if (
            sqf.eval(sp.Rational(a.numerator, a.denominator)) != 0
            and sqf.eval(sp.Rational(b.numerator, b.denominator)) != 0
            and sqf.count_roots(sp.Rational(a.numerator, a.denominator), sp.Rational(b.numerator, b.denominator)) == 1
        ):
            return a, b
    raise ArithmeticError(f"could not isolate the root {root}")
