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

Chunks: the N instances are drawn and scored in chunks of ``CHUNK`` (or the sweep's own ``chunk``), chunk i
from the i-th child of ``SeedSequence(seed)``, and the chunks' worst instances are merged by (margin, position
in the sweep). So the result depends only on the sweep, N and the seed, not on where or in which order the
chunks ran: one after another in this process, or as tasks on the workers of a Dask cluster (the Dask engine
passes ``map_chunks``).

The sweep's margin must have the sign convention of ``Evidence.margin`` (negative = the statement fails
there) and may be a cheaper float approximation of the check's margin: it only ranks instances.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

SWEEP_SIZES: dict[str, int] = {"quick": 10_000, "ci": 100_000, "thorough": 1_000_000}
CHUNK = 25_000  # instances per chunk unless a sweep says otherwise: one JAX call's worth of memory
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
Instance = dict[str, Any]


class ChunkSpec(NamedTuple):
    """One chunk of a sweep: the ``number``-th, instances offset .. offset + size - 1 of the sweep."""

    number: int
    offset: int
    size: int


@dataclass(frozen=True)
class ChunkResult:
    """What a chunk hands back (plain data, cheap to send between processes): its ``worst`` candidates as
    (ranking key, position in the sweep, instance), its lowest finite margin likewise, its NaN count."""

    spec: ChunkSpec
    candidates: list[tuple[float, int, Instance]]
    worst: tuple[float, int, Instance] | None
    non_finite: int
    seconds: float
    ran_on: str = "here"


ChunkMap = Callable[[int, Sequence[ChunkSpec]], Iterable[ChunkResult]]  # (seed, plan) -> every chunk's result


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
    # instances per chunk, the unit a cluster distributes (None: CHUNK). A long-simulation sweep whose kernel is
    # one batched JAX call declares about a quarter of its ci N, so a cluster spreads it; a numpy loop pays
    # its per-step overhead once per chunk, so such sweeps keep large chunks.
    chunk: int | None = None

    def __post_init__(self) -> None:
        if self.sizes is not None and not self.size_reason:
            raise ValueError("a sweep that draws fewer instances than the default must say why (size_reason)")

    def size(self, profile: str) -> int:
        """N for ``profile``: the sweep's own size if it declares one, else the profile's default."""
        if self.sizes is not None and profile in self.sizes:
            return int(self.sizes[profile])
        return sweep_size(profile)

    def chunk_size(self) -> int:
        return self.chunk if self.chunk is not None else CHUNK


@dataclass
class SweepResult:
    n: int
    seconds: float
    worst_margin: float | None  # None: no finite margin in the sweep
    where: dict[str, Any] = field(default_factory=dict)  # the instance with the worst margin
    examples: list[dict[str, Any]] = field(default_factory=list)  # the explicit examples, worst first
    non_finite: int = 0  # instances whose margin was NaN (ranked first: worth a full check)
    size_reason: str = ""  # why N is below the profile's default, if it is
    chunks: int = 1
    ran_on: list[str] = field(default_factory=list)  # "here" and/or the Dask workers' addresses

    def note(self) -> str:
        rate = self.n / self.seconds if self.seconds > 0 else math.inf
        worst = "no finite margin" if self.worst_margin is None else f"worst margin {self.worst_margin:.4g}"
        where = ", ".join(f"{k}={_short(v)}" for k, v in self.where.items())
        extra = f"; {self.non_finite} with an undefined (NaN) margin" if self.non_finite else ""
        extra += f"; N reduced: {self.size_reason}" if self.size_reason else ""
        remote = [w for w in self.ran_on if w != "here"]
        if remote:
            extra += f"; {self.chunks} chunks on {len(remote)} Dask worker(s)"
        elif self.chunks > 1:
            extra += f"; {self.chunks} chunks"
        return (
            f"sweep: {self.n} instances in {self.seconds:.2f} s ({rate:.3g}/s), {worst} at {where}{extra}; "
            f"the {len(self.examples)} worst re-checked by the full check as explicit examples"
        )


def enabled() -> bool:
    return os.environ.get(DISABLE_ENV, "").strip() not in {"1", "true", "yes"}


def sweep_size(profile: str) -> int:
    return SWEEP_SIZES.get(profile, SWEEP_SIZES["quick"])


def chunk_plan(n: int, chunk: int) -> list[ChunkSpec]:
    """The chunks of an N-instance sweep: (index, offset, size), sizes ``chunk`` but the last. A function of n
    and the chunk size only, so every engine splits (and so draws) the same way."""
    if n < 0 or chunk < 1:
        raise ValueError(f"a sweep needs n >= 0 and a chunk size >= 1, not n={n}, chunk={chunk}")
    return [ChunkSpec(i, offset, min(chunk, n - offset)) for i, offset in enumerate(range(0, n, chunk))]


def evaluate_chunk(sweep: Sweep, seed: int, spec: ChunkSpec) -> ChunkResult:
    """Draw and score one chunk: its instances come from the ``spec.number``-th child of the run's
    ``SeedSequence(seed)`` (numpy's stream-splitting), so a chunk is the same wherever and whenever it runs."""
    t0 = time.perf_counter()
    n = spec.size
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(spec.number,)))
    arrays = {k: np.asarray(v) for k, v in sweep.draw(rng, n).items()}
    margins = np.asarray(sweep.margin(arrays), dtype=float).reshape(-1)
    if margins.size != n or any(v.shape[:1] != (n,) for v in arrays.values()):
        raise ValueError(f"a sweep must draw and score exactly {n} instances")
    # NaN first (a margin that could not be computed is worth a full check), then the smallest margins;
    # +inf (outside the hypotheses) never
    key = np.where(np.isnan(margins), -np.inf, margins)
    order = np.lexsort((np.arange(n), key))[: sweep.worst]  # by key, ties by position: deterministic
    candidates = [(float(key[i]), spec.offset + int(i), _instance(arrays, int(i))) for i in order if key[i] < np.inf]
    finite = np.isfinite(margins)
    worst = None
    if finite.any():
        i = int(np.argmin(np.where(finite, margins, np.inf)))  # the first of equal margins
        worst = (float(margins[i]), spec.offset + i, _instance(arrays, i))
    where = _where_running()
    return ChunkResult(spec, candidates, worst, int(np.isnan(margins).sum()), time.perf_counter() - t0, where)


def merge(sweep: Sweep, n: int, results: Sequence[ChunkResult], seconds: float) -> SweepResult:
    """The sweep's result from its chunks' results, in any order: the ``worst`` lowest keys over all chunks
    (ties by the instance's position in the sweep), the lowest finite margin (likewise), the NaN count."""
    covered = sorted((r.spec.offset, r.spec.size) for r in results)
    if sum(size for _, size in covered) != n or len({offset for offset, _ in covered}) != len(covered):
        raise ValueError(f"the chunks' results do not cover the {n} instances exactly once")
    picked = sorted((c for r in results for c in r.candidates), key=lambda c: (c[0], c[1]))[: sweep.worst]
    convert = sweep.to_params or (lambda instance: instance)
    worsts = [r.worst for r in results if r.worst is not None]
    worst = min(worsts, key=lambda w: (w[0], w[1])) if worsts else None
    return SweepResult(
        n=n,
        seconds=seconds,
        worst_margin=None if worst is None else worst[0],
        where={} if worst is None else dict(worst[2]),
        examples=[convert(dict(c[2])) for c in picked],
        non_finite=sum(r.non_finite for r in results),
        size_reason=sweep.size_reason if sweep.sizes is not None else "",
        chunks=len(results),
        ran_on=sorted({r.ran_on for r in results}),
    )


def run_sweep(sweep: Sweep, n: int, seed: int, map_chunks: ChunkMap | None = None) -> SweepResult:
    """Draw ``n`` instances in chunks, score each chunk in one call, pick the ``sweep.worst`` lowest overall.

    ``map_chunks`` evaluates the chunks elsewhere (the Dask engine runs them as tasks on its workers); it must
    return :func:`evaluate_chunk`'s result for every spec, in any order. Without it the chunks run here, one
    after the other. Either way the result is the same for the same seed: the plan, the draws and the merge
    depend on nothing but the sweep, n and the seed."""
    t0 = time.perf_counter()
    plan = chunk_plan(n, sweep.chunk_size())
    if map_chunks is None or len(plan) < 2:
        results = [evaluate_chunk(sweep, seed, spec) for spec in plan]
    else:
        results = list(map_chunks(seed, plan))
    return merge(sweep, n, results, time.perf_counter() - t0)


def _instance(arrays: Mapping[str, np.ndarray], i: int) -> dict[str, Any]:
    return {name: _item(v[i]) for name, v in arrays.items()}


def _where_running() -> str:
    """Where a chunk ran: the Dask worker's address inside a Dask task, else "here"."""
    try:
        from distributed import get_worker
    except ImportError:  # pragma: no cover - dask is a declared dependency
        return "here"
    try:
        return str(get_worker().address)
    except ValueError:  # not inside a Dask task
        return "here"


def _item(v: Any) -> Any:
    """A numpy scalar as the plain Python value a strategy would have produced."""
    return v.item() if hasattr(v, "item") else v


def _short(v: Any) -> str:
    return f"{v:.6g}" if isinstance(v, float) else str(v)
