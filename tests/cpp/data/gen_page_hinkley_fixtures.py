#!/usr/bin/env python3
"""Generates tests/cpp/data/page_hinkley_fixtures.inc: river.drift.PageHinkley's
detections on seeded streams, for tests/cpp/test_detect_page_hinkley.cpp.

    .venv/bin/python tests/cpp/data/gen_page_hinkley_fixtures.py
"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from detector_fixture_util import cxx_doubles, cxx_ints, gaussian, header, run  # noqa: E402
from river import drift  # noqa: E402

CASES = [
    ("defaults_mean_up", {}, gaussian(1, [(1000, 0, 1), (1000, 40, 1)])),
    ("defaults_mean_down", {}, gaussian(2, [(800, 0, 5), (800, -60, 5)])),
    ("small_threshold", {"min_instances": 10, "threshold": 5.0, "delta": 0.01}, gaussian(3, [(500, 0, 1), (500, 2, 1), (500, 0, 1)])),
    ("up_only", {"threshold": 8.0, "mode": "up"}, gaussian(4, [(400, 0, 1), (400, -3, 1), (400, 3, 1)])),
    ("down_only", {"threshold": 8.0, "mode": "down", "alpha": 0.999}, gaussian(5, [(400, 0, 1), (400, 3, 1), (400, -3, 1)])),
]
MODES = {"up": 0, "down": 1, "both": 2}

lines = [header("gen_page_hinkley_fixtures.py", "{name, min_instances, delta, threshold, alpha, mode, x, drifts}")]
lines.append("const ph_case ph_cases[] = {")
for name, p, x in CASES:
    q = {"min_instances": 30, "delta": 0.005, "threshold": 50.0, "alpha": 1 - 0.0001, "mode": "both", **p}
    d, _ = run(drift.PageHinkley(**p), x)
    lines.append(f'    {{"{name}", {q["min_instances"]}, {q["delta"]!r}, {q["threshold"]!r}, {q["alpha"]!r}, {MODES[q["mode"]]},\n'
                 f"     {cxx_doubles(x)},\n     {cxx_ints(d)}}},")
lines.append("};\n")
(pathlib.Path(__file__).parent / "page_hinkley_fixtures.inc").write_text("\n".join(lines))
