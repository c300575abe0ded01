// stage_monitor's per-record cost by kind of field, and its state operations:
// - BM_stage_fields: one field of each kind per record (numeric, length, derived through a
//   functor on the raw input, derived values carried by the record), quantiles off, 10 s
//   windows at 20,000 records per second (window closes included); ns per record;
// - BM_stage_serialize / BM_stage_restore / BM_stage_merge: a 20-feature stage with
//   quantiles (KLL k = 200) after 100,000 records: one checkpoint, one restore, one merge of
//   another worker's stage (µs per operation).
#include "bench_util.hpp"

#include <driftscope/monitor/stage_monitor.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace {

namespace ds = driftscope;

constexpr std::size_t kRows = 4096;

/// n lengths-like values in [0, 64) (whole numbers: valid as lengths too).
std::vector<double> sample(std::size_t n, std::uint64_t seed) {
  auto v = ds::bench::normal_sample(n, 0.0, seed);
  for (double& x : v) x = std::floor(std::fabs(x) * 16.0);
  return v;
}

void set_per_record(benchmark::State& state, std::size_t rows) {
  const auto n = static_cast<double>(state.iterations()) * static_cast<double>(rows);
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
  state.counters["ns_per_record"] = benchmark::Counter(n, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
constexpr std::int64_t kGapNs = 50'000;

struct request {
  double pixels[16];
};

double mean_pixel(const ds::stage_record& r) {
  const auto* q = static_cast<const request*>(r.input);
  double s = 0;
  for (double p : q->pixels) s += p;
  return s / 16.0;
}

void BM_stage_fields(benchmark::State& state) {
  const int kind = static_cast<int>(state.range(0));  // 0 numeric, 1 length, 2 functor, 3 carried derived
  ds::stage_options o;
  o.numeric_options.quantiles = false;
  o.window_ns = 10'000'000'000;
  if (kind == 0) o.numeric = {"x"};
  if (kind == 1) o.lengths = {"text"};
  if (kind == 2) o.derived = {{"brightness", mean_pixel}};
  if (kind == 3) o.derived = {{"brightness", {}}};
  ds::stage_monitor s(o);
  const auto values = sample(kRows, 1);
  std::vector<request> reqs(kRows);
  for (std::size_t i = 0; i < kRows; ++i)
    for (int k = 0; k < 16; ++k) reqs[i].pixels[k] = values[(i + static_cast<std::size_t>(k)) % kRows];
  std::int64_t t = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < kRows; ++i) {
      ds::stage_record r;
      r.latency_seconds = 0.001;
      if (kind == 0) r.numeric = &values[i];
      if (kind == 1) r.lengths = &values[i];
      if (kind == 2) r.input = &reqs[i];
      if (kind == 3) r.derived = &values[i];
      s.observe(r, t += kGapNs);
    }
  }
  set_per_record(state, kRows);
}
BENCHMARK(BM_stage_fields)->ArgName("numeric0_length1_functor2_carried3")->DenseRange(0, 3);

ds::stage_options twenty_features() {
  ds::stage_options o;
  for (int j = 0; j < 20; ++j) o.numeric.push_back("f" + std::to_string(j));
  o.window_ns = 60'000'000'000;
  return o;
}

ds::stage_monitor filled(std::uint64_t seed) {
  ds::stage_monitor s(twenty_features());
  const auto v = sample(100'000 * 20, seed);
  for (std::size_t i = 0; i < 100'000; ++i)
    s.observe({&v[i * 20], nullptr, 0.001, false}, static_cast<std::int64_t>(i) * 100'000);
  return s;
}

void BM_stage_serialize(benchmark::State& state) {
  const ds::stage_monitor s = filled(1);
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto b = s.serialize_state();
    bytes = b.size();
    benchmark::DoNotOptimize(b.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_stage_serialize)->Unit(benchmark::kMicrosecond);

void BM_stage_restore(benchmark::State& state) {
  const auto b = filled(1).serialize_state();
  ds::stage_monitor s(twenty_features());
  for (auto _ : state) s.restore_state(b.data(), b.size());
}
BENCHMARK(BM_stage_restore)->Unit(benchmark::kMicrosecond);

void BM_stage_merge(benchmark::State& state) {
  const ds::stage_monitor a = filled(1), b = filled(2);
  for (auto _ : state) {
    state.PauseTiming();
    ds::stage_monitor m = a;
    state.ResumeTiming();
    m.merge(b);
    benchmark::DoNotOptimize(&m);
  }
}
BENCHMARK(BM_stage_merge)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
