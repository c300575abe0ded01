"""``driftscope demo``: data drift in a speech model's inputs.

A speech model was trained on adult voices. Its input features are monitored against a
reference batch of adult utterances while children's voices start to arrive:

* **no drift** - new adult users, nothing should be flagged;
* **gradual shift** - the share of children rises 0% -> 5% -> 15% -> 30% -> 50%;
* **sudden shift** - the app launches in schools and children suddenly make most of the traffic.

Features per utterance: ``pitch_hz`` (adults: a lognormal mix of men around 120 Hz and women
around 210 Hz; children around 250-320 Hz), ``loudness_db``, ``speaking_rate`` (syllables per
second) and ``utterance_s`` (duration). The numbers are illustrative, not measurements.

Each scenario is a function ``(rng, batch_size) -> Scenario``; add one to :data:`SCENARIOS`
to extend the demo.

The second part watches a model's errors online (the seed notes' *sudden shock*): a fraud
model's error stream (1 = the model got a transaction wrong) when shopping behaviour changes
overnight (a lockdown) - the error rate jumps from 5% to 15% - next to a *slow rise* of the
same size over 3,000 transactions. The change detectors of :mod:`driftscope.drift`
(:data:`DETECTORS`: DDM, ADWIN, Page-Hinkley) watch each stream; the demo prints where each
first flags the change and its delay, scored with :mod:`driftscope.evaluate`. Each error
stream is a function ``(rng, n) -> ErrorStream`` in :data:`ERROR_STREAMS`.

The third part replays the speech example as a stream (:mod:`driftscope._speech`): adult
utterances, then children's voices mixed in gradually, then - the app launches in schools -
children only, on school tablets. A :class:`driftscope.monitor.StreamMonitor` (sliding windows
of 1,000 utterances every 100, PSI + KS per numerical feature, PSI + chi-square for the
device) raises warnings and alarms under :data:`STREAM_RULES`; the demo prints each as it fires
with the row at which it fired, then when the first alarm came and what fired after the switch.

The fourth part is the seed notes' house example (:mod:`driftscope._house`): a model predicts
the rooms of a house from the owner's income, ``y = 5 + 2 x + noise``, and inflation turns the
slope into 1.5 - the relation X -> Y changes while the incomes ``x`` do not (concept drift
without data drift). Two streams: *gradual inflation* (the slope falls linearly over 2,000
rows) and a *sudden change* (2 -> 1.5 at once), both from row 4,000 after 1,000 reference
rows. The input drift statistics of ``x`` (KS and PSI of each window of 1,000 rows after the
change against the reference, :class:`driftscope.stats.ReferenceProfile`) stay quiet, while a
:class:`driftscope.concept.ResidualMonitor` fitted on the reference rows fires; the demo prints
its first alarm (row and test), the drift type with onset and duration, and the new slope
tracked by its recursive least squares (``tracking_coefficients[1]``) against the true 1.5.

The fifth part is a broken upstream (:mod:`driftscope._upstream`): a temperature sensor feeds
a feature pipeline and a failure model, three stages of a
:class:`driftscope.monitor.PipelineMonitor` with their own alert rules. When the sensor starts
sending missing values and a stuck constant, every stage eventually alarms, but the sensor's
alarm fires first, and the demo prints which stage it was and when.

The sixth part deploys a new model (:mod:`driftscope._deployment`): in shadow mode beside loan
officers (agreement, Cohen's kappa, accuracy on the outcomes known so far, the share it could
decide alone), then as a canary at 5 % -> 10 % -> 25 % -> 50 % with a sequential gate on the
error rates, once promoted and once rolled back at the step where its errors rise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

import numpy as np

from . import _house
from . import _speech
from . import _deployment
from . import _upstream
from . import drift
from . import evaluate as _evaluate
from ._report import fmt_float, fmt_p, json_number, render_table
from .stats import ReferenceProfile

__all__ = [
    "CONCEPT_STREAMS",
    "DEFAULT_SEED",
    "DESCRIPTION",
    "DETECTORS",
    "ERROR_STREAMS",
    "FEATURES",
    "SCENARIOS",
    "STREAM_RULES",
    "Batch",
    "ConceptStream",
    "DemoDetector",
    "ErrorStream",
    "Scenario",
    "adult_voices",
    "children_voices",
    "gradual_shift",
    "mixed_voices",
    "no_drift",
    "render_text",
    "run",
    "run_concept",
    "run_detectors",
    "run_stream",
    "slow_rise",
    "sudden_shift",
    "sudden_shock",
    "verdict",
]

DESCRIPTION = (
    "A speech model trained on adult voices meets children's voices. Simulates a reference "
    "batch of adult utterances and current batches without drift, with a gradual shift "
    "(children 0% -> 50%) and with a sudden shift (launch in schools), and reports PSI, "
    "Jensen-Shannon distance, KS and Wasserstein distance per feature and batch. Then a fraud "
    "model's error stream meets a sudden shock (a lockdown: errors jump 5% -> 15% overnight) and "
    "a slow rise, and the change detectors DDM, ADWIN and Page-Hinkley report when they flag each. "
    "Finally the voices arrive as a stream (adults, then children mixed in gradually, then only "
    "children on school tablets) and a StreamMonitor prints its warnings and alarms as they fire. "
    "Last, the seed notes' house example: inflation turns rooms = 5 + 2 * income into 5 + 1.5 * "
    "income, gradually or suddenly; the income statistics stay quiet while a ResidualMonitor on the "
    "model's residuals fires and reports the drift type, onset, duration and the new slope. "
    "And a broken upstream: a temperature sensor starts sending missing values and a stuck constant; "
    "the sensor, feature and model stages of a PipelineMonitor alarm, the sensor's first. "
    "Then a new model is deployed: in shadow mode beside loan officers (agreement, kappa, accuracy "
    "on known outcomes), then as a canary at 5% -> 10% -> 25% -> 50% with a sequential gate on the "
    "error rates, once promoted and once rolled back at the step where its errors rise."
)
DEFAULT_SEED = 7
REFERENCE_SIZE = 20_000
BATCH_SIZE = 5_000
FEATURES = ("pitch_hz", "loudness_db", "speaking_rate", "utterance_s")

#: Verdict thresholds: PSI >= PSI_DRIFT (and KS p < KS_ALPHA) is DRIFT; PSI >= PSI_WARN or
#: KS p < KS_ALPHA is WARN.
PSI_WARN = 0.1
PSI_DRIFT = 0.2
KS_ALPHA = 0.01
_SEVERITY = {"OK": 0, "WARN": 1, "DRIFT": 2}
#: Transactions per fraud-model error stream.
ERROR_STREAM_SIZE = 6_000
#: Mixed into the seed of the error streams, so they are independent of the speech data.
_ERROR_STREAM_KEY = 0xF2A0D
#: Mixed into the seed of the speech stream (part 3).
_SPEECH_STREAM_KEY = 0x5BEEC
#: Part 3's windows: the last STREAM_WINDOW utterances, evaluated every STREAM_STRIDE.
STREAM_WINDOW = 1_000
STREAM_STRIDE = 100
#: Part 3's rules per statistic: the default levels, but a level must hold for 2 evaluations
#: in a row (patience) and re-fires at most every 20 evaluations (cooldown = 2,000 rows).
STREAM_PATIENCE = 2
STREAM_COOLDOWN = 20


# --------------------------------------------------------------------------- data


def adult_voices(rng: np.random.Generator, n: int) -> Dict[str, np.ndarray]:
    """n adult utterances: half men (pitch ~120 Hz), half women (~210 Hz)."""
    women = rng.random(n) < 0.5
    pitch = np.where(women, rng.lognormal(np.log(210.0), 0.12, n), rng.lognormal(np.log(120.0), 0.15, n))
    return {
        "pitch_hz": pitch,
        "loudness_db": rng.normal(62.0, 4.0, n),
        "speaking_rate": np.clip(rng.normal(4.6, 0.7, n), 1.0, None),
        "utterance_s": rng.lognormal(np.log(3.0), 0.45, n),
    }


def children_voices(rng: np.random.Generator, n: int) -> Dict[str, np.ndarray]:
    """n children's utterances: higher pitch (~250-320 Hz), louder, slower, shorter."""
    return {
        "pitch_hz": rng.lognormal(np.log(285.0), 0.08, n),
        "loudness_db": rng.normal(66.0, 5.0, n),
        "speaking_rate": np.clip(rng.normal(3.6, 0.8, n), 1.0, None),
        "utterance_s": rng.lognormal(np.log(2.2), 0.5, n),
    }


def mixed_voices(rng: np.random.Generator, n: int, children_share: float) -> Dict[str, np.ndarray]:
    """n utterances of which round(n * children_share) are children's, shuffled."""
    k = int(round(n * children_share))
    a = adult_voices(rng, n - k)
    c = children_voices(rng, k)
    order = rng.permutation(n)
    return {f: np.concatenate([a[f], c[f]])[order] for f in FEATURES}


@dataclass
class Batch:
    """One batch of current traffic."""

    label: str
    children_share: float
    data: Dict[str, np.ndarray]


@dataclass
class Scenario:
    """A named sequence of batches compared with the same adult reference."""

    name: str
    title: str
    batches: List[Batch]


def _batches(rng: np.random.Generator, n: int, shares: List[float], labels: List[str]) -> List[Batch]:
    return [Batch(lab, s, mixed_voices(rng, n, s)) for lab, s in zip(labels, shares)]


def no_drift(rng: np.random.Generator, n: int) -> Scenario:
    """New adult users only."""
    return Scenario("no drift", "new adult users, no children",
                    _batches(rng, n, [0.0, 0.0], ["week 1", "week 2"]))


def gradual_shift(rng: np.random.Generator, n: int) -> Scenario:
    """The share of children rises week by week."""
    shares = [0.0, 0.05, 0.15, 0.30, 0.50]
    return Scenario("gradual shift", "children's share rises 0% -> 5% -> 15% -> 30% -> 50%",
                    _batches(rng, n, shares, [f"week {i + 1}" for i in range(len(shares))]))


def sudden_shift(rng: np.random.Generator, n: int) -> Scenario:
    """Two ordinary days, then the app launches in schools."""
    return Scenario("sudden shift", "the app launches in schools: children are suddenly 80% of traffic",
                    _batches(rng, n, [0.0, 0.0, 0.80], ["day 1", "day 2", "day 3 (schools)"]))


#: Scenario functions run by :func:`run`, in order.
SCENARIOS: List[Callable[[np.random.Generator, int], Scenario]] = [no_drift, gradual_shift, sudden_shift]


# --------------------------------------------------------------------------- statistics


def verdict(psi: float, ks_pvalue: float) -> str:
    """DRIFT if PSI >= 0.2 and KS p < 0.01; WARN if PSI >= 0.1 or KS p < 0.01; else OK."""
    if psi >= PSI_DRIFT and ks_pvalue < KS_ALPHA:
        return "DRIFT"
    if psi >= PSI_WARN or ks_pvalue < KS_ALPHA:
        return "WARN"
    return "OK"


def run(
    seed: int = DEFAULT_SEED,
    scenarios: Optional[List[Callable[[np.random.Generator, int], Scenario]]] = None,
    reference_size: int = REFERENCE_SIZE,
    batch_size: int = BATCH_SIZE,
    detectors: Optional[List["DemoDetector"]] = None,
    error_streams: Optional[List[Callable[[np.random.Generator, int], "ErrorStream"]]] = None,
    stream: bool = True,
    concept: bool = True,
    pipeline: bool = True,
    deployment: bool = True,
) -> Dict[str, Any]:
    """Simulate every scenario and compute the statistics, then run the change detectors
    on the fraud-model error streams (:func:`run_detectors`), with ``stream`` the speech
    stream through a StreamMonitor (:func:`run_stream`) and with ``concept`` the house
    example through a ResidualMonitor (:func:`run_concept`), and with ``pipeline`` the broken
    upstream through a PipelineMonitor (:func:`driftscope._upstream.run_pipeline`), and with
    ``deployment`` the shadow and canary story (:func:`driftscope._deployment.run_deployment`);
    returns a JSON-ready dict."""
    scenarios = SCENARIOS if scenarios is None else scenarios
    # Independent streams: adding a scenario at the end does not change the others' data.
    ref_rng, *scenario_rngs = np.random.default_rng(seed).spawn(len(scenarios) + 1)
    reference = adult_voices(ref_rng, reference_size)
    profiles = {f: ReferenceProfile(reference[f]) for f in FEATURES}

    out_scenarios = []
    for make, rng in zip(scenarios, scenario_rngs):
        sc = make(rng, batch_size)
        batches = []
        for i, b in enumerate(sc.batches, start=1):
            feats = []
            for f in FEATURES:
                prof = profiles[f]
                x = b.data[f]
                p = prof.psi(x).statistic
                ks = prof.ks(x)
                feats.append({
                    "feature": f,
                    "psi": json_number(p),
                    "js_distance": json_number(prof.js_distance(x).statistic),
                    "ks_statistic": json_number(ks.statistic),
                    "ks_pvalue": json_number(ks.pvalue),
                    "wasserstein": json_number(prof.wasserstein(x)),
                    "verdict": verdict(p, ks.pvalue),
                })
            worst = max((r["verdict"] for r in feats), key=_SEVERITY.__getitem__)
            batches.append({
                "batch": i,
                "label": b.label,
                "children_share": b.children_share,
                "n": int(b.data[FEATURES[0]].size),
                "verdict": worst,
                "features": feats,
            })
        out_scenarios.append(_summarize(sc, batches))
    result = {
        "seed": seed,
        "reference_size": reference_size,
        "batch_size": batch_size,
        "features": list(FEATURES),
        "thresholds": {"psi_warn": PSI_WARN, "psi_drift": PSI_DRIFT, "ks_alpha": KS_ALPHA},
        "scenarios": out_scenarios,
        "error_streams": run_detectors(seed, detectors=detectors, streams=error_streams),
    }
    if stream:
        result["stream"] = run_stream(seed)
    if concept:
        result["concept"] = run_concept(seed)
    if pipeline:
        result["pipeline"] = _upstream.run_pipeline(seed)
    if deployment:
        result["deployment"] = _deployment.run_deployment(seed)
    return result


def _first(batches: List[Dict[str, Any]], level: str) -> Optional[Dict[str, Any]]:
    for b in batches:
        if _SEVERITY[b["verdict"]] >= _SEVERITY[level]:
            return b
    return None


def _at(b: Dict[str, Any]) -> str:
    return f"batch {b['batch']} ({b['children_share']:.0%} children)"


def _summarize(sc: Scenario, batches: List[Dict[str, Any]]) -> Dict[str, Any]:
    first_warn = _first(batches, "WARN")
    first_drift = _first(batches, "DRIFT")
    if first_drift is not None:
        feats = [r["feature"] for r in first_drift["features"] if r["verdict"] == "DRIFT"]
        summary = f"{sc.name}: drift first flagged at {_at(first_drift)} on {', '.join(feats)}"
        if first_warn is not None and first_warn["batch"] < first_drift["batch"]:
            summary += f"; first warning at {_at(first_warn)}"
    elif first_warn is not None:
        summary = f"{sc.name}: no drift flagged; first warning at {_at(first_warn)}"
    else:
        summary = f"{sc.name}: nothing flagged in {len(batches)} batches"
    return {
        "name": sc.name,
        "title": sc.title,
        "flagged": first_drift is not None,
        "first_warning_batch": None if first_warn is None else first_warn["batch"],
        "first_drift_batch": None if first_drift is None else first_drift["batch"],
        "summary": summary,
        "batches": batches,
    }


# --------------------------------------------------------------------------- change detectors


@dataclass
class ErrorStream:
    """A fraud model's errors, one value per transaction (1 = wrong), with the true change:
    transactions ``[change_start, change_end)`` are the transition (equal for a sudden one)."""

    name: str
    title: str
    errors: np.ndarray
    change_start: int
    change_end: int
    rate_before: float
    rate_after: float


@dataclass
class DemoDetector:
    """A change detector of the demo: its name, how it is built (shown), and a factory."""

    name: str
    call: str
    make: Callable[[], Any]


def sudden_shock(rng: np.random.Generator, n: int) -> ErrorStream:
    """Lockdown overnight: the error rate jumps from 5% to 15% at two thirds of the stream."""
    at = 2 * n // 3
    p = np.where(np.arange(n) < at, 0.05, 0.15)
    return ErrorStream("sudden shock", f"lockdown overnight: errors jump 5% -> 15% at transaction {at}",
                       (rng.random(n) < p).astype(np.float64), at, at, 0.05, 0.15)


def slow_rise(rng: np.random.Generator, n: int) -> ErrorStream:
    """Shopping habits drift slowly: the error rate rises linearly from 5% to 15% between
    one third and five sixths of the stream."""
    a, b = n // 3, 5 * n // 6
    p = np.interp(np.arange(n), [a, b], [0.05, 0.15])
    return ErrorStream("slow rise", f"habits drift slowly: errors rise 5% -> 15% from transaction {a} to {b}",
                       (rng.random(n) < p).astype(np.float64), a, b, 0.05, 0.15)


#: Error streams run by :func:`run_detectors`, in order.
ERROR_STREAMS: List[Callable[[np.random.Generator, int], ErrorStream]] = [sudden_shock, slow_rise]

#: The detectors of the demo: binary DDM, ADWIN, and Page-Hinkley watching for a rise of the
#: error rate (mode "up"; threshold 20 suits a 0/1 stream, river's default 50 is for larger values).
DETECTORS: List[DemoDetector] = [
    DemoDetector("DDM", "drift.binary.DDM()", lambda: drift.binary.DDM()),
    DemoDetector("ADWIN", "drift.ADWIN()", lambda: drift.ADWIN()),
    DemoDetector("PageHinkley", "drift.PageHinkley(threshold=20.0, mode='up')",
                 lambda: drift.PageHinkley(threshold=20.0, mode="up")),
]


def run_detectors(
    seed: int = DEFAULT_SEED,
    detectors: Optional[List[DemoDetector]] = None,
    streams: Optional[List[Callable[[np.random.Generator, int], ErrorStream]]] = None,
    n: int = ERROR_STREAM_SIZE,
) -> Dict[str, Any]:
    """Runs every detector over every error stream (``update_many``) and reports, per
    detector, where it first flagged drift at or after the true change, the delay (from the
    start of the change), the flags before the change (false alarms) and all flags."""
    detectors = DETECTORS if detectors is None else detectors
    streams = ERROR_STREAMS if streams is None else streams
    rngs = np.random.default_rng([seed, _ERROR_STREAM_KEY]).spawn(len(streams))
    out = []
    for make, rng in zip(streams, rngs):
        es = make(rng, n)
        change = es.change_start if es.change_end == es.change_start else (es.change_start, es.change_end)
        rows = []
        for d in detectors:
            found = d.make().update_many(es.errors)
            m = _evaluate.detection_metrics([change], found, n=len(es.errors))
            flags = [int(v) for v in found.drifts]
            rows.append({
                "detector": d.name,
                "flagged_at": m.detected_at[0],
                "delay": m.delays[0],
                "false_alarms_before": sum(1 for v in flags if v < es.change_start),
                "flags": flags,
            })
        before = es.errors[:es.change_start]
        after = es.errors[es.change_end:]
        out.append({
            "name": es.name,
            "title": es.title,
            "n": int(es.errors.size),
            "change_start": es.change_start,
            "change_end": es.change_end,
            "error_rate_before": es.rate_before,
            "error_rate_after": es.rate_after,
            "observed_error_rate_before": json_number(before.mean()) if before.size else None,
            "observed_error_rate_after": json_number(after.mean()) if after.size else None,
            "detections": rows,
            "summary": _detector_summary(es.name, rows),
        })
    return {
        "n": n,
        "detectors": [{"name": d.name, "call": d.call} for d in detectors],
        "streams": out,
    }


def _detector_summary(name: str, rows: List[Dict[str, Any]]) -> str:
    """e.g. "sudden shock: DDM flags it 385 transactions after the change (1 false alarm
    before), ADWIN after 191, PageHinkley misses it"."""
    parts = []
    for r in rows:
        if r["delay"] is None:
            part = f"{r['detector']} misses it"
        elif not parts:
            part = f"{r['detector']} flags it {r['delay']} transactions after the change"
        else:
            part = f"{r['detector']} after {r['delay']}"
        fa = r["false_alarms_before"]
        if fa:
            part += f" ({fa} false alarm{'s' if fa > 1 else ''} before)"
        parts.append(part)
    return f"{name}: " + (", ".join(parts) if parts else "no detectors")


# --------------------------------------------------------------------------- stream monitor


def _stream_rules() -> Dict[str, Dict[str, Any]]:
    from .monitor import ThresholdRule

    p, c = STREAM_PATIENCE, STREAM_COOLDOWN
    psi = ThresholdRule.distance(0.1, 0.25, patience=p, cooldown=c)
    pv = ThresholdRule.p_value(0.01, 0.001, patience=p, cooldown=c)
    rules: Dict[str, Dict[str, Any]] = {f: {"psi": psi, "ks": pv} for f in _speech.NUMERIC}
    rules.update({f: {"psi": psi, "chi_square": pv} for f in _speech.CATEGORICAL})
    return rules


#: Part 3's rules: {column: {statistic: ThresholdRule}} (built on first use by run_stream).
STREAM_RULES: Dict[str, Dict[str, Any]] = {}


def run_stream(seed: int = DEFAULT_SEED, speech: Optional[_speech.SpeechStream] = None) -> Dict[str, Any]:
    """Streams the speech example (:func:`driftscope._speech.generate`) through a StreamMonitor
    and reports every event with the row at which it fired (``window_end``), the phase of that
    row and the share of children in the window, the first alarm, and the events after the
    switch to children only."""
    from .monitor import StreamMonitor

    if not STREAM_RULES:
        STREAM_RULES.update(_stream_rules())
    sp = _speech.generate(int(np.random.default_rng([seed, _SPEECH_STREAM_KEY]).integers(2**63))) \
        if speech is None else speech
    # asymptotic KS p-values: the exact ones (scipy's "auto" rule for windows of 1,000 against
    # 5,000 reference values) cost ~100 times more and differ only far below the levels
    mon = StreamMonitor(sp.reference, categorical=list(_speech.CATEGORICAL), window="sliding",
                        size=STREAM_WINDOW, stride=STREAM_STRIDE, rules=STREAM_RULES)
    fired = mon.update_many(sp.stream)
    events = []
    for e in fired:
        end = int(e.window_end)
        window = sp.is_child[max(0, end - STREAM_WINDOW):end]
        events.append({
            "feature": e.feature,
            "statistic": e.statistic,
            "level": e.level,
            "value": json_number(e.value),
            "threshold": json_number(e.threshold),
            "window_end": end,
            "phase": sp.phase_of(end),
            "children_in_window": json_number(window.mean()) if window.size else None,
        })
    phases = [{"name": n, "start": a, "end": b} for n, a, b in sp.phases]
    switch = next(p["start"] for p in phases if p["name"] == "children")
    first_alarm = next((e for e in events if e["level"] == "alarm"), None)
    first_event = events[0] if events else None
    after = [e for e in events if e["window_end"] > switch]
    first_after = {}
    for e in after:
        first_after.setdefault((e["feature"], e["statistic"]), e)
    return {
        "seed": seed,
        "reference_rows": int(sp.reference[_speech.FEATURES[0]].size),
        "n_rows": sp.n_rows,
        "window": {"kind": "sliding", "size": STREAM_WINDOW, "stride": STREAM_STRIDE},
        "rules": {col: {st: repr(r) for st, r in rs.items()} for col, rs in STREAM_RULES.items()},
        "phases": phases,
        "events": events,
        "first_event": first_event,
        "first_alarm": first_alarm,
        "alarms_after_switch": [e for e in first_after.values() if e["level"] == "alarm"],
        "summary": _stream_summary(events, phases, first_alarm, switch),
    }


def _stream_summary(events: List[Dict[str, Any]], phases: List[Dict[str, Any]], first_alarm: Optional[Dict[str, Any]],
                    switch: int) -> List[str]:
    lines = []
    for p in phases:
        inside = [e for e in events if p["start"] < e["window_end"] <= p["end"]]
        n_alarm = sum(e["level"] == "alarm" for e in inside)
        feats = sorted({e["feature"] for e in inside if e["level"] == "alarm"})
        lines.append(f"{p['name']} phase (rows {p['start'] + 1}-{p['end']}): {n_alarm} alarm(s), "
                     f"{len(inside) - n_alarm} warning(s)" + (f"; alarms on {', '.join(feats)}" if feats else ""))
    if first_alarm is None:
        lines.append("no alarm fired")
    else:
        lines.append(f"first alarm at row {first_alarm['window_end']} ({first_alarm['phase']} phase, "
                     f"{first_alarm['children_in_window']:.0%} children in the window): "
                     f"{first_alarm['feature']} {first_alarm['statistic']}")
    dev = next((e for e in events if e["feature"] in _speech.CATEGORICAL and e["level"] == "alarm"
                and e["window_end"] > switch), None)
    if dev is not None:
        lines.append(f"after the switch to school tablets at row {switch}: {dev['feature']} "
                     f"{dev['statistic']} alarm at row {dev['window_end']} ({dev['window_end'] - switch} rows later)")
    return lines


def _render_stream(res: Dict[str, Any]) -> List[str]:
    w = res["window"]
    lines = [
        "",
        "driftscope demo, part 3: the speech model's inputs as a stream, watched by a StreamMonitor",
        f"reference: {res['reference_rows']} adult utterances; stream of {res['n_rows']} utterances: "
        + ", ".join(f"{p['name']} rows {p['start'] + 1}-{p['end']}" for p in res["phases"]),
        f"sliding windows of {w['size']} every {w['stride']} rows; rules: PSI warning 0.1 / alarm 0.25, "
        f"KS and chi-square p < 0.01 / 0.001; patience {STREAM_PATIENCE}, cooldown {STREAM_COOLDOWN}",
        "",
    ]
    header = ["row", "level", "feature", "statistic", "value", "threshold", "phase", "children in window"]
    rows = []
    for e in res["events"]:
        pv = e["statistic"] in ("ks", "chi_square")
        rows.append([
            str(e["window_end"]), e["level"].upper(), e["feature"], e["statistic"],
            fmt_p(e["value"]) if pv else fmt_float(e["value"]),
            ("p < " if pv else ">= ") + f"{e['threshold']:g}",
            e["phase"],
            "-" if e["children_in_window"] is None else f"{e['children_in_window']:.0%}",
        ])
    if rows:
        lines.append(render_table(header, rows, align="rllllrll"))
    else:
        lines.append("(no events)")
    lines += ["", "summary:"] + [f"  {s}" for s in res["summary"]]
    return lines


# --------------------------------------------------------------------------- concept drift (house)


@dataclass
class ConceptStream:
    """A house stream of part 4: its name, title and generator ``seed -> HouseStream``."""

    name: str
    title: str
    make: Callable[[int], "_house.HouseStream"]


#: Part 4's streams (the seed notes' house example): the slope 2 -> 1.5 from row
#: CONCEPT_CHANGE, gradually over CONCEPT_RAMP rows, or at once.
CONCEPT_REFERENCE = 1_000
CONCEPT_ROWS = 8_000
CONCEPT_CHANGE = 4_000
CONCEPT_RAMP = 2_000
#: Windows of income values after the change compared with the reference (KS, PSI).
CONCEPT_WINDOW = 1_000
#: Level of the residual monitor (its false-alarm rate over the whole stream).
CONCEPT_ALPHA = 0.05
#: Mixed into the seed of the house streams (part 4).
_CONCEPT_KEY = 0x400E5

CONCEPT_STREAMS: List[ConceptStream] = [
    ConceptStream("gradual inflation", f"the slope falls 2 -> 1.5 linearly over {CONCEPT_RAMP} rows from row "
                  f"{CONCEPT_CHANGE}",
                  lambda s: _house.house_stream("ramp", s, reference=CONCEPT_REFERENCE, n=CONCEPT_ROWS,
                                                change=CONCEPT_CHANGE, width=CONCEPT_RAMP)),
    ConceptStream("sudden change", f"the slope drops 2 -> 1.5 at row {CONCEPT_CHANGE}",
                  lambda s: _house.house_stream("sudden", s, reference=CONCEPT_REFERENCE, n=CONCEPT_ROWS,
                                                change=CONCEPT_CHANGE)),
]


def run_concept(seed: int = DEFAULT_SEED, streams: Optional[List[ConceptStream]] = None) -> Dict[str, Any]:
    """Part 4: every house stream of :data:`CONCEPT_STREAMS`; per stream the KS and PSI of the
    incomes in each window of CONCEPT_WINDOW rows after the change against the reference, and
    a ResidualMonitor fitted on the reference rows fed the rest: its alarms (rows of the
    whole stream), the drift type (kind, onset row, duration in rows), and the tracked
    coefficients at the end of the stream. Returns a JSON-ready dict."""
    from .concept import ResidualMonitor

    streams = CONCEPT_STREAMS if streams is None else streams
    seeds = np.random.default_rng([seed, _CONCEPT_KEY]).integers(2**63, size=len(streams))
    out = []
    for cs, s in zip(streams, seeds):
        h = cs.make(int(s))
        m0 = h.reference.stop
        start, end = h.change if h.change is not None else (h.x.size, h.x.size)
        prof = ReferenceProfile(h.x_ref)
        windows = []
        for a in range(start, h.x.size, CONCEPT_WINDOW):
            b = min(a + CONCEPT_WINDOW, h.x.size)
            if b - a < CONCEPT_WINDOW // 2:
                break
            xw = h.x[a:b]
            ks = prof.ks(xw)
            windows.append({"start": a, "end": b, "ks_statistic": json_number(ks.statistic),
                            "ks_pvalue": json_number(ks.pvalue), "psi": json_number(prof.psi(xw).statistic)})
        quiet = all(w["ks_pvalue"] >= KS_ALPHA and w["psi"] < PSI_WARN for w in windows)

        mon = ResidualMonitor(h.x_ref, h.y_ref, alpha=CONCEPT_ALPHA)
        mon.update_many(h.x_mon, h.y_mon)
        alarms = [{"row": m0 + int(a.index), "test": a.test, "statistic": json_number(a.statistic),
                   "boundary": json_number(a.boundary)} for a in mon.alarms]
        first = alarms[0] if alarms else None
        d = mon.drift
        drift_info = None
        if d is not None:
            drift_info = {"kind": d.kind, "gradual": bool(d.gradual), "test": d.test,
                          "onset_row": json_number(m0 + float(d.onset)), "duration": json_number(float(d.duration)),
                          "forced": bool(d.forced)}
        coef = [float(v) for v in mon.tracking_coefficients]
        ref_coef = [float(v) for v in mon.reference_coefficients]
        delta = [float(v) for v in mon.coefficient_change]
        res = {
            "name": cs.name,
            "title": cs.title,
            "kind": h.kind,
            "change_start": start,
            "change_end": end,
            "beta_before": h.beta0,
            "beta_after": h.beta1,
            "input_windows": windows,
            "input_quiet": quiet,
            "alarms": alarms,
            "first_alarm": first,
            "delay": None if first is None else first["row"] - start,
            "alarms_before_change": sum(1 for a in alarms if a["row"] < start),
            "drift": drift_info,
            "reference_slope": json_number(ref_coef[1]),
            "new_slope": json_number(coef[1]),
            "new_intercept": json_number(coef[0]),
            "delta_beta": json_number(delta[1]),
        }
        res["summary"] = _concept_summary(res)
        out.append(res)
    return {
        "seed": seed,
        "reference_rows": CONCEPT_REFERENCE,
        "n_rows": CONCEPT_ROWS,
        "window": CONCEPT_WINDOW,
        "alpha": CONCEPT_ALPHA,
        "model": "rooms = 5 + beta * income + N(0, 10^2), income ~ U(20, 120)",
        "streams": out,
    }


def _concept_summary(r: Dict[str, Any]) -> str:
    """e.g. "sudden change: income stays quiet (KS p >= 0.21, PSI <= 0.015 in 4 windows); the
    residual monitor fires at row 4012 (residual_cusum, 12 rows after the change): sudden, onset
    row 4000; new slope 1.502 (true 1.5, change -0.497)"."""
    ws = r["input_windows"]
    if ws:
        minp = min(w["ks_pvalue"] for w in ws)
        maxpsi = max(w["psi"] for w in ws)
        inputs = (f"income {'stays quiet' if r['input_quiet'] else 'moves'} (KS p >= {minp:.2f}, PSI <= "
                  f"{maxpsi:.3f} in {len(ws)} windows after the change)")
    else:
        inputs = "no income windows after the change"
    a = r["first_alarm"]
    if a is None:
        fires = "the residual monitor does not fire"
    else:
        when = f"{r['delay']} rows after the change starts" if r["delay"] >= 0 else f"{-r['delay']} rows BEFORE the change"
        fires = f"the residual monitor fires at row {a['row']} ({a['test']}, {when})"
    d = r["drift"]
    if d is None:
        typed = "drift type pending"
    elif d["gradual"]:
        typed = f"gradual ({d['kind']}), onset row {d['onset_row']:.0f}, duration {d['duration']:.0f} rows"
    else:
        typed = f"sudden, onset row {d['onset_row']:.0f}"
    slope = (f"new slope {r['new_slope']:.3f} (true {r['beta_after']:g}, change {r['delta_beta']:+.3f})")
    return f"{r['name']}: {inputs}; {fires}: {typed}; {slope}"


def _render_concept(res: Dict[str, Any]) -> List[str]:
    lines = [
        "",
        "driftscope demo, part 4: concept drift - the house example (rooms from income; inflation changes the slope)",
        f"model: {res['model']}; slope 2 -> 1.5; reference: rows 0-{res['reference_rows'] - 1}; stream of "
        f"{res['n_rows']} rows; ResidualMonitor(alpha={res['alpha']:g}) fitted on the reference",
        "",
        "income (x) against the reference, windows after the change (KS p < 0.01 or PSI >= 0.1 would flag it):",
    ]
    rows = []
    for r in res["streams"]:
        for j, w in enumerate(r["input_windows"]):
            rows.append([r["name"] if j == 0 else "", f"{w['start']}-{w['end'] - 1}", fmt_float(w["ks_statistic"]),
                         fmt_p(w["ks_pvalue"]), fmt_float(w["psi"])])
    lines.append(render_table(["stream", "rows", "KS", "KS p", "PSI"], rows, align="llrrr"))
    lines += ["", "residual monitor:"]
    rows = []
    for r in res["streams"]:
        a, d = r["first_alarm"], r["drift"]
        rows.append([
            r["name"],
            f"{r['change_start']}-{r['change_end'] - 1}" if r["change_end"] > r["change_start"] else str(r["change_start"]),
            "-" if a is None else str(a["row"]),
            "-" if a is None else a["test"],
            "-" if d is None else (d["kind"] if not d["gradual"] else f"gradual ({d['kind']})"),
            "-" if d is None else f"{d['onset_row']:.0f}",
            "-" if d is None else f"{d['duration']:.0f}",
            fmt_float(r["new_slope"], 3),
            f"{r['delta_beta']:+.3f}",
        ])
    lines.append(render_table(["stream", "change rows", "first alarm", "test", "drift type", "onset", "duration",
                               "new slope", "delta beta"], rows, align="llrllrrrr"))
    lines += ["", "summary:"] + [f"  {r['summary']}" for r in res["streams"]]
    return lines


# --------------------------------------------------------------------------- text


def render_text(result: Dict[str, Any]) -> str:
    """The demo report as a plain-text table per scenario plus a one-line summary each."""
    t = result["thresholds"]
    lines = [
        "driftscope demo: a speech model trained on adult voices meets children's voices",
        f"reference: {result['reference_size']} adult utterances; batches of {result['batch_size']} "
        f"utterances; seed {result['seed']}",
        f"verdict: DRIFT = PSI >= {t['psi_drift']:g} and KS p < {t['ks_alpha']:g}; "
        f"WARN = PSI >= {t['psi_warn']:g} or KS p < {t['ks_alpha']:g}; OK otherwise",
    ]
    header = ["batch", "children", "feature", "PSI", "JS", "KS", "KS p", "Wasserstein", "verdict"]
    for sc in result["scenarios"]:
        rows = []
        for b in sc["batches"]:
            for j, r in enumerate(b["features"]):
                rows.append([
                    b["label"] if j == 0 else "",
                    f"{b['children_share']:.0%}" if j == 0 else "",
                    r["feature"],
                    fmt_float(r["psi"]),
                    fmt_float(r["js_distance"]),
                    fmt_float(r["ks_statistic"]),
                    fmt_p(r["ks_pvalue"]),
                    fmt_float(r["wasserstein"], 3),
                    r["verdict"],
                ])
        lines += ["", f"== {sc['name']}: {sc['title']}", render_table(header, rows, align="lrlrrrrrl")]
    lines += ["", "summary:"] + [f"  {sc['summary']}" for sc in result["scenarios"]]
    if "error_streams" in result:
        lines += _render_detectors(result["error_streams"])
    if "stream" in result:
        lines += _render_stream(result["stream"])
    if "concept" in result:
        lines += _render_concept(result["concept"])
    if "pipeline" in result:
        lines += _upstream.render_pipeline(result["pipeline"])
    if "deployment" in result:
        lines += _deployment.render_deployment(result["deployment"])
    return "\n".join(lines) + "\n"


def _render_detectors(res: Dict[str, Any]) -> List[str]:
    lines = [
        "",
        "driftscope demo, part 2: a fraud model's errors (1 = wrong) watched by change detectors",
        f"{res['n']} transactions per stream; " + "; ".join(f"{d['name']} = {d['call']}" for d in res["detectors"]),
    ]
    header = ["detector", "first flag", "delay", "false alarms before", "flags"]
    for st in res["streams"]:
        rows = []
        for r in st["detections"]:
            rows.append([
                r["detector"],
                "-" if r["flagged_at"] is None else str(r["flagged_at"]),
                "missed" if r["delay"] is None else str(r["delay"]),
                str(r["false_alarms_before"]),
                str(len(r["flags"])),
            ])
        lines += ["", f"== {st['name']}: {st['title']}", render_table(header, rows, align="lrrrr")]
    lines += ["", "delay = transactions from the start of the change to the first flag", "summary:"]
    lines += [f"  {st['summary']}" for st in res["streams"]]
    return lines
