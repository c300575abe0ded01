"""Scoring change detectors against known drifts.

:func:`detection_metrics` compares the positions where a detector signalled drift with
the positions (or intervals) of the true drifts of a stream and reports the measures of
CD-MOA (Bifet et al. 2013, "CD-MOA: change detection framework for massive online
analysis") and of Gama et al. 2014 ("A survey on concept drift adaptation", section 6):
mean time to detection (MTD), mean time between false alarms (MTFA), missed detection
rate (MDR) and the mean time ratio MTR = MTFA / MTD * (1 - MDR); plus true / false
positives, precision, recall, F1 and false alarms per 1,000 values. river 0.26 has no
drift-evaluation module to follow (``river.drift`` holds detectors and annotated
change-point datasets; ``river.evaluate`` scores predictive models), so the rules are
stated here in full. The computation is C++ (``include/driftscope/detect/evaluation.hpp``)::

    from driftscope import drift, evaluate

    found = drift.PageHinkley().update_many(x)           # a DetectionResult
    m = evaluate.detection_metrics([1000, (3000, 3500)], found, n=len(x), max_delay=500)
    m.mtd, m.mtfa, m.mdr, m.f1, m.delays

Definitions (positions are 0-based indices into a stream of ``n`` values):

* A true drift is a position ``t`` (abrupt: the value at ``t`` is the first of the new
  concept) or a pair ``(start, end)``: a gradual drift whose transition holds the values
  ``start .. end - 1``; ``t`` is the same as ``(t, t)``. True drifts are sorted and do not
  overlap (each starts after the previous one starts and not before it ends).
* The detection window of drift ``i`` is ``[start_i, min(end_i + max_delay, start_{i+1}, n))``:
  an abrupt drift at ``t`` is found by a detection at ``t .. t + max_delay - 1``. A window
  stops where the next drift starts. ``max_delay=None`` (the default) runs each window to
  the next drift or the end of the stream.
* The first detection in a window is a true positive; its delay is ``detection - start``
  (0 = flagged at the first changed value; gradual drifts count from the start of the
  transition). Every other detection is a false alarm: those outside all windows and the
  second, third, ... detection inside one window.
* ``mtd`` = mean delay of the detected drifts (NaN if none was detected).
* ``mtfa`` = ``n / false_positives``: values per false alarm, the inverse of CD-MOA's false
  alarm rate (inf without false alarms).
* ``mdr`` = missed drifts / true drifts (NaN without true drifts); ``recall = 1 - mdr``.
* ``mtr`` = ``mtfa / mtd * (1 - mdr)``: NaN when nothing was detected, inf when a drift was
  detected and there are no false alarms or the mean delay is 0.
* ``precision`` = true positives / detections (NaN without detections);
  ``f1 = 2 TP / (2 TP + FP + FN)`` (0 when nothing was found, NaN with neither drifts
  nor detections); ``false_alarms_per_1000 = 1000 * FP / n``.

:func:`merge` pools the results of several streams (e.g. seeded repetitions): counts,
delays and lengths add, so ``mtd`` is the mean over all detected drifts and ``mtfa`` the
total length over all false alarms.

Invalid input raises ``ValueError`` naming the argument: positions that are negative, not
integers, or ``>= n``; unsorted or overlapping true drifts; detections that are not strictly
increasing; ``n < 1`` or ``max_delay < 1``.
"""

from __future__ import annotations

import numbers
import operator
from typing import Any, Iterable, Optional, Sequence, Tuple, Union

import numpy as np

from . import _core

__all__ = ["DetectionMetrics", "detection_metrics", "merge"]

DetectionMetrics = _core.DetectionMetrics

_FN = "detection_metrics"


def _is_int(v: Any) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_))


def _int_arg(v: Any, name: str) -> int:
    if not _is_int(v):
        raise ValueError(f"{_FN}: {name} must be an integer, got {v!r}")
    return operator.index(v)


def _int_array(a: np.ndarray, name: str) -> np.ndarray:
    if a.size and a.dtype.kind not in "iu":
        raise ValueError(f"{_FN}: {name} must hold integer positions, got dtype {a.dtype}")
    if a.dtype.kind == "u" and a.size and int(a.max()) > np.iinfo(np.int64).max:
        raise ValueError(f"{_FN}: {name} holds a position beyond the int64 range")
    return np.ascontiguousarray(a, dtype=np.int64)


def _true_drifts(true_drifts: Any) -> Tuple[np.ndarray, np.ndarray]:
    if isinstance(true_drifts, np.ndarray):
        a = true_drifts
        if a.ndim == 1:
            a = _int_array(a, "true_drifts")
            return a, a
        if a.ndim == 2 and a.shape[1] == 2:
            a = _int_array(a, "true_drifts")
            return np.ascontiguousarray(a[:, 0]), np.ascontiguousarray(a[:, 1])
        raise ValueError(f"{_FN}: true_drifts must be 1-D (positions) or of shape (k, 2) (intervals), "
                         f"got shape {a.shape}")
    if isinstance(true_drifts, (str, bytes)) or not isinstance(true_drifts, Iterable):
        raise ValueError(f"{_FN}: true_drifts must be a sequence of positions or (start, end) pairs, "
                         f"got {true_drifts!r}")
    starts, ends = [], []
    for i, d in enumerate(true_drifts):
        if _is_int(d):
            starts.append(int(d))
            ends.append(int(d))
            continue
        pair = None
        if not isinstance(d, (str, bytes)) and isinstance(d, (Sequence, np.ndarray)) and len(d) == 2:
            pair = (d[0], d[1])
        if pair is None or not (_is_int(pair[0]) and _is_int(pair[1])):
            raise ValueError(f"{_FN}: true_drifts[{i}] must be a position (int) or a (start, end) pair of "
                             f"ints, got {d!r}")
        starts.append(int(pair[0]))
        ends.append(int(pair[1]))
    return _positions_array(starts, "true_drifts"), _positions_array(ends, "true_drifts")


def _positions_array(values: Sequence[int], name: str) -> np.ndarray:
    lo, hi = np.iinfo(np.int64).min, np.iinfo(np.int64).max
    for i, v in enumerate(values):
        if not lo <= v <= hi:
            raise ValueError(f"{_FN}: {name}[{i}] = {v} is out of range")
    return np.asarray(values, dtype=np.int64)


def _detections(detections: Any) -> np.ndarray:
    if isinstance(detections, _core.DetectionResult):
        return np.ascontiguousarray(detections.drifts, dtype=np.int64)
    if isinstance(detections, np.ndarray):
        if detections.ndim != 1:
            raise ValueError(f"{_FN}: detections must be 1-D, got {detections.ndim}-D array")
        return _int_array(detections, "detections")
    if isinstance(detections, (str, bytes)) or not isinstance(detections, Iterable):
        raise ValueError(f"{_FN}: detections must be a sequence of positions or a DetectionResult, "
                         f"got {detections!r}")
    values = list(detections)
    for i, v in enumerate(values):
        if not _is_int(v):
            raise ValueError(f"{_FN}: detections[{i}] must be an integer position, got {v!r}")
    return _positions_array([int(v) for v in values], "detections")


def detection_metrics(
    true_drifts: Union[Sequence[Union[int, Tuple[int, int]]], np.ndarray],
    detections: Any,
    n: int,
    max_delay: Optional[int] = None,
) -> DetectionMetrics:
    """Scores detections against known drifts (definitions: module docstring).

    Parameters
    ----------
    true_drifts
        Positions of abrupt drifts and / or ``(start, end)`` intervals of gradual ones,
        sorted and not overlapping; a 1-D integer array (positions) or a ``(k, 2)`` array
        (intervals). May be empty.
    detections
        Strictly increasing positions where drift was signalled, or a ``DetectionResult``
        from a detector's ``update_many`` (its ``drifts`` are used). May be empty.
    n
        Length of the stream (>= 1); every position must be ``< n``.
    max_delay
        A drift counts as detected only by a detection fewer than ``max_delay`` values
        after its end (>= 1); ``None`` (default): up to the next drift or the end.

    Returns
    -------
    DetectionMetrics
        ``mtd``, ``mtfa``, ``mdr``, ``mtr``, ``true_positives``, ``false_positives``,
        ``false_negatives``, ``precision``, ``recall``, ``f1``, ``false_alarms_per_1000``,
        per-drift ``detected_at`` and ``delays`` (None when missed), and ``to_dict()``.
    """
    starts, ends = _true_drifts(true_drifts)
    dets = _detections(detections)
    n = _int_arg(n, "n")
    if max_delay is not None:
        max_delay = _int_arg(max_delay, "max_delay")
    return _core._detection_metrics(starts, ends, dets, n, max_delay)


def merge(*results: DetectionMetrics) -> DetectionMetrics:
    """Pools the metrics of several streams (all with the same ``max_delay``): counts,
    delay sums and lengths add; ``detected_at`` / ``delays`` are concatenated."""
    if len(results) == 1 and not isinstance(results[0], DetectionMetrics):
        results = tuple(results[0])  # merge(list_of_results)
    if not results:
        raise ValueError("merge: at least one DetectionMetrics is required")
    for i, r in enumerate(results):
        if not isinstance(r, DetectionMetrics):
            raise ValueError(f"merge: argument {i} must be a DetectionMetrics, got {type(r).__name__}")
    out = results[0]
    for r in results[1:]:
        out = _core._merge_detection_metrics(out, r)
    return out
