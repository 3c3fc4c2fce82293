"""Evidence builders: the few ways a property turns numbers into a verdict, written once.

Small pure functions in the style of optax's transforms: each takes what was measured and returns an
:class:`~checker.verdict.Evidence` (or the pieces of one), so every property module earns a verdict the same
way and a change to, say, what a symbolic refutation records is made in one place.

* :func:`by_records`: the claim's stored identity records re-check (None), or fail with an exact counterexample
  (REFUTED), or fail without one (UNDECIDED);
* :func:`refuted_by_ball`: a ball enclosure that excludes the claim (rigorous);
* :func:`backend_disagreement`: the proof stands but a float backend disagrees (a backend issue, UNDECIDED);
* :func:`simulated` / :func:`simulation_class`: a float (or mpmath recheck) simulation's outcome;
* :func:`fitted_order`: the least-squares order of an error across a range (asymptotic claims).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from checker.verdict import Evidence, EvidenceClass, Verdict
from checker.witness import decide_records

__all__ = [
    "backend_disagreement",
    "by_records",
    "fitted_order",
    "refuted_by_ball",
    "simulated",
    "simulation_class",
]


def by_records(records: Sequence[Mapping[str, Any]], params: dict[str, Any], what: str) -> Evidence | None:
    """None when every record a claim stores re-checks as ``eoscheck verify`` checks it (the records are the
    proof); otherwise REFUTED when an independent exact evaluation of a failing identity finds a counterexample
    (checker/witness.py), else UNDECIDED (sympy may have failed to simplify a true identity).

    Args:
        records: the certificate records stating the claim from definitions, with the claim's constants.
        params: the drawn parameters, recorded with the counterexample.
        what: the statement's name, for the summary.
    """
    decision = decide_records(records)
    if decision.failure is None:
        return None
    found = decision.counterexample
    if found is None:
        return Evidence(
            Verdict.UNDECIDED,
            EvidenceClass.SYMBOLIC,
            f"{what}: a stated identity does not re-check ({decision.failure[:160]}), and it does not fail at the "
            "rational test point either: sympy may not have simplified a true identity",
            precision="sympy exact",
        )
    return Evidence(
        Verdict.REFUTED,
        EvidenceClass.SYMBOLIC,
        f"{what}: {found.summary()}",
        numbers={"difference": found.difference, "failed_check": decision.failure[:400]},
        precision="exact rational point, arb ball arithmetic",
        margin=-1.0,
        counterexample={**params, "claim": found.claim, "point": found.point, "l(t)": found.function},
    )


def refuted_by_ball(
    summary: str, numbers: dict[str, Any], params: dict[str, Any], bits: int, margin: float = -1.0
) -> Evidence:
    """REFUTED from a ball enclosure that excludes the claimed value: rigorous, so no recheck is needed."""
    return Evidence(
        Verdict.REFUTED,
        EvidenceClass.BALL,
        summary,
        numbers=numbers,
        margin=margin,
        precision=f"arb {bits} bits",
        counterexample=params,
    )


def backend_disagreement(summary: str, numbers: dict[str, Any], cls: EvidenceClass = EvidenceClass.FLOAT) -> Evidence:
    """UNDECIDED: the proof and the ball agree but another backend does not; a backend issue, not a verdict."""
    return Evidence(Verdict.UNDECIDED, cls, summary, numbers=numbers)


def simulation_class(
    ok: bool | None, high: bool, precision: tuple[str, str] = ("float64", "mpmath")
) -> tuple[Verdict, EvidenceClass, str]:
    """(verdict, evidence class, precision text) of a simulation: ``ok`` None UNDECIDED, True CORROBORATED,
    False REFUTED; ``high``: the run was the mpmath recheck, not the float run.

    Args:
        precision: the (float run, mpmath recheck) precision texts; the one matching ``high`` is returned.
    """
    cls = EvidenceClass.MPMATH if high else EvidenceClass.FLOAT
    verdict = Verdict.UNDECIDED if ok is None else (Verdict.CORROBORATED if ok else Verdict.REFUTED)
    return verdict, cls, precision[1] if high else precision[0]


def simulated(
    ok: bool | None,
    high: bool,
    summary: str,
    params: dict[str, Any],
    *,
    precision: tuple[str, str] = ("float64", "mpmath"),
    **kw: Any,
) -> Evidence:
    """A simulation's evidence (see :func:`simulation_class`); a REFUTED one records ``params`` as the
    counterexample, for the runner to recheck at high precision."""
    verdict, cls, prec = simulation_class(ok, high, precision)
    return Evidence(verdict, cls, summary, precision=prec, counterexample=dict(params) if ok is False else None, **kw)


def fitted_order(x: Any, y: Any) -> tuple[float, float]:
    """Least-squares slope and intercept of log y against log x: the order of y in x across the range.

    y is floored at 1e-300 so that an exact zero (a perfect run) fits as "very small", not as -inf.
    """
    ly = np.log(np.maximum(np.asarray(y, float), 1e-300))
    slope, intercept = np.polyfit(np.log(np.asarray(x, float)), ly, 1)
    return float(slope), float(intercept)
