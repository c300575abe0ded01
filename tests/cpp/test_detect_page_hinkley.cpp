// Tests of driftscope::page_hinkley: river 0.26.1's detections on seeded streams
// (tests/cpp/data/gen_page_hinkley_fixtures.py), update == update_many, save / restore
// mid-stream, the non-finite policy, bad parameters and corrupt bytes.

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "catch.hpp"
#include "driftscope/detect/page_hinkley.hpp"
#include "stats_test_util.hpp"

namespace ds = driftscope;
using stats_test::throws_with;

namespace {

struct ph_case {
  const char* name;
  std::int64_t min_instances;
  double delta, threshold, alpha;
  int mode;
  std::vector<double> x;
  std::vector<std::uint64_t> drifts;
};

#include "data/page_hinkley_fixtures.inc"

ds::page_hinkley make(const ph_case& c) {
  return ds::page_hinkley(c.min_instances, c.delta, c.threshold, c.alpha, static_cast<ds::page_hinkley::mode_t>(c.mode));
}

}  // namespace

TEST_CASE("page_hinkley reproduces river's detections", "[detect][page_hinkley]") {
  for (const auto& c : ph_cases) {
    INFO(c.name);
    auto d = make(c);
    const auto r = d.update_many(c.x);
    CHECK(r.drifts == c.drifts);
    CHECK(r.warnings.empty());

    auto e = make(c);
    std::vector<std::uint64_t> one_by_one;
    for (std::size_t i = 0; i < c.x.size(); ++i) {
      const auto s = e.update(c.x[i]);
      CHECK(e.drift_detected() == (s == ds::signal::drift));
      if (s == ds::signal::drift) one_by_one.push_back(i);
    }
    CHECK(one_by_one == c.drifts);
  }
}

TEST_CASE("page_hinkley restored mid-stream continues exactly", "[detect][page_hinkley]") {
  for (const auto& c : ph_cases) {
    INFO(c.name);
    for (std::size_t cut : {std::size_t{1}, c.x.size() / 3, c.x.size() / 2 + 7}) {
      auto d = make(c);
      auto first = d.update_many(c.x.data(), cut);
      const auto bytes = d.serialize();
      auto restored = ds::page_hinkley::deserialize(bytes.data(), bytes.size());
      CHECK(restored.serialize() == bytes);
      const auto second = restored.update_many(c.x.data() + cut, c.x.size() - cut);
      for (auto i : second.drifts) first.drifts.push_back(i + cut);
      CHECK(first.drifts == c.drifts);
    }
  }
}

TEST_CASE("page_hinkley state, reset and float input", "[detect][page_hinkley]") {
  ds::page_hinkley d(3);
  const std::vector<float> x{1.0f, 2.0f, 3.0f};
  d.update_many(x.data(), x.size());
  CHECK(d.n() == 3);
  CHECK(d.mean() == 2.0);
  d.reset();
  CHECK(d.n() == 0);
  CHECK(d.min_increase() == std::numeric_limits<double>::infinity());
  CHECK(d.max_decrease() == -1);
}

TEST_CASE("page_hinkley non-finite input", "[detect][page_hinkley]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ds::page_hinkley raising;
  CHECK_THROWS_AS(raising.update(nan), std::invalid_argument);
  const std::vector<double> bad{1.0, std::numeric_limits<double>::infinity()};
  CHECK(throws_with<std::invalid_argument>([&] { (void)raising.update_many(bad); }, "x[1]"));

  ds::page_hinkley skipping(1, 0.005, 1.0, 1.0, ds::page_hinkley::mode_t::both, ds::nonfinite_policy::skip);
  ds::page_hinkley plain(1, 0.005, 1.0, 1.0);
  std::vector<double> x(100, 0.0), with_nan;
  for (std::size_t i = 50; i < 100; ++i) x[i] = 5.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (i == 10 || i == 60) with_nan.push_back(nan);
    with_nan.push_back(x[i]);
  }
  const auto a = plain.update_many(x), b = skipping.update_many(with_nan);
  REQUIRE(a.drifts.size() == b.drifts.size());
  REQUIRE(!a.drifts.empty());
  for (std::size_t k = 0; k < a.drifts.size(); ++k) CHECK(b.drifts[k] == a.drifts[k] + (a.drifts[k] >= 59 ? 2 : a.drifts[k] >= 10 ? 1 : 0));
  CHECK(skipping.update(nan) == ds::signal::none);
  CHECK_FALSE(skipping.drift_detected());
}

TEST_CASE("page_hinkley rejects bad parameters", "[detect][page_hinkley]") {
  using m = ds::page_hinkley::mode_t;
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::page_hinkley(0); }, "min_instances"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::page_hinkley(30, -0.1); }, "delta"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::page_hinkley(30, 0.005, 0.0); }, "threshold"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::page_hinkley(30, 0.005, 50, 0.0); }, "alpha"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::page_hinkley(30, 0.005, 50, 0.9, static_cast<m>(7)); }, "mode"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::page_hinkley::parse_mode("left"); }, "mode"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::parse_nonfinite_policy("omit"); }, "nonfinite"));
}

TEST_CASE("page_hinkley rejects corrupt bytes", "[detect][page_hinkley]") {
  ds::page_hinkley d;
  const std::vector<double> x{1, 2, 3};
  d.update_many(x);
  const auto b = d.serialize();
  for (std::size_t n = 0; n < b.size(); ++n) CHECK_THROWS_AS(ds::page_hinkley::deserialize(b.data(), n), std::out_of_range);
  auto bad = b;
  bad[0] = 'X';
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::page_hinkley::deserialize(bad.data(), bad.size()); }, "magic"));
  bad = b;
  bad[4] = 1;  // ADWIN's kind
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::page_hinkley::deserialize(bad.data(), bad.size()); }, "kind"));
  bad = b;
  bad.push_back(0);
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::page_hinkley::deserialize(bad.data(), bad.size()); }, "trailing"));
  bad = b;
  bad[8] = 0;  // min_instances = 0 (low byte of 30)
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::page_hinkley::deserialize(bad.data(), bad.size()); }, "min_instances"));
}
