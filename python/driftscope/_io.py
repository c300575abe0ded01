"""Reading feature tables for the command line (CSV with the stdlib, Parquet with pyarrow).

A table is read into :class:`Table`: numeric columns as float64 arrays (missing = NaN)
and the other columns as categorical object arrays (missing = None). A CSV column is
numeric when every non-missing cell parses as a float, else categorical (its cells,
stripped, are the categories); empty cells and the usual missing markers (NA, NaN, null,
...) are missing. Parquet: integer / float / decimal columns are numeric; string, bool and
dictionary columns are categorical; other types (dates, nested) are neither.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from typing import Dict, List

import numpy as np

__all__ = ["MISSING_TOKENS", "Table", "TableError", "read_table"]

#: Cell texts (compared case-insensitively, surrounding blanks ignored) that mean "missing".
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "<na>", "#n/a"})


class TableError(Exception):
    """A file could not be read as a table; the message is meant for the user."""


@dataclass
class Table:
    """Columns of one file, in file order."""

    path: str
    columns: List[str]
    numeric: Dict[str, np.ndarray] = field(default_factory=dict)
    categorical: Dict[str, np.ndarray] = field(default_factory=dict)
    n_rows: int = 0


def read_table(path: str) -> Table:
    """Read a CSV or (if pyarrow is installed) Parquet file; raise :class:`TableError` on failure."""
    if not os.path.exists(path):
        raise TableError(f"{path}: no such file")
    if os.path.isdir(path):
        raise TableError(f"{path}: is a directory, expected a CSV or Parquet file")
    if path.lower().endswith((".parquet", ".pq")):
        return _read_parquet(path)
    return _read_csv(path)


def _read_csv(path: str) -> Table:
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
    except UnicodeDecodeError as e:
        raise TableError(f"{path}: not a UTF-8 text file ({e.reason} at byte {e.start})") from None
    except csv.Error as e:
        raise TableError(f"{path}: malformed CSV ({e})") from None
    except OSError as e:
        raise TableError(f"{path}: cannot read ({e.strerror})") from None
    # Ignore blank lines (csv yields [] for them).
    rows = [r for r in rows if r]
    if not rows:
        raise TableError(f"{path}: empty file, expected a header row")
    header = [h.strip() for h in rows[0]]
    _check_header(path, header)
    body = rows[1:]
    width = len(header)
    for i, r in enumerate(body, start=2):
        if len(r) != width:
            raise TableError(f"{path}: row {i} has {len(r)} fields, the header has {width}")
    table = Table(path=path, columns=header, n_rows=len(body))
    if not body:
        raise TableError(f"{path}: no data rows")
    for j, name in enumerate(header):
        cells = [r[j] for r in body]
        col = _parse_numeric(cells)
        if col is not None:
            table.numeric[name] = col
        else:
            table.categorical[name] = _parse_categorical(cells)
    return table


def _check_header(path: str, header: List[str]) -> None:
    seen = set()
    for i, h in enumerate(header, start=1):
        if not h:
            raise TableError(f"{path}: header column {i} has no name")
        if h in seen:
            raise TableError(f"{path}: duplicate column name {h!r} in the header")
        seen.add(h)


def _parse_numeric(cells: List[str]) -> "np.ndarray | None":
    """float64 array (NaN = missing) if every non-missing cell parses as a float, else None."""
    out = np.full(len(cells), np.nan, dtype=np.float64)
    for i, c in enumerate(cells):
        s = c.strip()
        if s.lower() in MISSING_TOKENS:
            continue
        try:
            out[i] = float(s)
        except ValueError:
            return None
    return out


def _parse_categorical(cells: List[str]) -> np.ndarray:
    """Object array of stripped cell texts, None for missing cells."""
    out = np.empty(len(cells), dtype=object)
    for i, c in enumerate(cells):
        s = c.strip()
        out[i] = None if s.lower() in MISSING_TOKENS else s
    return out


def _read_parquet(path: str) -> Table:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise TableError(
            f"{path}: reading Parquet needs pyarrow, which is not installed (pip install pyarrow)"
        ) from None
    try:
        data = pq.read_table(path)
    except Exception as e:  # pyarrow raises several types (ArrowInvalid, OSError, ...)
        raise TableError(f"{path}: cannot read Parquet ({e})") from None
    names = [str(n) for n in data.column_names]
    _check_header(path, names)
    table = Table(path=path, columns=names, n_rows=data.num_rows)
    if data.num_rows == 0:
        raise TableError(f"{path}: no data rows")
    for name, col in zip(names, data.columns):
        t = col.type
        if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
            arr = col.cast(pa.float64()).to_numpy(zero_copy_only=False)
            table.numeric[name] = np.asarray(arr, dtype=np.float64)
        elif pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_boolean(t) or \
                pa.types.is_dictionary(t):
            values = np.empty(data.num_rows, dtype=object)
            values[:] = col.to_pylist()
            table.categorical[name] = values
    return table
