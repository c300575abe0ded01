// Tests of the monitoring sketches: hyperloglog, frequent_items, latency_sketch.
// Oracles: exact distinct counts (the streams are distinct by construction), exact
// counts in std::unordered_map / std::map, exact sorted quantiles (numpy 'lower'), and a
// plain std::map model of DDSketch's collapsing store. Python parity with datasketches /
// ddsketch / numpy is in tests/python/test_monitor_sketches.py.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "catch.hpp"
#include "driftscope/sketch/frequent_items.hpp"
#include "driftscope/sketch/hyperloglog.hpp"
#include "driftscope/sketch/latency_sketch.hpp"

namespace ds = driftscope;

namespace monitor_sketches_test {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

template <class F>
bool throws_invalid(F&& f, const std::string& needle) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return std::string(e.what()).find(needle) != std::string::npos;
  } catch (...) {
    return false;
  }
  return false;
}

/// Every proper prefix of `bytes` throws out_of_range.
template <class Obj>
void check_truncation(const std::vector<std::uint8_t>& bytes) {
  for (std::size_t len = 0; len < bytes.size(); ++len) {
    INFO("length " << len);
    CHECK_THROWS_AS(Obj::deserialize(bytes.data(), len), std::out_of_range);
  }
}

/// `bytes` with byte `at` set to `value` throws invalid_argument.
template <class Obj>
void check_corrupt(std::vector<std::uint8_t> bytes, std::size_t at, std::uint8_t value) {
  INFO("byte " << at << " := " << int{value});
  bytes[at] = value;
  CHECK_THROWS_AS(Obj::deserialize(bytes.data(), bytes.size()), std::invalid_argument);
}

template <class T>
void put_at(std::vector<std::uint8_t>& b, std::size_t at, T v) {
  std::memcpy(b.data() + at, &v, sizeof v);  // the test hosts are little-endian
}

// ------------------------------------------------------------------------------------
// hyperloglog
// ------------------------------------------------------------------------------------

/// n distinct 64-bit integers, different for every seed (a random odd multiplier and
/// offset: i -> a·i + b is injective modulo 2^64).
std::vector<std::int64_t> distinct_ints(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  const std::uint64_t a = g() | 1, b = g();
  std::vector<std::int64_t> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<std::int64_t>(a * i + b);
  return x;
}

double rms_relative_error(int p, std::size_t n, int streams, std::uint64_t seed0) {
  double sq = 0;
  for (int s = 0; s < streams; ++s) {
    ds::hyperloglog h(p);
    const auto x = distinct_ints(n, seed0 + static_cast<std::uint64_t>(s));
    h.update_many(x.data(), x.size());
    const double rel = h.estimate() / static_cast<double>(n) - 1;
    sq += rel * rel;
  }
  return std::sqrt(sq / streams);
}

TEST_CASE("hyperloglog: parameters and empty state", "[monitor_sketches][hyperloglog]") {
  CHECK(throws_invalid([] { ds::hyperloglog h(3); }, "p must be in [4, 18], got 3"));
  CHECK(throws_invalid([] { ds::hyperloglog h(19); }, "got 19"));
  ds::hyperloglog h;
  CHECK(h.p() == 12);
  CHECK(h.num_registers() == 4096);
  CHECK(h.is_empty());
  CHECK(h.estimate() == 0.0);
  CHECK_THAT(h.relative_standard_error(), Catch::Matchers::WithinRel(1.04 / 64, 1e-15));
  h.update(std::int64_t{7});
  CHECK_FALSE(h.is_empty());
}

TEST_CASE("hyperloglog: relative error matches 1.04/sqrt(m)", "[monitor_sketches][hyperloglog]") {
  SECTION("RMS over 200 streams at n = 100000, p = 12") {
    const double rse = 1.04 / std::sqrt(4096.0);
    const double rms = rms_relative_error(12, 100000, 200, 1000);
    INFO("rms " << rms << " vs " << rse);
    CHECK(rms >= 0.7 * rse);
    CHECK(rms <= 1.3 * rse);
  }
  SECTION("other p: RMS over 100 streams at n = 50000") {
    for (int p : {8, 10, 14}) {
      const double rse = 1.04 / std::sqrt(std::ldexp(1.0, p));
      const double rms = rms_relative_error(p, 50000, 100, 5000 + static_cast<std::uint64_t>(p));
      INFO("p " << p << " rms " << rms << " vs " << rse);
      CHECK(rms >= 0.7 * rse);
      CHECK(rms <= 1.3 * rse);
    }
  }
  SECTION("n from 1000 to 10^6: each stream within 4 standard errors (smaller n: below)") {
    const double rse = 1.04 / std::sqrt(4096.0);
    for (std::size_t n : {1000u, 3000u, 10000u, 30000u, 100000u, 1000000u}) {
      const int streams = n >= 1000000 ? 10 : 40;
      for (int s = 0; s < streams; ++s) {
        ds::hyperloglog h(12);
        const auto x = distinct_ints(n, 77 * n + static_cast<std::uint64_t>(s));
        h.update_many(x.data(), x.size());
        INFO("n " << n << " stream " << s << " estimate " << h.estimate());
        CHECK(std::abs(h.estimate() / static_cast<double>(n) - 1) <= 4 * rse);
      }
    }
  }
  SECTION("small n is nearly exact (linear-counting regime)") {
    // n <= 200 items in m = 4096 registers: a collision is rare, and the estimate behaves
    // like linear counting, standard error about n / sqrt(2m) (n = 200: 2.2 items)
    double bias = 0;
    int runs = 0;
    for (std::size_t n : {1u, 2u, 5u, 10u, 20u, 50u, 100u, 200u})
      for (std::uint64_t s = 0; s < 20; ++s) {
        ds::hyperloglog h(12);
        const auto x = distinct_ints(n, 99 + s);
        h.update_many(x.data(), x.size());
        const double sd = static_cast<double>(n) / std::sqrt(2.0 * 4096);
        INFO("n " << n << " estimate " << h.estimate());
        CHECK(std::abs(h.estimate() - static_cast<double>(n)) <= 1 + 4 * sd);
        if (n <= 5) CHECK(std::abs(h.estimate() - static_cast<double>(n)) < 0.01);
        bias += (h.estimate() - static_cast<double>(n)) / static_cast<double>(n);
        ++runs;
      }
    CHECK(std::abs(bias / runs) < 0.005);  // no systematic small-range bias
  }
}

TEST_CASE("hyperloglog: doubles and strings are well hashed too",
          "[monitor_sketches][hyperloglog]") {
  const double rse = 1.04 / std::sqrt(4096.0);
  double sq_d = 0, sq_s = 0;
  const int streams = 60;
  const std::size_t n = 20000;
  for (int s = 0; s < streams; ++s) {
    std::mt19937_64 g(static_cast<std::uint64_t>(s) + 31);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    ds::hyperloglog hd, hs;
    for (std::size_t i = 0; i < n; ++i) {
      hd.update(u(g));  // distinct with probability ~1 - 1e-8
      hs.update("user-" + std::to_string(i) + "/" +
                std::to_string(s));  // short, sequential: the hard case
    }
    const double ed = hd.estimate() / n - 1, es = hs.estimate() / n - 1;
    sq_d += ed * ed;
    sq_s += es * es;
  }
  const double rms_d = std::sqrt(sq_d / streams), rms_s = std::sqrt(sq_s / streams);
  INFO("doubles " << rms_d << " strings " << rms_s << " expected " << rse);
  // 60 streams: the RMS is within ±10% of its expectation one sigma in two
  CHECK(rms_d >= 0.6 * rse);
  CHECK(rms_d <= 1.4 * rse);
  CHECK(rms_s >= 0.6 * rse);
  CHECK(rms_s <= 1.4 * rse);
}

TEST_CASE("hyperloglog: duplicates, normalisation, item kinds", "[monitor_sketches][hyperloglog]") {
  const auto x = distinct_ints(5000, 3);
  ds::hyperloglog once, many;
  once.update_many(x);
  for (int r = 0; r < 7; ++r) many.update_many(x.data(), x.size());
  CHECK(once == many);

  ds::hyperloglog a, b;
  a.update(0.0);
  a.update(kNaN);
  std::uint64_t payload_nan_bits = 0x7ff0000000000123ULL;
  double payload_nan;
  std::memcpy(&payload_nan, &payload_nan_bits, sizeof payload_nan);
  for (double v : {-0.0, 0.0, kNaN, -kNaN, payload_nan}) b.update(v);
  CHECK(a == b);
  CHECK_THAT(b.estimate(), Catch::Matchers::WithinAbs(2.0, 0.01));

  ds::hyperloglog kinds;  // 1.0, 1 and "1" are three items
  kinds.update(1.0);
  kinds.update(1);
  kinds.update(std::string("1"));
  kinds.update(1.0f);  // float 1 is the double 1.0
  CHECK_THAT(kinds.estimate(), Catch::Matchers::WithinAbs(3.0, 0.01));

  // update_many over strings / string_views / floats equals update one by one
  std::vector<std::string> words = {"alpha", "beta", "", "gamma",
                                    "a somewhat longer string of 33 b"};
  std::vector<std::string_view> views(words.begin(), words.end());
  ds::hyperloglog w1, w2;
  w1.update_many(words);
  for (auto v : views) w2.update(v);
  CHECK(w1 == w2);
  std::vector<float> f = {1.5f, 2.5f};
  ds::hyperloglog f1, f2;
  f1.update_many(f);
  f2.update(1.5);
  f2.update(2.5);
  CHECK(f1 == f2);
}

TEST_CASE("hyperloglog: merge equals the sketch of the union", "[monitor_sketches][hyperloglog]") {
  const auto x = distinct_ints(40000, 11);
  ds::hyperloglog whole(10), left(10), right(10);
  whole.update_many(x);
  left.update_many(x.data(), 25000);
  right.update_many(x.data() + 15000, 25000);  // overlapping halves
  left.merge(right);
  CHECK(left == whole);
  left.merge(left);  // idempotent
  CHECK(left == whole);
  ds::hyperloglog other_p(11);
  CHECK(throws_invalid([&] { left.merge(other_p); }, "p must match, got 10 and other.p 11"));
}

TEST_CASE("hyperloglog: bytes", "[monitor_sketches][hyperloglog]") {
  ds::hyperloglog h(6);
  const auto x = distinct_ints(300, 5);
  h.update_many(x);
  const auto bytes = h.serialize();
  REQUIRE(bytes.size() == 8 + 64);
  CHECK(bytes.size() == h.serialized_size_bytes());
  CHECK(std::memcmp(bytes.data(), "DSHL", 4) == 0);
  CHECK(bytes[4] == 23);
  CHECK(bytes[5] == 1);
  CHECK(bytes[7] == 6);
  CHECK(std::equal(h.registers().begin(), h.registers().end(), bytes.begin() + 8));
  const auto back = ds::hyperloglog::deserialize(bytes.data(), bytes.size());
  CHECK(back == h);
  CHECK(back.estimate() == h.estimate());

  check_truncation<ds::hyperloglog>(bytes);
  check_corrupt<ds::hyperloglog>(bytes, 0, 'X');  // magic
  check_corrupt<ds::hyperloglog>(bytes, 4, 22);   // family
  check_corrupt<ds::hyperloglog>(bytes, 5, 2);    // version
  check_corrupt<ds::hyperloglog>(bytes, 6, 1);    // flags
  check_corrupt<ds::hyperloglog>(bytes, 7, 3);    // p
  check_corrupt<ds::hyperloglog>(bytes, 7, 19);   // p
  check_corrupt<ds::hyperloglog>(bytes, 8, 60);   // register above 65 - 6 = 59
  auto ok = bytes;
  ok[8] = 59;
  CHECK_NOTHROW(ds::hyperloglog::deserialize(ok.data(), ok.size()));
  auto longer = bytes;
  longer.push_back(0);
  CHECK(throws_invalid([&] { ds::hyperloglog::deserialize(longer.data(), longer.size()); },
                       "trailing"));
  ds::hyperloglog p7(7);  // p = 7 bytes, cut to 64 registers
  auto wrong = p7.serialize();
  wrong.resize(8 + 64);
  CHECK_THROWS_AS(ds::hyperloglog::deserialize(wrong.data(), wrong.size()), std::out_of_range);
}

// ------------------------------------------------------------------------------------
// frequent_items
// ------------------------------------------------------------------------------------

/// n draws from a Zipf(s) law over `universe` ranks (inverse-CDF sampling).
std::vector<std::int64_t> zipf(std::size_t n, std::size_t universe, double s, std::uint64_t seed) {
  std::vector<double> cdf(universe);
  double acc = 0;
  for (std::size_t r = 0; r < universe; ++r)
    cdf[r] = acc += std::pow(static_cast<double>(r + 1), -s);
  for (double& c : cdf) c /= acc;
  std::mt19937_64 g(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<std::int64_t> x(n);
  for (auto& v : x)
    v = static_cast<std::int64_t>(std::lower_bound(cdf.begin(), cdf.end(), u(g)) - cdf.begin()) + 1;
  return x;
}

std::string name_of(std::int64_t rank) {
  return "item-" + std::to_string(rank * 7919 % 100003);
}

/// Checks every SpaceSaving guarantee against the exact counts.
template <class Item, class View>
void check_bounds(const ds::frequent_items<Item>& f,
                  const std::unordered_map<View, std::uint64_t>& exact, std::uint64_t n_total) {
  REQUIRE(f.total_weight() == n_total);
  const double eps_n = static_cast<double>(n_total) / f.k();
  CHECK(static_cast<double>(f.maximum_error()) <= eps_n);
  for (const auto& [item, count] : exact) {
    INFO("count " << count);
    CHECK(f.lower_bound(item) <= count);
    CHECK(f.upper_bound(item) >= count);
    CHECK(f.estimate(item) == f.upper_bound(item));
    CHECK(static_cast<double>(f.upper_bound(item) - count) <= eps_n);
    CHECK(f.upper_bound(item) - count <= f.maximum_error());
    if (static_cast<double>(count) > eps_n) CHECK(f.contains(item));
    if (!f.contains(item)) CHECK(count <= f.maximum_error());
  }
  // no false negatives above N/k; no false positives
  const auto nfn = f.items_above(eps_n);
  for (const auto& [item, count] : exact)
    if (static_cast<double>(count) > eps_n)
      CHECK(
          std::any_of(nfn.begin(), nfn.end(), [&](const auto& r) { return View(r.item) == item; }));
  for (const auto& r : f.items_above(eps_n, ds::frequent_items_error_type::no_false_positives)) {
    CHECK(static_cast<double>(exact.at(View(r.item))) > eps_n);
    CHECK(static_cast<double>(r.lower_bound) > eps_n);
  }
  // rows are sorted and carry the per-item bounds
  const auto all = f.top(f.k());
  CHECK(all.size() == f.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    CHECK(all[i].estimate == f.estimate(all[i].item));
    CHECK(all[i].lower_bound == f.lower_bound(all[i].item));
    CHECK(all[i].upper_bound == all[i].estimate);
    if (i > 0) CHECK(all[i - 1].estimate >= all[i].estimate);
  }
}

TEST_CASE("frequent_items: SpaceSaving bounds on Zipf streams",
          "[monitor_sketches][frequent_items]") {
  for (std::uint32_t k : {8u, 64u, 256u})
    for (double s : {0.8, 1.1, 1.5}) {
      INFO("k " << k << " s " << s);
      const auto ranks = zipf(60000, 20000, s, k * 131 + static_cast<std::uint64_t>(s * 10));
      ds::frequent_items<std::string> fs(k);
      ds::frequent_items<std::int64_t> fi(k);
      ds::frequent_items<double> fd(k);
      std::unordered_map<std::string, std::uint64_t> es;
      std::unordered_map<std::int64_t, std::uint64_t> ei;
      std::unordered_map<double, std::uint64_t> ed;
      for (std::int64_t r : ranks) {
        const std::string name = name_of(r);
        fs.update(name);
        fi.update(r);
        fd.update(static_cast<double>(r) / 8);
        ++es[name];
        ++ei[r];
        ++ed[static_cast<double>(r) / 8];
      }
      check_bounds(fs, es, ranks.size());
      check_bounds(fi, ei, ranks.size());
      check_bounds(fd, ed, ranks.size());
      CHECK(fs.size() == k);
      // the top items are the true top items for a skewed law (s >= 1.1, k >= 64)
      if (s >= 1.1 && k >= 64) CHECK(fi.top(1)[0].item == 1);
    }
}

TEST_CASE("frequent_items: exact below k distinct items, weights, edge cases",
          "[monitor_sketches][frequent_items]") {
  CHECK(throws_invalid([] { ds::frequent_items<std::string> f(0); },
                       "k must be in [1, 16777216], got 0"));
  ds::frequent_items<std::string> f(10);
  CHECK(f.is_empty());
  CHECK(f.top(5).empty());
  CHECK(f.maximum_error() == 0);
  CHECK(f.estimate("x") == 0);
  f.update("a", 5);
  f.update("b");
  f.update("a");
  f.update("c", 0);  // nothing
  f.update(std::string("b"), 2);
  CHECK(f.size() == 2);
  CHECK(f.total_weight() == 9);
  CHECK(f.estimate("a") == 6);
  CHECK(f.lower_bound("a") == 6);
  CHECK(f.estimate("b") == 3);
  CHECK_FALSE(f.contains("c"));
  CHECK(f.upper_bound("c") == 0);
  const auto top = f.top(1);
  REQUIRE(top.size() == 1);
  CHECK(top[0].item == "a");
  CHECK(throws_invalid([&] { f.items_above(kNaN); }, "threshold must not be NaN"));
  CHECK(f.items_above(-1).size() == 2);
  CHECK(f.items_above(3).size() == 1);
  CHECK(f.items_above(3, ds::frequent_items_error_type::no_false_positives).size() == 1);
  ds::frequent_items<std::int64_t> big(2);
  big.update(1, std::numeric_limits<std::uint64_t>::max() - 1);
  CHECK(throws_invalid([&] { big.update(2, 2); }, "would exceed"));
  CHECK(big.total_weight() == std::numeric_limits<std::uint64_t>::max() - 1);

  // k = 1: one counter that every new item takes over
  ds::frequent_items<std::int64_t> one(1);
  for (std::int64_t v : {1, 2, 2, 3}) one.update(v);
  CHECK(one.estimate(3) == 4);
  CHECK(one.lower_bound(3) == 1);
  CHECK(one.maximum_error() == 4);

  // doubles: -0.0 is 0.0 and every NaN one item
  ds::frequent_items<double> fd(4);
  for (double v : {0.0, -0.0, kNaN, -kNaN}) fd.update(v);
  CHECK(fd.size() == 2);
  CHECK(fd.estimate(0.0) == 2);
  CHECK(fd.estimate(kNaN) == 2);
}

TEST_CASE("frequent_items: weighted Zipf stream", "[monitor_sketches][frequent_items]") {
  const auto ranks = zipf(20000, 5000, 1.0, 42);
  std::mt19937_64 g(7);
  std::uniform_int_distribution<std::uint64_t> w(1, 50);
  ds::frequent_items<std::int64_t> f(32);
  std::unordered_map<std::int64_t, std::uint64_t> exact;
  std::uint64_t total = 0;
  std::vector<std::uint64_t> weights(ranks.size());
  for (auto& v : weights) v = w(g);
  f.update_many(ranks.data(), weights.data(), ranks.size());
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    exact[ranks[i]] += weights[i];
    total += weights[i];
  }
  check_bounds(f, exact, total);
}

TEST_CASE("frequent_items: merge keeps the bounds with N = N1 + N2",
          "[monitor_sketches][frequent_items]") {
  SECTION("parts of different laws, merged in a chain and as a tree") {
    const std::uint32_t k = 48;
    std::vector<std::vector<std::int64_t>> parts;
    for (std::uint64_t p = 0; p < 8; ++p) {
      auto part = zipf(8000 + 1000 * p, 3000, 0.9 + 0.1 * static_cast<double>(p % 3), 500 + p);
      for (auto& v : part) v += static_cast<std::int64_t>(p % 2) * 17;  // shifted heavy hitters
      parts.push_back(std::move(part));
    }
    std::unordered_map<std::string, std::uint64_t> exact;
    std::uint64_t total = 0;
    std::vector<ds::frequent_items<std::string>> sums;
    for (const auto& part : parts) {
      ds::frequent_items<std::string> f(k);
      for (auto v : part) {
        f.update(name_of(v));
        ++exact[name_of(v)];
      }
      total += part.size();
      sums.push_back(f);
    }
    ds::frequent_items<std::string> chain(k);
    for (const auto& s : sums) chain.merge(s);
    check_bounds(chain, exact, total);
    while (sums.size() > 1) {  // pairwise tree
      std::vector<ds::frequent_items<std::string>> next;
      for (std::size_t i = 0; i + 1 < sums.size(); i += 2) {
        next.push_back(sums[i]);
        next.back().merge(sums[i + 1]);
      }
      sums = next;
    }
    check_bounds(sums[0], exact, total);
    // and updates after the merge keep them
    for (auto v : zipf(5000, 3000, 1.2, 9)) {
      sums[0].update(name_of(v));
      ++exact[name_of(v)];
      ++total;
    }
    check_bounds(sums[0], exact, total);
  }
  SECTION("summaries that are not full merge exactly") {
    ds::frequent_items<std::int64_t> a(10), b(10);
    for (std::int64_t v : {1, 1, 2, 3}) a.update(v);
    for (std::int64_t v : {1, 4, 4, 5}) b.update(v);
    a.merge(b);
    CHECK(a.size() == 5);
    CHECK(a.maximum_error() == 0);
    CHECK(a.estimate(1) == 3);
    CHECK(a.estimate(4) == 2);
    CHECK(a.lower_bound(4) == 2);
    a.merge(a);  // self-merge doubles
    CHECK(a.estimate(1) == 6);
    CHECK(a.total_weight() == 16);
  }
  SECTION("k must match") {
    ds::frequent_items<std::int64_t> a(10), b(11);
    b.update(1);
    CHECK(throws_invalid([&] { a.merge(b); }, "k must match, got 10 and other.k 11"));
  }
}

TEST_CASE("frequent_items: bytes", "[monitor_sketches][frequent_items]") {
  const auto ranks = zipf(5000, 2000, 1.0, 3);
  ds::frequent_items<std::string> f(16);
  for (std::size_t i = 0; i < 4000; ++i) f.update(name_of(ranks[i]));
  auto bytes = f.serialize();
  CHECK(bytes.size() == f.serialized_size_bytes());
  CHECK(std::memcmp(bytes.data(), "DSFI", 4) == 0);
  CHECK(bytes[4] == 24);
  CHECK(bytes[6] == 0);
  auto back = ds::frequent_items<std::string>::deserialize(bytes.data(), bytes.size());
  CHECK(back.serialize() == bytes);
  // the same future: identical bytes after the same further updates
  for (std::size_t i = 4000; i < ranks.size(); ++i) {
    f.update(name_of(ranks[i]));
    back.update(name_of(ranks[i]));
  }
  CHECK(back.serialize() == f.serialize());

  check_truncation<ds::frequent_items<std::string>>(bytes);
  check_corrupt<ds::frequent_items<std::string>>(bytes, 0, 'X');
  check_corrupt<ds::frequent_items<std::string>>(bytes, 4, 25);
  check_corrupt<ds::frequent_items<std::string>>(bytes, 5, 9);
  check_corrupt<ds::frequent_items<std::string>>(bytes, 6, 1);  // item type int64
  check_corrupt<ds::frequent_items<std::string>>(bytes, 7, 1);
  CHECK_THROWS_AS(ds::frequent_items<std::int64_t>::deserialize(bytes.data(), bytes.size()),
                  std::invalid_argument);
  auto k0 = bytes;
  put_at<std::uint32_t>(k0, 8, 0);
  CHECK(throws_invalid([&] { ds::frequent_items<std::string>::deserialize(k0.data(), k0.size()); },
                       "k must be"));
  auto used = bytes;
  put_at<std::uint32_t>(used, 12, 17);
  CHECK_THROWS(ds::frequent_items<std::string>::deserialize(used.data(), used.size()));
  auto total = bytes;
  put_at<std::uint64_t>(total, 16, 10);  // counts now sum above N
  CHECK(throws_invalid(
      [&] { ds::frequent_items<std::string>::deserialize(total.data(), total.size()); },
      "sum above the total"));
  {
    ds::frequent_items<std::int64_t> three(4);  // counts 1, 2, 3: heap order a, b, c
    for (std::int64_t v : {1, 2, 2, 3, 3, 3}) three.update(v);
    auto swapped = three.serialize();  // entries of 24 bytes from offset 24
    put_at<std::uint64_t>(swapped, 24, 3);
    put_at<std::uint64_t>(swapped, 72, 1);
    CHECK(throws_invalid(
        [&] { ds::frequent_items<std::int64_t>::deserialize(swapped.data(), swapped.size()); },
        "counter 1 breaks the min-heap order"));
  }
  auto first_error = bytes;
  std::uint64_t c0;
  std::memcpy(&c0, bytes.data() + 24, 8);
  put_at<std::uint64_t>(first_error, 32, c0);  // error == count
  CHECK(throws_invalid(
      [&] { ds::frequent_items<std::string>::deserialize(first_error.data(), first_error.size()); },
      "need count > error"));
  auto longer = bytes;
  longer.push_back(0);
  CHECK(throws_invalid(
      [&] { ds::frequent_items<std::string>::deserialize(longer.data(), longer.size()); },
      "trailing"));

  // duplicates, free counters with errors, non-canonical doubles
  ds::frequent_items<std::int64_t> small(4);
  small.update(5);
  small.update(6);
  auto dup = small.serialize();  // entries at 24 and 48: count, error, item
  put_at<std::int64_t>(dup, 64, std::int64_t{0});
  put_at<std::int64_t>(dup, 40, std::int64_t{0});
  CHECK(
      throws_invalid([&] { ds::frequent_items<std::int64_t>::deserialize(dup.data(), dup.size()); },
                     "repeats an item"));
  auto err = small.serialize();
  put_at<std::uint64_t>(err, 48, 2);  // count 2 error 0 -> sum 3 != N 2
  CHECK_THROWS_AS(ds::frequent_items<std::int64_t>::deserialize(err.data(), err.size()),
                  std::invalid_argument);
  auto errs = small.serialize();
  put_at<std::uint64_t>(errs, 48, 2);
  put_at<std::uint64_t>(errs, 56, 1);  // count 2, error 1 with free counters
  put_at<std::uint64_t>(errs, 16, 3);
  CHECK(throws_invalid(
      [&] { ds::frequent_items<std::int64_t>::deserialize(errs.data(), errs.size()); },
      "every error must be 0"));
  ds::frequent_items<double> fd(4);
  fd.update(1.5);
  auto neg_zero = fd.serialize();
  put_at<double>(neg_zero, 40, -0.0);
  CHECK(throws_invalid(
      [&] { ds::frequent_items<double>::deserialize(neg_zero.data(), neg_zero.size()); },
      "canonical"));
  // a huge counter count in a tiny buffer is refused before any allocation
  ds::frequent_items<std::string> empty(16);
  auto huge = empty.serialize();
  put_at<std::uint32_t>(huge, 8, 1u << 24);
  put_at<std::uint32_t>(huge, 12, 1u << 24);
  CHECK_THROWS_AS(ds::frequent_items<std::string>::deserialize(huge.data(), huge.size()),
                  std::out_of_range);
}

// ------------------------------------------------------------------------------------
// latency_sketch
// ------------------------------------------------------------------------------------

std::vector<double> lognormal(std::size_t n, std::uint64_t seed, double mu = -3, double sigma = 1) {
  std::mt19937_64 g(seed);
  std::lognormal_distribution<double> d(mu, sigma);
  std::vector<double> x(n);
  for (auto& v : x) v = d(g);
  return x;
}

std::vector<double> pareto(std::size_t n, std::uint64_t seed, double shape = 1.2,
                           double scale = 1e-3) {
  std::mt19937_64 g(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> x(n);
  for (auto& v : x) v = scale / std::pow(1 - u(g), 1 / shape);
  return x;
}

/// numpy.quantile(x, q, method='lower') on sorted x.
double lower_quantile(const std::vector<double>& sorted, double q) {
  return sorted[static_cast<std::size_t>(std::floor(q * static_cast<double>(sorted.size() - 1)))];
}

void check_quantiles(const ds::latency_sketch& s, std::vector<double> x) {
  std::sort(x.begin(), x.end());
  const double a = s.relative_accuracy();
  for (double q : {0.0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0}) {
    const double exact = lower_quantile(x, q);
    INFO("n " << x.size() << " q " << q << " exact " << exact << " sketch " << s.quantile(q));
    CHECK(std::abs(s.quantile(q) - exact) <= a * exact * (1 + 1e-12));
  }
  CHECK(s.quantile(0) == x.front());
  CHECK(s.quantile(1) == x.back());
}

TEST_CASE("latency_sketch: quantiles within alpha of numpy 'lower'",
          "[monitor_sketches][latency_sketch]") {
  for (double alpha : {0.01, 0.05, 0.001})
    for (std::size_t n : {1u, 2u, 3u, 10u, 100u, 1000u, 100000u})
      for (std::uint64_t seed : {1u, 2u}) {
        INFO("alpha " << alpha);
        const auto a = lognormal(n, seed + n);
        const auto b = pareto(n, seed + 3 * n);
        // α = 0.001: 2048 buckets span only a factor e^4; give it room for the Pareto tail
        const std::uint32_t buckets = alpha < 0.01 ? 65536 : 2048;
        ds::latency_sketch sa(alpha, buckets), sb(alpha, buckets);
        sa.update_many(a);
        for (double v : b) sb.update(v);
        check_quantiles(sa, a);
        check_quantiles(sb, b);
        CHECK(sa.count() == n);
        CHECK(sa.collapsed_count() == 0);
        CHECK(sb.collapsed_count() == 0);
      }
}

TEST_CASE("latency_sketch: count, sum, min, max, mean, count_le",
          "[monitor_sketches][latency_sketch]") {
  auto x = lognormal(20000, 5);
  for (int i = 0; i < 300; ++i) x[static_cast<std::size_t>(i) * 50] = 0.0;  // exact zeros
  ds::latency_sketch s;
  s.update_many(x);
  long double sum = 0;
  for (double v : x) sum += v;
  std::sort(x.begin(), x.end());
  CHECK(s.count() == x.size());
  CHECK(s.zero_count() == 300);
  CHECK(s.min() == 0.0);
  CHECK(s.max() == x.back());
  CHECK_THAT(s.sum(), Catch::Matchers::WithinRel(static_cast<double>(sum), 1e-12));
  CHECK_THAT(s.mean(), Catch::Matchers::WithinRel(
                           static_cast<double>(sum) / static_cast<double>(x.size()), 1e-12));
  CHECK(s.quantile(0.01) == 0.0);  // rank 199 < 300 zeros
  const double a = s.relative_accuracy();
  auto exact_le = [&](double b) {
    return static_cast<std::uint64_t>(std::upper_bound(x.begin(), x.end(), b) - x.begin());
  };
  for (double b :
       {-1.0, 0.0, 1e-9, 1e-3, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, x.back(), 1e9}) {
    INFO("bound " << b << " count_le " << s.count_le(b));
    CHECK(s.count_le(b) >= exact_le(b / (1 + a)));
    CHECK(s.count_le(b) <= exact_le(b / (1 - a)));
  }
  CHECK(s.count_le(-1.0) == 0);
  CHECK(s.count_le(0.0) == 300);
  CHECK(s.count_le(x.back()) == x.size());
  // consistent with quantile(): count_le(quantile(q)) > floor(q (n - 1))
  for (double q : {0.02, 0.3, 0.5, 0.9, 0.99})
    CHECK(s.count_le(s.quantile(q)) >
          static_cast<std::uint64_t>(std::floor(q * static_cast<double>(x.size() - 1))));
  std::vector<double> bounds = {0.01, 0.1, 1.0};
  std::vector<std::uint64_t> out(3);
  s.count_le(bounds.data(), bounds.size(), out.data());
  for (std::size_t i = 0; i < 3; ++i) CHECK(out[i] == s.count_le(bounds[i]));
  CHECK(throws_invalid([&] { s.count_le(kNaN); }, "bound must not be NaN"));
  // buckets() partitions the positive values
  std::uint64_t in_buckets = 0;
  for (const auto& bk : s.buckets()) {
    CHECK(bk.lower < bk.upper);
    CHECK_THAT(bk.upper / bk.lower, Catch::Matchers::WithinRel(s.gamma(), 1e-9));
    in_buckets += bk.count;
  }
  CHECK(in_buckets == s.count() - s.zero_count());
}

TEST_CASE("latency_sketch: edge cases and bad input", "[monitor_sketches][latency_sketch]") {
  CHECK(throws_invalid([] { ds::latency_sketch s(0.0); },
                       "relative_accuracy must be in [1e-06, 1), got 0"));
  CHECK(throws_invalid([] { ds::latency_sketch s(1.0); }, "relative_accuracy"));
  CHECK(throws_invalid([] { ds::latency_sketch s(kNaN); }, "relative_accuracy"));
  CHECK(throws_invalid([] { ds::latency_sketch s(0.01, 8); },
                       "max_buckets must be in [16, 1048576], got 8"));
  ds::latency_sketch s;
  CHECK(s.is_empty());
  CHECK_THROWS_AS(s.quantile(0.5), std::domain_error);
  CHECK_THROWS_AS(s.min(), std::domain_error);
  CHECK_THROWS_AS(s.mean(), std::domain_error);
  CHECK(s.count_le(1.0) == 0);
  CHECK(s.sum() == 0.0);
  CHECK(s.num_buckets() == 0);
  CHECK(throws_invalid([&] { s.update(-1.0); }, "latency must be finite and >= 0, got -1"));
  CHECK(throws_invalid([&] { s.update(kNaN); }, "latency"));
  CHECK(throws_invalid([&] { s.update(kInf); }, "latency"));
  std::vector<double> bad = {1.0, 2.0, -0.5, 3.0};
  CHECK(
      throws_invalid([&] { s.update_many(bad); }, "latency[2] must be finite and >= 0, got -0.5"));
  CHECK(s.count() == 0);  // all or nothing
  std::vector<std::int64_t> bad_ns = {5, -1};
  CHECK(throws_invalid([&] { s.update_many(bad_ns); }, "latency[1]"));

  SECTION("zeros only") {
    for (int i = 0; i < 5; ++i) s.update(0.0);
    s.update(-0.0);
    for (double q : {0.0, 0.5, 1.0}) CHECK(s.quantile(q) == 0.0);
    CHECK(s.count_le(0.0) == 6);
    CHECK(s.count_le(-1e-300) == 0);
    CHECK(s.zero_count() == 6);
    CHECK(s.num_buckets() == 0);
    const auto b = s.serialize();
    CHECK(ds::latency_sketch::deserialize(b.data(), b.size()).serialize() == b);
  }
  SECTION("a single value is returned exactly at every q") {
    s.update(0.0123);
    for (double q : {0.0, 0.3, 0.5, 0.99, 1.0}) CHECK(s.quantile(q) == 0.0123);
    CHECK(s.count_le(0.0123) == 1);
    CHECK(s.count_le(0.0122) == 0);
    CHECK(s.num_buckets() == 1);
  }
  SECTION("quantile argument") {
    s.update(1.0);
    CHECK(throws_invalid([&] { s.quantile(1.5); }, "q must be in [0, 1], got 1.5"));
    CHECK(throws_invalid([&] { s.quantile(kNaN); }, "q must be in [0, 1]"));
  }
  SECTION("integer nanoseconds and extreme magnitudes") {
    std::vector<std::int64_t> ns = {1, 1000, 1000000, 1000000000};
    s.update_many(ns);
    CHECK_THAT(s.quantile(0.5), Catch::Matchers::WithinRel(1000.0, 0.01));
    ds::latency_sketch t;
    t.update(std::numeric_limits<double>::denorm_min());
    t.update(std::numeric_limits<double>::max());
    CHECK(t.num_buckets() <= 2048);
    CHECK(t.quantile(1) == std::numeric_limits<double>::max());
    CHECK(t.quantile(0) == std::numeric_limits<double>::denorm_min());
  }
}

std::map<std::int64_t, std::uint64_t> sketch_bins(const ds::latency_sketch& s) {
  std::map<std::int64_t, std::uint64_t> out;
  const double multiplier = 1 / std::log(s.gamma());
  for (const auto& b : s.buckets()) out[std::llround(std::log(b.upper) * multiplier)] = b.count;
  return out;
}

TEST_CASE("latency_sketch: collapsing lowest buckets", "[monitor_sketches][latency_sketch]") {
  const std::uint32_t mb = 32;
  const double alpha = 0.05;  // gamma ~1.105: 32 buckets span a factor ~20
  SECTION("against a map model, values arriving in every order") {
    for (int order = 0; order < 4; ++order) {
      auto x = lognormal(4000, 10 + static_cast<std::uint64_t>(order), 0, 2.0);
      if (order == 1) std::sort(x.begin(), x.end());
      if (order == 2) std::sort(x.rbegin(), x.rend());
      if (order == 3)  // drifting upward: slides the window repeatedly
        for (std::size_t i = 0; i < x.size(); ++i) x[i] *= std::exp(static_cast<double>(i) / 200);
      ds::latency_sketch s(alpha, mb);
      std::map<std::int64_t, std::uint64_t> model;
      std::uint64_t model_collapsed = 0;
      const double mult = 1 / std::log1p(2 * alpha / (1 - alpha));
      for (double v : x) {
        s.update(v);
        const auto key = static_cast<std::int64_t>(std::ceil(std::log(v) * mult));
        // model: lowest kept = max(hi - mb + 1, current min once collapsed)
        std::int64_t lo = model.empty() ? key : std::min(model.begin()->first, key);
        const std::int64_t hi = model.empty() ? key : std::max(model.rbegin()->first, key);
        if (hi - lo + 1 > mb) lo = hi - mb + 1;
        if (model_collapsed > 0) lo = std::max(lo, model.begin()->first);
        std::uint64_t folded = 0;
        while (!model.empty() && model.begin()->first < lo) {
          folded += model.begin()->second;
          model.erase(model.begin());
        }
        if (folded > 0) {
          model[lo] += folded;
          model_collapsed = folded;
        }
        if (key < lo) ++model_collapsed;
        model[std::max(key, lo)] += 1;
      }
      INFO("order " << order);
      CHECK(sketch_bins(s) == model);
      CHECK(s.collapsed_count() == model_collapsed);
      CHECK(s.num_buckets() <= mb);
      CHECK(s.memory_bytes() <= sizeof(ds::latency_sketch) + 8 * mb);
      CHECK(s.count() == x.size());
      // high quantiles keep the guarantee: ranks at or above zeros + collapsed
      std::sort(x.begin(), x.end());
      const std::uint64_t safe = s.zero_count() + s.collapsed_count();
      for (double q : {0.5, 0.9, 0.99, 0.999}) {
        const auto rank =
            static_cast<std::uint64_t>(std::floor(q * static_cast<double>(x.size() - 1)));
        if (rank < safe) continue;
        const double exact = lower_quantile(x, q);
        CHECK(std::abs(s.quantile(q) - exact) <= alpha * exact * (1 + 1e-12));
      }
      if (order == 0) CHECK(s.collapsed_count() > 0);
      // collapsed values are exactly those whose own bucket is below the lowest kept one
      const std::int64_t lowest = sketch_bins(s).begin()->first;
      const auto below =
          static_cast<std::uint64_t>(std::count_if(x.begin(), x.end(), [&](double v) {
            return static_cast<std::int64_t>(std::ceil(std::log(v) * mult)) < lowest;
          }));
      CHECK(s.collapsed_count() == below);
    }
  }
  SECTION("merge of collapsed sketches equals the sketch of the union") {
    const auto a = lognormal(3000, 21, 0, 2.0), b = lognormal(3000, 22, 1, 2.0);
    ds::latency_sketch sa(alpha, mb), sb(alpha, mb), whole(alpha, mb);
    sa.update_many(a);
    sb.update_many(b);
    whole.update_many(a);
    whole.update_many(b);
    CHECK(sa.collapsed_count() > 0);
    sa.merge(sb);
    CHECK(sketch_bins(sa) == sketch_bins(whole));
    CHECK(sa.collapsed_count() == whole.collapsed_count());
    CHECK(sa.count() == whole.count());
    CHECK(sa.min() == whole.min());
    CHECK(sa.max() == whole.max());
  }
}

TEST_CASE("latency_sketch: merge equals the union", "[monitor_sketches][latency_sketch]") {
  auto a = lognormal(5000, 31), b = pareto(7000, 32);
  a[17] = 0.0;
  ds::latency_sketch sa, sb, whole, empty;
  sa.update_many(a);
  sb.update_many(b);
  whole.update_many(a);
  whole.update_many(b);
  ds::latency_sketch merged = empty;
  merged.merge(sa);
  merged.merge(empty);
  merged.merge(sb);
  CHECK(sketch_bins(merged) == sketch_bins(whole));
  CHECK(merged.count() == whole.count());
  CHECK(merged.zero_count() == 1);
  CHECK(merged.min() == 0.0);
  CHECK(merged.max() == whole.max());
  CHECK_THAT(merged.sum(), Catch::Matchers::WithinRel(whole.sum(), 1e-12));
  for (double q : {0.1, 0.5, 0.9, 0.99}) CHECK(merged.quantile(q) == whole.quantile(q));
  merged.merge(merged);
  CHECK(merged.count() == 2 * whole.count());
  ds::latency_sketch other(0.02);
  CHECK(throws_invalid([&] { merged.merge(other); }, "relative_accuracy must match"));
}

TEST_CASE("latency_sketch: bytes", "[monitor_sketches][latency_sketch]") {
  auto x = lognormal(3000, 41);
  x[0] = 0.0;
  ds::latency_sketch s(0.02, 64);
  s.update_many(x.data(), 2000);
  const auto bytes = s.serialize();
  CHECK(bytes.size() == s.serialized_size_bytes());
  CHECK(bytes.size() == 80 + 8 * s.num_buckets());
  CHECK(std::memcmp(bytes.data(), "DSLS", 4) == 0);
  CHECK(bytes[4] == 25);
  auto back = ds::latency_sketch::deserialize(bytes.data(), bytes.size());
  CHECK(back.serialize() == bytes);
  for (std::size_t i = 2000; i < x.size(); ++i) {  // the same future
    s.update(x[i]);
    back.update(x[i]);
  }
  CHECK(back.serialize() == s.serialize());
  const auto empty_bytes = ds::latency_sketch().serialize();
  CHECK(empty_bytes.size() == 80);
  CHECK(ds::latency_sketch::deserialize(empty_bytes.data(), empty_bytes.size()).is_empty());

  check_truncation<ds::latency_sketch>(bytes);
  check_corrupt<ds::latency_sketch>(bytes, 0, 'X');
  check_corrupt<ds::latency_sketch>(bytes, 4, 24);
  check_corrupt<ds::latency_sketch>(bytes, 5, 2);
  check_corrupt<ds::latency_sketch>(bytes, 6, 1);
  check_corrupt<ds::latency_sketch>(bytes, 28, 1);
  auto corrupt = [&](std::size_t at, auto value, const char* needle) {
    auto b = bytes;
    put_at(b, at, value);
    INFO("offset " << at);
    CHECK(throws_invalid([&] { ds::latency_sketch::deserialize(b.data(), b.size()); }, needle));
  };
  corrupt(8, 0.0, "relative_accuracy");
  corrupt(16, std::uint32_t{8}, "max_buckets");
  corrupt(16, std::uint32_t{16}, "more than max_buckets");
  corrupt(32, std::uint64_t{1}, "bucket counts exceed count");
  corrupt(40, std::uint64_t{0}, "sum to");
  corrupt(48, std::uint64_t{1u << 30}, "collapsed count");
  corrupt(56, -1.0, "sum must be >= 0");
  corrupt(64, 0.5, "min must be 0 exactly when there are zeros");
  corrupt(64, kNaN, "min / max invalid");
  corrupt(72, -1.0, "min / max invalid");
  {
    auto b = bytes;  // first bucket emptied, count reduced to match
    std::uint64_t first_bucket, count;
    std::memcpy(&first_bucket, b.data() + 80, 8);
    std::memcpy(&count, b.data() + 32, 8);
    put_at<std::uint64_t>(b, 80, 0);
    put_at<std::uint64_t>(b, 32, count - first_bucket);
    CHECK(throws_invalid([&] { ds::latency_sketch::deserialize(b.data(), b.size()); },
                         "must be non-empty"));
  }
  auto longer = bytes;
  longer.push_back(0);
  CHECK(throws_invalid([&] { ds::latency_sketch::deserialize(longer.data(), longer.size()); },
                       "trailing"));
  auto huge = empty_bytes;
  put_at<std::uint32_t>(huge, 20, 1u << 20);
  put_at<std::uint32_t>(huge, 16, 1u << 20);
  CHECK_THROWS_AS(ds::latency_sketch::deserialize(huge.data(), huge.size()), std::out_of_range);
}

}  // namespace monitor_sketches_test
