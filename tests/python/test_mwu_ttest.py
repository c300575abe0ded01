"""Parity with scipy 1.17: mannwhitneyu and ttest_ind (1-D).

Expected values come from scipy on the same inputs: statistics to 1e-12 relative,
p-values to 1e-9 relative (1e-14 absolute when tiny).
"""

import numpy as np
import pytest
import scipy.stats
from hypothesis import given
from hypothesis import strategies as st

import driftscope
from _util import assert_close, quiet

ALTERNATIVES = ["two-sided", "less", "greater"]
MWU_METHODS = ["auto", "asymptotic", "exact"]


@st.composite
def sample(draw, min_size=1, max_size=30):
    """A 1-D float64 sample: ties, ordinary floats, or a constant."""
    kind = draw(st.sampled_from(["ties", "floats", "scaled", "constant"]))
    n = draw(st.integers(min_size, max_size))
    if kind == "ties":
        elems = st.integers(-3, 3).map(float)
    elif kind == "floats":
        elems = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
    elif kind == "scaled":
        elems = st.floats(-1.0, 1.0, allow_nan=False).map(lambda v: v * 1e6 + 5e6)
    else:
        c = draw(st.floats(-10, 10, allow_nan=False))
        elems = st.just(c)
    return np.array(draw(st.lists(elems, min_size=n, max_size=n)), dtype=np.float64)


def check_mwu(x, y, **kw):
    ours = driftscope.mannwhitneyu(x, y, **kw)
    ref = quiet(scipy.stats.mannwhitneyu, x, y, **kw)
    assert_close(ours.statistic, ref.statistic, 1e-12, what="statistic")
    assert_close(ours.pvalue, ref.pvalue, 1e-9, 1e-14, what="pvalue")


def check_ttest(a, b, **kw):
    ours = driftscope.ttest_ind(a, b, **kw)
    ref = quiet(scipy.stats.ttest_ind, a, b, **kw)
    assert_close(ours.statistic, ref.statistic, 1e-12, what="statistic")
    assert_close(ours.pvalue, ref.pvalue, 1e-9, 1e-14, what="pvalue")
    assert_close(ours.df, ref.df, 1e-12, what="df")


# --------------------------------------------------------------------------- mannwhitneyu


@given(sample(), sample(), st.sampled_from(ALTERNATIVES), st.sampled_from(MWU_METHODS), st.booleans())
def test_mwu_parity(x, y, alternative, method, use_continuity):
    check_mwu(x, y, use_continuity=use_continuity, alternative=alternative, method=method)


@given(sample(min_size=20, max_size=300), sample(min_size=20, max_size=300), st.sampled_from(ALTERNATIVES))
def test_mwu_parity_larger(x, y, alternative):
    check_mwu(x, y, alternative=alternative)


@pytest.mark.parametrize("policy", ["propagate", "omit"])
def test_mwu_nan_policy(policy):
    x = np.array([1.0, np.nan, 3.0, 0.5, 2.5])
    y = np.array([2.0, 4.0, np.nan, 0.0])
    check_mwu(x, y, nan_policy=policy)


def test_mwu_result_unpacks_and_float32():
    x = np.array([19, 22, 16, 29, 24], dtype=np.float32)
    y = np.array([20, 11, 17, 12], dtype=np.float32)
    # float32 input is accepted; the arithmetic is double (scipy computes the float32
    # p-value in float32), so compare with scipy on the float64 values
    u, p = driftscope.mannwhitneyu(x, y, method="exact")
    ref = scipy.stats.mannwhitneyu(x.astype(np.float64), y.astype(np.float64), method="exact")
    assert u == ref.statistic
    assert_close(p, ref.pvalue, 1e-12)
    r = driftscope.mannwhitneyu(x, y)
    assert r[0] == r.statistic and r[-1] == r.pvalue and len(r) == 2
    assert isinstance(r, driftscope.MannwhitneyuResult)
    assert "MannwhitneyuResult(" in repr(r)


# --------------------------------------------------------------------------- ttest_ind


@given(sample(), sample(), st.sampled_from(ALTERNATIVES), st.booleans())
def test_ttest_parity(a, b, alternative, equal_var):
    check_ttest(a, b, alternative=alternative, equal_var=equal_var)


@given(sample(min_size=100, max_size=1000), sample(min_size=100, max_size=1000), st.booleans())
def test_ttest_parity_larger(a, b, equal_var):
    check_ttest(a, b, equal_var=equal_var)


@pytest.mark.parametrize("policy", ["propagate", "omit"])
@pytest.mark.parametrize("equal_var", [True, False])
def test_ttest_nan_policy(policy, equal_var):
    a = np.array([1.0, np.nan, 3.0, 0.5, 2.5])
    b = np.array([2.0, 4.0, np.nan, 0.0])
    check_ttest(a, b, nan_policy=policy, equal_var=equal_var)


@pytest.mark.parametrize(
    "a,b",
    [([1.0, 1.0, 1.0], [1.0, 1.0]), ([0.1] * 3, [0.1] * 3), ([1.0, 1.0, 1.0], [2.0, 2.0]),
     ([1.0], [2.0]), ([1.0], [2.0, 3.0])],
)
@pytest.mark.parametrize("equal_var", [True, False])
def test_ttest_degenerate(a, b, equal_var):
    check_ttest(np.array(a), np.array(b), equal_var=equal_var)


def test_ttest_result_unpacks():
    r = driftscope.ttest_ind([1.0, 2.0, 3.0], [4.0, 5.0, 7.0])
    t, p = r
    ref = scipy.stats.ttest_ind([1.0, 2.0, 3.0], [4.0, 5.0, 7.0])
    assert_close(t, ref.statistic, 1e-12)
    assert_close(p, ref.pvalue, 1e-9)
    assert r.df == 4.0 and len(r) == 2
    assert isinstance(r, driftscope.TtestResult)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("fn", ["mannwhitneyu", "ttest_ind"])
def test_bad_input(fn):
    f = getattr(driftscope, fn)
    with pytest.raises(ValueError, match="empty"):
        f([], [1.0, 2.0])
    with pytest.raises(ValueError, match="empty"):
        f([1.0, 2.0], np.array([]))
    with pytest.raises(ValueError, match="1-D"):
        f(np.ones((2, 2)), [1.0, 2.0])
    with pytest.raises(ValueError, match="alternative"):
        f([1.0, 2.0], [3.0], alternative="bigger")
    with pytest.raises(ValueError, match="nan_policy"):
        f([1.0, 2.0], [3.0], nan_policy="ignore")
    with pytest.raises(ValueError, match="NaN"):
        f([1.0, np.nan], [3.0], nan_policy="raise")
    with pytest.raises(ValueError, match="empty after omitting"):
        f([np.nan], [3.0], nan_policy="omit")


def test_mwu_bad_method():
    with pytest.raises(ValueError, match="method"):
        driftscope.mannwhitneyu([1.0], [2.0], method="fast")
    with pytest.raises(ValueError, match="not supported"):
        driftscope.mannwhitneyu([1.0], [2.0], method="permutation")
