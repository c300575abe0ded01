#pragma once
/// @file
/// @brief process_metrics: the process's own resource use — resident and virtual memory,
/// CPU seconds, open file descriptors, start time — and the system load average, read
/// from the operating system, plus their Prometheus families under the standard names.
///
/// Sources (Linux, proc(5)):
///  - resident / virtual bytes: /proc/self/statm fields 2 and 1 (pages) × sysconf(_SC_PAGESIZE);
///  - CPU seconds: getrusage(RUSAGE_SELF), user + system time (POSIX);
///  - open file descriptors: the entries of /proc/self/fd (the directory handle used to
///    count them is not counted); the limit: getrlimit(RLIMIT_NOFILE) soft limit;
///  - start time: /proc/self/stat field 22 (clock ticks after boot) / sysconf(_SC_CLK_TCK)
///    + the boot time `btime` of /proc/stat, in seconds since the Unix epoch (what
///    Prometheus' client libraries report as process_start_time_seconds);
///  - load average: getloadavg() (the kernel's 1-, 5- and 15-minute averages of runnable
///    tasks, /proc/loadavg).
/// A value the platform does not provide is std::nullopt ("unavailable"), never an error
/// or a build failure: on other POSIX systems (macOS, BSD) only CPU seconds, the fd
/// limit and the load average are read; elsewhere everything is unavailable.
///
/// Cost: a few system calls and small reads into stack buffers (about 10–30 µs, mostly
/// the /proc/self/fd listing); meant for scrapes, not hot paths.
///
/// Families (`process_metric_families`), named as the Prometheus client libraries name
/// them so dashboards work unchanged: process_cpu_seconds_total (counter, unit seconds),
/// process_resident_memory_bytes, process_virtual_memory_bytes, process_open_fds,
/// process_max_fds, process_start_time_seconds (gauges), and
/// system_load_average{window="1m"|"5m"|"15m"} (gauge). Unavailable values are left out.

#include <driftscope/monitor/exposition.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>
#define DRIFTSCOPE_HAS_POSIX_PROCESS 1
#endif
#if defined(__linux__)
#include <dirent.h>
#endif

namespace driftscope {

/// @brief A reading of the process's resources; std::nullopt = unavailable here.
struct process_metrics {
  std::optional<std::uint64_t> resident_memory_bytes;  ///< RSS
  std::optional<std::uint64_t> virtual_memory_bytes;   ///< address-space size
  std::optional<double> cpu_user_seconds;              ///< user CPU time since start
  std::optional<double> cpu_system_seconds;            ///< system CPU time since start
  std::optional<std::uint64_t> open_fds;               ///< open file descriptors
  std::optional<std::uint64_t> max_fds;                ///< soft limit on descriptors
  std::optional<double> start_time_seconds;            ///< process start, Unix epoch seconds
  std::optional<double> load_average_1m;               ///< system load, 1-minute average
  std::optional<double> load_average_5m;
  std::optional<double> load_average_15m;

  /// user + system CPU seconds (unavailable when either is).
  std::optional<double> cpu_seconds() const {
    if (!cpu_user_seconds || !cpu_system_seconds) return std::nullopt;
    return *cpu_user_seconds + *cpu_system_seconds;
  }
};

namespace detail {

/// Reads a small file whole into `buf` (NUL-terminated); false when it cannot.
inline bool read_small_file(const char* path, char* buf, std::size_t size) {
  std::FILE* f = std::fopen(path, "r");
  if (f == nullptr) return false;
  const std::size_t n = std::fread(buf, 1, size - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  return n > 0;
}

#if defined(__linux__)
/// The `btime` line of /proc/stat (boot time, Unix seconds); 0 when unreadable. Read line
/// by line: on many-core machines the file is far larger than a stack buffer.
inline unsigned long long boot_time_seconds() {
  std::FILE* f = std::fopen("/proc/stat", "r");
  if (f == nullptr) return 0;
  char line[256];
  bool at_line_start = true;
  unsigned long long boot = 0;
  while (std::fgets(line, sizeof(line), f) != nullptr) {
    if (at_line_start && std::strncmp(line, "btime ", 6) == 0) {
      boot = std::strtoull(line + 6, nullptr, 10);
      break;
    }
    at_line_start = std::strchr(line, '\n') != nullptr;  // a long line arrives in pieces
  }
  std::fclose(f);
  return boot;
}

inline void read_linux_process(process_metrics& m) {
  char buf[4096];
  const long page = sysconf(_SC_PAGESIZE);
  if (page > 0 && read_small_file("/proc/self/statm", buf, sizeof(buf))) {
    unsigned long long size = 0, resident = 0;
    if (std::sscanf(buf, "%llu %llu", &size, &resident) == 2) {
      m.virtual_memory_bytes = size * static_cast<unsigned long long>(page);
      m.resident_memory_bytes = resident * static_cast<unsigned long long>(page);
    }
  }
  if (DIR* d = opendir("/proc/self/fd")) {
    std::uint64_t n = 0;
    while (const dirent* e = readdir(d))
      if (e->d_name[0] != '.') ++n;
    closedir(d);
    m.open_fds = n > 0 ? n - 1 : 0;  // the descriptor of `d` itself was listed
  }
  // start time: field 22 of /proc/self/stat; the command name (field 2) may contain spaces
  // and parentheses, so fields are counted after its last ')'
  const long hz = sysconf(_SC_CLK_TCK);
  const unsigned long long boot = boot_time_seconds();
  if (hz > 0 && boot > 0 && read_small_file("/proc/self/stat", buf, sizeof(buf))) {
    const char* p = std::strrchr(buf, ')');
    if (p != nullptr) {
      // after ')' come fields 3, 4, ...: skip 19 of them to reach field 22
      int field = 2;
      ++p;
      while (*p != '\0' && field < 21) {
        while (*p == ' ') ++p;
        while (*p != '\0' && *p != ' ') ++p;
        ++field;
      }
      char* end = nullptr;
      const unsigned long long ticks = std::strtoull(p, &end, 10);
      if (end != p)
        m.start_time_seconds = static_cast<double>(boot) + static_cast<double>(ticks) / static_cast<double>(hz);
    }
  }
}
#endif

}  // namespace detail

/// @brief Reads the current process metrics (see the file comment for the sources).
/// Never throws for an unavailable value; it is std::nullopt.
inline process_metrics read_process_metrics() {
  process_metrics m;
#if defined(DRIFTSCOPE_HAS_POSIX_PROCESS)
  rusage ru{};
  if (getrusage(RUSAGE_SELF, &ru) == 0) {
    m.cpu_user_seconds = static_cast<double>(ru.ru_utime.tv_sec) + static_cast<double>(ru.ru_utime.tv_usec) * 1e-6;
    m.cpu_system_seconds = static_cast<double>(ru.ru_stime.tv_sec) + static_cast<double>(ru.ru_stime.tv_usec) * 1e-6;
  }
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
    m.max_fds = static_cast<std::uint64_t>(rl.rlim_cur);
  double load[3];
  if (getloadavg(load, 3) == 3) {
    m.load_average_1m = load[0];
    m.load_average_5m = load[1];
    m.load_average_15m = load[2];
  }
#endif
#if defined(__linux__)
  detail::read_linux_process(m);
#endif
  return m;
}

/// @brief The Prometheus families of a reading, under the client libraries' standard
/// names (see the file comment); unavailable values are left out.
inline std::vector<metric_family> process_metric_families(const process_metrics& m) {
  std::vector<metric_family> out;
  auto gauge = [&](const char* name, const char* help, const char* unit, double v) {
    out.push_back(metric_family::gauge(name, help, unit));
    out.back().add_gauge(v);
  };
  if (const auto cpu = m.cpu_seconds()) {
    out.push_back(metric_family::counter("process_cpu_seconds", "Total user and system CPU time spent in seconds.",
                                         "seconds"));
    out.back().add_counter(*cpu);
  }
  if (m.virtual_memory_bytes)
    gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", "bytes",
          static_cast<double>(*m.virtual_memory_bytes));
  if (m.resident_memory_bytes)
    gauge("process_resident_memory_bytes", "Resident memory size in bytes.", "bytes",
          static_cast<double>(*m.resident_memory_bytes));
  if (m.start_time_seconds)
    gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", "seconds",
          *m.start_time_seconds);
  if (m.open_fds) gauge("process_open_fds", "Number of open file descriptors.", "", static_cast<double>(*m.open_fds));
  if (m.max_fds)
    gauge("process_max_fds", "Maximum number of open file descriptors.", "", static_cast<double>(*m.max_fds));
  if (m.load_average_1m && m.load_average_5m && m.load_average_15m) {
    out.push_back(metric_family::gauge("system_load_average",
                                       "System load average: runnable tasks averaged over 1, 5 and 15 minutes."));
    out.back()
        .add_gauge(*m.load_average_1m, {{"window", "1m"}})
        .add_gauge(*m.load_average_5m, {{"window", "5m"}})
        .add_gauge(*m.load_average_15m, {{"window", "15m"}});
  }
  return out;
}

}  // namespace driftscope
