"""driftscope.drift.binary's DDM, EDDM, HDDM_A, HDDM_W, FHDDM against river.drift.binary's
DDM, EDDM, HDDMA, HDDMW, FHDDM: the same drift and warning positions, always."""

import importlib
import copy
import pickle
import random
import zlib

import numpy as np
import pytest

from _detectors import BINARY_KINDS, ours_loop, ours_many, river_run, split_restore_run, streams

river_binary = importlib.import_module("river.drift.binary")
from driftscope.drift import binary  # noqa: E402

RIVER = {
    "DDM": river_binary.DDM,
    "EDDM": river_binary.EDDM,
    "HDDM_A": river_binary.HDDMA,
    "HDDM_W": river_binary.HDDMW,
    "FHDDM": river_binary.FHDDM,
}

# Defaults and non-default values of every argument; 4 settings x 60 streams = 240 random
# streams per detector.
PARAMS = {
    "DDM": [
        {},
        {"warm_start": 5, "warning_threshold": 1.5, "drift_threshold": 2.5},
        {"warm_start": 100, "warning_threshold": 2.5, "drift_threshold": 4.0},
        {"warm_start": 0, "warning_threshold": 1.0, "drift_threshold": 1.0},
    ],
    "EDDM": [
        {},
        {"alpha": 0.8, "beta": 0.75},
        {"warm_start": 5, "alpha": 0.99, "beta": 0.95},
        {"warm_start": 0, "alpha": 0.9, "beta": 0.9},
    ],
    "HDDM_A": [
        {},
        {"two_sided_test": True},
        {"drift_confidence": 0.01, "warning_confidence": 0.05, "two_sided_test": True},
        {"drift_confidence": 0.0001, "warning_confidence": 0.0001},
    ],
    "HDDM_W": [
        {},
        {"two_sided_test": True},
        {"drift_confidence": 0.01, "warning_confidence": 0.1, "lambda_val": 0.2, "two_sided_test": True},
        {"drift_confidence": 0.05, "warning_confidence": 0.2, "lambda_val": 0.5},
    ],
    "FHDDM": [
        {},
        {"short_window_size": 20},
        {"sliding_window_size": 30, "confidence_level": 0.001, "short_window_size": 30},
        {"sliding_window_size": 10, "confidence_level": 0.1, "short_window_size": 3},
    ],
}
CASES = [(name, p) for name, ps in PARAMS.items() for p in ps]


def case_id(case):
    name, p = case
    return name + "(" + ",".join(f"{k}={v}" for k, v in p.items()) + ")"


def docstring_stream(k1=1000, k2=1000, weights=(0.3, 0.7)):
    rng = random.Random(42)
    return rng.choices([0, 1], k=k1) + rng.choices([0, 1], k=k2, weights=list(weights))


def printed(detector, data):
    """What river's docstring loops print: the first warning after each drift, the drifts."""
    out, print_warning = [], True
    for i, x in enumerate(data):
        detector.update(x)
        if detector.warning_detected and print_warning:
            out.append(("warning", i))
            print_warning = False
        if detector.drift_detected:
            out.append(("drift", i))
            print_warning = True
    return out


@pytest.mark.parametrize(
    "name, params, expected",
    [
        ("DDM", {}, [("warning", 1084), ("drift", 1334), ("warning", 1492)]),
        ("EDDM", {"alpha": 0.8, "beta": 0.75}, [("warning", 1059), ("drift", 1278)]),
        ("HDDM_A", {}, [("warning", 451), ("drift", 1206)]),
        ("HDDM_W", {}, [("warning", 451), ("drift", 1077)]),
    ],
)
def test_river_docstring_examples(name, params, expected):
    data = docstring_stream()
    assert printed(getattr(binary, name)(**params), data) == expected
    assert printed(RIVER[name](**params), data) == expected


def test_river_docstring_example_fhddm():
    # river's docstring runs the plain and the stacking variant side by side
    data = docstring_stream(250, 250, (0.9, 0.1))
    for plain, stacking in ((binary.FHDDM(), binary.FHDDM(short_window_size=20)),
                            (river_binary.FHDDM(), river_binary.FHDDM(short_window_size=20))):
        hits = []
        for i, x in enumerate(data):
            plain.update(x)
            stacking.update(x)
            if plain.drift_detected or stacking.drift_detected:
                hits.append(i)
        assert hits == [279, 315]


def river_test_streams():
    """The streams of river's own drift-detector tests (river/drift/test_drift_detectors.py)."""
    np.random.seed(12345)
    s2 = np.concatenate([[np.random.binomial(1, 0.2) for _ in range(1000)], [np.random.binomial(1, 0.8) for _ in range(1000)]])
    np.random.seed(12345)
    s3 = np.concatenate([np.random.normal(m, 0.1, 500) > 0 for m in (0.0, 0.25, 0.0, 0.25)]).astype(int)
    return {"stream_2": s2.astype(int), "stream_3": s3}


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_river_test_streams(case):
    name, p = case
    for sname, s in river_test_streams().items():
        expected = river_run(RIVER[name](**p), s)
        assert ours_many(getattr(binary, name)(**p), s) == expected, sname
        assert ours_many(getattr(binary, name)(**p), s.astype(bool)) == expected, sname


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_parity_random_streams(case):
    name, p = case
    ours = getattr(binary, name)
    checked = 0
    for sname, x in streams(BINARY_KINDS, 60, seed=zlib.crc32(case_id(case).encode()), n_min=200, n_max=3000):
        expected = river_run(RIVER[name](**p), x)
        assert ours_many(ours(**p), x) == expected, sname
        if sname.endswith(("#0", "#1", "#2")):
            assert ours_loop(ours(**p), x) == expected, sname
        checked += 1
    assert checked == 60


@pytest.mark.parametrize("name", list(PARAMS))
def test_parity_long_stationary_streams(name):
    """Long stretches at one error rate: DDM's warnings switch on and off, EDDM's and the
    HDDMs' statistics sit near their bounds for long, where the fast paths hand over to
    river's exact formulas."""
    rng = np.random.default_rng(99)
    for k, p_err in enumerate((0.02, 0.3, 0.5, 0.85)):
        x = (rng.random(20_000) < p_err).astype(np.float64)
        x[12_000:] = (rng.random(8_000) < min(1.0, p_err * 1.3)).astype(np.float64)
        p = PARAMS[name][k % 2]
        assert ours_many(getattr(binary, name)(**p), x) == river_run(RIVER[name](**p), x), (p_err, p)


@pytest.mark.parametrize("name", list(PARAMS))
def test_split_restore_continues_exactly(name):
    rng = np.random.default_rng(11)
    p = PARAMS[name][2]
    make = lambda: getattr(binary, name)(**p)  # noqa: E731
    found = 0
    for _, x in streams(BINARY_KINDS, 12, seed=5, float32=False):
        whole = ours_many(make(), x)
        found += len(whole[0])
        cuts = rng.integers(0, len(x), size=3).tolist()
        if whole[0]:
            cuts.append(whole[0][0] + 1)  # right after a drift: the reset is pending
        for via in ("pickle", "bytes"):
            assert split_restore_run(make, x, cuts, via) == whole
    assert found > 0


def test_update_takes_python_bools_and_ints():
    x = docstring_stream()
    for name, cls in RIVER.items():
        as_float = ours_many(getattr(binary, name)(), np.asarray(x, dtype=np.float64))
        d = getattr(binary, name)()
        drifts, warnings = [], []
        for i, v in enumerate(x):
            d.update(bool(v) if i % 2 else v)
            if d.drift_detected:
                drifts.append(i)
            elif d.warning_detected:
                warnings.append(i)
        assert (drifts, warnings) == as_float, name
        assert ours_many(getattr(binary, name)(), np.asarray(x, dtype=bool)) == as_float, name
        assert ours_many(getattr(binary, name)(), np.asarray(x, dtype=np.int8)) == as_float, name
        assert ours_many(getattr(binary, name)(), x) == as_float, name


def test_state_and_reset():
    d = binary.DDM(warm_start=2)
    assert d.p_min is None and d.ps_min == float("inf")
    d.update_many(np.array([1.0, 0.0, 0.0, 1.0]))
    r = river_binary.DDM(warm_start=2)
    for v in [1.0, 0.0, 0.0, 1.0]:
        r.update(v)
    assert d.n == 4 and d.p == 0.5 and d.p_min == r._p_min and d.s_min == r._s_min and d.ps_min == r._ps_min
    d.reset()
    assert d.n == 0 and d.p_min is None and not d.drift_detected and not d.warning_detected

    e = binary.EDDM(warm_start=0)
    e.update_many(np.array([0, 1, 0, 0, 1, 1]))
    assert (e.n, e.n_errors, e.last_error, e.mean_distance, e.var_distance) == (6, 3, 6, 2.0, 1.0)

    a = binary.HDDM_A(two_sided_test=True)
    a.update_many([1, 1, 0, 0])
    assert a.n == 4 and a.mean == 0.5 and a.x_min_n >= 1 and a.x_max_n >= 1

    w = binary.HDDM_W(lambda_val=0.5)
    w.update(1)
    assert w.ewma == 1.0  # the first value is the mean
    w.update(0)
    assert w.ewma == 0.5 and w.decr_cutpoint == float("-inf")

    f = binary.FHDDM(sliding_window_size=4, confidence_level=0.01, short_window_size=2)
    f.update_many([1, 1, 0, 1])
    r = river_binary.FHDDM(sliding_window_size=4, confidence_level=0.01, short_window_size=2)
    for v in [1, 1, 0, 1]:
        r.update(v)
    assert f.n_one == r.n_one and f.u_max == r._u_max and f.u_short_max == r._u_short_max
    assert f.epsilon == r._epsilon and f.epsilon_s == r._epsilon_s
    assert f.short_window_size == 2 and binary.FHDDM().short_window_size is None


def test_repr_clone_copy_aliases():
    assert repr(binary.DDM()) == "DDM(warm_start=30, warning_threshold=2.0, drift_threshold=3.0)"
    assert repr(binary.EDDM()) == "EDDM(warm_start=30, alpha=0.95, beta=0.9)"
    assert repr(binary.HDDM_A()) == "HDDM_A(drift_confidence=0.001, warning_confidence=0.005, two_sided_test=False)"
    assert (repr(binary.HDDM_W(two_sided_test=True))
            == "HDDM_W(drift_confidence=0.001, warning_confidence=0.005, lambda_val=0.05, two_sided_test=True)")
    assert repr(binary.FHDDM()) == "FHDDM(sliding_window_size=100, confidence_level=1e-06, short_window_size=None)"
    assert repr(binary.FHDDM(short_window_size=20)).endswith("short_window_size=20)")
    x = np.asarray(docstring_stream(), dtype=np.float64)
    for name in PARAMS:
        d = getattr(binary, name)()
        d.update_many(x[:1500])
        for c in (copy.copy(d), copy.deepcopy(d), pickle.loads(pickle.dumps(d))):
            assert ours_many(c, x[1500:]) == ours_many(copy.copy(d), x[1500:])
        fresh = d.clone()
        assert ours_many(fresh, x) == ours_many(getattr(binary, name)(), x)
    from driftscope import _core

    assert _core.HDDMA is binary.HDDM_A and _core.HDDMW is binary.HDDM_W


@pytest.mark.parametrize("name", list(PARAMS))
def test_non_binary_and_nonfinite_input(name):
    cls = getattr(binary, name)
    d = cls()
    for bad in (0.5, 2, -1, 1.0000001):
        with pytest.raises(ValueError, match=rf"{name}: input must be 0 or 1"):
            d.update(bad)
    with pytest.raises(ValueError, match=name):
        d.update_many(np.array([0.0, 1.0, 3.0]))
    with pytest.raises(ValueError, match="finite"):
        d.update(float("nan"))
    with pytest.raises(ValueError, match=r"x\[1\]"):
        d.update_many(np.array([1.0, np.inf]))
    with pytest.raises(TypeError):
        d.update("1")
    # skip: the same detections, at positions in the array given (NaNs included)
    x = np.asarray(docstring_stream(), dtype=np.float64)
    with_nan = np.insert(x, [10, 700, 700, 1500], np.nan)
    kept = np.flatnonzero(~np.isnan(with_nan))
    plain = ours_many(cls(), x)
    got = ours_many(cls(nonfinite="skip"), with_nan)
    assert got == (kept[plain[0]].tolist(), kept[plain[1]].tolist())


@pytest.mark.parametrize(
    "name, kwargs, match",
    [
        ("DDM", {"warm_start": -1}, "warm_start"),
        ("DDM", {"warm_start": 1.5}, "warm_start"),
        ("DDM", {"warning_threshold": 0.0}, "warning_threshold"),
        ("DDM", {"drift_threshold": float("nan")}, "drift_threshold"),
        ("DDM", {"warning_threshold": 3.0, "drift_threshold": 2.0}, "drift_threshold must be >= warning_threshold"),
        ("EDDM", {"alpha": 0.8, "beta": 0.9}, "alpha must be greater than or equal to beta"),
        ("EDDM", {"alpha": 1.5}, "alpha"),
        ("EDDM", {"beta": 0.0}, "beta"),
        ("EDDM", {"warm_start": -3}, "warm_start"),
        ("HDDM_A", {"drift_confidence": 0.0}, "drift_confidence"),
        ("HDDM_A", {"warning_confidence": 1.0}, "warning_confidence"),
        ("HDDM_A", {"drift_confidence": 0.01, "warning_confidence": 0.001}, "warning_confidence must be >= drift_confidence"),
        ("HDDM_A", {"two_sided_test": "yes"}, "two_sided_test"),
        ("HDDM_W", {"lambda_val": 0.0}, "lambda_val"),
        ("HDDM_W", {"lambda_val": 1.5}, "lambda_val"),
        ("HDDM_W", {"drift_confidence": 2.0}, "drift_confidence"),
        ("HDDM_W", {"two_sided_test": 1}, "two_sided_test"),
        ("HDDM_W", {"drift_confidence": 1e-310}, "1e-300"),
        ("HDDM_A", {"drift_confidence": 1e-310}, "1e-300"),
        ("FHDDM", {"confidence_level": 1e-310}, "confidence_level"),
        ("FHDDM", {"sliding_window_size": 0}, "sliding_window_size"),
        ("FHDDM", {"sliding_window_size": 2**40}, "sliding_window_size"),
        ("FHDDM", {"sliding_window_size": 2**70}, "sliding_window_size"),
        ("FHDDM", {"confidence_level": 1.5}, "confidence_level"),
        ("FHDDM", {"short_window_size": 0}, "short_window_size"),
        ("FHDDM", {"short_window_size": 101}, "short_window_size"),
        ("FHDDM", {"nonfinite": "ignore"}, "nonfinite"),
    ],
)
def test_bad_parameters(name, kwargs, match):
    with pytest.raises(ValueError, match=match):
        getattr(binary, name)(**kwargs)


@pytest.mark.parametrize("name", list(PARAMS))
def test_corrupt_bytes(name):
    cls = getattr(binary, name)
    d = cls(**PARAMS[name][2])
    d.update_many(np.asarray(docstring_stream()[:700], dtype=np.float64))
    b = d.to_bytes()
    assert cls.from_bytes(b).to_bytes() == b
    with pytest.raises(ValueError, match="magic"):
        cls.from_bytes(b"XXXX" + b[4:])
    with pytest.raises(ValueError, match="kind"):
        cls.from_bytes(b[:4] + bytes([3]) + b[5:])  # PageHinkley's kind
    with pytest.raises(ValueError, match="truncated"):
        cls.from_bytes(b[:-1])
    with pytest.raises(ValueError, match="trailing"):
        cls.from_bytes(b + b"\0")
    with pytest.raises(ValueError, match="pickle"):
        cls.__new__(cls).__setstate__((b, b))
    # random byte flips: a clean error or a detector that re-serializes to the same bytes
    rng = np.random.default_rng(0)
    for _ in range(300):
        bad = bytearray(b)
        k = int(rng.integers(8, len(b)))
        bad[k] ^= int(rng.integers(1, 256))
        try:
            assert cls.from_bytes(bytes(bad)).to_bytes() == bytes(bad)
        except ValueError:
            pass
