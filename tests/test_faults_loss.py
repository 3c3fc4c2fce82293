"""Fault injection on `eoscheck loss`: reports that cannot be written, progress of large batches, tiny P.

Results are printed before the report is written, so a full disk or a directory that turns read-only loses
nothing on screen; the failure is one line, exit 2, and no partial or temporary file stays. A batch of many
trajectories shows its progress on stderr (a line per tenth in a pipe, one line rewritten in a terminal).
A flip coefficient P below the double range is a verdict, never a crash.
"""

from __future__ import annotations

import errno
import io
import json
import os
import tempfile
from pathlib import Path

import pytest

from checker.cli import common
from checker.cli import main as cli_main
from checker.cli.progress import StderrProgress
from checker.simulate import product_jax

FAST = ["(z**2-1)**2/4", "--domain", "0.5,2", "--no-sim", "--no-diagram"]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli_main.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _error_lines(err: str) -> list[str]:
    assert "Traceback" not in err
    return [line for line in err.splitlines() if line.startswith("eoscheck:")]


def _no_space(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


# ---- a report that cannot be written loses no result ---------------------------------------------------------
def test_loss_report_on_a_full_disk_prints_the_results_then_says_why_no_file(tmp_path, monkeypatch, capsys):
    out_dir = tmp_path / "reports"
    monkeypatch.setattr(os, "fsync", _no_space)  # the disk fills up while the report is written
    code, out, err = _run(["loss", *FAST, "--report", "--report-dir", str(out_dir)], capsys)
    assert code == common.EXIT_BAD_INPUT
    assert "product-stability [CERTIFIED]" in out and "z* = 1" in out  # the whole result is on screen
    assert "report:" not in out
    (line,) = _error_lines(err)
    assert "No space left on device" in line and "not written" in line and "results above" in line
    assert list(out_dir.iterdir()) == []  # no partial report, no temporary file


def test_loss_report_json_on_a_full_disk_still_prints_the_result(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(os, "fsync", _no_space)
    code, out, err = _run(["loss", *FAST, "--json", "--report", "--report-dir", str(tmp_path / "r")], capsys)
    assert code == common.EXIT_BAD_INPUT
    payload = json.loads(out)
    assert payload["headline"]["product_stability"]["verdict"] == "CERTIFIED"
    assert payload["report"] is None and "No space left" in payload["output_errors"][0]
    assert len(_error_lines(err)) == 1


def test_loss_report_into_a_directory_that_turned_read_only(tmp_path, monkeypatch, capsys):
    """Writable when the command started (the up-front probe passed), read-only when the report is written."""
    out_dir = tmp_path / "reports"
    real_mkstemp = tempfile.mkstemp

    def read_only(*args, **kwargs):
        if Path(kwargs.get("dir", "")) == out_dir and not str(kwargs.get("prefix", "")).startswith(".eoscheck-probe"):
            raise OSError(errno.EROFS, "Read-only file system", str(out_dir))
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    code, out, err = _run(["loss", *FAST, "--report", "--report-dir", str(out_dir)], capsys)
    assert code == common.EXIT_BAD_INPUT
    assert "product-stability [CERTIFIED]" in out
    (line,) = _error_lines(err)
    assert "Read-only file system" in line and str(out_dir) in line
    assert list(out_dir.iterdir()) == []


def test_loss_report_whose_html_fails_keeps_the_whole_json_and_says_so(tmp_path, monkeypatch, capsys):
    out_dir = tmp_path / "reports"
    real_fsync = os.fsync
    calls: list[int] = []

    def second_write_fails(fd: int) -> None:
        calls.append(fd)
        if len(calls) > 1:
            _no_space()
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", second_write_fails)
    code, _out, err = _run(["loss", *FAST, "--report", "--report-dir", str(out_dir)], capsys)
    assert code == common.EXIT_BAD_INPUT
    (line,) = _error_lines(err)
    assert "HTML was not written" in line and "eoscheck report" in line
    (json_file,) = out_dir.iterdir()
    assert json_file.suffix == ".json" and json.loads(json_file.read_text())["kind"] == "loss"


def test_loss_report_into_a_read_only_directory_is_refused_before_any_work(capsys):
    code, out, err = _run(["loss", *FAST, "--report", "--report-dir", "/proc/eoscheck-reports"], capsys)
    assert code == common.EXIT_BAD_INPUT
    assert out == ""
    (line,) = _error_lines(err)
    assert "cannot write" in line


# ---- progress inside one large batch ---------------------------------------------------------------------------
def test_a_large_batch_shows_its_progress_in_a_pipe(monkeypatch, capsys):
    """Above the split size the batch runs in ~10 chunks, each reported; the result on stdout stays clean."""
    monkeypatch.setattr(product_jax, "PROGRESS_SPLIT_ABOVE", 1000)  # 4000 runs stand in for 10^7
    argv = ["loss", "(z**2-1)**2/4", "--domain", "0.5,2", "--eta", "0.1", "--runs", "4000", "--steps", "50"]
    code, out, err = _run([*argv, "--no-diagram", "--no-basin"], capsys)
    assert code == 0, err
    counts = [line for line in err.splitlines() if "of 4,000 runs" in line]
    assert 5 <= len(counts) <= 11, err  # about one line per tenth, not one per chunk of a few runs
    assert counts[-1].endswith("4,000 of 4,000 runs (100%)")
    assert "\r" not in err  # a pipe or a CI log gets whole lines
    assert "runs (" not in out


def test_progress_lines_in_a_pipe_come_per_tenth_or_every_few_seconds():
    now = [0.0]
    stream = io.StringIO()
    show = StderrProgress(stream=stream, interval=5.0, clock=lambda: now[0])
    show("simulating")
    for done in range(1, 1001):  # 1000 small chunks in 100 s
        now[0] += 0.1
        show.count("sim", done, 1000)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "  ... simulating"
    assert 10 <= len(lines) - 1 <= 25 and lines[-1].endswith("1,000 of 1,000 runs (100%)")
    slow = io.StringIO()
    show = StderrProgress(stream=slow, interval=5.0, clock=lambda: now[0])
    for done in range(1, 61):  # one tenth takes 10 minutes: a line every 5 s all the same
        now[0] += 1.0
        show.count("sim", done, 10**4)
    assert len(slow.getvalue().splitlines()) == 12


def test_progress_in_a_terminal_rewrites_one_line():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    show = StderrProgress(stream=stream)
    for done in (100, 200, 300):
        show.count("sim", done, 300)
    show("next phase")
    text = stream.getvalue()
    assert text.count("\r") == 3 and text.count("\n") == 2  # the finished count line, then the phase line
    assert text.endswith("  ... next phase\n")


def test_json_output_has_no_progress(monkeypatch, capsys):
    monkeypatch.setattr(product_jax, "PROGRESS_SPLIT_ABOVE", 100)
    argv = ["loss", "(z**2-1)**2/4", "--domain", "0.5,2", "--eta", "0.1", "--runs", "400", "--steps", "20"]
    code, out, err = _run([*argv, "--no-diagram", "--no-basin", "--json"], capsys)
    assert code == 0, err
    assert err == "" and json.loads(out)["exit_code"] == 0


# ---- P below the double range: a verdict, not a crash --------------------------------------------------------
# l(z) = z^2/2 - c z^4/24 with c = 1e-340: alpha = c > 0 (product-stable), P = c/3 = 3.3e-341 at z* = 0, a
# positive ball at 2048 bits whose double midpoint is 0.0 (sqrt(sigma/P) divided by zero before).
TINY_P = "z**2/2 - 1e-100*1e-100*1e-100*1e-40*z**4/24"


def test_a_flip_coefficient_below_the_double_range_is_stated_not_a_crash(capsys):
    argv = ["loss", TINY_P, "--domain", "-1,1", "--prec", "2048", "--eta", "0.2", "--no-sim"]
    code, out, err = _run(argv, capsys)
    assert code == common.EXIT_OK, err  # alpha > 0 is certified: the contract's 0 (P's size is reported)
    assert "internal error" not in err
    assert "P = 3.33333e-341" in out  # its true value, not "0 (exact)"
    assert "below the double range: no 2-cycle diagram" in out


def test_a_flip_coefficient_below_the_double_range_with_simulations(capsys):
    argv = ["loss", TINY_P, "--domain", "-1,1", "--prec", "2048", "--eta", "0.2", "--runs", "20", "--steps", "50"]
    code, out, err = _run([*argv, "--no-basin", "--json"], capsys)
    assert code == common.EXIT_OK, err
    (minimiser,) = json.loads(out)["minimizers"]
    (eta,) = minimiser["etas"]
    assert minimiser["bifurcation"] is None and "below the double range" in eta["regime"]
    assert eta["simulation"]["runs"] == 20


def test_a_flip_coefficient_exactly_zero_says_the_hypothesis_fails(capsys):
    """z^2 at z* = 0: alpha = 0 and P = 0 exactly, the non-generic flip: exit 1 (not established), no crash."""
    code, out, err = _run(["loss", "z**2", "--domain", "-1,1", "--eta", "0.1", "--no-sim"], capsys)
    assert code == common.EXIT_REFUTED, err
    assert "P = 0 exactly" in out and "hypothesis P != 0 fails" in out
