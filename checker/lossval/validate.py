"""The loss-validation job: certified cover of the domain -> product-stability per minimiser -> finite eta ->
2-cycles -> simulation -> basin.

Evidence ladder per minimiser (the verdict levels): the verdict rests on the alpha ball (CERTIFIED) or on a sympy
identity (PROVED, degenerate case); simulations only CORROBORATE it and never upgrade an UNDECIDED one.
If a simulation contradicts a certified verdict (e.g. product-stable but the runs diverge where GAN-A-NF
says they converge) this is recorded in ``notes``, loudly: it would mean a bug or a theorem's hypothesis
failing, not a reason to change the certified verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from typing import Any

from flint import arb

from checker.backends.ball import ball_precision
from checker.backends.precision import REFINE_BITS_MAX, USER_BITS_MAX
from checker.certify.krawczyk import krawczyk_certificate
from checker.certify.minimizers import CriticalPoint
from checker.certify.period2 import certify_period2, default_sigmas
from checker.certify.stability import Stability, product_stability
from checker.loss import Loss
from checker.lossval import finite_eta
from checker.lossval.cover import Piece, build_cover
from checker.lossval.result import EtaResult, LossValidation, MinimiserResult, enc, exact_text
from checker.lossval.simulation import SIGMA_HI, SIGMA_LO
from checker.parse import Z
from checker.progress import counter
from checker.series import bifurcation
from checker.verdict import Evidence, EvidenceClass, Verdict

MAX_PREC_LIMIT = USER_BITS_MAX
BASIN_RUNS = 32  # starts per overshoot in the basin search (x 12 overshoots x 3 rounds)


def validate_loss(
    loss: Loss,
    *,
    domain: tuple[Fraction, Fraction],
    etas: Sequence[float] = (),
    runs: int = 10_000,
    steps: int = 20_000,
    prec: int = 128,
    max_prec: int = REFINE_BITS_MAX,
    simulate: bool = True,
    diagram: bool = True,
    basin: bool = False,
    sigma_range: tuple[float, float] = (SIGMA_LO, SIGMA_HI),
    seed: int = 0,
    progress: Callable[[str], None] = lambda msg: None,
) -> LossValidation:
    progress("certifying a cover of the domain")
    cover = build_cover(loss, domain, prec=prec)
    out = LossValidation(loss=loss.to_json(), cover=cover, minimisers=[], sigma_range=sigma_range, simulated=simulate)
    if any("kink" in p.reason for p in cover.undecided):
        out.notes.append("the loss has kinks (abs/sign) in the domain: no minimiser can be certified at a kink")
    for i, piece in enumerate(cover.minimisers, 1):
        if piece.kind == "exact-root":
            out.minimisers.append(_degenerate_minimum(i, piece))
            continue
        progress(f"minimiser {i}: product-stability")
        point = _critical_point(piece)
        st = product_stability(loss, point, max_prec=max_prec)
        m = _minimiser(loss, i, piece, point, st, etas, diagram, progress, out)
        if simulate:
            _simulate(loss, i, st, m, runs, steps, seed, sigma_range, basin, progress, out)
        out.minimisers.append(m)
    return out


def _critical_point(piece: Piece) -> CriticalPoint:
    k = piece.krawczyk
    assert k is not None and piece.l2 is not None  # a root piece always carries its Krawczyk result
    return CriticalPoint("minimum", k.box, k, piece.l2)  # same construction as Cover.minimum_points


def _degenerate_minimum(index: int, piece: Piece) -> MinimiserResult:
    """A minimiser with l'' = 0, found exactly: named, with the order of its first non-vanishing derivative."""
    order = piece.order or 0
    name = "l" + "'" * order if order <= 4 else f"l^({order})"
    where = exact_text(piece)
    summary = (
        f"z* = {where} is a degenerate minimum: l' = 0 there exactly, the first non-vanishing derivative is "
        f"{name} (order {order}), so l''(z*) = 0 and the threshold 2/(eta l''(z*)) is infinite: the EoS theory "
        "(product-stability, the flip at 2/eta) does not apply"
    )
    ev = Evidence(Verdict.PROVED, EvidenceClass.SYMBOLIC, summary, numbers={"z": where, "order": order})
    return MinimiserResult(index=index, piece=piece, kind="degenerate-minimum", evidence=ev)


def _minimiser(
    loss: Loss,
    index: int,
    piece: Piece,
    point: CriticalPoint,
    st: Stability,
    etas: Sequence[float],
    diagram: bool,
    progress: Callable[[str], None],
    out: LossValidation,
) -> MinimiserResult:
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
    summary = st.reason + (f" ({st.exact_zero})" if st.exact_zero else "")
    res = MinimiserResult(index=index, piece=piece, kind=st.kind, evidence=st.evidence(summary, certs), stability=st)
    zf, af = float(st.box.mid()), float(st.a.mid())
    alpha_f = 0.0 if st.kind == "degenerate" else float(st.alpha.mid())
    chosen = list(etas) or finite_eta.default_etas(af, zf, alpha_f)
    if not etas:
        out.notes.append(f"minimiser {index}: default etas {chosen} (rule in checker/lossval/finite_eta.py)")
    out.etas = sorted(set(out.etas) | set(chosen))
    with ball_precision(st.prec):
        alpha_b = arb(0) if st.kind == "degenerate" else st.alpha
        for eta in chosen:
            res.etas.append(EtaResult(finite_eta.analyse_eta(alpha_b, st.a, st.b, st.box, eta, arb(eta))))
    if diagram and res.etas:
        progress(f"minimiser {index}: period-2 orbits")
        res.bifurcation = _diagram(loss, st, res.etas[0])
    return res


def _simulate(
    loss: Loss,
    index: int,
    st: Stability,
    res: MinimiserResult,
    runs: int,
    steps: int,
    seed: int,
    sigma_range: tuple[float, float],
    basin: bool,
    progress: Callable[[str], None],
    out: LossValidation,
) -> None:
    """The simulations (and the basin) of one minimiser: evidence next to its certificates.

    The float batches run one after another in a worker thread (XLA releases the GIL while it computes), the
    analysis and the mpmath replays on this thread in the same order as before, so eta 1's replay overlaps
    eta 2's batch and the last replay the basin's batches: the same runs and results, ~0.3 s less wall time
    on 2 cores. Nothing that touches mpmath runs in the worker: mpmath's precision is process-global.
    """
    from checker.lossval import simulation
    from checker.lossval.basin import basin_runs, replay_boundary

    zf, af = float(st.box.mid()), float(st.a.mid())
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="eoscheck-batches")
    try:
        batches = [
            pool.submit(
                simulation.run_batch,
                loss,
                zf,
                af,
                er.eta,
                runs=runs,
                steps=steps,
                seed=seed,
                sigma_range=sigma_range,
                progress=counter(progress, f"minimiser {index}: simulating eta={er.eta:g}"),
            )
            for er in res.etas
        ]
        basins = [
            pool.submit(basin_runs, loss, st, er, runs=min(runs, BASIN_RUNS), steps=steps, seed=seed)
            for er in (res.etas if basin else [])
        ]
        for er, batch in zip(res.etas, batches, strict=True):
            progress(f"minimiser {index}: simulating eta={er.eta:g} ({runs} runs)")
            p_f = finite_eta.p_float(er.analysis.P)
            k_f = float(finite_eta.k_coeff(af, zf, er.eta))
            ev = simulation.evidence(loss, batch.result(), p_f, k_f, er.eta, runs=runs, steps=steps, seed=seed)
            er.simulation = ev
            contradicts = (st.kind == "product-stable" and p_f > 0 and ev.diverged_fraction > 0) or (
                st.kind == "not-product-stable"
                and ev.divergence_agreement is not None
                and ev.divergence_agreement < 0.99
            )
            if contradicts:
                out.notes.append(
                    f"minimiser {index}, eta={er.eta:g}: simulation disagrees with the local prediction: {ev.summary}"
                )
        for er, job in zip(res.etas, basins, strict=False):
            progress(f"minimiser {index}: basin at eta={er.eta:g}")
            found, boundary = job.result()
            replay_boundary(loss, found, boundary)
            er.basin = found
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _diagram(loss: Loss, st: Stability, er: EtaResult) -> dict[str, Any] | None:
    """Certified 2-cycles at a grid of overshoots (at the first eta) next to u^2 = sigma/P."""
    P = er.analysis.P
    p_f = finite_eta.p_float(P)
    if not (P > 0 or P < 0) or p_f == 0.0:  # P = 0 or undecided; or too small for doubles: sqrt(sigma/P) overflows
        return None
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
