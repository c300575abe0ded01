// Google Benchmark cases for driftscope::anderson_ksamp and driftscope::epps_singleton_2samp
// (float64). items_processed counts the values of all samples.
//  - anderson_ksamp, two samples of n values each (1e5, 1e6), asymptotic p-value: the
//    copies, the sorts, the merge walk, σ_N (O(N)) and the interpolation;
//  - anderson_ksamp with a permutation p-value (n_resamples random partitions of 1e3 + 1e3
//    values): O(N) per partition, so items_processed counts N per partition;
//  - epps_singleton_2samp, two samples of n values each (1e5, 1e6): the pooled copy and
//    quantile selection, 4 sin/cos per value, blocked moments, the 4x4 SVD.
//
// Compare with scipy on the same sizes in the same session, e.g.
//   python3 -m timeit -s "import numpy as np, scipy.stats as s; r=np.random.default_rng(1);
//     a=r.standard_normal(10**6); b=r.standard_normal(10**6)" "s.anderson_ksamp([a, b],
//     variant='midrank')"
//   (and "s.epps_singleton_2samp(a, b)").

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "driftscope/stats/anderson_ksamp.hpp"
#include "driftscope/stats/epps_singleton.hpp"

#include "bench_util.hpp"

namespace {

using driftscope::bench::normal_sample;

void bm_anderson_ksamp(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = normal_sample(n, 0.0, 1), b = normal_sample(n, 0.01, 2);
  for (auto _ : state) {
    const auto r = driftscope::anderson_ksamp(a.data(), a.size(), b.data(), b.size());
    benchmark::DoNotOptimize(r.pvalue);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(2 * n));
}

void bm_anderson_ksamp_permutation(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto resamples = static_cast<std::uint64_t>(state.range(1));
  const auto a = normal_sample(n, 0.0, 3), b = normal_sample(n, 0.05, 4);
  driftscope::anderson_ksamp_options o;
  o.method = driftscope::anderson_method::permutation;
  o.n_resamples = resamples;
  o.seed = 1;
  for (auto _ : state) {
    const auto r = driftscope::anderson_ksamp(a.data(), a.size(), b.data(), b.size(), o);
    benchmark::DoNotOptimize(r.pvalue);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(2 * n) * static_cast<std::int64_t>(resamples));
}

void bm_epps_singleton_2samp(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = normal_sample(n, 0.0, 5), b = normal_sample(n, 0.01, 6);
  for (auto _ : state) {
    const auto r = driftscope::epps_singleton_2samp(a.data(), a.size(), b.data(), b.size());
    benchmark::DoNotOptimize(r.pvalue);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(2 * n));
}

}  // namespace

BENCHMARK(bm_anderson_ksamp)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_anderson_ksamp_permutation)->Args({1000, 999})->Unit(benchmark::kMillisecond);
BENCHMARK(bm_epps_singleton_2samp)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
