// Monitoring sketches (issue 7): HyperLogLog (distinct counts), FrequentItems (SpaceSaving
// heavy hitters; str, int or float items) and LatencySketch (DDSketch quantiles). Each
// pickles through its C++ bytes; array updates run with the GIL released.
#include "bindings.hpp"

#include <driftscope/sketch/frequent_items.hpp>
#include <driftscope/sketch/hyperloglog.hpp>
#include <driftscope/sketch/latency_sketch.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace driftscope::python {
namespace {

// --- item arguments ----------------------------------------------------------------------

/// A Python str as UTF-8 (a view into the str's cached UTF-8 copy; valid while it lives).
std::string_view utf8_view(py::handle s) {
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(s.ptr(), &size);
  if (data == nullptr) throw py::error_already_set();
  return {data, static_cast<std::size_t>(size)};
}

/// The bytes of a Python bytes object (valid while it lives).
std::string_view bytes_view(py::handle b) {
  char* data = nullptr;
  Py_ssize_t size = 0;
  if (PyBytes_AsStringAndSize(b.ptr(), &data, &size) != 0) throw py::error_already_set();
  return {data, static_cast<std::size_t>(size)};
}

/// An int-like Python object (int, bool, numpy integer) as int64.
std::int64_t int64_arg(py::handle x, const char* function, const char* name) {
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(x.ptr(), &overflow);
  if (overflow != 0) value_error("{}: {} does not fit in a 64-bit integer", function, name);
  if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
  return static_cast<std::int64_t>(v);
}

bool is_int_like(py::handle x) {
  if (PyLong_Check(x.ptr())) return true;
  // numpy integers (not floats): they have __index__
  return !PyFloat_Check(x.ptr()) && PyIndex_Check(x.ptr()) && !py::isinstance<py::array>(x);
}

bool is_float_like(py::handle x) {
  if (PyFloat_Check(x.ptr())) return true;
  // numpy.floating, kept for the life of the process (never destroyed after finalization)
  static PyObject* const floating =
      py::object(py::module_::import("numpy").attr("floating")).release().ptr();
  const int r = PyObject_IsInstance(x.ptr(), floating);
  if (r < 0) throw py::error_already_set();
  return r == 1;
}

/// A sequence of str / bytes from Python (list, tuple, numpy str / object array, any
/// iterable), as views valid while `keep` lives.
struct string_items {
  py::list keep;
  std::vector<std::string_view> views;
};

string_items as_string_items(py::handle items, const char* function) {
  string_items out;
  py::object seq = py::reinterpret_borrow<py::object>(items);
  if (py::isinstance<py::array>(items)) {
    const auto a = py::reinterpret_borrow<py::array>(items);
    if (a.ndim() != 1)
      value_error("{}: items must be 1-D, got {}-D array", function, static_cast<long>(a.ndim()));
    seq = a.attr("tolist")();
  } else if (py::isinstance<py::str>(items) || py::isinstance<py::bytes>(items)) {
    value_error("{}: items must be a sequence of strings, got a single string", function);
  }
  out.keep = py::list(seq);
  out.views.reserve(out.keep.size());
  for (py::handle s : out.keep) {
    if (PyUnicode_Check(s.ptr()))
      out.views.push_back(utf8_view(s));
    else if (PyBytes_Check(s.ptr()))
      out.views.push_back(bytes_view(s));
    else
      value_error("{}: items must be str (or bytes), got {}", function,
                  py::str(py::type::handle_of(s).attr("__name__")).cast<std::string>());
  }
  return out;
}

/// Optional 1-D non-negative integer weights of length n.
struct weights_arg {
  py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> keep;
  const std::uint64_t* data = nullptr;
};

weights_arg as_weights(const py::object& weights, std::size_t n, const char* function) {
  weights_arg w;
  if (weights.is_none()) return w;
  const auto raw = py::array::ensure(weights);
  if (!raw) throw py::error_already_set();
  if (raw.dtype().kind() != 'i' && raw.dtype().kind() != 'u' && raw.dtype().kind() != 'b')
    value_error("{}: weights must be integers, got dtype {}", function,
                py::str(raw.dtype()).cast<std::string>());
  w.keep = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>(raw);
  if (w.keep.ndim() != 1 || static_cast<std::size_t>(w.keep.shape(0)) != n)
    value_error("{}: weights must be 1-D with one weight per item ({}), got shape {}", function, n,
                py::str(py::tuple(raw.attr("shape"))).cast<std::string>());
  const std::int64_t* p = w.keep.data();
  for (std::size_t i = 0; i < n; ++i)
    if (p[i] < 0) value_error("{}: weights must be >= 0, got {} at index {}", function, p[i], i);
  w.data = reinterpret_cast<const std::uint64_t*>(p);  // same bits: every weight is >= 0
  return w;
}

/// A 1-D numeric array for item hashing: integers (and bools) as int64, everything else
/// as float64. `is_int` says which.
struct number_items {
  py::array keep;
  bool is_int = false;
  std::size_t size = 0;
};

number_items as_number_items(const py::array& a, const char* function) {
  if (a.ndim() != 1)
    value_error("{}: items must be 1-D, got {}-D array", function, static_cast<long>(a.ndim()));
  number_items out;
  const char kind = a.dtype().kind();
  if (kind == 'i' || kind == 'u' || kind == 'b') {
    out.is_int = true;
    out.keep = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>(a);
  } else if (kind == 'f') {
    out.keep = py::array_t<double, py::array::c_style | py::array::forcecast>(a);
  } else {
    value_error("{}: items must be numbers or strings, got dtype {}", function,
                py::str(a.dtype()).cast<std::string>());
  }
  out.size = static_cast<std::size_t>(out.keep.shape(0));
  return out;
}

// --- HyperLogLog ---------------------------------------------------------------------------

void hll_update(hyperloglog& h, py::handle x) {
  if (PyUnicode_Check(x.ptr())) return h.update(utf8_view(x));
  if (PyBytes_Check(x.ptr())) return h.update(bytes_view(x));
  if (is_float_like(x)) return h.update(x.cast<double>());
  if (is_int_like(x)) return h.update(int64_arg(x, "HyperLogLog.update", "x"));
  value_error("HyperLogLog.update: x must be a str, bytes, int or float, got {}",
              py::str(py::type::handle_of(x).attr("__name__")).cast<std::string>());
}

void hll_update_many(hyperloglog& h, py::handle x) {
  static constexpr const char* fn = "HyperLogLog.update_many";
  py::object arr;
  if (py::isinstance<py::array>(x)) {
    arr = py::reinterpret_borrow<py::object>(x);
  } else if (!py::isinstance<py::str>(x) && !py::isinstance<py::bytes>(x)) {
    // lists of numbers become arrays; lists with strings go the string way
    const py::list items(py::reinterpret_borrow<py::object>(x));
    bool strings = false;
    for (py::handle v : items) strings |= PyUnicode_Check(v.ptr()) || PyBytes_Check(v.ptr());
    if (strings) {
      const string_items s = as_string_items(items, fn);
      py::gil_scoped_release release;
      h.update_many(s.views.data(), s.views.size());
      return;
    }
    arr = py::array::ensure(items);
    if (!arr) throw py::error_already_set();
  } else {
    value_error("{}: x must be a sequence of items, got a single string", fn);
  }
  const auto a = py::reinterpret_borrow<py::array>(arr);
  const char kind = a.dtype().kind();
  if (kind == 'U' || kind == 'S' || kind == 'O') {
    const string_items s = as_string_items(a, fn);
    py::gil_scoped_release release;
    h.update_many(s.views.data(), s.views.size());
    return;
  }
  const number_items n = as_number_items(a, fn);
  py::gil_scoped_release release;
  if (n.is_int)
    h.update_many(static_cast<const std::int64_t*>(n.keep.data()), n.size);
  else
    h.update_many(static_cast<const double*>(n.keep.data()), n.size);
}

// --- FrequentItems -------------------------------------------------------------------------

/// The Python FrequentItems: one C++ summary per item type.
struct py_frequent_items {
  std::variant<frequent_items<std::string>, frequent_items<std::int64_t>, frequent_items<double>>
      sketch;

  const char* item_type() const noexcept {
    static constexpr const char* names[] = {"str", "int", "float"};
    return names[sketch.index()];
  }
  std::vector<std::uint8_t> serialize() const {
    return std::visit([](const auto& s) { return s.serialize(); }, sketch);
  }
  static py_frequent_items deserialize(const void* data, std::size_t size) {
    // the item type byte picks the C++ type; a buffer too short for it gets the string
    // type's error (truncated)
    const auto* b = static_cast<const std::uint8_t*>(data);
    const std::uint8_t code = size > 6 ? b[6] : 0;
    if (code == 1) return {frequent_items<std::int64_t>::deserialize(data, size)};
    if (code == 2) return {frequent_items<double>::deserialize(data, size)};
    return {frequent_items<std::string>::deserialize(data, size)};
  }
};

py_frequent_items frequent_from_bytes(py::handle data) {
  py_frequent_items f = deserialize_from_bytes<py_frequent_items>(data);
  if (auto* s = std::get_if<frequent_items<std::string>>(&f.sketch))
    for (const auto& r : s->top(s->size())) {  // Python str items are UTF-8
      PyObject* u =
          PyUnicode_DecodeUTF8(r.item.data(), static_cast<Py_ssize_t>(r.item.size()), "strict");
      if (u == nullptr) {
        PyErr_Clear();
        value_error("FrequentItems.from_bytes: a string item is not valid UTF-8");
      }
      Py_DECREF(u);
    }
  return f;
}

py::object item_to_python(const std::string& s) {
  return py::str(s);
}
py::object item_to_python(std::int64_t v) {
  return py::int_(v);
}
py::object item_to_python(double v) {
  return py::float_(v);
}

template <class Rows>
py::list rows_to_python(const Rows& rows) {
  py::list out;
  for (const auto& r : rows)
    out.append(py::make_tuple(item_to_python(r.item), r.estimate, r.lower_bound, r.upper_bound));
  return out;
}

/// Calls f(sketch, item view) after converting the Python item to the sketch's type.
template <class F>
decltype(auto) with_item(py_frequent_items& p, py::handle item, const char* function, F&& f) {
  return std::visit(
      [&](auto& s) -> decltype(auto) {
        using S = std::decay_t<decltype(s)>;
        using Item = typename S::item_type;
        if constexpr (std::is_same<Item, std::string>::value) {
          if (!PyUnicode_Check(item.ptr()))
            value_error("{}: this FrequentItems counts str items, got {}", function,
                        py::str(py::type::handle_of(item).attr("__name__")).cast<std::string>());
          return f(s, utf8_view(item));
        } else if constexpr (std::is_same<Item, std::int64_t>::value) {
          if (!is_int_like(item))
            value_error("{}: this FrequentItems counts int items, got {}", function,
                        py::str(py::type::handle_of(item).attr("__name__")).cast<std::string>());
          return f(s, int64_arg(item, function, "item"));
        } else {
          if (!is_float_like(item) && !is_int_like(item))
            value_error("{}: this FrequentItems counts float items, got {}", function,
                        py::str(py::type::handle_of(item).attr("__name__")).cast<std::string>());
          return f(s, item.cast<double>());
        }
      },
      p.sketch);
}

void frequent_update_many(py_frequent_items& p, py::handle items, const py::object& weights) {
  static constexpr const char* fn = "FrequentItems.update_many";
  std::visit(
      [&](auto& s) {
        using Item = typename std::decay_t<decltype(s)>::item_type;
        if constexpr (std::is_same<Item, std::string>::value) {
          const string_items v = as_string_items(items, fn);
          const weights_arg w = as_weights(weights, v.views.size(), fn);
          py::gil_scoped_release release;
          if (w.data != nullptr)
            s.update_many(v.views.data(), w.data, v.views.size());
          else
            s.update_many(v.views.data(), v.views.size());
        } else {
          const auto raw = py::array::ensure(items);
          if (!raw) throw py::error_already_set();
          const char kind = raw.dtype().kind();
          const bool ints = kind == 'i' || kind == 'u' || kind == 'b';
          if (!ints && !(std::is_same<Item, double>::value && kind == 'f'))
            value_error("{}: items must be {} numbers, got dtype {}", fn,
                        std::is_same<Item, double>::value ? "float" : "integer",
                        py::str(raw.dtype()).cast<std::string>());
          const py::array_t<Item, py::array::c_style | py::array::forcecast> a(raw);
          if (a.ndim() != 1)
            value_error("{}: items must be 1-D, got {}-D array", fn, static_cast<long>(a.ndim()));
          const auto n = static_cast<std::size_t>(a.shape(0));
          const weights_arg w = as_weights(weights, n, fn);
          py::gil_scoped_release release;
          if (w.data != nullptr)
            s.update_many(a.data(), w.data, n);
          else
            s.update_many(a.data(), n);
        }
      },
      p.sketch);
}

frequent_items_error_type error_type_arg(const std::string& s) {
  if (s == "no_false_negatives") return frequent_items_error_type::no_false_negatives;
  if (s == "no_false_positives") return frequent_items_error_type::no_false_positives;
  value_error(
      "FrequentItems.items_above: error_type must be 'no_false_negatives' or 'no_false_positives', "
      "got '{}'",
      s);
}

// --- LatencySketch -------------------------------------------------------------------------

void latency_update_many(latency_sketch& s, py::handle x) {
  static constexpr const char* fn = "LatencySketch.update_many";
  const auto raw = py::array::ensure(x);
  if (!raw) throw py::error_already_set();
  const char kind = raw.dtype().kind();
  if (kind == 'm') {  // timedelta64: as int64 nanoseconds
    const py::array ns = raw.attr("astype")("m8[ns]").attr("view")("i8");
    return latency_update_many(s, ns);
  }
  if (kind == 'i' || kind == 'u') {
    const py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> a(raw);
    if (a.ndim() != 1)
      value_error("{}: latency must be 1-D, got {}-D array", fn, static_cast<long>(a.ndim()));
    py::gil_scoped_release release;
    s.update_many(a.data(), static_cast<std::size_t>(a.shape(0)));
    return;
  }
  const array_1d a = as_array_1d(raw, fn, "latency");
  py::gil_scoped_release release;
  visit(a, [&](auto* p) { s.update_many(p, a.size); });
}

}  // namespace

void register_monitor_sketches(py::module_& m) {
  // --- HyperLogLog ----------------------------------------------------------------------
  py::class_<hyperloglog> hll(
      m, "HyperLogLog",
      "Distinct-count sketch (HyperLogLog, Flajolet et al. 2007; Ertl 2017 estimator) in "
      "2**p bytes; relative standard error 1.04 / sqrt(2**p).");
  hll.def(py::init([](long long p) {
            if (p < hyperloglog::min_p || p > hyperloglog::max_p)
              value_error("HyperLogLog: p must be in [{}, {}], got {}", hyperloglog::min_p,
                          hyperloglog::max_p, p);
            return hyperloglog(static_cast<int>(p));
          }),
          py::arg("p") = hyperloglog::default_p)
      .def("update", &hll_update, py::arg("x"))
      .def("update_many", &hll_update_many, py::arg("x"))
      .def(
          "merge", [](hyperloglog& h, const hyperloglog& other) { h.merge(other); },
          py::arg("other"))
      .def("estimate", &hyperloglog::estimate)
      .def_property_readonly("relative_standard_error", &hyperloglog::relative_standard_error)
      .def_property_readonly("p", &hyperloglog::p)
      .def_property_readonly("num_registers", &hyperloglog::num_registers)
      .def_property_readonly("is_empty", &hyperloglog::is_empty)
      .def_property_readonly("serialized_size_bytes", &hyperloglog::serialized_size_bytes)
      .def(
          "__eq__", [](const hyperloglog& a, const hyperloglog& b) { return a == b; },
          py::is_operator())
      .def("__repr__", [](const hyperloglog& h) {
        return fmt::format("HyperLogLog(p={}, estimate={})", h.p(), float_repr(h.estimate()));
      });
  hll.attr("__hash__") = py::none();
  add_bytes_api<hyperloglog>(hll, "HyperLogLog", &deserialize_from_bytes<hyperloglog>);

  // --- FrequentItems --------------------------------------------------------------------
  py::class_<py_frequent_items> fi(
      m, "FrequentItems",
      "Heavy hitters with k counters (SpaceSaving, Metwally et al. 2005; mergeable, Agarwal et al. "
      "2012): "
      "lower_bound <= true count <= upper_bound = estimate, within total_weight / k.");
  fi.def(py::init([](long long k, const std::string& item_type) {
           if (k < 1 || k > static_cast<long long>(frequent_items<>::max_k))
             value_error("FrequentItems: k must be in [1, {}], got {}", frequent_items<>::max_k, k);
           const auto kk = static_cast<std::uint32_t>(k);
           if (item_type == "str") return py_frequent_items{frequent_items<std::string>(kk)};
           if (item_type == "int") return py_frequent_items{frequent_items<std::int64_t>(kk)};
           if (item_type == "float") return py_frequent_items{frequent_items<double>(kk)};
           value_error("FrequentItems: item_type must be 'str', 'int' or 'float', got '{}'",
                       item_type);
         }),
         py::arg("k") = frequent_items<>::default_k, py::arg("item_type") = "str")
      .def(
          "update",
          [](py_frequent_items& p, py::handle item, long long weight) {
            if (weight < 0)
              value_error("FrequentItems.update: weight must be >= 0, got {}", weight);
            with_item(p, item, "FrequentItems.update",
                      [&](auto& s, auto v) { s.update(v, static_cast<std::uint64_t>(weight)); });
          },
          py::arg("item"), py::arg("weight") = 1)
      .def("update_many", &frequent_update_many, py::arg("items"), py::arg("weights") = py::none())
      .def(
          "merge",
          [](py_frequent_items& p, const py_frequent_items& other) {
            if (p.sketch.index() != other.sketch.index())
              value_error(
                  "FrequentItems.merge: item_type must match, got '{}' and other.item_type '{}'",
                  p.item_type(), other.item_type());
            std::visit(
                [&](auto& s) {
                  using S = std::decay_t<decltype(s)>;
                  const S& o = std::get<S>(other.sketch);
                  py::gil_scoped_release release;
                  s.merge(o);
                },
                p.sketch);
          },
          py::arg("other"))
      .def(
          "estimate",
          [](py_frequent_items& p, py::handle item) {
            return with_item(p, item, "FrequentItems.estimate",
                             [](auto& s, auto v) { return s.estimate(v); });
          },
          py::arg("item"))
      .def(
          "lower_bound",
          [](py_frequent_items& p, py::handle item) {
            return with_item(p, item, "FrequentItems.lower_bound",
                             [](auto& s, auto v) { return s.lower_bound(v); });
          },
          py::arg("item"))
      .def(
          "upper_bound",
          [](py_frequent_items& p, py::handle item) {
            return with_item(p, item, "FrequentItems.upper_bound",
                             [](auto& s, auto v) { return s.upper_bound(v); });
          },
          py::arg("item"))
      .def("__contains__",
           [](py_frequent_items& p, py::handle item) {
             try {
               return with_item(p, item, "FrequentItems.__contains__",
                                [](auto& s, auto v) { return s.contains(v); });
             } catch (const std::invalid_argument&) {
               return false;  // an item of another type is not in the summary
             }
           })
      .def(
          "top",
          [](const py_frequent_items& p, const py::object& n) {
            return std::visit(
                [&](const auto& s) {
                  std::size_t count = s.size();
                  if (!n.is_none()) {
                    const auto v = n.cast<long long>();
                    if (v < 0) value_error("FrequentItems.top: n must be >= 0, got {}", v);
                    count = static_cast<std::size_t>(v);
                  }
                  return rows_to_python(s.top(count));
                },
                p.sketch);
          },
          py::arg("n") = py::none())
      .def(
          "items_above",
          [](const py_frequent_items& p, const py::object& threshold,
             const std::string& error_type) {
            const frequent_items_error_type type = error_type_arg(error_type);
            return std::visit(
                [&](const auto& s) {
                  const double t = threshold.is_none() ? static_cast<double>(s.total_weight()) /
                                                             static_cast<double>(s.k())
                                                       : threshold.cast<double>();
                  return rows_to_python(s.items_above(t, type));
                },
                p.sketch);
          },
          py::arg("threshold") = py::none(), py::arg("error_type") = "no_false_negatives")
      .def_property_readonly("k",
                             [](const py_frequent_items& p) {
                               return std::visit([](const auto& s) { return s.k(); }, p.sketch);
                             })
      .def_property_readonly("item_type", &py_frequent_items::item_type)
      .def_property_readonly("size",
                             [](const py_frequent_items& p) {
                               return std::visit([](const auto& s) { return s.size(); }, p.sketch);
                             })
      .def_property_readonly("total_weight",
                             [](const py_frequent_items& p) {
                               return std::visit([](const auto& s) { return s.total_weight(); },
                                                 p.sketch);
                             })
      .def_property_readonly("maximum_error",
                             [](const py_frequent_items& p) {
                               return std::visit([](const auto& s) { return s.maximum_error(); },
                                                 p.sketch);
                             })
      .def_property_readonly("is_empty",
                             [](const py_frequent_items& p) {
                               return std::visit([](const auto& s) { return s.is_empty(); },
                                                 p.sketch);
                             })
      .def_property_readonly("memory_bytes",
                             [](const py_frequent_items& p) {
                               return std::visit([](const auto& s) { return s.memory_bytes(); },
                                                 p.sketch);
                             })
      .def("__len__",
           [](const py_frequent_items& p) {
             return std::visit([](const auto& s) { return s.size(); }, p.sketch);
           })
      .def("__repr__", [](const py_frequent_items& p) {
        return std::visit(
            [&](const auto& s) {
              return fmt::format("FrequentItems(k={}, item_type='{}', size={}, total_weight={})",
                                 s.k(), p.item_type(), s.size(), s.total_weight());
            },
            p.sketch);
      });
  add_bytes_api<py_frequent_items>(fi, "FrequentItems", &frequent_from_bytes);

  // --- LatencySketch --------------------------------------------------------------------
  py::class_<latency_sketch> lat(
      m, "LatencySketch",
      "Quantiles of non-negative values within relative error relative_accuracy (DDSketch, Masson, "
      "Rim & Lee "
      "2019) in at most max_buckets buckets; lower-rank quantiles (numpy method='lower').");
  lat.def(py::init([](double relative_accuracy, long long max_buckets) {
            if (max_buckets < latency_sketch::min_max_buckets ||
                max_buckets > latency_sketch::max_max_buckets)
              value_error("LatencySketch: max_buckets must be in [{}, {}], got {}",
                          latency_sketch::min_max_buckets, latency_sketch::max_max_buckets,
                          max_buckets);
            return latency_sketch(relative_accuracy, static_cast<std::uint32_t>(max_buckets));
          }),
          py::arg("relative_accuracy") = latency_sketch::default_relative_accuracy,
          py::arg("max_buckets") = latency_sketch::default_max_buckets)
      .def("update", &latency_sketch::update, py::arg("latency"))
      .def("update_many", &latency_update_many, py::arg("latency"))
      .def(
          "merge",
          [](latency_sketch& s, const latency_sketch& other) {
            py::gil_scoped_release release;
            s.merge(other);
          },
          py::arg("other"))
      .def("quantile", &latency_sketch::quantile, py::arg("q"))
      .def(
          "quantiles",
          [](const latency_sketch& s, py::handle q) {
            const array_1d a = as_float64(as_array_1d(q, "LatencySketch.quantiles", "q"));
            py::array_t<double> out(static_cast<py::ssize_t>(a.size));
            double* o = out.mutable_data();
            {
              py::gil_scoped_release release;
              s.quantiles(a.data<double>(), a.size, o);
            }
            return out;
          },
          py::arg("q"))
      .def(
          "count_le",
          [](const latency_sketch& s, py::handle bounds) -> py::object {
            if (is_float_like(bounds) || is_int_like(bounds))
              return py::int_(s.count_le(bounds.cast<double>()));
            const array_1d a = as_float64(as_array_1d(bounds, "LatencySketch.count_le", "bounds"));
            py::array_t<std::int64_t> out(static_cast<py::ssize_t>(a.size));
            std::vector<std::uint64_t> counts(a.size);
            {
              py::gil_scoped_release release;
              s.count_le(a.data<double>(), a.size, counts.data());
            }
            std::copy(counts.begin(), counts.end(), out.mutable_data());
            return std::move(out);
          },
          py::arg("bounds"))
      .def("buckets",
           [](const latency_sketch& s) {
             const auto b = s.buckets();
             py::array_t<double> lower(static_cast<py::ssize_t>(b.size())),
                 upper(static_cast<py::ssize_t>(b.size()));
             py::array_t<std::int64_t> counts(static_cast<py::ssize_t>(b.size()));
             for (std::size_t i = 0; i < b.size(); ++i) {
               lower.mutable_data()[i] = b[i].lower;
               upper.mutable_data()[i] = b[i].upper;
               counts.mutable_data()[i] = static_cast<std::int64_t>(b[i].count);
             }
             return py::make_tuple(lower, upper, counts);
           })
      .def_property_readonly("count", &latency_sketch::count)
      .def_property_readonly("zero_count", &latency_sketch::zero_count)
      .def_property_readonly("collapsed_count", &latency_sketch::collapsed_count)
      .def_property_readonly("sum", &latency_sketch::sum)
      .def_property_readonly("min", &latency_sketch::min)
      .def_property_readonly("max", &latency_sketch::max)
      .def_property_readonly("mean", &latency_sketch::mean)
      .def_property_readonly("relative_accuracy", &latency_sketch::relative_accuracy)
      .def_property_readonly("gamma", &latency_sketch::gamma)
      .def_property_readonly("max_buckets", &latency_sketch::max_buckets)
      .def_property_readonly("num_buckets", &latency_sketch::num_buckets)
      .def_property_readonly("is_empty", &latency_sketch::is_empty)
      .def_property_readonly("memory_bytes", &latency_sketch::memory_bytes)
      .def_property_readonly("serialized_size_bytes", &latency_sketch::serialized_size_bytes)
      .def("__len__", [](const latency_sketch& s) { return s.count(); })
      .def("__repr__", [](const latency_sketch& s) {
        return fmt::format("LatencySketch(relative_accuracy={}, max_buckets={}, count={})",
                           float_repr(s.relative_accuracy()), s.max_buckets(), s.count());
      });
  add_bytes_api<latency_sketch>(lat, "LatencySketch", &deserialize_from_bytes<latency_sketch>);
}

}  // namespace driftscope::python
