from dataclasses import dataclass
from typing import Any, List, Optional, Union

import numpy as np
import numpy.typing as npt

from ._core import DriftResult as DriftResult
from ._core import KstestResult as KstestResult
from ._core import ReferenceProfile as ReferenceProfile
from ._core import Chi2ContingencyResult as Chi2ContingencyResult
from ._core import CramerVonMisesResult as CramerVonMisesResult
from ._core import MannwhitneyuResult as MannwhitneyuResult
from ._core import SignificanceResult as SignificanceResult
from ._core import TtestResult as TtestResult
from ._core import ZTestResult as ZTestResult
from ._core import chi2_contingency as chi2_contingency
from ._core import cramers_v as cramers_v
from ._core import cramervonmises_2samp as cramervonmises_2samp
from ._core import energy_distance as energy_distance
from ._core import fisher_exact as fisher_exact
from ._core import mannwhitneyu as mannwhitneyu
from ._core import multipletests as multipletests
from ._core import ttest_ind as ttest_ind
from ._core import two_proportion_ztest as two_proportion_ztest
from ._core import Anderson_ksampResult as Anderson_ksampResult
from ._core import Epps_Singleton_2sampResult as Epps_Singleton_2sampResult
from ._core import anderson_ksamp as anderson_ksamp
from ._core import epps_singleton_2samp as epps_singleton_2samp
from ._core import MMDResult as MMDResult
from ._core import mmd as mmd
from ._core import HodgesLehmannResult as HodgesLehmannResult
from ._core import hodges_lehmann as hodges_lehmann

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

_Binning = Union[str, npt.ArrayLike]

@dataclass(frozen=True)
class CategoricalDriftResult:
    statistic: float
    n_reference: int
    n_current: int
    missing_reference: int
    missing_current: int
    categories: List[Any]
    reference_counts: npt.NDArray[np.int64]
    current_counts: npt.NDArray[np.int64]
    method: str = ...
    unseen_categories: List[Any] = ...

def ks_2samp(
    data1: npt.ArrayLike,
    data2: npt.ArrayLike,
    alternative: str = "two-sided",
    method: str = "auto",
    *,
    axis: int = 0,
    nan_policy: str = "propagate",
    keepdims: bool = False,
) -> KstestResult: ...
def wasserstein_distance(
    u_values: npt.ArrayLike,
    v_values: npt.ArrayLike,
    u_weights: Optional[npt.ArrayLike] = None,
    v_weights: Optional[npt.ArrayLike] = None,
) -> float: ...
def jensenshannon(
    p: npt.ArrayLike, q: npt.ArrayLike, base: Optional[float] = None, *, axis: int = 0, keepdims: bool = False
) -> float: ...
def psi(
    reference: Any,
    current: Any,
    bins: int = 10,
    binning: _Binning = "quantile",
    epsilon: float = 1e-4,
    *,
    categorical: Optional[bool] = None,
    nan_policy: str = "omit",
) -> Union[DriftResult, CategoricalDriftResult]: ...
def js_distance(
    reference: Any,
    current: Any,
    bins: int = 10,
    binning: _Binning = "quantile",
    base: float = 2,
    *,
    categorical: Optional[bool] = None,
    nan_policy: str = "omit",
) -> Union[DriftResult, CategoricalDriftResult]: ...
def hellinger(
    reference: Any,
    current: Any,
    bins: int = 10,
    binning: _Binning = "quantile",
    *,
    categorical: Optional[bool] = None,
    nan_policy: str = "omit",
) -> Union[DriftResult, CategoricalDriftResult]: ...
def total_variation(
    reference: Any,
    current: Any,
    bins: int = 10,
    binning: _Binning = "quantile",
    *,
    categorical: Optional[bool] = None,
    nan_policy: str = "omit",
) -> Union[DriftResult, CategoricalDriftResult]: ...
def linf_distance(
    reference: Any,
    current: Any,
    bins: int = 10,
    binning: _Binning = "quantile",
    *,
    categorical: Optional[bool] = None,
    nan_policy: str = "omit",
) -> Union[DriftResult, CategoricalDriftResult]: ...
def kl_divergence(
    reference: Any,
    current: Any,
    bins: int = 10,
    binning: _Binning = "quantile",
    epsilon: float = 1e-4,
    base: Optional[float] = None,
    *,
    categorical: Optional[bool] = None,
    nan_policy: str = "omit",
) -> Union[DriftResult, CategoricalDriftResult]: ...
def normed_wasserstein(reference: Any, current: Any, nan_policy: str = "omit") -> DriftResult: ...
