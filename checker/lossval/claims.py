"""The loss result as report claims: the two headline verdicts, one claim per minimiser, the family.

One place turns the typed result into :class:`~checker.claim.ClaimResult` records (the CLI only parses,
calls and prints). The claims are decided by the loss job itself, so their properties have no check to
re-run: calling one says so instead of pretending.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import sympy as sp

from checker import certificate, series
from checker.backends.ball import ball_precision
from checker.certify.krawczyk import krawczyk_operator
from checker.claim import ClaimResult, RunRecord, jsonable
from checker.lossval.cover import Cover, Piece, ball, dec, readable
from checker.lossval.family import FamilyResult
from checker.lossval.result import MINIMISER_TEXT, EtaResult, Headline, LossValidation, MinimiserResult
from checker.parse import Z
from checker.property import Property, Source
from checker.verdict import Enclosure, Evidence, Provenance, Verdict

PROVENANCE = [Provenance.SECONDARY, Provenance.DERIVED, Provenance.RECONSTRUCTED]  # GAN-A-D4.1 wording


def _decided_by_the_loss_job(**_: Any) -> Evidence:
    raise RuntimeError("loss claims are decided by `eoscheck loss`; run that command again to re-decide them")


def _prop(pid: str, title: str, statement: str, ref: str, hypotheses: str = "") -> Property:
    return Property(
        id=pid,
        title=title,
        source=Source("Gan 2026a (product-stability)", "2604.02653", ref),
        statement=statement,
        provenance=PROVENANCE,
        check=_decided_by_the_loss_job,
        hypotheses=hypotheses,
        open_points=("O-1",),
    )


def to_claims(result: LossValidation) -> list[ClaimResult]:
    """Every claim of the report, headline verdicts first."""
    text = result.loss["text"]
    h = result.stability_headline()
    certs = cover_certificates(result.cover) if h.verdict in (Verdict.PROVED, Verdict.CERTIFIED) else []
    claims = [_headline_claim("LOSS-STABILITY", f"product-stability of {text}", h, "Def. 4.1", certs)]
    conv = result.convergence_headline()
    if conv is not None:
        claims.append(_convergence_claim(result, conv))
    claims.extend(_minimiser_claim(result, m) for m in result.minimisers)
    if result.family is not None:
        claims.append(result.family.to_claim(_prop))
    return claims


def cover_certificates(cover: Cover) -> list[dict[str, Any]]:
    """Every piece of the cover as records the verifier already re-checks: a ball-sign of l' per sign piece, a
    Krawczyk record (with the sign of l'') and the alpha sign per root piece, sympy zeros of l', l'', ... and
    the sign of the first non-vanishing derivative at an exact root. Contiguity is the cover's own check."""
    loss = cover.loss
    l1, l2 = loss.derivative(1), loss.derivative(2)
    out: list[dict[str, Any]] = []
    for p in cover.pieces:
        at = Enclosure(dec(p.lo), dec(p.hi))
        where = f"[{at.lo}, {at.hi}]"
        if p.kind == "sign" and p.sign:
            out.append(certificate.ball_sign(l1, Z, at, p.sign, cover.prec, f"l' is {p.sign} on {where}"))
        elif p.kind == "root":
            with ball_precision(cover.prec):
                x = ball(p.lo, p.hi)
                k = krawczyk_operator(loss.ball(1), loss.ball(2), x)
            assert k is not None  # the cover stored this piece because the step succeeded
            sign_df = "positive" if p.type == "minimum" else "negative"
            claim = f"l' has exactly one zero in {where}, a {p.type}"
            out.append(certificate.krawczyk(l1, l2, Z, at, Enclosure.from_arb(k), cover.prec, claim, sign_df))
            if p.alpha_sign:
                alpha = loss.product_stability_expr()
                out.append(
                    certificate.ball_sign(
                        alpha, Z, at, p.alpha_sign, cover.prec, f"alpha_l is {p.alpha_sign} on {where}"
                    )
                )
        elif p.kind == "exact-root" and p.value is not None and p.order:
            out.extend(_exact_root_certificates(loss, p))
    return out


def _exact_root_certificates(loss: Any, p: Piece) -> list[dict[str, Any]]:
    """l^(k)(value) = 0 for k < order (sympy identities) and the sign of l^(order) at value (a point ball).

    A root without a closed form (a CRootOf) is stated through its minimal polynomial f instead:
    l' = f^(order-1) h identically, and h has one sign on the isolating interval (so l' vanishes to order
    exactly order-1 at the root and nowhere else there)."""
    value = p.value
    if value is not None and p.poly is not None and readable(value) is None and p.order:
        return _algebraic_root_certificates(loss, p)
    out = [
        # stated from l (verify differentiates it): the substituted derivative alone is the vacuous literal 0
        certificate.derivative_at(loss.expr, Z, k, value, sp.Integer(0), f"l^({k}) vanishes at z = {value}")
        for k in range(1, p.order or 1)
    ]
    if value is not None and p.order and value.is_Rational:
        q = Fraction(int(value.p), int(value.q))
        try:
            at = Enclosure(dec(q), dec(q))
        except ValueError:
            return out
        top = loss.derivative(p.order)
        out += _sign_certificate(top, at, lambda sign: f"l^({p.order}) is {sign} at z = {value}")
    return out


def _algebraic_root_certificates(loss: Any, p: Piece) -> list[dict[str, Any]]:
    assert p.poly is not None and p.order
    m = p.order - 1
    h = sp.cancel(loss.derivative(1) / p.poly**m)
    at = Enclosure(dec(p.lo), dec(p.hi))
    where = f"[{at.lo}, {at.hi}]"
    syms = {s.name: ["real"] for s in sorted(loss.expr.free_symbols, key=str)}
    out = [
        certificate.identity(
            f"l' = ({p.poly})^{m} h(z): the root of {p.poly} in {where} is a zero of l' of multiplicity {m}",
            syms,
            [],
            [("l", str(loss.expr))],
            f"diff(l, {Z.name})",
            f"({p.poly})**{m}*({h})",
        )
    ]
    return out + _sign_certificate(h, at, lambda sign: f"h = l'/({p.poly})^{m} is {sign} on {where}")


def _sign_certificate(expr: Any, at: Enclosure, label: Callable[[str], str]) -> list[dict[str, Any]]:
    """A ball-arithmetic certificate of whichever sign ``expr`` has on ``at`` (none if neither is certified)."""
    for sign in ("positive", "negative"):
        try:
            return [certificate.ball_sign(expr, Z, at, sign, 128, label(sign))]
        except ValueError:
            continue
    return []


def _headline_claim(
    pid: str, title: str, h: Headline, ref: str, certificates: list[dict[str, Any]] | None = None
) -> ClaimResult:
    ev = Evidence(
        h.verdict, h.evidence_class, h.summary, certificates=certificates or [], precision="arb balls / sympy"
    )
    return ClaimResult(prop=_prop(pid, title, h.statement, ref), verdict=h.verdict, evidence=ev)


def _convergence_claim(result: LossValidation, h: Headline) -> ClaimResult:
    counter = None
    if h.verdict is Verdict.REFUTED:
        for m in result.minimisers:
            for e in m.etas:
                sim = e.simulation
                if sim is None:
                    continue
                for r in sim.mp_replays:
                    if r["float64"]["status"] == "diverged" and r["mpmath"]["status"] == "diverged":
                        counter = {"minimiser": m.index, "eta": e.eta, "run": r["index"], "mpmath": r["mpmath"]}
    ev = Evidence(
        h.verdict,
        h.evidence_class,
        h.summary,
        numbers=_sim_numbers(result),
        precision="float64 JAX, mpmath replays",
        counterexample=counter,
    )
    prop = _prop(
        "LOSS-CONVERGENCE",
        f"GD convergence at the EoS for {result.loss['text']} (simulated)",
        h.statement,
        "Thm 4.2",
        hypotheses="starts on the minimiser's hyperbola at sharpness (2 + sigma_0)/eta, small offsets u_0",
    )
    return ClaimResult(prop=prop, verdict=h.verdict, evidence=ev)


def _sim_numbers(result: LossValidation) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in result.minimisers:
        for e in m.etas:
            if e.simulation is not None:
                s = e.simulation
                out[f"z{m.index} eta={e.eta:g}"] = (
                    f"{s.runs} runs: converged {s.converged_fraction:.1%}, diverged {s.diverged_fraction:.1%}, "
                    f"not settled {s.oscillating_fraction:.1%} [{s.verdict.value}]"
                )
    return out


def _minimiser_claim(result: LossValidation, m: MinimiserResult) -> ClaimResult:
    ev = m.evidence
    certs = ev.certificates or (
        _exact_root_certificates(result.cover.loss, m.piece) if m.piece.kind == "exact-root" else []
    )
    plots: dict[str, Any] = {}
    if m.bifurcation:
        plots["bifurcation"] = m.bifurcation
    for e in m.etas:
        plot = _basin_plot(e)
        if plot is not None:
            plots[f"basin eta={e.eta:g}"] = plot
    numbers = dict(ev.numbers)
    for e in m.etas:
        numbers[f"eta={e.eta:g}: P"] = e.to_json()["P"]
        if e.predicted_final_sharpness is not None:
            numbers[f"eta={e.eta:g}: predicted final sharpness"] = e.predicted_final_sharpness
        if e.basin is not None:
            numbers[f"eta={e.eta:g}: basin"] = e.basin.summary
    typed = Evidence(
        ev.verdict,
        ev.evidence_class,
        ev.summary,
        numbers=numbers,
        certificates=certs,
        series=plots,
        precision=ev.precision,
        # alpha's sign is what is certified (ball-sign record); its enclosure and P are shown for scale, and
        # z* is certified by the cover (its root piece, re-checked by verify with the whole document)
        informative=tuple(k for k in numbers if k in ("alpha", "z") or k.endswith(": P")),
    )
    prop = _prop(
        f"LOSS-MIN-{m.index}",
        f"minimiser {m.index} of {result.loss['text']} (z* = {m.location()})",
        MINIMISER_TEXT[m.kind],
        "Def. 4.1",
    )
    return ClaimResult(prop=prop, verdict=ev.verdict, evidence=typed)


def _basin_plot(e: EtaResult) -> dict[str, Any] | None:
    b = e.basin
    if b is None or not b.evaluated:
        return None
    xs = [s for s, _ in b.evaluated]
    fr = [f for _, f in b.evaluated]
    return series.line(
        f"basin at eta={e.eta:g}: fraction of runs converged vs overshoot sigma_0 ({b.summary})",
        xs,
        {"converged fraction": fr},
        x_label="sigma_0",
        y_label="converged fraction",
        log_x=True,
    )


def slug(text: str) -> str:
    """A file-name-safe short form of the loss expression (report names say which loss they are about)."""
    s = re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-")
    return s[:40].rstrip("-") or "loss"


def to_record(
    result: LossValidation | FamilyResult, command: list[str], started: str, seconds: float, seed: int
) -> RunRecord:
    """The report's RunRecord: claims plus the whole result (cover or family boxes) under ``extra.loss``."""
    extra: dict[str, Any]
    if isinstance(result, FamilyResult):  # the boxes are in the claim's certificate, stored once
        text, claims = result.text, [result.to_claim(_prop)]
        extra = jsonable({"family": result.summary_json(), "exit_code": result.exit_code})
    else:
        text, claims = result.loss["text"], to_claims(result)
        extra = result.to_json()
    return RunRecord(
        kind="loss",
        command=command,
        profile=slug(text),
        seed=seed,
        started=started,
        seconds=seconds,
        claims=claims,
        extra={"loss": extra},
    )
