"""Starting points for GD on l(xy) at the Edge of Stability.

A start is parametrised by its overshoot sigma0: the limit sharpness a s = a (x^2 + y^2) is (2 + sigma0)/eta,
i.e. sigma0 past the threshold s_c = 2/(eta a), and the point is nudged off the minimum {xy = z*} so that the
dynamics has something to do. This is the one definition of a start; the properties' runs and the loss job's
simulation both call :func:`eos_start`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["U0", "eos_start"]

U0 = 1e-7  # initial offset of z from z*: both coordinates are scaled by sqrt(1 + U0/z*)


def eos_start(z_star: float, a: float, eta: Any, sigma0: Any, *, u0: Any = None) -> tuple[Any, Any]:
    """(x0, y0) with x > y > 0 and overshoot sigma0, i.e. s = (2 + sigma0)/(eta a); z* > 0.

    ``eta``, ``sigma0`` (and ``u0``) may be arrays (one start per entry). Two placements of the nudge, both
    kept because recorded results depend on their exact floats (GD at the EoS amplifies last-bit
    differences, so rewriting one in terms of the other would change those outputs):

    - ``u0=None`` (the properties' runs): the point of {xy = z*} with x^2 + y^2 = s (x = sqrt((s + d)/2),
      d = sqrt(s^2 - 4 z*^2), clamped at 0 where s < 2 z*), then both coordinates scaled by sqrt(1 + U0/z*),
      so xy = z* + U0 and the sharpness is s (1 + U0/z*).
    - ``u0`` given (the loss job's random starts): the point with xy = z* + u0 and x^2 + y^2 = s exactly,
      x, y = (p +- m)/2 with p = sqrt(s + 2z), m = sqrt(s - 2z); NaN where s < 2|z| (no start on that
      hyperbola), which the caller reports instead of clamping.
    """
    s = (2 + np.asarray(sigma0, float)) / (np.asarray(eta, float) * a)
    if u0 is not None:
        z = z_star + np.asarray(u0, float)
        p, m = np.sqrt(s + 2 * z), np.sqrt(s - 2 * z)
        return (p + m) / 2, (p - m) / 2
    d = np.sqrt(np.maximum(s**2 - 4 * z_star**2, 0.0))
    x = np.sqrt((s + d) / 2)
    y = z_star / x
    scale = math.sqrt(1 + U0 / z_star)
    return x * scale, y * scale
