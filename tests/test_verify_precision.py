"""A certificate's stored ``prec`` is where verify starts, clamped into [53, 4096], not part of what it states.

Why clamping (not rejecting) is sound: arb's balls enclose the true value at every precision, so the number of
bits only makes a ball wider or narrower. These tests show it: a true certificate that needs more than 53 bits
verifies whatever precision it stores (the retries climb), a false one fails whatever precision it stores,
and balls computed at 8, 53 and 4096 bits all contain the exact value.
"""

from __future__ import annotations

from typing import Any

import pytest
import sympy as sp
from flint import arb, fmpq

from checker.verifier import CertificateError, verify_certificate
from checker.verifier.arbeval import evaluate, exact, precision
from checker.verifier.checks import precisions

PRECS = [-5, 0, 1, 53, 4096, 10**9]


def _sign_cert(sign: str, prec: int) -> dict[str, Any]:
    """exp(z) - (1 + z + z^2/2 + z^3/6) at z = 10^-6 is about z^4/24 = 4e-26: 53 bits cannot see its sign."""
    return {
        "kind": "ball-sign",
        "claim": "a fourth-order Taylor remainder is positive",
        "expr": "exp(z) - 1 - z - z**2/2 - z**3/6",
        "variable": "z",
        "at": {"lo": "0.000001", "hi": "0.000001"},
        "sign": sign,
        "prec": prec,
    }


def test_the_true_certificate_needs_more_than_53_bits() -> None:
    z = sp.Symbol("z", real=True)
    with precision(53):
        ball = evaluate(sp.exp(z) - 1 - z - z**2 / 2 - z**3 / 6, {z: exact(sp.Rational(1, 10**6))})
    assert not ball > 0 and not ball < 0  # straddles 0 at 53 bits: the retries at 4x decide it


@pytest.mark.parametrize("prec", PRECS)
def test_any_stored_precision_verifies_a_true_certificate(prec: int) -> None:
    assert 53 <= precisions(prec)[0] <= 4096
    verify_certificate(_sign_cert("positive", prec))


@pytest.mark.parametrize("prec", PRECS)
def test_no_stored_precision_passes_a_false_certificate(prec: int) -> None:
    with pytest.raises(CertificateError):
        verify_certificate(_sign_cert("negative", prec))


@pytest.mark.parametrize("bits", [8, 53, 4096])
def test_a_ball_at_any_precision_contains_the_exact_value(bits: int) -> None:
    z = sp.Symbol("z", real=True)
    expr = z**3 + 1 / z - 7 * z  # at z = 3/8: 27/512 + 8/3 - 21/8, not dyadic
    value = sp.Rational(3, 8) ** 3 + sp.Rational(8, 3) - 7 * sp.Rational(3, 8)
    with precision(bits):
        ball = evaluate(expr, {z: exact(sp.Rational(3, 8))})
    with precision(4096):
        assert ball.contains(arb(fmpq(int(value.p), int(value.q))))
