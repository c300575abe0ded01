// Tests of driftscope::cramervonmises_2samp and driftscope::energy_distance against
// scipy.stats.cramervonmises_2samp / scipy.stats.energy_distance (scipy 1.17.1).
//
// Expected values come from tests/cpp/data/gen_cvm_energy_fixtures.py (checked in with its
// output tests/cpp/data/cvm_energy_fixtures.inc, which holds the input arrays in full).

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "catch.hpp"
#include "driftscope/stats/cramervonmises.hpp"
#include "driftscope/stats/energy_distance.hpp"

namespace ds = driftscope;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct cvm_case {
  const char* name;
  std::vector<double> x, y;
  int method, policy;
  double statistic, pvalue;
};

struct energy_case {
  const char* name;
  std::vector<double> u, v;
  bool has_uw;
  std::vector<double> uw;
  bool has_vw;
  std::vector<double> vw;
  double distance;
};

#include "data/cvm_energy_fixtures.inc"

/// |a - b| <= abs_tol + rel_tol * |b|; NaN equals NaN; infinities must be equal.
bool close(double a, double b, double rel_tol, double abs_tol) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (std::isinf(a) || std::isinf(b)) return a == b;
  return std::fabs(a - b) <= abs_tol + rel_tol * std::fabs(b);
}

template <class E, class F>
bool throws_with(F&& f, const std::string& needle) {
  try {
    f();
  } catch (const E& e) {
    return std::string(e.what()).find(needle) != std::string::npos;
  } catch (...) {
    return false;
  }
  return false;
}

ds::cvm_options options_of(const cvm_case& c) {
  ds::cvm_options o;
  o.method = static_cast<ds::cvm_method>(c.method);
  o.nan = static_cast<ds::nan_policy>(c.policy);
  return o;
}

bool all_integers(const std::vector<double>& v) {
  for (double x : v)
    if (!(std::isinf(x) || (x == std::floor(x) && std::fabs(x) < 1e6))) return false;
  return true;
}

}  // namespace

TEST_CASE("cramervonmises_2samp matches scipy fixtures", "[cvm]") {
  for (const cvm_case& c : cvm_cases) {
    INFO(c.name);
    const ds::cvm_result r = ds::cramervonmises_2samp(c.x.data(), c.x.size(), c.y.data(), c.y.size(), options_of(c));
    CHECK(close(r.statistic, c.statistic, 1e-12, 1e-15));
    CHECK(close(r.pvalue, c.pvalue, 1e-9, 1e-14));
    CHECK(r.nx + r.missing_x == c.x.size());
    CHECK(r.ny + r.missing_y == c.y.size());
    if (c.method == 0 && !std::isnan(c.statistic))
      CHECK(r.method == (std::max(r.nx, r.ny) <= 20 ? ds::cvm_method::exact : ds::cvm_method::asymptotic));
    // float input: exact for integer-valued samples, same expected values
    if (all_integers(c.x) && all_integers(c.y)) {
      const std::vector<float> xf(c.x.begin(), c.x.end()), yf(c.y.begin(), c.y.end());
      const ds::cvm_result rf = ds::cramervonmises_2samp(xf.data(), xf.size(), yf.data(), yf.size(), options_of(c));
      CHECK(close(rf.statistic, c.statistic, 1e-12, 1e-15));
      CHECK(close(rf.pvalue, c.pvalue, 1e-9, 1e-14));
    }
  }
}

TEST_CASE("cramervonmises_2samp: sorted entry point and argument order", "[cvm]") {
  const cvm_case& c = cvm_cases[2];
  std::vector<double> x = c.x, y = c.y;
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  const ds::cvm_result r = ds::cramervonmises_2samp_sorted(x.data(), x.size(), y.data(), y.size());
  CHECK(close(r.statistic, c.statistic, 1e-12, 1e-15));
  CHECK(close(r.pvalue, c.pvalue, 1e-9, 1e-14));
  // the statistic and p-value are symmetric in (x, y)
  const ds::cvm_result s = ds::cramervonmises_2samp(c.y.data(), c.y.size(), c.x.data(), c.x.size());
  CHECK(close(s.statistic, c.statistic, 1e-12, 1e-15));
  CHECK(close(s.pvalue, c.pvalue, 1e-9, 1e-14));
}

TEST_CASE("cramervonmises_2samp: bad input", "[cvm]") {
  const std::vector<double> a{1, 2, 3}, one{1}, b{0.5, kNaN, 2};
  using E = std::invalid_argument;
  CHECK(throws_with<E>([&] { ds::cramervonmises_2samp(one.data(), 1, a.data(), 3); }, "x must contain at least 2"));
  CHECK(throws_with<E>([&] { ds::cramervonmises_2samp(a.data(), 3, a.data(), 0); }, "y must contain at least 2"));
  CHECK(throws_with<E>([&] { ds::parse_cvm_method("asymp"); }, "got 'asymp'"));
  CHECK(throws_with<E>(
      [&] {
        ds::cvm_options o;
        o.method = static_cast<ds::cvm_method>(7);
        ds::cramervonmises_2samp(a.data(), 3, a.data(), 3, o);
      },
      "method has invalid value 7"));
  ds::cvm_options raise;
  raise.nan = ds::nan_policy::raise;
  CHECK(throws_with<E>([&] { ds::cramervonmises_2samp(a.data(), 3, b.data(), 3, raise); }, "nan_policy is 'raise'"));
  ds::cvm_options omit;
  omit.nan = ds::nan_policy::omit;
  const std::vector<double> c{kNaN, 1, kNaN};
  CHECK(throws_with<E>([&] { ds::cramervonmises_2samp(a.data(), 3, c.data(), 3, omit); }, "after omitting NaN"));
  // exact counts beyond 64 bits
  std::vector<double> big(40), big2(40);
  for (std::size_t i = 0; i < 40; ++i) big[i] = static_cast<double>(i), big2[i] = static_cast<double>(i) + 0.5;
  ds::cvm_options exact;
  exact.method = ds::cvm_method::exact;
  CHECK(throws_with<E>([&] { ds::cramervonmises_2samp(big.data(), 40, big2.data(), 40, exact); }, "64 bits"));
}

TEST_CASE("energy_distance matches scipy fixtures", "[energy]") {
  for (const energy_case& c : energy_cases) {
    INFO(c.name);
    const double* uw = c.has_uw ? c.uw.data() : nullptr;
    const double* vw = c.has_vw ? c.vw.data() : nullptr;
    const double d = ds::energy_distance(c.u.data(), c.u.size(), c.v.data(), c.v.size(), uw, vw);
    CHECK(close(d, c.distance, 1e-12, 1e-15));
    if (!c.has_uw && !c.has_vw) {
      // sorted entry point (skip NaN input, outside its precondition)
      bool has_nan = false;
      for (double x : c.u) has_nan = has_nan || std::isnan(x);
      if (!has_nan) {
        std::vector<double> u = c.u, v = c.v;
        std::sort(u.begin(), u.end());
        std::sort(v.begin(), v.end());
        CHECK(close(ds::energy_distance_sorted(u.data(), u.size(), v.data(), v.size()), c.distance, 1e-12, 1e-15));
      }
    }
  }
}

TEST_CASE("energy_distance: bad input", "[energy]") {
  const std::vector<double> a{1, 2, 3}, w_neg{1, -1, 1}, w_zero{0, 0, 0}, w_inf{1, kInf, 1}, w_nan{1, kNaN, 1};
  using E = std::invalid_argument;
  CHECK(throws_with<E>([&] { ds::energy_distance(a.data(), 0, a.data(), 3); }, "u_values must not be empty"));
  CHECK(throws_with<E>([&] { ds::energy_distance(a.data(), 3, a.data(), 0); }, "v_values must not be empty"));
  CHECK(throws_with<E>([&] { ds::energy_distance(a.data(), 3, a.data(), 3, w_neg.data()); }, "u_weights"));
  CHECK(throws_with<E>([&] { ds::energy_distance(a.data(), 3, a.data(), 3, nullptr, w_zero.data()); }, "v_weights"));
  CHECK(throws_with<E>([&] { ds::energy_distance(a.data(), 3, a.data(), 3, w_inf.data()); }, "u_weights"));
  CHECK(throws_with<E>([&] { ds::energy_distance(a.data(), 3, a.data(), 3, w_nan.data()); }, "u_weights"));
}
