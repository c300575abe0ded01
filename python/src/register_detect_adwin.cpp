// ADWIN (river's drift.ADWIN: same arguments, defaults, state names and detections).
//
// Declaration for bindings.hpp:  void register_detect_adwin(py::module_& m);
#include "detector_bindings.hpp"

#include <driftscope/detect/adwin.hpp>

#include <fmt/format.h>

namespace driftscope::python {

void register_detect_adwin(py::module_& m) {
  bind_detector<adwin>(
      m, "ADWIN",
      "ADaptive WINdowing change detector (Bifet & Gavalda, 2007): river's drift.ADWIN with the\n"
      "same arguments, defaults, state and detections. No warning zone.")
      .def(py::init([](double delta, py::handle clock, py::handle max_buckets,
                       py::handle min_window_length, py::handle grace_period,
                       const std::string& nonfinite) {
             return adwin(delta, int_arg(clock, adwin::name, "clock"),
                          int_arg(max_buckets, adwin::name, "max_buckets"),
                          int_arg(min_window_length, adwin::name, "min_window_length"),
                          int_arg(grace_period, adwin::name, "grace_period"),
                          nonfinite_arg(nonfinite, adwin::name));
           }),
           py::arg("delta") = 0.002, py::arg("clock") = 32, py::arg("max_buckets") = 5,
           py::arg("min_window_length") = 5, py::arg("grace_period") = 10,
           py::arg("nonfinite") = "raise")
      .def_property_readonly("delta", &adwin::delta)
      .def_property_readonly("clock", &adwin::clock)
      .def_property_readonly("max_buckets", &adwin::max_buckets)
      .def_property_readonly("min_window_length", &adwin::min_window_length)
      .def_property_readonly("grace_period", &adwin::grace_period)
      .def_property_readonly("width", &adwin::width, "Values in the window (a float, as river's).")
      .def_property_readonly("estimation", &adwin::estimation,
                             "Mean of the window (0.0 when empty).")
      .def_property_readonly(
          "variance", &adwin::variance,
          "river's variance: the sum of squared deviations from the mean over the window.")
      .def_property_readonly("total", &adwin::total, "Sum of the values in the window.")
      .def_property_readonly(
          "n_detections", &adwin::n_detections,
          "Detections since the last reset (as river: 1 right after a drift, else 0).")
      .def("__repr__", [](const adwin& d) {
        return fmt::format(
            "ADWIN(delta={}, clock={}, max_buckets={}, min_window_length={}, grace_period={})",
            float_repr(d.delta()), d.clock(), d.max_buckets(), d.min_window_length(),
            d.grace_period());
      });
}

}  // namespace driftscope::python
