"""How each catalogue claim is checked and where its verdict stops: the text ``eoscheck show`` adds to a Property.

Why a table beside the properties and not fields of them: the property modules hold statements and
judgement code; what a reader needs to trust a verdict (the method in words, the known limits) is
documentation of the catalogue, written once, in one place, and rendered into docs/catalogue.md. A
property without an entry still shows everything that can be read off its definition.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.verdict import EvidenceClass

SYM, BALL, MP, FLOAT = EvidenceClass.SYMBOLIC, EvidenceClass.BALL, EvidenceClass.MPMATH, EvidenceClass.FLOAT


@dataclass(frozen=True)
class Note:
    method: str  # how it is checked, in words
    limits: str  # what a passing verdict does not say
    arithmetic: tuple[EvidenceClass, ...]  # the kinds of evidence its verdict rests on


_SAMPLED = "Checked on drawn instances: a pass is evidence for those instances, not a proof for the whole class."
_RECON_MODEL = "Every run uses the reconstructed width-1 model (O-5), not the paper's model."
_NET = (
    "One training run of one network, float curvature: at best CORROBORATED. A violation is REFUTED only when an "
    "independent recheck at the same stored parameters (dense Hessian spectrum with residual intervals, Chebyshev "
    "fits of the loss along the top eigenvector, float64 losses) violates the statement too; otherwise UNDECIDED. "
    "The recheck needs a network small enough for a dense Hessian (at most 4,000 parameters). An empirical "
    "observation: a REFUTED says it fails on this run with these constants, not that a paper's theorem is false."
)

NOTES: dict[str, Note] = {
    "ALP-P1": Note(
        "GD on sqrt(L) on a constructed test problem with a rank-2 minimiser manifold, L(u) = ((u1 u2 - 1)^2 + "
        "(u1 u3 - 2)^2)/2 (not from the paper). Each run must decrease L at every step until sqrt L <= C eta; the "
        "number of steps to get there is fitted against eta on a log-log scale and its order compared with -1.",
        "One test problem; 'O(eta)' is read with a fixed constant C, and the order is fitted over a factor-8 range of "
        "eta, so a different asymptotic regime outside that range is not seen.",
        (FLOAT, MP),
    ),
    "ALP-P2-ID": Note(
        "Same test problem as ALP-P1. After the run has reached the minimiser manifold, the ratio (sqrt L_t + "
        "sqrt L_t+1)/(eta lambda_1) is measured over a window of steps and compared with the derived constant 1/2 "
        "(for normalised GD: the derived form eta sqrt(lambda_1/2)); the error is fitted over eta.",
        "The constant checked is the derived one, not the printed one (O-6). One test problem, float64 runs: at best "
        "CORROBORATED.",
        (FLOAT, MP),
    ),
    "ALP-P2-RATE": Note(
        "Same test problem. The gradient-flow projection Phi(x_t) (closed form from a conserved quantity) is compared "
        "at tau = eta^2 t = 1 with the limiting flow on the manifold (constants 1/8 for GD on sqrt L, 1/4 for "
        "normalised GD), integrated with a high-accuracy ODE solver, for several eta.",
        "The flow constants are derived, not read (O-6); float64 runs; the O(eta) error is checked at a few eta only.",
        (FLOAT, MP),
    ),
    "ALP-P2-SHARP": Note(
        "Same test problem as ALP-P1. The drop of lambda_1 (read at the flow limit Phi(x_t)) over a window of "
        "tau/eta^2 steps, divided by its length, is the rate at one eta; eta is halved from eta0 until two "
        "consecutive local orders log2(rate(eta)/rate(eta/2)) agree within 0.05, and the last must be within 0.25 "
        "of 2; sqrt L summed over a 2-cycle must drop over every window. The recheck, in mpmath at 30 digits, reads "
        "lambda_1 of the Hessian at the iterates (mean over the 2-cycle) over a window half as long, starting later.",
        "One test problem; the order is decided on the eta range where it settled (reported), not proved to stay "
        "there as eta -> 0. Float64 runs: at best CORROBORATED.",
        (FLOAT, MP),
    ),
    "ALP-QUAD": Note(
        "Normalised GD on a 2-D quadratic x^T A x/2 with drawn A = diag(l1, l2), eta and start; after alignment with "
        "the top eigenvector, consecutive norms of A x must sum to eta l1. Runs that have not aligned are extended; "
        "an instance that never aligns is UNDECIDED, not a counterexample. A float run whose rounding puts the v1 "
        "part at exactly 0 (NGD then stays on the v2 axis for ever, which the exact map leaves at once) is decided "
        "at 60, then 120 digits.",
        "Alignment is asymptotic: slowly aligning instances end UNDECIDED. Float64 simulation: at best CORROBORATED.",
        (FLOAT, MP),
    ),
    "CLS-DESCENT": Note(
        "Proved for every C^2 loss by a class certificate the verifier re-derives with a generic function l: with "
        "g = l'(theta) and h(t) = l(theta - t g), h'(0) = -g^2 and h''(t) = g^2 l''(theta - t g); Taylor with the "
        "Lagrange remainder (the one trusted rule) and S >= l'' on the segment give a decrease >= eta g^2 (1 - u/2), "
        "u = eta S, and 1 - u/2 > 0 for every u < 2 is checked exactly. Each drawn or swept instance is still checked "
        "in ball arithmetic (eta S < 2 over a box holding the segment, the decrease enclosed) and stored as evidence.",
        "The proof rests on Taylor's theorem with the Lagrange remainder, taken on trust (its use is checked, not the "
        "theorem). The instances are drawn from four families; they corroborate the arithmetic, not the proof.",
        (SYM, BALL),
    ),
    "CLS-DESCENT-PRODUCT": Note(
        "As CLS-DESCENT for the product model L(x, y) = l(xy), every C^2 l: h(t) = L(p - t grad L(p)) has "
        "h'(0) = -|grad L|^2 and h''(t) = grad L^T H(t) grad L; K(t), the closed-form top eigenvalue of the 2x2 "
        "Hessian H(t), makes K I - H(t) positive semidefinite (trace >= 0, det = 0), so h'' <= S |grad L|^2 and the "
        "same Taylor step proves the decrease for eta S < 2. Instances are checked in ball arithmetic as in 1-D.",
        "Trusts Taylor with the Lagrange remainder and that a symmetric 2x2 matrix with trace and det >= 0 is "
        "positive semidefinite. The instances corroborate the arithmetic, not the proof.",
        (SYM, BALL),
    ),
    "DNL-L-GRADS": Note(
        "On random degree-4 polynomial losses in R^3 with a simple top eigenvalue, grad S computed by automatic "
        "differentiation of the eigenvalue is compared with D^3L[u, u]; a mismatch is re-checked in high precision.",
        "Polynomial losses only; float64 autodiff: at best CORROBORATED.",
        (FLOAT, MP),
    ),
    "DNL-TOY": Note(
        "sympy proves the three identities (sharpness, progressive-sharpening rate alpha, |grad S|^2 = beta) for "
        "symbolic eta, alpha, beta; drawn values cross-check the symbolic result against automatic differentiation.",
        "The toy loss is a reconstruction of the paper's appendix model (O-4): a proof is about this loss.",
        (SYM,),
    ),
    "DNL-EQ3": Note(
        "sympy shows that one GD step on the toy loss is exactly the map of eq. (3) (with the force beta x^2/2 of "
        "the authors' code); drawn values cross-check it numerically.",
        "Exact for the toy loss only; the general-network statement of the paper is not checked here (O-4).",
        (SYM,),
    ),
    "DNL-ODE": Note(
        "The fixed point of the ODE, its uniqueness for X > 0 (the right side factored) and its linearisation "
        "(trace 0, determinant 2 alpha) are stated as identities and re-checked as verify checks them; the "
        "oscillation period of eq. (3) near it is measured in steps and its scaling with eta fitted against "
        "2 pi/(eta sqrt(2 alpha)).",
        "The printed form of eq. (4) is unknown (O-4); the period is a fitted asymptotic, checked over a range of eta.",
        (SYM, FLOAT, MP),
    ),
    "DNL-L3": Note(
        "sympy proves that g is constant along the ODE; simulations of eq. (3) measure the drift of g per cycle and "
        "fit its order in eta.",
        "The normalisation of the invariant is reconstructed (O-4); the drift order is fitted, not proved.",
        (SYM, FLOAT, MP),
    ),
    "DNL-C1": Note(
        "For drawn starts, the Lambert-W bounds on X^2 and |Y| and their elementary relaxations are evaluated in "
        "ball arithmetic and compared with the invariant g0.",
        "The paper's printed corollary was not read (O-4); the bounds checked are derived here. " + _SAMPLED,
        (BALL,),
    ),
    "DNL-PRED": Note(
        "On the toy loss, the predicted-dynamics update is compared exactly (sympy) with the GD displacement from the "
        "constrained trajectory; the sharpness prediction S = 2/eta + y is judged along the run (0 <= S - (2/eta + y) "
        "<= beta x^2/(2/eta + y), tight as x -> 0), a violation re-checked in mpmath with the closed-form eigenvalue.",
        "Holds for the reconstructed toy loss (O-4); the paper's claim for general networks is not checked.",
        (SYM, FLOAT, MP),
    ),
    "DNL-GEN-LIMIT": Note(
        "sympy proves the exact 2-cycle of the generalised map and its sharpness 2/eta + c4 delta^2/3; for "
        "sub-quadratic losses (c4 < 0) a simulation checks that the time-averaged sharpness hovers at that value.",
        "The match with the printed appendix formula is reconstructed (O-4); the simulated part is float64.",
        (SYM, FLOAT, MP),
    ),
    "DNL-ASSUMPTIONS": Note(
        "sympy evaluates, on the toy loss plus a quartic kappa x^4/24 along u and at its constrained trajectory, "
        "what the hypotheses of Theorem 1 bound: the progressive-sharpening rate alpha (A1), the Hessian spectrum "
        "diag(2/eta, 0, 0) (A2: lambda_2 = 0), the norm of the third derivative by Lagrange multipliers (A3: "
        "rho_3 = 2 sqrt(beta/3), so |grad S_perp|^2 = beta <= rho_3^2) and the fourth derivative (rho_4 = |kappa|). "
        "The certificates state these as identities (the rho_3 bound as a sum of non-negative terms and the point "
        "where it is attained) that the verifier recomputes.",
        "The printed forms of A1, A3, A4, A5 were not read (O-4): the checked values are what such bounds measure on "
        "this model; A4 and A5 (non-worst-case bounds off the top eigenvector) are not checked; epsilon = eta "
        "sqrt(alpha) is a reconstruction and only reported.",
        (SYM,),
    ),
    "DNL-T1": Note(
        "GD on the toy loss plus kappa x^4/24 along u (the higher-order term the predicted dynamics neglect) and the "
        "predicted dynamics of eq. (3) are run from the same start for one cycle, 2 pi/(eta sqrt(2 alpha)) steps; "
        "their largest relative difference is measured while epsilon = eta sqrt(alpha) is halved (eta, beta, kappa "
        "fixed, alpha -> 0) until two consecutive local orders agree within 0.05, and the settled order must be at "
        "least the claimed order minus 0.25. The range used is reported; an order that does not settle is "
        "UNDECIDED. A failure is re-checked in mpmath over a halved range of epsilon. The predicted dynamics carry "
        "eq. (3)'s force coefficient 1/2; with any other coefficient the relative error stays O(1) as epsilon -> 0 "
        "(settled order about 0 at 0.45 or 0.55), so the same decision refutes it.",
        "Theorem 1's printed error terms and horizon were not read (O-4): the checked form is 'relative coupling "
        "error O(epsilon) over one cycle' on one model family; the order is fitted, not proved, and the constant "
        "is only reported.",
        (FLOAT, MP),
    ),
    "DNL-SUPER-QUAD": Note(
        "The toy loss with a super-quadratic profile along u, F(x) = (2/eta) x^2/2 + c4 x^4/24 (c4 > 0), is run from "
        "0.2-2% off its 2-cycle; the sharpness along u, S - 2/eta = y + F''(x) - 2/eta, is averaged over three whole "
        "cycles (between upward crossings of y through the 2-cycle's value) and compared with the margin "
        "c4 delta^2/3 = F''(delta) - F'(delta)/delta (relative tolerance 0.05); it must be positive. A failure is "
        "replayed in mpmath (30 digits).",
        "In this reduced model the 2-cycle repels slowly for c4 > 0, so 'settles' is read as the average over the "
        "first three cycles, not as convergence; the exact top eigenvalue adds a further O(eta alpha) above the "
        "sharpness along u, which is not part of the check. The printed margin was not read (O-4). Float64 "
        "simulation: at best CORROBORATED.",
        (FLOAT, MP),
    ),
    "DNL-LONG-LOSS": Note(
        "GD on the toy loss with a slope gamma along z enters EoS from 0.5-3% of the fixed point; the loss is "
        "sampled at the end of each of four cycles (the step where y turns non-negative). It must rise at some "
        "steps within cycles (else the run is not at EoS and is not counted), fall from each cycle end to the next, "
        "and fall on average at the constrained trajectory's rate eta |P grad L|^2 = eta gamma^2 within 5%, not at "
        "unconstrained GD's eta (gamma^2 + alpha^2/beta). A failure is replayed in mpmath (30 digits).",
        "The section's printed statement was not read (O-4); the check is on the reconstructed toy loss, where the "
        "slow direction z decouples from the oscillation, so the rate is exact up to the small loss excess at the "
        "cycle ends. Float64 simulation: at best CORROBORATED.",
        (FLOAT, MP),
    ),
    "GAN-A-L3.1": Note(
        "sympy proves the trace identity and the sharpness formula for a generic loss; drawn losses and points "
        "cross-check it in ball arithmetic, mpmath and JAX automatic differentiation.",
        "None beyond the statement's hypotheses (l twice differentiable, l'' >= 0 at the minimiser).",
        (SYM,),
    ),
    "GAN-A-RED": Note(
        "sympy proves the exact reduction of GD on l(xy) to the (z, s) map and the invariant s^2 - 4z^2 = d^2 for a "
        "generic loss; drawn instances cross-check it numerically.",
        "None: the identities are exact for every differentiable l and eta.",
        (SYM,),
    ),
    "GAN-A-FIX": Note(
        "sympy computes the Jacobian of the (z, s) map on the line of fixed points and its multipliers; a "
        "high-precision finite-difference Jacobian at drawn points judges the claimed multiplier too (a disagreement "
        "is a counterexample, re-checked at 80 digits with another step).",
        "None beyond the hypotheses (l in C^2, a > 0).",
        (SYM, MP),
    ),
    "GAN-A-FLIP": Note(
        "sympy expands the frozen-imbalance map and checks p^2 + q = P; at drawn points a small overshoot sigma is "
        "searched by Newton in mpmath: sigma is divided by 4 from 1e-4 until two consecutive overshoots show the "
        "claimed cycle with u^2/(sigma/P) settling near 1 (the asymptotic regime, down to 1e-4 P^2 for small P); "
        "the cycle found is certified by a Krawczyk inclusion in arb. The recheck uses another sigma grid and root "
        "finder.",
        "The 2-cycle part is decided at a few small sigma per instance; where the scan never settles the claim is "
        "UNDECIDED.",
        (SYM, FLOAT, MP),
    ),
    "GAN-A-DRIFT": Note(
        "sympy proves the tangent component of grad S on the minimiser set; an mpmath run must not increase "
        "|x^2 - y^2| at any step (beyond rounding); a violation is re-checked by the exact (z, s) map at 80 digits.",
        "The monotonicity part is simulated: evidence on the drawn runs only.",
        (SYM, MP),
    ),
    "GAN-A-EX": Note(
        "sympy computes alpha = 3 l'''^2 - l'' l'''' at the stated minimiser of each example loss and compares it with "
        "the claimed value; for BCE with soft label p the closed form 2v^2(1 - 3v) is proved.",
        "The family MLSq_{1,2} of the paper is not included: its definition was not read (O-1).",
        (SYM,),
    ),
    "GAN-A-T4.2": Note(
        "Float64 GD on l(xy) for product-stable and subcritical example losses, started near the minimiser set above "
        "the threshold: product-stable runs must converge below 2/eta, subcritical runs with a large enough overshoot "
        "must diverge; a counterexample is re-run in high precision.",
        "The theorem's printed form was not read (O-1): this is a reconstruction. Simulation evidence only.",
        (FLOAT, MP),
    ),
    "GAN-A-T4.3": Note(
        "Float64 GD on l(xy) from a start overshooting the threshold; the final sharpness is compared per eta with "
        "the normal-form prediction, and the gap 2/eta - lambda_inf is fitted over eta against 3 eta a^4/alpha.",
        "The formula is a derived replacement for an unread theorem (O-1); asymptotic in eta, fitted over a range.",
        (FLOAT, MP),
    ),
    "GAN-B-PS": Note(
        "sympy proves the formula for c1 on the product model for a generic loss (one deterministic check).",
        "The normalisation of c1 in the paper is not known (O-3); the proof is for the normalisation stated here.",
        (SYM,),
    ),
    "GAN-B-LYAP": Note(
        "c1 is computed by JAX automatic differentiation (third and fourth derivatives, pseudo-inverse Hessian) for "
        "drawn product losses and points, and compared with the exact product formula of GAN-B-PS; a mismatch is "
        "recomputed with mpmath at 40 digits. c1 is also judged against GD itself: at the balanced minimiser the "
        "two-step map along v measured by mpmath GD must be p -> p - 2 c1 p^3 (within 1%).",
        "Losses of the form l(xy) only (the non-product case is GAN-B-LYAP-II); normalisation per O-3.",
        (FLOAT, MP),
    ),
    "GAN-B-TAN": Note(
        "Two GD steps from x* + p v are taken in high precision for p halved from 1e-2; the tangent displacement is "
        "compared with -eta p^2 Pi_T grad S and the order of the relative error is fitted on the last 4 p, extending "
        "toward 0 until two consecutive fits agree (the range used is reported). The recheck is another p grid.",
        "An asymptotic statement: an order that never settles above the precision floor is UNDECIDED.",
        (MP,),
    ),
    "GAN-B-THM": Note(
        "Float64 GD at eta = 2/lambda_max(x*) from perturbed starts, on product losses with c1 > 0 and c1 < 0 and on a "
        "non-product toy with a curved minimiser set; runs with c1 > 0 must converge below 2/eta.",
        "The theorem's assumptions and exact step-size window are reconstructed (O-3). Simulation evidence only.",
        (FLOAT, MP),
    ),
    "NET-SHARPEN": Note(
        "A built-in tanh network (or the user's JAX model with `eoscheck network`) is trained by full-batch GD; the "
        "top Hessian eigenvalue is tracked by Lanczos on Hessian-vector products, and eta S/2 must stay in "
        "[0.9, 1.1] from 200 steps after it first reaches 1 (the level 2/eta and the 10% band are the property's "
        "constants). A run that starts at or above the level has no sharpening phase: UNDECIDED.",
        _NET + " The band [0.9, 1.1] is this tool's reading of 'hovers at 2/eta', not a printed constant.",
        (FLOAT,),
    ),
    "NET-LOSS": Note(
        "In the same training run, the loss after the EoS onset must rise over some 50-step windows and still end "
        "lower than at the onset.",
        _NET,
        (FLOAT,),
    ),
    "NET-D4": Note(
        "At points after the EoS onset, the second to fourth directional derivatives of the loss along the top "
        "eigenvector are computed with nested forward-mode derivatives; D4 < 0 and alpha_u = 3 D3^2 - S D4 > 0 are "
        "required.",
        _NET + " The quantity of the paper's figure is a reconstruction (O-2).",
        (FLOAT,),
    ),
    "NET-C1": Note(
        "At the EoS onset, c1 = (eta/2) w^T H^+ w - (eta/6) D4 is computed with H^+ over the positive eigenvalues "
        "(dense spectrum for small networks, else the top eigenpairs) and must be > 0.",
        _NET + " The theorem's hypotheses and the pseudo-inverse convention are reconstructed (O-3).",
        (FLOAT,),
    ),
    "NET-DAMIAN": Note(
        "While the second eigenvalue is below 1.9/eta, each iterate is projected onto the stable set with the "
        "authors' three projection steps, and the sharpness there must be 2/eta to within 0.1%.",
        _NET + " The current iterate is projected; the authors' separate constrained trajectory (GD on the stable set"
        " itself) is not run, so this checks the projection's landing point, not their trajectory's sharpness.",
        (FLOAT,),
    ),
    "NET-SQRT": Note(
        "GD on sqrt(L) trains the network; in the last 40% of the run (sqrt L_t + sqrt L_t+1)/(eta lambda_1) must be "
        "within 10% of the derived constant 1/2, judged only once GD on sqrt(L) has reached its own edge of stability "
        "(eta lambda_1 / (2 sqrt L) >= 2), else UNDECIDED.",
        _NET + " The constant is the derived one (O-6). The identity is asymptotic in eta: at a large step size the "
        "ratio drifts (a small test network at eta = 1 settles near 0.44), which the 10% band then refutes.",
        (FLOAT,),
    ),
    "LZDZ-T4.1": Note(
        "A simulated GD run of the model must eventually keep the sharpness below (2 + delta)/eta and the loss below "
        "eps: the sharpness clause is judged on runs that settled, the loss clause refuted by a run that stopped "
        "moving above eps; an unsettled run is continued (up to 1.32 million steps: a catapult next to the saddle "
        "a = 0 can take ~170000 steps to escape); a failing run is re-simulated in high precision.",
        _RECON_MODEL + " The loss clause is reconstructed.",
        (FLOAT, MP),
    ),
    "LZDZ-T4.3": Note(
        "In a simulated run started at least 0.2/eta below the level, the sharpness in the first phase must rise to "
        "(2 - gap)/eta with the steps against the rise summing to at most 10% of it; settling below the level "
        "refutes.",
        _RECON_MODEL + " Strict monotonicity is not claimed.",
        (FLOAT, MP),
    ),
    "LZDZ-T4.4": Note(
        "In a simulated run, the sharpness must cross 2/eta and later be brought back below 2.05/eta.",
        _RECON_MODEL,
        (FLOAT, MP),
    ),
    "LZDZ-RATE": Note(
        "In a simulated run, the slope of log L2 during the EoS phase is fitted and compared with "
        "2 log(1 - 2 lambda_2/lambda_1) per iteration.",
        _RECON_MODEL + " The paper's surrogate loss L_hat was not read; L2 stands in for it.",
        (FLOAT, MP),
    ),
    "LZDZ-T5.2": Note(
        "In a simulated run, the sharpness of the gradient-flow solution from each iterate is computed in closed form "
        "and must not increase during the EoS phase.",
        _RECON_MODEL + " The printed bounds of the theorem were not read; low confidence in the reconstruction.",
        (FLOAT, MP),
    ),
    "LZDZ-L5.1": Note(
        "sympy proves that gradient flow conserves c and that one GD step changes it by exactly "
        "eta^2 (g_a^2 - |g_w|^2); drawn rational points cross-check the proof.",
        _RECON_MODEL,
        (SYM,),
    ),
    "GAN-A-D4.1": Note(
        "For drawn quartic losses with an exact minimiser and exact derivatives a, b, c (half of them near alpha = 0), "
        "the sign of the claimed alpha is compared with the flip's criticality as eta -> 0, P = p^2 + q from the "
        "sympy series of the GD map itself; exact rational arithmetic.",
        _SAMPLED + " The printed wording (strictness, whether l'' > 0 belongs to it) is reconstructed (O-1).",
        (SYM,),
    ),
    "GAN-A-NF": Note(
        "sympy proves the first integral of the continuous two-step flow; the discrete two-step map is run from "
        "U ~ 0 at sigma_0 = 1e-3 (fixed r sigma_0) and its return r sigma_f must be within 1% of the travel of the "
        "Lambert-W prediction; the recheck runs at sigma_0/4 in mpmath.",
        "The return is a limit sigma_0 -> 0 of the normal form, not of GD; GD itself is checked by GAN-A-NF-SM (the "
        "slow manifold) and GAN-A-NF-GAP (the return when the delta gap is missing).",
        (SYM, FLOAT, MP),
    ),
    "GAN-A-NF-SM": Note(
        "GD on l(xy) is run from {xy = z*} with overshoot sigma_0 and r sigma_0 = 4 P sigma_0/k drawn (eta solved from "
        "them) and recorded as (u_t, sigma_t); over the middle 60% of the transit from sigma_0 to sigma_f = -k/(4P), "
        "the median of U = (u_t^2 + u_t+1^2)/2 divided by (sigma - sigma_f)/P must be within 0.5 sigma_0 + 0.002 of 1. "
        "The recheck is an independent decision: mpmath at 30 digits, sigma_0 halved at the same r sigma_0, the "
        "middle 40% of the transit.",
        "Three product-stable losses; the O(sigma) correction is bounded with a fixed constant (measured |ratio - 1| "
        "<= 0.21 sigma_0), not fitted. Float64 runs: at best CORROBORATED.",
        (FLOAT, MP),
    ),
    "GAN-A-NF-GAP": Note(
        "GD on l(xy) is started below the delta gap (r sigma_0 in [0.2, 1]) and run until |xy - z*| < 1e-9; its "
        "final sharpness must be within 5% of the gap 2/eta - lambda_4.3 of the normal form's Lambert-W return "
        "(2 + sigma_f)/eta and at least 25% of the gap away from Thm 4.3's limit 2/eta - k/(4 P eta). The recheck "
        "reruns it in mpmath at 20 digits from a start moved by 2e-7 instead of 1e-7.",
        "Shows on three product-stable losses that Thm 4.3's limit needs the gap; the printed size of the paper's "
        "delta is not read (O-1). Float64 runs: at best CORROBORATED.",
        (FLOAT, MP),
    ),
    "GAN-B-SETUP": Note(
        "sympy, for a generic loss l on {xy = z*}: H v = l'' s v, H t = 0, and A = I - eta H has 1 on the tangent "
        "and -1 along v at eta = 2/lambda_max.",
        "Checked for the product model only; the general hypotheses (G), (S) are reconstructed (O-3).",
        (SYM,),
    ),
    "GAN-B-LYAP-II": Note(
        "For drawn quartic losses on R^3 with an isolated minimum whose third derivative along v couples to both "
        "other eigendirections, c1 is exact; the period-2 orbit of the GD map at eta lambda_max = 2 +- sigma is found "
        "by Newton in mpmath and must be stable (c1 > 0) or unstable (c1 < 0) with |p|^2 ~ sigma/|c1|.",
        _SAMPLED + " Isolated minima only: no drift along a manifold.",
        (MP,),
    ),
    "ALP-SET": Note(
        "sympy proves 2 sqrt(L) Hess sqrt(L) = H - (Hx)(Hx)^T/(2L) for L = x^T H x/2 and its eigen-structure; the "
        "bound lambda_max(Hess sqrt L) >= lambda_2/(2 sqrt L) (rank 2) or Hess sqrt L = 0 (rank 1) is then decided "
        "exactly on drawn diagonal H and x, often on v_1 where it is tight.",
        _SAMPLED + " Quadratic L only; the papers' other settings are what ALP-P1 .. ALP-QUAD run.",
        (SYM,),
    ),
    "DNL-STABLE-SET": Note(
        "The code's 3-step projection onto M = {S <= 2/eta, u . grad L = 0} is applied (JAX autodiff) to drawn "
        "3-parameter losses from points with S up to 5% above 2/eta; the result must be on M within 1e-3; a "
        "failure is re-checked in mpmath with explicit derivatives.",
        "One loss family; the printed set is reconstructed from the code.",
        (FLOAT, MP),
    ),
    "LZDZ-R5.3": Note(
        "sympy proves the conservation of c = a^2 - w1^2 - w2^2 under gradient flow and the closed-form limit and "
        "sharpness on the minimiser set; gradient flow is integrated (LSODA) from drawn starts and must reach it "
        "within 1e-6; a failure is re-integrated with Radau.",
        _RECON_MODEL + " The flow part is float integration.",
        (SYM, FLOAT),
    ),
    "LZDZ-T4.6": Note(
        "In the EoS window of a simulated run, L2(t) <= 4 L2(s) (1 - 1.8 lambda_2/lambda_1)^(2(t-s)) must hold for "
        "every pair s <= t.",
        _RECON_MODEL + " The printed bound was not read; this form is inferred from Fig. 2.",
        (FLOAT, MP),
    ),
}
