"""Stage length and derived fields (text / sequence lengths, user-defined scalars such as
image brightness) against numpy, and the state of stages and pipelines: pickle,
serialize_state / restore_state, merge of two workers' stages against one stage that saw
every record."""

import json
import math
import pickle
import subprocess

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from driftscope.monitor import AlertRule, Monitor, PipelineMonitor, Stage

SEC = 1_000_000_000


def brightness(image):
    """A derived field: the mean pixel of an image, in [0, 1] (None for no image)."""
    return None if image is None else float(np.mean(image)) / 255.0


def ratio_ab(row):
    return row["a"] / row["b"] if row["b"] else None


def same(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b


def test_length_fields_match_python_len():
    texts = ["héllo", "", None, "日本", "a longer query text", [1, 2, 3], np.zeros(7), 12]
    s = Stage("chat", lengths=["query"], window="10s")
    for t in texts:
        s.observe(lengths=[t], timestamp=SEC)
    s.advance(10 * SEC)
    lens = np.array([5, 0, 2, 19, 3, 7, 12], dtype=float)  # len() of each, 12 taken as a length
    v = s.last_values
    assert "query:infinite_share" not in v and "query:mean" not in v
    assert v["query:count"] == len(texts)
    assert v["query:missing_share"] == 1 / len(texts)
    assert math.isclose(v["query:length_mean"], lens.mean(), rel_tol=1e-14)
    assert math.isclose(v["query:length_std"], lens.std(), rel_tol=1e-13)
    assert v["query:length_min"] == 0 and v["query:length_max"] == 19
    assert v["query:length_p50"] == np.quantile(lens, 0.5, method="inverted_cdf")


@pytest.mark.parametrize("kind", ["pandas", "pyarrow", "dict"])
def test_length_and_derived_fields_from_tables(kind):
    rng = np.random.default_rng(5)
    n = 120
    a, b = rng.normal(10, 2, n), rng.integers(0, 4, n).astype(float)
    words = ["".join("xyz"[i % 3] for i in range(k)) for k in rng.integers(0, 40, n)]
    words[3] = None
    data = {"a": a, "b": b, "text": words}
    table = pd.DataFrame(data) if kind == "pandas" else pa.table(data) if kind == "pyarrow" else data
    s = Stage("features", numeric=["a", "b"], lengths=["text"], derived={"ab": ratio_ab}, window="10s")
    s.observe_many(table, timestamps=np.zeros(n, np.int64))
    s.advance(10 * SEC)
    v = s.last_values
    lens = np.array([len(w) for w in words if w is not None], dtype=float)
    assert v["text:missing_share"] == 1 / n
    assert math.isclose(v["text:length_mean"], lens.mean(), rel_tol=1e-14)
    ab = np.array([x / y for x, y in zip(a, b) if y])
    assert v["ab:missing_share"] == np.mean(b == 0)
    assert math.isclose(v["ab:mean"], ab.mean(), rel_tol=1e-13)
    assert v["ab:max"] == ab.max()


def test_derived_field_on_raw_inputs():
    rng = np.random.default_rng(8)
    images = [rng.integers(0, 256, (8, 8)) for _ in range(50)] + [None]
    s = Stage("camera", derived={"brightness": brightness}, window="10s",
              rules=[AlertRule("brightness:mean", condition="below", alarm=0.2)])
    s.observe_many(inputs=images, timestamps=np.zeros(len(images), np.int64))
    s.advance(10 * SEC)
    want = np.array([img.mean() / 255 for img in images[:-1]])
    assert math.isclose(s.value("brightness:mean"), want.mean(), rel_tol=1e-13)
    assert s.value("brightness:missing_share") == 1 / 51
    # a dark camera: one record at a time with input=
    for _ in range(10):
        s.observe(input=np.full((8, 8), 10), timestamp=11 * SEC)
    s.advance(20 * SEC)
    assert math.isclose(s.value("brightness:mean"), 10 / 255, rel_tol=1e-14)
    assert ("brightness:mean", "alarm", "firing") in s.alert_states


def test_sigma_band_on_length_mean_from_reference():
    ref = pd.DataFrame({"text": ["ab", "abcd", "abcdef", None]})
    s = Stage("chat", lengths=["text"], window="10s", reference=ref,
              rules=[AlertRule("text:length_mean", condition="sigma_band", alarm=3.0)])
    (rule,) = s.rules
    assert rule.reference == 4.0 and math.isclose(rule.reference_sd, np.std([2, 4, 6]), rel_tol=1e-14)


def test_bad_length_and_derived_input():
    s = Stage("x", lengths=["q"], derived={"d": lambda r: "dark"}, window="10s")
    with pytest.raises(ValueError, match="length field 'q'"):
        s.observe(lengths=[object()], input=1, timestamp=0)
    with pytest.raises(ValueError, match="derived field 'd' must return a number"):
        s.observe(lengths=["abc"], input=1, timestamp=0)
    with pytest.raises(ValueError, match="lengths values are required"):
        s.observe(input=1, timestamp=0)
    t = Stage("y", derived={"d": brightness}, window="10s")
    with pytest.raises(ValueError, match="inputs .* are required"):
        t.observe_many(timestamps=np.zeros(2, np.int64))
    with pytest.raises(ValueError, match="one timestamp per row"):
        t.observe_many(inputs=[None, None], timestamps=np.zeros(3, np.int64))
    u = Stage("u", numeric=["a"], derived={"d": brightness}, window="10s")
    with pytest.raises(ValueError, match="inputs must have one value per record"):
        u.observe_many(numeric=[[1.0], [2.0], [3.0]], inputs=[None, None], timestamps=np.zeros(3, np.int64))
    with pytest.raises(ValueError, match="must be a function"):
        Stage("z", derived={"d": 3})
    with pytest.raises(ValueError, match="used twice"):
        Stage("z", numeric=["q"], lengths=["q"])
    assert s.requests_total == 0 and t.requests_total == 0 and u.requests_total == 0


def _feed(stage, rng, n, t0=0):
    x = rng.normal(0, 1, n)
    x[::9] = np.nan
    stage.observe_many(
        {"x": x, "device": rng.choice(["ios", "android", "web"], n), "text": ["w" * k for k in rng.integers(0, 9, n)]},
        latencies=rng.lognormal(-5, 0.3, n), errors=rng.random(n) < 0.05,
        timestamps=t0 + np.sort(rng.integers(0, 10 * SEC, n)), inputs=[rng.integers(0, 256, 4) for _ in range(n)],
    )


def _stage(**kw):
    return Stage("features", numeric=["x"], categorical={"device": ["ios", "android"]}, lengths=["text"],
                 derived={"brightness": brightness}, window="10s", ratios=["ctr"],
                 rules=[AlertRule("x:missing_share", alarm=0.05), AlertRule("text:length_p90", warning=5)], **kw)


def test_stage_pickle_and_state_bytes_continue_exactly():
    a = _stage()
    _feed(a, np.random.default_rng(1), 500)
    a.advance(10 * SEC)
    _feed(a, np.random.default_rng(2), 300, 10 * SEC)  # mid-window
    b = pickle.loads(pickle.dumps(a))
    c = _stage()
    c.restore_state(a.serialize_state())
    for s in (a, b, c):
        _feed(s, np.random.default_rng(3), 400, 20 * SEC)
        s.advance(40 * SEC)
    for s in (b, c):
        assert all(same(s.last_values[k], v) for k, v in a.last_values.items())
        assert s.events == a.events and s.alert_states == a.alert_states
        assert s.serialize_state() == a.serialize_state()
    other = Stage("features", numeric=["x"], window="10s")
    with pytest.raises(ValueError, match="other options"):
        other.restore_state(a.serialize_state())
    with pytest.raises(ValueError):
        c.restore_state(b"DSSG")


def _stage_nq():
    return Stage("features", numeric=["x"], categorical={"device": ["ios", "android"]}, lengths=["text"],
                 derived={"brightness": brightness}, window="10s", quantiles=False)


def test_stage_merge_equals_one_stage_that_saw_everything():
    rng = np.random.default_rng(11)
    n = 400
    x = rng.normal(0, 1, n)
    dev = rng.choice(["ios", "android", "web"], n)
    text = ["w" * k for k in rng.integers(0, 9, n)]
    imgs = [rng.integers(0, 256, 4) for _ in range(n)]
    ts = np.sort(rng.integers(0, 10 * SEC, n))
    lat = rng.lognormal(-5, 0.3, n)
    everything, w1, w2 = _stage_nq(), _stage_nq(), _stage_nq()
    part = rng.random(n) < 0.4
    for stage, rows in ((everything, np.ones(n, bool)), (w1, part), (w2, ~part)):
        idx = np.flatnonzero(rows)
        stage.observe_many({"x": x[idx], "device": dev[idx], "text": [text[i] for i in idx]},
                           inputs=[imgs[i] for i in idx], latencies=lat[idx], timestamps=ts[idx])
    w1.merge(w2)
    for s in (w1, everything):
        s.advance(10 * SEC)
    for k, v in everything.last_values.items():
        if k.endswith(("mean", "std")):
            assert same(w1.last_values[k], v) or math.isclose(w1.last_values[k], v, rel_tol=1e-12), k
        else:
            assert same(w1.last_values[k], v), k
    with pytest.raises(ValueError, match="other data options"):
        w1.merge(Stage("features", numeric=["x"], window="10s"))


def test_pipeline_pickle_restore_and_merge():
    def pipeline():
        return PipelineMonitor([Stage("source", numeric=["x"], window="10s"), _stage_nq()], process_metrics=False)

    rng = np.random.default_rng(4)
    a, b = pipeline(), pipeline()
    for p in (a, b):
        p.stage("source").observe_many(numeric=rng.normal(size=(50, 1)), timestamps=np.zeros(50, np.int64))
    c = pickle.loads(pickle.dumps(a))
    assert c.serialize_state() == a.serialize_state()
    assert c.to_prometheus_text() == a.to_prometheus_text()
    d = pipeline()
    d.restore_state(a.serialize_state())
    assert d.serialize_state() == a.serialize_state()
    a.merge(b)
    a.advance(10 * SEC)
    assert a.stage("source").value("requests:count") == 100
    with pytest.raises(ValueError, match="stage 0 is"):
        PipelineMonitor([_stage_nq(), Stage("source", numeric=["x"], window="10s")]).merge(b)


def test_pipeline_rules_fire_in_prometheus_as_in_the_stage(tmp_path, promtool):
    """The exported rules, run by promtool on the series our exposition would show (each
    window's value from its end on), fire at the same minutes as the stage's own rules."""
    MIN = 60 * SEC
    rule = AlertRule("x:missing_share", alarm=0.5, for_duration="2m", name="SensorMissing")
    pipe = PipelineMonitor([Stage("source", numeric=["x"], window="1m", rules=[rule])], process_metrics=False)
    shares = [0, 0, 0.8, 0.8, 0.8, 0.8, 0.1, 0.9, 0.9, 0.9, 0.1, 0.1]
    firing = []  # after the window ending at minute m: is the alarm firing?
    for i, share in enumerate(shares):
        k = round(share * 10)
        x = np.r_[np.full(k, np.nan), np.ones(10 - k)].reshape(-1, 1)
        pipe.stage("source").observe_many(numeric=x, timestamps=np.full(10, i * MIN, np.int64))
        pipe.advance((i + 1) * MIN)
        firing.append(("SensorMissing", "alarm", "firing") in pipe.stage("source").alert_states)
    assert firing == [False] * 4 + [True, True, False, False, False, True, False, False]
    (tmp_path / "rules.yml").write_text(pipe.prometheus_rules(interval="1m"))
    series = 'driftscope_window_value{stage="source",metric="x:missing_share"}'
    labels = {"severity": "critical", "stage": "source", "metric": "x:missing_share"}
    tests = [
        {"eval_time": f"{m + 1}m", "alertname": "SensorMissing", "exp_alerts": [{"exp_labels": labels}] if f else []}
        for m, f in enumerate(firing)
    ]
    unit = {
        "rule_files": ["rules.yml"],
        "evaluation_interval": "1m",
        "tests": [{"interval": "1m",
                   "input_series": [{"series": series, "values": "_ " + " ".join(map(str, shares))}],
                   "alert_rule_test": tests}],
    }
    (tmp_path / "test.yml").write_text(json.dumps(unit, indent=1))
    check = subprocess.run([promtool, "check", "rules", "rules.yml"], cwd=tmp_path, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    run = subprocess.run([promtool, "test", "rules", "test.yml"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_monitor_length_and_derived_inputs_and_merge():
    ref = pd.DataFrame({"age": [30.0, 40.0, 50.0], "query": ["a", "bb", "ccc"]})

    def mon():
        return Monitor(reference_inputs=ref, outputs=["score"], lengths=["query"],
                       derived={"query_words": lambda r: len(str(r["query"]).split())}, window="10s",
                       rules=[AlertRule("query:length_mean", condition="relative_to_reference", alarm=10)],
                       process_metrics=False)

    a, b = mon(), mon()
    stage = a.pipeline.stage("input")
    assert "query:length_p99" in stage.last_values and "query_words:mean" in stage.last_values
    assert "query:distinct" not in stage.last_values  # a length field, not a categorical one
    a.observe({"age": 35.0, "query": "how many rooms"}, {"score": 0.5}, latency=0.01, timestamp=0)
    b.observe(pd.DataFrame({"age": [1.0, 2.0], "query": ["x" * 40, None]}), pd.DataFrame({"score": [0.1, 0.2]}),
              timestamp=np.zeros(2, np.int64))
    a.merge(b)
    events = a.advance(10 * SEC)
    v = a.pipeline.stage("input").last_values
    assert v["query:count"] == 3 and v["query:missing_share"] == 1 / 3
    assert v["query:length_mean"] == (14 + 40) / 2
    assert v["query_words:mean"] == (3 + 1 + 1) / 3  # str(None) is one word
    assert {e.rule for e in events} == {"query:length_mean"} and events[-1].to_state == "firing"  # 27 > 2 + 10
    restored = pickle.loads(pickle.dumps(Monitor(reference_inputs=ref, outputs=["score"], lengths=["query"],
                                                  window="10s", process_metrics=False)))
    assert "query:length_mean" in restored.pipeline.stage("input").last_values
