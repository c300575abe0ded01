// Tests of driftscope::kswin: river 0.26.1's detections, final p_value, n and window size
// on seeded streams (tests/cpp/data/gen_kswin_fixtures.py runs river untouched),
// update == update_many, save / restore mid-stream, reset, float input, the non-finite
// policy, bad parameters and corrupt bytes.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <vector>

#include "catch.hpp"
#include "driftscope/detect/kswin.hpp"
#include "stats_test_util.hpp"

namespace ds = driftscope;
using stats_test::throws_with;

namespace {

struct kswin_case {
  const char* name;
  double alpha;
  std::int64_t window_size, stat_size;
  std::vector<std::uint32_t> seed;
  std::vector<double> init, x;
  std::vector<std::uint64_t> drifts;
  double p_value;
  std::uint64_t n;
  std::size_t window_count;
};

#include "data/kswin_fixtures.inc"

ds::kswin make(const kswin_case& c) {
  return ds::kswin::with_seed_words(c.alpha, c.window_size, c.stat_size, c.seed, c.init.data(),
                                    c.init.size());
}

}  // namespace

TEST_CASE("kswin reproduces river's detections and p-values", "[detect][kswin]") {
  for (const auto& c : kswin_cases) {
    INFO(c.name);
    auto d = make(c);
    const auto r = d.update_many(c.x);
    CHECK(r.drifts == c.drifts);
    CHECK(r.warnings.empty());
    CHECK(d.p_value() == c.p_value);
    CHECK(d.n() == c.n);
    CHECK(d.window_count() == c.window_count);

    auto e = make(c);
    std::vector<std::uint64_t> one_by_one;
    for (std::size_t i = 0; i < c.x.size(); ++i) {
      const auto s = e.update(c.x[i]);
      CHECK(e.drift_detected() == (s == ds::signal::drift));
      CHECK_FALSE(e.warning_detected());
      if (s == ds::signal::drift) one_by_one.push_back(i);
    }
    CHECK(one_by_one == c.drifts);

    if (c.seed.size() <= 2) {  // the 64-bit seed constructor gives the same detector
      const std::uint64_t s = c.seed[0] | (c.seed.size() > 1 ? std::uint64_t{c.seed[1]} << 32 : 0);
      ds::kswin f(c.alpha, c.window_size, c.stat_size, s, c.init);
      CHECK(f.update_many(c.x).drifts == c.drifts);
    }
  }
}

TEST_CASE("kswin restored mid-stream continues exactly", "[detect][kswin]") {
  for (const auto& c : kswin_cases) {
    INFO(c.name);
    for (std::size_t cut : {std::size_t{1}, c.x.size() / 3, c.x.size() / 2 + 7, c.x.size() - 1}) {
      auto d = make(c);
      auto first = d.update_many(c.x.data(), cut);
      const auto bytes = d.serialize();
      auto restored = ds::kswin::deserialize(bytes.data(), bytes.size());
      CHECK(restored.serialize() == bytes);
      CHECK(restored.generator() == d.generator());
      const auto second = restored.update_many(c.x.data() + cut, c.x.size() - cut);
      for (auto i : second.drifts) first.drifts.push_back(i + cut);
      CHECK(first.drifts == c.drifts);
      CHECK(restored.p_value() == c.p_value);
    }
  }
}

TEST_CASE("kswin state, reset, copies and float input", "[detect][kswin]") {
  const auto& c = kswin_cases[1];  // defaults, seed 0, mean shift
  auto d = make(c);
  const std::vector<double> head(c.x.begin(), c.x.begin() + 300);
  d.update_many(head);
  CHECK(d.n() == 300);
  CHECK(d.window_count() == 100);
  const auto w = d.window();
  CHECK(w.front() == c.x[200]);
  CHECK(w.back() == c.x[299]);
  CHECK(d.statistic() >= 0.0);
  CHECK(d.statistic() <= 1.0);
  d.reset();  // river's _reset: empty window, n = 0, p_value = 0, generator re-seeded
  CHECK(d.n() == 0);
  CHECK(d.window_count() == 0);
  CHECK(d.p_value() == 0.0);
  CHECK(d.generator() == make(c).generator());
  CHECK(d.update_many(c.x).drifts == c.drifts);

  // a copy continues as the original
  auto e = make(c);
  e.update_many(head);
  auto copy = e;
  const std::vector<double> tail(c.x.begin() + 300, c.x.end());
  CHECK(copy.update_many(tail).drifts == e.update_many(tail).drifts);

  // float32 input widens exactly
  std::vector<float> xf(c.x.begin(), c.x.end());
  std::vector<double> xd(xf.begin(), xf.end());
  auto g = make(c), h = make(c);
  CHECK(g.update_many(xf.data(), xf.size()).drifts == h.update_many(xd).drifts);

  // the initial window keeps its last window_size values
  ds::kswin k(0.005, 4, 2, 1, {1, 2, 3, 4, 5, 6});
  CHECK(k.window() == std::vector<double>{3, 4, 5, 6});

  // without a seed: fresh entropy, still a valid detector
  ds::kswin none;
  CHECK_FALSE(none.has_seed());
  CHECK(none.seed_words().empty());
  const auto r = none.update_many(c.x);
  for (auto i : r.drifts) CHECK(i >= 100);
  const auto b = none.serialize();
  CHECK(ds::kswin::deserialize(b.data(), b.size()).serialize() == b);
}

TEST_CASE("kswin after a drift keeps the recent values, then resets", "[detect][kswin]") {
  const auto& c = kswin_cases[0];  // river's docstring example, drift at 1016
  auto d = make(c);
  d.update_many(c.x.data(), 1017);
  REQUIRE(d.drift_detected());
  CHECK(d.window_count() == 30);
  CHECK(d.window_at(29) == c.x[1016]);
  CHECK(d.window_at(0) == c.x[987]);
  d.update(5.0);
  CHECK(d.n() == 1);
  CHECK(d.window_count() == 1);
  CHECK(d.p_value() == 0.0);
}

TEST_CASE("kswin non-finite input", "[detect][kswin]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto& c = kswin_cases[1];
  auto raising = make(c);
  CHECK_THROWS_AS(raising.update(nan), std::invalid_argument);
  const std::vector<double> bad{1.0, std::numeric_limits<double>::infinity()};
  CHECK(throws_with<std::invalid_argument>([&] { (void)raising.update_many(bad); }, "x[1]"));
  CHECK(throws_with<std::invalid_argument>(
      [&] {
        (void)ds::kswin(0.005, 10, 3, 1, {1.0, nan});
      },
      "window[1]"));

  auto skipping = ds::kswin::with_seed_words(c.alpha, c.window_size, c.stat_size, c.seed, nullptr,
                                             0, ds::nonfinite_policy::skip);
  std::vector<double> with_nan;
  std::vector<std::uint64_t> expected;
  std::size_t k = 0;
  for (std::size_t i = 0; i < c.x.size(); ++i) {
    if (i == 10 || i == 700) {
      with_nan.push_back(nan);
      ++k;
    }
    for (auto dpos : c.drifts)
      if (dpos == i) expected.push_back(i + k);
    with_nan.push_back(c.x[i]);
  }
  CHECK(skipping.update_many(with_nan).drifts == expected);
  ds::kswin s2(0.005, 10, 3, 1, {1.0, nan, 2.0}, ds::nonfinite_policy::skip);
  CHECK(s2.window() == std::vector<double>{1.0, 2.0});
}

TEST_CASE("kswin rejects bad parameters", "[detect][kswin]") {
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::kswin(0.0); }, "alpha"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::kswin(1.0); }, "alpha"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::kswin(std::nan("")); }, "alpha"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::kswin(0.005, 1, 1); }, "window_size"));
  CHECK(throws_with<std::invalid_argument>(
      [&] { (void)ds::kswin(0.005, std::int64_t{1} << 40, 30); }, "window_size"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::kswin(0.005, 100, 0); }, "stat_size"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::kswin(0.005, 100, 100); }, "stat_size"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::kswin(0.005, 100, 51); }, "stat_size"));
  CHECK_NOTHROW(ds::kswin(0.005, 100, 50, 1));
  CHECK_NOTHROW(ds::kswin(0.5, 2, 1, 1));
}

TEST_CASE("kswin rejects corrupt bytes", "[detect][kswin]") {
  ds::kswin d(0.005, 10, 3, 7);
  const std::vector<double> x{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  d.update_many(x);
  const auto b = d.serialize();
  for (std::size_t n = 0; n < b.size(); ++n)
    CHECK_THROWS_AS(ds::kswin::deserialize(b.data(), n), std::out_of_range);
  auto expect = [&](std::vector<std::uint8_t> bad, const char* what) {
    CHECK(throws_with<std::invalid_argument>(
        [&] { (void)ds::kswin::deserialize(bad.data(), bad.size()); }, what));
  };
  auto bad = b;
  bad[0] = 'X';
  expect(bad, "magic");
  bad = b;
  bad[4] = 3;  // Page-Hinkley's kind
  expect(bad, "kind");
  bad = b;
  bad.push_back(0);
  expect(bad, "trailing");
  // payload offsets: header 8, alpha 8..16, window_size 16..24, stat_size 24..32,
  // has_seed 32, word count 33..37, word 37..41, pending 41, n 42..50, p 50..58,
  // statistic 58..66, count 66..74, values 74.., then the generator
  auto put_f64 = [](std::vector<std::uint8_t>& v, std::size_t at, double value) {
    std::uint64_t bits;
    std::memcpy(&bits, &value, 8);
    for (int k = 0; k < 8; ++k) v[at + k] = static_cast<std::uint8_t>(bits >> (8 * k));
  };
  bad = b;
  put_f64(bad, 8, 2.0);
  expect(bad, "alpha");
  bad = b;
  bad[24] = 9;  // stat_size 9 > window_size / 2
  expect(bad, "stat_size");
  bad = b;
  bad[32] = 2;
  expect(bad, "has_seed");
  bad = b;
  bad[41] = 5;
  expect(bad, "drift pending");
  bad = b;
  bad[41] = 1;  // pending but 10 values in the window
  expect(bad, "stat_size values");
  bad = b;
  put_f64(bad, 50, 1.5);
  expect(bad, "p_value");
  bad = b;
  put_f64(bad, 58, -0.5);
  expect(bad, "statistic");
  bad = b;
  bad[66] = 11;  // 11 values > window_size 10
  expect(bad, "more than window_size");
  bad = b;
  put_f64(bad, 74, std::numeric_limits<double>::infinity());
  expect(bad, "not finite");
  bad = b;
  bad[b.size() - 4] = 0x71;  // generator index 625 (0x271)
  bad[b.size() - 3] = 0x02;
  expect(bad, "generator index");
  // a seed with a high zero word is not what serialize writes
  ds::kswin s(0.005, 10, 3, std::uint64_t{1} << 40);
  auto sb = s.serialize();
  REQUIRE(sb[33] == 2);
  sb[41] = sb[42] = sb[43] = sb[44] = 0;  // the high word
  expect(sb, "high zero word");
  // no seed but a word count
  ds::kswin n0;
  auto nb = n0.serialize();
  nb[33] = 1;
  expect(nb, "word count");
}
