#pragma once
/// @file
/// @brief A multi-feature stream monitor: one window per column against a prepared
/// reference, drift scores and window metrics at every evaluation point, threshold rules
/// that turn the scores into warning / alarm events.
///
/// Per **numerical** column the monitor keeps a `histogram_window` over the reference
/// profile's bin edges (binning from `column_config::bins`, default deciles) and, for
/// sliding / tumbling / time windows, an `ecdf_window<double>` sharing the same
/// `reference_profile` (exact KS and Wasserstein, plus the window's mean / std / min /
/// max). Decaying windows have histogram statistics only: requesting `ks` or
/// `wasserstein` with a decaying window throws std::invalid_argument naming the column
/// and the statistic, and mean / std / min / max are NaN. With
/// `stream_monitor_options::value_metrics` false, a numerical column whose statistics need
/// no ECDF (neither `ks` nor `wasserstein`) keeps no ECDF window either: its mean / std /
/// min / max are NaN, its scores and events are the same, and it costs O(bins) per
/// evaluation (no sort of the window's values for min() / max()) and no value copies.
///
/// Per **categorical** column the values are integer category codes 0..k-1 (the Python
/// layer maps labels to codes); the monitor keeps `histogram_window::from_counts` over
/// the k reference category counts plus one "unseen" bin with reference count 0. A code
/// >= k lands in the unseen bin, NaN is missing; negative, non-integer or infinite codes
/// are rejected. Metrics: count, missing, unseen_share (mean / std / min / max NaN).
///
/// All columns share the window schedule (window_spec.hpp), so their windows close
/// together. At each evaluation point the monitor computes every configured statistic
/// of every column (`scores`, in the order of `column_config::statistics`) and the
/// metrics, stores them as `snapshot()`, feeds each score with a rule to its
/// `threshold_tracker` (columns in order, rules in order) and, for each firing, builds an
/// `alarm_event` (feature = column name, statistic = to_string(statistic), level, value,
/// threshold = the crossed level, window_end = the window's end index and timestamp),
/// pushes it to `events()` and calls the `on_event` callbacks synchronously, in that
/// order. A window without any non-missing value gives NaN scores (trackers skip NaN).
///
/// Statistics (scores) and what they equal on the window's values w (reference r):
/// | statistic         | score                                                      | default rule          |
/// |-------------------|------------------------------------------------------------|-----------------------|
/// | psi               | driftscope::psi(r, w) with the reference's edges, epsilon  | above 0.1 / 0.25      |
/// | js_distance       | js_distance (base 2) of the binned proportions             | above 0.1 / 0.2       |
/// | hellinger         | driftscope::hellinger of the binned proportions            | above 0.1 / 0.2       |
/// | total_variation   | driftscope::total_variation of the binned proportions      | above 0.1 / 0.2       |
/// | ks                | p-value of ks_2samp(r, w) (two-sided, ks_pvalue_method)    | below 0.01 / 0.001    |
/// | wasserstein       | wasserstein_distance(r, w)                                 | none                  |
/// | chi_square        | histogram_window::chi_square_pvalue (window vs reference)  | below 0.01 / 0.001    |
/// Defaults per kind: numerical {psi, ks} (decaying: {psi}), categorical {psi, chi_square}.
/// `column_config::rules` empty and `default_rules` true → the default rule of each
/// configured statistic that has one; rules given → exactly those (a rule for a statistic
/// that is not configured is an error).
///
/// `update_many` on a row-major matrix works in blocks: the rows up to the next
/// evaluation point (at most `block_rows` at a time) are gathered column by column into a
/// reused buffer and fed through each window's `update_many`; then the evaluation runs.
/// No allocation per value; all input (width, categorical codes, timestamps) is checked
/// before any state changes, so a rejected call leaves the monitor untouched.
///
/// Memory: per numerical column the sorted reference (8 bytes per reference value) plus
/// the windows (sliding: ~1 byte per window value for the histogram codes + 8 bytes per
/// window value for the ECDF ring and its sorted view; tumbling: the ECDF values only;
/// time: the values inside the duration; decaying: O(bins); without an ECDF window
/// (value_metrics false, no ks / wasserstein): the histogram window only); per
/// categorical column O(k) plus the histogram window. `memory_bytes()` reports the total.
///
/// Example:
/// @code
///   std::vector<driftscope::column_config> cols(2);
///   cols[0].name = "age";
///   cols[1].name = "device"; cols[1].kind = driftscope::column_kind::categorical;
///   driftscope::stream_monitor mon(ref.data(), n_ref, cols, {driftscope::window_spec::sliding(1000, 100)});
///   mon.on_event([](const driftscope::alarm_event& e) { log(e.feature, e.statistic, e.value); });
///   mon.update_many(rows.data(), n_rows, 2);
///   const auto& snap = mon.snapshot();
/// @endcode
///
/// ## Serialized format (version 3; versions 1 and 2 are still read), little-endian
/// | size            | field                                                             |
/// |-----------------|-------------------------------------------------------------------|
/// | 4               | magic "DSSM"                                                      |
/// | 1               | family id: 1 (stream_monitor)                                     |
/// | 1               | format version: 3 (1 and 2 are read)                              |
/// | 1               | flags: 0                                                          |
/// | 1               | reserved: 0                                                       |
/// | config block:   |                                                                   |
/// | 1 + 8·4 + 8     | window: kind u8, size u64, stride u64, duration_ns i64,           |
/// |                 | stride_ns i64, half_life f64                                      |
/// | 8               | psi_epsilon f64                                                   |
/// | 1               | ks_pvalue_method u8: 0 auto, 1 exact, 2 asymp                     |
/// | 1               | (format version 3) value_metrics u8: 0 or 1 (older: absent, = 1)  |
/// | 8               | event log capacity u64                                            |
/// | 8               | number of columns c (u64)                                         |
/// | c ×             | column: name (u32 length + bytes), kind u8, default_rules u8,     |
/// |                 | statistics (u32 count + u8 ids), rules (u32 count + (u8 stat,     |
/// |                 | f64 warning, f64 alarm, u8 direction, u32 patience, u32 cooldown))|
/// |                 | binning (u8 kind, u64 bins, u64 m + m f64 edges), categories      |
/// |                 | (u64 k, u32 label count + labels as u32 length + bytes),          |
/// |                 | reference: numerical → u64 length + reference_profile bytes;      |
/// |                 | categorical → k u64 counts                                        |
/// | state block:    |                                                                   |
/// | 8 + 8 + 1       | rows_seen u64, last timestamp i64, has last timestamp u8          |
/// | 1 + 8 + 8       | time schedule: has origin u8, origin i64, next boundary i64       |
/// |                 | (all 0 unless the window is a time window)                        |
/// | c ×             | histogram window (u64 length + bytes), ECDF window present u8     |
/// |                 | (+ u64 length + bytes; present iff the column is numerical, the   |
/// |                 | window not decaying, and value_metrics or ks / wasserstein),      |
/// |                 | trackers (u32 count + tracker bytes)                              |
/// | snapshot        | end (u64 index, i64 timestamp, u8 has), evaluated u8, per column: |
/// |                 | count u64, missing u64, mean, std, min, max, unseen_share f64,    |
/// |                 | scores (u32 count + (u8 stat, f64 value))                         |
/// | event log       | event_log::write (threshold.hpp)                                  |
/// | score history   | (format version 2 and later) evaluations recorded u64; 256        |
/// |                 | window-end rows u64 (ring, slot = evaluation mod 256); per column,|
/// |                 | per statistic in config order, 256 f64 scores (same ring)         |
/// Callbacks are not serialized; the event log is (its kept events, capacity, dropped).
/// deserialize() → the same future snapshots and events. Version 1 bytes (no score
/// history) restore an empty history; versions 1 and 2 restore value_metrics = true.
/// Truncated bytes throw std::out_of_range at every length; corrupt bytes (bad magic,
/// version, enums, inconsistent windows / references / trackers, trailing bytes) throw
/// std::invalid_argument.

#include <driftscope/core/bytes.hpp>
#include <driftscope/core/column_kind.hpp>
#include <driftscope/core/error.hpp>
#include <driftscope/monitor/threshold.hpp>
#include <driftscope/shape/drift_shape.hpp>
#include <driftscope/stats/binning.hpp>
#include <driftscope/stats/reference_profile.hpp>
#include <driftscope/window/ecdf_window.hpp>
#include <driftscope/window/histogram_window.hpp>
#include <driftscope/window/window_spec.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace driftscope {

/// @brief The scores a stream monitor computes (serialized as these ids).
enum class stream_statistic : std::uint8_t {
  psi = 0,
  js_distance = 1,
  hellinger = 2,
  total_variation = 3,
  ks = 4,           ///< p-value
  wasserstein = 5,
  chi_square = 6,   ///< p-value
};

inline constexpr std::size_t stream_statistic_count = 7;

inline const char* to_string(stream_statistic s) noexcept {
  switch (s) {
    case stream_statistic::psi: return "psi";
    case stream_statistic::js_distance: return "js_distance";
    case stream_statistic::hellinger: return "hellinger";
    case stream_statistic::total_variation: return "total_variation";
    case stream_statistic::ks: return "ks";
    case stream_statistic::wasserstein: return "wasserstein";
    case stream_statistic::chi_square: return "chi_square";
  }
  return "?";
}

/// @brief Parses a statistic name (the to_string names; also "tvd", "js", "chisquare").
/// @throws std::invalid_argument naming `statistic` and the value.
inline stream_statistic parse_stream_statistic(std::string_view s) {
  if (s == "psi") return stream_statistic::psi;
  if (s == "js_distance" || s == "js" || s == "jensenshannon") return stream_statistic::js_distance;
  if (s == "hellinger") return stream_statistic::hellinger;
  if (s == "total_variation" || s == "tvd") return stream_statistic::total_variation;
  if (s == "ks") return stream_statistic::ks;
  if (s == "wasserstein") return stream_statistic::wasserstein;
  if (s == "chi_square" || s == "chisquare") return stream_statistic::chi_square;
  detail::throw_invalid_argument(
      "statistic must be one of 'psi', 'js_distance', 'hellinger', 'total_variation', 'ks', 'wasserstein', "
      "'chi_square', got '{}'",
      s);
}

/// True for the statistics whose score is a p-value (rules fire below the level).
inline bool is_p_value(stream_statistic s) noexcept {
  return s == stream_statistic::ks || s == stream_statistic::chi_square;
}

/// @brief One monitored column.
struct column_config {
  std::string name;
  column_kind kind = column_kind::numerical;
  /// Empty → defaults: numerical {psi, ks} ({psi} for decaying windows), categorical {psi, chi_square}.
  std::vector<stream_statistic> statistics;
  /// Empty (and default_rules) → the default rule of each configured statistic (see the file comment).
  std::vector<std::pair<stream_statistic, threshold_rule>> rules;
  /// Numerical: how the reference's bin edges are chosen (default deciles).
  binning bins = {};
  /// With `rules` empty: true → default rules, false → no rules.
  bool default_rules = true;
  /// Categorical: number of reference categories k (0 → max reference code + 1); codes >= k are unseen.
  std::size_t n_categories = 0;
  /// Categorical, optional: the category labels (code i ↔ categories[i]); when given, k = its size.
  std::vector<std::string> categories;
};

/// @brief Options of a stream monitor.
struct stream_monitor_options {
  window_spec window = window_spec::sliding(1000, 100);
  double psi_epsilon = 1e-4;               ///< PSI's floor on proportions, in (0, 1)
  std::size_t event_capacity = 10000;      ///< events kept by events()
  std::size_t block_rows = 4096;           ///< update_many's gather block (rows), >= 1
  /// The KS p-value method (scipy's `method`). asymp by default: a monitor evaluates
  /// often, and the exact p-value (scipy's automatic choice when max(n_ref, n_window) <=
  /// 10000) costs O(n_ref · n_window) per evaluation (~10-20 ms for 10,000 x 1,000)
  /// against ~0.1 ms. automatic / exact give ks_2samp's default / exact p-values.
  ks_method ks_pvalue_method = ks_method::asymp;
  /// Keep mean / std / min / max of numerical columns; with false, a numerical column
  /// whose statistics need no ECDF (no ks / wasserstein) keeps no ECDF window: its mean /
  /// std / min / max are NaN, and it costs O(bins) per evaluation. Its scores and events
  /// are unchanged. Columns with ks or wasserstein keep their ECDF window (and metrics).
  bool value_metrics = true;

  /// @throws std::invalid_argument naming `fn`, the field and the value.
  void validate(std::string_view fn) const {
    window.validate(fn);
    if (!(psi_epsilon > 0.0 && psi_epsilon < 1.0))
      detail::throw_invalid_argument("{}: psi_epsilon must be in (0, 1), got {}", fn, psi_epsilon);
    if (block_rows == 0) detail::throw_invalid_argument("{}: block_rows must be >= 1, got 0", fn);
    if (ks_pvalue_method != ks_method::automatic && ks_pvalue_method != ks_method::exact &&
        ks_pvalue_method != ks_method::asymp)
      detail::throw_invalid_argument("{}: ks_pvalue_method is not a valid ks_method ({})", fn,
                                     static_cast<int>(ks_pvalue_method));
  }
};

/// @brief Windows of many columns against one reference, scores at every evaluation
/// point, threshold rules and events (see the file comment).
class stream_monitor {
 public:
  static constexpr std::uint8_t serial_family = 1;
  static constexpr std::uint8_t serial_version = 3;
  /// The oldest format version deserialize() reads.
  static constexpr std::uint8_t serial_version_min = 1;

  /// Window metrics of one column; NaN where undefined (mean / std / min / max for
  /// categorical columns, decaying windows, empty windows, or numerical columns without
  /// an ECDF window under value_metrics = false; std needs 2 values, ddof 1;
  /// unseen_share for numerical columns). count = non-missing values in the window
  /// (decaying: non-missing values seen), missing = missing values in it (decaying: seen).
  struct column_metrics {
    std::uint64_t count = 0, missing = 0;
    double mean = nan(), std = nan(), min = nan(), max = nan(), unseen_share = nan();
  };
  /// Scores of one column, in the order of its config's statistics.
  struct column_scores {
    std::vector<std::pair<stream_statistic, double>> values;
    /// The score of `s` (NaN when not configured).
    double get(stream_statistic s) const noexcept {
      for (const auto& v : values)
        if (v.first == s) return v.second;
      return nan();
    }
  };
  /// Scores and metrics at one evaluation point (`evaluated` false before the first one).
  struct snapshot_t {
    window_end end;
    bool evaluated = false;
    std::vector<column_metrics> metrics;
    std::vector<column_scores> scores;
  };

  /// @brief Prepares the reference and the windows.
  /// @param reference row-major n_ref x columns.size() doubles; categorical columns hold
  ///        integer codes 0..k-1 (NaN = missing).
  /// @throws std::invalid_argument for no columns, duplicate / empty names, an empty
  ///         reference, a reference column without non-missing values, bad codes, invalid
  ///         options / binning / statistics / rules.
  stream_monitor(const double* reference, std::size_t n_ref, std::vector<column_config> columns,
                 stream_monitor_options options = {})
      : options_(options), events_(options.event_capacity) {
    static constexpr const char* fn = "stream_monitor";
    options_.validate(fn);
    if (columns.empty()) detail::throw_invalid_argument("{}: columns must not be empty", fn);
    if (n_ref == 0) detail::throw_invalid_argument("{}: reference must not be empty, got 0 rows", fn);
    if (reference == nullptr) detail::throw_invalid_argument("{}: reference is null", fn);
    check_names(columns, fn);
    const std::size_t width = columns.size();
    configs_ = std::move(columns);
    cols_.resize(width);
    std::vector<double> col(n_ref);
    for (std::size_t c = 0; c < width; ++c) {
      column_config& cfg = configs_[c];
      resolve_config(cfg, options_.window, fn);
      for (std::size_t i = 0; i < n_ref; ++i) col[i] = reference[i * width + c];
      if (cfg.kind == column_kind::numerical) {
        std::size_t present = 0;
        for (double v : col) present += std::isnan(v) ? 0 : 1;
        if (present == 0)
          detail::throw_invalid_argument("{}: reference column '{}' has no non-missing values ({} rows, all NaN)", fn,
                                         cfg.name, n_ref);
        cols_[c].profile = std::make_shared<const reference_profile<double>>(col.data(), n_ref, cfg.bins);
      } else {
        cols_[c].ref_counts = category_counts(col.data(), n_ref, cfg, fn);
      }
      init_column(c);
    }
    init_snapshot();
  }

  // --- updates ---------------------------------------------------------------------

  /// @brief One row (count and decaying windows; time windows need a timestamp).
  /// @throws std::invalid_argument for a wrong width, bad categorical codes, a time window.
  void update(const double* row, std::size_t width) { update_many_impl(row, 1, width, nullptr, "update"); }

  /// @brief One row with its timestamp (ns; non-decreasing).
  void update(const double* row, std::size_t width, std::int64_t timestamp_ns) {
    update_many_impl(row, 1, width, &timestamp_ns, "update");
  }

  /// @brief Rows `rows[0 .. n_rows·width)` (row-major), with optional timestamps (required
  /// for time windows). Equals calling update() on each row, in blocks.
  void update_many(const double* rows, std::size_t n_rows, std::size_t width,
                   const std::int64_t* timestamps_ns = nullptr) {
    update_many_impl(rows, n_rows, width, timestamps_ns, "update_many");
  }

  // --- queries ---------------------------------------------------------------------

  /// Scores and metrics as of the last evaluation point.
  const snapshot_t& snapshot() const noexcept { return snapshot_; }

  /// Evaluations kept per column statistic for score_history() / score_drift_shape().
  static constexpr std::size_t score_history_capacity = 256;

  /// @brief The last (up to score_history_capacity) values of one column's statistic, one
  /// per evaluation, oldest first; `ends` (optional) receives each evaluation's window end row.
  /// @throws std::invalid_argument for an unknown column or a statistic it does not compute.
  std::vector<double> score_history(std::string_view column, stream_statistic statistic,
                                    std::vector<std::uint64_t>* ends = nullptr) const {
    const auto [c, j] = history_slot(column, statistic, "stream_monitor::score_history");
    const std::size_t cap = score_history_capacity;
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(hist_count_, cap));
    const std::uint64_t first = hist_count_ - n;
    std::vector<double> out(n);
    if (ends) ends->resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t slot = static_cast<std::size_t>((first + i) % cap);
      out[i] = hist_scores_[c][j * cap + slot];
      if (ends) (*ends)[i] = hist_end_[slot];
    }
    return out;
  }

  /// @brief Types the drift in one column statistic's recent scores (classify_drift over
  /// score_history()). Distances only: a p-value (ks, chi_square) saturates at 0 and
  /// shortens every ramp. Wasserstein and total variation grow linearly with the share of
  /// a new concept mixed into the window (and Wasserstein with a mean shift), so their
  /// paths have the shapes classify_drift fits; PSI and JS grow faster than linearly. For
  /// sliding windows the scores are moving averages over
  /// size / stride evaluations, passed as `smoothing`; `min_duration` NaN means
  /// max(1, 0.3 · smoothing) evaluations (a step seen through a window fits a ramp a
  /// little longer than the window). onset and duration are returned in ROWS: positions
  /// between evaluations are interpolated on their window-end rows.
  /// @throws std::invalid_argument unknown column / statistic, too few evaluations
  ///         (classify_drift's minimum), non-finite scores in the history.
  drift_shape score_drift_shape(std::string_view column, stream_statistic statistic,
                                double min_duration = std::numeric_limits<double>::quiet_NaN()) const {
    if (is_p_value(statistic))
      detail::throw_invalid_argument(
          "stream_monitor::score_drift_shape: statistic '{}' is a p-value, whose path saturates at 0 long before a "
          "drift ends; type a distance: 'wasserstein' or 'total_variation' (linear in the share of a new concept "
          "and, wasserstein, in a mean shift), 'hellinger', 'js_distance', 'psi'",
          to_string(statistic));
    std::vector<std::uint64_t> ends;
    const std::vector<double> v = score_history(column, statistic, &ends);
    drift_shape_options o;
    const window_spec& w = options_.window;
    o.smoothing = w.kind == window_kind::sliding ? static_cast<double>(w.size) / static_cast<double>(w.stride) : 0.0;
    o.min_duration = std::isnan(min_duration) ? std::max(1.0, 0.3 * o.smoothing) : min_duration;
    drift_shape r = classify_drift(v.data(), v.size(), o);
    auto row_at = [&ends](double pos) {
      if (!(pos > 0.0)) return static_cast<double>(ends.front());
      const double last = static_cast<double>(ends.size() - 1);
      if (pos >= last) return static_cast<double>(ends.back());
      const auto i = static_cast<std::size_t>(pos);
      const double f = pos - static_cast<double>(i);
      return static_cast<double>(ends[i]) + f * (static_cast<double>(ends[i + 1]) - static_cast<double>(ends[i]));
    };
    const double start = row_at(r.onset), stop = row_at(r.onset + r.duration);
    r.onset = start;
    r.duration = stop - start;
    r.rate = r.gradual() && r.duration > 0.0 ? r.magnitude / r.duration : r.rate;
    return r;
  }

  /// @brief Scores and metrics of the current windows now (no rules, no events); `end` =
  /// rows seen. For a tumbling window right after an evaluation this is that window.
  snapshot_t current() const {
    snapshot_t s;
    s.metrics.resize(cols_.size());
    s.scores.resize(cols_.size());
    for (std::size_t c = 0; c < cols_.size(); ++c) {
      init_scores(c, s);
      eval_hist(c, *cols_[c].hist, s);
      if (cols_[c].ecdf) eval_ecdf(c, *cols_[c].ecdf, s);
    }
    s.end.index = rows_seen_;
    s.end.timestamp = last_ts_;
    s.end.has_timestamp = has_last_ts_;
    return s;
  }

  event_log& events() noexcept { return events_; }
  const event_log& events() const noexcept { return events_; }

  /// Adds a callback called synchronously for each event (after it is logged).
  void on_event(alarm_callback cb) {
    if (cb) callbacks_.push_back(std::move(cb));
  }
  /// Removes every callback.
  void clear_callbacks() noexcept { callbacks_.clear(); }

  /// The resolved column configs (defaults filled in).
  const std::vector<column_config>& columns() const noexcept { return configs_; }
  const stream_monitor_options& options() const noexcept { return options_; }
  std::uint64_t rows_seen() const noexcept { return rows_seen_; }

  /// The trackers of column c, parallel to columns()[c].rules.
  const std::vector<threshold_tracker>& trackers(std::size_t c) const { return cols_.at(c).trackers; }
  /// The numerical reference profile of column c (null for categorical columns).
  const std::shared_ptr<const reference_profile<double>>& reference(std::size_t c) const { return cols_.at(c).profile; }
  /// The reference category counts of categorical column c (k values; empty for numerical).
  const std::vector<std::uint64_t>& reference_counts(std::size_t c) const { return cols_.at(c).ref_counts; }
  const histogram_window& histogram(std::size_t c) const { return *cols_.at(c).hist; }
  /// The ECDF window of numerical column c (null for categorical columns, decaying
  /// windows, and with value_metrics false for columns computing neither ks nor wasserstein).
  const ecdf_window<double>* ecdf(std::size_t c) const { return cols_.at(c).ecdf ? &*cols_.at(c).ecdf : nullptr; }

  /// The default statistics of a column kind under a window kind.
  static std::vector<stream_statistic> default_statistics(column_kind kind, window_kind window) {
    if (kind == column_kind::categorical) return {stream_statistic::psi, stream_statistic::chi_square};
    if (window == window_kind::decaying) return {stream_statistic::psi};
    return {stream_statistic::psi, stream_statistic::ks};
  }

  /// The default rule of a statistic (none for wasserstein).
  static std::optional<threshold_rule> default_rule(stream_statistic s) {
    switch (s) {
      case stream_statistic::psi: return threshold_rule::distance(0.1, 0.25);
      case stream_statistic::js_distance:
      case stream_statistic::hellinger:
      case stream_statistic::total_variation: return threshold_rule::distance(0.1, 0.2);
      case stream_statistic::ks:
      case stream_statistic::chi_square: return threshold_rule::p_value(0.01, 0.001);
      case stream_statistic::wasserstein: return std::nullopt;
    }
    return std::nullopt;
  }

  // --- merge / bytes ---------------------------------------------------------------

  /// @brief Tumbling windows only: adds `other`'s current partial windows to this one's
  /// (the monitor of a split stream). Both must have the same options, column configs and
  /// references. rows_seen adds up; this monitor's snapshot, trackers and events stay.
  /// The merged window closes (is evaluated) when its rows reach the window size; two
  /// partial windows that together already hold `size` rows or more form a window in the
  /// evaluated state without an evaluation (no snapshot, no events): split streams so
  /// that the parts' partial windows add up to less than `size`.
  /// @throws std::invalid_argument for non-tumbling windows or different monitors.
  void merge(const stream_monitor& other) {
    static constexpr const char* fn = "stream_monitor::merge";
    if (options_.window.kind != window_kind::tumbling || other.options_.window.kind != window_kind::tumbling)
      detail::throw_invalid_argument("{}: only tumbling windows merge, got '{}' and '{}'", fn,
                                     to_string(options_.window.kind), to_string(other.options_.window.kind));
    if (config_bytes() != other.config_bytes())
      detail::throw_invalid_argument(
          "{}: the monitors differ (options, column configs or reference data must be identical)", fn);
    // merge into copies first so a failure leaves this monitor unchanged
    std::vector<histogram_window> hs;
    std::vector<std::optional<ecdf_window<double>>> es;
    hs.reserve(cols_.size());
    es.reserve(cols_.size());
    for (std::size_t c = 0; c < cols_.size(); ++c) {
      hs.push_back(*cols_[c].hist);
      hs.back().merge(*other.cols_[c].hist);
      es.push_back(cols_[c].ecdf);
      if (es.back()) es.back()->merge(*other.cols_[c].ecdf);
    }
    for (std::size_t c = 0; c < cols_.size(); ++c) {
      cols_[c].hist.emplace(std::move(hs[c]));
      cols_[c].ecdf = std::move(es[c]);
    }
    rows_seen_ += other.rows_seen_;
  }

  /// @brief The monitor as versioned bytes (layout in the file comment; callbacks not included).
  std::vector<std::uint8_t> serialize() const {
    std::vector<std::uint8_t> out = config_bytes();
    detail::byte_writer w(out);
    w.put(rows_seen_);
    w.put(last_ts_);
    w.put(static_cast<std::uint8_t>(has_last_ts_ ? 1 : 0));
    w.put(static_cast<std::uint8_t>(has_origin_ ? 1 : 0));
    w.put(origin_);
    w.put(next_boundary_);
    for (const column_state& col : cols_) {
      put_blob(w, col.hist->serialize());
      w.put(static_cast<std::uint8_t>(col.ecdf ? 1 : 0));
      if (col.ecdf) put_blob(w, col.ecdf->serialize());
      w.put(static_cast<std::uint32_t>(col.trackers.size()));
      for (const threshold_tracker& t : col.trackers) t.write(w);
    }
    write_snapshot(w, snapshot_);
    events_.write(w);
    write_history(w);
    return out;
  }

  /// @brief Restores a monitor from serialize()'s bytes (no callbacks).
  /// @throws std::out_of_range when truncated, std::invalid_argument when corrupt.
  static stream_monitor deserialize(const void* data, std::size_t size) {
    static constexpr const char* fn = "stream_monitor::deserialize";
    detail::byte_reader rd(data, size, fn);
    stream_monitor m;
    const std::uint8_t version = m.read_config(rd);
    m.rows_seen_ = rd.get<std::uint64_t>("rows_seen");
    m.last_ts_ = rd.get<std::int64_t>("last timestamp");
    m.has_last_ts_ = get_flag(rd, "has last timestamp");
    m.has_origin_ = get_flag(rd, "has time origin");
    m.origin_ = rd.get<std::int64_t>("time origin");
    m.next_boundary_ = rd.get<std::int64_t>("next boundary");
    if (m.options_.window.kind != window_kind::time && (m.has_origin_ || m.origin_ != 0 || m.next_boundary_ != 0))
      detail::throw_invalid_argument("{}: time schedule state set for a '{}' window", fn,
                                     to_string(m.options_.window.kind));
    for (std::size_t c = 0; c < m.cols_.size(); ++c) {
      column_state& col = m.cols_[c];
      {
        const auto blob = get_blob(rd, "histogram window");
        m.check_hist_spec(blob.first, blob.second, c);
        histogram_window h = histogram_window::deserialize(blob.first, blob.second);
        m.check_hist_matches(h, c);
        col.hist.emplace(std::move(h));
      }
      const bool has_ecdf = get_flag(rd, "ecdf window present");
      const bool want_ecdf = m.needs_ecdf(c);
      if (has_ecdf != want_ecdf)
        detail::throw_invalid_argument("{}: column '{}': ECDF window presence does not match the config", fn,
                                       m.configs_[c].name);
      if (has_ecdf) {
        const auto blob = get_blob(rd, "ecdf window");
        ecdf_window<double> e = ecdf_window<double>::deserialize(blob.first, blob.second, col.profile);
        if (!same_spec(e.window(), m.options_.window))
          detail::throw_invalid_argument("{}: column '{}': ECDF window spec does not match the options", fn,
                                         m.configs_[c].name);
        col.ecdf.emplace(std::move(e));
      }
      const auto n_trackers = rd.get<std::uint32_t>("number of trackers");
      if (n_trackers != col.trackers.size())
        detail::throw_invalid_argument("{}: column '{}': {} trackers for {} rules", fn, m.configs_[c].name,
                                       n_trackers, col.trackers.size());
      for (std::size_t r = 0; r < col.trackers.size(); ++r) {
        threshold_tracker t = threshold_tracker::read(rd);
        if (t.rule() != m.configs_[c].rules[r].second)
          detail::throw_invalid_argument("{}: column '{}': tracker {} does not match its rule", fn,
                                         m.configs_[c].name, r);
        col.trackers[r] = t;
      }
    }
    m.read_snapshot(rd);
    m.events_ = event_log::read(rd);
    if (version >= 2) m.read_history(rd);  // version 1 has none: the history stays empty
    if (rd.remaining() != 0)
      detail::throw_invalid_argument("{}: {} trailing bytes after the monitor", fn, rd.remaining());
    return m;
  }

  /// Heap bytes held: references, windows, trackers, snapshot, score history, buffers (events excluded).
  std::size_t memory_bytes() const noexcept {
    std::size_t b = sizeof(*this) + cols_.capacity() * sizeof(column_state) + configs_.capacity() * sizeof(column_config);
    b += hist_end_.capacity() * sizeof(std::uint64_t);
    for (const auto& h : hist_scores_) b += h.capacity() * sizeof(double);
    for (std::size_t c = 0; c < cols_.size(); ++c) {
      const column_state& col = cols_[c];
      if (col.profile) {
        b += sizeof(reference_profile<double>) + col.profile->sorted_values().capacity() * sizeof(double) +
             col.profile->edges().capacity() * sizeof(double) +
             col.profile->counts().capacity() * sizeof(std::uint64_t);
      }
      b += col.ref_counts.capacity() * sizeof(std::uint64_t);
      if (col.hist) b += col.hist->memory_bytes();
      if (col.ecdf) b += col.ecdf->memory_bytes();
      b += col.trackers.capacity() * sizeof(threshold_tracker) + col.rule_score.capacity() * sizeof(std::size_t);
      b += configs_[c].name.capacity() + configs_[c].statistics.capacity() + configs_[c].bins.edges.capacity() * 8 +
           configs_[c].rules.capacity() * sizeof(std::pair<stream_statistic, threshold_rule>);
      for (const std::string& s : configs_[c].categories) b += sizeof(std::string) + s.capacity();
    }
    for (const auto& s : snapshot_.scores) b += s.values.capacity() * sizeof(std::pair<stream_statistic, double>);
    b += snapshot_.metrics.capacity() * sizeof(column_metrics) + snapshot_.scores.capacity() * sizeof(column_scores);
    b += buf_.capacity() * sizeof(double) + codes_.capacity() * sizeof(std::int64_t);
    return b;
  }

  /// Memory of one column's reference and windows (bytes), for per-column reporting.
  std::size_t column_memory_bytes(std::size_t c) const {
    const column_state& col = cols_.at(c);
    std::size_t b = col.ref_counts.capacity() * sizeof(std::uint64_t) + col.hist->memory_bytes();
    if (col.profile) b += col.profile->sorted_values().capacity() * sizeof(double);
    if (col.ecdf) b += col.ecdf->memory_bytes();
    return b;
  }

 private:
  static constexpr double nan() noexcept { return std::numeric_limits<double>::quiet_NaN(); }

  struct column_state {
    std::shared_ptr<const reference_profile<double>> profile;  // numerical
    std::vector<std::uint64_t> ref_counts;                      // categorical (k)
    std::optional<histogram_window> hist;
    std::optional<ecdf_window<double>> ecdf;
    std::vector<threshold_tracker> trackers;  // parallel to config.rules
    std::vector<std::size_t> rule_score;      // index into the column's scores per rule
    bool fired = false;                       // an evaluation callback fired in this block
  };

  stream_monitor() = default;

  // --- construction helpers ---------------------------------------------------------

  static void check_names(const std::vector<column_config>& columns, const char* fn) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].name.empty()) detail::throw_invalid_argument("{}: column {} has an empty name", fn, i);
      for (std::size_t j = 0; j < i; ++j)
        if (columns[j].name == columns[i].name)
          detail::throw_invalid_argument("{}: duplicate column name '{}'", fn, columns[i].name);
    }
  }

  /// Fills in default statistics / rules and checks the combination.
  static void resolve_config(column_config& cfg, const window_spec& window, const char* fn) {
    if (cfg.kind != column_kind::numerical && cfg.kind != column_kind::categorical)
      detail::throw_invalid_argument("{}: column '{}': kind must be numerical (0) or categorical (1), got {}", fn,
                                     cfg.name, static_cast<int>(cfg.kind));
    if (cfg.statistics.empty()) cfg.statistics = default_statistics(cfg.kind, window.kind);
    for (std::size_t i = 0; i < cfg.statistics.size(); ++i) {
      const stream_statistic s = cfg.statistics[i];
      if (static_cast<std::size_t>(s) >= stream_statistic_count)
        detail::throw_invalid_argument("{}: column '{}': statistic id {} is not a stream_statistic", fn, cfg.name,
                                       static_cast<int>(s));
      for (std::size_t j = 0; j < i; ++j)
        if (cfg.statistics[j] == s)
          detail::throw_invalid_argument("{}: column '{}': statistic '{}' is listed twice", fn, cfg.name,
                                         to_string(s));
      const bool ecdf_stat = s == stream_statistic::ks || s == stream_statistic::wasserstein;
      if (ecdf_stat && cfg.kind == column_kind::categorical)
        detail::throw_invalid_argument("{}: column '{}': statistic '{}' needs a numerical column (categorical columns "
                                       "have no order)",
                                       fn, cfg.name, to_string(s));
      if (ecdf_stat && window.kind == window_kind::decaying)
        detail::throw_invalid_argument("{}: column '{}': statistic '{}' is not available with a decaying window (no "
                                       "exact ECDF on weighted values); use psi, js_distance, hellinger, "
                                       "total_variation or chi_square",
                                       fn, cfg.name, to_string(s));
    }
    if (cfg.rules.empty()) {
      if (cfg.default_rules)
        for (stream_statistic s : cfg.statistics)
          if (auto r = default_rule(s)) cfg.rules.emplace_back(s, *r);
    } else {
      for (std::size_t i = 0; i < cfg.rules.size(); ++i) {
        const stream_statistic s = cfg.rules[i].first;
        if (std::find(cfg.statistics.begin(), cfg.statistics.end(), s) == cfg.statistics.end())
          detail::throw_invalid_argument("{}: column '{}': a rule for statistic '{}', which is not computed", fn,
                                         cfg.name, to_string(s));
        const std::string where = fmt::format("{}: column '{}', rule for '{}'", fn, cfg.name, to_string(s));
        cfg.rules[i].second.validate(where);
      }
    }
    if (cfg.kind == column_kind::numerical) {
      cfg.bins.validate(fmt::format("{}: column '{}'", fn, cfg.name));
      if (cfg.n_categories != 0 || !cfg.categories.empty())
        detail::throw_invalid_argument("{}: column '{}': categories given for a numerical column", fn, cfg.name);
    }
  }

  /// Reference category counts of a categorical column (codes 0..k-1, NaN missing).
  static std::vector<std::uint64_t> category_counts(const double* codes, std::size_t n, column_config& cfg,
                                                    const char* fn) {
    if (!cfg.categories.empty()) {
      if (cfg.n_categories != 0 && cfg.n_categories != cfg.categories.size())
        detail::throw_invalid_argument("{}: column '{}': n_categories {} differs from the {} category labels", fn,
                                       cfg.name, cfg.n_categories, cfg.categories.size());
      cfg.n_categories = cfg.categories.size();
    }
    double max_code = -1;
    for (std::size_t i = 0; i < n; ++i) {
      const double v = codes[i];
      if (std::isnan(v)) continue;
      check_code(v, cfg.name, i, "reference", fn);
      max_code = std::max(max_code, v);
    }
    if (max_code < 0)
      detail::throw_invalid_argument("{}: reference column '{}' has no non-missing values ({} rows, all NaN)", fn,
                                     cfg.name, n);
    if (max_code >= 1e8)
      detail::throw_invalid_argument("{}: column '{}': category code {} is too large (< 1e8)", fn, cfg.name, max_code);
    const auto k_seen = static_cast<std::size_t>(max_code) + 1;
    if (cfg.n_categories == 0) cfg.n_categories = k_seen;
    if (k_seen > cfg.n_categories)
      detail::throw_invalid_argument("{}: column '{}': reference code {} is outside the {} categories", fn, cfg.name,
                                     max_code, cfg.n_categories);
    std::vector<std::uint64_t> counts(cfg.n_categories, 0);
    for (std::size_t i = 0; i < n; ++i)
      if (!std::isnan(codes[i])) ++counts[static_cast<std::size_t>(codes[i])];
    return counts;
  }

  static void check_code(double v, const std::string& column, std::size_t row, const char* what, const char* fn) {
    if (!(v >= 0) || !std::isfinite(v) || v != std::floor(v))
      detail::throw_invalid_argument(
          "{}: column '{}' is categorical: {} row {} holds {}, expected a category code (integer >= 0) or NaN", fn,
          column, what, row, v);
  }

  /// Whether numerical column c keeps an ECDF window: not with a decaying window, and
  /// with value_metrics false only for the ECDF statistics (ks, wasserstein).
  bool needs_ecdf(std::size_t c) const {
    const column_config& cfg = configs_[c];
    if (cfg.kind != column_kind::numerical || options_.window.kind == window_kind::decaying) return false;
    if (options_.value_metrics) return true;
    for (stream_statistic s : cfg.statistics)
      if (s == stream_statistic::ks || s == stream_statistic::wasserstein) return true;
    return false;
  }

  /// Windows (unless `windows` is false: deserialize reads them) and trackers of column c.
  void init_column(std::size_t c, bool windows = true) {
    column_state& col = cols_[c];
    const column_config& cfg = configs_[c];
    if (!windows) {
      // nothing: the windows come from the bytes
    } else if (cfg.kind == column_kind::numerical) {
      col.hist.emplace(*col.profile, options_.window);
      if (needs_ecdf(c)) col.ecdf.emplace(col.profile, options_.window);
    } else {
      std::vector<std::uint64_t> counts = col.ref_counts;
      counts.push_back(0);  // the unseen bin
      col.hist.emplace(histogram_window::from_counts(std::move(counts), options_.window));
    }
    col.trackers.clear();
    col.rule_score.clear();
    for (const auto& r : cfg.rules) {
      col.trackers.emplace_back(r.second);
      col.rule_score.push_back(static_cast<std::size_t>(
          std::find(cfg.statistics.begin(), cfg.statistics.end(), r.first) - cfg.statistics.begin()));
    }
  }

  void init_scores(std::size_t c, snapshot_t& s) const {
    s.metrics[c] = column_metrics{};
    auto& v = s.scores[c].values;
    v.clear();
    for (stream_statistic st : configs_[c].statistics) v.emplace_back(st, nan());
  }

  void init_snapshot() {
    hist_count_ = 0;
    hist_end_.assign(score_history_capacity, 0);
    hist_scores_.assign(cols_.size(), {});
    for (std::size_t c = 0; c < cols_.size(); ++c)
      hist_scores_[c].assign(configs_[c].statistics.size() * score_history_capacity, 0.0);
    snapshot_ = snapshot_t{};
    snapshot_.metrics.resize(cols_.size());
    snapshot_.scores.resize(cols_.size());
    for (std::size_t c = 0; c < cols_.size(); ++c) init_scores(c, snapshot_);
  }

  // --- evaluation -------------------------------------------------------------------

  /// Histogram statistics and count metrics of column c into s.
  void eval_hist(std::size_t c, const histogram_window& w, snapshot_t& s) const {
    column_metrics& m = s.metrics[c];
    const bool decaying = options_.window.kind == window_kind::decaying;
    m.missing = w.missing();
    m.count = decaying ? w.seen() - w.missing() : w.rows() - w.missing();
    const bool empty = !(w.n() > 0);
    if (configs_[c].kind == column_kind::categorical) {
      const double unseen = w.counts().back();
      m.unseen_share = empty ? nan() : unseen / w.n();
    }
    for (auto& sv : s.scores[c].values) {
      double v = nan();
      if (!empty) {
        switch (sv.first) {
          case stream_statistic::psi: v = w.psi(options_.psi_epsilon); break;
          case stream_statistic::js_distance: v = w.js_distance(); break;
          case stream_statistic::hellinger: v = w.hellinger(); break;
          case stream_statistic::total_variation: v = w.total_variation(); break;
          case stream_statistic::chi_square: v = w.chi_square_pvalue(); break;
          default: continue;  // ECDF statistics come from eval_ecdf
        }
      } else if (sv.first == stream_statistic::ks || sv.first == stream_statistic::wasserstein) {
        continue;
      }
      sv.second = v;
    }
  }

  /// ECDF statistics and value metrics of numerical column c into s.
  void eval_ecdf(std::size_t c, const ecdf_window<double>& w, snapshot_t& s) const {
    column_metrics& m = s.metrics[c];
    const std::size_t n = w.n();
    if (n == 0) {
      m.mean = m.std = m.min = m.max = nan();
      for (auto& sv : s.scores[c].values)
        if (sv.first == stream_statistic::ks || sv.first == stream_statistic::wasserstein) sv.second = nan();
      return;
    }
    const double dn = static_cast<double>(n);
    m.mean = w.sum() / dn;
    m.std = n >= 2 ? std::sqrt(std::max(0.0, w.sum_squares_centered()) / (dn - 1.0)) : nan();
    m.min = w.min();
    m.max = w.max();
    for (auto& sv : s.scores[c].values) {
      if (sv.first == stream_statistic::ks) sv.second = w.ks(alternative::two_sided, options_.ks_pvalue_method).pvalue;
      else if (sv.first == stream_statistic::wasserstein) sv.second = w.wasserstein();
    }
  }

  /// Records an evaluation point's end (the first callback of the block sets it).
  void mark_eval(std::size_t c, const window_end& end) {
    if (cols_[c].fired)
      detail::throw_invalid_argument("stream_monitor: internal schedule error: column '{}' evaluated twice in one "
                                     "block",
                                     configs_[c].name);
    cols_[c].fired = true;
    if (!pending_) {
      pending_ = true;
      pending_end_ = end;
    }
  }

  /// After a block: rules and events when an evaluation point closed in it.
  void finish_block(const std::int64_t* last_ts) {
    if (!pending_) return;
    pending_ = false;
    for (column_state& col : cols_) col.fired = false;
    snapshot_.end = pending_end_;
    if (!snapshot_.end.has_timestamp && last_ts != nullptr) {
      snapshot_.end.timestamp = *last_ts;
      snapshot_.end.has_timestamp = true;
    }
    snapshot_.evaluated = true;
    record_history();
    for (std::size_t c = 0; c < cols_.size(); ++c) {
      column_state& col = cols_[c];
      for (std::size_t r = 0; r < col.trackers.size(); ++r) {
        const double value = snapshot_.scores[c].values[col.rule_score[r]].second;
        const alarm_level level = col.trackers[r].observe(value);
        if (level == alarm_level::none) continue;
        alarm_event e;
        e.feature = configs_[c].name;
        e.statistic = to_string(configs_[c].rules[r].first);
        e.level = level;
        e.value = value;
        e.threshold = col.trackers[r].threshold_of(level);
        e.window_end = snapshot_.end.index;
        e.timestamp = snapshot_.end.timestamp;
        e.has_timestamp = snapshot_.end.has_timestamp;
        events_.push(e);
        for (const alarm_callback& cb : callbacks_) cb(e);
      }
    }
  }

  // --- the schedule -----------------------------------------------------------------

  /// Rows from `rows_seen_` to the next evaluation point, inclusive (count / decaying).
  std::uint64_t rows_to_next_eval() const noexcept {
    const window_spec& w = options_.window;
    const std::uint64_t t = rows_seen_;
    switch (w.kind) {
      case window_kind::sliding:
        if (t < w.size) return w.size - t;
        return w.stride - (t - w.size) % w.stride;
      case window_kind::tumbling: {
        // from the window itself, so a merged window (rows = the sum of two partial
        // windows) closes when its rows reach the size; right after an evaluation the
        // window still holds `size` rows and the next value starts a new one
        const std::uint64_t rows = cols_.front().hist->rows();
        return rows >= w.size ? w.size : w.size - rows;
      }
      case window_kind::decaying: return w.stride - t % w.stride;
      case window_kind::time: break;
    }
    return std::numeric_limits<std::uint64_t>::max();
  }

  /// Time windows: rows of ts[0..n) up to and including the first that triggers an
  /// evaluation (timestamp >= next boundary); advances the schedule state.
  std::size_t time_block(const std::int64_t* ts, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      if (!has_origin_) {
        has_origin_ = true;
        origin_ = ts[i];
        next_boundary_ = add_sat(origin_, options_.window.stride_ns);
        continue;
      }
      if (ts[i] >= next_boundary_) {
        // largest boundary origin + k·stride <= ts[i]
        const std::uint64_t diff = static_cast<std::uint64_t>(ts[i]) - static_cast<std::uint64_t>(origin_);
        const auto stride = static_cast<std::uint64_t>(options_.window.stride_ns);
        const std::uint64_t b = static_cast<std::uint64_t>(origin_) + (diff / stride) * stride;
        next_boundary_ = add_sat(static_cast<std::int64_t>(b), options_.window.stride_ns);
        return i + 1;
      }
    }
    return n;
  }

  static std::int64_t add_sat(std::int64_t a, std::int64_t b) noexcept {
    return a > std::numeric_limits<std::int64_t>::max() - b ? std::numeric_limits<std::int64_t>::max() : a + b;
  }

  // --- updates ----------------------------------------------------------------------

  void validate_input(const double* rows, std::size_t n_rows, std::size_t width, const std::int64_t* ts,
                      const char* what) const {
    const std::string fn = fmt::format("stream_monitor::{}", what);
    if (width != cols_.size())
      detail::throw_invalid_argument("{}: row width must be {} (the monitor's columns), got width {}", fn,
                                     cols_.size(), width);
    if (n_rows == 0) return;
    if (rows == nullptr) detail::throw_invalid_argument("{}: row data is null for {} rows", fn, n_rows);
    if (options_.window.kind == window_kind::time && ts == nullptr)
      detail::throw_invalid_argument("{}: a time window needs a timestamp for every row (timestamp_ns)", fn);
    if (ts != nullptr) {
      std::int64_t prev = last_ts_;
      bool has_prev = has_last_ts_;
      for (std::size_t i = 0; i < n_rows; ++i) {
        if (has_prev && ts[i] < prev)
          detail::throw_invalid_argument("{}: timestamp must be non-decreasing, got {} after {} (row {})", fn, ts[i],
                                         prev, i);
        prev = ts[i];
        has_prev = true;
      }
    }
    for (std::size_t c = 0; c < cols_.size(); ++c) {
      if (configs_[c].kind != column_kind::categorical) continue;
      for (std::size_t i = 0; i < n_rows; ++i) {
        const double v = rows[i * width + c];
        if (!std::isnan(v)) check_code(v, configs_[c].name, i, "row", fn.c_str());
      }
    }
  }

  void update_many_impl(const double* rows, std::size_t n_rows, std::size_t width, const std::int64_t* ts,
                        const char* what) {
    validate_input(rows, n_rows, width, ts, what);
    std::size_t i = 0;
    while (i < n_rows) {
      std::size_t len = std::min(n_rows - i, options_.block_rows);
      if (options_.window.kind == window_kind::time) {
        len = time_block(ts + i, len);
      } else {
        len = static_cast<std::size_t>(std::min<std::uint64_t>(len, rows_to_next_eval()));
      }
      feed_block(rows + i * width, len, width, ts ? ts + i : nullptr);
      rows_seen_ += len;
      if (ts != nullptr) {
        last_ts_ = ts[i + len - 1];
        has_last_ts_ = true;
      }
      finish_block(ts ? ts + i + len - 1 : nullptr);
      i += len;
    }
  }

  void feed_block(const double* rows, std::size_t n, std::size_t width, const std::int64_t* ts) {
    if (buf_.size() < n) buf_.resize(std::max(n, std::min<std::size_t>(options_.block_rows, 1u << 16)));
    for (std::size_t c = 0; c < cols_.size(); ++c) {
      column_state& col = cols_[c];
      const double* src = rows + c;
      if (configs_[c].kind == column_kind::categorical) {
        const auto k = static_cast<double>(configs_[c].n_categories);
        auto on_hist = [this, c](const histogram_window& w, const window_end& end) {
          mark_eval(c, end);
          eval_hist(c, w, snapshot_);
        };
        for (std::size_t i = 0; i < n; ++i) {
          const double v = src[i * width];
          const std::int64_t code =
              std::isnan(v) ? std::int64_t{-1} : (v >= k ? static_cast<std::int64_t>(k) : static_cast<std::int64_t>(v));
          if (ts != nullptr) col.hist->update_bin(code, ts[i], on_hist);
          else col.hist->update_bin(code, on_hist);
        }
        continue;
      }
      double* b = buf_.data();
      for (std::size_t i = 0; i < n; ++i) b[i] = src[i * width];
      auto on_hist = [this, c](const histogram_window& w, const window_end& end) {
        mark_eval(c, end);
        eval_hist(c, w, snapshot_);
      };
      if (ts != nullptr) col.hist->update_many(b, ts, n, on_hist);
      else col.hist->update_many(b, n, on_hist);
      if (col.ecdf) {
        auto on_ecdf = [this, c](const ecdf_window<double>& w, const window_end&) { eval_ecdf(c, w, snapshot_); };
        if (ts != nullptr) col.ecdf->update_many(b, ts, n, on_ecdf);
        else col.ecdf->update_many(b, n, on_ecdf);
      }
    }
  }

  // --- bytes ------------------------------------------------------------------------

  static void put_string(detail::byte_writer& w, const std::string& s) {
    w.put(static_cast<std::uint32_t>(s.size()));
    w.put_array(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  }
  static std::string get_string(detail::byte_reader& rd, const char* field) {
    const auto len = rd.get<std::uint32_t>(field);
    rd.require(len, field);
    std::string s(len, '\0');
    rd.get_array(reinterpret_cast<std::uint8_t*>(&s[0]), len, field);
    return s;
  }
  static void put_blob(detail::byte_writer& w, const std::vector<std::uint8_t>& b) {
    w.put(static_cast<std::uint64_t>(b.size()));
    w.put_array(b.data(), b.size());
  }
  /// (pointer, size) of a length-prefixed blob inside the reader's buffer.
  static std::pair<const std::uint8_t*, std::size_t> get_blob(detail::byte_reader& rd, const char* field) {
    const auto len = rd.get<std::uint64_t>(field);
    rd.require_array(len, 1, field);
    const auto n = static_cast<std::size_t>(len);
    std::vector<std::uint8_t>& tmp = blob_scratch();
    tmp.resize(n);
    rd.get_array(tmp.data(), n, field);
    return {tmp.data(), n};
  }
  static std::vector<std::uint8_t>& blob_scratch() {
    thread_local std::vector<std::uint8_t> b;
    return b;
  }
  static bool get_flag(detail::byte_reader& rd, const char* field) {
    const auto v = rd.get<std::uint8_t>(field);
    if (v > 1)
      detail::throw_invalid_argument("stream_monitor::deserialize: {} must be 0 or 1, got {}", field, v);
    return v == 1;
  }
  static bool same_spec(const window_spec& a, const window_spec& b) noexcept {
    return a.kind == b.kind && a.size == b.size && a.stride == b.stride && a.duration_ns == b.duration_ns &&
           a.stride_ns == b.stride_ns && (a.half_life == b.half_life);
  }
  /// The window spec inside histogram_window bytes (offsets 7 and 24..63 of its layout)
  /// must be the monitor's, checked before histogram_window::deserialize sizes its ring
  /// from them (a corrupt size would otherwise ask for a huge allocation).
  void check_hist_spec(const std::uint8_t* data, std::size_t size, std::size_t c) const {
    if (size < 64) return;  // too short: histogram_window::deserialize throws out_of_range
    detail::byte_reader rd(data, size, "stream_monitor::deserialize");
    rd.skip(7, "histogram window preamble");
    window_spec ws;
    ws.kind = static_cast<window_kind>(rd.get<std::uint8_t>("histogram window kind"));
    rd.skip(16, "histogram window sizes");
    ws.size = rd.get<std::uint64_t>("histogram window size");
    ws.stride = rd.get<std::uint64_t>("histogram window stride");
    ws.duration_ns = rd.get<std::int64_t>("histogram window duration");
    ws.stride_ns = rd.get<std::int64_t>("histogram window stride_ns");
    ws.half_life = rd.get<double>("histogram window half_life");
    if (!same_spec(ws, options_.window))
      detail::throw_invalid_argument(
          "stream_monitor::deserialize: column '{}': histogram window spec does not match the options",
          configs_[c].name);
  }

  /// A deserialized histogram window must match column c's reference and the options.
  void check_hist_matches(const histogram_window& got, std::size_t c) const {
    const column_state& col = cols_[c];
    bool ok = same_spec(got.window(), options_.window);
    if (configs_[c].kind == column_kind::numerical) {
      ok = ok && !got.categorical() && got.edges() == col.profile->edges() &&
           got.reference_counts() == col.profile->counts();
    } else {
      ok = ok && got.categorical() && got.reference_counts().size() == col.ref_counts.size() + 1 &&
           std::equal(col.ref_counts.begin(), col.ref_counts.end(), got.reference_counts().begin()) &&
           got.reference_counts().back() == 0;
    }
    if (!ok)
      detail::throw_invalid_argument(
          "stream_monitor::deserialize: column '{}': histogram window does not match the reference / options",
          configs_[c].name);
  }

  /// Options, column configs and references (what two monitors must share to merge).
  std::vector<std::uint8_t> config_bytes() const {
    std::vector<std::uint8_t> out;
    detail::byte_writer w(out);
    detail::write_preamble(w, "DSSM", serial_family, serial_version);
    w.put(std::uint8_t{0});
    w.put(std::uint8_t{0});
    const window_spec& ws = options_.window;
    w.put(static_cast<std::uint8_t>(ws.kind));
    w.put(ws.size);
    w.put(ws.stride);
    w.put(ws.duration_ns);
    w.put(ws.stride_ns);
    w.put(ws.half_life);
    w.put(options_.psi_epsilon);
    w.put(static_cast<std::uint8_t>(options_.ks_pvalue_method));
    w.put(static_cast<std::uint8_t>(options_.value_metrics ? 1 : 0));
    w.put(static_cast<std::uint64_t>(options_.event_capacity));
    w.put(static_cast<std::uint64_t>(cols_.size()));
    for (std::size_t c = 0; c < cols_.size(); ++c) {
      const column_config& cfg = configs_[c];
      put_string(w, cfg.name);
      w.put(static_cast<std::uint8_t>(cfg.kind));
      w.put(static_cast<std::uint8_t>(cfg.default_rules ? 1 : 0));
      w.put(static_cast<std::uint32_t>(cfg.statistics.size()));
      for (stream_statistic s : cfg.statistics) w.put(static_cast<std::uint8_t>(s));
      w.put(static_cast<std::uint32_t>(cfg.rules.size()));
      for (const auto& r : cfg.rules) {
        w.put(static_cast<std::uint8_t>(r.first));
        w.put(r.second.warning);
        w.put(r.second.alarm);
        w.put(static_cast<std::uint8_t>(r.second.direction));
        w.put(r.second.patience);
        w.put(r.second.cooldown);
      }
      w.put(static_cast<std::uint8_t>(cfg.bins.kind));
      w.put(static_cast<std::uint64_t>(cfg.bins.bins));
      w.put(static_cast<std::uint64_t>(cfg.bins.edges.size()));
      w.put_array(cfg.bins.edges.data(), cfg.bins.edges.size());
      w.put(static_cast<std::uint64_t>(cfg.n_categories));
      w.put(static_cast<std::uint32_t>(cfg.categories.size()));
      for (const std::string& s : cfg.categories) put_string(w, s);
      if (cfg.kind == column_kind::numerical) {
        put_blob(w, cols_[c].profile->serialize());
      } else {
        w.put_array(cols_[c].ref_counts.data(), cols_[c].ref_counts.size());
      }
    }
    return out;
  }

  /// Reads the preamble and the config block; returns the format version.
  std::uint8_t read_config(detail::byte_reader& rd) {
    static constexpr const char* fn = "stream_monitor::deserialize";
    rd.require(8, "preamble");
    char magic[4];
    for (char& ch : magic) ch = static_cast<char>(rd.get<std::uint8_t>("magic"));
    if (std::memcmp(magic, "DSSM", 4) != 0)
      detail::throw_invalid_argument("{}: bad magic, not a serialized stream_monitor", fn);
    const auto family = rd.get<std::uint8_t>("family id");
    if (family != serial_family)
      detail::throw_invalid_argument("{}: family id must be {}, got {}", fn, serial_family, family);
    const auto version = rd.get<std::uint8_t>("version");
    if (version < serial_version_min || version > serial_version)
      detail::throw_invalid_argument("{}: unsupported format version {} (this build reads versions {} to {})", fn,
                                     version, serial_version_min, serial_version);
    if (rd.get<std::uint8_t>("flags") != 0) detail::throw_invalid_argument("{}: flags must be 0", fn);
    if (rd.get<std::uint8_t>("reserved") != 0) detail::throw_invalid_argument("{}: reserved byte must be 0", fn);
    window_spec ws;
    const auto kind = rd.get<std::uint8_t>("window kind");
    if (kind < 1 || kind > 4) detail::throw_invalid_argument("{}: window kind must be 1..4, got {}", fn, kind);
    ws.kind = static_cast<window_kind>(kind);
    ws.size = rd.get<std::uint64_t>("window size");
    ws.stride = rd.get<std::uint64_t>("window stride");
    ws.duration_ns = rd.get<std::int64_t>("window duration");
    ws.stride_ns = rd.get<std::int64_t>("window stride_ns");
    ws.half_life = rd.get<double>("window half_life");
    options_.window = ws;
    options_.psi_epsilon = rd.get<double>("psi_epsilon");
    const auto km = rd.get<std::uint8_t>("ks_pvalue_method");
    if (km > 2) detail::throw_invalid_argument("{}: ks_pvalue_method must be 0..2, got {}", fn, km);
    options_.ks_pvalue_method = static_cast<ks_method>(km);
    options_.value_metrics = version >= 3 ? get_flag(rd, "value_metrics") : true;
    const auto cap = rd.get<std::uint64_t>("event capacity");
    if (cap > (std::uint64_t{1} << 40)) detail::throw_invalid_argument("{}: event capacity {} too large", fn, cap);
    options_.event_capacity = static_cast<std::size_t>(cap);
    options_.validate(fn);
    const auto n_cols = rd.get<std::uint64_t>("number of columns");
    if (n_cols == 0) detail::throw_invalid_argument("{}: number of columns must be >= 1, got 0", fn);
    rd.require_array(n_cols, 30, "columns");  // each column takes at least 30 bytes
    configs_.resize(static_cast<std::size_t>(n_cols));
    cols_.resize(static_cast<std::size_t>(n_cols));
    for (std::size_t c = 0; c < configs_.size(); ++c) {
      column_config& cfg = configs_[c];
      cfg.name = get_string(rd, "column name");
      const auto ck = rd.get<std::uint8_t>("column kind");
      if (ck > 1) detail::throw_invalid_argument("{}: column kind must be 0 or 1, got {}", fn, ck);
      cfg.kind = static_cast<column_kind>(ck);
      cfg.default_rules = get_flag(rd, "default_rules");
      const auto n_stats = rd.get<std::uint32_t>("number of statistics");
      if (n_stats == 0 || n_stats > stream_statistic_count)
        detail::throw_invalid_argument("{}: column '{}': {} statistics", fn, cfg.name, n_stats);
      for (std::uint32_t i = 0; i < n_stats; ++i) {
        const auto s = rd.get<std::uint8_t>("statistic");
        if (s >= stream_statistic_count) detail::throw_invalid_argument("{}: statistic id {} unknown", fn, s);
        cfg.statistics.push_back(static_cast<stream_statistic>(s));
      }
      const auto n_rules = rd.get<std::uint32_t>("number of rules");
      if (n_rules > 64) detail::throw_invalid_argument("{}: column '{}': {} rules", fn, cfg.name, n_rules);
      for (std::uint32_t i = 0; i < n_rules; ++i) {
        const auto s = rd.get<std::uint8_t>("rule statistic");
        if (s >= stream_statistic_count) detail::throw_invalid_argument("{}: statistic id {} unknown", fn, s);
        threshold_rule r;
        r.warning = rd.get<double>("rule warning");
        r.alarm = rd.get<double>("rule alarm");
        const auto dir = rd.get<std::uint8_t>("rule direction");
        if (dir > 1) detail::throw_invalid_argument("{}: rule direction must be 0 or 1, got {}", fn, dir);
        r.direction = static_cast<threshold_direction>(dir);
        r.patience = rd.get<std::uint32_t>("rule patience");
        r.cooldown = rd.get<std::uint32_t>("rule cooldown");
        cfg.rules.emplace_back(static_cast<stream_statistic>(s), r);
      }
      const auto bk = rd.get<std::uint8_t>("binning kind");
      if (bk > 2) detail::throw_invalid_argument("{}: binning kind must be 0..2, got {}", fn, bk);
      cfg.bins.kind = static_cast<binning_kind>(bk);
      const auto bins = rd.get<std::uint64_t>("bins");
      if (bins > max_bins) detail::throw_invalid_argument("{}: bins {} too large", fn, bins);
      cfg.bins.bins = static_cast<std::size_t>(bins);
      const auto m = rd.get<std::uint64_t>("number of edges");
      rd.require_array(m, 8, "edges");
      cfg.bins.edges.resize(static_cast<std::size_t>(m));
      rd.get_array(cfg.bins.edges.data(), cfg.bins.edges.size(), "edges");
      const auto k = rd.get<std::uint64_t>("number of categories");
      if (k > 100000000) detail::throw_invalid_argument("{}: {} categories", fn, k);
      const auto n_labels = rd.get<std::uint32_t>("number of category labels");
      if (n_labels != 0 && n_labels != k)
        detail::throw_invalid_argument("{}: column '{}': {} labels for {} categories", fn, cfg.name, n_labels, k);
      rd.require_array(n_labels, 4, "category labels");
      for (std::uint32_t i = 0; i < n_labels; ++i) cfg.categories.push_back(get_string(rd, "category label"));
      cfg.n_categories = static_cast<std::size_t>(k);
      // re-resolving a resolved config is the identity; it validates the combination
      const std::vector<stream_statistic> stats = cfg.statistics;
      const auto rules = cfg.rules;
      resolve_config(cfg, options_.window, fn);
      if (cfg.statistics != stats || cfg.rules.size() != rules.size())
        detail::throw_invalid_argument("{}: column '{}': inconsistent statistics / rules", fn, cfg.name);
      if (cfg.kind == column_kind::numerical) {
        if (k != 0) detail::throw_invalid_argument("{}: column '{}': categories on a numerical column", fn, cfg.name);
        const auto blob = get_blob(rd, "reference profile");
        auto prof = reference_profile<double>::deserialize(blob.first, blob.second);
        if (prof.nan() != nan_policy::omit || prof.binning().kind != cfg.bins.kind ||
            (cfg.bins.kind == binning_kind::explicit_edges ? prof.binning().edges != cfg.bins.edges
                                                           : prof.binning().bins != cfg.bins.bins))
          detail::throw_invalid_argument("{}: column '{}': reference profile does not match the binning", fn,
                                         cfg.name);
        cols_[c].profile = std::make_shared<const reference_profile<double>>(std::move(prof));
      } else {
        if (k == 0) detail::throw_invalid_argument("{}: column '{}': 0 categories", fn, cfg.name);
        rd.require_array(k, 8, "category counts");
        cols_[c].ref_counts.resize(static_cast<std::size_t>(k));
        rd.get_array(cols_[c].ref_counts.data(), cols_[c].ref_counts.size(), "category counts");
        std::uint64_t total = 0;
        for (std::uint64_t v : cols_[c].ref_counts) total += v;
        if (total == 0) detail::throw_invalid_argument("{}: column '{}': reference counts sum to 0", fn, cfg.name);
      }
    }
    check_names(configs_, fn);
    events_ = event_log(options_.event_capacity);
    for (std::size_t c = 0; c < cols_.size(); ++c) init_column(c, false);
    init_snapshot();
    return version;
  }

  static void write_snapshot(detail::byte_writer& w, const snapshot_t& s) {
    w.put(s.end.index);
    w.put(s.end.timestamp);
    w.put(static_cast<std::uint8_t>(s.end.has_timestamp ? 1 : 0));
    w.put(static_cast<std::uint8_t>(s.evaluated ? 1 : 0));
    for (std::size_t c = 0; c < s.metrics.size(); ++c) {
      const column_metrics& m = s.metrics[c];
      w.put(m.count);
      w.put(m.missing);
      w.put(m.mean);
      w.put(m.std);
      w.put(m.min);
      w.put(m.max);
      w.put(m.unseen_share);
      w.put(static_cast<std::uint32_t>(s.scores[c].values.size()));
      for (const auto& v : s.scores[c].values) {
        w.put(static_cast<std::uint8_t>(v.first));
        w.put(v.second);
      }
    }
  }

  void read_snapshot(detail::byte_reader& rd) {
    static constexpr const char* fn = "stream_monitor::deserialize";
    snapshot_.end.index = rd.get<std::uint64_t>("snapshot end");
    snapshot_.end.timestamp = rd.get<std::int64_t>("snapshot timestamp");
    snapshot_.end.has_timestamp = get_flag(rd, "snapshot has timestamp");
    snapshot_.evaluated = get_flag(rd, "snapshot evaluated");
    for (std::size_t c = 0; c < cols_.size(); ++c) {
      column_metrics& m = snapshot_.metrics[c];
      m.count = rd.get<std::uint64_t>("metrics count");
      m.missing = rd.get<std::uint64_t>("metrics missing");
      m.mean = rd.get<double>("metrics mean");
      m.std = rd.get<double>("metrics std");
      m.min = rd.get<double>("metrics min");
      m.max = rd.get<double>("metrics max");
      m.unseen_share = rd.get<double>("metrics unseen_share");
      const auto n = rd.get<std::uint32_t>("number of scores");
      auto& vals = snapshot_.scores[c].values;
      if (n != vals.size())
        detail::throw_invalid_argument("{}: column '{}': {} scores for {} statistics", fn, configs_[c].name, n,
                                       vals.size());
      for (auto& v : vals) {
        const auto s = rd.get<std::uint8_t>("score statistic");
        if (s != static_cast<std::uint8_t>(v.first))
          detail::throw_invalid_argument("{}: column '{}': score statistic {} out of order", fn, configs_[c].name, s);
        v.second = rd.get<double>("score value");
      }
    }
  }

  void record_history() {
    const std::size_t cap = score_history_capacity;
    const auto slot = static_cast<std::size_t>(hist_count_ % cap);
    hist_end_[slot] = snapshot_.end.index;
    for (std::size_t c = 0; c < cols_.size(); ++c) {
      const auto& vals = snapshot_.scores[c].values;
      for (std::size_t j = 0; j < vals.size(); ++j) hist_scores_[c][j * cap + slot] = vals[j].second;
    }
    ++hist_count_;
  }

  std::pair<std::size_t, std::size_t> history_slot(std::string_view column, stream_statistic statistic,
                                                   const char* fn) const {
    for (std::size_t c = 0; c < configs_.size(); ++c) {
      if (configs_[c].name != column) continue;
      const auto& st = configs_[c].statistics;
      for (std::size_t j = 0; j < st.size(); ++j)
        if (st[j] == statistic) return {c, j};
      detail::throw_invalid_argument("{}: column '{}' does not compute '{}'", fn, column, to_string(statistic));
    }
    detail::throw_invalid_argument("{}: unknown column '{}'", fn, column);
  }

  void write_history(detail::byte_writer& w) const {
    w.put(hist_count_);
    w.put_array(hist_end_.data(), hist_end_.size());
    for (const auto& h : hist_scores_) w.put_array(h.data(), h.size());
  }

  void read_history(detail::byte_reader& rd) {
    static constexpr const char* fn = "stream_monitor::deserialize";
    const std::size_t cap = score_history_capacity;
    hist_count_ = rd.get<std::uint64_t>("score history count");
    if (hist_count_ > rows_seen_)
      detail::throw_invalid_argument("{}: {} evaluations recorded after {} rows", fn, hist_count_, rows_seen_);
    rd.require_array(hist_end_.size(), 8, "score history ends");
    rd.get_array(hist_end_.data(), hist_end_.size(), "score history ends");
    for (auto& h : hist_scores_) {
      rd.require_array(h.size(), 8, "score history");
      rd.get_array(h.data(), h.size(), "score history");
    }
    // recorded window ends increase (oldest first) and are rows seen; unused slots are 0
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(hist_count_, cap));
    std::uint64_t prev = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t e = hist_end_[static_cast<std::size_t>((hist_count_ - n + i) % cap)];
      if ((i > 0 && e <= prev) || e > rows_seen_)
        detail::throw_invalid_argument("{}: score history window ends out of order or past the rows seen", fn);
      prev = e;
    }
    for (std::size_t slot = n; slot < cap; ++slot) {
      bool zero = hist_end_[slot] == 0;
      for (const auto& h : hist_scores_)
        for (std::size_t j = 0; j < h.size() / cap; ++j) zero = zero && h[j * cap + slot] == 0.0;
      if (!zero) detail::throw_invalid_argument("{}: unused score history slot {} is not zero", fn, slot);
    }
  }

  // score history (score_history()): ring of score_history_capacity evaluations
  std::uint64_t hist_count_ = 0;
  std::vector<std::uint64_t> hist_end_;
  std::vector<std::vector<double>> hist_scores_;  // per column: statistic-major rings

  stream_monitor_options options_{};
  std::vector<column_config> configs_;
  std::vector<column_state> cols_;
  snapshot_t snapshot_;
  event_log events_;
  std::vector<alarm_callback> callbacks_;
  std::uint64_t rows_seen_ = 0;
  std::int64_t last_ts_ = 0;
  bool has_last_ts_ = false;
  // time windows: the schedule (mirrors window_spec's; splits update_many's blocks)
  bool has_origin_ = false;
  std::int64_t origin_ = 0;
  std::int64_t next_boundary_ = 0;
  // evaluation bookkeeping within a block
  bool pending_ = false;
  window_end pending_end_{};
  std::vector<double> buf_;
  std::vector<std::int64_t> codes_;
};

}  // namespace driftscope
