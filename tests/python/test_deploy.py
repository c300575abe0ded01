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
