"""The demo's sixth part: deploying a new model the way the seed notes advise — first in
shadow mode beside the people who decide today, then as a canary on a growing share of the
traffic, promoted when it performs and rolled back when it does not.

* **Shadow mode.** Loan officers triage 6,000 applications (approve / review / reject); a new
  model sees the same applications and decides too, but its decisions are only logged. A
  :class:`driftscope.deploy.ShadowComparator` says how often the two agree (Cohen's κ),
  whether the model's decisions lean one way (Stuart–Maxwell's marginal homogeneity), and —
  on the 2,000 applications whose outcome is known by the end — which side was right more
  often (McNemar on correctness). An :class:`driftscope.deploy.AutomationPolicy` at the
  ``partial`` rung counts how many applications the model would have decided alone at a
  confidence threshold of 0.9.
* **Canary.** The model then serves 5 % → 10 % → 25 % → 50 % of the traffic
  (:class:`driftscope.deploy.Router`, sticky by applicant id), 20,000 requests an interval
  of 30 minutes. Each interval a :class:`driftscope.deploy.CanaryJudge` compares the arms'
  per-minute error rates and median latencies Kayenta-style (Mann-Whitney, score 0-100), a
  fresh :class:`driftscope.deploy.MSPRTGate` compares their error rates request by request
  (always-valid: checking every interval does not inflate false alarms), and a
  :class:`driftscope.deploy.RampController` decides from both. Once with a good model (5 % errors like
  the old one): promoted. Once with a model whose errors rise to 15 % under real load (from
  25 % of the traffic on, a cache it relies on saturates): rolled back at 25 %.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List

import numpy as np

from ._report import fmt_float, json_number, render_table
from .deploy import AutomationPolicy, CanaryJudge, CanaryMetric, MSPRTGate, RampController, Router, ShadowComparator

__all__ = ["run_deployment", "render_deployment", "CANARY_STEPS", "BASELINE_ERROR_RATE"]

CLASSES = ("approve", "review", "reject")
SHADOW_REQUESTS = 6_000
LABELLED = 2_000
HUMAN_ACCURACY, MODEL_ACCURACY = 0.86, 0.91
CANARY_STEPS = [5, 10, 25, 50]
REQUESTS_PER_INTERVAL = 20_000
MINUTES_PER_INTERVAL = 30
LATENCY_MS = 80.0
BASELINE_ERROR_RATE = 0.05
BAD_ERROR_RATE, BAD_FROM_WEIGHT = 0.15, 25
#: Mixed into the demo seed so this part's data is independent of the others'.
_KEY = 0xDE9107


def _decide(rng: np.random.Generator, truth: np.ndarray, accuracy: float) -> np.ndarray:
    """Right with probability `accuracy`, otherwise one of the two other classes."""
    wrong = (truth + rng.integers(1, 3, truth.size)) % 3
    return np.where(rng.random(truth.size) < accuracy, truth, wrong)


def _shadow(rng: np.random.Generator) -> Dict[str, Any]:
    truth = rng.choice(3, SHADOW_REQUESTS, p=[0.6, 0.25, 0.15])
    human = _decide(rng, truth, HUMAN_ACCURACY)
    model = _decide(rng, truth, MODEL_ACCURACY)
    confidence = np.clip(np.where(model == truth, rng.beta(8, 1.2, truth.size), rng.beta(3, 2, truth.size)), 0, 1)
    cmp = ShadowComparator(classes=3)
    policy = AutomationPolicy("partial", threshold=0.9)
    for i in range(SHADOW_REQUESTS):
        cmp.record(f"app-{i}", int(human[i]), int(model[i]))
        policy.decide(float(confidence[i]))
    for i in range(LABELLED):  # outcomes known by the end of the shadow period
        cmp.label(f"app-{i}", int(truth[i]))
    k, hom, acc = cmp.kappa(), cmp.homogeneity(), cmp.accuracy_difference()
    low, high = cmp.agreement_interval(0.95)
    return {
        "requests": SHADOW_REQUESTS, "labelled": LABELLED, "classes": list(CLASSES),
        "agreement": json_number(cmp.agreement), "agreement_interval": [json_number(low), json_number(high)],
        "kappa": json_number(k.kappa), "kappa_std_err": json_number(k.std_err),
        "homogeneity_pvalue": json_number(hom.pvalue),
        "human_accuracy": json_number(acc.live_accuracy), "model_accuracy": json_number(acc.shadow_accuracy),
        "accuracy_pvalue": json_number(acc.pvalue),
        "automated_share": json_number(policy.automated_share),
    }


def _per_minute(values: np.ndarray, minute: np.ndarray, stat: Callable[[np.ndarray], float]) -> np.ndarray:
    """stat() of the values of each minute that has any."""
    return np.array([stat(values[minute == m]) for m in range(MINUTES_PER_INTERVAL) if np.any(minute == m)])


def _judge() -> CanaryJudge:
    return CanaryJudge([CanaryMetric("error_rate", "errors", direction="increase"),
                        CanaryMetric("median_latency_ms", "latency", direction="increase")])


def _canary(rng: np.random.Generator, error_rate: Callable[[float], float], name: str) -> Dict[str, Any]:
    router, ramp, judge = Router(salt=f"rollout-{name}"), RampController(steps=CANARY_STEPS), _judge()
    decisions: List[Dict[str, Any]] = []
    while not ramp.finished:
        router.canary_weight = ramp.weight
        n = len(decisions)
        canary, _, _ = router.route_many([f"{name}-{n}-{i}" for i in range(REQUESTS_PER_INTERVAL)])
        errors = rng.random(canary.size) < np.where(canary, error_rate(ramp.weight), BASELINE_ERROR_RATE)
        latency = LATENCY_MS * rng.lognormal(0.0, 0.3, canary.size)
        minute = np.sort(rng.integers(0, MINUTES_PER_INTERVAL, canary.size))  # arrival minute
        arms = {arm: (errors[sel].astype(float), latency[sel], minute[sel]) for arm, sel in
                (("canary", canary), ("baseline", ~canary))}
        verdict = judge.judge({
            "error_rate": tuple(_per_minute(e, m, np.mean) for e, _, m in arms.values()),
            "median_latency_ms": tuple(_per_minute(lat, m, np.median) for _, lat, m in arms.values()),
        })
        gate = MSPRTGate(tau2=1e-3)
        gate.update(a=errors[~canary].astype(float), b=errors[canary].astype(float))
        gate_failed = gate.reject and gate.difference > 0
        weight = ramp.weight
        d = ramp.next(score=verdict.score, gate_failed=gate_failed)
        judged = ", ".join(f"{m.name} {m.classification}" for m in verdict.metrics if m.classification != "Pass")
        decisions.append({
            "interval": n + 1, "weight": weight, "canary_requests": int(canary.sum()),
            "baseline_error_rate": json_number(errors[~canary].mean()),
            "canary_error_rate": json_number(errors[canary].mean()), "pvalue": json_number(gate.pvalue),
            "score": json_number(verdict.score), "verdict": verdict.verdict,
            "classifications": {m.name: m.classification for m in verdict.metrics},
            "action": d.action, "new_weight": d.weight,
            "reason": (d.reason + (f" ({judged})" if judged else "")) if d.action in ("rollback", "hold")
            else "score and error rates alike",
            "gate": "canary worse" if gate_failed else "no difference",
        })
    return {"name": name, "decisions": decisions, "outcome": decisions[-1]["action"],
            "at_weight": decisions[-1]["weight"]}


def run_deployment(seed: int) -> Dict[str, Any]:
    """Shadow mode, then a good and a bad canary (see the module docstring); a JSON-ready dict."""
    rng_shadow, rng_good, rng_bad = np.random.default_rng([seed, _KEY]).spawn(3)
    return {
        "shadow": _shadow(rng_shadow),
        "steps": CANARY_STEPS,
        "requests_per_interval": REQUESTS_PER_INTERVAL,
        "canaries": [
            _canary(rng_good, lambda w: BASELINE_ERROR_RATE, "good"),
            _canary(rng_bad, lambda w: BASELINE_ERROR_RATE if w < BAD_FROM_WEIGHT else BAD_ERROR_RATE, "bad"),
        ],
    }


def render_deployment(res: Dict[str, Any]) -> List[str]:
    s = res["shadow"]
    lines = [
        "",
        "driftscope demo, part 6: deploying a new model - shadow mode beside loan officers, then a canary",
        f"shadow: {s['requests']} applications decided by officers ({'/'.join(s['classes'])}), the model's decisions "
        f"only logged; outcomes known for {s['labelled']}",
        f"  agreement {fmt_float(s['agreement'], 3)} (95 % {fmt_float(s['agreement_interval'][0], 3)}-"
        f"{fmt_float(s['agreement_interval'][1], 3)}), Cohen's kappa {fmt_float(s['kappa'], 3)} "
        f"(+/- {fmt_float(s['kappa_std_err'], 3)}); decision mix "
        f"{'differs' if s['homogeneity_pvalue'] < 0.05 else 'alike'} (Stuart-Maxwell p "
        f"{fmt_float(s['homogeneity_pvalue'], 3)})",
        f"  accuracy on known outcomes: officers {fmt_float(s['human_accuracy'], 3)}, model "
        f"{fmt_float(s['model_accuracy'], 3)} (McNemar p {fmt_float(s['accuracy_pvalue'], 4)}); at confidence >= 0.9 "
        f"the model would decide {s['automated_share']:.0%} alone (partial automation)",
    ]
    for c in res["canaries"]:
        title = ("a good model (5 % errors, like the old one)" if c["name"] == "good"
                 else "a model whose errors rise to 15 % under load, from 25 % of the traffic on")
        lines += ["", f"canary {' -> '.join(f'{w}%' for w in res['steps'])}, "
                      f"{res['requests_per_interval']} requests an interval: {title}"]
        rows = [[str(d["interval"]), f"{d['weight']:g}%", str(d["canary_requests"]),
                 fmt_float(d["baseline_error_rate"], 3), fmt_float(d["canary_error_rate"], 3),
                 fmt_float(d["score"], 1), fmt_float(d["pvalue"], 3), d["action"], d["reason"]] for d in c["decisions"]]
        lines.append(render_table(["interval", "weight", "canary req", "old err", "new err", "judge", "gate p",
                                   "decision", "why"], rows, align="rrrrrrrll"))
        verb = "promoted" if c["outcome"] == "promote" else f"rolled back at {c['at_weight']:g} %"
        lines.append(f"summary: {verb}")
    return lines
