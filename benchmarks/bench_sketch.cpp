// Mergeable summaries: KLL update (ns/value, state bytes), merge and queries; histogram
// and moments update_many.
#include <driftscope/sketch/histogram_sketch.hpp>
#include <driftscope/sketch/kll_sketch.hpp>
#include <driftscope/sketch/moments.hpp>
#include <driftscope/sketch/sketch_ks.hpp>

#include <cstdint>
#include <vector>

#include "bench_util.hpp"

namespace {

using driftscope::bench::normal_sample;

const std::vector<double>& stream() {
  static const std::vector<double> x = normal_sample(1 << 22, 0.0, 42);
  return x;
}

void set_items(benchmark::State& state, std::size_t per_iteration) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(per_iteration));
}

// KLL update, k = range(0), value by value (the request-path cost), over 4M values.
void bm_kll_update(benchmark::State& state) {
  const auto& x = stream();
  const auto k = static_cast<std::uint32_t>(state.range(0));
  std::size_t retained = 0, bytes = 0;
  for (auto _ : state) {
    driftscope::kll_sketch<double> s(k);
    for (double v : x) s.update(v);
    benchmark::DoNotOptimize(s.n());
    retained = s.num_retained();
    bytes = s.memory_bytes();
  }
  set_items(state, x.size());
  state.counters["retained"] = static_cast<double>(retained);
  state.counters["state_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(bm_kll_update)->Arg(200)->Arg(400)->Unit(benchmark::kMillisecond);

void bm_kll_update_many(benchmark::State& state) {
  const auto& x = stream();
  std::size_t bytes = 0;
  for (auto _ : state) {
    driftscope::kll_sketch<double> s(static_cast<std::uint32_t>(state.range(0)));
    s.update_many(x.data(), x.size());
    benchmark::DoNotOptimize(s.n());
    bytes = s.serialized_size_bytes();
  }
  set_items(state, x.size());
  state.counters["serialized_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(bm_kll_update_many)->Arg(200)->Unit(benchmark::kMillisecond);

void bm_kll_update_float(benchmark::State& state) {
  static const std::vector<float> x = normal_sample<float>(1 << 22, 0.0, 43);
  for (auto _ : state) {
    driftscope::kll_sketch<float> s(200);
    s.update_many(x.data(), x.size());
    benchmark::DoNotOptimize(s.n());
  }
  set_items(state, x.size());
}
BENCHMARK(bm_kll_update_float)->Unit(benchmark::kMillisecond);

// Merge of 64 sketches of 65536 values each (k = 200); items = sketches merged.
void bm_kll_merge(benchmark::State& state) {
  const auto& x = stream();
  std::vector<driftscope::kll_sketch<double>> parts;
  for (std::size_t p = 0; p < 64; ++p) {
    parts.emplace_back(200, p + 1);
    parts.back().update_many(x.data() + p * 65536, 65536);
  }
  for (auto _ : state) {
    driftscope::kll_sketch<double> total(200);
    for (const auto& p : parts) total.merge(p);
    benchmark::DoNotOptimize(total.n());
  }
  set_items(state, parts.size());
}
BENCHMARK(bm_kll_merge)->Unit(benchmark::kMicrosecond);

// Queries on a sketch of 4M values: one quantile (builds the sorted view), 101 quantiles
// (one view), one rank (no allocation).
void bm_kll_quantile(benchmark::State& state) {
  driftscope::kll_sketch<double> s;
  s.update_many(stream().data(), stream().size());
  double r = 0.1;
  for (auto _ : state) {
    benchmark::DoNotOptimize(s.quantile(r));
    r = r > 0.9 ? 0.1 : r + 0.013;
  }
  set_items(state, 1);
}
BENCHMARK(bm_kll_quantile);

void bm_kll_quantiles_101(benchmark::State& state) {
  driftscope::kll_sketch<double> s;
  s.update_many(stream().data(), stream().size());
  std::vector<double> ranks(101), out(101);
  for (int i = 0; i <= 100; ++i) ranks[static_cast<std::size_t>(i)] = i / 100.0;
  for (auto _ : state) {
    s.quantiles(ranks.data(), ranks.size(), out.data());
    benchmark::DoNotOptimize(out.data());
  }
  set_items(state, ranks.size());
}
BENCHMARK(bm_kll_quantiles_101);

void bm_kll_rank(benchmark::State& state) {
  driftscope::kll_sketch<double> s;
  s.update_many(stream().data(), stream().size());
  double x = -2;
  for (auto _ : state) {
    benchmark::DoNotOptimize(s.rank(x));
    x = x > 2 ? -2 : x + 0.01;
  }
  set_items(state, 1);
}
BENCHMARK(bm_kll_rank);

void bm_sketch_ks_test(benchmark::State& state) {
  driftscope::kll_sketch<double> a(200, 1), b(200, 2);
  a.update_many(stream().data(), stream().size() / 2);
  b.update_many(stream().data() + stream().size() / 2, stream().size() / 2);
  for (auto _ : state) benchmark::DoNotOptimize(driftscope::sketch_ks_test(a, b).statistic);
  set_items(state, 1);
}
BENCHMARK(bm_sketch_ks_test);

// Histogram update_many with range(0) interior edges.
void bm_histogram_update_many(benchmark::State& state) {
  const auto& x = stream();
  const auto m = static_cast<std::size_t>(state.range(0));
  std::vector<double> edges(m);
  for (std::size_t i = 0; i < m; ++i)
    edges[i] = -3.0 + 6.0 * static_cast<double>(i + 1) / static_cast<double>(m + 1);
  driftscope::histogram_sketch h(edges);
  for (auto _ : state) {
    h.update_many(x.data(), x.size());
    benchmark::DoNotOptimize(h.counts().data());
  }
  set_items(state, x.size());
}
BENCHMARK(bm_histogram_update_many)->Arg(9)->Arg(99)->Unit(benchmark::kMillisecond);

void bm_moments_update_many(benchmark::State& state) {
  const auto& x = stream();
  for (auto _ : state) {
    driftscope::moments m;
    m.update_many(x.data(), x.size());
    benchmark::DoNotOptimize(m.variance());
  }
  set_items(state, x.size());
}
BENCHMARK(bm_moments_update_many)->Unit(benchmark::kMillisecond);

void bm_moments_update(benchmark::State& state) {
  const auto& x = stream();
  for (auto _ : state) {
    driftscope::moments m;
    for (double v : x) m.update(v);
    benchmark::DoNotOptimize(m.variance());
  }
  set_items(state, x.size());
}
BENCHMARK(bm_moments_update)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
