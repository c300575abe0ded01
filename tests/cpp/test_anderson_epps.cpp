// Tests of driftscope::anderson_ksamp and driftscope::epps_singleton_2samp against
// scipy.stats.anderson_ksamp / scipy.stats.epps_singleton_2samp (scipy 1.17.1).
//
// Expected values come from tests/cpp/data/gen_anderson_epps_fixtures.py (checked in with
// its output tests/cpp/data/anderson_epps_fixtures.inc, which holds the input arrays in full).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "catch.hpp"
#include "driftscope/stats/anderson_ksamp.hpp"
#include "driftscope/stats/epps_singleton.hpp"

namespace ds = driftscope;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct anderson_case {
  const char* name;
  std::vector<std::vector<double>> samples;
  int variant;
  std::uint64_t n_resamples;  // 0: asymptotic
  double statistic;
  std::vector<double> critical_values;
  double pvalue;
  bool capped;
};

struct epps_case {
  const char* name;
  std::vector<double> x, y, t;
  int policy;
  double statistic, pvalue;
};

#include "data/anderson_epps_fixtures.inc"

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
    const bool ok = std::string(e.what()).find(needle) != std::string::npos;
    if (!ok) UNSCOPED_INFO("message: " << e.what());
    return ok;
  } catch (...) {
    return false;
  }
  return false;
}

template <class T>
ds::anderson_ksamp_result run_anderson(const std::vector<std::vector<double>>& samples,
                                       const ds::anderson_ksamp_options& o) {
  std::vector<std::vector<T>> conv;
  for (const auto& s : samples) conv.emplace_back(s.begin(), s.end());
  std::vector<const T*> ptr;
  std::vector<std::size_t> n;
  for (const auto& s : conv) {
    ptr.push_back(s.data());
    n.push_back(s.size());
  }
  return ds::anderson_ksamp(ptr.data(), n.data(), n.size(), o);
}

ds::anderson_ksamp_options options_of(const anderson_case& c) {
  ds::anderson_ksamp_options o;
  o.variant = static_cast<ds::anderson_variant>(c.variant);
  if (c.n_resamples > 0) {
    o.method = ds::anderson_method::permutation;
    o.n_resamples = c.n_resamples;
  }
  return o;
}

bool float_exact(const std::vector<std::vector<double>>& samples) {
  // float input keeps the order and the ties of these values
  for (const auto& s : samples)
    for (double v : s)
      if (!std::isinf(v) && static_cast<double>(static_cast<float>(v)) != v) return false;
  return true;
}

// Tolerances: the normalised statistic is (A² - (k-1)) / σ_N; A² agrees with scipy to a
// few ulp (compensated vs pairwise sums), and the subtraction turns that into an
// absolute error of ~1e-15 when A² is close to k-1, hence the 1e-13 absolute floor.
constexpr double stat_rel = 1e-12, stat_abs = 1e-13;

}  // namespace

TEST_CASE("anderson_ksamp matches scipy fixtures", "[anderson_ksamp]") {
  for (const anderson_case& c : anderson_cases) {
    INFO(c.name);
    const ds::anderson_ksamp_result r = run_anderson<double>(c.samples, options_of(c));
    CHECK(close(r.statistic, c.statistic, stat_rel, stat_abs));
    CHECK(close(r.pvalue, c.pvalue, 1e-9, 1e-14));
    CHECK(r.pvalue_capped == c.capped);
    for (std::size_t i = 0; i < 7; ++i)
      CHECK(close(r.critical_values[i], c.critical_values[i], 1e-15, 0));
    CHECK(r.n_samples == c.samples.size());
    if (c.n_resamples > 0) {
      CHECK(r.method == ds::anderson_method::permutation);
      CHECK(r.exact);
      CHECK(!r.pvalue_capped);
    } else {
      CHECK(r.method == ds::anderson_method::asymptotic);
      CHECK(r.n_resamples == 0);
    }
    if (float_exact(c.samples)) {
      const ds::anderson_ksamp_result rf = run_anderson<float>(c.samples, options_of(c));
      CHECK(close(rf.statistic, c.statistic, stat_rel, stat_abs));
      CHECK(close(rf.pvalue, c.pvalue, 1e-9, 1e-14));
    }
  }
}

TEST_CASE("anderson_ksamp: two-sample overload, order invariance, variants agree without ties",
          "[anderson_ksamp]") {
  const anderson_case& c = anderson_cases[0];  // rand_midrank_5x7
  REQUIRE(c.samples.size() == 2);
  const auto& x = c.samples[0];
  const auto& y = c.samples[1];
  const auto r = ds::anderson_ksamp(x.data(), x.size(), y.data(), y.size());
  CHECK(close(r.statistic, c.statistic, stat_rel, stat_abs));
  CHECK(close(r.pvalue, c.pvalue, 1e-9, 1e-14));
  // symmetric in the samples, invariant under reordering a sample
  const auto s = ds::anderson_ksamp(y.data(), y.size(), x.data(), x.size());
  CHECK(close(s.statistic, r.statistic, 1e-14, 1e-15));
  std::vector<double> xr(x.rbegin(), x.rend());
  const auto t = ds::anderson_ksamp(xr.data(), xr.size(), y.data(), y.size());
  CHECK(t.statistic == r.statistic);
  // without ties right and continuous coincide
  ds::anderson_ksamp_options right, cont;
  right.variant = ds::anderson_variant::right;
  cont.variant = ds::anderson_variant::continuous;
  const auto rr = ds::anderson_ksamp(x.data(), x.size(), y.data(), y.size(), right);
  const auto rc = ds::anderson_ksamp(x.data(), x.size(), y.data(), y.size(), cont);
  CHECK(close(rr.statistic, rc.statistic, 1e-12, 1e-14));
  CHECK(rr.variant == ds::anderson_variant::right);
  CHECK(r.n_total == x.size() + y.size());
  // invariant under a strictly increasing map
  std::vector<double> xe(x), ye(y);
  for (double& v : xe) v = std::exp(v);
  for (double& v : ye) v = std::exp(v);
  const auto e = ds::anderson_ksamp(xe.data(), xe.size(), ye.data(), ye.size());
  CHECK(e.statistic == r.statistic);
}

TEST_CASE("anderson_ksamp: permutation p-values", "[anderson_ksamp]") {
  std::mt19937_64 gen(3);
  std::normal_distribution<double> nd(0.0, 1.0);
  std::vector<double> x(60), y(50);
  for (double& v : x) v = nd(gen);
  for (double& v : y) v = nd(gen) + 0.3;
  ds::anderson_ksamp_options o;
  o.method = ds::anderson_method::permutation;
  o.n_resamples = 2000;
  o.seed = 12345;
  const auto a = ds::anderson_ksamp(x.data(), x.size(), y.data(), y.size(), o);
  const auto b = ds::anderson_ksamp(x.data(), x.size(), y.data(), y.size(), o);
  SECTION("same seed, same p-value; random partitions use the (1 + count) / (1 + n) rule") {
    CHECK(a.pvalue == b.pvalue);
    CHECK(!a.exact);
    CHECK(a.n_resamples == 2000);
    const double count = a.pvalue * 2001 - 1;
    CHECK(std::fabs(count - std::round(count)) < 1e-9);
    CHECK(a.pvalue >= 1.0 / 2001);
  }
  SECTION("another seed differs slightly; both near the asymptotic p-value") {
    o.seed = 999;
    const auto c = ds::anderson_ksamp(x.data(), x.size(), y.data(), y.size(), o);
    const auto asy = ds::anderson_ksamp(x.data(), x.size(), y.data(), y.size());
    CHECK(c.statistic == a.statistic);
    CHECK(c.critical_values == a.critical_values);
    if (!asy.pvalue_capped) {
      CHECK(std::fabs(a.pvalue - asy.pvalue) < 0.03);
      CHECK(std::fabs(c.pvalue - asy.pvalue) < 0.03);
    }
  }
  SECTION("the generator is fixed: a golden value guards its stream") {
    ds::detail::xoshiro256ss g(0);
    // xoshiro256** seeded by splitmix64(0): first outputs are fixed by the algorithm
    const std::uint64_t first = g();
    ds::detail::xoshiro256ss g2(0);
    CHECK(g2() == first);
    CHECK(first == UINT64_C(0x99ec5f36cb75f2b4));
    ds::detail::xoshiro256ss g3(7);
    for (int i = 0; i < 1000; ++i) {
      const std::uint64_t v = g3.bounded(10);
      CHECK(v < 10);
    }
    CHECK(g3.bounded(1) == 0);
  }
  SECTION("n_resamples equal to the number of partitions enumerates them (exact)") {
    const std::vector<double> p{0.1, 0.5, 2.0}, q{1.5, 2.5, 3.0, -1.0};
    ds::anderson_ksamp_options e;
    e.method = ds::anderson_method::permutation;
    e.n_resamples = 35;  // C(7, 3)
    const auto r = ds::anderson_ksamp(p.data(), p.size(), q.data(), q.size(), e);
    CHECK(r.exact);
    CHECK(r.n_resamples == 35);
    const double count = r.pvalue * 35;
    CHECK(std::fabs(count - std::round(count)) < 1e-9);
    e.n_resamples = 34;
    const auto s = ds::anderson_ksamp(p.data(), p.size(), q.data(), q.size(), e);
    CHECK(!s.exact);
    CHECK(s.n_resamples == 34);
  }
  SECTION("the sample with size 1 is accepted by the permutation test") {
    const std::vector<double> p{0.1}, q{1.5, 2.5, 3.0, -1.0};
    ds::anderson_ksamp_options e;
    e.method = ds::anderson_method::permutation;
    const auto r = ds::anderson_ksamp(p.data(), p.size(), q.data(), q.size(), e);
    CHECK(r.exact);
    CHECK(r.n_resamples == 5);
  }
}

TEST_CASE("anderson_ksamp: partition counting", "[anderson_ksamp]") {
  namespace da = ds::detail::anderson;
  std::uint64_t out = 0;
  const std::size_t n1[] = {5, 6};
  CHECK(da::partitions_at_most(n1, 2, 462, &out));
  CHECK(out == 462);
  CHECK(!da::partitions_at_most(n1, 2, 461, &out));
  const std::size_t n2[] = {2, 2, 3};
  CHECK(da::partitions_at_most(n2, 3, 1000, &out));
  CHECK(out == 210);
  const std::size_t n3[] = {100, 100};
  CHECK(!da::partitions_at_most(n3, 2, std::numeric_limits<std::uint64_t>::max(), &out));
  const std::size_t n4[] = {30, 30};  // C(60, 30) = 118264581564861424 < 2^64
  CHECK(da::partitions_at_most(n4, 2, std::numeric_limits<std::uint64_t>::max(), &out));
  CHECK(out == UINT64_C(118264581564861424));
}

TEST_CASE("anderson_ksamp: bad input", "[anderson_ksamp]") {
  using E = std::invalid_argument;
  const std::vector<double> a{1, 2, 3}, b{0.5, 4, 2}, c{1, kNaN, 3}, one{1}, two{2};
  const std::vector<double> same{1, 1, 1};
  const double* s1[] = {a.data()};
  const std::size_t n1[] = {3};
  CHECK(throws_with<E>([&] { ds::anderson_ksamp(s1, n1, 1); },
                       "samples must hold at least 2 samples, got 1"));
  CHECK(
      throws_with<E>([&] { ds::anderson_ksamp(a.data(), 3, b.data(), 0); }, "samples[1] is empty"));
  CHECK(throws_with<E>([&] { ds::anderson_ksamp(a.data(), 3, c.data(), 3); },
                       "samples[1] contains 1 NaN"));
  CHECK(throws_with<E>([&] { ds::anderson_ksamp(same.data(), 3, same.data(), 3); },
                       "needs more than one distinct observation"));
  CHECK(throws_with<E>([&] { ds::anderson_ksamp(one.data(), 1, a.data(), 2); },
                       "at least 4 values in total, got 3"));
  const double* s4[] = {a.data(), b.data(), one.data(), two.data()};
  const std::size_t n4[] = {1, 1, 1, 1};
  CHECK(throws_with<E>([&] { ds::anderson_ksamp(s4, n4, 4); }, "2 or more values"));
  const double* sn[] = {a.data(), nullptr};
  const std::size_t nn[] = {3, 2};
  CHECK(throws_with<E>([&] { ds::anderson_ksamp(sn, nn, 2); }, "samples[1] is a null pointer"));
  ds::anderson_ksamp_options o;
  o.n_resamples = 0;
  CHECK(throws_with<E>([&] { ds::anderson_ksamp(a.data(), 3, b.data(), 3, o); },
                       "n_resamples must be >= 1"));
  o = {};
  o.variant = static_cast<ds::anderson_variant>(9);
  CHECK(throws_with<E>([&] { ds::anderson_ksamp(a.data(), 3, b.data(), 3, o); },
                       "variant has invalid value 9"));
  o = {};
  o.method = static_cast<ds::anderson_method>(5);
  CHECK(throws_with<E>([&] { ds::anderson_ksamp(a.data(), 3, b.data(), 3, o); },
                       "method has invalid value 5"));
  CHECK(throws_with<E>([&] { ds::parse_anderson_variant("discrete"); }, "variant must be"));
  CHECK(throws_with<E>([&] { ds::parse_anderson_method("exact"); }, "method must be"));
  CHECK(ds::parse_anderson_variant("right") == ds::anderson_variant::right);
  CHECK(ds::parse_anderson_method("permutation") == ds::anderson_method::permutation);
  CHECK(std::string(ds::to_string(ds::anderson_variant::continuous)) == "continuous");
  CHECK(std::string(ds::to_string(ds::anderson_method::asymptotic)) == "asymptotic");
}

namespace {

ds::epps_singleton_options epps_options_of(const epps_case& c) {
  ds::epps_singleton_options o;
  o.t = c.t;
  o.nan = static_cast<ds::nan_policy>(c.policy);
  return o;
}

// Tolerances: W is a quadratic form in the pseudo-inverse of the covariance estimate;
// the covariance agrees with scipy's (BLAS dot products) to ~1e-15 and the inverse can
// amplify that by its condition number (up to ~1e3 for these cases), hence 1e-11 for the
// statistic; the chi-square p-value inherits it (|d log p / d log W| = W/2·... <= ~40 here).
constexpr double epps_stat_rel = 1e-11, epps_p_rel = 1e-9;

}  // namespace

TEST_CASE("epps_singleton_2samp matches scipy fixtures", "[epps_singleton]") {
  for (const epps_case& c : epps_cases) {
    INFO(c.name);
    const auto r = ds::epps_singleton_2samp(c.x.data(), c.x.size(), c.y.data(), c.y.size(),
                                            epps_options_of(c));
    CHECK(close(r.statistic, c.statistic, epps_stat_rel, 1e-14));
    CHECK(close(r.pvalue, c.pvalue, epps_p_rel, 1e-14));
    CHECK(r.nx + r.missing_x == c.x.size());
    CHECK(r.ny + r.missing_y == c.y.size());
    if (!std::isnan(c.statistic)) {
      // rank-deficient covariance: a repeated t, or two distinct values only (each feature
      // is then an affine function of one indicator)
      const std::string name = c.name;
      const std::size_t df = name == "t_repeated_rank_deficient" ? 2
                             : name == "ties_two_values"         ? 1
                                                                 : 2 * c.t.size();
      CHECK(r.df == df);
    }
  }
}

TEST_CASE("epps_singleton_2samp: float input and symmetry", "[epps_singleton]") {
  const epps_case& c = epps_cases[1];  // rand_10x12
  const std::vector<float> xf(c.x.begin(), c.x.end()), yf(c.y.begin(), c.y.end());
  const std::vector<double> xd(xf.begin(), xf.end()), yd(yf.begin(), yf.end());
  const auto rf = ds::epps_singleton_2samp(xf.data(), xf.size(), yf.data(), yf.size());
  const auto rd = ds::epps_singleton_2samp(xd.data(), xd.size(), yd.data(), yd.size());
  CHECK(rf.statistic == rd.statistic);  // float input is computed in double
  CHECK(rf.pvalue == rd.pvalue);
  const auto r = ds::epps_singleton_2samp(c.x.data(), c.x.size(), c.y.data(), c.y.size());
  const auto s = ds::epps_singleton_2samp(c.y.data(), c.y.size(), c.x.data(), c.x.size());
  CHECK(close(s.statistic, r.statistic, 1e-12, 1e-15));
}

TEST_CASE("epps_singleton_2samp: bad input", "[epps_singleton]") {
  using E = std::invalid_argument;
  const std::vector<double> a{1, 2, 3, 4, 5, 6}, four{1, 2, 3, 4}, nan2{1, kNaN, 3, kNaN, 5, 6};
  const std::vector<double> constant(10, 2.0);
  CHECK(throws_with<E>([&] { ds::epps_singleton_2samp(four.data(), 4, a.data(), 6); },
                       "x must contain at least 5"));
  CHECK(throws_with<E>([&] { ds::epps_singleton_2samp(a.data(), 6, four.data(), 4); },
                       "y must contain at least 5"));
  ds::epps_singleton_options o;
  o.t = {};
  CHECK(throws_with<E>([&] { ds::epps_singleton_2samp(a.data(), 6, a.data(), 6, o); },
                       "t must not be empty"));
  o.t = {0.4, 0.0};
  CHECK(throws_with<E>([&] { ds::epps_singleton_2samp(a.data(), 6, a.data(), 6, o); },
                       "t must contain positive elements only, got 0"));
  o.t = {-1.0};
  CHECK(throws_with<E>([&] { ds::epps_singleton_2samp(a.data(), 6, a.data(), 6, o); },
                       "positive elements only"));
  o.t = {kNaN};
  CHECK(throws_with<E>([&] { ds::epps_singleton_2samp(a.data(), 6, a.data(), 6, o); },
                       "t must contain finite"));
  o.t = {kInf};
  CHECK(throws_with<E>([&] { ds::epps_singleton_2samp(a.data(), 6, a.data(), 6, o); },
                       "t must contain finite"));
  o = {};
  o.nan = static_cast<ds::nan_policy>(4);
  CHECK(throws_with<E>([&] { ds::epps_singleton_2samp(a.data(), 6, a.data(), 6, o); },
                       "nan_policy has invalid"));
  o = {};
  o.nan = ds::nan_policy::raise;
  CHECK(throws_with<E>([&] { ds::epps_singleton_2samp(nan2.data(), 6, a.data(), 6, o); },
                       "nan_policy is 'raise'"));
  o.nan = ds::nan_policy::omit;
  CHECK(throws_with<E>([&] { ds::epps_singleton_2samp(nan2.data(), 6, a.data(), 6, o); },
                       "x must contain at least 5 observations after omitting NaN, got 4"));
  // propagate: NaN result, counts reported
  const auto p = ds::epps_singleton_2samp(nan2.data(), 6, a.data(), 6);
  CHECK(std::isnan(p.statistic));
  CHECK(std::isnan(p.pvalue));
  CHECK(p.missing_x == 2);
  CHECK(throws_with<E>([&] { ds::epps_singleton_2samp(constant.data(), 10, constant.data(), 10); },
                       "interquartile range of the pooled sample must be positive"));
}
