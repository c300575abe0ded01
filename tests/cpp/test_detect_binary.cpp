// Tests of the binary-stream detectors driftscope::ddm, eddm, hddm_a, hddm_w, fhddm:
// river 0.26.1's drift and warning positions on seeded streams
// (tests/cpp/data/gen_binary_detector_fixtures.py), update == update_many, save / restore
// mid-stream, Python's pow for EDDM, non-binary and non-finite input, bad parameters and
// corrupt bytes.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "catch.hpp"
#include "driftscope/detect/ddm.hpp"
#include "driftscope/detect/eddm.hpp"
#include "driftscope/detect/fhddm.hpp"
#include "driftscope/detect/hddm_a.hpp"
#include "driftscope/detect/hddm_w.hpp"
#include "stats_test_util.hpp"

namespace ds = driftscope;
using stats_test::throws_with;

namespace {

struct binary_stream {
  const char* name;
  const char* bits;
};

struct binary_case {
  const char* detector;
  const char* name;
  double p[4];  // constructor arguments in order (None / False = 0)
  const char* stream;
  std::vector<std::uint64_t> drifts, warnings;
};

#include "data/binary_detector_fixtures.inc"

std::vector<double> stream_of(const binary_case& c) {
  for (const auto& s : binary_streams)
    if (std::string(s.name) == c.stream) {
      std::vector<double> x;
      for (const char* b = s.bits; *b; ++b) x.push_back(*b == '1' ? 1.0 : 0.0);
      return x;
    }
  FAIL("unknown stream " << c.stream);
  return {};
}

ds::ddm make_ddm(const double* p) {
  return ds::ddm(static_cast<std::int64_t>(p[0]), p[1], p[2]);
}
ds::eddm make_eddm(const double* p) {
  return ds::eddm(static_cast<std::int64_t>(p[0]), p[1], p[2]);
}
ds::hddm_a make_hddm_a(const double* p) {
  return ds::hddm_a(p[0], p[1], p[2] != 0);
}
ds::hddm_w make_hddm_w(const double* p) {
  return ds::hddm_w(p[0], p[1], p[2], p[3] != 0);
}
ds::fhddm make_fhddm(const double* p) {
  return ds::fhddm(
      static_cast<std::int64_t>(p[0]), p[1],
      p[2] > 0 ? std::optional<std::int64_t>(static_cast<std::int64_t>(p[2])) : std::nullopt);
}

/// Positions of drift and warning signals from update() one value at a time, checking the flags.
template <class D>
ds::detections one_by_one(D d, const std::vector<double>& x) {
  ds::detections r;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const auto s = d.update(x[i]);
    CHECK(d.drift_detected() == (s == ds::signal::drift));
    CHECK(d.warning_detected() == (s == ds::signal::warning));
    if (s == ds::signal::drift) r.drifts.push_back(i);
    if (s == ds::signal::warning) r.warnings.push_back(i);
  }
  return r;
}

template <class D, class Make>
void check_case(const binary_case& c, Make make) {
  INFO(c.name);
  const auto x = stream_of(c);
  auto d = make(c.p);
  const auto r = d.update_many(x);
  CHECK(r.drifts == c.drifts);
  CHECK(r.warnings == c.warnings);
  const auto o = one_by_one(make(c.p), x);
  CHECK(o.drifts == c.drifts);
  CHECK(o.warnings == c.warnings);
  // float input (0/1 widen exactly)
  const std::vector<float> xf(x.begin(), x.end());
  auto f = make(c.p);
  const auto rf = f.update_many(xf.data(), xf.size());
  CHECK(rf.drifts == c.drifts);
  CHECK(rf.warnings == c.warnings);
  // save / restore at a few cuts, including right after a drift (reset pending)
  std::vector<std::size_t> cuts{1, x.size() / 3, x.size() / 2 + 7};
  if (!c.drifts.empty()) cuts.push_back(static_cast<std::size_t>(c.drifts.front()) + 1);
  for (std::size_t cut : cuts) {
    INFO("cut " << cut);
    auto a = make(c.p);
    auto first = a.update_many(x.data(), cut);
    const auto bytes = a.serialize();
    auto restored = D::deserialize(bytes.data(), bytes.size());
    CHECK(restored.serialize() == bytes);
    CHECK(restored.last_signal() == a.last_signal());
    const auto second = restored.update_many(x.data() + cut, x.size() - cut);
    for (auto i : second.drifts) first.drifts.push_back(i + cut);
    for (auto i : second.warnings) first.warnings.push_back(i + cut);
    CHECK(first.drifts == c.drifts);
    CHECK(first.warnings == c.warnings);
  }
}

template <class D>
void check_truncated_and_corrupt(const D& d) {
  const auto b = d.serialize();
  for (std::size_t n = 0; n < b.size(); ++n)
    CHECK_THROWS_AS(D::deserialize(b.data(), n), std::out_of_range);
  auto bad = b;
  bad[0] = 'X';
  CHECK(throws_with<std::invalid_argument>([&] { (void)D::deserialize(bad.data(), bad.size()); },
                                           "magic"));
  bad = b;
  bad[4] = static_cast<std::uint8_t>(ds::detector_kind::page_hinkley);
  CHECK(throws_with<std::invalid_argument>([&] { (void)D::deserialize(bad.data(), bad.size()); },
                                           "kind"));
  bad = b;
  bad.push_back(0);
  CHECK(throws_with<std::invalid_argument>([&] { (void)D::deserialize(bad.data(), bad.size()); },
                                           "trailing"));
  // every single-byte flip either throws std::invalid_argument or decodes to a detector
  // that serializes back to the same bytes (no crash, no UB)
  for (std::size_t k = 8; k < b.size(); ++k)
    for (std::uint8_t flip : {std::uint8_t{0x01}, std::uint8_t{0x80}, std::uint8_t{0xFF}}) {
      bad = b;
      bad[k] ^= flip;
      try {
        auto r = D::deserialize(bad.data(), bad.size());
        CHECK(r.serialize() == bad);
      } catch (const std::invalid_argument&) {
      } catch (const std::out_of_range&) {  // a flipped size that asks for more bytes
      }
    }
}

std::vector<double> bernoulli(std::size_t n, double p0, double p1, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = u(g) < (i < n / 2 ? p0 : p1) ? 1.0 : 0.0;
  return x;
}

}  // namespace

TEST_CASE("binary detectors reproduce river's drift and warning positions", "[detect][binary]") {
  int seen = 0;
  for (const auto& c : binary_cases) {
    const std::string det = c.detector;
    if (det == "ddm")
      check_case<ds::ddm>(c, make_ddm);
    else if (det == "eddm")
      check_case<ds::eddm>(c, make_eddm);
    else if (det == "hddm_a")
      check_case<ds::hddm_a>(c, make_hddm_a);
    else if (det == "hddm_w")
      check_case<ds::hddm_w>(c, make_hddm_w);
    else if (det == "fhddm")
      check_case<ds::fhddm>(c, make_fhddm);
    else
      FAIL("unknown detector " << det);
    ++seen;
  }
  CHECK(seen >= 39);
}

TEST_CASE("river's docstring examples", "[detect][binary]") {
  // the first warning after each drift and the drifts, as river's docstrings print them
  auto x = [] {
    for (const auto& s : binary_streams)
      if (std::string(s.name) == "docstring") {
        std::vector<double> v;
        for (const char* b = s.bits; *b; ++b) v.push_back(*b == '1' ? 1.0 : 0.0);
        return v;
      }
    return std::vector<double>{};
  }();
  REQUIRE(x.size() == 2000);
  auto first_warning = [](const ds::detections& r) {
    return r.warnings.empty() ? std::uint64_t{0} : r.warnings.front();
  };
  auto r = ds::ddm().update_many(x);
  CHECK(first_warning(r) == 1084);
  CHECK(r.drifts == std::vector<std::uint64_t>{1334});
  r = ds::eddm(30, 0.8, 0.75).update_many(x);
  CHECK(first_warning(r) == 1059);
  CHECK(r.drifts == std::vector<std::uint64_t>{1278});
  r = ds::hddm_a().update_many(x);
  CHECK(first_warning(r) == 451);
  CHECK(r.drifts == std::vector<std::uint64_t>{1206});
  r = ds::hddm_w().update_many(x);
  CHECK(first_warning(r) == 451);
  CHECK(r.drifts == std::vector<std::uint64_t>{1077});
}

TEST_CASE("eddm's pow_half is libm's pow(v, 0.5)", "[detect][binary]") {
  std::mt19937_64 g(5);
  volatile double half = 0.5;
  std::uniform_real_distribution<double> u(0, 1000);
  std::uniform_int_distribution<int> k(1, 400);
  std::size_t not_sqrt = 0;
  for (int i = 0; i < 2'000'000; ++i) {
    // EDDM's variances: ratios of sums of squares of distances, and plain random values
    const double v = i % 2 ? u(g) : static_cast<double>(k(g)) * k(g) / (k(g) + 1);
    const double expected = std::pow(v, half);
    const double got = ds::detail::pow_half(v);
    if (got != expected) FAIL("pow_half(" << v << ") = " << got << ", pow gives " << expected);
    not_sqrt += expected != std::sqrt(v);
  }
  for (double v : {0.0, 1.0, 4.0, 0x1p-1000, 0x1p-900, 0x1p900, 0x1p1000, 2.0, 1e300})
    CHECK(ds::detail::pow_half(v) == std::pow(v, half));
  INFO("values where libm's pow(v, 0.5) != sqrt(v): " << not_sqrt);
  CHECK(true);
}

TEST_CASE("binary detectors: state, reset and the reset after a drift", "[detect][binary]") {
  const auto x = bernoulli(4000, 0.05, 0.6, 3);
  SECTION("ddm") {
    ds::ddm d(2);
    CHECK(std::isnan(d.p_min()));
    d.update_many(std::vector<double>{1, 0, 0, 1});
    CHECK(d.n() == 4);
    CHECK(d.p() == 0.5);
    CHECK(d.p_min() < 0.34);  // p + s was smallest at n = 3 (p = 1/3)
    CHECK(d.ps_min() == d.p_min() + d.s_min());
    d.reset();
    CHECK(d.n() == 0);
    CHECK(std::isnan(d.p_min()));
    CHECK(d.ps_min() == std::numeric_limits<double>::infinity());
    const auto r = d.update_many(x);
    REQUIRE(!r.drifts.empty());
  }
  SECTION("eddm") {
    ds::eddm d(0);
    d.update_many(std::vector<double>{0, 1, 0, 0, 1, 1});
    CHECK(d.n() == 6);
    CHECK(d.n_errors() == 3);
    CHECK(d.last_error() == 6);
    CHECK(d.mean_distance() == 2.0);  // distances 2, 3, 1
    CHECK(d.var_distance() == 1.0);
    CHECK(d.p2s_prime_max() >= 3.0);
    d.reset();
    CHECK(d.n() == 0);
    CHECK(d.p2s_prime_max() == -1);
  }
  SECTION("hddm_a") {
    ds::hddm_a d(0.001, 0.005, true);
    d.update_many(std::vector<double>{1, 1, 0, 0});
    CHECK(d.n() == 4);
    CHECK(d.mean() == 0.5);
    CHECK(d.x_min_n() >= 1);
    CHECK(d.x_max_n() >= 1);
    auto r = d.update_many(x);
    REQUIRE(!r.drifts.empty());
    d.reset();
    CHECK(d.n() == 0);
    CHECK(d.x_min_n() == 0);
  }
  SECTION("hddm_w") {
    ds::hddm_w d(0.001, 0.005, 0.5);
    d.update(1.0);
    CHECK(d.total().ewma == 1.0);  // the first value is the mean
    d.update(0.0);
    CHECK(d.total().ewma == 0.5);
    CHECK(d.incr_cutpoint() < std::numeric_limits<double>::infinity());
    CHECK(d.decr_cutpoint() == -std::numeric_limits<double>::infinity());  // one-sided
    d.reset();
    CHECK(!d.total().init);
  }
  SECTION("fhddm") {
    ds::fhddm d(4, 0.01, 2);
    d.update_many(std::vector<double>{1, 1, 0});
    CHECK(d.n() == 3);
    CHECK(d.n_one() == 2);
    CHECK(d.u_max() == 0);
    d.update(1.0);
    CHECK(d.u_max() == 0.75);
    CHECK(d.u_short_max() == 0.5);
    CHECK(d.n_one() == 2);  // river's window drops its oldest value after the check
    CHECK(d.epsilon() == std::sqrt(std::log(100.0) / 8));
    d.reset();
    CHECK(d.n() == 0);
    CHECK(d.n_one() == 0);
  }
  SECTION("a detector resets at the update after a drift, not at the drift") {
    ds::hddm_a d;
    const auto r = d.update_many(x);
    REQUIRE(!r.drifts.empty());
    ds::hddm_a e;
    e.update_many(x.data(), static_cast<std::size_t>(r.drifts.front()) + 1);
    CHECK(e.drift_detected());
    CHECK(e.n() == static_cast<double>(r.drifts.front() + 1));
    e.update(0.0);
    CHECK(e.n() == 1);
  }
}

TEST_CASE("binary detectors reject non-binary and non-finite input", "[detect][binary]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto check = [&](auto d, const char* name) {
    CHECK(throws_with<std::invalid_argument>([&] { d.update(0.5); }, name));
    CHECK(throws_with<std::invalid_argument>([&] { d.update(2.0); }, "0 or 1"));
    CHECK(throws_with<std::invalid_argument>([&] { d.update(-1.0); }, "0 or 1"));
    const std::vector<double> bad{0.0, 1.0, 3.0};
    CHECK(throws_with<std::invalid_argument>([&] { (void)d.update_many(bad); }, name));
    CHECK(throws_with<std::invalid_argument>([&] { d.update(nan); }, "finite"));
    d.set_nonfinite(ds::nonfinite_policy::skip);
    CHECK(d.update(nan) == ds::signal::none);
    CHECK(d.update(1.0) != ds::signal::drift);
  };
  check(ds::ddm(), "DDM");
  check(ds::eddm(), "EDDM");
  check(ds::hddm_a(), "HDDM_A");
  check(ds::hddm_w(), "HDDM_W");
  check(ds::fhddm(), "FHDDM");

  // skip: the same detections as without the NaNs, at the shifted positions
  const auto x = bernoulli(3000, 0.1, 0.7, 9);
  std::vector<double> with_nan;
  std::vector<std::uint64_t> where;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (i % 97 == 5) with_nan.push_back(nan);
    where.push_back(with_nan.size());
    with_nan.push_back(x[i]);
  }
  const auto a = ds::ddm().update_many(x);
  const auto b = ds::ddm(30, 2, 3, ds::nonfinite_policy::skip).update_many(with_nan);
  REQUIRE(!a.drifts.empty());
  REQUIRE(a.drifts.size() == b.drifts.size());
  REQUIRE(a.warnings.size() == b.warnings.size());
  for (std::size_t k = 0; k < a.drifts.size(); ++k) CHECK(b.drifts[k] == where[a.drifts[k]]);
  for (std::size_t k = 0; k < a.warnings.size(); ++k) CHECK(b.warnings[k] == where[a.warnings[k]]);
}

TEST_CASE("binary detectors reject bad parameters", "[detect][binary]") {
  const double inf = std::numeric_limits<double>::infinity(),
               nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::ddm(-1); }, "warm_start"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::ddm(30, 0.0); }, "warning_threshold"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::ddm(30, nan); }, "warning_threshold"));
  CHECK(
      throws_with<std::invalid_argument>([&] { (void)ds::ddm(30, 2.0, inf); }, "drift_threshold"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::ddm(30, 3.0, 2.0); },
                                           "drift_threshold must be >= warning_threshold"));
  CHECK_NOTHROW(ds::ddm(0, 2.0, 2.0));

  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::eddm(-5); }, "warm_start"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::eddm(30, 0.8, 0.9); },
                                           "alpha must be greater than or equal to beta"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::eddm(30, 1.5, 0.9); }, "alpha"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::eddm(30, 0.95, 0.0); }, "beta"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::eddm(30, nan, 0.9); }, "alpha"));
  CHECK_NOTHROW(ds::eddm(30, 0.9, 0.9));

  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::hddm_a(0.0); }, "drift_confidence"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::hddm_a(1.0); }, "drift_confidence"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::hddm_a(0.001, 1.5); },
                                           "warning_confidence"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::hddm_a(0.01, 0.005); },
                                           "warning_confidence must be >= drift_confidence"));

  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::hddm_w(-0.1); }, "drift_confidence"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::hddm_w(0.001, nan); },
                                           "warning_confidence"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::hddm_w(0.01, 0.005); },
                                           "warning_confidence must be >= drift_confidence"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::hddm_w(0.001, 0.005, 0.0); },
                                           "lambda_val"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::hddm_w(0.001, 0.005, 1.5); },
                                           "lambda_val"));
  CHECK_NOTHROW(ds::hddm_w(0.001, 0.005, 1.0));
  // 1/confidence must stay finite (river would compute with inf)
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::hddm_a(1e-310, 0.005); }, "1e-300"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::hddm_w(1e-310, 0.005); }, "1e-300"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::fhddm(100, 1e-310); },
                                           "confidence_level"));

  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::fhddm(0); }, "sliding_window_size"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::fhddm(std::int64_t{1} << 40); },
                                           "sliding_window_size"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::fhddm(100, 0.0); }, "confidence_level"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::fhddm(100, 1.0); }, "confidence_level"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::fhddm(100, 1e-6, 0); },
                                           "short_window_size"));
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::fhddm(100, 1e-6, 101); },
                                           "short_window_size"));
  CHECK_NOTHROW(ds::fhddm(100, 1e-6, 100));
  CHECK_NOTHROW(ds::fhddm(1, 0.5, 1));
}

TEST_CASE("binary detectors reject truncated and corrupt bytes", "[detect][binary]") {
  const auto x = bernoulli(1500, 0.1, 0.6, 21);
  auto fed = [&](auto d, std::size_t n) {
    d.update_many(x.data(), n);
    return d;
  };
  for (std::size_t n : {std::size_t{0}, std::size_t{10}, std::size_t{900}}) {
    INFO("after " << n << " values");
    check_truncated_and_corrupt(fed(ds::ddm(), n));
    check_truncated_and_corrupt(fed(ds::eddm(5), n));
    check_truncated_and_corrupt(fed(ds::hddm_a(0.001, 0.005, true), n));
    check_truncated_and_corrupt(fed(ds::hddm_w(0.001, 0.005, 0.05, true), n));
    check_truncated_and_corrupt(fed(ds::fhddm(30, 1e-6, 7), n));
  }
  // targeted fields: parameters go through the constructor's checks
  auto b = ds::ddm().serialize();
  b[8] = 0xFF;  // warm_start low byte -> negative with the high bytes
  for (std::size_t k = 9; k < 16; ++k) b[k] = 0xFF;
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::ddm::deserialize(b.data(), b.size()); },
                                           "warm_start"));
  b = ds::eddm().serialize();
  double beta = 0.99;  // beta > alpha
  std::memcpy(&b[24], &beta, 8);
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::eddm::deserialize(b.data(), b.size()); },
                                           "beta"));
  b = ds::fhddm(10).serialize();
  b[b.size() - 1] = 1;  // padding of an empty window
  CHECK(throws_with<std::invalid_argument>(
      [&] { (void)ds::fhddm::deserialize(b.data(), b.size()); }, "window byte"));
  b = ds::fhddm(10).serialize();
  for (std::size_t k = 8; k < 16; ++k)
    b[k] = k == 15 ? 0x7F : 0xFF;  // a huge window: no allocation, truncated
  CHECK_THROWS_AS(ds::fhddm::deserialize(b.data(), b.size()), std::invalid_argument);
  b = ds::fhddm(10).serialize();
  b[8] = 0;
  b[9] = 0;
  b[10] = 1;  // W = 65536: the bytes for its window are missing
  CHECK_THROWS_AS(ds::fhddm::deserialize(b.data(), b.size()), std::out_of_range);
}
