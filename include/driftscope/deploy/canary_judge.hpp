#pragma once
/// @file
/// @brief canary_judge: Kayenta-compatible automated canary analysis — per metric a
/// Mann–Whitney classification of the canary's samples against the baseline's (High / Low /
/// Pass / NoData), then a group-weighted score in [0, 100] and a pass / marginal / fail
/// verdict.
///
/// Reference behaviour: Netflix / Spinnaker Kayenta's NetflixACAJudge with its
/// MannWhitneyClassifier, IQRDetector and WeightedSumScorer (kayenta-judge); we follow their
/// documented semantics, not their code.
///
/// ## Per metric (classify_metric)
/// 1. NaN strategy: `replace` (Kayenta's default) turns NaN into 0 — an error counter with
///    no errors in an interval is 0, not missing; `remove` drops NaN. ±inf is refused.
/// 2. Outliers (opt-in, `remove_outliers`): Kayenta's IQRDetector(factor, reduceSensitivity
///    = true): values outside [min(p1, Q1 − f·IQR), max(p99, Q3 + f·IQR)] are dropped, with
///    percentiles by linear interpolation (numpy.percentile's default, Hyndman–Fan type 7);
///    f = `outlier_factor` (3.0).
/// 3. An empty arm: `nodata_fail` when the metric `must_have_data`; otherwise `nodata` under
///    the `remove` strategy and `pass` under `replace` (Kayenta: with NaN replaced, no
///    values at all is not evidence of a problem). Identical samples (as multisets) pass, so
///    does a single distinct value over both arms.
/// 4. The interval: hodges_lehmann() of canary against baseline at `confidence` (0.98) —
///    R's asymptotic wilcox.test interval, which Kayenta computes. With e the Hodges–Lehmann
///    estimate and bounds ±`tolerance`·|e| (0.25), the metric is High when the lower bound
///    is above tolerance·|e|, Low when the upper bound is below −tolerance·|e|, each only in
///    the allowed `direction` (increase / decrease / either) and only when the effect is
///    large enough: the mean ratio r = mean(canary) / mean(baseline) (1 when the baseline
///    mean is 0) must be >= `allowed_increase` for High and <= `allowed_decrease` for Low
///    (both 1.0 by default, i.e. no extra condition beyond the direction of the means).
///    Both arms constant at different values: the interval is [e, e] (Kayenta adds tiny
///    Gaussian noise first and gets the same verdict; we stay deterministic).
/// 5. Criticality: `critical` metrics fail the whole canary (score 0) when High beyond
///    `critical_increase` (mean ratio >= it), Low beyond `critical_decrease`, NoData or
///    NoDataFail; `report_only` metrics are classified and reported but not scored
///    (Kayenta's "muted" / report-only criticality).
///
/// ## Score (canary_judge::judge; Kayenta's WeightedSumScorer)
/// Per group: 100 · Pass / (Pass + High + Low + NoDataFail) over its scored metrics; a group
/// with none of those has no data and contributes nothing (its weight is not handed to the
/// others — Kayenta's rule, which makes missing data cost score). Summary: Σ weight_g ·
/// score_g / 100 with the configured group weights (percent); groups without a weight share
/// 100 − Σ configured weights equally. Any critical failure makes the score 0. Verdict:
/// score >= pass_threshold → pass, >= marginal_threshold → marginal, else fail.
///
/// Cost: per metric O((m + n) log(mn)) expected for the interval (no m·n array), plus sorting.

#include <driftscope/core/error.hpp>
#include <driftscope/core/json_writer.hpp>
#include <driftscope/stats/hodges_lehmann.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace driftscope {

/// @brief Which way a metric may move before it counts against the canary.
enum class metric_direction : std::uint8_t { either, increase, decrease };
/// @brief What to do with NaN samples.
enum class nan_strategy : std::uint8_t { replace, remove };
/// @brief How a metric weighs in the verdict.
enum class metric_criticality : std::uint8_t { normal, critical, report_only };
/// @brief A metric's classification (Kayenta's labels).
enum class metric_class : std::uint8_t { pass, high, low, nodata, nodata_fail };
/// @brief The canary's verdict from its score.
enum class canary_verdict : std::uint8_t { pass, marginal, fail };

inline const char* to_string(metric_direction d) noexcept {
  switch (d) {
    case metric_direction::increase: return "increase";
    case metric_direction::decrease: return "decrease";
    default: return "either";
  }
}
inline const char* to_string(nan_strategy s) noexcept { return s == nan_strategy::remove ? "remove" : "replace"; }
inline const char* to_string(metric_criticality c) noexcept {
  switch (c) {
    case metric_criticality::critical: return "critical";
    case metric_criticality::report_only: return "report_only";
    default: return "normal";
  }
}
/// Kayenta's spelling of the labels.
inline const char* to_string(metric_class c) noexcept {
  switch (c) {
    case metric_class::high: return "High";
    case metric_class::low: return "Low";
    case metric_class::nodata: return "Nodata";
    case metric_class::nodata_fail: return "NodataFailMetric";
    default: return "Pass";
  }
}
inline const char* to_string(canary_verdict v) noexcept {
  switch (v) {
    case canary_verdict::pass: return "pass";
    case canary_verdict::marginal: return "marginal";
    default: return "fail";
  }
}

/// @brief One metric's configuration (Kayenta's per-metric analysisConfigurations).
struct canary_metric_config {
  std::string name;                 ///< unique, non-empty
  std::vector<std::string> groups;  ///< score groups; empty means {"default"}
  metric_direction direction = metric_direction::either;
  nan_strategy nans = nan_strategy::replace;
  metric_criticality criticality = metric_criticality::normal;
  bool must_have_data = false;     ///< an empty arm is NodataFailMetric (a failure) instead of Nodata / Pass
  bool remove_outliers = false;    ///< IQR outlier removal on each arm
  double outlier_factor = 3.0;     ///< the IQR multiple, > 0
  double allowed_increase = 1.0;   ///< High needs mean ratio >= this, >= 1
  double allowed_decrease = 1.0;   ///< Low needs mean ratio <= this, in (0, 1]
  double critical_increase = 1.0;  ///< critical High fails the canary when ratio >= this
  double critical_decrease = 1.0;  ///< critical Low fails the canary when ratio <= this

  /// @brief The groups the metric is scored in: `groups`, or {"default"} when empty.
  std::vector<std::string> effective_groups() const {
    return groups.empty() ? std::vector<std::string>{"default"} : groups;
  }

  /// @throws std::invalid_argument naming the metric and the field.
  void validate() const {
    if (name.empty()) detail::throw_invalid_argument("canary metric: name must not be empty");
    for (const std::string& g : groups)
      if (g.empty()) detail::throw_invalid_argument("canary metric '{}': a group name is empty", name);
    if (!(outlier_factor > 0 && std::isfinite(outlier_factor)))
      detail::throw_invalid_argument("canary metric '{}': outlier_factor must be > 0, got {}", name, outlier_factor);
    if (!(allowed_increase >= 1 && std::isfinite(allowed_increase)))
      detail::throw_invalid_argument("canary metric '{}': allowed_increase must be >= 1, got {}", name,
                                     allowed_increase);
    if (!(allowed_decrease > 0 && allowed_decrease <= 1))
      detail::throw_invalid_argument("canary metric '{}': allowed_decrease must be in (0, 1], got {}", name,
                                     allowed_decrease);
    if (!(critical_increase >= 1 && std::isfinite(critical_increase)))
      detail::throw_invalid_argument("canary metric '{}': critical_increase must be >= 1, got {}", name,
                                     critical_increase);
    if (!(critical_decrease > 0 && critical_decrease <= 1))
      detail::throw_invalid_argument("canary metric '{}': critical_decrease must be in (0, 1], got {}", name,
                                     critical_decrease);
  }
};

/// @brief The Mann–Whitney classifier's parameters (Kayenta's NetflixACAJudge defaults).
struct mann_whitney_classifier_options {
  double tolerance = 0.25;   ///< bounds ±tolerance·|Hodges–Lehmann estimate|, >= 0
  double confidence = 0.98;  ///< two-sided interval level, in (0, 1)

  void validate() const {
    if (!(tolerance >= 0 && std::isfinite(tolerance)))
      detail::throw_invalid_argument("canary judge: tolerance must be >= 0, got {}", tolerance);
    if (!(confidence > 0 && confidence < 1))
      detail::throw_invalid_argument("canary judge: confidence must be in (0, 1), got {}", confidence);
  }
};

/// @brief Summary of one arm after the NaN and outlier transforms (Kayenta's stats).
struct arm_summary {
  std::size_t count = 0;     ///< values kept
  std::size_t nan = 0;       ///< NaN values replaced or removed
  std::size_t outliers = 0;  ///< values removed as outliers
  double mean = 0, median = 0, min = 0, max = 0;  ///< 0 for an empty arm (as Kayenta)
};

/// @brief One metric's result.
struct metric_result {
  std::string name;
  std::vector<std::string> groups;
  metric_class classification = metric_class::pass;
  std::string reason;                 ///< empty for a plain Pass
  metric_criticality criticality = metric_criticality::normal;
  bool critical_failure = false;      ///< this metric alone fails the canary
  double ratio = 1;                   ///< mean(canary) / mean(baseline), 1 when undefined
  hodges_lehmann_result interval;     ///< when the test ran (tested == true)
  bool tested = false;
  arm_summary canary, baseline;
};

namespace detail::canary {

/// Percentile p (0..100) of sorted values by linear interpolation (numpy's default).
inline double percentile(const std::vector<double>& s, double p) {
  const double h = static_cast<double>(s.size() - 1) * p / 100;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, s.size() - 1);
  return s[lo] + (h - static_cast<double>(lo)) * (s[hi] - s[lo]);
}

/// NaN strategy, ±inf check, sort, outlier removal; fills the arm's summary.
inline void prepare_arm(const canary_metric_config& m, const char* arm, const double* v, std::size_t n,
                        std::vector<double>& out, arm_summary& sum) {
  out.clear();
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double x = v[i];
    if (std::isnan(x)) {
      ++sum.nan;
      if (m.nans == nan_strategy::replace) out.push_back(0.0);
    } else if (std::isinf(x)) {
      detail::throw_invalid_argument("canary judge: metric '{}': the {} sample holds {} at index {}", m.name, arm,
                                     x, i);
    } else {
      out.push_back(x);
    }
  }
  std::sort(out.begin(), out.end());
  if (m.remove_outliers && out.size() > 1) {
    // Kayenta's IQRDetector with reduceSensitivity: fences widened to the 1st / 99th percentiles
    const double q1 = percentile(out, 25), q3 = percentile(out, 75), iqr = q3 - q1;
    const double lower = std::min(percentile(out, 1), q1 - m.outlier_factor * iqr);
    const double upper = std::max(percentile(out, 99), q3 + m.outlier_factor * iqr);
    const std::size_t before = out.size();
    out.erase(std::remove_if(out.begin(), out.end(), [&](double x) { return x < lower || x > upper; }), out.end());
    sum.outliers = before - out.size();
  }
  sum.count = out.size();
  if (!out.empty()) {
    double s = 0;
    for (double x : out) s += x;
    sum.mean = s / static_cast<double>(out.size());
    sum.median = percentile(out, 50);
    sum.min = out.front();
    sum.max = out.back();
  }
}

}  // namespace detail::canary

/**
 * @brief Classifies one metric, canary against baseline (see the file comment).
 * @throws std::invalid_argument for a bad configuration or a sample holding ±inf.
 */
inline metric_result classify_metric(const canary_metric_config& metric, const double* canary, std::size_t n_canary,
                                     const double* baseline, std::size_t n_baseline,
                                     const mann_whitney_classifier_options& options = {}) {
  metric.validate();
  options.validate();
  metric_result r;
  r.name = metric.name;
  r.groups = metric.effective_groups();
  r.criticality = metric.criticality;
  std::vector<double>& c = detail::thread_scratch<double, struct canary_arm>();
  std::vector<double>& b = detail::thread_scratch<double, struct baseline_arm>();
  detail::canary::prepare_arm(metric, "canary", canary, n_canary, c, r.canary);
  detail::canary::prepare_arm(metric, "baseline", baseline, n_baseline, b, r.baseline);
  const bool critical = metric.criticality == metric_criticality::critical;

  if (c.empty() || b.empty()) {
    const char* empty = c.empty() && b.empty() ? "both arms" : c.empty() ? "the canary" : "the baseline";
    if (metric.must_have_data) {
      r.classification = metric_class::nodata_fail;
      r.reason = fmt::format("{} has no data for {} (the metric must have data)", empty, metric.name);
    } else if (metric.nans == nan_strategy::remove) {
      r.classification = metric_class::nodata;
      r.reason = fmt::format("{} has no data for {}", empty, metric.name);
    } else {
      r.classification = metric_class::pass;
      r.reason = fmt::format("{} has no data for {} (NaN strategy replace: no values is not a failure)", empty,
                             metric.name);
    }
    r.critical_failure = critical && r.classification != metric_class::pass;
    return r;
  }
  if (c == b) {  // sorted: equal as multisets
    r.reason = fmt::format("the canary and baseline data of {} are identical", metric.name);
    return r;
  }
  if (c.front() == c.back() && b.front() == b.back() && c.front() == b.front()) return r;  // one value overall

  r.ratio = r.baseline.mean == 0 ? 1.0 : r.canary.mean / r.baseline.mean;
  r.interval = hodges_lehmann_sorted(c.data(), c.size(), b.data(), b.size(), options.confidence);
  r.tested = true;
  const double bound = options.tolerance * std::fabs(r.interval.estimate);
  const bool up_allowed = metric.direction != metric_direction::decrease;
  const bool down_allowed = metric.direction != metric_direction::increase;
  if (up_allowed && r.interval.lower > bound && r.ratio >= metric.allowed_increase) {
    r.classification = metric_class::high;
    r.critical_failure = critical && r.ratio >= metric.critical_increase;
  } else if (down_allowed && r.interval.upper < -bound && r.ratio <= metric.allowed_decrease) {
    r.classification = metric_class::low;
    r.critical_failure = critical && r.ratio <= metric.critical_decrease;
  }
  if (r.classification != metric_class::pass)
    r.reason = fmt::format("{} was classified as {}{}: shift {:.6g} in [{:.6g}, {:.6g}] ({:g} % interval), mean ratio "
                           "{:.4g}",
                           metric.name, to_string(r.classification), r.critical_failure ? " (critical)" : "",
                           r.interval.estimate, r.interval.lower, r.interval.upper, 100 * options.confidence, r.ratio);
  return r;
}

/// @brief A group's score.
struct group_score {
  std::string name;
  double score = 0;        ///< 100 · pass / scored, 0 without data
  double weight = 0;       ///< percent of the summary score
  bool no_data = true;     ///< no scored metric (Pass, High, Low, NodataFailMetric)
  std::size_t pass = 0, high = 0, low = 0, nodata = 0, nodata_fail = 0;
};

/// @brief The judge's result for one analysis interval.
struct judge_result {
  double score = 0;                        ///< in [0, 100]
  canary_verdict verdict = canary_verdict::fail;
  std::string reason;                      ///< why the verdict (critical metric, or the thresholds)
  bool critical_failure = false;
  std::vector<group_score> groups;         ///< in the order groups first appear in the config
  std::vector<metric_result> metrics;      ///< in the config's order
};

/// @brief The judge's configuration.
struct canary_judge_config {
  std::vector<canary_metric_config> metrics;   ///< at least one, unique names
  std::map<std::string, double> group_weights;  ///< percent per group; groups left out share the rest
  mann_whitney_classifier_options classifier;
  double pass_threshold = 95;                  ///< score >= this passes
  double marginal_threshold = 75;              ///< score >= this (and < pass) is marginal

  /// @throws std::invalid_argument naming the field (or the metric / group).
  void validate() const {
    if (metrics.empty()) detail::throw_invalid_argument("canary judge: metrics must not be empty");
    for (std::size_t i = 0; i < metrics.size(); ++i) {
      metrics[i].validate();
      for (std::size_t j = 0; j < i; ++j)
        if (metrics[j].name == metrics[i].name)
          detail::throw_invalid_argument("canary judge: metric '{}' is configured twice", metrics[i].name);
    }
    classifier.validate();
    if (!(marginal_threshold >= 0 && marginal_threshold <= pass_threshold && pass_threshold <= 100))
      detail::throw_invalid_argument(
          "canary judge: thresholds must satisfy 0 <= marginal_threshold <= pass_threshold <= 100, got marginal {} "
          "and pass {}",
          marginal_threshold, pass_threshold);
    double sum = 0;
    for (const auto& [group, w] : group_weights) {
      if (!(w >= 0 && std::isfinite(w)))
        detail::throw_invalid_argument("canary judge: group_weights['{}'] must be >= 0, got {}", group, w);
      bool used = false;
      for (const canary_metric_config& m : metrics) {
        const std::vector<std::string> g = m.effective_groups();
        used = used || std::find(g.begin(), g.end(), group) != g.end();
      }
      if (!used) detail::throw_invalid_argument("canary judge: group_weights names group '{}', which no metric has", group);
      sum += w;
    }
    if (sum > 100 + 1e-9)
      detail::throw_invalid_argument("canary judge: group_weights sum to {}, more than 100", sum);
  }
};

/// @brief One metric's samples for judge(): the canary's and the baseline's values.
struct metric_samples {
  std::string_view name;
  const double* canary = nullptr;
  std::size_t n_canary = 0;
  const double* baseline = nullptr;
  std::size_t n_baseline = 0;
};

/**
 * @brief Kayenta-compatible canary judge (see the file comment): classify every configured
 * metric, score the groups, weigh them, give the verdict.
 */
class canary_judge {
 public:
  /// @throws std::invalid_argument for a bad configuration (see canary_judge_config::validate).
  explicit canary_judge(canary_judge_config config) : config_(std::move(config)) { config_.validate(); }

  const canary_judge_config& config() const noexcept { return config_; }

  /// @brief Judges one interval; `data` holds every configured metric once, in any order.
  /// @throws std::invalid_argument for a metric missing from `data`, an unknown or repeated
  ///         name, or a sample holding ±inf.
  judge_result judge(const std::vector<metric_samples>& data) const {
    std::vector<const metric_samples*> by_metric(config_.metrics.size(), nullptr);
    for (const metric_samples& s : data) {
      const std::size_t i = index_of(s.name);
      if (by_metric[i]) detail::throw_invalid_argument("canary judge: metric '{}' is given twice", s.name);
      by_metric[i] = &s;
    }
    judge_result out;
    out.metrics.reserve(config_.metrics.size());
    for (std::size_t i = 0; i < config_.metrics.size(); ++i) {
      const metric_samples* s = by_metric[i];
      if (!s) detail::throw_invalid_argument("canary judge: no samples for metric '{}'", config_.metrics[i].name);
      out.metrics.push_back(
          classify_metric(config_.metrics[i], s->canary, s->n_canary, s->baseline, s->n_baseline, config_.classifier));
    }
    score(out);
    return out;
  }

 private:
  std::size_t index_of(std::string_view name) const {
    for (std::size_t i = 0; i < config_.metrics.size(); ++i)
      if (config_.metrics[i].name == name) return i;
    detail::throw_invalid_argument("canary judge: samples for metric '{}', which is not configured", name);
  }

  group_score& group(judge_result& out, const std::string& name) const {
    for (group_score& g : out.groups)
      if (g.name == name) return g;
    out.groups.push_back(group_score{});
    out.groups.back().name = name;
    return out.groups.back();
  }

  // Kayenta's WeightedSumScorer and ThresholdScoreClassifier.
  void score(judge_result& out) const {
    for (const canary_metric_config& m : config_.metrics)  // every group appears, in config order
      for (const std::string& g : m.effective_groups()) group(out, g);
    for (const metric_result& r : out.metrics) {
      if (r.criticality == metric_criticality::report_only) continue;
      for (const std::string& name : r.groups) {
        group_score& g = group(out, name);
        switch (r.classification) {
          case metric_class::pass: ++g.pass; break;
          case metric_class::high: ++g.high; break;
          case metric_class::low: ++g.low; break;
          case metric_class::nodata: ++g.nodata; break;
          case metric_class::nodata_fail: ++g.nodata_fail; break;
        }
      }
    }
    double configured = 0;
    std::size_t unweighted = 0;
    for (const group_score& g : out.groups) {
      const auto it = config_.group_weights.find(g.name);
      if (it != config_.group_weights.end()) configured += it->second;
      else ++unweighted;
    }
    const double share = unweighted ? std::max(0.0, 100 - configured) / static_cast<double>(unweighted) : 0.0;
    double total = 0;
    for (group_score& g : out.groups) {
      const auto it = config_.group_weights.find(g.name);
      g.weight = it != config_.group_weights.end() ? it->second : share;
      const std::size_t scored = g.pass + g.high + g.low + g.nodata_fail;
      g.no_data = scored == 0;
      g.score = g.no_data ? 0.0 : 100.0 * static_cast<double>(g.pass) / static_cast<double>(scored);
      if (!g.no_data) total += g.score * g.weight / 100;
    }
    out.score = std::min(100.0, std::max(0.0, total));
    for (const metric_result& r : out.metrics)
      if (r.critical_failure && r.criticality == metric_criticality::critical) {
        out.critical_failure = true;
        out.score = 0;
        out.verdict = canary_verdict::fail;
        out.reason = fmt::format("critical metric {} was classified as {}", r.name, to_string(r.classification));
        return;
      }
    if (out.score >= config_.pass_threshold) {
      out.verdict = canary_verdict::pass;
      out.reason = fmt::format("score {:.2f} >= pass threshold {:g}", out.score, config_.pass_threshold);
    } else if (out.score >= config_.marginal_threshold) {
      out.verdict = canary_verdict::marginal;
      out.reason = fmt::format("score {:.2f} is below the pass threshold {:g} but >= the marginal threshold {:g}",
                               out.score, config_.pass_threshold, config_.marginal_threshold);
    } else {
      out.verdict = canary_verdict::fail;
      out.reason = fmt::format("score {:.2f} < marginal threshold {:g}", out.score, config_.marginal_threshold);
    }
  }

  canary_judge_config config_;
};

/**
 * @brief JSON of a judge_result, for an HTTP metric provider (Argo Rollouts' `web` provider
 * reads it with jsonPath, e.g. `{$.score}` or `{$.pass}`; Flagger's webhooks read the
 * HTTP status their caller sets from "pass"):
 *
 * @code{.json}
 * {"score": 100.0, "verdict": "pass", "pass": true, "critical_failure": false,
 *  "reason": "score 100.00 >= pass threshold 95",
 *  "groups": [{"name": "latency", "score": 100.0, "weight": 50.0, "no_data": false}],
 *  "metrics": [{"name": "p99_ms", "classification": "Pass", "critical": false, "reason": "",
 *               "ratio": 1.01, "estimate": 0.3, "lower": -0.5, "upper": 1.1,
 *               "canary": {"count": 60, "mean": 101.2, "median": 100.9},
 *               "baseline": {"count": 60, "mean": 100.1, "median": 100.5}}]}
 * @endcode
 * "estimate" / "lower" / "upper" are null when the test did not run (NoData, identical data).
 */
inline std::string to_json(const judge_result& r) {
  namespace js = detail::json;
  js::buffer b;
  js::raw(b, "{");
  js::key(b, "score", true), js::number(b, r.score);
  js::key(b, "verdict"), js::string(b, to_string(r.verdict));
  js::key(b, "pass"), js::boolean(b, r.verdict == canary_verdict::pass);
  js::key(b, "critical_failure"), js::boolean(b, r.critical_failure);
  js::key(b, "reason"), js::string(b, r.reason);
  js::key(b, "groups"), js::array(b, r.groups, [](js::buffer& o, const group_score& g) {
    js::raw(o, "{");
    js::key(o, "name", true), js::string(o, g.name);
    js::key(o, "score"), js::number(o, g.score);
    js::key(o, "weight"), js::number(o, g.weight);
    js::key(o, "no_data"), js::boolean(o, g.no_data);
    js::raw(o, "}");
  });
  const auto arm = [](js::buffer& o, const arm_summary& a) {
    js::raw(o, "{");
    js::key(o, "count", true), js::integer(o, a.count);
    js::key(o, "mean"), js::number(o, a.mean);
    js::key(o, "median"), js::number(o, a.median);
    js::raw(o, "}");
  };
  js::key(b, "metrics"), js::array(b, r.metrics, [&](js::buffer& o, const metric_result& m) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    js::raw(o, "{");
    js::key(o, "name", true), js::string(o, m.name);
    js::key(o, "classification"), js::string(o, to_string(m.classification));
    js::key(o, "critical"), js::boolean(o, m.critical_failure);
    js::key(o, "reason"), js::string(o, m.reason);
    js::key(o, "ratio"), js::number(o, m.ratio);
    js::key(o, "estimate"), js::number(o, m.tested ? m.interval.estimate : nan);
    js::key(o, "lower"), js::number(o, m.tested ? m.interval.lower : nan);
    js::key(o, "upper"), js::number(o, m.tested ? m.interval.upper : nan);
    js::key(o, "canary"), arm(o, m.canary);
    js::key(o, "baseline"), arm(o, m.baseline);
    js::raw(o, "}");
  });
  js::raw(b, "}");
  return fmt::to_string(b);
}

}  // namespace driftscope
