"""Run properties in worker processes (``eoscheck run --jobs N``).

Why spawn and re-load by origin: property checks are closures (not picklable), and forking a process
after JAX started its thread pool can deadlock. Each worker imports the property's module (or user file)
afresh and returns the verdict, evidence and statistics, which are plain data.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from checker.claim import ClaimResult
from checker.property import Property
from checker.registry import Origin, find, origin_of


def _work(origin: Origin, prop_id: str, profile: str, seed: int, database: bool) -> tuple[Any, ...]:
    from checker.runner import run_property

    res = run_property(find(origin, prop_id), profile=profile, seed=seed, database=database)
    return res.verdict, res.evidence, res.stats, res.seconds, res.notes


def iter_parallel(
    props: Sequence[Property], *, profile: str, seed: int, jobs: int, database: bool
) -> Iterator[ClaimResult]:
    """Yield results as workers finish them (completion order, not catalogue order)."""
    from checker.runner import run_property

    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        # Longest-first would balance better, but costs are unknown; catalogue order keeps papers together.
        futures = {
            pool.submit(_work, origin, p.id, profile, seed, database): p
            for p in props
            if (origin := origin_of(p)) is not None
        }
        for p in props:  # properties built in memory run here while the workers are busy
            if origin_of(p) is None:
                yield run_property(p, profile=profile, seed=seed, database=database)
        for fut in as_completed(futures):
            verdict, evidence, stats, seconds, notes = fut.result()
            yield ClaimResult(futures[fut], verdict, evidence, stats, seconds, notes)
