"""Starting points for GD on l(xy) at the Edge of Stability.

A start is parametrised by its overshoot sigma0: the point of the minimiser set {xy = z*} whose limit
sharpness a s = a (x^2 + y^2) is (2 + sigma0)/eta, i.e. sigma0 past the threshold s_c = 2/(eta a), then
nudged off the minimum so that the dynamics has something to do.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["U0", "eos_start"]

U0 = 1e-7  # initial offset of z from z*: both coordinates are scaled by sqrt(1 + U0/z*)


def eos_start(z_star: float, a: float, eta: Any, sigma0: Any) -> tuple[Any, Any]:
    """(x0, y0) with x > y > 0 on {xy = z*} at limit sharpness a s = (2 + sigma0)/eta, then xy = z* + U0.

    ``eta`` and ``sigma0`` may be arrays (one start per learning rate); z* > 0.
    """
    s = (2 + np.asarray(sigma0, float)) / (np.asarray(eta, float) * a)
    d = np.sqrt(np.maximum(s**2 - 4 * z_star**2, 0.0))
    x = np.sqrt((s + d) / 2)
    y = z_star / x
    scale = math.sqrt(1 + U0 / z_star)
    return x * scale, y * scale
