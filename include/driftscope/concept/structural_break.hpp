#pragma once
/// @file
/// @brief Batch structural-change tests for a linear regression y = [1, X]·b + e:
/// the OLS-residual CUSUM test (Ploberger & Krämer 1992), the Chow test at a known break
/// and the sup-F test over an unknown break (Andrews 1993, 2003).
///
/// Conventions shared by all three (the same as driftscope::ols_fit): X is row-major n × p
/// WITHOUT a constant column; the intercept is prepended, so k = p + 1 coefficients.
/// A break index b splits the rows into segment 1 = rows [0, b) and segment 2 = rows [b, n)
/// (b = number of rows before the break, strucchange's "breakpoint" in 1-based terms).
/// Significance levels are always ordered {0.10, 0.05, 0.01} (`break_alphas`).
///
/// - ols_cusum_test: the OLS residuals e_t of the full-sample fit, the process
///   B(t) = Σ_{s<=t} e_s / sqrt(n·σ̂²) with σ̂² = SSR / (n − ddof) (ddof = k), the statistic
///   sup_t |B(t)| and the p-value of its Brownian-bridge limit, P(sup |W°| > x) =
///   2 Σ_{j>=1} (−1)^{j−1} exp(−2 j² x²) (the Kolmogorov distribution). Matches
///   statsmodels.stats.diagnostic.breaks_cusumolsresid(resid, ddof=k) (statistic and
///   p-value = scipy.stats.kstwobign.sf) to ~1e-13 relative.
/// - chow_test: F = ((SSR_pooled − SSR_1 − SSR_2) / k) / ((SSR_1 + SSR_2) / (n − 2k)),
///   p-value P(F(k, n − 2k) > F) (Boost.Math fisher_f complement); each segment is fitted by
///   ols_fit (Householder QR) and must have more than k rows.
/// - sup_f_test: the Chow F at every break b in [⌊trim·n⌋, ⌊(1 − trim)·n⌋] (clipped so both
///   segments have more than k rows), its maximum and location. The segment SSRs come from
///   forward and backward Givens updates of the triangular factor of the centred augmented
///   matrix [1, X, y] — O(n·k²) in total, not O(n²·k²) — and SSR_1(b) is the squared last
///   diagonal entry of that factor after b rows. A break where a segment is rank-deficient
///   (e.g. a dummy constant within the segment) gets F = NaN and is skipped for the maximum.
///   Asymptotic critical values (no closed form): Andrews (1993), "Tests for parameter
///   instability and structural change with unknown change point", Econometrica 61(4),
///   821–856, Table 1, with the corrections of Andrews (2003), Econometrica 71(1), 395–397,
///   for π0 = 0.15 (trim = 0.15), expressed on the F scale (sup-Wald / k) as tabulated in
///   Stock & Watson, Introduction to Econometrics, for k = 1..10 tested coefficients. Other
///   trims or k > 10: critical values NaN and `exceeds` false (no p-value is given).
///
/// Errors (std::invalid_argument, naming the function and the argument): NaN / inf in X or
/// y (row named), n too small, rank-deficient pooled design (column named), a residual
/// sum of squares of zero (σ̂ = 0: the statistics are undefined), `break_index` leaving a
/// segment with <= k rows, `trim` outside (0, 0.5) or leaving no admissible break.
///
/// Example:
/// @code
///   auto c = driftscope::chow_test(X.data(), n, p, y.data(), n / 2);
///   auto s = driftscope::sup_f_test(X.data(), n, p, y.data());  // trim 0.15
///   if (s.exceeds[1]) { /* a break at s.break_index, 5% level */ }
/// @endcode

#include <driftscope/concept/ols.hpp>
#include <driftscope/core/error.hpp>

#include <boost/math/distributions/fisher_f.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace driftscope {

/// Significance levels of the critical values / `exceeds` arrays, in this order.
inline constexpr std::array<double, 3> break_alphas{0.10, 0.05, 0.01};

/// Result of ols_cusum_test().
struct ols_cusum_result {
  double statistic = 0;         ///< sup_t |B(t)|
  double pvalue = 1;            ///< Kolmogorov (Brownian-bridge sup) survival function
  std::size_t argmax = 0;       ///< t (0-based, last residual included) attaining the sup
  std::size_t n_obs = 0;        ///< n
  std::size_t ddof = 0;         ///< degrees-of-freedom correction of σ̂² (k for a fit)
  double sigma = 0;             ///< sqrt(SSR / (n − ddof))
  std::vector<double> process;  ///< B(t), t = 0..n−1
  std::array<double, 3> critical_values{};  ///< kstwobign.isf(α), α = 0.10, 0.05, 0.01
  std::array<bool, 3> exceeds{};            ///< statistic > critical value
};

/// Result of chow_test().
struct chow_result {
  double statistic = 0;         ///< F
  double pvalue = 1;            ///< P(F(df_num, df_denom) > statistic)
  std::size_t break_index = 0;  ///< rows in segment 1
  std::size_t df_num = 0;       ///< k
  std::size_t df_denom = 0;     ///< n − 2k
  double ssr_pooled = 0, ssr_1 = 0, ssr_2 = 0;
};

/// Result of sup_f_test().
struct sup_f_result {
  double statistic = 0;         ///< max_b F(b)
  std::size_t break_index = 0;  ///< argmax (first on ties)
  std::size_t first_break = 0;  ///< smallest candidate b; f_statistics[i] is F(first_break + i)
  std::size_t last_break = 0;   ///< largest candidate b
  std::vector<double> f_statistics;  ///< F(b) per candidate (NaN: a segment is rank-deficient)
  double chow_pvalue = 1;  ///< pointwise F(k, n−2k) p-value at the max (NOT a sup-F p-value)
  double trim = 0.15;
  std::size_t df_num = 0;  ///< k
  std::size_t n_obs = 0;
  std::array<double, 3> critical_values{};  ///< Andrews (2003) at α = 0.10, 0.05, 0.01 or NaN
  std::array<bool, 3> exceeds{};            ///< statistic > critical value (false when NaN)
};

namespace detail {

/// Survival function of the Kolmogorov distribution (sup |Brownian bridge|), equal to
/// scipy.stats.kstwobign.sf. x < 1: 1 − cdf with the Jacobi-theta form
/// cdf = sqrt(2π)/x Σ_{j>=1} exp(−(2j−1)² π² / (8x²)); x >= 1: the alternating series
/// 2 Σ (−1)^{j−1} exp(−2j²x²). Both converge to full double precision in a few terms.
inline double kolmogorov_limit_sf(double x) {
  if (std::isnan(x)) return x;
  if (x <= 0) return 1.0;
  constexpr double pi = 3.14159265358979323846;
  if (x < 1.0) {
    if (x < 0.04) return 1.0;  // cdf < 1e-300
    const double w = -pi * pi / (8.0 * x * x);
    double s = 0;
    for (int j = 1; j <= 20; ++j) {
      const double m = 2.0 * j - 1.0;
      const double term = std::exp(w * m * m);
      s += term;
      if (term < 1e-18 * s) break;
    }
    return 1.0 - std::sqrt(2.0 * pi) / x * s;
  }
  double s = 0;
  double sign = 1;
  for (int j = 1; j <= 100; ++j) {
    const double term = std::exp(-2.0 * j * j * x * x);
    s += sign * term;
    if (term < 1e-18 * s) break;
    sign = -sign;
  }
  return 2.0 * s;
}

/// Andrews (1993, Table 1; corrected in Andrews 2003) asymptotic critical values of the
/// sup-F statistic (sup-Wald / k) for π0 = 0.15, k = 1..10, at α = 0.10, 0.05, 0.01.
inline constexpr double andrews_sup_f_015[10][3] = {
    {7.12, 8.68, 12.16}, {5.00, 5.86, 7.78}, {4.09, 4.71, 6.02}, {3.59, 4.09, 5.12},
    {3.26, 3.66, 4.53},  {3.02, 3.37, 4.12}, {2.84, 3.15, 3.82}, {2.69, 2.98, 3.57},
    {2.58, 2.84, 3.38},  {2.48, 2.71, 3.23}};

inline double fisher_f_sf(double f, std::size_t d1, std::size_t d2) {
  if (std::isnan(f)) return f;
  if (f <= 0) return 1.0;
  if (std::isinf(f)) return 0.0;
  const boost::math::fisher_f_distribution<double> dist(static_cast<double>(d1),
                                                        static_cast<double>(d2));
  return boost::math::cdf(boost::math::complement(dist, f));
}

/// Σ (y − ȳ)² (two-pass).
inline double total_sum_squares(const double* y, std::size_t n) {
  double m = 0;
  for (std::size_t i = 0; i < n; ++i) m += y[i];
  m /= static_cast<double>(n);
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) s += (y[i] - m) * (y[i] - m);
  return s;
}

/// A residual sum of squares that is rounding noise: SSR <= 1e-20 · Σ (y − ȳ)² (a residual
/// norm below 1e-10 of y's spread), or exactly 0. σ̂ = 0 for the break tests.
inline bool is_perfect_fit(double ssr, double tss) {
  return !(ssr > 1e-20 * tss);
}

inline void break_check_inputs(const double* X, std::size_t n, std::size_t p, const double* y,
                               const char* function) {
  if (p > 0 && X == nullptr) throw_invalid_argument("{}: X is null", function);
  if (y == nullptr) throw_invalid_argument("{}: y is null", function);
  ols_check_finite(X, n, p, y, function);
}

/// Upper-triangular factor R (m × m, row-major) of the rows added so far, by Givens
/// rotations: add_row is O(m²), allocation-free after construction. R(m−1, m−1)² is the
/// SSR of the regression of the last column on the others.
class givens_triangle {
 public:
  explicit givens_triangle(std::size_t m) : m_(m), r_(m * m, 0.0), row_(m, 0.0) {}

  /// Adds one row (m values; overwrites nothing in `v`).
  void add_row(const double* v) {
    for (std::size_t j = 0; j < m_; ++j) row_[j] = v[j];
    for (std::size_t j = 0; j < m_; ++j) {
      const double b = row_[j];
      if (b == 0.0) continue;
      double* rj = &r_[j * m_];
      const double a = rj[j];
      const double h = std::sqrt(a * a + b * b);  // |a|, |b| << 1e154 after centring
      const double c = a / h, s = b / h;
      rj[j] = h;
      for (std::size_t l = j + 1; l < m_; ++l) {
        const double t = rj[l];
        rj[l] = c * t + s * row_[l];
        row_[l] = c * row_[l] - s * t;
      }
    }
  }
  double diag(std::size_t j) const { return r_[j * m_ + j]; }

 private:
  std::size_t m_;
  std::vector<double> r_, row_;
};

/// SSR of the fit of y on [1, X] over the first t rows (forward) or the last n − b rows
/// (backward), for every split; NaN where the segment design is rank-deficient (a pivot
/// |R_jj| <= 1e-10 · the column's Euclidean norm over the segment) or has <= k rows.
inline void segment_ssr(const double* X, std::size_t n, std::size_t p, const double* y,
                        bool forward, std::vector<double>& ssr) {
  const std::size_t k = p + 1, m = p + 2;
  // centre by the full-sample means (the intercept absorbs the shift; SSR is invariant)
  std::vector<double> mean(m, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < p; ++j) mean[j + 1] += X[i * p + j];
    mean[m - 1] += y[i];
  }
  for (std::size_t j = 1; j < m; ++j) mean[j] /= static_cast<double>(n);
  givens_triangle tri(m);
  std::vector<double> v(m), sumsq(k, 0.0);
  ssr.assign(n + 1, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t t = 1; t <= n; ++t) {
    const std::size_t i = forward ? t - 1 : n - t;
    v[0] = 1.0;
    for (std::size_t j = 0; j < p; ++j) v[j + 1] = X[i * p + j] - mean[j + 1];
    v[m - 1] = y[i] - mean[m - 1];
    tri.add_row(v.data());
    for (std::size_t j = 0; j < k; ++j) sumsq[j] += v[j] * v[j];
    if (t <= k) continue;
    bool full_rank = true;
    for (std::size_t j = 0; j < k; ++j) {
      if (!(std::abs(tri.diag(j)) > 1e-10 * std::sqrt(sumsq[j]))) full_rank = false;
    }
    if (!full_rank) continue;
    const double d = tri.diag(m - 1);
    // forward: ssr[t] = rows [0, t); backward: ssr[n − t] = rows [n − t, n)
    ssr[forward ? t : n - t] = d * d;
  }
}

}  // namespace detail

/**
 * @brief OLS-CUSUM test from given residuals, = statsmodels breaks_cusumolsresid(resid, ddof).
 * @param resid n OLS residuals (finite)
 * @param n number of residuals, >= 2 and > ddof
 * @param ddof degrees-of-freedom correction of σ̂² (the number of fitted coefficients)
 * @throws std::invalid_argument non-finite residual, n <= ddof or n < 2, all residuals 0
 */
inline ols_cusum_result ols_cusum_from_residuals(const double* resid, std::size_t n,
                                                 std::size_t ddof,
                                                 const char* function = "ols_cusum_test") {
  if (n < 2 || n <= ddof) {
    detail::throw_invalid_argument("{}: needs n >= 2 residuals and n > ddof = {}, got n = {}",
                                   function, ddof, n);
  }
  if (resid == nullptr) detail::throw_invalid_argument("{}: resid is null", function);
  double ssr = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(resid[i])) {
      detail::throw_invalid_argument("{}: resid must be finite, got {} at row {}", function,
                                     resid[i], i);
    }
    ssr += resid[i] * resid[i];
  }
  if (!(ssr > 0)) {
    detail::throw_invalid_argument(
        "{}: the residual sum of squares is 0 (sigma = 0, a perfect fit); the test is undefined",
        function);
  }
  ols_cusum_result r;
  r.n_obs = n;
  r.ddof = ddof;
  const double dn = static_cast<double>(n);
  const double nsigma2 = ddof > 0 ? ssr / (dn - static_cast<double>(ddof)) * dn : ssr;
  r.sigma = std::sqrt(nsigma2 / dn);
  const double scale = 1.0 / std::sqrt(nsigma2);
  r.process.resize(n);
  double cum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    cum += resid[i];
    r.process[i] = cum * scale;
    const double a = std::abs(r.process[i]);
    if (a > r.statistic) {
      r.statistic = a;
      r.argmax = i;
    }
  }
  r.pvalue = detail::kolmogorov_limit_sf(r.statistic);
  // scipy.stats.kstwobign.isf(0.10, 0.05, 0.01)
  r.critical_values = {1.2238478702170823, 1.3580986393225507, 1.6276236115189504};
  for (std::size_t a = 0; a < 3; ++a) r.exceeds[a] = r.statistic > r.critical_values[a];
  return r;
}

/**
 * @brief OLS-CUSUM test (Ploberger & Krämer 1992) of y on [1, X]: fits OLS, then
 *        ols_cusum_from_residuals(residuals, n, k) — statsmodels
 *        breaks_cusumolsresid(OLS(y, add_constant(X)).fit().resid, ddof=k).
 * @throws std::invalid_argument as ols_fit (function "ols_cusum_test"), and σ̂ = 0
 */
inline ols_cusum_result ols_cusum_test(const double* X, std::size_t n, std::size_t p,
                                       const double* y) {
  constexpr const char* fn = "ols_cusum_test";
  detail::break_check_inputs(X, n, p, y, fn);
  const ols_result fit = ols_fit(X, n, p, y, fn);
  if (detail::is_perfect_fit(fit.ssr, detail::total_sum_squares(y, n))) {
    detail::throw_invalid_argument(
        "{}: y is fitted exactly by [1, X] (SSR = {}, sigma = 0); the test is undefined", fn,
        fit.ssr);
  }
  return ols_cusum_from_residuals(fit.residuals.data(), n, fit.n_params, fn);
}

/**
 * @brief Chow test for a break after `break_index` rows (segments [0, b) and [b, n)).
 * @param break_index b; both segments need more than k = p + 1 rows: k < b < n − k
 * @throws std::invalid_argument bad break_index (named with its admissible range), inputs as
 *         ols_fit (the pooled or a segment design rank-deficient), SSR_1 + SSR_2 = 0
 */
inline chow_result chow_test(const double* X, std::size_t n, std::size_t p, const double* y,
                             std::size_t break_index) {
  constexpr const char* fn = "chow_test";
  const std::size_t k = p + 1;
  if (break_index <= k || n < break_index || n - break_index <= k) {
    detail::throw_invalid_argument(
        "{}: break_index must leave more than k = {} rows in each segment ({} < break_index < "
        "n - {} = {}), got {} with n = {}",
        fn, k, k, k, n >= k ? static_cast<long long>(n - k) : -1LL, break_index, n);
  }
  detail::break_check_inputs(X, n, p, y, fn);
  const ols_result pooled = ols_fit(X, n, p, y, fn);
  const std::string f1 = std::string(fn) + " (segment 1, rows [0, break_index))";
  const std::string f2 = std::string(fn) + " (segment 2, rows [break_index, n))";
  const ols_result s1 = ols_fit(X, break_index, p, y, f1.c_str());
  const ols_result s2 =
      ols_fit(p > 0 ? X + break_index * p : X, n - break_index, p, y + break_index, f2.c_str());
  chow_result r;
  r.break_index = break_index;
  r.df_num = k;
  r.df_denom = n - 2 * k;
  r.ssr_pooled = pooled.ssr;
  r.ssr_1 = s1.ssr;
  r.ssr_2 = s2.ssr;
  const double within = s1.ssr + s2.ssr;
  if (detail::is_perfect_fit(within, detail::total_sum_squares(y, n))) {
    detail::throw_invalid_argument(
        "{}: both segments are fitted exactly (SSR_1 + SSR_2 = 0, sigma = 0); F is undefined", fn);
  }
  const double num = std::max(pooled.ssr - within, 0.0) / static_cast<double>(k);
  r.statistic = num / (within / static_cast<double>(r.df_denom));
  r.pvalue = detail::fisher_f_sf(r.statistic, r.df_num, r.df_denom);
  return r;
}

/**
 * @brief sup-F (Quandt–Andrews) test: the Chow F at every break in
 *        [⌊trim·n⌋, ⌊(1 − trim)·n⌋] ∩ (k, n − k), its maximum and argmax; O(n·k²).
 * @param trim fraction trimmed at each end, in (0, 0.5); critical values only for 0.15
 * @throws std::invalid_argument trim outside (0, 0.5) or no admissible break, inputs as
 *         ols_fit (pooled design), σ̂ = 0 at every break
 */
inline sup_f_result sup_f_test(const double* X, std::size_t n, std::size_t p, const double* y,
                               double trim = 0.15) {
  constexpr const char* fn = "sup_f_test";
  if (!(trim > 0.0 && trim < 0.5)) {
    detail::throw_invalid_argument("{}: trim must be in (0, 0.5), got {}", fn, trim);
  }
  const std::size_t k = p + 1;
  const double dn = static_cast<double>(n);
  std::size_t lo = static_cast<std::size_t>(std::floor(trim * dn + 1e-9));
  std::size_t hi = static_cast<std::size_t>(std::floor((1.0 - trim) * dn + 1e-9));
  if (lo < k + 1) lo = k + 1;
  if (n < k + 1 || hi > n - k - 1) hi = n >= k + 1 ? n - k - 1 : 0;
  if (n <= 2 * k + 1 || lo > hi) {
    detail::throw_invalid_argument(
        "{}: trim = {} leaves no break with more than k = {} rows in each segment for n = {}", fn,
        trim, k, n);
  }
  detail::break_check_inputs(X, n, p, y, fn);
  const ols_result pooled = ols_fit(X, n, p, y, fn);

  std::vector<double> fwd, bwd;
  detail::segment_ssr(X, n, p, y, true, fwd);
  detail::segment_ssr(X, n, p, y, false, bwd);

  sup_f_result r;
  r.trim = trim;
  r.df_num = k;
  r.n_obs = n;
  r.first_break = lo;
  r.last_break = hi;
  r.f_statistics.resize(hi - lo + 1);
  const double df_denom = static_cast<double>(n - 2 * k);
  bool any = false;
  const double tss = detail::total_sum_squares(y, n);
  for (std::size_t b = lo; b <= hi; ++b) {
    const double within = fwd[b] + bwd[b];
    double f = std::numeric_limits<double>::quiet_NaN();
    if (!detail::is_perfect_fit(within, tss)) {  // NaN (a rank-deficient segment) fails too
      f = (std::max(pooled.ssr - within, 0.0) / static_cast<double>(k)) / (within / df_denom);
    }
    r.f_statistics[b - lo] = f;
    if (!std::isnan(f) && (!any || f > r.statistic)) {
      r.statistic = f;
      r.break_index = b;
      any = true;
    }
  }
  if (!any) {
    detail::throw_invalid_argument(
        "{}: F is undefined at every break (a segment is rank-deficient or fitted exactly)", fn);
  }
  r.chow_pvalue = detail::fisher_f_sf(r.statistic, k, n - 2 * k);
  const bool tabulated = std::abs(trim - 0.15) < 1e-12 && k <= 10;
  for (std::size_t a = 0; a < 3; ++a) {
    r.critical_values[a] =
        tabulated ? detail::andrews_sup_f_015[k - 1][a] : std::numeric_limits<double>::quiet_NaN();
    r.exceeds[a] = tabulated && r.statistic > r.critical_values[a];
  }
  return r;
}

}  // namespace driftscope
