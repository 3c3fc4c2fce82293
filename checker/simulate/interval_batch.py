"""Certified GD on l(xy) for a whole batch at once: interval arithmetic on float64 numpy arrays.

Why: the arb path (product_ball) certifies one trajectory at a time with one Python call per ball operation
(~1e5 steps/s). Here every operation acts on arrays of lower and upper bounds, so one numpy call covers the
whole batch and the interpreter's cost is paid once per operation, not once per trajectory. With numba
installed the same operations run compiled (``interval_kernel``: blocks of trajectories kept in cache, the
whole mean-value step fused), which computes the same floats ~3-10x faster; numpy remains the reference.

Why the enclosure is rigorous. IEEE 754 requires +, -, * and / on float64 to be *correctly rounded*: the
result is the float nearest the exact real result, so it is within half an ulp of it. Every operation here
computes each candidate endpoint in round-to-nearest and then moves it one float outward (:func:`_down`,
:func:`_up`: by at least one ulp, like ``np.nextafter`` but ~5x cheaper), which steps past that half ulp:
the exact result lies in the new interval. Interval +, -, *, / are the textbook endpoint formulas (min and
max of the four products / quotients), integer powers are monotone chains of outward-rounded multiplies, and
a quotient by an interval containing 0 is the whole line. A NaN endpoint (0 * inf, inf - inf, an overflow)
means "no information": NaN propagates through every later operation (min/max included), and the simulator
stops a trajectory whose box is not finite as LOST, never reading a bound from it. Rational constants p/q
become [p/q rounded down, p/q rounded up] (a point when p/q is a float). The GD step is taken in the mean-
value (centred) form of product_ball: the point step from the box midpoint m, enclosed, plus J(box) (box -
m) with J = I - eta Hess L enclosed over the whole box, which contains every exact iterate by the mean value
theorem; the radius then grows like the true Jacobian instead of doubling every few steps.

What would break it, and what we do about it:
* flush-to-zero / denormals-are-zero (set by some libraries and by ``-ffast-math`` builds): a subnormal
  result becomes 0 and 0 moved one float outward no longer covers it. :func:`check_ieee` tests the FPU
  mode before every run and refuses to certify if subnormals are flushed.
* fast-math reassociation across our steps: numpy's ufuncs evaluate exactly the operation asked for, one
  correctly rounded result per element. The compiled engine (``interval_kernel``, numba) is built without
  ``fastmath``, so LLVM keeps every operation and its order; it is tested to produce the numpy engine's
  floats bit for bit. We never pass these arrays through XLA, whose CPU backend may rewrite arithmetic.
  (A fused multiply-add would not break the enclosure: it rounds the exact a*b + c once, and the outward
  step after it covers that rounding; reassociating a sum or replacing x/y by x*(1/y) would.)
* x87 extended precision (80-bit registers, double rounding on spill): not an issue for numpy on x86-64
  or arm64, which compute float64 in SSE/AVX/NEON registers; a 32-bit x87 build would need re-checking.
* a rounding mode other than round-to-nearest: directed modes are still within one ulp, which the
  outward step covers, so the enclosure holds.

Losses: polynomial and rational l (l' and l'' rational functions of z with rational coefficients);
anything else raises, since exp/log in numpy carry no correct-rounding guarantee.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp

from checker.errors import UserInputError
from checker.loss import Loss
from checker.parse import Z

Arr = np.ndarray
Iv = tuple[Arr, Arr]  # (lo, hi), lo <= hi elementwise (or the whole line)
IvFn = Callable[[Iv], Iv]

OK, DIVERGED, LOST = 0, 1, 2  # status codes: still enclosed | certainly |xy| > bound | enclosure too wide
BLOCK = 256  # trajectories per compiled block: its working set (~30 arrays of 2 kB) stays in the L1/L2 cache
_INF = np.inf


def check_ieee() -> None:
    """Refuse to certify when the FPU flushes subnormals (FTZ/DAZ): outward rounding would not cover them."""
    tiny = np.float64(2.2250738585072014e-308)  # smallest normal
    if not (tiny / np.float64(2) > 0 and np.float64(5e-324) > 0):
        raise RuntimeError("the FPU flushes subnormal numbers to zero: certified interval batches are disabled")


_ULP = 2.0**-52  # ulp(a) <= |a| 2^-52 for every normal float a
_TINY = 2.0**-1074  # the smallest subnormal: the ulp of every subnormal and of 0


def _down(a: Arr) -> Arr:
    """A float <= every real that rounds to ``a`` (round-to-nearest), ~5x cheaper than ``np.nextafter``.

    ``e = |a| 2^-52 + 2^-1074`` is >= ulp(a) (the multiply by a power of two is exact, the add rounds
    monotonically), so ``a - e`` <= the float one ulp below ``a``, and rounding is monotone: the result is
    at least one full float below ``a``, past the half ulp in which the exact value lies. -inf stays -inf;
    +inf becomes NaN (an overflow: the caller treats a non-finite enclosure as lost).
    """
    e: Arr = np.abs(a)
    e *= _ULP
    e += _TINY
    np.subtract(a, e, out=e)
    return e


def _up(a: Arr) -> Arr:
    """A float >= every real that rounds to ``a``: the mirror image of :func:`_down`."""
    e: Arr = np.abs(a)
    e *= _ULP
    e += _TINY
    np.add(a, e, out=e)
    return e


def _whole_where_nan(lo: Arr, hi: Arr) -> Iv:
    bad = np.isnan(lo) | np.isnan(hi)
    if bad.any():
        lo, hi = np.where(bad, -_INF, lo), np.where(bad, _INF, hi)
    return lo, hi


def add(a: Iv, b: Iv) -> Iv:
    return _down(a[0] + b[0]), _up(a[1] + b[1])


def sub(a: Iv, b: Iv) -> Iv:
    return _down(a[0] - b[1]), _up(a[1] - b[0])


def neg(a: Iv) -> Iv:
    return -a[1], -a[0]  # exact


def mul(a: Iv, b: Iv) -> Iv:
    p1, p2, p3, p4 = a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]
    lo = np.minimum(np.minimum(p1, p2), np.minimum(p3, p4))
    hi = np.maximum(np.maximum(p1, p2), np.maximum(p3, p4))
    return _down(lo), _up(hi)


def scale(v: Arr, b: Iv) -> Iv:
    """The point ``v`` (exact floats) times the interval ``b``: two products instead of four."""
    p1, p2 = v * b[0], v * b[1]
    return _down(np.minimum(p1, p2)), _up(np.maximum(p1, p2))


def div(a: Iv, b: Iv) -> Iv:
    with np.errstate(divide="ignore", invalid="ignore"):
        q1, q2, q3, q4 = a[0] / b[0], a[0] / b[1], a[1] / b[0], a[1] / b[1]
    lo = np.minimum(np.minimum(q1, q2), np.minimum(q3, q4))
    hi = np.maximum(np.maximum(q1, q2), np.maximum(q3, q4))
    straddles = (b[0] <= 0) & (b[1] >= 0)
    lo, hi = _whole_where_nan(_down(lo), _up(hi))
    return np.where(straddles, -_INF, lo), np.where(straddles, _INF, hi)


def _pow_nonneg(v: Arr, n: int, rnd: Callable[[Arr], Arr]) -> Arr:
    """v**n for v >= 0 by n - 1 multiplies, each rounded by ``rnd`` (monotone: a bound of the exact power)."""
    r = v
    for _ in range(n - 1):
        r = rnd(r * v)
    return r


def pow_int(a: Iv, n: int) -> Iv:
    """a**n for an integer n (n < 0 as 1 / a**|n|)."""
    if n == 0:
        return np.ones_like(a[0]), np.ones_like(a[0])
    if n < 0:
        p = pow_int(a, -n)
        return div((np.ones_like(p[0]), np.ones_like(p[0])), p)
    if n == 1:
        return a
    lo, hi = a
    if n % 2 == 0:  # |a| first: x**n is decreasing then increasing
        mlo = np.where(lo > 0, lo, np.where(hi < 0, -hi, 0.0))
        mhi = np.maximum(-lo, hi)
        return _pow_nonneg(mlo, n, _down), _pow_nonneg(mhi, n, _up)
    low = np.where(lo >= 0, _pow_nonneg(np.abs(lo), n, _down), -_pow_nonneg(np.abs(lo), n, _up))
    high = np.where(hi >= 0, _pow_nonneg(np.abs(hi), n, _up), -_pow_nonneg(np.abs(hi), n, _down))
    return low, high


def constant_bounds(value: sp.Rational) -> tuple[float, float]:
    """Floats enclosing the exact rational ``value``: a point if it is a float, else its two float neighbours."""
    p, q = int(value.p), int(value.q)
    try:
        f = p / q  # correctly rounded
    except OverflowError:
        f = _INF if p > 0 else -_INF
    exact = np.isfinite(f) and Fraction(f) == Fraction(p, q)
    lo = f if exact else float(np.nextafter(f, -_INF))
    hi = f if exact else float(np.nextafter(f, _INF))
    return lo, hi


def constant(value: sp.Rational, like: Arr) -> Iv:
    """An enclosure of the exact rational ``value`` (:func:`constant_bounds`) shaped like ``like``."""
    lo, hi = constant_bounds(value)
    return np.full_like(like, lo), np.full_like(like, hi)


def _exact_float(value: sp.Rational) -> Any:
    """``value`` as a float64 if that is exact, else None."""
    p, q = int(value.p), int(value.q)
    try:
        f = p / q
    except OverflowError:
        return None
    return np.float64(f) if np.isfinite(f) and Fraction(f) == Fraction(p, q) else None


def _compile(node: sp.Basic) -> IvFn:
    if node == Z:
        return lambda a: a
    if isinstance(node, sp.Rational):
        value = node
        return lambda a: constant(value, a[0])
    if isinstance(node, sp.Mul) and node.args[0].is_Rational and _exact_float(node.args[0]) is not None:
        c, rest = _exact_float(node.args[0]), _compile(sp.Mul(*node.args[1:]))
        return lambda a: scale(c, rest(a))  # an exact coefficient: two products, not four
    if isinstance(node, sp.Add | sp.Mul):
        parts = [_compile(arg) for arg in node.args]
        op = add if isinstance(node, sp.Add) else mul

        def fold(a: Iv) -> Iv:
            total = parts[0](a)
            for part in parts[1:]:
                total = op(total, part(a))
            return total

        return fold
    if isinstance(node, sp.Pow) and node.args[1].is_Integer:
        base, n = _compile(node.args[0]), int(node.args[1])
        return lambda a: pow_int(base(a), n)
    raise UserInputError(
        f"certified batches need a polynomial or rational loss with rational coefficients; {node} is neither"
    )


@lru_cache(maxsize=64)
def derivative_enclosures(loss: Loss) -> tuple[IvFn, IvFn]:
    """Interval extensions of l' and l'' (raises UserInputError for a loss that is not rational)."""
    out = []
    for k in (1, 2):
        expr = loss.derivative(k)
        if expr.has(sp.Float) or not expr.is_rational_function(Z):
            raise UserInputError(
                f"certified batches need a polynomial or rational loss with rational coefficients, not {loss.text}"
            )
        out.append(_compile(expr))
    return out[0], out[1]


@dataclass(frozen=True)
class IntervalBatch:
    """Per-trajectory enclosures at the step where each trajectory stopped (or at ``steps``)."""

    x_lo: Arr
    x_hi: Arr
    y_lo: Arr
    y_hi: Arr
    status: Arr  # OK (enclosed through all steps), DIVERGED (|xy| > bound proved), LOST (enclosure too wide)
    stop_step: Arr  # the step of the enclosures above: ``steps`` for OK
    sup_abs: Arr  # an upper bound of max(|x_t|, |y_t|) over t = 0..stop_step: certified boundedness
    steps: int

    def reshaped(self, shape: tuple[int, ...]) -> IntervalBatch:
        return IntervalBatch(
            x_lo=self.x_lo.reshape(shape),
            x_hi=self.x_hi.reshape(shape),
            y_lo=self.y_lo.reshape(shape),
            y_hi=self.y_hi.reshape(shape),
            status=self.status.reshape(shape),
            stop_step=self.stop_step.reshape(shape),
            sup_abs=self.sup_abs.reshape(shape),
            steps=self.steps,
        )

    @property
    def certified(self) -> Arr:
        """True where every step up to ``steps`` is enclosed (the run neither lost precision nor diverged)."""
        ok: Arr = self.status == OK
        return ok


def _point(v: Arr) -> Iv:
    return v, v


def _mag(a: Iv) -> Arr:
    return np.maximum(np.abs(a[0]), np.abs(a[1]))


def step(x: Iv, y: Iv, eta: Arr, l1: IvFn, l2: IvFn) -> tuple[Iv, Iv]:
    """One mean-value GD step on boxes (see the module docstring); ``eta`` exact floats."""
    mx = np.clip((x[0] + x[1]) / 2, x[0], x[1])
    my = np.clip((y[0] + y[1]) / 2, y[0], y[1])
    z = mx * my
    e = scale(eta, l1((_down(z), _up(z))))
    nx, ny = sub(_point(mx), scale(my, e)), sub(_point(my), scale(mx, e))
    rx = np.maximum(_up(mx - x[0]), _up(x[1] - mx))
    ry = np.maximum(_up(my - y[0]), _up(y[1] - my))
    zb = mul(x, y)
    g1, g2 = l1(zb), l2(zb)
    h11, h22 = mul(g2, pow_int(y, 2)), mul(g2, pow_int(x, 2))
    h12 = add(mul(g2, zb), g1)
    one = (np.ones_like(mx), np.ones_like(mx))
    j11, j22 = sub(one, scale(eta, h11)), sub(one, scale(eta, h22))
    j12 = scale(eta, h12)  # J12 = J21 = -eta h12: only its magnitude enters
    m12 = _mag(j12)
    sx = _up(_up(_mag(j11) * rx) + _up(m12 * ry))
    sy = _up(_up(m12 * rx) + _up(_mag(j22) * ry))
    return (_down(nx[0] - sx), _up(nx[1] + sx)), (_down(ny[0] - sy), _up(ny[1] + sy))


@lru_cache(maxsize=64)
def _programs(loss: Loss) -> tuple[tuple[Arr, Arr, int, int], tuple[Arr, Arr, int, int]]:
    from checker.simulate.interval_kernel import lower

    return lower(loss.derivative(1)), lower(loss.derivative(2))


def _compiled_batch(
    loss: Loss, x0: Arr, y0: Arr, eta: Arr, steps: int, max_radius: float, diverge_bound: float
) -> IntervalBatch | None:
    """The batch through the compiled kernel; None when numba is not installed."""
    try:
        from checker.simulate.interval_kernel import kernel

        run = kernel()
    except ImportError:
        return None
    (o1, d1, n1, r1), (o2, d2, n2, r2) = _programs(loss)
    n = x0.size
    res, status, stop = np.empty((n, 5)), np.zeros(n, np.int8), np.zeros(n, np.int64)
    run(
        x0,
        y0,
        eta,
        steps,
        float(max_radius),
        float(diverge_bound),
        o1,
        d1,
        n1,
        r1,
        o2,
        d2,
        n2,
        r2,
        res,
        status,
        stop,
        BLOCK,
    )
    return IntervalBatch(res[:, 0], res[:, 1], res[:, 2], res[:, 3], status, stop, res[:, 4], steps)


def simulate_interval_batch(
    loss: Loss,
    x0: Any,
    y0: Any,
    eta: Any,
    *,
    steps: int,
    max_radius: float = 1e-6,
    diverge_bound: float = 1e6,
    engine: str = "auto",
) -> IntervalBatch:
    """Certified GD from every float (x0[i], y0[i]) with the float learning rate eta[i] (broadcast).

    The inputs are taken as the exact reals their float64 values denote. A trajectory stops as DIVERGED
    once |xy| > ``diverge_bound`` is proved, as LOST once an enclosure is wider than ``2 max_radius`` (or
    not finite); a stopped trajectory keeps its last enclosure.

    ``engine``: "numba" (one compiled loop per trajectory, ``interval_kernel``; the same floats as numpy),
    "numpy" (one array operation per interval operation), or "auto": numba when it is installed.
    """
    if engine not in {"auto", "numba", "numpy"}:
        raise UserInputError(f"engine must be auto, numba or numpy, not {engine!r}")
    check_ieee()
    if int(steps) != steps or steps < 0:
        raise UserInputError(f"steps must be an integer >= 0, not {steps}")
    try:
        x0, y0, eta = (np.ascontiguousarray(v, dtype=np.float64) for v in np.broadcast_arrays(x0, y0, eta))
    except ValueError as exc:
        raise UserInputError(f"x0, y0 and eta must broadcast together: {exc}") from None
    if not (np.all(np.isfinite(x0)) and np.all(np.isfinite(y0))):
        raise UserInputError("x0 and y0 must be finite")
    if not np.all(np.isfinite(eta)) or np.any(eta <= 0):
        raise UserInputError("eta must be finite and > 0")
    l1, l2 = derivative_enclosures(loss)
    shape = x0.shape
    if engine != "numpy":
        compiled = _compiled_batch(loss, x0.ravel(), y0.ravel(), eta.ravel(), int(steps), max_radius, diverge_bound)
        if compiled is not None or engine == "numba":
            if compiled is None:
                raise UserInputError("engine 'numba' needs numba installed (pip install numba)")
            return compiled.reshaped(shape)
    x: Iv = (x0.ravel().copy(), x0.ravel().copy())
    y: Iv = (y0.ravel().copy(), y0.ravel().copy())
    h = eta.ravel()
    n = h.size
    status = np.zeros(n, np.int8)
    stop = np.full(n, int(steps))
    sup = np.maximum(np.abs(x[0]), np.abs(y[0]))
    idx = np.arange(n)  # trajectories still running; the arrays below hold only those
    cx, cy, ch = x, y, h
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(int(steps) + 1):
            z = mul(cx, cy)
            diverged = (z[0] > diverge_bound) | (z[1] < -diverge_bound)
            lost = ~(np.isfinite(z[0]) & np.isfinite(z[1])) & ~diverged
            lost |= (np.maximum(cx[1] - cx[0], cy[1] - cy[0]) > 2 * max_radius) & ~diverged
            done = diverged | lost | (t == steps)
            if done.any():
                where = idx[done]
                status[where] = np.where(diverged[done], DIVERGED, np.where(lost[done], LOST, OK))
                stop[where] = t
                for full, cur in ((x, cx), (y, cy)):
                    full[0][where], full[1][where] = cur[0][done], cur[1][done]
                keep = ~done
                idx, ch = idx[keep], ch[keep]
                cx, cy = (cx[0][keep], cx[1][keep]), (cy[0][keep], cy[1][keep])
            if idx.size == 0:
                break
            cx, cy = step(cx, cy, ch, l1, l2)
            sup[idx] = np.maximum(sup[idx], np.maximum(_mag(cx), _mag(cy)))
    return IntervalBatch(
        x_lo=x[0].reshape(shape),
        x_hi=x[1].reshape(shape),
        y_lo=y[0].reshape(shape),
        y_hi=y[1].reshape(shape),
        status=status.reshape(shape),
        stop_step=stop.reshape(shape),
        sup_abs=sup.reshape(shape),
        steps=int(steps),
    )
