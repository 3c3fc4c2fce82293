"""Ids that statements cite but that are not checkable claims: set-ups, models, definitions, and the papers.

Why: a statement such as "the toy loss of DNL-TOY" or a source "as stated in Damian et al., DNL-DEF" must
resolve for a reader who has only the package; ``eoscheck show`` and docs/catalogue.md print these.
"""

from __future__ import annotations

PAPERS: dict[str, str] = {
    "gan2026a": "Gan (2026a), Product-Stability: convergence of gradient descent at the Edge of Stability, "
    "arXiv 2604.02653. Ids GAN-A-*.",
    "gan2026b": "Gan (2026b), A Bifurcation Theory Framework for gradient descent at the Edge of Stability, "
    "arXiv 2606.15551. Ids GAN-B-*.",
    "damian2023": "Damian, Nichani, Lee (ICLR 2023), Self-Stabilization: the implicit bias of gradient descent at "
    "the Edge of Stability, arXiv 2209.15594. Ids DNL-*.",
    "liu2025": "Liu, Zhang, Du, Zhao (NeurIPS 2025), A Minimalist Example of Edge-of-Stability and Progressive "
    "Sharpening, arXiv 2503.02809. Ids LZDZ-*.",
    "arora2022": "Arora, Li, Panigrahi (ICML 2022), Understanding Gradient Descent on the Edge of Stability in Deep "
    "Learning, arXiv 2205.09745. Ids ALP-*.",
    "classical": "The classical descent lemma of smooth optimisation (as used by Damian et al. 2023). Ids CLS-*.",
}

DEFINITIONS: dict[str, str] = {
    "GAN-A-SETUP": "The product model: L(x, y) = l(xy) for a scalar loss l, GD x' = x - eta l'(xy) y, "
    "y' = y - eta l'(xy) x. Notation: z = xy, s = x^2 + y^2 (the sharpness at a minimiser is l''(z*) s), "
    "d = x^2 - y^2 (imbalance), D = d^2; a, b, c = l'', l''', l'''' at a minimiser z*; alpha = 3b^2 - ac.",
    "GAN-A-D4.1": "Gan (2026a)'s Def. 4.1, product-stability: a minimiser z* of l (l'(z*) = 0, l''(z*) > 0) is "
    "product-stable when alpha_l(z*) = 3 l'''(z*)^2 - l''(z*) l''''(z*) > 0. For product-stable minima the flip of "
    "GD on l(xy) at the threshold is supercritical (GAN-A-FLIP) and GD converges at the EoS (GAN-A-T4.2). The "
    "printed wording (strictness, whether l'' > 0 is part of it) is reconstructed (O-1).",
    "GAN-A-NF": "The two-step normal form of GD on l(xy) near the threshold: over two steps the squared oscillation "
    "amplitude U and the overshoot sigma evolve as U' = U(1 + 4 sigma - 4 P U), sigma' = sigma - k U; its first "
    "integral gives the final overshoot through a Lambert-W return map. It underlies the predictions of "
    "GAN-A-T4.2 and GAN-A-T4.3.",
    "GAN-B-SETUP": "The general set-up of Gan (2026b): a manifold M of minimisers, the top Hessian eigenvector v "
    "normal to M, and the flip of GD (multiplier -1 along v) at eta lambda_max = 2.",
    "DNL-DEF": "Sharpness S(theta) = lambda_max(Hess L(theta)) with unit top eigenvector u, and the descent lemma: "
    "if eta S < 2 along the step, GD decreases the loss (the classical CLS-* claims).",
    "DNL-QTY": "Damian et al.'s quantities at a point of the constrained trajectory: the progressive-sharpening rate "
    "alpha = -grad L . grad S, beta = |grad S|^2, and delta = sqrt(2 alpha/beta), the oscillation scale "
    "(as in the authors' code).",
    "DNL-STABLE-SET": "The stable set {S <= 2/eta, grad L . u = 0} and the constrained trajectory theta^dagger: "
    "projected GD onto it, which the real GD trajectory follows in Damian et al.'s analysis.",
    "LZDZ-MODEL": "Liu et al.'s minimalist width-1 network with curvatures lambda_1 = 100, lambda_2 = 0.01 and "
    "eta = 1/20 (the numbers are from the paper). The model used by the checker is a reconstruction (O-5).",
    "LZDZ-D3.1": "Liu et al.'s Def. 3.1: the sharpness S = lambda_max(Hess L).",
    "ALP-SET": "Arora et al.'s setting: GD on sqrt(L) and normalised GD near a manifold Gamma of minimisers with "
    "rank Hess L = M on Gamma, lambda_1 > lambda_2 there, and Phi(x) the gradient-flow limit from x.",
}
