#!/usr/bin/env python3
"""driftscope's online change detectors vs river (and frouros for the MOA detectors river
lacks), on the same stream, in one process.

For each detector it prints, per value:
  - ours through ``update_many`` (one call on the whole array, GIL released);
  - ours through ``update(x)`` in a Python loop (what a ported river loop does);
  - the peer's ``update(x)`` loop;
and the ratios peer / ours (> 1 means driftscope is faster), plus whether both gave the same
detection positions on the stretch the peer ran. The peer runs on a prefix of the stream
when the whole stream would take it too long (``--peer-seconds`` budget, measured on a
pilot run); per-value times make the two comparable, and the prefix length is printed.

    python benchmarks/peers_detectors.py             # 1e6 values
    python benchmarks/peers_detectors.py --quick     # tiny, used by the smoke test
    python benchmarks/peers_detectors.py --json
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
import warnings
from typing import Any, Callable, Dict, List, Optional

import numpy as np

from driftscope import drift
from driftscope.drift import binary


def error_stream(n: int, seed: int = 1) -> np.ndarray:
    """0/1 errors whose rate alternates 0.1 / 0.3 every n/4 values."""
    rng = np.random.default_rng(seed)
    p = np.where((np.arange(n) // max(1, n // 4)) % 2 == 0, 0.1, 0.3)
    return (rng.random(n) < p).astype(np.float64)


def real_stream(n: int, seed: int = 2) -> np.ndarray:
    """N(0, 1) whose mean alternates 0 / 3 every n/4 values."""
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, 1.0, n) + 3.0 * ((np.arange(n) // max(1, n // 4)) % 2)


def _river():
    try:
        import river.drift
        import river.drift.binary
        return river.drift
    except ImportError:
        return None


def _frouros(name: str):
    try:
        import frouros.detectors.concept_drift as fc
    except ImportError:
        return None
    return getattr(fc, name, None)


def cases() -> List[Dict[str, Any]]:
    """(name, ours factory, peer name, peer factory, peer loop kind, stream kind)."""
    rd = _river()
    out = []

    def add(name, ours, peer_name, peer, kind, stream):
        if ours is None:
            return
        out.append(dict(name=name, ours=ours, peer_name=peer_name, peer=peer, kind=kind, stream=stream))

    def ours(module, cls, **kw):
        c = getattr(module, cls, None)
        return (lambda: c(**kw)) if c is not None else None

    river_cases = [
        ("ADWIN", drift, "ADWIN", "ADWIN", {}, "real"),
        ("KSWIN", drift, "KSWIN", "KSWIN", {"seed": 42}, "real"),
        ("PageHinkley", drift, "PageHinkley", "PageHinkley", {}, "real"),
        ("DDM", binary, "DDM", "binary.DDM", {}, "binary"),
        ("EDDM", binary, "EDDM", "binary.EDDM", {}, "binary"),
        ("HDDM_A", binary, "HDDM_A", "binary.HDDMA", {}, "binary"),
        ("HDDM_W", binary, "HDDM_W", "binary.HDDMW", {}, "binary"),
        ("FHDDM", binary, "FHDDM", "binary.FHDDM", {}, "binary"),
    ]
    for name, module, cls, river_path, kw, stream in river_cases:
        peer = None
        if rd is not None:
            obj = rd
            for part in river_path.split("."):
                obj = getattr(obj, part)
            peer = (lambda obj=obj, kw=kw: obj(**kw))
        add(name, ours(module, cls, **kw), "river", peer, "river", stream)

    # MOA detectors: frouros implements them (with its own warm-up / reset details, so the
    # detections may differ; the timing is still like for like).
    frouros_cases = [
        ("CUSUM", drift, "CUSUM", "CUSUM", "real"),
        ("GeometricMovingAverage", drift, "GeometricMovingAverage", "GeometricMovingAverage", "real"),
        ("EWMAChart", binary, "EWMAChart", "ECDDWT", "binary"),
        ("STEPD", binary, "STEPD", "STEPD", "binary"),
        ("RDDM", binary, "RDDM", "RDDM", "binary"),
    ]
    for name, module, cls, fname, stream in frouros_cases:
        fcls = _frouros(fname)
        peer = (lambda fcls=fcls: fcls()) if fcls is not None else None
        add(name, ours(module, cls), "frouros", peer, "frouros", stream)
    return out


def loop_river(det, xs: List[float]) -> List[int]:
    """river's loop (and ours: same interface): update, then read drift_detected."""
    found = []
    for i, v in enumerate(xs):
        det.update(v)
        if det.drift_detected:
            found.append(i)
    return found


def loop_frouros(det, xs: List[float]) -> List[int]:
    found = []
    for i, v in enumerate(xs):
        det.update(value=v)
        if det.drift:
            found.append(i)
    return found


def timed(fn: Callable[[], Any], repeats: int) -> "tuple[float, Any]":
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def run(n: int, repeats: int, peer_seconds: float) -> List[Dict[str, Any]]:
    streams = {"binary": error_stream(n), "real": real_stream(n)}
    lists = {k: v.tolist() for k, v in streams.items()}
    rows = []
    for c in cases():
        x, xs = streams[c["stream"]], lists[c["stream"]]
        t_many, res = timed(lambda: c["ours"]().update_many(x), repeats)
        ours_drifts = res.drifts.tolist()
        row = dict(detector=c["name"], n=n, ours_many_ns=t_many / n * 1e9)
        # our per-call loop and the peer run on a prefix sized from a pilot run
        m = n
        if c["peer"] is not None:
            pilot = min(n, 2000)
            loop = loop_river if c["kind"] == "river" else loop_frouros
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t_pilot, _ = timed(lambda: loop(c["peer"](), xs[:pilot]), 1)
                m = int(min(n, max(pilot, peer_seconds / max(t_pilot / pilot, 1e-12))))
                t_peer, peer_drifts = timed(lambda: loop(c["peer"](), xs[:m]), 1 if m > 100_000 else repeats)
            row.update(peer=c["peer_name"], peer_n=m, peer_ns=t_peer / m * 1e9)
            prefix = [i for i in ours_drifts if i < m]
            row["same_detections"] = prefix == peer_drifts
        t_loop, _ = timed(lambda: loop_river(c["ours"](), xs[:m]), 1 if m > 100_000 else repeats)
        row["ours_update_ns"] = t_loop / m * 1e9
        if "peer_ns" in row:
            row["ratio_many"] = row["peer_ns"] / row["ours_many_ns"]
            row["ratio_update"] = row["peer_ns"] / row["ours_update_ns"]
        rows.append(row)
    return rows


def _fmt_ns(v: Optional[float]) -> str:
    if v is None:
        return "—"
    return f"{v:,.1f}" if v < 100 else f"{v:,.0f}"


def markdown(rows: List[Dict[str, Any]]) -> str:
    out = [
        "| detector | ours update_many ns/value | ours update(x) ns/value | peer | peer ns/value (values run) "
        "| peer / update_many | peer / update(x) | same detections |",
        "|---|---:|---:|---|---:|---:|---:|---|",
    ]
    for r in rows:
        if "peer" in r:
            peer = f"{_fmt_ns(r['peer_ns'])} ({r['peer_n']:,})"
            out.append(f"| {r['detector']} | {_fmt_ns(r['ours_many_ns'])} | {_fmt_ns(r['ours_update_ns'])} | "
                       f"{r['peer']} | {peer} | {r['ratio_many']:,.0f}× | {r['ratio_update']:,.1f}× | "
                       f"{'yes' if r['same_detections'] else 'no'} |")
        else:
            out.append(f"| {r['detector']} | {_fmt_ns(r['ours_many_ns'])} | {_fmt_ns(r['ours_update_ns'])} | "
                       "— | — | — | — | — |")
    return "\n".join(out)


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--peer-seconds", type=float, default=10.0,
                    help="time budget for each peer loop (the peer runs on a prefix if needed)")
    ap.add_argument("--quick", action="store_true", help="n = 3000, short budgets (smoke test)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    if a.quick:
        a.n, a.repeats, a.peer_seconds = 3000, 1, 0.5
    rows = run(a.n, a.repeats, a.peer_seconds)
    if a.json:
        print(json.dumps({"machine": platform.processor() or platform.machine(), "rows": rows}, indent=1))
    else:
        print(f"driftscope detectors vs peers, {a.n:,} values, {platform.machine()}, Python {sys.version.split()[0]}")
        print(markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
