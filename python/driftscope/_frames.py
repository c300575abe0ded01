"""Tables in, float64 matrices out: the plumbing between frames and the C++ stream monitor.

A table is a pandas DataFrame, a pyarrow Table (or RecordBatch), a dict of 1-D arrays, or a
2-D numpy array with column names. Columns are typed as :func:`driftscope.report.compare`
types them (``report._inspect``): numeric dtypes (pandas nullable Int / Float with ``NA`` ->
NaN) are numerical; object / string / category / bool columns are categorical.

Categorical values become category codes: the reference's categories are the distinct
non-missing values as labels (``str`` of the value; a number that is an integer prints
without a fractional part, so ``1``, ``1.0`` and ``np.int64(1)`` are the label ``"1"``),
sorted by ``str``; a value's code is the index of its label, an unseen label gets code k
(the number of categories), and None / NaN / pandas NA / NaT are missing (NaN).
"""

from __future__ import annotations

import math
import numbers
import sys
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from .report import _inspect
from .stats import _missing_mask, _pandas

__all__ = ["table_columns", "numerical_values", "category_labels", "encode_categories", "timestamps_ns"]


def table_columns(x: Any, columns: Optional[Sequence[str]], fn: str, what: str) -> Tuple[List[str], List[Any], int]:
    """(names, raw columns, number of rows) of a table; ValueError naming ``what`` otherwise."""
    pd = _pandas()
    pa = sys.modules.get("pyarrow")
    if pd is not None and isinstance(x, pd.DataFrame):
        names = [str(c) for c in x.columns]
        cols: List[Any] = [x.iloc[:, j] for j in range(x.shape[1])]
        n = len(x)
    elif pa is not None and isinstance(x, (pa.Table, pa.RecordBatch)):
        names = [str(c) for c in x.column_names]
        cols = [x.column(j) for j in range(x.num_columns)]
        n = x.num_rows
    elif isinstance(x, Mapping):
        names = [str(k) for k in x.keys()]
        cols = [v if hasattr(v, "__len__") and not isinstance(v, (str, bytes)) else np.asarray(v) for v in x.values()]
        sizes = {len(c) for c in cols}
        if any(np.ndim(c) != 1 for c in cols if isinstance(c, np.ndarray)):
            raise ValueError(f"{fn}: {what} must be a dict of 1-D arrays")
        if len(sizes) > 1:
            detail = ", ".join(f"{k!r}: {len(c)}" for k, c in zip(names, cols))
            raise ValueError(f"{fn}: the columns of {what} have different lengths ({detail})")
        n = sizes.pop() if sizes else 0
    elif isinstance(x, np.ndarray):
        if x.ndim != 2:
            raise ValueError(f"{fn}: {what} must be a 2-D array (rows x columns), got a {x.ndim}-D array")
        if columns is None:
            raise ValueError(f"{fn}: {what} is a 2-D array: pass columns=[names] (one per column)")
        names = [str(c) for c in columns]
        if len(names) != x.shape[1]:
            raise ValueError(f"{fn}: columns has {len(names)} names, {what} has {x.shape[1]} columns")
        cols = [x[:, j] for j in range(x.shape[1])]
        n = x.shape[0]
    else:
        raise ValueError(f"{fn}: {what} must be a pandas DataFrame, a pyarrow Table, a dict of 1-D arrays or a "
                         f"2-D numpy array, got {type(x).__name__}")
    if columns is not None and not isinstance(x, np.ndarray):
        raise ValueError(f"{fn}: columns= is for 2-D array input; {what} names its own columns")
    if len(set(names)) != len(names):
        dup = sorted({c for c in names if names.count(c) > 1})
        raise ValueError(f"{fn}: duplicate column names in {what}: {', '.join(map(repr, dup))}")
    return names, cols, n


def numerical_values(col: Any, fn: str, name: str, n: int) -> np.ndarray:
    """float64 values of a numerical column (missing = NaN); ValueError naming the column."""
    kind, payload = _inspect(col)
    if kind == "numerical":
        return np.asarray(payload, dtype=np.float64)
    if kind == "empty":
        return np.full(n, np.nan)
    if kind == "categorical":
        raise ValueError(f"{fn}: column {name!r} is numerical in the reference but holds non-numeric values")
    raise ValueError(f"{fn}: column {name!r}: {payload}")


def _label(v: Any) -> str:
    """The category label of one non-missing value."""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, numbers.Real):
        f = float(v)
        if math.isfinite(f) and f == math.floor(f) and abs(f) < 2.0**63:
            return str(int(f))
        return repr(f)
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return str(v)


def _factorize(col: Any) -> Tuple[np.ndarray, List[Any]]:
    """(index of each value's unique, -1 for missing; the uniques)."""
    pa = sys.modules.get("pyarrow")
    if pa is not None and isinstance(col, (pa.ChunkedArray, pa.Array)):
        values = np.empty(len(col), dtype=object)
        values[:] = col.to_pylist()
        col = values
    pd = _pandas()
    if pd is not None:
        if not isinstance(col, (pd.Series, pd.Index, pd.Categorical, np.ndarray)):
            col = np.asarray(col, dtype=object)
        codes, uniques = pd.factorize(col)
        return np.asarray(codes, dtype=np.int64), list(uniques)
    arr = np.asarray(col)
    if arr.dtype.kind in "US":
        arr = arr.astype(object)
    if arr.ndim != 1:
        raise ValueError(f"expected 1-D data, got a {arr.ndim}-D array")
    miss = _missing_mask(arr)
    out = np.full(arr.size, -1, dtype=np.int64)
    present = arr[~miss]
    try:
        uniq, inv = np.unique(present, return_inverse=True)
        out[~miss] = inv.reshape(-1)
        return out, list(uniq.tolist())
    except TypeError:  # values of types that do not order
        index: Dict[Any, int] = {}
        seen: List[Any] = []
        idx = np.empty(present.size, dtype=np.int64)
        for i, v in enumerate(present.tolist()):
            j = index.get((type(v), v))
            if j is None:
                j = index[(type(v), v)] = len(seen)
                seen.append(v)
            idx[i] = j
        out[~miss] = idx
        return out, seen


def category_labels(col: Any) -> Tuple[np.ndarray, List[str]]:
    """(index into the labels per value, -1 missing; the labels of the uniques)."""
    codes, uniques = _factorize(col)
    return codes, [_label(u) for u in uniques]


def encode_categories(col: Any, categories: Mapping[str, int]) -> np.ndarray:
    """float64 codes of a categorical column against the reference's label -> code map:
    missing -> NaN, an unseen label -> len(categories)."""
    idx, labels = category_labels(col)
    k = len(categories)
    table = np.array([categories.get(lab, k) for lab in labels] + [np.nan], dtype=np.float64)
    return table[idx]  # idx -1 picks the trailing NaN


def timestamps_ns(ts: Any, n: int, fn: str) -> Optional[np.ndarray]:
    """int64 nanoseconds from ints, datetime64 values or pandas Timestamps; ValueError for
    NaN / NaT or a length other than n."""
    if ts is None:
        return None
    pd = _pandas()
    if pd is not None and isinstance(ts, (pd.Series, pd.Index, pd.DatetimeIndex)):
        ts = ts.to_numpy()
    arr = np.asarray(ts)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1 or arr.size != n:
        raise ValueError(f"{fn}: timestamps must be 1-D with one timestamp per row ({n}), got shape {arr.shape}")
    if arr.dtype.kind == "M":
        if np.isnat(arr).any():
            raise ValueError(f"{fn}: timestamps must not be NaT")
        return arr.astype("datetime64[ns]").view(np.int64)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64, copy=False)
    if arr.dtype.kind == "f":
        if np.isnan(arr).any():
            raise ValueError(f"{fn}: timestamp must not be NaN")
        if not np.all(arr == np.floor(arr)):
            raise ValueError(f"{fn}: timestamps must be integer nanoseconds")
        return arr.astype(np.int64)
    if arr.dtype.kind == "O":
        out = np.empty(arr.size, dtype=np.int64)
        for i, v in enumerate(arr.tolist()):
            if v is None or (isinstance(v, float) and v != v):
                raise ValueError(f"{fn}: timestamp must not be NaN / None (row {i})")
            if pd is not None and isinstance(v, pd.Timestamp):
                out[i] = v.value
            elif isinstance(v, np.datetime64):
                out[i] = v.astype("datetime64[ns]").view(np.int64)
            elif isinstance(v, numbers.Integral):
                out[i] = int(v)
            else:
                raise ValueError(f"{fn}: timestamps must be integer nanoseconds or datetimes, got {type(v).__name__}")
        return out
    raise ValueError(f"{fn}: timestamps must be integer nanoseconds or datetime64, got dtype {arr.dtype}")
