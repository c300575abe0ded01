"""ThresholdRule / ThresholdTracker / AlarmEvent / EventLog (driftscope._core).

Expected traces are hand-written or come from a declarative pure-Python oracle written from
the documented rule (not from the tracker's state machine).
"""

import math
import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from driftscope.monitor import AlarmEvent, EventLog, ThresholdRule, ThresholdTracker

NAN = float("nan")


def trace(rule, values):
    t = ThresholdTracker(rule)
    return "".join({"none": "-", "warning": "W", "alarm": "A"}[t.observe(v)] for v in values)


def oracle(warning, alarm, direction, patience, cooldown, values):
    """Level L fires at evaluation t (NaN removed) iff it is out of its cooldown (and, for the
    warning, out of the last alarm's cooldown), at least `patience` evaluations passed since
    its restart (its own firing or, for the warning, an alarm), and the last `patience`
    values are over L; when both fire, only the alarm is reported."""
    over = (lambda x, lv: x >= lv) if direction == "above" else (lambda x, lv: x < lv)
    vals = [v for v in values if not math.isnan(v)]
    out, last_a, last_w = [], -10**9, -10**9
    for t in range(len(vals)):
        def all_over(level):
            return t - patience + 1 >= 0 and all(over(vals[k], level) for k in range(t - patience + 1, t + 1))
        if alarm is not None and t - last_a > cooldown and t - last_a >= patience and all_over(alarm):
            out.append("A")
            last_a = t
        elif (warning is not None and t - last_w > cooldown and t - last_a > cooldown
              and t - max(last_w, last_a) >= patience and all_over(warning)):
            out.append("W")
            last_w = t
        else:
            out.append("-")
    it = iter(out)
    return "".join("-" if math.isnan(v) else next(it) for v in values)


# ----------------------------------------------------------------------------- rule


def test_rule_fields_repr_eq_pickle():
    r = ThresholdRule(warning=0.1, alarm=0.25)
    assert (r.warning, r.alarm, r.direction, r.patience, r.cooldown) == (0.1, 0.25, "above", 1, 0)
    assert repr(r) == "ThresholdRule(warning=0.1, alarm=0.25, direction='above', patience=1, cooldown=0)"
    p = ThresholdRule.p_value(0.01, None, patience=3, cooldown=10)
    assert p.direction == "below" and p.alarm is None and p.warning == 0.01
    assert repr(p) == "ThresholdRule(warning=0.01, alarm=None, direction='below', patience=3, cooldown=10)"
    assert ThresholdRule.distance(0.1, 0.25) == r
    assert r != p and r != "x"
    assert len({r, ThresholdRule.distance(0.1, 0.25), p}) == 2
    for x in (r, p):
        assert pickle.loads(pickle.dumps(x)) == x


@pytest.mark.parametrize("kwargs, needle", [
    ({}, "both are unset"),
    ({"warning": math.inf}, "warning must be finite"),
    ({"alarm": NAN}, "alarm must be a finite number or None"),
    ({"warning": 0.3, "alarm": 0.2}, "warning <= alarm"),
    ({"warning": 0.001, "alarm": 0.01, "direction": "below"}, "warning >= alarm"),
    ({"alarm": 1.0, "direction": "up"}, "direction must be 'above' or 'below', got 'up'"),
    ({"alarm": 1.0, "patience": 0}, "patience must be >= 1, got 0"),
    ({"alarm": 1.0, "cooldown": -1}, "cooldown must be >= 0, got -1"),
    ({"alarm": 1.0, "patience": 2**32}, "patience must be <="),
    ({"alarm": 1.0, "patience": 1.5}, "patience must be an integer"),
    ({"alarm": "high"}, "alarm must be a number or None"),
])
def test_bad_rules(kwargs, needle):
    with pytest.raises(ValueError, match="ThresholdRule") as e:
        ThresholdRule(**kwargs)
    assert needle in str(e.value)


def test_bad_tracker_argument():
    with pytest.raises(ValueError, match="ThresholdTracker: rule must be a ThresholdRule"):
        ThresholdTracker(0.25)


# ----------------------------------------------------------------------------- tracker


@pytest.mark.parametrize("rule, values, expected", [
    # warning 1, alarm 2, patience 2, cooldown 1 (the header's example)
    (ThresholdRule.distance(1, 2, 2, 1), [1.5, 1.5, 2.5, 2.5, 2.5, 2.5, 0, 1.2, 1.2], "-W-A-A--W"),
    # an alarm at a value also over the warning hides the warning; >= fires at the level
    (ThresholdRule.distance(0.1, 0.25), [0.0, 0.1, 0.2, 0.25, 0.3, 0.09999, 0.24, 0.5], "-WWAA-WA"),
    # the alarm silences the warning for its cooldown (2)
    (ThresholdRule.distance(1, 2, 1, 2), [3, 3, 3, 3, 3, 3, 3, 1.5, 1.5, 1.5], "A--A--A--W"),
    # p-values: fires when value < level
    (ThresholdRule.p_value(0.01, 0.001), [0.5, 0.009, 0.0005, 0.01, 0.001, 0.0, 1.0], "-WA-WA-"),
    # NaN is no evaluation
    (ThresholdRule(alarm=1.0, patience=3, cooldown=1), [2, NAN, 2, NAN, NAN, 2, NAN, 2, 2, 2], "-----A---A"),
])
def test_golden_traces(rule, values, expected):
    assert trace(rule, values) == expected


def test_no_flapping_patience_3_cooldown_10():
    wobble = [0.26, 0.24, 0.27, 0.26, 0.23]  # runs over 0.25 of length 1 and 2 only
    xs = wobble * 12 + [0.3] * 30 + wobble * 12
    calm = ThresholdTracker(ThresholdRule(alarm=0.25, patience=3, cooldown=10))
    # hand count: silent on the wobble; the sustained part (60..89) fires at 62, 73, 84
    assert calm.observe_many(xs) == [(62, "alarm"), (73, "alarm"), (84, "alarm")]
    jumpy = ThresholdTracker(ThresholdRule(alarm=0.25))
    assert len(jumpy.observe_many(xs)) == 24 * 3 + 30


def test_observe_many_equals_observe_and_state_fields():
    rng = np.random.default_rng(5)
    xs = rng.uniform(0, 0.4, 500)
    xs[::37] = np.nan
    rule = ThresholdRule(0.1, 0.25, patience=2, cooldown=3)
    a, b = ThresholdTracker(rule), ThresholdTracker(rule)
    one = [(i, lv) for i, x in enumerate(xs) if (lv := a.observe(float(x))) != "none"]
    assert b.observe_many(xs) == one
    assert b.observe_many([]) == []
    assert b.rule == rule
    b.reset()
    assert (b.warning_run, b.alarm_run, b.warning_silence, b.alarm_silence) == (0, 0, 0, 0)
    with pytest.raises(ValueError, match="values must be 1-D"):
        b.observe_many(np.zeros((2, 2)))


@given(
    st.lists(st.one_of(st.floats(0, 1), st.just(NAN)), max_size=60),
    st.integers(1, 4), st.integers(0, 5),
    st.sampled_from([(0.6, 0.8, "above"), (0.4, 0.2, "below"), (None, 0.7, "above"), (0.5, None, "below")]),
)
def test_matches_oracle(values, patience, cooldown, levels):
    warning, alarm, direction = levels
    rule = ThresholdRule(warning, alarm, direction, patience, cooldown)
    assert trace(rule, values) == oracle(warning, alarm, direction, patience, cooldown, values)


def test_tracker_bytes_and_pickle_continue_identically():
    rng = np.random.default_rng(11)
    xs = np.where(rng.random(300) < 0.6, 0.7 + 0.2 * rng.random(300), 0.5 * rng.random(300))
    rule = ThresholdRule(0.6, 0.8, patience=2, cooldown=3)
    a = ThresholdTracker(rule)
    a.observe_many(xs[:101])
    b = ThresholdTracker.from_bytes(a.to_bytes())
    c = pickle.loads(pickle.dumps(a))
    rest_a = a.observe_many(xs[101:])
    assert rest_a and b.observe_many(xs[101:]) == rest_a and c.observe_many(xs[101:]) == rest_a
    raw = a.to_bytes()
    for n in range(len(raw)):
        with pytest.raises(ValueError, match="truncated"):
            ThresholdTracker.from_bytes(raw[:n])
    with pytest.raises(ValueError, match="bad magic"):
        ThresholdTracker.from_bytes(b"X" + raw[1:])
    assert "ThresholdTracker(ThresholdRule(warning=0.6" in repr(a)


# ----------------------------------------------------------------------------- events


def test_alarm_event_fields():
    e = AlarmEvent("pitch_hz", "psi", "alarm", 0.31, 0.25, 2000)
    assert (e.feature, e.statistic, e.level, e.value, e.threshold, e.window_end, e.timestamp) == \
        ("pitch_hz", "psi", "alarm", 0.31, 0.25, 2000, None)
    assert e.to_dict() == {"feature": "pitch_hz", "statistic": "psi", "level": "alarm", "value": 0.31,
                           "threshold": 0.25, "window_end": 2000, "timestamp": None}
    assert repr(e) == ("AlarmEvent(feature='pitch_hz', statistic='psi', level='alarm', value=0.31, "
                       "threshold=0.25, window_end=2000, timestamp=None)")
    t = AlarmEvent("device", "chi_square", "warning", 1e-3, 0.01, 5, timestamp=-12)
    assert t.timestamp == -12 and t.to_dict()["timestamp"] == -12
    assert pickle.loads(pickle.dumps(t)) == t and t != e
    with pytest.raises(AttributeError):
        e.value = 1.0
    with pytest.raises(ValueError, match="level must be 'warning' or 'alarm'"):
        AlarmEvent("a", "psi", "none", 0, 0, 0)


def test_event_log_bounded():
    log = EventLog(capacity=3)
    assert (len(log), log.capacity, log.dropped, bool(log)) == (0, 3, 0, False)
    for i in range(5):
        log.append(AlarmEvent(f"f{i}", "psi", "warning", float(i), 0.1, 100 * i))
    assert len(log) == 3 and log.dropped == 2
    assert [e.feature for e in log] == ["f2", "f3", "f4"]
    assert log[0].feature == "f2" and log[-1].feature == "f4"
    assert [e.window_end for e in log[1:]] == [300, 400]
    with pytest.raises(IndexError):
        log[3]
    back = pickle.loads(pickle.dumps(log))
    assert list(back) == list(log) and back.dropped == 2 and back.capacity == 3
    assert repr(log) == "EventLog(3 events, capacity=3, dropped=2)"
    log.clear()
    assert len(log) == 0 and log.dropped == 0
    with pytest.raises(ValueError, match="capacity must be >= 0"):
        EventLog(-1)
    assert EventLog().capacity == 10000
