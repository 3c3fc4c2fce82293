"""Evidence builders: the few ways a property turns numbers into a verdict, written once.

Small pure functions in the style of optax's transforms: each takes what was measured and returns an
:class:`~checker.verdict.Evidence` (or the pieces of one), so every property module earns a verdict the same
way and a change to, say, what a symbolic refutation records is made in one place.

* :func:`refuted_by_proof`: a sympy identity that does not simplify to 0 (exact, needs no recheck);
* :func:`refuted_by_ball`: a ball enclosure that excludes the claim (rigorous);
* :func:`backend_disagreement`: the proof stands but a float backend disagrees (a backend issue, UNDECIDED);
* :func:`simulated`: a float (or mpmath recheck) simulation's outcome: CORROBORATED, REFUTED or UNDECIDED;
* :func:`fitted_order`: the least-squares order of an error across a range (asymptotic claims).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp

from checker.models.product.symbolic import prove_cached
from checker.verdict import Evidence, EvidenceClass, Verdict

__all__ = ["backend_disagreement", "fitted_order", "refuted_by_ball", "refuted_by_proof", "simulated"]


def refuted_by_proof(
    residuals: dict[str, sp.Expr], params: dict[str, Any], what: str
) -> tuple[Evidence | None, list[dict[str, Any]]]:
    """REFUTED evidence if an identity fails (exact: needs no recheck), else None and the proof's certificates.

    Args:
        residuals: ``{claim: residual}``; the statement holds iff every residual simplifies to 0.
        params: the drawn parameters, recorded as the counterexample.
        what: the statement's name, for the summary.
    """
    ok, certs, failing = prove_cached(residuals)
    if ok:
        return None, certs
    claim, residual = next(iter(failing.items()))
    ev = Evidence(
        Verdict.REFUTED,
        EvidenceClass.SYMBOLIC,
        f"{what}: '{claim}' does not simplify to 0 (residual {residual[:80]})",
        numbers={"nonzero_residuals": failing},
        precision="sympy exact",
        margin=-1.0,
        counterexample={**params, "claim": claim, "residual": residual},
    )
    return ev, certs


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


def simulated(
    ok: bool | None, high: bool, summary: str, params: dict[str, Any], precision: tuple[str, str], **kw: Any
) -> Evidence:
    """A simulation's evidence: ``ok`` None UNDECIDED, True CORROBORATED, False REFUTED (with the counterexample).

    Args:
        high: the run was the mpmath recheck (evidence class MPMATH), not the float run (FLOAT).
        precision: the (float, mpmath) precision texts; the one matching ``high`` is recorded.
    """
    cls = EvidenceClass.MPMATH if high else EvidenceClass.FLOAT
    verdict = Verdict.UNDECIDED if ok is None else (Verdict.CORROBORATED if ok else Verdict.REFUTED)
    return Evidence(
        verdict,
        cls,
        summary,
        precision=precision[1] if high else precision[0],
        counterexample=dict(params) if ok is False else None,
        **kw,
    )


def fitted_order(x: Any, y: Any) -> tuple[float, float]:
    """Least-squares slope and intercept of log y against log x: the order of y in x across the range."""
    slope, intercept = np.polyfit(np.log(np.asarray(x, float)), np.log(np.asarray(y, float)), 1)
    return float(slope), float(intercept)
