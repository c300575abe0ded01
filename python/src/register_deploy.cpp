// driftscope.deploy: Router (deploy/router.hpp), AutomationPolicy (deploy/automation_policy.hpp),
// ShadowComparator (deploy/shadow_comparator.hpp), ShadowRegression (deploy/shadow_regression.hpp),
// MSPRTGate (deploy/msprt.hpp), RampController (deploy/ramp_controller.hpp)
// and murmur3_x86_32. Ids are str (hashed as UTF-8) or bytes, so C++ and Python assign alike.
// The shadow comparators' per-arm latency / errors (deploy/shadow_arms.hpp) take the arm as
// 'live' or 'shadow'; ShadowComparator, ShadowRegression, MSPRTGate and RampController pickle
// through their bytes (DSSC, DSSR, DSMG, DSRC).
#include "bindings.hpp"

#include <driftscope/deploy/automation_policy.hpp>
#include <driftscope/deploy/msprt.hpp>
#include <driftscope/deploy/ramp_controller.hpp>
#include <driftscope/deploy/router.hpp>
#include <driftscope/deploy/shadow_comparator.hpp>
#include <driftscope/deploy/shadow_regression.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace driftscope::python {
namespace {

constexpr int pickle_version = 1;

/// The bytes of an id: a str's UTF-8, or bytes as they are.
std::string_view id_view(const py::handle& id, const char* fn) {
  if (PyUnicode_Check(id.ptr())) {
    Py_ssize_t n = 0;
    const char* p = PyUnicode_AsUTF8AndSize(id.ptr(), &n);
    if (p == nullptr) throw py::error_already_set();
    return {p, static_cast<std::size_t>(n)};
  }
  if (PyBytes_Check(id.ptr())) {
    char* p = nullptr;
    Py_ssize_t n = 0;
    PyBytes_AsStringAndSize(id.ptr(), &p, &n);
    return {p, static_cast<std::size_t>(n)};
  }
  value_error("{}: ids must be str or bytes, got {}", fn, std::string(py::str(py::type::of(id).attr("__name__"))));
}

using vector_i64 = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

/// A 1-D array of class indices in [0, k) as uint32 (checked with a clear error).
std::vector<std::uint32_t> classes_arg(const py::handle& x, std::uint32_t k, const char* fn, const char* name) {
  const vector_i64 a = vector_i64::ensure(x);
  if (!a || a.ndim() != 1) value_error("{}: {} must be a 1-D array of class indices", fn, name);
  std::vector<std::uint32_t> out(static_cast<std::size_t>(a.shape(0)));
  const std::int64_t* p = a.data();
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (p[i] < 0 || p[i] >= static_cast<std::int64_t>(k))
      value_error("{}: {}[{}] = {} is not a class in [0, {})", fn, name, i, p[i], k);
    out[i] = static_cast<std::uint32_t>(p[i]);
  }
  return out;
}

shadow_arm arm_arg(const std::string& s, const char* fn) { return parse_shadow_arm(s, fn); }

using vector_f64 = py::array_t<double, py::array::c_style | py::array::forcecast>;

/// add_latency(arm, seconds) for either comparator: seconds a number or a 1-D array (all or nothing).
template <class S>
void add_latency_arg(S& s, const std::string& arm, const py::handle& seconds, const char* fn) {
  const shadow_arm a = arm_arg(arm, fn);
  if (PyFloat_Check(seconds.ptr()) || PyLong_Check(seconds.ptr())) {
    const double x = seconds.cast<double>();
    if (!(x >= 0 && std::isfinite(x))) value_error("{}: seconds must be finite and >= 0, got {}", fn, x);
    s.add_latency(a, x);
    return;
  }
  const vector_f64 v = vector_f64::ensure(seconds);
  if (!v || v.ndim() > 1) value_error("{}: seconds must be a number or a 1-D array", fn);
  const double* p = v.data();
  const auto n = static_cast<std::size_t>(v.size());
  for (std::size_t i = 0; i < n; ++i)
    if (!(p[i] >= 0 && std::isfinite(p[i]))) value_error("{}: seconds[{}] must be finite and >= 0, got {}", fn, i, p[i]);
  py::gil_scoped_release release;
  s.add_latencies(a, p, n);
}

template <class S>
void add_error_arg(S& s, const std::string& arm, long long count, const char* fn) {
  const shadow_arm a = arm_arg(arm, fn);
  if (count < 0) value_error("{}: count must be >= 0, got {}", fn, count);
  s.add_error(a, static_cast<std::uint64_t>(count));
}

/// The methods both comparators share: latency and errors per arm.
template <class S, class Cls>
void add_arm_api(Cls& cls, const char* name) {
  const std::string n(name);
  cls.def(
         "add_latency",
         [n](S& s, const std::string& arm, const py::object& seconds) {
           add_latency_arg(s, arm, seconds, (n + ".add_latency").c_str());
         },
         py::arg("arm"), py::arg("seconds"),
         "One request (or a 1-D array of them) answered by arm ('live' or 'shadow') in seconds (>= 0).")
      .def(
          "add_error",
          [n](S& s, const std::string& arm, long long count) { add_error_arg(s, arm, count, (n + ".add_error").c_str()); },
          py::arg("arm"), py::arg("count") = 1, "count requests arm failed (recorded without a latency).")
      .def(
          "arm_stats",
          [n](const S& s, const std::string& arm) { return s.stats(arm_arg(arm, (n + ".arm_stats").c_str())); },
          py::arg("arm"), "Requests, errors, error rate and latency mean / p50 / p90 / p99 of arm.")
      .def("latency_difference", &S::latency_difference, py::arg("q") = 0.5,
           "shadow's latency q-quantile minus live's (within latency_accuracy of each).")
      .def(
          "latency",
          [n](const S& s, const std::string& arm) { return s.arms().latency(arm_arg(arm, (n + ".latency").c_str())); },
          py::arg("arm"), "A copy of arm's LatencySketch.")
      .def_property_readonly("latency_accuracy", [](const S& s) { return s.arms().latency_accuracy(); });
}

deploy_color color_arg(const std::string& s, const char* fn) {
  if (s == "blue") return deploy_color::blue;
  if (s == "green") return deploy_color::green;
  value_error("{}: color must be 'blue' or 'green', got '{}'", fn, s);
}

}  // namespace

void register_deploy(py::module_& m) {
  m.def(
      "murmur3_x86_32",
      [](const py::object& key, std::uint32_t seed) { return murmur3_x86_32(id_view(key, "murmur3_x86_32"), seed); },
      py::arg("key"), py::arg("seed") = 0,
      "MurmurHash3 x86_32 of key (str as UTF-8, or bytes) with seed, unsigned (as mmh3.hash(key, seed, signed=False)).");
  m.def(
      "assignment_bucket",
      [](const py::object& id, const std::string& salt) { return assignment_bucket(id_view(id, "assignment_bucket"), salt); },
      py::arg("id"), py::arg("salt"), "The basis-point bucket in [0, 10000) of id under salt.");

  py::class_<route_decision>(m, "RouteDecision", "Where a request goes.")
      .def_property_readonly("arm", [](const route_decision& d) { return to_string(d.arm); })
      .def_property_readonly("color", [](const route_decision& d) { return to_string(d.color); })
      .def_readonly("mirror", &route_decision::mirror)
      .def_readonly("bucket", &route_decision::bucket)
      .def("__repr__", [](const route_decision& d) {
        return fmt::format("RouteDecision(arm='{}', color='{}', mirror={}, bucket={})", to_string(d.arm),
                           to_string(d.color), d.mirror ? "True" : "False", d.bucket);
      });

  py::class_<router>(m, "Router", "Sticky canary / shadow / blue-green assignment (driftscope.deploy).")
      .def(py::init([](const std::string& salt, const std::string& shadow_salt, double canary_weight,
                       double shadow_weight, const std::string& active) {
             router_options o;
             o.salt = salt;
             o.shadow_salt = shadow_salt;
             o.canary_weight = canary_weight;
             o.shadow_weight = shadow_weight;
             o.active = color_arg(active, "Router");
             return router(o);
           }),
           py::arg("salt") = "driftscope", py::arg("shadow_salt") = "", py::arg("canary_weight") = 0.0,
           py::arg("shadow_weight") = 0.0, py::arg("active") = "blue")
      .def(
          "route", [](const router& r, const py::object& id) { return r.route(id_view(id, "Router.route")); },
          py::arg("id"))
      .def(
          "route_many",
          [](const router& r, const py::sequence& ids) {
            const auto n = static_cast<std::size_t>(py::len(ids));
            std::vector<std::string_view> views(n);
            for (std::size_t i = 0; i < n; ++i) views[i] = id_view(ids[i], "Router.route_many");
            py::array_t<bool> canary(static_cast<py::ssize_t>(n)), mirror(static_cast<py::ssize_t>(n));
            py::array_t<std::uint32_t> bucket(static_cast<py::ssize_t>(n));
            bool* c = canary.mutable_data();
            bool* mi = mirror.mutable_data();
            std::uint32_t* b = bucket.mutable_data();
            {
              py::gil_scoped_release release;
              for (std::size_t i = 0; i < n; ++i) {
                const route_decision d = r.route(views[i]);
                c[i] = d.arm == deploy_arm::canary;
                mi[i] = d.mirror;
                b[i] = d.bucket;
              }
            }
            return py::make_tuple(canary, mirror, bucket);
          },
          py::arg("ids"), "(canary, mirror, bucket) arrays for a sequence of ids.")
      .def_property("canary_weight", &router::canary_weight, &router::set_canary_weight)
      .def_property("shadow_weight", &router::shadow_weight, &router::set_shadow_weight)
      .def_property_readonly("active", [](const router& r) { return to_string(r.active()); })
      .def_property_readonly("standby", [](const router& r) { return to_string(r.standby()); })
      .def_property_readonly("cut_over", &router::cut_over)
      .def_property_readonly("salt", [](const router& r) { return r.options().salt; })
      .def(
          "switch_to", [](router& r, const std::string& c) { r.switch_to(color_arg(c, "Router.switch_to")); },
          py::arg("color"))
      .def("promote", &router::promote)
      .def("rollback", &router::rollback)
      .def("__repr__",
           [](const router& r) {
             return fmt::format("Router(salt='{}', canary_weight={}, shadow_weight={}, active='{}')", r.options().salt,
                                r.canary_weight(), r.shadow_weight(), to_string(r.active()));
           })
      .def(py::pickle(
          [](const router& r) {
            const router_options o = r.options();
            return py::make_tuple(pickle_version, o.salt, o.shadow_salt, o.canary_weight, o.shadow_weight,
                                  to_string(o.active), r.cut_over());
          },
          [](const py::tuple& t) {
            if (t.size() != 7 || t[0].cast<int>() != pickle_version) value_error("Router: invalid pickled state");
            router_options o;
            o.salt = t[1].cast<std::string>();
            o.shadow_salt = t[2].cast<std::string>();
            o.canary_weight = t[3].cast<double>();
            o.shadow_weight = t[4].cast<double>();
            const deploy_color active = color_arg(t[5].cast<std::string>(), "Router");
            const bool cut_over = t[6].cast<bool>();
            // rebuild the cut-over flag: start on the other color and switch
            o.active = cut_over ? (active == deploy_color::blue ? deploy_color::green : deploy_color::blue) : active;
            const double w = o.canary_weight;
            o.canary_weight = 0;
            router r(o);
            if (cut_over) r.switch_to(active);
            if (w > 0) r.set_canary_weight(w);
            return r;
          }));

  py::class_<shadow_test_result>(m, "ShadowTestResult", "A test statistic, its p-value and degrees of freedom.")
      .def_readonly("statistic", &shadow_test_result::statistic)
      .def_readonly("pvalue", &shadow_test_result::pvalue)
      .def_readonly("df", &shadow_test_result::df)
      .def("__repr__", [](const shadow_test_result& r) {
        return fmt::format("ShadowTestResult(statistic={}, pvalue={}, df={})", r.statistic, r.pvalue, r.df);
      });
  py::class_<kappa_result>(m, "KappaResult", "Cohen's kappa with its standard errors (statsmodels cohens_kappa).")
      .def_readonly("kappa", &kappa_result::kappa)
      .def_readonly("std_err", &kappa_result::std_err)
      .def_readonly("std_err_null", &kappa_result::std_err_null)
      .def_readonly("z", &kappa_result::z)
      .def_readonly("pvalue", &kappa_result::pvalue)
      .def("__repr__", [](const kappa_result& r) {
        return fmt::format("KappaResult(kappa={}, std_err={}, std_err_null={}, z={}, pvalue={})", r.kappa, r.std_err,
                           r.std_err_null, r.z, r.pvalue);
      });
  py::class_<accuracy_difference_result>(m, "AccuracyDifference", "Both sides' accuracy and McNemar's exact test.")
      .def_readonly("live_accuracy", &accuracy_difference_result::live_accuracy)
      .def_readonly("shadow_accuracy", &accuracy_difference_result::shadow_accuracy)
      .def_readonly("difference", &accuracy_difference_result::difference)
      .def_readonly("statistic", &accuracy_difference_result::statistic)
      .def_readonly("pvalue", &accuracy_difference_result::pvalue)
      .def_readonly("labelled", &accuracy_difference_result::labelled)
      .def("__repr__", [](const accuracy_difference_result& r) {
        return fmt::format("AccuracyDifference(live_accuracy={}, shadow_accuracy={}, difference={}, pvalue={}, "
                           "labelled={})",
                           r.live_accuracy, r.shadow_accuracy, r.difference, r.pvalue, r.labelled);
      });

  py::class_<arm_stats>(m, "ArmStats", "One arm's requests, errors, error rate and latency summary.")
      .def_readonly("requests", &arm_stats::requests)
      .def_readonly("errors", &arm_stats::errors)
      .def_readonly("error_rate", &arm_stats::error_rate)
      .def_readonly("latencies", &arm_stats::latencies)
      .def_readonly("mean", &arm_stats::mean)
      .def_readonly("p50", &arm_stats::p50)
      .def_readonly("p90", &arm_stats::p90)
      .def_readonly("p99", &arm_stats::p99)
      .def("__repr__", [](const arm_stats& a) {
        return fmt::format("ArmStats(requests={}, errors={}, error_rate={}, latencies={}, mean={}, p50={}, p90={}, p99={})",
                           a.requests, a.errors, float_repr(a.error_rate), a.latencies, float_repr(a.mean),
                           float_repr(a.p50), float_repr(a.p90), float_repr(a.p99));
      });

  py::class_<shadow_comparator> sc(m, "ShadowComparator", "Shadow-mode comparison of two classifiers (driftscope.deploy).");
  sc.def(py::init([](long long classes, long long pending_capacity, double latency_accuracy) {
           if (classes < 2 || classes > 65535) value_error("ShadowComparator: classes must be in [2, 65535], got {}", classes);
           if (pending_capacity < 0)
             value_error("ShadowComparator: pending_capacity must be >= 0, got {}", pending_capacity);
           shadow_comparator_options o;
           o.classes = static_cast<std::uint32_t>(classes);
           o.pending_capacity = static_cast<std::size_t>(pending_capacity);
           o.latency_accuracy = latency_accuracy;
           return shadow_comparator(o);
         }),
         py::arg("classes") = 2, py::arg("pending_capacity") = 100000, py::arg("latency_accuracy") = 0.01)
      .def_property_readonly("classes", &shadow_comparator::classes)
      .def(
          "add",
          [](shadow_comparator& s, std::uint32_t live, std::uint32_t shadow, const py::object& label) {
            if (label.is_none()) s.add(live, shadow);
            else s.add(live, shadow, label.cast<std::uint32_t>());
          },
          py::arg("live"), py::arg("shadow"), py::arg("label") = py::none())
      .def(
          "add_many",
          [](shadow_comparator& s, const py::object& live, const py::object& shadow, const py::object& labels) {
            static constexpr const char* fn = "ShadowComparator.add_many";
            const auto l = classes_arg(live, s.classes(), fn, "live");
            const auto h = classes_arg(shadow, s.classes(), fn, "shadow");
            if (l.size() != h.size()) value_error("{}: live has {} values, shadow {}", fn, l.size(), h.size());
            std::vector<std::uint32_t> y;
            if (!labels.is_none()) {
              y = classes_arg(labels, s.classes(), fn, "labels");
              if (y.size() != l.size()) value_error("{}: labels has {} values, live {}", fn, y.size(), l.size());
            }
            py::gil_scoped_release release;
            for (std::size_t i = 0; i < l.size(); ++i) {
              if (y.empty()) s.add(l[i], h[i]);
              else s.add(l[i], h[i], y[i]);
            }
          },
          py::arg("live"), py::arg("shadow"), py::arg("labels") = py::none())
      .def(
          "record",
          [](shadow_comparator& s, const py::object& id, std::uint32_t live, std::uint32_t shadow) {
            s.record(id_view(id, "ShadowComparator.record"), live, shadow);
          },
          py::arg("id"), py::arg("live"), py::arg("shadow"))
      .def(
          "label", [](shadow_comparator& s, const py::object& id, std::uint32_t y) { s.label(id_view(id, "ShadowComparator.label"), y); },
          py::arg("id"), py::arg("label"))
      .def_property_readonly("pending", &shadow_comparator::pending)
      .def_property_readonly("evicted", &shadow_comparator::evicted)
      .def_property_readonly("n", &shadow_comparator::n)
      .def_property_readonly("labelled", &shadow_comparator::labelled)
      .def_property_readonly("table",
                             [](const shadow_comparator& s) {
                               const auto k = static_cast<py::ssize_t>(s.classes());
                               py::array_t<std::int64_t> t({k, k});
                               auto* p = t.mutable_data();
                               for (std::size_t i = 0; i < s.table().size(); ++i)
                                 p[i] = static_cast<std::int64_t>(s.table()[i]);
                               return t;
                             })
      .def_property_readonly("agreement", &shadow_comparator::agreement)
      .def(
          "agreement_interval",
          [](const shadow_comparator& s, double confidence) {
            const ratio_interval r = s.agreement_interval(confidence);
            return py::make_tuple(r.lower, r.upper);
          },
          py::arg("confidence") = 0.95)
      .def("kappa", &shadow_comparator::kappa)
      .def("mcnemar", &shadow_comparator::mcnemar, py::arg("exact") = true)
      .def("symmetry", &shadow_comparator::symmetry)
      .def("homogeneity", &shadow_comparator::homogeneity)
      .def("accuracy_difference", &shadow_comparator::accuracy_difference)
      .def("output_psi", &shadow_comparator::output_psi, py::arg("epsilon") = 1e-4,
           "PSI of the shadow's class distribution against the live one's (proportions clipped at epsilon).")
      .def("output_chi2", &shadow_comparator::output_chi2, py::arg("correction") = true,
           "chi2_contingency of the 2 x k' table of the two class distributions (independent samples).")
      .def("merge", &shadow_comparator::merge, py::arg("other"))
      .def("__repr__", [](const shadow_comparator& s) {
        return fmt::format("ShadowComparator(classes={}, n={}, labelled={}, pending={})", s.classes(), s.n(),
                           s.labelled(), s.pending());
      });
  add_arm_api<shadow_comparator>(sc, "ShadowComparator");
  add_bytes_api<shadow_comparator>(sc, "ShadowComparator");

  py::class_<paired_t_result>(m, "PairedTResult", "Paired t test (scipy ttest_rel) with the mean's interval.")
      .def_readonly("mean", &paired_t_result::mean)
      .def_readonly("statistic", &paired_t_result::statistic)
      .def_readonly("df", &paired_t_result::df)
      .def_readonly("pvalue", &paired_t_result::pvalue)
      .def_property_readonly("confidence_interval",
                             [](const paired_t_result& r) { return py::make_tuple(r.lower, r.upper); })
      .def("__repr__", [](const paired_t_result& r) {
        return fmt::format("PairedTResult(mean={}, statistic={}, df={}, pvalue={}, confidence_interval=({}, {}))",
                           r.mean, r.statistic, r.df, r.pvalue, r.lower, r.upper);
      });
  py::class_<bland_altman_result>(m, "BlandAltman", "Bias and 95 % limits of agreement.")
      .def_readonly("bias", &bland_altman_result::bias)
      .def_readonly("lower", &bland_altman_result::lower)
      .def_readonly("upper", &bland_altman_result::upper)
      .def_readonly("sd", &bland_altman_result::sd)
      .def("__repr__", [](const bland_altman_result& r) {
        return fmt::format("BlandAltman(bias={}, lower={}, upper={}, sd={})", r.bias, r.lower, r.upper, r.sd);
      });
  py::class_<wilcoxon_result>(m, "WilcoxonResult", "Signed-rank test (scipy.stats.wilcoxon defaults).")
      .def_readonly("statistic", &wilcoxon_result::statistic)
      .def_readonly("pvalue", &wilcoxon_result::pvalue)
      .def_readonly("n", &wilcoxon_result::n)
      .def_readonly("exact", &wilcoxon_result::exact)
      .def("__repr__", [](const wilcoxon_result& r) {
        return fmt::format("WilcoxonResult(statistic={}, pvalue={}, n={}, exact={})", r.statistic, r.pvalue, r.n,
                           r.exact ? "True" : "False");
      });
  py::class_<loss_difference_result>(m, "LossDifference", "Squared-loss difference: paired t and Diebold-Mariano.")
      .def_readonly("paired_t", &loss_difference_result::paired_t)
      .def_readonly("dm_statistic", &loss_difference_result::dm_statistic)
      .def_readonly("dm_pvalue", &loss_difference_result::dm_pvalue)
      .def_readonly("labelled", &loss_difference_result::labelled);

  py::class_<shadow_regression> sr(m, "ShadowRegression", "Shadow-mode comparison of two regressors (driftscope.deploy).");
  sr.def(py::init([](const py::object& window, const py::object& wilcoxon_capacity, double latency_accuracy) {
           if (!window.is_none() && !wilcoxon_capacity.is_none())
             value_error("ShadowRegression: give window or its former name wilcoxon_capacity, not both");
           const char* name = window.is_none() ? "wilcoxon_capacity" : "window";
           const py::object& w = window.is_none() ? wilcoxon_capacity : window;
           const long long capacity = w.is_none() ? 100000 : w.cast<long long>();
           if (capacity < 1) value_error("ShadowRegression: {} must be >= 1, got {}", name, capacity);
           return shadow_regression(static_cast<std::size_t>(capacity), latency_accuracy);
         }),
         py::arg("window") = py::none(), py::kw_only(), py::arg("wilcoxon_capacity") = py::none(),
         py::arg("latency_accuracy") = 0.01)
      .def(
          "add",
          [](shadow_regression& s, double live, double shadow, const py::object& label) {
            if (label.is_none()) s.add(live, shadow);
            else s.add(live, shadow, label.cast<double>());
          },
          py::arg("live"), py::arg("shadow"), py::arg("label") = py::none())
      .def(
          "add_many",
          [](shadow_regression& s, const py::object& live, const py::object& shadow, const py::object& labels) {
            static constexpr const char* fn = "ShadowRegression.add_many";
            using vec = py::array_t<double, py::array::c_style | py::array::forcecast>;
            const vec l = vec::ensure(live), h = vec::ensure(shadow);
            if (!l || !h || l.ndim() != 1 || h.ndim() != 1) value_error("{}: live and shadow must be 1-D arrays", fn);
            if (l.shape(0) != h.shape(0)) value_error("{}: live has {} values, shadow {}", fn, l.shape(0), h.shape(0));
            vec y;
            if (!labels.is_none()) {
              y = vec::ensure(labels);
              if (!y || y.ndim() != 1 || y.shape(0) != l.shape(0))
                value_error("{}: labels must be 1-D with one value per record ({})", fn, l.shape(0));
            }
            const auto n = static_cast<std::size_t>(l.shape(0));
            const double *pl = l.data(), *ph = h.data(), *py_ = labels.is_none() ? nullptr : y.data();
            for (std::size_t i = 0; i < n; ++i)  // checked first: a bad value leaves the comparison unchanged
              if (!std::isfinite(pl[i]) || !std::isfinite(ph[i]) || (py_ != nullptr && !std::isfinite(py_[i])))
                value_error("{}: record {} is not finite (live {}, shadow {})", fn, i, pl[i], ph[i]);
            py::gil_scoped_release release;
            for (std::size_t i = 0; i < n; ++i) {
              if (py_ == nullptr) s.add(pl[i], ph[i]);
              else s.add(pl[i], ph[i], py_[i]);
            }
          },
          py::arg("live"), py::arg("shadow"), py::arg("labels") = py::none())
      .def_property_readonly("n", &shadow_regression::n)
      .def_property_readonly("labelled", &shadow_regression::labelled)
      .def("paired_t", &shadow_regression::paired_t, py::arg("confidence") = 0.95)
      .def("bland_altman", &shadow_regression::bland_altman)
      .def("wilcoxon", &shadow_regression::wilcoxon)
      .def("loss_difference", &shadow_regression::loss_difference, py::arg("confidence") = 0.95)
      .def_property_readonly("window", &shadow_regression::window)
      .def_property_readonly("kept", &shadow_regression::kept)
      .def(
          "kept_outputs",
          [](const shadow_regression& s) {
            const auto l = s.kept_live(), h = s.kept_shadow();
            return py::make_tuple(py::array_t<double>(static_cast<py::ssize_t>(l.size()), l.data()),
                                  py::array_t<double>(static_cast<py::ssize_t>(h.size()), h.data()));
          },
          "(live, shadow) arrays of the kept outputs, oldest first.")
      .def(
          "output_psi",
          [](const shadow_regression& s, const py::object& binning, long long bins, double epsilon) {
            psi_options o;
            o.binning = binning_arg(binning, bins, "ShadowRegression.output_psi");
            o.epsilon = epsilon;
            py::gil_scoped_release release;
            return s.output_psi(o);
          },
          py::arg("binning") = "quantile", py::arg("bins") = 10, py::arg("epsilon") = 1e-4,
          "PSI of the kept shadow outputs against the kept live ones (driftscope.psi(live, shadow)).")
      .def(
          "output_ks",
          [](const shadow_regression& s) {
            py::gil_scoped_release release;
            return s.output_ks();
          },
          "scipy.stats.ks_2samp(live, shadow) on the kept outputs.")
      .def("merge", &shadow_regression::merge, py::arg("other"))
      .def("__repr__", [](const shadow_regression& s) {
        return fmt::format("ShadowRegression(window={}, n={}, labelled={}, kept={})", s.window(), s.n(), s.labelled(),
                           s.kept());
      });
  add_arm_api<shadow_regression>(sr, "ShadowRegression");
  add_bytes_api<shadow_regression>(sr, "ShadowRegression");

  py::class_<msprt_gate> mg(m, "MSPRTGate", "Always-valid sequential test of two arms' means (driftscope.deploy).");
  mg.def(py::init([](double tau2, double theta0, double alpha, const py::object& variance_a,
                       const py::object& variance_b) {
             msprt_options o;
             o.tau2 = tau2;
             o.theta0 = theta0;
             o.alpha = alpha;
             if (!variance_a.is_none()) o.variance_a = variance_a.cast<double>();
             if (!variance_b.is_none()) o.variance_b = variance_b.cast<double>();
             return msprt_gate(o);
           }),
           py::arg("tau2") = 1.0, py::arg("theta0") = 0.0, py::arg("alpha") = 0.05, py::arg("variance_a") = py::none(),
           py::arg("variance_b") = py::none())
      .def(
          "update",
          [](msprt_gate& g, const py::object& a, const py::object& b) {
            using vec = py::array_t<double, py::array::c_style | py::array::forcecast>;
            for (int arm = 0; arm < 2; ++arm) {
              const py::object& x = arm == 0 ? a : b;
              if (x.is_none()) continue;
              const vec v = vec::ensure(x);
              if (!v || v.ndim() > 1) value_error("MSPRTGate.update: {} must be a number or a 1-D array", arm ? "b" : "a");
              const auto n = static_cast<std::size_t>(v.size());
              if (arm == 0) g.add_a(v.data(), n);
              else g.add_b(v.data(), n);
            }
            return g.pvalue();
          },
          py::arg("a") = py::none(), py::arg("b") = py::none(),
          "Adds values to arm a (baseline) and / or b (canary); returns the always-valid p-value.")
      .def_property_readonly("pvalue", &msprt_gate::pvalue)
      .def_property_readonly("reject", &msprt_gate::reject)
      .def_property_readonly("likelihood_ratio", &msprt_gate::likelihood_ratio)
      .def_property_readonly("difference", &msprt_gate::difference)
      .def_property_readonly("n_a", [](const msprt_gate& g) { return g.arm_a().count(); })
      .def_property_readonly("n_b", [](const msprt_gate& g) { return g.arm_b().count(); })
      .def("merge", &msprt_gate::merge, py::arg("other"))
      .def("__repr__", [](const msprt_gate& g) {
        return fmt::format("MSPRTGate(pvalue={}, reject={}, n_a={}, n_b={})", g.pvalue(), g.reject() ? "True" : "False",
                           g.arm_a().count(), g.arm_b().count());
      });
  add_bytes_api<msprt_gate>(mg, "MSPRTGate");

  py::class_<ramp_decision>(m, "RampDecision", "advance / hold / promote / rollback, the weight and why.")
      .def_property_readonly("action", [](const ramp_decision& d) { return to_string(d.action); })
      .def_readonly("weight", &ramp_decision::weight)
      .def_readonly("mirror", &ramp_decision::mirror)
      .def_readonly("reason", &ramp_decision::reason)
      .def("__repr__", [](const ramp_decision& d) {
        return fmt::format("RampDecision(action='{}', weight={}, mirror={}, reason='{}')", to_string(d.action), d.weight,
                           d.mirror ? "True" : "False", d.reason);
      });
  py::class_<ramp_controller> rc(m, "RampController", "The canary ramp state machine (driftscope.deploy).");
  rc.def(py::init([](const py::object& steps, double step_weight, double max_weight, long long intervals_per_step,
                       long long failed_check_threshold, bool mirror_first, long long blue_green_iterations,
                       double pass_score, double marginal_score) {
             static constexpr const char* fn = "RampController";
             const auto count = [](long long v, const char* name) {
               if (v < 0 || v > 1000000000LL) value_error("{}: {} must be in [0, 1e9], got {}", fn, name, v);
               return static_cast<std::uint32_t>(v);
             };
             ramp_options o;
             if (!steps.is_none()) {
               if (py::isinstance<py::str>(steps)) value_error("{}: steps must be a list of weights", fn);
               for (const auto& w : steps) o.steps.push_back(w.cast<double>());
               if (o.steps.empty()) value_error("{}: steps must not be empty (or None for step_weight / max_weight)", fn);
             }
             o.step_weight = step_weight;
             o.max_weight = max_weight;
             o.intervals_per_step = count(intervals_per_step, "intervals_per_step");
             o.failed_check_threshold = count(failed_check_threshold, "failed_check_threshold");
             o.mirror_first = mirror_first;
             o.blue_green_iterations = count(blue_green_iterations, "blue_green_iterations");
             o.pass_score = pass_score;
             o.marginal_score = marginal_score;
             return ramp_controller(std::move(o));
           }),
           py::arg("steps") = py::none(), py::arg("step_weight") = 10.0, py::arg("max_weight") = 50.0,
           py::arg("intervals_per_step") = 1, py::arg("failed_check_threshold") = 1, py::arg("mirror_first") = false,
           py::arg("blue_green_iterations") = 0, py::arg("pass_score") = 95.0, py::arg("marginal_score") = 75.0)
      .def("initial", &ramp_controller::initial)
      .def(
          "next",
          [](ramp_controller& c, const py::object& score, bool gate_failed) {
            ramp_analysis a;
            if (!score.is_none()) a.score = score.cast<double>();
            a.gate_failed = gate_failed;
            return c.next(a);
          },
          py::arg("score") = py::none(), py::arg("gate_failed") = false,
          "The decision after one analysis interval: the judge's score in [0, 100] (None = no data) and whether "
          "the sequential gate failed.")
      .def_property_readonly("weights", &ramp_controller::weights)
      .def_property_readonly("weight", &ramp_controller::current_weight)
      .def_property_readonly("finished", &ramp_controller::finished)
      .def_property_readonly("failed_checks", &ramp_controller::failed_checks)
      .def_property_readonly("intervals", &ramp_controller::intervals);
  add_bytes_api<ramp_controller>(rc, "RampController");

  py::class_<automation_decision>(m, "AutomationDecision", "Who decides one request.")
      .def_property_readonly("path", [](const automation_decision& d) { return to_string(d.path); })
      .def_readonly("run_model", &automation_decision::run_model)
      .def_readonly("use_model", &automation_decision::use_model)
      .def_readonly("show_model", &automation_decision::show_model)
      .def_readonly("human_decides", &automation_decision::human_decides)
      .def("__repr__", [](const automation_decision& d) {
        const auto b = [](bool v) { return v ? "True" : "False"; };
        return fmt::format("AutomationDecision(path='{}', run_model={}, use_model={}, show_model={}, human_decides={})",
                           to_string(d.path), b(d.run_model), b(d.use_model), b(d.show_model), b(d.human_decides));
      });

  py::class_<automation_policy>(m, "AutomationPolicy", "The ladder of automation (driftscope.deploy).")
      .def(py::init([](const std::string& level, double threshold) {
             return automation_policy(option_arg(parse_automation_level, level, "AutomationPolicy"), threshold);
           }),
           py::arg("level") = "human_only", py::arg("threshold") = 0.9)
      .def("decide", &automation_policy::decide, py::arg("confidence") = std::numeric_limits<double>::quiet_NaN())
      .def_property(
          "level", [](const automation_policy& p) { return to_string(p.level()); },
          [](automation_policy& p, const std::string& l) {
            p.set_level(option_arg(parse_automation_level, l, "AutomationPolicy.level"));
          })
      .def_property("threshold", &automation_policy::threshold, &automation_policy::set_threshold)
      .def_property_readonly("counts",
                             [](const automation_policy& p) {
                               py::dict d;
                               for (std::size_t i = 0; i < automation_path_count; ++i)
                                 d[to_string(static_cast<automation_path>(i))] = p.counts()[i];
                               return d;
                             })
      .def_property_readonly("total", &automation_policy::total)
      .def_property_readonly("automated_share", &automation_policy::automated_share)
      .def("merge", &automation_policy::merge, py::arg("other"))
      .def("reset_counts", &automation_policy::reset_counts)
      .def("__repr__",
           [](const automation_policy& p) {
             return fmt::format("AutomationPolicy(level='{}', threshold={}, total={})", to_string(p.level()),
                                p.threshold(), p.total());
           })
      .def(py::pickle(
          [](const automation_policy& p) {
            std::vector<std::uint64_t> c(p.counts().begin(), p.counts().end());
            return py::make_tuple(pickle_version, to_string(p.level()), p.threshold(), c);
          },
          [](const py::tuple& t) {
            if (t.size() != 4 || t[0].cast<int>() != pickle_version)
              value_error("AutomationPolicy: invalid pickled state");
            automation_policy p(parse_automation_level(t[1].cast<std::string>()), t[2].cast<double>());
            const auto c = t[3].cast<std::vector<std::uint64_t>>();
            if (c.size() != automation_path_count) value_error("AutomationPolicy: invalid pickled counts");
            p.add_counts(c.data());
            return p;
          }));
}

}  // namespace driftscope::python
