"""Batched numerics for the Arora et al. (2022) sweeps: GD on sqrt L, normalised GD and the limiting flow.

Each function runs the map of ``checker.models.arora`` (the constructed test problem L(u) = ((u1 u2 - 1)^2 +
(u1 u3 - 2)^2)/2, and NGD on a diagonal quadratic) for every instance at once, in numpy float64 or one
batched JAX float64 loop, and returns the claim's margin as its check computes it (same steps, same formulas).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from checker.models.arora import START

WINDOW = 21  # the judged states: the last 20 pairs


def _run(x: np.ndarray, y: np.ndarray, l1: np.ndarray, l2: np.ndarray, eta: np.ndarray, n: int) -> np.ndarray:
    """n NGD steps for every instance; the last WINDOW states, shape (2, WINDOW, len)."""
    out = np.empty((2, WINDOW, x.size))
    with np.errstate(divide="ignore", invalid="ignore"):  # a run landing on the minimiser becomes NaN: +inf below
        for t in range(n):
            if t >= n + 1 - WINDOW:
                out[0, t - (n + 1 - WINDOW)], out[1, t - (n + 1 - WINDOW)] = x, y
            gx, gy = l1 * x, l2 * y
            s = eta / np.sqrt(gx * gx + gy * gy)
            x, y = x - s * gx, y - s * gy
    out[0, -1], out[1, -1] = x, y
    return out


def quad_margins(arr: Mapping[str, np.ndarray], constant: float, steps: int, tol: float, align: float) -> np.ndarray:
    """The check's margin for every instance (+inf where the sweep's extensions do not align the run)."""
    l1, eta = arr["l1"], arr["eta"]
    l2 = arr["ratio"] * l1
    x, y = arr["x1"].astype(float), arr["x2"].astype(float)
    out = np.full(x.shape, np.inf)
    todo = np.arange(x.size)
    done_steps = 0
    for n in (steps, 4 * steps, 16 * steps):
        win = _run(x, y, l1[todo], l2[todo], eta[todo], n - done_steps)
        scale = eta[todo] * l1[todo]
        off = np.max(np.abs(l2[todo] * win[1]), axis=0) / scale
        norms = np.sqrt((l1[todo] * win[0]) ** 2 + (l2[todo] * win[1]) ** 2)
        dev = np.max(np.abs(norms[:-1] + norms[1:] - constant * scale), axis=0) / scale
        sum_tol = tol + 10 * off
        aligned = off <= max(tol, align)
        out[todo[aligned]] = ((sum_tol - dev) / sum_tol)[aligned]
        keep = ~aligned & np.isfinite(off)
        todo, x, y = todo[keep], win[0, -1][keep], win[1, -1][keep]
        done_steps = n
        if not todo.size:
            break
    return out


# ---- ALP-P1 ------------------------------------------------------------------------------------------------


def _sqrt_l(u1: np.ndarray, u2: np.ndarray, u3: np.ndarray) -> np.ndarray:
    """sqrt L of the test problem L(u) = ((u1 u2 - 1)^2 + (u1 u3 - 2)^2)/2 (checker.models.arora.loss)."""
    r1, r2 = u1 * u2 - 1.0, u1 * u3 - 2.0
    return np.asarray(np.sqrt(0.5 * (r1 * r1 + r2 * r2)), dtype=float)


def hitting_times(u: tuple[np.ndarray, np.ndarray, np.ndarray], eta: np.ndarray, c_eta: float) -> np.ndarray:
    """Steps of GD on sqrt L until sqrt L <= c_eta eta, for every instance; -1 where L failed to decrease or
    the check's budget 60/eta ran out first (the check's refutation)."""
    u1, u2, u3 = (v.astype(float).copy() for v in u)
    hits = np.zeros(eta.shape)
    live = np.arange(eta.size)
    prev = _sqrt_l(u1, u2, u3)
    t = 0
    while live.size:
        h = eta[live]
        going = prev > c_eta * h
        hits[live[~going]] = t
        live, u1, u2, u3, prev, h = (v[going] for v in (live, u1, u2, u3, prev, h))
        if not live.size:
            break
        r1, r2 = u1 * u2 - 1.0, u1 * u3 - 2.0
        s = h / (2.0 * prev)
        u1, u2, u3 = u1 - s * (r1 * u2 + r2 * u3), u2 - s * (r1 * u1), u3 - s * (r2 * u1)
        cur = _sqrt_l(u1, u2, u3)
        t += 1
        bad = ~(cur < prev) | (t > (60 / h).astype(int))
        hits[live[bad]] = -1
        keep = ~bad
        live, u1, u2, u3, prev = live[keep], u1[keep], u2[keep], u3[keep], cur[keep]
    return hits


def p1_margins(arr: Mapping[str, np.ndarray], expected_order: float, tolerance: float, c_eta: float) -> np.ndarray:
    """ALP-P1's margin: tolerance - |fitted slope of log T against log eta + expected_order| over eta0 .. eta0/8
    (-1 where a run broke Phase 1), as the check."""
    etas = arr["eta0"][:, None] / 2.0 ** np.arange(4)  # (n, 4)
    u = tuple(np.repeat(arr[k], 4) for k in ("u1", "u2", "u3"))
    hits = hitting_times((u[0], u[1], u[2]), etas.ravel(), c_eta).reshape(etas.shape)
    x = np.log(etas)
    y = np.log(np.maximum(hits, 1.0))
    xc = x - x.mean(axis=1, keepdims=True)
    slope = np.sum(xc * (y - y.mean(axis=1, keepdims=True)), axis=1) / np.sum(xc * xc, axis=1)
    m = tolerance - np.abs(slope + expected_order)
    return np.where(np.any(hits < 0, axis=1), -1.0, m)


# ---- ALP-P2-ID ---------------------------------------------------------------------------------------------


def _grad(u1: np.ndarray, u2: np.ndarray, u3: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r1, r2 = u1 * u2 - 1.0, u1 * u3 - 2.0
    return r1 * u2 + r2 * u3, r1 * u1, r2 * u1, 0.5 * (r1 * r1 + r2 * r2)


def _lambda_1(u1: np.ndarray, u2: np.ndarray, u3: np.ndarray) -> np.ndarray:
    """Top eigenvalue of the test problem's Hessian (checker.models.arora.hessian_rows), trigonometric form."""
    r1, r2 = u1 * u2 - 1.0, u1 * u3 - 2.0
    a, b, c = u2 * u2 + u3 * u3, r1 + u1 * u2, r2 + u1 * u3
    d = u1 * u1  # the two lower diagonal entries; the (1, 2) entry is 0
    m = (a + 2 * d) / 3
    p2 = (a - m) ** 2 + 2 * (d - m) ** 2 + 2 * (b * b + c * c)
    p = np.sqrt(p2 / 6)
    safe = np.where(p > 0, p, 1.0)
    det = ((a - m) * (d - m) ** 2 - b * b * (d - m) - c * c * (d - m)) / safe**3
    phi = np.arccos(np.clip(det / 2, -1.0, 1.0)) / 3
    return np.asarray(np.where(p > 0, m + 2 * p * np.cos(phi), m), dtype=float)


def p2_id_margins(
    arr: Mapping[str, np.ndarray], constant: float, ngd_constant: float, min_order: float, window: int
) -> np.ndarray:
    """ALP-P2-ID's margin: the fitted order of the 95th-percentile deviation of (sqrt L_t + sqrt L_t+1)/claimed
    over the window after 4/eta steps, against eta0, eta0/2, eta0/4, minus ``min_order`` (as the check)."""
    n = arr["eta0"].size
    etas = (arr["eta0"][:, None] / np.array([1.0, 2.0, 4.0])).ravel()
    ngd = np.repeat(arr["rule"] == "ngd", 3)
    u1, u2, u3 = (np.repeat(START[i] + arr[k], 3) for i, k in enumerate(("d1", "d2", "d3")))
    start = np.round(4 / etas).astype(int)
    rec = np.empty((3, window + 1, etas.size))
    cols = np.arange(etas.size)
    with np.errstate(divide="ignore", invalid="ignore"):
        for t in range(int(start.max()) + window + 1):
            k = t - start
            on = (k >= 0) & (k <= window)
            for i, v in enumerate((u1, u2, u3)):
                rec[i, k[on], cols[on]] = v[on]
            g1, g2, g3, loss = _grad(u1, u2, u3)
            s = np.where(ngd, etas / np.sqrt(g1 * g1 + g2 * g2 + g3 * g3), etas / (2.0 * np.sqrt(loss)))
            u1, u2, u3 = u1 - s * g1, u2 - s * g2, u3 - s * g3
    roots = np.sqrt(_grad(rec[0], rec[1], rec[2])[3])
    lam = _lambda_1(rec[0, :-1], rec[1, :-1], rec[2, :-1])
    scale = np.where(ngd, etas * ngd_constant * np.sqrt(lam / 2), etas * lam * constant)
    dev = np.sort(np.abs((roots[:-1] + roots[1:]) / scale - 1.0), axis=0)[int(0.95 * window)].reshape(n, 3)
    x = np.log(etas.reshape(n, 3))
    y = np.log(np.maximum(dev, 1e-300))
    xc = x - x.mean(axis=1, keepdims=True)
    slope = np.sum(xc * (y - y.mean(axis=1, keepdims=True)), axis=1) / np.sum(xc * xc, axis=1)
    return np.asarray(slope - min_order, dtype=float)


# ---- ALP-P2-RATE -------------------------------------------------------------------------------------------


def _flow_rhs(t: np.ndarray, ngd: np.ndarray, const: np.ndarray) -> np.ndarray:
    """checker.models.arora.flow_rhs, elementwise (the rule per element)."""
    dlam = 2.0 * t - 10.0 / t**3
    dlam = np.where(ngd, dlam / (t * t + 5.0 / (t * t)), dlam)
    return -const * dlam / (1.0 + 5.0 / t**4)


def _flow_t(t0: np.ndarray, tau: np.ndarray, ngd: np.ndarray, const: np.ndarray, dtau: float = 1e-3) -> np.ndarray:
    """checker.models.arora.flow_t (classical RK4, ceil(tau/dtau) steps of tau/n), elementwise."""
    n = np.maximum(1, np.ceil(tau / dtau)).astype(int)
    h = tau / n
    t = t0.copy()
    for i in range(int(n.max())):
        on = i < n
        k1 = _flow_rhs(t, ngd, const)
        k2 = _flow_rhs(t + 0.5 * h * k1, ngd, const)
        k3 = _flow_rhs(t + 0.5 * h * k2, ngd, const)
        k4 = _flow_rhs(t + h * k3, ngd, const)
        t = np.where(on, t + h * (k1 + 2 * k2 + 2 * k3 + k4) / 6.0, t)
    return t


def _phi_t(u1: np.ndarray, u2: np.ndarray, u3: np.ndarray) -> np.ndarray:
    c = u1 * u1 - u2 * u2 - u3 * u3
    return np.asarray(np.sqrt((c + np.sqrt(c * c + 20.0)) / 2.0), dtype=float)


def _gd_phi(
    u: tuple[np.ndarray, np.ndarray, np.ndarray], eta: np.ndarray, ngd: np.ndarray, start: np.ndarray, n: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Phi's coordinate t after ``start`` and after ``start + n`` steps of the element's rule: one batched JAX
    float64 loop (an element stops stepping after its own count)."""
    import jax
    import jax.numpy as jnp

    from checker.backends import jax_backend  # noqa: F401  (float64 on)

    def body(t: Any, c: tuple[Any, ...]) -> tuple[Any, ...]:
        u1, u2, u3, t0 = c
        c0 = u1 * u1 - u2 * u2 - u3 * u3
        t0 = jnp.where(t == start_j, jnp.sqrt((c0 + jnp.sqrt(c0 * c0 + 20.0)) / 2.0), t0)
        r1, r2 = u1 * u2 - 1.0, u1 * u3 - 2.0
        g1, g2, g3 = r1 * u2 + r2 * u3, r1 * u1, r2 * u1
        loss = 0.5 * (r1 * r1 + r2 * r2)
        s = jnp.where(ngd_j, eta_j / jnp.sqrt(g1 * g1 + g2 * g2 + g3 * g3), eta_j / (2.0 * jnp.sqrt(loss)))
        s = jnp.where(t < end_j, s, 0.0)
        return u1 - s * g1, u2 - s * g2, u3 - s * g3, t0

    eta_j, ngd_j = jnp.asarray(eta), jnp.asarray(ngd)
    start_j, end_j = jnp.asarray(start), jnp.asarray(start + n)
    init = (*(jnp.asarray(v, dtype=jnp.float64) for v in u), jnp.zeros(eta.shape))
    u1, u2, u3, t0 = jax.lax.fori_loop(0, int((start + n).max()) + 1, body, init)
    return np.asarray(t0), _phi_t(np.asarray(u1), np.asarray(u2), np.asarray(u3))


def p2_rate_margins(
    arr: Mapping[str, np.ndarray], sqrt_constant: float, ngd_constant: float, k_eta: float, tau: float, order: int
) -> np.ndarray:
    """ALP-P2-RATE's margin: the smallest (k_eta eta^order - err)/(k_eta eta^order) over eta0, eta0/2, eta0/4,
    err the error of Phi's coordinate against the limiting flow relative to the distance it travels."""
    etas = (arr["eta0"][:, None] / np.array([1.0, 2.0, 4.0])).ravel()
    ngd = np.repeat(arr["rule"] == "ngd", 3)
    u = tuple(np.repeat(START[i] + arr[k], 3) for i, k in enumerate(("d1", "d2", "d3")))
    start, n = np.round(5 / etas).astype(int), np.round(tau / etas**2).astype(int)
    t0, t_gd = _gd_phi((u[0], u[1], u[2]), etas, ngd, start, n)
    const = np.where(ngd, ngd_constant, sqrt_constant)
    t_flow = _flow_t(t0, n * etas**2, ngd, const)
    err = np.abs(t_gd - t_flow) / np.maximum(np.abs(t_flow - t0), 1e-3)
    bound = k_eta * etas**order
    return np.asarray(np.min(((bound - err) / bound).reshape(-1, 3), axis=1), dtype=float)


# ---- ALP-P2-SHARP ------------------------------------------------------------------------------------------
SHARP_LEVELS = 6  # eta0, eta0/2, ..., eta0/32, as the check


def _window_drop(
    u: tuple[np.ndarray, np.ndarray, np.ndarray], eta: np.ndarray, ngd: np.ndarray, start: np.ndarray, n: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(drop of lambda_1 at Phi(x_t), drop of sqrt L_t + sqrt L_t+1) over steps start .. start + n of every
    instance's rule, in one batched JAX float64 loop (padded to a bucket: few compiled shapes)."""
    import jax.numpy as jnp

    from checker.backends import jax_backend  # noqa: F401  (float64 on)
    from checker.simulate import chunking

    size = eta.size
    padded = chunking.bucket(size)
    out = _sharp_kernel()(*(jnp.asarray(chunking.pad(v, padded)) for v in (*u, eta, ngd, start, start + n)))
    lam_drop, pair_drop = (np.asarray(v)[:size] for v in out)
    return lam_drop, pair_drop


@lru_cache(maxsize=1)
def _sharp_kernel() -> Any:
    import jax
    import jax.numpy as jnp

    def step(u1: Any, u2: Any, u3: Any, eta: Any, ngd: Any) -> tuple[Any, Any, Any, Any]:
        r1, r2 = u1 * u2 - 1.0, u1 * u3 - 2.0
        g1, g2, g3 = r1 * u2 + r2 * u3, r1 * u1, r2 * u1
        loss = 0.5 * (r1 * r1 + r2 * r2)
        s = jnp.where(ngd, eta / jnp.sqrt(g1 * g1 + g2 * g2 + g3 * g3), eta / (2.0 * jnp.sqrt(loss)))
        return u1 - s * g1, u2 - s * g2, u3 - s * g3, loss

    def read(u1: Any, u2: Any, u3: Any, eta: Any, ngd: Any) -> tuple[Any, Any]:
        """lambda_1 on Gamma at Phi(u), and sqrt L(u) + sqrt L(step(u)) (the check's lam and pair)."""
        c = u1 * u1 - u2 * u2 - u3 * u3
        t2 = (c + jnp.sqrt(c * c + 20.0)) / 2.0
        v1, v2, v3, loss = step(u1, u2, u3, eta, ngd)
        r1, r2 = v1 * v2 - 1.0, v1 * v3 - 2.0
        return t2 + 5.0 / t2, jnp.sqrt(loss) + jnp.sqrt(0.5 * (r1 * r1 + r2 * r2))

    def run(u1: Any, u2: Any, u3: Any, eta: Any, ngd: Any, start: Any, end: Any) -> tuple[Any, Any]:
        def body(t: Any, c: tuple[Any, ...]) -> tuple[Any, ...]:
            u1, u2, u3, lam0, pair0, lam1, pair1 = c
            lam, pair = read(u1, u2, u3, eta, ngd)
            lam0, pair0 = jnp.where(t == start, lam, lam0), jnp.where(t == start, pair, pair0)
            lam1, pair1 = jnp.where(t == end, lam, lam1), jnp.where(t == end, pair, pair1)
            v1, v2, v3, _ = step(u1, u2, u3, eta, ngd)
            going = t < end
            return (
                jnp.where(going, v1, u1),
                jnp.where(going, v2, u2),
                jnp.where(going, v3, u3),
                lam0,
                pair0,
                lam1,
                pair1,
            )

        zero = jnp.zeros_like(u1)
        init = (u1, u2, u3, zero, zero, zero, zero)
        _, _, _, lam0, pair0, lam1, pair1 = jax.lax.fori_loop(0, jnp.max(end) + 1, body, init)
        return lam0 - lam1, pair0 - pair1

    return jax.jit(run)


def p2_sharp_margins(
    arr: Mapping[str, np.ndarray], order: float, tol: float, stable: float, sqrt_direction: int
) -> np.ndarray:
    """ALP-P2-SHARP's margin, as the check: the drop of lambda_1 at Phi(x_t) per step over tau = 1 (from step
    5/eta) at eta0, eta0/2, ... until two consecutive local orders agree within ``stable``; margin
    min((tol - |last order - order|)/tol, +-1 for the direction of sqrt L), -1 once a rate is not positive; +inf
    where the orders did not settle in six etas (the check is undecided there). Only the instances still
    undecided run the next, smaller eta."""
    size = arr["eta0"].size
    ngd = arr["rule"] == "ngd"
    u = tuple(START[i] + arr[k] for i, k in enumerate(("d1", "d2", "d3")))
    rates = np.full((size, SHARP_LEVELS), np.nan)
    sqrt_ok = np.ones(size, bool)
    level = np.zeros(size, int)  # the last level run
    todo = np.arange(size)
    for k in range(SHARP_LEVELS):
        if not todo.size:
            break
        eta = arr["eta0"][todo] / 2**k
        start, n = np.round(5 / eta).astype(int), np.round(1 / eta**2).astype(int)
        lam_drop, pair_drop = _window_drop((u[0][todo], u[1][todo], u[2][todo]), eta, ngd[todo], start, n)
        rates[todo, k] = lam_drop / n
        sqrt_ok[todo] &= sqrt_direction * pair_drop > 0
        level[todo] = k
        with np.errstate(all="ignore"):
            orders = np.log2(rates[todo, :-1] / rates[todo, 1:])  # local orders so far (NaN beyond level k)
        settled = (k >= 2) & (np.abs(orders[:, k - 1] - orders[:, max(k - 2, 0)]) <= stable)
        todo = todo[~((rates[todo, k] <= 0) | settled)]
    with np.errstate(all="ignore"):
        orders = np.log2(rates[:, :-1] / rates[:, 1:])
    rows = np.arange(size)
    decreasing = np.all(~(rates <= 0), axis=1)  # NaN: a level not run
    last, before = orders[rows, np.maximum(level - 1, 0)], orders[rows, np.maximum(level - 2, 0)]
    settled = (level >= 2) & (np.abs(last - before) <= stable)
    fitted = np.where(level >= 1, last, np.nan)
    rate_margin = np.where(decreasing, (tol - np.abs(fitted - order)) / tol, -1.0)
    margin = np.minimum(rate_margin, np.where(sqrt_ok, 1.0, -1.0))
    return np.asarray(np.where(decreasing & ~settled, np.inf, margin), dtype=float)
