"""driftscope.sketch: HyperLogLog, FrequentItems, LatencySketch (issue 7 monitoring sketches).

Oracles: exact distinct counts (streams distinct by construction), collections.Counter,
numpy.quantile(method='lower'), a plain-Python statement of the item hash and the
HyperLogLog register update (the byte layout), Apache DataSketches' hll_sketch and
frequent_strings_sketch, and the ``ddsketch`` package (DDSketch, LogCollapsingLowestDenseDDSketch)
on the same data.
"""

from __future__ import annotations

import copy
import json
import math
import pickle
import struct
import subprocess
import sys
import threading
from collections import Counter

import datasketches
import ddsketch
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _util import REPO_ROOT

from driftscope import sketch
from driftscope.sketch import FrequentItems, HyperLogLog, LatencySketch

M64 = (1 << 64) - 1


# --- a plain-Python statement of core/hash.hpp and the register update -----------------
def _mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


GAMMA = 0x9E3779B97F4A7C15
INT_SALT, DOUBLE_SALT, STRING_SALT = 0x6A09E667F3BCC908, 0xBB67AE8584CAA73B, 0x3C6EF372FE94F82B


def _hash_int(v):
    return _mix64((v + INT_SALT + GAMMA) & M64)


def _hash_float(x):
    if x == 0.0:
        bits = 0
    elif math.isnan(x):
        bits = 0x7FF8000000000000
    else:
        bits = struct.unpack("<Q", struct.pack("<d", x))[0]
    return _mix64((bits + DOUBLE_SALT + GAMMA) & M64)


def _hash_bytes(b):
    h = STRING_SALT ^ ((len(b) * GAMMA) & M64)

    def fold(h, w):
        h ^= (w * 0xC2B2AE3D27D4EB4F) & M64
        h = ((h << 29) | (h >> 35)) & M64
        return (h * 0x9FB21C651E98DF25) & M64

    full = len(b) // 8 * 8
    for i in range(0, full, 8):
        h = fold(h, int.from_bytes(b[i : i + 8], "little"))
    if len(b) > full:
        h = fold(h, int.from_bytes(b[full:], "little"))
    return _mix64((h + GAMMA) & M64)


def _registers(hashes, p):
    reg = [0] * (1 << p)
    for h in hashes:
        idx = h >> (64 - p)
        rest = ((h << p) & M64) | (1 << (p - 1))
        rank = 64 - rest.bit_length() + 1
        reg[idx] = max(reg[idx], rank)
    return bytes(reg)


def distinct_ints(n, seed):
    # a·i + b mod 2^64 with a odd: n distinct int64 values per seed
    rng = np.random.default_rng(seed)
    a = int(rng.integers(1, 2**62)) | 1
    b = int(rng.integers(0, 2**62))
    return ((np.arange(n, dtype=np.uint64) * np.uint64(a)) + np.uint64(b)).view(np.int64)


# --- HyperLogLog ------------------------------------------------------------------------
def test_hll_registers_match_the_algorithm_statement():
    p = 8
    ints = [0, 1, -1, 2**63 - 1, -(2**63), 123456789] + list(range(1000, 1400))
    floats = [0.0, -0.0, 1.0, -2.5, 1e-300, 1e300, float("inf"), float("nan"), 0.1 * 3]
    strings = ["", "a", "1", "abcdefgh", "abcdefghi", "user-1234567890@example.org", "ü€😀"]
    h = HyperLogLog(p)
    h.update_many(np.array(ints, dtype=np.int64))
    h.update_many(np.array(floats))
    h.update_many(strings)
    expect = _registers(
        [_hash_int(v & M64) for v in ints] + [_hash_float(x) for x in floats] + [_hash_bytes(s.encode()) for s in strings],
        p,
    )
    data = h.to_bytes()
    assert data[:8] == b"DSHL" + bytes([23, 1, 0, p])
    assert data[8:] == expect


def test_hll_rms_relative_error_200_streams():
    rse = 1.04 / math.sqrt(4096)
    errors = []
    for seed in range(200):
        h = HyperLogLog(12)
        h.update_many(distinct_ints(100_000, seed))
        errors.append(h.estimate() / 100_000 - 1)
    rms = math.sqrt(np.mean(np.square(errors)))
    assert 0.7 * rse <= rms <= 1.3 * rse
    assert abs(np.mean(errors)) < 3 * rse / math.sqrt(200)  # unbiased


@pytest.mark.parametrize("n", [10, 100, 1000, 10_000, 1_000_000])
def test_hll_error_over_sizes(n):
    rse = 1.04 / math.sqrt(4096)
    for seed in range(5 if n == 1_000_000 else 20):
        h = HyperLogLog()
        h.update_many(distinct_ints(n, 1000 + seed))
        if n <= 100:  # linear-counting regime: within a few items
            assert abs(h.estimate() - n) <= 1 + 4 * n / math.sqrt(2 * 4096)
        else:
            assert abs(h.estimate() / n - 1) <= 4 * rse


def test_hll_vs_datasketches_on_the_same_strings():
    rse = 1.04 / math.sqrt(4096)
    ours, theirs = [], []
    n = 20_000
    for seed in range(30):
        items = [f"session-{seed}-{i}" for i in range(n)]
        o = HyperLogLog(12)
        o.update_many(items)
        d = datasketches.hll_sketch(12, datasketches.tgt_hll_type.HLL_8)
        for s in items:
            d.update(s)
        ours.append(o.estimate() / n - 1)
        theirs.append(d.get_estimate() / n - 1)
    rms_o, rms_d = math.sqrt(np.mean(np.square(ours))), math.sqrt(np.mean(np.square(theirs)))
    assert max(map(abs, ours)) <= 4 * rse
    assert max(map(abs, theirs)) <= 4 * rse
    assert 0.6 * rse <= rms_o <= 1.4 * rse
    assert 0.5 <= rms_o / rms_d <= 2.0


def test_hll_items_duplicates_and_merge():
    x = distinct_ints(30_000, 7)
    once, twice = HyperLogLog(10), HyperLogLog(10)
    once.update_many(x)
    twice.update_many(np.concatenate([x, x[::-1]]))
    assert once == twice
    left, right = HyperLogLog(10), HyperLogLog(10)
    left.update_many(x[:20_000])
    right.update_many(x[10_000:])
    left.merge(right)
    assert left.to_bytes() == once.to_bytes()
    # the same strings through every input form
    words = ["alpha", "beta", "gamma", "beta"]
    forms = [words, tuple(words), np.array(words), np.array(words, dtype=object), iter(words)]
    sketches = []
    for f in forms:
        s = HyperLogLog(8)
        s.update_many(f)
        sketches.append(s.to_bytes())
    one = HyperLogLog(8)
    for w in words:
        one.update(w)
    assert all(b == one.to_bytes() for b in sketches)
    b = HyperLogLog(8)
    b.update(b"alpha")  # bytes are the same item as their UTF-8 str
    a = HyperLogLog(8)
    a.update("alpha")
    assert a == b
    # 1, 1.0 and "1" are three items; -0.0 is 0.0; numpy scalars are their values
    k = HyperLogLog()
    for v in [1, 1.0, "1", np.int64(1), np.float32(1.0), True, -0.0, 0.0, float("nan"), np.nan]:
        k.update(v)
    assert round(k.estimate()) == 5
    empty = HyperLogLog()
    assert empty.is_empty and empty.estimate() == 0.0
    assert 0.0162 < empty.relative_standard_error < 0.0163
    assert empty.num_registers == 4096 and empty.p == 12
    assert "HyperLogLog(p=12" in repr(k)


def test_hll_bytes_pickle_and_errors():
    h = HyperLogLog(6)
    h.update_many(np.arange(500))
    data = h.to_bytes()
    assert len(data) == 8 + 64 == h.serialized_size_bytes
    for g in (HyperLogLog.from_bytes(data), pickle.loads(pickle.dumps(h)), copy.deepcopy(h), copy.copy(h)):
        assert g == h and g.estimate() == h.estimate()
    for n in range(len(data)):
        with pytest.raises(ValueError, match="truncated"):
            HyperLogLog.from_bytes(data[:n])
    with pytest.raises(ValueError, match="trailing"):
        HyperLogLog.from_bytes(data + b"\0")
    with pytest.raises(ValueError, match="magic"):
        HyperLogLog.from_bytes(b"XXXX" + data[4:])
    with pytest.raises(ValueError, match="register"):
        HyperLogLog.from_bytes(data[:8] + bytes([60]) + data[9:])
    with pytest.raises(ValueError, match="pickle"):
        HyperLogLog.__new__(HyperLogLog).__setstate__((99, data))
    with pytest.raises(ValueError, match=r"p must be in \[4, 18\], got 3"):
        HyperLogLog(3)
    with pytest.raises(ValueError, match="p must match"):
        h.merge(HyperLogLog(7))
    with pytest.raises(ValueError, match="x must be a str, bytes, int or float"):
        h.update(None)
    with pytest.raises(ValueError, match="64-bit"):
        h.update(2**64)
    with pytest.raises(ValueError, match="1-D"):
        h.update_many(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="single string"):
        h.update_many("abc")
    with pytest.raises(ValueError, match="items must be str"):
        h.update_many(["a", 1])
    with pytest.raises(ValueError, match="dtype"):
        h.update_many(np.array([1 + 2j]))


def test_hll_update_many_releases_gil():
    x = distinct_ints(3_000_000, 1)
    sketches = [HyperLogLog(14) for _ in range(2)]
    threads = [threading.Thread(target=s.update_many, args=(x,)) for s in sketches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sketches[0] == sketches[1]


# --- FrequentItems -------------------------------------------------------------------------
def zipf_names(n, a, seed, universe=50_000):
    rng = np.random.default_rng(seed)
    ranks = rng.zipf(a, n)
    ranks = ranks[ranks <= universe]
    return [f"/api/item/{r * 7919 % 100_003}" for r in ranks]


def check_bounds(f, exact):
    n = sum(exact.values())
    assert f.total_weight == n
    eps = n / f.k
    assert f.maximum_error <= eps
    for item, c in exact.items():
        lo, hi = f.lower_bound(item), f.upper_bound(item)
        assert lo <= c <= hi
        assert hi - c <= f.maximum_error
        assert f.estimate(item) == hi
        if c > eps:
            assert item in f
    nfn = {r[0] for r in f.items_above()}  # threshold N / k
    assert {i for i, c in exact.items() if c > eps} <= nfn
    for item, est, lo, hi in f.items_above(error_type="no_false_positives"):
        assert exact[item] > eps and lo > eps and est == hi
    rows = f.top()
    assert len(rows) == f.size == len(f)
    assert [r[1] for r in rows] == sorted((r[1] for r in rows), reverse=True)


@pytest.mark.parametrize("k", [16, 64, 256])
@pytest.mark.parametrize("a", [1.2, 1.6, 2.5])
def test_frequent_items_bounds_on_zipf(k, a):
    names = zipf_names(50_000, a, seed=k + int(10 * a))
    f = FrequentItems(k)
    f.update_many(names[:20_000])
    for s in names[20_000:30_000]:
        f.update(s)
    f.update_many(np.array(names[30_000:]))
    check_bounds(f, Counter(names))


def test_frequent_items_same_heavy_hitters_as_datasketches():
    k = 64
    names = zipf_names(100_000, 1.3, seed=5)
    exact = Counter(names)
    n = len(names)
    ours = FrequentItems(k)
    ours.update_many(names)
    theirs = datasketches.frequent_strings_sketch(8)  # 0.75 * 256 counters: epsilon 3.5/256 < 1/64
    for s in names:
        theirs.update(s)
    assert theirs.epsilon <= 1 / k
    eps = n / k
    true_hh = {i for i, c in exact.items() if c > eps}
    assert len(true_hh) >= 5
    nfn = datasketches.frequent_items_error_type.NO_FALSE_NEGATIVES
    nfp = datasketches.frequent_items_error_type.NO_FALSE_POSITIVES
    ours_nfn = {r[0] for r in ours.items_above(eps)}
    theirs_nfn = {r[0] for r in theirs.get_frequent_items(nfn, int(eps))}
    assert true_hh <= ours_nfn and true_hh <= theirs_nfn
    ours_nfp = {r[0] for r in ours.items_above(eps, "no_false_positives")}
    theirs_nfp = {r[0] for r in theirs.get_frequent_items(nfp, int(eps))}
    assert ours_nfp <= true_hh and theirs_nfp <= true_hh
    clear = {i for i, c in exact.items() if c > 2 * eps}  # both must certify these
    assert clear <= ours_nfp and clear <= theirs_nfp
    # the two disagree only on items within the error band around the threshold
    for item in ours_nfn ^ theirs_nfn:
        assert exact[item] <= 2 * eps
    # the estimates of the clear heavy hitters agree within both error bounds
    for item in clear:
        assert abs(ours.estimate(item) - theirs.get_estimate(item)) <= eps + theirs.epsilon * n


def test_frequent_items_merge_keeps_bounds():
    k = 32
    parts = [zipf_names(15_000, 1.1 + 0.2 * (i % 3), seed=100 + i) for i in range(6)]
    parts[3] = [s + "-shifted" for s in parts[3]]  # different heavy hitters in one part
    sketches = []
    for p in parts:
        f = FrequentItems(k)
        f.update_many(p)
        sketches.append(f)
    whole = Counter(x for p in parts for x in p)
    chain = FrequentItems(k)
    for s in sketches:
        chain.merge(s)
    check_bounds(chain, whole)
    tree = [copy.copy(s) for s in sketches]
    while len(tree) > 1:  # pairwise
        nxt = []
        for i in range(0, len(tree) - 1, 2):
            tree[i].merge(tree[i + 1])
            nxt.append(tree[i])
        tree = nxt + ([tree[-1]] if len(tree) % 2 else [])
    check_bounds(tree[0], whole)
    merged_after = copy.copy(chain)  # updates after a merge keep the bounds
    extra = zipf_names(10_000, 1.4, seed=9)
    merged_after.update_many(extra)
    check_bounds(merged_after, whole + Counter(extra))


def test_frequent_items_numbers_weights_and_small():
    rng = np.random.default_rng(3)
    x = rng.zipf(1.3, 30_000)
    w = rng.integers(0, 20, x.size)
    f = FrequentItems(32, item_type="int")
    f.update_many(x, weights=w)
    exact = Counter()
    for v, c in zip(x.tolist(), w.tolist()):
        if c:
            exact[v] += c
    check_bounds(f, exact)
    assert isinstance(f.top(1)[0][0], int)
    g = FrequentItems(8, item_type="float")
    g.update_many(np.array([0.5, 0.5, -0.0, 0.0, np.nan, np.nan, 2]))
    assert g.estimate(0.5) == 2 and g.estimate(0.0) == 2 and g.estimate(float("nan")) == 2
    assert g.estimate(2) == 1 and isinstance(g.top(1)[0][0], float)
    s = FrequentItems(5)
    assert s.is_empty and s.top() == [] and s.maximum_error == 0
    s.update("a", weight=3)
    s.update("b")
    s.update("c", weight=0)
    assert s.top() == [("a", 3, 3, 3), ("b", 1, 1, 1)]
    assert s.top(1) == [("a", 3, 3, 3)] and s.top(0) == []
    assert "a" in s and "c" not in s and 1 not in s
    assert s.items_above(2) == [("a", 3, 3, 3)]
    assert s.item_type == "str" and s.k == 5 and s.total_weight == 4
    assert repr(s) == "FrequentItems(k=5, item_type='str', size=2, total_weight=4)"


def test_frequent_items_bytes_pickle_errors():
    names = zipf_names(5_000, 1.2, seed=1)
    f = FrequentItems(16)
    f.update_many(names[:4_000])
    data = f.to_bytes()
    assert data[:8] == b"DSFI" + bytes([24, 1, 0, 0])
    for g in (FrequentItems.from_bytes(data), pickle.loads(pickle.dumps(f)), copy.deepcopy(f)):
        assert g.top() == f.top() and g.to_bytes() == data
        g.update_many(names[4_000:])
    g2 = FrequentItems.from_bytes(data)
    f.update_many(names[4_000:])
    g2.update_many(names[4_000:])
    assert g2.to_bytes() == f.to_bytes()  # same future
    i = FrequentItems(4, "int")
    i.update(5)
    assert FrequentItems.from_bytes(i.to_bytes()).item_type == "int"
    fl = FrequentItems(4, "float")
    fl.update(2.5)
    assert FrequentItems.from_bytes(fl.to_bytes()).top() == [(2.5, 1, 1, 1)]
    for n in range(len(data)):
        with pytest.raises(ValueError):
            FrequentItems.from_bytes(data[:n])
    with pytest.raises(ValueError, match="trailing"):
        FrequentItems.from_bytes(data + b"\0")
    with pytest.raises(ValueError, match="item type"):
        FrequentItems.from_bytes(data[:6] + bytes([7]) + data[7:])
    one = FrequentItems(4)
    one.update("ab")
    bad = bytearray(one.to_bytes())
    bad[-1] = 0xFF  # not UTF-8
    with pytest.raises(ValueError, match="UTF-8"):
        FrequentItems.from_bytes(bytes(bad))
    with pytest.raises(ValueError, match="k must be in"):
        FrequentItems(0)
    with pytest.raises(ValueError, match="item_type must be"):
        FrequentItems(4, "bytes")
    with pytest.raises(ValueError, match="counts str items"):
        f.update(3)
    with pytest.raises(ValueError, match="counts int items"):
        i.update("a")
    with pytest.raises(ValueError, match="counts int items"):
        i.update(1.5)
    with pytest.raises(ValueError, match="weight must be >= 0"):
        f.update("a", -1)
    with pytest.raises(ValueError, match="one weight per item"):
        f.update_many(["a", "b"], weights=[1])
    with pytest.raises(ValueError, match="weights must be >= 0"):
        f.update_many(["a", "b"], weights=[1, -2])
    with pytest.raises(ValueError, match="weights must be integers"):
        f.update_many(["a", "b"], weights=[1.5, 2])
    with pytest.raises(ValueError, match="integer numbers"):
        i.update_many(np.array([1.5]))
    with pytest.raises(ValueError, match="item_type must match"):
        f.merge(i)
    with pytest.raises(ValueError, match="k must match"):
        f.merge(FrequentItems(17))
    with pytest.raises(ValueError, match="error_type"):
        f.items_above(1.0, "sometimes")
    with pytest.raises(ValueError, match="NaN"):
        f.items_above(float("nan"))


# --- LatencySketch -------------------------------------------------------------------------
def lower_quantile(x, q):
    return np.quantile(x, q, method="lower")


def samples(kind, n, seed):
    rng = np.random.default_rng(seed)
    if kind == "lognormal":
        return rng.lognormal(-3.0, 1.0, n)
    return 1e-3 * (1 + rng.pareto(1.2, n))  # Pareto, heavy tail


QS = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999]


@pytest.mark.parametrize("kind", ["lognormal", "pareto"])
@pytest.mark.parametrize("n", [1, 2, 7, 100, 1_000, 100_000])
@pytest.mark.parametrize("alpha", [0.01, 0.05])
def test_latency_quantiles_within_alpha_of_numpy(kind, n, alpha):
    for seed in range(3):
        x = samples(kind, n, seed)
        s = LatencySketch(alpha)
        s.update_many(x)
        for q in QS + [0.0, 1.0]:
            exact = lower_quantile(x, q)
            assert abs(s.quantile(q) - exact) <= alpha * exact * (1 + 1e-12)
        np.testing.assert_array_equal(s.quantiles(QS), [s.quantile(q) for q in QS])
        assert s.quantile(0) == x.min() and s.quantile(1) == x.max()
        assert s.count == n and s.collapsed_count == 0
        assert s.sum == pytest.approx(x.sum(), rel=1e-12)
        assert s.mean == pytest.approx(x.mean(), rel=1e-12)


@pytest.mark.parametrize("kind", ["lognormal", "pareto"])
def test_latency_matches_ddsketch(kind):
    x = samples(kind, 50_000, 11)
    ours = LatencySketch(0.01)
    ours.update_many(x)
    theirs = ddsketch.DDSketch(0.01)
    for v in x:
        theirs.add(float(v))
    for q in QS:
        # the same buckets and rank rule: ours is theirs clamped to [min, max]
        expect = min(max(theirs.get_quantile_value(q), x.min()), x.max())
        assert ours.quantile(q) == pytest.approx(expect, rel=1e-9)
        assert abs(theirs.get_quantile_value(q) - lower_quantile(x, q)) <= 0.01 * lower_quantile(x, q) * (1 + 1e-9)
    assert ours.count == theirs.count and ours.num_buckets <= 2048


def test_latency_collapsing_vs_ddsketch():
    # 64 buckets at alpha = 0.05 span a factor ~600: a Pareto tail over 1e6 collapses the lowest
    x = 1e-3 * (1 + np.random.default_rng(4).pareto(0.5, 20_000))
    ours = LatencySketch(0.05, max_buckets=64)
    ours.update_many(x)
    theirs = ddsketch.LogCollapsingLowestDenseDDSketch(0.05, bin_limit=64)
    for v in x:
        theirs.add(float(v))
    assert ours.collapsed_count > 0 and ours.num_buckets <= 64
    safe = ours.zero_count + ours.collapsed_count
    for q in [0.5, 0.9, 0.99, 0.999]:
        if math.floor(q * (x.size - 1)) < safe:
            continue
        exact = lower_quantile(x, q)
        assert abs(ours.quantile(q) - exact) <= 0.05 * exact * (1 + 1e-12)
        assert ours.quantile(q) == pytest.approx(min(theirs.get_quantile_value(q), x.max()), rel=1e-9)


@given(
    st.lists(
        st.one_of(st.just(0.0), st.floats(min_value=1e-6, max_value=1e6)),
        min_size=1,
        max_size=300,
    ),
    st.sampled_from([0.01, 0.02, 0.1]),
)
def test_latency_property_relative_error(values, alpha):
    x = np.array(values)
    s = LatencySketch(alpha)
    s.update_many(x)
    for q in [0.0, 0.1, 0.5, 0.9, 0.99, 1.0]:
        exact = lower_quantile(x, q)
        assert abs(s.quantile(q) - exact) <= alpha * exact * (1 + 1e-12)
    for b in [0.0, 1e-3, 1.0, 1e3, x.max()]:
        c = s.count_le(b)
        assert np.sum(x <= b / (1 + alpha)) <= c <= np.sum(x <= b / (1 - alpha))


def test_latency_count_le_merge_edges():
    x = samples("lognormal", 20_000, 2)
    x[::97] = 0.0
    s = LatencySketch()
    s.update_many(x)
    bounds = np.array([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])
    counts = s.count_le(bounds)
    assert counts.dtype == np.int64
    assert np.all(np.diff(counts) >= 0)
    for b, c in zip(bounds, counts):
        assert np.sum(x <= b / 1.01) <= c <= np.sum(x <= b / 0.99)
        assert s.count_le(float(b)) == c
    assert s.count_le(-1.0) == 0 and s.count_le(0.0) == s.zero_count == np.sum(x == 0)
    assert s.count_le(x.max()) == x.size
    lower, upper, bc = s.buckets()
    assert bc.sum() == s.count - s.zero_count
    np.testing.assert_allclose(upper / lower, s.gamma, rtol=1e-9)
    # merge == the sketch of the union
    a, b, whole = LatencySketch(), LatencySketch(), LatencySketch()
    a.update_many(x[:7_000])
    b.update_many(x[7_000:])
    whole.update_many(x)
    a.merge(b)
    assert a.count == whole.count and a.zero_count == whole.zero_count
    np.testing.assert_array_equal(a.buckets()[2], whole.buckets()[2])
    np.testing.assert_array_equal(a.quantiles(QS), whole.quantiles(QS))
    assert a.min == whole.min and a.max == whole.max
    # zeros only, one value
    z = LatencySketch()
    z.update_many(np.zeros(5))
    assert z.quantile(0.5) == 0.0 and z.num_buckets == 0 and z.count_le(0.0) == 5
    one = LatencySketch()
    one.update(0.0123)
    assert all(one.quantile(q) == 0.0123 for q in (0.0, 0.5, 1.0))
    # units: int nanoseconds, timedelta64, float32
    t = LatencySketch()
    t.update_many(np.array([1_000, 2_000_000], dtype=np.int64))
    t.update_many(np.array([3, 4], dtype="m8[ms]"))
    t.update_many(np.array([5e6], dtype=np.float32))
    assert t.count == 5 and t.max == 5e6
    assert t.quantile(0.5) == pytest.approx(3e6, rel=0.01)


def test_latency_bad_input_bytes_pickle():
    s = LatencySketch()
    with pytest.raises(ValueError, match="latency must be finite and >= 0, got -1"):
        s.update(-1.0)
    with pytest.raises(ValueError, match="latency"):
        s.update(float("nan"))
    with pytest.raises(ValueError, match="latency"):
        s.update(float("inf"))
    with pytest.raises(ValueError, match=r"latency\[2\] must be finite and >= 0"):
        s.update_many(np.array([1.0, 2.0, np.nan]))
    assert s.count == 0  # all or nothing
    with pytest.raises(ValueError, match="latency"):
        s.update_many(np.array([1, -5]))
    with pytest.raises(ValueError, match="latency"):
        s.update_many(np.array([1, "NaT"], dtype="m8[ns]"))
    with pytest.raises(ValueError, match="1-D"):
        s.update_many(np.ones((2, 2)))
    with pytest.raises(ValueError, match="no values"):
        s.quantile(0.5)
    with pytest.raises(ValueError, match="no values"):
        _ = s.min
    s.update(0.5)
    with pytest.raises(ValueError, match=r"q must be in \[0, 1\]"):
        s.quantile(1.5)
    with pytest.raises(ValueError, match="bound must not be NaN"):
        s.count_le(float("nan"))
    with pytest.raises(ValueError, match="relative_accuracy must be in"):
        LatencySketch(0.0)
    with pytest.raises(ValueError, match="max_buckets must be in"):
        LatencySketch(0.01, max_buckets=4)
    with pytest.raises(ValueError, match="max_buckets must be in"):
        LatencySketch(0.01, max_buckets=-1)
    with pytest.raises(ValueError, match="relative_accuracy must match"):
        s.merge(LatencySketch(0.02))
    x = samples("pareto", 3_000, 8)
    x[5] = 0
    s.update_many(x)
    data = s.to_bytes()
    assert data[:6] == b"DSLS" + bytes([25, 1]) and len(data) == s.serialized_size_bytes
    for g in (LatencySketch.from_bytes(data), pickle.loads(pickle.dumps(s)), copy.deepcopy(s)):
        assert g.to_bytes() == data and g.quantile(0.9) == s.quantile(0.9)
    for n in range(len(data)):
        with pytest.raises(ValueError):
            LatencySketch.from_bytes(data[:n])
    with pytest.raises(ValueError, match="trailing"):
        LatencySketch.from_bytes(data + b"\0")
    with pytest.raises(ValueError, match="pickle"):
        LatencySketch.__new__(LatencySketch).__setstate__((2, data))
    assert len(s) == s.count and "LatencySketch(relative_accuracy=0.01" in repr(s)


def test_exports():
    for name in ("HyperLogLog", "FrequentItems", "LatencySketch"):
        assert name in sketch.__all__ and getattr(sketch, name) is not None


def test_peers_monitor_sketches_quick_json():
    """Smoke test of benchmarks/peers_monitor_sketches.py against datasketches and ddsketch."""
    script = REPO_ROOT / "benchmarks" / "peers_monitor_sketches.py"
    p = subprocess.run([sys.executable, str(script), "--quick", "--json"], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    rows = {r["row"]: r for r in json.loads(p.stdout)["rows"]}
    assert {"hll_update_many", "hll_error", "frequent_accuracy", "latency_error"} <= set(rows)
    assert rows["hll_error"]["ours_rms"] <= 4 * rows["hll_error"]["rse"]
    assert rows["frequent_accuracy"]["ours_recall"] == 1.0
    assert rows["frequent_accuracy"]["ours_max_abs_error"] <= rows["frequent_accuracy"]["bound"]
    assert rows["latency_error"]["ours_max_rel_error"] <= 0.01 * (1 + 1e-9)
    assert rows["latency_error"]["ours_max_rel_error"] <= rows["latency_error"]["peer_max_rel_error"] * (1 + 1e-9)
