#pragma once
// Shared binding of the online change detectors: bind_detector<D>() gives every detector
// class river's interface (update(x) -> None, drift_detected, warning_detected) plus
// update_many(array) -> DetectionResult (GIL released), reset(), to_bytes()/from_bytes()
// and pickle through the same bytes. Each register_detect_*.cpp adds the constructor
// (river's arguments and defaults, then nonfinite='raise'), parameters and state.

#include "bindings.hpp"

#include <driftscope/detect/detector.hpp>

#include <string>
#include <utility>

namespace driftscope::python {

/// The Python DetectionResult (registered once, in register_detectors).
struct py_detection_result {
  py::array_t<std::int64_t> drifts, warnings;
};

/// `nonfinite` from Python, with the detector's name in the message.
inline nonfinite_policy nonfinite_arg(const std::string& s, const char* detector) {
  return option_arg(parse_nonfinite_policy, s, detector);
}

/// An integer parameter that must fit int64 (Python ints are unbounded).
inline std::int64_t int_arg(py::handle v, const char* detector, const char* name) {
  if (!PyLong_Check(v.ptr()) || PyBool_Check(v.ptr()))
    value_error("{}: {} must be an integer, got {}", detector, name, std::string(py::repr(v)));
  const long long r = PyLong_AsLongLong(v.ptr());
  if (r == -1 && PyErr_Occurred()) {
    PyErr_Clear();
    value_error("{}: {} is out of range, got {}", detector, name, std::string(py::repr(v)));
  }
  return r;
}

/// Binds the shared interface of detector D as class `name` in module m and returns the
/// class so the caller adds py::init, parameters and state properties.
template <class D>
py::class_<D> bind_detector(py::module_& m, const char* name, const char* doc) {
  py::class_<D> cls(m, name, doc);
  cls.def(
         "update",
         [](D& d, double x) { d.update(x); },
         py::arg("x"),
         "Feeds one value; read drift_detected / warning_detected afterwards (as river).")
      .def(
          "update_many",
          [](D& d, py::handle x) {
            const array_1d a = as_array_1d(x, D::name, "x");
            detections out;
            {
              py::gil_scoped_release release;
              visit(a, [&](const auto* p) { d.update_many(p, a.size, out); });
            }
            return py_detection_result{to_int64_array(out.drifts), to_int64_array(out.warnings)};
          },
          py::arg("x"),
          "Feeds every value of a 1-D array (GIL released). Returns a DetectionResult with the\n"
          "0-based positions in x of drift and warning signals; same as calling update on each.")
      .def("reset", &D::reset, "Forgets everything seen; parameters are kept.")
      .def_property_readonly("drift_detected", &D::drift_detected, "Whether the last update signalled drift.")
      .def_property_readonly("warning_detected", &D::warning_detected,
                             "Whether the last update signalled a warning (always False without a warning zone).")
      .def_property_readonly(
          "nonfinite", [](const D& d) { return std::string(to_string(d.nonfinite())); },
          "'raise' (NaN / inf input raises ValueError) or 'skip' (such values are ignored).")
      .def("to_bytes",
           [](const D& d) {
             const auto b = d.serialize();
             return to_py_bytes(b);
           },
           "Parameters and state as versioned little-endian bytes.")
      .def_static(
          "from_bytes",
          [](const py::bytes& b) {
            const std::string s = b;
            return D::deserialize(s.data(), s.size());
          },
          py::arg("data"), "Restores a detector from to_bytes(); it continues exactly as the original.")
      .def(py::pickle(
          [](const D& d) {
            const auto b = d.serialize();
            return py::make_tuple(to_py_bytes(b));
          },
          [](const py::tuple& t) {
            if (t.size() != 1) value_error("{}: bad pickle state", D::name);
            const std::string s = t[0].cast<py::bytes>();
            return D::deserialize(s.data(), s.size());
          }))
      .def(
          "clone",
          [](const D& d) {
            D c(d);
            c.reset();
            return c;
          },
          "A fresh detector with the same parameters (river's clone()).")
      .def("__copy__", [](const D& d) { return D(d); })
      .def("__deepcopy__", [](const D& d, py::handle) { return D(d); }, py::arg("memo"));
  return cls;
}

}  // namespace driftscope::python
