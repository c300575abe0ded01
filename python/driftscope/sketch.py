"""Mergeable summaries for streams: histograms, moments, KLL quantile sketches, and a
Kolmogorov–Smirnov drift test on sketches.

Every summary updates value by value (``update(x)``) or from whole numpy arrays
(``update_many(x)``, float32 / float64 without copy, the GIL released), merges with
another summary of the same configuration (``merge(other)``: the result equals the
summary of both inputs), and saves its exact state as versioned bytes (``to_bytes()`` /
``from_bytes()``; ``pickle`` uses the same bytes). NaN values are counted as missing.

* :class:`HistogramSketch` — counts over fixed interior edges, binned like
  ``numpy.searchsorted(edges, x, side='right')``; exact.
* :class:`Moments` — count, mean, ``variance(ddof)`` / ``std(ddof)`` (as ``numpy.var``),
  min, max: Welford's update, Chan et al. (1979) merge.
* :class:`KLLSketch` — quantiles / ranks / CDF of a stream in O(k) memory (Karnin, Lang &
  Liberty 2016; Apache DataSketches' variant). Normalized rank error at most
  ``2.296 / k**0.9723`` with 99% confidence (DataSketches' empirical bound; k = 200:
  0.0133). Inclusive definitions: ``rank(x)`` estimates the fraction of values ``<= x``;
  ``quantile(r)`` is ``numpy.quantile(..., method='inverted_cdf')`` on the sketch.
* :class:`HyperLogLog` — distinct counts in ``2**p`` bytes (Flajolet et al. 2007 with
  Ertl's 2017 estimator); relative standard error ``1.04 / sqrt(2**p)`` (p = 12: 1.6%).
  Items: str / bytes, int, float (``1``, ``1.0`` and ``"1"`` are three items; a list of
  numbers converts as ``numpy.asarray`` does, so ints mixed with floats count as floats).
* :class:`FrequentItems` — heavy hitters with ``k`` counters (SpaceSaving, Metwally et al.
  2005; merge of Agarwal et al. 2012): ``lower_bound(x) <= count(x) <= upper_bound(x) =
  estimate(x)``, within ``total_weight / k``; every item above ``total_weight / k`` is
  reported. ``top(n)`` / ``items_above(threshold)`` return ``(item, estimate, lower_bound,
  upper_bound)`` tuples, as ``datasketches.frequent_strings_sketch.get_frequent_items``.
* :class:`LatencySketch` — quantiles of non-negative values (latencies) within relative
  error ``relative_accuracy`` (DDSketch, Masson, Rim & Lee 2019; the buckets of
  ``ddsketch.DDSketch``), at most ``max_buckets`` buckets; ``quantile(q)`` is
  ``numpy.quantile(x, q, method='lower')`` within that error; ``count_le(bounds)`` gives
  Prometheus-style cumulative bucket counts. Seconds as floats, or nanoseconds as int /
  ``timedelta64`` arrays (converted to int nanoseconds).
* :func:`ks_test` — KS distance between a sketch and another sketch or an exact
  :class:`~driftscope.ReferenceProfile`, with DataSketches' decision rule
  ``D > c(alpha) * sqrt((n1 + n2) / (n1 * n2)) + eps1 + eps2``.

Example::

    from driftscope import sketch

    ref, cur = sketch.KLLSketch(k=200), sketch.KLLSketch(k=200)
    ref.update_many(reference_values)
    cur.update_many(current_values)
    r = sketch.ks_test(ref, cur, alpha=0.05)
    r.statistic, r.threshold, r.drift
"""

from __future__ import annotations

from typing import Union

from . import _core
from ._core import HistogramSketch, KLLSketch, Moments, ReferenceProfile, SketchKSResult
from ._core import FrequentItems, HyperLogLog, LatencySketch

__all__ = ["HistogramSketch", "Moments", "KLLSketch", "SketchKSResult", "ks_test",
           "HyperLogLog", "FrequentItems", "LatencySketch"]


def ks_test(a: Union[KLLSketch, ReferenceProfile], b: KLLSketch, alpha: float = 0.05) -> SketchKSResult:
    """KS drift decision between sketch ``b`` and ``a`` (a KLLSketch or an exact ReferenceProfile).

    ``statistic`` is the supremum distance between the two (weighted) CDFs over the union
    of their retained items; ``drift`` is ``statistic > threshold`` with ``threshold =
    sqrt(-ln(alpha / 2) / 2) * sqrt((n1 + n2) / (n1 * n2)) + eps`` where ``eps`` is the sum
    of the sketches' normalized rank errors (0 for an exact reference or a sketch that has
    not compacted yet). Rule of Apache DataSketches' ``ks_test``, with the stream sizes
    ``n1``, ``n2`` in the square root where DataSketches uses the retained item counts.
    Raises ValueError for alpha outside (0, 1), an empty sketch, or mismatched types.
    """
    return _core.sketch_ks_test(a, b, alpha)
