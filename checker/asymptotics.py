"""Orders of asymptotic claims, fitted where the claim lives: in the asymptotic regime, found adaptively.

Why: a claim "error = O(h^k) as h -> 0" says nothing at any fixed h. Fitting the order on a fixed grid reads
a pre-asymptotic bend (an error that changes sign, a competing higher-order term) as a wrong order and
refutes a true statement. Here the grid is extended toward 0 (h0, h0/r, h0/r^2, ...) until the order fitted
on the last ``window`` points agrees with the order fitted one point earlier; the range actually used is
reported with the order. A run that never stabilises before ``h_min`` (where the arithmetic's precision ends)
is *unsettled*: the caller must report it as UNDECIDED with :attr:`OrderFit.reason`, never as a counterexample.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class OrderFit:
    """The outcome of :func:`adaptive_order`.

    ``order`` is the stable fitted order (None when unsettled); ``h_range`` the (largest, smallest) h of the
    window that decided; ``orders`` the order fitted on every window, largest h first (for plots/reports).
    """

    stable: bool
    order: float | None
    h_range: tuple[float, float]
    hs: list[float] = field(default_factory=list)
    errors: list[float] = field(default_factory=list)
    orders: list[float] = field(default_factory=list)
    reason: str = ""

    def margin(self, expected: float, slack: float) -> float:
        """Signed slack of "order >= expected - slack" (NaN when unsettled)."""
        return math.nan if self.order is None else self.order - (expected - slack)


def fit_order(hs: Sequence[float], errors: Sequence[float]) -> float:
    """Least-squares slope of log|error| against log h (zero errors are clamped to 1e-300)."""
    lx = [math.log(h) for h in hs]
    ly = [math.log(max(abs(e), 1e-300)) for e in errors]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    sxx = sum((a - mx) ** 2 for a in lx)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / sxx


def adaptive_order(
    error_at: Callable[[float], float],
    h0: float,
    *,
    ratio: float = 2.0,
    window: int = 4,
    agree: float = 0.1,
    h_min: float = 1e-9,
    floor: float = 0.0,
) -> OrderFit:
    """Evaluate ``error_at`` on h0, h0/ratio, ... and stop at the first stable order.

    Stable: the order fitted on the last ``window`` points and the order fitted on the ``window`` points one
    step earlier differ by at most ``agree``, and no error in the window is at or below ``floor`` (an error at
    the arithmetic's noise floor carries no order). Unsettled when h would go below ``h_min``.
    """
    if not (h0 > 0 and ratio > 1 and window >= 2 and h_min > 0):
        raise ValueError("adaptive_order needs h0 > 0, ratio > 1, window >= 2, h_min > 0")
    hs: list[float] = []
    errs: list[float] = []
    orders: list[float] = []
    h = h0
    while h >= h_min:
        hs.append(h)
        errs.append(abs(float(error_at(h))))
        if len(hs) >= window:
            orders.append(fit_order(hs[-window:], errs[-window:]))
            clean = all(e > floor for e in errs[-window:])
            if len(orders) >= 2 and clean and abs(orders[-1] - orders[-2]) <= agree:
                return OrderFit(True, orders[-1], (hs[-window], hs[-1]), hs, errs, orders)
        h /= ratio
    last = f"{orders[-1]:.2f}" if orders else "none"
    reason = (
        f"the fitted order did not settle for h from {h0:.3g} down to {hs[-1]:.3g} "
        f"(last window orders {', '.join(f'{o:.2f}' for o in orders[-3:])}; last {last})"
    )
    return OrderFit(False, None, (hs[0], hs[-1]), hs, errs, orders, reason)
