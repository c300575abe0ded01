"""Helpers shared by the test modules (imported as a plain module: tests/python is on sys.path)."""

import pathlib
import warnings

import numpy as np
from hypothesis import strategies as st

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]


def load_script(relative_path):
    """Imports a script of the repository (e.g. "benchmarks/concept_scenarios.py") as a module."""
    import importlib.util
    import sys

    path = REPO_ROOT / relative_path
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up while the file runs
    spec.loader.exec_module(mod)
    return mod


def quiet(fn, *args, **kwargs):
    """Call a reference implementation (scipy) with its own warnings silenced.

    Our code runs under filterwarnings=error; scipy's advisory warnings (e.g. its
    small-sample notes) are not what is being tested.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def assert_close(actual, expected, rtol, atol=0.0, what="value"):
    """Relative tolerance with an absolute floor; NaN equals NaN; infinities must match exactly."""
    a = float(actual)
    e = float(expected)
    if np.isnan(e):
        assert np.isnan(a), f"{what}: expected NaN, got {a!r}"
        return
    if np.isinf(e):
        assert a == e, f"{what}: expected {e!r}, got {a!r}"
        return
    assert abs(a - e) <= max(rtol * abs(e), atol), f"{what}: got {a!r}, expected {e!r} (rtol={rtol}, atol={atol})"


@st.composite
def sample(draw, min_size=1, max_size=40):
    """A 1-D float64 sample from one of several 'kinds' of data (ties, wide range, extremes)."""
    kind = draw(st.sampled_from(["ties", "floats", "wide", "huge", "tiny", "constant"]))
    n = draw(st.integers(min_size, max_size))
    if kind == "ties":
        elems = st.integers(-3, 3).map(float)
    elif kind == "floats":
        elems = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
    elif kind == "wide":
        elems = st.floats(allow_nan=False, allow_infinity=False, width=64)
    elif kind == "huge":
        elems = st.integers(-9, 9).map(lambda k: k * 1e300)
    elif kind == "tiny":
        elems = st.integers(-9, 9).map(lambda k: k * 1e-300)
    else:
        c = draw(st.floats(-10, 10, allow_nan=False))
        elems = st.just(c)
    return np.array(draw(st.lists(elems, min_size=n, max_size=n)), dtype=np.float64)
