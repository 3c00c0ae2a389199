"""Rehearsal and measurement: the drill runner, the benchmarks and the Python HTTP client."""
