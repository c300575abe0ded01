#pragma once
/// @file
/// @brief Prometheus / OpenMetrics exposition: a small metric-family model, the two text
/// writers, content negotiation and a `/metrics` handler usable from any HTTP server.
///
/// Formats (both written here, no client library needed):
///  - Prometheus text format 0.0.4 (`text/plain; version=0.0.4; charset=utf-8`),
///  - OpenMetrics 1.0 text (`application/openmetrics-text; version=1.0.0; charset=utf-8`),
///    which ends with `# EOF` and adds `# UNIT`, `_created`, `info` and `stateset`.
///
/// A `metric_family` is one name with a type, help text, an optional unit, and a fixed set
/// of series (label sets), each with its value(s):
///
/// | type      | OpenMetrics samples                                  | Prometheus 0.0.4 family    |
/// |-----------|------------------------------------------------------|----------------------------|
/// | counter   | `<n>_total`, optional `<n>_created`                  | counter named `<n>_total`  |
/// | gauge     | `<n>`                                                | gauge                      |
/// | histogram | `<n>_bucket{le=...}` cumulative incl. `+Inf`, `<n>_count`, `<n>_sum`, `<n>_created` | histogram (no `_created`) |
/// | summary   | `<n>{quantile=...}`, `<n>_count`, `<n>_sum`, `<n>_created` | summary (no `_created`) |
/// | info      | `<n>_info{...} 1`                                    | gauge named `<n>_info`     |
/// | stateset  | `<n>{<n>="state"} 1 or 0`, one per state             | gauge                      |
///
/// Rules enforced (std::invalid_argument naming the function and the argument):
///  - metric names match `[a-zA-Z_:][a-zA-Z0-9_:]*`; a counter's name may be given with or
///    without `_total`, an info's with or without `_info` (both are stripped to the family
///    name); with a unit, the family name must end with `_<unit>` (OpenMetrics), e.g.
///    `request_duration_seconds` with unit `seconds`; info and stateset take no unit;
///  - label names match `[a-zA-Z_][a-zA-Z0-9_]*`, do not start with `__` (reserved), are
///    unique in a series, and are not `le` (histogram), `quantile` (summary) or the family
///    name (stateset); help texts, label values and state names are valid UTF-8 and get
///    escaped on output (`\\`, `\"`, `\n`);
///  - each label set appears once per family; values: counters finite and >= 0; gauges any
///    double (NaN is a legitimate "no data" value, written `NaN`); histogram sums not NaN;
///    summary sums finite and >= 0 and quantile values >= 0 or NaN (OpenMetrics 1.0 forbids
///    negative ones: expose quantiles of signed data as a gauge with a `quantile` label);
///  - at write time, no two families may claim the same sample name (`a_total` of a
///    counter `a` and a gauge `a_total`, a histogram `h` and a gauge `h_sum`, ...).
///
/// Cardinality: label sets are meant to be fixed and small (feature name, model, window),
/// never per request, per user or per value. As a guard a family holds at most
/// `metric_family::max_series` (10 000) series and a series at most
/// `metric_family::max_labels` (16) labels.
///
/// Numbers: sample values use the shortest representation that reads back to the same
/// double (fmt's "{}": `0.1`, `100`, `1e+20`), counts are written as integers, and the
/// special values as `+Inf`, `-Inf`, `NaN`. The `le` and `quantile` label values use the
/// canonical rendering OpenMetrics asks for (Go's `%g` with shortest precision, `.0`
/// appended to integers: `0.5`, `1.0`, `100000.0`, `1e+06`, `1e-05`, `+Inf`).
/// Timestamps are int64 nanoseconds since the Unix epoch (the project's time convention);
/// Prometheus text writes them as integer milliseconds (floor), OpenMetrics as exact
/// decimal seconds (`1700000000.123456789`).
///
/// Differences between the two outputs, by the formats' own rules: 0.0.4 has no `# UNIT`
/// and no created timestamps (they are left out); OpenMetrics writes a histogram's
/// `_count` and `_sum` only when no bucket bound is negative and the sum is >= 0 (its 1.0
/// spec allows `_sum` only for non-negative observations; the `+Inf` bucket still carries
/// the count).
///
/// Cost: writing is linear in the output, about 120 ns per sample (a 20-feature monitor,
/// 220 series / 400 samples / 30 KB: ~50 µs; bench_exposition); the body is one
/// std::string (reuse it between scrapes to keep its capacity) and the clash check builds
/// a small hash set per scrape. Building families allocates per series; scrapes are rare.
///
/// Example:
/// @code
///   using namespace driftscope;
///   std::vector<metric_family> fams;
///   fams.push_back(metric_family::gauge("drift_psi", "PSI of the current window"));
///   fams.back().add_gauge(0.07, {{"feature", "age"}}).add_gauge(0.31, {{"feature", "income"}});
///   fams.push_back(metric_family::counter("rows_seen", "Rows fed to the monitor"));
///   fams.back().add_counter(12345);
///   const metrics_response r = render_metrics(request_accept_header, fams);
///   // reply with status 200, header Content-Type: r.content_type, body r.body
/// @endcode

#include <driftscope/core/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace driftscope {

/// @brief The metric types of OpenMetrics 1.0 that this model writes.
enum class metric_type : std::uint8_t { counter, gauge, histogram, summary, info, stateset };

/// The OpenMetrics `# TYPE` word of a type ("counter", "gauge", ...).
inline const char* to_string(metric_type t) noexcept {
  switch (t) {
    case metric_type::counter: return "counter";
    case metric_type::gauge: return "gauge";
    case metric_type::histogram: return "histogram";
    case metric_type::summary: return "summary";
    case metric_type::info: return "info";
    case metric_type::stateset: return "stateset";
  }
  return "unknown";
}

/// @brief One label of a series: name and (unescaped, UTF-8) value.
struct metric_label {
  std::string name;
  std::string value;
};
using metric_labels = std::vector<metric_label>;

/// @brief One series of a family: its labels and values (which fields apply depends on
/// the family's type; see metric_family's add_* functions).
struct metric_point {
  metric_labels labels;
  double value = 0;           ///< counter / gauge value; histogram / summary sum
  std::uint64_t count = 0;    ///< histogram / summary observation count
  std::vector<std::uint64_t> buckets;  ///< histogram: cumulative counts per bound, then +Inf; stateset: 0 / 1 per state
  std::vector<double> quantile_values; ///< summary: one per family quantile
  std::optional<std::int64_t> created_ns;    ///< counter / histogram / summary start time
  std::optional<std::int64_t> timestamp_ns;  ///< sample timestamp (rarely needed: scrapers stamp)
};

/// @brief One sample as OpenMetrics names it (`samples()`: interop and tests).
struct metric_sample {
  std::string name;  ///< full sample name, e.g. "rows_seen_total", "latency_seconds_bucket"
  metric_labels labels;  ///< the series' labels plus `le` / `quantile` / the stateset label
  double value = 0;  ///< counts converted to double; `_created` in seconds since the epoch
  std::optional<std::int64_t> timestamp_ns;
};

namespace detail {

inline bool is_metric_name(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

inline bool is_label_name(std::string_view s) noexcept {
  return is_metric_name(s) && s.find(':') == std::string_view::npos;
}

inline bool ends_with(std::string_view s, std::string_view suffix) noexcept {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or code points
/// beyond U+10FFFF): a scraper rejects the whole exposition otherwise.
inline bool is_valid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0u) == 0xC0u) {
      len = 2;
      cp = c & 0x1Fu;
    } else if ((c & 0xF0u) == 0xE0u) {
      len = 3;
      cp = c & 0x0Fu;
    } else if ((c & 0xF8u) == 0xF0u) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (n - i < len) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0u) != 0x80u) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    static constexpr std::uint32_t min_of_len[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_of_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

/// Appends `s` escaped: backslash and newline always, the double quote when `quote`.
inline void append_escaped(std::string& out, std::string_view s, bool quote) {
  for (const char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

/// Appends a sample value: shortest round-trip repr, `+Inf`, `-Inf`, `NaN`.
inline void append_value(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    fmt::format_to(std::back_inserter(out), "{}", v);
  }
}

/// Appends the canonical rendering of an `le` / `quantile` label value (OpenMetrics 1.0,
/// "Canonical Numbers": Go's strconv 'g' format with shortest precision — exponent form
/// when the decimal exponent is < -4 or >= 6 — and `.0` appended when the result has
/// neither a point nor an exponent).
inline void append_canonical(std::string& out, double v) {
  if (std::isnan(v) || std::isinf(v)) {
    append_value(out, v);
    return;
  }
  // decompose fmt's shortest repr into sign, significant digits and decimal point position
  char buf[64];
  const auto end = fmt::format_to_n(buf, sizeof(buf) - 1, "{}", v).out;
  std::string_view s(buf, static_cast<std::size_t>(end - buf));
  if (!s.empty() && s[0] == '-') {
    out += '-';
    s.remove_prefix(1);
  }
  int exp10 = 0;
  const auto e = s.find('e');
  if (e != std::string_view::npos) {
    exp10 = std::stoi(std::string(s.substr(e + 1)));
    s = s.substr(0, e);
  }
  char digits[32];
  int nd = 0;
  int point = -1;
  for (const char c : s) {
    if (c == '.') {
      point = nd;
    } else if (nd < 31) {
      digits[nd++] = c;
    }
  }
  int dp = (point < 0 ? nd : point) + exp10;  // digits[0..dp) are the integer part
  int first = 0;
  while (first < nd && digits[first] == '0') {
    ++first;
    --dp;
  }
  int last = nd;
  while (last > first && digits[last - 1] == '0') --last;
  if (first == last) {  // zero
    out += "0.0";
    return;
  }
  const std::string_view d(digits + first, static_cast<std::size_t>(last - first));
  const int n = static_cast<int>(d.size());
  const int x = dp - 1;
  if (x < -4 || x >= 6) {
    out += d[0];
    if (n > 1) {
      out += '.';
      out.append(d.substr(1));
    }
    fmt::format_to(std::back_inserter(out), "e{}{:02d}", x < 0 ? '-' : '+', x < 0 ? -x : x);
  } else if (dp <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-dp), '0');
    out.append(d);
  } else if (dp >= n) {
    out.append(d);
    out.append(static_cast<std::size_t>(dp - n), '0');
    out += ".0";
  } else {
    out.append(d.substr(0, static_cast<std::size_t>(dp)));
    out += '.';
    out.append(d.substr(static_cast<std::size_t>(dp)));
  }
}

/// Appends int64 nanoseconds as exact decimal seconds ("12.5", "-0.000000001", "3").
inline void append_seconds(std::string& out, std::int64_t ns) {
  // magnitude as unsigned, so INT64_MIN works too
  const std::uint64_t mag = ns < 0 ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  if (ns < 0) out += '-';
  std::uint64_t frac = mag % 1000000000u;
  fmt::format_to(std::back_inserter(out), "{}", mag / 1000000000u);
  if (frac == 0) return;
  int width = 9;
  while (frac % 10 == 0) {
    frac /= 10;
    --width;
  }
  fmt::format_to(std::back_inserter(out), ".{:0{}}", frac, width);
}

/// Floor of ns / 1e6 (Prometheus text timestamps are integer milliseconds).
inline std::int64_t floor_ms(std::int64_t ns) noexcept {
  std::int64_t q = ns / 1000000;
  if (ns % 1000000 != 0 && ns < 0) --q;
  return q;
}

/// One sample value as the visitor passes it: a double, an exact count, or seconds
/// given as nanoseconds.
struct sample_value {
  enum class kind : std::uint8_t { real, integer, seconds } k = kind::real;
  double real = 0;
  std::uint64_t integer = 0;
  std::int64_t ns = 0;

  static sample_value of(double v) { return {kind::real, v, 0, 0}; }
  static sample_value of_count(std::uint64_t v) { return {kind::integer, 0, v, 0}; }
  static sample_value of_seconds(std::int64_t ns) { return {kind::seconds, 0, 0, ns}; }

  double as_double() const noexcept {
    switch (k) {
      case kind::integer: return static_cast<double>(integer);
      case kind::seconds: return static_cast<double>(ns) * 1e-9;
      case kind::real: break;
    }
    return real;
  }
};

inline void append_sample_value(std::string& out, const sample_value& v) {
  switch (v.k) {
    case sample_value::kind::integer: fmt::format_to(std::back_inserter(out), "{}", v.integer); return;
    case sample_value::kind::seconds: append_seconds(out, v.ns); return;
    case sample_value::kind::real: append_value(out, v.real); return;
  }
}

/// An extra label a sample adds to its series' labels (le, quantile, the stateset label).
struct extra_label {
  std::string_view name;  ///< empty: none
  double number = 0;      ///< le / quantile, rendered canonically
  std::string_view text;  ///< a stateset state (used when `numeric` is false)
  bool numeric = true;
};

}  // namespace detail

/// @brief A metric family: name, type, help, unit and its series (see the file comment).
class metric_family {
 public:
  static constexpr std::size_t max_series = 10000;  ///< cardinality guard per family
  static constexpr std::size_t max_labels = 16;     ///< labels per series

  /// @brief A counter ("how many so far"; never decreases except on restart).
  /// @param name family name, with or without the `_total` suffix.
  /// @param unit optional; the name (without `_total`) must end with `_<unit>`.
  /// @throws std::invalid_argument for an invalid name, help or unit.
  static metric_family counter(std::string_view name, std::string_view help, std::string_view unit = {}) {
    return metric_family(metric_type::counter, strip_suffix(name, "_total"), help, unit, "metric_family::counter");
  }
  /// @brief A gauge (a current value that may go up and down).
  static metric_family gauge(std::string_view name, std::string_view help, std::string_view unit = {}) {
    return metric_family(metric_type::gauge, name, help, unit, "metric_family::gauge");
  }
  /// @brief A histogram with fixed upper bounds (`le`): strictly increasing, not NaN; a
  /// trailing +Inf is implied (and accepted if given).
  static metric_family histogram(std::string_view name, std::string_view help, std::vector<double> upper_bounds,
                                 std::string_view unit = {}) {
    static constexpr const char* fn = "metric_family::histogram";
    metric_family f(metric_type::histogram, name, help, unit, fn);
    if (!upper_bounds.empty() && upper_bounds.back() == std::numeric_limits<double>::infinity()) upper_bounds.pop_back();
    for (std::size_t i = 0; i < upper_bounds.size(); ++i) {
      const double b = upper_bounds[i];
      if (std::isnan(b) || std::isinf(b))
        detail::throw_invalid_argument("{}: upper_bounds must be finite (+Inf is implied), got {} at index {}", fn,
                                       b, i);
      if (i > 0 && !(upper_bounds[i - 1] < b))
        detail::throw_invalid_argument("{}: upper_bounds must be strictly increasing, got {} after {} at index {}",
                                       fn, b, upper_bounds[i - 1], i);
    }
    f.bounds_ = std::move(upper_bounds);
    return f;
  }
  /// @brief A summary with fixed quantile levels in [0, 1], strictly increasing.
  static metric_family summary(std::string_view name, std::string_view help, std::vector<double> quantiles,
                               std::string_view unit = {}) {
    static constexpr const char* fn = "metric_family::summary";
    metric_family f(metric_type::summary, name, help, unit, fn);
    for (std::size_t i = 0; i < quantiles.size(); ++i) {
      const double q = quantiles[i];
      if (!(q >= 0 && q <= 1))
        detail::throw_invalid_argument("{}: quantiles must be in [0, 1], got {} at index {}", fn, q, i);
      if (i > 0 && !(quantiles[i - 1] < q))
        detail::throw_invalid_argument("{}: quantiles must be strictly increasing, got {} after {} at index {}", fn,
                                       q, quantiles[i - 1], i);
    }
    f.quantiles_ = std::move(quantiles);
    return f;
  }
  /// @brief An info family (constant 1 with descriptive labels: versions, configuration).
  /// @param name with or without the `_info` suffix.
  static metric_family info(std::string_view name, std::string_view help) {
    return metric_family(metric_type::info, strip_suffix(name, "_info"), help, {}, "metric_family::info");
  }
  /// @brief A stateset: each series says which of `states` are on (an enum when one is).
  /// The name must also be a valid label name (it labels the states).
  static metric_family stateset(std::string_view name, std::string_view help, std::vector<std::string> states) {
    static constexpr const char* fn = "metric_family::stateset";
    metric_family f(metric_type::stateset, name, help, {}, fn);
    if (!detail::is_label_name(f.name_))
      detail::throw_invalid_argument("{}: a stateset's name labels its states, so it must match "
                                     "[a-zA-Z_][a-zA-Z0-9_]*, got '{}'", fn, f.name_);
    if (states.empty()) detail::throw_invalid_argument("{}: states must not be empty", fn);
    for (std::size_t i = 0; i < states.size(); ++i) {
      if (!detail::is_valid_utf8(states[i]))
        detail::throw_invalid_argument("{}: states[{}] is not valid UTF-8", fn, i);
      for (std::size_t j = 0; j < i; ++j)
        if (states[j] == states[i]) detail::throw_invalid_argument("{}: state '{}' appears twice", fn, states[i]);
    }
    f.states_ = std::move(states);
    return f;
  }

  /// @brief Adds a counter series. @param value finite and >= 0.
  /// @param created_ns when the counter started (OpenMetrics `_created`), optional.
  /// @throws std::invalid_argument (wrong family type, bad value or labels, a label set
  ///         already present, more than max_series series).
  metric_family& add_counter(double value, metric_labels labels = {}, std::optional<std::int64_t> created_ns = {},
                             std::optional<std::int64_t> timestamp_ns = {}) {
    static constexpr const char* fn = "metric_family::add_counter";
    check_type(metric_type::counter, fn);
    if (!std::isfinite(value) || value < 0)
      detail::throw_invalid_argument("{}: '{}': value must be finite and >= 0, got {}", fn, name_, value);
    metric_point& p = new_point(std::move(labels), fn);
    p.value = value;
    p.created_ns = created_ns;
    p.timestamp_ns = timestamp_ns;
    return *this;
  }

  /// @brief Adds a gauge series (any double; NaN is written as `NaN`).
  metric_family& add_gauge(double value, metric_labels labels = {}, std::optional<std::int64_t> timestamp_ns = {}) {
    static constexpr const char* fn = "metric_family::add_gauge";
    check_type(metric_type::gauge, fn);
    metric_point& p = new_point(std::move(labels), fn);
    p.value = value;
    p.timestamp_ns = timestamp_ns;
    return *this;
  }

  /// @brief Adds a histogram series from per-bucket (not cumulative) counts:
  /// bucket_counts[i] counts observations in (bound[i-1], bound[i]], the last entry those
  /// above the last bound; so bucket_counts.size() == upper_bounds().size() + 1. The writer
  /// makes them cumulative; the count is their total.
  /// @param sum sum of the observations (not NaN).
  metric_family& add_histogram(const std::vector<std::uint64_t>& bucket_counts, double sum, metric_labels labels = {},
                               std::optional<std::int64_t> created_ns = {},
                               std::optional<std::int64_t> timestamp_ns = {}) {
    static constexpr const char* fn = "metric_family::add_histogram";
    check_type(metric_type::histogram, fn);
    if (bucket_counts.size() != bounds_.size() + 1)
      detail::throw_invalid_argument("{}: '{}': bucket_counts needs {} entries (one per bound plus +Inf), got {}", fn,
                                     name_, bounds_.size() + 1, bucket_counts.size());
    if (std::isnan(sum)) detail::throw_invalid_argument("{}: '{}': sum must not be NaN", fn, name_);
    std::vector<std::uint64_t> cumulative(bucket_counts.size());
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < bucket_counts.size(); ++i) {
      if (bucket_counts[i] > std::numeric_limits<std::uint64_t>::max() - total)
        detail::throw_invalid_argument("{}: '{}': bucket counts overflow 64 bits", fn, name_);
      total += bucket_counts[i];
      cumulative[i] = total;
    }
    metric_point& p = new_point(std::move(labels), fn);
    p.buckets = std::move(cumulative);
    p.count = total;
    p.value = sum;
    p.created_ns = created_ns;
    p.timestamp_ns = timestamp_ns;
    return *this;
  }

  /// @brief Adds a summary series. @param sum finite, >= 0.
  /// @param quantile_values one per family quantile, each >= 0 or NaN (NaN = no data).
  metric_family& add_summary(std::uint64_t count, double sum, const std::vector<double>& quantile_values,
                             metric_labels labels = {}, std::optional<std::int64_t> created_ns = {},
                             std::optional<std::int64_t> timestamp_ns = {}) {
    static constexpr const char* fn = "metric_family::add_summary";
    check_type(metric_type::summary, fn);
    if (!std::isfinite(sum) || sum < 0)
      detail::throw_invalid_argument("{}: '{}': sum must be finite and >= 0 (OpenMetrics), got {}", fn, name_, sum);
    if (quantile_values.size() != quantiles_.size())
      detail::throw_invalid_argument("{}: '{}': quantile_values needs {} entries (one per quantile), got {}", fn,
                                     name_, quantiles_.size(), quantile_values.size());
    for (std::size_t i = 0; i < quantile_values.size(); ++i)
      if (quantile_values[i] < 0)
        detail::throw_invalid_argument("{}: '{}': quantile_values must be >= 0 or NaN (OpenMetrics), got {} at "
                                       "index {}", fn, name_, quantile_values[i], i);
    metric_point& p = new_point(std::move(labels), fn);
    p.count = count;
    p.value = sum;
    p.quantile_values = quantile_values;
    p.created_ns = created_ns;
    p.timestamp_ns = timestamp_ns;
    return *this;
  }

  /// @brief Adds an info series: the labels are the information, the value is 1.
  metric_family& add_info(metric_labels labels, std::optional<std::int64_t> timestamp_ns = {}) {
    static constexpr const char* fn = "metric_family::add_info";
    check_type(metric_type::info, fn);
    metric_point& p = new_point(std::move(labels), fn);
    p.value = 1;
    p.timestamp_ns = timestamp_ns;
    return *this;
  }

  /// @brief Adds a stateset series: the states in `enabled` are 1, the others 0.
  metric_family& add_stateset(const std::vector<std::string>& enabled, metric_labels labels = {},
                              std::optional<std::int64_t> timestamp_ns = {}) {
    static constexpr const char* fn = "metric_family::add_stateset";
    check_type(metric_type::stateset, fn);
    std::vector<std::uint64_t> on(states_.size(), 0);
    for (const std::string& s : enabled) {
      const auto it = std::find(states_.begin(), states_.end(), s);
      if (it == states_.end())
        detail::throw_invalid_argument("{}: '{}': unknown state '{}'", fn, name_, s);
      on[static_cast<std::size_t>(it - states_.begin())] = 1;
    }
    metric_point& p = new_point(std::move(labels), fn);
    p.buckets = std::move(on);
    p.timestamp_ns = timestamp_ns;
    return *this;
  }

  /// Family name (counters without `_total`, infos without `_info`).
  const std::string& name() const noexcept { return name_; }
  metric_type type() const noexcept { return type_; }
  const std::string& help() const noexcept { return help_; }
  const std::string& unit() const noexcept { return unit_; }
  const std::vector<double>& upper_bounds() const noexcept { return bounds_; }
  const std::vector<double>& quantiles() const noexcept { return quantiles_; }
  const std::vector<std::string>& states() const noexcept { return states_; }
  const std::vector<metric_point>& points() const noexcept { return points_; }

  /// @brief Calls `sink(suffix, point, extra_label, detail::sample_value, timestamp)` for
  /// each sample in output order; `openmetrics` selects that format's sample set.
  template <class Sink>
  void visit_samples(bool openmetrics, Sink&& sink) const {
    using detail::sample_value;
    const detail::extra_label none{};
    for (const metric_point& p : points_) {
      const auto& ts = p.timestamp_ns;
      switch (type_) {
        case metric_type::gauge: sink("", p, none, sample_value::of(p.value), ts); break;
        case metric_type::counter:
          sink("_total", p, none, sample_value::of(p.value), ts);
          if (openmetrics && p.created_ns) sink("_created", p, none, sample_value::of_seconds(*p.created_ns), ts);
          break;
        case metric_type::histogram: {
          for (std::size_t i = 0; i <= bounds_.size(); ++i) {
            const double le = i < bounds_.size() ? bounds_[i] : std::numeric_limits<double>::infinity();
            sink("_bucket", p, detail::extra_label{"le", le, {}, true}, sample_value::of_count(p.buckets[i]), ts);
          }
          const bool negative = !bounds_.empty() && bounds_.front() < 0;
          if (!openmetrics || (!negative && p.value >= 0)) {
            sink("_count", p, none, sample_value::of_count(p.count), ts);
            sink("_sum", p, none, sample_value::of(p.value), ts);
          }
          if (openmetrics && p.created_ns) sink("_created", p, none, sample_value::of_seconds(*p.created_ns), ts);
          break;
        }
        case metric_type::summary:
          for (std::size_t i = 0; i < quantiles_.size(); ++i)
            sink("", p, detail::extra_label{"quantile", quantiles_[i], {}, true},
                 sample_value::of(p.quantile_values[i]), ts);
          sink("_count", p, none, sample_value::of_count(p.count), ts);
          sink("_sum", p, none, sample_value::of(p.value), ts);
          if (openmetrics && p.created_ns) sink("_created", p, none, sample_value::of_seconds(*p.created_ns), ts);
          break;
        case metric_type::info: sink("_info", p, none, sample_value::of_count(1), ts); break;
        case metric_type::stateset:
          for (std::size_t i = 0; i < states_.size(); ++i)
            sink("", p, detail::extra_label{name_, 0, states_[i], false}, sample_value::of_count(p.buckets[i]), ts);
          break;
      }
    }
  }

  /// @brief The samples as OpenMetrics writes them (names, labels incl. le / quantile,
  /// values as double, `_created` in seconds).
  std::vector<metric_sample> samples() const {
    std::vector<metric_sample> out;
    visit_samples(true, [&](std::string_view suffix, const metric_point& p, const detail::extra_label& extra,
                            const detail::sample_value& v, const std::optional<std::int64_t>& ts) {
      metric_sample s;
      s.name = name_;
      s.name += suffix;
      s.labels = p.labels;
      if (!extra.name.empty()) {
        std::string value;
        if (extra.numeric) {
          detail::append_canonical(value, extra.number);
        } else {
          value = std::string(extra.text);
        }
        s.labels.push_back(metric_label{std::string(extra.name), std::move(value)});
      }
      s.value = v.as_double();
      s.timestamp_ns = ts;
      out.push_back(std::move(s));
    });
    return out;
  }

  /// @brief The sample names this family claims in OpenMetrics (for clash checks): the
  /// name itself plus its type's suffixes.
  std::vector<std::string> reserved_names() const {
    static constexpr std::string_view counter_sfx[] = {"", "_total", "_created"};
    static constexpr std::string_view histogram_sfx[] = {"", "_bucket", "_count", "_sum", "_created"};
    static constexpr std::string_view summary_sfx[] = {"", "_count", "_sum", "_created"};
    static constexpr std::string_view info_sfx[] = {"", "_info"};
    static constexpr std::string_view plain_sfx[] = {""};
    std::vector<std::string> out;
    auto add = [&](const auto& suffixes) {
      for (std::string_view sfx : suffixes) out.push_back(name_ + std::string(sfx));
    };
    switch (type_) {
      case metric_type::counter: add(counter_sfx); break;
      case metric_type::histogram: add(histogram_sfx); break;
      case metric_type::summary: add(summary_sfx); break;
      case metric_type::info: add(info_sfx); break;
      case metric_type::gauge:
      case metric_type::stateset: add(plain_sfx); break;
    }
    return out;
  }

 private:
  metric_family(metric_type type, std::string_view name, std::string_view help, std::string_view unit, const char* fn)
      : type_(type), name_(name), help_(help), unit_(unit) {
    if (!detail::is_metric_name(name_))
      detail::throw_invalid_argument("{}: name must match [a-zA-Z_:][a-zA-Z0-9_:]*, got '{}'", fn, name_);
    if (!detail::is_valid_utf8(help_)) detail::throw_invalid_argument("{}: '{}': help is not valid UTF-8", fn, name_);
    if (!unit_.empty()) {
      if (!std::all_of(unit_.begin(), unit_.end(), [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
          }))
        detail::throw_invalid_argument("{}: '{}': unit must match [a-zA-Z0-9_:]+, got '{}'", fn, name_, unit_);
      if (!detail::ends_with(name_, "_" + unit_))
        detail::throw_invalid_argument("{}: name '{}' must end with '_{}' for unit '{}' (OpenMetrics)", fn, name_,
                                       unit_, unit_);
    }
  }

  static std::string_view strip_suffix(std::string_view name, std::string_view suffix) {
    return detail::ends_with(name, suffix) && name.size() > suffix.size() ? name.substr(0, name.size() - suffix.size())
                                                                            : name;
  }

  void check_type(metric_type t, const char* fn) const {
    if (type_ != t)
      detail::throw_invalid_argument("{}: '{}' is a {} family, not a {}", fn, name_, to_string(type_), to_string(t));
  }

  /// Validates `labels`, refuses a repeated label set, appends a point holding them.
  metric_point& new_point(metric_labels labels, const char* fn) {
    if (labels.size() > max_labels)
      detail::throw_invalid_argument("{}: '{}': at most {} labels per series, got {} (labels must be a small fixed "
                                     "set, never per request)", fn, name_, max_labels, labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i) {
      const std::string& ln = labels[i].name;
      if (!detail::is_label_name(ln))
        detail::throw_invalid_argument("{}: '{}': label name must match [a-zA-Z_][a-zA-Z0-9_]*, got '{}'", fn, name_,
                                       ln);
      if (ln.size() >= 2 && ln[0] == '_' && ln[1] == '_')
        detail::throw_invalid_argument("{}: '{}': label names starting with '__' are reserved, got '{}'", fn, name_,
                                       ln);
      if ((type_ == metric_type::histogram && ln == "le") || (type_ == metric_type::summary && ln == "quantile") ||
          (type_ == metric_type::stateset && ln == name_))
        detail::throw_invalid_argument("{}: '{}': label name '{}' is reserved for a {}", fn, name_, ln,
                                       to_string(type_));
      if (!detail::is_valid_utf8(labels[i].value))
        detail::throw_invalid_argument("{}: '{}': the value of label '{}' is not valid UTF-8", fn, name_, ln);
      for (std::size_t j = 0; j < i; ++j)
        if (labels[j].name == ln) detail::throw_invalid_argument("{}: '{}': label '{}' given twice", fn, name_, ln);
    }
    if (points_.size() >= max_series)
      detail::throw_invalid_argument("{}: '{}': more than {} series (label sets must be small and fixed, never per "
                                     "request)", fn, name_, max_series);
    // the set's identity: the pairs sorted by name, NUL-separated (names have no NUL)
    std::vector<const metric_label*> sorted;
    sorted.reserve(labels.size());
    for (const auto& l : labels) sorted.push_back(&l);
    std::sort(sorted.begin(), sorted.end(), [](const metric_label* a, const metric_label* b) { return a->name < b->name; });
    std::string key;
    for (const metric_label* l : sorted) {
      key += l->name;
      key += '\0';
      key += std::to_string(l->value.size());  // length-prefix: values may hold NUL
      key += '\0';
      key += l->value;
    }
    if (!keys_.insert(std::move(key)).second)
      detail::throw_invalid_argument("{}: '{}': this label set is already present", fn, name_);
    points_.emplace_back();
    points_.back().labels = std::move(labels);
    return points_.back();
  }

  metric_type type_;
  std::string name_, help_, unit_;
  std::vector<double> bounds_;
  std::vector<double> quantiles_;
  std::vector<std::string> states_;
  std::vector<metric_point> points_;
  std::unordered_set<std::string> keys_;
};

/// @brief The exposition formats.
enum class exposition_format : std::uint8_t { prometheus_text, openmetrics };

/// Content-Type of the Prometheus text format 0.0.4.
inline constexpr const char* prometheus_text_content_type = "text/plain; version=0.0.4; charset=utf-8";
/// Content-Type of OpenMetrics 1.0 text.
inline constexpr const char* openmetrics_content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8";

namespace detail {

/// @throws std::invalid_argument when two families claim the same sample name.
inline void check_no_clash(const std::vector<const metric_family*>& families, const char* fn) {
  std::unordered_set<std::string> seen;
  for (const metric_family* f : families)
    for (std::string& s : f->reserved_names())
      if (!seen.insert(s).second)
        throw_invalid_argument("{}: families clash on the name '{}' (family '{}', a {}, or an earlier one uses it)",
                               fn, s, f->name(), to_string(f->type()));
}

inline std::vector<const metric_family*> pointers_to(const std::vector<metric_family>& families) {
  std::vector<const metric_family*> out;
  out.reserve(families.size());
  for (const metric_family& f : families) out.push_back(&f);
  return out;
}

inline void write_samples(const metric_family& f, bool openmetrics, std::string& out) {
  f.visit_samples(openmetrics, [&](std::string_view suffix, const metric_point& p, const extra_label& extra,
                                   const sample_value& v, const std::optional<std::int64_t>& ts) {
    out += f.name();
    out += suffix;
    if (!p.labels.empty() || !extra.name.empty()) {
      out += '{';
      bool first = true;
      for (const metric_label& l : p.labels) {
        if (!first) out += ',';
        first = false;
        out += l.name;
        out += "=\"";
        append_escaped(out, l.value, true);
        out += '"';
      }
      if (!extra.name.empty()) {
        if (!first) out += ',';
        out += extra.name;
        out += "=\"";
        if (extra.numeric) {
          append_canonical(out, extra.number);
        } else {
          append_escaped(out, extra.text, true);
        }
        out += '"';
      }
      out += '}';
    }
    out += ' ';
    append_sample_value(out, v);
    if (ts) {
      out += ' ';
      if (openmetrics) {
        append_seconds(out, *ts);
      } else {
        fmt::format_to(std::back_inserter(out), "{}", floor_ms(*ts));
      }
    }
    out += '\n';
  });
}

}  // namespace detail

/// @brief Appends `families` (given by pointer: families kept elsewhere, not copied) in the
/// Prometheus text format 0.0.4 to `out`.
/// @throws std::invalid_argument when two families claim the same sample name.
inline void write_prometheus_text(const std::vector<const metric_family*>& families, std::string& out) {
  detail::check_no_clash(families, "write_prometheus_text");
  for (const metric_family* fp : families) {
    const metric_family& f = *fp;
    // 0.0.4 names a counter family by its sample (`x_total`) and has no info / stateset
    const std::string_view suffix = f.type() == metric_type::counter ? "_total"
                                    : f.type() == metric_type::info  ? "_info"
                                                                     : "";
    const bool as_gauge = f.type() == metric_type::info || f.type() == metric_type::stateset;
    const char* type = as_gauge ? "gauge" : to_string(f.type());
    if (!f.help().empty()) {
      out += "# HELP ";
      out += f.name();
      out += suffix;
      out += ' ';
      detail::append_escaped(out, f.help(), false);
      out += '\n';
    }
    fmt::format_to(std::back_inserter(out), "# TYPE {}{} {}\n", f.name(), suffix, type);
    detail::write_samples(f, false, out);
  }
}
/// @brief Appends `families` in the Prometheus text format 0.0.4 to `out`.
inline void write_prometheus_text(const std::vector<metric_family>& families, std::string& out) {
  write_prometheus_text(detail::pointers_to(families), out);
}
/// @brief The Prometheus text format 0.0.4 of `families`.
inline std::string to_prometheus_text(const std::vector<metric_family>& families) {
  std::string out;
  write_prometheus_text(families, out);
  return out;
}

/// @brief Appends `families` (given by pointer) in OpenMetrics 1.0 text to `out`, ending
/// with `# EOF\n`.
/// @throws std::invalid_argument when two families claim the same sample name.
inline void write_openmetrics(const std::vector<const metric_family*>& families, std::string& out) {
  detail::check_no_clash(families, "write_openmetrics");
  for (const metric_family* fp : families) {
    const metric_family& f = *fp;
    fmt::format_to(std::back_inserter(out), "# TYPE {} {}\n", f.name(), to_string(f.type()));
    if (!f.unit().empty()) fmt::format_to(std::back_inserter(out), "# UNIT {} {}\n", f.name(), f.unit());
    if (!f.help().empty()) {
      out += "# HELP ";
      out += f.name();
      out += ' ';
      detail::append_escaped(out, f.help(), true);
      out += '\n';
    }
    detail::write_samples(f, true, out);
  }
  out += "# EOF\n";
}
/// @brief Appends `families` in OpenMetrics 1.0 text to `out`, ending with `# EOF\n`.
inline void write_openmetrics(const std::vector<metric_family>& families, std::string& out) {
  write_openmetrics(detail::pointers_to(families), out);
}
/// @brief The OpenMetrics 1.0 text of `families`.
inline std::string to_openmetrics(const std::vector<metric_family>& families) {
  std::string out;
  write_openmetrics(families, out);
  return out;
}

/// @brief Chooses the format for an HTTP `Accept` header: OpenMetrics when the client
/// accepts `application/openmetrics-text` (version absent, 1.0.0 or 0.0.1; q > 0) with a
/// q-value at least that of any text/plain or wildcard range it lists; otherwise (also for
/// an empty header) the Prometheus text format. This is what a Prometheus server's scrape
/// Accept header (OpenMetrics first, text/plain;q=0.5) resolves to OpenMetrics.
inline exposition_format negotiate_exposition_format(std::string_view accept) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  auto lower_eq = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      char c = a[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != b[i]) return false;
    }
    return true;
  };
  double best_om = 0, best_text = 0;
  while (!accept.empty()) {
    const auto comma = accept.find(',');
    std::string_view range = accept.substr(0, comma);
    accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
    const auto semi = range.find(';');
    const std::string_view type = trim(range.substr(0, semi));
    double q = 1;
    bool version_ok = true;
    std::string_view params = semi == std::string_view::npos ? std::string_view{} : range.substr(semi + 1);
    while (!params.empty()) {
      const auto next = params.find(';');
      const std::string_view param = trim(params.substr(0, next));
      params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
      const auto eq = param.find('=');
      if (eq == std::string_view::npos) continue;
      const std::string_view key = trim(param.substr(0, eq));
      std::string_view val = trim(param.substr(eq + 1));
      if (lower_eq(key, "q")) {
        const std::string v(val);
        char* end = nullptr;
        const double parsed = std::strtod(v.c_str(), &end);
        q = (end != v.c_str() && parsed >= 0 && parsed <= 1) ? parsed : 0;
      } else if (lower_eq(key, "version")) {
        version_ok = val == "1.0.0" || val == "0.0.1";
      }
    }
    if (lower_eq(type, "application/openmetrics-text")) {
      if (version_ok) best_om = std::max(best_om, q);
    } else if (lower_eq(type, "text/plain") || lower_eq(type, "text/*") || lower_eq(type, "*/*")) {
      best_text = std::max(best_text, q);
    }
  }
  return best_om > 0 && best_om >= best_text ? exposition_format::openmetrics : exposition_format::prometheus_text;
}

/// @brief What a `/metrics` endpoint sends: its Content-Type header and body.
struct metrics_response {
  std::string content_type;
  std::string body;
};

/// @brief Renders `families` in the format `accept` negotiates (see
/// negotiate_exposition_format).
inline metrics_response render_metrics(std::string_view accept, const std::vector<const metric_family*>& families) {
  metrics_response r;
  if (negotiate_exposition_format(accept) == exposition_format::openmetrics) {
    r.content_type = openmetrics_content_type;
    write_openmetrics(families, r.body);
  } else {
    r.content_type = prometheus_text_content_type;
    write_prometheus_text(families, r.body);
  }
  return r;
}
inline metrics_response render_metrics(std::string_view accept, const std::vector<metric_family>& families) {
  return render_metrics(accept, detail::pointers_to(families));
}

/// @brief A `/metrics` handler for any HTTP server: holds a collector that builds the
/// current families, and answers a request's Accept header with (content type, body).
/// @code
///   driftscope::metrics_handler handler([&] { return my_families(); });
///   // in the server's GET /metrics route:
///   const auto r = handler(request.header("Accept"));
///   response.set_header("Content-Type", r.content_type);
///   response.set_body(r.body);
/// @endcode
/// Thread safety: as safe as the collector (the handler itself holds no mutable state).
class metrics_handler {
 public:
  using collector = std::function<std::vector<metric_family>()>;

  /// @throws std::invalid_argument when `collect` is empty.
  explicit metrics_handler(collector collect) : collect_(std::move(collect)) {
    if (!collect_) detail::throw_invalid_argument("metrics_handler: collect must be a callable, got an empty function");
  }

  /// @brief Collects and renders; exceptions from the collector or the writers propagate
  /// (answer them with status 500).
  metrics_response operator()(std::string_view accept) const { return render_metrics(accept, collect_()); }

 private:
  collector collect_;
};

}  // namespace driftscope
