"""The GPU throughput benchmark runs (on CPU here, at a tiny size) and its table reports the ratio it claims."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import gpu_throughput


def test_gpu_throughput_runs_and_reports_full_over_bare(tmp_path: Path) -> None:
    out = tmp_path / "gpu.json"
    assert (
        gpu_throughput.main(
            ["--sizes", "1e3", "--work", "1e5", "--repeats", "1", "--losses", "quartic", "--out", str(out)]
        )
        == 0
    )
    doc = json.loads(out.read_text())
    impls = {(r["dtype"], r["impl"]) for r in doc["rows"]}
    assert impls == {(d, i) for d in ("float32", "float64") for i in ("full kernel, no events", "bare jitted loop")}
    for r in doc["rows"]:
        assert r["traj_steps_per_s"] == r["batch"] * r["steps"] / r["median_s"]
        assert r["steps"] == 100  # work / batch
    table = gpu_throughput.markdown(doc)
    assert table.count("| quartic |") == 4 and "1.00" in table
