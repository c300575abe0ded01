"""Metrics export (driftscope._exposition, re-exported by driftscope.monitor).

Oracles: prometheus_client's two parsers (our output parsed back, every sample, type, unit
and help checked against values computed here from the inputs; le / quantile strings from
prometheus_client.utils.floatToGoString), prometheus_client's own exposition of the same
metrics built with its *MetricFamily classes, statsmodels' proportion_confint(method='wilson')
and confint_poisson(method='score'), a plain-Python transcription of the Dropwizard EWMA tick
loop, the resource / os modules for the process metrics, and urllib against our HTTP server.
"""

from __future__ import annotations

import copy
import gzip
import itertools
import math
import os
import pickle
import resource
import sys
import urllib.error
import urllib.request

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

prometheus_client = pytest.importorskip("prometheus_client")
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics  # noqa: E402
from prometheus_client.parser import text_string_to_metric_families as parse_text  # noqa: E402
from prometheus_client.utils import floatToGoString  # noqa: E402
from statsmodels.stats.proportion import proportion_confint  # noqa: E402
from statsmodels.stats.rates import confint_poisson  # noqa: E402

from driftscope._exposition import (  # noqa: E402
    OPENMETRICS_CONTENT_TYPE,
    PROMETHEUS_TEXT_CONTENT_TYPE,
    MetricFamily,
    MetricsRegistry,
    PrometheusCollector,
    RateMeter,
    RatioMetric,
    negotiate_exposition_format,
    process_metric_families,
    process_metrics,
    render_metrics,
    serve_metrics,
    to_openmetrics,
    to_prometheus_text,
)

NAN = float("nan")
INF = float("inf")
S = 1_000_000_000  # one second in ns

# ----------------------------------------------------------------------------- a family set
# Each spec: (type, name as given, help, unit, extra, series); the expected samples below are
# computed from these inputs, not from our output.
SPECS = [
    ("counter", "rows_seen_total", "Rows fed to the monitor.", "",
     None, [({"model": "a"}, 1234.0, 1_700_000_000_500_000_000, None), ({"model": "b"}, 7.0, None, None)]),
    ("gauge", "drift_psi", 'PSI with "quotes", a \\ and\na newline, ünïcödé 東京.', "",
     None, [({"feature": "age"}, 0.07, None, None),
            ({"feature": 'a"b\\c\nd'}, NAN, None, 1_700_000_000_123_456_789),
            ({"feature": "inf"}, INF, None, None), ({"feature": "-inf"}, -INF, None, None)]),
    ("histogram", "latency_seconds", "Scoring latency.", "seconds",
     [0.001, 0.25, 1.0, 1e6], [({}, ([1, 2, 3, 0, 4], 12.5), 1_000_000_000, None),
                               ({"route": "/x"}, ([0, 0, 0, 0, 0], 0.0), None, None)]),
    ("summary", "payload_bytes", "Payload size.", "bytes",
     [0.5, 0.9, 0.99], [({"route": "/score"}, (10, 2048.0, [100.0, 300.0, NAN]), None, None)]),
    ("info", "build_info", "Build information.", "",
     None, [({"version": "0.1.0", "compiler": "g++ 12"}, None, None, None)]),
    ("stateset", "drift_state", "Drift state of a feature.", "",
     ["ok", "warning", "alarm"], [({"feature": "age"}, ["warning"], None, None),
                                 ({"feature": "income"}, [], None, None)]),
]


def base_name(kind, name):
    if kind == "counter" and name.endswith("_total"):
        return name[: -len("_total")]
    if kind == "info" and name.endswith("_info"):
        return name[: -len("_info")]
    return name


def build(spec):
    kind, name, help_, unit, extra, series = spec
    if kind == "counter":
        f = MetricFamily.counter(name, help_, unit)
        for labels, v, created, ts in series:
            f.add_counter(v, labels, created=created, timestamp=ts)
    elif kind == "gauge":
        f = MetricFamily.gauge(name, help_, unit)
        for labels, v, _, ts in series:
            f.add_gauge(v, labels, timestamp=ts)
    elif kind == "histogram":
        f = MetricFamily.histogram(name, extra, help_, unit)
        for labels, (counts, total), created, ts in series:
            f.add_histogram(counts, total, labels, created=created, timestamp=ts)
    elif kind == "summary":
        f = MetricFamily.summary(name, extra, help_, unit)
        for labels, (count, total, qv), created, ts in series:
            f.add_summary(count, total, qv, labels, created=created, timestamp=ts)
    elif kind == "info":
        f = MetricFamily.info(name, help_)
        for labels, _, _, ts in series:
            f.add_info(labels, timestamp=ts)
    else:
        f = MetricFamily.stateset(name, extra, help_)
        for labels, enabled, _, ts in series:
            f.add_stateset(enabled, labels, timestamp=ts)
    return f


def expected_samples(spec, openmetrics):
    """[(name, labels, value, timestamp_ns)] as the formats define them."""
    kind, name, _, _, extra, series = spec
    n = base_name(kind, name)
    out = []
    for labels, v, created, ts in series:
        if kind == "counter":
            out.append((n + "_total", labels, v, ts))
            if openmetrics and created is not None:
                out.append((n + "_created", labels, created / 1e9, ts))
        elif kind == "gauge":
            out.append((n, labels, v, ts))
        elif kind == "histogram":
            counts, total = v
            for le, c in zip(list(extra) + [INF], itertools.accumulate(counts)):
                out.append((n + "_bucket", {**labels, "le": floatToGoString(le)}, c, ts))
            out.append((n + "_count", labels, sum(counts), ts))
            out.append((n + "_sum", labels, total, ts))
            if openmetrics and created is not None:
                out.append((n + "_created", labels, created / 1e9, ts))
        elif kind == "summary":
            count, total, qv = v
            for q, x in zip(extra, qv):
                out.append((n, {**labels, "quantile": floatToGoString(q)}, x, ts))
            out.append((n + "_count", labels, count, ts))
            out.append((n + "_sum", labels, total, ts))
        elif kind == "info":
            out.append((n + "_info", labels, 1, ts))
        else:
            for state in extra:
                out.append((n, {**labels, n: state}, 1 if state in v else 0, ts))
    return out


def same_value(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b


def check_family(parsed, spec, openmetrics):
    kind, name, help_, unit, _, _ = spec
    n = base_name(kind, name)
    if openmetrics:
        assert (parsed.name, parsed.type, parsed.unit) == (n, kind, unit)
    else:
        # 0.0.4 has no info / stateset (gauges) nor units; the parser drops a counter's _total
        want_name = n + "_info" if kind == "info" else n
        want_type = "gauge" if kind in ("info", "stateset") else kind
        assert (parsed.name, parsed.type, parsed.unit) == (want_name, want_type, "")
    if help_ == help_.strip():
        assert parsed.documentation == help_
    else:
        # prometheus_client's parsers drop whitespace at the ends of a HELP text (the 0.0.4
        # parser strips the whole line, the OpenMetrics one the spaces after the separator):
        # what we wrote is checked in test_help_whitespace_is_written
        assert parsed.documentation.strip() == help_.strip()
    want = expected_samples(spec, openmetrics)
    assert len(parsed.samples) == len(want)
    for got, (wname, wlabels, wvalue, wts) in zip(parsed.samples, want):
        assert got.name == wname
        assert got.labels == wlabels
        assert same_value(got.value, wvalue), (got, wvalue)
        if wts is None:
            assert got.timestamp is None
        elif openmetrics:
            assert (got.timestamp.sec, got.timestamp.nsec) == divmod(wts, S)
        else:
            assert got.timestamp == (wts // 1_000_000) / 1000  # integer milliseconds (floor)


def test_prometheus_text_parses_back():
    families = [build(s) for s in SPECS]
    parsed = list(parse_text(to_prometheus_text(families)))
    assert len(parsed) == len(SPECS)
    for p, spec in zip(parsed, SPECS):
        check_family(p, spec, openmetrics=False)


def test_openmetrics_parses_back():
    families = [build(s) for s in SPECS]
    text = to_openmetrics(families)
    assert text.endswith("# EOF\n")
    parsed = list(parse_openmetrics(text))
    assert len(parsed) == len(SPECS)
    for p, spec in zip(parsed, SPECS):
        check_family(p, spec, openmetrics=True)


def test_matches_prometheus_client_exposition():
    """The same metrics built with prometheus_client's own families and written by its own
    writers parse to the same families as ours (a second, independent writer)."""
    from prometheus_client import CollectorRegistry, generate_latest
    from prometheus_client.core import (
        CounterMetricFamily,
        GaugeMetricFamily,
        HistogramMetricFamily,
        InfoMetricFamily,
        StateSetMetricFamily,
        SummaryMetricFamily,
    )
    from prometheus_client.openmetrics.exposition import generate_latest as generate_openmetrics

    theirs = []
    c = CounterMetricFamily("rows_seen", "Rows.", labels=["model"])
    c.add_metric(["a"], 1234, created=1_700_000_000.5)
    c.add_metric(["b"], 7)
    theirs.append(c)
    g = GaugeMetricFamily("drift_psi", "PSI.", labels=["feature"])
    g.add_metric(["age"], 0.07)
    g.add_metric(['a"b\\c\nd'], NAN)
    theirs.append(g)
    h = HistogramMetricFamily("latency_seconds", "Latency.", labels=["route"], unit="seconds")
    h.add_metric(["/x"], [("0.001", 1), ("0.25", 3), ("1.0", 6), ("+Inf", 10)], sum_value=12.5)
    theirs.append(h)
    sm = SummaryMetricFamily("payload_bytes", "Payload.", labels=["route"], unit="bytes")
    sm.add_metric(["/s"], count_value=10, sum_value=2048)
    theirs.append(sm)
    i = InfoMetricFamily("build", "Build.")
    i.add_metric([], {"version": "0.1.0"})
    theirs.append(i)
    ss = StateSetMetricFamily("drift_state", "State.", labels=["feature"])
    ss.add_metric(["age"], {"ok": False, "warning": True})
    theirs.append(ss)

    ours = [
        MetricFamily.counter("rows_seen", "Rows.").add_counter(1234, {"model": "a"}, created=1_700_000_000_500_000_000)
        .add_counter(7, {"model": "b"}),
        MetricFamily.gauge("drift_psi", "PSI.").add_gauge(0.07, {"feature": "age"})
        .add_gauge(NAN, {"feature": 'a"b\\c\nd'}),
        MetricFamily.histogram("latency_seconds", [0.001, 0.25, 1.0], "Latency.", "seconds")
        .add_histogram([1, 2, 3, 4], 12.5, {"route": "/x"}),
        MetricFamily.summary("payload_bytes", [], "Payload.", "bytes").add_summary(10, 2048, [], {"route": "/s"}),
        MetricFamily.info("build", "Build.").add_info({"version": "0.1.0"}),
        MetricFamily.stateset("drift_state", ["ok", "warning"], "State.").add_stateset(["warning"], {"feature": "age"}),
    ]

    class Fixed:
        def collect(self):
            return theirs

    reg = CollectorRegistry()
    reg.register(Fixed())

    def norm(fams):
        return [(f.name, f.type, f.unit, f.documentation,
                 [(s.name, s.labels, "nan" if math.isnan(s.value) else float(s.value)) for s in f.samples
                  if not s.name.endswith("_created")])
                for f in fams]

    assert norm(parse_openmetrics(to_openmetrics(ours))) == norm(parse_openmetrics(generate_openmetrics(reg).decode()))
    # prometheus_client's 0.0.4 writer adds `_created` as separate gauge families; leave them out
    theirs_text = [f for f in parse_text(generate_latest(reg).decode()) if not f.name.endswith("_created")]
    assert norm(parse_text(to_prometheus_text(ours))) == norm(theirs_text)


NAME = st.from_regex(r"[a-zA-Z_:][a-zA-Z0-9_:]{0,15}", fullmatch=True)
LABEL_NAME = st.from_regex(r"[a-zA-Z][a-zA-Z0-9_]{0,10}", fullmatch=True)
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@settings(max_examples=150)  # timestamps >= 0: prometheus_client's OpenMetrics parser misreads negative decimals
@example(name=":", help_=" ", series=[])  # whitespace-only help: the parsers return ""
@given(
    name=NAME,
    help_=TEXT,
    series=st.lists(
        st.tuples(st.dictionaries(LABEL_NAME, TEXT, max_size=3), st.floats(allow_nan=True, allow_infinity=True),
                  st.one_of(st.none(), st.integers(0, 2**62))),
        max_size=4),
)
def test_random_gauges_round_trip(name, help_, series):
    f = MetricFamily.gauge(name, help_)
    seen = set()
    kept = []
    for labels, value, ts in series:
        key = frozenset(labels.items())
        if key in seen:
            with pytest.raises(ValueError, match="already present"):
                f.add_gauge(value, labels, timestamp=ts)
            continue
        seen.add(key)
        f.add_gauge(value, labels, timestamp=ts)
        kept.append((labels, value, None, ts))
    spec = ("gauge", name, help_, "", None, kept)
    (parsed,) = list(parse_openmetrics(to_openmetrics([f])))
    check_family(parsed, spec, openmetrics=True)
    (parsed,) = list(parse_text(to_prometheus_text([f])))
    check_family(parsed, spec, openmetrics=False)


def test_help_whitespace_is_written():
    for h in [" ", " a", "a ", "\t", "a\u00a0"]:
        f = MetricFamily.gauge("n", h)
        assert "# HELP n " + h in to_prometheus_text([f]).splitlines()
        assert "# HELP n " + h in to_openmetrics([f]).splitlines()


@given(st.floats(min_value=1e-12, max_value=1e12), st.booleans())
def test_le_labels_are_canonical(bound, negative):
    b = -bound if negative else bound
    f = MetricFamily.histogram("h", sorted({b, 0.5}))
    f.add_histogram([1] * (len(f.buckets) + 1), 1.0)
    les = [s[1]["le"] for s in f.samples if s[0] == "h_bucket"]
    # floatToGoString follows Go for positive numbers only; Go's %g is symmetric in the sign
    go = [floatToGoString(x) if x >= 0 else "-" + floatToGoString(-x) for x in f.buckets]
    assert les == go + ["+Inf"]
    assert [float(x) for x in les[:-1]] == f.buckets


def test_negative_histograms_in_openmetrics():
    f = MetricFamily.histogram("z", [-1.0, 0.0, 1.0]).add_histogram([1, 1, 1, 1], -0.5)
    (p,) = list(parse_openmetrics(to_openmetrics([f])))  # accepted: no _sum next to negative buckets
    assert [s.name for s in p.samples] == ["z_bucket"] * 4
    (p,) = list(parse_text(to_prometheus_text([f])))
    assert [s.name for s in p.samples][-2:] == ["z_count", "z_sum"]


# ----------------------------------------------------------------------------- bad input
def test_bad_families():
    with pytest.raises(ValueError, match="name must match"):
        MetricFamily.gauge("1bad")
    with pytest.raises(ValueError, match="name must match"):
        MetricFamily.counter("a-b")
    with pytest.raises(ValueError, match="must end with '_seconds'"):
        MetricFamily.gauge("latency", unit="seconds")
    with pytest.raises(ValueError, match="strictly increasing"):
        MetricFamily.histogram("h", [1.0, 1.0])
    with pytest.raises(ValueError, match="must be finite"):
        MetricFamily.histogram("h", [NAN])
    with pytest.raises(ValueError, match=r"quantiles must be in \[0, 1\]"):
        MetricFamily.summary("s", [1.5])
    g = MetricFamily.gauge("g")
    with pytest.raises(ValueError, match="label name must match"):
        g.add_gauge(1, {"bad-name": "x"})
    with pytest.raises(ValueError, match="reserved"):
        g.add_gauge(1, {"__name__": "x"})
    with pytest.raises(ValueError, match="label names and values must be str"):
        g.add_gauge(1, {"a": 1})
    with pytest.raises(ValueError, match="labels must be a dict"):
        g.add_gauge(1, [("a", "b")])
    with pytest.raises(ValueError, match="not a counter"):
        g.add_counter(1)
    with pytest.raises(ValueError, match="timestamp must be int nanoseconds"):
        g.add_gauge(1, timestamp=1.7e9)
    with pytest.raises(ValueError, match="must not be NaT"):
        g.add_gauge(1, timestamp=np.datetime64("NaT"))
    g.add_gauge(1, timestamp=np.datetime64("2024-01-01T00:00:00.5"))
    assert g.samples[0][3] == 1_704_067_200_500_000_000
    c = MetricFamily.counter("c")
    for bad in (-1.0, NAN, INF):
        with pytest.raises(ValueError, match="value must be finite and >= 0"):
            c.add_counter(bad)
    h = MetricFamily.histogram("h", [1.0])
    with pytest.raises(ValueError, match="bucket_counts needs 2 entries"):
        h.add_histogram([1], 0.0)
    with pytest.raises(ValueError, match="bucket_counts must be >= 0"):
        h.add_histogram([1, -1], 0.0)
    with pytest.raises(ValueError, match="sum must not be NaN"):
        h.add_histogram([1, 1], NAN)
    with pytest.raises(ValueError, match="quantile_values must be >= 0 or NaN"):
        MetricFamily.summary("s", [0.5]).add_summary(1, 1.0, [-1.0])
    with pytest.raises(ValueError, match="clash on the name 'a_total'"):
        to_openmetrics([MetricFamily.counter("a"), MetricFamily.gauge("a_total")])
    with pytest.raises(ValueError, match="families must hold MetricFamily"):
        to_prometheus_text([g, "x"])
    with pytest.raises(ValueError, match="families must be a MetricFamily or an iterable"):
        to_openmetrics(3)
    assert to_openmetrics(g) == to_openmetrics([g])
    # a generator's families live only during the call
    text = to_prometheus_text(MetricFamily.gauge(f"g{i}").add_gauge(i) for i in range(3))
    assert text == "# TYPE g0 gauge\ng0 0\n# TYPE g1 gauge\ng1 1\n# TYPE g2 gauge\ng2 2\n"


# ----------------------------------------------------------------------------- negotiation, HTTP
PROMETHEUS_ACCEPT = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                     "text/plain;version=0.0.4;q=0.5,*/*;q=0.1")


def test_negotiation():
    assert negotiate_exposition_format(PROMETHEUS_ACCEPT) == "openmetrics"
    assert negotiate_exposition_format("") == "prometheus_text"
    assert negotiate_exposition_format("text/plain") == "prometheus_text"
    assert negotiate_exposition_format("application/openmetrics-text; q=0") == "prometheus_text"
    f = [MetricFamily.gauge("up").add_gauge(1)]
    assert render_metrics(PROMETHEUS_ACCEPT, f) == (OPENMETRICS_CONTENT_TYPE, b"# TYPE up gauge\nup 1\n# EOF\n")
    assert render_metrics("*/*", f) == (PROMETHEUS_TEXT_CONTENT_TYPE, b"# TYPE up gauge\nup 1\n")


def fetch(url, headers=None, method="GET"):
    req = urllib.request.Request(url, headers=headers or {}, method=method)
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, dict(r.headers), r.read()


@pytest.fixture
def registry():
    reg = MetricsRegistry()
    calls = []

    @reg.register
    def drift():
        calls.append(1)
        return [MetricFamily.gauge("drift_psi", "PSI").add_gauge(0.25, {"feature": "age"}),
                MetricFamily.counter("scrapes", "Scrapes").add_counter(len(calls))]

    reg.calls = calls
    return reg


def test_serve_metrics_over_http(registry):
    with serve_metrics(registry) as server:
        assert server.port > 0
        assert server.url == f"http://127.0.0.1:{server.port}/metrics"
        status, headers, body = fetch(server.url)
        assert status == 200
        assert headers["Content-Type"] == PROMETHEUS_TEXT_CONTENT_TYPE
        fams = {f.name: f for f in parse_text(body.decode())}
        assert fams["drift_psi"].samples[0].value == 0.25
        assert fams["scrapes"].samples[0].value == 1
        status, headers, body = fetch(server.url, {"Accept": PROMETHEUS_ACCEPT})
        assert headers["Content-Type"] == OPENMETRICS_CONTENT_TYPE
        assert body.endswith(b"# EOF\n")
        fams = {f.name: f for f in parse_openmetrics(body.decode())}
        assert fams["scrapes"].samples[0].value == 2  # collected again at every scrape
        # gzip when accepted
        status, headers, body = fetch(server.url + "?x=1", {"Accept-Encoding": "gzip"})
        assert headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(body).startswith(b"# HELP drift_psi PSI\n")
        # HEAD: headers only
        status, headers, body = fetch(server.url, method="HEAD")
        assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0
        with pytest.raises(urllib.error.HTTPError) as e:
            fetch(f"http://127.0.0.1:{server.port}/other")
        assert e.value.code == 404
        e.value.close()
        with pytest.raises(urllib.error.HTTPError) as e:
            fetch(server.url, method="POST")
        assert e.value.code == 405
        e.value.close()
    assert server.closed
    with pytest.raises(urllib.error.URLError):
        fetch(server.url)
    server.close()  # idempotent


def test_serve_metrics_sources_and_errors():
    fam = MetricFamily.gauge("up").add_gauge(1)
    for source in (fam, [fam], lambda: [fam], lambda: fam):
        with serve_metrics(source) as server:
            assert fetch(server.url)[2] == b"# TYPE up gauge\nup 1\n"

    def broken():
        raise RuntimeError("feature store down")

    with serve_metrics(broken, path="/m") as server:
        with pytest.raises(urllib.error.HTTPError) as e:
            fetch(server.url)
        assert e.value.code == 500
        assert b"RuntimeError: feature store down" in e.value.read()
        e.value.close()
    with serve_metrics(lambda: ["not a family"]) as server:
        with pytest.raises(urllib.error.HTTPError) as e:
            fetch(server.url)
        assert e.value.code == 500
        e.value.close()
    with pytest.raises(ValueError, match="source must be"):
        serve_metrics(42)
    with pytest.raises(ValueError, match="port must be"):
        serve_metrics(fam, port=70000)
    with pytest.raises(ValueError, match="path must be"):
        serve_metrics(fam, path="metrics")


def test_registry(registry):
    assert len(registry) == 1
    extra = MetricFamily.gauge("g").add_gauge(2)
    registry.register(extra)
    with pytest.raises(ValueError, match="already registered"):
        registry.register(extra)
    assert [f.name for f in registry.collect()] == ["drift_psi", "scrapes", "g"]
    registry.unregister(extra)
    with pytest.raises(ValueError, match="not registered"):
        registry.unregister(extra)
    with pytest.raises(ValueError, match="collector must be"):
        registry.register(3)
    assert registry.to_openmetrics().endswith("# EOF\n")
    assert registry.render("text/plain")[0] == PROMETHEUS_TEXT_CONTENT_TYPE
    with_process = MetricsRegistry(process=True)
    names = {f.name for f in with_process.collect()}
    assert "process_cpu_seconds" in names
    if sys.platform.startswith("linux"):
        assert {"process_resident_memory_bytes", "process_open_fds", "process_start_time_seconds"} <= names


# ----------------------------------------------------------------------------- prometheus_client interop
def test_prometheus_client_collector():
    from prometheus_client import CollectorRegistry, generate_latest
    from prometheus_client.openmetrics.exposition import generate_latest as generate_openmetrics

    families = [build(s) for s in SPECS]
    reg = CollectorRegistry()
    reg.register(PrometheusCollector(lambda: families))
    ours = MetricsRegistry()
    ours.register(MetricFamily.gauge("queue_depth").add_gauge(3))
    reg.register(PrometheusCollector(ours))
    parsed = {f.name: f for f in parse_openmetrics(generate_openmetrics(reg).decode())}
    for spec in SPECS:
        check_family(parsed[base_name(spec[0], spec[1])], spec, openmetrics=True)
    assert parsed["queue_depth"].samples[0].value == 3
    text = generate_latest(reg).decode()
    parsed = {f.name: f for f in parse_text(text)}
    assert parsed["rows_seen"].samples[0].value == 1234
    assert parsed["latency_seconds"].samples[-1].name == "latency_seconds_sum"
    # their registry also takes their own metrics next to ours
    from prometheus_client import Counter

    Counter("their_requests", "Requests.", registry=reg).inc(3)
    assert "their_requests_total 3.0" in generate_latest(reg).decode()


# ----------------------------------------------------------------------------- RatioMetric
@given(st.integers(1, 10**7), st.floats(0, 1), st.floats(0.5, 0.999))
def test_wilson_matches_statsmodels(n, share, confidence):
    k = int(round(share * n))
    r = RatioMetric(min_volume=0)
    r.add(k, n)
    lo, hi = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
    got = r.wilson_interval(confidence)
    np.testing.assert_allclose(got, (max(lo, 0.0), min(hi, 1.0)), rtol=1e-10, atol=1e-13)
    assert got == r.interval(confidence)


@given(st.integers(0, 10**6), st.integers(1, 10**6), st.floats(0.5, 0.999))
def test_poisson_interval_matches_statsmodels(k, n, confidence):
    r = RatioMetric("rate", min_volume=0)
    r.add(k, n)
    lo, hi = confint_poisson(k, n, method="score", alpha=1 - confidence)
    np.testing.assert_allclose(r.interval(confidence), (max(lo, 0.0), hi), rtol=1e-10, atol=1e-13)


def test_ratio_metric_guard_and_errors():
    ctr = RatioMetric(min_volume=1000)
    assert ctr.kind == "proportion" and ctr.min_volume == 1000
    assert not ctr.ready and math.isnan(ctr.alert_value)
    with pytest.raises(ValueError, match="denominator is 0"):
        ctr.value
    with pytest.raises(ValueError, match="denominator is 0"):
        ctr.wilson_interval()
    ctr.add(30, 999)
    assert not ctr.ready and math.isnan(ctr.alert_value) and ctr.value == 30 / 999
    ctr.add(0, 1)
    assert ctr.ready and ctr.alert_value == 0.03
    with pytest.raises(ValueError, match="numerator must be >= 0"):
        ctr.add(-1, 1)
    with pytest.raises(ValueError, match="denominator must be >= 0"):
        ctr.add(0, -1)
    with pytest.raises(ValueError, match="would exceed its denominator"):
        ctr.add(2000, 0)
    with pytest.raises(ValueError, match="must be an int"):
        ctr.add(1.5, 2)
    with pytest.raises(ValueError, match=r"confidence must be in \(0, 1\)"):
        ctr.wilson_interval(1.0)
    with pytest.raises(ValueError, match="kind must be 'proportion' or 'rate'"):
        RatioMetric("ratio")
    retries = RatioMetric("rate", min_volume=10)
    retries.add(25, 10)
    assert retries.value == 2.5
    with pytest.raises(ValueError, match="no Wilson interval"):
        retries.wilson_interval()
    with pytest.raises(ValueError, match="kind rate"):
        ctr.merge(retries)
    other = RatioMetric(min_volume=1000)
    other.add(3, 100)
    ctr.merge(other)
    assert (ctr.numerator, ctr.denominator) == (33, 1100)
    for clone in (pickle.loads(pickle.dumps(ctr)), copy.deepcopy(ctr), RatioMetric.from_bytes(ctr.to_bytes())):
        assert (clone.numerator, clone.denominator, clone.kind, clone.min_volume) == (33, 1100, "proportion", 1000)
    with pytest.raises(ValueError, match="truncated"):
        RatioMetric.from_bytes(ctr.to_bytes()[:-1])
    ctr.reset()
    assert ctr.denominator == 0


# ----------------------------------------------------------------------------- RateMeter
class DropwizardMeter:
    """The Dropwizard Metrics Meter / EWMA, transcribed as a plain tick loop (the reference):
    5 s ticks from the start; a tick's events / 5 s is its instantaneous rate; the first
    tick sets each rate, later ones move it by alpha = 1 - exp(-5/60/minutes). A timestamp on
    a tick boundary belongs to the new tick."""

    def __init__(self, start):
        self.tick_start = start
        self.pending = 0
        self.rates = [0.0, 0.0, 0.0]
        self.initialized = False

    def _tick_to(self, t):
        while t - self.tick_start >= 5 * S:
            instant = self.pending / 5.0
            for w, minutes in enumerate((1, 5, 15)):
                alpha = 1 - math.exp(-5 / 60 / minutes)
                self.rates[w] = self.rates[w] + alpha * (instant - self.rates[w]) if self.initialized else instant
            self.initialized = True
            self.pending = 0
            self.tick_start += 5 * S

    def mark(self, n, t):
        self._tick_to(t)
        self.pending += n

    def read(self, t):
        self._tick_to(t)
        return tuple(self.rates)


@given(st.lists(st.tuples(st.integers(0, 20 * S), st.integers(0, 1000)), max_size=60), st.integers(0, 3600 * S))
def test_rate_meter_matches_the_tick_loop(marks, wait):
    start = 1_700_000_000 * S
    ours, ref = RateMeter(start), DropwizardMeter(start)
    t = start
    for dt, n in marks:
        t += dt
        ours.mark(n, t)
        ref.mark(n, t)
    np.testing.assert_allclose(ours.rates(t + wait), ref.read(t + wait), rtol=1e-9, atol=1e-300)
    assert ours.count == sum(n for _, n in marks)


def test_rate_meter_api():
    m = RateMeter()
    assert not m.started and m.start is None and m.rates(5) == (0.0, 0.0, 0.0)
    m.mark(50, np.datetime64(1, "s"))  # datetime64 timestamps work; the grid starts here
    assert m.start == S and m.count == 50
    # first tick (50 events / 5 s) initializes, 12 idle ticks decay by exp(-1/m)
    np.testing.assert_allclose(m.rates(66 * S), [10 * math.exp(-1), 10 * math.exp(-0.2), 10 * math.exp(-1 / 15)],
                               rtol=1e-12)
    assert m.rate_1m(66 * S) == m.rates(66 * S)[0]
    assert m.rate_15m(66 * S) == m.rates(66 * S)[2]
    assert m.mean_rate(11 * S) == 5.0
    with pytest.raises(ValueError, match="timestamp must not go back"):
        m.mark(1, 0)
    with pytest.raises(ValueError, match="timestamp must be int nanoseconds"):
        m.mark(1, 2.0)
    with pytest.raises(ValueError, match="n must be >= 0"):
        m.mark(-1, 2 * S)
    m.advance(70 * S)
    clone = pickle.loads(pickle.dumps(m))
    assert clone.rates(100 * S) == m.rates(100 * S) and clone.last_timestamp == 70 * S
    assert RateMeter.from_bytes(m.to_bytes()).count == 50
    other = RateMeter(0)
    other.mark(5, 3 * S)
    with pytest.raises(ValueError, match="not aligned"):
        copy.copy(m).merge(other)
    aligned = RateMeter(S)
    aligned.mark(25, 71 * S)
    merged = copy.copy(m)
    merged.merge(aligned)
    assert merged.count == 75
    assert RateMeter.TICK_NS == 5 * S


# ----------------------------------------------------------------------------- process metrics
def test_process_metrics():
    before = process_metrics()
    assert set(before) == {"resident_memory_bytes", "virtual_memory_bytes", "cpu_user_seconds", "cpu_system_seconds",
                           "cpu_seconds", "open_fds", "max_fds", "start_time_seconds", "load_average_1m",
                           "load_average_5m", "load_average_15m"}
    ru = resource.getrusage(resource.RUSAGE_SELF)
    assert before["cpu_seconds"] == pytest.approx(ru.ru_utime + ru.ru_stime, abs=0.05)
    load = os.getloadavg()
    assert before["load_average_15m"] == pytest.approx(load[2], abs=0.5)
    assert min(before["load_average_1m"], before["load_average_5m"], before["load_average_15m"]) >= 0
    assert before["max_fds"] == resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if sys.platform.startswith("linux"):
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        assert before["resident_memory_bytes"] == pytest.approx(pages * os.sysconf("SC_PAGE_SIZE"), rel=0.1)
        block = np.ones(200 << 20, dtype=np.uint8)  # 200 MB, every page written
        after = process_metrics()
        assert after["resident_memory_bytes"] >= before["resident_memory_bytes"] + (190 << 20)
        del block
        assert after["open_fds"] == len(os.listdir("/proc/self/fd")) - 1  # listdir's own descriptor
    fams = {f.name: f for f in process_metric_families()}
    assert fams["process_cpu_seconds"].type == "counter"
    assert fams["process_cpu_seconds"].unit == "seconds"
    parse_openmetrics(to_openmetrics(list(fams.values())))
