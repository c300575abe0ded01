"""EcdfWindow: at every evaluation point KS / Wasserstein equal scipy on the window slice."""

import copy
import pickle

import numpy as np
import pytest
import scipy.stats

from driftscope import ReferenceProfile
from driftscope.window import EcdfWindow


def _stream(seed, n, loc=0.0, nan_share=0.0, ties=False, dtype=np.float64):
    rng = np.random.default_rng(seed)
    x = rng.normal(loc, 1.0, n)
    if ties:
        x = np.round(x * 2.0) / 2.0
    x[rng.random(n) < nan_share] = np.nan
    return x.astype(dtype)


def _check_eval(ref, values, stat, pvalue, wd):
    """One evaluation against scipy on the slice (NaN dropped: missing values)."""
    ref = ref[~np.isnan(ref)]
    cur = values[~np.isnan(values)]
    if cur.size == 0:
        assert np.isnan(stat) and np.isnan(pvalue) and np.isnan(wd)
        return
    want = scipy.stats.ks_2samp(ref, cur)
    assert stat == want.statistic
    assert pvalue == pytest.approx(want.pvalue, rel=1e-9, abs=1e-300)
    assert wd == pytest.approx(scipy.stats.wasserstein_distance(ref, cur), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(
    ("size", "stride", "ties", "nan_share"),
    [(50, 7, False, 0.1), (30, 1, True, 0.2), (64, 64, False, 0.0), (200, 40, True, 0.05)],
)
def test_sliding_every_evaluation_point_matches_scipy(size, stride, ties, nan_share):
    ref = _stream(1, 1500, nan_share=0.05, ties=ties)
    x = _stream(2, 6 * size + 11, loc=0.3, nan_share=nan_share, ties=ties)
    w = EcdfWindow(ReferenceProfile(ref), kind="sliding", size=size, stride=stride)
    r = w.update_many(x)
    t = np.arange(1, x.size + 1)
    want_ends = t[(t >= size) & ((t - size) % stride == 0)]
    np.testing.assert_array_equal(r.ends, want_ends)
    assert r.ends.dtype == np.int64 and r.timestamps.dtype == np.int64
    np.testing.assert_array_equal(r.timestamps, np.zeros(want_ends.size, dtype=np.int64))
    assert len(r) == want_ends.size
    for k, end in enumerate(r.ends):
        _check_eval(ref, x[end - size : end], r.ks_statistic[k], r.ks_pvalue[k], r.wasserstein[k])
    # the final state is the last `size` values
    last = x[-size:]
    assert w.rows == size
    assert w.missing == int(np.isnan(last).sum())
    assert w.n == size - w.missing
    assert w.seen == x.size
    np.testing.assert_array_equal(w.sorted_values, np.sort(last[~np.isnan(last)]))


def test_update_one_by_one_and_ks_options():
    ref = _stream(3, 800, nan_share=0.02)
    x = _stream(4, 300, loc=0.5, nan_share=0.1)
    w = EcdfWindow(ref, size=40, stride=10)  # reference as an array
    clean_ref = ref[~np.isnan(ref)]
    evaluated = 0
    for i, v in enumerate(x):
        if w.update(float(v)):
            evaluated += 1
            cur = x[i + 1 - 40 : i + 1]
            cur = cur[~np.isnan(cur)]
            for alt in ("two-sided", "less", "greater"):
                for method in ("auto", "asymp"):
                    got = w.ks(alternative=alt, method=method)
                    want = scipy.stats.ks_2samp(clean_ref, cur, alternative=alt, method=method)
                    assert got.statistic == want.statistic
                    assert got.pvalue == pytest.approx(want.pvalue, rel=1e-9, abs=1e-300)
                    assert got.statistic_location == want.statistic_location
                    assert got.statistic_sign == want.statistic_sign
            assert w.wasserstein() == pytest.approx(scipy.stats.wasserstein_distance(clean_ref, cur), rel=1e-12)
    assert evaluated == (300 - 40) // 10 + 1


def test_tumbling_and_float32_input():
    ref = _stream(5, 1000)
    x = _stream(6, 250, loc=-0.2, nan_share=0.1, dtype=np.float32)
    prof = ReferenceProfile(ref)
    w = EcdfWindow(prof, kind="tumbling", size=60)
    assert w.reference is prof
    r = w.update_many(x)
    np.testing.assert_array_equal(r.ends, [60, 120, 180, 240])
    for k, end in enumerate(r.ends):
        _check_eval(ref, x[end - 60 : end].astype(np.float64), r.ks_statistic[k], r.ks_pvalue[k], r.wasserstein[k])
    assert w.rows == 250 - 240
    with pytest.raises(ValueError, match="stride"):
        EcdfWindow(prof, kind="tumbling", size=60, stride=30)


def test_time_window_boundaries_match_brute_force():
    ref = _stream(7, 600)
    rng = np.random.default_rng(8)
    n = 500
    x = _stream(9, n, loc=0.4, nan_share=0.1)
    gaps = rng.integers(0, 25, n)
    gaps[rng.random(n) < 0.02] = 3000  # rare long gaps: skipped boundaries
    ts = np.cumsum(gaps).astype(np.int64) + 10**12
    duration, stride = 1000, 300
    w = EcdfWindow(ref, kind="time", duration=duration, stride=stride)
    r = w.update_many(x, timestamps=ts)
    # brute force: evaluate the window at the largest boundary b <= ts[i], before adding x[i]
    ends, bounds = [], []
    nxt = ts[0] + stride
    for i in range(n):
        if ts[i] >= nxt:
            b = nxt + (ts[i] - nxt) // stride * stride
            ends.append(i)
            bounds.append(b)
            nxt = b + stride
    np.testing.assert_array_equal(r.ends, ends)
    np.testing.assert_array_equal(r.timestamps, bounds)
    for k, (i, b) in enumerate(zip(ends, bounds)):
        sel = (ts[:i] >= b - duration) & (ts[:i] < b)
        _check_eval(ref, x[:i][sel], r.ks_statistic[k], r.ks_pvalue[k], r.wasserstein[k])
    with pytest.raises(ValueError, match="timestamp"):
        w.update(1.0, timestamp=int(ts[-1]) - 1)
    with pytest.raises(ValueError, match="timestamp"):
        w.update(1.0)
    with pytest.raises(ValueError, match="timestamps"):
        w.update_many(x)
    assert w.update(1.0, timestamp=int(ts[-1]) + 10**6) is True


def test_serialization_and_pickle_continue_identically():
    ref = _stream(10, 700, nan_share=0.01)
    x = _stream(11, 400, loc=0.2, nan_share=0.1)
    w = EcdfWindow(ref, size=50, stride=9)
    w.update_many(x[:123])
    data = w.to_bytes()
    restored = EcdfWindow.from_bytes(data, w.reference)
    unpickled = pickle.loads(pickle.dumps(w))
    copied = copy.deepcopy(w)
    np.testing.assert_array_equal(unpickled.reference.sorted_values, w.reference.sorted_values)
    base = w.update_many(x[123:])
    for other in (restored, unpickled, copied):
        assert (other.rows, other.n, other.missing, other.seen) == (50, w.n - 0, other.missing, 123)
        r = other.update_many(x[123:])
        np.testing.assert_array_equal(r.ends, base.ends)
        np.testing.assert_array_equal(r.ks_statistic, base.ks_statistic)
        np.testing.assert_array_equal(r.ks_pvalue, base.ks_pvalue)
        np.testing.assert_array_equal(r.wasserstein, base.wasserstein)
        assert other.to_bytes() == w.to_bytes()
    for cut in range(0, len(data), 7):
        with pytest.raises(ValueError):
            EcdfWindow.from_bytes(data[:cut], w.reference)
    with pytest.raises(ValueError, match="reference"):
        EcdfWindow.from_bytes(data, ReferenceProfile(_stream(12, 700)))
    state = w.__getstate__()
    assert state[0] == 1 and state[1] == w.to_bytes() and state[2] == w.reference.to_bytes()
    for bad in ((2, state[1], state[2]), (1, state[1][:-3], state[2]), (1, state[1]), ("1", state[1], state[2])):
        blank = EcdfWindow.__new__(EcdfWindow)
        with pytest.raises(ValueError):
            blank.__setstate__(bad)


def test_invalid_arguments_and_empty_window():
    ref = _stream(13, 100)
    with pytest.raises(ValueError, match="decaying"):
        EcdfWindow(ref, kind="decaying", size=10)
    with pytest.raises(ValueError, match="size"):
        EcdfWindow(ref, size=0)
    with pytest.raises(ValueError, match="stride"):
        EcdfWindow(ref, size=10, stride=11)
    with pytest.raises(ValueError, match="kind"):
        EcdfWindow(ref, kind="hopping")
    with pytest.raises(ValueError, match="omit"):
        EcdfWindow(ReferenceProfile(ref, nan_policy="propagate"))
    w = EcdfWindow(ref, size=5, stride=1)
    with pytest.raises(ValueError, match="no non-missing"):
        w.ks()
    r = w.update_many(np.full(7, np.nan))
    assert len(r) == 3
    assert np.isnan(r.ks_statistic).all() and np.isnan(r.wasserstein).all()
    assert (w.rows, w.n, w.missing) == (5, 0, 5)
    with pytest.raises(ValueError, match="no non-missing"):
        w.wasserstein()
    w.update(0.25)
    with pytest.raises(ValueError, match="alternative"):
        w.ks(alternative="bigger")
    with pytest.raises(ValueError, match="method"):
        w.ks(method="fast")
    with pytest.raises(ValueError, match="1-D"):
        w.update_many(np.zeros((2, 2)))
    assert "EcdfWindow(kind='sliding', size=5, stride=1" in repr(w)
    w.reset()
    assert (w.rows, w.seen) == (0, 0)
