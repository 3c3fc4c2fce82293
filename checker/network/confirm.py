"""The recheck decisions of the NET-* statements: given a float violation, re-measure its worst points by the
methods of recheck.py and decide again with the statement's own constants.

Each function takes the same constants as its judgement in judge.py and returns REFUTED only where the dense
measurement violates the statement too (with its residual interval); otherwise UNDECIDED with the reason, which the
runner reports as an unconfirmed float counterexample. A point whose parameters were not stored (a network too
large for a dense Hessian, a resumed checkpoint) cannot be rechecked: UNDECIDED.
"""

from __future__ import annotations

import math
from typing import Any

import jax
import numpy as np

from checker.network import judge, recheck
from checker.network.engine import TrainResult
from checker.verdict import Evidence, EvidenceClass, Verdict

jnp = jax.numpy


def _decide(margins: dict[int, float], numbers: dict[str, Any], what: str, summary: str) -> Evidence:
    """REFUTED iff some re-measured point's margin (worst case over its interval) is negative."""
    numbers = {"recheck_method": recheck.METHOD, "rechecked_steps": sorted(margins), **numbers}
    numbers["recheck_margins"] = {str(t): m for t, m in margins.items()}
    worst = min(margins.values()) if margins else math.nan
    if margins and worst < 0:
        return Evidence(
            Verdict.REFUTED,
            EvidenceClass.FLOAT,
            f"{summary}; confirmed by the independent recheck ({what})",
            numbers=numbers,
            margin=worst,
            precision=recheck.METHOD,
            counterexample={"run": what, "steps": sorted(t for t, m in margins.items() if m < 0)},
        )
    why = "no stored parameters at the decisive points" if not margins else "the dense re-measurement holds"
    return Evidence(
        Verdict.UNDECIDED, EvidenceClass.FLOAT, f"recheck ({what}): {why}", numbers=numbers, precision=recheck.METHOD
    )


def _top_interval(res: TrainResult, step: int, kind: str = "theta") -> tuple[float, float] | None:
    """[lambda_1 - r, lambda_1 + r] of the dense Hessian at a stored point, or None if it was not stored."""
    store = res.snapshots if kind == "theta" else res.daggers
    theta = store.get(step)
    if theta is None:
        return None
    top = recheck.dense_top(res, theta, (kind, step))
    lam, r = float(top.values[0]), float(top.residuals[0])
    return lam - r, lam + r


def sharpening(res: TrainResult, *, level: float = 2.0, rel_tol: float = 0.1, settle: int = 200) -> Evidence:
    eta = res.config.eta
    if res.history.eos_step is None:
        return _decide({}, {}, "sharpening", "EoS not reached")
    points = judge.sharpening_points(res, level, rel_tol, settle)
    lo, hi = judge.sharp_band(level, rel_tol)
    margins: dict[int, float] = {}
    dense: dict[str, list[float]] = {}
    for t in recheck.worst(points):
        iv = _top_interval(res, t)
        if iv is None:
            continue
        a, b = eta * iv[0] / 2, eta * iv[1] / 2
        dense[str(t)] = [a, b]
        # worst case over the interval: the point violates only if every value in [a, b] does
        mid = min(max((lo + hi) / 2, a), b)  # the value of [a, b] closest to the band's centre
        margins[t] = min(mid - lo, hi - mid)
        if margins[t] < 0:
            break  # one confirmed point refutes a statement about every point
    summary = f"dense eta S/2 at steps {sorted(margins)}: {dense} (band [{lo:.4g}, {hi:.4g}])"
    return _decide(margins, {"dense_eta_s_half": dense}, "sharpening", summary)


def loss_decrease(res: TrainResult, *, window: int = 50, min_factor: float = 1.0, rises: bool = True) -> Evidence:
    h = res.history
    steps = judge.loss_windows(res, window)
    need = [*steps, h.steps_done]
    if not steps or any(t not in res.snapshots for t in need):
        return _decide({}, {}, "loss", "parameters not stored")
    assert h.eos_step is not None
    vals = {t: recheck.loss64(res, res.snapshots[t]) for t in need}
    ends = np.array([vals[t] for t in steps])
    margin = judge.loss_margin(ends, vals[h.eos_step], vals[h.steps_done], min_factor, rises)
    drift = max(abs(vals[t] - h.loss[t]) / abs(h.loss[t]) for t in need)
    numbers = {"recomputed_losses": len(need), "max_relative_difference_to_run": drift}
    summary = f"float64 losses recomputed at {len(need)} stored points (max relative difference {drift:.2g})"
    return _decide({h.eos_step: margin}, numbers, "loss", summary)


def _detail_points(res: TrainResult, margins: dict[int, float]) -> list[tuple[int, np.ndarray]]:
    return [(t, res.snapshots[t]) for t in recheck.worst(margins) if t in res.snapshots]


def directional(res: TrainResult, *, d4_sign: float = -1.0) -> Evidence:
    floats = {p["step"]: judge.directional_margin(p["d2"], p["d3"], p["d4"], d4_sign) for p in res.history.details}
    margins: dict[int, float] = {}
    found: dict[str, list[float]] = {}
    for t, theta in _detail_points(res, floats):
        top = recheck.dense_top(res, theta, ("theta", t))
        d2, d3, d4 = recheck.line_derivatives(res, theta, top.vectors[:, 0])
        found[str(t)] = [d2, d3, d4]
        margins[t] = judge.directional_margin(d2, d3, d4, d4_sign)
        if margins[t] < 0:
            break
    return _decide(margins, {"dense_d2_d3_d4": found}, "directional", f"(D2, D3, D4) re-measured: {found}")


def c1_sign(res: TrainResult, *, rule: str = "positive", cutoff: float = 1e-6, sign: float = 1.0) -> Evidence:
    key = f"{rule}:{cutoff:g}"
    if rule != "positive":
        return _decide({}, {}, "c1", "only the positive H^+ rule is rechecked")
    eta = res.config.eta
    floats = {
        p["step"]: judge.c1_margin(p["c1"][key]["c1"], eta, p["d2"], sign)
        for p in res.history.details
        if key in p["c1"]
    }
    margins: dict[int, float] = {}
    found: dict[str, list[float]] = {}
    for t, theta in _detail_points(res, floats):
        top = recheck.full_or_top(res, theta, ("theta", t), k=20)
        u = top.vectors[:, 0]
        d2, _, d4 = recheck.line_derivatives(res, theta, u)
        w = recheck.third_derivative_vector(res, theta, u)
        lo, hi = recheck.hplus_interval(top, w, cutoff)
        c1_lo, c1_hi = eta / 2 * lo - eta / 6 * d4, eta / 2 * hi - eta / 6 * d4
        found[str(t)] = [c1_lo, c1_hi]
        margins[t] = max(judge.c1_margin(c, eta, d2, sign) for c in (c1_lo, c1_hi))
        if margins[t] < 0:
            break
    return _decide(margins, {"dense_c1_interval": found}, "c1", f"c1 re-measured as intervals: {found}")


def projection(res: TrainResult, *, tol: float = 1e-3, target: float = 1.0) -> Evidence:
    eta = res.config.eta
    floats = {
        p["step"]: tol - abs(p["projection"]["s_dagger_eta_half"] - target)
        for p in res.history.details
        if "projection" in p and eta * p["lambda1"] / 2 >= 1.0
    }
    margins: dict[int, float] = {}
    found: dict[str, list[float]] = {}
    for t in recheck.worst(floats):
        iv = _top_interval(res, t, kind="dagger")
        if iv is None:
            continue
        a, b = eta * iv[0] / 2, eta * iv[1] / 2
        found[str(t)] = [a, b]
        margins[t] = tol - abs(min(max(target, a), b) - target)
        if margins[t] < 0:
            break
    summary = f"dense eta S(theta_dagger)/2 at steps {sorted(margins)}: {found} (claimed {target} +- {tol:g})"
    return _decide(margins, {"dense_s_dagger_eta_half": found}, "projection", summary)


def sqrt_ratio(
    res: TrainResult, *, constant: float = 0.5, rel_band: float = 0.1, from_fraction: float = 0.6
) -> Evidence:
    h, eta = res.history, res.config.eta
    loss = np.asarray(h.loss)
    floats: dict[int, float] = {}
    for t, lam in zip(h.sharp_step, h.lambda1, strict=True):
        if from_fraction * h.steps_done <= t < loss.size - 1:
            ratio = (math.sqrt(loss[t]) + math.sqrt(loss[t + 1])) / (eta * lam)
            floats[t] = rel_band - abs(ratio / constant - 1)
    grad = jax.jit(jax.grad(lambda th: jnp.sqrt(res.flat.loss64(th))))
    margins: dict[int, float] = {}
    found: dict[str, list[float]] = {}
    for t in recheck.worst(floats):
        theta = res.snapshots.get(t)
        iv = _top_interval(res, t)
        if theta is None or iv is None:
            continue
        nxt = theta - eta * np.asarray(grad(jnp.asarray(theta)))  # one float64 GD step on sqrt(L)
        num = math.sqrt(recheck.loss64(res, theta)) + math.sqrt(recheck.loss64(res, nxt))
        ratios = [num / (eta * iv[1]), num / (eta * iv[0])]
        found[str(t)] = ratios
        margins[t] = rel_band - abs(min(max(constant, ratios[0]), ratios[1]) / constant - 1)
        if margins[t] < 0:
            break
    summary = f"ratio re-measured (dense lambda_1, recomputed losses): {found} (claimed {constant} +- {rel_band:g})"
    return _decide(margins, {"dense_ratio": found}, "sqrt", summary)
