#pragma once
/// @file
/// @brief Threshold rules that turn a stream of drift scores into warning / alarm events,
/// the events themselves, and a bounded event log.
///
/// A `threshold_rule` says when a score is "over" a level: for distances (PSI, JS,
/// Hellinger, ...) a value is over a level when `value >= level` (`threshold_direction::above`);
/// for p-values (KS, chi-square) when `value < level` (`threshold_direction::below`). A rule
/// has a warning level, an alarm level or both, plus `patience` and `cooldown` to stop a
/// noisy score that oscillates around a level from flapping (the "for" duration and
/// re-notification interval of Prometheus alerting rules, counted in evaluations).
///
/// ## Semantics of `threshold_tracker::observe(value)` (one evaluation)
/// Per level L (warning, alarm) the tracker keeps `run[L]`, the number of consecutive
/// evaluations ending at this one whose value was over L, and `silence[L]`, the number of
/// further evaluations during which L must not fire. One evaluation does, in order:
///  1. NaN value: nothing at all (not an evaluation; state unchanged); returns `none`.
///  2. For each set level: `run[L] = over(value, L) ? run[L] + 1 : 0` (saturating).
///  3. For each level: `blocked[L] = silence[L] > 0`, and then `silence[L]` is decremented
///     if positive (this evaluation is one of the cooldown evaluations).
///  4. The alarm fires when `!blocked[alarm] && run[alarm] >= patience`. Then
///     `run[alarm] = 0`, `silence[alarm] = cooldown`, and the alarm also restarts the
///     warning: `run[warning] = 0`, `silence[warning] = max(silence[warning], cooldown)`.
///     Returns `alarm` (a warning that would have fired at this evaluation is not reported).
///  5. Otherwise the warning fires when `!blocked[warning] && run[warning] >= patience`;
///     then `run[warning] = 0`, `silence[warning] = cooldown`; returns `warning`.
///  6. Otherwise returns `none`.
/// A value over the alarm level is also over the warning level (the ordering of the
/// levels guarantees it). Consequences: a score that stays over a level fires it every
/// `max(patience, cooldown + 1)` evaluations; a score that never stays over a level for
/// `patience` evaluations in a row never fires it (no flapping); consecutive-ness is counted
/// through cooldown evaluations, so once a cooldown ends a score that stayed over the level
/// throughout fires again at once (if the run reached `patience`).
///
/// Example (direction above, warning 1, alarm 2, patience 2, cooldown 1):
/// values   1.5  1.5  2.5  2.5  2.5  2.5  0    1.2  1.2
/// fired    -    W    -    A    -    A    -    -    W
///
/// ## Tracker bytes (`write` / `read`, embedded in a monitor's bytes), little-endian
/// | offset | size | field                                            |
/// |--------|------|--------------------------------------------------|
/// | 0      | 1    | tracker format version: 1                        |
/// | 1      | 8    | rule.warning (f64, NaN = unset)                  |
/// | 9      | 8    | rule.alarm (f64, NaN = unset)                    |
/// | 17     | 1    | rule.direction: 0 above, 1 below                 |
/// | 18     | 4    | rule.patience (u32)                              |
/// | 22     | 4    | rule.cooldown (u32)                              |
/// | 26     | 4    | run[warning] (u32)                               |
/// | 30     | 4    | run[alarm] (u32)                                 |
/// | 34     | 4    | silence[warning] (u32, <= cooldown)              |
/// | 38     | 4    | silence[alarm] (u32, <= cooldown)                |
/// A default-constructed tracker (no rule, never fires) writes a rule with both levels NaN.
/// `serialize()` prefixes this with the preamble "DSTT", family id 1, format version 1,
/// flags 0 (8 bytes) for standalone use (Python pickling).
///
/// ## Event bytes (`event_log::write` / `read`)
/// | size   | field                                                    |
/// |--------|----------------------------------------------------------|
/// | 1      | event log format version: 1                              |
/// | 8      | capacity (u64)                                           |
/// | 8      | dropped (u64)                                            |
/// | 8      | number of events n (u64, <= capacity)                    |
/// | n ×    | event: feature (u32 length + bytes), statistic (same),   |
/// |        | level (u8: 1 warning, 2 alarm), value (f64), threshold   |
/// |        | (f64), window_end (u64), timestamp (i64), has_timestamp  |
/// |        | (u8 0/1)                                                 |
///
/// Truncated bytes throw std::out_of_range; corrupt bytes (bad version, invalid rule, a
/// silence longer than the cooldown, a bad level or flag) throw std::invalid_argument.

#include <driftscope/core/bytes.hpp>
#include <driftscope/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace driftscope {

/// @brief The severity an evaluation fired.
enum class alarm_level : std::uint8_t { none = 0, warning = 1, alarm = 2 };

inline const char* to_string(alarm_level l) noexcept {
  switch (l) {
    case alarm_level::none: return "none";
    case alarm_level::warning: return "warning";
    case alarm_level::alarm: return "alarm";
  }
  return "?";
}

/// @brief Parses "none" / "warning" / "alarm". @throws std::invalid_argument naming `level`.
inline alarm_level parse_alarm_level(std::string_view s) {
  if (s == "none") return alarm_level::none;
  if (s == "warning") return alarm_level::warning;
  if (s == "alarm") return alarm_level::alarm;
  detail::throw_invalid_argument("level must be 'none', 'warning' or 'alarm', got '{}'", s);
}

/// @brief Which side of a level counts as "over" it.
enum class threshold_direction : std::uint8_t {
  above = 0,  ///< over when value >= level (distances: PSI, JS, Hellinger, TVD, Wasserstein)
  below = 1,  ///< over when value < level (p-values: KS, chi-square)
};

inline const char* to_string(threshold_direction d) noexcept {
  return d == threshold_direction::below ? "below" : "above";
}

/// @brief Parses "above" / "below". @throws std::invalid_argument naming `direction`.
inline threshold_direction parse_threshold_direction(std::string_view s) {
  if (s == "above") return threshold_direction::above;
  if (s == "below") return threshold_direction::below;
  detail::throw_invalid_argument("direction must be 'above' or 'below', got '{}'", s);
}

/// @brief When a score raises a warning or an alarm (semantics in the file comment).
struct threshold_rule {
  double warning = std::numeric_limits<double>::quiet_NaN();  ///< NaN = no warning level
  double alarm = std::numeric_limits<double>::quiet_NaN();    ///< NaN = no alarm level
  threshold_direction direction = threshold_direction::above;
  std::uint32_t patience = 1;  ///< evaluations in a row over a level before it fires (>= 1)
  std::uint32_t cooldown = 0;  ///< evaluations after a firing during which that level stays silent

  /// A rule for a distance (fires when value >= level). Pass NaN to leave a level unset.
  static threshold_rule distance(double warning, double alarm, std::uint32_t patience = 1,
                                 std::uint32_t cooldown = 0) {
    return threshold_rule{warning, alarm, threshold_direction::above, patience, cooldown};
  }

  /// A rule for a p-value (fires when value < level), e.g. p_value(0.01, 0.001).
  static threshold_rule p_value(double warning, double alarm, std::uint32_t patience = 1,
                                std::uint32_t cooldown = 0) {
    return threshold_rule{warning, alarm, threshold_direction::below, patience, cooldown};
  }

  bool has_warning() const noexcept { return !std::isnan(warning); }
  bool has_alarm() const noexcept { return !std::isnan(alarm); }

  /// True when `value` is over `level` in this rule's direction (false for NaN).
  bool over(double value, double level) const noexcept {
    return direction == threshold_direction::above ? value >= level : value < level;
  }

  /// @brief Checks the rule; `fn` names the caller in messages.
  /// @throws std::invalid_argument when neither level is set, a set level is not finite,
  ///         the levels are out of order (above: warning <= alarm; below: warning >= alarm),
  ///         patience is 0, or direction is not a known value.
  void validate(std::string_view fn) const {
    if (direction != threshold_direction::above && direction != threshold_direction::below)
      detail::throw_invalid_argument("{}: direction must be above (0) or below (1), got {}", fn,
                                     static_cast<unsigned>(direction));
    if (!has_warning() && !has_alarm())
      detail::throw_invalid_argument("{}: a threshold rule needs a warning level, an alarm level or both; both are unset",
                                     fn);
    if (has_warning() && !std::isfinite(warning))
      detail::throw_invalid_argument("{}: warning must be finite, got {}", fn, warning);
    if (has_alarm() && !std::isfinite(alarm))
      detail::throw_invalid_argument("{}: alarm must be finite, got {}", fn, alarm);
    if (has_warning() && has_alarm()) {
      if (direction == threshold_direction::above && warning > alarm)
        detail::throw_invalid_argument("{}: direction 'above' needs warning <= alarm, got warning {} > alarm {}", fn,
                                       warning, alarm);
      if (direction == threshold_direction::below && warning < alarm)
        detail::throw_invalid_argument("{}: direction 'below' needs warning >= alarm, got warning {} < alarm {}", fn,
                                       warning, alarm);
    }
    if (patience < 1) detail::throw_invalid_argument("{}: patience must be >= 1, got {}", fn, patience);
  }

  /// Appends the rule: warning (f64), alarm (f64), direction (u8), patience (u32),
  /// cooldown (u32): 25 bytes.
  void write(detail::byte_writer& w) const {
    w.put(warning);
    w.put(alarm);
    w.put(static_cast<std::uint8_t>(direction));
    w.put(patience);
    w.put(cooldown);
  }

  /// Reads what write() wrote and validates it (`allow_unset`: both levels may be NaN, as
  /// a default-constructed tracker writes). `fn` names the caller in messages.
  /// @throws std::out_of_range when truncated, std::invalid_argument when invalid.
  static threshold_rule read(detail::byte_reader& rd, std::string_view fn, bool allow_unset = false) {
    threshold_rule r;
    r.warning = rd.get<double>("rule.warning");
    r.alarm = rd.get<double>("rule.alarm");
    const auto dir = rd.get<std::uint8_t>("rule.direction");
    if (dir > 1) detail::throw_invalid_argument("{}: rule.direction must be 0 or 1, got {}", fn, dir);
    r.direction = static_cast<threshold_direction>(dir);
    r.patience = rd.get<std::uint32_t>("rule.patience");
    r.cooldown = rd.get<std::uint32_t>("rule.cooldown");
    if (!allow_unset || r.has_warning() || r.has_alarm()) {
      r.validate(fn);
    } else if (r.patience < 1) {
      detail::throw_invalid_argument("{}: patience must be >= 1, got {}", fn, r.patience);
    }
    return r;
  }

  /// Equality with unset (NaN) levels comparing equal.
  friend bool operator==(const threshold_rule& a, const threshold_rule& b) noexcept {
    auto same = [](double x, double y) { return (std::isnan(x) && std::isnan(y)) || x == y; };
    return same(a.warning, b.warning) && same(a.alarm, b.alarm) && a.direction == b.direction &&
           a.patience == b.patience && a.cooldown == b.cooldown;
  }
  friend bool operator!=(const threshold_rule& a, const threshold_rule& b) noexcept { return !(a == b); }
};

/// @brief One fired warning or alarm.
struct alarm_event {
  std::string feature;    ///< column / feature name
  std::string statistic;  ///< e.g. "psi", "ks"
  alarm_level level = alarm_level::none;
  double value = 0;      ///< the score that fired
  double threshold = 0;  ///< the level it crossed
  std::uint64_t window_end = 0;  ///< rows seen when the window was evaluated (its end)
  std::int64_t timestamp = 0;    ///< timestamp (ns) of the evaluation, if has_timestamp
  bool has_timestamp = false;
};

/// Called synchronously for each event.
using alarm_callback = std::function<void(const alarm_event&)>;

/// @brief One rule's state for one (feature, statistic): feed it the scores of successive
/// evaluations; it reports what fires (semantics in the file comment). O(1), no allocation.
class threshold_tracker {
 public:
  static constexpr std::uint8_t serial_version = 1;
  static constexpr std::uint8_t serial_family = 1;
  static constexpr std::size_t serial_payload_bytes = 42;
  static constexpr std::size_t serial_preamble_bytes = 8;

  /// A tracker without levels: observe() never fires.
  threshold_tracker() = default;

  /// @throws std::invalid_argument for an invalid rule (threshold_rule::validate).
  explicit threshold_tracker(threshold_rule rule) : rule_(rule) { rule_.validate("threshold_tracker"); }

  /// @brief One evaluation; returns the level it fired (`none` when nothing fires).
  /// NaN is no evaluation: the state is unchanged and `none` is returned.
  alarm_level observe(double value) noexcept {
    if (std::isnan(value)) return alarm_level::none;
    const bool has_w = rule_.has_warning();
    const bool has_a = rule_.has_alarm();
    run_w_ = (has_w && rule_.over(value, rule_.warning)) ? inc(run_w_) : 0;
    run_a_ = (has_a && rule_.over(value, rule_.alarm)) ? inc(run_a_) : 0;
    const bool blocked_w = silence_w_ > 0;
    const bool blocked_a = silence_a_ > 0;
    if (blocked_w) --silence_w_;
    if (blocked_a) --silence_a_;
    if (has_a && !blocked_a && run_a_ >= rule_.patience) {
      run_a_ = 0;
      silence_a_ = rule_.cooldown;
      run_w_ = 0;
      silence_w_ = std::max(silence_w_, rule_.cooldown);
      return alarm_level::alarm;
    }
    if (has_w && !blocked_w && run_w_ >= rule_.patience) {
      run_w_ = 0;
      silence_w_ = rule_.cooldown;
      return alarm_level::warning;
    }
    return alarm_level::none;
  }

  /// The level that `level` crossed (NaN for none).
  double threshold_of(alarm_level level) const noexcept {
    if (level == alarm_level::alarm) return rule_.alarm;
    if (level == alarm_level::warning) return rule_.warning;
    return std::numeric_limits<double>::quiet_NaN();
  }

  const threshold_rule& rule() const noexcept { return rule_; }

  /// Consecutive evaluations over the warning / alarm level (since the last firing).
  std::uint32_t warning_run() const noexcept { return run_w_; }
  std::uint32_t alarm_run() const noexcept { return run_a_; }
  /// Remaining cooldown evaluations of the warning / alarm level.
  std::uint32_t warning_silence() const noexcept { return silence_w_; }
  std::uint32_t alarm_silence() const noexcept { return silence_a_; }

  /// Back to the freshly constructed state (rule kept).
  void reset() noexcept { run_w_ = run_a_ = silence_w_ = silence_a_ = 0; }

  friend bool operator==(const threshold_tracker& a, const threshold_tracker& b) noexcept {
    return a.rule_ == b.rule_ && a.run_w_ == b.run_w_ && a.run_a_ == b.run_a_ && a.silence_w_ == b.silence_w_ &&
           a.silence_a_ == b.silence_a_;
  }

  /// Appends the tracker's rule and state (layout in the file comment; no preamble).
  void write(detail::byte_writer& w) const {
    w.put(serial_version);
    rule_.write(w);
    w.put(run_w_);
    w.put(run_a_);
    w.put(silence_w_);
    w.put(silence_a_);
  }

  /// Reads what write() wrote.
  /// @throws std::out_of_range when truncated, std::invalid_argument when corrupt.
  static threshold_tracker read(detail::byte_reader& rd) {
    static constexpr const char* fn = "threshold_tracker::read";
    const auto version = rd.get<std::uint8_t>("tracker version");
    if (version != serial_version)
      detail::throw_invalid_argument("{}: unsupported tracker format version {} (this build reads version {})", fn,
                                     version, serial_version);
    const threshold_rule r = threshold_rule::read(rd, fn, /*allow_unset=*/true);
    threshold_tracker t;
    t.rule_ = r;
    t.run_w_ = rd.get<std::uint32_t>("run[warning]");
    t.run_a_ = rd.get<std::uint32_t>("run[alarm]");
    t.silence_w_ = rd.get<std::uint32_t>("silence[warning]");
    t.silence_a_ = rd.get<std::uint32_t>("silence[alarm]");
    if (t.silence_w_ > r.cooldown || t.silence_a_ > r.cooldown)
      detail::throw_invalid_argument("{}: silence ({}, {}) exceeds the cooldown {}", fn, t.silence_w_, t.silence_a_,
                                     r.cooldown);
    if ((!r.has_warning() && t.run_w_ != 0) || (!r.has_alarm() && t.run_a_ != 0))
      detail::throw_invalid_argument("{}: a run count is set for an unset level", fn);
    return t;
  }

  /// Standalone bytes: "DSTT", family 1, version 1, flags 0, then write()'s payload.
  std::vector<std::uint8_t> serialize() const {
    std::vector<std::uint8_t> out;
    out.reserve(serial_preamble_bytes + serial_payload_bytes);
    detail::byte_writer w(out);
    detail::write_preamble(w, "DSTT", serial_family, serial_version);
    w.put(std::uint8_t{0});
    w.put(std::uint8_t{0});
    write(w);
    return out;
  }

  /// @throws std::out_of_range when truncated, std::invalid_argument when corrupt.
  static threshold_tracker deserialize(const void* data, std::size_t size) {
    static constexpr const char* fn = "threshold_tracker::deserialize";
    detail::byte_reader rd(data, size, fn);
    rd.require(serial_preamble_bytes, "preamble");
    detail::read_preamble(rd, "DSTT", serial_family, serial_version, fn, "threshold_tracker");
    if (rd.get<std::uint8_t>("flags") != 0) detail::throw_invalid_argument("{}: flags must be 0", fn);
    if (rd.get<std::uint8_t>("reserved") != 0) detail::throw_invalid_argument("{}: reserved byte must be 0", fn);
    rd.require(serial_payload_bytes, "payload");
    threshold_tracker t = read(rd);
    if (rd.remaining() != 0) detail::throw_invalid_argument("{}: {} trailing bytes", fn, rd.remaining());
    return t;
  }

 private:
  static std::uint32_t inc(std::uint32_t r) noexcept {
    return r == std::numeric_limits<std::uint32_t>::max() ? r : r + 1;
  }

  threshold_rule rule_{};
  std::uint32_t run_w_ = 0;
  std::uint32_t run_a_ = 0;
  std::uint32_t silence_w_ = 0;
  std::uint32_t silence_a_ = 0;
};

/// @brief A bounded log of events: keeps the last `capacity` (oldest first) and counts
/// the ones it dropped to stay within it. Capacity 0 keeps none (every push is dropped).
class event_log {
 public:
  static constexpr std::uint8_t serial_version = 1;

  explicit event_log(std::size_t capacity = 10000) : capacity_(capacity) {}

  /// Appends an event, dropping the oldest when full.
  void push(alarm_event e) {
    if (capacity_ == 0) {
      ++dropped_;
      return;
    }
    if (events_.size() == capacity_) {
      events_.pop_front();
      ++dropped_;
    }
    events_.push_back(std::move(e));
  }

  /// The kept events, oldest first.
  const std::deque<alarm_event>& events() const noexcept { return events_; }
  std::size_t size() const noexcept { return events_.size(); }
  bool empty() const noexcept { return events_.empty(); }
  /// Events pushed but no longer kept (since construction or the last clear()).
  std::uint64_t dropped() const noexcept { return dropped_; }
  std::size_t capacity() const noexcept { return capacity_; }
  /// @throws std::out_of_range when i >= size().
  const alarm_event& at(std::size_t i) const {
    if (i >= events_.size()) detail::throw_out_of_range("event_log: index {} out of range for {} events", i, events_.size());
    return events_[i];
  }
  const alarm_event& operator[](std::size_t i) const noexcept { return events_[i]; }

  /// Removes every event and resets dropped() to 0 (capacity kept).
  void clear() noexcept {
    events_.clear();
    dropped_ = 0;
  }

  /// Appends the log (layout in the file comment).
  void write(detail::byte_writer& w) const {
    w.put(serial_version);
    w.put(static_cast<std::uint64_t>(capacity_));
    w.put(dropped_);
    w.put(static_cast<std::uint64_t>(events_.size()));
    for (const alarm_event& e : events_) {
      put_string(w, e.feature);
      put_string(w, e.statistic);
      w.put(static_cast<std::uint8_t>(e.level));
      w.put(e.value);
      w.put(e.threshold);
      w.put(e.window_end);
      w.put(e.timestamp);
      w.put(static_cast<std::uint8_t>(e.has_timestamp ? 1 : 0));
    }
  }

  /// Reads what write() wrote.
  /// @throws std::out_of_range when truncated, std::invalid_argument when corrupt.
  static event_log read(detail::byte_reader& rd) {
    static constexpr const char* fn = "event_log::read";
    const auto version = rd.get<std::uint8_t>("event log version");
    if (version != serial_version)
      detail::throw_invalid_argument("{}: unsupported event log format version {} (this build reads version {})", fn,
                                     version, serial_version);
    const auto capacity = rd.get<std::uint64_t>("capacity");
    const auto dropped = rd.get<std::uint64_t>("dropped");
    const auto n = rd.get<std::uint64_t>("number of events");
    if (capacity > std::numeric_limits<std::size_t>::max())
      detail::throw_invalid_argument("{}: capacity {} too large", fn, capacity);
    if (n > capacity) detail::throw_invalid_argument("{}: {} events exceed the capacity {}", fn, n, capacity);
    // each event takes at least 4 + 4 + 1 + 8 + 8 + 8 + 8 + 1 = 42 bytes
    rd.require_array(n, 42, "events");
    event_log log(static_cast<std::size_t>(capacity));
    log.dropped_ = dropped;
    for (std::uint64_t i = 0; i < n; ++i) {
      alarm_event e;
      e.feature = get_string(rd, "event.feature");
      e.statistic = get_string(rd, "event.statistic");
      const auto level = rd.get<std::uint8_t>("event.level");
      if (level != 1 && level != 2)
        detail::throw_invalid_argument("{}: event level must be 1 (warning) or 2 (alarm), got {}", fn, level);
      e.level = static_cast<alarm_level>(level);
      e.value = rd.get<double>("event.value");
      e.threshold = rd.get<double>("event.threshold");
      e.window_end = rd.get<std::uint64_t>("event.window_end");
      e.timestamp = rd.get<std::int64_t>("event.timestamp");
      const auto has_ts = rd.get<std::uint8_t>("event.has_timestamp");
      if (has_ts > 1) detail::throw_invalid_argument("{}: event.has_timestamp must be 0 or 1, got {}", fn, has_ts);
      e.has_timestamp = has_ts != 0;
      log.events_.push_back(std::move(e));
    }
    return log;
  }

 private:
  static void put_string(detail::byte_writer& w, const std::string& s) {
    w.put(static_cast<std::uint32_t>(s.size()));
    w.put_array(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  }
  static std::string get_string(detail::byte_reader& rd, const char* field) {
    const auto len = rd.get<std::uint32_t>(field);
    rd.require(len, field);
    std::string s(len, '\0');
    rd.get_array(reinterpret_cast<std::uint8_t*>(s.data()), len, field);
    return s;
  }

  std::size_t capacity_;
  std::uint64_t dropped_ = 0;
  std::deque<alarm_event> events_;
};

}  // namespace driftscope
