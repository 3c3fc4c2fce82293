"""One GD trajectory on l(xy) in mpmath at high precision (not rigorous; see product_ball for that).

Used to show that float64 did not decide an outcome: re-run a few float trajectories here and compare.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import mpmath

from checker.backends.mp import mp_precision
from checker.loss import Loss
from checker.models import product
from checker.simulate import validate


@dataclass
class Trajectory:
    """Recorded states (t, x, y) plus the final status. Values are mpmath numbers or arb balls.

    States are recorded every ``record_every`` steps *and* at the step where the run stopped, so the last
    record is always the final state (for a ball run that lost precision: the ball that was too wide)."""

    t: list[int] = field(default_factory=list)
    x: list[Any] = field(default_factory=list)
    y: list[Any] = field(default_factory=list)
    radius: list[float] = field(default_factory=list)  # ball runs: max radius of (x, y) at each record
    status: str = "running"  # converged | diverged | budget | precision-lost
    steps: int = 0
    final_sharpness: Any = None


def simulate_product_mp(
    loss: Loss,
    x0: Any,
    y0: Any,
    eta: Any,
    *,
    steps: int,
    dps: int = 50,
    record_every: int = 1,
    grad_tol: float | str = 0,
    diverge_bound: float = 1e6,
) -> Trajectory:
    """GD from (x0, y0) in mpmath with ``dps`` decimal digits. Inputs may be strings for exactness."""
    validate.check_dps(dps)
    validate.check_eta(eta)
    validate.check_start(x0, y0)
    validate.check_steps(steps)
    l1, l2 = loss.mp(1), loss.mp(2)
    out = Trajectory()
    with mp_precision(dps):
        x, y, h = mpmath.mpf(x0), mpmath.mpf(y0), mpmath.mpf(eta)
        tol = mpmath.mpf(grad_tol)
        for t in range(steps + 1):
            if record_every and t % record_every == 0:
                out.t.append(t)
                out.x.append(x)
                out.y.append(y)
            z = x * y
            if not mpmath.isfinite(z) or abs(z) > diverge_bound:
                out.status = "diverged"
                break
            g1 = l1(z)
            if tol > 0 and abs(g1) * mpmath.sqrt(x * x + y * y) <= tol:
                out.status = "converged"
                break
            if t == steps:
                out.status = "budget"
                break
            x, y = product.gd_step(x, y, g1, h)
        out.steps = t
        if record_every and out.t[-1:] != [t]:  # always record where the run stopped
            out.t.append(t)
            out.x.append(x)
            out.y.append(y)
        if out.status != "diverged":
            z, s = x * y, x * x + y * y
            out.final_sharpness = product.sharpness(z, s, l1(z), l2(z), mpmath.sqrt)
    return out
