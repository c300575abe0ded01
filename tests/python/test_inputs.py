"""Accepted input types: lists, integer / float32 / non-contiguous arrays, pandas Series."""

import numpy as np
import pandas as pd
import pytest
import scipy.stats

import driftscope
from _util import quiet

RNG = np.random.default_rng(11)
A = RNG.normal(size=300)
B = RNG.normal(0.2, 1.1, size=250)


def all_stats(a, b):
    ks = driftscope.ks_2samp(a, b)
    return (
        ks.statistic,
        ks.pvalue,
        driftscope.wasserstein_distance(a, b),
        driftscope.psi(a, b).statistic,
        driftscope.js_distance(a, b).statistic,
    )


def test_lists_equal_arrays():
    assert all_stats(list(A), list(B)) == all_stats(A, B)
    assert all_stats(tuple(A), tuple(B)) == all_stats(A, B)


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint32, np.float16])
def test_integer_and_small_float_dtypes(dtype):
    a = (A * 10).clip(-100, 100).astype(dtype)
    b = (B * 10).clip(-100, 100).astype(dtype)
    assert all_stats(a, b) == all_stats(a.astype(np.float64), b.astype(np.float64))
    ref = quiet(scipy.stats.ks_2samp, a.astype(np.float64), b.astype(np.float64))
    assert driftscope.ks_2samp(a, b).statistic == pytest.approx(ref.statistic, rel=1e-12)


def test_bool_numeric_in_ks():
    a = np.array([True, False, True])
    b = np.array([False, False])
    assert driftscope.ks_2samp(a, b).statistic == driftscope.ks_2samp([1.0, 0.0, 1.0], [0.0, 0.0]).statistic


def test_non_contiguous_arrays():
    big_a = np.repeat(A, 2)
    big_b = np.repeat(B, 3)
    a_view, b_view = big_a[::2], big_b[::3]
    assert not a_view.flags.c_contiguous
    assert all_stats(a_view, b_view) == all_stats(A, B)
    fortran = np.asfortranarray(np.stack([A, A], axis=1))[:, 0]
    assert driftscope.psi(fortran, B).statistic == driftscope.psi(A, B).statistic


def test_float32_does_not_mutate_input():
    a32 = A.astype(np.float32)
    before = a32.copy()
    driftscope.ks_2samp(a32, B.astype(np.float32))
    driftscope.ReferenceProfile(a32).psi(a32)
    np.testing.assert_array_equal(a32, before)


def test_pandas_series_numeric():
    sa, sb = pd.Series(A), pd.Series(B, index=np.arange(1000, 1000 + B.size))
    assert all_stats(sa, sb) == all_stats(A, B)
    prof = driftscope.ReferenceProfile(sa)
    assert prof.psi(sb).statistic == driftscope.psi(A, B).statistic


def test_pandas_nullable_with_na():
    a = pd.Series([1.0, 2.0, None, 4.0, 5.0, 6.0], dtype="Float64")
    b = pd.Series([2, 3, None, 7], dtype="Int64")
    res = driftscope.psi(a, b, bins=2)
    assert (res.missing_reference, res.missing_current) == (1, 1)
    expect = driftscope.psi([1.0, 2.0, 4.0, 5.0, 6.0], [2.0, 3.0, 7.0], bins=2)
    assert res.statistic == expect.statistic
    ks = driftscope.ks_2samp(a, b, nan_policy="omit")
    assert ks.statistic == driftscope.ks_2samp([1.0, 2.0, 4.0, 5.0, 6.0], [2.0, 3.0, 7.0]).statistic


def test_pandas_categorical_and_strings():
    ref = pd.Series(["x", "y", "y", None, "z"], dtype="category")
    cur = pd.Series(["y", "y", "w", pd.NA], dtype="string")
    res = driftscope.psi(ref, cur)
    assert res.categories == ["x", "y", "z"]
    np.testing.assert_array_equal(res.reference_counts, [1, 2, 1, 0])
    np.testing.assert_array_equal(res.current_counts, [0, 2, 0, 1])
    assert (res.missing_reference, res.missing_current) == (1, 1)
    obj = driftscope.js_distance(pd.Series(["x", "y", "y", None, "z"]), pd.Series(["y", "y", "w", None]))
    assert obj.categories == ["x", "y", "z"]


def test_pandas_categorical_with_integer_categories():
    ref = pd.Series(pd.Categorical([3, 1, 1, 2]))
    res = driftscope.psi(ref, pd.Series(pd.Categorical([1, 4])))
    assert res.categories == [1, 2, 3]
    np.testing.assert_array_equal(res.current_counts, [1, 0, 0, 1])


def test_pandas_string_series_not_numeric_for_ks():
    with pytest.raises(ValueError, match="data1"):
        driftscope.ks_2samp(pd.Series(["a", "b"]), [1.0])


def test_object_numbers_with_none():
    a = np.array([1.0, None, 3.0, 4.0], dtype=object)
    res = driftscope.ks_2samp(a, [1.0, 2.0], nan_policy="omit")
    assert res.n1 == 3 and res.missing1 == 1
