#!/usr/bin/env python3
"""Writes the golden byte files of the sketch formats (tests/cpp/data/sketch/*.bin).

The bytes are produced here, independently of the C++ code: numpy bins the histogram,
a plain-Python Welford loop gives the moments, and a plain-Python re-statement of the
KLL algorithm documented in include/driftscope/sketch/kll_sketch.hpp (splitmix64 coin,
capacities round(k (2/3)^depth) >= 8, lazy compaction of the lowest full level) gives
the sketch. tests/cpp/test_sketch.cpp rebuilds each object in C++ from the same inputs
and requires serialize() to equal these files byte for byte, and deserialize() of the
files to re-encode to the same bytes.

Format version 1. Never regenerate a file of a version that has shipped (see
golden/README.md); add new files for a new version instead.

Inputs (only exactly rounded IEEE operations, identical in C++ and Python):
    x_i = ((i * 7919) mod 1009) / 100.0 - 5.0,  i = 0 .. n-1
    with NaN where i mod 37 == 5 when the case says "nan"; float cases round to float32.

Run:  python3 tests/cpp/data/gen_sketch_golden.py
"""

from __future__ import annotations

import math
import os
import struct

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sketch")
M64 = (1 << 64) - 1


def sample(n: int, with_nan: bool, float32: bool = False) -> list[float]:
    xs = []
    for i in range(n):
        v = ((i * 7919) % 1009) / 100.0 - 5.0
        if with_nan and i % 37 == 5:
            v = float("nan")
        if float32:
            v = float(np.float32(v))
        xs.append(v)
    return xs


# --- histogram_sketch -----------------------------------------------------------------
def histogram_bytes(edges: list[float], xs: list[float]) -> bytes:
    a = np.asarray(xs, dtype=np.float64)
    ok = a[~np.isnan(a)]
    bins = np.searchsorted(np.asarray(edges, dtype=np.float64), ok, side="right")
    counts = np.bincount(bins, minlength=len(edges) + 1)
    out = b"DSHS" + bytes([20, 1, 0, 0])
    out += struct.pack("<QQQ", len(edges), len(ok), len(a) - len(ok))
    out += struct.pack(f"<{len(edges)}d", *edges)
    out += struct.pack(f"<{len(counts)}Q", *[int(c) for c in counts])
    return out


# --- moments (Welford, one value at a time) -------------------------------------------
def moments_bytes(xs: list[float]) -> bytes:
    count = missing = 0
    mean = m2 = 0.0
    lo = hi = float("nan")
    for v in xs:
        if math.isnan(v):
            missing += 1
            continue
        count += 1
        delta = v - mean
        mean += delta / count
        m2 += delta * (v - mean)
        lo = v if count == 1 else min(lo, v)
        hi = v if count == 1 else max(hi, v)
    if count == 0:
        mean, m2 = 0.0, 0.0
    return b"DSMO" + bytes([21, 1, 0, 0]) + struct.pack("<QQdddd", count, missing, mean, m2, lo, hi)


# --- kll_sketch -------------------------------------------------------------------------
def splitmix64(state: int) -> tuple[int, int]:
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


def level_capacity(k: int, depth: int) -> int:
    if depth > 30:
        return 8
    twice = ((2 * k) << depth) // (3**depth)
    return max(8, (twice + 1) >> 1)


class PyKLL:
    def __init__(self, k: int, seed: int, float32: bool):
        self.k, self.state, self.float32 = k, seed, float32
        self.levels: list[list[float]] = [[]]
        self.n = self.missing = 0
        self.lo = self.hi = float("nan")

    def capacity(self) -> int:
        L = len(self.levels)
        return sum(level_capacity(self.k, L - 1 - h) for h in range(L))

    def compress_one(self) -> None:
        L = len(self.levels)
        h = 0
        while h < L and len(self.levels[h]) < level_capacity(self.k, L - 1 - h):
            h += 1
        if h + 1 == len(self.levels):
            self.levels.append([])
        lv = self.levels[h]
        if h == 0:
            lv.sort()
        odd = len(lv) & 1
        self.state, r = splitmix64(self.state)
        offset = r & 1
        up = lv[odd + offset :: 2]
        self.levels[h] = lv[:odd]
        self.levels[h + 1] = sorted(self.levels[h + 1] + up)

    def update(self, v: float) -> None:
        if math.isnan(v):
            self.missing += 1
            return
        if sum(len(l) for l in self.levels) >= self.capacity():
            self.compress_one()
        self.levels[0].append(v)
        self.lo = v if self.n == 0 else min(self.lo, v)
        self.hi = v if self.n == 0 else max(self.hi, v)
        self.n += 1

    def to_bytes(self) -> bytes:
        f32 = self.float32
        out = b"DSKL" + bytes([22, 1, 0 if f32 else 1, 4 if f32 else 8])
        out += struct.pack("<HBB", self.k, 8, len(self.levels)) + bytes(4)
        out += struct.pack("<QQQdd", self.n, self.missing, self.state, self.lo, self.hi)
        out += b"".join(struct.pack("<I", len(l)) for l in self.levels)
        code = "f" if f32 else "d"
        for l in self.levels:
            out += struct.pack(f"<{len(l)}{code}", *l)
        return out


def kll_bytes(k: int, seed: int, xs: list[float], float32: bool = False) -> bytes:
    s = PyKLL(k, seed, float32)
    for v in xs:
        s.update(v)
    return s.to_bytes()


CASES = {
    "histogram_v1_basic.bin": lambda: histogram_bytes([-2.5, 0.0, 0.01, 1.75, 4.0], sample(500, True)),
    "histogram_v1_noedges.bin": lambda: histogram_bytes([], sample(40, True)),
    "moments_v1_basic.bin": lambda: moments_bytes(sample(500, True)),
    "moments_v1_empty.bin": lambda: moments_bytes([]),
    "kll_v1_double_k8_n300.bin": lambda: kll_bytes(8, 12345, sample(300, True)),
    "kll_v1_double_k200_n50.bin": lambda: kll_bytes(200, 7, sample(50, False)),
    "kll_v1_float_k16_n2000.bin": lambda: kll_bytes(16, 99, sample(2000, True, True), True),
    "kll_v1_double_empty.bin": lambda: kll_bytes(200, 1, sample(10, False)[:0]),
}


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    for name, make in CASES.items():
        data = make()
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
