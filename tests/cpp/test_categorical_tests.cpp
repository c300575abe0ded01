// Tests of stats/multipletests.hpp, stats/chi2_contingency.hpp (with two_proportion_ztest
// and cramers_v) and stats/fisher_exact.hpp against statsmodels / scipy values generated
// by data/gen_categorical_fixtures.py.
#include "catch.hpp"

#include <driftscope/stats/chi2_contingency.hpp>
#include <driftscope/stats/fisher_exact.hpp>
#include <driftscope/stats/multipletests.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace categorical_test {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct chi2_case {
  std::size_t rows, cols;
  std::vector<double> observed;
  bool correction;
  double lambda;
  double statistic, pvalue;
  std::size_t dof;
  std::vector<double> expected_freq;
};

struct fisher_case {
  std::int64_t a, b, c, d;
  int alt;
  double statistic, pvalue;
};

struct multitest_case {
  std::vector<double> pvals;
  double alpha;
  int method;
  std::vector<int> reject;
  std::vector<double> corrected;
  double sidak, bonf;
};

struct ztest_case {
  double c1, n1, c2, n2, statistic, pvalue;
};

struct cramer_case {
  std::size_t rows, cols;
  std::vector<double> observed;
  double v;
};

#include "data/categorical_fixtures.inc"

/// |a - b| <= abs_tol + rel_tol * |b|; NaN equals NaN; equal infinities are close.
inline bool close(double a, double b, double rel_tol, double abs_tol = 1e-14) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (std::isinf(a) || std::isinf(b)) return a == b;
  return std::fabs(a - b) <= abs_tol + rel_tol * std::fabs(b);
}

template <class F>
bool throws_with(F&& f, const std::string& needle) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return std::string(e.what()).find(needle) != std::string::npos;
  }
  return false;
}

const driftscope::alternative kAlt[] = {driftscope::alternative::two_sided, driftscope::alternative::less,
                                        driftscope::alternative::greater};
const driftscope::multitest_method kMethod[] = {driftscope::multitest_method::bonferroni,
                                                driftscope::multitest_method::holm,
                                                driftscope::multitest_method::fdr_bh};

}  // namespace categorical_test

using namespace categorical_test;

TEST_CASE("multipletests matches statsmodels", "[multitest]") {
  for (const multitest_case& c : multitest_cases) {
    INFO("n = " << c.pvals.size() << ", alpha = " << c.alpha << ", method = " << c.method);
    driftscope::multipletests_options opt;
    opt.alpha = c.alpha;
    opt.method = kMethod[c.method];
    const auto r = driftscope::multipletests(c.pvals.data(), c.pvals.size(), opt);
    REQUIRE(r.reject.size() == c.pvals.size());
    for (std::size_t i = 0; i < c.pvals.size(); ++i) {
      INFO("i = " << i);
      CHECK(static_cast<int>(r.reject[i]) == c.reject[i]);
      CHECK(close(r.pvals_corrected[i], c.corrected[i], 1e-15, 0));
    }
    CHECK(close(r.alphac_sidak, c.sidak, 1e-12, 0));
    CHECK(r.alphac_bonf == c.bonf);
    // returnsorted gives the same values in ascending p-value order
    opt.returnsorted = true;
    const auto s = driftscope::multipletests(c.pvals.data(), c.pvals.size(), opt);
    for (std::size_t i = 1; i < c.pvals.size(); ++i) CHECK(s.pvals_corrected[i - 1] <= s.pvals_corrected[i]);
  }
}

TEST_CASE("multipletests method names and bad input", "[multitest]") {
  using driftscope::multitest_method;
  CHECK(driftscope::parse_multitest_method("Bonferroni") == multitest_method::bonferroni);
  CHECK(driftscope::parse_multitest_method("b") == multitest_method::bonferroni);
  CHECK(driftscope::parse_multitest_method("h") == multitest_method::holm);
  CHECK(driftscope::parse_multitest_method("fdr_i") == multitest_method::fdr_bh);
  CHECK(throws_with([] { driftscope::parse_multitest_method("hs"); }, "got 'hs'"));
  CHECK(throws_with([] { driftscope::parse_multitest_method("fdr_by"); }, "multipletests: method"));
  const double p[] = {0.1, std::nan(""), 0.2};
  CHECK(throws_with([&] { driftscope::multipletests(p, 3); }, "NaN at index 1"));
  CHECK(throws_with([&] { driftscope::multipletests(p, 0); }, "empty"));
  driftscope::multipletests_options bad;
  bad.method = static_cast<multitest_method>(7);
  CHECK(throws_with([&] { driftscope::multipletests(p, 1, bad); }, "invalid value 7"));
}

TEST_CASE("chi2_contingency matches scipy", "[chi2]") {
  for (const chi2_case& c : chi2_cases) {
    INFO("table " << c.rows << " x " << c.cols << ", correction " << c.correction << ", lambda " << c.lambda
                  << ", first " << c.observed[0]);
    const auto r = driftscope::chi2_contingency(c.observed.data(), c.rows, c.cols, {c.correction, c.lambda});
    CHECK(r.dof == c.dof);
    CHECK(close(r.statistic, c.statistic, 1e-12));
    CHECK(close(r.pvalue, c.pvalue, 1e-9));
    REQUIRE(r.expected_freq.size() == c.expected_freq.size());
    for (std::size_t i = 0; i < r.expected_freq.size(); ++i) CHECK(close(r.expected_freq[i], c.expected_freq[i], 1e-15));
  }
}

TEST_CASE("chi2_contingency integer input and errors", "[chi2]") {
  const std::int64_t t[] = {10, 20, 30, 40, 5, 6};
  const auto r = driftscope::chi2_contingency(t, 2, 3);
  CHECK(close(r.statistic, 42.55, 1e-12));
  const double neg[] = {1, -2, 3, 4};
  CHECK(throws_with([&] { driftscope::chi2_contingency(neg, 2, 2); }, "nonnegative, got -2 at (0, 1)"));
  const double zero_row[] = {0, 0, 3, 4};
  CHECK(throws_with([&] { driftscope::chi2_contingency(zero_row, 2, 2); }, "zero element at (0, 0)"));
  const double zeros[] = {0, 0, 0, 0};
  CHECK(throws_with([&] { driftscope::chi2_contingency(zeros, 2, 2); }, "zero element"));
  CHECK(throws_with([&] { driftscope::chi2_contingency(zeros, 0, 2); }, "size 0"));
  const double nan_t[] = {1, kNaN, 3, 4};
  CHECK(throws_with([&] { driftscope::chi2_contingency(nan_t, 2, 2); }, "finite"));
  CHECK(throws_with([&] { driftscope::chi2_contingency(t, 2, 3, {true, kNaN}); }, "lambda_"));
  CHECK(driftscope::parse_power_divergence_lambda("log-likelihood") == 0.0);
  CHECK(throws_with([] { driftscope::parse_power_divergence_lambda("g"); }, "got 'g'"));
}

TEST_CASE("fisher_exact matches scipy", "[fisher]") {
  for (const fisher_case& c : fisher_cases) {
    INFO("[[" << c.a << ", " << c.b << "], [" << c.c << ", " << c.d << "]] alternative " << c.alt);
    const auto r = driftscope::fisher_exact(c.a, c.b, c.c, c.d, kAlt[c.alt]);
    CHECK(close(r.statistic, c.statistic, 1e-12));
    CHECK(close(r.pvalue, c.pvalue, 1e-9));
  }
  CHECK(throws_with([] { driftscope::fisher_exact(1, -1, 2, 3); }, "nonnegative"));
  CHECK(throws_with([] { driftscope::fisher_exact(std::int64_t{1} << 40, 1, 2, 3); }, "total"));
}

TEST_CASE("two_proportion_ztest matches statsmodels", "[chi2]") {
  for (const ztest_case& c : ztest_cases) {
    INFO(c.c1 << "/" << c.n1 << " vs " << c.c2 << "/" << c.n2);
    const auto r = driftscope::two_proportion_ztest(c.c1, c.n1, c.c2, c.n2);
    CHECK(close(r.statistic, c.statistic, 1e-12));
    CHECK(close(r.pvalue, c.pvalue, 1e-9));
  }
  CHECK(throws_with([] { driftscope::two_proportion_ztest(1, 0, 1, 2); }, "n_ref must be > 0"));
  CHECK(throws_with([] { driftscope::two_proportion_ztest(3, 2, 1, 2); }, "count_ref"));
  CHECK(throws_with([] { driftscope::two_proportion_ztest(1, 2, -1, 2); }, "count_cur"));
}

TEST_CASE("cramers_v matches scipy association", "[chi2]") {
  for (const cramer_case& c : cramer_cases) {
    INFO(c.rows << " x " << c.cols);
    CHECK(close(driftscope::cramers_v(c.observed.data(), c.rows, c.cols), c.v, 1e-12));
  }
  const double row[] = {1, 2, 3};
  CHECK(throws_with([&] { driftscope::cramers_v(row, 1, 3); }, "at least 2 rows"));
}

TEST_CASE("multipletests radix path agrees with the sorted path", "[multitest]") {
  // n >= 1024 takes the radix sort; compare with the same values given pre-sorted
  // (is_sorted: no sort at all) on data with many ties, zeros, ones and tiny values
  const std::size_t n = 5000;
  std::vector<double> p(n);
  std::uint64_t s = 12345;
  for (std::size_t i = 0; i < n; ++i) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    const double u = static_cast<double>(s >> 11) * 0x1p-53;
    p[i] = (i % 7 == 0) ? std::floor(u * 20) / 400 : (i % 11 == 0) ? 0.0 : (i % 13 == 0) ? 1.0 : u * u * u * u;
  }
  std::vector<double> sorted = p;
  std::sort(sorted.begin(), sorted.end());
  for (const auto method : kMethod) {
    driftscope::multipletests_options opt;
    opt.method = method;
    opt.returnsorted = true;
    const auto a = driftscope::multipletests(p.data(), n, opt);
    opt.is_sorted = true;
    const auto b = driftscope::multipletests(sorted.data(), n, opt);
    opt.is_sorted = false;
    opt.returnsorted = false;
    const auto c = driftscope::multipletests(p.data(), n, opt);
    for (std::size_t i = 0; i < n; ++i) {
      REQUIRE(a.reject[i] == b.reject[i]);
      REQUIRE(a.pvals_corrected[i] == b.pvals_corrected[i]);
    }
    // input order: the corrected value of p[i] is the sorted-order value at p[i]'s rank
    for (std::size_t i = 0; i < n; ++i) {
      const auto rank = static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), p[i]) - sorted.begin());
      REQUIRE(c.pvals_corrected[i] == b.pvals_corrected[rank]);
      REQUIRE(c.reject[i] == b.reject[rank]);
    }
  }
}
