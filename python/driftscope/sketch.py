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

__all__ = ["HistogramSketch", "Moments", "KLLSketch", "SketchKSResult", "ks_test"]


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
