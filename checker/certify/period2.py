"""Certified period-2 orbits of the frozen-D reduced map (GAN-A-RED, GAN-A-FLIP).

With D = s^2 - 4z^2 held fixed, GD on l(xy) reduces to the 1-D map (GAN-A-RED with s = sqrt(4z^2 + D))

    G(z) = z (1 + eta^2 g^2) - eta g sqrt(4 z^2 + D),   g = l'(z),

whose fixed point z* flips at sigma := eta a sqrt(4 z*^2 + D) - 2 = 0 (GAN-A-FIX). Its Taylor expansion
u' = -(1 + sigma) u + p u^2 + q u^3 (u = z - z*) has p^2 + q = P of GAN-A-FLIP (tests/test_period2.py checks
this with sympy). In the true dynamics D shrinks by (1 - eta^2 g^2)^2 per step; freezing it is what the
bifurcation diagram is about.

For an overshoot sigma we choose D exactly (a float, then exact in arb), so sigma itself is a ball. A
numerical 2-cycle (mpmath Newton on G(G(z)) - z from z* + sqrt(sigma/P)) is then certified by Krawczyk on
H(z) = G(G(z)) - z, with H'(z) = G'(G(z)) G'(z) - 1 by the chain rule in balls:

* exactly one zero of H in the box X, X disjoint from the z* ball and from G(X) (so it is not the fixed
  point: a genuine period-2 point);
* stable if |(G o G)'(X)| < 1 on the whole box, unstable if > 1, otherwise stability undecided.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mpmath
import sympy as sp
from flint import arb

from checker.backends.ball import ball_precision, to_arb
from checker.backends.mp import mp_precision
from checker.certify.krawczyk import KrawczykResult, interval, krawczyk_1d
from checker.loss import Loss
from checker.verdict import Enclosure

Fn = Callable[[arb], arb]


def frozen_map(l1: Fn, l2: Fn, eta: arb, d: arb, sqrt: Callable = lambda x: x.sqrt()) -> tuple[Fn, Fn]:  # type: ignore[type-arg]
    """G and G' of the frozen-D map for any arithmetic with l1 = l', l2 = l''."""

    def g_map(z):  # type: ignore[no-untyped-def]
        g = l1(z)
        return z * (1 + eta * eta * g * g) - eta * g * sqrt(4 * z * z + d)

    def dg_map(z):  # type: ignore[no-untyped-def]
        g, g2 = l1(z), l2(z)
        s = sqrt(4 * z * z + d)
        return (1 + eta * eta * g * g) + 2 * z * eta * eta * g * g2 - eta * g2 * s - eta * g * 4 * z / s

    return g_map, dg_map


@dataclass(frozen=True)
class Period2Point:
    sigma: float  # requested overshoot
    sigma_ball: arb  # eta a sqrt(4 z*^2 + D) - 2 for the D actually used
    d: float  # the frozen D (exact float)
    status: str  # "certified" | "undecided"
    stability: str  # "stable" | "unstable" | "undecided"
    u1: float  # z1 - z* (midpoint); the orbit is {z1, G(z1)}
    u2: float
    box: arb | None  # certified enclosure of z1
    multiplier: arb | None  # (G o G)'(box)
    krawczyk: KrawczykResult | None
    reason: str = ""

    @property
    def certified(self) -> bool:
        return self.status == "certified"


def _mp_orbit(loss: Loss, z_star: float, eta: float, d: float, u0: float) -> tuple[float, float] | None:
    """Newton on G(G(z)) - z in mpmath (50 digits) from z* + u0; the orbit (z1, z2) or None."""
    with mpmath.workdps(50):
        l1, l2 = loss.mp(1), loss.mp(2)
        g_map, dg_map = frozen_map(l1, l2, mpmath.mpf(eta), mpmath.mpf(d), mpmath.sqrt)
        z = mpmath.mpf(z_star) + u0
        try:
            for _ in range(100):
                z2 = g_map(z)
                h = g_map(z2) - z
                dh = dg_map(z2) * dg_map(z) - 1
                if dh == 0:
                    return None
                step = h / dh
                z -= step
                if abs(step) < mpmath.mpf(10) ** -40 * (1 + abs(z)):
                    break
            z2 = g_map(z)
        except (ValueError, ZeroDivisionError, ArithmeticError):
            return None
        if not (mpmath.isfinite(z) and mpmath.isfinite(z2)):
            return None
        if abs(z2 - z) < mpmath.mpf(10) ** -20 * (1 + abs(z)):
            return None  # converged to the fixed point
        return float(z), float(z2)


def certify_period2(
    loss: Loss,
    z_star: arb,
    a: arb,
    eta: float,
    sigma: float,
    p_flip: float,
    *,
    prec: int = 128,
    rel_radius: float = 1e-6,
) -> Period2Point:
    """Certify the 2-cycle of the frozen-D map at overshoot ``sigma`` (``p_flip``: P, for the first guess)."""
    zf, af = float(z_star.mid()), float(a.mid())
    s_star = (2 + sigma) / (eta * af)
    d = s_star * s_star - 4 * zf * zf
    if d <= 0:
        return Period2Point(
            sigma, arb.nan(), d, "undecided", "undecided", 0, 0, None, None, None, "D <= 0 at this sigma"
        )

    def fail(reason: str, sb: arb) -> Period2Point:
        return Period2Point(sigma, sb, d, "undecided", "undecided", 0.0, 0.0, None, None, None, reason)

    with ball_precision(prec):
        eta_b, d_b = arb(eta), arb(d)
        sigma_b = eta_b * a * (4 * z_star * z_star + d_b).sqrt() - 2
        if p_flip == 0 or sigma / p_flip <= 0:
            return fail("no 2-cycle is predicted on this side of the flip (sigma/P <= 0)", sigma_b)
        orbit = _mp_orbit(loss, zf, eta, d, (sigma / p_flip) ** 0.5)
        if orbit is None:
            return fail("Newton found no 2-cycle near the normal-form amplitude", sigma_b)
        z1, z2 = orbit
        g_map, dg_map = frozen_map(loss.ball(1), loss.ball(2), eta_b, d_b)

        def h(z: arb) -> arb:
            return g_map(g_map(z)) - z

        def dh(z: arb) -> arb:
            return dg_map(g_map(z)) * dg_map(z) - 1

        r = rel_radius * abs(z1 - zf)
        res = krawczyk_1d(h, dh, interval(z1 - r, z1 + r))
        if not res.unique:
            return fail(f"Krawczyk: {res.status} ({res.reason})", sigma_b)
        image = g_map(res.box)
        if res.box.overlaps(z_star) or image.overlaps(res.box):
            return fail("box not separated from the fixed point", sigma_b)
        mult = dh(res.box) + 1
        stability = "stable" if abs(mult) < 1 else "unstable" if abs(mult) > 1 else "undecided"
        return Period2Point(sigma, sigma_b, d, "certified", stability, z1 - zf, z2 - zf, res.box, mult, res)


def default_sigmas(p_flip: float, n: int = 8) -> list[float]:
    """Overshoots on the side of the flip where the 2-cycle lives (sign P), log-spaced 1e-4 .. 3e-2."""
    sign = 1.0 if p_flip > 0 else -1.0
    return [sign * 10 ** (-4 + 2.5 * i / (n - 1)) for i in range(n)]


# ---- the 2-cycle at a given frozen D and overshoot (eta follows from them) --------------------------------
# GAN-A-FLIP draws a point (x, z*/x) on the minimiser set, so D = (x^2 - y^2)^2 is given and the learning rate
# is the one putting the overshoot at sigma: eta = (2 + sigma)/(a sqrt(4 z*^2 + D)). Same map G as above.


def frozen_two_cycle_mp(
    loss: Loss, z_star: sp.Expr, d: float, sigma: float, p_flip: float, dps: int, solver: str = "secant"
) -> dict[str, Any]:
    """A root of G(G(z)) = z (mpmath findroot, ``solver``) at overshoot sigma, from u0 = sqrt(|sigma/P|) off z*.

    Returns found (a genuine 2-cycle, not the fixed point), stable (|multiplier| < 1), the multiplier
    G'(z1) G'(z2), u2_ratio = u^2/(sigma/P) (1 when the normal form's amplitude is right) and u = z1 - z*.
    """
    l1, l2 = loss.mp(1), loss.mp(2)
    with mp_precision(dps):
        zs = mpmath.mpf(str(z_star.evalf(dps)))
        a = l2(zs)
        dm = mpmath.mpf(d)
        eta = (2 + mpmath.mpf(sigma)) / (a * mpmath.sqrt(4 * zs**2 + dm))
        g_map, _ = frozen_map(l1, l2, eta, dm, mpmath.sqrt)

        def f(uu: Any) -> Any:
            return g_map(zs + uu) - zs

        def h(uu: Any) -> Any:
            return f(f(uu)) - uu

        u0 = mpmath.sqrt(abs(mpmath.mpf(sigma) / mpmath.mpf(p_flip)))
        try:
            u_star = mpmath.findroot(h, u0, solver=solver, tol=mpmath.mpf(10) ** (-dps // 2))
        except (ValueError, ZeroDivisionError):
            return {"found": False, "stable": False, "multiplier": float("nan"), "u2_ratio": float("nan")}
        u1 = f(u_star)
        genuine = abs(u1 - u_star) > abs(u0) * 1e-3  # not the fixed point u = 0
        mult = mpmath.diff(f, u_star) * mpmath.diff(f, u1)
        ratio = (u_star**2 / abs(mpmath.mpf(sigma) / mpmath.mpf(p_flip))) if genuine else mpmath.mpf(0)
        return {
            "found": bool(genuine),
            "stable": bool(abs(mult) < 1),
            "multiplier": float(mult),
            "u2_ratio": float(ratio),
            "u": float(u_star),  # signed: the Krawczyk box is centred on it
        }


def certify_frozen_two_cycle(
    loss: Loss, z_star: sp.Expr, d: float, sigma: float, u_approx: float, *, prec: int = 256
) -> dict[str, Any] | None:
    """Krawczyk on H(u) = G(G(z* + u)) - z* - u in arb, for the map with these exact binary D and sigma.

    Returns the certified enclosure of the cycle point u and of the multiplier G'(z1) G'(z2), and whether it
    is stable; None when the inclusion is not reached, the box is not separated from the fixed point, or the
    multiplier's modulus straddles 1 (a float/mpmath result then stands as CORROBORATED only).
    """
    with ball_precision(prec):
        l1, l2 = loss.ball(1), loss.ball(2)
        zs, db = to_arb(z_star), to_arb(d)
        eta = (2 + to_arb(sigma)) / (l2(zs) * (4 * zs * zs + db).sqrt())
        g_map, dg_map = frozen_map(l1, l2, eta, db)

        def f(u: arb) -> arb:
            return g_map(zs + u) - zs

        def df(u: arb) -> arb:
            return dg_map(zs + u)

        def h(u: arb) -> arb:
            return f(f(u)) - u

        def dh(u: arb) -> arb:
            return df(f(u)) * df(u) - 1

        width = abs(u_approx) * 1e-10  # the mpmath root is good to ~1e-20: a narrow box avoids overestimation
        res = krawczyk_1d(h, dh, interval(u_approx - width, u_approx + width))
        if not res.unique:
            return None
        u1 = f(res.box)
        if u1.overlaps(res.box):  # not provably a genuine 2-cycle (could be the fixed point)
            return None
        mult = df(res.box) * df(u1)
        stable = bool(abs(mult) < 1)
        unstable = bool(abs(mult) > 1)
        if not (stable or unstable):
            return None
        return {"u": Enclosure.from_arb(res.box), "multiplier": Enclosure.from_arb(mult), "stable": stable}
