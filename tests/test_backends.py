"""The three backends evaluate the same translated tree (checker/backends/), on the THEOREMS.md 6.1 catalogue.

What must hold: the 128-bit arb ball CONTAINS the 200-digit mpmath value (rigour); mpmath at 30 digits and
JAX float64 agree with it to their precision, float32 loosely (tolerances relative to 1 + |value|); the 6.1
table is reproduced within its printed digits (and a mutated alpha is not); a wide ball encloses the values
at points inside it (interval extension); and abs's kink is refused, not guessed.
"""

from __future__ import annotations

import math
from decimal import Decimal

import mpmath
import numpy as np
import pytest
import sympy as sp
from flint import arb, fmpz
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.backends.ball import ball_function, ball_precision, to_arb
from checker.backends.jax_backend import jnp  # this import enables float64 first
from checker.backends.mp import mp_function, mp_precision
from checker.errors import NonSmoothPointError, UserInputError
from checker.loss import Loss
from checker.parse import Z

BCE = "log(1+exp(z)) - p*z"
# (id, text, params, exact minimiser as sympy)
CATALOGUE = [
    *[
        (f"bce{p}", BCE, {"p": p}, sp.log(sp.Rational(p) / (1 - sp.Rational(p))))
        for p in ("0.55", "0.6", "0.7", "0.8", "0.9", "0.95")
    ],
    ("square", "(z-1)^2/2", {}, sp.Integer(1)),
    ("zhu", "(z^2-1)^2/4", {}, sp.Integer(1)),
    ("logcosh", "log(cosh(z-1))", {}, sp.Integer(1)),
    ("sqrt", "sqrt(1+(z-1)^2)", {}, sp.Integer(1)),
    ("cosh", "cosh(z-1)", {}, sp.Integer(1)),
    ("quartic", "(z-1)^2/2+(z-1)^4", {}, sp.Integer(1)),
    ("cubic", "(z-1)^2/2+(z-1)^3", {}, sp.Integer(1)),
]
IDS = [c[0] for c in CATALOGUE]
ORDERS = range(5)


def _loss(entry) -> Loss:
    _, text, params, _ = entry
    return Loss.from_string(text, **params)


def exact_arb(value: mpmath.mpf) -> arb:
    """The mpmath binary number as an exact ball (radius 0): no decimal rounding in the comparison."""
    sign, man, exp, _ = value._mpf_  # not mpf(value): that would round to the ambient precision
    if not man:
        return arb(0)
    with ball_precision(max(64, int(man).bit_length() + 64)):
        return (-1) ** sign * arb(fmpz(int(man))) * arb(2) ** int(exp)


def test_exact_arb_is_exact():
    with mpmath.workdps(200):
        v = mpmath.mpf(1) / 3
    b = exact_arb(v)
    assert b.rad() == 0
    assert b.contains(exact_arb(v))
    with mpmath.workdps(200):
        w = v + mpmath.mpf(10) ** -150
    assert not b.contains(exact_arb(w))  # the containment check can fail
    with mpmath.workdps(200):
        negative = -v
    assert (exact_arb(negative) + b).is_zero()


POINTS = st.floats(min_value=-3, max_value=5, allow_nan=False, allow_infinity=False)


# Each example evaluates 5 orders on 5 arithmetics; fewer examples than the profile's, scaled with it.
FEW = settings(max_examples=max(6, settings.default.max_examples // 4))


@pytest.mark.parametrize("entry", CATALOGUE, ids=IDS)
@FEW
@given(z=POINTS)
def test_ball_contains_high_precision_value_and_floats_agree(entry, z):
    loss = _loss(entry)
    for k in ORDERS:
        with mp_precision(200):
            ref = loss.mp(k)(mpmath.mpf(z))
        with ball_precision(128):
            ball = loss.ball(k)(to_arb(z))
        assert ball.contains(exact_arb(ref)), (k, z, ball, ref)
        assert float(ball.rad()) <= 1e-30 * (1 + abs(float(ref)))  # and is tight: a ball of R is no answer
        scale = 1 + abs(float(ref))
        v30 = loss.mp(k, dps=30)(z)
        assert abs(v30 - ref) <= 1e-27 * scale, (k, z)
        v64 = float(loss.jax(k)(jnp.float64(z)))
        assert abs(v64 - float(ref)) <= 2e-13 * scale, (k, z, v64, ref)
        v32 = loss.jax(k)(jnp.float32(z))
        assert v32.dtype == jnp.float32
        assert abs(float(v32) - float(ref)) <= 1e-4 * scale, (k, z, v32, ref)


def test_float_comparison_can_fail():
    """A translator that mapped cosh to sinh would be caught by the float64 tolerance."""
    good, bad = Loss.from_string("cosh(z-1)"), Loss.from_string("sinh(z-1)")
    z = 0.3
    ref = good.mp(0, dps=200)(z)
    assert abs(float(bad.jax(0)(jnp.float64(z))) - float(ref)) > 2e-13 * (1 + abs(float(ref)))


# ---- the 6.1 table --------------------------------------------------------------------------------

# id -> (l'', l''', l'''', alpha) exactly as printed in THEOREMS.md 6.1
TABLE = {
    "bce0.55": ("0.2475", "-0.02475", "-0.12004", "0.031547"),
    "bce0.6": ("0.24", "-0.048", "-0.1056", "0.032256"),
    "bce0.7": ("0.21", "-0.084", "-0.0546", "0.032634"),
    "bce0.8": ("0.16", "-0.096", "0.0064", "0.026624"),
    "bce0.9": ("0.09", "-0.072", "0.0414", "0.011826"),
    "bce0.95": ("0.0475", "-0.04275", "0.03396", "0.0038695"),
    "square": ("1", "0", "0", "0"),
    "zhu": ("2", "6", "6", "96"),
    "logcosh": ("1", "0", "-2", "2"),
    "sqrt": ("1", "0", "-3", "3"),
    "cubic": ("1", "6", "0", "108"),
    "cosh": ("1", "0", "1", "-1"),
    "quartic": ("1", "0", "24", "-24"),
}


def _printed_matches(ball: arb, printed: str) -> bool:
    """The ball agrees with the printed number to its last printed digit (half a unit of it)."""
    decimals = max(0, -Decimal(printed).as_tuple().exponent)
    half_unit = arb(5) / arb(10) ** (decimals + 1)
    diff = ball - arb(printed)
    return bool(abs(diff) < half_unit) if decimals else bool(diff.contains(0) and ball.rad() < 1e-30)


def _table_values(entry, alpha_formula) -> tuple[arb, ...]:
    loss = _loss(entry)
    with ball_precision(128):
        zstar = to_arb(entry[3])
        a, b, c = (loss.ball(k)(zstar) for k in (2, 3, 4))
        assert abs(loss.ball(1)(zstar)) < 1e-30  # z* really is a critical point
        return a, b, c, alpha_formula(a, b, c)


def _alpha(a, b, c):
    return 3 * b**2 - a * c  # GAN-A-D4.1


@pytest.mark.parametrize("entry", CATALOGUE, ids=IDS)
def test_table_61_values(entry):
    values = _table_values(entry, _alpha)
    for value, printed in zip(values, TABLE[entry[0]], strict=True):
        assert _printed_matches(value, printed), (entry[0], value, printed)


def test_table_61_alpha_from_loss_expression():
    """Loss.product_stability_expr gives the same alpha as the table (BCE p=0.8: 2 v^2 (1 - 3v), v = 4/25)."""
    loss = Loss.from_string(BCE, p="0.8")
    v = sp.Rational(4, 25)
    at_min = loss.product_stability_expr().subs(Z, sp.log(4))
    assert sp.simplify(at_min - 2 * v**2 * (1 - 3 * v)) == 0


def test_table_61_mutant_alpha_fails():
    """alpha computed as 3b^2 + ac (flipped sign) must miss the table on the rows where c != 0."""
    failures = [
        entry[0]
        for entry in CATALOGUE
        if not _printed_matches(_table_values(entry, lambda a, b, c: 3 * b**2 + a * c)[3], TABLE[entry[0]][3])
    ]
    assert set(failures) == {e[0] for e in CATALOGUE} - {"square", "cubic"}


def test_printed_match_can_fail_on_last_digit():
    with ball_precision(128):
        assert _printed_matches(arb("0.0315474"), "0.031547")
        assert not _printed_matches(arb("0.0315476"), "0.031547")


# ---- wide balls: interval extension ----------------------------------------------------------------


@pytest.mark.parametrize("entry", CATALOGUE, ids=IDS)
@FEW
@given(mid=st.floats(-2, 4), rad=st.floats(1e-6, 0.5), frac=st.lists(st.floats(-1, 1), min_size=3, max_size=3))
def test_wide_ball_encloses_values_inside(entry, mid, rad, frac):
    loss = _loss(entry)
    with ball_precision(128):
        box = arb(mid, rad)
        for k in ORDERS:
            enclosure = loss.ball(k)(box)
            for f in (-1.0, 1.0, *frac):
                point = mid + f * rad * (1 - 1e-12)
                with mp_precision(60):
                    value = loss.mp(k)(mpmath.mpf(point))
                assert enclosure.contains(exact_arb(value)) or enclosure.overlaps(to_arb(value)), (k, point)


def test_narrow_ball_is_not_an_enclosure_of_a_wide_range():
    """The enclosure test can fail: a point evaluation does not enclose values elsewhere in the box."""
    loss = Loss.from_string("cosh(z-1)")
    with ball_precision(128):
        at_mid = loss.ball(0)(arb(1))
        assert not at_mid.contains(loss.ball(0)(arb(2)))


# ---- abs and sign -------------------------------------------------------------------------------------


def test_sign_of_ball_containing_zero_raises():
    loss = Loss.from_string("abs(z-1) + z^2")
    with ball_precision(128):
        assert loss.ball(1)(arb(2)) == 1 + 4  # sign(1) + 2z
        assert loss.ball(1)(arb(0)) == -1
        for ball in (arb(1), arb(1, 1e-3), arb("1.0000000001", "0.1")):
            with pytest.raises(NonSmoothPointError):
                loss.ball(1)(ball)


def test_abs_second_derivative_drops_dirac_delta():
    loss = Loss.from_string("abs(z-1)")
    assert loss.derivative(1) == sp.sign(Z - 1)
    assert loss.derivative(2) == 0
    assert loss.has_kinks


# ---- translator: every node derivatives produce ------------------------------------------------------

TRANSLATED = [
    "sigmoid(z)",
    "softplus(z)",
    "tanh(z) + sinh(z)",
    "log1p(z^2)",
    "2**z",
    "z**(1/3) + z**(-3/2)",
    "pi*z^2 + E*z",
    "exp(-z^2/2)/sqrt(2*pi)",
    "sqrt(z) * log(z)",
    "abs(z-3) * z",
    "z^2 * 1.5",
]


@pytest.mark.parametrize("text", TRANSLATED)
def test_translator_handles_derivatives_on_every_backend(text):
    loss = Loss.from_string(text)
    z = 1.7
    for k in ORDERS:
        expected = sp.N(loss.derivative(k).subs(Z, sp.Rational(z)), 60)  # sympy's own evaluation, independent
        with ball_precision(256):
            ball = loss.ball(k)(to_arb(z))
            # sympy's 60 digits are within 1e-58 of the truth; the ball must be tight and centred on it
            assert abs(ball - arb(str(expected))) <= ball.rad() + arb("1e-55") * (1 + abs(ball)), (k, ball)
            assert ball.rad() < 1e-60
        with mp_precision(40):
            assert abs(loss.mp(k)(mpmath.mpf(z)) - mpmath.mpf(str(expected))) < 1e-35 * (1 + abs(expected))
        assert math.isclose(float(loss.jax(k)(jnp.float64(z))), float(expected), rel_tol=1e-12, abs_tol=1e-12)


def test_translator_refuses_unsupported_nodes_with_one_line():
    with pytest.raises(UserInputError, match="cannot evaluate"):
        mp_function(sp.gamma(Z), Z)
    with pytest.raises(UserInputError, match="cannot evaluate"):
        ball_function(sp.zoo * Z, Z)


def test_lambertw_branches_in_ball_and_mp():
    expr = sp.LambertW(Z) + sp.LambertW(Z, -1)
    x = -0.2
    with ball_precision(128):
        ball = ball_function(expr, Z)(to_arb(x))
    with mp_precision(60):
        ref = mpmath.lambertw(x, 0).real + mpmath.lambertw(x, -1).real
    assert ball.contains(exact_arb(ref)) or ball.overlaps(to_arb(float(ref)))
    assert abs(float(ball.mid()) - float(ref)) < 1e-14


def test_constant_derivative_broadcasts_in_jax():
    loss = Loss.from_string("(z-1)^2/2")
    out = loss.jax(2)(jnp.zeros((3, 2), jnp.float32))
    assert out.shape == (3, 2) and out.dtype == jnp.float32
    np.testing.assert_array_equal(np.asarray(out), 1.0)


# ---- Loss.mp conversions and identity ---------------------------------------------------------------


def test_loss_mp_with_dps_converts_inputs_at_that_precision():
    loss = Loss.from_string("z")
    value = loss.mp(0, dps=50)("0.1")  # a decimal string is read at 50 digits, not at the ambient 15
    with mp_precision(60):
        assert abs(value - mpmath.mpf("0.1")) < mpmath.mpf(10) ** -48
    frac = loss.mp(0, dps=50)(sp.Rational(1, 3))
    with mp_precision(60):
        assert abs(frac - mpmath.mpf(1) / 3) < mpmath.mpf(10) ** -48


def test_loss_equality_follows_the_substituted_expression():
    a = Loss.from_string(BCE, p="0.8")
    b = Loss.from_string("log(1+exp(z)) - 0.8*z")
    c = Loss.from_string(BCE, p="0.7")
    assert a == b and hash(a) == hash(b)  # the same function: the same compiled kernels may be shared
    assert a != c
    assert len({a, b, c}) == 2


# ---- impossible precisions ------------------------------------------------------------------------------


@pytest.mark.parametrize("bits", [0, 1, -5, 10**9, 1.5, "abc", None, True])
def test_impossible_ball_precision(bits):
    with pytest.raises(UserInputError, match="precision"), ball_precision(bits):
        pass


@pytest.mark.parametrize("dps", [0, -1, 10**9, 2.5, float("nan"), float("inf")])
def test_impossible_mp_precision(dps):
    with pytest.raises(UserInputError, match="precision"):
        Loss.from_string("z^2").mp(0, dps=dps)(1)


def test_whole_number_precisions_accepted():
    with ball_precision(np.int64(128)), mp_precision(50.0):
        assert mpmath.mp.dps == 50
        assert (arb(1) / 3).rad() < 1e-37


def test_huge_exact_constant_overflows_to_inf_in_float_not_a_traceback():
    loss = Loss.from_string("z^2 * (2**64)**17")  # 2**1088, beyond the float range
    assert float(loss.jax(0)(jnp.float64(1.0))) == math.inf
    with ball_precision(64):
        assert loss.ball(0)(1).is_finite()  # balls have no overflow
