"""driftscope.sketch: HistogramSketch, Moments, KLLSketch, ks_test.

Oracles: numpy (bin counts, mean / var with ddof, exact ranks and quantiles),
scipy.stats.ks_2samp (exact KS statistic), and Apache DataSketches' kll_doubles_sketch +
ks_test at the same k on the same data (decision accuracy).
"""

from __future__ import annotations

import copy
import pickle
import threading

import datasketches
import numpy as np
import pytest
from scipy import stats

from driftscope import ReferenceProfile, sketch
from driftscope.sketch import HistogramSketch, KLLSketch, Moments, ks_test

EPS200 = 2.296 / 200**0.9723  # DataSketches' KLL single-sided rank error bound, k = 200


def normal(n, shift=0.0, seed=0, nan_rate=0.0):
    rng = np.random.default_rng(seed)
    x = rng.normal(shift, 1.0, n)
    if nan_rate:
        x[rng.random(n) < nan_rate] = np.nan
    return x


# --- HistogramSketch -------------------------------------------------------------------
EDGES = np.array([-1.5, -0.25, 0.0, 0.5, 2.0])


def numpy_counts(x, edges):
    ok = x[~np.isnan(x)]
    return np.bincount(np.searchsorted(edges, ok, side="right"), minlength=len(edges) + 1)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_histogram_counts_and_merge(dtype):
    x = np.concatenate([normal(3000, seed=1, nan_rate=0.05), [0.0, -1.5, np.inf, -np.inf]]).astype(dtype)
    h = HistogramSketch(EDGES)
    h.update_many(x)
    expect = numpy_counts(x.astype(np.float64), EDGES)
    np.testing.assert_array_equal(h.counts, expect)
    assert h.counts.dtype == np.int64
    assert h.missing == int(np.isnan(x).sum())
    assert h.total == len(x) - h.missing
    np.testing.assert_array_equal(h.edges, EDGES)
    a, b = HistogramSketch(EDGES), HistogramSketch(EDGES)
    a.update_many(x[:1234])
    for v in x[1234:]:
        b.update(float(v))
    a.merge(b)
    np.testing.assert_array_equal(a.counts, expect)
    assert a.missing == h.missing


def test_histogram_errors_and_bytes():
    with pytest.raises(ValueError, match="edges"):
        HistogramSketch([1.0, 0.0])
    with pytest.raises(ValueError, match="edges"):
        HistogramSketch([0.0, np.nan])
    with pytest.raises(ValueError, match="edges"):
        HistogramSketch(np.zeros((2, 2)))
    h = HistogramSketch(EDGES)
    with pytest.raises(ValueError, match="edges"):
        h.merge(HistogramSketch(EDGES + 1e-9))
    h.update_many(normal(500, seed=2, nan_rate=0.1))
    for g in (HistogramSketch.from_bytes(h.to_bytes()), pickle.loads(pickle.dumps(h)), copy.deepcopy(h)):
        np.testing.assert_array_equal(g.counts, h.counts)
        assert g.missing == h.missing
        assert g.to_bytes() == h.to_bytes()
    data = h.to_bytes()
    for n in (0, 7, len(data) - 1):
        with pytest.raises(ValueError):
            HistogramSketch.from_bytes(data[:n])
    with pytest.raises(ValueError):
        HistogramSketch.from_bytes(b"XXXX" + data[4:])


# --- Moments -----------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_moments_vs_numpy(dtype):
    x = (normal(10000, seed=3, nan_rate=0.02) * 3 + 100).astype(dtype)
    ok = x[~np.isnan(x)].astype(np.float64)
    m = Moments()
    m.update_many(x)
    assert m.count == len(ok)
    assert m.missing == len(x) - len(ok)
    assert m.mean == pytest.approx(ok.mean(), rel=1e-13)
    for ddof in (0, 1, 2.5):
        assert m.variance(ddof) == pytest.approx(np.var(ok, ddof=ddof), rel=1e-11)
        assert m.std(ddof=ddof) == pytest.approx(np.std(ok, ddof=ddof), rel=1e-11)
    assert m.min == ok.min() and m.max == ok.max()
    # merge of random splits
    rng = np.random.default_rng(4)
    cuts = np.sort(rng.integers(0, len(x), 5))
    total = Moments()
    for part in np.split(x, cuts):
        p = Moments()
        if len(part) % 2:
            for v in part:
                p.update(float(v))
        else:
            p.update_many(part)
        total.merge(p)
    assert total.count == m.count and total.missing == m.missing
    assert total.min == m.min and total.max == m.max
    assert total.mean == pytest.approx(ok.mean(), rel=1e-12)
    assert total.variance(1) == pytest.approx(np.var(ok, ddof=1), rel=1e-10)


def test_moments_edge_cases_and_bytes():
    m = Moments()
    with pytest.raises(ValueError, match="mean"):
        _ = m.mean
    m.update(np.nan)
    m.update(5.0)
    assert m.variance() == 0.0
    with pytest.raises(ValueError, match="ddof"):
        m.variance(1)
    with pytest.raises(ValueError, match="ddof"):
        m.variance(-1)
    inf = Moments()
    inf.update_many(np.array([1.0, np.inf, 2.0]))
    with np.errstate(invalid="ignore"):
        assert inf.mean == np.mean([1.0, np.inf, 2.0])
        assert np.isnan(inf.variance()) and np.isnan(np.var([1.0, np.inf, 2.0]))
    m.update_many(normal(100, seed=5))
    for g in (Moments.from_bytes(m.to_bytes()), pickle.loads(pickle.dumps(m))):
        assert g.to_bytes() == m.to_bytes()
        assert g.mean == m.mean and g.count == m.count
    with pytest.raises(ValueError):
        Moments.from_bytes(m.to_bytes()[:-1])


# --- KLLSketch ---------------------------------------------------------------------------
def true_rank_interval(sorted_x, q):
    """[fraction < q, fraction <= q] of the exact data."""
    n = len(sorted_x)
    return np.searchsorted(sorted_x, q, side="left") / n, np.searchsorted(sorted_x, q, side="right") / n


@pytest.mark.parametrize("seed", range(5))
def test_kll_quantiles_and_ranks_within_bound(seed):
    x = normal(100_000, seed=seed) ** 3  # skewed, heavy tails
    s = KLLSketch(k=200, seed=seed)
    s.update_many(x)
    assert s.n == len(x) and s.is_estimation_mode
    assert s.normalized_rank_error() == pytest.approx(EPS200)
    assert s.normalized_rank_error(pmf=True) == pytest.approx(2.446 / 200**0.9433)
    sx = np.sort(x)
    ranks = np.linspace(0, 1, 201)
    q = s.quantiles(ranks)
    lo, hi = true_rank_interval(sx, q)
    assert np.all(ranks >= lo - EPS200) and np.all(ranks <= hi + EPS200)
    assert q[0] == sx[0] and q[-1] == sx[-1]
    assert s.quantile(0.5) == q[100]
    # exact quantiles by numpy's inverted_cdf are within eps in rank of ours
    exact = np.quantile(x, ranks[1:-1], method="inverted_cdf")
    assert np.max(np.abs(np.searchsorted(sx, exact, side="right") - np.searchsorted(sx, q[1:-1], side="right"))) / len(
        x
    ) <= EPS200 + 1 / len(x)
    pts = np.quantile(x, np.linspace(0.01, 0.99, 99))
    est = s.cdf(pts)
    exact_cdf = np.searchsorted(sx, pts, side="right") / len(x)
    assert np.max(np.abs(est - exact_cdf)) <= EPS200
    assert s.rank(float(pts[10])) == est[10]
    assert s.min == sx[0] and s.max == sx[-1]


def test_kll_exact_mode_matches_numpy():
    x = np.array([5.0, 1, 4, 4, 2, np.nan, 3])
    s = KLLSketch()
    s.update_many(x)
    ok = x[~np.isnan(x)]
    assert s.n == 6 and s.missing == 1 and not s.is_estimation_mode and len(s) == 6
    ranks = np.linspace(0, 1, 37)
    np.testing.assert_array_equal(s.quantiles(ranks), np.quantile(ok, ranks, method="inverted_cdf"))
    pts = np.array([0.0, 1.0, 3.5, 4.0, 9.0])
    np.testing.assert_array_equal(s.cdf(pts), np.searchsorted(np.sort(ok), pts, side="right") / 6)


def test_kll_merge_serialize_pickle_determinism():
    x = normal(60_000, seed=7, nan_rate=0.01)
    whole = KLLSketch(k=200, seed=1)
    whole.update_many(x)
    parts = [KLLSketch(k=200, seed=10 + i) for i in range(12)]
    merged = KLLSketch(k=200, seed=2)
    for p, chunk in zip(parts, np.array_split(x, 12)):
        p.update_many(chunk)
        merged.merge(p)
    assert merged.n == whole.n and merged.missing == whole.missing
    ok = np.sort(x[~np.isnan(x)])
    pts = np.quantile(ok, np.linspace(0.05, 0.95, 19))
    assert np.max(np.abs(merged.cdf(pts) - np.searchsorted(ok, pts, side="right") / len(ok))) <= EPS200
    # restore: identical queries and identical future updates
    for r in (KLLSketch.from_bytes(merged.to_bytes()), pickle.loads(pickle.dumps(merged)), copy.copy(merged)):
        assert r.to_bytes() == merged.to_bytes()
        np.testing.assert_array_equal(r.quantiles(np.linspace(0, 1, 11)), merged.quantiles(np.linspace(0, 1, 11)))
        more = normal(5000, seed=8)
        r.update_many(more)
        m2 = KLLSketch.from_bytes(merged.to_bytes())
        for v in more:
            m2.update(float(v))
        assert r.to_bytes() == m2.to_bytes()
    # same seed, same sketch
    a, b = KLLSketch(seed=5), KLLSketch(seed=5)
    a.update_many(x)
    b.update_many(x.astype(np.float64).tolist())
    assert a.to_bytes() == b.to_bytes()
    assert a.memory_bytes > 8 * a.num_retained
    assert "KLLSketch(k=200" in repr(a)


def test_kll_errors():
    with pytest.raises(ValueError, match="k"):
        KLLSketch(k=4)
    with pytest.raises(ValueError, match="k"):
        KLLSketch(k=100).merge(KLLSketch(k=200))
    s = KLLSketch()
    with pytest.raises(ValueError, match="empty"):
        s.quantile(0.5)
    with pytest.raises(ValueError, match="empty"):
        s.rank(0.0)
    with pytest.raises(ValueError, match="empty"):
        _ = s.min
    s.update(1.0)
    with pytest.raises(ValueError, match="rank"):
        s.quantile(1.5)
    with pytest.raises(ValueError, match="x"):
        s.update_many(np.zeros((3, 2)))
    data = s.to_bytes()
    for n in range(len(data)):
        with pytest.raises(ValueError):
            KLLSketch.from_bytes(data[:n])
    with pytest.raises(ValueError):
        KLLSketch.from_bytes(data + b"\0")
    with pytest.raises(ValueError, match="pickle"):
        KLLSketch.__new__(KLLSketch).__setstate__((99, data))


def test_kll_update_many_releases_gil():
    x = normal(2_000_000, seed=9)
    sketches = [KLLSketch(seed=i) for i in range(2)]
    threads = [threading.Thread(target=s.update_many, args=(x,)) for s in sketches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sketches[0].n == sketches[1].n == len(x)


# --- ks_test -----------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(4))
def test_ks_test_exact_reference_vs_scipy(seed):
    ref = normal(5000, seed=seed)
    cur = normal(20000, shift=0.05 * seed, seed=100 + seed)
    s = KLLSketch(seed=seed)
    s.update_many(cur)
    r = ks_test(ReferenceProfile(ref), s, alpha=0.05)
    d_exact = stats.ks_2samp(ref, cur).statistic
    assert abs(r.statistic - d_exact) <= EPS200
    assert r.eps == pytest.approx(EPS200)
    assert (r.n1, r.n2) == (5000, 20000)
    assert r.threshold == pytest.approx(np.sqrt(-0.5 * np.log(0.025)) * np.sqrt(25000 / (5000 * 20000)) + EPS200)
    assert r.drift == (r.statistic > r.threshold)
    # sketch vs sketch: within eps1 + eps2
    sr = KLLSketch(seed=50 + seed)
    sr.update_many(ref)
    r2 = sketch.ks_test(sr, s)
    assert abs(r2.statistic - d_exact) <= 2 * EPS200
    assert r2.eps == pytest.approx(2 * EPS200)


def test_ks_test_exact_mode_equals_scipy_and_errors():
    a, b = normal(150, seed=1), normal(120, 0.4, seed=2)
    sa, sb = KLLSketch(), KLLSketch()
    sa.update_many(a)
    sb.update_many(b)
    r = ks_test(sa, sb)
    assert r.statistic == pytest.approx(stats.ks_2samp(a, b).statistic, abs=1e-15)
    assert r.eps == 0
    with pytest.raises(ValueError, match="alpha"):
        ks_test(sa, sb, alpha=0.0)
    with pytest.raises(ValueError, match="non-empty"):
        ks_test(sa, KLLSketch())
    assert "SketchKSResult(statistic=" in repr(r)


def test_ks_decisions_at_least_as_accurate_as_datasketches():
    """Drift / no-drift pairs of 20,000 values each, k = 200, alpha = 0.05, fixed seeds."""
    k, n, alpha = 200, 20_000, 0.05
    ours_correct = theirs_correct = total = 0
    for seed in range(16):
        shift = [0.0, 0.0, 0.1, 0.2][seed % 4]
        a, b = normal(n, seed=2 * seed), normal(n, shift, seed=2 * seed + 1)
        oa, ob = KLLSketch(k=k, seed=seed), KLLSketch(k=k, seed=seed + 100)
        oa.update_many(a)
        ob.update_many(b)
        da, db = datasketches.kll_doubles_sketch(k), datasketches.kll_doubles_sketch(k)
        da.update(a)
        db.update(b)
        truth = shift != 0.0
        ours_correct += ks_test(oa, ob, alpha).drift == truth
        theirs_correct += datasketches.ks_test(da, db, alpha) == truth
        total += 1
    assert ours_correct >= theirs_correct
    assert ours_correct / total >= 0.75  # the 0.1-sd shifts are the hard half of the drift cases
