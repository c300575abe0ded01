#pragma once
/// @file
/// @brief msprt_gate: a sequential test of the difference of two arms' means (or rates) that
/// may be checked after every batch without inflating the false-positive rate — the
/// mixture sequential probability ratio test with always-valid p-values (Johari, Koomen,
/// Pekelis & Walsh 2017, "Peeking at A/B tests").
///
/// A fixed-horizon test checked repeatedly while a canary runs rejects a true null far more
/// often than α (the peeking problem). The mSPRT instead tracks, after every update, the
/// likelihood ratio of the observed difference θ̂ = mean_B − mean_A against H0: θ = θ0,
/// mixed over a normal prior θ − θ0 ~ N(0, τ²):
///   Λ = √(v / (v + τ²)) · exp(τ² (θ̂ − θ0)² / (2 v (v + τ²))),   v = σ_A² / n_A + σ_B² / n_B,
/// the Gaussian form of Johari et al.'s statistic (with n_A = n_B = n and σ_A = σ_B = σ,
/// v = 2σ²/n as in their paper). The always-valid p-value is p = min(1, min over all checks
/// of 1/Λ); by Ville's inequality P(p ever ≤ α | H0) ≤ α, however often it is checked.
///
/// Variances: given (`variance_a` / `variance_b`, e.g. p(1 − p) of a baseline rate), or NaN
/// to plug in each arm's running sample variance (the usual practice; then the guarantee
/// holds asymptotically). τ² sets where the test has most power: a squared effect size of
/// interest (`tau2`, default 1 in the units of the data squared). p is 1 until both arms
/// have 2 values.
///
/// O(1) per value (Welford moments per arm), mergeable (moments; the running minimum of two
/// gates' histories is not the history of their union, so a merged gate restarts its
/// minimum at the merged statistic).

#include <driftscope/core/error.hpp>
#include <driftscope/sketch/moments.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace driftscope {

/// @brief Options of msprt_gate.
struct msprt_options {
  double tau2 = 1.0;        ///< mixing variance τ² > 0 (squared effect of interest)
  double theta0 = 0.0;      ///< the null difference mean_B − mean_A
  double alpha = 0.05;      ///< the level of reject()
  double variance_a = std::numeric_limits<double>::quiet_NaN();  ///< known σ_A², NaN = sample variance
  double variance_b = std::numeric_limits<double>::quiet_NaN();  ///< known σ_B², NaN = sample variance

  /// @throws std::invalid_argument naming `fn` and the field.
  void validate(const char* fn = "msprt_options") const {
    if (!(tau2 > 0) || !std::isfinite(tau2)) detail::throw_invalid_argument("{}: tau2 must be > 0, got {}", fn, tau2);
    if (!std::isfinite(theta0)) detail::throw_invalid_argument("{}: theta0 must be finite, got {}", fn, theta0);
    if (!(alpha > 0 && alpha < 1)) detail::throw_invalid_argument("{}: alpha must be in (0, 1), got {}", fn, alpha);
    for (double v : {variance_a, variance_b})
      if (!std::isnan(v) && !(v > 0 && std::isfinite(v)))
        detail::throw_invalid_argument("{}: a known variance must be > 0 (or NaN to estimate it), got {}", fn, v);
  }
};

/// @brief Always-valid sequential test of two arms' means (see the file comment).
class msprt_gate {
 public:
  /// @throws std::invalid_argument for invalid options.
  explicit msprt_gate(msprt_options options = {}) : options_((options.validate("msprt_gate"), options)) {}

  /// @brief Adds values to arm A (baseline) or B (canary) and updates the p-value.
  /// @throws std::invalid_argument for NaN / inf (nothing is added then).
  void add_a(const double* x, std::size_t n) { add(a_, x, n, "add_a"); }
  void add_b(const double* x, std::size_t n) { add(b_, x, n, "add_b"); }
  void add_a(double x) { add_a(&x, 1); }
  void add_b(double x) { add_b(&x, 1); }

  /// The always-valid p-value (running minimum of 1/Λ, at most 1).
  double pvalue() const noexcept { return p_; }
  /// True once pvalue() <= alpha: the arms differ (stop, roll back or promote).
  bool reject() const noexcept { return p_ <= options_.alpha; }
  /// The current likelihood ratio Λ (1 before both arms have 2 values).
  double likelihood_ratio() const noexcept { return lambda_; }
  /// θ̂ = mean_B − mean_A. @throws std::domain_error when an arm is empty.
  double difference() const {
    if (a_.count() == 0 || b_.count() == 0) detail::throw_domain_error("msprt_gate::difference: an arm has no values");
    return b_.mean() - a_.mean();
  }
  const moments& arm_a() const noexcept { return a_; }
  const moments& arm_b() const noexcept { return b_; }
  const msprt_options& options() const noexcept { return options_; }

  /// @brief Adds another gate's values (same options); the p-value restarts from the merged Λ.
  /// @throws std::invalid_argument when the options differ.
  void merge(const msprt_gate& other) {
    const msprt_options& o = other.options_;
    const auto same = [](double x, double y) { return (std::isnan(x) && std::isnan(y)) || x == y; };
    if (o.tau2 != options_.tau2 || o.theta0 != options_.theta0 || o.alpha != options_.alpha ||
        !same(o.variance_a, options_.variance_a) || !same(o.variance_b, options_.variance_b))
      detail::throw_invalid_argument("msprt_gate::merge: the gates' options differ");
    a_.merge(other.a_);
    b_.merge(other.b_);
    p_ = 1.0;
    update();
  }

 private:
  void add(moments& arm, const double* x, std::size_t n, const char* fn) {
    for (std::size_t i = 0; i < n; ++i)
      if (!std::isfinite(x[i]))
        detail::throw_invalid_argument("msprt_gate::{}: values must be finite, got {} at {}", fn, x[i], i);
    arm.update_many(x, n);
    update();
  }
  void update() {
    if (a_.count() < 2 || b_.count() < 2) return;
    const double va = std::isnan(options_.variance_a) ? a_.variance(1) : options_.variance_a;
    const double vb = std::isnan(options_.variance_b) ? b_.variance(1) : options_.variance_b;
    const double v = va / static_cast<double>(a_.count()) + vb / static_cast<double>(b_.count());
    if (!(v > 0)) return;  // both arms constant so far: no evidence either way
    const double t2 = options_.tau2, d = b_.mean() - a_.mean() - options_.theta0;
    const double log_lambda = 0.5 * std::log(v / (v + t2)) + t2 * d * d / (2 * v * (v + t2));
    lambda_ = std::exp(log_lambda);
    p_ = std::min(p_, std::min(1.0, std::exp(-log_lambda)));
  }

  msprt_options options_;
  moments a_, b_;
  double lambda_ = 1.0;
  double p_ = 1.0;
};

}  // namespace driftscope
