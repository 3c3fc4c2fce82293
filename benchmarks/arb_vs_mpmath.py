"""Arbitrary precision GD on l(xy): arb (python-flint balls) against mpmath, steps per second.

Three single-trajectory loops from the same start, in the same process:
* ``arb mean-value`` is ``checker.simulate.product_ball`` as the checks use it: rigorous balls in centred
  (mean-value) form, i.e. a midpoint step plus the interval Jacobian times the radius (~3x the operations of
  a plain step, for a radius that grows like the true Jacobian instead of doubling every few steps);
* ``arb naive`` is the plain GD step evaluated on balls (defined here, for comparison only): cheapest, but
  its radius explodes (each step counts x twice in x - eta l'(xy) y);
* ``mpmath`` is ``checker.simulate.product_mp``: the same iteration at the same precision, no enclosure.

The per-operation cost (one multiply, measured alone) is reported too: both libraries are called from
Python one operation at a time, so at <= 256 bits the interpreter, not the multiprecision arithmetic, sets
the pace, and the per-op ratio bounds the ratio any step formula can reach.
"""

from __future__ import annotations

import timeit
from dataclasses import dataclass
from functools import partial

import mpmath
from flint import arb, ctx

from benchmarks.common import measure
from checker.backends.ball import ball_precision, to_arb
from checker.loss import Loss
from checker.models import product
from checker.simulate.product_ball import derivative_evaluators, simulate_product_ball
from checker.simulate.product_mp import simulate_product_mp

BITS = (64, 128, 256, 1024)
LOSS = "(z**2-1)**2/4"
START = ("1.2", "0.7", "0.3")  # (x0, y0, eta): converges to the minimum manifold xy = 1 in a few hundred steps


@dataclass
class ArbRow:
    bits: int
    impl: str
    steps_per_s: float
    final_radius: float | None  # max radius of (x, y) after the last step; None where there is no ball
    status: str


def naive_ball(loss: Loss, x0: str, y0: str, eta: str, steps: int, bits: int) -> tuple[float, str]:
    """The plain GD step on balls: rigorous too, but the radius grows far faster than GD's Jacobian."""
    with ball_precision(bits):
        l1, _ = derivative_evaluators(loss)  # the same fast evaluator as product_ball: a fair comparison
        x, y, h = to_arb(x0), to_arb(y0), to_arb(eta)
        for _ in range(steps):
            x, y = product.gd_step(x, y, l1(x * y), h)
        radius = float(max(x.rad(), y.rad()))
        return radius, "budget" if radius < 1 else "radius blew up"


def _steps_per_s(fn: partial, steps: int, repeats: int) -> float:
    return steps / measure(fn, repeats=repeats).median_s


def per_op_ratio(bits: int) -> tuple[float, float]:
    """Seconds per multiply for (arb, mpmath) at ``bits``, each timed alone."""
    old_prec, old_mp = ctx.prec, mpmath.mp.prec
    try:
        ctx.prec, mpmath.mp.prec = bits, bits
        a, b = arb(2).sqrt(), arb(3).sqrt()
        ma, mb = mpmath.sqrt(2), mpmath.sqrt(3)
        ta = min(timeit.repeat(lambda: a * b, number=20000, repeat=5)) / 20000
        tm = min(timeit.repeat(lambda: ma * mb, number=20000, repeat=5)) / 20000
    finally:
        ctx.prec, mpmath.mp.prec = old_prec, old_mp
    return ta, tm


def run(steps: int = 2000, repeats: int = 3) -> tuple[list[ArbRow], dict[int, tuple[float, float]]]:
    loss = Loss.from_string(LOSS)
    rows: list[ArbRow] = []
    ops: dict[int, tuple[float, float]] = {}
    x0, y0, eta = START
    for bits in BITS:
        ball = partial(
            simulate_product_ball, loss, x0, y0, eta, steps=steps, prec=bits, record_every=steps, max_radius=1e300
        )
        traj = ball()
        rows.append(
            ArbRow(
                bits,
                "arb mean-value (product_ball)",
                _steps_per_s(ball, traj.steps, repeats),
                traj.radius[-1] if traj.radius else None,
                traj.status,
            )
        )
        naive = partial(naive_ball, loss, x0, y0, eta, steps, bits)
        radius, status = naive()
        rows.append(ArbRow(bits, "arb naive step", _steps_per_s(naive, steps, repeats), radius, status))
        dps = max(5, round(bits * 0.30103))
        mp = partial(simulate_product_mp, loss, x0, y0, eta, steps=steps, dps=dps, record_every=0)
        rows.append(ArbRow(bits, f"mpmath ({dps} digits)", _steps_per_s(mp, mp().steps, repeats), None, mp().status))
        ops[bits] = per_op_ratio(bits)
    return rows, ops
