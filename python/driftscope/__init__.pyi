from . import _core as _core
from .stats import CategoricalDriftResult as CategoricalDriftResult
from .stats import DriftResult as DriftResult
from .stats import KstestResult as KstestResult
from .stats import ReferenceProfile as ReferenceProfile
from .stats import jensenshannon as jensenshannon
from .stats import js_distance as js_distance
from .stats import ks_2samp as ks_2samp
from .stats import psi as psi
from .stats import Chi2ContingencyResult as Chi2ContingencyResult
from .stats import CramerVonMisesResult as CramerVonMisesResult
from .stats import MannwhitneyuResult as MannwhitneyuResult
from .stats import SignificanceResult as SignificanceResult
from .stats import TtestResult as TtestResult
from .stats import ZTestResult as ZTestResult
from .stats import chi2_contingency as chi2_contingency
from .stats import cramers_v as cramers_v
from .stats import cramervonmises_2samp as cramervonmises_2samp
from .stats import energy_distance as energy_distance
from .stats import fisher_exact as fisher_exact
from .stats import mannwhitneyu as mannwhitneyu
from .stats import multipletests as multipletests
from .stats import ttest_ind as ttest_ind
from .stats import two_proportion_ztest as two_proportion_ztest
from .stats import wasserstein_distance as wasserstein_distance

__version__: str

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
