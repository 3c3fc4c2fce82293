"""The NET-* statements as data: id, title, source, provenance, and which judgement decides them.

Shared by the catalogue (properties/network.py, on the built-in quick model) and by ``check_training`` (on the
user's model), so both give the same claims with the same wording.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from checker.network import confirm, judge
from checker.network.engine import TrainResult
from checker.property import Property, Source
from checker.verdict import Evidence


@dataclass(frozen=True)
class NetStatement:
    id: str
    title: str
    source: Source
    statement: str
    provenance: tuple[str, ...]
    hypotheses: str
    judge: Callable[..., Evidence]
    recheck: Callable[..., Evidence]  # the independent re-measurement of a violation (confirm.py)
    objective: str = "loss"  # which run decides it: GD on L, or GD on sqrt(L)

    def property(self, run: Callable[[], TrainResult], **constants: Any) -> Property:
        """The statement as a Property on ``run``'s training run. ``constants`` are the statement's constants
        (the judgement's keyword arguments, e.g. ``level=2.0``): a variant is the same property with other ones,
        and its title and statement then say which constants it claims."""

        def check() -> Evidence:
            return self.judge(run(), **constants)

        def again() -> Evidence:
            return self.recheck(run(), **constants)

        variant = ", ".join(f"{k}={v!r}" for k, v in sorted(constants.items()))
        return Property(
            id=self.id,
            title=self.title + (f" [variant: {variant}]" if variant else ""),
            source=self.source,
            statement=self.statement + (f" VARIANT with {variant} instead." if variant else ""),
            provenance=self.provenance,
            hypotheses=self.hypotheses,
            check=check,
            recheck=again,
            uses_jax=True,
            sweep_exempt=NETWORK_SWEEP_EXEMPT,
        )


# Why a network claim has no sweep: its single instance is one training run shared by every NET claim (minutes
# of full-batch GD with Lanczos sharpness), and it has no parameters to draw: a vectorised margin over many
# instances would mean many trainings, which is the cost the sweep exists to avoid.
NETWORK_SWEEP_EXEMPT = (
    "a single full-batch training run of a real network with no drawn parameters: no instances to vectorise over"
)

COMMON = (
    "full-batch GD on a real network; lambda_1, lambda_2 by warm-started Lanczos on Hessian-vector products (float64)"
)

STATEMENTS: tuple[NetStatement, ...] = (
    NetStatement(
        "NET-SHARPEN",
        "progressive sharpening, then sharpness at 2/eta (real network)",
        Source("damian2023", "2209.15594", "DNL-DEF: progressive sharpening / EoS as observed by Cohen et al."),
        "Under full-batch GD started below 2/eta the sharpness S rises (progressive sharpening) until eta S/2 = 1 and "
        "then hovers there: from 200 steps after the first eta S/2 >= 1 on, eta S/2 stays in [0.9, 1.1].",
        ("SOURCED",),
        COMMON + "; the band [0.9, 1.1] is this tool's, not the papers'",
        judge.sharpening,
        confirm.sharpening,
    ),
    NetStatement(
        "NET-LOSS",
        "long-timescale loss decrease despite local increases (real network)",
        Source("damian2023", "2209.15594", "DNL-DEF: the loss decreases non-monotonically at EoS"),
        "After EoS the loss rises over some 50-step windows, yet is lower at the end of the run than at EoS.",
        ("SOURCED",),
        COMMON,
        judge.loss_decrease,
        confirm.loss_decrease,
    ),
    NetStatement(
        "NET-D4",
        "D4 < 0 and alpha_u > 0 along the top eigenvector at EoS (real network)",
        Source("gan2026a", "2604.02653", "Fig. 5(c), directional product-stability"),
        "At EoS, along the top eigenvector u: D4 = d^4 L[u,u,u,u] < 0 and alpha_u = 3 D3^2 - S D4 > 0. "
        "RECONSTRUCTED: the formula of Fig. 5(c) is not printed in the material read; this is a plausible reading.",
        ("SOURCED", "RECONSTRUCTED"),
        COMMON + "; D2, D3, D4 by nested jax.jvp along u at points 50, 200, ... steps after EoS",
        judge.directional,
        confirm.directional,
    ),
    NetStatement(
        "NET-C1",
        "first Lyapunov coefficient c1 > 0 at EoS, H^+ on positive eigenvalues (real network)",
        Source("gan2026b", "2606.15551", "first Lyapunov coefficient of the flip (main theorem's hypothesis)"),
        "At EoS, c1 = (eta/2) w^T H^+ w - (eta/6) D4 > 0 with w = D^3L[u,u] and H^+ = sum of u_i u_i^T / lambda_i "
        "over the eigenvalues lambda_i > 1e-6 lambda_1 (positive only). With |lambda_i| > cutoff instead, negative "
        "eigenvalues enter and the sign can change: reported, not claimed. RECONSTRUCTED: the theorem's hypotheses "
        "and the H^+ convention are not printed in the material read.",
        ("DERIVED", "RECONSTRUCTED"),
        COMMON + "; H^+ from the dense spectrum where n <= 4000 (one point), else from the top 20 eigenpairs (a lower "
        "bound of the positive part, so a positive c1 stays positive)",
        judge.c1_sign,
        confirm.c1_sign,
    ),
    NetStatement(
        "NET-DAMIAN",
        "Damian et al.'s projection in the single-eigenvalue phase (real network)",
        Source("damian2023", "2209.15594", "stable set M and its projection (authors' code, num_proj_steps = 3)"),
        "While lambda_2 < 1.9/eta, projecting the iterate onto M = {S <= 2/eta, u . grad L = 0} by the authors' "
        "three projection steps gives eta S(theta_dagger)/2 = 1 +- 1e-3 wherever eta S(theta)/2 >= 1; |x|/delta and "
        "the step where lambda_2 reaches 1.9/eta are reported. The current GD iterate is projected, not the authors' "
        "separate constrained trajectory.",
        ("SOURCED",),
        COMMON + "; the iterate is projected (the authors' separate constrained trajectory is not run)",
        judge.projection,
        confirm.projection,
    ),
    NetStatement(
        "NET-SQRT",
        "GD on sqrt(L): (sqrt L_t + sqrt L_t+1) / (eta lambda_1) ~ 1/2 (real network)",
        Source("arora2022", "2205.09745", "Phase 2 identity (ALP-P2-ID, constant derived)"),
        "Under GD on sqrt(L), in phase 2 (the last 40% of the run) (sqrt L_t + sqrt L_t+1) / (eta lambda_1(Hess L)) "
        "is within 10% of 1/2 (the constant 1/2 is derived; the slide's form reads 1), judged once GD on sqrt(L) has "
        "reached its own edge of stability.",
        ("SOURCED", "DERIVED"),
        COMMON + "; GD on sqrt(L) with its own step size",
        judge.sqrt_ratio,
        confirm.sqrt_ratio,
        objective="sqrt",
    ),
)


def statement(prop_id: str) -> NetStatement:
    return next(s for s in STATEMENTS if s.id == prop_id)


def jsonable_config(res: TrainResult) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(res.config)
