#pragma once
/// @file
/// @brief STEPD, the statistical test of equal proportions between a recent window and
/// everything older, on a binary error stream (1 = error), as MOA's
/// `moa.classifiers.core.driftdetection.STEPD` (Python: `driftscope.drift.binary.STEPD`).
///
/// Nishida & Yamauchi (2007), "Detecting concept drift using statistical testing",
/// Discovery Science, LNCS 4755: 264–269. The last `window_size` = W values form the
/// recent window (n_r values, r_r correct); all older values since the last reset form
/// the older window (n_o values, r_o correct). Once n_o ≥ W (i.e. 2W values since the
/// reset):
///   p̂ = (r_o + r_r)/(n_o + n_r),   s = 1/n_o + 1/n_r,
///   T = (|r_o/n_o − r_r/n_r| − s/2) / sqrt(p̂(1 − p̂)·s)     (continuity-corrected z)
///   P = 2·(1 − Φ(|T|))                                       (MOA's two-sided p-value)
/// drift when P < `alpha_drift`, else warning when P < `alpha_warning`. State resets
/// at the update after a drift.
///
/// MOA's details kept here: Φ(|T|) is computed as weka's Statistics.normalProbability
/// (0.5 + 0.5·erf(a/√2) for a/√2 < √½, else 1 − 0.5·erfc(a/√2)); |T| is taken after the
/// continuity correction, so a correction larger than the difference still counts; and
/// when both windows hold only zeros or only ones (p̂ ∈ {0, 1}), T = −∞ and P = 0: a
/// drift is signalled after every 2W constant values (MOA and frouros both do this).
///
/// frouros 0.9.0's `STEPD` computes the same T but takes the one-sided P = 1 − Φ(|T|)
/// (scipy's norm.sf), so frouros(alpha_d = a/2, alpha_w = w/2) signals as ours(a, w);
/// its `min_num_instances` is our window_size.
///
/// Memory: O(window_size) bytes, one ring buffer allocated at construction. Cost O(1) per
/// value (one erf/erfc once 2W values have been seen), no allocation.

#include <driftscope/detect/detector.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

namespace driftscope {

class stepd : public detector_base<stepd> {
 public:
  static constexpr detector_kind kind = detector_kind::stepd;
  static constexpr const char* name = "STEPD";

  /// @param window_size   recent window size W >= 1 (MOA's windowSize)
  /// @param alpha_drift   significance level for drift, in (0, 1) (MOA's alphaDrift)
  /// @param alpha_warning significance level for a warning, in (0, 1) (MOA's alphaWarning)
  /// @throws std::invalid_argument naming the argument.
  explicit stepd(std::int64_t window_size = 30, double alpha_drift = 0.003, double alpha_warning = 0.05,
                 nonfinite_policy nonfinite = nonfinite_policy::raise)
      : detector_base(nonfinite), window_size_(window_size), alpha_drift_(alpha_drift), alpha_warning_(alpha_warning) {
    validate(window_size, alpha_drift, alpha_warning);
    window_.assign(static_cast<std::size_t>(window_size), 0);
  }

  signal step(double x) {
    detail::require_binary(x, name);
    if (drift_pending_) reset_state();
    const auto v = static_cast<std::uint8_t>(x);
    if (n_recent_ == window_size_) {  // the oldest recent value moves to the older window
      const std::uint8_t old = window_[static_cast<std::size_t>(first_)];
      errors_older_ += old;
      n_older_ += 1;
      errors_recent_ -= old;
      if (++first_ == window_size_) first_ = 0;
    } else {
      n_recent_ += 1;
    }
    std::int64_t last = first_ + n_recent_ - 1;
    if (last >= window_size_) last -= window_size_;
    window_[static_cast<std::size_t>(last)] = v;
    errors_recent_ += v;
    if (n_older_ < window_size_) return signal::none;
    const double p = p_value();
    if (p < alpha_drift_) {
      drift_pending_ = true;
      return signal::drift;
    }
    return p < alpha_warning_ ? signal::warning : signal::none;
  }

  void reset_state() noexcept {
    first_ = 0;
    n_recent_ = 0;
    errors_recent_ = 0;
    n_older_ = 0;
    errors_older_ = 0;
    drift_pending_ = false;
  }

  /// MOA's p-value of the current windows (meaningful once n_older() >= window_size()).
  double p_value() const noexcept {
    const double no = static_cast<double>(n_older_), nr = static_cast<double>(n_recent_);
    const double ro = no - static_cast<double>(errors_older_);  // correct predictions
    const double rr = nr - static_cast<double>(errors_recent_);
    const double s = 1.0 / no + 1.0 / nr;
    const double p = (ro + rr) / static_cast<double>(n_older_ + n_recent_);
    double z = std::fabs(ro / no - rr / nr);
    z = z - s / 2.0;
    z = z / std::sqrt(p * (1.0 - p) * s);
    return 2.0 * (1.0 - normal_cdf_weka(std::fabs(z)));
  }

  // --- parameters and read-only state ------------------------------------------------
  std::int64_t window_size() const noexcept { return window_size_; }
  double alpha_drift() const noexcept { return alpha_drift_; }
  double alpha_warning() const noexcept { return alpha_warning_; }
  /// Values in the recent window (≤ window_size) and their errors.
  std::int64_t n_recent() const noexcept { return n_recent_; }
  std::int64_t errors_recent() const noexcept { return errors_recent_; }
  /// Values in the older window (everything before the recent one since the last reset).
  std::int64_t n_older() const noexcept { return n_older_; }
  std::int64_t errors_older() const noexcept { return errors_older_; }

  void write_payload(detail::byte_writer& w) const {
    w.put(window_size_);
    w.put(alpha_drift_);
    w.put(alpha_warning_);
    w.put(static_cast<std::uint8_t>(drift_pending_));
    w.put(n_older_);
    w.put(errors_older_);
    w.put(n_recent_);
    // the recent window, oldest first, zero-padded to window_size bytes
    std::int64_t pos = first_;
    for (std::int64_t i = 0; i < window_size_; ++i) {
      w.put(i < n_recent_ ? window_[static_cast<std::size_t>(pos)] : std::uint8_t{0});
      if (++pos == window_size_) pos = 0;
    }
  }

  static stepd read_payload(detail::byte_reader& rd) {
    const auto window_size = rd.get<std::int64_t>("window_size");
    const auto alpha_drift = rd.get<double>("alpha_drift");
    const auto alpha_warning = rd.get<double>("alpha_warning");
    validate(window_size, alpha_drift, alpha_warning);
    const bool pending = detail::read_flag(rd, name, "drift pending");
    const auto n_older = rd.get<std::int64_t>("n_older");
    const auto errors_older = rd.get<std::int64_t>("errors_older");
    const auto n_recent = rd.get<std::int64_t>("n_recent");
    if (n_older < 0 || errors_older < 0 || errors_older > n_older)
      detail::throw_invalid_argument("{}.deserialize: need 0 <= errors_older <= n_older, got {} and {}", name, errors_older,
                                     n_older);
    if (n_recent < 0 || n_recent > window_size || (n_older > 0 && n_recent != window_size))
      detail::throw_invalid_argument("{}.deserialize: recent window holds {} values, inconsistent with window_size {} and {} older values",
                                     name, n_recent, window_size, n_older);
    if (pending && n_older < window_size)
      detail::throw_invalid_argument("{}.deserialize: drift pending before the windows are full", name);
    rd.require_array(static_cast<std::uint64_t>(window_size), 1, "recent window");  // before allocating
    stepd d(window_size, alpha_drift, alpha_warning);
    d.drift_pending_ = pending;
    d.n_older_ = n_older;
    d.errors_older_ = errors_older;
    d.n_recent_ = n_recent;
    rd.get_array(d.window_.data(), d.window_.size(), "recent window");
    for (std::int64_t i = 0; i < window_size; ++i) {
      const std::uint8_t v = d.window_[static_cast<std::size_t>(i)];
      if (v > 1 || (i >= n_recent && v != 0))
        detail::throw_invalid_argument("{}.deserialize: recent window byte {} must be {}, got {}", name, i,
                                       i < n_recent ? "0 or 1" : "0 (padding)", v);
      d.errors_recent_ += v;
    }
    return d;
  }

 private:
  static void validate(std::int64_t window_size, double alpha_drift, double alpha_warning) {
    detail::require_at_least(window_size, 1, name, "window_size");
    detail::require_open_unit(alpha_drift, name, "alpha_drift");
    detail::require_open_unit(alpha_warning, name, "alpha_warning");
  }

  /// Φ(a) for a >= 0 the way weka.core.Statistics.normalProbability evaluates it.
  static double normal_cdf_weka(double a) noexcept {
    constexpr double sqrt_half = 7.07106781186547524401E-1;
    const double x = a * sqrt_half;
    const double z = std::fabs(x);
    if (z < sqrt_half) return 0.5 + 0.5 * std::erf(x);
    const double y = 0.5 * std::erfc(z);
    return x > 0 ? 1.0 - y : y;
  }

  std::int64_t window_size_;
  double alpha_drift_, alpha_warning_;
  bool drift_pending_ = false;
  std::vector<std::uint8_t> window_;  // ring buffer of the recent window
  std::int64_t first_ = 0;            // position of its oldest value
  std::int64_t n_recent_ = 0, errors_recent_ = 0, n_older_ = 0, errors_older_ = 0;
};

}  // namespace driftscope
