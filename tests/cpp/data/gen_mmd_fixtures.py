#!/usr/bin/env python3
"""Generates tests/cpp/data/mmd_fixtures.inc: reference values for tests/cpp/test_mmd.cpp.

The reference is a plain numpy implementation of the formulas documented in
include/driftscope/stats/mmd.hpp, written independently of our C++ code (direct pairwise
differences, no Gram-matrix trick, no scaling):
  - Gaussian kernel exp(-||a-b||^2 / (2 sigma^2));
  - median heuristic: sigma = sqrt(lower median of squared distances over pairs of the
    strided subsample of x / 2), fallback to the positive distances of the pooled
    subsample, then sigma = 1 (alibi-detect 0.13 sigma_median for the main case);
  - exact: unbiased MMD^2 of Gretton et al. 2012 eq. 3 (alibi-detect's
    mmd2_from_kernel_matrix), permutation p-value (1 + #{perm >= obs - tol}) / (1 + B),
    tol = 1e-14 (A + B + 2C) as documented in mmd.hpp,
    with the documented generator (splitmix64-seeded xoshiro256**, rejection-bounded
    draws, partial Fisher-Yates of one index buffer), reimplemented here in Python ints;
  - linear: Gretton Lemma 14, one-sided normal p-value (scipy.stats.norm.sf);
  - block: Zaremba et al. 2013 B-test blocks, one-sided normal p-value.

Cases with huge / tiny / subnormal data are the same small data times 2**k (exact): the
expected statistic and p-value are those of the small data and sigma scales by 2**k.

Run from anywhere (numpy 2.x, scipy 1.17):
    python3 tests/cpp/data/gen_mmd_fixtures.py
"""
import math
import pathlib

import numpy as np
import scipy
from scipy import stats

OUT = pathlib.Path(__file__).with_name("mmd_fixtures.inc")
ESTIMATORS = {"auto": 0, "exact": 1, "linear": 2, "block": 3}
MASK = (1 << 64) - 1


# ------------------------------------------------------------------ reference formulas


def sqdist(a, b):
    """Squared distances between the rows of a and b, by direct differences."""
    diff = a[:, None, :] - b[None, :, :]
    return np.sum(diff * diff, axis=2)


def kernel(a, b, sigma):
    return np.exp(-sqdist(a, b) / (2.0 * sigma * sigma))


def strided(rows, take):
    k = min(rows, take)
    return [(i * rows) // k for i in range(k)]


def lower_median(v):
    v = np.sort(np.asarray(v, dtype=np.float64))
    return v[(v.size - 1) // 2]


def median_sigma(x, y, median_max_n):
    xs = x[strided(x.shape[0], median_max_n)]
    iu = np.triu_indices(xs.shape[0], k=1)
    med = lower_median(sqdist(xs, xs)[iu])
    if med > 0:
        return math.sqrt(0.5 * med)
    pooled = np.concatenate([xs, y[strided(y.shape[0], median_max_n)]])
    iu = np.triu_indices(pooled.shape[0], k=1)
    dist = sqdist(pooled, pooled)[iu]
    dist = dist[dist > 0]
    if dist.size == 0:
        return 1.0
    return math.sqrt(0.5 * lower_median(dist))


def mmd2_terms(kxx, kyy, kxy):
    """The three kernel averages A, B, C of eq. 3 (MMD^2 = A + B - 2C)."""
    n, m = kxx.shape[0], kyy.shape[0]
    sxx = kxx.sum() - np.trace(kxx)
    syy = kyy.sum() - np.trace(kyy)
    return sxx / (n * (n - 1)), syy / (m * (m - 1)), kxy.sum() / (n * m)


def mmd2_u(kxx, kyy, kxy):
    a, b, c = mmd2_terms(kxx, kyy, kxy)
    return a + b - 2.0 * c


class Rng:
    """splitmix64-seeded xoshiro256** 1.0 with rejection-bounded draws."""

    def __init__(self, seed):
        sm = seed & MASK
        self.s = []
        for _ in range(4):
            sm = (sm + 0x9E3779B97F4A7C15) & MASK
            z = sm
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            self.s.append(z ^ (z >> 31))

    @staticmethod
    def rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & MASK

    def next(self):
        s = self.s
        result = (self.rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self.rotl(s[3], 45)
        return result

    def bounded(self, bound):
        threshold = ((1 << 64) - bound) % bound
        while True:
            r = self.next()
            if r >= threshold:
                return r % bound


def exact_test(x, y, sigma, n_permutations, seed):
    n, m = x.shape[0], y.shape[0]
    z = np.concatenate([x, y])
    k = kernel(z, z, sigma)
    a, b, c = mmd2_terms(k[:n, :n], k[n:, n:], k[:n, n:])
    stat = a + b - 2.0 * c
    tol = 1e-14 * (a + b + 2.0 * c)
    if n_permutations == 0:
        return stat, math.nan
    big = n + m
    s = min(n, m)
    idx = list(range(big))
    rng = Rng(seed)
    count = 0
    for _ in range(n_permutations):
        for i in range(s):
            j = i + rng.bounded(big - i)
            idx[i], idx[j] = idx[j], idx[i]
        small = np.array(sorted(idx[:s]))
        rest = np.setdiff1d(np.arange(big), small)
        gx, gy = (small, rest) if n <= m else (rest, small)
        perm = mmd2_u(k[np.ix_(gx, gx)], k[np.ix_(gy, gy)], k[np.ix_(gx, gy)])
        if perm >= stat - tol:
            count += 1
    return stat, (1 + count) / (1 + n_permutations)


def normal_p(mean, var, count):
    # a standard deviation below 1e-13 is rounding noise: degenerate (documented in mmd.hpp)
    if not var > 1e-26:
        return 0.0 if mean > 1e-13 else 1.0
    return float(stats.norm.sf(mean / math.sqrt(var / count)))


def linear_test(x, y, sigma):
    pairs = min(x.shape[0], y.shape[0]) // 2
    h = []
    for p in range(pairs):
        x1, x2, y1, y2 = x[2 * p], x[2 * p + 1], y[2 * p], y[2 * p + 1]
        kf = lambda a, b: math.exp(-float(np.sum((a - b) ** 2)) / (2.0 * sigma * sigma))  # noqa: E731
        h.append(kf(x1, x2) + kf(y1, y2) - kf(x1, y2) - kf(x2, y1))
    h = np.array(h)
    var = float(np.var(h, ddof=1))
    return float(h.mean()), normal_p(float(h.mean()), var, pairs)


def block_test(x, y, sigma, bsize):
    blocks = min(x.shape[0], y.shape[0]) // bsize
    eta = []
    for b in range(blocks):
        xb = x[b * bsize:(b + 1) * bsize]
        yb = y[b * bsize:(b + 1) * bsize]
        kxx, kyy, kxy = kernel(xb, xb, sigma), kernel(yb, yb, sigma), kernel(xb, yb, sigma)
        off = ~np.eye(bsize, dtype=bool)
        # sum over a != b of h = k(xa,xb) + k(ya,yb) - k(xa,yb) - k(xb,ya)
        total = kxx[off].sum() + kyy[off].sum() - kxy[off].sum() - kxy.T[off].sum()
        eta.append(total / (bsize * (bsize - 1)))
    eta = np.array(eta)
    var = float(np.var(eta, ddof=1))
    return float(eta.mean()), normal_p(float(eta.mean()), var, blocks)


def reference(x, y, sigma, estimator, n_permutations, seed, block_size, exact_max_n, median_max_n):
    n, m = x.shape[0], y.shape[0]
    sig = sigma if sigma is not None else median_sigma(x, y, median_max_n)
    if estimator == "auto":
        estimator = "exact" if n + m <= exact_max_n else "block"
    used_b = 0
    if estimator == "exact":
        stat, p = exact_test(x, y, sig, n_permutations, seed)
    elif estimator == "linear":
        stat, p = linear_test(x, y, sig)
        used_b = 2
    else:
        used_b = block_size or max(2, math.isqrt(min(n, m)))
        stat, p = block_test(x, y, sig, used_b)
    return estimator, sig, float(stat), p, used_b


# ------------------------------------------------------------------ cases


def lit(v):
    v = float(v)
    if math.isnan(v):
        return "kNaN"
    return repr(v)


def arr(a):
    return "{" + ", ".join(lit(v) for v in np.asarray(a, dtype=np.float64).ravel()) + "}"


def cases(rng):
    out = []

    def add(name, x, y, sigma=None, estimator="auto", n_permutations=100, seed=0, block_size=0,
            exact_max_n=5000, median_max_n=1000, float32=False, scale_exp=0):
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        if x.ndim == 1:
            x = x[:, None]
            y = y[:, None]
        if float32:
            x = x.astype(np.float32).astype(np.float64)
            y = y.astype(np.float32).astype(np.float64)
        used, sig, stat, p, used_b = reference(x, y, sigma, estimator, n_permutations, seed, block_size,
                                               exact_max_n, median_max_n)
        given = sigma if sigma is not None else 0.0
        if scale_exp:
            # same data times 2**scale_exp (exact): statistic and p-value unchanged
            x = np.ldexp(x, scale_exp)
            y = np.ldexp(y, scale_exp)
            sig = math.ldexp(sig, scale_exp)
            given = math.ldexp(given, scale_exp)
        out.append(dict(name=name, n=x.shape[0], m=y.shape[0], d=x.shape[1], x=x, y=y,
                        has_sigma=sigma is not None, sigma=given, estimator=ESTIMATORS[estimator],
                        n_permutations=n_permutations, seed=seed, block_size=block_size,
                        exact_max_n=exact_max_n, median_max_n=median_max_n, float32=float32,
                        used=ESTIMATORS[used], exp_sigma=sig, exp_stat=stat, exp_p=p, exp_b=used_b))

    # exact, same and shifted distributions, several shapes
    add("exact_same_20x25_d3", rng.normal(size=(20, 3)), rng.normal(size=(25, 3)), seed=1)
    add("exact_shift_20x25_d3", rng.normal(size=(20, 3)), rng.normal(0.8, 1, size=(25, 3)), seed=2)
    add("exact_scale_30x30_d2", rng.normal(size=(30, 2)), rng.normal(0, 2.0, size=(30, 2)), seed=3,
        n_permutations=150)
    add("exact_d1_15x12", rng.normal(size=15), rng.normal(0.3, 1, size=12), seed=4)
    add("exact_unequal_3x40_d2", rng.normal(size=(3, 2)), rng.normal(size=(40, 2)), seed=5)
    add("exact_unequal_40x3_d2", rng.normal(size=(40, 2)), rng.normal(size=(3, 2)), seed=5)
    add("exact_n2_m2_d2", rng.normal(size=(2, 2)), rng.normal(size=(2, 2)), seed=6)
    add("exact_n2_m3_d1", rng.normal(size=2), rng.normal(size=3), seed=7, n_permutations=30)
    add("exact_sigma_given", rng.normal(size=(18, 4)), rng.normal(0.2, 1, size=(22, 4)), sigma=0.7, seed=8)
    add("exact_sigma_huge", rng.normal(size=(10, 2)), rng.normal(size=(12, 2)), sigma=1e6, seed=9)
    add("exact_sigma_tiny", rng.normal(size=(10, 2)), rng.normal(size=(12, 2)), sigma=1e-3, seed=9)
    add("exact_seed_big", rng.normal(size=(12, 2)), rng.normal(0.5, 1, size=(12, 2)), seed=2**64 - 1)
    add("exact_perm0", rng.normal(size=(12, 2)), rng.normal(size=(12, 2)), n_permutations=0)
    add("exact_perm_130", rng.normal(size=(9, 3)), rng.normal(0.4, 1, size=(11, 3)), n_permutations=130, seed=11)
    add("exact_wide_d12", rng.normal(size=(16, 12)), rng.normal(0.3, 1, size=(14, 12)), seed=12)
    # ties and duplicate rows; integer-valued data (exact in float32 as well)
    add("exact_ties_int", rng.integers(0, 3, size=(20, 2)), rng.integers(0, 4, size=(18, 2)), seed=13)
    xi = rng.integers(-2, 3, size=(14, 3))
    add("exact_identical", xi, xi.copy(), seed=14)
    # degenerate bandwidth: constant reference (fallback), everything one point (sigma 1)
    add("exact_const_x", np.ones((10, 2)), rng.normal(size=(12, 2)), seed=15)
    add("exact_const_x_mostly", np.r_[np.zeros((9, 2)), rng.normal(size=(3, 2))], rng.normal(size=(8, 2)), seed=16)
    add("exact_all_same_point", np.full((8, 3), 2.5), np.full((6, 3), 2.5), seed=17)
    add("exact_const_x_y_other", np.zeros((6, 1)), np.ones((7, 1)), seed=18)
    # median heuristic on a strided subsample of x
    add("exact_median_sub7", rng.normal(size=(30, 2)), rng.normal(size=(20, 2)), median_max_n=7, seed=19)
    add("exact_median_sub2", rng.normal(size=(25, 2)), rng.normal(size=(20, 2)), median_max_n=2, seed=19)
    # auto switching to block above exact_max_n
    add("auto_block_40x44", rng.normal(size=(40, 2)), rng.normal(0.5, 1, size=(44, 2)), exact_max_n=60)
    add("auto_exact_at_limit", rng.normal(size=(20, 2)), rng.normal(size=(20, 2)), exact_max_n=40, seed=20)
    # float32 data (values representable in float32); the C++ test runs it as float and double
    add("exact_float32", rng.normal(size=(17, 3)), rng.normal(0.5, 1, size=(19, 3)), float32=True, seed=21)
    add("linear_float32", rng.normal(size=(40, 3)), rng.normal(0.5, 1, size=(41, 3)), estimator="linear",
        float32=True)
    add("block_float32", rng.normal(size=(40, 3)), rng.normal(0.5, 1, size=(41, 3)), estimator="block",
        float32=True)
    # huge, tiny, subnormal: small data times 2**k
    add("exact_huge", rng.normal(size=(12, 2)), rng.normal(0.6, 1, size=(13, 2)), scale_exp=990, seed=22)
    add("exact_tiny", rng.normal(size=(12, 2)), rng.normal(0.6, 1, size=(13, 2)), scale_exp=-990, seed=22)
    add("exact_subnormal_int", rng.integers(-50, 50, size=(10, 2)), rng.integers(-40, 60, size=(11, 2)),
        scale_exp=-1074, seed=23)
    add("linear_huge", rng.normal(size=(30, 2)), rng.normal(0.6, 1, size=(30, 2)), estimator="linear",
        scale_exp=1000)
    add("block_tiny", rng.normal(size=(30, 2)), rng.normal(0.6, 1, size=(30, 2)), estimator="block",
        scale_exp=-1000)
    add("exact_sigma_given_huge", rng.normal(size=(12, 2)), rng.normal(size=(13, 2)), sigma=1.5, scale_exp=900,
        seed=24)
    # a common offset far from 0 (cancellation in ||a||^2 + ||b||^2 - 2ab without centring)
    add("exact_offset_1e6", 1e6 + rng.normal(size=(15, 2)), 1e6 + rng.normal(0.5, 1, size=(15, 2)), seed=25)
    # linear estimator
    add("linear_same_60x60", rng.normal(size=(60, 2)), rng.normal(size=(60, 2)), estimator="linear")
    add("linear_shift_61x80", rng.normal(size=(61, 3)), rng.normal(1, 1, size=(80, 3)), estimator="linear")
    add("linear_min4", rng.normal(size=(4, 1)), rng.normal(size=(5, 1)), estimator="linear")
    add("linear_sigma", rng.normal(size=(30, 2)), rng.normal(0.3, 1, size=(33, 2)), estimator="linear", sigma=2.0)
    add("linear_const_equal", np.ones((10, 2)), np.ones((10, 2)), estimator="linear")
    add("linear_const_apart", np.zeros((10, 2)), np.ones((10, 2)), estimator="linear")
    # block estimator
    add("block_auto_50x70", rng.normal(size=(50, 2)), rng.normal(0.4, 1, size=(70, 2)), estimator="block")
    add("block_b5_same", rng.normal(size=(40, 3)), rng.normal(size=(43, 3)), estimator="block", block_size=5)
    add("block_b2_is_linear", rng.normal(size=(20, 2)), rng.normal(0.5, 1, size=(21, 2)), estimator="block",
        block_size=2)
    add("block_two_blocks", rng.normal(size=(8, 2)), rng.normal(size=(9, 2)), estimator="block", block_size=4)
    add("block_sigma", rng.normal(size=(36, 4)), rng.normal(0.2, 1, size=(36, 4)), estimator="block",
        block_size=6, sigma=1.3)
    add("block_ties", rng.integers(0, 3, size=(30, 2)), rng.integers(0, 3, size=(30, 2)), estimator="block",
        block_size=5)
    return out


def main():
    rng = np.random.default_rng(20240611)
    cs = cases(rng)
    lines = [
        f"// Generated by tests/cpp/data/gen_mmd_fixtures.py with numpy {np.__version__}, scipy {scipy.__version__}.",
        "// Do not edit: re-run the script. Included by tests/cpp/test_mmd.cpp inside its namespace.",
        "",
        "// {name, n, m, d, x (row-major), y, has_sigma, sigma, estimator (0 auto, 1 exact, 2 linear, 3 block),",
        "//  n_permutations, seed, block_size, exact_max_n, median_max_n, float32,",
        "//  expected: estimator used, sigma, statistic, pvalue, block size used}",
        "const mmd_case mmd_cases[] = {",
    ]
    for c in cs:
        lines.append(
            "    {{\"{name}\", {n}, {m}, {d}, {x}, {y}, {hs}, {sigma}, {est}, {perm}, {seed}ULL, {bs}, {emax}, "
            "{mmax}, {f32}, {used}, {esig}, {estat}, {ep}, {eb}}},".format(
                name=c["name"], n=c["n"], m=c["m"], d=c["d"], x=arr(c["x"]), y=arr(c["y"]),
                hs="true" if c["has_sigma"] else "false", sigma=lit(c["sigma"]), est=c["estimator"],
                perm=c["n_permutations"], seed=c["seed"], bs=c["block_size"], emax=c["exact_max_n"],
                mmax=c["median_max_n"], f32="true" if c["float32"] else "false", used=c["used"],
                esig=lit(c["exp_sigma"]), estat=lit(c["exp_stat"]), ep=lit(c["exp_p"]), eb=c["exp_b"]))
    lines.append("};")
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {len(cs)} cases to {OUT}")


if __name__ == "__main__":
    main()
