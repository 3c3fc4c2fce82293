"""Certified critical points: the THEOREMS 6.1 catalogue, losses without minimiser, kinks, bad domains."""

from __future__ import annotations

import math

import pytest

from checker.certify.minimizers import critical_points, parse_domain
from checker.errors import UserInputError
from checker.loss import Loss


def _kinds(text: str, **params: str) -> list[tuple[str, float]]:
    cs = critical_points(Loss.from_string(text, **params))
    assert cs.complete
    return [(p.kind, p.mid) for p in cs.points]


@pytest.mark.parametrize("p", ["0.55", "0.6", "0.7", "0.8", "0.9", "0.95"])
def test_bce_soft_label_single_minimiser(p: str) -> None:
    ((kind, z),) = _kinds("log(1+exp(z)) - p*z", p=p)
    q = float(p)
    assert kind == "minimum" and z == pytest.approx(math.log(q / (1 - q)), abs=1e-14)


def test_zhu_quartic_two_minima_one_maximum() -> None:
    assert [(k, round(z, 12)) for k, z in _kinds("(z**2-1)**2/4")] == [
        ("minimum", -1.0),
        ("maximum", 0.0),
        ("minimum", 1.0),
    ]


def test_cubic_perturbation_has_a_maximum_at_two_thirds() -> None:
    kinds = _kinds("(z-1)**2/2 + (z-1)**3")
    assert [k for k, _ in kinds] == ["maximum", "minimum"]
    assert kinds[0][1] == pytest.approx(2 / 3, abs=1e-14) and kinds[1][1] == pytest.approx(1.0, abs=1e-14)


@pytest.mark.parametrize(
    "text", ["(z-1)**2/2", "log(cosh(z-1))", "sqrt(1+(z-1)**2)", "cosh(z-1)", "(z-1)**2/2+(z-1)**4"]
)
def test_single_minimum_at_one(text: str) -> None:
    ((kind, z),) = _kinds(text)
    assert kind == "minimum" and z == pytest.approx(1.0, abs=1e-14)


def test_enclosure_is_tight_and_contains_the_minimiser() -> None:
    cs = critical_points(Loss.from_string("log(1+exp(z)) - p*z", p="0.8"), prec=200)
    box = cs.points[0].box
    assert box.rad() < 1e-50
    from flint import arb

    from checker.backends.ball import ball_precision

    with ball_precision(200):
        assert box.overlaps(arb(4).log())
        assert not box.overlaps(arb(4).log() + arb(2) ** -150)  # mutant: a shifted minimiser is excluded


def test_no_minimiser_says_why() -> None:
    cs = critical_points(Loss.from_string("log(1+exp(-z))"))
    assert cs.points == [] and cs.complete and cs.sign_l1 == "negative"


def test_kink_is_reported() -> None:
    cs = critical_points(Loss.from_string("abs(z-1) + (z-2)**2"))
    assert [p.kind for p in cs.points] == ["minimum"] and cs.points[0].mid == pytest.approx(1.5)
    assert cs.kinks and cs.kinks[0].lo <= 1 <= cs.kinks[0].hi


def test_multiple_zero_is_undecided_not_dropped() -> None:
    cs = critical_points(Loss.from_string("(z-1)**4"))
    assert cs.points == [] and not cs.complete
    assert cs.undecided[0].lo <= 1 <= cs.undecided[0].hi


def test_domain_restricts_the_search() -> None:
    cs = critical_points(Loss.from_string("(z**2-1)**2/4"), (0.5, 3.0))
    assert [p.kind for p in cs.points] == ["minimum"]


@pytest.mark.parametrize("text", ["1", "5,1", "a,b", "0,inf", "nan,1", "1,2,3", "3,3"])
def test_bad_domain(text: str) -> None:
    with pytest.raises(UserInputError):
        parse_domain(text)


def test_good_domain() -> None:
    assert parse_domain("-2, 3.5") == (-2.0, 3.5)
