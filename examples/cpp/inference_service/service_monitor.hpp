#pragma once
/// @file
/// @brief The monitoring of the example inference service: the toy model, the request
/// parser, and `service_monitor` — a pipeline_monitor with an "input" and a "model" stage
/// plus a PSI stream_monitor over the 20 input features — shared by the service (main.cpp)
/// and its benchmark (benchmarks/bench_pipeline_monitor.cpp), so the benchmark measures
/// exactly what a request pays.
///
/// The model is the seed notes' house example: rooms = (income / 1000) · 2, income being
/// feature 0. The other 19 features are carried along (a real model would use them); the
/// monitor watches all 20.
///
/// Per request the service `submit`s a `request_record`: the 20 features, the time the
/// body took to parse, the prediction, the model call's latency and whether the model
/// refused the row. Applied, a record goes to the "input" stage (features, parse time, bad
/// requests as errors), the "model" stage (prediction, latency, refusals) and the PSI drift
/// monitor, through a buffer fed to `stream_monitor::update_many` every `drift_batch_rows`
/// rows and at every scrape (the drift windows count rows, so they close at the same rows;
/// the scores lag by less than one batch). No allocation per request once warmed up (a
/// window close rebuilds the KLL sketches, once per window).
///
/// ## Threads
/// The library's monitors are not internally locked (DESIGN.md). The first version of this
/// service guarded them with one mutex taken by every request; under wrk on the 2-core VM
/// about 1.5 % of the requests found it taken and then waited ~100 µs on average (the
/// holder had been preempted, or the woken waiter waited for a core): a convoy that
/// multiplied the p99 latency. So a request now only copies its record into a lock-free
/// bounded queue (`bounded_queue`, ~15 ns, never blocks while the queue has room), and a
/// background thread applies the records under the monitor lock (a `counting_mutex`,
/// shared with scrapes). A request that finds the queue full applies the queued records
/// itself, so the monitor never loses one; `inference_service_monitor_queue_full_total`
/// counts those.
///
/// Cost per request (benchmarks/bench_pipeline_monitor.cpp, medians on the shared 2-core
/// VM): the submit (~14 ns), plus the monitor's work on the background thread: ~0.22 µs for
/// the two stages, ~0.83 µs with the inputs' KLL quantiles, +0.03 to 0.06 µs for the drift
/// monitor (~0.25 µs per request with the stages, ~0.88 µs with the quantiles too). The drift
/// monitor runs with `value_metrics = false`: PSI needs no ECDF window and the input stage
/// already has each input's mean / std / min / max, so its evaluation every 1000 rows
/// (timed on its own) takes ~5 µs for the 20 columns, PSI over 10 bins each — under the
/// monitor lock, so that is what a scrape may wait for it. With ECDF windows (value_metrics
/// true) the evaluation took ~250 µs (ecdf_window::min() and max() each sort the window's
/// values) and the drift monitor added ~0.35 µs per request in the same runs.

#include <driftscope/monitor/exposition.hpp>
#include <driftscope/monitor/pipeline_monitor.hpp>
#include <driftscope/monitor/stream_monitor.hpp>

#if defined(__linux__)
#include <sys/resource.h>
#include <unistd.h>
#endif

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace inference_service {

/// Features per request: income, then x01 .. x19.
inline constexpr std::size_t feature_count = 20;

/// @brief The feature names (income first: the model's input).
inline const std::vector<std::string>& feature_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n{"income"};
    for (std::size_t j = 1; j < feature_count; ++j) n.push_back((j < 10 ? "x0" : "x") + std::to_string(j));
    return n;
  }();
  return names;
}

/// @brief The toy model of the seed notes: rooms = (income / 1000) · 2.
/// @return NaN when the model refuses the income: missing, infinite or negative.
inline double predict_rooms(double income) noexcept {
  if (!(income >= 0 && income <= std::numeric_limits<double>::max())) return std::numeric_limits<double>::quiet_NaN();
  return income / 1000.0 * 2.0;
}

/// @brief Synthetic training data, row-major n × 20: income ~ U(20 000, 120 000) (the
/// house example's incomes), x_j ~ N(0, 1). Deterministic for a seed (std::mt19937_64; the
/// distributions' outputs may differ between standard libraries, the service only needs
/// them to be a plausible reference).
inline std::vector<double> training_rows(std::size_t n, std::uint64_t seed = 42) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> income(20000.0, 120000.0);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> rows(n * feature_count);
  for (std::size_t i = 0; i < n; ++i) {
    rows[i * feature_count] = income(gen);
    for (std::size_t j = 1; j < feature_count; ++j) rows[i * feature_count + j] = normal(gen);
  }
  return rows;
}

/// @brief Parses 20 comma-separated numbers: a CSV line `v1,v2,...`, a JSON array
/// `[v1, v2, ...]` or a JSON object holding one array (`{"features": [...]}`: the text
/// between the first `[` and the last `]` is taken). An empty value, `null` or `nan`
/// (any case) is missing (NaN); `inf` / `-inf` are values; numbers are read by
/// std::from_chars (no locale, no allocation) and one beyond the double range (`1e999`,
/// `1e-999`) is an error, not a silent ±inf or 0.
/// @param out receives feature_count values.
/// @return nullptr on success, else a static message saying what is wrong.
inline const char* parse_features(std::string_view text, double* out) noexcept {
  const auto open = text.find('[');
  if (open != std::string_view::npos) {
    const auto close = text.rfind(']');
    if (close == std::string_view::npos || close < open) return "unbalanced '[' in the body";
    text = text.substr(open + 1, close - open - 1);
  }
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  const auto lower_equals = [](std::string_view s, std::string_view word) {
    if (s.size() != word.size()) return false;
    for (std::size_t i = 0; i < s.size(); ++i)
      if ((s[i] | 0x20) != word[i]) return false;
    return true;
  };
  std::size_t n = 0;
  for (std::size_t pos = 0;;) {
    const auto comma = text.find(',', pos);
    std::string_view tok = text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    while (!tok.empty() && is_space(tok.front())) tok.remove_prefix(1);
    while (!tok.empty() && is_space(tok.back())) tok.remove_suffix(1);
    if (n == feature_count) return "more than 20 feature values";
    double v = std::numeric_limits<double>::quiet_NaN();
    if (!tok.empty() && !lower_equals(tok, "null") && !lower_equals(tok, "nan")) {
      if (tok.front() == '+') tok.remove_prefix(1);
      const auto r = std::from_chars(tok.data(), tok.data() + tok.size(), v);
      if (r.ec == std::errc::result_out_of_range) return "a feature value is outside the range of a double";
      if (r.ec != std::errc() || r.ptr != tok.data() + tok.size()) return "a feature value is not a number";
    }
    out[n++] = v;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return n == feature_count ? nullptr : "fewer than 20 feature values";
}

/// @brief Reads a training reference from CSV text: one row of 20 values per line (the
/// parse_features syntax), blank lines skipped, a first line that does not parse is taken
/// as a header.
/// @throws std::invalid_argument naming the line that does not parse, or for no rows.
inline std::vector<double> parse_reference_csv(std::string_view text) {
  std::vector<double> rows;
  double row[feature_count];
  std::size_t line_no = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (const char* err = parse_features(line, row)) {
      if (line_no == 1) continue;  // a header
      throw std::invalid_argument("reference CSV line " + std::to_string(line_no) + ": " + err);
    }
    rows.insert(rows.end(), row, row + feature_count);
  }
  if (rows.empty()) throw std::invalid_argument("reference CSV: no rows");
  return rows;
}

/// @brief A mutex that counts its contention: acquisitions, acquisitions that found it
/// taken (try_lock failed), and the time those waited. The counters change only while the
/// mutex is held, and are read under it, so they need no atomics.
class counting_mutex {
 public:
  void lock() {
    if (!m_.try_lock()) {
      const auto t0 = std::chrono::steady_clock::now();
      m_.lock();
      ++contended_;
      wait_ns_ += static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count());
    }
    ++acquisitions_;
  }
  void unlock() { m_.unlock(); }

  // Read with the mutex held.
  std::uint64_t acquisitions() const noexcept { return acquisitions_; }
  std::uint64_t contended() const noexcept { return contended_; }
  double wait_seconds() const noexcept { return static_cast<double>(wait_ns_) * 1e-9; }

 private:
  std::mutex m_;
  std::uint64_t acquisitions_ = 0, contended_ = 0, wait_ns_ = 0;
};

/// @brief A bounded multi-producer multi-consumer queue without locks: D. Vyukov's
/// "bounded MPMC queue" (1024cores.net, 2010). Each cell carries a sequence number that
/// says whose turn it is (a producer's for position p when seq == p, a consumer's when
/// seq == p + 1); a push or pop claims its position with one compare-exchange and
/// publishes the cell with a release store. No allocation after construction. A producer
/// preempted between its claim and its publication holds up the consumers at that cell
/// only (try_pop reports empty until it publishes), never the other producers.
template <class T>
class bounded_queue {
 public:
  /// @param capacity a power of two >= 2.
  explicit bounded_queue(std::size_t capacity) : cells_(new cell[capacity]), mask_(capacity - 1) {
    if (capacity < 2 || (capacity & (capacity - 1)) != 0)
      throw std::invalid_argument("bounded_queue: capacity must be a power of two >= 2, got " +
                                  std::to_string(capacity));
    for (std::size_t i = 0; i < capacity; ++i) cells_[i].seq.store(i, std::memory_order_relaxed);
  }

  /// @return false when the queue is full.
  bool try_push(const T& value) noexcept {
    std::size_t pos = tail_.load(std::memory_order_relaxed);
    for (;;) {
      cell& c = cells_[pos & mask_];
      const std::size_t seq = c.seq.load(std::memory_order_acquire);
      const auto dif = static_cast<std::ptrdiff_t>(seq - pos);
      if (dif == 0) {
        if (tail_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          c.value = value;
          c.seq.store(pos + 1, std::memory_order_release);
          return true;
        }
      } else if (dif < 0) {
        return false;
      } else {
        pos = tail_.load(std::memory_order_relaxed);
      }
    }
  }

  /// @return false when the queue is empty (or its next cell is not published yet).
  bool try_pop(T& out) noexcept {
    std::size_t pos = head_.load(std::memory_order_relaxed);
    for (;;) {
      cell& c = cells_[pos & mask_];
      const std::size_t seq = c.seq.load(std::memory_order_acquire);
      const auto dif = static_cast<std::ptrdiff_t>(seq - (pos + 1));
      if (dif == 0) {
        if (head_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          out = c.value;
          c.seq.store(pos + mask_ + 1, std::memory_order_release);
          return true;
        }
      } else if (dif < 0) {
        return false;
      } else {
        pos = head_.load(std::memory_order_relaxed);
      }
    }
  }

  /// Items pushed and not yet popped (approximate while others push or pop).
  std::size_t size_approx() const noexcept {
    const std::size_t t = tail_.load(std::memory_order_relaxed), h = head_.load(std::memory_order_relaxed);
    return t >= h ? t - h : 0;
  }
  std::size_t capacity() const noexcept { return mask_ + 1; }

 private:
  struct cell {
    std::atomic<std::size_t> seq{0};
    T value{};
  };
  std::unique_ptr<cell[]> cells_;
  const std::size_t mask_;
  alignas(64) std::atomic<std::size_t> tail_{0};  // next push position (producers)
  alignas(64) std::atomic<std::size_t> head_{0};  // next pop position (consumers)
};

/// @brief One request as the monitor sees it.
struct request_record {
  double features[feature_count];  ///< NaN = missing (all NaN for a bad request)
  double parse_seconds = 0;        ///< the time the body took to parse (or to be rejected)
  double prediction = 0;           ///< the model's output; NaN when it refused the row
  double model_seconds = 0;        ///< the model call's duration
  std::int64_t timestamp_ns = 0;   ///< system clock when the request arrived
  bool bad_request = false;        ///< the body did not parse: only the input stage sees it
  bool model_error = false;        ///< the model refused the row
};

/// @brief What service_monitor watches and how.
struct monitor_options {
  std::int64_t window_ns = 10'000'000'000;  ///< the stages' tumbling windows (ns)
  bool input_quantiles = false;             ///< KLL quantiles (p50/p90/p99) of the 20 inputs: ~25 ns each per request
  bool drift = true;                        ///< keep the PSI stream_monitor over the inputs
  std::uint64_t drift_window_rows = 1000;   ///< its tumbling window (rows)
  std::size_t drift_batch_rows = 64;        ///< rows buffered before stream_monitor::update_many
  std::size_t queue_capacity = 4096;        ///< request records queued for the monitor (power of two)
  bool background = true;                   ///< a thread applies the queued records (else: drain() yourself)
  std::int64_t poll_interval_ns = 1'000'000;  ///< the thread's sleep when the queue is empty
  /// The thread's nice value (Linux: per thread; 0..19). Raising it lets request threads
  /// win the cores when all are busy, but under wrk on the 2-core VM nice 10 starved the
  /// thread often enough that requests found the queue full (and then applied records
  /// themselves) without a measurable latency gain, so it is 0 by default.
  int background_nice = 0;
};

/// @brief The service's monitoring state (see the file comment).
class service_monitor {
 public:
  /// @param reference training rows, row-major × feature_count (the reference of the
  ///        stages' relative rules and of the drift monitor).
  /// @throws std::invalid_argument for an empty or ragged reference or invalid options.
  service_monitor(const std::vector<double>& reference, const monitor_options& options)
      : options_(options),
        queue_(options.queue_capacity),
        pipeline_(stages(reference, options), pipeline_options_without_process()) {
    if (options_.drift) {
      if (options_.drift_batch_rows == 0) throw std::invalid_argument("service_monitor: drift_batch_rows must be >= 1");
      std::vector<driftscope::column_config> cols(feature_count);
      for (std::size_t j = 0; j < feature_count; ++j) {
        cols[j].name = feature_names()[j];
        cols[j].statistics = {driftscope::stream_statistic::psi};  // default rules: warning 0.1, alarm 0.25
      }
      driftscope::stream_monitor_options so;
      so.window = driftscope::window_spec::tumbling(options_.drift_window_rows);
      so.value_metrics = false;  // PSI only: no ECDF windows (the input stage has mean / std / min / max)
      drift_.emplace(reference.data(), reference.size() / feature_count, std::move(cols), so);
      drift_events_.assign(feature_count * 2, 0);
      drift_->on_event([this](const driftscope::alarm_event& e) {
        for (std::size_t j = 0; j < feature_count; ++j)
          if (feature_names()[j] == e.feature) ++drift_events_[j * 2 + (e.level == driftscope::alarm_level::alarm)];
      });
      drift_rows_.reserve(options_.drift_batch_rows * feature_count);
    }
    if (options_.background) consumer_ = std::thread([this] { consume(); });
  }

  ~service_monitor() {
    if (consumer_.joinable()) {
      {
        std::lock_guard<std::mutex> g(wake_mutex_);
        stopping_ = true;
      }
      wake_.notify_all();
      consumer_.join();
    }
  }

  // The consumer thread and the drift callback capture `this`.
  service_monitor(const service_monitor&) = delete;
  service_monitor& operator=(const service_monitor&) = delete;

  /// @brief Queues one request for the monitor (thread-safe; the request path). Lock-free
  /// while the queue has room; a request that finds it full applies the queued records
  /// itself under the monitor lock (counted in queue_full), so nothing is lost.
  void submit(const request_record& r) {
    while (!queue_.try_push(r)) {
      queue_full_.fetch_add(1, std::memory_order_relaxed);
      drain(queue_.capacity());
    }
  }

  /// @brief Applies up to `max` queued records under the monitor lock (thread-safe).
  /// @return how many.
  std::size_t drain(std::size_t max = std::numeric_limits<std::size_t>::max()) {
    std::lock_guard<counting_mutex> g(lock_);
    return drain_locked(max);
  }

  /// @brief Every family for `/metrics` as of `now_ns` (thread-safe), under the monitor
  /// lock: applies the queued records, closes the stage windows that ended, feeds the
  /// buffered drift rows, and collects the pipeline's families (without process metrics:
  /// read those outside the lock), the drift families — driftscope_drift_score{feature,
  /// statistic} (gauge, NaN before the first drift window closed), driftscope_drift_rows_total,
  /// driftscope_drift_events_total{feature,statistic,level} (threshold crossings) — and the
  /// service's own: inference_service_monitor_lock_{acquisitions,contended}_total,
  /// inference_service_monitor_lock_wait_seconds_total, inference_service_monitor_queue_full_total,
  /// inference_service_monitor_apply_errors_total and inference_service_monitor_queue_depth.
  std::vector<driftscope::metric_family> metric_families(std::int64_t now_ns) {
    std::lock_guard<counting_mutex> g(lock_);
    drain_locked(std::numeric_limits<std::size_t>::max());
    pipeline_.advance(monotone(now_ns));
    flush_drift();
    std::vector<driftscope::metric_family> f = pipeline_.metric_families();
    if (drift_) add_drift_families(f);
    add_service_families(f);
    return f;
  }

  /// @brief Counts for logs and benchmarks (thread-safe; after a drain()).
  struct counts {
    std::uint64_t requests = 0;        ///< records of the input stage
    std::uint64_t windows_closed = 0;  ///< of the input stage
    std::uint64_t drift_rows = 0;      ///< rows fed to the drift monitor (buffered ones not yet)
    std::uint64_t lock_acquisitions = 0, lock_contended = 0;
    double lock_wait_seconds = 0;
    std::uint64_t queue_full = 0;  ///< submits that found the queue full
  };
  counts stats() {
    std::lock_guard<counting_mutex> g(lock_);
    counts c;
    c.requests = pipeline_.stage(0).requests_total();
    c.windows_closed = pipeline_.stage(0).windows_closed();
    c.drift_rows = drift_ ? drift_->rows_seen() : 0;
    c.lock_acquisitions = lock_.acquisitions();
    c.lock_contended = lock_.contended();
    c.lock_wait_seconds = lock_.wait_seconds();
    c.queue_full = queue_full_.load(std::memory_order_relaxed);
    return c;
  }

 private:
  /// The background thread: applies what is queued, sleeps poll_interval when nothing is.
  void consume() {
#if defined(__linux__)
    // best effort: an unprivileged thread may always lower its own priority
    if (options_.background_nice > 0)
      static_cast<void>(setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), options_.background_nice));
#endif
    constexpr std::size_t per_lock = 1024;  // lets a scrape in between under a steady stream
    for (;;) {
      if (drain(per_lock) > 0) continue;
      std::unique_lock<std::mutex> g(wake_mutex_);
      if (wake_.wait_for(g, std::chrono::nanoseconds(options_.poll_interval_ns), [this] { return stopping_; })) break;
    }
    drain();  // what came in before the stop
  }

  std::size_t drain_locked(std::size_t max) {
    std::size_t n = 0;
    request_record r;
    while (n < max && queue_.try_pop(r)) {
      try {
        apply(r);
      } catch (const std::exception&) {
        // e.g. a clock jump of more than max_skipped_windows windows: the record is
        // dropped and counted (inference_service_monitor_apply_errors_total); the
        // background thread, and so the service, keeps running
        ++apply_errors_;
      }
      ++n;
    }
    return n;
  }

  /// One record into the stages and the drift buffer (under lock_).
  void apply(const request_record& r) {
    // Records leave the queue in the order they entered it, their timestamps in nearly
    // that order: an earlier time than the last (two requests that read the clock in one
    // order and queued in the other, or a clock step back) is taken as the last one, since
    // the monitors need non-decreasing time.
    const std::int64_t t = monotone(r.timestamp_ns);
    driftscope::stage_record in;
    in.numeric = r.features;
    in.latency_seconds = r.parse_seconds;
    in.error = r.bad_request;
    pipeline_.stage(0).observe(in, t);
    if (r.bad_request) return;  // it reaches neither the model nor the drift monitor
    driftscope::stage_record out;
    out.numeric = &r.prediction;
    out.latency_seconds = r.model_seconds;
    out.error = r.model_error;
    pipeline_.stage(1).observe(out, t);
    if (!drift_) return;
    drift_rows_.insert(drift_rows_.end(), r.features, r.features + feature_count);
    if (drift_rows_.size() == options_.drift_batch_rows * feature_count) flush_drift();
  }

  void flush_drift() {
    if (!drift_ || drift_rows_.empty()) return;
    drift_->update_many(drift_rows_.data(), drift_rows_.size() / feature_count, feature_count);
    drift_rows_.clear();  // keeps the capacity
  }

  void add_service_families(std::vector<driftscope::metric_family>& f) const {
    auto counter = [&f](const char* name, const char* help, double v, const char* unit = "") {
      f.push_back(driftscope::metric_family::counter(name, help, unit));
      f.back().add_counter(v);
    };
    counter("inference_service_monitor_lock_acquisitions", "Acquisitions of the monitor lock",
            static_cast<double>(lock_.acquisitions()));
    counter("inference_service_monitor_lock_contended", "Acquisitions that found the monitor lock taken",
            static_cast<double>(lock_.contended()));
    counter("inference_service_monitor_lock_wait_seconds", "Time spent waiting for the monitor lock",
            lock_.wait_seconds(), "seconds");
    counter("inference_service_monitor_queue_full", "Requests that found the monitor queue full",
            static_cast<double>(queue_full_.load(std::memory_order_relaxed)));
    counter("inference_service_monitor_apply_errors", "Request records the monitor refused (dropped)",
            static_cast<double>(apply_errors_));
    f.push_back(driftscope::metric_family::gauge("inference_service_monitor_queue_depth",
                                                 "Request records waiting for the monitor"));
    f.back().add_gauge(static_cast<double>(queue_.size_approx()));
  }

  void add_drift_families(std::vector<driftscope::metric_family>& f) const {
    auto score = driftscope::metric_family::gauge(
        "driftscope_drift_score", "Drift score of the last closed drift window against the training reference");
    auto rows = driftscope::metric_family::counter("driftscope_drift_rows", "Rows fed to the drift monitor");
    auto events = driftscope::metric_family::counter("driftscope_drift_events", "Drift threshold crossings");
    const auto& snap = drift_->snapshot();
    for (std::size_t j = 0; j < feature_count; ++j) {
      const std::string& name = feature_names()[j];
      const double psi = snap.evaluated ? snap.scores[j].get(driftscope::stream_statistic::psi)
                                        : std::numeric_limits<double>::quiet_NaN();
      score.add_gauge(psi, {{"feature", name}, {"statistic", "psi"}});
      events.add_counter(static_cast<double>(drift_events_[j * 2]),
                         {{"feature", name}, {"statistic", "psi"}, {"level", "warning"}});
      events.add_counter(static_cast<double>(drift_events_[j * 2 + 1]),
                         {{"feature", name}, {"statistic", "psi"}, {"level", "alarm"}});
    }
    rows.add_counter(static_cast<double>(drift_->rows_seen()));
    f.push_back(std::move(score));
    f.push_back(std::move(rows));
    f.push_back(std::move(events));
  }

  static driftscope::pipeline_options pipeline_options_without_process() {
    driftscope::pipeline_options p;
    p.process_metrics = false;
    return p;
  }

  /// The two stages, their reference values (stage_monitor::summarize of the training
  /// data) and their alert rules.
  static std::vector<driftscope::stage_options> stages(const std::vector<double>& reference,
                                                       const monitor_options& o) {
    if (reference.empty() || reference.size() % feature_count != 0)
      throw std::invalid_argument("service_monitor: reference must hold rows of 20 values, got " +
                                  std::to_string(reference.size()) + " values");
    const std::size_t n = reference.size() / feature_count;

    driftscope::stage_options input;
    input.name = "input";
    input.numeric = feature_names();
    input.window_ns = o.window_ns;
    input.numeric_options.quantiles = o.input_quantiles;
    input.reference = driftscope::stage_monitor::summarize(input, n, reference.data(), nullptr);
    {
      // The upstream stops sending income: its missing share rises over training's (0).
      driftscope::alert_rule r;
      r.metric = "income:missing_share";
      r.name = "IncomeMissing";
      r.condition = driftscope::alert_condition::relative_to_reference(std::numeric_limits<double>::quiet_NaN());
      r.warning = driftscope::alert_level{0.05, 0.02};
      r.alarm = driftscope::alert_level{0.20, 0.10};
      r.summary = "income missing in more requests than in training";
      input.rules.push_back(std::move(r));
    }
    {
      driftscope::alert_rule r;
      r.metric = "errors:share";
      r.name = "BadRequests";
      r.condition = driftscope::alert_condition::above();
      r.warning = driftscope::alert_level{0.01, std::nullopt};
      r.alarm = driftscope::alert_level{0.05, std::nullopt};
      r.summary = "request bodies that do not parse";
      input.rules.push_back(std::move(r));
    }

    driftscope::stage_options model;
    model.name = "model";
    model.numeric = {"rooms"};
    model.window_ns = o.window_ns;
    std::vector<double> predictions(n);
    for (std::size_t i = 0; i < n; ++i) predictions[i] = predict_rooms(reference[i * feature_count]);
    model.reference = driftscope::stage_monitor::summarize(model, n, predictions.data(), nullptr);
    {
      // The window's mean prediction leaves training's mean ± k·sd (sd of single
      // predictions: a loose band for a window mean, which varies far less).
      driftscope::alert_rule r;
      r.metric = "rooms:mean";
      r.name = "PredictionMeanShift";
      r.condition = driftscope::alert_condition::sigma_band(std::numeric_limits<double>::quiet_NaN(),
                                                            std::numeric_limits<double>::quiet_NaN());
      r.warning = driftscope::alert_level{0.5, std::nullopt};
      r.alarm = driftscope::alert_level{1.0, std::nullopt};
      r.for_duration = o.window_ns;  // two windows in a row
      r.summary = "mean predicted rooms far from training";
      model.rules.push_back(std::move(r));
    }
    {
      driftscope::alert_rule r;
      r.metric = "errors:share";
      r.name = "ModelRefusals";
      r.condition = driftscope::alert_condition::above();
      r.warning = driftscope::alert_level{0.01, std::nullopt};
      r.alarm = driftscope::alert_level{0.05, std::nullopt};
      r.summary = "rows the model refused (income missing, negative or infinite)";
      model.rules.push_back(std::move(r));
    }
    {
      driftscope::alert_rule r;
      r.metric = "latency:p99";
      r.name = "ModelSlow";
      r.condition = driftscope::alert_condition::above();
      r.warning = driftscope::alert_level{0.001, std::nullopt};
      r.alarm = driftscope::alert_level{0.01, std::nullopt};
      r.for_duration = o.window_ns;
      r.summary = "p99 of the model call above 1 ms";
      model.rules.push_back(std::move(r));
    }
    return {std::move(input), std::move(model)};
  }

  std::int64_t monotone(std::int64_t t) noexcept {
    if (t < last_ts_) t = last_ts_;
    last_ts_ = t;
    return t;
  }

  monitor_options options_;
  bounded_queue<request_record> queue_;
  std::atomic<std::uint64_t> queue_full_{0};
  // guarded by lock_
  counting_mutex lock_;
  driftscope::pipeline_monitor pipeline_;
  std::optional<driftscope::stream_monitor> drift_;
  std::vector<double> drift_rows_;           // rows not yet fed to drift_
  std::vector<std::uint64_t> drift_events_;  // feature × {warning, alarm}
  std::int64_t last_ts_ = std::numeric_limits<std::int64_t>::min();
  std::uint64_t apply_errors_ = 0;
  // the consumer thread
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by wake_mutex_
  std::thread consumer_;
};

}  // namespace inference_service
