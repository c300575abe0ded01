"""Smoke test of benchmarks/peers_detectors.py: it runs, covers every detector, and on the
stretch river ran, river's detectors and ours detected the same positions."""

import importlib
import json
import subprocess
import sys

import pytest

from _util import REPO_ROOT

importlib.import_module("river")


def test_peers_detectors_quick_json():
    script = REPO_ROOT / "benchmarks" / "peers_detectors.py"
    p = subprocess.run([sys.executable, str(script), "--quick", "--json"], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    rows = {r["detector"]: r for r in json.loads(p.stdout)["rows"]}
    assert set(rows) == {"ADWIN", "KSWIN", "PageHinkley", "DDM", "EDDM", "HDDM_A", "HDDM_W", "FHDDM", "CUSUM",
                         "GeometricMovingAverage", "EWMAChart", "STEPD", "RDDM"}
    for name in ("ADWIN", "KSWIN", "PageHinkley", "DDM", "EDDM", "HDDM_A", "HDDM_W", "FHDDM"):
        assert rows[name]["peer"] == "river"
        assert rows[name]["same_detections"], name
        assert rows[name]["ours_many_ns"] > 0 and rows[name]["peer_ns"] > 0
