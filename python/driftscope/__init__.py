"""driftscope: data- and concept-drift statistics on a SIMD-tuned C++ core.

The scipy-named functions keep scipy's names, parameters and defaults::

    from driftscope import ks_2samp, wasserstein_distance, jensenshannon

and the drift-level API adds binned statistics and prepared references::

    from driftscope import psi, js_distance, ReferenceProfile

``compare(reference, current)`` reports drift column by column for whole data sets, and
:mod:`driftscope.drift` holds the online change detectors (river's names and detections),
:mod:`driftscope.evaluate` the detection metrics (MTD, MTFA, MDR, MTR, F1),
:mod:`driftscope.window` windowed statistics over a stream against a reference,
:mod:`driftscope.sketch` mergeable summaries (histogram, moments, KLL quantiles) and
:mod:`driftscope.monitor` the multi-column ``StreamMonitor`` with thresholds and alarms,
:mod:`driftscope.concept` structural-change tests and the streaming ``ResidualMonitor`` on regression
residuals (concept drift), :mod:`driftscope.shape` drift typing (sudden / incremental / mixing),
:mod:`driftscope.deploy` canary / shadow / blue-green routing and the ladder of automation.
"""

from . import _core, stats
from .stats import *  # noqa: F403  (the package's public names are exactly stats.__all__)
from . import concept, deploy, drift, evaluate, monitor, report, shape, sketch, window
from .report import ColumnDrift, DriftReport, compare, report_tests

__version__: str = _core.__version__

__all__ = ["__version__", *stats.__all__, *report.__all__]
