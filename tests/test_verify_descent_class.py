"""The descent lemma's class certificate (kind ``descent-class``): the genuine records verify, and each way of
breaking the proof fails in the verifier for the reason that breaks it (the identities, the match between the
identities and the rule, the curvature bound, the trusted rule, the constant)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import pytest

from checker.models.descent_statements import descent_1d, descent_product
from checker.verifier import CertificateError, verify_certificate

Record = dict[str, Any]


@pytest.mark.parametrize("make", [descent_1d, descent_product], ids=["1d", "product"])
def test_the_lemma_with_constant_2_or_less_verifies(make: Callable[[Fraction], Record]) -> None:
    for c in (Fraction(2), Fraction(3, 2)):
        verify_certificate(copy.deepcopy(make(c)))


@pytest.mark.parametrize("make", [descent_1d, descent_product], ids=["1d", "product"])
@pytest.mark.parametrize("constant", [Fraction(3), Fraction(11, 5), Fraction(201, 100)])
def test_constant_above_2_fails_the_arithmetic(make: Callable[[Fraction], Record], constant: Fraction) -> None:
    with pytest.raises(CertificateError, match=r"1 - u/2 > 0 fails for u = eta\*S = 2 < c"):
        verify_certificate(copy.deepcopy(make(constant)))


def _set(path: str, value: Any) -> Callable[[Record], None]:
    def mutate(rec: Record) -> None:
        rec[path] = value

    return mutate


def _define(i: int, text: str) -> Callable[[Record], None]:
    def mutate(rec: Record) -> None:
        rec["define"][i][1] = text

    return mutate


def _doubled_path(rec: Record) -> None:
    rec["define"][2][1] = "at(L, [theta], [theta - 2*t*g])"
    rec["slope"], rec["second"] = ["subs(diff(h, t), t, 0)", "-2*g**2"], ["diff(h, t, t)", "4*g**2*K"]


def _start_curvature(rec: Record) -> None:
    """S bounds l'' at theta only; h'' stated honestly along the path, so only the curvature step can fail."""
    rec["define"][3][1] = "diff(L, theta, theta)"
    rec["second"] = ["diff(h, t, t)", "g**2*at(diff(L, theta, theta), [theta], [theta - t*g])"]


def _mean_eigenvalue(rec: Record) -> None:
    """K = (a + c)/2, not an upper bound of the eigenvalues; its (now false) Rayleigh identities dropped."""
    rec["define"][5][1] = "(entry(Ht, 0, 0) + entry(Ht, 1, 1))/2"
    rec["rayleigh"] = []


BROKEN_1D: dict[str, tuple[Callable[[Record], None], str]] = {
    "h'' without the g^2 factor": (_set("second", ["diff(h, t, t)", "K"]), "second identity: .* does not hold"),
    "h'(0) with the wrong sign": (_set("slope", ["subs(diff(h, t), t, 0)", "g**2"]), "slope identity: .* not hold"),
    "slope: a true identity, but not h'(0)": (
        _set("slope", ["2*subs(diff(h, t), t, 0)", "-2*g**2"]),
        "the slope identity is not h'\\(0\\)",
    ),
    "second: a true identity, but not h''(t) = g^T H g": (
        _set("second", ["g**2*K", "g**2*K + 0*t"]),
        "second identity",
    ),
    "a vacuous slope identity": (_set("slope", ["subs(diff(h, t), t, 0)", "subs(diff(h, t), t, 0)"]), "vacuous"),
    "true identities of another path (twice the step)": (_doubled_path, "h is not L along the GD step"),
    "the gradient misstated": (_define(1, "2*diff(L, theta)"), "the stated gradient is not grad L"),
    "K taken at the start, not along the segment": (_start_curvature, "not shown positive semidefinite"),
    "Taylor with the remainder eta^2 M": (
        lambda r: r.update(remainder="eta**2*M", factor="1 - u"),
        "the one trusted rule is taylor-lagrange with remainder eta\\*\\*2\\*M/2",
    ),
    "another rule named": (_set("rule", "taylor-peano"), "the one trusted rule"),
    "a factor the rule does not give": (_set("factor", "1 - u/4"), "is not the rule's"),
}


@pytest.mark.parametrize("name", sorted(BROKEN_1D))
def test_a_broken_1d_proof_fails_for_its_reason(name: str) -> None:
    mutate, reason = BROKEN_1D[name]
    rec = copy.deepcopy(descent_1d())
    mutate(rec)
    with pytest.raises(CertificateError, match=reason):
        verify_certificate(rec)


def test_the_rule_rejects_a_curvature_that_does_not_bound_the_hessian() -> None:
    rec = copy.deepcopy(descent_product())
    _mean_eigenvalue(rec)
    with pytest.raises(CertificateError, match="not shown positive semidefinite"):
        verify_certificate(rec)


def test_a_false_rayleigh_identity_fails() -> None:
    rec = copy.deepcopy(descent_product())
    rec["rayleigh"][1] = ["trace(D)", "2*(K - Kmin)"]
    with pytest.raises(CertificateError, match="rayleigh 2 identity"):
        verify_certificate(rec)


def test_a_stated_side_may_call_l_directly() -> None:
    """The stated identities are read with the same generic l as the definitions (l(theta) is L itself)."""
    rec = copy.deepcopy(descent_1d())
    rec["second"] = ["diff(h, t, t)", "deriv(l, 1, theta)**2*deriv(l, 2, theta - t*deriv(l, 1, theta))"]
    verify_certificate(rec)
