#pragma once
/// @file
/// @brief Umbrella header: every public driftscope header (Boost.Histogram style).
/// Link driftscope::driftscope (which brings the compiled SIMD kernels).

// core
#include <driftscope/core/alternative.hpp>
#include <driftscope/core/bytes.hpp>
#include <driftscope/core/column_kind.hpp>
#include <driftscope/core/drift_result.hpp>
#include <driftscope/core/error.hpp>
#include <driftscope/core/nan_policy.hpp>
#include <driftscope/core/random.hpp>
#include <driftscope/core/version.hpp>

// kernels
#include <driftscope/kernels/bin_count.hpp>
#include <driftscope/kernels/bin_index.hpp>
#include <driftscope/kernels/dispatch.hpp>
#include <driftscope/kernels/ecdf_walk.hpp>
#include <driftscope/kernels/rel_entr_sum.hpp>
#include <driftscope/kernels/sort.hpp>

// stats
#include <driftscope/stats/anderson_ksamp.hpp>
#include <driftscope/stats/binned_distances.hpp>
#include <driftscope/stats/binning.hpp>
#include <driftscope/stats/categorical.hpp>
#include <driftscope/stats/chi2_contingency.hpp>
#include <driftscope/stats/cramervonmises.hpp>
#include <driftscope/stats/energy_distance.hpp>
#include <driftscope/stats/epps_singleton.hpp>
#include <driftscope/stats/fisher_exact.hpp>
#include <driftscope/stats/jensenshannon.hpp>
#include <driftscope/stats/js_distance.hpp>
#include <driftscope/stats/ks.hpp>
#include <driftscope/stats/mannwhitneyu.hpp>
#include <driftscope/stats/mmd.hpp>
#include <driftscope/stats/multipletests.hpp>
#include <driftscope/stats/normed_wasserstein.hpp>
#include <driftscope/stats/psi.hpp>
#include <driftscope/stats/reference_profile.hpp>
#include <driftscope/stats/ttest_ind.hpp>
#include <driftscope/stats/wasserstein.hpp>

// report
#include <driftscope/report/column_test.hpp>
#include <driftscope/report/drift_report.hpp>
#include <driftscope/report/report_json.hpp>

// detect
#include <driftscope/concept/ols.hpp>
#include <driftscope/concept/recursive_residuals.hpp>
#include <driftscope/concept/structural_break.hpp>
#include <driftscope/detect/adwin.hpp>
#include <driftscope/detect/cusum.hpp>
#include <driftscope/detect/ddm.hpp>
#include <driftscope/detect/detector.hpp>
#include <driftscope/detect/eddm.hpp>
#include <driftscope/detect/evaluation.hpp>
#include <driftscope/detect/ewma_chart.hpp>
#include <driftscope/detect/fhddm.hpp>
#include <driftscope/detect/geometric_moving_average.hpp>
#include <driftscope/detect/hddm_a.hpp>
#include <driftscope/detect/hddm_w.hpp>
#include <driftscope/detect/kswin.hpp>
#include <driftscope/detect/page_hinkley.hpp>
#include <driftscope/detect/rddm.hpp>
#include <driftscope/detect/stepd.hpp>
#include <driftscope/sketch/histogram_sketch.hpp>
#include <driftscope/sketch/kll_sketch.hpp>
#include <driftscope/sketch/moments.hpp>
#include <driftscope/sketch/sketch_ks.hpp>
#include <driftscope/window/ecdf_window.hpp>
#include <driftscope/window/histogram_window.hpp>
#include <driftscope/window/window_spec.hpp>
#include <driftscope/monitor/stream_monitor.hpp>
#include <driftscope/monitor/threshold.hpp>
