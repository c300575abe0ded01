#pragma once
/// @file
/// @brief ramp_controller: the canary ramp of the seed notes — send a small share of traffic
/// to the new model, raise it while it performs, roll back when it does not — as a state
/// machine that, after each analysis interval, says advance(weight), hold, promote or
/// rollback (Flagger's and Argo Rollouts' canary steps, decided from a score and a gate).
///
/// ## Steps
/// Weights (percent of traffic to the canary) come from `steps` (an explicit increasing
/// list such as {1, 2, 10, 80}) or, when `steps` is empty, from `step_weight` up to
/// `max_weight` in equal increments (Flagger's stepWeight / maxWeight; the last step is
/// max_weight). With `mirror_first`, a mirrored step comes first: weight 0, every request
/// also sent to the canary in shadow, its output compared but not served. Each step lasts
/// `intervals_per_step` analysis intervals (Argo's pause between setWeight steps).
/// Blue-green: `steps` = {} and step_weight = 0 with `blue_green_iterations` = N: N analysis
/// intervals at weight 0 on the standby (previewed, mirrored if mirror_first), then promote.
///
/// ## Each interval (next(analysis))
/// The analysis brings a score in [0, 100] (the canary judge's; NaN = no data) and the
/// sequential gate's verdict (`gate_failed`: the always-valid test rejected in the bad
/// direction). The check fails when the gate failed, the score is NaN (no data counts as a
/// failure, as Flagger's missing metrics), or score < `marginal_score`; it holds when
/// marginal_score <= score < `pass_score` (neither advance nor count as failed); it passes
/// when score >= pass_score. Failed checks accumulate over the whole rollout; when they
/// reach `failed_check_threshold`, the decision is rollback (weight 0, finished). A passed
/// interval that completes its step advances to the next weight, or promotes after the last
/// (weight 100, finished). After a terminal decision next() throws std::logic_error.

#include <driftscope/core/error.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace driftscope {

/// @brief Options of ramp_controller (validate() names the offending field).
struct ramp_options {
  std::vector<double> steps;              ///< explicit weights, increasing, in (0, 100]; or empty
  double step_weight = 10;                ///< with steps empty: the increment (percent), 0 for blue-green
  double max_weight = 50;                 ///< with steps empty: the last canary weight
  std::uint32_t intervals_per_step = 1;   ///< analysis intervals at each weight, >= 1
  std::uint32_t failed_check_threshold = 1;  ///< failed checks before rollback, >= 1
  bool mirror_first = false;              ///< a mirrored (shadow) step at weight 0 first
  std::uint32_t blue_green_iterations = 0;   ///< blue-green: intervals at weight 0 before promoting
  double pass_score = 95;                 ///< score >= pass_score passes
  double marginal_score = 75;             ///< score < marginal_score fails; in between: hold

  /// @throws std::invalid_argument naming `fn` and the field.
  void validate(const char* fn = "ramp_options") const {
    const auto percent = [&](double w, const char* what) {
      if (!(w >= 0 && w <= 100))
        detail::throw_invalid_argument("{}: {} must be a percentage in [0, 100], got {}", fn, what, w);
    };
    for (std::size_t i = 0; i < steps.size(); ++i) {
      percent(steps[i], "steps");
      if (!(steps[i] > 0)) detail::throw_invalid_argument("{}: steps[{}] must be > 0, got {}", fn, i, steps[i]);
      if (i > 0 && !(steps[i] > steps[i - 1]))
        detail::throw_invalid_argument("{}: steps must increase, got {} after {} at index {}", fn, steps[i],
                                       steps[i - 1], i);
    }
    if (steps.empty()) {
      percent(step_weight, "step_weight");
      percent(max_weight, "max_weight");
      if (step_weight == 0 && blue_green_iterations == 0)
        detail::throw_invalid_argument(
            "{}: no steps: give steps, a step_weight > 0 with max_weight, or blue_green_iterations > 0", fn);
      if (step_weight > 0 && !(max_weight >= step_weight))
        detail::throw_invalid_argument("{}: max_weight ({}) must be >= step_weight ({})", fn, max_weight, step_weight);
    }
    if (intervals_per_step == 0) detail::throw_invalid_argument("{}: intervals_per_step must be >= 1", fn);
    if (failed_check_threshold == 0) detail::throw_invalid_argument("{}: failed_check_threshold must be >= 1", fn);
    percent(pass_score, "pass_score");
    percent(marginal_score, "marginal_score");
    if (!(marginal_score <= pass_score))
      detail::throw_invalid_argument("{}: marginal_score ({}) must be <= pass_score ({})", fn, marginal_score,
                                     pass_score);
  }

  /// The canary weights in order (after the optional mirrored step).
  std::vector<double> weights() const {
    if (!steps.empty()) return steps;
    std::vector<double> w;
    if (step_weight > 0) {
      for (int k = 1; k * step_weight < max_weight - 1e-9; ++k) w.push_back(k * step_weight);
      w.push_back(max_weight);
    }
    return w;
  }
};

/// @brief What the controller decided after an interval.
enum class ramp_action : std::uint8_t { advance, hold, promote, rollback };
inline const char* to_string(ramp_action a) noexcept {
  switch (a) {
    case ramp_action::advance: return "advance";
    case ramp_action::hold: return "hold";
    case ramp_action::promote: return "promote";
    default: return "rollback";
  }
}

/// @brief One analysis interval's evidence.
struct ramp_analysis {
  double score = std::numeric_limits<double>::quiet_NaN();  ///< the judge's score in [0, 100]; NaN = no data
  bool gate_failed = false;  ///< the sequential gate rejected in the bad direction
};

/// @brief A decision and the state it leaves.
struct ramp_decision {
  ramp_action action = ramp_action::hold;
  double weight = 0;   ///< the canary weight from now on (percent)
  bool mirror = false; ///< requests are mirrored to the canary (the shadow step)
  std::string reason;
};

/// @brief The canary ramp state machine (see the file comment).
class ramp_controller {
 public:
  /// @throws std::invalid_argument for invalid options.
  explicit ramp_controller(ramp_options options)
      : options_((options.validate("ramp_controller"), std::move(options))), weights_(options_.weights()) {
    if (options_.mirror_first || weights_.empty()) stage_ = -1;  // the mirrored / blue-green preview stage
  }

  /// The weight and mirroring before any analysis.
  ramp_decision initial() const {
    ramp_decision d;
    d.action = ramp_action::hold;
    d.weight = current_weight();
    d.mirror = stage_ < 0 && options_.mirror_first;
    d.reason = stage_ < 0 ? (weights_.empty() ? "blue-green preview on the standby" : "mirrored step")
                          : "first canary step";
    return d;
  }

  /// @brief The decision after one analysis interval.
  /// @throws std::logic_error after promote or rollback; std::invalid_argument for a score
  /// outside [0, 100] (NaN allowed: no data).
  ramp_decision next(const ramp_analysis& a) {
    if (finished_)
      throw std::logic_error(fmt::format("ramp_controller::next: the rollout already ended ({})", to_string(last_)));
    if (!std::isnan(a.score) && !(a.score >= 0 && a.score <= 100))
      detail::throw_invalid_argument("ramp_controller::next: score must be in [0, 100] or NaN, got {}", a.score);
    ++interval_;
    ramp_decision d;
    const bool failed = a.gate_failed || std::isnan(a.score) || a.score < options_.marginal_score;
    if (failed) {
      ++failed_checks_;
      const std::string why = a.gate_failed ? "the sequential gate rejected"
                              : std::isnan(a.score)
                                  ? "no data"
                                  : fmt::format("score {} below marginal {}", a.score, options_.marginal_score);
      if (failed_checks_ >= options_.failed_check_threshold) {
        finish(ramp_action::rollback);
        d.action = ramp_action::rollback;
        d.weight = 0;
        d.reason = fmt::format("{} ({} failed checks of {} allowed)", why, failed_checks_,
                               options_.failed_check_threshold);
        return d;
      }
      d.action = ramp_action::hold;
      d.weight = current_weight();
      d.mirror = mirroring();
      d.reason = fmt::format("{}: failed check {} of {}", why, failed_checks_, options_.failed_check_threshold);
      return d;
    }
    if (a.score < options_.pass_score) {
      d.action = ramp_action::hold;
      d.weight = current_weight();
      d.mirror = mirroring();
      d.reason = fmt::format("score {} is marginal (pass at {})", a.score, options_.pass_score);
      return d;
    }
    ++passed_in_stage_;
    if (passed_in_stage_ < stage_intervals()) {
      d.action = ramp_action::hold;
      d.weight = current_weight();
      d.mirror = mirroring();
      d.reason = fmt::format("passed {} of {} intervals at this step", passed_in_stage_, stage_intervals());
      return d;
    }
    passed_in_stage_ = 0;
    if (stage_ + 1 >= static_cast<long>(weights_.size())) {
      finish(ramp_action::promote);
      d.action = ramp_action::promote;
      d.weight = 100;
      d.reason = fmt::format("score {}: every step passed", a.score);
      return d;
    }
    ++stage_;
    d.action = ramp_action::advance;
    d.weight = current_weight();
    d.reason = fmt::format("score {}: advance to {} %", a.score, d.weight);
    return d;
  }

  bool finished() const noexcept { return finished_; }
  std::uint32_t failed_checks() const noexcept { return failed_checks_; }
  std::uint64_t intervals() const noexcept { return interval_; }
  double current_weight() const noexcept { return stage_ < 0 ? 0.0 : weights_[static_cast<std::size_t>(stage_)]; }
  const std::vector<double>& weights() const noexcept { return weights_; }
  const ramp_options& options() const noexcept { return options_; }

 private:
  bool mirroring() const noexcept { return stage_ < 0 && options_.mirror_first; }
  std::uint32_t stage_intervals() const noexcept {
    return stage_ < 0 && weights_.empty() ? options_.blue_green_iterations : options_.intervals_per_step;
  }
  void finish(ramp_action a) {
    finished_ = true;
    last_ = a;
  }

  ramp_options options_;
  std::vector<double> weights_;
  long stage_ = 0;  // -1: the mirrored / blue-green preview stage
  std::uint32_t passed_in_stage_ = 0;
  std::uint32_t failed_checks_ = 0;
  std::uint64_t interval_ = 0;
  bool finished_ = false;
  ramp_action last_ = ramp_action::hold;
};

}  // namespace driftscope
