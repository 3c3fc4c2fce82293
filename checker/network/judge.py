"""Judge a measured training run against the NET-* statements: each returns float Evidence with a signed margin.

Every judgement takes its band or constant as an argument, so a wrong band makes the margin negative (the tests
run such mutants). Floats can only CORROBORATE; a run that never reaches the regime a statement is about (no EoS
within the step budget, no point in the single-eigenvalue phase) is UNDECIDED, never evidence either way.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from checker import series
from checker.network.engine import LAMBDA2_JOIN, TrainResult
from checker.verdict import Evidence, EvidenceClass, Verdict

PRECISION = "float64 curvature (Lanczos on Hessian-vector products); GD in float32 until the first instability"


def _evidence(margin: float, summary: str, numbers: dict[str, Any], plots: dict[str, Any], what: str) -> Evidence:
    ok = math.isfinite(margin) and margin > 0
    return Evidence(
        Verdict.CORROBORATED if ok else Verdict.REFUTED,
        EvidenceClass.FLOAT,
        summary,
        numbers=numbers,
        series=plots,
        margin=margin,
        precision=PRECISION,
        counterexample=None if ok else {"run": what, **{k: v for k, v in numbers.items() if not isinstance(v, list)}},
    )


def _undecided(summary: str, numbers: dict[str, Any] | None = None, plots: dict[str, Any] | None = None) -> Evidence:
    return Evidence(
        Verdict.UNDECIDED, EvidenceClass.FLOAT, summary, numbers=numbers or {}, series=plots or {}, precision=PRECISION
    )


def sharpness_plot(res: TrainResult) -> dict[str, Any]:
    h, eta = res.history, res.config.eta
    return series.line(
        "sharpness: lambda_1, lambda_2 against 2/eta",
        h.sharp_step,
        {"lambda_1": h.lambda1, "lambda_2": h.lambda2},
        x_label="step",
        y_label="eigenvalue of the Hessian",
        hlines={"2/eta": 2 / eta, "1.9/eta": LAMBDA2_JOIN / eta},
    )


def loss_plot(res: TrainResult, max_points: int = 2000) -> dict[str, Any]:
    loss = np.asarray(res.history.loss)
    stride = max(1, math.ceil(loss.size / max_points))
    steps = np.arange(loss.size)[::stride]
    return series.line(
        "training loss", steps.tolist(), {"loss": loss[::stride].tolist()}, x_label="step", y_label="L", log_y=True
    )


def _events(res: TrainResult) -> dict[str, Any]:
    h = res.history
    return {
        "eta": res.config.eta,
        "steps": h.steps_done,
        "n_params": h.n_params,
        "eos_step": h.eos_step,
        "float64_from_step": h.switch_step,
        "lambda2_joins_step": h.lambda2_join_step,
        "diverged_step": h.diverged_step,
    }


def sharp_band(level: float, rel_tol: float) -> tuple[float, float]:
    """The band for eta S/2 that 'S settles at level/eta within rel_tol' means."""
    return level / 2 * (1 - rel_tol), level / 2 * (1 + rel_tol)


def sharpening_points(res: TrainResult, level: float, rel_tol: float, settle: int) -> dict[int, float]:
    """Step -> the pointwise margin of each judged measurement (the recheck re-measures the worst of them): every
    one from ``settle`` steps after EoS on must lie inside the band."""
    h, eta = res.history, res.config.eta
    lo, hi = sharp_band(level, rel_tol)
    out: dict[int, float] = {}
    assert h.eos_step is not None
    for t, lam in zip(h.sharp_step, h.lambda1, strict=True):
        if t >= h.eos_step + settle:
            out[t] = min(eta * lam / 2 - lo, hi - eta * lam / 2)
    return out


def sharpening(res: TrainResult, *, level: float = 2.0, rel_tol: float = 0.1, settle: int = 200) -> Evidence:
    """Progressive sharpening (eta S starts below ``level``), then S within ``rel_tol`` of ``level``/eta from
    ``settle`` steps after EoS on (the statement: level 2, rel_tol 0.1)."""
    h, eta = res.history, res.config.eta
    band = sharp_band(level, rel_tol)
    plots = {"sharpness": sharpness_plot(res)}
    numbers = _events(res) | {"level": level, "rel_tol": rel_tol, "band_eta_s_half": list(band), "settle_steps": settle}
    if h.eos_step is None:
        top = max(h.lambda1) * eta / 2 if h.lambda1 else float("nan")
        return _undecided(f"EoS not reached in {h.steps_done} steps (max eta S/2 = {top:.4f})", numbers, plots)
    s = np.asarray(h.lambda1) * eta / 2
    st = np.asarray(h.sharp_step)
    post = s[st >= h.eos_step + settle]
    if post.size < 3:
        return _undecided(
            f"EoS at step {h.eos_step}, but fewer than 3 measurements {settle} steps after it", numbers, plots
        )
    if s[0] >= level / 2:
        return _undecided(
            f"the run starts with eta S/2 = {s[0]:.4f}, at or above the claimed level: no sharpening phase, outside "
            "the statement's regime (a run started below 2/eta)",
            numbers,
            plots,
        )
    points = sharpening_points(res, level, rel_tol, settle)
    numbers |= {"eta_s_half_start": float(s[0]), "post_min": float(post.min()), "post_max": float(post.max())}
    summary = (
        f"eta S/2 rises from {s[0]:.3f} to 1 at step {h.eos_step}; from step {h.eos_step + settle} on it stays in "
        f"[{post.min():.4f}, {post.max():.4f}] (claimed: S = {level:g}/eta within {100 * rel_tol:g}%, i.e. eta S/2 "
        f"in [{band[0]:.4g}, {band[1]:.4g}])"
    )
    return _evidence(min(points.values()), summary, numbers, plots, "sharpening")


def loss_margin(ends: np.ndarray, first: float, last: float, min_factor: float, rises: bool) -> float:
    """The loss statement's margin from the window-end losses and the losses at EoS and at the end: some window
    rises (``rises``; a monotone-decrease claim if False) and the loss falls by more than ``min_factor`` overall."""
    if first <= 0 or last <= 0 or np.any(ends <= 0):
        return -math.inf
    fall = np.log(ends[:-1] / ends[1:])  # > 0 where a window falls
    shape = float(np.max(-fall)) if rises else float(np.min(fall))
    return min(shape, math.log(first / last / min_factor))


def loss_windows(res: TrainResult, window: int) -> list[int]:
    """The window ends after EoS (steps), or [] when there are fewer than 4 windows."""
    h = res.history
    if h.eos_step is None:
        return []
    n_win = (h.steps_done - h.eos_step) // window
    return [h.eos_step + k * window for k in range(n_win + 1)] if n_win >= 4 else []


def loss_decrease(res: TrainResult, *, window: int = 50, min_factor: float = 1.0, rises: bool = True) -> Evidence:
    """After EoS: the loss rises in some ``window``-step windows (``rises``), yet falls by more than ``min_factor``
    overall (the statement: rises, factor 1)."""
    h = res.history
    plots = {"loss": loss_plot(res)}
    numbers = _events(res) | {"window": window, "claimed_factor": min_factor, "claimed_rises": rises}
    if h.eos_step is None:
        return _undecided(f"EoS not reached in {h.steps_done} steps", numbers, plots)
    steps = loss_windows(res, window)
    if not steps:
        return _undecided(f"fewer than 4 windows of {window} steps after EoS (step {h.eos_step})", numbers, plots)
    loss = np.asarray(h.loss)
    ends = loss[steps]
    rising = float(np.mean(ends[1:] > ends[:-1]))
    first, last = float(loss[h.eos_step]), float(loss[-1])
    factor = first / last
    numbers |= {"rising_fraction": rising, "decrease_factor": factor, "loss_at_eos": first, "loss_at_end": last}
    claim = "some rise" if rises else "no window rises"
    summary = (
        f"after EoS the loss rises in {100 * rising:.0f}% of {len(steps) - 1} {window}-step windows and falls "
        f"{factor:.3g}x overall (claimed: {claim}, overall factor > {min_factor:g})"
    )
    return _evidence(loss_margin(ends, first, last, min_factor, rises), summary, numbers, plots, "loss")


def directional_plot(res: TrainResult) -> dict[str, Any]:
    d = res.history.details
    return series.line(
        "along the top eigenvector at EoS: alpha_u = 3 D3^2 - S D4 and D4",
        [p["step"] for p in d],
        {"alpha_u": [p["alpha_u"] for p in d], "D4": [p["d4"] for p in d]},
        x_label="step",
        y_label="value",
        hlines={"0": 0.0},
    )


def directional_margin(d2: float, d3: float, d4: float, d4_sign: float) -> float:
    """One point's margin: sign(D4) = d4_sign and alpha_u = 3 D3^2 - S D4 > 0, in units of S^2."""
    return min(d4_sign * d4, 3 * d3**2 - d2 * d4) / d2**2


def directional(res: TrainResult, *, d4_sign: float = -1.0) -> Evidence:
    """At every detail point after EoS: sign(D4) = ``d4_sign`` and alpha_u > 0 (RECONSTRUCTED reading)."""
    d = res.history.details
    plots = {"directional": directional_plot(res)}
    numbers = _events(res) | {"points": len(d)}
    if not d:
        return _undecided("no measured point after EoS (EoS not reached, or too late in the budget)", numbers, plots)
    d4 = np.array([p["d4"] for p in d])
    alpha = np.array([p["alpha_u"] for p in d])
    margin = min(directional_margin(p["d2"], p["d3"], p["d4"], d4_sign) for p in d)
    numbers |= {"d4": d4.tolist(), "alpha_u": alpha.tolist(), "d3": [p["d3"] for p in d]}
    word = "< 0" if d4_sign < 0 else "> 0"
    summary = (
        f"at {len(d)} points after EoS: D4 in [{d4.min():.4g}, {d4.max():.4g}] (claimed {word}), alpha_u in "
        f"[{alpha.min():.4g}, {alpha.max():.4g}] (claimed > 0); RECONSTRUCTED reading of Gan 2026a Fig. 5(c)"
    )
    return _evidence(margin, summary, numbers, plots, "directional")


def c1_margin(c1: float, eta: float, d2: float, sign: float) -> float:
    """One point's margin: sign(c1) = ``sign``, in units of eta S^2."""
    return sign * c1 / (eta * d2**2)


def c1_sign(res: TrainResult, *, rule: str = "positive", cutoff: float = 1e-6, sign: float = 1.0) -> Evidence:
    """sign(c1) = ``sign`` at every detail point under the H^+ ``rule`` and ``cutoff`` (relative to lambda_1)."""
    d = res.history.details
    key = f"{rule}:{cutoff:g}"
    numbers = _events(res) | {"rule": rule, "cutoff": cutoff}
    usable = [p for p in d if key in p["c1"]]
    if not usable:
        why = "no measured point after EoS" if not d else f"rule {key} not computed (needs a dense spectrum)"
        return _undecided(why, numbers)
    values = np.array([p["c1"][key]["c1"] for p in usable])
    numbers |= {
        "c1": values.tolist(),
        "steps_at": [p["step"] for p in usable],
        "hplus_method": [p["hplus_method"] for p in usable],
        "all_rules": [p["c1"] for p in usable],
    }
    flips: dict[str, int] = {}
    for p in usable:
        for k, v in p["c1"].items():
            flips.setdefault(k, 0)
            flips[k] += int(np.sign(v["c1"]) != np.sign(sign))
    numbers["points_with_other_sign_by_rule"] = flips
    margin = min(c1_margin(p["c1"][key]["c1"], res.config.eta, p["d2"], sign) for p in usable)
    others = ", ".join(f"{k}: {v}/{len(usable)}" for k, v in flips.items() if k != key)
    summary = (
        f"c1 = (eta/2) w^T H^+ w - (eta/6) D4 in [{values.min():.4g}, {values.max():.4g}] at {len(usable)} points, "
        f"H^+ over eigenvalues > {cutoff:g} lambda_1 ({rule} rule; claimed sign {'+' if sign > 0 else '-'}). "
        f"Points with the other sign under other rules: {others or 'none computed'}"
    )
    return _evidence(margin, summary, numbers, {"directional": directional_plot(res)}, "c1")


def projection_plot(res: TrainResult) -> dict[str, Any]:
    pts = [p for p in res.history.details if "projection" in p]
    return series.line(
        "Damian et al.'s projection: |x|/delta and eta S(theta_dagger)/2",
        [p["step"] for p in pts],
        {
            "|x|/delta": [p["projection"]["x_over_delta"] for p in pts],
            "eta S(theta_dagger)/2": [p["projection"]["s_dagger_eta_half"] for p in pts],
        },
        x_label="step",
        y_label="ratio",
        hlines={"1": 1.0},
    )


def projection(res: TrainResult, *, tol: float = 1e-3, target: float = 1.0) -> Evidence:
    """In the single-eigenvalue phase (lambda_2 < 1.9/eta), the projection lands on the stable set:
    |eta S(theta_dagger)/2 - ``target``| <= tol where eta S(theta)/2 >= 1, and u . grad L(theta_dagger) ~ 0."""
    h = res.history
    plots = {"projection": projection_plot(res), "sharpness": sharpness_plot(res)}
    pts = [p for p in h.details if "projection" in p]
    numbers = _events(res) | {"tol": tol, "points": len(pts)}
    if not pts:
        why = "no measured point after EoS" if not h.details else "lambda_2 >= 1.9/eta at every point after EoS"
        return _undecided(f"{why}: no point in the single-eigenvalue phase", numbers, plots)
    above = [p for p in pts if res.config.eta * p["lambda1"] / 2 >= 1.0]
    s_dag = np.array([p["projection"]["s_dagger_eta_half"] for p in above]) if above else np.array([])
    xd = np.array([p["projection"]["x_over_delta"] for p in pts])
    ortho = max(p["projection"]["u_dot_grad"] for p in pts)
    numbers |= {"x_over_delta": xd.tolist(), "s_dagger_eta_half": s_dag.tolist(), "max_u_dot_grad": ortho}
    if not above:
        return _undecided(
            "no single-eigenvalue point with eta S/2 >= 1 (the projection has nothing to do)", numbers, plots
        )
    margin = float(tol - np.max(np.abs(s_dag - target)))
    summary = (
        f"{len(above)} points before lambda_2 joins (step {h.lambda2_join_step}): eta S(theta_dagger)/2 in "
        f"[{s_dag.min():.6f}, {s_dag.max():.6f}] (claimed {target} +- {tol:g}); |x|/delta in "
        f"[{xd.min():.3g}, {xd.max():.3g}] (reported, not judged: it depends on the phase of the oscillation)"
    )
    return _evidence(margin, summary, numbers, plots, "projection")


def sqrt_ratio(
    res: TrainResult, *, constant: float = 0.5, rel_band: float = 0.1, from_fraction: float = 0.6
) -> Evidence:
    """GD on sqrt(L): (sqrt L_t + sqrt L_{t+1}) / (eta lambda_1(t)) within ``rel_band`` of ``constant`` over the last
    (1 - from_fraction) of the run (phase 2)."""
    h, eta = res.history, res.config.eta
    loss = np.asarray(h.loss)
    st = np.asarray(h.sharp_step)
    keep = (st < loss.size - 1) & (st >= from_fraction * h.steps_done)
    if not np.any(keep):
        return _undecided("no sharpness measurement in the last part of the run", _events(res))
    # Phase 2 is GD on sqrt(L) at its own edge of stability: lambda_1(Hess sqrt L) ~ lambda_1 / (2 sqrt L) reaches
    # 2/eta (the gradient term of Hess sqrt L is dropped). Judged only from there on, whatever the claimed constant.
    at_eos = np.nonzero(eta * np.asarray(h.lambda1) / (2 * np.sqrt(loss[np.minimum(st, loss.size - 1)])) >= 2.0)[0]
    if at_eos.size == 0 or st[at_eos[0]] > st[keep][0]:
        where = "never" if at_eos.size == 0 else f"only at step {st[at_eos[0]]}"
        return _undecided(
            f"GD on sqrt(L) reaches its edge of stability (eta lambda_1 / (2 sqrt L) >= 2) {where}, not before the "
            f"judged part of the run (from step {st[keep][0]}): phase 2 not reached",
            _events(res),
        )
    inside = st < loss.size - 1
    all_ratio = (np.sqrt(loss[st[inside]]) + np.sqrt(loss[st[inside] + 1])) / (eta * np.asarray(h.lambda1)[inside])
    steps = st[keep]
    ratio = all_ratio[keep[inside]]
    plots = {
        "ratio": series.line(
            "GD on sqrt(L): (sqrt L_t + sqrt L_t+1) / (eta lambda_1)",
            st[inside].tolist(),
            {"ratio": all_ratio.tolist()},
            x_label="step",
            y_label="ratio",
            hlines={"claimed": constant},
        )
    }
    numbers = _events(res) | {
        "ratio_min": float(ratio.min()),
        "ratio_max": float(ratio.max()),
        "points": int(ratio.size),
        "constant": constant,
        "rel_band": rel_band,
    }
    margin = float(rel_band - np.max(np.abs(ratio / constant - 1)))
    summary = (
        f"over steps {steps[0]}..{steps[-1]} the ratio lies in [{ratio.min():.4f}, {ratio.max():.4f}] "
        f"(claimed {constant} within {100 * rel_band:.0f}%)"
    )
    return _evidence(margin, summary, numbers, plots, "sqrt")
