#!/usr/bin/env python3
"""driftscope's monitoring sketches vs their peers on the same data, in one process:
HyperLogLog vs ``datasketches.hll_sketch`` (HLL_8, same lg_k), FrequentItems vs
``datasketches.frequent_strings_sketch`` (a map of 4k slots: its 3k counters give about
our N/k error), LatencySketch vs ``ddsketch.DDSketch`` (same relative accuracy).

Rows (ratios are peer / ours: > 1 means driftscope is faster or more accurate):
  - ``hll_update_many``: ns per value to sketch an int64 array (ours: one update_many call;
    datasketches has no array update, so its row is a Python loop);
  - ``hll_update_loop``: ns per value of a Python ``update(x)`` loop over str ids, both sides;
  - ``hll_error``: RMS relative error of the estimate over several streams, both sides,
    and 1.04 / sqrt(m);
  - ``frequent_update_many``: ns per value for a Zipf stream of str items (ours:
    update_many(list); the peer: a Python loop);
  - ``frequent_update_loop``: ns per value of a Python ``update(item)`` loop, both sides;
  - ``frequent_accuracy``: heavy hitters above N/k found (recall, must be 1) and the
    largest |estimate − count| over them, both sides;
  - ``latency_update_many``: ns per value for a float64 array (ours: update_many; ddsketch:
    a Python ``add`` loop, its only interface);
  - ``latency_update_loop``: ns per value of a Python ``update`` / ``add`` loop;
  - ``latency_error``: the largest relative error of p50 / p90 / p99 / p99.9 against
    numpy.quantile(method='lower'), log-normal and Pareto data, both sides.

    python benchmarks/peers_monitor_sketches.py           # 10^6 values
    python benchmarks/peers_monitor_sketches.py --quick   # small (smoke test)
    python benchmarks/peers_monitor_sketches.py --json
"""

from __future__ import annotations

import argparse
import json
import math
import platform
from collections import Counter
from importlib import metadata
from typing import Any, Callable, Dict, List

import datasketches
import ddsketch
import numpy as np

from driftscope.sketch import FrequentItems, HyperLogLog, LatencySketch
from _timing import best_seconds




def _ratio(peer: float, ours: float) -> float:
    return peer / ours if ours > 0 else float("inf")


def _timing_row(row: str, n: int, t_ours: float, t_peer: float, **extra: Any) -> Dict[str, Any]:
    return {"row": row, "n": n, **extra, "ours_ns": 1e9 * t_ours / n, "peer_ns": 1e9 * t_peer / n,
            "ratio": _ratio(t_peer, t_ours)}


# --- HyperLogLog --------------------------------------------------------------------------
def hll_update_many(x: np.ndarray, lg_k: int, repeats: int) -> Dict[str, Any]:
    values = x.tolist()

    def ours():
        h = HyperLogLog(lg_k)
        h.update_many(x)

    def theirs():
        h = datasketches.hll_sketch(lg_k, datasketches.tgt_hll_type.HLL_8)
        update = h.update
        for v in values:
            update(v)

    return _timing_row("hll_update_many", len(x), best_seconds(ours, repeats), best_seconds(theirs, repeats), lg_k=lg_k)


def hll_update_loop(ids: List[str], lg_k: int, repeats: int) -> Dict[str, Any]:
    def loop(h):
        update = h.update
        for s in ids:
            update(s)

    t_o = best_seconds(lambda: loop(HyperLogLog(lg_k)), repeats)
    t_p = best_seconds(lambda: loop(datasketches.hll_sketch(lg_k, datasketches.tgt_hll_type.HLL_8)), repeats)
    return _timing_row("hll_update_loop", len(ids), t_o, t_p, lg_k=lg_k)


def hll_error(n: int, lg_k: int, streams: int) -> Dict[str, Any]:
    ours, theirs = [], []
    for s in range(streams):
        ids = [f"user-{s}-{i}" for i in range(n)]
        o = HyperLogLog(lg_k)
        o.update_many(ids)
        d = datasketches.hll_sketch(lg_k, datasketches.tgt_hll_type.HLL_8)
        for v in ids:
            d.update(v)
        ours.append(o.estimate() / n - 1)
        theirs.append(d.get_estimate() / n - 1)
    rms_o = math.sqrt(float(np.mean(np.square(ours))))
    rms_p = math.sqrt(float(np.mean(np.square(theirs))))
    return {"row": "hll_error", "n": n, "lg_k": lg_k, "streams": streams, "rse": 1.04 / math.sqrt(2**lg_k),
            "ours_rms": rms_o, "peer_rms": rms_p, "ratio": _ratio(rms_p, rms_o)}


# --- FrequentItems --------------------------------------------------------------------------
def zipf_items(n: int, seed: int) -> List[str]:
    ranks = np.random.default_rng(seed).zipf(1.2, n)
    return [f"/api/v1/item/{r % 1_000_003}" for r in ranks.tolist()]


def _peer_frequent(k: int):
    # a map of 4k slots holds 3k counters; its error bound 3.5 N / 4k is about N / k
    return datasketches.frequent_strings_sketch(int(math.log2(4 * k)))


def frequent_update_many(items: List[str], k: int, repeats: int) -> Dict[str, Any]:
    def ours():
        f = FrequentItems(k)
        f.update_many(items)

    def theirs():
        f = _peer_frequent(k)
        update = f.update
        for s in items:
            update(s)

    return _timing_row("frequent_update_many", len(items), best_seconds(ours, repeats), best_seconds(theirs, repeats), k=k)


def frequent_update_loop(items: List[str], k: int, repeats: int) -> Dict[str, Any]:
    def loop(f):
        update = f.update
        for s in items:
            update(s)

    t_o = best_seconds(lambda: loop(FrequentItems(k)), repeats)
    t_p = best_seconds(lambda: loop(_peer_frequent(k)), repeats)
    return _timing_row("frequent_update_loop", len(items), t_o, t_p, k=k)


def frequent_accuracy(items: List[str], k: int) -> Dict[str, Any]:
    exact = Counter(items)
    n = len(items)
    eps = n / k
    heavy = [i for i, c in exact.items() if c > eps]
    ours = FrequentItems(k)
    ours.update_many(items)
    theirs = _peer_frequent(k)
    for s in items:
        theirs.update(s)
    found_o = {r[0] for r in ours.items_above(eps)}
    found_p = {r[0] for r in theirs.get_frequent_items(datasketches.frequent_items_error_type.NO_FALSE_NEGATIVES,
                                                       int(eps))}
    err_o = max((abs(ours.estimate(i) - exact[i]) for i in heavy), default=0)
    err_p = max((abs(theirs.get_estimate(i) - exact[i]) for i in heavy), default=0)
    return {"row": "frequent_accuracy", "n": n, "k": k, "heavy_hitters": len(heavy),
            "ours_recall": sum(i in found_o for i in heavy) / max(1, len(heavy)),
            "peer_recall": sum(i in found_p for i in heavy) / max(1, len(heavy)),
            "ours_reported": len(found_o), "peer_reported": len(found_p),
            "ours_max_abs_error": err_o, "peer_max_abs_error": err_p, "bound": eps,
            "ratio": _ratio(err_p, err_o) if err_o else float("inf")}


# --- LatencySketch --------------------------------------------------------------------------
def latency_update_many(x: np.ndarray, alpha: float, repeats: int) -> Dict[str, Any]:
    values = x.tolist()

    def ours():
        s = LatencySketch(alpha)
        s.update_many(x)

    def theirs():
        s = ddsketch.DDSketch(alpha)
        add = s.add
        for v in values:
            add(v)

    return _timing_row("latency_update_many", len(x), best_seconds(ours, repeats), best_seconds(theirs, repeats), alpha=alpha)


def latency_update_loop(x: np.ndarray, alpha: float, repeats: int) -> Dict[str, Any]:
    values = x.tolist()

    def loop(update):
        for v in values:
            update(v)

    t_o = best_seconds(lambda: loop(LatencySketch(alpha).update), repeats)
    t_p = best_seconds(lambda: loop(ddsketch.DDSketch(alpha).add), repeats)
    return _timing_row("latency_update_loop", len(values), t_o, t_p, alpha=alpha)


def latency_error(n: int, alpha: float) -> Dict[str, Any]:
    qs = [0.5, 0.9, 0.99, 0.999]
    worst_o = worst_p = 0.0
    rng = np.random.default_rng(7)
    for x in (rng.lognormal(-3.0, 1.0, n), 1e-3 * (1 + rng.pareto(1.2, n))):
        o = LatencySketch(alpha)
        o.update_many(x)
        p = ddsketch.DDSketch(alpha)
        for v in x.tolist():
            p.add(v)
        for q in qs:
            exact = float(np.quantile(x, q, method="lower"))
            worst_o = max(worst_o, abs(o.quantile(q) - exact) / exact)
            worst_p = max(worst_p, abs(p.get_quantile_value(q) - exact) / exact)
    return {"row": "latency_error", "n": n, "alpha": alpha, "ours_max_rel_error": worst_o,
            "peer_max_rel_error": worst_p, "ratio": _ratio(worst_p, worst_o) if worst_o else float("inf")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    n = 20_000 if a.quick else a.n
    loop_n = min(n, 200_000)
    repeats = 1 if a.quick else a.repeats
    rng = np.random.default_rng(42)
    ints = rng.integers(0, 2**62, n)
    ids = [f"user-{i}" for i in rng.integers(0, n // 2, loop_n).tolist()]
    items = zipf_items(n, 3)
    latencies = rng.lognormal(-3.0, 1.0, n)
    rows: List[Dict[str, Any]] = [
        hll_update_many(ints, 12, repeats),
        hll_update_loop(ids, 12, repeats),
        hll_error(5_000 if a.quick else 50_000, 12, 5 if a.quick else 40),
        frequent_update_many(items, 64, repeats),
        frequent_update_many(items, 1024, repeats),
        frequent_update_loop(items[:loop_n], 64, repeats),
        frequent_accuracy(items, 64),
        latency_update_many(latencies, 0.01, repeats),
        latency_update_loop(latencies[:loop_n], 0.01, repeats),
        latency_error(n, 0.01),
    ]
    if a.json:
        print(json.dumps({"machine": platform.processor() or platform.machine(),
                          "datasketches": metadata.version("datasketches"),
                          "ddsketch": metadata.version("ddsketch"), "rows": rows}, indent=1))
        return
    for r in rows:
        print(r["row"], " ".join(f"{key}={val:.4g}" if isinstance(val, float) else f"{key}={val}"
                                 for key, val in r.items() if key != "row"))


if __name__ == "__main__":
    main()
