"""driftscope: data- and concept-drift statistics on a SIMD-tuned C++ core.

The scipy-named functions keep scipy's names, parameters and defaults::

    from driftscope import ks_2samp, wasserstein_distance, jensenshannon

and the drift-level API adds binned statistics and prepared references::

    from driftscope import psi, js_distance, ReferenceProfile
"""

from . import _core
from .stats import (
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
    CategoricalDriftResult,
    DriftResult,
    KstestResult,
    ReferenceProfile,
    jensenshannon,
    js_distance,
    ks_2samp,
    psi,
    wasserstein_distance,
)

__version__: str = _core.__version__

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
    "CategoricalDriftResult",
    "DriftResult",
    "KstestResult",
    "ReferenceProfile",
    "__version__",
    "jensenshannon",
    "js_distance",
    "ks_2samp",
    "psi",
    "wasserstein_distance",
]
