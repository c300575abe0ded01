// Google Benchmark cases for driftscope::mmd (Gaussian-kernel MMD², float64, 10 features).
//  - exact: 2,000 × 10 vs 2,000 × 10 with 100 permutations (the kernel matrix, the
//    observed statistic and the permutation test; median-heuristic sigma included);
//  - exact without permutations (kernel matrix and statistic only);
//  - linear and block (default block size ⌊√n⌋) at 1e5 × 10 vs 1e5 × 10;
//  - the median heuristic alone (1000-row subsample).
// items_processed counts the rows of both samples.
//
// Compare with alibi-detect in the same session (torch backend, CPU), e.g.
//   from alibi_detect.cd import MMDDrift; cd = MMDDrift(x_ref, backend="pytorch", p_val=.05,
//   n_permutations=100); cd.predict(x)       # x_ref, x: float64 arrays of 2000 x 10

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "driftscope/stats/mmd.hpp"

#include "bench_util.hpp"

namespace {

using driftscope::bench::normal_sample;

constexpr std::size_t kFeatures = 10;

void run(benchmark::State& state, driftscope::mmd_estimator e, std::size_t n_permutations) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto x = normal_sample(n * kFeatures, 0.0, 1), y = normal_sample(n * kFeatures, 0.05, 2);
  driftscope::mmd_options o;
  o.estimator = e;
  o.n_permutations = n_permutations;
  for (auto _ : state) {
    const auto r = driftscope::mmd(x.data(), n, y.data(), n, kFeatures, o);
    benchmark::DoNotOptimize(r.pvalue);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(2 * n));
}

void bm_mmd_exact_100perm(benchmark::State& state) {
  run(state, driftscope::mmd_estimator::exact, 100);
}
void bm_mmd_exact_no_perm(benchmark::State& state) {
  run(state, driftscope::mmd_estimator::exact, 0);
}
void bm_mmd_linear(benchmark::State& state) {
  run(state, driftscope::mmd_estimator::linear, 0);
}
void bm_mmd_block(benchmark::State& state) {
  run(state, driftscope::mmd_estimator::block, 0);
}

void bm_mmd_median_sigma(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto x = normal_sample(n * kFeatures, 0.0, 1), y = normal_sample(n * kFeatures, 0.05, 2);
  for (auto _ : state) {
    const double s = driftscope::mmd_median_sigma(x.data(), n, y.data(), n, kFeatures);
    benchmark::DoNotOptimize(s);
  }
}

}  // namespace

BENCHMARK(bm_mmd_exact_100perm)->Arg(2000)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_mmd_exact_no_perm)->Arg(2000)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_mmd_linear)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_mmd_block)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_mmd_median_sigma)->Arg(100000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
