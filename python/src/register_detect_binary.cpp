// Binary-stream detectors (1 = error) with river 0.26's drift.binary interface: DDM, EDDM,
// HDDM_A (river's HDDMA), HDDM_W (river's HDDMW), FHDDM. Shared interface from
// bind_detector; here the constructors (river's arguments and defaults, then
// nonfinite='raise'), parameters, state and repr.
//
// Declaration for bindings.hpp:  void register_detect_binary(py::module_& m);
#include "detector_bindings.hpp"

#include <driftscope/detect/ddm.hpp>
#include <driftscope/detect/eddm.hpp>
#include <driftscope/detect/fhddm.hpp>
#include <driftscope/detect/hddm_a.hpp>
#include <driftscope/detect/hddm_w.hpp>

#include <fmt/format.h>

#include <cmath>
#include <optional>

namespace driftscope::python {

namespace {

const char* py_bool(bool b) {
  return b ? "True" : "False";
}

/// A float argument that must be a real number (bool and str rejected with the name).
double float_arg(py::handle v, const char* detector, const char* name) {
  if (PyBool_Check(v.ptr()) || v.is_none())
    value_error("{}: {} must be a number, got {}", detector, name, std::string(py::repr(v)));
  const double r = PyFloat_AsDouble(v.ptr());
  if (r == -1.0 && PyErr_Occurred()) {
    PyErr_Clear();
    value_error("{}: {} must be a number, got {}", detector, name, std::string(py::repr(v)));
  }
  return r;
}

/// A bool argument (Python bool or numpy bool; not 0 / 1 / strings).
bool bool_arg(py::handle v, const char* detector, const char* name) {
  if (PyBool_Check(v.ptr())) return v.ptr() == Py_True;
  if (py::isinstance(v, py::module_::import("numpy").attr("bool_"))) return v.cast<bool>();
  value_error("{}: {} must be True or False, got {}", detector, name, std::string(py::repr(v)));
}

py::object nan_to_none(double v) {
  return std::isnan(v) ? py::object(py::none()) : py::object(py::float_(v));
}

void register_ddm(py::module_& m) {
  using D = ddm;
  bind_detector<D>(
      m, "DDM",
      "Drift Detection Method (Gama et al. 2004) for a binary error stream (1 = error): river's\n"
      "drift.binary.DDM with the same arguments, defaults, drift and warning indices.")
      .def(py::init([](py::handle warm_start, py::handle warning_threshold,
                       py::handle drift_threshold, const std::string& nonfinite) {
             return D(int_arg(warm_start, D::name, "warm_start"),
                      float_arg(warning_threshold, D::name, "warning_threshold"),
                      float_arg(drift_threshold, D::name, "drift_threshold"),
                      nonfinite_arg(nonfinite, D::name));
           }),
           py::arg("warm_start") = 30, py::arg("warning_threshold") = 2.0,
           py::arg("drift_threshold") = 3.0, py::arg("nonfinite") = "raise")
      .def_property_readonly("warm_start", &D::warm_start)
      .def_property_readonly("warning_threshold", &D::warning_threshold)
      .def_property_readonly("drift_threshold", &D::drift_threshold)
      .def_property_readonly("n", &D::n, "values since the last reset")
      .def_property_readonly("p", &D::p, "running error rate")
      .def_property_readonly("s", &D::s, "sqrt(p (1 - p) / n)")
      .def_property_readonly(
          "p_min", [](const D& d) { return nan_to_none(d.p_min()); },
          "p where p + s was smallest (None before warm_start)")
      .def_property_readonly(
          "s_min", [](const D& d) { return nan_to_none(d.s_min()); },
          "s where p + s was smallest (None before warm_start)")
      .def_property_readonly("ps_min", &D::ps_min, "p_min + s_min (inf before warm_start)")
      .def("__repr__", [](const D& d) {
        return fmt::format("DDM(warm_start={}, warning_threshold={}, drift_threshold={})",
                           d.warm_start(), float_repr(d.warning_threshold()),
                           float_repr(d.drift_threshold()));
      });
}

void register_eddm(py::module_& m) {
  using D = eddm;
  bind_detector<D>(
      m, "EDDM",
      "Early Drift Detection Method (Baena-Garcia et al. 2006) for a binary error stream (1 = "
      "error):\n"
      "river's drift.binary.EDDM with the same arguments, defaults, drift and warning indices.")
      .def(py::init([](py::handle warm_start, py::handle alpha, py::handle beta,
                       const std::string& nonfinite) {
             return D(int_arg(warm_start, D::name, "warm_start"),
                      float_arg(alpha, D::name, "alpha"), float_arg(beta, D::name, "beta"),
                      nonfinite_arg(nonfinite, D::name));
           }),
           py::arg("warm_start") = 30, py::arg("alpha") = 0.95, py::arg("beta") = 0.9,
           py::arg("nonfinite") = "raise")
      .def_property_readonly("warm_start", &D::warm_start)
      .def_property_readonly("alpha", &D::alpha)
      .def_property_readonly("beta", &D::beta)
      .def_property_readonly("n", &D::n, "values since the last reset")
      .def_property_readonly("n_errors", &D::n_errors, "errors since the last reset")
      .def_property_readonly("last_error", &D::last_error,
                             "1-based position of the last error since the reset (0: none)")
      .def_property_readonly("mean_distance", &D::mean_distance, "mean distance between errors")
      .def_property_readonly("var_distance", &D::var_distance,
                             "sample variance (ddof 1) of the distances")
      .def_property_readonly("p2s_prime_max", &D::p2s_prime_max,
                             "max of mean + 2 std of the distances (-1: none yet)")
      .def("__repr__", [](const D& d) {
        return fmt::format("EDDM(warm_start={}, alpha={}, beta={})", d.warm_start(),
                           float_repr(d.alpha()), float_repr(d.beta()));
      });
}

void register_hddm_a(py::module_& m) {
  using D = hddm_a;
  bind_detector<D>(
      m, "HDDM_A",
      "Drift detection from Hoeffding's bound on moving averages (Frias-Blanco et al. 2015) for a\n"
      "binary error stream (1 = error): river's drift.binary.HDDMA with the same arguments,\n"
      "defaults, drift and warning indices.")
      .def(py::init([](py::handle drift_confidence, py::handle warning_confidence,
                       py::handle two_sided_test, const std::string& nonfinite) {
             return D(float_arg(drift_confidence, D::name, "drift_confidence"),
                      float_arg(warning_confidence, D::name, "warning_confidence"),
                      bool_arg(two_sided_test, D::name, "two_sided_test"),
                      nonfinite_arg(nonfinite, D::name));
           }),
           py::arg("drift_confidence") = 0.001, py::arg("warning_confidence") = 0.005,
           py::arg("two_sided_test") = false, py::arg("nonfinite") = "raise")
      .def_property_readonly("drift_confidence", &D::drift_confidence)
      .def_property_readonly("warning_confidence", &D::warning_confidence)
      .def_property_readonly("two_sided_test", &D::two_sided_test)
      .def_property_readonly("n", &D::n, "values since the last reset")
      .def_property_readonly("mean", &D::mean, "error rate since the last reset")
      .def_property_readonly("x_min_n", &D::x_min_n, "count at the cut point for an increase")
      .def_property_readonly("x_min_mean", &D::x_min_mean, "mean at the cut point for an increase")
      .def_property_readonly("x_max_n", &D::x_max_n,
                             "count at the cut point for a decrease (two-sided only)")
      .def_property_readonly("x_max_mean", &D::x_max_mean,
                             "mean at the cut point for a decrease (two-sided only)")
      .def("__repr__", [](const D& d) {
        return fmt::format("HDDM_A(drift_confidence={}, warning_confidence={}, two_sided_test={})",
                           float_repr(d.drift_confidence()), float_repr(d.warning_confidence()),
                           py_bool(d.two_sided_test()));
      });
}

void register_hddm_w(py::module_& m) {
  using D = hddm_w;
  bind_detector<D>(
      m, "HDDM_W",
      "Drift detection from McDiarmid's bound on EW moving averages (Frias-Blanco et al. 2015) for "
      "a\n"
      "binary error stream (1 = error): river's drift.binary.HDDMW with the same arguments,\n"
      "defaults, drift and warning indices.")
      .def(py::init([](py::handle drift_confidence, py::handle warning_confidence,
                       py::handle lambda_val, py::handle two_sided_test,
                       const std::string& nonfinite) {
             return D(float_arg(drift_confidence, D::name, "drift_confidence"),
                      float_arg(warning_confidence, D::name, "warning_confidence"),
                      float_arg(lambda_val, D::name, "lambda_val"),
                      bool_arg(two_sided_test, D::name, "two_sided_test"),
                      nonfinite_arg(nonfinite, D::name));
           }),
           py::arg("drift_confidence") = 0.001, py::arg("warning_confidence") = 0.005,
           py::arg("lambda_val") = 0.05, py::arg("two_sided_test") = false,
           py::arg("nonfinite") = "raise")
      .def_property_readonly("drift_confidence", &D::drift_confidence)
      .def_property_readonly("warning_confidence", &D::warning_confidence)
      .def_property_readonly("lambda_val", &D::lambda_val)
      .def_property_readonly("two_sided_test", &D::two_sided_test)
      .def_property_readonly(
          "ewma", [](const D& d) { return d.total().ewma; },
          "EW mean of every value since the last reset")
      .def_property_readonly("incr_cutpoint", &D::incr_cutpoint,
                             "cut point of the increase test (inf: none yet)")
      .def_property_readonly("decr_cutpoint", &D::decr_cutpoint,
                             "cut point of the decrease test (-inf: none yet; two-sided only)")
      .def("__repr__", [](const D& d) {
        return fmt::format(
            "HDDM_W(drift_confidence={}, warning_confidence={}, lambda_val={}, two_sided_test={})",
            float_repr(d.drift_confidence()), float_repr(d.warning_confidence()),
            float_repr(d.lambda_val()), py_bool(d.two_sided_test()));
      });
}

void register_fhddm(py::module_& m) {
  using D = fhddm;
  bind_detector<D>(
      m, "FHDDM",
      "Fast Hoeffding Drift Detection Method (Pesaranghader & Viktor 2016; stacking variant with\n"
      "short_window_size) for a binary error stream (1 = error): river's drift.binary.FHDDM with\n"
      "the same arguments, defaults and drift indices. No warning zone. Memory: one byte per\n"
      "value of the sliding window.")
      .def(py::init([](py::handle sliding_window_size, py::handle confidence_level,
                       py::handle short_window_size, const std::string& nonfinite) {
             std::optional<std::int64_t> s;
             if (!short_window_size.is_none())
               s = int_arg(short_window_size, D::name, "short_window_size");
             return D(int_arg(sliding_window_size, D::name, "sliding_window_size"),
                      float_arg(confidence_level, D::name, "confidence_level"), s,
                      nonfinite_arg(nonfinite, D::name));
           }),
           py::arg("sliding_window_size") = 100, py::arg("confidence_level") = 0.000001,
           py::arg("short_window_size") = py::none(), py::arg("nonfinite") = "raise")
      .def_property_readonly("sliding_window_size", &D::sliding_window_size)
      .def_property_readonly("confidence_level", &D::confidence_level)
      .def_property_readonly("short_window_size",
                             [](const D& d) {
                               const auto s = d.short_window_size();
                               return s ? py::object(py::int_(*s)) : py::object(py::none());
                             })
      .def_property_readonly("n", &D::n, "values since the last reset")
      .def_property_readonly("n_one", &D::n_one, "ones in river's window after the last update")
      .def_property_readonly("u_max", &D::u_max, "largest window error rate since the last reset")
      .def_property_readonly("u_short_max", &D::u_short_max,
                             "largest short-window error rate (0 without one)")
      .def_property_readonly("epsilon", &D::epsilon, "Hoeffding bound of the sliding window")
      .def_property_readonly("epsilon_s", &D::epsilon_s,
                             "Hoeffding bound of the short window (0 without one)")
      .def("__repr__", [](const D& d) {
        const auto s = d.short_window_size();
        return fmt::format(
            "FHDDM(sliding_window_size={}, confidence_level={}, short_window_size={})",
            d.sliding_window_size(), float_repr(d.confidence_level()),
            s ? std::to_string(*s) : std::string("None"));
      });
}

}  // namespace

void register_detect_binary(py::module_& m) {
  register_ddm(m);
  register_eddm(m);
  register_hddm_a(m);
  register_hddm_w(m);
  register_fhddm(m);
  // river's spellings, for `from river.drift.binary import HDDMA` ports
  m.attr("HDDMA") = m.attr("HDDM_A");
  m.attr("HDDMW") = m.attr("HDDM_W");
}

}  // namespace driftscope::python
