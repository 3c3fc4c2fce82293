"""Decide a claim from the very records it stores, and confirm a failure by an independent decision.

Why: a producer that decides PROVED by its own residue computation can prove one thing and store another.
Here the decision *is* the verifier's check of the stored records (:func:`checker.certificate.first_failure`,
which simplifies each identity's lhs - rhs as ``eoscheck verify`` does). A record that fails that check is
not yet a refutation: sympy's ``simplify`` may merely have failed to reduce a true identity. Before a claim is
REFUTED, the failing identity is evaluated at one point, a different decision:

* every symbol is a distinct rational that satisfies its declared assumptions (:func:`rational_point`);
* every generic function l is one fixed polynomial with rational coefficients (:data:`POLYNOMIAL`), so each
  l^(k)(u) the statement leaves free becomes an exact rational (hypotheses such as l'(z) = 0 are already
  substituted by the statement's own operators, and values of l and its derivatives at a point are otherwise
  free: any values that make the difference nonzero are realised by some smooth function);
* the difference lhs - rhs, now a constant, is evaluated in arb ball arithmetic (the verifier's evaluator).

A ball that certainly excludes 0 is a rigorous counterexample to the identity, universally quantified over its
symbols and functions. A difference that vanishes at the point, or a ball that straddles 0, decides nothing:
the claim is then UNDECIDED, never REFUTED.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from checker.certificate import first_failure

T = sp.Symbol("t", real=True)
# degree 9: above every derivative order a statement here uses, coefficients distinct and of both signs
POLYNOMIAL: sp.Expr = sp.Add(*(sp.Rational((-1) ** j * (2 * j + 1), j + 3) * T**j for j in range(10)))
BITS = (128, 512, 2048)


@dataclass(frozen=True)
class Counterexample:
    """An identity that fails at an exact point: which entry, its difference as an arb ball, where."""

    claim: str
    stated: str
    difference: str
    point: dict[str, str]
    function: str

    def summary(self) -> str:
        where = ", ".join(f"{k} = {v}" for k, v in self.point.items()) or "every point"
        with_l = f", l(t) = {self.function}" if self.function else ""
        return f"'{self.claim}' ({self.stated}): lhs - rhs = {self.difference} (excludes 0) at {where}{with_l}"


@dataclass(frozen=True)
class RecordDecision:
    """The decision on a claim's records: ``failure`` None when every record re-checks (PROVED by them);
    otherwise the first failure and, when the independent evaluation found one, a counterexample."""

    failure: str | None
    counterexample: Counterexample | None


def rational_point(symbols: Mapping[str, Mapping[str, bool] | Sequence[str]]) -> dict[str, sp.Rational]:
    """Distinct rationals for the declared symbols (by name), each satisfying its assumptions."""
    out: dict[str, sp.Rational] = {}
    for k, name in enumerate(sorted(symbols)):
        flags = set(symbols[name])
        value = sp.Integer(k + 2) if "integer" in flags else sp.Rational(k + 3, k + 7)
        out[name] = -value if "negative" in flags else value
    return out


def identity_counterexample(record: Mapping[str, Any]) -> Counterexample | None:
    """A point where an identity record's two sides differ (see the module docstring); None if none is found
    there, or if the record is not an identity."""
    from checker.verifier.arbeval import EvalError, evaluate, precision
    from checker.verifier.checks import CertificateError, identity_sides

    if record.get("kind") != "identity":
        return None
    try:
        lhs, rhs = identity_sides(record)
    except CertificateError:
        return None
    point = rational_point(record["symbols"])
    names = [str(f) for f in record.get("functions", [])]
    pattern = re.compile(r"^(" + "|".join(map(re.escape, names)) + r")(?:_d(\d+))?$") if names else None

    def concrete(app: sp.Expr) -> sp.Expr:
        match = pattern.match(type(app).__name__) if pattern else None
        if match is None or len(app.args) != 1:
            raise ValueError(f"unexpected application {app}")
        return sp.diff(POLYNOMIAL, T, int(match.group(2) or 0)).subs(T, app.args[0])

    def is_function(e: Any) -> bool:  # an application l^(k)(u) of a declared generic function
        return isinstance(e, sp.Function) and bool(pattern and pattern.match(type(e).__name__))

    diff = lhs - rhs
    entries = list(diff) if isinstance(diff, sp.MatrixBase) else [diff]
    subs = {sp.Symbol(n, **dict.fromkeys(record["symbols"][n], True)): v for n, v in point.items()}
    for entry in entries:
        try:
            value = sp.sympify(entry).xreplace(subs).replace(is_function, concrete)
        except (ValueError, TypeError, ZeroDivisionError):
            continue
        if value == 0 or value.free_symbols:
            continue
        for bits in BITS:
            with precision(bits):
                try:
                    ball = evaluate(value, {})
                except (EvalError, ValueError, ArithmeticError):
                    break
                if ball > 0 or ball < 0:
                    return Counterexample(
                        str(record.get("claim", "identity")),
                        f"{str(record['lhs'])[:100]} = {str(record['rhs'])[:100]}",
                        str(ball.str(8, radius=True)),
                        {k: str(v) for k, v in point.items()},
                        str(POLYNOMIAL) if names else "",
                    )
    return None


@functools.lru_cache(maxsize=256)
def _decide(canonical: str) -> RecordDecision:
    records = json.loads(canonical)
    failure = first_failure(records)
    if failure is None:
        return RecordDecision(None, None)
    for rec in records:
        found = identity_counterexample(rec)
        if found is not None:
            return RecordDecision(failure, found)
    return RecordDecision(failure, None)


def decide_records(records: Sequence[Mapping[str, Any]]) -> RecordDecision:
    """:class:`RecordDecision` for the records a claim stores, cached on their canonical JSON.

    Why cached: Hypothesis calls a check hundreds of times while it shrinks and the records of a claim do not
    change between calls; simplification would dominate the run. The key is the records' content, so two
    different statements can never share a decision.
    """
    return _decide(json.dumps(list(records), sort_keys=True, separators=(",", ":")))
