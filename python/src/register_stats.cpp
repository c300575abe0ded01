// One-shot statistics: ks_2samp, wasserstein_distance, jensenshannon, psi, js_distance,
// psi_counts, js_distance_counts; result classes KstestResult and DriftResult.
#include "bindings.hpp"

#include <driftscope/stats/jensenshannon.hpp>
#include <driftscope/stats/js_distance.hpp>
#include <driftscope/stats/ks.hpp>
#include <driftscope/stats/psi.hpp>
#include <driftscope/stats/wasserstein.hpp>

#include <optional>
#include <string>

namespace driftscope::python {
namespace {

py::object ks_item(const ks_result& r, py::ssize_t i) {
  if (i < 0) i += 2;
  if (i == 0) return py::float_(r.statistic);
  if (i == 1) return py::float_(r.pvalue);
  throw py::index_error("KstestResult index out of range");
}

ks_result ks_2samp_py(py::handle data1, py::handle data2, const std::string& alt, const std::string& method,
                      const std::string& policy) {
  const ks_options opt{option_arg(parse_alternative, alt, "ks_2samp"), option_arg(parse_ks_method, method, "ks_2samp"),
                       option_arg(parse_nan_policy, policy, "ks_2samp")};
  array_1d a = as_array_1d(data1, "ks_2samp", "data1");
  array_1d b = as_array_1d(data2, "ks_2samp", "data2");
  if (a.is_float32 != b.is_float32) {
    a = as_float64(std::move(a));
    b = as_float64(std::move(b));
  }
  py::gil_scoped_release release;
  if (a.is_float32) return ks_2samp(a.data<float>(), a.size, b.data<float>(), b.size, opt);
  return ks_2samp(a.data<double>(), a.size, b.data<double>(), b.size, opt);
}

array_1d weights_arg(py::handle w, const array_1d& values, const char* name, const char* values_name) {
  array_1d a = as_float64(as_array_1d(w, "wasserstein_distance", name));
  if (a.size != values.size)
    value_error("wasserstein_distance: {} must have the same length as {} ({}), got {}", name, values_name,
                values.size, a.size);
  return a;
}

double wasserstein_py(py::handle u, py::handle v, py::handle uw, py::handle vw) {
  array_1d a = as_array_1d(u, "wasserstein_distance", "u_values");
  array_1d b = as_array_1d(v, "wasserstein_distance", "v_values");
  if (a.is_float32 != b.is_float32) {
    a = as_float64(std::move(a));
    b = as_float64(std::move(b));
  }
  array_1d wa, wb;
  if (!uw.is_none()) wa = weights_arg(uw, a, "u_weights", "u_values");
  if (!vw.is_none()) wb = weights_arg(vw, b, "v_weights", "v_values");
  const double* pu = uw.is_none() ? nullptr : wa.data<double>();
  const double* pv = vw.is_none() ? nullptr : wb.data<double>();
  py::gil_scoped_release release;
  if (a.is_float32) return wasserstein_distance(a.data<float>(), a.size, b.data<float>(), b.size, pu, pv);
  return wasserstein_distance(a.data<double>(), a.size, b.data<double>(), b.size, pu, pv);
}

double jensenshannon_py(py::handle p, py::handle q, std::optional<double> base) {
  array_1d a = as_array_1d(p, "jensenshannon", "p");
  array_1d b = as_array_1d(q, "jensenshannon", "q");
  if (a.size != b.size)
    value_error("jensenshannon: p and q must have the same length, got {} and {}", a.size, b.size);
  if (a.is_float32 != b.is_float32) {
    a = as_float64(std::move(a));
    b = as_float64(std::move(b));
  }
  py::gil_scoped_release release;
  if (a.is_float32) return jensenshannon(a.data<float>(), b.data<float>(), a.size, base);
  return jensenshannon(a.data<double>(), b.data<double>(), a.size, base);
}

/// Runs a binned statistic f(const T* ref, n, const U* cur, n) on the four dtype pairs.
template <class F>
drift_result binned_call(const array_1d& ref, const array_1d& cur, F&& f) {
  py::gil_scoped_release release;
  return visit(ref, [&](auto* r) { return visit(cur, [&](auto* c) { return f(r, ref.size, c, cur.size); }); });
}

py_drift_result psi_py(py::handle reference, py::handle current, long long bins, py::handle binning,
                       double epsilon, const std::string& policy) {
  const psi_options opt{binning_arg(binning, bins, "psi"), epsilon, option_arg(parse_nan_policy, policy, "psi")};
  opt.validate();
  const array_1d ref = as_array_1d(reference, "psi", "reference");
  const array_1d cur = as_array_1d(current, "psi", "current");
  const drift_result r = binned_call(ref, cur, [&](auto* a, std::size_t na, auto* b, std::size_t nb) {
    return driftscope::psi(a, na, b, nb, opt);
  });
  return to_python(r, "psi");
}

py_drift_result js_distance_py(py::handle reference, py::handle current, long long bins, py::handle binning,
                               double base, const std::string& policy) {
  const js_options opt{binning_arg(binning, bins, "js_distance"), base, option_arg(parse_nan_policy, policy, "js_distance")};
  opt.validate();
  const array_1d ref = as_array_1d(reference, "js_distance", "reference");
  const array_1d cur = as_array_1d(current, "js_distance", "current");
  const drift_result r = binned_call(ref, cur, [&](auto* a, std::size_t na, auto* b, std::size_t nb) {
    return driftscope::js_distance(a, na, b, nb, opt);
  });
  return to_python(r, "js_distance");
}

std::pair<array_1d, array_1d> count_args(py::handle reference_counts, py::handle current_counts,
                                         const char* function) {
  array_1d a = as_float64(as_array_1d(reference_counts, function, "reference_counts"));
  array_1d b = as_float64(as_array_1d(current_counts, function, "current_counts"));
  if (a.size != b.size)
    value_error("{}: reference_counts and current_counts must have the same length, got {} and {}", function,
                a.size, b.size);
  return {std::move(a), std::move(b)};
}

double psi_counts_py(py::handle reference_counts, py::handle current_counts, double epsilon) {
  const auto ab = count_args(reference_counts, current_counts, "psi_counts");
  py::gil_scoped_release release;
  return psi_counts(ab.first.data<double>(), ab.second.data<double>(), ab.first.size, epsilon);
}

double js_distance_counts_py(py::handle reference_counts, py::handle current_counts, double base) {
  const auto ab = count_args(reference_counts, current_counts, "js_distance_counts");
  py::gil_scoped_release release;
  return js_distance_counts(ab.first.data<double>(), ab.second.data<double>(), ab.first.size, base);
}

std::string drift_repr(const py_drift_result& r) {
  return fmt::format(
      "DriftResult(method='{}', statistic={}, n_reference={}, n_current={}, missing_reference={}, "
      "missing_current={}, bins={})",
      r.method, float_repr(r.statistic), r.n_reference, r.n_current, r.missing_reference, r.missing_current,
      r.edges.size() + 1);
}

}  // namespace

void register_stats(py::module_& m) {
  py::class_<ks_result>(m, "KstestResult",
                        "Result of ks_2samp / ReferenceProfile.ks (scipy's field names); unpacks as "
                        "(statistic, pvalue).")
      .def_readonly("statistic", &ks_result::statistic)
      .def_readonly("pvalue", &ks_result::pvalue)
      .def_readonly("statistic_location", &ks_result::statistic_location)
      .def_readonly("statistic_sign", &ks_result::statistic_sign)
      .def_property_readonly("method", [](const ks_result& r) { return std::string(to_string(r.method)); })
      .def_readonly("n1", &ks_result::n1)
      .def_readonly("n2", &ks_result::n2)
      .def_readonly("missing1", &ks_result::missing1)
      .def_readonly("missing2", &ks_result::missing2)
      .def("__len__", [](const ks_result&) { return 2; })
      .def("__getitem__", &ks_item)
      .def("__iter__",
           [](const ks_result& r) { return py::iter(py::make_tuple(r.statistic, r.pvalue)); })
      .def("__repr__", [](const ks_result& r) {
        return fmt::format("KstestResult(statistic={}, pvalue={}, statistic_location={}, statistic_sign={})",
                           float_repr(r.statistic), float_repr(r.pvalue), float_repr(r.statistic_location),
                           r.statistic_sign);
      });

  py::class_<py_drift_result>(m, "DriftResult",
                              "Result of psi / js_distance / ReferenceProfile.psi / .js_distance.")
      .def_readonly("statistic", &py_drift_result::statistic)
      .def_readonly("n_reference", &py_drift_result::n_reference)
      .def_readonly("n_current", &py_drift_result::n_current)
      .def_readonly("missing_reference", &py_drift_result::missing_reference)
      .def_readonly("missing_current", &py_drift_result::missing_current)
      .def_readonly("edges", &py_drift_result::edges)
      .def_readonly("reference_counts", &py_drift_result::reference_counts)
      .def_readonly("current_counts", &py_drift_result::current_counts)
      .def_readonly("method", &py_drift_result::method)
      .def("__repr__", &drift_repr);

  m.def("ks_2samp", &ks_2samp_py, py::arg("data1"), py::arg("data2"), py::arg("alternative") = "two-sided",
        py::arg("method") = "auto", py::arg("nan_policy") = "propagate",
        "Two-sample Kolmogorov-Smirnov test; matches scipy.stats.ks_2samp (1-D).");
  m.def("wasserstein_distance", &wasserstein_py, py::arg("u_values"), py::arg("v_values"),
        py::arg("u_weights") = py::none(), py::arg("v_weights") = py::none(),
        "1-Wasserstein distance; matches scipy.stats.wasserstein_distance (1-D).");
  m.def("jensenshannon", &jensenshannon_py, py::arg("p"), py::arg("q"), py::arg("base") = py::none(),
        "Jensen-Shannon distance; matches scipy.spatial.distance.jensenshannon (1-D).");
  m.def("psi", &psi_py, py::arg("reference"), py::arg("current"), py::arg("bins") = 10,
        py::arg("binning") = "quantile", py::arg("epsilon") = 1e-4, py::arg("nan_policy") = "omit",
        "Population Stability Index of current against reference.");
  m.def("js_distance", &js_distance_py, py::arg("reference"), py::arg("current"), py::arg("bins") = 10,
        py::arg("binning") = "quantile", py::arg("base") = 2.0, py::arg("nan_policy") = "omit",
        "Jensen-Shannon distance between the binned reference and current samples.");
  m.def("psi_counts", &psi_counts_py, py::arg("reference_counts"), py::arg("current_counts"),
        py::arg("epsilon") = 1e-4, "PSI of two count vectors (categorical features).");
  m.def("js_distance_counts", &js_distance_counts_py, py::arg("reference_counts"), py::arg("current_counts"),
        py::arg("base") = 2.0, "Jensen-Shannon distance of two count vectors (categorical features).");
}

}  // namespace driftscope::python
