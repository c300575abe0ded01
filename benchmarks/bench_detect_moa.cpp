// Google Benchmark cases for the detectors from MOA: ns per value over 1e6 values, through
// update_many and through update(). CUSUM and GeometricMovingAverage read a Gaussian
// stream whose mean shifts every 100k values; EWMAChart, STEPD and RDDM an error stream
// whose rate alternates between 0.1 and 0.3 every 100k values (detections and resets
// included).

#include <benchmark/benchmark.h>

#include "driftscope/detect/cusum.hpp"
#include "driftscope/detect/ewma_chart.hpp"
#include "driftscope/detect/geometric_moving_average.hpp"
#include "driftscope/detect/rddm.hpp"
#include "driftscope/detect/stepd.hpp"

#include "bench_util.hpp"

namespace {

const std::vector<double>& real_stream() {
  static const auto x = [] {
    auto v = driftscope::bench::normal_sample(1'000'000, 0.0, 11);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] += static_cast<double>((i / 100'000) % 2) * 3.0;
    return v;
  }();
  return x;
}

const std::vector<double>& error_stream() {
  static const auto x = [] {
    const auto lo = driftscope::bench::bernoulli_sample(1'000'000, 0.1, 12);
    const auto hi = driftscope::bench::bernoulli_sample(1'000'000, 0.3, 13);
    std::vector<double> v(lo.size());
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = (i / 100'000) % 2 ? hi[i] : lo[i];
    return v;
  }();
  return x;
}

#define DRIFTSCOPE_MOA_BENCH(Name, Detector, Stream)                                    \
  void BM_##Name##_update_many(benchmark::State& state) {                               \
    driftscope::bench::run_detector(state, Detector, Stream());                         \
  }                                                                                     \
  BENCHMARK(BM_##Name##_update_many)->Unit(benchmark::kMillisecond);                   \
  void BM_##Name##_update(benchmark::State& state) {                                    \
    driftscope::bench::run_detector_update(state, Detector, Stream());                  \
  }                                                                                     \
  BENCHMARK(BM_##Name##_update)->Unit(benchmark::kMillisecond);

DRIFTSCOPE_MOA_BENCH(CUSUM, driftscope::cusum(), real_stream)
DRIFTSCOPE_MOA_BENCH(GeometricMovingAverage, driftscope::geometric_moving_average(), real_stream)
DRIFTSCOPE_MOA_BENCH(EWMAChart, driftscope::ewma_chart(), error_stream)
DRIFTSCOPE_MOA_BENCH(STEPD, driftscope::stepd(), error_stream)
DRIFTSCOPE_MOA_BENCH(RDDM, driftscope::rddm(), error_stream)

}  // namespace

BENCHMARK_MAIN();
