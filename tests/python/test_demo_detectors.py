"""The demo's second part: a fraud model's error stream (sudden shock, slow rise) watched
by change detectors. Most tests use PageHinkley only (a custom detector list); the last
ones run the default list (DDM, ADWIN, PageHinkley) as `driftscope demo` does."""

import json

import numpy as np
import pytest

from driftscope import demo, drift
from driftscope.cli import main

PH = demo.DemoDetector("PageHinkley", "drift.PageHinkley(threshold=20.0, mode='up')",
                       lambda: drift.PageHinkley(threshold=20.0, mode="up"))


def test_error_streams_have_the_stated_shape():
    rng = np.random.default_rng(0)
    s = demo.sudden_shock(rng, 60_000)
    assert (s.change_start, s.change_end) == (40_000, 40_000)
    assert set(np.unique(s.errors)) <= {0.0, 1.0} and s.errors.dtype == np.float64
    assert abs(s.errors[:40_000].mean() - 0.05) < 0.005
    assert abs(s.errors[40_000:].mean() - 0.15) < 0.01
    r = demo.slow_rise(rng, 60_000)
    assert (r.change_start, r.change_end) == (20_000, 50_000)
    assert abs(r.errors[:20_000].mean() - 0.05) < 0.005
    assert abs(r.errors[20_000:50_000].mean() - 0.10) < 0.01  # the middle of a linear rise
    assert abs(r.errors[50_000:].mean() - 0.15) < 0.01
    assert "lockdown" in s.title and "5% -> 15%" in r.title


def test_run_detectors_reports_first_flag_and_delay():
    res = demo.run_detectors(seed=7, detectors=[PH])
    assert res["n"] == demo.ERROR_STREAM_SIZE
    assert res["detectors"] == [{"name": "PageHinkley", "call": PH.call}]
    assert [s["name"] for s in res["streams"]] == ["sudden shock", "slow rise"]
    # regenerate the streams exactly as documented and check every number independently
    rngs = np.random.default_rng([7, demo._ERROR_STREAM_KEY]).spawn(2)
    for st, make, rng in zip(res["streams"], demo.ERROR_STREAMS, rngs):
        es = make(rng, demo.ERROR_STREAM_SIZE)
        flags = []
        d = drift.PageHinkley(threshold=20.0, mode="up")
        for i, v in enumerate(es.errors.tolist()):
            d.update(v)
            if d.drift_detected:
                flags.append(i)
        (row,) = st["detections"]
        assert row["flags"] == flags
        after = [f for f in flags if f >= es.change_start]
        assert row["flagged_at"] == (after[0] if after else None)
        assert row["delay"] == (after[0] - es.change_start if after else None)
        assert row["false_alarms_before"] == sum(f < es.change_start for f in flags)
        assert (st["change_start"], st["change_end"]) == (es.change_start, es.change_end)
        if row["delay"] is not None:
            assert st["summary"].startswith(f"{st['name']}: PageHinkley flags it {row['delay']} transactions after")
    # Page-Hinkley finds the sudden shock within a few hundred transactions
    shock = res["streams"][0]["detections"][0]
    assert shock["delay"] is not None and 0 <= shock["delay"] < 600


def test_deterministic_and_seeded():
    a = demo.run_detectors(seed=3, detectors=[PH])
    assert a == demo.run_detectors(seed=3, detectors=[PH])
    assert a != demo.run_detectors(seed=4, detectors=[PH])
    json.dumps(a, allow_nan=False)


def test_streams_are_extensible_and_independent():
    def flat(rng, n):
        return demo.ErrorStream("flat", "no change", (rng.random(n) < 0.05).astype(float), n - 1, n - 1, 0.05, 0.05)

    base = demo.run_detectors(seed=5, detectors=[PH])
    more = demo.run_detectors(seed=5, detectors=[PH], streams=[*demo.ERROR_STREAMS, flat])
    assert more["streams"][:2] == base["streams"]
    assert more["streams"][2]["name"] == "flat"


def test_text_output_with_page_hinkley():
    result = demo.run(seed=1, reference_size=2000, batch_size=500, detectors=[PH])
    text = demo.render_text(result)
    assert "part 2: a fraud model's errors" in text
    assert "== sudden shock: lockdown overnight: errors jump 5% -> 15% at transaction 4000" in text
    assert "== slow rise:" in text
    assert "PageHinkley = drift.PageHinkley(threshold=20.0, mode='up')" in text
    shock = result["error_streams"]["streams"][0]["detections"][0]
    line = next(ln for ln in text.splitlines() if ln.startswith("PageHinkley"))
    assert line.split()[1:3] == [str(shock["flagged_at"]), str(shock["delay"])]
    assert f"  sudden shock: PageHinkley flags it {shock['delay']} transactions after the change" in text
    # the speech part is unchanged by the detector part
    assert result["scenarios"] == demo.run(seed=1, reference_size=2000, batch_size=500, detectors=[])["scenarios"]


# --------------------------------------------------------------------------- default detectors
# These need drift.binary.DDM and drift.ADWIN (the full detector set).


def test_default_detectors_flag_both_streams():
    res = demo.run_detectors()
    assert [d["name"] for d in res["detectors"]] == ["DDM", "ADWIN", "PageHinkley"]
    for st in res["streams"]:
        for row in st["detections"]:
            assert row["delay"] is not None, (st["name"], row)
            assert row["flagged_at"] == st["change_start"] + row["delay"]
    shock = {r["detector"]: r for r in res["streams"][0]["detections"]}
    assert shock["ADWIN"]["delay"] < 600 and shock["PageHinkley"]["delay"] < 600


def test_cli_demo_prints_detector_part(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    for name in ("DDM", "ADWIN", "PageHinkley"):
        assert any(ln.startswith(name) for ln in out.splitlines()), name
    assert "  sudden shock: DDM " in out and "slow rise: DDM " in out
    assert main(["demo", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [s["name"] for s in report["error_streams"]["streams"]] == ["sudden shock", "slow rise"]
