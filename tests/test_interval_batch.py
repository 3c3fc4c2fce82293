"""Certified interval batches (float64 arrays, outward rounding) against arb (python-flint) balls.

Each float enclosure must contain the arb enclosure of the same exact quantity (arb at 256 bits is ~1e-70
wide around the exact value, so containment of its midpoint ball is containment of the exact value), and
must stay narrow (a whole-line answer would trivially contain everything: the width bound catches that).
"""

from __future__ import annotations

import numpy as np
import pytest
from flint import arb, ctx

from checker.errors import UserInputError
from checker.loss import Loss
from checker.simulate import interval_batch as ib
from checker.simulate.product_ball import simulate_product_ball


def _contains(lo: float, hi: float, ball: arb) -> bool:
    return bool(arb(lo) <= ball.lower() and ball.upper() <= arb(hi))


def _random_intervals(rng: np.random.Generator, n: int) -> ib.Iv:
    mid = rng.uniform(-3, 3, n) * 10.0 ** rng.integers(-3, 3, n)
    rad = np.abs(mid) * 10.0 ** rng.uniform(-17, -2, n) * rng.integers(0, 2, n)  # some exact points
    return mid - rad, mid + rad


_ARB_OPS = {
    "add": lambda x, y: x + y,
    "sub": lambda x, y: x - y,
    "mul": lambda x, y: x * y,
    "div": lambda x, y: x / y,
    "pow3": lambda x, y: x**3,
    "pow4": lambda x, y: x**4,
    "pow-2": lambda x, y: 1 / x**2,
}


def _exact_range(op: str, a: tuple[float, float], b: tuple[float, float]) -> tuple[arb, arb] | None:
    """[min, max] of the exact op over the box, from its endpoint values in arb at 256 bits (exact for +, -, *
    and powers of floats; a ~1e-77 ball for /). Every op here is monotone in each argument on a box that does
    not straddle a pole, except even powers, whose minimum is 0 when the box contains 0. None: a pole."""
    if (op == "div" and b[0] <= 0 <= b[1]) or (op == "pow-2" and a[0] <= 0 <= a[1]):
        return None
    values = [_ARB_OPS[op](arb(u), arb(v)) for u in a for v in b]
    lower = min((v.lower() for v in values), key=float)
    upper = max((v.upper() for v in values), key=float)
    if op == "pow4" and a[0] <= 0 <= a[1]:
        lower = arb(0)
    return lower, upper


@pytest.mark.parametrize("op", sorted(_ARB_OPS))
def test_operations_enclose_arb(op: str) -> None:
    rng = np.random.default_rng(sorted(_ARB_OPS).index(op))
    a, b = _random_intervals(rng, 300), _random_intervals(rng, 300)
    fn = {
        "add": lambda: ib.add(a, b),
        "sub": lambda: ib.sub(a, b),
        "mul": lambda: ib.mul(a, b),
        "div": lambda: ib.div(a, b),
        "pow3": lambda: ib.pow_int(a, 3),
        "pow4": lambda: ib.pow_int(a, 4),
        "pow-2": lambda: ib.pow_int(a, -2),
    }[op]
    lo, hi = fn()
    with ctx.workprec(256):
        for i in range(300):
            rng_i = _exact_range(op, (a[0][i], a[1][i]), (b[0][i], b[1][i]))
            if rng_i is None:  # a divisor or base straddling 0: ours must be the whole line
                assert lo[i] == -np.inf and hi[i] == np.inf
                continue
            lower, upper = rng_i
            assert arb(lo[i]) <= lower and upper <= arb(hi[i]), (op, i, lo[i], hi[i], lower, upper)
            # no wider than rigor needs: a few outward float steps (pow4: three rounded multiplies) per endpoint
            width = float(upper - lower)
            assert hi[i] - lo[i] <= width * (1 + 1e-12) + 16 * np.spacing(max(abs(lo[i]), abs(hi[i])))


def test_rounding_is_outward_not_nearest() -> None:
    # 0.1 + 0.2 in round-to-nearest is 0.30000000000000004 > 3/10; the exact sum of the two floats is
    # 0.3000000000000000166533453693773481063544750213623046875: the interval must straddle it.
    lo, hi = ib.add((np.array([0.1]), np.array([0.1])), (np.array([0.2]), np.array([0.2])))
    assert lo[0] < 0.1 + 0.2 < hi[0]
    third = ib.constant(__import__("sympy").Rational(1, 3), np.zeros(1))
    with ctx.workprec(256):
        assert _contains(third[0][0], third[1][0], arb(1) / 3)


LOSSES = [
    ("(z**2 - 1)**2/4", {}),
    ("(z - a)**2/2 + b*(z - a)**3", {"a": "1.3", "b": "0.2"}),
    ("z**2/(1 + z**2) - z/3", {}),
    ("(z - 1)**2/(2 + z**2)", {}),
]


@pytest.mark.parametrize("engine", ["numpy", "numba"])
@pytest.mark.parametrize(("text", "params"), LOSSES)
def test_trajectories_enclose_arb_trajectories(text: str, params: dict[str, str], engine: str) -> None:
    loss = Loss.from_string(text, params)
    rng = np.random.default_rng(7)
    n, steps = 12, 60
    x0, y0 = rng.uniform(0.6, 1.4, n), rng.uniform(0.6, 1.4, n)
    eta = rng.uniform(0.05, 0.4, n)
    res = ib.simulate_interval_batch(loss, x0, y0, eta, steps=steps, max_radius=1e-3, engine=engine)
    for i in range(n):
        ball = simulate_product_ball(
            loss, x0[i], y0[i], eta[i], steps=steps, prec=256, record_every=steps, max_radius=1
        )
        if ball.status == "diverged":
            assert res.status[i] in (ib.DIVERGED, ib.LOST)
            continue
        assert ball.status == "budget"
        if res.status[i] == ib.LOST:  # allowed (wide enclosure), but must not happen on these mild runs
            pytest.fail(f"lost precision at {i}: {x0[i]}, {y0[i]}, {eta[i]}")
        assert res.stop_step[i] == steps
        assert _contains(res.x_lo[i], res.x_hi[i], ball.x[-1]) and _contains(res.y_lo[i], res.y_hi[i], ball.y[-1])
        assert res.x_hi[i] - res.x_lo[i] < 1e-9 and res.y_hi[i] - res.y_lo[i] < 1e-9
        assert res.sup_abs[i] >= max(abs(float(ball.x[-1].mid())), abs(float(ball.y[-1].mid())))


def test_divergence_is_proved_and_transcendental_losses_refused() -> None:
    loss = Loss.from_string("(z**2 - 1)**2/4")
    res = ib.simulate_interval_batch(loss, [3.0, 0.9], [3.0, 1.0], [0.5, 0.1], steps=200)
    assert res.status[0] == ib.DIVERGED and res.status[1] == ib.OK
    with pytest.raises(UserInputError):
        ib.simulate_interval_batch(Loss.from_string("log(1+exp(z))"), 1.0, 1.0, 0.1, steps=3)
    with pytest.raises(UserInputError):
        ib.simulate_interval_batch(loss, 1.0, 1.0, -0.1, steps=3)


def test_outward_steps_pass_at_least_one_float() -> None:
    # the cheap outward rounding must move at least as far as np.nextafter, across every binade
    rng = np.random.default_rng(11)
    a = rng.choice([-1.0, 1.0], 5000) * 2.0 ** rng.uniform(-1074, 1023, 5000)
    a = np.concatenate([a, [0.0, -0.0, 5e-324, -5e-324, 2.0**-1022, 1.0, 2.0, -2.0, 1.7976931348623157e308 / 4]])
    assert np.all(ib._down(a) <= np.nextafter(a, -np.inf))
    assert np.all(ib._up(a) >= np.nextafter(a, np.inf))
    assert np.all(ib._down(a) >= a - 4 * np.spacing(np.abs(a)))  # and not absurdly far
