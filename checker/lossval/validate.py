"""The loss-validation job: certified minimisers -> product-stability -> finite eta -> 2-cycles -> simulation.

Evidence ladder per minimiser (the verdict levels): the verdict rests on the alpha ball (CERTIFIED) or on a sympy
identity (PROVED, degenerate case); simulations only CORROBORATE it and never upgrade an UNDECIDED one.
If a simulation contradicts a certified verdict (e.g. product-stable but the runs diverge where GAN-A-NF
says they converge) this is recorded in ``notes``, loudly: it would mean a bug or a theorem's hypothesis
failing, not a reason to change the certified verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flint import arb

from checker.backends.ball import ball_precision
from checker.backends.precision import REFINE_BITS_MAX, USER_BITS_MAX
from checker.certify.krawczyk import krawczyk_certificate
from checker.certify.minimizers import CriticalSet, critical_points
from checker.certify.period2 import certify_period2, default_sigmas
from checker.certify.stability import Stability, product_stability
from checker.loss import Loss
from checker.lossval import finite_eta
from checker.lossval.result import EtaResult, LossValidation, MinimizerResult, enc
from checker.parse import Z
from checker.series import bifurcation

MAX_PREC_LIMIT = USER_BITS_MAX


def _sign(x: arb) -> str:
    return "positive" if x > 0 else "negative" if x < 0 else "undecided"


def validate_loss(
    loss: Loss,
    *,
    domain: tuple[float, float],
    etas: Sequence[float] = (),
    runs: int = 10_000,
    steps: int = 20_000,
    prec: int = 128,
    max_prec: int = REFINE_BITS_MAX,
    simulate: bool = True,
    diagram: bool = True,
    seed: int = 0,
    progress: Callable[[str], None] = lambda msg: None,
) -> LossValidation:
    progress("certifying critical points")
    cs = critical_points(loss, domain, prec=prec)
    out = LossValidation(
        loss=loss.to_json(),
        domain=domain,
        prec=prec,
        critical_points=[{"kind": p.kind, "z": enc(p.box)} for p in cs.points],
        undecided_regions=[{"lo": r.lo, "hi": r.hi, "reason": r.reason} for r in cs.undecided],
        kinks=[{"lo": r.lo, "hi": r.hi, "reason": r.reason} for r in cs.kinks],
        minimizers=[],
    )
    if not cs.minima:
        out.no_minimizer_reason = _no_minimizer_reason(cs)
    if cs.kinks:
        out.notes.append("the loss has kinks (abs/sign) in the domain: no minimiser can be certified at a kink")
    for i, point in enumerate(cs.minima, 1):
        progress(f"minimiser {i}: product-stability")
        st = product_stability(loss, point, max_prec=max_prec)
        out.minimizers.append(_minimizer(loss, i, point, st, etas, runs, steps, simulate, diagram, seed, progress, out))
    return out


def _no_minimizer_reason(cs: CriticalSet) -> str:
    lo, hi = cs.domain
    maxima = [p for p in cs.points if p.kind == "maximum"]
    if not cs.complete:
        return (
            f"no minimiser certified in [{lo:g}, {hi:g}]; parts of the domain could not be decided "
            "(see undecided regions / kinks)"
        )
    if not cs.points:
        if cs.sign_l1 == "negative":
            return f"l' < 0 on all of [{lo:g}, {hi:g}] (certified): l decreases toward +infinity, no minimiser"
        if cs.sign_l1 == "positive":
            return f"l' > 0 on all of [{lo:g}, {hi:g}] (certified): l decreases toward -infinity, no minimiser"
        return f"l' has no zero in [{lo:g}, {hi:g}] (certified)"
    return f"l' has {len(cs.points)} certified zero(s) in [{lo:g}, {hi:g}], none a minimum ({len(maxima)} maxima)"


def _minimizer(
    loss: Loss,
    index: int,
    point: Any,
    st: Stability,
    etas: Sequence[float],
    runs: int,
    steps: int,
    simulate: bool,
    diagram: bool,
    seed: int,
    progress: Callable[[str], None],
    out: LossValidation,
) -> MinimizerResult:
    certs = [
        krawczyk_certificate(
            loss.derivative(1),
            loss.derivative(2),
            Z,
            point.krawczyk,
            "l' has exactly one zero z* in the box",
            "positive",
        ),
        *st.certificates,
    ]
    res = MinimizerResult(
        index=index,
        z=enc(st.box),
        alpha=enc(st.alpha) if st.verdict != "degenerate" else {"lo": "0", "hi": "0"},
        verdict=st.verdict,
        evidence=st.evidence,
        reason=st.reason + (f" ({st.exact_zero})" if st.exact_zero else ""),
        derivatives={"l2": enc(st.a), "l3": enc(st.b), "l4": enc(st.c), "prec": st.prec},
        certificates=certs,
    )
    zf, af = float(st.box.mid()), float(st.a.mid())
    alpha_f = 0.0 if st.verdict == "degenerate" else float(st.alpha.mid())
    chosen = list(etas) or finite_eta.default_etas(af, zf, alpha_f)
    if not etas:
        out.notes.append(f"minimiser {index}: default etas {chosen} (rule in checker/lossval/finite_eta.py)")
    with ball_precision(st.prec):
        alpha_b = arb(0) if st.verdict == "degenerate" else st.alpha
        for eta in chosen:
            eta_b = arb(eta)
            an = finite_eta.analyse_eta(alpha_b, st.a, st.b, st.box, eta, eta_b)
            p_sign = _sign(an.P)
            pred = float(an.limit.mid()) if an.t43_applies else None
            res.etas.append(
                EtaResult(
                    eta=eta,
                    s_c=enc(an.s_c),
                    P=enc(an.P),
                    P_sign=p_sign,
                    predicted_final_sharpness=pred,
                    predicted_final_sharpness_enclosure=enc(an.limit) if pred is not None else None,
                    regime=an.regime,
                )
            )
    if diagram and res.etas:
        progress(f"minimiser {index}: period-2 orbits")
        res.bifurcation = _diagram(loss, st, res.etas[0])
    if simulate:
        from checker.lossval.simulation import simulate as run_sim

        for er in res.etas:
            progress(f"minimiser {index}: simulating eta={er.eta:g} ({runs} runs)")
            p_f = float(arb(er.P["lo"]).union(arb(er.P["hi"])).mid()) if er.P else 0.0
            k_f = float(finite_eta.k_coeff(af, zf, er.eta))
            ev = run_sim(loss, zf, af, p_f, k_f, er.eta, runs=runs, steps=steps, seed=seed)
            er.simulation = ev.__dict__.copy()
            contradicts = (st.verdict == "product-stable" and p_f > 0 and ev.diverged_fraction > 0) or (
                st.verdict == "not-product-stable"
                and ev.divergence_agreement is not None
                and ev.divergence_agreement < 0.99
            )
            if contradicts:
                out.notes.append(
                    f"minimiser {index}, eta={er.eta:g}: simulation disagrees with the prediction: {ev.summary}"
                )
        if res.evidence == "UNDECIDED" and any(e.simulation.get("verdict") == "CORROBORATED" for e in res.etas):
            out.notes.append(f"minimiser {index}: simulations do not decide the sign of alpha (float evidence)")
    return res


def _diagram(loss: Loss, st: Stability, er: EtaResult) -> dict[str, Any] | None:
    """Certified 2-cycles at a grid of overshoots (at the first eta) next to u^2 = sigma/P."""
    if er.P is None or er.P_sign == "undecided":
        return None
    p_f = (float(er.P["lo"]) + float(er.P["hi"])) / 2
    sig, us, stable, certified, points = [], [], [], [], []
    for sigma in default_sigmas(p_f):
        r = certify_period2(loss, st.box, st.a, er.eta, sigma, p_f, prec=max(st.prec, 128))
        points.append(
            {
                "sigma": sigma,
                "status": r.status,
                "stability": r.stability,
                "u": [r.u1, r.u2],
                "box": enc(r.box),
                "multiplier": enc(r.multiplier),
                "reason": r.reason,
            }
        )
        if r.certified:
            for u in (r.u1, r.u2):
                sig.append(sigma)
                us.append(u)
                stable.append(r.stability == "stable")
                certified.append(True)
    pred_s = default_sigmas(p_f, 40)
    pred_u = [(s / p_f) ** 0.5 for s in pred_s]
    series = bifurcation(
        f"frozen-D 2-cycles at eta={er.eta:g} (GAN-A-FLIP): u = z - z* vs sigma; predicted u^2 = sigma/P",
        sig,
        us,
        stable=stable,
        certified=certified,
        predicted_sigma=pred_s + pred_s,
        predicted_u=pred_u + [-u for u in pred_u],
    )
    series["points"] = points
    series["eta"] = er.eta
    return series
