"""Throughput and wall-time measurements; ``python -m benchmarks.run_all`` regenerates RESULTS.md."""
