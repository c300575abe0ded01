// Google Benchmark cases for driftscope::kswin: ns per value over 1e6 values of a Gaussian
// stream whose mean shifts every 100k values (a few detections, resets included), through
// update_many and through update(), with river's defaults (window 100, stat 30: sample's
// pool branch) and a long window (window 1000, stat 30: sample's set branch).
// Compare with river in the same session: benchmarks/peers_detectors.py.

#include <benchmark/benchmark.h>

#include "driftscope/detect/kswin.hpp"

#include "bench_util.hpp"

namespace {

std::vector<double> shifting_stream() {
  auto x = driftscope::bench::normal_sample(1'000'000, 0.0, 11);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] += static_cast<double>((i / 100'000) % 2) * 3.0;
  return x;
}

void BM_KSWIN_update_many(benchmark::State& state) {
  static const auto x = shifting_stream();
  driftscope::bench::run_detector(state, driftscope::kswin(0.005, 100, 30, 42), x);
}
BENCHMARK(BM_KSWIN_update_many)->Unit(benchmark::kMillisecond);

void BM_KSWIN_update(benchmark::State& state) {
  static const auto x = shifting_stream();
  driftscope::bench::run_detector_update(state, driftscope::kswin(0.005, 100, 30, 42), x);
}
BENCHMARK(BM_KSWIN_update)->Unit(benchmark::kMillisecond);

void BM_KSWIN_update_many_window1000(benchmark::State& state) {
  static const auto x = shifting_stream();
  driftscope::bench::run_detector(state, driftscope::kswin(0.005, 1000, 30, 42), x);
}
BENCHMARK(BM_KSWIN_update_many_window1000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
