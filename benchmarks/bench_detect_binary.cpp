// Google Benchmark cases for the binary-stream detectors driftscope::ddm, eddm, hddm_a,
// hddm_w, fhddm: ns per value over 1e6 Bernoulli values whose error rate jumps
// (0.1 -> 0.3 at 300k, -> 0.6 at 700k; a few detections, resets included), through
// update_many and through update().
// Compare with river in the same session: benchmarks/peers_detectors.py.

#include <benchmark/benchmark.h>

#include "driftscope/detect/ddm.hpp"
#include "driftscope/detect/eddm.hpp"
#include "driftscope/detect/fhddm.hpp"
#include "driftscope/detect/hddm_a.hpp"
#include "driftscope/detect/hddm_w.hpp"

#include "bench_util.hpp"

namespace {

const std::vector<double>& error_stream() {
  static const std::vector<double> x = [] {
    auto a = driftscope::bench::bernoulli_sample(1'000'000, 0.1, 21);
    const auto b = driftscope::bench::bernoulli_sample(1'000'000, 0.3, 22);
    const auto c = driftscope::bench::bernoulli_sample(1'000'000, 0.6, 23);
    for (std::size_t i = 300'000; i < 700'000; ++i) a[i] = b[i];
    for (std::size_t i = 700'000; i < a.size(); ++i) a[i] = c[i];
    return a;
  }();
  return x;
}

template <class D>
void bench_many(benchmark::State& state, const D& proto) {
  driftscope::bench::run_detector(state, proto, error_stream());
}
template <class D>
void bench_update(benchmark::State& state, const D& proto) {
  driftscope::bench::run_detector_update(state, proto, error_stream());
}

void BM_DDM_update_many(benchmark::State& s) {
  bench_many(s, driftscope::ddm());
}
void BM_DDM_update(benchmark::State& s) {
  bench_update(s, driftscope::ddm());
}
void BM_EDDM_update_many(benchmark::State& s) {
  bench_many(s, driftscope::eddm());
}
void BM_EDDM_update(benchmark::State& s) {
  bench_update(s, driftscope::eddm());
}
void BM_HDDM_A_update_many(benchmark::State& s) {
  bench_many(s, driftscope::hddm_a());
}
void BM_HDDM_A_update(benchmark::State& s) {
  bench_update(s, driftscope::hddm_a());
}
void BM_HDDM_A_two_sided_update_many(benchmark::State& s) {
  bench_many(s, driftscope::hddm_a(0.001, 0.005, true));
}
void BM_HDDM_W_update_many(benchmark::State& s) {
  bench_many(s, driftscope::hddm_w());
}
void BM_HDDM_W_update(benchmark::State& s) {
  bench_update(s, driftscope::hddm_w());
}
void BM_HDDM_W_two_sided_update_many(benchmark::State& s) {
  bench_many(s, driftscope::hddm_w(0.001, 0.005, 0.05, true));
}
void BM_FHDDM_update_many(benchmark::State& s) {
  bench_many(s, driftscope::fhddm());
}
void BM_FHDDM_update(benchmark::State& s) {
  bench_update(s, driftscope::fhddm());
}
void BM_FHDDM_short_update_many(benchmark::State& s) {
  bench_many(s, driftscope::fhddm(100, 1e-6, 20));
}

BENCHMARK(BM_DDM_update_many)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DDM_update)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EDDM_update_many)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EDDM_update)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HDDM_A_update_many)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HDDM_A_update)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HDDM_A_two_sided_update_many)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HDDM_W_update_many)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HDDM_W_update)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HDDM_W_two_sided_update_many)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FHDDM_update_many)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FHDDM_update)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FHDDM_short_update_many)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
