#pragma once
/// @file
/// @brief canary_analysis: a canary run over several analysis intervals, each judged by
/// canary_judge, aggregated as Spinnaker's canary stage does — any interim score at or below
/// the marginal threshold aborts the run at once (fail fast); after the last interval the
/// last score decides: >= pass threshold passes, above marginal is marginal (the run ends
/// without promotion), at or below marginal fails. A critical failure in any interval fails
/// the run at once.
///
/// The caller judges each interval on the data it chooses (Kayenta's lifetime: all data
/// since the start; or a sliding window) and hands the judge_result to add().
///
/// @code
/// driftscope::canary_analysis run({.intervals = 6, .pass_threshold = 95, .marginal_threshold = 75});
/// for (...) { const auto s = run.add(judge.judge(data)); if (s != canary_run_state::running) break; }
/// @endcode

#include <driftscope/core/error.hpp>
#include <driftscope/deploy/canary_judge.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace driftscope {

/// @brief Where a canary run stands.
enum class canary_run_state : std::uint8_t { running, passed, marginal, failed };

inline const char* to_string(canary_run_state s) noexcept {
  switch (s) {
    case canary_run_state::running: return "running";
    case canary_run_state::passed: return "passed";
    case canary_run_state::marginal: return "marginal";
    default: return "failed";
  }
}

/// @brief Options of canary_analysis.
struct canary_analysis_options {
  std::uint32_t intervals = 1;      ///< planned analysis intervals, >= 1
  double pass_threshold = 95;       ///< the last score >= this passes
  double marginal_threshold = 75;   ///< any score <= this fails the run

  void validate() const {
    if (intervals < 1) detail::throw_invalid_argument("canary_analysis: intervals must be >= 1, got {}", intervals);
    if (!(marginal_threshold >= 0 && marginal_threshold <= pass_threshold && pass_threshold <= 100))
      detail::throw_invalid_argument(
          "canary_analysis: thresholds must satisfy 0 <= marginal_threshold <= pass_threshold <= 100, got marginal "
          "{} and pass {}",
          marginal_threshold, pass_threshold);
  }
};

/// @brief Aggregation of interval verdicts into the run's outcome (see the file comment).
class canary_analysis {
 public:
  explicit canary_analysis(canary_analysis_options options = {}) : options_(options) { options_.validate(); }

  /// @brief Adds one interval's result; returns the run's state after it.
  /// @throws std::logic_error once the run has ended; std::invalid_argument for a score
  ///         outside [0, 100].
  canary_run_state add(const judge_result& r) { return add(r.score, r.critical_failure, r.reason); }

  /// @brief Adds one interval's score (and whether a critical metric failed).
  canary_run_state add(double score, bool critical_failure = false, const std::string& why = {}) {
    if (state_ != canary_run_state::running)
      throw std::logic_error("canary_analysis::add: the run has ended (" + std::string(to_string(state_)) + ")");
    if (!(score >= 0 && score <= 100))
      detail::throw_invalid_argument("canary_analysis::add: score must be in [0, 100], got {}", score);
    scores_.push_back(score);
    const std::size_t k = scores_.size();
    if (critical_failure) {
      state_ = canary_run_state::failed;
      reason_ = fmt::format("interval {}: critical failure ({})", k, why);
    } else if (score <= options_.marginal_threshold) {
      state_ = canary_run_state::failed;
      reason_ = fmt::format("interval {}: score {:.2f} <= marginal threshold {:g}{}", k, score,
                            options_.marginal_threshold, k < options_.intervals ? " (run aborted)" : "");
    } else if (k == options_.intervals) {
      state_ = score >= options_.pass_threshold ? canary_run_state::passed : canary_run_state::marginal;
      reason_ = state_ == canary_run_state::passed
                    ? fmt::format("final score {:.2f} >= pass threshold {:g}", score, options_.pass_threshold)
                    : fmt::format("final score {:.2f} is below the pass threshold {:g}", score,
                                  options_.pass_threshold);
    } else {
      reason_ = fmt::format("interval {} of {}: score {:.2f}", k, options_.intervals, score);
    }
    return state_;
  }

  canary_run_state state() const noexcept { return state_; }
  const std::string& reason() const noexcept { return reason_; }
  const std::vector<double>& scores() const noexcept { return scores_; }
  const canary_analysis_options& options() const noexcept { return options_; }

 private:
  canary_analysis_options options_;
  canary_run_state state_ = canary_run_state::running;
  std::vector<double> scores_;
  std::string reason_;
};

}  // namespace driftscope
