"""Multi-feature stream monitoring: :class:`StreamMonitor`, threshold rules and alarm events.

``StreamMonitor(reference, ...)`` keeps one window per column of a reference table
(pandas DataFrame, pyarrow Table, dict of 1-D arrays, or 2-D array + ``columns``), computes
drift scores and window metrics at every evaluation point of the window schedule, and turns
the scores into warning / alarm events with :class:`ThresholdRule` s. All the work runs in
the C++ core (``include/driftscope/monitor/stream_monitor.hpp``); this module maps tables
and category labels to float64 rows (see ``driftscope._frames``).

Scores (statistic names): ``psi``, ``js_distance``, ``hellinger``, ``total_variation``,
``ks`` (p-value), ``wasserstein``, ``chi_square`` (p-value). Defaults: numerical columns
``["psi", "ks"]`` (decaying windows: ``["psi"]``), categorical ``["psi", "chi_square"]``.
Default rules: psi 0.1 / 0.25; js_distance, hellinger, total_variation 0.1 / 0.2 (above);
ks and chi_square p-value 0.01 / 0.001 (below); wasserstein none. ``rules`` overrides them
per statistic: ``{column or "*": {statistic: ThresholdRule or None}}`` (None = no rule; a
column's own entry wins over ``"*"``; a ``"*"`` rule applies to the columns computing that
statistic).

Callbacks: ``on_event`` is called with each :class:`AlarmEvent`, in order, with the GIL
held, after the C++ call that fired them returns (events are collected in C++ while the GIL
is released). If the callback raises, the exception propagates to the caller of
``update`` / ``update_many``; the events not yet dispatched stay in :attr:`StreamMonitor.events`.

Pickling and ``serialize()`` keep the reference, windows, trackers, snapshot and event
log; the ``on_event`` callback is not kept (set it again with :meth:`StreamMonitor.set_on_event`).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from . import _core
from ._core import AlarmEvent, DriftShape, EventLog, ThresholdRule, ThresholdTracker
from ._frames import category_labels, encode_categories, numerical_values, table_columns, timestamps_ns
from .report import _inspect
from .stats import _pandas

from . import _alerts, _exposition, _pipeline
from ._alerts import *  # noqa: F401,F403  (AlertRule, AlertTracker, AlertEvent, to_prometheus_yaml, ...)
from ._exposition import *  # noqa: F401,F403  (MetricFamily, MetricsRegistry, serve_metrics, RateMeter, ...)
from ._pipeline import *  # noqa: F401,F403  (Stage, PipelineMonitor, Monitor)

__all__ = ["StreamMonitor", "ThresholdRule", "AlarmEvent", "EventLog", "ThresholdTracker"]
__all__ += _alerts.__all__ + _exposition.__all__ + _pipeline.__all__

_FN = "StreamMonitor"


class _Default:
    """The default stride: min(100, size) for sliding, 100 for decaying, the size for
    tumbling, duration // 10 for time windows."""

    def __repr__(self) -> str:
        return "100"


_STRIDE_DEFAULT: Any = _Default()


class StreamMonitor:
    """Windows of every column of a reference table, drift scores, threshold rules, events.

    Parameters mirror the C++ ``stream_monitor`` (see the module docstring):
    ``window`` is ``"sliding"`` (``size``, ``stride``), ``"tumbling"`` (``size``), ``"time"``
    (``duration`` and ``stride`` in int nanoseconds; timestamps required) or ``"decaying"``
    (``half_life`` in values, ``stride``). ``bins`` (int) and ``binning`` (``"quantile"``,
    ``"uniform"`` or an array of edges) choose the numerical columns' reference bins.
    ``value_metrics`` (default True) keeps mean / std / min / max of numerical columns; with
    False, a numerical column whose statistics need no ECDF (no ``ks`` / ``wasserstein``)
    keeps no ECDF window: its mean / std / min / max are NaN, its scores and events are the
    same, and it costs O(bins) per evaluation (no copy or sort of the window's values).
    """

    def __init__(
        self,
        reference: Any,
        columns: Optional[Sequence[str]] = None,
        categorical: Optional[Sequence[str]] = None,
        window: str = "sliding",
        size: int = 1000,
        stride: Optional[int] = _STRIDE_DEFAULT,
        duration: Optional[int] = None,
        half_life: Optional[float] = None,
        statistics: Optional[Mapping[str, Sequence[str]]] = None,
        rules: Optional[Mapping[str, Mapping[str, Optional[ThresholdRule]]]] = None,
        bins: int = 10,
        on_event: Optional[Callable[[AlarmEvent], Any]] = None,
        *,
        binning: Any = "quantile",
        psi_epsilon: float = 1e-4,
        event_capacity: int = 10000,
        ks_method: str = "asymp",
        value_metrics: bool = True,
    ) -> None:
        names, cols, n = table_columns(reference, columns, _FN, "reference")
        if not names:
            raise ValueError(f"{_FN}: reference has no columns")
        if n == 0:
            raise ValueError(f"{_FN}: reference must not be empty, got 0 rows")
        cat_set = _names_arg(categorical, names, "categorical")
        statistics = _per_column(statistics, names, "statistics")
        rules = _per_column(rules, names, "rules")
        if stride is _STRIDE_DEFAULT:
            stride = min(100, size) if window == "sliding" else 100 if window == "decaying" else None
        window_kind = "decaying" if window == "decaying" else "sliding"

        matrix = np.empty((n, len(names)), dtype=np.float64)
        specs = []
        for j, (name, col) in enumerate(zip(names, cols)):
            kind, payload = _inspect(col)
            if kind == "error":
                raise ValueError(f"{_FN}: reference column {name!r}: {payload}")
            if kind == "empty":
                raise ValueError(f"{_FN}: reference column {name!r} has no non-missing values ({n} rows, all missing)")
            is_cat = name in cat_set or (categorical is None and kind == "categorical")
            categories = None
            if is_cat:
                idx, labels = category_labels(col)
                if (idx < 0).all():
                    raise ValueError(f"{_FN}: reference column {name!r} has no non-missing values ({n} rows, all missing)")
                categories = sorted(set(labels))
                code_of = {lab: i for i, lab in enumerate(categories)}
                table = np.array([code_of[lab] for lab in labels] + [np.nan], dtype=np.float64)
                matrix[:, j] = table[idx]
            else:
                if kind != "numerical":
                    raise ValueError(f"{_FN}: reference column {name!r} holds non-numeric values; "
                                     f"list it in categorical= to monitor it as categorical")
                matrix[:, j] = np.asarray(payload, dtype=np.float64)
            col_kind = "categorical" if is_cat else "numerical"
            stats = statistics.get(name, statistics.get("*"))
            stats = list(stats) if stats is not None else list(_core._stream_default_statistics(col_kind, window_kind))
            for s in stats:
                if not isinstance(s, str):
                    raise ValueError(f"{_FN}: column {name!r}: statistics must be names (str), got {s!r}")
            rule_list = _resolve_rules(name, stats, rules)
            specs.append((name, col_kind, stats, rule_list, binning, bins, categories))
        self._core = _core._StreamMonitor(
            matrix, specs, window=window, size=size, stride=stride, duration=duration, half_life=half_life,
            psi_epsilon=psi_epsilon, event_capacity=event_capacity, ks_method=ks_method,
            value_metrics=_bool_arg(value_metrics, "value_metrics"),
        )
        self._load_meta()
        self._on_event: Optional[Callable[[AlarmEvent], Any]] = None
        self.set_on_event(on_event)

    # ----------------------------------------------------------------- plumbing

    def _load_meta(self) -> None:
        info = self._core.columns_info
        self._names: List[str] = [c["name"] for c in info]
        self._kinds: List[str] = [c["kind"] for c in info]
        self._codes: Dict[str, Dict[str, int]] = {
            c["name"]: {lab: i for i, lab in enumerate(c["categories"])} for c in info if c["kind"] == "categorical"
        }

    def _matrix(self, names: List[str], cols: List[Any], n: int, fn: str) -> np.ndarray:
        if set(names) != set(self._names):
            missing = [c for c in self._names if c not in names]
            extra = [c for c in names if c not in self._names]
            parts = []
            if missing:
                parts.append("missing column(s) " + ", ".join(map(repr, missing)))
            if extra:
                parts.append("unknown column(s) " + ", ".join(map(repr, extra)))
            raise ValueError(f"{fn}: rows must have exactly the reference's columns: {'; '.join(parts)}")
        by_name = dict(zip(names, cols))
        out = np.empty((n, len(self._names)), dtype=np.float64)
        for j, (name, kind) in enumerate(zip(self._names, self._kinds)):
            col = by_name[name]
            if kind == "categorical":
                out[:, j] = encode_categories(col, self._codes[name])
            else:
                out[:, j] = numerical_values(col, fn, name, n)
        return out

    def _feed(self, matrix: np.ndarray, ts: Optional[np.ndarray]) -> List[AlarmEvent]:
        events: List[AlarmEvent] = self._core.update_many(matrix, ts)
        if self._on_event is not None:
            for e in events:
                self._on_event(e)
        return events

    # ----------------------------------------------------------------- updates

    def update(self, row: Any, timestamp: Any = None) -> List[AlarmEvent]:
        """Adds one row: a dict ``{name: value}`` (exactly the reference's columns), a
        sequence or 1-D array in column order. Returns the events it fired."""
        fn = f"{_FN}.update"
        width = len(self._names)
        if isinstance(row, Mapping):
            names = [str(k) for k in row.keys()]
            cols = [_one(v) for v in row.values()]
        else:
            pd = _pandas()
            if pd is not None and isinstance(row, pd.Series):
                names = [str(k) for k in row.index]
                cols = [_one(v) for v in row.tolist()]
            else:
                if isinstance(row, (str, bytes)) or not hasattr(row, "__len__"):
                    raise ValueError(f"{fn}: row must be a dict, a sequence or a 1-D array, got {type(row).__name__}")
                if isinstance(row, np.ndarray) and row.ndim != 1:
                    raise ValueError(f"{fn}: row must be 1-D, got a {row.ndim}-D array")
                if len(row) != width:
                    raise ValueError(f"{fn}: row has {len(row)} values, the monitor has {width} columns (width)")
                names = list(self._names)
                cols = [_one(v) for v in list(row)]
        ts = timestamps_ns(None if timestamp is None else [timestamp], 1, fn)
        return self._feed(self._matrix(names, cols, 1, fn), ts)

    def update_many(self, rows: Any, timestamps: Any = None) -> List[AlarmEvent]:
        """Adds rows (a DataFrame, pyarrow Table, dict of 1-D arrays, or a 2-D array in column
        order) with optional timestamps (int ns or datetime64; required for time windows).
        The C++ work runs with the GIL released. Returns the events fired during the call."""
        fn = f"{_FN}.update_many"
        if isinstance(rows, np.ndarray):
            if rows.ndim != 2:
                raise ValueError(f"{fn}: rows must be a 2-D array (rows x columns), got a {rows.ndim}-D array")
            if rows.shape[1] != len(self._names):
                raise ValueError(f"{fn}: rows have {rows.shape[1]} columns, the monitor has {len(self._names)} (width)")
            if rows.dtype.kind in "fiub" and not self._codes:
                matrix = np.ascontiguousarray(rows, dtype=np.float64)
                n = rows.shape[0]
            else:
                names, cols, n = table_columns(rows, self._names, fn, "rows")
                matrix = self._matrix(names, cols, n, fn)
        else:
            names, cols, n = table_columns(rows, None, fn, "rows")
            matrix = self._matrix(names, cols, n, fn)
        return self._feed(matrix, timestamps_ns(timestamps, n, fn))

    # ----------------------------------------------------------------- queries

    def snapshot(self) -> Dict[str, Any]:
        """Scores and metrics as of the last evaluation point: ``{"end", "timestamp",
        "evaluated", "columns": {name: {"count", "missing", "mean", "std", "min", "max",
        "unseen_share", "scores": {statistic: value}}}}`` (NaN where undefined)."""
        return self._core.snapshot()

    def current(self) -> Dict[str, Any]:
        """The same for the current windows now (no rules, no events)."""
        return self._core.current()

    def metric_families(self) -> list:
        """The latest evaluation as metric families for a ``/metrics`` endpoint: the gauge
        ``driftscope_drift_score{feature, statistic}`` (NaN before the first evaluation) and the
        counter ``driftscope_stream_rows_total``."""
        from ._core import MetricFamily

        scores = MetricFamily.gauge("driftscope_drift_score", help="Drift score of the latest window evaluation")
        for name, col in self.snapshot()["columns"].items():
            for stat, value in col["scores"].items():
                scores.add_gauge(float("nan") if value is None else value, {"feature": name, "statistic": stat})
        rows = MetricFamily.counter("driftscope_stream_rows", help="Rows fed to the stream monitor")
        rows.add_counter(self.rows_seen)
        return [scores, rows]

    def score_history(self, column: str, statistic: str) -> Tuple[np.ndarray, np.ndarray]:
        """The last (up to 256) evaluations of one column's statistic, oldest first:
        ``(values, window_end_rows)``. ValueError for an unknown column or a statistic the
        column does not compute."""
        return self._core.score_history(column, statistic)

    def drift_shape(self, column: str, statistic: str, min_duration: Optional[float] = None) -> DriftShape:
        """Types the drift in one column statistic's recent scores (typically after an alarm
        on it): :func:`driftscope.shape.classify_drift` over :meth:`score_history`, with
        ``smoothing`` = size / stride for sliding windows (their scores are moving averages)
        and ``min_duration`` (in evaluations) max(1, 0.3 * smoothing) unless given. onset and
        duration are returned in rows. ValueError with fewer evaluations than the fit needs."""
        return self._core.score_drift_shape(column, statistic, min_duration)

    @property
    def events(self) -> EventLog:
        """The event log (the last ``event_capacity`` events; ``clear()`` empties it)."""
        return self._core.events

    @property
    def columns(self) -> List[str]:
        return list(self._names)

    @property
    def column_kinds(self) -> Dict[str, str]:
        return dict(zip(self._names, self._kinds))

    @property
    def categories(self) -> Dict[str, List[str]]:
        """The reference categories (labels, code order) of each categorical column."""
        return {name: list(codes) for name, codes in self._codes.items()}

    @property
    def rows_seen(self) -> int:
        return int(self._core.rows_seen)

    @property
    def memory_bytes(self) -> int:
        return int(self._core.memory_bytes)

    @property
    def value_metrics(self) -> bool:
        """Whether numerical columns keep mean / std / min / max (the ``value_metrics`` option)."""
        return bool(self._core.value_metrics)

    @property
    def on_event(self) -> Optional[Callable[[AlarmEvent], Any]]:
        return self._on_event

    def set_on_event(self, callback: Optional[Callable[[AlarmEvent], Any]]) -> None:
        """Sets (or with None removes) the callable called with each event."""
        if callback is not None and not callable(callback):
            raise ValueError(f"{_FN}: on_event must be callable, got {type(callback).__name__}")
        self._on_event = callback

    # ----------------------------------------------------------------- merge / bytes

    def merge(self, other: "StreamMonitor") -> None:
        """Adds ``other``'s current tumbling windows (same reference and configuration)."""
        if not isinstance(other, StreamMonitor):
            raise ValueError(f"{_FN}.merge: other must be a StreamMonitor, got {type(other).__name__}")
        self._core.merge(other._core)

    def serialize(self) -> bytes:
        return bytes(self._core.serialize())

    @classmethod
    def deserialize(cls, data: bytes) -> "StreamMonitor":
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise ValueError(f"{_FN}.deserialize: data must be bytes, got {type(data).__name__}")
        obj = cls.__new__(cls)
        obj._core = _core._StreamMonitor.deserialize(bytes(data))
        obj._load_meta()
        obj._on_event = None
        return obj

    def __reduce__(self) -> Any:
        return (_restore, (self.serialize(),))

    def __repr__(self) -> str:
        w = self._core.window
        return (f"<StreamMonitor {len(self._names)} columns, {w['kind']} window, rows_seen={self.rows_seen}, "
                f"events={len(self.events)}>")


def _restore(data: bytes) -> StreamMonitor:
    return StreamMonitor.deserialize(data)


def _one(v: Any) -> np.ndarray:
    """A one-row column holding `v` (object dtype so None / strings / numbers keep their type)."""
    out = np.empty(1, dtype=object)
    out[0] = v
    if isinstance(v, (float, int, np.floating, np.integer)) and not isinstance(v, (bool, np.bool_)):
        return np.array([v], dtype=np.float64)
    return out


def _bool_arg(v: Any, what: str) -> bool:
    if not isinstance(v, (bool, np.bool_)):
        raise ValueError(f"{_FN}: {what} must be a bool, got {type(v).__name__}")
    return bool(v)


def _names_arg(names: Optional[Sequence[str]], known: List[str], what: str) -> set:
    if names is None:
        return set()
    if isinstance(names, str):
        names = [names]
    out = {str(n) for n in names}
    unknown = sorted(out - set(known))
    if unknown:
        raise ValueError(f"{_FN}: {what} names unknown column(s) {', '.join(map(repr, unknown))}")
    return out


def _per_column(arg: Optional[Mapping[str, Any]], known: List[str], what: str) -> Dict[str, Any]:
    if arg is None:
        return {}
    if not isinstance(arg, Mapping):
        raise ValueError(f"{_FN}: {what} must be a dict {{column or '*': ...}}, got {type(arg).__name__}")
    unknown = [k for k in arg if k != "*" and k not in known]
    if unknown:
        raise ValueError(f"{_FN}: {what} names unknown column(s) {', '.join(map(repr, unknown))}")
    return dict(arg)


def _resolve_rules(name: str, stats: List[str], rules: Dict[str, Any]) -> List[Any]:
    """(statistic, rule) pairs of a column: its own entries, then "*", then the defaults."""
    own = rules.get(name, {}) or {}
    star = rules.get("*", {}) or {}
    for where, d in ((name, own), ("*", star)):
        if not isinstance(d, Mapping):
            raise ValueError(f"{_FN}: rules[{where!r}] must be a dict {{statistic: ThresholdRule}}, got {type(d).__name__}")
        for s, r in d.items():
            if r is not None and not isinstance(r, ThresholdRule):
                raise ValueError(f"{_FN}: rules[{where!r}][{s!r}] must be a ThresholdRule or None, got {type(r).__name__}")
    out = []
    for s in own:
        if s not in stats:
            raise ValueError(f"{_FN}: column {name!r}: a rule for statistic {s!r}, which is not computed "
                             f"(statistics: {', '.join(stats)})")
    for s in stats:
        if s in own:
            r = own[s]
        elif s in star:
            r = star[s]
        else:
            r = _core._stream_default_rule(s)
        if r is not None:
            out.append((s, r))
    return out
