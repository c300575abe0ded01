// Tests of stats/binned_distances.hpp, stats/normed_wasserstein.hpp ([binned_distances]) and
// stats/categorical.hpp ([categorical]) against numpy / scipy / statsmodels values generated
// by data/gen_binned_distance_fixtures.py, plus properties and bad input.
#include "catch.hpp"

#include <driftscope/stats/binned_distances.hpp>
#include <driftscope/stats/categorical.hpp>
#include <driftscope/stats/normed_wasserstein.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace bd_test {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct binned_case {
  const char* name;
  std::vector<double> reference, current;
  bool float32;
  int kind;  // 0 quantile, 1 uniform, 2 explicit
  std::size_t bins;
  std::vector<double> explicit_edges;
  std::vector<double> edges;
  std::vector<std::uint64_t> reference_counts, current_counts;
  std::size_t missing_reference, missing_current;
  double hellinger, tvd, linf, kl_e4, kl_0, kl_01_base2;
};

struct counts_case {
  std::vector<double> reference, current;
  double hellinger, tvd, linf, kl_e4, kl_0, kl_01_base2;
};

struct normed_case {
  const char* name;
  std::vector<double> reference, current;
  bool float32;
  std::size_t missing_reference, missing_current;
  double expected;
};

struct cat_case {
  const char* name;
  std::vector<std::int64_t> ref_codes, cur_codes;
  std::size_t n_categories;
  std::vector<std::int64_t> reference_counts, current_counts;
  std::size_t missing_reference, missing_current;
  std::size_t present;
  double chi2_statistic, chi2_pvalue;
  std::size_t chi2_dof;
  double g_statistic, g_pvalue;
  bool binary;
  double z_statistic, z_pvalue, fisher_statistic, fisher_pvalue;
  double psi, js, hellinger, tvd, kl;
};

#include "data/binned_distance_fixtures.inc"

/// |a - b| <= abs_tol + rel_tol * |b|; NaN equals NaN; equal infinities are close.
/// Statistics use rel 1e-12; the absolute 1e-14 covers sums that cancel to ~0 (KL of
/// near-identical proportions), where a relative bound is meaningless.
inline bool close(double a, double b, double rel_tol = 1e-12, double abs_tol = 1e-14) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (std::isinf(a) || std::isinf(b)) return a == b;
  return std::fabs(a - b) <= abs_tol + rel_tol * std::fabs(b);
}

template <class F>
bool throws_with(F&& f, const std::string& needle) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).find(needle) != std::string::npos) return true;
    UNSCOPED_INFO("message was: " << e.what());
    return false;
  }
  return false;
}

driftscope::binning binning_of(const binned_case& c) {
  if (c.kind == 0) return driftscope::binning::quantile(c.bins);
  if (c.kind == 1) return driftscope::binning::uniform(c.bins);
  return driftscope::binning::explicit_edges(c.explicit_edges);
}

template <class T>
std::vector<T> as(const std::vector<double>& v) {
  return std::vector<T>(v.begin(), v.end());
}

template <class T>
void check_binned_case(const binned_case& c) {
  namespace ds = driftscope;
  INFO(c.name);
  const std::vector<T> ref = as<T>(c.reference), cur = as<T>(c.current);
  const ds::binned_distance_options o{binning_of(c)};
  const ds::drift_result h = ds::hellinger(ref.data(), ref.size(), cur.data(), cur.size(), o);
  const ds::drift_result t = ds::total_variation(ref.data(), ref.size(), cur.data(), cur.size(), o);
  const ds::drift_result l = ds::linf_distance(ref.data(), ref.size(), cur.data(), cur.size(), o);
  const ds::drift_result k4 = ds::kl_divergence(ref.data(), ref.size(), cur.data(), cur.size(),
                                                ds::kl_options{binning_of(c)});
  const ds::drift_result k0 = ds::kl_divergence(ref.data(), ref.size(), cur.data(), cur.size(),
                                                ds::kl_options{binning_of(c), 0.0});
  const ds::drift_result k2 =
      ds::kl_divergence(ref.data(), ref.size(), cur.data(), cur.size(),
                        ds::kl_options{binning_of(c), 0.01, ds::nan_policy::omit, 2.0});
  // same binning and counting as psi (numpy.quantile / linspace, searchsorted 'right')
  for (const ds::drift_result* r : {&h, &t, &l, &k4, &k0, &k2}) {
    REQUIRE(r->edges.size() == c.edges.size());
    for (std::size_t i = 0; i < c.edges.size(); ++i) CHECK(r->edges[i] == c.edges[i]);
    CHECK(r->reference_counts == c.reference_counts);
    CHECK(r->current_counts == c.current_counts);
    CHECK(r->missing_reference == c.missing_reference);
    CHECK(r->missing_current == c.missing_current);
    CHECK(r->n_reference == c.reference.size() - c.missing_reference);
    CHECK(r->n_current == c.current.size() - c.missing_current);
  }
  CHECK(close(h.statistic, c.hellinger));
  CHECK(close(t.statistic, c.tvd));
  CHECK(close(l.statistic, c.linf));
  CHECK(close(k4.statistic, c.kl_e4));
  CHECK(close(k0.statistic, c.kl_0));
  CHECK(close(k2.statistic, c.kl_01_base2));
}

}  // namespace bd_test

using namespace bd_test;
namespace ds = driftscope;

TEST_CASE("binned distances match numpy / scipy on generated cases", "[binned_distances]") {
  for (const binned_case& c : binned_cases) {
    if (c.float32) check_binned_case<float>(c);
    check_binned_case<double>(c);
  }
}

TEST_CASE("binned distances: mixed float / double samples", "[binned_distances]") {
  // float values widen exactly, so a float reference with a double current sample gives
  // the statistics of the all-double computation
  for (const binned_case& c : binned_cases) {
    if (!c.float32) continue;
    INFO(c.name);
    const std::vector<float> ref = as<float>(c.reference);
    const std::vector<double>& cur = c.current;
    const ds::binned_distance_options o{binning_of(c)};
    CHECK(close(ds::hellinger(ref.data(), ref.size(), cur.data(), cur.size(), o).statistic,
                c.hellinger));
    CHECK(close(
        ds::total_variation(cur.data(), cur.size(), ref.data(), ref.size(), o).statistic,
        ds::total_variation(cur.data(), cur.size(), c.reference.data(), ref.size(), o).statistic));
    CHECK(close(ds::kl_divergence(ref.data(), ref.size(), cur.data(), cur.size(),
                                  ds::kl_options{binning_of(c)})
                    .statistic,
                c.kl_e4));
  }
}

TEST_CASE("count-vector distances match scipy", "[binned_distances]") {
  for (const counts_case& c : counts_cases) {
    const std::size_t n = c.reference.size();
    const double* a = c.reference.data();
    const double* b = c.current.data();
    CHECK(close(ds::hellinger_counts(a, b, n), c.hellinger));
    CHECK(close(ds::total_variation_counts(a, b, n), c.tvd));
    CHECK(close(ds::linf_distance_counts(a, b, n), c.linf));
    CHECK(close(ds::kl_divergence_counts(a, b, n), c.kl_e4));
    CHECK(close(ds::kl_divergence_counts(a, b, n, 0.0), c.kl_0));
    CHECK(close(ds::kl_divergence_counts(a, b, n, 0.01, 2.0), c.kl_01_base2));
  }
  SECTION("integer count types") {
    const std::int64_t a[] = {5, 0, 3}, b[] = {1, 4, 3};
    const double da[] = {5, 0, 3}, db[] = {1, 4, 3};
    CHECK(ds::hellinger_counts(a, b, 3) == ds::hellinger_counts(da, db, 3));
    CHECK(ds::kl_divergence_counts(a, b, 3) == ds::kl_divergence_counts(da, db, 3));
  }
}

TEST_CASE("binned distances: properties", "[binned_distances]") {
  std::mt19937_64 gen(7);
  std::normal_distribution<double> nd;
  for (int rep = 0; rep < 20; ++rep) {
    std::vector<double> x(200 + 17 * static_cast<std::size_t>(rep)), y(150);
    for (double& v : x) v = nd(gen);
    for (double& v : y) v = nd(gen) * (1 + 0.1 * rep) + 0.05 * rep;
    const ds::binned_distance_options o{ds::binning::quantile(static_cast<std::size_t>(2 + rep))};
    const double h = ds::hellinger(x.data(), x.size(), y.data(), y.size(), o).statistic;
    const double t = ds::total_variation(x.data(), x.size(), y.data(), y.size(), o).statistic;
    const double l = ds::linf_distance(x.data(), x.size(), y.data(), y.size(), o).statistic;
    const double k = ds::kl_divergence(x.data(), x.size(), y.data(), y.size()).statistic;
    CHECK((h >= 0 && h <= 1));
    CHECK((t >= 0 && t <= 1));
    CHECK((l >= 0 && l <= t + 1e-15));  // the largest bin difference is at most half the L1 norm
    CHECK(k >= 0);
    // classical inequalities between the distances: H² <= TVD <= √2·H
    CHECK(h * h <= t + 1e-15);
    CHECK(t <= std::sqrt(2.0) * h + 1e-15);
    // identical samples: exactly 0
    CHECK(ds::hellinger(x.data(), x.size(), x.data(), x.size(), o).statistic == 0.0);
    CHECK(ds::total_variation(x.data(), x.size(), x.data(), x.size(), o).statistic == 0.0);
    CHECK(ds::linf_distance(x.data(), x.size(), x.data(), x.size(), o).statistic == 0.0);
    CHECK(ds::kl_divergence(x.data(), x.size(), x.data(), x.size()).statistic == 0.0);
    // hellinger / tvd / linf are symmetric on the same counts
    const ds::drift_result hr = ds::hellinger(x.data(), x.size(), y.data(), y.size(), o);
    CHECK(close(ds::hellinger_counts(hr.current_counts.data(), hr.reference_counts.data(),
                                     hr.reference_counts.size()),
                h, 1e-15));
  }
  SECTION("disjoint supports: H = TVD = 1, KL(eps = 0) = inf") {
    const double a[] = {0, 1, 2, 3}, b[] = {10, 11, 12};
    const ds::binned_distance_options o{ds::binning::explicit_edges({5.0})};
    CHECK(ds::hellinger(a, 4, b, 3, o).statistic == 1.0);
    CHECK(ds::total_variation(a, 4, b, 3, o).statistic == 1.0);
    CHECK(ds::linf_distance(a, 4, b, 3, o).statistic == 1.0);
    CHECK(ds::kl_divergence(a, 4, b, 3, ds::kl_options{ds::binning::explicit_edges({5.0}), 0.0})
              .statistic == kInf);
    const double k =
        ds::kl_divergence(a, 4, b, 3, ds::kl_options{ds::binning::explicit_edges({5.0})}).statistic;
    CHECK(std::isfinite(k));
  }
  SECTION("bins empty on both sides do not change KL") {
    const double a[] = {0, 1, 2, 3}, b[] = {0, 0, 3};
    const double k1 =
        ds::kl_divergence(a, 4, b, 3, ds::kl_options{ds::binning::explicit_edges({1.5})}).statistic;
    const double k2 =
        ds::kl_divergence(a, 4, b, 3,
                          ds::kl_options{ds::binning::explicit_edges({-5, -4, 1.5, 50, 60})})
            .statistic;
    CHECK(k1 == k2);
  }
}

TEST_CASE("binned distances: NaN policies", "[binned_distances]") {
  const double a[] = {1, 2, kNaN, 4, 5}, b[] = {2, 3, 4, kNaN, kNaN, 6};
  SECTION("omit counts and drops") {
    const ds::drift_result r = ds::hellinger(a, 5, b, 6);
    CHECK(r.missing_reference == 1);
    CHECK(r.missing_current == 2);
    CHECK(r.n_reference == 4);
    CHECK(r.n_current == 4);
    const double a2[] = {1, 2, 4, 5}, b2[] = {2, 3, 4, 6};
    CHECK(r.statistic == ds::hellinger(a2, 4, b2, 4).statistic);
  }
  SECTION("propagate gives NaN with counts filled") {
    const ds::binned_distance_options o{ds::binning{}, ds::nan_policy::propagate};
    const ds::drift_result r = ds::total_variation(a, 5, b, 6, o);
    CHECK(std::isnan(r.statistic));
    CHECK(r.missing_current == 2);
    CHECK(std::isnan(ds::kl_divergence(
                         a, 5, b, 6, ds::kl_options{ds::binning{}, 1e-4, ds::nan_policy::propagate})
                         .statistic));
  }
  SECTION("raise throws naming the sample") {
    const ds::binned_distance_options o{ds::binning{}, ds::nan_policy::raise};
    CHECK(throws_with([&] { ds::linf_distance(a, 5, b, 6, o); },
                      "linf_distance: reference contains NaN"));
    const double c[] = {1, 2};
    CHECK(throws_with([&] { ds::hellinger(c, 2, b, 6, o); }, "hellinger: current contains NaN"));
  }
}

TEST_CASE("binned distances: bad input", "[binned_distances]") {
  const double a[] = {1, 2, 3}, nan3[] = {kNaN, kNaN, kNaN};
  CHECK(throws_with([&] { ds::hellinger(a, 0, a, 3); }, "hellinger: reference must not be empty"));
  CHECK(throws_with([&] { ds::total_variation(a, 3, a, 0); },
                    "total_variation: current must not be empty"));
  CHECK(throws_with([&] { ds::linf_distance(nan3, 3, a, 3); },
                    "linf_distance: reference is empty after omitting NaN"));
  CHECK(throws_with([&] { ds::kl_divergence(a, 3, nan3, 3); },
                    "kl_divergence: current is empty after omitting NaN"));
  CHECK(throws_with(
      [&] { ds::hellinger(a, 3, a, 3, ds::binned_distance_options{ds::binning::quantile(1)}); },
      "hellinger: bins must be >= 2, got 1"));
  CHECK(throws_with(
      [&] {
        ds::total_variation(a, 3, a, 3,
                            ds::binned_distance_options{ds::binning::explicit_edges({2.0, kNaN})});
      },
      "total_variation: binning edges must not contain NaN"));
  CHECK(throws_with(
      [&] {
        ds::linf_distance(
            a, 3, a, 3, ds::binned_distance_options{ds::binning{}, static_cast<ds::nan_policy>(9)});
      },
      "linf_distance: nan_policy is not a valid nan_policy"));
  CHECK(throws_with(
      [&] { ds::hellinger(nan3, 3, a, 3, ds::binned_distance_options{ds::binning::uniform(4)}); },
      "hellinger: reference is empty after omitting NaN"));
  SECTION("kl options") {
    CHECK(throws_with(
        [&] {
          ds::kl_divergence(a, 3, a, 3, ds::kl_options{ds::binning{}, -0.1});
        },
        "kl_divergence: epsilon must be >= 0 and < 1, got -0.1"));
    CHECK(throws_with(
        [&] {
          ds::kl_divergence(a, 3, a, 3, ds::kl_options{ds::binning{}, 1.0});
        },
        "kl_divergence: epsilon must be >= 0 and < 1, got 1"));
    CHECK(throws_with(
        [&] {
          ds::kl_divergence(a, 3, a, 3, ds::kl_options{ds::binning{}, kNaN});
        },
        "kl_divergence: epsilon must be >= 0 and < 1"));
    CHECK(throws_with(
        [&] {
          ds::kl_divergence(a, 3, a, 3,
                            ds::kl_options{ds::binning{}, 1e-4, ds::nan_policy::omit, 1.0});
        },
        "kl_divergence: base must be finite, > 0 and != 1, got 1"));
    CHECK(throws_with(
        [&] {
          ds::kl_divergence(a, 3, a, 3,
                            ds::kl_options{ds::binning{}, 1e-4, ds::nan_policy::omit, -2.0});
        },
        "kl_divergence: base must be"));
    CHECK(
        throws_with([&] { ds::kl_divergence(a, 3, a, 3, ds::kl_options{ds::binning::uniform(0)}); },
                    "kl_divergence: bins must be >= 2, got 0"));
  }
  SECTION("count vectors") {
    const double ok[] = {1, 2}, neg[] = {1, -2}, nanv[] = {1, kNaN}, zero[] = {0, 0},
                 inf[] = {kInf, 1};
    CHECK(throws_with([&] { ds::hellinger_counts(ok, ok, 0); },
                      "hellinger_counts: reference_counts must not be empty"));
    CHECK(throws_with([&] { ds::total_variation_counts(neg, ok, 2); },
                      "total_variation_counts: reference_counts entries must be finite and "
                      "non-negative, got -2 at "
                      "index 1"));
    CHECK(throws_with(
        [&] { ds::linf_distance_counts(ok, nanv, 2); },
        "linf_distance_counts: current_counts entries must be finite and non-negative"));
    CHECK(throws_with(
        [&] { ds::kl_divergence_counts(zero, ok, 2); },
        "kl_divergence_counts: reference_counts must have a positive finite sum, got 0"));
    CHECK(throws_with([&] { ds::hellinger_counts(ok, inf, 2); },
                      "hellinger_counts: current_counts entries"));
    CHECK(throws_with([&] { ds::kl_divergence_counts(ok, ok, 2, 1.5); },
                      "kl_divergence_counts: epsilon must be >= 0 and < 1, got 1.5"));
    CHECK(throws_with([&] { ds::kl_divergence_counts(ok, ok, 2, 0.1, 0.0); },
                      "kl_divergence_counts: base must be finite, > 0 and != 1, got 0"));
  }
}

TEST_CASE("normed_wasserstein matches scipy / numpy", "[binned_distances]") {
  for (const normed_case& c : normed_cases) {
    INFO(c.name);
    const auto check = [&](const ds::drift_result& r) {
      CHECK(close(r.statistic, c.expected));
      CHECK(r.missing_reference == c.missing_reference);
      CHECK(r.missing_current == c.missing_current);
      CHECK(r.n_reference == c.reference.size() - c.missing_reference);
      CHECK(r.n_current == c.current.size() - c.missing_current);
      CHECK(r.edges.empty());
    };
    check(ds::normed_wasserstein(c.reference.data(), c.reference.size(), c.current.data(),
                                 c.current.size()));
    if (c.float32) {
      const std::vector<float> a = as<float>(c.reference), b = as<float>(c.current);
      check(ds::normed_wasserstein(a.data(), a.size(), b.data(), b.size()));
      check(ds::normed_wasserstein(a.data(), a.size(), c.current.data(), c.current.size()));
    }
  }
}

TEST_CASE("normed_wasserstein: properties and bad input", "[binned_distances]") {
  std::mt19937_64 gen(11);
  std::normal_distribution<double> nd;
  std::vector<double> x(300), y(200);
  for (double& v : x) v = nd(gen);
  for (double& v : y) v = nd(gen) + 0.3;
  const double base = ds::normed_wasserstein(x.data(), x.size(), y.data(), y.size()).statistic;
  SECTION("invariant under x -> a x + b, a > 0 (no floor on the scale)") {
    // powers of two scale exactly; a shift rounds each value by ~1 ulp, hence 1e-12
    for (double a : {0x1p-600, 0x1p-20, 0.25, 8.0, 0x1p20, 0x1p600}) {
      for (double b : {0.0, 0.5 * a}) {
        std::vector<double> xs(x), ys(y);
        for (double& v : xs) v = a * v + b;
        for (double& v : ys) v = a * v + b;
        CHECK(close(ds::normed_wasserstein(xs.data(), xs.size(), ys.data(), ys.size()).statistic,
                    base, 1e-12));
      }
    }
  }
  SECTION("identical samples give 0") {
    CHECK(ds::normed_wasserstein(x.data(), x.size(), x.data(), x.size()).statistic == 0.0);
  }
  SECTION("NaN policies") {
    const double a[] = {1, kNaN, 3}, b[] = {1, 2};
    CHECK(std::isnan(ds::normed_wasserstein(a, 3, b, 2, ds::nan_policy::propagate).statistic));
    CHECK(ds::normed_wasserstein(a, 3, b, 2, ds::nan_policy::propagate).missing_reference == 1);
    CHECK(throws_with([&] { ds::normed_wasserstein(a, 3, b, 2, ds::nan_policy::raise); },
                      "normed_wasserstein: reference contains NaN"));
    const double n2[] = {kNaN, kNaN};
    CHECK(throws_with([&] { ds::normed_wasserstein(b, 2, n2, 2); },
                      "normed_wasserstein: current is empty after omitting NaN"));
    CHECK(throws_with([&] { ds::normed_wasserstein(a, 0, b, 2); },
                      "normed_wasserstein: reference must not be empty"));
    CHECK(throws_with([&] { ds::normed_wasserstein(a, 3, b, 0); },
                      "normed_wasserstein: current must not be empty"));
    CHECK(throws_with([&] { ds::normed_wasserstein(a, 3, b, 2, static_cast<ds::nan_policy>(5)); },
                      "normed_wasserstein: nan_policy is not a valid nan_policy"));
  }
  SECTION("values near DBL_MAX of both signs do not overflow the scale") {
    const double m = std::numeric_limits<double>::max();
    const double a[] = {-m, m};
    CHECK(close(ds::detail::population_std(a, 2), m));
    const double c[] = {m, m, m}, d[] = {m, m, m * 0.5};
    CHECK(ds::detail::population_std(c, 3) == 0.0);
    CHECK(close(ds::detail::population_std(d, 3),
                m / 6 * std::sqrt(2.0)));  // sqrt(((m/6)² · 2 + (m/3)²) / 3)
    // scipy: the pooled gap 2m overflows, W = NaN (0 · inf); we keep scipy's W
    CHECK(std::isnan(ds::normed_wasserstein(a, 2, a, 2).statistic));
    const double e[] = {m * 0.25, m * 0.5}, f[] = {m * 0.5, m * 0.75};
    CHECK(close(ds::normed_wasserstein(e, 2, f, 2).statistic, 2.0));  // W = m/4, std = m/8
  }
}

// ------------------------------------------------------------------------------------ categorical

TEMPLATE_TEST_CASE("count_categories on every signed code type", "[categorical]", std::int8_t,
                   std::int16_t, std::int32_t, std::int64_t) {
  for (const cat_case& c : cat_cases) {
    if (c.n_categories > static_cast<std::size_t>(std::numeric_limits<TestType>::max()) + 1)
      continue;
    INFO(c.name);
    std::vector<TestType> a, b;
    for (std::int64_t v : c.ref_codes) a.push_back(static_cast<TestType>(v < 0 ? -1 : v));
    for (std::int64_t v : c.cur_codes)
      b.push_back(static_cast<TestType>(v < 0 ? std::numeric_limits<TestType>::min() : v));
    const ds::category_counts r =
        ds::count_categories(a.data(), a.size(), b.data(), b.size(), c.n_categories);
    CHECK(r.reference == c.reference_counts);
    CHECK(r.current == c.current_counts);
    CHECK(r.missing_reference == c.missing_reference);
    CHECK(r.missing_current == c.missing_current);
    CHECK(r.n_reference == c.ref_codes.size() - c.missing_reference);
    CHECK(r.n_current == c.cur_codes.size() - c.missing_current);
  }
  SECTION("a code >= n_categories throws naming the argument and index") {
    const TestType a[] = {0, 1, 2}, b[] = {0, -1, 3, 1};
    CHECK(throws_with([&] { ds::count_categories(a, 3, b, 4, 3); },
                      "count_categories: cur_codes must be < n_categories = 3, got 3 at index 2"));
    CHECK(throws_with([&] { ds::count_categories(a, 3, a, 3, 2); },
                      "count_categories: ref_codes must be < n_categories = 2, got 2 at index 2"));
    CHECK(throws_with([&] { ds::count_categories(a, 3, a, 3, 0); },
                      "count_categories: ref_codes must be < n_categories = 0, got 0 at index 0"));
  }
  SECTION("empty and all missing are counted, not rejected") {
    const TestType m[] = {-1, -5};
    const ds::category_counts r = ds::count_categories(m, 2, m, 0, 4);
    CHECK(r.missing_reference == 2);
    CHECK(r.n_reference == 0);
    CHECK(r.n_current == 0);
    CHECK(r.reference == std::vector<std::int64_t>(4, 0));
  }
}

TEST_CASE("categorical_drift matches scipy / statsmodels", "[categorical]") {
  using T = ds::categorical_test;
  for (const cat_case& c : cat_cases) {
    INFO(c.name);
    const ds::category_counts cc =
        ds::count_categories(c.ref_codes.data(), c.ref_codes.size(), c.cur_codes.data(),
                             c.cur_codes.size(), c.n_categories);
    const ds::categorical_result chi = ds::categorical_drift(cc, T::chisquare);
    CHECK(close(chi.statistic, c.chi2_statistic));
    CHECK(close(chi.pvalue, c.chi2_pvalue, 1e-9));
    CHECK(chi.dof == c.chi2_dof);
    CHECK(chi.n_categories == c.present);
    CHECK(std::string(chi.method) == "chisquare");
    const ds::categorical_result g = ds::categorical_drift(cc, T::g_test);
    CHECK(close(g.statistic, c.g_statistic));
    CHECK(close(g.pvalue, c.g_pvalue, 1e-9));
    CHECK(g.dof == c.chi2_dof);
    if (c.binary) {
      const ds::categorical_result z = ds::categorical_drift(cc, T::z);
      CHECK(close(z.statistic, c.z_statistic));
      CHECK(close(z.pvalue, c.z_pvalue, 1e-9));
      const ds::categorical_result f = ds::categorical_drift(cc, T::fisher_exact);
      CHECK(close(f.statistic, c.fisher_statistic));
      CHECK(close(f.pvalue, c.fisher_pvalue, 1e-9));
    } else {
      CHECK(throws_with([&] { ds::categorical_drift(cc, T::z); }, "z test needs a binary feature"));
      CHECK(throws_with([&] { ds::categorical_drift(cc, T::fisher_exact); },
                        "fisher_exact test needs a binary feature"));
    }
    const struct {
      T test;
      double expected;
    } distances[] = {{T::psi, c.psi},
                     {T::jensenshannon, c.js},
                     {T::hellinger, c.hellinger},
                     {T::tvd, c.tvd},
                     {T::kl_div, c.kl}};
    for (const auto& d : distances) {
      const ds::categorical_result r = ds::categorical_drift(cc, d.test);
      INFO(ds::to_string(d.test));
      CHECK(close(r.statistic, d.expected));
      CHECK(std::isnan(r.pvalue));
      CHECK(r.method == std::string(ds::to_string(d.test)));
    }
  }
}

TEST_CASE("categorical_drift: special cases and bad input", "[categorical]") {
  using T = ds::categorical_test;
  ds::category_counts one;
  one.reference = {0, 5, 0};
  one.current = {0, 3, 0};
  SECTION("one category present: dof 0, statistic 0, p-value 1") {
    for (T t : {T::chisquare, T::g_test}) {
      const ds::categorical_result r = ds::categorical_drift(one, t);
      CHECK(r.statistic == 0.0);
      CHECK(r.pvalue == 1.0);
      CHECK(r.dof == 0);
      CHECK(r.n_categories == 1);
    }
    CHECK(throws_with([&] { ds::categorical_drift(one, T::z); }, "z test needs a binary feature"));
    CHECK(ds::categorical_drift(one, T::psi).statistic == 0.0);
    CHECK(ds::categorical_drift(one, T::kl_div).statistic == 0.0);
  }
  SECTION("epsilon") {
    ds::category_counts c;
    c.reference = {4, 0};
    c.current = {2, 2};
    CHECK(throws_with([&] { ds::categorical_drift(c, T::psi, 0.0); },
                      "categorical_drift: epsilon must be > 0 and < 1, got 0"));
    CHECK(ds::categorical_drift(c, T::kl_div, 0.0).statistic ==
          0.6931471805599453 * 1.0);  // ln 2, finite
    std::swap(c.reference, c.current);
    CHECK(ds::categorical_drift(c, T::kl_div, 0.0).statistic == kInf);
    CHECK(throws_with([&] { ds::categorical_drift(c, T::kl_div, -1.0); },
                      "categorical_drift: epsilon must be >= 0 and < 1, got -1"));
    CHECK(ds::categorical_drift(c, T::chisquare, -1.0).pvalue > 0);  // ignored by the tests
  }
  SECTION("bad counts") {
    ds::category_counts c;
    c.reference = {1, 2};
    c.current = {1, 2, 3};
    CHECK(throws_with(
        [&] { ds::categorical_drift(c, T::hellinger); },
        "categorical_drift: reference and current counts must have the same length, got 2 and 3"));
    c.current = {1, -2};
    CHECK(throws_with([&] { ds::categorical_drift(c, T::tvd); },
                      "categorical_drift: current counts must be >= 0, got -2 at index 1"));
    c.current = {0, 0};
    CHECK(throws_with([&] { ds::categorical_drift(c, T::chisquare); },
                      "categorical_drift: current has no non-missing values"));
    c.reference = {};
    c.current = {};
    CHECK(throws_with([&] { ds::categorical_drift(c, T::chisquare); },
                      "categorical_drift: reference has no non-missing values"));
    c.reference = {std::numeric_limits<std::int64_t>::max(), 1};
    c.current = {1, 1};
    CHECK(throws_with([&] { ds::categorical_drift(c, T::psi); },
                      "categorical_drift: reference counts overflow"));
    CHECK(throws_with([&] { ds::categorical_drift(one, static_cast<T>(42)); },
                      "categorical_drift: test is not a valid categorical_test (42)"));
  }
  SECTION("parse / to_string round trip") {
    for (T t : {T::chisquare, T::g_test, T::z, T::fisher_exact, T::psi, T::jensenshannon,
                T::hellinger, T::tvd, T::kl_div})
      CHECK(ds::parse_categorical_test(ds::to_string(t)) == t);
    CHECK(throws_with([] { ds::parse_categorical_test("chi2"); }, "test must be one of"));
  }
}

TEST_CASE("binned distances and categorical_drift are re-entrant",
          "[binned_distances][categorical]") {
  const cat_case& big = cat_cases[sizeof(cat_cases) / sizeof(cat_cases[0]) - 2];
  const ds::category_counts cc =
      ds::count_categories(big.ref_codes.data(), big.ref_codes.size(), big.cur_codes.data(),
                           big.cur_codes.size(), big.n_categories);
  const binned_case& bc = binned_cases[0];
  const std::size_t threads_n = 4;
  std::vector<double> chi(threads_n), kl(threads_n), h(threads_n), nw(threads_n);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < threads_n; ++t)
    threads.emplace_back([&, t] {
      for (int rep = 0; rep < 20; ++rep) {
        chi[t] = ds::categorical_drift(cc, ds::categorical_test::chisquare).statistic;
        kl[t] = ds::categorical_drift(cc, ds::categorical_test::kl_div).statistic;
        h[t] = ds::hellinger(bc.reference.data(), bc.reference.size(), bc.current.data(),
                             bc.current.size())
                   .statistic;
        nw[t] = ds::normed_wasserstein(bc.reference.data(), bc.reference.size(), bc.current.data(),
                                       bc.current.size())
                    .statistic;
      }
    });
  for (auto& th : threads) th.join();
  for (std::size_t t = 0; t < threads_n; ++t) {
    CHECK(close(chi[t], big.chi2_statistic));
    CHECK(close(kl[t], big.kl));
    CHECK(close(h[t], bc.hellinger));
    CHECK(nw[t] == nw[0]);
  }
}
