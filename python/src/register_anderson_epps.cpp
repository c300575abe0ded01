// k-sample Anderson-Darling (anderson_ksamp, result class Anderson_ksampResult) and the
// Epps-Singleton test (epps_singleton_2samp, result class Epps_Singleton_2sampResult).
//
// Declaration for bindings.hpp:  void register_anderson_epps(py::module_& m);
#include "bindings.hpp"

#include <driftscope/stats/anderson_ksamp.hpp>
#include <driftscope/stats/epps_singleton.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace driftscope::python {

void register_anderson_epps(py::module_& m);

namespace {

constexpr const char* kAnderson = "anderson_ksamp";
constexpr const char* kEpps = "epps_singleton_2samp";

py::array_t<double> critical_array(const anderson_ksamp_result& r) {
  py::array_t<double> out(7);
  std::copy(r.critical_values.begin(), r.critical_values.end(), out.mutable_data());
  return out;
}

py::object anderson_item(const anderson_ksamp_result& r, py::ssize_t i) {
  if (i < 0) i += 3;
  if (i == 0) return py::float_(r.statistic);
  if (i == 1) return critical_array(r);
  if (i == 2) return py::float_(r.pvalue);
  throw py::index_error("Anderson_ksampResult index out of range");
}

bool is_bool(py::handle h) {
  return py::isinstance<py::bool_>(h) ||
         py::isinstance(h, py::module_::import("numpy").attr("bool_"));
}

/// An integer-like argument (int, numpy integer; not bool) in [lo, 2^64); false otherwise.
bool uint64_arg(py::handle h, std::uint64_t lo, std::uint64_t* out) {
  if (is_bool(h)) return false;
  PyObject* idx = PyNumber_Index(h.ptr());
  if (idx == nullptr) {
    PyErr_Clear();
    return false;
  }
  const py::object keep = py::reinterpret_steal<py::object>(idx);
  const unsigned long long v = PyLong_AsUnsignedLongLong(idx);  // negative or too large: error set
  if (PyErr_Occurred()) {
    PyErr_Clear();
    return false;
  }
  if (v < lo) return false;
  *out = static_cast<std::uint64_t>(v);
  return true;
}

/// n_resamples: a positive int, or +inf (always enumerate every partition, as scipy).
std::uint64_t n_resamples_arg(py::handle h) {
  if (!is_bool(h) && py::isinstance<py::float_>(h)) {
    const double v = h.cast<double>();
    if (std::isinf(v) && v > 0) return std::numeric_limits<std::uint64_t>::max();
  }
  std::uint64_t v = 0;
  if (!uint64_arg(h, 1, &v))
    value_error("{}: n_resamples must be a positive integer, got {}", kAnderson,
                py::repr(h).cast<std::string>());
  return v;
}

std::uint64_t fresh_seed() {
  const py::bytes b = py::module_::import("os").attr("urandom")(8);
  const std::string s = b;
  std::uint64_t v = 0;
  for (const char c : s) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

/// seed: None (fresh from os.urandom), an int in [0, 2^64), or a numpy Generator /
/// RandomState (one 64-bit draw from it, so scipy-style rng objects are usable).
std::uint64_t seed_arg(py::handle h) {
  if (h.is_none()) return fresh_seed();
  py::module_ np = py::module_::import("numpy");
  py::module_ npr = py::module_::import("numpy.random");
  const py::int_ top(std::numeric_limits<std::uint64_t>::max());
  if (py::isinstance(h, npr.attr("Generator")))
    return h
        .attr("integers")(0, top, py::arg("dtype") = np.attr("uint64"), py::arg("endpoint") = true)
        .cast<std::uint64_t>();
  if (py::isinstance(h, npr.attr("RandomState")))
    return h
        .attr("randint")(0, top, py::arg("dtype") = np.attr("uint64"), py::arg("endpoint") = true)
        .cast<std::uint64_t>();
  std::uint64_t v = 0;
  if (!uint64_arg(h, 0, &v))
    value_error("{}: seed must be None, an integer in [0, 2**64) or a numpy Generator, got {}",
                kAnderson, py::repr(h).cast<std::string>());
  return v;
}

anderson_ksamp_result anderson_py(py::handle samples, py::handle midrank, py::handle variant,
                                  py::handle method, py::handle n_resamples, py::handle seed) {
  anderson_ksamp_options opt;
  // variant wins over midrank (scipy 1.17: midrank is deprecated in favour of variant)
  if (!variant.is_none()) {
    if (!py::isinstance<py::str>(variant))
      value_error("{}: variant must be 'midrank', 'right' or 'continuous', got {}", kAnderson,
                  py::repr(variant).cast<std::string>());
    opt.variant = option_arg(parse_anderson_variant, variant.cast<std::string>(), kAnderson);
  } else {
    opt.variant = (midrank.is_none() || py::bool_(py::reinterpret_borrow<py::object>(midrank)))
                      ? anderson_variant::midrank
                      : anderson_variant::right;
  }
  py::handle seed_src = seed;
  py::object method_rng;
  if (method.is_none()) {
    opt.method = anderson_method::asymptotic;
    opt.n_resamples = n_resamples_arg(n_resamples);
  } else if (py::isinstance<py::str>(method)) {
    opt.method = option_arg(parse_anderson_method, method.cast<std::string>(), kAnderson);
    opt.n_resamples = n_resamples_arg(n_resamples);
  } else if (py::hasattr(method, "n_resamples")) {
    // a scipy.stats.PermutationMethod (duck-typed): its n_resamples, and its rng /
    // random_state when set (else `seed`)
    opt.method = anderson_method::permutation;
    opt.n_resamples = n_resamples_arg(method.attr("n_resamples"));
    for (const char* attr : {"rng", "random_state"}) {
      if (py::hasattr(method, attr)) {
        py::object v = method.attr(attr);
        if (!v.is_none()) {
          method_rng = v;
          seed_src = method_rng;
          break;
        }
      }
    }
  } else {
    value_error(
        "{}: method must be None, 'asymptotic', 'permutation' or a scipy.stats.PermutationMethod, "
        "got {}",
        kAnderson, py::repr(method).cast<std::string>());
  }
  if (opt.method == anderson_method::permutation) opt.seed = seed_arg(seed_src);
  opt.validate();

  if (py::isinstance<py::str>(samples) || !py::hasattr(samples, "__iter__"))
    value_error("{}: samples must be a sequence of 1-D arrays, got {}", kAnderson,
                py::str(py::type::handle_of(samples).attr("__name__")).cast<std::string>());
  std::vector<array_1d> arrays;
  std::vector<std::string> names;
  for (py::handle s : py::iter(samples)) {
    names.push_back("samples[" + std::to_string(arrays.size()) + "]");
    arrays.push_back(as_array_1d(s, kAnderson, names.back().c_str()));
  }
  bool any32 = false, any64 = false;
  for (const auto& a : arrays) (a.is_float32 ? any32 : any64) = true;
  if (any32 && any64)
    for (auto& a : arrays) a = as_float64(std::move(a));
  const bool f32 = any32 && !any64;
  std::vector<std::size_t> sizes;
  std::vector<const float*> p32;
  std::vector<const double*> p64;
  for (const auto& a : arrays) {
    sizes.push_back(a.size);
    if (f32)
      p32.push_back(a.data<float>());
    else
      p64.push_back(a.data<double>());
  }
  py::gil_scoped_release release;
  if (f32) return anderson_ksamp(p32.data(), sizes.data(), sizes.size(), opt);
  return anderson_ksamp(p64.data(), sizes.data(), sizes.size(), opt);
}

py::object epps_item(const epps_singleton_result& r, py::ssize_t i) {
  if (i < 0) i += 2;
  if (i == 0) return py::float_(r.statistic);
  if (i == 1) return py::float_(r.pvalue);
  throw py::index_error("Epps_Singleton_2sampResult index out of range");
}

epps_singleton_result epps_py(py::handle x, py::handle y, py::handle t, py::handle axis,
                              const std::string& policy, bool keepdims) {
  if (is_bool(axis) || !py::isinstance<py::int_>(axis) ||
      (axis.cast<long long>() != 0 && axis.cast<long long>() != -1))
    value_error("{}: axis must be 0 or -1 (driftscope takes 1-D input only), got {}", kEpps,
                py::repr(axis).cast<std::string>());
  if (keepdims)
    value_error("{}: keepdims=True is not supported (driftscope takes 1-D input only)", kEpps);
  epps_singleton_options opt;
  opt.nan = option_arg(parse_nan_policy, policy, kEpps);
  using f64_cast = py::array_t<double, py::array::c_style | py::array::forcecast>;
  py::array tv =
      f64_cast(py::module_::import("numpy").attr("asarray")(t, py::arg("dtype") = "float64"));
  if (tv.ndim() > 1)
    value_error("{}: t must be 1-D, got {}-D array", kEpps, static_cast<long>(tv.ndim()));
  const double* tp = static_cast<const double*>(tv.data());
  opt.t.assign(tp, tp + tv.size());
  array_1d a = as_array_1d(x, kEpps, "x");
  array_1d b = as_array_1d(y, kEpps, "y");
  if (a.is_float32 != b.is_float32) {
    a = as_float64(std::move(a));
    b = as_float64(std::move(b));
  }
  py::gil_scoped_release release;
  if (a.is_float32)
    return epps_singleton_2samp(a.data<float>(), a.size, b.data<float>(), b.size, opt);
  return epps_singleton_2samp(a.data<double>(), a.size, b.data<double>(), b.size, opt);
}

}  // namespace

void register_anderson_epps(py::module_& m) {
  py::class_<anderson_ksamp_result>(
      m, "Anderson_ksampResult",
      "Result of anderson_ksamp (scipy's field names); unpacks as (statistic, critical_values, "
      "pvalue).\n\n"
      "pvalue_capped is True when the asymptotic p-value lies outside the tabulated range and was "
      "capped at 0.25 "
      "or floored at 0.001 (scipy warns in that case; driftscope never warns).")
      .def_readonly("statistic", &anderson_ksamp_result::statistic)
      .def_property_readonly("critical_values", &critical_array)
      .def_readonly("pvalue", &anderson_ksamp_result::pvalue)
      .def_property_readonly("significance_level",
                             [](const anderson_ksamp_result& r) { return r.pvalue; })
      .def_readonly("pvalue_capped", &anderson_ksamp_result::pvalue_capped)
      .def_property_readonly(
          "method", [](const anderson_ksamp_result& r) { return std::string(to_string(r.method)); })
      .def_property_readonly(
          "variant",
          [](const anderson_ksamp_result& r) { return std::string(to_string(r.variant)); })
      .def_readonly("statistic_raw", &anderson_ksamp_result::statistic_raw)
      .def_readonly("n_resamples", &anderson_ksamp_result::n_resamples)
      .def_readonly("exact", &anderson_ksamp_result::exact)
      .def("__len__", [](const anderson_ksamp_result&) { return 3; })
      .def("__getitem__", &anderson_item)
      .def("__iter__",
           [](const anderson_ksamp_result& r) {
             return py::iter(py::make_tuple(r.statistic, critical_array(r), r.pvalue));
           })
      .def("__repr__", [](const anderson_ksamp_result& r) {
        return fmt::format("Anderson_ksampResult(statistic={}, critical_values={}, pvalue={})",
                           float_repr(r.statistic), py::repr(critical_array(r)).cast<std::string>(),
                           float_repr(r.pvalue));
      });

  py::class_<epps_singleton_result>(
      m, "Epps_Singleton_2sampResult",
      "Result of epps_singleton_2samp (scipy's field names); unpacks as "
      "(statistic, pvalue). df is the chi-square degrees of freedom (the rank of the "
      "covariance estimate; scipy warns when it is below 2*len(t)).")
      .def_readonly("statistic", &epps_singleton_result::statistic)
      .def_readonly("pvalue", &epps_singleton_result::pvalue)
      .def_readonly("df", &epps_singleton_result::df)
      .def_readonly("nx", &epps_singleton_result::nx)
      .def_readonly("ny", &epps_singleton_result::ny)
      .def_readonly("missing_x", &epps_singleton_result::missing_x)
      .def_readonly("missing_y", &epps_singleton_result::missing_y)
      .def("__len__", [](const epps_singleton_result&) { return 2; })
      .def("__getitem__", &epps_item)
      .def("__iter__",
           [](const epps_singleton_result& r) {
             return py::iter(py::make_tuple(r.statistic, r.pvalue));
           })
      .def("__repr__", [](const epps_singleton_result& r) {
        return fmt::format("Epps_Singleton_2sampResult(statistic={}, pvalue={})",
                           float_repr(r.statistic), float_repr(r.pvalue));
      });

  m.def("anderson_ksamp", &anderson_py, py::arg("samples"), py::arg("midrank") = true,
        py::kw_only(), py::arg("variant") = py::none(), py::arg("method") = py::none(),
        py::arg("n_resamples") = 9999, py::arg("seed") = py::none(),
        "k-sample Anderson-Darling test; matches scipy.stats.anderson_ksamp (scipy 1.17).\n\n"
        "variant ('midrank', 'right', 'continuous') wins over the older midrank flag (True: "
        "'midrank', False: "
        "'right'). method: None or 'asymptotic' (p-value interpolated from the tabulated critical "
        "values, capped "
        "to [0.001, 0.25], see pvalue_capped), 'permutation' (n_resamples random partitions, or "
        "all of them when "
        "there are at most n_resamples), or a scipy.stats.PermutationMethod (its n_resamples and "
        "rng are used). "
        "seed: None draws a fresh seed from os.urandom; an int in [0, 2**64) gives the same "
        "p-value on every "
        "machine; a numpy Generator contributes one 64-bit draw. NaN input raises ValueError.");
  m.def("epps_singleton_2samp", &epps_py, py::arg("x"), py::arg("y"),
        py::arg("t") = py::make_tuple(0.4, 0.8), py::kw_only(), py::arg("axis") = 0,
        py::arg("nan_policy") = "propagate", py::arg("keepdims") = false,
        "Epps-Singleton two-sample test on the empirical characteristic function; matches "
        "scipy.stats.epps_singleton_2samp (1-D). Samples need at least 5 values each (after "
        "omitting NaN).");
}

}  // namespace driftscope::python
