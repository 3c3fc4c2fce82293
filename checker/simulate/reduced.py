"""The exact (z, s) reduction of GD on l(xy) (GAN-A-RED), iterated in mpmath or floats.

This deliberately shares no code path with the (x, y) simulators except ``l'``: agreement between the two
is evidence that both are right.
"""

from __future__ import annotations

from typing import Any

import mpmath

from checker.backends.mp import mp_precision
from checker.loss import Loss
from checker.models import product
from checker.simulate import validate


def simulate_reduced_mp(
    loss: Loss, z0: Any, s0: Any, eta: Any, *, steps: int, dps: int = 50
) -> tuple[list[Any], list[Any]]:
    """Iterate the (z, s) map; returns the lists of z_t and s_t, t = 0..steps."""
    validate.check_dps(dps)
    validate.check_eta(eta)
    validate.check_steps(steps)
    l1 = loss.mp(1)
    with mp_precision(dps):
        z, s, h = mpmath.mpf(z0), mpmath.mpf(s0), mpmath.mpf(eta)
        zs, ss = [z], [s]
        for _ in range(steps):
            z, s = product.reduced_step(z, s, l1(z), h)
            if not (mpmath.isfinite(z) and mpmath.isfinite(s)):
                break
            zs.append(z)
            ss.append(s)
    return zs, ss
