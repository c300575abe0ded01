"""Drift detectors for binary streams (1 = error, 0 = correct), as river's
``drift.binary``: DDM, EDDM, HDDM_A, HDDM_W, FHDDM; plus, from MOA, EWMAChart (ECDD),
STEPD and RDDM. Input other than 0 / 1 (or False / True) raises ``ValueError``.
"""

from __future__ import annotations

from .. import _core

_NAMES = ["DDM", "EDDM", "HDDM_A", "HDDM_W", "FHDDM", "EWMAChart", "STEPD", "RDDM"]

for _name in _NAMES:
    globals()[_name] = getattr(_core, _name)

__all__ = list(_NAMES)

# river's spellings, so `from river.drift.binary import HDDMA` ports unchanged
HDDMA = HDDM_A  # noqa: F821  (bound in the loop above)
HDDMW = HDDM_W  # noqa: F821
