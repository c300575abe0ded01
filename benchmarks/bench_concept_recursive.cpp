// Google Benchmark cases for the recursive residuals (driftscope/concept/recursive_residuals.hpp):
// - BM_recursive_ols_update/p: ns per value of the O(k²) Sherman–Morrison update alone
//   (recursive_ols::update over 100k rows, k = p + 1), p = 1, 3, 8;
// - BM_recursive_residuals/p: the whole batch function (rank check, initial fit, updates,
//   standardization, CUSUM) over 100k rows, per value;
// - BM_ols_fit/p: the QR fit over 100k rows, per value, for comparison.

#include <benchmark/benchmark.h>

#include "driftscope/concept/ols.hpp"
#include "driftscope/concept/recursive_residuals.hpp"

#include "bench_util.hpp"

#include <cstddef>
#include <vector>

namespace {

constexpr std::size_t kRows = 100'000;

struct data {
  std::vector<double> X, y;
};

const data& regression(std::size_t p) {
  static data cache[9];
  data& d = cache[p];
  if (d.y.empty()) {
    d.X = driftscope::bench::normal_sample(kRows * p, 0.0, 100 + p);
    d.y = driftscope::bench::normal_sample(kRows, 0.0, 200 + p);
    for (std::size_t i = 0; i < kRows; ++i)
      for (std::size_t j = 0; j < p; ++j)
        d.y[i] += 0.5 * static_cast<double>(j + 1) * d.X[i * p + j];
  }
  return d;
}

void BM_recursive_ols_update(benchmark::State& state) {
  const auto p = static_cast<std::size_t>(state.range(0));
  const data& d = regression(p);
  const driftscope::recursive_ols proto(d.X.data(), p, d.y.data());
  for (auto _ : state) {
    driftscope::recursive_ols rls = proto;
    double acc = 0.0;
    for (std::size_t i = p + 1; i < kRows; ++i) acc += rls.update(d.X.data() + i * p, d.y[i]).error;
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(kRows - p - 1));
}
BENCHMARK(BM_recursive_ols_update)->Arg(1)->Arg(3)->Arg(8)->Unit(benchmark::kMillisecond);

void BM_recursive_residuals(benchmark::State& state) {
  const auto p = static_cast<std::size_t>(state.range(0));
  const data& d = regression(p);
  for (auto _ : state) {
    const auto r = driftscope::recursive_residuals(d.X.data(), kRows, p, d.y.data());
    benchmark::DoNotOptimize(r.rcusum.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(kRows));
}
BENCHMARK(BM_recursive_residuals)->Arg(1)->Arg(3)->Arg(8)->Unit(benchmark::kMillisecond);

void BM_ols_fit(benchmark::State& state) {
  const auto p = static_cast<std::size_t>(state.range(0));
  const data& d = regression(p);
  for (auto _ : state) {
    const auto r = driftscope::ols_fit(d.X.data(), kRows, p, d.y.data());
    benchmark::DoNotOptimize(r.coefficients.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(kRows));
}
BENCHMARK(BM_ols_fit)->Arg(1)->Arg(3)->Arg(8)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
