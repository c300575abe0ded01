"""Smoke test of benchmarks/peers_streaming.py: it runs, and at every evaluation point our
sliding-window KS equals scipy.stats.ks_2samp recomputed on the window."""

import json
import subprocess
import sys

from _util import REPO_ROOT


def test_peers_streaming_quick_json():
    script = REPO_ROOT / "benchmarks" / "peers_streaming.py"
    p = subprocess.run([sys.executable, str(script), "--quick", "--json"], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    rows = json.loads(p.stdout)["rows"]
    assert len(rows) == 2
    for r in rows:
        assert r["same_results"], r["scenario"]
        assert r["evaluations"] == (r["n_values"] - r["size"]) // r["stride"] + 1
        assert r["ours_ns"] > 0 and r["peer_ns"] > 0 and r["ratio"] > 0
