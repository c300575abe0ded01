// Google Benchmark cases for driftscope::ecdf_window against a 100,000-value reference:
// - BM_ecdf_window_stream/<strategy>/size/stride: ns per value in steady state (a
//   pre-filled window, then 20·stride.. values), including a KS evaluation (ks()) at
//   every evaluation point; items = values. The two sorted-view strategies
//   (1 = incremental, 2 = resort; 0 = automatic) at size 1000 stride 100 and size 10000
//   stride 1000 (and stride 1 / 10 to find the break-even).
// - BM_ecdf_window_view/...: the same without the KS (the cost of keeping the view).
// - BM_ecdf_ks_eval/<path>/n_win: ns per KS evaluation on a sorted window: 0 = merge walk
//   (ks_2samp_sorted), 1 = binary search (extremes_by_search), plus the Wasserstein walk.
//
//   ./build/<dir>/benchmarks/bench_ecdf_window --benchmark_min_time=0.2

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "driftscope/window/ecdf_window.hpp"

#include "bench_util.hpp"

namespace {

using driftscope::bench::normal_sample;
namespace ds = driftscope;

constexpr std::size_t kRef = 100000;

std::shared_ptr<const ds::reference_profile<double>> reference() {
  static const auto prof = [] {
    const auto r = normal_sample<double>(kRef, 0.0, 1);
    return std::make_shared<const ds::reference_profile<double>>(r.data(), r.size());
  }();
  return prof;
}

template <bool WithKs>
void bm_stream(benchmark::State& state) {
  const auto strategy = static_cast<ds::ecdf_sort_strategy>(state.range(0));
  const auto size = static_cast<std::uint64_t>(state.range(1));
  const auto stride = static_cast<std::uint64_t>(state.range(2));
  const auto prof = reference();
  ds::ecdf_window<double> proto(prof, ds::window_spec::sliding(size, stride), strategy);
  const auto fill = normal_sample<double>(size, 0.1, 2);
  for (double v : fill) proto.update(v);
  const std::size_t n = static_cast<std::size_t>(std::max<std::uint64_t>(20 * stride, 2000));
  const auto x = normal_sample<double>(n, 0.1, 3);
  std::size_t evals = 0;
  for (auto _ : state) {
    ds::ecdf_window<double> w = proto;
    double acc = 0;
    w.update_many(x.data(), x.size(),
                  [&](const ds::ecdf_window<double>& win, const ds::window_end&) {
                    if constexpr (WithKs) {
                      acc += win.ks().statistic;
                    } else {
                      acc += win.sorted_data()[0];
                    }
                    ++evals;
                  });
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(n));
  state.counters["evals_per_iter"] =
      static_cast<double>(evals) / static_cast<double>(state.iterations());
  state.SetLabel(ds::to_string(proto.strategy()));
}

void stream_args(benchmark::internal::Benchmark* b) {
  for (int strat : {1, 2})
    for (auto [size, stride] : {std::pair<int, int>{1000, 100},
                                {10000, 1000},
                                {1000, 10},
                                {1000, 1},
                                {1000, 30},
                                {10000, 100},
                                {10000, 300}})
      b->Args({strat, size, stride});
  b->Args({0, 1000, 100});
  b->Args({0, 10000, 1000});
}

void BM_ecdf_window_stream(benchmark::State& state) {
  bm_stream<true>(state);
}
void BM_ecdf_window_view(benchmark::State& state) {
  bm_stream<false>(state);
}
BENCHMARK(BM_ecdf_window_stream)->Apply(stream_args);
BENCHMARK(BM_ecdf_window_view)->Apply(stream_args);

/// One KS evaluation of a sorted window against the reference; path 0 walk, 1 search,
/// 2 Wasserstein walk, 3 the KS p-value alone.
void BM_ecdf_ks_eval(benchmark::State& state) {
  const int path = static_cast<int>(state.range(0));
  const auto nw = static_cast<std::size_t>(state.range(1));
  const auto prof = reference();
  auto w = normal_sample<double>(nw, 0.1, 4);
  std::sort(w.begin(), w.end());
  const auto& r = prof->sorted_values();
  const double d = ds::ks_2samp_sorted(r.data(), r.size(), w.data(), nw).statistic;
  for (auto _ : state) {
    double s = 0;
    if (path == 0) {
      s = ds::ks_2samp_sorted(r.data(), r.size(), w.data(), nw).statistic;
    } else if (path == 1) {
      s = ds::detail::ks::from_extremes(
              ds::detail::ecdf_window::extremes_by_search(r.data(), r.size(), w.data(), nw),
              r.size(), nw, ds::alternative::two_sided, ds::ks_method::automatic)
              .statistic;
    } else if (path == 2) {
      s = ds::kernels::ecdf_walk(r.data(), r.size(), w.data(), nw).l1;
    } else {
      // the p-value alone (common to both paths), at this window's statistic
      ds::ks_method used;
      s = ds::ks_2samp_pvalue(d, r.size(), nw, ds::alternative::two_sided, ds::ks_method::automatic,
                              &used);
    }
    benchmark::DoNotOptimize(s);
  }
  state.SetLabel(path == 0   ? "walk"
                 : path == 1 ? "search"
                 : path == 2 ? "wasserstein_walk"
                             : "pvalue_only");
}
BENCHMARK(BM_ecdf_ks_eval)->ArgsProduct({{0, 1, 2, 3}, {100, 1000, 3000, 10000, 30000}});

/// The sort of a window at an evaluation point (resort strategy's per-evaluation cost).
void BM_ecdf_resort(benchmark::State& state) {
  const auto nw = static_cast<std::size_t>(state.range(0));
  const auto x = normal_sample<double>(nw, 0.0, 5);
  std::vector<double> buf(nw);
  for (auto _ : state) {
    std::copy(x.begin(), x.end(), buf.begin());
    ds::kernels::sort(buf.data(), nw);
    benchmark::DoNotOptimize(buf.data());
  }
}
BENCHMARK(BM_ecdf_resort)->Arg(1000)->Arg(10000);

}  // namespace

BENCHMARK_MAIN();
