// Drift typing (shape/drift_shape.hpp): the DriftShape result class and classify_drift.
// Values: any 1-D numeric array (float32 is converted to float64); the fit runs with the
// GIL released. DriftShape pickles through a version-tagged tuple of its fields.
// Declaration for bindings.hpp: void register_shape(py::module_& m);
#include "bindings.hpp"

#include <driftscope/shape/drift_shape.hpp>

#include <cstddef>
#include <string>

namespace driftscope::python {

namespace {

constexpr int shape_pickle_version = 1;

drift_kind kind_from_string(const std::string& s) {
  if (s == "sudden") return drift_kind::sudden;
  if (s == "incremental") return drift_kind::incremental;
  if (s == "mixing") return drift_kind::mixing;
  value_error("DriftShape: kind must be 'sudden', 'incremental' or 'mixing', got '{}'", s);
}

}  // namespace

void register_shape(py::module_& m) {
  py::class_<drift_shape>(
      m, "DriftShape",
      "Result of classify_drift: kind ('sudden', 'incremental', 'mixing'), gradual, onset, "
      "duration, level_before, level_after, magnitude, rate (NaN for sudden), mixing_level, "
      "mixing_share (NaN unless mixing), bic_step, bic_ramp, bic_two_step (inf: no mixing "
      "candidate), n. Positions are in trajectory units.")
      .def_property_readonly("kind", [](const drift_shape& s) { return std::string(to_string(s.kind)); })
      .def_property_readonly("gradual", &drift_shape::gradual)
      .def_readonly("onset", &drift_shape::onset)
      .def_readonly("duration", &drift_shape::duration)
      .def_readonly("level_before", &drift_shape::level_before)
      .def_readonly("level_after", &drift_shape::level_after)
      .def_readonly("magnitude", &drift_shape::magnitude)
      .def_readonly("rate", &drift_shape::rate)
      .def_readonly("mixing_level", &drift_shape::mixing_level)
      .def_property_readonly("mixing_share", &drift_shape::mixing_share)
      .def_readonly("bic_step", &drift_shape::bic_step)
      .def_readonly("bic_ramp", &drift_shape::bic_ramp)
      .def_readonly("bic_two_step", &drift_shape::bic_two_step)
      .def_readonly("n", &drift_shape::n)
      .def("__repr__",
           [](const drift_shape& s) {
             return fmt::format(
                 "DriftShape(kind='{}', onset={:.6g}, duration={:.6g}, level_before={:.6g}, "
                 "level_after={:.6g}, magnitude={:.6g}, rate={:.6g}, n={})",
                 to_string(s.kind), s.onset, s.duration, s.level_before, s.level_after,
                 s.magnitude, s.rate, s.n);
           })
      .def(py::pickle(
          [](const drift_shape& s) {
            return py::make_tuple(shape_pickle_version, std::string(to_string(s.kind)), s.onset,
                                  s.duration, s.level_before, s.level_after, s.magnitude, s.rate,
                                  s.mixing_level, s.bic_step, s.bic_ramp,
                                  s.bic_two_step, s.n);
          },
          [](const py::tuple& t) {
            if (t.size() < 1 || t[0].cast<int>() != shape_pickle_version)
              value_error("DriftShape: unknown pickle version");
            if (t.size() != 13) value_error("DriftShape: pickle tuple must have 13 items, got {}", t.size());
            drift_shape s;
            s.kind = kind_from_string(t[1].cast<std::string>());
            s.onset = t[2].cast<double>();
            s.duration = t[3].cast<double>();
            s.level_before = t[4].cast<double>();
            s.level_after = t[5].cast<double>();
            s.magnitude = t[6].cast<double>();
            s.rate = t[7].cast<double>();
            s.mixing_level = t[8].cast<double>();
            s.bic_step = t[9].cast<double>();
            s.bic_ramp = t[10].cast<double>();
            s.bic_two_step = t[11].cast<double>();
            s.n = t[12].cast<std::size_t>();
            return s;
          }));

  m.def(
      "classify_drift",
      [](py::handle values, double smoothing, double min_duration, long long min_segment) {
        if (min_segment < 1) value_error("classify_drift: min_segment must be >= 1, got {}", min_segment);
        drift_shape_options opt;
        opt.smoothing = smoothing;
        opt.min_duration = min_duration;
        opt.min_segment = static_cast<std::size_t>(min_segment);
        opt.validate();
        const array_1d a = as_float64(as_array_1d(values, "classify_drift", "values"));
        const double* const y = a.data<double>();
        const std::size_t n = a.size;
        py::gil_scoped_release release;
        return classify_drift(y, n, opt);
      },
      py::arg("values"), py::kw_only(), py::arg("smoothing") = 0.0, py::arg("min_duration") = 1.0,
      py::arg("min_segment") = 2,
      "Fits a step, a ramp and a two-step (mixing) model to a trajectory by least squares and "
      "picks one by BIC = n ln(RSS/n) + k ln n (k = 3, 4, 5); returns a DriftShape. "
      "smoothing: length of a trailing moving window the values were averaged over (0 for "
      "block means); a gradual fit lasting <= min_duration units is labelled sudden; "
      "min_segment: values at each end where no change point is placed.");
}

}  // namespace driftscope::python
