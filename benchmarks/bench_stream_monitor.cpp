// stream_monitor throughput: 10 numerical columns, default statistics (psi + ks) and
// default rules, a 100,000-row reference (KS p-values asymptotic, as scipy's auto), 100,000 streamed rows per iteration.
// items_per_second = rows/s; counters ns_per_value (per cell) and memory_per_column
// (memory_bytes() / columns, bytes).
#include "bench_util.hpp"

#include <driftscope/monitor/stream_monitor.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace {

namespace ds = driftscope;

constexpr std::size_t kColumns = 10;
constexpr std::size_t kRef = 100000;
constexpr std::size_t kRows = 100000;

/// Row-major matrix: column j ~ N(shift·j/10, 1).
std::vector<double> matrix(std::size_t n, double shift, std::uint64_t seed) {
  std::vector<double> out(n * kColumns);
  for (std::size_t j = 0; j < kColumns; ++j) {
    const auto col = ds::bench::normal_sample(n, shift * static_cast<double>(j) / 10.0, seed + j);
    for (std::size_t i = 0; i < n; ++i) out[i * kColumns + j] = col[i];
  }
  return out;
}

std::vector<ds::column_config> columns(bool psi_only) {
  std::vector<ds::column_config> cols(kColumns);
  for (std::size_t j = 0; j < kColumns; ++j) {
    cols[j].name = "f" + std::to_string(j);
    if (psi_only) cols[j].statistics = {ds::stream_statistic::psi};
  }
  return cols;
}

void run(benchmark::State& state, const ds::window_spec& w, bool per_row, bool psi_only = false,
         bool value_metrics = true) {
  static const std::vector<double> ref = matrix(kRef, 0.0, 1);
  static const std::vector<double> rows = matrix(kRows, 0.5, 100);
  ds::stream_monitor_options o;
  o.window = w;
  o.value_metrics = value_metrics;
  const ds::stream_monitor proto(ref.data(), kRef, columns(psi_only), o);
  std::size_t mem = 0, events = 0;
  for (auto _ : state) {
    state.PauseTiming();
    ds::stream_monitor mon = proto;
    state.ResumeTiming();
    if (per_row) {
      for (std::size_t i = 0; i < kRows; ++i) mon.update(rows.data() + i * kColumns, kColumns);
    } else {
      mon.update_many(rows.data(), kRows, kColumns);
    }
    benchmark::DoNotOptimize(mon.snapshot().scores.data());
    mem = mon.memory_bytes();
    events = mon.events().size();
  }
  const auto rows_done = static_cast<double>(state.iterations()) * static_cast<double>(kRows);
  state.SetItemsProcessed(static_cast<std::int64_t>(rows_done));
  state.counters["ns_per_value"] = benchmark::Counter(rows_done * kColumns, benchmark::Counter::kIsRate |
                                                                                benchmark::Counter::kInvert);
  state.counters["memory_per_column"] = static_cast<double>(mem) / kColumns;
  state.counters["events"] = static_cast<double>(events);
}

void BM_monitor_sliding_1000_100(benchmark::State& state) { run(state, ds::window_spec::sliding(1000, 100), false); }
void BM_monitor_sliding_1000_100_update(benchmark::State& state) {
  run(state, ds::window_spec::sliding(1000, 100), true);
}
// the monitor's own cost: histogram statistics only (the ECDF window still keeps the
// values for the mean / std / min / max metrics)
void BM_monitor_sliding_1000_100_psi_only(benchmark::State& state) {
  run(state, ds::window_spec::sliding(1000, 100), false, true);
}
// the same with value_metrics = false: no ECDF window at all (mean / std / min / max NaN)
void BM_monitor_sliding_1000_100_psi_only_no_value_metrics(benchmark::State& state) {
  run(state, ds::window_spec::sliding(1000, 100), false, true, false);
}
void BM_monitor_tumbling_1000(benchmark::State& state) { run(state, ds::window_spec::tumbling(1000), false); }
void BM_monitor_sliding_10000_1000(benchmark::State& state) {
  run(state, ds::window_spec::sliding(10000, 1000), false);
}

}  // namespace

BENCHMARK(BM_monitor_sliding_1000_100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_monitor_sliding_1000_100_update)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_monitor_sliding_1000_100_psi_only)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_monitor_sliding_1000_100_psi_only_no_value_metrics)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_monitor_tumbling_1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_monitor_sliding_10000_1000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
