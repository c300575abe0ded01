"""Two-sample drift statistics.

The scipy-named functions (:func:`ks_2samp`, :func:`wasserstein_distance`,
:func:`jensenshannon`) take scipy's parameter names and defaults, so switching is a
change of import. The drift-level functions (:func:`psi`, :func:`js_distance`) default
to ``nan_policy='omit'`` and report how many values were missing.

All arithmetic happens in the compiled core (:mod:`driftscope._core`). This module only
turns Python inputs (lists, numpy arrays, pandas Series, categorical data) into the 1-D
arrays or count vectors the core takes.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, List, Optional, Sequence, Tuple, Union

import numpy as np

from . import _core
from ._core import DriftResult, KstestResult, ReferenceProfile
# More scipy / statsmodels-named tests, straight from the core (1-D arrays or 2-D tables).
from ._core import (
    Chi2ContingencyResult,
    CramerVonMisesResult,
    MannwhitneyuResult,
    SignificanceResult,
    TtestResult,
    ZTestResult,
    chi2_contingency,
    cramers_v,
    cramervonmises_2samp,
    energy_distance,
    fisher_exact,
    mannwhitneyu,
    multipletests,
    ttest_ind,
    two_proportion_ztest,
)
from ._core import Anderson_ksampResult, Epps_Singleton_2sampResult, anderson_ksamp, epps_singleton_2samp
from ._core import MMDResult, mmd  # multivariate: Gaussian-kernel MMD (register_mmd)
from ._core import HodgesLehmannResult, hodges_lehmann  # location shift + interval (register_canary_judge)

__all__ = [
    "Chi2ContingencyResult",
    "CramerVonMisesResult",
    "MannwhitneyuResult",
    "SignificanceResult",
    "TtestResult",
    "ZTestResult",
    "chi2_contingency",
    "cramers_v",
    "cramervonmises_2samp",
    "energy_distance",
    "fisher_exact",
    "mannwhitneyu",
    "multipletests",
    "ttest_ind",
    "two_proportion_ztest",
    "Anderson_ksampResult",
    "Epps_Singleton_2sampResult",
    "anderson_ksamp",
    "epps_singleton_2samp",
    "MMDResult",
    "mmd",
    "HodgesLehmannResult",
    "hodges_lehmann",
    "CategoricalDriftResult",
    "DriftResult",
    "KstestResult",
    "ReferenceProfile",
    "js_distance",
    "jensenshannon",
    "ks_2samp",
    "psi",
    "wasserstein_distance",
    "hellinger",
    "kl_divergence",
    "linf_distance",
    "normed_wasserstein",
    "total_variation",
]

_NAN_POLICIES = ("propagate", "raise", "omit")


# --------------------------------------------------------------------------- helpers


def _check_axis(fn: str, axis: Any, keepdims: Any = False) -> None:
    """Only 1-D input is supported: accept scipy's axis=0 (and the equivalent -1)."""
    if axis is None or isinstance(axis, (bool, np.bool_)) or axis not in (0, -1):
        raise ValueError(f"{fn}: axis must be 0 or -1 (driftscope takes 1-D input only), got {axis!r}")
    if keepdims:
        raise ValueError(f"{fn}: keepdims=True is not supported (driftscope takes 1-D input only)")


def _pandas() -> Any:
    """The pandas module if the caller already imported it, else None (never import it here)."""
    return sys.modules.get("pandas")


def _is_pandas_obj(x: Any) -> bool:
    pd = _pandas()
    return pd is not None and isinstance(x, (pd.Series, pd.Index, pd.Categorical, pd.api.extensions.ExtensionArray))


def _pandas_is_categorical(x: Any) -> bool:
    """True for pandas data whose dtype is categorical, string, boolean or object."""
    pd = _pandas()
    dtype = x.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return True
    if isinstance(dtype, (pd.StringDtype, pd.BooleanDtype)):
        return True
    if isinstance(dtype, np.dtype):
        return dtype.kind in "OUSb"
    return not pd.api.types.is_numeric_dtype(dtype)


def _numeric(x: Any, fn: str, name: str) -> Any:
    """Return something the core takes for a numeric 1-D argument.

    float32 / float64 / integer numpy arrays are returned unchanged (the core reads
    float32 and float64 without a copy and converts integers itself). pandas data is
    converted with missing values (pd.NA) as NaN. Booleans become 0.0 / 1.0. Anything
    that is not numeric raises ValueError naming the argument.
    """
    if isinstance(x, np.ndarray):
        arr = x
    elif _is_pandas_obj(x):
        pd = _pandas()
        if isinstance(x.dtype, np.dtype) and x.dtype.kind in "fiu":
            return x.to_numpy()  # plain numpy-backed numbers: no copy
        if isinstance(x.dtype, pd.CategoricalDtype) or not (
            pd.api.types.is_numeric_dtype(x.dtype) or pd.api.types.is_bool_dtype(x.dtype)
        ):
            raise ValueError(f"{fn}: {name} must be numeric, got pandas dtype {x.dtype}")
        return np.asarray(x.to_numpy(dtype=np.float64, na_value=np.nan))
    else:
        arr = np.asarray(x)
    kind = arr.dtype.kind
    if kind in "fiu":
        return arr
    if kind == "b":
        return arr.astype(np.float64)
    if kind == "O":
        try:
            return _object_to_float(arr)
        except (TypeError, ValueError):
            pass
    raise ValueError(f"{fn}: {name} must be numeric, got dtype {arr.dtype}")


def _object_to_float(arr: np.ndarray) -> np.ndarray:
    """Object array of numbers / None / pd.NA -> float64 with NaN for missing."""
    miss = _missing_mask(arr)
    out = np.full(arr.shape, np.nan, dtype=np.float64)
    vals = arr[~miss]
    for v in vals.flat:
        if isinstance(v, (str, bytes)):
            raise ValueError("strings are not numeric")
    out[~miss] = vals.astype(np.float64)
    return out


def _missing_mask(arr: np.ndarray) -> np.ndarray:
    """Boolean mask of missing entries: NaN for floats; None / NaN / pd.NA / NaT for objects."""
    kind = arr.dtype.kind
    mask: np.ndarray
    if kind in "fc":
        mask = np.isnan(arr)
        return mask
    if kind == "O":
        pd = _pandas()
        if pd is not None:
            mask = np.asarray(pd.isna(arr), dtype=bool)
            return mask
        return np.fromiter(
            (v is None or (isinstance(v, float) and v != v) for v in arr.flat), dtype=bool, count=arr.size
        ).reshape(arr.shape)
    if kind == "M" or kind == "m":
        mask = np.isnat(arr)
        return mask
    return np.zeros(arr.shape, dtype=bool)


# --------------------------------------------------------------------------- scipy-named


def ks_2samp(
    data1: Any,
    data2: Any,
    alternative: str = "two-sided",
    method: str = "auto",
    *,
    axis: int = 0,
    nan_policy: str = "propagate",
    keepdims: bool = False,
) -> KstestResult:
    """Two-sample Kolmogorov–Smirnov test; matches :func:`scipy.stats.ks_2samp` on 1-D data.

    Returns a :class:`KstestResult` with ``statistic``, ``pvalue``, ``statistic_location``,
    ``statistic_sign``, ``method`` (the method actually used), sizes ``n1``/``n2`` and NaN
    counts ``missing1``/``missing2``. Unpacks as ``statistic, pvalue``.
    """
    _check_axis("ks_2samp", axis, keepdims)
    return _core.ks_2samp(
        _numeric(data1, "ks_2samp", "data1"),
        _numeric(data2, "ks_2samp", "data2"),
        alternative=alternative,
        method=method,
        nan_policy=nan_policy,
    )


def wasserstein_distance(
    u_values: Any, v_values: Any, u_weights: Any = None, v_weights: Any = None
) -> float:
    """First Wasserstein distance of two 1-D distributions; matches :func:`scipy.stats.wasserstein_distance`."""
    fn = "wasserstein_distance"
    return _core.wasserstein_distance(
        _numeric(u_values, fn, "u_values"),
        _numeric(v_values, fn, "v_values"),
        None if u_weights is None else _numeric(u_weights, fn, "u_weights"),
        None if v_weights is None else _numeric(v_weights, fn, "v_weights"),
    )


def jensenshannon(
    p: Any, q: Any, base: Optional[float] = None, *, axis: int = 0, keepdims: bool = False
) -> float:
    """Jensen–Shannon distance of two probability vectors (normalized by their sums).

    Matches :func:`scipy.spatial.distance.jensenshannon` on 1-D vectors.
    """
    _check_axis("jensenshannon", axis, keepdims)
    return _core.jensenshannon(_numeric(p, "jensenshannon", "p"), _numeric(q, "jensenshannon", "q"), base)


# --------------------------------------------------------------------------- drift level


@dataclass(frozen=True)
class CategoricalDriftResult:
    """Result of :func:`psi` / :func:`js_distance` on a categorical feature.

    ``categories`` lists the categories seen in the reference, sorted; the count vectors
    have one more entry, the last bin, for categories the reference never saw
    (``unseen_categories`` names them, sorted). Missing values (None, NaN, pd.NA) are
    counted in ``missing_*`` and are not categories.
    """

    statistic: float
    n_reference: int
    n_current: int
    missing_reference: int
    missing_current: int
    categories: List[Any]
    reference_counts: np.ndarray = field(repr=False)
    current_counts: np.ndarray = field(repr=False)
    method: str = "psi"
    unseen_categories: List[Any] = field(default_factory=list, repr=False)


def _validate_common(fn: str, nan_policy: Any, categorical: Any) -> None:
    if not isinstance(nan_policy, str) or nan_policy not in _NAN_POLICIES:
        raise ValueError(f"{fn}: nan_policy must be one of 'propagate', 'raise', 'omit', got {nan_policy!r}")
    if categorical is not None and not isinstance(categorical, (bool, np.bool_)):
        raise ValueError(f"{fn}: categorical must be None, True or False, got {categorical!r}")


def _as_array_keep_objects(x: Any) -> Any:
    """np.asarray, but lists of strings keep None / NaN (numpy would turn them into 'None' / 'nan')."""
    if isinstance(x, np.ndarray) or _is_pandas_obj(x):
        return x
    arr = np.asarray(x)
    if arr.dtype.kind in "US" and arr.ndim == 1:
        arr = np.asarray(x, dtype=object)
    return arr


def _auto_categorical(x: Any) -> bool:
    """Strings, bools, pandas categoricals and objects are categories; numbers are numeric.

    An object array holding only numbers and missing values (e.g. from a list with None)
    counts as numeric.
    """
    if _is_pandas_obj(x):
        if x.dtype == np.dtype(object):
            return not _all_numbers(np.asarray(x.to_numpy()))
        return _pandas_is_categorical(x)
    if x.dtype.kind == "O":
        return not _all_numbers(x)
    return x.dtype.kind in "USb"


def _all_numbers(arr: np.ndarray) -> bool:
    """True if every non-missing entry of an object array is a real number (not a bool)."""
    values = arr[~_missing_mask(arr)]
    if values.size == 0:
        return False
    return all(
        isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
        for v in values.flat
    )


def _category_values(x: Any, fn: str, name: str) -> np.ndarray:
    """1-D array of category values (object, string, bool, integer or float dtype)."""
    if _is_pandas_obj(x):
        pd = _pandas()
        if isinstance(x.dtype, pd.CategoricalDtype):
            arr = np.asarray(pd.Series(x).astype(object).to_numpy())
        elif isinstance(x.dtype, np.dtype):
            arr = np.asarray(x.to_numpy())
        else:  # extension dtypes (string, boolean, Int64 ...): objects with pd.NA for missing
            arr = np.asarray(x.to_numpy(dtype=object))
    else:
        arr = np.asarray(x)
    if arr.ndim != 1:
        raise ValueError(f"{fn}: {name} must be 1-D, got {arr.ndim}-D array")
    return arr


def _sorted_unique(values: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Sorted unique values and counts; objects of mixed types sort by (type name, repr)."""
    try:
        return np.unique(values, return_counts=True)
    except TypeError:
        keys = sorted(set(values.tolist()), key=lambda v: (type(v).__name__, repr(v)))
        index = {v: i for i, v in enumerate(keys)}
        codes = np.fromiter((index[v] for v in values.tolist()), dtype=np.intp, count=values.size)
        uniq = np.empty(len(keys), dtype=object)
        uniq[:] = keys
        return uniq, np.bincount(codes, minlength=len(keys))


def _category_codes(categories: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Index of each value in the sorted ``categories``; len(categories) for unseen values."""
    k = categories.size
    if k == 0:
        return np.zeros(values.size, dtype=np.intp)
    try:
        idx = np.searchsorted(categories, values)
        hit = idx < k
        hit[hit] = categories[idx[hit]] == values[hit]
        idx[~hit] = k
        return idx
    except TypeError:
        index = {v: i for i, v in enumerate(categories.tolist())}
        return np.fromiter((index.get(v, k) for v in values.tolist()), dtype=np.intp, count=values.size)


def _categorical_drift(
    reference: Any, current: Any, fn: str, nan_policy: str, stat: Any
) -> CategoricalDriftResult:
    ref = _category_values(reference, fn, "reference")
    cur = _category_values(current, fn, "current")
    if ref.size == 0:
        raise ValueError(f"{fn}: reference is empty")
    if cur.size == 0:
        raise ValueError(f"{fn}: current is empty")
    ref_miss = _missing_mask(ref)
    cur_miss = _missing_mask(cur)
    n_ref_miss = int(ref_miss.sum())
    n_cur_miss = int(cur_miss.sum())
    if nan_policy == "raise":
        if n_ref_miss:
            raise ValueError(f"{fn}: reference contains {n_ref_miss} missing value(s) and nan_policy='raise'")
        if n_cur_miss:
            raise ValueError(f"{fn}: current contains {n_cur_miss} missing value(s) and nan_policy='raise'")
    ref_vals = ref[~ref_miss] if n_ref_miss else ref
    cur_vals = cur[~cur_miss] if n_cur_miss else cur
    if ref_vals.size == 0:
        raise ValueError(f"{fn}: reference has no non-missing values")
    if cur_vals.size == 0:
        raise ValueError(f"{fn}: current has no non-missing values")

    # Mixed numpy/object dtypes compare as objects.
    if ref_vals.dtype != cur_vals.dtype and (ref_vals.dtype.kind == "O" or cur_vals.dtype.kind == "O"):
        ref_vals = ref_vals.astype(object)
        cur_vals = cur_vals.astype(object)
    elif ref_vals.dtype.kind != cur_vals.dtype.kind and not (
        ref_vals.dtype.kind in "iuf" and cur_vals.dtype.kind in "iuf"
    ):
        ref_vals = ref_vals.astype(object)
        cur_vals = cur_vals.astype(object)

    categories, _ = _sorted_unique(ref_vals)
    codes = _category_codes(categories, cur_vals)
    k = categories.size
    # counted in C++ (code k: the bin of the categories the reference never saw)
    ref_counts, cur_counts, _, _ = _core.count_categories(_category_codes(categories, ref_vals), codes, k + 1)
    unseen: List[Any] = []
    if cur_counts[k]:
        unseen_vals, _ = _sorted_unique(cur_vals[codes == k])
        unseen = [_py(v) for v in unseen_vals.tolist()]

    if nan_policy == "propagate" and (n_ref_miss or n_cur_miss):
        statistic = float("nan")
    else:
        statistic = float(stat(ref_counts, cur_counts))
    return CategoricalDriftResult(
        statistic=statistic,
        n_reference=int(ref_vals.size),
        n_current=int(cur_vals.size),
        missing_reference=n_ref_miss,
        missing_current=n_cur_miss,
        categories=[_py(v) for v in categories.tolist()],
        reference_counts=ref_counts,
        current_counts=cur_counts,
        method=fn,
        unseen_categories=unseen,
    )


def _py(v: Any) -> Any:
    """numpy scalar -> Python scalar (lists of categories print and serialize cleanly)."""
    return v.item() if isinstance(v, np.generic) else v


def _is_categorical(reference: Any, current: Any, categorical: Optional[bool]) -> bool:
    if categorical is None:
        return _auto_categorical(reference) or _auto_categorical(current)
    return bool(categorical)


def psi(
    reference: Any,
    current: Any,
    bins: int = 10,
    binning: Union[str, Sequence[float], np.ndarray] = "quantile",
    epsilon: float = 1e-4,
    *,
    categorical: Optional[bool] = None,
    nan_policy: str = "omit",
) -> Union[DriftResult, CategoricalDriftResult]:
    """Population Stability Index of ``current`` against ``reference``.

    Numeric data: interior edges from the reference (``binning='quantile'``: numpy's
    default quantiles at k/bins; ``'uniform'``: equal-width bins over [min, max]; or an
    array of interior edges), bin index = ``searchsorted(edges, x, side='right')``,
    proportions clipped from below at ``epsilon``, PSI = Σ (c−r)·ln(c/r).

    Categorical data (strings, bools, pandas categoricals and object arrays that hold more
    than numbers automatically; integer codes with ``categorical=True``;
    ``categorical=False`` forces numeric): one bin
    per category seen in the reference, sorted, plus one bin for categories it never saw.
    ``bins`` and ``binning`` do not apply then.
    """
    fn = "psi"
    _validate_common(fn, nan_policy, categorical)
    reference = _as_array_keep_objects(reference)
    current = _as_array_keep_objects(current)
    if _is_categorical(reference, current, categorical):
        if isinstance(epsilon, (bool, np.bool_)) or not isinstance(epsilon, (int, float, np.number)) or not (
            0.0 < float(epsilon) < 1.0
        ):
            raise ValueError(f"{fn}: epsilon must be in (0, 1), got {epsilon!r}")
        eps = float(epsilon)
        return _categorical_drift(
            reference, current, fn, nan_policy, lambda r, c: _core.psi_counts(r, c, epsilon=eps)
        )
    return _core.psi(
        _numeric(reference, fn, "reference"),
        _numeric(current, fn, "current"),
        bins=bins,
        binning=_binning_arg(binning, fn),
        epsilon=epsilon,
        nan_policy=nan_policy,
    )


def js_distance(
    reference: Any,
    current: Any,
    bins: int = 10,
    binning: Union[str, Sequence[float], np.ndarray] = "quantile",
    base: float = 2,
    *,
    categorical: Optional[bool] = None,
    nan_policy: str = "omit",
) -> Union[DriftResult, CategoricalDriftResult]:
    """Jensen–Shannon distance between the binned reference and current proportions.

    Same bins as :func:`psi` (including the categorical rules); the statistic equals
    ``scipy.spatial.distance.jensenshannon(reference_counts, current_counts, base)``.
    """
    fn = "js_distance"
    _validate_common(fn, nan_policy, categorical)
    reference = _as_array_keep_objects(reference)
    current = _as_array_keep_objects(current)
    if _is_categorical(reference, current, categorical):
        if isinstance(base, (bool, np.bool_)) or not isinstance(base, (int, float, np.number)) or not (
            float(base) > 0.0 and float(base) != 1.0
        ):
            raise ValueError(f"{fn}: base must be > 0 and != 1, got {base!r}")
        b = float(base)
        return _categorical_drift(
            reference, current, fn, nan_policy, lambda r, c: _core.js_distance_counts(r, c, base=b)
        )
    return _core.js_distance(
        _numeric(reference, fn, "reference"),
        _numeric(current, fn, "current"),
        bins=bins,
        binning=_binning_arg(binning, fn),
        base=base,
        nan_policy=nan_policy,
    )


def _binned_distance(
    fn: str,
    reference: Any,
    current: Any,
    bins: Any,
    binning: Any,
    categorical: Any,
    nan_policy: Any,
    numeric: Any,
    counts: Any,
) -> Union[DriftResult, CategoricalDriftResult]:
    """The shared path of hellinger / total_variation / linf_distance / kl_divergence:
    categorical data through _categorical_drift with ``counts(ref_counts, cur_counts)``,
    numeric data through ``numeric(reference, current, bins=..., binning=..., nan_policy=...)``."""
    _validate_common(fn, nan_policy, categorical)
    reference = _as_array_keep_objects(reference)
    current = _as_array_keep_objects(current)
    if _is_categorical(reference, current, categorical):
        return _categorical_drift(reference, current, fn, nan_policy, counts)
    return numeric(
        _numeric(reference, fn, "reference"),
        _numeric(current, fn, "current"),
        bins=bins,
        binning=_binning_arg(binning, fn),
        nan_policy=nan_policy,
    )


def hellinger(
    reference: Any,
    current: Any,
    bins: int = 10,
    binning: Union[str, Sequence[float], np.ndarray] = "quantile",
    *,
    categorical: Optional[bool] = None,
    nan_policy: str = "omit",
) -> Union[DriftResult, CategoricalDriftResult]:
    """Hellinger distance between the binned reference and current proportions.

    ``sqrt(1 - sum(sqrt(r * c)))`` in [0, 1] (computed as ``||sqrt(r) - sqrt(c)||_2 / sqrt(2)``,
    the definition of Evidently's ``hellinger``), on the same bins as :func:`psi` (including
    the categorical rules).
    """
    return _binned_distance(
        "hellinger", reference, current, bins, binning, categorical, nan_policy, _core.hellinger,
        _core.hellinger_counts,
    )


def total_variation(
    reference: Any,
    current: Any,
    bins: int = 10,
    binning: Union[str, Sequence[float], np.ndarray] = "quantile",
    *,
    categorical: Optional[bool] = None,
    nan_policy: str = "omit",
) -> Union[DriftResult, CategoricalDriftResult]:
    """Total variation distance ``sum(|r - c|) / 2`` in [0, 1] on the bins of :func:`psi`."""
    return _binned_distance(
        "total_variation", reference, current, bins, binning, categorical, nan_policy, _core.total_variation,
        _core.total_variation_counts,
    )


def linf_distance(
    reference: Any,
    current: Any,
    bins: int = 10,
    binning: Union[str, Sequence[float], np.ndarray] = "quantile",
    *,
    categorical: Optional[bool] = None,
    nan_policy: str = "omit",
) -> Union[DriftResult, CategoricalDriftResult]:
    """L-infinity distance ``max(|r - c|)`` in [0, 1] on the bins of :func:`psi`."""
    return _binned_distance(
        "linf_distance", reference, current, bins, binning, categorical, nan_policy, _core.linf_distance,
        _core.linf_distance_counts,
    )


def _is_real(x: Any) -> bool:
    return not isinstance(x, (bool, np.bool_)) and isinstance(x, (int, float, np.integer, np.floating))


def kl_divergence(
    reference: Any,
    current: Any,
    bins: int = 10,
    binning: Union[str, Sequence[float], np.ndarray] = "quantile",
    epsilon: float = 1e-4,
    base: Optional[float] = None,
    *,
    categorical: Optional[bool] = None,
    nan_policy: str = "omit",
) -> Union[DriftResult, CategoricalDriftResult]:
    """Kullback–Leibler divergence KL(reference ‖ current) on the bins of :func:`psi`.

    On the bins where either sample has a value, each proportion is floored at
    ``epsilon`` (as in :func:`psi`; ``0 <= epsilon < 1``) and the floored vectors are
    renormalized, i.e. ``scipy.stats.entropy(max(r, epsilon), max(c, epsilon), base)``.
    ``epsilon=0`` gives the unsmoothed divergence (inf when the current sample has an empty
    bin the reference does not). ``base=None``: natural log (nats).
    """
    fn = "kl_divergence"
    if not _is_real(epsilon) or not (0.0 <= float(epsilon) < 1.0):
        raise ValueError(f"{fn}: epsilon must be >= 0 and < 1, got {epsilon!r}")
    if base is not None and (
        not _is_real(base) or not (0.0 < float(base) < float("inf")) or float(base) == 1.0
    ):
        raise ValueError(f"{fn}: base must be None or finite, > 0 and != 1, got {base!r}")
    eps = float(epsilon)
    b = None if base is None else float(base)

    def numeric(ref: Any, cur: Any, **kw: Any) -> DriftResult:
        return _core.kl_divergence(ref, cur, epsilon=eps, base=b, **kw)

    return _binned_distance(
        fn, reference, current, bins, binning, categorical, nan_policy, numeric,
        lambda r, c: _core.kl_divergence_counts(r, c, epsilon=eps, base=b),
    )


def normed_wasserstein(reference: Any, current: Any, nan_policy: str = "omit") -> DriftResult:
    """Wasserstein distance divided by the standard deviation of the reference.

    ``scipy.stats.wasserstein_distance(reference, current) / numpy.std(reference)`` on the
    non-missing values: the drift score of Evidently's ``wasserstein`` stattest (default
    threshold 0.1), except that the scale is not floored at 0.001: a constant reference
    gives 0 when the current sample is the same constant and inf otherwise. Returns a
    :class:`DriftResult` with empty ``edges`` and counts.
    """
    fn = "normed_wasserstein"
    if not isinstance(nan_policy, str) or nan_policy not in _NAN_POLICIES:
        raise ValueError(f"{fn}: nan_policy must be one of 'propagate', 'raise', 'omit', got {nan_policy!r}")
    return _core.normed_wasserstein(
        _numeric(reference, fn, "reference"), _numeric(current, fn, "current"), nan_policy=nan_policy
    )


def _binning_arg(binning: Any, fn: str) -> Any:
    if isinstance(binning, str):
        return binning
    return _numeric(binning, fn, "binning")
