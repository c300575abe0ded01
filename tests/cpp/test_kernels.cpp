// Tests of the SIMD kernels (src/kernels/) on every compiled target this CPU supports,
// each against a plain scalar oracle written here: std::upper_bound for bin_count,
// std::sort for sort, a naive ECDF evaluation (searchsorted per pooled point) that mirrors
// scipy.stats.ks_2samp / scipy.stats.wasserstein_distance for ecdf_walk, and a std::log
// loop following scipy.special.rel_entr's cases for rel_entr_sum.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "catch.hpp"
#include "driftscope/kernels/bin_count.hpp"
#include "driftscope/kernels/dispatch.hpp"
#include "driftscope/kernels/ecdf_walk.hpp"
#include "driftscope/kernels/rel_entr_sum.hpp"
#include "driftscope/kernels/sort.hpp"

namespace dk = driftscope::kernels;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Runs `body` once per available target (pinned with force_target), then restores.
void for_each_target(const std::function<void(const std::string&)>& body) {
  for (const std::string& t : dk::available_targets()) {
    dk::force_target(t);
    REQUIRE(dk::current_target() == t);
    INFO("target " << t);
    body(t);
  }
  dk::force_target("");
}

/// Random values with many ties (a small grid), some continuous values, ±inf and NaN.
template <typename T>
std::vector<T> random_values(std::mt19937_64& rng, std::size_t n, bool with_nan, bool with_inf) {
  std::uniform_int_distribution<int> kind(0, 99);
  std::uniform_int_distribution<int> grid(-8, 8);
  std::normal_distribution<double> normal(0.0, 3.0);
  std::vector<T> v(n);
  for (auto& x : v) {
    const int k = kind(rng);
    if (with_nan && k < 5) {
      x = std::numeric_limits<T>::quiet_NaN();
    } else if (with_inf && k < 8) {
      x = (k % 2 == 0) ? std::numeric_limits<T>::infinity() : -std::numeric_limits<T>::infinity();
    } else if (k < 55) {
      x = static_cast<T>(grid(rng)) / T(2);
    } else {
      x = static_cast<T>(normal(rng));
    }
  }
  return v;
}

/// Sorted edges drawn partly from the data grid (so values sit exactly on edges), with
/// duplicates, doubles just off a float value, ±inf and values beyond the float range.
std::vector<double> random_edges(std::mt19937_64& rng, std::size_t m) {
  std::uniform_int_distribution<int> kind(0, 99);
  std::uniform_int_distribution<int> grid(-8, 8);
  std::normal_distribution<double> normal(0.0, 3.0);
  std::vector<double> e(m);
  for (auto& x : e) {
    const int k = kind(rng);
    const double g = grid(rng) / 2.0;
    if (k < 40) {
      x = g;
    } else if (k < 50) {
      x = std::nextafter(g, kInf);
    } else if (k < 60) {
      x = std::nextafter(g, -kInf);
    } else if (k < 63) {
      x = (k % 2 == 0) ? kInf : -kInf;
    } else if (k < 66) {
      x = (k % 2 == 0) ? 1e300 : -1e300;
    } else {
      x = normal(rng);
    }
  }
  std::sort(e.begin(), e.end());
  return e;
}

/// Oracle: numpy.searchsorted(edges, x, side='right') per non-NaN value.
template <typename T>
std::size_t oracle_bin_count(const std::vector<T>& x, const std::vector<double>& edges,
                             std::vector<std::uint64_t>& counts) {
  std::size_t nan = 0;
  for (T v : x) {
    const double dv = static_cast<double>(v);
    if (std::isnan(dv)) {
      ++nan;
      continue;
    }
    ++counts[static_cast<std::size_t>(std::upper_bound(edges.begin(), edges.end(), dv) -
                                      edges.begin())];
  }
  return nan;
}

bool same_double(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

}  // namespace

TEST_CASE("dispatch: targets are listed, forced and restored", "[kernels]") {
  const auto targets = dk::available_targets();
  REQUIRE(!targets.empty());
  const std::string best = dk::current_target();
  CHECK(best == targets.front());
  for_each_target([](const std::string&) {});
  CHECK(dk::current_target() == best);
  CHECK_THROWS_AS(dk::force_target("NOT_A_TARGET"), std::invalid_argument);
  CHECK(dk::current_target() == best);
}

TEMPLATE_TEST_CASE("bin_count matches searchsorted(side='right')", "[kernels]", float, double) {
  std::mt19937_64 rng(42);
  const std::size_t edge_counts[] = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 100};
  for_each_target([&](const std::string&) {
    std::uniform_int_distribution<std::size_t> size(0, 1000);
    for (int rep = 0; rep < 6; ++rep) {
      for (std::size_t m : edge_counts) {
        const std::size_t n = rep == 0 ? static_cast<std::size_t>(m % 17) : size(rng);
        const auto x = random_values<TestType>(rng, n, rep % 3 != 2, rep % 2 == 0);
        const auto edges = random_edges(rng, m);
        // Counts are added to, so start from a non-zero base.
        std::vector<std::uint64_t> got(m + 1, 5), want(m + 1, 5);
        const std::size_t nan_got = dk::bin_count(x.data(), n, edges.data(), m, got.data());
        const std::size_t nan_want = oracle_bin_count(x, edges, want);
        INFO("n=" << n << " edges=" << m);
        CHECK(nan_got == nan_want);
        CHECK(got == want);
      }
    }
  });
}

TEMPLATE_TEST_CASE("bin_count: values on edges, duplicate edges, inf edges", "[kernels]", float,
                   double) {
  const double edges[] = {-kInf, -1.0, 0.0, 0.0, 0.5, 2.0, 2.0, 2.0, kInf};
  const TestType inf = std::numeric_limits<TestType>::infinity();
  const std::vector<TestType> x = {-inf, TestType(-1), TestType(-0.0), TestType(0), TestType(0.5),
                                   TestType(2), inf, std::numeric_limits<TestType>::quiet_NaN(),
                                   TestType(1)};
  // searchsorted(edges, x, 'right'): -inf->1, -1->2, -0->4, 0->4, 0.5->5, 2->8, inf->9, 1->5
  const std::vector<std::uint64_t> want = {0, 1, 1, 0, 2, 2, 0, 0, 1, 1};
  for_each_target([&](const std::string&) {
    std::vector<std::uint64_t> got(10, 0);
    CHECK(dk::bin_count(x.data(), x.size(), edges, 9, got.data()) == 1);
    CHECK(got == want);
  });
}

TEST_CASE("bin_count float: edges between floats compare exactly", "[kernels]") {
  // 1 + 2^-30 is not a float: the float 1 is below it, nextafter(1f) above.
  const double edges[] = {1.0 + std::ldexp(1.0, -30), 3.5e38, -3.5e38};
  const double sorted_edges[] = {-3.5e38, 1.0 + std::ldexp(1.0, -30), 3.5e38};
  (void)edges;
  const float big = std::numeric_limits<float>::max();
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> x = {1.0f, std::nextafter(1.0f, 2.0f), big, -big, inf, -inf};
  const std::vector<std::uint64_t> want = {1, 2, 2, 1};
  for_each_target([&](const std::string&) {
    std::vector<std::uint64_t> got(4, 0);
    CHECK(dk::bin_count(x.data(), x.size(), sorted_edges, 3, got.data()) == 0);
    CHECK(got == want);
  });
}

TEMPLATE_TEST_CASE("sort, count_nan, copy_without_nan", "[kernels]", float, double) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::size_t> size(0, 1000);
  for_each_target([&](const std::string&) {
    for (int rep = 0; rep < 30; ++rep) {
      const std::size_t n = rep < 20 ? static_cast<std::size_t>(rep) : size(rng);
      const auto x = random_values<TestType>(rng, n, true, rep % 2 == 0);
      INFO("n=" << n);
      std::size_t nan_want = 0;
      std::vector<TestType> clean_want;
      for (TestType v : x) {
        if (std::isnan(v)) {
          ++nan_want;
        } else {
          clean_want.push_back(v);
        }
      }
      CHECK(dk::count_nan(x.data(), n) == nan_want);

      std::vector<TestType> clean(n + 1, TestType(-123));
      const std::size_t k = dk::copy_without_nan(x.data(), n, clean.data());
      REQUIRE(k == clean_want.size());
      clean.resize(k);
      CHECK(clean == clean_want);

      std::vector<TestType> inplace = x;  // out == in
      REQUIRE(dk::copy_without_nan(inplace.data(), n, inplace.data()) == k);
      inplace.resize(k);
      CHECK(inplace == clean_want);

      std::vector<TestType> sorted_want = clean_want;
      std::sort(sorted_want.begin(), sorted_want.end());
      dk::sort(clean.data(), clean.size());
      CHECK(clean == sorted_want);  // == treats -0 and +0 alike, as the contract allows
    }
  });
}

namespace {

struct ecdf_oracle {
  double max_diff, min_diff, max_location, min_location, l1;
};

/// Transcription of scipy: cdf1 = searchsorted(a, pooled, 'right') / na over
/// pooled = concatenate([a, b]) (both sorted), cddiffs = cdf1 - cdf2 in float64 exactly
/// as numpy evaluates it, argmax / argmin take the first index; l1 = Σ |cdf1 - cdf2|(v_k)
/// * (v_{k+1} - v_k) over the sorted pooled values (scipy.stats._stats_py._cdf_distance
/// with p = 1). Each searchsorted is a std::upper_bound, so it also runs at 1e5.
template <typename T>
ecdf_oracle naive_ecdf(std::vector<T> a, std::vector<T> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::vector<T> pooled = a;
  pooled.insert(pooled.end(), b.begin(), b.end());
  auto diff_at = [&](T v) {
    const auto ca = static_cast<std::size_t>(std::upper_bound(a.begin(), a.end(), v) - a.begin());
    const auto cb = static_cast<std::size_t>(std::upper_bound(b.begin(), b.end(), v) - b.begin());
    return static_cast<double>(ca) / static_cast<double>(a.size()) -
           static_cast<double>(cb) / static_cast<double>(b.size());
  };
  ecdf_oracle r{};
  std::size_t imax = 0, imin = 0;
  std::vector<double> diffs;
  for (T v : pooled) diffs.push_back(diff_at(v));
  for (std::size_t k = 1; k < diffs.size(); ++k) {
    if (diffs[k] > diffs[imax]) imax = k;
    if (diffs[k] < diffs[imin]) imin = k;
  }
  r.max_diff = diffs[imax];
  r.min_diff = diffs[imin];
  r.max_location = static_cast<double>(pooled[imax]);
  r.min_location = static_cast<double>(pooled[imin]);
  std::vector<double> all;
  for (T v : pooled) all.push_back(static_cast<double>(v));
  std::sort(all.begin(), all.end());
  double l1 = 0;
  for (std::size_t k = 0; k + 1 < all.size(); ++k) {
    l1 += std::fabs(diff_at(static_cast<T>(all[k]))) * (all[k + 1] - all[k]);
  }
  r.l1 = l1;
  return r;
}

template <typename T>
void check_ecdf(const std::vector<T>& a, const std::vector<T>& b) {
  std::vector<T> sa = a, sb = b;
  std::sort(sa.begin(), sa.end());
  std::sort(sb.begin(), sb.end());
  const auto want = naive_ecdf(a, b);
  const auto got = dk::ecdf_walk(sa.data(), sa.size(), sb.data(), sb.size());
  INFO("na=" << a.size() << " nb=" << b.size());
  CHECK(got.max_diff == want.max_diff);
  CHECK(got.min_diff == want.min_diff);
  CHECK(got.max_location == want.max_location);
  CHECK(got.min_location == want.min_location);
  if (std::isfinite(want.l1)) {
    CHECK_THAT(got.l1, Catch::Matchers::WithinRel(want.l1, 1e-13) || Catch::Matchers::WithinAbs(want.l1, 1e-300));
  } else {
    CHECK(same_double(got.l1, want.l1));
  }
}

}  // namespace

TEMPLATE_TEST_CASE("ecdf_walk matches the scipy ECDF definitions", "[kernels]", float, double) {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<std::size_t> size(1, 300);
  for_each_target([&](const std::string&) {
    for (int rep = 0; rep < 40; ++rep) {
      const std::size_t na = rep < 5 ? 1 : size(rng);
      const std::size_t nb = rep < 10 ? static_cast<std::size_t>(rep % 5) + 1 : size(rng);
      check_ecdf(random_values<TestType>(rng, na, false, rep % 3 == 0),
                 random_values<TestType>(rng, nb, false, rep % 4 == 0));
    }
  });
}

TEMPLATE_TEST_CASE("ecdf_walk: ties, location tie-break and infinite l1", "[kernels]", float,
                   double) {
  const TestType inf = std::numeric_limits<TestType>::infinity();
  using V = std::vector<TestType>;
  for_each_target([&](const std::string&) {
    // Identical samples: every difference is 0, argmax is the first point of a.
    check_ecdf(V{1, 2, 3}, V{1, 2, 3});
    // Max reached only at a point of b.
    check_ecdf(V{0, 10}, V{5, 6, 7});
    // Ties inside and across samples.
    check_ecdf(V{1, 1, 2, 2, 2, 3}, V{2, 2, 3, 3});
    // scipy.stats.wasserstein_distance: [-inf,1] vs [2] -> inf; [1,inf] vs [2,inf] -> nan;
    // [-inf] vs [-inf] -> nan; [-inf] vs [inf] -> inf.
    check_ecdf(V{-inf, 1}, V{2});
    check_ecdf(V{1, inf}, V{2, inf});
    check_ecdf(V{-inf}, V{-inf});
    check_ecdf(V{-inf}, V{inf});
    check_ecdf(V{0, 1}, V{0, 1, inf});
    const V a{-inf, 1}, b{2};
    CHECK(std::isinf(dk::ecdf_walk(a.data(), 2, b.data(), 1).l1));
    const V c{1, inf}, e{2, inf};
    CHECK(std::isnan(dk::ecdf_walk(c.data(), 2, e.data(), 2).l1));
  });
}

namespace {

/// Whether the exact extreme of i/na - j/nb over the group ends is reached at two groups
/// whose float64 differences (numpy's fl(fl(i/na) - fl(j/nb))) differ: the case where
/// the location tie-break must be decided on the doubles, not on the rationals.
template <typename T>
bool extreme_rational_tie_with_distinct_doubles(std::vector<T> a, std::vector<T> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  const auto na = static_cast<long long>(a.size()), nb = static_cast<long long>(b.size());
  std::vector<T> values = a;
  values.insert(values.end(), b.begin(), b.end());
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  long long dmax = std::numeric_limits<long long>::min(), dmin = std::numeric_limits<long long>::max();
  std::vector<std::pair<long long, double>> groups;
  for (T v : values) {
    const auto i = static_cast<long long>(std::upper_bound(a.begin(), a.end(), v) - a.begin());
    const auto j = static_cast<long long>(std::upper_bound(b.begin(), b.end(), v) - b.begin());
    const long long d = i * nb - j * na;
    groups.emplace_back(d, static_cast<double>(i) / static_cast<double>(na) -
                               static_cast<double>(j) / static_cast<double>(nb));
    dmax = std::max(dmax, d);
    dmin = std::min(dmin, d);
  }
  for (long long ext : {dmax, dmin}) {
    double first = kNaN;
    for (const auto& g : groups) {
      if (g.first != ext) continue;
      if (std::isnan(first)) first = g.second;
      if (g.second != first) return true;
    }
  }
  return false;
}

/// n random integers in [lo, hi] (heavy ties when the range is small).
template <typename T>
std::vector<T> random_ints(std::mt19937_64& rng, std::size_t n, int lo, int hi) {
  std::uniform_int_distribution<int> u(lo, hi);
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(u(rng));
  return v;
}

template <typename T>
std::vector<T> random_normal(std::mt19937_64& rng, std::size_t n, double mean, double sd) {
  std::normal_distribution<double> dist(mean, sd);
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(dist(rng));
  return v;
}

}  // namespace

// ecdf_walk cuts the merge into pieces walked interleaved (from ~1000 pooled values on)
// and computes doubles only near the running extremes: the cases below cover piece
// boundaries inside tie groups, long one-sided tails, and extremes whose exact rational
// is reached by several groups with different float64 values.
TEMPLATE_TEST_CASE("ecdf_walk: large samples, heavy ties, rational ties of the extreme",
                   "[kernels]", float, double) {
  const TestType inf = std::numeric_limits<TestType>::infinity();
  std::mt19937_64 rng(12);
  std::uniform_int_distribution<std::size_t> size(1000, 6000);
  bool saw_double_tie = false;
  for_each_target([&](const std::string&) {
    for (int rep = 0; rep < 12; ++rep) {
      const std::size_t n = size(rng);
      INFO("rep " << rep);
      // na == nb: every i - j step is a rational tie candidate; integers with heavy ties.
      auto a = random_ints<TestType>(rng, n, 0, 40 + rep * 10);
      auto b = random_ints<TestType>(rng, n, rep % 3, 40 + rep * 10);
      saw_double_tie = saw_double_tie || extreme_rational_tie_with_distinct_doubles(a, b);
      check_ecdf(a, b);
      // na = 3 nb, continuous, shifted (many records of the max).
      check_ecdf(random_normal<TestType>(rng, 3 * (n / 3), 0.0, 1.0),
                 random_normal<TestType>(rng, n / 3, 0.2, 1.0));
      // na = 3 nb, heavy ties, with infinities at both ends.
      auto c = random_ints<TestType>(rng, 3 * (n / 3), -5, 5);
      auto e = random_ints<TestType>(rng, n / 3, -5, 6);
      c[0] = -inf;
      e[1] = inf;
      if (rep % 2 == 0) c[2] = inf;
      check_ecdf(c, e);
      // na == nb, continuous: exact rationals of the max repeat as the walk returns to it.
      check_ecdf(random_normal<TestType>(rng, n, 0.0, 1.0), random_normal<TestType>(rng, n, 0.0, 1.0));
      // Coprime sizes near each other.
      check_ecdf(random_ints<TestType>(rng, n, 0, 30), random_ints<TestType>(rng, n + 7, 0, 30));
    }
    // One sample entirely below the other (a long one-sided tail), both orders.
    check_ecdf(random_normal<TestType>(rng, 3000, 0.0, 1.0), random_normal<TestType>(rng, 2000, 100.0, 1.0));
    check_ecdf(random_normal<TestType>(rng, 3000, 100.0, 1.0), random_normal<TestType>(rng, 2000, 0.0, 1.0));
    // All values equal; a single big tie group against a spread sample.
    check_ecdf(std::vector<TestType>(2000, TestType(1)), std::vector<TestType>(3000, TestType(1)));
    check_ecdf(std::vector<TestType>(2000, TestType(0)), random_ints<TestType>(rng, 3000, -3, 3));
    // Samples made of a few huge tie groups, so piece boundaries fall inside groups.
    check_ecdf(random_ints<TestType>(rng, 5000, 0, 2), random_ints<TestType>(rng, 4000, 0, 2));
    // Many infinities on both ends in both samples.
    auto f = random_ints<TestType>(rng, 4000, -2, 2);
    auto g = random_ints<TestType>(rng, 4000, -2, 2);
    for (std::size_t k = 0; k < 400; ++k) {
      f[k] = k % 2 ? inf : -inf;
      g[k + 1000] = k % 3 ? inf : -inf;
    }
    check_ecdf(f, g);
  });
  CHECK(saw_double_tie);
}

TEST_CASE("ecdf_walk: exact rational ties of the max with different doubles", "[kernels]") {
  // na == nb == n: D = (i - j) n; fl(i/n) - fl(j/n) for the same i - j varies by an ulp.
  // Search small deterministic cases where the max is such a tie, and check them all.
  std::mt19937_64 rng(13);
  int found = 0;
  for (int rep = 0; rep < 400 && found < 25; ++rep) {
    const std::size_t n = 10 + static_cast<std::size_t>(rep % 90);
    auto a = random_ints<double>(rng, n, 0, 20);
    auto b = random_ints<double>(rng, n, 0, 20);
    if (!extreme_rational_tie_with_distinct_doubles(a, b)) continue;
    ++found;
    check_ecdf(a, b);
    check_ecdf(b, a);
  }
  CHECK(found > 0);
}

namespace {
/// scipy.special.rel_entr case by case, std::log for the logarithm.
double oracle_rel_entr(double x, double y) {
  if (std::isnan(x) || std::isnan(y)) return kNaN;
  if (x > 0 && y > 0) return x * std::log(x / y);
  if (x == 0 && y >= 0) return 0;
  return kInf;
}
}  // namespace

TEST_CASE("rel_entr_sum matches a std::log loop", "[kernels]") {
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<std::size_t> size(0, 1000);
  std::uniform_real_distribution<double> unif(0.0, 1.0);
  for_each_target([&](const std::string&) {
    for (int rep = 0; rep < 40; ++rep) {
      const std::size_t n = rep < 20 ? static_cast<std::size_t>(rep) : size(rng);
      std::vector<double> x(n), y(n);
      for (std::size_t i = 0; i < n; ++i) {
        x[i] = unif(rng) * std::exp(20 * unif(rng) - 10);
        y[i] = unif(rng) * std::exp(20 * unif(rng) - 10);
        if (rep % 5 == 0 && i % 7 == 0) x[i] = 0;  // 0·log(0/y) = 0
      }
      double want = 0, scale = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const double t = oracle_rel_entr(x[i], y[i]);
        want += t;
        scale += std::fabs(t);
      }
      INFO("n=" << n);
      const double got = dk::rel_entr_sum(x.data(), y.data(), n);
      CHECK(std::fabs(got - want) <= 1e-14 * scale + 1e-300);
    }
  });
}

TEST_CASE("rel_entr_sum special cases follow scipy.special.rel_entr", "[kernels]") {
  struct row {
    double x, y;
  };
  const double big = 1e300, tiny = 1e-300, denorm = 4.9e-320;
  const row rows[] = {{0, 0},          {0, 1},       {0, kInf},    {1, 0},       {-1, 1},
                      {1, -1},         {0, -1},      {-0.0, 1},    {2, 0.5},     {big, tiny},
                      {tiny, big},     {denorm, 1},  {1, denorm},  {denorm, 3e-320},
                      {kInf, 1},       {1, kInf},    {kInf, kInf}, {kNaN, 1},    {1, kNaN},
                      {0, kNaN},       {-kInf, 1}};
  for_each_target([&](const std::string&) {
    for (const row& r : rows) {
      INFO("x=" << r.x << " y=" << r.y);
      const double want = oracle_rel_entr(r.x, r.y);
      const double got = dk::rel_entr_sum(&r.x, &r.y, 1);
      if (std::isfinite(want)) {
        CHECK_THAT(got, Catch::Matchers::WithinRel(want, 1e-14) || Catch::Matchers::WithinAbs(want, 1e-300));
      } else {
        CHECK(same_double(got, want));
      }
    }
    // Each special value also in a full vector with finite neighbours.
    std::vector<double> x(37, 0.25), y(37, 0.5);
    x[33] = 1;
    y[33] = 0;
    CHECK(dk::rel_entr_sum(x.data(), y.data(), x.size()) == kInf);
  });
}
