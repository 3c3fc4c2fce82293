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
    "MAX_STEPS",
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
LONG_STEPS = 160000  # one continuation of an unsettled run (one compiled scan length)
MAX_STEPS = STEPS + 8 * LONG_STEPS  # the adaptive budget's cap
EOS_MIN = 2000  # an EoS phase shorter than this at the end of a run is continued (the phase claims need a window)
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
        if abs(float(run.a[-1])) < 0.05:
            why += f" (still escaping the saddle a = 0: a = {float(run.a[-1]):.2e}, w1 = e^{float(run.log_w1[-1]):.2f})"
    elif not shrinking:
        why = "not settled: w1 still growing in the tail (a catapult is coming)"
    # A run whose parameters no longer move over the tail (and whose w1 is not growing) sits at a fixed point of
    # GD: a loss above eps there is above eps for every later step.
    still = max(float(np.ptp(run.a[-TAIL:])), float(np.ptp(run.w2[-TAIL:]))) <= 1e-13 * (1 + abs(float(run.a[-1])))
    stuck = bool(tail_l > eps and still and not (run.log_w1[-1] > run.log_w1[-TAIL]))
    return Analysis(run, sharp, not why, why, tail_s, tail_l, stuck)


def _continued(run: model.Run, steps: int) -> model.Run:
    """The run continued by ``steps`` - 1 steps from its last state (the same map from the same floats, so the
    result is the run one long simulation would give)."""
    more = model.simulate(float(run.a[-1]), float(run.log_w1[-1]), float(run.w2[-1]), steps, l2=run.l2, eta=run.eta)
    return model.Run(
        np.concatenate([run.a, more.a[1:]]),
        np.concatenate([run.log_w1, more.log_w1[1:]]),
        np.concatenate([run.w2, more.w2[1:]]),
        run.l1,
        run.l2,
        run.eta,
    )


@lru_cache(maxsize=4)  # a long run holds up to ~30 MB of states; shrinking revisits only the last few
def float_analysis(l2: float, a0: float, log_w1: float, w2: float) -> Analysis:
    """Run STEPS steps, then, while the run has not settled (or ends inside an EoS phase shorter than EOS_MIN),
    continue it by LONG_STEPS at a time up to MAX_STEPS.

    Why the budget is adaptive: a catapult can throw GD next to the saddle a = 0 (loss ~ lambda_2/2), which
    it leaves only as w1 decays by the factor 1 - eta lambda_1 a^2 per step with a ~ lambda_2 w2/(lambda_1 w1^2)
    (tiny): thorough seeds 101 and 102 drew starts (the corner a0 = 0.45, w2_0 = 0.6, lambda_2 = 0.02) that
    escape after ~170000 steps and then settle at once. A fixed budget made those runs UNDECIDED. Only
    unsettled runs pay for the extension; a run still unsettled at MAX_STEPS stays UNDECIDED with the reason."""
    run = model.simulate(a0, log_w1, w2, STEPS, l2=l2)
    an = analyse(run)
    while (not an.settled or _eos_phase_cut(run)) and not an.run.diverged and not an.stuck and len(run.a) < MAX_STEPS:
        run = _continued(run, LONG_STEPS)
        an = analyse(run)
    return an


def _eos_phase_cut(run: model.Run) -> bool:
    """Whether the run ends inside a short EoS phase: the longest EoS window reaches the last step but is shorter
    than EOS_MIN. Thorough seeds 4, 8, 9 (LZDZ-RATE): a catapult to the saddle a = 0 delayed the EoS phase to step
    ~38500 of 40000, so the claims about that phase had no window to judge; the phase is there, the run was short."""
    if run.diverged:
        return False
    s, e = eos_window(run.eta * run.l1 * run.a**2)
    return e == len(run.a) and e - s < EOS_MIN


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
