"""GD on l(xy) from Edge-of-Stability starts to its end: final sharpness, convergence or divergence.

One call runs one start per learning rate (same overshoot sigma0), batched in JAX float64, or one by one in
mpmath (the independent recheck of a float result). The properties of the final sharpness judge the output.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from checker.models.gan_losses import ProductLoss
from checker.models.product.starts import eos_start

__all__ = ["GRAD_TOL", "MAX_STEPS", "MP_DPS", "MP_STEPS", "simulate_eos"]

# |l'(xy)| below which a run counts as converged. Not 1e-10: at eta ~ 0.009 (sharpness ~ 220) float64 GD
# stalls at the rounding floor just above 1e-10 and never "converges" (seen at seed 18, Zhu quartic); the
# final sharpness moves by < 1e-8 between 1e-10 and 3e-10.
GRAD_TOL = 3e-10
MAX_STEPS = 3_000_000
MP_DPS = 30  # the mpmath recheck's working precision (decimal digits)
MP_STEPS = 400_000  # the mpmath recheck's budget: an mpmath step costs far more than a float kernel step


def simulate_eos(pl: ProductLoss, etas: Any, sigma0: float, backend: str) -> dict[str, list[Any]]:
    """Final sharpness / divergence of GD from eos_start for each eta, in JAX float64 or mpmath ("mp").

    Per run: ``sharpness``, ``diverged``, ``converged`` (|grad L| reached the tolerance), ``steps`` (the step
    it stopped at; the budget if it did neither) and ``budget`` (the step budget it ran under). A run that
    neither converged nor diverged is unsettled: its final sharpness is that of a point still moving.
    """
    etas = np.asarray(etas, float)
    zstar, a, _, _ = pl.derivatives_at_min()
    x0, y0 = eos_start(zstar, a, etas, sigma0)
    if backend == "jax":
        from checker.simulate.product_jax import simulate_product_batch

        r = simulate_product_batch(pl.loss, x0, y0, etas, steps=MAX_STEPS, grad_tol=GRAD_TOL)
        return {
            "sharpness": r.sharpness.tolist(),
            "diverged": r.diverged.tolist(),
            "converged": r.converged.tolist(),
            "steps": r.stop_step.tolist(),
            "budget": [MAX_STEPS] * len(etas),
        }
    from checker.simulate.product_mp import simulate_product_mp

    out: dict[str, list[Any]] = {"sharpness": [], "diverged": [], "converged": [], "steps": [], "budget": []}
    for x, y, h in zip(x0, y0, etas, strict=True):
        tr = simulate_product_mp(
            pl.loss,
            repr(float(x)),
            repr(float(y)),
            repr(float(h)),
            steps=MP_STEPS,
            dps=MP_DPS,
            record_every=0,
            grad_tol="1e-10",
        )
        out["sharpness"].append(float(tr.final_sharpness) if tr.final_sharpness is not None else float("nan"))
        out["diverged"].append(tr.status == "diverged")
        out["converged"].append(tr.status == "converged")
        out["steps"].append(tr.steps)
        out["budget"].append(MP_STEPS)
    return out
