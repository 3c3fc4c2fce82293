"""Variants of catalogue theorems, written with the public building blocks (README, "Your own property")."""

import dataclasses
from fractions import Fraction

from hypothesis import strategies as st

from checker.property import Property, Source
from checker.strategies import taylor_losses
from checker.verdict import Evidence, EvidenceClass, Verdict
from properties.gan2026a import make_d41


def check(a: Fraction, b: Fraction, c: Fraction, k: Fraction) -> Evidence:
    """alpha of k*l at z* is k^2 alpha_l(z*): scaling a loss keeps its product-stability (exact rationals)."""
    alpha, scaled = 3 * b**2 - a * c, 3 * (k * b) ** 2 - (k * a) * (k * c)
    ok = scaled == k * k * alpha
    verdict = Verdict.CERTIFIED if ok else Verdict.REFUTED
    return Evidence(
        verdict,
        EvidenceClass.SYMBOLIC,
        f"alpha {alpha} -> {scaled}",
        margin=1.0 if ok else -1.0,
        counterexample=None if ok else {"a": a, "b": b, "c": c, "k": k},
    )


draws = st.tuples(taylor_losses(alpha_ratio=(2, 4)), st.fractions(1, 5, max_denominator=100))
PROPERTIES = [
    # the catalogue's Def. 4.1 with the constant 2 instead of 3: REFUTED on quartics with 2 < a c/b^2 < 3
    dataclasses.replace(make_d41(alpha_coefficient=2), id="MY-D4.1-TWO"),
    Property(
        id="MY-ALPHA-SCALE",
        title="scaling keeps alpha",
        source=Source("mine", "", "Remark"),
        statement="alpha_{k l}(z*) = k^2 alpha_l(z*)",
        provenance=["DERIVED"],
        check=check,
        strategy=draws.map(lambda d: {"a": d[0].a, "b": d[0].b, "c": d[0].c, "k": d[1]}),
    ),
]
