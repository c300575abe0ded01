"""HistogramWindow: at every evaluation point the window's statistics equal numpy / scipy
on the window's slice of the stream (np.searchsorted + bincount, the PSI formula written
here, scipy jensenshannon / chisquare); pickling and bytes keep the state; bad input
raises ValueError naming the argument."""

import pickle

import numpy as np
import pytest
from scipy import stats
from scipy.spatial.distance import jensenshannon

import driftscope
from driftscope.window import HistogramWindow, WindowEvaluations


def _stream(seed, n, edges, nan_share=0.05):
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, n)
    x[n // 2 :] += 0.8
    x[rng.random(n) < 0.02] = np.inf
    x[rng.random(n) < 0.02] = -np.inf
    on_edge = rng.random(n) < 0.03
    x[on_edge] = rng.choice(edges, on_edge.sum())
    x[rng.random(n) < nan_share] = np.nan
    return x


def _oracle(ref_counts, edges, values):
    """counts, missing, psi, js, hellinger, tvd, chisquare p of `values` by numpy / scipy."""
    ok = values[~np.isnan(values)]
    cur = np.bincount(np.searchsorted(edges, ok, side="right"), minlength=len(ref_counts)).astype(float)
    r = ref_counts / ref_counts.sum()
    if ok.size == 0:
        return cur, values.size - ok.size, None
    c = cur / ok.size
    rc, cc = np.maximum(r, 1e-4), np.maximum(c, 1e-4)
    psi = float(np.sum((cc - rc) * np.log(cc / rc)))
    js = float(jensenshannon(r, c, base=2))
    hel = float(np.sqrt(0.5 * np.sum((np.sqrt(r) - np.sqrt(c)) ** 2)))
    tvd = float(0.5 * np.abs(r - c).sum())
    present = (ref_counts > 0) | (cur > 0)
    if present.sum() <= 1:
        p = 1.0
    elif np.any((ref_counts == 0) & (cur > 0)):
        p = 0.0
    else:
        p = float(stats.chisquare(cur[present], r[present] * ok.size).pvalue)
    return cur, values.size - ok.size, (psi, js, hel, tvd, p)


def _check(w, ref_counts, edges, values):
    cur, missing, st = _oracle(ref_counts, edges, values)
    np.testing.assert_array_equal(w.counts, cur)
    assert w.missing == missing
    assert w.rows == values.size
    assert w.n == values.size - missing
    if st is None:
        with pytest.raises(ValueError):
            w.psi()
        return
    psi, js, hel, tvd, p = st
    assert w.psi() == pytest.approx(psi, rel=1e-12, abs=1e-15)
    assert w.js_distance() == pytest.approx(js, rel=1e-12, abs=1e-15)
    assert w.hellinger() == pytest.approx(hel, rel=1e-12, abs=1e-15)
    assert w.total_variation() == pytest.approx(tvd, rel=1e-12, abs=1e-15)
    assert w.chi_square_pvalue() == pytest.approx(p, rel=1e-9, abs=1e-300)


@pytest.fixture(scope="module")
def reference():
    return np.random.default_rng(0).normal(0.0, 1.0, 3000)


@pytest.mark.parametrize(
    "kw",
    [
        dict(kind="sliding", size=60, stride=7),
        dict(kind="sliding", size=200),
        dict(kind="tumbling", size=50),
        dict(kind="sliding", size=1, stride=1),
    ],
)
def test_count_windows_match_numpy_scipy(reference, kw):
    prof = driftscope.ReferenceProfile(reference)
    edges, ref_counts = prof.edges, prof.counts
    x = _stream(1, 1500, edges)
    w = HistogramWindow(prof, **kw)
    size = kw["size"]
    stride = kw.get("stride", size // 10 if kw["kind"] == "sliding" else size)
    expect_ends = np.arange(size, x.size + 1, stride)
    # one value at a time: check every evaluation point against the oracle
    ends = []
    for i, v in enumerate(x):
        if w.update(v):
            ends.append(i + 1)
            _check(w, ref_counts, edges, x[i + 1 - size : i + 1])
    np.testing.assert_array_equal(ends, expect_ends)
    # update_many: the same evaluations, statistics per evaluation point
    w2 = HistogramWindow(prof, **kw)
    ev = w2.update_many(x)
    assert isinstance(ev, WindowEvaluations)
    assert len(ev) == expect_ends.size
    np.testing.assert_array_equal(ev.ends, expect_ends)
    np.testing.assert_array_equal(ev.timestamps, np.zeros(expect_ends.size, dtype=np.int64))
    for k, end in enumerate(expect_ends[:40]):
        _, _, st = _oracle(ref_counts, edges, x[end - size : end])
        if st is None:
            assert np.isnan(ev.psi[k])
            continue
        assert ev.psi[k] == pytest.approx(st[0], rel=1e-12, abs=1e-15)
        assert ev.js_distance[k] == pytest.approx(st[1], rel=1e-12, abs=1e-15)
        assert ev.hellinger[k] == pytest.approx(st[2], rel=1e-12, abs=1e-15)
        assert ev.total_variation[k] == pytest.approx(st[3], rel=1e-12, abs=1e-15)


def test_array_reference_bins_like_psi(reference):
    x = _stream(2, 800, np.quantile(reference, [0.5]))
    w = HistogramWindow(reference, kind="tumbling", size=800, bins=7)
    ev = w.update_many(x.astype(np.float32))
    assert len(ev) == 1
    xs = x.astype(np.float32)
    want = driftscope.stats.psi(reference, xs, bins=7)
    assert ev.psi[0] == pytest.approx(want.statistic, rel=1e-12, abs=1e-15)
    np.testing.assert_array_equal(w.edges, want.edges)
    np.testing.assert_array_equal(w.counts, want.current_counts)
    u = HistogramWindow(reference, kind="tumbling", size=800, binning="uniform", bins=5)
    u.update_many(x)
    assert u.psi() == pytest.approx(driftscope.stats.psi(reference, x, binning="uniform", bins=5).statistic, rel=1e-12)


def test_time_window_matches_slices(reference):
    prof = driftscope.ReferenceProfile(reference)
    edges, ref_counts = prof.edges, prof.counts
    rng = np.random.default_rng(3)
    n = 1500
    x = _stream(4, n, edges)
    ts = np.cumsum(rng.choice([0, 1, 2, 3, 40], n)).astype(np.int64) + 10**12
    w = HistogramWindow(prof, kind="time", duration=100, stride=25)
    ev = w.update_many(x, timestamps=ts)
    assert len(ev) > 20
    for k in range(len(ev)):
        end, b = int(ev.ends[k]), int(ev.timestamps[k])
        assert (b - ts[0]) % 25 == 0 and ts[end - 1] < b <= ts[end] < b + 25
        seen = slice(0, end)
        sel = (ts[seen] >= b - 100) & (ts[seen] < b)
        _, _, st = _oracle(ref_counts, edges, x[seen][sel])
        if st is None:
            assert np.isnan(ev.psi[k])
        else:
            assert ev.psi[k] == pytest.approx(st[0], rel=1e-12, abs=1e-15)
            assert ev.js_distance[k] == pytest.approx(st[1], rel=1e-12, abs=1e-15)
    # float timestamps (finite) are accepted, one value at a time too
    w2 = HistogramWindow(prof, kind="time", duration=100, stride=25)
    flags = [w2.update(v, timestamp=float(t)) for v, t in zip(x, ts)]
    assert sum(flags) == len(ev)


def test_decaying_matches_weighted_counts(reference):
    prof = driftscope.ReferenceProfile(reference)
    edges = prof.edges
    x = _stream(5, 700, edges)
    w = HistogramWindow(prof, kind="decaying", half_life=25.0, stride=10)
    ev = w.update_many(x)
    assert len(ev) == 70
    t = x.size
    wt = 2.0 ** (-(t - 1 - np.arange(t)) / 25.0)
    ok = ~np.isnan(x)
    want = np.bincount(np.searchsorted(edges, x[ok], side="right"), weights=wt[ok], minlength=10)
    np.testing.assert_allclose(w.counts, want, rtol=1e-11)
    assert w.n == pytest.approx(want.sum(), rel=1e-11)
    assert w.missing == int((~ok).sum())
    r = np.maximum(prof.counts / prof.counts.sum(), 1e-4)
    c = np.maximum(want / want.sum(), 1e-4)
    assert ev.psi[-1] == pytest.approx(np.sum((c - r) * np.log(c / r)), rel=1e-9)


def test_from_counts_categorical_codes():
    ref = np.array([50, 30, 0, 20])
    w = HistogramWindow.from_counts(ref, kind="sliding", size=40, stride=10)
    assert w.categorical and w.bins == 4 and w.edges.size == 0
    rng = np.random.default_rng(6)
    codes = rng.choice([-1, 0, 1, 3], 300, p=[0.05, 0.5, 0.3, 0.15])
    codes[280] = 2  # a category the reference never saw
    ev = w.update_many(codes)
    np.testing.assert_array_equal(ev.ends, np.arange(40, 301, 10))
    last = codes[-40:]
    cur = np.bincount(last[last >= 0], minlength=4).astype(float)
    np.testing.assert_array_equal(w.counts, cur)
    assert w.missing == int((last < 0).sum())
    assert w.chi_square_pvalue() == 0.0  # code 2 is in the last window
    p = ref / ref.sum()
    assert w.total_variation() == pytest.approx(0.5 * np.abs(p - cur / cur.sum()).sum(), rel=1e-12)
    w2 = HistogramWindow.from_counts(ref, kind="tumbling", size=40)
    w2.update_many(codes[:40])
    cur = np.bincount(codes[:40][codes[:40] >= 0], minlength=4).astype(float)
    present = (ref > 0) | (cur > 0)
    want = stats.chisquare(cur[present], p[present] * cur.sum()).pvalue
    assert w2.chi_square_pvalue() == pytest.approx(want, rel=1e-9)
    assert w2.update(1) is False
    with pytest.raises(ValueError, match="bin"):
        w2.update(4)
    with pytest.raises(ValueError, match="bin"):
        w2.update_many(np.array([0, 1, 7]))


def test_pickle_and_bytes_continue_identically(reference):
    prof = driftscope.ReferenceProfile(reference)
    x = _stream(7, 1200, prof.edges)
    ts = np.arange(x.size, dtype=np.int64) * 3
    for kw in [
        dict(kind="sliding", size=100, stride=9),
        dict(kind="tumbling", size=70),
        dict(kind="time", duration=150, stride=40),
        dict(kind="decaying", half_life=30.0, stride=4),
    ]:
        tsa = ts if kw["kind"] == "time" else None
        full = HistogramWindow(prof, **kw).update_many(x, timestamps=tsa)
        a = HistogramWindow(prof, **kw)
        head = a.update_many(x[:555], timestamps=None if tsa is None else tsa[:555])
        b = pickle.loads(pickle.dumps(a))
        c = HistogramWindow.from_bytes(a.to_bytes())
        assert b.to_bytes() == a.to_bytes() == c.to_bytes()
        for w in (b, c):
            tail = w.update_many(x[555:], timestamps=None if tsa is None else tsa[555:])
            np.testing.assert_array_equal(np.concatenate([head.ends, tail.ends]), full.ends)
            np.testing.assert_array_equal(np.concatenate([head.psi, tail.psi]), full.psi)
    with pytest.raises(ValueError):
        HistogramWindow.from_bytes(b"DSHW" + b"\0" * 10)
    with pytest.raises(ValueError):
        HistogramWindow.from_bytes(b"XXXX" + a.to_bytes()[4:])


def test_merge_tumbling(reference):
    prof = driftscope.ReferenceProfile(reference)
    x = _stream(8, 90, prof.edges)
    a = HistogramWindow(prof, kind="tumbling", size=100)
    b = HistogramWindow(prof, kind="tumbling", size=100)
    a.update_many(x[:50])
    b.update_many(x[50:])
    a.merge(b)
    _check(a, prof.counts, prof.edges, x)
    with pytest.raises(ValueError, match="other"):
        a.merge(HistogramWindow(prof, kind="tumbling", size=10))


def test_bad_input(reference):
    prof = driftscope.ReferenceProfile(reference)
    with pytest.raises(ValueError, match="size"):
        HistogramWindow(prof, size=0)
    with pytest.raises(ValueError, match="stride"):
        HistogramWindow(prof, size=10, stride=11)
    with pytest.raises(ValueError, match="kind"):
        HistogramWindow(prof, kind="hopping")
    with pytest.raises(ValueError, match="duration"):
        HistogramWindow(prof, kind="time")
    with pytest.raises(ValueError, match="half_life"):
        HistogramWindow(prof, kind="decaying", half_life=-1.0)
    with pytest.raises(ValueError, match="counts"):
        HistogramWindow.from_counts([0, 0])
    with pytest.raises(ValueError, match="counts"):
        HistogramWindow.from_counts([1, -1])
    t = HistogramWindow(prof, kind="time", duration=100, stride=10)
    with pytest.raises(ValueError, match="timestamp"):
        t.update(1.0)
    with pytest.raises(ValueError, match="timestamps"):
        t.update_many(np.ones(3))
    t.update_many(np.ones(2), timestamps=np.array([5, 9]))
    with pytest.raises(ValueError, match="timestamp"):
        t.update_many(np.ones(2), timestamps=np.array([10, 8]))
    with pytest.raises(ValueError, match="timestamp"):
        t.update(1.0, timestamp=3)
    assert t.seen == 2
    with pytest.raises(ValueError, match="timestamps"):
        t.update_many(np.ones(2), timestamps=np.array([11.0, np.nan]))
    with pytest.raises(ValueError, match="timestamp"):
        t.update(1.0, timestamp=float("nan"))
    with pytest.raises(ValueError, match="timestamps"):
        t.update_many(np.ones(2), timestamps=np.array([11, 12, 13]))
    assert t.seen == 2
    s = HistogramWindow(prof, kind="sliding", size=10)
    with pytest.raises(ValueError, match="no non-missing"):
        s.psi()
    s.update(np.nan)
    assert (s.rows, s.missing, s.n) == (1, 1, 0)
    with pytest.raises(ValueError, match="1-D"):
        s.update_many(np.ones((2, 2)))
    with pytest.raises(ValueError, match="epsilon"):
        s.update(0.5) or s.psi(epsilon=0.0)
    assert "HistogramWindow(kind='sliding'" in repr(s)
    assert s.memory_bytes() >= 10
