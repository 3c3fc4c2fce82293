"""Certificate builders write records that the independent verifier accepts, and refuse false ones.

Regression: a producer computing on its tight ball but storing the ball printed outward (a wider decimal
box) used to write ball-enclosure records that were false over the stored box.
"""

from __future__ import annotations

import pytest
import sympy as sp
from flint import arb

from checker.backends.ball import ball_precision
from checker.certificate import ball_enclosure, ball_sign
from checker.verdict import Enclosure
from checker.verify import CertificateError, verify_certificate

Z = sp.Symbol("z", real=True)
EXPR = 1000 * sp.exp(Z) * sp.tanh(Z)


def _tight(prec: int = 200) -> tuple[Enclosure, Enclosure]:
    with ball_precision(prec):
        x = arb("0.3") + arb(0, 1e-40)
        return Enclosure.from_arb(x), Enclosure.from_arb(1000 * x.exp() * x.tanh())


def test_enclosure_widened_to_hold_over_the_stored_box() -> None:
    at, tight_value = _tight()
    cert = ball_enclosure(EXPR, Z, at, tight_value, 200, "t")
    verify_certificate(cert)
    # the record covers what the producer claimed
    assert float(cert["value"]["lo"]) <= float(tight_value.lo) <= float(tight_value.hi) <= float(cert["value"]["hi"])


def test_tampered_enclosure_still_fails_verification() -> None:
    at, tight_value = _tight()
    cert = ball_enclosure(EXPR, Z, at, tight_value, 200, "t")
    cert["value"] = {"lo": tight_value.lo, "hi": tight_value.lo}  # a point: cannot contain the image of a box
    with pytest.raises(CertificateError):
        verify_certificate(cert)


def test_sign_records_only_true_signs() -> None:
    at, _ = _tight()
    verify_certificate(ball_sign(EXPR, Z, at, "positive", 200, "t"))
    with pytest.raises(ValueError, match="not certainly negative"):
        ball_sign(EXPR, Z, at, "negative", 200, "t")
