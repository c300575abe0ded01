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


# --- output drift, latency and errors per arm, state bytes (issue 8 §1) -------------------

EPSILON = 1e-4  # psi's documented floor of each proportion


def psi_reference(ref_counts, cur_counts, eps=EPSILON):
    """The library's documented PSI, computed here: proportions clipped at eps, sum (c - r) ln(c / r)."""
    r = np.maximum(np.asarray(ref_counts, float) / np.sum(ref_counts), eps)
    c = np.maximum(np.asarray(cur_counts, float) / np.sum(cur_counts), eps)
    return float(np.sum((c - r) * np.log(c / r)))


@pytest.mark.parametrize("seed,k", [(1, 2), (2, 4), (3, 6)])
def test_shadow_classification_output_drift_matches_numpy_and_scipy(seed, k):
    rng = np.random.default_rng(seed)
    n = 2000
    live = rng.integers(0, k - 1, n)  # class k - 1 never live
    shadow = np.where(rng.random(n) < 0.7, live, rng.integers(0, k, n))
    s = ShadowComparator(k)
    s.add_many(live, shadow)
    r, c = np.bincount(live, minlength=k), np.bincount(shadow, minlength=k)
    assert rel(s.output_psi(), psi_reference(r, c), 1e-12)
    assert rel(s.output_psi(0.01), psi_reference(r, c, 0.01), 1e-12)
    used = (r + c) > 0
    for correction in (True, False):
        want = stats.chi2_contingency(np.vstack([r[used], c[used]]), correction=correction)
        got = s.output_chi2(correction)
        assert rel(got.statistic, want.statistic, 1e-10) and rel(got.pvalue, want.pvalue, 1e-9)
        assert got.df == want.dof
    with pytest.raises(ValueError, match="no records"):
        ShadowComparator(k).output_psi()
    with pytest.raises(ValueError, match="epsilon"):
        s.output_psi(0.0)


@pytest.mark.parametrize("window,n,shift", [(500, 800, 0.3), (50, 50, 0.0), (3000, 12000, 0.05)])
def test_shadow_regression_output_drift_matches_numpy_and_scipy(window, n, shift):
    rng = np.random.default_rng(window)
    live = rng.normal(10, 2, n)
    shadow = live * 0.9 + rng.normal(1 + shift, 1, n)
    s = ShadowRegression(window)
    s.add_many(live, shadow)
    lw, sw = live[-window:], shadow[-window:]  # the most recent `window` records
    kl, ks_ = s.kept_outputs()
    assert np.array_equal(kl, lw) and np.array_equal(ks_, sw) and s.kept == window
    want = stats.ks_2samp(lw, sw)
    got = s.output_ks()
    assert got.statistic == pytest.approx(want.statistic, rel=1e-12)
    assert rel(got.pvalue, want.pvalue, 1e-9)
    # PSI as documented: edges at the live window's deciles (numpy.quantile 'linear'), bin of
    # x = searchsorted(edges, x, side='right'), proportions clipped at 1e-4
    edges = np.unique(np.quantile(lw, np.arange(1, 10) / 10))
    count = lambda x: np.bincount(np.searchsorted(edges, x, side="right"), minlength=len(edges) + 1)  # noqa: E731
    assert rel(s.output_psi(), psi_reference(count(lw), count(sw)), 1e-12)
    uni = np.linspace(lw.min(), lw.max(), 6)[1:-1]
    count_u = lambda x: np.bincount(np.searchsorted(uni, x, side="right"), minlength=len(uni) + 1)  # noqa: E731
    assert rel(s.output_psi(binning="uniform", bins=5), psi_reference(count_u(lw), count_u(sw)), 1e-9)
    assert rel(s.output_psi(binning=edges), psi_reference(count(lw), count(sw)), 1e-12)


@pytest.mark.parametrize("cls", [ShadowComparator, ShadowRegression])
def test_latency_and_errors_per_arm_match_numpy(cls):
    rng = np.random.default_rng(17)
    live = rng.lognormal(-4, 0.5, 5000)
    shadow = rng.lognormal(-3.8, 0.7, 4000)
    s = cls()
    for x in live[:100]:
        s.add_latency("live", float(x))
    s.add_latency("live", live[100:])
    s.add_latency("shadow", shadow)
    s.add_error("live", 25)
    s.add_error("shadow")
    alpha = s.latency_accuracy
    assert alpha == 0.01
    for arm, x, errors in (("live", live, 25), ("shadow", shadow, 1)):
        a = s.arm_stats(arm)
        assert (a.requests, a.errors, a.latencies) == (len(x) + errors, errors, len(x))
        assert a.error_rate == errors / (len(x) + errors)
        assert rel(a.mean, x.mean(), 1e-12)
        for q, got in ((0.5, a.p50), (0.9, a.p90), (0.99, a.p99)):
            assert abs(got - np.quantile(x, q, method="lower")) <= alpha * np.quantile(x, q, method="lower")
        assert s.latency(arm).count == len(x)
    for q in (0.5, 0.99):
        ql, qs = np.quantile(live, q, method="lower"), np.quantile(shadow, q, method="lower")
        assert abs(s.latency_difference(q) - (qs - ql)) <= alpha * (ql + qs)
    # an arm without requests: a clear error; with errors only: NaN quantiles
    e = cls()
    with pytest.raises(ValueError, match="the shadow arm has no requests"):
        e.arm_stats("shadow")
    e.add_error("shadow", 2)
    e.add_latency("live", 0.5)
    st_ = e.arm_stats("shadow")
    assert st_.error_rate == 1.0 and math.isnan(st_.p99)
    with pytest.raises(ValueError, match="the shadow arm has no latency"):
        e.latency_difference(0.5)
    # merge adds both arms exactly
    m = cls()
    m.add_latency("shadow", 2.0)
    m.merge(s)
    assert m.arm_stats("shadow").requests == len(shadow) + 2 and m.latency("shadow").max == 2.0


@pytest.mark.parametrize("cls", [ShadowComparator, ShadowRegression])
def test_latency_bad_input_names_the_argument(cls):
    s = cls()
    name = cls.__name__
    with pytest.raises(ValueError, match=f"{name}.add_latency: arm must be 'live' or 'shadow', got 'canary'"):
        s.add_latency("canary", 0.1)
    with pytest.raises(ValueError, match="seconds must be finite and >= 0, got -0.1"):
        s.add_latency("live", -0.1)
    with pytest.raises(ValueError, match="seconds must be finite and >= 0, got nan"):
        s.add_latency("live", float("nan"))
    with pytest.raises(ValueError, match=r"seconds\[1\] must be finite and >= 0, got inf"):
        s.add_latency("shadow", np.array([0.1, np.inf]))
    with pytest.raises(ValueError, match="seconds must be a number or a 1-D array"):
        s.add_latency("shadow", np.zeros((2, 2)))
    with pytest.raises(ValueError, match=f"{name}.add_error: count must be >= 0, got -1"):
        s.add_error("live", -1)
    with pytest.raises(ValueError, match=f"{name}.add_error: arm must be"):
        s.add_error("both")
    with pytest.raises(ValueError, match="arm must be"):
        s.arm_stats("Live")
    s.add_latency("live", 0.1)
    s.add_latency("shadow", 0.1)
    with pytest.raises(ValueError, match="q must be in \\[0, 1\\], got 1.5"):
        s.latency_difference(1.5)
    assert s.arm_stats("live").requests == 1 and s.arm_stats("shadow").requests == 1  # nothing else recorded
    with pytest.raises(ValueError, match="latency_accuracy must be in"):
        cls(latency_accuracy=0.0)
    other = cls(latency_accuracy=0.001)
    with pytest.raises(ValueError, match="latency_accuracy"):
        s.merge(other)


def test_shadow_regression_window_arguments():
    assert ShadowRegression().window == 100000
    assert ShadowRegression(7).window == 7
    assert ShadowRegression(wilcoxon_capacity=9).window == 9  # the former name
    with pytest.raises(ValueError, match="window must be >= 1, got 0"):
        ShadowRegression(0)
    with pytest.raises(ValueError, match="wilcoxon_capacity must be >= 1, got -2"):
        ShadowRegression(wilcoxon_capacity=-2)
    with pytest.raises(ValueError, match="not both"):
        ShadowRegression(5, wilcoxon_capacity=5)
    s = ShadowRegression(5)
    with pytest.raises(ValueError, match="no records"):
        s.output_ks()
    with pytest.raises(ValueError, match="no records"):
        s.output_psi()


def test_state_bytes_pickle_and_continue_alike():
    rng = np.random.default_rng(3)
    sc = ShadowComparator(3)
    sc.add_many(rng.integers(0, 3, 200), rng.integers(0, 3, 200), rng.integers(0, 3, 200))
    sc.add_latency("live", rng.exponential(0.01, 50))
    sc.add_error("shadow", 3)
    sr = ShadowRegression(64)
    sr.add_many(rng.normal(size=100), rng.normal(size=100), rng.normal(size=100))
    sr.add_latency("shadow", rng.exponential(0.02, 30))
    g = MSPRTGate(tau2=0.5)
    g.update(rng.normal(0, 1, 50), rng.normal(0.3, 1, 50))
    rc = RampController(steps=[1, 5, 25], mirror_first=True, intervals_per_step=2, failed_check_threshold=2)
    rc.next(99)
    rc.next(60)
    for obj, magic, family in ((sc, b"DSSC", 49), (sr, b"DSSR", 50), (g, b"DSMG", 51), (rc, b"DSRC", 52)):
        b = obj.to_bytes()
        assert b[:4] == magic and b[4] == family
        back = pickle.loads(pickle.dumps(obj))
        assert back.to_bytes() == b
        assert type(obj).from_bytes(b).to_bytes() == b
        for cut in (0, 7, len(b) // 2, len(b) - 1):
            with pytest.raises(ValueError):
                type(obj).from_bytes(b[:cut])
    assert sc.to_bytes()[5] == 2  # DSSC version 2 carries the arms
    back = pickle.loads(pickle.dumps(sr))
    assert back.output_ks().pvalue == sr.output_ks().pvalue and back.window == 64
    gb = pickle.loads(pickle.dumps(g))
    x = rng.normal(1, 1, 40)
    assert gb.update(b=x) == g.update(b=x)
    rb = pickle.loads(pickle.dumps(rc))
    for score in (99, 99, 99, 99, 99):
        want, got = rc.next(score), rb.next(score)
        assert (got.action, got.weight, got.reason) == (want.action, want.weight, want.reason)
    with pytest.raises(ValueError, match="unsupported pickle version"):
        MSPRTGate.__new__(MSPRTGate).__setstate__((2, g.to_bytes()))
