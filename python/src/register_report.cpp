// The dataset drift report (report/drift_report.hpp) for driftscope.report.compare():
//   _drift_report(columns, drift_share, correction, alpha, n_jobs, plots, n_reference_rows,
//                 n_current_rows) -> str (JSON)
//   _report_tests() -> list of (name, aliases, threshold_kind, default_threshold,
//                               numerical, categorical)
// The report is returned as the JSON of report_json.hpp, which Python parses into
// DriftReport.to_dict(): one schema, written in one place, for C++ and Python.
//
// Declaration for bindings.hpp:  void register_report(py::module_& m);
#include "bindings.hpp"

#include <driftscope/report/column_test.hpp>
#include <driftscope/report/drift_report.hpp>
#include <driftscope/report/report_json.hpp>
#include <driftscope/stats/multipletests.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace driftscope::python {
namespace {

using i32_array = py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>;

i32_array codes_arg(py::handle obj, const std::string& column, const char* side) {
  i32_array a(py::reinterpret_borrow<py::object>(obj));
  if (a.ndim() != 1)
    value_error("compare: the {} codes of column '{}' must be 1-D, got {}-D", side, column,
                static_cast<long>(a.ndim()));
  return a;
}

/// columns: a list of tuples (name, kind, reference, current, n_categories, labels, test,
/// threshold, error) with kind "numerical" | "categorical", reference / current 1-D arrays
/// (numerical: float32 or float64 on both sides, else converted to float64; categorical:
/// int32 codes, negative = missing) or None for a failed column, labels a list of str,
/// test "" for the default rule, threshold NaN for the default, error "" when the column
/// is to be tested.
std::string drift_report_py(const py::list& columns, double drift_share, const std::string& correction, double alpha,
                            unsigned n_jobs, bool plots, long long n_reference_rows, long long n_current_rows) {
  report_options o;
  o.drift_share = drift_share;
  o.alpha = alpha;
  o.n_jobs = n_jobs;
  o.plots = plots;
  if (!correction.empty()) o.correction = option_arg(parse_multitest_method, correction, "compare");
  std::vector<column_spec> specs;
  std::vector<py::object> keep;  // the arrays the specs point into
  specs.reserve(columns.size());
  for (py::handle item : columns) {
    const auto t = py::reinterpret_borrow<py::tuple>(item);
    if (t.size() != 9) value_error("compare: internal column tuple has {} fields, expected 9", t.size());
    const auto name = t[0].cast<std::string>();
    const auto kind = t[1].cast<std::string>();
    if (kind != "numerical" && kind != "categorical")
      value_error("compare: column '{}' has kind '{}', expected 'numerical' or 'categorical'", name, kind);
    const column_kind k = kind == "numerical" ? column_kind::numerical : column_kind::categorical;
    column_spec c;
    const auto error = t[8].cast<std::string>();
    if (!error.empty()) {
      c = failed_column(name, k, error);
    } else if (k == column_kind::numerical) {
      array_1d r = as_array_1d(t[2], "compare", "reference column");
      array_1d q = as_array_1d(t[3], "compare", "current column");
      if (r.is_float32 != q.is_float32) r = as_float64(r), q = as_float64(q);
      c = r.is_float32 ? numerical_column(name, r.data<float>(), r.size, q.data<float>(), q.size)
                       : numerical_column(name, r.data<double>(), r.size, q.data<double>(), q.size);
      keep.push_back(r.keep);
      keep.push_back(q.keep);
    } else {
      const i32_array r = codes_arg(t[2], name, "reference");
      const i32_array q = codes_arg(t[3], name, "current");
      c = categorical_column(name, r.data(), static_cast<std::size_t>(r.shape(0)), q.data(),
                             static_cast<std::size_t>(q.shape(0)), t[4].cast<std::size_t>(),
                             t[5].cast<std::vector<std::string>>());
      keep.push_back(r);
      keep.push_back(q);
    }
    c.test = t[6].cast<std::string>();
    c.threshold = t[7].cast<double>();
    specs.push_back(std::move(c));
  }
  std::string json;
  {
    py::gil_scoped_release release;
    drift_report rep = make_drift_report(specs, o);
    // the front end knows the row counts (the C++ report sees columns only)
    if (n_reference_rows >= 0) rep.n_reference = static_cast<std::size_t>(n_reference_rows);
    if (n_current_rows >= 0) rep.n_current = static_cast<std::size_t>(n_current_rows);
    json = to_json(rep);
  }
  return json;
}

py::list report_tests_py() {
  py::list out;
  for (const column_test_info& i : detail::report::registry) {
    py::list aliases;
    for (const char* a : i.aliases)
      if (a != nullptr) aliases.append(a);
    out.append(py::make_tuple(i.name, aliases, to_string(i.kind), i.default_threshold, i.numerical, i.categorical));
  }
  return out;
}

}  // namespace

void register_report(py::module_& m) {
  m.def("_drift_report", &drift_report_py, py::arg("columns"), py::arg("drift_share"), py::arg("correction"),
        py::arg("alpha"), py::arg("n_jobs"), py::arg("plots"), py::arg("n_reference_rows") = -1,
        py::arg("n_current_rows") = -1,
        "The dataset drift report as JSON (internal; use driftscope.compare).");
  m.def("_report_tests", &report_tests_py,
        "The report's test registry: (name, aliases, threshold_kind, default_threshold, numerical, categorical).");
}

}  // namespace driftscope::python
