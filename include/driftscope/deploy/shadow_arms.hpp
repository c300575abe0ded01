#pragma once
/// @file
/// @brief shadow_arms: the software side of a shadow comparison — per arm (the live
/// decision-maker and the shadow model) the requests, the failed ones and the latency
/// quantiles, and the difference of the two arms' quantiles. shadow_comparator and
/// shadow_regression each hold one (their add_latency / add_error / stats /
/// latency_difference forward here).
///
/// A request answered by an arm is recorded with its latency (`add_latency(arm, seconds)`);
/// a request the arm failed to answer (an exception, a timeout) with `add_error(arm)` only —
/// its latency is not a service time and would distort the quantiles. So
///   requests(arm) = latencies recorded + errors,   error_rate = errors / requests.
///
/// Latency quantiles come from one latency_sketch per arm (DDSketch, Masson, Rim & Lee
/// 2019): quantile(q) is numpy.quantile(x, q, method='lower') within relative error α
/// (`latency_accuracy`, default 0.01: ±1 %). latency_difference(q) = shadow's q-quantile −
/// live's, so it is within α·(x_live + x_shadow) of the exact difference.
///
/// Memory: two latency sketches (each at most 2048 × 8 bytes of bucket counts, growing by
/// doubling as the values spread; about 2 KiB for latencies within a factor 10 of each
/// other at α = 0.01) and two counters. Cost: add_latency O(1) (one log, no allocation once
/// the sketch's window covers the values); add_error O(1); arm_stats O(buckets).
///
/// ## Serialized block (inside the owners' formats), little-endian
/// | size  | field                                                          |
/// |-------|----------------------------------------------------------------|
/// | 8     | live arm: errors (u64)                                         |
/// | 8     | shadow arm: errors (u64)                                       |
/// | 4     | L1: size of the live arm's latency sketch bytes (u32)          |
/// | L1    | the live arm's latency_sketch ("DSLS", family 25, version 1)  |
/// | 4     | L2: size of the shadow arm's latency sketch bytes (u32)        |
/// | L2    | the shadow arm's latency_sketch (same α as the live one)       |

#include <driftscope/core/bytes.hpp>
#include <driftscope/core/error.hpp>
#include <driftscope/sketch/latency_sketch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

namespace driftscope {

/// @brief The two arms of a shadow comparison.
enum class shadow_arm : std::uint8_t { live, shadow };

inline const char* to_string(shadow_arm a) noexcept { return a == shadow_arm::live ? "live" : "shadow"; }

/// @brief Parses "live" / "shadow". @throws std::invalid_argument naming `fn` and the value.
inline shadow_arm parse_shadow_arm(std::string_view s, const char* fn = "parse_shadow_arm") {
  if (s == "live") return shadow_arm::live;
  if (s == "shadow") return shadow_arm::shadow;
  detail::throw_invalid_argument("{}: arm must be 'live' or 'shadow', got '{}'", fn, s);
}

/// @brief One arm's requests, errors and latency summary.
struct arm_stats {
  std::uint64_t requests = 0;   ///< latencies recorded + errors
  std::uint64_t errors = 0;     ///< requests the arm failed
  double error_rate = 0;        ///< errors / requests
  std::uint64_t latencies = 0;  ///< requests with a latency (requests − errors)
  /// Latency mean (exact) and lower-rank quantiles within relative error α (seconds, or the
  /// caller's unit); NaN when the arm has no latency.
  double mean = std::numeric_limits<double>::quiet_NaN();
  double p50 = std::numeric_limits<double>::quiet_NaN();
  double p90 = std::numeric_limits<double>::quiet_NaN();
  double p99 = std::numeric_limits<double>::quiet_NaN();
};

/// @brief Per-arm latency and error counts of a shadow comparison (see the file comment).
class shadow_arms {
 public:
  /// @param latency_accuracy α of both latency sketches, in [1e-6, 1).
  /// @param owner names the owning class in error messages.
  /// @throws std::invalid_argument for α out of range (naming `owner`).
  explicit shadow_arms(double latency_accuracy = latency_sketch::default_relative_accuracy,
                       const char* owner = "shadow_arms")
      : sketches_{make_sketch(latency_accuracy, owner), make_sketch(latency_accuracy, owner)} {}

  /// @brief One request answered by `arm` in `seconds`. O(1).
  /// @throws std::invalid_argument for an unknown arm or a NaN, negative or infinite latency
  /// (`fn` names the caller); nothing is recorded then.
  void add_latency(shadow_arm arm, double seconds, const char* fn = "shadow_arms::add_latency") {
    const std::size_t a = index(arm, fn);
    if (!(seconds >= 0 && seconds <= std::numeric_limits<double>::max()))
      detail::throw_invalid_argument("{}: seconds must be finite and >= 0, got {}", fn, seconds);
    sketches_[a].update(seconds);
  }
  /// @brief `n` latencies answered by `arm`; all or nothing (every value checked first).
  /// @throws std::invalid_argument naming the first bad value's index.
  void add_latencies(shadow_arm arm, const double* seconds, std::size_t n,
                     const char* fn = "shadow_arms::add_latencies") {
    const std::size_t a = index(arm, fn);
    for (std::size_t i = 0; i < n; ++i)
      if (!(seconds[i] >= 0 && seconds[i] <= std::numeric_limits<double>::max()))
        detail::throw_invalid_argument("{}: seconds[{}] must be finite and >= 0, got {}", fn, i, seconds[i]);
    sketches_[a].update_many(seconds, n);
  }
  /// @brief `count` requests `arm` failed to answer. O(1).
  /// @throws std::invalid_argument for an unknown arm or a count that overflows the counters.
  void add_error(shadow_arm arm, std::uint64_t count = 1, const char* fn = "shadow_arms::add_error") {
    const std::size_t a = index(arm, fn);
    if (count > std::numeric_limits<std::uint64_t>::max() - requests_of(a))
      detail::throw_invalid_argument("{}: count {} overflows the arm's request counter", fn, count);
    errors_[a] += count;
  }

  std::uint64_t requests(shadow_arm arm) const { return requests_of(index(arm, "shadow_arms::requests")); }
  std::uint64_t errors(shadow_arm arm) const { return errors_[index(arm, "shadow_arms::errors")]; }
  /// The arm's latency sketch (any quantile, count_le, buckets).
  const latency_sketch& latency(shadow_arm arm) const { return sketches_[index(arm, "shadow_arms::latency")]; }
  double latency_accuracy() const noexcept { return sketches_[0].relative_accuracy(); }

  /// @brief Requests, errors, error rate and latency mean / p50 / p90 / p99 of `arm`.
  /// @throws std::domain_error when the arm has no request; std::invalid_argument for an
  /// unknown arm.
  arm_stats stats(shadow_arm arm, const char* fn = "shadow_arms::arm_stats") const {
    const std::size_t a = index(arm, fn);
    arm_stats s;
    s.requests = requests_of(a);
    if (s.requests == 0) detail::throw_domain_error("{}: the {} arm has no requests", fn, to_string(arm));
    s.errors = errors_[a];
    s.error_rate = static_cast<double>(s.errors) / static_cast<double>(s.requests);
    const latency_sketch& l = sketches_[a];
    s.latencies = l.count();
    if (s.latencies > 0) {
      s.mean = l.mean();
      s.p50 = l.quantile(0.5);
      s.p90 = l.quantile(0.9);
      s.p99 = l.quantile(0.99);
    }
    return s;
  }

  /// @brief The shadow arm's latency q-quantile minus the live arm's (within α·(x_live +
  /// x_shadow) of the exact difference of numpy.quantile(..., method='lower')).
  /// @throws std::invalid_argument unless 0 <= q <= 1; std::domain_error when an arm has no
  /// latency (naming it).
  double latency_difference(double q, const char* fn = "shadow_arms::latency_difference") const {
    if (!(q >= 0 && q <= 1)) detail::throw_invalid_argument("{}: q must be in [0, 1], got {}", fn, q);
    for (std::size_t a = 0; a < 2; ++a)
      if (sketches_[a].count() == 0)
        detail::throw_domain_error("{}: the {} arm has no latency", fn, to_string(static_cast<shadow_arm>(a)));
    return sketches_[1].quantile(q) - sketches_[0].quantile(q);
  }

  /// @brief Adds `other`'s counts and latencies (exact: the sketches merge losslessly).
  /// @throws std::invalid_argument when the latency accuracies differ or a counter would
  /// overflow (nothing is changed then).
  void merge(const shadow_arms& other, const char* fn = "shadow_arms::merge") {
    if (other.latency_accuracy() != latency_accuracy())
      detail::throw_invalid_argument("{}: other's latency_accuracy is {}, this one's {}", fn,
                                     other.latency_accuracy(), latency_accuracy());
    for (std::size_t a = 0; a < 2; ++a)
      if (other.requests_of(a) > std::numeric_limits<std::uint64_t>::max() - requests_of(a))
        detail::throw_invalid_argument("{}: the {} arm's request counter would overflow", fn,
                                       to_string(static_cast<shadow_arm>(a)));
    for (std::size_t a = 0; a < 2; ++a) {
      errors_[a] += other.errors_[a];
      sketches_[a].merge(other.sketches_[a]);
    }
  }

  /// Appends the block of the file comment.
  void write(detail::byte_writer& w) const {
    w.put(errors_[0]);
    w.put(errors_[1]);
    for (const latency_sketch& l : sketches_) {
      const std::vector<std::uint8_t> b = l.serialize();
      w.put(static_cast<std::uint32_t>(b.size()));
      w.put_array(b.data(), b.size());
    }
  }

  /// Reads the block of the file comment.
  /// @throws std::out_of_range (truncated), std::invalid_argument (corrupt), naming `fn`.
  static shadow_arms read(detail::byte_reader& rd, const void* base, const char* fn) {
    shadow_arms s;
    s.errors_[0] = rd.get<std::uint64_t>("live errors");
    s.errors_[1] = rd.get<std::uint64_t>("shadow errors");
    for (std::size_t a = 0; a < 2; ++a) {
      const auto size = rd.get<std::uint32_t>("latency sketch size");
      rd.require(size, "latency sketch");
      const auto* at = static_cast<const std::uint8_t*>(base) + rd.position();
      s.sketches_[a] = latency_sketch::deserialize(at, size);
      rd.skip(size, "latency sketch");
      if (s.sketches_[a].count() > std::numeric_limits<std::uint64_t>::max() - s.errors_[a])
        detail::throw_invalid_argument("{}: the {} arm's requests overflow", fn, to_string(static_cast<shadow_arm>(a)));
    }
    if (s.sketches_[0].relative_accuracy() != s.sketches_[1].relative_accuracy())
      detail::throw_invalid_argument("{}: the arms' latency accuracies differ ({} and {})", fn,
                                     s.sketches_[0].relative_accuracy(), s.sketches_[1].relative_accuracy());
    return s;
  }

 private:
  static latency_sketch make_sketch(double alpha, const char* owner) {
    if (!(alpha >= latency_sketch::min_relative_accuracy && alpha < 1))
      detail::throw_invalid_argument("{}: latency_accuracy must be in [{}, 1), got {}", owner,
                                     latency_sketch::min_relative_accuracy, alpha);
    return latency_sketch(alpha);
  }
  static std::size_t index(shadow_arm arm, const char* fn) {
    const auto a = static_cast<std::size_t>(arm);
    if (a > 1) detail::throw_invalid_argument("{}: unknown arm {} (live = 0, shadow = 1)", fn, a);
    return a;
  }
  std::uint64_t requests_of(std::size_t a) const noexcept { return sketches_[a].count() + errors_[a]; }

  std::array<latency_sketch, 2> sketches_;
  std::array<std::uint64_t, 2> errors_{};
};

}  // namespace driftscope
