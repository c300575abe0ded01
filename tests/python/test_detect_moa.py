"""The detectors from MOA that river lacks — CUSUM, GeometricMovingAverage, EWMAChart (ECDD),
STEPD, RDDM — against (a) frouros 0.9.0's detectors where frouros applies the same rule (with
the documented parameter mapping) and (b) a straightforward Python transcription of MOA's
Java source (moa.classifiers.core.driftdetection.*), written here from MOA, not from our C++.

Where frouros differs from MOA (see each header in include/driftscope/detect/), we follow MOA:
- CUSUM / GMA: frouros checks from n >= min_num_instances, MOA from n + 1 >= minNumInstances.
- ECDD: frouros evaluates nothing before n >= min_num_instances; MOA may warn at n = min - 1.
- STEPD: frouros's p-value is one-sided (norm.sf), MOA's two-sided: frouros(a/2, w/2) == MOA(a, w).
- RDDM: frouros's recomputation after a drift / restart differs; equal up to the first drift.
"""

from __future__ import annotations

import importlib
import math
import pickle
import warnings

import numpy as np
import pytest

from _detectors import BINARY_KINDS, REAL_KINDS, ours_loop, ours_many, split_restore_run, streams

try:
    from driftscope import drift
    from driftscope.drift import binary
except ImportError:  # tests/cpp/data/gen_moa_detector_fixtures.py imports only the transcriptions
    drift = binary = None


# --------------------------------------------------------------------------------------
# MOA, transcribed. Each class mirrors the Java fields and input(); isChangeDetected /
# isWarningZone are read after each input, as MOA's getChange() / getWarningZone().
# --------------------------------------------------------------------------------------


class MoaCusumDM:
    """CusumDM.java."""

    def __init__(self, min_instances=30, delta=0.005, threshold=50.0):
        self.minNumInstances, self.delta, self.lam = min_instances, delta, threshold
        self.isChangeDetected = self.isWarningZone = self.isInitialized = False

    def resetLearning(self):
        self.m_n, self.x_mean, self.sum = 1, 0.0, 0.0

    def input(self, x):
        if self.isChangeDetected or not self.isInitialized:
            self.resetLearning()
            self.isInitialized = True
        self.x_mean = self.x_mean + (x - self.x_mean) / float(self.m_n)
        self.sum = max(0.0, self.sum + x - self.x_mean - self.delta)
        self.m_n += 1
        self.isChangeDetected = self.isWarningZone = False
        if self.m_n < self.minNumInstances:
            return
        if self.sum > self.lam:
            self.isChangeDetected = True


class MoaGeometricMovingAverageDM:
    """GeometricMovingAverageDM.java."""

    def __init__(self, min_instances=30, threshold=1.0, alpha=0.99):
        self.minNumInstances, self.lam, self.alpha = min_instances, threshold, alpha
        self.isChangeDetected = self.isWarningZone = self.isInitialized = False

    def resetLearning(self):
        self.m_n, self.x_mean, self.sum = 1.0, 0.0, 0.0

    def input(self, x):
        if self.isChangeDetected or not self.isInitialized:
            self.resetLearning()
            self.isInitialized = True
        self.x_mean = self.x_mean + (x - self.x_mean) / self.m_n
        self.sum = self.alpha * self.sum + (1.0 - self.alpha) * (x - self.x_mean)
        self.m_n += 1
        self.isChangeDetected = self.isWarningZone = False
        if self.m_n < self.minNumInstances:
            return
        if self.sum > self.lam:
            self.isChangeDetected = True


class MoaEWMAChartDM:
    """EWMAChartDM.java (the ARL-400 control limit MOA uses)."""

    def __init__(self, min_instances=30, lambd=0.2):
        self.minNumInstances, self.lam = min_instances, lambd
        self.isChangeDetected = self.isWarningZone = self.isInitialized = False

    def resetLearning(self):
        self.m_n, self.m_sum, self.m_p, self.m_s, self.z_t = 1.0, 0.0, 0.0, 0.0, 0.0

    def input(self, prediction):
        if self.isChangeDetected or not self.isInitialized:
            self.resetLearning()
            self.isInitialized = True
        lam = self.lam
        self.m_sum += prediction
        self.m_p = self.m_sum / self.m_n
        self.m_s = math.sqrt(self.m_p * (1.0 - self.m_p) * lam * (1.0 - math.pow(1.0 - lam, 2.0 * self.m_n)) / (2.0 - lam))
        self.m_n += 1
        self.z_t += lam * (prediction - self.z_t)
        m_p = self.m_p
        L_t = 3.97 - 6.56 * m_p + 48.73 * math.pow(m_p, 3) - 330.13 * math.pow(m_p, 5) + 848.18 * math.pow(m_p, 7)
        self.isChangeDetected = self.isWarningZone = False
        if self.m_n < self.minNumInstances:
            return
        if self.m_n > self.minNumInstances and self.z_t > m_p + L_t * self.m_s:
            self.isChangeDetected = True
        elif self.z_t > m_p + 0.5 * L_t * self.m_s:
            self.isWarningZone = True


def weka_normal_probability(a):
    """weka.core.Statistics.normalProbability (its Cephes erf / erfc replaced by libm's)."""
    SQRTH = 7.07106781186547524401e-1
    x = a * SQRTH
    z = abs(x)
    if z < SQRTH:
        return 0.5 + 0.5 * math.erf(x)
    y = 0.5 * math.erfc(z)
    return 1.0 - y if x > 0 else y


class MoaSTEPD:
    """STEPD.java."""

    def __init__(self, window_size=30, alpha_drift=0.003, alpha_warning=0.05):
        self.windowSize, self.alphaDrift, self.alphaWarning = window_size, alpha_drift, alpha_warning
        self.isChangeDetected = self.isWarningZone = self.isInitialized = False

    def initialize(self):
        self.storedPredictions = [0] * self.windowSize
        self.resetLearning()

    def resetLearning(self):
        self.firstPos, self.lastPos = 0, -1
        self.wo = self.wr = 0.0
        self.no = self.nr = 0
        self.isChangeDetected = False

    def input(self, prediction):
        if not self.isInitialized:
            self.initialize()
            self.isInitialized = True
        elif self.isChangeDetected:
            self.resetLearning()
        W = self.windowSize
        if self.nr == W:
            self.wo = self.wo + self.storedPredictions[self.firstPos]
            self.no += 1
            self.wr = self.wr - self.storedPredictions[self.firstPos]
            self.firstPos += 1
            if self.firstPos == W:
                self.firstPos = 0
        else:
            self.nr += 1
        self.lastPos += 1
        if self.lastPos == W:
            self.lastPos = 0
        self.storedPredictions[self.lastPos] = int(prediction)
        self.wr += prediction
        self.isWarningZone = False
        if self.no >= W:
            ro = self.no - self.wo
            rr = self.nr - self.wr
            sizeInvertedSum = 1.0 / self.no + 1.0 / self.nr
            p = (ro + rr) / (self.no + self.nr)
            Z = abs(ro / self.no - rr / self.nr)
            Z = Z - sizeInvertedSum / 2.0
            denominator = math.sqrt(p * (1.0 - p) * sizeInvertedSum)
            if denominator == 0.0:  # Java: x / 0.0 = ±inf (x != 0 here: Z = -sizeInvertedSum / 2)
                Z = math.copysign(math.inf, Z)
            else:
                Z = Z / denominator
            Z = weka_normal_probability(abs(Z))
            Z = 2 * (1 - Z)
            if Z < self.alphaDrift:
                self.isChangeDetected = True
            elif Z < self.alphaWarning:
                self.isWarningZone = True


class MoaRDDM:
    """RDDM.java."""

    DOUBLE_MAX = 1.7976931348623157e308

    def __init__(self, min_instances=129, warning_threshold=1.773, drift_threshold=2.258, max_size_concept=40000,
                 min_size_stable_concept=7000, warn_limit=1400):
        self.minNumInstancesOption = min_instances
        self.warningLevelOption, self.driftLevelOption = warning_threshold, drift_threshold
        self.maxSizeConceptOption, self.minSizeStableConceptOption = max_size_concept, min_size_stable_concept
        self.warnLimitOption = warn_limit
        self.isChangeDetected = self.isWarningZone = self.isInitialized = False

    def initialize(self):
        self.minNumInstances = self.minNumInstancesOption
        self.warningLevel, self.driftLevel = self.warningLevelOption, self.driftLevelOption
        self.maxSizeConcept, self.minSizeStableConcept = self.maxSizeConceptOption, self.minSizeStableConceptOption
        self.warnLimit = self.warnLimitOption
        self.storedPredictions = [0] * self.minSizeStableConcept
        self.numStoredInstances, self.firstPos, self.lastPos = 0, 0, -1
        self.lastWarnPos = self.lastWarnInst = -1
        self.instNum = 0
        self.rddmDrift = False
        self.isChangeDetected = False
        self.resetLearning()
        self.m_pmin = self.m_smin = self.m_psmin = self.DOUBLE_MAX

    def resetLearning(self):
        self.m_n, self.m_p, self.m_s = 1, 1.0, 0.0
        if self.isChangeDetected:
            self.m_pmin = self.m_smin = self.m_psmin = self.DOUBLE_MAX

    def input(self, prediction):
        if not self.isInitialized:
            self.initialize()
            self.isInitialized = True
        size = self.minSizeStableConcept
        if self.rddmDrift:
            self.resetLearning()
            if self.lastWarnPos != -1:
                self.firstPos = self.lastWarnPos
                self.numStoredInstances = self.lastPos - self.firstPos + 1
                if self.numStoredInstances <= 0:
                    self.numStoredInstances += size
            pos = self.firstPos
            for _ in range(self.numStoredInstances):
                self.m_p = self.m_p + (self.storedPredictions[pos] - self.m_p) / self.m_n
                self.m_s = math.sqrt(self.m_p * (1 - self.m_p) / self.m_n)
                if self.isChangeDetected and self.m_n > self.minNumInstances and self.m_p + self.m_s < self.m_psmin:
                    self.m_pmin, self.m_smin, self.m_psmin = self.m_p, self.m_s, self.m_p + self.m_s
                self.m_n += 1
                pos = (pos + 1) % size
            self.lastWarnPos = self.lastWarnInst = -1
            self.rddmDrift = False
            self.isChangeDetected = False

        self.lastPos = (self.lastPos + 1) % size
        self.storedPredictions[self.lastPos] = int(prediction)
        if self.numStoredInstances < size:
            self.numStoredInstances += 1
        else:
            self.firstPos = (self.firstPos + 1) % size
            if self.lastWarnPos == self.lastPos:
                self.lastWarnPos = -1

        self.m_p = self.m_p + (prediction - self.m_p) / self.m_n
        self.m_s = math.sqrt(self.m_p * (1 - self.m_p) / self.m_n)
        self.instNum += 1
        self.m_n += 1
        self.isWarningZone = False
        if self.m_n <= self.minNumInstances:
            return
        if self.m_p + self.m_s < self.m_psmin:
            self.m_pmin, self.m_smin, self.m_psmin = self.m_p, self.m_s, self.m_p + self.m_s
        if self.m_p + self.m_s > self.m_pmin + self.driftLevel * self.m_smin:
            self.isChangeDetected = True
            self.rddmDrift = True
            if self.lastWarnInst == -1:
                self.firstPos = self.lastPos
                self.numStoredInstances = 1
            return
        if self.m_p + self.m_s > self.m_pmin + self.warningLevel * self.m_smin:
            if self.lastWarnInst != -1 and self.lastWarnInst + self.warnLimit <= self.instNum:
                self.isChangeDetected = True
                self.rddmDrift = True
                self.firstPos = self.lastPos
                self.numStoredInstances = 1
                self.lastWarnPos = self.lastWarnInst = -1
                return
            self.isWarningZone = True
            if self.lastWarnInst == -1:
                self.lastWarnInst = self.instNum
                self.lastWarnPos = self.lastPos
        else:
            self.lastWarnInst = self.lastWarnPos = -1
        if self.m_n > self.maxSizeConcept and not self.isWarningZone:
            self.rddmDrift = True


def moa_run(detector, x):
    """MOA's loop: input(x), then getChange() / getWarningZone()."""
    drifts, warns = [], []
    for i, v in enumerate(np.asarray(x, dtype=np.float64).tolist()):
        detector.input(v)
        if detector.isChangeDetected:
            drifts.append(i)
        elif detector.isWarningZone:
            warns.append(i)
    return drifts, warns


# --------------------------------------------------------------------------------------
# frouros, run the way our detectors run: reset at the update after a drift (frouros
# detectors never reset themselves), except RDDM, which recomputes itself.
# --------------------------------------------------------------------------------------


def frouros_run(detector, x, reset_after_drift=True, stop_at_first_drift=False):
    drifts, warns = [], []
    pending = False
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # frouros's STEPD divides by 0 on constant windows
        for i, v in enumerate(np.asarray(x, dtype=np.float64).tolist()):
            if pending and reset_after_drift:
                detector.reset()
            detector.update(value=v)
            status = detector.status
            pending = bool(status["drift"])
            if pending:
                drifts.append(i)
                if stop_at_first_drift:
                    break
            elif status.get("warning", getattr(detector, "warning", False)):  # STEPD: no "warning" in status
                warns.append(i)
    return drifts, warns


def _frouros():
    return importlib.import_module("frouros.detectors.concept_drift")


def _ids(p):
    return ",".join(f"{k}={v}" for k, v in p.items()) or "defaults"


def _scaled(x, factor):
    """Real-valued streams scaled so a threshold has something to find (float32 kept)."""
    return (x * factor).astype(x.dtype)


# --------------------------------------------------------------------------------------
# CUSUM
# --------------------------------------------------------------------------------------

CUSUM_PARAMS = [
    {},
    {"min_instances": 10, "delta": 0.01, "threshold": 5.0},
    {"min_instances": 2, "delta": 0.0, "threshold": 1.0},
    {"min_instances": 0, "delta": 0.1, "threshold": 20.0},
]


@pytest.mark.parametrize("params", CUSUM_PARAMS, ids=_ids)
def test_cusum_parity(params):
    fr = _frouros()
    q = {"min_instances": 30, "delta": 0.005, "threshold": 50.0, **params}
    seen_drift = 0
    for name, x in streams(REAL_KINDS, 60, seed=11 + len(params), n_max=2000):
        x = _scaled(x, 10.0)
        ours = ours_many(drift.CUSUM(**params), x)
        assert ours == moa_run(MoaCusumDM(**q), x), name
        cfg = fr.CUSUMConfig(delta=q["delta"], lambda_=q["threshold"], min_num_instances=max(1, q["min_instances"] - 1))
        assert ours == frouros_run(fr.CUSUM(config=cfg), x), name
        if name.endswith(("#0", "#3")):
            assert ours_loop(drift.CUSUM(**params), x) == ours, name
        seen_drift += bool(ours[0])
    assert seen_drift >= 20  # the streams exercise detection and reset


def test_cusum_frouros_docstring_example():
    fr = _frouros()
    rng = np.random.RandomState(31)
    stream = np.concatenate((rng.normal(0.2, 0.01, 1000), rng.normal(0.8, 0.04, 1000)))
    # frouros checks from n >= 30, MOA (and we) from n + 1 >= min_instances
    assert frouros_run(fr.CUSUM(), stream)[0][0] == 1086
    assert ours_many(drift.CUSUM(min_instances=31), stream)[0][0] == 1086
    assert ours_many(drift.CUSUM(), stream) == moa_run(MoaCusumDM(), stream)


# --------------------------------------------------------------------------------------
# GeometricMovingAverage
# --------------------------------------------------------------------------------------

GMA_PARAMS = [
    {},
    {"min_instances": 10, "threshold": 0.05, "alpha": 0.9},
    {"min_instances": 1, "threshold": 0.0, "alpha": 0.5},
    {"min_instances": 50, "threshold": 0.1, "alpha": 0.999},
]


@pytest.mark.parametrize("params", GMA_PARAMS, ids=_ids)
def test_geometric_moving_average_parity(params):
    fr = _frouros()
    q = {"min_instances": 30, "threshold": 1.0, "alpha": 0.99, **params}
    seen_drift = 0
    for name, x in streams(REAL_KINDS, 60, seed=21 + len(params), n_max=2000):
        x = _scaled(x, 30.0) if not params else x
        ours = ours_many(drift.GeometricMovingAverage(**params), x)
        assert ours == moa_run(MoaGeometricMovingAverageDM(**q), x), name
        cfg = fr.GeometricMovingAverageConfig(alpha=q["alpha"], lambda_=q["threshold"],
                                              min_num_instances=max(1, q["min_instances"] - 1))
        assert ours == frouros_run(fr.GeometricMovingAverage(config=cfg), x), name
        if name.endswith(("#0", "#3")):
            assert ours_loop(drift.GeometricMovingAverage(**params), x) == ours, name
        seen_drift += bool(ours[0])
    assert seen_drift >= 10


def test_geometric_moving_average_frouros_docstring_example():
    fr = _frouros()
    rng = np.random.RandomState(31)
    stream = np.concatenate((rng.normal(0.2, 0.01, 1000), rng.normal(0.8, 0.04, 1000)))
    cfg = fr.GeometricMovingAverageConfig(lambda_=0.3)
    assert frouros_run(fr.GeometricMovingAverage(config=cfg), stream)[0][0] == 1071
    assert ours_many(drift.GeometricMovingAverage(threshold=0.3, min_instances=31), stream)[0][0] == 1071


# --------------------------------------------------------------------------------------
# EWMAChart (ECDD)
# --------------------------------------------------------------------------------------

ECDD_PARAMS = [
    {},
    {"min_instances": 10, "lambd": 0.1},
    {"min_instances": 2, "lambd": 0.5},
    {"min_instances": 50, "lambd": 1.0},
]


def _drop_moa_only_warnings(warns, drifts, min_instances, n):
    """MOA may warn at the (min_instances - 1)-th value after each (re)start; frouros can't."""
    if min_instances < 2:
        return warns
    starts = [0] + [d + 1 for d in drifts]
    early = {s + min_instances - 2 for s in starts if s + min_instances - 2 < n}
    return [w for w in warns if w not in early]


@pytest.mark.parametrize("params", ECDD_PARAMS, ids=_ids)
def test_ewma_chart_parity(params):
    fr = _frouros()
    q = {"min_instances": 30, "lambd": 0.2, **params}
    seen = [0, 0]
    for name, x in streams(BINARY_KINDS, 70, seed=31 + len(params), n_max=2000):
        ours = ours_many(binary.EWMAChart(**params), x)
        assert ours == moa_run(MoaEWMAChartDM(**q), x), name
        cfg = fr.ECDDWTConfig(lambda_=q["lambd"], average_run_length=400, warning_level=0.5,
                              min_num_instances=max(1, q["min_instances"]))
        f_drifts, f_warns = frouros_run(fr.ECDDWT(config=cfg), x)
        assert ours[0] == f_drifts, name
        assert _drop_moa_only_warnings(ours[1], ours[0], q["min_instances"], len(x)) == f_warns, name
        if name.endswith(("#0", "#3")):
            assert ours_loop(binary.EWMAChart(**params), x) == ours, name
        seen[0] += bool(ours[0])
        seen[1] += bool(ours[1])
    assert min(seen) >= 10


# --------------------------------------------------------------------------------------
# STEPD
# --------------------------------------------------------------------------------------

STEPD_PARAMS = [
    {},
    {"window_size": 10, "alpha_drift": 0.01, "alpha_warning": 0.1},
    {"window_size": 50, "alpha_drift": 0.0001, "alpha_warning": 0.01},
    {"window_size": 1, "alpha_drift": 0.05, "alpha_warning": 0.2},
]


@pytest.mark.parametrize("params", STEPD_PARAMS, ids=_ids)
def test_stepd_parity(params):
    fr = _frouros()
    q = {"window_size": 30, "alpha_drift": 0.003, "alpha_warning": 0.05, **params}
    seen = [0, 0]
    for name, x in streams(BINARY_KINDS, 50, seed=41 + len(params), n_max=1500):
        ours = ours_many(binary.STEPD(**params), x)
        assert ours == moa_run(MoaSTEPD(**q), x), name
        # frouros's p-value is one-sided: halve both levels
        cfg = fr.STEPDConfig(alpha_d=q["alpha_drift"] / 2, alpha_w=q["alpha_warning"] / 2,
                             min_num_instances=q["window_size"])
        assert ours == frouros_run(fr.STEPD(config=cfg), x), name
        if name.endswith(("#0", "#3")):
            assert ours_loop(binary.STEPD(**params), x) == ours, name
        seen[0] += bool(ours[0])
        seen[1] += bool(ours[1])
    assert min(seen) >= 10


def test_stepd_frouros_docstring_example():
    fr = _frouros()
    rng = np.random.RandomState(31)
    stream = np.concatenate((rng.binomial(1, 0.8, 1000), rng.binomial(1, 0.5, 1000))).astype(np.float64)
    cfg = fr.STEPDConfig(alpha_d=0.001, alpha_w=0.005)
    d, w = frouros_run(fr.STEPD(config=cfg), stream)
    assert d[0] == 1024 and [v for v in w if v < 1024] == [640, 641, 1023]
    ours = ours_many(binary.STEPD(alpha_drift=0.002, alpha_warning=0.01), stream)
    assert ours == (d, w)


def test_stepd_constant_windows_signal_drift_as_moa():
    # p = 0 or 1 over both windows gives T = -inf, p-value 0: MOA (and frouros) signal drift
    x = np.zeros(200)
    ours = ours_many(binary.STEPD(window_size=30), x)
    assert ours == moa_run(MoaSTEPD(window_size=30), x)
    assert ours[0] == [59, 119, 179]


# --------------------------------------------------------------------------------------
# RDDM
# --------------------------------------------------------------------------------------

RDDM_PARAMS = [
    {},
    {"min_instances": 30, "max_size_concept": 600, "min_size_stable_concept": 150, "warn_limit": 40},
    {"min_instances": 20, "warning_threshold": 1.2, "drift_threshold": 1.8, "max_size_concept": 300,
     "min_size_stable_concept": 250, "warn_limit": 10},
    {"min_instances": 5, "warning_threshold": 1.0, "drift_threshold": 3.0, "max_size_concept": 120,
     "min_size_stable_concept": 30, "warn_limit": 100},
    {"min_instances": 0, "max_size_concept": 1, "min_size_stable_concept": 1, "warn_limit": 1},
]


@pytest.mark.parametrize("params", RDDM_PARAMS, ids=_ids)
def test_rddm_parity_with_moa(params):
    q = {"min_instances": 129, "warning_threshold": 1.773, "drift_threshold": 2.258, "max_size_concept": 40000,
         "min_size_stable_concept": 7000, "warn_limit": 1400, **params}
    seen = [0, 0]
    for name, x in streams(BINARY_KINDS, 60, seed=51 + len(params)):
        ours = ours_many(binary.RDDM(**params), x)
        assert ours == moa_run(MoaRDDM(**q), x), name
        if name.endswith(("#0", "#3")):
            assert ours_loop(binary.RDDM(**params), x) == ours, name
        seen[0] += len(ours[0]) > 1
        seen[1] += bool(ours[1])
    assert seen[0] >= 5  # replays after drifts happen
    assert seen[1] >= 5 or q["min_size_stable_concept"] == 1  # warnings too (none when 1 value is kept)


@pytest.mark.parametrize("params", RDDM_PARAMS[:4], ids=_ids)
def test_rddm_matches_frouros_up_to_the_first_drift(params):
    fr = _frouros()
    q = {"min_instances": 129, "warning_threshold": 1.773, "drift_threshold": 2.258, "min_size_stable_concept": 7000,
         "warn_limit": 1400, **params}
    compared = 0
    for name, x in streams(BINARY_KINDS, 40, seed=61 + len(params)):
        p = {**params, "max_size_concept": len(x) + 10}  # no restart before the first drift
        d, w = ours_many(binary.RDDM(**p), x)
        cfg = fr.RDDMConfig(warning_level=q["warning_threshold"], drift_level=q["drift_threshold"],
                            max_concept_size=len(x) + 10, min_concept_size=q["min_size_stable_concept"],
                            max_num_instances_warning=q["warn_limit"], min_num_instances=max(1, q["min_instances"]))
        fd, fw = frouros_run(fr.RDDM(config=cfg), x, reset_after_drift=False, stop_at_first_drift=True)
        end = d[0] if d else len(x)
        assert fd == d[:1], name
        assert fw == [v for v in w if v < end], name
        compared += bool(d)
    assert compared >= 10


def test_rddm_frouros_docstring_example():
    fr = _frouros()
    rng = np.random.RandomState(31)
    stream = np.concatenate((rng.binomial(1, 0.6, 1000), rng.binomial(1, 0.8, 1000))).astype(np.float64)
    fd, fw = frouros_run(fr.RDDM(), stream, reset_after_drift=False, stop_at_first_drift=True)
    assert fd == [1066] and fw[0] == 1036
    d, w = ours_many(binary.RDDM(), stream)
    assert d[0] == 1066 and w[0] == 1036
    assert (d, w) == moa_run(MoaRDDM(), stream)


# --------------------------------------------------------------------------------------
# Shared behaviour: save / restore, state, reprs, errors
# --------------------------------------------------------------------------------------

MAKERS = {
    "CUSUM": (lambda: drift.CUSUM(min_instances=10, threshold=5.0), REAL_KINDS, 10.0),
    "GeometricMovingAverage": (lambda: drift.GeometricMovingAverage(min_instances=10, threshold=0.05, alpha=0.9),
                               REAL_KINDS, 1.0),
    "EWMAChart": (lambda: binary.EWMAChart(min_instances=10), BINARY_KINDS, 1.0),
    "STEPD": (lambda: binary.STEPD(window_size=10, alpha_drift=0.01, alpha_warning=0.1), BINARY_KINDS, 1.0),
    "RDDM": (lambda: binary.RDDM(min_instances=20, max_size_concept=300, min_size_stable_concept=120, warn_limit=15),
             BINARY_KINDS, 1.0),
}


@pytest.mark.parametrize("which", list(MAKERS))
def test_split_restore_continues_exactly(which):
    make, kinds, factor = MAKERS[which]
    rng = np.random.default_rng(7)
    for _, x in streams(kinds, 16, seed=5):
        x = _scaled(x, factor)
        whole = ours_many(make(), x)
        cuts = rng.integers(0, len(x), size=4).tolist()
        for via in ("pickle", "bytes"):
            assert split_restore_run(make, x, cuts, via) == whole
        # restoring and re-serializing gives the same bytes
        d = make()
        d.update_many(x[: len(x) // 2])
        assert type(d).from_bytes(d.to_bytes()).to_bytes() == d.to_bytes()


def test_reprs_and_defaults():
    assert repr(drift.CUSUM()) == "CUSUM(min_instances=30, delta=0.005, threshold=50.0)"
    assert repr(drift.GeometricMovingAverage()) == "GeometricMovingAverage(min_instances=30, threshold=1.0, alpha=0.99)"
    assert repr(binary.EWMAChart()) == "EWMAChart(min_instances=30, lambd=0.2)"
    assert repr(binary.STEPD()) == "STEPD(window_size=30, alpha_drift=0.003, alpha_warning=0.05)"
    assert repr(binary.RDDM()) == ("RDDM(min_instances=129, warning_threshold=1.773, drift_threshold=2.258, "
                                   "max_size_concept=40000, min_size_stable_concept=7000, warn_limit=1400)")


def test_state_and_reset():
    c = drift.CUSUM(min_instances=3, delta=0.0)
    c.update_many(np.array([1.0, 2.0, 3.0]))
    assert c.n == 3 and c.mean == 2.0 and c.sum == 1.5 and c.warning_detected is False
    c.reset()
    assert c.n == 0 and c.sum == 0.0 and not c.drift_detected
    g = drift.GeometricMovingAverage(alpha=0.5)
    g.update_many(np.array([0.0, 2.0]))
    assert g.n == 2 and g.mean == 1.0 and g.sum == 0.5
    e = binary.EWMAChart(lambd=0.5)
    e.update_many(np.array([1.0, 0.0, 1.0, 1.0]))
    assert (e.n, e.errors, e.error_rate, e.z) == (4, 3, 0.75, 0.8125)
    s = binary.STEPD(window_size=2)
    s.update_many(np.array([1.0, 0.0, 1.0, 1.0, 0.0]))
    assert (s.n_older, s.errors_older, s.n_recent, s.errors_recent) == (3, 2, 2, 1)
    r = binary.RDDM()
    r.update_many(np.array([1.0, 0.0, 0.0, 1.0]))
    assert r.n == 4 and r.error_rate == 0.5 and r.stored == 4 and r.min_error_rate > 1e300
    r.reset()
    assert r.n == 0 and r.stored == 0
    assert pickle.loads(pickle.dumps(r)).warn_limit == 1400
    assert binary.STEPD(window_size=7).clone().window_size == 7


@pytest.mark.parametrize(
    "factory, kwargs, match",
    [
        ("CUSUM", {"min_instances": -1}, "min_instances"),
        ("CUSUM", {"delta": -0.1}, "delta"),
        ("CUSUM", {"threshold": -1.0}, "threshold"),
        ("CUSUM", {"threshold": float("inf")}, "threshold"),
        ("CUSUM", {"min_instances": 2**70}, "min_instances"),
        ("CUSUM", {"min_instances": 1.5}, "min_instances"),
        ("GeometricMovingAverage", {"alpha": 1.5}, "alpha"),
        ("GeometricMovingAverage", {"threshold": -1.0}, "threshold"),
        ("GeometricMovingAverage", {"min_instances": -3}, "min_instances"),
        ("EWMAChart", {"lambd": 0.0}, "lambd"),
        ("EWMAChart", {"lambd": 1.5}, "lambd"),
        ("EWMAChart", {"min_instances": -1}, "min_instances"),
        ("STEPD", {"window_size": 0}, "window_size"),
        ("STEPD", {"alpha_drift": 0.0}, "alpha_drift"),
        ("STEPD", {"alpha_warning": 1.0}, "alpha_warning"),
        ("RDDM", {"min_instances": -1}, "min_instances"),
        ("RDDM", {"warning_threshold": 0.0}, "warning_threshold"),
        ("RDDM", {"drift_threshold": float("nan")}, "drift_threshold"),
        ("RDDM", {"max_size_concept": 0}, "max_size_concept"),
        ("RDDM", {"min_size_stable_concept": 0}, "min_size_stable_concept"),
        ("RDDM", {"warn_limit": 0}, "warn_limit"),
        ("RDDM", {"nonfinite": "ignore"}, "nonfinite"),
    ],
)
def test_bad_parameters(factory, kwargs, match):
    cls = getattr(drift, factory, None) or getattr(binary, factory)
    with pytest.raises(ValueError, match=match):
        cls(**kwargs)


@pytest.mark.parametrize("which", ["EWMAChart", "STEPD", "RDDM"])
def test_binary_input_only(which):
    d = getattr(binary, which)()
    with pytest.raises(ValueError, match="0 or 1"):
        d.update(0.5)
    with pytest.raises(ValueError, match="0 or 1"):
        d.update_many(np.array([0.0, 1.0, 2.0]))
    d.update(True)
    d.update_many(np.array([0, 1, 1], dtype=np.float32))


@pytest.mark.parametrize("which", list(MAKERS))
def test_nonfinite_policy(which):
    make, kinds, _ = MAKERS[which]
    d = make()
    with pytest.raises(ValueError, match="finite"):
        d.update(float("nan"))
    with pytest.raises(ValueError, match=r"x\[1\]"):
        d.update_many(np.array([1.0, np.inf]))
    cls = type(d)
    _, x = streams(kinds, 1, seed=3, n_min=400, n_max=400)[0]
    plain = ours_many(make(), x)
    skip = cls(**_params_of(make()), nonfinite="skip")
    with_nan = np.insert(np.asarray(x, dtype=np.float64), [10, 200, 200], np.nan)
    got = ours_many(skip, with_nan)
    kept = np.flatnonzero(~np.isnan(with_nan))
    assert got == (kept[plain[0]].tolist(), kept[plain[1]].tolist())


def _params_of(d):
    names = {
        "CUSUM": ["min_instances", "delta", "threshold"],
        "GeometricMovingAverage": ["min_instances", "threshold", "alpha"],
        "EWMAChart": ["min_instances", "lambd"],
        "STEPD": ["window_size", "alpha_drift", "alpha_warning"],
        "RDDM": ["min_instances", "warning_threshold", "drift_threshold", "max_size_concept", "min_size_stable_concept",
                 "warn_limit"],
    }[type(d).__name__]
    return {k: getattr(d, k) for k in names}


@pytest.mark.parametrize("which", list(MAKERS))
def test_corrupt_bytes(which):
    make, kinds, _ = MAKERS[which]
    d = make()
    d.update_many(streams(kinds, 1, seed=9, n_min=300, n_max=300)[0][1])
    b = d.to_bytes()
    cls = type(d)
    with pytest.raises(ValueError, match="magic"):
        cls.from_bytes(b"XXXX" + b[4:])
    with pytest.raises(ValueError, match="kind"):
        cls.from_bytes(b[:4] + bytes([3]) + b[5:])
    with pytest.raises(ValueError, match="truncated"):
        cls.from_bytes(b[:-1])
    with pytest.raises(ValueError, match="trailing"):
        cls.from_bytes(b + b"\0")
    with pytest.raises(ValueError, match="min_instances|window_size"):
        cls.from_bytes(b[:8] + (-5).to_bytes(8, "little", signed=True) + b[16:])
