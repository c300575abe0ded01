// Google Benchmark cases for driftscope::make_drift_report (report/drift_report.hpp), the
// C++ core of driftscope.compare():
//  - bm_report_200x1e6: 200 numerical columns, 1e6 reference and 1e5 current float64 values
//    each (issue 3's "1,000,000 reference x 100,000 current rows x 200 numerical columns"
//    target: under 60 s on 2 cores); default tests (normed Wasserstein: the reference has
//    > 1000 rows), plots on, n_jobs = 1 and 2. The data (200 x 1.1e6 x 8 B = 1.76 GB) is
//    generated once and shared by both cases.
//  - bm_report_50num_10cat: 50 numerical + 10 categorical columns (12 categories), 1e5
//    reference and 1e5 current rows (the frame of the Evidently comparison in peers.py).
// items_processed counts every value of both sides, so items/s reads as values per second.
// The report allocates only per column (sorted scratch copies are per thread and reused).

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "driftscope/report/drift_report.hpp"

#include "bench_util.hpp"

namespace {

using driftscope::bench::normal_sample;

struct numeric_data {
  std::vector<std::vector<double>> ref, cur;
};

const numeric_data& big_data() {
  static const numeric_data d = [] {
    numeric_data x;
    for (std::uint64_t i = 0; i < 200; ++i) {
      x.ref.push_back(normal_sample(1000000, 0.0, 1000 + i));
      x.cur.push_back(normal_sample(100000, i % 4 == 0 ? 0.1 : 0.0, 5000 + i));
    }
    return x;
  }();
  return d;
}

void bm_report_200x1e6(benchmark::State& state) {
  const numeric_data& d = big_data();
  std::vector<driftscope::column_spec> cols;
  for (std::size_t i = 0; i < d.ref.size(); ++i)
    cols.push_back(driftscope::numerical_column("c" + std::to_string(i), d.ref[i].data(), d.ref[i].size(),
                                                d.cur[i].data(), d.cur[i].size()));
  driftscope::report_options o;
  o.n_jobs = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {
    const driftscope::drift_report r = driftscope::make_drift_report(cols, o);
    benchmark::DoNotOptimize(r.n_drifted);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 200 * 1100000);
}

void bm_report_50num_10cat(benchmark::State& state) {
  static const auto data = [] {
    struct {
      std::vector<std::vector<double>> ref, cur;
      std::vector<std::vector<std::int32_t>> cref, ccur;
    } x;
    for (std::uint64_t i = 0; i < 50; ++i) {
      x.ref.push_back(normal_sample(100000, 0.0, 10 + i));
      x.cur.push_back(normal_sample(100000, i % 5 == 0 ? 0.2 : 0.0, 100 + i));
    }
    std::mt19937_64 g(7);
    for (int i = 0; i < 10; ++i) {
      std::vector<std::int32_t> a(100000), b(100000);
      for (auto& v : a) v = static_cast<std::int32_t>(g() % 12);
      for (auto& v : b) v = static_cast<std::int32_t>(g() % (i % 3 == 0 ? 11 : 12));
      x.cref.push_back(std::move(a));
      x.ccur.push_back(std::move(b));
    }
    return x;
  }();
  std::vector<driftscope::column_spec> cols;
  for (std::size_t i = 0; i < 50; ++i)
    cols.push_back(driftscope::numerical_column("n" + std::to_string(i), data.ref[i].data(), 100000,
                                                data.cur[i].data(), 100000));
  for (std::size_t i = 0; i < 10; ++i)
    cols.push_back(driftscope::categorical_column("c" + std::to_string(i), data.cref[i].data(), 100000,
                                                  data.ccur[i].data(), 100000, 12));
  driftscope::report_options o;
  o.n_jobs = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {
    const driftscope::drift_report r = driftscope::make_drift_report(cols, o);
    benchmark::DoNotOptimize(r.n_drifted);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 60 * 200000);
}

}  // namespace

BENCHMARK(bm_report_50num_10cat)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_report_200x1e6)->Arg(1)->Arg(2)->Iterations(1)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
