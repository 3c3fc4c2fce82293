"""Vectorised sweep for DNL-PRED: the toy model's GD run and its sharpness prediction for many starts at once.

The check runs GD on the toy loss (RECONSTRUCTED form, open point O-4) for ``steps`` steps and judges, at
every step, 0 <= S - (2/eta + y) <= shift_bound beta x^2/(2/eta + y) by its worst relative slack. The sweep
runs the same map in numpy float64 for every start and computes the slack with the 2x2 top eigenvalue in
closed form, written without cancellation (S - A = b^2/(A/2 + sqrt(A^2/4 + b^2)) for [[A, b], [b, 0]]).
Starts the check rejects (a non-positive top curvature, or no step where the slack is resolvable in float64)
get +inf. The identity part of the claim is symbolic (PROVED) and is not swept.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from checker.sweep import Sweep

ROUNDING = 1e-6  # the check's allowance for eigvalsh rounding in S - A
PRED_SIZES = {"quick": 5_000, "ci": 30_000, "thorough": 300_000}
PRED_REASON = "each instance is an 800-step GD run with the sharpness judged at every step"


def draw_orbit_start(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
    """The properties' orbit-start strategy: eps, alpha, beta, r, v uniform, mapped to (eta, alpha, beta, x0, w0)."""
    eps, alpha, beta = rng.uniform(0.003, 0.03, n), rng.uniform(0.1, 4.0, n), rng.uniform(0.1, 4.0, n)
    r, v = rng.uniform(-2.0, 2.0, n), rng.uniform(-1.0, 1.0, n)
    return {
        "eta": eps / np.sqrt(2 * alpha),
        "alpha": alpha,
        "beta": beta,
        "x0": r * np.sqrt(2 * alpha / beta),
        "w0": v * np.sqrt(alpha / beta),
    }


def pred_margins(arr: Mapping[str, np.ndarray], steps: int, shift_bound: float) -> np.ndarray:
    eta, alpha, beta = arr["eta"], arr["alpha"], arr["beta"]
    sb = np.sqrt(beta)
    x, w = arr["x0"].astype(float), arr["w0"].astype(float)
    worst = np.full(x.shape, np.inf)
    positive = np.ones(x.shape, bool)
    for _ in range(steps):
        gx, gw = (2 / eta + sb * w) * x, sb * x * x / 2 - alpha / sb
        x, w = x - eta * gx, w - eta * gw
        big, off = 2 / eta + sb * w, sb * x
        positive &= big > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            err = off * off / (big / 2 + np.sqrt(big * big / 4 + off * off))
            unit = off * off / big
            slack = np.minimum(err, shift_bound * unit - err) / unit
        judged = unit > 1e-9 * big
        worst = np.where(judged, np.minimum(worst, slack), worst)
    return np.where(positive & np.isfinite(worst), worst + ROUNDING, np.inf)


def pred_sweep(steps: int, shift_bound: float) -> Sweep:
    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        return pred_margins(arr, steps, shift_bound)

    return Sweep(draw_orbit_start, margin, worst=3, sizes=PRED_SIZES, size_reason=PRED_REASON, chunk=10_000)


# ---- DNL-GEN-LIMIT -----------------------------------------------------------------------------------------
GEN_SIZES = {"quick": 500, "ci": 2_000, "thorough": 20_000}
GEN_REASON = "each instance is a run of 8 oscillation periods (up to 1e4 steps) of the generalised map"


def gen_limit_margins(arr: Mapping[str, np.ndarray], coef: float, tol: float) -> np.ndarray:
    """tol - |time-averaged (S - 2/eta) over the second half of 8 periods - coef c4 delta^2| / |coef c4 delta^2|,
    the map and the average exactly as the check's (same steps, same summation order)."""
    eps, alpha, beta, c4 = arr["eps"], arr["alpha"], arr["beta"], arr["c4"]
    eta = eps / np.sqrt(2 * alpha)
    delta = np.sqrt(2 * alpha / beta)
    x, y = delta * 1.05, -c4 * delta**2 / 6
    steps = (8 * 2 * np.pi / (eta * np.sqrt(2 * alpha))).astype(int)
    first = steps - (steps - steps // 2)  # the window is ss[len(ss) // 2:]
    total = np.zeros(x.shape)
    for t in range(int(steps.max())):
        inside = (t >= first) & (t < steps)
        total = np.where(inside, total + (y + c4 * x * x / 2), total)
        fprime = (2 / eta) * x + c4 * x**3 / 6
        x, y = x - eta * fprime - eta * x * y, y + eta * (alpha - beta * x * x / 2)
    shift = total / (steps - first)
    pred = coef * c4 * 2 * alpha / beta
    return np.asarray(tol - np.abs(shift - pred) / np.abs(pred), dtype=float)


def gen_limit_sweep(coef: float, tol: float) -> Sweep:
    def draw(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
        return {
            "eps": rng.uniform(0.005, 0.03, n),
            "alpha": rng.uniform(0.3, 3.0, n),
            "beta": rng.uniform(0.3, 3.0, n),
            "c4": rng.uniform(-3.0, -0.5, n),
        }

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        return gen_limit_margins(arr, coef, tol)

    return Sweep(draw, margin, worst=3, sizes=GEN_SIZES, size_reason=GEN_REASON)


# ---- DNL-L3 ------------------------------------------------------------------------------------------------
L3_SIZES = {"quick": 1_000, "ci": 3_000, "thorough": 30_000}
L3_REASON = "each instance is three runs of eq. (3) over three oscillation cycles (up to ~3e4 steps)"
L3_EPS = (0.02, 0.01, 0.005)  # eta sqrt(2 alpha), as the check
CYCLES = 2


def _invariant(x: np.ndarray, y: np.ndarray, alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    z = beta * x * x / (2 * alpha)
    return np.asarray(z - np.log(z) - 1 + y * y / alpha, dtype=float)


def drifts(x0: np.ndarray, eta: np.ndarray, alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Relative growth of the invariant g per cycle of eq. (3) between upward crossings of y (as
    checker.models.damian.drift_per_cycle, for every run at once; NaN where the budget runs out)."""
    y0 = np.zeros_like(x0)
    g0 = _invariant(x0, y0, alpha, beta)
    budget = ((CYCLES + 2) * (2 * np.pi / (eta * np.sqrt(2 * alpha))) * (2 + g0)).astype(int)
    out = np.full(x0.shape, np.nan)
    first = np.full(x0.shape, np.nan)
    seen = np.zeros(x0.shape, int)
    live = np.arange(x0.size)
    x, y = x0.copy(), y0
    t = 0
    while live.size:
        e, a, b = eta[live], alpha[live], beta[live]
        x1, y1 = -(1 + e * y) * x, y + e * (a - 0.5 * b * x * x)
        up = (y < 0) & (y1 >= 0)
        if up.any():
            g = _invariant(np.abs(x1[up]), y1[up], a[up], b[up])
            idx = live[up]
            first[idx] = np.where(seen[idx] == 0, g, first[idx])
            seen[idx] += 1
            last = seen[idx] == CYCLES + 1
            out[idx[last]] = (g[last] - first[idx[last]]) / (CYCLES * g0[idx[last]])
        t += 1
        keep = np.isnan(out[live]) & (t < budget[live])
        live, x, y = live[keep], x1[keep], y1[keep]
    return out


def l3_sweep(order: float, tol: float) -> Sweep:
    """DNL-L3's margin: tol - |fitted order of |drift per cycle| against eta - order| (+inf where a drift is
    not measurable: the check is undecided there)."""

    def draw(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
        low = rng.random(n) < 0.5  # the strategy's two ranges of r, about equally often
        r = np.where(low, rng.uniform(0.3, 0.8, n), rng.uniform(1.25, 2.5, n))
        return {"alpha": rng.uniform(0.2, 5.0, n), "beta": rng.uniform(0.2, 5.0, n), "r": r}

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        alpha, beta = np.repeat(arr["alpha"], 3), np.repeat(arr["beta"], 3)
        eta = np.tile(np.array(L3_EPS), arr["r"].size) / np.sqrt(2 * alpha)
        x0 = np.sqrt(2 * alpha / beta) * np.repeat(arr["r"], 3)
        dr = np.abs(drifts(x0, eta, alpha, beta)).reshape(-1, 3)
        lx = np.log(eta.reshape(-1, 3))
        ly = np.log(np.maximum(dr, 1e-300))
        xc = lx - lx.mean(axis=1, keepdims=True)
        slope = np.sum(xc * (ly - ly.mean(axis=1, keepdims=True)), axis=1) / np.sum(xc * xc, axis=1)
        measurable = np.all(np.isfinite(dr) & (dr > 0), axis=1)
        return np.where(measurable, tol - np.abs(slope - order), np.inf)

    return Sweep(draw, margin, worst=3, sizes=L3_SIZES, size_reason=L3_REASON)


# ---- DNL-SUPER-QUAD ----------------------------------------------------------------------------------------
SUPER_SIZES = {"quick": 300, "ci": 1_000, "thorough": 10_000}
SUPER_REASON = "each instance is a run of the quartic toy over three oscillation cycles (up to ~2e4 steps)"


def super_quad_sweep(coef: float, above: bool, tol: float) -> Sweep:
    """DNL-SUPER-QUAD's margin: min(tol - relative error of the cycle-averaged S - 2/eta against coef c4 delta^2,
    average / (c4 delta^2/3)) (``above``), or -average / (c4 delta^2/3) (the mutant), as the check; NaN where
    the orbit does not complete its cycles (ranked first: the check is undecided there, worth a look)."""
    from checker.sweep_kernels.damian import cycle_average_shifts

    def draw(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
        return {
            "eps": rng.uniform(0.004, 0.012, n),
            "alpha": rng.uniform(0.3, 3.0, n),
            "beta": rng.uniform(0.3, 3.0, n),
            "g": rng.uniform(0.03, 0.25, n),
            "amp": rng.uniform(0.002, 0.02, n),
        }

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        alpha, beta = arr["alpha"], arr["beta"]
        c4 = arr["g"] * beta / np.sqrt(2 * alpha)
        shift = cycle_average_shifts(arr["eps"], alpha, beta, c4, arr["amp"])
        scale = c4 * 2 * alpha / beta / 3
        pred = coef * c4 * 2 * alpha / beta
        if above:
            return np.asarray(np.minimum(tol - np.abs(shift - pred) / np.abs(pred), shift / scale), dtype=float)
        return np.asarray(-shift / scale, dtype=float)

    return Sweep(draw, margin, worst=3, sizes=SUPER_SIZES, size_reason=SUPER_REASON)


# ---- DNL-LONG-LOSS -----------------------------------------------------------------------------------------
LONG_SIZES = {"quick": 1_000, "ci": 5_000, "thorough": 50_000}
LONG_REASON = "each instance is a GD run over four oscillation cycles (up to ~3e4 steps)"


def long_loss_sweep(rate_factor: float, projected: bool, tol: float, cycles: int) -> Sweep:
    """DNL-LONG-LOSS's margin: min(tol - relative error of the long-timescale rate, the smallest per-cycle drop
    in units of the constrained rate), as the check; +inf where the loss never rose (outside the statement)
    and NaN (ranked first) where the cycles did not complete."""
    from checker.sweep_kernels.damian import cycle_end_losses

    def draw(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
        return {
            "eps": rng.uniform(0.005, 0.03, n),
            "alpha": rng.uniform(0.3, 3.0, n),
            "beta": rng.uniform(0.3, 3.0, n),
            "k": rng.uniform(0.5, 3.0, n),
            "r": rng.uniform(0.005, 0.03, n),
        }

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        alpha, beta = arr["alpha"], arr["beta"]
        gamma = np.sqrt(arr["k"] * alpha * alpha / beta)
        losses, times, rises = cycle_end_losses(arr["eps"], alpha, beta, gamma, arr["r"], cycles)
        eta = arr["eps"] / np.sqrt(2 * alpha)
        projected_rate = eta * gamma * gamma
        base = projected_rate if projected else eta * (gamma * gamma + alpha * alpha / beta)
        claimed = rate_factor * base
        rate = -(losses[:, -1] - losses[:, 0]) / (times[:, -1] - times[:, 0])
        err = np.abs(rate - claimed) / claimed
        drops = (losses[:, :-1] - losses[:, 1:]) / (projected_rate[:, None] * np.diff(times, axis=1))
        m = np.minimum(tol - err, drops.min(axis=1))
        return np.asarray(np.where(rises > 0, m, np.inf), dtype=float)

    return Sweep(draw, margin, worst=3, sizes=LONG_SIZES, size_reason=LONG_REASON)


# ---- DNL-T1 ------------------------------------------------------------------------------------------------
T1_SIZES = {"quick": 100, "ci": 300, "thorough": 3_000}
T1_REASON = "each instance is seven one-cycle runs of GD and eq. (3) (epsilon halved six times; up to ~7e3 steps)"


def t1_sweep(order: float, tol: float, eps0: float, force: float = 0.5) -> Sweep:
    """DNL-T1's margin: the settled coupling order - (order - tol), as the check; +inf where the order does not
    settle (the check is undecided there)."""
    from checker.sweep_kernels.damian import coupling_orders

    def draw(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
        sign = rng.choice([-1.0, 1.0], n)
        low = rng.random(n) < 0.5
        return {
            "eta": rng.uniform(0.01, 0.2, n),
            "beta": rng.uniform(0.3, 3.0, n),
            "p0": sign * rng.uniform(0.005, 0.05, n),
            "r": np.where(low, rng.uniform(0.3, 0.8, n), rng.uniform(1.25, 2.0, n)),
            "v": rng.uniform(-0.5, 0.5, n),
        }

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        eta, beta = arr["eta"], arr["beta"]
        kappa = 3 * beta * arr["p0"] * eta / eps0  # as the check's kappa_of
        fitted, decided = coupling_orders(eps0, eta, beta, kappa, arr["r"], arr["v"], force)
        return np.asarray(np.where(decided, fitted - (order - tol), np.inf), dtype=float)

    return Sweep(draw, margin, worst=3, sizes=T1_SIZES, size_reason=T1_REASON)
