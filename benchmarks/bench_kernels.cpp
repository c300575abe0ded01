// Google Benchmark for the SIMD kernels. Every benchmark reports items_per_second over
// input values; ns per value = 1e9 / items_per_second. Kernels that dispatch are run on
// the best target and on the baseline one (pinned with force_target).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "driftscope/kernels/bin_count.hpp"
#include "driftscope/kernels/dispatch.hpp"
#include "driftscope/kernels/ecdf_walk.hpp"
#include "driftscope/kernels/rel_entr_sum.hpp"
#include "driftscope/kernels/sort.hpp"

namespace dk = driftscope::kernels;

namespace {

template <typename T>
std::vector<T> normal_data(std::size_t n, std::uint64_t seed, double mean = 0.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> dist(mean, 1.0);
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(dist(rng));
  return v;
}

/// Interior edges of `bins` equal-mass bins of a reference sample (quantile binning).
std::vector<double> quantile_edges(std::size_t bins) {
  auto ref = normal_data<double>(100000, 99);
  std::sort(ref.begin(), ref.end());
  std::vector<double> e;
  for (std::size_t k = 1; k < bins; ++k) e.push_back(ref[k * ref.size() / bins]);
  return e;
}

template <typename T>
void bm_bin_count(benchmark::State& state, const std::string& target, std::size_t bins) {
  dk::force_target(target);
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto x = normal_data<T>(n, 1);
  const auto edges = quantile_edges(bins);
  std::vector<std::uint64_t> counts(bins, 0);
  for (auto _ : state) {
    benchmark::DoNotOptimize(dk::bin_count(x.data(), n, edges.data(), edges.size(), counts.data()));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
  state.SetLabel(dk::current_target());
  dk::force_target("");
}

template <typename T>
void bm_sort(benchmark::State& state, const std::string& target, bool use_std) {
  dk::force_target(target);
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto x = normal_data<T>(n, 2);
  std::vector<T> work(n);
  // The copy back to unsorted input is timed too (~0.1 ns/value), for both sorts.
  for (auto _ : state) {
    std::memcpy(work.data(), x.data(), n * sizeof(T));
    if (use_std) {
      std::sort(work.begin(), work.end());
    } else {
      dk::sort(work.data(), n);
    }
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
  state.SetLabel(use_std ? "std::sort" : dk::current_target());
  dk::force_target("");
}

template <typename T>
void bm_copy_without_nan(benchmark::State& state, const std::string& target) {
  dk::force_target(target);
  const auto n = static_cast<std::size_t>(state.range(0));
  auto x = normal_data<T>(n, 3);
  for (std::size_t i = 0; i < n; i += 10) x[i] = std::numeric_limits<T>::quiet_NaN();
  std::vector<T> out(n);
  for (auto _ : state) {
    benchmark::DoNotOptimize(dk::copy_without_nan(x.data(), n, out.data()));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
  state.SetLabel(dk::current_target());
  dk::force_target("");
}

/// N(0, 1) against N(shift, 1); a larger shift means more records of the running
/// extreme (the old branchy candidate path paid for each), 10 is two disjoint samples.
template <typename T>
void bm_ecdf_walk(benchmark::State& state, double shift = 0.1) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto a = normal_data<T>(n, 4);
  auto b = normal_data<T>(n, 5, shift);
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  for (auto _ : state) {
    benchmark::DoNotOptimize(dk::ecdf_walk(a.data(), n, b.data(), n));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 2 * state.range(0));
}

void bm_rel_entr_sum(benchmark::State& state, const std::string& target) {
  dk::force_target(target);
  const auto n = static_cast<std::size_t>(state.range(0));
  std::mt19937_64 rng(6);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> x(n), y(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = u(rng);
    y[i] = u(rng);
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(dk::rel_entr_sum(x.data(), y.data(), n));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
  state.SetLabel(dk::current_target());
  dk::force_target("");
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  const auto targets = dk::available_targets();
  std::vector<std::string> pinned = {targets.front()};
  if (targets.size() > 1) pinned.push_back(targets.back());

  for (const std::string& t : pinned) {
    for (std::size_t bins : {std::size_t{10}, std::size_t{100}}) {
      const std::string suffix = "/bins:" + std::to_string(bins) + "/" + t;
      benchmark::RegisterBenchmark(("bin_count<double>" + suffix).c_str(),
                                   [t, bins](benchmark::State& s) { bm_bin_count<double>(s, t, bins); })
          ->RangeMultiplier(10)
          ->Range(1000, 10000000);
      benchmark::RegisterBenchmark(("bin_count<float>" + suffix).c_str(),
                                   [t, bins](benchmark::State& s) { bm_bin_count<float>(s, t, bins); })
          ->RangeMultiplier(10)
          ->Range(1000, 10000000);
    }
  }
  for (const std::string& t : pinned) {
    benchmark::RegisterBenchmark(("sort<double>/vqsort/" + t).c_str(),
                                 [t](benchmark::State& s) { bm_sort<double>(s, t, false); })
        ->RangeMultiplier(10)
        ->Range(1000, 10000000)
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("sort<double>/std::sort",
                               [](benchmark::State& s) { bm_sort<double>(s, "", true); })
      ->RangeMultiplier(10)
      ->Range(1000, 10000000)
      ->Unit(benchmark::kMillisecond);
  for (const std::string& t : pinned) {
    benchmark::RegisterBenchmark(("copy_without_nan<double>/" + t).c_str(),
                                 [t](benchmark::State& s) { bm_copy_without_nan<double>(s, t); })
        ->RangeMultiplier(100)
        ->Range(1000, 1000000);
  }
  benchmark::RegisterBenchmark("ecdf_walk<double>", [](benchmark::State& s) { bm_ecdf_walk<double>(s); })
      ->RangeMultiplier(10)
      ->Range(1000, 1000000);
  benchmark::RegisterBenchmark("ecdf_walk<float>", [](benchmark::State& s) { bm_ecdf_walk<float>(s); })
      ->RangeMultiplier(10)
      ->Range(1000, 1000000);
  for (double shift : {0.0, 0.5, 10.0}) {
    benchmark::RegisterBenchmark(("ecdf_walk<double>/shift:" + std::to_string(shift).substr(0, 4)).c_str(),
                                 [shift](benchmark::State& s) { bm_ecdf_walk<double>(s, shift); })
        ->Arg(1000000);
  }
  for (const std::string& t : pinned) {
    benchmark::RegisterBenchmark(("rel_entr_sum/" + t).c_str(),
                                 [t](benchmark::State& s) { bm_rel_entr_sum(s, t); })
        ->RangeMultiplier(10)
        ->Range(1000, 1000000);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
