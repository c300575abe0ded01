#pragma once
/// @file
/// @brief stage_monitor: the metrics and alert rules of one stage of an ML pipeline
/// (upstream source, features, model, post-processing), over tumbling time windows.
///
/// The seed notes' monitoring advice — watch input metrics, output metrics and software
/// metrics, set thresholds, alarm when crossed — for one stage. A stage sees each request
/// (or row) as a `stage_record`: its numerical fields (NaN = missing), its categorical
/// fields (strings), the lengths of its text or sequence inputs, the time it took and
/// whether it failed. Derived fields are user-defined scalars of a record (image
/// brightness, a ratio of two fields, the number of tokens): a C++ functor computes each
/// from the record (its `input` pointer carries the caller's raw request), or the caller
/// passes the values it computed; they are monitored like numerical fields. Ratios
/// (retries per request, clicks per impression) are added apart with `add_ratio`.
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
/// | `<d>:...`                          | a derived field d: as a numerical field              |
/// | `<t>:count`, `<t>:missing_share`   | length field t (text / sequence input; NaN = missing input) |
/// | `<t>:length_mean`, `:length_std`, `:length_min`, `:length_max`, `:length_p50` / `p90` / `p99` | of its lengths |
/// | `<c>:count`, `<c>:missing_share`   | categorical field c                                 |
/// | `<c>:distinct`                     | HyperLogLog estimate of distinct values              |
/// | `<c>:top_share`                    | upper bound of the most frequent value's share       |
/// | `<c>:unseen_share`                 | share not among the reference categories (if given) |
/// | `<r>:value`                        | ratio r of the window; NaN below its minimum volume  |
/// | `<r>:lower`, `<r>:upper`           | its Wilson (proportion) or Poisson (rate) interval   |
/// | `<r>:denominator`                  | the window's denominator                             |
/// Numerical, length and derived fields are kept in that order ("features": feature index
/// i < numeric.size() is numerical field i, then the length fields, then the derived ones).
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
///
/// ## Checkpoints and merging
/// `serialize_state()` writes the state, not the options (a derived field's function has
/// no bytes): the caller rebuilds the stage from its configuration and `restore_state()`s
/// it; a fingerprint of the options (catalogue ids, window, sketch parameters, missing
/// values, reference categories, ratio options, resolved rules) refuses bytes from a stage
/// configured otherwise. `merge(other)` adds another stage's records (one stage per worker,
/// merged before a scrape): windows must be the same aligned window; rules may differ (the
/// merged stage keeps its own rule states and events). Each part merges exactly as its own
/// class documents (moments: Chan; KLL, HLL, SpaceSaving, latency sketch: their merges).
///
/// State format (version 1), little-endian; blobs are u32 length + the part's own bytes:
/// | size     | field                                                                     |
/// |----------|---------------------------------------------------------------------------|
/// | 8        | preamble "DSSG", family 47, version 1, flags 0, reserved 0                |
/// | 8        | options fingerprint (u64, hash64 of their canonical text)                 |
/// | 1+8+1+8+8| has last timestamp u8, last timestamp i64, has window u8, window start i64, window open i64 |
/// | 4 × 8    | window requests, window errors, lifetime requests, lifetime errors (u64)  |
/// | 4 + f ×  | features: blob DSFM (numeric_feature_metrics) + lifetime missing u64      |
/// | 4 + c ×  | categorical: blob DSCM (category_metrics) + lifetime missing u64          |
/// | 4 + r ×  | ratios: blob DSMR (ratio_metric) + lifetime numerator u64, denominator u64 |
/// | 3 blobs  | window latency DSLS, lifetime latency DSLS, request rate meter DSRT       |
/// | 4 + 8m   | last values (u32 count m, f64 each)                                       |
/// | 1+8+8    | has last window end u8, last window end i64, windows closed u64           |
/// | 4 + k ×  | rule states: blob DSAT (alert_tracker)                                    |
/// | 8 + 8 + e× | event log: dropped u64, count u64, events (u32 rule name length + bytes, severity u8, from u8, to u8, value f64, timestamp i64, active_since i64) |
/// | 1 (+ e)  | has first alarm u8, the event                                             |
/// Truncated bytes throw std::out_of_range, corrupt ones std::invalid_argument.

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

struct stage_record;

/// @brief A user-defined scalar of a record, monitored like a numerical field (see the
/// file comment). `compute` is called once per record unless the record carries the value
/// in `stage_record::derived`; it returns NaN for missing and must not throw.
struct derived_field {
  std::string name;
  std::function<double(const stage_record&)> compute;  ///< may be empty: the records then carry the values
};

/// @brief The length of UTF-8 text in code points (Python's `len(str)`): the length
/// metric of a text field. Bytes that are not valid UTF-8 count one each.
inline std::size_t utf8_length(std::string_view s) noexcept {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0u) != 0x80u;  // count non-continuation bytes
  return n;
}

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
  std::vector<std::string> lengths;           ///< length fields (text / sequence inputs), in stage_record::lengths order
  std::vector<derived_field> derived;         ///< user-defined scalars, in stage_record::derived order
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
  const double* lengths = nullptr;                 ///< options.lengths.size() lengths >= 0 (NaN = missing; utf8_length() for text)
  const double* derived = nullptr;                 ///< options.derived.size() values, or null: the functors compute them
  const void* input = nullptr;                     ///< the caller's raw request, for the derived fields' functors
};

/// @brief Many records for stage_monitor::observe_many: row-major arrays of `n` rows;
/// every pointer but `timestamps_ns` may be null (no such field, no latency, no error,
/// derived values computed by the functors from `inputs[i]`, itself optional).
struct stage_batch {
  std::size_t n = 0;
  const double* numeric = nullptr;                 ///< n × numeric fields
  const std::string_view* categorical = nullptr;   ///< n × categorical fields
  const double* lengths = nullptr;                 ///< n × length fields
  const double* derived = nullptr;                 ///< n × derived fields
  const double* latencies_seconds = nullptr;       ///< n (NaN = not measured)
  const bool* errors = nullptr;                    ///< n
  const std::int64_t* timestamps_ns = nullptr;     ///< n, non-decreasing
  const void* const* inputs = nullptr;             ///< n raw requests for the functors
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

  /// @brief Many records (see stage_batch). Everything is checked before anything is
  /// recorded: a bad record leaves the stage unchanged.
  /// @throws std::invalid_argument as observe(), naming the record.
  void observe_many(const stage_batch& batch);
  /// @brief `n` records: numeric row-major n × numeric fields, categorical row-major
  /// n × categorical fields, latencies (NaN = none) and errors optional (nullptr).
  void observe_many(std::size_t n, const double* numeric, const std::string_view* categorical,
                    const double* latencies_seconds, const bool* errors, const std::int64_t* timestamps_ns) {
    stage_batch b;
    b.n = n;
    b.numeric = numeric;
    b.categorical = categorical;
    b.latencies_seconds = latencies_seconds;
    b.errors = errors;
    b.timestamps_ns = timestamps_ns;
    observe_many(b);
  }

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
  /// @brief As above for a whole batch (its timestamps are ignored and may be null).
  static std::vector<double> summarize(const stage_options& options, const stage_batch& batch);

  /// Numerical, length and derived fields ("features"), in that order.
  std::size_t feature_count() const noexcept { return numeric_.size(); }
  /// @brief The name of feature i (see feature_count()). @throws std::out_of_range.
  const std::string& feature_name(std::size_t i) const;

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
  /// Lifetime missing values of feature i (feature_name()) and categorical field j.
  std::uint64_t numeric_missing_total(std::size_t i) const { return numeric_missing_total_.at(i); }
  std::uint64_t categorical_missing_total(std::size_t j) const { return categorical_missing_total_.at(j); }
  /// Lifetime numerator / denominator of ratio r.
  std::pair<std::uint64_t, std::uint64_t> ratio_totals(std::size_t r) const { return ratio_totals_.at(r); }
  /// EWMA request rates (1 / 5 / 15 minutes) as of the last timestamp.
  meter_rates request_rates() const;
  std::optional<std::int64_t> last_timestamp() const noexcept {
    return has_last_ ? std::optional<std::int64_t>(last_ts_) : std::nullopt;
  }

  // ---- checkpoints and merging (formats in the file comment) ----
  static constexpr std::uint8_t serial_family = 47;
  static constexpr std::uint8_t serial_version = 1;

  /// @brief The stage's state as bytes: the current window, lifetime totals, last values,
  /// rule states, event log and first alarm. Not the options (derived fields hold
  /// functions): restore_state() into a stage built with the same options.
  std::vector<std::uint8_t> serialize_state() const;
  /// @brief Replaces this stage's state by bytes from serialize_state() of a stage with the
  /// same options; on any error the state is unchanged.
  /// @throws std::out_of_range (truncated); std::invalid_argument (corrupt, or written by a
  /// stage whose catalogue, window, sketch parameters, missing values, reference categories
  /// or resolved rules differ).
  void restore_state(const void* data, std::size_t size);

  /// @brief Adds `other`'s records into this stage, as if this stage had seen them too: the
  /// current window's metrics, the lifetime totals, the lifetime latency histogram and the
  /// request rates. This stage's last values, rule states and events stay as they are. For
  /// one stage per worker (thread or process, shipped as serialize_state() bytes), merged
  /// into one before a scrape or at each window end.
  /// @throws std::invalid_argument when the stages' data options differ (catalogue, window,
  /// sketch parameters, missing values, reference categories; rules may differ) or their
  /// current windows do (advance both to the same time first).
  void merge(const stage_monitor& other);

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
  void check_record(const stage_record& r, std::size_t row, const char* fn) const;
  void record(const stage_record& r, std::int64_t timestamp_ns);
  void reset_window();
  void resolve_rules();
  std::uint64_t fingerprint(bool with_rules) const;

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
  // every field and ratio name: a Prometheus-safe word, not reserved, unique in the stage
  std::vector<std::string_view> names;
  const auto add = [&](const std::string& n, const char* what) {
    if (!detail::is_field_name(n))
      detail::throw_invalid_argument("{}: {} name '{}' must match [a-zA-Z_][a-zA-Z0-9_]*", fn, what, n);
    if (n == "requests" || n == "errors" || n == "latency")
      detail::throw_invalid_argument("{}: {} name '{}' is reserved (requests, errors, latency)", fn, what, n);
    for (auto m : names)
      if (m == n) detail::throw_invalid_argument("{}: {} name '{}' is used twice in the stage", fn, what, n);
    names.push_back(n);
  };
  for (const auto& f : numeric) add(f, "numeric field");
  for (const auto& f : categorical) add(f.name, "categorical field");
  for (const auto& f : lengths) add(f, "length field");
  for (const auto& f : derived) add(f.name, "derived field");
  for (const auto& r : ratios) {
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
  // features: numerical fields, then length fields (their values are lengths: "length_"
  // names, no infinite share), then derived fields (as numerical ones)
  const std::size_t n_num = o.numeric.size(), n_len = o.lengths.size();
  for (std::size_t i = 0; i < n_num + n_len + o.derived.size(); ++i) {
    const bool length = i >= n_num && i < n_num + n_len;
    const std::string& f = i < n_num ? o.numeric[i] : length ? o.lengths[i - n_num] : o.derived[i - n_num - n_len].name;
    const std::string v = f + (length ? ":length_" : ":");
    add(f + ":count", metric_kind::num_count, i);
    add(f + ":missing_share", metric_kind::num_missing_share, i);
    if (!length) add(f + ":infinite_share", metric_kind::num_infinite_share, i);
    add(v + "mean", metric_kind::num_mean, i);
    add(v + "std", metric_kind::num_std, i);
    add(v + "min", metric_kind::num_min, i);
    add(v + "max", metric_kind::num_max, i);
    if (o.numeric_options.quantiles) {
      add(v + "p50", metric_kind::num_quantile, i, 0.5);
      add(v + "p90", metric_kind::num_quantile, i, 0.9);
      add(v + "p99", metric_kind::num_quantile, i, 0.99);
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
  const std::size_t features = options_.numeric.size() + options_.lengths.size() + options_.derived.size();
  for (std::size_t i = 0; i < features; ++i) numeric_.emplace_back(options_.numeric_options);
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
              "'<field>:mean' or '<field>:length_mean' metric with both left unset",
              r.alert_name());
        c.reference = options_.reference[it->second];
        const std::string& id = ids_[it->second];  // "<f>:mean" or "<t>:length_mean": sd is "...std"
        c.reference_sd = options_.reference[metric_index(id.substr(0, id.size() - 4) + "std")];
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
    // floor(t / step) · step, also for negative t
    const auto align = [t](std::int64_t step) { return (t / step - (t % step != 0 && t < 0 ? 1 : 0)) * step; };
    window_start_ = align(options_.window_ns);
    window_open_ = window_start_;
    has_window_ = true;
    // the rate meter's 5 s ticks start on a multiple of 5 s, so the meters of stages that
    // started at different times still merge (rate_meter::merge needs aligned ticks)
    if (!request_meter_.started()) request_meter_ = rate_meter(align(rate_meter::tick_ns));
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

inline const std::string& stage_monitor::feature_name(std::size_t i) const {
  const std::size_t n_num = options_.numeric.size(), n_len = options_.lengths.size();
  if (i < n_num) return options_.numeric[i];
  if (i < n_num + n_len) return options_.lengths[i - n_num];
  if (i < numeric_.size()) return options_.derived[i - n_num - n_len].name;
  detail::throw_out_of_range("stage_monitor::feature_name: index {} out of range for {} features", i, numeric_.size());
}

inline void stage_monitor::check_record(const stage_record& r, std::size_t row, const char* fn) const {
  const auto lacks = [&](std::size_t fields, const void* p, const char* what) {
    if (fields > 0 && p == nullptr)
      detail::throw_invalid_argument("{}: stage '{}' has {} {} fields but {} is null (record {})", fn, options_.name,
                                     fields, what, what, row);
  };
  lacks(options_.numeric.size(), r.numeric, "numeric");
  lacks(options_.categorical.size(), r.categorical, "categorical");
  lacks(options_.lengths.size(), r.lengths, "lengths");
  if (r.derived == nullptr)
    for (const auto& d : options_.derived)
      if (!d.compute)
        detail::throw_invalid_argument(
            "{}: derived field '{}' of stage '{}' has no function, so the records must carry its value (derived is "
            "null at record {})",
            fn, d.name, options_.name, row);
  const double lat = r.latency_seconds;
  if (!std::isnan(lat) && !(lat >= 0 && lat <= std::numeric_limits<double>::max()))
    detail::throw_invalid_argument("{}: latency must be finite and >= 0 seconds, got {} at record {}", fn, lat, row);
  for (std::size_t k = 0; k < options_.lengths.size(); ++k) {
    const double v = r.lengths[k];
    if (!std::isnan(v) && !(v >= 0 && v <= std::numeric_limits<double>::max()))
      detail::throw_invalid_argument("{}: length of '{}' must be finite and >= 0 (NaN = missing), got {} at record {}",
                                     fn, options_.lengths[k], v, row);
  }
}

inline void stage_monitor::record(const stage_record& r, std::int64_t timestamp_ns) {
  const std::size_t n_num = options_.numeric.size(), n_len = options_.lengths.size();
  const auto feed = [this](std::size_t i, double v) {
    numeric_[i].update(v);
    if (std::isnan(v)) ++numeric_missing_total_[i];
  };
  for (std::size_t i = 0; i < n_num; ++i) feed(i, r.numeric[i]);
  for (std::size_t k = 0; k < n_len; ++k) feed(n_num + k, r.lengths[k]);
  for (std::size_t k = 0; k < options_.derived.size(); ++k)
    feed(n_num + n_len + k, r.derived != nullptr ? r.derived[k] : options_.derived[k].compute(r));
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

inline void stage_monitor::observe(const stage_record& r, std::int64_t timestamp_ns) {
  static constexpr const char* fn = "stage_monitor::observe";
  check_record(r, 0, fn);  // checks first: nothing is recorded on bad input
  check_time(timestamp_ns, fn);
  roll_to(timestamp_ns, fn);
  record(r, timestamp_ns);
}

namespace detail {
inline stage_record batch_row(const stage_batch& b, std::size_t i, const stage_options& o) {
  stage_record r;
  r.numeric = b.numeric == nullptr ? nullptr : b.numeric + i * o.numeric.size();
  r.categorical = b.categorical == nullptr ? nullptr : b.categorical + i * o.categorical.size();
  r.latency_seconds = b.latencies_seconds == nullptr ? std::numeric_limits<double>::quiet_NaN() : b.latencies_seconds[i];
  r.error = b.errors != nullptr && b.errors[i];
  r.lengths = b.lengths == nullptr ? nullptr : b.lengths + i * o.lengths.size();
  r.derived = b.derived == nullptr ? nullptr : b.derived + i * o.derived.size();
  r.input = b.inputs == nullptr ? nullptr : b.inputs[i];
  return r;
}
}  // namespace detail

inline void stage_monitor::observe_many(const stage_batch& b) {
  static constexpr const char* fn = "stage_monitor::observe_many";
  if (b.n == 0) return;
  if (b.timestamps_ns == nullptr) detail::throw_invalid_argument("{}: timestamps_ns must not be null", fn);
  // validate everything first, so a bad record leaves the stage unchanged
  std::int64_t prev = has_last_ ? last_ts_ : b.timestamps_ns[0];
  for (std::size_t i = 0; i < b.n; ++i) {
    if (b.timestamps_ns[i] < prev)
      detail::throw_invalid_argument("{}: timestamps_ns must be non-decreasing, got {} ns after {} ns at record {}",
                                     fn, b.timestamps_ns[i], prev, i);
    prev = b.timestamps_ns[i];
    check_record(detail::batch_row(b, i, options_), i, fn);
  }
  check_time(b.timestamps_ns[b.n - 1], fn);
  for (std::size_t i = 0; i < b.n; ++i) {
    roll_to(b.timestamps_ns[i], fn);
    record(detail::batch_row(b, i, options_), b.timestamps_ns[i]);
  }
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
  stage_batch b;
  b.n = n;
  b.numeric = numeric;
  b.categorical = categorical;
  b.latencies_seconds = latencies_seconds;
  b.errors = errors;
  return summarize(options, b);
}

inline std::vector<double> stage_monitor::summarize(const stage_options& options, const stage_batch& batch) {
  stage_options o = options;
  o.rules.clear();
  o.reference.clear();
  o.window_ns = std::numeric_limits<std::int64_t>::max();  // one window holds everything
  stage_monitor s(std::move(o));
  std::vector<std::int64_t> ts(batch.n, 0);
  stage_batch b = batch;
  b.timestamps_ns = ts.data();
  s.observe_many(b);
  std::vector<double> out(s.defs_.size());
  // no time in a reference: requests:per_second is NaN
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = s.value_of(s.defs_[i], 0.0);
  return out;
}

// ---- checkpoints and merging -----------------------------------------------------------

inline std::uint64_t stage_monitor::fingerprint(bool with_rules) const {
  // Everything that decides what the state means, as text; hashed (core/hash.hpp).
  std::string t = fmt::format("{}|{}|{}|{}|{}|{}|{}", options_.window_ns, options_.numeric_options.quantiles,
                              options_.numeric_options.kll_k, options_.hll_p, options_.top_k,
                              options_.latency_relative_accuracy, options_.event_capacity);
  for (const auto& id : ids_) t += "|" + id;
  for (const auto& m : options_.missing_values) t += "|m:" + m;
  for (const auto& c : options_.categorical)
    for (const auto& r : c.reference_categories) t += "|c:" + c.name + "=" + r;
  for (const auto& r : options_.ratios)
    t += fmt::format("|r:{}:{}:{}", r.name, static_cast<int>(r.options.kind), r.options.min_volume);
  if (with_rules)
    for (const auto& tr : trackers_) {
      const auto b = tr.rule().serialize();
      t.append(reinterpret_cast<const char*>(b.data()), b.size());
    }
  return detail::hash64(std::string_view(t));
}

namespace detail {
inline void put_blob32(byte_writer& w, const std::vector<std::uint8_t>& b) {
  w.put(static_cast<std::uint32_t>(b.size()));
  w.put_array(b.data(), b.size());
}
/// A u32-length-prefixed blob: (pointer, size) into the reader's buffer.
inline std::pair<const std::uint8_t*, std::size_t> get_blob32(byte_reader& rd, const std::uint8_t* base,
                                                               const char* field) {
  const auto n = rd.get<std::uint32_t>(field);
  rd.require(n, field);
  const std::uint8_t* p = base + rd.position();
  rd.skip(n, field);
  return {p, n};
}
inline void put_event(byte_writer& w, const alert_event& e) {
  w.put(static_cast<std::uint32_t>(e.rule.size()));
  w.put_array(reinterpret_cast<const std::uint8_t*>(e.rule.data()), e.rule.size());
  w.put(static_cast<std::uint8_t>(e.severity));
  w.put(static_cast<std::uint8_t>(e.from_state));
  w.put(static_cast<std::uint8_t>(e.to_state));
  w.put(e.value);
  w.put(e.timestamp);
  w.put(e.active_since);
}
inline alert_event get_event(byte_reader& rd, const char* fn) {
  alert_event e;
  const auto len = rd.get<std::uint32_t>("event rule name");
  rd.require(len, "event rule name");
  e.rule.resize(len);
  rd.get_array(reinterpret_cast<std::uint8_t*>(e.rule.data()), len, "event rule name");
  const auto sev = rd.get<std::uint8_t>("event severity");
  const auto from = rd.get<std::uint8_t>("event from state");
  const auto to = rd.get<std::uint8_t>("event to state");
  if (sev > 1 || from > 3 || to > 3)
    throw_invalid_argument("{}: event severity / states out of range ({}, {}, {})", fn, sev, from, to);
  e.severity = static_cast<alert_severity>(sev);
  e.from_state = static_cast<alert_state>(from);
  e.to_state = static_cast<alert_state>(to);
  e.value = rd.get<double>("event value");
  e.timestamp = rd.get<std::int64_t>("event timestamp");
  e.active_since = rd.get<std::int64_t>("event active_since");
  return e;
}
}  // namespace detail

inline std::vector<std::uint8_t> stage_monitor::serialize_state() const {
  std::vector<std::uint8_t> out;
  detail::byte_writer w(out);
  detail::write_preamble(w, "DSSG", serial_family, serial_version);
  w.put_zeros(2);
  w.put(fingerprint(true));
  w.put(static_cast<std::uint8_t>(has_last_));
  w.put(last_ts_);
  w.put(static_cast<std::uint8_t>(has_window_));
  w.put(window_start_);
  w.put(window_open_);
  for (std::uint64_t v : {requests_, errors_, requests_total_, errors_total_}) w.put(v);
  w.put(static_cast<std::uint32_t>(numeric_.size()));
  for (std::size_t i = 0; i < numeric_.size(); ++i) {
    detail::put_blob32(w, numeric_[i].serialize());
    w.put(numeric_missing_total_[i]);
  }
  w.put(static_cast<std::uint32_t>(categorical_.size()));
  for (std::size_t j = 0; j < categorical_.size(); ++j) {
    detail::put_blob32(w, categorical_[j].serialize());
    w.put(categorical_missing_total_[j]);
  }
  w.put(static_cast<std::uint32_t>(ratios_.size()));
  for (std::size_t r = 0; r < ratios_.size(); ++r) {
    detail::put_blob32(w, ratios_[r].serialize());
    w.put(ratio_totals_[r].first);
    w.put(ratio_totals_[r].second);
  }
  detail::put_blob32(w, latency_.serialize());
  detail::put_blob32(w, latency_total_.serialize());
  detail::put_blob32(w, request_meter_.serialize());
  w.put(static_cast<std::uint32_t>(last_.size()));
  w.put_array(last_.data(), last_.size());
  w.put(static_cast<std::uint8_t>(last_end_.has_value()));
  w.put(last_end_.value_or(0));
  w.put(windows_closed_);
  w.put(static_cast<std::uint32_t>(trackers_.size()));
  for (const auto& t : trackers_) detail::put_blob32(w, t.serialize());
  w.put(log_.dropped());
  w.put(static_cast<std::uint64_t>(log_.size()));
  for (const auto& e : log_.events()) detail::put_event(w, e);
  w.put(static_cast<std::uint8_t>(first_alarm_.has_value()));
  if (first_alarm_) detail::put_event(w, *first_alarm_);
  return out;
}

inline void stage_monitor::restore_state(const void* data, std::size_t size) {
  static constexpr const char* fn = "stage_monitor::restore_state";
  detail::byte_reader rd(data, size, fn);
  const auto* base = static_cast<const std::uint8_t*>(data);
  detail::read_preamble(rd, "DSSG", serial_family, serial_version, fn, "stage_monitor state");
  if (rd.get<std::uint8_t>("flags") != 0 || rd.get<std::uint8_t>("reserved") != 0)
    detail::throw_invalid_argument("{}: flag bytes must be 0", fn);
  if (rd.get<std::uint64_t>("fingerprint") != fingerprint(true))
    detail::throw_invalid_argument(
        "{}: the state was written by a stage with other options (catalogue, window, sketches, missing values, "
        "reference categories or rules) than stage '{}'",
        fn, options_.name);
  stage_monitor s = *this;  // restored into a copy: this stage is unchanged on error
  const auto flag = [&](const char* field) {
    const auto v = rd.get<std::uint8_t>(field);
    if (v > 1) detail::throw_invalid_argument("{}: {} must be 0 or 1, got {}", fn, field, v);
    return v == 1;
  };
  const auto count = [&](std::size_t expected, const char* field) {
    const auto n = rd.get<std::uint32_t>(field);
    if (n != expected) detail::throw_invalid_argument("{}: {} is {}, the stage has {}", fn, field, n, expected);
  };
  s.has_last_ = flag("has last timestamp");
  s.last_ts_ = rd.get<std::int64_t>("last timestamp");
  s.has_window_ = flag("has window");
  s.window_start_ = rd.get<std::int64_t>("window start");
  s.window_open_ = rd.get<std::int64_t>("window open");
  s.requests_ = rd.get<std::uint64_t>("requests");
  s.errors_ = rd.get<std::uint64_t>("errors");
  s.requests_total_ = rd.get<std::uint64_t>("requests total");
  s.errors_total_ = rd.get<std::uint64_t>("errors total");
  if (s.errors_ > s.requests_ || s.errors_total_ > s.requests_total_ || s.requests_ > s.requests_total_)
    detail::throw_invalid_argument("{}: request / error counts are inconsistent", fn);
  if (s.has_window_ && (s.window_start_ % options_.window_ns != 0 || s.window_open_ < s.window_start_ ||
                        (s.has_last_ && s.last_ts_ < s.window_open_)))
    detail::throw_invalid_argument("{}: the window bounds are inconsistent", fn);
  count(numeric_.size(), "number of features");
  for (std::size_t i = 0; i < numeric_.size(); ++i) {
    const auto b = detail::get_blob32(rd, base, "feature metrics");
    s.numeric_[i] = numeric_feature_metrics::deserialize(b.first, b.second);
    s.numeric_missing_total_[i] = rd.get<std::uint64_t>("feature missing total");
    const auto& o = s.numeric_[i].options();
    if (o.quantiles != options_.numeric_options.quantiles || o.kll_k != options_.numeric_options.kll_k ||
        s.numeric_[i].count() > s.requests_)
      detail::throw_invalid_argument("{}: feature '{}' metrics do not fit the stage", fn, feature_name(i));
  }
  count(categorical_.size(), "number of categorical fields");
  for (std::size_t j = 0; j < categorical_.size(); ++j) {
    const auto b = detail::get_blob32(rd, base, "categorical metrics");
    s.categorical_[j] = category_metrics::deserialize(b.first, b.second);
    s.categorical_missing_total_[j] = rd.get<std::uint64_t>("categorical missing total");
  }
  count(ratios_.size(), "number of ratios");
  for (std::size_t r = 0; r < ratios_.size(); ++r) {
    const auto b = detail::get_blob32(rd, base, "ratio");
    s.ratios_[r] = ratio_metric::deserialize(b.first, b.second);
    s.ratio_totals_[r].first = rd.get<std::uint64_t>("ratio numerator total");
    s.ratio_totals_[r].second = rd.get<std::uint64_t>("ratio denominator total");
    if (s.ratios_[r].options().kind != options_.ratios[r].options.kind ||
        s.ratios_[r].options().min_volume != options_.ratios[r].options.min_volume)
      detail::throw_invalid_argument("{}: ratio '{}' options differ from the stage's", fn, options_.ratios[r].name);
  }
  for (latency_sketch* l : {&s.latency_, &s.latency_total_}) {
    const auto b = detail::get_blob32(rd, base, "latency sketch");
    *l = latency_sketch::deserialize(b.first, b.second);
    if (l->relative_accuracy() != options_.latency_relative_accuracy)
      detail::throw_invalid_argument("{}: latency sketch accuracy {} differs from the stage's {}", fn,
                                     l->relative_accuracy(), options_.latency_relative_accuracy);
  }
  {
    const auto b = detail::get_blob32(rd, base, "request meter");
    s.request_meter_ = rate_meter::deserialize(b.first, b.second);
  }
  count(last_.size(), "number of last values");
  rd.get_array(s.last_.data(), s.last_.size(), "last values");
  const bool has_end = flag("has last window end");
  const auto end = rd.get<std::int64_t>("last window end");
  s.last_end_ = has_end ? std::optional<std::int64_t>(end) : std::nullopt;
  s.windows_closed_ = rd.get<std::uint64_t>("windows closed");
  if (has_end != (s.windows_closed_ > 0)) detail::throw_invalid_argument("{}: windows closed / last end disagree", fn);
  count(trackers_.size(), "number of rules");
  for (std::size_t k = 0; k < trackers_.size(); ++k) {
    const auto b = detail::get_blob32(rd, base, "rule state");
    alert_tracker t = alert_tracker::deserialize(b.first, b.second);
    if (t.rule().serialize() != trackers_[k].rule().serialize())  // bytes: -0.0 == 0.0 would pass ==
      detail::throw_invalid_argument("{}: rule state {} is for another rule than '{}'", fn, k,
                                     trackers_[k].rule().alert_name());
    s.trackers_[k] = std::move(t);
  }
  const auto dropped = rd.get<std::uint64_t>("dropped events");
  const auto n_events = rd.get<std::uint64_t>("number of events");
  if (n_events > options_.event_capacity)
    detail::throw_invalid_argument("{}: {} events exceed the log's capacity {}", fn, n_events, options_.event_capacity);
  s.log_ = alert_log(options_.event_capacity);
  s.log_.count_dropped(dropped);
  for (std::uint64_t i = 0; i < n_events; ++i) s.log_.push(detail::get_event(rd, fn));
  s.first_alarm_.reset();
  if (flag("has first alarm")) s.first_alarm_ = detail::get_event(rd, fn);
  if (rd.remaining() != 0) detail::throw_invalid_argument("{}: {} trailing bytes after the state", fn, rd.remaining());
  s.callback_ = std::move(callback_);
  *this = std::move(s);
}

inline void stage_monitor::merge(const stage_monitor& other) {
  static constexpr const char* fn = "stage_monitor::merge";
  if (other.fingerprint(false) != fingerprint(false))
    detail::throw_invalid_argument(
        "{}: stage '{}' has other data options (catalogue, window, sketches, missing values or reference categories) "
        "than stage '{}'",
        fn, other.options_.name, options_.name);
  if (has_window_ && other.has_window_ && (window_start_ != other.window_start_ || window_open_ != other.window_open_))
    detail::throw_invalid_argument(
        "{}: the current windows differ (start {} ns vs {} ns): advance both stages to the same time first", fn,
        window_start_, other.window_start_);
  if (!other.has_last_) return;
  // merge into copies first: a sketch that refuses leaves this stage unchanged
  auto numeric = numeric_;
  auto categorical = categorical_;
  auto ratios = ratios_;
  latency_sketch lat = latency_, lat_total = latency_total_;
  rate_meter meter = request_meter_;
  for (std::size_t i = 0; i < numeric.size(); ++i) numeric[i].merge(other.numeric_[i]);
  for (std::size_t j = 0; j < categorical.size(); ++j) categorical[j].merge(other.categorical_[j]);
  for (std::size_t r = 0; r < ratios.size(); ++r) ratios[r].merge(other.ratios_[r]);
  lat.merge(other.latency_);
  lat_total.merge(other.latency_total_);
  meter.merge(other.request_meter_);
  numeric_ = std::move(numeric);
  categorical_ = std::move(categorical);
  ratios_ = std::move(ratios);
  latency_ = std::move(lat);
  latency_total_ = std::move(lat_total);
  request_meter_ = std::move(meter);
  for (std::size_t i = 0; i < numeric_missing_total_.size(); ++i)
    numeric_missing_total_[i] += other.numeric_missing_total_[i];
  for (std::size_t j = 0; j < categorical_missing_total_.size(); ++j)
    categorical_missing_total_[j] += other.categorical_missing_total_[j];
  for (std::size_t r = 0; r < ratio_totals_.size(); ++r) {
    ratio_totals_[r].first += other.ratio_totals_[r].first;
    ratio_totals_[r].second += other.ratio_totals_[r].second;
  }
  requests_ += other.requests_;
  errors_ += other.errors_;
  requests_total_ += other.requests_total_;
  errors_total_ += other.errors_total_;
  if (!has_window_ && other.has_window_) {
    has_window_ = true;
    window_start_ = other.window_start_;
    window_open_ = other.window_open_;
  }
  last_ts_ = has_last_ ? std::max(last_ts_, other.last_ts_) : other.last_ts_;
  has_last_ = true;
}

}  // namespace driftscope
