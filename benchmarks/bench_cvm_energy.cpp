// Google Benchmark cases for driftscope::cramervonmises_2samp and
// driftscope::energy_distance (float64, 1e5 and 1e6 values per sample). items_processed
// counts the values of both samples; the time per iteration includes the NaN-filtering
// copy (cvm), both sorts, the merge walk and (cvm) the asymptotic p-value.
//
// Compare with scipy on the same sizes in the same session, e.g.
//   python3 -m timeit -s "import numpy as np, scipy.stats as s; r=np.random.default_rng(1);
//     a=r.standard_normal(10**6); b=r.standard_normal(10**6)" "s.cramervonmises_2samp(a, b)"
//   (and "s.energy_distance(a, b)").

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "driftscope/stats/cramervonmises.hpp"
#include "driftscope/stats/energy_distance.hpp"

#include "bench_util.hpp"

namespace {

using driftscope::bench::normal_sample;


void bm_cramervonmises_2samp(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = normal_sample(n, 0.0, 1), b = normal_sample(n, 0.01, 2);
  for (auto _ : state) {
    const auto r = driftscope::cramervonmises_2samp(a.data(), a.size(), b.data(), b.size());
    benchmark::DoNotOptimize(r.pvalue);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(2 * n));
}

void bm_energy_distance(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = normal_sample(n, 0.0, 3), b = normal_sample(n, 0.01, 4);
  for (auto _ : state) {
    const double d = driftscope::energy_distance(a.data(), a.size(), b.data(), b.size());
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(2 * n));
}

void bm_energy_distance_weighted(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = normal_sample(n, 0.0, 5), b = normal_sample(n, 0.01, 6);
  std::vector<double> wa(n), wb(n);
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (std::size_t i = 0; i < n; ++i) wa[i] = u(gen), wb[i] = u(gen);
  for (auto _ : state) {
    const double d = driftscope::energy_distance(a.data(), n, b.data(), n, wa.data(), wb.data());
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(2 * n));
}

}  // namespace

BENCHMARK(bm_cramervonmises_2samp)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_energy_distance)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_energy_distance_weighted)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
