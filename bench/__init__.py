"""Benchmarks: each module's `run()` returns machine-readable records; never timed assertions in tests."""
