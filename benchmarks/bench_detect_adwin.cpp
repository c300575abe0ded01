// Google Benchmark cases for driftscope::adwin: ns per value over 1e6 values, through
// update_many and through update(), on
// - a Gaussian stream whose mean shifts by 1.5 every 250k values (a few detections, with
//   their window shrinking and resets), defaults (clock = 32);
// - a Bernoulli error stream whose rate moves 0.1 -> 0.3 -> 0.1 -> 0.5;
// - the Gaussian stream with clock = 1 (a cut test on every value; the worst case).
// Compare with river in the same session: benchmarks/peers_detectors.py.

#include <benchmark/benchmark.h>

#include "driftscope/detect/adwin.hpp"

#include "bench_util.hpp"

namespace {

std::vector<double> gaussian_stream() {
  auto x = driftscope::bench::normal_sample(1'000'000, 0.0, 21);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] += static_cast<double>((i / 250'000) % 2) * 1.5;
  return x;
}

std::vector<double> error_stream() {
  std::vector<double> x;
  const double rates[] = {0.1, 0.3, 0.1, 0.5};
  for (std::size_t k = 0; k < 4; ++k) {
    const auto part = driftscope::bench::bernoulli_sample(250'000, rates[k], 31 + k);
    x.insert(x.end(), part.begin(), part.end());
  }
  return x;
}

void BM_ADWIN_update_many(benchmark::State& state) {
  static const auto x = gaussian_stream();
  driftscope::bench::run_detector(state, driftscope::adwin(), x);
}
BENCHMARK(BM_ADWIN_update_many)->Unit(benchmark::kMillisecond);

void BM_ADWIN_update(benchmark::State& state) {
  static const auto x = gaussian_stream();
  driftscope::bench::run_detector_update(state, driftscope::adwin(), x);
}
BENCHMARK(BM_ADWIN_update)->Unit(benchmark::kMillisecond);

void BM_ADWIN_errors_update_many(benchmark::State& state) {
  static const auto x = error_stream();
  driftscope::bench::run_detector(state, driftscope::adwin(), x);
}
BENCHMARK(BM_ADWIN_errors_update_many)->Unit(benchmark::kMillisecond);

void BM_ADWIN_errors_update(benchmark::State& state) {
  static const auto x = error_stream();
  driftscope::bench::run_detector_update(state, driftscope::adwin(), x);
}
BENCHMARK(BM_ADWIN_errors_update)->Unit(benchmark::kMillisecond);

void BM_ADWIN_clock1_update_many(benchmark::State& state) {
  static const auto x = gaussian_stream();
  driftscope::bench::run_detector(state, driftscope::adwin(0.002, 1), x);
}
BENCHMARK(BM_ADWIN_clock1_update_many)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
