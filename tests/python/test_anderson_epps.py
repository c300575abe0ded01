"""Parity with scipy 1.17: anderson_ksamp and epps_singleton_2samp.

Expected values come from scipy on the same inputs. anderson_ksamp: statistic to 1e-12
relative with a 1e-13 absolute floor (the normalised statistic (A² - (k-1)) / σ cancels
digits when A² is close to k-1, and A² itself agrees to a few ulp: compensated sums here,
numpy's pairwise sums in scipy); p-values to 1e-9 relative. Exact permutation p-values
(every partition enumerated) agree exactly. epps_singleton_2samp: see EPPS_RTOL.
"""

import math
import warnings

import numpy as np
import pytest
import scipy.stats
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import driftscope
from _util import assert_close, quiet, sample

VARIANTS = ["midrank", "right", "continuous"]


def n_partitions(sizes):
    total, cum = 1, 0
    for n in sizes:
        cum += n
        total *= math.comb(cum, n)
    return total


def scipy_anderson(samples, variant="midrank", method=None):
    """scipy's result with `variant`, plus the critical values (only given with `midrank`)."""
    ref = quiet(scipy.stats.anderson_ksamp, samples, variant=variant, method=method)
    crit = quiet(scipy.stats.anderson_ksamp, samples, midrank=True).critical_values
    return ref, crit


def check_anderson(ours, ref, crit):
    assert_close(ours.statistic, float(ref.statistic), rtol=1e-12, atol=1e-13, what="statistic")
    assert_close(ours.pvalue, float(ref.pvalue), rtol=1e-9, atol=1e-14, what="pvalue")
    np.testing.assert_allclose(ours.critical_values, crit, rtol=1e-15, atol=0)


def valid_for_anderson(samples):
    total = sum(s.size for s in samples)
    distinct = np.unique(np.concatenate(samples)).size
    return total >= 4 and distinct >= 2 and any(s.size > 1 for s in samples)


# --------------------------------------------------------------------------- anderson_ksamp


@given(samples=st.lists(sample(min_size=1, max_size=30), min_size=2, max_size=4),
       variant=st.sampled_from(VARIANTS))
def test_anderson_matches_scipy(samples, variant):
    assume(valid_for_anderson(samples))
    ref, crit = scipy_anderson(samples, variant)
    ours = driftscope.anderson_ksamp(samples, variant=variant)
    check_anderson(ours, ref, crit)
    assert ours.method == "asymptotic" and ours.variant == variant
    # scipy caps/floors the p-value exactly when the statistic leaves the table
    capped = bool(ref.statistic < crit.min() or ref.statistic > crit.max())
    assert ours.pvalue_capped == capped
    assert ours.significance_level == ours.pvalue


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("sizes,shift", [((5, 7), 0.0), ((30, 45), 0.6), ((200, 150), 0.2), ((2000, 1500), 0.08),
                                         ((2, 2000), 1.0), ((40, 40, 40), 0.3), ((10, 20, 30, 40, 50), 0.2)])
def test_anderson_normal_shift(variant, sizes, shift):
    rng = np.random.default_rng(sum(sizes))
    samples = [rng.normal(shift * i, 1.0, size=n) for i, n in enumerate(sizes)]
    ref, crit = scipy_anderson(samples, variant)
    check_anderson(driftscope.anderson_ksamp(samples, variant=variant), ref, crit)


@pytest.mark.parametrize("variant", VARIANTS)
def test_anderson_ties_and_special_values(variant):
    rng = np.random.default_rng(11)
    cases = [
        [rng.integers(0, 4, size=50).astype(float), rng.integers(1, 5, size=45).astype(float)],
        [rng.integers(0, 3, size=20).astype(float), rng.integers(0, 3, size=25).astype(float),
         rng.integers(0, 3, size=7).astype(float)],
        [np.arange(10.0), np.arange(10.0)],  # identical samples
        [np.full(8, 3.0), rng.normal(3, 1, size=12)],  # one constant sample
        [np.array([1.0]), np.array([0.0, 2.0, 2.0, 5.0])],  # a sample of size 1
        [np.array([-np.inf, 0.0, 1.0, np.inf]), np.array([0.5, np.inf, -1.0, 2.0, 3.0])],
        [rng.normal(size=20) * 1e300, rng.normal(1, 1, size=20) * 1e300],
        [rng.normal(size=20) * 1e-300, rng.normal(size=15) * 1e-300],
        [np.array([-0.0, 0.0, 1.0, 2.0]), np.array([0.0, -0.0, 3.0])],
    ]
    for samples in cases:
        ref, crit = scipy_anderson(samples, variant)
        check_anderson(driftscope.anderson_ksamp(samples, variant=variant), ref, crit)


def test_anderson_float32_inputs_and_containers():
    rng = np.random.default_rng(5)
    a = rng.normal(size=40).astype(np.float32)
    b = rng.normal(0.3, 1, size=33).astype(np.float32)
    # only the order matters: float32 input gives scipy's float32 result to full accuracy
    ref, crit = scipy_anderson([a, b])
    check_anderson(driftscope.anderson_ksamp([a, b]), ref, crit)
    # mixed float32 / float64 input goes through float64 (the float32 values are exact)
    check_anderson(driftscope.anderson_ksamp([a, b.astype(np.float64)]), ref, crit)
    # lists, tuples, integer arrays and a 2-D array (rows are samples) are accepted
    lists = [[1, 5, 3, 8, 2], [4, 4, 9, 7]]
    ref, crit = scipy_anderson(lists)
    check_anderson(driftscope.anderson_ksamp(lists), ref, crit)
    check_anderson(driftscope.anderson_ksamp(tuple(np.asarray(s) for s in lists)), ref, crit)
    grid = rng.normal(size=(3, 15))
    ref, crit = scipy_anderson(list(grid))
    check_anderson(driftscope.anderson_ksamp(grid), ref, crit)


def test_anderson_midrank_and_variant_parameters():
    rng = np.random.default_rng(8)
    samples = [rng.integers(0, 5, size=30).astype(float), rng.integers(0, 6, size=25).astype(float)]
    right = driftscope.anderson_ksamp(samples, midrank=False)
    ref = quiet(scipy.stats.anderson_ksamp, samples, midrank=False)
    check_anderson(right, ref, ref.critical_values)
    assert right.variant == "right"
    mid = driftscope.anderson_ksamp(samples)
    ref = quiet(scipy.stats.anderson_ksamp, samples)
    check_anderson(mid, ref, ref.critical_values)
    assert mid.variant == "midrank"
    # variant wins over midrank, as in scipy
    both = driftscope.anderson_ksamp(samples, midrank=False, variant="continuous")
    ref = quiet(scipy.stats.anderson_ksamp, samples, midrank=False, variant="continuous")
    assert_close(both.statistic, float(ref.statistic), rtol=1e-12, atol=1e-13)
    assert both.variant == "continuous"


def test_anderson_result_object():
    res = driftscope.anderson_ksamp([[0.5, 1.5, 2.0, 3.0, 7.0], [1.0, 2.5, 4.0, 9.0, 11.0, 12.0]])
    stat, crit, p = res
    assert stat == res.statistic == res[0] and p == res.pvalue == res[2] == res[-1]
    assert isinstance(crit, np.ndarray) and crit.shape == (7,) and np.array_equal(crit, res.critical_values)
    assert len(res) == 3
    with pytest.raises(IndexError):
        res[3]
    assert type(res).__name__ == type(quiet(scipy.stats.anderson_ksamp, [[1.0, 2.0], [3.0, 4.0, 5.0]])).__name__
    assert repr(res).startswith("Anderson_ksampResult(statistic=")
    assert res.method == "asymptotic" and res.n_resamples == 0 and not res.exact
    assert res.statistic_raw > 0


def test_anderson_capped_flag_matches_scipy_warnings():
    rng = np.random.default_rng(2)
    for shift in [0.0, 0.4, 3.0]:
        samples = [rng.normal(size=60), rng.normal(shift, 1, size=60)]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ref = scipy.stats.anderson_ksamp(samples, variant="midrank")
        scipy_capped = any("p-value capped" in str(w.message) or "p-value floored" in str(w.message)
                           for w in caught)
        ours = driftscope.anderson_ksamp(samples)  # no warning (filterwarnings=error)
        assert ours.pvalue_capped == scipy_capped
        assert ours.pvalue == float(ref.pvalue) or not scipy_capped


@st.composite
def tiny_samples(draw):
    k = draw(st.integers(2, 3))
    sizes = draw(st.lists(st.integers(2, 5), min_size=k, max_size=k))
    assume(n_partitions(sizes) <= 1500)
    kind = draw(st.sampled_from(["ties", "floats"]))
    elems = st.integers(-2, 2).map(float) if kind == "ties" else st.floats(-100, 100, allow_nan=False)
    return [np.array(draw(st.lists(elems, min_size=n, max_size=n))) for n in sizes]


@settings(max_examples=40)
@given(samples=tiny_samples(), variant=st.sampled_from(VARIANTS))
def test_anderson_exact_permutation_matches_scipy(samples, variant):
    assume(valid_for_anderson(samples))
    n_max = n_partitions([s.size for s in samples])
    method = scipy.stats.PermutationMethod(n_resamples=1500, rng=np.random.default_rng(0))
    ref = quiet(scipy.stats.anderson_ksamp, samples, variant=variant, method=method)
    ours = driftscope.anderson_ksamp(samples, variant=variant, method="permutation", n_resamples=1500, seed=1)
    assert ours.exact and ours.n_resamples == n_max and ours.method == "permutation"
    assert_close(ours.statistic, float(ref.statistic), rtol=1e-12, atol=1e-13, what="statistic")
    assert ours.pvalue == pytest.approx(float(ref.pvalue), rel=1e-12, abs=0)
    assert not ours.pvalue_capped
    # scipy's PermutationMethod object is accepted as it is
    via_obj = driftscope.anderson_ksamp(samples, variant=variant, method=method)
    assert via_obj.pvalue == ours.pvalue and via_obj.exact


def test_anderson_permutation_seed_determinism():
    rng = np.random.default_rng(21)
    samples = [rng.normal(size=40), rng.normal(0.4, 1, size=35), rng.normal(size=20)]
    kw = dict(method="permutation", n_resamples=999)
    a = driftscope.anderson_ksamp(samples, seed=7, **kw)
    b = driftscope.anderson_ksamp(samples, seed=7, **kw)
    assert a.pvalue == b.pvalue and not a.exact and a.n_resamples == 999
    count = a.pvalue * 1000 - 1  # (1 + count) / (1 + n_resamples)
    assert abs(count - round(count)) < 1e-9
    assert driftscope.anderson_ksamp(samples, seed=2**64 - 1, **kw).pvalue > 0
    # numpy generators contribute one draw each: equal states give equal p-values
    g1 = driftscope.anderson_ksamp(samples, seed=np.random.default_rng(3), **kw)
    g2 = driftscope.anderson_ksamp(samples, seed=np.random.default_rng(3), **kw)
    assert g1.pvalue == g2.pvalue
    obj = scipy.stats.PermutationMethod(n_resamples=999, rng=np.random.default_rng(3))
    assert driftscope.anderson_ksamp(samples, method=obj).pvalue == g1.pvalue
    # seed=None: a fresh seed per call (a valid p-value on the same grid)
    c = driftscope.anderson_ksamp(samples, **kw)
    assert 0 < c.pvalue <= 1 and abs(c.pvalue * 1000 - round(c.pvalue * 1000)) < 1e-9
    # n_resamples=inf enumerates (only feasible for tiny samples, as in scipy)
    tiny = [[0.1, 0.7, 1.1], [0.3, 2.0, 2.5, 4.0]]
    inf = driftscope.anderson_ksamp(tiny, method="permutation", n_resamples=math.inf)
    assert inf.exact and inf.n_resamples == 35


def test_anderson_permutation_close_to_asymptotic():
    for seed in range(50):
        rng = np.random.default_rng(seed)
        samples = [rng.normal(size=150), rng.normal(0.25, 1, size=120)]
        asy = driftscope.anderson_ksamp(samples)
        if 0.01 < asy.pvalue < 0.2:
            break
    perm = driftscope.anderson_ksamp(samples, method="permutation", n_resamples=9999, seed=5)
    assert perm.statistic == asy.statistic
    assert not perm.exact
    # Monte Carlo standard error <= 0.004 here; the asymptotic approximation is good at N = 270
    assert abs(perm.pvalue - asy.pvalue) < 0.02


def test_anderson_bad_input():
    ok = [[1.0, 2.0, 3.0], [2.5, 4.0]]
    with pytest.raises(ValueError, match="at least 2 samples, got 1"):
        driftscope.anderson_ksamp([[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="samples must be a sequence"):
        driftscope.anderson_ksamp(5)
    with pytest.raises(ValueError, match="samples must be a sequence"):
        driftscope.anderson_ksamp("abc")
    with pytest.raises(ValueError, match=r"samples\[1\] is empty"):
        driftscope.anderson_ksamp([[1.0, 2.0, 3.0], []])
    with pytest.raises(ValueError, match=r"samples\[0\] contains 1 NaN"):
        driftscope.anderson_ksamp([[1.0, np.nan, 3.0], [2.5, 4.0]])
    with pytest.raises(ValueError, match="more than one distinct observation"):
        driftscope.anderson_ksamp([[1.0, 1.0], [1.0, 1.0, 1.0]])
    with pytest.raises(ValueError):
        scipy.stats.anderson_ksamp([[1.0, 1.0], [1.0, 1.0, 1.0]], variant="midrank")
    with pytest.raises(ValueError, match="at least 4 values in total, got 3"):
        driftscope.anderson_ksamp([[1.0], [2.0, 3.0]])
    with pytest.raises(ValueError, match="2 or more values"):
        driftscope.anderson_ksamp([[1.0], [2.0], [3.0], [4.0]])
    with pytest.raises(ValueError, match=r"samples\[1\] must be 1-D"):
        driftscope.anderson_ksamp([[1.0, 2.0], [[3.0, 4.0]]])
    with pytest.raises(ValueError, match="variant must be 'midrank', 'right' or 'continuous', got 'discrete'"):
        driftscope.anderson_ksamp(ok, variant="discrete")
    with pytest.raises(ValueError, match="variant must be"):
        driftscope.anderson_ksamp(ok, variant=1)
    with pytest.raises(ValueError, match="method must be 'asymptotic' or 'permutation', got 'exact'"):
        driftscope.anderson_ksamp(ok, method="exact")
    with pytest.raises(ValueError, match="method must be None"):
        driftscope.anderson_ksamp(ok, method=3)
    for bad in [0, -5, True, 2.5, "10", 2**64]:
        with pytest.raises(ValueError, match="n_resamples must be a positive integer"):
            driftscope.anderson_ksamp(ok, method="permutation", n_resamples=bad)
    for bad in [-1, 2**64, "x", 1.5]:
        with pytest.raises(ValueError, match="seed must be None, an integer"):
            driftscope.anderson_ksamp(ok, method="permutation", seed=bad)


# --------------------------------------------------------------------------- epps_singleton_2samp

# W = N gᵀ Ω⁺ g is a quadratic form in the pseudo-inverse of the 2m x 2m covariance
# estimate Ω. Our Ω (blocked two-pass sums) and scipy's (BLAS dot products) agree to
# ~1e-15 relative; the inverse amplifies that by the condition number κ of Ω (first-order
# perturbation bound), which is ~10-1e3 for the default t on continuous data but reaches
# 1e13 for close t values or heavily tied data. Measured over 3000 random cases: relative
# error of W <= 3.7e-14·κ. So the statistic is checked to max(1e-11, 1e-13·κ) relative,
# and the chi-square p-value to that times |d log p / d log W| <= W/2 + df.


def scipy_cov_singular_values(x, y, t=(0.4, 0.8)):
    """Singular values of scipy 1.17's covariance estimate, recomputed as epps_singleton_2samp does."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    t = np.atleast_1d(np.asarray(t, dtype=np.float64))
    n = x.size + y.size
    sigma = scipy.stats.iqr(np.concatenate([x, y])) / 2
    ts = t.reshape(-1, 1) / sigma
    with np.errstate(all="ignore"):
        gx = np.vstack((np.cos(ts * x), np.sin(ts * x)))
        gy = np.vstack((np.cos(ts * y), np.sin(ts * y)))
        cov = (n / x.size) * np.cov(gx) * (x.size - 1) / x.size + (n / y.size) * np.cov(gy) * (y.size - 1) / y.size
    return np.linalg.svd(cov, compute_uv=False)


def scipy_condition(x, y, t=(0.4, 0.8)):
    """κ of scipy's covariance estimate over the singular values its pinv keeps, and 2m."""
    s = scipy_cov_singular_values(x, y, t)
    kept = s[s > s[0] * s.size * np.finfo(np.float64).eps]
    return kept[0] / kept[-1], s.size


def check_epps(ours, ref, x, y, t=(0.4, 0.8)):
    kappa, dim = scipy_condition(x, y, t)
    rtol = max(1e-11, 1e-13 * kappa)
    w = float(ref.statistic)
    assert_close(ours.statistic, w, rtol=rtol, atol=1e-13, what="statistic")
    assert_close(ours.pvalue, float(ref.pvalue), rtol=max(1e-9, rtol * (w / 2 + dim)), atol=1e-14, what="pvalue")


def both_constant(x, y):
    return bool(np.all(x == x[0]) and np.all(y == y[0]))


def ours_unless_noise(x, y, t=(0.4, 0.8)):
    """Our result, or None when scipy's covariance estimate is at the level of rounding noise
    (largest singular value < 1e-20, e.g. constant samples or features that vary by < 1e-10):
    scipy then inverts the noise and its statistic is meaningless. Ours is then either the
    exact tiny covariance's result or a ValueError naming the zero covariance estimate."""
    if scipy_cov_singular_values(x, y, t)[0] < 1e-20:
        try:
            driftscope.epps_singleton_2samp(x, y, t=t)
        except ValueError as e:
            assert "covariance estimate" in str(e)
        return None
    return driftscope.epps_singleton_2samp(x, y, t=t)


@given(x=sample(min_size=5, max_size=60), y=sample(min_size=5, max_size=60))
def test_epps_matches_scipy(x, y):
    if both_constant(x, y):
        # a zero covariance estimate: scipy returns a statistic made of rounding noise
        with pytest.raises(ValueError, match="interquartile range|covariance estimate"):
            driftscope.epps_singleton_2samp(x, y)
        return
    try:
        ref = quiet(scipy.stats.epps_singleton_2samp, x, y)
    except ValueError:  # LinAlgError: the pooled IQR is 0, or t/sigma * x overflows
        with pytest.raises(ValueError, match="interquartile range|overflows"):
            driftscope.epps_singleton_2samp(x, y)
        return
    if math.isnan(float(ref.pvalue)):
        # the pooled IQR overflows to inf: every feature is constant (scipy: W = 0, p = NaN)
        with pytest.raises(ValueError, match="interquartile range|covariance estimate"):
            driftscope.epps_singleton_2samp(x, y)
        return
    ours = ours_unless_noise(x, y)
    if ours is not None:
        check_epps(ours, ref, x, y)


@given(x=sample(min_size=5, max_size=40), y=sample(min_size=5, max_size=40),
       t=st.lists(st.floats(0.05, 5.0), min_size=1, max_size=4))
def test_epps_t_matches_scipy(x, y, t):
    if both_constant(x, y):
        with pytest.raises(ValueError, match="interquartile range|covariance estimate"):
            driftscope.epps_singleton_2samp(x, y, t=t)
        return
    try:
        ref = quiet(scipy.stats.epps_singleton_2samp, x, y, t=t)
    except ValueError:
        with pytest.raises(ValueError):
            driftscope.epps_singleton_2samp(x, y, t=t)
        return
    assume(not math.isnan(float(ref.pvalue)))
    ours = ours_unless_noise(x, y, t)
    if ours is not None:
        check_epps(ours, ref, x, y, t)


@pytest.mark.parametrize("sizes,shift", [((5, 5), 0.0), ((10, 12), 0.5), ((24, 24), 0.3), ((25, 24), 0.3),
                                         ((300, 250), 0.15), ((5000, 4000), 0.05), ((8, 2000), 1.0)])
def test_epps_normal_shift(sizes, shift):
    rng = np.random.default_rng(sizes[0] + sizes[1])
    x = rng.normal(size=sizes[0])
    y = rng.normal(shift, 1.2, size=sizes[1])
    ours = driftscope.epps_singleton_2samp(x, y)
    check_epps(ours, scipy.stats.epps_singleton_2samp(x, y), x, y)
    assert ours.df == 4 and (ours.nx, ours.ny) == sizes


def test_epps_special_cases():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=30), rng.standard_t(2, size=35)
    # scalar t, repeated t (rank-deficient covariance: df drops, scipy warns)
    check_epps(driftscope.epps_singleton_2samp(x, y, t=0.5), scipy.stats.epps_singleton_2samp(x, y, t=0.5),
               x, y, 0.5)
    ours = driftscope.epps_singleton_2samp(x, y, t=(0.4, 0.4))
    check_epps(ours, quiet(scipy.stats.epps_singleton_2samp, x, y, t=(0.4, 0.4)), x, y, (0.4, 0.4))
    assert ours.df == 2
    # identical samples: W = 0, p = 1
    same = driftscope.epps_singleton_2samp(x, x.copy())
    assert same.statistic == 0.0 and same.pvalue == 1.0
    # far apart: p underflows towards 0 like scipy's
    far = driftscope.epps_singleton_2samp(x, x + 100)
    check_epps(far, scipy.stats.epps_singleton_2samp(x, x + 100), x, x + 100)
    # a large location: features are still accurate (blocked two-pass moments)
    check_epps(driftscope.epps_singleton_2samp(x + 1e8, y + 1e8), scipy.stats.epps_singleton_2samp(x + 1e8, y + 1e8),
               x + 1e8, y + 1e8)
    # ±inf: NaN results whatever the policy, as scipy
    xi = np.r_[x, np.inf]
    for policy in ["propagate", "omit", "raise"]:
        ours = driftscope.epps_singleton_2samp(xi, y, nan_policy=policy)
        ref = scipy.stats.epps_singleton_2samp(xi, y, nan_policy=policy)
        assert math.isnan(ours.statistic) and math.isnan(ours.pvalue) and math.isnan(float(ref.pvalue))
    # integers and pandas
    pd = pytest.importorskip("pandas")
    xi_ = rng.integers(0, 10, size=40)
    yi_ = rng.integers(2, 12, size=30)
    check_epps(driftscope.epps_singleton_2samp(pd.Series(xi_), yi_), scipy.stats.epps_singleton_2samp(xi_, yi_),
               xi_, yi_)


def test_epps_float32():
    rng = np.random.default_rng(9)
    x = rng.normal(size=50).astype(np.float32)
    y = rng.normal(0.4, 1, size=40).astype(np.float32)
    ours = driftscope.epps_singleton_2samp(x, y)
    # computed in float64: full parity with scipy on the float64-cast data ...
    check_epps(ours, scipy.stats.epps_singleton_2samp(x.astype(np.float64), y.astype(np.float64)), x, y)
    # ... and float32 accuracy against scipy's float32 computation
    ref32 = scipy.stats.epps_singleton_2samp(x, y)
    assert_close(ours.statistic, float(ref32.statistic), rtol=1e-4, what="statistic")
    assert_close(ours.pvalue, float(ref32.pvalue), rtol=1e-4, what="pvalue")
    check_epps(driftscope.epps_singleton_2samp(x, y.astype(np.float64)),
               scipy.stats.epps_singleton_2samp(x, y.astype(np.float64)), x, y)


def test_epps_nan_policies():
    rng = np.random.default_rng(13)
    x = rng.normal(size=15)
    x[[3, 9]] = np.nan
    y = rng.normal(0.5, 1, size=12)
    y[0] = np.nan
    ours = driftscope.epps_singleton_2samp(x, y)
    assert math.isnan(ours.statistic) and math.isnan(ours.pvalue)
    assert (ours.missing_x, ours.missing_y) == (2, 1)
    ours = driftscope.epps_singleton_2samp(x, y, nan_policy="omit")
    check_epps(ours, scipy.stats.epps_singleton_2samp(x, y, nan_policy="omit"), x, y)
    assert (ours.nx, ours.ny, ours.missing_x, ours.missing_y) == (13, 11, 2, 1)
    with pytest.raises(ValueError, match="nan_policy is 'raise'"):
        driftscope.epps_singleton_2samp(x, y, nan_policy="raise")
    with pytest.raises(ValueError):
        scipy.stats.epps_singleton_2samp(x, y, nan_policy="raise")
    short = np.array([1.0, np.nan, 2.0, 3.0, np.nan, 4.0])
    with pytest.raises(ValueError, match="x must contain at least 5 observations after omitting NaN"):
        driftscope.epps_singleton_2samp(short, y, nan_policy="omit")


def test_epps_result_object():
    rng = np.random.default_rng(1)
    res = driftscope.epps_singleton_2samp(rng.normal(size=20), rng.normal(size=22))
    stat, p = res
    assert (stat, p) == (res[0], res[1]) == (res.statistic, res.pvalue) and res[-1] == p
    assert len(res) == 2
    assert type(res).__name__ == type(scipy.stats.epps_singleton_2samp(np.arange(6.0), np.arange(7.0))).__name__
    assert repr(res).startswith("Epps_Singleton_2sampResult(statistic=")
    assert res.df == 4


def test_epps_bad_input():
    x = np.arange(8.0)
    with pytest.raises(ValueError, match="x must contain at least 5 observations, got 4"):
        driftscope.epps_singleton_2samp(x[:4], x)
    with pytest.raises(ValueError, match="y must contain at least 5 observations, got 0"):
        driftscope.epps_singleton_2samp(x, [])
    with pytest.raises(ValueError, match="t must contain positive elements only"):
        driftscope.epps_singleton_2samp(x, x + 1, t=(0.0, 1.0))
    with pytest.raises(ValueError, match="t must contain positive elements only"):
        scipy.stats.epps_singleton_2samp(x, x + 1, t=(0.0, 1.0))
    with pytest.raises(ValueError, match="t must contain positive elements only"):
        driftscope.epps_singleton_2samp(x, x + 1, t=(-1.0,))
    with pytest.raises(ValueError, match="t must contain finite values only"):
        driftscope.epps_singleton_2samp(x, x + 1, t=(np.nan, 1.0))
    with pytest.raises(ValueError, match="t must contain finite values only"):
        driftscope.epps_singleton_2samp(x, x + 1, t=(np.inf,))
    with pytest.raises(ValueError, match="t must not be empty"):
        driftscope.epps_singleton_2samp(x, x + 1, t=())
    with pytest.raises(ValueError, match="t must be 1-D, got 2-D"):
        driftscope.epps_singleton_2samp(x, x + 1, t=[[0.4, 0.8]])
    with pytest.raises(ValueError, match="x must be 1-D"):
        driftscope.epps_singleton_2samp(np.ones((2, 5)), x)
    with pytest.raises(ValueError, match="nan_policy must be"):
        driftscope.epps_singleton_2samp(x, x + 1, nan_policy="ignore")
    with pytest.raises(ValueError, match="interquartile range of the pooled sample must be positive"):
        driftscope.epps_singleton_2samp(np.zeros(10), np.r_[np.zeros(10), 1.0])
    with pytest.raises(ValueError):  # scipy: LinAlgError (a ValueError) from the SVD
        quiet(scipy.stats.epps_singleton_2samp, np.zeros(10), np.r_[np.zeros(10), 1.0])
    with pytest.raises(ValueError, match="axis must be 0 or -1"):
        driftscope.epps_singleton_2samp(x, x + 1, axis=1)
    with pytest.raises(ValueError, match="keepdims=True is not supported"):
        driftscope.epps_singleton_2samp(x, x + 1, keepdims=True)
    assert driftscope.epps_singleton_2samp(x, x + 1, axis=-1).df == 4
