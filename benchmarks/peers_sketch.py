#!/usr/bin/env python3
"""driftscope's KLL sketch vs Apache DataSketches' (the ``datasketches`` PyPI package), on
the same data at the same k, in one process.

Rows:
  - ``kll_update_many``: ns per value to build a sketch from a numpy array (both sides take
    the whole array in one call), and the retained items;
  - ``kll_update_loop``: ns per value of a Python ``update(x)`` loop (the per-value path);
  - ``kll_rank_error``: over several seeds, the maximum normalized rank error over a grid
    of 1,001 points against the exact ECDF, mean and worst, with the stated bound;
  - ``kll_merge``: ns per sketch to merge 32 sketches;
  - ``ks_accuracy``: KS on sketches, decisions on drift / no-drift pairs (fraction correct
    at alpha = 0.05) and the mean |D_sketch - D_exact| (D_exact by scipy.stats.ks_2samp;
    DataSketches' D taken from its own CDF over the union of both sketches' items).
Ratios are peer / ours (> 1: driftscope is faster or more accurate).

    python benchmarks/peers_sketch.py             # 1e6 values
    python benchmarks/peers_sketch.py --quick     # small, used by the smoke test
    python benchmarks/peers_sketch.py --json
"""

from __future__ import annotations

import argparse
import json
import platform
from importlib import metadata
from typing import Any, Callable, Dict, List

import numpy as np
from scipy import stats

import datasketches

from driftscope.sketch import KLLSketch, ks_test
from _timing import best_seconds




def _ratio(peer: float, ours: float) -> float:
    return peer / ours if ours > 0 else float("inf")


def bench_update(x: np.ndarray, k: int, repeats: int) -> Dict[str, Any]:
    def ours():
        s = KLLSketch(k=k)
        s.update_many(x)
        return s

    def theirs():
        s = datasketches.kll_doubles_sketch(k)
        s.update(x)
        return s

    t_o, t_p = best_seconds(ours, repeats), best_seconds(theirs, repeats)
    n = len(x)
    return {"row": "kll_update_many", "n": n, "k": k, "ours_ns": 1e9 * t_o / n, "peer_ns": 1e9 * t_p / n,
            "ratio": _ratio(t_p, t_o), "ours_retained": ours().num_retained, "peer_retained": theirs().num_retained}


def bench_update_loop(x: np.ndarray, k: int, repeats: int) -> Dict[str, Any]:
    vals = x.tolist()

    def loop(s):
        update = s.update
        for v in vals:
            update(v)

    t_o = best_seconds(lambda: loop(KLLSketch(k=k)), repeats)
    t_p = best_seconds(lambda: loop(datasketches.kll_doubles_sketch(k)), repeats)
    n = len(vals)
    return {"row": "kll_update_loop", "n": n, "k": k, "ours_ns": 1e9 * t_o / n, "peer_ns": 1e9 * t_p / n,
            "ratio": _ratio(t_p, t_o)}


def rank_errors(n: int, k: int, seeds: int) -> Dict[str, Any]:
    ours, theirs = [], []
    for seed in range(seeds):
        x = np.random.default_rng(seed).standard_normal(n)
        sx = np.sort(x)
        pts = sx[np.linspace(0, n - 1, 1001).astype(np.int64)]
        exact = np.searchsorted(sx, pts, side="right") / n
        o = KLLSketch(k=k, seed=seed)
        o.update_many(x)
        p = datasketches.kll_doubles_sketch(k)
        p.update(x)
        ours.append(float(np.max(np.abs(o.cdf(pts) - exact))))
        theirs.append(float(np.max(np.abs(np.asarray(p.get_cdf(pts, True))[:-1] - exact))))
    return {"row": "kll_rank_error", "n": n, "k": k, "seeds": seeds, "bound": 2.296 / k**0.9723,
            "ours_mean": float(np.mean(ours)), "ours_max": max(ours), "peer_mean": float(np.mean(theirs)),
            "peer_max": max(theirs), "ratio": _ratio(float(np.mean(theirs)), float(np.mean(ours)))}


def bench_merge(x: np.ndarray, k: int, repeats: int) -> Dict[str, Any]:
    parts = np.array_split(x, 32)
    ours = []
    theirs = []
    for i, p in enumerate(parts):
        o = KLLSketch(k=k, seed=i)
        o.update_many(p)
        ours.append(o)
        d = datasketches.kll_doubles_sketch(k)
        d.update(p)
        theirs.append(d)

    def merge_ours():
        t = KLLSketch(k=k)
        for o in ours:
            t.merge(o)

    def merge_theirs():
        t = datasketches.kll_doubles_sketch(k)
        for d in theirs:
            t.merge(d)

    t_o, t_p = best_seconds(merge_ours, repeats), best_seconds(merge_theirs, repeats)
    return {"row": "kll_merge", "sketches": len(parts), "k": k, "ours_ns": 1e9 * t_o / len(parts),
            "peer_ns": 1e9 * t_p / len(parts), "ratio": _ratio(t_p, t_o)}


def _peer_delta(a, b) -> float:
    pts = np.unique(np.concatenate([[v for v, _ in a], [v for v, _ in b]]))
    ca = np.asarray(a.get_cdf(pts, True))[:-1]
    cb = np.asarray(b.get_cdf(pts, True))[:-1]
    return float(np.max(np.abs(ca - cb)))


def ks_accuracy(n: int, k: int, pairs: int, alpha: float = 0.05) -> Dict[str, Any]:
    shifts = [0.0, 0.0, 0.05, 0.1, 0.2]
    ours_ok = theirs_ok = 0
    ours_err, theirs_err = [], []
    for i in range(pairs):
        shift = shifts[i % len(shifts)]
        rng = np.random.default_rng(1000 + i)
        a, b = rng.standard_normal(n), rng.standard_normal(n) + shift
        d_exact = stats.ks_2samp(a, b).statistic
        oa, ob = KLLSketch(k=k, seed=i), KLLSketch(k=k, seed=i + 7919)
        oa.update_many(a)
        ob.update_many(b)
        pa, pb = datasketches.kll_doubles_sketch(k), datasketches.kll_doubles_sketch(k)
        pa.update(a)
        pb.update(b)
        r = ks_test(oa, ob, alpha)
        truth = shift != 0.0
        ours_ok += r.drift == truth
        theirs_ok += datasketches.ks_test(pa, pb, alpha) == truth
        ours_err.append(abs(r.statistic - d_exact))
        theirs_err.append(abs(_peer_delta(pa, pb) - d_exact))
    return {"row": "ks_accuracy", "n": n, "k": k, "pairs": pairs, "alpha": alpha,
            "ours_correct": ours_ok / pairs, "peer_correct": theirs_ok / pairs,
            "ours_mean_abs_d_error": float(np.mean(ours_err)), "peer_mean_abs_d_error": float(np.mean(theirs_err)),
            "ratio": _ratio(ours_ok / pairs, theirs_ok / pairs) if theirs_ok else float("inf")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--k", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    n = 20_000 if a.quick else a.n
    repeats = 2 if a.quick else a.repeats
    x = np.random.default_rng(42).standard_normal(n)
    rows: List[Dict[str, Any]] = [
        bench_update(x, a.k, repeats),
        bench_update_loop(x[: min(n, 200_000)], a.k, repeats),
        rank_errors(min(n, 100_000), a.k, 3 if a.quick else 20),
        bench_merge(x, a.k, repeats),
        ks_accuracy(5_000 if a.quick else 20_000, a.k, 5 if a.quick else 40),
    ]
    if a.json:
        print(json.dumps({"machine": platform.processor() or platform.machine(),
                          "datasketches": metadata.version("datasketches"), "rows": rows}, indent=1))
        return
    for r in rows:
        print(r["row"], " ".join(f"{key}={val:.4g}" if isinstance(val, float) else f"{key}={val}"
                                 for key, val in r.items() if key != "row"))


if __name__ == "__main__":
    main()
