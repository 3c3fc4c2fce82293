"""Full-batch gradient descent on a JAX loss with sharpness tracking: the measurements the NET-* checks judge.

Why spread: right after the first crossing the oscillation along u starts from rounding level (about 1e-12 in
float64) and needs hundreds of steps to grow, so points only just after EoS see |x| << delta.

Precision: GD runs in float32 until the first instability (the first chunk in which the loss rises, or the first
sharpness measurement with eta * lambda_1 / 2 >= 0.95) and in float64 from then on; every curvature quantity
(lambda_1, lambda_2, D3, D4, c1, the projection) is computed in float64. Why: float32 is 2-3x faster while
nothing is delicate, but at the Edge of Stability the oscillation along the top eigenvector is what is measured.

Sharpness: Lanczos on Hessian-vector products, warm-started from the last top eigenvectors, every ``far_every``
steps while eta * lambda_1 / 2 < ``near`` and every ``near_every`` steps above it (adaptive frequency).

After EoS (eta * lambda_1 / 2 >= 1 first measured), up to ``max_detail`` detail points, spread evenly over the rest
of the budget (at least ``detail_every`` steps apart), record D2, D3, D4 along u, alpha_u, c1 under the H^+ rules,
and, while lambda_2 < 1.9/eta, Damian et al.'s projection theta_dagger.

A killed run resumes from its checkpoint (``np.savez`` of theta, step and history) when called again with the same
checkpoint path and the same settings.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import jax
import numpy as np

import checker.backends.jax_backend  # noqa: F401  (the project's import path: enables x64)
from checker.network import spectral
from checker.network.flat import FlatLoss, NetworkInputError

jnp = jax.numpy

SWITCH_AT = 0.95  # eta * lambda_1 / 2 at which float32 gives way to float64 (if the loss has not risen before)
LAMBDA2_JOIN = 1.9  # eta * lambda_2 >= 1.9: the single-eigenvalue phase is over (Damian et al.'s stopping rule)


@dataclass(frozen=True)
class EngineConfig:
    eta: float
    steps: int
    objective: str = "loss"  # "loss": GD on L; "sqrt": GD on sqrt(L) (Arora et al.)
    chunk: int = 10  # GD steps per compiled scan
    lanczos_k: int = 20
    far_every: int = 100
    near_every: int = 10
    near: float = 0.9
    detail_every: int = 150
    settle: int = 50  # steps after EoS before the first detail point
    max_detail: int = 6
    spread_details: bool = True  # space detail points evenly over what is left of the budget (at least detail_every)
    dense_max: int = 4000  # largest n for which a dense Hessian spectrum is computed (c1 cutoff study)
    dense_points: int = 1  # how many detail points get the dense spectrum
    hplus_top: int = 20  # eigenpairs in the truncated positive-part H^+ when no dense spectrum is computed
    cutoffs: tuple[float, ...] = (1e-2, 1e-4, 1e-6)
    project_steps: int = 3
    progress_every: int = 500
    checkpoint_every: int = 1000
    seed: int = 0

    def fingerprint(self) -> str:
        keep = {k: v for k, v in asdict(self).items() if k not in ("steps", "progress_every", "checkpoint_every")}
        return json.dumps(keep, sort_keys=True)


@dataclass
class History:
    """Everything measured (JSON-ready lists; the report carries it)."""

    n_params: int = 0
    loss: list[float] = field(default_factory=list)  # L(theta_t), t = 0..steps
    sharp_step: list[int] = field(default_factory=list)
    lambda1: list[float] = field(default_factory=list)
    lambda2: list[float] = field(default_factory=list)
    residual1: list[float] = field(default_factory=list)
    details: list[dict[str, Any]] = field(default_factory=list)
    switch_step: int | None = None  # first float64 step
    eos_step: int | None = None
    lambda2_join_step: int | None = None
    diverged_step: int | None = None
    gd_seconds: float = 0.0
    sharp_seconds: float = 0.0
    detail_seconds: float = 0.0
    sharp_evals: int = 0

    @property
    def steps_done(self) -> int:
        return max(len(self.loss) - 1, 0)


@dataclass
class TrainResult:
    config: EngineConfig
    history: History
    theta: np.ndarray
    flat: FlatLoss
    # float64 parameters at every sharpness measurement and every chunk end from the EoS onset on (step -> theta),
    # and the projected points theta_dagger (step -> theta_dagger): what the independent recheck (recheck.py)
    # re-measures. Kept only where a dense Hessian is affordable (n <= dense_max); not written to reports.
    snapshots: dict[int, np.ndarray] = field(default_factory=dict)
    daggers: dict[int, np.ndarray] = field(default_factory=dict)
    dense_cache: dict[tuple[str, int], Any] = field(default_factory=dict, repr=False, compare=False)  # recheck.py

    def params(self) -> Any:
        """The final parameters as the user's pytree (float64 leaves)."""
        return self.flat.unravel64(jnp.asarray(self.theta))


def _scan_fn(loss: Callable[[Any], Any], eta: float, objective: str, length: int) -> Callable[[Any], Any]:
    def obj(theta: Any) -> Any:
        value = loss(theta)
        return jnp.sqrt(value) if objective == "sqrt" else value

    vg = jax.value_and_grad(obj)

    def body(theta: Any, _: Any) -> tuple[Any, Any]:
        _, g = vg(theta)
        return theta - eta * g, loss(theta)

    def run(theta: Any) -> Any:
        return jax.lax.scan(body, theta, None, length=length)

    return jax.jit(run)


class _Progress:
    def __init__(self, every: int, total: int, enabled: bool) -> None:
        self.every, self.total, self.enabled = every, total, enabled
        self.next = every
        self.t0 = time.perf_counter()

    def maybe(self, step: int, hist: History, eta: float) -> None:
        if not self.enabled or step < self.next:
            return
        self.next = (step // self.every + 1) * self.every
        rate = step / max(time.perf_counter() - self.t0, 1e-9)
        s = f"{eta * hist.lambda1[-1] / 2:.4f}" if hist.lambda1 else "-"
        phase = "float64" if hist.switch_step is not None else "float32"
        print(
            f"network: step {step}/{self.total}  loss {hist.loss[-1]:.6g}  eta*S/2 {s}  {phase}  {rate:.0f} steps/s",
            file=sys.stderr,
            flush=True,
        )


def _save(path: Path, theta: np.ndarray, hist: History, cfg: EngineConfig) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        np.savez(fh, theta=theta, step=hist.steps_done, history=json.dumps(asdict(hist)), config=cfg.fingerprint())
    os.replace(tmp, path)


def _load(path: Path, cfg: EngineConfig, n: int) -> tuple[np.ndarray, History] | None:
    if not path.is_file():
        return None
    with np.load(path, allow_pickle=False) as data:
        if str(data["config"]) != cfg.fingerprint():
            raise NetworkInputError(f"checkpoint {path} was written with other settings; delete it or use another path")
        theta = np.asarray(data["theta"], dtype=np.float64)
        hist = History(**json.loads(str(data["history"])))
    if theta.size != n:
        raise NetworkInputError(f"checkpoint {path} holds {theta.size} parameters, the model has {n}")
    return theta, hist


def train(
    flat: FlatLoss,
    cfg: EngineConfig,
    *,
    progress: bool = False,
    checkpoint: str | Path | None = None,
) -> TrainResult:
    """Run GD for ``cfg.steps`` steps (or resume a checkpoint) and measure as the module docstring says."""
    if cfg.objective not in ("loss", "sqrt"):
        raise NetworkInputError(f"objective must be 'loss' or 'sqrt', not {cfg.objective!r}")
    ckpt = Path(checkpoint) if checkpoint is not None else None
    curv = spectral.make_curvature(flat.loss64)
    hist = History(n_params=flat.n)
    theta = np.asarray(flat.theta0, dtype=np.float64)
    if ckpt is not None:
        loaded = _load(ckpt, cfg, flat.n)
        if loaded is not None:
            theta, hist = loaded
    if not hist.loss:
        hist.loss.append(float(curv.loss(jnp.asarray(theta))))
    scans: dict[tuple[str, int], Callable[[Any], Any]] = {}
    keep = flat.n <= cfg.dense_max
    snaps: dict[int, np.ndarray] = {}
    state: dict[str, Any] = {"start": None, "next_detail": None, "dense_left": cfg.dense_points, "daggers": {}}
    if hist.lambda1:
        state["start"] = None
    bar = _Progress(cfg.progress_every, cfg.steps, progress)
    last_measure = hist.sharp_step[-1] if hist.sharp_step else -(10**9)
    last_ckpt = hist.steps_done
    t = hist.steps_done
    if t == 0 or not hist.sharp_step:
        _measure(curv, theta, cfg, hist, state, t)
        last_measure = t
        if keep:
            snaps[t] = theta.copy()
    while t < cfg.steps and hist.diverged_step is None:
        dtype = "float64" if hist.switch_step is not None else "float32"
        n = min(cfg.chunk, cfg.steps - t)
        key = (dtype, n)
        if key not in scans:
            scans[key] = _scan_fn(flat.loss(dtype), cfg.eta, cfg.objective, n)
        t0 = time.perf_counter()
        new, losses = scans[key](jnp.asarray(theta, dtype=jnp.float32 if dtype == "float32" else jnp.float64))
        new_np = np.asarray(new, dtype=np.float64)
        losses_np = np.asarray(losses, dtype=np.float64)
        hist.gd_seconds += time.perf_counter() - t0
        end_loss = float(curv.loss(jnp.asarray(new_np)))
        # losses[0] is L(theta_t), already recorded; losses[1:] and the end value are new
        seq = [*losses_np[1:].tolist(), end_loss]
        if not all(math.isfinite(v) for v in seq) or not np.all(np.isfinite(new_np)):
            hist.diverged_step = t + next((i for i, v in enumerate(seq) if not math.isfinite(v)), n - 1) + 1
            break
        rising = any(b > a for a, b in zip([hist.loss[-1], *seq[:-1]], seq, strict=True))
        hist.loss.extend(seq)
        theta = new_np
        t += n
        if hist.switch_step is None and rising:
            hist.switch_step = t
        near = bool(hist.lambda1) and cfg.eta * hist.lambda1[-1] / 2 >= cfg.near
        due_detail = state["next_detail"] is not None and t >= state["next_detail"]
        if t - last_measure >= (cfg.near_every if near else cfg.far_every) or due_detail or t >= cfg.steps:
            _measure(curv, theta, cfg, hist, state, t)
            last_measure = t
            if keep:
                snaps[t] = theta.copy()
        elif keep and hist.eos_step is not None:
            snaps[t] = theta.copy()
        bar.maybe(t, hist, cfg.eta)
        if ckpt is not None and t - last_ckpt >= cfg.checkpoint_every:
            _save(ckpt, theta, hist, cfg)
            last_ckpt = t
    if ckpt is not None:
        _save(ckpt, theta, hist, cfg)
    return TrainResult(cfg, hist, theta, flat, snaps, state["daggers"] if keep else {})


def _measure(
    curv: spectral.Curvature, theta: np.ndarray, cfg: EngineConfig, hist: History, state: dict[str, Any], t: int
) -> None:
    t0 = time.perf_counter()
    eig = spectral.top_eigen(curv, theta, k=cfg.lanczos_k, top=2, start=state["start"])
    hist.sharp_seconds += time.perf_counter() - t0
    hist.sharp_evals += 1
    l1, l2 = float(eig.values[0]), float(eig.values[1]) if eig.values.size > 1 else float("nan")
    u1 = eig.vectors[:, 0]
    state["start"] = u1 + (0.5 * eig.vectors[:, 1] if eig.vectors.shape[1] > 1 else 0.0)
    hist.sharp_step.append(t)
    hist.lambda1.append(l1)
    hist.lambda2.append(l2)
    hist.residual1.append(float(eig.residuals[0]))
    if hist.switch_step is None and cfg.eta * l1 / 2 >= SWITCH_AT:
        hist.switch_step = t
    if hist.eos_step is None and cfg.eta * l1 / 2 >= 1.0:
        hist.eos_step = t
        state["next_detail"] = t + cfg.settle
        spread = (cfg.steps - t - cfg.settle) // max(cfg.max_detail, 1) if cfg.spread_details else 0
        state["detail_every"] = max(cfg.detail_every, spread)
    if hist.lambda2_join_step is None and cfg.eta * l2 >= LAMBDA2_JOIN:
        hist.lambda2_join_step = t
    if state["next_detail"] is not None and t >= state["next_detail"] and len(hist.details) < cfg.max_detail:
        t1 = time.perf_counter()
        hist.details.append(_detail(curv, theta, cfg, eig, state, t))
        hist.detail_seconds += time.perf_counter() - t1
        every = state.get("detail_every", cfg.detail_every)
        state["next_detail"] = t + every if len(hist.details) < cfg.max_detail else None


def _detail(
    curv: spectral.Curvature, theta: np.ndarray, cfg: EngineConfig, eig: spectral.Eigen, state: dict[str, Any], t: int
) -> dict[str, Any]:
    """D2, D3, D4, alpha_u, c1 under the H^+ rules, and the projection, at one point after EoS."""
    u = eig.vectors[:, 0]
    th = jnp.asarray(theta)
    point = spectral.directional(curv, theta, u)
    w = np.asarray(curv.grad_s(th, jnp.asarray(u)))
    l1, l2 = float(eig.values[0]), float(eig.values[1])
    out: dict[str, Any] = {
        "step": t,
        "lambda1": l1,
        "lambda2": l2,
        "d2": point.d2,
        "d3": point.d3,
        "d4": point.d4,
        "alpha_u": point.alpha_u,
        "grad_s_norm": float(np.linalg.norm(w)),
    }
    # c1 with H^+ on the positive eigenvalues: dense spectrum where affordable, else the top hplus_top eigenpairs.
    # The truncated positive sum is a lower bound of the full one (every dropped term is >= 0), so a positive c1
    # from it stays positive with the full positive part.
    c1: dict[str, Any] = {}
    if flat_n(theta) <= cfg.dense_max and state["dense_left"] > 0:
        state["dense_left"] -= 1
        hess = spectral.dense_hessian(curv.loss, theta)
        evals, evecs = np.linalg.eigh(hess)
        coeffs = evecs.T @ w
        for rule in (spectral.POSITIVE_RULE, spectral.ABS_RULE):
            for cut in cfg.cutoffs:
                q, kept = spectral.hplus_from_spectrum(evals, coeffs, rule=rule, cutoff=cut)
                c1[f"{rule}:{cut:g}"] = {"c1": spectral.c1_value(cfg.eta, q, point.d4), "kept": kept, "wHw": q}
        out["negative_eigenvalues"] = int(np.count_nonzero(evals < -1e-12 * abs(evals).max()))
        out["hplus_method"] = "dense spectrum"
    else:
        top = spectral.top_eigen(curv, theta, k=min(2 * cfg.hplus_top + 10, flat_n(theta)), top=cfg.hplus_top, start=u)
        for cut in cfg.cutoffs:
            q, kept = spectral.hplus_from_spectrum(
                top.values, top.vectors.T @ w, rule=spectral.POSITIVE_RULE, cutoff=cut
            )
            c1[f"positive:{cut:g}"] = {"c1": spectral.c1_value(cfg.eta, q, point.d4), "kept": kept, "wHw": q}
        out["hplus_method"] = f"top {cfg.hplus_top} eigenpairs (truncated positive part: a lower bound)"
    out["c1"] = c1
    if cfg.eta * l2 < LAMBDA2_JOIN:
        proj = spectral.project(curv, theta, cfg.eta, start=u, steps=cfg.project_steps, k=cfg.lanczos_k)
        state["daggers"][t] = np.asarray(proj.theta_dagger, dtype=np.float64)
        out["projection"] = {
            "x": proj.x,
            "delta": proj.delta,
            "x_over_delta": abs(proj.x) / proj.delta if proj.delta > 0 else float("nan"),
            "s_dagger_eta_half": cfg.eta * proj.s_dagger / 2,
            "loss_gap": proj.loss_gap,
            "quadratic_gap": proj.s_dagger * proj.x**2 / 2,
            "u_dot_grad": proj.u_dot_grad,
        }
    return out


def flat_n(theta: np.ndarray) -> int:
    return int(np.asarray(theta).size)
