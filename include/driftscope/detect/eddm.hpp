#pragma once
/// @file
/// @brief EDDM, the Early Drift Detection Method for a binary error stream, with river
/// 0.26's `drift.binary.EDDM` arguments, defaults, drift and warning indices.
///
/// Baena-García, del Campo-Ávila, Fidalgo, Bifet, Gavaldà, Morales-Bueno (2006), "Early
/// drift detection method". EDDM watches the distance (number of values) between
/// consecutive errors, as river does: at each error (x = 1), the distance since the
/// previous error (since the start for the first) updates a running mean p' and sample
/// variance (river's `stats.Var`, ddof = 1: Welford, S += (d − p'old)(d − p'new),
/// var = S/(k − 1), 0 for k ≤ 1); s' = var ** 0.5 (Python's pow, see detail::pow_half).
/// Once more than warm_start values were seen, with m = p' + 2s':
/// - if m > m_max: m_max = m (no signal change);
/// - else, once more than warm_start errors were seen, level = m / m_max and
///   drift if level < beta, warning if level < alpha, no warning otherwise.
/// As in river, the warning state persists over the values between errors (a correct
/// prediction does not clear it) and nothing is evaluated at x = 0. State resets at the
/// update after a drift.
///
/// Memory: O(1). Cost: nothing but a counter at x = 0; at x = 1 a division and a square
/// root (more, and libm pow in rare near-ties, when m comes near m_max or a threshold).
///
/// Payload (after the detector header, little-endian):
/// | field          | type | notes                                        |
/// |----------------|------|----------------------------------------------|
/// | warm_start     | i64  | >= 0                                         |
/// | alpha, beta    | f64  | 0 < beta <= alpha <= 1                       |
/// | drift pending  | u8   | 0 / 1                                        |
/// | warning        | u8   | 0 / 1: the persisting warning state          |
/// | n              | i64  | values since the last reset                  |
/// | last_error     | i64  | position (1-based) of the last error, or 0   |
/// | n_errors       | i64  | errors since the last reset                  |
/// | mean, S        | f64  | running mean and sum of squares of distances |
/// | p2s_prime_max  | f64  | m_max, −1 before the first evaluation        |

#include <driftscope/detect/detector.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace driftscope {

namespace detail {

/// `v ** 0.5` as CPython computes it (libm's pow, which river's EDDM calls), for v >= 0,
/// fast. pow(v, 0.5) is not always the correctly rounded square root: glibc's pow is
/// accurate to 0.52 ulp, so it returns RN(√v) unless √v lies within 0.02 ulp of a
/// rounding midpoint (about 1 value in 1000 on random input). So: take s = RN(√v), get the
/// exact residual r = v − s² (Dekker's exact square), and return s when √v ≈ s + r/(2s) is
/// clearly (> 1/32 ulp) away from the midpoints s ± ulp/2; otherwise call pow itself.
inline double pow_half(double v) noexcept {
  const double s = std::sqrt(v);
  if (v >= 0x1p-900 && v <= 0x1p900) {
    std::uint64_t bits;
    std::memcpy(&bits, &s, sizeof bits);
    if ((bits & 0x000FFFFFFFFFFFFFull) != 0) {  // not a power of two (uneven spacing below)
      constexpr double splitter = 134217729.0;  // 2^27 + 1
      const double t = splitter * s;
      const double hi = t - (t - s), lo = s - hi;
      const double p = s * s;
      const double e = ((hi * hi - p) + 2.0 * hi * lo) + lo * lo;  // s*s == p + e exactly
      const double r = (v - p) - e;                                // exact
      const std::uint64_t ulp_bits = (bits & 0x7FF0000000000000ull) - (52ull << 52);
      double ulp;
      std::memcpy(&ulp, &ulp_bits, sizeof ulp);
      if (std::fabs(r) < 0.9375 * s * ulp) return s;  // |√v − s| < (1/2 − 1/32) ulp
    }
  }
  static volatile double half = 0.5;  // keeps the compiler from turning pow into sqrt
  return std::pow(v, half);
}

}  // namespace detail

class eddm : public detector_base<eddm> {
 public:
  static constexpr detector_kind kind = detector_kind::eddm;
  static constexpr const char* name = "EDDM";

  /// @param warm_start values, and errors, needed before anything can be signalled
  /// @param alpha warning when m / m_max < alpha
  /// @param beta drift when m / m_max < beta
  /// @throws std::invalid_argument for warm_start < 0, alpha < beta (as river), or
  ///         alpha, beta outside (0, 1].
  explicit eddm(std::int64_t warm_start = 30, double alpha = 0.95, double beta = 0.9,
                nonfinite_policy nonfinite = nonfinite_policy::raise)
      : detector_base(nonfinite), warm_start_(warm_start), alpha_(alpha), beta_(beta) {
    detail::require_at_least(warm_start, 0, name, "warm_start");
    if (!(alpha > 0.0 && alpha <= 1.0))
      detail::throw_invalid_argument("{}: alpha must be in (0, 1], got {}", name, alpha);
    if (!(beta > 0.0 && beta <= 1.0))
      detail::throw_invalid_argument("{}: beta must be in (0, 1], got {}", name, beta);
    if (alpha < beta)
      detail::throw_invalid_argument(
          "{}: alpha must be greater than or equal to beta, got alpha={} < beta={}", name, alpha,
          beta);
  }

  signal step(double x) {
    if (!((x == 0.0) | (x == 1.0)))
      detail::require_binary(x, name);  // one branch, not one per compare
    if (drift_pending_) reset_state();
    ++n_;
    if (x == 1.0) {
      ++n_errors_;
      const double dist = static_cast<double>(n_ - last_error_);
      const double k = static_cast<double>(n_errors_);
      const double inv_k = 1.0 / k;
      const double mean_old = mean_;
      mean_ += inv_k * (dist - mean_);
      sum_sq_ += (dist - mean_old) * (dist - mean_);
      if (n_ > warm_start_) evaluate(k);
      last_error_ = n_;
      inv_prev_ = inv_k;
    }
    return drift_pending_ ? signal::drift : warning_ ? signal::warning : signal::none;
  }

  void reset_state() noexcept {
    n_ = last_error_ = n_errors_ = 0;
    mean_ = sum_sq_ = 0;
    p2s_max_ = -1;
    inv_prev_ = 1;
    quiet_above_ = std::numeric_limits<double>::infinity();
    warning_ = drift_pending_ = false;
  }

  // --- parameters and read-only state ------------------------------------------------
  std::int64_t warm_start() const noexcept { return warm_start_; }
  double alpha() const noexcept { return alpha_; }
  double beta() const noexcept { return beta_; }
  /// Values since the last reset.
  std::int64_t n() const noexcept { return n_; }
  /// Errors since the last reset.
  std::int64_t n_errors() const noexcept { return n_errors_; }
  /// 1-based position (since the last reset) of the last error, 0 before any.
  std::int64_t last_error() const noexcept { return last_error_; }
  /// Mean distance between errors, p'.
  double mean_distance() const noexcept { return mean_; }
  /// Sample variance (ddof 1) of the distances (0 with fewer than two errors).
  double var_distance() const noexcept {
    return n_errors_ > 1 ? sum_sq_ / static_cast<double>(n_errors_ - 1) : 0.0;
  }
  /// m_max = max of p' + 2s' (−1 before the first evaluation): river's _p2s_prime_max.
  double p2s_prime_max() const noexcept { return p2s_max_; }

  void write_payload(detail::byte_writer& w) const {
    w.put(warm_start_);
    w.put(alpha_);
    w.put(beta_);
    w.put(static_cast<std::uint8_t>(drift_pending_));
    w.put(static_cast<std::uint8_t>(warning_));
    w.put(n_);
    w.put(last_error_);
    w.put(n_errors_);
    w.put(mean_);
    w.put(sum_sq_);
    w.put(p2s_max_);
  }

  static eddm read_payload(detail::byte_reader& rd) {
    const auto warm_start = rd.get<std::int64_t>("warm_start");
    const auto alpha = rd.get<double>("alpha");
    const auto beta = rd.get<double>("beta");
    eddm d(warm_start, alpha, beta);
    const auto pending = rd.get<std::uint8_t>("drift pending");
    const auto warning = rd.get<std::uint8_t>("warning");
    if (pending > 1 || warning > 1)
      detail::throw_invalid_argument(
          "{}.deserialize: drift / warning flags must be 0 or 1, got {} / {}", name, pending,
          warning);
    d.drift_pending_ = pending != 0;
    d.warning_ = warning != 0;
    d.n_ = rd.get<std::int64_t>("n");
    d.last_error_ = rd.get<std::int64_t>("last_error");
    d.n_errors_ = rd.get<std::int64_t>("n_errors");
    d.mean_ = rd.get<double>("mean");
    d.sum_sq_ = rd.get<double>("S");
    d.p2s_max_ = rd.get<double>("p2s_prime_max");
    if (d.n_ < 0 || d.n_errors_ < 0 || d.n_errors_ > d.n_ || d.last_error_ < d.n_errors_ ||
        d.last_error_ > d.n_ || (d.n_errors_ == 0) != (d.last_error_ == 0))
      detail::throw_invalid_argument(
          "{}.deserialize: inconsistent counts n={}, n_errors={}, last_error={}", name, d.n_,
          d.n_errors_, d.last_error_);
    if (!std::isfinite(d.mean_) || !std::isfinite(d.sum_sq_) || d.sum_sq_ < 0 ||
        (d.n_errors_ == 0 ? (d.mean_ != 0 || d.sum_sq_ != 0) : d.mean_ < 1))
      detail::throw_invalid_argument(
          "{}.deserialize: invalid distance mean / sum of squares ({}, {})", name, d.mean_,
          d.sum_sq_);
    if (!(d.p2s_max_ == -1 || (d.p2s_max_ >= 1 && std::isfinite(d.p2s_max_))))
      detail::throw_invalid_argument("{}.deserialize: p2s_prime_max must be -1 or >= 1, got {}",
                                     name, d.p2s_max_);
    if ((d.drift_pending_ || d.warning_) && d.p2s_max_ == -1)
      detail::throw_invalid_argument("{}.deserialize: a drift or warning before any evaluation",
                                     name);
    if (d.n_errors_ > 0) d.inv_prev_ = 1.0 / static_cast<double>(d.n_errors_);
    if (d.p2s_max_ != -1) d.set_max(d.p2s_max_);
    return d;
  }

 private:
  /// river's evaluation at an error once n > warm_start (k = errors so far).
  void evaluate(double k) {
    // Fast path, bit-exact: m = p' + 2s' with var = S·(1/(k−1)) instead of S/(k−1) and
    // sqrt instead of pow is within 8 ulp of river's m. When it is clearly (2^-30
    // relative) below m_max and — once warnings are possible — at or above alpha·m_max,
    // river's outcome is known: no new maximum, and no warning (level ≥ alpha ≥ beta).
    if (k > 1.0) {
      const double m_est = mean_ + 2 * std::sqrt(sum_sq_ * inv_prev_);
      if (m_est * (1 + 0x1p-30) <= p2s_max_) {
        if (n_errors_ <= warm_start_) return;
        if (m_est * (1 - 0x1p-30) >= quiet_above_) {
          warning_ = false;
          return;
        }
      }
    }
    const double var = k > 1.0 ? sum_sq_ / (k - 1) : 0.0;
    const double m = mean_ + 2 * detail::pow_half(var);
    if (m > p2s_max_) {
      set_max(m);
    } else if (n_errors_ > warm_start_) {
      const double level = m / p2s_max_;
      if (level < beta_)
        drift_pending_ = true;
      else
        warning_ = level < alpha_;
    }
  }

  /// m_max and the bound above which m certainly gives level >= alpha.
  void set_max(double m) noexcept {
    p2s_max_ = m;
    quiet_above_ = (alpha_ * m) * (1 + 0x1p-40);
  }

  std::int64_t warm_start_;
  double alpha_, beta_;
  bool drift_pending_ = false, warning_ = false;
  std::int64_t n_ = 0, last_error_ = 0, n_errors_ = 0;
  double mean_ = 0, sum_sq_ = 0, p2s_max_ = -1;
  double inv_prev_ = 1;                                           // 1 / (errors so far)
  double quiet_above_ = std::numeric_limits<double>::infinity();  // ~alpha·m_max, rounded up
};

}  // namespace driftscope
