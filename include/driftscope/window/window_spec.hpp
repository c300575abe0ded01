#pragma once
/// @file
/// @brief Which values form the current window of a stream, and when it is evaluated.
///
/// Every windowed statistic, and the stream monitor, take a `window_spec`. The schedule is
/// the same for all of them (t = number of values seen so far, 1-based, missing values
/// included: a window of 1000 rows is 1000 rows even if some were NaN):
/// - `sliding(size, stride)`: the window is the last `size` values. The t-th value closes
///   a window (an *evaluation point*) when t >= size and (t - size) % stride == 0. The
///   state after that update is the evaluated window. Memory: the window's values (or one
///   byte per value for histogram windows) plus the statistic's own state.
/// - `tumbling(size)`: disjoint windows of `size` values; value t closes one when
///   t % size == 0, and value t + 1 starts the next. The values of a tumbling window are
///   those of `sliding(size, size)`, but a histogram needs no ring: O(bins) memory.
/// - `time(duration_ns, stride_ns)`: caller-supplied int64 timestamps in nanoseconds,
///   non-decreasing (a timestamp below the previous one is rejected with
///   std::invalid_argument naming `timestamp`; equal timestamps are fine). Evaluation
///   boundaries are b_k = origin + k * stride_ns (k >= 1, origin = the first timestamp).
///   When a value arrives with timestamp >= the next boundary, the window at the largest
///   boundary b <= timestamp is evaluated *before* the value is added: it holds the values
///   seen so far with timestamp in [b - duration_ns, b). Boundaries skipped by a gap in
///   the stream are not evaluated one by one (only the latest); the next boundary is
///   b + stride_ns. Memory: the values inside `duration_ns` (unbounded if the caller
///   sends unboundedly many per duration; the caller controls the rate).
/// - `decaying(half_life, stride)`: every value ever seen, weighted by
///   2^(-(t_now - t_value) / half_life) (exponential forgetting; a value's weight halves
///   every `half_life` values); evaluated every `stride` values (t % stride == 0).
///   Histogram statistics only (no exact KS on weighted samples). O(bins) memory.

#include <driftscope/core/error.hpp>

#include <cmath>
#include <cstdint>
#include <string_view>

namespace driftscope {

/// @brief The window schedules (serialized as these ids; never reuse one).
enum class window_kind : std::uint8_t {
  sliding = 1,
  tumbling = 2,
  time = 3,
  decaying = 4,
};

inline const char* to_string(window_kind k) noexcept {
  switch (k) {
    case window_kind::sliding: return "sliding";
    case window_kind::tumbling: return "tumbling";
    case window_kind::time: return "time";
    case window_kind::decaying: return "decaying";
  }
  return "?";
}

/// @brief A window schedule; build it with the named constructors, which validate.
struct window_spec {
  window_kind kind = window_kind::sliding;
  std::uint64_t size = 1000;      ///< sliding / tumbling: values per window
  std::uint64_t stride = 100;     ///< sliding / decaying: values between evaluations
  std::int64_t duration_ns = 0;   ///< time: window length in nanoseconds
  std::int64_t stride_ns = 0;     ///< time: nanoseconds between evaluation boundaries
  double half_life = 0.0;         ///< decaying: values after which a weight halves

  /// Largest sliding / tumbling size: 2^32 - 1 values. A sliding window holds its values
  /// (or their bin codes) in memory; the cap also keeps corrupt serialized bytes from
  /// asking for an absurd allocation.
  static constexpr std::uint64_t max_size = 0xFFFFFFFFull;

  /// @throws std::invalid_argument for size 0, stride 0 or stride > size.
  static window_spec sliding(std::uint64_t size, std::uint64_t stride) {
    window_spec s;
    s.kind = window_kind::sliding;
    s.size = size;
    s.stride = stride;
    s.validate("window_spec::sliding");
    return s;
  }

  /// @throws std::invalid_argument for size 0.
  static window_spec tumbling(std::uint64_t size) {
    window_spec s;
    s.kind = window_kind::tumbling;
    s.size = size;
    s.stride = size;
    s.validate("window_spec::tumbling");
    return s;
  }

  /// @throws std::invalid_argument unless 0 < stride_ns <= duration_ns.
  static window_spec time(std::int64_t duration_ns, std::int64_t stride_ns) {
    window_spec s;
    s.kind = window_kind::time;
    s.size = 0;
    s.stride = 0;
    s.duration_ns = duration_ns;
    s.stride_ns = stride_ns;
    s.validate("window_spec::time");
    return s;
  }

  /// @throws std::invalid_argument unless half_life > 0 and finite, stride >= 1.
  static window_spec decaying(double half_life, std::uint64_t stride = 1) {
    window_spec s;
    s.kind = window_kind::decaying;
    s.size = 0;
    s.stride = stride;
    s.half_life = half_life;
    s.validate("window_spec::decaying");
    return s;
  }

  bool is_time() const noexcept { return kind == window_kind::time; }
  bool is_count() const noexcept { return kind == window_kind::sliding || kind == window_kind::tumbling; }

  /// @throws std::invalid_argument naming `fn`, the field and the value.
  void validate(std::string_view fn) const {
    switch (kind) {
      case window_kind::sliding:
        if (size == 0) detail::throw_invalid_argument("{}: window size must be >= 1, got 0", fn);
        if (size > max_size) detail::throw_invalid_argument("{}: window size must be <= {}, got {}", fn, max_size, size);
        if (stride == 0 || stride > size)
          detail::throw_invalid_argument("{}: stride must be in [1, size = {}], got {}", fn, size, stride);
        return;
      case window_kind::tumbling:
        if (size == 0) detail::throw_invalid_argument("{}: window size must be >= 1, got 0", fn);
        if (size > max_size) detail::throw_invalid_argument("{}: window size must be <= {}, got {}", fn, max_size, size);
        if (stride != size)
          detail::throw_invalid_argument("{}: a tumbling window's stride equals its size ({}), got {}", fn, size,
                                         stride);
        return;
      case window_kind::time:
        if (duration_ns <= 0) detail::throw_invalid_argument("{}: duration must be > 0 ns, got {}", fn, duration_ns);
        if (stride_ns <= 0 || stride_ns > duration_ns)
          detail::throw_invalid_argument("{}: time stride must be in [1, duration = {}] ns, got {}", fn, duration_ns,
                                         stride_ns);
        return;
      case window_kind::decaying:
        if (!(half_life > 0.0) || !std::isfinite(half_life))
          detail::throw_invalid_argument("{}: half_life must be > 0 and finite, got {}", fn, half_life);
        if (stride == 0) detail::throw_invalid_argument("{}: stride must be >= 1, got 0", fn);
        return;
    }
    detail::throw_invalid_argument("{}: window kind is not a valid window_kind ({})", fn, static_cast<int>(kind));
  }
};

/// @brief Where an evaluated window ends: `index` = values seen when it closed (t);
/// `timestamp` = the boundary b for time windows, else the last value's timestamp if the
/// caller gave timestamps, else 0; `has_timestamp` says which.
struct window_end {
  std::uint64_t index = 0;
  std::int64_t timestamp = 0;
  bool has_timestamp = false;
};

}  // namespace driftscope
