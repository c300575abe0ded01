"""Drift typing: was a change sudden or gradual?

After a detector or monitor alarms, :func:`classify_drift` looks at the trajectory of what
it monitors — block means of residuals, score components, or a sliding-window
statistic's values, equally spaced at positions ``j = 0 .. n-1`` — and fits three
piecewise models by least squares:

* **step** (``sudden``): ``mu0`` for ``j < tau``, ``mu1`` for ``j >= tau``; k = 3
  parameters (``mu0, mu1, tau``). A step that falls inside a unit (one value part-way
  between the levels) is a step too.
* **ramp** (``incremental``): ``mu0 + (mu1 - mu0) * clip((j - tau) / L, 0, 1)``; k = 4
  (``mu0, mu1, tau, L``), searched over every integer ``tau`` and ``L >= 2`` and then
  refined to 0.1 unit.
* **two-step** (``mixing``): ``mu0`` before ``tau1``, a plateau ``mu_m`` on
  ``[tau1, tau2)``, ``mu1`` from ``tau2``; k = 5. Old and new concept interleaved at a
  roughly constant share. It is a candidate only when the plateau lies 20–80 % of the way
  from ``mu0`` to ``mu1`` (``mixing_share``) and lasts at least 2 units.

The model with the smallest Bayesian information criterion
``BIC = n ln(RSS / n) + k ln n`` wins (Schwarz 1978; ties go to fewer parameters). A
gradual fit whose duration is at most ``min_duration`` units is labelled ``sudden``.
Every candidate costs O(1) from prefix sums, so a call is O(n²): about 0.3 ms for
n = 400.

``smoothing=s`` says the values are trailing moving averages over ``s`` units (a sliding
window of ``s`` strides): a sudden change then looks like a ramp of length ``s``. It is
labelled sudden when the fitted ``L - s <= min_duration``; otherwise the reported
duration is ``sqrt(L**2 - s**2)`` (exact for a step and for ramps much longer than ``s``).

Example::

    from driftscope.shape import classify_drift

    shape = classify_drift(block_means)
    print(shape.kind, shape.onset, shape.duration, shape.rate)
"""

from ._core import DriftShape, classify_drift

__all__ = ["DriftShape", "classify_drift"]
