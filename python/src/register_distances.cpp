// Binned distances (hellinger, total_variation, linf_distance, kl_divergence and their
// *_counts forms), normed_wasserstein, and the categorical primitives count_categories /
// categorical_drift on integer codes.
//
// Declaration for bindings.hpp:  void register_distances(py::module_& m);
#include "bindings.hpp"

#include <driftscope/stats/binned_distances.hpp>
#include <driftscope/stats/categorical.hpp>
#include <driftscope/stats/normed_wasserstein.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>

namespace driftscope::python {
namespace {

/// Runs f(const T* ref, n, const U* cur, n) on the stored float / double types, GIL released.
template <class F>
drift_result binned_run(const array_1d& ref, const array_1d& cur, F&& f) {
  py::gil_scoped_release release;
  return visit(ref, [&](auto* r) {
    return visit(cur, [&](auto* c) { return f(r, ref.size, c, cur.size); });
  });
}

/// hellinger / total_variation / linf_distance: the same arguments, one C++ function each.
template <class Stat>
py_drift_result binned_distance_py(const char* fn, Stat stat, py::handle reference,
                                   py::handle current, long long bins, py::handle binning,
                                   const std::string& policy) {
  const binned_distance_options opt{binning_arg(binning, bins, fn),
                                    option_arg(parse_nan_policy, policy, fn)};
  opt.validate(fn);
  const array_1d ref = as_array_1d(reference, fn, "reference");
  const array_1d cur = as_array_1d(current, fn, "current");
  const drift_result r = binned_run(
      ref, cur,
      [&](auto* a, std::size_t na, auto* b, std::size_t nb) { return stat(a, na, b, nb, opt); });
  return to_python(r, fn);
}

py_drift_result hellinger_py(py::handle reference, py::handle current, long long bins,
                             py::handle binning, const std::string& policy) {
  return binned_distance_py(
      "hellinger",
      [](auto* a, std::size_t na, auto* b, std::size_t nb, const binned_distance_options& o) {
        return driftscope::hellinger(a, na, b, nb, o);
      },
      reference, current, bins, binning, policy);
}

py_drift_result total_variation_py(py::handle reference, py::handle current, long long bins,
                                   py::handle binning, const std::string& policy) {
  return binned_distance_py(
      "total_variation",
      [](auto* a, std::size_t na, auto* b, std::size_t nb, const binned_distance_options& o) {
        return driftscope::total_variation(a, na, b, nb, o);
      },
      reference, current, bins, binning, policy);
}

py_drift_result linf_distance_py(py::handle reference, py::handle current, long long bins,
                                 py::handle binning, const std::string& policy) {
  return binned_distance_py(
      "linf_distance",
      [](auto* a, std::size_t na, auto* b, std::size_t nb, const binned_distance_options& o) {
        return driftscope::linf_distance(a, na, b, nb, o);
      },
      reference, current, bins, binning, policy);
}

/// Python's base=None is the natural log.
double base_arg(std::optional<double> base) {
  return base ? *base : natural_log_base;
}

py_drift_result kl_divergence_py(py::handle reference, py::handle current, long long bins,
                                 py::handle binning, double epsilon, std::optional<double> base,
                                 const std::string& policy) {
  const char* fn = "kl_divergence";
  const kl_options opt{binning_arg(binning, bins, fn), epsilon,
                       option_arg(parse_nan_policy, policy, fn), base_arg(base)};
  opt.validate();
  const array_1d ref = as_array_1d(reference, fn, "reference");
  const array_1d cur = as_array_1d(current, fn, "current");
  const drift_result r =
      binned_run(ref, cur, [&](auto* a, std::size_t na, auto* b, std::size_t nb) {
        return driftscope::kl_divergence(a, na, b, nb, opt);
      });
  return to_python(r, fn);
}

py_drift_result normed_wasserstein_py(py::handle reference, py::handle current,
                                      const std::string& policy) {
  const char* fn = "normed_wasserstein";
  const nan_policy p = option_arg(parse_nan_policy, policy, fn);
  const array_1d ref = as_array_1d(reference, fn, "reference");
  const array_1d cur = as_array_1d(current, fn, "current");
  const drift_result r =
      binned_run(ref, cur, [&](auto* a, std::size_t na, auto* b, std::size_t nb) {
        return driftscope::normed_wasserstein(a, na, b, nb, p);
      });
  return to_python(r, fn);
}

/// Two count vectors of equal length as float64 arrays.
std::pair<array_1d, array_1d> counts_pair(py::handle reference_counts, py::handle current_counts,
                                          const char* fn) {
  array_1d a = as_float64(as_array_1d(reference_counts, fn, "reference_counts"));
  array_1d b = as_float64(as_array_1d(current_counts, fn, "current_counts"));
  if (a.size != b.size)
    value_error("{}: reference_counts and current_counts must have the same length, got {} and {}",
                fn, a.size, b.size);
  return {std::move(a), std::move(b)};
}

template <class F>
double counts_call(py::handle reference_counts, py::handle current_counts, const char* fn, F&& f) {
  const auto ab = counts_pair(reference_counts, current_counts, fn);
  py::gil_scoped_release release;
  return f(ab.first.data<double>(), ab.second.data<double>(), ab.first.size);
}

// ------------------------------------------------------------------------------- categorical

py::module_ numpy() {
  return py::module_::import("numpy");
}

/// A 1-D array of signed integer codes: int8 / int16 / int32 / int64 kept as they are (no
/// copy when C-contiguous), unsigned integers converted to int64 (uint64 only when every
/// code fits), anything else rejected. An empty sequence is an empty int64 array.
py::array codes_arg(py::handle obj, const char* fn, const char* name) {
  py::array a = numpy().attr("ascontiguousarray")(obj);
  if (a.ndim() != 1)
    value_error("{}: {} must be 1-D, got {}-D array", fn, name, static_cast<long>(a.ndim()));
  const char kind = a.dtype().kind();
  if (a.size() == 0 && kind != 'i') return py::array_t<std::int64_t>(0);
  if (kind == 'i') return a;
  if (kind == 'u') {
    if (a.itemsize() == 8 && a.size() != 0 &&
        a.attr("max")().cast<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      value_error("{}: {} codes must fit in int64, got {}", fn, name,
                  py::str(a.attr("max")()).cast<std::string>());
    return a.attr("astype")(numpy().attr("int64"));
  }
  value_error("{}: {} must be an array of integer codes (negative = missing), got dtype {}", fn,
              name, py::str(a.dtype()).cast<std::string>());
}

template <class Code>
category_counts count_typed(const py::array& a, const py::array& b, std::size_t k) {
  const auto* pa = static_cast<const Code*>(a.data());
  const auto* pb = static_cast<const Code*>(b.data());
  const auto na = static_cast<std::size_t>(a.size()), nb = static_cast<std::size_t>(b.size());
  py::gil_scoped_release release;
  return count_categories(pa, na, pb, nb, k);
}

py::tuple count_categories_py(py::handle ref_codes, py::handle cur_codes, long long n_categories) {
  const char* fn = "count_categories";
  if (n_categories < 0) value_error("{}: n_categories must be >= 0, got {}", fn, n_categories);
  py::array a = codes_arg(ref_codes, fn, "ref_codes");
  py::array b = codes_arg(cur_codes, fn, "cur_codes");
  if (a.itemsize() != b.itemsize()) {  // one code type for both: widen to int64
    a = a.attr("astype")(numpy().attr("int64"));
    b = b.attr("astype")(numpy().attr("int64"));
  }
  const auto k = static_cast<std::size_t>(n_categories);
  category_counts c;
  switch (a.itemsize()) {
    case 1: c = count_typed<std::int8_t>(a, b, k); break;
    case 2: c = count_typed<std::int16_t>(a, b, k); break;
    case 4: c = count_typed<std::int32_t>(a, b, k); break;
    default: c = count_typed<std::int64_t>(a, b, k); break;
  }
  const auto to_array = [](const std::vector<std::int64_t>& v) {
    py::array_t<std::int64_t> out(static_cast<py::ssize_t>(v.size()));
    std::copy(v.begin(), v.end(), out.mutable_data());
    return out;
  };
  return py::make_tuple(to_array(c.reference), to_array(c.current), c.missing_reference,
                        c.missing_current);
}

/// A count vector for categorical_drift: integers (or floats holding integers) as int64.
std::vector<std::int64_t> count_vector_arg(py::handle obj, const char* name) {
  const char* fn = "categorical_drift";
  py::array a = numpy().attr("ascontiguousarray")(obj);
  if (a.ndim() != 1)
    value_error("{}: {} must be 1-D, got {}-D array", fn, name, static_cast<long>(a.ndim()));
  const char kind = a.dtype().kind();
  if (a.size() != 0 && kind != 'i' && kind != 'u') {
    if (kind != 'f')
      value_error("{}: {} must hold integer counts, got dtype {}", fn, name,
                  py::str(a.dtype()).cast<std::string>());
    const array_1d f = as_float64(as_array_1d(a, fn, name));
    for (std::size_t i = 0; i < f.size; ++i) {
      const double v = f.data<double>()[i];
      if (!(std::floor(v) == v) || std::fabs(v) > 9.2e18)
        value_error("{}: {} must hold integer counts, got {} at index {}", fn, name, v, i);
    }
  }
  using i64 = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;
  const i64 c(a);
  return std::vector<std::int64_t>(c.data(), c.data() + c.size());
}

py::tuple categorical_drift_py(py::handle reference_counts, py::handle current_counts,
                               const std::string& test, double epsilon) {
  const categorical_test t = option_arg(parse_categorical_test, test, "categorical_drift");
  category_counts c;
  c.reference = count_vector_arg(reference_counts, "ref_counts");
  c.current = count_vector_arg(current_counts, "cur_counts");
  categorical_result r;
  {
    py::gil_scoped_release release;
    r = categorical_drift(c, t, epsilon);
  }
  return py::make_tuple(r.statistic, r.pvalue);
}

}  // namespace

void register_distances(py::module_& m) {
  constexpr const char* binned_doc =
      " between the binned reference and current samples (psi's bins); returns a DriftResult.";
  m.def("hellinger", &hellinger_py, py::arg("reference"), py::arg("current"), py::arg("bins") = 10,
        py::arg("binning") = "quantile", py::arg("nan_policy") = "omit",
        (std::string("Hellinger distance") + binned_doc).c_str());
  m.def("total_variation", &total_variation_py, py::arg("reference"), py::arg("current"),
        py::arg("bins") = 10, py::arg("binning") = "quantile", py::arg("nan_policy") = "omit",
        (std::string("Total variation distance") + binned_doc).c_str());
  m.def("linf_distance", &linf_distance_py, py::arg("reference"), py::arg("current"),
        py::arg("bins") = 10, py::arg("binning") = "quantile", py::arg("nan_policy") = "omit",
        (std::string("L-infinity distance") + binned_doc).c_str());
  m.def("kl_divergence", &kl_divergence_py, py::arg("reference"), py::arg("current"),
        py::arg("bins") = 10, py::arg("binning") = "quantile", py::arg("epsilon") = 1e-4,
        py::arg("base") = py::none(), py::arg("nan_policy") = "omit",
        "KL(reference || current) of the binned samples, proportions floored at epsilon and "
        "renormalized "
        "(scipy.stats.entropy); returns a DriftResult.");
  m.def("normed_wasserstein", &normed_wasserstein_py, py::arg("reference"), py::arg("current"),
        py::arg("nan_policy") = "omit",
        "wasserstein_distance(reference, current) / std(reference) (Evidently's 'wasserstein'); "
        "returns a "
        "DriftResult without bins.");
  m.def(
      "hellinger_counts",
      [](py::handle r, py::handle c) {
        return counts_call(r, c, "hellinger_counts",
                           [](const double* a, const double* b, std::size_t n) {
                             return hellinger_counts(a, b, n);
                           });
      },
      py::arg("reference_counts"), py::arg("current_counts"),
      "Hellinger distance of two count vectors.");
  m.def(
      "total_variation_counts",
      [](py::handle r, py::handle c) {
        return counts_call(r, c, "total_variation_counts",
                           [](const double* a, const double* b, std::size_t n) {
                             return total_variation_counts(a, b, n);
                           });
      },
      py::arg("reference_counts"), py::arg("current_counts"),
      "Total variation distance of two count vectors.");
  m.def(
      "linf_distance_counts",
      [](py::handle r, py::handle c) {
        return counts_call(r, c, "linf_distance_counts",
                           [](const double* a, const double* b, std::size_t n) {
                             return linf_distance_counts(a, b, n);
                           });
      },
      py::arg("reference_counts"), py::arg("current_counts"),
      "L-infinity distance of two count vectors.");
  m.def(
      "kl_divergence_counts",
      [](py::handle r, py::handle c, double epsilon, std::optional<double> base) {
        const double b = base_arg(base);
        return counts_call(r, c, "kl_divergence_counts",
                           [&](const double* x, const double* y, std::size_t n) {
                             return kl_divergence_counts(x, y, n, epsilon, b);
                           });
      },
      py::arg("reference_counts"), py::arg("current_counts"), py::arg("epsilon") = 1e-4,
      py::arg("base") = py::none(),
      "KL(reference || current) of two count vectors (epsilon floor, renormalized).");
  m.def("count_categories", &count_categories_py, py::arg("ref_codes"), py::arg("cur_codes"),
        py::arg("n_categories"),
        "Counts integer category codes (negative = missing): returns (reference_counts, "
        "current_counts, "
        "missing_reference, missing_current).");
  m.def("categorical_drift", &categorical_drift_py, py::arg("ref_counts"), py::arg("cur_counts"),
        py::arg("test"), py::arg("epsilon") = 1e-4,
        "One categorical drift statistic on two count vectors: test in 'chisquare', 'g_test', 'z', "
        "'fisher_exact', 'psi', 'jensenshannon', 'hellinger', 'tvd', 'kl_div'; returns (statistic, "
        "pvalue).");
}

}  // namespace driftscope::python
