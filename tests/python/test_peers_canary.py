"""benchmarks/peers_canary.py runs and its Hodges-Lehmann agrees exactly with the NumPy
all-differences computation (the script asserts it; here its smoke run)."""

import json
import subprocess
import sys

from _util import REPO_ROOT


def test_peers_canary_quick_json():
    p = subprocess.run([sys.executable, str(REPO_ROOT / "benchmarks" / "peers_canary.py"), "--quick", "--json"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    rows = json.loads(p.stdout)["rows"]
    assert [r["n_per_arm"] for r in rows] == [60, 500]
    assert all(r["agree"] and r["driftscope_ms"] > 0 and r["peer_ms"] > 0 for r in rows)
