// DDSketch latencies (sketch/latency_sketch.hpp): update ns per value (value by value and
// update_many, α = 0.01, log-normal latencies in seconds and int64 nanoseconds); quantile
// and count_le queries per call.
#include <driftscope/sketch/latency_sketch.hpp>

#include <cstdint>
#include <random>
#include <vector>

#include "bench_util.hpp"

namespace {

constexpr std::size_t stream_size = 1 << 20;

void set_items(benchmark::State& state, std::size_t per_iteration) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(per_iteration));
}

const std::vector<double>& latencies() {  // log-normal around 50 ms
  static const std::vector<double> x = [] {
    std::mt19937_64 g(4);
    std::lognormal_distribution<double> d(-3.0, 1.0);
    std::vector<double> v(stream_size);
    for (auto& e : v) e = d(g);
    return v;
  }();
  return x;
}

void bm_latency_update(benchmark::State& state) {
  const auto& x = latencies();
  for (auto _ : state) {
    driftscope::latency_sketch s(0.01);
    for (double v : x) s.update(v);
    benchmark::DoNotOptimize(s.count());
  }
  set_items(state, x.size());
}
BENCHMARK(bm_latency_update)->Unit(benchmark::kMillisecond);

void bm_latency_update_many(benchmark::State& state) {
  const auto& x = latencies();
  std::size_t buckets = 0;
  for (auto _ : state) {
    driftscope::latency_sketch s(0.01);
    s.update_many(x);
    buckets = s.num_buckets();
  }
  set_items(state, x.size());
  state.counters["buckets"] = static_cast<double>(buckets);
}
BENCHMARK(bm_latency_update_many)->Unit(benchmark::kMillisecond);

void bm_latency_update_many_ns(benchmark::State& state) {
  static const std::vector<std::int64_t> ns = [] {
    std::vector<std::int64_t> v;
    v.reserve(stream_size);
    for (double s : latencies()) v.push_back(static_cast<std::int64_t>(s * 1e9));
    return v;
  }();
  for (auto _ : state) {
    driftscope::latency_sketch s(0.01);
    s.update_many(ns);
    benchmark::DoNotOptimize(s.count());
  }
  set_items(state, ns.size());
}
BENCHMARK(bm_latency_update_many_ns)->Unit(benchmark::kMillisecond);

void bm_latency_quantile(benchmark::State& state) {
  driftscope::latency_sketch s(0.01);
  s.update_many(latencies());
  double q = 0.99;
  for (auto _ : state) benchmark::DoNotOptimize(s.quantile(q));
  state.counters["buckets"] = static_cast<double>(s.num_buckets());
}
BENCHMARK(bm_latency_quantile);

void bm_latency_count_le(benchmark::State& state) {
  driftscope::latency_sketch s(0.01);
  s.update_many(latencies());
  // Prometheus' default histogram bounds, in seconds
  const std::vector<double> bounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  std::vector<std::uint64_t> out(bounds.size());
  for (auto _ : state) {
    s.count_le(bounds.data(), bounds.size(), out.data());
    benchmark::DoNotOptimize(out.data());
  }
  set_items(state, bounds.size());
}
BENCHMARK(bm_latency_count_le);

void bm_latency_merge(benchmark::State& state) {
  const auto& x = latencies();
  driftscope::latency_sketch a(0.01), b(0.01);
  a.update_many(x.data(), x.size() / 2);
  b.update_many(x.data() + x.size() / 2, x.size() / 2);
  for (auto _ : state) {
    driftscope::latency_sketch t = a;
    t.merge(b);
    benchmark::DoNotOptimize(t.count());
  }
}
BENCHMARK(bm_latency_merge);

}  // namespace

BENCHMARK_MAIN();
