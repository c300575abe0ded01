#pragma once
/// @file
/// @brief The canary judge's result as Prometheus / OpenMetrics metric families, so a
/// Flagger MetricTemplate (provider prometheus), an alert rule or a dashboard reads the same
/// score the JSON endpoint serves.
///
/// | family                                 | type     | labels            | value                          |
/// |----------------------------------------|----------|-------------------|--------------------------------|
/// | driftscope_canary_score                | gauge    | canary            | summary score in [0, 100]      |
/// | driftscope_canary_verdict              | stateset | canary            | pass / marginal / fail         |
/// | driftscope_canary_critical_failure     | gauge    | canary            | 1 when a critical metric failed |
/// | driftscope_canary_group_score          | gauge    | canary, group     | the group's score              |
/// | driftscope_canary_metric_classification | stateset | canary, metric   | Pass / High / Low / Nodata / NodataFailMetric |
/// | driftscope_canary_metric_ratio         | gauge    | canary, metric    | mean(canary) / mean(baseline)  |
///
/// Flagger, for example, checks `driftscope_canary_score{canary="podinfo"}` against a
/// thresholdRange `min: 95` (examples/flagger/).

#include <driftscope/deploy/canary_judge.hpp>
#include <driftscope/monitor/exposition.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace driftscope {

/**
 * @brief The families of the table above for one judged interval.
 * @param canary the `canary` label's value (the rollout's or the model's name).
 * @throws std::invalid_argument for label values that are not valid UTF-8.
 */
inline std::vector<metric_family> canary_metric_families(const judge_result& r, std::string_view canary) {
  const std::string name(canary);
  std::vector<metric_family> out;
  out.push_back(metric_family::gauge("driftscope_canary_score", "Canary judge's summary score in [0, 100]"));
  out.back().add_gauge(r.score, {{"canary", name}});
  out.push_back(metric_family::stateset("driftscope_canary_verdict", "Canary judge's verdict",
                                        {"pass", "marginal", "fail"}));
  out.back().add_stateset({to_string(r.verdict)}, {{"canary", name}});
  out.push_back(metric_family::gauge("driftscope_canary_critical_failure",
                                     "1 when a critical metric failed the canary, else 0"));
  out.back().add_gauge(r.critical_failure ? 1.0 : 0.0, {{"canary", name}});
  auto groups = metric_family::gauge("driftscope_canary_group_score", "Score of a metric group in [0, 100]");
  for (const group_score& g : r.groups) groups.add_gauge(g.score, {{"canary", name}, {"group", g.name}});
  out.push_back(std::move(groups));
  auto classes = metric_family::stateset("driftscope_canary_metric_classification",
                                         "Classification of a canary metric against the baseline",
                                         {"Pass", "High", "Low", "Nodata", "NodataFailMetric"});
  auto ratios =
      metric_family::gauge("driftscope_canary_metric_ratio", "Mean of the canary over the mean of the baseline");
  for (const metric_result& m : r.metrics) {
    classes.add_stateset({to_string(m.classification)}, {{"canary", name}, {"metric", m.name}});
    ratios.add_gauge(m.ratio, {{"canary", name}, {"metric", m.name}});
  }
  out.push_back(std::move(classes));
  out.push_back(std::move(ratios));
  return out;
}

}  // namespace driftscope
