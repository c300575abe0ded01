"""Time-based alert rules that do not flap, and their Prometheus export.

An :class:`AlertRule` watches one metric (a drift score, a missing share, a mean, ...) with
a warning and / or an alarm level. Each level is a fire level, or a ``(fire, clear)`` pair
for hysteresis: once an alert is pending or firing, it stays active until the value
crosses the clear level, so a value oscillating around the fire level does not end and
restart it. ``condition`` says what is compared:

* ``"above"``: value > level; ``"below"``: value < level (p-values; clear >= fire);
* ``"outside_band"`` (``low``, ``high``): outside [low - level, high + level] (level = margin);
* ``"relative_to_reference"`` (``reference``, ``side="over"`` | ``"under"``): more than
  ``level`` over (under) the reference, e.g. a missing share 0.10 over the reference's;
* ``"sigma_band"`` (``reference`` = mean, ``reference_sd``): |value - mean| > level * sd.

:class:`AlertTracker` runs one rule's state machine inactive -> pending -> firing ->
resolved with Prometheus' semantics (``rules/alerting.go``): an alert is pending from the
first evaluation where the condition holds and fires at the first evaluation where
``timestamp - active_since >= for_duration``; a pending alert whose condition fails is
dropped; a firing one keeps firing while ``timestamp - keep_since < keep_firing_for``,
``keep_since`` being the first evaluation where the condition failed. NaN is "no data":
the condition is false (an absent series in Prometheus).

Time: timestamps are int nanoseconds or ``numpy.datetime64`` and must not decrease;
durations (``for_duration``, ``keep_firing_for``) are int nanoseconds, ``datetime.timedelta``,
``numpy.timedelta64`` or a Prometheus duration string (``"5m"``, ``"1h30m"``); properties
return int nanoseconds.

:func:`to_prometheus_yaml` writes the rules as a Prometheus (>= 2.42) alerting-rule file:
one alert per severity (label ``severity: warning | critical``) with ``for``,
``keep_firing_for``, labels, annotations and the hysteresis as
``x > fire or (x > clear and on() ALERTS{alertname=..., severity=..., alertstate=~"firing|pending"})``.
The thresholds are printed exactly, so Prometheus fires at the same evaluations as
:class:`AlertTracker` (checked with ``promtool test rules`` in the test suite).

Example::

    from driftscope.monitor import AlertRule, AlertTracker, to_prometheus_yaml

    rule = AlertRule("age_psi", warning=(0.10, 0.08), alarm=(0.25, 0.20),
                     for_duration="5m", keep_firing_for="10m", summary="age drifted")
    tracker = AlertTracker(rule, on_event=print)
    tracker.observe(0.31, timestamp=1_700_000_000_000_000_000)
    open("driftscope-alerts.yml", "w").write(to_prometheus_yaml([rule]))
"""

from __future__ import annotations

from ._core import AlertEvent, AlertRule, AlertTracker, parse_prometheus_duration, to_prometheus_yaml

__all__ = ["AlertRule", "AlertTracker", "AlertEvent", "to_prometheus_yaml", "parse_prometheus_duration"]
