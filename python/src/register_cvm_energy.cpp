// Two-sample distribution tests: cramervonmises_2samp (result class
// CramerVonMisesResult) and energy_distance.
//
// Declaration for bindings.hpp:  void register_cvm_energy(py::module_& m);
#include "bindings.hpp"

#include <driftscope/stats/cramervonmises.hpp>
#include <driftscope/stats/energy_distance.hpp>

#include <string>

namespace driftscope::python {

void register_cvm_energy(py::module_& m);

namespace {

py::object cvm_item(const cvm_result& r, py::ssize_t i) {
  if (i < 0) i += 2;
  if (i == 0) return py::float_(r.statistic);
  if (i == 1) return py::float_(r.pvalue);
  throw py::index_error("CramerVonMisesResult index out of range");
}

cvm_result cvm_py(py::handle x, py::handle y, const std::string& method, const std::string& policy) {
  const cvm_options opt{option_arg(parse_cvm_method, method, "cramervonmises_2samp"),
                        option_arg(parse_nan_policy, policy, "cramervonmises_2samp")};
  array_1d a = as_array_1d(x, "cramervonmises_2samp", "x");
  array_1d b = as_array_1d(y, "cramervonmises_2samp", "y");
  if (a.is_float32 != b.is_float32) {
    a = as_float64(std::move(a));
    b = as_float64(std::move(b));
  }
  py::gil_scoped_release release;
  if (a.is_float32) return cramervonmises_2samp(a.data<float>(), a.size, b.data<float>(), b.size, opt);
  return cramervonmises_2samp(a.data<double>(), a.size, b.data<double>(), b.size, opt);
}

array_1d energy_weights_arg(py::handle w, const array_1d& values, const char* name, const char* values_name) {
  array_1d a = as_float64(as_array_1d(w, "energy_distance", name));
  if (a.size != values.size)
    value_error("energy_distance: {} must have the same length as {} ({}), got {}", name, values_name, values.size,
                a.size);
  return a;
}

double energy_py(py::handle u, py::handle v, py::handle uw, py::handle vw) {
  array_1d a = as_array_1d(u, "energy_distance", "u_values");
  array_1d b = as_array_1d(v, "energy_distance", "v_values");
  if (a.is_float32 != b.is_float32) {
    a = as_float64(std::move(a));
    b = as_float64(std::move(b));
  }
  array_1d wa, wb;
  if (!uw.is_none()) wa = energy_weights_arg(uw, a, "u_weights", "u_values");
  if (!vw.is_none()) wb = energy_weights_arg(vw, b, "v_weights", "v_values");
  const double* pu = uw.is_none() ? nullptr : wa.data<double>();
  const double* pv = vw.is_none() ? nullptr : wb.data<double>();
  py::gil_scoped_release release;
  if (a.is_float32) return energy_distance(a.data<float>(), a.size, b.data<float>(), b.size, pu, pv);
  return energy_distance(a.data<double>(), a.size, b.data<double>(), b.size, pu, pv);
}

}  // namespace

void register_cvm_energy(py::module_& m) {
  py::class_<cvm_result>(m, "CramerVonMisesResult",
                         "Result of cramervonmises_2samp (scipy's field names); unpacks as (statistic, pvalue).")
      .def_readonly("statistic", &cvm_result::statistic)
      .def_readonly("pvalue", &cvm_result::pvalue)
      .def_property_readonly("method", [](const cvm_result& r) { return std::string(to_string(r.method)); })
      .def_readonly("nx", &cvm_result::nx)
      .def_readonly("ny", &cvm_result::ny)
      .def_readonly("missing_x", &cvm_result::missing_x)
      .def_readonly("missing_y", &cvm_result::missing_y)
      .def("__len__", [](const cvm_result&) { return 2; })
      .def("__getitem__", &cvm_item)
      .def("__iter__", [](const cvm_result& r) { return py::iter(py::make_tuple(r.statistic, r.pvalue)); })
      .def("__repr__", [](const cvm_result& r) {
        return fmt::format("CramerVonMisesResult(statistic={}, pvalue={})", float_repr(r.statistic),
                           float_repr(r.pvalue));
      });

  m.def("cramervonmises_2samp", &cvm_py, py::arg("x"), py::arg("y"), py::arg("method") = "auto",
        py::arg("nan_policy") = "propagate",
        "Two-sample Cramer-von Mises test; matches scipy.stats.cramervonmises_2samp (1-D).");
  m.def("energy_distance", &energy_py, py::arg("u_values"), py::arg("v_values"), py::arg("u_weights") = py::none(),
        py::arg("v_weights") = py::none(), "Energy distance; matches scipy.stats.energy_distance (1-D).");
}

}  // namespace driftscope::python
