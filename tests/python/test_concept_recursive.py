"""driftscope.concept OLS / recursive residuals / Rec-CUSUM / CUSUM of squares: parity
with statsmodels (recursive_olsresiduals with skip = k, RecursiveLS CUSUM-of-squares
bounds), numpy lstsq for OLS, and the bad-input errors."""

import numpy as np
import pytest

from driftscope import concept

sm = pytest.importorskip("statsmodels.api")
smd = pytest.importorskip("statsmodels.stats.diagnostic")

RTOL = 1e-9


def _regression(seed, n, p, break_at=None, shift=0.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(1.0, 2.0, (n, p))
    beta = np.arange(1, p + 1) * 0.5
    y = 3.0 + X @ beta + rng.normal(0.0, 1.5, n)
    if break_at is not None:
        y[break_at:] += shift
    return X, y


def _close(got, want, rtol=RTOL):
    """Relative to 1e-9, with the absolute floor 1e-9 · max|want| for entries near 0."""
    got, want = np.asarray(got), np.asarray(want)
    scale = np.nanmax(np.abs(want)) if np.any(np.isfinite(want)) else 1.0
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * scale, equal_nan=True)


CASES = [(p, n, seed) for p in (1, 2, 3, 4) for n, seed in ((20, p), (97, 10 + p), (500, 20 + p))]


@pytest.mark.parametrize("p,n,seed", CASES)
def test_recursive_residuals_match_statsmodels(p, n, seed):
    X, y = _regression(seed, n, p)
    Xc = sm.add_constant(X, has_constant="add")
    k = p + 1
    want = smd.recursive_olsresiduals(sm.OLS(y, Xc).fit(), skip=k, alpha=0.95)
    rresid, rparams, rypred, rstd, rscaled, rcusum, rcusumci = want
    got = concept.recursive_residuals(X, y)
    assert (got.n_obs, got.n_params) == (n, k)
    # index k - 1: statsmodels' exact-fit prediction error (0 up to rounding)
    _close(got.rresid[k:], rresid[k:])
    assert abs(got.rresid[k - 1]) < 1e-9 * np.max(np.abs(y))
    assert np.all(np.isnan(got.rresid[: k - 1]))
    _close(got.rparams, rparams)
    _close(got.rypred, rypred)
    _close(got.rresid_scaled[k:], rscaled[k:])
    _close(got.rresid_standardized[k:], rstd[k:])
    _close(got.rcusum, rcusum)
    # sigma: statsmodels' sd (ddof 1) of the scaled recursive residuals
    assert got.sigma == pytest.approx(np.std(rscaled[k:], ddof=1), rel=RTOL)
    # OLS is the last recursive fit
    fit = sm.OLS(y, Xc).fit()
    _close(got.rparams[-1], fit.params)

    t = concept.rec_cusum_test(X, y, alpha=0.05)
    assert t.first_index == k - 1
    _close(t.path, rcusum)
    # statsmodels' rcusumci holds the first n - k boundary points
    _close(t.upper[: n - k], rcusumci[1])
    _close(t.lower[: n - k], rcusumci[0])
    j = np.arange(n - k + 1)
    g = np.sqrt(n - k) * (1 + 2 * j / (n - k))
    stat = np.max(np.abs(rcusum) / g)
    assert t.statistic == pytest.approx(stat, rel=RTOL)
    assert t.crossing == bool(np.any(np.abs(rcusum) > 0.948 * g))


@pytest.mark.parametrize("alpha,level,a", [(0.10, 0.90, 0.850), (0.05, 0.95, 0.948), (0.01, 0.99, 1.143)])
def test_rec_cusum_boundaries_each_alpha(alpha, level, a):
    X, y = _regression(5, 80, 2)
    want = smd.recursive_olsresiduals(sm.OLS(y, sm.add_constant(X)).fit(), skip=3, alpha=level)
    t = concept.rec_cusum_test(X, y, alpha=alpha)
    assert t.critical_value == a
    _close(t.upper[:-1], want[6][1])
    assert t.upper[-1] == pytest.approx(3 * a * np.sqrt(77), rel=1e-14)
    # BDE crossing probability at the tabulated a is alpha
    from scipy.stats import norm

    pr = 2 * (1 - norm.cdf(3 * t.statistic) + np.exp(-4 * t.statistic**2) * norm.cdf(t.statistic))
    assert t.pvalue == pytest.approx(min(pr, 1.0), rel=1e-9)
    assert 2 * (1 - norm.cdf(3 * a) + np.exp(-4 * a * a) * norm.cdf(a)) == pytest.approx(alpha, abs=5e-4)


@pytest.mark.parametrize("p,n,seed", [(1, 60, 1), (3, 200, 2), (2, 400, 3)])
@pytest.mark.parametrize("alpha", [0.10, 0.05, 0.01])
def test_cusum_squares_matches_recursive_ls(p, n, seed, alpha):
    X, y = _regression(seed, n, p)
    Xc = sm.add_constant(X, has_constant="add")
    res = sm.RecursiveLS(y, Xc).fit()
    k = p + 1
    t = concept.cusum_squares_test(X, y, alpha=alpha)
    _close(t.path, res.cusum_squares)
    points = np.arange(k + 1, n + 1)
    lo, hi = res._cusum_squares_significance_bounds(alpha, points=points)
    _close(t.lower, lo)
    _close(t.upper, hi)
    line = np.arange(1, n - k + 1) / (n - k)
    stat = np.max(np.abs(res.cusum_squares - line))
    assert t.statistic == pytest.approx(stat, rel=RTOL)
    assert t.crossing == bool(stat > t.critical_value)
    # RecursiveLS's recursive residuals are our w (rresid_scaled)
    rr = concept.recursive_residuals(X, y)
    _close(rr.rresid_scaled[k:], res.resid_recursive[k:], rtol=1e-7)


def test_breaks_are_detected():
    X, y = _regression(7, 300, 2, break_at=150, shift=4.0)
    t = concept.rec_cusum_test(X, y, alpha=0.01)
    assert t.crossing and 150 < t.first_crossing < 300
    assert t.pvalue < 0.01
    rng = np.random.default_rng(8)
    X2, y2 = _regression(9, 300, 1)
    y2[150:] += rng.normal(0, 8.0, 150)
    q = concept.cusum_squares_test(X2, y2, alpha=0.01)
    assert q.crossing and q.first_crossing is not None
    quiet = concept.rec_cusum_test(*_regression(10, 300, 2))
    assert (quiet.first_crossing is None) == (not quiet.crossing)
    assert quiet.crossing == (quiet.statistic > quiet.critical_value)


@pytest.mark.parametrize("p,n,seed", [(1, 20, 1), (4, 100, 2), (3, 500, 3)])
def test_ols_fit_matches_statsmodels(p, n, seed):
    X, y = _regression(seed, n, p)
    fit = concept.ols_fit(X, y)
    want = sm.OLS(y, sm.add_constant(X, has_constant="add")).fit()
    _close(fit.coefficients, want.params)
    _close(fit.residuals, want.resid)
    assert fit.ssr == pytest.approx(want.ssr, rel=RTOL)
    assert fit.sigma == pytest.approx(np.sqrt(want.scale), rel=RTOL)
    assert fit.df_resid == want.df_resid
    assert fit.rank == p + 1
    one = concept.ols_fit(X[:, 0], y)  # 1-D X: one regressor
    _close(one.coefficients, np.linalg.lstsq(np.column_stack([np.ones(n), X[:, 0]]), y, rcond=None)[0])


@pytest.mark.parametrize("fn", [concept.ols_fit, concept.recursive_residuals, concept.rec_cusum_test,
                                concept.cusum_squares_test])
def test_bad_input(fn):
    X, y = _regression(1, 40, 3)
    with pytest.raises(ValueError, match="X column 1 is constant"):
        Xc = X.copy()
        Xc[:, 1] = 2.5
        fn(Xc, y)
    with pytest.raises(ValueError, match="X column 2 is .*linear combination"):
        Xk = X.copy()
        Xk[:, 2] = X[:, 0] - 3 * X[:, 1] + 1
        fn(Xk, y)
    with pytest.raises(ValueError, match="X must be finite.*row 7, column 2"):
        Xn = X.copy()
        Xn[7, 2] = np.nan
        fn(Xn, y)
    with pytest.raises(ValueError, match="y must be finite.*row 3"):
        yn = y.copy()
        yn[3] = np.inf
        fn(X, yn)
    with pytest.raises(ValueError, match="rows"):
        fn(X[:4], y[:4])
    with pytest.raises(ValueError, match="X has .* rows but y has"):
        fn(X, y[:-1])
    with pytest.raises(ValueError, match="1-D"):
        fn(X, np.column_stack([y, y]))


def test_recursive_specific_errors():
    X, y = _regression(2, 40, 2)
    with pytest.raises(ValueError, match="alpha"):
        concept.rec_cusum_test(X, y, alpha=0.2)
    with pytest.raises(ValueError, match="alpha"):
        concept.cusum_squares_test(X, y, alpha=0.025)
    Xs = X.copy()
    Xs[1:3] = Xs[0]
    with pytest.raises(ValueError, match="initial block"):
        concept.recursive_residuals(Xs, y)
    with pytest.raises(ValueError, match="zero variance"):
        concept.recursive_residuals(X, 1.0 + X @ np.array([2.0, -1.0]))
    with pytest.raises(ValueError, match=">= 4"):
        concept.cusum_squares_test(X[:6], y[:6])
