#!/usr/bin/env python3
"""Generates the fixtures of tests/cpp/test_python_random.cpp and test_detect_kswin.cpp:

- python_random_fixtures.inc: CPython's random.Random outputs (getrandbits(32) across a
  state regeneration, random(), getrandbits(k), _randbelow(n), sample(range(n), k) in both
  of sample's branches) for seeds from 0 to beyond 2**64;
- kswin_fixtures.inc: river.drift.KSWIN's detections, final p_value and final window size
  on seeded streams under several settings (river untouched).

    .venv/bin/python tests/cpp/data/gen_kswin_fixtures.py
"""
import pathlib
import random
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from detector_fixture_util import bernoulli, cxx_doubles, cxx_ints, gaussian, header  # noqa: E402
from river import drift  # noqa: E402
import numpy as np  # noqa: E402

HERE = pathlib.Path(__file__).parent


def key_words(seed: int) -> list[int]:
    """|seed| as CPython's random_seed splits it: little-endian 32-bit words, at least one."""
    n = abs(seed)
    words = []
    while n:
        words.append(n & 0xFFFFFFFF)
        n >>= 32
    return words or [0]


# ---------------------------------------------------------------- python_random
def u32_list(values):
    return "{" + ", ".join(f"{v}u" for v in values) + "}"


def u64_list(values):
    return "{" + ", ".join(f"{v}ull" for v in values) + "}"


def braced(*items):
    return "{" + ", ".join(str(i) for i in items) + "}"


SEEDS = [0, 1, 42, 2**32 - 1, 2**32, 2**63, 2**64 - 1, -12345, 2**100 + 7]
RANDBITS_K = [1, 7, 31, 32, 33, 50, 64]
RANDBELOW_N = [1, 3, 70, 2**32 - 1, 2**32 + 1, 10**15 + 37, 2**64 - 1]
SAMPLES = [(70, 30), (20, 10), (5, 5), (21, 3), (22, 3), (95, 5), (277, 30), (278, 30), (970, 30), (2**40, 12)]

lines = [header("gen_kswin_fixtures.py", "python_random: {name, key, u32 x650, random x12, "
                "getrandbits {k, values x6}, randbelow {n, values x6}, sample {n, k, 3 samples flattened}}")]
lines[0] = lines[0].replace("with river", f"with CPython {sys.version.split()[0]}, river")
lines.append("const pr_case pr_cases[] = {")
for seed in SEEDS:
    r = random.Random(seed)
    u32 = [r.getrandbits(32) for _ in range(650)]
    r = random.Random(seed)
    rnd = [r.random() for _ in range(12)]
    bits = []
    for k in RANDBITS_K:
        r = random.Random(seed)
        bits.append((k, [r.getrandbits(k) for _ in range(6)]))
    below = []
    for n in RANDBELOW_N:
        r = random.Random(seed)
        below.append((n, [r._randbelow(n) for _ in range(6)]))
    samples = []
    for n, k in SAMPLES:
        r = random.Random(seed)
        flat = [i for _ in range(3) for i in r.sample(range(n), k)]
        samples.append((n, k, flat))
    lines.append(f'    {{"seed={seed}", {cxx_ints(key_words(seed))},\n'
                 f"     {u32_list(u32)},\n     {cxx_doubles(rnd)},\n"
                 f"     {{{', '.join(braced(k, u64_list(v)) for k, v in bits)}}},\n"
                 f"     {{{', '.join(braced(str(n) + 'ull', u64_list(v)) for n, v in below)}}},\n"
                 f"     {{{', '.join(braced(str(n) + 'ull', k, u64_list(v)) for n, k, v in samples)}}}}},")
lines.append("};\n")
(HERE / "python_random_fixtures.inc").write_text("\n".join(lines))

# ---------------------------------------------------------------- kswin
doc_rng = random.Random(12345)
docstring_stream = [float(v) for v in doc_rng.choices([0, 1], k=1000) + doc_rng.choices(range(4, 8), k=1000)]


def constant_runs(seed, n):
    rng = np.random.default_rng(seed)
    levels = rng.normal(0, 2, size=6)
    out = []
    while len(out) < n:
        out += [float(levels[int(rng.integers(0, 6))])] * int(rng.integers(1, 40))
    return np.asarray(out[:n])


CASES = [
    ("docstring", {"alpha": 0.0001, "seed": 42}, None, np.asarray(docstring_stream)),
    ("defaults_seed0_mean_shift", {"seed": 0}, None, gaussian(1, [(700, 0, 1), (800, 1.5, 1)])),
    ("small_windows_variance", {"window_size": 30, "stat_size": 10, "alpha": 0.05, "seed": 2**64 - 1}, None,
     gaussian(2, [(400, 0, 1), (400, 0, 3)])),
    ("set_branch_k5", {"window_size": 60, "stat_size": 5, "alpha": 0.05, "seed": 7}, None,
     gaussian(3, [(300, 0, 1), (300, 2, 1)])),
    ("set_branch_k30", {"window_size": 330, "stat_size": 30, "alpha": 0.01, "seed": 123}, None,
     gaussian(4, [(450, 0, 1), (450, -1, 1)])),
    ("initial_window_big_seed", {"window_size": 40, "stat_size": 12, "alpha": 0.02, "seed": 2**70 + 1},
     gaussian(5, [(50, 0, 1)]), bernoulli(6, [(200, 0.1), (200, 0.7)])),
    ("constant_runs_ties", {"seed": 5, "alpha": 0.01}, None, constant_runs(8, 900)),
    ("negative_seed", {"seed": -99, "window_size": 50, "stat_size": 20, "alpha": 0.001}, None,
     gaussian(9, [(300, 0, 1), (300, 1, 2)])),
]

lines = [header("gen_kswin_fixtures.py", "kswin: {name, alpha, window_size, stat_size, seed key words, "
                "initial window, x, drifts, final p_value, final n, final window size}")]
lines.append("const kswin_case kswin_cases[] = {")
for name, p, init, x in CASES:
    q = {"alpha": 0.005, "window_size": 100, "stat_size": 30, **p}
    d = drift.KSWIN(**q, window=None if init is None else init.tolist())
    drifts = []
    for i, v in enumerate(np.asarray(x, dtype=np.float64).tolist()):
        d.update(v)
        if d.drift_detected:
            drifts.append(i)
    init_list = [] if init is None else init.tolist()
    lines.append(f'    {{"{name}", {q["alpha"]!r}, {q["window_size"]}, {q["stat_size"]}, {cxx_ints(key_words(q["seed"]))},\n'
                 f"     {cxx_doubles(init_list)},\n     {cxx_doubles(x)},\n     {cxx_ints(drifts)}, "
                 f"{float(d.p_value)!r}, {d.n}, {len(d.window)}}},")
lines.append("};\n")
(HERE / "kswin_fixtures.inc").write_text("\n".join(lines))
