"""Run many properties: in this process or spread over worker processes (``eoscheck run --jobs N``).

:mod:`checker.runner` runs ONE property (Hypothesis, recheck, verdict capping); this module runs a suite of
them and is the only place that knows about parallelism, so the dependency is one-way (suite -> runner).

Why spawn and re-load by origin: property checks are closures (not picklable), and forking a process after
JAX started its thread pool can deadlock. Each worker imports the property's module (or user file) afresh
and returns the verdict, evidence and statistics, which are plain data.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from checker.claim import ClaimResult
from checker.profiles import DEFAULT_PROFILE, get_profile
from checker.property import Property
from checker.registry import Origin, find, origin_of
from checker.runner import resolve_seed, run_property

__all__ = ["in_order", "iter_suite", "run_suite"]


def run_suite(
    props: Sequence[Property],
    *,
    profile: str = DEFAULT_PROFILE,
    seed: int | None = None,
    jobs: int = 1,
    on_result: Callable[[ClaimResult], None] | None = None,
    database: bool = True,
) -> list[ClaimResult]:
    """Run many properties; results in the order of ``props``. ``on_result`` is called as each finishes."""
    stream = iter_suite(props, profile=profile, seed=seed, jobs=jobs, database=database)
    return in_order(props, stream, on_result)


def in_order(
    props: Sequence[Property], stream: Iterable[ClaimResult], on_result: Callable[[ClaimResult], None] | None = None
) -> list[ClaimResult]:
    """Collect a result stream (completion order) into the order of ``props``."""
    order = {id(p): i for i, p in enumerate(props)}
    results: list[ClaimResult | None] = [None] * len(props)
    for res in stream:
        results[order[id(res.prop)]] = res
        if on_result is not None:
            on_result(res)
    return [r for r in results if r is not None]


def iter_suite(
    props: Sequence[Property],
    *,
    profile: str = DEFAULT_PROFILE,
    seed: int | None = None,
    jobs: int = 1,
    database: bool = True,
    scheduler: str | None = None,
    workers: int | None = None,
) -> Iterator[ClaimResult]:
    """Yield each property's result as it finishes (a progress bar iterates this).

    With ``jobs`` > 1 the properties are spread over worker processes; with a Dask ``scheduler`` address or
    a number of ``workers`` (an embedded LocalCluster) over a Dask cluster (checker/dask_engine.py).
    Properties that cannot be re-loaded in a worker (built in memory, not from a module or file) run in this
    process. All properties share one run seed, so the run replays with ``--seed``.
    """
    prof = get_profile(profile)
    run_seed = resolve_seed(seed, prof)
    if scheduler is not None or workers is not None:
        from checker.dask_engine import iter_dask

        yield from iter_dask(
            props, profile=profile, seed=run_seed, database=database, scheduler=scheduler, workers=workers
        )
        return
    if jobs > 1 and len(props) > 1:
        yield from _iter_parallel(props, profile=profile, seed=run_seed, jobs=jobs, database=database)
        return
    for prop in props:
        yield run_property(prop, profile=profile, seed=run_seed, database=database)


def _work(origin: Origin, prop_id: str, profile: str, seed: int, database: bool) -> tuple[Any, ...]:
    res = run_property(find(origin, prop_id), profile=profile, seed=seed, database=database)
    return res.verdict, res.evidence, res.stats, res.seconds, res.notes


def _iter_parallel(
    props: Sequence[Property], *, profile: str, seed: int, jobs: int, database: bool
) -> Iterator[ClaimResult]:
    """Yield results as workers finish them (completion order, not catalogue order)."""
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_ignore_interrupts) as pool:
        # Longest-first would balance better, but costs are unknown; catalogue order keeps papers together.
        futures = {
            pool.submit(_work, origin, p.id, profile, seed, database): p
            for p in props
            if (origin := origin_of(p)) is not None
        }
        for p in props:  # properties built in memory run here while the workers are busy
            if origin_of(p) is None:
                yield run_property(p, profile=profile, seed=seed, database=database)
        try:
            for fut in as_completed(futures):
                verdict, evidence, stats, seconds, notes = fut.result()
                yield ClaimResult(futures[fut], verdict, evidence, stats, seconds, notes)
        except BaseException:  # Ctrl-C (or the consumer stopped): end the workers now, not after the queue
            _stop(pool)
            raise


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the main process, which stops them (an idle worker would print a traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued and terminate the workers (a hung check must not keep the run alive)."""
    workers = list(getattr(pool, "_processes", {}).values())  # CPython's pool keeps its processes here
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in workers:
        proc.terminate()
