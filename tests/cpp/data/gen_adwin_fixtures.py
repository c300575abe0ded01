#!/usr/bin/env python3
"""Generates tests/cpp/data/adwin_fixtures.inc: river.drift.ADWIN's detections and final
window state (width, total, variance, bit for bit) on seeded streams, for
tests/cpp/test_detect_adwin.cpp.

    .venv/bin/python tests/cpp/data/gen_adwin_fixtures.py
"""
import pathlib
import random
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from detector_fixture_util import bernoulli, cxx_doubles, cxx_ints, gaussian, header, run  # noqa: E402
from river import drift  # noqa: E402


def docstring_stream():
    rng = random.Random(12345)
    return np.asarray(rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000), dtype=np.float64)


def heavy(seed, n, shift_at, shift):
    rng = np.random.default_rng(seed)
    x = rng.standard_t(df=2.0, size=n)
    x[shift_at:] += shift
    return x


def runs(seed, n):
    rng = np.random.default_rng(seed)
    levels = rng.normal(0, 2, size=6)
    out = []
    while len(out) < n:
        out += [float(levels[rng.integers(0, 6)])] * int(rng.integers(1, 200))
    return np.asarray(out[:n])


CASES = [
    ("river_docstring", {}, docstring_stream()),
    ("defaults_mean_shifts", {}, gaussian(1, [(1000, 0, 1), (1000, 1.5, 1), (1000, 0, 1)])),
    ("small_delta_variance", {"delta": 1e-5}, gaussian(2, [(1200, 0, 1), (1200, 0, 6), (600, 3, 1)])),
    ("large_delta_clock1_bernoulli", {"delta": 0.1, "clock": 1}, bernoulli(3, [(800, 0.1), (800, 0.6), (400, 0.2)])),
    ("max_buckets2_mwl1_grace0", {"max_buckets": 2, "min_window_length": 1, "grace_period": 0},
     gaussian(4, [(700, 0, 1), (700, -1, 1), (700, 1, 2)])),
    ("max_buckets1", {"max_buckets": 1}, gaussian(5, [(600, 0, 1), (600, 2, 1)])),
    ("mwl10_grace100_heavy", {"min_window_length": 10, "grace_period": 100}, heavy(6, 2000, 1000, 2.0)),
    ("clock7_constant_runs", {"clock": 7, "delta": 0.01}, runs(7, 2000)),
]
DEFAULTS = {"delta": 0.002, "clock": 32, "max_buckets": 5, "min_window_length": 5, "grace_period": 10}

lines = [header("gen_adwin_fixtures.py",
                "{name, delta, clock, max_buckets, min_window_length, grace_period, x, drifts, width, total, variance}")]
lines.append("const adwin_case adwin_cases[] = {")
for name, p, x in CASES:
    q = {**DEFAULTS, **p}
    det = drift.ADWIN(**p)
    d, _ = run(det, x)
    assert d, name
    lines.append(f'    {{"{name}", {q["delta"]!r}, {q["clock"]}, {q["max_buckets"]}, {q["min_window_length"]}, '
                 f'{q["grace_period"]},\n     {cxx_doubles(x)},\n     {cxx_ints(d)},\n'
                 f"     {float(det.width)!r}, {float(det.total)!r}, {float(det.variance)!r}}},")
lines.append("};\n")
(pathlib.Path(__file__).parent / "adwin_fixtures.inc").write_text("\n".join(lines))
