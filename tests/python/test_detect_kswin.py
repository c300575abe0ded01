"""driftscope.drift.KSWIN against river.drift.KSWIN: same detections and p-values for the
same seed, always.

river's KSWIN calls scipy.stats.ks_2samp once per update, and scipy 1.17's public
ks_2samp spends most of its time in its axis / nan_policy decorator (~1-3 ms a call here).
To test hundreds of streams in a modest time, the bulk parity tests run river's KSWIN with
`stats.ks_2samp` bound to scipy's own undecorated implementation (`__wrapped__`, the same
computation for 1-D NaN-free input, checked below); the docstring example and a few
streams run river untouched.
"""

import importlib
import pickle
import random
import types
import warnings

import numpy as np
import pytest

from _detectors import REAL_KINDS, ours_loop, ours_many, river_run, split_restore_run, streams

river_drift = importlib.import_module("river.drift")
river_kswin = importlib.import_module("river.drift.kswin")
from scipy import stats  # noqa: E402

from driftscope import drift  # noqa: E402


def _undecorated(f):
    while hasattr(f, "__wrapped__"):
        f = f.__wrapped__
    return f


KS_2SAMP_CORE = _undecorated(stats.ks_2samp)


@pytest.fixture
def fast_river(monkeypatch):
    """river's KSWIN module with scipy's undecorated ks_2samp (same results, faster)."""
    monkeypatch.setattr(river_kswin, "stats", types.SimpleNamespace(ks_2samp=KS_2SAMP_CORE))


def river_trace(detector, x):
    """Drift positions and the p_value after every update, river's loop."""
    drifts, pvals = [], []
    for i, v in enumerate(np.asarray(x, dtype=np.float64).tolist()):
        detector.update(v)
        pvals.append(float(detector.p_value))
        if detector.drift_detected:
            drifts.append(i)
    return drifts, pvals


def ours_trace(detector, x):
    drifts, pvals = [], []
    for i, v in enumerate(np.asarray(x, dtype=np.float64).tolist()):
        detector.update(v)
        pvals.append(detector.p_value)
        if detector.drift_detected:
            drifts.append(i)
    return drifts, pvals


def test_undecorated_ks_2samp_is_the_same_computation():
    rng = np.random.default_rng(0)
    for k in range(150):
        n = int(rng.integers(1, 60))
        a = rng.normal(size=n)
        b = rng.normal(float(rng.uniform(-1, 1)), 1, size=n)
        if k % 3 == 0:  # ties
            a, b = np.round(a), np.round(b)
        with warnings.catch_warnings():  # as river: the exact p-value may fall back to asymp
            warnings.simplefilter("ignore", category=RuntimeWarning)
            got = KS_2SAMP_CORE(a.tolist(), b.tolist(), method="auto")
            exp = stats.ks_2samp(a.tolist(), b.tolist(), method="auto")
        assert (float(got[0]), float(got[1])) == (float(exp[0]), float(exp[1]))


def test_p_value_and_decision_for_every_gap():
    # window_size = 2n, stat_size = n: the sample is a permutation of the older half, so the
    # test compares W = 0..n-1 with R = h..h+n-1, whose KS gap is exactly h.
    for n in range(1, 41):
        for h in range(0, n + 1):
            older, recent = list(range(n)), list(range(h, h + n))
            d = drift.KSWIN(alpha=0.05, window_size=2 * n, stat_size=n, seed=n, window=older + recent[:-1])
            d.update(float(recent[-1]))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", category=RuntimeWarning)
                st, p = KS_2SAMP_CORE(older, recent, method="auto")[:2]
            assert (d.statistic, d.p_value) == (float(st), float(p)), (n, h)
            assert d.drift_detected == bool(p <= 0.05 and st > 0.1), (n, h)


def test_river_docstring_example():
    rng = random.Random(12345)
    data = rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)
    assert ours_loop(drift.KSWIN(alpha=0.0001, seed=42), data)[0] == [1016]
    assert ours_many(drift.KSWIN(alpha=0.0001, seed=42), np.asarray(data, dtype=np.float64))[0] == [1016]
    expected = river_trace(river_drift.KSWIN(alpha=0.0001, seed=42), data)  # river untouched
    assert expected[0] == [1016]
    assert ours_trace(drift.KSWIN(alpha=0.0001, seed=42), data) == expected


def test_untouched_river_streams():
    for name, x in streams(REAL_KINDS, 3, seed=99, n_min=250, n_max=400):
        for params in ({"seed": 3}, {"window_size": 30, "stat_size": 10, "alpha": 0.05, "seed": 2**64 - 1}):
            assert ours_trace(drift.KSWIN(**params), x) == river_trace(river_drift.KSWIN(**params), x), (name, params)


# Settings x stream counts (>= 300 streams in all). Each stream gets its own seed.
SETTINGS = [
    ("defaults", {}, 70, (150, 800)),
    ("small_windows", {"window_size": 30, "stat_size": 10}, 70, (60, 500)),
    ("alpha_0.05", {"alpha": 0.05, "window_size": 50, "stat_size": 15}, 50, (80, 500)),
    ("alpha_1e-4", {"alpha": 0.0001}, 40, (150, 800)),
    ("set_branch_k5", {"window_size": 60, "stat_size": 5, "alpha": 0.05}, 40, (80, 500)),
    ("set_branch_k30", {"window_size": 330, "stat_size": 30, "alpha": 0.01}, 20, (340, 1500)),
    ("initial_window", {"window_size": 40, "stat_size": 12, "alpha": 0.02, "window": True}, 40, (40, 400)),
]


@pytest.mark.usefixtures("fast_river")
@pytest.mark.parametrize("label,params,count,sizes", SETTINGS, ids=[s[0] for s in SETTINGS])
def test_parity_random_streams(label, params, count, sizes):
    rng = random.Random(label)
    total_drifts = 0
    for k, (name, x) in enumerate(streams(REAL_KINDS, count, seed=len(label) * 1000 + count, n_min=sizes[0], n_max=sizes[1])):
        p = dict(params)
        p["seed"] = rng.choice([k, rng.randrange(2**32), rng.randrange(2**64), -rng.randrange(1, 2**31), 2**64 + k])
        if p.get("window"):
            init = np.random.default_rng(k).normal(size=rng.randrange(1, 2 * p["window_size"])).tolist()
            p["window"] = init
        expected = river_trace(river_drift.KSWIN(**p), x)
        ours_p = {**p, "window": np.asarray(p["window"]) if "window" in p else None}
        assert ours_many(drift.KSWIN(**ours_p), x) == (expected[0], []), (label, name, p["seed"])
        if k % 10 == 0:  # every p-value too, through update()
            assert ours_trace(drift.KSWIN(**ours_p), x) == expected, (label, name)
        total_drifts += len(expected[0])
    assert total_drifts >= count // 2  # the streams exercise detections, not just silence


@pytest.mark.usefixtures("fast_river")
def test_stat_size_above_10000_uses_scipys_asymptotic_p_value():
    # scipy's method='auto' is exact only up to 10000 values per sample
    rng = np.random.default_rng(5)
    x = np.concatenate([rng.normal(size=20002), rng.normal(0.05, 1, size=40)])
    params = {"window_size": 20002, "stat_size": 10001, "alpha": 0.5, "seed": 9}
    expected = river_trace(river_drift.KSWIN(**params), x)
    got = ours_trace(drift.KSWIN(**params), x)
    assert got[0] == expected[0]
    # stats/ks.hpp's kstwo.sf agrees with scipy's to a few ulps (not bit for bit) here
    np.testing.assert_allclose(got[1], expected[1], rtol=1e-13, atol=0)
    assert sum(p != 0 for p in expected[1]) == 41


def test_split_restore_continues_exactly():
    rng = np.random.default_rng(7)
    for k, (_, x) in enumerate(streams(REAL_KINDS, 16, seed=3, n_min=300, n_max=1500)):
        make = lambda: drift.KSWIN(alpha=0.05, window_size=40, stat_size=12, seed=k)  # noqa: E731
        whole = ours_many(make(), x)
        assert whole[0], "the stream should have detections"
        cuts = rng.integers(0, len(x), size=4).tolist()
        for via in ("pickle", "bytes"):
            assert split_restore_run(make, x, cuts, via) == whole
    # restoring keeps the sample stream: the next p-values match an unbroken detector
    a = drift.KSWIN(window_size=30, stat_size=10, seed=1)
    a.update_many(np.arange(45.0) % 7)
    b = pickle.loads(pickle.dumps(a))
    xs = np.random.default_rng(1).normal(size=50)
    assert ours_trace(a, xs) == ours_trace(b, xs)


def test_state_reset_and_repr():
    d = drift.KSWIN(window_size=10, stat_size=3, seed=-5, window=[1.0, 2.0, 3.0])
    assert d.window.tolist() == [1.0, 2.0, 3.0] and d.n == 0 and d.p_value == 0.0
    assert d.seed == 5 and d.alpha == 0.005 and d.window_size == 10 and d.stat_size == 3
    d.update_many(np.arange(20.0))
    assert d.window.tolist() == list(np.arange(10.0, 20.0)) and d.n == 20
    assert 0.0 <= d.p_value <= 1.0 and 0.0 <= d.statistic <= 1.0
    assert d.warning_detected is False
    d.reset()
    assert d.window.tolist() == [] and d.n == 0 and d.p_value == 0.0
    assert repr(drift.KSWIN()) == "KSWIN(alpha=0.005, window_size=100, stat_size=30, seed=None)"
    assert repr(drift.KSWIN(seed=2**70)) == f"KSWIN(alpha=0.005, window_size=100, stat_size=30, seed={2**70})"
    assert drift.KSWIN(seed=2**70).seed == 2**70
    # a window longer than window_size keeps its last window_size values (river's deque)
    assert drift.KSWIN(window_size=4, stat_size=2, window=np.arange(6.0)).window.tolist() == [2.0, 3.0, 4.0, 5.0]
    # after a drift the window holds the most recent stat_size values, as river's
    x = np.concatenate([np.zeros(40), np.full(40, 5.0)])
    ours, theirs = drift.KSWIN(window_size=20, stat_size=6, seed=0), river_drift.KSWIN(window_size=20, stat_size=6, seed=0)
    for v in x.tolist():
        ours.update(v)
        theirs.update(v)
        assert ours.drift_detected == theirs.drift_detected
        assert ours.window.tolist() == list(theirs.window) and ours.n == theirs.n and ours.p_value == theirs.p_value


def test_no_seed_is_random_but_valid():
    # constant before the change: no false alarm is possible whatever seed is drawn (D = 0)
    x = np.concatenate([np.zeros(300), np.ones(300)])
    d = drift.KSWIN()
    assert d.seed is None
    r = d.update_many(x)
    assert len(r.drifts) >= 1 and all(i >= 300 for i in r.drifts)
    c = pickle.loads(pickle.dumps(d))
    assert c.seed is None and c.window.tolist() == d.window.tolist()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"alpha": 0.0}, "alpha"),
        ({"alpha": 1.0}, "alpha"),
        ({"alpha": -0.1}, "alpha"),
        ({"window_size": 1, "stat_size": 1}, "window_size"),
        ({"window_size": 100, "stat_size": 100}, "stat_size"),
        ({"window_size": 100, "stat_size": 51}, "stat_size"),
        ({"stat_size": 0}, "stat_size"),
        ({"window_size": 2**40}, "window_size"),
        ({"window": [1.0, float("nan")]}, "window"),
        ({"window": [[1.0]]}, "window"),
        ({"nonfinite": "drop"}, "nonfinite"),
    ],
)
def test_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        drift.KSWIN(**kwargs)


def test_bad_seed_type():
    with pytest.raises(TypeError, match="seed"):
        drift.KSWIN(seed=1.5)


def test_nonfinite_policy():
    d = drift.KSWIN(seed=1)
    with pytest.raises(ValueError, match="finite"):
        d.update(float("nan"))
    with pytest.raises(ValueError, match=r"x\[1\]"):
        d.update_many(np.array([1.0, np.inf]))
    x = np.concatenate([np.zeros(150), np.full(150, 5.0)]) + np.random.default_rng(2).normal(0, 1, 300)
    with_nan = np.insert(x, [10, 160, 160], np.nan)
    got = drift.KSWIN(seed=1, nonfinite="skip").update_many(with_nan).drifts.tolist()
    exp = drift.KSWIN(seed=1).update_many(x).drifts.tolist()
    assert exp
    kept = np.flatnonzero(~np.isnan(with_nan))
    assert got == kept[exp].tolist()
    skip = drift.KSWIN(window_size=10, stat_size=3, window=[1.0, np.inf, 2.0], nonfinite="skip")
    assert skip.window.tolist() == [1.0, 2.0]


def test_corrupt_bytes():
    d = drift.KSWIN(seed=3)
    d.update_many(np.arange(120.0))
    b = d.to_bytes()
    assert drift.KSWIN.from_bytes(b).to_bytes() == b
    with pytest.raises(ValueError, match="magic"):
        drift.KSWIN.from_bytes(b"XXXX" + b[4:])
    with pytest.raises(ValueError, match="truncated"):
        drift.KSWIN.from_bytes(b[:-1])
    with pytest.raises(ValueError, match="trailing"):
        drift.KSWIN.from_bytes(b + b"\0")
    with pytest.raises(ValueError, match="kind"):
        drift.PageHinkley.from_bytes(b)
