// Online change detectors, shared part: DetectionResult and PageHinkley. Each group of
// detectors registers itself from its own register_detect_*.cpp through bind_detector.
//
// Declaration for bindings.hpp:  void register_detectors(py::module_& m);
#include "detector_bindings.hpp"

#include <driftscope/detect/page_hinkley.hpp>

#include <fmt/format.h>

namespace driftscope::python {

void register_detectors(py::module_& m) {
  py::class_<py_detection_result>(m, "DetectionResult",
                                  "Positions (0-based, in the array given to update_many) of drift and warning signals.")
      .def_readonly("drifts", &py_detection_result::drifts, "int64 positions of drift signals")
      .def_readonly("warnings", &py_detection_result::warnings, "int64 positions of warning signals")
      .def("__repr__", [](const py_detection_result& r) {
        return fmt::format("DetectionResult(drifts={}, warnings={})", std::string(py::repr(r.drifts)),
                           std::string(py::repr(r.warnings)));
      });

  using ph = page_hinkley;
  bind_detector<ph>(m, "PageHinkley",
                    "Page-Hinkley test for a change in the mean (river's drift.PageHinkley: same arguments,\n"
                    "defaults and detections). No warning zone.")
      .def(py::init([](py::handle min_instances, double delta, double threshold, double alpha, const std::string& mode,
                       const std::string& nonfinite) {
             return ph(int_arg(min_instances, ph::name, "min_instances"), delta, threshold, alpha,
                       option_arg(ph::parse_mode, mode, ph::name), nonfinite_arg(nonfinite, ph::name));
           }),
           py::arg("min_instances") = 30, py::arg("delta") = 0.005, py::arg("threshold") = 50.0,
           py::arg("alpha") = 1 - 0.0001, py::arg("mode") = "both", py::arg("nonfinite") = "raise")
      .def_property_readonly("min_instances", &ph::min_instances)
      .def_property_readonly("delta", &ph::delta)
      .def_property_readonly("threshold", &ph::threshold)
      .def_property_readonly("alpha", &ph::alpha)
      .def_property_readonly("mode",
                             [](const ph& d) {
                               return d.mode() == ph::mode_t::up ? "up" : d.mode() == ph::mode_t::down ? "down" : "both";
                             })
      .def_property_readonly("n", &ph::n, "values since the last reset")
      .def_property_readonly("mean", &ph::mean)
      .def_property_readonly("sum_increase", &ph::sum_increase)
      .def_property_readonly("sum_decrease", &ph::sum_decrease)
      .def_property_readonly("min_increase", &ph::min_increase)
      .def_property_readonly("max_decrease", &ph::max_decrease)
      .def("__repr__", [](const ph& d) {
        return fmt::format("PageHinkley(min_instances={}, delta={}, threshold={}, alpha={}, mode='{}')",
                           d.min_instances(), float_repr(d.delta()), float_repr(d.threshold()), float_repr(d.alpha()),
                           d.mode() == ph::mode_t::up ? "up" : d.mode() == ph::mode_t::down ? "down" : "both");
      });
}

}  // namespace driftscope::python
