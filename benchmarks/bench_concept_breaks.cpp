// Google Benchmark cases for concept/structural_break.hpp on a regression with n rows and
// p = 3 regressors (k = 4 with the intercept):
// - sup_f_test: F at every break in [0.15 n, 0.85 n]. The segment SSRs come from one forward
//   and one backward pass of Givens row updates of the triangular factor of [1, X, y]
//   (O(k²) per row, O(n·k²) in all), not from refitting both segments at every break
//   (O(n²·k²)); the "refit" case shows that naive cost with chow_test at every break.
// - chow_test at one break and ols_cusum_test (three / one QR fits).
// Items = rows.

#include <benchmark/benchmark.h>

#include "driftscope/concept/structural_break.hpp"

#include "bench_util.hpp"

#include <cstddef>
#include <vector>

namespace {

struct data {
  std::size_t n, p;
  std::vector<double> X, y;
};

data make(std::size_t n, std::size_t p) {
  data d{n, p, driftscope::bench::normal_sample(n * p, 0.0, 5),
         driftscope::bench::normal_sample(n, 0.0, 6)};
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < p; ++j) d.y[i] += static_cast<double>(j + 1) * d.X[i * p + j];
  return d;
}

void BM_sup_f(benchmark::State& state) {
  const data d = make(static_cast<std::size_t>(state.range(0)), 3);
  for (auto _ : state) {
    const auto r = driftscope::sup_f_test(d.X.data(), d.n, d.p, d.y.data());
    benchmark::DoNotOptimize(r.statistic);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_sup_f)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

void BM_sup_f_refit_every_break(benchmark::State& state) {
  const data d = make(static_cast<std::size_t>(state.range(0)), 3);
  for (auto _ : state) {
    double best = 0;
    for (std::size_t b = d.n * 15 / 100; b <= d.n * 85 / 100; ++b) {
      const double f = driftscope::chow_test(d.X.data(), d.n, d.p, d.y.data(), b).statistic;
      best = f > best ? f : best;
    }
    benchmark::DoNotOptimize(best);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_sup_f_refit_every_break)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_chow(benchmark::State& state) {
  const data d = make(static_cast<std::size_t>(state.range(0)), 3);
  for (auto _ : state) {
    const auto r = driftscope::chow_test(d.X.data(), d.n, d.p, d.y.data(), d.n / 2);
    benchmark::DoNotOptimize(r.statistic);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_chow)->Arg(1000)->Unit(benchmark::kMicrosecond);

void BM_ols_cusum(benchmark::State& state) {
  const data d = make(static_cast<std::size_t>(state.range(0)), 3);
  for (auto _ : state) {
    const auto r = driftscope::ols_cusum_test(d.X.data(), d.n, d.p, d.y.data());
    benchmark::DoNotOptimize(r.statistic);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_ols_cusum)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
