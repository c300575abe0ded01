// Tests of the Prometheus / OpenMetrics writers (include/driftscope/monitor/exposition.hpp).
// Expected texts are written by hand from the format specifications (Prometheus
// "Exposition formats" 0.0.4; OpenMetrics 1.0 ABNF, escaping, canonical numbers), not from
// this code's output; tests/python/test_exposition.py parses the output back with
// prometheus_client's two parsers.

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "catch.hpp"
#include "driftscope/monitor/exposition.hpp"

namespace ds = driftscope;

namespace exposition_test {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

template <class F>
bool invalid_with(F&& f, const std::string& needle) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).find(needle) != std::string::npos) return true;
    FAIL_CHECK("message '" << e.what() << "' lacks '" << needle << "'");
    return false;
  }
  return false;
}

std::string canonical(double v) {
  std::string s;
  ds::detail::append_canonical(s, v);
  return s;
}

/// A family set touching every type, label escaping, units, timestamps and created.
std::vector<ds::metric_family> sample_families() {
  std::vector<ds::metric_family> f;
  f.push_back(ds::metric_family::counter("rows_seen_total", "Rows fed to the monitor."));
  f.back().add_counter(1234, {{"model", "a"}}, 1700000000500000000).add_counter(7, {{"model", "b"}});
  f.push_back(ds::metric_family::gauge("drift_psi", "PSI with \"quotes\", a \\ and\na newline."));
  f.back().add_gauge(0.07, {{"feature", "age"}}).add_gauge(kNaN, {{"feature", "a\"b\\c\nd"}}, 1700000000123456789);
  f.push_back(ds::metric_family::histogram("latency_seconds", "Scoring latency.", {0.001, 0.5, 1, 1e6}, "seconds"));
  f.back().add_histogram({1, 2, 3, 0, 4}, 12.5);
  f.push_back(ds::metric_family::summary("payload_bytes", "Payload size.", {0.5, 0.99}, "bytes"));
  f.back().add_summary(10, 2048, {100, kNaN}, {{"route", "/score"}});
  f.push_back(ds::metric_family::info("build_info", "Build information."));
  f.back().add_info({{"version", "0.1.0"}});
  f.push_back(ds::metric_family::stateset("drift_state", "Drift state.", {"ok", "warning", "alarm"}));
  f.back().add_stateset({"warning"}, {{"feature", "age"}});
  return f;
}

}  // namespace exposition_test

using namespace exposition_test;

TEST_CASE("exposition: Prometheus text 0.0.4 of every family type", "[exposition]") {
  const std::string expected =
      "# HELP rows_seen_total Rows fed to the monitor.\n"
      "# TYPE rows_seen_total counter\n"
      "rows_seen_total{model=\"a\"} 1234\n"
      "rows_seen_total{model=\"b\"} 7\n"
      // 0.0.4 escapes only \ and newline in HELP; label values also escape "
      "# HELP drift_psi PSI with \"quotes\", a \\\\ and\\na newline.\n"
      "# TYPE drift_psi gauge\n"
      "drift_psi{feature=\"age\"} 0.07\n"
      "drift_psi{feature=\"a\\\"b\\\\c\\nd\"} NaN 1700000000123\n"
      "# HELP latency_seconds Scoring latency.\n"
      "# TYPE latency_seconds histogram\n"
      "latency_seconds_bucket{le=\"0.001\"} 1\n"
      "latency_seconds_bucket{le=\"0.5\"} 3\n"
      "latency_seconds_bucket{le=\"1.0\"} 6\n"
      "latency_seconds_bucket{le=\"1e+06\"} 6\n"
      "latency_seconds_bucket{le=\"+Inf\"} 10\n"
      "latency_seconds_count 10\n"
      "latency_seconds_sum 12.5\n"
      "# HELP payload_bytes Payload size.\n"
      "# TYPE payload_bytes summary\n"
      "payload_bytes{route=\"/score\",quantile=\"0.5\"} 100\n"
      "payload_bytes{route=\"/score\",quantile=\"0.99\"} NaN\n"
      "payload_bytes_count{route=\"/score\"} 10\n"
      "payload_bytes_sum{route=\"/score\"} 2048\n"
      "# HELP build_info Build information.\n"
      "# TYPE build_info gauge\n"
      "build_info{version=\"0.1.0\"} 1\n"
      "# HELP drift_state Drift state.\n"
      "# TYPE drift_state gauge\n"
      "drift_state{feature=\"age\",drift_state=\"ok\"} 0\n"
      "drift_state{feature=\"age\",drift_state=\"warning\"} 1\n"
      "drift_state{feature=\"age\",drift_state=\"alarm\"} 0\n";
  CHECK(ds::to_prometheus_text(sample_families()) == expected);
}

TEST_CASE("exposition: OpenMetrics 1.0 of every family type", "[exposition]") {
  const std::string expected =
      "# TYPE rows_seen counter\n"
      "# HELP rows_seen Rows fed to the monitor.\n"
      "rows_seen_total{model=\"a\"} 1234\n"
      "rows_seen_created{model=\"a\"} 1700000000.5\n"
      "rows_seen_total{model=\"b\"} 7\n"
      "# TYPE drift_psi gauge\n"
      "# HELP drift_psi PSI with \\\"quotes\\\", a \\\\ and\\na newline.\n"
      "drift_psi{feature=\"age\"} 0.07\n"
      "drift_psi{feature=\"a\\\"b\\\\c\\nd\"} NaN 1700000000.123456789\n"
      "# TYPE latency_seconds histogram\n"
      "# UNIT latency_seconds seconds\n"
      "# HELP latency_seconds Scoring latency.\n"
      "latency_seconds_bucket{le=\"0.001\"} 1\n"
      "latency_seconds_bucket{le=\"0.5\"} 3\n"
      "latency_seconds_bucket{le=\"1.0\"} 6\n"
      "latency_seconds_bucket{le=\"1e+06\"} 6\n"
      "latency_seconds_bucket{le=\"+Inf\"} 10\n"
      "latency_seconds_count 10\n"
      "latency_seconds_sum 12.5\n"
      "# TYPE payload_bytes summary\n"
      "# UNIT payload_bytes bytes\n"
      "# HELP payload_bytes Payload size.\n"
      "payload_bytes{route=\"/score\",quantile=\"0.5\"} 100\n"
      "payload_bytes{route=\"/score\",quantile=\"0.99\"} NaN\n"
      "payload_bytes_count{route=\"/score\"} 10\n"
      "payload_bytes_sum{route=\"/score\"} 2048\n"
      "# TYPE build info\n"
      "# HELP build Build information.\n"
      "build_info{version=\"0.1.0\"} 1\n"
      "# TYPE drift_state stateset\n"
      "# HELP drift_state Drift state.\n"
      "drift_state{feature=\"age\",drift_state=\"ok\"} 0\n"
      "drift_state{feature=\"age\",drift_state=\"warning\"} 1\n"
      "drift_state{feature=\"age\",drift_state=\"alarm\"} 0\n"
      "# EOF\n";
  CHECK(ds::to_openmetrics(sample_families()) == expected);
}

TEST_CASE("exposition: empty sets, empty help, families without series", "[exposition]") {
  CHECK(ds::to_prometheus_text({}).empty());
  CHECK(ds::to_openmetrics({}) == "# EOF\n");
  std::vector<ds::metric_family> f{ds::metric_family::gauge("up", "")};
  CHECK(ds::to_prometheus_text(f) == "# TYPE up gauge\n");
  CHECK(ds::to_openmetrics(f) == "# TYPE up gauge\n# EOF\n");
  f.back().add_gauge(1);
  CHECK(ds::to_prometheus_text(f) == "# TYPE up gauge\nup 1\n");
  // write_* append to what is there
  std::string out = "x\n";
  ds::write_prometheus_text(f, out);
  CHECK(out == "x\n# TYPE up gauge\nup 1\n");
}

TEST_CASE("exposition: sample values and timestamps", "[exposition]") {
  auto one = [](double v, std::optional<std::int64_t> ts = {}) {
    std::vector<ds::metric_family> f{ds::metric_family::gauge("g", "")};
    f.back().add_gauge(v, {}, ts);
    return ds::to_prometheus_text(f).substr(std::string("# TYPE g gauge\ng ").size());
  };
  CHECK(one(0.1) == "0.1\n");
  CHECK(one(100) == "100\n");
  CHECK(one(-2.5e-7) == "-2.5e-07\n");
  CHECK(one(1e20) == "1e+20\n");
  CHECK(one(kInf) == "+Inf\n");
  CHECK(one(-kInf) == "-Inf\n");
  CHECK(one(kNaN) == "NaN\n");
  CHECK(one(0.30000000000000004) == "0.30000000000000004\n");  // shortest round trip, all 17 digits
  // Prometheus text: integer milliseconds, floor
  CHECK(one(1, 1'999'999) == "1 1\n");
  CHECK(one(1, -1) == "1 -1\n");
  CHECK(one(1, -1'000'000) == "1 -1\n");
  CHECK(one(1, -1'000'001) == "1 -2\n");
  // OpenMetrics: exact decimal seconds
  auto om = [](std::int64_t ts) {
    std::vector<ds::metric_family> f{ds::metric_family::gauge("g", "")};
    f.back().add_gauge(1, {}, ts);
    const std::string s = ds::to_openmetrics(f);
    const auto at = std::string("# TYPE g gauge\ng 1 ").size();
    return s.substr(at, s.find('\n', at) - at);
  };
  CHECK(om(0) == "0");
  CHECK(om(1'500'000'000) == "1.5");
  CHECK(om(1) == "0.000000001");
  CHECK(om(-1'500'000'000) == "-1.5");
  CHECK(om(1700000000123456789) == "1700000000.123456789");
  CHECK(om(std::numeric_limits<std::int64_t>::min()) == "-9223372036.854775808");
  // counts are exact integers beyond 2^53
  std::vector<ds::metric_family> h{ds::metric_family::histogram("h", "", {})};
  h.back().add_histogram({(std::uint64_t{1} << 60) + 1}, 1);
  CHECK(ds::to_prometheus_text(h).find("h_count 1152921504606846977\n") != std::string::npos);
}

TEST_CASE("exposition: canonical le / quantile numbers (OpenMetrics examples)", "[exposition]") {
  // the spec's lists: 0.0 .. 10.0 in 0.001 steps, and powers of ten 1e-10 .. 1e+10
  const std::vector<std::pair<double, std::string>> cases = {
      {0.0, "0.0"},     {0.001, "0.001"}, {0.002, "0.002"},   {0.01, "0.01"},         {0.1, "0.1"},
      {0.9, "0.9"},     {0.95, "0.95"},   {0.99, "0.99"},     {0.999, "0.999"},       {1.0, "1.0"},
      {1.7, "1.7"},     {10.0, "10.0"},   {1e-10, "1e-10"},   {1e-9, "1e-09"},        {1e-5, "1e-05"},
      {1e-4, "0.0001"}, {1e5, "100000.0"}, {1e6, "1e+06"},    {1e10, "1e+10"},        {kInf, "+Inf"},
      {-kInf, "-Inf"},  {-0.25, "-0.25"}, {123456, "123456.0"}, {1234567, "1.234567e+06"},
      {2.5e-7, "2.5e-07"}, {1e300, "1e+300"}, {5e-324, "5e-324"}, {0.30000000000000004, "0.30000000000000004"}};
  for (const auto& [v, s] : cases) {
    INFO(s);
    CHECK(canonical(v) == s);
  }
  for (int i = 0; i <= 10000; ++i) {  // 0.000 .. 10.000: fixed notation, ".0" only on integers
    const double v = i / 1000.0;
    const std::string s = canonical(v);
    CHECK(std::stod(s) == v);
    CHECK(s.find('e') == std::string::npos);
    CHECK(s.find('.') != std::string::npos);
  }
}

TEST_CASE("exposition: histogram buckets, sums and OpenMetrics restrictions", "[exposition]") {
  SECTION("a given +Inf bound is the implied one") {
    auto f = ds::metric_family::histogram("h", "", {1, kInf});
    CHECK(f.upper_bounds() == std::vector<double>{1});
  }
  SECTION("negative bounds: OpenMetrics leaves out _count and _sum, 0.0.4 keeps them") {
    std::vector<ds::metric_family> f{ds::metric_family::histogram("z", "", {-1, 0, 1})};
    f.back().add_histogram({1, 1, 1, 1}, -0.5);
    const std::string om = ds::to_openmetrics(f);
    CHECK(om ==
          "# TYPE z histogram\nz_bucket{le=\"-1.0\"} 1\nz_bucket{le=\"0.0\"} 2\nz_bucket{le=\"1.0\"} 3\n"
          "z_bucket{le=\"+Inf\"} 4\n# EOF\n");
    const std::string text = ds::to_prometheus_text(f);
    CHECK(text.find("z_count 4\nz_sum -0.5\n") != std::string::npos);
  }
  SECTION("non-negative bounds but a negative sum: OpenMetrics leaves out _count and _sum") {
    std::vector<ds::metric_family> f{ds::metric_family::histogram("z", "", {1})};
    f.back().add_histogram({2, 0}, -3);
    CHECK(ds::to_openmetrics(f).find("z_sum") == std::string::npos);
    CHECK(ds::to_openmetrics(f).find("z_count") == std::string::npos);
  }
  SECTION("created timestamps are OpenMetrics-only") {
    std::vector<ds::metric_family> f{ds::metric_family::histogram("h", "", {1})};
    f.back().add_histogram({0, 0}, 0, {}, 2'000'000'000);
    CHECK(ds::to_openmetrics(f).find("h_created 2\n") != std::string::npos);
    CHECK(ds::to_prometheus_text(f).find("created") == std::string::npos);
  }
  SECTION("bad histograms") {
    CHECK(invalid_with([] { ds::metric_family::histogram("h", "", {1, 1}); }, "strictly increasing"));
    CHECK(invalid_with([] { ds::metric_family::histogram("h", "", {2, 1}); }, "strictly increasing"));
    CHECK(invalid_with([] { ds::metric_family::histogram("h", "", {kNaN}); }, "upper_bounds must be finite"));
    CHECK(invalid_with([] { ds::metric_family::histogram("h", "", {-kInf, 1}); }, "upper_bounds must be finite"));
    auto h = ds::metric_family::histogram("h", "", {1, 2});
    CHECK(invalid_with([&] { h.add_histogram({1, 2}, 0); }, "bucket_counts needs 3 entries"));
    CHECK(invalid_with([&] { h.add_histogram({1, 2, 3}, kNaN); }, "sum must not be NaN"));
    const auto big = std::numeric_limits<std::uint64_t>::max();
    CHECK(invalid_with([&] { h.add_histogram({big, 1, 0}, 0); }, "overflow"));
    CHECK(invalid_with([&] { h.add_histogram({1, 2, 3}, 0, {{"le", "x"}}); }, "reserved"));
  }
}

TEST_CASE("exposition: summaries, infos and statesets", "[exposition]") {
  CHECK(invalid_with([] { ds::metric_family::summary("s", "", {0.5, 1.5}); }, "quantiles must be in [0, 1]"));
  CHECK(invalid_with([] { ds::metric_family::summary("s", "", {0.9, 0.5}); }, "strictly increasing"));
  CHECK(invalid_with([] { ds::metric_family::summary("s", "", {kNaN}); }, "quantiles must be in [0, 1]"));
  auto s = ds::metric_family::summary("s", "", {0.5});
  CHECK(invalid_with([&] { s.add_summary(1, -1, {1}); }, "sum must be finite and >= 0"));
  CHECK(invalid_with([&] { s.add_summary(1, kNaN, {1}); }, "sum must be finite and >= 0"));
  CHECK(invalid_with([&] { s.add_summary(1, 1, {-1}); }, "quantile_values must be >= 0 or NaN"));
  CHECK(invalid_with([&] { s.add_summary(1, 1, {1, 2}); }, "quantile_values needs 1 entries"));
  CHECK(invalid_with([&] { s.add_summary(1, 1, {1}, {{"quantile", "x"}}); }, "reserved"));
  CHECK(ds::metric_family::info("build", "").name() == "build");
  CHECK(ds::metric_family::info("build_info", "").name() == "build");
  CHECK(invalid_with([] { ds::metric_family::stateset("a:b", "", {"x"}); }, "stateset's name labels its states"));
  CHECK(invalid_with([] { ds::metric_family::stateset("st", "", {}); }, "states must not be empty"));
  CHECK(invalid_with([] { ds::metric_family::stateset("st", "", {"x", "x"}); }, "appears twice"));
  auto st = ds::metric_family::stateset("st", "", {"x", "y"});
  CHECK(invalid_with([&] { st.add_stateset({"z"}); }, "unknown state 'z'"));
  CHECK(invalid_with([&] { st.add_stateset({"x"}, {{"st", "v"}}); }, "reserved"));
  st.add_stateset({"x", "y"});
  CHECK(st.points().back().buckets == std::vector<std::uint64_t>{1, 1});
}

TEST_CASE("exposition: names, units and labels are validated", "[exposition]") {
  using ds::metric_family;
  CHECK(invalid_with([] { metric_family::gauge("", ""); }, "name must match"));
  CHECK(invalid_with([] { metric_family::gauge("1abc", ""); }, "name must match"));
  CHECK(invalid_with([] { metric_family::gauge("a-b", ""); }, "name must match"));
  CHECK(invalid_with([] { metric_family::gauge("a b", ""); }, "name must match"));
  CHECK_NOTHROW(metric_family::gauge("_a:b_9", ""));
  CHECK(invalid_with([] { metric_family::gauge("latency", "", "seconds"); }, "must end with '_seconds'"));
  CHECK(invalid_with([] { metric_family::gauge("latency_s", "", "s-1"); }, "unit must match"));
  CHECK(metric_family::counter("sent_bytes_total", "", "bytes").name() == "sent_bytes");
  CHECK(metric_family::counter("sent_bytes", "", "bytes").name() == "sent_bytes");
  CHECK(invalid_with([] { metric_family::gauge("g", "\xff"); }, "help is not valid UTF-8"));
  CHECK_NOTHROW(metric_family::gauge("g", "naïve – 東京 😀"));

  auto g = metric_family::gauge("g", "");
  CHECK(invalid_with([&] { g.add_gauge(1, {{"1x", "v"}}); }, "label name must match"));
  CHECK(invalid_with([&] { g.add_gauge(1, {{"a:b", "v"}}); }, "label name must match"));
  CHECK(invalid_with([&] { g.add_gauge(1, {{"", "v"}}); }, "label name must match"));
  CHECK(invalid_with([&] { g.add_gauge(1, {{"__name__", "v"}}); }, "reserved"));
  CHECK(invalid_with([&] { g.add_gauge(1, {{"a", "v"}, {"a", "w"}}); }, "given twice"));
  for (const char* bad : {"\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80"}) {
    INFO(bad);
    CHECK(invalid_with([&] { g.add_gauge(1, {{"a", bad}}); }, "not valid UTF-8"));
  }
  CHECK(invalid_with([&] { g.add_counter(1); }, "'g' is a gauge family, not a counter"));
  g.add_gauge(1, {{"a", "x"}, {"b", "y"}});
  // the same set in another order is the same series
  CHECK(invalid_with([&] { g.add_gauge(2, {{"b", "y"}, {"a", "x"}}); }, "already present"));
  g.add_gauge(2, {{"a", "x"}});
  g.add_gauge(3);
  CHECK(invalid_with([&] { g.add_gauge(3); }, "already present"));
  // a NUL inside a value does not make two sets collide
  g.add_gauge(4, {{"a", std::string("x\0b", 3)}});
  g.add_gauge(5, {{"a", "x"}, {"b", std::string("y\0", 2)}});

  auto c = metric_family::counter("c", "");
  CHECK(invalid_with([&] { c.add_counter(-1); }, "value must be finite and >= 0"));
  CHECK(invalid_with([&] { c.add_counter(kNaN); }, "value must be finite and >= 0"));
  CHECK(invalid_with([&] { c.add_counter(kInf); }, "value must be finite and >= 0"));
}

TEST_CASE("exposition: the cardinality guard", "[exposition]") {
  auto g = ds::metric_family::gauge("g", "");
  ds::metric_labels many;
  for (std::size_t i = 0; i <= ds::metric_family::max_labels; ++i) many.push_back({"l" + std::to_string(i), "v"});
  CHECK(invalid_with([&] { g.add_gauge(1, many); }, "at most 16 labels"));
  for (std::size_t i = 0; i < ds::metric_family::max_series; ++i) g.add_gauge(1, {{"id", std::to_string(i)}});
  CHECK(invalid_with([&] { g.add_gauge(1, {{"id", "one more"}}); }, "never per request"));
}

TEST_CASE("exposition: families must not clash on sample names", "[exposition]") {
  using ds::metric_family;
  auto clash = [](std::vector<metric_family> f, const std::string& name) {
    CHECK(invalid_with([&] { ds::to_openmetrics(f); }, "clash on the name '" + name + "'"));
    CHECK(invalid_with([&] { ds::to_prometheus_text(f); }, "clash on the name '" + name + "'"));
  };
  clash({metric_family::gauge("a", ""), metric_family::gauge("a", "")}, "a");
  clash({metric_family::counter("a", ""), metric_family::gauge("a_total", "")}, "a_total");
  clash({metric_family::counter("a_total", ""), metric_family::gauge("a", "")}, "a");
  clash({metric_family::histogram("h", "", {1}), metric_family::gauge("h_sum", "")}, "h_sum");
  clash({metric_family::summary("s", "", {}), metric_family::counter("s_count", "")}, "s_count");
  clash({metric_family::info("i", ""), metric_family::gauge("i_info", "")}, "i_info");
  CHECK_NOTHROW(ds::to_openmetrics({metric_family::gauge("a", ""), metric_family::gauge("a_sum", "")}));
}

TEST_CASE("exposition: samples() lists what OpenMetrics writes", "[exposition]") {
  const auto f = sample_families();
  const auto c = f[0].samples();
  REQUIRE(c.size() == 3);
  CHECK(c[0].name == "rows_seen_total");
  CHECK(c[0].value == 1234);
  CHECK(c[1].name == "rows_seen_created");
  CHECK(c[1].value == 1700000000.5);
  const auto h = f[2].samples();
  REQUIRE(h.size() == 7);
  CHECK(h[2].name == "latency_seconds_bucket");
  REQUIRE(h[2].labels.size() == 1);
  CHECK(h[2].labels[0].name == "le");
  CHECK(h[2].labels[0].value == "1.0");
  CHECK(h[2].value == 6);
  CHECK(h[6].name == "latency_seconds_sum");
  const auto st = f[5].samples();
  REQUIRE(st.size() == 3);
  CHECK(st[1].labels.back().name == "drift_state");
  CHECK(st[1].labels.back().value == "warning");
  CHECK(st[1].value == 1);
}

TEST_CASE("exposition: content negotiation and the metrics handler", "[exposition]") {
  using ds::exposition_format;
  const auto om = exposition_format::openmetrics;
  const auto text = exposition_format::prometheus_text;
  // what Prometheus 2.x sends when scraping
  CHECK(ds::negotiate_exposition_format("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                                        "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1") == om);
  CHECK(ds::negotiate_exposition_format("") == text);
  CHECK(ds::negotiate_exposition_format("*/*") == text);
  CHECK(ds::negotiate_exposition_format("text/plain") == text);
  CHECK(ds::negotiate_exposition_format("application/openmetrics-text") == om);
  CHECK(ds::negotiate_exposition_format(" Application/OpenMetrics-Text ; Version=1.0.0 ") == om);
  CHECK(ds::negotiate_exposition_format("application/openmetrics-text; version=2.0.0") == text);
  CHECK(ds::negotiate_exposition_format("application/openmetrics-text;q=0") == text);
  CHECK(ds::negotiate_exposition_format("application/openmetrics-text;q=0.4, text/plain;q=0.5") == text);
  CHECK(ds::negotiate_exposition_format("text/plain;q=0.5, application/openmetrics-text;q=0.5") == om);
  CHECK(ds::negotiate_exposition_format("application/json") == text);
  CHECK(ds::negotiate_exposition_format(",,;;=,application/openmetrics-text;q=abc") == text);

  int calls = 0;
  ds::metrics_handler handler([&] {
    ++calls;
    std::vector<ds::metric_family> f{ds::metric_family::gauge("up", "")};
    f.back().add_gauge(1);
    return f;
  });
  const auto a = handler("application/openmetrics-text; version=1.0.0");
  CHECK(a.content_type == "application/openmetrics-text; version=1.0.0; charset=utf-8");
  CHECK(a.body == "# TYPE up gauge\nup 1\n# EOF\n");
  const auto b = handler("text/plain");
  CHECK(b.content_type == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(b.body == "# TYPE up gauge\nup 1\n");
  CHECK(calls == 2);
  CHECK(invalid_with([] { ds::metrics_handler h{ds::metrics_handler::collector{}}; }, "collect must be a callable"));
}
