#!/usr/bin/env python3
"""Generates tests/cpp/data/anderson_epps_fixtures.inc: scipy.stats.anderson_ksamp and
scipy.stats.epps_singleton_2samp reference values for tests/cpp/test_anderson_epps.cpp.

Run from anywhere (scipy 1.17.1, numpy 2.x):
    python3 tests/cpp/data/gen_anderson_epps_fixtures.py

The input samples are written out in full (repr of each float64, which round-trips), so
the C++ test sees exactly the arrays scipy saw. Permutation cases are all small enough for
scipy to enumerate every partition (n_resamples >= the number of partitions), so their
p-values are exact and do not depend on any random generator.
"""
import math
import pathlib
import warnings

import numpy as np
import scipy
from scipy import stats

OUT = pathlib.Path(__file__).with_name("anderson_epps_fixtures.inc")
VARIANTS = {"midrank": 0, "right": 1, "continuous": 2}
POLICIES = {"propagate": 0, "raise": 1, "omit": 2}


def lit(v):
    v = float(v)
    if math.isnan(v):
        return "kNaN"
    if math.isinf(v):
        return "kInf" if v > 0 else "-kInf"
    return repr(v)


def arr(a):
    return "{" + ", ".join(lit(v) for v in a) + "}"


def n_partitions(sizes):
    total, cum = 1, 0
    for n in sizes:
        cum += n
        total *= math.comb(cum, n)
    return total


def anderson_cases(rng):
    cases = []

    def add(name, samples, variant="midrank", n_resamples=0):
        samples = [np.asarray(s, dtype=np.float64) for s in samples]
        method = None
        if n_resamples:
            assert n_partitions([s.size for s in samples]) <= n_resamples, name
            method = stats.PermutationMethod(n_resamples=n_resamples)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # variant= selects the statistic; midrank= (deprecated) gives critical_values
            r = stats.anderson_ksamp(samples, variant=variant, method=method)
            crit = stats.anderson_ksamp(samples, midrank=True).critical_values
        capped = bool(method is None and (r.statistic < crit.min() or r.statistic > crit.max()))
        cases.append((name, samples, VARIANTS[variant], n_resamples, float(r.statistic), crit, float(r.pvalue),
                      capped))

    # two samples, all three variants, p-values from capped-high through interpolated to floored
    for i, (n1, n2, shift) in enumerate([(5, 7, 0.0), (10, 10, 0.8), (30, 45, 0.3), (100, 70, 0.25),
                                         (500, 400, 0.1), (60, 50, 1.5), (3, 200, 0.5), (1, 12, 2.0)]):
        a, b = rng.normal(size=n1), rng.normal(shift, 1.0, size=n2)
        for v in VARIANTS:
            add(f"rand_{v}_{n1}x{n2}", [a, b], v)
    # interpolated p-values: redraw (deterministically) until the statistic is inside the table
    for n1, n2 in [(15, 20), (50, 50), (200, 150), (1000, 800)]:
        for _ in range(100):
            a, b = rng.normal(size=n1), rng.normal(0.3 * math.sqrt(50 / n1), 1.0, size=n2)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = stats.anderson_ksamp([a, b], midrank=True)
            if r.critical_values.min() < r.statistic < r.critical_values.max():
                break
        for v in VARIANTS:
            add(f"interp_{v}_{n1}x{n2}", [a, b], v)
    # more samples
    add("three_20_30_25", [rng.normal(size=20), rng.normal(0.4, 1, size=30), rng.normal(size=25)])
    add("four_15_15_15_40", [rng.normal(size=15), rng.normal(size=15), rng.normal(0.7, 1, size=15),
                             rng.normal(size=40)], "right")
    add("six_mixed", [rng.normal(size=n) for n in (2, 9, 17, 4, 30, 11)], "continuous")
    add("ten_small", [rng.normal(0.05 * i, 1, size=5) for i in range(10)])
    # ties between and within samples
    ta, tb, tc = rng.integers(0, 5, size=40), rng.integers(1, 6, size=35), rng.integers(0, 4, size=22)
    for v in VARIANTS:
        add(f"ties_{v}_40x35", [ta, tb], v)
        add(f"ties_{v}_3samples", [ta, tb, tc], v)
    add("ties_two_values", [[0, 0, 1, 1, 1], [0, 1, 1, 1, 1, 1, 1]])
    add("identical_samples", [np.arange(12.0), np.arange(12.0)])
    add("disjoint_samples", [np.arange(12.0), np.arange(12.0) + 100])
    add("single_then_ties", [[2.0], [1.0, 2.0, 2.0, 3.0]], "right")
    # ordinary values at the extremes
    add("inf_values", [[-np.inf, 0.5, 1.0, 2.0, np.inf, 3.0], [np.inf, 0.1, -1.0, 4.0, 5.0, -np.inf, 0.7]])
    add("huge_values", [rng.normal(size=25) * 1e300, rng.normal(0.5, 1, size=30) * 1e300])
    add("tiny_values", [rng.normal(size=25) * 1e-300, rng.normal(size=18) * 1e-300])
    add("signed_zeros", [[-0.0, 0.0, 1.0, -1.0, 2.0], [0.0, 0.0, -0.0, 3.0]])
    # exact permutation p-values (every partition enumerated)
    add("perm_midrank_4x5", [rng.normal(size=4), rng.normal(0.8, 1, size=5)], "midrank", 9999)
    add("perm_right_6x5_ties", [rng.integers(0, 3, size=6), rng.integers(0, 4, size=5)], "right", 9999)
    add("perm_continuous_3x3x3", [rng.normal(size=3), rng.normal(size=3), rng.normal(1, 1, size=3)],
        "continuous", 9999)
    add("perm_midrank_7x7_ties", [rng.integers(0, 4, size=7), rng.integers(1, 5, size=7)], "midrank", 3432)
    add("perm_midrank_2x2x3", [[0.1, 0.5], [1.5, 2.0], [-1.0, 3.0, 0.7]], "midrank", 210)
    add("perm_midrank_exact_count", [rng.normal(size=5), rng.normal(size=6)], "midrank", 462)
    return cases


def epps_cases(rng):
    cases = []

    def add(name, x, y, t=(0.4, 0.8), policy="propagate"):
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        t = np.atleast_1d(np.asarray(t, dtype=np.float64))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = stats.epps_singleton_2samp(x, y, t=t, nan_policy=policy)
        cases.append((name, x, y, t, POLICIES[policy], float(r.statistic), float(r.pvalue)))

    # the small-sample correction applies when max(nx, ny) < 25
    for nx, ny, shift in [(5, 5, 0.0), (10, 12, 0.5), (24, 20, 1.0), (25, 20, 1.0), (30, 45, 0.3),
                          (100, 80, 0.2), (400, 350, 0.1), (60, 50, 2.0), (6, 300, 0.5)]:
        add(f"rand_{nx}x{ny}", rng.normal(size=nx), rng.normal(shift, 1.3, size=ny))
    a, b = rng.normal(size=40), rng.standard_t(3, size=45)
    add("t_single", a, b, (0.4,))
    add("t_three", a, b, (0.2, 0.5, 1.0))
    add("t_large", a, b, (1.0, 2.5, 7.0))
    add("t_repeated_rank_deficient", a, b, (0.4, 0.4))
    add("ties_integers", rng.integers(0, 6, size=50), rng.integers(1, 7, size=60))
    add("ties_two_values", [0, 0, 0, 1, 1, 1, 0, 1], [0, 1, 1, 1, 1, 1, 0, 1, 1])
    z = rng.normal(size=30)
    add("identical_samples", z, z.copy())
    add("far_apart", rng.normal(size=50), rng.normal(30, 1, size=40))
    add("huge_values", rng.normal(size=30) * 1e300, rng.normal(0.3, 1, size=35) * 1e300)
    add("tiny_values", rng.normal(size=30) * 1e-300, rng.normal(0.3, 1, size=35) * 1e-300)
    add("location_1e8", rng.normal(size=60) + 1e8, rng.normal(0.2, 1, size=55) + 1e8)
    add("inf_value", [0.5, 1.0, np.inf, 2.0, 3.0, 4.0], [1.5, 2.5, 3.5, 0.0, -1.0])
    xn = rng.normal(size=12)
    xn[[2, 7]] = np.nan
    yn = rng.normal(size=14)
    yn[5] = np.nan
    add("nan_propagate", xn, yn, policy="propagate")
    add("nan_omit", xn, yn, policy="omit")
    return cases


def main():
    rng = np.random.default_rng(20261127)
    lines = [
        f"// Generated by tests/cpp/data/gen_anderson_epps_fixtures.py with scipy {scipy.__version__}, "
        f"numpy {np.__version__}.",
        "// Do not edit: re-run the script. Included by tests/cpp/test_anderson_epps.cpp inside its namespace.",
        "",
        "// {name, samples, variant (0 midrank, 1 right, 2 continuous), n_resamples (0: asymptotic,",
        "//  else an exact permutation test), statistic, critical_values, pvalue, pvalue_capped}",
        "const anderson_case anderson_cases[] = {",
    ]
    for name, samples, v, nres, s, crit, p, capped in anderson_cases(rng):
        lines.append(f'    {{"{name}", {{{", ".join(arr(x) for x in samples)}}}, {v}, {nres}, {lit(s)}, '
                     f'{arr(crit)}, {lit(p)}, {str(capped).lower()}}},')
    lines += ["};", "", "// {name, x, y, t, nan_policy (0 propagate, 1 raise, 2 omit), statistic, pvalue}",
              "const epps_case epps_cases[] = {"]
    for name, x, y, t, pol, s, p in epps_cases(rng):
        lines.append(f'    {{"{name}", {arr(x)}, {arr(y)}, {arr(t)}, {pol}, {lit(s)}, {lit(p)}}},')
    lines += ["};", ""]
    OUT.write_text("\n".join(lines))


if __name__ == "__main__":
    main()
