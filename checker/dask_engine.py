"""Run properties on a Dask cluster (``eoscheck run --scheduler ADDRESS`` or ``--workers N``).

Why Dask distributed: it schedules plain Python calls on worker processes of one machine (an embedded
``LocalCluster``) or of many (a scheduler at ``tcp://host:8786``), with the same code path; the default
run stays in-process. Each task is one property: the worker re-loads it by origin (module or user file,
as the process pool does, since property checks are closures and cannot be pickled), runs it with the
run seed, and returns plain data. A property's sweep is split into chunks, each one more task on the
cluster (submitted from the claim's task); a chunk re-loads the property the same way and returns its worst
instances, which the claim's task merges. Chunk i always draws the same instances (checker/sweep.py), so
the sweep is that of ``--jobs 1``. The verdicts and numbers are those of ``--jobs 1``: each property's
Hypothesis seed is derived from the run seed and its id only, never from where or when it runs.

A remote cluster's workers must be able to import the same ``checker`` and ``properties`` (the same
version: the report records this machine's code hash) and read user property files at the same path.
Properties built in memory (no module or file to re-load) run in this process while the cluster works.

The Hypothesis example database: each worker writes to ``EOSCHECK_EXAMPLE_DB`` (default
``.hypothesis/eoscheck`` in its working directory). Point it at a shared directory for one database across
workers and machines, and use ``EOSCHECK_EXAMPLE_DB_READONLY`` for a database read but never written (the
pattern: CI writes its database to a shared path, developers read it); see checker/profiles.py.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from typing import Any

from checker.claim import ClaimResult
from checker.errors import UserInputError
from checker.property import Property
from checker.registry import Origin, find, origin_of
from checker.sweep import ChunkResult, ChunkSpec, evaluate_chunk


def _work(origin: Origin, prop_id: str, profile: str, seed: int, database: bool) -> tuple[Any, ...]:
    """Runs on a worker: re-load the property by origin and check it, its sweep's chunks spread over the
    cluster's workers; plain data back."""
    from checker.runner import run_property

    chunks = functools.partial(_map_chunks, origin, prop_id)
    res = run_property(find(origin, prop_id), profile=profile, seed=seed, database=database, map_chunks=chunks)
    return res.verdict, res.evidence, res.stats, res.seconds, res.notes


def _map_chunks(origin: Origin, prop_id: str, seed: int, plan: Sequence[ChunkSpec]) -> list[ChunkResult]:
    """Inside a claim's task: one task per sweep chunk on the cluster; this task leaves its worker's thread
    pool while it waits (``worker_client``), so the chunks can run on this worker too."""
    from dask.distributed import worker_client

    client_cm: Any = worker_client  # dask is untyped: Any keeps strict mypy quiet without an ignore
    with client_cm() as client:
        futures = [client.submit(_sweep_chunk, origin, prop_id, seed, spec, pure=False) for spec in plan]
        return list(client.gather(futures))


def _sweep_chunk(origin: Origin, prop_id: str, seed: int, spec: ChunkSpec) -> ChunkResult:
    """Runs on a worker: re-load the property by origin (its sweep is a closure) and score one chunk."""
    sweep = find(origin, prop_id).sweep
    if sweep is None:  # the worker's code differs from the client's: say so rather than sweep nothing
        raise RuntimeError(f"{prop_id} declares no sweep on this worker: workers must run the same version")
    return evaluate_chunk(sweep, seed, spec)


def iter_dask(
    props: Sequence[Property],
    *,
    profile: str,
    seed: int,
    database: bool,
    scheduler: str | None = None,
    workers: int | None = None,
) -> Iterator[ClaimResult]:
    """Yield results as the cluster finishes them (completion order). Exactly one of ``scheduler`` (an
    address) and ``workers`` (an embedded LocalCluster of that many single-threaded worker processes)."""
    if (scheduler is None) == (workers is None):
        raise UserInputError("give either a scheduler address or a number of workers")
    if workers is not None and workers < 1:
        raise UserInputError(f"--workers must be >= 1, not {workers}")
    from checker.runner import run_property

    try:
        import dask.distributed as dd
    except ImportError:  # pragma: no cover - dask is a declared dependency
        raise UserInputError("the Dask engine needs dask[distributed]: pip install 'dask[distributed]'") from None
    client_type: Any = dd.Client  # dask is untyped: Any keeps strict mypy quiet without an ignore
    cluster_type: Any = dd.LocalCluster
    completed: Any = dd.as_completed
    with ExitStack() as stack:
        if scheduler is not None:
            try:
                client = stack.enter_context(client_type(scheduler, timeout="20s"))
            except OSError as exc:
                raise UserInputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        else:
            cluster = stack.enter_context(
                cluster_type(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,  # no nanny chatter on shutdown in the user's terminal
                )
            )
            client = stack.enter_context(client_type(cluster))
        futures = {
            client.submit(_work, origin, p.id, profile, seed, database, pure=False): p
            for p in props
            if (origin := origin_of(p)) is not None
        }
        for p in props:  # properties built in memory run here while the cluster is busy
            if origin_of(p) is None:
                yield run_property(p, profile=profile, seed=seed, database=database)
        for fut in completed(futures):
            verdict, evidence, stats, seconds, notes = fut.result()
            yield ClaimResult(futures[fut], verdict, evidence, stats, seconds, notes)
