"""The C++ example inference service (examples/cpp/inference_service) over HTTP, and a real
Prometheus server scraping it.

The service binary is built outside pytest (``./dev test`` builds it against the installed
package); its path comes from DRIFTSCOPE_SERVICE_BIN. Without it the service tests skip,
unless DRIFTSCOPE_REQUIRE_SERVICE=1, which makes them fail. The Prometheus test needs
Debian's ``prometheus`` and skips without it unless DRIFTSCOPE_REQUIRE_PROMETHEUS=1.

References: predictions against the model's formula (income / 1000 · 2); the window's
metrics against numpy (mean, std with ddof 0, min, max, quantile ranks); the drift scores
against a numpy PSI written from its definition (reference deciles as numpy.quantile,
searchsorted side='right', proportions floored at 1e-4); both exposition formats through
prometheus_client's parsers; the values Prometheus stored through its HTTP query API.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import pathlib
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

import numpy as np
import pytest

from _util import REPO_ROOT, load_script

prometheus_parser = pytest.importorskip("prometheus_client.parser")
openmetrics_parser = pytest.importorskip("prometheus_client.openmetrics.parser")

FEATURES = ["income"] + [f"x{j:02d}" for j in range(1, 20)]
OPENMETRICS = "application/openmetrics-text; version=1.0.0"


# --------------------------------------------------------------------------- fixtures


def _required(flag: str) -> bool:
    return os.environ.get(flag) == "1"


@pytest.fixture(scope="module")
def service_bin() -> str:
    path = os.environ.get("DRIFTSCOPE_SERVICE_BIN")
    if not path:
        if _required("DRIFTSCOPE_REQUIRE_SERVICE"):
            pytest.fail("DRIFTSCOPE_SERVICE_BIN is not set (DRIFTSCOPE_REQUIRE_SERVICE=1)")
        pytest.skip("DRIFTSCOPE_SERVICE_BIN not set (build examples/cpp/inference_service)")
    if not os.access(path, os.X_OK):
        pytest.fail(f"DRIFTSCOPE_SERVICE_BIN={path} is not an executable")
    return path


class Service:
    """A running service: its base URL, a keep-alive connection, and its log."""

    def __init__(self, proc: subprocess.Popen, port: int, log: pathlib.Path):
        self.proc, self.port, self.log = proc, port, log
        self.url = f"http://127.0.0.1:{port}"
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        self.conn.request(method, path, body=body, headers=headers or {})
        r = self.conn.getresponse()
        return r.status, dict(r.getheaders()), r.read().decode()

    def predict(self, body: str):
        status, _, text = self.request("POST", "/predict", body, {"Content-Type": "text/csv"})
        return status, json.loads(text)

    def metrics(self, accept: str = "text/plain"):
        status, headers, text = self.request("GET", "/metrics", headers={"Accept": accept})
        assert status == 200, text
        return headers["Content-Type"], text


@contextlib.contextmanager
def running_service(binary: str, *args: str):
    """Starts the service on a free port; stops it (SIGTERM, then SIGKILL) in every case."""
    with tempfile.TemporaryDirectory() as tmp:
        log = pathlib.Path(tmp) / "service.log"
        with open(log, "w") as err:
            proc = subprocess.Popen([binary, "0", *args], stdout=subprocess.PIPE, stderr=err, text=True)
        svc = None
        try:
            sel = selectors.DefaultSelector()
            sel.register(proc.stdout, selectors.EVENT_READ)
            ready = sel.select(timeout=30)
            sel.close()
            line = proc.stdout.readline() if ready else ""
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
            assert m, f"service did not start: {line!r}; log: {log.read_text()}"
            svc = Service(proc, int(m.group(1)), log)
            yield svc
        finally:
            if svc is not None:
                svc.conn.close()
            _stop(proc)
            proc.stdout.close()
        # a clean stop (SIGTERM) exits 0; a sanitizer report at exit would not
        assert proc.returncode == 0, f"service exited with {proc.returncode}; log: {log.read_text()}"


def _stop(proc: subprocess.Popen, timeout: float = 15.0) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def csv_row(values) -> str:
    return ",".join("" if np.isnan(v) else repr(float(v)) for v in values)


def samples(families) -> dict:
    """{(sample name, sorted label items): value} of parsed families."""
    out = {}
    for fam in families:
        for s in fam.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(smp: dict, name: str, **labels) -> float:
    key = (name, tuple(sorted(labels.items())))
    assert key in smp, f"no sample {name}{labels}"
    return smp[key]


def reference_psi(reference, window, bins=10, epsilon=1e-4):
    """PSI from its definition (driftscope's psi docs; Yurdakul 2018), NaN omitted."""
    r = reference[~np.isnan(reference)]
    w = window[~np.isnan(window)]
    edges = np.unique(np.quantile(r, np.arange(1, bins) / bins))
    rc = np.bincount(np.searchsorted(edges, r, side="right"), minlength=edges.size + 1) / r.size
    wc = np.bincount(np.searchsorted(edges, w, side="right"), minlength=edges.size + 1) / w.size
    rc, wc = np.maximum(rc, epsilon), np.maximum(wc, epsilon)
    return float(np.sum((wc - rc) * np.log(wc / rc)))


# --------------------------------------------------------------------------- smoke


def test_predict_metrics_both_formats(service_bin):
    rng = np.random.default_rng(1)
    rows = np.column_stack([rng.uniform(20000, 120000, 30), rng.normal(size=(30, 19))])
    with running_service(service_bin, "--window-ms", "60000") as svc:
        status, _, body = svc.request("GET", "/healthz")
        assert (status, body) == (200, "ok\n")
        for i, row in enumerate(rows):
            # three accepted syntaxes: CSV, a JSON array, a JSON object holding the array
            text = csv_row(row)
            body = [text, f"[{text}]", f'{{"features": [{text}]}}'][i % 3]
            status, reply = svc.predict(body)
            assert status == 200, reply
            assert reply["rooms"] == row[0] / 1000 * 2  # the model's formula, exactly
        for income in ("null", "", "-5", "nan", "inf"):  # refused by the model: 422
            status, reply = svc.predict(",".join([income] + ["0.5"] * 19))
            assert status == 422 and "refuses" in reply["error"]
        bad = [",".join(["1"] * 19), ",".join(["1"] * 21), "abc," + ",".join(["1"] * 19), "[1,2",
               "1e999," + ",".join(["1"] * 19), "1," + ",".join(["1e-999"] * 19)]
        for b in bad:  # not 20 numbers: 400
            status, reply = svc.predict(b)
            assert status == 400, (b, reply)

        ctype, text = svc.metrics("text/plain")
        assert ctype.startswith("text/plain; version=0.0.4")
        prom = samples(prometheus_parser.text_string_to_metric_families(text))
        ctype, text_om = svc.metrics(OPENMETRICS)
        assert ctype.startswith("application/openmetrics-text; version=1.0.0")
        assert text_om.endswith("# EOF\n")
        om = samples(openmetrics_parser.text_string_to_metric_families(text_om))

    n_ok, n_refused, n_bad = len(rows), 5, len(bad)
    for smp in (prom, om):
        assert value(smp, "driftscope_requests_total", stage="input") == n_ok + n_refused + n_bad
        assert value(smp, "driftscope_requests_total", stage="model") == n_ok + n_refused
        assert value(smp, "driftscope_errors_total", stage="input") == n_bad
        assert value(smp, "driftscope_errors_total", stage="model") == n_refused
        # income: three missing (null, empty, nan) + the bad requests (nothing arrived);
        # "-5" and "inf" are values (the model refuses them; the input is not missing)
        assert value(smp, "driftscope_feature_missing_total", stage="input", feature="income") == 3 + n_bad
        assert value(smp, "driftscope_feature_missing_total", stage="input", feature="x07") == n_bad
        assert value(smp, "driftscope_latency_seconds_count", stage="model") == n_ok + n_refused
        assert value(smp, "driftscope_latency_seconds_count", stage="input") == n_ok + n_refused + n_bad  # parsing
        assert value(smp, "driftscope_latency_seconds_bucket", stage="model", le="+Inf") == n_ok + n_refused
        assert value(smp, "driftscope_drift_rows_total") == n_ok + n_refused
        assert np.isnan(value(smp, "driftscope_drift_score", feature="income", statistic="psi"))  # no window yet
        assert value(smp, "driftscope_alert_state", stage="input", alert="IncomeMissing", severity="critical") == 0
        assert value(smp, "inference_service_monitor_queue_full_total") == 0
        assert value(smp, "inference_service_monitor_apply_errors_total") == 0
        assert value(smp, "inference_service_monitor_queue_depth") == 0  # the scrape applied every record
        assert value(smp, "inference_service_monitor_lock_acquisitions_total") >= 1
        assert value(smp, "inference_service_info", monitor="on", model="rooms = income / 1000 * 2") == 1
        assert value(smp, "process_resident_memory_bytes") > 0


def test_no_monitor_serves_the_same(service_bin):
    with running_service(service_bin, "--no-monitor") as svc:
        status, reply = svc.predict(csv_row([52000.0] + [0.0] * 19))
        assert (status, reply) == (200, {"rooms": 104.0})
        assert svc.predict(",".join(["null"] + ["0"] * 19))[0] == 422
        assert svc.predict("1,2")[0] == 400
        _, text = svc.metrics()
    smp = samples(prometheus_parser.text_string_to_metric_families(text))
    assert value(smp, "inference_service_info", monitor="off", model="rooms = income / 1000 * 2") == 1
    assert not any(name.startswith("driftscope_") for name, _ in smp)


def test_bad_arguments_exit_with_usage(service_bin):
    p = subprocess.run([service_bin, "--window-ms", "0"], capture_output=True, text=True, timeout=30)
    assert p.returncode == 2 and "--window-ms must be an integer in [1" in p.stderr
    p = subprocess.run([service_bin, "--frobnicate"], capture_output=True, text=True, timeout=30)
    assert p.returncode == 2 and "unknown option '--frobnicate'" in p.stderr
    with tempfile.NamedTemporaryFile("w", suffix=".csv") as f:
        f.write("income,x01\n1,2\n")
        f.flush()
        p = subprocess.run([service_bin, "--reference", f.name], capture_output=True, text=True, timeout=30)
    assert p.returncode == 1 and "reference CSV line 2: fewer than 20 feature values" in p.stderr


# --------------------------------------------------------------------------- window values and drift


def _send_within_one_window(svc, bodies, window_ns, attempts=3):
    """Sends all bodies inside one stage window [k·W, (k+1)·W) of the system clock (the
    service aligns its windows to multiples of W since the epoch); returns k and the
    replies. Retries in a later window when a send straddles a boundary."""
    for _ in range(attempts):
        now = time.time_ns()
        time.sleep(((now // window_ns + 1) * window_ns - now) / 1e9 + 0.05)  # just after a boundary
        start = time.time_ns()
        replies = [svc.predict(b) for b in bodies]
        end = time.time_ns()
        if start // window_ns == end // window_ns:
            return start // window_ns, replies
    pytest.fail(f"could not send {len(bodies)} requests within one {window_ns / 1e9} s window")


def test_window_values_and_drift_scores_match_numpy(service_bin, tmp_path):
    rng = np.random.default_rng(7)
    n_ref, n = 4000, 500
    reference = np.column_stack([rng.uniform(20000, 120000, n_ref), rng.normal(size=(n_ref, 19))])
    ref_csv = tmp_path / "reference.csv"
    ref_csv.write_text(",".join(FEATURES) + "\n" + "\n".join(csv_row(r) for r in reference) + "\n")
    # the window: incomes shifted up, x01 shifted, 30 % of the incomes missing
    rows = np.column_stack([rng.uniform(40000, 140000, n), rng.normal(size=(n, 19))])
    rows[:, 1] += 0.5
    rows[rng.permutation(n)[:150], 0] = np.nan

    window_ms = 2000
    args = ("--window-ms", str(window_ms), "--drift-window", str(n), "--reference", str(ref_csv))
    with running_service(service_bin, *args) as svc:
        k, replies = _send_within_one_window(svc, [csv_row(r) for r in rows], window_ms * 1_000_000)
        assert [s for s, _ in replies] == [422 if np.isnan(r[0]) else 200 for r in rows]
        time.sleep(max(0.0, ((k + 1) * window_ms * 1_000_000 - time.time_ns()) / 1e9) + 0.05)
        _, text = svc.metrics(OPENMETRICS)  # the scrape closes the window that ended
    smp = samples(openmetrics_parser.text_string_to_metric_families(text))

    def window(stage, metric):
        return value(smp, "driftscope_window_value", stage=stage, metric=metric)

    income = rows[:, 0]
    present = income[~np.isnan(income)]
    rooms = present / 1000 * 2
    assert window("input", "requests:count") == n
    assert window("input", "income:count") == n
    assert window("input", "income:missing_share") == pytest.approx(150 / n, rel=1e-15)
    assert window("input", "income:mean") == pytest.approx(present.mean(), rel=1e-12)
    assert window("input", "income:std") == pytest.approx(present.std(ddof=0), rel=1e-9)
    assert window("input", "income:min") == present.min()
    assert window("input", "income:max") == present.max()
    assert window("input", "x01:mean") == pytest.approx(rows[:, 1].mean(), rel=1e-12)
    assert window("model", "requests:count") == n
    assert window("model", "errors:share") == pytest.approx(150 / n, rel=1e-15)
    assert window("model", "rooms:mean") == pytest.approx(rooms.mean(), rel=1e-12)
    for q in (0.5, 0.9):  # KLL (k = 200): rank error <= 0.0133 with 99 % confidence
        got = window("model", f"rooms:p{round(q * 100)}")
        assert abs(np.mean(rooms <= got) - q) <= 0.0133 + 1 / rooms.size
    # alert rules at the window's close: income missing 30 % (alarm at +0.20 over training's 0),
    # the model refused 30 % (alarm above 0.05)
    assert value(smp, "driftscope_alert_state", stage="input", alert="IncomeMissing", severity="critical") == 2
    assert value(smp, "driftscope_alert_state", stage="model", alert="ModelRefusals", severity="critical") == 2
    assert value(smp, "driftscope_alert_state", stage="input", alert="BadRequests", severity="critical") == 0

    # drift: one tumbling window of exactly these rows against the CSV reference
    assert value(smp, "driftscope_drift_rows_total") == n
    for j, f in enumerate(FEATURES):
        expected = reference_psi(reference[:, j], rows[:, j])
        got = value(smp, "driftscope_drift_score", feature=f, statistic="psi")
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-15), f
        # default rule: warning at >= 0.1, alarm at >= 0.25 (an alarm is reported alone)
        alarm = expected >= 0.25
        warning = 0.1 <= expected < 0.25
        assert value(smp, "driftscope_drift_events_total", feature=f, statistic="psi", level="alarm") == alarm
        assert value(smp, "driftscope_drift_events_total", feature=f, statistic="psi", level="warning") == warning
    assert reference_psi(reference[:, 0], rows[:, 0]) >= 0.25  # the shifts are large enough to test both paths
    assert reference_psi(reference[:, 5], rows[:, 5]) < 0.1


# --------------------------------------------------------------------------- Prometheus


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def prometheus_bin():
    path = shutil.which("prometheus")
    if path is None:
        if _required("DRIFTSCOPE_REQUIRE_PROMETHEUS"):
            pytest.fail("prometheus not found (Debian package 'prometheus'); DRIFTSCOPE_REQUIRE_PROMETHEUS=1")
        pytest.skip("prometheus not installed (Debian package 'prometheus')")
    return path


@contextlib.contextmanager
def running_prometheus(binary: str, target_port: int, workdir: pathlib.Path):
    """Prometheus scraping 127.0.0.1:target_port every second; stopped in every case."""
    config = workdir / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n"
        "scrape_configs:\n  - job_name: inference_service\n    static_configs:\n"
        f"      - targets: ['127.0.0.1:{target_port}']\n")
    port = _free_port()
    log = workdir / "prometheus.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([binary, f"--config.file={config}", f"--storage.tsdb.path={workdir / 'data'}",
                                 f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        yield f"http://127.0.0.1:{port}", proc, log
    finally:
        _stop(proc, timeout=20)


def _query(base: str, promql: str):
    url = f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": promql})
    with urllib.request.urlopen(url, timeout=5) as r:
        reply = json.loads(r.read())
    assert reply["status"] == "success", reply
    return reply["data"]["result"]


def test_prometheus_scrapes_the_service(service_bin, prometheus_bin, tmp_path):
    rng = np.random.default_rng(3)
    rows = np.column_stack([rng.uniform(20000, 120000, 40), rng.normal(size=(40, 19))])
    rows[:4, 0] = np.nan  # refused by the model
    with running_service(service_bin, "--window-ms", "1000") as svc:
        for r in rows:
            svc.predict(csv_row(r))
        svc.predict("not,a,row")
        served = samples(prometheus_parser.text_string_to_metric_families(svc.metrics()[1]))
        expected = {"input": 41.0, "model": 40.0}
        assert {s: value(served, "driftscope_requests_total", stage=s) for s in expected} == expected

        with running_prometheus(prometheus_bin, svc.port, tmp_path) as (base, proc, log):
            deadline = time.monotonic() + 30
            got, last_error = {}, None
            while time.monotonic() < deadline:
                assert proc.poll() is None, f"prometheus exited: {log.read_text()}"
                try:
                    result = _query(base, "driftscope_requests_total")
                    got = {r["metric"].get("stage"): float(r["value"][1]) for r in result
                           if r["metric"].get("job") == "inference_service"}
                    if got == expected:
                        break
                except OSError as e:  # not listening yet
                    last_error = e
                time.sleep(0.5)
            assert got == expected, f"Prometheus has {got} (last error {last_error}); log: {log.read_text()}"

            # the rest of the scrape arrived too: the target is up, the model's refusals,
            # the drift scores (NaN until a drift window closes) and an alert state
            assert float(_query(base, 'up{job="inference_service"}')[0]["value"][1]) == 1
            errors = _query(base, 'driftscope_errors_total{stage="model"}')
            assert float(errors[0]["value"][1]) == 4
            scores = _query(base, 'driftscope_drift_score{statistic="psi"}')
            assert {r["metric"]["feature"] for r in scores} == set(FEATURES)
            alerts = _query(base, 'driftscope_alert_state{alert="IncomeMissing"}')
            assert {r["metric"]["severity"] for r in alerts} == {"warning", "critical"}
            # the OpenMetrics unit made it through the negotiated format
            hist = _query(base, 'driftscope_latency_seconds_count{stage="model"}')
            assert float(hist[0]["value"][1]) == 40


# --------------------------------------------------------------------------- the load script


WRK_REPORT = """\
Running 10s test @ http://127.0.0.1:40111/predict
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   253.47us  412.80us  12.03ms   97.12%
    Req/Sec    31.52k     2.10k   35.88k    71.00%
  Latency Distribution
     50%  182.00us
     75%  247.00us
     90%  355.00us
     99%    1.73ms
  627441 requests in 10.00s, 61.03MB read
  Non-2xx or 3xx responses: 12
Requests/sec:  62741.33
Transfer/sec:      6.10MB
"""


def test_load_script_parses_wrk():
    load = load_script("benchmarks/inference_service_load.py")
    r = load.parse_wrk(WRK_REPORT)
    assert r.requests == 627441 and r.duration_s == 10.0
    assert r.requests_per_s == 62741.33
    assert r.latency_us == {"50": 182.0, "75": 247.0, "90": 355.0, "99": 1730.0}
    assert r.latency_mean_us == 253.47 and r.latency_max_us == pytest.approx(12030.0)
    assert r.non_2xx == 12 and r.socket_errors == {}
    slow = WRK_REPORT.replace("1.73ms", "2.50s").replace(
        "  Non-2xx or 3xx responses: 12\n", "  Socket errors: connect 0, read 3, write 0, timeout 7\n")
    r = load.parse_wrk(slow)
    assert r.latency_us["99"] == 2.5e6 and r.non_2xx == 0
    assert r.socket_errors == {"connect": 0, "read": 3, "write": 0, "timeout": 7}
    with pytest.raises(ValueError, match="not a `wrk --latency` report"):
        load.parse_wrk(WRK_REPORT.replace("     99%    1.73ms\n", ""))


def test_load_script_runs(service_bin):
    if shutil.which("wrk") is None:
        if _required("DRIFTSCOPE_REQUIRE_SERVICE"):
            pytest.fail("wrk not found (Debian package 'wrk'); DRIFTSCOPE_REQUIRE_SERVICE=1")
        pytest.skip("wrk not installed")
    p = subprocess.run([sys.executable, str(REPO_ROOT / "benchmarks" / "inference_service_load.py"), service_bin,
                        "--duration", "1", "--rounds", "1", "--warmup", "0", "--connections", "4", "--json"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    report = json.loads(p.stdout)
    assert [r["mode"] for r in report["runs"]] == ["on", "off"]
    for mode in ("on", "off"):
        s = report["summary"][mode]
        assert s["requests_per_s"] > 0 and s["non_2xx"] == 0 and s["socket_errors"] == 0
        assert 0 < s["p50_us"] <= s["p90_us"] <= s["p99_us"]
    on = report["runs"][0]
    # every request wrk counted reached the monitor (wrk stops counting the last in-flight ones)
    assert on["monitor"]['driftscope_requests_total{stage="input"}'] >= on["wrk"]["requests"]
    assert on["monitor"]["inference_service_monitor_queue_full_total"] >= 0
    assert 0 <= report["summary"]["on"]["queue_full_share"] <= 1
