// The detectors from MOA that river lacks: CUSUM and GeometricMovingAverage (real-valued,
// driftscope.drift) and EWMAChart (ECDD), STEPD and RDDM (binary, driftscope.drift.binary),
// with MOA's defaults and snake_case argument names following river where river has the
// same notion (threshold, min_instances, lambd, warning_threshold, drift_threshold).
//
// Declaration for bindings.hpp:  void register_detect_moa(py::module_& m);
#include "detector_bindings.hpp"

#include <driftscope/detect/cusum.hpp>
#include <driftscope/detect/ewma_chart.hpp>
#include <driftscope/detect/geometric_moving_average.hpp>
#include <driftscope/detect/rddm.hpp>
#include <driftscope/detect/stepd.hpp>

#include <fmt/format.h>

namespace driftscope::python {

void register_detect_moa(py::module_& m) {
  bind_detector<cusum>(m, "CUSUM",
                       "CUSUM test for an increase in the mean (MOA's CusumDM: same rule and defaults).\n"
                       "S = max(0, S + x - mean - delta); drift when S > threshold, once min_instances - 1\n"
                       "values were seen. No warning zone.")
      .def(py::init([](py::handle min_instances, double delta, double threshold, const std::string& nonfinite) {
             return cusum(int_arg(min_instances, cusum::name, "min_instances"), delta, threshold,
                          nonfinite_arg(nonfinite, cusum::name));
           }),
           py::arg("min_instances") = 30, py::arg("delta") = 0.005, py::arg("threshold") = 50.0,
           py::arg("nonfinite") = "raise")
      .def_property_readonly("min_instances", &cusum::min_instances)
      .def_property_readonly("delta", &cusum::delta)
      .def_property_readonly("threshold", &cusum::threshold)
      .def_property_readonly("n", &cusum::n, "values since the last reset")
      .def_property_readonly("mean", &cusum::mean)
      .def_property_readonly("sum", &cusum::sum, "the cumulative sum S")
      .def("__repr__", [](const cusum& d) {
        return fmt::format("CUSUM(min_instances={}, delta={}, threshold={})", d.min_instances(), float_repr(d.delta()),
                           float_repr(d.threshold()));
      });

  using gma = geometric_moving_average;
  bind_detector<gma>(m, "GeometricMovingAverage",
                     "Geometric moving average test for an increase in the mean (MOA's\n"
                     "GeometricMovingAverageDM: same rule and defaults). G = alpha*G + (1-alpha)*(x - mean);\n"
                     "drift when G > threshold, once min_instances - 1 values were seen. No warning zone.")
      .def(py::init([](py::handle min_instances, double threshold, double alpha, const std::string& nonfinite) {
             return gma(int_arg(min_instances, gma::name, "min_instances"), threshold, alpha,
                        nonfinite_arg(nonfinite, gma::name));
           }),
           py::arg("min_instances") = 30, py::arg("threshold") = 1.0, py::arg("alpha") = 0.99,
           py::arg("nonfinite") = "raise")
      .def_property_readonly("min_instances", &gma::min_instances)
      .def_property_readonly("threshold", &gma::threshold)
      .def_property_readonly("alpha", &gma::alpha)
      .def_property_readonly("n", &gma::n, "values since the last reset")
      .def_property_readonly("mean", &gma::mean)
      .def_property_readonly("sum", &gma::sum, "the geometric moving average G of the deviations")
      .def("__repr__", [](const gma& d) {
        return fmt::format("GeometricMovingAverage(min_instances={}, threshold={}, alpha={})", d.min_instances(),
                           float_repr(d.threshold()), float_repr(d.alpha()));
      });

  bind_detector<ewma_chart>(m, "EWMAChart",
                            "ECDD, the EWMA chart of Ross et al. (2012) on a binary error stream (MOA's\n"
                            "EWMAChartDM: same rule, defaults and control limit for an average run length of 400).\n"
                            "Input: 0 (correct) or 1 (error).")
      .def(py::init([](py::handle min_instances, double lambd, const std::string& nonfinite) {
             return ewma_chart(int_arg(min_instances, ewma_chart::name, "min_instances"), lambd,
                               nonfinite_arg(nonfinite, ewma_chart::name));
           }),
           py::arg("min_instances") = 30, py::arg("lambd") = 0.2, py::arg("nonfinite") = "raise")
      .def_property_readonly("min_instances", &ewma_chart::min_instances)
      .def_property_readonly("lambd", &ewma_chart::lambd)
      .def_property_readonly("n", &ewma_chart::n, "values since the last reset")
      .def_property_readonly("errors", &ewma_chart::errors, "errors since the last reset")
      .def_property_readonly("error_rate", &ewma_chart::error_rate)
      .def_property_readonly("z", &ewma_chart::z, "the EWMA of the errors")
      .def("__repr__", [](const ewma_chart& d) {
        return fmt::format("EWMAChart(min_instances={}, lambd={})", d.min_instances(), float_repr(d.lambd()));
      });

  bind_detector<stepd>(m, "STEPD",
                       "STEPD, the statistical test of equal proportions of Nishida & Yamauchi (2007) between\n"
                       "the last window_size values and all older ones (MOA's STEPD: same rule and defaults).\n"
                       "Input: 0 (correct) or 1 (error).")
      .def(py::init([](py::handle window_size, double alpha_drift, double alpha_warning, const std::string& nonfinite) {
             return stepd(int_arg(window_size, stepd::name, "window_size"), alpha_drift, alpha_warning,
                          nonfinite_arg(nonfinite, stepd::name));
           }),
           py::arg("window_size") = 30, py::arg("alpha_drift") = 0.003, py::arg("alpha_warning") = 0.05,
           py::arg("nonfinite") = "raise")
      .def_property_readonly("window_size", &stepd::window_size)
      .def_property_readonly("alpha_drift", &stepd::alpha_drift)
      .def_property_readonly("alpha_warning", &stepd::alpha_warning)
      .def_property_readonly("n_recent", &stepd::n_recent)
      .def_property_readonly("errors_recent", &stepd::errors_recent)
      .def_property_readonly("n_older", &stepd::n_older)
      .def_property_readonly("errors_older", &stepd::errors_older)
      .def("__repr__", [](const stepd& d) {
        return fmt::format("STEPD(window_size={}, alpha_drift={}, alpha_warning={})", d.window_size(),
                           float_repr(d.alpha_drift()), float_repr(d.alpha_warning()));
      });

  bind_detector<rddm>(m, "RDDM",
                      "RDDM, the reactive drift detection method of Barros et al. (2017) on a binary error\n"
                      "stream (MOA's RDDM: same rule and defaults). Input: 0 (correct) or 1 (error).")
      .def(py::init([](py::handle min_instances, double warning_threshold, double drift_threshold,
                       py::handle max_size_concept, py::handle min_size_stable_concept, py::handle warn_limit,
                       const std::string& nonfinite) {
             return rddm(int_arg(min_instances, rddm::name, "min_instances"), warning_threshold, drift_threshold,
                         int_arg(max_size_concept, rddm::name, "max_size_concept"),
                         int_arg(min_size_stable_concept, rddm::name, "min_size_stable_concept"),
                         int_arg(warn_limit, rddm::name, "warn_limit"), nonfinite_arg(nonfinite, rddm::name));
           }),
           py::arg("min_instances") = 129, py::arg("warning_threshold") = 1.773, py::arg("drift_threshold") = 2.258,
           py::arg("max_size_concept") = 40000, py::arg("min_size_stable_concept") = 7000, py::arg("warn_limit") = 1400,
           py::arg("nonfinite") = "raise")
      .def_property_readonly("min_instances", &rddm::min_instances)
      .def_property_readonly("warning_threshold", &rddm::warning_threshold)
      .def_property_readonly("drift_threshold", &rddm::drift_threshold)
      .def_property_readonly("max_size_concept", &rddm::max_size_concept)
      .def_property_readonly("min_size_stable_concept", &rddm::min_size_stable_concept)
      .def_property_readonly("warn_limit", &rddm::warn_limit)
      .def_property_readonly("n", &rddm::n, "values of the current concept")
      .def_property_readonly("error_rate", &rddm::error_rate)
      .def_property_readonly("std", &rddm::std_dev, "standard deviation of the error rate")
      .def_property_readonly("min_error_rate", &rddm::min_error_rate)
      .def_property_readonly("min_std", &rddm::min_std)
      .def_property_readonly("stored", &rddm::stored, "values kept for the recomputation after a drift")
      .def("__repr__", [](const rddm& d) {
        return fmt::format(
            "RDDM(min_instances={}, warning_threshold={}, drift_threshold={}, max_size_concept={}, "
            "min_size_stable_concept={}, warn_limit={})",
            d.min_instances(), float_repr(d.warning_threshold()), float_repr(d.drift_threshold()), d.max_size_concept(),
            d.min_size_stable_concept(), d.warn_limit());
      });
}

}  // namespace driftscope::python
