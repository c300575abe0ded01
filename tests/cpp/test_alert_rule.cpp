// Tests of the time-based alert rules (include/driftscope/monitor/alert_rule.hpp).
// The golden timelines are written by hand from the documented semantics (Prometheus'
// rules/alerting.go: pending at the first true evaluation, firing once ts − activeAt >=
// for, keep_firing_for counted from the first false evaluation) plus the hysteresis; the
// same timelines are checked against Prometheus itself by `promtool test rules` in
// tests/python/test_alert_rule.py.

#include <cmath>
#include <cstdint>
#include <random>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "catch.hpp"
#include "driftscope/monitor/alert_rule.hpp"

namespace ds = driftscope;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t kMin = 60LL * 1000 * 1000 * 1000;  // one minute in ns

const char* letter(ds::alert_state s) {
  switch (s) {
    case ds::alert_state::inactive: return "i";
    case ds::alert_state::pending: return "p";
    case ds::alert_state::firing: return "f";
    case ds::alert_state::resolved: return "r";
  }
  return "?";
}

/// "t:S:from>to@since" with t and since in minutes, S = W (warning) or A (alarm).
std::string show(const ds::alert_event& e) {
  return std::to_string(e.timestamp / kMin) + ":" + (e.severity == ds::alert_severity::alarm ? "A" : "W") + ":" +
         letter(e.from_state) + ">" + letter(e.to_state) + "@" + std::to_string(e.active_since / kMin);
}

/// Observes xs[i] at minute first + i; returns the events of the returned transitions
/// (and checks that the log got the same events, in order).
std::vector<std::string> trace(ds::alert_tracker& t, const std::vector<double>& xs, std::int64_t first = 0) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const std::int64_t ts = (first + static_cast<std::int64_t>(i)) * kMin;
    const std::size_t logged = t.events().size();
    const ds::alert_transitions tr = t.observe(xs[i], ts);
    for (const ds::alert_transition& x : tr) {
      ds::alert_event e{t.rule().alert_name(), x.severity, x.from_state, x.to_state, xs[i], ts, x.active_since};
      out.push_back(show(e));
    }
    if (t.events().capacity() >= logged + tr.size()) {
      REQUIRE(t.events().size() == logged + tr.size());
      for (std::size_t k = 0; k < tr.size(); ++k) CHECK(show(t.events()[logged + k]) == out[out.size() - tr.size() + k]);
    }
  }
  return out;
}

/// The state letters of a severity after each observation of xs (a fresh tracker).
std::string states(const ds::alert_rule& r, const std::vector<double>& xs, ds::alert_severity s) {
  ds::alert_tracker t(r);
  std::string out;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    t.observe(xs[i], static_cast<std::int64_t>(i) * kMin);
    out += letter(t.state(s));
  }
  return out;
}

ds::alert_rule above(double fire, std::optional<double> clear, std::int64_t for_min, std::int64_t keep_min = 0) {
  ds::alert_rule r;
  r.metric = "drift_psi";
  r.warning = ds::alert_level{fire, clear};
  r.for_duration = for_min * kMin;
  r.keep_firing_for = keep_min * kMin;
  return r;
}

using strings = std::vector<std::string>;

template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return std::string("invalid_argument: ") + e.what();
  } catch (const std::out_of_range& e) {
    return std::string("out_of_range: ") + e.what();
  } catch (const std::domain_error& e) {
    return std::string("domain_error: ") + e.what();
  }
  return "no exception";
}

bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

/// The oscillating input: 0.5, then 1.1 / 0.9 alternating for minutes 1..10, then 0.5 × 3.
std::vector<double> oscillation() {
  std::vector<double> x{0.5};
  for (int k = 1; k <= 10; ++k) x.push_back(k % 2 ? 1.1 : 0.9);
  x.insert(x.end(), {0.5, 0.5, 0.5});
  return x;
}

}  // namespace

TEST_CASE("alert_tracker: for (pending time) and resolution", "[alert_rule]") {
  SECTION("for 2m: pending at the first true evaluation, firing 2m later; a false value resolves") {
    ds::alert_tracker t(above(1.0, std::nullopt, 2));
    CHECK(trace(t, {0, 2, 2, 2, 0, 2, 0}) ==
          strings{"1:W:i>p@1", "3:W:p>f@1", "4:W:f>r@1", "5:W:r>p@5", "6:W:p>i@5"});
    CHECK(states(above(1.0, std::nullopt, 2), {0, 2, 2, 2, 0, 2, 0}, ds::alert_severity::warning) == "ippfrpi");
  }
  SECTION("for 0: pending and firing at the same evaluation") {
    ds::alert_tracker t(above(1.0, std::nullopt, 0));
    CHECK(trace(t, {0, 2, 2, 0, 0}) == strings{"1:W:i>p@1", "1:W:p>f@1", "3:W:f>r@1"});
    CHECK(t.state(ds::alert_severity::warning) == ds::alert_state::inactive);
  }
  SECTION("the condition is strict: a value equal to the fire level does not fire") {
    ds::alert_tracker t(above(1.0, std::nullopt, 0));
    CHECK(trace(t, {1.0, 1.0}).empty());
  }
  SECTION("for counts time, not evaluations: irregular timestamps") {
    ds::alert_tracker t(above(1.0, std::nullopt, 5));
    CHECK(t.observe(2, 0).size() == 1);                   // pending
    CHECK(t.observe(2, 4 * kMin).empty());                // 4m < 5m
    CHECK(t.observe(2, 5 * kMin - 1).empty());            // 1 ns short
    const auto tr = t.observe(2, 5 * kMin);               // exactly 5m: fires (>=)
    REQUIRE(tr.size() == 1);
    CHECK(tr[0].to_state == ds::alert_state::firing);
    CHECK(t.active_since(ds::alert_severity::warning) == 0);
  }
  SECTION("equal timestamps are allowed; an earlier one throws naming timestamp and changes nothing") {
    ds::alert_tracker t(above(1.0, std::nullopt, 2));
    t.observe(2, 10 * kMin);
    t.observe(2, 10 * kMin);
    const auto msg = message_of([&] { t.observe(0, 10 * kMin - 1); });
    CHECK(contains(msg, "invalid_argument"));
    CHECK(contains(msg, "timestamp"));
    CHECK(t.evaluations() == 2);
    CHECK(t.last_timestamp() == 10 * kMin);
    CHECK(t.state(ds::alert_severity::warning) == ds::alert_state::pending);
  }
}

TEST_CASE("alert_tracker: keep_firing_for", "[alert_rule]") {
  SECTION("counted from the first false evaluation; a true value ends the keeping") {
    const auto r = above(1.0, std::nullopt, 0, 2);
    ds::alert_tracker t(r);
    CHECK(trace(t, {2, 0, 0, 2, 0, 0, 0, 0}) == strings{"0:W:i>p@0", "0:W:p>f@0", "6:W:f>r@0"});
    CHECK(states(r, {2, 0, 0, 2, 0, 0, 0, 0}, ds::alert_severity::warning) == "ffffffri");
  }
  SECTION("keeping_firing reports the kept state") {
    ds::alert_tracker t(above(1.0, std::nullopt, 0, 2));
    t.observe(2, 0);
    CHECK_FALSE(t.keeping_firing(ds::alert_severity::warning));
    t.observe(0, kMin);
    CHECK(t.keeping_firing(ds::alert_severity::warning));
    t.observe(2, 2 * kMin);
    CHECK_FALSE(t.keeping_firing(ds::alert_severity::warning));
  }
  SECTION("a pending alert is not kept") {
    ds::alert_tracker t(above(1.0, std::nullopt, 2, 5));
    CHECK(trace(t, {2, 0}) == strings{"0:W:i>p@0", "1:W:p>i@0"});
  }
  SECTION("NaN is no data: the condition is false") {
    ds::alert_tracker t(above(1.0, std::nullopt, 0, 1));
    CHECK(trace(t, {2, kNaN, kNaN, 2, kNaN}) == strings{"0:W:i>p@0", "0:W:p>f@0", "2:W:f>r@0", "3:W:r>p@3", "3:W:p>f@3"});
    ds::alert_tracker u(above(1.0, std::nullopt, 3));
    CHECK(trace(u, {2, kNaN, 2}) == strings{"0:W:i>p@0", "1:W:p>i@0", "2:W:i>p@2"});
  }
}

TEST_CASE("alert_tracker: hysteresis stops an oscillating input from flapping", "[alert_rule]") {
  const auto x = oscillation();
  SECTION("fire 1.0, clear 0.8, for 2m: exactly one firing episode") {
    ds::alert_tracker t(above(1.0, 0.8, 2));
    CHECK(trace(t, x) == strings{"1:W:i>p@1", "3:W:p>f@1", "11:W:f>r@1"});
  }
  SECTION("control: without hysteresis and for 0 it fires five times") {
    ds::alert_tracker t(above(1.0, std::nullopt, 0));
    const auto ev = trace(t, x);
    int fired = 0;
    for (const auto& e : ev) fired += contains(e, "p>f");
    CHECK(fired == 5);
    CHECK(ev.size() == 15);
  }
  SECTION("control: without hysteresis, for 2m keeps restarting the pending clock and never fires") {
    ds::alert_tracker t(above(1.0, std::nullopt, 2));
    const auto ev = trace(t, x);
    CHECK(ev.size() == 10);
    for (const auto& e : ev) CHECK_FALSE(contains(e, ">f"));
  }
  SECTION("hysteresis alone (for 0) also gives one episode") {
    ds::alert_tracker t(above(1.0, 0.8, 0));
    CHECK(trace(t, x) == strings{"1:W:i>p@1", "1:W:p>f@1", "11:W:f>r@1"});
  }
}

TEST_CASE("alert_tracker: conditions", "[alert_rule]") {
  SECTION("below (p-values): fire 0.01, clear 0.05") {
    ds::alert_rule r;
    r.metric = "ks_pvalue";
    r.condition = ds::alert_condition::below();
    r.warning = ds::alert_level{0.01, 0.05};
    ds::alert_tracker t(r);
    CHECK(trace(t, {0.5, 0.005, 0.03, 0.06, 0.01}) == strings{"1:W:i>p@1", "1:W:p>f@1", "3:W:f>r@1"});
  }
  SECTION("outside_band(0.2, 0.8): warning margin 0 clear -0.05, alarm margin 0.1") {
    ds::alert_rule r;
    r.metric = "positive_rate";
    r.condition = ds::alert_condition::outside_band(0.2, 0.8);
    r.warning = ds::alert_level{0.0, -0.05};  // fire outside [0.2, 0.8], stay active outside [0.25, 0.75]
    r.alarm = ds::alert_level{0.1, std::nullopt};  // outside [0.1, 0.9]
    ds::alert_tracker t(r);
    CHECK(trace(t, {0.5, 0.85, 0.78, 0.74, 0.05, 0.15, 0.5}) ==
          strings{"1:W:i>p@1", "1:W:p>f@1", "3:W:f>r@1", "4:W:r>p@4", "4:W:p>f@4", "4:A:i>p@4", "4:A:p>f@4",
                  "5:A:f>r@4", "6:W:f>r@4"});
    CHECK(t.state(ds::alert_severity::alarm) == ds::alert_state::inactive);  // resolved -> inactive silently
  }
  SECTION("sigma_band(10, 2): warning k 2 clear 1.5, alarm k 3") {
    ds::alert_rule r;
    r.metric = "feature_mean";
    r.condition = ds::alert_condition::sigma_band(10, 2);
    r.warning = ds::alert_level{2, 1.5};  // (6, 14), clear (7, 13)
    r.alarm = ds::alert_level{3, std::nullopt};  // (4, 16)
    ds::alert_tracker t(r);
    CHECK(trace(t, {10, 14.5, 13.5, 12.9, 3.9, 10}) ==
          strings{"1:W:i>p@1", "1:W:p>f@1", "3:W:f>r@1", "4:W:r>p@4", "4:W:p>f@4", "4:A:i>p@4", "4:A:p>f@4",
                  "5:W:f>r@4", "5:A:f>r@4"});
  }
  SECTION("relative_to_reference: missing share 10 points over the reference 0.02") {
    ds::alert_rule r;
    r.metric = "missing_share";
    r.condition = ds::alert_condition::relative_to_reference(0.02, ds::reference_side::over);
    r.warning = ds::alert_level{0.10, 0.05};  // fire above 0.12, stay above 0.07
    ds::alert_tracker t(r);
    CHECK(trace(t, {0.05, 0.13, 0.08, 0.06}) == strings{"1:W:i>p@1", "1:W:p>f@1", "3:W:f>r@1"});
    r.condition = ds::alert_condition::relative_to_reference(0.5, ds::reference_side::under);
    r.warning = ds::alert_level{0.1, std::nullopt};  // fire below 0.4
    ds::alert_tracker u(r);
    CHECK(trace(u, {0.45, 0.39, 0.41}) == strings{"1:W:i>p@1", "1:W:p>f@1", "2:W:f>r@1"});
  }
  SECTION("warning and alarm are independent alerts") {
    ds::alert_rule r = above(1.0, std::nullopt, 1);
    r.alarm = ds::alert_level{2.0, std::nullopt};
    ds::alert_tracker t(r);
    CHECK(trace(t, {3, 3, 1.5, 0}) ==
          strings{"0:W:i>p@0", "0:A:i>p@0", "1:W:p>f@0", "1:A:p>f@0", "2:A:f>r@0", "3:W:f>r@0"});
  }
}

TEST_CASE("alert_tracker: events go to the bounded log and the callback", "[alert_rule]") {
  std::vector<ds::alert_event> seen;
  ds::alert_rule r = above(1.0, std::nullopt, 0);
  r.name = "PsiHigh";
  ds::alert_tracker t(r, 3, [&](const ds::alert_event& e) { seen.push_back(e); });
  for (int k = 0; k < 4; ++k) {
    t.observe(2, (2 * k) * kMin);
    t.observe(0, (2 * k + 1) * kMin);
  }
  REQUIRE(seen.size() == 12);  // 4 episodes × (pending, firing, resolved)
  CHECK(seen[0].rule == "PsiHigh");
  CHECK(seen[0].value == 2);
  CHECK(seen[2].value == 0);
  CHECK(t.events().size() == 3);
  CHECK(t.events().dropped() == 9);
  CHECK(t.events()[0] == seen[9]);
  CHECK(t.events()[2] == seen[11]);
  CHECK(contains(message_of([&] { t.events().at(3); }), "out_of_range"));

  SECTION("capacity 0 keeps nothing but the callback still sees every event") {
    int calls = 0;
    ds::alert_tracker z(r, 0, [&](const ds::alert_event&) { ++calls; });
    z.observe(2, 0);
    CHECK(calls == 2);
    CHECK(z.events().empty());
    CHECK(z.events().dropped() == 2);
  }
  SECTION("a throwing callback: state and log are updated, the exception propagates") {
    ds::alert_tracker z(r, 10, [](const ds::alert_event&) { throw std::runtime_error("pager down"); });
    CHECK_THROWS_AS(z.observe(2, 0), std::runtime_error);
    CHECK(z.state(ds::alert_severity::warning) == ds::alert_state::firing);
    CHECK(z.events().size() == 2);
  }
  SECTION("active_since on an inactive severity is a domain error; reset clears everything") {
    CHECK(contains(message_of([&] { t.active_since(ds::alert_severity::warning); }), "domain_error"));
    t.observe(2, 100 * kMin);
    CHECK(t.active_since(ds::alert_severity::warning) == 100 * kMin);
    t.reset();
    CHECK(t.evaluations() == 0);
    CHECK_FALSE(t.last_timestamp());
    CHECK(t.events().empty());
    CHECK(t.state(ds::alert_severity::warning) == ds::alert_state::inactive);
    t.observe(0, 0);  // earlier timestamps are fine after reset
  }
}

TEST_CASE("alert_rule / alert_tracker bytes round-trip", "[alert_rule]") {
  ds::alert_rule r;
  r.metric = "feature:age_psi";
  r.name = "AgeDrift";
  r.condition = ds::alert_condition::sigma_band(0.1, 0.02);
  r.warning = ds::alert_level{2, 1.5};
  r.alarm = ds::alert_level{3, std::nullopt};
  r.for_duration = 2 * kMin;
  r.keep_firing_for = 3 * kMin;
  r.summary = "age PSI {{ $value }}";
  r.labels = {{"team", "ml"}, {"model", "house"}};
  r.annotations = {{"runbook", "https://example.org/x"}};

  const auto rb = r.serialize();
  CHECK(ds::alert_rule::deserialize(rb.data(), rb.size()) == r);
  for (std::size_t n = 0; n < rb.size(); ++n)
    CHECK(contains(message_of([&] { ds::alert_rule::deserialize(rb.data(), n); }), "out_of_range"));

  const std::vector<double> x{0.1, 0.15, 0.14, 0.16, 0.135, 0.2, 0.05, 0.1, 0.1, 0.1, 0.1, 0.1, 0.17, 0.1};
  ds::alert_tracker a(r, 5);
  for (std::size_t i = 0; i < 9; ++i) a.observe(x[i], static_cast<std::int64_t>(i) * kMin);
  const auto b1 = a.serialize();
  ds::alert_tracker b = ds::alert_tracker::deserialize(b1.data(), b1.size());
  CHECK(b.serialize() == b1);
  CHECK(b.rule() == r);
  CHECK(b.events().size() == a.events().size());
  for (std::size_t i = 0; i < a.events().size(); ++i) CHECK(b.events()[i] == a.events()[i]);
  CHECK(b.keeping_firing(ds::alert_severity::warning));
  for (std::size_t i = 9; i < x.size(); ++i) {
    const auto ta = a.observe(x[i], static_cast<std::int64_t>(i) * kMin);
    const auto tb = b.observe(x[i], static_cast<std::int64_t>(i) * kMin);
    REQUIRE(ta.size() == tb.size());
    for (std::size_t k = 0; k < ta.size(); ++k) {
      CHECK(ta[k].to_state == tb[k].to_state);
      CHECK(ta[k].active_since == tb[k].active_since);
    }
  }
  CHECK(a.serialize() == b.serialize());
  CHECK(a.events().dropped() > 0);

  SECTION("truncated bytes throw out_of_range") {
    for (std::size_t n = 0; n < b1.size(); ++n)
      CHECK(contains(message_of([&] { ds::alert_tracker::deserialize(b1.data(), n); }), "out_of_range"));
  }
  SECTION("corrupt bytes throw invalid_argument") {
    auto bad = [&](std::size_t at, std::uint8_t v) {
      auto c = b1;
      c[at] = v;
      return message_of([&] { ds::alert_tracker::deserialize(c.data(), c.size()); });
    };
    CHECK(contains(bad(0, 'X'), "bad magic"));
    CHECK(contains(bad(4, 40), "family id"));
    CHECK(contains(bad(5, 9), "version"));
    CHECK(contains(bad(6, 1), "flag"));
    auto extra = b1;
    extra.push_back(0);
    CHECK(contains(message_of([&] { ds::alert_tracker::deserialize(extra.data(), extra.size()); }), "trailing"));
    // the warning state byte follows the rule and 17 bytes of history
    const std::size_t state_at = 8 + r.serialize().size() - 8 + 17;
    CHECK(contains(bad(state_at, 7), "state must be"));
    // an unset severity cannot be active
    ds::alert_rule w = r;
    w.alarm.reset();
    ds::alert_tracker tw(w);
    tw.observe(0, 0);
    auto bw = tw.serialize();
    const std::size_t alarm_state_at = 8 + w.serialize().size() - 8 + 17 + 18;
    bw[alarm_state_at] = 2;
    CHECK(contains(message_of([&] { ds::alert_tracker::deserialize(bw.data(), bw.size()); }), "impossible"));
    // an invalid rule inside the bytes (metric name with a dash)
    auto br = rb;
    br[8 + 4 + 7] = '-';
    CHECK(contains(message_of([&] { ds::alert_rule::deserialize(br.data(), br.size()); }), "metric"));
  }
}

TEST_CASE("alert_rule validation names the bad argument", "[alert_rule]") {
  auto err = [](const ds::alert_rule& r) { return message_of([&] { r.validate(); }); };
  const ds::alert_rule ok = above(1.0, 0.8, 1, 1);
  CHECK(err(ok) == "no exception");

  ds::alert_rule r = ok;
  r.warning = ds::alert_level{1.0, 1.2};  // clear above fire for an upper bound
  auto m = err(r);
  CHECK(contains(m, "invalid_argument"));
  CHECK(contains(m, "clear level 1.2"));
  CHECK(contains(m, "fire level 1"));
  r.condition = ds::alert_condition::below();
  CHECK(err(r) == "no exception");  // for 'below' clear >= fire is right
  r.warning = ds::alert_level{1.0, 0.8};
  CHECK(contains(err(r), "must be >= its fire level"));

  r = ok;
  r.warning = ds::alert_level{kNaN, std::nullopt};
  CHECK(contains(err(r), "fire level must be finite"));
  r.warning = ds::alert_level{1.0, kNaN};
  CHECK(contains(err(r), "clear level must be finite"));
  r.warning = ds::alert_level{std::numeric_limits<double>::infinity(), std::nullopt};
  CHECK(contains(err(r), "fire level must be finite"));
  r.warning.reset();
  CHECK(contains(err(r), "both are unset"));

  r = ok;
  r.alarm = ds::alert_level{0.5, std::nullopt};
  CHECK(contains(err(r), "alarm fire level 0.5 must be >= the warning fire level 1"));

  r = ok;
  r.for_duration = -1;
  CHECK(contains(err(r), "for_duration must be >= 0"));
  r = ok;
  r.keep_firing_for = -kMin;
  CHECK(contains(err(r), "keep_firing_for must be >= 0"));

  for (const char* bad : {"", "1psi", "drift-psi", "psi score", "é"}) {
    r = ok;
    r.metric = bad;
    CHECK(contains(err(r), "metric must be a Prometheus metric name"));
  }
  r = ok;
  r.metric = "ns:drift_psi_2";
  CHECK(err(r) == "no exception");
  r.name = "Bad Name";
  CHECK(contains(err(r), "name must match"));

  r = ok;
  r.labels = {{"severity", "page"}};
  CHECK(contains(err(r), "reserved"));
  r.labels = {{"team", "a"}, {"team", "b"}};
  CHECK(contains(err(r), "duplicate label"));
  r.labels = {{"__x", "a"}};
  CHECK(contains(err(r), "label name"));
  r.labels = {};
  r.summary = "s";
  r.annotations = {{"summary", "t"}};
  CHECK(contains(err(r), "reserved"));

  r = ok;
  r.condition = ds::alert_condition::outside_band(0.8, 0.2);
  CHECK(contains(err(r), "low <= high"));
  r.condition = ds::alert_condition::outside_band(0.2, 0.8);
  r.warning = ds::alert_level{0.0, -0.4};  // clear band (0.6, 0.4) crosses
  CHECK(contains(err(r), "cross"));
  r.condition = ds::alert_condition::sigma_band(0, 0);
  r.warning = ds::alert_level{3, std::nullopt};
  CHECK(contains(err(r), "reference_sd > 0"));
  r.condition = ds::alert_condition::sigma_band(0, 1);
  r.warning = ds::alert_level{-1, std::nullopt};
  CHECK(contains(err(r), "cross"));
  r.condition = ds::alert_condition::relative_to_reference(kNaN);
  CHECK(contains(err(r), "finite reference"));
  r.condition = ds::alert_condition::above();
  r.condition.reference = 1;
  r.warning = ds::alert_level{1, std::nullopt};
  CHECK(contains(err(r), "reference does not apply"));

  CHECK(contains(message_of([&] { ds::alert_tracker t(r); }), "alert_tracker:"));
}

TEST_CASE("Prometheus durations", "[alert_rule]") {
  const std::int64_t s = 1000000000;
  CHECK(ds::format_prometheus_duration(0) == "0s");
  CHECK(ds::format_prometheus_duration(250000000) == "250ms");
  CHECK(ds::format_prometheus_duration(90 * s) == "90s");
  CHECK(ds::format_prometheus_duration(5 * 60 * s) == "5m");
  CHECK(ds::format_prometheus_duration(2 * 3600 * s) == "2h");
  CHECK(contains(message_of([] { ds::format_prometheus_duration(1); }), "whole number of milliseconds"));
  CHECK(contains(message_of([] { ds::format_prometheus_duration(-1000000); }), ">= 0"));
  CHECK(ds::parse_prometheus_duration("0") == 0);
  CHECK(ds::parse_prometheus_duration("1h30m") == 5400 * s);
  CHECK(ds::parse_prometheus_duration("1s500ms") == 1500000000);
  CHECK(ds::parse_prometheus_duration("2d") == 2 * 86400 * s);
  CHECK(ds::parse_prometheus_duration("1w") == 7 * 86400 * s);
  CHECK(ds::parse_prometheus_duration("1y") == 365 * 86400 * s);
  for (const char* bad : {"", "5", "m", "5x", "1m1h", "1m1m", "-5m", "1.5m", "5 m", "99999999999999999999s", "300y"})
    CHECK(contains(message_of([&] { ds::parse_prometheus_duration(bad); }), "invalid_argument"));
}

TEST_CASE("to_prometheus_yaml", "[alert_rule]") {
  ds::alert_rule r = above(0.25, 0.2, 5, 2);
  r.name = "PsiDrift";
  r.alarm = ds::alert_level{0.5, std::nullopt};
  r.summary = "PSI of \"age\" is {{ $value }}";
  r.labels = {{"team", "ml"}};
  ds::alert_rule b;
  b.metric = "ks_pvalue";
  b.condition = ds::alert_condition::outside_band(0.2, 0.8);
  b.alarm = ds::alert_level{0.0, -0.05};
  const std::string expected =
      "groups:\n"
      "  - name: \"driftscope\"\n"
      "    rules:\n"
      "      - alert: \"PsiDrift\"\n"
      "        expr: \"drift_psi > 0.25 or (drift_psi > 0.2 and on() "
      "ALERTS{alertname=\\\"PsiDrift\\\",severity=\\\"warning\\\",alertstate=~\\\"firing|pending\\\"})\"\n"
      "        for: 5m\n"
      "        keep_firing_for: 2m\n"
      "        labels:\n"
      "          severity: warning\n"
      "          team: \"ml\"\n"
      "        annotations:\n"
      "          summary: \"PSI of \\\"age\\\" is {{ $value }}\"\n"
      "      - alert: \"PsiDrift\"\n"
      "        expr: \"drift_psi > 0.5\"\n"
      "        for: 5m\n"
      "        keep_firing_for: 2m\n"
      "        labels:\n"
      "          severity: critical\n"
      "          team: \"ml\"\n"
      "        annotations:\n"
      "          summary: \"PSI of \\\"age\\\" is {{ $value }}\"\n"
      "      - alert: \"ks_pvalue\"\n"
      "        expr: \"(max(ks_pvalue)) < 0.2 or (max(ks_pvalue)) > 0.8 or (((max(ks_pvalue)) < 0.25 or "
      "(max(ks_pvalue)) > 0.75) and on() "
      "ALERTS{alertname=\\\"ks_pvalue\\\",severity=\\\"critical\\\",alertstate=~\\\"firing|pending\\\"})\"\n"
      "        labels:\n"
      "          severity: critical\n";
  ds::prometheus_rule_options o;
  o.expressions = {{"ks_pvalue", "max(ks_pvalue)"}};
  CHECK(ds::to_prometheus_yaml({r, b}, o) == expected);

  SECTION("thresholds print as the shortest decimal that reads back exactly") {
    ds::alert_rule s;
    s.metric = "m";
    s.condition = ds::alert_condition::sigma_band(0.1, 0.2);  // 0.1 + 3 * 0.2 = 0.7000000000000001
    s.warning = ds::alert_level{3, std::nullopt};
    CHECK(ds::prometheus_expression(s, ds::alert_severity::warning, "m") == "m < -0.5000000000000001 or m > 0.7000000000000001");
    CHECK(contains(message_of([&] { ds::prometheus_expression(s, ds::alert_severity::alarm, "m"); }), "no alarm level"));
  }
  SECTION("bad input") {
    o.expressions = {{"feature_x", "x"}};
    CHECK(contains(message_of([&] { ds::to_prometheus_yaml({r}, o); }), "unknown metric 'feature_x'"));
    o.expressions = {{"drift_psi", "  "}};
    CHECK(contains(message_of([&] { ds::to_prometheus_yaml({r}, o); }), "empty"));
    o.expressions = {};
    CHECK(contains(message_of([&] { ds::to_prometheus_yaml({r, r}); }), "two rules produce alert 'PsiDrift'"));
    ds::alert_rule ns = r;
    ns.for_duration = 1500;
    CHECK(contains(message_of([&] { ds::to_prometheus_yaml({ns}); }), "for_duration must be a whole number of milliseconds"));
    o.group = "";
    CHECK(contains(message_of([&] { ds::to_prometheus_yaml({r}, o); }), "group"));
    ns = r;
    ns.warning = ds::alert_level{0.3, 0.4};
    CHECK(contains(message_of([&] { ds::to_prometheus_yaml({ns}); }), "clear level 0.4"));
  }
}

TEST_CASE("alert_tracker::deserialize on mutated bytes: throws or round-trips", "[alert_rule]") {
  // A small deterministic fuzz loop (ASan / UBSan catch memory errors): every mutation of
  // valid bytes either throws invalid_argument / out_of_range, or decodes to a tracker whose
  // bytes decode to the same bytes again (unused levels are written as the canonical NaN,
  // so the first re-encoding may differ from the mutated input in a NaN payload) and that
  // keeps working.
  ds::alert_rule r = above(1.0, 0.8, 1, 2);
  r.alarm = ds::alert_level{2.0, std::nullopt};
  r.labels = {{"team", "ml"}};
  ds::alert_tracker t(r, 4);
  const std::vector<double> x{0, 2.5, 2.5, 0.9, 0.5, 0.5, 2.5, 1.5, 0.1};
  for (std::size_t i = 0; i < x.size(); ++i) t.observe(x[i], static_cast<std::int64_t>(i) * kMin);
  const auto good = t.serialize();
  std::mt19937_64 gen(7);
  std::size_t decoded = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    auto b = good;
    const int flips = 1 + static_cast<int>(gen() % 3);
    for (int k = 0; k < flips; ++k) b[gen() % b.size()] = static_cast<std::uint8_t>(gen());
    if (gen() % 8 == 0) b.resize(gen() % b.size());
    try {
      ds::alert_tracker u = ds::alert_tracker::deserialize(b.data(), b.size());
      ++decoded;
      const auto once = u.serialize();
      REQUIRE(once.size() == b.size());
      REQUIRE(ds::alert_tracker::deserialize(once.data(), once.size()).serialize() == once);
      u.observe(3.0, std::numeric_limits<std::int64_t>::max());
    } catch (const std::invalid_argument&) {
    } catch (const std::out_of_range&) {
    }
  }
  CHECK(decoded > 0);  // some mutations (values, timestamps) are valid states
}
