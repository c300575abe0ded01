"""Smoke test of benchmarks/peers_sketch.py: it runs against the datasketches package, and
on its small inputs our KLL sketch is within the stated bound and our KS decisions are at
least as accurate as DataSketches'."""

import json
import subprocess
import sys

import datasketches  # noqa: F401  (the peer must be installed)

from _util import REPO_ROOT


def test_peers_sketch_quick_json():
    script = REPO_ROOT / "benchmarks" / "peers_sketch.py"
    p = subprocess.run([sys.executable, str(script), "--quick", "--json"], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    rows = {r["row"]: r for r in json.loads(p.stdout)["rows"]}
    assert set(rows) == {"kll_update_many", "kll_update_loop", "kll_rank_error", "kll_merge", "ks_accuracy"}
    for name in ("kll_update_many", "kll_update_loop", "kll_merge"):
        assert rows[name]["ours_ns"] > 0 and rows[name]["peer_ns"] > 0
    err = rows["kll_rank_error"]
    assert err["ours_max"] <= err["bound"]
    assert err["peer_max"] <= 2 * err["bound"]
    ks = rows["ks_accuracy"]
    assert ks["ours_correct"] >= ks["peer_correct"]
