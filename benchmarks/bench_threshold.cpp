// ns per threshold_tracker::observe on a noisy score stream (the per-evaluation cost a
// stream monitor adds per (feature, statistic) on top of computing the score).
#include <benchmark/benchmark.h>
#include <driftscope/monitor/threshold.hpp>

#include <cstddef>
#include <random>
#include <vector>

namespace {

std::vector<double> scores(std::size_t n) {
  std::mt19937_64 gen(42);
  std::uniform_real_distribution<double> u(0.0, 0.4);  // crosses 0.1 and 0.25 often
  std::vector<double> out(n);
  for (double& v : out) v = u(gen);
  return out;
}

void bm_threshold_observe(benchmark::State& state) {
  const auto x = scores(4096);
  const auto rule = driftscope::threshold_rule::distance(0.1, 0.25, static_cast<std::uint32_t>(state.range(0)),
                                                         static_cast<std::uint32_t>(state.range(1)));
  driftscope::threshold_tracker t(rule);
  std::size_t fired = 0;
  for (auto _ : state) {
    for (double v : x) fired += t.observe(v) != driftscope::alarm_level::none;
    benchmark::DoNotOptimize(fired);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(x.size()));
}
BENCHMARK(bm_threshold_observe)->Args({1, 0})->Args({3, 10});

void bm_event_log_push(benchmark::State& state) {
  driftscope::event_log log(1000);
  driftscope::alarm_event e;
  e.feature = "pitch_hz";
  e.statistic = "psi";
  e.level = driftscope::alarm_level::alarm;
  for (auto _ : state) {
    log.push(e);
    benchmark::DoNotOptimize(log.size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(bm_event_log_push);

}  // namespace

BENCHMARK_MAIN();
