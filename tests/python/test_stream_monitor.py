"""driftscope.monitor.StreamMonitor against numpy / scipy oracles on each window's rows.

Frames with numerical, nullable-integer, categorical (strings, pandas category, bool)
columns, NaN / None / pandas NA and unseen categories; pyarrow input; dict rows; callbacks
in order; pickling mid-stream; merge; errors.
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
import scipy.spatial.distance
import scipy.stats

from driftscope.monitor import AlarmEvent, EventLog, StreamMonitor, ThresholdRule, ThresholdTracker

EPS = 1e-4


def make_frame(n: int, seed: int, drift_at: int | None = None) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    drift = np.zeros(n, dtype=bool) if drift_at is None else np.arange(n) >= drift_at
    a = rng.normal(0, 1, n) + 0.8 * drift
    a[rng.random(n) < 0.05] = np.nan
    b = pd.array(np.round(rng.exponential(3, n) * np.where(drift, 1.6, 1.0)).astype(np.int64), dtype="Int64")
    b[rng.random(n) < 0.04] = pd.NA
    p0, p1 = [0.5, 0.3, 0.2, 0.0, 0.0], [0.2, 0.3, 0.3, 0.1, 0.1]
    cats = np.array(["red", "green", "blue", "violet", "teal"], dtype=object)
    c = np.where(drift, cats[rng.choice(5, n, p=p1)], cats[rng.choice(5, n, p=p0)]).astype(object)
    c[rng.random(n) < 0.03] = None
    k = pd.Categorical(np.where(rng.random(n) < np.where(drift, 0.7, 0.3), "on", "off"))
    return pd.DataFrame({"a": a, "b": b, "c": c, "k": k})


# ------------------------------------------------------------------------- oracles


def numeric(x) -> np.ndarray:
    return pd.Series(x).astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)


def binned_scores(ref_counts: np.ndarray, cur_counts: np.ndarray) -> dict:
    pr = ref_counts / ref_counts.sum()
    pc = cur_counts / cur_counts.sum()
    r, c = np.maximum(pr, EPS), np.maximum(pc, EPS)
    present = (ref_counts > 0) | (cur_counts > 0)
    if present.sum() <= 1:
        chi = 1.0
    elif ((ref_counts == 0) & (cur_counts > 0)).any():
        chi = 0.0
    else:
        chi = scipy.stats.chisquare(cur_counts[present], pr[present] * cur_counts.sum()).pvalue
    return {
        "psi": float(np.sum((c - r) * np.log(c / r))),
        "js_distance": float(scipy.spatial.distance.jensenshannon(pr, pc, base=2)),
        "hellinger": float(np.sqrt(0.5 * np.sum((np.sqrt(pr) - np.sqrt(pc)) ** 2))),
        "total_variation": float(0.5 * np.sum(np.abs(pr - pc))),
        "chi_square": float(chi),
    }


def expected_numerical(ref, win, bins=10) -> dict:
    ref, win = numeric(ref), numeric(win)
    r, w = ref[~np.isnan(ref)], win[~np.isnan(win)]
    out = {"count": w.size, "missing": int(np.isnan(win).sum()), "unseen_share": np.nan}
    if w.size == 0:
        out.update(mean=np.nan, std=np.nan, min=np.nan, max=np.nan, scores=None)
        return out
    edges = np.unique(np.quantile(r, np.arange(1, bins) / bins))
    rc = np.bincount(np.searchsorted(edges, r, side="right"), minlength=edges.size + 1).astype(float)
    cc = np.bincount(np.searchsorted(edges, w, side="right"), minlength=edges.size + 1).astype(float)
    scores = binned_scores(rc, cc)
    scores["ks"] = scipy.stats.ks_2samp(r, w, method="asymp").pvalue  # the monitor's default ks_method
    scores["wasserstein"] = scipy.stats.wasserstein_distance(r, w)
    out.update(mean=w.mean(), std=w.std(ddof=1) if w.size > 1 else np.nan, min=w.min(), max=w.max(), scores=scores)
    return out


def expected_categorical(ref, win) -> dict:
    ref = pd.Series(ref, dtype=object).astype(object)
    win = pd.Series(win, dtype=object).astype(object)
    rmiss, wmiss = ref.isna().to_numpy(), win.isna().to_numpy()
    cats = sorted({str(v) for v in ref[~rmiss]})
    k = len(cats)
    index = {c: i for i, c in enumerate(cats)}
    rc = np.bincount([index[str(v)] for v in ref[~rmiss]], minlength=k + 1).astype(float)
    cc = np.bincount([index.get(str(v), k) for v in win[~wmiss]], minlength=k + 1).astype(float)
    n = int(cc.sum())
    out = {"count": n, "missing": int(wmiss.sum()), "mean": np.nan, "std": np.nan, "min": np.nan, "max": np.nan}
    out["unseen_share"] = cc[k] / n if n else np.nan
    out["scores"] = binned_scores(rc, cc) if n else None
    return out


def check_column(got: dict, want: dict) -> None:
    assert got["count"] == want["count"]
    assert got["missing"] == want["missing"]
    for key in ("mean", "std", "min", "max", "unseen_share"):
        np.testing.assert_allclose(got[key], want[key], rtol=1e-9, atol=1e-12, equal_nan=True, err_msg=key)
    for stat, value in got["scores"].items():
        if want["scores"] is None:
            assert np.isnan(value), stat
        else:
            np.testing.assert_allclose(value, want["scores"][stat], rtol=1e-9, atol=1e-12, err_msg=stat)


ALL_NUM = ["psi", "js_distance", "hellinger", "total_variation", "ks", "wasserstein", "chi_square"]
ALL_CAT = ["psi", "js_distance", "hellinger", "total_variation", "chi_square"]


@pytest.fixture(scope="module")
def data():
    return make_frame(1500, 1), make_frame(2400, 2, drift_at=1200)


def check_snapshot(mon: StreamMonitor, ref: pd.DataFrame, cur: pd.DataFrame, lo: int, hi: int) -> None:
    snap = mon.snapshot()
    assert snap["evaluated"]
    assert snap["end"] == hi
    win = cur.iloc[lo:hi]
    for name in ("a", "b"):
        check_column(snap["columns"][name], expected_numerical(ref[name], win[name]))
    for name in ("c", "k"):
        check_column(snap["columns"][name], expected_categorical(ref[name], win[name]))


# ------------------------------------------------------------------------- tests


def test_every_snapshot_matches_numpy_scipy(data):
    ref, cur = data
    mon = StreamMonitor(ref, size=400, stride=100, statistics={"a": ALL_NUM, "c": ALL_CAT, "k": ALL_CAT})
    assert mon.column_kinds == {"a": "numerical", "b": "numerical", "c": "categorical", "k": "categorical"}
    assert mon.categories["c"] == ["blue", "green", "red"]
    assert not mon.snapshot()["evaluated"]
    mon.update_many(cur.iloc[:400])
    check_snapshot(mon, ref, cur, 0, 400)
    for hi in range(500, len(cur) + 1, 100):
        mon.update_many(cur.iloc[hi - 100:hi])
        check_snapshot(mon, ref, cur, hi - 400, hi)
    snap = mon.snapshot()["columns"]
    assert snap["c"]["unseen_share"] > 0.1  # violet / teal after the drift
    assert set(snap["b"]["scores"]) == {"psi", "ks"}
    assert mon.rows_seen == len(cur)


def test_score_history_is_the_sequence_of_snapshots_and_types_the_drift():
    rng = np.random.default_rng(11)
    ref = {"x": rng.normal(size=5000)}
    n, change = 9000, 4000
    t = np.arange(n)
    for kind in ("sudden", "ramp"):
        shift = np.where(t >= change, 1.0, 0.0) if kind == "sudden" else np.clip((t - change) / 2000.0, 0.0, 1.0)
        x = rng.normal(size=n) + shift
        mon = StreamMonitor(ref, size=500, stride=50, statistics={"x": ["psi", "ks", "wasserstein"]})
        # oracle: the snapshot after each evaluation (scipy checks the snapshots themselves elsewhere)
        mon.update_many({"x": x[:500]})
        seen = [mon.snapshot()["columns"]["x"]["scores"]["wasserstein"]]
        for hi in range(550, n + 1, 50):
            mon.update_many({"x": x[hi - 50:hi]})
            seen.append(mon.snapshot()["columns"]["x"]["scores"]["wasserstein"])
        values, ends = mon.score_history("x", "wasserstein")
        assert len(seen) == 171 and values.size == 171
        np.testing.assert_array_equal(values, seen)
        np.testing.assert_array_equal(ends, np.arange(500, n + 1, 50))
        s = mon.drift_shape("x", "wasserstein")
        if kind == "sudden":
            assert s.kind == "sudden" and abs(s.onset - change) <= 500
        else:
            assert s.kind == "incremental" and abs(s.duration - 2000) <= 500
        again = pickle.loads(pickle.dumps(mon))
        np.testing.assert_array_equal(again.score_history("x", "wasserstein")[0], values)
    with pytest.raises(ValueError, match="p-value"):
        mon.drift_shape("x", "ks")
    with pytest.raises(ValueError, match="unknown column 'y'"):
        mon.score_history("y", "psi")
    with pytest.raises(ValueError, match="statistic"):
        mon.score_history("x", "nope")


@pytest.mark.parametrize("ks_method", ["auto", "exact", "asymp"])
def test_ks_method_matches_scipy(data, ks_method):
    # the default is asymp; auto / exact give scipy's ks_2samp p-values with that method
    ref, cur = data
    mon = StreamMonitor(ref[["a"]], size=400, stride=200, ks_method=ks_method)
    r = ref["a"].to_numpy(dtype=float)
    r = r[~np.isnan(r)]
    seen = 0
    for hi in range(400, 1201, 200):
        mon.update_many(cur[["a"]].iloc[seen:hi])
        seen = hi
        w = cur["a"].to_numpy(dtype=float)[hi - 400:hi]
        w = w[~np.isnan(w)]
        want = scipy.stats.ks_2samp(r, w, method=ks_method).pvalue
        np.testing.assert_allclose(mon.snapshot()["columns"]["a"]["scores"]["ks"], want, rtol=1e-9, atol=1e-300)


def test_tumbling_and_column_order(data):
    ref, cur = data
    mon = StreamMonitor(ref, window="tumbling", size=300)
    shuffled = cur[["k", "c", "b", "a"]]  # any column order
    for hi in range(300, len(cur) + 1, 300):
        mon.update_many(shuffled.iloc[hi - 300:hi])
        check_snapshot(mon, ref, cur, hi - 300, hi)


def test_events_match_rules_and_callbacks_in_order(data):
    ref, cur = data
    got = []
    rules = {"a": {"psi": ThresholdRule.distance(0.05, 0.3), "ks": None},
             "*": {"chi_square": ThresholdRule.p_value(1e-3, 1e-8)},
             "b": {"psi": None, "ks": None}}
    mon = StreamMonitor(ref, size=400, stride=200, rules=rules, on_event=got.append)
    returned = []
    for lo in range(0, len(cur), 350):
        returned += mon.update_many(cur.iloc[lo:lo + 350])
    assert [e.window_end for e in got] == [e.window_end for e in returned]
    assert list(mon.events) == got and len(mon.events) == len(got)
    want = []
    for hi in range(400, len(cur) + 1, 200):
        win = cur.iloc[hi - 400:hi]
        psi = expected_numerical(ref["a"], win["a"])["scores"]["psi"]
        if psi >= 0.3:
            want.append(("a", "psi", "alarm", hi, psi, 0.3))
        elif psi >= 0.05:
            want.append(("a", "psi", "warning", hi, psi, 0.05))
        for name in ("c", "k"):  # the default psi rule (0.1 / 0.25) stays; chi_square from "*"
            scores = expected_categorical(ref[name], win[name])["scores"]
            if scores["psi"] >= 0.25:
                want.append((name, "psi", "alarm", hi, scores["psi"], 0.25))
            elif scores["psi"] >= 0.1:
                want.append((name, "psi", "warning", hi, scores["psi"], 0.1))
            p = scores["chi_square"]
            if p < 1e-8:
                want.append((name, "chi_square", "alarm", hi, p, 1e-8))
            elif p < 1e-3:
                want.append((name, "chi_square", "warning", hi, p, 1e-3))
    assert len(got) == len(want)
    for e, w in zip(got, want):
        assert isinstance(e, AlarmEvent)
        assert (e.feature, e.statistic, e.level, e.window_end) == w[:4]
        assert e.value == pytest.approx(w[4], rel=1e-9, abs=1e-300)
        assert e.threshold == w[5]
        assert e.timestamp is None
    assert any(e.level == "alarm" for e in got)
    assert all(e.window_end > 1200 for e in got if e.level == "alarm")
    mon.events.clear()
    assert len(mon.events) == 0


def test_callback_exception_propagates(data):
    ref, cur = data

    def boom(e):
        raise RuntimeError("stop")

    mon = StreamMonitor(ref, size=200, stride=200, on_event=boom)
    with pytest.raises(RuntimeError, match="stop"):
        mon.update_many(cur)
    assert mon.rows_seen == len(cur)
    assert len(mon.events) > 0


def test_dict_rows_sequences_and_update_many_agree(data):
    ref, cur = data
    sub = cur.iloc[1100:1500]
    a = StreamMonitor(ref, size=200, stride=50)
    b = StreamMonitor(ref, size=200, stride=50)
    c = StreamMonitor(ref, size=200, stride=50)
    ev_a = a.update_many(sub)
    ev_b, ev_c = [], []
    for rec in sub.astype(object).to_dict("records"):
        rec = {k: (None if v is pd.NA else v) for k, v in rec.items()}
        ev_b += b.update(rec)
        ev_c += c.update([rec[n] for n in c.columns])
    assert _same(a.snapshot(), b.snapshot())
    assert _same(a.snapshot(), c.snapshot())
    assert [(e.feature, e.statistic, e.window_end) for e in ev_a] == [(e.feature, e.statistic, e.window_end) for e in ev_b]
    assert len(ev_a) == len(ev_c)


def _same(x, y) -> bool:
    if isinstance(x, dict):
        return x.keys() == y.keys() and all(_same(x[k], y[k]) for k in x)
    if isinstance(x, float) and isinstance(y, float):
        return (np.isnan(x) and np.isnan(y)) or x == pytest.approx(y, rel=1e-12, abs=1e-15)
    return x == y


def test_pyarrow_dict_and_array_inputs(data):
    pa = pytest.importorskip("pyarrow")
    ref, cur = data
    base = StreamMonitor(ref, size=300, stride=100)
    base.update_many(cur.iloc[:900])
    mon = StreamMonitor(pa.Table.from_pandas(ref), size=300, stride=100)
    assert mon.column_kinds == base.column_kinds
    mon.update_many(pa.Table.from_pandas(cur.iloc[:900]))
    assert _same(mon.snapshot(), base.snapshot())
    # dict of arrays (strings as object arrays, the nullable ints as float with NaN)
    as_dict = lambda f: {"a": f["a"].to_numpy(), "b": numeric(f["b"]), "c": f["c"].to_numpy(),
                         "k": np.asarray(f["k"], dtype=object)}
    dmon = StreamMonitor(as_dict(ref), size=300, stride=100)
    dmon.update_many(as_dict(cur.iloc[:900]))
    assert _same(dmon.snapshot(), base.snapshot())
    # 2-D numeric array + columns: every column numerical
    arr = np.column_stack([ref["a"].to_numpy(), numeric(ref["b"])])
    amon = StreamMonitor(arr, columns=["a", "b"], size=300, stride=100)
    amon.update_many(np.column_stack([cur["a"].to_numpy(), numeric(cur["b"])])[:900])
    for name in ("a", "b"):
        assert _same(amon.snapshot()["columns"][name], base.snapshot()["columns"][name])
    # categorical= on a numeric 2-D column: codes are labels
    cmon = StreamMonitor(np.array([[1.0, 0.5], [2.0, 0.1], [1.0, 0.3]]), columns=["g", "x"], categorical=["g"],
                         size=2, stride=1)
    assert cmon.categories == {"g": ["1", "2"]}
    cmon.update_many(np.array([[1, 0.2], [3, 0.4]]))
    assert cmon.snapshot()["columns"]["g"]["unseen_share"] == 0.5


def test_pickle_and_bytes_round_trip_mid_stream(data):
    ref, cur = data
    for kw in ({"size": 300, "stride": 70}, {"window": "tumbling", "size": 250},
               {"window": "decaying", "half_life": 100.0, "stride": 90}):
        mon = StreamMonitor(ref, rules={"*": {"psi": ThresholdRule.distance(0.02, 0.1, patience=2, cooldown=2)}}, **kw)
        mon.update_many(cur.iloc[:1337])
        copy = pickle.loads(pickle.dumps(mon))
        again = StreamMonitor.deserialize(mon.serialize())
        assert copy.serialize() == mon.serialize()
        assert copy.columns == mon.columns and copy.categories == mon.categories
        assert list(copy.events) == list(mon.events)
        ev1 = mon.update_many(cur.iloc[1337:])
        ev2 = copy.update_many(cur.iloc[1337:])
        ev3 = again.update_many(cur.iloc[1337:])
        assert ev1 == ev2 == ev3 and len(ev1) > 0
        assert _same(mon.snapshot(), copy.snapshot())


def test_time_window_with_datetimes(data):
    ref, cur = data
    sub = cur.iloc[:1200]
    t0 = np.datetime64("2026-01-01T00:00:00", "ns")
    ts = t0 + (np.arange(len(sub)) * 997_000_000 // 10).astype("timedelta64[ns]")  # ~10 rows / s
    mon = StreamMonitor(ref, window="time", duration=30_000_000_000, stride=10_000_000_000)
    events = mon.update_many(sub, timestamps=ts)
    snap = mon.snapshot()
    ns = ts.view(np.int64)
    # the last evaluated window is [b - 30 s, b) at the largest boundary b = t0 + k * 10 s
    # that a row's timestamp reached (that row is added after the evaluation)
    b = ns[0] + (ns[-1] - ns[0]) // 10_000_000_000 * 10_000_000_000
    assert snap["timestamp"] == b
    sel = (ns >= b - 30_000_000_000) & (ns < b)
    check_column(snap["columns"]["a"], expected_numerical(ref["a"], sub["a"][sel]))
    check_column(snap["columns"]["c"], expected_categorical(ref["c"], sub["c"][sel]))
    assert all(e.timestamp is not None for e in events)
    with pytest.raises(ValueError, match="timestamp"):
        mon.update_many(sub.iloc[:2])  # time windows need timestamps
    with pytest.raises(ValueError, match="timestamp"):
        mon.update_many(sub.iloc[:2], timestamps=[ns[-1] - 5, ns[-1] - 6])
    with pytest.raises(ValueError, match="NaN"):
        mon.update(sub.iloc[0].to_dict(), timestamp=float("nan"))
    assert mon.rows_seen == len(sub)


def test_merge_tumbling_split_stream(data):
    ref, cur = data
    whole = StreamMonitor(ref, window="tumbling", size=500)
    a = StreamMonitor(ref, window="tumbling", size=500)
    b = StreamMonitor(ref, window="tumbling", size=500)
    whole.update_many(cur.iloc[:450])
    a.update_many(cur.iloc[:200])
    b.update_many(cur.iloc[200:450])
    a.merge(b)
    assert a.rows_seen == 450
    assert _same(a.current(), whole.current())
    a.update_many(cur.iloc[450:500])
    check_snapshot(a, ref, cur, 0, 500)
    other = StreamMonitor(ref.iloc[:1000], window="tumbling", size=500)
    with pytest.raises(ValueError, match="differ"):
        a.merge(other)
    with pytest.raises(ValueError, match="tumbling"):
        StreamMonitor(ref, size=100).merge(StreamMonitor(ref, size=100))


def test_errors(data):
    ref, cur = data
    mon = StreamMonitor(ref, size=100, stride=10)
    with pytest.raises(ValueError, match="width"):
        mon.update([1.0, 2.0])
    with pytest.raises(ValueError, match="width"):
        mon.update_many(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="unknown column.*'zzz'"):
        mon.update_many(cur.assign(zzz=1.0))
    with pytest.raises(ValueError, match="missing column.*'b'"):
        mon.update_many(cur.drop(columns=["b"]))
    with pytest.raises(ValueError, match="'b'"):
        mon.update({"a": 1.0, "c": "red", "k": "on"})
    with pytest.raises(ValueError, match="'a'.*non-numeric"):
        mon.update_many(cur.assign(a="x"))
    mon.update(cur.iloc[0].to_dict(), timestamp=10)
    with pytest.raises(ValueError, match="timestamp"):
        mon.update(cur.iloc[1].to_dict(), timestamp=9)
    assert mon.rows_seen == 1
    with pytest.raises(ValueError, match="unknown column.*'nope'"):
        StreamMonitor(ref, categorical=["nope"])
    with pytest.raises(ValueError, match="unknown column.*'nope'"):
        StreamMonitor(ref, rules={"nope": {}})
    with pytest.raises(ValueError, match="unknown column.*'nope'"):
        StreamMonitor(ref, statistics={"nope": ["psi"]})
    with pytest.raises(ValueError, match="size"):
        StreamMonitor(ref, size=0)
    with pytest.raises(ValueError, match="stride"):
        StreamMonitor(ref, size=10, stride=11)
    with pytest.raises(ValueError, match="'a'.*'ks'"):
        StreamMonitor(ref, window="decaying", half_life=10, statistics={"a": ["psi", "ks"]})
    with pytest.raises(ValueError, match="'c'.*'wasserstein'"):
        StreamMonitor(ref, statistics={"c": ["wasserstein"]})
    with pytest.raises(ValueError, match="statistic"):
        StreamMonitor(ref, statistics={"a": ["kl"]})
    with pytest.raises(ValueError, match="ThresholdRule"):
        StreamMonitor(ref, rules={"a": {"psi": 0.2}})
    with pytest.raises(ValueError, match="not computed"):
        StreamMonitor(ref, rules={"a": {"wasserstein": ThresholdRule.distance(1, 2)}})
    with pytest.raises(ValueError, match="empty"):
        StreamMonitor(ref.iloc[:0])
    with pytest.raises(ValueError, match="'a'.*no non-missing"):
        StreamMonitor(ref.assign(a=np.nan))
    with pytest.raises(ValueError, match="'c'.*no non-missing"):
        StreamMonitor(ref.assign(c=None).astype({"c": object}), categorical=["c"])
    with pytest.raises(ValueError, match="columns="):
        StreamMonitor(np.zeros((5, 2)))
    with pytest.raises(ValueError, match="callable"):
        StreamMonitor(ref, on_event=3)


def test_corrupt_bytes(data):
    ref, cur = data
    mon = StreamMonitor(ref.iloc[:30], size=10, stride=5)
    mon.update_many(cur.iloc[:23])
    raw = mon.serialize()
    for n in range(len(raw)):
        with pytest.raises(ValueError):  # out_of_range surfaces as IndexError or ValueError
            StreamMonitor.deserialize(raw[:n])
    bad = bytearray(raw)
    bad[0] ^= 0xFF
    with pytest.raises(ValueError, match="magic"):
        StreamMonitor.deserialize(bytes(bad))
    with pytest.raises(ValueError, match="trailing"):
        StreamMonitor.deserialize(raw + b"\0")


def test_reexports():
    assert EventLog is not None and ThresholdTracker is not None
    t = ThresholdTracker(ThresholdRule.distance(0.1, 0.2))
    assert t.observe(0.5) == "alarm"


def test_value_metrics_false_keeps_psi_and_drops_value_metrics(data):
    # PSI-only numerical columns: no ECDF window, the same scores / events, NaN mean / std / min / max
    ref, cur = data
    for kw in ({"size": 300, "stride": 100}, {"window": "tumbling", "size": 250}):
        stats = {"a": ["psi"], "b": ["psi", "hellinger"]}
        on = StreamMonitor(ref, statistics=stats, **kw)
        off = StreamMonitor(ref, statistics=stats, value_metrics=False, **kw)
        assert on.value_metrics and not off.value_metrics
        for lo in range(0, len(cur), 150):
            ev_on = on.update_many(cur.iloc[lo:lo + 150])
            ev_off = off.update_many(cur.iloc[lo:lo + 150])
            assert ev_on == ev_off
            assert off.snapshot()["evaluated"] == on.snapshot()["evaluated"]
            if not on.snapshot()["evaluated"]:
                continue
            s_on, s_off = on.snapshot()["columns"], off.snapshot()["columns"]
            for name in ("a", "b", "c", "k"):
                assert s_off[name]["scores"] == s_on[name]["scores"]  # identical, not approximately
                assert s_off[name]["count"] == s_on[name]["count"]
            for name in ("a", "b"):
                assert np.isfinite(s_on[name]["mean"])
                for key in ("mean", "std", "min", "max"):
                    assert np.isnan(s_off[name][key]), (name, key)
        assert len(on.events) > 0
        np.testing.assert_array_equal(off.score_history("a", "psi")[0], on.score_history("a", "psi")[0])
        assert off.memory_bytes <= on.memory_bytes - 2 * 8 * kw["size"]  # no window values of a, b

        # pickle keeps the option (through the bytes) and the copy continues identically
        copy = pickle.loads(pickle.dumps(off))
        assert copy.value_metrics is False
        assert copy.serialize() == off.serialize()
        assert pickle.loads(pickle.dumps(on)).value_metrics is True
        more = make_frame(600, 9, drift_at=0)
        assert copy.update_many(more) == off.update_many(more)
        assert _same(copy.snapshot(), off.snapshot())
        assert np.isnan(copy.snapshot()["columns"]["a"]["mean"])


def test_value_metrics_false_with_ks_keeps_the_metrics(data):
    ref, cur = data
    on = StreamMonitor(ref, size=300, stride=100, statistics={"a": ["psi", "ks"], "b": ["psi"]})
    off = StreamMonitor(ref, size=300, stride=100, statistics={"a": ["psi", "ks"], "b": ["psi"]},
                        value_metrics=False)
    on.update_many(cur.iloc[:900])
    off.update_many(cur.iloc[:900])
    a_on, a_off = on.snapshot()["columns"]["a"], off.snapshot()["columns"]["a"]
    assert _same(a_off, a_on)  # "a" needs the ECDF window for ks: it keeps its metrics
    assert np.isfinite(a_off["mean"])
    check_column(a_off, expected_numerical(ref["a"], cur["a"].iloc[600:900]))
    assert np.isnan(off.snapshot()["columns"]["b"]["mean"])
    with pytest.raises(ValueError, match="value_metrics"):
        StreamMonitor(ref, value_metrics="no")
