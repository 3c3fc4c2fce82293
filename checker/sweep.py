"""The sweep phase: a property evaluates its margin on many instances in one vectorised call first.

Why: Hypothesis checks a few dozen examples one at a time (quick: 6 per property, ci: 20), while a JAX or
numpy margin evaluates 1e5 instances in about the time of one full check. A property that can state its
margin elementwise declares a :class:`Sweep`; before Hypothesis starts, the runner draws N instances
(``SWEEP_SIZES``: quick 1e4, ci 1e5, thorough 1e6) from a seed derived from the run seed and the property
id, evaluates the margin for all of them in one call, and hands the ``worst`` ones to Hypothesis as
explicit examples. Those go through the property's own check (its rigorous mpmath/arb path and the
independent re-check of any counterexample), so a sweep can find where to look but never decides a
verdict; targeting and shrinking then start from there. The report states N swept, the worst margin and
where it was found.

The sweep's margin must have the sign convention of ``Evidence.margin`` (negative = the statement fails
there) and may be a cheaper float approximation of the check's margin: it only ranks instances.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

SWEEP_SIZES: dict[str, int] = {"quick": 10_000, "ci": 100_000, "thorough": 1_000_000}
DISABLE_ENV = "EOSCHECK_NO_SWEEP"  # =1: skip every sweep (Hypothesis alone; for comparisons and debugging)

# The exemption of a claim decided by a symbolic identity for its whole class, whose simulated run only
# cross-checks a float backend (it can make the claim UNDECIDED, never REFUTED): ranking instances by the run
# cannot change the verdict.
IDENTITY_EXEMPT = (
    "decided by a symbolic identity for the whole class; the simulated run only cross-checks the float backend "
    "and cannot refute, so a sweep could not change the verdict"
)

Draw = Callable[[np.random.Generator, int], Mapping[str, np.ndarray]]
Margin = Callable[[Mapping[str, np.ndarray]], np.ndarray]


@dataclass(frozen=True)
class Sweep:
    """``draw(rng, n)``: n instances as arrays keyed like the property's strategy (one array per argument);
    ``margin(arrays)``: the margin of every instance (one vectorised call; +inf marks an instance outside the
    statement's hypotheses, never picked; NaN one whose margin could not be computed, picked first);
    ``worst``: how many of the lowest-margin instances become explicit Hypothesis examples; ``to_params``
    turns an instance (plain Python values) into the check's arguments (e.g. floats on a grid into the
    Fractions the strategy draws)."""

    draw: Draw
    margin: Margin
    worst: int = 5
    to_params: Callable[[dict[str, Any]], dict[str, Any]] | None = None  # instance -> check arguments
    sizes: Mapping[str, int] | None = None  # per-profile N below SWEEP_SIZES (each instance a long simulation)
    size_reason: str = ""  # why ``sizes`` is smaller than the default: stated in the report

    def __post_init__(self) -> None:
        if self.sizes is not None and not self.size_reason:
            raise ValueError("a sweep that draws fewer instances than the default must say why (size_reason)")

    def size(self, profile: str) -> int:
        """N for ``profile``: the sweep's own size if it declares one, else the profile's default."""
        if self.sizes is not None and profile in self.sizes:
            return int(self.sizes[profile])
        return sweep_size(profile)


@dataclass
class SweepResult:
    n: int
    seconds: float
    worst_margin: float | None  # None: no finite margin in the sweep
    where: dict[str, Any] = field(default_factory=dict)  # the instance with the worst margin
    examples: list[dict[str, Any]] = field(default_factory=list)  # the explicit examples, worst first
    non_finite: int = 0  # instances whose margin was NaN (ranked first: worth a full check)
    size_reason: str = ""  # why N is below the profile's default, if it is

    def note(self) -> str:
        rate = self.n / self.seconds if self.seconds > 0 else math.inf
        worst = "no finite margin" if self.worst_margin is None else f"worst margin {self.worst_margin:.4g}"
        where = ", ".join(f"{k}={_short(v)}" for k, v in self.where.items())
        extra = f"; {self.non_finite} with an undefined (NaN) margin" if self.non_finite else ""
        extra += f"; N reduced: {self.size_reason}" if self.size_reason else ""
        return (
            f"sweep: {self.n} instances in {self.seconds:.2f} s ({rate:.3g}/s), {worst} at {where}{extra}; "
            f"the {len(self.examples)} worst re-checked by the full check as explicit examples"
        )


def enabled() -> bool:
    return os.environ.get(DISABLE_ENV, "").strip() not in {"1", "true", "yes"}


def sweep_size(profile: str) -> int:
    return SWEEP_SIZES.get(profile, SWEEP_SIZES["quick"])


def run_sweep(sweep: Sweep, n: int, seed: int) -> SweepResult:
    """Draw ``n`` instances, evaluate their margins in one call, pick the ``sweep.worst`` lowest."""
    t0 = time.perf_counter()
    arrays = {k: np.asarray(v) for k, v in sweep.draw(np.random.default_rng(seed), n).items()}
    margins = np.asarray(sweep.margin(arrays), dtype=float).reshape(-1)
    if margins.size != n or any(v.shape[:1] != (n,) for v in arrays.values()):
        raise ValueError(f"a sweep must draw and score exactly {n} instances")
    finite = np.isfinite(margins)
    # NaN first (a margin that could not be computed is worth a full check), then the smallest margins;
    # +inf (outside the hypotheses) never
    key = np.where(np.isnan(margins), -np.inf, margins)
    k = min(sweep.worst, int(np.sum(key < np.inf)))
    idx = np.argpartition(key, k - 1)[:k] if 0 < k < n else np.arange(n)[key < np.inf][:k]
    idx = idx[np.argsort(key[idx], kind="stable")]
    convert = sweep.to_params or (lambda instance: instance)
    examples = [convert({name: _item(v[i]) for name, v in arrays.items()}) for i in idx]
    worst_i = int(np.argmin(np.where(finite, margins, np.inf))) if finite.any() else None
    return SweepResult(
        n=n,
        seconds=time.perf_counter() - t0,
        worst_margin=None if worst_i is None else float(margins[worst_i]),
        where={} if worst_i is None else {name: _item(v[worst_i]) for name, v in arrays.items()},
        examples=examples,
        non_finite=int(np.isnan(margins).sum()),
        size_reason=sweep.size_reason if sweep.sizes is not None else "",
    )


def _item(v: Any) -> Any:
    """A numpy scalar as the plain Python value a strategy would have produced."""
    return v.item() if hasattr(v, "item") else v


def _short(v: Any) -> str:
    return f"{v:.6g}" if isinstance(v, float) else str(v)
