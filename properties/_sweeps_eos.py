"""Vectorised sweeps for the EoS-convergence theorems on l(xy) (GAN-A-T4.2, GAN-A-T4.3).

Each drawn instance is one GD run from the Edge-of-Stability start (or five, one per learning rate, for
GAN-A-T4.3) to convergence; the sweep runs all of them in one batched JAX float64 call per loss with a step
budget far below the check's (it only ranks instances: a run still moving at the budget is scored by where
it is). Since every instance is a long simulation, the sweeps draw fewer than the profile's default N and
say so in the report. The margins follow the checks' sign conventions; the worst instances then go through
the full check (3e6-step run) and its mpmath recheck, which alone decide.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from checker.models.gan_losses import STABLE, SUBCRITICAL, TABLE
from checker.models.product import normal_form as nf
from checker.models.product.starts import eos_start
from checker.simulate.eos_runs import GRAD_TOL, MAX_STEPS
from checker.sweep import Sweep

SWEEP_STEPS = 20_000  # bce0.8 at eta 0.05 is half converged by then; the rest rank by their sharpness so far
EOS_SIZES = {"quick": 2_000, "ci": 10_000, "thorough": 100_000}
EOS_REASON = "each instance is a GD run to convergence (a batched JAX run of up to 2e4 steps per instance)"
# GAN-A-T4.3 fits an order across five learning rates down to eta_max/4: the smallest converge only after up
# to ~7e5 steps, and an unconverged run's sharpness says nothing about the fitted order, so its sweep runs the
# check's own step budget on fewer instances.
T43_SIZES = {"quick": 50, "ci": 100, "thorough": 1_000}
T43_REASON = "each instance is five GD runs to convergence, one per learning rate (up to ~7e5 steps each)"


def _abcz(key: str) -> tuple[float, float, float, float]:
    zstar, a, b, c = TABLE[key].derivatives_at_min()
    return a, b, c, zstar


def _final(key: str, eta: np.ndarray, sigma0: np.ndarray, steps: int = SWEEP_STEPS) -> tuple[np.ndarray, np.ndarray]:
    """Final sharpness and divergence flag of GD from the EoS start, one run per (eta, sigma0)."""
    from checker.simulate.product_jax import simulate_product_batch

    pl = TABLE[key]
    zstar, a, _, _ = pl.derivatives_at_min()
    x0, y0 = eos_start(zstar, a, eta, sigma0)
    r = simulate_product_batch(pl.loss, x0, y0, eta, steps=steps, grad_tol=GRAD_TOL)
    return np.asarray(r.sharpness, float), np.asarray(r.diverged, bool)


def t42_sweep(stable_sign: int) -> Sweep:
    """GAN-A-T4.2's margin: (2/eta - final sharpness) eta where the claim predicts convergence (-1 if the run
    diverged), +1 / -1 for diverged / not diverged where it predicts divergence; the subcritical overshoot
    is pushed beyond twice the threshold k/(4|P|) as in the check."""
    losses = np.array((*STABLE[:2], *SUBCRITICAL))

    def draw(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
        return {"loss": rng.choice(losses, n), "eta": rng.uniform(0.05, 0.2, n), "sigma0": rng.uniform(0.01, 0.2, n)}

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        out = np.full(arr["eta"].shape, np.nan)
        for key in np.unique(arr["loss"]):
            sel = arr["loss"] == key
            a, b, c, z = _abcz(str(key))
            eta, sigma0 = arr["eta"][sel], arr["sigma0"][sel]
            if key in SUBCRITICAL:
                consts = [nf.nf_constants(a, b, c, z, float(h)) for h in eta]
                threshold = np.array([2 * k / (4 * abs(p)) for p, k in consts])
                sigma0 = np.maximum(sigma0, threshold)
            lam, div = _final(str(key), eta, sigma0)
            if stable_sign * nf.alpha_of(a, b, c) > 0:
                out[sel] = np.where(div, -1.0, (2 / eta - lam) * eta)
            else:
                out[sel] = np.where(div, 1.0, -1.0)
        return out

    return Sweep(draw, margin, worst=3, sizes=EOS_SIZES, size_reason=EOS_REASON, chunk=2_500)


def t43_sweep(gap_coefficient: float, eta_power: int) -> Sweep:
    """GAN-A-T4.3's margin, vectorised: min(fitted order - 2.5, 100 x the worst normal-form tolerance margin)
    over the five learning rates eta_max 2^(-i/2), as the check computes it (-1 for a diverged run)."""
    losses = np.array(STABLE[:2])

    def draw(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
        return {"loss": rng.choice(losses, n), "eta_max": rng.uniform(0.1, 0.3, n), "sigma0": rng.uniform(0.05, 0.1, n)}

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        out = np.full(arr["eta_max"].shape, np.nan)
        for key in np.unique(arr["loss"]):
            sel = arr["loss"] == key
            a, b, c, z = _abcz(str(key))
            alpha = nf.alpha_of(a, b, c)
            top = arr["eta_max"][sel] if str(key).startswith("bce") else arr["eta_max"][sel] / 3  # as the check
            etas = top[:, None] * 2.0 ** (-np.arange(5) / 2)  # (n, 5)
            sigma0 = np.broadcast_to(arr["sigma0"][sel][:, None], etas.shape)
            lam, div = _final(str(key), etas.ravel(), sigma0.ravel(), MAX_STEPS)
            lam, div = lam.reshape(etas.shape), div.reshape(etas.shape)
            pred = np.vectorize(lambda h, s, abcz=(a, b, c, z): _nf_sharpness(abcz, float(h), float(s)))(etas, sigma0)
            tol_margin = np.min(0.02 * (2 / etas - pred) + 1e-6 - np.abs(lam - pred), axis=1)
            err = np.abs(lam - (2 / etas - gap_coefficient * etas**eta_power * a**4 / alpha))
            slope = _fitted_slopes(etas, err)
            m = np.minimum(slope - 2.5, 100 * tol_margin)
            out[sel] = np.where(div.any(axis=1), -1.0, m)
        return out

    return Sweep(draw, margin, worst=3, sizes=T43_SIZES, size_reason=T43_REASON, chunk=25)


def _nf_sharpness(abcz: tuple[float, float, float, float], eta: float, sigma0: float) -> float:
    """The normal form's final sharpness (as the check's; NaN where it predicts no return)."""
    p, k = nf.nf_constants(*abcz, eta)
    value = nf.nf_final_sharpness(p, k, eta, sigma0)
    return float("nan") if value is None else float(value)


def _fitted_slopes(etas: np.ndarray, err: np.ndarray) -> np.ndarray:
    """Least-squares slope of log err against log eta, row by row, err floored at 1e-300 as the check's fit
    (NaN where an error is not finite)."""
    x = np.log(etas)
    with np.errstate(invalid="ignore"):
        y = np.log(np.maximum(err, 1e-300))
    xc = x - x.mean(axis=1, keepdims=True)
    return np.asarray(np.sum(xc * (y - y.mean(axis=1, keepdims=True)), axis=1) / np.sum(xc * xc, axis=1), dtype=float)
