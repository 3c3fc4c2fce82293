"""Run properties in worker processes (``eoscheck run --jobs N``).

Why spawn and re-load by origin: property checks are closures (not picklable), and forking a process
after JAX started its thread pool can deadlock. Each worker imports the property's module (or user file)
afresh and returns the verdict, evidence and statistics, which are plain data.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from checker.claim import ClaimResult
from checker.property import Property
from checker.registry import Origin, find, origin_of


def _work(origin: Origin, prop_id: str, profile: str, seed: int, database: bool) -> tuple[Any, ...]:
    from checker.runner import run_property

    res = run_property(find(origin, prop_id), profile=profile, seed=seed, database=database)
    return res.verdict, res.evidence, res.stats, res.seconds, res.notes


def run_parallel(
    props: Sequence[Property],
    *,
    profile: str,
    seed: int,
    jobs: int,
    on_result: Callable[[ClaimResult], None] | None,
    database: bool,
) -> list[ClaimResult]:
    from checker.runner import run_property

    results: dict[int, ClaimResult] = {}
    local = [i for i, p in enumerate(props) if origin_of(p) is None]
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        futures = {
            pool.submit(_work, origin_of(p), p.id, profile, seed, database): i
            for i, p in enumerate(props)
            if origin_of(p) is not None
        }
        for i in local:  # run in this process while the workers are busy
            results[i] = run_property(props[i], profile=profile, seed=seed, database=database)
            if on_result is not None:
                on_result(results[i])
        for fut in as_completed(futures):
            i = futures[fut]
            verdict, evidence, stats, seconds, notes = fut.result()
            results[i] = ClaimResult(props[i], verdict, evidence, stats, seconds, notes)
            if on_result is not None:
                on_result(results[i])
    return [results[i] for i in range(len(props))]
