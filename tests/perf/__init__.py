"""Benchmarks (not collected by pytest): run `python -m tests.perf.bench [--quick]`."""
