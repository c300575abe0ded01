// Writes the golden stream_monitor files of one serialization format version (the
// version of the headers it is compiled against: stream_monitor::serial_version).
//
// Run ONCE per format version, when that version ships; never again for an existing
// version (see README.md here). Refuses to overwrite an existing file. It compiles against
// the headers of every format version so far (cases needing an option an older version
// lacks are skipped), so an old version's files can be written from that version's tree.
//
// Build by hand against the headers and the kernels library of a Release build:
//   g++ -std=c++17 -O2 -DFMT_HEADER_ONLY -I include tests/cpp/data/golden/make_golden_stream_monitor.cpp
//       build/p2/libdriftscope_kernels.a -lhwy -lhwy_contrib -o /tmp/make_golden_stream_monitor
//   /tmp/make_golden_stream_monitor tests/cpp/data/golden
//
// The samples (also in README.md and tests/cpp/test_stream_monitor_golden.cpp, which
// computes them on its own) use only exactly rounded IEEE operations:
//   reference, i = 0..199:  a_i = ((73 i) mod 151)^3 / 170000 - 3   (NaN where i mod 23 == 7)
//                           b_i = ((37 i) mod 101) / 8
//                           c_i = (11 i) mod 4                       (category code)
//   stream, j = 0, 1, ...:  a_j = ((j j) mod 97) / 4 - 4              (NaN where j mod 29 == 3)
//                           b_j = ((53 j) mod 89) / 6 + 0.5
//                           c_j = 5 (unseen) where j mod 7 == 6, else (5 j) mod 4;
//                                 NaN where j mod 41 == 9

#include <driftscope/monitor/stream_monitor.hpp>

#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace ds = driftscope;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kWidth = 3;

std::vector<double> reference_rows() {
  std::vector<double> r(200 * kWidth);
  for (std::uint64_t i = 0; i < 200; ++i) {
    const std::uint64_t k = (73 * i) % 151;
    r[i * kWidth + 0] = i % 23 == 7 ? kNaN : static_cast<double>(k * k * k) / 170000.0 - 3.0;
    r[i * kWidth + 1] = static_cast<double>((37 * i) % 101) / 8.0;
    r[i * kWidth + 2] = static_cast<double>((11 * i) % 4);
  }
  return r;
}

std::vector<double> stream_rows(std::size_t n) {
  std::vector<double> r(n * kWidth);
  for (std::uint64_t j = 0; j < n; ++j) {
    r[j * kWidth + 0] = j % 29 == 3 ? kNaN : static_cast<double>((j * j) % 97) / 4.0 - 4.0;
    r[j * kWidth + 1] = static_cast<double>((53 * j) % 89) / 6.0 + 0.5;
    r[j * kWidth + 2] = j % 41 == 9 ? kNaN : j % 7 == 6 ? 5.0 : static_cast<double>((5 * j) % 4);
  }
  return r;
}

template <class O, class = void>
struct has_value_metrics : std::false_type {};
template <class O>
struct has_value_metrics<O, std::void_t<decltype(std::declval<O&>().value_metrics)>> : std::true_type {};

/// Sets options.value_metrics when the headers have it; false when the case needs it and they do not.
template <class O>
bool set_value_metrics(O& o, bool v) {
  if constexpr (has_value_metrics<O>::value) {
    o.value_metrics = v;
    return true;
  } else {
    return v;  // value_metrics = true is the only behaviour of older versions
  }
}

struct golden_case {
  const char* name;  // file: stream_monitor_v<version>_<name>.bin
  bool tumbling;     // tumbling(50), else sliding(60, 20)
  bool value_metrics;
  std::size_t rows;  // stream rows fed before serializing
};

/// The monitor of a case, fed its rows (the same construction as the test's).
bool build(const golden_case& c, std::vector<std::uint8_t>& bytes) {
  std::vector<ds::column_config> cols(kWidth);
  cols[0].name = "a";
  cols[1].name = "b";
  cols[1].bins = ds::binning::quantile(5);
  cols[2].name = "c";
  cols[2].kind = ds::column_kind::categorical;
  ds::stream_monitor_options o;
  if (c.tumbling) {
    o.window = ds::window_spec::tumbling(50);
    cols[0].statistics = {ds::stream_statistic::psi, ds::stream_statistic::hellinger};
    cols[1].statistics = {ds::stream_statistic::psi, ds::stream_statistic::wasserstein};
  } else {
    o.window = ds::window_spec::sliding(60, 20);
    cols[0].statistics = {ds::stream_statistic::psi, ds::stream_statistic::ks, ds::stream_statistic::wasserstein};
    cols[0].rules = {{ds::stream_statistic::psi, ds::threshold_rule::distance(0.1, 0.25, 1, 2)}};
  }
  if (!set_value_metrics(o, c.value_metrics)) return false;
  const std::vector<double> ref = reference_rows();
  const std::vector<double> rows = stream_rows(c.rows);
  ds::stream_monitor mon(ref.data(), 200, cols, o);
  mon.update_many(rows.data(), c.rows, kWidth);
  bytes = mon.serialize();
  std::printf("  events %zu, rows %llu\n", mon.events().size(), static_cast<unsigned long long>(mon.rows_seen()));
  return true;
}

bool file_exists(const std::string& path) {
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    std::fclose(f);
    return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <golden dir>\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const golden_case cases[] = {
      {"sliding", false, true, 147},
      {"tumbling_value_metrics_off", true, false, 135},
  };
  int rc = 0;
  for (const golden_case& c : cases) {
    std::vector<std::uint8_t> bytes;
    if (!build(c, bytes)) {
      std::printf("%s: skipped (needs an option format version %d lacks)\n", c.name,
                  int{ds::stream_monitor::serial_version});
      continue;
    }
    const std::string path = dir + "/stream_monitor_v" + std::to_string(int{ds::stream_monitor::serial_version}) +
                             "_" + c.name + ".bin";
    if (file_exists(path)) {
      std::fprintf(stderr, "make_golden_stream_monitor: %s exists; golden files are never regenerated\n", path.c_str());
      rc = 1;
      continue;
    }
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) {
      std::fprintf(stderr, "make_golden_stream_monitor: cannot write %s\n", path.c_str());
      if (f != nullptr) std::fclose(f);
      rc = 1;
      continue;
    }
    std::fclose(f);
    std::printf("%s  %zu bytes\n", path.c_str(), bytes.size());
  }
  return rc;
}
