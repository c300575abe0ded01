// Tests of driftscope::ols_fit and the recursive residuals / Rec-CUSUM / CUSUM-of-squares:
// hand-checked small regressions, the O(k²) rank-1 path equal to a direct refit by QR at
// every t (brute force, Eigen normal equations independent of our code), errors.

#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "catch.hpp"
#include "driftscope/concept/ols.hpp"
#include "driftscope/concept/recursive_residuals.hpp"

namespace ds = driftscope;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

struct regression {
  std::size_t n = 0, p = 0;
  std::vector<double> X, y;
};

regression make_regression(std::size_t n, std::size_t p, std::uint64_t seed, double sigma = 1.0) {
  std::mt19937_64 g(seed);
  std::normal_distribution<double> d(0.0, 1.0);
  regression r;
  r.n = n;
  r.p = p;
  r.X.resize(n * p);
  r.y.resize(n);
  for (auto& v : r.X) v = d(g) * 3.0 + 1.0;
  for (std::size_t i = 0; i < n; ++i) {
    double s = 2.0;
    for (std::size_t j = 0; j < p; ++j) s += static_cast<double>(j + 1) * 0.5 * r.X[i * p + j];
    r.y[i] = s + sigma * d(g);
  }
  return r;
}

// Brute force OLS on rows [0, m) of [1, X] via Householder QR of the design (Eigen only).
Eigen::VectorXd brute_ols(const regression& r, std::size_t m) {
  Eigen::MatrixXd Z(static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(r.p + 1));
  Eigen::VectorXd yv(static_cast<Eigen::Index>(m));
  for (std::size_t i = 0; i < m; ++i) {
    const auto ii = static_cast<Eigen::Index>(i);
    Z(ii, 0) = 1.0;
    for (std::size_t j = 0; j < r.p; ++j)
      Z(ii, static_cast<Eigen::Index>(j + 1)) = r.X[i * r.p + j];
    yv(ii) = r.y[i];
  }
  return Z.householderQr().solve(yv);
}

Eigen::MatrixXd brute_inv_gram(const regression& r, std::size_t m) {
  Eigen::MatrixXd Z(static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(r.p + 1));
  for (std::size_t i = 0; i < m; ++i) {
    const auto ii = static_cast<Eigen::Index>(i);
    Z(ii, 0) = 1.0;
    for (std::size_t j = 0; j < r.p; ++j)
      Z(ii, static_cast<Eigen::Index>(j + 1)) = r.X[i * r.p + j];
  }
  return (Z.transpose() * Z).inverse();
}

template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "<no invalid_argument>";
}

bool contains(const std::string& s, const std::string& sub) {
  return s.find(sub) != std::string::npos;
}

}  // namespace

TEST_CASE("ols_fit: hand-checked simple regression", "[concept_recursive]") {
  // x = 0..4, y = 1, 3, 2, 5, 4: x̄ = 2, ȳ = 3, Sxy = 8, Sxx = 10 → slope 0.8, intercept 1.4;
  // residuals -0.4, 0.8, -1.0, 1.2, -0.6; SSR = 3.6; sigma = sqrt(3.6 / 3).
  const std::vector<double> x{0, 1, 2, 3, 4}, y{1, 3, 2, 5, 4};
  const auto fit = ds::ols_fit(x, 1, y);
  REQUIRE(fit.coefficients.size() == 2);
  CHECK_THAT(fit.coefficients[0], WithinRel(1.4, 1e-13));
  CHECK_THAT(fit.coefficients[1], WithinRel(0.8, 1e-13));
  const double want_res[5] = {-0.4, 0.8, -1.0, 1.2, -0.6};
  for (std::size_t i = 0; i < 5; ++i) CHECK_THAT(fit.residuals[i], WithinAbs(want_res[i], 1e-13));
  CHECK_THAT(fit.ssr, WithinRel(3.6, 1e-13));
  CHECK_THAT(fit.sigma, WithinRel(std::sqrt(1.2), 1e-13));
  CHECK(fit.df_resid == 3);
  CHECK(fit.rank == 2);
  CHECK(fit.n_params == 2);

  // p = 0: the mean.
  const auto mean_fit = ds::ols_fit(nullptr, 5, 0, y.data());
  CHECK_THAT(mean_fit.coefficients[0], WithinRel(3.0, 1e-14));
  CHECK_THAT(mean_fit.ssr, WithinRel(10.0, 1e-13));
}

TEST_CASE("ols_fit equals brute force QR on random regressions", "[concept_recursive]") {
  for (std::size_t p : {1u, 2u, 4u, 7u}) {
    const auto r = make_regression(60, p, 11 + p);
    const auto fit = ds::ols_fit(r.X.data(), r.n, r.p, r.y.data());
    const auto b = brute_ols(r, r.n);
    for (std::size_t j = 0; j <= p; ++j)
      CHECK_THAT(fit.coefficients[j], WithinRel(b(static_cast<Eigen::Index>(j)), 1e-10));
    double ssr = 0.0;
    for (std::size_t i = 0; i < r.n; ++i) {
      double pred = b(0);
      for (std::size_t j = 0; j < p; ++j)
        pred += b(static_cast<Eigen::Index>(j + 1)) * r.X[i * p + j];
      ssr += (r.y[i] - pred) * (r.y[i] - pred);
    }
    CHECK_THAT(fit.ssr, WithinRel(ssr, 1e-10));
  }
}

TEST_CASE("ols_fit errors", "[concept_recursive]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  // too few rows: n <= p + 1
  std::vector<double> X2{1, 2, 3, 4}, y2{1, 2};
  CHECK(contains(message_of([&] { ds::ols_fit(X2.data(), 2, 2, y2.data()); }), "n = 2"));
  CHECK(contains(message_of([&] { ds::ols_fit(X2.data(), 2, 1, y2.data()); }), "more rows"));
  // NaN in X names row and column; NaN / inf in y names the row
  std::vector<double> X{0, 1, 2, 3, 4}, y{1, 3, 2, 5, 4};
  X[3] = nan;
  auto m = message_of([&] { ds::ols_fit(X, 1, y); });
  CHECK(contains(m, "X must be finite"));
  CHECK(contains(m, "row 3"));
  X[3] = 3;
  y[2] = std::numeric_limits<double>::infinity();
  m = message_of([&] { ds::ols_fit(X, 1, y); });
  CHECK(contains(m, "y must be finite"));
  CHECK(contains(m, "row 2"));
  y[2] = 2;
  // mismatched widths
  CHECK(contains(message_of([&] { ds::ols_fit(X, 2, y); }), "len(y) * p"));
  // constant column besides the intercept: column 1 named
  {
    std::vector<double> Xc{0, 7, 1, 7, 2, 7, 3, 7, 4, 7};
    m = message_of([&] { ds::ols_fit(Xc, 2, y); });
    CHECK(contains(m, "X column 1 is constant"));
  }
  // collinear columns: col 2 = 2 * col 0 - col 1 + 3
  {
    const auto r = make_regression(30, 3, 5);
    auto Xk = r.X;
    for (std::size_t i = 0; i < r.n; ++i) Xk[i * 3 + 2] = 2 * Xk[i * 3 + 0] - Xk[i * 3 + 1] + 3;
    m = message_of([&] { ds::ols_fit(Xk, 3, r.y); });
    CHECK(contains(m, "X column 2"));
    CHECK(contains(m, "linear combination"));
    // duplicate column 0 as column 1
    auto Xd = r.X;
    for (std::size_t i = 0; i < r.n; ++i) Xd[i * 3 + 1] = Xd[i * 3 + 0];
    CHECK(contains(message_of([&] { ds::ols_fit(Xd, 3, r.y); }), "X column 1"));
  }
  // bad tolerance
  CHECK(contains(message_of([&] { ds::ols_fit(X.data(), 5, 1, y.data(), "ols_fit", 0.0); }),
                 "rank_tolerance"));
}

TEST_CASE("recursive_residuals: hand-checked", "[concept_recursive]") {
  // x = 0, 1, 2, 3; y = 0, 1, 3, 2; k = 2. Initial fit on rows 0, 1: b = (0, 1).
  // i = 2: pred 2, e = 1, f = 1 + 1/2 + (2 − 0.5)²/0.5 = 6 (simple-regression leverage).
  // fit on rows 0..2: slope 1.5, intercept −1/6. i = 3: pred 13/3, e = −7/3,
  // f = 1 + 1/3 + (3 − 1)²/2 = 10/3.
  const std::vector<double> x{0, 1, 2, 3}, y{0, 1, 3, 2};
  const auto rr = ds::recursive_residuals(x.data(), 4, 1, y.data());
  CHECK(std::isnan(rr.rresid[0]));
  CHECK_THAT(rr.rresid[1], WithinAbs(0.0, 1e-14));
  CHECK_THAT(rr.rvarraw[1], WithinRel(1.0 + 1.0 / 2.0 + 0.25 / 0.5, 1e-13));
  CHECK_THAT(rr.rypred[2], WithinRel(2.0, 1e-13));
  CHECK_THAT(rr.rresid[2], WithinRel(1.0, 1e-13));
  CHECK_THAT(rr.rvarraw[2], WithinRel(6.0, 1e-13));
  CHECK_THAT(rr.rparams[2 * 2 + 0], WithinAbs(-1.0 / 6.0, 1e-13));
  CHECK_THAT(rr.rparams[2 * 2 + 1], WithinRel(1.5, 1e-13));
  CHECK_THAT(rr.rresid[3], WithinRel(-7.0 / 3.0, 1e-13));
  CHECK_THAT(rr.rvarraw[3], WithinRel(10.0 / 3.0, 1e-13));
  const double w2 = 1.0 / std::sqrt(6.0), w3 = (-7.0 / 3.0) / std::sqrt(10.0 / 3.0);
  CHECK_THAT(rr.rresid_scaled[2], WithinRel(w2, 1e-13));
  CHECK_THAT(rr.rresid_scaled[3], WithinRel(w3, 1e-13));
  const double sig = std::abs(w2 - w3) / std::sqrt(2.0);  // sd (ddof 1) of two values
  CHECK_THAT(rr.sigma, WithinRel(sig, 1e-13));
  REQUIRE(rr.rcusum.size() == 3);
  CHECK_THAT(rr.rcusum[1], WithinRel(w2 / sig, 1e-12));
  CHECK_THAT(rr.rcusum[2], WithinRel((w2 + w3) / sig, 1e-12));
}

TEST_CASE("recursive residuals: rank-1 path equals a direct refit at every t",
          "[concept_recursive]") {
  for (std::size_t p : {1u, 3u, 6u}) {
    const auto r = make_regression(120, p, 100 + p);
    const std::size_t k = p + 1;
    const auto rr = ds::recursive_residuals(r.X.data(), r.n, r.p, r.y.data());
    for (std::size_t t = k; t < r.n; ++t) {
      const auto b = brute_ols(r, t);  // fit on rows 0..t-1
      const auto P = brute_inv_gram(r, t);
      Eigen::VectorXd z(static_cast<Eigen::Index>(k));
      z(0) = 1.0;
      for (std::size_t j = 0; j < p; ++j) z(static_cast<Eigen::Index>(j + 1)) = r.X[t * p + j];
      const double pred = z.dot(b);
      const double f = 1.0 + z.dot(P * z);
      CHECK_THAT(rr.rypred[t], WithinRel(pred, 1e-9) || WithinAbs(pred, 1e-9));
      CHECK_THAT(rr.rvarraw[t], WithinRel(f, 1e-9));
      CHECK_THAT(rr.rresid_scaled[t], WithinRel((r.y[t] - pred) / std::sqrt(f), 1e-8) ||
                                          WithinAbs((r.y[t] - pred) / std::sqrt(f), 1e-9));
      const auto b1 = brute_ols(r, t + 1);
      for (std::size_t j = 0; j < k; ++j)
        CHECK_THAT(rr.rparams[t * k + j], WithinRel(b1(static_cast<Eigen::Index>(j)), 1e-9) ||
                                              WithinAbs(b1(static_cast<Eigen::Index>(j)), 1e-10));
    }
    // the last recursive coefficients are the full OLS fit
    const auto fit = ds::ols_fit(r.X.data(), r.n, r.p, r.y.data());
    for (std::size_t j = 0; j < k; ++j)
      CHECK_THAT(rr.rparams[(r.n - 1) * k + j], WithinRel(fit.coefficients[j], 1e-9));
    // BDE: Σ w² over the recursive residuals equals the full-sample SSR
    double sw2 = 0.0;
    for (std::size_t t = k; t < r.n; ++t) sw2 += rr.rresid_scaled[t] * rr.rresid_scaled[t];
    CHECK_THAT(sw2, WithinRel(fit.ssr, 1e-9));
  }
}

TEST_CASE("recursive_ols streaming object matches the batch function", "[concept_recursive]") {
  const auto r = make_regression(50, 2, 9);
  ds::recursive_ols rls(r.X.data(), 2, r.y.data());
  const auto rr = ds::recursive_residuals(r.X.data(), r.n, r.p, r.y.data());
  for (std::size_t t = 3; t < r.n; ++t) {
    const auto s = rls.update(r.X.data() + t * 2, r.y[t]);
    CHECK(s.error == rr.rresid[t]);
    CHECK(s.f == rr.rvarraw[t]);
  }
  ds::recursive_ols empty;
  CHECK_THROWS_AS(empty.update(r.X.data(), 1.0), std::domain_error);
}

TEST_CASE("Rec-CUSUM and CUSUM-of-squares tests", "[concept_recursive]") {
  SECTION("BDE crossing probabilities at the tabulated a") {
    CHECK_THAT(ds::rec_cusum_pvalue(0.850), WithinAbs(0.10, 5e-4));
    CHECK_THAT(ds::rec_cusum_pvalue(0.948), WithinAbs(0.05, 5e-4));
    CHECK_THAT(ds::rec_cusum_pvalue(1.143), WithinAbs(0.01, 5e-4));
    CHECK(ds::rec_cusum_critical_value(0.10) == 0.850);
    CHECK(ds::rec_cusum_critical_value(0.01) == 1.143);
  }
  SECTION("no break: statistic and bounds consistent") {
    const auto r = make_regression(300, 2, 42);
    const auto rr = ds::recursive_residuals(r.X.data(), r.n, r.p, r.y.data());
    const auto t = ds::rec_cusum_test(rr, 0.05);
    const std::size_t m = r.n - 3;
    REQUIRE(t.upper.size() == m + 1);
    CHECK_THAT(t.upper[0], WithinRel(0.948 * std::sqrt(double(m)), 1e-14));
    CHECK_THAT(t.upper[m], WithinRel(3 * 0.948 * std::sqrt(double(m)), 1e-14));
    double stat = 0;
    for (std::size_t j = 0; j <= m; ++j)
      stat = std::max(stat, std::abs(rr.rcusum[j]) /
                                (std::sqrt(double(m)) * (1 + 2.0 * double(j) / double(m))));
    CHECK_THAT(t.statistic, WithinRel(stat, 1e-14));
    CHECK(t.crossing == (stat > 0.948));
    const auto q = ds::cusum_squares_test(rr, 0.05);
    REQUIRE(q.path.size() == m);
    CHECK_THAT(q.path.back(), WithinRel(1.0, 1e-14));
    CHECK(q.crossing == (q.statistic > q.critical_value));
  }
  SECTION("intercept shift crosses Rec-CUSUM; variance break crosses CUSUM of squares") {
    auto r = make_regression(200, 1, 7);
    for (std::size_t i = 100; i < r.n; ++i) r.y[i] += 3.0;
    const auto t = ds::rec_cusum_test(r.X.data(), r.n, r.p, r.y.data(), 0.01);
    CHECK(t.crossing);
    CHECK(t.first_crossing > 100);
    CHECK(t.first_crossing < r.n);
    CHECK(std::abs(t.path[t.first_crossing - t.first_index]) >
          t.upper[t.first_crossing - t.first_index]);
    CHECK(t.pvalue < 0.01);

    auto v = make_regression(200, 1, 8, 0.5);
    std::mt19937_64 g(3);
    std::normal_distribution<double> d(0.0, 5.0);
    for (std::size_t i = 100; i < v.n; ++i) v.y[i] += d(g);
    const auto q = ds::cusum_squares_test(v.X.data(), v.n, v.p, v.y.data(), 0.01);
    CHECK(q.crossing);
    CHECK(q.statistic > q.critical_value);
    // the quiet first half keeps s_j below the mean line: the first exit is through the lower
    // boundary, before the break (BDE: the CUSUM of squares lags behind the line)
    const std::size_t jq = q.first_crossing - q.first_index;
    CHECK(q.path[jq] < q.lower[jq]);
    for (std::size_t j = 0; j < jq; ++j) CHECK(q.path[j] >= q.lower[j]);
  }
  SECTION("Edgerton–Wells critical values decrease with m and increase with 1 − α") {
    CHECK(ds::cusum_squares_critical_value(100, 0.05) >
          ds::cusum_squares_critical_value(400, 0.05));
    CHECK(ds::cusum_squares_critical_value(100, 0.01) >
          ds::cusum_squares_critical_value(100, 0.05));
    CHECK(ds::cusum_squares_critical_value(100, 0.05) >
          ds::cusum_squares_critical_value(100, 0.10));
  }
}

TEST_CASE("recursive residuals errors", "[concept_recursive]") {
  const auto r = make_regression(40, 2, 1);
  CHECK(contains(message_of([&] { ds::recursive_residuals(r.X.data(), 3, 2, r.y.data()); }),
                 "k + 2"));
  CHECK(contains(message_of([&] { ds::rec_cusum_test(r.X.data(), r.n, r.p, r.y.data(), 0.2); }),
                 "alpha"));
  CHECK(
      contains(message_of([&] { ds::cusum_squares_test(r.X.data(), r.n, r.p, r.y.data(), 0.025); }),
               "alpha"));
  // singular initial block: first 3 rows identical in X
  auto X = r.X;
  for (std::size_t i = 1; i < 3; ++i) {
    X[i * 2] = X[0];
    X[i * 2 + 1] = X[1];
  }
  CHECK(contains(message_of([&] { ds::recursive_residuals(X.data(), r.n, r.p, r.y.data()); }),
                 "initial block"));
  // constant column
  auto Xc = r.X;
  for (std::size_t i = 0; i < r.n; ++i) Xc[i * 2 + 1] = 4.0;
  CHECK(contains(message_of([&] { ds::recursive_residuals(Xc.data(), r.n, r.p, r.y.data()); }),
                 "X column 1 is constant"));
  // NaN in y
  auto y = r.y;
  y[17] = std::numeric_limits<double>::quiet_NaN();
  CHECK(contains(message_of([&] { ds::recursive_residuals(r.X.data(), r.n, r.p, y.data()); }),
                 "row 17"));
  // sigma = 0: y exactly linear in X
  std::vector<double> ylin(r.n);
  for (std::size_t i = 0; i < r.n; ++i) ylin[i] = 1.0 + 2.0 * r.X[i * 2] - r.X[i * 2 + 1];
  CHECK(contains(message_of([&] { ds::recursive_residuals(r.X.data(), r.n, r.p, ylin.data()); }),
                 "zero variance"));
  // CUSUM of squares needs n - k >= 4
  const auto small = make_regression(6, 1, 2);
  CHECK(contains(message_of([&] { ds::cusum_squares_test(small.X.data(), 5, 1, small.y.data()); }),
                 ">= 4"));
}
