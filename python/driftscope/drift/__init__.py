"""Online change detectors with river's names, arguments and detections.

Swap ``from river import drift`` for ``from driftscope import drift``::

    from driftscope import drift

    detector = drift.ADWIN()
    for i, x in enumerate(stream):
        detector.update(x)
        if detector.drift_detected:
            print("drift at", i)

Every detector also takes whole arrays, in C++ with the GIL released::

    result = drift.ADWIN().update_many(np.asarray(stream))
    result.drifts, result.warnings        # int64 positions in the array

Binary detectors (1 = error) live in :mod:`driftscope.drift.binary`, as in river.
Detectors pickle, and ``to_bytes()`` / ``from_bytes()`` save and restore their exact
state. NaN or inf input raises ``ValueError``; construct with ``nonfinite='skip'`` to
ignore such values instead.
"""

from __future__ import annotations

from .. import _core
from . import binary

_NAMES = ["ADWIN", "KSWIN", "PageHinkley", "CUSUM", "GeometricMovingAverage"]

DetectionResult = _core.DetectionResult
for _name in _NAMES:
    globals()[_name] = getattr(_core, _name)

__all__ = ["DetectionResult", "binary", *_NAMES]
