// AlertRule, AlertEvent, AlertTracker and to_prometheus_yaml (driftscope/monitor/alert_rule.hpp).
// Durations: int nanoseconds, datetime.timedelta, numpy.timedelta64 or a Prometheus duration
// string ("5m"); timestamps: int nanoseconds or numpy.datetime64.
#include "bindings.hpp"

#include <driftscope/monitor/alert_rule.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace driftscope::python {
namespace {

constexpr int pickle_version = 1;
constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();

std::string repr_of(py::handle v) { return std::string(py::repr(v)); }

bool is_int_like(py::handle v) { return !PyBool_Check(v.ptr()) && PyIndex_Check(v.ptr()); }

std::int64_t int64_of(py::handle v, const char* fn, const char* name) {
  py::object i = py::reinterpret_steal<py::object>(PyNumber_Index(v.ptr()));
  if (!i) throw py::error_already_set();
  int overflow = 0;
  const long long r = PyLong_AsLongLongAndOverflow(i.ptr(), &overflow);
  if (overflow != 0) value_error("{}: {} is out of the int64 nanosecond range, got {}", fn, name, repr_of(v));
  if (r == -1 && PyErr_Occurred()) throw py::error_already_set();
  return static_cast<std::int64_t>(r);
}

py::module_ numpy() { return py::module_::import("numpy"); }

/// A numpy datetime64 / timedelta64 scalar as int64 nanoseconds (NaT refused).
std::int64_t numpy_time_ns(py::handle v, const char* unit, const char* fn, const char* name) {
  py::module_ np = numpy();
  if (np.attr("isnat")(v).cast<bool>()) value_error("{}: {} must not be NaT", fn, name);
  return v.attr("astype")(unit).attr("astype")("int64").cast<std::int64_t>();
}

/// A duration: int nanoseconds, datetime.timedelta, numpy.timedelta64 or a Prometheus
/// duration string. Negative values pass through (validate() names them).
std::int64_t duration_arg(py::handle v, const char* fn, const char* name) {
  if (py::isinstance<py::str>(v)) {
    try {
      return parse_prometheus_duration(v.cast<std::string>());
    } catch (const std::invalid_argument& e) {
      value_error("{}: {}: {}", fn, name, e.what());
    }
  }
  if (is_int_like(v)) return int64_of(v, fn, name);
  py::module_ np = numpy();
  if (py::isinstance(v, np.attr("timedelta64"))) return numpy_time_ns(v, "timedelta64[ns]", fn, name);
  py::object timedelta = py::module_::import("datetime").attr("timedelta");
  if (py::isinstance(v, timedelta)) {
    // exact: whole microseconds (timedelta's resolution) times 1000
    const std::int64_t us = int64_of(v.attr("__floordiv__")(timedelta(0, 0, 1)), fn, name);
    if (us > std::numeric_limits<std::int64_t>::max() / 1000 || us < std::numeric_limits<std::int64_t>::min() / 1000)
      value_error("{}: {} is out of the int64 nanosecond range, got {}", fn, name, repr_of(v));
    return us * 1000;
  }
  value_error(
      "{}: {} must be int nanoseconds, a datetime.timedelta, a numpy.timedelta64 or a Prometheus duration string "
      "like '5m', got {}",
      fn, name, repr_of(v));
}

/// A timestamp: int nanoseconds or numpy.datetime64.
std::int64_t timestamp_arg(py::handle v, const char* fn) {
  if (is_int_like(v)) return int64_of(v, fn, "timestamp");
  if (py::isinstance(v, numpy().attr("datetime64"))) return numpy_time_ns(v, "datetime64[ns]", fn, "timestamp");
  value_error("{}: timestamp must be int nanoseconds or numpy.datetime64, got {}", fn, repr_of(v));
}

/// Timestamps of observe_many: a 1-D array of ints (nanoseconds) or datetime64.
py::array_t<std::int64_t> timestamps_arg(py::handle v, std::size_t n, const char* fn) {
  using i64 = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;
  py::array a = numpy().attr("asarray")(v);
  if (a.ndim() != 1) value_error("{}: timestamps must be 1-D, got {}-D array", fn, static_cast<long>(a.ndim()));
  if (static_cast<std::size_t>(a.shape(0)) != n)
    value_error("{}: values has {} elements but timestamps has {}", fn, n, static_cast<long>(a.shape(0)));
  if (n == 0) return i64(static_cast<py::ssize_t>(0));
  const char kind = a.dtype().kind();
  if (kind == 'M') {
    if (numpy().attr("isnat")(a).attr("any")().cast<bool>()) value_error("{}: timestamps must not be NaT", fn);
    return i64(a.attr("astype")("datetime64[ns]").attr("view")("int64"));
  }
  if (kind == 'u' && a.attr("max")().cast<unsigned long long>() >
                         static_cast<unsigned long long>(std::numeric_limits<std::int64_t>::max()))
    value_error("{}: timestamps are out of the int64 nanosecond range", fn);
  if (kind != 'i' && kind != 'u')
    value_error("{}: timestamps must be int nanoseconds or datetime64, got dtype {}", fn,
                std::string(py::str(a.dtype())));
  return i64(a);
}

/// A real number for a level / parameter (bool, complex and non-numbers refused).
double number_arg(py::handle v, const char* fn, const char* name) {
  if (PyBool_Check(v.ptr()) || !PyNumber_Check(v.ptr()) || PyComplex_Check(v.ptr()) || py::isinstance<py::str>(v))
    value_error("{}: {} must be a number, got {}", fn, name, repr_of(v));
  const double x = PyFloat_AsDouble(v.ptr());
  if (x == -1.0 && PyErr_Occurred()) {
    PyErr_Clear();
    value_error("{}: {} must be a number, got {}", fn, name, repr_of(v));
  }
  return x;
}

double optional_number(const py::object& v, const char* fn, const char* name) {
  return v.is_none() ? nan_v : number_arg(v, fn, name);
}

/// A severity's levels: None, a fire level, or a (fire, clear) pair.
std::optional<alert_level> level_arg(const py::object& v, const char* fn, const char* name) {
  if (v.is_none()) return std::nullopt;
  if (py::isinstance<py::tuple>(v) || py::isinstance<py::list>(v)) {
    const py::sequence s = v;
    if (s.size() != 2) value_error("{}: {} must be a number or a (fire, clear) pair, got {}", fn, name, repr_of(v));
    const std::string fire_name = std::string(name) + " fire level";
    const std::string clear_name = std::string(name) + " clear level";
    alert_level l{number_arg(s[0], fn, fire_name.c_str()), std::nullopt};
    if (!py::object(s[1]).is_none()) l.clear = number_arg(s[1], fn, clear_name.c_str());
    return l;
  }
  return alert_level{number_arg(v, fn, name), std::nullopt};
}

using string_pairs = std::vector<std::pair<std::string, std::string>>;

string_pairs pairs_arg(const py::object& v, const char* fn, const char* name) {
  string_pairs out;
  if (v.is_none()) return out;
  if (!py::isinstance<py::dict>(v) && !py::hasattr(v, "items"))
    value_error("{}: {} must be a mapping of str to str, got {}", fn, name, repr_of(v));
  for (const auto& kv : v.attr("items")()) {
    const py::tuple t = py::reinterpret_borrow<py::tuple>(kv);
    if (!py::isinstance<py::str>(t[0]) || !py::isinstance<py::str>(t[1]))
      value_error("{}: {} must map str to str, got {}: {}", fn, name, repr_of(t[0]), repr_of(t[1]));
    out.emplace_back(t[0].cast<std::string>(), t[1].cast<std::string>());
  }
  return out;
}

py::dict pairs_dict(const string_pairs& p) {
  py::dict d;
  for (const auto& kv : p) d[py::str(kv.first)] = py::str(kv.second);
  return d;
}

py::object level_tuple(const std::optional<alert_level>& l) {
  if (!l) return py::none();
  return py::make_tuple(l->fire, l->clear_level());
}

py::object maybe_float(double x) { return std::isnan(x) ? py::object(py::none()) : py::object(py::float_(x)); }

alert_rule make_rule(const std::string& metric, const std::string& condition, const py::object& warning,
                     const py::object& alarm, const py::object& for_duration, const py::object& keep_firing_for,
                     const py::object& name, const py::object& low, const py::object& high, const py::object& reference,
                     const py::object& reference_sd, const py::object& side, const py::object& summary,
                     const py::object& labels, const py::object& annotations) {
  static constexpr const char* fn = "AlertRule";
  alert_rule r;
  r.metric = metric;
  if (!name.is_none()) r.name = name.cast<std::string>();
  r.condition.kind = option_arg(parse_alert_condition_kind, condition, fn);
  r.condition.low = optional_number(low, fn, "low");
  r.condition.high = optional_number(high, fn, "high");
  r.condition.reference = optional_number(reference, fn, "reference");
  r.condition.reference_sd = optional_number(reference_sd, fn, "reference_sd");
  if (!side.is_none()) {
    if (r.condition.kind != alert_condition_kind::relative_to_reference)
      value_error("{}: side does not apply to condition '{}'", fn, condition);
    r.condition.side = option_arg(parse_reference_side, side.cast<std::string>(), fn);
  }
  r.warning = level_arg(warning, fn, "warning");
  r.alarm = level_arg(alarm, fn, "alarm");
  r.for_duration = duration_arg(for_duration, fn, "for_duration");
  r.keep_firing_for = duration_arg(keep_firing_for, fn, "keep_firing_for");
  if (!summary.is_none()) r.summary = summary.cast<std::string>();
  r.labels = pairs_arg(labels, fn, "labels");
  r.annotations = pairs_arg(annotations, fn, "annotations");
  r.validate(fn, true);  // a reference left out is filled in by a Stage from its reference data
  return r;
}

std::string py_str_repr(const std::string& s) { return repr_of(py::str(s)); }

std::string rule_repr(const alert_rule& r) {
  auto level = [](const std::optional<alert_level>& l) {
    return l ? fmt::format("({}, {})", float_repr(l->fire), float_repr(l->clear_level())) : std::string("None");
  };
  std::string cond = fmt::format("condition='{}'", to_string(r.condition.kind));
  switch (r.condition.kind) {
    case alert_condition_kind::outside_band:
      cond += fmt::format(", low={}, high={}", float_repr(r.condition.low), float_repr(r.condition.high));
      break;
    case alert_condition_kind::relative_to_reference:
      cond += fmt::format(", reference={}, side='{}'", float_repr(r.condition.reference), to_string(r.condition.side));
      break;
    case alert_condition_kind::sigma_band:
      cond += fmt::format(", reference={}, reference_sd={}", float_repr(r.condition.reference),
                          float_repr(r.condition.reference_sd));
      break;
    default: break;
  }
  return fmt::format("AlertRule(metric={}, {}, warning={}, alarm={}, for_duration={}, keep_firing_for={}{})",
                     py_str_repr(r.metric), cond, level(r.warning), level(r.alarm), r.for_duration, r.keep_firing_for,
                     r.name.empty() ? std::string() : ", name=" + py_str_repr(r.name));
}

alert_event make_event(std::string rule, const std::string& severity, const std::string& from_state,
                       const std::string& to_state, double value, std::int64_t timestamp, std::int64_t active_since) {
  static constexpr const char* fn = "AlertEvent";
  auto state = [](const std::string& s) {
    for (auto st : {alert_state::inactive, alert_state::pending, alert_state::firing, alert_state::resolved})
      if (s == to_string(st)) return st;
    value_error("AlertEvent: state must be 'inactive', 'pending', 'firing' or 'resolved', got '{}'", s);
  };
  alert_event e;
  e.rule = std::move(rule);
  e.severity = option_arg(parse_alert_severity, severity, fn);
  e.from_state = state(from_state);
  e.to_state = state(to_state);
  e.value = value;
  e.timestamp = timestamp;
  e.active_since = active_since;
  return e;
}

std::string event_repr(const alert_event& e) {
  return fmt::format(
      "AlertEvent(rule={}, severity='{}', from_state='{}', to_state='{}', value={}, timestamp={}, active_since={})",
      py_str_repr(e.rule), to_string(e.severity), to_string(e.from_state), to_string(e.to_state), float_repr(e.value),
      e.timestamp, e.active_since);
}

/// The Python AlertTracker: the C++ tracker plus the Python on_event callable (called with
/// the GIL held after the C++ work, so observe_many can release the GIL).
struct py_alert_tracker {
  alert_tracker tracker;
  py::object on_event = py::none();

  py::list dispatch(const std::vector<alert_event>& events) const {
    py::list out;
    for (const alert_event& e : events) out.append(py::cast(e));
    if (!on_event.is_none())
      for (const auto& e : out) on_event(e);
    return out;
  }
};

void append_events(std::vector<alert_event>& out, const alert_tracker& t, const alert_transitions& tr, double value,
                   std::int64_t ts) {
  for (const alert_transition& x : tr)
    out.push_back(alert_event{t.rule().alert_name(), x.severity, x.from_state, x.to_state, value, ts, x.active_since});
}

py::object callback_arg(const py::object& cb, const char* fn) {
  if (!cb.is_none() && !PyCallable_Check(cb.ptr()))
    value_error("{}: on_event must be callable or None, got {}", fn, repr_of(cb));
  return cb;
}

py::bytes tracker_bytes(const py_alert_tracker& t) { return serialize_to_bytes(t.tracker); }

py_alert_tracker tracker_from(py::handle data) { return py_alert_tracker{deserialize_from_bytes<alert_tracker>(data), py::none()}; }

template <class T>
T from_pickle(const py::tuple& t, const char* name) {
  if (t.size() != 2 || !py::isinstance<py::int_>(t[0]))
    value_error("{}: invalid pickled state (expected (version, bytes))", name);
  const int v = t[0].cast<int>();
  if (v != pickle_version) value_error("{}: unsupported pickle version {} (this build reads {})", name, v, pickle_version);
  return deserialize_from_bytes<T>(t[1]);
}

}  // namespace

void register_alert_rule(py::module_& m) {
  // ---- AlertRule -------------------------------------------------------------------------
  py::class_<alert_rule> rule(
      m, "AlertRule",
      "A time-based alert rule on one metric (driftscope/monitor/alert_rule.hpp): a condition, a warning and / or\n"
      "an alarm level (a fire level, or a (fire, clear) pair for hysteresis), Prometheus' `for` and\n"
      "`keep_firing_for`, labels and annotations.");
  rule.def(py::init(&make_rule), py::arg("metric"), py::arg("condition") = "above", py::arg("warning") = py::none(),
           py::arg("alarm") = py::none(), py::arg("for_duration") = 0, py::arg("keep_firing_for") = 0, py::kw_only(),
           py::arg("name") = py::none(), py::arg("low") = py::none(), py::arg("high") = py::none(),
           py::arg("reference") = py::none(), py::arg("reference_sd") = py::none(), py::arg("side") = py::none(),
           py::arg("summary") = py::none(), py::arg("labels") = py::none(), py::arg("annotations") = py::none())
      .def_property_readonly("metric", [](const alert_rule& r) { return r.metric; })
      .def_property_readonly("name", [](const alert_rule& r) { return r.alert_name(); },
                             "The alert name (the metric when no name was given).")
      .def_property_readonly("condition", [](const alert_rule& r) { return std::string(to_string(r.condition.kind)); })
      .def_property_readonly("low", [](const alert_rule& r) { return maybe_float(r.condition.low); })
      .def_property_readonly("high", [](const alert_rule& r) { return maybe_float(r.condition.high); })
      .def_property_readonly("reference", [](const alert_rule& r) { return maybe_float(r.condition.reference); })
      .def_property_readonly("reference_sd", [](const alert_rule& r) { return maybe_float(r.condition.reference_sd); })
      .def_property_readonly("side",
                             [](const alert_rule& r) -> py::object {
                               if (r.condition.kind != alert_condition_kind::relative_to_reference) return py::none();
                               return py::str(to_string(r.condition.side));
                             })
      .def_property_readonly("warning", [](const alert_rule& r) { return level_tuple(r.warning); },
                             "(fire, clear) or None.")
      .def_property_readonly("alarm", [](const alert_rule& r) { return level_tuple(r.alarm); }, "(fire, clear) or None.")
      .def_property_readonly("for_duration", [](const alert_rule& r) { return r.for_duration; }, "Nanoseconds.")
      .def_property_readonly("keep_firing_for", [](const alert_rule& r) { return r.keep_firing_for; }, "Nanoseconds.")
      .def_property_readonly("summary", [](const alert_rule& r) { return r.summary; })
      .def_property_readonly("labels", [](const alert_rule& r) { return pairs_dict(r.labels); })
      .def_property_readonly("annotations", [](const alert_rule& r) { return pairs_dict(r.annotations); })
      .def(
          "thresholds",
          [](const alert_rule& r, const std::string& severity, bool clear) -> py::object {
            const alert_severity s = option_arg(parse_alert_severity, severity, "AlertRule.thresholds");
            if (!r.level(s)) return py::none();
            const alert_bounds b = r.bounds(s, clear);
            return py::make_tuple(b.lower, b.upper);
          },
          py::arg("severity"), py::arg("clear") = false,
          "(lower, upper): the condition holds for x < lower or x > upper (-inf / inf for an unused side); None\n"
          "for a severity the rule does not set.")
      .def(
          "expression",
          [](const alert_rule& r, const std::string& severity, const py::object& metric_expr) {
            const alert_severity s = option_arg(parse_alert_severity, severity, "AlertRule.expression");
            const std::string x = metric_expr.is_none() ? r.metric : "(" + metric_expr.cast<std::string>() + ")";
            return prometheus_expression(r, s, x);
          },
          py::arg("severity"), py::arg("metric_expr") = py::none(), "The PromQL expression of one severity.")
      .def("to_bytes", &serialize_to_bytes<alert_rule>)
      .def_static("from_bytes", &deserialize_from_bytes<alert_rule>, py::arg("data"))
      .def("__repr__", &rule_repr)
      .def("__eq__",
           [](const alert_rule& a, const py::object& b) -> py::object {
             if (!py::isinstance<alert_rule>(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
             return py::bool_(a == b.cast<const alert_rule&>());
           })
      .def("__hash__", [](const alert_rule& r) { return py::hash(serialize_to_bytes(r)); })
      .def(py::pickle([](const alert_rule& r) { return py::make_tuple(pickle_version, serialize_to_bytes(r)); },
                      [](const py::tuple& t) { return from_pickle<alert_rule>(t, "AlertRule"); }));

  // ---- AlertEvent ------------------------------------------------------------------------
  py::class_<alert_event>(m, "AlertEvent",
                          "One state change of one severity of a rule: from_state -> to_state at `timestamp` (int ns);\n"
                          "`active_since` is when the episode became pending (Prometheus activeAt).")
      .def(py::init(&make_event), py::arg("rule"), py::arg("severity"), py::arg("from_state"), py::arg("to_state"),
           py::arg("value"), py::arg("timestamp"), py::arg("active_since"))
      .def_property_readonly("rule", [](const alert_event& e) { return e.rule; })
      .def_property_readonly("severity", [](const alert_event& e) { return std::string(to_string(e.severity)); })
      .def_property_readonly("from_state", [](const alert_event& e) { return std::string(to_string(e.from_state)); })
      .def_property_readonly("to_state", [](const alert_event& e) { return std::string(to_string(e.to_state)); })
      .def_property_readonly("value", [](const alert_event& e) { return e.value; })
      .def_property_readonly("timestamp", [](const alert_event& e) { return e.timestamp; })
      .def_property_readonly("active_since", [](const alert_event& e) { return e.active_since; })
      .def(
          "to_dict",
          [](const alert_event& e) {
            py::dict d;
            d["rule"] = e.rule;
            d["severity"] = to_string(e.severity);
            d["from_state"] = to_string(e.from_state);
            d["to_state"] = to_string(e.to_state);
            d["value"] = e.value;
            d["timestamp"] = e.timestamp;
            d["active_since"] = e.active_since;
            return d;
          },
          "The fields as a dict (JSON-ready).")
      .def("__repr__", &event_repr)
      .def("__eq__",
           [](const alert_event& a, const py::object& b) -> py::object {
             if (!py::isinstance<alert_event>(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
             return py::bool_(a == b.cast<const alert_event&>());
           })
      .def(py::pickle(
          [](const alert_event& e) {
            return py::make_tuple(pickle_version, e.rule, to_string(e.severity), to_string(e.from_state),
                                  to_string(e.to_state), e.value, e.timestamp, e.active_since);
          },
          [](const py::tuple& t) {
            if (t.size() != 8 || !py::isinstance<py::int_>(t[0]) || t[0].cast<int>() != pickle_version)
              value_error("AlertEvent: invalid pickled state");
            return make_event(t[1].cast<std::string>(), t[2].cast<std::string>(), t[3].cast<std::string>(),
                              t[4].cast<std::string>(), t[5].cast<double>(), t[6].cast<std::int64_t>(),
                              t[7].cast<std::int64_t>());
          }));

  // ---- AlertTracker ----------------------------------------------------------------------
  py::class_<py_alert_tracker>(
      m, "AlertTracker",
      "One AlertRule's state machine (inactive -> pending -> firing -> resolved), driven by the caller's\n"
      "timestamps. observe(value, timestamp) returns the AlertEvents of that evaluation; they also go to the\n"
      "bounded event log and to on_event(event), called in order with the GIL held after the C++ work. If\n"
      "on_event raises, the state and the log are already updated and the exception propagates.")
      .def(py::init([](const alert_rule& r, long long event_capacity, const py::object& on_event) {
             if (event_capacity < 0) value_error("AlertTracker: event_capacity must be >= 0, got {}", event_capacity);
             return py_alert_tracker{alert_tracker(r, static_cast<std::size_t>(event_capacity)),
                                     callback_arg(on_event, "AlertTracker")};
           }),
           py::arg("rule"), py::arg("event_capacity") = alert_tracker::default_event_capacity,
           py::arg("on_event") = py::none())
      .def(
          "observe",
          [](py_alert_tracker& t, double value, const py::object& timestamp) {
            const std::int64_t ts = timestamp_arg(timestamp, "AlertTracker.observe");
            std::vector<alert_event> events;
            append_events(events, t.tracker, t.tracker.observe(value, ts), value, ts);
            return t.dispatch(events);
          },
          py::arg("value"), py::arg("timestamp"),
          "One evaluation at `timestamp` (int ns or numpy.datetime64, non-decreasing); NaN = no data (the\n"
          "condition is false, as an absent series in Prometheus). Returns the events it produced.")
      .def(
          "observe_many",
          [](py_alert_tracker& t, py::handle values, py::handle timestamps) {
            static constexpr const char* fn = "AlertTracker.observe_many";
            const array_1d v = as_float64(as_array_1d(values, fn, "values"));
            const auto ts = timestamps_arg(timestamps, v.size, fn);
            const std::int64_t* p = ts.data();
            // check the order first, so a bad timestamp leaves the tracker unchanged
            std::optional<std::int64_t> prev = t.tracker.last_timestamp();
            for (std::size_t i = 0; i < v.size; ++i) {
              if (prev && p[i] < *prev)
                value_error("{}: timestamp must be non-decreasing, got {} ns after {} ns at index {}", fn, p[i], *prev,
                            i);
              prev = p[i];
            }
            std::vector<alert_event> events;
            {
              py::gil_scoped_release release;
              const double* x = v.data<double>();
              for (std::size_t i = 0; i < v.size; ++i)
                append_events(events, t.tracker, t.tracker.observe(x[i], p[i]), x[i], p[i]);
            }
            return t.dispatch(events);
          },
          py::arg("values"), py::arg("timestamps"),
          "observe() for each (value, timestamp) of two 1-D arrays (timestamps: int ns or datetime64), with the\n"
          "GIL released; returns all the events. Timestamps are checked first: a decreasing one raises\n"
          "ValueError and changes nothing.")
      .def_property_readonly("rule", [](const py_alert_tracker& t) { return t.tracker.rule(); })
      .def_property_readonly(
          "state",
          [](const py_alert_tracker& t) {
            py::dict d;
            for (auto s : {alert_severity::warning, alert_severity::alarm})
              if (t.tracker.rule().level(s)) d[to_string(s)] = to_string(t.tracker.state(s));
            return d;
          },
          "{severity: state} for the severities the rule sets.")
      .def_property_readonly(
          "active_since",
          [](const py_alert_tracker& t) {
            py::dict d;
            for (auto s : {alert_severity::warning, alert_severity::alarm}) {
              if (!t.tracker.rule().level(s)) continue;
              const alert_state st = t.tracker.state(s);
              d[to_string(s)] = st == alert_state::pending || st == alert_state::firing
                                    ? py::object(py::int_(t.tracker.active_since(s)))
                                    : py::object(py::none());
            }
            return d;
          },
          "{severity: ns when the current episode became pending, or None}.")
      .def_property_readonly(
          "keeping_firing",
          [](const py_alert_tracker& t) {
            py::dict d;
            for (auto s : {alert_severity::warning, alert_severity::alarm})
              if (t.tracker.rule().level(s)) d[to_string(s)] = t.tracker.keeping_firing(s);
            return d;
          },
          "{severity: True while firing only because of keep_firing_for}.")
      .def_property_readonly("events",
                             [](const py_alert_tracker& t) {
                               py::list out;
                               for (const alert_event& e : t.tracker.events().events()) out.append(py::cast(e));
                               return out;
                             },
                             "The logged events, oldest first (copies).")
      .def_property_readonly("dropped_events", [](const py_alert_tracker& t) { return t.tracker.events().dropped(); })
      .def_property_readonly("event_capacity", [](const py_alert_tracker& t) { return t.tracker.events().capacity(); })
      .def_property_readonly("evaluations", [](const py_alert_tracker& t) { return t.tracker.evaluations(); })
      .def_property_readonly("last_timestamp",
                             [](const py_alert_tracker& t) -> py::object {
                               const auto ts = t.tracker.last_timestamp();
                               return ts ? py::object(py::int_(*ts)) : py::object(py::none());
                             })
      .def_property(
          "on_event", [](const py_alert_tracker& t) { return t.on_event; },
          [](py_alert_tracker& t, const py::object& cb) { t.on_event = callback_arg(cb, "AlertTracker.on_event"); })
      .def("clear_events", [](py_alert_tracker& t) { t.tracker.clear_events(); }, "Empties the event log.")
      .def("reset", [](py_alert_tracker& t) { t.tracker.reset(); },
           "Back to the initial state (rule, capacity and on_event kept; log cleared).")
      .def("to_bytes", &tracker_bytes, "State, rule and log as versioned bytes (on_event is not kept).")
      .def_static("from_bytes", &tracker_from, py::arg("data"))
      .def("__repr__",
           [](const py_alert_tracker& t) {
             const alert_rule& r = t.tracker.rule();
             std::string st;
             for (auto s : {alert_severity::warning, alert_severity::alarm})
               if (r.level(s)) st += fmt::format("{}{}='{}'", st.empty() ? "" : ", ", to_string(s), to_string(t.tracker.state(s)));
             return fmt::format("AlertTracker(rule={}, {}, evaluations={}, events={})", py_str_repr(r.alert_name()), st,
                                t.tracker.evaluations(), t.tracker.events().size());
           })
      .def(py::pickle([](const py_alert_tracker& t) { return py::make_tuple(pickle_version, tracker_bytes(t)); },
                      [](const py::tuple& t) {
                        return py_alert_tracker{from_pickle<alert_tracker>(t, "AlertTracker"), py::none()};
                      }));

  // ---- export ----------------------------------------------------------------------------
  m.def(
      "to_prometheus_yaml",
      [](const py::object& rules, const py::object& expressions, const std::string& group, const py::object& interval) {
        static constexpr const char* fn = "to_prometheus_yaml";
        std::vector<alert_rule> rs;
        if (py::isinstance<alert_rule>(rules)) {
          rs.push_back(rules.cast<alert_rule>());
        } else {
          for (const auto& r : rules) {
            if (!py::isinstance<alert_rule>(r)) value_error("{}: rules must be AlertRule objects, got {}", fn, repr_of(r));
            rs.push_back(r.cast<alert_rule>());
          }
        }
        prometheus_rule_options o;
        o.group = group;
        if (!interval.is_none()) o.interval = duration_arg(interval, fn, "interval");
        for (const auto& kv : pairs_arg(expressions, fn, "expressions")) o.expressions.emplace(kv.first, kv.second);
        return to_prometheus_yaml(rs, o);
      },
      py::arg("rules"), py::arg("expressions") = py::none(), py::arg("group") = "driftscope",
      py::arg("interval") = py::none(),
      "The rules as a Prometheus alerting-rule file (one group; Prometheus >= 2.42).");
  m.def(
      "parse_prometheus_duration",
      [](const std::string& s) {
        try {
          return parse_prometheus_duration(s);
        } catch (const std::invalid_argument& e) {
          value_error("parse_prometheus_duration: {}", e.what());
        }
      },
      py::arg("duration"), "A Prometheus duration string ('1h30m', '5m', '250ms') as int nanoseconds.");
}

}  // namespace driftscope::python
