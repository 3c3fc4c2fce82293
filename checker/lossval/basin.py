"""The measured basin: how far above the threshold 2/eta can GD start and still converge?

Product-stability is local (small overshoots). Loss designers ask the global question: from which overshoot
sigma_0 (start at sharpness (2 + sigma_0)/eta on the minimiser's hyperbola, as in the simulations) do all
runs still converge? We measure it per eta: the largest sigma_0 on a bracket refined by batched grids
(``ROUNDS`` rounds of ``GRID`` overshoots, each with ``runs`` starts of random small offsets u_0, all in one
JAX batch per round) such that every run at that overshoot and at every smaller grid point converged.

This is a float64 measurement (CORROBORATED at most), valid under the stated step budget; a run that has
not converged within the budget counts as not converged. The two boundary cases (the last all-converging
overshoot, the first failing one) are replayed in mpmath where the replay is short enough.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from checker.certify.stability import Stability
from checker.lossval.result import EtaResult
from checker.lossval.simulation import MP_DPS, starts

SIGMA_MIN, SIGMA_MAX = 1e-3, 8.0
GRID = 12
ROUNDS = 3
MAX_REPLAY_STEPS = 3000  # mpmath costs ~1 ms per step: longer boundary runs are not replayed


@dataclass
class Basin:
    eta: float
    sigma_max: float | None  # largest overshoot with every run converged; None: not even SIGMA_MIN
    sigma_fail: float | None  # smallest overshoot where a run failed; None: none up to SIGMA_MAX
    runs_per_sigma: int
    steps: int
    evaluated: list[tuple[float, float]] = field(default_factory=list)  # (sigma_0, converged fraction)
    replays: list[dict[str, Any]] = field(default_factory=list)
    unsettled_below: float | None = None  # runs at this overshoot and below did not all settle within the budget
    fail_cause: str = ""  # at sigma_fail: "diverged" or "did not settle"

    @property
    def summary(self) -> str:
        low = (
            f"; at sigma_0 <= {self.unsettled_below:.3g} not every run settled within {self.steps} steps"
            if self.unsettled_below is not None
            else ""
        )
        if self.sigma_max is None:
            return f"no overshoot in [{SIGMA_MIN:g}, {SIGMA_MAX:g}] converged in every run ({self.steps} steps)"
        if self.sigma_fail is None:
            return f"every run converged up to sigma_0 = {SIGMA_MAX:g} (the largest tried): basin >= {SIGMA_MAX:g}{low}"
        return (
            f"all runs converge for sigma_0 up to {self.sigma_max:.4g}; at {self.sigma_fail:.4g} some "
            f"{self.fail_cause or 'do not converge'} ({self.runs_per_sigma} starts per overshoot, float64){low}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "eta": self.eta,
            "sigma_max": self.sigma_max,
            "sigma_fail": self.sigma_fail,
            "fail_cause": self.fail_cause,
            "unsettled_below": self.unsettled_below,
            "runs_per_sigma": self.runs_per_sigma,
            "steps": self.steps,
            "summary": self.summary,
            "evaluated": [{"sigma_0": s, "converged_fraction": f} for s, f in self.evaluated],
            "mp_replays": self.replays,
            "evidence": "float64 JAX (CORROBORATED at most), mpmath replays of the boundary",
        }


def measure_basin(loss: Any, st: Stability, er: EtaResult, *, runs: int, steps: int, seed: int) -> Basin:
    """The basin at one eta (module docstring)."""
    basin, boundary = basin_runs(loss, st, er, runs=runs, steps=steps, seed=seed)
    replay_boundary(loss, basin, boundary)
    return basin


def replay_boundary(loss: Any, basin: Basin, boundary: dict[str, Any]) -> None:
    """The mpmath replays of :func:`basin_runs`' boundary runs (none when no boundary was found)."""
    if boundary:
        basin.replays = _replay_boundary(loss, basin.eta, boundary["grad_tol"], boundary)


def basin_runs(
    loss: Any, st: Stability, er: EtaResult, *, runs: int, steps: int, seed: int
) -> tuple[Basin, dict[str, Any]]:
    """The float64 rounds alone, and the boundary runs to replay: JAX and numpy, no mpmath (whose precision is
    process-global), so the loss job runs this in a worker thread while the main thread replays in mpmath."""
    from checker.backends import jax_backend  # noqa: F401 - enables float64 before JAX is used
    from checker.simulate import executable_cache
    from checker.simulate.product_jax import simulate_product_batch

    z, a, eta = float(st.box.mid()), float(st.a.mid()), er.eta
    grad_tol = 1e-8 * max(1.0, abs(a) * math.sqrt(2 / (eta * a)))
    lo, hi = SIGMA_MIN, SIGMA_MAX
    ok_max: float | None = None
    fail_min: float | None = None
    evaluated: list[tuple[float, float]] = []
    last: dict[str, Any] = {}
    unsettled_below: float | None = None
    fail_cause = ""
    for rnd in range(ROUNDS):
        grid = (
            np.exp(np.linspace(math.log(lo), math.log(hi), GRID)) if rnd == 0 else np.linspace(lo, hi, GRID + 2)[1:-1]
        )
        xs, ys, owner = [], [], []
        for j, sigma in enumerate(grid):
            x0, y0, _ = starts(z, a, eta, runs, seed + 7919 * rnd + j, (float(sigma), float(sigma)))
            xs.append(x0)
            ys.append(y0)
            owner.append(np.full(runs, j))
        x0a, y0a, own = np.concatenate(xs), np.concatenate(ys), np.concatenate(owner)
        finite = np.isfinite(x0a) & np.isfinite(y0a)
        with executable_cache.saving():  # a cold `eoscheck loss` loads the compiled kernel whole (no tracing)
            res = simulate_product_batch(
                loss, np.where(finite, x0a, 0.0), np.where(finite, y0a, 0.0), eta, steps=steps, grad_tol=grad_tol
            )
        conv = res.converged & finite
        fracs = [float(conv[own == j].mean()) for j in range(GRID)]
        evaluated.extend(zip((float(s) for s in grid), fracs, strict=True))
        start = 0
        if rnd == 0:  # tiny overshoots may not settle within the budget: the basin starts where runs converge
            oks = [j for j in range(GRID) if fracs[j] == 1.0]
            if not oks:
                break
            start = oks[0]
            if start > 0:
                unsettled_below = float(grid[start - 1])
        bad = [j for j in range(start, GRID) if fracs[j] < 1.0]
        if not bad:
            ok_max = float(grid[-1]) if rnd == 0 else ok_max
            break
        first = bad[0]
        if first > 0:  # in round 0, first > start (grid[start] converged); later rounds refine inside the bracket
            ok_max = float(grid[first - 1])
            last = {"res": res, "own": own, "x0": x0a, "y0": y0a, "ok": first - 1, "bad": first}
        fail_min = float(grid[first])
        idx = own == first
        fail_cause = "diverged" if res.diverged[idx].any() else "did not settle"
        if ok_max is None:
            break
        lo, hi = ok_max, fail_min
    basin = Basin(eta, ok_max, fail_min, runs, steps, sorted(evaluated), unsettled_below=unsettled_below)
    basin.fail_cause = fail_cause
    return basin, ({**last, "grad_tol": grad_tol} if last else {})


def _replay_boundary(loss: Any, eta: float, grad_tol: float, last: dict[str, Any]) -> list[dict[str, Any]]:
    """Replay one run on each side of the boundary in mpmath (when short enough): same outcome as float64?"""
    from checker.simulate.product_mp import simulate_product_mp

    res, own = last["res"], last["own"]
    out: list[dict[str, Any]] = []
    for side, j in (("last converging overshoot", last["ok"]), ("first failing overshoot", last["bad"])):
        idx = np.flatnonzero(own == j)
        if side.startswith("first"):
            failing = idx[~res.converged[idx]]
            idx = failing if failing.size else idx
        i = int(idx[np.argmin(res.stop_step[idx])])
        status = "diverged" if res.diverged[i] else "converged" if res.converged[i] else "budget"
        if int(res.stop_step[i]) > MAX_REPLAY_STEPS:
            out.append({"side": side, "float64": status, "mpmath": None, "agrees": None, "why": "too long to replay"})
            continue
        traj = simulate_product_mp(
            loss,
            float(last["x0"][i]),
            float(last["y0"][i]),
            eta,
            steps=int(res.stop_step[i]) + 200,
            dps=MP_DPS,
            record_every=0,
            grad_tol=grad_tol,
        )
        out.append({"side": side, "float64": status, "mpmath": traj.status, "agrees": traj.status == status})
    return out
