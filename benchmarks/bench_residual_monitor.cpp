// Google Benchmark cases for the streaming residual monitor
// (driftscope/concept/residual_monitor.hpp), ns per monitored value:
// - BM_residual_monitor_fitted/p: update_many in fitted mode, default options (residual,
//   score and variance CUSUMs, forgetting-RLS tracking, typing rings), p = 1, 5, 20,
//   over 100k no-drift rows (a copy of a monitor fitted on 2000 reference rows per pass);
// - BM_residual_monitor_fitted_mosum/p: the same plus a MOSUM over h = 200;
// - BM_residual_monitor_prediction: prediction mode without X (p = 0: residual + variance
//   CUSUMs, tracking on the calibration line).
// Cost is O(k²) per value (k = p + 1): L⁻¹ whitening and the RLS update.

#include <benchmark/benchmark.h>

#include "driftscope/concept/residual_monitor.hpp"

#include "bench_util.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace {

constexpr std::size_t kRef = 2000;
constexpr std::size_t kRows = 100'000;

struct data {
  std::vector<double> X, y;
};

data regression(std::size_t n, std::size_t p, std::uint64_t seed) {
  data d;
  d.X = driftscope::bench::normal_sample(n * p, 0.0, seed);
  d.y = driftscope::bench::normal_sample(n, 0.0, seed + 1);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < p; ++j) d.y[i] += 0.5 * static_cast<double>(j + 1) * d.X[i * p + j];
  return d;
}

void run_fitted(benchmark::State& state, std::size_t mosum) {
  const auto p = static_cast<std::size_t>(state.range(0));
  const data ref = regression(kRef, p, 10 + p);
  const data mon = regression(kRows, p, 20 + p);
  driftscope::residual_monitor_options o;
  o.mosum_window = mosum;
  o.horizon = mosum > 0 ? kRows : 0;
  const auto proto = driftscope::residual_monitor::fit(ref.X.data(), kRef, p, ref.y.data(), o);
  for (auto _ : state) {
    state.PauseTiming();
    auto m = proto;
    state.ResumeTiming();
    const std::size_t first = m.update_many(mon.X.data(), mon.y.data(), kRows);
    benchmark::DoNotOptimize(first);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(kRows));
}

void BM_residual_monitor_fitted(benchmark::State& state) { run_fitted(state, 0); }
void BM_residual_monitor_fitted_mosum(benchmark::State& state) { run_fitted(state, 200); }

void BM_residual_monitor_prediction(benchmark::State& state) {
  const auto yt_ref = driftscope::bench::normal_sample(kRef, 0.0, 31);
  const auto yp_ref = driftscope::bench::normal_sample(kRef, 0.0, 32);
  const auto yt = driftscope::bench::normal_sample(kRows, 0.0, 33);
  const auto yp = driftscope::bench::normal_sample(kRows, 0.0, 34);
  const auto proto = driftscope::residual_monitor::from_predictions(yt_ref.data(), yp_ref.data(), kRef);
  for (auto _ : state) {
    state.PauseTiming();
    auto m = proto;
    state.ResumeTiming();
    const std::size_t first = m.update_many_predictions(yt.data(), yp.data(), kRows);
    benchmark::DoNotOptimize(first);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(kRows));
}

}  // namespace

BENCHMARK(BM_residual_monitor_fitted)->Arg(1)->Arg(5)->Arg(20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_residual_monitor_fitted_mosum)->Arg(1)->Arg(20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_residual_monitor_prediction)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
