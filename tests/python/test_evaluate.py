"""driftscope.evaluate.detection_metrics against a plain-Python implementation of the
definitions stated in the module docstring (written here, independently of the C++
sweep), hand-computed cases, edge cases and errors."""

import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import driftscope.evaluate as ev
from driftscope import drift

NAN = float("nan")
INF = float("inf")


# --------------------------------------------------------------------------- reference


def reference(true_drifts, detections, n, max_delay=None):
    """The stated definitions, computed directly: per drift, scan all detections for the
    first one inside its window."""
    drifts = [(d, d) if isinstance(d, int) else tuple(d) for d in true_drifts]
    k, m = len(drifts), len(detections)
    detected_at = []
    for i, (s, e) in enumerate(drifts):
        stop = n if max_delay is None else min(e + max_delay, n)
        if i + 1 < k:
            stop = min(stop, drifts[i + 1][0])
        inside = [d for d in detections if s <= d < stop]
        detected_at.append(inside[0] if inside else None)
    delays = [None if a is None else a - s for a, (s, _) in zip(detected_at, drifts)]
    tp = sum(a is not None for a in detected_at)
    fp, fn = m - tp, k - tp
    found = [d for d in delays if d is not None]
    return pooled(n, k, m, tp, fp, fn, sum(found), detected_at, delays, max_delay)


def pooled(n, k, m, tp, fp, fn, delay_sum, detected_at, delays, max_delay):
    mtd = delay_sum / tp if tp else NAN
    mtfa = n / fp if fp else INF
    mdr = fn / k if k else NAN
    if tp == 0:
        mtr = NAN
    elif fp == 0 or delay_sum == 0:
        mtr = INF
    else:
        mtr = mtfa / mtd * (1 - mdr)
    return {
        "mtd": mtd, "mtfa": mtfa, "mdr": mdr, "mtr": mtr,
        "true_positives": tp, "false_positives": fp, "false_negatives": fn,
        "precision": tp / m if m else NAN,
        "recall": tp / k if k else NAN,
        "f1": 2 * tp / (2 * tp + fp + fn) if (2 * tp + fp + fn) else NAN,
        "false_alarms_per_1000": 1000 * fp / n,
        "n": n, "n_drifts": k, "n_detections": m, "max_delay": max_delay, "delay_sum": delay_sum,
        "detected_at": detected_at, "delays": delays,
    }


def same(a, b):
    if isinstance(b, float):
        if math.isnan(b):
            return isinstance(a, float) and math.isnan(a)
        if math.isinf(b):
            return a == b
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)
    return a == b


def assert_matches(result, expected):
    got = result.to_dict()
    assert set(got) == set(expected)
    for key, value in expected.items():
        assert same(got[key], value), (key, got[key], value)
        assert same(getattr(result, key), value), key


# --------------------------------------------------------------------------- hypothesis


@st.composite
def cases(draw):
    n = draw(st.integers(1, 400))
    drifts = []
    prev_start, prev_end = -1, 0
    for gap, length, as_pair in draw(st.lists(st.tuples(st.integers(0, 120), st.integers(0, 80), st.booleans()),
                                              max_size=8)):
        start = prev_end + gap
        if start <= prev_start:
            start = prev_start + 1
        if start >= n:
            break
        end = min(start + length, n)
        drifts.append((start, end) if (as_pair or end > start) else start)
        prev_start, prev_end = start, end
    detections = sorted(draw(st.sets(st.integers(0, n - 1), max_size=25)))
    max_delay = draw(st.one_of(st.none(), st.integers(1, 2 * n)))
    return drifts, detections, n, max_delay


@settings(max_examples=400, deadline=None)
@given(cases())
def test_matches_reference_definitions(case):
    drifts, detections, n, max_delay = case
    assert_matches(ev.detection_metrics(drifts, detections, n, max_delay=max_delay),
                   reference(drifts, detections, n, max_delay))


@settings(max_examples=100, deadline=None)
@given(st.lists(cases(), min_size=1, max_size=4), st.integers(1, 50))
def test_merge_pools_as_stated(cs, max_delay):
    results = [ev.detection_metrics(d, x, n, max_delay=max_delay) for d, x, n, _ in cs]
    refs = [reference(d, x, n, max_delay) for d, x, n, _ in cs]
    tot = {k: sum(r[k] for r in refs) for k in ("n", "n_drifts", "n_detections", "true_positives",
                                                 "false_positives", "false_negatives", "delay_sum")}
    expected = pooled(tot["n"], tot["n_drifts"], tot["n_detections"], tot["true_positives"], tot["false_positives"],
                      tot["false_negatives"], tot["delay_sum"], sum((r["detected_at"] for r in refs), []),
                      sum((r["delays"] for r in refs), []), max_delay)
    assert_matches(ev.merge(*results), expected)
    assert_matches(ev.merge(results), expected)


# --------------------------------------------------------------------------- hand cases


def test_hand_computed_abrupt():
    # windows [20, 40) and [60, 80): 10 false; 25 finds drift 0 (delay 5); 30 a repeat
    # (false); 70 finds drift 1 (delay 10); 90 false
    m = ev.detection_metrics([20, 60], [10, 25, 30, 70, 90], n=100, max_delay=20)
    assert (m.true_positives, m.false_positives, m.false_negatives) == (2, 3, 0)
    assert m.detected_at == [25, 70] and m.delays == [5, 10]
    assert m.mtd == 7.5
    assert m.mtfa == pytest.approx(100 / 3)
    assert m.mdr == 0.0
    assert m.mtr == pytest.approx((100 / 3) / 7.5)
    assert m.precision == 0.4 and m.recall == 1.0 and m.f1 == pytest.approx(4 / 7)
    assert m.false_alarms_per_1000 == 30.0
    assert m.max_delay == 20 and m.n == 100


def test_hand_computed_gradual_and_cut_windows():
    # [100, 200) then 220, max_delay 50: windows [100, 220) and [220, 270)
    m = ev.detection_metrics([(100, 200), 220], [90, 210, 215, 230, 300], n=400, max_delay=50)
    assert m.delays == [110, 10] and m.mtd == 60.0
    assert m.false_positives == 3 and m.mtfa == pytest.approx(400 / 3)
    # max_delay 11: windows [100, 211) and [220, 231): 215 is a false alarm
    m = ev.detection_metrics([(100, 200), 220], [215, 230], n=400, max_delay=11)
    assert m.detected_at == [None, 230] and m.mdr == 0.5 and m.mtr == pytest.approx(400 / 10 * 0.5)


def test_max_delay_is_exclusive_and_none_is_unbounded():
    assert ev.detection_metrics([10], [14], 50, max_delay=5).delays == [4]
    assert ev.detection_metrics([10], [15], 50, max_delay=5).delays == [None]
    m = ev.detection_metrics([10, 50], [45, 99], 100)
    assert m.max_delay is None and m.delays == [35, 49] and m.mtd == 42.0


def test_edge_cases():
    m = ev.detection_metrics([5], [], 10, max_delay=3)  # no detections
    assert math.isnan(m.mtd) and m.mtfa == INF and m.mdr == 1.0 and math.isnan(m.mtr)
    assert math.isnan(m.precision) and m.recall == 0.0 and m.f1 == 0.0 and m.false_alarms_per_1000 == 0.0
    m = ev.detection_metrics([], [3, 7], 10)  # no true drifts
    assert m.mtfa == 5.0 and math.isnan(m.mdr) and math.isnan(m.mtr) and math.isnan(m.recall)
    assert m.precision == 0.0 and m.f1 == 0.0 and m.false_alarms_per_1000 == 200.0
    m = ev.detection_metrics([], [], 1)  # nothing
    assert math.isnan(m.f1) and math.isnan(m.precision) and m.mtfa == INF
    m = ev.detection_metrics([5], [5], 10)  # delay 0, no false alarms
    assert m.mtd == 0.0 and m.mtr == INF and m.f1 == 1.0


# --------------------------------------------------------------------------- inputs


def test_input_forms_agree():
    expected = ev.detection_metrics([(10, 20), 40], [12, 41, 60], 100, max_delay=10).to_dict()
    forms = [
        (np.array([[10, 20], [40, 40]]), np.array([12, 41, 60])),
        (np.array([[10, 20], [40, 40]], dtype=np.uint32), np.array([12, 41, 60], dtype=np.int32)),
        ([[10, 20], (np.int64(40), 40)], (12, 41, 60)),
        (((10, 20), np.int16(40)), iter([12, 41, 60])),
    ]
    for truth, dets in forms:
        assert ev.detection_metrics(truth, dets, np.int64(100), max_delay=np.int32(10)).to_dict() == expected
    pts = ev.detection_metrics(np.array([10, 40]), [12, 41], 100, max_delay=10)
    assert pts.detected_at == [12, 41]
    assert ev.detection_metrics(np.array([], dtype=np.float64), np.array([]), 5).n_drifts == 0


def test_detection_result_from_a_detector():
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.normal(0, 1, 1000), rng.normal(4, 1, 1000)])
    found = drift.PageHinkley(threshold=20.0).update_many(x)
    m = ev.detection_metrics([1000], found, n=len(x), max_delay=200)
    assert m.to_dict() == ev.detection_metrics([1000], found.drifts.tolist(), len(x), max_delay=200).to_dict()
    assert m.true_positives == 1 and 0 <= m.delays[0] < 200
    assert m.n_detections == len(found.drifts)


def test_result_object():
    m = ev.detection_metrics([20, 60], [10, 25, 30, 70, 90], n=100, max_delay=20)
    assert isinstance(m, ev.DetectionMetrics)
    d = m.to_dict()
    assert list(d) == ["mtd", "mtfa", "mdr", "mtr", "true_positives", "false_positives", "false_negatives",
                       "precision", "recall", "f1", "false_alarms_per_1000", "n", "n_drifts", "n_detections",
                       "max_delay", "delay_sum", "detected_at", "delays"]
    assert repr(m).startswith("DetectionMetrics(mtd=7.5, mtfa=33.333333333333336, mdr=0.0, mtr=")
    assert repr(m).endswith("n=100, max_delay=20)")
    assert "max_delay=None" in repr(ev.detection_metrics([], [], 3))
    c = pickle.loads(pickle.dumps(m))
    assert same_dicts(c.to_dict(), d)
    u = pickle.loads(pickle.dumps(ev.detection_metrics([], [], 3)))
    assert u.max_delay is None and math.isnan(u.f1)


def same_dicts(a, b):
    return a.keys() == b.keys() and all(same(a[k], v) for k, v in b.items())


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        (([], [], 0), {}, r"detection_metrics: n must be >= 1, got 0"),
        (([], [], -4), {}, r"n must be >= 1, got -4"),
        (([], [], 5.0), {}, r"n must be an integer"),
        (([], [], True), {}, r"n must be an integer"),
        (([], [], 5), {"max_delay": 0}, r"max_delay must be >= 1, got 0"),
        (([], [], 5), {"max_delay": 2.5}, r"max_delay must be an integer"),
        (([5], [], 5), {}, r"true_drifts\[0\] starts at 5, must be < n = 5"),
        (([(2, 6)], [], 5), {}, r"true_drifts\[0\] = \[2, 6\) must have start <= end <= n"),
        (([(3, 2)], [], 5), {}, r"true_drifts\[0\] = \[3, 2\)"),
        (([3, 3], [], 5), {}, r"true_drifts must be sorted and not overlap"),
        (([3, 1], [], 5), {}, r"true_drifts must be sorted and not overlap"),
        (([(1, 4), 3], [], 5), {}, r"true_drifts must be sorted and not overlap"),
        (([-1], [], 5), {}, r"true_drifts\[0\] must be >= 0, got -1"),
        (([1.5], [], 5), {}, r"true_drifts\[0\] must be a position"),
        (([True], [], 5), {}, r"true_drifts\[0\] must be a position"),
        (([(1, 2, 3)], [], 5), {}, r"true_drifts\[0\] must be a position"),
        ((np.array([1.0]), [], 5), {}, r"true_drifts must hold integer positions"),
        ((np.zeros((2, 3), dtype=int), [], 5), {}, r"true_drifts must be 1-D .* or of shape \(k, 2\)"),
        ((7, [], 5), {}, r"true_drifts must be a sequence"),
        (([], [1, 5], 5), {}, r"detections\[1\] = 5 must be < n = 5"),
        (([], [2, 2], 5), {}, r"detections must be strictly increasing, got 2 after 2"),
        (([], [3, 1], 5), {}, r"detections must be strictly increasing"),
        (([], [-2], 5), {}, r"detections\[0\] must be >= 0, got -2"),
        (([], [0.5], 5), {}, r"detections\[0\] must be an integer position"),
        (([], np.array([0.0]), 5), {}, r"detections must hold integer positions"),
        (([], np.zeros((1, 1), dtype=int), 5), {}, r"detections must be 1-D"),
        (([], "abc", 5), {}, r"detections must be a sequence"),
        (([2 ** 70], [], 5), {}, r"true_drifts\[0\] = .* is out of range"),
    ],
)
def test_invalid_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        ev.detection_metrics(*args, **kwargs)


def test_merge_errors():
    a = ev.detection_metrics([1], [1], 5, max_delay=2)
    b = ev.detection_metrics([1], [1], 5, max_delay=3)
    with pytest.raises(ValueError, match="max_delay"):
        ev.merge(a, b)
    with pytest.raises(ValueError, match="at least one"):
        ev.merge()
    with pytest.raises(ValueError, match="argument 1 must be a DetectionMetrics"):
        ev.merge(a, 3)
    assert ev.merge(a) is a
