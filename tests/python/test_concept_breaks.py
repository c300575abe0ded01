"""Parity of the batch structural-break tests with statsmodels / scipy.

ols_cusum_test == statsmodels breaks_cusumolsresid(OLS resid, ddof=k); chow_test == F from
statsmodels OLS fits of the pooled sample and the two segments, p-value scipy.stats.f.sf;
sup_f_test == the brute-force maximum of those Chow F statistics over the trimmed range.
"""

import math

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.diagnostic import breaks_cusumolsresid

from driftscope import concept

ALPHAS = (0.10, 0.05, 0.01)


def make(n, p, seed, brk=None, shift=0.0, x_mean=0.0):
    rng = np.random.default_rng(seed)
    X = x_mean + rng.standard_normal((n, p))
    slopes = np.arange(1, p + 1, dtype=float)
    y = 1.0 + X @ slopes + rng.standard_normal(n)
    if brk is not None:
        y[brk:] += shift * (1.0 + X[brk:].sum(axis=1))
    return X, y


def ssr(X, y):
    return sm.OLS(y, sm.add_constant(X, has_constant="add")).fit().ssr


def chow_ref(X, y, b):
    n, p = X.shape
    k = p + 1
    sp, s1, s2 = ssr(X, y), ssr(X[:b], y[:b]), ssr(X[b:], y[b:])
    f = ((sp - s1 - s2) / k) / ((s1 + s2) / (n - 2 * k))
    return f, stats.f.sf(f, k, n - 2 * k)


@pytest.mark.parametrize("p", [1, 2, 4])
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("brk", [None, "half"])
def test_ols_cusum_matches_statsmodels(p, seed, brk):
    n = 60 + 70 * seed + 20 * p
    X, y = make(n, p, seed, None if brk is None else n // 2, 0.6, x_mean=3.0)
    res = sm.OLS(y, sm.add_constant(X)).fit()
    stat, pval, _ = breaks_cusumolsresid(res.resid, ddof=p + 1)
    r = concept.ols_cusum_test(X, y)
    assert r.statistic == pytest.approx(stat, rel=1e-9)
    assert r.pvalue == pytest.approx(pval, rel=1e-9, abs=1e-300)
    assert r.ddof == p + 1 and r.n_obs == n
    assert r.sigma == pytest.approx(math.sqrt(res.ssr / (n - p - 1)), rel=1e-9)
    b = np.cumsum(res.resid) / math.sqrt(res.ssr / (n - p - 1) * n)
    np.testing.assert_allclose(r.process, b, rtol=1e-9, atol=1e-12)
    assert r.argmax == int(np.argmax(np.abs(b)))
    np.testing.assert_allclose(r.critical_values, stats.kstwobign.isf(ALPHAS), rtol=1e-12)
    assert r.exceeds == tuple(bool(stat > c) for c in stats.kstwobign.isf(ALPHAS))
    # the residual-only entry point with statsmodels' default ddof=0
    s0, p0, _ = breaks_cusumolsresid(res.resid)
    r0 = concept.ols_cusum_from_residuals(res.resid)
    assert r0.statistic == pytest.approx(s0, rel=1e-9)
    assert r0.pvalue == pytest.approx(p0, rel=1e-9, abs=1e-300)


def test_ols_cusum_kolmogorov_tail_matches_scipy():
    rng = np.random.default_rng(5)
    for scale in (0.05, 0.3, 0.8, 1.0, 2.0, 4.0):
        resid = rng.standard_normal(200)
        resid += scale * np.sign(np.arange(200) - 100)  # a mean shift raises the sup
        stat, pval, _ = breaks_cusumolsresid(resid, ddof=2)
        r = concept.ols_cusum_from_residuals(resid, ddof=2)
        assert r.statistic == pytest.approx(stat, rel=1e-12)
        assert r.pvalue == pytest.approx(pval, rel=1e-11, abs=1e-300)


@pytest.mark.parametrize("p", [1, 3])
@pytest.mark.parametrize("brk", [None, 70])
def test_chow_matches_statsmodels(p, brk):
    X, y = make(140, p, 10 + p, brk, 0.4, x_mean=10.0)
    for b in (p + 2, 30, 70, 111, 140 - p - 2):
        f, pv = chow_ref(X, y, b)
        r = concept.chow_test(X, y, b)
        assert r.statistic == pytest.approx(f, rel=1e-9)
        assert r.pvalue == pytest.approx(pv, rel=1e-9, abs=1e-300)
        assert (r.break_index, r.df_num, r.df_denom) == (b, p + 1, 140 - 2 * (p + 1))
        assert r.ssr_1 == pytest.approx(ssr(X[:b], y[:b]), rel=1e-10)
        assert r.ssr_2 == pytest.approx(ssr(X[b:], y[b:]), rel=1e-10)
        assert r.ssr_pooled == pytest.approx(ssr(X, y), rel=1e-10)


def test_chow_detects_planted_break():
    X, y = make(200, 2, 3, 100, 1.0)
    assert concept.chow_test(X, y, 100).pvalue < 1e-10
    X, y = make(200, 2, 3)
    assert concept.chow_test(X, y, 100).pvalue > 1e-3


@pytest.mark.parametrize("p,trim", [(1, 0.15), (2, 0.2), (3, 0.15)])
@pytest.mark.parametrize("brk", [None, 75])
def test_sup_f_matches_brute_force(p, trim, brk):
    n = 110
    X, y = make(n, p, 20 + p, brk, 0.5, x_mean=50.0)
    r = concept.sup_f_test(X, y, trim=trim)
    k = p + 1
    lo = max(math.floor(trim * n + 1e-9), k + 1)
    hi = min(math.floor((1 - trim) * n + 1e-9), n - k - 1)
    assert (r.first_break, r.last_break) == (lo, hi)
    fs = np.array([chow_ref(X, y, b)[0] for b in range(lo, hi + 1)])
    np.testing.assert_allclose(r.f_statistics, fs, rtol=1e-8)
    assert r.break_index == lo + int(np.argmax(fs))
    assert r.statistic == pytest.approx(fs.max(), rel=1e-8)
    assert r.chow_pvalue == pytest.approx(stats.f.sf(fs.max(), k, n - 2 * k), rel=1e-8, abs=1e-300)
    assert r.df_num == k and r.n_obs == n and r.trim == trim
    if trim == 0.15:
        assert all(np.isfinite(r.critical_values))
        assert r.exceeds == tuple(bool(r.statistic > c) for c in r.critical_values)
    else:
        assert all(math.isnan(c) for c in r.critical_values)
        assert r.exceeds == (False, False, False)
    if brk is not None:
        assert abs(r.break_index - brk) <= 5 and r.chow_pvalue < 1e-6
        assert r.exceeds[2] or trim != 0.15


def test_sup_f_andrews_table_values():
    # Andrews (1993) / (2003) Table 1, pi0 = 0.15, F scale: k = 1 and k = 2 rows
    X, y = make(100, 0, 1)  # p = 0: k = 1
    assert concept.sup_f_test(X, y).critical_values == (7.12, 8.68, 12.16)
    X, y = make(100, 1, 1)
    assert concept.sup_f_test(X, y).critical_values == (5.00, 5.86, 7.78)
    X, y = make(100, 10, 1)  # k = 11: not tabulated
    assert all(math.isnan(c) for c in concept.sup_f_test(X, y).critical_values)


def test_one_dimensional_x_is_one_regressor():
    X, y = make(80, 1, 4)
    a = concept.sup_f_test(X[:, 0], y)
    b = concept.sup_f_test(X, y)
    assert a.statistic == b.statistic and a.break_index == b.break_index
    assert concept.chow_test(X[:, 0], y, 40).statistic == concept.chow_test(X, y, 40).statistic


@pytest.mark.parametrize("fn", ["ols_cusum_test", "chow_test", "sup_f_test"])
def test_errors(fn):
    X, y = make(50, 2, 9)
    f = getattr(concept, fn)
    extra = (25,) if fn == "chow_test" else ()
    y_nan = y.copy()
    y_nan[7] = np.nan
    with pytest.raises(ValueError, match=r"y must be finite.*row 7"):
        f(X, y_nan, *extra)
    X_nan = X.copy()
    X_nan[3, 1] = np.inf
    with pytest.raises(ValueError, match=r"X must be finite.*row 3, column 1"):
        f(X_nan, y, *extra)
    with pytest.raises(ValueError, match=r"X has 49 rows but y has 50"):
        f(X[:49], y, *extra)
    with pytest.raises(ValueError, match=r"y must be 1-D"):
        f(X, y[:, None], *extra)
    with pytest.raises(ValueError, match=r"X must be 1-D or 2-D"):
        f(X[:, :, None], y, *extra)
    X_col = X.copy()
    X_col[:, 1] = 3.0
    with pytest.raises(ValueError, match=r"X column 1"):
        f(X_col, y, *extra)
    with pytest.raises(ValueError):  # too few rows
        f(X[:3], y[:3], *((1,) if extra else ()))
    y_exact = 1.0 + X[:, 0] - 2.0 * X[:, 1]
    with pytest.raises(ValueError, match=r"sigma = 0|fitted exactly"):
        f(X, y_exact, *extra)


def test_chow_bad_break_index():
    X, y = make(50, 2, 9)
    for b in (-1, 0, 3, 47, 50, 51):
        with pytest.raises(ValueError, match="break_index"):
            concept.chow_test(X, y, b)
    concept.chow_test(X, y, 4)
    concept.chow_test(X, y, 46)


def test_sup_f_bad_trim():
    X, y = make(50, 2, 9)
    for t in (0.0, -0.1, 0.5, 0.9, float("nan")):
        with pytest.raises(ValueError, match="trim"):
            concept.sup_f_test(X, y, trim=t)
    with pytest.raises(ValueError, match="trim"):
        concept.sup_f_test(X[:7], y[:7])


def test_residuals_errors():
    with pytest.raises(ValueError, match="ddof"):
        concept.ols_cusum_from_residuals(np.ones(3), ddof=3)
    with pytest.raises(ValueError, match="finite"):
        concept.ols_cusum_from_residuals(np.array([1.0, np.nan, 2.0]))
    with pytest.raises(ValueError, match="sigma = 0"):
        concept.ols_cusum_from_residuals(np.zeros(10))
