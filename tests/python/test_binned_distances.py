"""hellinger / total_variation / linf_distance / kl_divergence / normed_wasserstein and the
categorical primitives (_core.count_categories, _core.categorical_drift) against numpy /
scipy / statsmodels formulas written here.

Definitions: the bins and counts of psi (numpy.quantile / linspace edges, searchsorted
side='right'); r, c the binned proportions;
  hellinger = ||sqrt(r) - sqrt(c)||_2 / sqrt(2)      (scipy.spatial.distance.euclidean)
  total_variation = sum|r - c| / 2                   (scipy.spatial.distance.cityblock)
  linf_distance = max|r - c|                         (scipy.spatial.distance.chebyshev)
  kl_divergence = scipy.stats.entropy(max(r, eps), max(c, eps), base) over the bins where
                  either sample has a value
  normed_wasserstein = scipy.stats.wasserstein_distance(ref, cur) / numpy.std(ref)
"""

import math

import numpy as np
import pytest
import scipy.spatial.distance as ssd
import scipy.special
import scipy.stats
from hypothesis import assume, given
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportions_ztest

import driftscope
from driftscope import _core
from _util import assert_close, quiet, sample

# --------------------------------------------------------------------------- reference formulas


def ref_edges(reference, bins, binning):
    with np.errstate(all="ignore"):  # numpy's lerp overflows on extreme samples ('wide' kind)
        return _ref_edges(reference, bins, binning)


def _ref_edges(reference, bins, binning):
    r = np.asarray(reference, dtype=np.float64)
    r = r[~np.isnan(r)]
    if isinstance(binning, str) and binning == "quantile":
        edges = np.quantile(r, np.arange(1, bins) / bins)
    elif isinstance(binning, str) and binning == "uniform":
        fin = r[np.isfinite(r)]
        edges = np.linspace(fin.min(), fin.max(), bins + 1)[1:-1]
    else:
        edges = np.asarray(binning, dtype=np.float64)
    return np.unique(edges)


def ref_counts(edges, x):
    x = np.asarray(x, dtype=np.float64)
    x = x[~np.isnan(x)]
    return np.bincount(np.searchsorted(edges, x, side="right"), minlength=edges.size + 1)


def ref_hellinger(rc, cc):
    rc = np.asarray(rc, dtype=np.float64)
    cc = np.asarray(cc, dtype=np.float64)
    return ssd.euclidean(np.sqrt(rc / rc.sum()), np.sqrt(cc / cc.sum())) / np.sqrt(2)


def ref_tvd(rc, cc):
    rc = np.asarray(rc, dtype=np.float64)
    cc = np.asarray(cc, dtype=np.float64)
    return ssd.cityblock(rc / rc.sum(), cc / cc.sum()) / 2


def ref_linf(rc, cc):
    rc = np.asarray(rc, dtype=np.float64)
    cc = np.asarray(cc, dtype=np.float64)
    return ssd.chebyshev(rc / rc.sum(), cc / cc.sum())


def ref_kl(rc, cc, eps=1e-4, base=None):
    rc = np.asarray(rc, dtype=np.float64)
    cc = np.asarray(cc, dtype=np.float64)
    m = (rc + cc) > 0
    r = np.maximum(rc[m] / rc.sum(), eps)
    c = np.maximum(cc[m] / cc.sum(), eps)
    v = quiet(scipy.stats.entropy, r, c, base=base)
    # the same with rel_entr on the renormalized vectors
    w = quiet(scipy.special.rel_entr, r / r.sum(), c / c.sum()).sum() / (1.0 if base is None else math.log(base))
    if math.isfinite(v):
        assert abs(v - w) <= 1e-12 * max(abs(v), 1e-6)
    return max(float(v), 0.0)


def ref_psi(rc, cc, eps=1e-4):
    r = np.maximum(rc / rc.sum(), eps)
    c = np.maximum(cc / cc.sum(), eps)
    return float(np.sum((c - r) * np.log(c / r)))


DISTANCES = {
    "hellinger": (driftscope.hellinger, ref_hellinger),
    "total_variation": (driftscope.total_variation, ref_tvd),
    "linf_distance": (driftscope.linf_distance, ref_linf),
}

STAT_RTOL, STAT_ATOL = 1e-12, 1e-14  # statistics; the absolute floor covers sums cancelling to ~0
P_RTOL, P_ATOL = 1e-9, 1e-14


def assert_binned(result, reference, current, bins, binning):
    edges = ref_edges(reference, bins, binning)
    rc = ref_counts(edges, reference)
    cc = ref_counts(edges, current)
    np.testing.assert_array_equal(result.edges, edges)
    np.testing.assert_array_equal(result.reference_counts, rc)
    np.testing.assert_array_equal(result.current_counts, cc)
    return rc, cc


binnings = st.one_of(
    st.just("quantile"),
    st.just("uniform"),
    st.lists(st.floats(-5, 5, allow_nan=False), min_size=1, max_size=8).map(sorted),
)


# --------------------------------------------------------------------------- numeric parity


@given(sample(), sample(), st.integers(2, 20), binnings)
def test_distances_match_reference(reference, current, bins, binning):
    for name, (ours_fn, ref_fn) in DISTANCES.items():
        r = ours_fn(reference, current, bins=bins, binning=binning)
        assert r.method == name
        rc, cc = assert_binned(r, reference, current, bins, binning)
        assert_close(r.statistic, ref_fn(rc, cc), STAT_RTOL, STAT_ATOL, what=name)
        assert r.n_reference == reference.size and r.n_current == current.size


@given(
    sample(),
    sample(),
    st.integers(2, 20),
    binnings,
    st.sampled_from([1e-4, 0.0, 1e-2, 0.3]),
    st.sampled_from([None, 2.0, 10.0, math.e]),
)
def test_kl_matches_scipy_entropy(reference, current, bins, binning, epsilon, base):
    r = driftscope.kl_divergence(reference, current, bins=bins, binning=binning, epsilon=epsilon, base=base)
    assert r.method == "kl_divergence"
    rc, cc = assert_binned(r, reference, current, bins, binning)
    assert_close(r.statistic, ref_kl(rc, cc, epsilon, base), STAT_RTOL, STAT_ATOL, what="kl")


@given(sample(), sample(), st.integers(2, 12))
def test_float32_input_is_widened_exactly(reference, current, bins):
    with np.errstate(over="ignore"):  # huge values become ±inf in float32: still values
        ref32 = reference.astype(np.float32)
        cur32 = current.astype(np.float32)
    for fn in (driftscope.hellinger, driftscope.total_variation, driftscope.linf_distance,
               driftscope.kl_divergence):
        a = fn(ref32, cur32, bins=bins)
        b = fn(ref32.astype(np.float64), cur32.astype(np.float64), bins=bins)
        assert a.statistic == b.statistic
        np.testing.assert_array_equal(a.reference_counts, b.reference_counts)
        mixed = fn(ref32, cur32.astype(np.float64), bins=bins)
        assert mixed.statistic == b.statistic


@given(sample(min_size=2), sample(min_size=2), st.integers(2, 30))
def test_bounds(reference, current, bins):
    h = driftscope.hellinger(reference, current, bins=bins).statistic
    t = driftscope.total_variation(reference, current, bins=bins).statistic
    m = driftscope.linf_distance(reference, current, bins=bins).statistic
    k = driftscope.kl_divergence(reference, current, bins=bins).statistic
    k0 = driftscope.kl_divergence(reference, current, bins=bins, epsilon=0.0).statistic
    assert 0.0 <= h <= 1.0
    assert 0.0 <= t <= 1.0
    assert 0.0 <= m <= t + 1e-15
    assert k >= 0.0 and math.isfinite(k)
    assert k0 >= 0.0  # may be inf
    assert h * h <= t + 1e-15 and t <= math.sqrt(2) * h + 1e-15


@given(sample(), st.integers(2, 30))
def test_identical_samples_give_zero(x, bins):
    for fn in (driftscope.hellinger, driftscope.total_variation, driftscope.linf_distance,
               driftscope.kl_divergence):
        assert fn(x, x, bins=bins).statistic == 0.0
    assert driftscope.kl_divergence(x, x, bins=bins, epsilon=0.0).statistic == 0.0
    assert driftscope.normed_wasserstein(x, x).statistic == 0.0


def test_disjoint_supports():
    a, b = [0.0, 1.0, 2.0], [10.0, 11.0]
    for fn in (driftscope.hellinger, driftscope.total_variation, driftscope.linf_distance):
        assert fn(a, b, binning=[5.0]).statistic == 1.0
    assert driftscope.kl_divergence(a, b, binning=[5.0], epsilon=0.0).statistic == math.inf
    assert math.isfinite(driftscope.kl_divergence(a, b, binning=[5.0]).statistic)


def test_nan_policies():
    a = np.array([1.0, 2.0, np.nan, 4.0, 5.0])
    b = np.array([2.0, np.nan, 3.0, np.nan, 6.0])
    for name, (fn, _) in DISTANCES.items():
        r = fn(a, b)
        assert (r.missing_reference, r.missing_current, r.n_reference, r.n_current) == (1, 2, 4, 3)
        assert r.statistic == fn(a[~np.isnan(a)], b[~np.isnan(b)]).statistic
        p = fn(a, b, nan_policy="propagate")
        assert math.isnan(p.statistic) and p.missing_current == 2
        with pytest.raises(ValueError, match=f"{name}: reference contains NaN"):
            fn(a, b, nan_policy="raise")
    assert math.isnan(driftscope.kl_divergence(a, b, nan_policy="propagate").statistic)
    r = driftscope.normed_wasserstein(a, b)
    assert (r.missing_reference, r.missing_current) == (1, 2)
    assert math.isnan(driftscope.normed_wasserstein(a, b, nan_policy="propagate").statistic)
    with pytest.raises(ValueError, match="normed_wasserstein: reference contains NaN"):
        driftscope.normed_wasserstein(a, b, nan_policy="raise")


def test_pandas_and_lists():
    pd = pytest.importorskip("pandas")
    a = pd.Series([1.0, 2.0, None, 4.0, 5.0, 2.5])
    b = [2.0, 3.0, 3.5, 4.0]
    r = driftscope.hellinger(a, b, bins=3)
    assert r.missing_reference == 1
    assert r.statistic == driftscope.hellinger(np.array([1.0, 2.0, 4.0, 5.0, 2.5]), np.array(b), bins=3).statistic
    n = driftscope.normed_wasserstein(pd.Series([1, 2, 3]), [1, 2, 4])
    assert_close(n.statistic, quiet(scipy.stats.wasserstein_distance, [1, 2, 3], [1, 2, 4]) / np.std([1, 2, 3]),
                 STAT_RTOL)


# --------------------------------------------------------------------------- count vectors

counts_vec = st.lists(st.integers(0, 50), min_size=1, max_size=30)


@given(counts_vec, st.data())
def test_counts_functions_match_scipy(a, data):
    b = data.draw(st.lists(st.integers(0, 50), min_size=len(a), max_size=len(a)))
    assume(sum(a) > 0 and sum(b) > 0)
    rc = np.array(a, dtype=np.float64)
    cc = np.array(b, dtype=np.float64)
    assert_close(_core.hellinger_counts(rc, cc), ref_hellinger(rc, cc), STAT_RTOL, STAT_ATOL)
    assert_close(_core.total_variation_counts(rc, cc), ref_tvd(rc, cc), STAT_RTOL, STAT_ATOL)
    assert_close(_core.linf_distance_counts(rc, cc), ref_linf(rc, cc), STAT_RTOL, STAT_ATOL)
    for eps, base in ((1e-4, None), (0.0, None), (0.05, 2.0)):
        assert_close(_core.kl_divergence_counts(rc, cc, epsilon=eps, base=base), ref_kl(rc, cc, eps, base),
                     STAT_RTOL, STAT_ATOL)
    # eps = 0 on positive vectors: exactly scipy.stats.entropy (which normalizes)
    if np.all(rc > 0) and np.all(cc > 0):
        assert_close(_core.kl_divergence_counts(rc, cc, epsilon=0.0), quiet(scipy.stats.entropy, rc, cc),
                     STAT_RTOL, STAT_ATOL)


def test_counts_functions_errors():
    ok = np.array([1.0, 2.0])
    with pytest.raises(ValueError, match="hellinger_counts: reference_counts must not be empty"):
        _core.hellinger_counts(np.array([]), np.array([]))
    with pytest.raises(ValueError, match="total_variation_counts: reference_counts and current_counts must have"):
        _core.total_variation_counts(ok, np.array([1.0]))
    with pytest.raises(ValueError, match="linf_distance_counts: current_counts entries must be finite"):
        _core.linf_distance_counts(ok, np.array([1.0, -1.0]))
    with pytest.raises(ValueError, match="kl_divergence_counts: reference_counts must have a positive finite sum"):
        _core.kl_divergence_counts(np.zeros(2), ok)
    with pytest.raises(ValueError, match="kl_divergence_counts: epsilon must be >= 0 and < 1, got 1"):
        _core.kl_divergence_counts(ok, ok, epsilon=1.0)
    with pytest.raises(ValueError, match="kl_divergence_counts: base must be finite, > 0 and != 1"):
        _core.kl_divergence_counts(ok, ok, base=1.0)
    with pytest.raises(ValueError, match="hellinger_counts: reference_counts must be 1-D"):
        _core.hellinger_counts(np.ones((2, 2)), np.ones((2, 2)))


# --------------------------------------------------------------------------- normed wasserstein


def ref_normed(reference, current):
    r = reference[~np.isnan(reference)]
    c = current[~np.isnan(current)]
    w = quiet(scipy.stats.wasserstein_distance, r, c)
    sd = quiet(np.std, r)
    if sd == 0:
        return 0.0 if w == 0 else math.inf
    return w / sd


def moderate(*samples, lo=1e-150, hi=1e150):
    """All non-zero magnitudes within [lo, hi]: no overflow / underflow in squares or gaps."""
    m = np.abs(np.concatenate(samples))
    m = m[m != 0]
    return bool(np.all((m > lo) & (m < hi)))


@given(sample(), sample())
def test_normed_wasserstein_matches_scipy(reference, current):
    # numpy.std and scipy overflow / underflow on extreme data ('wide', 'huge', 'tiny'
    # kinds); ours does not (see the edge-case test); compare where the reference is exact
    assume(moderate(reference, current))
    r = driftscope.normed_wasserstein(reference, current)
    assert r.method == "normed_wasserstein"
    assert r.edges.size == 0 and r.reference_counts.size == 0
    expected = ref_normed(reference, current)
    # std of a constant: numpy may leave a rounding residue (e.g. 1e-17) where ours is 0
    assume(np.ptp(reference) > 0 or expected in (0.0, math.inf))
    assert_close(r.statistic, expected, STAT_RTOL, STAT_ATOL)


@given(sample(min_size=2), sample(), st.sampled_from([2.0**-300, 2.0**-30, 0.5, 4.0, 2.0**30, 2.0**300]))
def test_normed_wasserstein_scale_invariant(reference, current, a):
    # powers of two scale every value, gap and deviation exactly while nothing over/underflows
    assume(moderate(reference, current, lo=1e-100, hi=1e100))
    base = driftscope.normed_wasserstein(reference, current).statistic
    scaled = driftscope.normed_wasserstein(reference * a, current * a).statistic
    assert_close(scaled, base, 1e-12, 0.0)


def test_normed_wasserstein_edge_cases():
    assert driftscope.normed_wasserstein([3.0], [3.0, 3.0]).statistic == 0.0
    assert driftscope.normed_wasserstein([3.0], [3.0, 4.0]).statistic == math.inf
    assert driftscope.normed_wasserstein([0.1] * 10, [0.1] * 3).statistic == 0.0
    assert driftscope.normed_wasserstein([0.0, 1.0], [0.0, 1.0, math.inf]).statistic == math.inf
    assert math.isnan(driftscope.normed_wasserstein([0.0, -math.inf], [0.0, 1.0]).statistic)
    x = np.random.default_rng(1).normal(size=1000)
    f32 = driftscope.normed_wasserstein(x.astype(np.float32), x.astype(np.float32) + np.float32(0.5))
    f64 = driftscope.normed_wasserstein(x.astype(np.float32).astype(np.float64),
                                        x.astype(np.float32).astype(np.float64) + 0.5)
    assert_close(f32.statistic, f64.statistic, 1e-6)  # +0.5 rounds in float32
    assert_close(f64.statistic, ref_normed(x.astype(np.float32).astype(np.float64),
                                           x.astype(np.float32).astype(np.float64) + 0.5), STAT_RTOL)
    # huge values: numpy.std overflows to inf here, the exact answer is finite
    h = driftscope.normed_wasserstein(x * 2.0**1000, (x + 0.5) * 2.0**1000).statistic
    assert_close(h, ref_normed(x, x + 0.5), 1e-12)


# --------------------------------------------------------------------------- categorical (public API)


def test_categorical_strings_with_unseen_and_missing():
    ref = ["a", "b", "b", None, "c", "a"]
    cur = ["a", "d", "e", "d", None, None, "b"]
    for name, (fn, ref_fn) in DISTANCES.items():
        r = fn(ref, cur)
        assert isinstance(r, driftscope.CategoricalDriftResult)
        assert r.method == name
        assert r.categories == ["a", "b", "c"]
        assert r.unseen_categories == ["d", "e"]
        np.testing.assert_array_equal(r.reference_counts, [2, 2, 1, 0])
        np.testing.assert_array_equal(r.current_counts, [1, 1, 0, 3])
        assert (r.missing_reference, r.missing_current, r.n_reference, r.n_current) == (1, 2, 5, 5)
        assert_close(r.statistic, ref_fn(np.array([2, 2, 1, 0.0]), np.array([1, 1, 0, 3.0])), STAT_RTOL, STAT_ATOL)
    k = driftscope.kl_divergence(ref, cur, epsilon=0.01, base=2)
    assert_close(k.statistic, ref_kl(np.array([2, 2, 1, 0.0]), np.array([1, 1, 0, 3.0]), 0.01, 2.0), STAT_RTOL)
    assert math.isnan(driftscope.hellinger(ref, cur, nan_policy="propagate").statistic)
    with pytest.raises(ValueError, match="hellinger: reference contains 1 missing"):
        driftscope.hellinger(ref, cur, nan_policy="raise")


def test_categorical_codes_and_pandas():
    pd = pytest.importorskip("pandas")
    ref = pd.Categorical(["x", "y", "y", "z"])
    cur = pd.Categorical(["x", "x", "y", "w"])
    r = driftscope.total_variation(ref, cur)
    assert r.categories == ["x", "y", "z"] and r.unseen_categories == ["w"]
    assert_close(r.statistic, ref_tvd(np.array([1, 2, 1, 0.0]), np.array([2, 1, 0, 1.0])), STAT_RTOL)
    codes = driftscope.linf_distance(np.array([0, 1, 1, 2]), np.array([0, 0, 1, 3]), categorical=True)
    assert isinstance(codes, driftscope.CategoricalDriftResult)
    assert_close(codes.statistic, 0.25, STAT_RTOL)
    # psi's categorical path shares the (C++) counting
    p = driftscope.psi(["a", "b", "b"], ["b", "c"])
    np.testing.assert_array_equal(p.reference_counts, [1, 2, 0])
    np.testing.assert_array_equal(p.current_counts, [0, 1, 1])
    assert_close(p.statistic, ref_psi(np.array([1, 2, 0.0]), np.array([0, 1, 1.0])), STAT_RTOL)


def test_one_category():
    for fn in (driftscope.hellinger, driftscope.total_variation, driftscope.linf_distance,
               driftscope.kl_divergence):
        assert fn(["a", "a"], ["a"]).statistic == 0.0


# --------------------------------------------------------------------------- _core.count_categories


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint32, np.uint64])
def test_count_categories_dtypes(dtype):
    signed = np.dtype(dtype).kind == "i"
    a = np.array([0, 1, 1, 2, -1] if signed else [0, 1, 1, 2], dtype=dtype)
    b = np.array([3, 3, 0, -7] if signed else [3, 3, 0], dtype=dtype)
    rc, cc, mr, mc = _core.count_categories(a, b, 4)
    np.testing.assert_array_equal(rc, [1, 2, 1, 0])
    np.testing.assert_array_equal(cc, [1, 0, 0, 2])
    assert rc.dtype == np.int64
    assert (mr, mc) == ((1, 1) if signed else (0, 0))


def test_count_categories_mixed_and_lists():
    rc, cc, mr, mc = _core.count_categories(np.array([0, 2], dtype=np.int8), [2, 2, -1], 3)
    np.testing.assert_array_equal(rc, [1, 0, 1])
    np.testing.assert_array_equal(cc, [0, 0, 2])
    assert (mr, mc) == (0, 1)
    rc, cc, mr, mc = _core.count_categories([], [], 2)
    np.testing.assert_array_equal(rc, [0, 0])
    # non-contiguous input is copied, not misread
    a = np.arange(10, dtype=np.int32)[::2] % 3
    rc, _, _, _ = _core.count_categories(a, a, 3)
    np.testing.assert_array_equal(rc, np.bincount(a, minlength=3))


@given(st.lists(st.integers(-3, 9), max_size=60), st.lists(st.integers(-3, 9), max_size=60))
def test_count_categories_matches_bincount(a, b):
    a = np.array(a, dtype=np.int64)
    b = np.array(b, dtype=np.int64)
    rc, cc, mr, mc = _core.count_categories(a, b, 10)
    np.testing.assert_array_equal(rc, np.bincount(a[a >= 0], minlength=10))
    np.testing.assert_array_equal(cc, np.bincount(b[b >= 0], minlength=10))
    assert mr == int((a < 0).sum()) and mc == int((b < 0).sum())


def test_count_categories_errors():
    with pytest.raises(ValueError, match="count_categories: cur_codes must be < n_categories = 3, got 3 at index 1"):
        _core.count_categories([0, 1], [0, 3], 3)
    with pytest.raises(ValueError, match="count_categories: ref_codes must be < n_categories = 2, got 5 at index 0"):
        _core.count_categories(np.array([5], dtype=np.int16), [0], 2)
    with pytest.raises(ValueError, match="count_categories: ref_codes must be an array of integer codes"):
        _core.count_categories(np.array([0.0, 1.0]), [0], 2)
    with pytest.raises(ValueError, match="count_categories: cur_codes must be an array of integer codes"):
        _core.count_categories([0], ["a"], 2)
    with pytest.raises(ValueError, match="count_categories: ref_codes must be 1-D"):
        _core.count_categories(np.zeros((2, 2), dtype=np.int64), [0], 2)
    with pytest.raises(ValueError, match="count_categories: n_categories must be >= 0, got -1"):
        _core.count_categories([0], [0], -1)
    with pytest.raises(ValueError, match="count_categories: cur_codes codes must fit in int64"):
        _core.count_categories([0], np.array([2**63], dtype=np.uint64), 2)


# --------------------------------------------------------------------------- _core.categorical_drift


def reference_categorical(rc, cc, test, eps=1e-4):
    rc = np.asarray(rc)
    cc = np.asarray(cc)
    m = (rc + cc) > 0
    t = np.array([rc[m], cc[m]])
    if test == "chisquare":
        r = quiet(scipy.stats.chi2_contingency, t)
        return r.statistic, r.pvalue
    if test == "g_test":
        r = quiet(scipy.stats.chi2_contingency, t, lambda_="log-likelihood")
        return r.statistic, r.pvalue
    if test == "z":
        z, p = quiet(proportions_ztest, np.array([t[0, 1], t[1, 1]]), np.array([t[0].sum(), t[1].sum()]))
        return z, p
    if test == "fisher_exact":
        r = scipy.stats.fisher_exact(t)
        return r.statistic, r.pvalue
    rf, cf = rc[m].astype(float), cc[m].astype(float)
    stat = {
        "psi": lambda: ref_psi(rf, cf, eps),
        "jensenshannon": lambda: ssd.jensenshannon(rf, cf, base=2),
        "hellinger": lambda: ref_hellinger(rf, cf),
        "tvd": lambda: ref_tvd(rf, cf),
        "kl_div": lambda: ref_kl(rf, cf, eps),
    }[test]()
    return stat, math.nan


ALL_TESTS = ["chisquare", "g_test", "psi", "jensenshannon", "hellinger", "tvd", "kl_div"]


def check_categorical(rc, cc, test, eps=1e-4):
    stat, p = _core.categorical_drift(rc, cc, test, epsilon=eps)
    es, ep = reference_categorical(rc, cc, test, eps)
    assert_close(stat, es, STAT_RTOL, STAT_ATOL, what=f"{test} statistic")
    assert_close(p, ep, P_RTOL, P_ATOL, what=f"{test} pvalue")


@given(st.integers(1, 12).flatmap(lambda k: st.tuples(
    st.lists(st.integers(0, 40), min_size=k, max_size=k), st.lists(st.integers(0, 40), min_size=k, max_size=k))))
def test_categorical_drift_matches_references(counts):
    rc, cc = (np.array(v, dtype=np.int64) for v in counts)
    assume(rc.sum() > 0 and cc.sum() > 0)
    for test in ALL_TESTS:
        check_categorical(rc, cc, test)
    if int(((rc + cc) > 0).sum()) == 2:
        check_categorical(rc, cc, "z")
        check_categorical(rc, cc, "fisher_exact")


def test_categorical_drift_cases():
    # unseen in reference (code 3), a category absent on both sides (code 4)
    rc = np.array([5, 3, 2, 0, 0])
    cc = np.array([4, 1, 2, 6, 0])
    for test in ALL_TESTS:
        check_categorical(rc, cc, test)
    # one category present: dof 0
    assert _core.categorical_drift([0, 7, 0], [0, 2, 0], "chisquare") == (0.0, 1.0)
    assert _core.categorical_drift([0, 7, 0], [0, 2, 0], "g_test") == (0.0, 1.0)
    # binary z / 2 x 2 fisher, also with the categories spread among unused codes
    for rc, cc in (([30, 20], [18, 35]), ([0, 7, 0, 9], [0, 12, 0, 4]), ([4, 0], [0, 3]), ([1, 1], [1, 2])):
        check_categorical(np.array(rc), np.array(cc), "z")
        check_categorical(np.array(rc), np.array(cc), "fisher_exact")
        check_categorical(np.array(rc), np.array(cc), "chisquare")  # Yates at dof 1
    # epsilon reaches psi and kl
    check_categorical(np.array([4, 0, 1]), np.array([1, 3, 1]), "psi", 0.01)
    check_categorical(np.array([4, 0, 1]), np.array([1, 3, 1]), "kl_div", 0.0)
    assert _core.categorical_drift([1, 0], [1, 1], "kl_div", epsilon=0.0)[0] == pytest.approx(math.log(2), rel=1e-15)
    assert _core.categorical_drift([1, 1], [1, 0], "kl_div", epsilon=0.0)[0] == math.inf
    # float counts holding integers are accepted
    assert _core.categorical_drift(np.array([1.0, 2.0]), np.array([2.0, 1.0]), "tvd")[0] == pytest.approx(1 / 3)


def test_categorical_drift_errors():
    with pytest.raises(ValueError, match="categorical_drift: z test needs a binary feature"):
        _core.categorical_drift([1, 2, 3], [3, 2, 1], "z")
    with pytest.raises(ValueError, match="categorical_drift: z test needs a binary feature"):
        _core.categorical_drift([1, 0], [2, 0], "z")
    with pytest.raises(ValueError, match="categorical_drift: fisher_exact test needs a binary feature"):
        _core.categorical_drift([1, 2, 3], [3, 2, 1], "fisher_exact")
    with pytest.raises(ValueError, match="categorical_drift: test must be one of"):
        _core.categorical_drift([1], [1], "chi2")
    with pytest.raises(ValueError, match="categorical_drift: reference and current counts must have the same length"):
        _core.categorical_drift([1, 2], [1], "tvd")
    with pytest.raises(ValueError, match="categorical_drift: current counts must be >= 0, got -1 at index 0"):
        _core.categorical_drift([1, 2], [-1, 2], "tvd")
    with pytest.raises(ValueError, match="categorical_drift: reference has no non-missing values"):
        _core.categorical_drift([0, 0], [1, 2], "chisquare")
    with pytest.raises(ValueError, match="categorical_drift: ref_counts must hold integer counts, got 1.5"):
        _core.categorical_drift([1.5, 2.0], [1, 2], "chisquare")
    with pytest.raises(ValueError, match="categorical_drift: epsilon must be > 0 and < 1, got 0"):
        _core.categorical_drift([1, 2], [2, 1], "psi", epsilon=0.0)
    with pytest.raises(ValueError, match="categorical_drift: epsilon must be >= 0 and < 1, got -1"):
        _core.categorical_drift([1, 2], [2, 1], "kl_div", epsilon=-1.0)
    with pytest.raises(ValueError, match="categorical_drift: ref_counts must be 1-D"):
        _core.categorical_drift([[1, 2]], [[2, 1]], "tvd")


# --------------------------------------------------------------------------- bad input (public API)


@pytest.mark.parametrize("name", ["hellinger", "total_variation", "linf_distance", "kl_divergence"])
def test_binned_errors(name):
    fn = getattr(driftscope, name)
    x = [1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match=f"{name}: reference must not be empty"):
        fn(np.array([]), x)
    with pytest.raises(ValueError, match=f"{name}: current must not be empty"):
        fn(x, np.array([]))
    with pytest.raises(ValueError, match=f"{name}: reference is empty after omitting NaN"):
        fn([np.nan, np.nan], x)
    with pytest.raises(ValueError, match=f"{name}: bins must be >= 2, got 1"):
        fn(x, x, bins=1)
    with pytest.raises(ValueError, match=f"{name}: binning must be 'quantile', 'uniform'"):
        fn(x, x, binning="log")
    with pytest.raises(ValueError, match=f"{name}: binning edges must be sorted ascending"):
        fn(x, x, binning=[2.0, 1.0])
    with pytest.raises(ValueError, match=f"{name}: nan_policy must be one of"):
        fn(x, x, nan_policy="drop")
    with pytest.raises(ValueError, match=f"{name}: reference must be 1-D"):
        fn(np.ones((2, 2)), x)
    with pytest.raises(ValueError, match=f"{name}: current must be numeric"):
        fn(x, ["a", "b"], categorical=False)
    with pytest.raises(ValueError, match=f"{name}: categorical must be None, True or False"):
        fn(x, x, categorical="yes")
    with pytest.raises(ValueError, match=f"{name}: reference is empty"):
        fn([], ["a"])
    with pytest.raises(ValueError, match=f"{name}: current has no non-missing values"):
        fn(["a"], [None])


def test_kl_option_errors():
    x = [1.0, 2.0, 3.0]
    for eps in (-0.1, 1.0, float("nan"), "0.1", True):
        with pytest.raises(ValueError, match="kl_divergence: epsilon must be >= 0 and < 1"):
            driftscope.kl_divergence(x, x, epsilon=eps)
        with pytest.raises(ValueError, match="kl_divergence: epsilon must be >= 0 and < 1"):
            driftscope.kl_divergence(["a"], ["b"], epsilon=eps)
    for base in (1.0, 0.0, -2.0, float("inf"), "e"):
        with pytest.raises(ValueError, match="kl_divergence: base must be None or finite, > 0 and != 1"):
            driftscope.kl_divergence(x, x, base=base)
    with pytest.raises(ValueError, match="kl_divergence: base must be finite, > 0 and != 1"):
        _core.kl_divergence(np.array(x), np.array(x), base=1.0)


def test_normed_wasserstein_errors():
    x = [1.0, 2.0]
    with pytest.raises(ValueError, match="normed_wasserstein: reference must not be empty"):
        driftscope.normed_wasserstein([], x)
    with pytest.raises(ValueError, match="normed_wasserstein: current is empty after omitting NaN"):
        driftscope.normed_wasserstein(x, [np.nan])
    with pytest.raises(ValueError, match="normed_wasserstein: nan_policy must be one of"):
        driftscope.normed_wasserstein(x, x, nan_policy="skip")
    with pytest.raises(ValueError, match="normed_wasserstein: current must be numeric"):
        driftscope.normed_wasserstein(x, ["a"])
    with pytest.raises(ValueError, match="normed_wasserstein: reference must be 1-D"):
        driftscope.normed_wasserstein(np.ones((2, 1)), x)
