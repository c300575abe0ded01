// OLS with intercept, recursive residuals (Brown, Durbin & Evans 1975), Rec-CUSUM and
// CUSUM-of-squares tests: _core.ols_fit, recursive_residuals, rec_cusum_test,
// cusum_squares_test. Arrays in as float64 (converted), GIL released around the C++ work.
#include "bindings.hpp"

#include <driftscope/concept/ols.hpp>
#include <driftscope/concept/recursive_residuals.hpp>

#include <string>
#include <vector>

namespace driftscope::python {
namespace {

py::array_t<double> matrix_array(const std::vector<double>& v, std::size_t rows, std::size_t cols) {
  py::array_t<double> out({static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(cols)});
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

}  // namespace

void register_concept_recursive(py::module_& m) {
  py::class_<ols_result>(m, "OLSResult", "Result of ols_fit (intercept first in coefficients).")
      .def_property_readonly("coefficients",
                             [](const ols_result& r) { return to_float64_array(r.coefficients); })
      .def_property_readonly("residuals",
                             [](const ols_result& r) { return to_float64_array(r.residuals); })
      .def_readonly("ssr", &ols_result::ssr)
      .def_readonly("sigma", &ols_result::sigma)
      .def_readonly("n_obs", &ols_result::n_obs)
      .def_readonly("n_params", &ols_result::n_params)
      .def_readonly("df_resid", &ols_result::df_resid)
      .def_readonly("rank", &ols_result::rank)
      .def("__repr__", [](const ols_result& r) {
        return fmt::format("OLSResult(n_obs={}, n_params={}, ssr={}, sigma={})", r.n_obs,
                           r.n_params, r.ssr, r.sigma);
      });

  py::class_<recursive_residuals_result>(m, "RecursiveResidualsResult",
                                         "Recursive residuals (Brown, Durbin & Evans 1975); fields "
                                         "as statsmodels' recursive_olsresiduals "
                                         "(skip = k); entries before index k - 1 are NaN.")
      .def_readonly("n_obs", &recursive_residuals_result::n_obs)
      .def_readonly("n_params", &recursive_residuals_result::n_params)
      .def_property_readonly(
          "rresid", [](const recursive_residuals_result& r) { return to_float64_array(r.rresid); })
      .def_property_readonly("rparams",
                             [](const recursive_residuals_result& r) {
                               return matrix_array(r.rparams, r.n_obs, r.n_params);
                             })
      .def_property_readonly(
          "rypred", [](const recursive_residuals_result& r) { return to_float64_array(r.rypred); })
      .def_property_readonly(
          "rvarraw",
          [](const recursive_residuals_result& r) { return to_float64_array(r.rvarraw); })
      .def_property_readonly(
          "rresid_scaled",
          [](const recursive_residuals_result& r) { return to_float64_array(r.rresid_scaled); })
      .def_property_readonly("rresid_standardized",
                             [](const recursive_residuals_result& r) {
                               return to_float64_array(r.rresid_standardized);
                             })
      .def_readonly("sigma", &recursive_residuals_result::sigma)
      .def_property_readonly(
          "rcusum", [](const recursive_residuals_result& r) { return to_float64_array(r.rcusum); })
      .def("__repr__", [](const recursive_residuals_result& r) {
        return fmt::format("RecursiveResidualsResult(n_obs={}, n_params={}, sigma={})", r.n_obs,
                           r.n_params, r.sigma);
      });

  py::class_<structural_test_result>(
      m, "StructuralTestResult",
      "Result of rec_cusum_test / cusum_squares_test: statistic, critical value, "
      "crossing, first crossing index, the path and its boundaries.")
      .def_readonly("statistic", &structural_test_result::statistic)
      .def_readonly("critical_value", &structural_test_result::critical_value)
      .def_readonly("pvalue", &structural_test_result::pvalue)
      .def_readonly("alpha", &structural_test_result::alpha)
      .def_readonly("crossing", &structural_test_result::crossing)
      .def_property_readonly("first_crossing",
                             [](const structural_test_result& t) -> py::object {
                               if (!t.crossing) return py::none();
                               return py::int_(t.first_crossing);
                             })
      .def_readonly("n_obs", &structural_test_result::n_obs)
      .def_readonly("n_params", &structural_test_result::n_params)
      .def_readonly("first_index", &structural_test_result::first_index)
      .def_property_readonly(
          "path", [](const structural_test_result& t) { return to_float64_array(t.path); })
      .def_property_readonly(
          "lower", [](const structural_test_result& t) { return to_float64_array(t.lower); })
      .def_property_readonly(
          "upper", [](const structural_test_result& t) { return to_float64_array(t.upper); })
      .def("__repr__", [](const structural_test_result& t) {
        return fmt::format(
            "StructuralTestResult(statistic={}, critical_value={}, crossing={}, alpha={})",
            t.statistic, t.critical_value, t.crossing ? "True" : "False", t.alpha);
      });

  m.def(
      "ols_fit",
      [](py::handle X, py::handle y) {
        const design_arg d = as_design(X, y, "ols_fit");
        py::gil_scoped_release release;
        return ols_fit(d.X.data(), d.n, d.p, d.y.data());
      },
      py::arg("X"), py::arg("y"),
      "OLS of y on [1, X] (intercept prepended) by column-pivoted Householder QR; rank-deficient X "
      "rejected.");
  m.def(
      "recursive_residuals",
      [](py::handle X, py::handle y) {
        const design_arg d = as_design(X, y, "recursive_residuals");
        py::gil_scoped_release release;
        return recursive_residuals(d.X.data(), d.n, d.p, d.y.data());
      },
      py::arg("X"), py::arg("y"),
      "Recursive residuals of y on [1, X] by rank-1 updates, O(n k^2).");
  m.def(
      "rec_cusum_test",
      [](py::handle X, py::handle y, double alpha) {
        const design_arg d = as_design(X, y, "rec_cusum_test");
        py::gil_scoped_release release;
        return rec_cusum_test(d.X.data(), d.n, d.p, d.y.data(), alpha);
      },
      py::arg("X"), py::arg("y"), py::arg("alpha") = 0.05,
      "Rec-CUSUM test of Brown, Durbin & Evans (1975) at alpha in {0.10, 0.05, 0.01}.");
  m.def(
      "cusum_squares_test",
      [](py::handle X, py::handle y, double alpha) {
        const design_arg d = as_design(X, y, "cusum_squares_test");
        py::gil_scoped_release release;
        return cusum_squares_test(d.X.data(), d.n, d.p, d.y.data(), alpha);
      },
      py::arg("X"), py::arg("y"), py::arg("alpha") = 0.05,
      "CUSUM-of-squares test (BDE 1975) with the Edgerton & Wells (1994) critical value.");
}

}  // namespace driftscope::python
