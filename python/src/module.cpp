// driftscope._core: creates the module and registers each area (boost-histogram style).
#include "bindings.hpp"

#include <driftscope/core/version.hpp>

PYBIND11_MODULE(_core, m) {
  namespace dp = driftscope::python;
  m.doc() = "driftscope C++ core: SIMD kernels and drift statistics (scipy-compatible).";
  m.attr("__version__") = DRIFTSCOPE_VERSION_STRING;
  dp::register_errors(m);
  dp::register_kernels(m);
  dp::register_stats(m);
  dp::register_profile(m);
  dp::register_rank_tests(m);
  dp::register_cvm_energy(m);
  dp::register_categorical(m);
  dp::register_anderson_epps(m);
  dp::register_distances(m);
  dp::register_report(m);
  dp::register_mmd(m);
  dp::register_detectors(m);
  dp::register_detect_adwin(m);
  dp::register_detect_kswin(m);
  dp::register_detect_binary(m);
  dp::register_detect_moa(m);
  dp::register_evaluate(m);
  dp::register_histogram_window(m);
  dp::register_ecdf_window(m);
  dp::register_sketch(m);
  dp::register_threshold(m);
  dp::register_stream_monitor(m);
  dp::register_concept_recursive(m);
  dp::register_concept_breaks(m);
  dp::register_shape(m);  // before the residual monitor, which returns DriftShape
  dp::register_residual_monitor(m);
  dp::register_monitor_sketches(m);
  dp::register_alert_rule(m);
  dp::register_exposition(m);
  dp::register_pipeline_monitor(m);  // after the alert rules and metric families it uses
  dp::register_deploy(m);
  dp::register_canary_judge(m);
}
