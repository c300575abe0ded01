"""Alert rules from a file (``driftscope watch --rules rules.yaml``).

The file is YAML (needs PyYAML: ``pip install driftscope[yaml]``) or JSON: a list of rules, or
a mapping with the list under ``rules``. Each rule is a mapping with the keyword arguments of
:class:`driftscope.monitor.AlertRule`, where ``for`` may stand for ``for_duration`` as in a
Prometheus rule file::

    rules:
      - metric: "temperature_c:missing_share"
        condition: relative_to_reference   # above (default), below, outside_band, sigma_band
        alarm: [0.10, 0.08]                # fire level, or [fire, clear] for hysteresis
        for: 2m
        keep_firing_for: 5m
        summary: the sensor sends missing readings
      - metric: "latency:p99"
        warning: 0.25

A ``relative_to_reference`` or ``sigma_band`` rule without reference values takes them from
the reference data of the stage it watches.
"""

from __future__ import annotations

import json
from typing import Any, List

from ._core import AlertRule

__all__ = ["load_rules", "parse_rules"]

_KEYS = {"metric", "condition", "warning", "alarm", "for_duration", "keep_firing_for", "name", "low", "high",
         "reference", "reference_sd", "side", "summary", "labels", "annotations"}


def _level(v: Any) -> Any:
    return tuple(v) if isinstance(v, list) else v


def parse_rules(doc: Any, source: str = "rules") -> List[AlertRule]:
    """AlertRules from a parsed document (see the module docstring); ValueError naming the
    rule's position and the problem."""
    if isinstance(doc, dict):
        if set(doc) != {"rules"}:
            raise ValueError(f"{source}: expected a list of rules or a mapping with only 'rules', got keys {sorted(doc)}")
        doc = doc["rules"]
    if not isinstance(doc, list):
        raise ValueError(f"{source}: expected a list of rules, got {type(doc).__name__}")
    rules = []
    for i, r in enumerate(doc):
        where = f"{source}: rule {i + 1}"
        if not isinstance(r, dict):
            raise ValueError(f"{where}: expected a mapping, got {type(r).__name__}")
        r = dict(r)
        if "for" in r:
            if "for_duration" in r:
                raise ValueError(f"{where}: give 'for' or 'for_duration', not both")
            r["for_duration"] = r.pop("for")
        unknown = sorted(set(r) - _KEYS)
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(_KEYS | {'for'}))})")
        if "metric" not in r:
            raise ValueError(f"{where}: 'metric' is required")
        for k in ("warning", "alarm"):
            if k in r:
                r[k] = _level(r[k])
        if isinstance(r.get("for_duration"), (int, float)) and not isinstance(r.get("for_duration"), bool):
            raise ValueError(f"{where}: give durations as strings with a unit, e.g. '2m', got {r['for_duration']!r}")
        try:
            rules.append(AlertRule(**r))
        except (TypeError, ValueError) as e:
            raise ValueError(f"{where} ({r['metric']}): {e}") from None
    return rules


def load_rules(path: str) -> List[AlertRule]:
    """AlertRules from a .yaml / .yml (PyYAML) or .json file."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise ValueError(f"{path}: cannot read ({e.strerror})") from None
    if path.endswith(".json"):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}: invalid JSON ({e})") from None
    else:
        try:
            import yaml
        except ImportError:
            raise ValueError(f"{path}: reading YAML needs PyYAML (pip install PyYAML), or give the rules as .json") from None
        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as e:
            raise ValueError(f"{path}: invalid YAML ({e})") from None
    return parse_rules(doc, path)
