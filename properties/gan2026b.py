"""Gan (2026b), A Bifurcation Theory Framework for GD at the EoS, arXiv 2606.15551.

Only the abstract and introduction were readable: GAN-B-LYAP and GAN-B-TAN are DERIVED (their role SOURCED),
GAN-B-THM is RECONSTRUCTED (open point O-3: assumptions, normalisation of c1, exact step size).
As in gan2026a.py, each property comes from a ``make_*`` factory whose arguments are the statement's
constants, so tests can build wrong variants and watch them be refuted.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import sympy as sp
from hypothesis import strategies as st

from checker import asymptotics, series
from checker.backends.mp import mp_precision
from checker.evidence import by_records
from checker.models import lyapunov, product, toy_manifold
from checker.models import product_statements as pst
from checker.models.gan_losses import STABLE, SUBCRITICAL, TABLE, ProductLoss, product_jax, product_mp
from checker.models.product import normal_form as nf
from checker.property import Property, Source, proves_class, require
from checker.simulate.period2_orbit import period2_orbit
from checker.verdict import Evidence, EvidenceClass, Verdict
from properties._sweeps import thm_sweep

PAPER = "gan2026b"
ARXIV = "2606.15551"
LYAP_LOSSES = ("bce0.8", "zhu", "quartic-sub")  # few losses: each costs one JAX compilation (~3 s)


def _src(ref: str) -> Source:
    return Source(PAPER, ARXIV, ref)


def ps_c1(pl: ProductLoss, x: float) -> float:
    """GAN-B-PS closed form at (x, z*/x): c1 = (eta/2) a s^2 P with eta = 2/(a s)."""
    zstar, a, b, c = pl.derivatives_at_min()
    y = zstar / x
    s = x * x + y * y
    return (2 / (a * s)) / 2 * a * s * s * nf.flip_p_at_imbalance(a, b, c, zstar, (x * x - y * y) ** 2)


# ---- GAN-B-PS ---------------------------------------------------------------------------------------
def make_ps(half: Fraction = Fraction(1, 2)) -> Property:
    """c1 = half * eta a s^2 P on l(xy) (true: 1/2)."""

    @proves_class
    def check() -> Evidence:
        certs = list(pst.ps(half))  # the identities stated from definitions; the verdict rests on their re-check
        failed = by_records(certs, {}, "c1 on the product model")
        if failed is not None:
            return failed
        # the reference spot value: 6 c1/eta = -13.9441277757 at x = 1.7, z* = 0.6, a = 1.3, b = -0.7, c = 2.1
        x, zs, a, b, c = 1.7, 0.6, 1.3, -0.7, 2.1
        y = zs / x
        s = x * x + y * y
        p_flip = nf.flip_p_at_imbalance(a, b, c, zs, (x * x - y * y) ** 2)
        spot = 6 / (2 / (a * s)) * (2 / (a * s)) / 2 * a * s * s * p_flip
        return Evidence(
            Verdict.PROVED,
            EvidenceClass.SYMBOLIC,
            f"sympy, generic l: c1 = (eta/2) a s^2 P on {{xy = z*}}; spot value 6c1/eta = {spot:.10f} "
            "(reference value, computed independently: -13.9441277757)",
            numbers={"spot_6c1_over_eta": spot},
            certificates=certs,
            margin=1.0,
            precision="sympy exact",
        )

    return Property(
        id="GAN-B-PS",
        title="product-stability as the special case l(xy) of the flip coefficient",
        source=_src("Sec. 4 (special case; derived)"),
        statement=f"for L = l(xy) on {{xy = z*}}, eta = 2/(a s): c1 = {half} eta a s^2 P, with "
        "D^3L[v,v,v] = b s^{3/2} + 6a z*/sqrt(s), D^4L[v^4] = c s^2 + 12 b z* + 12 a z*^2/s^2",
        hypotheses="l in C^4, l'(z*) = 0, a > 0",
        provenance=("DERIVED",),
        check=check,
    )


# ---- GAN-B-LYAP -------------------------------------------------------------------------------------
def balanced_cubic(loss: str, dps: int = 40, p: float = 1e-3) -> float:
    """The cubic coefficient K of the two-step GD map along the normal at the balanced minimiser, by simulation.

    At x* = y* = sqrt(z*) the imbalance x^2 - y^2 stays 0 (GD keeps x = y), so there is no drift along M and
    the two-step map of the signed normal distance p, at eta = 2/lambda_max(x*), is p -> p - K p^3 + O(p^4).
    The flip theory says K = 2 c1 (conjugation-invariant: K does not depend on the chart). K is read off
    GD itself in mpmath, Richardson-extrapolated from p and p/2 (error O(p^2)).
    """
    pl = TABLE[loss]
    l1 = pl.loss.mp(1)
    with mp_precision(dps):
        xb = mpmath.sqrt(mpmath.mpf(str(pl.zstar.evalf(dps))))
        eta = 2 / (pl.loss.mp(2)(xb * xb) * 2 * xb * xb)
        v = 1 / mpmath.sqrt(2)

        def k_at(pp: Any) -> Any:
            px, py = xb + pp * v, xb + pp * v
            for _ in range(2):
                px, py = product.gd_step(px, py, l1(px * py), eta)
            normal = (px - xb) * v + (py - xb) * v
            return (pp - normal) / pp**3

        pm = mpmath.mpf(p)
        return float(2 * k_at(pm / 2) - k_at(pm))


def make_lyap(eta_power: int = 1, c1_sign: int = 1, dynamics_tol: float = 0.01) -> Property:
    """c1 by autodiff for a general loss (true: eta^1 on D^4L, sign +1), judged two ways: against the product
    formula on l(xy), and against the dynamics it claims to describe (the two-step map p -> p - 2 c1 p^3 at
    the balanced minimiser, measured by GD in mpmath; within ``dynamics_tol`` relative). The second decision
    tests c1's sign and normalisation against GD itself, not against another formula."""

    def judge(loss: str, x: float, backend: str) -> Evidence:
        pl = TABLE[loss]
        zstar = pl.derivatives_at_min()[0]
        point = (x, zstar / x)
        balanced = (math.sqrt(zstar), math.sqrt(zstar))
        if backend == "jax":
            got = lyapunov.c1_jax(product_jax(loss), point, eta_power=eta_power)
            at_bal = lyapunov.c1_jax(product_jax(loss), balanced, eta_power=eta_power)["c1"]
            cls, prec, tol = EvidenceClass.FLOAT, "float64 (JAX autodiff); mpmath 40 digits (GD)", 1e-7
        else:
            got = lyapunov.c1_mp(product_mp(loss), point, eta_power=eta_power, dps=40)
            at_bal = lyapunov.c1_mp(product_mp(loss), balanced, eta_power=eta_power, dps=40)["c1"]
            cls, prec, tol = EvidenceClass.MPMATH, "mpmath 40 digits (numerical partials); GD at 60 digits", 1e-15
        c1 = c1_sign * got["c1"]
        c1_bal = c1_sign * at_bal
        expect = ps_c1(pl, x)
        rel = abs(c1 - expect) / max(abs(expect), 1e-12)
        k_gd = balanced_cubic(loss, 40 if backend == "jax" else 60, 1e-3 if backend == "jax" else 5e-4)
        dyn_rel = abs(k_gd - 2 * c1_bal) / max(abs(k_gd), 1e-12)
        margin = min(math.log10(tol) - math.log10(max(rel, 1e-300)), (dynamics_tol - dyn_rel) / dynamics_tol)
        ok = margin >= 0
        numbers = {
            **got,
            "c1_claimed": c1,
            "c1_product_formula": expect,
            "relative_error": rel,
            "c1_balanced": c1_bal,
            "gd_cubic_coefficient": k_gd,
            "dynamics_relative_error": dyn_rel,
        }
        sign = "supercritical" if c1 > 0 else "subcritical"
        return Evidence(
            Verdict.CORROBORATED if ok else Verdict.REFUTED,
            cls,
            f"{loss} at x = {x:.4g}: c1 = {c1:.10g} ({backend}) vs (eta/2) a s^2 P = {expect:.10g} ({sign}); rel. "
            f"error {rel:.2g}; at the balanced minimiser GD's two-step map has p^3 coefficient {-k_gd:.6g} vs "
            f"-2 c1 = {-2 * c1_bal:.6g} (rel. error {dyn_rel:.2g}, allowed {dynamics_tol:g})",
            numbers=numbers,
            margin=margin,
            precision=prec,
            counterexample=None if ok else {"loss": loss, "x": x},
        )

    def check(loss: str, x: float) -> Evidence:
        return judge(loss, x, "jax")

    def recheck(loss: str, x: float) -> Evidence:
        return judge(loss, x, "mp")

    quartic = "eta" if eta_power == 1 else f"eta^{eta_power}"
    sgn = "" if c1_sign == 1 else "-"
    return Property(
        id="GAN-B-LYAP",
        title="first Lyapunov coefficient of the flip, for a general loss",
        source=_src("Sec. 3 (flip coefficient; derived)"),
        statement=f"c1 = {sgn}[(eta/2) w^T H^+ w - ({quartic}/6) D^4L[v,v,v,v]], w = D^3L[v,v] = grad S, "
        "eta = 2/lambda_max; computed by autodiff for a general loss; on l(xy) it equals GAN-B-PS, and where there "
        "is no drift along M (the balanced minimiser) GD's two-step map along v is p -> p - 2 c1 p^3 + O(p^4)",
        hypotheses="L in C^4 near a minimiser on a manifold M of minimisers; simple top eigenvalue; the dynamics "
        "are checked at x* = y* = sqrt(z*) (z* > 0)",
        provenance=("DERIVED", "SECONDARY"),
        open_points=("O-3",),
        strategy=st.fixed_dictionaries({"loss": st.sampled_from(LYAP_LOSSES), "x": st.floats(0.6, 3.0)}),
        check=check,
        recheck=recheck,
        uses_jax=True,
    )


# ---- GAN-B-LYAP-II ----------------------------------------------------------------------------------
def cubic_quartic_c1(h: tuple[Fraction, ...], t: tuple[Fraction, ...], q: Fraction, eta_power: int = 1) -> Fraction:
    """c1 exactly for L = sum h_i x_i^2/2 + t_0 x_1^3/6 + (t_1 x_1^2 x_2 + t_2 x_1^2 x_3)/2 + q x_1^4/24 at the
    isolated minimum 0 (h_1 > h_2, h_3 > 0): v = e_1, w = D^3L[v, v] = t, H^+ = diag(1/h), eta = 2/h_1."""
    eta = 2 / h[0]
    return eta / 2 * sum(ti * ti / hi for ti, hi in zip(t, h, strict=True)) - eta**eta_power / 6 * q


def make_lyap_dynamics(c1_sign: int = 1, ratio_tol: float = 0.1) -> Property:
    """GAN-B-LYAP part (ii): the sign of c1 decides the flip of GD itself, on a non-product loss with an isolated
    minimum in R^3 whose third derivative along v couples to both other eigendirections (so w^T H^+ w has three
    terms). c1 is exact (rational coefficients); the GD map's period-2 orbit is found by Newton in mpmath at the
    overshoot sigma = 1e-4 min(|c1|, 1) (amplitude p <= 0.01, inside the asymptotic regime): c1 > 0 must give a stable
    2-cycle for eta lambda_max = 2 + sigma with p^2 within ``ratio_tol`` of sigma/c1, c1 < 0 an unstable one at
    2 - sigma. ``c1_sign`` = -1 is the mutant (the sign of c1 claimed the other way round). The recheck repeats the
    decision at sigma/4, 60 digits."""

    def gd_map(h: list[Any], t: list[Any], q: Any, eta: Any) -> Callable[[list[Any]], list[Any]]:
        def grad(x: list[Any]) -> list[Any]:
            x1, x2, x3 = x
            g1 = h[0] * x1 + t[0] * x1 * x1 / 2 + (t[1] * x2 + t[2] * x3) * x1 + q * x1**3 / 6
            return [g1, h[1] * x2 + t[1] * x1 * x1 / 2, h[2] * x3 + t[2] * x1 * x1 / 2]

        def step(x: list[Any]) -> list[Any]:
            g = grad(x)
            return [xi - eta * gi for xi, gi in zip(x, g, strict=True)]

        return step

    def judge(h: tuple[Fraction, ...], t: tuple[Fraction, ...], q: Fraction, shrink: int, dps: int) -> Evidence:
        c1 = c1_sign * cubic_quartic_c1(h, t, q)
        require(c1 != 0)
        sigma = Fraction(1, 10000) * min(abs(c1), Fraction(1)) / shrink  # p^2 = sigma/|c1| <= 1e-4
        side = 1 if c1 > 0 else -1  # the claim: a stable cycle beyond the threshold iff c1 > 0
        params = {"h": [str(v) for v in h], "t": [str(v) for v in t], "q": str(q)}
        with mp_precision(dps):
            hm, tm, qm = (
                [mpmath.mpf(v.numerator) / v.denominator for v in h],
                [mpmath.mpf(v.numerator) / v.denominator for v in t],
                mpmath.mpf(q.numerator) / q.denominator,
            )
            eta = (2 + side * mpmath.mpf(sigma.numerator) / sigma.denominator) / hm[0]
            step = gd_map(hm, tm, qm, eta)
            p0 = mpmath.sqrt(
                mpmath.mpf(sigma.numerator) / sigma.denominator / abs(mpmath.mpf(c1.numerator) / c1.denominator)
            )
            root, stable = period2_orbit(step, (p0, mpmath.mpf(0), mpmath.mpf(0)), mpmath.mpf(10) ** (-dps // 2))
            found = root is not None
            if root is not None:
                ratio = float(root[0] ** 2 / p0**2)
            else:
                stable, ratio = False, float("nan")
        expect_stable = side > 0
        ok = bool(found and stable == expect_stable and abs(ratio - 1) < ratio_tol)
        what = "stable" if expect_stable else "unstable"
        return Evidence(
            Verdict.CORROBORATED if ok else Verdict.REFUTED,
            EvidenceClass.MPMATH,
            f"H = diag({', '.join(map(str, h))}), D^3L[v,v] = ({', '.join(map(str, t))}), D^4L[v^4] = {q}: c1 = "
            f"{float(c1):.5g} (exact); GD at eta lambda_max = 2 {'+' if side > 0 else '-'} {float(sigma):.3g}: "
            f"{'a' if found else 'no'} period-2 orbit, {'stable' if stable else 'unstable'}, p^2/(sigma/|c1|) = "
            f"{ratio:.4f} (claimed: {what}, ratio within {ratio_tol:g} of 1)",
            numbers={"c1": float(c1), "sigma": float(sigma), "found": found, "stable": stable, "ratio": ratio},
            margin=(ratio_tol - abs(ratio - 1)) if ok else -1.0,
            precision=f"exact c1; mpmath {dps} digits (Newton on the two-step GD map)",
            counterexample=None if ok else params,
        )

    def parse(v: list[str] | tuple[Fraction, ...]) -> tuple[Fraction, ...]:
        return tuple(Fraction(x) for x in v)

    def check(h: Any, t: Any, q: Any) -> Evidence:
        return judge(parse(h), parse(t), Fraction(q), 1, 30)

    def recheck(h: Any, t: Any, q: Any) -> Evidence:
        return judge(parse(h), parse(t), Fraction(q), 4, 60)

    from checker.strategies import fractions

    def build(d: dict[str, Fraction]) -> dict[str, Any]:
        h1 = d["h1"]
        return {"h": (h1, h1 * d["r2"], h1 * d["r3"]), "t": (d["t0"], d["t1"], d["t2"]), "q": d["q"]}

    sign = "" if c1_sign == 1 else "-"
    return Property(
        id="GAN-B-LYAP-II",
        title="the sign of c1 decides the flip of GD (non-product loss, isolated minimum)",
        source=_src("Sec. 3 (flip coefficient; derived)"),
        statement=f"for L in C^4 with an isolated minimum and simple lambda_max, with c1 = {sign}[(eta/2) w^T H^+ w - "
        "(eta/6) D^4L[v^4]]: c1 > 0 => GD at eta lambda_max = 2 + sigma (sigma > 0 small) has a stable period-2 "
        "orbit with |p|^2 ~ sigma/c1 along v; c1 < 0 => an unstable one at 2 - sigma",
        hypotheses="L = sum h_i x_i^2/2 + t_0 x_1^3/6 + (t_1 x_1^2 x_2 + t_2 x_1^2 x_3)/2 + q x_1^4/24, h_1 > h_2, h_3 "
        "> 0, exact rational coefficients; sigma = 1e-4 min(|c1|, 1)",
        provenance=("DERIVED", "SECONDARY"),
        strategy=st.fixed_dictionaries(
            {
                "h1": fractions(1, 4, 100),
                "r2": fractions(Fraction(1, 10), Fraction(9, 10), 100),
                "r3": fractions(Fraction(1, 10), Fraction(9, 10), 100),
                "t0": fractions(-2, 2, 100),
                "t1": fractions(-2, 2, 100),
                "t2": fractions(-2, 2, 100),
                "q": fractions(-6, 6, 100),
            }
        ).map(build),
        check=check,
        recheck=recheck,
        max_examples={"quick": 6, "ci": 15},
    )


# ---- GAN-B-TAN --------------------------------------------------------------------------------------
def make_tan(coefficient: float = 1.0, order: float = 1.0) -> Property:
    """Pi_T(f(f(x* + p v)) - x*) = -coefficient * eta p^2 Pi_T grad S + O(p^(2 + order)) (true: 1, 1).

    The relative error's order in p is fitted in the asymptotic regime, found adaptively
    (checker/asymptotics.py): p is halved from 1e-2 until the order fitted on the last 4 points is stable.
    A fixed window is not enough: at bce0.8, x* = 1.46 the error changes sign near p ~ 1.3e-3 and a fit over
    p = 1.25e-3 .. 1.6e-4 reads order -0.16 for a true statement. The recheck is an independent decision: a
    different grid (p divided by 3 from 3e-3) at more digits, decided by the same rule.
    """

    def error_fn(loss: str, x: float, dps: int) -> tuple[Callable[[float], float], dict[str, float]]:
        pl = TABLE[loss]
        l1 = pl.loss.mp(1)
        with mp_precision(dps):
            xs = mpmath.mpf(x)
            ys = mpmath.mpf(str(pl.zstar.evalf(dps))) / xs
            s = xs * xs + ys * ys
            eta = 2 / (pl.loss.mp(2)(xs * ys) * s)
            v = (ys / mpmath.sqrt(s), xs / mpmath.sqrt(s))
            t = (xs / mpmath.sqrt(s), -ys / mpmath.sqrt(s))
            parts = lyapunov.partials_mp(product_mp(loss), (xs, ys), dps)
            w = [lyapunov.tensor(parts, [v, v, e]) for e in ((1, 0), (0, 1))]
            grad_s_t = w[0] * t[0] + w[1] * t[1]  # Pi_T grad S (coordinate along t)

        def rel_error(p: float) -> float:
            with mp_precision(dps):
                pm = mpmath.mpf(p)
                px, py = xs + pm * v[0], ys + pm * v[1]
                for _ in range(2):
                    px, py = product.gd_step(px, py, l1(px * py), eta)
                move_t = (px - xs) * t[0] + (py - ys) * t[1]
                claim = -coefficient * eta * pm * pm * grad_s_t
                return float(abs(move_t - claim) / abs(claim))

        return rel_error, {"eta": float(eta), "grad_s_t": float(grad_s_t)}

    def judge(loss: str, x: float, dps: int, p0: float, ratio: float) -> Evidence:
        pl = TABLE[loss]
        zstar = pl.derivatives_at_min()[0]
        rel_error, info = error_fn(loss, x, dps)
        require(abs(info["grad_s_t"]) > 1e-12)  # hypothesis: Pi_T grad S != 0
        # p^2 relative to the coordinates needs dps digits; the error ~ p^order must stay 8 digits above them
        fit = asymptotics.adaptive_order(
            rel_error, p0, ratio=ratio, h_min=10.0 ** (-(dps - 8) / 3), agree=0.1, floor=10.0 ** (8 - dps)
        )
        where = f"{loss} at x* = ({x:.3g}, {float(zstar / x):.3g})"
        numbers: dict[str, Any] = {
            "p": fit.hs,
            "relative_error": fit.errors,
            "window_orders": fit.orders,
            "p_range": list(fit.h_range),
        }
        ser = {
            "order": series.fit(
                "GAN-B-TAN: relative error of the two-step tangent move against p",
                fit.hs,
                fit.errors,
                slope=float(fit.order if fit.order is not None else (fit.orders or [0.0])[-1]),
                intercept=float(np.polyfit(np.log(fit.hs[-4:]), np.log(np.maximum(fit.errors[-4:], 1e-300)), 1)[1]),
                expected_slope=order,
                x_label="p",
                y_label="relative error",
            )
        }
        prec = f"mpmath {dps} digits"
        if not fit.stable:
            return Evidence(
                Verdict.UNDECIDED,
                EvidenceClass.MPMATH,
                f"{where}: {fit.reason}",
                numbers=numbers,
                series=ser,
                precision=prec,
            )
        assert fit.order is not None
        numbers["fitted_order"] = fit.order
        margin = fit.margin(order, 0.25)
        ok = margin >= 0
        return Evidence(
            Verdict.CORROBORATED if ok else Verdict.REFUTED,
            EvidenceClass.MPMATH,
            f"{where}: relative error {fit.errors[0]:.2g} -> {fit.errors[-1]:.2g} for p = {fit.hs[0]:.3g} -> "
            f"{fit.hs[-1]:.3g}; order stable at {fit.order:.2f} on p in [{fit.h_range[1]:.3g}, {fit.h_range[0]:.3g}] "
            f"(expected {order:g}, need >= {order - 0.25:g})",
            numbers=numbers,
            series=ser,
            margin=margin,
            precision=prec,
            counterexample=None if ok else {"loss": loss, "x": x},
        )

    def check(loss: str, x: float) -> Evidence:
        return judge(loss, x, 40, 1e-2, 2.0)

    def recheck(loss: str, x: float) -> Evidence:
        return judge(loss, x, 60, 3e-3, 3.0)

    return Property(
        id="GAN-B-TAN",
        title="two-step tangent drift = gradient step on the sharpness along M",
        source=_src("Sec. 3 (tangent dynamics; derived)"),
        statement=f"x = x* + p v: Pi_T(f(f(x)) - x*) = -{coefficient:g} eta p^2 Pi_T grad S(x*) + O(p^{2 + order:g}), "
        "eta = 2/lambda_max(x*); the relative error's order in p is fitted where it is stable (p halved from 1e-2 "
        "until two consecutive 4-point fits agree within 0.1; the range used is reported)",
        hypotheses="l(xy), x* on {xy = z*} with x*^2 != y*^2 (Pi_T grad S != 0)",
        provenance=("DERIVED",),
        strategy=st.fixed_dictionaries(
            {"loss": st.sampled_from(("zhu", "bce0.8", "logcosh")), "x": st.floats(1.3, 3.0)}
        ),
        check=check,
        recheck=recheck,
        # the error changes sign near p ~ 1.3e-3 here: a fit over fixed p read order -0.16 (ci seed 16 refuted the
        # true statement before the regime was searched adaptively)
        examples=[{"loss": "bce0.8", "x": 1.462890625}],
    )


# ---- GAN-B-SETUP ------------------------------------------------------------------------------------
def make_setup(multiplier: Fraction = Fraction(-1), tangent: Fraction = Fraction(1)) -> Property:
    """At x* on M = {xy = z*} (l'(z*) = 0) the GD Jacobian A = I - eta H has ``tangent`` (true 1) on T_x*M and,
    at eta lambda_max = 2, ``multiplier`` (true -1) along the top eigenvector v; the other normal eigenvalue
    (here none: codim M = 1) and H t = 0 make -1 the only critical multiplier. Sympy, generic l (the whole class)."""
    mult, tang = sp.Rational(multiplier), sp.Rational(tangent)

    @proves_class
    def check() -> Evidence:
        certs = list(pst.setup(mult, tang))  # stated from definitions; the verdict rests on their re-check
        failed = by_records(certs, {}, "normal/tangent split")
        if failed is not None:
            return failed
        return Evidence(
            Verdict.PROVED,
            EvidenceClass.SYMBOLIC,
            "sympy, generic l on {xy = z*}: H v = l'' s v, H t = 0; A = I - eta H has 1 on T and -1 along v at "
            "eta = 2/lambda_max",
            certificates=certs,
            margin=1.0,
            precision="sympy exact",
        )

    return Property(
        id="GAN-B-SETUP",
        title="normal/tangent split: the flip multiplier -1 along v",
        source=_src("Sec. 2 (setting; abstract)"),
        statement=f"at x* in the minimiser manifold M, A = I - eta H(x*) has eigenvalue {tang} on T_x*M and, at "
        f"eta lambda_max(x*) = 2, eigenvalue {mult} along the top eigenvector v (normal); checked for L = l(xy), "
        "M = {xy = z*}, generic l",
        hypotheses="(G) M a C^k submanifold with rank H = codim M; (S) lambda_max simple, other normal eigenvalues "
        "in (0, 2/eta) (the hypotheses are RECONSTRUCTED: the paper only says 'mild spectral and geometric')",
        provenance=("SOURCED", "SECONDARY", "RECONSTRUCTED"),
        open_points=("O-3",),
        check=check,
    )


# ---- GAN-B-THM --------------------------------------------------------------------------------------
def make_thm(require_c1_positive: bool = True) -> Property:
    """Main theorem (reconstructed): c1 > 0 and Pi_T grad S != 0 => GD at eta = 2/lambda_max(x*) from nearby converges.

    ``require_c1_positive=False`` is the mutant: the same conclusion claimed without c1 > 0.
    """

    def judge_toy(x: float, u0: float, beta: float, gamma: float, backend: str) -> Evidence:
        """The non-product toy (checker/models/toy_manifold.py) at x* = (kappa y*^2, y*), y* = x/3."""
        ys = x / 3
        xs = toy_manifold.KAPPA * ys * ys
        c1 = lyapunov.c1_mp(toy_manifold.loss_mp(beta, gamma), (xs, ys))
        if require_c1_positive:
            require(c1["c1"] > 0)
        eta = c1["eta"]
        n = math.hypot(1.0, 2 * toy_manifold.KAPPA * ys)
        start = [xs + u0 / n, ys - u0 * 2 * toy_manifold.KAPPA * ys / n]  # x* + u0 v (v: top eigenvector)
        if backend == "jax":
            run = toy_manifold.gd_jax(start, beta, gamma, eta, steps=2_000_000, tol=1e-10)
            cls, prec = EvidenceClass.FLOAT, "float64 (JAX)"
        else:
            run = toy_manifold.gd_mp(start, beta, gamma, eta, steps=200_000, tol=1e-10)
            run["sharpness"] = toy_manifold.sharpness_mp(run["theta"], beta, gamma)
            cls, prec = EvidenceClass.MPMATH, "mpmath 30 digits"
        lam, status = run["sharpness"], run["status"]
        ok = status == "converged" and lam < 2 / eta
        return Evidence(
            Verdict.CORROBORATED if ok else Verdict.REFUTED,
            cls,
            f"non-product toy (beta {beta:.3g}, gamma {gamma:.3g}; c1 = {c1['c1']:.3g}) "
            f"from x* = ({xs:.3g}, {ys:.3g}), "
            f"u0 = {u0:.3g}, eta = 2/lambda_max = {eta:.4g}: {status} after {run['steps']} steps, final sharpness "
            f"{lam:.6g} vs 2/eta = {2 / eta:.6g}",
            numbers={"c1": c1["c1"], "eta": eta, "final_sharpness": lam, "status": status, "steps": run["steps"]},
            margin=(2 / eta - lam) * eta if ok else -1.0,
            precision=prec,
            counterexample=None if ok else {"loss": "toy", "x": x, "u0": u0, "beta": beta, "gamma": gamma},
        )

    def judge(loss: str, x: float, u0: float, backend: str, beta: float = 0.0, gamma: float = 0.0) -> Evidence:
        if loss == "toy":
            return judge_toy(x, u0, beta, gamma, backend)
        pl = TABLE[loss]
        zstar, a, _, _ = pl.derivatives_at_min()
        c1 = ps_c1(pl, x)
        if require_c1_positive:
            require(c1 > 0)
        y = zstar / x
        d = x * x - y * y  # fixed imbalance; z = z* + u0 ("a fixed-D perturbation")
        eta = 2 / (a * (x * x + y * y))
        z = zstar + u0
        x0 = math.sqrt((d + math.sqrt(d * d + 4 * z * z)) / 2)
        y0 = z / x0
        if backend == "jax":
            from checker.simulate.product_jax import simulate_product_batch

            r = simulate_product_batch(pl.loss, [x0], [y0], [eta], steps=3_000_000, grad_tol=1e-10)
            lam, conv, div = float(r.sharpness[0]), bool(r.converged[0]), bool(r.diverged[0])
            cls, prec = EvidenceClass.FLOAT, "float64 (JAX)"
        else:
            from checker.simulate.product_mp import simulate_product_mp

            tr = simulate_product_mp(
                pl.loss, repr(x0), repr(y0), repr(eta), steps=200_000, dps=20, record_every=0, grad_tol="1e-10"
            )
            conv, div = tr.status == "converged", tr.status == "diverged"
            lam = float(tr.final_sharpness) if tr.final_sharpness is not None else float("nan")
            cls, prec = EvidenceClass.MPMATH, "mpmath 20 digits"
        ok = conv and not div and lam < 2 / eta
        return Evidence(
            Verdict.CORROBORATED if ok else Verdict.REFUTED,
            cls,
            f"{loss} (c1 = {c1:.3g}) from x* = ({x:.3g}, {y:.3g}), u0 = {u0:.3g}, eta = 2/lambda_max = {eta:.4g}: "
            f"converged={conv}, diverged={div}, final sharpness {lam:.6g} vs 2/eta = {2 / eta:.6g}",
            numbers={"c1": c1, "eta": eta, "final_sharpness": lam, "converged": conv, "diverged": div},
            margin=(2 / eta - lam) * eta if ok else -1.0,
            precision=prec,
            counterexample=None if ok else {"loss": loss, "x": x, "u0": u0, "beta": 0.0, "gamma": 0.0},
        )

    def check(loss: str, x: float, u0: float, beta: float, gamma: float) -> Evidence:
        return judge(loss, x, u0, "jax", beta, gamma)

    def recheck(loss: str, x: float, u0: float, beta: float, gamma: float) -> Evidence:
        return judge(loss, x, u0, "mp", beta, gamma)

    cond = "c1(x*) > 0 and " if require_c1_positive else ""
    return Property(
        id="GAN-B-THM",
        title="convergence to the minimiser manifold at the EoS threshold",
        source=_src("Thm 4.4 (numbering SECONDARY)"),
        statement=f"{cond}Pi_T grad S(x*) != 0: GD with eta = 2/lambda_max(H(x*)) from a neighbourhood of x* converges "
        "to a point of M with sharpness < 2/eta (checked on l(xy) with a fixed-D perturbation z = z* + u0, and on a "
        "non-product toy L = q(y) phi(x - m(y)) with a curved minimiser set, from x* + u0 v)",
        hypotheses="(G) M a C^k submanifold with rank H = codim M; (S) simple top eigenvalue = 2/eta (reconstructed)",
        provenance=("RECONSTRUCTED", "SOURCED", "SECONDARY", "DERIVED"),
        open_points=("O-3",),
        strategy=st.fixed_dictionaries(
            {
                "loss": st.sampled_from((*STABLE[:2], *SUBCRITICAL, "toy")),
                "x": st.floats(2.0, 4.0),
                "u0": st.floats(1e-3, 5e-2),
                "beta": st.floats(-1.5, 1.5),  # the toy's cubic and quartic coefficients (unused for l(xy))
                "gamma": st.floats(-2.0, 2.0),
            }
        ),
        check=check,
        recheck=recheck,
        sweep=thm_sweep(require_c1_positive),
        uses_jax=True,
    )


PROPERTIES: list[Property] = [make_ps(), make_lyap(), make_tan(), make_thm(), make_setup(), make_lyap_dynamics()]
