import argparse
from typing import Any, Dict, Optional, Sequence

from ._io import Table

__all__ = ["build_parser", "compare_tables", "main"]

EXIT_OK: int
EXIT_ERROR: int

class CliError(Exception): ...

def build_parser() -> argparse.ArgumentParser: ...
def main(argv: Optional[Sequence[str]] = None) -> int: ...
def compare_tables(
    ref: Table,
    cur: Table,
    columns: Optional[Sequence[str]] = None,
    psi_threshold: float = 0.2,
    bins: int = 10,
) -> Dict[str, Any]: ...
