#pragma once
/// @file
/// @brief automation_policy: the seed notes' ladder of automation — human only → shadow →
/// AI assistance → partial automation → full automation — as a per-request decision of who
/// decides and whether a human must review, with counts of each path, so a team moves up the
/// ladder with evidence (how often the model would have decided alone, how often it was
/// reviewed) rather than by feel.
///
/// | level        | the model runs | its output is shown / used | who decides                      |
/// |--------------|----------------|----------------------------|----------------------------------|
/// | human_only   | no             | no                         | human                            |
/// | shadow       | yes            | logged only (compared)     | human                            |
/// | assist       | yes            | shown to the human         | human                            |
/// | partial(t)   | yes            | used when confidence >= t  | model (confidence >= t), else a human reviews and decides |
/// | full         | yes            | used                       | model                            |
///
/// A NaN confidence under `partial` goes to a human (no evidence is not confidence).
/// Cost: a few comparisons and a counter increment per request.

#include <driftscope/core/error.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <limits>

namespace driftscope {

/// @brief The rungs of the automation ladder, lowest first.
enum class automation_level : std::uint8_t { human_only, shadow, assist, partial, full };

inline const char* to_string(automation_level l) noexcept {
  switch (l) {
    case automation_level::human_only: return "human_only";
    case automation_level::shadow: return "shadow";
    case automation_level::assist: return "assist";
    case automation_level::partial: return "partial";
    default: return "full";
  }
}

/// @brief The level named `s`. @throws std::invalid_argument naming it when unknown.
inline automation_level parse_automation_level(std::string_view s) {
  for (auto l : {automation_level::human_only, automation_level::shadow, automation_level::assist,
                 automation_level::partial, automation_level::full})
    if (s == to_string(l)) return l;
  detail::throw_invalid_argument(
      "automation_level: unknown level '{}' (human_only, shadow, assist, partial or full)", s);
}

/// @brief The paths a request can take (automation_policy::counts index).
enum class automation_path : std::uint8_t {
  human_only,    ///< human decides, no model
  shadow,        ///< human decides, the model's output logged for comparison
  assisted,      ///< human decides with the model's output shown
  model,         ///< the model decides alone
  human_review,  ///< partial: confidence below the threshold, a human reviews and decides
};
inline constexpr std::size_t automation_path_count = 5;

inline const char* to_string(automation_path p) noexcept {
  switch (p) {
    case automation_path::human_only: return "human_only";
    case automation_path::shadow: return "shadow";
    case automation_path::assisted: return "assisted";
    case automation_path::model: return "model";
    default: return "human_review";
  }
}

/// @brief What happens to one request.
struct automation_decision {
  automation_path path = automation_path::human_only;
  bool run_model = false;      ///< call the model at all
  bool use_model = false;      ///< the model's output is the decision
  bool show_model = false;     ///< the model's output is shown to the human
  bool human_decides = true;   ///< a human makes (or confirms) the decision
};

/// @brief Per-request routing between human and model by automation level (see the file comment).
class automation_policy {
 public:
  /// @param threshold the confidence at or above which `partial` lets the model decide, in [0, 1].
  /// @throws std::invalid_argument for a threshold outside [0, 1] (or NaN).
  explicit automation_policy(automation_level level = automation_level::human_only, double threshold = 0.9)
      : level_(level), threshold_(check_threshold(threshold, "automation_policy")) {}

  /// @brief The decision for a request whose model confidence is `confidence` (only
  /// `partial` reads it; NaN goes to a human), counted in counts().
  automation_decision decide(double confidence = std::numeric_limits<double>::quiet_NaN()) noexcept {
    automation_decision d;
    switch (level_) {
      case automation_level::human_only: break;
      case automation_level::shadow:
        d.path = automation_path::shadow;
        d.run_model = true;
        break;
      case automation_level::assist:
        d.path = automation_path::assisted;
        d.run_model = d.show_model = true;
        break;
      case automation_level::partial:
        d.run_model = true;
        if (confidence >= threshold_) {
          d.path = automation_path::model;
          d.use_model = true;
          d.human_decides = false;
        } else {
          d.path = automation_path::human_review;
          d.show_model = true;
        }
        break;
      case automation_level::full:
        d.path = automation_path::model;
        d.run_model = d.use_model = true;
        d.human_decides = false;
        break;
    }
    ++counts_[static_cast<std::size_t>(d.path)];
    return d;
  }

  automation_level level() const noexcept { return level_; }
  double threshold() const noexcept { return threshold_; }
  /// @brief Moves to another rung (counts are kept: they describe the requests seen).
  void set_level(automation_level level) noexcept { level_ = level; }
  /// @throws std::invalid_argument outside [0, 1].
  void set_threshold(double threshold) { threshold_ = check_threshold(threshold, "automation_policy::set_threshold"); }

  /// Requests per path, indexed by automation_path.
  const std::array<std::uint64_t, automation_path_count>& counts() const noexcept { return counts_; }
  std::uint64_t count(automation_path p) const noexcept { return counts_[static_cast<std::size_t>(p)]; }
  std::uint64_t total() const noexcept {
    std::uint64_t t = 0;
    for (auto c : counts_) t += c;
    return t;
  }
  /// @brief The share of requests the model decided alone. @throws std::domain_error without requests.
  double automated_share() const {
    if (total() == 0) detail::throw_domain_error("automation_policy::automated_share: no requests yet");
    return static_cast<double>(count(automation_path::model)) / static_cast<double>(total());
  }
  /// @brief Adds another policy's counts (e.g. another worker's); levels may differ.
  void merge(const automation_policy& other) noexcept {
    for (std::size_t i = 0; i < automation_path_count; ++i) counts_[i] += other.counts_[i];
  }
  void reset_counts() noexcept { counts_.fill(0); }
  /// @brief Adds counts per path (automation_path order), e.g. restored from a checkpoint.
  void add_counts(const std::uint64_t* counts) noexcept {
    for (std::size_t i = 0; i < automation_path_count; ++i) counts_[i] += counts[i];
  }

 private:
  static double check_threshold(double t, const char* fn) {
    if (!(t >= 0 && t <= 1)) detail::throw_invalid_argument("{}: threshold must be in [0, 1], got {}", fn, t);
    return t;
  }

  automation_level level_;
  double threshold_;
  std::array<std::uint64_t, automation_path_count> counts_{};
};

}  // namespace driftscope
