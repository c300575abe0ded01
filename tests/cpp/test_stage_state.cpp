// Tests of stage_monitor's length and derived fields, its state bytes (serialize_state /
// restore_state) and merge (include/driftscope/monitor/stage_monitor.hpp). Expected values
// are computed by hand or by a second stage that saw every record itself.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "catch.hpp"
#include "driftscope/core/random.hpp"
#include "driftscope/monitor/pipeline_monitor.hpp"

namespace ds = driftscope;

namespace stage_state_test {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t kSec = 1'000'000'000;

bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

/// The message of what `f` throws ("" when it does not throw).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}
bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

/// A toy image request: the derived field "brightness" is its mean pixel / 255.
struct image {
  std::vector<std::uint8_t> pixels;
};

double brightness(const ds::stage_record& r) {
  const auto* img = static_cast<const image*>(r.input);
  if (img == nullptr || img->pixels.empty()) return kNaN;
  double s = 0;
  for (auto p : img->pixels) s += p;
  return s / (255.0 * static_cast<double>(img->pixels.size()));
}

/// A stage with every kind of field, a ratio and two rules.
ds::stage_options full_options() {
  ds::stage_options o;
  o.name = "features";
  o.numeric = {"x"};
  o.categorical = {{"device", {"ios", "android"}}};
  o.lengths = {"query"};
  o.derived = {{"brightness", brightness}};
  o.ratios = {{"ctr", {}}};
  o.ratios[0].options.min_volume = 1;
  o.window_ns = 10 * kSec;
  ds::alert_rule r;
  r.metric = "x:mean";
  r.alarm = ds::alert_level{5.0, 4.0};
  r.for_duration = 10 * kSec;
  ds::alert_rule q;
  q.metric = "query:length_p90";
  q.warning = ds::alert_level{30.0, {}};
  o.rules = {r, q};
  return o;
}

/// Record i of a deterministic stream (x drifts up after record 300).
struct stream {
  std::vector<double> x, len;
  std::vector<std::string> dev;
  std::vector<image> img;
  std::vector<double> lat;
  std::vector<std::int64_t> ts;
  explicit stream(std::size_t n, std::uint64_t seed = 7) {
    ds::detail::xoshiro256ss g(seed);
    const auto uniform = [&g] { return static_cast<double>(g() >> 11) * 0x1p-53; };
    const char* devices[] = {"ios", "android", "web", ""};
    for (std::size_t i = 0; i < n; ++i) {
      x.push_back(i % 17 == 0 ? kNaN : uniform() * 4 + (i > 300 ? 4 : 0));
      len.push_back(i % 13 == 0 ? kNaN : std::floor(uniform() * 40));
      dev.emplace_back(devices[g() % 4]);
      img.push_back({std::vector<std::uint8_t>(4, static_cast<std::uint8_t>(g() % 256))});
      lat.push_back(0.001 + uniform() * 0.01);
      ts.push_back(static_cast<std::int64_t>(i) * kSec / 10);  // 10 records per second
    }
  }
  void feed(ds::stage_monitor& s, std::size_t i) const {
    const std::string_view d = dev[i];
    ds::stage_record r{&x[i], &d, lat[i], i % 50 == 0};
    r.lengths = &len[i];
    r.input = &img[i];
    s.observe(r, ts[i]);
    if (i % 5 == 0) s.add_ratio("ctr", static_cast<std::int64_t>(i % 2), 1, ts[i]);
  }
};

void require_same_state(const ds::stage_monitor& a, const ds::stage_monitor& b) {
  REQUIRE(a.last_values().size() == b.last_values().size());
  for (std::size_t k = 0; k < a.last_values().size(); ++k) {
    INFO(a.metric_ids()[k]);
    CHECK(same(a.last_values()[k], b.last_values()[k]));
  }
  CHECK(a.windows_closed() == b.windows_closed());
  CHECK(a.requests_total() == b.requests_total());
  REQUIRE(a.events().size() == b.events().size());
  for (std::size_t k = 0; k < a.events().size(); ++k) CHECK(a.events()[k] == b.events()[k]);
  CHECK(a.first_alarm().has_value() == b.first_alarm().has_value());
  CHECK(a.serialize_state() == b.serialize_state());
}

}  // namespace stage_state_test

using namespace stage_state_test;

TEST_CASE("utf8_length counts code points as Python's len(str)", "[stage_monitor]") {
  CHECK(ds::utf8_length("") == 0);
  CHECK(ds::utf8_length("hello") == 5);
  CHECK(ds::utf8_length("h\xc3\xa9llo") == 5);          // héllo
  CHECK(ds::utf8_length("\xe6\x97\xa5\xe6\x9c\xac") == 2);  // 日本
  CHECK(ds::utf8_length("\xf0\x9f\x98\x80!") == 2);     // an emoji (4 bytes) and '!'
}

TEST_CASE("stage_monitor length fields: count, missing share and length statistics", "[stage_monitor]") {
  ds::stage_options o;
  o.name = "chat";
  o.lengths = {"query"};
  o.window_ns = 10 * kSec;
  ds::stage_monitor s(o);
  const auto& ids = s.metric_ids();
  for (const char* id : {"query:count", "query:missing_share", "query:length_mean", "query:length_std",
                         "query:length_min", "query:length_max", "query:length_p50", "query:length_p99"})
    CHECK(std::find(ids.begin(), ids.end(), id) != ids.end());
  CHECK(std::find(ids.begin(), ids.end(), "query:infinite_share") == ids.end());
  CHECK(std::find(ids.begin(), ids.end(), "query:mean") == ids.end());
  // "héllo" (5), "" (0), a missing input, "日本" (2)
  const double lens[] = {double(ds::utf8_length("h\xc3\xa9llo")), 0.0, kNaN,
                         double(ds::utf8_length("\xe6\x97\xa5\xe6\x9c\xac"))};
  for (double l : lens) {
    ds::stage_record r;
    r.lengths = &l;
    s.observe(r, kSec);
  }
  s.advance(10 * kSec);
  CHECK(s.last_value("query:count") == 4);
  CHECK(s.last_value("query:missing_share") == 0.25);
  CHECK_THAT(s.last_value("query:length_mean"), Catch::Matchers::WithinRel(7.0 / 3, 1e-15));
  CHECK(s.last_value("query:length_min") == 0);
  CHECK(s.last_value("query:length_max") == 5);
  CHECK(s.last_value("query:length_p50") == 2);
  CHECK(s.feature_count() == 1);
  CHECK(s.feature_name(0) == "query");
  CHECK(s.numeric_missing_total(0) == 1);

  // bad lengths are refused, naming the field, and change nothing
  for (double bad : {-1.0, std::numeric_limits<double>::infinity()}) {
    ds::stage_record r;
    r.lengths = &bad;
    CHECK(contains(error_of([&] { s.observe(r, 11 * kSec); }), "length of 'query'"));
  }
  ds::stage_record none;
  CHECK(contains(error_of([&] { s.observe(none, 11 * kSec); }), "lengths is null"));
  CHECK(s.requests_total() == 4);
  // a length name clashing with another field
  o.numeric = {"query"};
  CHECK(contains(error_of([&] { ds::stage_monitor s2(o); }), "used twice"));
}

TEST_CASE("stage_monitor derived fields: functors on the raw input, or values carried by the records",
          "[stage_monitor]") {
  ds::stage_options o;
  o.name = "camera";
  o.derived = {{"brightness", brightness}, {"given", {}}};
  o.window_ns = 10 * kSec;
  ds::stage_monitor s(o);
  const image dark{{0, 0, 51, 51}}, bright{{255, 255, 255, 255}}, empty{};
  const double given[][2] = {{kNaN, 1.0}, {kNaN, 2.0}, {kNaN, kNaN}};
  const image* inputs[] = {&dark, &bright, &empty};
  for (int i = 0; i < 3; ++i) {
    ds::stage_record r;
    r.input = inputs[i];
    // the records carry only "given": brightness comes from the functor...
    std::vector<double> d = {brightness(r), given[i][1]};
    r.derived = d.data();
    s.observe(r, kSec);
  }
  s.advance(10 * kSec);
  CHECK_THAT(s.last_value("brightness:mean"), Catch::Matchers::WithinRel((0.1 + 1.0) / 2, 1e-15));
  CHECK(s.last_value("brightness:missing_share") == 1.0 / 3);
  CHECK(s.last_value("given:mean") == 1.5);
  // a derived field without a function needs the values; with all functions, the functors run
  ds::stage_record r;
  r.input = &bright;
  CHECK(contains(error_of([&] { s.observe(r, 11 * kSec); }), "derived field 'given'"));
  o.derived.pop_back();
  ds::stage_monitor t(o);
  for (const image* img : {&dark, &bright}) {
    ds::stage_record q;
    q.input = img;
    t.observe(q, kSec);
  }
  t.advance(10 * kSec);
  CHECK(t.last_value("brightness:max") == 1.0);
  CHECK(t.last_value("brightness:min") == 0.1);
  // observe_many: inputs per record
  ds::stage_monitor u(o);
  const void* ins[] = {&dark, &bright};
  const std::int64_t ts[] = {kSec, 2 * kSec};
  ds::stage_batch b;
  b.n = 2;
  b.inputs = ins;
  b.timestamps_ns = ts;
  u.observe_many(b);
  u.advance(10 * kSec);
  CHECK(u.last_value("brightness:mean") == t.last_value("brightness:mean"));
}

TEST_CASE("stage_monitor sigma band on a length mean takes the reference's mean and sd", "[stage_monitor]") {
  ds::stage_options o;
  o.name = "chat";
  o.lengths = {"query"};
  o.window_ns = 10 * kSec;
  const std::vector<double> ref = {10, 12, 14, 16, 18};  // mean 14, population sd sqrt(8)
  ds::stage_batch b;
  b.n = ref.size();
  b.lengths = ref.data();
  o.reference = ds::stage_monitor::summarize(o, b);
  ds::alert_rule r;
  r.metric = "query:length_mean";
  r.condition = ds::alert_condition::sigma_band(kNaN, kNaN);
  r.alarm = ds::alert_level{3.0, {}};
  o.rules = {r};
  ds::stage_monitor s(o);
  CHECK(s.alerts()[0].rule().condition.reference == 14);
  CHECK_THAT(s.alerts()[0].rule().condition.reference_sd, Catch::Matchers::WithinRel(std::sqrt(8.0), 1e-15));
}

TEST_CASE("stage_monitor state bytes: restored stages continue exactly", "[stage_monitor][serialize]") {
  const stream data(1000);
  ds::stage_monitor a(full_options());
  for (std::size_t i = 0; i < 437; ++i) data.feed(a, i);  // mid-window, with alerts fired
  REQUIRE(a.windows_closed() > 0);
  REQUIRE_FALSE(a.events().empty());
  const auto bytes = a.serialize_state();
  ds::stage_monitor b(full_options());
  b.restore_state(bytes.data(), bytes.size());
  require_same_state(a, b);
  for (std::size_t i = 437; i < data.x.size(); ++i) {
    data.feed(a, i);
    data.feed(b, i);
  }
  a.advance(200 * kSec);
  b.advance(200 * kSec);
  require_same_state(a, b);
  CHECK(b.first_alarm().has_value());

  // other options are refused; the stage is unchanged
  auto other = full_options();
  other.rules[0].alarm = ds::alert_level{6.0, 4.0};
  ds::stage_monitor c(other);
  const auto before = c.serialize_state();
  CHECK(contains(error_of([&] { c.restore_state(bytes.data(), bytes.size()); }), "other options"));
  CHECK(c.serialize_state() == before);

  // every truncation throws out_of_range or invalid_argument; a flipped byte throws or restores a valid stage
  ds::stage_monitor d(full_options());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    try {
      d.restore_state(bytes.data(), n);
      FAIL("a truncated state was accepted at " << n);
    } catch (const std::out_of_range&) {
    } catch (const std::invalid_argument&) {
    }
  }
  CHECK(d.serialize_state() == ds::stage_monitor(full_options()).serialize_state());
  auto corrupt = bytes;
  for (std::size_t k = 0; k < corrupt.size(); k += 7) {
    corrupt[k] ^= 0x5A;
    try {
      d.restore_state(corrupt.data(), corrupt.size());
      data.feed(d, 999);  // whatever was accepted keeps working
    } catch (const std::out_of_range&) {
    } catch (const std::invalid_argument&) {
    }
    corrupt[k] ^= 0x5A;
  }
}

TEST_CASE("stage_monitor merge: two workers' stages equal one stage that saw everything", "[stage_monitor][merge]") {
  const stream data(95);  // inside the first window [0, 10 s)
  auto opts = full_options();
  opts.numeric_options.quantiles = false;  // KLL merges are exact in distribution, not value by value
  opts.rules.pop_back();                   // (the rule on a quantile)
  ds::stage_monitor all(opts), w1(opts), w2(opts);
  for (std::size_t i = 0; i < data.x.size(); ++i) {
    data.feed(all, i);
    data.feed(i % 3 == 0 ? w1 : w2, i);
  }
  w1.merge(w2);
  CHECK(w1.requests_total() == all.requests_total());
  CHECK(w1.errors_total() == all.errors_total());
  CHECK(w1.ratio_totals(0) == all.ratio_totals(0));
  CHECK(w1.numeric_missing_total(0) == all.numeric_missing_total(0));
  CHECK(w1.numeric_missing_total(1) == all.numeric_missing_total(1));
  CHECK(w1.categorical_missing_total(0) == all.categorical_missing_total(0));
  CHECK(w1.latency_lifetime().count() == all.latency_lifetime().count());
  w1.advance(10 * kSec);
  all.advance(10 * kSec);
  for (std::size_t k = 0; k < all.metric_ids().size(); ++k) {
    const std::string& id = all.metric_ids()[k];
    INFO(id);
    const double want = all.last_values()[k], got = w1.last_values()[k];
    if (id.find(":mean") != std::string::npos || id.find(":std") != std::string::npos ||
        id.find("_mean") != std::string::npos || id.find("_std") != std::string::npos || id == "latency:mean")
      CHECK_THAT(got, Catch::Matchers::WithinRel(want, 1e-12));  // Chan's merge vs Welford: rounding
    else
      CHECK(same(got, want));
  }
  CHECK_THAT(w1.request_rates().m1, Catch::Matchers::WithinRel(all.request_rates().m1, 1e-12));

  // a stage in another window, or with other data options, is refused; other rules are fine
  ds::stage_monitor late(opts);
  data.feed(late, 0);
  late.advance(25 * kSec);
  ds::stage_monitor early(opts);
  data.feed(early, 0);
  CHECK(contains(error_of([&] { early.merge(late); }), "windows differ"));
  auto other = opts;
  other.window_ns = 20 * kSec;
  CHECK(contains(error_of([&] { early.merge(ds::stage_monitor(other)); }), "other data options"));
  auto rules = opts;
  rules.rules.pop_back();
  ds::stage_monitor fewer(rules);
  data.feed(fewer, 1);
  early.merge(fewer);
  CHECK(early.requests_total() == 2);
  // an empty stage merges as nothing, and into an empty stage as a copy
  ds::stage_monitor empty(opts);
  early.merge(empty);
  CHECK(early.requests_total() == 2);
  empty.merge(early);
  CHECK(empty.requests_total() == 2);
}

TEST_CASE("pipeline_monitor state bytes and merge, stage by stage", "[pipeline_monitor][serialize][merge]") {
  const stream data(300);
  ds::stage_options up;
  up.name = "upstream";
  up.numeric = {"x"};
  up.window_ns = 10 * kSec;
  auto feat = full_options();
  const std::vector<ds::stage_options> stages = {up, feat};
  ds::pipeline_options po;
  po.process_metrics = false;
  ds::pipeline_monitor a(stages, po), b(stages, po);
  for (std::size_t i = 0; i < data.x.size(); ++i) {
    a.stage(0).observe({&data.x[i], nullptr, kNaN, false}, data.ts[i]);
    data.feed(a.stage(1), i);
  }
  const auto bytes = a.serialize_state();
  b.restore_state(bytes.data(), bytes.size());
  CHECK(b.serialize_state() == bytes);
  CHECK(b.render("text/plain").body == a.render("text/plain").body);
  // a pipeline with the stages in another order refuses, unchanged
  ds::pipeline_monitor swapped({feat, up}, po);
  const auto before = swapped.serialize_state();
  CHECK(contains(error_of([&] { swapped.restore_state(bytes.data(), bytes.size()); }), "other options"));
  CHECK(swapped.serialize_state() == before);
  CHECK(contains(error_of([&] { swapped.merge(a); }), "stage 0 is 'features' here and 'upstream'"));
  // merge: two pipelines that each saw half of a window's records
  ds::pipeline_monitor w1(stages, po), w2(stages, po), all(stages, po);
  for (std::size_t i = 0; i < 90; ++i) {
    for (ds::pipeline_monitor* p : {&all, i % 2 ? &w1 : &w2}) p->stage(0).observe({&data.x[i], nullptr, kNaN, false}, data.ts[i]);
  }
  w1.merge(w2);
  w1.advance(10 * kSec);
  all.advance(10 * kSec);
  CHECK(w1.stage(0).last_value("requests:count") == 90);
  CHECK(w1.stage(0).last_value("x:max") == all.stage(0).last_value("x:max"));
  CHECK(w1.stage(0).last_value("x:missing_share") == all.stage(0).last_value("x:missing_share"));
}
