// driftscope.deploy canary analysis: CanaryMetric, CanaryJudge, JudgeResult, MetricResult,
// GroupScore, ArmSummary (deploy/canary_judge.hpp), CanaryAnalysis (deploy/canary_analysis.hpp);
// driftscope.stats.hodges_lehmann (stats/hodges_lehmann.hpp).
#include "bindings.hpp"

#include <driftscope/deploy/canary_analysis.hpp>
#include <driftscope/deploy/canary_exposition.hpp>
#include <driftscope/deploy/canary_judge.hpp>
#include <driftscope/stats/hodges_lehmann.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace driftscope::python {
namespace {

template <class E, std::size_t N>
E enum_arg(const std::string& s, const std::pair<const char*, E> (&names)[N], const char* fn, const char* what) {
  std::string allowed;
  for (const auto& [name, value] : names) {
    if (s == name) return value;
    allowed += allowed.empty() ? "'" : ", '";
    allowed += name;
    allowed += "'";
  }
  value_error("{}: {} must be one of {}, got '{}'", fn, what, allowed, s);
}

constexpr std::pair<const char*, metric_direction> direction_names[] = {
    {"either", metric_direction::either}, {"increase", metric_direction::increase},
    {"decrease", metric_direction::decrease}};
constexpr std::pair<const char*, nan_strategy> nan_names[] = {{"replace", nan_strategy::replace},
                                                              {"remove", nan_strategy::remove}};
constexpr std::pair<const char*, metric_criticality> criticality_names[] = {
    {"normal", metric_criticality::normal}, {"critical", metric_criticality::critical},
    {"report_only", metric_criticality::report_only}};

/// A float64 copy-free view of a 1-D numeric argument (converted when it is not float64).
array_1d samples_arg(py::handle x, const char* fn, const char* name) {
  return as_float64(as_array_1d(x, fn, name));
}

}  // namespace

void register_canary_judge(py::module_& m) {
  py::class_<hodges_lehmann_result>(m, "HodgesLehmannResult",
                                    "Hodges-Lehmann shift and its Mann-Whitney interval (driftscope.stats).")
      .def_readonly("estimate", &hodges_lehmann_result::estimate)
      .def_readonly("lower", &hodges_lehmann_result::lower)
      .def_readonly("upper", &hodges_lehmann_result::upper)
      .def_readonly("confidence", &hodges_lehmann_result::confidence)
      .def_readonly("n1", &hodges_lehmann_result::n1)
      .def_readonly("n2", &hodges_lehmann_result::n2)
      .def("__repr__", [](const hodges_lehmann_result& r) {
        return fmt::format("HodgesLehmannResult(estimate={}, lower={}, upper={}, confidence={})", r.estimate,
                           r.lower, r.upper, r.confidence);
      });
  m.def(
      "hodges_lehmann",
      [](py::handle x, py::handle y, double confidence) {
        const array_1d a = samples_arg(x, "hodges_lehmann", "x"), b = samples_arg(y, "hodges_lehmann", "y");
        py::gil_scoped_release release;
        return hodges_lehmann(a.data<double>(), a.size, b.data<double>(), b.size, confidence);
      },
      py::arg("x"), py::arg("y"), py::arg("confidence") = 0.95,
      "Hodges-Lehmann shift of x against y with R's asymptotic wilcox.test interval.");

  py::class_<canary_metric_config>(m, "CanaryMetric", "One metric of a canary analysis (driftscope.deploy).")
      .def(py::init([](std::string name, py::object groups, const std::string& direction, const std::string& nans,
                       const std::string& criticality, bool must_have_data, bool remove_outliers,
                       double outlier_factor, double allowed_increase, double allowed_decrease,
                       double critical_increase, double critical_decrease) {
             static constexpr const char* fn = "CanaryMetric";
             canary_metric_config c;
             c.name = std::move(name);
             if (py::isinstance<py::str>(groups)) c.groups = {groups.cast<std::string>()};
             else if (!groups.is_none()) c.groups = groups.cast<std::vector<std::string>>();
             c.direction = enum_arg(direction, direction_names, fn, "direction");
             c.nans = enum_arg(nans, nan_names, fn, "nan_strategy");
             c.criticality = enum_arg(criticality, criticality_names, fn, "criticality");
             c.must_have_data = must_have_data;
             c.remove_outliers = remove_outliers;
             c.outlier_factor = outlier_factor;
             c.allowed_increase = allowed_increase;
             c.allowed_decrease = allowed_decrease;
             c.critical_increase = critical_increase;
             c.critical_decrease = critical_decrease;
             c.validate();
             return c;
           }),
           py::arg("name"), py::arg("groups") = py::none(), py::arg("direction") = "either",
           py::arg("nan_strategy") = "replace", py::arg("criticality") = "normal", py::arg("must_have_data") = false,
           py::arg("remove_outliers") = false, py::arg("outlier_factor") = 3.0, py::arg("allowed_increase") = 1.0,
           py::arg("allowed_decrease") = 1.0, py::arg("critical_increase") = 1.0, py::arg("critical_decrease") = 1.0)
      .def_readonly("name", &canary_metric_config::name)
      .def_property_readonly("groups", &canary_metric_config::effective_groups)
      .def_property_readonly("direction", [](const canary_metric_config& c) { return to_string(c.direction); })
      .def_property_readonly("nan_strategy", [](const canary_metric_config& c) { return to_string(c.nans); })
      .def_property_readonly("criticality", [](const canary_metric_config& c) { return to_string(c.criticality); })
      .def_readonly("must_have_data", &canary_metric_config::must_have_data)
      .def_readonly("remove_outliers", &canary_metric_config::remove_outliers)
      .def_readonly("outlier_factor", &canary_metric_config::outlier_factor)
      .def_readonly("allowed_increase", &canary_metric_config::allowed_increase)
      .def_readonly("allowed_decrease", &canary_metric_config::allowed_decrease)
      .def_readonly("critical_increase", &canary_metric_config::critical_increase)
      .def_readonly("critical_decrease", &canary_metric_config::critical_decrease)
      .def("__repr__", [](const canary_metric_config& c) {
        return fmt::format("CanaryMetric('{}', direction='{}', criticality='{}')", c.name, to_string(c.direction),
                           to_string(c.criticality));
      });

  py::class_<arm_summary>(m, "ArmSummary", "One arm's values after the NaN and outlier transforms.")
      .def_readonly("count", &arm_summary::count)
      .def_readonly("nan", &arm_summary::nan)
      .def_readonly("outliers", &arm_summary::outliers)
      .def_readonly("mean", &arm_summary::mean)
      .def_readonly("median", &arm_summary::median)
      .def_readonly("min", &arm_summary::min)
      .def_readonly("max", &arm_summary::max);

  py::class_<metric_result>(m, "MetricResult", "One metric's classification (Pass / High / Low / Nodata / NodataFailMetric).")
      .def_readonly("name", &metric_result::name)
      .def_readonly("groups", &metric_result::groups)
      .def_property_readonly("classification", [](const metric_result& r) { return to_string(r.classification); })
      .def_readonly("reason", &metric_result::reason)
      .def_property_readonly("criticality", [](const metric_result& r) { return to_string(r.criticality); })
      .def_readonly("critical_failure", &metric_result::critical_failure)
      .def_readonly("ratio", &metric_result::ratio)
      .def_readonly("tested", &metric_result::tested)
      .def_property_readonly("estimate", [](const metric_result& r) { return r.tested ? r.interval.estimate : NAN; })
      .def_property_readonly("lower", [](const metric_result& r) { return r.tested ? r.interval.lower : NAN; })
      .def_property_readonly("upper", [](const metric_result& r) { return r.tested ? r.interval.upper : NAN; })
      .def_readonly("canary", &metric_result::canary)
      .def_readonly("baseline", &metric_result::baseline)
      .def("__repr__", [](const metric_result& r) {
        return fmt::format("MetricResult('{}', {}, ratio={:.4g})", r.name, to_string(r.classification), r.ratio);
      });

  py::class_<group_score>(m, "GroupScore", "A metric group's score.")
      .def_readonly("name", &group_score::name)
      .def_readonly("score", &group_score::score)
      .def_readonly("weight", &group_score::weight)
      .def_readonly("no_data", &group_score::no_data)
      .def_readonly("n_pass", &group_score::pass)
      .def_readonly("n_high", &group_score::high)
      .def_readonly("n_low", &group_score::low)
      .def_readonly("n_nodata", &group_score::nodata)
      .def_readonly("n_nodata_fail", &group_score::nodata_fail)
      .def("__repr__", [](const group_score& g) {
        return fmt::format("GroupScore('{}', score={:.2f}, weight={:g})", g.name, g.score, g.weight);
      });

  py::class_<judge_result>(m, "JudgeResult", "The canary judge's result for one interval.")
      .def_readonly("score", &judge_result::score)
      .def_property_readonly("verdict", [](const judge_result& r) { return to_string(r.verdict); })
      .def_readonly("reason", &judge_result::reason)
      .def_readonly("critical_failure", &judge_result::critical_failure)
      .def_readonly("groups", &judge_result::groups)
      .def_readonly("metrics", &judge_result::metrics)
      .def("to_json", [](const judge_result& r) { return to_json(r); })
      .def("to_dict", [](const judge_result& r) { return py::module_::import("json").attr("loads")(to_json(r)); })
      .def(
          "metric_families",
          [](const judge_result& r, const std::string& canary) { return canary_metric_families(r, canary); },
          py::arg("canary") = "canary",
          "The result as Prometheus metric families (driftscope_canary_score{canary=...}, ...).")
      .def("__repr__", [](const judge_result& r) {
        return fmt::format("JudgeResult(score={:.2f}, verdict='{}')", r.score, to_string(r.verdict));
      });

  py::class_<canary_judge>(m, "CanaryJudge", "Kayenta-compatible canary judge (driftscope.deploy).")
      .def(py::init([](std::vector<canary_metric_config> metrics, std::map<std::string, double> group_weights,
                       double tolerance, double confidence, double pass_threshold, double marginal_threshold) {
             canary_judge_config c;
             c.metrics = std::move(metrics);
             c.group_weights = std::move(group_weights);
             c.classifier.tolerance = tolerance;
             c.classifier.confidence = confidence;
             c.pass_threshold = pass_threshold;
             c.marginal_threshold = marginal_threshold;
             return canary_judge(std::move(c));
           }),
           py::arg("metrics"), py::arg("group_weights") = std::map<std::string, double>{},
           py::arg("tolerance") = 0.25, py::arg("confidence") = 0.98, py::arg("pass_threshold") = 95.0,
           py::arg("marginal_threshold") = 75.0)
      .def_property_readonly("metrics", [](const canary_judge& j) { return j.config().metrics; })
      .def_property_readonly("group_weights", [](const canary_judge& j) { return j.config().group_weights; })
      .def_property_readonly("tolerance", [](const canary_judge& j) { return j.config().classifier.tolerance; })
      .def_property_readonly("confidence", [](const canary_judge& j) { return j.config().classifier.confidence; })
      .def_property_readonly("pass_threshold", [](const canary_judge& j) { return j.config().pass_threshold; })
      .def_property_readonly("marginal_threshold",
                             [](const canary_judge& j) { return j.config().marginal_threshold; })
      .def(
          "judge",
          [](const canary_judge& j, const py::dict& data) {
            static constexpr const char* fn = "CanaryJudge.judge";
            std::vector<std::string> names;
            std::vector<array_1d> arrays;
            names.reserve(data.size());
            arrays.reserve(2 * data.size());
            for (const auto& [key, value] : data) {
              if (!py::isinstance<py::str>(key)) value_error("{}: data keys must be metric names (str)", fn);
              names.push_back(key.cast<std::string>());
              const py::sequence pair = py::reinterpret_borrow<py::sequence>(value);
              if (!py::isinstance<py::sequence>(value) || py::len(pair) != 2)
                value_error("{}: data['{}'] must be a pair (canary, baseline)", fn, names.back());
              arrays.push_back(samples_arg(pair[0], fn, "canary"));
              arrays.push_back(samples_arg(pair[1], fn, "baseline"));
            }
            std::vector<metric_samples> samples(names.size());
            for (std::size_t i = 0; i < names.size(); ++i)
              samples[i] = {names[i], arrays[2 * i].data<double>(), arrays[2 * i].size,
                            arrays[2 * i + 1].data<double>(), arrays[2 * i + 1].size};
            py::gil_scoped_release release;
            return j.judge(samples);
          },
          py::arg("data"), "Judges one interval: data maps each metric name to (canary, baseline) samples.")
      .def(
          "classify",
          [](const canary_judge& j, const std::string& name, py::handle canary, py::handle baseline) {
            static constexpr const char* fn = "CanaryJudge.classify";
            for (const canary_metric_config& c : j.config().metrics)
              if (c.name == name) {
                const array_1d a = samples_arg(canary, fn, "canary"), b = samples_arg(baseline, fn, "baseline");
                py::gil_scoped_release release;
                return classify_metric(c, a.data<double>(), a.size, b.data<double>(), b.size, j.config().classifier);
              }
            value_error("{}: metric '{}' is not configured", fn, name);
          },
          py::arg("name"), py::arg("canary"), py::arg("baseline"), "Classifies one configured metric.");

  py::class_<canary_analysis>(m, "CanaryAnalysis", "A canary run over analysis intervals (driftscope.deploy).")
      .def(py::init([](std::uint32_t intervals, double pass_threshold, double marginal_threshold) {
             return canary_analysis(canary_analysis_options{intervals, pass_threshold, marginal_threshold});
           }),
           py::arg("intervals"), py::arg("pass_threshold") = 95.0, py::arg("marginal_threshold") = 75.0)
      .def(
          "add", [](canary_analysis& a, const judge_result& r) { return to_string(a.add(r)); }, py::arg("result"))
      .def(
          "add",
          [](canary_analysis& a, double score, bool critical_failure) {
            return to_string(a.add(score, critical_failure));
          },
          py::arg("score"), py::arg("critical_failure") = false)
      .def_property_readonly("state", [](const canary_analysis& a) { return to_string(a.state()); })
      .def_property_readonly("reason", &canary_analysis::reason)
      .def_property_readonly("scores", &canary_analysis::scores)
      .def_property_readonly("intervals", [](const canary_analysis& a) { return a.options().intervals; })
      .def("__repr__", [](const canary_analysis& a) {
        return fmt::format("CanaryAnalysis(state='{}', intervals={}/{})", to_string(a.state()), a.scores().size(),
                           a.options().intervals);
      });
}

}  // namespace driftscope::python
