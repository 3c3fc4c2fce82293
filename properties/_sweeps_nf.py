"""Vectorised sweeps for GAN-A-NF (the two-step normal form's orbit) and GAN-A-NF-SM / GAN-A-NF-GAP (real GD on
l(xy) read in the normal form's coordinates), for many instances at once.

GAN-A-NF: the check iterates U' = U(1 + 4 sigma - 4 P U), sigma' = sigma - k U from U ~ 0 until U has grown
1000-fold and fallen back below its start, and compares the return r sigma_f with the Lambert-W prediction. The
sweep runs the same map for all instances together (``checker.sweep_kernels.normal_form``) and scores each by the
check's margin (the error of the predicted return in units of 1% of the distance travelled).

GAN-A-NF-SM and GAN-A-NF-GAP: the checks run GD on l(xy) from the EoS start (``checker.simulate.product_orbit``);
the sweeps run the same start, map and stopping rules for all instances of a loss in one batched JAX float64
loop (``checker.sweep_kernels.product_orbit``, one compiled program per loss family) and compute the check's
margin from it. Each instance is a run of thousands to ~1e5 steps, so these sweeps draw fewer than the default N
and say so. The worst then go through the check and its independent mpmath recheck, which alone decide.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from checker.models.gan_losses import STABLE, TABLE
from checker.models.product import normal_form as nf
from checker.models.product import two_step
from checker.sweep import Sweep
from checker.sweep_kernels import product_orbit as po
from checker.sweep_kernels.normal_form import returns

NF_SIZES = {"quick": 2_000, "ci": 10_000, "thorough": 100_000}
NF_REASON = "each instance is an orbit of the normal-form map over thousands of steps"


def _lambert(rho: np.ndarray, branch_swap: bool) -> np.ndarray:
    """The Lambert-W return w_f of every instance, by the model's own formula (one mpmath call each)."""
    return np.array([two_step.lambert_return(float(r), branch_swap) for r in rho])


def nf_sweep(branch_swap: bool) -> Sweep:
    """GAN-A-NF's margin: (0.01 travel - |w_orbit - w_predicted|) / (0.01 travel), travel = |rho - w_f|
    with the true branch; NaN (ranked first) where the orbit does not return."""

    def draw(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
        positive = rng.random(n) < 0.5  # the strategy's two branches, about equally often
        p = np.where(positive, rng.uniform(0.2, 5.0, n), rng.uniform(-5.0, -0.2, n))
        rho = np.where(positive, rng.uniform(0.3, 4.0, n), rng.uniform(-0.8, -0.2, n))
        return {"p": p, "rho": rho}

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        p, rho = arr["p"], arr["rho"]
        true = _lambert(rho, False)
        travel = np.abs(rho - true)
        err = np.abs(returns(p, rho) - (_lambert(rho, True) if branch_swap else true))
        return np.asarray((0.01 * travel - err) / (0.01 * travel), dtype=float)

    return Sweep(draw, margin, worst=3, sizes=NF_SIZES, size_reason=NF_REASON)


# ---- GAN-A-NF-SM and GAN-A-NF-GAP: real GD on l(xy), read in (u, sigma) -----------------------------------
SM_SIZES = {"quick": 500, "ci": 2_000, "thorough": 20_000}
SM_REASON = "each instance is two identical GD runs on l(xy) through the transit (up to ~1e5 steps each)"
GAP_SIZES = {"quick": 500, "ci": 2_000, "thorough": 20_000}
GAP_REASON = "each instance is a GD run on l(xy) to convergence (up to ~2e5 steps)"
_GAP_ETA = {"bce0.8": 0.3, "zhu": 0.1, "logcosh": 0.1}  # the property's largest eta per loss


def _constants(key: str, eta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(P, k) of the normal form at every eta (``normal_form.nf_constants``, elementwise)."""
    zstar, a, b, c = TABLE[key].derivatives_at_min()
    s2 = 4 * zstar**2 + (nf.threshold_s(a, eta) ** 2 - 4 * zstar**2)
    return nf.flip_coefficient(nf.alpha_of(a, b, c), a, b, zstar, s2), nf.k_coeff(a, zstar, eta)


def _limit_sigma(key: str, eta: np.ndarray) -> np.ndarray:
    """sigma_f = eta lambda_inf - 2, Thm 4.3's limit in the threshold distance (as the run records it)."""
    zstar, a, b, c = TABLE[key].derivatives_at_min()
    return np.asarray(nf.limit_sharpness(nf.alpha_of(a, b, c), a, b, zstar, eta) * eta - 2, dtype=float)


def eta_for_rho(key: str, sigma0: np.ndarray, rho: np.ndarray, lo: float = 1e-4, hi: float = 0.6) -> np.ndarray:
    """``product_orbit.eta_for_rho`` for every instance: geometric bisection on log(r sigma_0 / rho), monotone in
    eta; NaN where no eta in [lo, hi] gives r sigma_0 = rho with P, k > 0."""

    def log_r(eta: np.ndarray) -> np.ndarray:
        p, k = _constants(key, eta)
        with np.errstate(all="ignore"):
            return np.where((p > 0) & (k > 0), np.log(4 * p * sigma0 / k) - np.log(rho), -np.inf)

    low, high = np.full(sigma0.shape, lo), np.full(sigma0.shape, hi)
    bracketed = (log_r(low) > 0) & (log_r(high) < 0)
    for _ in range(60):  # the check stops at hi/lo - 1 < 1e-13: 47 halvings of log(hi/lo) from [1e-4, 0.6]
        mid = np.sqrt(low * high)
        up = log_r(mid) > 0
        low, high = np.where(up, mid, low), np.where(up, high, mid)
    return np.where(bracketed, np.sqrt(low * high), np.nan)


def nf_slow_sweep(coefficient: float, shifted: bool, slack: float) -> Sweep:
    """GAN-A-NF-SM's margin (tol - |median ratio - 1|)/tol, tol = slack sigma_0 + 0.002, the median of U over
    (coefficient (sigma - sigma_f)/P) in the middle 60% of the transit after U's maximum, as the check; +inf
    outside the hypotheses (eta > 0.2 or no eta) and where the check is undecided (run not past the window, or
    fewer than 20 pairs in it)."""
    losses = np.array(STABLE)

    def draw(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
        return {
            "loss": rng.choice(losses, n),
            "sigma0": rng.uniform(0.005, 0.04, n),
            "rho": rng.uniform(20.0, 100.0, n),
        }

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        out = np.full(arr["sigma0"].shape, np.inf)
        for key in np.unique(arr["loss"]):
            sel = np.flatnonzero(arr["loss"] == key)
            sigma0 = arr["sigma0"][sel]
            eta = eta_for_rho(str(key), sigma0, arr["rho"][sel])
            ok = np.isfinite(eta) & (eta <= 0.2)
            sel, sigma0, eta = sel[ok], sigma0[ok], eta[ok]
            if not sel.size:
                continue
            p, _ = _constants(str(key), eta)
            runs, median, pairs = po.slow_manifold_medians(
                str(key),
                eta,
                sigma0,
                stop_fraction=0.1,  # lo/2, as the check
                lo=0.2,
                hi=0.8,
                coefficient=coefficient,
                shifted=shifted,
                p=p,
                sigma_f=_limit_sigma(str(key), eta),
            )
            decided = np.isin(runs.status, (po.PAST, po.CONVERGED)) & (pairs >= 20)
            tol = slack * sigma0 + 0.002
            out[sel] = np.where(decided, (tol - np.abs(median - 1)) / tol, np.inf)
        return out

    return Sweep(draw, margin, worst=3, sizes=SM_SIZES, size_reason=SM_REASON, chunk=500)


def nf_gap_sweep(gap_needed: bool, nf_tol: float, miss: float) -> Sweep:
    """GAN-A-NF-GAP's margin from the final sharpness (2 + sigma_last)/eta of every run, against the Lambert-W
    return from the run's own first sigma (scipy's W, float64) and Thm 4.3's limit, as the check; +inf where
    P or k is not positive or the run did not converge (the check is undecided there)."""
    losses = np.array(tuple(_GAP_ETA))

    def draw(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
        loss = rng.choice(losses, n)
        top = np.array([_GAP_ETA[str(k)] for k in loss])
        return {"loss": loss, "eta": top * (1 - rng.uniform(0.0, 2 / 3, n)), "rho": 1 - rng.uniform(0.0, 0.8, n)}

    def margin(arr: Mapping[str, np.ndarray]) -> np.ndarray:
        out = np.full(arr["eta"].shape, np.inf)
        for key in np.unique(arr["loss"]):
            sel = np.flatnonzero(arr["loss"] == key)
            eta = arr["eta"][sel]
            p, k = _constants(str(key), eta)
            ok = (p > 0) & (k > 0)
            sel, eta, p, k = sel[ok], eta[ok], p[ok], k[ok]
            if not sel.size:
                continue
            runs = po.final_states(str(key), eta, arr["rho"][sel] * k / (4 * p))
            lam = (2 + runs.sigma_last) / eta
            # the model's float64 Lambert-W return (scipy), one instance at a time: P and k vary with eta
            sigma_nf = [nf.nf_final_sigma_array(pi, ki, si) for pi, ki, si in zip(p, k, runs.sigma_first, strict=True)]
            lam_nf = (2 + np.asarray(sigma_nf, dtype=float)) / eta
            lam_lim = 2 / eta + _limit_sigma(str(key), eta) / eta
            gap = 2 / eta - lam_lim
            to_nf, to_lim = np.abs(lam - lam_nf) / gap, np.abs(lam - lam_lim) / gap
            if gap_needed:
                m = np.minimum((nf_tol - to_nf) / nf_tol, (to_lim - miss) / miss)
            else:
                m = (nf_tol - to_lim) / nf_tol
            out[sel] = np.where(runs.status == po.CONVERGED, m, np.inf)
        return out

    return Sweep(draw, margin, worst=3, sizes=GAP_SIZES, size_reason=GAP_REASON, chunk=500)
