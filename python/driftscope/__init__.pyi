from . import _core as _core
from .stats import CategoricalDriftResult as CategoricalDriftResult
from .stats import DriftResult as DriftResult
from .stats import KstestResult as KstestResult
from .stats import ReferenceProfile as ReferenceProfile
from .stats import jensenshannon as jensenshannon
from .stats import js_distance as js_distance
from .stats import ks_2samp as ks_2samp
from .stats import psi as psi
from .stats import wasserstein_distance as wasserstein_distance

__version__: str

__all__ = [
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
