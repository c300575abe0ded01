// Google Benchmark cases for driftscope::page_hinkley: ns per value over 1e6 values of a
// Gaussian stream whose mean shifts every 100k values (a few detections, resets
// included), through update_many and through update().
// Compare with river in the same session: benchmarks/peers_detectors.py.

#include <benchmark/benchmark.h>

#include "driftscope/detect/page_hinkley.hpp"

#include "bench_util.hpp"

namespace {

std::vector<double> shifting_stream() {
  auto x = driftscope::bench::normal_sample(1'000'000, 0.0, 11);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] += static_cast<double>((i / 100'000) % 2) * 3.0;
  return x;
}

void BM_PageHinkley_update_many(benchmark::State& state) {
  static const auto x = shifting_stream();
  driftscope::bench::run_detector(state, driftscope::page_hinkley(), x);
}
BENCHMARK(BM_PageHinkley_update_many)->Unit(benchmark::kMillisecond);

void BM_PageHinkley_update(benchmark::State& state) {
  static const auto x = shifting_stream();
  driftscope::bench::run_detector_update(state, driftscope::page_hinkley(), x);
}
BENCHMARK(BM_PageHinkley_update)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
