#pragma once
/// @file
/// @brief Ordinary least squares with an intercept, by column-pivoted Householder QR.
///
/// Model: y_i = b_0 + Σ_j b_{j+1}·X_{ij} + e_i, i = 0..n−1. The intercept column of ones is
/// PREPENDED by ols_fit (do not include one in X): the design has k = p + 1 columns and
/// `coefficients[0]` is the intercept, `coefficients[j + 1]` the slope of X column j.
/// X is row-major n × p (X[i * p + j]); p = 0 fits the mean only.
///
/// Numerics: the design columns are scaled to unit Euclidean norm, factorised by
/// Eigen::ColPivHouseholderQR, and the rank is the number of pivots |R_ii| larger than
/// `rank_tolerance` · max |R_ii| (default 1e-10, i.e. a scaled condition number above
/// 1e10 is treated as singular). A rank-deficient design is rejected, never solved by a
/// pseudo-inverse: statsmodels' OLS (pinv) would silently return a minimum-norm solution.
/// Matches statsmodels.regression.linear_model.OLS(y, add_constant(X)).fit() (params,
/// resid, ssr, df_resid, sqrt(scale)) to rounding on full-rank data.
///
/// Errors (std::invalid_argument, messages start with the `function` name, "ols_fit" by
/// default): n <= p + 1 (no residual degree of freedom); NaN / ±inf in X (naming the row
/// and column) or y (naming the row); a constant X column (collinear with the intercept)
/// or an X column that is a linear combination of the intercept and earlier columns
/// (naming the column, 0-based in X).
///
/// Example:
/// @code
///   // y = 1 + 2 x
///   std::vector<double> x{0, 1, 2, 3}, y{1.1, 2.9, 5.2, 6.8};
///   auto fit = driftscope::ols_fit(x.data(), 4, 1, y.data());
///   // fit.coefficients = {intercept, slope}
/// @endcode

#include <driftscope/core/error.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace driftscope {

/// Result of ols_fit().
struct ols_result {
  std::vector<double> coefficients;  ///< k = p + 1 values, intercept first
  std::vector<double> residuals;     ///< y − fitted, n values
  double ssr = 0.0;                  ///< Σ residuals²
  double sigma = 0.0;                ///< sqrt(ssr / df_resid)
  std::size_t n_obs = 0;             ///< n
  std::size_t n_params = 0;          ///< k = p + 1 (intercept included)
  std::size_t df_resid = 0;          ///< n − k
  std::size_t rank = 0;              ///< numerical rank of the design (== k on success)
};

namespace detail {

/// Checks X (row-major n × p) and y for NaN / inf; throws naming the row (and column).
inline void ols_check_finite(const double* X, std::size_t n, std::size_t p, const double* y,
                             const char* function) {
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < p; ++j) {
      const double v = X[i * p + j];
      if (!std::isfinite(v)) {
        throw_invalid_argument("{}: X must be finite, got {} at row {}, column {}", function, v, i,
                               j);
      }
    }
    if (!std::isfinite(y[i])) {
      throw_invalid_argument("{}: y must be finite, got {} at row {}", function, y[i], i);
    }
  }
}

/// Design [1, X] (n × (p + 1)) as a column-major Eigen matrix.
inline Eigen::MatrixXd ols_design(const double* X, std::size_t n, std::size_t p) {
  const auto rows = static_cast<Eigen::Index>(n);
  const auto cols = static_cast<Eigen::Index>(p + 1);
  Eigen::MatrixXd Z(rows, cols);
  Z.col(0).setOnes();
  if (p > 0) {
    Z.rightCols(cols - 1) =
        Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
            X, rows, cols - 1);
  }
  return Z;
}

/// Numerical rank of Z with unit-norm columns (ColPivHouseholderQR, relative tolerance).
inline Eigen::Index ols_scaled_rank(Eigen::MatrixXd Z, double tol) {
  for (Eigen::Index j = 0; j < Z.cols(); ++j) {
    const double nrm = Z.col(j).norm();
    if (nrm > 0.0) Z.col(j) /= nrm;
  }
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(Z);
  qr.setThreshold(tol);
  return qr.rank();
}

/// Throws naming the first X column that is constant or a linear combination of the
/// intercept and the earlier columns (only called once the design is known singular).
[[noreturn]] inline void ols_throw_rank_deficient(const Eigen::MatrixXd& Z, double tol,
                                                  const char* function) {
  const Eigen::Index k = Z.cols();
  for (Eigen::Index j = 1; j < k; ++j) {
    const auto col = Z.col(j);
    if (col.maxCoeff() == col.minCoeff()) {
      throw_invalid_argument(
          "{}: X column {} is constant (value {}), collinear with the intercept; the design is "
          "rank-deficient",
          function, j - 1, col(0));
    }
  }
  for (Eigen::Index j = 2; j < k; ++j) {
    if (ols_scaled_rank(Z.leftCols(j + 1), tol) < j + 1) {
      throw_invalid_argument(
          "{}: X column {} is (numerically) a linear combination of the intercept and X columns "
          "0..{}; the design is rank-deficient",
          function, j - 1, j - 2);
    }
  }
  throw_invalid_argument("{}: X is rank-deficient (collinear columns)", function);
}

}  // namespace detail

/**
 * @brief OLS fit of y on [1, X] (intercept prepended) by column-pivoted Householder QR.
 * @param X row-major n × p regressors WITHOUT a constant column (may be null if p == 0)
 * @param n number of observations, must be > p + 1
 * @param p number of regressors in X
 * @param y n responses
 * @param function name used in error messages (callers such as the break tests pass theirs)
 * @param rank_tolerance relative pivot tolerance on the unit-norm design, in (0, 1)
 * @return coefficients (intercept first), residuals, ssr, sigma, df_resid, rank
 * @throws std::invalid_argument n <= p + 1, non-finite X / y (row named), rank-deficient
 *         design (X column named)
 */
inline ols_result ols_fit(const double* X, std::size_t n, std::size_t p, const double* y,
                          const char* function = "ols_fit", double rank_tolerance = 1e-10) {
  if (!(rank_tolerance > 0.0 && rank_tolerance < 1.0)) {
    detail::throw_invalid_argument("{}: rank_tolerance must be in (0, 1), got {}", function,
                                   rank_tolerance);
  }
  if (n <= p + 1) {
    detail::throw_invalid_argument(
        "{}: X needs more rows than parameters (p + 1 = {} with the intercept), got n = {}",
        function, p + 1, n);
  }
  if (p > 0 && X == nullptr) detail::throw_invalid_argument("{}: X is null", function);
  if (y == nullptr) detail::throw_invalid_argument("{}: y is null", function);
  detail::ols_check_finite(X, n, p, y, function);

  Eigen::MatrixXd Z = detail::ols_design(X, n, p);
  const Eigen::Index k = Z.cols();
  Eigen::VectorXd scale(k);
  Eigen::MatrixXd Zs = Z;
  for (Eigen::Index j = 0; j < k; ++j) {
    const double nrm = Zs.col(j).norm();
    scale(j) = nrm > 0.0 ? nrm : 1.0;
    Zs.col(j) /= scale(j);
  }
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(Zs);
  qr.setThreshold(rank_tolerance);
  if (qr.rank() < k) detail::ols_throw_rank_deficient(Z, rank_tolerance, function);

  const Eigen::Map<const Eigen::VectorXd> yv(y, static_cast<Eigen::Index>(n));
  const Eigen::VectorXd bs = qr.solve(yv);
  const Eigen::VectorXd b = bs.cwiseQuotient(scale);
  const Eigen::VectorXd e = yv - Z * b;

  ols_result r;
  r.coefficients.assign(b.data(), b.data() + k);
  r.residuals.assign(e.data(), e.data() + e.size());
  r.ssr = e.squaredNorm();
  r.n_obs = n;
  r.n_params = static_cast<std::size_t>(k);
  r.df_resid = n - r.n_params;
  r.sigma = std::sqrt(r.ssr / static_cast<double>(r.df_resid));
  r.rank = static_cast<std::size_t>(qr.rank());
  return r;
}

/// Convenience overload on row-major std::vector X (size n·p, p given) and y (size n).
/// @throws std::invalid_argument if X.size() != y.size() · p (mismatched widths), and as above.
inline ols_result ols_fit(const std::vector<double>& X, std::size_t p, const std::vector<double>& y,
                          const char* function = "ols_fit") {
  if (X.size() != y.size() * p) {
    detail::throw_invalid_argument("{}: X must hold len(y) * p = {} * {} values, got {}", function,
                                   y.size(), p, X.size());
  }
  return ols_fit(X.data(), y.size(), p, y.data(), function);
}

}  // namespace driftscope
