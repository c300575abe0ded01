// Google Benchmark cases for the drift statistics: one-shot psi / js_distance /
// wasserstein_distance and the prepared reference_profile queries, at 1e3..1e7 values
// (reference and current of the same size). items_processed = values of the current
// sample (one-shot: both samples), so the reported items/s gives ns per value.
//
// numpy baseline for reference_profile::psi (same data sizes):
//   e = np.quantile(ref, np.arange(1, 10) / 10)
//   np.bincount(np.searchsorted(e, cur, side='right'), minlength=10)

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "driftscope/driftscope.hpp"

namespace ds = driftscope;

#include "bench_util.hpp"

namespace {

using driftscope::bench::normal_sample;


void bm_psi_oneshot(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto ref = normal_sample(n, 0.0, 1), cur = normal_sample(n, 0.2, 2);
  for (auto _ : state) benchmark::DoNotOptimize(ds::psi(ref.data(), n, cur.data(), n).statistic);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(2 * n));
}

void bm_js_distance_oneshot(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto ref = normal_sample(n, 0.0, 1), cur = normal_sample(n, 0.2, 2);
  for (auto _ : state) benchmark::DoNotOptimize(ds::js_distance(ref.data(), n, cur.data(), n).statistic);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(2 * n));
}

void bm_wasserstein_oneshot(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto ref = normal_sample(n, 0.0, 1), cur = normal_sample(n, 0.2, 2);
  for (auto _ : state) benchmark::DoNotOptimize(ds::wasserstein_distance(ref.data(), n, cur.data(), n));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(2 * n));
}

void bm_profile_psi(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto ref = normal_sample(n, 0.0, 1), cur = normal_sample(n, 0.2, 2);
  const ds::reference_profile<double> p(ref.data(), n);
  for (auto _ : state) benchmark::DoNotOptimize(p.psi(cur.data(), n).statistic);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

void bm_profile_psi_float(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto ref = normal_sample(n, 0.0, 1), cur_d = normal_sample(n, 0.2, 2);
  const std::vector<float> cur(cur_d.begin(), cur_d.end());
  const ds::reference_profile<double> p(ref.data(), n);
  for (auto _ : state) benchmark::DoNotOptimize(p.psi(cur.data(), n).statistic);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

void bm_profile_js_distance(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto ref = normal_sample(n, 0.0, 1), cur = normal_sample(n, 0.2, 2);
  const ds::reference_profile<double> p(ref.data(), n);
  for (auto _ : state) benchmark::DoNotOptimize(p.js_distance(cur.data(), n).statistic);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

void bm_profile_ks(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto ref = normal_sample(n, 0.0, 1), cur = normal_sample(n, 0.2, 2);
  const ds::reference_profile<double> p(ref.data(), n);
  for (auto _ : state) benchmark::DoNotOptimize(p.ks(cur.data(), n).statistic);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

void bm_profile_wasserstein(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto ref = normal_sample(n, 0.0, 1), cur = normal_sample(n, 0.2, 2);
  const ds::reference_profile<double> p(ref.data(), n);
  for (auto _ : state) benchmark::DoNotOptimize(p.wasserstein(cur.data(), n));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

}  // namespace

#define DRIFTSCOPE_SIZES RangeMultiplier(10)->Range(1000, 10000000)->Unit(benchmark::kMicrosecond)
BENCHMARK(bm_psi_oneshot)->DRIFTSCOPE_SIZES;
BENCHMARK(bm_js_distance_oneshot)->DRIFTSCOPE_SIZES;
BENCHMARK(bm_wasserstein_oneshot)->DRIFTSCOPE_SIZES;
BENCHMARK(bm_profile_psi)->DRIFTSCOPE_SIZES;
BENCHMARK(bm_profile_psi_float)->DRIFTSCOPE_SIZES;
BENCHMARK(bm_profile_js_distance)->DRIFTSCOPE_SIZES;
BENCHMARK(bm_profile_ks)->DRIFTSCOPE_SIZES;
BENCHMARK(bm_profile_wasserstein)->DRIFTSCOPE_SIZES;

BENCHMARK_MAIN();
