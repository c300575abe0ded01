"""A canary judge service for Argo Rollouts / Flagger (examples/argo-rollouts, examples/flagger).

Every analysis interval it takes the canary's and the baseline's samples of each metric
(here simulated: per-minute p99 latency and error rate; in production, read them from your
metrics store or from driftscope's own monitors), judges them Kayenta-style, and publishes
the result at

  GET /canary        JSON (Argo Rollouts' web provider: jsonPath "{$.score}")
  GET /canary/gate   200 when the verdict is pass, else 412 (a Flagger rollout webhook)
  GET /metrics       driftscope_canary_score{canary="ranker"} ... (Flagger's MetricTemplate)

Run:  python canary_judge_service.py                 # 4 quick intervals, a good canary
      python canary_judge_service.py --bad           # its latency rises from interval 2
      python canary_judge_service.py --serve 8080    # keep serving on port 8080
"""

import argparse
import json
import time
import urllib.request

import numpy as np

from driftscope.deploy import CanaryAnalysis, CanaryJudge, CanaryMetric, JudgeEndpoint


def samples(rng, minutes, latency_factor=1.0, error_rate=0.01):
    p99 = 120 * latency_factor * rng.lognormal(0, 0.1, minutes)
    errors = rng.binomial(1000, error_rate, minutes) / 1000
    return p99, errors


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bad", action="store_true", help="the canary's latency rises by 40 %% from interval 2")
    ap.add_argument("--intervals", type=int, default=4)
    ap.add_argument("--minutes", type=int, default=30, help="samples per metric and interval")
    ap.add_argument("--serve", type=int, metavar="PORT", help="keep serving on PORT after the run")
    args = ap.parse_args()

    judge = CanaryJudge(
        [
            CanaryMetric("p99_latency_ms", "latency", direction="increase"),
            CanaryMetric("error_rate", "errors", direction="increase", criticality="critical"),
        ],
        group_weights={"latency": 60, "errors": 40},
    )
    run = CanaryAnalysis(intervals=args.intervals)
    rng = np.random.default_rng(42)
    with JudgeEndpoint(canary="ranker", port=args.serve or 0, addr="0.0.0.0" if args.serve else "127.0.0.1") as ep:
        print(f"serving {ep.url} (and /canary/gate, /metrics)")
        for k in range(1, args.intervals + 1):
            slow = 1.4 if args.bad and k >= 2 else 1.0
            c_p99, c_err = samples(rng, args.minutes, slow)
            b_p99, b_err = samples(rng, args.minutes)
            result = judge.judge({"p99_latency_ms": (c_p99, b_p99), "error_rate": (c_err, b_err)})
            ep.publish(result)
            state = run.add(result)
            labels = ", ".join(f"{m.name} {m.classification}" for m in result.metrics)
            print(f"interval {k}: score {result.score:5.1f} {result.verdict:8s} ({labels}) -> {state}")
            if state != "running":
                break
        seen = json.load(urllib.request.urlopen(ep.url))
        print(f"what Argo Rollouts reads at {ep.url}: score {seen['score']}, verdict {seen['verdict']}")
        print(f"canary run: {run.state} ({run.reason})")
        if args.serve:
            print("serving until interrupted")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass


if __name__ == "__main__":
    main()
