"""The building blocks: adaptive order fitting finds the asymptotic regime (and says when it does not), and the
public strategies draw what they promise (exact minimisers, both sides of an edge, the whole range)."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings

from checker.asymptotics import adaptive_order, fit_order
from checker.strategies import TaylorLoss, fractions, learning_rates, product_starts, taylor_losses


def test_fit_order_reads_the_power() -> None:
    hs = [1e-2 / 2**k for k in range(5)]
    assert fit_order(hs, [3 * h**2 for h in hs]) == pytest.approx(2.0)


def test_adaptive_order_goes_past_a_sign_change() -> None:
    """err = h (1 - 1000 h) vanishes at h = 1e-3: a window around it reads nonsense; below it the order is 1."""
    fit = adaptive_order(lambda h: h * (1 - 1000 * h), 1e-2)
    assert fit.stable and fit.order == pytest.approx(1.0, abs=0.1)
    assert fit.h_range[0] < 1e-3  # decided below the sign change
    assert len(fit.orders) >= 3


def test_adaptive_order_reports_an_unsettled_error() -> None:
    fit = adaptive_order(lambda h: 1 + 0.9 * math.sin(1 / h), 1e-2, h_min=1e-5)
    assert not fit.stable and fit.order is None and "did not settle" in fit.reason
    assert math.isnan(fit.margin(1.0, 0.25))


def test_adaptive_order_ignores_errors_at_the_noise_floor() -> None:
    fit = adaptive_order(lambda h: max(h, 1e-12), 1e-2, floor=1e-12, h_min=1e-14)
    assert fit.stable and fit.order == pytest.approx(1.0, abs=0.1)


@settings(max_examples=200, database=None)
@given(taylor_losses(alpha_ratio=(0, 6)))
def test_taylor_losses_have_their_minimiser_and_derivatives(t: TaylorLoss) -> None:
    assert t.a > 0 and t.b != 0
    assert t.alpha == t.b**2 * (3 - t.a * t.c / t.b**2)


def test_taylor_loss_as_a_loss_object() -> None:
    t = TaylorLoss(Fraction(1), Fraction(2), Fraction(3), Fraction(5))
    loss = t.loss
    assert [float(loss.ball(k)(1).mid()) for k in (1, 2, 3, 4)] == [0.0, 2.0, 3.0, 5.0]


def test_fractions_cover_the_range_and_stay_in_it() -> None:
    seen: list[Fraction] = []

    @settings(max_examples=300, database=None)
    @given(fractions(0, 6))
    def draw(x: Fraction) -> None:
        assert 0 <= x <= 6
        seen.append(x)

    draw()
    for k in range(6):  # every unit interval gets a fair share (Hypothesis alone puts 60% in [0, 1))
        assert sum(k <= x < k + 1 for x in seen) >= len(seen) // 12


@settings(max_examples=50, database=None)
@given(learning_rates(Fraction(4), ratio=(Fraction(1, 2), Fraction(3, 2))))
def test_learning_rates_are_relative_to_the_threshold(eta: Fraction) -> None:
    assert Fraction(1, 4) <= eta <= Fraction(3, 4)  # 2/curvature = 1/2


@settings(max_examples=50, database=None)
@given(product_starts(Fraction(2), offset=(0, 0)))
def test_product_starts_on_the_manifold(xy: tuple[Fraction, Fraction]) -> None:
    assert xy[0] * xy[1] == 2
