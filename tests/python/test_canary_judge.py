"""driftscope.deploy's canary judge and driftscope.stats.hodges_lehmann.

The interval is checked against an oracle written here from R's wilcox.test definition
(the asymptotic two-sample interval Kayenta computes): all m*n differences, the pooled
sample ranked by scipy.stats.rankdata at shifts between consecutive differences, the
continuity-corrected, tie-corrected z statistic, and the first difference at which it
drops to the normal quantile. Percentiles and IQR fences come from numpy.percentile; the
judge's verdicts are written from Kayenta's documented semantics.
"""

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import norm, rankdata

from driftscope.deploy import CanaryAnalysis, CanaryJudge, CanaryMetric
from driftscope.stats import hodges_lehmann


def r_wdiff(x, y, mu, zq):
    m, n = len(x), len(y)
    pooled = np.concatenate([x - mu, y])
    ranks = rankdata(pooled)
    dz = ranks[:m].sum() - m * (m + 1) / 2 - m * n / 2
    _, counts = np.unique(pooled, return_counts=True)
    sigma = math.sqrt(m * n / 12 * ((m + n + 1) - np.sum(counts**3 - counts) / ((m + n) * (m + n - 1))))
    return (dz - 0.5 * np.sign(dz)) / sigma - zq


def r_root(x, y, zq):
    d = np.unique(np.subtract.outer(x, y).ravel())
    if r_wdiff(x, y, d[0], zq) <= 0:
        return d[0]
    if r_wdiff(x, y, d[-1], zq) >= 0:
        return d[-1]
    for a, b in zip(d[:-1], d[1:]):
        if r_wdiff(x, y, (a + b) / 2, zq) <= 0:
            return a
    return d[-1]


samples = st.lists(st.integers(-6, 6) | st.floats(-50, 50, allow_nan=False, width=32), min_size=1, max_size=14)


@given(samples, samples, st.sampled_from([0.8, 0.9, 0.95, 0.98, 0.99]))
def test_hodges_lehmann_matches_r_definition(xs, ys, conf):
    x, y = np.array(xs, dtype=float), np.array(ys, dtype=float)
    if np.unique(x).size == 1 and np.unique(y).size == 1:
        # each arm constant: at the end point x - mu = y everything is tied and R refuses the
        # interval ("all observations are tied"); ours is [d, d] (test_degenerate_arms)
        return
    r = hodges_lehmann(x, y, confidence=conf)
    z = norm.ppf(0.5 + conf / 2)
    assert r.estimate == np.median(np.subtract.outer(x, y))
    assert r.lower == r_root(x, y, z)
    assert r.upper == r_root(x, y, -z)
    assert (r.n1, r.n2, r.confidence) == (len(x), len(y), conf)


def test_degenerate_arms():
    r = hodges_lehmann([2.0, 2.0], [0.5], confidence=0.98)
    assert (r.estimate, r.lower, r.upper) == (1.5, 1.5, 1.5)


def test_hodges_lehmann_large_samples_and_nan():
    rng = np.random.default_rng(5)
    x, y = rng.normal(1, 2, 700), rng.normal(0, 2, 500)
    d = np.sort(np.subtract.outer(x, y).ravel())
    r = hodges_lehmann(x, y, 0.98)
    assert r.estimate == np.median(d)
    assert r.lower in d and r.upper in d
    # the bounds sit at the order statistics the normal approximation names (no ties here)
    sigma = math.sqrt(700 * 500 / 12 * (1201))
    k_lo = math.ceil(d.size / 2 - 0.5 - norm.ppf(0.99) * sigma)
    assert r.lower == d[k_lo - 1]
    x[3] = np.nan
    assert hodges_lehmann(x, y).n1 == 699
    with pytest.raises(ValueError, match="x is empty"):
        hodges_lehmann([], y)
    with pytest.raises(ValueError, match="infinite"):
        hodges_lehmann(x, [1.0, np.inf])
    with pytest.raises(ValueError, match="confidence"):
        hodges_lehmann(x, y, confidence=1.5)


def latency(rng, n, scale=1.0):
    return scale * rng.lognormal(math.log(100), 0.2, n)


def test_judge_labels_and_scores():
    rng = np.random.default_rng(1)
    base, same, slow = latency(rng, 100), latency(rng, 100), latency(rng, 100, 1.5)
    judge = CanaryJudge(
        [CanaryMetric("p50", "latency"), CanaryMetric("p99", "latency"), CanaryMetric("errors", "errors")],
        group_weights={"latency": 60, "errors": 40},
    )
    ok = judge.judge({"p50": (same, base), "p99": (same, base), "errors": (same, base)})
    assert ok.score == 100 and ok.verdict == "pass"
    r = judge.judge({"p50": (same, base), "p99": (slow, base), "errors": (base.copy(), base)})
    assert [m.classification for m in r.metrics] == ["Pass", "High", "Pass"]
    assert r.metrics[2].reason.endswith("identical")
    assert r.score == pytest.approx(0.6 * 50 + 0.4 * 100)
    assert r.verdict == "fail"
    high = r.metrics[1]
    assert high.lower > 0.25 * high.estimate and high.ratio == pytest.approx(slow.mean() / base.mean())
    assert high.estimate == np.median(np.subtract.outer(slow, base))
    d = r.to_dict()
    assert d == json.loads(r.to_json())
    assert d["score"] == r.score and d["verdict"] == "fail" and d["pass"] is False
    assert [g["name"] for g in d["groups"]] == ["latency", "errors"]
    assert d["metrics"][1]["classification"] == "High" and d["metrics"][2]["estimate"] is None
    assert d["metrics"][1]["canary"]["count"] == 100


def test_judge_direction_nodata_critical_and_report_only():
    rng = np.random.default_rng(2)
    base, slow = latency(rng, 80), latency(rng, 80, 1.5)
    nan = np.full(10, np.nan)
    metrics = [
        CanaryMetric("throughput", "traffic", direction="decrease"),
        CanaryMetric("errors", "errors", nan_strategy="remove"),
        CanaryMetric("cpu", "errors", criticality="report_only"),
    ]
    r = CanaryJudge(metrics).judge({"throughput": (slow, base), "errors": (nan, base), "cpu": (slow, base)})
    assert [m.classification for m in r.metrics] == ["Pass", "Nodata", "High"]
    assert r.groups[1].no_data and r.groups[1].n_nodata == 1
    # groups share 100 equally; the group without data costs its half
    assert r.score == pytest.approx(50) and r.verdict == "fail"
    metrics[1] = CanaryMetric("errors", "errors", nan_strategy="remove", criticality="critical")
    r = CanaryJudge(metrics).judge({"throughput": (slow, base), "errors": (nan, base), "cpu": (slow, base)})
    assert r.critical_failure and r.score == 0 and "errors" in r.reason
    metrics[1] = CanaryMetric("errors", "errors", must_have_data=True)
    r = CanaryJudge(metrics).judge({"throughput": (slow, base), "errors": ([], base), "cpu": (slow, base)})
    assert r.metrics[1].classification == "NodataFailMetric" and r.groups[1].score == 0


def test_outlier_fences_match_numpy_percentiles():
    rng = np.random.default_rng(9)
    for _ in range(20):
        x = np.concatenate([rng.normal(0, 1, rng.integers(5, 200)), rng.normal(0, 40, 3)])
        q1, q3, p1, p99 = np.percentile(x, [25, 75, 1, 99])
        lower, upper = min(p1, q1 - 3 * (q3 - q1)), max(p99, q3 + 3 * (q3 - q1))
        kept = x[(x >= lower) & (x <= upper)]
        judge = CanaryJudge([CanaryMetric("m", remove_outliers=True)])
        r = judge.classify("m", x, x + 0.5)
        assert r.canary.outliers == x.size - kept.size
        assert r.canary.count == kept.size
        assert r.canary.mean == pytest.approx(kept.mean(), rel=1e-12)
        assert r.canary.median == pytest.approx(np.median(kept), rel=1e-12, abs=1e-12)


def test_canary_analysis_aggregates_intervals():
    run = CanaryAnalysis(intervals=3)
    assert run.add(90.0) == "running"
    assert run.add(100.0) == "running"
    assert run.add(96.0) == "passed" and run.scores == [90.0, 100.0, 96.0]
    run = CanaryAnalysis(intervals=3)
    assert run.add(100.0) == "running" and run.add(75.0) == "failed" and "aborted" in run.reason
    with pytest.raises(RuntimeError, match="ended"):
        run.add(100.0)
    rng = np.random.default_rng(3)
    base, slow = latency(rng, 50), latency(rng, 50, 2)
    judge = CanaryJudge([CanaryMetric("p99", criticality="critical")])
    run = CanaryAnalysis(intervals=5)
    assert run.add(judge.judge({"p99": (slow, base)})) == "failed" and "critical" in run.reason


def test_bad_input():
    with pytest.raises(ValueError, match="direction must be one of 'either', 'increase', 'decrease'"):
        CanaryMetric("m", direction="up")
    with pytest.raises(ValueError, match="nan_strategy"):
        CanaryMetric("m", nan_strategy="drop")
    with pytest.raises(ValueError, match="criticality"):
        CanaryMetric("m", criticality="muted")
    with pytest.raises(ValueError, match="allowed_increase"):
        CanaryMetric("m", allowed_increase=0.9)
    with pytest.raises(ValueError, match="name must not be empty"):
        CanaryMetric("")
    m = [CanaryMetric("a"), CanaryMetric("b", "g2")]
    with pytest.raises(ValueError, match="marginal_threshold <= pass_threshold"):
        CanaryJudge(m, pass_threshold=70, marginal_threshold=80)
    with pytest.raises(ValueError, match="sum to 120"):
        CanaryJudge(m, group_weights={"default": 60, "g2": 60})
    with pytest.raises(ValueError, match="'nope'"):
        CanaryJudge(m, group_weights={"nope": 10})
    with pytest.raises(ValueError, match="tolerance"):
        CanaryJudge(m, tolerance=-1)
    with pytest.raises(ValueError, match="confidence"):
        CanaryJudge(m, confidence=0)
    j = CanaryJudge(m)
    with pytest.raises(ValueError, match="no samples for metric 'b'"):
        j.judge({"a": ([1.0], [2.0])})
    with pytest.raises(ValueError, match="'c', which is not configured"):
        j.judge({"a": ([1.0], [2.0]), "b": ([1.0], [2.0]), "c": ([1.0], [1.0])})
    with pytest.raises(ValueError, match="pair"):
        j.judge({"a": [1.0, 2.0, 3.0], "b": ([1.0], [2.0])})
    with pytest.raises(ValueError, match="metric 'a': the baseline sample holds inf"):
        j.judge({"a": ([1.0], [np.inf]), "b": ([1.0], [2.0])})
    with pytest.raises(ValueError, match="intervals"):
        CanaryAnalysis(intervals=0)
    with pytest.raises(ValueError, match="score must be in"):
        CanaryAnalysis(intervals=2).add(float("nan"))
