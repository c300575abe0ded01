// Golden files of the stream_monitor byte format (tests/cpp/data/golden/stream_monitor_v*,
// see the README.md there): every format version that ever shipped must still decode, to
// a monitor whose state equals one built now from the same reference and rows, which
// then continues identically; files of the current version re-serialize to the same
// bytes. Version 1 has no score history (it decodes to an empty one); versions 1 and 2
// have no value_metrics flag (they decode to value_metrics = true).
//
// The samples are recomputed here from their formula (also in make_golden_stream_monitor.cpp).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "catch.hpp"
#include "driftscope/monitor/stream_monitor.hpp"

namespace ds = driftscope;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kWidth = 3;
constexpr std::size_t kStreamRows = 400;

const std::string golden_dir = std::string(DRIFTSCOPE_TEST_DATA_DIR) + "/golden";

// reference, i = 0..199: a_i = ((73 i) mod 151)^3 / 170000 - 3 (NaN where i mod 23 == 7),
// b_i = ((37 i) mod 101) / 8, c_i = (11 i) mod 4
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

// stream, j = 0, 1, ...: a_j = ((j j) mod 97) / 4 - 4 (NaN where j mod 29 == 3),
// b_j = ((53 j) mod 89) / 6 + 0.5, c_j = 5 where j mod 7 == 6 else (5 j) mod 4 (NaN where j mod 41 == 9)
std::vector<double> stream_rows(std::size_t n) {
  std::vector<double> r(n * kWidth);
  for (std::uint64_t j = 0; j < n; ++j) {
    r[j * kWidth + 0] = j % 29 == 3 ? kNaN : static_cast<double>((j * j) % 97) / 4.0 - 4.0;
    r[j * kWidth + 1] = static_cast<double>((53 * j) % 89) / 6.0 + 0.5;
    r[j * kWidth + 2] = j % 41 == 9 ? kNaN : j % 7 == 6 ? 5.0 : static_cast<double>((5 * j) % 4);
  }
  return r;
}

struct golden_case {
  const char* name;
  bool tumbling;
  bool value_metrics;
  std::size_t rows;  // rows fed before the bytes were written
};

// every file stream_monitor_v<version>_<name>.bin must be one of these, and every
// (version, name) listed must exist
const golden_case golden_cases[] = {
    {"sliding", false, true, 147},
    {"tumbling_value_metrics_off", true, false, 135},
};
const std::set<std::string> expected_files = {
    "stream_monitor_v1_sliding.bin",
    "stream_monitor_v2_sliding.bin",
    "stream_monitor_v3_sliding.bin",
    "stream_monitor_v3_tumbling_value_metrics_off.bin",
};

ds::stream_monitor fresh_monitor(const golden_case& c) {
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
  o.value_metrics = c.value_metrics;
  const std::vector<double> ref = reference_rows();
  return ds::stream_monitor(ref.data(), 200, cols, o);
}

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

/// a == b, NaN == NaN (same build, same computation)
bool exactly_equal(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }
/// within 1e-12 relative (values computed by the build that wrote the file)
bool nearly_equal(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::fabs(a - b) <= 1e-12 * std::max(1.0, std::fabs(b));
}

template <class Eq>
void check_snapshots(const ds::stream_monitor::snapshot_t& a, const ds::stream_monitor::snapshot_t& b, Eq eq) {
  CHECK(a.evaluated == b.evaluated);
  CHECK(a.end.index == b.end.index);
  REQUIRE(a.metrics.size() == b.metrics.size());
  for (std::size_t c = 0; c < a.metrics.size(); ++c) {
    INFO("column " << c);
    CHECK(a.metrics[c].count == b.metrics[c].count);
    CHECK(a.metrics[c].missing == b.metrics[c].missing);
    CHECK(eq(a.metrics[c].mean, b.metrics[c].mean));
    CHECK(eq(a.metrics[c].std, b.metrics[c].std));
    CHECK(eq(a.metrics[c].min, b.metrics[c].min));
    CHECK(eq(a.metrics[c].max, b.metrics[c].max));
    CHECK(eq(a.metrics[c].unseen_share, b.metrics[c].unseen_share));
    REQUIRE(a.scores[c].values.size() == b.scores[c].values.size());
    for (std::size_t k = 0; k < a.scores[c].values.size(); ++k) {
      CHECK(a.scores[c].values[k].first == b.scores[c].values[k].first);
      CHECK(eq(a.scores[c].values[k].second, b.scores[c].values[k].second));
    }
  }
}

template <class Eq>
void check_events(const ds::event_log& a, const ds::event_log& b, Eq eq) {
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].feature == b[i].feature);
    CHECK(a[i].statistic == b[i].statistic);
    CHECK(a[i].level == b[i].level);
    CHECK(a[i].window_end == b[i].window_end);
    CHECK(eq(a[i].value, b[i].value));
  }
}

}  // namespace

TEST_CASE("stream_monitor golden files decode and continue like a monitor built now",
          "[golden][stream_monitor]") {
  std::set<std::string> seen;
  for (const auto& entry : std::filesystem::directory_iterator(golden_dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("stream_monitor_v", 0) != 0 || entry.path().extension() != ".bin") continue;
    INFO(name);
    seen.insert(name);
    const std::vector<std::uint8_t> bytes = read_file(entry.path().string());
    REQUIRE(bytes.size() > 8);
    const int version = bytes[5];
    CHECK(version >= ds::stream_monitor::serial_version_min);
    CHECK(version <= ds::stream_monitor::serial_version);
    const golden_case* gc = nullptr;
    for (const golden_case& c : golden_cases)
      if (name == "stream_monitor_v" + std::to_string(version) + "_" + c.name + ".bin") gc = &c;
    REQUIRE(gc != nullptr);

    ds::stream_monitor got = ds::stream_monitor::deserialize(bytes.data(), bytes.size());
    ds::stream_monitor want = fresh_monitor(*gc);
    const std::vector<double> rows = stream_rows(kStreamRows);
    want.update_many(rows.data(), gc->rows, kWidth);

    // the decoded state: options, windows, snapshot, events, history
    CHECK(got.options().value_metrics == gc->value_metrics);
    CHECK(got.rows_seen() == gc->rows);
    for (std::size_t c = 0; c < kWidth; ++c) CHECK((got.ecdf(c) != nullptr) == (want.ecdf(c) != nullptr));
    check_snapshots(got.snapshot(), want.snapshot(), nearly_equal);
    check_events(got.events(), want.events(), nearly_equal);
    CHECK(got.events().size() > 0);
    const auto psi_history = got.score_history("a", ds::stream_statistic::psi);
    if (version == 1) {
      CHECK(psi_history.empty());
    } else {
      const auto want_history = want.score_history("a", ds::stream_statistic::psi);
      REQUIRE(psi_history.size() == want_history.size());
      CHECK(!psi_history.empty());
      for (std::size_t i = 0; i < psi_history.size(); ++i) CHECK(nearly_equal(psi_history[i], want_history[i]));
    }
    if (version == ds::stream_monitor::serial_version) {
      CHECK(got.serialize() == bytes);
    } else {
      const auto again = got.serialize();
      CHECK(again[5] == ds::stream_monitor::serial_version);
    }

    // both continue over the rest of the stream, evaluation by evaluation
    for (std::size_t at = gc->rows; at < kStreamRows; at += 20) {
      const std::size_t len = std::min<std::size_t>(20, kStreamRows - at);
      got.update_many(rows.data() + at * kWidth, len, kWidth);
      want.update_many(rows.data() + at * kWidth, len, kWidth);
      check_snapshots(got.snapshot(), want.snapshot(), exactly_equal);
    }
    check_events(got.events(), want.events(), nearly_equal);
  }
  CHECK(seen == expected_files);
}
