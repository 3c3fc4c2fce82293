"""GAN-A-DRIFT's 600-step run on l(xy) for many instances at once (the sweep's margin).

One jitted JAX float64 loop per loss structure (the loss's numbers are traced arguments): DRIFT_STEPS GD steps
from just off the minimiser set at (2 + sigma0)/eta sharpness, keeping the running minimum of the relative
decrease of |x^2 - y^2| over the steps with eta^2 l'^2 <= 2 (memory flat in the steps).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from checker.models.gan_losses import TABLE

DRIFT_STEPS = 600  # as the check


def drift_margins(key: str, x: np.ndarray, sigma0: np.ndarray) -> np.ndarray:
    """The smallest relative decrease of |x^2 - y^2| over the run of every instance (negative: it grew)."""
    import jax.numpy as jnp

    from checker.backends import jax_backend  # noqa: F401  (float64 on)
    from checker.simulate import chunking, traced_loss

    pl = TABLE[key]
    zstar, a, _, _ = pl.derivatives_at_min()
    split = traced_loss.split(pl.loss)
    y = zstar / x * (1 + 1e-4)
    h = (2 + sigma0) / (a * (x * x + y * y))
    run = _drift_kernel(split.structure)
    size = chunking.bucket(x.size)  # a loss's share of a chunk varies: pad to few compiled shapes
    xj, yj, hj = (jnp.asarray(chunking.pad(np.asarray(v, float), size)) for v in (x, y, h))
    return np.asarray(run(xj, yj, hj, jnp.asarray(split.constant_array(np.float64))))[: x.size]


@lru_cache(maxsize=16)
def _drift_kernel(structure: tuple[Any, ...]) -> Any:
    """One jitted loop per loss structure: DRIFT_STEPS GD steps, the running minimum of the relative
    decrease of |x^2 - y^2| where eta^2 l'^2 <= 2 (memory flat in the steps)."""
    import jax
    import jax.numpy as jnp

    from checker.simulate import traced_loss

    f1, _ = traced_loss.evaluators(structure)

    def run(x: Any, y: Any, h: Any, c: Any) -> Any:
        def body(_: Any, carry: Any) -> Any:
            x, y, prev, worst = carry
            g = f1(x * y, c)
            x, y = x - h * g * y, y - h * g * x
            d = jnp.abs(x * x - y * y)
            rel = jnp.where((h * g) ** 2 <= 2, (prev - d) / prev, jnp.inf)
            return x, y, d, jnp.minimum(worst, rel)

        start = (x, y, jnp.abs(x * x - y * y), jnp.full_like(x, jnp.inf))
        return jax.lax.fori_loop(0, DRIFT_STEPS, body, start)[3]

    return jax.jit(run)
