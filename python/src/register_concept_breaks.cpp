// Batch structural-change tests on a regression y = [1, X]·b + e (concept/structural_break.hpp):
// ols_cusum_test, chow_test, sup_f_test with result classes OlsCusumResult, ChowResult,
// SupFResult. X: 2-D (n, p) or 1-D (one regressor), no constant column (the intercept is
// added); converted to C-contiguous float64. The C++ work runs with the GIL released.
// Declaration for bindings.hpp: void register_concept_breaks(py::module_& m);
#include "bindings.hpp"

#include <driftscope/concept/structural_break.hpp>

#include <array>
#include <cstddef>
#include <utility>

namespace driftscope::python {

namespace {

using f64_array = py::array_t<double, py::array::c_style | py::array::forcecast>;

py::tuple triple(const std::array<double, 3>& v) {
  return py::make_tuple(v[0], v[1], v[2]);
}
py::tuple triple(const std::array<bool, 3>& v) {
  return py::make_tuple(v[0], v[1], v[2]);
}

}  // namespace

void register_concept_breaks(py::module_& m) {
  py::class_<ols_cusum_result>(m, "OlsCusumResult",
                               "Result of ols_cusum_test: statistic = sup |B(t)|, pvalue "
                               "(Kolmogorov), argmax, process B(t), "
                               "critical_values / exceeds at alpha = (0.10, 0.05, 0.01).")
      .def_readonly("statistic", &ols_cusum_result::statistic)
      .def_readonly("pvalue", &ols_cusum_result::pvalue)
      .def_readonly("argmax", &ols_cusum_result::argmax)
      .def_readonly("n_obs", &ols_cusum_result::n_obs)
      .def_readonly("ddof", &ols_cusum_result::ddof)
      .def_readonly("sigma", &ols_cusum_result::sigma)
      .def_property_readonly("process",
                             [](const ols_cusum_result& r) { return to_float64_array(r.process); })
      .def_property_readonly("critical_values",
                             [](const ols_cusum_result& r) { return triple(r.critical_values); })
      .def_property_readonly("exceeds", [](const ols_cusum_result& r) { return triple(r.exceeds); })
      .def("__repr__", [](const ols_cusum_result& r) {
        return fmt::format("OlsCusumResult(statistic={}, pvalue={}, argmax={})", r.statistic,
                           r.pvalue, r.argmax);
      });

  py::class_<chow_result>(
      m, "ChowResult",
      "Result of chow_test: F statistic, pvalue, break_index, df_num (k), df_denom "
      "(n - 2k), ssr_pooled, ssr_1, ssr_2.")
      .def_readonly("statistic", &chow_result::statistic)
      .def_readonly("pvalue", &chow_result::pvalue)
      .def_readonly("break_index", &chow_result::break_index)
      .def_readonly("df_num", &chow_result::df_num)
      .def_readonly("df_denom", &chow_result::df_denom)
      .def_readonly("ssr_pooled", &chow_result::ssr_pooled)
      .def_readonly("ssr_1", &chow_result::ssr_1)
      .def_readonly("ssr_2", &chow_result::ssr_2)
      .def("__repr__", [](const chow_result& r) {
        return fmt::format("ChowResult(statistic={}, pvalue={}, break_index={})", r.statistic,
                           r.pvalue, r.break_index);
      });

  py::class_<sup_f_result>(
      m, "SupFResult",
      "Result of sup_f_test: statistic = max F, break_index (argmax), f_statistics over "
      "first_break..last_break (NaN: a rank-deficient segment), chow_pvalue (pointwise, at the "
      "max), "
      "Andrews (2003) critical_values / exceeds at alpha = (0.10, 0.05, 0.01) (NaN unless trim = "
      "0.15 "
      "and k <= 10).")
      .def_readonly("statistic", &sup_f_result::statistic)
      .def_readonly("break_index", &sup_f_result::break_index)
      .def_readonly("first_break", &sup_f_result::first_break)
      .def_readonly("last_break", &sup_f_result::last_break)
      .def_readonly("chow_pvalue", &sup_f_result::chow_pvalue)
      .def_readonly("trim", &sup_f_result::trim)
      .def_readonly("df_num", &sup_f_result::df_num)
      .def_readonly("n_obs", &sup_f_result::n_obs)
      .def_property_readonly("f_statistics",
                             [](const sup_f_result& r) { return to_float64_array(r.f_statistics); })
      .def_property_readonly("critical_values",
                             [](const sup_f_result& r) { return triple(r.critical_values); })
      .def_property_readonly("exceeds", [](const sup_f_result& r) { return triple(r.exceeds); })
      .def("__repr__", [](const sup_f_result& r) {
        return fmt::format(
            "SupFResult(statistic={}, break_index={}, exceeds={{0.10: {}, 0.05: {}, 0.01: {}}})",
            r.statistic, r.break_index, r.exceeds[0], r.exceeds[1], r.exceeds[2]);
      });

  m.def(
      "ols_cusum_test",
      [](py::handle X, py::handle y) {
        const design_arg a = as_design(X, y, "ols_cusum_test");
        py::gil_scoped_release release;
        return ols_cusum_test(a.x_data(), a.n, a.p, a.y.data());
      },
      py::arg("X"), py::arg("y"),
      "OLS-CUSUM test (Ploberger & Kraemer 1992) of y on [1, X]; equals statsmodels "
      "breaks_cusumolsresid(OLS residuals, ddof=k).");
  m.def(
      "ols_cusum_from_residuals",
      [](py::handle resid, std::size_t ddof) {
        const f64_array r(py::reinterpret_borrow<py::object>(resid));
        if (r.ndim() != 1) {
          value_error("ols_cusum_test: resid must be 1-D, got {}-D array",
                      static_cast<long>(r.ndim()));
        }
        const auto n = static_cast<std::size_t>(r.shape(0));
        py::gil_scoped_release release;
        return ols_cusum_from_residuals(n > 0 ? r.data() : nullptr, n, ddof);
      },
      py::arg("resid"), py::arg("ddof") = 0,
      "OLS-CUSUM test from given residuals = statsmodels breaks_cusumolsresid(resid, ddof).");
  m.def(
      "chow_test",
      [](py::handle X, py::handle y, long long break_index) {
        if (break_index < 0)
          value_error("chow_test: break_index must be >= 0, got {}", break_index);
        const design_arg a = as_design(X, y, "chow_test");
        py::gil_scoped_release release;
        return chow_test(a.x_data(), a.n, a.p, a.y.data(), static_cast<std::size_t>(break_index));
      },
      py::arg("X"), py::arg("y"), py::arg("break_index"),
      "Chow F test for a break after break_index rows (segments [0, b) and [b, n)).");
  m.def(
      "sup_f_test",
      [](py::handle X, py::handle y, double trim) {
        const design_arg a = as_design(X, y, "sup_f_test");
        py::gil_scoped_release release;
        return sup_f_test(a.x_data(), a.n, a.p, a.y.data(), trim);
      },
      py::arg("X"), py::arg("y"), py::arg("trim") = 0.15,
      "sup-F (Quandt-Andrews) test over breaks in [floor(trim n), floor((1 - trim) n)], O(n k^2).");
}

}  // namespace driftscope::python
