"""benchmarks/detector_scenarios.py runs (smoke test, --quick) and its table agrees with
itself: where ours and river's detections are the same, so are the metrics."""

import importlib
import json
import subprocess
import sys

import pytest

from _util import REPO_ROOT

SCRIPT = REPO_ROOT / "benchmarks" / "detector_scenarios.py"

importlib.import_module("river")


def run(*args):
    p = subprocess.run([sys.executable, str(SCRIPT), "--quick", *args], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_quick_json():
    report = json.loads(run("--json"))
    assert report["quick"] is True
    rows = report["rows"]
    scenarios = {r["scenario"] for r in rows}
    assert len(scenarios) == 6
    assert any("SEA" in s for s in scenarios) and any("Agrawal" in s for s in scenarios)
    names = {r["detector"] for r in rows}
    assert "PageHinkley" in names
    for r in rows:
        assert r["n"] > 0 and r["true_drifts"] >= 1
        o = r["ours"]
        assert o["n"] == r["n"] and o["n_drifts"] == r["true_drifts"]
        assert o["mdr"] is None or 0.0 <= o["mdr"] <= 1.0
        if r["river"] is not None:
            assert isinstance(r["same_detections"], bool)
            if r["same_detections"]:
                assert r["river"] == o
        # binary detectors never run on the real-valued scenario
        if r["scenario"].startswith("Gaussian"):
            assert r["detector"] in {"ADWIN", "KSWIN", "PageHinkley", "CUSUM", "GeometricMovingAverage"}
    ph = [r for r in rows if r["detector"] == "PageHinkley"]
    assert len(ph) == 6 and all(r["same_detections"] for r in ph)


def test_quick_markdown():
    out = run("--reps", "1")
    assert out.startswith("| scenario | detector | MTD ours | MTFA ours | MDR ours | MTD river |")
    assert "| same detections |" in out.splitlines()[0]
    assert "| PageHinkley |" in out
