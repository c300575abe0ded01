// Google Benchmark cases for driftscope::ks_2samp (float64 and float32, 1e3..1e6 values
// per sample). items_processed counts the values of both samples, so the reported
// items/s is the throughput in values; the time per iteration includes the NaN-filtering
// copy, both sorts, the merge walk and the p-value ('auto': exact up to 10000 per side,
// asymptotic beyond).
//
// Compare with scipy on the same sizes in the same session, e.g.
//   python3 -m timeit -s "import numpy as np, scipy.stats as s; r=np.random.default_rng(1);
//     a=r.standard_normal(10**6); b=r.standard_normal(10**6)" "s.ks_2samp(a, b)"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "driftscope/stats/ks.hpp"

#include "bench_util.hpp"

namespace {

using driftscope::bench::normal_sample;


/// Both samples from N(0, 1) (the usual no-drift case).
template <class T>
void bm_ks_2samp_same(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = normal_sample<T>(n, 0.0, 1), b = normal_sample<T>(n, 0.0, 2);
  for (auto _ : state) {
    const auto r = driftscope::ks_2samp(a.data(), a.size(), b.data(), b.size());
    benchmark::DoNotOptimize(r.pvalue);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(2 * n));
}

/// N(0, 1) against N(0.05, 1) (a small drift; the p-value may use the Smirnov sum).
void bm_ks_2samp_shift(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = normal_sample<double>(n, 0.0, 3), b = normal_sample<double>(n, 0.05, 4);
  for (auto _ : state) {
    const auto r = driftscope::ks_2samp(a.data(), a.size(), b.data(), b.size());
    benchmark::DoNotOptimize(r.pvalue);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(2 * n));
}

/// The statistic and p-value on presorted samples (a prepared reference).
void bm_ks_2samp_sorted(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto a = normal_sample<double>(n, 0.0, 5), b = normal_sample<double>(n, 0.0, 6);
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  for (auto _ : state) {
    const auto r = driftscope::ks_2samp_sorted(a.data(), a.size(), b.data(), b.size());
    benchmark::DoNotOptimize(r.pvalue);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(2 * n));
}

/// The asymptotic two-sided p-value alone: scipy.stats.kstwo.sf(d, n) at n = 5e5 (two
/// samples of 1e6), d = range(1) / 1000; n·d² = 4.5 .. 200 is the Smirnov band, where
/// kstwo.sf = 2·smirnov(n, d).
void bm_kstwo_sf(benchmark::State& state) {
  const double n = static_cast<double>(state.range(0));
  const double d = static_cast<double>(state.range(1)) / 1000.0;
  for (auto _ : state) {
    const double p = driftscope::detail::ks::kstwo_sf(d, n);
    benchmark::DoNotOptimize(p);
  }
}

/// The one-sided Smirnov survival function alone (scipy.special.smirnov(n, d)).
void bm_smirnov_sf(benchmark::State& state) {
  const auto n = static_cast<std::int64_t>(state.range(0));
  const double d = static_cast<double>(state.range(1)) / 1000.0;
  for (auto _ : state) {
    const double p = driftscope::detail::ks::smirnov_sf(n, d);
    benchmark::DoNotOptimize(p);
  }
}

}  // namespace

BENCHMARK(bm_kstwo_sf)->ArgsProduct({{500000}, {3, 5, 10, 20}})->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_smirnov_sf)->ArgsProduct({{500000}, {3, 5, 10, 20}})->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(bm_ks_2samp_same, double)->RangeMultiplier(10)->Range(1000, 1000000)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(bm_ks_2samp_same, float)->RangeMultiplier(10)->Range(1000, 1000000)->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_ks_2samp_shift)->RangeMultiplier(10)->Range(1000, 1000000)->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_ks_2samp_sorted)->RangeMultiplier(10)->Range(1000, 1000000)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
