"""driftscope.shape.classify_drift: drift typing (sudden / incremental / mixing).

Oracles: the generating parameters of noiseless trajectories; an independent brute-force
fit (numpy lstsq over every candidate of the three models) on random noisy trajectories;
and the labelling targets of issue 6 §3 on the house example (block means of 50 residuals
of y = 5 + beta*x + 10*eps, x ~ U(20, 120), beta 2 -> 1.5, against the beta = 2 model),
plus a sliding-window KS statistic as the trajectory.
"""

import math
import pickle

import numpy as np
import pytest

from driftscope.shape import DriftShape, classify_drift
from driftscope.window import EcdfWindow

RUNS = 200
BLOCK = 50
START = 3000  # observation where the change starts = block 60


def ramp_curve(n, mu0, mu1, tau, length):
    j = np.arange(n, dtype=float)
    return mu0 + (mu1 - mu0) * np.clip((j - tau) / length, 0.0, 1.0)


# --------------------------------------------------------------------------- exact shapes


def test_noiseless_step():
    y = np.where(np.arange(70) < 33, 2.0, -1.0)
    s = classify_drift(y)
    assert isinstance(s, DriftShape)
    assert s.kind == "sudden" and not s.gradual
    assert s.onset == 33.0 and s.duration == 0.0
    assert s.level_before == pytest.approx(2.0, abs=1e-9)
    assert s.level_after == pytest.approx(-1.0, abs=1e-9)
    assert s.magnitude == pytest.approx(-3.0, abs=1e-9)
    assert math.isnan(s.rate) and math.isnan(s.mixing_level) and math.isnan(s.mixing_share)
    assert s.n == 70


@pytest.mark.parametrize("tau,length", [(20.0, 9.0), (41.0, 3.0), (30.5, 6.0), (25.3, 13.0)])
def test_noiseless_ramp(tau, length):
    y = ramp_curve(90, 4.0, 10.0, tau, length)
    s = classify_drift(y)
    assert s.kind == "incremental" and s.gradual
    assert s.onset == pytest.approx(tau, abs=1e-9)
    assert s.duration == pytest.approx(length, abs=1e-9)
    assert s.level_before == pytest.approx(4.0, abs=1e-9)
    assert s.level_after == pytest.approx(10.0, abs=1e-9)
    assert s.rate == pytest.approx(6.0 / length, rel=1e-9)
    assert s.bic_ramp < min(s.bic_step, s.bic_two_step)


def test_noiseless_two_step():
    y = np.r_[np.full(40, 1.0), np.full(25, 2.4), np.full(35, 3.0)]
    s = classify_drift(y)
    assert s.kind == "mixing" and s.gradual
    assert s.onset == 40.0 and s.duration == 25.0
    assert s.level_before == pytest.approx(1.0, abs=1e-9)
    assert s.level_after == pytest.approx(3.0, abs=1e-9)
    assert s.mixing_level == pytest.approx(2.4, abs=1e-9)
    assert s.mixing_share == pytest.approx(0.7, abs=1e-9)


def test_step_inside_a_unit_is_sudden():
    y = np.r_[np.zeros(30), [0.25], np.ones(30)]
    s = classify_drift(y)
    assert s.kind == "sudden"
    assert s.onset == pytest.approx(30.75, abs=1e-9)
    # an integer ramp of L = 2 has one intermediate value: the same curve as a step
    # half-way into that unit, which has fewer parameters
    s = classify_drift(ramp_curve(60, 0.0, 1.0, 29.0, 2.0))
    assert s.kind == "sudden"
    assert s.onset == pytest.approx(30.5, abs=1e-9)


# ------------------------------------------------------------- brute-force oracle (lstsq)


def _rss(X, y):
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    r = y - X @ coef
    return float(r @ r), coef


def _ramp_design(n, tau, length):
    g = np.clip((np.arange(n) - tau) / length, 0.0, 1.0)
    return np.column_stack([1.0 - g, g]), g


def oracle(y, m=2, min_duration=1.0):
    """Independent brute force: every candidate fitted by lstsq, BIC = n ln(RSS/n) + k ln n."""
    n = len(y)
    j = np.arange(n)
    floor = max(1e-12 * float(((y - y.mean()) ** 2).sum()), 1e3 * np.finfo(float).tiny * n)

    def bic(rss, k):
        return n * math.log(max(rss, floor) / n) + k * math.log(n)

    # step at integer tau, and the step inside unit u (y_u free, between the outer levels)
    best_step = (math.inf, None)
    for t in range(m, n - m + 1):
        rss, c = _rss(np.column_stack([j < t, j >= t]).astype(float), y)
        if rss < best_step[0]:
            best_step = (rss, (float(t), c[0], c[1]))
    for u in range(m, n - m):
        X = np.column_stack([j < u, j > u, j == u]).astype(float)
        rss, c = _rss(X, y)
        if (c[2] - c[0]) * (c[1] - c[2]) > 0 and rss < best_step[0]:
            share = (c[2] - c[0]) / (c[1] - c[0])
            best_step = (rss, (u + 1.0 - share, c[0], c[1]))
    # ramp on the integer grid, then the 0.1 grid within +-1 (L >= 1)
    best_ramp = (math.inf, None)
    for t in range(m, n - m - 1):
        for L in range(2, n - m - t + 1):
            rss, _ = _rss(_ramp_design(n, t, L)[0], y)
            if rss < best_ramp[0]:
                best_ramp = (rss, (t, L))
    t0, l0 = best_ramp[1]
    best = None
    for a in range(-10, 11):
        t = t0 + a / 10.0
        if t < m:
            continue
        for b in range(-10, 11):
            L = l0 + b / 10.0
            if L < 1.0 or t + L > n - m:
                continue
            X, g = _ramp_design(n, t, L)
            rss, c = _rss(X, y)
            if best is None or rss < best[0] - 1e-9 * abs(best[0]) or (
                rss <= best[0] + 1e-9 * abs(best[0]) and L < best[2]
            ):
                best = (rss, t, L, c, g)
    rss_ramp, tau, L, c_ramp, g = best
    interior = np.flatnonzero((g > 0) & (g < 1))
    if len(interior) == 1:
        tau, L = interior[0] - g[interior[0]], 1.0
    # two-step with the mixing constraints
    best_two = (math.inf, None)
    for t1 in range(m, n - m - 1):
        for t2 in range(t1 + 2, n - m + 1):
            X = np.column_stack([j < t1, (j >= t1) & (j < t2), j >= t2]).astype(float)
            rss, c = _rss(X, y)
            share = (c[1] - c[0]) / (c[2] - c[0]) if c[2] != c[0] else -1.0
            if 0.2 <= share <= 0.8 and rss < best_two[0]:
                best_two = (rss, (t1, t2, c, share))
    bics = (
        bic(best_step[0], 3),
        bic(rss_ramp, 4),
        bic(best_two[0], 5) if best_two[1] else math.inf,
    )
    if bics[0] <= bics[1] and bics[0] <= bics[2]:
        out = dict(kind="sudden", onset=best_step[1][0], duration=0.0, mu0=best_step[1][1], mu1=best_step[1][2])
    elif bics[1] <= bics[2]:
        out = dict(kind="incremental", onset=tau, duration=L, mu0=c_ramp[0], mu1=c_ramp[1])
        if L <= min_duration:
            out.update(kind="sudden", onset=tau + 0.5 * L, duration=0.0)
    else:
        t1, t2, c, share = best_two[1]
        out = dict(kind="mixing", onset=float(t1), duration=float(t2 - t1), mu0=c[0], mu1=c[2], share=share)
    out["bics"] = bics
    return out


def _planted(rng, n):
    kind = rng.integers(3)
    y = rng.normal(size=n)
    tau = rng.integers(8, n - 16)
    if kind == 0:
        y[tau:] += rng.uniform(2, 5)
    elif kind == 1:
        y += rng.uniform(2, 5) * np.clip((np.arange(n) - tau) / rng.integers(3, 10), 0, 1)
    else:
        d = rng.uniform(3, 6)
        y[tau:] += d * 0.5
        y[tau + 6 :] += d * 0.5
    return y


def test_matches_brute_force_oracle():
    rng = np.random.default_rng(11)
    kinds = set()
    for _ in range(12):
        n = int(rng.integers(26, 34))
        y = _planted(rng, n) * rng.uniform(0.5, 3) + rng.uniform(-100, 100)
        got = classify_drift(y)
        want = oracle(y)
        kinds.add(want["kind"])
        assert got.kind == want["kind"]
        assert got.onset == pytest.approx(want["onset"], abs=1e-7)
        assert got.duration == pytest.approx(want["duration"], abs=1e-7)
        assert got.level_before == pytest.approx(want["mu0"], rel=1e-7, abs=1e-7)
        assert got.level_after == pytest.approx(want["mu1"], rel=1e-7, abs=1e-7)
        for g, w in zip((got.bic_step, got.bic_ramp, got.bic_two_step), want["bics"]):
            assert g == pytest.approx(w, rel=1e-7, abs=1e-6)
        if want["kind"] == "mixing":
            assert got.mixing_share == pytest.approx(want["share"], abs=1e-9)
    assert kinds == {"sudden", "incremental", "mixing"}  # every model was exercised


# ------------------------------------------------------------------- house-example targets


def house_blocks(rng, kind, length, n_blocks, start=START):
    t = np.arange(n_blocks * BLOCK)
    x = rng.uniform(20.0, 120.0, size=t.size)
    eps = rng.normal(0.0, 10.0, size=t.size)
    u = t - start
    if kind == "sudden":
        beta = np.where(u >= 0, 1.5, 2.0)
    elif kind == "ramp":
        beta = 2.0 - 0.5 * np.clip(u / length, 0.0, 1.0)
    else:  # mixing: new concept with probability 0.5 during [start, start + length)
        new = (u >= length) | ((u >= 0) & (rng.random(t.size) < 0.5))
        beta = np.where(new, 1.5, 2.0)
    resid = (5.0 + beta * x + eps) - (5.0 + 2.0 * x)
    return resid.reshape(n_blocks, BLOCK).mean(axis=1)


def test_house_sudden():
    rng = np.random.default_rng(101)
    ok = 0
    for _ in range(RUNS):
        s = classify_drift(house_blocks(rng, "sudden", 0, 80))
        ok += s.kind == "sudden" and abs(s.onset - 60) <= 1
    print(f"sudden labelled sudden: {ok}/{RUNS}")
    assert ok >= 0.95 * RUNS


@pytest.mark.parametrize("length", [250, 1000, 2000])
def test_house_ramps(length):
    rng = np.random.default_rng(200 + length)
    ok = 0
    for _ in range(RUNS):
        s = classify_drift(house_blocks(rng, "ramp", length, 60 + length // BLOCK + 20))
        ok += s.kind == "incremental" and abs(s.duration * BLOCK - length) <= 0.25 * length
    print(f"ramp {length}: gradual with duration within 25%: {ok}/{RUNS}")
    assert ok >= 0.90 * RUNS


def test_house_mixing():
    rng = np.random.default_rng(303)
    ok = 0
    for _ in range(RUNS):
        s = classify_drift(house_blocks(rng, "mixing", 1000, 100))
        ok += s.kind == "mixing"
    print(f"50/50 mixing over 1000 labelled mixing: {ok}/{RUNS}")
    assert ok >= 0.90 * RUNS


# ------------------------------------------------------------- windowed KS as the trajectory


def ks_trajectory(rng, kind):
    """KS statistic of a sliding window (500 values, stride 50) against 2000 reference
    values; the mean shifts by 1 at value 2500, at once or linearly over 2000 values."""
    reference = rng.normal(size=2000)
    x = rng.normal(size=5500)
    t = np.arange(x.size)
    if kind == "sudden":
        x += np.where(t >= 2500, 1.0, 0.0)
    else:
        x += np.clip((t - 2500) / 2000.0, 0.0, 1.0)
    w = EcdfWindow(reference, kind="sliding", size=500, stride=50)
    ev = w.update_many(x)
    assert np.asarray(ev.ends)[1] - np.asarray(ev.ends)[0] == 50
    return np.asarray(ev.ks_statistic)


@pytest.mark.parametrize("kind,want", [("sudden", "sudden"), ("ramp", "incremental")])
def test_sliding_ks_window(kind, want):
    # window / stride = 10 units of smoothing; the KS path is noisy near its ends, so
    # changes shorter than 3 units (150 values) count as sudden
    rng = np.random.default_rng(7 if kind == "sudden" else 8)
    runs, ok, durations = 20, 0, []
    for _ in range(runs):
        s = classify_drift(ks_trajectory(rng, kind), smoothing=10.0, min_duration=3.0)
        ok += s.kind == want
        durations.append(s.duration * 50)
        # onset in values: value k summarises the window ending at 500 + 50 k
        if s.kind == want:
            assert abs(500 + 50 * s.onset - 2500) <= 250
    print(f"sliding KS, {kind}: labelled {want} {ok}/{runs}, median duration {np.median(durations):.0f}")
    assert ok >= 0.9 * runs
    if kind == "ramp":
        assert 1400 <= np.median(durations) <= 2400


# ----------------------------------------------------------------------- API and bad input


def test_float32_and_lists_and_pickle():
    y = ramp_curve(50, 0.0, 1.0, 20.0, 8.0)
    a = classify_drift(y)
    b = classify_drift(y.astype(np.float32))
    assert b.kind == a.kind and b.duration == pytest.approx(a.duration, abs=1e-5)
    c = classify_drift(list(y))
    assert c.onset == a.onset
    d = pickle.loads(pickle.dumps(a))
    for f in ("kind", "onset", "duration", "level_before", "level_after", "rate", "bic_step", "bic_ramp", "n"):
        assert getattr(d, f) == getattr(a, f)
    assert "DriftShape(kind='incremental'" in repr(a)


def test_bad_input():
    y = np.zeros(20)
    with pytest.raises(ValueError, match=r"n must be >= 2\*min_segment\+3 = 7"):
        classify_drift(y[:6])
    classify_drift(y[:7])
    with pytest.raises(ValueError, match="min_segment must be >= 1"):
        classify_drift(y, min_segment=0)
    with pytest.raises(ValueError, match="smoothing"):
        classify_drift(y, smoothing=-1.0)
    with pytest.raises(ValueError, match="smoothing"):
        classify_drift(y, smoothing=float("nan"))
    with pytest.raises(ValueError, match="min_duration"):
        classify_drift(y, min_duration=-0.1)
    bad = y.copy()
    bad[5] = np.nan
    with pytest.raises(ValueError, match=r"values\[5\] is not finite"):
        classify_drift(bad)
    bad[5] = np.inf
    with pytest.raises(ValueError, match=r"values\[5\]"):
        classify_drift(bad)
    with pytest.raises(ValueError, match="1-D"):
        classify_drift(np.zeros((4, 5)))
    with pytest.raises(TypeError):
        classify_drift(y, 1.0)  # options are keyword-only
