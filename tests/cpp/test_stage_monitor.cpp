// Tests of stage_monitor and pipeline_monitor (include/driftscope/monitor/). Expected
// values are written by hand from the documented window and alert semantics: aligned
// tumbling windows closed at their end time, rules evaluated there.

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "catch.hpp"
#include "driftscope/monitor/pipeline_monitor.hpp"

namespace ds = driftscope;

namespace stage_test {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t kSec = 1'000'000'000;

ds::alert_rule above(const std::string& metric, double fire, std::int64_t for_s = 0, bool alarm = true) {
  ds::alert_rule r;
  r.metric = metric;
  r.name = "";
  (alarm ? r.alarm : r.warning) = ds::alert_level{fire, {}};
  r.for_duration = for_s * kSec;
  return r;
}

ds::stage_options one_field(std::int64_t window_s = 10) {
  ds::stage_options o;
  o.name = "source";
  o.numeric = {"x"};
  o.window_ns = window_s * kSec;
  return o;
}

}  // namespace stage_test

using namespace stage_test;

TEST_CASE("stage_monitor closes aligned windows and computes the catalogue", "[stage_monitor]") {
  ds::stage_monitor s(one_field());
  // window [10 s, 20 s): values 1..8 and one NaN, latencies 0.1 .. 0.9, record 5 failed
  for (int i = 1; i <= 9; ++i) {
    const double x = i == 9 ? kNaN : i;
    s.observe({&x, nullptr, 0.1 * i, i == 5}, (10 + i) * kSec);
  }
  CHECK(s.windows_closed() == 0);
  CHECK(std::isnan(s.last_value("x:mean")));
  const double y = 100;
  s.observe({&y, nullptr, kNaN, false}, 20 * kSec);  // closes [10, 20) at 20 s
  CHECK(s.windows_closed() == 1);
  CHECK(s.last_window_end() == 20 * kSec);
  CHECK(s.last_value("requests:count") == 9);
  CHECK(s.last_value("requests:per_second") == 0.9);
  CHECK(s.last_value("errors:count") == 1);
  CHECK(s.last_value("errors:share") == 1.0 / 9);
  CHECK(s.last_value("x:count") == 9);
  CHECK(s.last_value("x:missing_share") == 1.0 / 9);
  CHECK(s.last_value("x:infinite_share") == 0);
  CHECK(s.last_value("x:mean") == 4.5);
  CHECK_THAT(s.last_value("x:std"), Catch::Matchers::WithinRel(std::sqrt(5.25), 1e-14));  // ddof 0 of 1..8
  CHECK(s.last_value("x:min") == 1);
  CHECK(s.last_value("x:max") == 8);
  CHECK(s.last_value("x:p50") == 4);  // inverted CDF: ceil(0.5 · 8) = 4th value
  CHECK(s.last_value("x:p99") == 8);
  CHECK_THAT(s.last_value("latency:mean"), Catch::Matchers::WithinRel(0.5, 1e-12));
  CHECK_THAT(s.last_value("latency:max"), Catch::Matchers::WithinRel(0.9, 1e-12));
  // p50 of 0.1..0.9 within the sketch's relative accuracy (1 %)
  CHECK_THAT(s.last_value("latency:p50"), Catch::Matchers::WithinRel(0.5, 0.011));
  CHECK(s.requests_total() == 10);
  CHECK(s.errors_total() == 1);
  CHECK(s.numeric_missing_total(0) == 1);

  // a jump over two whole windows closes [20, 30) (one record) and [30, 40) (empty)
  s.advance(45 * kSec);
  CHECK(s.windows_closed() == 3);
  CHECK(s.last_window_end() == 40 * kSec);
  CHECK(s.last_value("requests:count") == 0);
  CHECK(s.last_value("requests:per_second") == 0);
  CHECK(std::isnan(s.last_value("x:mean")));
  CHECK(std::isnan(s.last_value("x:missing_share")));
  CHECK(std::isnan(s.last_value("latency:p99")));
}

TEST_CASE("stage_monitor alert rules follow the window timeline", "[stage_monitor]") {
  auto o = one_field();
  o.rules = {above("x:missing_share", 0.5, 20)};  // alarm when over half the values are missing for 20 s
  ds::stage_monitor s(o);
  std::vector<ds::stage_alert_event> seen;
  s.on_event([&](const ds::stage_alert_event& e) { seen.push_back(e); });
  // windows [0,10) ok, [10,20) .. [40,50) all missing, [50,60) ok
  for (int t = 0; t < 60; ++t) {
    const double x = (t >= 10 && t < 50) ? kNaN : 1.0;
    s.observe({&x, nullptr, kNaN, false}, t * kSec);
  }
  s.advance(60 * kSec);
  // share > 0.5 at the closes at 20, 30, 40, 50: pending at 20, firing at 40 (40 − 20 >= 20),
  // resolved at 60 (the window [50, 60) is fine)
  const auto& log = s.events();
  REQUIRE(log.size() == 3);
  CHECK(log[0].to_state == ds::alert_state::pending);
  CHECK(log[0].timestamp == 20 * kSec);
  CHECK(log[1].to_state == ds::alert_state::firing);
  CHECK(log[1].timestamp == 40 * kSec);
  CHECK(log[1].active_since == 20 * kSec);
  CHECK(log[2].to_state == ds::alert_state::resolved);
  CHECK(log[2].timestamp == 60 * kSec);
  REQUIRE(seen.size() == 3);
  CHECK(seen[1].stage == "source");
  CHECK(seen[1].event == log[1]);
  REQUIRE(s.first_alarm());
  CHECK(s.first_alarm()->timestamp == 40 * kSec);
}

TEST_CASE("stage_monitor relative rules take their reference from a summary", "[stage_monitor]") {
  auto o = one_field();
  // reference: 100 values 0..99 with 2 missing
  std::vector<double> ref(100);
  for (int i = 0; i < 100; ++i) ref[static_cast<std::size_t>(i)] = i;
  ref[3] = ref[7] = kNaN;
  const auto summary = ds::stage_monitor::summarize(o, ref.size(), ref.data(), nullptr);
  const auto ids = ds::stage_monitor::metric_ids(o);
  REQUIRE(summary.size() == ids.size());
  o.reference = summary;
  ds::alert_rule miss;
  miss.metric = "x:missing_share";
  miss.condition = ds::alert_condition::relative_to_reference(kNaN);  // from the reference: 0.02
  miss.alarm = ds::alert_level{0.10, {}};
  ds::alert_rule mean;
  mean.metric = "x:mean";
  mean.condition = ds::alert_condition::sigma_band(kNaN, kNaN);  // reference mean and std
  mean.warning = ds::alert_level{1.0, {}};
  o.rules = {miss, mean};
  // a rule with its reference left out is valid as a stage's rule, not as a tracker's
  CHECK_THROWS_AS(miss.validate(), std::invalid_argument);
  miss.validate("alert_rule", true);
  CHECK_THROWS_AS(ds::alert_tracker(miss), std::invalid_argument);
  ds::stage_monitor s(o);
  REQUIRE(s.alerts().size() == 2);
  CHECK(s.alerts()[0].rule().condition.reference == 0.02);
  const double ref_mean = s.alerts()[1].rule().condition.reference;
  const double ref_sd = s.alerts()[1].rule().condition.reference_sd;
  // mean and population std of 0..99 without 3 and 7
  double sum = 0, n = 98;
  for (int i = 0; i < 100; ++i) sum += (i == 3 || i == 7) ? 0 : i;
  CHECK_THAT(ref_mean, Catch::Matchers::WithinRel(sum / n, 1e-14));
  double ss = 0;
  for (int i = 0; i < 100; ++i)
    if (i != 3 && i != 7) ss += (i - sum / n) * (i - sum / n);
  CHECK_THAT(ref_sd, Catch::Matchers::WithinRel(std::sqrt(ss / n), 1e-13));
  // a window with 11 % missing (0.11 < 0.12: quiet) and one with 13 % (alarm), mean shifted by 2 sd
  for (int i = 0; i < 100; ++i) {
    const double x = i < 11 ? kNaN : 50.0;
    s.observe({&x, nullptr, kNaN, false}, 0);
  }
  s.advance(10 * kSec);
  CHECK(s.alerts()[0].state(ds::alert_severity::alarm) == ds::alert_state::inactive);
  CHECK(s.alerts()[1].state(ds::alert_severity::warning) == ds::alert_state::inactive);
  for (int i = 0; i < 100; ++i) {
    const double x = i < 13 ? kNaN : ref_mean + 2 * ref_sd;
    s.observe({&x, nullptr, kNaN, false}, 10 * kSec);
  }
  s.advance(20 * kSec);
  CHECK(s.alerts()[0].state(ds::alert_severity::alarm) == ds::alert_state::firing);
  CHECK(s.alerts()[1].state(ds::alert_severity::warning) == ds::alert_state::firing);

  // a relative rule without reference values, or a sigma band on a non-mean metric
  auto bad = one_field();
  bad.rules = {miss};
  CHECK_THROWS_AS(ds::stage_monitor(bad), std::invalid_argument);
  bad.reference = summary;
  mean.metric = "x:max";
  bad.rules = {mean};
  CHECK_THROWS_AS(ds::stage_monitor(bad), std::invalid_argument);
  bad.reference.pop_back();
  bad.rules.clear();
  CHECK_THROWS_AS(ds::stage_monitor(bad), std::invalid_argument);
}

TEST_CASE("stage_monitor categorical fields and ratios", "[stage_monitor]") {
  ds::stage_options o;
  o.name = "model";
  o.categorical = {{"country", {"DE", "FR"}}};
  ds::ratio_field clicks;
  clicks.name = "ctr";
  clicks.options.min_volume = 50;
  o.ratios = {clicks};
  o.window_ns = 10 * kSec;
  ds::stage_monitor s(o);
  const std::vector<std::string_view> values = {"DE", "FR", "", "US", "DE", "DE", "DE", "DE"};
  for (auto v : values) s.observe({nullptr, &v, kNaN, false}, kSec);
  for (int i = 0; i < 40; ++i) s.add_ratio("ctr", i % 4 == 0 ? 1 : 0, 1, 2 * kSec);  // 10 / 40: below volume
  s.advance(10 * kSec);
  CHECK(s.last_value("country:count") == 8);
  CHECK(s.last_value("country:missing_share") == 1.0 / 8);
  CHECK(s.last_value("country:unseen_share") == 1.0 / 7);
  CHECK(s.last_value("country:top_share") == 5.0 / 7);
  CHECK_THAT(s.last_value("country:distinct"), Catch::Matchers::WithinRel(3.0, 0.01));
  CHECK(std::isnan(s.last_value("ctr:value")));  // min_volume 50 not reached
  CHECK(s.last_value("ctr:denominator") == 40);
  for (int i = 0; i < 60; ++i) s.add_ratio(0, i % 4 == 0 ? 1 : 0, 1, 12 * kSec);
  s.advance(20 * kSec);
  CHECK(s.last_value("ctr:value") == 15.0 / 60);
  CHECK(s.last_value("ctr:lower") < 0.25);
  CHECK(s.last_value("ctr:upper") > 0.25);
  CHECK(s.ratio_totals(0) == std::make_pair(std::uint64_t{25}, std::uint64_t{100}));
  CHECK_THROWS_AS(s.add_ratio("cvr", 1, 1, 20 * kSec), std::invalid_argument);
  CHECK_THROWS_AS(s.add_ratio(0, 2, 1, 20 * kSec), std::invalid_argument);  // a proportion above 1
  CHECK(s.ratio_totals(0).second == 100);
}

TEST_CASE("stage_monitor bad input", "[stage_monitor]") {
  auto o = one_field();
  o.rules = {above("y:mean", 1)};
  CHECK_THROWS_AS(ds::stage_monitor(o), std::invalid_argument);  // unknown metric
  o = one_field();
  o.numeric = {"x", "x"};
  CHECK_THROWS_AS(ds::stage_monitor(o), std::invalid_argument);  // duplicate
  o.numeric = {"x-1"};
  CHECK_THROWS_AS(ds::stage_monitor(o), std::invalid_argument);  // not a name
  o.numeric = {"latency"};
  CHECK_THROWS_AS(ds::stage_monitor(o), std::invalid_argument);  // reserved
  o = one_field();
  o.window_ns = 0;
  CHECK_THROWS_AS(ds::stage_monitor(o), std::invalid_argument);
  o = one_field();
  o.name = "my stage";
  CHECK_THROWS_AS(ds::stage_monitor(o), std::invalid_argument);

  ds::stage_monitor s(one_field());
  const double x = 1;
  s.observe({&x, nullptr, kNaN, false}, 5 * kSec);
  CHECK_THROWS_AS(s.observe({&x, nullptr, kNaN, false}, 4 * kSec), std::invalid_argument);  // back in time
  CHECK_THROWS_AS(s.observe({&x, nullptr, -0.1, false}, 6 * kSec), std::invalid_argument);  // latency < 0
  CHECK_THROWS_AS(s.observe({nullptr, nullptr, kNaN, false}, 6 * kSec), std::invalid_argument);
  CHECK_THROWS_AS(s.advance(std::numeric_limits<std::int64_t>::max()), std::invalid_argument);  // unit error
  CHECK(s.requests_total() == 1);  // nothing recorded by the failed calls
  CHECK(s.last_timestamp() == 5 * kSec);
  const std::vector<double> xs = {1, 2, 3};
  const std::vector<std::int64_t> ts = {6 * kSec, 7 * kSec, 6 * kSec};
  CHECK_THROWS_AS(s.observe_many(3, xs.data(), nullptr, nullptr, nullptr, ts.data()), std::invalid_argument);
  CHECK(s.requests_total() == 1);
  CHECK_THROWS_AS(s.last_value("x:median"), std::invalid_argument);
}

TEST_CASE("pipeline_monitor blames the stage that alarmed first", "[stage_monitor]") {
  // a sensor upstream starts sending missing values at 100 s; the feature built from it
  // (imputed with a constant) gets stuck, and the model's score drifts; rules on each stage
  ds::stage_options source = one_field();
  source.name = "source";
  source.numeric = {"sensor"};
  source.rules = {above("sensor:missing_share", 0.5, 10)};
  ds::stage_options features = one_field();
  features.name = "features";
  features.numeric = {"temperature"};
  ds::alert_rule stuck;
  stuck.metric = "temperature:std";
  stuck.condition = ds::alert_condition::below();
  stuck.alarm = ds::alert_level{1e-9, {}};
  stuck.for_duration = 10 * kSec;
  features.rules = {stuck};
  ds::stage_options model = one_field();
  model.name = "model";
  model.numeric = {"score"};
  model.rules = {above("score:mean", 0.8, 20)};
  ds::pipeline_monitor p({source, features, model});
  CHECK_THROWS_AS(p.stage("nope"), std::invalid_argument);

  for (int t = 0; t < 200; ++t) {
    const std::int64_t ts = t * kSec;
    const bool broken = t >= 100;
    const double sensor = broken ? kNaN : 20.0 + (t % 7);
    const double temperature = broken ? 20.0 : sensor;  // imputed with a constant
    const double score = broken ? 0.9 : 0.3;
    p.stage("source").observe({&sensor, nullptr, 0.001, false}, ts);
    p.stage(1).observe({&temperature, nullptr, 0.002, false}, ts);
    p.stage("model").observe({&score, nullptr, 0.01, false}, ts);
  }
  p.advance(200 * kSec);
  // the source and features windows [100, 110) close at 110 s: both pending, firing at 120 s
  // (for 10 s); the model needs 20 s: firing at 130 s. A tie at 120 s: upstream wins.
  REQUIRE(p.stage("source").first_alarm());
  CHECK(p.stage("source").first_alarm()->timestamp == 120 * kSec);
  CHECK(p.stage("features").first_alarm()->timestamp == 120 * kSec);
  CHECK(p.stage("model").first_alarm()->timestamp == 130 * kSec);
  const auto first = p.first_alarm();
  REQUIRE(first);
  CHECK(first->stage == "source");
  CHECK(first->stage_index == 0);
  CHECK(first->event.rule == "sensor:missing_share");

  // exposition: the families parse in our own writer's terms; spot-check samples
  const auto text = p.render("text/plain").body;
  CHECK(text.find("driftscope_requests_total{stage=\"model\"} 200") != std::string::npos);
  CHECK(text.find("driftscope_window_value{stage=\"source\",metric=\"sensor:missing_share\"} 1") != std::string::npos);
  CHECK(text.find("driftscope_alert_state{stage=\"model\",alert=\"score:mean\",severity=\"critical\"} 2") !=
        std::string::npos);
  CHECK(text.find("driftscope_feature_missing_total{stage=\"source\",feature=\"sensor\"} 100") != std::string::npos);
  CHECK(text.find("driftscope_latency_seconds_bucket{stage=\"model\",le=\"0.01\"} 200") != std::string::npos);
  CHECK(text.find("driftscope_latency_seconds_bucket{stage=\"source\",le=\"0.0005\"} 0") != std::string::npos);
  const auto om = p.render("application/openmetrics-text; version=1.0.0");
  CHECK(om.body.size() > 6);
  CHECK(om.body.substr(om.body.size() - 6) == "# EOF\n");
  CHECK(p.promql("model", "score:mean") == "driftscope_window_value{stage=\"model\",metric=\"score:mean\"}");
  CHECK_THROWS_AS(p.promql("model", "score:median"), std::invalid_argument);

  CHECK_THROWS_AS(ds::pipeline_monitor(std::vector<ds::stage_options>{}), std::invalid_argument);
  CHECK_THROWS_AS(ds::pipeline_monitor({source, source}), std::invalid_argument);
}

TEST_CASE("pipeline_monitor exports its stages' rules for Prometheus on its own series", "[pipeline_monitor]") {
  auto src = one_field();
  src.rules = {above("x:missing_share", 0.5, 20)};
  ds::stage_options model;
  model.name = "model";
  model.window_ns = 10 * kSec;
  model.rules = {above("requests:count", 1000)};
  ds::stage_options quiet;
  quiet.name = "post";
  ds::pipeline_monitor p({src, quiet, model});
  const std::string y = p.prometheus_rules();
  CHECK(y.rfind("groups:\n", 0) == 0);
  CHECK(y.find("groups:", 1) == std::string::npos);  // one header, one group per stage with rules
  CHECK(y.find("- name: \"driftscope_source\"") != std::string::npos);
  CHECK(y.find("- name: \"driftscope_model\"") != std::string::npos);
  CHECK(y.find("driftscope_post") == std::string::npos);
  CHECK(y.find("driftscope_window_value{stage=\\\"source\\\",metric=\\\"x:missing_share\\\"}") != std::string::npos);
  CHECK(y.find("driftscope_window_value{stage=\\\"model\\\",metric=\\\"requests:count\\\"}") != std::string::npos);
  CHECK(y.find("for: 20s") != std::string::npos);
  CHECK(y.find("stage: \"model\"") != std::string::npos);
  ds::prometheus_rule_options o;
  o.expressions["x:missing_share"] = "up";
  CHECK_THROWS_AS(p.prometheus_rules(o), std::invalid_argument);
  CHECK_THROWS_AS(ds::pipeline_monitor({quiet}).prometheus_rules(), std::invalid_argument);
}
