"""Verdicts, evidence classes and provenance: how much is known about a claim, and on what it rests.

The ladder of verdict levels. The rule that matters: floats (numpy/JAX) and mpmath can at most
CORROBORATE; only sympy identities and python-flint ball arithmetic may PROVE or CERTIFY. The
:class:`Evidence` constructor enforces that rule so that no property can promote float evidence by
accident.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    PROVED = "PROVED"  # for all parameters in the stated class (sympy identity, or box branch-and-bound)
    CERTIFIED = "CERTIFIED"  # this instance, rigorously (ball arithmetic / interval Newton)
    CORROBORATED = "CORROBORATED"  # no counterexample found in N examples (floats or mpmath)
    REFUTED = "REFUTED"  # a counterexample, re-checked at higher precision
    UNDECIDED = "UNDECIDED"  # the evidence cannot decide; say what would

    @property
    def is_failure(self) -> bool:
        return self is Verdict.REFUTED


class EvidenceClass(StrEnum):
    """The arithmetic the decisive evidence came from."""

    SYMBOLIC = "symbolic"  # sympy simplification to 0 / exact rational arithmetic
    BALL = "ball"  # python-flint arb enclosures
    MPMATH = "mpmath"  # high precision, not rigorous
    FLOAT = "float"  # numpy / JAX float64 or float32
    NONE = "none"


class Provenance(StrEnum):
    """Where a statement comes from (the provenance legend). RECONSTRUCTED must be shown in every output."""

    SOURCED = "SOURCED"
    DERIVED = "DERIVED"
    SECONDARY = "SECONDARY"
    RECONSTRUCTED = "RECONSTRUCTED"


RIGOROUS_CLASSES = frozenset({EvidenceClass.SYMBOLIC, EvidenceClass.BALL})
RIGOROUS_VERDICTS = frozenset({Verdict.PROVED, Verdict.CERTIFIED})


@dataclass(frozen=True)
class Enclosure:
    """A closed interval [lo, hi] (decimal strings keep every digit the ball had)."""

    lo: str
    hi: str

    @classmethod
    def from_arb(cls, ball: Any, digits: int = 30) -> Enclosure:
        import flint

        # lower()/upper() round outward to the *ambient* precision: a 256-bit ball printed outside its
        # precision block would lose 200 bits. Work at the ball's own precision (still outward).
        old = flint.ctx.prec
        mid = ball.mid()
        bits = int(mid.man_exp()[0]).bit_length() + 64 if mid.is_finite() else old
        flint.ctx.prec = max(old, bits)
        try:
            lower, upper = ball.lower(), ball.upper()
        finally:
            flint.ctx.prec = old
        return cls(lo=_arb_to_str(lower, digits, down=True), hi=_arb_to_str(upper, digits, down=False))

    @classmethod
    def point(cls, value: float) -> Enclosure:
        return cls(lo=repr(float(value)), hi=repr(float(value)))

    def to_json(self) -> dict[str, str]:
        return {"lo": self.lo, "hi": self.hi}

    @property
    def width(self) -> float:
        return float(self.hi) - float(self.lo)


def _arb_to_str(exact_endpoint: Any, digits: int, *, down: bool) -> str:
    """Print an exact arb endpoint as a decimal that is still a valid bound (rounded outward).

    Why not ``arb.str()``: it rounds to nearest, which can move a bound inward. The endpoint is an exact
    binary number m 2^e; we divide the exact integers once in ``decimal`` with directed rounding (FLOOR for
    a lower bound, CEILING for an upper one), a single correctly rounded operation, so the printed decimal
    is a bound by construction. Infinite endpoints (a ball of radius inf) print as -inf / inf.
    """
    from flint import arb

    edge = arb(exact_endpoint)
    if not edge.is_finite():
        if edge.is_nan():
            return "nan"
        return "-inf" if down else "inf"
    man, exp = (int(v) for v in edge.man_exp())
    if abs(exp) > _MAX_EXACT_EXPONENT:  # astronomically large or small: fall back to the ball printer
        return _arb_to_str_via_ball(edge, digits, down=down)
    num, den = (man * 2**exp, 1) if exp >= 0 else (man, 2**-exp)
    ctx = decimal.Context(prec=max(1, digits), rounding=decimal.ROUND_FLOOR if down else decimal.ROUND_CEILING)
    ctx.traps[decimal.Inexact] = False
    ctx.Emax, ctx.Emin = decimal.MAX_EMAX, decimal.MIN_EMIN
    return str(ctx.divide(decimal.Decimal(num), decimal.Decimal(den)))


_MAX_EXACT_EXPONENT = 200_000  # bits; beyond this the exact integer division would be slow


def _arb_to_str_via_ball(edge: Any, digits: int, *, down: bool) -> str:
    """Outward printing for extreme exponents: print with radius, take mid -/+ rad, and widen by a relative
    10^-digits so that the final round-to-nearest print cannot cross the bound."""
    from flint import arb

    text = edge.str(digits, radius=True, more=True)
    if "+/-" not in text:
        return str(text.strip("[]"))
    mid, rad = text.strip("[]").split("+/-")
    mid_b, rad_b = arb(mid.strip()), arb(rad.strip())
    slack = abs(mid_b) * arb(10) ** (-digits)
    bound = (mid_b - rad_b - slack) if down else (mid_b + rad_b + slack)
    out = bound.lower() if down else bound.upper()
    return arb(out).str(digits + 5, radius=False, more=True)


@dataclass
class Evidence:
    """What a check found. Returned by every property check and every certification routine.

    ``numbers``: decisive quantities, floats or :class:`Enclosure`. ``certificates``: JSON-ready records a
    small independent checker can re-verify (see checker/verify). ``series``: named data for plots.
    """

    verdict: Verdict
    evidence_class: EvidenceClass
    summary: str
    numbers: dict[str, Any] = field(default_factory=dict)
    certificates: list[dict[str, Any]] = field(default_factory=list)
    series: dict[str, Any] = field(default_factory=dict)
    margin: float | None = None  # signed slack of the claimed inequality (> 0: holds); Hypothesis targets it
    precision: str = ""  # e.g. "float64", "mpmath 50 digits", "arb 256 bits"
    counterexample: dict[str, Any] | None = None
    # names in ``numbers`` shown for information only (e.g. a float spot check beside a symbolic proof);
    # every other enclosure of a PROVED/CERTIFIED claim must be backed by a certificate (verify checks it)
    informative: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.verdict in RIGOROUS_VERDICTS and self.evidence_class not in RIGOROUS_CLASSES:
            raise ValueError(
                f"{self.verdict} needs symbolic or ball evidence, not {self.evidence_class} "
                "(floats and mpmath can only CORROBORATE)"
            )
        if self.verdict is Verdict.REFUTED and self.counterexample is None:
            raise ValueError("REFUTED needs a counterexample")
