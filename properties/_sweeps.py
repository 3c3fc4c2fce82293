"""Vectorised sweeps for simulated product-model properties (the sweep phase: checker/sweep.py).

Each sweep draws instances from the property's own domain and ranks them by a float64 margin computed for
all of them at once (one JAX call per loss family); the worst then run through the property's full check.
The sweep margins approximate the check's margin and only rank instances: they never decide a verdict.

* GAN-B-THM (product losses; the non-product toy is left to Hypothesis): GD from z = z* + u0 at fixed
  imbalance with eta = 2/lambda_max(x*), batched in JAX with a shorter step budget than the check; margin
  (2/eta - final sharpness) eta, -1 for a diverged run, +inf where c1(x*) <= 0 (outside the hypotheses).
* GAN-A-DRIFT: the 600-step run of the check, in float64 for every instance at once; margin the smallest
  relative decrease of |x^2 - y^2| over the steps with eta^2 l'^2 <= 2 (negative: it increased).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np

from checker.models.gan_losses import STABLE, SUBCRITICAL, TABLE
from checker.sweep import Sweep
from checker.sweep_kernels.drift import drift_margins

THM_SWEEP_STEPS = 1_000  # the check runs up to 3e6 steps; the sweep only ranks (slow convergers rank worst)


def thm_sweep(require_c1_positive: bool) -> Sweep:
    losses = np.array(sorted({*STABLE[:2], *SUBCRITICAL}))

    def draw(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
        return {
            "loss": rng.choice(losses, n),
            "x": rng.uniform(2.0, 4.0, n),
            "u0": rng.uniform(1e-3, 5e-2, n),
            "beta": np.zeros(n),
            "gamma": np.zeros(n),
        }

    def margin(a: Mapping[str, np.ndarray]) -> np.ndarray:
        from checker.simulate.product_jax import simulate_product_batch
        from properties.gan2026b import ps_c1

        out = np.full(a["x"].shape, np.nan)
        for key in np.unique(a["loss"]):
            sel = a["loss"] == key
            pl = TABLE[str(key)]
            zstar, a2, _, _ = pl.derivatives_at_min()
            x, u0 = a["x"][sel], a["u0"][sel]
            y = zstar / x
            d = x * x - y * y
            eta = 2 / (a2 * (x * x + y * y))
            z = zstar + u0
            x0 = np.sqrt((d + np.sqrt(d * d + 4 * z * z)) / 2)
            r = simulate_product_batch(pl.loss, x0, z / x0, eta, steps=THM_SWEEP_STEPS, grad_tol=1e-10)
            m = np.where(r.diverged, -1.0, (2 / eta - r.sharpness) * eta)
            if require_c1_positive:
                c1 = np.vectorize(lambda v, pl=pl: ps_c1(pl, float(v)))(x)  # the check's own c1, per instance
                m = np.where(c1 > 0, m, np.inf)
            out[sel] = m
        return out

    return Sweep(draw, margin, worst=3)


def drift_sweep() -> Sweep:
    losses = np.array(sorted(STABLE))

    def draw(rng: np.random.Generator, n: int) -> Mapping[str, np.ndarray]:
        # the strategy's grids: x = k/100 in [3/2, 3], sigma0 = j/1000 in [1/100, 1/5]
        return {
            "loss": rng.choice(losses, n),
            "x": rng.integers(150, 301, n) / 100,
            "sigma0": rng.integers(10, 201, n) / 1000,
        }

    def margin(a: Mapping[str, np.ndarray]) -> np.ndarray:
        out = np.full(a["x"].shape, np.nan)
        for key in np.unique(a["loss"]):
            sel = a["loss"] == key
            out[sel] = drift_margins(str(key), a["x"][sel], a["sigma0"][sel])
        return out

    def to_params(instance: dict[str, Any]) -> dict[str, Any]:
        return {
            "loss": instance["loss"],
            "x": Fraction(round(instance["x"] * 100), 100),
            "sigma0": Fraction(round(instance["sigma0"] * 1000), 1000),
        }

    return Sweep(draw, margin, worst=3, to_params=to_params)
