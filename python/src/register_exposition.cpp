// Prometheus / OpenMetrics exposition (driftscope/monitor/exposition.hpp), RateMeter,
// RatioMetric and the process metrics. Timestamps: int nanoseconds since the Unix epoch or
// numpy.datetime64; labels: a dict {name: value} (str), kept in its order.
#include "bindings.hpp"

#include <driftscope/monitor/exposition.hpp>
#include <driftscope/monitor/process_metrics.hpp>
#include <driftscope/monitor/rate_meter.hpp>
#include <driftscope/monitor/ratio_metric.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace driftscope::python {
namespace {

constexpr int pickle_version = 1;

/// An int (not a bool) as int64; `expected` describes the argument in the error.
std::int64_t int64_arg(py::handle v, const char* fn, const char* name, const char* expected) {
  if (PyBool_Check(v.ptr()) || !PyIndex_Check(v.ptr()))
    value_error("{}: {} must be {}, got {}", fn, name, expected, std::string(py::str(py::type::of(v).attr("__name__"))));
  py::object i = py::reinterpret_steal<py::object>(PyNumber_Index(v.ptr()));
  if (!i) throw py::error_already_set();
  int overflow = 0;
  const long long r = PyLong_AsLongLongAndOverflow(i.ptr(), &overflow);
  if (overflow != 0) value_error("{}: {} does not fit in 64 bits", fn, name);
  if (r == -1 && PyErr_Occurred()) throw py::error_already_set();
  return static_cast<std::int64_t>(r);
}

/// int nanoseconds or numpy.datetime64 -> int64 ns. Floats and bools are refused: an int
/// is nanoseconds, so 1.7e9 "seconds" would silently mean 1.7 s.
std::int64_t timestamp_arg(py::handle v, const char* fn, const char* name = "timestamp") {
  static constexpr const char* expected = "int nanoseconds since the Unix epoch or numpy.datetime64";
  if (py::hasattr(v, "dtype") && py::str(v.attr("dtype").attr("kind")).cast<std::string>() == "M") {
    if (py::module_::import("numpy").attr("isnat")(v).cast<bool>()) value_error("{}: {} must not be NaT", fn, name);
    py::object ns = v.attr("astype")("datetime64[ns]").attr("astype")("int64");
    if (py::hasattr(ns, "item")) ns = ns.attr("item")();
    return int64_arg(ns, fn, name, expected);
  }
  return int64_arg(v, fn, name, expected);
}

std::optional<std::int64_t> optional_timestamp(const py::object& v, const char* fn, const char* name) {
  if (v.is_none()) return std::nullopt;
  return timestamp_arg(v, fn, name);
}

/// A count argument (an int), naming it in errors.
std::int64_t count_arg(py::handle v, const char* fn, const char* name) { return int64_arg(v, fn, name, "an int"); }

std::uint64_t nonneg_count(py::handle v, const char* fn, const char* name) {
  const std::int64_t r = count_arg(v, fn, name);
  if (r < 0) value_error("{}: {} must be >= 0, got {}", fn, name, r);
  return static_cast<std::uint64_t>(r);
}

/// labels: None or a mapping {str: str}.
metric_labels labels_arg(const py::object& labels, const char* fn) {
  metric_labels out;
  if (labels.is_none()) return out;
  if (!py::isinstance<py::dict>(labels) && !py::hasattr(labels, "items"))
    value_error("{}: labels must be a dict {{name: value}}, got {}", fn,
                std::string(py::str(py::type::of(labels).attr("__name__"))));
  for (py::handle item : labels.attr("items")()) {
    const auto pair = py::reinterpret_borrow<py::tuple>(item);
    if (!py::isinstance<py::str>(pair[0]) || !py::isinstance<py::str>(pair[1]))
      value_error("{}: label names and values must be str, got {}: {}", fn, std::string(py::repr(pair[0])),
                  std::string(py::repr(pair[1])));
    out.push_back(metric_label{pair[0].cast<std::string>(), pair[1].cast<std::string>()});
  }
  return out;
}

py::dict labels_dict(const metric_labels& labels) {
  py::dict d;
  for (const auto& l : labels) d[py::str(l.name)] = py::str(l.value);
  return d;
}

/// A MetricFamily or an iterable of them, by pointer (no copies): the writers run with the
/// GIL held (a scrape takes microseconds), so the objects cannot change meanwhile.
std::vector<const metric_family*> families_arg(const py::object& families, std::vector<py::object>& keep,
                                               const char* fn) {
  if (py::isinstance<metric_family>(families)) {
    keep.push_back(families);
    return {&families.cast<const metric_family&>()};
  }
  if (py::isinstance<py::str>(families) || !py::hasattr(families, "__iter__"))
    value_error("{}: families must be a MetricFamily or an iterable of them, got {}", fn,
                std::string(py::str(py::type::of(families).attr("__name__"))));
  std::vector<const metric_family*> out;
  for (py::handle f : families) {
    if (!py::isinstance<metric_family>(f))
      value_error("{}: families must hold MetricFamily objects, got {}", fn,
                  std::string(py::str(py::type::of(f).attr("__name__"))));
    keep.push_back(py::reinterpret_borrow<py::object>(f));  // a generator's items stay alive
    out.push_back(&f.cast<const metric_family&>());
  }
  return out;
}

py::object opt_or_none(const std::optional<double>& v) { return v ? py::object(py::float_(*v)) : py::object(py::none()); }
py::object opt_or_none(const std::optional<std::uint64_t>& v) {
  return v ? py::object(py::int_(*v)) : py::object(py::none());
}

/// to_bytes / from_bytes / pickle / copy through serialize() / deserialize().
template <class S, class Cls>
void add_bytes_api(Cls& cls, const char* name) {
  cls.def("to_bytes", &serialize_to_bytes<S>, "The state as versioned little-endian bytes.")
      .def_static("from_bytes", &deserialize_from_bytes<S>, py::arg("data"), "Restores the state from to_bytes().")
      .def("__copy__", [](const S& s) { return S(s); })
      .def(
          "__deepcopy__", [](const S& s, py::dict) { return S(s); }, py::arg("memo"))
      .def(py::pickle([](const S& s) { return py::make_tuple(pickle_version, serialize_to_bytes(s)); },
                      [name](const py::tuple& t) {
                        if (t.size() != 2 || !py::isinstance<py::int_>(t[0]))
                          value_error("{}: invalid pickled state (expected (version, bytes))", name);
                        const int v = t[0].cast<int>();
                        if (v != pickle_version)
                          value_error("{}: unsupported pickle version {} (this build reads {})", name, v,
                                      pickle_version);
                        return deserialize_from_bytes<S>(t[1]);
                      }));
}

std::string family_repr(const metric_family& f) {
  return fmt::format("MetricFamily(name='{}', type='{}', series={})", f.name(), to_string(f.type()),
                     f.points().size());
}

void register_metric_family(py::module_& m) {
  using rvp = py::return_value_policy;
  py::class_<metric_family> fam(
      m, "MetricFamily",
      "A Prometheus / OpenMetrics metric family: name, type, help, unit and a fixed, small set of\n"
      "series (label sets; never per request). Build with the static constructors (counter, gauge,\n"
      "histogram, summary, info, stateset) and add series with the matching add_* method.\n"
      "Timestamps: int nanoseconds since the Unix epoch or numpy.datetime64.");
  fam.def_static(
         "counter",
         [](const std::string& name, const std::string& help, const std::string& unit) {
           return metric_family::counter(name, help, unit);
         },
         py::arg("name"), py::arg("help") = "", py::arg("unit") = "",
         "A counter; `name` with or without '_total'. With a unit the name must end with '_<unit>'.")
      .def_static(
          "gauge",
          [](const std::string& name, const std::string& help, const std::string& unit) {
            return metric_family::gauge(name, help, unit);
          },
          py::arg("name"), py::arg("help") = "", py::arg("unit") = "")
      .def_static(
          "histogram",
          [](const std::string& name, const std::vector<double>& buckets, const std::string& help,
             const std::string& unit) { return metric_family::histogram(name, help, buckets, unit); },
          py::arg("name"), py::arg("buckets"), py::arg("help") = "", py::arg("unit") = "",
          "A histogram with upper bounds `buckets` (strictly increasing; +Inf implied).")
      .def_static(
          "summary",
          [](const std::string& name, const std::vector<double>& quantiles, const std::string& help,
             const std::string& unit) { return metric_family::summary(name, help, quantiles, unit); },
          py::arg("name"), py::arg("quantiles"), py::arg("help") = "", py::arg("unit") = "",
          "A summary with quantile levels in [0, 1] (strictly increasing); for non-negative data.")
      .def_static(
          "info", [](const std::string& name, const std::string& help) { return metric_family::info(name, help); },
          py::arg("name"), py::arg("help") = "", "An info family (value 1, the labels carry the information).")
      .def_static(
          "stateset",
          [](const std::string& name, const std::vector<std::string>& states, const std::string& help) {
            return metric_family::stateset(name, help, states);
          },
          py::arg("name"), py::arg("states"), py::arg("help") = "", "A stateset over `states`.")
      .def(
          "add_counter",
          [](metric_family& f, double value, const py::object& labels, const py::object& created,
             const py::object& timestamp) -> metric_family& {
            static constexpr const char* fn = "MetricFamily.add_counter";
            return f.add_counter(value, labels_arg(labels, fn), optional_timestamp(created, fn, "created"),
                                 optional_timestamp(timestamp, fn, "timestamp"));
          },
          py::arg("value"), py::arg("labels") = py::none(), py::arg("created") = py::none(),
          py::arg("timestamp") = py::none(), rvp::reference_internal,
          "Adds a series (value finite, >= 0; created: when the counter started). Returns self.")
      .def(
          "add_gauge",
          [](metric_family& f, double value, const py::object& labels, const py::object& timestamp) -> metric_family& {
            static constexpr const char* fn = "MetricFamily.add_gauge";
            return f.add_gauge(value, labels_arg(labels, fn), optional_timestamp(timestamp, fn, "timestamp"));
          },
          py::arg("value"), py::arg("labels") = py::none(), py::arg("timestamp") = py::none(), rvp::reference_internal,
          "Adds a series (any float; NaN = no data). Returns self.")
      .def(
          "add_histogram",
          [](metric_family& f, const py::iterable& bucket_counts, double sum, const py::object& labels,
             const py::object& created, const py::object& timestamp) -> metric_family& {
            static constexpr const char* fn = "MetricFamily.add_histogram";
            std::vector<std::uint64_t> counts;
            for (py::handle c : bucket_counts) counts.push_back(nonneg_count(c, fn, "bucket_counts"));
            return f.add_histogram(counts, sum, labels_arg(labels, fn), optional_timestamp(created, fn, "created"),
                                   optional_timestamp(timestamp, fn, "timestamp"));
          },
          py::arg("bucket_counts"), py::arg("sum"), py::arg("labels") = py::none(), py::arg("created") = py::none(),
          py::arg("timestamp") = py::none(), rvp::reference_internal,
          "Adds a series from per-bucket (not cumulative) counts, one per bound plus the +Inf bucket. Returns self.")
      .def(
          "add_summary",
          [](metric_family& f, const py::object& count, double sum, const std::vector<double>& quantile_values,
             const py::object& labels, const py::object& created, const py::object& timestamp) -> metric_family& {
            static constexpr const char* fn = "MetricFamily.add_summary";
            return f.add_summary(nonneg_count(count, fn, "count"), sum, quantile_values, labels_arg(labels, fn),
                                 optional_timestamp(created, fn, "created"),
                                 optional_timestamp(timestamp, fn, "timestamp"));
          },
          py::arg("count"), py::arg("sum"), py::arg("quantile_values"), py::arg("labels") = py::none(),
          py::arg("created") = py::none(), py::arg("timestamp") = py::none(), rvp::reference_internal,
          "Adds a series: count, sum (>= 0) and one value per quantile (>= 0 or NaN). Returns self.")
      .def(
          "add_info",
          [](metric_family& f, const py::object& labels, const py::object& timestamp) -> metric_family& {
            static constexpr const char* fn = "MetricFamily.add_info";
            return f.add_info(labels_arg(labels, fn), optional_timestamp(timestamp, fn, "timestamp"));
          },
          py::arg("labels"), py::arg("timestamp") = py::none(), rvp::reference_internal, "Adds a series. Returns self.")
      .def(
          "add_stateset",
          [](metric_family& f, const std::vector<std::string>& enabled, const py::object& labels,
             const py::object& timestamp) -> metric_family& {
            static constexpr const char* fn = "MetricFamily.add_stateset";
            return f.add_stateset(enabled, labels_arg(labels, fn), optional_timestamp(timestamp, fn, "timestamp"));
          },
          py::arg("enabled"), py::arg("labels") = py::none(), py::arg("timestamp") = py::none(),
          rvp::reference_internal, "Adds a series in which the states in `enabled` are on. Returns self.")
      .def_property_readonly("name", &metric_family::name)
      .def_property_readonly("type", [](const metric_family& f) { return std::string(to_string(f.type())); })
      .def_property_readonly("help", &metric_family::help)
      .def_property_readonly("unit", &metric_family::unit)
      .def_property_readonly("buckets", &metric_family::upper_bounds)
      .def_property_readonly("quantiles", &metric_family::quantiles)
      .def_property_readonly("states", &metric_family::states)
      .def_property_readonly(
          "samples",
          [](const metric_family& f) {
            py::list out;
            for (const metric_sample& s : f.samples())
              out.append(py::make_tuple(s.name, labels_dict(s.labels), s.value,
                                        s.timestamp_ns ? py::object(py::int_(*s.timestamp_ns)) : py::object(py::none())));
            return out;
          },
          "The samples as OpenMetrics writes them: (name, labels, value, timestamp_ns or None).")
      .def("__len__", [](const metric_family& f) { return f.points().size(); })
      .def("__copy__", [](const metric_family& f) { return metric_family(f); })
      .def(
          "__deepcopy__", [](const metric_family& f, py::dict) { return metric_family(f); }, py::arg("memo"))
      .def("__repr__", &family_repr);

  m.def(
      "to_prometheus_text",
      [](const py::object& families) {
        std::vector<py::object> keep;
        std::string out;
        write_prometheus_text(families_arg(families, keep, "to_prometheus_text"), out);
        return out;
      },
      py::arg("families"), "The Prometheus text format 0.0.4 of the families.");
  m.def(
      "to_openmetrics",
      [](const py::object& families) {
        std::vector<py::object> keep;
        std::string out;
        write_openmetrics(families_arg(families, keep, "to_openmetrics"), out);
        return out;
      },
      py::arg("families"), "OpenMetrics 1.0 text of the families (ends with '# EOF').");
  m.def(
      "render_metrics",
      [](const std::string& accept, const py::object& families) {
        std::vector<py::object> keep;
        const metrics_response r = render_metrics(accept, families_arg(families, keep, "render_metrics"));
        return py::make_tuple(r.content_type, py::bytes(r.body));
      },
      py::arg("accept"), py::arg("families"),
      "(content_type, body bytes) for an HTTP Accept header: OpenMetrics when the client asks for it, "
      "else the Prometheus text format.");
  m.def(
      "negotiate_exposition_format",
      [](const std::string& accept) {
        return std::string(negotiate_exposition_format(accept) == exposition_format::openmetrics ? "openmetrics"
                                                                                                 : "prometheus_text");
      },
      py::arg("accept"), "'openmetrics' or 'prometheus_text' for an HTTP Accept header.");
  m.attr("PROMETHEUS_TEXT_CONTENT_TYPE") = prometheus_text_content_type;
  m.attr("OPENMETRICS_CONTENT_TYPE") = openmetrics_content_type;
}

void register_rate_meter(py::module_& m) {
  py::class_<rate_meter> cls(
      m, "RateMeter",
      "Event throughput as 1-, 5- and 15-minute exponentially weighted rates (events per second;\n"
      "Unix load average / Dropwizard Meter: 5 s ticks, alpha = 1 - exp(-5/60/minutes)), driven by\n"
      "timestamps: int nanoseconds since the epoch or numpy.datetime64, non-decreasing.");
  cls.def(py::init([](const py::object& start) {
            if (start.is_none()) return rate_meter();
            return rate_meter(timestamp_arg(start, "RateMeter", "start"));
          }),
          py::arg("start") = py::none(), "start: the tick grid's origin; None = the first timestamp seen.")
      .def(
          "mark",
          [](rate_meter& r, const py::object& n, const py::object& timestamp) {
            static constexpr const char* fn = "RateMeter.mark";
            r.mark(nonneg_count(n, fn, "n"), timestamp_arg(timestamp, fn));
          },
          py::arg("n"), py::arg("timestamp"), "Counts n events at timestamp.")
      .def(
          "advance", [](rate_meter& r, const py::object& t) { r.advance(timestamp_arg(t, "RateMeter.advance")); },
          py::arg("timestamp"), "Moves the clock without events.")
      .def(
          "rates",
          [](const rate_meter& r, const py::object& t) {
            const meter_rates v = r.rates(timestamp_arg(t, "RateMeter.rates"));
            return py::make_tuple(v.m1, v.m5, v.m15);
          },
          py::arg("timestamp"), "(1-minute, 5-minute, 15-minute) rates at timestamp, events per second.")
      .def(
          "rate_1m", [](const rate_meter& r, const py::object& t) { return r.rate_1m(timestamp_arg(t, "RateMeter.rate_1m")); },
          py::arg("timestamp"))
      .def(
          "rate_5m", [](const rate_meter& r, const py::object& t) { return r.rate_5m(timestamp_arg(t, "RateMeter.rate_5m")); },
          py::arg("timestamp"))
      .def(
          "rate_15m",
          [](const rate_meter& r, const py::object& t) { return r.rate_15m(timestamp_arg(t, "RateMeter.rate_15m")); },
          py::arg("timestamp"))
      .def(
          "mean_rate",
          [](const rate_meter& r, const py::object& t) { return r.mean_rate(timestamp_arg(t, "RateMeter.mean_rate")); },
          py::arg("timestamp"), "count / seconds since the start.")
      .def("merge", &rate_meter::merge, py::arg("other"), "Adds other's events (ticks must be aligned).")
      .def_property_readonly("count", &rate_meter::count)
      .def_property_readonly("started", &rate_meter::started)
      .def_property_readonly("start",
                             [](const rate_meter& r) {
                               return r.started() ? py::object(py::int_(r.start_ns())) : py::object(py::none());
                             })
      .def_property_readonly("last_timestamp",
                             [](const rate_meter& r) {
                               return r.started() ? py::object(py::int_(r.last_timestamp_ns())) : py::object(py::none());
                             })
      .def("__repr__", [](const rate_meter& r) {
        if (!r.started()) return std::string("RateMeter(not started)");
        return fmt::format("RateMeter(count={}, start={}, last_timestamp={})", r.count(), r.start_ns(),
                           r.last_timestamp_ns());
      });
  cls.attr("TICK_NS") = rate_meter::tick_ns;
  add_bytes_api<rate_meter>(cls, "RateMeter");
}

void register_ratio_metric(py::module_& m) {
  py::class_<ratio_metric> cls(
      m, "RatioMetric",
      "A ratio with its numerator and denominator counts (clicks / impressions, retries / requests):\n"
      "kind 'proportion' (numerator <= denominator; Wilson interval) or 'rate' (may exceed 1;\n"
      "Poisson score interval). alert_value is NaN until the denominator reaches min_volume.");
  auto interval_tuple = [](const ratio_interval& r) { return py::make_tuple(r.lower, r.upper); };
  cls.def(py::init([](const std::string& kind, const py::object& min_volume) {
            static constexpr const char* fn = "RatioMetric";
            return ratio_metric({option_arg(parse_ratio_kind, kind, fn), nonneg_count(min_volume, fn, "min_volume")});
          }),
          py::arg("kind") = "proportion", py::arg("min_volume") = 100)
      .def(
          "add",
          [](ratio_metric& r, const py::object& num, const py::object& den) {
            static constexpr const char* fn = "RatioMetric.add";
            r.add(count_arg(num, fn, "numerator"), count_arg(den, fn, "denominator"));
          },
          py::arg("numerator"), py::arg("denominator"), "Adds counts (both >= 0).")
      .def_property_readonly("numerator", &ratio_metric::numerator)
      .def_property_readonly("denominator", &ratio_metric::denominator)
      .def_property_readonly("kind", [](const ratio_metric& r) { return std::string(to_string(r.kind())); })
      .def_property_readonly("min_volume", &ratio_metric::min_volume)
      .def_property_readonly("value", &ratio_metric::value, "numerator / denominator (ValueError when it is 0).")
      .def_property_readonly("ready", &ratio_metric::ready, "True once the denominator reached min_volume.")
      .def_property_readonly("alert_value", &ratio_metric::alert_value, "value once ready, else NaN (no data).")
      .def(
          "wilson_interval",
          [interval_tuple](const ratio_metric& r, double confidence) {
            return interval_tuple(r.wilson_interval(confidence));
          },
          py::arg("confidence") = 0.95,
          "(lower, upper) Wilson score interval of a proportion; as statsmodels proportion_confint(method='wilson').")
      .def(
          "poisson_interval",
          [interval_tuple](const ratio_metric& r, double confidence) {
            return interval_tuple(r.poisson_interval(confidence));
          },
          py::arg("confidence") = 0.95,
          "(lower, upper) Poisson score interval of the rate; as statsmodels confint_poisson(method='score').")
      .def(
          "interval",
          [interval_tuple](const ratio_metric& r, double confidence) { return interval_tuple(r.interval(confidence)); },
          py::arg("confidence") = 0.95, "The kind's interval: Wilson (proportion) or Poisson score (rate).")
      .def("merge", &ratio_metric::merge, py::arg("other"))
      .def("reset", &ratio_metric::reset)
      .def("__repr__", [](const ratio_metric& r) {
        return fmt::format("RatioMetric(kind='{}', numerator={}, denominator={}, min_volume={})", to_string(r.kind()),
                           r.numerator(), r.denominator(), r.min_volume());
      });
  add_bytes_api<ratio_metric>(cls, "RatioMetric");
}

void register_process(py::module_& m) {
  m.def(
      "process_metrics",
      [] {
        process_metrics p;
        {
          py::gil_scoped_release release;
          p = read_process_metrics();
        }
        py::dict d;
        d["resident_memory_bytes"] = opt_or_none(p.resident_memory_bytes);
        d["virtual_memory_bytes"] = opt_or_none(p.virtual_memory_bytes);
        d["cpu_user_seconds"] = opt_or_none(p.cpu_user_seconds);
        d["cpu_system_seconds"] = opt_or_none(p.cpu_system_seconds);
        d["cpu_seconds"] = opt_or_none(p.cpu_seconds());
        d["open_fds"] = opt_or_none(p.open_fds);
        d["max_fds"] = opt_or_none(p.max_fds);
        d["start_time_seconds"] = opt_or_none(p.start_time_seconds);
        d["load_average_1m"] = opt_or_none(p.load_average_1m);
        d["load_average_5m"] = opt_or_none(p.load_average_5m);
        d["load_average_15m"] = opt_or_none(p.load_average_15m);
        return d;
      },
      "The process's resource use now: a dict of resident / virtual memory bytes, CPU seconds, open fds, start "
      "time (epoch seconds) and the 1/5/15-minute load average; None where the platform does not provide one.");
  m.def(
      "process_metric_families",
      [] {
        std::vector<metric_family> f;
        {
          py::gil_scoped_release release;
          f = process_metric_families(read_process_metrics());
        }
        return f;
      },
      "The process metrics as MetricFamily objects under the Prometheus client libraries' standard names.");
}

}  // namespace

void register_exposition(py::module_& m) {
  register_metric_family(m);
  register_rate_meter(m);
  register_ratio_metric(m);
  register_process(m);
}

}  // namespace driftscope::python
