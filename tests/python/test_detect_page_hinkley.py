"""driftscope.drift.PageHinkley against river.drift.PageHinkley: same detections, always."""

import importlib
import pickle

import numpy as np
import pytest

from _detectors import REAL_KINDS, ours_loop, ours_many, river_run, split_restore_run, streams

river_drift = importlib.import_module("river.drift")
from driftscope import drift  # noqa: E402

PARAMS = [
    {},
    {"min_instances": 10, "delta": 0.01, "threshold": 5.0},
    {"threshold": 20.0, "alpha": 0.99, "mode": "up"},
    {"threshold": 10.0, "mode": "down", "delta": 0.0},
    {"min_instances": 1, "threshold": 1.0, "alpha": 1.0},
]


def test_river_docstring_example():
    import random

    rng = random.Random(12345)
    data = rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)
    assert ours_loop(drift.PageHinkley(), data)[0] == [1006]
    assert river_run(river_drift.PageHinkley(), data)[0] == [1006]


@pytest.mark.parametrize("params", PARAMS, ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()) or "defaults")
def test_parity_random_streams(params):
    for name, x in streams(REAL_KINDS, 60, seed=len(str(params))):
        if "threshold" not in params and "binary" not in name:
            x = x * 30.0 if x.dtype == np.float64 else x  # give the default threshold something to find
        expected = river_run(river_drift.PageHinkley(**params), x)
        assert ours_many(drift.PageHinkley(**params), x) == expected, name
        if name.endswith(("#0", "#1", "#2")):
            assert ours_loop(drift.PageHinkley(**params), x) == expected, name


def test_split_restore_continues_exactly():
    rng = np.random.default_rng(7)
    for _, x in streams(REAL_KINDS, 20, seed=3):
        x = np.asarray(x, dtype=np.float64) * 10
        whole = ours_many(drift.PageHinkley(threshold=5.0), x)
        cuts = rng.integers(0, len(x), size=3).tolist()
        for via in ("pickle", "bytes"):
            assert split_restore_run(lambda: drift.PageHinkley(threshold=5.0), x, cuts, via) == whole


def test_state_and_reset():
    d = drift.PageHinkley(min_instances=3)
    d.update_many(np.array([1.0, 2.0, 3.0]))
    assert d.n == 3 and d.mean == 2.0
    assert d.warning_detected is False
    d.reset()
    assert d.n == 0 and d.drift_detected is False
    assert repr(drift.PageHinkley()) == "PageHinkley(min_instances=30, delta=0.005, threshold=50.0, alpha=0.9999, mode='both')"
    c = pickle.loads(pickle.dumps(d))
    assert c.min_instances == 3


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"min_instances": 0}, "min_instances"),
        ({"delta": -1.0}, "delta"),
        ({"threshold": 0.0}, "threshold"),
        ({"alpha": 1.5}, "alpha"),
        ({"mode": "sideways"}, "mode"),
        ({"nonfinite": "ignore"}, "nonfinite"),
    ],
)
def test_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        drift.PageHinkley(**kwargs)


def test_nonfinite_policy():
    d = drift.PageHinkley()
    with pytest.raises(ValueError, match="finite"):
        d.update(float("nan"))
    with pytest.raises(ValueError, match=r"x\[1\]"):
        d.update_many(np.array([1.0, np.inf]))
    skip = drift.PageHinkley(min_instances=1, threshold=1.0, nonfinite="skip")
    plain = drift.PageHinkley(min_instances=1, threshold=1.0)
    x = np.concatenate([np.zeros(50), np.full(50, 5.0)])
    with_nan = np.insert(x, [10, 60, 60], np.nan)
    got = skip.update_many(with_nan).drifts.tolist()
    exp = plain.update_many(x).drifts.tolist()
    # positions refer to the array given, NaNs included
    kept = np.flatnonzero(~np.isnan(with_nan))
    assert got == kept[exp].tolist()


def test_corrupt_bytes():
    b = drift.PageHinkley().to_bytes()
    with pytest.raises(ValueError, match="magic"):
        drift.PageHinkley.from_bytes(b"XXXX" + b[4:])
    with pytest.raises(ValueError, match="truncated"):
        drift.PageHinkley.from_bytes(b[:-1])
    with pytest.raises(ValueError, match="trailing"):
        drift.PageHinkley.from_bytes(b + b"\0")
