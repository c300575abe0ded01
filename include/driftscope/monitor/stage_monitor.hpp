#pragma once
/// @file
/// @brief stage_monitor: the metrics and alert rules of one stage of an ML pipeline
/// (upstream source, features, model, post-processing), over tumbling time windows.
///
/// The seed notes' monitoring advice — watch input metrics, output metrics and software
/// metrics, set thresholds, alarm when crossed — for one stage. A stage sees each request
/// (or row) as a `stage_record`: its numerical fields (NaN = missing), its categorical
/// fields (strings), the time it took and whether it failed. Ratios (retries per request,
/// clicks per impression) are added apart with `add_ratio`.
///
/// ## Windows and metric values
/// Time is the caller's (int64 ns, non-decreasing). Windows are aligned to multiples of
/// `window_ns` since the epoch: [k·W, (k+1)·W). When a record (or `advance(t)`) reaches
/// the end of the current window, the window closes: every metric of the catalogue below
/// is computed into `last_values()`, every alert rule is evaluated on its metric's value
/// at the window's end time, and the window's state is reset. A jump over several windows
/// closes each of them in turn (the empty ones have count 0, volume 0 and NaN for every
/// other metric, which a rule sees as no data); a jump of more than `max_skipped_windows`
/// windows is refused as a likely unit error. A stage whose upstream stops sending still
/// evaluates its rules when the caller calls `advance(now)` on a clock.
///
/// ## Metric catalogue (ids are the names alert rules use)
/// | id                                 | value of the closed window                          |
/// |------------------------------------|-----------------------------------------------------|
/// | `requests:count`                   | records                                             |
/// | `requests:per_second`              | records / window seconds                            |
/// | `errors:count`, `errors:share`     | failed records, and their share of the records      |
/// | `latency:mean` / `:p50` / `:p90` / `:p99` / `:max` | latency in seconds (latency_sketch, relative error α) |
/// | `<f>:count`                        | values of numerical field f (missing included)      |
/// | `<f>:missing_share`, `<f>:infinite_share` | NaN and ±inf shares                          |
/// | `<f>:mean`, `<f>:std`, `<f>:min`, `<f>:max` | of the non-missing values (std: ddof 0)    |
/// | `<f>:p50`, `<f>:p90`, `<f>:p99`    | KLL quantiles (with `numeric.quantiles` on)          |
/// | `<c>:count`, `<c>:missing_share`   | categorical field c                                 |
/// | `<c>:distinct`                     | HyperLogLog estimate of distinct values              |
/// | `<c>:top_share`                    | upper bound of the most frequent value's share       |
/// | `<c>:unseen_share`                 | share not among the reference categories (if given) |
/// | `<r>:value`                        | ratio r of the window; NaN below its minimum volume  |
/// | `<r>:lower`, `<r>:upper`           | its Wilson (proportion) or Poisson (rate) interval   |
/// | `<r>:denominator`                  | the window's denominator                             |
/// Field and ratio names match `[a-zA-Z_][a-zA-Z0-9_]*` and are unique within the stage,
/// so every id is a valid Prometheus name and an alert rule's `metric`. A rule naming an
/// id that is not in the catalogue is refused at construction.
///
/// Relative rules need reference values: a rule whose `relative_to_reference` reference
/// is NaN takes the value of its metric in `options.reference` (a snapshot of the same
/// catalogue, e.g. `stage_monitor::summarize` of the training data), and a `sigma_band`
/// on `<f>:mean` whose mean and sd are NaN takes the reference's `<f>:mean` and `<f>:std`.
///
/// Cost per record: per numerical field ≈ 5 ns (moments) + 22 ns (KLL, if on); per
/// categorical field a string hash, an HLL update and a SpaceSaving update; the latency
/// sketch O(1). No allocation per record once the sketches have their working size (a new
/// categorical value allocates once when it enters the frequent-items summary). A window
/// close costs the catalogue's size plus the rules, and one KLL rebuild per field.
/// Memory: per numerical field ~31 KB (KLL k = 200), per categorical field 2^p bytes + the
/// k-counter summary, ~16 KB per latency sketch (2048 buckets) — one for the window and
/// one for the lifetime histogram — plus the rules and the bounded event log.

#include <driftscope/core/error.hpp>
#include <driftscope/monitor/alert_rule.hpp>
#include <driftscope/monitor/category_metrics.hpp>
#include <driftscope/monitor/feature_metrics.hpp>
#include <driftscope/monitor/rate_meter.hpp>
#include <driftscope/monitor/ratio_metric.hpp>
#include <driftscope/sketch/latency_sketch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace driftscope {

/// @brief One categorical field: its name and, optionally, the reference categories
/// (values outside them count as unseen).
struct categorical_field {
  std::string name;
  std::vector<std::string> reference_categories;
};

/// @brief One ratio metric of a stage.
struct ratio_field {
  std::string name;
  ratio_options options;
};

/// @brief Options of a stage_monitor (validate() names the offending field).
struct stage_options {
  std::string name = "stage";                 ///< Prometheus label `stage`
  std::vector<std::string> numeric;           ///< numerical fields, in stage_record::numeric order
  std::vector<categorical_field> categorical; ///< categorical fields, in stage_record::categorical order
  std::vector<ratio_field> ratios;            ///< ratio metrics, added with add_ratio()
  std::int64_t window_ns = 60'000'000'000;    ///< tumbling window length (ns), > 0
  feature_metrics_options numeric_options;    ///< quantiles on / off, KLL k
  int hll_p = hyperloglog::default_p;         ///< categorical fields' HyperLogLog precision
  std::uint32_t top_k = 64;                   ///< categorical fields' SpaceSaving counters
  std::vector<std::string> missing_values = {std::string()};  ///< categorical values counted as missing
  double latency_relative_accuracy = latency_sketch::default_relative_accuracy;
  std::vector<alert_rule> rules;              ///< each names a catalogue id as its metric
  /// Reference values of the catalogue (metric_ids() order) for relative rules; empty = none.
  std::vector<double> reference;
  std::size_t event_capacity = 1000;          ///< alert events kept (older ones are dropped)
  std::uint64_t max_skipped_windows = 1'000'000;

  /// @throws std::invalid_argument naming `fn` and the field.
  void validate(const char* fn = "stage_options") const;
};

/// @brief What a stage sees of one request.
struct stage_record {
  const double* numeric = nullptr;                 ///< options.numeric.size() values (NaN = missing)
  const std::string_view* categorical = nullptr;   ///< options.categorical.size() values
  double latency_seconds = std::numeric_limits<double>::quiet_NaN();  ///< NaN = not measured
  bool error = false;                              ///< the request failed at this stage
};

/// @brief An alert event with the stage it came from.
struct stage_alert_event {
  std::string stage;
  alert_event event;
};

/// @brief Metrics and alert rules of one pipeline stage (see the file comment).
class stage_monitor {
 public:
  using event_callback = std::function<void(const stage_alert_event&)>;

  /// @throws std::invalid_argument for invalid options or a rule on an unknown metric.
  explicit stage_monitor(stage_options options);

  /// The catalogue ids in order (the layout of last_values() and options.reference).
  static std::vector<std::string> metric_ids(const stage_options& options);
  const std::vector<std::string>& metric_ids() const noexcept { return ids_; }
  /// @brief The index of catalogue id `id`. @throws std::invalid_argument when unknown.
  std::size_t metric_index(std::string_view id) const;

  /// @brief One record at `timestamp_ns` (closes the windows that ended before it).
  /// @throws std::invalid_argument for a timestamp before the last one (naming it), a
  /// missing field pointer, or a negative / infinite latency; nothing is recorded then.
  void observe(const stage_record& record, std::int64_t timestamp_ns);

  /// @brief `n` records: numeric row-major n × numeric fields, categorical row-major
  /// n × categorical fields, latencies (NaN = none) and errors optional (nullptr).
  void observe_many(std::size_t n, const double* numeric, const std::string_view* categorical,
                    const double* latencies_seconds, const bool* errors, const std::int64_t* timestamps_ns);

  /// @brief Adds numerator / denominator to ratio `ratio` (index in options.ratios).
  /// @throws std::invalid_argument for an unknown ratio, bad counts or a timestamp before the last.
  void add_ratio(std::size_t ratio, std::int64_t numerator, std::int64_t denominator, std::int64_t timestamp_ns);
  void add_ratio(std::string_view ratio, std::int64_t numerator, std::int64_t denominator,
                 std::int64_t timestamp_ns) {
    add_ratio(ratio_index(ratio), numerator, denominator, timestamp_ns);
  }

  /// @brief Moves the clock to `timestamp_ns`, closing every window that ended by then.
  void advance(std::int64_t timestamp_ns);

  /// @brief Closes the current window now, whatever its length (e.g. at shutdown, or to
  /// summarize a reference): its values become last_values(), rules are evaluated at
  /// `timestamp_ns`. The next window starts at the next aligned boundary as usual.
  void close_window(std::int64_t timestamp_ns);

  /// @brief The catalogue values of `rows` taken as one window (no rules): the reference
  /// snapshot for options.reference. Arguments as observe_many().
  static std::vector<double> summarize(const stage_options& options, std::size_t n, const double* numeric,
                                       const std::string_view* categorical, const double* latencies_seconds = nullptr,
                                       const bool* errors = nullptr);

  const stage_options& options() const noexcept { return options_; }
  const std::string& name() const noexcept { return options_.name; }
  /// Values of the last closed window (NaN before the first close).
  const std::vector<double>& last_values() const noexcept { return last_; }
  /// @brief The last closed window's value of `id`.
  double last_value(std::string_view id) const { return last_[metric_index(id)]; }
  /// End time of the last closed window (ns); nullopt before the first close.
  std::optional<std::int64_t> last_window_end() const noexcept { return last_end_; }
  /// Windows closed so far.
  std::uint64_t windows_closed() const noexcept { return windows_closed_; }

  const std::vector<alert_tracker>& alerts() const noexcept { return trackers_; }
  const alert_log& events() const noexcept { return log_; }
  /// The first event that moved an alarm (not a warning) to firing, if any.
  const std::optional<alert_event>& first_alarm() const noexcept { return first_alarm_; }
  void on_event(event_callback cb) { callback_ = std::move(cb); }

  // ---- the current window and lifetime totals (for exposition) ----
  const std::vector<numeric_feature_metrics>& numeric_window() const noexcept { return numeric_; }
  const std::vector<category_metrics>& categorical_window() const noexcept { return categorical_; }
  const std::vector<ratio_metric>& ratio_window() const noexcept { return ratios_; }
  const latency_sketch& latency_window() const noexcept { return latency_; }
  /// Latencies of every record so far (for a cumulative Prometheus histogram).
  const latency_sketch& latency_lifetime() const noexcept { return latency_total_; }
  std::uint64_t requests_total() const noexcept { return requests_total_; }
  std::uint64_t errors_total() const noexcept { return errors_total_; }
  /// Lifetime missing values of numerical field i and categorical field j.
  std::uint64_t numeric_missing_total(std::size_t i) const { return numeric_missing_total_.at(i); }
  std::uint64_t categorical_missing_total(std::size_t j) const { return categorical_missing_total_.at(j); }
  /// Lifetime numerator / denominator of ratio r.
  std::pair<std::uint64_t, std::uint64_t> ratio_totals(std::size_t r) const { return ratio_totals_.at(r); }
  /// EWMA request rates (1 / 5 / 15 minutes) as of the last timestamp.
  meter_rates request_rates() const;
  std::optional<std::int64_t> last_timestamp() const noexcept {
    return has_last_ ? std::optional<std::int64_t>(last_ts_) : std::nullopt;
  }

 private:
  enum class metric_kind : std::uint8_t {
    requests_count, requests_per_second, errors_count, errors_share,
    latency_mean, latency_quantile, latency_max,
    num_count, num_missing_share, num_infinite_share, num_mean, num_std, num_min, num_max, num_quantile,
    cat_count, cat_missing_share, cat_distinct, cat_top_share, cat_unseen_share,
    ratio_value, ratio_lower, ratio_upper, ratio_denominator,
  };
  struct metric_def {
    std::string id;
    metric_kind kind;
    std::size_t field = 0;  // numeric / categorical / ratio index
    double q = 0;           // quantile
  };

  static std::vector<metric_def> catalogue(const stage_options& o);
  std::size_t ratio_index(std::string_view name) const;
  void check_time(std::int64_t t, const char* fn) const;
  void roll_to(std::int64_t t, const char* fn);
  void close_current(std::int64_t eval_ts);
  double value_of(const metric_def& d, double window_seconds) const;
  void record(const stage_record& r);
  void reset_window();
  void resolve_rules();

  stage_options options_;
  std::vector<metric_def> defs_;
  std::vector<std::string> ids_;
  std::unordered_map<std::string, std::size_t> index_;

  std::vector<numeric_feature_metrics> numeric_;
  std::vector<category_metrics> categorical_;
  std::vector<ratio_metric> ratios_;
  latency_sketch latency_;
  latency_sketch latency_total_;
  std::uint64_t requests_ = 0, errors_ = 0;
  std::uint64_t requests_total_ = 0, errors_total_ = 0;
  std::vector<std::uint64_t> numeric_missing_total_, categorical_missing_total_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ratio_totals_;
  rate_meter request_meter_;

  bool has_last_ = false;
  std::int64_t last_ts_ = 0;
  bool has_window_ = false;
  std::int64_t window_start_ = 0;  // aligned start of the current window
  std::int64_t window_open_ = 0;   // when the current window's accumulation began (a close_window() moves it)
  std::vector<double> last_;
  std::optional<std::int64_t> last_end_;
  std::uint64_t windows_closed_ = 0;

  std::vector<alert_tracker> trackers_;
  std::vector<std::size_t> tracker_metric_;
  alert_log log_;
  std::optional<alert_event> first_alarm_;
  event_callback callback_;
};

// ---------------------------------------------------------------------------------------
// implementation
// ---------------------------------------------------------------------------------------

namespace detail {
/// A stage, field or ratio name: [a-zA-Z_][a-zA-Z0-9_]* (a Prometheus label-safe word).
inline bool is_field_name(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!(alpha || (i > 0 && c >= '0' && c <= '9'))) return false;
  }
  return true;
}
}  // namespace detail

inline void stage_options::validate(const char* fn) const {
  if (!detail::is_field_name(name))
    detail::throw_invalid_argument("{}: name '{}' must match [a-zA-Z_][a-zA-Z0-9_]*", fn, name);
  if (!(window_ns > 0)) detail::throw_invalid_argument("{}: window_ns must be > 0, got {}", fn, window_ns);
  if (max_skipped_windows == 0) detail::throw_invalid_argument("{}: max_skipped_windows must be >= 1", fn);
  numeric_options.validate(fn);
  category_metrics_options c;
  c.hll_p = hll_p;
  c.top_k = top_k;
  c.validate(fn);
  if (!(latency_relative_accuracy >= latency_sketch::min_relative_accuracy && latency_relative_accuracy < 1))
    detail::throw_invalid_argument("{}: latency_relative_accuracy must be in [{}, 1), got {}", fn,
                                   latency_sketch::min_relative_accuracy, latency_relative_accuracy);
  std::vector<std::string_view> names;
  const auto add = [&](const std::string& n, const char* what) {
    if (n == "requests" || n == "errors" || n == "latency")
      detail::throw_invalid_argument("{}: {} name '{}' is reserved (requests, errors, latency)", fn, what, n);
    for (auto m : names)
      if (m == n) detail::throw_invalid_argument("{}: {} name '{}' is used twice in the stage", fn, what, n);
    names.push_back(n);
  };
  for (const auto& f : numeric) {
    if (!detail::is_field_name(f)) detail::throw_invalid_argument("{}: numeric field name '{}' must match [a-zA-Z_][a-zA-Z0-9_]*", fn, f);
    add(f, "numeric field");
  }
  for (const auto& f : categorical) {
    if (!detail::is_field_name(f.name))
      detail::throw_invalid_argument("{}: categorical field name '{}' must match [a-zA-Z_][a-zA-Z0-9_]*", fn, f.name);
    add(f.name, "categorical field");
  }
  for (const auto& r : ratios) {
    if (!detail::is_field_name(r.name))
      detail::throw_invalid_argument("{}: ratio name '{}' must match [a-zA-Z_][a-zA-Z0-9_]*", fn, r.name);
    add(r.name, "ratio");
    r.options.validate(fn);
  }
}

inline std::vector<stage_monitor::metric_def> stage_monitor::catalogue(const stage_options& o) {
  std::vector<metric_def> d;
  const auto add = [&](std::string id, metric_kind k, std::size_t field = 0, double q = 0) {
    d.push_back({std::move(id), k, field, q});
  };
  add("requests:count", metric_kind::requests_count);
  add("requests:per_second", metric_kind::requests_per_second);
  add("errors:count", metric_kind::errors_count);
  add("errors:share", metric_kind::errors_share);
  add("latency:mean", metric_kind::latency_mean);
  add("latency:p50", metric_kind::latency_quantile, 0, 0.5);
  add("latency:p90", metric_kind::latency_quantile, 0, 0.9);
  add("latency:p99", metric_kind::latency_quantile, 0, 0.99);
  add("latency:max", metric_kind::latency_max);
  for (std::size_t i = 0; i < o.numeric.size(); ++i) {
    const std::string& f = o.numeric[i];
    add(f + ":count", metric_kind::num_count, i);
    add(f + ":missing_share", metric_kind::num_missing_share, i);
    add(f + ":infinite_share", metric_kind::num_infinite_share, i);
    add(f + ":mean", metric_kind::num_mean, i);
    add(f + ":std", metric_kind::num_std, i);
    add(f + ":min", metric_kind::num_min, i);
    add(f + ":max", metric_kind::num_max, i);
    if (o.numeric_options.quantiles) {
      add(f + ":p50", metric_kind::num_quantile, i, 0.5);
      add(f + ":p90", metric_kind::num_quantile, i, 0.9);
      add(f + ":p99", metric_kind::num_quantile, i, 0.99);
    }
  }
  for (std::size_t j = 0; j < o.categorical.size(); ++j) {
    const categorical_field& c = o.categorical[j];
    add(c.name + ":count", metric_kind::cat_count, j);
    add(c.name + ":missing_share", metric_kind::cat_missing_share, j);
    add(c.name + ":distinct", metric_kind::cat_distinct, j);
    add(c.name + ":top_share", metric_kind::cat_top_share, j);
    if (!c.reference_categories.empty()) add(c.name + ":unseen_share", metric_kind::cat_unseen_share, j);
  }
  for (std::size_t r = 0; r < o.ratios.size(); ++r) {
    const std::string& n = o.ratios[r].name;
    add(n + ":value", metric_kind::ratio_value, r);
    add(n + ":lower", metric_kind::ratio_lower, r);
    add(n + ":upper", metric_kind::ratio_upper, r);
    add(n + ":denominator", metric_kind::ratio_denominator, r);
  }
  return d;
}

inline std::vector<std::string> stage_monitor::metric_ids(const stage_options& options) {
  std::vector<std::string> ids;
  for (auto& d : catalogue(options)) ids.push_back(std::move(d.id));
  return ids;
}

inline stage_monitor::stage_monitor(stage_options options)
    : options_((options.validate("stage_monitor"), std::move(options))),
      latency_(options_.latency_relative_accuracy),
      latency_total_(options_.latency_relative_accuracy),
      log_(options_.event_capacity) {
  defs_ = catalogue(options_);
  for (std::size_t i = 0; i < defs_.size(); ++i) {
    ids_.push_back(defs_[i].id);
    index_.emplace(defs_[i].id, i);
  }
  if (!options_.reference.empty() && options_.reference.size() != defs_.size())
    detail::throw_invalid_argument("stage_monitor: reference must hold the {} catalogue values, got {}", defs_.size(),
                                   options_.reference.size());
  for (const auto& f : options_.numeric) {
    static_cast<void>(f);
    numeric_.emplace_back(options_.numeric_options);
  }
  for (const auto& c : options_.categorical) {
    category_metrics_options co;
    co.hll_p = options_.hll_p;
    co.top_k = options_.top_k;
    co.missing_values = options_.missing_values;
    co.reference_categories = c.reference_categories;
    categorical_.emplace_back(co);
  }
  for (const auto& r : options_.ratios) ratios_.emplace_back(r.options);
  numeric_missing_total_.assign(numeric_.size(), 0);
  categorical_missing_total_.assign(categorical_.size(), 0);
  ratio_totals_.assign(ratios_.size(), {0, 0});
  last_.assign(defs_.size(), std::numeric_limits<double>::quiet_NaN());
  resolve_rules();
}

inline void stage_monitor::resolve_rules() {
  for (alert_rule r : options_.rules) {
    const auto it = index_.find(r.metric);
    if (it == index_.end())
      detail::throw_invalid_argument("stage_monitor: rule '{}' names metric '{}', which stage '{}' does not have",
                                     r.alert_name(), r.metric, options_.name);
    alert_condition& c = r.condition;
    const bool rel = c.kind == alert_condition_kind::relative_to_reference;
    const bool sigma = c.kind == alert_condition_kind::sigma_band;
    if ((rel || sigma) && std::isnan(c.reference)) {
      if (options_.reference.empty())
        detail::throw_invalid_argument(
            "stage_monitor: rule '{}' compares with the reference, but stage '{}' has no reference values",
            r.alert_name(), options_.name);
      if (rel) {
        c.reference = options_.reference[it->second];
      } else {
        const metric_def& d = defs_[it->second];
        if (d.kind != metric_kind::num_mean || !std::isnan(c.reference_sd))
          detail::throw_invalid_argument(
              "stage_monitor: rule '{}': a sigma_band takes its mean and sd from the reference only on a "
              "'<field>:mean' metric with both left unset",
              r.alert_name());
        c.reference = options_.reference[it->second];
        c.reference_sd = options_.reference[metric_index(options_.numeric[d.field] + ":std")];
      }
      if (!std::isfinite(c.reference))
        detail::throw_invalid_argument("stage_monitor: rule '{}': the reference value of '{}' is {} (no data?)",
                                       r.alert_name(), r.metric, c.reference);
    }
    if (r.labels.end() == std::find_if(r.labels.begin(), r.labels.end(),
                                       [](const auto& l) { return l.first == "stage"; }))
      r.labels.emplace_back("stage", options_.name);
    tracker_metric_.push_back(it->second);
    trackers_.emplace_back(std::move(r), 0);  // events go to the stage's log (close_current)
  }
}

inline std::size_t stage_monitor::metric_index(std::string_view id) const {
  const auto it = index_.find(std::string(id));
  if (it == index_.end())
    detail::throw_invalid_argument("stage_monitor: stage '{}' has no metric '{}'", options_.name, id);
  return it->second;
}

inline std::size_t stage_monitor::ratio_index(std::string_view name) const {
  for (std::size_t r = 0; r < options_.ratios.size(); ++r)
    if (options_.ratios[r].name == name) return r;
  detail::throw_invalid_argument("stage_monitor::add_ratio: stage '{}' has no ratio '{}'", options_.name, name);
}

inline void stage_monitor::check_time(std::int64_t t, const char* fn) const {
  if (has_last_ && t < last_ts_)
    detail::throw_invalid_argument("{}: timestamp must be non-decreasing, got {} ns after {} ns (stage '{}')", fn, t,
                                   last_ts_, options_.name);
  if (has_window_) {
    const std::int64_t end = window_start_ + options_.window_ns;
    if (t >= end) {
      const auto skipped = static_cast<std::uint64_t>((static_cast<long double>(t) - end) / options_.window_ns);
      if (skipped > options_.max_skipped_windows)
        detail::throw_invalid_argument(
            "{}: timestamp {} ns is {} windows after the current one (max_skipped_windows {}): nanoseconds expected",
            fn, t, skipped, options_.max_skipped_windows);
    }
  }
}

inline void stage_monitor::roll_to(std::int64_t t, const char* fn) {
  check_time(t, fn);
  if (!has_window_) {
    // aligned: floor(t / W) · W, also for negative t
    std::int64_t k = t / options_.window_ns;
    if (t % options_.window_ns != 0 && t < 0) --k;
    window_start_ = k * options_.window_ns;
    window_open_ = window_start_;
    has_window_ = true;
  }
  while (t >= window_start_ + options_.window_ns) {
    const std::int64_t end = window_start_ + options_.window_ns;
    close_current(end);
    window_start_ = end;
  }
  has_last_ = true;
  last_ts_ = t;
  request_meter_.advance(t);
}

inline void stage_monitor::reset_window() {
  for (auto& f : numeric_) f.reset();
  for (auto& c : categorical_) c.reset();
  for (auto& r : ratios_) r = ratio_metric(r.options());
  latency_ = latency_sketch(options_.latency_relative_accuracy);
  requests_ = errors_ = 0;
}

inline double stage_monitor::value_of(const metric_def& d, double window_s) const {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const auto share = [](std::uint64_t a, std::uint64_t b) {
    return b == 0 ? nan : static_cast<double>(a) / static_cast<double>(b);
  };
  switch (d.kind) {
    case metric_kind::requests_count: return static_cast<double>(requests_);
    case metric_kind::requests_per_second: return window_s > 0 ? static_cast<double>(requests_) / window_s : nan;
    case metric_kind::errors_count: return static_cast<double>(errors_);
    case metric_kind::errors_share: return share(errors_, requests_);
    case metric_kind::latency_mean: return latency_.count() == 0 ? nan : latency_.mean();
    case metric_kind::latency_quantile: return latency_.count() == 0 ? nan : latency_.quantile(d.q);
    case metric_kind::latency_max: return latency_.count() == 0 ? nan : latency_.max();
    default: break;
  }
  if (d.kind >= metric_kind::num_count && d.kind <= metric_kind::num_quantile) {
    const numeric_feature_metrics& f = numeric_[d.field];
    const moments& m = f.values();
    const bool some = m.count() > 0;
    switch (d.kind) {
      case metric_kind::num_count: return static_cast<double>(f.count());
      case metric_kind::num_missing_share: return share(f.missing(), f.count());
      case metric_kind::num_infinite_share: return share(f.infinite(), f.count());
      case metric_kind::num_mean: return some ? m.mean() : nan;
      case metric_kind::num_std: return some ? m.std(0) : nan;
      case metric_kind::num_min: return some ? m.min() : nan;
      case metric_kind::num_max: return some ? m.max() : nan;
      default: return some ? f.quantile(d.q) : nan;
    }
  }
  if (d.kind >= metric_kind::cat_count && d.kind <= metric_kind::cat_unseen_share) {
    const category_metrics& c = categorical_[d.field];
    const std::uint64_t present = c.count() - c.missing();
    switch (d.kind) {
      case metric_kind::cat_count: return static_cast<double>(c.count());
      case metric_kind::cat_missing_share: return share(c.missing(), c.count());
      case metric_kind::cat_distinct: return present == 0 ? nan : c.distinct();
      case metric_kind::cat_top_share: {
        if (present == 0) return nan;
        const auto top = c.top(1);
        return share(top.empty() ? 0 : top[0].upper_bound, present);
      }
      default: return share(c.unseen(), present);
    }
  }
  const ratio_metric& r = ratios_[d.field];
  switch (d.kind) {
    case metric_kind::ratio_value: return r.alert_value();
    case metric_kind::ratio_lower: return r.ready() ? r.interval().lower : nan;
    case metric_kind::ratio_upper: return r.ready() ? r.interval().upper : nan;
    default: return static_cast<double>(r.denominator());
  }
}

inline void stage_monitor::close_current(std::int64_t eval_ts) {
  const double seconds = static_cast<double>(eval_ts - window_open_) * 1e-9;
  for (std::size_t i = 0; i < defs_.size(); ++i) last_[i] = value_of(defs_[i], seconds);
  last_end_ = eval_ts;
  window_open_ = eval_ts;
  ++windows_closed_;
  reset_window();
  for (std::size_t k = 0; k < trackers_.size(); ++k) {
    const double v = last_[tracker_metric_[k]];
    for (const alert_transition& t : trackers_[k].observe(v, eval_ts)) {
      alert_event e{trackers_[k].rule().alert_name(), t.severity, t.from_state, t.to_state, v, eval_ts, t.active_since};
      if (e.severity == alert_severity::alarm && e.to_state == alert_state::firing && !first_alarm_) first_alarm_ = e;
      log_.push(e);
      if (callback_) callback_(stage_alert_event{options_.name, std::move(e)});
    }
  }
}

inline void stage_monitor::record(const stage_record& r) {
  if (!options_.numeric.empty() && r.numeric == nullptr)
    detail::throw_invalid_argument("stage_monitor::observe: stage '{}' has {} numeric fields but numeric is null",
                                   options_.name, options_.numeric.size());
  if (!options_.categorical.empty() && r.categorical == nullptr)
    detail::throw_invalid_argument(
        "stage_monitor::observe: stage '{}' has {} categorical fields but categorical is null", options_.name,
        options_.categorical.size());
  const double lat = r.latency_seconds;
  if (!std::isnan(lat) && !(lat >= 0 && lat <= std::numeric_limits<double>::max()))
    detail::throw_invalid_argument("stage_monitor::observe: latency must be finite and >= 0 seconds, got {}", lat);
}

inline void stage_monitor::observe(const stage_record& r, std::int64_t timestamp_ns) {
  record(r);  // checks first: nothing is recorded on bad input
  check_time(timestamp_ns, "stage_monitor::observe");
  roll_to(timestamp_ns, "stage_monitor::observe");
  for (std::size_t i = 0; i < numeric_.size(); ++i) {
    const double v = r.numeric[i];
    numeric_[i].update(v);
    if (std::isnan(v)) ++numeric_missing_total_[i];
  }
  for (std::size_t j = 0; j < categorical_.size(); ++j) {
    const std::uint64_t before = categorical_[j].missing();
    categorical_[j].update(r.categorical[j]);
    categorical_missing_total_[j] += categorical_[j].missing() - before;
  }
  if (!std::isnan(r.latency_seconds)) {
    latency_.update(r.latency_seconds);
    latency_total_.update(r.latency_seconds);
  }
  ++requests_;
  ++requests_total_;
  if (r.error) {
    ++errors_;
    ++errors_total_;
  }
  request_meter_.mark(1, timestamp_ns);
}

inline void stage_monitor::observe_many(std::size_t n, const double* numeric, const std::string_view* categorical,
                                        const double* latencies_seconds, const bool* errors,
                                        const std::int64_t* timestamps_ns) {
  static constexpr const char* fn = "stage_monitor::observe_many";
  if (n == 0) return;
  if (timestamps_ns == nullptr) detail::throw_invalid_argument("{}: timestamps_ns must not be null", fn);
  const std::size_t p = options_.numeric.size(), c = options_.categorical.size();
  // validate everything first, so a bad record leaves the stage unchanged
  std::int64_t prev = has_last_ ? last_ts_ : timestamps_ns[0];
  for (std::size_t i = 0; i < n; ++i) {
    if (timestamps_ns[i] < prev)
      detail::throw_invalid_argument("{}: timestamps_ns must be non-decreasing, got {} ns after {} ns at record {}",
                                     fn, timestamps_ns[i], prev, i);
    prev = timestamps_ns[i];
    record({numeric == nullptr ? nullptr : numeric + i * p, categorical == nullptr ? nullptr : categorical + i * c,
            latencies_seconds == nullptr ? std::numeric_limits<double>::quiet_NaN() : latencies_seconds[i], false});
  }
  check_time(timestamps_ns[n - 1], fn);
  for (std::size_t i = 0; i < n; ++i)
    observe({numeric == nullptr ? nullptr : numeric + i * p, categorical == nullptr ? nullptr : categorical + i * c,
             latencies_seconds == nullptr ? std::numeric_limits<double>::quiet_NaN() : latencies_seconds[i],
             errors != nullptr && errors[i]},
            timestamps_ns[i]);
}

inline void stage_monitor::add_ratio(std::size_t ratio, std::int64_t numerator, std::int64_t denominator,
                                     std::int64_t timestamp_ns) {
  static constexpr const char* fn = "stage_monitor::add_ratio";
  if (ratio >= ratios_.size())
    detail::throw_invalid_argument("{}: ratio index {} out of range for {} ratios", fn, ratio, ratios_.size());
  check_time(timestamp_ns, fn);
  ratio_metric probe = ratios_[ratio];
  probe.add(numerator, denominator);  // validates the counts before anything changes
  roll_to(timestamp_ns, fn);
  ratios_[ratio].add(numerator, denominator);
  ratio_totals_[ratio].first += static_cast<std::uint64_t>(numerator);
  ratio_totals_[ratio].second += static_cast<std::uint64_t>(denominator);
}

inline void stage_monitor::advance(std::int64_t timestamp_ns) { roll_to(timestamp_ns, "stage_monitor::advance"); }

inline void stage_monitor::close_window(std::int64_t timestamp_ns) {
  roll_to(timestamp_ns, "stage_monitor::close_window");
  close_current(timestamp_ns);
}

inline meter_rates stage_monitor::request_rates() const {
  return has_last_ ? request_meter_.rates(last_ts_) : meter_rates{};
}

inline std::vector<double> stage_monitor::summarize(const stage_options& options, std::size_t n, const double* numeric,
                                                    const std::string_view* categorical,
                                                    const double* latencies_seconds, const bool* errors) {
  stage_options o = options;
  o.rules.clear();
  o.reference.clear();
  o.window_ns = std::numeric_limits<std::int64_t>::max();  // one window holds everything
  stage_monitor s(std::move(o));
  std::vector<std::int64_t> ts(n, 0);
  s.observe_many(n, numeric, categorical, latencies_seconds, errors, ts.data());
  std::vector<double> out(s.defs_.size());
  // no time in a reference: requests:per_second is NaN
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = s.value_of(s.defs_[i], 0.0);
  return out;
}

}  // namespace driftscope
