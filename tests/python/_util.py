"""Helpers shared by the test modules (imported as a plain module: tests/python is on sys.path)."""

import pathlib
import warnings

import numpy as np

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]


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
