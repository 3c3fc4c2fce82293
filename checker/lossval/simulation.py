"""Simulation evidence for one (minimiser, eta): batched float64 GD on l(xy) in JAX, a few mpmath replays.

Starts (the product-stability recipe, for any sign of z*): overshoots sigma_0 on a documented log grid
[SIGMA_LO, SIGMA_HI] above the threshold, each start on {x^2 + y^2 = s_0}, s_0 = (2 + sigma_0)/(eta a)
(i.e. limit sharpness (2 + sigma_0)/eta), with xy = z* + u_0, u_0 = +/- 10^U in [1e-7, 1e-5] drawn from a
seeded generator (x = (sqrt(s0 + 2z) + sqrt(s0 - 2z))/2, y = (sqrt(s0 + 2z) - sqrt(s0 - 2z))/2).

Each trajectory is classified converged (|grad L| <= grad_tol: float64 stalls near the minimum, so we
stop on the gradient), diverged (|xy| > 1e6 or non-finite) or oscillating (budget spent). The final
sharpness of converged runs is compared with GAN-A-NF's Lambert-W prediction at each start's sigma_0 (the
T4.3 limit is its r sigma_0 >> 1 value), with the tolerance |lambda - pred| <= 0.02 (2/eta - pred) +
1e-6, applied where r sigma_0 >= 1. Float evidence can only CORROBORATE; the mpmath replays (30 digits)
show that float64 rounding did not decide the outcome.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from checker.lossval.finite_eta import nf_final_sigma_array
from checker.models.product.starts import eos_start
from checker.progress import BatchProgress
from checker.verdict import Verdict

SIGMA_LO, SIGMA_HI = 0.01, 0.1
DEFAULT_RUNS = 10_000
DEFAULT_STEPS = 20_000
MP_REPLAYS = 1  # per eta; each costs ~1 ms per step in mpmath, the bulk of a cold start
MP_DPS = 30


@dataclass
class SimulationEvidence:
    eta: float
    runs: int
    steps: int
    converged_fraction: float
    diverged_fraction: float
    oscillating_fraction: float
    final_sharpness_median: float | None
    final_eta_sharpness_median: float | None
    predicted_agreement: float | None  # fraction of tolerance-regime converged runs within tolerance
    worst_gap_error: float | None  # max |lambda - pred| / (2/eta - pred) over those runs
    divergence_agreement: float | None  # fraction whose diverged/not matches GAN-A-NF (1 + r sigma_0 <= 0)
    verdict: Verdict  # of "every simulated run converges": CORROBORATED | REFUTED | UNDECIDED
    summary: str
    sharpness_samples: list[float] = field(default_factory=list)
    mp_replays: list[dict[str, Any]] = field(default_factory=list)


def convergence_verdict(
    runs: int, diverged: int, unsettled: int, steps: int, replays: list[dict[str, Any]]
) -> tuple[Verdict, str]:
    """The block's verdict on "GD converges from every simulated start".

    CORROBORATED only if every run converged and the mpmath replays agree; REFUTED when a run diverged and
    its mpmath replay diverged too (an independent re-check of the counterexample); otherwise UNDECIDED,
    saying how many runs diverged or did not settle within the step budget.
    """
    replay_ok = all(r["agrees"] for r in replays)
    if diverged == 0 and unsettled == 0:
        verdict = Verdict.CORROBORATED if replay_ok else Verdict.UNDECIDED
        return verdict, f"all {runs} runs converged" + ("" if replay_ok else " (but an mpmath replay disagreed)")
    confirmed = any(r["float64"]["status"] == "diverged" and r["mpmath"]["status"] == "diverged" for r in replays)
    parts = []
    if diverged:
        parts.append(f"{diverged} of {runs} runs diverged")
    if unsettled:
        parts.append(f"{unsettled} of {runs} did not settle within {steps} steps (more --steps would decide them)")
    text = "NOT all runs converged: " + ", ".join(parts)
    if diverged and confirmed:
        return Verdict.REFUTED, text + " (a divergence replayed in mpmath diverges too)"
    return Verdict.UNDECIDED, text


def starts(
    z_star: float,
    a: float,
    eta: float,
    runs: int,
    seed: int,
    sigma_range: tuple[float, float] = (SIGMA_LO, SIGMA_HI),
) -> tuple[np.ndarray, ...]:
    """(x0, y0, sigma0) per the module docstring."""
    rng = np.random.default_rng(seed)
    sigma0 = np.exp(np.linspace(math.log(sigma_range[0]), math.log(sigma_range[1]), runs))
    u0 = rng.choice([-1.0, 1.0], runs) * 10 ** rng.uniform(-7, -5, runs)
    x0, y0 = eos_start(z_star, a, eta, sigma0, u0=u0)
    return x0, y0, sigma0


@dataclass
class Batch:
    """The float runs of one (minimiser, eta), before their analysis: what :func:`run_batch` hands over."""

    x0: np.ndarray
    y0: np.ndarray
    sigma0: np.ndarray
    grad_tol: float
    result: Any  # product_jax.BatchResult; None when no start lies on the hyperbola


def simulate(
    loss: Any,
    z_star: float,
    a: float,
    p_flip: float,
    k: float,
    eta: float,
    *,
    runs: int = DEFAULT_RUNS,
    steps: int = DEFAULT_STEPS,
    seed: int = 0,
    mp_replays: int = MP_REPLAYS,
    sigma_range: tuple[float, float] = (SIGMA_LO, SIGMA_HI),
    progress: BatchProgress | None = None,
) -> SimulationEvidence:
    """The evidence block for one (minimiser, eta); ``progress(done, total)`` follows the float batch."""
    batch = run_batch(
        loss, z_star, a, eta, runs=runs, steps=steps, seed=seed, sigma_range=sigma_range, progress=progress
    )
    return evidence(loss, batch, p_flip, k, eta, runs=runs, steps=steps, seed=seed, mp_replays=mp_replays)


def run_batch(
    loss: Any,
    z_star: float,
    a: float,
    eta: float,
    *,
    runs: int = DEFAULT_RUNS,
    steps: int = DEFAULT_STEPS,
    seed: int = 0,
    sigma_range: tuple[float, float] = (SIGMA_LO, SIGMA_HI),
    progress: BatchProgress | None = None,
) -> Batch:
    """The float64 runs alone (JAX and numpy, no mpmath: the loss job runs this in a worker thread while the
    main thread replays the previous eta in mpmath, whose precision is process-global)."""
    from checker.backends import jax_backend  # noqa: F401 - enables float64 before JAX is used
    from checker.simulate import executable_cache
    from checker.simulate.product_jax import simulate_product_batch

    x0, y0, sigma0 = starts(z_star, a, eta, runs, seed, sigma_range)
    if not (np.all(np.isfinite(x0)) and np.all(np.isfinite(y0))):
        return Batch(x0, y0, sigma0, 0.0, None)
    # |grad L| ~ a sqrt(s) |u|: stopping at 1e-8 leaves a sharpness change O(u^2), far below the tolerance
    grad_tol = 1e-8 * max(1.0, abs(a) * math.sqrt(2 / (eta * a)))
    with executable_cache.saving():  # a cold `eoscheck loss` loads the compiled kernel whole (no tracing)
        res = simulate_product_batch(loss, x0, y0, eta, steps=steps, grad_tol=grad_tol, progress=progress)
    return Batch(x0, y0, sigma0, grad_tol, res)


def evidence(
    loss: Any,
    batch: Batch,
    p_flip: float,
    k: float,
    eta: float,
    *,
    runs: int = DEFAULT_RUNS,
    steps: int = DEFAULT_STEPS,
    seed: int = 0,
    mp_replays: int = MP_REPLAYS,
) -> SimulationEvidence:
    """The analysis of a :func:`run_batch` result against GAN-A-NF, with its mpmath replays."""
    if batch.result is None:
        return _empty(eta, runs, steps, "s_0 < 2|z*| for these overshoots: no start on the hyperbola")
    x0, y0, sigma0, grad_tol, res = batch.x0, batch.y0, batch.sigma0, batch.grad_tol, batch.result
    conv, div = res.converged, res.diverged
    osc = res.oscillating
    lam = res.sharpness
    preds = (2 + nf_final_sigma_array(p_flip, k, sigma0)) / eta
    will_diverge = np.isnan(preds)
    r = 4 * p_flip / k if k > 0 else 0.0
    regime = conv & ~will_diverge & (r * sigma0 >= 1)
    agreement = worst = None
    if regime.any():
        gap = 2 / eta - preds[regime]
        err = np.abs(lam[regime] - preds[regime])
        ok = err <= 0.02 * gap + 1e-6
        agreement = float(ok.mean())
        worst = float(np.max(err / gap))
    decisive = np.abs(1 + r * sigma0) >= 0.5  # away from GAN-A-NF's divergence boundary 1 + r sigma_0 = 0
    div_agree = float(np.mean(div[decisive] == will_diverge[decisive])) if decisive.any() else None
    med = float(np.median(lam[conv])) if conv.any() else None
    replays = _replays(loss, x0, y0, eta, res, mp_replays, grad_tol)
    replay_ok = all(r["agrees"] for r in replays)
    n_div, n_osc = int(div.sum()), int(osc.sum())
    verdict, summary = convergence_verdict(runs, n_div, n_osc, steps, replays)
    if agreement is not None:
        summary += (
            f"; final sharpness within 0.02 (2/eta - pred) + 1e-6 of the GAN-A-NF prediction in {agreement:.1%} of "
            f"{int(regime.sum())} runs with r sigma_0 >= 1 (worst error {worst:.3g} of the gap)"
        )
    elif conv.any():
        e = np.abs(lam[conv] - preds[conv]) / (2 / eta - preds[conv])
        summary += f"; median error vs GAN-A-NF {float(np.median(e)):.3g} of the gap (mirror regime, r sigma_0 < 1)"
    if p_flip < 0 and div_agree is not None:
        summary += (
            f"; divergence matches GAN-A-NF (1 + r sigma_0 <= 0) in {div_agree:.1%} of the {int(decisive.sum())} "
            "runs with |1 + r sigma_0| >= 0.5"
        )
    if not replay_ok:
        summary += "; an mpmath replay disagreed with float64"
    rng = np.random.default_rng(seed + 1)
    sample_idx = np.flatnonzero(conv)
    if sample_idx.size > 500:
        sample_idx = rng.choice(sample_idx, 500, replace=False)
    return SimulationEvidence(
        eta=eta,
        runs=runs,
        steps=steps,
        converged_fraction=float(conv.mean()),
        diverged_fraction=float(div.mean()),
        oscillating_fraction=float(osc.mean()),
        final_sharpness_median=med,
        final_eta_sharpness_median=None if med is None else med * eta,
        predicted_agreement=agreement,
        worst_gap_error=worst,
        divergence_agreement=div_agree,
        verdict=verdict,
        summary=summary,
        sharpness_samples=[float(v) for v in lam[sample_idx]],
        mp_replays=replays,
    )


def _replays(
    loss: Any, x0: np.ndarray, y0: np.ndarray, eta: float, res: Any, n: int, grad_tol: float
) -> list[dict[str, Any]]:
    """Replay the n fastest-finishing float runs in mpmath (50 digits): same status, same final sharpness."""
    from checker.simulate.product_mp import simulate_product_mp

    if n <= 0:
        return []
    order = list(np.argsort(res.stop_step)[:n])
    diverged = np.flatnonzero(res.diverged)
    if diverged.size and not any(res.diverged[i] for i in order):
        order.append(int(diverged[np.argmin(res.stop_step[diverged])]))  # re-check one divergence, the fastest
    out = []
    for i in order:
        budget = int(res.stop_step[i]) + 200
        traj = simulate_product_mp(
            loss, float(x0[i]), float(y0[i]), eta, steps=budget, dps=MP_DPS, record_every=0, grad_tol=grad_tol
        )
        float_status = "diverged" if res.diverged[i] else "converged" if res.converged[i] else "budget"
        mp_lam = None if traj.final_sharpness is None else float(traj.final_sharpness)
        agrees = traj.status == float_status or (float_status == "budget" and traj.status == "budget")
        if agrees and mp_lam is not None and float_status == "converged":
            agrees = abs(mp_lam - float(res.sharpness[i])) <= 1e-6 * max(1.0, abs(mp_lam))
        out.append(
            {
                "index": int(i),
                "float64": {
                    "status": float_status,
                    "sharpness": float(res.sharpness[i]),
                    "steps": int(res.stop_step[i]),
                },
                "mpmath": {"status": traj.status, "sharpness": mp_lam, "steps": traj.steps, "dps": MP_DPS},
                "agrees": bool(agrees),
            }
        )
    return out


def _empty(eta: float, runs: int, steps: int, why: str) -> SimulationEvidence:
    return SimulationEvidence(eta, runs, steps, 0.0, 0.0, 0.0, None, None, None, None, None, Verdict.UNDECIDED, why)
