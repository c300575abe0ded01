"""Production monitoring of a whole ML pipeline: :class:`Stage`, :class:`PipelineMonitor` and
the request-level :class:`Monitor`.

A :class:`Stage` is one step of a pipeline (upstream source, features, model,
post-processing). Each record it sees updates input metrics of its numerical fields
(count, missing and infinite shares, mean / std / min / max, KLL quantiles) and categorical
fields (missing share, distinct values by HyperLogLog, the top value's share by SpaceSaving,
the share of categories unseen in the reference), software metrics (requests per second,
errors, latency quantiles from a relative-error latency sketch) and ratio metrics with a
minimum-volume guard (click-through rate, retries per request). Metrics are computed over
tumbling time windows aligned to multiples of ``window``; when a window closes, every
:class:`~driftscope.monitor.AlertRule` of the stage is evaluated on its metric at the
window's end time (Prometheus' ``for`` / ``keep_firing_for`` semantics, with hysteresis).

Metric ids (what a rule's ``metric`` names): ``requests:count``, ``requests:per_second``,
``errors:count``, ``errors:share``, ``latency:mean|p50|p90|p99|max`` (seconds);
per numerical field ``<f>:count|missing_share|infinite_share|mean|std|min|max|p50|p90|p99``;
per categorical field ``<c>:count|missing_share|distinct|top_share|unseen_share``;
per length field (text or sequence inputs: ``len()`` of each value, None = missing)
``<t>:count|missing_share|length_mean|length_std|length_min|length_max|length_p50|length_p90|length_p99``;
per derived field (a user-defined scalar: ``derived={"brightness": fn}``, ``fn(input)`` called on
each record's raw input) the numerical field's ids; per ratio
``<r>:value|lower|upper|denominator``. ``Stage.metric_ids`` lists them.

State: ``Stage`` and ``PipelineMonitor`` pickle (configuration and state; derived functions must be
picklable, i.e. module-level), ``serialize_state()`` / ``restore_state(bytes)`` checkpoint a
stage built with the same configuration, and ``merge(other)`` adds another worker's records.

A :class:`PipelineMonitor` holds stages in order and says which stage alarmed first
(``first_alarm``): when an upstream sensor breaks, the upstream is blamed, not the model.
It exposes everything as Prometheus text / OpenMetrics (``render``, ``serve``).

All the work runs in C++ (``include/driftscope/monitor/stage_monitor.hpp``,
``pipeline_monitor.hpp``); this module converts tables, timestamps and durations.

Time: timestamps are int nanoseconds since the epoch, ``numpy.datetime64`` or pandas
Timestamps, non-decreasing; left out, they are ``time.time_ns()``. Durations (``window``) are
int nanoseconds, ``datetime.timedelta``, ``numpy.timedelta64`` or Prometheus strings ("1m").
"""

from __future__ import annotations

import datetime
import time
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _core
from ._core import AlertEvent, AlertRule, parse_prometheus_duration
from ._frames import category_labels, numerical_values, table_columns, timestamps_ns

__all__ = ["Stage", "PipelineMonitor", "Monitor"]

DEFAULT_LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def _duration_ns(v: Any, fn: str, name: str) -> int:
    if isinstance(v, str):
        return int(parse_prometheus_duration(v))
    if isinstance(v, datetime.timedelta):
        return (v // datetime.timedelta(microseconds=1)) * 1000
    if isinstance(v, np.timedelta64):
        if np.isnat(v):
            raise ValueError(f"{fn}: {name} must not be NaT")
        return int(v.astype("timedelta64[ns]").astype(np.int64))
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return int(v)
    raise ValueError(f"{fn}: {name} must be int nanoseconds, a timedelta or a duration string like '1m', got {v!r}")


def _timestamp_ns(ts: Any, fn: str) -> int:
    if ts is None:
        return time.time_ns()
    arr = timestamps_ns([ts], 1, fn)
    assert arr is not None
    return int(arr[0])


def _length_of(v: Any, fn: str, name: str) -> float:
    """The length metric of one value of length field ``name``: len() of a str / bytes /
    sequence, a number taken as the length itself, None or NaN missing."""
    if v is None:
        return np.nan
    if isinstance(v, (str, bytes)) or hasattr(v, "__len__"):
        return float(len(v))
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        return float(v)
    raise ValueError(f"{fn}: length field {name!r} takes str, bytes, sequences or lengths, got {type(v).__name__}")


def _length_column(col: Any, fn: str, name: str) -> np.ndarray:
    if hasattr(col, "to_pylist"):
        vals = col.to_pylist()
    elif hasattr(col, "tolist"):
        vals = col.tolist()
    else:
        vals = list(col)
    return np.array([_length_of(v, fn, name) for v in vals], dtype=np.float64)


def _derived_value(f: Callable[[Any], Any], x: Any, fn: str, name: str) -> float:
    v = f(x)
    if v is None:
        return np.nan
    try:
        return float(v)
    except (TypeError, ValueError):
        raise ValueError(f"{fn}: derived field {name!r} must return a number or None, got {type(v).__name__}") from None


def _str_column(col: Any) -> np.ndarray:
    """A categorical column as an object array of str; missing values become ''."""
    idx, labels = category_labels(col)
    return np.array(list(labels) + [""], dtype=object)[idx]  # index -1 (missing) -> ''


class _StageAPI:
    """What a stage offers, whether standalone (:class:`Stage`) or inside a pipeline."""

    _numeric: List[str]
    _categorical: List[str]
    _lengths: List[str]
    _derived: Dict[str, Callable[[Any], Any]]
    _on_event: Optional[Callable[[str, AlertEvent], Any]]

    # --- implemented by the two kinds of stage -----------------------------------------------
    def _observe_many(
        self, numeric: Any, categorical: Any, latencies: Any, errors: Any, ts: np.ndarray, lengths: Any, derived: Any
    ) -> None:
        raise NotImplementedError

    def _derived_rows(self, inputs: Sequence[Any], fn: str) -> Optional[np.ndarray]:
        """The (n, derived fields) values of the derived functions on each input."""
        if not self._derived:
            return None
        return np.array(
            [[_derived_value(f, x, fn, name) for name, f in self._derived.items()] for x in inputs], dtype=np.float64
        ).reshape(len(inputs), len(self._derived))

    def _take_events(self) -> List[Tuple[str, AlertEvent]]:
        raise NotImplementedError

    def _dispatch(self) -> List[AlertEvent]:
        events = self._take_events()
        if self._on_event is not None:
            for stage, e in events:
                self._on_event(stage, e)
        return [e for _, e in events]

    # --- records ------------------------------------------------------------------------------
    def observe(
        self,
        numeric: Any = None,
        categorical: Any = None,
        latency: Optional[float] = None,
        error: bool = False,
        timestamp: Any = None,
        *,
        lengths: Any = None,
        input: Any = None,
    ) -> List[AlertEvent]:
        """One record: ``numeric`` the numerical fields' values (a sequence in field order or a
        mapping by name; None / NaN = missing), ``categorical`` likewise (str; None = missing),
        ``lengths`` the length fields' values (texts or sequences, whose len() is monitored),
        ``latency`` in seconds, ``error`` whether the request failed, ``input`` the raw request
        the derived fields' functions are called on (default: a dict of the record's fields).
        Returns the alert events of the windows this record closed."""
        fn = "Stage.observe"
        num = None
        if self._numeric:
            if numeric is None:
                raise ValueError(f"{fn}: numeric values are required for fields {self._numeric}")
            vals = [numeric.get(f) for f in self._numeric] if isinstance(numeric, Mapping) else list(numeric)
            if len(vals) != len(self._numeric):
                raise ValueError(f"{fn}: numeric must have {len(self._numeric)} values, got {len(vals)}")
            num = np.array([[np.nan if v is None else v for v in vals]], dtype=np.float64)
        cat = None
        if self._categorical:
            if categorical is None:
                raise ValueError(f"{fn}: categorical values are required for fields {self._categorical}")
            vals = (
                [categorical.get(f) for f in self._categorical]
                if isinstance(categorical, Mapping)
                else list(categorical)
            )
            if len(vals) != len(self._categorical):
                raise ValueError(f"{fn}: categorical must have {len(self._categorical)} values, got {len(vals)}")
            cat = [["" if v is None else v] for v in vals]
        lens, raw_lengths = None, []
        if self._lengths:
            if lengths is None:
                raise ValueError(f"{fn}: lengths values are required for fields {self._lengths}")
            raw_lengths = (
                [lengths.get(f) for f in self._lengths] if isinstance(lengths, Mapping) else list(lengths)
            )
            if len(raw_lengths) != len(self._lengths):
                raise ValueError(f"{fn}: lengths must have {len(self._lengths)} values, got {len(raw_lengths)}")
            lens = np.array([[_length_of(v, fn, f) for f, v in zip(self._lengths, raw_lengths)]], dtype=np.float64)
        elif lengths is not None:
            raise ValueError(f"{fn}: the stage has no length fields, but lengths was given")
        der = None
        if self._derived:
            if input is None:
                input = dict(zip(self._numeric, [] if num is None else num[0].tolist()))
                input.update(zip(self._categorical, [None if c[0] == "" else c[0] for c in (cat or [])]))
                input.update(zip(self._lengths, raw_lengths))
            der = self._derived_rows([input], fn)
        lat = None if latency is None else np.array([latency], dtype=np.float64)
        err = np.array([bool(error)]) if error else None
        ts = np.array([_timestamp_ns(timestamp, fn)], dtype=np.int64)
        self._observe_many(num, cat, lat, err, ts, lens, der)
        return self._dispatch()

    def observe_many(
        self,
        data: Any = None,
        *,
        numeric: Any = None,
        categorical: Any = None,
        latencies: Any = None,
        errors: Any = None,
        timestamps: Any = None,
        lengths: Any = None,
        inputs: Any = None,
    ) -> List[AlertEvent]:
        """Many records: ``data`` a table (pandas / pyarrow / dict of columns) holding the
        stage's fields by name, or ``numeric`` an (n, fields) array, ``categorical`` one
        sequence of str per categorical field and ``lengths`` one sequence of texts /
        sequences per length field. ``inputs`` (one raw request per record) feed the derived
        fields' functions (default: each row of ``data`` as a dict). ``latencies`` (seconds,
        NaN = none), ``errors`` (bool) and ``timestamps`` (one per record; default: now for
        all) are optional."""
        fn = "Stage.observe_many"
        rows: Optional[List[Any]] = None
        if data is not None:
            if numeric is not None or categorical is not None or lengths is not None:
                raise ValueError(f"{fn}: give either data or numeric / categorical / lengths, not both")
            names, cols, n = table_columns(data, None, fn, "data")
            by_name = dict(zip(names, cols))
            missing = [f for f in self._numeric + self._categorical + self._lengths if f not in by_name]
            if missing:
                raise ValueError(f"{fn}: data lacks the fields {missing}")
            lengths = [by_name[f] for f in self._lengths] if self._lengths else None
            if self._derived and inputs is None:
                lists = {k: (c.to_pylist() if hasattr(c, "to_pylist") else list(c)) for k, c in by_name.items()}
                rows = [{k: v[i] for k, v in lists.items()} for i in range(n)]
            numeric = (
                np.column_stack([numerical_values(by_name[f], fn, f, n) for f in self._numeric])
                if self._numeric
                else None
            )
            categorical = [_str_column(by_name[f]) for f in self._categorical] if self._categorical else None
        else:
            if numeric is not None:
                numeric = np.asarray(numeric, dtype=np.float64)
                if numeric.ndim == 1 and len(self._numeric) == 1:
                    numeric = numeric.reshape(-1, 1)
                n = numeric.shape[0] if numeric.ndim == 2 else -1
            elif categorical is not None:
                n = len(categorical[0]) if len(categorical) else 0
            elif lengths is not None:
                n = len(lengths[0]) if len(lengths) else 0
            elif inputs is not None:
                n = len(inputs)
            else:
                n = len(np.asarray(timestamps)) if timestamps is not None else 0
            if categorical is not None:
                categorical = [_str_column(c) for c in categorical]
        if n < 0:
            raise ValueError(f"{fn}: numeric must be 2-D (records, fields)")
        lens = None
        if lengths is not None:
            if not self._lengths:
                raise ValueError(f"{fn}: the stage has no length fields, but lengths was given")
            if len(lengths) != len(self._lengths):
                raise ValueError(f"{fn}: lengths must hold one column per length field ({len(self._lengths)})")
            cols_l = [_length_column(c, fn, f) for f, c in zip(self._lengths, lengths)]
            if any(len(c) != n for c in cols_l):
                raise ValueError(f"{fn}: each lengths column must have one value per record ({n})")
            lens = np.column_stack(cols_l) if n else np.empty((0, len(self._lengths)))
        der = None
        if self._derived:
            if inputs is None and rows is None:
                raise ValueError(f"{fn}: inputs (one per record) are required for the derived fields {list(self._derived)}")
            src = list(inputs) if inputs is not None else rows
            assert src is not None
            if len(src) != n:
                raise ValueError(f"{fn}: inputs must have one value per record ({n}), got {len(src)}")
            der = self._derived_rows(src, fn)
        elif inputs is not None:
            raise ValueError(f"{fn}: the stage has no derived fields, but inputs was given")
        ts = timestamps_ns(timestamps, n, fn) if timestamps is not None else np.full(n, time.time_ns(), np.int64)
        lat = None if latencies is None else np.asarray(latencies, dtype=np.float64)
        err = None if errors is None else np.asarray(errors, dtype=bool)
        self._observe_many(numeric, categorical, lat, err, ts, lens, der)
        return self._dispatch()


class Stage(_StageAPI):
    """One pipeline stage's metrics and alert rules (see the module docstring).

    ``numeric``: numerical field names; ``categorical``: field names, or a mapping name ->
    reference categories (values outside them count as unseen; None = no check);
    ``ratios``: names (proportions, minimum volume 100) or a mapping name -> ``"proportion"``
    | ``"rate"`` | ``{"kind": ..., "min_volume": ...}``; ``window``: the tumbling window;
    ``rules``: :class:`AlertRule` s on the stage's metric ids; ``reference``: a table of
    reference records — its metric values become the references of rules that compare with
    the reference (``relative_to_reference`` without a reference value, ``sigma_band`` on
    ``<f>:mean`` without mean / sd), and its distinct values the reference categories of
    categorical fields given without them. ``lengths``: length fields (text or sequence inputs:
    the len() of each value is monitored); ``derived``: a mapping name -> function of a record's
    raw input (``observe(input=...)``, ``observe_many(inputs=...)``; by default a dict of the
    record's fields) returning a number or None (missing), monitored like a numerical field.
    """

    def __init__(
        self,
        name: str,
        numeric: Sequence[str] = (),
        categorical: Union[Sequence[str], Mapping[str, Optional[Sequence[str]]]] = (),
        ratios: Union[Sequence[str], Mapping[str, Any]] = (),
        window: Any = "1m",
        rules: Sequence[AlertRule] = (),
        reference: Any = None,
        *,
        lengths: Sequence[str] = (),
        derived: Optional[Mapping[str, Callable[[Any], Any]]] = None,
        quantiles: bool = True,
        kll_k: int = 200,
        hll_p: int = 12,
        top_k: int = 64,
        missing_values: Sequence[str] = ("",),
        latency_relative_accuracy: float = 0.01,
        event_capacity: int = 1000,
        on_event: Optional[Callable[[str, AlertEvent], Any]] = None,
    ) -> None:
        fn = "Stage"
        self._numeric = [str(f) for f in numeric]
        self._lengths = [str(f) for f in lengths]
        self._derived = {str(k): f for k, f in (derived or {}).items()}
        for k, f in self._derived.items():
            if not callable(f):
                raise ValueError(f"{fn}: derived field {k!r} must be a function of the record's input, got {f!r}")
        cats: Dict[str, Optional[List[str]]] = (
            {str(k): (None if v is None else [str(c) for c in v]) for k, v in categorical.items()}
            if isinstance(categorical, Mapping)
            else {str(c): None for c in categorical}
        )
        self._categorical = list(cats)
        ratio_specs: List[Tuple[str, str, int]] = []
        items = ratios.items() if isinstance(ratios, Mapping) else [(r, "proportion") for r in ratios]
        for rname, spec in items:
            if isinstance(spec, Mapping):
                ratio_specs.append((str(rname), str(spec.get("kind", "proportion")), int(spec.get("min_volume", 100))))
            else:
                ratio_specs.append((str(rname), str(spec), 100))
        common: Dict[str, Any] = dict(
            name=str(name), numeric=self._numeric, ratios=ratio_specs, quantiles=bool(quantiles), kll_k=int(kll_k),
            hll_p=int(hll_p), top_k=int(top_k), missing_values=[str(m) for m in missing_values],
            lengths=self._lengths, derived=list(self._derived),
        )
        ref_values = None
        if reference is not None:
            names, cols, n = table_columns(reference, None, fn, "reference")
            by_name = dict(zip(names, cols))
            lacking = [f for f in self._numeric + self._categorical + self._lengths if f not in by_name]
            if lacking:
                raise ValueError(f"{fn}: reference lacks the fields {lacking}")
            for f in self._categorical:
                if cats[f] is None:
                    cats[f] = sorted(set(category_labels(by_name[f])[1]))
            num = (
                np.column_stack([numerical_values(by_name[f], fn, f, n) for f in self._numeric])
                if self._numeric
                else None
            )
            catcols = [_str_column(by_name[f]) for f in self._categorical] if self._categorical else None
            lens = np.column_stack([_length_column(by_name[f], fn, f) for f in self._lengths]) if self._lengths else None
            der = None
            if self._derived:
                lists = {k: (c.to_pylist() if hasattr(c, "to_pylist") else list(c)) for k, c in by_name.items()}
                der = self._derived_rows([{k: v[i] for k, v in lists.items()} for i in range(n)], fn)
            ref_values = _core._StageMonitor.summarize(
                categorical=[(k, v or []) for k, v in cats.items()], rows_numeric=num, rows_categorical=catcols, n=n,
                rows_lengths=lens, rows_derived=der, **common,
            )
        self._core_args = dict(
            categorical=[(k, v or []) for k, v in cats.items()],
            window_ns=_duration_ns(window, fn, "window"),
            latency_relative_accuracy=float(latency_relative_accuracy),
            rules=list(rules),
            reference=ref_values,
            event_capacity=int(event_capacity),
            **common,
        )
        self._core = _core._StageMonitor(**self._core_args)
        self._on_event = on_event

    def _observe_many(
        self, numeric: Any, categorical: Any, latencies: Any, errors: Any, ts: np.ndarray, lengths: Any, derived: Any
    ) -> None:
        self._core.observe_many(numeric, categorical, latencies, errors, ts, lengths, derived)

    def _take_events(self) -> List[Tuple[str, AlertEvent]]:
        return self._core.take_events()

    # --- state ----------------------------------------------------------------------------------
    def serialize_state(self) -> bytes:
        """The stage's state (windows, totals, rule states, events), not its configuration:
        ``restore_state`` it into a stage built the same way."""
        return self._core.serialize_state()

    def restore_state(self, state: bytes) -> None:
        """Replaces the state by ``serialize_state()`` bytes of a stage with the same
        configuration (ValueError otherwise; the state is then unchanged)."""
        self._core.restore_state(bytes(state))

    def merge(self, other: "Stage") -> None:
        """Adds ``other``'s records (same configuration but rules, same current window: call
        ``advance`` on both first) into this stage: window metrics, totals, latency histogram,
        rates. This stage's rule states and events stay."""
        if not isinstance(other, Stage):
            raise ValueError(f"Stage.merge: other must be a Stage, got {type(other).__name__}")
        self._core.merge(other._core)

    def __getstate__(self) -> Dict[str, Any]:
        return {
            "version": 1,
            "core_args": self._core_args,
            "categorical": self._categorical,
            "derived": self._derived,
            "state": self.serialize_state(),
        }

    def __setstate__(self, st: Dict[str, Any]) -> None:
        if not isinstance(st, dict) or st.get("version") != 1:
            raise ValueError("Stage: unsupported pickled state")
        self._core_args = st["core_args"]
        self._numeric = list(self._core_args["numeric"])
        self._lengths = list(self._core_args["lengths"])
        self._categorical = list(st["categorical"])
        self._derived = dict(st["derived"])
        self._on_event = None
        self._core = _core._StageMonitor(**self._core_args)
        self._core.restore_state(st["state"])

    def set_on_event(self, on_event: Optional[Callable[[str, AlertEvent], Any]]) -> None:
        """``on_event(stage_name, event)`` for each alert event, after the call that made it."""
        self._on_event = on_event

    def add_ratio(self, ratio: str, numerator: int, denominator: int, timestamp: Any = None) -> List[AlertEvent]:
        """Adds ``numerator`` events over ``denominator`` units to ratio ``ratio``."""
        self._core.add_ratio(ratio, int(numerator), int(denominator), _timestamp_ns(timestamp, "Stage.add_ratio"))
        return self._dispatch()

    def advance(self, timestamp: Any = None) -> List[AlertEvent]:
        """Moves the clock (closing the windows that ended): call it on a timer so a stage
        whose upstream went silent still evaluates its rules."""
        self._core.advance(_timestamp_ns(timestamp, "Stage.advance"))
        return self._dispatch()

    def close_window(self, timestamp: Any = None) -> List[AlertEvent]:
        """Closes the current window now, whatever its length."""
        self._core.close_window(_timestamp_ns(timestamp, "Stage.close_window"))
        return self._dispatch()

    name = property(lambda self: self._core.name)
    metric_ids = property(lambda self: list(self._core.metric_ids))
    last_values = property(lambda self: self._core.last_values, doc="metric id -> value of the last closed window")
    last_window_end = property(lambda self: self._core.last_window_end)
    windows_closed = property(lambda self: self._core.windows_closed)
    requests_total = property(lambda self: self._core.requests_total)
    errors_total = property(lambda self: self._core.errors_total)
    events = property(lambda self: self._core.events, doc="the alert events kept (bounded log)")
    first_alarm = property(lambda self: self._core.first_alarm, doc="the first alarm that fired, or None")
    alert_states = property(lambda self: self._core.alert_states, doc="[(rule, severity, state)]")
    rules = property(lambda self: self._core.rules)

    def value(self, metric: str) -> float:
        """The last closed window's value of metric id ``metric`` (NaN = no data)."""
        return self._core.value(metric)

    def __repr__(self) -> str:
        return (
            f"Stage({self.name!r}, numeric={self._numeric}, categorical={self._categorical}, "
            f"windows_closed={self.windows_closed})"
        )


class _PipelineStage(_StageAPI):
    """A stage inside a :class:`PipelineMonitor` (``pipeline.stage(name)``)."""

    def __init__(self, pipe: "PipelineMonitor", index: int, stage: "Stage"):
        self._pipe, self._index, self._name = pipe, index, stage.name
        self._numeric, self._categorical = list(stage._numeric), list(stage._categorical)
        self._lengths, self._derived = list(stage._lengths), dict(stage._derived)
        self._on_event = None

    def _observe_many(
        self, numeric: Any, categorical: Any, latencies: Any, errors: Any, ts: np.ndarray, lengths: Any, derived: Any
    ) -> None:
        self._pipe._core.observe_many(self._index, numeric, categorical, latencies, errors, ts, lengths, derived)

    def _take_events(self) -> List[Tuple[str, AlertEvent]]:
        return self._pipe._take_events()

    def _dispatch(self) -> List[AlertEvent]:
        return self._pipe._dispatch()

    def add_ratio(self, ratio: str, numerator: int, denominator: int, timestamp: Any = None) -> List[AlertEvent]:
        ts = _timestamp_ns(timestamp, "Stage.add_ratio")
        self._pipe._core.add_ratio(self._index, ratio, int(numerator), int(denominator), ts)
        return self._dispatch()

    name = property(lambda self: self._name)
    last_values = property(lambda self: self._pipe._core.stage_values(self._index))
    events = property(lambda self: self._pipe._core.stage_events(self._index))
    alert_states = property(lambda self: self._pipe._core.stage_alert_states(self._index))

    def value(self, metric: str) -> float:
        values = self.last_values
        if metric not in values:
            raise ValueError(f"Stage.value: stage '{self._name}' has no metric '{metric}'")
        return values[metric]

    @property
    def requests_total(self) -> int:
        return self._pipe._core.stage_totals(self._index)[0]

    @property
    def windows_closed(self) -> int:
        return self._pipe._core.stage_totals(self._index)[2]

    def __repr__(self) -> str:
        return f"<stage {self._name!r} of a PipelineMonitor>"


class PipelineMonitor:
    """Stages of a pipeline, in order (upstream first). The stages are copied in; observe
    through ``pipeline.stage(name)``. ``on_event(stage, event)`` sees every alert event."""

    def __init__(
        self,
        stages: Sequence[Stage],
        *,
        latency_buckets: Sequence[float] = DEFAULT_LATENCY_BUCKETS,
        process_metrics: bool = True,
        on_event: Optional[Callable[[str, AlertEvent], Any]] = None,
    ) -> None:
        stages = list(stages)
        for s in stages:
            if not isinstance(s, Stage):
                raise ValueError(f"PipelineMonitor: stages must be Stage objects, got {s!r}")
        self._core = _core._PipelineMonitor(
            [s._core for s in stages], [float(b) for b in latency_buckets], bool(process_metrics)
        )
        self._stages = [_PipelineStage(self, i, s) for i, s in enumerate(stages)]
        self._on_event = on_event
        # for pickling: the stages' configuration (their state at construction is replaced)
        self._config = (stages, [float(b) for b in latency_buckets], bool(process_metrics))

    # --- state ----------------------------------------------------------------------------------
    def serialize_state(self) -> bytes:
        """Every stage's state (not the configuration); see :meth:`Stage.serialize_state`."""
        return self._core.serialize_state()

    def restore_state(self, state: bytes) -> None:
        """Restores ``serialize_state()`` bytes of a pipeline with the same stages (all or nothing)."""
        self._core.restore_state(bytes(state))

    def merge(self, other: "PipelineMonitor") -> None:
        """Merges ``other``'s stages into this pipeline's, stage by stage (see :meth:`Stage.merge`)."""
        if not isinstance(other, PipelineMonitor):
            raise ValueError(f"PipelineMonitor.merge: other must be a PipelineMonitor, got {type(other).__name__}")
        self._core.merge(other._core)

    def __getstate__(self) -> Dict[str, Any]:
        stages, buckets, process = self._config
        return {"version": 1, "stages": stages, "latency_buckets": buckets, "process_metrics": process,
                "state": self.serialize_state()}

    def __setstate__(self, st: Dict[str, Any]) -> None:
        if not isinstance(st, dict) or st.get("version") != 1:
            raise ValueError("PipelineMonitor: unsupported pickled state")
        self.__init__(st["stages"], latency_buckets=st["latency_buckets"], process_metrics=st["process_metrics"])
        self._core.restore_state(st["state"])

    def _take_events(self) -> List[Tuple[str, AlertEvent]]:
        return self._core.take_events()

    def _dispatch(self) -> List[AlertEvent]:
        events = self._take_events()
        if self._on_event is not None:
            for stage, e in events:
                self._on_event(stage, e)
        return [e for _, e in events]

    def set_on_event(self, on_event: Optional[Callable[[str, AlertEvent], Any]]) -> None:
        self._on_event = on_event

    def stage(self, name: Union[str, int]) -> _PipelineStage:
        """The stage named ``name`` (or at index ``name``)."""
        if isinstance(name, (int, np.integer)) and not isinstance(name, bool):
            if not 0 <= int(name) < len(self._stages):
                raise ValueError(f"PipelineMonitor.stage: index {name} out of range for {len(self._stages)} stages")
            return self._stages[int(name)]
        return self._stages[self._core.stage_index(str(name))]

    @property
    def stage_names(self) -> List[str]:
        return list(self._core.stage_names)

    def advance(self, timestamp: Any = None) -> List[AlertEvent]:
        """Moves every stage's clock to ``timestamp`` (closing the windows that ended)."""
        self._core.advance(_timestamp_ns(timestamp, "PipelineMonitor.advance"))
        return self._dispatch()

    @property
    def first_alarm(self) -> Optional[Tuple[str, AlertEvent]]:
        """(stage, event) of the earliest alarm that fired in any stage (ties: upstream), or None."""
        return self._core.first_alarm()

    def metric_families(self) -> list:
        """The current metrics as :class:`~driftscope.monitor.MetricFamily` objects."""
        return self._core.metric_families()

    def render(self, accept: str = "") -> Tuple[str, bytes]:
        """(content type, body) of a ``/metrics`` response for a scraper's Accept header."""
        return self._core.render(accept)

    def to_prometheus_text(self) -> str:
        return self.render("text/plain")[1].decode()

    def to_openmetrics(self) -> str:
        return self.render("application/openmetrics-text; version=1.0.0")[1].decode()

    def promql(self, stage: str, metric: str) -> str:
        """The PromQL expression of a stage's metric id in this monitor's exposition."""
        return self._core.promql(stage, metric)

    def prometheus_rules(self, group: str = "driftscope", interval: Any = None) -> str:
        """Every stage's alert rules as one Prometheus alerting-rule file (a group
        ``<group>_<stage>`` per stage with rules), each reading its metric from this monitor's
        exposition (:meth:`promql`), references resolved, labelled with the stage: Prometheus
        scraping ``/metrics`` then alerts as the stages do. ``interval``: the groups'
        evaluation interval (default: Prometheus' global one)."""
        ns = 0 if interval is None else _duration_ns(interval, "PipelineMonitor.prometheus_rules", "interval")
        return self._core.prometheus_rules(str(group), ns)

    def serve(self, port: int = 0, addr: str = "127.0.0.1", path: str = "/metrics") -> Any:
        """Serves ``GET /metrics`` in a background thread (see ``serve_metrics``)."""
        from ._exposition import serve_metrics

        return serve_metrics(self.metric_families, port=port, addr=addr, path=path)

    def __repr__(self) -> str:
        return f"PipelineMonitor(stages={self.stage_names})"


def _is_table(x: Any) -> bool:
    mod = type(x).__module__.split(".")[0]
    return mod in ("pandas", "pyarrow") and hasattr(x, "columns") or (
        isinstance(x, Mapping) and any(np.ndim(v) == 1 for v in x.values())
    )


class Monitor:
    """A model service's monitor: an ``input`` stage for the request's features and an
    ``output`` stage for the model's outputs, latency and errors, as a
    :class:`PipelineMonitor` of two stages.

    ``inputs`` / ``outputs``: field names (numerical), or taken with their types from
    ``reference_inputs`` / ``reference_outputs`` tables (numeric dtypes are numerical, the
    rest categorical; the references also give the rules their reference values). ``rules``
    go to the stage whose fields they name (``requests``, ``errors``, ``latency`` and ratio
    metrics: the output stage). ``lengths`` (text / sequence inputs whose len() is monitored)
    and ``derived`` (name -> function of the request's inputs, e.g. image brightness) add
    fields to the input stage. Other keyword arguments go to both :class:`Stage` s.

    ``observe(inputs, outputs, latency=..., error=..., timestamp=...)`` takes one request
    (mappings or sequences) or a batch (tables: pandas, pyarrow or dicts of arrays).
    """

    def __init__(
        self,
        inputs: Optional[Sequence[str]] = None,
        outputs: Optional[Sequence[str]] = None,
        *,
        reference_inputs: Any = None,
        reference_outputs: Any = None,
        rules: Sequence[AlertRule] = (),
        ratios: Union[Sequence[str], Mapping[str, Any]] = (),
        window: Any = "1m",
        on_event: Optional[Callable[[str, AlertEvent], Any]] = None,
        latency_buckets: Sequence[float] = DEFAULT_LATENCY_BUCKETS,
        process_metrics: bool = True,
        lengths: Sequence[str] = (),
        derived: Optional[Mapping[str, Callable[[Any], Any]]] = None,
        **stage_options: Any,
    ) -> None:
        fn = "Monitor"
        extra = [str(f) for f in lengths] + [str(f) for f in (derived or {})]
        in_num, in_cat = self._fields(inputs, reference_inputs, fn, "inputs", exclude=extra)
        out_num, out_cat = self._fields(outputs, reference_outputs, fn, "outputs")
        input_fields = set(in_num) | set(in_cat) | set(extra)
        in_rules, out_rules = [], []
        for r in rules:
            field = r.metric.split(":", 1)[0]
            (in_rules if field in input_fields else out_rules).append(r)
        stage_in = Stage("input", in_num, in_cat, (), window, in_rules, reference_inputs, lengths=lengths,
                         derived=derived, **stage_options)
        stage_out = Stage("output", out_num, out_cat, ratios, window, out_rules, reference_outputs, **stage_options)
        self._pipe = PipelineMonitor(
            [stage_in, stage_out], latency_buckets=latency_buckets, process_metrics=process_metrics, on_event=on_event
        )

    @staticmethod
    def _fields(
        names: Optional[Sequence[str]], reference: Any, fn: str, what: str, exclude: Sequence[str] = ()
    ) -> Tuple[List[str], List[str]]:
        if reference is None:
            return ([str(n) for n in names if str(n) not in exclude] if names is not None else []), []
        from .report import _inspect

        cols, raw, n = table_columns(reference, None, fn, f"reference_{what}")
        wanted = [c for c in ([str(c) for c in names] if names is not None else cols) if c not in exclude]
        lacking = [c for c in wanted if c not in cols]
        if lacking:
            raise ValueError(f"{fn}: reference_{what} lacks the fields {lacking}")
        by_name = dict(zip(cols, raw))
        num, cat = [], []
        for c in wanted:
            kind, payload = _inspect(by_name[c])
            if kind == "error":
                raise ValueError(f"{fn}: reference_{what} column {c!r}: {payload}")
            (cat if kind == "categorical" else num).append(c)
        return num, cat

    @property
    def pipeline(self) -> PipelineMonitor:
        return self._pipe

    def observe(
        self,
        inputs: Any,
        outputs: Any = None,
        *,
        latency: Any = None,
        error: Any = False,
        timestamp: Any = None,
    ) -> List[AlertEvent]:
        """One request (mappings / sequences of values) or a batch (tables). ``latency`` in
        seconds (one per request for a batch), ``error`` whether the request failed."""
        stage_in, stage_out = self._pipe.stage(0), self._pipe.stage(1)
        if _is_table(inputs):
            _, _, n = table_columns(inputs, None, "Monitor.observe", "inputs")
            ts = timestamps_ns(timestamp, n, "Monitor.observe") if timestamp is not None and np.ndim(timestamp) else None
            if ts is None:
                ts = np.full(n, _timestamp_ns(timestamp, "Monitor.observe"), np.int64)
            events = stage_in.observe_many(inputs, timestamps=ts)
            out_kwargs: Dict[str, Any] = dict(timestamps=ts)
            if latency is not None:
                out_kwargs["latencies"] = np.broadcast_to(np.asarray(latency, dtype=np.float64), (n,))
            if error is not None and np.any(error):
                out_kwargs["errors"] = np.broadcast_to(np.asarray(error, dtype=bool), (n,))
            if outputs is None:
                if stage_out._numeric or stage_out._categorical:
                    raise ValueError("Monitor.observe: outputs are required for the output fields")
                events += stage_out.observe_many(**out_kwargs)
            else:
                events += stage_out.observe_many(outputs, **out_kwargs)
            return events
        ts1 = _timestamp_ns(timestamp, "Monitor.observe")
        lengths = None
        if stage_in._lengths:
            if not isinstance(inputs, Mapping):
                raise ValueError("Monitor.observe: give a mapping by field name when there are length fields")
            lengths = {f: inputs.get(f) for f in stage_in._lengths}
        events = stage_in.observe(
            *self._split(stage_in, inputs), timestamp=ts1, lengths=lengths,
            input=inputs if stage_in._derived else None,
        )
        num, cat = self._split(stage_out, outputs)
        events += stage_out.observe(num, cat, latency=latency, error=bool(error), timestamp=ts1)
        return events

    @staticmethod
    def _split(stage: _StageAPI, values: Any) -> Tuple[Any, Any]:
        if values is None:
            return None, None
        if not isinstance(values, Mapping):
            if not stage._numeric and not stage._categorical:
                return None, None  # e.g. a raw input that only derived fields read
            if stage._categorical:
                raise ValueError("Monitor.observe: give a mapping by field name when there are categorical fields")
            if np.ndim(values) == 0:
                values = [values]
            return list(values), None
        return (
            {f: values.get(f) for f in stage._numeric} if stage._numeric else None,
            {f: values.get(f) for f in stage._categorical} if stage._categorical else None,
        )

    def serialize_state(self) -> bytes:
        return self._pipe.serialize_state()

    def restore_state(self, state: bytes) -> None:
        self._pipe.restore_state(state)

    def merge(self, other: "Monitor") -> None:
        """Adds another worker's Monitor (same configuration) into this one (see :meth:`Stage.merge`)."""
        if not isinstance(other, Monitor):
            raise ValueError(f"Monitor.merge: other must be a Monitor, got {type(other).__name__}")
        self._pipe.merge(other._pipe)

    def add_ratio(self, ratio: str, numerator: int, denominator: int, timestamp: Any = None) -> List[AlertEvent]:
        """Adds to a ratio of the output stage (clicks / impressions, retries / requests)."""
        return self._pipe.stage(1).add_ratio(ratio, numerator, denominator, timestamp)

    def advance(self, timestamp: Any = None) -> List[AlertEvent]:
        return self._pipe.advance(timestamp)

    @property
    def first_alarm(self) -> Optional[Tuple[str, AlertEvent]]:
        return self._pipe.first_alarm

    def render(self, accept: str = "") -> Tuple[str, bytes]:
        return self._pipe.render(accept)

    def serve(self, port: int = 0, addr: str = "127.0.0.1", path: str = "/metrics") -> Any:
        return self._pipe.serve(port, addr, path)

    def __repr__(self) -> str:
        s_in, s_out = self._pipe.stage(0), self._pipe.stage(1)
        return (
            f"Monitor(inputs={s_in._numeric + s_in._categorical}, outputs={s_out._numeric + s_out._categorical})"
        )
