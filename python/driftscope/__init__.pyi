from . import _core as _core
from .stats import anderson_ksamp as anderson_ksamp
from .stats import Anderson_ksampResult as Anderson_ksampResult
from .stats import CategoricalDriftResult as CategoricalDriftResult
from .stats import chi2_contingency as chi2_contingency
from .stats import Chi2ContingencyResult as Chi2ContingencyResult
from .stats import cramers_v as cramers_v
from .stats import cramervonmises_2samp as cramervonmises_2samp
from .stats import CramerVonMisesResult as CramerVonMisesResult
from .stats import DriftResult as DriftResult
from .stats import energy_distance as energy_distance
from .stats import epps_singleton_2samp as epps_singleton_2samp
from .stats import Epps_Singleton_2sampResult as Epps_Singleton_2sampResult
from .stats import fisher_exact as fisher_exact
from .stats import hellinger as hellinger
from .stats import jensenshannon as jensenshannon
from .stats import js_distance as js_distance
from .stats import kl_divergence as kl_divergence
from .stats import ks_2samp as ks_2samp
from .stats import KstestResult as KstestResult
from .stats import linf_distance as linf_distance
from .stats import mannwhitneyu as mannwhitneyu
from .stats import MannwhitneyuResult as MannwhitneyuResult
from .stats import mmd as mmd
from .stats import MMDResult as MMDResult
from .stats import multipletests as multipletests
from .stats import normed_wasserstein as normed_wasserstein
from .stats import psi as psi
from .stats import ReferenceProfile as ReferenceProfile
from .stats import SignificanceResult as SignificanceResult
from .stats import total_variation as total_variation
from .stats import ttest_ind as ttest_ind
from .stats import TtestResult as TtestResult
from .stats import two_proportion_ztest as two_proportion_ztest
from .stats import wasserstein_distance as wasserstein_distance
from .stats import ZTestResult as ZTestResult
from .report import ColumnDrift as ColumnDrift
from .report import DriftReport as DriftReport
from .report import compare as compare
from .report import report_tests as report_tests

__version__: str

__all__ = [
    "__version__",
    "anderson_ksamp",
    "Anderson_ksampResult",
    "CategoricalDriftResult",
    "chi2_contingency",
    "Chi2ContingencyResult",
    "cramers_v",
    "cramervonmises_2samp",
    "CramerVonMisesResult",
    "DriftResult",
    "energy_distance",
    "epps_singleton_2samp",
    "Epps_Singleton_2sampResult",
    "fisher_exact",
    "hellinger",
    "jensenshannon",
    "js_distance",
    "kl_divergence",
    "ks_2samp",
    "KstestResult",
    "linf_distance",
    "mannwhitneyu",
    "MannwhitneyuResult",
    "mmd",
    "MMDResult",
    "multipletests",
    "normed_wasserstein",
    "psi",
    "ReferenceProfile",
    "SignificanceResult",
    "total_variation",
    "ttest_ind",
    "TtestResult",
    "two_proportion_ztest",
    "wasserstein_distance",
    "ZTestResult",
    "ColumnDrift",
    "DriftReport",
    "compare",
    "report_tests",
]
