"""psi / js_distance against a plain numpy implementation of the definition.

Definition (docs/core API): interior edges from the reference — numpy.quantile at k/bins,
k = 1..bins-1 (default 'linear' method), or np.linspace(min, max, bins+1)[1:-1] for
'uniform', or user edges — duplicates removed; bin = searchsorted(edges, x, side='right');
proportions clipped from below at epsilon; PSI = sum((c - r) * ln(c / r)).
JS distance = scipy.spatial.distance.jensenshannon(ref_counts, cur_counts, base).
"""

import math
from collections import Counter

import numpy as np
import pytest
import scipy.spatial.distance
from hypothesis import assume, given
from hypothesis import strategies as st

import driftscope
from _util import assert_close, quiet


# --------------------------------------------------------------------------- reference implementation


def ref_edges(reference, bins, binning):
    r = np.asarray(reference, dtype=np.float64)
    r = r[~np.isnan(r)]
    if isinstance(binning, str) and binning == "quantile":
        edges = np.quantile(r, np.arange(1, bins) / bins)
    elif isinstance(binning, str) and binning == "uniform":
        edges = np.linspace(r.min(), r.max(), bins + 1)[1:-1]
    else:
        edges = np.asarray(binning, dtype=np.float64)
    return np.unique(edges)


def ref_counts(edges, x):
    x = np.asarray(x, dtype=np.float64)
    x = x[~np.isnan(x)]
    return np.bincount(np.searchsorted(edges, x, side="right"), minlength=edges.size + 1)


def ref_psi_from_counts(rc, cc, epsilon=1e-4):
    r = np.clip(rc / rc.sum(), epsilon, None)
    c = np.clip(cc / cc.sum(), epsilon, None)
    return float(np.sum((c - r) * np.log(c / r)))


def assert_counts(result, edges, rc, cc):
    np.testing.assert_array_equal(result.edges, edges)
    np.testing.assert_array_equal(result.reference_counts, rc)
    np.testing.assert_array_equal(result.current_counts, cc)
    assert result.reference_counts.dtype == np.int64 and result.current_counts.dtype == np.int64
    assert result.edges.dtype == np.float64


def assert_js(ours, expected):
    assert_close(ours**2, expected**2, rtol=1e-9, atol=1e-14, what="js_distance^2")


# --------------------------------------------------------------------------- strategies


@st.composite
def data(draw, max_size=200):
    kind = draw(st.sampled_from(["ties", "floats", "normal"]))
    n = draw(st.integers(1, max_size))
    if kind == "ties":
        xs = draw(st.lists(st.integers(-4, 4).map(float), min_size=n, max_size=n))
        return np.array(xs)
    if kind == "floats":
        xs = draw(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=n, max_size=n))
        return np.array(xs)
    seed = draw(st.integers(0, 2**32 - 1))
    loc = draw(st.floats(-2, 2))
    return np.random.default_rng(seed).normal(loc, 1.0, n)


DTYPES = [np.float64, np.float32]


@given(
    ref=data(),
    cur=data(),
    bins=st.integers(2, 20),
    binning=st.sampled_from(["quantile", "uniform"]),
    dtype=st.sampled_from(DTYPES),
    epsilon=st.sampled_from([1e-4, 1e-6, 0.01, 0.5]),
)
def test_psi_matches_definition(ref, cur, bins, binning, dtype, epsilon):
    ref = ref.astype(dtype)
    cur = cur.astype(dtype)
    edges = ref_edges(ref, bins, binning)
    rc, cc = ref_counts(edges, ref), ref_counts(edges, cur)
    res = driftscope.psi(ref, cur, bins=bins, binning=binning, epsilon=epsilon)
    assert_counts(res, edges, rc, cc)
    assert_close(res.statistic, ref_psi_from_counts(rc, cc, epsilon), rtol=1e-10, atol=1e-13, what="psi")
    assert (res.n_reference, res.n_current, res.missing_reference, res.missing_current) == (ref.size, cur.size, 0, 0)
    assert res.method == "psi"


@given(
    ref=data(),
    cur=data(),
    bins=st.integers(2, 20),
    binning=st.sampled_from(["quantile", "uniform"]),
    dtype=st.sampled_from(DTYPES),
    base=st.sampled_from([2, 2.0, math.e, 10.0]),
)
def test_js_distance_matches_scipy(ref, cur, bins, binning, dtype, base):
    ref = ref.astype(dtype)
    cur = cur.astype(dtype)
    edges = ref_edges(ref, bins, binning)
    rc, cc = ref_counts(edges, ref), ref_counts(edges, cur)
    res = driftscope.js_distance(ref, cur, bins=bins, binning=binning, base=base)
    assert_counts(res, edges, rc, cc)
    assert_js(res.statistic, quiet(scipy.spatial.distance.jensenshannon, rc, cc, base))
    assert res.method == "js_distance"


@given(
    ref=data(),
    cur=data(),
    edges=st.lists(st.floats(-5, 5, allow_nan=False), min_size=1, max_size=12).map(sorted),
)
def test_explicit_edges(ref, cur, edges):
    e = np.unique(np.array(edges))
    rc, cc = ref_counts(e, ref), ref_counts(e, cur)
    res = driftscope.psi(ref, cur, binning=np.array(edges))
    assert_counts(res, e, rc, cc)
    assert_close(res.statistic, ref_psi_from_counts(rc, cc), rtol=1e-10, atol=1e-13)
    res_js = driftscope.js_distance(ref, cur, binning=list(edges))
    assert_js(res_js.statistic, quiet(scipy.spatial.distance.jensenshannon, rc, cc, 2.0))


def test_ties_at_edges_go_right():
    # values equal to an edge belong to the bin on its right (searchsorted side='right')
    ref = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    cur = np.array([1.0, 1.0, 2.0, 3.0, 3.0, 3.0])
    res = driftscope.psi(ref, cur, binning=[1.0, 2.0, 3.0])
    np.testing.assert_array_equal(res.reference_counts, [1, 1, 1, 2])
    np.testing.assert_array_equal(res.current_counts, [0, 2, 1, 3])
    # quantile edges on heavy ties collapse (duplicates removed)
    ref = np.array([1.0] * 50 + [2.0] * 50)
    res = driftscope.psi(ref, ref, bins=10)
    np.testing.assert_array_equal(res.edges, np.unique(np.quantile(ref, np.arange(1, 10) / 10)))
    assert res.statistic == 0.0


def test_constant_reference():
    ref = np.full(20, 3.0)
    cur = np.array([1.0, 3.0, 5.0])
    for binning in ("quantile", "uniform"):
        res = driftscope.psi(ref, cur, binning=binning)
        np.testing.assert_array_equal(res.edges, [3.0])
        np.testing.assert_array_equal(res.reference_counts, [0, 20])
        np.testing.assert_array_equal(res.current_counts, [1, 2])
        assert_close(res.statistic, ref_psi_from_counts(np.array([0, 20]), np.array([1, 2])), 1e-12)


def test_infinities_land_in_end_bins():
    ref = np.arange(100.0)
    cur = np.array([-np.inf, np.inf, 50.0])
    res = driftscope.psi(ref, cur)
    assert res.current_counts[0] == 1 and res.current_counts[-1] == 1


def test_nan_policy_psi():
    ref = np.array([1.0, 2.0, np.nan, 3.0, 4.0, 5.0])
    cur = np.array([np.nan, np.nan, 2.5, 4.5])
    res = driftscope.psi(ref, cur)  # omit by default
    assert (res.n_reference, res.missing_reference, res.n_current, res.missing_current) == (5, 1, 2, 2)
    clean = driftscope.psi(ref[~np.isnan(ref)], cur[~np.isnan(cur)])
    assert res.statistic == clean.statistic
    assert math.isnan(driftscope.psi(ref, cur, nan_policy="propagate").statistic)
    assert math.isnan(driftscope.js_distance(ref, cur, nan_policy="propagate").statistic)
    with pytest.raises(ValueError, match="(?i)nan"):
        driftscope.psi(ref, cur, nan_policy="raise")
    with pytest.raises(ValueError, match="(?i)nan"):
        driftscope.js_distance(ref, cur, nan_policy="raise")


def test_identical_is_zero_and_shift_is_large():
    rng = np.random.default_rng(0)
    x = rng.normal(size=5000)
    assert driftscope.psi(x, x).statistic == 0.0
    assert driftscope.js_distance(x, x).statistic == pytest.approx(0.0, abs=1e-7)
    assert driftscope.psi(x, x + 2.0).statistic > 1.0
    assert 0.0 <= driftscope.js_distance(x, x + 2.0).statistic <= 1.0


def test_drift_result_repr():
    res = driftscope.psi([1.0, 2.0, 3.0, 4.0], [2.0, 3.0, 4.0, 5.0], bins=2)
    assert "statistic" in repr(res)


# --------------------------------------------------------------------------- categorical


def _missing(v):
    return v is None or (isinstance(v, float) and math.isnan(v))


def counter_reference(ref, cur):
    """Counts by the categorical rule, from collections.Counter."""
    rc = Counter(v for v in ref if not _missing(v))
    cc = Counter(v for v in cur if not _missing(v))
    cats = sorted(rc)
    r = [rc[c] for c in cats] + [0]
    c = [cc[k] for k in cats] + [sum(n for k, n in cc.items() if k not in rc)]
    return cats, np.array(r), np.array(c)


CATS = ["apple", "banana", "cherry", "date", "elder", None, float("nan")]


@given(
    ref=st.lists(st.sampled_from(CATS), min_size=1, max_size=60),
    cur=st.lists(st.sampled_from(CATS + ["fig", "grape"]), min_size=1, max_size=60),
    epsilon=st.sampled_from([1e-4, 0.05]),
    base=st.sampled_from([2.0, math.e]),
)
def test_categorical_strings_match_counter(ref, cur, epsilon, base):
    cats, rc, cc = counter_reference(ref, cur)
    assume(rc.sum() > 0 and cc.sum() > 0)
    res = driftscope.psi(ref, cur, epsilon=epsilon)
    assert res.categories == cats
    np.testing.assert_array_equal(res.reference_counts, rc)
    np.testing.assert_array_equal(res.current_counts, cc)
    assert_close(res.statistic, ref_psi_from_counts(rc, cc, epsilon), rtol=1e-10, atol=1e-13)
    assert res.missing_reference == sum(_missing(v) for v in ref)
    assert res.missing_current == sum(_missing(v) for v in cur)
    assert res.n_reference == rc.sum() and res.n_current == cc.sum()
    js = driftscope.js_distance(np.array(ref, dtype=object), np.array(cur, dtype=object), base=base)
    assert js.categories == cats
    assert_js(js.statistic, quiet(scipy.spatial.distance.jensenshannon, rc, cc, base))


@given(
    ref=st.lists(st.integers(0, 6), min_size=1, max_size=80),
    cur=st.lists(st.integers(0, 9), min_size=1, max_size=80),
    dtype=st.sampled_from([np.int8, np.int32, np.int64, np.uint16]),
)
def test_categorical_integer_codes(ref, cur, dtype):
    cats, rc, cc = counter_reference(ref, cur)
    res = driftscope.psi(np.array(ref, dtype=dtype), np.array(cur, dtype=dtype), categorical=True)
    assert res.categories == cats
    np.testing.assert_array_equal(res.reference_counts, rc)
    np.testing.assert_array_equal(res.current_counts, cc)
    assert_close(res.statistic, ref_psi_from_counts(rc, cc), rtol=1e-10, atol=1e-13)
    # without categorical=True, integers are numeric
    assert not hasattr(driftscope.psi(np.array(ref, dtype=dtype), np.array(cur, dtype=dtype)), "categories")


def test_categorical_bools_are_automatic():
    ref = np.array([True, False, True, True])
    cur = np.array([False, False, True])
    res = driftscope.psi(ref, cur)
    assert res.categories == [False, True]
    np.testing.assert_array_equal(res.reference_counts, [1, 3, 0])
    np.testing.assert_array_equal(res.current_counts, [2, 1, 0])


def test_categorical_unseen_and_result_fields():
    res = driftscope.psi(["a", "b", "b"], ["b", "c", "d", "d", None])
    assert res.categories == ["a", "b"]
    np.testing.assert_array_equal(res.current_counts, [0, 1, 3])
    assert res.unseen_categories == ["c", "d"]
    assert res.missing_current == 1 and res.n_current == 4
    assert res.method == "psi"
    assert "statistic" in repr(res)
    assert math.isnan(driftscope.psi(["a", None], ["a"], nan_policy="propagate").statistic)
    with pytest.raises(ValueError, match="reference"):
        driftscope.psi(["a", None], ["a"], nan_policy="raise")
    with pytest.raises(ValueError, match="current"):
        driftscope.js_distance(["a"], ["a", None], nan_policy="raise")


def test_categorical_false_forces_numeric_on_numbers():
    ref = np.array([1, 2, 3, 4, 5, 6], dtype=object)
    res = driftscope.psi(ref, ref, categorical=False, bins=3)
    assert hasattr(res, "edges")


def test_object_numbers_with_none_are_numeric():
    ref = [1.0, None, 2.0, 3.0, 4.0, 5.0, 6.0]
    cur = [2.5, 3.5, None, None]
    res = driftscope.psi(ref, cur, bins=3)
    assert hasattr(res, "edges")
    assert (res.missing_reference, res.missing_current) == (1, 2)
    expect = driftscope.psi([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [2.5, 3.5], bins=3)
    assert res.statistic == expect.statistic
    # ... unless asked to treat them as categories
    cat = driftscope.psi(ref, cur, categorical=True)
    assert cat.categories == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


def test_mixed_type_categories_sort_deterministically():
    res = driftscope.psi(np.array(["b", 1, "a", 2], dtype=object), np.array([1, "a", "z"], dtype=object))
    assert res.categories == [1, 2, "a", "b"]  # by type name, then value
    np.testing.assert_array_equal(res.current_counts, [1, 0, 1, 0, 1])
