"""The demo's third part: the speech example as a stream (driftscope._speech) watched by a
StreamMonitor, and the generator itself."""

import json
import time

import numpy as np
import pytest
from scipy import stats

from driftscope import _speech, demo
from driftscope.cli import main


@pytest.fixture(scope="module")
def result():
    t0 = time.perf_counter()
    res = demo.run_stream()
    res["_seconds"] = time.perf_counter() - t0
    return res


# --------------------------------------------------------------------------- generator


def test_speech_generator_phases_and_determinism():
    sp = _speech.generate(seed=3)
    assert [p[0] for p in sp.phases] == ["adult", "gradual", "children"]
    a, g, c = sp.phases
    assert (a[1], a[2], g[2], c[2]) == (0, _speech.ADULT_ROWS, _speech.ADULT_ROWS + _speech.GRADUAL_ROWS, sp.n_rows)
    assert not sp.is_child[:a[2]].any() and sp.is_child[c[1]:].all()
    share = sp.children_share[g[1]:g[2]]
    assert np.all(np.diff(share) > 0) and share[-1] == pytest.approx(_speech.GRADUAL_END_SHARE)
    # the mix-in follows the ramp: children in the two halves of the gradual phase
    half = (g[1] + g[2]) // 2
    assert 0.05 < sp.is_child[g[1]:half].mean() < 0.2 < sp.is_child[half:g[2]].mean() < 0.5
    assert set(sp.stream) == set(_speech.FEATURES)
    assert all(v.size == sp.n_rows for v in sp.stream.values())
    assert all(v.size == _speech.REFERENCE_ROWS for v in sp.reference.values())
    # children's voices are higher; school traffic is tablets and laptops only
    pitch = sp.stream["pitch_hz"]
    assert np.median(pitch[sp.is_child]) > 250 > np.median(pitch[~sp.is_child])
    assert set(sp.stream["device"][c[1]:]) <= {"tablet", "laptop"}
    assert set(sp.reference["device"]) == {"phone", "laptop", "smart_speaker", "tablet"}
    # deterministic for a seed, different across seeds
    again = _speech.generate(seed=3)
    assert all(np.array_equal(sp.stream[f], again.stream[f]) for f in _speech.FEATURES)
    other = _speech.generate(seed=4)
    assert not np.array_equal(sp.stream["pitch_hz"], other.stream["pitch_hz"])
    assert sp.phase_of(1) == "adult" and sp.phase_of(_speech.ADULT_ROWS + 1) == "gradual"
    with pytest.raises(ValueError, match="adult_rows must be >= 0"):
        _speech.generate(adult_rows=-1)


# --------------------------------------------------------------------------- monitor


def test_fast(result):
    assert result["_seconds"] < 3.0


def test_no_alarm_in_the_adult_phase(result):
    assert result["events"], "the children's voices must fire"
    adult = [e for e in result["events"] if e["phase"] == "adult"]
    assert not [e for e in adult if e["level"] == "alarm"], adult
    assert all(e["window_end"] <= _speech.ADULT_ROWS for e in adult)


def test_first_alarm_during_the_gradual_phase(result):
    first = result["first_alarm"]
    assert first is not None and first["phase"] == "gradual"
    assert first == next(e for e in result["events"] if e["level"] == "alarm")
    assert _speech.ADULT_ROWS < first["window_end"] <= _speech.ADULT_ROWS + _speech.GRADUAL_ROWS
    assert 0 < first["children_in_window"] < 0.5


def test_pitch_alarms(result):
    pitch = [e for e in result["events"] if e["feature"] == "pitch_hz" and e["level"] == "alarm"]
    assert {e["statistic"] for e in pitch} == {"psi", "ks"}
    assert pitch[0]["phase"] == "gradual"


def test_device_chi_square_alarm_after_the_switch(result):
    switch = _speech.ADULT_ROWS + _speech.GRADUAL_ROWS
    dev = [e for e in result["events"] if e["feature"] == "device" and e["statistic"] == "chi_square"]
    alarms = [e for e in dev if e["level"] == "alarm"]
    assert alarms and alarms[0]["window_end"] > switch
    # before the switch children use the adults' devices: nothing fires on the device
    assert all(e["window_end"] > switch for e in dev)
    assert alarms[0]["window_end"] - switch <= 500
    assert any(e["feature"] == "device" and e["statistic"] == "chi_square" for e in result["alarms_after_switch"])


def test_event_values_match_scipy(result):
    """KS p-values of the events equal scipy's ks_2samp on the same window (exact or asymp)."""
    speech = _speech.generate(int(np.random.default_rng([demo.DEFAULT_SEED, demo._SPEECH_STREAM_KEY])
                                  .integers(2**63)))
    checked = 0
    for e in result["events"]:
        if e["statistic"] != "ks":
            continue
        end = e["window_end"]
        w = speech.stream[e["feature"]][end - demo.STREAM_WINDOW:end]
        r = speech.reference[e["feature"]]
        cands = [stats.ks_2samp(w, r, method=m).pvalue for m in ("exact", "asymp")]
        assert any(abs(e["value"] - c) <= 1e-9 + 1e-3 * c for c in cands), (e, cands)
        assert e["children_in_window"] == pytest.approx(speech.is_child[end - demo.STREAM_WINDOW:end].mean())
        checked += 1
    assert checked >= 3


def test_rules_patience_and_cooldown_hold(result):
    """With patience 2 / cooldown 20, one (feature, statistic, level) fires at most once per
    21 evaluations (2,100 rows), and never at the first evaluated window."""
    last = {}
    for e in result["events"]:
        assert e["window_end"] > demo.STREAM_WINDOW
        key = (e["feature"], e["statistic"], e["level"])
        if key in last:
            assert e["window_end"] - last[key] >= (demo.STREAM_COOLDOWN + 1) * demo.STREAM_STRIDE, e
        last[key] = e["window_end"]


def test_deterministic_and_json(result):
    again = demo.run_stream()
    trimmed = {k: v for k, v in result.items() if k != "_seconds"}
    assert again == trimmed
    json.dumps(again, allow_nan=False)
    assert demo.run_stream(seed=8)["events"] != trimmed["events"]


def test_cli_demo_prints_part_3(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "driftscope demo, part 3: the speech model's inputs as a stream" in out
    part3 = out[out.index("part 3"):]
    assert "first alarm at row" in part3 and "gradual phase" in part3
    assert "chi_square alarm at row" in part3
    assert "ALARM" in part3 and "pitch_hz" in part3
    assert main(["demo", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["stream"]["first_alarm"]["phase"] == "gradual"
