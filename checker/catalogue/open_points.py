"""The open points O-1 .. O-7: what could not be read in the source papers, and what that means for a verdict.

Why they live in the package: properties, reports and ``eoscheck show`` name them (``open_points=("O-1",)``),
and a reader of a report must be able to look them up without the project's research notes.
``eoscheck show O-3`` prints one; docs/catalogue.md lists them all.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OpenPoint:
    id: str
    paper: str  # the paper key used by --paper, or "" for a point about code
    title: str
    unknown: str  # what could not be read
    consequence: str  # how the checker deals with it, and what a verdict does and does not say


OPEN_POINTS: dict[str, OpenPoint] = {
    p.id: p
    for p in (
        OpenPoint(
            "O-1",
            "gan2026a",
            "Gan (2026a): the printed statements of Def. 4.1 and Thms 4.2-4.3 were not available",
            "Only the abstract, introduction, captions and fragments could be read. Unknown are: the exact wording of "
            "the product-stability definition (strict or non-strict inequality, whether l''(z*) > 0 is part of it); "
            "the printed final-sharpness formula of Thm 4.3 with its error order and the size and role of the "
            "initial gap delta (the paper may measure the start by the sharpness 2/eta + delta rather than by the "
            "overshoot sigma_0 = eta delta); Lemma 5.1, Thm 5.2, Lemmas 6.1-6.5; the example family MLSq_{1,2}.",
            "The checker uses a formula derived independently and validated by simulation: lambda_inf = 2/eta - 3 eta "
            "l''(z*)^4 / alpha + O(eta^3) once the start overshoots by more than O(eta^2), and the definition alpha = "
            "3 l'''^2 - l'' l'''' > 0 at a minimiser with l'' > 0. A verdict confirms or refutes these forms; it "
            "does not confirm that they are the printed theorems.",
        ),
        OpenPoint(
            "O-2",
            "gan2026a",
            "Gan (2026a): the network experiments are not specified",
            "The CIFAR-10 tanh network (width, depth, learning rate, subset, loss, number of steps) and the exact "
            "quantity plotted in Fig. 5(c) and Fig. 2 could not be read.",
            "The figure-level claims are not reproduced; only the mathematical statements are checked.",
        ),
        OpenPoint(
            "O-3",
            "gan2026b",
            "Gan (2026b): assumptions and normalisation of the bifurcation theorem",
            "Unknown are the theorem's assumptions and numbering, whether convergence is claimed exactly at "
            "eta = 2/lambda_max(x*) or in a window around it, the normalisation of the first Lyapunov coefficient c1 "
            "(a secondary summary prints eta^3 on the quartic term, most likely a typo for eta), and which coordinate "
            "is used on the line of fixed points (the cubic coefficient depends on that choice).",
            "The checker derives c1 = (eta/2) w^T H^+ w - (eta/6) D^4L[v,v,v,v] with the slow coordinate fixed by the "
            "invariant imbalance, confirms it against the exact product-model formula, and checks the convergence "
            "statement in the reconstructed form 'c1 > 0 and a nonzero tangent drift => convergence at "
            "eta = 2/lambda_max'. A verdict is about that form.",
        ),
        OpenPoint(
            "O-4",
            "damian2023",
            "Damian et al. (2023): printed form of eq. (4), the corollary and Theorem 1",
            "Unknown are the printed eq. (4) (|x| or x^2, time rescaled or not), the corollary's bound, assumptions "
            "A1 and A3-A5, the error parameter epsilon, and Theorem 1's error terms and time horizon. Some plausible "
            "forms (fixed point at (alpha/beta, 0), force beta x^2 without the 1/2) contradict the authors' code.",
            "The checker follows the authors' public code: delta = sqrt(2 alpha/beta) and force (x^2 - delta^2)/2 "
            "along grad S. Statements built on the ODE, its invariant, the trajectory bounds, the toy model and the "
            "predicted dynamics are checked in that convention.",
        ),
        OpenPoint(
            "O-5",
            "liu2025",
            "Liu et al. (2025): the minimalist model itself",
            "Unknown are the exact model (which layer does what, a factor 1/2, the target scale), the input "
            "distribution beyond its second moments, the projection step, the initialisation of Fig. 1, the "
            "surrogate loss L_hat, and the statements of Thms 4.1 (second clause), 4.3, 4.4, 4.6, 5.2 and Lemmas "
            "4.2, 4.5, 5.1.",
            "The checker runs a reconstructed width-1 model with the paper's sourced numbers (lambda_1 = 100, "
            "lambda_2 = 0.01, eta = 1/20). It reproduces the decay-rate mechanism but not a clean EoS phase; every "
            "verdict on these claims is about the reconstruction, not the paper's model.",
        ),
        OpenPoint(
            "O-6",
            "arora2022",
            "Arora et al. (2022): constants and assumptions of the phase-2 results",
            "The printed theorem numbers and constants could not be read. The slide form sqrt L_t + sqrt L_{t+1} = "
            "eta lambda_max + O(eta^2) is off by a factor 2 from both the derivation and the numerics, which give "
            "(eta/2) lambda_1; the flow constants 1/8 (GD on sqrt L) and 1/4 (normalised GD) are derived and "
            "corroborated, not read; the regularity assumptions (C^3 or C^4, compactness, random perturbation) are "
            "unknown.",
            "The checker uses the derived constants; the slide's constant is kept as a variant that the checker "
            "refutes. A verdict confirms the derived form on a constructed test problem, not the printed theorem.",
        ),
        OpenPoint(
            "O-7",
            "",
            "No authors' code for Gan (2026a/b) or Liu et al. (2025)",
            "No public code by the authors of these papers is known, so their experiments cannot be cross-checked. "
            "Code exists for Damian et al. (adamian98/EOS) and Arora et al. (abhishekpanigrahi1996/Edge_of_Stability, "
            "experiments and figure notebooks, no theorem statements).",
            "Experimental settings of those papers are taken from the paper text only; where the text is silent the "
            "statement is marked RECONSTRUCTED.",
        ),
    )
}


def get(point: str) -> OpenPoint:
    """The open point ``O-n`` (case-insensitive); KeyError if unknown."""
    return OPEN_POINTS[point.strip().upper()]
