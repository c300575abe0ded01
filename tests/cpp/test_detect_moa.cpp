// Tests of the detectors from MOA that river lacks: driftscope::cusum,
// geometric_moving_average, ewma_chart, stepd, rddm. Expected detections come from
// tests/cpp/data/gen_moa_detector_fixtures.py (frouros 0.9.0 where it applies MOA's rule,
// the Python transcription of MOA's Java source otherwise); plus update == update_many,
// save / restore mid-stream, the non-finite policy, binary input, bad parameters and
// corrupt bytes.

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "catch.hpp"
#include "driftscope/detect/cusum.hpp"
#include "driftscope/detect/ewma_chart.hpp"
#include "driftscope/detect/geometric_moving_average.hpp"
#include "driftscope/detect/rddm.hpp"
#include "driftscope/detect/stepd.hpp"
#include "stats_test_util.hpp"

namespace ds = driftscope;
using stats_test::throws_with;

namespace {

struct moa_case {
  const char* name;
  std::vector<double> params;
  std::vector<double> x;
  std::vector<std::uint64_t> drifts, warnings;
};

#include "data/moa_detector_fixtures.inc"

std::int64_t as_int(double v) { return static_cast<std::int64_t>(v); }

ds::cusum make_cusum(const moa_case& c) { return ds::cusum(as_int(c.params[0]), c.params[1], c.params[2]); }
ds::geometric_moving_average make_gma(const moa_case& c) {
  return ds::geometric_moving_average(as_int(c.params[0]), c.params[1], c.params[2]);
}
ds::ewma_chart make_ewma(const moa_case& c) { return ds::ewma_chart(as_int(c.params[0]), c.params[1]); }
ds::stepd make_stepd(const moa_case& c) { return ds::stepd(as_int(c.params[0]), c.params[1], c.params[2]); }
ds::rddm make_rddm(const moa_case& c) {
  return ds::rddm(as_int(c.params[0]), c.params[1], c.params[2], as_int(c.params[3]), as_int(c.params[4]),
                  as_int(c.params[5]));
}

/// Fixture detections through update_many, through update() one by one, and through a
/// save / restore at several cut points.
template <class Cases, class Make>
void check_cases(const Cases& cases, Make make) {
  for (const auto& c : cases) {
    INFO(c.name);
    auto d = make(c);
    const auto r = d.update_many(c.x);
    CHECK(r.drifts == c.drifts);
    CHECK(r.warnings == c.warnings);

    auto e = make(c);
    std::vector<std::uint64_t> drifts, warnings;
    for (std::size_t i = 0; i < c.x.size(); ++i) {
      const auto s = e.update(c.x[i]);
      CHECK(e.drift_detected() == (s == ds::signal::drift));
      CHECK(e.warning_detected() == (s == ds::signal::warning));
      if (s == ds::signal::drift) drifts.push_back(i);
      if (s == ds::signal::warning) warnings.push_back(i);
    }
    CHECK(drifts == c.drifts);
    CHECK(warnings == c.warnings);

    using D = decltype(make(c));
    for (std::size_t cut : {std::size_t{0}, std::size_t{1}, c.x.size() / 3, c.x.size() / 2 + 7, c.x.size() - 1}) {
      auto f = make(c);
      auto first = f.update_many(c.x.data(), cut);
      const auto bytes = f.serialize();
      auto restored = D::deserialize(bytes.data(), bytes.size());
      CHECK(restored.serialize() == bytes);
      const auto second = restored.update_many(c.x.data() + cut, c.x.size() - cut);
      for (auto i : second.drifts) first.drifts.push_back(i + cut);
      for (auto i : second.warnings) first.warnings.push_back(i + cut);
      CHECK(first.drifts == c.drifts);
      CHECK(first.warnings == c.warnings);
    }
    // serialize right after each drift (a reset pending) and continue
    if (!c.drifts.empty()) {
      const std::size_t cut = static_cast<std::size_t>(c.drifts.front()) + 1;
      auto f = make(c);
      auto first = f.update_many(c.x.data(), cut);
      const auto bytes = f.serialize();
      auto restored = D::deserialize(bytes.data(), bytes.size());
      CHECK(restored.drift_detected());
      const auto second = restored.update_many(c.x.data() + cut, c.x.size() - cut);
      for (auto i : second.drifts) first.drifts.push_back(i + cut);
      CHECK(first.drifts == c.drifts);
    }
  }
}

template <class D>
void check_truncated_and_trailing(const D& d) {
  const auto b = d.serialize();
  for (std::size_t n = 0; n < b.size(); n += (n < 200 ? 1 : 97))
    CHECK_THROWS_AS(D::deserialize(b.data(), n), std::out_of_range);
  auto bad = b;
  bad[0] = 'X';
  CHECK(throws_with<std::invalid_argument>([&] { (void)D::deserialize(bad.data(), bad.size()); }, "magic"));
  bad = b;
  bad[4] = 3;  // PageHinkley's kind
  CHECK(throws_with<std::invalid_argument>([&] { (void)D::deserialize(bad.data(), bad.size()); }, "kind"));
  bad = b;
  bad.push_back(0);
  CHECK(throws_with<std::invalid_argument>([&] { (void)D::deserialize(bad.data(), bad.size()); }, "trailing"));
}

}  // namespace

TEST_CASE("cusum reproduces MOA's CusumDM (via frouros)", "[detect][moa][cusum]") { check_cases(cusum_cases, make_cusum); }

TEST_CASE("geometric_moving_average reproduces MOA's GeometricMovingAverageDM (via frouros)",
          "[detect][moa][geometric_moving_average]") {
  check_cases(gma_cases, make_gma);
}

TEST_CASE("ewma_chart reproduces MOA's EWMAChartDM", "[detect][moa][ewma_chart]") { check_cases(ewma_cases, make_ewma); }

TEST_CASE("stepd reproduces MOA's STEPD (via frouros)", "[detect][moa][stepd]") { check_cases(stepd_cases, make_stepd); }

TEST_CASE("rddm reproduces MOA's RDDM", "[detect][moa][rddm]") { check_cases(rddm_cases, make_rddm); }

TEST_CASE("moa detectors: state and reset", "[detect][moa]") {
  ds::cusum c(3, 0.0);
  const std::vector<float> x{1.0f, 2.0f, 3.0f};
  c.update_many(x.data(), x.size());
  CHECK(c.n() == 3);
  CHECK(c.mean() == 2.0);
  CHECK(c.sum() == 1.5);
  c.reset();
  CHECK(c.n() == 0);
  CHECK(c.sum() == 0.0);

  ds::geometric_moving_average g(30, 1.0, 0.5);
  g.update(0.0);
  g.update(2.0);
  CHECK(g.mean() == 1.0);
  CHECK(g.sum() == 0.5);

  ds::ewma_chart e(30, 0.5);
  for (double v : {1.0, 0.0, 1.0, 1.0}) e.update(v);
  CHECK(e.n() == 4);
  CHECK(e.errors() == 3);
  CHECK(e.error_rate() == 0.75);
  CHECK(e.z() == 0.8125);
  CHECK(ds::ewma_chart::control_limit(0.0) == 3.97);

  ds::stepd s(2);
  for (double v : {1.0, 0.0, 1.0, 1.0, 0.0}) s.update(v);
  CHECK(s.n_older() == 3);
  CHECK(s.errors_older() == 2);
  CHECK(s.n_recent() == 2);
  CHECK(s.errors_recent() == 1);
  s.reset();
  CHECK(s.n_older() == 0);
  CHECK(s.n_recent() == 0);

  ds::rddm r;
  for (double v : {1.0, 0.0, 0.0, 1.0}) r.update(v);
  CHECK(r.n() == 4);
  CHECK(r.error_rate() == 0.5);
  CHECK(r.stored() == 4);
  CHECK(r.total() == 4);
  r.reset();
  CHECK(r.n() == 0);
  CHECK(r.stored() == 0);
  CHECK(r.min_error_rate() == std::numeric_limits<double>::max());
}

TEST_CASE("stepd: constant windows give drift, as MOA", "[detect][moa][stepd]") {
  ds::stepd s(30);
  const std::vector<double> zeros(200, 0.0);
  CHECK(s.update_many(zeros).drifts == std::vector<std::uint64_t>{59, 119, 179});
}

TEST_CASE("rddm: the memory bound is the ring buffer of min_size_stable_concept values", "[detect][moa][rddm]") {
  ds::rddm r(10, 1.773, 2.258, 100, 50, 20);
  std::vector<double> x(5000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = (i * 7919 % 13) < (i < 2500 ? 2 : 6) ? 1.0 : 0.0;
  r.update_many(x);
  CHECK(r.stored() <= 50);
  CHECK(r.serialize().size() < 200);
}

TEST_CASE("moa detectors: non-finite input", "[detect][moa]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ds::cusum raising;
  CHECK(throws_with<std::invalid_argument>([&] { (void)raising.update(nan); }, "CUSUM.update"));
  const std::vector<double> bad{0.0, std::numeric_limits<double>::infinity()};
  ds::rddm rr;
  CHECK(throws_with<std::invalid_argument>([&] { (void)rr.update_many(bad); }, "x[1]"));

  // skip: same detections, positions shifted by the skipped values
  const auto& c = stepd_cases[0];
  ds::stepd plain = make_stepd(c);
  ds::stepd skipping(as_int(c.params[0]), c.params[1], c.params[2], ds::nonfinite_policy::skip);
  std::vector<double> with_nan;
  for (std::size_t i = 0; i < c.x.size(); ++i) {
    if (i == 100) with_nan.push_back(nan);
    with_nan.push_back(c.x[i]);
  }
  const auto a = plain.update_many(c.x), b = skipping.update_many(with_nan);
  REQUIRE(a.drifts.size() == b.drifts.size());
  for (std::size_t k = 0; k < a.drifts.size(); ++k) CHECK(b.drifts[k] == a.drifts[k] + (a.drifts[k] >= 100 ? 1 : 0));
  CHECK(skipping.update(nan) == ds::signal::none);
}

TEST_CASE("binary moa detectors reject other input", "[detect][moa]") {
  ds::ewma_chart e;
  ds::stepd s;
  ds::rddm r;
  CHECK(throws_with<std::invalid_argument>([&] { (void)e.update(0.5); }, "EWMAChart: input must be 0 or 1"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)s.update(2.0); }, "STEPD: input must be 0 or 1"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)r.update(-1.0); }, "RDDM: input must be 0 or 1"));
  CHECK(e.update(1.0) == ds::signal::none);
}

TEST_CASE("moa detectors reject bad parameters", "[detect][moa]") {
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::cusum(-1); }, "min_instances"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::cusum(30, -0.1); }, "delta"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::cusum(30, 0.005, inf); }, "threshold"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::geometric_moving_average(-1); }, "min_instances"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::geometric_moving_average(30, -1.0); }, "threshold"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::geometric_moving_average(30, 1.0, 1.01); }, "alpha"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::ewma_chart(-2); }, "min_instances"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::ewma_chart(30, 0.0); }, "lambd"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::ewma_chart(30, 2.0); }, "lambd"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::stepd(0); }, "window_size"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::stepd(30, 0.0); }, "alpha_drift"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::stepd(30, 0.003, 1.0); }, "alpha_warning"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::rddm(-1); }, "min_instances"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::rddm(129, 0.0); }, "warning_threshold"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::rddm(129, 1.773, -2.0); }, "drift_threshold"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::rddm(129, 1.773, 2.258, 0); }, "max_size_concept"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::rddm(129, 1.773, 2.258, 40000, 0); }, "min_size_stable_concept"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::rddm(129, 1.773, 2.258, 40000, 7000, 0); }, "warn_limit"));
}

TEST_CASE("moa detectors reject corrupt bytes", "[detect][moa]") {
  const auto& rc = rddm_cases[1];
  auto r = make_rddm(rc);
  r.update_many(rc.x.data(), 400);
  auto s = make_stepd(stepd_cases[0]);
  s.update_many(stepd_cases[0].x.data(), 100);
  auto c = make_cusum(cusum_cases[0]);
  c.update_many(cusum_cases[0].x.data(), 50);
  auto g = make_gma(gma_cases[0]);
  g.update_many(gma_cases[0].x.data(), 50);
  auto e = make_ewma(ewma_cases[0]);
  e.update_many(ewma_cases[0].x.data(), 50);
  check_truncated_and_trailing(c);
  check_truncated_and_trailing(g);
  check_truncated_and_trailing(e);
  check_truncated_and_trailing(s);
  check_truncated_and_trailing(r);

  // first payload field (min_instances / window_size) made negative
  auto negate_first = [](std::vector<std::uint8_t> b) {
    for (std::size_t k = 8; k < 16; ++k) b[k] = 0xFF;
    return b;
  };
  auto b = negate_first(c.serialize());
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::cusum::deserialize(b.data(), b.size()); }, "min_instances"));
  b = negate_first(s.serialize());
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::stepd::deserialize(b.data(), b.size()); }, "window_size"));
  b = negate_first(r.serialize());
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::rddm::deserialize(b.data(), b.size()); }, "min_instances"));

  // a kept value that is not 0 / 1 (the last byte: padding or a value)
  b = r.serialize();
  b.back() = 7;
  CHECK_THROWS_AS(ds::rddm::deserialize(b.data(), b.size()), std::invalid_argument);
  b = s.serialize();
  b.back() = 2;
  CHECK_THROWS_AS(ds::stepd::deserialize(b.data(), b.size()), std::invalid_argument);

  // a huge window size claimed by corrupt bytes: no allocation, a clear error
  ds::stepd young(30);
  for (double v : {0.0, 1.0, 1.0}) young.update(v);
  b = young.serialize();
  for (std::size_t k = 8; k < 15; ++k) b[k] = 0xFF;
  b[15] = 0x0F;
  CHECK_THROWS_AS(ds::stepd::deserialize(b.data(), b.size()), std::out_of_range);

  // errors > n for ECDD
  b = e.serialize();
  const std::size_t errors_at = 8 + 8 + 8 + 1 + 8;
  for (std::size_t k = 0; k < 8; ++k) b[errors_at + k] = 0x7F;
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::ewma_chart::deserialize(b.data(), b.size()); }, "errors"));
}
