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
from checker.parse import Z
from checker.simulate import validate
from checker.simulate.mp_fixed import mp_fixed_function


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
    out = Trajectory()
    with mpmath.workprec(64):  # exact for any float; mpf values keep their own precision
        bound = mpmath.mpf(diverge_bound)  # the same comparison as with the float, without a conversion per step
    with mp_precision(dps):
        # built under the run's precision: constants evaluated once, shared subexpressions once per step
        l1 = mp_fixed_function(loss.derivative(1), Z)
        x, y, h = mpmath.mpf(x0), mpmath.mpf(y0), mpmath.mpf(eta)
        tol = mpmath.mpf(grad_tol)
        # |g1| sqrt(x^2 + y^2) >= |g1| max(|x|, |y|) / 2 even after rounding: a float screen that skips the
        # exact test (and its square root) only where the exact test is certainly false.
        screen = 2.0 * float(tol)
        for t in range(steps + 1):
            if record_every and t % record_every == 0:
                out.t.append(t)
                out.x.append(x)
                out.y.append(y)
            z = x * y
            if not mpmath.isfinite(z) or abs(z) > bound:
                out.status = "diverged"
                break
            g1 = l1(z)
            near = tol > 0 and not abs(float(g1)) * max(abs(float(x)), abs(float(y))) > screen
            if near and abs(g1) * mpmath.sqrt(x * x + y * y) <= tol:
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
            l2 = mp_fixed_function(loss.derivative(2), Z)
            out.final_sharpness = product.sharpness(z, s, l1(z), l2(z), mpmath.sqrt)
    return out
