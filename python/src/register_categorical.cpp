// Categorical tests and multiple-testing adjustment: multipletests (statsmodels),
// chi2_contingency and fisher_exact (scipy), two_proportion_ztest (statsmodels'
// proportions_ztest), cramers_v (scipy association 'cramer'); result classes
// Chi2ContingencyResult, SignificanceResult, ZTestResult.
//
// Declaration for bindings.hpp:  void register_categorical(py::module_& m);
#include "bindings.hpp"

#include <driftscope/stats/chi2_contingency.hpp>
#include <driftscope/stats/fisher_exact.hpp>
#include <driftscope/stats/multipletests.hpp>

#include <cmath>
#include <string>
#include <utility>

namespace driftscope::python {
namespace {

using f64_array = py::array_t<double, py::array::c_style | py::array::forcecast>;
using i64_array = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

py::tuple multipletests_py(py::handle pvals, double alpha, const std::string& method, int /*maxiter*/,
                           bool is_sorted, bool returnsorted) {
  multipletests_options opt;
  opt.alpha = alpha;
  opt.method = option_arg(parse_multitest_method, method, "multipletests");
  opt.is_sorted = is_sorted;
  opt.returnsorted = returnsorted;
  const array_1d p = as_float64(as_array_1d(pvals, "multipletests", "pvals"));
  py::array_t<bool> reject(static_cast<py::ssize_t>(p.size));
  py::array_t<double> corrected(static_cast<py::ssize_t>(p.size));
  // bool arrays are one byte per element, 0 or 1
  auto* rej = reinterpret_cast<unsigned char*>(reject.mutable_data());
  double* cor = corrected.mutable_data();
  multipletests_alphas a;
  {
    py::gil_scoped_release release;
    a = multipletests(p.data<double>(), p.size, rej, cor, opt);
  }
  return py::make_tuple(reject, corrected, a.alphac_sidak, a.alphac_bonf);
}

/// A 2-D table argument as a C-contiguous float64 array.
f64_array table_2d(py::handle obj, const char* function, const char* name) {
  f64_array a(py::reinterpret_borrow<py::object>(obj));
  if (a.ndim() != 2)
    value_error("{}: {} must be a 2-D array, got {}-D", function, name, static_cast<long>(a.ndim()));
  return a;
}

struct py_chi2_result {
  double statistic = 0;
  double pvalue = 1;
  std::size_t dof = 0;
  py::array_t<double> expected_freq;
};

py::object chi2_item(const py_chi2_result& r, py::ssize_t i) {
  if (i < 0) i += 4;
  if (i == 0) return py::float_(r.statistic);
  if (i == 1) return py::float_(r.pvalue);
  if (i == 2) return py::int_(r.dof);
  if (i == 3) return r.expected_freq;
  throw py::index_error("Chi2ContingencyResult index out of range");
}

py_chi2_result chi2_contingency_py(py::handle observed, bool correction, py::handle lambda_) {
  chi2_contingency_options opt;
  opt.correction = correction;
  if (lambda_.is_none()) {
    opt.lambda = 1.0;
  } else if (py::isinstance<py::str>(lambda_)) {
    opt.lambda = option_arg(parse_power_divergence_lambda, lambda_.cast<std::string>(), "chi2_contingency");
  } else {
    opt.lambda = py::cast<double>(py::float_(py::reinterpret_borrow<py::object>(lambda_)));
  }
  const f64_array t = table_2d(observed, "chi2_contingency", "observed");
  const auto rows = static_cast<std::size_t>(t.shape(0)), cols = static_cast<std::size_t>(t.shape(1));
  chi2_contingency_result r;
  {
    py::gil_scoped_release release;
    r = chi2_contingency(t.data(), rows, cols, opt);
  }
  py_chi2_result p;
  p.statistic = r.statistic;
  p.pvalue = r.pvalue;
  p.dof = r.dof;
  p.expected_freq = py::array_t<double>({static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(cols)});
  std::copy(r.expected_freq.begin(), r.expected_freq.end(), p.expected_freq.mutable_data());
  return p;
}

py::object sig_item(const significance_result& r, py::ssize_t i) {
  if (i < 0) i += 2;
  if (i == 0) return py::float_(r.statistic);
  if (i == 1) return py::float_(r.pvalue);
  throw py::index_error("result index out of range");
}

significance_result fisher_exact_py(py::handle table, py::handle alt) {
  const alternative a =
      alt.is_none() ? alternative::two_sided : option_arg(parse_alternative, alt.cast<std::string>(), "fisher_exact");
  // scipy converts with numpy.asarray(table, dtype=int64) (floats truncated); we refuse
  // non-finite floats, whose int64 conversion is undefined
  py::array raw = py::module_::import("numpy").attr("asarray")(table);
  if (raw.dtype().kind() == 'f' || raw.dtype().kind() == 'c') {
    const f64_array f(raw);
    for (py::ssize_t i = 0; i < f.size(); ++i)
      if (!std::isfinite(f.data()[i])) value_error("fisher_exact: table must be finite, got {}", f.data()[i]);
  }
  const i64_array t(raw);
  if (t.ndim() != 2) value_error("fisher_exact: table must have two dimensions, got {}-D", static_cast<long>(t.ndim()));
  if (t.shape(0) != 2 || t.shape(1) != 2)
    value_error("fisher_exact: only 2 x 2 tables are supported, got shape ({}, {})", static_cast<long>(t.shape(0)),
                static_cast<long>(t.shape(1)));
  const std::int64_t* v = t.data();
  py::gil_scoped_release release;
  return fisher_exact(v[0], v[1], v[2], v[3], a);
}

ztest_result ztest_py(double count_ref, double n_ref, double count_cur, double n_cur) {
  return two_proportion_ztest(count_ref, n_ref, count_cur, n_cur);
}

double cramers_v_py(py::handle observed) {
  // scipy.stats.contingency.association requires an integer array
  py::array raw = py::module_::import("numpy").attr("asarray")(observed);
  const char kind = raw.dtype().kind();
  if (kind != 'i' && kind != 'u')
    value_error("cramers_v: observed must be an integer array, got dtype {}",
                py::str(raw.dtype()).cast<std::string>());
  const f64_array t = table_2d(raw, "cramers_v", "observed");
  const auto rows = static_cast<std::size_t>(t.shape(0)), cols = static_cast<std::size_t>(t.shape(1));
  py::gil_scoped_release release;
  return cramers_v(t.data(), rows, cols);
}

std::string sig_repr(const char* name, double s, double p) {
  return fmt::format("{}(statistic={}, pvalue={})", name, float_repr(s), float_repr(p));
}

}  // namespace

void register_categorical(py::module_& m) {
  py::class_<py_chi2_result>(m, "Chi2ContingencyResult",
                             "Result of chi2_contingency (scipy's field names); unpacks as "
                             "(statistic, pvalue, dof, expected_freq).")
      .def_readonly("statistic", &py_chi2_result::statistic)
      .def_readonly("pvalue", &py_chi2_result::pvalue)
      .def_readonly("dof", &py_chi2_result::dof)
      .def_readonly("expected_freq", &py_chi2_result::expected_freq)
      .def("__len__", [](const py_chi2_result&) { return 4; })
      .def("__getitem__", &chi2_item)
      .def("__iter__",
           [](const py_chi2_result& r) {
             return py::iter(py::make_tuple(r.statistic, r.pvalue, r.dof, r.expected_freq));
           })
      .def("__repr__", [](const py_chi2_result& r) {
        return fmt::format("Chi2ContingencyResult(statistic={}, pvalue={}, dof={}, expected_freq={})",
                           float_repr(r.statistic), float_repr(r.pvalue), r.dof,
                           py::repr(r.expected_freq).cast<std::string>());
      });

  py::class_<significance_result>(m, "SignificanceResult",
                                  "Result of fisher_exact (scipy's field names); unpacks as (statistic, pvalue).")
      .def_readonly("statistic", &significance_result::statistic)
      .def_readonly("pvalue", &significance_result::pvalue)
      .def("__len__", [](const significance_result&) { return 2; })
      .def("__getitem__", &sig_item)
      .def("__iter__",
           [](const significance_result& r) { return py::iter(py::make_tuple(r.statistic, r.pvalue)); })
      .def("__repr__",
           [](const significance_result& r) { return sig_repr("SignificanceResult", r.statistic, r.pvalue); });

  py::class_<ztest_result>(m, "ZTestResult", "Result of two_proportion_ztest; unpacks as (statistic, pvalue).")
      .def_readonly("statistic", &ztest_result::statistic)
      .def_readonly("pvalue", &ztest_result::pvalue)
      .def("__len__", [](const ztest_result&) { return 2; })
      .def("__getitem__",
           [](const ztest_result& r, py::ssize_t i) { return sig_item(significance_result{r.statistic, r.pvalue}, i); })
      .def("__iter__", [](const ztest_result& r) { return py::iter(py::make_tuple(r.statistic, r.pvalue)); })
      .def("__repr__", [](const ztest_result& r) { return sig_repr("ZTestResult", r.statistic, r.pvalue); });

  m.def("multipletests", &multipletests_py, py::arg("pvals"), py::arg("alpha") = 0.05, py::arg("method") = "hs",
        py::arg("maxiter") = 1, py::arg("is_sorted") = false, py::arg("returnsorted") = false,
        "Multiple-testing p-value adjustment; matches statsmodels.stats.multitest.multipletests for "
        "method 'bonferroni', 'holm', 'fdr_bh' (and their aliases). statsmodels' signature is kept, but its "
        "default 'hs' and its other methods raise ValueError; NaN p-values raise ValueError. Returns "
        "(reject, pvals_corrected, alphacSidak, alphacBonf).");
  m.def("chi2_contingency", &chi2_contingency_py, py::arg("observed"), py::arg("correction") = true,
        py::arg("lambda_") = py::none(),
        "Chi-square test of independence on a 2-D contingency table; matches scipy.stats.chi2_contingency.");
  m.def("fisher_exact", &fisher_exact_py, py::arg("table"), py::arg("alternative") = py::none(),
        "Fisher's exact test on a 2 x 2 table; matches scipy.stats.fisher_exact.");
  m.def("two_proportion_ztest", &ztest_py, py::arg("count_ref"), py::arg("n_ref"), py::arg("count_cur"),
        py::arg("n_cur"),
        "Pooled two-proportion z-test (two-sided); matches statsmodels' proportions_ztest([count_ref, "
        "count_cur], [n_ref, n_cur]).");
  m.def("cramers_v", &cramers_v_py, py::arg("observed"),
        "Cramer's V of a 2-D integer table (no Yates' correction); matches "
        "scipy.stats.contingency.association(observed, method='cramer').");
}

}  // namespace driftscope::python
