"""driftscope.deploy: the router's hash and buckets against mmh3 (the reference MurmurHash3
binding), the observed canary split within a binomial interval over 100,000 ids, monotone
ramps, blue-green cut-over and rollback, pickling, bad input; the automation ladder."""

import math
import pickle

import mmh3
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from driftscope.deploy import AutomationPolicy, Router, assignment_bucket, murmur3_x86_32


def test_murmur3_vectors():
    assert murmur3_x86_32("", 0) == 0
    assert murmur3_x86_32("", 1) == 0x514E28B7
    assert murmur3_x86_32("hello", 0) == 0x248BFA47
    assert murmur3_x86_32(b"hello") == 0x248BFA47


@given(st.text(max_size=40), st.integers(0, 2**32 - 1))
def test_murmur3_matches_mmh3(key, seed):
    assert murmur3_x86_32(key, seed) == mmh3.hash(key.encode(), seed, signed=False)


def reference_bucket(id_, salt):
    return mmh3.hash(id_.encode(), mmh3.hash(salt.encode(), 0, signed=False), signed=False) % 10000


def test_buckets_and_split_match_the_reference():
    ids = [f"user-{i}" for i in range(100_000)]
    r = Router(salt="exp-7", canary_weight=5, shadow_weight=10)
    canary, mirror, bucket = r.route_many(ids)
    want = np.array([reference_bucket(i, "exp-7") for i in ids])
    assert np.array_equal(bucket, want)
    assert np.array_equal(canary, want < 500)
    assert np.array_equal(mirror, np.array([reference_bucket(i, "exp-7:shadow") < 1000 for i in ids]))
    # binomial(100000, 0.05): sd 68.9 — 4 sd either side
    assert abs(int(canary.sum()) - 5000) < 4 * 69
    assert abs(int(mirror.sum()) - 10000) < 4 * 95
    d = r.route("user-3")
    assert d.bucket == want[3] and d.arm == ("canary" if want[3] < 500 else "baseline")
    assert assignment_bucket("user-3", "exp-7") == want[3]


def test_ramps_are_monotone_and_weights_follow():
    ids = [f"id{i}" for i in range(20_000)]
    r = Router(salt="ramp")
    before = np.zeros(len(ids), bool)
    for w in [1, 2, 10, 25, 50, 80, 100]:
        r.canary_weight = w
        now, _, _ = r.route_many(ids)
        assert not np.any(before & ~now), f"an id left the canary at {w}%"
        p = w / 100
        assert abs(now.mean() - p) <= 4 * math.sqrt(p * (1 - p) / len(ids)) + 1e-12
        before = now


def test_blue_green_promote_and_rollback():
    r = Router(canary_weight=100)
    assert r.active == "blue" and r.route("a").color == "green"
    r.promote()
    assert r.active == "green" and r.canary_weight == 0 and r.cut_over
    r.rollback()
    assert r.active == "blue" and not r.cut_over
    r.canary_weight = 10
    r.rollback()  # a failed canary: blue stays, the canary loses its traffic
    assert r.active == "blue" and r.canary_weight == 0
    r.switch_to("green")
    s = pickle.loads(pickle.dumps(r))
    assert (s.active, s.cut_over, s.salt) == ("green", True, r.salt)
    s.rollback()
    assert s.active == "blue"


def test_router_bad_input():
    with pytest.raises(ValueError, match="canary_weight must be a percentage in \\[0, 100\\], got 101"):
        Router(canary_weight=101)
    r = Router()
    with pytest.raises(ValueError, match="weight must be a percentage"):
        r.shadow_weight = -1
    with pytest.raises(ValueError, match="color must be 'blue' or 'green'"):
        r.switch_to("red")
    with pytest.raises(ValueError, match="ids must be str or bytes, got int"):
        r.route(42)


def test_automation_ladder():
    p = AutomationPolicy("partial", threshold=0.8)
    decisions = [p.decide(c) for c in (0.95, 0.5, float("nan"), 0.8)]
    assert [d.path for d in decisions] == ["model", "human_review", "human_review", "model"]
    assert decisions[0].use_model and not decisions[0].human_decides
    assert decisions[1].human_decides and decisions[1].show_model and not decisions[1].use_model
    assert p.automated_share == 0.5
    for level, path in [("human_only", "human_only"), ("shadow", "shadow"), ("assist", "assisted"), ("full", "model")]:
        p.level = level
        assert p.decide(0.1).path == path
    assert p.counts == {"human_only": 1, "shadow": 1, "assisted": 1, "model": 3, "human_review": 2}
    q = pickle.loads(pickle.dumps(p))
    assert (q.level, q.threshold, q.counts) == ("full", 0.8, p.counts)
    q.merge(p)
    assert q.total == 16
    with pytest.raises(ValueError, match="unknown level 'mostly'"):
        AutomationPolicy("mostly")
    with pytest.raises(ValueError, match="threshold must be in \\[0, 1\\]"):
        AutomationPolicy("partial", threshold=2)


# --- shadow comparison: parity with statsmodels ------------------------------------------

from statsmodels.stats.contingency_tables import SquareTable, mcnemar  # noqa: E402
from statsmodels.stats.inter_rater import cohens_kappa  # noqa: E402
from statsmodels.stats.proportion import proportion_confint  # noqa: E402

from driftscope.deploy import ShadowComparator  # noqa: E402


def rel(a, b, tol=1e-9):
    return abs(a - b) <= tol * max(1.0, abs(b))


def random_pairs(rng, k, n, agree):
    live = rng.integers(0, k, n)
    shadow = np.where(rng.random(n) < agree, live, rng.integers(0, k, n))
    return live, shadow


@pytest.mark.parametrize("seed", range(12))
def test_shadow_classification_matches_statsmodels(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 6))
    n = int(rng.integers(20, 3000))
    live, shadow = random_pairs(rng, k, n, rng.uniform(0.3, 0.95))
    s = ShadowComparator(classes=k)
    s.add_many(live, shadow)
    table = np.zeros((k, k), int)
    np.add.at(table, (live, shadow), 1)
    assert np.array_equal(s.table, table) and s.n == n
    assert s.agreement == np.trace(table) / n
    lo, hi = proportion_confint(np.trace(table), n, alpha=0.05, method="wilson")
    got = s.agreement_interval(0.95)
    assert rel(got[0], lo) and rel(got[1], hi)
    ck = cohens_kappa(table)
    kr = s.kappa()
    assert rel(kr.kappa, ck.kappa) and rel(kr.std_err, ck.std_kappa) and rel(kr.std_err_null, ck.std_kappa0)
    assert rel(kr.z, ck.z_value) and rel(kr.pvalue, ck.pvalue_two_sided)
    st_ = SquareTable(table, shift_zeros=False)
    sym, hom = st_.symmetry(), st_.homogeneity()
    assert rel(s.symmetry().statistic, sym.statistic, 1e-7) and rel(s.symmetry().pvalue, sym.pvalue, 1e-7)
    assert s.symmetry().df == sym.df
    assert rel(s.homogeneity().statistic, hom.statistic, 1e-8) and rel(s.homogeneity().pvalue, hom.pvalue, 1e-8)
    assert s.homogeneity().df == hom.df
    if k == 2:
        for exact in (True, False):
            want = mcnemar(table, exact=exact, correction=True)
            got = s.mcnemar(exact=exact)
            assert rel(got.statistic, want.statistic) and rel(got.pvalue, want.pvalue)
    else:
        with pytest.raises(ValueError, match="McNemar is for 2 classes"):
            s.mcnemar()


def test_shadow_labels_later_accuracy_difference():
    rng = np.random.default_rng(3)
    n = 2000
    y = rng.integers(0, 3, n)
    live = np.where(rng.random(n) < 0.70, y, rng.integers(0, 3, n))
    shadow = np.where(rng.random(n) < 0.80, y, rng.integers(0, 3, n))
    s = ShadowComparator(classes=3)
    for i in range(n):
        s.record(f"req-{i}", int(live[i]), int(shadow[i]))
    assert s.pending == n and s.labelled == 0
    for i in rng.permutation(n):
        s.label(f"req-{i}", int(y[i]))
    assert s.pending == 0
    a = s.accuracy_difference()
    lc, sc = live == y, shadow == y
    assert a.live_accuracy == lc.mean() and a.shadow_accuracy == sc.mean()
    t = np.array([[np.sum(~lc & ~sc), np.sum(~lc & sc)], [np.sum(lc & ~sc), np.sum(lc & sc)]])
    want = mcnemar(t, exact=True)
    assert rel(a.statistic, want.statistic) and rel(a.pvalue, want.pvalue) and a.pvalue < 1e-6
    # the same at once with labels, merged from two halves, and through pickle
    b1, b2 = ShadowComparator(3), ShadowComparator(3)
    b1.add_many(live[:700], shadow[:700], y[:700])
    b2.add_many(live[700:], shadow[700:], y[700:])
    b1.merge(b2)
    b = pickle.loads(pickle.dumps(b1))
    assert np.array_equal(b.table, s.table) and b.accuracy_difference().pvalue == a.pvalue
    with pytest.raises(ValueError, match="'req-1' is not waiting for a label"):
        s.label("req-1", 0)


def test_shadow_edge_cases_are_defined():
    s = ShadowComparator(2)
    with pytest.raises(ValueError, match="no records"):
        s.kappa()
    s.add_many([1, 1, 1], [1, 1, 1])  # no disagreement, a single class: p_e = 1
    k = s.kappa()
    assert (k.kappa, k.std_err, k.pvalue) == (1.0, 0.0, 1.0)
    for t in (s.mcnemar(), s.mcnemar(exact=False), s.symmetry(), s.homogeneity()):
        assert t.statistic == 0 and t.pvalue == 1
    s3 = ShadowComparator(3)
    s3.add_many([0, 1, 2, 0], [0, 1, 2, 0])
    assert s3.homogeneity().pvalue == 1 and s3.symmetry().pvalue == 1
    assert s3.kappa().kappa == 1.0
    with pytest.raises(ValueError, match="labelled records"):
        s3.accuracy_difference()
    c = ShadowComparator(2, pending_capacity=2)
    for i in range(3):
        c.record(str(i), 0, 1)
    assert c.pending == 2 and c.evicted == 1
    with pytest.raises(ValueError, match="evicted"):
        c.label("0", 1)
    c.label("2", 1)


def test_shadow_bad_input():
    with pytest.raises(ValueError, match="classes must be in \\[2, 65535\\]"):
        ShadowComparator(1)
    s = ShadowComparator(3)
    with pytest.raises(ValueError, match="shadow\\[1\\] = 3 is not a class in \\[0, 3\\)"):
        s.add_many([0, 1], [0, 3])
    with pytest.raises(ValueError, match="live class 5 is outside"):
        s.add(5, 0)
    with pytest.raises(ValueError, match="live has 2 values, shadow 1"):
        s.add_many([0, 1], [0])
    s.record("a", 0, 0)
    with pytest.raises(ValueError, match="already waiting"):
        s.record("a", 1, 1)
    with pytest.raises(ValueError, match="other has 2 classes, this has 3"):
        s.merge(ShadowComparator(2))
    assert s.n == 1
    with pytest.raises(ValueError):
        ShadowComparator.from_bytes(s.to_bytes()[:-3])


# --- shadow comparison of regressors: parity with scipy -----------------------------------

from scipy import stats  # noqa: E402

from driftscope.deploy import ShadowRegression  # noqa: E402


@pytest.mark.parametrize("n,kind", [(8, "ties"), (12, "zeros"), (20, "plain"), (45, "plain"), (60, "ties"),
                                    (400, "plain"), (3000, "rounded")])
def test_shadow_regression_matches_scipy(n, kind):
    rng = np.random.default_rng(n)
    live = rng.normal(10, 2, n)
    shadow = live + rng.normal(0.2, 1, n)
    if kind == "ties":
        shadow = live + np.round(rng.normal(0.3, 1, n))
    elif kind == "zeros":
        shadow = live + np.where(rng.random(n) < 0.3, 0.0, np.round(rng.normal(0.5, 1, n), 1))
        shadow[live == shadow] = live[live == shadow]
    elif kind == "rounded":
        live, shadow = np.round(live, 1), np.round(shadow, 1)
    s = ShadowRegression()
    s.add_many(live, shadow)
    want = stats.ttest_rel(shadow, live)
    got = s.paired_t(0.95)
    assert rel(got.statistic, want.statistic, 1e-9) and rel(got.pvalue, want.pvalue, 1e-8)
    lo, hi = want.confidence_interval(0.95)
    assert rel(got.confidence_interval[0], lo, 1e-9) and rel(got.confidence_interval[1], hi, 1e-9)
    d = shadow - live
    ba = s.bland_altman()
    assert rel(ba.bias, d.mean()) and rel(ba.upper, d.mean() + 1.96 * d.std(ddof=1), 1e-9)
    w = stats.wilcoxon(d)
    got_w = s.wilcoxon()
    assert rel(got_w.statistic, w.statistic, 1e-12) and rel(got_w.pvalue, w.pvalue, 1e-9), (got_w, w)


def test_shadow_regression_losses_and_merge():
    rng = np.random.default_rng(9)
    y = rng.normal(0, 1, 500)
    live, shadow = y + rng.normal(0, 1.0, 500), y + rng.normal(0, 0.8, 500)
    a, b = ShadowRegression(), ShadowRegression()
    a.add_many(live[:200], shadow[:200], y[:200])
    b.add_many(live[200:], shadow[200:], y[200:])
    a.merge(b)
    r = a.loss_difference()
    ll, sl = (live - y) ** 2, (shadow - y) ** 2
    want = stats.ttest_rel(ll, sl)
    assert rel(r.paired_t.statistic, want.statistic, 1e-9) and rel(r.paired_t.pvalue, want.pvalue, 1e-8)
    dl = ll - sl
    dm = dl.mean() / np.sqrt(dl.var() / len(dl))  # Diebold-Mariano, one-step: population variance
    assert rel(r.dm_statistic, dm, 1e-9) and rel(r.dm_pvalue, 2 * stats.norm.sf(abs(dm)), 1e-9)
    assert r.labelled == 500 and a.n == 500
    with pytest.raises(ValueError, match="at least 2 records"):
        ShadowRegression().paired_t()
    with pytest.raises(ValueError, match="no non-zero differences"):
        c = ShadowRegression()
        c.add_many([1.0, 2.0], [1.0, 2.0])
        c.wilcoxon()
    with pytest.raises(ValueError, match="record 1 is not finite"):
        ShadowRegression().add_many([1.0, np.nan], [1.0, 2.0])
    c = ShadowRegression()
    c.add_many([1.0, 2.0, 3.0], [1.5, 2.5, 3.5])  # a constant difference: t = inf, p = 0 (scipy: NaN)
    assert c.paired_t().statistic == np.inf and c.paired_t().pvalue == 0


# --- the sequential gate ------------------------------------------------------------------

from driftscope.deploy import MSPRTGate  # noqa: E402


def test_msprt_aa_runs_keep_alpha_while_peeking_inflates_a_t_test():
    rng = np.random.default_rng(17)
    runs, checks, batch = 400, 50, 20
    ours = naive = 0
    for _ in range(runs):
        g = MSPRTGate(tau2=0.1, alpha=0.05)
        a_all, b_all, naive_hit = [], [], False
        for _ in range(checks):
            a, b = rng.normal(size=batch), rng.normal(size=batch)
            g.update(a=a, b=b)
            a_all.append(a)
            b_all.append(b)
            if not naive_hit and stats.ttest_ind(np.concatenate(b_all), np.concatenate(a_all)).pvalue <= 0.05:
                naive_hit = True  # a fixed-horizon test, peeked at after every batch
        ours += g.reject
        naive += naive_hit
    assert ours / runs <= 0.05 + 3 * math.sqrt(0.05 * 0.95 / runs)
    assert naive / runs > 0.15  # the peeking problem the gate exists for


def test_msprt_detects_a_rate_increase_and_bad_input():
    rng = np.random.default_rng(2)
    g = MSPRTGate(tau2=0.001, variance_a=0.05 * 0.95, variance_b=0.05 * 0.95)  # error rates, baseline 5 %
    steps = 0
    while not g.reject and steps < 200:
        g.update(a=(rng.random(500) < 0.05).astype(float), b=(rng.random(500) < 0.08).astype(float))
        steps += 1
    assert g.reject and g.difference > 0 and g.pvalue <= 0.05
    with pytest.raises(ValueError, match="tau2 must be > 0"):
        MSPRTGate(tau2=0)
    with pytest.raises(ValueError, match="values must be finite"):
        MSPRTGate().update(a=[1.0, np.nan])


# --- the ramp: router + gate + controller -------------------------------------------------

from driftscope.deploy import RampController  # noqa: E402


def run_canary(canary_error_rate, seed):
    """A canary ramp 5 -> 10 -> 25 -> 50 %: each interval routes 20,000 requests, feeds the
    errors of both arms to a fresh sequential gate, and lets the controller decide."""
    rng = np.random.default_rng(seed)
    router, ramp = Router(salt="rollout-7"), RampController(steps=[5, 10, 25, 50])
    decisions = []
    while not ramp.finished:
        router.canary_weight = ramp.weight
        canary, _, _ = router.route_many([f"u{seed}-{len(decisions)}-{i}" for i in range(20_000)])
        gate = MSPRTGate(tau2=1e-3)
        errors = rng.random(canary.size) < np.where(canary, canary_error_rate(ramp.weight), 0.05)
        gate.update(a=errors[~canary].astype(float), b=errors[canary].astype(float))
        d = ramp.next(score=100.0, gate_failed=gate.reject and gate.difference > 0)
        decisions.append((d.action, d.weight))
    return decisions


def test_good_model_promoted_bad_model_rolled_back_where_it_fails():
    good = run_canary(lambda w: 0.05, seed=1)
    assert good == [("advance", 10), ("advance", 25), ("advance", 50), ("promote", 100)]
    # errors rise under real traffic: fine at 5-10 %, 15 % errors from 25 % of the traffic on
    bad = run_canary(lambda w: 0.05 if w < 25 else 0.15, seed=2)
    assert bad == [("advance", 10), ("advance", 25), ("rollback", 0)]


def test_ramp_controller_bad_input():
    with pytest.raises(ValueError, match="steps must increase"):
        RampController(steps=[10, 5])
    with pytest.raises(ValueError, match="steps must not be empty"):
        RampController(steps=[])
    with pytest.raises(ValueError, match="must be a percentage in \\[0, 100\\], got 120"):
        RampController(steps=[50, 120])
    with pytest.raises(ValueError, match="marginal_score \\(99\\) must be <= pass_score \\(95\\)"):
        RampController(marginal_score=99)
    r = RampController(steps=[50])
    assert r.next(100).action == "promote"
    with pytest.raises(RuntimeError, match="already ended"):
        r.next(100)
