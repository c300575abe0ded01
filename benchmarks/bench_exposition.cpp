// Metrics export: one scrape of a 20-feature monitor (ns per scrape, bytes written) in both
// formats, building the families included or not; rate_meter::mark and ratio_metric::add
// (ns per call, the request-path cost).
#include <driftscope/monitor/exposition.hpp>
#include <driftscope/monitor/rate_meter.hpp>
#include <driftscope/monitor/ratio_metric.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "bench_util.hpp"

namespace {

using driftscope::metric_family;

/// What a monitor of 20 features exports: per feature two drift scores, rows and missing
/// counters, a 10-bucket value histogram, three quantile gauges and a drift stateset
/// (220 series, 400 samples).
std::vector<metric_family> feature_families() {
  constexpr int features = 20;
  auto psi = metric_family::gauge("driftscope_drift_score", "Drift score of the current window.");
  auto rows = metric_family::counter("driftscope_rows", "Rows seen per feature.");
  auto missing = metric_family::counter("driftscope_missing", "Missing values per feature.");
  auto hist = metric_family::histogram("driftscope_feature_value", "Feature values.",
                                       {-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2});
  auto quant = metric_family::gauge("driftscope_feature_quantile", "Feature quantiles.");
  auto state = metric_family::stateset("driftscope_drift_state", "Drift state.", {"ok", "warning", "alarm"});
  for (int f = 0; f < features; ++f) {
    const std::string name = "feature_" + std::to_string(f);
    psi.add_gauge(0.01 * f, {{"feature", name}, {"statistic", "psi"}});
    psi.add_gauge(0.5 - 0.01 * f, {{"feature", name}, {"statistic", "ks_pvalue"}});
    rows.add_counter(123456.0 + f, {{"feature", name}}, 1'700'000'000'000'000'000);
    missing.add_counter(17.0 * f, {{"feature", name}});
    hist.add_histogram({1, 5, 20, 60, 120, 120, 60, 20, 5, 1}, 3.25 * f, {{"feature", name}});
    for (const char* q : {"0.05", "0.5", "0.95"}) quant.add_gauge(-1.6 + 0.1 * f, {{"feature", name}, {"quantile", q}});
    state.add_stateset({f % 7 == 0 ? "warning" : "ok"}, {{"feature", name}});
  }
  return {psi, rows, missing, hist, quant, state};
}

void bm_scrape_write(benchmark::State& state) {
  const bool openmetrics = state.range(0) == 1;
  const auto families = feature_families();
  std::string out;
  for (auto _ : state) {
    out.clear();  // keeps the capacity, as a server reusing its buffer would
    if (openmetrics) {
      driftscope::write_openmetrics(families, out);
    } else {
      driftscope::write_prometheus_text(families, out);
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["bytes"] = static_cast<double>(out.size());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(out.size()));
}
BENCHMARK(bm_scrape_write)->Arg(0)->Arg(1)->ArgName("openmetrics");

// Building the families from the monitor's numbers and rendering them (a whole scrape).
void bm_scrape_build_and_render(benchmark::State& state) {
  for (auto _ : state) {
    const auto r = driftscope::render_metrics("application/openmetrics-text; version=1.0.0", feature_families());
    benchmark::DoNotOptimize(r.body.data());
  }
}
BENCHMARK(bm_scrape_build_and_render);

// One event per call, timestamps 1 ms apart (a tick boundary every 5000 calls).
void bm_rate_meter_mark(benchmark::State& state) {
  driftscope::rate_meter m(0);
  std::int64_t t = 0;
  for (auto _ : state) {
    m.mark(1, t);
    t += 1'000'000;
  }
  benchmark::DoNotOptimize(m.count());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(bm_rate_meter_mark);

void bm_ratio_metric_add(benchmark::State& state) {
  driftscope::ratio_metric r;
  std::int64_t i = 0;
  for (auto _ : state) {
    r.add((i & 15) == 0 ? 1 : 0, 1);  // a click on one impression in 16
    ++i;
  }
  benchmark::DoNotOptimize(r.numerator());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(bm_ratio_metric_add);

}  // namespace

BENCHMARK_MAIN();
