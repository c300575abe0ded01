"""benchmarks/concept_scenarios.py runs (smoke test, --quick): the table has every scenario
and detector row, and on the house example's sudden change ours detects every run."""

import json
import subprocess
import sys

import numpy as np
import pytest

from _util import REPO_ROOT, load_script

SCRIPT = REPO_ROOT / "benchmarks" / "concept_scenarios.py"

pytest.importorskip("river")


def _module():
    return load_script("benchmarks/concept_scenarios.py")


@pytest.fixture(scope="module")
def report():
    p = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--json"], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


SCENARIOS = ["house sudden", "house ramp 250", "house ramp 1000", "house ramp 2000", "house mixing 1000",
             "house sigmoid 1000", "house none", "house centred (slope only)", "Friedman lea", "Friedman gra",
             "Friedman gsg"]


def test_every_row(report):
    assert report["reps"] == 5 and report["skipped_scenarios"] == []
    rows = report["rows"]
    got = {(r["scenario"], r["detector"], r["fed"]) for r in rows}
    want = {(s, "ResidualMonitor", "X, y") for s in SCENARIOS}
    want |= {(s, d, f) for s in SCENARIOS for d in ("ADWIN", "PageHinkley", "KSWIN") for f in ("e", "|e|")}
    assert got == want and len(rows) == len(want)
    for r in rows:
        m = r["metrics"]
        assert r["repetitions"] == 5 and m["n"] == 5 * r["n_monitored"]
        assert m["n_drifts"] == (0 if r["scenario"] == "house none" else 5)
        assert m["mdr"] is None or 0.0 <= m["mdr"] <= 1.0
        if r["detector"] == "ResidualMonitor":
            # ours contributes its first alarm only
            assert m["n_detections"] <= 5
            if r["expected_kind"] is not None:
                assert 0.0 <= r["typing_accuracy"] <= r["typed_share"] <= 1.0
            assert r["seconds_per_run"] > 0


def test_ours_detects_every_sudden_run(report):
    (r,) = [r for r in report["rows"] if r["scenario"] == "house sudden" and r["detector"] == "ResidualMonitor"]
    m = r["metrics"]
    assert m["mdr"] == 0.0 and m["true_positives"] == 5 and m["false_positives"] == 0
    assert m["mtd"] < 200  # a 0.5 slope change at x ~ 70 moves the mean residual by 3.5 sigma


def test_markdown_and_peer_residuals():
    mod = _module()
    text = mod.render_markdown(mod.run(1, 7, 0, scenarios=["house sudden"]))
    assert text.startswith("| scenario | detector | fed | MTD | MTFA | MDR |")
    assert "| house sudden | ResidualMonitor (ours) | X, y |" in text and "| house sudden | ADWIN | |e| |" in text
    # the peers' residuals are those of the reference OLS fit (numpy polyfit as the oracle)
    case = mod.SCENARIOS[0].make(11)
    slope, icpt = np.polyfit(case.X_ref, case.y_ref, 1)
    np.testing.assert_allclose(mod.reference_residuals(case), case.y_mon - icpt - slope * case.X_mon, atol=1e-8)
    assert case.truth == [(3000, 3000)]
