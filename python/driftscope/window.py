"""Windows over a stream: the current window's statistics against a reference, updated
value by value.

:class:`HistogramWindow` keeps the bin counts of the current window against fixed
reference bins (a :class:`~driftscope.ReferenceProfile`'s edges, or a 1-D reference
binned like :func:`driftscope.stats.psi`) and gives PSI, Jensen-Shannon, Hellinger and
total variation distances of the window in O(bins), updated in O(1) per value.
:class:`EcdfWindow` keeps the window's values for the exact two-sample KS test and the
Wasserstein distance against a prepared reference (each evaluation equals
``scipy.stats.ks_2samp`` / ``wasserstein_distance`` on the window's values). Window
kinds: ``sliding`` (``size``, ``stride``), ``tumbling`` (``size``), ``time``
(``duration``, ``stride`` in int nanoseconds, timestamps required) and ``decaying``
(``half_life`` in values, exponential forgetting).

All arithmetic happens in the compiled core (:mod:`driftscope._core`).
"""

from __future__ import annotations

from ._core import EcdfWindow, EcdfWindowEvaluations, HistogramWindow, WindowEvaluations

__all__ = ["EcdfWindow", "EcdfWindowEvaluations", "HistogramWindow", "WindowEvaluations"]
