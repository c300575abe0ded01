// Two-sample location tests: mannwhitneyu and ttest_ind; result classes
// MannwhitneyuResult and TtestResult (scipy's field names, tuple-unpackable).
// Declaration for bindings.hpp: void register_rank_tests(py::module_& m);
#include "bindings.hpp"

#include <driftscope/stats/mannwhitneyu.hpp>
#include <driftscope/stats/ttest_ind.hpp>

#include <string>
#include <utility>

namespace driftscope::python {

void register_rank_tests(py::module_& m);

namespace {

/// Both samples as the same dtype (float64 when they differ).
std::pair<array_1d, array_1d> sample_pair(py::handle x, py::handle y, const char* function, const char* nx,
                                          const char* ny) {
  array_1d a = as_array_1d(x, function, nx);
  array_1d b = as_array_1d(y, function, ny);
  if (a.is_float32 != b.is_float32) {
    a = as_float64(std::move(a));
    b = as_float64(std::move(b));
  }
  return {std::move(a), std::move(b)};
}

mwu_result mannwhitneyu_py(py::handle x, py::handle y, bool use_continuity, const std::string& alt,
                           const std::string& method, const std::string& policy) {
  mwu_options opt;
  opt.use_continuity = use_continuity;
  opt.alt = option_arg(parse_alternative, alt, "mannwhitneyu");
  opt.method = option_arg(parse_mwu_method, method, "mannwhitneyu");
  opt.nan = option_arg(parse_nan_policy, policy, "mannwhitneyu");
  const auto ab = sample_pair(x, y, "mannwhitneyu", "x", "y");
  py::gil_scoped_release release;
  if (ab.first.is_float32)
    return mannwhitneyu(ab.first.data<float>(), ab.first.size, ab.second.data<float>(), ab.second.size, opt);
  return mannwhitneyu(ab.first.data<double>(), ab.first.size, ab.second.data<double>(), ab.second.size, opt);
}

ttest_result ttest_ind_py(py::handle a, py::handle b, bool equal_var, const std::string& policy,
                          const std::string& alt) {
  ttest_options opt;
  opt.equal_var = equal_var;
  opt.nan = option_arg(parse_nan_policy, policy, "ttest_ind");
  opt.alt = option_arg(parse_alternative, alt, "ttest_ind");
  const auto ab = sample_pair(a, b, "ttest_ind", "a", "b");
  py::gil_scoped_release release;
  if (ab.first.is_float32)
    return ttest_ind(ab.first.data<float>(), ab.first.size, ab.second.data<float>(), ab.second.size, opt);
  return ttest_ind(ab.first.data<double>(), ab.first.size, ab.second.data<double>(), ab.second.size, opt);
}

py::object mwu_item(const mwu_result& r, py::ssize_t i) {
  if (i < 0) i += 2;
  if (i == 0) return py::float_(r.statistic);
  if (i == 1) return py::float_(r.pvalue);
  throw py::index_error("MannwhitneyuResult index out of range");
}

py::object ttest_item(const ttest_result& r, py::ssize_t i) {
  if (i < 0) i += 2;
  if (i == 0) return py::float_(r.statistic);
  if (i == 1) return py::float_(r.pvalue);
  throw py::index_error("TtestResult index out of range");
}

}  // namespace

void register_rank_tests(py::module_& m) {
  py::class_<mwu_result>(m, "MannwhitneyuResult",
                         "Result of mannwhitneyu (scipy's field names); unpacks as (statistic, pvalue).")
      .def_readonly("statistic", &mwu_result::statistic)
      .def_readonly("pvalue", &mwu_result::pvalue)
      .def_property_readonly("method", [](const mwu_result& r) { return std::string(to_string(r.method)); })
      .def_readonly("ties", &mwu_result::ties)
      .def_readonly("n1", &mwu_result::n1)
      .def_readonly("n2", &mwu_result::n2)
      .def_readonly("missing1", &mwu_result::missing1)
      .def_readonly("missing2", &mwu_result::missing2)
      .def("__len__", [](const mwu_result&) { return 2; })
      .def("__getitem__", &mwu_item)
      .def("__iter__", [](const mwu_result& r) { return py::iter(py::make_tuple(r.statistic, r.pvalue)); })
      .def("__repr__", [](const mwu_result& r) {
        return fmt::format("MannwhitneyuResult(statistic={}, pvalue={})", float_repr(r.statistic),
                           float_repr(r.pvalue));
      });

  py::class_<ttest_result>(m, "TtestResult",
                           "Result of ttest_ind (scipy's field names); unpacks as (statistic, pvalue) "
                           "like scipy's TtestResult; df is an attribute.")
      .def_readonly("statistic", &ttest_result::statistic)
      .def_readonly("pvalue", &ttest_result::pvalue)
      .def_readonly("df", &ttest_result::df)
      .def_readonly("estimate", &ttest_result::estimate)
      .def_readonly("standard_error", &ttest_result::standard_error)
      .def_readonly("n1", &ttest_result::n1)
      .def_readonly("n2", &ttest_result::n2)
      .def_readonly("missing1", &ttest_result::missing1)
      .def_readonly("missing2", &ttest_result::missing2)
      .def("__len__", [](const ttest_result&) { return 2; })
      .def("__getitem__", &ttest_item)
      .def("__iter__", [](const ttest_result& r) { return py::iter(py::make_tuple(r.statistic, r.pvalue)); })
      .def("__repr__", [](const ttest_result& r) {
        return fmt::format("TtestResult(statistic={}, pvalue={}, df={})", float_repr(r.statistic),
                           float_repr(r.pvalue), float_repr(r.df));
      });

  m.def("mannwhitneyu", &mannwhitneyu_py, py::arg("x"), py::arg("y"), py::arg("use_continuity") = true,
        py::arg("alternative") = "two-sided", py::kw_only(), py::arg("method") = "auto",
        py::arg("nan_policy") = "propagate",
        "Mann-Whitney U rank test; matches scipy.stats.mannwhitneyu (1-D; methods 'auto', 'asymptotic', "
        "'exact').");
  m.def("ttest_ind", &ttest_ind_py, py::arg("a"), py::arg("b"), py::kw_only(), py::arg("equal_var") = true,
        py::arg("nan_policy") = "propagate", py::arg("alternative") = "two-sided",
        "Two-sample t-test (Student / Welch); matches scipy.stats.ttest_ind (1-D; no trim, method, axis).");
}

}  // namespace driftscope::python
