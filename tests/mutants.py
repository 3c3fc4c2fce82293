"""The mutant-test harness shared by the property test modules.

A mutant is a property built with a deliberately wrong constant; the catalogue's properties are only
worth something if their mutants are REFUTED, with a counterexample that replays. Every test module
checks that the same way, through :func:`assert_refuted`.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from checker.claim import ClaimResult
from checker.property import Property
from checker.runner import run_property
from checker.verdict import Verdict

CONFIRMED = "confirmed by the high-precision recheck"


def few(prop: Property, n: int = 3) -> Property:
    """The property with ``n`` examples under the ci and quick profiles (mutants refute within a few)."""
    return dataclasses.replace(prop, max_examples={"ci": n, "quick": n})


def revive(value: object) -> object:
    """Counterexamples store fractions as text ('3/2'); turn them back into Fractions."""
    if isinstance(value, str) and value.replace("/", "").replace("-", "").isdigit():
        return Fraction(value)
    return value


def params_of(prop: Property) -> set[str]:
    """The check's parameter names (a counterexample may carry more keys, e.g. the failing claim)."""
    return set(inspect.signature(prop.check).parameters)


def replays(prop: Property, counterexample: dict[str, Any], convert: Callable[[object], object] = revive) -> bool:
    """Whether the counterexample, fed straight back to the check, refutes again."""
    params = {k: convert(v) for k, v in counterexample.items() if k in params_of(prop)}
    return prop.check(**params).verdict is Verdict.REFUTED


def assert_refuted(
    prop: Property,
    *,
    profile: str = "quick",
    seed: int | None = 0,
    replay: bool = True,
    confirmed: bool = False,
) -> ClaimResult:
    """Run the mutant and assert REFUTED with a counterexample and a replay handle.

    Args:
        replay: also feed the shrunk counterexample back to the check and expect REFUTED again.
        confirmed: a float refutation: expect the runner's note that the mpmath recheck confirmed it.
    """
    res = run_property(prop, profile=profile, seed=seed, database=False)
    assert res.verdict is Verdict.REFUTED, (res.verdict, res.evidence.summary, res.notes)
    assert res.evidence.counterexample, "a refutation carries its counterexample"
    assert res.stats.replay, "and a way to replay it"
    if replay and params_of(prop) & set(res.evidence.counterexample):
        assert replays(prop, res.evidence.counterexample), "the shrunk counterexample refutes again"
    if confirmed:
        assert CONFIRMED in " ".join(res.notes)
    return res
