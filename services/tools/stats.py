"""Figures a benchmark prints: rates and latency percentiles."""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Figures:
    name: str
    events: int
    seconds: float
    latencies_ms: tuple[float, ...] = ()

    @property
    def events_per_s(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else float("inf")

    def percentile(self, q: int) -> float | None:
        if len(self.latencies_ms) < 2:
            return None
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[q - 1]


def percentiles_ms(values: list[float]) -> dict[str, float | None]:
    """p50, p95 and p99 of latencies in milliseconds (None with fewer than two samples)."""
    figures = Figures(name="", events=len(values), seconds=1.0, latencies_ms=tuple(values))
    found = {f"p{q}": figures.percentile(q) for q in (50, 95, 99)}
    return {name: None if value is None else round(value, 1) for name, value in found.items()}
