// Google Benchmark cases for the categorical tests: multipletests on 1e5 p-values (each
// method; the time includes the index sort) and chi2_contingency on a 2 x 1000 table
// (Pearson with and without the G-test), plus fisher_exact on a moderately large 2 x 2.
//
// The data are deterministic so the statsmodels / scipy timings can use the same values:
//   p[i] = (((i * 2654435761) mod 2^32) / 2^32)^3,  i = 0 .. 99999
//   table[0][j] = 1 + (j * 7919) mod 97, table[1][j] = 1 + (j * 104729) mod 89, j < 1000
// e.g.
//   python3 -m timeit -s "import numpy as np; from statsmodels.stats.multitest import multipletests;
//     i=np.arange(100000,dtype=np.uint64); p=(((i*2654435761)%2**32)/2**32)**3"
//     "multipletests(p, method='fdr_bh')"
//   python3 -m timeit -s "import numpy as np, scipy.stats as s; j=np.arange(1000);
//     t=np.array([1+(j*7919)%97, 1+(j*104729)%89])" "s.chi2_contingency(t)"

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "driftscope/stats/chi2_contingency.hpp"
#include "driftscope/stats/fisher_exact.hpp"
#include "driftscope/stats/multipletests.hpp"

namespace {

std::vector<double> pvalues(std::size_t n) {
  std::vector<double> p(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t h = (static_cast<std::uint64_t>(i) * 2654435761ULL) % (1ULL << 32);
    const double u = static_cast<double>(h) / 4294967296.0;
    p[i] = u * u * u;
  }
  return p;
}

std::vector<double> table_2xk(std::size_t k) {
  std::vector<double> t(2 * k);
  for (std::size_t j = 0; j < k; ++j) {
    t[j] = static_cast<double>(1 + (j * 7919) % 97);
    t[k + j] = static_cast<double>(1 + (j * 104729) % 89);
  }
  return t;
}

void BM_multipletests(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::vector<double> p = pvalues(n);
  driftscope::multipletests_options opt;
  opt.method = static_cast<driftscope::multitest_method>(state.range(1));
  std::vector<unsigned char> reject(n);
  std::vector<double> corrected(n);
  for (auto _ : state) {
    const auto a = driftscope::multipletests(p.data(), n, reject.data(), corrected.data(), opt);
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(corrected.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
  state.SetLabel(driftscope::to_string(opt.method));
}
BENCHMARK(BM_multipletests)->Args({100000, 0})->Args({100000, 1})->Args({100000, 2})->Unit(benchmark::kMicrosecond);

void BM_chi2_contingency(benchmark::State& state) {
  const auto k = static_cast<std::size_t>(state.range(0));
  const std::vector<double> t = table_2xk(k);
  driftscope::chi2_contingency_options opt;
  opt.lambda = static_cast<double>(state.range(1));
  for (auto _ : state) {
    auto r = driftscope::chi2_contingency(t.data(), 2, k, opt);
    benchmark::DoNotOptimize(r.pvalue);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 2 * state.range(0));
  state.SetLabel(opt.lambda == 1 ? "pearson" : "log-likelihood");
}
BENCHMARK(BM_chi2_contingency)->Args({1000, 1})->Args({1000, 0})->Unit(benchmark::kMicrosecond);

void BM_fisher_exact(benchmark::State& state) {
  for (auto _ : state) {
    auto r = driftscope::fisher_exact(190, 800, 200, 800);
    benchmark::DoNotOptimize(r.pvalue);
  }
}
BENCHMARK(BM_fisher_exact)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
