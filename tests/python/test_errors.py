"""Every bad input raises ValueError naming the argument."""

import numpy as np
import pytest

import driftscope
from driftscope import ReferenceProfile, jensenshannon, js_distance, ks_2samp, psi, wasserstein_distance
from driftscope import _core

X = [1.0, 2.0, 3.0, 4.0]
Y = [2.0, 3.0, 5.0]
NAN2 = [np.nan, np.nan]
TWO_D = np.ones((3, 2))

CASES = [
    # ks_2samp
    ("ks 2-D data1", lambda: ks_2samp(TWO_D, Y), "data1"),
    ("ks 2-D data2", lambda: ks_2samp(X, TWO_D), "data2"),
    ("ks 0-D", lambda: ks_2samp(np.float64(1.0), Y), "data1"),
    ("ks empty data1", lambda: ks_2samp([], Y), "data1"),
    ("ks empty data2", lambda: ks_2samp(X, []), "data2"),
    ("ks NaN-only omit", lambda: ks_2samp(NAN2, Y, nan_policy="omit"), "data1"),
    ("ks NaN-only omit 2", lambda: ks_2samp(X, NAN2, nan_policy="omit"), "data2"),
    ("ks alternative", lambda: ks_2samp(X, Y, alternative="bigger"), "alternative"),
    ("ks method", lambda: ks_2samp(X, Y, method="fast"), "method"),
    ("ks nan_policy", lambda: ks_2samp(X, Y, nan_policy="ignore"), "nan_policy"),
    ("ks axis", lambda: ks_2samp(X, Y, axis=1), "axis"),
    ("ks strings", lambda: ks_2samp(["a", "b"], Y), "data1"),
    # wasserstein_distance
    ("w 2-D", lambda: wasserstein_distance(TWO_D, Y), "u_values"),
    ("w empty u", lambda: wasserstein_distance([], Y), "u_values"),
    ("w empty v", lambda: wasserstein_distance(X, []), "v_values"),
    ("w u_weights length", lambda: wasserstein_distance(X, Y, u_weights=[1.0, 2.0]), "u_weights"),
    ("w v_weights length", lambda: wasserstein_distance(X, Y, v_weights=[1.0]), "v_weights"),
    ("w negative weight", lambda: wasserstein_distance(X, Y, u_weights=[1.0, -1.0, 1.0, 1.0]), "u_weights"),
    ("w zero weights", lambda: wasserstein_distance(X, Y, v_weights=[0.0, 0.0, 0.0]), "v_weights"),
    ("w inf weight", lambda: wasserstein_distance(X, Y, v_weights=[1.0, np.inf, 0.0]), "v_weights"),
    ("w nan weight", lambda: wasserstein_distance(X, Y, u_weights=[1.0, np.nan, 1.0, 1.0]), "u_weights"),
    # jensenshannon
    ("js 2-D", lambda: jensenshannon(TWO_D, TWO_D), "p"),
    ("js lengths", lambda: jensenshannon([0.5, 0.5], [1.0, 0.0, 0.0]), r"\b[pq]\b"),
    ("js negative", lambda: jensenshannon([0.5, -0.5], [0.5, 0.5]), r"\bp\b"),
    ("js zero sum", lambda: jensenshannon([0.5, 0.5], [0.0, 0.0]), r"\bq\b"),
    ("js inf", lambda: jensenshannon([np.inf, 1.0], [0.5, 0.5]), r"\bp\b"),
    ("js nan", lambda: jensenshannon([0.5, 0.5], [np.nan, 1.0]), r"\bq\b"),
    ("js empty", lambda: jensenshannon([], []), r"\b[pq]\b"),
    ("js base 1", lambda: jensenshannon([0.5, 0.5], [0.2, 0.8], base=1), "base"),
    ("js base 0", lambda: jensenshannon([0.5, 0.5], [0.2, 0.8], base=0), "base"),
    ("js base neg", lambda: jensenshannon([0.5, 0.5], [0.2, 0.8], base=-2.0), "base"),
    ("js axis", lambda: jensenshannon([0.5, 0.5], [0.2, 0.8], axis=1), "axis"),
    # psi / js_distance numeric
    ("psi 2-D reference", lambda: psi(TWO_D, Y), "reference"),
    ("psi 2-D current", lambda: psi(X, TWO_D), "current"),
    ("psi empty reference", lambda: psi([], Y), "reference"),
    ("psi empty current", lambda: psi(X, []), "current"),
    ("psi NaN-only reference", lambda: psi(NAN2, Y), "reference"),
    ("psi NaN-only current", lambda: psi(X, NAN2), "current"),
    ("psi bins 1", lambda: psi(X, Y, bins=1), "bins"),
    ("psi bins 0 uniform", lambda: psi(X, Y, bins=0, binning="uniform"), "bins"),
    ("psi binning", lambda: psi(X, Y, binning="equal"), "binning"),
    ("psi binning nan edge", lambda: psi(X, Y, binning=[1.0, np.nan]), "binning"),
    ("psi binning unsorted", lambda: psi(X, Y, binning=[3.0, 1.0]), "binning"),
    ("psi binning 2-D", lambda: psi(X, Y, binning=np.ones((2, 2))), "binning"),
    ("psi epsilon 0", lambda: psi(X, Y, epsilon=0.0), "epsilon"),
    ("psi epsilon 1", lambda: psi(X, Y, epsilon=1.0), "epsilon"),
    ("psi epsilon neg", lambda: psi(X, Y, epsilon=-1e-4), "epsilon"),
    ("psi nan_policy", lambda: psi(X, Y, nan_policy="drop"), "nan_policy"),
    ("psi nan raise", lambda: psi([1.0, np.nan], Y, nan_policy="raise"), "(?i)nan"),
    ("jsd bins", lambda: js_distance(X, Y, bins=1), "bins"),
    ("jsd base 1", lambda: js_distance(X, Y, base=1.0), "base"),
    ("jsd base 0", lambda: js_distance(X, Y, base=0.0), "base"),
    ("jsd binning", lambda: js_distance(X, Y, binning="log"), "binning"),
    ("jsd empty", lambda: js_distance([], Y), "reference"),
    # categorical
    ("cat flag", lambda: psi(["a"], ["b"], categorical="yes"), "categorical"),
    ("cat forced numeric strings", lambda: psi(["a", "b"], ["a"], categorical=False), "reference"),
    ("cat forced numeric strings cur", lambda: psi([1.0, 2.0], ["a"], categorical=False), "current"),
    ("cat empty reference", lambda: psi(np.array([], dtype=object), ["a"], categorical=True), "reference"),
    ("cat all-missing reference", lambda: psi([None, None], ["a"]), "reference"),
    ("cat all-missing current", lambda: js_distance(["a"], [None, float("nan")]), "current"),
    ("cat epsilon", lambda: psi(["a"], ["b"], epsilon=2.0), "epsilon"),
    ("cat base", lambda: js_distance(["a"], ["b"], base=1), "base"),
    ("cat nan_policy", lambda: psi(["a"], ["b"], nan_policy="nope"), "nan_policy"),
    ("cat 2-D", lambda: psi(np.array([["a", "b"]]), ["a"], categorical=True), "reference"),
    # counts
    ("psi_counts lengths", lambda: _core.psi_counts([1, 2], [1, 2, 3]), "counts"),
    ("psi_counts negative", lambda: _core.psi_counts([1, -2], [1, 2]), "reference_counts"),
    ("psi_counts zero", lambda: _core.psi_counts([1, 2], [0, 0]), "current_counts"),
    ("psi_counts epsilon", lambda: _core.psi_counts([1, 2], [1, 2], epsilon=0.0), "epsilon"),
    ("jsd_counts base", lambda: _core.js_distance_counts([1, 2], [1, 2], base=1.0), "base"),
    # ReferenceProfile
    ("profile empty", lambda: ReferenceProfile([]), "reference"),
    ("profile NaN-only", lambda: ReferenceProfile(NAN2), "reference"),
    ("profile 2-D", lambda: ReferenceProfile(TWO_D), "reference"),
    ("profile bins", lambda: ReferenceProfile(X, bins=1), "bins"),
    ("profile binning", lambda: ReferenceProfile(X, binning="wide"), "binning"),
    ("profile nan_policy", lambda: ReferenceProfile(X, nan_policy="skip"), "nan_policy"),
    ("profile psi epsilon", lambda: ReferenceProfile(X).psi(Y, epsilon=0.0), "epsilon"),
    ("profile psi empty", lambda: ReferenceProfile(X).psi([]), "current"),
    ("profile psi 2-D", lambda: ReferenceProfile(X).psi(TWO_D), "current"),
    ("profile js base", lambda: ReferenceProfile(X).js_distance(Y, base=1.0), "base"),
    ("profile ks alternative", lambda: ReferenceProfile(X).ks(Y, alternative="up"), "alternative"),
    ("profile ks method", lambda: ReferenceProfile(X).ks(Y, method="slow"), "method"),
    ("profile ks NaN-only", lambda: ReferenceProfile(X).ks(NAN2), "current"),
    ("profile wasserstein empty", lambda: ReferenceProfile(X).wasserstein([]), "current"),
]


@pytest.mark.parametrize("call, match", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_raises_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_nan_policy_raise_on_profile_construction():
    with pytest.raises(ValueError, match="(?i)nan"):
        ReferenceProfile([1.0, np.nan], nan_policy="raise")


def test_errors_are_not_other_types():
    # out_of_range / domain_error from the core must surface as ValueError, not IndexError
    with pytest.raises(ValueError):
        ReferenceProfile.from_bytes(b"\x01")
    assert issubclass(ValueError, Exception)
    assert driftscope.__version__
