import argparse
from typing import Any, Dict, Optional, Sequence

from ._io import Table
from .report import DriftReport

__all__ = ["build_parser", "compare_tables", "format_event", "main"]

EXIT_OK: int
EXIT_ERROR: int
P_VALUE_STATISTICS: frozenset[str]

class CliError(Exception): ...

def build_parser() -> argparse.ArgumentParser: ...
def main(argv: Optional[Sequence[str]] = None) -> int: ...
def compare_tables(
    ref: Table,
    cur: Table,
    columns: Optional[Sequence[str]] = None,
    tests: Any = None,
    thresholds: Any = None,
    correction: Optional[str] = None,
    drift_share: float = 0.5,
    n_jobs: int = 1,
    alpha: float = 0.05,
) -> DriftReport: ...
def format_event(e: Any) -> str: ...
