#!/usr/bin/env python3
"""Generates tests/cpp/data/binary_detector_fixtures.inc: river.drift.binary's DDM, EDDM,
HDDMA, HDDMW and FHDDM drift and warning positions on seeded 0/1 streams, for
tests/cpp/test_detect_binary.cpp.

    .venv/bin/python tests/cpp/data/gen_binary_detector_fixtures.py
"""
import pathlib
import random
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from detector_fixture_util import bernoulli, cxx_ints, header, run  # noqa: E402
from river.drift import binary  # noqa: E402


def docstring_stream(k1=1000, k2=1000, weights=(0.3, 0.7)):
    """river's docstring stream: random.Random(42), a fair coin, then a biased one."""
    rng = random.Random(42)
    return [float(v) for v in rng.choices([0, 1], k=k1) + rng.choices([0, 1], k=k2, weights=list(weights))]


STREAMS = {
    "docstring": docstring_stream(),
    "fhddm_docstring": docstring_stream(250, 250, (0.9, 0.1)),
    "jump_up": list(bernoulli(1, [(1500, 0.1), (1500, 0.5)])),
    "jump_down_up": list(bernoulli(2, [(800, 0.4), (800, 0.05), (800, 0.6)])),
    "ramp_like": list(bernoulli(3, [(500, 0.05), (500, 0.15), (500, 0.3), (500, 0.5), (500, 0.8)])),
    "all_ones_then_zeros": [1.0] * 300 + [0.0] * 300 + [1.0] * 300,
}

# (detector, C++ params struct fields, river kwargs)
CASES = [
    ("ddm", {}, ["docstring", "jump_up", "jump_down_up", "ramp_like", "all_ones_then_zeros"]),
    ("ddm", {"warm_start": 5, "warning_threshold": 1.5, "drift_threshold": 2.5}, ["jump_up", "ramp_like"]),
    ("eddm", {}, ["docstring", "jump_up", "jump_down_up", "ramp_like", "all_ones_then_zeros"]),
    ("eddm", {"alpha": 0.8, "beta": 0.75}, ["docstring", "jump_up"]),
    ("eddm", {"warm_start": 10, "alpha": 0.9, "beta": 0.85}, ["ramp_like", "jump_down_up"]),
    ("hddm_a", {}, ["docstring", "jump_up", "jump_down_up", "ramp_like", "all_ones_then_zeros"]),
    ("hddm_a", {"drift_confidence": 0.01, "warning_confidence": 0.05, "two_sided_test": True}, ["jump_down_up", "all_ones_then_zeros"]),
    ("hddm_w", {}, ["docstring", "jump_up", "jump_down_up", "ramp_like", "all_ones_then_zeros"]),
    ("hddm_w", {"lambda_val": 0.1, "two_sided_test": True}, ["jump_down_up", "all_ones_then_zeros"]),
    ("fhddm", {}, ["fhddm_docstring", "docstring", "jump_up", "jump_down_up", "all_ones_then_zeros"]),
    ("fhddm", {"short_window_size": 20}, ["fhddm_docstring", "jump_down_up"]),
    ("fhddm", {"sliding_window_size": 30, "confidence_level": 0.001, "short_window_size": 30}, ["ramp_like", "jump_down_up"]),
]

RIVER = {"ddm": binary.DDM, "eddm": binary.EDDM, "hddm_a": binary.HDDMA, "hddm_w": binary.HDDMW, "fhddm": binary.FHDDM}
DEFAULTS = {
    "ddm": {"warm_start": 30, "warning_threshold": 2.0, "drift_threshold": 3.0},
    "eddm": {"warm_start": 30, "alpha": 0.95, "beta": 0.9},
    "hddm_a": {"drift_confidence": 0.001, "warning_confidence": 0.005, "two_sided_test": False},
    "hddm_w": {"drift_confidence": 0.001, "warning_confidence": 0.005, "lambda_val": 0.05, "two_sided_test": False},
    "fhddm": {"sliding_window_size": 100, "confidence_level": 0.000001, "short_window_size": None},
}


def cxx_value(v):
    if v is None:
        return "0"
    if isinstance(v, bool):
        return "1" if v else "0"
    return repr(v)


lines = [header("gen_binary_detector_fixtures.py",
                "{detector, name, p[4] (the constructor's arguments in order; None/False = 0), stream, drifts, warnings}")]
lines.append("const binary_stream binary_streams[] = {")
for name, x in STREAMS.items():
    bits = "".join("1" if v == 1.0 else "0" for v in x)
    lines.append(f'    {{"{name}", "{bits}"}},')
lines.append("};\n")
lines.append("const binary_case binary_cases[] = {")
for det, p, names in CASES:
    q = {**DEFAULTS[det], **p}
    args = ", ".join(cxx_value(v) for v in q.values())
    args += ", 0" * (4 - len(q))
    for s in names:
        d, w = run(RIVER[det](**p), STREAMS[s])
        label = det + "(" + ",".join(f"{k}={v}" for k, v in p.items()) + ")/" + s
        lines.append(f'    {{"{det}", "{label}", {{{args}}}, "{s}",\n     {cxx_ints(d)},\n     {cxx_ints(w)}}},')
lines.append("};\n")
(pathlib.Path(__file__).parent / "binary_detector_fixtures.inc").write_text("\n".join(lines))
