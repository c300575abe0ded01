"""Helpers for the detector tests: seeded test streams and river reference runs.

Every parity test compares our detections with river's own detector run value by value
on the same stream (river is a test dependency); nothing expected comes from our code.
"""

from __future__ import annotations

import pickle

import numpy as np

# Stream kinds. Each generator takes a numpy Generator and a length; the mix covers what
# the issue names: Bernoulli error streams whose rate jumps or ramps, Gaussian streams
# with mean / variance shifts, heavy tails, constant runs.


def bernoulli_jump(rng, n):
    p0, p1 = rng.uniform(0.0, 0.5), rng.uniform(0.0, 1.0)
    at = int(rng.integers(1, n))
    p = np.where(np.arange(n) < at, p0, p1)
    return (rng.random(n) < p).astype(np.float64)


def bernoulli_ramp(rng, n):
    p0, p1 = rng.uniform(0.0, 0.4), rng.uniform(0.0, 1.0)
    a, b = sorted(int(v) for v in rng.integers(0, n, size=2))
    p = np.interp(np.arange(n), [a, b + 1], [p0, p1])
    return (rng.random(n) < p).astype(np.float64)


def bernoulli_constant_runs(rng, n):
    x = np.zeros(n)
    i = 0
    while i < n:
        run = int(rng.integers(1, max(2, n // 4)))
        x[i : i + run] = float(rng.integers(0, 2))
        i += run
    return x


def gaussian_mean_shift(rng, n):
    at = int(rng.integers(1, n))
    x = rng.normal(0.0, 1.0, n)
    x[at:] += rng.uniform(-3, 3)
    return x


def gaussian_variance_shift(rng, n):
    at = int(rng.integers(1, n))
    x = rng.normal(0.0, 1.0, n)
    x[at:] *= rng.uniform(0.2, 4)
    return x


def heavy_tail(rng, n):
    x = rng.standard_t(df=float(rng.uniform(1.0, 3.0)), size=n)
    at = int(rng.integers(1, n))
    x[at:] += rng.uniform(-2, 2)
    return x


def constant_runs(rng, n):
    levels = rng.normal(0, 2, size=8)
    x = np.empty(n)
    i = 0
    while i < n:
        run = int(rng.integers(1, max(2, n // 3)))
        x[i : i + run] = levels[int(rng.integers(0, len(levels)))]
        i += run
    return x


BINARY_KINDS = [bernoulli_jump, bernoulli_ramp, bernoulli_constant_runs]
REAL_KINDS = [gaussian_mean_shift, gaussian_variance_shift, heavy_tail, constant_runs] + BINARY_KINDS


def streams(kinds, count, seed, n_min=200, n_max=3000, float32=True):
    """`count` seeded (name, stream) pairs cycling through `kinds`; every fourth one is
    float32 when float32=True (the detectors widen float32 exactly to double, so the
    reference runs on the widened values)."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(count):
        kind = kinds[k % len(kinds)]
        n = int(rng.integers(n_min, n_max + 1))
        x = kind(rng, n)
        if float32 and k % 4 == 3:
            x = x.astype(np.float32)
        out.append((f"{kind.__name__}#{k}", x))
    return out


def river_run(detector, x):
    """river's loop: drift and warning positions (warning only where river has it)."""
    drifts, warnings = [], []
    has_warning = hasattr(detector, "warning_detected")
    for i, v in enumerate(np.asarray(x, dtype=np.float64).tolist()):
        detector.update(v)
        if detector.drift_detected:
            drifts.append(i)
        elif has_warning and detector.warning_detected:
            warnings.append(i)
    return drifts, warnings


def ours_loop(detector, x):
    """Our update(x) loop, read through the river-compatible flags."""
    drifts, warnings = [], []
    for i, v in enumerate(np.asarray(x, dtype=np.float64).tolist()):
        detector.update(v)
        if detector.drift_detected:
            drifts.append(i)
        elif detector.warning_detected:
            warnings.append(i)
    return drifts, warnings


def ours_many(detector, x):
    r = detector.update_many(x)
    assert r.drifts.dtype == np.int64 and r.warnings.dtype == np.int64
    return r.drifts.tolist(), r.warnings.tolist()


def split_restore_run(make, x, cuts, via="pickle"):
    """Runs update_many over x split at `cuts`, saving and restoring the detector at each
    cut (pickle or to_bytes); returns the positions in x, to compare with an unbroken run."""
    det = make()
    drifts, warnings = [], []
    bounds = [0, *sorted(cuts), len(x)]
    for a, b in zip(bounds[:-1], bounds[1:]):
        r = det.update_many(x[a:b])
        drifts += (r.drifts + a).tolist()
        warnings += (r.warnings + a).tolist()
        if via == "pickle":
            det = pickle.loads(pickle.dumps(det))
        else:
            det = type(det).from_bytes(det.to_bytes())
    return drifts, warnings
