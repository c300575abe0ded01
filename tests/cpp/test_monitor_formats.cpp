// Robustness of every monitoring serialization format (DSFM, DSCM, DSMR, DSRT, DSLS, DSHL,
// DSFI, DSAR, DSAT, DSSG, DSPM, and the deployment's DSSC, DSSR, DSMG, DSRC): bytes round-trip to the same
// bytes; every truncation throws std::out_of_range or std::invalid_argument; any single
// flipped byte (every position, two patterns) either throws one of those or yields an object
// whose own bytes deserialize again (never a crash or a sanitizer report: this file runs
// under ASan + UBSan in CI).

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "catch.hpp"
#include "driftscope/deploy/msprt.hpp"
#include "driftscope/deploy/ramp_controller.hpp"
#include "driftscope/deploy/shadow_comparator.hpp"
#include "driftscope/deploy/shadow_regression.hpp"
#include "driftscope/monitor/pipeline_monitor.hpp"

namespace ds = driftscope;

namespace formats_test {

using bytes = std::vector<std::uint8_t>;
/// Deserializes and serializes again (the format's round trip).
using roundtrip_fn = std::function<bytes(const bytes&)>;

template <class T>
roundtrip_fn roundtrip_of() {
  return [](const bytes& b) { return T::deserialize(b.data(), b.size()).serialize(); };
}

void check_format(const std::string& name, const bytes& good, const roundtrip_fn& roundtrip) {
  INFO(name);
  REQUIRE(good.size() > 8);
  CHECK(roundtrip(good) == good);
  for (std::size_t n = 0; n < good.size(); ++n) {
    const bytes cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
    try {
      roundtrip(cut);
      FAIL("truncated to " << n << " bytes was accepted");
    } catch (const std::out_of_range&) {
    } catch (const std::invalid_argument&) {
    }
  }
  bytes bad = good;
  for (std::size_t k = 0; k < bad.size(); ++k)
    for (std::uint8_t pattern : {std::uint8_t{0x01}, std::uint8_t{0xFF}}) {
      bad[k] ^= pattern;
      try {
        const bytes again = roundtrip(bad);
        CHECK(roundtrip(again) == again);  // what was accepted is a valid object
      } catch (const std::out_of_range&) {
      } catch (const std::invalid_argument&) {
      }
      bad[k] ^= pattern;
    }
}

}  // namespace formats_test

using namespace formats_test;

TEST_CASE("monitoring formats survive truncation and flipped bytes", "[serialize][monitor]") {
  ds::feature_metrics_options fo;
  fo.kll_k = 8;  // a small sketch keeps the byte-by-byte loops short
  ds::numeric_feature_metrics f(fo);
  for (int i = 0; i < 40; ++i) f.update(i % 7 == 0 ? std::nan("") : i * 0.5);
  f.update(std::numeric_limits<double>::infinity());
  check_format("DSFM", f.serialize(), roundtrip_of<ds::numeric_feature_metrics>());

  ds::category_metrics_options co;
  co.hll_p = 4;
  co.top_k = 4;
  co.reference_categories = {"a", "b"};
  ds::category_metrics c(co);
  for (const char* v : {"a", "b", "c", "", "a", "d", "e", "a"}) c.update(v);
  check_format("DSCM", c.serialize(), roundtrip_of<ds::category_metrics>());

  ds::ratio_metric r;
  r.add(3, 40);
  r.add(1, 10);
  check_format("DSMR", r.serialize(), roundtrip_of<ds::ratio_metric>());

  ds::rate_meter m(0);
  for (int i = 0; i < 30; ++i) m.mark(2, std::int64_t{i} * 700'000'000);
  check_format("DSRT", m.serialize(), roundtrip_of<ds::rate_meter>());

  ds::latency_sketch l;
  for (int i = 1; i < 60; ++i) l.update(0.001 * i * i);
  check_format("DSLS", l.serialize(), roundtrip_of<ds::latency_sketch>());

  ds::hyperloglog h(4);
  for (int i = 0; i < 100; ++i) h.update(std::int64_t{i});
  check_format("DSHL", h.serialize(), roundtrip_of<ds::hyperloglog>());

  ds::frequent_items<std::string> fi(4);
  for (const char* v : {"x", "y", "x", "z", "w", "x", "v", "y"}) fi.update(v);
  check_format("DSFI", fi.serialize(), roundtrip_of<ds::frequent_items<std::string>>());

  ds::alert_rule rule;
  rule.metric = "x:mean";
  rule.alarm = ds::alert_level{2.0, 1.5};
  rule.warning = ds::alert_level{1.0, {}};
  rule.for_duration = 60'000'000'000;
  rule.keep_firing_for = 30'000'000'000;
  rule.summary = "mean up";
  rule.labels = {{"team", "ml"}};
  check_format("DSAR", rule.serialize(), roundtrip_of<ds::alert_rule>());

  ds::alert_tracker t(rule);
  const double xs[] = {0.5, 2.5, 2.5, 1.7, 0.2, 2.2};
  for (int i = 0; i < 6; ++i) t.observe(xs[i], std::int64_t{i} * 30'000'000'000);
  check_format("DSAT", t.serialize(), roundtrip_of<ds::alert_tracker>());

  ds::shadow_comparator sc;
  sc.add(0, 1, 1);
  sc.add(1, 1, 0);
  sc.add(0, 0);
  check_format("DSSC", sc.serialize(), roundtrip_of<ds::shadow_comparator>());
  for (int i = 1; i < 12; ++i) sc.add_latency(ds::shadow_arm::live, 0.003 * i);
  sc.add_latency(ds::shadow_arm::shadow, 0);
  sc.add_latency(ds::shadow_arm::shadow, 0.02);
  sc.add_error(ds::shadow_arm::shadow, 2);
  check_format("DSSC v2 with arms", sc.serialize(), roundtrip_of<ds::shadow_comparator>());
}

TEST_CASE("deployment state formats survive truncation and flipped bytes", "[serialize][deploy]") {
  ds::shadow_regression sr(4);
  for (int i = 0; i < 6; ++i) sr.add(i * 0.5, i * 0.25 + 1, i % 2 ? 1.0 : 2.0);
  sr.add_latency(ds::shadow_arm::live, 0.01);
  sr.add_latency(ds::shadow_arm::shadow, 0.03);
  sr.add_error(ds::shadow_arm::live);
  check_format("DSSR", sr.serialize(), roundtrip_of<ds::shadow_regression>());
  check_format("DSSR empty", ds::shadow_regression(3).serialize(), roundtrip_of<ds::shadow_regression>());

  ds::msprt_options mo;
  mo.variance_a = 0.25;
  ds::msprt_gate g(mo);
  for (int i = 0; i < 8; ++i) {
    g.add_a(i % 3);
    g.add_b(i % 4 + 0.5);
  }
  check_format("DSMG", g.serialize(), roundtrip_of<ds::msprt_gate>());
  check_format("DSMG empty", ds::msprt_gate().serialize(), roundtrip_of<ds::msprt_gate>());

  ds::ramp_options ro;
  ro.steps = {1, 5, 25};
  ro.mirror_first = true;
  ro.failed_check_threshold = 3;
  ds::ramp_controller c(ro);
  c.next({99, false});
  c.next({10, false});
  c.next({99, false});
  check_format("DSRC", c.serialize(), roundtrip_of<ds::ramp_controller>());
  ds::ramp_options bg;
  bg.step_weight = 0;
  bg.blue_green_iterations = 2;
  ds::ramp_controller b(bg);
  b.next({99, false});
  b.next({99, false});  // promoted
  check_format("DSRC blue-green promoted", b.serialize(), roundtrip_of<ds::ramp_controller>());
}

TEST_CASE("stage and pipeline state formats survive truncation and flipped bytes", "[serialize][monitor]") {
  ds::stage_options o;
  o.name = "s";
  o.numeric = {"x"};
  o.categorical = {{"c", {"a"}}};
  o.lengths = {"q"};
  o.ratios = {{"ctr", {}}};
  o.numeric_options.kll_k = 8;
  o.hll_p = 4;
  o.top_k = 2;
  o.window_ns = 1'000'000'000;
  ds::alert_rule rule;
  rule.metric = "x:mean";
  rule.alarm = ds::alert_level{1.0, {}};
  o.rules = {rule};
  o.event_capacity = 3;
  ds::stage_monitor s(o);
  for (int i = 0; i < 30; ++i) {
    const double x = i % 5 == 0 ? std::nan("") : i * 0.1;
    const double q = i % 3;
    const std::string_view cat = i % 2 ? "a" : "b";
    ds::stage_record rec{&x, &cat, 0.001 * i, i % 7 == 0};
    rec.lengths = &q;
    s.observe(rec, std::int64_t{i} * 300'000'000);
  }
  s.add_ratio("ctr", 1, 4, 9'000'000'000);
  const auto stage_roundtrip = [o](const bytes& b) {
    ds::stage_monitor r(o);
    r.restore_state(b.data(), b.size());
    return r.serialize_state();
  };
  check_format("DSSG", s.serialize_state(), stage_roundtrip);

  ds::pipeline_options po;
  po.process_metrics = false;
  ds::pipeline_monitor p(std::vector<ds::stage_monitor>{s}, po);
  const auto pipe_roundtrip = [o, po](const bytes& b) {
    ds::pipeline_monitor r(std::vector<ds::stage_options>{o}, po);
    r.restore_state(b.data(), b.size());
    return r.serialize_state();
  };
  check_format("DSPM", p.serialize_state(), pipe_roundtrip);
}
