"""Timing shared by the peers scripts (run as `python benchmarks/<script>.py`, so this
directory is on sys.path)."""

from __future__ import annotations

import time
from typing import Any, Callable


def best_seconds(f: Callable[[], Any], repeats: int) -> float:
    """The fastest of `repeats` calls of f(), in seconds."""
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best
