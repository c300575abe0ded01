// Google Benchmark cases for driftscope::classify_drift: one call on a noisy trajectory
// (a ramp in the middle) of n = 100, 200, 400 values; O(n²) candidates, O(1) each.

#include <benchmark/benchmark.h>

#include "driftscope/shape/drift_shape.hpp"

#include "bench_util.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace {

std::vector<double> ramp_trajectory(std::size_t n) {
  auto y = driftscope::bench::normal_sample(n, 0.0, 17);
  const double start = 0.4 * static_cast<double>(n), len = 0.2 * static_cast<double>(n);
  for (std::size_t j = 0; j < n; ++j)
    y[j] += 5.0 * std::min(1.0, std::max(0.0, (static_cast<double>(j) - start) / len));
  return y;
}

void BM_classify_drift(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto y = ramp_trajectory(n);
  for (auto _ : state) {
    const auto s = driftscope::classify_drift(y.data(), n);
    benchmark::DoNotOptimize(s.onset);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_classify_drift)->Arg(100)->Arg(200)->Arg(400)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
