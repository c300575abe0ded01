// Detector evaluation (detect/evaluation.hpp): the DetectionMetrics result and the two
// entry points driftscope.evaluate wraps — _detection_metrics (true drifts as start / end
// arrays, detections, n, max_delay) and _merge_detection_metrics (pooling).
//
// Declaration for bindings.hpp:  void register_evaluate(py::module_& m);
#include "bindings.hpp"

#include <driftscope/detect/evaluation.hpp>

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <vector>

namespace driftscope::python {

namespace {

constexpr const char* fn_name = "detection_metrics";

using i64_array = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

/// Non-negative int64 positions as uint64 (negatives named with their index).
std::vector<std::uint64_t> positions(const i64_array& a, const char* what) {
  if (a.ndim() != 1)
    value_error("{}: {} must be 1-D, got {}-D", fn_name, what, static_cast<long>(a.ndim()));
  const std::int64_t* p = a.data();
  std::vector<std::uint64_t> out(static_cast<std::size_t>(a.shape(0)));
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (p[i] < 0) value_error("{}: {}[{}] must be >= 0, got {}", fn_name, what, i, p[i]);
    out[i] = static_cast<std::uint64_t>(p[i]);
  }
  return out;
}

/// A Python int >= 1 (n, max_delay) as uint64; bools and non-integers are refused.
std::uint64_t count_arg(py::handle v, const char* name) {
  if (!PyLong_Check(v.ptr()) || PyBool_Check(v.ptr()))
    value_error("{}: {} must be an integer, got {}", fn_name, name, std::string(py::repr(v)));
  const long long r = PyLong_AsLongLong(v.ptr());
  if (r == -1 && PyErr_Occurred()) {
    PyErr_Clear();
    value_error("{}: {} is out of range, got {}", fn_name, name, std::string(py::repr(v)));
  }
  if (r < 1) value_error("{}: {} must be >= 1, got {}", fn_name, name, r);
  return static_cast<std::uint64_t>(r);
}

py::object optional_position(std::int64_t v) {
  return v < 0 ? py::object(py::none()) : py::object(py::int_(v));
}

py::list optional_positions(const std::vector<std::int64_t>& v) {
  py::list out;
  for (auto x : v) out.append(optional_position(x));
  return out;
}

py::object max_delay_py(const detection_metrics& m) {
  return m.max_delay == unbounded_delay ? py::object(py::none())
                                        : py::object(py::int_(m.max_delay));
}

detection_metrics evaluate_py(const i64_array& starts, const i64_array& ends,
                              const i64_array& detections, py::handle n, py::handle max_delay) {
  const auto s = positions(starts, "true_drifts");
  const auto e = positions(ends, "true_drifts");
  if (s.size() != e.size())
    value_error("{}: true_drifts starts and ends differ in length", fn_name);
  const auto d = positions(detections, "detections");
  const std::uint64_t nn = count_arg(n, "n");
  const std::uint64_t md =
      max_delay.is_none() ? unbounded_delay : count_arg(max_delay, "max_delay");
  std::vector<true_drift> drifts(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) drifts[i] = true_drift{s[i], e[i]};
  py::gil_scoped_release release;
  return detail::evaluate_detections(fn_name, drifts.data(), drifts.size(), d.data(), d.size(), nn,
                                     md);
}

py::dict to_dict(const detection_metrics& m) {
  py::dict d;
  d["mtd"] = m.mtd;
  d["mtfa"] = m.mtfa;
  d["mdr"] = m.mdr;
  d["mtr"] = m.mtr;
  d["true_positives"] = m.true_positives;
  d["false_positives"] = m.false_positives;
  d["false_negatives"] = m.false_negatives;
  d["precision"] = m.precision;
  d["recall"] = m.recall;
  d["f1"] = m.f1;
  d["false_alarms_per_1000"] = m.false_alarms_per_1000;
  d["n"] = m.n;
  d["n_drifts"] = m.n_drifts;
  d["n_detections"] = m.n_detections;
  d["max_delay"] = max_delay_py(m);
  d["delay_sum"] = m.delay_sum;
  d["detected_at"] = optional_positions(m.detected_at);
  d["delays"] = optional_positions(m.delays);
  return d;
}

}  // namespace

void register_evaluate(py::module_& m) {
  using dm = detection_metrics;
  py::class_<dm>(
      m, "DetectionMetrics",
      "How well detections found known drifts (driftscope.evaluate.detection_metrics):\n"
      "MTD, MTFA, MDR, MTR, counts, precision, recall, F1, false alarms per 1,000 values.")
      .def_readonly("mtd", &dm::mtd, "mean time to detection (NaN when nothing was detected)")
      .def_readonly("mtfa", &dm::mtfa,
                    "mean time between false alarms, n / false_positives (inf without any)")
      .def_readonly("mdr", &dm::mdr, "missed detection rate (NaN without true drifts)")
      .def_readonly("mtr", &dm::mtr, "mean time ratio MTFA / MTD * (1 - MDR)")
      .def_readonly("true_positives", &dm::true_positives, "detected drifts")
      .def_readonly("false_positives", &dm::false_positives, "false alarms")
      .def_readonly("false_negatives", &dm::false_negatives, "missed drifts")
      .def_readonly("precision", &dm::precision)
      .def_readonly("recall", &dm::recall)
      .def_readonly("f1", &dm::f1)
      .def_readonly("false_alarms_per_1000", &dm::false_alarms_per_1000)
      .def_readonly("n", &dm::n, "values in the stream(s)")
      .def_readonly("n_drifts", &dm::n_drifts)
      .def_readonly("n_detections", &dm::n_detections)
      .def_readonly("delay_sum", &dm::delay_sum, "sum of the delays of the detected drifts")
      .def_property_readonly("max_delay", &max_delay_py,
                             "detection window after a drift's end (None: unbounded)")
      .def_property_readonly(
          "detected_at", [](const dm& r) { return optional_positions(r.detected_at); },
          "per true drift: the position of the detection that found it, or None")
      .def_property_readonly(
          "delays", [](const dm& r) { return optional_positions(r.delays); },
          "per true drift: detection position - drift start, or None when missed")
      .def("to_dict", &to_dict, "The fields as a dict (floats may be NaN or inf).")
      .def("__repr__",
           [](const dm& r) {
             return fmt::format(
                 "DetectionMetrics(mtd={}, mtfa={}, mdr={}, mtr={}, true_positives={}, "
                 "false_positives={}, "
                 "false_negatives={}, precision={}, recall={}, f1={}, false_alarms_per_1000={}, "
                 "n={}, max_delay={})",
                 float_repr(r.mtd), float_repr(r.mtfa), float_repr(r.mdr), float_repr(r.mtr),
                 r.true_positives, r.false_positives, r.false_negatives, float_repr(r.precision),
                 float_repr(r.recall), float_repr(r.f1), float_repr(r.false_alarms_per_1000), r.n,
                 std::string(py::repr(max_delay_py(r))));
           })
      .def(py::pickle(
          [](const dm& r) {
            return py::make_tuple(1, r.n, r.max_delay, r.n_drifts, r.n_detections, r.true_positives,
                                  r.false_positives, r.false_negatives, r.delay_sum, r.detected_at,
                                  r.delays);
          },
          [](const py::tuple& t) {
            if (t.size() != 11 || t[0].cast<int>() != 1)
              value_error("DetectionMetrics: bad pickle state");
            dm r;
            r.n = t[1].cast<std::uint64_t>();
            r.max_delay = t[2].cast<std::uint64_t>();
            r.n_drifts = t[3].cast<std::uint64_t>();
            r.n_detections = t[4].cast<std::uint64_t>();
            r.true_positives = t[5].cast<std::uint64_t>();
            r.false_positives = t[6].cast<std::uint64_t>();
            r.false_negatives = t[7].cast<std::uint64_t>();
            r.delay_sum = t[8].cast<std::uint64_t>();
            r.detected_at = t[9].cast<std::vector<std::int64_t>>();
            r.delays = t[10].cast<std::vector<std::int64_t>>();
            if (r.true_positives + r.false_negatives != r.n_drifts ||
                r.true_positives + r.false_positives != r.n_detections ||
                r.detected_at.size() != r.n_drifts || r.delays.size() != r.n_drifts)
              value_error("DetectionMetrics: inconsistent pickle state");
            detail::finish_detection_metrics(r);
            return r;
          }));

  m.def("_detection_metrics", &evaluate_py, py::arg("starts"), py::arg("ends"),
        py::arg("detections"), py::arg("n"), py::arg("max_delay"),
        "Low-level entry of driftscope.evaluate.detection_metrics: true drifts as int64 start / "
        "end arrays.");
  m.def(
      "_merge_detection_metrics", [](const dm& a, const dm& b) { return merge(a, b); },
      py::arg("a"), py::arg("b"), "Pools two DetectionMetrics (counts, delays and lengths add).");
}

}  // namespace driftscope::python
