"""The Python examples and the peers benchmark script run (smoke tests)."""

import json
import subprocess
import sys

import pytest

from _util import REPO_ROOT

EXAMPLES = sorted((REPO_ROOT / "examples" / "python").glob("*.py"))


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(script):
    p = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip()


def test_quickstart_exists():
    assert any(p.name == "quickstart.py" for p in EXAMPLES)


def test_peers_quick_json():
    script = REPO_ROOT / "benchmarks" / "peers.py"
    p = subprocess.run([sys.executable, str(script), "--quick", "--repeats", "1", "--json"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    report = json.loads(p.stdout)
    cases = {c["case"] for c in report["cases"]}
    assert {"ks_2samp (no drift)", "ReferenceProfile.ks (small shift)", "wasserstein_distance",
            "jensenshannon", "bin counting + PSI (ReferenceProfile.psi)"} <= cases
    assert len({(c["case"], c["n"]) for c in report["cases"]}) == len(report["cases"])
    for c in report["cases"]:
        assert c["driftscope_ms"] > 0 and c["peer_ms"] > 0
        assert c["max_rel_diff"] < 1e-9, c


def test_peers_quick_markdown():
    script = REPO_ROOT / "benchmarks" / "peers.py"
    p = subprocess.run([sys.executable, str(script), "--quick", "--repeats", "1"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "| case | n | driftscope ms |" in p.stdout
