"""The dataset drift report: :func:`compare` and :class:`DriftReport`.

``compare(reference, current)`` runs one two-sample test per column of two data sets
(pandas DataFrames, pyarrow Tables, dicts of 1-D arrays, or 2-D numpy arrays) in the C++
core (``include/driftscope/report/drift_report.hpp``), in parallel over columns when asked,
with the GIL released, and returns a :class:`DriftReport`.

Column kinds: numeric dtypes (float, int, uint; pandas nullable Int / Float) are
*numerical*; bool, string, object (of strings), and pandas / pyarrow categorical or
dictionary columns are *categorical* (both sides are encoded together to shared integer
codes; missing values -> -1). An object column holding only numbers (and missing values) is
numerical. An object column mixing numbers and strings, a column that is numerical on one
side and categorical on the other, a column of an unsupported dtype (datetime, complex...),
and a column absent from either side are reported as *error rows* (``error`` set, no test),
not exceptions: the rest of the report goes on.

Tests (Evidently's names; scipy / driftscope aliases accepted) and the default choice per
column are documented in ``include/driftscope/report/column_test.hpp`` and in the README:

- numerical with more than 5 distinct values: ``ks`` when the reference has <= 1000
  non-missing values, else ``wasserstein`` (normed, threshold 0.1);
- numerical with <= 5 distinct values (treated as categorical) and categorical: ``chisquare``
  (``z`` for <= 2 values) when the reference has <= 1000 values, else ``jensenshannon`` (0.1).

A p-value threshold ``t`` means drift when ``p < t``; a distance threshold means drift when
``d >= t``. The dataset drifts when the share of drifted columns (among the columns tested
without error) is >= ``drift_share``; with ``correction`` ("bonferroni", "holm", "fdr_bh"),
the p-value columns are decided together on adjusted p-values at level ``alpha`` (as
``statsmodels.stats.multitest.multipletests``) and the dataset drifts when any column
drifts. With a correction, per-column thresholds apply to distance tests only.
"""

from __future__ import annotations

import json
import math
import numbers
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _core
from .stats import _category_codes, _missing_mask, _pandas, _sorted_unique

__all__ = ["ColumnDrift", "DriftReport", "compare", "report_tests"]

_CORRECTIONS = ("bonferroni", "holm", "fdr_bh")

#: (name, aliases, threshold_kind, default_threshold, numerical, categorical) per test.
_TESTS: List[Tuple[str, List[str], str, float, bool, bool]] = [tuple(t) for t in _core._report_tests()]  # type: ignore[misc]


def report_tests() -> List[Dict[str, Any]]:
    """The tests :func:`compare` accepts: name, aliases, threshold kind, default threshold and
    the column kinds each applies to."""
    return [
        {"name": n, "aliases": list(a), "threshold_kind": k, "default_threshold": d,
         "numerical": num, "categorical": cat}
        for n, a, k, d, num, cat in _TESTS
    ]


def _lookup_test(name: Any, where: str) -> Tuple[str, bool, bool, str]:
    """(canonical name, numerical?, categorical?, threshold kind) of a test name, else ValueError."""
    if not isinstance(name, str):
        raise ValueError(f"compare: {where} must be a test name (str), got {name!r}")
    low = name.lower()
    for n, aliases, kind, _, num, cat in _TESTS:
        if low == n.lower() or any(low == a.lower() for a in aliases):
            return n, num, cat, kind
    valid = ", ".join(n for n, *_ in _TESTS)
    raise ValueError(f"compare: unknown test {name!r} in {where}; valid tests: {valid} "
                     "(and the aliases listed by driftscope.report_tests())")


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ColumnDrift:
    """One row of a :class:`DriftReport` (the keys of ``to_dict()["columns"][i]``)."""

    name: str
    type: str
    test: Optional[str]
    threshold: Optional[float]
    threshold_kind: Optional[str]
    statistic: Optional[float]
    pvalue: Optional[float]
    pvalue_adjusted: Optional[float]
    drift: Optional[bool]
    score: Optional[float]
    n_reference: int
    n_current: int
    missing_reference: int
    missing_current: int
    error: Optional[str]
    plot: Optional[Dict[str, Any]] = field(default=None, repr=False, compare=False)


_ROW_KEYS = [f for f in ColumnDrift.__dataclass_fields__ if f != "plot"]


class DriftReport:
    """The result of :func:`compare`: one row per column and the dataset verdict.

    ``to_dict()`` is the schema shared with the C++ ``to_json`` (see report_json.hpp);
    NaN and infinite values are ``None`` there (e.g. the p-value of a distance test, the
    score of a p-value of 0).
    """

    def __init__(self, json_text: str) -> None:
        self._json = json_text
        self._data: Dict[str, Any] = json.loads(json_text)

    @property
    def columns(self) -> List[ColumnDrift]:
        return [ColumnDrift(**c) for c in self._data["columns"]]

    @property
    def drift(self) -> bool:
        """The dataset verdict."""
        return bool(self._data["dataset"]["drift"])

    @property
    def share_drifted(self) -> float:
        return float(self._data["dataset"]["share_drifted"])

    @property
    def n_drifted(self) -> int:
        return int(self._data["dataset"]["n_drifted"])

    def __getitem__(self, name: str) -> ColumnDrift:
        for c in self._data["columns"]:
            if c["name"] == name:
                return ColumnDrift(**c)
        raise KeyError(name)

    def __len__(self) -> int:
        return len(self._data["columns"])

    def to_dict(self) -> Dict[str, Any]:
        """A fresh JSON-ready dict (see the module docs for the schema)."""
        return json.loads(self._json)

    def to_json(self, indent: Optional[int] = None) -> str:
        """Strict JSON (NaN / inf as null); compact unless ``indent`` is given."""
        if indent is None:
            return self._json
        return json.dumps(self._data, indent=indent, allow_nan=False)

    def to_pandas(self) -> Any:
        """A pandas DataFrame with one row per column (the row fields, without plot data)."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - pandas is a test dependency
            raise ImportError("DriftReport.to_pandas needs pandas (pip install pandas)") from None
        rows = [{k: c[k] for k in _ROW_KEYS} for c in self._data["columns"]]
        df = pd.DataFrame(rows, columns=_ROW_KEYS)
        for k in ("threshold", "statistic", "pvalue", "pvalue_adjusted", "score"):
            df[k] = df[k].astype("float64")  # None -> NaN
        return df

    def to_html(self) -> str:
        """One self-contained HTML page (summary table sorted by score, plots per column)."""
        from . import _html  # imported lazily: only reports rendered to HTML need it

        return _html.render_html(self.to_dict())

    def save_html(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.to_html())

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        d = self._data["dataset"]
        n, k, e = d["n_columns"], d["n_drifted"], d.get("n_errors", 0)
        rule = (f"correction={d['correction']}, alpha={d['alpha']:g}" if d["correction"]
                else f"share {d['share_drifted']:.3g} vs drift_share {d['drift_share']:g}")
        err = f", {e} with errors" if e else ""
        return f"<DriftReport drift={d['drift']}: {k} of {n} columns drifted{err} ({rule})>"


# --------------------------------------------------------------------------- inputs


class _Frame:
    """Column names and a getter for one side of the comparison."""

    def __init__(self, names: List[str], get: Callable[[str], Any], n_rows: int) -> None:
        self.names = names
        self.get = get
        self.n_rows = n_rows


def _frame(x: Any, side: str, column_names: Optional[Sequence[str]]) -> _Frame:
    pd = _pandas()
    if pd is not None and isinstance(x, pd.DataFrame):
        names = [str(c) for c in x.columns]
        _check_unique(names, side)
        by_name = dict(zip(names, x.columns))
        return _Frame(names, lambda n: x[by_name[n]], len(x))
    pa = sys.modules.get("pyarrow")
    if pa is not None and isinstance(x, pa.Table):
        names = [str(c) for c in x.column_names]
        _check_unique(names, side)
        return _Frame(names, lambda n: x.column(names.index(n)), x.num_rows)
    if isinstance(x, Mapping):
        names = [str(k) for k in x.keys()]
        _check_unique(names, side)
        by_name = dict(zip(names, x.keys()))
        sizes = {len(np.asarray(v)) if not hasattr(v, "__len__") else len(v) for v in x.values()}
        return _Frame(names, lambda n: x[by_name[n]], max(sizes) if sizes else 0)
    if isinstance(x, np.ndarray):
        if x.ndim != 2:
            raise ValueError(f"compare: {side} must be a 2-D array (rows x columns), got {x.ndim}-D")
        arr = np.asfortranarray(x)  # columns contiguous (one copy for C-ordered input)
        if column_names is None:
            names = [str(j) for j in range(arr.shape[1])]
        else:
            names = [str(c) for c in column_names]
            if len(names) != arr.shape[1]:
                raise ValueError(f"compare: column_names has {len(names)} names, {side} has {arr.shape[1]} columns")
        _check_unique(names, side)
        return _Frame(names, lambda n: arr[:, names.index(n)], arr.shape[0])
    raise ValueError(f"compare: {side} must be a pandas DataFrame, a pyarrow Table, a dict of 1-D arrays "
                     f"or a 2-D numpy array, got {type(x).__name__}")


def _check_unique(names: List[str], side: str) -> None:
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"compare: duplicate column names in {side}: {', '.join(map(repr, dup))}")


# One side of one column after inspection.
_Side = Tuple[str, Any]  # (kind, payload): numerical -> float array; categorical -> object/str array;
#                          empty -> size (all missing, kind unknown); error -> message


def _is_number(v: Any) -> bool:
    return isinstance(v, (numbers.Real, np.number)) and not isinstance(v, (bool, np.bool_))


def _object_side(arr: np.ndarray) -> _Side:
    """Object array: numbers -> numerical, strings / bools / others -> categorical, mix -> error."""
    miss = _missing_mask(arr)
    vals = arr[~miss]
    if vals.size == 0:
        return ("empty", arr.size)
    pd = _pandas()
    inferred = pd.api.types.infer_dtype(vals, skipna=True) if pd is not None else None
    if inferred in ("floating", "integer", "mixed-integer-float", "decimal"):
        has_num, has_other = True, False
    elif inferred in ("string", "boolean", "bytes", "categorical"):
        has_num, has_other = False, True
    else:
        flags = [_is_number(v) for v in vals.tolist()]
        has_num, has_other = any(flags), not all(flags)
    if has_num and has_other:
        kinds = sorted({type(v).__name__ for v in vals.tolist()})
        return ("error", f"mixed types: numbers and non-numbers in one column ({', '.join(kinds)})")
    if has_num:
        out = np.full(arr.shape, np.nan, dtype=np.float64)
        out[~miss] = vals.astype(np.float64)
        return ("numerical", out)
    return ("categorical", arr)


def _inspect(x: Any) -> _Side:
    """Classify one side of a column and convert it to what the core takes."""
    pd = _pandas()
    pa = sys.modules.get("pyarrow")
    if pa is not None and isinstance(x, (pa.ChunkedArray, pa.Array)):
        t = x.type
        if pa.types.is_floating(t) or pa.types.is_integer(t) or pa.types.is_decimal(t):
            target = pa.float32() if pa.types.is_float32(t) else pa.float64()
            col = x.cast(target) if t != target else x
            if col.null_count:
                import pyarrow.compute as pc

                col = pc.fill_null(col, pa.scalar(float("nan"), type=target))
            return ("numerical", np.asarray(col.to_numpy(zero_copy_only=False)))
        if pa.types.is_temporal(t) or pa.types.is_nested(t):
            return ("error", f"unsupported column type {t}")
        values = np.empty(len(x), dtype=object)  # strings, bools, dictionary values; null -> None
        values[:] = x.to_pylist()
        return _inspect(values)
    if pd is not None and isinstance(x, (pd.Series, pd.Index, pd.Categorical, pd.api.extensions.ExtensionArray)):
        dtype = x.dtype
        if isinstance(dtype, np.dtype):
            if dtype.kind in "fiu":
                return _numeric_side(x.to_numpy())
            if dtype.kind == "b":
                return ("categorical", np.asarray(x.to_numpy()))
            if dtype.kind == "O":
                return _object_side(np.asarray(x.to_numpy()))
            return ("error", f"unsupported dtype {dtype}")
        if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(dtype) or \
                isinstance(dtype, pd.StringDtype):
            return ("categorical", pd.Series(x))  # encoded by pandas itself (fast for arrow strings)
        if pd.api.types.is_numeric_dtype(dtype):
            return ("numerical", np.asarray(x.to_numpy(dtype=np.float64, na_value=np.nan)))
        if getattr(dtype, "kind", "") == "O":
            return _object_side(np.asarray(x.to_numpy(dtype=object)))
        return ("error", f"unsupported dtype {dtype}")
    arr = np.asarray(x)
    if arr.dtype.kind in "US" and arr.ndim == 1:
        arr = np.asarray(x, dtype=object)  # keep None / NaN as missing
    if arr.ndim != 1:
        return ("error", f"expected 1-D data, got a {arr.ndim}-D array")
    kind = arr.dtype.kind
    if kind in "fiu":
        return _numeric_side(arr)
    if kind in "bUS":
        return ("categorical", arr)
    if kind == "O":
        return _object_side(arr)
    return ("error", f"unsupported dtype {arr.dtype}")


def _numeric_side(arr: np.ndarray) -> _Side:
    # float32 / float64 pass through without a copy; other numbers become float64
    if arr.dtype == np.float64 or arr.dtype == np.float32:
        return ("numerical", arr)
    return ("numerical", arr.astype(np.float64))


def _encode(ref: Any, cur: Any) -> Tuple[np.ndarray, np.ndarray, List[str]]:
    """Shared int32 codes of two categorical sides (missing -> -1) and the category labels.

    Plumbing only: pandas.factorize when pandas is loaded (hashing; categories sorted when
    they order), else numpy sorting through the stats helpers."""
    pd = _pandas()
    if pd is not None:
        a = ref if isinstance(ref, pd.Series) else pd.Series(np.asarray(ref, dtype=object))
        b = cur if isinstance(cur, pd.Series) else pd.Series(np.asarray(cur, dtype=object))
        if isinstance(a.dtype, pd.CategoricalDtype) or isinstance(b.dtype, pd.CategoricalDtype) or \
                a.dtype != b.dtype:
            a, b = a.astype(object), b.astype(object)
        both = pd.concat([a, b], ignore_index=True)
        try:
            codes, uniques = pd.factorize(both, sort=True)
        except TypeError:  # values of types that do not order (e.g. str and bool)
            codes, uniques = pd.factorize(both, sort=False)
        codes = np.asarray(codes, dtype=np.int32)
        return codes[: len(a)], codes[len(a):], [_label(v) for v in list(uniques)]
    both = np.concatenate([np.asarray(ref, dtype=object), np.asarray(cur, dtype=object)])
    miss = _missing_mask(both)
    cats, _ = _sorted_unique(both[~miss])
    codes = np.full(both.size, -1, dtype=np.int32)
    codes[~miss] = _category_codes(cats, both[~miss])
    return codes[: len(ref)], codes[len(ref):], [_label(v) for v in cats.tolist()]


def _label(v: Any) -> str:
    return v if isinstance(v, str) else str(v.item() if isinstance(v, np.generic) else v)


def _per_column(arg: Any, what: str, selected: List[str], check: Callable[[Any, str], Any]) -> Dict[str, Any]:
    """Expand a scalar-or-mapping argument (tests / thresholds) to {column: value}."""
    if arg is None:
        return {}
    if isinstance(arg, Mapping):
        out = {}
        for k, v in arg.items():
            name = str(k)
            if name not in selected:
                raise ValueError(f"compare: {what} names column {name!r}, which is not compared "
                                 f"(columns: {', '.join(selected)})")
            out[name] = check(v, f"{what}[{name!r}]")
        return out
    value = check(arg, what)
    return {c: value for c in selected}


def _check_threshold(v: Any, where: str) -> float:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (numbers.Real, np.number)):
        raise ValueError(f"compare: {where} must be a number, got {v!r}")
    t = float(v)
    if not math.isfinite(t) or t <= 0:
        raise ValueError(f"compare: {where} must be finite and > 0, got {v!r}")
    return t


def compare(
    reference: Any,
    current: Any,
    columns: Optional[Sequence[str]] = None,
    tests: Union[None, str, Mapping[str, str]] = None,
    thresholds: Union[None, float, Mapping[str, float]] = None,
    correction: Optional[str] = None,
    drift_share: float = 0.5,
    *,
    n_jobs: int = 1,
    column_names: Optional[Sequence[str]] = None,
    alpha: float = 0.05,
    plots: bool = True,
) -> DriftReport:
    """Compare two data sets column by column; see the module documentation.

    Parameters
    ----------
    reference, current : pandas.DataFrame, pyarrow.Table, dict of 1-D arrays, or 2-D numpy array
    columns : the columns to compare (default: every column of the reference, in order).
    tests : one test name for every column, or ``{column: name}`` (others: the default rule).
    thresholds : one number for every column, or ``{column: number}`` (others: the test's default).
    correction : None, "bonferroni", "holm" or "fdr_bh" (p-value columns decided together at ``alpha``).
    drift_share : the dataset drifts when the drifted share of tested columns is >= this, in (0, 1].
    n_jobs : worker threads over columns; 1 = the calling thread, 0 or -1 = all hardware threads.
    column_names : names of the columns of 2-D numpy inputs (default "0", "1", ...).
    alpha : family level of the correction, in (0, 1).
    plots : include the plot data (histograms, ECDFs, category counts) used by ``to_html``.

    Raises
    ------
    ValueError
        for unknown test names, a numerical-only test on a categorical column, bad thresholds,
        bad ``drift_share`` / ``correction`` / ``alpha`` / ``n_jobs``, unsupported inputs, or
        duplicate column names — before any statistic is computed.
    """
    if isinstance(drift_share, (bool, np.bool_)) or not isinstance(drift_share, (numbers.Real, np.number)) or \
            not (0 < float(drift_share) <= 1):
        raise ValueError(f"compare: drift_share must be a number in (0, 1], got {drift_share!r}")
    if correction is not None and correction not in _CORRECTIONS:
        raise ValueError(f"compare: correction must be None, 'bonferroni', 'holm' or 'fdr_bh', got {correction!r}")
    if isinstance(alpha, (bool, np.bool_)) or not isinstance(alpha, (numbers.Real, np.number)) or \
            not (0 < float(alpha) < 1):
        raise ValueError(f"compare: alpha must be a number in (0, 1), got {alpha!r}")
    if isinstance(n_jobs, (bool, np.bool_)) or not isinstance(n_jobs, (numbers.Integral, np.integer)) or n_jobs < -1:
        raise ValueError(f"compare: n_jobs must be an integer >= -1 (0 or -1: all hardware threads), got {n_jobs!r}")

    ref = _frame(reference, "reference", column_names)
    cur = _frame(current, "current", column_names)
    if columns is None:
        selected = list(ref.names)
    else:
        if isinstance(columns, str):
            raise ValueError(f"compare: columns must be a sequence of names, got the string {columns!r}")
        selected = [str(c) for c in columns]
        _check_unique(selected, "columns")
    test_of = _per_column(tests, "tests", selected, lambda v, w: _lookup_test(v, w))
    threshold_of = _per_column(thresholds, "thresholds", selected, _check_threshold)
    for c, (name, _, _, kind) in test_of.items():
        t = threshold_of.get(c)
        if t is not None and kind == "pvalue" and t >= 1:
            raise ValueError(f"compare: the p-value threshold of column {c!r} ({name}) must be < 1, got {t!r}")
        if t is not None and kind == "pvalue" and correction is not None and isinstance(thresholds, Mapping):
            raise ValueError(f"compare: column {c!r} sets a p-value threshold, but with a correction p-value "
                             f"columns are decided at alpha={alpha!r}")

    specs = []
    nan = float("nan")
    for c in selected:
        test = test_of.get(c)
        threshold = threshold_of.get(c, nan)
        if test is not None and test[3] == "pvalue" and correction is not None:
            threshold = nan  # decided at alpha (only a scalar `thresholds` reaches here)
        test_name = test[0] if test is not None else ""
        spec = _column_spec(c, ref, cur, test)
        kind, a, b, k, labels, error = spec
        specs.append((c, kind, a, b, k, labels, test_name, threshold, error))
    # the report's n_reference / n_current: the row counts of the inputs
    text = _core._drift_report(specs, float(drift_share), correction or "", float(alpha),
                               0 if n_jobs in (0, -1) else int(n_jobs), bool(plots), int(ref.n_rows),
                               int(cur.n_rows))
    return DriftReport(text)


def _column_spec(name: str, ref: _Frame, cur: _Frame,
                 test: Optional[Tuple[str, bool, bool, str]]) -> Tuple[str, Any, Any, int, List[str], str]:
    """(kind, reference data, current data, n_categories, labels, error) of one column."""
    missing = [side for side, f in (("reference", ref), ("current", cur)) if name not in f.names]
    if missing:
        where = " and ".join(missing)
        kind = "numerical"
        if name in ref.names or name in cur.names:
            other = ref if name in ref.names else cur
            k, _ = _inspect(other.get(name))
            kind = "categorical" if k == "categorical" else "numerical"
        return kind, None, None, 0, [], f"column {name!r} is not in the {where} data"
    a = _inspect(ref.get(name))
    b = _inspect(cur.get(name))
    for side, s in (("reference", a), ("current", b)):
        if s[0] == "error":
            return "numerical", None, None, 0, [], f"{side}: {s[1]}"
    ka, kb = a[0], b[0]
    if ka == "empty" and kb == "empty":
        ka = kb = "numerical"
    elif ka == "empty":
        ka = kb
    elif kb == "empty":
        kb = ka
    if ka != kb:
        return ("categorical" if "categorical" in (ka, kb) else "numerical", None, None, 0, [],
                f"mixed types: {ka} in the reference, {kb} in the current data")
    if test is not None and ka == "categorical" and not test[2]:
        raise ValueError(f"compare: test {test[0]!r} does not apply to the categorical column {name!r} "
                         "(it takes numerical data)")
    if ka == "numerical":
        ra = a[1] if a[0] == "numerical" else np.full(a[1], np.nan)
        rb = b[1] if b[0] == "numerical" else np.full(b[1], np.nan)
        if ra.dtype != rb.dtype:
            ra, rb = ra.astype(np.float64, copy=False), rb.astype(np.float64, copy=False)
        return "numerical", ra, rb, 0, [], ""
    va = a[1] if a[0] == "categorical" else np.full(a[1], None, dtype=object)
    vb = b[1] if b[0] == "categorical" else np.full(b[1], None, dtype=object)
    ca, cb, labels = _encode(va, vb)
    return "categorical", ca, cb, len(labels), labels, ""
