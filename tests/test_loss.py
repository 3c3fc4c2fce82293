"""Loss (checker/loss.py): derivatives every backend can evaluate, input conversion, identity, limits.

Derivatives are checked against mpmath's numerical differentiation of l itself (an independent road), so a
wrong differentiation rule (e.g. for abs of an expression sympy cannot prove real) fails here.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from flint import arb

from checker.backends.ball import ball_precision
from checker.errors import NonSmoothPointError, UserInputError
from checker.loss import MAX_DERIVATIVE_ORDER, Loss
from checker.parse import Z

KINKED = [
    "abs(log(z))",  # sympy's own rule gives Derivative(sign(log z)) and re/im terms: no backend can evaluate them
    "abs(sqrt(z)-1)",  # ... or sin(atan2(0, z)/2)
    "abs(sinh(z)) + z^2",
    "abs(z-1)^3",
    "z**z",
    "log(z^2)",
]


@pytest.mark.parametrize("text", KINKED)
def test_derivatives_match_numerical_differentiation_on_all_backends(text):
    loss = Loss.from_string(text)
    for k in range(4):
        with mpmath.workdps(40):
            z = mpmath.mpf("1.7")
            numeric = mpmath.diff(lambda t: loss.mp(0)(t), z, k)
            exact = loss.mp(k)(z)
            assert abs(exact - numeric) < mpmath.mpf(10) ** -25 * (1 + abs(numeric)), (k, exact, numeric)
        with ball_precision(128):
            assert abs(loss.ball(k)("1.7") - arb(mpmath.nstr(numeric, 35))) < 1e-25 * (1 + abs(float(numeric)))
        assert float(loss.jax(k)(1.7)) == pytest.approx(float(numeric), rel=1e-12, abs=1e-12)


def test_derivative_comparison_can_fail():
    """A wrong derivative (cosh'' where cosh' is meant) fails the numerical comparison."""
    with mpmath.workdps(40):
        numeric = mpmath.diff(lambda t: mpmath.cosh(t), mpmath.mpf("1.7"), 1)  # = sinh(1.7)
        wrong = Loss.from_string("cosh(z)").mp(2)  # cosh, not sinh: off by e^-1.7
        assert abs(wrong(mpmath.mpf("1.7")) - numeric) > 0.1


def test_kink_of_composite_abs_is_refused_by_balls():
    loss = Loss.from_string("abs(log(z))")
    with ball_precision(128), pytest.raises(NonSmoothPointError):
        loss.ball(1)(1)


def test_ball_evaluator_converts_inputs_exactly():
    loss = Loss.from_string("z^2")
    with ball_precision(128):
        assert loss.ball(0)(Fraction(1, 3)).contains(arb(1) / 9)
        assert loss.ball(0)(0.5) == arb("0.25")  # the float 0.5 is exact
        tenth = loss.ball(0)("0.1")  # the decimal 0.1, not the double nearest to it
        assert abs(tenth - arb(1) / 100) < 1e-36
        assert abs(loss.ball(0)(0.1) - arb(1) / 100) > 1e-19  # the double 0.1 squared is not 1/100


@pytest.mark.parametrize("order", [-1, MAX_DERIVATIVE_ORDER + 1])
def test_derivative_order_limits(order):
    with pytest.raises(UserInputError, match="derivative order"):
        Loss.from_string("z^2").derivative(order)


def test_product_stability_expr_bce_is_symbolic_identity():
    """GAN-A-EX: BCE alpha(z*) = 2 v^2 (1 - 3 v), v = p(1 - p), for symbolic p: an identity, not a sample."""
    p = sp.Symbol("p", positive=True)
    loss = Loss.from_sympy(sp.log(1 + sp.exp(sp.Symbol("w"))) - sp.Rational(4, 5) * sp.Symbol("w"))
    v = sp.Rational(4, 25)
    assert sp.simplify(loss.product_stability_expr().subs(Z, sp.log(4)) - 2 * v**2 * (1 - 3 * v)) == 0
    # and for general p (sympy differentiates the expression with p as a symbol)
    zz = sp.Symbol("zz", real=True)
    expr = sp.log(1 + sp.exp(zz)) - p * zz
    d = [sp.diff(expr, zz, k) for k in range(5)]
    alpha = (3 * d[3] ** 2 - d[2] * d[4]).subs(zz, sp.log(p / (1 - p)))
    vv = p * (1 - p)
    assert sp.simplify(alpha - 2 * vv**2 * (1 - 3 * vv)) == 0
    assert sp.simplify(alpha - 2 * vv**2 * (1 + 3 * vv)) != 0  # the identity check can fail


def test_from_sympy_checks_its_symbols():
    w, q = sp.symbols("w q")
    assert Loss.from_sympy(w**2).expr == Z**2
    with pytest.raises(UserInputError, match="exactly one free symbol"):
        Loss.from_sympy(w * q)
    with pytest.raises(UserInputError, match="substitute the parameters"):
        Loss.from_sympy(w * q, variable=w)
    with pytest.raises(UserInputError, match="does not depend"):
        Loss.from_sympy(w**2, variable=q)


def test_describe_and_json_keep_exact_parameters():
    loss = Loss.from_string("log(1+exp(z)) - p*z", p="0.8")
    assert loss.describe() == "log(1+exp(z)) - p*z with p=4/5"
    data = loss.to_json()
    assert data["params"] == {"p": "4/5"} and data["text"] == "log(1+exp(z)) - p*z"
    assert sp.sympify(data["sympy"]) == loss.expr  # srepr of our own expression (trusted, not user text)


def test_evaluators_are_cached():
    loss = Loss.from_string("cosh(z)")
    assert loss._evaluator("mp", 2) is loss._evaluator("mp", 2)
    assert loss.derivative(3) is loss.derivative(3)
