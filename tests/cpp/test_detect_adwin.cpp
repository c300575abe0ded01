// Tests of driftscope::adwin: river 0.26.1's detections and final window state (bit for
// bit) on seeded streams (tests/cpp/data/gen_adwin_fixtures.py), update == update_many,
// save / restore mid-stream, memory bound, the non-finite policy, bad parameters and
// corrupt bytes.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "catch.hpp"
#include "driftscope/detect/adwin.hpp"
#include "stats_test_util.hpp"

namespace ds = driftscope;
using stats_test::throws_with;

namespace {

struct adwin_case {
  const char* name;
  double delta;
  std::int64_t clock, max_buckets, min_window_length, grace_period;
  std::vector<double> x;
  std::vector<std::uint64_t> drifts;
  double width, total, variance;
};

#include "data/adwin_fixtures.inc"

ds::adwin make(const adwin_case& c) {
  return ds::adwin(c.delta, c.clock, c.max_buckets, c.min_window_length, c.grace_period);
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace

TEST_CASE("adwin reproduces river's detections and window state", "[detect][adwin]") {
  for (const auto& c : adwin_cases) {
    INFO(c.name);
    auto d = make(c);
    const auto r = d.update_many(c.x);
    CHECK(r.drifts == c.drifts);
    CHECK(r.warnings.empty());
    CHECK(same_bits(d.width(), c.width));
    CHECK(same_bits(d.total(), c.total));
    CHECK(same_bits(d.variance(), c.variance));

    auto e = make(c);
    std::vector<std::uint64_t> one_by_one;
    for (std::size_t i = 0; i < c.x.size(); ++i) {
      const auto s = e.update(c.x[i]);
      CHECK(e.drift_detected() == (s == ds::signal::drift));
      CHECK(e.n_detections() == (s == ds::signal::drift ? 1 : 0));  // river resets after each drift
      if (s == ds::signal::drift) one_by_one.push_back(i);
    }
    CHECK(one_by_one == c.drifts);
    CHECK(e.serialize() == d.serialize());
  }
}

TEST_CASE("adwin restored mid-stream continues exactly", "[detect][adwin]") {
  for (const auto& c : adwin_cases) {
    INFO(c.name);
    for (std::size_t cut :
         {std::size_t{0}, std::size_t{1}, c.x.size() / 3, c.x.size() / 2 + 7, c.drifts[0] + 1}) {
      auto d = make(c);
      auto first = d.update_many(c.x.data(), cut);
      const auto bytes = d.serialize();
      auto restored = ds::adwin::deserialize(bytes.data(), bytes.size());
      CHECK(restored.serialize() == bytes);
      CHECK(restored.drift_detected() == d.drift_detected());
      const auto second = restored.update_many(c.x.data() + cut, c.x.size() - cut);
      for (auto i : second.drifts) first.drifts.push_back(i + cut);
      CHECK(first.drifts == c.drifts);
      CHECK(same_bits(restored.variance(), c.variance));
    }
  }
}

TEST_CASE("adwin state, reset, float input and memory bound", "[detect][adwin]") {
  ds::adwin d;
  const std::vector<float> x{1.0f, 2.0f, 3.0f, 4.0f, 5.0f};
  d.update_many(x.data(), x.size());
  CHECK(d.width() == 5.0);
  CHECK(d.total() == 15.0);
  CHECK(d.variance() == 10.0);  // river's variance: the sum of squared deviations
  CHECK(d.estimation() == 3.0);
  CHECK(d.n_buckets() == 5);  // row 0 holds up to max_buckets buckets before merging
  d.reset();
  CHECK(d.width() == 0.0);
  CHECK(d.estimation() == 0.0);
  CHECK(d.n_rows() == 1);
  CHECK(d.delta() == 0.002);
  CHECK(d.clock() == 32);
  CHECK(d.max_buckets() == 5);
  CHECK(d.min_window_length() == 5);
  CHECK(d.grace_period() == 10);

  // A long constant stream: W values are held in O(max_buckets · log W) buckets.
  for (std::int64_t mb : {1, 2, 5}) {
    ds::adwin e(0.002, 32, mb);
    const std::size_t n = 1'000'000;
    for (std::size_t i = 0; i < n; ++i) REQUIRE(e.update(1.0) == ds::signal::none);
    CHECK(e.width() == static_cast<double>(n));
    CHECK(e.n_rows() <= 21);
    CHECK(e.n_buckets() <= static_cast<std::size_t>(mb) * e.n_rows());
  }
}

TEST_CASE("adwin bucket layout", "[detect][adwin]") {
  // max_buckets = 2: rows hold at most 2 buckets; 7 values = 1·4 + 1·2 + 1·1 after merges.
  ds::adwin d(0.002, 32, 2);
  for (int i = 0; i < 7; ++i) d.update(1.0);
  CHECK(d.n_rows() == 3);
  CHECK(d.n_buckets() == 3);
  ds::adwin e(0.002, 32, 5);
  for (int i = 0; i < 5; ++i) e.update(1.0);
  CHECK(e.n_buckets() == 5);  // row 0 full at max_buckets, no merge yet
  e.update(1.0);
  CHECK(e.n_buckets() == 5);  // 6th value: two oldest merge into row 1 -> 4 + 1
  CHECK(e.n_rows() == 2);
}

TEST_CASE("adwin detects a shift with max_buckets = 1 where river 0.26.1 panics",
          "[detect][adwin]") {
  // river pops only the emptied top row; with max_buckets = 1 the next row down can be
  // empty too and its next deletion panics. We keep going; the result must stay sane.
  std::mt19937_64 gen(5);
  std::normal_distribution<double> noise(0.0, 1.0);
  ds::adwin d(0.1, 1, 1, 1, 0);
  std::size_t drifts = 0;
  for (int i = 0; i < 20000; ++i) {
    const double level = (i / 500) % 2 == 0 ? 0.0 : 5.0;
    drifts += d.update(level + noise(gen)) == ds::signal::drift;
    REQUIRE(d.width() >= 1.0);
    const auto b = d.serialize();
    if (i % 997 == 0) CHECK(ds::adwin::deserialize(b.data(), b.size()).serialize() == b);
  }
  CHECK(drifts >= 30);
}

TEST_CASE("adwin non-finite input", "[detect][adwin]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ds::adwin raising;
  CHECK(throws_with<std::invalid_argument>([&] { raising.update(nan); }, "finite"));
  const std::vector<double> bad{1.0, -std::numeric_limits<double>::infinity()};
  CHECK(throws_with<std::invalid_argument>([&] { (void)raising.update_many(bad); }, "x[1]"));

  ds::adwin skipping(0.002, 32, 5, 5, 10, ds::nonfinite_policy::skip);
  ds::adwin plain;
  std::vector<double> x(2000, 0.0), with_nan;
  for (std::size_t i = 1000; i < x.size(); ++i) x[i] = 1.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (i == 10 || i == 1500) with_nan.push_back(nan);
    with_nan.push_back(x[i]);
  }
  const auto a = plain.update_many(x), b = skipping.update_many(with_nan);
  REQUIRE(!a.drifts.empty());
  REQUIRE(a.drifts.size() == b.drifts.size());
  for (std::size_t k = 0; k < a.drifts.size(); ++k)
    CHECK(b.drifts[k] == a.drifts[k] + (a.drifts[k] >= 1499 ? 2 : a.drifts[k] >= 10 ? 1 : 0));
  CHECK(skipping.update(nan) == ds::signal::none);
}

TEST_CASE("adwin rejects bad parameters", "[detect][adwin]") {
  CHECK(throws_with<std::invalid_argument>([] { (void)ds::adwin(0.0); }, "delta"));
  CHECK(throws_with<std::invalid_argument>([] { (void)ds::adwin(1.0); }, "delta"));
  CHECK(throws_with<std::invalid_argument>([] { (void)ds::adwin(std::nan("")); }, "delta"));
  CHECK(throws_with<std::invalid_argument>([] { (void)ds::adwin(0.002, 0); }, "clock"));
  CHECK(throws_with<std::invalid_argument>([] { (void)ds::adwin(0.002, std::int64_t{1} << 31); },
                                           "clock"));
  CHECK(throws_with<std::invalid_argument>([] { (void)ds::adwin(0.002, 32, 0); }, "max_buckets"));
  CHECK(throws_with<std::invalid_argument>([] { (void)ds::adwin(0.002, 32, -1); }, "max_buckets"));
  CHECK(throws_with<std::invalid_argument>([] { (void)ds::adwin(0.002, 32, (1 << 20) + 1); },
                                           "max_buckets"));
  CHECK(throws_with<std::invalid_argument>([] { (void)ds::adwin(0.002, 32, 5, 0); },
                                           "min_window_length"));
  CHECK(throws_with<std::invalid_argument>([] { (void)ds::adwin(0.002, 32, 5, 5, -1); },
                                           "grace_period"));
  CHECK_NOTHROW(ds::adwin(0.5, 1, 1, 1, 0));
}

TEST_CASE("adwin rejects corrupt bytes", "[detect][adwin]") {
  ds::adwin d(0.002, 32, 2);
  for (int i = 0; i < 37; ++i) d.update(static_cast<double>(i % 3));
  REQUIRE(d.n_rows() >= 3);
  const auto b = d.serialize();
  for (std::size_t n = 0; n < b.size(); ++n)
    CHECK_THROWS_AS(ds::adwin::deserialize(b.data(), n), std::out_of_range);
  auto bad = b;
  bad[0] = 'X';
  CHECK(throws_with<std::invalid_argument>(
      [&] { (void)ds::adwin::deserialize(bad.data(), bad.size()); }, "magic"));
  bad = b;
  bad[4] = 3;  // PageHinkley's kind
  CHECK(throws_with<std::invalid_argument>(
      [&] { (void)ds::adwin::deserialize(bad.data(), bad.size()); }, "kind"));
  bad = b;
  bad.push_back(0);
  CHECK(throws_with<std::invalid_argument>(
      [&] { (void)ds::adwin::deserialize(bad.data(), bad.size()); }, "trailing"));

  // Offsets in the payload: header 8, delta 8..16, clock 16..24, max_buckets 24..32,
  // min_window_length 32..40, grace_period 40..48, pending 48, tick 49..53,
  // n_detections 53..61, width 61..69, total 69..77, variance 77..85, rows 85, row 0 count 86..90.
  const auto corrupt = [&](std::size_t at, std::uint8_t v, const char* what) {
    auto c = b;
    c[at] = v;
    INFO(what);
    CHECK(throws_with<std::invalid_argument>(
        [&] { (void)ds::adwin::deserialize(c.data(), c.size()); }, what));
  };
  corrupt(15, 0x7f, "delta");     // delta's top byte: a huge value
  corrupt(16, 0, "clock");        // clock = 0
  corrupt(24, 0, "max_buckets");  // max_buckets = 0
  corrupt(32, 0, "min_window_length");
  corrupt(47, 0x80, "grace_period");  // negative
  corrupt(48, 2, "drift pending");
  corrupt(60, 0x80, "n_detections");
  corrupt(85, 0, "rows");
  corrupt(86, 3, "max_buckets");  // row 0 holds 3 > max_buckets = 2
  corrupt(62, 0x44, "width");     // width no longer matches the buckets
}
