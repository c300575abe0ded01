#!/usr/bin/env python3
"""driftscope's Hodges-Lehmann interval (the canary judge's core) vs the direct way to compute
it in NumPy, on the same data, in one process.

The peer forms all m*n differences (``np.subtract.outer``) and takes the median and the two
order statistics of R's asymptotic ``wilcox.test`` interval with ``np.partition`` — what a
port of Kayenta's MannWhitney (root-finding over ranks) reduces to once the root is known
to be a difference, and the fastest exact alternative in NumPy. It needs m*n*8 bytes; rows
past ``--peer-max`` values per arm skip it. Ratios are peer / ours (> 1: driftscope faster);
the results must agree exactly.

    python benchmarks/peers_canary.py             # 60, 1,000, 5,000, 20,000 per arm
    python benchmarks/peers_canary.py --quick
    python benchmarks/peers_canary.py --json
"""

from __future__ import annotations

import argparse
import json
import math
import platform
from typing import Any, Callable, Dict, List

import numpy as np
from scipy.stats import norm

from driftscope.stats import hodges_lehmann
from _timing import best_seconds




def numpy_hodges_lehmann(x: np.ndarray, y: np.ndarray, confidence: float) -> tuple:
    """All differences, then the order statistics of R's asymptotic interval (no ties)."""
    m, n = x.size, y.size
    d = np.subtract.outer(x, y).ravel()
    N = d.size
    sigma = math.sqrt(m * n / 12 * (m + n + 1))
    z = norm.ppf(0.5 + confidence / 2)

    def crossing(s: float) -> int:  # smallest c with (N/2 - c) - 0.5 sign(N/2 - c) <= s
        c = max(1, min(N, math.ceil(N / 2 - 0.5 - s) - 2))
        while c < N and (N / 2 - c) - 0.5 * np.sign(N / 2 - c) > s:
            c += 1
        return c

    lo, hi = crossing(z * sigma), crossing(-z * sigma)
    mid = (N + 1) // 2
    ks = sorted({lo - 1, mid - 1, (mid if N % 2 == 0 else mid - 1), hi - 1})
    part = np.partition(d, ks)
    est = part[mid - 1] if N % 2 else 0.5 * (part[mid - 1] + part[mid])
    return est, part[lo - 1], part[hi - 1]


def run(sizes: List[int], repeats: int, peer_max: int) -> List[Dict[str, Any]]:
    rng = np.random.default_rng(7)
    rows = []
    for n in sizes:
        x, y = rng.normal(0.2, 1, n), rng.normal(0, 1, n)
        ours = hodges_lehmann(x, y, 0.98)
        t_ours = best_seconds(lambda: hodges_lehmann(x, y, 0.98), repeats)
        row: Dict[str, Any] = {"n_per_arm": n, "driftscope_ms": t_ours * 1e3}
        if n <= peer_max:
            peer = numpy_hodges_lehmann(x, y, 0.98)
            assert (ours.estimate, ours.lower, ours.upper) == peer, (n, ours, peer)
            t_peer = best_seconds(lambda: numpy_hodges_lehmann(x, y, 0.98), repeats)
            row.update(peer_ms=t_peer * 1e3, ratio=t_peer / t_ours, agree=True)
        rows.append(row)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--peer-max", type=int, default=20_000, help="largest arm the peer runs on (m*n*8 bytes)")
    args = ap.parse_args()
    sizes = [60, 500] if args.quick else [60, 1000, 5000, 20_000]
    rows = run(sizes, 1 if args.quick else args.repeats, args.peer_max)
    if args.json:
        print(json.dumps({"machine": platform.processor() or platform.machine(), "rows": rows}, indent=1))
        return
    print("| values per arm | driftscope ms | numpy (all differences) ms | ratio |")
    print("|---:|---:|---:|---:|")
    for r in rows:
        peer = f"{r['peer_ms']:.3f}" if "peer_ms" in r else "-"
        ratio = f"{r['ratio']:.1f}x" if "ratio" in r else "-"
        print(f"| {r['n_per_arm']:,} | {r['driftscope_ms']:.3f} | {peer} | {ratio} |")


if __name__ == "__main__":
    main()
