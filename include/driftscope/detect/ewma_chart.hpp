#pragma once
/// @file
/// @brief ECDD, the EWMA chart for concept drift detection on a binary error stream
/// (1 = error), as MOA's `moa.classifiers.core.driftdetection.EWMAChartDM`
/// (Python: `driftscope.drift.binary.EWMAChart`).
///
/// Ross, Adams, Tasoulis & Hand (2012), "Exponentially weighted moving average charts
/// for detecting concept drift", Pattern Recognition Letters 33(2): 191–198. With n the
/// values since the last reset, xₙ ∈ {0, 1}:
///   p̂ₙ = (x₁ + … + xₙ)/n                                    (error rate; MOA's m_sum/m_n)
///   Zₙ = Zₙ₋₁ + λ·(xₙ − Zₙ₋₁),   Z₀ = 0                      (the EWMA)
///   σₙ = sqrt(p̂ₙ(1 − p̂ₙ) · λ · (1 − (1 − λ)^(2n)) / (2 − λ))  (its standard deviation)
///   Lₙ = 3.97 − 6.56 p̂ + 48.73 p̂³ − 330.13 p̂⁵ + 848.18 p̂⁷   (control limit fitted by
///        Ross et al. for an average run length of 400 between false alarms; MOA's choice)
/// drift when n ≥ `min_instances` and Zₙ > p̂ₙ + Lₙ·σₙ; otherwise warning when
/// n + 1 ≥ `min_instances` and Zₙ > p̂ₙ + 0.5·Lₙ·σₙ. (MOA's counter m_n starts at 1 and is
/// incremented before its checks `m_n < minNumInstances` → nothing and
/// `m_n > minNumInstances` → drift allowed; so the value n = min_instances − 1 may warn
/// but not drift.) State resets at the update after a drift.
///
/// frouros 0.9.0's `ECDDWT` (average_run_length=400, warning_level=0.5) uses the same
/// polynomial and limits but evaluates nothing before n ≥ min_num_instances (so it never
/// warns at n = min_instances − 1), keeps p̂ as an incremental mean and Z as
/// λ·x + (1 − λ)·Z (equal up to rounding).
///
/// Lₙ ≥ 2.46 > 0 on [0, 1] and σₙ ≥ 0, so when Zₙ ≤ p̂ₙ neither limit can be crossed and
/// σₙ, Lₙ are not evaluated (an exact shortcut; they are computed as MOA does otherwise).
/// Memory: O(1). Cost: a few flops per value, plus four pow() calls when Zₙ > p̂ₙ.

#include <driftscope/detect/detector.hpp>

#include <cmath>
#include <cstdint>

namespace driftscope {

class ewma_chart : public detector_base<ewma_chart> {
 public:
  static constexpr detector_kind kind = detector_kind::ewma_chart;
  static constexpr const char* name = "EWMAChart";

  /// @param min_instances values before a drift may be signalled (MOA's minNumInstances)
  /// @param lambd         EWMA weight λ of the newest value, in (0, 1] (MOA's lambda)
  /// @throws std::invalid_argument for min_instances < 0 or lambd outside (0, 1].
  explicit ewma_chart(std::int64_t min_instances = 30, double lambd = 0.2,
                      nonfinite_policy nonfinite = nonfinite_policy::raise)
      : detector_base(nonfinite), min_instances_(min_instances), lambd_(lambd) {
    detail::require_at_least(min_instances, 0, name, "min_instances");
    if (!(lambd > 0.0 && lambd <= 1.0)) detail::throw_invalid_argument("{}: lambd must be in (0, 1], got {}", name, lambd);
  }

  signal step(double x) {
    detail::require_binary(x, name);
    if (drift_pending_) reset_state();
    n_ += 1;
    errors_ += static_cast<std::int64_t>(x);
    const double nd = static_cast<double>(n_);
    const double p = static_cast<double>(errors_) / nd;
    z_ += lambd_ * (x - z_);
    if (n_ + 1 < min_instances_) return signal::none;
    if (!(z_ > p)) return signal::none;  // exact shortcut, see the file comment
    const double s = std::sqrt(p * (1.0 - p) * lambd_ * (1.0 - std::pow(1.0 - lambd_, 2.0 * nd)) / (2.0 - lambd_));
    const double limit = control_limit(p);
    if (n_ + 1 > min_instances_ && z_ > p + limit * s) {
      drift_pending_ = true;
      return signal::drift;
    }
    return z_ > p + 0.5 * limit * s ? signal::warning : signal::none;
  }

  void reset_state() noexcept {
    n_ = 0;
    errors_ = 0;
    z_ = 0;
    drift_pending_ = false;
  }

  /// Ross et al.'s control limit for an average run length of 400 (as MOA).
  static double control_limit(double p) noexcept {
    return 3.97 - 6.56 * p + 48.73 * std::pow(p, 3.0) - 330.13 * std::pow(p, 5.0) + 848.18 * std::pow(p, 7.0);
  }

  // --- parameters and read-only state ------------------------------------------------
  std::int64_t min_instances() const noexcept { return min_instances_; }
  double lambd() const noexcept { return lambd_; }
  /// Values since the last reset.
  std::int64_t n() const noexcept { return n_; }
  /// Errors (ones) since the last reset.
  std::int64_t errors() const noexcept { return errors_; }
  /// Error rate p̂ since the last reset (0 when empty; MOA's estimation).
  double error_rate() const noexcept { return n_ == 0 ? 0.0 : static_cast<double>(errors_) / static_cast<double>(n_); }
  /// The EWMA Z of the errors.
  double z() const noexcept { return z_; }

  void write_payload(detail::byte_writer& w) const {
    w.put(min_instances_);
    w.put(lambd_);
    w.put(static_cast<std::uint8_t>(drift_pending_));
    w.put(n_);
    w.put(errors_);
    w.put(z_);
  }

  static ewma_chart read_payload(detail::byte_reader& rd) {
    const auto min_instances = rd.get<std::int64_t>("min_instances");
    const auto lambd = rd.get<double>("lambd");
    const bool pending = detail::read_flag(rd, name, "drift pending");
    ewma_chart d(min_instances, lambd);
    d.drift_pending_ = pending;
    d.n_ = rd.get<std::int64_t>("n");
    d.errors_ = rd.get<std::int64_t>("errors");
    d.z_ = rd.get<double>("z");
    if (d.n_ < 0 || d.errors_ < 0 || d.errors_ > d.n_)
      detail::throw_invalid_argument("{}.deserialize: need 0 <= errors <= n, got errors {} and n {}", name, d.errors_, d.n_);
    if (!(d.z_ >= 0.0 && d.z_ <= 1.0)) detail::throw_invalid_argument("{}.deserialize: z must be in [0, 1], got {}", name, d.z_);
    if (d.n_ == 0 && (d.z_ != 0 || d.drift_pending_))
      detail::throw_invalid_argument("{}.deserialize: inconsistent state for an empty detector", name);
    return d;
  }

 private:
  std::int64_t min_instances_;
  double lambd_;
  bool drift_pending_ = false;
  std::int64_t n_ = 0, errors_ = 0;
  double z_ = 0;
};

}  // namespace driftscope
