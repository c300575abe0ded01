// Tests of rate_meter (include/driftscope/monitor/rate_meter.hpp). Expected rates are
// hand-computed from the EWMA definition (derivations in the comments), not taken from
// this code's output.

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "catch.hpp"
#include "driftscope/monitor/rate_meter.hpp"

namespace ds = driftscope;

namespace rate_meter_test {

using Catch::Matchers::WithinRel;

constexpr std::int64_t s = 1'000'000'000;  // one second in ns

template <class F>
bool invalid_with(F&& f, const std::string& needle) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).find(needle) != std::string::npos) return true;
    FAIL_CHECK("message '" << e.what() << "' lacks '" << needle << "'");
  }
  return false;
}

void check_rates(const ds::meter_rates& r, double m1, double m5, double m15) {
  CHECK_THAT(r.m1, WithinRel(m1, 1e-12));
  CHECK_THAT(r.m5, WithinRel(m5, 1e-12));
  CHECK_THAT(r.m15, WithinRel(m15, 1e-12));
}

}  // namespace rate_meter_test

using namespace rate_meter_test;

TEST_CASE("rate_meter: first tick initializes, idle ticks decay in closed form", "[rate_meter]") {
  ds::rate_meter m(0);
  m.mark(50, 1 * s);  // 50 events in the first tick [0 s, 5 s)
  // before the tick ends nothing is reported
  check_rates(m.rates(4 * s), 0, 0, 0);
  CHECK(m.rates(4 * s).m1 == 0);
  // at 5 s the first tick completes: its instantaneous rate 50 / 5 s = 10/s initializes
  // every window (Dropwizard)
  check_rates(m.rates(5 * s), 10, 10, 10);
  // at 65 s, 13 ticks have completed: the first plus 12 idle ones, each multiplying by
  // (1 − α) = exp(−5 / (60·m)), so r = 10·exp(−12·5 / (60·m)) = 10·exp(−1/m):
  //   m = 1:  10·e^−1      = 3.6787944117144233
  //   m = 5:  10·e^−0.2    = 8.187307530779819
  //   m = 15: 10·e^−1/15   = 9.355069850316177
  check_rates(m.rates(65 * s), 3.6787944117144233, 8.187307530779819, 9.355069850316177);
  // the query did not move the clock: an earlier query is still fine
  check_rates(m.rates(5 * s), 10, 10, 10);
  // moving the clock gives the same numbers
  m.advance(67 * s);
  check_rates(m.rates(67 * s), 3.6787944117144233, 8.187307530779819, 9.355069850316177);
  CHECK(m.count() == 50);
}

TEST_CASE("rate_meter: the EWMA step after initialization", "[rate_meter]") {
  ds::rate_meter m(0);
  m.mark(10, 0);      // tick 1: 10 events -> instantaneous 2/s -> r = 2 (initialization)
  m.mark(20, 5 * s);  // tick 2: 20 events -> instantaneous 4/s
  // after tick 2 (t = 10 s): r = 2 + α·(4 − 2), α = 1 − exp(−5/(60·m)):
  //   α1  = 1 − e^(−1/12)  = 0.07995558537067671  -> r = 2.1599111707413536
  //   α5  = 1 − e^(−1/60)  = 0.01652854617838251  -> r = 2.033057092356765
  //   α15 = 1 − e^(−1/180) = 0.005540151995103271 -> r = 2.0110803039902065
  check_rates(m.rates(10 * s), 2.1599111707413536, 2 + 2 * 0.01652854617838251, 2 + 2 * 0.005540151995103271);
}

TEST_CASE("rate_meter: a step in a steady stream", "[rate_meter]") {
  // 5 events per second for 100 s, then 10 per second for 60 s, marked once per tick
  ds::rate_meter a(0);
  for (int tick = 0; tick < 20; ++tick) a.mark(25, tick * 5 * s);  // 25 per 5 s tick = 5/s
  // steady 5/s: the initialized rate stays 5 in every window
  check_rates(a.rates(100 * s), 5, 5, 5);
  for (int tick = 20; tick < 32; ++tick) a.mark(50, tick * 5 * s);  // 50 per tick = 10/s for 12 ticks
  // after 12 ticks at 10/s from 5/s: r = 10 − 5·(1 − α)^12 = 10 − 5·exp(−1/m)
  //   m = 1: 8.160602794142788, m = 5: 5.906346234610091, m = 15: 5.322465074841912
  check_rates(a.rates(160 * s), 8.160602794142788, 5.906346234610091, 5.322465074841912);
  CHECK(a.count() == 20 * 25 + 12 * 50);
  // mean rate: 1100 events over 160 s
  CHECK_THAT(a.mean_rate(160 * s), WithinRel(1100.0 / 160.0, 1e-15));
}

TEST_CASE("rate_meter: long idle gaps are O(1) and match tick-by-tick decay", "[rate_meter]") {
  ds::rate_meter closed(0), stepwise(0);
  closed.mark(100, 0);
  stepwise.mark(100, 0);
  const int ticks = 700;  // about an hour
  for (int k = 1; k <= ticks; ++k) stepwise.advance(k * 5 * s);
  closed.advance(ticks * 5 * s);
  const auto a = closed.rates(ticks * 5 * s);
  const auto b = stepwise.rates(ticks * 5 * s);
  CHECK_THAT(a.m1, WithinRel(b.m1, 1e-10));
  CHECK_THAT(a.m5, WithinRel(b.m5, 1e-10));
  CHECK_THAT(a.m15, WithinRel(b.m15, 1e-10));
  // 20 / s · exp(−699·5/(60·15)) for the 15-minute window
  CHECK_THAT(a.m15, WithinRel(20 * std::exp(-699.0 * 5 / 900), 1e-12));
  // 300 years of silence in one step: the rates underflow to 0, no loop
  const std::int64_t far = std::numeric_limits<std::int64_t>::max() - 1;
  const auto z = closed.rates(far);
  CHECK(z.m1 == 0);
  CHECK(z.m15 == 0);
  closed.mark(1, far);
  CHECK(closed.count() == 101);
}

TEST_CASE("rate_meter: clock rules and the default start", "[rate_meter]") {
  ds::rate_meter m;
  CHECK_FALSE(m.started());
  check_rates(m.rates(123), 0, 0, 0);
  CHECK(m.mean_rate(123) == 0);
  m.mark(5, 7 * s);  // starts the tick grid at 7 s
  CHECK(m.started());
  CHECK(m.start_ns() == 7 * s);
  check_rates(m.rates(11 * s), 0, 0, 0);
  check_rates(m.rates(12 * s), 1, 1, 1);  // tick [7 s, 12 s) had 5 events
  CHECK(invalid_with([&] { m.mark(1, 6 * s); }, "timestamp must not go back"));
  CHECK(invalid_with([&] { m.advance(6 * s); }, "timestamp"));
  CHECK(invalid_with([&] { m.rates(6 * s); }, "timestamp"));
  CHECK(invalid_with([&] { m.mean_rate(6 * s); }, "timestamp"));
  CHECK(m.count() == 5);  // nothing was added by the failed mark
  // events but no elapsed time: the mean rate is undefined
  CHECK_THROWS_AS(m.mean_rate(7 * s), std::domain_error);
  CHECK_THAT(m.mean_rate(9 * s), WithinRel(2.5, 1e-15));
  // a constructed start refuses earlier marks
  ds::rate_meter c(10 * s);
  CHECK(invalid_with([&] { c.mark(1, 9 * s); }, "timestamp"));
  // negative timestamps are ordinary times
  ds::rate_meter neg(-10 * s);
  neg.mark(10, -9 * s);
  check_rates(neg.rates(-5 * s), 2, 2, 2);
}

TEST_CASE("rate_meter: merge sums aligned meters", "[rate_meter]") {
  SECTION("shards started on the same tick merge into the meter of both streams") {
    ds::rate_meter a(0), b(0), both(0);
    for (int k = 0; k < 40; ++k) {
      const std::int64_t t = k * s;
      const auto nb = static_cast<std::uint64_t>(k % 4);
      a.mark(3, t);
      b.mark(nb, t + s / 2);
      both.mark(3, t);
      both.mark(nb, t + s / 2);
    }
    b.advance(47 * s);  // b's clock two ticks ahead of a's
    both.advance(47 * s);
    ds::rate_meter merged = a;
    merged.merge(b);
    for (std::int64_t t : {47 * s, 50 * s, 200 * s}) {
      const auto r = merged.rates(t);
      const auto e = both.rates(t);
      CHECK_THAT(r.m1, WithinRel(e.m1, 1e-12));
      CHECK_THAT(r.m5, WithinRel(e.m5, 1e-12));
      CHECK_THAT(r.m15, WithinRel(e.m15, 1e-12));
    }
    CHECK(merged.count() == both.count());
    CHECK(merged.start_ns() == 0);
    CHECK(merged.last_timestamp_ns() == 47 * s);
    ds::rate_meter merged2 = b;  // the other order
    merged2.merge(a);
    CHECK_THAT(merged2.rates(50 * s).m5, WithinRel(both.rates(50 * s).m5, 1e-12));
  }
  SECTION("shards on one grid, started apart: the merged rates are the sums from then on") {
    ds::rate_meter a(0), b(10 * s);
    for (int k = 0; k < 40; ++k) a.mark(3, k * s);
    for (int k = 10; k < 33; ++k) b.mark(static_cast<std::uint64_t>(k % 5), k * s);
    ds::rate_meter merged = a;
    merged.merge(b);
    CHECK(merged.start_ns() == 0);
    // the same later events into the merged meter and into each shard
    for (int k = 40; k < 90; ++k) {
      merged.mark(5, k * s);
      a.mark(2, k * s);
      b.mark(3, k * s);
    }
    for (std::int64_t t : {90 * s, 95 * s, 400 * s}) {
      const auto r = merged.rates(t);
      const auto ra = a.rates(t), rb = b.rates(t);
      CHECK_THAT(r.m1, WithinRel(ra.m1 + rb.m1, 1e-12));
      CHECK_THAT(r.m5, WithinRel(ra.m5 + rb.m5, 1e-12));
      CHECK_THAT(r.m15, WithinRel(ra.m15 + rb.m15, 1e-12));
    }
  }
  SECTION("a meter that has not started is the identity") {
    ds::rate_meter a(0);
    a.mark(10, s);
    ds::rate_meter empty;
    ds::rate_meter m = a;
    m.merge(empty);
    CHECK(m.rates(50 * s).m1 == a.rates(50 * s).m1);
    empty.merge(a);
    CHECK(empty.rates(50 * s).m1 == a.rates(50 * s).m1);
    CHECK(empty.count() == 10);
  }
  SECTION("ticks that are not aligned") {
    ds::rate_meter a(0), off(s / 2);
    off.mark(1, s);
    CHECK(invalid_with([&] { a.merge(off); }, "not aligned"));
  }
}

TEST_CASE("rate_meter: bytes round trip and corrupt bytes", "[rate_meter]") {
  ds::rate_meter m(3 * s);
  for (int k = 0; k < 30; ++k) m.mark(static_cast<std::uint64_t>(k), 3 * s + k * (s / 3));
  const auto bytes = m.serialize();
  REQUIRE(bytes.size() == ds::rate_meter::serialized_bytes);
  REQUIRE(m.serialized_size_bytes() == bytes.size());
  auto r = ds::rate_meter::deserialize(bytes.data(), bytes.size());
  CHECK(r.serialize() == bytes);
  // same future outputs
  m.mark(7, 40 * s);
  r.mark(7, 40 * s);
  CHECK(r.rates(100 * s).m1 == m.rates(100 * s).m1);
  CHECK(r.rates(100 * s).m15 == m.rates(100 * s).m15);
  CHECK(r.mean_rate(100 * s) == m.mean_rate(100 * s));
  // an unstarted meter round-trips
  const auto e = ds::rate_meter().serialize();
  CHECK_FALSE(ds::rate_meter::deserialize(e.data(), e.size()).started());

  for (std::size_t len = 0; len < bytes.size(); ++len) {
    INFO("length " << len);
    CHECK_THROWS_AS(ds::rate_meter::deserialize(bytes.data(), len), std::out_of_range);
  }
  auto corrupt = [&](std::size_t at, std::uint8_t v, const std::string& needle) {
    auto b = bytes;
    b[at] = v;
    CHECK(invalid_with([&] { ds::rate_meter::deserialize(b.data(), b.size()); }, needle));
  };
  corrupt(0, 'X', "bad magic");
  corrupt(4, 41, "family id");
  corrupt(5, 2, "version");
  corrupt(6, 1, "flag bytes");
  corrupt(8, 2, "started / initialized");
  corrupt(18, 1, "not on the grid");        // tick start off the 5 s grid
  corrupt(33, 0x7f, "outside the current tick");  // last timestamp far ahead
  corrupt(49, 0xff, "pending events");      // pending > count
  corrupt(57, 0xff, "rates must be finite");  // a rate's top byte: NaN / negative
  auto trailing = bytes;
  trailing.push_back(0);
  CHECK(invalid_with([&] { ds::rate_meter::deserialize(trailing.data(), trailing.size()); }, "trailing"));
  auto not_started = e;
  not_started[20] = 1;
  CHECK(invalid_with([&] { ds::rate_meter::deserialize(not_started.data(), not_started.size()); }, "no state"));
}
