// Google Benchmark cases for driftscope::mannwhitneyu and driftscope::ttest_ind
// (float64, 1e5 and 1e6 values per sample; 'auto' method, which is asymptotic at these
// sizes). items_processed counts the values of both samples.
//
// Compare with scipy on the same sizes in the same session, e.g.
//   python3 -m timeit -s "import numpy as np, scipy.stats as s; r=np.random.default_rng(1);
//     a=r.standard_normal(10**6); b=r.standard_normal(10**6)" "s.mannwhitneyu(a, b)"
//   (and "s.ttest_ind(a, b)").

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "driftscope/stats/mannwhitneyu.hpp"
#include "driftscope/stats/ttest_ind.hpp"

#include "bench_util.hpp"

namespace {

using driftscope::bench::normal_sample;


/// N(0, 1) against N(0.01, 1), continuous data (no ties).
void bm_mannwhitneyu(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = normal_sample(n, 0.0, 1), b = normal_sample(n, 0.01, 2);
  for (auto _ : state) {
    const auto r = driftscope::mannwhitneyu(a.data(), a.size(), b.data(), b.size());
    benchmark::DoNotOptimize(r.pvalue);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(2 * n));
}

/// Student's t-test (equal_var = true) on the same data.
void bm_ttest_ind(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = normal_sample(n, 0.0, 1), b = normal_sample(n, 0.01, 2);
  for (auto _ : state) {
    const auto r = driftscope::ttest_ind(a.data(), a.size(), b.data(), b.size());
    benchmark::DoNotOptimize(r.pvalue);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(2 * n));
}

/// Welch's t-test on the same data.
void bm_ttest_ind_welch(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = normal_sample(n, 0.0, 1), b = normal_sample(n, 0.01, 2);
  driftscope::ttest_options o;
  o.equal_var = false;
  for (auto _ : state) {
    const auto r = driftscope::ttest_ind(a.data(), a.size(), b.data(), b.size(), o);
    benchmark::DoNotOptimize(r.pvalue);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(2 * n));
}

}  // namespace

BENCHMARK(bm_mannwhitneyu)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_ttest_ind)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_ttest_ind_welch)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
