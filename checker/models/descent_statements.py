"""The descent lemma (CLS-DESCENT, CLS-DESCENT-PRODUCT) as class certificates in the certificate language.

Why a class statement: the lemma holds for every C^2 loss, so it is proved for a generic function l (never for
the drawn families): h(t) = L(p - t g), g = grad L(p), has h'(0) = -|g|^2 and h''(t) = g^T H(t) g <= K(t) |g|^2;
Taylor with the Lagrange remainder and S >= K on the segment give L(p - eta g) - L(p) <= -eta |g|^2 (1 - eta S/2),
negative when eta S < c for c <= 2. ``constant`` is the producers' mutation knob: with c = 3 the record states a
false lemma and ``eoscheck verify`` rejects it (1 - u/2 is not positive for every u < 3).
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from typing import Any

from checker.certificate import descent_class

FACTOR = "1 - u/2"  # what the rule gives: the decrease bound is -eta |g|^2 (1 - u/2), u = eta S


def _hypotheses(segment: str, sharpness: str, constant: Fraction, nonzero: str) -> list[str]:
    return [
        f"l is C^2 on an open set holding the GD segment {segment}, 0 <= t <= eta, eta > 0",
        f"S >= {sharpness} for every t in [0, eta]",
        f"eta * S < {constant}",
        nonzero,
    ]


@lru_cache(maxsize=8)
def descent_1d(constant: Fraction = Fraction(2)) -> dict[str, Any]:
    """L = l(theta): h''(t) = g^2 l''(theta - t g), so K(t) = l''(theta - t g) (the sharpness in 1-D)."""
    setup = {
        "symbols": {"theta": {"real": True}, "t": {"real": True}},
        "functions": ["l"],
        "define": [
            ["L", "l(theta)"],
            ["g", "diff(L, theta)"],
            ["h", "at(L, [theta], [theta - t*g])"],
            ["K", "at(diff(L, theta, theta), [theta], [theta - t*g])"],
        ],
        "point": ["theta"],
        "time": "t",
        "objective": "L",
        "gradient": "g",
        "h": "h",
        "curvature": "K",
    }
    identities = {
        "slope": ["subs(diff(h, t), t, 0)", "-g**2"],
        "second": ["diff(h, t, t)", "g**2*K"],
        "rayleigh": [],
    }
    return descent_class(
        f"descent lemma for every C^2 loss l: eta * S < {constant} on the segment and l'(theta) != 0 give descent",
        setup,
        identities,
        FACTOR,
        constant,
        _hypotheses("theta - t l'(theta)", "l''(theta - t l'(theta))", constant, "l'(theta) != 0"),
        "l(theta - eta l'(theta)) < l(theta)",
    )


@lru_cache(maxsize=8)
def descent_product(constant: Fraction = Fraction(2)) -> dict[str, Any]:
    """L = l(xy): K(t) = lambda_max of Hess L(p - t g) in closed form; the Rayleigh step is K I - H(t) PSD
    (det(K I - H) = 0, trace(K I - H) = lambda_max - lambda_min >= 0), so g^T H(t) g <= K(t) |g|^2."""
    moved = "[x - t*entry(g, 0, 0), y - t*entry(g, 1, 0)]"
    setup = {
        "symbols": {"x": {"real": True}, "y": {"real": True}, "t": {"real": True}},
        "functions": ["l"],
        "define": [
            ["L", "l(x*y)"],
            ["g", "grad(L, x, y)"],
            ["h", f"at(L, [x, y], {moved})"],
            ["Ht", f"at(hessian(L, x, y), [x, y], {moved})"],
            ["r", "sqrt(((entry(Ht, 0, 0) - entry(Ht, 1, 1))/2)**2 + entry(Ht, 0, 1)**2)"],
            ["K", "(entry(Ht, 0, 0) + entry(Ht, 1, 1))/2 + r"],
            ["Kmin", "(entry(Ht, 0, 0) + entry(Ht, 1, 1))/2 - r"],
            ["D", "matrix([[K, 0], [0, K]]) - Ht"],
        ],
        "point": ["x", "y"],
        "time": "t",
        "objective": "L",
        "gradient": "g",
        "h": "h",
        "curvature": "K",
    }
    identities = {
        "slope": ["subs(diff(h, t), t, 0)", "-dot(g, g)"],
        "second": ["diff(h, t, t)", "dot(g, Ht*g)"],
        "rayleigh": [
            ["det(D)", "0"],
            ["trace(D)", "K - Kmin"],
        ],
    }
    return descent_class(
        f"descent lemma for L(x, y) = l(xy), every C^2 l: eta * S < {constant} on the segment and grad L != 0 "
        "give descent",
        setup,
        identities,
        FACTOR,
        constant,
        _hypotheses("p - t grad L(p), p = (x, y)", "lambda_max(Hess L(p - t grad L(p)))", constant, "grad L(p) != 0"),
        "L(p - eta grad L(p)) < L(p)",
    )
