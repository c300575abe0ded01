#!/usr/bin/env python3
"""driftscope vs its peers (numpy, scipy) on the same data, in one process.

Prints a markdown table: case, n, driftscope ms, peer, peer ms, ratio (peer ms /
driftscope ms, > 1 means driftscope is faster) and the largest relative difference
between the two results (a sanity check that both computed the same thing).
Times are the best of --repeats runs; quote ratios, not absolute times (shared machines
are noisy).

    python benchmarks/peers.py                 # full sizes (1e6 / 1e7)
    python benchmarks/peers.py --quick         # tiny sizes, used by the smoke test
    python benchmarks/peers.py --json          # machine-readable
    python benchmarks/peers.py --kernel SSE4   # force a SIMD target (see --list-kernels)

Note: the environment may set OPENBLAS_CORETYPE; that only affects BLAS routines, which
none of these kernels (sorting, binning, ECDF walks, log sums) use.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
import warnings
from typing import Any, Callable, Dict, List

import numpy as np
import scipy
import scipy.spatial.distance
import scipy.stats

import driftscope
from driftscope import _core


def best_ms(fn: Callable[[], Any], repeats: int) -> "tuple[float, Any]":
    """Best wall time of ``repeats`` calls in milliseconds, and the last result."""
    best = float("inf")
    out = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1e3, out


def _n(x: int) -> str:
    """1000000 -> '1e6'."""
    e = len(str(x)) - 1
    return f"1e{e}" if x == 10**e else str(x)


def rel_diff(a: float, b: float) -> float:
    a, b = float(a), float(b)
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


# --------------------------------------------------------------------------- numpy baselines


def numpy_psi_prepared(edges: np.ndarray, ref_prop: np.ndarray, cur: np.ndarray, eps: float = 1e-4) -> float:
    """Bin counting against prepared reference edges + the PSI formula."""
    counts = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=edges.size + 1)
    c = np.clip(counts / cur.size, eps, None)
    return float(np.sum((c - ref_prop) * np.log(c / ref_prop)))


def numpy_psi_one_shot(ref: np.ndarray, cur: np.ndarray, bins: int = 10, eps: float = 1e-4) -> float:
    """Quantile edges of the reference, both histograms, the PSI formula."""
    edges = np.unique(np.quantile(ref, np.arange(1, bins) / bins))
    rc = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=edges.size + 1)
    cc = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=edges.size + 1)
    r = np.clip(rc / ref.size, eps, None)
    c = np.clip(cc / cur.size, eps, None)
    return float(np.sum((c - r) * np.log(c / r)))


def numpy_kl_one_shot(ref: np.ndarray, cur: np.ndarray, bins: int = 10, eps: float = 1e-4) -> float:
    """KL(ref || cur) on reference-decile bins, proportions floored at eps (scipy.stats.entropy renormalizes)."""
    edges = np.unique(np.quantile(ref, np.arange(1, bins) / bins))
    r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=edges.size + 1) / ref.size
    c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=edges.size + 1) / cur.size
    return float(scipy.stats.entropy(np.maximum(r, eps), np.maximum(c, eps)))


def mmd_cases(case: Callable[..., None], rng: np.random.Generator, quick: bool) -> None:
    """MMD on 2,000 x 10 against alibi-detect's MMDDrift when it is installed (it needs torch or
    tensorflow, several GB: `pip install alibi-detect[torch]`); otherwise driftscope alone is not
    a comparison and the case is left out."""
    try:
        from alibi_detect.cd import MMDDrift
    except ImportError:
        print("peers: alibi-detect not installed, MMD case skipped", file=sys.stderr)
        return
    n = 200 if quick else 2_000
    x = rng.normal(0.0, 1.0, (n, 10)).astype(np.float32)
    y = rng.normal(0.1, 1.0, (n, 10)).astype(np.float32)
    detector = MMDDrift(x, backend="pytorch", p_val=0.05, n_permutations=100)
    case("mmd (exact, 100 permutations)", f"{n}x10+{n}x10", lambda: driftscope.mmd(x, y).statistic,
         "alibi-detect MMDDrift (pytorch)", lambda: float(detector.predict(y)["data"]["distance"]))


# --------------------------------------------------------------------------- cases


def run_cases(quick: bool, repeats: int, seed: int) -> List[Dict[str, Any]]:
    rng = np.random.default_rng(seed)
    n_big = 10_000 if quick else 10_000_000
    n = 1_000 if quick else 1_000_000
    ref = rng.normal(0.0, 1.0, n)
    cur = rng.normal(0.05, 1.02, n)
    cur_big = rng.normal(0.05, 1.02, n_big)
    same = rng.normal(0.0, 1.0, n)  # no drift: scipy's p-value is cheap here, the sort dominates
    ks_fields = lambda r: (r.statistic, r.pvalue)  # noqa: E731
    rows: List[Dict[str, Any]] = []

    def case(name: str, size: str, ours: Callable[[], Any], peer_name: str, peer: Callable[[], Any],
             value: Callable[[Any], Any] = float) -> None:
        ours_ms, ours_out = best_ms(ours, repeats)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            peer_ms, peer_out = best_ms(peer, repeats)
        rows.append({
            "case": name,
            "n": size,
            "driftscope_ms": ours_ms,
            "peer": peer_name,
            "peer_ms": peer_ms,
            "ratio": peer_ms / ours_ms if ours_ms > 0 else float("inf"),
            "max_rel_diff": max(rel_diff(a, b) for a, b in zip(np.atleast_1d(value(ours_out)),
                                                                np.atleast_1d(value(peer_out)))),
        })

    profile = driftscope.ReferenceProfile(ref, bins=10)
    edges = np.asarray(profile.edges)
    ref_prop = np.clip(np.asarray(profile.counts) / profile.n, 1e-4, None)
    case("bin counting + PSI (ReferenceProfile.psi)", _n(n_big),
         lambda: profile.psi(cur_big).statistic, "numpy searchsorted+bincount",
         lambda: numpy_psi_prepared(edges, ref_prop, cur_big))
    case("psi one-shot (incl. quantiles)", f"{_n(n)}+{_n(n)}",
         lambda: driftscope.psi(ref, cur).statistic, "numpy quantile+searchsorted+bincount",
         lambda: numpy_psi_one_shot(ref, cur))
    for label, data in (("small shift", cur), ("no drift", same)):
        case(f"ks_2samp ({label})", f"{_n(n)}+{_n(n)}",
             lambda d=data: driftscope.ks_2samp(ref, d), "scipy.stats.ks_2samp",
             lambda d=data: scipy.stats.ks_2samp(ref, d), value=ks_fields)
        case(f"ReferenceProfile.ks ({label})", _n(n),
             lambda d=data: profile.ks(d), "scipy.stats.ks_2samp",
             lambda d=data: scipy.stats.ks_2samp(ref, d), value=ks_fields)
    case("wasserstein_distance", f"{_n(n)}+{_n(n)}",
         lambda: driftscope.wasserstein_distance(ref, cur), "scipy.stats.wasserstein_distance",
         lambda: scipy.stats.wasserstein_distance(ref, cur))
    p = rng.random(n)
    q = rng.random(n)
    case("jensenshannon", _n(n),
         lambda: driftscope.jensenshannon(p, q), "scipy.spatial.distance.jensenshannon",
         lambda: scipy.spatial.distance.jensenshannon(p, q))
    for size in ((1_000, 10_000) if quick else (100_000, 1_000_000)):
        catalogue_cases(case, rng, size)
    mmd_cases(case, rng, quick)
    return rows


def catalogue_cases(case: Callable[..., None], rng: np.random.Generator, n: int) -> None:
    """The rest of the two-sample catalogue against scipy / statsmodels, n values per sample."""
    import statsmodels.stats.multitest as smm

    x = rng.normal(0.0, 1.0, n)
    y = rng.normal(0.02, 1.0, n)
    size = f"{_n(n)}+{_n(n)}"
    two = lambda r: (r.statistic, r.pvalue)  # noqa: E731
    case("mannwhitneyu (asymptotic)", size, lambda: driftscope.mannwhitneyu(x, y), "scipy.stats.mannwhitneyu",
         lambda: scipy.stats.mannwhitneyu(x, y), value=two)
    case("ttest_ind (Welch)", size, lambda: driftscope.ttest_ind(x, y, equal_var=False), "scipy.stats.ttest_ind",
         lambda: scipy.stats.ttest_ind(x, y, equal_var=False), value=two)
    case("cramervonmises_2samp (asymptotic)", size, lambda: driftscope.cramervonmises_2samp(x, y),
         "scipy.stats.cramervonmises_2samp", lambda: scipy.stats.cramervonmises_2samp(x, y), value=two)
    case("energy_distance", size, lambda: driftscope.energy_distance(x, y), "scipy.stats.energy_distance",
         lambda: scipy.stats.energy_distance(x, y))
    pv = rng.random(n)
    case("multipletests (holm)", _n(n), lambda: driftscope.multipletests(pv, method="holm")[1],
         "statsmodels multipletests", lambda: smm.multipletests(pv, method="holm")[1], value=lambda a: a)
    case("multipletests (fdr_bh)", _n(n), lambda: driftscope.multipletests(pv, method="fdr_bh")[1],
         "statsmodels multipletests", lambda: smm.multipletests(pv, method="fdr_bh")[1], value=lambda a: a)
    case("anderson_ksamp (asymptotic)", size, lambda: driftscope.anderson_ksamp([x, y]), "scipy.stats.anderson_ksamp",
         lambda: scipy.stats.anderson_ksamp([x, y]), value=lambda r: (r.statistic, r.pvalue))
    case("epps_singleton_2samp", size, lambda: driftscope.epps_singleton_2samp(x, y),
         "scipy.stats.epps_singleton_2samp", lambda: scipy.stats.epps_singleton_2samp(x, y), value=two)
    case("normed_wasserstein", size, lambda: driftscope.normed_wasserstein(x, y).statistic,
         "scipy wasserstein_distance / np.std", lambda: scipy.stats.wasserstein_distance(x, y) / np.std(x))
    case("kl_divergence (10 quantile bins)", size, lambda: driftscope.kl_divergence(x, y).statistic,
         "numpy quantile+searchsorted+bincount, scipy.stats.entropy", lambda: numpy_kl_one_shot(x, y))
    table = np.stack([rng.integers(1, 1000, n // 100), rng.integers(1, 1000, n // 100)]).astype(np.float64)
    case("chi2_contingency (2 x k)", f"k={_n(n // 100)}", lambda: driftscope.chi2_contingency(table),
         "scipy.stats.chi2_contingency", lambda: scipy.stats.chi2_contingency(table), value=two)


def to_markdown(rows: List[Dict[str, Any]], meta: Dict[str, Any]) -> str:
    out = [
        f"driftscope {meta['driftscope']} (kernel {meta['kernel']}), numpy {meta['numpy']}, "
        f"scipy {meta['scipy']}, python {meta['python']}; best of {meta['repeats']}",
        "",
        "| case | n | driftscope ms | peer | peer ms | ratio | max rel diff |",
        "|---|---|---:|---|---:|---:|---:|",
    ]
    for r in rows:
        out.append(
            f"| {r['case']} | {r['n']} | {r['driftscope_ms']:.3f} | {r['peer']} | {r['peer_ms']:.3f} | "
            f"{r['ratio']:.1f}x | {r['max_rel_diff']:.1e} |"
        )
    return "\n".join(out)


def main(argv: "List[str] | None" = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    ap.add_argument("--repeats", type=int, default=None, help="best of N runs (default 5, 2 with --quick)")
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    ap.add_argument("--kernel", default=None, help="force a SIMD target (one of --list-kernels)")
    ap.add_argument("--list-kernels", action="store_true", help="print the available SIMD targets and exit")
    args = ap.parse_args(argv)
    if args.list_kernels:
        print("\n".join(_core.kernel_targets()))
        return 0
    repeats = args.repeats if args.repeats is not None else (2 if args.quick else 5)
    if repeats < 1:
        ap.error("--repeats must be >= 1")
    if args.kernel:
        try:
            _core.force_kernel_target(args.kernel)
        except ValueError as e:
            ap.error(str(e))
    meta = {
        "driftscope": driftscope.__version__,
        "kernel": _core.kernel_target(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "python": platform.python_version(),
        "repeats": repeats,
        "quick": args.quick,
    }
    rows = run_cases(args.quick, repeats, args.seed)
    if args.json:
        print(json.dumps({"meta": meta, "cases": rows}, indent=2))
    else:
        print(to_markdown(rows, meta))
    return 0


if __name__ == "__main__":
    sys.exit(main())
