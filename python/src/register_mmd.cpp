// Multivariate two-sample test: mmd (Gaussian-kernel maximum mean discrepancy, exact /
// linear / block estimators), result class MMDResult.
//
// Declaration for bindings.hpp:  void register_mmd(py::module_& m);
#include "bindings.hpp"

#include <driftscope/stats/mmd.hpp>

#include <cstdint>
#include <string>
#include <utility>

namespace driftscope::python {

void register_mmd(py::module_& m);

namespace {

constexpr const char* kFn = "mmd";

/// A 2-D sample (1-D taken as n × 1): float32 / float64 C-contiguous arrays are borrowed,
/// anything else converted to C-contiguous float64.
struct array_2d {
  py::array keep;
  bool is_float32 = false;
  const void* ptr = nullptr;
  std::size_t rows = 0, cols = 0;

  template <class T>
  const T* data() const {
    return static_cast<const T*>(ptr);
  }
};

array_2d as_array_2d(py::handle obj, const char* name) {
  using f32 = py::array_t<float, py::array::c_style>;
  using f64 = py::array_t<double, py::array::c_style>;
  using f64_cast = py::array_t<double, py::array::c_style | py::array::forcecast>;
  array_2d a;
  if (f32::check_(obj)) {
    a.keep = py::reinterpret_borrow<py::array>(obj);
    a.is_float32 = true;
  } else if (f64::check_(obj)) {
    a.keep = py::reinterpret_borrow<py::array>(obj);
  } else {
    a.keep = f64_cast(py::reinterpret_borrow<py::object>(obj));
  }
  const auto nd = a.keep.ndim();
  if (nd != 1 && nd != 2)
    value_error("{}: {} must be 1-D or 2-D, got {}-D array", kFn, name, static_cast<long>(nd));
  a.ptr = a.keep.data();
  a.rows = static_cast<std::size_t>(a.keep.shape(0));
  a.cols = nd == 2 ? static_cast<std::size_t>(a.keep.shape(1)) : 1;
  return a;
}

array_2d to_float64(array_2d a) {
  if (!a.is_float32) return a;
  using f64_cast = py::array_t<double, py::array::c_style | py::array::forcecast>;
  a.keep = f64_cast(a.keep);
  a.is_float32 = false;
  a.ptr = a.keep.data();
  return a;
}

std::size_t count_arg(long long v, const char* name, long long min_value) {
  if (v < min_value) value_error("{}: {} must be >= {}, got {}", kFn, name, min_value, v);
  return static_cast<std::size_t>(v);
}

std::uint64_t seed_arg(py::handle seed) {
  if (!PyLong_Check(seed.ptr()) || PyBool_Check(seed.ptr()))
    value_error("{}: seed must be an integer in [0, 2**64), got {}", kFn,
                std::string(py::repr(seed)));
  const unsigned long long v = PyLong_AsUnsignedLongLong(seed.ptr());
  if (v == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
    PyErr_Clear();
    value_error("{}: seed must be an integer in [0, 2**64), got {}", kFn,
                std::string(py::repr(seed)));
  }
  return static_cast<std::uint64_t>(v);
}

mmd_result mmd_py(py::handle x, py::handle y, py::handle sigma, const std::string& estimator,
                  long long n_permutations, py::handle seed, py::handle block_size,
                  long long exact_max_n, long long median_max_n) {
  mmd_options opt;
  if (!sigma.is_none())
    opt.sigma = py::cast<double>(py::float_(py::reinterpret_borrow<py::object>(sigma)));
  opt.estimator = option_arg(parse_mmd_estimator, estimator, kFn);
  opt.n_permutations = count_arg(n_permutations, "n_permutations", 0);
  opt.seed = seed_arg(seed);
  if (!block_size.is_none()) {
    const long long b = py::cast<long long>(block_size);
    if (b < 2) value_error("{}: block_size must be None (auto) or >= 2, got {}", kFn, b);
    opt.block_size = static_cast<std::size_t>(b);
  }
  opt.exact_max_n = count_arg(exact_max_n, "exact_max_n", 0);
  opt.median_max_n = count_arg(median_max_n, "median_max_n", 0);
  opt.validate();
  array_2d a = as_array_2d(x, "x");
  array_2d b = as_array_2d(y, "y");
  // too few rows is reported first (by the C++ checks), also for an empty list (shape (0,))
  if (a.cols != b.cols && a.rows >= 2 && b.rows >= 2)
    value_error("{}: x and y must have the same number of columns (features), got {} and {}", kFn,
                a.cols, b.cols);
  if (a.is_float32 != b.is_float32) {
    a = to_float64(std::move(a));
    b = to_float64(std::move(b));
  }
  py::gil_scoped_release release;
  if (a.is_float32) return mmd(a.data<float>(), a.rows, b.data<float>(), b.rows, a.cols, opt);
  return mmd(a.data<double>(), a.rows, b.data<double>(), b.rows, a.cols, opt);
}

py::object mmd_item(const mmd_result& r, py::ssize_t i) {
  if (i < 0) i += 2;
  if (i == 0) return py::float_(r.statistic);
  if (i == 1) return py::float_(r.pvalue);
  throw py::index_error("MMDResult index out of range");
}

}  // namespace

void register_mmd(py::module_& m) {
  py::class_<mmd_result>(
      m, "MMDResult",
      "Result of mmd: statistic (MMD^2), pvalue, the kernel bandwidth sigma, the estimator "
      "used, sizes; unpacks as (statistic, pvalue).")
      .def_readonly("statistic", &mmd_result::statistic)
      .def_readonly("pvalue", &mmd_result::pvalue)
      .def_readonly("sigma", &mmd_result::sigma)
      .def_property_readonly(
          "estimator", [](const mmd_result& r) { return std::string(to_string(r.estimator)); })
      .def_readonly("n_x", &mmd_result::n)
      .def_readonly("n_y", &mmd_result::m)
      .def_readonly("n_features", &mmd_result::d)
      .def_readonly("n_permutations", &mmd_result::n_permutations)
      .def_readonly("block_size", &mmd_result::block_size)
      .def("__len__", [](const mmd_result&) { return 2; })
      .def("__getitem__", &mmd_item)
      .def("__iter__",
           [](const mmd_result& r) { return py::iter(py::make_tuple(r.statistic, r.pvalue)); })
      .def("__repr__", [](const mmd_result& r) {
        return fmt::format("MMDResult(statistic={}, pvalue={}, sigma={}, estimator='{}')",
                           float_repr(r.statistic), float_repr(r.pvalue), float_repr(r.sigma),
                           to_string(r.estimator));
      });

  m.def("mmd", &mmd_py, py::arg("x"), py::arg("y"), py::kw_only(), py::arg("sigma") = py::none(),
        py::arg("estimator") = "auto", py::arg("n_permutations") = 100, py::arg("seed") = 0,
        py::arg("block_size") = py::none(), py::arg("exact_max_n") = 5000,
        py::arg("median_max_n") = 1000,
        R"doc(Maximum mean discrepancy (MMD) two-sample test with the Gaussian kernel
k(a, b) = exp(-||a - b||^2 / (2 sigma^2)) (Gretton et al. 2012, "A Kernel Two-Sample Test", JMLR 13).

Parameters
----------
x, y : array_like, shape (n, d) and (m, d)
    Reference and current samples (1-D input is one feature). float32 / float64
    C-contiguous arrays are read without a copy; computation is in float64. NaN or inf
    raise ValueError.
sigma : float or None
    Kernel bandwidth. None: median heuristic as alibi-detect's MMDDrift: sqrt(lower median
    of the squared distances between rows of x / 2), over at most median_max_n strided rows
    of x; O(min(n, median_max_n)^2 d).
estimator : {'auto', 'exact', 'linear', 'block'}
    'exact': unbiased quadratic-time MMD^2 (alibi-detect's statistic) and a permutation
    p-value (1 + #{perm >= observed}) / (1 + n_permutations) from the kept kernel matrix:
    O((n+m)^2 d + (n+m)^2 n_permutations) time, 8 (n+m)^2 bytes of memory.
    'linear': Gretton's linear-time statistic (Lemma 14) with a one-sided normal p-value:
    O(min(n, m) d) time, O(d) memory.
    'block': B-test (Zaremba et al. 2013), mean of the unbiased statistic over blocks of
    block_size rows with a one-sided normal p-value: O(min(n, m) block_size d) time.
    'auto': 'exact' when n + m <= exact_max_n, else 'block'.
n_permutations : int
    Permutations of the exact test (0: statistic only, pvalue NaN).
seed : int
    Seed of the permutations; the same seed gives the same p-value on every machine.
block_size : int or None
    Rows per block for 'block'; None: max(2, floor(sqrt(min(n, m)))).
exact_max_n : int
    Largest n + m for 'exact' (at most 16384); 'exact' above it raises ValueError.
median_max_n : int
    Rows of x used by the median heuristic.

Returns
-------
MMDResult
    statistic (MMD^2), pvalue, sigma, estimator, n_x, n_y, n_features, n_permutations,
    block_size.)doc");
}

}  // namespace driftscope::python
