// SpaceSaving heavy hitters (sketch/frequent_items.hpp): update ns per value on a Zipf
// stream (s = 1.1 over 10^5 items) at k = 64 and k = 1024, string and int64 items;
// merge and top() per call.
#include <driftscope/sketch/frequent_items.hpp>

#include <algorithm>
#include <cmath>
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

const std::vector<std::int64_t>& zipf_stream() {
  static const std::vector<std::int64_t> x = [] {
    const std::size_t universe = 100000;
    std::vector<double> cdf(universe);
    double acc = 0;
    for (std::size_t r = 0; r < universe; ++r)
      cdf[r] = acc += std::pow(static_cast<double>(r + 1), -1.1);
    std::mt19937_64 g(3);
    std::uniform_real_distribution<double> u(0.0, acc);
    std::vector<std::int64_t> v(stream_size);
    for (auto& e : v)
      e = static_cast<std::int64_t>(std::lower_bound(cdf.begin(), cdf.end(), u(g)) - cdf.begin());
    return v;
  }();
  return x;
}

const std::vector<std::string>& zipf_strings() {
  static const std::vector<std::string> x = [] {
    std::vector<std::string> v;
    v.reserve(stream_size);
    for (std::int64_t r : zipf_stream())
      v.push_back("/api/v1/item/" + std::to_string(r * 7919 % 1000003));
    return v;
  }();
  return x;
}

void bm_frequent_items_string(benchmark::State& state) {
  const auto& x = zipf_strings();
  const auto k = static_cast<std::uint32_t>(state.range(0));
  for (auto _ : state) {
    driftscope::frequent_items<std::string> f(k);
    f.update_many(x.data(), x.size());
    benchmark::DoNotOptimize(f.total_weight());
  }
  set_items(state, x.size());
}
BENCHMARK(bm_frequent_items_string)->Arg(64)->Arg(1024)->Unit(benchmark::kMillisecond);

void bm_frequent_items_int64(benchmark::State& state) {
  const auto& x = zipf_stream();
  const auto k = static_cast<std::uint32_t>(state.range(0));
  for (auto _ : state) {
    driftscope::frequent_items<std::int64_t> f(k);
    f.update_many(x.data(), x.size());
    benchmark::DoNotOptimize(f.total_weight());
  }
  set_items(state, x.size());
}
BENCHMARK(bm_frequent_items_int64)->Arg(64)->Arg(1024)->Unit(benchmark::kMillisecond);

void bm_frequent_items_merge(benchmark::State& state) {
  const auto& x = zipf_strings();
  const auto k = static_cast<std::uint32_t>(state.range(0));
  driftscope::frequent_items<std::string> a(k), b(k);
  a.update_many(x.data(), x.size() / 2);
  b.update_many(x.data() + x.size() / 2, x.size() / 2);
  for (auto _ : state) {
    driftscope::frequent_items<std::string> t = a;
    t.merge(b);
    benchmark::DoNotOptimize(t.total_weight());
  }
}
BENCHMARK(bm_frequent_items_merge)->Arg(64)->Arg(1024);

void bm_frequent_items_top(benchmark::State& state) {
  const auto& x = zipf_strings();
  driftscope::frequent_items<std::string> f(static_cast<std::uint32_t>(state.range(0)));
  f.update_many(x.data(), x.size());
  for (auto _ : state) benchmark::DoNotOptimize(f.top(10).data());
}
BENCHMARK(bm_frequent_items_top)->Arg(64)->Arg(1024);

}  // namespace

BENCHMARK_MAIN();
