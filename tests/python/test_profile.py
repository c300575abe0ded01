"""ReferenceProfile: each method equals the one-shot function; pickling keeps results."""

import copy
import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import driftscope


def _data(seed, n, loc=0.0, nan_share=0.0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    x = rng.normal(loc, 1.0, n)
    x[rng.random(n) < nan_share] = np.nan
    return x.astype(dtype)


def assert_same_drift(a, b):
    assert a.statistic == pytest.approx(b.statistic, rel=1e-12, abs=1e-15)
    np.testing.assert_array_equal(a.edges, b.edges)
    np.testing.assert_array_equal(a.reference_counts, b.reference_counts)
    np.testing.assert_array_equal(a.current_counts, b.current_counts)
    assert (a.n_current, a.missing_current) == (b.n_current, b.missing_current)


def assert_same_ks(a, b):
    assert a.statistic == pytest.approx(b.statistic, rel=1e-12)
    assert a.pvalue == pytest.approx(b.pvalue, rel=1e-12, abs=1e-300)
    assert a.statistic_location == b.statistic_location
    assert a.statistic_sign == b.statistic_sign
    assert a.method == b.method


@given(
    seed=st.integers(0, 2**32 - 1),
    n_ref=st.integers(1, 400),
    n_cur=st.integers(1, 400),
    loc=st.floats(-1, 1),
    nan_share=st.sampled_from([0.0, 0.1]),
    bins=st.integers(2, 15),
    binning=st.sampled_from(["quantile", "uniform"]),
    dtype=st.sampled_from([np.float64, np.float32]),
    alternative=st.sampled_from(["two-sided", "less", "greater"]),
)
def test_profile_equals_one_shot(seed, n_ref, n_cur, loc, nan_share, bins, binning, dtype, alternative):
    ref = _data(seed, n_ref, 0.0, nan_share, dtype)
    cur = _data(seed + 1, n_cur, loc, nan_share, dtype)
    ref_ok, cur_ok = ref[~np.isnan(ref)], cur[~np.isnan(cur)]
    if ref_ok.size == 0 or cur_ok.size == 0:
        return
    prof = driftscope.ReferenceProfile(ref, bins=bins, binning=binning)
    assert prof.n == ref_ok.size and prof.missing == ref.size - ref_ok.size
    np.testing.assert_array_equal(prof.sorted_values, np.sort(ref_ok).astype(np.float64))
    one_shot = driftscope.psi(ref, cur, bins=bins, binning=binning)
    np.testing.assert_array_equal(prof.edges, one_shot.edges)
    np.testing.assert_array_equal(prof.counts, one_shot.reference_counts)
    assert_same_drift(prof.psi(cur), one_shot)
    assert_same_drift(prof.psi(cur, epsilon=0.01), driftscope.psi(ref, cur, bins=bins, binning=binning, epsilon=0.01))
    assert_same_drift(prof.js_distance(cur), driftscope.js_distance(ref, cur, bins=bins, binning=binning))
    assert_same_drift(
        prof.js_distance(cur, base=np.e), driftscope.js_distance(ref, cur, bins=bins, binning=binning, base=np.e)
    )
    assert_same_ks(prof.ks(cur, alternative=alternative),
                   driftscope.ks_2samp(ref, cur, alternative=alternative, nan_policy="omit"))
    assert prof.wasserstein(cur) == pytest.approx(driftscope.wasserstein_distance(ref_ok, cur_ok), rel=1e-12, abs=1e-300)


def test_profile_explicit_edges_and_methods():
    ref = _data(1, 1000)
    cur = _data(2, 700, 0.3)
    prof = driftscope.ReferenceProfile(ref, binning=np.array([-1.0, 0.0, 1.0]))
    np.testing.assert_array_equal(prof.edges, [-1.0, 0.0, 1.0])
    assert_same_drift(prof.psi(cur), driftscope.psi(ref, cur, binning=[-1.0, 0.0, 1.0]))
    for method in ("auto", "exact", "asymp"):
        assert_same_ks(prof.ks(cur, method=method), driftscope.ks_2samp(ref, cur, method=method))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_profile_pickle_round_trip(dtype):
    ref = _data(3, 2000, nan_share=0.05, dtype=dtype)
    cur = _data(4, 1500, 0.2, nan_share=0.05, dtype=dtype)
    prof = driftscope.ReferenceProfile(ref, bins=12)
    for clone in (
        pickle.loads(pickle.dumps(prof)),
        pickle.loads(pickle.dumps(prof, protocol=pickle.HIGHEST_PROTOCOL)),
        driftscope.ReferenceProfile.from_bytes(prof.to_bytes()),
        copy.deepcopy(prof),
    ):
        assert isinstance(clone, driftscope.ReferenceProfile)
        assert (clone.n, clone.missing) == (prof.n, prof.missing)
        np.testing.assert_array_equal(clone.edges, prof.edges)
        np.testing.assert_array_equal(clone.counts, prof.counts)
        np.testing.assert_array_equal(clone.sorted_values, prof.sorted_values)
        assert_same_drift(clone.psi(cur), prof.psi(cur))
        assert_same_drift(clone.js_distance(cur), prof.js_distance(cur))
        assert_same_ks(clone.ks(cur), prof.ks(cur))
        assert clone.wasserstein(cur) == prof.wasserstein(cur)
    assert isinstance(prof.to_bytes(), bytes)
    assert "ReferenceProfile" in repr(prof)


@pytest.mark.parametrize("blob", [b"", b"\x00" * 3, b"garbage-bytes-that-are-not-a-profile"])
def test_profile_from_corrupt_bytes(blob):
    with pytest.raises(ValueError):
        driftscope.ReferenceProfile.from_bytes(blob)


def test_profile_truncated_bytes():
    blob = driftscope.ReferenceProfile(_data(5, 100)).to_bytes()
    for cut in (1, len(blob) // 2, len(blob) - 1):
        with pytest.raises(ValueError):
            driftscope.ReferenceProfile.from_bytes(blob[:cut])


def test_profile_read_only_properties():
    prof = driftscope.ReferenceProfile(_data(6, 50))
    with pytest.raises(AttributeError):
        prof.n = 3
    sv = prof.sorted_values
    sv[0] = 1e9  # a copy: the profile is unaffected
    assert prof.sorted_values[0] != 1e9
