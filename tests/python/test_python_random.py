"""driftscope's copy of CPython's random.Random (core/python_random.hpp) against the
interpreter's own random module: state after seeding, random(), getrandbits, _randbelow
and sample(range(n), k) in both of sample's branches. Expected values come from Python."""

import random

import pytest

from driftscope import _core

SEEDS = [0, 1, 2, 42, 12345, 2**31 - 1, 2**32 - 1, 2**32, 2**32 + 1, 2**53 + 3, 2**63, 2**64 - 1,
         12345678901234567890, -1, -42, -(2**64 - 1), 2**64, 2**100 + 7, 3**200, True]


@pytest.mark.parametrize("seed", SEEDS)
def test_state_after_seeding(seed):
    expected = random.Random(seed).getstate()[1]
    assert _core._python_random_state(seed) == expected
    r = random.Random(seed)
    for _ in range(1000):
        r.getrandbits(32)
    assert _core._python_random_state(seed, 1000) == r.getstate()[1]


@pytest.mark.parametrize("seed", SEEDS)
def test_random(seed):
    r = random.Random(seed)
    assert _core._python_random_random(seed, 1500) == [r.random() for _ in range(1500)]


@pytest.mark.parametrize("k", [0, 1, 5, 17, 31, 32, 33, 47, 63, 64])
def test_getrandbits(k):
    for seed in SEEDS[:8]:
        r = random.Random(seed)
        assert _core._python_random_getrandbits(seed, k, 700) == [r.getrandbits(k) for _ in range(700)]


@pytest.mark.parametrize("n", [1, 2, 3, 7, 70, 2**31, 2**32 - 1, 2**32, 2**32 + 1, 10**12 + 39, 2**63 + 5, 2**64 - 1])
def test_randbelow(n):
    for seed in SEEDS[:6]:
        r = random.Random(seed)
        assert _core._python_random_randbelow(seed, n, 700) == [r._randbelow(n) for _ in range(700)]


# (n, k) pairs covering both branches of Random.sample: the pool branch when
# n <= 21 + 4**ceil(log(3k, 4)) (21 for k <= 5), else the selected-set branch.
# (len(range(n)) must fit a C ssize_t, so n < 2**63 here.)
SAMPLE_CASES = [
    (0, 0), (1, 0), (1, 1), (5, 5), (21, 3), (22, 3), (22, 5), (100, 5), (10, 6), (85, 6), (86, 6),
    (85, 10), (86, 10), (20, 10), (70, 30), (277, 30), (278, 30), (970, 30), (1000, 1000), (5000, 21),
    (2**40, 50), (2**63 - 1, 7), (1093, 341), (1094, 342), (4117, 342), (4118, 342), (100000, 300),
]


@pytest.mark.parametrize("n,k", SAMPLE_CASES)
def test_sample_both_branches(n, k):
    for seed in [0, 1, 42, 2**64 - 1, 987654321, -7]:
        assert _core._python_random_sample(seed, n, k) == random.Random(seed).sample(range(n), k), (seed, n, k)


def test_sample_many_random_cases():
    rng = random.Random(2024)
    for _ in range(400):
        k = rng.choice([rng.randint(0, 12), rng.randint(0, 200)])
        n = k + rng.choice([0, rng.randint(0, 30), rng.randint(0, 3000), rng.randint(0, 2**40)])
        seed = rng.choice([rng.randint(0, 2**32), rng.randint(0, 2**70), -rng.randint(0, 2**20)])
        assert _core._python_random_sample(seed, n, k) == random.Random(seed).sample(range(n), k), (seed, n, k)


@pytest.mark.parametrize("n,k", [(70, 30), (20, 10), (970, 30), (95, 5), (3, 3), (2**33, 40)])
def test_repeated_samples_continue_the_stream(n, k):
    # KSWIN draws one sample per update from one generator, reusing its scratch buffer
    for seed in [0, 7, 2**64 - 1]:
        r = random.Random(seed)
        assert _core._python_random_samples(seed, n, k, 60) == [r.sample(range(n), k) for _ in range(60)]


def test_errors():
    with pytest.raises(ValueError, match="larger"):
        _core._python_random_sample(0, 3, 4)
    with pytest.raises(TypeError, match="seed"):
        _core._python_random_random(1.5, 1)
    with pytest.raises(ValueError, match="n"):
        _core._python_random_randbelow(0, 0, 1)
