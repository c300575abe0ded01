// ThresholdRule, AlarmEvent, EventLog and ThresholdTracker (driftscope/monitor/threshold.hpp).
#include "alarm_bindings.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace driftscope::python {

namespace {

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();

/// A level from Python: None -> NaN (unset), else a real number.
double level_arg(const py::object& v, const char* function, const char* name) {
  if (v.is_none()) return nan_v;
  if (PyBool_Check(v.ptr()) || !PyNumber_Check(v.ptr()) || PyComplex_Check(v.ptr()))
    value_error("{}: {} must be a number or None, got {}", function, name, std::string(py::repr(v)));
  const double x = PyFloat_AsDouble(v.ptr());
  if (x == -1.0 && PyErr_Occurred()) {
    PyErr_Clear();
    value_error("{}: {} must be a number or None, got {}", function, name, std::string(py::repr(v)));
  }
  if (std::isnan(x)) value_error("{}: {} must be a finite number or None, got nan", function, name);
  return x;
}

/// A u32 count from Python (patience, cooldown) with a lower bound.
std::uint32_t count_arg(const py::object& v, const char* function, const char* name, long long min_value) {
  if (!PyLong_Check(v.ptr()) || PyBool_Check(v.ptr()))
    value_error("{}: {} must be an integer, got {}", function, name, std::string(py::repr(v)));
  const long long r = PyLong_AsLongLong(v.ptr());
  if (r == -1 && PyErr_Occurred()) {
    PyErr_Clear();
    value_error("{}: {} is out of range, got {}", function, name, std::string(py::repr(v)));
  }
  if (r < min_value) value_error("{}: {} must be >= {}, got {}", function, name, min_value, r);
  if (r > static_cast<long long>(std::numeric_limits<std::uint32_t>::max()))
    value_error("{}: {} must be <= {}, got {}", function, name, std::numeric_limits<std::uint32_t>::max(), r);
  return static_cast<std::uint32_t>(r);
}

threshold_rule make_rule(const py::object& warning, const py::object& alarm, threshold_direction dir,
                         const py::object& patience, const py::object& cooldown, const char* fn) {
  threshold_rule r;
  r.warning = level_arg(warning, fn, "warning");
  r.alarm = level_arg(alarm, fn, "alarm");
  r.direction = dir;
  r.patience = count_arg(patience, fn, "patience", 1);
  r.cooldown = count_arg(cooldown, fn, "cooldown", 0);
  r.validate(fn);
  return r;
}

py::object level_or_none(double x) { return std::isnan(x) ? py::object(py::none()) : py::object(py::float_(x)); }

std::string level_repr(double x) { return std::isnan(x) ? std::string("None") : float_repr(x); }

std::string rule_repr(const threshold_rule& r) {
  return fmt::format("ThresholdRule(warning={}, alarm={}, direction='{}', patience={}, cooldown={})",
                     level_repr(r.warning), level_repr(r.alarm), to_string(r.direction), r.patience, r.cooldown);
}

py::bytes rule_bytes(const threshold_rule& r) {
  std::vector<std::uint8_t> out;
  detail::byte_writer w(out);
  r.write(w);
  return to_py_bytes(out);
}

py::object timestamp_or_none(const alarm_event& e) {
  return e.has_timestamp ? py::object(py::int_(e.timestamp)) : py::object(py::none());
}

alarm_level event_level_arg(const std::string& s, const char* fn) {
  if (s == "warning") return alarm_level::warning;
  if (s == "alarm") return alarm_level::alarm;
  value_error("{}: level must be 'warning' or 'alarm', got '{}'", fn, s);
}

alarm_event make_event(std::string feature, std::string statistic, const std::string& level, double value,
                       double threshold, long long window_end, const py::object& timestamp) {
  static constexpr const char* fn = "AlarmEvent";
  alarm_event e;
  e.feature = std::move(feature);
  e.statistic = std::move(statistic);
  e.level = event_level_arg(level, fn);
  e.value = value;
  e.threshold = threshold;
  if (window_end < 0) value_error("{}: window_end must be >= 0, got {}", fn, window_end);
  e.window_end = static_cast<std::uint64_t>(window_end);
  if (!timestamp.is_none()) {
    e.timestamp = timestamp.cast<std::int64_t>();
    e.has_timestamp = true;
  }
  return e;
}

std::string event_repr(const alarm_event& e) {
  return fmt::format("AlarmEvent(feature={}, statistic={}, level='{}', value={}, threshold={}, window_end={}, timestamp={})",
                     std::string(py::repr(py::str(e.feature))), std::string(py::repr(py::str(e.statistic))),
                     to_string(e.level), float_repr(e.value), float_repr(e.threshold), e.window_end,
                     e.has_timestamp ? std::to_string(e.timestamp) : std::string("None"));
}

bool same_double(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

bool event_eq(const alarm_event& a, const alarm_event& b) {
  return a.feature == b.feature && a.statistic == b.statistic && a.level == b.level && same_double(a.value, b.value) &&
         same_double(a.threshold, b.threshold) && a.window_end == b.window_end &&
         a.has_timestamp == b.has_timestamp && (!a.has_timestamp || a.timestamp == b.timestamp);
}

std::size_t log_index(const event_log& log, long long i) {
  const auto n = static_cast<long long>(log.size());
  if (i < 0) i += n;
  if (i < 0 || i >= n) throw py::index_error(fmt::format("EventLog index out of range ({} events)", n));
  return static_cast<std::size_t>(i);
}

py::list log_list(const event_log& log) {
  py::list out;
  for (const alarm_event& e : log.events()) out.append(py::cast(e));
  return out;
}

py::bytes tracker_bytes(const threshold_tracker& t) {
  const auto b = t.serialize();
  return to_py_bytes(b);
}

threshold_tracker tracker_from(const py::bytes& data) {
  const std::string s = data;
  return threshold_tracker::deserialize(s.data(), s.size());
}

}  // namespace

void register_threshold(py::module_& m) {
  // ---- ThresholdRule -------------------------------------------------------------------
  py::class_<threshold_rule> rule(m, "ThresholdRule",
                                  "When a drift score raises a warning or an alarm.\n\n"
                                  "direction='above' (distances: PSI, JS, ...): a value is over a level when value >= level;\n"
                                  "direction='below' (p-values: KS, chi-square): when value < level. A level fires after\n"
                                  "`patience` evaluations in a row over it, then stays silent for `cooldown` evaluations; an\n"
                                  "alarm also silences the warning for its cooldown, and when both would fire only the alarm\n"
                                  "is reported. NaN scores are skipped. None = level unset (at least one must be set).");
  rule.def(py::init([](const py::object& warning, const py::object& alarm, const std::string& direction,
                       const py::object& patience, const py::object& cooldown) {
             static constexpr const char* fn = "ThresholdRule";
             const auto dir = option_arg(parse_threshold_direction, direction, fn);
             return make_rule(warning, alarm, dir, patience, cooldown, fn);
           }),
           py::arg("warning") = py::none(), py::arg("alarm") = py::none(), py::arg("direction") = "above",
           py::arg("patience") = 1, py::arg("cooldown") = 0)
      .def_static(
          "distance",
          [](const py::object& warning, const py::object& alarm, const py::object& patience, const py::object& cooldown) {
            return make_rule(warning, alarm, threshold_direction::above, patience, cooldown, "ThresholdRule.distance");
          },
          py::arg("warning"), py::arg("alarm"), py::arg("patience") = 1, py::arg("cooldown") = 0,
          "A rule for a distance (fires when value >= level).")
      .def_static(
          "p_value",
          [](const py::object& warning, const py::object& alarm, const py::object& patience, const py::object& cooldown) {
            return make_rule(warning, alarm, threshold_direction::below, patience, cooldown, "ThresholdRule.p_value");
          },
          py::arg("warning"), py::arg("alarm"), py::arg("patience") = 1, py::arg("cooldown") = 0,
          "A rule for a p-value (fires when value < level).")
      .def_property_readonly("warning", [](const threshold_rule& r) { return level_or_none(r.warning); })
      .def_property_readonly("alarm", [](const threshold_rule& r) { return level_or_none(r.alarm); })
      .def_property_readonly("direction", [](const threshold_rule& r) { return std::string(to_string(r.direction)); })
      .def_property_readonly("patience", [](const threshold_rule& r) { return r.patience; })
      .def_property_readonly("cooldown", [](const threshold_rule& r) { return r.cooldown; })
      .def("__repr__", &rule_repr)
      .def("__eq__", [](const threshold_rule& a, const py::object& b) -> py::object {
        if (!py::isinstance<threshold_rule>(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
        return py::bool_(a == b.cast<threshold_rule>());
      })
      .def("__hash__", [](const threshold_rule& r) { return py::hash(rule_bytes(r)); })
      .def(py::pickle([](const threshold_rule& r) { return py::make_tuple(1, rule_bytes(r)); },
                      [](const py::tuple& t) {
                        if (t.size() != 2 || t[0].cast<int>() != 1)
                          value_error("ThresholdRule: unknown pickle state (version {})",
                                      t.size() ? std::string(py::repr(t[0])) : std::string("?"));
                        const std::string s = t[1].cast<py::bytes>();
                        detail::byte_reader rd(s.data(), s.size(), "ThresholdRule.__setstate__");
                        threshold_rule r = threshold_rule::read(rd, "ThresholdRule.__setstate__");
                        if (rd.remaining() != 0) value_error("ThresholdRule.__setstate__: trailing bytes");
                        return r;
                      }));

  // ---- AlarmEvent ----------------------------------------------------------------------
  py::class_<alarm_event> event(m, "AlarmEvent", "One fired warning or alarm (read-only).");
  event
      .def(py::init(&make_event), py::arg("feature"), py::arg("statistic"), py::arg("level"), py::arg("value"),
           py::arg("threshold"), py::arg("window_end"), py::arg("timestamp") = py::none())
      .def_property_readonly("feature", [](const alarm_event& e) { return e.feature; })
      .def_property_readonly("statistic", [](const alarm_event& e) { return e.statistic; })
      .def_property_readonly("level", [](const alarm_event& e) { return std::string(to_string(e.level)); })
      .def_property_readonly("value", [](const alarm_event& e) { return e.value; })
      .def_property_readonly("threshold", [](const alarm_event& e) { return e.threshold; })
      .def_property_readonly("window_end", [](const alarm_event& e) { return e.window_end; })
      .def_property_readonly("timestamp", &timestamp_or_none)
      .def(
          "to_dict",
          [](const alarm_event& e) {
            py::dict d;
            d["feature"] = e.feature;
            d["statistic"] = e.statistic;
            d["level"] = std::string(to_string(e.level));
            d["value"] = e.value;
            d["threshold"] = e.threshold;
            d["window_end"] = e.window_end;
            d["timestamp"] = timestamp_or_none(e);
            return d;
          },
          "The fields as a dict (JSON-ready).")
      .def("__repr__", &event_repr)
      .def("__eq__", [](const alarm_event& a, const py::object& b) -> py::object {
        if (!py::isinstance<alarm_event>(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
        return py::bool_(event_eq(a, b.cast<const alarm_event&>()));
      })
      .def(py::pickle(
          [](const alarm_event& e) {
            return py::make_tuple(1, e.feature, e.statistic, std::string(to_string(e.level)), e.value, e.threshold,
                                  e.window_end, timestamp_or_none(e));
          },
          [](const py::tuple& t) {
            if (t.size() != 8 || t[0].cast<int>() != 1) value_error("AlarmEvent: unknown pickle state");
            return make_event(t[1].cast<std::string>(), t[2].cast<std::string>(), t[3].cast<std::string>(),
                              t[4].cast<double>(), t[5].cast<double>(), t[6].cast<long long>(), t[7]);
          }));

  // ---- EventLog ------------------------------------------------------------------------
  py::class_<event_log> log(m, "EventLog",
                            "A bounded log of AlarmEvents, oldest first: keeps the last `capacity` and counts the\n"
                            "dropped ones. Indexing and iteration give copies.");
  log.def(py::init([](long long capacity) {
            if (capacity < 0) value_error("EventLog: capacity must be >= 0, got {}", capacity);
            return event_log(static_cast<std::size_t>(capacity));
          }),
          py::arg("capacity") = 10000)
      .def("__len__", &event_log::size)
      .def("__bool__", [](const event_log& l) { return !l.empty(); })
      .def("__getitem__", [](const event_log& l, long long i) { return l[log_index(l, i)]; }, py::arg("index"))
      .def(
          "__getitem__",
          [](const event_log& l, const py::slice& s) {
            py::ssize_t start = 0, stop = 0, step = 0, length = 0;
            if (!s.compute(static_cast<py::ssize_t>(l.size()), &start, &stop, &step, &length))
              throw py::error_already_set();
            py::list out;
            for (py::ssize_t k = 0; k < length; ++k) out.append(py::cast(l[static_cast<std::size_t>(start + k * step)]));
            return out;
          },
          py::arg("index"))
      .def("__iter__", [](const event_log& l) { return py::iter(log_list(l)); })
      .def("to_list", &log_list, "The events as a list (copies).")
      .def(
          "append", [](event_log& l, const alarm_event& e) { l.push(e); }, py::arg("event"),
          "Appends an event, dropping the oldest when full.")
      .def("clear", &event_log::clear, "Removes every event and resets dropped to 0.")
      .def_property_readonly("dropped", &event_log::dropped, "Events no longer kept because the log was full.")
      .def_property_readonly("capacity", &event_log::capacity)
      .def("__repr__", [](const event_log& l) {
        return fmt::format("EventLog({} events, capacity={}, dropped={})", l.size(), l.capacity(), l.dropped());
      })
      .def(py::pickle(
          [](const event_log& l) {
            std::vector<std::uint8_t> out;
            detail::byte_writer w(out);
            l.write(w);
            return py::make_tuple(1, to_py_bytes(out));
          },
          [](const py::tuple& t) {
            if (t.size() != 2 || t[0].cast<int>() != 1) value_error("EventLog: unknown pickle state");
            const std::string s = t[1].cast<py::bytes>();
            detail::byte_reader rd(s.data(), s.size(), "EventLog.__setstate__");
            event_log l = event_log::read(rd);
            if (rd.remaining() != 0) value_error("EventLog.__setstate__: trailing bytes");
            return l;
          }));

  // ---- ThresholdTracker ----------------------------------------------------------------
  py::class_<threshold_tracker> tracker(m, "ThresholdTracker",
                                        "One ThresholdRule's state for one (feature, statistic): observe(score) per\n"
                                        "evaluation returns 'none', 'warning' or 'alarm'.");
  tracker
      .def(py::init([](const py::object& r) { return threshold_tracker(rule_arg(r, "ThresholdTracker", "rule")); }),
           py::arg("rule"))
      .def(
          "observe", [](threshold_tracker& t, double value) { return std::string(to_string(t.observe(value))); },
          py::arg("value"), "One evaluation; returns the level it fired ('none' when nothing fires; NaN is skipped).")
      .def(
          "observe_many",
          [](threshold_tracker& t, py::handle values) {
            const array_1d a = as_float64(as_array_1d(values, "ThresholdTracker.observe_many", "values"));
            std::vector<std::pair<std::size_t, alarm_level>> fired;
            {
              py::gil_scoped_release release;
              const double* p = a.data<double>();
              for (std::size_t i = 0; i < a.size; ++i) {
                const alarm_level l = t.observe(p[i]);
                if (l != alarm_level::none) fired.emplace_back(i, l);
              }
            }
            py::list out;
            for (const auto& f : fired) out.append(py::make_tuple(f.first, std::string(to_string(f.second))));
            return out;
          },
          py::arg("values"),
          "Observes every value of a 1-D array (GIL released); returns [(index, 'warning' | 'alarm'), ...]\n"
          "for the evaluations that fired. Same as calling observe on each.")
      .def_property_readonly("rule", &threshold_tracker::rule)
      .def_property_readonly("warning_run", &threshold_tracker::warning_run)
      .def_property_readonly("alarm_run", &threshold_tracker::alarm_run)
      .def_property_readonly("warning_silence", &threshold_tracker::warning_silence)
      .def_property_readonly("alarm_silence", &threshold_tracker::alarm_silence)
      .def("reset", &threshold_tracker::reset, "Back to the initial state (rule kept).")
      .def("to_bytes", &tracker_bytes, "Rule and state as versioned little-endian bytes.")
      .def_static("from_bytes", &tracker_from, py::arg("data"), "Restores a tracker from to_bytes().")
      .def("__repr__",
           [](const threshold_tracker& t) {
             return fmt::format("ThresholdTracker({}, warning_run={}, alarm_run={}, warning_silence={}, alarm_silence={})",
                                rule_repr(t.rule()), t.warning_run(), t.alarm_run(), t.warning_silence(),
                                t.alarm_silence());
           })
      .def(py::pickle([](const threshold_tracker& t) { return py::make_tuple(tracker_bytes(t)); },
                      [](const py::tuple& t) {
                        if (t.size() != 1) value_error("ThresholdTracker: unknown pickle state");
                        return tracker_from(t[0].cast<py::bytes>());
                      }));
}

}  // namespace driftscope::python
