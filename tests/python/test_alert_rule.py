"""driftscope alert rules: AlertRule, AlertTracker, AlertEvent, to_prometheus_yaml.

Oracles: golden timelines written by hand from Prometheus' documented alerting semantics
(the same as tests/cpp/test_alert_rule.cpp), and Prometheus itself: the exported rules and
a `promtool test rules` unit-test file whose expected alerts are OUR firing timeline, on
the same sequences (evaluation interval = sample interval = 1m, so Prometheus' lookback
never blurs a sample). promtool comes from Debian's `prometheus` package; without it these
tests skip, unless DRIFTSCOPE_REQUIRE_PROMTOOL=1, which makes them fail.
"""

from __future__ import annotations

import copy
import datetime
import json
import math
import pickle
import subprocess

import numpy as np
import pytest

from driftscope._alerts import AlertEvent, AlertRule, AlertTracker, parse_prometheus_duration, to_prometheus_yaml

MIN = 60 * 10**9  # one minute in ns
NAN = float("nan")
LETTER = {"inactive": "i", "pending": "p", "firing": "f", "resolved": "r"}


def trace(rule, xs, first=0):
    """Events of observing xs[i] at minute first + i, as 't:S:from>to@since' (minutes)."""
    t = AlertTracker(rule)
    out = []
    for i, x in enumerate(xs):
        for e in t.observe(x, (first + i) * MIN):
            out.append(show(e))
    assert [show(e) for e in t.events] == out
    return out


def show(e):
    sev = "A" if e.severity == "alarm" else "W"
    return f"{e.timestamp // MIN}:{sev}:{LETTER[e.from_state]}>{LETTER[e.to_state]}@{e.active_since // MIN}"


def oscillation():
    return [0.5] + [1.1 if k % 2 else 0.9 for k in range(1, 11)] + [0.5, 0.5, 0.5]


# --- golden timelines (by hand, as in the C++ tests) ------------------------------------


def test_for_and_resolution():
    r = AlertRule("drift_psi", warning=1.0, for_duration="2m")
    assert trace(r, [0, 2, 2, 2, 0, 2, 0]) == ["1:W:i>p@1", "3:W:p>f@1", "4:W:f>r@1", "5:W:r>p@5", "6:W:p>i@5"]
    r0 = AlertRule("drift_psi", warning=1.0)
    assert trace(r0, [0, 2, 2, 0, 0]) == ["1:W:i>p@1", "1:W:p>f@1", "3:W:f>r@1"]
    assert trace(r0, [1.0, 1.0]) == []  # strict comparison, as PromQL's >


def test_keep_firing_for():
    r = AlertRule("drift_psi", warning=1.0, keep_firing_for="2m")
    assert trace(r, [2, 0, 0, 2, 0, 0, 0, 0]) == ["0:W:i>p@0", "0:W:p>f@0", "6:W:f>r@0"]
    t = AlertTracker(r)
    t.observe(2, 0)
    t.observe(0, MIN)
    assert t.keeping_firing == {"warning": True}
    assert t.state == {"warning": "firing"}
    # a pending alert is not kept
    assert trace(AlertRule("m", warning=1.0, for_duration="2m", keep_firing_for="5m"), [2, 0]) == [
        "0:W:i>p@0",
        "1:W:p>i@0",
    ]


def test_nan_is_no_data():
    r = AlertRule("m", warning=1.0, keep_firing_for="1m")
    assert trace(r, [2, NAN, NAN, 2, NAN]) == ["0:W:i>p@0", "0:W:p>f@0", "2:W:f>r@0", "3:W:r>p@3", "3:W:p>f@3"]
    assert trace(AlertRule("m", warning=1.0, for_duration="3m"), [2, NAN, 2]) == ["0:W:i>p@0", "1:W:p>i@0", "2:W:i>p@2"]


def test_oscillation_does_not_flap():
    x = oscillation()
    assert trace(AlertRule("m", warning=(1.0, 0.8), for_duration="2m"), x) == ["1:W:i>p@1", "3:W:p>f@1", "11:W:f>r@1"]
    # controls: no hysteresis and no `for` flaps five times; no hysteresis with `for` never fires
    flappy = trace(AlertRule("m", warning=1.0), x)
    assert sum("p>f" in e for e in flappy) == 5
    assert len(flappy) == 15
    pending_only = trace(AlertRule("m", warning=1.0, for_duration="2m"), x)
    assert len(pending_only) == 10 and not any(">f" in e for e in pending_only)


def test_conditions():
    below = AlertRule("ks_pvalue", "below", warning=(0.01, 0.05))
    assert trace(below, [0.5, 0.005, 0.03, 0.06, 0.01]) == ["1:W:i>p@1", "1:W:p>f@1", "3:W:f>r@1"]
    band = AlertRule("rate", "outside_band", warning=(0.0, -0.05), alarm=0.1, low=0.2, high=0.8)
    assert trace(band, [0.5, 0.85, 0.78, 0.74, 0.05, 0.15, 0.5]) == [
        "1:W:i>p@1", "1:W:p>f@1", "3:W:f>r@1", "4:W:r>p@4", "4:W:p>f@4", "4:A:i>p@4", "4:A:p>f@4",
        "5:A:f>r@4", "6:W:f>r@4",
    ]  # fmt: skip
    sigma = AlertRule("mean", "sigma_band", warning=(2, 1.5), alarm=3, reference=10, reference_sd=2)
    assert sigma.thresholds("warning") == (6.0, 14.0)
    assert sigma.thresholds("warning", clear=True) == (7.0, 13.0)
    assert trace(sigma, [10, 14.5, 13.5, 12.9, 3.9, 10]) == [
        "1:W:i>p@1", "1:W:p>f@1", "3:W:f>r@1", "4:W:r>p@4", "4:W:p>f@4", "4:A:i>p@4", "4:A:p>f@4",
        "5:W:f>r@4", "5:A:f>r@4",
    ]  # fmt: skip
    missing = AlertRule("missing_share", "relative_to_reference", warning=(0.10, 0.05), reference=0.02)
    assert missing.side == "over"
    assert trace(missing, [0.05, 0.13, 0.08, 0.06]) == ["1:W:i>p@1", "1:W:p>f@1", "3:W:f>r@1"]
    under = AlertRule("accuracy", "relative_to_reference", warning=0.1, reference=0.5, side="under")
    assert under.thresholds("warning") == (0.4, math.inf)
    assert trace(under, [0.45, 0.39, 0.41]) == ["1:W:i>p@1", "1:W:p>f@1", "2:W:f>r@1"]


# --- the Python API ---------------------------------------------------------------------


def test_rule_fields_and_durations():
    r = AlertRule(
        "feature:age_psi",
        warning=(0.1, 0.08),
        alarm=0.25,
        for_duration=datetime.timedelta(minutes=5),
        keep_firing_for=np.timedelta64(90, "s"),
        name="AgeDrift",
        summary="age {{ $value }}",
        labels={"team": "ml"},
        annotations={"runbook": "https://example.org"},
    )
    assert r.metric == "feature:age_psi" and r.name == "AgeDrift" and r.condition == "above"
    assert r.warning == (0.1, 0.08) and r.alarm == (0.25, 0.25)
    assert r.for_duration == 5 * MIN and r.keep_firing_for == 90 * 10**9
    assert r.labels == {"team": "ml"} and r.annotations == {"runbook": "https://example.org"}
    assert r.low is None and r.reference is None and r.side is None
    assert AlertRule("m", warning=1, for_duration=5 * MIN) == AlertRule("m", warning=1, for_duration="5m")
    assert AlertRule("m", warning=1) != AlertRule("m", warning=2)
    assert "AgeDrift" in repr(r)
    for q in (AlertRule.from_bytes(r.to_bytes()), pickle.loads(pickle.dumps(r)), copy.deepcopy(r)):
        assert q == r and hash(q) == hash(r)
    assert parse_prometheus_duration("1h30m") == 90 * MIN
    assert parse_prometheus_duration("250ms") == 250 * 10**6
    with pytest.raises(ValueError, match="parse_prometheus_duration"):
        parse_prometheus_duration("5 minutes")


def test_tracker_observe_many_timestamps_and_callback():
    r = AlertRule("m", warning=(1.0, 0.8), alarm=2.0, for_duration="1m", keep_firing_for="1m")
    x = np.array([0.5, 2.5, 2.5, 0.9, 0.5, 0.5, 2.5, 1.5, 0.1, 0.1])
    ts = np.arange(len(x)) * MIN
    one = AlertTracker(r)
    expect = [e for i in range(len(x)) for e in one.observe(float(x[i]), int(ts[i]))]
    seen = []
    many = AlertTracker(r, on_event=seen.append)
    got = many.observe_many(x, ts)
    assert got == expect == seen == many.events
    assert [show(e) for e in got] == [
        "1:W:i>p@1", "1:A:i>p@1", "2:W:p>f@1", "2:A:p>f@1", "4:A:f>r@1", "5:W:f>r@1",
        "6:W:r>p@6", "6:A:i>p@6", "7:W:p>f@6", "7:A:p>i@6", "9:W:f>r@6",
    ]  # fmt: skip
    # datetime64 timestamps and numpy scalars are nanoseconds too
    dt = AlertTracker(r)
    assert dt.observe_many(x, np.datetime64(0, "ns") + ts.astype("timedelta64[ns]")) == expect
    sc = AlertTracker(r)
    assert [e for i in range(len(x)) for e in sc.observe(x[i], np.datetime64(int(ts[i]), "ns"))] == expect
    assert many.evaluations == len(x) and many.last_timestamp == int(ts[-1])
    assert many.state == {"warning": "resolved", "alarm": "inactive"}
    assert expect[0].to_dict() == {
        "rule": "m", "severity": "warning", "from_state": "inactive", "to_state": "pending",
        "value": 2.5, "timestamp": MIN, "active_since": MIN,
    }  # fmt: skip
    assert pickle.loads(pickle.dumps(expect[0])) == expect[0]
    assert AlertEvent("m", "warning", "inactive", "pending", 2.5, MIN, MIN) == expect[0]


def test_tracker_errors_leave_state_unchanged():
    t = AlertTracker(AlertRule("m", warning=1.0, for_duration="5m"))
    t.observe(2, 10 * MIN)
    with pytest.raises(ValueError, match="timestamp must be non-decreasing"):
        t.observe(2, 10 * MIN - 1)
    with pytest.raises(ValueError, match="timestamp must be non-decreasing"):
        t.observe_many([2, 2, 2], [11 * MIN, 12 * MIN, 11 * MIN])
    assert t.evaluations == 1 and t.last_timestamp == 10 * MIN and t.state == {"warning": "pending"}
    with pytest.raises(ValueError, match="timestamp must be int nanoseconds or numpy.datetime64"):
        t.observe(2, 12.5)
    with pytest.raises(ValueError, match="timestamps must be int nanoseconds or datetime64"):
        t.observe_many([2.0], [1.5e12])
    with pytest.raises(ValueError, match="values has 2 elements but timestamps has 1"):
        t.observe_many([2.0, 2.0], [20 * MIN])
    with pytest.raises(ValueError, match="NaT"):
        t.observe(2, np.datetime64("NaT"))
    with pytest.raises(ValueError, match="on_event must be callable"):
        t.on_event = 3
    assert t.observe_many([], []) == []


def test_callback_error_propagates_after_logging():
    def boom(e):
        raise RuntimeError("pager down")

    t = AlertTracker(AlertRule("m", warning=1.0), on_event=boom)
    with pytest.raises(RuntimeError, match="pager down"):
        t.observe(2, 0)
    assert t.state == {"warning": "firing"} and len(t.events) == 2
    t.on_event = None
    assert len(t.observe(0, MIN)) == 1


def test_event_log_is_bounded():
    t = AlertTracker(AlertRule("m", warning=1.0), event_capacity=3)
    for k in range(4):
        t.observe(2, 2 * k * MIN)
        t.observe(0, (2 * k + 1) * MIN)
    assert len(t.events) == 3 and t.dropped_events == 9 and t.event_capacity == 3
    t.clear_events()
    assert t.events == [] and t.dropped_events == 0
    t.reset()
    assert t.evaluations == 0 and t.last_timestamp is None
    with pytest.raises(ValueError, match="event_capacity must be >= 0"):
        AlertTracker(AlertRule("m", warning=1.0), event_capacity=-1)


def test_tracker_bytes_round_trip_continues_identically():
    r = AlertRule("m", "sigma_band", warning=(2, 1.5), alarm=3, for_duration="2m", keep_firing_for="3m",
                  reference=0.1, reference_sd=0.02)  # fmt: skip
    x = [0.1, 0.15, 0.14, 0.16, 0.135, 0.2, 0.05, 0.1, 0.1, 0.1, 0.1, 0.1, 0.17, 0.1]
    a = AlertTracker(r, event_capacity=5)
    a.observe_many(x[:9], np.arange(9) * MIN)
    assert a.keeping_firing["warning"]
    data = a.to_bytes()
    for b in (AlertTracker.from_bytes(data), pickle.loads(pickle.dumps(a)), copy.deepcopy(a)):
        assert b.to_bytes() == data and b.events == a.events and b.rule == r
        assert b.observe_many(x[9:], np.arange(9, len(x)) * MIN) == AlertTracker.from_bytes(data).observe_many(
            x[9:], np.arange(9, len(x)) * MIN
        )
    for n in (0, 7, 8, 20, len(data) - 1):
        with pytest.raises(ValueError):
            AlertTracker.from_bytes(data[:n])
    with pytest.raises(ValueError, match="bad magic"):
        AlertTracker.from_bytes(b"XXXX" + data[4:])
    with pytest.raises(ValueError, match="trailing"):
        AlertTracker.from_bytes(data + b"\0")
    with pytest.raises(ValueError, match="bad magic"):
        AlertRule.from_bytes(data)
    with pytest.raises(ValueError, match="unsupported pickle version"):
        AlertTracker.__new__(AlertTracker).__setstate__((99, data))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(warning=(1.0, 1.2)), "warning clear level 1.2 must be <= its fire level 1"),
        (dict(condition="below", warning=(0.05, 0.01)), "clear level 0.01 must be >= its fire level 0.05"),
        (dict(warning=NAN), "warning fire level must be finite"),
        (dict(warning=(1.0, NAN)), "warning clear level must be finite"),
        (dict(alarm=math.inf), "alarm fire level must be finite"),
        (dict(), "both are unset"),
        (dict(warning=1.0, alarm=0.5), "alarm fire level 0.5 must be >= the warning fire level 1"),
        (dict(warning=1.0, for_duration=-1), "for_duration must be >= 0"),
        (dict(warning=1.0, keep_firing_for=datetime.timedelta(seconds=-1)), "keep_firing_for must be >= 0"),
        (dict(warning=1.0, for_duration=1.5), "for_duration must be int nanoseconds"),
        (dict(warning=1.0, for_duration="5 minutes"), "for_duration"),
        (dict(warning=1.0, for_duration=np.timedelta64("NaT")), "NaT"),
        (dict(warning="high"), "warning must be a number"),
        (dict(warning=(1, 2, 3)), r"\(fire, clear\) pair"),
        (dict(warning=True), "warning must be a number"),
        (dict(condition="sideways", warning=1.0), "condition must be"),
        (dict(condition="outside_band", warning=0.0, low=0.8, high=0.2), "low <= high"),
        (dict(condition="outside_band", warning=0.0), "finite low and high"),
        (dict(condition="sigma_band", warning=3, reference=0, reference_sd=0), "reference_sd > 0"),
        (dict(condition="relative_to_reference", warning=0.1, reference=float("inf")), "finite reference"),
        (dict(condition="relative_to_reference", warning=0.1, reference=0, side="left"), "side must be"),
        (dict(warning=1.0, side="over"), "side does not apply"),
        (dict(warning=1.0, reference=0.5), "reference does not apply"),
        (dict(warning=1.0, labels={"severity": "page"}), "reserved"),
        (dict(warning=1.0, labels={"bad-name": "x"}), "label name"),
        (dict(warning=1.0, labels={"team": 3}), "labels must map str to str"),
        (dict(warning=1.0, name="Bad Name"), "name must match"),
    ],
)
def test_rule_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match) as info:
        AlertRule("drift_psi", **kwargs)
    assert str(info.value).startswith("AlertRule")


@pytest.mark.parametrize("metric", ["", "1psi", "drift-psi", "psi score"])
def test_rule_bad_metric_name(metric):
    with pytest.raises(ValueError, match="metric must be a Prometheus metric name"):
        AlertRule(metric, warning=1.0)


def test_export_bad_input():
    r = AlertRule("drift_psi", warning=(0.25, 0.2), name="PsiDrift")
    with pytest.raises(ValueError, match="unknown metric 'feature_x'"):
        to_prometheus_yaml([r], expressions={"feature_x": "x"})
    with pytest.raises(ValueError, match="two rules produce alert 'PsiDrift'"):
        to_prometheus_yaml([r, r])
    with pytest.raises(ValueError, match="for_duration must be a whole number of milliseconds"):
        to_prometheus_yaml([AlertRule("m", warning=1.0, for_duration=1500)])
    with pytest.raises(ValueError, match="rules must be AlertRule"):
        to_prometheus_yaml([r, "x"])
    with pytest.raises(ValueError, match="no alarm level"):
        r.expression("alarm")
    text = to_prometheus_yaml(r, expressions={"drift_psi": 'max(psi{feature="age"})'}, interval="30s")
    assert 'interval: 30s' in text and '(max(psi{feature=\\"age\\"})) > 0.25' in text


# --- parity with Prometheus (promtool test rules) ---------------------------------------


def series_text(xs):
    return " ".join("NaN" if math.isnan(v) else repr(float(v)) for v in xs)


def firing_timeline(rule, xs):
    """Our timeline: after the evaluation at minute i, the severities that are firing."""
    t = AlertTracker(rule)
    out = []
    for i, x in enumerate(xs):
        t.observe(float(x), i * MIN)
        out.append([s for s, st in t.state.items() if st == "firing"])
    return out


def promtool_unit_test(rule, xs, timeline):
    """A promtool unit-test file (as JSON, which YAML reads): the series sampled every minute,
    evaluated every minute, and at every minute the expected firing alerts."""
    prom_severity = {"warning": "warning", "alarm": "critical"}
    annotations = dict(rule.annotations)
    if rule.summary:
        annotations = {"summary": rule.summary, **annotations}
    tests = []
    for i, firing in enumerate(timeline):
        alerts = []
        for s in firing:
            a = {"exp_labels": {"severity": prom_severity[s], **rule.labels}}
            if annotations:
                a["exp_annotations"] = annotations
            alerts.append(a)
        tests.append({"eval_time": f"{i}m", "alertname": rule.name, "exp_alerts": alerts})
    return {
        "rule_files": ["rules.yml"],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": [{"series": rule.metric, "values": series_text(xs)}],
                "alert_rule_test": tests,
            }
        ],
    }


def run_promtool(promtool, tmp_path, rule, xs, timeline):
    (tmp_path / "rules.yml").write_text(to_prometheus_yaml([rule]))
    (tmp_path / "test.yml").write_text(json.dumps(promtool_unit_test(rule, xs, timeline), indent=1))
    check = subprocess.run([promtool, "check", "rules", "rules.yml"], cwd=tmp_path, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    return subprocess.run([promtool, "test", "rules", "test.yml"], cwd=tmp_path, capture_output=True, text=True)


def random_walk(seed, n=90):
    rng = np.random.default_rng(seed)
    x = 0.15 + np.cumsum(rng.normal(0, 0.04, n))
    x[rng.random(n) < 0.05] = np.nan  # a few evaluations without data
    return np.round(x, 4)


PARITY_CASES = {
    "oscillation-hysteresis-for": (
        AlertRule("drift_psi", warning=(1.0, 0.8), for_duration="2m", name="PsiOscillates", summary="psi above 1"),
        oscillation(),
    ),
    "oscillation-no-hysteresis": (AlertRule("drift_psi", warning=1.0, name="PsiFlaps"), oscillation()),
    "keep-firing-for": (AlertRule("drift_psi", warning=1.0, keep_firing_for="2m"), [2, 0, 0, 2, 0, 0, 0, 0, 2, 0, 2]),
    "for-and-keep": (
        AlertRule("score", warning=(1.0, 0.5), alarm=(2.0, 1.5), for_duration="2m", keep_firing_for="3m",
                  labels={"team": "ml"}, annotations={"runbook": "https://example.org/r"}),  # fmt: skip
        [0, 2.5, 1.7, 2.1, 0.4, 0.6, 0.3, 0.2, 0.1, 0.1, 1.2, 1.2, 0.7, 0.2, 0.2, 0.2, 0.2, 0.2],
    ),
    "band": (
        AlertRule("positive_rate", "outside_band", warning=(0.0, -0.05), alarm=0.1, low=0.2, high=0.8,
                  for_duration="1m", keep_firing_for="1m"),  # fmt: skip
        [0.5, 0.85, 0.78, 0.74, 0.7, 0.05, 0.15, 0.5, 0.5, 0.95, 0.95, 0.95, 0.5, 0.5],
    ),
    "sigma": (
        AlertRule("feature_mean", "sigma_band", warning=(2, 1.5), alarm=3, reference=0.1, reference_sd=0.2),
        [0.1, 0.55, 0.45, 0.38, -0.55, -0.5000000000000001, 0.7000000000000001, 0.7000000000000002, -0.5000000000000002, 0.1],
    ),
    "below": (
        AlertRule("ks_pvalue", "below", warning=(0.01, 0.05), alarm=(0.001, 0.002), for_duration="1m"),
        [0.5, 0.005, 0.0005, 0.0015, 0.03, 0.06, 0.0001, 0.2, 0.2],
    ),
    "relative": (
        AlertRule("missing_share", "relative_to_reference", warning=(0.10, 0.05), reference=0.02),
        [0.05, 0.13, 0.08, 0.06, 0.12, 0.12000000000000001, 0.12000000000000002, 0.05],
    ),
    "nan-is-no-data": (
        AlertRule("drift_psi", warning=1.0, for_duration="2m", keep_firing_for="1m"),
        [2, 2, 2, NAN, NAN, 2, NAN, 2, 2, 2, 2, NAN, 0, 0],
    ),
}
for _seed in range(3):
    PARITY_CASES[f"random-walk-{_seed}"] = (
        AlertRule("walk", warning=(0.2, 0.1), alarm=(0.4, 0.3), for_duration="3m", keep_firing_for="2m"),
        random_walk(_seed),
    )


@pytest.mark.parametrize("case", sorted(PARITY_CASES))
def test_promtool_agrees_on_the_firing_timeline(promtool, tmp_path, case):
    rule, xs = PARITY_CASES[case]
    timeline = firing_timeline(rule, xs)
    assert any(timeline), "a case that never fires tests nothing"
    res = run_promtool(promtool, tmp_path, rule, xs, timeline)
    assert res.returncode == 0 and "SUCCESS" in res.stdout, res.stdout + res.stderr


def test_promtool_parity_can_fail(promtool, tmp_path):
    """The parity test detects a timeline that differs from Prometheus' by one evaluation."""
    rule, xs = PARITY_CASES["oscillation-hysteresis-for"]
    timeline = firing_timeline(rule, xs)
    assert [i for i, f in enumerate(timeline) if f] == list(range(3, 11))  # by hand: firing at 3m..10m
    wrong = [list(f) for f in timeline]
    wrong[3] = []  # claim it fires one evaluation later
    res = run_promtool(promtool, tmp_path, rule, xs, wrong)
    assert res.returncode != 0 and "PsiOscillates" in res.stdout + res.stderr
    # and Prometheus really uses the hysteresis: without it the same input gives another timeline
    plain = AlertRule("drift_psi", warning=1.0, for_duration="2m", name="PsiOscillates", summary="psi above 1")
    res = run_promtool(promtool, tmp_path, plain, xs, timeline)
    assert res.returncode != 0
