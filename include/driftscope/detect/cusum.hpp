#pragma once
/// @file
/// @brief CUSUM test for an increase in the mean of a real-valued stream, as MOA's
/// `moa.classifiers.core.driftdetection.CusumDM` (Python: `driftscope.drift.CUSUM`).
///
/// Page (1954), "Continuous inspection schemes", Biometrika 41(1/2): 100–115; the
/// one-sided form of MOA's CusumDM. With n the values since the last reset and x̄ₙ the
/// running mean (x̄ₙ = x̄ₙ₋₁ + (xₙ − x̄ₙ₋₁)/n, x̄ₙ including xₙ),
///   Sₙ = max(0, Sₙ₋₁ + xₙ − x̄ₙ − δ),   S₀ = 0,
/// and drift when Sₙ > λ (`threshold`), checked once n + 1 ≥ `min_instances` (MOA
/// compares its counter m_n, which starts at 1 and is incremented before the check, so
/// with the default 30 the first value that can signal is the 29th). No warning zone.
/// State resets at the update after a drift (river's convention, and MOA's
/// `if (isChangeDetected) resetLearning()`).
///
/// frouros 0.9.0's `CUSUM` applies the same rule but checks from n ≥ min_num_instances,
/// one value later: frouros(min_num_instances = max(1, m − 1)) == ours(min_instances = m).
///
/// Memory: O(1) (three numbers). Cost: a few flops per value, no allocation.
///
/// @code
///   driftscope::cusum d(30, 0.005, 50.0);
///   for (double loss : losses) if (d.update(loss) == driftscope::signal::drift) alert();
/// @endcode

#include <driftscope/detect/detector.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace driftscope {

class cusum : public detector_base<cusum> {
 public:
  static constexpr detector_kind kind = detector_kind::cusum;
  static constexpr const char* name = "CUSUM";

  /// @param min_instances values before a drift may be signalled (MOA's minNumInstances)
  /// @param delta         allowed drift per value δ (MOA's delta)
  /// @param threshold     alarm threshold λ (MOA's lambda)
  /// @throws std::invalid_argument for min_instances < 0, delta < 0 or threshold < 0
  ///         (or non-finite), naming the argument.
  explicit cusum(std::int64_t min_instances = 30, double delta = 0.005, double threshold = 50.0,
                 nonfinite_policy nonfinite = nonfinite_policy::raise)
      : detector_base(nonfinite), min_instances_(min_instances), delta_(delta), threshold_(threshold) {
    detail::require_at_least(min_instances, 0, name, "min_instances");
    detail::require_nonnegative(delta, name, "delta");
    detail::require_nonnegative(threshold, name, "threshold");
  }

  signal step(double x) {
    if (drift_pending_) reset_state();
    n_ += 1;
    mean_ += (x - mean_) / static_cast<double>(n_);
    sum_ = std::max(0.0, sum_ + x - mean_ - delta_);
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
  double delta() const noexcept { return delta_; }
  double threshold() const noexcept { return threshold_; }
  /// Values since the last reset.
  std::int64_t n() const noexcept { return n_; }
  /// Running mean of those values (MOA's estimation).
  double mean() const noexcept { return mean_; }
  /// The cumulative sum Sₙ.
  double sum() const noexcept { return sum_; }

  void write_payload(detail::byte_writer& w) const {
    w.put(min_instances_);
    w.put(delta_);
    w.put(threshold_);
    w.put(static_cast<std::uint8_t>(drift_pending_));
    w.put(n_);
    w.put(mean_);
    w.put(sum_);
  }

  static cusum read_payload(detail::byte_reader& rd) {
    const auto min_instances = rd.get<std::int64_t>("min_instances");
    const auto delta = rd.get<double>("delta");
    const auto threshold = rd.get<double>("threshold");
    const bool pending = detail::read_flag(rd, name, "drift pending");
    cusum d(min_instances, delta, threshold);
    d.drift_pending_ = pending;
    d.n_ = rd.get<std::int64_t>("n");
    d.mean_ = rd.get<double>("mean");
    d.sum_ = rd.get<double>("sum");
    if (d.n_ < 0) detail::throw_invalid_argument("{}.deserialize: count must be >= 0, got {}", name, d.n_);
    if (!(d.sum_ >= 0) || std::isnan(d.mean_))
      detail::throw_invalid_argument("{}.deserialize: sum must be >= 0 and mean a number, got {} and {}", name, d.sum_,
                                     d.mean_);
    if (d.n_ == 0 && (d.mean_ != 0 || d.sum_ != 0 || d.drift_pending_))
      detail::throw_invalid_argument("{}.deserialize: inconsistent state for an empty detector", name);
    return d;
  }

 private:
  std::int64_t min_instances_;
  double delta_, threshold_;
  bool drift_pending_ = false;
  std::int64_t n_ = 0;
  double mean_ = 0, sum_ = 0;
};

}  // namespace driftscope
