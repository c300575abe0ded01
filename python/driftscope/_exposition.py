"""Metrics export: Prometheus / OpenMetrics exposition, a ``/metrics`` endpoint, throughput
rates, ratio metrics and process metrics.

The formats are written by the C++ core (``include/driftscope/monitor/exposition.hpp``):
:class:`MetricFamily` holds one metric family (counter, gauge, histogram, summary, info,
stateset) with a small, fixed set of series; :func:`to_prometheus_text` writes the
Prometheus text format 0.0.4, :func:`to_openmetrics` OpenMetrics 1.0 (``# EOF`` at the end),
and :func:`render_metrics` picks one from an HTTP ``Accept`` header.

This module adds the plumbing around them:

- :class:`MetricsRegistry` collects families from callables (called at every scrape);
- :func:`serve_metrics` serves ``GET /metrics`` from the standard library's
  ``http.server.ThreadingHTTPServer`` in a daemon thread, with content negotiation
  (OpenMetrics when the scraper asks for it, as Prometheus does) and gzip when accepted;
- :class:`PrometheusCollector` adapts our families to ``prometheus_client`` (imported
  lazily; everything else works without it), so they can be registered in a
  ``prometheus_client.CollectorRegistry`` next to that library's own metrics.

Timestamps are int nanoseconds since the Unix epoch or ``numpy.datetime64`` everywhere
(floats are refused: an int is nanoseconds). Label sets must be small and fixed (feature,
model, window), never per request: a family holds at most 10 000 series.

Example::

    from driftscope.monitor import MetricFamily, MetricsRegistry, serve_metrics

    registry = MetricsRegistry(process=True)

    @registry.register
    def drift():
        psi = MetricFamily.gauge("drift_psi", help="PSI of the current window")
        for name, value in monitor_scores().items():
            psi.add_gauge(value, {"feature": name})
        return [psi]

    server = serve_metrics(registry, port=9464)   # http://127.0.0.1:9464/metrics
    ...
    server.close()
"""

from __future__ import annotations

import gzip
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterable, Iterator, List, Optional, Tuple, Union

from ._core import (
    OPENMETRICS_CONTENT_TYPE,
    PROMETHEUS_TEXT_CONTENT_TYPE,
    MetricFamily,
    RateMeter,
    RatioMetric,
    negotiate_exposition_format,
    process_metric_families,
    process_metrics,
    render_metrics,
    to_openmetrics,
    to_prometheus_text,
)

__all__ = [
    "MetricFamily",
    "RateMeter",
    "RatioMetric",
    "MetricsRegistry",
    "MetricsServer",
    "PrometheusCollector",
    "serve_metrics",
    "to_prometheus_text",
    "to_openmetrics",
    "render_metrics",
    "negotiate_exposition_format",
    "process_metrics",
    "process_metric_families",
    "PROMETHEUS_TEXT_CONTENT_TYPE",
    "OPENMETRICS_CONTENT_TYPE",
]

Source = Union["MetricsRegistry", Callable[[], Any], MetricFamily, Iterable[MetricFamily]]


def _families(obj: Any, what: str) -> List[MetricFamily]:
    """A MetricFamily or an iterable of them, as a list; ValueError naming `what` otherwise."""
    if isinstance(obj, MetricFamily):
        return [obj]
    if obj is None:
        return []
    if isinstance(obj, (str, bytes)) or not hasattr(obj, "__iter__"):
        raise ValueError(f"{what} must return a MetricFamily or an iterable of them, got {type(obj).__name__}")
    out = list(obj)
    for f in out:
        if not isinstance(f, MetricFamily):
            raise ValueError(f"{what} must return MetricFamily objects, got {type(f).__name__}")
    return out


class MetricsRegistry:
    """Collectors of metric families, called at every scrape in registration order.

    A collector is a :class:`MetricFamily` (exported as it is), a callable returning one
    family or an iterable of them, or an object with a ``collect()`` method doing the same.
    ``process=True`` registers :func:`process_metric_families` (memory, CPU, fds, load).
    Registration and collection are thread-safe.
    """

    def __init__(self, process: bool = False) -> None:
        self._lock = threading.Lock()
        self._collectors: List[Any] = []
        if process:
            self.register(process_metric_families)

    def register(self, collector: Any) -> Any:
        """Adds a collector; returns it (so it works as a decorator)."""
        if not (isinstance(collector, MetricFamily) or callable(collector) or callable(getattr(collector, "collect", None))):
            raise ValueError("MetricsRegistry.register: collector must be a MetricFamily, a callable or an object with "
                             f"collect(), got {type(collector).__name__}")
        with self._lock:
            if any(c is collector for c in self._collectors):
                raise ValueError("MetricsRegistry.register: this collector is already registered")
            self._collectors.append(collector)
        return collector

    def unregister(self, collector: Any) -> None:
        """Removes a collector registered before; ValueError when it is not."""
        with self._lock:
            for i, c in enumerate(self._collectors):
                if c is collector:
                    del self._collectors[i]
                    return
        raise ValueError("MetricsRegistry.unregister: collector is not registered")

    def collect(self) -> List[MetricFamily]:
        """The families of every collector, in order (a collector's exception propagates)."""
        with self._lock:
            collectors = list(self._collectors)
        out: List[MetricFamily] = []
        for c in collectors:
            if isinstance(c, MetricFamily):
                out.append(c)
            elif callable(getattr(c, "collect", None)):
                out.extend(_families(c.collect(), f"{type(c).__name__}.collect()"))
            else:
                out.extend(_families(c(), getattr(c, "__name__", "collector") + "()"))
        return out

    def to_prometheus_text(self) -> str:
        return to_prometheus_text(self.collect())

    def to_openmetrics(self) -> str:
        return to_openmetrics(self.collect())

    def render(self, accept: str = "") -> Tuple[str, bytes]:
        """``(content_type, body)`` for an HTTP Accept header."""
        return render_metrics(accept, self.collect())

    def __len__(self) -> int:
        with self._lock:
            return len(self._collectors)

    def __repr__(self) -> str:
        return f"<MetricsRegistry {len(self)} collectors>"


def _collector_of(source: Any) -> Callable[[], List[MetricFamily]]:
    if isinstance(source, MetricsRegistry) or callable(getattr(source, "collect", None)):
        return lambda: _families(source.collect(), "collect()")
    if isinstance(source, MetricFamily):
        return lambda: [source]
    if callable(source):
        return lambda: _families(source(), getattr(source, "__name__", "source") + "()")
    if hasattr(source, "__iter__") and not isinstance(source, (str, bytes)):
        fixed = _families(source, "source")
        return lambda: fixed
    raise ValueError("serve_metrics: source must be a MetricsRegistry, a callable returning metric families, a "
                     f"MetricFamily or a list of them, got {type(source).__name__}")


class MetricsServer:
    """A running ``/metrics`` endpoint (see :func:`serve_metrics`); ``close()`` stops it."""

    def __init__(self, httpd: ThreadingHTTPServer, thread: threading.Thread, path: str) -> None:
        self._httpd = httpd
        self._thread = thread
        self.path = path
        self.address: str = httpd.server_address[0]
        self.port: int = httpd.server_address[1]
        self._closed = False

    @property
    def url(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"http://{host}:{self.port}{self.path}"

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Stops serving and closes the socket (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def __enter__(self) -> "MetricsServer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<MetricsServer {self.url}{' closed' if self._closed else ''}>"


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler for our small endpoints: GET and HEAD call ``_respond(with_body)``,
    other methods get 405, and requests are not logged (scrapes come every few seconds)."""

    server_version = "driftscope"

    def _respond(self, with_body: bool) -> None:
        raise NotImplementedError

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._respond(True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(False)

    def _not_allowed(self) -> None:
        self.send_response(405)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT = do_DELETE = do_PATCH = _not_allowed

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass


def serve_http(handler: type, port: int, addr: str, path: str, thread_name: str) -> MetricsServer:
    """Serves ``handler`` on ``addr:port`` (IPv6 when the address has a colon) from a daemon
    thread; the returned server reports ``path`` as its URL."""

    class _Server(ThreadingHTTPServer):
        daemon_threads = True
        address_family = socket.AF_INET6 if ":" in addr else socket.AF_INET

    httpd = _Server((addr, port), handler)
    thread = threading.Thread(target=httpd.serve_forever, name=f"{thread_name}:{httpd.server_address[1]}", daemon=True)
    thread.start()
    return MetricsServer(httpd, thread, path)


def serve_metrics(source: Source, port: int = 0, addr: str = "127.0.0.1", path: str = "/metrics") -> MetricsServer:
    """Serves ``GET <path>`` (default ``/metrics``) on ``addr:port`` from a daemon thread.

    ``source``: a :class:`MetricsRegistry` (or any object with ``collect()``), a callable
    returning metric families (called at every scrape), a :class:`MetricFamily` or a list
    of them. ``port=0`` picks a free port (see ``server.port``). The response is OpenMetrics
    1.0 when the request's Accept header asks for ``application/openmetrics-text`` (as a
    Prometheus server does), else the Prometheus text format 0.0.4; gzip-compressed when the
    client accepts gzip. Other paths answer 404, other methods 405; a collector that raises
    gives a 500 with the error message. Returns a :class:`MetricsServer` (``.port``,
    ``.url``, ``.close()``; also a context manager). The default address is loopback: pass
    ``addr="0.0.0.0"`` deliberately to expose it.
    """
    if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
        raise ValueError(f"serve_metrics: port must be an int in [0, 65535], got {port!r}")
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValueError(f"serve_metrics: path must be a str starting with '/', got {path!r}")
    collect = _collector_of(source)

    class _Handler(QuietHandler):
        def _respond(self, with_body: bool) -> None:
            if self.path.split("?", 1)[0] != path:
                self._plain(404, f"not found: try {path}\n", with_body)
                return
            try:
                content_type, body = render_metrics(self.headers.get("Accept", ""), collect())
            except Exception as e:  # noqa: BLE001 - a scrape must get an answer, not a dropped connection
                self._plain(500, f"error collecting metrics: {type(e).__name__}: {e}\n", with_body)
                return
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            if "gzip" in self.headers.get("Accept-Encoding", ""):
                body = gzip.compress(body)
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if with_body:
                self.wfile.write(body)

        def _plain(self, code: int, text: str, with_body: bool) -> None:
            data = text.encode("utf-8")
            self.send_response(code)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if with_body:
                self.wfile.write(data)

    return serve_http(_Handler, port, addr, path, "driftscope-metrics")


class PrometheusCollector:
    """Our families as a ``prometheus_client`` collector::

        from prometheus_client import REGISTRY
        REGISTRY.register(PrometheusCollector(registry))   # a MetricsRegistry, callable, ...

    ``collect()`` converts each :class:`MetricFamily` into a ``prometheus_client``
    ``Metric`` with the same name, type, help, unit and samples (OpenMetrics naming;
    timestamps as ``prometheus_client.samples.Timestamp``). ``prometheus_client`` is imported
    here, not when driftscope is: ImportError with an install hint when it is missing.
    ``describe()`` returns nothing, so registering does not call the source.
    """

    def __init__(self, source: Source) -> None:
        try:
            import prometheus_client  # noqa: F401
        except ImportError as e:  # pragma: no cover - exercised only without the package
            raise ImportError("PrometheusCollector needs prometheus_client: pip install prometheus-client") from e
        self._collect = _collector_of(source)

    def describe(self) -> List[Any]:
        return []

    def collect(self) -> Iterator[Any]:
        from prometheus_client.metrics_core import Metric
        from prometheus_client.samples import Timestamp

        for fam in self._collect():
            m = Metric(fam.name, fam.help, fam.type, fam.unit)
            for name, labels, value, ts in fam.samples:
                stamp = None if ts is None else Timestamp(ts // 1_000_000_000, ts % 1_000_000_000)
                m.add_sample(name, labels, value, stamp)
            yield m
