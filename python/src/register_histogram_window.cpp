// HistogramWindow: bin counts of the current window of a stream against fixed reference
// bins (histogram_window), with the binned drift statistics at every evaluation point;
// picklable through its serialized bytes (it holds its edges and reference counts).
#include "bindings.hpp"

#include <driftscope/stats/reference_profile.hpp>
#include <driftscope/window/histogram_window.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace driftscope::python {
namespace {

using profile = reference_profile<double>;
using window = histogram_window;

/// Version tag of the pickled state: (tag, bytes). Unknown tags are refused.
constexpr int pickle_version = 1;

/// The evaluations of one update_many call.
struct py_evaluations {
  py::array_t<std::int64_t> ends, timestamps;
  py::array_t<double> psi, js_distance, hellinger, total_variation;
};

window make_window(py::handle reference, const std::string& kind, long long size, const py::object& stride,
                   const py::object& duration, const py::object& half_life, long long bins, py::handle binning) {
  static constexpr const char* fn = "HistogramWindow";
  const window_spec spec = window_arg(kind, size, stride, duration, half_life, fn);
  if (py::isinstance<profile>(reference)) {
    const profile& p = reference.cast<const profile&>();
    return window(p, spec);
  }
  const driftscope::binning b = binning_arg(binning, bins, fn);
  const array_1d ref = as_array_1d(reference, fn, "reference");
  py::gil_scoped_release release;
  return visit(ref, [&](auto* x) {
    const profile p(x, ref.size, b);
    return window(p, spec);
  });
}

window make_from_counts(py::handle counts, const std::string& kind, long long size, const py::object& stride,
                        const py::object& duration, const py::object& half_life) {
  static constexpr const char* fn = "HistogramWindow.from_counts";
  const window_spec spec = window_arg(kind, size, stride, duration, half_life, fn);
  const auto c = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(counts);
  if (!c) value_error("{}: counts must be a 1-D array of integers", fn);
  if (c.ndim() != 1) value_error("{}: counts must be 1-D, got {}-D array", fn, static_cast<long>(c.ndim()));
  std::vector<std::uint64_t> rc(static_cast<std::size_t>(c.shape(0)));
  for (std::size_t i = 0; i < rc.size(); ++i) {
    const std::int64_t v = c.data()[i];
    if (v < 0) value_error("{}: counts must be >= 0, got {} at index {}", fn, v, i);
    rc[i] = static_cast<std::uint64_t>(v);
  }
  return window::from_counts(std::move(rc), spec);
}

/// A Python timestamp: an int, or a float that is finite (converted to int64 ns).
std::int64_t timestamp_arg(const py::object& t, const char* fn) {
  if (py::isinstance<py::float_>(t)) {
    const double v = t.cast<double>();
    if (!std::isfinite(v) || v < -9.2e18 || v > 9.2e18)
      value_error("{}: timestamp must be a finite number of nanoseconds, got {}", fn, v);
    return static_cast<std::int64_t>(v);
  }
  try {
    return t.cast<std::int64_t>();
  } catch (const py::cast_error&) {
    value_error("{}: timestamp must be an int (nanoseconds)", fn);
  }
}

/// Timestamps as int64: integer arrays as they are, float arrays checked for NaN / inf.
py::array_t<std::int64_t> timestamps_arg(const py::object& ts, std::size_t n, const char* fn) {
  py::array a = py::array::ensure(ts);
  if (!a) value_error("{}: timestamps must be a 1-D array of int nanoseconds", fn);
  if (a.ndim() != 1) value_error("{}: timestamps must be 1-D, got {}-D array", fn, static_cast<long>(a.ndim()));
  if (static_cast<std::size_t>(a.shape(0)) != n)
    value_error("{}: timestamps must have the length of x ({}), got {}", fn, n, static_cast<std::size_t>(a.shape(0)));
  if (a.dtype().kind() == 'f') {
    const auto f = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(a);
    for (std::size_t i = 0; i < n; ++i)
      if (!std::isfinite(f.data()[i]))
        value_error("{}: timestamps must be finite, got {} at index {}", fn, f.data()[i], i);
  } else if (a.dtype().kind() != 'i' && a.dtype().kind() != 'u') {
    value_error("{}: timestamps must be int nanoseconds, got dtype {}", fn, py::str(a.dtype()).cast<std::string>());
  }
  return py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(a);
}

bool update_one(window& self, const py::object& x, const py::object& timestamp) {
  static constexpr const char* fn = "HistogramWindow.update";
  bool eval = false;
  auto on_eval = [&](const window&, const window_end&) { eval = true; };
  if (self.categorical()) {
    std::int64_t bin = 0;
    try {
      bin = x.cast<std::int64_t>();
    } catch (const py::cast_error&) {
      value_error("{}: a window from counts takes int bin codes, got {}", fn, py::repr(x).cast<std::string>());
    }
    if (timestamp.is_none())
      self.update_bin(bin, on_eval);
    else
      self.update_bin(bin, timestamp_arg(timestamp, fn), on_eval);
    return eval;
  }
  const double v = x.cast<double>();
  if (timestamp.is_none())
    self.update(v, on_eval);
  else
    self.update(v, timestamp_arg(timestamp, fn), on_eval);
  return eval;
}

py_evaluations update_many(window& self, py::handle x, const py::object& timestamps) {
  static constexpr const char* fn = "HistogramWindow.update_many";
  std::vector<std::int64_t> ends, stamps;
  std::vector<double> psi, js, hel, tvd;
  auto on_eval = [&](const window& w, const window_end& e) {
    ends.push_back(static_cast<std::int64_t>(e.index));
    stamps.push_back(e.timestamp);
    if (!(w.n() > 0)) {
      constexpr double nan = std::numeric_limits<double>::quiet_NaN();
      psi.push_back(nan);
      js.push_back(nan);
      hel.push_back(nan);
      tvd.push_back(nan);
      return;
    }
    psi.push_back(w.psi());
    js.push_back(w.js_distance());
    hel.push_back(w.hellinger());
    tvd.push_back(w.total_variation());
  };
  py::array_t<std::int64_t> ts;
  if (self.categorical()) {
    const auto codes = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(x);
    if (!codes) value_error("{}: a window from counts takes int bin codes", fn);
    if (codes.ndim() != 1) value_error("{}: x must be 1-D, got {}-D array", fn, static_cast<long>(codes.ndim()));
    const auto n = static_cast<std::size_t>(codes.shape(0));
    if (!timestamps.is_none()) ts = timestamps_arg(timestamps, n, fn);
    const std::int64_t* tp = timestamps.is_none() ? nullptr : ts.data();
    py::gil_scoped_release release;
    self.update_bins(codes.data(), tp, n, on_eval);
  } else {
    const array_1d xs = as_array_1d(x, fn, "x");
    if (!timestamps.is_none()) ts = timestamps_arg(timestamps, xs.size, fn);
    py::gil_scoped_release release;
    visit(xs, [&](auto* p) {
      if (timestamps.is_none())
        self.update_many(p, xs.size, on_eval);
      else
        self.update_many(p, ts.data(), xs.size, on_eval);
      return 0;
    });
  }
  auto i64 = [](const std::vector<std::int64_t>& v) {
    py::array_t<std::int64_t> a(static_cast<py::ssize_t>(v.size()));
    std::copy(v.begin(), v.end(), a.mutable_data());
    return a;
  };
  return py_evaluations{i64(ends), i64(stamps), to_float64_array(psi), to_float64_array(js), to_float64_array(hel),
                        to_float64_array(tvd)};
}

std::string repr(const window& w) {
  const window_spec& s = w.window();
  std::string spec;
  switch (s.kind) {
    case window_kind::time: spec = fmt::format("kind='time', duration={}, stride={}", s.duration_ns, s.stride_ns); break;
    case window_kind::tumbling: spec = fmt::format("kind='tumbling', size={}", s.size); break;
    case window_kind::sliding: spec = fmt::format("kind='sliding', size={}, stride={}", s.size, s.stride); break;
    case window_kind::decaying:
      spec = fmt::format("kind='decaying', half_life={}, stride={}", float_repr(s.half_life), s.stride);
      break;
  }
  return fmt::format("HistogramWindow({}, bins={}, rows={}, n={}, missing={}, seen={})", spec, w.bins(), w.rows(),
                     float_repr(w.n()), w.missing(), w.seen());
}

}  // namespace

void register_histogram_window(py::module_& m) {
  py::class_<py_evaluations>(m, "WindowEvaluations",
                             "The evaluation points of one HistogramWindow.update_many call: where each window "
                             "ended and its PSI, Jensen-Shannon distance (base 2), Hellinger and total variation "
                             "distances (NaN when the window held no non-missing value).")
      .def_readonly("ends", &py_evaluations::ends, "Values seen when each window closed (int64).")
      .def_readonly("timestamps", &py_evaluations::timestamps,
                    "Time windows: the boundary; else the closing value's timestamp if given, else 0 (int64).")
      .def_readonly("psi", &py_evaluations::psi)
      .def_readonly("js_distance", &py_evaluations::js_distance)
      .def_readonly("hellinger", &py_evaluations::hellinger)
      .def_readonly("total_variation", &py_evaluations::total_variation)
      .def("__len__", [](const py_evaluations& e) { return e.ends.size(); })
      .def("__repr__", [](const py_evaluations& e) { return fmt::format("WindowEvaluations(n={})", e.ends.size()); });

  py::class_<window>(
      m, "HistogramWindow",
      "Bin counts of the current window of a stream against fixed reference bins, updated in O(1) per value: at "
      "every evaluation point psi() / js_distance() / hellinger() / total_variation() equal the batch functions "
      "on the window's values with the reference's edges. NaN is missing: it fills its slot and is counted, never "
      "binned. kind 'sliding' (size, stride = size // 10 by default), 'tumbling' (size), 'time' (duration and "
      "stride in int nanoseconds, timestamps required) or 'decaying' (half_life in values, stride 1 by default). "
      "reference: a ReferenceProfile, or a 1-D array binned with `bins` / `binning` as psi().")
      .def(py::init(&make_window), py::arg("reference"), py::kw_only(), py::arg("kind") = "sliding",
           py::arg("size") = 1000, py::arg("stride") = py::none(), py::arg("duration") = py::none(),
           py::arg("half_life") = py::none(), py::arg("bins") = 10, py::arg("binning") = "quantile")
      .def_static("from_counts", &make_from_counts, py::arg("counts"), py::kw_only(), py::arg("kind") = "sliding",
                  py::arg("size") = 1000, py::arg("stride") = py::none(), py::arg("duration") = py::none(),
                  py::arg("half_life") = py::none(),
                  "A window over pre-binned / categorical values: len(counts) bins with these reference counts; "
                  "values are int bin codes in [0, len(counts)), negative = missing.")
      .def("update", &update_one, py::arg("x"), py::arg("timestamp") = py::none(),
           "Adds one value (a bin code for windows from counts); True when it completed an evaluation point "
           "(time windows: a window was evaluated before the value was added).")
      .def("update_many", &update_many, py::arg("x"), py::arg("timestamps") = py::none(),
           "Adds every value (GIL released); returns the statistics at each evaluation point.")
      .def(
          "psi", [](const window& w, double epsilon) { return w.psi(epsilon); }, py::arg("epsilon") = 1e-4,
          "PSI of the current window against the reference counts (as psi()).")
      .def(
          "js_distance", [](const window& w, double base) { return w.js_distance(base); }, py::arg("base") = 2.0,
          "Jensen-Shannon distance of the binned proportions (scipy jensenshannon).")
      .def("hellinger", &window::hellinger, "Hellinger distance of the binned proportions.")
      .def("total_variation", &window::total_variation, "Total variation distance of the binned proportions.")
      .def("chi_square_pvalue", &window::chi_square_pvalue,
           "p-value of scipy.stats.chisquare(window counts, reference proportions * n) over the bins present "
           "on either side.")
      .def_property_readonly("counts", [](const window& w) { return to_float64_array(w.counts()); })
      .def_property_readonly("reference_counts", [](const window& w) { return to_int64_array(w.reference_counts()); })
      .def_property_readonly("edges", [](const window& w) { return to_float64_array(w.edges()); })
      .def_property_readonly("bins", &window::bins)
      .def_property_readonly("n", &window::n)
      .def_property_readonly("missing", &window::missing)
      .def_property_readonly("rows", &window::rows)
      .def_property_readonly("seen", &window::seen)
      .def_property_readonly("categorical", &window::categorical)
      .def_property_readonly("kind", [](const window& w) { return std::string(to_string(w.window().kind)); })
      .def("reset", &window::reset)
      .def("merge", &window::merge, py::arg("other"),
           "Tumbling windows: adds other's current window to this one (same size, edges and reference counts).")
      .def("memory_bytes", &window::memory_bytes, "Heap bytes held.")
      .def("to_bytes", &serialize_to_bytes<window>, "The window (with its edges and reference counts) as versioned little-endian bytes.")
      .def_static("from_bytes", &deserialize_from_bytes<window>, py::arg("data"), "Restores a window from to_bytes() output.")
      .def("__repr__", &repr)
      .def(py::pickle([](const window& w) { return py::make_tuple(pickle_version, serialize_to_bytes(w)); },
                      [](const py::tuple& t) {
                        if (t.size() != 2 || !py::isinstance<py::int_>(t[0]))
                          value_error("HistogramWindow: invalid pickled state (expected (version, bytes))");
                        const int v = t[0].cast<int>();
                        if (v != pickle_version)
                          value_error("HistogramWindow: unsupported pickle version {} (this build reads {})", v,
                                      pickle_version);
                        return deserialize_from_bytes<window>(t[1]);
                      }));
}

}  // namespace driftscope::python
