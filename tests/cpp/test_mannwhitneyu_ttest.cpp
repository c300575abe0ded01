// Tests of driftscope::mannwhitneyu and driftscope::ttest_ind against scipy 1.17.1.
//
// Expected values come from tests/cpp/data/gen_mwu_ttest_fixtures.py (checked in with
// its output tests/cpp/data/mwu_ttest_fixtures.inc).

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "catch.hpp"
#include "driftscope/stats/mannwhitneyu.hpp"
#include "driftscope/stats/ttest_ind.hpp"

namespace ds = driftscope;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct mwu_case {
  const char* name;
  std::vector<double> x, y;
  bool use_continuity;
  int alt, method, policy;
  double statistic, pvalue;
};

struct ttest_case {
  const char* name;
  std::vector<double> a, b;
  bool equal_var;
  int alt, policy;
  double statistic, pvalue, df;
};

#include "data/mwu_ttest_fixtures.inc"

/// |a - b| <= abs_tol + rel_tol |b|; NaN matches NaN; equal infinities match.
bool close(double a, double b, double rel_tol, double abs_tol) {
  if (std::isnan(b)) return std::isnan(a);
  if (std::isinf(b)) return a == b;
  return std::fabs(a - b) <= abs_tol + rel_tol * std::fabs(b);
}

const ds::alternative kAlts[] = {ds::alternative::two_sided, ds::alternative::less, ds::alternative::greater};
const ds::mwu_method kMethods[] = {ds::mwu_method::automatic, ds::mwu_method::asymptotic, ds::mwu_method::exact};
const ds::nan_policy kPolicies[] = {ds::nan_policy::propagate, ds::nan_policy::raise, ds::nan_policy::omit};

std::vector<float> to_float(const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); }

}  // namespace

TEST_CASE("mannwhitneyu matches scipy fixtures", "[mwu]") {
  std::size_t checked = 0;
  for (const mwu_case& c : mwu_cases) {
    ds::mwu_options o;
    o.use_continuity = c.use_continuity;
    o.alt = kAlts[c.alt];
    o.method = kMethods[c.method];
    o.nan = kPolicies[c.policy];
    const ds::mwu_result r = ds::mannwhitneyu(c.x.data(), c.x.size(), c.y.data(), c.y.size(), o);
    INFO(c.name << " alt=" << c.alt << " method=" << c.method << " cont=" << c.use_continuity
                << " policy=" << c.policy << " got " << r.statistic << ", " << r.pvalue << " want "
                << c.statistic << ", " << c.pvalue);
    CHECK(close(r.statistic, c.statistic, 1e-12, 0.0));
    CHECK(close(r.pvalue, c.pvalue, 1e-9, 1e-14));
    ++checked;
  }
  CHECK(checked > 500);
}

TEST_CASE("mannwhitneyu float input equals double input on float-exact data", "[mwu]") {
  const std::vector<double> x{0.5, 1.25, -3.0, 2.0, 2.0}, y{1.0, 0.25, 4.5, -1.0};
  const std::vector<float> xf = to_float(x), yf = to_float(y);
  const ds::mwu_result rd = ds::mannwhitneyu(x.data(), x.size(), y.data(), y.size());
  const ds::mwu_result rf = ds::mannwhitneyu(xf.data(), xf.size(), yf.data(), yf.size());
  CHECK(rd.statistic == rf.statistic);
  CHECK(rd.pvalue == rf.pvalue);
  CHECK(rd.ties);
  CHECK(rd.method == ds::mwu_method::asymptotic);
}

TEST_CASE("mannwhitneyu method choice and counts", "[mwu]") {
  const std::vector<double> x{1, 2, 3}, y{4, 5, 6, 7, 8, 9, 10, 11, 12, 13};
  CHECK(ds::mannwhitneyu(x.data(), x.size(), y.data(), y.size()).method == ds::mwu_method::exact);
  const std::vector<double> xn{1, kNaN, 3};
  ds::mwu_options o;
  o.nan = ds::nan_policy::omit;
  const ds::mwu_result r = ds::mannwhitneyu(xn.data(), xn.size(), y.data(), y.size(), o);
  CHECK(r.n1 == 2);
  CHECK(r.missing1 == 1);
  CHECK(r.statistic == 0.0);
}

TEST_CASE("mannwhitneyu bad input throws", "[mwu]") {
  const std::vector<double> x{1, 2, 3}, xn{1, kNaN};
  CHECK_THROWS_AS(ds::mannwhitneyu(x.data(), 0, x.data(), x.size()), std::invalid_argument);
  CHECK_THROWS_AS(ds::mannwhitneyu(x.data(), x.size(), x.data(), 0), std::invalid_argument);
  ds::mwu_options o;
  o.nan = ds::nan_policy::raise;
  CHECK_THROWS_AS(ds::mannwhitneyu(xn.data(), xn.size(), x.data(), x.size(), o), std::invalid_argument);
  o.nan = ds::nan_policy::omit;
  const std::vector<double> all_nan{kNaN, kNaN};
  CHECK_THROWS_AS(ds::mannwhitneyu(all_nan.data(), all_nan.size(), x.data(), x.size(), o), std::invalid_argument);
  CHECK_THROWS_AS(ds::parse_mwu_method("permutation"), std::invalid_argument);
  CHECK_THROWS_AS(ds::parse_mwu_method("bogus"), std::invalid_argument);
  CHECK(ds::parse_mwu_method("asymptotic") == ds::mwu_method::asymptotic);
  CHECK_THROWS_AS(ds::mwu_exact_sf(1.0, 0, 3), std::invalid_argument);
}

TEST_CASE("ttest_ind matches scipy fixtures", "[ttest]") {
  std::size_t checked = 0;
  for (const ttest_case& c : ttest_cases) {
    ds::ttest_options o;
    o.equal_var = c.equal_var;
    o.alt = kAlts[c.alt];
    o.nan = kPolicies[c.policy];
    const ds::ttest_result r = ds::ttest_ind(c.a.data(), c.a.size(), c.b.data(), c.b.size(), o);
    INFO(c.name << " alt=" << c.alt << " equal_var=" << c.equal_var << " policy=" << c.policy << " got "
                << r.statistic << ", " << r.pvalue << ", " << r.df << " want " << c.statistic << ", "
                << c.pvalue << ", " << c.df);
    CHECK(close(r.statistic, c.statistic, 1e-12, 0.0));
    CHECK(close(r.pvalue, c.pvalue, 1e-9, 1e-14));
    CHECK(close(r.df, c.df, 1e-12, 0.0));
    ++checked;
  }
  CHECK(checked > 200);
}

TEST_CASE("ttest_ind bad input throws, float input works", "[ttest]") {
  const std::vector<double> x{1, 2, 3}, xn{1, kNaN};
  CHECK_THROWS_AS(ds::ttest_ind(x.data(), 0, x.data(), x.size()), std::invalid_argument);
  CHECK_THROWS_AS(ds::ttest_ind(x.data(), x.size(), x.data(), 0), std::invalid_argument);
  ds::ttest_options o;
  o.nan = ds::nan_policy::raise;
  CHECK_THROWS_AS(ds::ttest_ind(xn.data(), xn.size(), x.data(), x.size(), o), std::invalid_argument);
  o.nan = ds::nan_policy::omit;
  const std::vector<double> all_nan{kNaN, kNaN};
  CHECK_THROWS_AS(ds::ttest_ind(all_nan.data(), all_nan.size(), x.data(), x.size(), o), std::invalid_argument);
  const std::vector<double> y{0.5, 4.0, 2.25, 8.0};
  const std::vector<float> xf = to_float(x), yf = to_float(y);
  const ds::ttest_result rd = ds::ttest_ind(x.data(), x.size(), y.data(), y.size());
  const ds::ttest_result rf = ds::ttest_ind(xf.data(), xf.size(), yf.data(), yf.size());
  CHECK(rd.statistic == rf.statistic);
  CHECK(rd.pvalue == rf.pvalue);
  CHECK(ds::ttest_pvalue(kInf, 3.0, ds::alternative::two_sided) == 0.0);
  CHECK(std::isnan(ds::ttest_pvalue(kNaN, 3.0, ds::alternative::less)));
}
