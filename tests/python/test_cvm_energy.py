"""Parity with scipy 1.17: cramervonmises_2samp and energy_distance.

Expected values come from scipy on the same inputs: statistics to 1e-12 relative,
p-values to 1e-9 relative (1e-14 absolute when tiny), distances to 1e-12 relative.
"""

import math

import numpy as np
import pytest
import scipy.stats
from hypothesis import assume, given
from hypothesis import strategies as st

import driftscope
from _util import assert_close, quiet, sample




def check_cvm(ours, ref):
    assert_close(ours.statistic, float(ref.statistic), rtol=1e-12, atol=1e-15, what="statistic")
    assert_close(ours.pvalue, float(ref.pvalue), rtol=1e-9, atol=1e-14, what="pvalue")


# --------------------------------------------------------------------------- cramervonmises_2samp


@given(x=sample(min_size=2, max_size=20), y=sample(min_size=2, max_size=20),
       method=st.sampled_from(["auto", "exact", "asymptotic"]))
def test_cvm_small_matches_scipy(x, y, method):
    ref = quiet(scipy.stats.cramervonmises_2samp, x, y, method=method)
    ours = driftscope.cramervonmises_2samp(x, y, method=method)
    check_cvm(ours, ref)
    assert ours.method == (method if method != "auto" else "exact")
    assert (ours.nx, ours.ny) == (x.size, y.size)


@given(x=sample(min_size=2, max_size=150), y=sample(min_size=21, max_size=150))
def test_cvm_asymptotic_matches_scipy(x, y):
    ref = quiet(scipy.stats.cramervonmises_2samp, x, y)
    ours = driftscope.cramervonmises_2samp(x, y)
    check_cvm(ours, ref)
    assert ours.method == "asymptotic"


@pytest.mark.parametrize("shift", [0.0, 0.5, 1.0, 2.0, 4.0])
@pytest.mark.parametrize("sizes", [(5, 7), (20, 20), (21, 20), (300, 250), (2000, 1500)])
def test_cvm_normal_shift(shift, sizes):
    rng = np.random.default_rng(int(shift * 10) + sizes[0])
    x = rng.normal(size=sizes[0])
    y = rng.normal(shift, 1.0, size=sizes[1])
    check_cvm(driftscope.cramervonmises_2samp(x, y), scipy.stats.cramervonmises_2samp(x, y))


def test_cvm_result_unpacks_and_float32():
    x = np.array([0.5, 1.5, 2.0, 3.0, 7.0], dtype=np.float32)
    y = np.array([1.0, 2.5, 4.0, 9.0], dtype=np.float32)
    res = driftscope.cramervonmises_2samp(x, y)
    stat, p = res
    assert (stat, p) == (res[0], res[1]) == (res.statistic, res.pvalue)
    assert len(res) == 2 and res[-1] == p
    assert repr(res).startswith("CramerVonMisesResult(statistic=")
    # float32 input is computed in float64 (scipy computes in float32 and agrees to ~1e-6)
    check_cvm(res, scipy.stats.cramervonmises_2samp(x.astype(np.float64), y.astype(np.float64)))
    ref32 = scipy.stats.cramervonmises_2samp(x, y)
    assert_close(res.statistic, float(ref32.statistic), rtol=1e-5, what="statistic")
    assert_close(res.pvalue, float(ref32.pvalue), rtol=1e-5, what="pvalue")
    # mixed float32 / float64 input
    check_cvm(driftscope.cramervonmises_2samp(x, y.astype(np.float64)),
              scipy.stats.cramervonmises_2samp(x, y.astype(np.float64)))


@pytest.mark.parametrize("method", ["auto", "asymptotic"])
def test_cvm_nan_policies(method):
    x = np.array([0.3, np.nan, 1.2, 2.5, -0.7, 0.9, np.nan])
    y = np.array([1.1, 2.2, np.nan, 3.3, 0.1, 1.9])
    ours = driftscope.cramervonmises_2samp(x, y, method=method)
    assert math.isnan(ours.statistic) and math.isnan(ours.pvalue)
    ref = scipy.stats.cramervonmises_2samp(x, y, method=method, nan_policy="omit")
    ours = driftscope.cramervonmises_2samp(x, y, method=method, nan_policy="omit")
    check_cvm(ours, ref)
    assert (ours.nx, ours.ny, ours.missing_x, ours.missing_y) == (5, 5, 2, 1)
    with pytest.raises(ValueError, match="nan_policy is 'raise'"):
        driftscope.cramervonmises_2samp(x, y, nan_policy="raise")
    with pytest.raises(ValueError):
        scipy.stats.cramervonmises_2samp(x, y, nan_policy="raise")


def test_cvm_bad_input():
    with pytest.raises(ValueError, match="x must contain at least 2"):
        driftscope.cramervonmises_2samp([], [1.0, 2.0])
    with pytest.raises(ValueError, match="y must contain at least 2"):
        driftscope.cramervonmises_2samp([1.0, 2.0], [3.0])
    with pytest.raises(ValueError, match="1-D"):
        driftscope.cramervonmises_2samp(np.ones((2, 3)), [1.0, 2.0])
    with pytest.raises(ValueError, match="cramervonmises_2samp: method must be"):
        driftscope.cramervonmises_2samp([1.0, 2.0], [3.0, 4.0], method="asymp")
    with pytest.raises(ValueError, match="nan_policy must be"):
        driftscope.cramervonmises_2samp([1.0, 2.0], [3.0, 4.0], nan_policy="ignore")
    with pytest.raises(ValueError, match="64 bits"):
        driftscope.cramervonmises_2samp(np.arange(40.0), np.arange(40.0) + 0.5, method="exact")


# --------------------------------------------------------------------------- energy_distance


weights = st.lists(st.floats(0, 10, allow_nan=False), min_size=1, max_size=40)


@given(u=sample(), v=sample())
def test_energy_matches_scipy(u, v):
    ref = quiet(scipy.stats.energy_distance, u, v)
    assert_close(driftscope.energy_distance(u, v), float(ref), rtol=1e-12, atol=1e-300, what="distance")


@given(data=st.data(), u=sample(), v=sample(), which=st.sampled_from(["u", "v", "both"]))
def test_energy_weighted_matches_scipy(data, u, v, which):
    uw = vw = None
    if which in ("u", "both"):
        uw = np.array(data.draw(st.lists(st.floats(0, 10), min_size=u.size, max_size=u.size)))
        assume(uw.sum() > 0)
    if which in ("v", "both"):
        vw = np.array(data.draw(st.lists(st.floats(0, 10), min_size=v.size, max_size=v.size)))
        assume(vw.sum() > 0)
    ref = quiet(scipy.stats.energy_distance, u, v, uw, vw)
    assert_close(driftscope.energy_distance(u, v, uw, vw), float(ref), rtol=1e-12, atol=1e-300, what="distance")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_energy_random_and_special(dtype):
    rng = np.random.default_rng(7)
    u = rng.normal(size=5000).astype(dtype)
    v = rng.normal(0.1, 1.3, size=4321).astype(dtype)
    assert_close(driftscope.energy_distance(u, v), float(scipy.stats.energy_distance(u, v)), rtol=1e-12,
                 what="distance")
    for a, b in [([1.0], [3.0]), ([0.0, np.inf], [1.0, 2.0]), ([0.0, np.inf], [1.0, np.inf]),
                 ([0.0, np.nan], [1.0])]:
        ref = quiet(scipy.stats.energy_distance, a, b)
        ours = driftscope.energy_distance(a, b)
        assert (math.isnan(ours) and math.isnan(ref)) or ours == ref


def test_energy_bad_input():
    with pytest.raises(ValueError, match="u_values must not be empty"):
        driftscope.energy_distance([], [1.0])
    with pytest.raises(ValueError, match="v_values must not be empty"):
        driftscope.energy_distance([1.0], [])
    with pytest.raises(ValueError, match="1-D"):
        driftscope.energy_distance(np.ones((2, 2)), [1.0])
    with pytest.raises(ValueError, match="u_weights"):
        driftscope.energy_distance([1.0, 2.0], [1.0], [1.0, -1.0])
    with pytest.raises(ValueError, match="v_weights"):
        driftscope.energy_distance([1.0, 2.0], [1.0], None, [0.0])
    with pytest.raises(ValueError, match="u_weights must have the same length"):
        driftscope.energy_distance([1.0, 2.0], [1.0], [1.0])
    with pytest.raises(ValueError, match="u_weights"):
        driftscope.energy_distance([1.0, 2.0], [1.0], [1.0, np.inf])
