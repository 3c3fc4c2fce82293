"""Scalar losses of Gan (2026a), GAN-A-EX, with their minimiser and product-stability alpha.

One table shared by the Gan 2026a/2026b properties, so that every property draws from the same losses and JAX
compiles each loss's kernels once per process (Loss objects are cached here).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import sympy as sp

from checker.loss import Loss
from checker.parse import Z


@dataclass(frozen=True)
class ProductLoss:
    key: str
    text: str
    zstar: sp.Expr  # exact minimiser
    alpha: sp.Expr  # expected alpha_l(z*) = 3 b^2 - a c (the paper's Sec. 4 examples)
    params: tuple[tuple[str, str], ...] = ()

    @property
    def loss(self) -> Loss:
        return _loss(self.text, self.params)

    def derivatives_at_min(self) -> tuple[float, float, float, float]:
        """(z*, a, b, c) as floats (for simulation set-up and predictions; certificates use balls)."""
        vals = [float(self.loss.derivative(k).subs(Z, self.zstar).evalf(30)) for k in (2, 3, 4)]
        return float(self.zstar.evalf(30)), vals[0], vals[1], vals[2]


@cache
def _loss(text: str, params: tuple[tuple[str, str], ...]) -> Loss:
    return Loss.from_string(text, dict(params))


def bce(p: str) -> ProductLoss:
    """Binary cross-entropy with soft label p: z* = log(p/(1-p)), alpha = 2v^2(1 - 3v), v = p(1-p)."""
    pr = sp.Rational(p)
    v = pr * (1 - pr)
    return ProductLoss(f"bce{p}", "log(1+exp(z)) - p*z", sp.log(pr / (1 - pr)), 2 * v**2 * (1 - 3 * v), (("p", p),))


ONE = sp.Integer(1)
TABLE: dict[str, ProductLoss] = {
    pl.key: pl
    for pl in (
        bce("0.8"),
        bce("0.6"),
        ProductLoss("zhu", "(z^2 - 1)^2/4", ONE, sp.Integer(96)),
        ProductLoss("logcosh", "log(cosh(z - 1))", ONE, sp.Integer(2)),
        ProductLoss("sqrt", "sqrt(1 + (z - 1)^2)", ONE, sp.Integer(3)),
        ProductLoss("cubic", "(z - 1)^2/2 + (z - 1)^3", ONE, sp.Integer(108)),
        ProductLoss("square", "(z - 1)^2/2", ONE, sp.Integer(0)),
        ProductLoss("cosh", "cosh(z - 1)", ONE, sp.Integer(-1)),
        ProductLoss("quartic-sub", "(z - 1)^2/2 + (z - 1)^4", ONE, sp.Integer(-24)),
    )
}
STABLE = ("bce0.8", "zhu", "logcosh")  # alpha > 0, used in simulations (few losses: few JAX compilations)
SUBCRITICAL = ("quartic-sub",)


@cache
def product_jax(key: str) -> Callable[[Any], Any]:
    """theta -> l(theta_0 theta_1) for the table's loss ``key``, in JAX (cached: one compiled loss per key)."""
    l0 = TABLE[key].loss.jax(0)
    return lambda th: l0(th[0] * th[1])


def product_mp(key: str) -> Callable[[Any, Any], Any]:
    """(x, y) -> l(xy) for the table's loss ``key``, in mpmath."""
    l0 = TABLE[key].loss.mp(0)
    return lambda X, Y: l0(X * Y)
