"""The canary judge over HTTP (driftscope.deploy.JudgeEndpoint) as the example rollout
controllers read it: Argo Rollouts' web provider (the AnalysisTemplate's jsonPath and
success / failure conditions applied to what /canary serves), Flagger's rollout webhook
(/canary/gate's status) and Flagger's Prometheus MetricTemplate (its PromQL query run by
promtool over the series /metrics exposes)."""

import json
import subprocess
import sys
import urllib.error
import urllib.request

import numpy as np
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from _util import REPO_ROOT
from driftscope.deploy import CanaryJudge, CanaryMetric, JudgeEndpoint

EXAMPLES = REPO_ROOT / "examples"


def fetch(url, method="GET"):
    req = urllib.request.Request(url, method=method, data=b"{}" if method == "POST" else None)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers


def results():
    rng = np.random.default_rng(4)
    base = rng.lognormal(np.log(100), 0.1, 60)
    judge = CanaryJudge([CanaryMetric("p99", "latency"), CanaryMetric("errors", "errors")])
    good = judge.judge({"p99": (rng.lognormal(np.log(100), 0.1, 60), base), "errors": (base, base)})
    bad = judge.judge({"p99": (1.5 * rng.lognormal(np.log(100), 0.1, 60), base), "errors": (base, base)})
    assert (good.verdict, bad.verdict) == ("pass", "fail")
    return good, bad


def argo_metric():
    doc = yaml.safe_load((EXAMPLES / "argo-rollouts" / "analysis-template.yaml").read_text())
    assert doc["kind"] == "AnalysisTemplate"
    return doc["spec"]["metrics"][0]


def argo_reads(metric, body):
    """Argo's web provider: the jsonPath's value as `result`, then the conditions."""
    path = metric["provider"]["web"]["jsonPath"]
    assert path.startswith("{$.") and path.endswith("}")
    result = json.loads(body)[path[3:-1]]
    ok = eval(metric["successCondition"], {}, {"result": result})  # noqa: S307 - our own example file
    failed = eval(metric["failureCondition"], {}, {"result": result})  # noqa: S307
    return "Successful" if ok else "Failed" if failed else "Inconclusive"


def test_json_endpoint_as_argo_reads_it():
    good, bad = results()
    metric = argo_metric()
    with JudgeEndpoint(canary="ranker") as ep:
        assert ep.url.endswith("/canary")
        status, body, _ = fetch(ep.url)
        assert status == 503 and json.loads(body)["error"]
        ep.publish(good)
        status, body, headers = fetch(ep.url)
        assert status == 200 and headers["Content-Type"] == "application/json"
        doc = json.loads(body)
        assert doc["canary"] == "ranker" and doc["intervals"] == 1
        assert {k: v for k, v in doc.items() if k not in ("canary", "intervals", "updated")} == good.to_dict()
        assert argo_reads(metric, body) == "Successful"
        ep.publish(bad)
        assert argo_reads(metric, fetch(ep.url)[1]) == "Failed"
        assert fetch(ep.url.replace("/canary", "/nope"))[0] == 404
        assert fetch(ep.url, "PUT")[0] == 405


def test_gate_as_flagger_webhook():
    good, bad = results()
    canary = yaml.safe_load((EXAMPLES / "flagger" / "canary.yaml").read_text())
    hook = canary["spec"]["analysis"]["webhooks"][0]
    assert hook["type"] == "rollout" and hook["url"].endswith("/canary/gate")
    with JudgeEndpoint(canary="ranker") as ep:
        gate = ep.url + "/gate"
        assert fetch(gate, "POST")[0] == 503
        ep.publish(good)
        assert fetch(gate, "POST")[0] == 200 and fetch(gate)[0] == 200
        ep.publish(bad)
        assert fetch(gate, "POST")[0] == 412
    with JudgeEndpoint(gate="marginal") as ep:
        ep.publish(bad)
        assert fetch(ep.url + "/gate")[0] == 412
    with pytest.raises(ValueError, match="gate"):
        JudgeEndpoint(gate="always")
    with pytest.raises(ValueError, match="canary"):
        JudgeEndpoint(canary="")
    with JudgeEndpoint() as ep, pytest.raises(ValueError, match="JudgeResult"):
        ep.publish({"score": 100})


def test_metrics_as_flagger_queries_them(promtool, tmp_path):
    good, bad = results()
    template = yaml.safe_load((EXAMPLES / "flagger" / "metric-template.yaml").read_text())
    query = template["spec"]["query"].strip().replace("{{ target }}", "ranker")
    with JudgeEndpoint(canary="ranker") as ep:
        assert fetch(ep.url.replace("/canary", "/metrics"))[1] == b""  # nothing before the first result
        ep.publish(bad)
        _, text, _ = fetch(ep.url.replace("/canary", "/metrics"))
    families = {f.name: f for f in text_string_to_metric_families(text.decode())}
    score = [s for s in families["driftscope_canary_score"].samples if s.labels == {"canary": "ranker"}]
    assert len(score) == 1 and score[0].value == pytest.approx(bad.score)
    verdict = {s.labels["driftscope_canary_verdict"]: s.value for s in families["driftscope_canary_verdict"].samples}
    assert verdict == {"pass": 0, "marginal": 0, "fail": 1}
    classes = families["driftscope_canary_metric_classification"].samples
    assert {(s.labels["metric"], s.labels["driftscope_canary_metric_classification"]) for s in classes if s.value} == {
        ("p99", "High"), ("errors", "Pass")}
    # Prometheus evaluates Flagger's query over the series as scraped
    series = 'driftscope_canary_score{canary="ranker"}'
    test = {"evaluation_interval": "1m", "tests": [{
        "interval": "1m",
        "input_series": [{"series": series, "values": f"{bad.score!r}x3"},
                         {"series": 'driftscope_canary_score{canary="other"}', "values": "100x3"}],
        "promql_expr_test": [{"expr": query, "eval_time": "2m",
                              "exp_samples": [{"labels": series, "value": bad.score}]}],
    }]}
    (tmp_path / "test.yml").write_text(json.dumps(test))
    p = subprocess.run([promtool, "test", "rules", "test.yml"], cwd=tmp_path, capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr


def test_example_service_bad_canary_fails():
    p = subprocess.run([sys.executable, str(EXAMPLES / "python" / "canary_judge_service.py"), "--bad"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "interval 1: score 100.0 pass" in p.stdout
    assert "canary run: failed" in p.stdout
