"""The demo's fifth part: a broken upstream, caught where it broke.

A predictive-maintenance model scores machines from a temperature sensor (the seed notes'
"input from another chip") and a humidity reading. The pipeline has three stages, each
watched by a :class:`driftscope.monitor.Stage` with its own rules (1-minute windows):

* ``sensor`` (the upstream chip): ``temperature_c`` and ``humidity``; alarms when the missing
  share of temperature rises 10 points over the reference's (for 2 minutes) or when the
  temperature gets stuck (its window std below 0.01 °C, for 2 minutes);
* ``features``: ``temp_z`` = (temperature − training mean) / training sd with a missing reading
  imputed as 0; alarms when its std falls 0.5 under the reference's (for 3 minutes);
* ``model``: the failure score ``p_failure`` = sigmoid(−2 + 1.2 temp_z + 0.8 humidity_z) and the
  model's latency; alarms when the mean score falls 0.04 under the reference's (for 3 minutes).

Two requests a second for an hour of simulated time. At 00:30:00 the sensor breaks: 30 % of its
readings are missing and the rest are stuck at 21.5 °C. The features downstream lose their
spread and the model's scores move, but the first alarm is the sensor's, with the time it
fired — so the broken upstream is blamed on the upstream and not on the model.
"""

from __future__ import annotations

from typing import Any, Dict, List

import numpy as np

from ._report import fmt_float, json_number, render_table

__all__ = ["run_pipeline", "render_pipeline", "BREAK_AT_S", "DURATION_S", "RATE_PER_S"]

#: Simulated seconds, requests per second, and when the sensor breaks.
DURATION_S = 3600
RATE_PER_S = 2
BREAK_AT_S = 1800
#: Training statistics of the temperature and humidity.
TEMP_MEAN, TEMP_SD = 24.0, 3.0
HUM_MEAN, HUM_SD = 45.0, 8.0
STUCK_AT = 21.5
MISSING_AFTER_BREAK = 0.3
REFERENCE_ROWS = 5_000
#: Mixed into the demo seed so this part's data is independent of the others'.
_KEY = 0x5E2503
SEC = 1_000_000_000


def _score(temp_z: np.ndarray, hum: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(-2.0 + 1.2 * temp_z + 0.8 * (hum - HUM_MEAN) / HUM_SD)))


def _features(temp: np.ndarray) -> np.ndarray:
    z = (temp - TEMP_MEAN) / TEMP_SD
    return np.where(np.isnan(z), 0.0, z)  # the feature pipeline imputes a missing reading as 0


def _clock(t_ns: int) -> str:
    s = t_ns // SEC
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def run_pipeline(seed: int) -> Dict[str, Any]:
    """Simulates the hour, feeds the three stages of a PipelineMonitor, and returns a
    JSON-ready dict: the events (stage, rule, severity, state, time), the first alarm, and a
    few window values before and after the break."""
    from .monitor import AlertRule, PipelineMonitor, Stage

    rng = np.random.default_rng([seed, _KEY])
    # reference: the training data's sensor readings, features and scores
    ref_temp = rng.normal(TEMP_MEAN, TEMP_SD, REFERENCE_ROWS)
    ref_hum = rng.normal(HUM_MEAN, HUM_SD, REFERENCE_ROWS)
    ref_z = _features(ref_temp)
    ref_p = _score(ref_z, ref_hum)
    stages = [
        Stage("sensor", numeric=["temperature_c", "humidity"], window="1m",
              reference={"temperature_c": ref_temp, "humidity": ref_hum},
              rules=[AlertRule("temperature_c:missing_share", condition="relative_to_reference", alarm=0.10,
                               for_duration="2m", summary="the sensor sends missing readings"),
                     AlertRule("temperature_c:std", condition="below", alarm=0.01, for_duration="2m",
                               summary="the temperature is stuck")]),
        Stage("features", numeric=["temp_z", "humidity_z"], window="1m",
              reference={"temp_z": ref_z, "humidity_z": (ref_hum - HUM_MEAN) / HUM_SD},
              rules=[AlertRule("temp_z:std", condition="relative_to_reference", side="under", alarm=0.5,
                               for_duration="3m", summary="temp_z lost its spread")]),
        Stage("model", numeric=["p_failure"], window="1m", reference={"p_failure": ref_p},
              rules=[AlertRule("p_failure:mean", condition="relative_to_reference", side="under", alarm=0.04,
                               for_duration="3m", summary="the failure scores dropped")]),
    ]
    pipe = PipelineMonitor(stages, process_metrics=False)

    n = DURATION_S * RATE_PER_S
    ts = (np.arange(n, dtype=np.int64) * SEC) // RATE_PER_S
    temp = rng.normal(TEMP_MEAN, TEMP_SD, n)
    hum = rng.normal(HUM_MEAN, HUM_SD, n)
    broken = ts >= BREAK_AT_S * SEC
    temp[broken] = STUCK_AT
    temp[broken & (rng.random(n) < MISSING_AFTER_BREAK)] = np.nan
    z = _features(temp)
    p = _score(z, hum)
    latency = rng.lognormal(np.log(0.004), 0.3, n)

    events: List[Dict[str, Any]] = []

    def record(stage: str, e: Any) -> None:
        events.append({"stage": stage, "rule": e.rule, "severity": e.severity, "to_state": e.to_state,
                       "time": _clock(e.timestamp), "timestamp": int(e.timestamp), "value": json_number(e.value)})

    pipe.set_on_event(record)
    pipe.stage("sensor").observe_many(numeric=np.column_stack([temp, hum]), timestamps=ts)
    pipe.stage("features").observe_many(numeric=np.column_stack([z, (hum - HUM_MEAN) / HUM_SD]), timestamps=ts)
    pipe.stage("model").observe_many(numeric=p.reshape(-1, 1), latencies=latency, timestamps=ts)
    pipe.advance(DURATION_S * SEC)

    first = pipe.first_alarm
    first_alarm = None
    if first is not None:
        stage, e = first
        first_alarm = {"stage": stage, "rule": e.rule, "time": _clock(e.timestamp), "timestamp": int(e.timestamp),
                       "pending_since": _clock(e.active_since)}
    fired = [e for e in events if e["to_state"] == "firing"]
    return {
        "seed": seed,
        "duration_s": DURATION_S,
        "requests_per_s": RATE_PER_S,
        "break_at": _clock(BREAK_AT_S * SEC),
        "stuck_at": STUCK_AT,
        "missing_after_break": MISSING_AFTER_BREAK,
        "events": events,
        "firing": fired,
        "first_alarm": first_alarm,
        "stages": [
            {"stage": s, "rules": [r for r, sev, st in pipe.stage(s).alert_states], "values": {
                k: json_number(v) for k, v in pipe.stage(s).last_values.items()
                if k.endswith((":missing_share", ":std", ":mean")) and not k.startswith(("latency", "errors"))}}
            for s in pipe.stage_names
        ],
    }


def render_pipeline(res: Dict[str, Any]) -> List[str]:
    lines = [
        "",
        "driftscope demo, part 5: a broken upstream - sensor -> features -> model, each stage with its own rules",
        f"{res['requests_per_s']} requests/s for {res['duration_s'] // 60} minutes, 1-minute windows; at "
        f"{res['break_at']} the temperature sensor breaks ({res['missing_after_break']:.0%} missing, the rest stuck "
        f"at {res['stuck_at']} C)",
        "",
        "alerts that fired:",
    ]
    rows = [[e["time"], e["stage"], e["rule"], e["severity"], fmt_float(e["value"])] for e in res["firing"]]
    lines.append(render_table(["time", "stage", "rule", "severity", "value"], rows, align="lllll") if rows
                 else "  (none)")
    a = res["first_alarm"]
    if a is None:
        lines += ["", "summary: no stage alarmed"]
    else:
        lines += ["", f"summary: the upstream stage '{a['stage']}' alarmed first, at {a['time']} "
                      f"({a['rule']}, pending since {a['pending_since']}); the break began at {res['break_at']}"]
    return lines
