"""The safe loss parser (checker/parse.py) and exact parameters (checker/loss.py parse_parameter).

What must hold: every whitelisted function parses to the sympy function it names; numbers are exact
rationals of the decimals typed; every error is a one-line UserInputError naming the problem; and no attack
string executes anything (checked with sentinels that would fire if any code ran).
"""

from __future__ import annotations

import builtins
import contextlib
import re
import time
from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from checker.errors import UserInputError
from checker.loss import Loss, parse_parameter
from checker.parse import CONSTANTS, FUNCTIONS, Z, parse_expression, parse_symbolic

# name -> (sympy expected for argument z, mpmath reference at a point)
EXPECTED = {
    "exp": (sp.exp(Z), mpmath.exp),
    "log": (sp.log(Z), mpmath.log),
    "ln": (sp.log(Z), mpmath.log),
    "log1p": (sp.log(1 + Z), lambda x: mpmath.log(1 + x)),
    "sqrt": (sp.sqrt(Z), mpmath.sqrt),
    "cosh": (sp.cosh(Z), mpmath.cosh),
    "sinh": (sp.sinh(Z), mpmath.sinh),
    "tanh": (sp.tanh(Z), mpmath.tanh),
    "sigmoid": (1 / (1 + sp.exp(-Z)), lambda x: 1 / (1 + mpmath.exp(-x))),
    "softplus": (sp.log(1 + sp.exp(Z)), lambda x: mpmath.log(1 + mpmath.exp(x))),
    "abs": (sp.Abs(Z), abs),
}


def test_whitelist_is_fully_covered():
    assert set(EXPECTED) == set(FUNCTIONS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_function_parses_to_its_sympy_meaning(name):
    expected, reference = EXPECTED[name]
    expr = parse_expression(f"{name}(z)")
    assert sp.simplify(expr - expected) == 0
    # and evaluates to the right number: a mixed-up table entry (cosh for sinh) would fail here
    loss = Loss.from_string(f"{name}(z)")
    with mpmath.workdps(30):
        got = loss.mp(0)(mpmath.mpf("0.7"))
        assert abs(got - reference(mpmath.mpf("0.7"))) < mpmath.mpf(10) ** -25


def test_wrong_function_meaning_would_fail():
    """The check above can fail: cosh(z) is not sinh(z)."""
    assert sp.simplify(parse_expression("cosh(z)") - EXPECTED["sinh"][0]) != 0


@pytest.mark.parametrize("name", sorted(CONSTANTS))
def test_constants(name):
    expr = parse_expression(f"{name}*z")
    assert expr == CONSTANTS[name] * Z
    assert expr.coeff(Z) in {sp.pi, sp.E}


@pytest.mark.parametrize(("text", "expected"), [("z^2", Z**2), ("(z-1)^4/4", (Z - 1) ** 4 / 4), ("z**3", Z**3)])
def test_caret_is_power(text, expected):
    assert parse_expression(text) == expected


def test_decimals_are_exact_rationals():
    assert parse_expression("0.8*z") == sp.Rational(4, 5) * Z
    assert parse_expression("z*1e-5") == Z / 100000
    assert parse_expression("0.1*z") != sp.Float(0.1) * Z  # not the nearest double


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.8", sp.Rational(4, 5)),
        (0.8, sp.Rational(4, 5)),  # the float the user typed as 0.8, not 0.8000000000000000444...
        (" 0.1 ", sp.Rational(1, 10)),
        ("1e-3", sp.Rational(1, 1000)),
        ("1/3", sp.Rational(1, 3)),
        (Fraction(4, 5), sp.Rational(4, 5)),
        (sp.Rational(4, 5), sp.Rational(4, 5)),
        (2, sp.Integer(2)),
    ],
)
def test_parameters_are_exact(value, expected):
    got = parse_parameter("p", value)
    assert got == expected
    assert isinstance(got, sp.Rational)


def test_loss_params_substituted_exactly():
    loss = Loss.from_string("log(1+exp(z)) - p*z", p="0.8")
    assert loss.params == {"p": sp.Rational(4, 5)}
    assert loss.expr == sp.log(1 + sp.exp(Z)) - sp.Rational(4, 5) * Z


# ---- errors: one line, naming the problem ------------------------------------------------------------

ERRORS = [
    ("z +", {}, "syntax error"),
    ("q*z", {}, "unknown name 'q'"),
    ("p*z", {}, "p=VALUE"),  # a missing parameter says how to give it
    ("foo(z)", {}, "unknown function 'foo'"),
    ("exp", {}, "is a function"),
    ("exp(z, z)", {}, "exactly one argument"),
    ("3 + 4", {}, "constant"),
    ("pi*E", {}, "constant"),
    ("z + " * 600 + "z", {}, "too large"),  # length
    ("+".join(["z"] * 300), {}, "syntax nodes"),  # within the length limit, over the node limit
    ("z**10**10", {}, "exponent"),
    ("9**9**9**9", {}, "exponent"),
    ("z**100", {}, "exponent"),
    ("z + ((((2**64)**64)**64)**64)**64", {}, "number too large"),  # geometric growth of an exact power
    ("z*" + "9" * 50, {}, "number too large"),
    ("z + 1/(1-1)", {}, "division by zero"),
    ("z*0**-1", {}, "infinite"),
    ("z + sqrt(-1)", {}, "not real-valued"),
    ("z + log(-1)", {}, "not real-valued"),
    ("(-2)**z", {}, "positive base"),
    ("z < 1", {}, "comparison"),
    ("z if z else 1", {}, "conditional"),
    ("z and 1", {}, "boolean"),
    ("z % 2", {}, "operator"),
    ("'z'", {}, "only numbers"),
    ("True*z", {}, "only numbers"),
    ("", {}, "empty"),
    ("   ", {}, "empty"),
    ("z", {"p": "1"}, "given but not used"),
    ("p*z", {"p": "nan"}, "not finite"),
    ("p*z", {"p": "inf"}, "not finite"),
    ("p*z", {"p": "-inf"}, "not finite"),
    ("p*z", {"p": "abc"}, "not a number"),
    ("p*z", {"p": "1/0"}, "not a number"),
    ("p*z", {"p": True}, "not a number"),
    ("z*_x", {"_x": "1"}, "invalid parameter name"),
    ("z*z", {"z": "1"}, "invalid parameter name"),
]


@pytest.mark.parametrize(("text", "params", "needle"), ERRORS)
def test_errors_are_one_line_and_name_the_problem(text, params, needle):
    start = time.perf_counter()
    with pytest.raises(UserInputError) as info:
        Loss.from_string(text, **params)
    message = str(info.value)
    assert "\n" not in message
    assert needle.lower() in message.lower(), message
    assert len(message) < 400
    assert time.perf_counter() - start < 2.0  # refused up front, not after evaluating something huge


def test_nan_parameter_float():
    with pytest.raises(UserInputError, match="not finite"):
        Loss.from_string("p*z", p=float("nan"))


# ---- attacks: nothing executes ---------------------------------------------------------------------


def _attacks(path: str) -> list[str]:
    touch = f"open({path!r}, 'w')"
    return [
        f"__import__('os').system('touch {path}')",
        "__import__('os')",
        touch,
        f"z + {touch}",
        f'exec("{touch}")',
        f'eval("{touch}")',
        "().__class__",
        "().__class__.__base__.__subclasses__()",
        f"(lambda: {touch})()",
        "(lambda: 1)()",
        "z.__class__",
        "z.__class__.__mro__",
        "[z][0]",
        "{'a': z}['a']",
        "(z, z)",
        f"f'{{{touch}}}'",
        "f'{z}'",
        f"exp(z, x={touch})",
        "exp(x=z)",
        "exp(*[z])",
        "exp(**{'x': z})",
        "EOS_SENTINEL()",
        "__builtins__.EOS_SENTINEL()",
        "getattr(z, 'x')",
        "[x for x in (1,)]",
        "(x := 1)",
        "await z",
        "z; import os",
    ]


@pytest.fixture
def sentinel(monkeypatch):
    fired: list[bool] = []
    monkeypatch.setattr(builtins, "EOS_SENTINEL", lambda *a: fired.append(True), raising=False)
    return fired


@pytest.mark.parametrize("index", range(len(_attacks("x"))))
def test_attacks_are_refused_and_execute_nothing(index, tmp_path, sentinel):
    target = tmp_path / "pwned"
    attack = _attacks(str(target))[index]
    for parse in (lambda t: parse_expression(t), lambda t: parse_symbolic(t, {"z": Z})):
        with pytest.raises(UserInputError) as info:
            parse(attack)
        assert "\n" not in str(info.value)
    assert not target.exists()
    assert sentinel == []


def test_sentinel_would_fire_if_code_ran(tmp_path, sentinel):
    """The attack test can fail: eval-based parsing (sympify) of the same strings does run them."""
    target = tmp_path / "pwned"
    with contextlib.suppress(Exception):
        sp.sympify(f"open({str(target)!r}, 'w')")
    eval("EOS_SENTINEL()")
    assert target.exists()
    assert sentinel == [True]


# ---- parse_symbolic: certificate re-parsing -------------------------------------------------------

_ATOMS = st.sampled_from(["z", "2", "0.5", "3/7", "pi", "E", "p"])
_UNARY = st.sampled_from(["exp", "log", "sqrt", "cosh", "sinh", "tanh", "sigmoid", "softplus", "abs", "log1p"])


def _combine(children):
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/"]), children).map(
        lambda t: f"({t[0]}) {t[1]} ({t[2]})"
    )
    power = st.tuples(children, st.integers(-3, 4)).map(lambda t: f"({t[0]})**{t[1]}")
    unary = st.tuples(_UNARY, children).map(lambda t: f"{t[0]}({t[1]})")
    return binary | power | unary


EXPRESSIONS = st.recursive(_ATOMS, _combine, max_leaves=8)


@given(EXPRESSIONS)
def test_parse_symbolic_round_trips_str(text):
    params = {"p": sp.Rational(4, 5)} if re.search(r"\bp\b", text) else {}
    try:
        expr = parse_expression(f"z + {text}", params)
    except UserInputError:
        return  # e.g. log(-1) or a division by zero: refused, nothing to round-trip
    again = parse_symbolic(str(expr), {"z": Z})
    assert again == expr or sp.simplify(again - expr) == 0


def test_parse_symbolic_reads_sympy_names():
    expr = sp.Abs(Z - 1) + sp.sign(Z) + sp.LambertW(Z, -1) + sp.LambertW(Z)
    assert parse_symbolic(str(expr), {"z": Z}) == expr


def test_parse_symbolic_rejects_other_branches_and_empty():
    with pytest.raises(UserInputError, match="branch"):
        parse_symbolic("LambertW(z, 3)", {"z": Z})
    with pytest.raises(UserInputError, match="empty"):
        parse_symbolic("  ", {"z": Z})
    with pytest.raises(UserInputError, match="syntax"):
        parse_symbolic("z +", {"z": Z})
    with pytest.raises(UserInputError, match="unknown name"):
        parse_symbolic("w + 1", {"z": Z})


# ---- pathological sizes: refused in one line, never a RecursionError/MemoryError traceback --------------


@pytest.mark.parametrize(
    "text",
    [
        "-" * 90_000 + "z",
        "exp(" * 10_000 + "z" + ")" * 10_000,
        "z+" * 30_000 + "z",
        "z*" * 30_000 + "z",
        "-" * 1100 + "z",
    ],
)
def test_tampered_certificate_expressions_are_refused(text):
    with pytest.raises(UserInputError) as info:
        parse_symbolic(text, {"z": Z})
    assert "\n" not in str(info.value)


def test_deep_but_legal_expressions_still_parse():
    assert parse_symbolic("z+" * 900 + "z", {"z": Z}) == 901 * Z  # a long sum (sympy prints derivatives so)
    assert parse_expression("-" * 198 + "z") == Z  # just under the node limit
