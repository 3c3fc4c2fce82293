"""GD on the product model L(x, y) = l(xy) (GAN-A-SETUP), written once for every arithmetic.

Each function takes the loss derivatives' *values* (g1 = l'(z), g2 = l''(z)) and plain arithmetic, so the
same code runs on floats, JAX arrays, mpmath numbers and arb balls. ``sqrt`` is passed in because each
arithmetic spells it differently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checker.backends.ops import Num


def gd_step(x: Num, y: Num, g1: Num, eta: Num) -> tuple[Any, Any]:
    """One GD step on l(xy): grad L = l'(xy) (y, x)."""
    return x - eta * g1 * y, y - eta * g1 * x


def reduced_step(z: Num, s: Num, g1: Num, eta: Num) -> tuple[Any, Any]:
    """The exact (z, s) map (GAN-A-RED): z' = z(1 + eta^2 g^2) - eta g s, s' = s(1 + eta^2 g^2) - 4 eta g z.

    An independent implementation of the same dynamics: GD in (x, y) must agree with it.
    """
    e2 = 1 + (eta * g1) ** 2
    return z * e2 - eta * g1 * s, s * e2 - 4 * eta * g1 * z


def hessian(x: Num, y: Num, g1: Num, g2: Num) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """Hess L = l''(z) w w^T + l'(z) [[0,1],[1,0]], w = (y, x)."""
    off = g2 * x * y + g1
    return ((g2 * y * y, off), (off, g2 * x * x))


def sharpness(z: Num, s: Num, g1: Num, g2: Num, sqrt: Callable[[Any], Any]) -> Any:
    """Top eigenvalue of the exact 2x2 Hessian: (l'' s + sqrt(l''^2 s^2 + 4 l'(2 z l'' + l')))/2.

    Where l'(z) = 0 this is max(l''(z) s, 0), i.e. Lemma 3.1 (GAN-A-L3.1); elsewhere it is exact too.
    """
    return (g2 * s + sqrt((g2 * s) ** 2 + 4 * g1 * (2 * z * g2 + g1))) / 2


def threshold_s(a: Num, eta: Num) -> Any:
    """s_c = 2/(eta a): on {z = z*} the normal multiplier 1 - eta a s is -1 there (GAN-A-FIX)."""
    return 2 / (eta * a)
