"""The demo's sixth part: shadow mode beside loan officers, then a good and a bad canary.
Expectations follow from the simulation's parameters (officers right 86 %, the model 91 %;
the bad model's errors 5 % -> 15 % from 25 % of the traffic) and the documented decisions,
not from a recorded run."""

import math

import pytest

from driftscope import _deployment, demo


@pytest.fixture(scope="module")
def result():
    return _deployment.run_deployment(demo.DEFAULT_SEED)


def test_shadow_mode_measures_the_model_against_the_officers(result):
    s = result["shadow"]
    n = s["labelled"]
    assert abs(s["human_accuracy"] - 0.86) < 4 * math.sqrt(0.86 * 0.14 / n)
    assert abs(s["model_accuracy"] - 0.91) < 4 * math.sqrt(0.91 * 0.09 / n)
    assert s["accuracy_pvalue"] < 0.01  # 5 points on 2,000 paired outcomes
    # both right: 0.86 * 0.91; both wrong the same way: 0.14 * 0.09 / 2
    agree = 0.86 * 0.91 + 0.14 * 0.09 / 2
    assert abs(s["agreement"] - agree) < 4 * math.sqrt(agree * (1 - agree) / s["requests"])
    assert s["agreement_interval"][0] < s["agreement"] < s["agreement_interval"][1]
    assert 0 < s["automated_share"] < 1


def test_good_canary_promoted_bad_one_rolled_back_at_25(result):
    good, bad = result["canaries"]
    assert [d["action"] for d in good["decisions"]] == ["advance", "advance", "advance", "promote"]
    assert [d["weight"] for d in good["decisions"]] == [5, 10, 25, 50]
    assert [d["action"] for d in bad["decisions"]] == ["advance", "advance", "rollback"]
    assert bad["at_weight"] == 25 and bad["decisions"][-1]["new_weight"] == 0
    # the judge: every interval passes (100) until the errors rise; then the errors group
    # (half the weight) fails and so does the sequential gate
    assert [d["score"] for d in good["decisions"]] == [100.0] * 4
    assert [d["score"] for d in bad["decisions"]] == [100.0, 100.0, 50.0]
    assert bad["decisions"][-1]["classifications"] == {"error_rate": "High", "median_latency_ms": "Pass"}
    assert bad["decisions"][-1]["gate"] == "canary worse"
    last = bad["decisions"][-1]
    assert abs(last["canary_error_rate"] - 0.15) < 4 * math.sqrt(0.15 * 0.85 / last["canary_requests"])
    # the router's share is the weight, within 4 binomial sd of 20,000 requests
    for d in good["decisions"]:
        p = d["weight"] / 100
        assert abs(d["canary_requests"] - 20_000 * p) < 4 * math.sqrt(20_000 * p * (1 - p))


def test_rendered_in_the_demo_text(result):
    text = "\n".join(_deployment.render_deployment(result))
    assert "part 6" in text and "summary: promoted" in text and "summary: rolled back at 25 %" in text
