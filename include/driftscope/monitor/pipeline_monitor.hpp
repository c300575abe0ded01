#pragma once
/// @file
/// @brief pipeline_monitor: named stages (upstream source → features → model →
/// post-processing), each a stage_monitor with its own metrics and alert rules; says which
/// stage alarmed first, so a broken upstream is blamed on the upstream and not on the model;
/// and exposes everything as Prometheus / OpenMetrics families.
///
/// The seed notes: monitor the whole pipeline, not only the model — when a sensor starts
/// sending missing values, the features built from it and then the predictions go wrong
/// too, a little later. `first_alarm()` is the earliest alarm (not warning) that fired in any
/// stage, by its window-end timestamp; on a tie the stage earlier in the pipeline wins
/// (upstream first), since a stage's window closes at the same aligned time as its
/// downstream's.
///
/// ## Exposition (`metric_families()`, `render(accept)`)
/// Families (labels: `stage`, and `feature`, `ratio`, `alert`, `severity`, `quantile`,
/// `window` where they apply; the label sets are the configured names, never per request):
/// | family                                   | type      | what                                   |
/// |------------------------------------------|-----------|----------------------------------------|
/// | driftscope_requests_total                | counter   | records seen by the stage              |
/// | driftscope_errors_total                  | counter   | failed records                         |
/// | driftscope_request_rate                  | gauge     | EWMA requests per second, window 1m/5m/15m |
/// | driftscope_latency_seconds               | histogram | lifetime latencies, buckets `latency_buckets` (count_le of the latency sketch, within its relative error) |
/// | driftscope_feature_missing_total         | counter   | missing values of a field              |
/// | driftscope_window_value                  | gauge     | every catalogue value of the last closed window: labels `metric` (the catalogue id) |
/// | driftscope_ratio_numerator_total / _denominator_total | counter | lifetime ratio counts      |
/// | driftscope_alert_state                   | gauge     | 0 inactive, 1 pending, 2 firing, per rule and severity |
/// | process_*, system_load_average           | (process) | RSS, CPU seconds, open fds, start time, load (monitor/process_metrics.hpp) |
/// The window values share one gauge family with the catalogue id as the `metric` label
/// (one family per id would multiply the families by the fields); an alert rule exported
/// for Prometheus reads `driftscope_window_value{stage="s",metric="<id>"}` (`promql()`).
///
/// ## Checkpoints and merging
/// `serialize_state()` / `restore_state()` and `merge()` apply the stage_monitor ones stage
/// by stage (stage names and order must match). State format (version 1), little-endian:
/// preamble "DSPM", family 48, version 1, flags 0, reserved 0; u32 number of stages; per
/// stage u32 length + the stage's state bytes (stage_monitor.hpp). Restoring is all or
/// nothing: a stage that refuses its bytes leaves every stage unchanged.

#include <driftscope/core/error.hpp>
#include <driftscope/monitor/exposition.hpp>
#include <driftscope/monitor/process_metrics.hpp>
#include <driftscope/monitor/stage_monitor.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace driftscope {

/// @brief Which stage alarmed first, with the alarm's event.
struct pipeline_alarm {
  std::string stage;
  std::size_t stage_index = 0;
  alert_event event;
};

/// @brief Options of pipeline_monitor beyond its stages.
struct pipeline_options {
  /// Upper bounds (seconds) of the exported latency histogram buckets.
  std::vector<double> latency_buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                         0.1,    0.25,  0.5,    1.0,   2.5,   5.0,  10.0};
  bool process_metrics = true;  ///< export the process' RSS, CPU and load (Linux)
};

/// @brief Stages of a pipeline, in order (see the file comment).
class pipeline_monitor {
 public:
  /// @throws std::invalid_argument for no stages, duplicate stage names, or invalid stages.
  explicit pipeline_monitor(const std::vector<stage_options>& stages, pipeline_options options = {})
      : pipeline_monitor(build(stages), std::move(options)) {}

  /// @brief A pipeline of existing stages (copied or moved in, state included).
  /// @throws std::invalid_argument for no stages, duplicate stage names or bad buckets.
  explicit pipeline_monitor(std::vector<stage_monitor> stages, pipeline_options options = {})
      : options_(std::move(options)), stages_(std::move(stages)) {
    if (stages_.empty()) detail::throw_invalid_argument("pipeline_monitor: stages must not be empty");
    for (std::size_t i = 0; i < stages_.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (stages_[i].name() == stages_[j].name())
          detail::throw_invalid_argument("pipeline_monitor: stage name '{}' is used twice", stages_[i].name());
    // the buckets are checked once here, as the histogram family would at every scrape
    static_cast<void>(metric_family::histogram("driftscope_latency_seconds", "check", options_.latency_buckets,
                                               "seconds"));
  }

  std::size_t size() const noexcept { return stages_.size(); }
  stage_monitor& stage(std::size_t i) { return stages_.at(i); }
  const stage_monitor& stage(std::size_t i) const { return stages_.at(i); }
  /// @throws std::invalid_argument naming `name` when there is no such stage.
  stage_monitor& stage(std::string_view name) { return stages_[stage_index(name)]; }
  const stage_monitor& stage(std::string_view name) const { return stages_[stage_index(name)]; }
  std::size_t stage_index(std::string_view name) const {
    for (std::size_t i = 0; i < stages_.size(); ++i)
      if (stages_[i].name() == name) return i;
    detail::throw_invalid_argument("pipeline_monitor: no stage named '{}'", name);
  }

  /// @brief Moves every stage's clock to `timestamp_ns` (closing the windows that ended).
  void advance(std::int64_t timestamp_ns) {
    for (auto& s : stages_) s.advance(timestamp_ns);
  }

  const pipeline_options& options() const noexcept { return options_; }

  /// @brief Calls `cb` for every alert event of every stage, as it happens.
  void on_event(const stage_monitor::event_callback& cb) {
    for (auto& s : stages_) s.on_event(cb);
  }

  /// @brief The earliest alarm that fired in any stage (ties: the upstream stage).
  std::optional<pipeline_alarm> first_alarm() const {
    std::optional<pipeline_alarm> best;
    for (std::size_t i = 0; i < stages_.size(); ++i) {
      const auto& a = stages_[i].first_alarm();
      if (a && (!best || a->timestamp < best->event.timestamp)) best = pipeline_alarm{stages_[i].name(), i, *a};
    }
    return best;
  }

  static constexpr std::uint8_t serial_family = 48;
  static constexpr std::uint8_t serial_version = 1;

  /// @brief Every stage's state (see the file comment); not the options.
  std::vector<std::uint8_t> serialize_state() const {
    std::vector<std::uint8_t> out;
    detail::byte_writer w(out);
    detail::write_preamble(w, "DSPM", serial_family, serial_version);
    w.put_zeros(2);
    w.put(static_cast<std::uint32_t>(stages_.size()));
    for (const stage_monitor& s : stages_) detail::put_blob32(w, s.serialize_state());
    return out;
  }

  /// @brief Restores serialize_state() bytes of a pipeline with the same stages and options.
  /// @throws std::out_of_range (truncated), std::invalid_argument (corrupt or other stages /
  /// options); on error nothing changes.
  void restore_state(const void* data, std::size_t size) {
    static constexpr const char* fn = "pipeline_monitor::restore_state";
    detail::byte_reader rd(data, size, fn);
    detail::read_preamble(rd, "DSPM", serial_family, serial_version, fn, "pipeline_monitor state");
    if (rd.get<std::uint8_t>("flags") != 0 || rd.get<std::uint8_t>("reserved") != 0)
      detail::throw_invalid_argument("{}: flag bytes must be 0", fn);
    const auto n = rd.get<std::uint32_t>("number of stages");
    if (n != stages_.size())
      detail::throw_invalid_argument("{}: the state has {} stages, the pipeline {}", fn, n, stages_.size());
    std::vector<stage_monitor> restored = stages_;
    for (stage_monitor& s : restored) {
      const auto b = detail::get_blob32(rd, static_cast<const std::uint8_t*>(data), "stage state");
      s.restore_state(b.first, b.second);
    }
    if (rd.remaining() != 0) detail::throw_invalid_argument("{}: {} trailing bytes after the state", fn, rd.remaining());
    stages_ = std::move(restored);
  }

  /// @brief Merges `other`'s stages into this pipeline's, stage by stage
  /// (stage_monitor::merge); on error nothing changes.
  /// @throws std::invalid_argument when the stage names differ or a stage refuses.
  void merge(const pipeline_monitor& other) {
    if (other.stages_.size() != stages_.size())
      detail::throw_invalid_argument("pipeline_monitor::merge: other has {} stages, this has {}", other.size(), size());
    std::vector<stage_monitor> merged = stages_;
    for (std::size_t i = 0; i < merged.size(); ++i) {
      if (merged[i].name() != other.stages_[i].name())
        detail::throw_invalid_argument("pipeline_monitor::merge: stage {} is '{}' here and '{}' in other", i,
                                       merged[i].name(), other.stages_[i].name());
      merged[i].merge(other.stages_[i]);
    }
    stages_ = std::move(merged);
  }

  /// @brief The PromQL expression of stage `stage`'s catalogue id `metric` in our export.
  std::string promql(std::string_view stage_name, std::string_view metric) const {
    const stage_monitor& s = stage(stage_name);
    static_cast<void>(s.metric_index(metric));  // throws for an unknown id
    return fmt::format("driftscope_window_value{{stage=\"{}\",metric=\"{}\"}}", stage_name, metric);
  }

  /// @brief Every stage's alert rules as one Prometheus alerting-rule file: a group per
  /// stage with rules, named `<options.group>_<stage>`, each rule reading its metric from our
  /// exposition (`promql()`), with its reference resolved and its `stage` label. So Prometheus
  /// alerts on the scraped values as the stages do (at its own evaluation interval rather
  /// than at window ends). `options.expressions` must be empty (the expressions are ours).
  /// @throws std::invalid_argument as to_prometheus_yaml, or when no stage has rules.
  std::string prometheus_rules(const prometheus_rule_options& options = {}) const {
    if (!options.expressions.empty())
      detail::throw_invalid_argument("pipeline_monitor::prometheus_rules: expressions must be empty (they are the "
                                     "pipeline's own driftscope_window_value series)");
    std::string out;
    for (const stage_monitor& s : stages_) {
      if (s.alerts().empty()) continue;
      prometheus_rule_options o = options;
      o.group = options.group + "_" + s.name();
      std::vector<alert_rule> rules;
      for (const alert_tracker& t : s.alerts()) {
        rules.push_back(t.rule());
        o.expressions[t.rule().metric] = promql(s.name(), t.rule().metric);
      }
      std::string y = to_prometheus_yaml(rules, o);
      out += out.empty() ? y : y.substr(y.find('\n') + 1);  // one "groups:" header
    }
    if (out.empty()) detail::throw_invalid_argument("pipeline_monitor::prometheus_rules: no stage has alert rules");
    return out;
  }

  /// @brief Every family of the table in the file comment, as of now.
  std::vector<metric_family> metric_families() const {
    std::vector<metric_family> f;
    auto requests = metric_family::counter("driftscope_requests", "Records seen by the stage");
    auto errors = metric_family::counter("driftscope_errors", "Records that failed at the stage");
    auto rate = metric_family::gauge("driftscope_request_rate", "EWMA requests per second");
    auto latency = metric_family::histogram("driftscope_latency_seconds", "Latency of the stage's records",
                                            options_.latency_buckets, "seconds");
    auto missing = metric_family::counter("driftscope_feature_missing", "Missing values of a field");
    auto window = metric_family::gauge("driftscope_window_value",
                                       "Metric value of the last closed window (metric = catalogue id)");
    auto num = metric_family::counter("driftscope_ratio_numerator", "Numerator of a ratio metric");
    auto den = metric_family::counter("driftscope_ratio_denominator", "Denominator of a ratio metric");
    auto alerts = metric_family::gauge("driftscope_alert_state", "Alert state: 0 inactive, 1 pending, 2 firing");
    std::vector<std::uint64_t> buckets(options_.latency_buckets.size() + 1);
    for (const stage_monitor& s : stages_) {
      const std::string& st = s.name();
      requests.add_counter(static_cast<double>(s.requests_total()), {{"stage", st}});
      errors.add_counter(static_cast<double>(s.errors_total()), {{"stage", st}});
      const meter_rates r = s.request_rates();
      rate.add_gauge(r.m1, {{"stage", st}, {"window", "1m"}});
      rate.add_gauge(r.m5, {{"stage", st}, {"window", "5m"}});
      rate.add_gauge(r.m15, {{"stage", st}, {"window", "15m"}});
      const latency_sketch& l = s.latency_lifetime();
      std::uint64_t below = 0;
      for (std::size_t b = 0; b < options_.latency_buckets.size(); ++b) {
        const std::uint64_t le = l.count_le(options_.latency_buckets[b]);
        buckets[b] = le - below;
        below = le;
      }
      buckets.back() = l.count() - below;
      latency.add_histogram(buckets, l.count() == 0 ? 0.0 : l.sum(), {{"stage", st}});
      const auto& o = s.options();
      for (std::size_t i = 0; i < s.feature_count(); ++i)
        missing.add_counter(static_cast<double>(s.numeric_missing_total(i)),
                            {{"stage", st}, {"feature", s.feature_name(i)}});
      for (std::size_t j = 0; j < o.categorical.size(); ++j) {
        missing.add_counter(static_cast<double>(s.categorical_missing_total(j)),
                            {{"stage", st}, {"feature", o.categorical[j].name}});
      }
      for (std::size_t r2 = 0; r2 < o.ratios.size(); ++r2) {
        const auto t = s.ratio_totals(r2);
        num.add_counter(static_cast<double>(t.first), {{"stage", st}, {"ratio", o.ratios[r2].name}});
        den.add_counter(static_cast<double>(t.second), {{"stage", st}, {"ratio", o.ratios[r2].name}});
      }
      const auto& ids = s.metric_ids();
      const auto& last = s.last_values();
      for (std::size_t k = 0; k < ids.size(); ++k) window.add_gauge(last[k], {{"stage", st}, {"metric", ids[k]}});
      for (const alert_tracker& t : s.alerts())
        for (auto sev : {alert_severity::warning, alert_severity::alarm}) {
          if (!t.rule().level(sev)) continue;
          const alert_state a = t.state(sev);
          const double v = a == alert_state::firing ? 2 : a == alert_state::pending ? 1 : 0;
          alerts.add_gauge(v, {{"stage", st},
                               {"alert", t.rule().alert_name()},
                               {"severity", sev == alert_severity::alarm ? "critical" : "warning"}});
        }
    }
    for (auto* m : {&requests, &errors, &rate, &latency, &missing, &window, &num, &den, &alerts})
      f.push_back(std::move(*m));
    if (options_.process_metrics)
      for (auto& p : process_metric_families(read_process_metrics())) f.push_back(std::move(p));
    return f;
  }

  /// @brief The `/metrics` response for a scraper's Accept header (OpenMetrics when asked).
  metrics_response render(std::string_view accept) const { return render_metrics(accept, metric_families()); }

 private:
  static std::vector<stage_monitor> build(const std::vector<stage_options>& stages) {
    std::vector<stage_monitor> out;
    out.reserve(stages.size());
    for (const auto& o : stages) out.emplace_back(o);
    return out;
  }

  pipeline_options options_;
  std::vector<stage_monitor> stages_;
};

}  // namespace driftscope
