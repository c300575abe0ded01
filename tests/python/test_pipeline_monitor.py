"""Stage, PipelineMonitor and Monitor (driftscope.monitor): window metrics against numpy,
alert timelines written by hand from the documented semantics, the broken-upstream story,
the exposition parsed back by prometheus_client, and bad input."""

import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from prometheus_client.parser import text_string_to_metric_families

from driftscope.monitor import AlertRule, AlertTracker, Monitor, PipelineMonitor, Stage, to_prometheus_yaml

SEC = 1_000_000_000


def test_window_metrics_match_numpy():
    rng = np.random.default_rng(3)
    x = rng.normal(50, 10, 150)  # fewer than k = 200 values: the KLL quantiles are exact
    x[[4, 9, 33]] = np.nan
    x[7] = np.inf
    lat = rng.lognormal(-4, 0.5, 150)
    s = Stage("features", numeric=["x"], window="10s")
    ts = np.full(150, 12 * SEC, dtype=np.int64)
    errors = np.zeros(150, bool)
    errors[:6] = True
    s.observe_many(numeric=x.reshape(-1, 1), latencies=lat, errors=errors, timestamps=ts)
    s.advance(20 * SEC)
    v = s.last_values
    assert s.windows_closed == 1 and s.last_window_end == 20 * SEC
    assert v["requests:count"] == 150 and v["requests:per_second"] == 15.0
    assert v["errors:share"] == 6 / 150
    assert v["x:missing_share"] == 3 / 150
    assert v["x:infinite_share"] == 1 / 150
    finite = x[np.isfinite(x)]
    with np.errstate(invalid="ignore"):
        assert v["x:mean"] == np.inf  # +inf is a value, as numpy.mean
    assert v["x:max"] == np.inf and v["x:min"] == finite.min()
    present = np.sort(x[~np.isnan(x)])
    for q, key in [(0.5, "x:p50"), (0.9, "x:p90"), (0.99, "x:p99")]:
        assert v[key] == np.quantile(present, q, method="inverted_cdf")
    for q, key in [(0.5, "latency:p50"), (0.9, "latency:p90"), (0.99, "latency:p99")]:
        exact = np.quantile(lat, q, method="lower")
        assert abs(v[key] - exact) <= 0.01 * exact * 1.0001
    assert math.isclose(v["latency:mean"], lat.mean(), rel_tol=1e-12)


def test_std_and_categorical_metrics():
    s = Stage("src", numeric=["a"], categorical={"country": ["DE", "FR"]}, window=10 * SEC)
    a = np.array([1.0, 2.0, 4.0, 8.0])
    countries = ["DE", "US", None, "DE"]
    s.observe_many(numeric=a.reshape(-1, 1), categorical=[countries], timestamps=np.zeros(4, np.int64))
    s.advance(10 * SEC)
    v = s.last_values
    assert math.isclose(v["a:std"], np.std(a), rel_tol=1e-14)
    assert v["country:missing_share"] == 0.25
    assert v["country:unseen_share"] == 1 / 3
    assert v["country:top_share"] == 2 / 3
    assert abs(v["country:distinct"] - 2) < 0.05


def test_alert_timeline_and_callbacks():
    seen = []
    rule = AlertRule("x:missing_share", alarm=0.5, for_duration="20s")
    s = Stage("source", numeric=["x"], window="10s", rules=[rule], on_event=lambda st, e: seen.append((st, e)))
    events = []
    for t in range(60):
        events += s.observe([math.nan if 10 <= t < 50 else 1.0], timestamp=t * SEC)
    events += s.advance(60 * SEC)
    assert [(e.to_state, e.timestamp // SEC) for e in events] == [("pending", 20), ("firing", 40), ("resolved", 60)]
    assert [e for _, e in seen] == events and all(st == "source" for st, _ in seen)
    assert s.first_alarm == events[1]
    assert s.alert_states == [("x:missing_share", "alarm", "resolved")]


def test_reference_table_feeds_relative_rules():
    ref = pd.DataFrame({"income": np.r_[np.arange(98.0), [np.nan, np.nan]], "city": ["a", "b"] * 50})
    rules = [
        AlertRule("income:missing_share", condition="relative_to_reference", alarm=0.10),
        AlertRule("income:mean", condition="sigma_band", warning=1.0),
    ]
    s = Stage("input", numeric=["income"], categorical=["city"], window="10s", rules=rules, reference=ref)
    r0, r1 = s.rules
    assert r0.reference == 0.02
    present = np.arange(98.0)
    assert math.isclose(r1.reference, present.mean(), rel_tol=1e-14)
    assert math.isclose(r1.reference_sd, present.std(), rel_tol=1e-13)
    live = pd.DataFrame({"income": [np.nan] * 13 + [present.mean() + 2 * present.std()] * 87, "city": ["c"] * 100})
    s.observe_many(live, timestamps=np.zeros(100, np.int64))
    s.advance(10 * SEC)
    assert s.value("city:unseen_share") == 1.0  # reference categories came from the table
    assert ("income:missing_share", "alarm", "firing") in s.alert_states
    assert ("income:mean", "warning", "firing") in s.alert_states


def test_pipeline_blames_the_upstream_and_exports():
    source = Stage("source", numeric=["sensor"], window="10s",
                   rules=[AlertRule("sensor:missing_share", alarm=0.5, for_duration="10s")])
    features = Stage("features", numeric=["temperature"], window="10s",
                     rules=[AlertRule("temperature:std", condition="below", alarm=1e-9, for_duration="10s")])
    model = Stage("model", numeric=["score"], window="10s",
                  rules=[AlertRule("score:mean", alarm=0.8, for_duration="20s")])
    p = PipelineMonitor([source, features, model])
    for t in range(200):
        broken = t >= 100
        sensor = math.nan if broken else 20.0 + t % 7
        p.stage("source").observe([sensor], latency=0.001, timestamp=t * SEC)
        p.stage(1).observe([20.0 if broken else sensor], latency=0.002, timestamp=t * SEC)
        p.stage("model").observe([0.9 if broken else 0.3], latency=0.01, timestamp=t * SEC)
    p.advance(200 * SEC)
    stage, event = p.first_alarm
    assert stage == "source" and event.rule == "sensor:missing_share" and event.timestamp == 120 * SEC
    assert source.windows_closed == 0  # the pipeline holds copies
    fams = {f.name: f for f in text_string_to_metric_families(p.to_prometheus_text())}
    req = {s.labels["stage"]: s.value for s in fams["driftscope_requests"].samples if s.name.endswith("_total")}
    assert req == {"source": 200, "features": 200, "model": 200}
    window = {(s.labels["stage"], s.labels["metric"]): s.value for s in fams["driftscope_window_value"].samples}
    assert window[("source", "sensor:missing_share")] == 1.0
    assert window[("model", "score:mean")] == 0.9
    states = {(s.labels["stage"], s.labels["alert"]): s.value for s in fams["driftscope_alert_state"].samples}
    assert states == {("source", "sensor:missing_share"): 2, ("features", "temperature:std"): 2, ("model", "score:mean"): 2}
    buckets = {s.labels["le"]: s.value for s in fams["driftscope_latency_seconds"].samples
               if s.name.endswith("_bucket") and s.labels["stage"] == "model"}
    assert buckets["0.005"] == 0 and buckets["0.025"] == 200 and buckets["+Inf"] == 200
    ctype, body = p.render("application/openmetrics-text; version=1.0.0")
    assert ctype.startswith("application/openmetrics-text") and body.endswith(b"# EOF\n")
    assert p.promql("model", "score:mean") == 'driftscope_window_value{stage="model",metric="score:mean"}'


def test_monitor_observes_requests_and_batches():
    ref_in = pd.DataFrame({"income": np.linspace(20_000, 120_000, 500), "city": ["x", "y"] * 250})
    ref_out = pd.DataFrame({"rooms": np.linspace(40, 240, 500)})
    mon = Monitor(reference_inputs=ref_in, reference_outputs=ref_out, window="1m",
                  rules=[AlertRule("city:unseen_share", alarm=0.2), AlertRule("latency:p99", warning=0.5)])
    for i in range(10):
        mon.observe({"income": 50_000.0, "city": "x"}, {"rooms": 100.0}, latency=0.01, timestamp=i * SEC)
    batch = pa.table({"income": [60_000.0] * 90, "city": ["z"] * 90})
    mon.observe(batch, pa.table({"rooms": [120.0] * 90}), latency=0.9, timestamp=np.arange(90) * SEC // 10 + 10 * SEC)
    mon.advance(60 * SEC)
    inp, out = mon.pipeline.stage("input"), mon.pipeline.stage("output")
    assert inp.value("requests:count") == 100 and out.value("requests:count") == 100
    assert inp.value("city:unseen_share") == 0.9
    assert out.value("rooms:mean") == (10 * 100.0 + 90 * 120.0) / 100
    assert ("city:unseen_share", "alarm", "firing") in inp.alert_states
    assert ("latency:p99", "warning", "firing") in out.alert_states
    assert mon.first_alarm[0] == "input"


def test_bad_input():
    with pytest.raises(ValueError, match="metric 'y:mean'"):
        Stage("s", numeric=["x"], rules=[AlertRule("y:mean", alarm=1.0)])
    with pytest.raises(ValueError, match="used twice"):
        Stage("s", numeric=["x", "x"])
    with pytest.raises(ValueError, match="must match"):
        Stage("my stage", numeric=["x"])
    with pytest.raises(ValueError, match="window"):
        Stage("s", numeric=["x"], window=0)
    unresolved = AlertRule("x:mean", condition="sigma_band", alarm=3.0)  # mean and sd from a Stage's reference
    assert unresolved.reference is None
    with pytest.raises(ValueError, match="no reference"):
        Stage("s", numeric=["x"], rules=[unresolved])
    with pytest.raises(ValueError, match="reference"):
        AlertTracker(unresolved)
    with pytest.raises(ValueError, match="reference"):
        to_prometheus_yaml([unresolved])
    s = Stage("s", numeric=["x"], ratios={"ctr": {"kind": "proportion", "min_volume": 10}})
    s.observe([1.0], timestamp=5 * SEC)
    with pytest.raises(ValueError, match="timestamp"):
        s.observe([1.0], timestamp=4 * SEC)
    with pytest.raises(ValueError, match="latency"):
        s.observe([1.0], latency=-1.0, timestamp=6 * SEC)
    with pytest.raises(ValueError, match="ratio 'cvr'"):
        s.add_ratio("cvr", 1, 1, timestamp=6 * SEC)
    with pytest.raises(ValueError, match="numerator"):
        s.add_ratio("ctr", 2, 1, timestamp=6 * SEC)
    with pytest.raises(ValueError, match="shape"):
        s.observe_many(numeric=np.zeros((3, 2)), timestamps=np.full(3, 7 * SEC))
    with pytest.raises(ValueError, match="lacks the fields"):
        s.observe_many(pd.DataFrame({"y": [1.0]}), timestamps=[7 * SEC])
    with pytest.raises(ValueError, match="no metric"):
        s.value("x:median")
    assert s.requests_total == 1
    with pytest.raises(ValueError, match="used twice"):
        PipelineMonitor([s, s])
    with pytest.raises(ValueError, match="no stage"):
        PipelineMonitor([s]).stage("t")
