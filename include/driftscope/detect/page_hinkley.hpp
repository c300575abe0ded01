#pragma once
/// @file
/// @brief Page–Hinkley test for a change in the mean of a real-valued stream, with
/// river 0.26's `drift.PageHinkley` arguments, defaults and detections.
///
/// Page (1954), "Continuous inspection schemes"; the faded, two-sided form of river:
/// with x̄ₜ the running mean (river's `stats.Mean`: x̄ += (x − x̄)/n),
///   Uₜ = α·Uₜ₋₁ + (xₜ − x̄ₜ) − δ,   m = minₜ Uₜ        (increase)
///   Lₜ = α·Lₜ₋₁ + (xₜ − x̄ₜ) + δ,   M = maxₜ Lₜ        (decrease; M starts at −1 as river)
/// and once n ≥ min_instances, drift when Uₜ − m > λ (mode "up"), M − Lₜ > λ ("down"),
/// or either ("both"). No warning zone. State resets at the update after a drift.
/// Memory: O(1) (six doubles). Cost: a few flops per value.

#include <driftscope/detect/detector.hpp>

#include <limits>
#include <string_view>

namespace driftscope {

class page_hinkley : public detector_base<page_hinkley> {
 public:
  static constexpr detector_kind kind = detector_kind::page_hinkley;
  static constexpr const char* name = "PageHinkley";

  enum class mode_t : std::uint8_t { up = 0, down = 1, both = 2 };

  /// @throws std::invalid_argument for min_instances < 1, delta < 0, threshold <= 0,
  ///         alpha outside (0, 1].
  explicit page_hinkley(std::int64_t min_instances = 30, double delta = 0.005, double threshold = 50.0,
                        double alpha = 1 - 0.0001, mode_t mode = mode_t::both,
                        nonfinite_policy nonfinite = nonfinite_policy::raise)
      : detector_base(nonfinite), min_instances_(min_instances), delta_(delta), threshold_(threshold), alpha_(alpha),
        mode_(mode) {
    detail::require_at_least(min_instances, 1, name, "min_instances");
    detail::require_nonnegative(delta, name, "delta");
    detail::require_positive(threshold, name, "threshold");
    if (!(alpha > 0.0 && alpha <= 1.0)) detail::throw_invalid_argument("{}: alpha must be in (0, 1], got {}", name, alpha);
    if (static_cast<std::uint8_t>(mode) > 2)
      detail::throw_invalid_argument("{}: mode must be up, down or both, got {}", name, static_cast<int>(mode));
  }

  /// @brief "up" / "down" / "both". @throws std::invalid_argument naming `mode`.
  static mode_t parse_mode(std::string_view s) {
    if (s == "up") return mode_t::up;
    if (s == "down") return mode_t::down;
    if (s == "both") return mode_t::both;
    detail::throw_invalid_argument("{}: mode must be 'up', 'down' or 'both', got '{}'", name, s);
  }

  signal step(double x) {
    if (drift_pending_) reset_state();
    n_ += 1.0;
    mean_ += (1.0 / n_) * (x - mean_);
    const double dev = x - mean_;
    sum_increase_ = alpha_ * sum_increase_ + dev - delta_;
    sum_decrease_ = alpha_ * sum_decrease_ + dev + delta_;
    if (sum_increase_ < min_increase_) min_increase_ = sum_increase_;
    if (sum_decrease_ > max_decrease_) max_decrease_ = sum_decrease_;
    if (n_ < static_cast<double>(min_instances_)) return signal::none;
    const bool up = sum_increase_ - min_increase_ > threshold_;
    const bool down = max_decrease_ - sum_decrease_ > threshold_;
    drift_pending_ = mode_ == mode_t::up ? up : mode_ == mode_t::down ? down : (up || down);
    return drift_pending_ ? signal::drift : signal::none;
  }

  void reset_state() noexcept {
    n_ = 0;
    mean_ = 0;
    sum_increase_ = 0;
    sum_decrease_ = 0;
    min_increase_ = std::numeric_limits<double>::infinity();
    max_decrease_ = -1;
    drift_pending_ = false;
  }

  // --- parameters and read-only state ------------------------------------------------
  std::int64_t min_instances() const noexcept { return min_instances_; }
  double delta() const noexcept { return delta_; }
  double threshold() const noexcept { return threshold_; }
  double alpha() const noexcept { return alpha_; }
  mode_t mode() const noexcept { return mode_; }
  /// Values since the last reset.
  double n() const noexcept { return n_; }
  double mean() const noexcept { return mean_; }
  double sum_increase() const noexcept { return sum_increase_; }
  double sum_decrease() const noexcept { return sum_decrease_; }
  double min_increase() const noexcept { return min_increase_; }
  double max_decrease() const noexcept { return max_decrease_; }

  void write_payload(detail::byte_writer& w) const {
    w.put(min_instances_);
    w.put(delta_);
    w.put(threshold_);
    w.put(alpha_);
    w.put(static_cast<std::uint8_t>(mode_));
    w.put(static_cast<std::uint8_t>(drift_pending_));
    for (double v : {n_, mean_, sum_increase_, sum_decrease_, min_increase_, max_decrease_}) w.put(v);
  }

  static page_hinkley read_payload(detail::byte_reader& rd) {
    const auto min_instances = rd.get<std::int64_t>("min_instances");
    const auto delta = rd.get<double>("delta");
    const auto threshold = rd.get<double>("threshold");
    const auto alpha = rd.get<double>("alpha");
    const auto mode = rd.get<std::uint8_t>("mode");
    const bool pending = detail::read_flag(rd, name, "drift pending");
    page_hinkley d(min_instances, delta, threshold, alpha, static_cast<mode_t>(mode));
    d.drift_pending_ = pending;
    for (double* v : {&d.n_, &d.mean_, &d.sum_increase_, &d.sum_decrease_, &d.min_increase_, &d.max_decrease_})
      *v = rd.get<double>("state");
    if (!(d.n_ >= 0) || d.n_ != std::floor(d.n_))
      detail::throw_invalid_argument("{}.deserialize: count must be a whole number >= 0, got {}", name, d.n_);
    return d;
  }

 private:
  std::int64_t min_instances_;
  double delta_, threshold_, alpha_;
  mode_t mode_;
  bool drift_pending_ = false;
  double n_ = 0, mean_ = 0, sum_increase_ = 0, sum_decrease_ = 0;
  double min_increase_ = std::numeric_limits<double>::infinity(), max_decrease_ = -1;
};

}  // namespace driftscope
