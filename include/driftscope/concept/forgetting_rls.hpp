#pragma once
/// @file
/// @brief Recursive least squares with exponential forgetting (tracks a changing
/// regression), O(k²) per value, no allocation.
///
/// Model y = z'b + e with z = (1, x_0, ..., x_{p−1}) (intercept prepended, k = p + 1).
/// Recursion (Ljung & Söderström 1983, Theory and Practice of Recursive Identification,
/// §2.6; Haykin, Adaptive Filter Theory, ch. 10), forgetting factor λ ∈ (0, 1]:
///   g = P z / (λ + z'P z),   b ← b + g (y − z'b),   P ← (P − g z'P) / λ.
/// Started from b₀ and P₀ = (Z₀'Z₀)⁻¹ of a reference OLS fit on rows Z₀, after n updates b
/// is exactly the weighted least-squares fit minimising
///   λⁿ Σ_{reference} (y − z'b)² + Σ_{i=1..n} λ^{n−i} (y_i − z_i'b)²
/// (the reference rows weigh λⁿ; tested against a dense weighted solve). With λ = 1 it is
/// ordinary recursive least squares (the same b as recursive_ols, tested). The effective
/// memory is about 1 / (1 − λ) values (200 at λ = 0.995).
///
/// Numerics: only the upper triangle of P is updated and mirrored, so P stays exactly
/// symmetric. With λ < 1 and regressors that stop varying ("no excitation") P grows like
/// λ^{−n} (estimator wind-up); this class does not regularise it.

#include <driftscope/core/error.hpp>

#include <cmath>
#include <cstddef>
#include <vector>

namespace driftscope {

/// @brief Recursive least squares with forgetting factor λ (see the file comment).
class forgetting_rls {
 public:
  /// Empty (k = 0); update() throws std::domain_error.
  forgetting_rls() = default;

  /**
   * @brief Starts from coefficients b0 (k = p + 1 values, intercept first) and the
   * inverse Gram matrix P0 (row-major k × k, symmetric positive definite, e.g. (Z₀'Z₀)⁻¹).
   * @throws std::invalid_argument lambda not in (0, 1], b0.size() == 0, P0 not k × k,
   *         non-finite values
   */
  forgetting_rls(std::vector<double> b0, std::vector<double> P0, double lambda)
      : k_(b0.size()), lambda_(lambda), inv_lambda_(1.0 / lambda), b_(std::move(b0)), P_(std::move(P0)), tmp_(k_), z_(k_) {
    if (!(lambda > 0.0 && lambda <= 1.0))
      detail::throw_invalid_argument("forgetting_rls: forgetting must be in (0, 1], got {}", lambda);
    if (k_ == 0) detail::throw_invalid_argument("forgetting_rls: b0 must hold k >= 1 coefficients, got 0");
    if (P_.size() != k_ * k_)
      detail::throw_invalid_argument("forgetting_rls: P0 must hold k * k = {} values, got {}", k_ * k_, P_.size());
    for (double v : b_)
      if (!std::isfinite(v)) detail::throw_invalid_argument("forgetting_rls: b0 must be finite, got {}", v);
    for (double v : P_)
      if (!std::isfinite(v)) detail::throw_invalid_argument("forgetting_rls: P0 must be finite, got {}", v);
  }

  std::size_t n_params() const noexcept { return k_; }
  double forgetting() const noexcept { return lambda_; }
  const std::vector<double>& coefficients() const noexcept { return b_; }   ///< b, intercept first
  const std::vector<double>& inverse_gram() const noexcept { return P_; }   ///< P, row-major k × k

  /// Prediction z'b for regressors x (k − 1 values, no constant).
  double predict(const double* x) const noexcept {
    double s = b_.empty() ? 0.0 : b_[0];
    for (std::size_t j = 1; j < k_; ++j) s += b_[j] * x[j - 1];
    return s;
  }

  /// Adds (x, y); returns the a-priori error y − z'b. O(k²), no allocation; values are
  /// not checked (the caller does; a NaN poisons the state).
  double update(const double* x, double y) {
    if (k_ == 0) detail::throw_domain_error("forgetting_rls::update: empty state (default-constructed)");
    z_[0] = 1.0;
    for (std::size_t j = 1; j < k_; ++j) z_[j] = x[j - 1];
    double pred = 0.0;
    double denom = lambda_;
    for (std::size_t r = 0; r < k_; ++r) {
      pred += z_[r] * b_[r];
      const double* Pr = &P_[r * k_];
      double s = 0.0;
      for (std::size_t c = 0; c < k_; ++c) s += Pr[c] * z_[c];
      tmp_[r] = s;  // P z (= (z'P)' since P is symmetric)
    }
    for (std::size_t r = 0; r < k_; ++r) denom += z_[r] * tmp_[r];
    const double e = y - pred;
    const double inv = 1.0 / denom;
    for (std::size_t r = 0; r < k_; ++r) {
      const double gr = tmp_[r] * inv;
      b_[r] += gr * e;
      double* Pr = &P_[r * k_];
      for (std::size_t c = r; c < k_; ++c) {
        const double v = (Pr[c] - gr * tmp_[c]) * inv_lambda_;
        Pr[c] = v;
        P_[c * k_ + r] = v;
      }
    }
    return e;
  }

  /// Replaces the state (deserialization): sizes must match k.
  /// @throws std::invalid_argument on a size mismatch or non-finite values
  void set_state(const double* b, const double* P) {
    for (std::size_t i = 0; i < k_; ++i)
      if (!std::isfinite(b[i])) detail::throw_invalid_argument("forgetting_rls: b must be finite, got {}", b[i]);
    for (std::size_t i = 0; i < k_ * k_; ++i)
      if (!std::isfinite(P[i])) detail::throw_invalid_argument("forgetting_rls: P must be finite, got {}", P[i]);
    for (std::size_t i = 0; i < k_; ++i) b_[i] = b[i];
    for (std::size_t i = 0; i < k_ * k_; ++i) P_[i] = P[i];
  }

 private:
  std::size_t k_ = 0;
  double lambda_ = 1.0, inv_lambda_ = 1.0;
  std::vector<double> b_, P_, tmp_, z_;
};

}  // namespace driftscope
