"""Independent numerical cross-checks of the product model's identities, in mpmath and JAX float64.

The properties PROVE the identities with sympy; these evaluations of the same quantities by other means
(an autodiff Hessian, the (x, y) GD against the (z, s) map, a long GD run) catch a backend or a formula
that disagrees with the proof. They return errors, never verdicts: the property judges them.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import mpmath

from checker.backends.mp import mp_precision
from checker.models.gan_losses import TABLE, ProductLoss
from checker.models.product import dynamics as product

__all__ = [
    "imbalance_run",
    "jax_d_step_error",
    "jax_top_eig_error",
    "mp_fd_normal_multiplier",
    "mp_reduction_deviation",
    "mp_top_eig_error",
]


@functools.cache
def _jax_hessian(key: str) -> Callable[[Any], Any]:
    """jit-compiled autodiff Hessian of (x, y) -> l(xy): compiled once per loss per process."""
    import jax

    l0 = TABLE[key].loss.jax(0)
    return jax.jit(jax.hessian(lambda w: l0(w[0] * w[1])))


def mp_top_eig_error(pl: ProductLoss, x: Fraction, coef: float) -> float:
    """Relative error of coef * l''(z) s against the top eigenvalue of the exact 2x2 Hessian, mpmath 50 digits."""
    l1, l2 = pl.loss.mp(1), pl.loss.mp(2)
    with mp_precision(50):
        xm = mpmath.mpf(x.numerator) / x.denominator
        ym = mpmath.mpf(str(pl.zstar.evalf(60))) / xm
        z, s = xm * ym, xm * xm + ym * ym
        (h11, h12), (_, h22) = product.hessian(xm, ym, l1(z), l2(z))
        top = (h11 + h22) / 2 + mpmath.sqrt(((h11 - h22) / 2) ** 2 + h12 * h12)
        claim = coef * l2(z) * s
        return float(abs(top - claim) / abs(claim))


def jax_top_eig_error(pl: ProductLoss, x: float, coef: float) -> float:
    """Relative error of coef * l''(z) s against the top eigenvalue of JAX's autodiff Hessian (float64)."""
    import jax.numpy as jnp

    from checker.backends import jax_backend  # noqa: F401  (float64)

    zstar = float(pl.zstar.evalf(20))
    y = zstar / x
    l2 = pl.loss.jax(2)
    H = _jax_hessian(pl.key)(jnp.array([x, y]))
    top = float(jnp.linalg.eigvalsh(H)[-1])
    claim = coef * float(l2(jnp.asarray(x * y))) * (x * x + y * y)
    return abs(top - claim) / max(abs(claim), 1e-300)


def jax_d_step_error(pl: ProductLoss, x: float, y: float, eta: float, d_sign: int) -> float:
    """One float64 GD step with the JAX evaluator of l': |d' - d(1 + d_sign eta^2 g^2)| relative to |d| + |d'|."""
    import jax.numpy as jnp

    g = float(pl.loss.jax(1)(jnp.asarray(x * y)))
    x1, y1 = product.gd_step(x, y, g, eta)
    d, d1 = x * x - y * y, x1 * x1 - y1 * y1
    return float(abs(d1 - d * (1 + d_sign * (eta * g) ** 2)) / max(abs(d) + abs(d1), 1e-300))


def mp_reduction_deviation(pl: ProductLoss, x: Fraction, y: Fraction, eta: Fraction, steps: int, dps: int) -> float:
    """max |z_GD - z_red| + |s_GD - s_red| over ``steps`` steps from (x, y), in mpmath (stops if either escapes)."""
    l1 = pl.loss.mp(1)
    worst = mpmath.mpf(0)
    with mp_precision(dps):
        xm, ym = mpmath.mpf(x.numerator) / x.denominator, mpmath.mpf(y.numerator) / y.denominator
        h = mpmath.mpf(eta.numerator) / eta.denominator
        z, s = xm * ym, xm * xm + ym * ym
        for _ in range(steps):
            if abs(z) > 1e6 or abs(xm) > 1e6:
                break
            xm, ym = product.gd_step(xm, ym, l1(xm * ym), h)
            z, s = product.reduced_step(z, s, l1(z), h)
            scale = 1 + abs(s)
            worst = max(worst, (abs(xm * ym - z) + abs(xm * xm + ym * ym - s)) / scale)
    return float(worst)


def imbalance_run(
    pl: ProductLoss, x: float, sigma0: float, steps: int, dps: int, *, direction: int = 1, reduced: bool = False
) -> tuple[list[float], int, float]:
    """|x^2 - y^2| along GD in mpmath from (x, z*/x) (nudged off the minimum), eta such that a s = (2 + sigma0)/eta.

    Returns the trace, the number of steps (with eta^2 l'^2 <= 2) that moved it against ``direction`` (1: the
    claim "non-increasing") beyond rounding, and the worst relative move in the claimed direction (negative:
    against it). With ``reduced`` the run uses the exact (z, s) map and |d| = sqrt(s^2 - 4 z^2) instead: an
    independent computation of the same quantity, for a recheck.
    """
    _, a, _, _ = pl.derivatives_at_min()
    l1 = pl.loss.mp(1)
    with mp_precision(dps):
        xm = mpmath.mpf(x)
        ym = mpmath.mpf(str(pl.zstar.evalf(dps))) / xm * (1 + mpmath.mpf("1e-4"))
        s = xm * xm + ym * ym
        z = xm * ym
        h = (2 + mpmath.mpf(sigma0)) / (mpmath.mpf(a) * s)
        prev = abs(xm * xm - ym * ym)
        out, bad, worst = [float(prev)], 0, math.inf
        rounding = mpmath.mpf(10) ** (10 - dps)
        for _ in range(steps):
            if reduced:
                g = l1(z)
                z, s = product.reduced_step(z, s, g, h)
                d = mpmath.sqrt(max(s * s - 4 * z * z, mpmath.mpf(0)))
            else:
                g = l1(xm * ym)
                xm, ym = product.gd_step(xm, ym, g, h)
                d = abs(xm * xm - ym * ym)
            if (h * g) ** 2 <= 2 and prev > 0:
                move = direction * (prev - d) / prev  # > 0: moved the claimed way
                worst = min(worst, float(move) + float(rounding))
                if move < -rounding:
                    bad += 1
            out.append(float(d))
            prev = d
    return out, bad, worst


def mp_fd_normal_multiplier(
    pl: ProductLoss, eta: Fraction, ratio: Fraction, dps: int, step_exp: int = 15
) -> tuple[float, float, float]:
    """The normal multiplier of the (z, s) map at (z*, s = ratio * s_c) by a central finite difference in mpmath.

    Returns (finite difference, the predicted 1 - eta a s, |difference|).
    """
    zstar, _, _, _ = pl.derivatives_at_min()
    l1 = pl.loss.mp(1)
    with mp_precision(dps):
        h = mpmath.mpf(eta.numerator) / eta.denominator
        am = pl.loss.mp(2)(mpmath.mpf(zstar))
        s = float(ratio) * 2 / (h * am)  # s = ratio * s_c
        zm = mpmath.mpf(str(pl.zstar.evalf(dps)))
        step = mpmath.mpf(10) ** -step_exp
        zp, _ = product.reduced_step(zm + step, s, l1(zm + step), h)
        zn, _ = product.reduced_step(zm - step, s, l1(zm - step), h)
        fd = (zp - zn) / (2 * step)
        err = float(abs(fd - (1 - h * am * s)))
    return float(fd), float(1 - h * am * s), err  # the prediction as before: at the caller's precision
