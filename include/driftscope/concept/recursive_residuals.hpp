#pragma once
/// @file
/// @brief Recursive residuals (Brown, Durbin & Evans 1975) by rank-1 updates, and the
/// Rec-CUSUM and CUSUM-of-squares structural-change tests built on them.
///
/// Model and conventions (those of statsmodels.stats.diagnostic.recursive_olsresiduals
/// with skip = k, which these functions match to rounding; statsmodels' X holds the
/// constant column explicitly, here the intercept is prepended as in ols_fit):
/// - design z_i = (1, X_i0, ..., X_i,p−1), k = p + 1 regressors, observations i = 0..n−1;
/// - initial fit on rows 0..k−1 (an exactly determined system, rejected if singular):
///   b_{k−1} = Z_0^{-1} y_0, P_{k−1} = (Z_0'Z_0)^{-1};
/// - for i = k..n−1: prediction ŷ_i = z_i'b_{i−1}, error e_i = y_i − ŷ_i,
///   f_i = 1 + z_i'P_{i−1}z_i, then (Sherman–Morrison)
///   P_i = P_{i−1} − P_{i−1}z_i z_i'P_{i−1} / f_i and b_i = b_{i−1} + P_{i−1}z_i e_i / f_i
///   (O(k²) per value, no refit); b_i is the OLS fit on rows 0..i;
/// - the recursive residual is w_i = e_i / sqrt(f_i) ~ N(0, σ²) under constancy
///   (`rresid_scaled`); σ̂² is the sample variance (ddof = 1, mean removed, as Harvey 1989
///   and statsmodels) of w_k..w_{n−1}; `rresid_standardized` = w / σ̂;
/// - index k−1 carries statsmodels' "initial" entries: ŷ_{k−1} = z_{k−1}'b_{k−1},
///   e_{k−1} = y_{k−1} − ŷ_{k−1} (zero up to rounding), f_{k−1} = 1 + z'Pz; indices < k−1
///   are NaN;
/// - rcusum[j] = Σ_{i=k−1}^{k−1+j} w_i / σ̂, j = 0..n−k (so rcusum[j] is, up to the ~0
///   initial entry, the sum of the first j recursive residuals: W_{k+j} in BDE's 1-based
///   notation).
///
/// Rec-CUSUM (BDE 1975 §2.3): under constancy W crosses the lines
/// ±a·sqrt(n−k)·(1 + 2j/(n−k)) with probability ≈ 2[1 − Φ(3a) + exp(−4a²)Φ(a)] (Durbin
/// 1971's boundary-crossing probability for Brownian motion), giving a = 0.850 / 0.948 /
/// 1.143 at α = 0.10 / 0.05 / 0.01 (BDE 1975 §2.3, significance lines;
/// statsmodels' rcusumci uses the same three values; note statsmodels' RecursiveLS
/// `_cusum_significance_bounds` uses 0.950 at α = 0.10, apparently a slip: a = 0.950
/// gives a crossing probability ≈ 0.049, not 0.10).
/// Our statistic is the smallest a whose lines W touches: max_j |W_j| / (sqrt(n−k)(1 +
/// 2j/(n−k))), and the p-value is the crossing probability above evaluated at it.
///
/// CUSUM of squares (BDE 1975 §2.4): s_j = Σ_{i=k}^{k−1+j} w_i² / Σ_{i=k}^{n−1} w_i²,
/// j = 1..n−k, with mean line (j)/(n−k); statistic max_j |s_j − j/(n−k)|; critical value
/// c0 of Durbin (1969) by the Edgerton & Wells (1994, Oxford Bull. Econ. Stat. 56, 355–365)
/// response-surface approximation c0 ≈ s0/√m + s1/m + s2/m^{3/2}, m = (n−k)/2 − 1, with
/// the coefficients of their table for one-sided level α/2 (as statsmodels' RecursiveLS
/// `_cusum_squares_significance_bounds`; the exact Durbin table is not reproduced).
///
/// Example:
/// @code
///   auto rr = driftscope::recursive_residuals(X.data(), n, p, y.data());
///   auto t = driftscope::rec_cusum_test(rr, 0.05);
///   if (t.crossing) { /* break near observation t.first_crossing */ }
/// @endcode

#include <driftscope/concept/ols.hpp>
#include <driftscope/core/error.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace driftscope {

/// @brief Recursive OLS state: b_i and P_i = (Z_i'Z_i)^{-1}, updated in O(k²) per value
/// with no allocation (Sherman–Morrison, as statsmodels' recursive_olsresiduals).
class recursive_ols {
 public:
  /// One update's outputs.
  struct step {
    double prediction;  ///< z'b before the update
    double error;       ///< y − prediction
    double f;           ///< 1 + z'P z before the update (error variance factor)
  };

  /// An empty state (k = 0); update() / predict() on it throw std::domain_error.
  recursive_ols() = default;

  /**
   * @brief Initial exact fit on the first k = p + 1 rows (intercept prepended).
   * @param X0 row-major k × p, @param y0 k values
   * @throws std::invalid_argument if the k × k initial design is singular or non-finite
   */
  recursive_ols(const double* X0, std::size_t p, const double* y0,
                const char* function = "recursive_ols")
      : k_(p + 1), p_(p), P_(k_ * k_), b_(k_), tmp_(k_), z_(k_) {
    detail::ols_check_finite(X0, k_, p, y0, function);
    const Eigen::MatrixXd Z0 = detail::ols_design(X0, k_, p);
    Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(Z0);
    qr.setThreshold(1e-10);
    if (qr.rank() < static_cast<Eigen::Index>(k_)) {
      detail::throw_invalid_argument(
          "{}: X: the initial block (first k = {} rows with the intercept) is singular (rank {}); "
          "recursive residuals need a nonsingular initial block",
          function, k_, static_cast<std::size_t>(qr.rank()));
    }
    const Eigen::MatrixXd Zi = qr.inverse();
    const Eigen::MatrixXd P = Zi * Zi.transpose();
    const Eigen::Map<const Eigen::VectorXd> yv(y0, static_cast<Eigen::Index>(k_));
    const Eigen::VectorXd b = Zi * yv;
    for (std::size_t r = 0; r < k_; ++r) {
      b_[r] = b(static_cast<Eigen::Index>(r));
      for (std::size_t c = 0; c < k_; ++c)
        P_[r * k_ + c] = P(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c));
    }
  }

  std::size_t n_params() const { return k_; }
  const std::vector<double>& coefficients() const { return b_; }  ///< b, intercept first
  const std::vector<double>& inverse_gram() const { return P_; }  ///< P row-major k × k

  /// 1 + z'P z and z'b for regressor row x (p values) without updating.
  step predict(const double* x) const {
    if (k_ == 0)
      detail::throw_domain_error("recursive_ols::predict: empty state (default-constructed)");
    load(x);
    double pred = 0.0, f = 1.0;
    for (std::size_t r = 0; r < k_; ++r) {
      pred += z_[r] * b_[r];
      double s = 0.0;
      for (std::size_t c = 0; c < k_; ++c) s += P_[r * k_ + c] * z_[c];
      f += z_[r] * s;
    }
    return {pred, 0.0, f};
  }

  /// Adds the observation (x, y): returns the prediction error before the update. O(k²),
  /// no allocation. x holds p regressors (no constant). Values are not checked for NaN
  /// here (the batch functions check them); a NaN poisons the state.
  step update(const double* x, double y) {
    if (k_ == 0)
      detail::throw_domain_error("recursive_ols::update: empty state (default-constructed)");
    load(x);
    double pred = 0.0;
    for (std::size_t r = 0; r < k_; ++r) pred += z_[r] * b_[r];
    const double e = y - pred;
    double f = 1.0;
    for (std::size_t r = 0; r < k_; ++r) {
      double s = 0.0;
      for (std::size_t c = 0; c < k_; ++c) s += P_[r * k_ + c] * z_[c];
      tmp_[r] = s;
      f += z_[r] * s;
    }
    const double inv_f = 1.0 / f;
    for (std::size_t r = 0; r < k_; ++r) {
      const double tr = tmp_[r] * inv_f;
      for (std::size_t c = 0; c < k_; ++c) P_[r * k_ + c] -= tr * tmp_[c];
      b_[r] += tr * e;
    }
    return {pred, e, f};
  }

 private:
  void load(const double* x) const {
    z_[0] = 1.0;
    for (std::size_t j = 0; j < p_; ++j) z_[j + 1] = x[j];
  }

  std::size_t k_ = 0, p_ = 0;
  std::vector<double> P_, b_, tmp_;
  mutable std::vector<double> z_;
};

/// Outputs of recursive_residuals(); arrays of length n are NaN before index k − 1.
/// Field names follow statsmodels' recursive_olsresiduals return values.
struct recursive_residuals_result {
  std::size_t n_obs = 0;                    ///< n
  std::size_t n_params = 0;                 ///< k = p + 1
  std::vector<double> rresid;               ///< e_i = y_i − z_i'b_{i−1}
  std::vector<double> rparams;              ///< n × k row-major, b_i (intercept first)
  std::vector<double> rypred;               ///< z_i'b_{i−1}
  std::vector<double> rvarraw;              ///< f_i = 1 + z_i'P_{i−1}z_i
  std::vector<double> rresid_scaled;        ///< w_i = e_i / sqrt(f_i), ~ N(0, σ²)
  std::vector<double> rresid_standardized;  ///< w_i / σ̂, ~ N(0, 1)
  double sigma = 0.0;                       ///< σ̂ = sample sd (ddof 1) of w_k..w_{n−1}
  std::vector<double> rcusum;               ///< n − k + 1 values, see the file comment
};

/**
 * @brief Recursive residuals of y on [1, X] (BDE 1975), O(n·k²).
 * @param X row-major n × p regressors without a constant column, @param y n responses
 * @throws std::invalid_argument n < k + 2 (k = p + 1), non-finite X / y, a rank-deficient
 *         design (column named), a singular initial block, or σ̂ = 0 (y exactly linear in X)
 */
inline recursive_residuals_result recursive_residuals(
    const double* X, std::size_t n, std::size_t p, const double* y,
    const char* function = "recursive_residuals") {
  const std::size_t k = p + 1;
  if (n < k + 2) {
    detail::throw_invalid_argument(
        "{}: X needs at least k + 2 = {} rows (k = p + 1 = {} parameters with the intercept), "
        "got n = {}",
        function, k + 2, k, n);
  }
  if (p > 0 && X == nullptr) detail::throw_invalid_argument("{}: X is null", function);
  if (y == nullptr) detail::throw_invalid_argument("{}: y is null", function);
  detail::ols_check_finite(X, n, p, y, function);
  {
    const Eigen::MatrixXd Z = detail::ols_design(X, n, p);
    if (detail::ols_scaled_rank(Z, 1e-10) < static_cast<Eigen::Index>(k))
      detail::ols_throw_rank_deficient(Z, 1e-10, function);
  }

  recursive_residuals_result r;
  r.n_obs = n;
  r.n_params = k;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  r.rresid.assign(n, nan);
  r.rparams.assign(n * k, nan);
  r.rypred.assign(n, nan);
  r.rvarraw.assign(n, nan);
  r.rresid_scaled.assign(n, nan);
  r.rresid_standardized.assign(n, nan);

  recursive_ols rls(X, p, y, function);
  {
    const std::size_t i = k - 1;
    const auto s = rls.predict(X + i * p);
    r.rypred[i] = s.prediction;
    r.rresid[i] = y[i] - s.prediction;
    r.rvarraw[i] = s.f;
    for (std::size_t c = 0; c < k; ++c) r.rparams[i * k + c] = rls.coefficients()[c];
  }
  for (std::size_t i = k; i < n; ++i) {
    const auto s = rls.update(X + i * p, y[i]);
    r.rypred[i] = s.prediction;
    r.rresid[i] = s.error;
    r.rvarraw[i] = s.f;
    for (std::size_t c = 0; c < k; ++c) r.rparams[i * k + c] = rls.coefficients()[c];
  }
  for (std::size_t i = k - 1; i < n; ++i)
    r.rresid_scaled[i] = r.rresid[i] / std::sqrt(r.rvarraw[i]);

  // σ̂²: sample variance (ddof 1) of w_k..w_{n−1} (two-pass).
  const std::size_t m = n - k;
  double mean = 0.0;
  for (std::size_t i = k; i < n; ++i) mean += r.rresid_scaled[i];
  mean /= static_cast<double>(m);
  double ss = 0.0;
  for (std::size_t i = k; i < n; ++i) {
    const double d = r.rresid_scaled[i] - mean;
    ss += d * d;
  }
  const double sigma2 = ss / static_cast<double>(m - 1);
  r.sigma = std::sqrt(sigma2);
  double scale_ref = 0.0;
  for (std::size_t i = 0; i < n; ++i) scale_ref = std::max(scale_ref, std::abs(y[i]));
  if (!(r.sigma > 1e-14 * std::max(scale_ref, 1e-300))) {
    detail::throw_invalid_argument(
        "{}: y: the recursive residuals have zero variance (sigma = {}; y is an exact linear "
        "function of X), the standardized residuals are undefined",
        function, r.sigma);
  }
  r.rcusum.resize(m + 1);
  double acc = 0.0;
  for (std::size_t i = k - 1; i < n; ++i) {
    r.rresid_standardized[i] = r.rresid_scaled[i] / r.sigma;
    acc += r.rresid_standardized[i];
    r.rcusum[i - (k - 1)] = acc;
  }
  return r;
}

/// Result of rec_cusum_test() and cusum_squares_test().
struct structural_test_result {
  double statistic = 0.0;       ///< see each test
  double critical_value = 0.0;  ///< crossing iff statistic > critical_value
  double pvalue = std::numeric_limits<double>::quiet_NaN();  ///< Rec-CUSUM only (BDE approx.)
  double alpha = 0.05;
  bool crossing = false;
  /// 0-based observation index of the first value outside the boundary; n_obs if none.
  std::size_t first_crossing = 0;
  std::size_t n_obs = 0;
  std::size_t n_params = 0;
  std::size_t first_index = 0;  ///< observation index of path[0] / lower[0] / upper[0]
  std::vector<double> path;     ///< the monitored path (rcusum or the CUSUM of squares)
  std::vector<double> lower;    ///< lower boundary at each path point
  std::vector<double> upper;    ///< upper boundary at each path point
};

namespace detail {

inline std::size_t structural_alpha_index(double alpha, const char* function) {
  const double levels[3] = {0.10, 0.05, 0.01};
  for (std::size_t i = 0; i < 3; ++i)
    if (std::abs(alpha - levels[i]) < 1e-12) return i;
  throw_invalid_argument("{}: alpha must be one of 0.10, 0.05, 0.01, got {}", function, alpha);
}

inline double std_normal_cdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

}  // namespace detail

/// BDE (1975) Rec-CUSUM line parameter a at α ∈ {0.10, 0.05, 0.01}: 0.850 / 0.948 / 1.143.
inline double rec_cusum_critical_value(double alpha) {
  const double a[3] = {0.850, 0.948, 1.143};
  return a[detail::structural_alpha_index(alpha, "rec_cusum_critical_value")];
}

/// Probability that standardized Brownian motion crosses ±a(1 + 2t), t ∈ [0, 1]:
/// 2[1 − Φ(3a) + exp(−4a²)Φ(a)] (Durbin 1971, as used by BDE 1975), clipped to [0, 1].
inline double rec_cusum_pvalue(double a) {
  if (!(a >= 0.0)) return 1.0;
  const double pr = 2.0 * (1.0 - detail::std_normal_cdf(3.0 * a) +
                           std::exp(-4.0 * a * a) * detail::std_normal_cdf(a));
  return std::min(1.0, std::max(0.0, pr));
}

/**
 * @brief Rec-CUSUM test (BDE 1975) on recursive residuals.
 * statistic = max_j |rcusum[j]| / (sqrt(n−k)(1 + 2j/(n−k))), j = 0..n−k; crossing iff
 * statistic > a(α); upper[j] = a·sqrt(n−k)(1 + 2j/(n−k)) = −lower[j] (statsmodels' rcusumci
 * holds the first n−k of these); path = rcusum; path[j] is observation k−1+j.
 * @throws std::invalid_argument alpha not one of 0.10 / 0.05 / 0.01
 */
inline structural_test_result rec_cusum_test(const recursive_residuals_result& rr,
                                             double alpha = 0.05) {
  structural_test_result t;
  t.alpha = alpha;
  t.critical_value = rec_cusum_critical_value(alpha);
  t.n_obs = rr.n_obs;
  t.n_params = rr.n_params;
  t.first_index = rr.n_params - 1;
  t.first_crossing = rr.n_obs;
  const std::size_t m = rr.n_obs - rr.n_params;
  const double sm = std::sqrt(static_cast<double>(m));
  t.path = rr.rcusum;
  t.lower.resize(m + 1);
  t.upper.resize(m + 1);
  double stat = 0.0;
  for (std::size_t j = 0; j <= m; ++j) {
    const double g = sm * (1.0 + 2.0 * static_cast<double>(j) / static_cast<double>(m));
    t.upper[j] = t.critical_value * g;
    t.lower[j] = -t.upper[j];
    stat = std::max(stat, std::abs(rr.rcusum[j]) / g);
    if (!t.crossing && std::abs(rr.rcusum[j]) > t.upper[j]) {
      t.crossing = true;
      t.first_crossing = t.first_index + j;
    }
  }
  t.statistic = stat;
  t.pvalue = rec_cusum_pvalue(stat);
  return t;
}

/// Rec-CUSUM test straight from (X, y); see recursive_residuals() and the overload above.
inline structural_test_result rec_cusum_test(const double* X, std::size_t n, std::size_t p,
                                             const double* y, double alpha = 0.05) {
  rec_cusum_critical_value(alpha);  // validate before the O(nk²) work
  return rec_cusum_test(recursive_residuals(X, n, p, y, "rec_cusum_test"), alpha);
}

/// Edgerton & Wells (1994) approximation of Durbin's (1969) CUSUM-of-squares critical value
/// for m = n − k recursive residuals at two-sided level α ∈ {0.10, 0.05, 0.01}.
/// @throws std::invalid_argument bad alpha, or m < 4 (the approximation needs (m/2 − 1) > 0)
inline double cusum_squares_critical_value(std::size_t m, double alpha) {
  // Coefficients (s0, s1, s2) for one-sided levels 0.05 / 0.025 / 0.005 (E&W 1994 Table).
  static const double s[3][3] = {{1.2238734, -0.6700069, -0.7351697},
                                 {1.3581015, -0.6701218, -0.8858694},
                                 {1.6276236, -0.6703724, -1.2365861}};
  const std::size_t ix = detail::structural_alpha_index(alpha, "cusum_squares_critical_value");
  if (m < 4) {
    detail::throw_invalid_argument(
        "cusum_squares_critical_value: needs n − k >= 4 recursive residuals, got {}", m);
  }
  const double h = 0.5 * static_cast<double>(m) - 1.0;
  return s[ix][0] / std::sqrt(h) + s[ix][1] / h + s[ix][2] / (h * std::sqrt(h));
}

/**
 * @brief CUSUM-of-squares test (BDE 1975) with the Edgerton–Wells critical value.
 * path[j − 1] = s_j, j = 1..n−k (observation k−1+j; RecursiveLS.cusum_squares);
 * lower / upper = j/(n−k) ∓ c0; statistic = max_j |s_j − j/(n−k)|; crossing iff > c0.
 * @throws std::invalid_argument bad alpha, n − k < 4
 */
inline structural_test_result cusum_squares_test(const recursive_residuals_result& rr,
                                                 double alpha = 0.05) {
  const std::size_t m = rr.n_obs - rr.n_params;
  structural_test_result t;
  t.alpha = alpha;
  t.critical_value = cusum_squares_critical_value(m, alpha);
  t.n_obs = rr.n_obs;
  t.n_params = rr.n_params;
  t.first_index = rr.n_params;
  t.first_crossing = rr.n_obs;
  t.path.resize(m);
  t.lower.resize(m);
  t.upper.resize(m);
  double acc = 0.0;
  for (std::size_t j = 0; j < m; ++j) {
    const double w = rr.rresid_scaled[rr.n_params + j];
    acc += w * w;
    t.path[j] = acc;
  }
  double stat = 0.0;
  for (std::size_t j = 0; j < m; ++j) {
    t.path[j] /= acc;
    const double line = static_cast<double>(j + 1) / static_cast<double>(m);
    t.lower[j] = line - t.critical_value;
    t.upper[j] = line + t.critical_value;
    const double d = std::abs(t.path[j] - line);
    stat = std::max(stat, d);
    if (!t.crossing && d > t.critical_value) {
      t.crossing = true;
      t.first_crossing = t.first_index + j;
    }
  }
  t.statistic = stat;
  return t;
}

/// CUSUM-of-squares test straight from (X, y).
inline structural_test_result cusum_squares_test(const double* X, std::size_t n, std::size_t p,
                                                 const double* y, double alpha = 0.05) {
  detail::structural_alpha_index(alpha, "cusum_squares_test");
  return cusum_squares_test(recursive_residuals(X, n, p, y, "cusum_squares_test"), alpha);
}

}  // namespace driftscope
