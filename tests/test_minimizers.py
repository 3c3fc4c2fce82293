"""Certified critical points from the domain cover: the catalogue of losses, losses without minimiser, kinks,
multiple zeros, bad domains."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from checker.certify.minimizers import parse_domain
from checker.errors import UserInputError
from checker.loss import Loss
from checker.lossval.cover import Cover, build_cover


def _cover(text: str, domain: tuple[float, float] = (-50, 50), prec: int = 128, **params: str) -> Cover:
    return build_cover(Loss.from_string(text, **params), (Fraction(domain[0]), Fraction(domain[1])), prec=prec)


def _kinds(text: str, **params: str) -> list[tuple[str | None, float]]:
    cover = _cover(text, **params)
    assert cover.complete
    return [
        (p.type, float(p.krawczyk.box.mid()) if p.krawczyk is not None else float(p.value or 0)) for p in cover.critical
    ]


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
    (point,) = _cover("log(1+exp(z)) - p*z", prec=200, p="0.8").minimum_points()
    box = point.box
    assert box.rad() < 1e-50
    from flint import arb

    from checker.backends.ball import ball_precision

    with ball_precision(200):
        assert box.overlaps(arb(4).log())
        assert not box.overlaps(arb(4).log() + arb(2) ** -150)  # mutant: a shifted minimiser is excluded


def test_no_minimiser_says_why() -> None:
    cover = _cover("log(1+exp(-z))")
    assert cover.critical == [] and cover.complete and cover.sign_everywhere() == "negative"


def test_kink_is_reported() -> None:
    cover = _cover("abs(z-1) + (z-2)**2")
    assert [p.type for p in cover.critical] == ["minimum"]
    assert float(cover.minimum_points()[0].mid) == pytest.approx(1.5)
    assert cover.undecided and cover.undecided[0].lo <= 1 <= cover.undecided[0].hi


def test_multiple_zero_is_found_exactly_not_dropped() -> None:
    cover = _cover("(z-1)**4")
    (p,) = cover.critical
    assert cover.complete and p.kind == "exact-root" and p.type == "degenerate-minimum" and p.order == 4


def test_multiple_zero_without_exact_form_is_undecided_not_dropped() -> None:
    cover = _cover("(exp(z-1)-1)**4", (-3, 3))  # l' is not a polynomial: no exact roots, no inclusion
    assert cover.critical == [] and not cover.complete
    assert cover.undecided[0].lo <= 1 <= cover.undecided[0].hi


def test_domain_restricts_the_search() -> None:
    cover = _cover("(z**2-1)**2/4", (0.5, 3.0))
    assert [p.type for p in cover.critical] == ["minimum"]


@pytest.mark.parametrize("text", ["1", "5,1", "a,b", "0,inf", "nan,1", "1,2,3", "3,3"])
def test_bad_domain(text: str) -> None:
    with pytest.raises(UserInputError):
        parse_domain(text)


def test_good_domain() -> None:
    assert parse_domain("-2, 3.5") == (-2.0, 3.5)
