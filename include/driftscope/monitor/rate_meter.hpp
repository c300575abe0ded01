#pragma once
/// @file
/// @brief rate_meter: event throughput as exponentially weighted 1-, 5- and 15-minute
/// rates (the Unix load average / Dropwizard Metrics `Meter` scheme), driven by the
/// caller's timestamps; mergeable and serializable.
///
/// Scheme: time is cut into 5-second ticks starting at the meter's start. Events marked
/// during a tick are counted; when a tick ends, each window's rate (events per second)
/// moves towards the tick's instantaneous rate `u / 5 s` (`u` = events of that tick):
///   r ← r + α·(u/5 − r),   α = 1 − exp(−5 s / (60 s · minutes)),   minutes ∈ {1, 5, 15},
/// and the very first tick sets r = u/5 (Dropwizard's initialization, so a fresh meter does
/// not crawl up from 0 for 15 minutes). A tick without events decays r by (1 − α), so k
/// ticks after the last one with events apply the closed form
///   r_k = r_1 · (1 − α)^(k−1) = r_1 · exp(−(k−1)·5 / (60·minutes)),
/// evaluated in O(1) however long the meter was idle (hours of silence are not a loop).
/// References: Dropwizard Metrics `Meter` / `EWMA` (5 s tick, the same α), and the Unix
/// load average (Ferrari & Zhou 1987; Linux `kernel/sched/loadavg.c`) it imitates.
///
/// Time: timestamps are int64 nanoseconds (the project's convention: stream_monitor's
/// timestamp_ns), non-decreasing per meter: an earlier timestamp than the last one seen
/// throws std::invalid_argument naming "timestamp". A timestamp exactly on a tick boundary
/// belongs to the new tick. The rates reported at time t are those of the last completed
/// tick at t (events of the current, unfinished tick show up when it ends), as Dropwizard.
/// Queries are const: `rates(t)` computes the ticks up to t without changing the meter;
/// `mark` and `advance` move its clock. A default-constructed meter starts at its first
/// `mark` / `advance` timestamp.
///
/// Merge (shards of one service, each with its own meter): the update is linear once a
/// meter is initialized, so the rates of the union of the streams are the sums of the
/// shards' rates when the meters tick together, i.e. their starts differ by a whole number
/// of ticks (else std::invalid_argument). merge() brings both to the later tick, then adds
/// rates, pending events and counts; the start is the earlier one. Guarantees: meters
/// that started on the same tick merge into exactly the meter of both streams; meters
/// started on different ticks of one grid merge into the sum of their rates, now and (fed
/// the same later events) at every later time, as long as both have completed a tick. A
/// meter still in its first tick merged into a running one has that tick folded into the
/// EWMA (weight α) instead of initializing it, a transient that decays as (1 − α)^k.
///
/// Cost: mark() is a comparison, one integer division and a few additions (an exp per
/// window when a tick boundary passed); no allocation. Memory: 74 bytes.
///
/// ## Serialized format (version 1), little-endian, 74 bytes
/// | offset | size | field                                                   |
/// |--------|------|---------------------------------------------------------|
/// | 0      | 4    | magic: ASCII "DSMR"                                     |
/// | 4      | 1    | family id: 42 (rate_meter)                              |
/// | 5      | 1    | format version: 1                                       |
/// | 6      | 2    | flags, reserved: 0                                      |
/// | 8      | 1    | started (u8 0 / 1)                                      |
/// | 9      | 1    | initialized: a tick has completed (u8 0 / 1)            |
/// | 10     | 8    | start (i64 ns)                                          |
/// | 18     | 8    | start of the current tick (i64 ns)                      |
/// | 26     | 8    | last timestamp seen (i64 ns)                            |
/// | 34     | 8    | count: events marked in total (u64)                     |
/// | 42     | 8    | events of the current tick (u64)                        |
/// | 50     | 24   | 1-, 5-, 15-minute rates, events per second (3 × f64)    |
/// Truncated bytes throw std::out_of_range; corrupt ones (magic, family, version, flags,
/// flags not 0/1, a tick not on the start's grid, the last timestamp outside the current
/// tick, pending events above the count, negative or non-finite rates, state on a
/// non-started meter, trailing bytes) std::invalid_argument.
///
/// Example:
/// @code
///   driftscope::rate_meter m(t0_ns);
///   m.mark(1, now_ns);                 // one request
///   const auto r = m.rates(now_ns);    // r.m1, r.m5, r.m15 in requests per second
/// @endcode

#include <driftscope/core/bytes.hpp>
#include <driftscope/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace driftscope {

/// @brief The three EWMA rates, events per second.
struct meter_rates {
  double m1 = 0;   ///< 1-minute rate
  double m5 = 0;   ///< 5-minute rate
  double m15 = 0;  ///< 15-minute rate
};

/// @brief 1 / 5 / 15-minute exponentially weighted event rates (see the file comment).
class rate_meter {
 public:
  static constexpr std::uint8_t serial_family = 42;
  static constexpr std::uint8_t serial_version = 1;
  static constexpr std::size_t serialized_bytes = 74;
  /// Tick length: 5 seconds, in nanoseconds.
  static constexpr std::int64_t tick_ns = 5'000'000'000;
  /// The windows, in minutes.
  static constexpr double window_minutes[3] = {1.0, 5.0, 15.0};

  /// A meter that starts at the first timestamp it sees.
  rate_meter() = default;

  /// A meter whose ticks start at `start_ns` (meters to be merged share a tick grid).
  explicit rate_meter(std::int64_t start_ns) : started_(true), start_(start_ns), tick_start_(start_ns), last_(start_ns) {}

  /// @brief Counts `n` events at `timestamp_ns` (completing any ticks that ended before).
  /// @throws std::invalid_argument when timestamp_ns is before the last timestamp seen.
  void mark(std::uint64_t n, std::int64_t timestamp_ns) {
    advance_to(timestamp_ns, "rate_meter::mark");
    count_ += n;
    pending_ += n;
  }

  /// @brief Moves the clock to `timestamp_ns` without events (completes ended ticks).
  /// @throws std::invalid_argument when timestamp_ns is before the last timestamp seen.
  void advance(std::int64_t timestamp_ns) { advance_to(timestamp_ns, "rate_meter::advance"); }

  /// @brief The 1-, 5- and 15-minute rates (events per second) as of `timestamp_ns`:
  /// those of the last tick completed by then. 0 before the first tick completes.
  /// @throws std::invalid_argument when timestamp_ns is before the last timestamp seen.
  meter_rates rates(std::int64_t timestamp_ns) const {
    check_time(timestamp_ns, "rate_meter::rates");
    double r[3] = {rate_[0], rate_[1], rate_[2]};
    if (started_) ticked(r, ticks_until(timestamp_ns), initialized_, pending_);
    return meter_rates{r[0], r[1], r[2]};
  }
  /// The 1-minute rate at `timestamp_ns` (see rates()).
  double rate_1m(std::int64_t timestamp_ns) const { return rates(timestamp_ns).m1; }
  /// The 5-minute rate at `timestamp_ns` (see rates()).
  double rate_5m(std::int64_t timestamp_ns) const { return rates(timestamp_ns).m5; }
  /// The 15-minute rate at `timestamp_ns` (see rates()).
  double rate_15m(std::int64_t timestamp_ns) const { return rates(timestamp_ns).m15; }

  /// @brief count() / seconds since the start, events per second; 0 when count() is 0.
  /// @throws std::invalid_argument for an earlier timestamp than the last one seen;
  ///         std::domain_error when events were counted and no time has passed.
  double mean_rate(std::int64_t timestamp_ns) const {
    check_time(timestamp_ns, "rate_meter::mean_rate");
    if (count_ == 0) return 0.0;
    const std::uint64_t elapsed = diff(timestamp_ns, start_);
    if (elapsed == 0)
      detail::throw_domain_error("rate_meter::mean_rate: {} events but no time has passed since the start", count_);
    return static_cast<double>(count_) / (static_cast<double>(elapsed) * 1e-9);
  }

  /// Events marked in total.
  std::uint64_t count() const noexcept { return count_; }
  /// True once the meter has a start (constructed with one, or marked / advanced).
  bool started() const noexcept { return started_; }
  /// The start of the tick grid (ns); 0 when not started.
  std::int64_t start_ns() const noexcept { return start_; }
  /// The last timestamp seen by mark / advance (ns); 0 when not started.
  std::int64_t last_timestamp_ns() const noexcept { return last_; }

  /// @brief Adds `other`'s events into this meter (see the file comment for exactness).
  /// @throws std::invalid_argument when both are started and their starts are not a whole
  ///         number of ticks apart.
  void merge(const rate_meter& other) {
    if (!other.started_) return;
    if (!started_) {
      *this = other;
      return;
    }
    if (diff(std::max(start_, other.start_), std::min(start_, other.start_)) % tick_ns != 0)
      detail::throw_invalid_argument("rate_meter::merge: the meters' ticks are not aligned: starts {} and {} ns are "
                                     "not a multiple of {} ns apart", start_, other.start_, tick_ns);
    rate_meter b = other;
    const std::int64_t tick = std::max(tick_start_, b.tick_start_);
    apply_ticks(diff(tick, tick_start_) / tick_ns);
    b.apply_ticks(diff(tick, b.tick_start_) / tick_ns);
    for (int w = 0; w < 3; ++w) rate_[w] += b.rate_[w];
    initialized_ = initialized_ || b.initialized_;
    pending_ += b.pending_;
    count_ += b.count_;
    start_ = std::min(start_, b.start_);
    last_ = std::max(last_, b.last_);
  }

  std::size_t serialized_size_bytes() const noexcept { return serialized_bytes; }

  std::vector<std::uint8_t> serialize() const {
    std::vector<std::uint8_t> out;
    out.reserve(serialized_bytes);
    detail::byte_writer w(out);
    detail::write_preamble(w, "DSMR", serial_family, serial_version);
    w.put_zeros(2);
    w.put(static_cast<std::uint8_t>(started_));
    w.put(static_cast<std::uint8_t>(initialized_));
    w.put(start_);
    w.put(tick_start_);
    w.put(last_);
    w.put(count_);
    w.put(pending_);
    for (double r : rate_) w.put(r);
    return out;
  }

  /// @throws std::out_of_range (truncated), std::invalid_argument (corrupt).
  static rate_meter deserialize(const void* data, std::size_t size) {
    static constexpr const char* fn = "rate_meter::deserialize";
    detail::byte_reader rd(data, size, fn);
    rd.require(serialized_bytes, "state");
    detail::read_preamble(rd, "DSMR", serial_family, serial_version, fn, "rate_meter");
    for (int i = 0; i < 2; ++i)
      if (rd.get<std::uint8_t>("flags") != 0) detail::throw_invalid_argument("{}: flag bytes must be 0", fn);
    const auto started = rd.get<std::uint8_t>("started");
    const auto initialized = rd.get<std::uint8_t>("initialized");
    if (started > 1 || initialized > 1)
      detail::throw_invalid_argument("{}: started / initialized must be 0 or 1, got {} / {}", fn, started, initialized);
    rate_meter m;
    m.started_ = started == 1;
    m.initialized_ = initialized == 1;
    m.start_ = rd.get<std::int64_t>("start");
    m.tick_start_ = rd.get<std::int64_t>("tick start");
    m.last_ = rd.get<std::int64_t>("last timestamp");
    m.count_ = rd.get<std::uint64_t>("count");
    m.pending_ = rd.get<std::uint64_t>("pending");
    for (double& r : m.rate_) r = rd.get<double>("rate");
    if (rd.remaining() != 0) detail::throw_invalid_argument("{}: {} trailing bytes after the state", fn, rd.remaining());
    for (double r : m.rate_)
      if (!std::isfinite(r) || r < 0) detail::throw_invalid_argument("{}: rates must be finite and >= 0, got {}", fn, r);
    if (!m.started_) {
      if (m.initialized_ || m.start_ != 0 || m.tick_start_ != 0 || m.last_ != 0 || m.count_ != 0 || m.pending_ != 0 ||
          m.rate_[0] != 0 || m.rate_[1] != 0 || m.rate_[2] != 0)
        detail::throw_invalid_argument("{}: a meter that has not started must hold no state", fn);
      return m;
    }
    if (m.tick_start_ < m.start_ || diff(m.tick_start_, m.start_) % tick_ns != 0)
      detail::throw_invalid_argument("{}: tick start {} is not on the grid of start {}", fn, m.tick_start_, m.start_);
    if (m.last_ < m.tick_start_ || diff(m.last_, m.tick_start_) >= static_cast<std::uint64_t>(tick_ns))
      detail::throw_invalid_argument("{}: last timestamp {} is outside the current tick starting at {}", fn, m.last_,
                                     m.tick_start_);
    if (m.pending_ > m.count_)
      detail::throw_invalid_argument("{}: pending events {} exceed the count {}", fn, m.pending_, m.count_);
    if (!m.initialized_ && (m.tick_start_ != m.start_ || m.rate_[0] != 0 || m.rate_[1] != 0 || m.rate_[2] != 0))
      detail::throw_invalid_argument("{}: a meter without a completed tick must be in its first tick with rates 0", fn);
    return m;
  }

 private:
  /// b − a for b >= a, as unsigned (no overflow across the whole int64 range).
  static std::uint64_t diff(std::int64_t b, std::int64_t a) noexcept {
    return static_cast<std::uint64_t>(b) - static_cast<std::uint64_t>(a);
  }

  void check_time(std::int64_t t, const char* fn) const {
    if (started_ && t < last_)
      detail::throw_invalid_argument("{}: timestamp must not go back: got {} ns after {} ns", fn, t, last_);
  }

  std::uint64_t ticks_until(std::int64_t t) const noexcept { return diff(t, tick_start_) / tick_ns; }

  /// Applies `k` completed ticks to rates `r`, the first with `pending` events.
  static void ticked(double (&r)[3], std::uint64_t k, bool initialized, std::uint64_t pending) noexcept {
    if (k == 0) return;
    constexpr double tick_s = static_cast<double>(tick_ns) * 1e-9;
    const double instant = static_cast<double>(pending) / tick_s;
    for (int w = 0; w < 3; ++w) {
      const double lambda = tick_s / (60.0 * window_minutes[w]);  // alpha = 1 - exp(-lambda)
      double v = initialized ? r[w] + -std::expm1(-lambda) * (instant - r[w]) : instant;
      if (k > 1) v *= std::exp(-static_cast<double>(k - 1) * lambda);  // k - 1 idle ticks, closed form
      r[w] = v;
    }
  }

  void apply_ticks(std::uint64_t k) noexcept {
    if (k == 0) return;
    ticked(rate_, k, initialized_, pending_);
    initialized_ = true;
    pending_ = 0;
    tick_start_ = static_cast<std::int64_t>(static_cast<std::uint64_t>(tick_start_) + k * tick_ns);
  }

  void advance_to(std::int64_t t, const char* fn) {
    if (!started_) {
      started_ = true;
      start_ = tick_start_ = last_ = t;
      return;
    }
    check_time(t, fn);
    apply_ticks(ticks_until(t));
    last_ = t;
  }

  bool started_ = false;
  bool initialized_ = false;
  std::int64_t start_ = 0;
  std::int64_t tick_start_ = 0;  ///< start of the current (unfinished) tick
  std::int64_t last_ = 0;
  std::uint64_t count_ = 0;
  std::uint64_t pending_ = 0;  ///< events of the current tick
  double rate_[3] = {0, 0, 0};
};

}  // namespace driftscope
