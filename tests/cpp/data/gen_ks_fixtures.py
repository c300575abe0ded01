#!/usr/bin/env python3
"""Generates tests/cpp/data/ks_fixtures.inc: scipy.stats.ks_2samp reference values for
tests/cpp/test_ks.cpp.

Run from anywhere (scipy 1.17.1, numpy 2.x):
    python3 tests/cpp/data/gen_ks_fixtures.py

Input samples are not stored: each is described by a `gen` spec that both this script
and the C++ test expand identically (SplitMix64 integers turned into dyadic doubles with
exact floating-point operations only, so the arrays are bit-identical in both languages).

    gen = (seed, n, kind, a, b, nan_every, as_float32)
    kind 0  uniform      a + b*u,               u = (next() >> 11) * 2**-53, b a power of 2
    kind 1  integer      a + floor(u*b)         (many ties)
    kind 2  Irwin-Hall   a + b*((u1+u2)+(u3+u4)) (bell-shaped)
    kind 3  constant     a
    nan_every > 0: every nan_every-th value (index % nan_every == nan_every-1) is NaN.
    as_float32: the sample is cast to float32 (round to nearest) and both samples are
    passed to scipy as float32 arrays.

Four tables are written:
  ks_cases         full ks_2samp calls (statistic, pvalue, location, sign, method used)
  ks_pvalue_cases  the p-value step alone on a grid of (n1, n2, d, alternative, method):
                   scipy's _attempt_exact_2kssamp / kstwo.sf / Hodges' formula, i.e. the
                   exact code path ks_2samp runs after computing d
  kstwo_cases      scipy.stats.kstwo.sf(d, n) on a grid covering every branch of the
                   Simard-L'Ecuyer method choice in scipy.stats._ksstats, densely for
                   large n (up to 1e6-1) in the Smirnov band n*d^2 in [2.2, 370)
  smirnov_cases    scipy.special.smirnov(n, x) for large n and for x >= 1/2
"""

import math
import os
import warnings

import numpy as np
import scipy
from scipy import special, stats
from scipy.stats import _stats_py

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self):
        return float(self.next() >> 11) * 2.0**-53


def expand(gen):
    seed, n, kind, a, b, nan_every, as_f32 = gen
    r = SplitMix64(seed)
    out = np.empty(n, dtype=np.float64)
    for i in range(n):
        if kind == 0:
            v = a + b * r.uniform()
        elif kind == 1:
            v = a + math.floor(r.uniform() * b)
        elif kind == 2:
            u1, u2, u3, u4 = r.uniform(), r.uniform(), r.uniform(), r.uniform()
            v = a + b * ((u1 + u2) + (u3 + u4))
        else:
            v = a
        if nan_every > 0 and i % nan_every == nan_every - 1:
            v = math.nan
        out[i] = v
    if as_f32:
        return out.astype(np.float32)
    return out


ALTS = {"two-sided": 0, "less": 1, "greater": 2}
METHODS = {"auto": 0, "exact": 1, "asymp": 2}
POLICIES = {"propagate": 0, "raise": 1, "omit": 2}


def cnum(x):
    x = float(x)
    if math.isnan(x):
        return "kNaN"
    if math.isinf(x):
        return "kInf" if x > 0 else "-kInf"
    return repr(x)


def cgen(g):
    seed, n, kind, a, b, nan_every, as_f32 = g
    return "{%du, %d, %d, %s, %s, %d, %s}" % (seed, n, kind, cnum(a), cnum(b), nan_every,
                                             "true" if as_f32 else "false")


def run_case(name, g1, g2, alt="two-sided", method="auto", nan_policy="propagate"):
    x = expand(g1)
    y = expand(g2)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        r = stats.ks_2samp(x, y, alternative=alt, method=method, nan_policy=nan_policy)
    # the method scipy actually used: its own rule, then the fallback it warns about
    x0 = x[~np.isnan(x)] if nan_policy == "omit" else x
    y0 = y[~np.isnan(y)] if nan_policy == "omit" else y
    n1, n2 = len(x0), len(y0)
    used = method
    if used == "auto":
        used = "exact" if max(n1, n2) <= 10000 else "asymp"
    if any("Switching to" in str(wi.message) or "not possible" in str(wi.message) for wi in w):
        used = "asymp"
    sign = float(r.statistic_sign)
    return ("{\"%s\", %s, %s, %d, %d, %d, %s, %s, %s, %s, %d}"
            % (name, cgen(g1), cgen(g2), ALTS[alt], METHODS[method], POLICIES[nan_policy],
               cnum(r.statistic), cnum(r.pvalue), cnum(r.statistic_location),
               "0" if math.isnan(sign) else str(int(sign)), METHODS[used]))


def ks_cases():
    rows = []
    rng = np.random.default_rng(20240611)
    # random sizes 1..50, unequal, all alternatives, several shapes and shifts
    for i in range(60):
        n1 = int(rng.integers(1, 51))
        n2 = int(rng.integers(1, 51))
        kind = int(rng.integers(0, 3))
        shift = float(rng.integers(-4, 5)) / 8.0
        b = 1.0 if kind != 1 else float(rng.integers(2, 12))
        alt = ["two-sided", "less", "greater"][i % 3]
        g1 = (1000 + i, n1, kind, 0.0, b, 0, False)
        g2 = (5000 + i, n2, kind, shift, b, 0, False)
        rows.append(run_case(f"rand{i}_{n1}x{n2}", g1, g2, alt))
    # equal sizes (the n1 == n2 closed forms)
    for i, n in enumerate([1, 2, 5, 17, 40, 200, 1000]):
        for alt in ALTS:
            rows.append(run_case(f"equal{n}_{alt}", (300 + i, n, 0, 0.0, 1.0, 0, False),
                                 (400 + i, n, 0, 0.0625 * (i % 3), 1.0, 0, False), alt))
    # very unequal, larger, the auto switch
    sizes = [(100, 3), (3, 100), (2000, 2500), (300, 700), (999, 1001), (9000, 11000),
             (10000, 9999), (10001, 50)]
    for i, (n1, n2) in enumerate(sizes):
        for alt in ALTS:
            if (n1, n2) == (10000, 9999) and alt != "two-sided":
                continue  # scipy's one-sided count is O(n^2) python loops before it overflows
            rows.append(run_case(f"big{n1}x{n2}_{alt}", (700 + i, n1, 2, 0.0, 1.0, 0, False),
                                 (800 + i, n2, 2, 0.03125, 1.0, 0, False), alt))
    # ties: integer-valued data
    for i, (n1, n2, k) in enumerate([(30, 40, 5), (100, 80, 3), (500, 400, 20), (12, 12, 2)]):
        for alt in ALTS:
            rows.append(run_case(f"ties{n1}x{n2}k{k}_{alt}", (900 + i, n1, 1, 0.0, float(k), 0, False),
                                 (950 + i, n2, 1, 0.0, float(k), 0, False), alt))
    # identical samples, n = 1, constant samples, disjoint samples
    for alt in ALTS:
        rows.append(run_case(f"identical_{alt}", (11, 25, 0, 0.0, 1.0, 0, False),
                             (11, 25, 0, 0.0, 1.0, 0, False), alt))
        rows.append(run_case(f"n1_{alt}", (12, 1, 0, 0.0, 1.0, 0, False),
                             (13, 10, 0, 0.0, 1.0, 0, False), alt))
        rows.append(run_case(f"n1n1_{alt}", (12, 1, 0, 0.0, 1.0, 0, False),
                             (13, 1, 0, 0.0, 1.0, 0, False), alt))
        rows.append(run_case(f"n1n1asymp_{alt}", (12, 1, 0, 0.0, 1.0, 0, False),
                             (13, 1, 0, 0.0, 1.0, 0, False), alt, "asymp"))
        rows.append(run_case(f"const_{alt}", (14, 20, 3, 2.5, 0.0, 0, False),
                             (15, 30, 3, 2.5, 0.0, 0, False), alt))
        rows.append(run_case(f"const2_{alt}", (14, 20, 3, 2.5, 0.0, 0, False),
                             (15, 30, 3, 3.5, 0.0, 0, False), alt))
        rows.append(run_case(f"disjoint_{alt}", (16, 20, 0, 0.0, 1.0, 0, False),
                             (17, 30, 0, 2.0, 1.0, 0, False), alt))
        rows.append(run_case(f"disjoint_asymp_{alt}", (16, 20, 0, 0.0, 1.0, 0, False),
                             (17, 30, 0, 2.0, 1.0, 0, False), alt, "asymp"))
    # forced exact and forced asymp
    for i, (n1, n2) in enumerate([(7, 13), (60, 45), (250, 260), (1200, 800), (20000, 15000)]):
        for alt in ALTS:
            for method in ["exact", "asymp"]:
                if method == "exact" and n1 * n2 > 1e7 and alt != "two-sided":
                    continue  # scipy's python loop before the overflow fallback is slow
                if method == "exact" and n1 * n2 > 1e8:
                    continue
                rows.append(run_case(f"forced{method}{n1}x{n2}_{alt}", (1100 + i, n1, 0, 0.0, 1.0, 0, False),
                                     (1200 + i, n2, 0, 0.0625, 1.0, 0, False), alt, method))
    # huge values
    for alt in ALTS:
        rows.append(run_case(f"huge_{alt}", (21, 40, 0, 0.0, 2.0**996, 0, False),
                             (22, 35, 0, -(2.0**994), 2.0**996, 0, False), alt))
        rows.append(run_case(f"huge_neg_{alt}", (23, 40, 2, -(2.0**994), 2.0**993, 0, False),
                             (24, 35, 0, -(2.0**996), 2.0**997, 0, False), alt))
    # float32 input
    for i, (n1, n2) in enumerate([(30, 40), (500, 300), (3000, 12000)]):
        for alt in ALTS:
            rows.append(run_case(f"f32_{n1}x{n2}_{alt}", (1300 + i, n1, 2, 0.0, 0.25, 0, True),
                                 (1400 + i, n2, 2, 0.01, 0.25, 0, True), alt))
    # large shifted samples: 'auto' -> asymptotic, two-sided p-value in the Smirnov band
    # (en*d^2 from ~2 to ~200); samples are regenerated from the spec, not stored
    big = [(20000, 20000, 0, 0.015625), (50000, 30000, 0, 0.0078125), (100000, 100000, 0, 0.015625),
           (100000, 100000, 2, 0.03125), (200000, 150000, 0, 0.0078125), (200000, 200000, 0, 0.03125)]
    for i, (n1, n2, kind, shift) in enumerate(big):
        alts = ["two-sided"] if i % 2 else list(ALTS)
        for alt in alts:
            rows.append(run_case(f"shift{n1}x{n2}k{kind}_{alt}", (1500 + i, n1, kind, 0.0, 1.0, 0, False),
                                 (1600 + i, n2, kind, shift, 1.0, 0, False), alt))
    # NaN handling
    for alt in ALTS:
        rows.append(run_case(f"nan_propagate_{alt}", (31, 30, 0, 0.0, 1.0, 7, False),
                             (32, 20, 0, 0.125, 1.0, 0, False), alt, "auto", "propagate"))
        rows.append(run_case(f"nan_omit_{alt}", (31, 30, 0, 0.0, 1.0, 7, False),
                             (32, 20, 0, 0.125, 1.0, 5, False), alt, "auto", "omit"))
        rows.append(run_case(f"nan_omit_f32_{alt}", (33, 60, 0, 0.0, 1.0, 4, True),
                             (34, 50, 0, 0.125, 1.0, 3, True), alt, "auto", "omit"))
    return rows


def pvalue_cases():
    """The p-value step on a grid: returns (n1, n2, d_in, alt, method, d_out, p, used)."""
    rows = []
    sizes = [(1, 1), (1, 2), (2, 1), (3, 3), (5, 7), (10, 10), (10, 15), (12, 18), (25, 40),
             (50, 50), (64, 96), (99, 100), (137, 211), (200, 200), (300, 450), (400, 650),
             (512, 512), (600, 601), (1000, 1500), (2000, 2000), (1500, 3500), (10000, 10000),
             (10001, 10001), (20000, 30000), (100000, 100000), (400000, 1000000),
             (1000000, 1000000), (3000000, 2000000), (7, 9000)]
    for n1, n2 in sizes:
        g = math.gcd(n1, n2)
        lcm = n1 // g * n2
        ds = set()
        for frac in [0.0, 0.3, 0.6, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 12.0, 20.0, 40.0]:
            # around the typical null scale 1/sqrt(en)
            en = n1 * n2 / (n1 + n2)
            d = frac / math.sqrt(en)
            if d <= 1.0:
                h = round(d * lcm)
                ds.add(h / lcm)
        ds.update([1.0, 0.5, 1.0 / max(n1, n2), 0.999])
        for d in sorted(ds):
            for alt in ALTS:
                for method in ["auto", "exact", "asymp"]:
                    if method != "asymp" and (n1 * n2 > 2e8):
                        continue
                    if method != "asymp" and alt != "two-sided" and n1 != n2 and n1 + n2 > 5000:
                        continue  # scipy's python path count before overflow is slow
                    if method == "auto" and max(n1, n2) > 10000:
                        pass
                    rows.append(pvalue_row(n1, n2, d, alt, method))
    return rows


def pvalue_row(n1, n2, d, alt, method):
    """Mirrors the tail of scipy.stats.ks_2samp (after the statistic) using scipy's own
    private helpers, so the values are scipy's."""
    g = math.gcd(n1, n2)
    n1g, n2g = n1 // g, n2 // g
    mode = method
    if mode == "auto":
        mode = "exact" if max(n1, n2) <= 10000 else "asymp"
    elif mode == "exact":
        if n1g >= np.iinfo(np.int32).max / n2g:
            mode = "asymp"
    dd = d
    prob = -np.inf
    if mode == "exact":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            success, dd, prob = _stats_py._attempt_exact_2kssamp(n1, n2, g, d, alt)
        if not success:
            mode = "asymp"
    if mode == "asymp":
        m, n = sorted([float(n1), float(n2)], reverse=True)
        en = m * n / (m + n)
        if alt == "two-sided":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                prob = stats.kstwo.sf(dd, np.round(en))
        else:
            z = np.sqrt(en) * dd
            expt = -2 * z**2 - 2 * z * (m + 2 * n) / np.sqrt(m * n * (m + n)) / 3.0
            prob = np.exp(expt)
    prob = np.clip(prob, 0, 1)
    return "{%d, %d, %s, %d, %d, %s, %s, %d}" % (n1, n2, cnum(d), ALTS[alt], METHODS[method],
                                                cnum(dd), cnum(prob), METHODS[mode])


def kstwo_cases():
    rows = []
    ns = [1, 2, 3, 5, 10, 20, 50, 100, 139, 140, 141, 200, 500, 1000, 5000, 20000, 99999,
          100000, 100001, 300000, 1000000, 1000001, 3000000]
    for n in ns:
        ds = set()
        # every region: t = n*d around 0.5 and 1, n*d >= n-1, d >= 0.5, and n*d^2 around
        # 0.754693, 2.2, 4, 18, 370, and n*d^1.5 around 1.4
        for t in [0.25, 0.5, 0.5000001, 0.6, 0.9, 1.0, 1.0000001, 1.3, 2.0, 3.7]:
            ds.add(t / n)
        for nx2 in [0.1, 0.3, 0.6, 0.754693, 0.7547, 1.0, 1.5, 2.1999, 2.2, 2.5, 3.0, 3.9999, 4.0,
                    4.0001, 6.0, 10.0, 17.9, 18.0, 30.0, 100.0, 369.0, 370.0, 371.0]:
            ds.add(math.sqrt(nx2 / n))
        for nx15 in [0.5, 1.0, 1.3999, 1.4, 1.4001, 2.0]:
            ds.add((nx15 / n) ** (2.0 / 3.0))
        for d in [0.1, 0.25, 0.4999, 0.5, 0.5001, 0.7, 0.9, 0.99, 1.0 - 1.0 / n, 1.0 - 0.5 / n, 1.0, 1.5, 0.0]:
            ds.add(d)
        for d in sorted(ds):
            if not (0.0 <= d <= 1.5):
                continue
            sf = stats.kstwo.sf(d, n)
            rows.append("{%d, %s, %s}" % (n, cnum(d), cnum(sf)))
    # large n across the band n*d^2 in [2.2, 370) where kstwo.sf = 2*smirnov(n, d) (the
    # windowed lattice sum of smirnov_sf), log-spaced, and the band's edges
    for n in [2000, 10000, 100000, 500000, 999999]:
        for nx2 in list(np.geomspace(2.2, 369.9, 24)) + [2.2000001, 369.99]:
            d = math.sqrt(nx2 / n)
            rows.append("{%d, %s, %s}" % (n, cnum(d), cnum(stats.kstwo.sf(d, n))))
    # d >= 1/2 with n > 140 (2*smirnov; non-zero up to n ~ 1417)
    for n in [141, 300, 700, 1000, 1200, 1400, 1417, 1500]:
        for d in [0.5, 0.5 + 1.0 / n, 0.52, 0.55, 0.6, 0.75]:
            rows.append("{%d, %s, %s}" % (n, cnum(d), cnum(stats.kstwo.sf(d, n))))
    return rows


def smirnov_cases():
    """scipy.special.smirnov(n, x): large n across n*x^2 in [2.2, 370) (the windowed lattice
    sum), below 2.2 (term-by-term fallback: log-concavity not proven), and x >= 1/2."""
    rows = []
    for n in [1999, 2000, 5000, 10000, 100000, 500000, 999999, 1000000]:
        grid = list(np.geomspace(2.2, 369.9, 16)) + [2.0000021, 2.0001, 2.1, 369.99, 600.0]
        if n <= 10000:
            grid += [0.05, 0.3, 1.0, 1.9]  # the O(n) term-by-term path: small n only
        else:
            grid += [1.5]
        for nx2 in grid:
            x = math.sqrt(nx2 / n)
            rows.append("{%d, %s, %s}" % (n, cnum(x), cnum(special.smirnov(n, x))))
    for n in [2, 3, 10, 50, 139, 140, 141, 500, 1000, 1400, 1416, 1417, 3000, 4000]:
        for x in [0.3, 0.5, 0.5 + 0.5 / n, 0.55, 0.7, 0.9, 1.0 - 1.5 / n]:
            rows.append("{%d, %s, %s}" % (n, cnum(x), cnum(special.smirnov(n, x))))
    return rows


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "ks_fixtures.inc")
    parts = [
        "// Generated by tests/cpp/data/gen_ks_fixtures.py with scipy %s, numpy %s." % (scipy.__version__, np.__version__),
        "// Do not edit: re-run the script. Included by tests/cpp/test_ks.cpp inside its namespace.",
        "",
        "// {name, gen1, gen2, alternative, method, nan_policy, statistic, pvalue, location, sign, method_used}",
        "const ks_case ks_cases[] = {",
    ]
    parts += ["    " + r + "," for r in ks_cases()]
    parts += ["};", "", "// {n1, n2, d, alternative, method, d_out, pvalue, method_used}",
              "const ks_pvalue_case ks_pvalue_cases[] = {"]
    parts += ["    " + r + "," for r in pvalue_cases()]
    parts += ["};", "", "// {n, d, kstwo.sf(d, n)}", "const kstwo_case kstwo_cases[] = {"]
    parts += ["    " + r + "," for r in kstwo_cases()]
    parts += ["};", "", "// {n, x, scipy.special.smirnov(n, x)}", "const smirnov_case smirnov_cases[] = {"]
    parts += ["    " + r + "," for r in smirnov_cases()]
    parts += ["};", ""]
    with open(path, "w") as f:
        f.write("\n".join(parts))
    print("wrote", path)


if __name__ == "__main__":
    main()
