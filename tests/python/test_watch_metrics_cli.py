"""`driftscope watch --rules rules.yaml --metrics-port P --time-column t`: alert rules on the
stream's input metrics over time windows, and a live /metrics endpoint. Expected firing times
are worked out by hand from the stream's construction and the documented window / `for`
semantics (aligned 1-minute windows, rules evaluated at each window's end)."""

import csv
import datetime
import json
import re
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pytest
from prometheus_client.parser import text_string_to_metric_families

T0 = 1_699_999_980  # epoch seconds, a multiple of 60: the stream starts on a window boundary


def _iso(epoch_s):
    return datetime.datetime.fromtimestamp(epoch_s, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def watch(*args, stdin_text=None):
    return subprocess.run([sys.executable, "-m", "driftscope", "watch", *args], input=stdin_text,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("watch_metrics")
    rng = np.random.default_rng(11)
    with open(d / "ref.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["a", "city"])
        for v, c in zip(rng.normal(0, 1, 500), rng.choice(["x", "y"], 500)):
            w.writerow([f"{v:.6f}", c])
    # one row a second for 10 minutes; from 300 s on, every other value of a is missing
    with open(d / "stream.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["t", "city", "a"])
        for i in range(600):
            a = "" if i >= 300 and i % 2 == 0 else f"{rng.normal():.6f}"
            w.writerow([T0 + i, rng.choice(["x", "y"]), a])
    (d / "rules.yaml").write_text(
        "rules:\n"
        "  - metric: 'a:missing_share'\n"
        "    condition: relative_to_reference\n"
        "    alarm: [0.2, 0.1]\n"
        "    for: 1m\n"
        "    summary: a goes missing\n"
    )
    (d / "rules.json").write_text(json.dumps([{"metric": "a:missing_share", "condition": "relative_to_reference",
                                               "alarm": [0.2, 0.1], "for": "1m"}]))
    (d / "bad.yaml").write_text("rules:\n  - metric: 'b:mean'\n    alarm: 1\n")
    (d / "typo.yaml").write_text("rules:\n  - metric: 'a:mean'\n    alarm: 1\n    fore: 1m\n")
    return d


@pytest.mark.parametrize("rules", ["rules.yaml", "rules.json"])
def test_rules_fire_on_the_time_windows(files, rules):
    r = watch("--reference", str(files / "ref.csv"), "--input", str(files / "stream.csv"), "--time-column", "t",
              "--rules", str(files / rules))
    assert r.returncode == 0, r.stderr
    alerts = [line for line in r.stdout.splitlines() if line.startswith("alert ")]
    # the window [T0+300, T0+360) is half missing: pending at T0+360, firing at T0+420 (for 1m);
    # the stream ends at T0+599: its last window [T0+540, T0+600) is closed at T0+600, still firing
    assert alerts == [f"alert {_iso(T0 + 420)}  ALARM    firing    a:missing_share  value 0.5000"]
    assert "firing now: a:missing_share (alarm)" in r.stdout


def test_jsonl_alerts(files):
    r = watch("--reference", str(files / "ref.csv"), "--input", str(files / "stream.csv"), "--time-column", "t",
              "--rules", str(files / "rules.yaml"), "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines() if '"alert"' in line]
    assert rows == [{"alert": "a:missing_share", "severity": "alarm", "state": "firing", "value": 0.5,
                     "time": _iso(T0 + 420)}]


def test_metrics_endpoint_while_watching(files):
    p = subprocess.Popen(
        [sys.executable, "-m", "driftscope", "watch", "--reference", str(files / "ref.csv"), "--time-column", "t",
         "--metrics-port", "0", "--chunk", "50", "--metrics-window", "30s"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = None
        line = p.stderr.readline()
        m = re.search(r"(http://\S+/metrics)", line)
        assert m, line
        url = m.group(1)
        lines = (files / "stream.csv").read_text().splitlines()
        p.stdin.write("\n".join(lines[:201]) + "\n")  # header + 200 rows: 4 chunks
        p.stdin.flush()
        deadline = time.time() + 30
        fams = {}
        while time.time() < deadline:
            body = urllib.request.urlopen(url, timeout=5).read().decode()
            fams = {f.name: f for f in text_string_to_metric_families(body)}
            req = [s.value for s in fams.get("driftscope_requests", []).samples if s.name.endswith("_total")] \
                if "driftscope_requests" in fams else []
            if req == [200]:
                break
            time.sleep(0.2)
        assert req == [200]
        window = {s.labels["metric"]: s.value for s in fams["driftscope_window_value"].samples}
        assert window["a:missing_share"] == 0.0
        assert window["requests:count"] == 30  # the last closed window: [T0+150, T0+180)
        assert "driftscope_drift_score" in fams and "driftscope_stream_rows" in fams
    finally:
        p.stdin.close()
        p.wait(timeout=60)
        p.stdout.close()
        p.stderr.close()
    assert p.returncode == 0


def test_bad_rules_and_time_column(files):
    ref, stream = str(files / "ref.csv"), str(files / "stream.csv")
    r = watch("--reference", ref, "--input", stream, "--time-column", "t", "--rules", str(files / "bad.yaml"))
    assert r.returncode == 2 and "b:mean" in r.stderr
    r = watch("--reference", ref, "--input", stream, "--time-column", "t", "--rules", str(files / "typo.yaml"))
    assert r.returncode == 2 and "unknown key(s) fore" in r.stderr
    r = watch("--reference", ref, "--input", stream, "--time-column", "t", "--rules", str(files / "none.yaml"))
    assert r.returncode == 2 and "cannot read" in r.stderr
    r = watch("--reference", ref, "--input", stream, "--time-column", "when", "--rules", str(files / "rules.yaml"))
    assert r.returncode == 2 and "--time-column 'when'" in r.stderr
    r = watch("--reference", ref, "--input", stream, "--rules", str(files / "rules.yaml"))
    assert r.returncode == 2 and "unknown column(s) t" in r.stderr
    r = watch("--reference", ref, "--input", stream, "--metrics-port", "70000")
    assert r.returncode == 2 and "port" in r.stderr
