// The canary judge's hot paths: hodges_lehmann (estimate + 98 % interval, four order
// statistics of the m·n differences by selection) at 60 / 1,000 / 10,000 / 100,000 values per
// arm — against the brute force that forms and sorts all m·n differences, up to where that
// still fits — and one judge() over 20 metrics of 60 one-minute points per arm (Kayenta's
// usual hour of data) and of 1,000 points.
#include "bench_util.hpp"

#include <driftscope/deploy/canary_judge.hpp>
#include <driftscope/stats/hodges_lehmann.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace {

namespace ds = driftscope;

void BM_hodges_lehmann(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto x = ds::bench::normal_sample(n, 0.2, 1), y = ds::bench::normal_sample(n, 0.0, 2);
  for (auto _ : state) {
    const auto r = ds::hodges_lehmann(x.data(), n, y.data(), n, 0.98);
    benchmark::DoNotOptimize(r.lower);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(2 * n));
}
BENCHMARK(BM_hodges_lehmann)->Arg(60)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMicrosecond);

// The brute force: all m·n differences, sorted (how a direct port of the definition works).
void BM_hodges_lehmann_brute_force(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto x = ds::bench::normal_sample(n, 0.2, 1), y = ds::bench::normal_sample(n, 0.0, 2);
  std::vector<double> d(n * n);
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) d[i * n + j] = x[i] - y[j];
    std::sort(d.begin(), d.end());
    benchmark::DoNotOptimize(d[d.size() / 2]);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(2 * n));
}
BENCHMARK(BM_hodges_lehmann_brute_force)->Arg(60)->Arg(1000)->Arg(4000)->Unit(benchmark::kMicrosecond);

void BM_judge(benchmark::State& state) {
  const auto points = static_cast<std::size_t>(state.range(0));
  constexpr int metrics = 20;
  ds::canary_judge_config c;
  std::vector<std::vector<double>> canary, baseline;
  std::vector<std::string> names;
  for (int k = 0; k < metrics; ++k) {
    names.push_back("metric_" + std::to_string(k));
    ds::canary_metric_config m;
    m.name = names.back();
    m.groups = {k < 10 ? "latency" : "errors"};
    m.remove_outliers = k % 2 == 0;
    c.metrics.push_back(m);
    canary.push_back(ds::bench::normal_sample(points, k == 3 ? 0.5 : 0.0, 100 + k));
    baseline.push_back(ds::bench::normal_sample(points, 0.0, 200 + k));
    for (double& v : canary.back()) v += 10;
    for (double& v : baseline.back()) v += 10;
  }
  const ds::canary_judge judge(c);
  std::vector<ds::metric_samples> data;
  for (int k = 0; k < metrics; ++k)
    data.push_back({names[k], canary[k].data(), points, baseline[k].data(), points});
  for (auto _ : state) {
    const auto r = judge.judge(data);
    benchmark::DoNotOptimize(r.score);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * metrics);
}
BENCHMARK(BM_judge)->Arg(60)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
