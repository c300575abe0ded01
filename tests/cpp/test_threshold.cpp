// Tests of driftscope::threshold_rule / threshold_tracker / event_log: golden sequences with
// hand-written traces, no flapping on a noisy score (hand-counted firings), the p-value
// direction, NaN skipping, a declarative brute-force oracle on random sequences,
// serialization mid-sequence, truncated / corrupt bytes, bad rules, the bounded log.

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "catch.hpp"
#include "driftscope/monitor/threshold.hpp"

namespace ds = driftscope;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr ds::alarm_level N = ds::alarm_level::none;
constexpr ds::alarm_level W = ds::alarm_level::warning;
constexpr ds::alarm_level A = ds::alarm_level::alarm;

template <class E, class F>
bool throws_with(F&& f, const std::string& needle) {
  try {
    f();
  } catch (const E& e) {
    return std::string(e.what()).find(needle) != std::string::npos;
  } catch (...) {
    return false;
  }
  return false;
}

std::vector<ds::alarm_level> trace(ds::threshold_tracker& t, const std::vector<double>& xs) {
  std::vector<ds::alarm_level> out;
  for (double x : xs) out.push_back(t.observe(x));
  return out;
}

std::string show(const std::vector<ds::alarm_level>& v) {
  std::string s;
  for (auto l : v) s += l == A ? 'A' : l == W ? 'W' : '-';
  return s;
}

// Declarative oracle, written from the documented rule rather than from the tracker's
// state machine: with NaN removed, level L fires at evaluation t iff
//   (alarm)   t - last_alarm > cooldown, t - last_alarm >= patience and the last `patience`
//             values are all over the alarm level;
//   (warning) alarm does not fire at t, t - last_warning > cooldown, t - last_alarm > cooldown,
//             t - max(last_warning, last_alarm) >= patience and the last `patience` values are
//             all over the warning level;
// where last_* is the evaluation of the level's last firing (-infinity if none).
std::vector<ds::alarm_level> oracle(const ds::threshold_rule& r, const std::vector<double>& xs) {
  std::vector<double> v;
  std::vector<std::size_t> pos;
  for (std::size_t i = 0; i < xs.size(); ++i)
    if (!std::isnan(xs[i])) {
      v.push_back(xs[i]);
      pos.push_back(i);
    }
  std::vector<ds::alarm_level> out(xs.size(), N);
  const long p = r.patience, c = r.cooldown;
  long last_a = -1000000000L, last_w = -1000000000L;
  auto all_over = [&](long t, double level) {
    for (long k = t - p + 1; k <= t; ++k) {
      if (k < 0) return false;
      const double x = v[static_cast<std::size_t>(k)];
      const bool over = r.direction == ds::threshold_direction::above ? x >= level : x < level;
      if (!over) return false;
    }
    return true;
  };
  for (long t = 0; t < static_cast<long>(v.size()); ++t) {
    ds::alarm_level l = N;
    if (r.has_alarm() && t - last_a > c && t - last_a >= p && all_over(t, r.alarm)) {
      l = A;
      last_a = t;
    } else if (r.has_warning() && t - last_w > c && t - last_a > c && t - std::max(last_w, last_a) >= p &&
               all_over(t, r.warning)) {
      l = W;
      last_w = t;
    }
    out[pos[static_cast<std::size_t>(t)]] = l;
  }
  return out;
}

}  // namespace

TEST_CASE("threshold_tracker golden traces", "[threshold]") {
  SECTION("file-comment example: warning 1, alarm 2, patience 2, cooldown 1") {
    ds::threshold_tracker t(ds::threshold_rule::distance(1.0, 2.0, 2, 1));
    CHECK(show(trace(t, {1.5, 1.5, 2.5, 2.5, 2.5, 2.5, 0, 1.2, 1.2})) == "-W-A-A--W");
  }
  SECTION("patience 1, cooldown 0: every evaluation over a level fires; alarm hides warning") {
    ds::threshold_tracker t(ds::threshold_rule::distance(0.1, 0.25));
    CHECK(show(trace(t, {0.0, 0.1, 0.2, 0.25, 0.3, 0.09999, 0.24, 0.5})) == "-WWAA-WA");
  }
  SECTION("cooldown 2 on a sustained alarm fires every 3 evaluations, warnings silenced") {
    ds::threshold_tracker t(ds::threshold_rule::distance(1.0, 2.0, 1, 2));
    CHECK(show(trace(t, {3, 3, 3, 3, 3, 3, 3, 1.5, 1.5, 1.5})) == "A--A--A--W");
  }
  SECTION("a warning does not silence the alarm; the alarm silences the warning for its cooldown") {
    ds::threshold_tracker t(ds::threshold_rule::distance(1.0, 2.0, 1, 5));
    CHECK(show(trace(t, {1.5, 2.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5})) == "WA-----W");
  }
  SECTION("patience 3: runs of 2 never fire, a run of 3 fires at its third value") {
    ds::threshold_tracker t(ds::threshold_rule::distance(kNaN, 1.0, 3, 0));
    CHECK(show(trace(t, {1, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1})) == "--------A--A-");
  }
  SECTION("warning only, alarm only") {
    ds::threshold_tracker w(ds::threshold_rule::distance(1.0, kNaN));
    CHECK(show(trace(w, {0, 5, 1, 100})) == "-WWW");
    ds::threshold_tracker a(ds::threshold_rule::distance(kNaN, 1.0));
    CHECK(show(trace(a, {0, 5, 0.5, 1})) == "-A-A");
  }
  SECTION("p-value direction: fires when value < level") {
    ds::threshold_tracker t(ds::threshold_rule::p_value(0.01, 0.001));
    CHECK(show(trace(t, {0.5, 0.009, 0.0005, 0.01, 0.001, 0.0, 1.0})) == "-WA-WA-");
    CHECK(t.rule().direction == ds::threshold_direction::below);
  }
  SECTION("NaN is no evaluation: it neither breaks a run nor counts toward a cooldown") {
    ds::threshold_tracker t(ds::threshold_rule::distance(kNaN, 1.0, 3, 1));
    CHECK(show(trace(t, {2, kNaN, 2, kNaN, kNaN, 2, kNaN, 2, 2, 2})) == "-----A---A");
    CHECK(t.observe(kNaN) == N);
  }
}

TEST_CASE("threshold_tracker does not flap on a noisy score (patience 3, cooldown 10)", "[threshold]") {
  // Oscillation around 0.25 with runs over the level of length 1 and 2 only.
  const std::vector<double> wobble = {0.26, 0.24, 0.27, 0.26, 0.23};  // over: x . x x .
  std::vector<double> xs;
  for (int k = 0; k < 12; ++k) xs.insert(xs.end(), wobble.begin(), wobble.end());  // 0..59
  for (int k = 0; k < 30; ++k) xs.push_back(0.3);                                   // 60..89
  for (int k = 0; k < 12; ++k) xs.insert(xs.end(), wobble.begin(), wobble.end());  // 90..149

  ds::threshold_tracker calm(ds::threshold_rule::distance(kNaN, 0.25, 3, 10));
  std::vector<std::size_t> fired;
  for (std::size_t i = 0; i < xs.size(); ++i)
    if (calm.observe(xs[i]) == A) fired.push_back(i);
  // Hand count: the oscillation never has 3 values in a row over 0.25 -> silent. The
  // sustained part (60..89) fires at its 3rd value (62); 63..72 are the cooldown while the
  // run keeps counting, so it fires at 73, then 84 (period max(3, 10 + 1) = 11). 85..94 are
  // the cooldown of 84 (the run 85..90 is over but silenced; 91 = 0.24 breaks it); the
  // trailing oscillation never reaches 3 in a row again.
  CHECK(fired == std::vector<std::size_t>{62, 73, 84});

  // The same stream with patience 1 / cooldown 0 flaps: 3 firings per 5 wobble values
  // (24 blocks -> 72) plus every sustained value (30).
  ds::threshold_tracker jumpy(ds::threshold_rule::distance(kNaN, 0.25));
  int n = 0;
  for (double x : xs) n += jumpy.observe(x) == A;
  CHECK(n == 72 + 30);
}

TEST_CASE("threshold_tracker matches a declarative oracle on random sequences", "[threshold]") {
  std::mt19937_64 gen(20261126);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::uniform_int_distribution<std::uint32_t> pick_p(1, 4), pick_c(0, 6);
  for (int rep = 0; rep < 300; ++rep) {
    const bool below = rep % 2 == 1;
    const std::uint32_t p = pick_p(gen), c = pick_c(gen);
    ds::threshold_rule r = below ? ds::threshold_rule::p_value(0.4, 0.2, p, c) : ds::threshold_rule::distance(0.6, 0.8, p, c);
    if (rep % 7 == 3) r.warning = kNaN;
    if (rep % 11 == 5 && r.has_warning()) r.alarm = kNaN;
    std::vector<double> xs(200);
    // Regime-switching values so that runs of every length occur.
    double centre = 0.5;
    for (double& x : xs) {
      if (u(gen) < 0.05) centre = u(gen);
      x = u(gen) < 0.03 ? kNaN : centre + 0.3 * (u(gen) - 0.5);
    }
    ds::threshold_tracker t(r);
    INFO("rep " << rep << " patience " << p << " cooldown " << c);
    REQUIRE(show(trace(t, xs)) == show(oracle(r, xs)));
  }
}

TEST_CASE("threshold_tracker bytes: restore mid-sequence continues identically", "[threshold]") {
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> xs(400);
  for (double& x : xs) x = u(gen) < 0.6 ? 0.7 + 0.2 * u(gen) : 0.5 * u(gen);
  const auto rule = ds::threshold_rule::distance(0.6, 0.8, 2, 3);
  for (std::size_t cut : {0u, 1u, 17u, 200u, 399u}) {
    ds::threshold_tracker a(rule);
    for (std::size_t i = 0; i < cut; ++i) a.observe(xs[i]);
    const auto bytes = a.serialize();
    CHECK(bytes.size() == ds::threshold_tracker::serial_preamble_bytes + ds::threshold_tracker::serial_payload_bytes);
    auto b = ds::threshold_tracker::deserialize(bytes.data(), bytes.size());
    CHECK(b == a);
    for (std::size_t i = cut; i < xs.size(); ++i) REQUIRE(a.observe(xs[i]) == b.observe(xs[i]));
  }
  SECTION("write / read embedded in a larger buffer") {
    ds::threshold_tracker a(ds::threshold_rule::p_value(0.05, 0.01, 3, 4));
    for (double x : {0.001, 0.001, 0.001, 0.001}) a.observe(x);
    std::vector<std::uint8_t> buf{0xAB};
    ds::detail::byte_writer w(buf);
    a.write(w);
    w.put(std::uint8_t{0xCD});
    ds::detail::byte_reader rd(buf.data(), buf.size(), "test");
    rd.skip(1, "lead");
    auto b = ds::threshold_tracker::read(rd);
    CHECK(rd.get<std::uint8_t>("tail") == 0xCD);
    CHECK(b == a);
    CHECK(b.alarm_silence() == 3);
  }
  SECTION("a default tracker round-trips and never fires") {
    ds::threshold_tracker d;
    const auto bytes = d.serialize();
    auto e = ds::threshold_tracker::deserialize(bytes.data(), bytes.size());
    CHECK(e.observe(1e300) == N);
    CHECK(e.observe(-1e300) == N);
  }
}

TEST_CASE("threshold_tracker bytes: truncated and corrupt", "[threshold]") {
  ds::threshold_tracker a(ds::threshold_rule::distance(0.1, 0.25, 2, 5));
  a.observe(0.3);
  a.observe(0.3);
  const auto good = a.serialize();
  for (std::size_t n = 0; n < good.size(); ++n) {
    INFO("length " << n);
    CHECK_THROWS_AS(ds::threshold_tracker::deserialize(good.data(), n), std::out_of_range);
  }
  auto corrupt = [&](std::size_t at, std::uint8_t v) {
    auto b = good;
    b[at] = v;
    return b;
  };
  auto fails = [](const std::vector<std::uint8_t>& b, const std::string& needle) {
    return throws_with<std::invalid_argument>([&] { ds::threshold_tracker::deserialize(b.data(), b.size()); }, needle);
  };
  CHECK(fails(corrupt(0, 'X'), "bad magic"));
  CHECK(fails(corrupt(4, 9), "family id"));
  CHECK(fails(corrupt(5, 9), "format version"));
  CHECK(fails(corrupt(6, 1), "flags"));
  CHECK(fails(corrupt(8, 2), "tracker format version"));
  CHECK(fails(corrupt(8 + 17, 2), "direction"));
  {
    auto b = good;  // patience 0
    for (int k = 0; k < 4; ++k) b[8 + 18 + static_cast<std::size_t>(k)] = 0;
    CHECK(fails(b, "patience"));
  }
  {
    auto b = good;  // silence[alarm] 6 > cooldown 5
    b[8 + 38] = 6;
    CHECK(fails(b, "exceeds the cooldown"));
  }
  {
    auto b = good;  // warning 0.1 -> +inf bit pattern (0x7FF0...)
    for (int k = 0; k < 6; ++k) b[8 + 1 + static_cast<std::size_t>(k)] = 0;
    b[8 + 7] = 0xF0;
    b[8 + 8] = 0x7F;
    CHECK(fails(b, "warning must be finite"));
  }
  {
    auto b = good;
    b.push_back(0);
    CHECK(fails(b, "trailing"));
  }
}

TEST_CASE("threshold_rule validation", "[threshold]") {
  auto bad = [](const ds::threshold_rule& r, const std::string& needle) {
    return throws_with<std::invalid_argument>([&] { ds::threshold_tracker t(r); }, needle);
  };
  CHECK(bad(ds::threshold_rule{}, "both are unset"));
  CHECK(bad(ds::threshold_rule::distance(kInf, 1.0), "warning must be finite, got inf"));
  CHECK(bad(ds::threshold_rule::distance(0.1, -kInf), "alarm must be finite"));
  CHECK(bad(ds::threshold_rule::distance(0.3, 0.2), "warning <= alarm, got warning 0.3 > alarm 0.2"));
  CHECK(bad(ds::threshold_rule::p_value(0.001, 0.01), "warning >= alarm"));
  CHECK(bad(ds::threshold_rule::distance(0.1, 0.2, 0), "patience must be >= 1, got 0"));
  CHECK_NOTHROW(ds::threshold_rule::distance(0.2, 0.2).validate("x"));
  CHECK_NOTHROW(ds::threshold_rule::p_value(0.05, kNaN, 5, 100).validate("x"));
  CHECK(throws_with<std::invalid_argument>([] { ds::threshold_rule::distance(0.2, 0.1).validate("my_fn"); }, "my_fn:"));
  CHECK(ds::parse_threshold_direction("below") == ds::threshold_direction::below);
  CHECK(throws_with<std::invalid_argument>([] { ds::parse_threshold_direction("up"); }, "direction must be"));
  CHECK(ds::parse_alarm_level("alarm") == A);
  CHECK(std::string(ds::to_string(W)) == "warning");
  CHECK(ds::threshold_rule::distance(0.1, kNaN) == ds::threshold_rule::distance(0.1, kNaN));
  CHECK(ds::threshold_rule::distance(0.1, kNaN) != ds::threshold_rule::p_value(0.1, kNaN));
}

TEST_CASE("event_log keeps the last capacity events", "[threshold]") {
  auto ev = [](int i) {
    ds::alarm_event e;
    e.feature = "f" + std::to_string(i);
    e.statistic = "psi";
    e.level = i % 2 ? A : W;
    e.value = i * 0.5;
    e.threshold = 0.25;
    e.window_end = static_cast<std::uint64_t>(1000 + i);
    e.has_timestamp = i % 3 == 0;
    e.timestamp = e.has_timestamp ? -7 * i : 0;
    return e;
  };
  ds::event_log log(3);
  CHECK(log.capacity() == 3);
  for (int i = 0; i < 5; ++i) log.push(ev(i));
  REQUIRE(log.size() == 3);
  CHECK(log.dropped() == 2);
  CHECK(log[0].feature == "f2");
  CHECK(log.events().back().feature == "f4");
  CHECK_THROWS_AS(log.at(3), std::out_of_range);

  std::vector<std::uint8_t> bytes;
  ds::detail::byte_writer w(bytes);
  log.write(w);
  {
    ds::detail::byte_reader rd(bytes.data(), bytes.size(), "test");
    auto back = ds::event_log::read(rd);
    CHECK(rd.remaining() == 0);
    REQUIRE(back.size() == 3);
    CHECK(back.dropped() == 2);
    CHECK(back.capacity() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
      const auto& a = log[i];
      const auto& b = back[i];
      CHECK(a.feature == b.feature);
      CHECK(a.statistic == b.statistic);
      CHECK(a.level == b.level);
      CHECK(a.value == b.value);
      CHECK(a.threshold == b.threshold);
      CHECK(a.window_end == b.window_end);
      CHECK(a.timestamp == b.timestamp);
      CHECK(a.has_timestamp == b.has_timestamp);
    }
  }
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    INFO("length " << n);
    ds::detail::byte_reader rd(bytes.data(), n, "test");
    CHECK_THROWS_AS(ds::event_log::read(rd), std::out_of_range);
  }
  {
    auto b = bytes;
    b[0] = 2;
    ds::detail::byte_reader rd(b.data(), b.size(), "test");
    CHECK(throws_with<std::invalid_argument>([&] { ds::event_log::read(rd); }, "version"));
  }
  {
    auto b = bytes;
    b[1] = 2;  // capacity 2 < 3 events
    ds::detail::byte_reader rd(b.data(), b.size(), "test");
    CHECK(throws_with<std::invalid_argument>([&] { ds::event_log::read(rd); }, "exceed the capacity"));
  }
  {
    auto b = bytes;
    b[25 + 4 + 2 + 4 + 3] = 3;  // level of the first event (feature "f2", statistic "psi")
    ds::detail::byte_reader rd(b.data(), b.size(), "test");
    CHECK(throws_with<std::invalid_argument>([&] { ds::event_log::read(rd); }, "event level"));
  }

  log.clear();
  CHECK(log.size() == 0);
  CHECK(log.dropped() == 0);
  ds::event_log none(0);
  none.push(ev(1));
  CHECK(none.size() == 0);
  CHECK(none.dropped() == 1);
}
