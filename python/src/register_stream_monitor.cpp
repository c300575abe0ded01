// driftscope._core._StreamMonitor: the C++ stream_monitor on float64 row matrices. The
// public class is driftscope.monitor.StreamMonitor (Python), which maps frames and
// category labels to this matrix form and dispatches on_event callbacks.
//
// Events: a C++ alarm_callback (no Python involved) collects the events fired during a
// call into a vector while the GIL is released; update_many returns them as AlarmEvents,
// in order, after the C++ work, and the Python layer calls on_event with the GIL held.
#include "alarm_bindings.hpp"
#include "bindings.hpp"

#include <limits>
#include <optional>

#include <driftscope/monitor/stream_monitor.hpp>

#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace driftscope::python {

namespace {

constexpr const char* kFn = "StreamMonitor";

using matrix_f64 = py::array_t<double, py::array::c_style | py::array::forcecast>;
using vector_i64 = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

/// The monitor plus the events collected during the current call.
struct py_stream_monitor {
  explicit py_stream_monitor(stream_monitor m) : mon(std::move(m)) { hook(); }
  py_stream_monitor(const py_stream_monitor&) = delete;
  py_stream_monitor& operator=(const py_stream_monitor&) = delete;

  void hook() {
    mon.clear_callbacks();
    mon.on_event([this](const alarm_event& e) { pending.push_back(e); });
  }

  py::list take_pending() {
    py::list out;
    for (const alarm_event& e : pending) out.append(to_python(e));
    pending.clear();
    return out;
  }

  stream_monitor mon;
  std::vector<alarm_event> pending;
};

py::object float_or_none(double v) { return std::isnan(v) ? py::object(py::none()) : py::object(py::float_(v)); }

py::dict snapshot_dict(const stream_monitor& mon, const stream_monitor::snapshot_t& s) {
  py::dict d;
  d["end"] = s.end.index;
  d["timestamp"] = s.end.has_timestamp ? py::object(py::int_(s.end.timestamp)) : py::object(py::none());
  d["evaluated"] = s.evaluated;
  py::dict cols;
  for (std::size_t c = 0; c < mon.columns().size(); ++c) {
    const auto& m = s.metrics[c];
    py::dict col;
    col["count"] = m.count;
    col["missing"] = m.missing;
    col["mean"] = m.mean;
    col["std"] = m.std;
    col["min"] = m.min;
    col["max"] = m.max;
    col["unseen_share"] = m.unseen_share;
    py::dict scores;
    for (const auto& v : s.scores[c].values) scores[to_string(v.first)] = v.second;
    col["scores"] = scores;
    cols[py::str(mon.columns()[c].name)] = col;
  }
  d["columns"] = cols;
  return d;
}

py::list columns_info(const stream_monitor& mon) {
  py::list out;
  for (std::size_t c = 0; c < mon.columns().size(); ++c) {
    const column_config& cfg = mon.columns()[c];
    py::dict d;
    d["name"] = cfg.name;
    d["kind"] = to_string(cfg.kind);
    py::list stats;
    for (stream_statistic s : cfg.statistics) stats.append(to_string(s));
    d["statistics"] = stats;
    py::list rules;
    for (const auto& r : cfg.rules) rules.append(py::make_tuple(to_string(r.first), r.second));
    d["rules"] = rules;
    d["categories"] = cfg.categories;
    d["n_categories"] = cfg.n_categories;
    if (cfg.kind == column_kind::numerical) d["edges"] = to_float64_array(mon.reference(c)->edges());
    out.append(d);
  }
  return out;
}

/// One column spec from Python: (name, kind, statistics | None, rules | None, binning, bins, categories | None).
column_config column_arg(const py::handle& spec) {
  const auto t = spec.cast<py::tuple>();
  if (t.size() != 7) value_error("{}: internal column spec must have 7 fields, got {}", kFn, t.size());
  column_config cfg;
  cfg.name = t[0].cast<std::string>();
  const auto kind = t[1].cast<std::string>();
  if (kind == "numerical") cfg.kind = column_kind::numerical;
  else if (kind == "categorical") cfg.kind = column_kind::categorical;
  else value_error("{}: column '{}': kind must be 'numerical' or 'categorical', got '{}'", kFn, cfg.name, kind);
  const std::string where = fmt::format("{}: column '{}'", kFn, cfg.name);
  if (!t[2].is_none())
    for (const auto& s : t[2])
      cfg.statistics.push_back(option_arg(parse_stream_statistic, s.cast<std::string>(), where.c_str()));
  if (!t[3].is_none()) {
    cfg.default_rules = false;  // the Python layer resolved the defaults
    for (const auto& item : t[3]) {
      const auto pair = item.cast<py::tuple>();
      const stream_statistic s = option_arg(parse_stream_statistic, pair[0].cast<std::string>(), where.c_str());
      cfg.rules.emplace_back(s, rule_arg(pair[1], where.c_str(), "rules"));
    }
  }
  if (cfg.kind == column_kind::numerical) cfg.bins = binning_arg(t[4], t[5].cast<long long>(), where.c_str());
  if (!t[6].is_none()) cfg.categories = t[6].cast<std::vector<std::string>>();
  return cfg;
}

}  // namespace

void register_stream_monitor(py::module_& m) {
  py::class_<py_stream_monitor> cls(m, "_StreamMonitor",
                                    "The C++ stream_monitor on float64 row matrices (use driftscope.monitor.StreamMonitor).");
  cls.def(py::init([](const matrix_f64& reference, const py::list& columns, const std::string& window, long long size,
                      const py::object& stride, const py::object& duration, const py::object& half_life,
                      double psi_epsilon, std::size_t event_capacity, const std::string& ks_method_name,
                      bool value_metrics) {
            if (reference.ndim() != 2)
              value_error("{}: reference must be a 2-D array (rows x columns), got {}-D", kFn,
                          static_cast<long>(reference.ndim()));
            stream_monitor_options o;
            o.window = window_arg(window, size, stride, duration, half_life, kFn);
            o.psi_epsilon = psi_epsilon;
            o.event_capacity = event_capacity;
            o.ks_pvalue_method = option_arg(parse_ks_method, ks_method_name, kFn);
            o.value_metrics = value_metrics;
            std::vector<column_config> cols;
            for (const auto& c : columns) cols.push_back(column_arg(c));
            if (static_cast<std::size_t>(reference.shape(1)) != cols.size())
              value_error("{}: reference has {} columns, {} column specs given", kFn,
                          static_cast<long>(reference.shape(1)), cols.size());
            const double* data = reference.data();
            const auto n = static_cast<std::size_t>(reference.shape(0));
            std::unique_ptr<stream_monitor> mon;
            {
              py::gil_scoped_release release;
              mon = std::make_unique<stream_monitor>(data, n, std::move(cols), o);
            }
            return std::make_unique<py_stream_monitor>(std::move(*mon));
          }),
          py::arg("reference"), py::arg("columns"), py::arg("window") = "sliding", py::arg("size") = 1000,
          py::arg("stride") = py::none(), py::arg("duration") = py::none(), py::arg("half_life") = py::none(),
          py::arg("psi_epsilon") = 1e-4, py::arg("event_capacity") = 10000, py::arg("ks_method") = "asymp",
          py::arg("value_metrics") = true);

  cls.def(
      "update_many",
      [](py_stream_monitor& self, const matrix_f64& rows, const py::object& timestamps) {
        if (rows.ndim() != 2)
          value_error("{}.update_many: rows must be a 2-D array, got {}-D", kFn, static_cast<long>(rows.ndim()));
        const auto n = static_cast<std::size_t>(rows.shape(0));
        const auto width = static_cast<std::size_t>(rows.shape(1));
        vector_i64 ts;
        const std::int64_t* tp = nullptr;
        if (!timestamps.is_none()) {
          ts = vector_i64(timestamps);
          if (ts.ndim() != 1 || static_cast<std::size_t>(ts.shape(0)) != n)
            value_error("{}.update_many: timestamps must be 1-D with one per row ({}), got shape of size {}", kFn, n,
                        static_cast<long>(ts.size()));
          tp = ts.data();
        }
        const double* data = rows.data();
        self.pending.clear();
        {
          py::gil_scoped_release release;
          self.mon.update_many(data, n, width, tp);
        }
        return self.take_pending();
      },
      py::arg("rows"), py::arg("timestamps") = py::none(),
      "Feeds a C-contiguous float64 (n, width) matrix; returns the AlarmEvents fired, in order.");

  cls.def("snapshot", [](const py_stream_monitor& self) { return snapshot_dict(self.mon, self.mon.snapshot()); });
  cls.def("current", [](const py_stream_monitor& self) { return snapshot_dict(self.mon, self.mon.current()); });
  cls.def(
      "score_history",
      [](const py_stream_monitor& self, const std::string& column, const std::string& statistic) {
        const char* fn = "StreamMonitor.score_history";
        std::vector<std::uint64_t> ends;
        const std::vector<double> v =
            self.mon.score_history(column, option_arg(parse_stream_statistic, statistic, fn), &ends);
        return py::make_tuple(py::array_t<double>(static_cast<py::ssize_t>(v.size()), v.data()),
                              py::array_t<std::uint64_t>(static_cast<py::ssize_t>(ends.size()), ends.data()));
      },
      py::arg("column"), py::arg("statistic"));
  cls.def(
      "score_drift_shape",
      [](const py_stream_monitor& self, const std::string& column, const std::string& statistic,
         std::optional<double> min_duration) {
        const auto st = option_arg(parse_stream_statistic, statistic, "StreamMonitor.drift_shape");
        return self.mon.score_drift_shape(column, st, min_duration.value_or(std::numeric_limits<double>::quiet_NaN()));
      },
      py::arg("column"), py::arg("statistic"), py::arg("min_duration") = py::none());
  cls.def_property_readonly(
      "events", [](py_stream_monitor& self) -> event_log& { return self.mon.events(); },
      py::return_value_policy::reference_internal);
  cls.def_property_readonly("columns_info", [](const py_stream_monitor& self) { return columns_info(self.mon); });
  cls.def_property_readonly("rows_seen", [](const py_stream_monitor& self) { return self.mon.rows_seen(); });
  cls.def_property_readonly("memory_bytes", [](const py_stream_monitor& self) { return self.mon.memory_bytes(); });
  cls.def_property_readonly("value_metrics",
                            [](const py_stream_monitor& self) { return self.mon.options().value_metrics; });
  cls.def_property_readonly("window", [](const py_stream_monitor& self) {
    const window_spec& w = self.mon.options().window;
    py::dict d;
    d["kind"] = to_string(w.kind);
    d["size"] = w.size;
    d["stride"] = w.stride;
    d["duration"] = w.duration_ns;
    d["stride_ns"] = w.stride_ns;
    d["half_life"] = w.half_life;
    return d;
  });
  cls.def("merge", [](py_stream_monitor& self, const py_stream_monitor& other) { self.mon.merge(other.mon); },
          py::arg("other"));
  cls.def("serialize", [](const py_stream_monitor& self) {
    std::vector<std::uint8_t> b;
    {
      py::gil_scoped_release release;
      b = self.mon.serialize();
    }
    return to_py_bytes(b);
  });
  cls.def_static(
      "deserialize",
      [](const py::bytes& data) {
        const std::string s = data;
        std::unique_ptr<stream_monitor> mon;
        {
          py::gil_scoped_release release;
          mon = std::make_unique<stream_monitor>(stream_monitor::deserialize(s.data(), s.size()));
        }
        return std::make_unique<py_stream_monitor>(std::move(*mon));
      },
      py::arg("data"));
  m.def(
      "_stream_default_rule",
      [](const std::string& statistic) -> py::object {
        const auto r = stream_monitor::default_rule(option_arg(parse_stream_statistic, statistic, kFn));
        if (!r) return py::none();
        return py::cast(*r);
      },
      py::arg("statistic"));
  m.def(
      "_stream_default_statistics",
      [](const std::string& kind, const std::string& window) {
        const column_kind k = kind == "categorical" ? column_kind::categorical : column_kind::numerical;
        const window_kind w = window == "decaying" ? window_kind::decaying : window_kind::sliding;
        std::vector<std::string> out;
        for (stream_statistic s : stream_monitor::default_statistics(k, w)) out.emplace_back(to_string(s));
        return out;
      },
      py::arg("kind"), py::arg("window"));
}

}  // namespace driftscope::python
