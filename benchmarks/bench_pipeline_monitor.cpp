// What monitoring costs a request of the example inference service
// (examples/cpp/inference_service/service_monitor.hpp): the request's submit of its record
// to the lock-free queue, and the monitor's work on the record — the "input" stage over 20
// numeric features, the "model" stage (prediction, latency, error), their alert rules —
// with and without the inputs' KLL quantiles and the PSI drift monitor (tumbling windows
// of 1000 rows, fed in batches of 64 rows). Requests arrive every 50 µs of the monitor's
// clock (20,000 per second), so the 10 s stage windows close every 200,000 requests and
// the window closes (catalogue, rules, KLL rebuild) are part of the cost, as are the drift
// evaluations every 1000 rows. Single-threaded here (the background thread off, the queue
// drained inline every 64 requests), CPU time.
// Counter ns_per_request (items = requests). Target: <= 1 µs per request for 20 features.
// Also: the submit alone (what the request's thread pays), the drift monitor per row
// unbatched vs batched, the request parser, the clocks a request reads, and one /metrics
// scrape (collection + rendering).
#include "bench_util.hpp"

#include "../examples/cpp/inference_service/service_monitor.hpp"

#include <driftscope/monitor/exposition.hpp>
#include <driftscope/stats/reference_profile.hpp>
#include <driftscope/window/histogram_window.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace {

namespace ds = driftscope;
namespace svc = inference_service;
using svc::feature_count;

constexpr std::size_t kRows = 4096;                // requests per benchmark iteration
constexpr std::int64_t kRequestGapNs = 50'000;     // 20,000 requests per second
constexpr double kParseSeconds = 5e-7;
constexpr double kModelSeconds = 2e-8;

const std::vector<double>& reference() {
  static const std::vector<double> r = svc::training_rows(10000, 42);
  return r;
}
const std::vector<double>& requests() {
  static const std::vector<double> r = svc::training_rows(kRows, 7);
  return r;
}

void set_per_request(benchmark::State& state) {
  const auto n = static_cast<double>(state.iterations()) * static_cast<double>(kRows);
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
  state.counters["ns_per_request"] = benchmark::Counter(n, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

svc::request_record record_of(const double* row, std::int64_t t) {
  svc::request_record r;
  std::copy(row, row + feature_count, r.features);
  r.parse_seconds = kParseSeconds;
  r.prediction = svc::predict_rooms(row[0]);
  r.model_seconds = kModelSeconds;
  r.model_error = std::isnan(r.prediction);
  r.timestamp_ns = t;
  return r;
}

svc::monitor_options inline_options(bool quantiles, bool drift) {
  svc::monitor_options o;
  o.input_quantiles = quantiles;
  o.drift = drift;
  o.background = false;
  return o;
}

/// Submit + apply. Args: input quantiles (0/1), drift monitor (0/1).
void BM_request_monitor(benchmark::State& state) {
  svc::service_monitor monitor(reference(), inline_options(state.range(0) != 0, state.range(1) != 0));
  const std::vector<double>& x = requests();
  std::int64_t t = 1'700'000'000'000'000'000;
  for (auto _ : state) {
    for (std::size_t i = 0; i < kRows; ++i) {
      monitor.submit(record_of(x.data() + i * feature_count, t));
      t += kRequestGapNs;
      if (i % 64 == 63) monitor.drain();
    }
  }
  const auto c = monitor.stats();
  set_per_request(state);
  state.counters["windows_closed"] = static_cast<double>(c.windows_closed);
  state.counters["drift_rows"] = static_cast<double>(c.drift_rows);
}
BENCHMARK(BM_request_monitor)->ArgNames({"quantiles", "drift"})->Args({0, 0})->Args({1, 0})->Args({0, 1})->Args({1, 1});

/// What the request's thread pays: building the record and submitting it (the queue is
/// drained between batches, outside the timing).
void BM_request_submit(benchmark::State& state) {
  svc::service_monitor monitor(reference(), inline_options(false, true));
  const std::vector<double>& x = requests();
  std::int64_t t = 1'700'000'000'000'000'000;
  for (auto _ : state) {
    for (std::size_t i = 0; i < kRows; ++i) {
      monitor.submit(record_of(x.data() + i * feature_count, t));
      t += kRequestGapNs;
    }
    state.PauseTiming();
    monitor.drain();
    state.ResumeTiming();
  }
  set_per_request(state);
  state.counters["queue_full"] = static_cast<double>(monitor.stats().queue_full);
}
BENCHMARK(BM_request_submit);

/// The drift monitor alone (20 columns, PSI, tumbling 1000, value_metrics off as in the
/// service): one update() per row vs the service's batches of 64 rows (update_many).
void BM_drift_monitor(benchmark::State& state) {
  std::vector<ds::column_config> cols(feature_count);
  for (std::size_t j = 0; j < feature_count; ++j) {
    cols[j].name = svc::feature_names()[j];
    cols[j].statistics = {ds::stream_statistic::psi};
  }
  ds::stream_monitor_options so;
  so.window = ds::window_spec::tumbling(1000);
  so.value_metrics = false;
  ds::stream_monitor mon(reference().data(), reference().size() / feature_count, cols, so);
  const auto batch = static_cast<std::size_t>(state.range(0));
  const std::vector<double>& x = requests();
  for (auto _ : state) {
    if (batch == 1) {
      for (std::size_t i = 0; i < kRows; ++i) mon.update(x.data() + i * feature_count, feature_count);
    } else {
      for (std::size_t i = 0; i < kRows; i += batch) mon.update_many(x.data() + i * feature_count, batch, feature_count);
    }
  }
  benchmark::DoNotOptimize(mon.snapshot().scores.data());
  set_per_request(state);
}
BENCHMARK(BM_drift_monitor)->ArgName("batch")->Arg(1)->Arg(64);

/// For comparison: the same PSI windows without stream_monitor — 20 histogram_windows
/// (reference deciles, tumbling 1000), fed column by column in batches of 64 rows, PSI at
/// each window close: the floor under a PSI-only stream_monitor (what it adds is the
/// row-to-column gather, the snapshot, the threshold trackers and the score history).
void BM_drift_histograms_only(benchmark::State& state) {
  const std::vector<double>& ref = reference();
  const std::size_t n_ref = ref.size() / feature_count;
  std::vector<ds::histogram_window> windows;
  std::vector<double> col(n_ref);
  for (std::size_t j = 0; j < feature_count; ++j) {
    for (std::size_t i = 0; i < n_ref; ++i) col[i] = ref[i * feature_count + j];
    windows.emplace_back(ds::reference_profile<double>(col.data(), n_ref), ds::window_spec::tumbling(1000));
  }
  const std::vector<double>& x = requests();
  constexpr std::size_t batch = 64;
  double buf[batch];
  double psi_sum = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < kRows; i += batch) {
      for (std::size_t j = 0; j < feature_count; ++j) {
        for (std::size_t r = 0; r < batch; ++r) buf[r] = x[(i + r) * feature_count + j];
        windows[j].update_many(buf, batch,
                               [&](const ds::histogram_window& w, const ds::window_end&) { psi_sum += w.psi(); });
      }
    }
  }
  benchmark::DoNotOptimize(psi_sum);
  set_per_request(state);
}
BENCHMARK(BM_drift_histograms_only);

/// Parsing a CSV request body of 20 values (std::from_chars), for scale.
void BM_parse_request(benchmark::State& state) {
  const std::vector<double>& x = requests();
  std::vector<std::string> bodies(kRows);
  for (std::size_t i = 0; i < kRows; ++i)
    for (std::size_t j = 0; j < feature_count; ++j)
      bodies[i] += (j ? "," : "") + fmt::format("{:.6g}", x[i * feature_count + j]);
  double out[feature_count];
  for (auto _ : state) {
    for (const std::string& b : bodies) {
      benchmark::DoNotOptimize(svc::parse_features(b, out));
      benchmark::DoNotOptimize(out[0]);
    }
  }
  set_per_request(state);
}
BENCHMARK(BM_parse_request);

/// The clocks a monitored request reads: one system_clock (timestamp), three steady_clock
/// (the parse's and the model call's latencies).
void BM_request_clocks(benchmark::State& state) {
  for (auto _ : state) {
    for (std::size_t i = 0; i < kRows; ++i) {
      benchmark::DoNotOptimize(std::chrono::system_clock::now());
      const auto t0 = std::chrono::steady_clock::now();
      const auto t1 = std::chrono::steady_clock::now();
      const auto t2 = std::chrono::steady_clock::now();
      benchmark::DoNotOptimize(t1 - t0);
      benchmark::DoNotOptimize(t2 - t1);
    }
  }
  set_per_request(state);
}
BENCHMARK(BM_request_clocks);

/// One /metrics scrape after 100,000 requests (collection under the lock + rendering):
/// arg 0 Prometheus text, 1 OpenMetrics. Counter body_bytes.
void BM_scrape(benchmark::State& state) {
  svc::service_monitor monitor(reference(), inline_options(false, true));
  const std::vector<double>& x = requests();
  std::int64_t t = 1'700'000'000'000'000'000;
  for (std::size_t i = 0; i < 100000; ++i) {
    monitor.submit(record_of(x.data() + (i % kRows) * feature_count, t));
    t += kRequestGapNs;
    if (i % 64 == 63) monitor.drain();
  }
  const char* accept = state.range(0) != 0 ? "application/openmetrics-text; version=1.0.0" : "text/plain";
  std::size_t bytes = 0;
  for (auto _ : state) {
    const auto r = ds::render_metrics(accept, monitor.metric_families(t));
    bytes = r.body.size();
    benchmark::DoNotOptimize(r.body.data());
  }
  state.counters["body_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_scrape)->ArgName("openmetrics")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
