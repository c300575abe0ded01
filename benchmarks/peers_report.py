#!/usr/bin/env python3
"""driftscope.compare vs Evidently's DataDriftPreset on the same frames, in one process.

    python benchmarks/peers_report.py             # 100,000 + 100,000 rows x (50 numerical + 10 categorical)
    python benchmarks/peers_report.py --quick     # 2,000 rows: a smoke run
    python benchmarks/peers_report.py --large     # also 1e6 reference x 1e5 current x 200 numerical
                                                  # (driftscope alone; time and peak memory)

Evidently 0.7 needs pandas < 3, so `./dev bench` runs this script in its own venv
(.venv-evidently, requirements/bench-evidently.txt) with driftscope installed there too.
Both libraries see the same pandas frames and pick their tests by the same rule
(Evidently's defaults: normed Wasserstein for numerical columns of > 1000 rows,
Jensen-Shannon for categorical ones), so the per-column statistics are compared too.

Times are wall-clock, best of --repeats for driftscope, one run for Evidently (minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from typing import Any, Dict, List, Tuple

os.environ.setdefault("DO_NOT_TRACK", "1")  # Evidently's usage telemetry off

import numpy as np
import pandas as pd

import driftscope

N_NUM, N_CAT = 50, 10


def make_frames(n: int, seed: int) -> Tuple[pd.DataFrame, pd.DataFrame]:
    """Reference and current frames: every third numerical column shifted, two categorical ones re-weighted."""
    rng = np.random.default_rng(seed)

    def frame(shift: float) -> pd.DataFrame:
        cols: Dict[str, Any] = {}
        for i in range(N_NUM):
            cols[f"num{i}"] = rng.normal(shift if i % 3 == 0 else 0.0, 1.0, n)
        for j in range(N_CAT):
            k = 3 + j
            p = np.ones(k)
            if shift and j < 2:
                p[0] = 3.0
            cats = [f"c{c}" for c in range(k)]
            cols[f"cat{j}"] = pd.Categorical(rng.choice(cats, n, p=p / p.sum()), categories=cats)
        return pd.DataFrame(cols)

    return frame(0.0), frame(0.1)


def run_evidently(ref: pd.DataFrame, cur: pd.DataFrame) -> Tuple[float, Dict[str, float], bool]:
    """Seconds, {column: statistic}, dataset verdict of Evidently's DataDriftPreset."""
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    definition = DataDefinition(
        numerical_columns=[c for c in ref.columns if c.startswith("num")],
        categorical_columns=[c for c in ref.columns if c.startswith("cat")],
    )
    t0 = time.perf_counter()
    snapshot = Report([DataDriftPreset()]).run(
        Dataset.from_pandas(cur, data_definition=definition), Dataset.from_pandas(ref, data_definition=definition)
    )
    result = snapshot.dict()
    seconds = time.perf_counter() - t0
    values: Dict[str, float] = {}
    dataset_drift = False
    for m in result["metrics"]:
        name = m["metric_name"]
        col = re.match(r"ValueDrift\(column=([^,]+),", name)
        if col:
            values[col.group(1)] = float(m["value"])
        elif name.startswith("DriftedColumnsCount"):
            dataset_drift = float(m["value"]["share"]) >= 0.5
    return seconds, values, dataset_drift


def best_seconds(fn: Any, repeats: int) -> Tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def evidently_case(n: int, repeats: int, seed: int) -> List[Dict[str, Any]]:
    ref, cur = make_frames(n, seed)
    ev_s, ev_values, ev_drift = run_evidently(ref, cur)
    rows = []
    for n_jobs in (1, 2):
        ds_s, report = best_seconds(lambda j=n_jobs: driftscope.compare(ref, cur, n_jobs=j), repeats)
        ours = {c["name"]: c["statistic"] for c in report.to_dict()["columns"]}
        diffs = [abs(ours[k] - v) / max(abs(v), 1e-300) for k, v in ev_values.items() if k in ours]
        rows.append({
            "case": f"compare vs DataDriftPreset, n_jobs={n_jobs}",
            "rows": f"{n:,} + {n:,} x ({N_NUM} num + {N_CAT} cat)",
            "driftscope_s": ds_s,
            "evidently_s": ev_s,
            "ratio": ev_s / ds_s,
            "columns_compared": len(diffs),
            "max_rel_diff": max(diffs) if diffs else float("nan"),
            "same_verdict": bool(report.drift) == ev_drift,
        })
    return rows


LARGE_CHILD = r"""
import json, resource, sys, time
import numpy as np, pandas as pd
import driftscope
n_ref, n_cur, n_cols, n_jobs = (int(a) for a in sys.argv[1:5])
rng = np.random.default_rng(7)
# one float64 array per column (as a Parquet / Arrow load gives them)
ref = {f"x{i}": rng.standard_normal(n_ref) for i in range(n_cols)}
cur = {f"x{i}": rng.standard_normal(n_cur) + (0.05 if i % 4 == 0 else 0.0) for i in range(n_cols)}
input_bytes = 8 * (n_ref + n_cur) * n_cols
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
t0 = time.perf_counter()
report = driftscope.compare(ref, cur, n_jobs=n_jobs)
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "input_bytes": input_bytes, "rss_after_input": rss_before,
                  "peak_rss": peak, "n_drifted": report.to_dict()["dataset"]["n_drifted"]}))
"""


def large_case(n_ref: int, n_cur: int, n_cols: int, n_jobs: int) -> Dict[str, Any]:
    """A fresh process, so ru_maxrss is this run's peak: the input plus whatever compare() adds."""
    out = subprocess.run([sys.executable, "-c", LARGE_CHILD, str(n_ref), str(n_cur), str(n_cols), str(n_jobs)],
                         check=True, capture_output=True, text=True)
    r = json.loads(out.stdout)
    return {
        "case": f"compare, {n_cols} numerical columns, n_jobs={n_jobs}",
        "rows": f"{n_ref:,} + {n_cur:,}",
        "seconds": r["seconds"],
        "input_gb": r["input_bytes"] / 1e9,
        "peak_rss_gb": r["peak_rss"] / 1e9,
        "peak_over_input": r["peak_rss"] / r["input_bytes"],
        "n_drifted": r["n_drifted"],
    }


def main(argv: "List[str] | None" = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="2,000 rows (smoke run)")
    ap.add_argument("--large", action="store_true", help="also the 1e6 x 1e5 x 200 run (about 4 GB of memory)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    import evidently

    meta = {"driftscope": driftscope.__version__, "evidently": evidently.__version__, "pandas": pd.__version__,
            "python": platform.python_version(), "cpus": os.cpu_count()}
    rows = evidently_case(2_000 if args.quick else 100_000, args.repeats, args.seed)
    large = []
    if args.large:
        large = [large_case(1_000_000, 100_000, 200, j) for j in (1, 2)]
    if args.json:
        print(json.dumps({"meta": meta, "evidently": rows, "large": large}, indent=2))
        return 0
    print(f"driftscope {meta['driftscope']}, Evidently {meta['evidently']}, pandas {meta['pandas']}, "
          f"python {meta['python']}, {meta['cpus']} cpus")
    print()
    print("| case | rows | driftscope s | Evidently s | ratio | columns compared | max rel diff | same verdict |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r['case']} | {r['rows']} | {r['driftscope_s']:.3f} | {r['evidently_s']:.2f} | "
              f"{r['ratio']:.0f}x | {r['columns_compared']} | {r['max_rel_diff']:.1e} | {r['same_verdict']} |")
    if large:
        print()
        print("| case | rows | seconds | input GB | peak RSS GB | peak / input |")
        print("|---|---|---:|---:|---:|---:|")
        for r in large:
            print(f"| {r['case']} | {r['rows']} | {r['seconds']:.2f} | {r['input_gb']:.2f} | "
                  f"{r['peak_rss_gb']:.2f} | {r['peak_over_input']:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
