#pragma once
/// @file
/// @brief Geometric moving average test for an increase in the mean of a real-valued
/// stream, as MOA's `moa.classifiers.core.driftdetection.GeometricMovingAverageDM`
/// (Python: `driftscope.drift.GeometricMovingAverage`).
///
/// Roberts (1959), "Control chart tests based on geometric moving averages",
/// Technometrics 1(3): 239–250; MOA's form. With n the values since the last reset and
/// x̄ₙ the running mean (x̄ₙ = x̄ₙ₋₁ + (xₙ − x̄ₙ₋₁)/n, including xₙ),
///   Gₙ = α·Gₙ₋₁ + (1 − α)·(xₙ − x̄ₙ),   G₀ = 0,
/// and drift when Gₙ > λ (`threshold`), checked once n + 1 ≥ `min_instances` (MOA's
/// counter starts at 1 and is incremented before the check). No warning zone. State
/// resets at the update after a drift.
///
/// frouros 0.9.0's `GeometricMovingAverage` applies the same rule but checks from
/// n ≥ min_num_instances: frouros(min_num_instances = max(1, m − 1)) == ours(m).
///
/// Memory: O(1) (three numbers). Cost: a few flops per value, no allocation.

#include <driftscope/detect/detector.hpp>

#include <cmath>
#include <cstdint>

namespace driftscope {

class geometric_moving_average : public detector_base<geometric_moving_average> {
 public:
  static constexpr detector_kind kind = detector_kind::geometric_moving_average;
  static constexpr const char* name = "GeometricMovingAverage";

  /// @param min_instances values before a drift may be signalled (MOA's minNumInstances)
  /// @param threshold     alarm threshold λ (MOA's lambda)
  /// @param alpha         forgetting factor α in [0, 1] (MOA's alpha)
  /// @throws std::invalid_argument for min_instances < 0, threshold < 0 (or non-finite),
  ///         alpha outside [0, 1], naming the argument.
  explicit geometric_moving_average(std::int64_t min_instances = 30, double threshold = 1.0, double alpha = 0.99,
                                    nonfinite_policy nonfinite = nonfinite_policy::raise)
      : detector_base(nonfinite), min_instances_(min_instances), threshold_(threshold), alpha_(alpha) {
    detail::require_at_least(min_instances, 0, name, "min_instances");
    detail::require_nonnegative(threshold, name, "threshold");
    if (!(alpha >= 0.0 && alpha <= 1.0)) detail::throw_invalid_argument("{}: alpha must be in [0, 1], got {}", name, alpha);
  }

  signal step(double x) {
    if (drift_pending_) reset_state();
    n_ += 1;
    mean_ += (x - mean_) / static_cast<double>(n_);
    sum_ = alpha_ * sum_ + (1.0 - alpha_) * (x - mean_);
    if (n_ + 1 < min_instances_) return signal::none;
    drift_pending_ = sum_ > threshold_;
    return drift_pending_ ? signal::drift : signal::none;
  }

  void reset_state() noexcept {
    n_ = 0;
    mean_ = 0;
    sum_ = 0;
    drift_pending_ = false;
  }

  // --- parameters and read-only state ------------------------------------------------
  std::int64_t min_instances() const noexcept { return min_instances_; }
  double threshold() const noexcept { return threshold_; }
  double alpha() const noexcept { return alpha_; }
  /// Values since the last reset.
  std::int64_t n() const noexcept { return n_; }
  /// Running mean of those values (MOA's estimation).
  double mean() const noexcept { return mean_; }
  /// The geometric moving average Gₙ of the deviations from the mean.
  double sum() const noexcept { return sum_; }

  void write_payload(detail::byte_writer& w) const {
    w.put(min_instances_);
    w.put(threshold_);
    w.put(alpha_);
    w.put(static_cast<std::uint8_t>(drift_pending_));
    w.put(n_);
    w.put(mean_);
    w.put(sum_);
  }

  static geometric_moving_average read_payload(detail::byte_reader& rd) {
    const auto min_instances = rd.get<std::int64_t>("min_instances");
    const auto threshold = rd.get<double>("threshold");
    const auto alpha = rd.get<double>("alpha");
    const bool pending = detail::read_flag(rd, name, "drift pending");
    geometric_moving_average d(min_instances, threshold, alpha);
    d.drift_pending_ = pending;
    d.n_ = rd.get<std::int64_t>("n");
    d.mean_ = rd.get<double>("mean");
    d.sum_ = rd.get<double>("sum");
    if (d.n_ < 0) detail::throw_invalid_argument("{}.deserialize: count must be >= 0, got {}", name, d.n_);
    if (std::isnan(d.sum_) || std::isnan(d.mean_))
      detail::throw_invalid_argument("{}.deserialize: sum and mean must be numbers, got {} and {}", name, d.sum_, d.mean_);
    if (d.n_ == 0 && (d.mean_ != 0 || d.sum_ != 0 || d.drift_pending_))
      detail::throw_invalid_argument("{}.deserialize: inconsistent state for an empty detector", name);
    return d;
  }

 private:
  std::int64_t min_instances_;
  double threshold_, alpha_;
  bool drift_pending_ = false;
  std::int64_t n_ = 0;
  double mean_ = 0, sum_ = 0;
};

}  // namespace driftscope
