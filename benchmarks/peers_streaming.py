#!/usr/bin/env python3
"""driftscope's EcdfWindow (exact KS / Wasserstein on a sliding window against a prepared
reference) vs recomputing scipy.stats.ks_2samp (and wasserstein_distance) on the window at
every evaluation point, on the same stream, in one process.

For each scenario (window size / stride, reference size) it prints:
  - ours: ``EcdfWindow.update_many`` on the whole stream (GIL released; KS statistic, p-value
    and Wasserstein at every evaluation point), ns per value and per evaluation;
  - ours_loop: ``update(x)`` in a Python loop plus ``ks()`` at each evaluation point;
  - peer: scipy.stats.ks_2samp(reference, window) at each evaluation point (the window's
    values are a slice, so the peer pays for nothing but the statistics), and
    peer_ks_w: the same plus scipy.stats.wasserstein_distance;
and the ratios peer / ours (> 1: driftscope is faster), plus whether the KS statistics at
every evaluation point were identical and the p-values equal to 1e-9 relative.

    python benchmarks/peers_streaming.py            # 100,000-value reference
    python benchmarks/peers_streaming.py --quick    # tiny, used by the smoke test
    python benchmarks/peers_streaming.py --json
"""

from __future__ import annotations

import argparse
import json
import platform
from typing import Any, Dict, List

import numpy as np
import scipy
import scipy.stats

import driftscope
from _timing import best_seconds

try:  # the public home after integration
    from driftscope.window import EcdfWindow  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - before integration
    from driftscope._core import EcdfWindow




def run_case(n_ref: int, size: int, stride: int, n: int, repeats: int, seed: int = 1) -> Dict[str, Any]:
    rng = np.random.default_rng(seed)
    ref = rng.normal(0.0, 1.0, n_ref)
    x = rng.normal(0.0, 1.0, n)
    x[n // 2 :] += 0.2  # a drift half way
    prof = driftscope.ReferenceProfile(ref) if hasattr(driftscope, "ReferenceProfile") else None
    if prof is None:  # pragma: no cover
        from driftscope._core import ReferenceProfile

        prof = ReferenceProfile(ref)

    res: Dict[str, Any] = {}

    def ours():
        res["r"] = EcdfWindow(prof, kind="sliding", size=size, stride=stride).update_many(x)

    def ours_loop():
        w = EcdfWindow(prof, kind="sliding", size=size, stride=stride)
        stats = []
        for v in x.tolist():
            if w.update(v):
                stats.append(w.ks().statistic)
        res["loop"] = stats

    t_ours = best_seconds(ours, repeats)
    t_loop = best_seconds(ours_loop, max(1, repeats - 1))
    r = res["r"]
    ends = r.ends

    def peer():
        out = [scipy.stats.ks_2samp(ref, x[e - size : e]) for e in ends]
        res["peer"] = out

    def peer_ks_w():
        for e in ends:
            cur = x[e - size : e]
            scipy.stats.ks_2samp(ref, cur)
            scipy.stats.wasserstein_distance(ref, cur)

    t_peer = best_seconds(peer, 1)
    t_peer_w = best_seconds(peer_ks_w, 1)
    peer_stat = np.array([p.statistic for p in res["peer"]])
    peer_p = np.array([p.pvalue for p in res["peer"]])
    same = bool(
        np.array_equal(r.ks_statistic, peer_stat)
        and np.array_equal(np.asarray(res["loop"]), peer_stat)
        and np.allclose(r.ks_pvalue, peer_p, rtol=1e-9, atol=0)
    )
    n_eval = max(1, len(ends))
    return dict(
        scenario=f"sliding size={size} stride={stride} ref={n_ref}",
        size=size,
        stride=stride,
        n_reference=n_ref,
        n_values=n,
        evaluations=len(ends),
        ours_ns=t_ours / n * 1e9,
        ours_loop_ns=t_loop / n * 1e9,
        peer_ns=t_peer / n * 1e9,
        peer_ks_w_ns=t_peer_w / n * 1e9,
        ours_eval_us=t_ours / n_eval * 1e6,
        peer_eval_us=t_peer / n_eval * 1e6,
        ratio=t_peer / t_ours,
        ratio_loop=t_peer / t_loop,
        ratio_ks_w=t_peer_w / t_ours,
        same_results=same,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n-ref", type=int, default=100_000, help="reference size")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="small reference and stream (smoke test)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if a.quick:
        cases = [(20_000, 1000, 100, 4_000), (20_000, 2000, 500, 6_000)]
        repeats = 1
    else:
        cases = [(a.n_ref, 1000, 100, 50_000), (a.n_ref, 10_000, 1000, 100_000)]
        repeats = a.repeats
    rows: List[Dict[str, Any]] = [run_case(nr, s, st, n, repeats) for nr, s, st, n in cases]
    if a.json:
        print(json.dumps({"machine": platform.processor() or platform.machine(), "scipy": scipy.__version__,
                          "rows": rows}, indent=1))
        return
    print(f"scipy {scipy.__version__}, driftscope {driftscope.__version__}; ns per value (ratio = scipy / ours)")
    hdr = (f"{'scenario':44} {'evals':>6} {'ours':>9} {'ours_loop':>10} {'scipy_ks':>10} {'scipy_ks+w':>11}"
           f" {'us/eval ours':>13} {'us/eval scipy':>14} {'ratio':>7} {'ratio_loop':>10} {'ratio_ks+w':>10} same")
    print(hdr)
    for r in rows:
        print(f"{r['scenario']:44} {r['evaluations']:>6} {r['ours_ns']:>9.0f} {r['ours_loop_ns']:>10.0f}"
              f" {r['peer_ns']:>10.0f} {r['peer_ks_w_ns']:>11.0f} {r['ours_eval_us']:>13.1f}"
              f" {r['peer_eval_us']:>14.1f} {r['ratio']:>7.1f} {r['ratio_loop']:>10.1f} {r['ratio_ks_w']:>10.1f}"
              f" {r['same_results']}")


if __name__ == "__main__":
    main()
