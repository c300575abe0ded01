"""Parity of the categorical tests with scipy 1.17 / statsmodels (installed from PyPI for
these tests: `pip install statsmodels`).

multipletests          statsmodels.stats.multitest.multipletests ('bonferroni', 'holm', 'fdr_bh')
chi2_contingency       scipy.stats.chi2_contingency (2-D tables)
fisher_exact           scipy.stats.fisher_exact (2 x 2)
two_proportion_ztest   statsmodels.stats.proportion.proportions_ztest
cramers_v              scipy.stats.contingency.association(method='cramer')

Statistics to 1e-12 relative, p-values to 1e-9 relative (1e-14 absolute when tiny).
"""

import numpy as np
import pytest
import scipy.stats
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats.contingency import association

import driftscope
from _util import assert_close, quiet

multitest = pytest.importorskip("statsmodels.stats.multitest")
proportion = pytest.importorskip("statsmodels.stats.proportion")

ALTERNATIVES = ["two-sided", "less", "greater"]
METHODS = ["bonferroni", "holm", "fdr_bh"]
LAMBDAS = [None, "pearson", "log-likelihood", "freeman-tukey", "mod-log-likelihood", "neyman", "cressie-read", 1.5]


# --------------------------------------------------------------------------- strategies


@st.composite
def pvalue_vector(draw):
    n = draw(st.integers(1, 60))
    kind = draw(st.sampled_from(["uniform", "small", "ties", "extremes"]))
    if kind == "uniform":
        elems = st.floats(0, 1)
    elif kind == "small":
        elems = st.floats(0, 1).map(lambda u: u**4)
    elif kind == "ties":
        elems = st.sampled_from([0.001, 0.01, 0.02, 0.05, 0.5])
    else:
        elems = st.sampled_from([0.0, 1.0, 5e-324, 1e-300, 0.05])
    return np.array(draw(st.lists(elems, min_size=n, max_size=n)))


@st.composite
def table(draw, min_dim=1, max_dim=6, max_count=50, positive_margins=True):
    r = draw(st.integers(min_dim, max_dim))
    k = draw(st.integers(min_dim, max_dim))
    t = np.array(draw(st.lists(st.integers(0, max_count), min_size=r * k, max_size=r * k))).reshape(r, k)
    if positive_margins:
        t[t.sum(axis=1) == 0, 0] += 1
        t[0, t.sum(axis=0) == 0] += 1
    return t


def check_chi2(t, correction, lambda_):
    ref = quiet(scipy.stats.chi2_contingency, t, correction=correction, lambda_=lambda_)
    got = driftscope.chi2_contingency(t, correction=correction, lambda_=lambda_)
    assert got.dof == ref.dof
    assert_close(got.statistic, ref.statistic, 1e-12, 1e-14, "statistic")
    assert_close(got.pvalue, ref.pvalue, 1e-9, 1e-14, "pvalue")
    np.testing.assert_allclose(got.expected_freq, ref.expected_freq, rtol=1e-14)
    assert got.expected_freq.shape == ref.expected_freq.shape


# --------------------------------------------------------------------------- multipletests


@given(pvalue_vector(), st.sampled_from(METHODS), st.sampled_from([0.01, 0.05, 0.1, 0.5]))
def test_multipletests_parity(p, method, alpha):
    rej, cor, sidak, bonf = multitest.multipletests(p, alpha=alpha, method=method)
    got = driftscope.multipletests(p, alpha=alpha, method=method)
    assert len(got) == 4
    np.testing.assert_array_equal(got[0], rej)
    assert got[0].dtype == np.bool_
    np.testing.assert_allclose(got[1], cor, rtol=1e-15, atol=0)
    assert_close(got[2], sidak, 1e-12, 0, "alphacSidak")
    assert got[3] == bonf


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("flags", [(True, False), (False, True), (True, True)])
def test_multipletests_sorted_flags(method, flags):
    is_sorted, returnsorted = flags
    p = np.array([0.04, 0.001, 0.3, 0.02, 0.02, 0.9])
    if is_sorted:
        p = np.sort(p)
    ref = multitest.multipletests(p, method=method, is_sorted=is_sorted, returnsorted=returnsorted)
    got = driftscope.multipletests(p, method=method, is_sorted=is_sorted, returnsorted=returnsorted)
    np.testing.assert_array_equal(got[0], ref[0])
    np.testing.assert_allclose(got[1], ref[1], rtol=1e-15)


@pytest.mark.parametrize("alias", ["b", "bonf", "Bonferroni", "h", "HOLM", "fdr_i", "fdr_p", "fdri", "fdrp"])
def test_multipletests_aliases(alias):
    p = np.array([0.01, 0.2, 0.03])
    ref = multitest.multipletests(p, method=alias)
    got = driftscope.multipletests(p, method=alias)
    np.testing.assert_allclose(got[1], ref[1], rtol=1e-15)


@pytest.mark.parametrize("method", ["hs", "sidak", "holm-sidak", "simes-hochberg", "hommel", "fdr_by", "fdr_tsbh", "x"])
def test_multipletests_unsupported_method(method):
    with pytest.raises(ValueError, match="multipletests: method"):
        driftscope.multipletests([0.1, 0.2], method=method)


def test_multipletests_default_method_raises():
    # statsmodels' default is 'hs' (Holm-Sidak), which we do not support
    with pytest.raises(ValueError, match="'hs'"):
        driftscope.multipletests([0.1, 0.2])


def test_multipletests_bad_input():
    with pytest.raises(ValueError, match="NaN at index 1"):
        driftscope.multipletests([0.1, np.nan], method="holm")
    with pytest.raises(ValueError, match="empty"):
        driftscope.multipletests([], method="holm")
    with pytest.raises(ValueError, match="1-D"):
        driftscope.multipletests([[0.1, 0.2]], method="holm")


# --------------------------------------------------------------------------- chi2_contingency


@given(table(), st.booleans(), st.sampled_from(LAMBDAS))
def test_chi2_contingency_parity(t, correction, lambda_):
    check_chi2(t, correction, lambda_)


@given(table(min_dim=2, max_dim=2, max_count=1000), st.sampled_from([None, "log-likelihood"]))
def test_chi2_contingency_2x2_yates(t, lambda_):
    check_chi2(t, True, lambda_)


@pytest.mark.parametrize(
    "t",
    [[[10, 20, 30], [40, 5, 6]], [[0, 7], [3, 0]], [[1, 2, 3, 4]], [[3], [9]], [[12.5, 3.25], [7.0, 1.5]],
     [[5, 5], [5, 5]], [[1e6, 999000], [1001000, 1e6]]],
)
def test_chi2_contingency_cases(t):
    for correction in (True, False):
        check_chi2(np.array(t), correction, None)


def test_chi2_contingency_result_unpacks():
    res = driftscope.chi2_contingency([[10, 20], [30, 40]])
    stat, p, dof, expected = res
    assert (stat, p, dof) == (res.statistic, res.pvalue, res.dof)
    assert expected is not None and expected.shape == (2, 2)
    assert len(res) == 4 and res[-1].shape == (2, 2)


def test_chi2_contingency_bad_input():
    with pytest.raises(ValueError, match="nonnegative"):
        driftscope.chi2_contingency([[1, -2], [3, 4]])
    with pytest.raises(ValueError, match="zero element"):
        driftscope.chi2_contingency([[0, 0], [3, 4]])
    with pytest.raises(ValueError, match="zero element"):
        driftscope.chi2_contingency([[0, 0], [0, 0]])
    with pytest.raises(ValueError, match="size 0"):
        driftscope.chi2_contingency(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="2-D"):
        driftscope.chi2_contingency([1, 2, 3])
    with pytest.raises(ValueError, match="2-D"):
        driftscope.chi2_contingency(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="lambda_"):
        driftscope.chi2_contingency([[1, 2], [3, 4]], lambda_="g-test")
    with pytest.raises(ValueError, match="finite"):
        driftscope.chi2_contingency([[1, np.nan], [3, 4]])
    # scipy rejects the same inputs (except NaN, which it propagates)
    for bad in ([[1, -2], [3, 4]], [[0, 0], [3, 4]]):
        with pytest.raises(ValueError):
            scipy.stats.chi2_contingency(bad)


# --------------------------------------------------------------------------- fisher_exact


@given(st.lists(st.integers(0, 60), min_size=4, max_size=4), st.sampled_from(ALTERNATIVES))
def test_fisher_exact_parity(cells, alternative):
    t = np.array(cells).reshape(2, 2)
    ref = scipy.stats.fisher_exact(t, alternative=alternative)
    got = driftscope.fisher_exact(t, alternative=alternative)
    assert_close(got.statistic, ref.statistic, 1e-12, 0, "odds ratio")
    assert_close(got.pvalue, ref.pvalue, 1e-9, 1e-14, "pvalue")


@given(st.lists(st.integers(0, 3000), min_size=4, max_size=4))
def test_fisher_exact_parity_large(cells):
    t = np.array(cells).reshape(2, 2)
    ref = scipy.stats.fisher_exact(t)
    got = driftscope.fisher_exact(t)
    assert_close(got.statistic, ref.statistic, 1e-12, 0, "odds ratio")
    assert_close(got.pvalue, ref.pvalue, 1e-9, 1e-14, "pvalue")


def test_fisher_exact_default_and_unpack():
    t = [[1, 9], [11, 3]]
    stat, p = driftscope.fisher_exact(t)
    ref = scipy.stats.fisher_exact(t)
    assert_close(stat, ref.statistic, 1e-12)
    assert_close(p, ref.pvalue, 1e-9)
    res = driftscope.fisher_exact([[0, 0], [3, 4]])
    assert np.isnan(res.statistic) and res.pvalue == 1.0
    # scipy truncates float tables to int64 (numpy.asarray(table, dtype=int64))
    ref = scipy.stats.fisher_exact([[1.7, 9.2], [11.9, 3.0]])
    got = driftscope.fisher_exact([[1.7, 9.2], [11.9, 3.0]])
    assert_close(got.pvalue, ref.pvalue, 1e-9)


def test_fisher_exact_bad_input():
    with pytest.raises(ValueError, match="nonnegative"):
        driftscope.fisher_exact([[1, -1], [2, 3]])
    with pytest.raises(ValueError, match="two dimensions"):
        driftscope.fisher_exact([1, 2, 3, 4])
    with pytest.raises(ValueError, match="2 x 2"):
        driftscope.fisher_exact([[1, 2, 3], [4, 5, 6]])
    with pytest.raises(ValueError, match="alternative"):
        driftscope.fisher_exact([[1, 2], [3, 4]], alternative="bigger")
    with pytest.raises(ValueError, match="finite"):
        driftscope.fisher_exact([[1, np.nan], [3, 4]])


# --------------------------------------------------------------------------- drift helpers


@given(st.integers(1, 10**6), st.integers(1, 10**6), st.floats(0, 1), st.floats(0, 1))
def test_two_proportion_ztest_parity(n1, n2, u1, u2):
    c1, c2 = int(u1 * n1), int(u2 * n2)
    z, p = quiet(proportion.proportions_ztest, np.array([c1, c2]), np.array([n1, n2]))
    got = driftscope.two_proportion_ztest(c1, n1, c2, n2)
    assert_close(got.statistic, z, 1e-12, 1e-14, "z")
    assert_close(got.pvalue, p, 1e-9, 1e-14, "pvalue")
    assert len(tuple(got)) == 2


def test_two_proportion_ztest_degenerate_and_bad():
    got = driftscope.two_proportion_ztest(0, 10, 0, 20)  # pooled proportion 0: 0/0
    assert np.isnan(got.statistic) and np.isnan(got.pvalue)
    with pytest.raises(ValueError, match="n_ref must be > 0"):
        driftscope.two_proportion_ztest(0, 0, 1, 2)
    with pytest.raises(ValueError, match="count_cur"):
        driftscope.two_proportion_ztest(1, 2, 3, 2)


@given(table(min_dim=2, max_dim=6, max_count=100))
def test_cramers_v_parity(t):
    assert_close(driftscope.cramers_v(t), association(t, method="cramer"), 1e-12, 1e-15, "cramers_v")


def test_cramers_v_bad_input():
    # scipy's association requires an integer array; so do we
    with pytest.raises(ValueError, match="integer"):
        association(np.array([[1.0, 2.0], [3.0, 4.0]]), method="cramer")
    with pytest.raises(ValueError, match="integer array"):
        driftscope.cramers_v(np.array([[1.0, 2.0], [3.0, 4.0]]))
    with pytest.raises(ValueError, match="nonnegative"):
        driftscope.cramers_v(np.array([[1, -2], [3, 4]]))
    with pytest.raises(ValueError, match="at least 2 rows"):
        driftscope.cramers_v(np.array([[1, 2, 3]]))
    with pytest.raises(ValueError, match="2-D"):
        driftscope.cramers_v(np.array([1, 2, 3]))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("n", [1023, 1024, 5000, 100000])
def test_multipletests_large(method, n):
    # large inputs take the radix-sort path; ties, zeros and ones included
    rng = np.random.default_rng(n)
    p = rng.uniform(0, 1, n) ** 4
    p[::7] = np.round(p[::7], 2)
    p[::11] = 0.0
    p[::13] = 1.0
    ref = multitest.multipletests(p, method=method)
    got = driftscope.multipletests(p, method=method)
    np.testing.assert_array_equal(got[0], ref[0])
    np.testing.assert_allclose(got[1], ref[1], rtol=1e-15, atol=0)
