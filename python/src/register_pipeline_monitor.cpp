// driftscope._core._StageMonitor / _PipelineMonitor: the C++ stage_monitor and
// pipeline_monitor (include/driftscope/monitor/). The public classes are in
// driftscope/_pipeline.py, which converts frames, timestamps and durations to the plain
// forms taken here (float64 matrices, lists of str, int64 nanoseconds).
//
// Events: the C++ callback (no Python) collects the events of a call while the GIL is
// released; each call returns them as AlertEvents and the Python layer dispatches them.
#include "bindings.hpp"

#include <driftscope/monitor/pipeline_monitor.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace driftscope::python {
namespace {

using matrix_f64 = py::array_t<double, py::array::c_style | py::array::forcecast>;
using vector_i64 = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;
using vector_bool = py::array_t<bool, py::array::c_style | py::array::forcecast>;

/// Events collected during one call (shared by the stages of a pipeline).
using event_sink = std::shared_ptr<std::vector<stage_alert_event>>;

void hook(stage_monitor& s, const event_sink& sink) {
  s.on_event([sink](const stage_alert_event& e) { sink->push_back(e); });
}

py::list take(const event_sink& sink) {
  py::list out;
  for (auto& e : *sink) out.append(py::make_tuple(e.stage, e.event));
  sink->clear();
  return out;
}

struct py_stage {
  stage_monitor stage;
  event_sink sink = std::make_shared<std::vector<stage_alert_event>>();
  explicit py_stage(stage_monitor s) : stage(std::move(s)) { hook(stage, sink); }
};

/// The pipeline and a mutex: serve() scrapes it from another thread while the caller's
/// thread observes with the GIL released. The mutex is never held while taking the GIL.
struct py_pipeline {
  pipeline_monitor pipe;
  std::mutex mu;
  event_sink sink = std::make_shared<std::vector<stage_alert_event>>();
  explicit py_pipeline(pipeline_monitor p) : pipe(std::move(p)) {
    for (std::size_t i = 0; i < pipe.size(); ++i) hook(pipe.stage(i), sink);
  }
};

stage_options make_options(const std::string& name, const std::vector<std::string>& numeric,
                           const std::vector<std::pair<std::string, std::vector<std::string>>>& categorical,
                           const std::vector<std::tuple<std::string, std::string, long long>>& ratios,
                           long long window_ns, bool quantiles, long long kll_k, int hll_p, long long top_k,
                           const std::vector<std::string>& missing_values, double latency_relative_accuracy,
                           const std::vector<alert_rule>& rules, const std::optional<std::vector<double>>& reference,
                           long long event_capacity, const std::vector<std::string>& lengths,
                           const std::vector<std::string>& derived) {
  static constexpr const char* fn = "Stage";
  if (kll_k < 8 || kll_k > 65535) value_error("{}: kll_k must be in [8, 65535], got {}", fn, kll_k);
  if (top_k < 1 || top_k > (1LL << 24)) value_error("{}: top_k must be in [1, 2^24], got {}", fn, top_k);
  if (event_capacity < 0) value_error("{}: event_capacity must be >= 0, got {}", fn, event_capacity);
  stage_options o;
  o.name = name;
  o.numeric = numeric;
  for (const auto& c : categorical) o.categorical.push_back({c.first, c.second});
  for (const auto& r : ratios) {
    ratio_field f;
    f.name = std::get<0>(r);
    f.options.kind = option_arg(parse_ratio_kind, std::get<1>(r), fn);
    if (std::get<2>(r) < 0) value_error("{}: min_volume of ratio '{}' must be >= 0, got {}", fn, f.name, std::get<2>(r));
    f.options.min_volume = static_cast<std::uint64_t>(std::get<2>(r));
    o.ratios.push_back(std::move(f));
  }
  o.window_ns = window_ns;
  o.numeric_options.quantiles = quantiles;
  o.numeric_options.kll_k = static_cast<std::uint32_t>(kll_k);
  o.hll_p = hll_p;
  o.top_k = static_cast<std::uint32_t>(top_k);
  o.missing_values = missing_values;
  o.latency_relative_accuracy = latency_relative_accuracy;
  o.rules = rules;
  if (reference) o.reference = *reference;
  o.event_capacity = static_cast<std::size_t>(event_capacity);
  o.lengths = lengths;
  // Python's derived fields are computed by the Python layer: the records carry the values
  for (const auto& d : derived) o.derived.push_back({d, {}});
  return o;
}

/// The categorical values of a call — `columns`, one sequence of n str per categorical
/// field — as row-major string views into the Python strings (kept alive by the caller's
/// objects), checked with the GIL held.
std::vector<std::string_view> category_views(const py::handle& columns, std::size_t n, std::size_t c, const char* fn) {
  std::vector<std::string_view> v;
  if (c == 0) {
    if (!columns.is_none()) value_error("{}: the stage has no categorical fields, but categorical was given", fn);
    return v;
  }
  if (columns.is_none()) value_error("{}: the stage has {} categorical fields; categorical is required", fn, c);
  const py::sequence cols = py::reinterpret_borrow<py::sequence>(columns);
  if (static_cast<std::size_t>(py::len(cols)) != c)
    value_error("{}: categorical must hold one column per categorical field ({}), got {}", fn, c, py::len(cols));
  v.resize(n * c);
  for (std::size_t j = 0; j < c; ++j) {
    const py::sequence col = py::reinterpret_borrow<py::sequence>(cols[j]);
    if (static_cast<std::size_t>(py::len(col)) != n)
      value_error("{}: categorical column {} must have one value per record ({}), got {}", fn, j, n, py::len(col));
    for (std::size_t i = 0; i < n; ++i) {
      py::object x = col[i];
      if (!PyUnicode_Check(x.ptr()))
        value_error("{}: categorical values must be str, got {} at record {} of column {}", fn,
                    std::string(py::str(py::type::of(x).attr("__name__"))), i, j);
      Py_ssize_t len = 0;
      const char* p = PyUnicode_AsUTF8AndSize(x.ptr(), &len);  // cached in the str object
      if (p == nullptr) throw py::error_already_set();
      v[i * c + j] = std::string_view(p, static_cast<std::size_t>(len));
    }
  }
  return v;
}

/// observe_many on a stage: numeric (n, p) float64 or None, categorical c columns of n str
/// or None, latencies (n,) or None (NaN = none), errors (n,) or None, timestamps (n,) int64.
/// An (n, fields) float64 matrix argument `what`, or an empty array when the stage has no such fields.
matrix_f64 field_matrix(const py::object& values, std::size_t n, std::size_t fields, const char* what, const char* fn) {
  matrix_f64 m;
  if (fields > 0) {
    if (values.is_none()) value_error("{}: the stage has {} {} fields; {} is required", fn, fields, what, what);
    m = matrix_f64::ensure(values);
    if (!m || m.ndim() != 2 || static_cast<std::size_t>(m.shape(0)) != n ||
        static_cast<std::size_t>(m.shape(1)) != fields)
      value_error("{}: {} must have shape ({}, {}), got {}", fn, what, n, fields,
                  std::string(py::str(py::getattr(values, "shape", py::str("?")))));
  } else if (!values.is_none()) {
    value_error("{}: the stage has no {} fields, but {} was given", fn, what, what);
  }
  return m;
}

void observe_rows(stage_monitor& s, std::mutex* mu, const py::object& numeric, const py::object& categorical,
                  const py::object& latencies, const py::object& errors, const py::object& timestamps,
                  const py::object& lengths, const py::object& derived) {
  static constexpr const char* fn = "Stage.observe_many";
  const vector_i64 ts = vector_i64::ensure(timestamps);
  if (!ts || ts.ndim() != 1) value_error("{}: timestamps must be a 1-D array of int64 nanoseconds", fn);
  const auto n = static_cast<std::size_t>(ts.shape(0));
  const auto& o = s.options();
  const std::size_t p = o.numeric.size(), c = o.categorical.size();
  const matrix_f64 num = field_matrix(numeric, n, p, "numeric", fn);
  const matrix_f64 len = field_matrix(lengths, n, o.lengths.size(), "lengths", fn);
  const matrix_f64 der = field_matrix(derived, n, o.derived.size(), "derived", fn);
  const auto views = category_views(categorical, n, c, fn);
  matrix_f64 lat;
  if (!latencies.is_none()) {
    lat = matrix_f64::ensure(latencies);
    if (!lat || lat.ndim() != 1 || static_cast<std::size_t>(lat.shape(0)) != n)
      value_error("{}: latencies must be 1-D with one value per record ({})", fn, n);
  }
  vector_bool err;
  if (!errors.is_none()) {
    err = vector_bool::ensure(errors);
    if (!err || err.ndim() != 1 || static_cast<std::size_t>(err.shape(0)) != n)
      value_error("{}: errors must be 1-D with one value per record ({})", fn, n);
  }
  py::gil_scoped_release release;
  std::unique_lock<std::mutex> lock;
  if (mu != nullptr) lock = std::unique_lock<std::mutex>(*mu);
  stage_batch b;
  b.n = n;
  b.numeric = p > 0 ? num.data() : nullptr;
  b.categorical = c > 0 ? views.data() : nullptr;
  b.lengths = o.lengths.empty() ? nullptr : len.data();
  b.derived = o.derived.empty() ? nullptr : der.data();
  b.latencies_seconds = latencies.is_none() ? nullptr : lat.data();
  b.errors = errors.is_none() ? nullptr : err.data();
  b.timestamps_ns = ts.data();
  s.observe_many(b);
}

py::dict values_dict(const stage_monitor& s) {
  py::dict d;
  const auto& ids = s.metric_ids();
  for (std::size_t i = 0; i < ids.size(); ++i) d[py::str(ids[i])] = s.last_values()[i];
  return d;
}

py::list alert_states(const stage_monitor& s) {
  py::list out;
  for (const alert_tracker& t : s.alerts())
    for (auto sev : {alert_severity::warning, alert_severity::alarm})
      if (t.rule().level(sev)) out.append(py::make_tuple(t.rule().alert_name(), to_string(sev), to_string(t.state(sev))));
  return out;
}

template <class Cls, class Get>
void add_stage_api(Cls& cls, Get get) {
  cls.def(
         "observe_many",
         [get](typename Cls::type& self, const py::object& numeric, const py::object& categorical,
               const py::object& latencies, const py::object& errors, const py::object& timestamps,
               const py::object& lengths, const py::object& derived) {
           observe_rows(get(self), nullptr, numeric, categorical, latencies, errors, timestamps, lengths, derived);
         },
         py::arg("numeric"), py::arg("categorical"), py::arg("latencies"), py::arg("errors"), py::arg("timestamps"),
         py::arg("lengths") = py::none(), py::arg("derived") = py::none())
      .def(
          "add_ratio",
          [get](typename Cls::type& self, const std::string& ratio, long long num, long long den, std::int64_t ts) {
            get(self).add_ratio(ratio, num, den, ts);
          },
          py::arg("ratio"), py::arg("numerator"), py::arg("denominator"), py::arg("timestamp"))
      .def(
          "advance", [get](typename Cls::type& self, std::int64_t ts) { get(self).advance(ts); }, py::arg("timestamp"))
      .def(
          "close_window", [get](typename Cls::type& self, std::int64_t ts) { get(self).close_window(ts); },
          py::arg("timestamp"))
      .def_property_readonly("name", [get](typename Cls::type& self) { return get(self).name(); })
      .def_property_readonly("metric_ids", [get](typename Cls::type& self) { return get(self).metric_ids(); })
      .def_property_readonly("last_values", [get](typename Cls::type& self) { return values_dict(get(self)); })
      .def(
          "value", [get](typename Cls::type& self, const std::string& id) { return get(self).last_value(id); },
          py::arg("metric"))
      .def_property_readonly("last_window_end", [get](typename Cls::type& self) { return get(self).last_window_end(); })
      .def_property_readonly("last_timestamp", [get](typename Cls::type& self) { return get(self).last_timestamp(); })
      .def_property_readonly("windows_closed", [get](typename Cls::type& self) { return get(self).windows_closed(); })
      .def_property_readonly("requests_total", [get](typename Cls::type& self) { return get(self).requests_total(); })
      .def_property_readonly("errors_total", [get](typename Cls::type& self) { return get(self).errors_total(); })
      .def_property_readonly("events",
                             [get](typename Cls::type& self) {
                               const alert_log& l = get(self).events();
                               return std::vector<alert_event>(l.events().begin(), l.events().end());
                             })
      .def_property_readonly("first_alarm", [get](typename Cls::type& self) { return get(self).first_alarm(); })
      .def_property_readonly("alert_states", [get](typename Cls::type& self) { return alert_states(get(self)); })
      .def_property_readonly("rules", [get](typename Cls::type& self) {
        std::vector<alert_rule> r;
        for (const auto& t : get(self).alerts()) r.push_back(t.rule());
        return r;
      });
}

}  // namespace

void register_pipeline_monitor(py::module_& m) {
  py::class_<py_stage> stage(m, "_StageMonitor", "C++ stage_monitor (see driftscope.monitor.Stage).");
  stage.def(py::init([](const std::string& name, const std::vector<std::string>& numeric,
                        const std::vector<std::pair<std::string, std::vector<std::string>>>& categorical,
                        const std::vector<std::tuple<std::string, std::string, long long>>& ratios, long long window_ns,
                        bool quantiles, long long kll_k, int hll_p, long long top_k,
                        const std::vector<std::string>& missing_values, double latency_relative_accuracy,
                        const std::vector<alert_rule>& rules, const std::optional<std::vector<double>>& reference,
                        long long event_capacity, const std::vector<std::string>& lengths,
                        const std::vector<std::string>& derived) {
              return std::make_unique<py_stage>(stage_monitor(make_options(
                  name, numeric, categorical, ratios, window_ns, quantiles, kll_k, hll_p, top_k, missing_values,
                  latency_relative_accuracy, rules, reference, event_capacity, lengths, derived)));
            }),
            py::arg("name"), py::arg("numeric"), py::arg("categorical"), py::arg("ratios"), py::arg("window_ns"),
            py::arg("quantiles"), py::arg("kll_k"), py::arg("hll_p"), py::arg("top_k"), py::arg("missing_values"),
            py::arg("latency_relative_accuracy"), py::arg("rules"), py::arg("reference"), py::arg("event_capacity"),
            py::arg("lengths") = std::vector<std::string>{}, py::arg("derived") = std::vector<std::string>{})
      .def("take_events", [](py_stage& s) { return take(s.sink); })
      .def("serialize_state", [](const py_stage& s) { return to_py_bytes(s.stage.serialize_state()); })
      .def(
          "restore_state",
          [](py_stage& s, const py::bytes& b) {
            const std::string_view v = b;
            s.stage.restore_state(v.data(), v.size());
          },
          py::arg("state"))
      .def(
          "merge", [](py_stage& s, const py_stage& other) { s.stage.merge(other.stage); }, py::arg("other"))
      .def_static(
          "metric_ids_of",
          [](const std::string& name, const std::vector<std::string>& numeric,
             const std::vector<std::pair<std::string, std::vector<std::string>>>& categorical,
             const std::vector<std::tuple<std::string, std::string, long long>>& ratios, bool quantiles,
             const std::vector<std::string>& lengths, const std::vector<std::string>& derived) {
            auto o = make_options(name, numeric, categorical, ratios, 1, quantiles, 200, 12, 64, {""}, 0.01, {}, {}, 0,
                                  lengths, derived);
            return stage_monitor::metric_ids(o);
          },
          py::arg("name"), py::arg("numeric"), py::arg("categorical"), py::arg("ratios"), py::arg("quantiles"),
          py::arg("lengths") = std::vector<std::string>{}, py::arg("derived") = std::vector<std::string>{})
      .def_static(
          "summarize",
          [](const std::string& name, const std::vector<std::string>& numeric,
             const std::vector<std::pair<std::string, std::vector<std::string>>>& categorical,
             const std::vector<std::tuple<std::string, std::string, long long>>& ratios, bool quantiles, long long kll_k,
             int hll_p, long long top_k, const std::vector<std::string>& missing_values, const py::object& rows_numeric,
             const py::object& rows_categorical, std::size_t n, const std::vector<std::string>& lengths,
             const std::vector<std::string>& derived, const py::object& rows_lengths, const py::object& rows_derived) {
            // as stage_monitor::summarize: one window holding every row, closed at once
            stage_monitor probe(make_options(name, numeric, categorical, ratios, std::numeric_limits<std::int64_t>::max(),
                                             quantiles, kll_k, hll_p, top_k, missing_values, 0.01, {}, {}, 0, lengths,
                                             derived));
            observe_rows(probe, nullptr, rows_numeric, rows_categorical, py::none(), py::none(),
                         py::module_::import("numpy").attr("zeros")(n, "int64"), rows_lengths, rows_derived);
            probe.close_window(0);
            return probe.last_values();
          },
          py::arg("name"), py::arg("numeric"), py::arg("categorical"), py::arg("ratios"), py::arg("quantiles"),
          py::arg("kll_k"), py::arg("hll_p"), py::arg("top_k"), py::arg("missing_values"), py::arg("rows_numeric"),
          py::arg("rows_categorical"), py::arg("n"), py::arg("lengths") = std::vector<std::string>{},
          py::arg("derived") = std::vector<std::string>{}, py::arg("rows_lengths") = py::none(),
          py::arg("rows_derived") = py::none());
  add_stage_api(stage, [](py_stage& s) -> stage_monitor& { return s.stage; });

  py::class_<py_pipeline> pipe(m, "_PipelineMonitor", "C++ pipeline_monitor (see driftscope.monitor.PipelineMonitor).");
  pipe.def(py::init([](const std::vector<py_stage*>& stages, const std::vector<double>& latency_buckets,
                       bool process_metrics) {
             std::vector<stage_monitor> s;
             for (const py_stage* p : stages) {
               if (p == nullptr) value_error("PipelineMonitor: stages must be Stage objects, got None");
               s.push_back(p->stage);
             }
             pipeline_options o;
             o.latency_buckets = latency_buckets;
             o.process_metrics = process_metrics;
             return std::make_unique<py_pipeline>(pipeline_monitor(std::move(s), std::move(o)));
           }),
           py::arg("stages"), py::arg("latency_buckets"), py::arg("process_metrics"))
      .def("take_events",
           [](py_pipeline& p) {
             auto taken = std::make_shared<std::vector<stage_alert_event>>();
             {
               const std::lock_guard<std::mutex> lock(p.mu);
               taken->swap(*p.sink);
             }
             return take(taken);
           })
      .def_property_readonly("stage_names",
                             [](const py_pipeline& p) {
                               std::vector<std::string> n;
                               for (std::size_t i = 0; i < p.pipe.size(); ++i) n.push_back(p.pipe.stage(i).name());
                               return n;
                             })
      .def(
          "stage_index", [](const py_pipeline& p, const std::string& name) { return p.pipe.stage_index(name); },
          py::arg("name"))
      .def(
          "observe_many",
          [](py_pipeline& p, std::size_t i, const py::object& numeric, const py::object& categorical,
             const py::object& latencies, const py::object& errors, const py::object& timestamps,
             const py::object& lengths, const py::object& derived) {
            observe_rows(p.pipe.stage(i), &p.mu, numeric, categorical, latencies, errors, timestamps, lengths, derived);
          },
          py::arg("stage"), py::arg("numeric"), py::arg("categorical"), py::arg("latencies"), py::arg("errors"),
          py::arg("timestamps"), py::arg("lengths") = py::none(), py::arg("derived") = py::none())
      .def("serialize_state",
           [](py_pipeline& p) {
             std::vector<std::uint8_t> b;
             {
               const std::lock_guard<std::mutex> lock(p.mu);
               b = p.pipe.serialize_state();
             }
             return to_py_bytes(b);
           })
      .def(
          "restore_state",
          [](py_pipeline& p, const py::bytes& b) {
            const std::string_view v = b;
            const std::lock_guard<std::mutex> lock(p.mu);
            p.pipe.restore_state(v.data(), v.size());
          },
          py::arg("state"))
      .def(
          "merge",
          [](py_pipeline& p, py_pipeline& other) {
            if (&p == &other) value_error("PipelineMonitor.merge: other must be another pipeline");
            const std::scoped_lock lock(p.mu, other.mu);
            p.pipe.merge(other.pipe);
          },
          py::arg("other"))
      .def(
          "add_ratio",
          [](py_pipeline& p, std::size_t i, const std::string& ratio, long long num, long long den, std::int64_t ts) {
            const std::lock_guard<std::mutex> lock(p.mu);
            p.pipe.stage(i).add_ratio(ratio, num, den, ts);
          },
          py::arg("stage"), py::arg("ratio"), py::arg("numerator"), py::arg("denominator"), py::arg("timestamp"))
      .def(
          "advance",
          [](py_pipeline& p, std::int64_t ts) {
            py::gil_scoped_release release;
            const std::lock_guard<std::mutex> lock(p.mu);
            p.pipe.advance(ts);
          },
          py::arg("timestamp"))
      .def(
          "stage_values",
          [](py_pipeline& p, std::size_t i) {
            const std::lock_guard<std::mutex> lock(p.mu);
            return values_dict(p.pipe.stage(i));
          },
          py::arg("stage"))
      .def(
          "stage_events",
          [](py_pipeline& p, std::size_t i) {
            const std::lock_guard<std::mutex> lock(p.mu);
            const alert_log& l = p.pipe.stage(i).events();
            return std::vector<alert_event>(l.events().begin(), l.events().end());
          },
          py::arg("stage"))
      .def(
          "stage_alert_states",
          [](py_pipeline& p, std::size_t i) {
            const std::lock_guard<std::mutex> lock(p.mu);
            return alert_states(p.pipe.stage(i));
          },
          py::arg("stage"))
      .def(
          "stage_totals",
          [](py_pipeline& p, std::size_t i) {
            const std::lock_guard<std::mutex> lock(p.mu);
            const stage_monitor& s = p.pipe.stage(i);
            return py::make_tuple(s.requests_total(), s.errors_total(), s.windows_closed(), s.last_window_end());
          },
          py::arg("stage"))
      .def("first_alarm",
           [](py_pipeline& p) -> py::object {
             std::optional<pipeline_alarm> a;
             {
               const std::lock_guard<std::mutex> lock(p.mu);
               a = p.pipe.first_alarm();
             }
             if (!a) return py::none();
             return py::make_tuple(a->stage, a->event);
           })
      .def("metric_families",
           [](py_pipeline& p) {
             std::vector<metric_family> f;
             {
               py::gil_scoped_release release;
               const std::lock_guard<std::mutex> lock(p.mu);
               f = p.pipe.metric_families();
             }
             return f;
           })
      .def(
          "render",
          [](py_pipeline& p, const std::string& accept) {
            metrics_response r;
            {
              py::gil_scoped_release release;
              const std::lock_guard<std::mutex> lock(p.mu);
              r = p.pipe.render(accept);
            }
            return py::make_tuple(r.content_type, py::bytes(r.body));
          },
          py::arg("accept") = "")
      .def(
          "prometheus_rules",
          [](py_pipeline& p, const std::string& group, std::int64_t interval_ns) {
            prometheus_rule_options o;
            o.group = group;
            o.interval = interval_ns;
            const std::lock_guard<std::mutex> lock(p.mu);
            return p.pipe.prometheus_rules(o);
          },
          py::arg("group"), py::arg("interval_ns"))
      .def(
          "promql", [](const py_pipeline& p, const std::string& s, const std::string& metric) { return p.pipe.promql(s, metric); },
          py::arg("stage"), py::arg("metric"));
}

}  // namespace driftscope::python
