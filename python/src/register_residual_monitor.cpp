// ResidualMonitor: streaming concept-drift monitor on regression residuals
// (driftscope::residual_monitor): a fitted OLS reference or a deployed model's
// predictions, residual / score / MOSUM / variance CUSUMs, RLS tracking, drift typing.
// One `update` and one `update_many` method whose arguments follow the mode (fitted:
// (x, y) / (X, y); prediction: (y_true, y_pred, x=None) / (y_true, y_pred, X=None));
// a call with the other mode's arguments raises TypeError. Arrays in as float64
// (forcecast), GIL released around the C++ loops; pickled through the serialized bytes.
// DriftShape (driftscope::drift_shape) is bound in register_shape.cpp, registered first.
#include "bindings.hpp"

#include <driftscope/concept/residual_monitor.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace driftscope::python {
namespace {

using monitor = residual_monitor;
using f64_cast = py::array_t<double, py::array::c_style | py::array::forcecast>;

/// Version tag of the pickled state: (tag, bytes). Unknown tags are refused.
constexpr int pickle_version = 1;
constexpr const char* kCls = "ResidualMonitor";

residual_test test_arg(const std::string& s, const char* function) {
  for (residual_test t : {residual_test::residual_cusum, residual_test::score_cusum, residual_test::mosum,
                          residual_test::variance})
    if (s == to_string(t)) return t;
  value_error("{}: test must be 'residual_cusum', 'score_cusum', 'mosum' or 'variance', got '{}'", function, s);
}

/// A count option from Python: an int >= lo (checked here so a negative value names the option).
std::size_t count_arg(long long v, long long lo, const char* function, const char* name) {
  if (v < lo) value_error("{}: {} must be >= {}, got {}", function, name, lo, v);
  return static_cast<std::size_t>(v);
}

residual_monitor_options make_options(double alpha, bool residual_cusum, bool score_cusum, bool variance,
                                      long long mosum_window, long long horizon, double forgetting,
                                      long long block_size, long long history_blocks, long long max_wait,
                                      long long settle_blocks, double smoothing, double min_duration,
                                      long long min_segment, const char* function) {
  residual_monitor_options o;
  o.alpha = alpha;
  o.residual_cusum = residual_cusum;
  o.score_cusum = score_cusum;
  o.variance = variance;
  o.mosum_window = count_arg(mosum_window, 0, function, "mosum_window");
  o.horizon = count_arg(horizon, 0, function, "horizon");
  o.forgetting = forgetting;
  o.block_size = count_arg(block_size, 1, function, "block_size");
  o.history_blocks = count_arg(history_blocks, 0, function, "history_blocks");
  o.max_wait = count_arg(max_wait, 0, function, "max_wait");
  o.settle_blocks = count_arg(settle_blocks, 1, function, "settle_blocks");
  o.shape.smoothing = smoothing;
  o.shape.min_duration = min_duration;
  o.shape.min_segment = count_arg(min_segment, 0, function, "min_segment");
  return o;
}

/// A Python number as a double; TypeError naming the argument otherwise.
double scalar_arg(py::handle h, const char* function, const char* name) {
  if (PyFloat_Check(h.ptr())) return PyFloat_AS_DOUBLE(h.ptr());
  if (!h.is_none()) {
    const double v = PyFloat_AsDouble(h.ptr());
    if (!(v == -1.0 && PyErr_Occurred())) return v;
    PyErr_Clear();
  }
  throw py::type_error(fmt::format("{}: {} must be a number, got {}", function, name,
                                   py::str(py::type::handle_of(h).attr("__name__")).cast<std::string>()));
}

/// One observation's regressors: a number (p == 1) or a 1-D sequence of p numbers. Returns
/// the data pointer (into `scalar` or `keep`).
const double* row_arg(py::handle h, std::size_t p, const char* function, const char* name, double& scalar,
                      f64_cast& keep) {
  if (PyFloat_Check(h.ptr()) || PyLong_Check(h.ptr())) {
    if (p != 1) value_error("{}: {} must hold {} values (one per feature), got a scalar", function, name, p);
    scalar = scalar_arg(h, function, name);
    return &scalar;
  }
  keep = f64_cast(py::reinterpret_borrow<py::object>(h));
  if (keep.ndim() == 0) {
    if (p != 1) value_error("{}: {} must hold {} values (one per feature), got a scalar", function, name, p);
    return keep.data();
  }
  if (keep.ndim() != 1)
    value_error("{}: {} must be a number or a 1-D sequence, got {}-D array", function, name,
                static_cast<long>(keep.ndim()));
  if (static_cast<std::size_t>(keep.shape(0)) != p)
    value_error("{}: {} has {} values but the monitor has {} features", function, name,
                static_cast<long>(keep.shape(0)), p);
  return keep.data();
}

/// A 1-D float64 array argument.
f64_cast vector_arg(py::handle h, const char* function, const char* name) {
  f64_cast a(py::reinterpret_borrow<py::object>(h));
  if (a.ndim() != 1) value_error("{}: {} must be 1-D, got {}-D array", function, name, static_cast<long>(a.ndim()));
  return a;
}

/// An (n, p) design matrix argument (1-D means p = 1) with n rows (as many as `other` has values).
f64_cast matrix_arg(py::handle h, std::size_t n, std::size_t p, const char* function, const char* name,
                    const char* other) {
  f64_cast a(py::reinterpret_borrow<py::object>(h));
  if (a.ndim() != 1 && a.ndim() != 2)
    value_error("{}: {} must be 1-D or 2-D (n, p), got {}-D array", function, name, static_cast<long>(a.ndim()));
  const std::size_t cols = a.ndim() == 1 ? 1 : static_cast<std::size_t>(a.shape(1));
  if (static_cast<std::size_t>(a.shape(0)) != n)
    value_error("{}: {} has {} rows but {} has {} values", function, name, static_cast<long>(a.shape(0)), other, n);
  if (cols != p)
    value_error("{}: {} has {} columns but the monitor has {} features", function, name, cols, p);
  return a;
}

/// Binds Python call arguments to the names of the monitor's mode: positional first, then
/// keywords; `required` leading names must be present, the rest default to None. A call
/// with other names (the other mode's signature) raises TypeError stating the signature.
template <std::size_t N>
std::array<py::object, N> bind_call(const py::args& args, const py::kwargs& kwargs,
                                    const std::array<const char*, N>& names, std::size_t required,
                                    const char* function, const char* signature) {
  auto fail = [&](const std::string& why) {
    throw py::type_error(fmt::format("{}: {}; this monitor takes {}", function, why, signature));
  };
  std::array<py::object, N> out;
  if (args.size() > N) fail(fmt::format("takes at most {} arguments, got {}", N, args.size()));
  for (std::size_t i = 0; i < args.size(); ++i) out[i] = py::reinterpret_borrow<py::object>(args[i]);
  for (const auto& kv : kwargs) {
    const std::string key = py::str(kv.first);
    std::size_t i = 0;
    while (i < N && key != names[i]) ++i;
    if (i == N) fail(fmt::format("unexpected keyword argument '{}'", key));
    if (out[i]) fail(fmt::format("got multiple values for argument '{}'", key));
    out[i] = py::reinterpret_borrow<py::object>(kv.second);
  }
  for (std::size_t i = 0; i < N; ++i) {
    if (!out[i]) {
      if (i < required) fail(fmt::format("missing argument '{}'", names[i]));
      out[i] = py::none();
    }
  }
  return out;
}

constexpr const char* kFittedUpdate = "update(x, y) (fitted mode)";
constexpr const char* kPredictionUpdate = "update(y_true, y_pred, x=None) (prediction mode)";
constexpr const char* kFittedMany = "update_many(X, y) (fitted mode)";
constexpr const char* kPredictionMany = "update_many(y_true, y_pred, X=None) (prediction mode)";

bool update(monitor& self, const py::args& args, const py::kwargs& kwargs) {
  static constexpr const char* fn = "ResidualMonitor.update";
  const std::size_t p = self.n_features();
  double scalar = 0.0;
  f64_cast keep;
  if (!self.prediction_mode()) {
    const auto a = bind_call<2>(args, kwargs, {"x", "y"}, 2, fn, kFittedUpdate);
    const double* x = row_arg(a[0], p, fn, "x", scalar, keep);
    const double y = scalar_arg(a[1], fn, "y");
    return self.update(x, y);
  }
  const auto a = bind_call<3>(args, kwargs, {"y_true", "y_pred", "x"}, 2, fn, kPredictionUpdate);
  const double y_true = scalar_arg(a[0], fn, "y_true");
  const double y_pred = scalar_arg(a[1], fn, "y_pred");
  const double* x = nullptr;
  if (!a[2].is_none()) {
    if (p == 0) value_error("{}: x given but the monitor was built without regressors (X=None)", fn);
    x = row_arg(a[2], p, fn, "x", scalar, keep);
  } else if (p > 0) {
    value_error("{}: x is required: the monitor was built with {} regressors", fn, p);
  }
  return self.update_prediction(y_true, y_pred, x);
}

py::object update_many(monitor& self, const py::args& args, const py::kwargs& kwargs) {
  static constexpr const char* fn = "ResidualMonitor.update_many";
  const std::size_t p = self.n_features();
  std::size_t n = 0, first = 0;
  if (!self.prediction_mode()) {
    const auto a = bind_call<2>(args, kwargs, {"X", "y"}, 2, fn, kFittedMany);
    const f64_cast y = vector_arg(a[1], fn, "y");
    n = static_cast<std::size_t>(y.shape(0));
    const f64_cast X = matrix_arg(a[0], n, p, fn, "X", "y");
    const double* xp = X.data();
    const double* yp = y.data();
    py::gil_scoped_release release;
    first = self.update_many(xp, yp, n);
  } else {
    const auto a = bind_call<3>(args, kwargs, {"y_true", "y_pred", "X"}, 2, fn, kPredictionMany);
    const f64_cast yt = vector_arg(a[0], fn, "y_true");
    const f64_cast yp = vector_arg(a[1], fn, "y_pred");
    n = static_cast<std::size_t>(yt.shape(0));
    if (static_cast<std::size_t>(yp.shape(0)) != n)
      value_error("{}: y_pred has {} values but y_true has {}", fn, static_cast<long>(yp.shape(0)), n);
    f64_cast X;
    const double* xp = nullptr;
    if (!a[2].is_none()) {
      if (p == 0) value_error("{}: X given but the monitor was built without regressors (X=None)", fn);
      X = matrix_arg(a[2], n, p, fn, "X", "y_true");
      xp = X.data();
    } else if (p > 0) {
      value_error("{}: X is required: the monitor was built with {} regressors", fn, p);
    }
    const double* tp = yt.data();
    const double* pp = yp.data();
    py::gil_scoped_release release;
    first = self.update_many_predictions(tp, pp, n, xp);
  }
  if (first >= n) return py::none();
  return py::int_(first);
}

monitor fit_monitor(py::handle X, py::handle y, const residual_monitor_options& o) {
  const design_arg d = as_design(X, y, kCls);
  const double* xp = d.x_data();
  const double* yp = d.y.data();
  py::gil_scoped_release release;
  return monitor::fit(xp, d.n, d.p, yp, o);
}

monitor prediction_monitor(py::handle y_true, py::handle y_pred, py::handle X, const residual_monitor_options& o) {
  static constexpr const char* fn = "ResidualMonitor.from_predictions";
  const f64_cast yt = vector_arg(y_true, fn, "y_true");
  const f64_cast yp = vector_arg(y_pred, fn, "y_pred");
  const auto m = static_cast<std::size_t>(yt.shape(0));
  if (static_cast<std::size_t>(yp.shape(0)) != m)
    value_error("{}: y_pred has {} values but y_true has {}", fn, static_cast<long>(yp.shape(0)), m);
  f64_cast Xa;
  const double* xp = nullptr;
  std::size_t p = 0;
  if (!X.is_none()) {
    Xa = f64_cast(py::reinterpret_borrow<py::object>(X));
    if (Xa.ndim() != 1 && Xa.ndim() != 2)
      value_error("{}: X must be 1-D or 2-D (n, p), got {}-D array", fn, static_cast<long>(Xa.ndim()));
    p = Xa.ndim() == 1 ? 1 : static_cast<std::size_t>(Xa.shape(1));
    if (static_cast<std::size_t>(Xa.shape(0)) != m)
      value_error("{}: X has {} rows but y_true has {} values", fn, static_cast<long>(Xa.shape(0)), m);
    if (p > 0 && m > 0) xp = Xa.data();
  }
  const double* tp = yt.data();
  const double* pp = yp.data();
  py::gil_scoped_release release;
  return monitor::from_predictions(tp, pp, m, xp, p, o);
}

monitor monitor_from_bytes(py::handle data) { return deserialize_from_bytes<monitor>(data); }

std::string alarm_repr(const residual_alarm& a) {
  return fmt::format("ResidualAlarm(index={}, test='{}', component={}, statistic={}, boundary={})", a.index,
                     to_string(a.test), a.component, float_repr(a.statistic), float_repr(a.boundary));
}

std::string drift_repr(const residual_drift& d) {
  return fmt::format("ResidualDrift(kind='{}', test='{}', component={}, onset={}, duration={}, magnitude={}, "
                     "forced={})",
                     to_string(d.shape.kind), to_string(d.test), d.component, float_repr(d.shape.onset),
                     float_repr(d.shape.duration), float_repr(d.shape.magnitude), d.forced ? "True" : "False");
}

std::string monitor_repr(const monitor& m) {
  if (m.reference_size() == 0) return "ResidualMonitor(empty)";
  return fmt::format("ResidualMonitor(mode={}, p={}, m={}, n_monitored={}, alarmed={})",
                     m.prediction_mode() ? "prediction" : "fitted", m.n_features(), m.reference_size(),
                     m.n_monitored(), m.alarmed() ? "True" : "False");
}

}  // namespace

void register_residual_monitor(py::module_& m) {
  py::class_<residual_alarm>(m, "ResidualAlarm",
                             "One alarm of a ResidualMonitor: the test (and for the score CUSUM its "
                             "regressor, 0-based) that crossed its boundary at monitored index `index`.")
      .def_readonly("index", &residual_alarm::index)
      .def_property_readonly("test", [](const residual_alarm& a) { return std::string(to_string(a.test)); })
      .def_readonly("component", &residual_alarm::component)
      .def_readonly("statistic", &residual_alarm::statistic)
      .def_readonly("boundary", &residual_alarm::boundary)
      .def("__repr__", &alarm_repr);

  py::class_<residual_drift>(m, "ResidualDrift",
                             "The drift type of a ResidualMonitor's first alarm: the typed test's "
                             "trajectory shape (onset / duration in monitored-observation indices).")
      .def_property_readonly("test", [](const residual_drift& d) { return std::string(to_string(d.test)); })
      .def_readonly("component", &residual_drift::component)
      .def_property_readonly(
          "shape", [](const residual_drift& d) { return d.shape; }, py::return_value_policy::copy)
      .def_readonly("forced", &residual_drift::forced)
      .def_property_readonly("kind", [](const residual_drift& d) { return std::string(to_string(d.shape.kind)); })
      .def_property_readonly("gradual", [](const residual_drift& d) { return d.shape.gradual(); })
      .def_property_readonly("onset", [](const residual_drift& d) { return d.shape.onset; })
      .def_property_readonly("duration", [](const residual_drift& d) { return d.shape.duration; })
      .def_property_readonly("magnitude", [](const residual_drift& d) { return d.shape.magnitude; })
      .def_property_readonly("rate", [](const residual_drift& d) { return d.shape.rate; })
      .def("__repr__", &drift_repr);

  // Keyword defaults are the C++ options' defaults (one source of truth).
  const residual_monitor_options D{};
  auto count = [](std::size_t v) { return static_cast<long long>(v); };
  py::class_<monitor> cls(
      m, "ResidualMonitor",
      "Streaming concept-drift monitor on regression residuals: OLS of y on [1, X] over a "
      "reference window (or a deployed model's residuals via from_predictions), then residual / "
      "score / MOSUM / variance CUSUMs with a stated false-alarm rate, RLS tracking of the new "
      "coefficients and typing of the drift (sudden / incremental / mixing).");
  cls.def(py::init([](py::handle X, py::handle y, double alpha, bool residual_cusum, bool score_cusum, bool variance,
                      long long mosum_window, long long horizon, double forgetting, long long block_size,
                      long long history_blocks, long long max_wait, long long settle_blocks, double smoothing,
                      double min_duration, long long min_segment) {
            const auto o = make_options(alpha, residual_cusum, score_cusum, variance, mosum_window, horizon,
                                        forgetting, block_size, history_blocks, max_wait, settle_blocks, smoothing,
                                        min_duration, min_segment, kCls);
            return fit_monitor(X, y, o);
          }),
          py::arg("X"), py::arg("y"), py::kw_only(), py::arg("alpha") = D.alpha, py::arg("residual_cusum") = true,
          py::arg("score_cusum") = true, py::arg("variance") = true, py::arg("mosum_window") = count(D.mosum_window),
          py::arg("horizon") = static_cast<long long>(D.horizon), py::arg("forgetting") = D.forgetting, py::arg("block_size") = count(D.block_size),
          py::arg("history_blocks") = count(D.history_blocks), py::arg("max_wait") = count(D.max_wait), py::arg("settle_blocks") = count(D.settle_blocks),
          py::arg("smoothing") = D.shape.smoothing, py::arg("min_duration") = D.shape.min_duration, py::arg("min_segment") = count(D.shape.min_segment),
          "Fitted mode: OLS of y on [1, X] over the reference rows (X 2-D (m, p) or 1-D for one regressor).");
  cls.def_static(
      "from_predictions",
      [](py::handle y_true, py::handle y_pred, py::handle X, double alpha, bool residual_cusum, bool score_cusum,
         bool variance, long long mosum_window, long long horizon, double forgetting, long long block_size,
         long long history_blocks, long long max_wait, long long settle_blocks, double smoothing, double min_duration,
         long long min_segment) {
        const auto o = make_options(alpha, residual_cusum, score_cusum, variance, mosum_window, horizon, forgetting,
                                    block_size, history_blocks, max_wait, settle_blocks, smoothing, min_duration,
                                    min_segment, "ResidualMonitor.from_predictions");
        return prediction_monitor(y_true, y_pred, X, o);
      },
      py::arg("y_true"), py::arg("y_pred"), py::arg("X") = py::none(), py::kw_only(), py::arg("alpha") = D.alpha,
      py::arg("residual_cusum") = true, py::arg("score_cusum") = true, py::arg("variance") = true,
      py::arg("mosum_window") = count(D.mosum_window), py::arg("horizon") = static_cast<long long>(D.horizon), py::arg("forgetting") = D.forgetting, py::arg("block_size") = count(D.block_size),
      py::arg("history_blocks") = count(D.history_blocks), py::arg("max_wait") = count(D.max_wait), py::arg("settle_blocks") = count(D.settle_blocks),
      py::arg("smoothing") = D.shape.smoothing, py::arg("min_duration") = D.shape.min_duration, py::arg("min_segment") = count(D.shape.min_segment),
      "Prediction mode: residuals y_true - y_pred of a deployed model over the reference rows; X (optional) "
      "enables the score CUSUM and is the tracking regressors.");

  cls.def("update", &update,
          "Fitted mode: update(x, y), x a number (p == 1) or p values. Prediction mode: update(y_true, y_pred, "
          "x=None). True iff the observation raised a new alarm.");
  cls.def("update_many", &update_many,
          "Fitted mode: update_many(X, y). Prediction mode: update_many(y_true, y_pred, X=None). Index of the "
          "first row that raised a new alarm, or None. Runs without the GIL.");

  cls.def_property_readonly("prediction_mode", &monitor::prediction_mode);
  cls.def_property_readonly("n_features", &monitor::n_features);
  cls.def_property_readonly("reference_size", &monitor::reference_size);
  cls.def_property_readonly("n_monitored", &monitor::n_monitored);
  cls.def_property_readonly("alarms", [](const monitor& s) { return s.alarms(); });
  cls.def_property_readonly("alarmed", &monitor::alarmed);
  cls.def_property_readonly("typing_pending", &monitor::typing_pending);
  cls.def_property_readonly("drift", [](const monitor& s) -> py::object {
    const auto& d = s.drift();
    if (!d) return py::none();
    return py::cast(*d, py::return_value_policy::copy);
  });
  cls.def_property_readonly("residual_cusum", &monitor::residual_cusum);
  cls.def_property_readonly("cusum_boundary", &monitor::cusum_boundary);
  cls.def_property_readonly("score_cusum", [](const monitor& s) { return to_float64_array(s.score_cusum()); });
  cls.def_property_readonly("score_boundary", &monitor::score_boundary);
  cls.def_property_readonly("mosum", &monitor::mosum);
  cls.def_property_readonly("mosum_boundary", &monitor::mosum_boundary);
  cls.def_property_readonly("variance_cusum", &monitor::variance_cusum);
  cls.def_property_readonly("variance_boundary", &monitor::variance_boundary);
  cls.def(
      "test_alpha",
      [](const monitor& s, const std::string& t) { return s.test_alpha(test_arg(t, "ResidualMonitor.test_alpha")); },
      py::arg("test"), "Level of one test (per component for score_cusum) after the alpha split; 0 if off.");
  cls.def(
      "critical_value",
      [](const monitor& s, const std::string& t) {
        return s.critical_value(test_arg(t, "ResidualMonitor.critical_value"));
      },
      py::arg("test"), "Critical value c of one test; NaN if off.");
  cls.def_property_readonly("reference_coefficients",
                            [](const monitor& s) { return to_float64_array(s.reference_coefficients()); });
  cls.def_property_readonly("tracking_coefficients",
                            [](const monitor& s) { return to_float64_array(s.tracking_coefficients()); });
  cls.def_property_readonly("coefficient_change",
                            [](const monitor& s) { return to_float64_array(s.coefficient_change()); });
  cls.def_property_readonly("sigma", &monitor::sigma);
  cls.def("to_bytes", &serialize_to_bytes<monitor>, "The monitor's state as versioned little-endian bytes.");
  cls.def_static("from_bytes", &monitor_from_bytes, py::arg("data"),
                 "Restores a monitor from to_bytes() output.");
  cls.def("__repr__", &monitor_repr);
  cls.def(py::pickle([](const monitor& s) { return py::make_tuple(pickle_version, serialize_to_bytes(s)); },
                     [](const py::tuple& t) {
                       if (t.size() != 2 || !py::isinstance<py::int_>(t[0]))
                         value_error("ResidualMonitor: invalid pickled state (expected (version, bytes))");
                       const int v = t[0].cast<int>();
                       if (v != pickle_version)
                         value_error("ResidualMonitor: unsupported pickle version {} (this build reads {})", v,
                                     pickle_version);
                       return monitor_from_bytes(t[1]);
                     }));
}

}  // namespace driftscope::python
