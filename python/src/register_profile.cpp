// ReferenceProfile: a reference sample prepared once (reference_profile<double>),
// picklable through its serialized bytes.
#include "bindings.hpp"

#include <driftscope/stats/reference_profile.hpp>

#include <string>

namespace driftscope::python {
namespace {

using profile = reference_profile<double>;

/// Version tag of the pickled state: (tag, bytes). Unknown tags are refused.
constexpr int pickle_version = 1;

profile make_profile(py::handle reference, long long bins, py::handle binning, const std::string& policy) {
  const driftscope::binning b = binning_arg(binning, bins, "ReferenceProfile");
  const nan_policy p = option_arg(parse_nan_policy, policy, "ReferenceProfile");
  const array_1d ref = as_array_1d(reference, "ReferenceProfile", "reference");
  py::gil_scoped_release release;
  return visit(ref, [&](auto* x) { return profile(x, ref.size, b, p); });
}

/// Runs f(const U* current, n) on the current sample without the GIL.
template <class F>
auto with_current(py::handle current, const char* function, F&& f) {
  const array_1d cur = as_array_1d(current, function, "current");
  py::gil_scoped_release release;
  return visit(cur, [&](auto* x) { return f(x, cur.size); });
}

std::string profile_repr(const profile& p) {
  const auto& b = p.binning();
  const std::string kind = b.kind == binning_kind::explicit_edges ? "edges" : fmt::format("'{}'", to_string(b.kind));
  return fmt::format("ReferenceProfile(n={}, missing={}, bins={}, binning={}, nan_policy='{}')", p.n(), p.missing(),
                     p.counts().size(), kind, to_string(p.nan()));
}

}  // namespace

void register_profile(py::module_& m) {
  py::class_<profile>(m, "ReferenceProfile",
                      "A reference sample prepared once (sorted values, bin edges, bin counts) and compared "
                      "many times; each method equals the one-shot function on (reference, current).")
      .def(py::init(&make_profile), py::arg("reference"), py::arg("bins") = 10, py::arg("binning") = "quantile",
           py::arg("nan_policy") = "omit")
      .def(
          "psi",
          [](const profile& p, py::handle current, double epsilon) {
            const drift_result r = with_current(current, "ReferenceProfile.psi",
                                                [&](auto* x, std::size_t n) { return p.psi(x, n, epsilon); });
            return to_python(r, "psi");
          },
          py::arg("current"), py::arg("epsilon") = 1e-4)
      .def(
          "js_distance",
          [](const profile& p, py::handle current, double base) {
            const drift_result r = with_current(current, "ReferenceProfile.js_distance",
                                                [&](auto* x, std::size_t n) { return p.js_distance(x, n, base); });
            return to_python(r, "js_distance");
          },
          py::arg("current"), py::arg("base") = 2.0)
      .def(
          "ks",
          [](const profile& p, py::handle current, const std::string& alt, const std::string& method) {
            const alternative a = option_arg(parse_alternative, alt, "ReferenceProfile.ks");
            const ks_method km = option_arg(parse_ks_method, method, "ReferenceProfile.ks");
            return with_current(current, "ReferenceProfile.ks",
                                [&](auto* x, std::size_t n) { return p.ks(x, n, a, km); });
          },
          py::arg("current"), py::arg("alternative") = "two-sided", py::arg("method") = "auto")
      .def(
          "wasserstein",
          [](const profile& p, py::handle current) {
            return with_current(current, "ReferenceProfile.wasserstein",
                                [&](auto* x, std::size_t n) { return p.wasserstein(x, n); });
          },
          py::arg("current"))
      .def_property_readonly("edges", [](const profile& p) { return to_float64_array(p.edges()); })
      .def_property_readonly("counts", [](const profile& p) { return to_int64_array(p.counts()); })
      .def_property_readonly("n", &profile::n)
      .def_property_readonly("missing", &profile::missing)
      .def_property_readonly("sorted_values", [](const profile& p) { return to_float64_array(p.sorted_values()); })
      .def("to_bytes", &serialize_to_bytes<profile>, "The profile as versioned little-endian bytes.")
      .def_static("from_bytes", &deserialize_from_bytes<profile>, py::arg("data"), "Restores a profile from to_bytes() output.")
      .def("__repr__", &profile_repr)
      .def(py::pickle(
          [](const profile& p) { return py::make_tuple(pickle_version, serialize_to_bytes(p)); },
          [](const py::tuple& t) {
            if (t.size() != 2 || !py::isinstance<py::int_>(t[0]))
              value_error("ReferenceProfile: invalid pickled state (expected (version, bytes))");
            const int v = t[0].cast<int>();
            if (v != pickle_version)
              value_error("ReferenceProfile: unsupported pickle version {} (this build reads {})", v, pickle_version);
            return deserialize_from_bytes<profile>(t[1]);
          }));
}

}  // namespace driftscope::python
