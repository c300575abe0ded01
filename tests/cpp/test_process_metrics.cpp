// Tests of process_metrics (include/driftscope/monitor/process_metrics.hpp): the readings
// react to what the test does (touch 200 MB, burn CPU, open files) and agree with
// independent sources (getrusage is the source of CPU time, so the wall clock bounds it;
// time() bounds the start time).

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "catch.hpp"
#include "driftscope/monitor/process_metrics.hpp"

namespace ds = driftscope;

namespace process_metrics_test {

/// Burns CPU for about `seconds` of wall time; returns a value the optimizer must keep.
// Spins until this process has used `cpu_seconds` of CPU time by std::clock() (clock_gettime
// on the process CPU clock: an independent reading of what /proc reports), or 30 s of wall
// time have passed on a starved machine.
double busy(double cpu_seconds) {
  const std::clock_t start = std::clock();
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  double acc = 0;
  std::uint64_t x = 88172645463325252ull;
  while (static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC < cpu_seconds &&
         std::chrono::steady_clock::now() < give_up)
    for (int i = 0; i < 10000; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      acc += static_cast<double>(x & 0xFF);
    }
  return acc;
}

}  // namespace process_metrics_test

using namespace process_metrics_test;

#if defined(__linux__)

TEST_CASE("process_metrics: resident memory grows after touching 200 MB", "[process_metrics]") {
  const auto before = ds::read_process_metrics();
  REQUIRE(before.resident_memory_bytes.has_value());
  REQUIRE(before.virtual_memory_bytes.has_value());
  CHECK(*before.virtual_memory_bytes >= *before.resident_memory_bytes);
  constexpr std::size_t size = 200u << 20;
  std::unique_ptr<unsigned char[]> block(new unsigned char[size]);
  for (std::size_t i = 0; i < size; i += 4096) block[i] = static_cast<unsigned char>(i >> 12 | 1);
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < size; i += 4096) sum += block[i];
  REQUIRE(sum > 0);
  const auto after = ds::read_process_metrics();
  // every page was written, so at least ~190 MB more are resident
  CHECK(*after.resident_memory_bytes >= *before.resident_memory_bytes + (190u << 20));
  CHECK(*after.virtual_memory_bytes >= *before.virtual_memory_bytes + (190u << 20));
  block.reset();
}

TEST_CASE("process_metrics: open file descriptors and start time", "[process_metrics]") {
  const auto before = ds::read_process_metrics();
  REQUIRE(before.open_fds.has_value());
  CHECK(*before.open_fds >= 3);  // at least stdin / stdout / stderr in a test run
  std::vector<std::FILE*> files;
  for (int i = 0; i < 5; ++i) files.push_back(std::tmpfile());
  const auto after = ds::read_process_metrics();
  for (std::FILE* f : files)
    if (f != nullptr) std::fclose(f);
  CHECK(*after.open_fds == *before.open_fds + 5);
  REQUIRE(after.max_fds.has_value());
  CHECK(*after.max_fds >= *after.open_fds);
  REQUIRE(after.start_time_seconds.has_value());
  const double now = static_cast<double>(std::time(nullptr));
  CHECK(*after.start_time_seconds <= now + 2);          // started before now (clock ticks: 10 ms)
  CHECK(*after.start_time_seconds >= now - 24 * 3600);  // and not before this test run's day
}

#endif

TEST_CASE("process_metrics: CPU seconds grow after a busy loop; load average", "[process_metrics]") {
#if defined(__unix__) || defined(__APPLE__)
  const auto before = ds::read_process_metrics();
  REQUIRE(before.cpu_seconds().has_value());
  const auto wall0 = std::chrono::steady_clock::now();
  const double sink = busy(0.3);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  CHECK(sink > 0);
  const auto after = ds::read_process_metrics();
  const double used = *after.cpu_seconds() - *before.cpu_seconds();
  CHECK(used >= 0.25);        // the 0.3 CPU seconds busy() spent, by /proc's coarser clock
  CHECK(used <= wall + 0.1);  // one busy thread cannot use more than the wall time
  CHECK(*after.cpu_user_seconds >= *before.cpu_user_seconds);
  REQUIRE(after.load_average_1m.has_value());
  CHECK(*after.load_average_1m >= 0);
  CHECK(*after.load_average_5m >= 0);
  CHECK(*after.load_average_15m >= 0);
#else
  const auto m = ds::read_process_metrics();
  CHECK_FALSE(m.cpu_seconds().has_value());
#endif
}

TEST_CASE("process_metrics: families under the standard names", "[process_metrics]") {
  ds::process_metrics m;
  CHECK(ds::process_metric_families(m).empty());  // all unavailable: nothing exported
  m.resident_memory_bytes = 1000;
  m.cpu_user_seconds = 1.5;
  m.cpu_system_seconds = 0.25;
  m.load_average_1m = 0.5;
  m.load_average_5m = 0.25;
  m.load_average_15m = 0.125;
  const std::string text = ds::to_prometheus_text(ds::process_metric_families(m));
  CHECK(text ==
        "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
        "# TYPE process_cpu_seconds_total counter\n"
        "process_cpu_seconds_total 1.75\n"
        "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
        "# TYPE process_resident_memory_bytes gauge\n"
        "process_resident_memory_bytes 1000\n"
        "# HELP system_load_average System load average: runnable tasks averaged over 1, 5 and 15 minutes.\n"
        "# TYPE system_load_average gauge\n"
        "system_load_average{window=\"1m\"} 0.5\n"
        "system_load_average{window=\"5m\"} 0.25\n"
        "system_load_average{window=\"15m\"} 0.125\n");
  m.cpu_system_seconds.reset();
  CHECK(ds::to_prometheus_text(ds::process_metric_families(m)).find("cpu") == std::string::npos);
  // a live reading exports and renders in both formats
  const auto live = ds::process_metric_families(ds::read_process_metrics());
  CHECK_NOTHROW(ds::to_openmetrics(live));
#if defined(__linux__)
  CHECK(ds::to_openmetrics(live).find("process_resident_memory_bytes ") != std::string::npos);
  CHECK(ds::to_openmetrics(live).find("# UNIT process_cpu_seconds seconds\n") != std::string::npos);
#endif
}
