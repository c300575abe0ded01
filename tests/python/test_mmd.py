"""driftscope.mmd: Gaussian-kernel maximum mean discrepancy (exact / linear / block).

Reference: a plain numpy implementation of the documented formulas in this file (direct
pairwise differences; Gretton et al. 2012 eq. 3, Lemma 14; Zaremba et al. 2013 B-test;
alibi-detect's median heuristic), and alibi-detect itself when it is importable.
Tolerances: statistics 1e-10 relative with a 1e-13 absolute floor (kernel values are in
[0, 1] and MMD^2 is a difference of their averages, so rounding is absolute, ~1e-16 per
term; our distances come from a Gram matrix, the reference's from differences), sigma
1e-12 relative, normal p-values 1e-9 relative (1e-14 absolute). Permutation p-values are
compared exactly: the reference below reimplements the documented generator.
"""

import math

import numpy as np
import pytest
import scipy.stats
from hypothesis import given
from hypothesis import strategies as st

import driftscope
from driftscope.stats import MMDResult, mmd

MASK = (1 << 64) - 1


# --------------------------------------------------------------------------- numpy reference


def sqdist(a, b):
    diff = a[:, None, :] - b[None, :, :]
    return np.sum(diff * diff, axis=2)


def kernel(a, b, sigma):
    return np.exp(-sqdist(a, b) / (2.0 * sigma * sigma))


def strided(rows, take):
    k = min(rows, take)
    return [(i * rows) // k for i in range(k)]


def lower_median(v):
    v = np.sort(v)
    return v[(v.size - 1) // 2]


def ref_sigma(x, y, median_max_n=1000):
    xs = x[strided(len(x), median_max_n)]
    med = lower_median(sqdist(xs, xs)[np.triu_indices(len(xs), k=1)])
    if med > 0:
        return math.sqrt(med / 2)
    pooled = np.concatenate([xs, y[strided(len(y), median_max_n)]])
    dist = sqdist(pooled, pooled)[np.triu_indices(len(pooled), k=1)]
    dist = dist[dist > 0]
    return math.sqrt(lower_median(dist) / 2) if dist.size else 1.0


def ref_terms(k, n):
    kxx, kyy, kxy = k[:n, :n], k[n:, n:], k[:n, n:]
    m = k.shape[0] - n
    return ((kxx.sum() - np.trace(kxx)) / (n * (n - 1)), (kyy.sum() - np.trace(kyy)) / (m * (m - 1)),
            kxy.sum() / (n * m))


class Rng:
    """The documented permutation generator: splitmix64-seeded xoshiro256**."""

    def __init__(self, seed):
        sm, self.s = seed & MASK, []
        for _ in range(4):
            sm = (sm + 0x9E3779B97F4A7C15) & MASK
            z = ((sm ^ (sm >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            self.s.append(z ^ (z >> 31))

    def next(self):
        s = self.s
        rotl = lambda v, k: ((v << k) | (v >> (64 - k))) & MASK  # noqa: E731
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def bounded(self, bound):
        threshold = ((1 << 64) - bound) % bound
        while True:
            r = self.next()
            if r >= threshold:
                return r % bound


def ref_exact(x, y, sigma, n_permutations=100, seed=0):
    n, m = len(x), len(y)
    z = np.concatenate([x, y])
    k = kernel(z, z, sigma)
    a, b, c = ref_terms(k, n)
    stat = a + b - 2 * c
    tol = 1e-14 * (a + b + 2 * c)
    big, s = n + m, min(n, m)
    idx, rng, count = list(range(big)), Rng(seed), 0
    for _ in range(n_permutations):
        for i in range(s):
            j = i + rng.bounded(big - i)
            idx[i], idx[j] = idx[j], idx[i]
        small = np.array(sorted(idx[:s]))
        rest = np.setdiff1d(np.arange(big), small)
        order = np.concatenate([small, rest]) if n <= m else np.concatenate([rest, small])
        pa, pb, pc = ref_terms(k[np.ix_(order, order)], n)
        count += (pa + pb - 2 * pc) >= stat - tol
    return stat, (1 + count) / (1 + n_permutations)


def normal_p(mean, var, count):
    if not var > 1e-26:  # standard deviation below 1e-13: rounding noise, documented as degenerate
        return 0.0 if mean > 1e-13 else 1.0
    return float(scipy.stats.norm.sf(mean / math.sqrt(var / count)))


def ref_linear(x, y, sigma):
    pairs = min(len(x), len(y)) // 2
    x1, x2, y1, y2 = x[0:2 * pairs:2], x[1:2 * pairs:2], y[0:2 * pairs:2], y[1:2 * pairs:2]
    k = lambda a, b: np.exp(-np.sum((a - b) ** 2, axis=1) / (2 * sigma * sigma))  # noqa: E731
    h = k(x1, x2) + k(y1, y2) - k(x1, y2) - k(x2, y1)
    return h.mean(), normal_p(h.mean(), h.var(ddof=1), pairs)


def ref_block(x, y, sigma, bsize):
    blocks = min(len(x), len(y)) // bsize
    off = ~np.eye(bsize, dtype=bool)
    eta = []
    for b in range(blocks):
        xb, yb = x[b * bsize:(b + 1) * bsize], y[b * bsize:(b + 1) * bsize]
        kxy = kernel(xb, yb, sigma)
        total = kernel(xb, xb, sigma)[off].sum() + kernel(yb, yb, sigma)[off].sum() - kxy[off].sum() - kxy.T[off].sum()
        eta.append(total / (bsize * (bsize - 1)))
    eta = np.array(eta)
    return eta.mean(), normal_p(eta.mean(), eta.var(ddof=1), blocks)


def close(actual, expected, rtol, atol, what):
    assert abs(actual - expected) <= max(rtol * abs(expected), atol), f"{what}: got {actual!r}, expected {expected!r}"


# --------------------------------------------------------------------------- data


@st.composite
def pair(draw, min_rows=2, max_rows=24):
    """Two samples with the same number of columns, of several kinds (ties, constant, huge, offset)."""
    n = draw(st.integers(min_rows, max_rows))
    m = draw(st.integers(min_rows, max_rows))
    d = draw(st.integers(1, 4))
    kind = draw(st.sampled_from(["normal", "shift", "ties", "const_x", "huge", "tiny", "offset"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.normal(size=(n, d))
    y = rng.normal(size=(m, d))
    if kind == "shift":
        y += 1.0
    elif kind == "ties":
        x, y = rng.integers(0, 3, size=(n, d)).astype(float), rng.integers(0, 3, size=(m, d)).astype(float)
    elif kind == "const_x":
        x = np.full((n, d), 0.5)
    elif kind == "huge":
        x, y = np.ldexp(x, 1000), np.ldexp(y, 1000)
    elif kind == "tiny":
        x, y = np.ldexp(x, -1000), np.ldexp(y, -1000)
    elif kind == "offset":
        x, y = x + 1e6, y + 1e6
    return kind, x, y


def scaled_reference(kind, x, y):
    """Huge / tiny data: the reference works on the data times 2**-+1000 (exact) and sigma scales back."""
    if kind == "huge":
        return np.ldexp(x, -1000), np.ldexp(y, -1000), 1000
    if kind == "tiny":
        return np.ldexp(x, 1000), np.ldexp(y, 1000), -1000
    return x, y, 0


# --------------------------------------------------------------------------- parity


@given(data=pair(), seed=st.integers(0, 2**64 - 1))
def test_exact_matches_reference(data, seed):
    kind, x, y = data
    rx, ry, e = scaled_reference(kind, x, y)
    sigma = ref_sigma(rx, ry)
    stat, p = ref_exact(rx, ry, sigma, n_permutations=40, seed=seed)
    r = mmd(x, y, n_permutations=40, seed=seed)
    assert r.estimator == "exact"
    close(r.sigma, math.ldexp(sigma, e), 1e-12, 0, "sigma")
    close(r.statistic, stat, 1e-10, 1e-13, "statistic")
    assert r.pvalue == p
    assert 0 < r.pvalue <= 1


@given(data=pair(min_rows=4, max_rows=60), sigma=st.one_of(st.none(), st.floats(0.05, 20)))
def test_linear_matches_reference(data, sigma):
    kind, x, y = data
    rx, ry, e = scaled_reference(kind, x, y)
    s = ref_sigma(rx, ry) if sigma is None else sigma
    stat, p = ref_linear(rx, ry, s)
    r = mmd(x, y, estimator="linear", sigma=None if sigma is None else math.ldexp(sigma, e))
    assert (r.estimator, r.block_size, r.n_permutations) == ("linear", 2, 0)
    close(r.statistic, stat, 1e-10, 1e-13, "statistic")
    close(r.pvalue, p, 1e-9, 1e-14, "pvalue")


@given(data=pair(min_rows=4, max_rows=60), bsize=st.integers(2, 30), auto=st.booleans())
def test_block_matches_reference(data, bsize, auto):
    kind, x, y = data
    small = min(len(x), len(y))
    b = max(2, math.isqrt(small)) if auto else min(bsize, small // 2)
    rx, ry, _ = scaled_reference(kind, x, y)
    stat, p = ref_block(rx, ry, ref_sigma(rx, ry), b)
    r = mmd(x, y, estimator="block", block_size=None if auto else b)
    assert (r.estimator, r.block_size) == ("block", b)
    close(r.statistic, stat, 1e-10, 1e-13, "statistic")
    close(r.pvalue, p, 1e-9, 1e-14, "pvalue")


def test_larger_samples_match_reference():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(300, 5)), rng.normal(0.1, 1.1, size=(250, 5))
    sigma = ref_sigma(x, y)
    z = np.concatenate([x, y])
    a, b, c = ref_terms(kernel(z, z, sigma), 300)
    r = mmd(x, y)
    close(r.sigma, sigma, 1e-12, 0, "sigma")
    close(r.statistic, a + b - 2 * c, 1e-10, 1e-13, "statistic")
    # the median heuristic on a strided subsample of x
    r = mmd(x, y, median_max_n=37, n_permutations=0)
    close(r.sigma, ref_sigma(x, y, median_max_n=37), 1e-12, 0, "sigma")
    # block size 2 is the linear estimator
    lin, blk = mmd(x, y, estimator="linear"), mmd(x, y, estimator="block", block_size=2)
    close(blk.statistic, lin.statistic, 1e-12, 1e-14, "statistic")
    close(blk.pvalue, lin.pvalue, 1e-9, 1e-14, "pvalue")


def test_float32_is_computed_in_double():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(40, 3)).astype(np.float32)
    y = rng.normal(0.3, 1, size=(35, 3)).astype(np.float32)
    for est in ("exact", "linear", "block"):
        r32 = mmd(x, y, estimator=est)
        r64 = mmd(x.astype(np.float64), y.astype(np.float64), estimator=est)
        assert (r32.statistic, r32.pvalue, r32.sigma) == (r64.statistic, r64.pvalue, r64.sigma)
    # mixed dtypes, lists, integers, Fortran order and 1-D input are converted
    r = mmd(x, y.astype(np.float64))
    assert r.statistic == mmd(x.astype(np.float64), y.astype(np.float64)).statistic
    assert mmd(np.asfortranarray(x), y).statistic == mmd(x, y).statistic
    assert mmd(x.tolist(), y.tolist()).statistic == mmd(x.astype(np.float64), y.astype(np.float64)).statistic
    one = mmd(np.arange(10), np.arange(12) + 0.5)
    assert one.n_features == 1
    assert one.statistic == mmd(np.arange(10.0)[:, None], (np.arange(12) + 0.5)[:, None]).statistic


# --------------------------------------------------------------------------- properties


def test_result_fields_and_unpacking():
    rng = np.random.default_rng(7)
    x, y = rng.normal(size=(30, 2)), rng.normal(size=(25, 2))
    r = driftscope.mmd(x, y, seed=3)
    assert isinstance(r, MMDResult)
    stat, p = r
    assert (stat, p) == (r.statistic, r.pvalue) == (r[0], r[1])
    assert r[-1] == r.pvalue and len(r) == 2
    with pytest.raises(IndexError):
        r[2]
    assert (r.n_x, r.n_y, r.n_features, r.n_permutations, r.block_size, r.estimator) == (30, 25, 2, 100, 0, "exact")
    assert repr(r).startswith("MMDResult(statistic=")
    assert "mmd" in driftscope.stats.__all__ and "MMDResult" in driftscope.stats.__all__
    # auto switches to block above exact_max_n
    rb = mmd(x, y, exact_max_n=54)
    assert (rb.estimator, rb.n_permutations, rb.block_size) == ("block", 0, 5)
    # no permutations: statistic only
    r0 = mmd(x, y, n_permutations=0)
    assert r0.statistic == r.statistic and math.isnan(r0.pvalue)


def test_seed_determinism_and_symmetry():
    rng = np.random.default_rng(11)
    x, y = rng.normal(size=(25, 3)), rng.normal(0.2, 1, size=(20, 3))
    a, b = mmd(x, y, seed=42), mmd(x, y, seed=42)
    assert (a.statistic, a.pvalue) == (b.statistic, b.pvalue)
    pvals = {mmd(x, y, seed=s).pvalue for s in range(10)}
    assert len(pvals) > 1
    assert all(0 < p <= 1 and (p * 101) == pytest.approx(round(p * 101)) for p in pvals)
    # eq. 3 is symmetric in (x, y) for a fixed sigma
    s = a.sigma
    close(mmd(y, x, sigma=s).statistic, mmd(x, y, sigma=s).statistic, 1e-13, 1e-15, "statistic")


def test_same_distribution_pvalues_roughly_uniform():
    pv = {"exact": [], "linear": [], "block": []}
    for i in range(50):
        rng = np.random.default_rng(1000 + i)
        x, y = rng.normal(size=(40, 2)), rng.normal(size=(40, 2))
        for est in pv:
            pv[est].append(mmd(x, y, estimator=est, seed=i).pvalue)
    for est, p in pv.items():
        p = np.array(p)
        # a uniform mean over 50 draws has sd 0.041: [0.3, 0.7] is a ~5 sd band
        assert 0.3 < p.mean() < 0.7, (est, p.mean())
        assert (p < 0.05).mean() <= 0.2, (est, (p < 0.05).mean())


@pytest.mark.parametrize("estimator", ["exact", "linear", "block"])
def test_shifted_distribution_small_pvalue(estimator):
    rng = np.random.default_rng(17)
    x, y = rng.normal(size=(400, 3)), rng.normal(0.7, 1, size=(400, 3))
    r = mmd(x, y, estimator=estimator)
    assert r.statistic > 0
    assert r.pvalue < 0.01


def test_degenerate_samples():
    # everything one point: statistic 0, sigma 1, every permutation ties
    r = mmd(np.full((6, 2), 3.0), np.full((5, 2), 3.0))
    assert (r.statistic, r.pvalue, r.sigma) == (0.0, 1.0, 1.0)
    # constant reference, different current: sigma from the pooled positive distances
    x, y = np.zeros((8, 1)), np.ones((9, 1))
    r = mmd(x, y)
    assert r.sigma == pytest.approx(math.sqrt(0.5))
    assert r.pvalue == pytest.approx(1 / 101)
    lin = mmd(x, y, estimator="linear")
    assert lin.pvalue == 0.0 and lin.statistic > 0


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(sigma=0.0), "sigma must be finite and > 0, got 0"),
        (dict(sigma=-2.0), "sigma must be finite and > 0, got -2"),
        (dict(sigma=float("nan")), "sigma must be finite and > 0, got nan"),
        (dict(sigma=float("inf")), "sigma must be finite and > 0, got inf"),
        (dict(estimator="fast"), "estimator must be 'auto', 'exact', 'linear' or 'block', got 'fast'"),
        (dict(n_permutations=-1), "n_permutations must be >= 0, got -1"),
        (dict(seed=-1), "seed must be an integer in \\[0, 2\\*\\*64\\), got -1"),
        (dict(seed=2**64), "seed must be an integer"),
        (dict(seed=1.5), "seed must be an integer"),
        (dict(block_size=1), "block_size must be None \\(auto\\) or >= 2, got 1"),
        (dict(block_size=0), "block_size must be None \\(auto\\) or >= 2, got 0"),
        (dict(exact_max_n=3), "exact_max_n must be in \\[4, 16384\\], got 3"),
        (dict(exact_max_n=10**6), "exact_max_n must be in \\[4, 16384\\], got 1000000"),
        (dict(median_max_n=1), "median_max_n must be >= 2, got 1"),
        (dict(estimator="exact", exact_max_n=10), "the exact estimator needs n \\+ m <= exact_max_n \\(10\\), got n \\+ m = 11"),
        (dict(estimator="block", block_size=4), "block_size must be at most min\\(n, m\\) / 2 = 2"),
    ],
)
def test_bad_options(kwargs, match):
    x, y = np.arange(12.0).reshape(6, 2), np.arange(10.0).reshape(5, 2)
    with pytest.raises(ValueError, match="^mmd: " + match):
        mmd(x, y, **kwargs)


def test_bad_data():
    ok = np.zeros((5, 2))
    with pytest.raises(ValueError, match="mmd: x must have at least 2 rows, got 0"):
        mmd(np.zeros((0, 2)), ok)
    with pytest.raises(ValueError, match="mmd: x must have at least 2 rows, got 1"):
        mmd(np.zeros((1, 2)), ok)
    with pytest.raises(ValueError, match="mmd: y must have at least 2 rows, got 1"):
        mmd(ok, np.zeros((1, 2)))
    with pytest.raises(ValueError, match="mmd: y must have at least 2 rows, got 0"):
        mmd(ok, [])
    with pytest.raises(ValueError, match=r"mmd: x and y must have the same number of columns \(features\), got 2 and 3"):
        mmd(ok, np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"mmd: d \(the number of features\) must be >= 1, got 0"):
        mmd(np.zeros((5, 0)), np.zeros((4, 0)))
    with pytest.raises(ValueError, match="mmd: x must be 1-D or 2-D, got 3-D array"):
        mmd(np.zeros((2, 2, 2)), ok)
    with pytest.raises(ValueError, match="mmd: y must be 1-D or 2-D, got 0-D array"):
        mmd(ok, 1.0)
    bad = ok.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="mmd: x must not contain NaN or infinity, got nan at row 3, column 1"):
        mmd(bad, ok)
    bad[3, 1] = -np.inf
    with pytest.raises(ValueError, match="mmd: y must not contain NaN or infinity, got -inf at row 3, column 1"):
        mmd(ok, bad.astype(np.float32))
    with pytest.raises(ValueError, match="mmd: the linear estimator needs at least 4 rows in x and in y, got n = 3, m = 5"):
        mmd(np.zeros((3, 2)), ok, estimator="linear")
    with pytest.raises(ValueError, match="mmd: the block estimator needs at least 4 rows"):
        mmd(ok, np.zeros((3, 2)), estimator="block")
    with pytest.raises((ValueError, TypeError)):
        mmd(np.array([["a", "b"], ["c", "d"]]), ok)


# --------------------------------------------------------------------------- alibi-detect


def test_matches_alibi_detect():
    import warnings

    with warnings.catch_warnings():  # torch / alibi warn on import (deprecations)
        warnings.simplefilter("ignore")
        alibi_cd = pytest.importorskip("alibi_detect.cd")
        pytest.importorskip("torch")
    rng = np.random.default_rng(23)
    for n, m, d in [(50, 60, 3), (200, 150, 5), (31, 7, 2)]:
        x, y = rng.normal(size=(n, d)), rng.normal(0.2, 1, size=(m, d))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # median heuristic on x: alibi keeps sigma as float32
            det = alibi_cd.MMDDrift(x, backend="pytorch", n_permutations=10, device="cpu")
            alibi_sigma = float(det._detector.kernel.sigma.detach().numpy()[0])
            # statistic with the same (float64) sigma
            det = alibi_cd.MMDDrift(x, backend="pytorch", n_permutations=10, device="cpu", sigma=np.array([1.3]))
            _, alibi_stat, _ = det._detector.score(y)
        close(mmd(x, y, n_permutations=0).sigma, alibi_sigma, 1e-6, 0, "sigma")
        close(mmd(x, y, sigma=1.3, n_permutations=0).statistic, float(alibi_stat), 1e-9, 1e-13, "statistic")
