#pragma once
/// @file
/// @brief Time-based alert rules that do not flap: a condition on one metric with a
/// warning and an alarm level (each with a fire and a clear level), Prometheus' `for` and
/// `keep_firing_for`, a deterministic state machine driven by the caller's timestamps,
/// events to a bounded log and a callback, and the export of the rules as a Prometheus
/// alerting-rule file that behaves the same way.
///
/// This is the time-based successor of monitor/threshold.hpp (which counts evaluations):
/// durations are nanoseconds of the caller's clock, as everywhere in the monitoring layer.
///
/// ## Conditions (`alert_condition`) and levels (`alert_level`)
/// A level L of a condition is turned, once, into two thresholds (lower, upper); the
/// condition holds for a value x when `x < lower || x > upper` (strict, as PromQL's `<` and
/// `>`; NaN never satisfies it):
///
/// | kind                        | holds when (level L)                          | hysteresis    |
/// |-----------------------------|-----------------------------------------------|---------------|
/// | above                       | x > L                                         | clear <= fire |
/// | below                       | x < L                                         | clear >= fire |
/// | outside_band(low, high)     | x < low − L or x > high + L (L: margin)       | clear <= fire |
/// | relative_to_reference, over | x > ref + L   (L: delta over the reference)   | clear <= fire |
/// | relative_to_reference, under| x < ref − L   (L: delta under the reference)  | clear <= fire |
/// | sigma_band(mean, sd)        | x < mean − L·sd or x > mean + L·sd (L: k)     | clear <= fire |
///
/// Example: "missing share more than 10 points over the reference's 0.02" is
/// `relative_to_reference(0.02, over)` with fire level 0.10; "mean outside ±3σ of the
/// reference" is `sigma_band(ref_mean, ref_sd)` with fire level 3 (|x − mean| > 3·sd, the
/// bounds mean ± 3·sd rounded once to double). The exported PromQL compares with the same
/// rounded constants, so Prometheus and this class agree bit for bit.
///
/// Hysteresis: while an alert is pending or firing, the condition that keeps it active
/// uses the clear level (a wider region) instead of the fire level, so a value that
/// oscillates around the fire level does not end and restart the alert. A clear level
/// that would make the active region narrower than the firing region contradicts the
/// rule and is refused (for an upper bound: clear <= fire).
///
/// ## State machine (`alert_tracker::observe(value, timestamp)`), per severity
/// Prometheus' alerting-rule semantics (rules/alerting.go, AlertingRule.Eval, Prometheus
/// 2.42+, read from the source), with the hysteresis added. Let `cond` be the condition at
/// the fire level when the state is inactive or resolved, and at the clear level when it
/// is pending or firing. At an evaluation at time ts:
///  - cond true:  inactive / resolved → pending with active_since = ts; a firing alert
///    that was being kept firing stops being kept (keep_since is cleared).
///    Then, in the same evaluation: pending → firing when ts − active_since >= for
///    (so for = 0 fires at the first true evaluation, after a pending event at the same ts).
///  - cond false: pending → inactive (the pending alert is dropped; nothing fired);
///    firing → stays firing while keep_firing_for > 0 and ts − keep_since <
///    keep_firing_for, where keep_since is the time of the first false evaluation of this
///    run of false evaluations; otherwise firing → resolved. A resolved alert is inactive
///    for every purpose; the next evaluation moves it silently to inactive (or, if the
///    condition holds again, to pending with an event from `resolved`).
/// Note the keep_firing_for clock starts at the first evaluation where the condition is
/// false (Prometheus' KeepFiringSince), not at the last true one: with evaluations every
/// minute and keep_firing_for = 2m, an alert whose condition turns false at t = 5m is
/// still firing at 5m and 6m and resolves at 7m.
///
/// Missing data: a NaN value is an evaluation where the condition is false, as an absent
/// series in Prometheus (the expression returns nothing): a pending alert is dropped, a
/// firing one starts its keep_firing_for clock or resolves. To skip a value instead, do
/// not call observe().
///
/// Timestamps are std::int64_t nanoseconds and must be non-decreasing across calls
/// (std::invalid_argument naming `timestamp` otherwise; the state is then unchanged).
/// Durations (`for_duration`, `keep_firing_for`) are std::int64_t nanoseconds >= 0. The
/// Prometheus export needs them in whole milliseconds (Prometheus' duration resolution).
///
/// Events: every transition (inactive/resolved → pending, pending → inactive, pending →
/// firing, firing → resolved) is an `alert_event` {rule, severity, from_state, to_state,
/// value, timestamp, active_since}. observe() returns the transitions of that evaluation
/// (at most 4, no allocation), appends the events to the tracker's bounded `alert_log`
/// (the last `event_capacity` events; older ones are dropped and counted) and then calls
/// the optional callback for each, in order (warning before alarm). If the callback
/// throws, the state and the log are already updated, the remaining callbacks of that
/// evaluation are skipped and the exception propagates.
///
/// Memory bound: sizeof(alert_tracker) + the rule's strings + at most event_capacity
/// events of sizeof(alert_event) (64 bytes) + the rule name's length beyond the small-string
/// buffer each (default capacity 1000: about 64 KB). observe() allocates only when it
/// logs an event.
///
/// ## Prometheus export (`to_prometheus_yaml`)
/// Each severity of each rule becomes one alerting rule named `alert_name()` with label
/// severity = warning | critical, `for`, `keep_firing_for`, the rule's labels and
/// annotations (summary first). The expression for an upper bound with hysteresis is
///   `x > F or (x > C and on() ALERTS{alertname="N",severity="S",alertstate=~"firing|pending"})`
/// (ALERTS is the series Prometheus writes for the rule's own pending / firing alert at
/// the previous evaluation, so the clear level applies exactly while the alert is active,
/// as in the state machine above); without hysteresis just `x > F`. `x` is the metric's
/// name or, when given, a PromQL expression for the metric (put in parentheses). The
/// `on()` match assumes the expression returns one series (one alert per rule).
/// tests/python/test_alert_rule.py runs `promtool test rules` on exported rules with our
/// timelines as the expected alerts.
///
/// ## Rule bytes (`alert_rule::serialize`), little-endian
/// | size  | field                                                                 |
/// |-------|-----------------------------------------------------------------------|
/// | 4     | magic: ASCII "DSAR"                                                   |
/// | 1     | family id: 40 (alert_rule)                                            |
/// | 1     | format version: 1                                                     |
/// | 2     | flags, reserved: 0                                                    |
/// | 4 + n | metric (u32 length + UTF-8 bytes; the same for every string below)    |
/// | 4 + n | name (empty = the metric)                                             |
/// | 1     | condition kind: 0 above, 1 below, 2 outside_band, 3 relative, 4 sigma |
/// | 1     | reference side: 0 over, 1 under                                       |
/// | 4 × 8 | low, high, reference, reference_sd (f64; NaN where unused)            |
/// | 2 × 18| warning, alarm: set (u8 0/1), has clear (u8 0/1), fire (f64), clear (f64)|
/// | 8     | for_duration (i64 ns)                                                 |
/// | 8     | keep_firing_for (i64 ns)                                              |
/// | 4 + n | summary                                                               |
/// | 4     | number of labels (u32), then each: name, value (strings)              |
/// | 4     | number of annotations (u32), then each: name, value (strings)         |
///
/// ## Tracker bytes (`alert_tracker::serialize`), little-endian
/// | size   | field                                                                |
/// |--------|----------------------------------------------------------------------|
/// | 8      | preamble: "DSAT", family id 41, format version 1, flags 0, reserved 0 |
/// | ...    | the rule, as in the rule bytes after their 8-byte preamble           |
/// | 1      | has a last timestamp (u8 0/1)                                        |
/// | 8      | last timestamp (i64 ns; 0 when none)                                 |
/// | 8      | evaluations (u64)                                                    |
/// | 2 × 18 | warning, alarm: state (u8), active_since (i64), keeping (u8 0/1),     |
/// |        | keep_since (i64)                                                     |
/// | 8      | event log capacity (u64)                                             |
/// | 8      | dropped events (u64)                                                 |
/// | 8      | number of events n (u64, <= capacity)                                |
/// | n × 27 | event: severity (u8), from (u8), to (u8), value (f64), timestamp     |
/// |        | (i64), active_since (i64); the rule name is the tracker's            |
/// The callback is not serialized. Truncated bytes throw std::out_of_range; corrupt bytes
/// (magic, family, version, flags, an invalid rule, an unknown state, a state that the
/// rule or the timestamps cannot produce, trailing bytes) throw std::invalid_argument.
///
/// Example:
/// @code
///   driftscope::alert_rule r;
///   r.metric = "feature_age_psi";
///   r.warning = driftscope::alert_level{0.10, 0.08};  // fire above 0.10, clear at <= 0.08
///   r.alarm = driftscope::alert_level{0.25, 0.20};
///   r.for_duration = 5 * 60 * std::int64_t{1000000000};  // 5 minutes
///   driftscope::alert_tracker t(r, 1000, [](const driftscope::alert_event& e) { notify(e); });
///   t.observe(psi, now_ns);
///   std::string yaml = driftscope::to_prometheus_yaml({r});
/// @endcode

#include <driftscope/core/bytes.hpp>
#include <driftscope/core/error.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace driftscope {

// ---------------------------------------------------------------------------------------
// Enumerations
// ---------------------------------------------------------------------------------------

/// @brief What a condition compares (table in the file comment).
enum class alert_condition_kind : std::uint8_t {
  above = 0,
  below = 1,
  outside_band = 2,
  relative_to_reference = 3,
  sigma_band = 4,
};

/// @brief Which side of the reference a relative_to_reference condition watches.
enum class reference_side : std::uint8_t { over = 0, under = 1 };

/// @brief The two severities of a rule (Prometheus label severity = warning | critical).
enum class alert_severity : std::uint8_t { warning = 0, alarm = 1 };

/// @brief The state of one severity of a rule (Prometheus' states plus `resolved`, the
/// state of the evaluation that ended a firing alert).
enum class alert_state : std::uint8_t { inactive = 0, pending = 1, firing = 2, resolved = 3 };

inline const char* to_string(alert_condition_kind k) noexcept {
  switch (k) {
    case alert_condition_kind::above: return "above";
    case alert_condition_kind::below: return "below";
    case alert_condition_kind::outside_band: return "outside_band";
    case alert_condition_kind::relative_to_reference: return "relative_to_reference";
    case alert_condition_kind::sigma_band: return "sigma_band";
  }
  return "?";
}

inline const char* to_string(reference_side s) noexcept { return s == reference_side::under ? "under" : "over"; }

inline const char* to_string(alert_severity s) noexcept { return s == alert_severity::alarm ? "alarm" : "warning"; }

inline const char* to_string(alert_state s) noexcept {
  switch (s) {
    case alert_state::inactive: return "inactive";
    case alert_state::pending: return "pending";
    case alert_state::firing: return "firing";
    case alert_state::resolved: return "resolved";
  }
  return "?";
}

/// @brief Parses a kind name. @throws std::invalid_argument naming `condition`.
inline alert_condition_kind parse_alert_condition_kind(std::string_view s) {
  for (auto k : {alert_condition_kind::above, alert_condition_kind::below, alert_condition_kind::outside_band,
                 alert_condition_kind::relative_to_reference, alert_condition_kind::sigma_band})
    if (s == to_string(k)) return k;
  detail::throw_invalid_argument(
      "condition must be 'above', 'below', 'outside_band', 'relative_to_reference' or 'sigma_band', got '{}'", s);
}

/// @brief Parses "over" / "under". @throws std::invalid_argument naming `side`.
inline reference_side parse_reference_side(std::string_view s) {
  if (s == "over") return reference_side::over;
  if (s == "under") return reference_side::under;
  detail::throw_invalid_argument("side must be 'over' or 'under', got '{}'", s);
}

/// @brief Parses "warning" / "alarm". @throws std::invalid_argument naming `severity`.
inline alert_severity parse_alert_severity(std::string_view s) {
  if (s == "warning") return alert_severity::warning;
  if (s == "alarm") return alert_severity::alarm;
  detail::throw_invalid_argument("severity must be 'warning' or 'alarm', got '{}'", s);
}

/// @brief The Prometheus `severity` label of a severity: "warning" or "critical".
inline const char* prometheus_severity(alert_severity s) noexcept {
  return s == alert_severity::alarm ? "critical" : "warning";
}

// ---------------------------------------------------------------------------------------
// Names and durations as Prometheus spells them
// ---------------------------------------------------------------------------------------

/// @brief True for a valid Prometheus metric name: [a-zA-Z_:][a-zA-Z0-9_:]*.
inline bool is_prometheus_metric_name(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

/// @brief True for a valid Prometheus label name: [a-zA-Z_][a-zA-Z0-9_]*.
inline bool is_prometheus_label_name(std::string_view s) noexcept {
  return is_prometheus_metric_name(s) && s.find(':') == std::string_view::npos;
}

/// @brief A duration in nanoseconds as a Prometheus duration string in its largest exact
/// unit ("0s", "250ms", "90s", "5m", "2h").
/// @throws std::invalid_argument naming `what` when negative or not a whole number of
/// milliseconds (Prometheus' resolution).
inline std::string format_prometheus_duration(std::int64_t ns, std::string_view what = "duration") {
  constexpr std::int64_t ms = 1000000;
  if (ns < 0) detail::throw_invalid_argument("{} must be >= 0, got {} ns", what, ns);
  if (ns % ms != 0)
    detail::throw_invalid_argument("{} must be a whole number of milliseconds for Prometheus, got {} ns", what, ns);
  if (ns == 0) return "0s";
  const std::int64_t v = ns / ms;
  if (v % 3600000 == 0) return fmt::format("{}h", v / 3600000);
  if (v % 60000 == 0) return fmt::format("{}m", v / 60000);
  if (v % 1000 == 0) return fmt::format("{}s", v / 1000);
  return fmt::format("{}ms", v);
}

/// @brief Parses a Prometheus duration ("1h30m", "5m", "250ms", "1d", "0") into
/// nanoseconds: units y (365d), w, d, h, m, s, ms, each at most once, largest first.
/// @throws std::invalid_argument for anything else or a value beyond the int64 range.
inline std::int64_t parse_prometheus_duration(std::string_view s) {
  if (s == "0") return 0;
  struct unit {
    std::string_view name;
    std::int64_t ns;
  };
  static constexpr std::int64_t sec = 1000000000;
  static constexpr std::array<unit, 7> units{{{"y", 365 * 86400 * sec},
                                              {"w", 7 * 86400 * sec},
                                              {"d", 86400 * sec},
                                              {"h", 3600 * sec},
                                              {"m", 60 * sec},
                                              {"s", sec},
                                              {"ms", 1000000}}};
  if (s.empty()) detail::throw_invalid_argument("duration must not be empty (e.g. '5m', '1h30m')");
  std::int64_t total = 0;
  std::size_t next_unit = 0, i = 0;
  while (i < s.size()) {
    std::int64_t n = 0;
    const std::size_t start = i;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (n > (std::numeric_limits<std::int64_t>::max() - 9) / 10)
        detail::throw_invalid_argument("duration '{}' is out of range", s);
      n = n * 10 + (s[i] - '0');
    }
    if (i == start) detail::throw_invalid_argument("duration '{}' is not a Prometheus duration (e.g. '5m', '1h30m')", s);
    // the longest unit name that matches here ("ms" before "m"), in Prometheus' order
    std::size_t k = next_unit;
    std::size_t matched = units.size();
    for (; k < units.size(); ++k) {
      const auto& u = units[k];
      if (s.substr(i, u.name.size()) == u.name &&
          !(u.name == "m" && i + 1 < s.size() && s[i + 1] == 's')) {
        matched = k;
        break;
      }
    }
    if (matched == units.size())
      detail::throw_invalid_argument("duration '{}' is not a Prometheus duration (units y w d h m s ms, largest first)",
                                     s);
    i += units[matched].name.size();
    next_unit = matched + 1;
    if (n > (std::numeric_limits<std::int64_t>::max() - total) / units[matched].ns)
      detail::throw_invalid_argument("duration '{}' is out of range", s);
    total += n * units[matched].ns;
  }
  return total;
}

// ---------------------------------------------------------------------------------------
// Condition, level, rule
// ---------------------------------------------------------------------------------------

/// @brief The thresholds of one level: the condition holds when x < lower || x > upper
/// (−inf / +inf for an unused side).
struct alert_bounds {
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();

  /// True when `x` is beyond the thresholds (false for NaN).
  bool holds(double x) const noexcept { return x < lower || x > upper; }
  bool has_lower() const noexcept { return lower != -std::numeric_limits<double>::infinity(); }
  bool has_upper() const noexcept { return upper != std::numeric_limits<double>::infinity(); }
};

/// @brief What an alert compares its metric with (table in the file comment). Build it
/// with the factories; the fields a kind does not use are NaN.
struct alert_condition {
  alert_condition_kind kind = alert_condition_kind::above;
  double low = std::numeric_limits<double>::quiet_NaN();        ///< outside_band: the band's lower end
  double high = std::numeric_limits<double>::quiet_NaN();       ///< outside_band: the band's upper end
  double reference = std::numeric_limits<double>::quiet_NaN();  ///< relative: the reference value; sigma: its mean
  double reference_sd = std::numeric_limits<double>::quiet_NaN();  ///< sigma_band: the reference's standard deviation
  reference_side side = reference_side::over;                      ///< relative_to_reference only

  static alert_condition above() { return {}; }
  static alert_condition below() {
    alert_condition c;
    c.kind = alert_condition_kind::below;
    return c;
  }
  /// Holds outside [low − L, high + L] for level (margin) L.
  static alert_condition outside_band(double low_end, double high_end) {
    alert_condition c;
    c.kind = alert_condition_kind::outside_band;
    c.low = low_end;
    c.high = high_end;
    return c;
  }
  /// Holds when the value is more than L over (or under) `ref`.
  static alert_condition relative_to_reference(double ref, reference_side s = reference_side::over) {
    alert_condition c;
    c.kind = alert_condition_kind::relative_to_reference;
    c.reference = ref;
    c.side = s;
    return c;
  }
  /// Holds when |x − mean| > L·sd (L = k).
  static alert_condition sigma_band(double mean, double sd) {
    alert_condition c;
    c.kind = alert_condition_kind::sigma_band;
    c.reference = mean;
    c.reference_sd = sd;
    return c;
  }

  /// True when a larger level is further from normal (every kind but `below`); then the
  /// clear level must be <= the fire level.
  bool upper_levels() const noexcept { return kind != alert_condition_kind::below; }

  /// @brief The thresholds of level `level` (no checks; see validate()).
  alert_bounds bounds(double level) const noexcept {
    alert_bounds b;
    switch (kind) {
      case alert_condition_kind::above: b.upper = level; break;
      case alert_condition_kind::below: b.lower = level; break;
      case alert_condition_kind::outside_band:
        b.lower = low - level;
        b.upper = high + level;
        break;
      case alert_condition_kind::relative_to_reference:
        if (side == reference_side::over)
          b.upper = reference + level;
        else
          b.lower = reference - level;
        break;
      case alert_condition_kind::sigma_band:
        b.lower = reference - level * reference_sd;
        b.upper = reference + level * reference_sd;
        break;
    }
    return b;
  }

  /// True for a relative_to_reference or sigma_band condition whose reference (and, for
  /// sigma_band, sd) is left NaN: to be filled in from a reference by whoever runs the rule
  /// (monitor/stage_monitor.hpp does, from its reference values).
  bool reference_unresolved() const noexcept {
    if (kind == alert_condition_kind::relative_to_reference) return std::isnan(reference);
    if (kind == alert_condition_kind::sigma_band) return std::isnan(reference) && std::isnan(reference_sd);
    return false;
  }

  /// @throws std::invalid_argument naming `fn` for an unknown kind or side, a band with
  /// low > high or non-finite ends, a non-finite reference, a reference_sd that is not
  /// finite and > 0, or a parameter set that the kind does not use.
  void validate(std::string_view fn) const {
    const bool band = kind == alert_condition_kind::outside_band;
    const bool rel = kind == alert_condition_kind::relative_to_reference;
    const bool sigma = kind == alert_condition_kind::sigma_band;
    if (static_cast<unsigned>(kind) > 4)
      detail::throw_invalid_argument("{}: condition kind must be 0..4, got {}", fn, static_cast<unsigned>(kind));
    if (side != reference_side::over && side != reference_side::under)
      detail::throw_invalid_argument("{}: reference side must be over (0) or under (1), got {}", fn,
                                     static_cast<unsigned>(side));
    auto unused = [&](double v, const char* name) {
      if (!std::isnan(v))
        detail::throw_invalid_argument("{}: {} does not apply to condition '{}' (got {})", fn, name, to_string(kind), v);
    };
    if (band) {
      if (!std::isfinite(low) || !std::isfinite(high))
        detail::throw_invalid_argument("{}: outside_band needs finite low and high, got low {} and high {}", fn, low,
                                       high);
      if (low > high)
        detail::throw_invalid_argument("{}: outside_band needs low <= high, got low {} > high {}", fn, low, high);
    } else {
      unused(low, "low");
      unused(high, "high");
    }
    if (rel || sigma) {
      if (!std::isfinite(reference))
        detail::throw_invalid_argument("{}: condition '{}' needs a finite reference, got {}", fn, to_string(kind),
                                       reference);
    } else {
      unused(reference, "reference");
    }
    if (sigma) {
      if (!std::isfinite(reference_sd) || !(reference_sd > 0))
        detail::throw_invalid_argument("{}: sigma_band needs a finite reference_sd > 0, got {}", fn, reference_sd);
    } else {
      unused(reference_sd, "reference_sd");
    }
    if (!rel && side != reference_side::over)
      detail::throw_invalid_argument("{}: side does not apply to condition '{}'", fn, to_string(kind));
  }

  friend bool operator==(const alert_condition& a, const alert_condition& b) noexcept {
    auto same = [](double x, double y) { return (std::isnan(x) && std::isnan(y)) || x == y; };
    return a.kind == b.kind && a.side == b.side && same(a.low, b.low) && same(a.high, b.high) &&
           same(a.reference, b.reference) && same(a.reference_sd, b.reference_sd);
  }
  friend bool operator!=(const alert_condition& a, const alert_condition& b) noexcept { return !(a == b); }
};

/// @brief One severity's levels: the condition starts an alert at `fire` and keeps it
/// active down to `clear` (no clear = the fire level, no hysteresis).
struct alert_level {
  double fire = std::numeric_limits<double>::quiet_NaN();
  std::optional<double> clear;

  double clear_level() const noexcept { return clear ? *clear : fire; }

  friend bool operator==(const alert_level& a, const alert_level& b) noexcept {
    return a.fire == b.fire && a.clear_level() == b.clear_level() && a.clear.has_value() == b.clear.has_value();
  }
  friend bool operator!=(const alert_level& a, const alert_level& b) noexcept { return !(a == b); }
};

/// @brief One metric's alert rule: a condition, a warning and / or an alarm level,
/// Prometheus' `for` and `keep_firing_for` (int64 nanoseconds), labels and annotations.
struct alert_rule {
  std::string metric;  ///< Prometheus metric name, [a-zA-Z_:][a-zA-Z0-9_:]*
  std::string name;    ///< alert name (Prometheus alertname); empty = the metric name
  alert_condition condition;
  std::optional<alert_level> warning;
  std::optional<alert_level> alarm;
  std::int64_t for_duration = 0;     ///< ns the condition must hold before firing (Prometheus `for`)
  std::int64_t keep_firing_for = 0;  ///< ns a firing alert keeps firing once the condition is false
  std::string summary;               ///< the `summary` annotation (omitted when empty)
  std::vector<std::pair<std::string, std::string>> labels;       ///< extra alert labels
  std::vector<std::pair<std::string, std::string>> annotations;  ///< extra annotations

  /// The alert name: `name`, or the metric when `name` is empty.
  const std::string& alert_name() const noexcept { return name.empty() ? metric : name; }

  const std::optional<alert_level>& level(alert_severity s) const noexcept {
    return s == alert_severity::alarm ? alarm : warning;
  }

  /// @brief The thresholds of a severity's fire (or clear) level. Requires level(s).
  alert_bounds bounds(alert_severity s, bool clear) const noexcept {
    const alert_level& l = *level(s);
    return condition.bounds(clear ? l.clear_level() : l.fire);
  }

  /// @throws std::invalid_argument naming `fn` and the field: an invalid metric / alert /
  /// label name, an invalid condition, no level set, a NaN or infinite level, a clear level
  /// on the wrong side of its fire level (for an upper bound: clear > fire), an alarm fire
  /// level less severe than the warning's, levels whose thresholds are not finite or cross
  /// (lower > upper), negative durations, reserved or duplicate label / annotation names.
  ///
  /// With `allow_unresolved`, a condition whose reference is left NaN
  /// (alert_condition::reference_unresolved) passes, its thresholds checked as if the
  /// reference were 0 (and sd 1): such a rule can be stored and serialized, but a tracker
  /// or an export needs it resolved.
  void validate(std::string_view fn = "alert_rule", bool allow_unresolved = false) const {
    if (allow_unresolved && condition.reference_unresolved()) {
      alert_rule resolved = *this;
      resolved.condition.reference = 0;
      if (resolved.condition.kind == alert_condition_kind::sigma_band) resolved.condition.reference_sd = 1;
      resolved.validate(fn);
      return;
    }
    if (!is_prometheus_metric_name(metric))
      detail::throw_invalid_argument("{}: metric must be a Prometheus metric name [a-zA-Z_:][a-zA-Z0-9_:]*, got '{}'",
                                     fn, metric);
    if (!name.empty() && !is_prometheus_metric_name(name))
      detail::throw_invalid_argument("{}: name must match [a-zA-Z_:][a-zA-Z0-9_:]*, got '{}'", fn, name);
    condition.validate(fn);
    if (!warning && !alarm)
      detail::throw_invalid_argument("{}: a rule needs a warning level, an alarm level or both; both are unset", fn);
    for (auto s : {alert_severity::warning, alert_severity::alarm}) {
      if (!level(s)) continue;
      const alert_level& l = *level(s);
      const char* sev = to_string(s);
      if (!std::isfinite(l.fire)) detail::throw_invalid_argument("{}: {} fire level must be finite, got {}", fn, sev, l.fire);
      if (l.clear && !std::isfinite(*l.clear))
        detail::throw_invalid_argument("{}: {} clear level must be finite, got {}", fn, sev, *l.clear);
      const double c = l.clear_level();
      if (condition.upper_levels() && c > l.fire)
        detail::throw_invalid_argument(
            "{}: {} clear level {} must be <= its fire level {} for condition '{}' (the alert must stay active at least "
            "as long as it would fire)",
            fn, sev, c, l.fire, to_string(condition.kind));
      if (!condition.upper_levels() && c < l.fire)
        detail::throw_invalid_argument(
            "{}: {} clear level {} must be >= its fire level {} for condition 'below' (the alert must stay active at "
            "least as long as it would fire)",
            fn, sev, c, l.fire);
      for (const double lv : {l.fire, c}) {
        const alert_bounds b = condition.bounds(lv);
        if (std::isnan(b.lower) || std::isnan(b.upper) || (b.has_lower() && !std::isfinite(b.lower)) ||
            (b.has_upper() && !std::isfinite(b.upper)))
          detail::throw_invalid_argument("{}: {} level {} gives non-finite thresholds ({}, {})", fn, sev, lv, b.lower,
                                         b.upper);
        if (b.lower > b.upper)
          detail::throw_invalid_argument(
              "{}: {} level {} makes the thresholds cross (lower {} > upper {}): the condition would always hold", fn,
              sev, lv, b.lower, b.upper);
      }
    }
    if (warning && alarm) {
      if (condition.upper_levels() && alarm->fire < warning->fire)
        detail::throw_invalid_argument("{}: alarm fire level {} must be >= the warning fire level {} for condition '{}'",
                                       fn, alarm->fire, warning->fire, to_string(condition.kind));
      if (!condition.upper_levels() && alarm->fire > warning->fire)
        detail::throw_invalid_argument("{}: alarm fire level {} must be <= the warning fire level {} for condition 'below'",
                                       fn, alarm->fire, warning->fire);
    }
    if (for_duration < 0) detail::throw_invalid_argument("{}: for_duration must be >= 0 ns, got {}", fn, for_duration);
    if (keep_firing_for < 0)
      detail::throw_invalid_argument("{}: keep_firing_for must be >= 0 ns, got {}", fn, keep_firing_for);
    check_names(labels, "label", {"alertname", "severity"}, fn);
    check_names(annotations, "annotation", {summary.empty() ? std::string_view{} : std::string_view{"summary"}}, fn);
  }

  /// Appends the rule without the preamble (layout in the file comment).
  void write(detail::byte_writer& w) const {
    put_string(w, metric);
    put_string(w, name);
    w.put(static_cast<std::uint8_t>(condition.kind));
    w.put(static_cast<std::uint8_t>(condition.side));
    w.put(condition.low);
    w.put(condition.high);
    w.put(condition.reference);
    w.put(condition.reference_sd);
    for (auto s : {alert_severity::warning, alert_severity::alarm}) {
      const auto& l = level(s);
      w.put(static_cast<std::uint8_t>(l ? 1 : 0));
      w.put(static_cast<std::uint8_t>(l && l->clear ? 1 : 0));
      w.put(l ? l->fire : std::numeric_limits<double>::quiet_NaN());
      w.put(l && l->clear ? *l->clear : std::numeric_limits<double>::quiet_NaN());
    }
    w.put(for_duration);
    w.put(keep_firing_for);
    put_string(w, summary);
    put_pairs(w, labels);
    put_pairs(w, annotations);
  }

  /// Reads what write() wrote and validates it. `fn` names the caller in messages.
  /// @throws std::out_of_range when truncated, std::invalid_argument when invalid.
  static alert_rule read(detail::byte_reader& rd, std::string_view fn) {
    alert_rule r;
    r.metric = get_string(rd, "metric");
    r.name = get_string(rd, "name");
    const auto kind = rd.get<std::uint8_t>("condition kind");
    const auto side = rd.get<std::uint8_t>("reference side");
    if (kind > 4) detail::throw_invalid_argument("{}: condition kind must be 0..4, got {}", fn, kind);
    if (side > 1) detail::throw_invalid_argument("{}: reference side must be 0 or 1, got {}", fn, side);
    r.condition.kind = static_cast<alert_condition_kind>(kind);
    r.condition.side = static_cast<reference_side>(side);
    r.condition.low = rd.get<double>("low");
    r.condition.high = rd.get<double>("high");
    r.condition.reference = rd.get<double>("reference");
    r.condition.reference_sd = rd.get<double>("reference_sd");
    for (auto s : {alert_severity::warning, alert_severity::alarm}) {
      const auto set = rd.get<std::uint8_t>("level set");
      const auto has_clear = rd.get<std::uint8_t>("level has clear");
      const double fire = rd.get<double>("fire level");
      const double clear = rd.get<double>("clear level");
      if (set > 1 || has_clear > 1 || (!set && has_clear))
        detail::throw_invalid_argument("{}: {} level flags must be 0 or 1 (clear only with a level), got {} and {}", fn,
                                       to_string(s), set, has_clear);
      if (!set) {
        if (!std::isnan(fire) || !std::isnan(clear))
          detail::throw_invalid_argument("{}: an unset {} level must have NaN levels", fn, to_string(s));
        continue;
      }
      alert_level l{fire, std::nullopt};
      if (has_clear) l.clear = clear;
      else if (!std::isnan(clear))
        detail::throw_invalid_argument("{}: {} level without clear must store NaN", fn, to_string(s));
      (s == alert_severity::alarm ? r.alarm : r.warning) = l;
    }
    r.for_duration = rd.get<std::int64_t>("for_duration");
    r.keep_firing_for = rd.get<std::int64_t>("keep_firing_for");
    r.summary = get_string(rd, "summary");
    r.labels = get_pairs(rd, "labels");
    r.annotations = get_pairs(rd, "annotations");
    r.validate(fn, true);  // a tracker's own constructor then requires a resolved reference
    return r;
  }

  static constexpr std::uint8_t serial_family = 40;
  static constexpr std::uint8_t serial_version = 1;

  /// Standalone bytes: "DSAR", family 40, version 1, flags 0, reserved 0, then write().
  std::vector<std::uint8_t> serialize() const {
    std::vector<std::uint8_t> out;
    detail::byte_writer w(out);
    detail::write_preamble(w, "DSAR", serial_family, serial_version);
    w.put_zeros(2);
    write(w);
    return out;
  }

  /// @throws std::out_of_range when truncated, std::invalid_argument when corrupt.
  static alert_rule deserialize(const void* data, std::size_t size) {
    static constexpr const char* fn = "alert_rule::deserialize";
    detail::byte_reader rd(data, size, fn);
    rd.require(8, "preamble");
    detail::read_preamble(rd, "DSAR", serial_family, serial_version, fn, "alert_rule");
    if (rd.get<std::uint8_t>("flags") != 0 || rd.get<std::uint8_t>("reserved") != 0)
      detail::throw_invalid_argument("{}: flag bytes must be 0", fn);
    alert_rule r = read(rd, fn);
    if (rd.remaining() != 0) detail::throw_invalid_argument("{}: {} trailing bytes", fn, rd.remaining());
    return r;
  }

  friend bool operator==(const alert_rule& a, const alert_rule& b) noexcept {
    return a.metric == b.metric && a.name == b.name && a.condition == b.condition && a.warning == b.warning &&
           a.alarm == b.alarm && a.for_duration == b.for_duration && a.keep_firing_for == b.keep_firing_for &&
           a.summary == b.summary && a.labels == b.labels && a.annotations == b.annotations;
  }
  friend bool operator!=(const alert_rule& a, const alert_rule& b) noexcept { return !(a == b); }

 private:
  using pairs = std::vector<std::pair<std::string, std::string>>;

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

  static void check_names(const pairs& p, const char* what, std::initializer_list<std::string_view> reserved,
                          std::string_view fn) {
    std::set<std::string_view> seen;
    for (const auto& kv : p) {
      if (!is_prometheus_label_name(kv.first) || kv.first.rfind("__", 0) == 0)
        detail::throw_invalid_argument("{}: {} name must match [a-zA-Z_][a-zA-Z0-9_]* and not start with '__', got '{}'",
                                       fn, what, kv.first);
      for (std::string_view r : reserved)
        if (!r.empty() && kv.first == r)
          detail::throw_invalid_argument("{}: {} name '{}' is reserved (set by the rule)", fn, what, kv.first);
      if (!seen.insert(kv.first).second)
        detail::throw_invalid_argument("{}: duplicate {} name '{}'", fn, what, kv.first);
    }
  }
  static void put_pairs(detail::byte_writer& w, const pairs& p) {
    w.put(static_cast<std::uint32_t>(p.size()));
    for (const auto& kv : p) {
      put_string(w, kv.first);
      put_string(w, kv.second);
    }
  }
  static pairs get_pairs(detail::byte_reader& rd, const char* field) {
    const auto n = rd.get<std::uint32_t>(field);
    rd.require_array(n, 8, field);  // every pair takes at least two length fields
    pairs p;
    p.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i) {
      std::string k = get_string(rd, field);
      std::string v = get_string(rd, field);
      p.emplace_back(std::move(k), std::move(v));
    }
    return p;
  }
};

// ---------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------

/// @brief One state change of one severity of a rule.
struct alert_event {
  std::string rule;  ///< the rule's alert_name()
  alert_severity severity = alert_severity::warning;
  alert_state from_state = alert_state::inactive;
  alert_state to_state = alert_state::inactive;
  double value = 0;                ///< the value observed at this evaluation (NaN = no data)
  std::int64_t timestamp = 0;      ///< ns, the evaluation's timestamp
  std::int64_t active_since = 0;   ///< ns, when the episode became pending (Prometheus activeAt)

  friend bool operator==(const alert_event& a, const alert_event& b) noexcept {
    return a.rule == b.rule && a.severity == b.severity && a.from_state == b.from_state &&
           a.to_state == b.to_state && ((std::isnan(a.value) && std::isnan(b.value)) || a.value == b.value) &&
           a.timestamp == b.timestamp && a.active_since == b.active_since;
  }
  friend bool operator!=(const alert_event& a, const alert_event& b) noexcept { return !(a == b); }
};

/// Called synchronously for each event, after it is logged.
using alert_callback = std::function<void(const alert_event&)>;

/// @brief One transition as observe() returns it (no strings, no allocation).
struct alert_transition {
  alert_severity severity = alert_severity::warning;
  alert_state from_state = alert_state::inactive;
  alert_state to_state = alert_state::inactive;
  std::int64_t active_since = 0;
};

/// @brief The transitions of one evaluation, in order (at most 2 per severity).
class alert_transitions {
 public:
  static constexpr std::size_t max_size = 4;

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  const alert_transition& operator[](std::size_t i) const noexcept { return items_[i]; }
  const alert_transition* begin() const noexcept { return items_.data(); }
  const alert_transition* end() const noexcept { return items_.data() + size_; }
  void push(const alert_transition& t) noexcept { items_[size_++] = t; }

 private:
  std::array<alert_transition, max_size> items_{};
  std::size_t size_ = 0;
};

/// @brief A bounded log of alert events: keeps the last `capacity` (oldest first) and
/// counts the ones it dropped. Capacity 0 keeps none.
class alert_log {
 public:
  explicit alert_log(std::size_t capacity = 1000) : capacity_(capacity) {}

  /// Appends an event, dropping the oldest when full.
  void push(alert_event e) {
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
  /// Counts an event without keeping it (capacity 0).
  void count_dropped(std::uint64_t n = 1) noexcept { dropped_ += n; }

  const std::deque<alert_event>& events() const noexcept { return events_; }
  std::size_t size() const noexcept { return events_.size(); }
  bool empty() const noexcept { return events_.empty(); }
  std::size_t capacity() const noexcept { return capacity_; }
  /// Events logged but no longer kept.
  std::uint64_t dropped() const noexcept { return dropped_; }
  const alert_event& operator[](std::size_t i) const noexcept { return events_[i]; }
  /// @throws std::out_of_range when i >= size().
  const alert_event& at(std::size_t i) const {
    if (i >= events_.size()) detail::throw_out_of_range("alert_log: index {} out of range for {} events", i, events_.size());
    return events_[i];
  }
  /// Removes every event and resets dropped() (capacity kept).
  void clear() noexcept {
    events_.clear();
    dropped_ = 0;
  }

 private:
  friend class alert_tracker;
  std::size_t capacity_;
  std::uint64_t dropped_ = 0;
  std::deque<alert_event> events_;
};

// ---------------------------------------------------------------------------------------
// The state machine
// ---------------------------------------------------------------------------------------

/// @brief One rule's alert state over time (semantics in the file comment). O(1) per
/// observe(); allocates only to log an event.
class alert_tracker {
 public:
  static constexpr std::uint8_t serial_family = 41;
  static constexpr std::uint8_t serial_version = 1;
  static constexpr std::size_t default_event_capacity = 1000;
  static constexpr std::size_t serialized_event_bytes = 27;

  /// @brief A tracker in the inactive state.
  /// @param rule validated with alert_rule::validate (std::invalid_argument when invalid).
  /// @param event_capacity events the log keeps (the oldest are dropped beyond it).
  /// @param on_event optional callback, called for each event after it is logged.
  explicit alert_tracker(alert_rule rule, std::size_t event_capacity = default_event_capacity,
                         alert_callback on_event = {})
      : rule_(std::move(rule)), log_(event_capacity), callback_(std::move(on_event)) {
    rule_.validate("alert_tracker");
    prepare();
  }

  /// @brief One evaluation of the rule at `timestamp` (ns) with the metric's `value`
  /// (NaN = no data: the condition is false). Returns the transitions, warning first.
  /// @throws std::invalid_argument naming `timestamp` when it is before the previous one
  /// (the state is then unchanged); whatever the callback throws.
  alert_transitions observe(double value, std::int64_t timestamp) {
    if (has_last_ && timestamp < last_timestamp_)
      detail::throw_invalid_argument(
          "alert_tracker::observe: timestamp must be non-decreasing, got {} ns after {} ns (rule '{}')", timestamp,
          last_timestamp_, rule_.alert_name());
    has_last_ = true;
    last_timestamp_ = timestamp;
    ++evaluations_;
    alert_transitions out;
    for (auto sev : {alert_severity::warning, alert_severity::alarm})
      if (severities_[index(sev)].enabled) step(sev, value, timestamp, out);
    if (!out.empty()) publish(out, value, timestamp);
    return out;
  }

  /// The state of a severity (inactive for a severity the rule does not set).
  alert_state state(alert_severity s) const noexcept { return severities_[index(s)].state; }
  /// When the current pending / firing episode of `s` became pending (ns).
  /// @throws std::domain_error when `s` is neither pending nor firing.
  std::int64_t active_since(alert_severity s) const {
    const severity_state& st = severities_[index(s)];
    if (st.state != alert_state::pending && st.state != alert_state::firing)
      detail::throw_domain_error("alert_tracker::active_since: {} is {}, not pending or firing", to_string(s),
                                 to_string(st.state));
    return st.active_since;
  }
  /// True when `s` is firing only because of keep_firing_for (its condition is false).
  bool keeping_firing(alert_severity s) const noexcept { return severities_[index(s)].keeping; }

  const alert_rule& rule() const noexcept { return rule_; }
  const alert_log& events() const noexcept { return log_; }
  std::uint64_t evaluations() const noexcept { return evaluations_; }
  /// The last observed timestamp, if any.
  std::optional<std::int64_t> last_timestamp() const noexcept {
    return has_last_ ? std::optional<std::int64_t>(last_timestamp_) : std::nullopt;
  }

  void set_callback(alert_callback on_event) { callback_ = std::move(on_event); }
  /// Removes every logged event (the state is kept).
  void clear_events() noexcept { log_.clear(); }
  /// Back to the freshly constructed state (rule, log capacity and callback kept; log cleared).
  void reset() noexcept {
    for (severity_state& s : severities_) {
      s.state = alert_state::inactive;
      s.active_since = s.keep_since = 0;
      s.keeping = false;
    }
    has_last_ = false;
    last_timestamp_ = 0;
    evaluations_ = 0;
    log_.clear();
  }

  /// Serialized state (layout in the file comment; the callback is not kept).
  std::vector<std::uint8_t> serialize() const {
    std::vector<std::uint8_t> out;
    out.reserve(128 + log_.size() * serialized_event_bytes);
    detail::byte_writer w(out);
    detail::write_preamble(w, "DSAT", serial_family, serial_version);
    w.put_zeros(2);
    rule_.write(w);
    w.put(static_cast<std::uint8_t>(has_last_ ? 1 : 0));
    w.put(last_timestamp_);
    w.put(evaluations_);
    for (const severity_state& s : severities_) {
      w.put(static_cast<std::uint8_t>(s.state));
      w.put(s.active_since);
      w.put(static_cast<std::uint8_t>(s.keeping ? 1 : 0));
      w.put(s.keep_since);
    }
    w.put(static_cast<std::uint64_t>(log_.capacity_));
    w.put(log_.dropped_);
    w.put(static_cast<std::uint64_t>(log_.events_.size()));
    for (const alert_event& e : log_.events_) {
      w.put(static_cast<std::uint8_t>(e.severity));
      w.put(static_cast<std::uint8_t>(e.from_state));
      w.put(static_cast<std::uint8_t>(e.to_state));
      w.put(e.value);
      w.put(e.timestamp);
      w.put(e.active_since);
    }
    return out;
  }

  /// @throws std::out_of_range when truncated, std::invalid_argument when corrupt.
  static alert_tracker deserialize(const void* data, std::size_t size) {
    static constexpr const char* fn = "alert_tracker::deserialize";
    detail::byte_reader rd(data, size, fn);
    rd.require(8, "preamble");
    detail::read_preamble(rd, "DSAT", serial_family, serial_version, fn, "alert_tracker");
    if (rd.get<std::uint8_t>("flags") != 0 || rd.get<std::uint8_t>("reserved") != 0)
      detail::throw_invalid_argument("{}: flag bytes must be 0", fn);
    alert_rule r = alert_rule::read(rd, fn);
    r.validate(fn);  // a tracker's rule has its reference resolved
    const auto has_last = rd.get<std::uint8_t>("has last timestamp");
    const auto last = rd.get<std::int64_t>("last timestamp");
    const auto evaluations = rd.get<std::uint64_t>("evaluations");
    if (has_last > 1) detail::throw_invalid_argument("{}: has-last-timestamp flag must be 0 or 1, got {}", fn, has_last);
    if (!has_last && (last != 0 || evaluations != 0))
      detail::throw_invalid_argument("{}: a tracker without evaluations must store timestamp 0 and 0 evaluations", fn);
    if (has_last && evaluations == 0)
      detail::throw_invalid_argument("{}: a tracker with a last timestamp must have evaluations", fn);
    std::array<severity_state, 2> sev{};
    for (std::size_t i = 0; i < 2; ++i) {
      severity_state& s = sev[i];
      const auto st = rd.get<std::uint8_t>("state");
      s.active_since = rd.get<std::int64_t>("active_since");
      const auto keeping = rd.get<std::uint8_t>("keeping");
      s.keep_since = rd.get<std::int64_t>("keep_since");
      if (st > 3 || keeping > 1)
        detail::throw_invalid_argument("{}: state must be 0..3 and keeping 0 or 1, got {} and {}", fn, st, keeping);
      s.state = static_cast<alert_state>(st);
      s.keeping = keeping != 0;
      const auto sv = static_cast<alert_severity>(i);
      const bool active = s.state == alert_state::pending || s.state == alert_state::firing;
      if ((!r.level(sv) || !has_last) && s.state != alert_state::inactive)
        detail::throw_invalid_argument("{}: {} state {} is impossible for this rule / history", fn, to_string(sv),
                                       to_string(s.state));
      if (!active && s.active_since != 0)
        detail::throw_invalid_argument("{}: {} active_since must be 0 when not active", fn, to_string(sv));
      if (active && s.active_since > last)
        detail::throw_invalid_argument("{}: {} active_since {} is after the last timestamp {}", fn, to_string(sv),
                                       s.active_since, last);
      if (s.keeping && (s.state != alert_state::firing || r.keep_firing_for == 0 || s.keep_since > last ||
                        s.keep_since < s.active_since))
        detail::throw_invalid_argument("{}: {} keep_firing state is inconsistent", fn, to_string(sv));
      if (!s.keeping && s.keep_since != 0)
        detail::throw_invalid_argument("{}: {} keep_since must be 0 when not keeping", fn, to_string(sv));
    }
    const auto capacity = rd.get<std::uint64_t>("event capacity");
    const auto dropped = rd.get<std::uint64_t>("dropped events");
    const auto n = rd.get<std::uint64_t>("number of events");
    if (capacity > std::numeric_limits<std::size_t>::max())
      detail::throw_invalid_argument("{}: event capacity {} too large", fn, capacity);
    if (n > capacity) detail::throw_invalid_argument("{}: {} events exceed the capacity {}", fn, n, capacity);
    rd.require_array(n, serialized_event_bytes, "events");
    alert_tracker t(std::move(r), static_cast<std::size_t>(capacity));
    t.has_last_ = has_last != 0;
    t.last_timestamp_ = last;
    t.evaluations_ = evaluations;
    for (std::size_t i = 0; i < 2; ++i) {
      t.severities_[i].state = sev[i].state;
      t.severities_[i].active_since = sev[i].active_since;
      t.severities_[i].keeping = sev[i].keeping;
      t.severities_[i].keep_since = sev[i].keep_since;
    }
    t.log_.dropped_ = dropped;
    for (std::uint64_t i = 0; i < n; ++i) {
      alert_event e;
      e.rule = t.rule_.alert_name();
      const auto sv = rd.get<std::uint8_t>("event severity");
      const auto from = rd.get<std::uint8_t>("event from_state");
      const auto to = rd.get<std::uint8_t>("event to_state");
      if (sv > 1 || from > 3 || to > 3 || from == to)
        detail::throw_invalid_argument("{}: event {} has an invalid severity / transition ({}, {} -> {})", fn, i, sv,
                                       from, to);
      e.severity = static_cast<alert_severity>(sv);
      if (!t.rule_.level(e.severity))
        detail::throw_invalid_argument("{}: event {} has severity {}, which the rule does not set", fn, i,
                                       to_string(e.severity));
      e.from_state = static_cast<alert_state>(from);
      e.to_state = static_cast<alert_state>(to);
      e.value = rd.get<double>("event value");
      e.timestamp = rd.get<std::int64_t>("event timestamp");
      e.active_since = rd.get<std::int64_t>("event active_since");
      t.log_.events_.push_back(std::move(e));
    }
    if (rd.remaining() != 0) detail::throw_invalid_argument("{}: {} trailing bytes", fn, rd.remaining());
    return t;
  }

 private:
  struct severity_state {
    bool enabled = false;
    alert_state state = alert_state::inactive;
    bool keeping = false;           ///< firing only because of keep_firing_for
    std::int64_t active_since = 0;  ///< Prometheus ActiveAt
    std::int64_t keep_since = 0;    ///< Prometheus KeepFiringSince (first false evaluation)
    alert_bounds fire, clear;
  };

  static std::size_t index(alert_severity s) noexcept { return s == alert_severity::alarm ? 1 : 0; }

  /// ts − since >= duration without overflow (ts >= since >= any int64, duration >= 0).
  static bool elapsed(std::int64_t ts, std::int64_t since, std::int64_t duration) noexcept {
    return static_cast<std::uint64_t>(ts) - static_cast<std::uint64_t>(since) >= static_cast<std::uint64_t>(duration);
  }

  void prepare() noexcept {
    for (auto s : {alert_severity::warning, alert_severity::alarm}) {
      severity_state& st = severities_[index(s)];
      st.enabled = rule_.level(s).has_value();
      if (!st.enabled) continue;
      st.fire = rule_.bounds(s, false);
      st.clear = rule_.bounds(s, true);
    }
  }

  /// One evaluation of one severity (the state machine of the file comment).
  void step(alert_severity sev, double value, std::int64_t ts, alert_transitions& out) noexcept {
    severity_state& s = severities_[index(sev)];
    const bool active = s.state == alert_state::pending || s.state == alert_state::firing;
    const bool cond = active ? s.clear.holds(value) : s.fire.holds(value);
    if (cond) {
      if (!active) {
        out.push({sev, s.state, alert_state::pending, ts});
        s.state = alert_state::pending;
        s.active_since = ts;
      }
      s.keeping = false;
      s.keep_since = 0;
      if (s.state == alert_state::pending && elapsed(ts, s.active_since, rule_.for_duration)) {
        out.push({sev, alert_state::pending, alert_state::firing, s.active_since});
        s.state = alert_state::firing;
      }
      return;
    }
    switch (s.state) {
      case alert_state::pending:
        out.push({sev, alert_state::pending, alert_state::inactive, s.active_since});
        s.state = alert_state::inactive;
        s.active_since = 0;
        break;
      case alert_state::firing:
        if (rule_.keep_firing_for > 0) {
          if (!s.keeping) {
            s.keeping = true;
            s.keep_since = ts;
          }
          if (!elapsed(ts, s.keep_since, rule_.keep_firing_for)) break;  // still kept firing
        }
        out.push({sev, alert_state::firing, alert_state::resolved, s.active_since});
        s.state = alert_state::resolved;
        s.active_since = 0;
        s.keeping = false;
        s.keep_since = 0;
        break;
      case alert_state::resolved: s.state = alert_state::inactive; break;
      case alert_state::inactive: break;
    }
  }

  /// Logs the events of one evaluation, then calls the callback for each (with its own
  /// copy, so a callback may clear the log).
  void publish(const alert_transitions& out, double value, std::int64_t ts) {
    auto event = [&](const alert_transition& t) {
      return alert_event{rule_.alert_name(), t.severity, t.from_state, t.to_state, value, ts, t.active_since};
    };
    if (log_.capacity() == 0)
      log_.count_dropped(out.size());
    else
      for (const alert_transition& t : out) log_.push(event(t));
    if (callback_)
      for (const alert_transition& t : out) callback_(event(t));
  }

  alert_rule rule_;
  alert_log log_;
  alert_callback callback_;
  std::array<severity_state, 2> severities_{};
  bool has_last_ = false;
  std::int64_t last_timestamp_ = 0;
  std::uint64_t evaluations_ = 0;
};

// ---------------------------------------------------------------------------------------
// Prometheus alerting-rule export
// ---------------------------------------------------------------------------------------

/// @brief Options of to_prometheus_yaml.
struct prometheus_rule_options {
  std::string group = "driftscope";  ///< the rule group's name
  std::int64_t interval = 0;         ///< the group's evaluation interval in ns (0 = Prometheus' global one)
  /// PromQL expressions for metrics, by metric name (a metric without one is used by name).
  std::map<std::string, std::string> expressions;
};

namespace detail {

/// A string as a YAML double-quoted scalar.
inline std::string yaml_quote(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
          out += fmt::format("\\x{:02x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        else
          out += c;
    }
  }
  out += '"';
  return out;
}

/// `x < lower or x > upper` (the sides the bounds use), as PromQL.
inline std::string promql_bounds(const std::string& x, const alert_bounds& b) {
  if (b.has_lower() && b.has_upper()) return fmt::format("{} < {} or {} > {}", x, b.lower, x, b.upper);
  if (b.has_lower()) return fmt::format("{} < {}", x, b.lower);
  return fmt::format("{} > {}", x, b.upper);
}

}  // namespace detail

/// @brief The PromQL expression of one severity of a rule, `metric_expr` standing for the
/// metric (semantics in the file comment). Numbers are printed as the shortest decimal
/// that reads back as the same double, so Prometheus compares with our exact thresholds.
/// @throws std::invalid_argument for an invalid rule or a severity the rule does not set.
inline std::string prometheus_expression(const alert_rule& rule, alert_severity severity,
                                         const std::string& metric_expr) {
  rule.validate("prometheus_expression");
  if (!rule.level(severity))
    detail::throw_invalid_argument("prometheus_expression: rule '{}' has no {} level", rule.alert_name(),
                                   to_string(severity));
  const alert_bounds fire = rule.bounds(severity, false);
  const alert_bounds clear = rule.bounds(severity, true);
  std::string expr = detail::promql_bounds(metric_expr, fire);
  if (clear.lower == fire.lower && clear.upper == fire.upper) return expr;
  const std::string clear_expr = detail::promql_bounds(metric_expr, clear);
  const bool two_sided = clear.has_lower() && clear.has_upper();
  return fmt::format("{} or ({}{}{} and on() ALERTS{{alertname=\"{}\",severity=\"{}\",alertstate=~\"firing|pending\"}})",
                     expr, two_sided ? "(" : "", clear_expr, two_sided ? ")" : "", rule.alert_name(),
                     prometheus_severity(severity));
}

/// @brief The rules as a Prometheus alerting-rule file (one group; for each rule its
/// warning then its alarm severity). Works with Prometheus >= 2.42 (keep_firing_for).
/// @throws std::invalid_argument for an invalid rule, durations that are not whole
/// milliseconds, an expression for a metric that no rule uses (unknown metric name) or an
/// empty expression, two rules with the same alert name and severity, an empty or
/// invalid group name.
inline std::string to_prometheus_yaml(const std::vector<alert_rule>& rules, const prometheus_rule_options& options = {}) {
  static constexpr const char* fn = "to_prometheus_yaml";
  if (options.group.empty()) detail::throw_invalid_argument("{}: group must not be empty", fn);
  std::set<std::string> metrics;
  std::set<std::pair<std::string, int>> names;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const alert_rule& r = rules[i];
    r.validate(fn);
    metrics.insert(r.metric);
    format_prometheus_duration(r.for_duration, fmt::format("{}: rule '{}' for_duration", fn, r.alert_name()));
    format_prometheus_duration(r.keep_firing_for, fmt::format("{}: rule '{}' keep_firing_for", fn, r.alert_name()));
    for (auto s : {alert_severity::warning, alert_severity::alarm})
      if (r.level(s) && !names.emplace(r.alert_name(), static_cast<int>(s)).second)
        detail::throw_invalid_argument(
            "{}: two rules produce alert '{}' with severity {} (give them different names)", fn, r.alert_name(),
            prometheus_severity(s));
  }
  for (const auto& kv : options.expressions) {
    if (metrics.count(kv.first) == 0)
      detail::throw_invalid_argument("{}: expression given for unknown metric '{}' (no rule uses it)", fn, kv.first);
    if (kv.second.find_first_not_of(" \t\n") == std::string::npos)
      detail::throw_invalid_argument("{}: the expression for metric '{}' is empty", fn, kv.first);
  }
  std::string out = "groups:\n";
  out += fmt::format("  - name: {}\n", detail::yaml_quote(options.group));
  if (options.interval != 0)
    out += fmt::format("    interval: {}\n", format_prometheus_duration(options.interval, "to_prometheus_yaml: interval"));
  out += "    rules:\n";
  for (const alert_rule& r : rules) {
    const auto it = options.expressions.find(r.metric);
    const std::string x = it == options.expressions.end() ? r.metric : "(" + it->second + ")";
    for (auto s : {alert_severity::warning, alert_severity::alarm}) {
      if (!r.level(s)) continue;
      out += fmt::format("      - alert: {}\n", detail::yaml_quote(r.alert_name()));
      out += fmt::format("        expr: {}\n", detail::yaml_quote(prometheus_expression(r, s, x)));
      if (r.for_duration != 0) out += fmt::format("        for: {}\n", format_prometheus_duration(r.for_duration));
      if (r.keep_firing_for != 0)
        out += fmt::format("        keep_firing_for: {}\n", format_prometheus_duration(r.keep_firing_for));
      out += "        labels:\n";
      out += fmt::format("          severity: {}\n", prometheus_severity(s));
      for (const auto& kv : r.labels) out += fmt::format("          {}: {}\n", kv.first, detail::yaml_quote(kv.second));
      if (!r.summary.empty() || !r.annotations.empty()) {
        out += "        annotations:\n";
        if (!r.summary.empty()) out += fmt::format("          summary: {}\n", detail::yaml_quote(r.summary));
        for (const auto& kv : r.annotations)
          out += fmt::format("          {}: {}\n", kv.first, detail::yaml_quote(kv.second));
      }
    }
  }
  return out;
}

}  // namespace driftscope
