// Tests of driftscope/concept/structural_break.hpp: the Kolmogorov limit survival function
// against scipy.stats.kstwobign.sf values, OLS-CUSUM against a direct computation from
// Eigen least-squares residuals, Chow F against segment fits by Eigen's HouseholderQR
// (independent of ols_fit) and a hand-checked two-point case, sup-F against chow_test at
// every break (QR path vs our Givens path) and its size under the null with Andrews'
// critical values (Monte Carlo), and the errors.

#include <Eigen/Dense>

#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "catch.hpp"
#include "driftscope/concept/structural_break.hpp"

namespace ds = driftscope;

namespace {

struct regression {
  std::size_t n = 0, p = 0;
  std::vector<double> X, y;
};

// y = 1 + Σ_j (j + 1)·x_j + noise; after `brk` rows the slopes change by `shift`.
regression make_data(std::size_t n, std::size_t p, std::uint64_t seed, std::size_t brk = 0,
                     double shift = 0.0, double x_mean = 0.0) {
  std::mt19937_64 g(seed);
  std::normal_distribution<double> z(0.0, 1.0);
  regression r;
  r.n = n;
  r.p = p;
  r.X.resize(n * p);
  r.y.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    double mu = 1.0;
    for (std::size_t j = 0; j < p; ++j) {
      const double x = x_mean + z(g);
      r.X[i * p + j] = x;
      const double slope = static_cast<double>(j + 1) + (brk > 0 && i >= brk ? shift : 0.0);
      mu += slope * x;
    }
    r.y[i] = mu + z(g);
  }
  return r;
}

// SSR of y[a, b) on [1, X[a, b)] by Eigen's (unpivoted) Householder QR least squares.
double eigen_ssr(const regression& d, std::size_t a, std::size_t b) {
  const auto m = static_cast<Eigen::Index>(b - a);
  Eigen::MatrixXd Z(m, static_cast<Eigen::Index>(d.p + 1));
  Eigen::VectorXd yv(m);
  for (Eigen::Index i = 0; i < m; ++i) {
    const std::size_t row = a + static_cast<std::size_t>(i);
    Z(i, 0) = 1.0;
    for (std::size_t j = 0; j < d.p; ++j)
      Z(i, static_cast<Eigen::Index>(j + 1)) = d.X[row * d.p + j];
    yv(i) = d.y[row];
  }
  const Eigen::VectorXd beta = Z.householderQr().solve(yv);
  return (yv - Z * beta).squaredNorm();
}

bool rel_close(double a, double b, double tol) {
  return std::abs(a - b) <= tol * std::max(std::abs(a), std::abs(b));
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "<no invalid_argument>";
}

}  // namespace

TEST_CASE("kolmogorov limit sf equals scipy.stats.kstwobign.sf", "[concept_breaks]") {
  // python: from scipy import stats; stats.kstwobign.sf(x)   (scipy 1.17)
  const double ref[][2] = {{0.05, 1.0},
                           {0.3, 0.9999906941986655},
                           {0.5, 0.9639452436648751},
                           {0.8, 0.5441424115741981},
                           {0.82, 0.5119717052984973},
                           {0.9, 0.3927307079406543},
                           {1.0, 0.26999967167735456},
                           {1.2, 0.11224966667072497},
                           {1.5, 0.022217962616525127},
                           {2.0, 0.0006709252557796953},
                           {3.0, 3.045995948942526e-08},
                           {5.0, 3.8574996959278356e-22}};
  for (const auto& r : ref) {
    INFO("x = " << r[0]);
    CHECK(rel_close(ds::detail::kolmogorov_limit_sf(r[0]), r[1], 1e-12));
  }
  CHECK(ds::detail::kolmogorov_limit_sf(0.0) == 1.0);
  CHECK(ds::detail::kolmogorov_limit_sf(40.0) == 0.0);
  // the tabulated critical values sit exactly at their levels
  const ds::ols_cusum_result r =
      ds::ols_cusum_from_residuals(std::vector<double>{1, -1, 2}.data(), 3, 0);
  for (std::size_t a = 0; a < 3; ++a)
    CHECK(rel_close(ds::detail::kolmogorov_limit_sf(r.critical_values[a]), ds::break_alphas[a],
                    1e-12));
}

TEST_CASE("ols_cusum_test equals the direct formula on Eigen residuals", "[concept_breaks]") {
  for (std::size_t p : {0u, 1u, 3u}) {
    for (std::uint64_t seed : {1u, 2u}) {
      const regression d = make_data(150, p, seed, 75, 0.8, 2.0);
      const ds::ols_cusum_result r = ds::ols_cusum_test(d.X.data(), d.n, d.p, d.y.data());
      // independent residuals: Eigen QR least squares on [1, X]
      const auto n = static_cast<Eigen::Index>(d.n);
      Eigen::MatrixXd Z(n, static_cast<Eigen::Index>(p + 1));
      Eigen::VectorXd yv(n);
      for (Eigen::Index i = 0; i < n; ++i) {
        Z(i, 0) = 1;
        for (std::size_t j = 0; j < p; ++j)
          Z(i, static_cast<Eigen::Index>(j + 1)) = d.X[static_cast<std::size_t>(i) * p + j];
        yv(i) = d.y[static_cast<std::size_t>(i)];
      }
      const Eigen::VectorXd e = yv - Z * Z.householderQr().solve(yv);
      const double k = static_cast<double>(p + 1), dn = static_cast<double>(d.n);
      const double nsigma2 = e.squaredNorm() / (dn - k) * dn;
      double cum = 0, sup = 0;
      std::size_t arg = 0;
      for (Eigen::Index i = 0; i < n; ++i) {
        cum += e(i);
        if (std::abs(cum) / std::sqrt(nsigma2) > sup) {
          sup = std::abs(cum) / std::sqrt(nsigma2);
          arg = static_cast<std::size_t>(i);
        }
      }
      CHECK(rel_close(r.statistic, sup, 1e-9));
      CHECK(r.argmax == arg);
      CHECK(r.ddof == p + 1);
      CHECK(rel_close(r.pvalue, ds::detail::kolmogorov_limit_sf(sup), 1e-9));
      CHECK(r.process.size() == d.n);
      CHECK(std::abs(r.process.back()) < 1e-9);  // OLS residuals with intercept sum to 0
      for (std::size_t a = 0; a < 3; ++a)
        CHECK(r.exceeds[a] == (r.statistic > r.critical_values[a]));
    }
  }
  // a level shift halfway is detected, none is not (fixed seeds)
  const regression shifted = make_data(400, 1, 7);
  std::vector<double> y = shifted.y;
  for (std::size_t i = 200; i < 400; ++i) y[i] += 1.0;
  CHECK(ds::ols_cusum_test(shifted.X.data(), 400, 1, y.data()).pvalue < 1e-6);
}

TEST_CASE("chow_test equals segment fits by Eigen QR", "[concept_breaks]") {
  for (std::size_t p : {0u, 1u, 2u, 4u}) {
    for (std::size_t brk : {20u, 60u, 100u}) {
      const regression d = make_data(120, p, 11 + p, 60, 0.5, 1.0);
      const ds::chow_result c = ds::chow_test(d.X.data(), d.n, d.p, d.y.data(), brk);
      const double sp = eigen_ssr(d, 0, d.n), s1 = eigen_ssr(d, 0, brk),
                   s2 = eigen_ssr(d, brk, d.n);
      const double k = static_cast<double>(p + 1);
      const double f = ((sp - s1 - s2) / k) / ((s1 + s2) / (static_cast<double>(d.n) - 2 * k));
      INFO("p = " << p << ", break = " << brk);
      CHECK(rel_close(c.ssr_pooled, sp, 1e-10));
      CHECK(rel_close(c.ssr_1, s1, 1e-10));
      CHECK(rel_close(c.ssr_2, s2, 1e-10));
      CHECK(rel_close(c.statistic, f, 1e-9));
      CHECK(c.df_num == p + 1);
      CHECK(c.df_denom == d.n - 2 * (p + 1));
    }
  }
  // hand-checked p-value: F(1, 2) survival at F is 1 − sqrt(F / (F + 2)) (t² with 2 df);
  // mean-only model, y = {0, 1, 0, 1 | 3, 4, 3, 4}: SSR_1 = SSR_2 = 1, SSR_pooled = 20
  const std::vector<double> y{0, 1, 0, 1, 3, 4, 3, 4};
  const ds::chow_result c = ds::chow_test(nullptr, 8, 0, y.data(), 4);
  CHECK(rel_close(c.statistic, (20.0 - 2.0) / (2.0 / 6.0), 1e-12));  // k = 1, n − 2k = 6
  // F(1, 6) survival = P(|t_6| > sqrt(F)); t_6 two-sided tail at t = sqrt(54) = 7.348469:
  // scipy.stats.f.sf(54, 1, 6) = 0.0003249746792710838
  CHECK(rel_close(c.pvalue, 0.0003249746792710838, 1e-9));
}

TEST_CASE("sup_f_test equals chow_test at every break", "[concept_breaks]") {
  for (std::size_t p : {0u, 1u, 3u}) {
    for (double trim : {0.15, 0.25}) {
      // x_mean far from 0 stresses the centring of the Givens path
      const regression d = make_data(160, p, 100 + p, 100, 0.7, 50.0);
      const ds::sup_f_result s = ds::sup_f_test(d.X.data(), d.n, d.p, d.y.data(), trim);
      const std::size_t k = p + 1;
      std::size_t lo = static_cast<std::size_t>(std::floor(trim * 160 + 1e-9));
      std::size_t hi = static_cast<std::size_t>(std::floor((1 - trim) * 160 + 1e-9));
      lo = std::max(lo, k + 1);
      hi = std::min(hi, 160 - k - 1);
      REQUIRE(s.first_break == lo);
      REQUIRE(s.last_break == hi);
      REQUIRE(s.f_statistics.size() == hi - lo + 1);
      double best = -1;
      std::size_t arg = 0;
      for (std::size_t b = lo; b <= hi; ++b) {
        const double f = ds::chow_test(d.X.data(), d.n, d.p, d.y.data(), b).statistic;
        INFO("p = " << p << ", b = " << b);
        CHECK(rel_close(s.f_statistics[b - lo], f, 1e-8));
        if (f > best) {
          best = f;
          arg = b;
        }
      }
      CHECK(s.break_index == arg);
      CHECK(rel_close(s.statistic, best, 1e-8));
      const bool tab = trim == 0.15;
      for (std::size_t a = 0; a < 3; ++a) {
        CHECK(std::isnan(s.critical_values[a]) == !tab);
        if (tab) CHECK(s.exceeds[a] == (s.statistic > s.critical_values[a]));
      }
    }
  }
  // the planted break (slope shift at 100 of 160) is located within a few rows
  const regression d = make_data(160, 1, 5, 100, 2.0);
  const ds::sup_f_result s = ds::sup_f_test(d.X.data(), d.n, d.p, d.y.data());
  CHECK(s.exceeds[2]);
  CHECK(s.break_index >= 95);
  CHECK(s.break_index <= 105);
}

TEST_CASE("sup_f_test: Andrews critical values give the nominal size", "[concept_breaks]") {
  // 800 null regressions (k = 2, n = 200): rejection rate at 5% must be near 5%;
  // the binomial sd is 0.77 pp, finite-n sup-F is slightly conservative.
  std::size_t rej10 = 0, rej5 = 0;
  const std::size_t runs = 800;
  for (std::size_t r = 0; r < runs; ++r) {
    const regression d = make_data(200, 1, 5000 + r);
    const ds::sup_f_result s = ds::sup_f_test(d.X.data(), d.n, d.p, d.y.data());
    rej10 += s.exceeds[0] ? 1 : 0;
    rej5 += s.exceeds[1] ? 1 : 0;
  }
  const double a10 = static_cast<double>(rej10) / runs, a5 = static_cast<double>(rej5) / runs;
  INFO("size at 10% = " << a10 << ", at 5% = " << a5);
  CHECK(a10 > 0.06);
  CHECK(a10 < 0.14);
  CHECK(a5 > 0.025);
  CHECK(a5 < 0.075);
}

TEST_CASE("sup_f_test skips breaks with a rank-deficient segment", "[concept_breaks]") {
  // a dummy that is 0 before row 42 (its first 1): segment 1 is rank-deficient for b <= 42
  regression d = make_data(100, 2, 3);
  for (std::size_t i = 0; i < 100; ++i) d.X[i * 2 + 1] = i >= 40 && (i % 3 == 0) ? 1.0 : 0.0;
  const ds::sup_f_result s = ds::sup_f_test(d.X.data(), d.n, d.p, d.y.data());
  for (std::size_t b = s.first_break; b <= s.last_break; ++b) {
    INFO("b = " << b);
    CHECK(std::isnan(s.f_statistics[b - s.first_break]) == (b <= 42));
  }
  CHECK(s.break_index > 42);
}

TEST_CASE("structural break tests: errors", "[concept_breaks]") {
  const regression d = make_data(50, 2, 9);
  std::vector<double> ybad = d.y;
  ybad[7] = std::nan("");
  CHECK(error_of([&] {
          ds::ols_cusum_test(d.X.data(), 50, 2, ybad.data());
        }).find("y must be finite") != std::string::npos);
  CHECK(error_of([&] { ds::chow_test(d.X.data(), 50, 2, ybad.data(), 25); }).find("row 7") !=
        std::string::npos);
  CHECK(error_of([&] { ds::sup_f_test(d.X.data(), 50, 2, ybad.data()); }).find("sup_f_test") !=
        std::string::npos);
  // break_index leaving <= k rows
  for (std::size_t b : {0u, 3u, 47u, 50u, 60u}) {
    CHECK(error_of([&] { ds::chow_test(d.X.data(), 50, 2, d.y.data(), b); }).find("break_index") !=
          std::string::npos);
  }
  CHECK_NOTHROW(ds::chow_test(d.X.data(), 50, 2, d.y.data(), 4));
  CHECK_NOTHROW(ds::chow_test(d.X.data(), 50, 2, d.y.data(), 46));
  // bad trim
  for (double t : {0.0, -0.1, 0.5, 0.7, std::nan("")}) {
    CHECK(error_of([&] { ds::sup_f_test(d.X.data(), 50, 2, d.y.data(), t); }).find("trim") !=
          std::string::npos);
  }
  // too few rows for any break
  CHECK(error_of([&] { ds::sup_f_test(d.X.data(), 7, 2, d.y.data()); }).find("trim") !=
        std::string::npos);
  // σ̂ = 0
  std::vector<double> yexact(50);
  for (std::size_t i = 0; i < 50; ++i) yexact[i] = 1 + d.X[i * 2] - d.X[i * 2 + 1];
  CHECK(error_of([&] { ds::ols_cusum_test(d.X.data(), 50, 2, yexact.data()); }).find("sigma = 0") !=
        std::string::npos);
  CHECK(error_of([&] { ds::chow_test(d.X.data(), 50, 2, yexact.data(), 25); }).find("sigma = 0") !=
        std::string::npos);
  // collinear columns
  std::vector<double> Xc = d.X;
  for (std::size_t i = 0; i < 50; ++i) Xc[i * 2 + 1] = 2 * Xc[i * 2];
  CHECK(error_of([&] { ds::sup_f_test(Xc.data(), 50, 2, d.y.data()); }).find("X column 1") !=
        std::string::npos);
  // residual variant
  CHECK(error_of([&] { ds::ols_cusum_from_residuals(d.y.data(), 3, 3); }).find("ddof") !=
        std::string::npos);
}
