#pragma once
/// @file
/// @brief DDM, the Drift Detection Method for a binary error stream, with river 0.26's
/// `drift.binary.DDM` arguments, defaults, drift and warning indices.
///
/// Gama, Medas, Castillo, Rodrigues (2004), "Learning with drift detection", SBIA.
/// With pᵢ the running error rate (river's `stats.Mean`: p += (1/n)·(x − p)) and
/// sᵢ = √(pᵢ(1 − pᵢ)/n), once n > warm_start:
/// - (p_min, s_min) are taken at the update where pᵢ + sᵢ ≤ p_min + s_min (first: always);
/// - warning when pᵢ + sᵢ > p_min + warning_threshold·s_min;
/// - drift when pᵢ + sᵢ > p_min + drift_threshold·s_min (then no warning).
/// Before warm_start is passed, nothing is signalled. State resets at the update after a
/// drift. Every float operation runs in river's order, so the indices are river's.
///
/// Memory: O(1) (eight doubles). Cost: one division and one square root per value (a
/// second division when p + s comes within 2^-30 of ps_min or a threshold).
///
/// @code
///   driftscope::ddm d;                       // warm_start=30, warning 2, drift 3
///   for (double e : errors) if (d.update(e) == driftscope::signal::drift) retrain();
/// @endcode
///
/// Payload (after the detector header, little-endian):
/// | field             | type | notes                                   |
/// |-------------------|------|-----------------------------------------|
/// | warm_start        | i64  | >= 0                                    |
/// | warning_threshold | f64  |                                         |
/// | drift_threshold   | f64  | >= warning_threshold                    |
/// | drift pending     | u8   | 0 / 1: reset at the next update         |
/// | n                 | f64  | values since the last reset             |
/// | p                 | f64  | error rate, in [0, 1]                   |
/// | p_min, s_min      | f64  | NaN until n > warm_start                |
/// | ps_min            | f64  | p_min + s_min (+inf until then)         |

#include <driftscope/detect/detector.hpp>

#include <cmath>
#include <cstdint>
#include <limits>

namespace driftscope {

class ddm : public detector_base<ddm> {
 public:
  static constexpr detector_kind kind = detector_kind::ddm;
  static constexpr const char* name = "DDM";

  /// @param warm_start values needed before anything can be signalled (river's `n > warm_start`)
  /// @param warning_threshold multiple of s_min above p_min for a warning (2: ~95%)
  /// @param drift_threshold multiple of s_min above p_min for a drift (3: ~99%)
  /// @throws std::invalid_argument for warm_start < 0, a threshold that is not > 0 and
  ///         finite, or drift_threshold < warning_threshold (equal: no warning zone).
  explicit ddm(std::int64_t warm_start = 30, double warning_threshold = 2.0,
               double drift_threshold = 3.0, nonfinite_policy nonfinite = nonfinite_policy::raise)
      : detector_base(nonfinite),
        warm_start_(warm_start),
        warning_threshold_(warning_threshold),
        drift_threshold_(drift_threshold) {
    detail::require_at_least(warm_start, 0, name, "warm_start");
    detail::require_positive(warning_threshold, name, "warning_threshold");
    detail::require_positive(drift_threshold, name, "drift_threshold");
    if (drift_threshold < warning_threshold)
      detail::throw_invalid_argument(
          "{}: drift_threshold must be >= warning_threshold, got {} < {}", name, drift_threshold,
          warning_threshold);
  }

  signal step(double x) {
    if (!((x == 0.0) | (x == 1.0)))
      detail::require_binary(x, name);  // one branch, not one per compare
    if (drift_pending_) reset_state();
    n_ += 1.0;
    const double inv_n = 1.0 / n_;
    p_ += inv_n * (x - p_);
    if (!(n_ > static_cast<double>(warm_start_))) return signal::none;
    const double g = p_ * (1 - p_);
    // Fast path, bit-exact: p + s with q = g·(1/n) instead of g/n is within 6 ulp of river's
    // p + s; when it is clearly (2^-30 relative) above ps_min and below both thresholds,
    // river's comparisons all come out "no change", so the exact s is not needed.
    const double ps_est = p_ + std::sqrt(g * inv_n);
    if ((ps_est * (1 - 0x1p-30) > ps_min_) & (ps_est * (1 + 0x1p-30) < quiet_below_))
      return signal::none;
    const double s = std::sqrt(g / n_);
    const double ps = p_ + s;
    if (ps <= ps_min_) {
      p_min_ = p_;
      s_min_ = s;
      ps_min_ = p_min_ + s_min_;
      set_thresholds();
    }
    if (ps > drift_at_) {
      drift_pending_ = true;
      return signal::drift;
    }
    return ps > warning_at_ ? signal::warning : signal::none;
  }

  void reset_state() noexcept {
    n_ = 0;
    p_ = 0;
    p_min_ = s_min_ = std::numeric_limits<double>::quiet_NaN();
    ps_min_ = std::numeric_limits<double>::infinity();
    drift_at_ = warning_at_ = quiet_below_ = -std::numeric_limits<double>::infinity();
    drift_pending_ = false;
  }

  // --- parameters and read-only state ------------------------------------------------
  std::int64_t warm_start() const noexcept { return warm_start_; }
  double warning_threshold() const noexcept { return warning_threshold_; }
  double drift_threshold() const noexcept { return drift_threshold_; }
  /// Values since the last reset.
  double n() const noexcept { return n_; }
  /// Running error rate pᵢ.
  double p() const noexcept { return p_; }
  /// sᵢ = √(pᵢ(1 − pᵢ)/n) (0 before any value).
  double s() const noexcept { return n_ > 0 ? std::sqrt(p_ * (1 - p_) / n_) : 0.0; }
  /// p and s where p + s was smallest; NaN until more than warm_start values were seen.
  double p_min() const noexcept { return p_min_; }
  double s_min() const noexcept { return s_min_; }
  /// p_min + s_min (+inf until then).
  double ps_min() const noexcept { return ps_min_; }

  void write_payload(detail::byte_writer& w) const {
    w.put(warm_start_);
    w.put(warning_threshold_);
    w.put(drift_threshold_);
    w.put(static_cast<std::uint8_t>(drift_pending_));
    for (double v : {n_, p_, p_min_, s_min_, ps_min_}) w.put(v);
  }

  static ddm read_payload(detail::byte_reader& rd) {
    const auto warm_start = rd.get<std::int64_t>("warm_start");
    const auto warning_threshold = rd.get<double>("warning_threshold");
    const auto drift_threshold = rd.get<double>("drift_threshold");
    ddm d(warm_start, warning_threshold, drift_threshold);
    d.drift_pending_ = detail::read_flag(rd, name, "drift pending");
    for (double* v : {&d.n_, &d.p_, &d.p_min_, &d.s_min_, &d.ps_min_}) *v = rd.get<double>("state");
    if (!(d.n_ >= 0) || d.n_ != std::floor(d.n_) || d.n_ > 0x1p53)
      detail::throw_invalid_argument("{}.deserialize: n must be a whole number >= 0, got {}", name,
                                     d.n_);
    if (!(d.p_ >= 0 && d.p_ <= 1) || (d.n_ == 0 && d.p_ != 0))
      detail::throw_invalid_argument(
          "{}.deserialize: error rate must be in [0, 1] (0 when n = 0), got {}", name, d.p_);
    const bool warm = d.n_ > static_cast<double>(d.warm_start_);
    if (warm) {
      if (!(d.p_min_ >= 0 && d.p_min_ <= 1) || !(d.s_min_ >= 0 && d.s_min_ <= 1) ||
          d.ps_min_ != d.p_min_ + d.s_min_)
        detail::throw_invalid_argument(
            "{}.deserialize: inconsistent p_min / s_min / ps_min ({}, {}, {})", name, d.p_min_,
            d.s_min_, d.ps_min_);
    } else if (!std::isnan(d.p_min_) || !std::isnan(d.s_min_) ||
               d.ps_min_ != std::numeric_limits<double>::infinity()) {
      detail::throw_invalid_argument(
          "{}.deserialize: p_min / s_min must be unset before warm_start is passed", name);
    }
    if (d.drift_pending_ && !warm)
      detail::throw_invalid_argument("{}.deserialize: drift pending before warm_start is passed",
                                     name);
    if (warm) d.set_thresholds();
    return d;
  }

 private:
  /// river's right-hand sides p_min + threshold·s_min (the same bits river recomputes).
  void set_thresholds() noexcept {
    drift_at_ = p_min_ + drift_threshold_ * s_min_;
    warning_at_ = p_min_ + warning_threshold_ * s_min_;
    quiet_below_ = drift_at_ < warning_at_ ? drift_at_ : warning_at_;
  }

  std::int64_t warm_start_;
  double warning_threshold_, drift_threshold_;
  bool drift_pending_ = false;
  double n_ = 0, p_ = 0;
  double p_min_ = std::numeric_limits<double>::quiet_NaN(),
         s_min_ = std::numeric_limits<double>::quiet_NaN();
  double ps_min_ = std::numeric_limits<double>::infinity();
  double drift_at_ = -std::numeric_limits<double>::infinity(),
         warning_at_ = -std::numeric_limits<double>::infinity();
  double quiet_below_ = -std::numeric_limits<double>::infinity();  // min(drift_at_, warning_at_)
};

}  // namespace driftscope
