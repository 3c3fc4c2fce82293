"""The per-example time limit where SIGALRM cannot serve: a check run outside the main thread.

Dask worker threads, a thread pool, or Windows: there the watchdog thread of checker.guard raises the timeout in
the check's own thread, and a check that returns after its deadline (a call into C that cannot be interrupted)
is a timeout too. Before, such a check ran without any limit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import strategies as st

from checker import guard
from checker.guard import CheckTimeout, guarded_call
from checker.property import Property, Source
from checker.runner import run_property
from checker.verdict import Evidence, EvidenceClass, Verdict


def _in_thread(fn: Callable[[], Any], wait_s: float = 60) -> Any:
    """fn() in a worker thread (not the main one: no SIGALRM there); its result or the exception it raised."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = fn()
        except BaseException as exc:  # the test inspects whatever came out
            box["result"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(wait_s)
    assert not thread.is_alive(), "the check was not stopped"
    return box["result"]


def _spin() -> None:
    x = 0
    while True:
        x += 1


def _swallows_timeouts() -> str:
    caught = 0
    while caught < 2:
        try:
            _spin()
        except Exception:  # a broad except in user code: the timeout is raised again a second later ...
            caught += 1
    return "escaped"  # ... and an answer after the deadline is a timeout, not evidence


@pytest.mark.parametrize("check", [_spin, _swallows_timeouts, lambda: time.sleep(0.8)])
def test_a_hung_check_in_a_worker_thread_times_out(check):
    started = time.monotonic()
    outcome = _in_thread(lambda: guarded_call(check, 0.3))
    assert isinstance(outcome, CheckTimeout), outcome
    assert time.monotonic() - started < 5


def test_a_quick_check_in_a_worker_thread_is_not_hit_later():
    """No timeout is left pending for the code after the check (the watchdog is stopped first)."""

    def quick_then_work() -> str:
        assert guarded_call(lambda: "ok", 0.2) == "ok"
        deadline = time.monotonic() + 1.5  # well past the limit and the watchdog's repeat
        while time.monotonic() < deadline:
            pass
        return "clean"

    assert _in_thread(quick_then_work) == "clean"
    assert not [t for t in threading.enumerate() if t.name == "eoscheck-example-timeout"]


def test_a_check_returning_after_its_deadline_is_a_timeout(monkeypatch):
    """A call the watchdog cannot interrupt (here: no CPython hook at all) still does not count as evidence."""
    monkeypatch.setattr(guard, "_raise_in_thread", lambda *_a: False)
    outcome = _in_thread(lambda: guarded_call(lambda: time.sleep(0.5) or "late", 0.2))
    assert isinstance(outcome, CheckTimeout)


def _hangs(x: float) -> Evidence:
    if x > 0.25:
        _spin()
    return Evidence(Verdict.CORROBORATED, EvidenceClass.FLOAT, "fine", margin=1.0)


def test_the_runner_reports_a_hung_claim_undecided_from_a_worker_thread(monkeypatch):
    monkeypatch.setenv(guard.TIMEOUT_ENV, "0.3")
    prop = Property(
        id="THREAD-HANG",
        title="hangs",
        source=Source("mine", "", "T"),
        statement="s",
        provenance=["DERIVED"],
        strategy=st.fixed_dictionaries({"x": st.floats(0.0, 1.0)}),
        check=_hangs,
    )
    started = time.monotonic()
    result = _in_thread(lambda: run_property(prop, seed=1, database=False), wait_s=120)
    assert time.monotonic() - started < 60
    assert result.verdict is Verdict.UNDECIDED
    assert "timed out" in result.evidence.summary and "time limit of 0.3 s" in result.evidence.summary
