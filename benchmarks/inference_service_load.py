#!/usr/bin/env python3
"""Load test of the example inference service with and without monitoring (wrk on loopback).

Builds nothing: give it the service binary (examples/cpp/inference_service). For each
round it starts the service twice — monitored, then ``--no-monitor`` (the order alternates
between rounds, so a slow drift of the machine's speed does not favour one) — drives
``POST /predict`` with ``wrk --latency`` for a bounded time, parses wrk's report
(requests/s, the latency distribution's p50 / p90 / p99) and reads the service's CPU time
from /proc (CPU microseconds per request, all its threads). From the monitored service it
also scrapes ``/metrics`` after each run: the requests it monitored, how often a request
found the monitor's queue full, the monitor lock's contention. It prints a table of the
medians over the rounds and the monitored run's p99 overhead in percent.

Request bodies: 1000 CSV rows drawn like the service's training data (income ~
U(20 000, 120 000), 19 features ~ N(0, 1)), generated once in wrk's Lua script and cycled,
so wrk spends no time formatting requests.

wrk and the service share the machine: on a 2-core VM they compete for the same cores,
which inflates every latency, and the closed loop (16 connections, each sending its next
request when the last one returns) keeps both cores busy, so any CPU the monitor takes
shows in the latencies. Repeat runs: the baseline's own p99 varies by 2x between runs on
a shared VM. ``--pin`` puts the service on CPU 0 and wrk on CPU 1 (taskset); with 32
service threads on one core that measures mostly the scheduler.

Usage:
  python benchmarks/inference_service_load.py build/inference_service/inference_service \
      [--duration 10] [--threads 2] [--connections 16] [--rounds 3] [--warmup 1] \
      [--service-args "--no-drift"] [--pin] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional

LUA_SCRIPT = r"""
-- POST /predict with 1000 pre-built CSV bodies of 20 features, cycled.
math.randomseed(42)
local n = 1000
local requests = {}
local function normal()  -- Box-Muller
  local u1 = 1 - math.random()
  local u2 = math.random()
  return math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)
end
for i = 1, n do
  local v = {string.format("%.2f", 20000 + 100000 * math.random())}
  for j = 2, 20 do v[j] = string.format("%.6g", normal()) end
  requests[i] = wrk.format("POST", "/predict", {["Content-Type"] = "text/csv"}, table.concat(v, ","))
end
local i = 0
request = function()
  i = i % n + 1
  return requests[i]
end
"""

_UNITS = {"us": 1.0, "ms": 1e3, "s": 1e6, "m": 60e6, "h": 3600e6}


def _micros(value: str, unit: str) -> float:
    return float(value) * _UNITS[unit]


@dataclass
class WrkResult:
    """What one wrk run reported (latencies in microseconds)."""

    requests: int
    duration_s: float
    requests_per_s: float
    latency_us: Dict[str, float]  # "50", "75", "90", "99" -> µs
    latency_mean_us: float
    latency_max_us: float
    non_2xx: int = 0
    socket_errors: Dict[str, int] = field(default_factory=dict)


def parse_wrk(text: str) -> WrkResult:
    """Parses the report of ``wrk --latency`` (wrk 4.x).

    Raises ValueError when a required line (requests/sec, the latency distribution, the
    request count) is missing.
    """
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    total = re.search(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h),", text, re.M)
    dist = {m.group(1): _micros(m.group(2), m.group(3))
            for m in re.finditer(r"^\s+(50|75|90|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", text, re.M)}
    lat = re.search(r"^\s+Latency\s+([\d.]+)(us|ms|s|m|h)\s+([\d.]+)(us|ms|s|m|h)\s+([\d.]+)(us|ms|s|m|h)", text,
                    re.M)
    if rps is None or total is None or lat is None or set(dist) != {"50", "75", "90", "99"}:
        raise ValueError("not a `wrk --latency` report:\n" + text)
    non2xx = re.search(r"^\s*Non-2xx or 3xx responses:\s+(\d+)", text, re.M)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return WrkResult(
        requests=int(total.group(1)),
        duration_s=_micros(total.group(2), total.group(3)) / 1e6,
        requests_per_s=float(rps.group(1)),
        latency_us=dist,
        latency_mean_us=_micros(lat.group(1), lat.group(2)),
        latency_max_us=_micros(lat.group(5), lat.group(6)),
        non_2xx=int(non2xx.group(1)) if non2xx else 0,
        socket_errors=dict(zip(("connect", "read", "write", "timeout"), map(int, sock.groups()))) if sock else {},
    )


def parse_prometheus_samples(text: str, names: List[str]) -> Dict[str, float]:
    """The values of samples in a Prometheus text body, each given as it appears there
    (`name` or `name{label="value",...}`)."""
    out = {}
    for name in names:
        m = re.search(r"^" + re.escape(name) + r" (\S+)", text, re.M)
        if m:
            out[name] = float(m.group(1))
    return out


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process (/proc/<pid>/stat fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Service:
    """The service binary on a free loopback port, stopped with SIGTERM on exit."""

    def __init__(self, binary: str, args: List[str], pin: Optional[str]):
        cmd = [binary, "0", *args]
        if pin is not None:
            cmd = ["taskset", "-c", pin, *cmd]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"127\.0\.0\.1:(\d+)", line)
        if not m:
            self.stop()
            raise RuntimeError(f"service did not start: {line!r} {self.proc.stderr.read()!r}")
        self.url = f"http://127.0.0.1:{m.group(1)}"

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path, timeout=10) as r:
            return r.read().decode()

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        err = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        return err

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def run_wrk(url: str, lua: str, threads: int, connections: int, duration: int, pin: Optional[str]) -> WrkResult:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "-s", lua, url + "/predict"]
    if pin is not None:
        cmd = ["taskset", "-c", pin, *cmd]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    if p.returncode != 0:
        raise RuntimeError(f"wrk failed ({p.returncode}): {p.stderr}")
    return parse_wrk(p.stdout)


# read from the monitored service's /metrics after each run
MONITOR_SAMPLES = [
    'driftscope_requests_total{stage="input"}',
    "inference_service_monitor_queue_full_total",
    "inference_service_monitor_lock_acquisitions_total",
    "inference_service_monitor_lock_contended_total",
    "inference_service_monitor_lock_wait_seconds_total",
]


@dataclass
class RunResult:
    mode: str
    wrk: WrkResult
    cpu_us_per_request: float
    monitor: Dict[str, float]  # MONITOR_SAMPLES (monitored runs)


def one_run(args, mode: str, lua: str) -> RunResult:
    service_args = ["--threads", str(args.service_threads), *shlex.split(args.service_args)]
    if mode == "off":
        service_args.append("--no-monitor")
    with Service(args.binary, service_args, "0" if args.pin else None) as svc:
        if args.warmup > 0:
            run_wrk(svc.url, lua, args.threads, args.connections, args.warmup, "1" if args.pin else None)
        cpu0 = _cpu_seconds(svc.proc.pid)
        res = run_wrk(svc.url, lua, args.threads, args.connections, args.duration, "1" if args.pin else None)
        cpu = _cpu_seconds(svc.proc.pid) - cpu0
        monitor = {}
        if mode == "on":
            monitor = parse_prometheus_samples(svc.get("/metrics"), MONITOR_SAMPLES)
    return RunResult(mode, res, cpu / max(res.requests, 1) * 1e6, monitor)


def summarize(runs: List[RunResult]) -> Dict[str, Dict[str, float]]:
    """Medians per mode over the rounds."""
    out = {}
    for mode in ("on", "off"):
        rs = [r for r in runs if r.mode == mode]
        med = statistics.median
        row = {
            "requests_per_s": med(r.wrk.requests_per_s for r in rs),
            "p50_us": med(r.wrk.latency_us["50"] for r in rs),
            "p90_us": med(r.wrk.latency_us["90"] for r in rs),
            "p99_us": med(r.wrk.latency_us["99"] for r in rs),
            "cpu_us_per_request": med(r.cpu_us_per_request for r in rs),
            "non_2xx": sum(r.wrk.non_2xx for r in rs),
            "socket_errors": sum(sum(r.wrk.socket_errors.values()) for r in rs),
        }
        if mode == "on":
            def total(name):
                return sum(r.monitor.get(name, 0.0) for r in rs)
            monitored = total('driftscope_requests_total{stage="input"}')
            row["queue_full_share"] = total("inference_service_monitor_queue_full_total") / max(monitored, 1.0)
            acq = total("inference_service_monitor_lock_acquisitions_total")
            row["lock_contended_share"] = total("inference_service_monitor_lock_contended_total") / max(acq, 1.0)
            row["lock_wait_ms_per_run"] = total("inference_service_monitor_lock_wait_seconds_total") * 1e3 / len(rs)
        out[mode] = row
    on, off = out["on"], out["off"]
    out["overhead"] = {
        "p99_percent": 100.0 * (on["p99_us"] / off["p99_us"] - 1.0),
        "p50_percent": 100.0 * (on["p50_us"] / off["p50_us"] - 1.0),
        "throughput_percent": 100.0 * (on["requests_per_s"] / off["requests_per_s"] - 1.0),
        "cpu_us_per_request": on["cpu_us_per_request"] - off["cpu_us_per_request"],
    }
    return out


def markdown(summary, args) -> str:
    on, off, ov = summary["on"], summary["off"], summary["overhead"]
    lines = [
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency, {args.rounds} round(s), "
        f"medians; service --threads {args.service_threads}" + (", pinned: service CPU 0, wrk CPU 1" if args.pin else
                                                                 ", unpinned (wrk and the service share the cores)"),
        "",
        "| service | requests/s | p50 µs | p90 µs | p99 µs | service CPU µs/request | non-2xx |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in (("monitored", on), ("--no-monitor", off)):
        lines.append(f"| {name} | {r['requests_per_s']:.0f} | {r['p50_us']:.0f} | {r['p90_us']:.0f} | "
                     f"{r['p99_us']:.0f} | {r['cpu_us_per_request']:.2f} | {r['non_2xx'] + r['socket_errors']} |")
    lines += [
        "",
        f"p99 overhead: {ov['p99_percent']:+.1f} %  (p50 {ov['p50_percent']:+.1f} %, throughput "
        f"{ov['throughput_percent']:+.1f} %, service CPU {ov['cpu_us_per_request']:+.2f} µs/request)",
        f"monitor queue full for {100 * on['queue_full_share']:.3f} % of the requests; monitor lock (background "
        f"thread and scrapes): {100 * on['lock_contended_share']:.2f} % of acquisitions contended, "
        f"{on['lock_wait_ms_per_run']:.2f} ms waited per run",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary", help="path of the built inference_service binary")
    ap.add_argument("--duration", type=int, default=10, help="whole seconds per wrk run (default 10)")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    ap.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    ap.add_argument("--rounds", type=int, default=3, help="runs per mode; medians reported (default 3)")
    ap.add_argument("--warmup", type=int, default=1, help="whole seconds of unmeasured wrk load first (default 1; 0 = none)")
    ap.add_argument("--service-threads", type=int, default=32, help="the service's worker threads (default 32)")
    ap.add_argument("--service-args", default="", help="more arguments for the service, e.g. '--no-drift'")
    ap.add_argument("--pin", action="store_true", help="service on CPU 0, wrk on CPU 1 (taskset)")
    ap.add_argument("--json", action="store_true", help="print the runs and the summary as JSON")
    args = ap.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk not found (Debian package 'wrk')", file=sys.stderr)
        return 2
    if args.pin and shutil.which("taskset") is None:
        print("--pin needs taskset (util-linux)", file=sys.stderr)
        return 2
    if args.connections > args.service_threads:
        print("note: more connections than service threads; keep-alive connections wait for a worker",
              file=sys.stderr)
    runs: List[RunResult] = []
    with tempfile.TemporaryDirectory() as tmp:
        lua = os.path.join(tmp, "predict.lua")
        with open(lua, "w") as f:
            f.write(LUA_SCRIPT)
        for k in range(args.rounds):
            for mode in (("on", "off") if k % 2 == 0 else ("off", "on")):
                runs.append(one_run(args, mode, lua))
                time.sleep(0.2)
    summary = summarize(runs)
    if args.json:
        print(json.dumps({"runs": [asdict(r) for r in runs], "summary": summary}, indent=1))
    else:
        print(markdown(summary, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
