// Google Benchmark cases for the binned distances (hellinger, kl_divergence: 1e6 values
// per sample, 10 quantile bins, cost dominated by the reference quantiles and the bin
// counting), normed_wasserstein, count_categories (1e6 codes per sample, 10 and 1000
// categories) and categorical_drift chisquare (k = 10 and 1000). items_processed counts
// the values of both samples (categories for categorical_drift), so ns/value =
// 1e9 / items_per_second.
//
// Compare with numpy / scipy on the same sizes in the same session, e.g.
//   python3 -m timeit -s "import numpy as np; r=np.random.default_rng(1);
//     a=r.standard_normal(10**6); b=r.standard_normal(10**6)"
//     "e=np.quantile(a, np.arange(1, 10)/10); np.bincount(np.searchsorted(e, a, 'right'),
//     minlength=10);
//      np.bincount(np.searchsorted(e, b, 'right'), minlength=10)"
//   and for codes "np.bincount(codes, minlength=k)" with codes = r.integers(0, k, 10**6).

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "driftscope/stats/binned_distances.hpp"
#include "driftscope/stats/categorical.hpp"
#include "driftscope/stats/normed_wasserstein.hpp"

#include "bench_util.hpp"

namespace {

using driftscope::bench::normal_sample;

void bm_hellinger(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = normal_sample(n, 0.0, 1), b = normal_sample(n, 0.05, 2);
  for (auto _ : state) {
    const auto r = driftscope::hellinger(a.data(), a.size(), b.data(), b.size());
    benchmark::DoNotOptimize(r.statistic);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(2 * n));
}

void bm_kl_divergence(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = normal_sample(n, 0.0, 3), b = normal_sample(n, 0.05, 4);
  for (auto _ : state) {
    const auto r = driftscope::kl_divergence(a.data(), a.size(), b.data(), b.size());
    benchmark::DoNotOptimize(r.statistic);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(2 * n));
}

void bm_kl_divergence_float32(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = normal_sample<float>(n, 0.0, 3), b = normal_sample<float>(n, 0.05, 4);
  for (auto _ : state) {
    const auto r = driftscope::kl_divergence(a.data(), a.size(), b.data(), b.size());
    benchmark::DoNotOptimize(r.statistic);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(2 * n));
}

void bm_normed_wasserstein(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = normal_sample(n, 0.0, 5), b = normal_sample(n, 0.05, 6);
  for (auto _ : state) {
    const auto r = driftscope::normed_wasserstein(a.data(), a.size(), b.data(), b.size());
    benchmark::DoNotOptimize(r.statistic);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(2 * n));
}

/// n codes uniform in [0, k) with ~1% missing (-1), as int32 (pandas' codes for k < 2^31).
std::vector<std::int32_t> codes(std::size_t n, std::size_t k, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::uniform_int_distribution<std::int32_t> d(0, static_cast<std::int32_t>(k) - 1);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<std::int32_t> out(n);
  for (auto& c : out) c = u(gen) < 0.01 ? -1 : d(gen);
  return out;
}

void bm_count_categories(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto k = static_cast<std::size_t>(state.range(1));
  const auto a = codes(n, k, 7), b = codes(n, k, 8);
  for (auto _ : state) {
    const auto c = driftscope::count_categories(a.data(), a.size(), b.data(), b.size(), k);
    benchmark::DoNotOptimize(c.reference.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(2 * n));
}

void bm_categorical_drift_chisquare(benchmark::State& state) {
  const auto k = static_cast<std::size_t>(state.range(0));
  const auto a = codes(100000, k, 9), b = codes(100000, k, 10);
  const auto c = driftscope::count_categories(a.data(), a.size(), b.data(), b.size(), k);
  for (auto _ : state) {
    const auto r = driftscope::categorical_drift(c, driftscope::categorical_test::chisquare);
    benchmark::DoNotOptimize(r.pvalue);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(k));
}

}  // namespace

BENCHMARK(bm_hellinger)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_kl_divergence)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_kl_divergence_float32)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_normed_wasserstein)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_count_categories)
    ->Args({1000000, 10})
    ->Args({1000000, 1000})
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_categorical_drift_chisquare)->Arg(10)->Arg(1000)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
