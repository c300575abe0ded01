// ns per value of histogram_window (10 reference deciles, float64 N(0,1) stream):
// update_many per window kind (sliding (1000, 100), tumbling 1000, time, decaying) and a
// single update(x). The evaluation callback only counts the evaluation points, so the
// numbers are the windowing cost; items_per_second = values per second.
#include "bench_util.hpp"

#include <driftscope/stats/reference_profile.hpp>
#include <driftscope/window/histogram_window.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace {

using driftscope::histogram_window;
using driftscope::window_end;
using driftscope::window_spec;

constexpr std::size_t kStream = 1 << 16;

histogram_window make(const window_spec& spec) {
  static const std::vector<double> ref = driftscope::bench::normal_sample(10000, 0.0, 1);
  static const driftscope::reference_profile<double> prof(ref.data(), ref.size());
  return histogram_window(prof, spec);
}

void run_many(benchmark::State& state, const window_spec& spec, bool timed) {
  const std::vector<double> x = driftscope::bench::normal_sample(kStream, 0.3, 2);
  std::vector<std::int64_t> ts(x.size());
  for (std::size_t i = 0; i < ts.size(); ++i) ts[i] = static_cast<std::int64_t>(i) * 1000;  // 1 value per µs
  histogram_window w = make(spec);
  std::size_t evals = 0;
  auto cb = [&evals](const histogram_window&, const window_end&) { ++evals; };
  for (auto _ : state) {
    if (timed) {
      for (std::size_t i = 0; i < ts.size(); ++i) ts[i] += static_cast<std::int64_t>(kStream) * 1000;
      w.update_many(x.data(), ts.data(), x.size(), cb);
    } else {
      w.update_many(x.data(), x.size(), cb);
    }
    benchmark::DoNotOptimize(evals);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(x.size()));
}

void bm_update_many_sliding(benchmark::State& state) {
  run_many(state, window_spec::sliding(static_cast<std::uint64_t>(state.range(0)),
                                       static_cast<std::uint64_t>(state.range(1))),
           false);
}
BENCHMARK(bm_update_many_sliding)->Args({1000, 100})->Args({100000, 1000});

void bm_update_many_tumbling(benchmark::State& state) { run_many(state, window_spec::tumbling(1000), false); }
BENCHMARK(bm_update_many_tumbling);

// duration 1 ms, stride 100 µs: ~1000 values held, an evaluation every 100 values
void bm_update_many_time(benchmark::State& state) { run_many(state, window_spec::time(1000000, 100000), true); }
BENCHMARK(bm_update_many_time);

void bm_update_many_decaying(benchmark::State& state) {
  run_many(state, window_spec::decaying(500.0, static_cast<std::uint64_t>(state.range(0))), false);
}
BENCHMARK(bm_update_many_decaying)->Arg(100)->Arg(1);

void bm_update_many_float32(benchmark::State& state) {
  const std::vector<float> x = driftscope::bench::normal_sample<float>(kStream, 0.3, 2);
  histogram_window w = make(window_spec::sliding(1000, 100));
  std::size_t evals = 0;
  for (auto _ : state) {
    w.update_many(x.data(), x.size(), [&evals](const histogram_window&, const window_end&) { ++evals; });
    benchmark::DoNotOptimize(evals);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(x.size()));
}
BENCHMARK(bm_update_many_float32);

void bm_update_single(benchmark::State& state) {
  const std::vector<double> x = driftscope::bench::normal_sample(kStream, 0.3, 2);
  histogram_window w = make(window_spec::sliding(1000, 100));
  std::size_t evals = 0;
  for (auto _ : state) {
    for (double v : x) evals += w.update(v) ? 1 : 0;
    benchmark::DoNotOptimize(evals);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(x.size()));
}
BENCHMARK(bm_update_single);

// the O(bins) evaluation itself: psi + js + hellinger + tvd of a full window
void bm_evaluate_four_stats(benchmark::State& state) {
  const std::vector<double> x = driftscope::bench::normal_sample(1000, 0.3, 2);
  histogram_window w = make(window_spec::tumbling(1000));
  w.update_many(x.data(), x.size(), [](const histogram_window&, const window_end&) {});
  for (auto _ : state) {
    double s = w.psi() + w.js_distance() + w.hellinger() + w.total_variation();
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(bm_evaluate_four_stats);

}  // namespace

BENCHMARK_MAIN();
