// Tests of driftscope::python_random against CPython 3.11's random.Random
// (tests/cpp/data/gen_kswin_fixtures.py writes python_random_fixtures.inc from Python's own
// random module): 32-bit outputs across a state regeneration, random(), getrandbits(k),
// _randbelow(n) and sample(range(n), k) in both of sample's branches, plus state
// save / restore and argument checks.

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "catch.hpp"
#include "driftscope/core/python_random.hpp"
#include "stats_test_util.hpp"

namespace ds = driftscope;
using stats_test::throws_with;

namespace {

struct bits_case {
  unsigned k;
  std::vector<std::uint64_t> values;
};
struct below_case {
  std::uint64_t n;
  std::vector<std::uint64_t> values;
};
struct sample_case {
  std::uint64_t n, k;
  std::vector<std::uint64_t> flat;  // three successive samples
};
struct pr_case {
  const char* name;
  std::vector<std::uint32_t> key;
  std::vector<std::uint32_t> u32;
  std::vector<double> randoms;
  std::vector<bits_case> bits;
  std::vector<below_case> below;
  std::vector<sample_case> samples;
};

#include "data/python_random_fixtures.inc"

ds::python_random make(const pr_case& c) {
  return ds::python_random(c.key.data(), c.key.size());
}

}  // namespace

TEST_CASE("python_random reproduces CPython's random.Random", "[python_random]") {
  for (const auto& c : pr_cases) {
    INFO(c.name);
    auto r = make(c);
    for (std::size_t i = 0; i < c.u32.size(); ++i) {
      INFO(i);
      REQUIRE(r.next_u32() == c.u32[i]);
    }
    r = make(c);
    for (double expected : c.randoms) CHECK(r.random() == expected);
    for (const auto& b : c.bits) {
      INFO("getrandbits k=" << b.k);
      r = make(c);
      for (auto v : b.values) CHECK(r.getrandbits(b.k) == v);
    }
    for (const auto& b : c.below) {
      INFO("randbelow n=" << b.n);
      r = make(c);
      for (auto v : b.values) CHECK(r.randbelow(b.n) == v);
    }
    std::vector<std::uint64_t> scratch;
    for (const auto& s : c.samples) {
      INFO("sample n=" << s.n << " k=" << s.k);
      r = make(c);
      std::vector<std::uint64_t> got(s.flat.size());
      for (std::size_t rep = 0; rep < 3; ++rep) r.sample(s.n, s.k, got.data() + rep * s.k, scratch);
      CHECK(got == s.flat);
      auto fresh = make(c);
      const auto first = fresh.sample(s.n, s.k);
      CHECK(std::vector<std::uint64_t>(s.flat.begin(),
                                       s.flat.begin() + static_cast<std::ptrdiff_t>(s.k)) == first);
    }
  }
}

TEST_CASE("python_random seeding from 64-bit ints and words", "[python_random]") {
  // seed 2**32 is the key {0, 1}; high zero words are ignored, as CPython's bit length
  const std::uint32_t k1[] = {0u, 1u}, k2[] = {0u, 1u, 0u, 0u};
  CHECK(ds::python_random(std::uint64_t{1} << 32) == ds::python_random(k1, 2));
  CHECK(ds::python_random(k2, 4) == ds::python_random(k1, 2));
  const std::uint32_t zero[] = {0u};
  CHECK(ds::python_random(0) == ds::python_random(zero, 1));
  CHECK(ds::python_random(nullptr, 0) == ds::python_random(0));
  CHECK(ds::python_random(5) != ds::python_random(6));
  CHECK(ds::python_random(5).index() == ds::python_random::state_size);
}

TEST_CASE("python_random sample branch choice and state restore", "[python_random]") {
  // CPython: pool when n <= 21 + 4**ceil(log(3k, 4)) (k > 5), else 21
  CHECK(ds::python_random::uses_pool(21, 5));
  CHECK_FALSE(ds::python_random::uses_pool(22, 5));
  CHECK(ds::python_random::uses_pool(85, 6));  // 21 + 64
  CHECK_FALSE(ds::python_random::uses_pool(86, 6));
  CHECK(ds::python_random::uses_pool(277, 30));  // 21 + 256
  CHECK_FALSE(ds::python_random::uses_pool(278, 30));
  CHECK(ds::python_random::uses_pool(~std::uint64_t{0}, std::uint64_t{1} << 62));

  ds::python_random a(77);
  for (int i = 0; i < 1000; ++i) (void)a.next_u32();
  ds::python_random b(0);
  b.set_state(a.state().data(), a.index());
  CHECK(a == b);
  for (int i = 0; i < 700; ++i) REQUIRE(a.next_u32() == b.next_u32());
  CHECK(throws_with<std::invalid_argument>([&] { b.set_state(a.state().data(), 625); }, "index"));
}

TEST_CASE("python_random argument checks", "[python_random]") {
  ds::python_random r(1);
  std::vector<std::uint64_t> scratch, out(4);
  CHECK(throws_with<std::invalid_argument>([&] { r.sample(3, 4, out.data(), scratch); }, "larger"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)r.randbelow(0); }, "n must be > 0"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)r.getrandbits(65); }, "k must be <= 64"));
  CHECK(r.getrandbits(0) == 0);
  CHECK(r.sample(10, 0).empty());
  CHECK(ds::python_random::bit_length(0) == 0);
  CHECK(ds::python_random::bit_length(1) == 1);
  CHECK(ds::python_random::bit_length(~std::uint64_t{0}) == 64);
}
