"""The Dask engine (``eoscheck run --workers N``): same verdicts and numbers as the in-process run.

A LocalCluster of 2 worker processes runs a few quick properties; each result must equal the in-process
(``--jobs 1``) result for the same run seed: verdict, evidence summary and the Hypothesis statistics. A swept
property's sweep chunks run as tasks of their own, with the in-process sweep's result.
"""

from __future__ import annotations

import re

import pytest

from checker import registry
from checker.errors import UserInputError
from checker.suite import iter_suite

IDS = ("GAN-A-L3.1", "GAN-A-RED", "CLS-DESCENT")


def _key(res) -> tuple:
    stats = res.stats
    return (
        res.prop.id,
        res.verdict,
        res.evidence.summary if res.evidence is not None else None,
        stats.examples,
        stats.invalid,
        stats.best_target,
        stats.seed,
    )


def test_local_cluster_of_two_workers_matches_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    import dask.distributed

    started: list[tuple[dask.distributed.LocalCluster, dict[str, object]]] = []

    class Recording(dask.distributed.LocalCluster):  # the real cluster, remembered for the checks below
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            started.append((self, kwargs))

    monkeypatch.setattr(dask.distributed, "LocalCluster", Recording)
    props = registry.select(registry.catalogue(), IDS)
    local = sorted(_key(r) for r in iter_suite(props, profile="quick", seed=123, database=False))
    dask_results = sorted(_key(r) for r in iter_suite(props, profile="quick", seed=123, database=False, workers=2))
    assert dask_results == local
    assert len(dask_results) == len(IDS)
    ((cluster, kwargs),) = started
    assert kwargs["n_workers"] == 2 and kwargs["processes"] is True
    # the checks really ran as tasks on the cluster (reached memory: computed by a worker), one per property
    # (dask names a task prefix after its function, leading underscores dropped: "_work" -> "work")
    assert cluster.scheduler.task_prefixes["work"].state_counts["memory"] == len(IDS)


def test_bad_engine_arguments_are_user_errors() -> None:
    props = registry.select(registry.catalogue(), IDS[:1])
    with pytest.raises(UserInputError):
        list(iter_suite(props, profile="quick", seed=1, database=False, workers=0))


def test_scheduler_address_runs_on_an_existing_cluster() -> None:
    """``--scheduler ADDRESS``: the client connects to a cluster it did not start (here a one-worker
    LocalCluster standing in for a remote one) and gets the in-process results; the cluster outlives the run."""
    import dask.distributed

    props = registry.select(registry.catalogue(), IDS[:1])
    local = [_key(r) for r in iter_suite(props, profile="quick", seed=5, database=False)]
    with dask.distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        remote = [
            _key(r)
            for r in iter_suite(props, profile="quick", seed=5, database=False, scheduler=cluster.scheduler_address)
        ]
        assert remote == local
        assert cluster.scheduler.task_prefixes["work"].state_counts["memory"] == 1
        assert len(cluster.scheduler.workers) == 1  # still up: the run only connected to it


@pytest.mark.slow  # the client waits out its 20 s connection timeout
def test_unreachable_scheduler_is_a_user_error() -> None:
    props = registry.select(registry.catalogue(), IDS[:1])
    with pytest.raises(UserInputError, match="cannot reach the Dask scheduler"):
        list(iter_suite(props, profile="quick", seed=1, database=False, scheduler="tcp://127.0.0.1:9"))


_TIMING = re.compile(r" in [0-9.]+ s \([^)]*\)|; \d+ chunks( on \d+ Dask worker\(s\))?")


def test_sweep_chunks_run_as_tasks_on_the_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """A claim's sweep splits into chunks (ALP-P2-SHARP, quick: 500 instances in chunks of 250); on a
    2-worker LocalCluster each chunk is a task of its own, and the sweep (N, worst margin and where, the
    explicit examples) and the claim's result equal the in-process run's for the same seed."""
    import dask.distributed

    started: list[dask.distributed.LocalCluster] = []

    class Recording(dask.distributed.LocalCluster):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(dask.distributed, "LocalCluster", Recording)
    props = registry.select(registry.catalogue(), ("ALP-P2-SHARP",))
    (local,) = iter_suite(props, profile="quick", seed=77, database=False)
    (remote,) = iter_suite(props, profile="quick", seed=77, database=False, workers=2)
    assert _key(remote) == _key(local)
    (note_here,) = [n for n in local.notes if n.startswith("sweep:")]
    (note_there,) = [n for n in remote.notes if n.startswith("sweep:")]
    assert "; 2 chunks" in note_here and "Dask worker(s)" not in note_here
    assert re.search(r"; 2 chunks on [12] Dask worker\(s\)", note_there), note_there
    assert _TIMING.sub("", note_there) == _TIMING.sub("", note_here)
    (cluster,) = started
    # each chunk computed by a worker (reached memory), one task per chunk
    assert cluster.scheduler.task_prefixes["sweep_chunk"].state_counts["memory"] == 2
