from typing import Optional

from . import _Detector, _Nonfinite

__all__ = ["DDM", "EDDM", "HDDM_A", "HDDM_W", "FHDDM", "EWMAChart", "STEPD", "RDDM"]

class DDM(_Detector):
    def __init__(self, warm_start: int = 30, warning_threshold: float = 2.0, drift_threshold: float = 3.0,
                 nonfinite: _Nonfinite = "raise") -> None: ...
    warm_start: int
    warning_threshold: float
    drift_threshold: float
    n: int
    p: float
    s: float
    p_min: Optional[float]
    s_min: Optional[float]
    ps_min: float

class EDDM(_Detector):
    def __init__(self, warm_start: int = 30, alpha: float = 0.95, beta: float = 0.9,
                 nonfinite: _Nonfinite = "raise") -> None: ...
    warm_start: int
    alpha: float
    beta: float
    n: int
    n_errors: int
    last_error: int
    mean_distance: float
    var_distance: float
    p2s_prime_max: float

class HDDM_A(_Detector):
    def __init__(self, drift_confidence: float = 0.001, warning_confidence: float = 0.005, two_sided_test: bool = False,
                 nonfinite: _Nonfinite = "raise") -> None: ...
    drift_confidence: float
    warning_confidence: float
    two_sided_test: bool
    n: int
    mean: float

class HDDM_W(_Detector):
    def __init__(self, drift_confidence: float = 0.001, warning_confidence: float = 0.005, lambda_val: float = 0.05,
                 two_sided_test: bool = False, nonfinite: _Nonfinite = "raise") -> None: ...
    drift_confidence: float
    warning_confidence: float
    lambda_val: float
    two_sided_test: bool
    ewma: float
    incr_cutpoint: float
    decr_cutpoint: float

class FHDDM(_Detector):
    def __init__(self, sliding_window_size: int = 100, confidence_level: float = 0.000001,
                 short_window_size: Optional[int] = None, nonfinite: _Nonfinite = "raise") -> None: ...
    sliding_window_size: int
    confidence_level: float
    short_window_size: Optional[int]
    n: int
    n_one: int
    u_max: float
    epsilon: float

class EWMAChart(_Detector):
    def __init__(self, min_instances: int = 30, lambd: float = 0.2, nonfinite: _Nonfinite = "raise") -> None: ...
    min_instances: int
    lambd: float
    n: int
    errors: int
    error_rate: float
    z: float

class STEPD(_Detector):
    def __init__(self, window_size: int = 30, alpha_drift: float = 0.003, alpha_warning: float = 0.05,
                 nonfinite: _Nonfinite = "raise") -> None: ...
    window_size: int
    alpha_drift: float
    alpha_warning: float

class RDDM(_Detector):
    def __init__(self, min_instances: int = 129, warning_threshold: float = 1.773, drift_threshold: float = 2.258,
                 max_size_concept: int = 40000, min_size_stable_concept: int = 7000, warn_limit: int = 1400,
                 nonfinite: _Nonfinite = "raise") -> None: ...
    min_instances: int
    warning_threshold: float
    drift_threshold: float
    max_size_concept: int
    min_size_stable_concept: int
    warn_limit: int

HDDMA = HDDM_A
HDDMW = HDDM_W
