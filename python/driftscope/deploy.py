"""Deployment patterns from the seed notes: canary, shadow and blue-green routing, and the
ladder of automation (C++ ``include/driftscope/deploy/``).

* :class:`Router` — sticky assignment of a request or user id to basis points by
  MurmurHash3 x86_32 (the public reference algorithm, seeded by the hash of a
  per-experiment ``salt``): an id is in the canary when its bucket is below
  ``canary_weight`` (percent, two decimals), so ramps are monotone — who was in at 5 % stays
  in at 25 %; mirroring to a shadow model with its own salt (``shadow_weight``); blue /
  green environments with ``promote()`` (cut-over) and ``rollback()``. C++ services and
  Python pipelines assign every id alike.
* :class:`AutomationPolicy` — human only → shadow → assist → partial(threshold) → full:
  ``decide(confidence)`` says whether the model runs, whether its output is used or shown,
  and whether a human decides (below the threshold under ``partial``), counting each path.
* :class:`ShadowComparator` — a model in shadow mode beside the live decision (a human's or
  the old model's), request by request: the k x k table, agreement with a Wilson interval,
  Cohen's kappa with its standard errors, McNemar (exact / chi-square with continuity
  correction), Bowker's symmetry and Stuart-Maxwell's homogeneity (statsmodels' results,
  ``SquareTable(shift_zeros=False)``), and with labels (given at once or later by request
  id) each side's accuracy and McNemar's test of their difference. Mergeable, pickles.
* :class:`ShadowRegression` — the same for regressors on d = shadow - live: paired t with the
  mean's interval (``scipy.stats.ttest_rel``), Bland-Altman limits, the Wilcoxon signed-rank
  test of the most recent differences (``scipy.stats.wilcoxon`` defaults), and with labels the
  squared-loss difference (paired t and Diebold-Mariano).
* :class:`MSPRTGate` — continuous monitoring of a canary without peeking bias: the mixture
  SPRT's always-valid p-value for the difference of two arms' means or rates (Johari et al.
  2017); ``update(a=..., b=...)`` after every batch, ``reject`` once p <= alpha.
* :class:`RampController` — the canary ramp: explicit steps ([1, 2, 10, 80]) or step_weight up
  to max_weight, an optional mirrored step first, intervals per step, a failed-check
  threshold, blue-green iterations; ``next(score, gate_failed)`` after each analysis interval
  says advance / hold / promote / rollback, with the weight and the reason.
* :class:`CanaryJudge` — Kayenta-compatible automated canary analysis: per :class:`CanaryMetric` a
  Mann-Whitney classification of the canary's samples against the baseline's (the
  Hodges-Lehmann shift's interval at ``confidence`` 0.98 against bounds of ``tolerance`` 0.25
  times the estimate; High / Low / Pass / Nodata / NodataFailMetric), with direction, NaN
  strategy, IQR outlier removal, mean-ratio effect-size limits, critical / must-have-data /
  report-only metrics; then group-weighted scores, a summary score in [0, 100] and a pass /
  marginal / fail verdict (:class:`JudgeResult`, ``to_json()`` for Argo Rollouts' ``web``
  provider). :class:`CanaryAnalysis` aggregates intervals: any interim score at or below
  marginal aborts, the last score decides. :class:`JudgeEndpoint` serves the latest result over
  HTTP for Argo Rollouts (``/canary``, JSON), Flagger (``/canary/gate`` webhook, ``/metrics``).
* :func:`murmur3_x86_32`, :func:`assignment_bucket` — the hash and the bucket (as
  ``mmh3.hash(key, seed, signed=False)``).

Example::

    from driftscope.deploy import Router

    r = Router(salt="ranker-v7", canary_weight=5, shadow_weight=10)
    d = r.route("user-1234")     # d.arm: 'baseline' | 'canary'; d.mirror: also to the shadow
    r.canary_weight = 25         # ramp: the 5 % stay in
    r.promote()                  # cut over: the canary's environment becomes active
"""

from __future__ import annotations

from ._core import (
    AccuracyDifference,
    ArmStats,
    AutomationDecision,
    AutomationPolicy,
    KappaResult,
    RouteDecision,
    Router,
    BlandAltman,
    LossDifference,
    MSPRTGate,
    PairedTResult,
    RampController,
    RampDecision,
    ShadowComparator,
    ShadowRegression,
    ShadowTestResult,
    WilcoxonResult,
    assignment_bucket,
    murmur3_x86_32,
)
from ._core import ArmSummary, CanaryAnalysis, CanaryJudge, CanaryMetric, GroupScore, JudgeResult, MetricResult
from ._canary_server import JudgeEndpoint

__all__ = ["Router", "RouteDecision", "AutomationPolicy", "AutomationDecision", "ShadowComparator", "KappaResult",
           "ShadowTestResult", "AccuracyDifference", "ShadowRegression", "PairedTResult", "BlandAltman",
           "WilcoxonResult", "LossDifference", "MSPRTGate", "RampController", "RampDecision", "murmur3_x86_32",
           "assignment_bucket", "ArmStats", "CanaryMetric", "CanaryJudge", "JudgeResult", "MetricResult", "GroupScore",
           "ArmSummary", "CanaryAnalysis", "JudgeEndpoint"]
