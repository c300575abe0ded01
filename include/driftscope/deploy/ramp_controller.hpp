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
///
/// ## Serialized format (version 1), little-endian, 84 + 8 S bytes
/// | size | field                                                                 |
/// |------|-----------------------------------------------------------------------|
/// | 8    | preamble "DSRC", family 52, version 1, flags 0, reserved 0            |
/// | 4    | S: explicit steps (u32)                                               |
/// | 8 S  | steps (f64)                                                           |
/// | 8    | step_weight (f64)                                                     |
/// | 8    | max_weight (f64)                                                      |
/// | 4    | intervals_per_step (u32)                                              |
/// | 4    | failed_check_threshold (u32)                                          |
/// | 4    | blue_green_iterations (u32)                                           |
/// | 1    | mirror_first (0 / 1)                                                  |
/// | 1    | finished (0 / 1)                                                      |
/// | 1    | the terminal action: 1 hold (running), 2 promote, 3 rollback          |
/// | 1    | reserved 0                                                            |
/// | 8    | pass_score (f64)                                                      |
/// | 8    | marginal_score (f64)                                                  |
/// | 8    | stage (i64: −1 the mirrored / blue-green preview, else the index of the current weight) |
/// | 4    | intervals passed at this stage (u32, below the stage's intervals)     |
/// | 4    | failed checks (u32)                                                   |
/// | 8    | analysis intervals so far (u64)                                       |
/// deserialize() validates the options as the constructor does and the state against them
/// (stage in range, −1 only with a preview stage, counters consistent with finished and the
/// action), so a decoded controller continues exactly as the original would.

#include <driftscope/core/bytes.hpp>
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

  /// The most canary weights a ramp may have (explicit or from step_weight / max_weight).
  static constexpr std::size_t max_steps = 10000;

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
    if (steps.size() > max_steps)
      detail::throw_invalid_argument("{}: at most {} steps, got {}", fn, max_steps, steps.size());
    if (steps.empty()) {
      percent(step_weight, "step_weight");
      percent(max_weight, "max_weight");
      if (step_weight > 0 && max_weight / step_weight > static_cast<double>(max_steps))
        detail::throw_invalid_argument("{}: step_weight {} makes more than {} steps up to max_weight {}", fn,
                                       step_weight, max_steps, max_weight);
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
  static constexpr std::uint8_t serial_family = 52;
  static constexpr std::uint8_t serial_version = 1;

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

  std::size_t serialized_size_bytes() const noexcept { return 84 + 8 * options_.steps.size(); }

  std::vector<std::uint8_t> serialize() const {
    std::vector<std::uint8_t> out;
    out.reserve(serialized_size_bytes());
    detail::byte_writer w(out);
    detail::write_preamble(w, "DSRC", serial_family, serial_version);
    w.put_zeros(2);
    w.put(static_cast<std::uint32_t>(options_.steps.size()));
    w.put_array(options_.steps.data(), options_.steps.size());
    w.put(options_.step_weight);
    w.put(options_.max_weight);
    w.put(options_.intervals_per_step);
    w.put(options_.failed_check_threshold);
    w.put(options_.blue_green_iterations);
    w.put(static_cast<std::uint8_t>(options_.mirror_first));
    w.put(static_cast<std::uint8_t>(finished_));
    w.put(static_cast<std::uint8_t>(last_));
    w.put_zeros(1);
    w.put(options_.pass_score);
    w.put(options_.marginal_score);
    w.put(static_cast<std::int64_t>(stage_));
    w.put(passed_in_stage_);
    w.put(failed_checks_);
    w.put(interval_);
    return out;
  }

  /// @throws std::out_of_range (truncated), std::invalid_argument (corrupt options or state).
  static ramp_controller deserialize(const void* data, std::size_t size) {
    static constexpr const char* fn = "ramp_controller::deserialize";
    detail::byte_reader rd(data, size, fn);
    detail::read_preamble(rd, "DSRC", serial_family, serial_version, fn, "ramp_controller");
    if (rd.get<std::uint8_t>("flags") != 0 || rd.get<std::uint8_t>("reserved") != 0)
      detail::throw_invalid_argument("{}: flag bytes must be 0", fn);
    ramp_options o;
    const auto n_steps = rd.get<std::uint32_t>("steps");
    if (n_steps > ramp_options::max_steps)
      detail::throw_invalid_argument("{}: at most {} steps, got {}", fn, ramp_options::max_steps, n_steps);
    rd.require_array(n_steps, 8, "steps");
    o.steps.resize(n_steps);
    rd.get_array(o.steps.data(), o.steps.size(), "steps");
    o.step_weight = rd.get<double>("step_weight");
    o.max_weight = rd.get<double>("max_weight");
    o.intervals_per_step = rd.get<std::uint32_t>("intervals_per_step");
    o.failed_check_threshold = rd.get<std::uint32_t>("failed_check_threshold");
    o.blue_green_iterations = rd.get<std::uint32_t>("blue_green_iterations");
    const auto flag = [&](const char* what) {
      const auto v = rd.get<std::uint8_t>(what);
      if (v > 1) detail::throw_invalid_argument("{}: {} must be 0 or 1, got {}", fn, what, v);
      return v == 1;
    };
    o.mirror_first = flag("mirror_first");
    const bool finished = flag("finished");
    const auto last = rd.get<std::uint8_t>("action");
    if (last < 1 || last > 3) detail::throw_invalid_argument("{}: action must be 1..3, got {}", fn, last);
    if (rd.get<std::uint8_t>("reserved") != 0) detail::throw_invalid_argument("{}: reserved byte must be 0", fn);
    o.pass_score = rd.get<double>("pass_score");
    o.marginal_score = rd.get<double>("marginal_score");
    o.validate(fn);
    ramp_controller c(std::move(o));
    const auto stage = rd.get<std::int64_t>("stage");
    c.passed_in_stage_ = rd.get<std::uint32_t>("passed intervals");
    c.failed_checks_ = rd.get<std::uint32_t>("failed checks");
    c.interval_ = rd.get<std::uint64_t>("intervals");
    if (rd.remaining() != 0) detail::throw_invalid_argument("{}: {} trailing bytes", fn, rd.remaining());
    const auto n_weights = static_cast<std::int64_t>(c.weights_.size());
    const bool preview = c.options_.mirror_first || n_weights == 0;
    const std::int64_t lowest = preview ? -1 : 0, highest = n_weights == 0 ? -1 : n_weights - 1;
    if (stage < lowest || stage > highest)
      detail::throw_invalid_argument("{}: stage {} is outside [{}, {}]", fn, stage, lowest, highest);
    c.stage_ = static_cast<long>(stage);
    c.finished_ = finished;
    c.last_ = static_cast<ramp_action>(last);
    const std::uint32_t threshold = c.options_.failed_check_threshold;
    bool ok = c.passed_in_stage_ < c.stage_intervals() &&
              static_cast<std::uint64_t>(c.failed_checks_) + c.passed_in_stage_ <= c.interval_;
    if (!finished) ok = ok && c.last_ == ramp_action::hold && c.failed_checks_ < threshold;
    else if (c.last_ == ramp_action::rollback) ok = ok && c.failed_checks_ == threshold;
    else if (c.last_ == ramp_action::promote)
      ok = ok && c.failed_checks_ < threshold && c.passed_in_stage_ == 0 && stage == highest;
    else ok = false;
    if (!ok)
      detail::throw_invalid_argument(
          "{}: inconsistent state (finished {}, action {}, {} passed at stage {}, {} failed checks of {}, {} intervals)",
          fn, finished, to_string(c.last_), c.passed_in_stage_, stage, c.failed_checks_, threshold, c.interval_);
    return c;
  }

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
