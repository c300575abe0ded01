// ns per alert_tracker::observe: the per-evaluation cost of a time-based alert rule
// (warning and alarm, hysteresis, for, keep_firing_for) on a noisy score that crosses
// its levels often, so transitions and logged events are part of the measured cost.
#include <benchmark/benchmark.h>
#include <driftscope/monitor/alert_rule.hpp>

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace {

std::vector<double> scores(std::size_t n) {
  std::mt19937_64 gen(42);
  std::uniform_real_distribution<double> u(0.0, 0.4);  // crosses 0.1 / 0.25 often
  std::vector<double> out(n);
  for (double& v : out) v = u(gen);
  return out;
}

driftscope::alert_rule rule(bool hysteresis, std::int64_t for_ns) {
  driftscope::alert_rule r;
  r.metric = "feature_psi";
  r.warning = driftscope::alert_level{0.10, hysteresis ? std::optional<double>(0.05) : std::nullopt};
  r.alarm = driftscope::alert_level{0.25, hysteresis ? std::optional<double>(0.2) : std::nullopt};
  r.for_duration = for_ns;
  r.keep_firing_for = for_ns;
  return r;
}

/// Args: hysteresis (0/1), for = keep_firing_for in evaluations (one evaluation = 1 s).
void bm_alert_observe(benchmark::State& state) {
  const auto x = scores(4096);
  constexpr std::int64_t second = 1000000000;
  driftscope::alert_tracker t(rule(state.range(0) != 0, state.range(1) * second));
  std::int64_t ts = 0;
  std::size_t transitions = 0;
  for (auto _ : state) {
    for (double v : x) {
      transitions += t.observe(v, ts).size();
      ts += second;
    }
    benchmark::DoNotOptimize(transitions);
  }
  state.counters["transitions_per_value"] =
      benchmark::Counter(static_cast<double>(transitions) / static_cast<double>(x.size() * state.iterations()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(x.size()));
}
BENCHMARK(bm_alert_observe)->Args({0, 0})->Args({1, 0})->Args({1, 3});

/// The quiet path: a value far from the levels (no transitions), as most evaluations are.
void bm_alert_observe_quiet(benchmark::State& state) {
  driftscope::alert_tracker t(rule(true, 60));
  std::int64_t ts = 0;
  double v = 0.01;
  for (auto _ : state) {
    benchmark::DoNotOptimize(v);
    benchmark::DoNotOptimize(t.observe(v, ts++).size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(bm_alert_observe_quiet);

}  // namespace

BENCHMARK_MAIN();
