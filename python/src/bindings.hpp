#pragma once
// Shared helpers of the driftscope._core bindings: 1-D array arguments (float32 /
// float64 without copy, anything else converted to float64), option parsing, the
// DriftResult Python object. Uses only pybind11 APIs present in 2.10 and 3.x.

#include <driftscope/core/drift_result.hpp>
#include <driftscope/core/error.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace driftscope::python {

namespace py = pybind11;

void register_errors(py::module_& m);
void register_kernels(py::module_& m);
void register_stats(py::module_& m);
void register_profile(py::module_& m);
void register_rank_tests(py::module_& m);
void register_cvm_energy(py::module_& m);
void register_categorical(py::module_& m);
void register_anderson_epps(py::module_& m);
void register_distances(py::module_& m);
void register_report(py::module_& m);
void register_mmd(py::module_& m);
void register_detectors(py::module_& m);
void register_detect_adwin(py::module_& m);
void register_detect_kswin(py::module_& m);
void register_detect_binary(py::module_& m);
void register_detect_moa(py::module_& m);
void register_evaluate(py::module_& m);
void register_histogram_window(py::module_& m);
void register_ecdf_window(py::module_& m);
void register_sketch(py::module_& m);
void register_threshold(py::module_& m);
void register_stream_monitor(py::module_& m);
void register_concept_recursive(py::module_& m);
void register_concept_breaks(py::module_& m);
void register_shape(py::module_& m);
void register_residual_monitor(py::module_& m);
void register_monitor_sketches(py::module_& m);
void register_alert_rule(py::module_& m);
void register_exposition(py::module_& m);
void register_pipeline_monitor(py::module_& m);
void register_deploy(py::module_& m);
void register_canary_judge(py::module_& m);

/// Raises ValueError("<fn>: <message>") through the C++ error helpers (translated).
template <class... Args>
[[noreturn]] void value_error(fmt::format_string<Args...> f, Args&&... args) {
  detail::throw_invalid_argument(f, std::forward<Args>(args)...);
}

/// A 1-D numeric argument: float32 or float64 C-contiguous arrays are borrowed as they
/// are; any other input goes through numpy conversion to float64 (forcecast).
struct array_1d {
  py::array keep;  ///< holds the data alive
  bool is_float32 = false;
  const void* ptr = nullptr;
  std::size_t size = 0;

  template <class T>
  const T* data() const {
    return static_cast<const T*>(ptr);
  }
};

inline array_1d as_array_1d(py::handle obj, const char* function, const char* name) {
  using f32 = py::array_t<float, py::array::c_style>;
  using f64 = py::array_t<double, py::array::c_style>;
  using f64_cast = py::array_t<double, py::array::c_style | py::array::forcecast>;
  array_1d a;
  if (f32::check_(obj)) {
    a.keep = py::reinterpret_borrow<py::array>(obj);
    a.is_float32 = true;
  } else if (f64::check_(obj)) {
    a.keep = py::reinterpret_borrow<py::array>(obj);
  } else {
    // the converting constructor raises numpy's own error (ensure() would clear it)
    a.keep = f64_cast(py::reinterpret_borrow<py::object>(obj));
  }
  if (a.keep.ndim() != 1)
    value_error("{}: {} must be 1-D, got {}-D array", function, name, static_cast<long>(a.keep.ndim()));
  a.ptr = a.keep.data();
  a.size = static_cast<std::size_t>(a.keep.shape(0));
  return a;
}

/// The same argument as float64 (a converted copy when it was float32).
inline array_1d as_float64(array_1d a) {
  if (!a.is_float32) return a;
  using f64_cast = py::array_t<double, py::array::c_style | py::array::forcecast>;
  a.keep = f64_cast(a.keep);
  a.is_float32 = false;
  a.ptr = a.keep.data();
  return a;
}

/// Calls f(const T* data) with T = float or double as stored.
template <class F>
decltype(auto) visit(const array_1d& a, F&& f) {
  if (a.is_float32) return f(a.data<float>());
  return f(a.data<double>());
}

/// Parses an option string with parse(s); a bad value's message gets the function
/// name in front ("ks_2samp: alternative must be ...").
template <class Parse>
auto option_arg(Parse&& parse, const std::string& s, const char* function) {
  try {
    return parse(s);
  } catch (const std::invalid_argument& e) {
    // drop a function prefix the parser may have put ("ks_2samp: method must be ...")
    std::string msg = e.what();
    const auto colon = msg.find(": ");
    if (colon != std::string::npos && msg.find(' ') > colon) msg.erase(0, colon + 2);
    value_error("{}: {}", function, msg);
  }
}

/// `bins` from Python: an int >= 2 (checked here so negatives give the C++ message).
inline std::size_t bins_arg(long long bins, const char* function) {
  if (bins < 2) value_error("{}: bins must be >= 2, got {}", function, bins);
  return static_cast<std::size_t>(bins);
}

/// The Python DriftResult: drift_result's fields as Python / numpy objects plus `method`.
struct py_drift_result {
  double statistic = 0;
  std::size_t n_reference = 0, n_current = 0, missing_reference = 0, missing_current = 0;
  py::array_t<double> edges;
  py::array_t<std::int64_t> reference_counts, current_counts;
  std::string method;
};

inline py::array_t<std::int64_t> to_int64_array(const std::vector<std::uint64_t>& v) {
  py::array_t<std::int64_t> out(static_cast<py::ssize_t>(v.size()));
  std::int64_t* p = out.mutable_data();
  for (std::size_t i = 0; i < v.size(); ++i) p[i] = static_cast<std::int64_t>(v[i]);
  return out;
}

inline py::array_t<double> to_float64_array(const std::vector<double>& v) {
  py::array_t<double> out(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

inline py_drift_result to_python(const drift_result& r, std::string method) {
  py_drift_result p;
  p.statistic = r.statistic;
  p.n_reference = r.n_reference;
  p.n_current = r.n_current;
  p.missing_reference = r.missing_reference;
  p.missing_current = r.missing_current;
  p.edges = to_float64_array(r.edges);
  p.reference_counts = to_int64_array(r.reference_counts);
  p.current_counts = to_int64_array(r.current_counts);
  p.method = std::move(method);
  return p;
}

/// A byte vector as Python bytes.
inline py::bytes to_py_bytes(const std::vector<std::uint8_t>& b) {
  return py::bytes(reinterpret_cast<const char*>(b.data()), b.size());
}

/// obj.serialize() as Python bytes (serialized with the GIL released).
template <class T>
py::bytes serialize_to_bytes(const T& obj) {
  std::vector<std::uint8_t> b;
  {
    py::gil_scoped_release release;
    b = obj.serialize();
  }
  return to_py_bytes(b);
}

/// A bytes-like argument (bytes, bytearray, memoryview, ...: anything bytes() accepts through
/// the buffer protocol), as a pointer and size into a bytes object kept alive here.
struct bytes_arg {
  py::object keep;
  const char* data = nullptr;
  std::size_t size = 0;
};

inline bytes_arg as_bytes_arg(py::handle data) {
  bytes_arg a;
  a.keep = py::reinterpret_steal<py::object>(PyBytes_FromObject(data.ptr()));
  if (!a.keep) throw py::error_already_set();
  char* ptr = nullptr;
  Py_ssize_t size = 0;
  if (PyBytes_AsStringAndSize(a.keep.ptr(), &ptr, &size) != 0) throw py::error_already_set();
  a.data = ptr;
  a.size = static_cast<std::size_t>(size);
  return a;
}

/// T::deserialize on a bytes-like argument, with the GIL released.
template <class T>
T deserialize_from_bytes(py::handle data) {
  const bytes_arg b = as_bytes_arg(data);
  py::gil_scoped_release release;
  return T::deserialize(b.data, b.size);
}

/// to_bytes / from_bytes / pickle / copy for a bound class S with serialize(); `restore`
/// maps bytes to S. Pickles as (version tag 1, bytes); unknown tags are refused.
template <class S, class Cls, class Restore>
void add_bytes_api(Cls& cls, const char* name, Restore restore) {
  static constexpr int version = 1;
  cls.def(
         "to_bytes", [](const S& s) { return serialize_to_bytes(s); }, "The state as versioned little-endian bytes.")
      .def_static("from_bytes", restore, py::arg("data"), "Restores the state from to_bytes() output.")
      .def("__copy__", [](const S& s) { return S(s); })
      .def(
          "__deepcopy__", [](const S& s, py::dict) { return S(s); }, py::arg("memo"))
      .def(py::pickle([](const S& s) { return py::make_tuple(version, serialize_to_bytes(s)); },
                      [name, restore](const py::tuple& t) {
                        if (t.size() != 2 || !py::isinstance<py::int_>(t[0]))
                          value_error("{}: invalid pickled state (expected (version, bytes))", name);
                        const int v = t[0].cast<int>();
                        if (v != version)
                          value_error("{}: unsupported pickle version {} (this build reads {})", name, v, version);
                        return restore(t[1]);
                      }));
}

/// The same with S::deserialize (the GIL released) as `restore`.
template <class S, class Cls>
void add_bytes_api(Cls& cls, const char* name) {
  add_bytes_api<S>(cls, name, &deserialize_from_bytes<S>);
}

/// A regression's (X, y) from Python, as float64 C-contiguous arrays: X 2-D (n, p) or 1-D
/// (one regressor), y 1-D of length n.
struct design_arg {
  py::array_t<double, py::array::c_style | py::array::forcecast> X, y;
  std::size_t n = 0, p = 0;

  /// X's data, or nullptr for an empty design.
  const double* x_data() const { return p > 0 && n > 0 ? X.data() : nullptr; }
};

inline design_arg as_design(py::handle X, py::handle y, const char* function) {
  using f64_cast = py::array_t<double, py::array::c_style | py::array::forcecast>;
  design_arg d;
  d.X = f64_cast(py::reinterpret_borrow<py::object>(X));
  d.y = f64_cast(py::reinterpret_borrow<py::object>(y));
  if (d.y.ndim() != 1) value_error("{}: y must be 1-D, got {}-D array", function, static_cast<long>(d.y.ndim()));
  d.n = static_cast<std::size_t>(d.y.shape(0));
  if (d.X.ndim() != 1 && d.X.ndim() != 2)
    value_error("{}: X must be 1-D or 2-D (n, p), got {}-D array", function, static_cast<long>(d.X.ndim()));
  d.p = d.X.ndim() == 1 ? 1 : static_cast<std::size_t>(d.X.shape(1));
  if (static_cast<std::size_t>(d.X.shape(0)) != d.n)
    value_error("{}: X has {} rows but y has {} values", function, static_cast<long>(d.X.shape(0)), d.n);
  return d;
}

/// Python repr of a float (shortest round-trip, as Python prints it).
inline std::string float_repr(double x) { return py::repr(py::float_(x)).cast<std::string>(); }

}  // namespace driftscope::python

#include <driftscope/stats/binning.hpp>

namespace driftscope::python {

/// `binning` from Python: 'quantile', 'uniform' (with `bins`), or a 1-D array of
/// interior edges (sorted ascending, no NaN; duplicates removed).
inline driftscope::binning binning_arg(py::handle binning, long long bins, const char* function) {
  if (py::isinstance<py::str>(binning)) {
    const auto s = binning.cast<std::string>();
    if (s == "quantile") return driftscope::binning::quantile(bins_arg(bins, function));
    if (s == "uniform") return driftscope::binning::uniform(bins_arg(bins, function));
    value_error("{}: binning must be 'quantile', 'uniform' or a 1-D array of edges, got '{}'", function, s);
  }
  const array_1d e = as_float64(as_array_1d(binning, function, "binning"));
  driftscope::binning b = driftscope::binning::explicit_edges(
      std::vector<double>(e.data<double>(), e.data<double>() + e.size));
  b.validate(function);
  return b;
}

}  // namespace driftscope::python

#include <driftscope/window/window_spec.hpp>

namespace driftscope::python {

/// A window from Python keyword arguments, shared by every windowed class:
/// kind 'sliding' (size, stride = max(1, size // 10) when None), 'tumbling' (size; stride
/// None or == size), 'time' (duration and stride in int nanoseconds; stride =
/// max(1, duration // 10) when None) or 'decaying' (half_life; stride = 1 when None).
inline window_spec window_arg(const std::string& kind, long long size, const py::object& stride,
                              const py::object& duration, const py::object& half_life, const char* function) {
  auto count = [&](long long v, const char* name) {
    if (v < 1) value_error("{}: {} must be >= 1, got {}", function, name, v);
    return static_cast<std::uint64_t>(v);
  };
  auto unused = [&](const py::object& v, const char* name) {
    if (!v.is_none()) value_error("{}: {} does not apply to kind='{}'", function, name, kind);
  };
  try {
    if (kind == "sliding" || kind == "tumbling") {
      unused(duration, "duration");
      unused(half_life, "half_life");
      const std::uint64_t n = count(size, "size");
      if (kind == "tumbling") {
        if (!stride.is_none() && stride.cast<long long>() != size)
          value_error("{}: a tumbling window's stride equals its size ({}), got {}", function, size,
                      stride.cast<long long>());
        return window_spec::tumbling(n);
      }
      const std::uint64_t s = stride.is_none() ? std::max<std::uint64_t>(1, n / 10) : count(stride.cast<long long>(), "stride");
      return window_spec::sliding(n, s);
    }
    if (kind == "time") {
      unused(half_life, "half_life");
      if (duration.is_none()) value_error("{}: kind='time' needs duration (int nanoseconds)", function);
      const auto d = duration.cast<std::int64_t>();
      const std::int64_t s = stride.is_none() ? std::max<std::int64_t>(1, d / 10) : stride.cast<std::int64_t>();
      return window_spec::time(d, s);
    }
    if (kind == "decaying") {
      unused(duration, "duration");
      if (half_life.is_none()) value_error("{}: kind='decaying' needs half_life (values)", function);
      const std::uint64_t s = stride.is_none() ? 1 : count(stride.cast<long long>(), "stride");
      return window_spec::decaying(half_life.cast<double>(), s);
    }
  } catch (const py::cast_error&) {
    value_error("{}: window arguments must be numbers (size, stride, duration: int; half_life: float)", function);
  } catch (const std::invalid_argument& e) {
    std::string msg = e.what();
    const auto colon = msg.find(": ");
    if (colon != std::string::npos) msg.erase(0, colon + 2);
    value_error("{}: {}", function, msg);
  }
  value_error("{}: kind must be 'sliding', 'tumbling', 'time' or 'decaying', got '{}'", function, kind);
}

}  // namespace driftscope::python
