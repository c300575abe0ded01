"""The demo's fifth part: a broken upstream sensor in a three-stage PipelineMonitor. The
sensor breaks at 00:30:00 (30 % missing, the rest stuck); expectations follow from the
simulation's parameters and the documented rules, not from a recorded run."""

import math

import pytest

from driftscope import _upstream, demo

SEC = 1_000_000_000
BREAK = _upstream.BREAK_AT_S * SEC


@pytest.fixture(scope="module")
def result():
    return _upstream.run_pipeline(demo.DEFAULT_SEED)


def test_nothing_fires_before_the_break(result):
    assert all(e["timestamp"] > BREAK for e in result["events"] if e["to_state"] in ("pending", "firing"))


def test_every_stage_alarms_and_the_sensor_first(result):
    fired = {(e["stage"], e["rule"]) for e in result["firing"]}
    assert fired == {("sensor", "temperature_c:missing_share"), ("sensor", "temperature_c:std"),
                     ("features", "temp_z:std"), ("model", "p_failure:mean")}
    a = result["first_alarm"]
    assert a["stage"] == "sensor"
    # the first broken window [30:00, 31:00) closes at 31:00 (pending); `for` 2m: firing at 33:00
    assert a["timestamp"] == BREAK + 3 * 60 * SEC
    by_stage = {}
    for e in result["firing"]:
        by_stage.setdefault(e["stage"], e["timestamp"])
    assert by_stage["sensor"] < by_stage["features"] and by_stage["sensor"] < by_stage["model"]


def test_the_alarm_values_match_the_break(result):
    miss = next(e for e in result["firing"] if e["rule"] == "temperature_c:missing_share")
    # 120 readings a window, 30 % missing: within 4 binomial standard deviations
    assert abs(miss["value"] - 0.3) < 4 * math.sqrt(0.3 * 0.7 / 120)
    stuck = next(e for e in result["firing"] if e["rule"] == "temperature_c:std")
    assert stuck["value"] == 0.0  # every present reading is 21.5


def test_rendered_in_the_demo_text(result):
    text = "\n".join(_upstream.render_pipeline(result))
    assert "part 5" in text
    assert "the upstream stage 'sensor' alarmed first, at 00:33:00" in text
