"""The canary judge over HTTP, for rollout controllers (issue 8 section 5).

:class:`JudgeEndpoint` serves the latest :class:`~driftscope.deploy.JudgeResult` that the
analysis loop publishes:

* ``GET /canary`` — the result as JSON (``JudgeResult.to_json()`` plus ``canary``,
  ``intervals`` and ``updated``), 200; 503 before the first result. Argo Rollouts' ``web``
  metric provider reads it with ``jsonPath: "{$.score}"`` and a ``successCondition`` such as
  ``result >= 95`` (examples/argo-rollouts/).
* ``GET /canary/gate`` — the same body, 200 when the verdict passes the gate (``gate="pass"``:
  only pass; ``gate="marginal"``: pass or marginal), 412 otherwise, 503 before the first
  result: a Flagger ``rollout`` webhook counts any non-2xx answer as a failed check
  (examples/flagger/).
* ``GET /metrics`` — the result as Prometheus / OpenMetrics families
  (``driftscope_canary_score{canary=...}`` and the rest of
  ``include/driftscope/deploy/canary_exposition.hpp``), for a Flagger MetricTemplate with the
  prometheus provider, alerts and dashboards.

The default address is loopback; pass ``addr="0.0.0.0"`` deliberately to expose it.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any, Optional

from ._core import JudgeResult
from ._exposition import MetricsServer, QuietHandler, render_metrics, serve_http

__all__ = ["JudgeEndpoint"]

_GATES = {"pass": ("pass",), "marginal": ("pass", "marginal")}


class JudgeEndpoint:
    """An HTTP endpoint serving the latest canary judgement (see the module docstring).

    ``publish(result)`` after each analysis interval; ``url`` is the JSON endpoint's address;
    ``close()`` stops the server (also a context manager).
    """

    def __init__(self, canary: str = "canary", port: int = 0, addr: str = "127.0.0.1", gate: str = "pass") -> None:
        if not isinstance(canary, str) or not canary:
            raise ValueError(f"JudgeEndpoint: canary must be a non-empty str, got {canary!r}")
        if gate not in _GATES:
            raise ValueError(f"JudgeEndpoint: gate must be 'pass' or 'marginal', got {gate!r}")
        if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
            raise ValueError(f"JudgeEndpoint: port must be an int in [0, 65535], got {port!r}")
        self.canary = canary
        self.gate = gate
        self._lock = threading.Lock()
        self._result: Optional[JudgeResult] = None
        self._body = b""
        self._intervals = 0
        self._server = self._start(port, addr)

    # -- the analysis loop's side -------------------------------------------------------
    def publish(self, result: JudgeResult) -> None:
        """Makes ``result`` the one served (thread-safe)."""
        if not isinstance(result, JudgeResult):
            raise ValueError(f"JudgeEndpoint.publish: result must be a JudgeResult, got {type(result).__name__}")
        doc = result.to_dict()
        with self._lock:
            self._intervals += 1
            doc.update({"canary": self.canary, "intervals": self._intervals, "updated": time.time()})
            self._result = result
            self._body = json.dumps(doc).encode("utf-8")

    @property
    def result(self) -> Optional[JudgeResult]:
        with self._lock:
            return self._result

    # -- the server ---------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._server.port

    @property
    def url(self) -> str:
        """The JSON endpoint (``.../canary``)."""
        return self._server.url

    def close(self) -> None:
        self._server.close()

    def __enter__(self) -> "JudgeEndpoint":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<JudgeEndpoint {self.url} canary={self.canary!r} intervals={self._intervals}>"

    def _start(self, port: int, addr: str) -> MetricsServer:
        endpoint = self

        class _Handler(QuietHandler):
            def _send(self, code: int, content_type: str, body: bytes, with_body: bool) -> None:
                self.send_response(code)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                if with_body:
                    self.wfile.write(body)

            def _respond(self, with_body: bool) -> None:
                path = self.path.split("?", 1)[0]
                with endpoint._lock:
                    result, body = endpoint._result, endpoint._body
                if path == "/metrics":
                    families = [] if result is None else result.metric_families(endpoint.canary)
                    content_type, text = render_metrics(self.headers.get("Accept", ""), families)
                    self._send(200, content_type, text, with_body)
                    return
                if path not in ("/canary", "/canary/gate"):
                    self._send(404, "text/plain; charset=utf-8", b"not found: try /canary, /canary/gate, /metrics\n",
                               with_body)
                    return
                if result is None:
                    self._send(503, "application/json", b'{"error": "no canary analysis yet"}', with_body)
                    return
                code = 200
                if path == "/canary/gate" and result.verdict not in _GATES[endpoint.gate]:
                    code = 412
                self._send(code, "application/json", body, with_body)

            # Flagger's webhooks POST a JSON payload; the gate answers them like a GET
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                self._respond(True)

        return serve_http(_Handler, port, addr, "/canary", "driftscope-canary")
