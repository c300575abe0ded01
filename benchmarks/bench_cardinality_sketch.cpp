// HyperLogLog (sketch/hyperloglog.hpp): update_many ns per value at p = 12 for 64-bit
// integers, doubles and short strings; estimate() and merge() per call.
#include <driftscope/sketch/hyperloglog.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "bench_util.hpp"

namespace {

constexpr std::size_t stream_size = 1 << 20;

void set_items(benchmark::State& state, std::size_t per_iteration) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(per_iteration));
}

const std::vector<std::int64_t>& int_stream() {
  static const std::vector<std::int64_t> x = [] {
    std::mt19937_64 g(1);
    std::vector<std::int64_t> v(stream_size);
    for (auto& e : v) e = static_cast<std::int64_t>(g() % 200000);  // ~200k distinct ids
    return v;
  }();
  return x;
}

// strings like request ids / user names: 8 to 24 bytes
const std::vector<std::string>& string_stream() {
  static const std::vector<std::string> x = [] {
    std::vector<std::string> v;
    v.reserve(stream_size);
    for (std::int64_t id : int_stream())
      v.push_back("user-" + std::to_string(id * 7919) + (id % 3 == 0 ? "@example.org" : ""));
    return v;
  }();
  return x;
}

void bm_hll_update_many_int64(benchmark::State& state) {
  const auto& x = int_stream();
  for (auto _ : state) {
    driftscope::hyperloglog h(static_cast<int>(state.range(0)));
    h.update_many(x.data(), x.size());
    benchmark::DoNotOptimize(h.registers().data());
  }
  set_items(state, x.size());
}
BENCHMARK(bm_hll_update_many_int64)->Arg(12)->Arg(16)->Unit(benchmark::kMillisecond);

void bm_hll_update_many_double(benchmark::State& state) {
  static const std::vector<double> x = driftscope::bench::normal_sample(stream_size, 0.0, 2);
  for (auto _ : state) {
    driftscope::hyperloglog h(12);
    h.update_many(x.data(), x.size());
    benchmark::DoNotOptimize(h.registers().data());
  }
  set_items(state, x.size());
}
BENCHMARK(bm_hll_update_many_double)->Unit(benchmark::kMillisecond);

void bm_hll_update_many_string(benchmark::State& state) {
  const auto& x = string_stream();
  for (auto _ : state) {
    driftscope::hyperloglog h(12);
    h.update_many(x.data(), x.size());
    benchmark::DoNotOptimize(h.registers().data());
  }
  set_items(state, x.size());
}
BENCHMARK(bm_hll_update_many_string)->Unit(benchmark::kMillisecond);

void bm_hll_estimate(benchmark::State& state) {
  driftscope::hyperloglog h(static_cast<int>(state.range(0)));
  h.update_many(int_stream());
  for (auto _ : state) benchmark::DoNotOptimize(h.estimate());
  state.counters["estimate"] = h.estimate();
}
BENCHMARK(bm_hll_estimate)->Arg(12)->Arg(16);

void bm_hll_merge(benchmark::State& state) {
  driftscope::hyperloglog a(12), b(12);
  const auto& x = int_stream();
  a.update_many(x.data(), x.size() / 2);
  b.update_many(x.data() + x.size() / 2, x.size() / 2);
  for (auto _ : state) {
    driftscope::hyperloglog t = a;
    t.merge(b);
    benchmark::DoNotOptimize(t.registers().data());
  }
}
BENCHMARK(bm_hll_merge);

}  // namespace

BENCHMARK_MAIN();
