"""The batched GD kernel's stop flags agree with each other on a gradient norm at the tolerance.

A trajectory is frozen only as converged or diverged. The regression: XLA duplicated the convergence test
into each fusion that consumed it and contracted the multiply-add inside l'(z) = e^z/(1 + e^z) - 4/5 into an
FMA in some copies only; at a gradient norm 2e-7 (relative) above ``grad_tol`` the copies disagreed, so a
trajectory stopped with neither flag set, and GAN-A-T4.3 read it as a run that never settled (ci seeds 26, 38,
44). The state below is GD on bce0.8 at step 243056 of the eta = 0.1/2^1.5, sigma0 = 0.097 run; rows of 8
trajectories take the compacted careful path where the copies differed.
"""

from __future__ import annotations

import numpy as np
import pytest

from checker.backends import jax_backend  # noqa: F401  (enables float64 before any jax use)
from checker.models.gan_losses import TABLE
from checker.simulate.product_jax import simulate_product_batch

X, Y, ETA = 18.80243699743747, 0.0737295043939541, 0.03535533905932738
GRAD_TOL = 3e-10


@pytest.mark.parametrize("n", [1, 8, 64])
@pytest.mark.parametrize("block", [1, 8])
def test_a_stopped_trajectory_is_converged_or_diverged(n: int, block: int) -> None:
    loss = TABLE["bce0.8"].loss
    steps = 16
    r = simulate_product_batch(
        loss, np.full(n, X), np.full(n, Y), np.full(n, ETA), steps=steps, grad_tol=GRAD_TOL, check_every=block
    )
    stopped = r.stop_step < steps
    assert np.all(stopped), r.stop_step  # the gradient norm crosses the tolerance within two steps
    assert np.all(r.converged ^ r.diverged), (r.converged, r.diverged, r.stop_step)
    assert np.all(r.converged)
