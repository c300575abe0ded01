"""The demo's fourth part: the house example (concept drift without data drift), watched by
a ResidualMonitor, next to the input statistics of the incomes that stay quiet."""

import json
import time

import numpy as np
import pytest
from scipy import stats

from driftscope import demo
from driftscope._house import house_stream


@pytest.fixture(scope="module")
def result():
    t0 = time.perf_counter()
    res = demo.run_concept()
    res["_seconds"] = time.perf_counter() - t0
    return res


def _streams(res):
    return {s["name"]: s for s in res["streams"]}


def test_fast(result):
    assert result["_seconds"] < 5.0


def test_streams_as_documented(result):
    by = _streams(result)
    assert list(by) == ["gradual inflation", "sudden change"]
    g, s = by["gradual inflation"], by["sudden change"]
    assert (g["kind"], g["change_start"], g["change_end"]) == ("ramp", 4000, 6000)
    assert (s["kind"], s["change_start"], s["change_end"]) == ("sudden", 4000, 4000)
    for r in (g, s):
        assert (r["beta_before"], r["beta_after"]) == (2.0, 1.5)


def _regenerate(seed):
    """The part's streams, rebuilt from the documented seeding."""
    seeds = np.random.default_rng([seed, demo._CONCEPT_KEY]).integers(2**63, size=len(demo.CONCEPT_STREAMS))
    return [cs.make(int(s)) for cs, s in zip(demo.CONCEPT_STREAMS, seeds)]


def test_input_statistics_stay_quiet_and_match_scipy(result):
    for r, h in zip(result["streams"], _regenerate(result["seed"])):
        ws = r["input_windows"]
        assert [(w["start"], w["end"]) for w in ws] == [(4000, 5000), (5000, 6000), (6000, 7000), (7000, 8000)]
        for w in ws:
            # scipy is the oracle for the KS statistic of the reported window
            ref = stats.ks_2samp(h.x[:1000], h.x[w["start"]:w["end"]])
            assert w["ks_statistic"] == pytest.approx(ref.statistic, abs=1e-12)
            assert w["ks_pvalue"] >= 0.01
            assert 0.0 <= w["psi"] < 0.1
        assert r["input_quiet"] is True


def test_monitor_fires_after_the_change_and_never_before(result):
    for r in result["streams"]:
        assert r["first_alarm"] is not None, r["name"]
        assert r["first_alarm"]["row"] >= r["change_start"]
        assert r["alarms_before_change"] == 0
        assert all(a["row"] >= r["change_start"] for a in r["alarms"])
        assert r["delay"] == r["first_alarm"]["row"] - r["change_start"]
        # the alarm lies inside the stream
        assert r["first_alarm"]["row"] < result["n_rows"]


def test_drift_types_onsets_and_new_slope(result):
    by = _streams(result)
    s, g = by["sudden change"], by["gradual inflation"]
    assert s["drift"] is not None and s["drift"]["kind"] == "sudden" and s["drift"]["gradual"] is False
    assert g["drift"] is not None and g["drift"]["gradual"] is True
    assert g["drift"]["kind"] in ("incremental", "mixing")
    # onset near the true start (within a couple of blocks of 50 rows for the sudden one)
    assert abs(s["drift"]["onset_row"] - 4000) <= 150
    assert abs(g["drift"]["onset_row"] - 4000) <= 500
    assert abs(g["drift"]["duration"] - 2000) <= 500
    for r in (s, g):
        assert abs(r["new_slope"] - 1.5) <= 0.05, r["name"]
        assert r["delta_beta"] == pytest.approx(r["new_slope"] - r["reference_slope"], abs=1e-12)
        assert abs(r["delta_beta"] + 0.5) <= 0.06


def test_reference_slope_is_the_ols_fit(result):
    for r, h in zip(result["streams"], _regenerate(result["seed"])):
        A = np.column_stack([np.ones(1000), h.x[:1000]])
        beta, *_ = np.linalg.lstsq(A, h.y[:1000], rcond=None)
        assert r["reference_slope"] == pytest.approx(beta[1], rel=1e-9)


def test_json_and_deterministic(result):
    again = demo.run_concept()
    clean = {k: v for k, v in result.items() if k != "_seconds"}
    assert json.loads(json.dumps(again, allow_nan=False)) == again
    assert again == clean
    other = demo.run_concept(seed=demo.DEFAULT_SEED + 1)
    assert other["streams"][0]["new_slope"] != clean["streams"][0]["new_slope"]


def test_text_rendering(result):
    clean = {k: v for k, v in result.items() if k != "_seconds"}
    lines = demo._render_concept(clean)
    text = "\n".join(lines)
    assert "part 4" in text and "house" in text
    for r in clean["streams"]:
        assert f"  {r['summary']}" in lines
        assert r["summary"].startswith(r["name"] + ": income stays quiet")
        assert f"fires at row {r['first_alarm']['row']}" in r["summary"]
    assert "sudden change:" in text and "gradual inflation:" in text


def test_run_includes_part_4_and_can_skip_it():
    # small parts 1-3 so the check is quick; part 4 is the same whatever the others do
    res = demo.run(seed=3, reference_size=2000, batch_size=500, stream=False)
    assert res["concept"] == demo.run_concept(seed=3)
    assert "driftscope demo, part 4" in demo.render_text(res)
    res2 = demo.run(seed=3, reference_size=2000, batch_size=500, stream=False, concept=False)
    assert "concept" not in res2 and "part 4" not in demo.render_text(res2)


def test_custom_streams():
    cs = demo.ConceptStream("no change", "the slope stays 2",
                            lambda s: house_stream("none", s))
    res = demo.run_concept(seed=1, streams=[cs])
    (r,) = res["streams"]
    assert r["change_start"] == r["change_end"] == 8000 and r["input_windows"] == []
    assert r["summary"].startswith("no change: ")
