"""Concept drift from regression residuals: batch structural-change tests.

Every function regresses ``y`` on ``[1, X]``: the intercept column is prepended for you
(do not include a constant column in ``X``). ``X`` is 2-D ``(n, p)`` or 1-D (one
regressor); arrays are converted to float64 and the work runs without the GIL.

* :func:`ols_fit` — OLS by column-pivoted Householder QR; a constant column, collinear
  columns, NaN / inf, or ``n <= p + 1`` raise ``ValueError`` naming the column or row.
* :func:`recursive_residuals` — recursive residuals of Brown, Durbin & Evans (1975) by
  rank-1 (Sherman–Morrison) updates, O(k²) per value; the fields equal
  ``statsmodels.stats.diagnostic.recursive_olsresiduals(OLS(y, add_constant(X)).fit(),
  skip=k)`` (``rresid``, ``rparams``, ``rypred``, ``rresid_standardized``,
  ``rresid_scaled``, ``rcusum``) with k = p + 1.
* :func:`rec_cusum_test` — Rec-CUSUM: crossing of ±a·sqrt(n−k)·(1 + 2j/(n−k)),
  a = 0.850 / 0.948 / 1.143 at alpha = 0.10 / 0.05 / 0.01; statistic = the smallest a
  the path touches, p-value 2[1 − Φ(3a) + exp(−4a²)Φ(a)].
* :func:`cusum_squares_test` — CUSUM of squares of the recursive residuals against
  j/(n−k) ± c0, c0 from the Edgerton & Wells (1994) approximation of Durbin's (1969)
  table (as statsmodels' ``RecursiveLS``).
* :func:`ols_cusum_test` / :func:`ols_cusum_from_residuals` — OLS-residual CUSUM of
  Ploberger & Krämer (1992) with the Kolmogorov p-value, equal to
  ``statsmodels.stats.diagnostic.breaks_cusumolsresid(resid, ddof=k)``.
* :func:`chow_test` — Chow F test at a given break (segments ``[0, b)`` and ``[b, n)``).
* :func:`sup_f_test` — the Chow F at every break in ``[trim·n, (1 − trim)·n]``, its maximum
  and location, O(n·k²) by Givens updates; Andrews (1993, 2003) critical values at
  10 / 5 / 1 % for trim 0.15 and k ≤ 10.

Streaming (issue 6 §2): :class:`ResidualMonitor` fits OLS on a reference window
(``ResidualMonitor(X_ref, y_ref)``) or takes a deployed model's reference residuals
(``ResidualMonitor.from_predictions(y_true, y_pred, X=None)``), then monitors every new
observation with ``update(x, y)`` / ``update(y_true, y_pred, x=None)`` (by mode) or
``update_many`` (no GIL): a residual CUSUM against the Chu–Stinchcombe–White boundary,
a whitened score CUSUM per regressor, an optional MOSUM, a CUSUM of squared residuals
for the noise level, and recursive least squares with forgetting that tracks the new
coefficients. After the first alarm the drift is typed (``drift``: sudden /
incremental / mixing, onset, duration, magnitude). Alarms are :class:`ResidualAlarm`,
the type a :class:`ResidualDrift`; the monitor pickles through ``to_bytes``.

Example::

    from driftscope import concept

    t = concept.rec_cusum_test(X, y, alpha=0.05)
    if t.crossing:
        print("break near row", t.first_crossing)
"""

from ._core import (
    ChowResult,
    OlsCusumResult,
    OLSResult,
    RecursiveResidualsResult,
    ResidualAlarm,
    ResidualDrift,
    ResidualMonitor,
    StructuralTestResult,
    SupFResult,
    chow_test,
    cusum_squares_test,
    ols_cusum_from_residuals,
    ols_cusum_test,
    ols_fit,
    rec_cusum_test,
    recursive_residuals,
    sup_f_test,
)

__all__ = [
    "ChowResult",
    "OlsCusumResult",
    "OLSResult",
    "RecursiveResidualsResult",
    "ResidualAlarm",
    "ResidualDrift",
    "ResidualMonitor",
    "StructuralTestResult",
    "SupFResult",
    "chow_test",
    "cusum_squares_test",
    "ols_cusum_from_residuals",
    "ols_cusum_test",
    "ols_fit",
    "rec_cusum_test",
    "recursive_residuals",
    "sup_f_test",
]
