"""NET-*: the EoS statements on a real network, checked on the built-in quick model (tanh MLP [32, 32] on 200
scikit-learn digits, MSE, full-batch GD with eta = 0.3 for 2,200 steps from seed 4; GD on sqrt(L) with eta = 0.05).

Provenance per statement (checker/network/suite.py): sharpening and the loss are SOURCED observations (Cohen et
al., as stated by Damian et al.); D4 / alpha_u is a RECONSTRUCTED reading of Gan 2026a's Fig. 5(c); c1's sign uses
a RECONSTRUCTED convention for H^+ (Gan 2026b); the projection follows Damian et al.'s code; the sqrt(L) ratio's
constant 1/2 is DERIVED. Floats only: CORROBORATED at most, UNDECIDED when EoS is not reached in the budget.

A float violation is REFUTED only when the independent recheck (dense Hessian spectrum, Chebyshev line fits and
float64 losses at the same stored points) violates the statement too. ``network_property(ID, **constants)`` gives a
statement with other constants (a variant, e.g. ``network_property("NET-SHARPEN", level=2.2)``), on the same cached
run.

The two training runs are shared by the statements (one run each per process) and take about 10 s together. The
dense-spectrum study of c1 against the H^+ cutoff (about 15 s more) is left to `eoscheck network`.
"""

from __future__ import annotations

import functools
from typing import Any

from checker.network.engine import EngineConfig, TrainResult
from checker.network.suite import STATEMENTS, statement
from checker.property import Property

QUICK_MODEL = "mlp-small"
QUICK_STEPS = 2200  # seed 4: EoS at step ~1000, lambda_2 reaches 1.9/eta at ~1270: both phases are seen
SQRT_ETA, SQRT_STEPS = 0.05, 4000


@functools.cache
def quick_run(objective: str = "loss") -> TrainResult:
    from checker.network.engine import train
    from checker.network.flat import flatten
    from checker.network.models import builtin_problem

    model, loss, params = builtin_problem(QUICK_MODEL)
    if objective == "sqrt":
        cfg = EngineConfig(eta=SQRT_ETA, steps=SQRT_STEPS, objective="sqrt", max_detail=0, near_every=100)
    else:
        cfg = EngineConfig(
            eta=model.eta,
            steps=QUICK_STEPS,
            near_every=20,
            detail_every=100,
            max_detail=5,
            hplus_top=10,
            dense_points=0,
            spread_details=False,  # keep two points before lambda_2 joins (step ~1270)
        )
    return train(flatten(loss, params), cfg)


def network_property(prop_id: str, **constants: Any) -> Property:
    """The NET-* statement ``prop_id`` on the quick run, with its constants (judgement keywords) overridden."""
    s = statement(prop_id)
    return s.property(functools.partial(quick_run, s.objective), **constants)


PROPERTIES = [network_property(s.id) for s in STATEMENTS]
