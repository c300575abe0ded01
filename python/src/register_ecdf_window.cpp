// EcdfWindow: the current window of a stream kept for exact KS / Wasserstein against a
// prepared reference (ecdf_window<double>), picklable with its reference.
#include "bindings.hpp"

#include <driftscope/stats/reference_profile.hpp>
#include <driftscope/window/ecdf_window.hpp>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace driftscope::python {
namespace {

using profile = reference_profile<double>;
using window = ecdf_window<double>;

/// Version tag of the pickled state: (tag, window bytes, reference bytes).
constexpr int pickle_version = 1;

/// A window plus the Python object of its reference (returned by `.reference`).
struct py_ecdf_window {
  window w;
  py::object reference;  ///< the ReferenceProfile the window compares against
};

/// The evaluations of one update_many call.
struct py_evaluations {
  py::array_t<std::int64_t> ends, timestamps;
  py::array_t<double> ks_statistic, ks_pvalue, wasserstein;
};

/// A shared_ptr to the C++ profile inside a Python ReferenceProfile, keeping the Python
/// object alive (released with the GIL held).
std::shared_ptr<const profile> share_profile(const py::object& obj) {
  const profile* p = obj.cast<const profile*>();
  auto* keep = new py::object(obj);
  return std::shared_ptr<const profile>(p, [keep](const profile*) {
    py::gil_scoped_acquire gil;
    delete keep;
  });
}

/// `reference`: a ReferenceProfile (shared), or a 1-D array (prepared here).
py::object reference_arg(py::handle reference) {
  if (py::isinstance<profile>(reference)) return py::reinterpret_borrow<py::object>(reference);
  const array_1d ref = as_array_1d(reference, "EcdfWindow", "reference");
  std::unique_ptr<profile> p;
  {
    py::gil_scoped_release release;
    p = visit(ref, [&](auto* x) { return std::make_unique<profile>(x, ref.size); });
  }
  return py::cast(std::move(p));
}

py_ecdf_window make_window(py::handle reference, const std::string& kind, long long size,
                           const py::object& stride, const py::object& duration) {
  const window_spec spec = window_arg(kind, size, stride, duration, py::none(), "EcdfWindow");
  py::object ref = reference_arg(reference);
  return py_ecdf_window{window(share_profile(ref), spec), ref};
}

bool update_one(py_ecdf_window& self, double x, const py::object& timestamp) {
  bool eval = false;
  auto on_eval = [&](const window&, const window_end&) { eval = true; };
  if (timestamp.is_none()) {
    self.w.update(x, on_eval);
  } else {
    self.w.update(x, timestamp.cast<std::int64_t>(), on_eval);
  }
  return eval;
}

py_evaluations update_many(py_ecdf_window& self, py::handle x, const py::object& timestamps) {
  static constexpr const char* fn = "EcdfWindow.update_many";
  const array_1d xs = as_array_1d(x, fn, "x");
  py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> ts;
  if (!timestamps.is_none()) {
    ts = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>(timestamps);
    if (ts.ndim() != 1)
      value_error("{}: timestamps must be 1-D, got {}-D array", fn, static_cast<long>(ts.ndim()));
    if (static_cast<std::size_t>(ts.shape(0)) != xs.size)
      value_error("{}: timestamps must have the length of x ({}), got {}", fn, xs.size,
                  static_cast<std::size_t>(ts.shape(0)));
  } else if (self.w.window().is_time()) {
    value_error("{}: a time window needs timestamps (int nanoseconds)", fn);
  }
  std::vector<std::int64_t> ends, stamps;
  std::vector<double> stat, pval, wd;
  {
    py::gil_scoped_release release;
    auto on_eval = [&](const window& win, const window_end& e) {
      ends.push_back(static_cast<std::int64_t>(e.index));
      stamps.push_back(e.timestamp);
      if (win.n() == 0) {
        constexpr double nan = std::numeric_limits<double>::quiet_NaN();
        stat.push_back(nan);
        pval.push_back(nan);
        wd.push_back(nan);
        return;
      }
      const ecdf_evaluation ev = win.evaluate();
      stat.push_back(ev.ks.statistic);
      pval.push_back(ev.ks.pvalue);
      wd.push_back(ev.wasserstein);
    };
    visit(xs, [&](auto* p) {
      if (timestamps.is_none()) {
        self.w.update_many(p, xs.size, on_eval);
      } else {
        self.w.update_many(p, ts.data(), xs.size, on_eval);
      }
      return 0;
    });
  }
  auto i64 = [](const std::vector<std::int64_t>& v) {
    py::array_t<std::int64_t> a(static_cast<py::ssize_t>(v.size()));
    std::copy(v.begin(), v.end(), a.mutable_data());
    return a;
  };
  auto f64 = [](const std::vector<double>& v) {
    py::array_t<double> a(static_cast<py::ssize_t>(v.size()));
    std::copy(v.begin(), v.end(), a.mutable_data());
    return a;
  };
  return py_evaluations{i64(ends), i64(stamps), f64(stat), f64(pval), f64(wd)};
}

py_ecdf_window from_bytes(py::handle data, py::handle reference) {
  const bytes_arg b = as_bytes_arg(data);
  py::object ref = reference_arg(reference);
  std::shared_ptr<const profile> shared = share_profile(ref);
  window w = [&] {
    py::gil_scoped_release release;
    return window::deserialize(b.data, b.size, std::move(shared));
  }();
  return py_ecdf_window{std::move(w), ref};
}

std::string repr(const py_ecdf_window& self) {
  const window_spec& s = self.w.window();
  std::string spec;
  if (s.kind == window_kind::time) {
    spec = fmt::format("kind='time', duration={}, stride={}", s.duration_ns, s.stride_ns);
  } else if (s.kind == window_kind::tumbling) {
    spec = fmt::format("kind='tumbling', size={}", s.size);
  } else {
    spec = fmt::format("kind='sliding', size={}, stride={}", s.size, s.stride);
  }
  return fmt::format("EcdfWindow({}, rows={}, n={}, missing={}, seen={}, reference_n={})", spec,
                     self.w.rows(), self.w.n(), self.w.missing(), self.w.seen(),
                     self.w.reference()->n());
}

}  // namespace

void register_ecdf_window(py::module_& m) {
  py::class_<py_evaluations>(
      m, "EcdfWindowEvaluations",
      "The evaluation points of one EcdfWindow.update_many call: where each window ended "
      "and its KS statistic, p-value and Wasserstein distance (NaN when the window held "
      "no non-missing value).")
      .def_readonly("ends", &py_evaluations::ends, "Values seen when each window closed (int64).")
      .def_readonly("timestamps", &py_evaluations::timestamps,
                    "Time windows: the boundary; else the closing value's timestamp if given, else "
                    "0 (int64).")
      .def_readonly("ks_statistic", &py_evaluations::ks_statistic)
      .def_readonly("ks_pvalue", &py_evaluations::ks_pvalue)
      .def_readonly("wasserstein", &py_evaluations::wasserstein)
      .def("__len__", [](const py_evaluations& e) { return e.ends.size(); })
      .def("__repr__", [](const py_evaluations& e) {
        return fmt::format("EcdfWindowEvaluations(n={})", e.ends.size());
      });

  py::class_<py_ecdf_window>(m, "EcdfWindow",
                             "The current window of a stream kept value by value for exact KS and "
                             "Wasserstein against a reference: at "
                             "every evaluation point ks() equals scipy.stats.ks_2samp(reference, "
                             "window values) and wasserstein() "
                             "scipy.stats.wasserstein_distance. NaN is missing: it fills its slot "
                             "and is counted, never a value. "
                             "kind 'sliding' (size, stride = size // 10 by default), 'tumbling' "
                             "(size) or 'time' (duration and stride "
                             "in int nanoseconds, timestamps required).")
      .def(py::init(&make_window), py::arg("reference"), py::kw_only(), py::arg("kind") = "sliding",
           py::arg("size") = 1000, py::arg("stride") = py::none(), py::arg("duration") = py::none())
      .def("update", &update_one, py::arg("x"), py::arg("timestamp") = py::none(),
           "Adds one value; True when it completed an evaluation point (time windows: a window was "
           "evaluated "
           "before the value was added).")
      .def("update_many", &update_many, py::arg("x"), py::arg("timestamps") = py::none(),
           "Adds every value (GIL released); returns the KS statistic, p-value and Wasserstein "
           "distance at each "
           "evaluation point.")
      .def(
          "ks",
          [](const py_ecdf_window& self, const std::string& alt, const std::string& method) {
            const alternative a = option_arg(parse_alternative, alt, "EcdfWindow.ks");
            const ks_method km = option_arg(parse_ks_method, method, "EcdfWindow.ks");
            py::gil_scoped_release release;
            return self.w.ks(a, km);
          },
          py::arg("alternative") = "two-sided", py::arg("method") = "auto",
          "KS of the reference (data1) against the current window's values (data2).")
      .def(
          "wasserstein",
          [](const py_ecdf_window& self) {
            py::gil_scoped_release release;
            return self.w.wasserstein();
          },
          "1-Wasserstein distance between the reference and the current window's values.")
      .def_property_readonly("sorted_values",
                             [](const py_ecdf_window& self) {
                               py::array_t<double> a(static_cast<py::ssize_t>(self.w.n()));
                               if (self.w.n() > 0)
                                 std::copy_n(self.w.sorted_data(), self.w.n(), a.mutable_data());
                               return a;
                             })
      .def_property_readonly("n", [](const py_ecdf_window& self) { return self.w.n(); })
      .def_property_readonly("missing", [](const py_ecdf_window& self) { return self.w.missing(); })
      .def_property_readonly("rows", [](const py_ecdf_window& self) { return self.w.rows(); })
      .def_property_readonly("seen", [](const py_ecdf_window& self) { return self.w.seen(); })
      .def_property_readonly(
          "kind",
          [](const py_ecdf_window& self) { return std::string(to_string(self.w.window().kind)); })
      .def_property_readonly("reference", [](const py_ecdf_window& self) { return self.reference; })
      .def("reset", [](py_ecdf_window& self) { self.w.reset(); })
      .def("to_bytes", [](const py_ecdf_window& self) { return serialize_to_bytes(self.w); },
           "The window state (not the reference) as versioned little-endian bytes.")
      .def_static("from_bytes", &from_bytes, py::arg("data"), py::arg("reference"),
                  "Restores a window from to_bytes() output on the reference it was built on.")
      .def("__repr__", &repr)
      .def(py::pickle(
          [](const py_ecdf_window& self) {
            return py::make_tuple(pickle_version, serialize_to_bytes(self.w),
                                  self.reference.attr("to_bytes")());
          },
          [](const py::tuple& t) {
            if (t.size() != 3 || !py::isinstance<py::int_>(t[0]))
              value_error(
                  "EcdfWindow: invalid pickled state (expected (version, bytes, reference bytes))");
            const int v = t[0].cast<int>();
            if (v != pickle_version)
              value_error("EcdfWindow: unsupported pickle version {} (this build reads {})", v,
                          pickle_version);
            const py::object ref = py::type::of<profile>().attr("from_bytes")(t[2]);
            return from_bytes(t[1], ref);
          }));
}

}  // namespace driftscope::python
