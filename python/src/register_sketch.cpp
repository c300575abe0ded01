// Mergeable summaries (include/driftscope/sketch): HistogramSketch, Moments, KLLSketch
// and the KS test on sketches. Each pickles through its C++ bytes.
#include "bindings.hpp"

#include <driftscope/sketch/histogram_sketch.hpp>
#include <driftscope/sketch/kll_sketch.hpp>
#include <driftscope/sketch/moments.hpp>
#include <driftscope/sketch/sketch_ks.hpp>
#include <driftscope/stats/reference_profile.hpp>

#include <string>
#include <vector>

namespace driftscope::python {
namespace {

using kll = kll_sketch<double>;

/// Runs f(const U* x, n) on a 1-D float32 / float64 array without the GIL.
template <class F>
void with_array(py::handle x, const char* function, const char* name, F&& f) {
  const array_1d a = as_array_1d(x, function, name);
  py::gil_scoped_release release;
  visit(a, [&](auto* p) { f(p, a.size); });
}

std::vector<double> edges_arg(py::handle edges, const char* function) {
  const array_1d e = as_float64(as_array_1d(edges, function, "edges"));
  return std::vector<double>(e.data<double>(), e.data<double>() + e.size);
}

std::uint32_t k_arg(long long k, const char* function) {
  if (k < 8 || k > 65535) value_error("{}: k must be in [8, 65535], got {}", function, k);
  return static_cast<std::uint32_t>(k);
}

}  // namespace

void register_sketch(py::module_& m) {
  // --- HistogramSketch --------------------------------------------------------------
  py::class_<histogram_sketch> hist(
      m, "HistogramSketch",
      "Bin counts over fixed interior edges (numpy.searchsorted side='right'); "
      "NaN counted as missing; exact and mergeable.");
  hist.def(py::init([](py::handle edges) {
             return histogram_sketch(edges_arg(edges, "HistogramSketch"));
           }),
           py::arg("edges"))
      .def(
          "update", [](histogram_sketch& h, double x) { h.update(x); }, py::arg("x"))
      .def(
          "update_many",
          [](histogram_sketch& h, py::handle x) {
            with_array(x, "HistogramSketch.update_many", "x",
                       [&](auto* p, std::size_t n) { h.update_many(p, n); });
          },
          py::arg("x"))
      .def(
          "merge", [](histogram_sketch& h, const histogram_sketch& other) { h.merge(other); },
          py::arg("other"))
      .def_property_readonly("edges",
                             [](const histogram_sketch& h) { return to_float64_array(h.edges()); })
      .def_property_readonly("counts",
                             [](const histogram_sketch& h) { return to_int64_array(h.counts()); })
      .def_property_readonly("total", &histogram_sketch::total)
      .def_property_readonly("missing", &histogram_sketch::missing)
      .def("__repr__", [](const histogram_sketch& h) {
        return fmt::format("HistogramSketch(bins={}, total={}, missing={})", h.counts().size(),
                           h.total(), h.missing());
      });
  add_bytes_api<histogram_sketch>(hist, "HistogramSketch");

  // --- Moments ------------------------------------------------------------------------
  py::class_<moments> mom(
      m, "Moments",
      "Streaming count / mean / variance / min / max (Welford; merge by Chan et al. 1979); "
      "NaN counted as missing.");
  mom.def(py::init<>())
      .def(
          "update", [](moments& s, double x) { s.update(x); }, py::arg("x"))
      .def(
          "update_many",
          [](moments& s, py::handle x) {
            with_array(x, "Moments.update_many", "x",
                       [&](auto* p, std::size_t n) { s.update_many(p, n); });
          },
          py::arg("x"))
      .def(
          "merge", [](moments& s, const moments& other) { s.merge(other); }, py::arg("other"))
      .def_property_readonly("count", &moments::count)
      .def_property_readonly("missing", &moments::missing)
      .def_property_readonly("mean", &moments::mean)
      .def_property_readonly("min", &moments::min)
      .def_property_readonly("max", &moments::max)
      .def("variance", &moments::variance, py::arg("ddof") = 0.0)
      .def("std", &moments::std, py::arg("ddof") = 0.0)
      .def("__repr__", [](const moments& s) {
        if (s.count() == 0) return fmt::format("Moments(count=0, missing={})", s.missing());
        return fmt::format("Moments(count={}, missing={}, mean={}, variance={})", s.count(),
                           s.missing(), float_repr(s.mean()), float_repr(s.variance()));
      });
  add_bytes_api<moments>(mom, "Moments");

  // --- KLLSketch ----------------------------------------------------------------------
  py::class_<kll> sk(
      m, "KLLSketch",
      "KLL quantile sketch (Karnin, Lang & Liberty 2016; DataSketches' variant). Normalized rank "
      "error <= 2.296 / k**0.9723 with 99% confidence.");
  sk.def(py::init([](long long k, std::uint64_t seed) { return kll(k_arg(k, "KLLSketch"), seed); }),
         py::arg("k") = kll::default_k, py::arg("seed") = kll::default_seed)
      .def(
          "update", [](kll& s, double x) { s.update(x); }, py::arg("x"))
      .def(
          "update_many",
          [](kll& s, py::handle x) {
            with_array(x, "KLLSketch.update_many", "x",
                       [&](auto* p, std::size_t n) { s.update_many(p, n); });
          },
          py::arg("x"))
      .def(
          "merge",
          [](kll& s, const kll& other) {
            py::gil_scoped_release release;
            s.merge(other);
          },
          py::arg("other"))
      .def(
          "quantile",
          [](const kll& s, double rank) {
            py::gil_scoped_release release;
            return s.quantile(rank);
          },
          py::arg("rank"))
      .def(
          "quantiles",
          [](const kll& s, py::handle ranks) {
            const array_1d r = as_float64(as_array_1d(ranks, "KLLSketch.quantiles", "ranks"));
            py::array_t<double> out(static_cast<py::ssize_t>(r.size));
            double* o = out.mutable_data();
            {
              py::gil_scoped_release release;
              s.quantiles(r.data<double>(), r.size, o);
            }
            return out;
          },
          py::arg("ranks"))
      .def("rank", &kll::rank, py::arg("x"))
      .def(
          "cdf",
          [](const kll& s, py::handle points) {
            const array_1d p = as_float64(as_array_1d(points, "KLLSketch.cdf", "points"));
            py::array_t<double> out(static_cast<py::ssize_t>(p.size));
            double* o = out.mutable_data();
            {
              py::gil_scoped_release release;
              s.cdf(p.data<double>(), p.size, o);
            }
            return out;
          },
          py::arg("points"))
      .def("normalized_rank_error",
           py::overload_cast<bool>(&kll::normalized_rank_error, py::const_), py::arg("pmf") = false)
      .def_property_readonly("k", &kll::k)
      .def_property_readonly("n", &kll::n)
      .def_property_readonly("missing", &kll::missing)
      .def_property_readonly("min", &kll::min)
      .def_property_readonly("max", &kll::max)
      .def_property_readonly("num_retained", &kll::num_retained)
      .def_property_readonly("num_levels", &kll::num_levels)
      .def_property_readonly("is_empty", &kll::is_empty)
      .def_property_readonly("is_estimation_mode", &kll::is_estimation_mode)
      .def_property_readonly("memory_bytes", &kll::memory_bytes)
      .def_property_readonly("serialized_size_bytes", &kll::serialized_size_bytes)
      .def("__len__", [](const kll& s) { return s.n(); })
      .def("__repr__", [](const kll& s) {
        return fmt::format("KLLSketch(k={}, n={}, missing={}, retained={})", s.k(), s.n(),
                           s.missing(), s.num_retained());
      });
  add_bytes_api<kll>(sk, "KLLSketch");

  // --- KS on sketches -----------------------------------------------------------------
  py::class_<sketch_ks_result>(m, "SketchKSResult",
                               "KS drift decision on sketches (statistic, threshold, drift).")
      .def_readonly("statistic", &sketch_ks_result::statistic)
      .def_readonly("threshold", &sketch_ks_result::threshold)
      .def_readonly("drift", &sketch_ks_result::drift)
      .def_readonly("eps", &sketch_ks_result::eps)
      .def_readonly("alpha", &sketch_ks_result::alpha)
      .def_readonly("n1", &sketch_ks_result::n1)
      .def_readonly("n2", &sketch_ks_result::n2)
      .def("__repr__", [](const sketch_ks_result& r) {
        return fmt::format(
            "SketchKSResult(statistic={}, threshold={}, drift={}, eps={}, alpha={}, n1={}, n2={})",
            float_repr(r.statistic), float_repr(r.threshold), r.drift ? "True" : "False",
            float_repr(r.eps), float_repr(r.alpha), r.n1, r.n2);
      });
  m.def(
      "sketch_ks_test",
      [](const kll& a, const kll& b, double alpha) {
        py::gil_scoped_release release;
        return sketch_ks_test(a, b, alpha);
      },
      py::arg("a"), py::arg("b"), py::arg("alpha") = 0.05);
  m.def(
      "sketch_ks_test",
      [](const reference_profile<double>& a, const kll& b, double alpha) {
        py::gil_scoped_release release;
        return sketch_ks_test(a, b, alpha);
      },
      py::arg("a"), py::arg("b"), py::arg("alpha") = 0.05);
}

}  // namespace driftscope::python
