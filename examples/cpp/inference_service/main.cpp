// An inference service monitored with driftscope: the seed notes' toy model (rooms from
// income) behind cpp-httplib, every request feeding a pipeline monitor (an "input" stage
// with 20 numeric features, a "model" stage with the prediction, the model call's latency
// and refusals, alert rules) and a PSI drift monitor over the inputs; Prometheus scrapes
// GET /metrics.
//
//   inference_service [PORT | --port PORT] [--no-monitor] [--threads N] [--window-ms MS]
//                     [--drift-window ROWS] [--no-drift] [--input-quantiles] [--monitor-nice N]
//                     [--reference FILE.csv] [--requests N]
//
//   --window-ms       the stages' tumbling windows (default 10000)
//   --drift-window    the PSI drift monitor's tumbling window in rows (default 1000)
//   --no-drift        no drift monitor
//   --input-quantiles KLL p50 / p90 / p99 of the 20 inputs too (~0.5 µs more per request)
//   --monitor-nice    nice value of the monitor's background thread, 0..19 (default 0)
//   --reference       training rows as CSV (20 values per line, a header line allowed);
//                     default: 10,000 synthetic rows (income ~ U(20k, 120k), x ~ N(0, 1))
//
//   POST /predict   body: 20 comma-separated numbers, as CSV or a JSON array / object
//                   ("[52000, 0.1, ...]", "{\"features\": [...]}"); null / empty = missing.
//                   200 {"rooms": r}; 400 for a body that does not parse; 422 when the
//                   model refuses the row (income missing, negative or infinite).
//   GET /metrics    Prometheus text 0.0.4 or OpenMetrics 1.0, as the Accept header asks.
//   GET /healthz    200 "ok".
//
// PORT 0 (the default) binds a free port; the service prints
// "listening on http://127.0.0.1:<port>" on stdout once it accepts connections, and stops
// on SIGINT / SIGTERM. --no-monitor serves the same model without any monitoring (the
// baseline of the overhead measurement; /metrics then has the process metrics only).
// --requests N runs N synthetic requests in-process (parse, model, monitor; no HTTP) and
// prints the cost per request with and without monitoring, then exits.
//
// Threads: cpp-httplib serves each keep-alive connection on one worker of its thread pool,
// so --threads (default 32) must be at least the number of concurrent clients. A request
// queues its record for the monitor without a lock; a background thread applies the
// records (service_monitor.hpp says why and what it costs).
#include "service_monitor.hpp"

#include <driftscope/monitor/exposition.hpp>
#include <driftscope/monitor/process_metrics.hpp>

#include <fmt/format.h>
#include <httplib.h>

#include <pthread.h>
#include <signal.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using inference_service::feature_count;
using steady = std::chrono::steady_clock;

std::int64_t system_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct config {
  int port = 0;
  bool monitor = true;
  std::size_t threads = 32;
  std::string reference_csv;
  std::uint64_t self_test_requests = 0;
  inference_service::monitor_options monitor_options;
};

[[noreturn]] void usage(const std::string& problem) {
  std::cerr << "inference_service: " << problem << "\n"
            << "usage: inference_service [PORT | --port PORT] [--no-monitor] [--threads N] [--window-ms MS]\n"
               "                         [--drift-window ROWS] [--no-drift] [--input-quantiles] [--monitor-nice N]\n"
               "                         [--reference FILE.csv] [--requests N]\n";
  std::exit(2);
}

std::uint64_t parse_count(const char* flag, const char* v, std::uint64_t min, std::uint64_t max) {
  std::uint64_t n = 0;
  const std::string_view s(v);
  const auto r = std::from_chars(s.data(), s.data() + s.size(), n);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || n < min || n > max)
    usage(fmt::format("{} must be an integer in [{}, {}], got '{}'", flag, min, max, v));
  return n;
}

config parse_args(int argc, char** argv) {
  config c;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage(a + " needs a value");
      return argv[++i];
    };
    if (a == "--port") c.port = static_cast<int>(parse_count("--port", value(), 0, 65535));
    else if (a == "--no-monitor") c.monitor = false;
    else if (a == "--threads") c.threads = parse_count("--threads", value(), 1, 1024);
    else if (a == "--window-ms")
      c.monitor_options.window_ns = static_cast<std::int64_t>(parse_count("--window-ms", value(), 1, 86'400'000)) * 1'000'000;
    else if (a == "--drift-window") c.monitor_options.drift_window_rows = parse_count("--drift-window", value(), 1, 100'000'000);
    else if (a == "--no-drift") c.monitor_options.drift = false;
    else if (a == "--input-quantiles") c.monitor_options.input_quantiles = true;
    else if (a == "--monitor-poll-us")
      c.monitor_options.poll_interval_ns =
          static_cast<std::int64_t>(parse_count("--monitor-poll-us", value(), 1, 1'000'000)) * 1000;
    else if (a == "--monitor-nice")
      c.monitor_options.background_nice = static_cast<int>(parse_count("--monitor-nice", value(), 0, 19));
    else if (a == "--reference") c.reference_csv = value();
    else if (a == "--requests") c.self_test_requests = parse_count("--requests", value(), 1, 1'000'000'000);
    else if (a == "-h" || a == "--help") usage("help");
    else if (!a.empty() && a[0] != '-') c.port = static_cast<int>(parse_count("PORT", argv[i], 0, 65535));
    else usage("unknown option '" + a + "'");
  }
  return c;
}

std::vector<double> load_reference(const config& c) {
  if (c.reference_csv.empty()) return inference_service::training_rows(10000);
  std::ifstream in(c.reference_csv, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read the reference file '" + c.reference_csv + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return inference_service::parse_reference_csv(ss.str());
}

/// The request path, shared by the HTTP handler and the self-test.
class predictor {
 public:
  explicit predictor(inference_service::service_monitor* monitor) : monitor_(monitor) {}

  struct outcome {
    int status;
    double rooms;
    const char* error;
  };

  outcome handle(std::string_view body) {
    if (!monitor_) {
      double x[feature_count];
      if (const char* err = inference_service::parse_features(body, x)) return {400, 0, err};
      return reply(inference_service::predict_rooms(x[0]));
    }
    // monitored: the same, timed (the input stage's latency is the body's parsing, the
    // model stage's the model call), stamped with the system clock and queued
    inference_service::request_record r;
    r.timestamp_ns = system_now_ns();
    const auto t0 = steady::now();
    const char* err = inference_service::parse_features(body, r.features);
    const auto t1 = steady::now();
    r.parse_seconds = seconds(t0, t1);
    if (err) {
      std::fill(std::begin(r.features), std::end(r.features), std::numeric_limits<double>::quiet_NaN());
      r.bad_request = true;
      monitor_->submit(r);
      return {400, 0, err};
    }
    r.prediction = inference_service::predict_rooms(r.features[0]);
    r.model_seconds = seconds(t1, steady::now());
    r.model_error = std::isnan(r.prediction);
    monitor_->submit(r);
    return reply(r.prediction);
  }

 private:
  static outcome reply(double rooms) {
    return std::isnan(rooms) ? outcome{422, 0, "the model refuses this income (missing, negative or infinite)"}
                             : outcome{200, rooms, nullptr};
  }
  static double seconds(steady::time_point a, steady::time_point b) {
    return std::chrono::duration<double>(b - a).count();
  }

  inference_service::service_monitor* monitor_;
};

/// Request bodies drawn like the training data (CSV), for the self-test.
std::vector<std::string> synthetic_bodies(std::size_t n) {
  const std::vector<double> rows = inference_service::training_rows(n, 7);
  std::vector<std::string> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::string& b = out[i];
    for (std::size_t j = 0; j < feature_count; ++j) {
      if (j) b += ',';
      b += fmt::format("{:.6g}", rows[i * feature_count + j]);
    }
  }
  return out;
}

/// The process's CPU time in ns: every thread's, the monitor's background thread included.
double cpu_now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

int self_test(const config& c, const std::vector<double>& reference) {
  const std::vector<std::string> bodies = synthetic_bodies(4096);
  const auto n = static_cast<double>(c.self_test_requests);
  struct cost {
    double wall_ns, cpu_ns;
  };
  auto run = [&](predictor& p, inference_service::service_monitor* monitor) {
    double checksum = 0;
    const auto t0 = steady::now();
    const double c0 = cpu_now_ns();
    for (std::uint64_t i = 0; i < c.self_test_requests; ++i) checksum += p.handle(bodies[i % bodies.size()]).rooms;
    if (monitor) monitor->drain();  // the records still queued are part of the cost
    const double cpu = cpu_now_ns() - c0;
    const double wall = std::chrono::duration<double, std::nano>(steady::now() - t0).count();
    if (!(checksum > 0)) throw std::runtime_error("self-test: no prediction");
    return cost{wall / n, cpu / n};
  };
  predictor bare(nullptr);
  const cost without = run(bare, nullptr);
  inference_service::service_monitor monitor(reference, c.monitor_options);
  predictor monitored(&monitor);
  const cost with = run(monitored, &monitor);
  const auto s = monitor.stats();
  std::cout << fmt::format(
      "self-test: {} requests (parse + model, no HTTP), ns per request, CPU of all threads (wall): {:.0f} ({:.0f}) "
      "without monitoring, {:.0f} ({:.0f}) with; the monitoring (clocks, queue, background thread): {:.0f} ({:.0f}); "
      "{} requests monitored, queue full {} times\n",
      c.self_test_requests, without.cpu_ns, without.wall_ns, with.cpu_ns, with.wall_ns, with.cpu_ns - without.cpu_ns,
      with.wall_ns - without.wall_ns, s.requests, s.queue_full);
  return s.requests == c.self_test_requests ? 0 : 1;
}

void json_reply(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json");
}

int serve(const config& c, const std::vector<double>& reference) {
  // SIGINT / SIGTERM go to one thread that stops the server: blocked here, before any
  // other thread exists (the monitor's consumer, the server's pool), so all inherit the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::unique_ptr<inference_service::service_monitor> monitor;
  if (c.monitor) monitor = std::make_unique<inference_service::service_monitor>(reference, c.monitor_options);
  predictor model(monitor.get());

  httplib::Server svr;
  const std::size_t threads = c.threads;
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  svr.set_keep_alive_max_count(1'000'000'000);
  svr.set_tcp_nodelay(true);
  svr.set_payload_max_length(1 << 16);
  svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown error";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    res.status = 500;
    res.set_content(what + "\n", "text/plain");
  });

  svr.Post("/predict", [&model](const httplib::Request& req, httplib::Response& res) {
    const predictor::outcome o = model.handle(req.body);
    if (o.error) json_reply(res, o.status, fmt::format("{{\"error\":\"{}\"}}\n", o.error));
    else json_reply(res, 200, fmt::format("{{\"rooms\":{}}}\n", o.rooms));
  });
  svr.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });
  svr.Get("/metrics", [&](const httplib::Request& req, httplib::Response& res) {
    std::vector<driftscope::metric_family> families;
    if (monitor) families = monitor->metric_families(system_now_ns());
    // read and rendered outside the monitor's locks: requests wait only for the collection
    for (auto& f : driftscope::process_metric_families(driftscope::read_process_metrics()))
      families.push_back(std::move(f));
    families.push_back(driftscope::metric_family::info("inference_service", "The example inference service"));
    families.back().add_info({{"monitor", monitor ? "on" : "off"}, {"model", "rooms = income / 1000 * 2"}});
    const driftscope::metrics_response r = driftscope::render_metrics(req.get_header_value("Accept"), families);
    res.set_content(r.body, r.content_type);
  });

  const int port = c.port == 0 ? svr.bind_to_any_port("127.0.0.1") : (svr.bind_to_port("127.0.0.1", c.port) ? c.port : -1);
  if (port <= 0) {
    std::cerr << "inference_service: cannot bind 127.0.0.1:" << c.port << "\n";
    return 1;
  }
  std::atomic<bool> signalled{false};
  std::thread stopper([&svr, &signalled, stop_signals] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    signalled = true;
    svr.stop();
  });
  std::cout << "listening on http://127.0.0.1:" << port << " (monitor " << (monitor ? "on" : "off") << ")"
            << std::endl;
  const bool ok = svr.listen_after_bind();
  if (!signalled) pthread_kill(stopper.native_handle(), SIGTERM);  // the server stopped by itself: end the waiter
  stopper.join();
  if (monitor) {
    monitor->drain();
    const auto s = monitor->stats();
    std::cerr << fmt::format(
        "inference_service: stopped; {} requests monitored; queue full {} times; monitor lock: {} acquisitions, {} "
        "contended, {:.3f} s waited\n",
        s.requests, s.queue_full, s.lock_acquisitions, s.lock_contended, s.lock_wait_seconds);
  }
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const config c = parse_args(argc, argv);
    const std::vector<double> reference = load_reference(c);
    if (c.self_test_requests > 0) return self_test(c, reference);
    return serve(c, reference);
  } catch (const std::exception& e) {
    std::cerr << "inference_service: " << e.what() << "\n";
    return 1;
  }
}
