"""Guards around one check call (checker/guard.py): a hung check times out, exits and interrupts stay inside."""

from __future__ import annotations

import contextlib
import sys
import time

import pytest

from checker import guard


def _hang() -> None:
    while True:
        time.sleep(0.01)


def _hang_swallowing_once() -> None:
    with contextlib.suppress(Exception):  # a broad except in user code: its fallback hangs too
        _hang()
    _hang()


def test_a_hung_check_times_out():
    started = time.monotonic()
    with pytest.raises(guard.CheckTimeout, match=r"per-example time limit of 0\.2 s"):
        guard.guarded_call(_hang, 0.2)
    assert time.monotonic() - started < 5


def test_a_check_that_swallows_the_timeout_is_interrupted_again():
    with pytest.raises(guard.CheckTimeout):
        guard.guarded_call(_hang_swallowing_once, 0.2)


def test_no_limit_when_disabled_and_timer_restored():
    assert guard.guarded_call(lambda x: x + 1, None, x=1) == 2
    assert guard.guarded_call(lambda x: x + 1, 0, x=1) == 2
    assert guard.guarded_call(lambda x: x + 1, 5.0, x=1) == 2
    import signal

    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize("code", [0, 3, "bye"])
def test_sys_exit_in_a_check_is_an_error_of_the_check(code):
    with pytest.raises(guard.CheckAborted, match=r"sys\.exit"):
        guard.guarded_call(lambda: sys.exit(code), None)


def test_keyboard_interrupt_raised_by_a_check_is_an_error_of_the_check(monkeypatch):
    def interrupt() -> None:
        raise KeyboardInterrupt

    with pytest.raises(guard.CheckAborted, match="KeyboardInterrupt"):
        guard.guarded_call(interrupt, None)
    monkeypatch.setattr(guard, "user_interrupted", lambda: True)  # the user pressed Ctrl-C: the run ends
    with pytest.raises(KeyboardInterrupt):
        guard.guarded_call(interrupt, None)
