"""Runs of the Liu et al. (2025) model (RECONSTRUCTED, LZDZ-MODEL) and their analysis: settled or not, the tail.

One simulation per drawn start, analysed once (cached: Hypothesis' shrinking revisits the same starts) and
shared by every LZDZ property; the mpmath recheck re-runs the same number of steps. The properties judge
the :class:`Analysis`; nothing here decides a verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import mpmath
import numpy as np

from checker.models import liu as model

__all__ = [
    "LONG_STEPS",
    "RECHECK_DPS",
    "STEPS",
    "TAIL",
    "Analysis",
    "analyse",
    "eos_window",
    "float_analysis",
    "mp_analysis",
]

STEPS = 40000
LONG_STEPS = 160000
TAIL = 2000
RECHECK_DPS = 30


# ---- one simulation, analysed once ------------------------------------------------------------------------
@dataclass(frozen=True)
class Analysis:
    run: model.Run
    sharp: np.ndarray  # S_t * eta (threshold 2)
    settled: bool  # tail: loss <= eps and w1 shrinking (GD is not about to be catapulted again)
    why_not: str
    tail_max_s: float
    tail_max_loss: float
    stuck: bool = False  # tail loss > eps and GD has stopped moving: L stays above eps for ever


def analyse(run: model.Run, eps: float = 1e-3) -> Analysis:
    if run.diverged:
        return Analysis(
            run, np.array([]), False, "the reconstruction diverged (no projection step)", math.nan, math.nan
        )
    sharp = run.sharpness * run.eta
    tail_s, tail_l = float(sharp[-TAIL:].max()), float(run.total_loss[-TAIL:].max())
    shrinking = run.log_w1[-1] < run.log_w1[-TAIL]
    why = ""
    if tail_l > eps:
        why = f"not settled in {len(sharp)} steps: tail loss {tail_l:.2e} > {eps:g}"
    elif not shrinking:
        why = "not settled: w1 still growing in the tail (a catapult is coming)"
    # A run whose parameters no longer move over the tail (and whose w1 is not growing) sits at a fixed point of
    # GD: a loss above eps there is above eps for every later step.
    still = max(float(np.ptp(run.a[-TAIL:])), float(np.ptp(run.w2[-TAIL:]))) <= 1e-13 * (1 + abs(float(run.a[-1])))
    stuck = bool(tail_l > eps and still and not (run.log_w1[-1] > run.log_w1[-TAIL]))
    return Analysis(run, sharp, not why, why, tail_s, tail_l, stuck)


@lru_cache(maxsize=8)  # a long run holds ~4 MB of states; shrinking revisits only the last few
def float_analysis(l2: float, a0: float, log_w1: float, w2: float) -> Analysis:
    """Run STEPS steps; if the run has not settled, once more with LONG_STEPS (a catapult toward the saddle
    a = 0 can take ~10^5 steps to escape). Only unsettled runs pay for the long budget."""
    an = analyse(model.simulate(a0, log_w1, w2, STEPS, l2=l2))
    if not an.settled and not an.run.diverged:
        an = analyse(model.simulate(a0, log_w1, w2, LONG_STEPS, l2=l2))
    return an


def mp_analysis(l2: float, a0: float, log_w1: float, w2: float) -> Analysis:
    """The same run (same length as the float run that decided) with mpmath numbers."""
    steps = len(float_analysis(l2, a0, log_w1, w2).run.a)
    with mpmath.workdps(RECHECK_DPS):
        mpf = mpmath.mpf
        run = model.simulate_scalar(
            mpf(a0), mpf(log_w1), mpf(w2), steps, l1=mpf(model.LAMBDA_1), l2=mpf(l2), eta=mpf(1) / 20
        )
    return analyse(run)


def eos_window(sharp_outer: np.ndarray, width: float = 0.01) -> tuple[int, int]:
    """Longest run of steps with |eta lambda_1 a^2 - 2| < width (the outer weight pinned at the threshold)."""
    mask = np.concatenate([[False], np.abs(sharp_outer - 2) < width, [False]]).astype(np.int8)
    edges = np.diff(mask)  # vectorised: a Python loop over 40000 steps is slow under Hypothesis' tracer
    starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
    if len(starts) == 0:
        return (0, 0)
    k = int(np.argmax(ends - starts))
    return int(starts[k]), int(ends[k])
