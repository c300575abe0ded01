// Tests of ratio_metric (include/driftscope/monitor/ratio_metric.hpp). Interval reference
// values are statsmodels 0.15's (proportion_confint(k, n, alpha, method='wilson') and
// stats.rates.confint_poisson(k, n, alpha, method='score')), copied here with the call
// that produced them; tests/python/test_exposition.py compares against statsmodels on
// random inputs.

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "catch.hpp"
#include "driftscope/monitor/ratio_metric.hpp"

namespace ds = driftscope;

namespace ratio_metric_test {

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

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

ds::ratio_metric make(std::int64_t k, std::int64_t n, ds::ratio_kind kind = ds::ratio_kind::proportion,
                      std::uint64_t min_volume = 100) {
  ds::ratio_metric m({kind, min_volume});
  m.add(k, n);
  return m;
}

}  // namespace ratio_metric_test

using namespace ratio_metric_test;

TEST_CASE("ratio_metric: Wilson interval matches statsmodels", "[ratio_metric]") {
  struct ref {
    std::int64_t k, n;
    double confidence, lower, upper;
  };
  // statsmodels.stats.proportion.proportion_confint(k, n, alpha=1-confidence, method='wilson')
  const ref cases[] = {
      {5, 100, 0.95, 0.021543679154367966, 0.11175046923191914},
      {0, 20, 0.95, 0.0, 0.1611251580528194},
      {20, 20, 0.95, 0.8388748419471804, 0.9999999999999999},
      {1, 3, 0.90, 0.07826572633372836, 0.746466131718776},
      {123, 4567, 0.99, 0.021414660531066426, 0.0338225637582557},
  };
  for (const ref& c : cases) {
    INFO(c.k << " / " << c.n << " at " << c.confidence);
    const auto ci = make(c.k, c.n).wilson_interval(c.confidence);
    CHECK_THAT(ci.lower, WithinAbs(c.lower, 1e-14));
    CHECK_THAT(ci.upper, WithinAbs(c.upper, 1e-14));
    CHECK(ci.confidence == c.confidence);
    CHECK(ci.lower <= make(c.k, c.n).value());
    CHECK(ci.upper >= make(c.k, c.n).value());
    // interval() of a proportion is the Wilson interval
    CHECK(make(c.k, c.n).interval(c.confidence).upper == ci.upper);
  }
  // the default confidence is 0.95
  CHECK(make(5, 100).wilson_interval().upper == make(5, 100).wilson_interval(0.95).upper);
  // wider at higher confidence, narrower with more volume
  CHECK(make(5, 100).wilson_interval(0.99).upper > make(5, 100).wilson_interval(0.9).upper);
  CHECK(make(50, 1000).wilson_interval().upper < make(5, 100).wilson_interval().upper);
}

TEST_CASE("ratio_metric: rates use the Poisson score interval (statsmodels)", "[ratio_metric]") {
  struct ref {
    std::int64_t k, n;
    double confidence, lower, upper;
  };
  // statsmodels.stats.rates.confint_poisson(k, n, alpha=1-confidence, method='score')
  const ref cases[] = {
      {130, 100, 0.95, 1.094913101544232, 1.5435014866627095},
      {0, 50, 0.95, 0.0, 0.07682917641388254},
      {7, 2, 0.90, 1.8977461638253943, 6.455025563222314},
  };
  for (const ref& c : cases) {
    INFO(c.k << " / " << c.n);
    const auto m = make(c.k, c.n, ds::ratio_kind::rate);
    const auto ci = m.interval(c.confidence);
    CHECK_THAT(ci.lower, WithinAbs(c.lower, 1e-13));
    CHECK_THAT(ci.upper, WithinRel(c.upper, 1e-14));
    CHECK(m.poisson_interval(c.confidence).lower == ci.lower);
  }
  const auto retries = make(130, 100, ds::ratio_kind::rate);
  CHECK(retries.value() == 1.3);
  CHECK(invalid_with([&] { retries.wilson_interval(); }, "has no Wilson interval"));
}

TEST_CASE("ratio_metric: minimum-volume guard and empty state", "[ratio_metric]") {
  ds::ratio_metric ctr({ds::ratio_kind::proportion, 500});
  CHECK_FALSE(ctr.ready());
  CHECK(std::isnan(ctr.alert_value()));
  CHECK_THROWS_AS(ctr.value(), std::domain_error);
  CHECK_THROWS_AS(ctr.wilson_interval(), std::domain_error);
  CHECK_THROWS_AS(ctr.poisson_interval(), std::domain_error);
  try {
    ctr.value();
  } catch (const std::domain_error& e) {
    CHECK(std::string(e.what()).find("denominator is 0") != std::string::npos);
  }
  ctr.add(0, 1);  // an impression
  ctr.add(1, 0);  // its click, counted separately
  CHECK(ctr.value() == 1.0);
  CHECK(std::isnan(ctr.alert_value()));  // 1 of 1 is no basis for an alert
  ctr.add(20, 498);
  CHECK(ctr.denominator() == 499);
  CHECK_FALSE(ctr.ready());
  ctr.add(0, 1);
  CHECK(ctr.ready());
  CHECK(ctr.alert_value() == 21.0 / 500.0);
  CHECK(ctr.numerator() == 21);
  // min_volume 0 behaves as 1: ready with any volume
  ds::ratio_metric any({ds::ratio_kind::proportion, 0});
  CHECK_FALSE(any.ready());
  any.add(0, 1);
  CHECK(any.ready());
  CHECK(any.alert_value() == 0.0);
  ctr.reset();
  CHECK(ctr.denominator() == 0);
  CHECK(ctr.min_volume() == 500);
}

TEST_CASE("ratio_metric: bad input", "[ratio_metric]") {
  ds::ratio_metric m;
  CHECK(invalid_with([&] { m.add(-1, 5); }, "numerator must be >= 0, got -1"));
  CHECK(invalid_with([&] { m.add(1, -5); }, "denominator must be >= 0, got -5"));
  m.add(3, 5);
  CHECK(invalid_with([&] { m.add(3, 0); }, "numerator (6) would exceed its denominator (5)"));
  CHECK(m.numerator() == 3);  // nothing added
  CHECK(invalid_with([&] { m.wilson_interval(0); }, "confidence must be in (0, 1), got 0"));
  CHECK(invalid_with([&] { m.wilson_interval(1); }, "confidence must be in (0, 1)"));
  CHECK(invalid_with([&] { m.interval(std::nan("")); }, "confidence must be in (0, 1)"));
  CHECK(invalid_with([&] { m.poisson_interval(-0.5); }, "confidence must be in (0, 1)"));
  ds::ratio_metric big({ds::ratio_kind::rate, 1});
  const auto top = std::numeric_limits<std::int64_t>::max();
  big.add(top, top);
  big.add(top, top);
  CHECK(invalid_with([&] { big.add(top, 0); }, "overflow"));
  CHECK(invalid_with([] { ds::ratio_metric({static_cast<ds::ratio_kind>(7), 1}); }, "kind must be"));
  CHECK(ds::parse_ratio_kind("rate") == ds::ratio_kind::rate);
  CHECK(invalid_with([] { ds::parse_ratio_kind("ratio"); }, "kind must be 'proportion' or 'rate'"));
}

TEST_CASE("ratio_metric: merge and bytes", "[ratio_metric]") {
  auto a = make(3, 40);
  const auto b = make(5, 60);
  a.merge(b);
  CHECK(a.numerator() == 8);
  CHECK(a.denominator() == 100);
  CHECK(a.wilson_interval().lower == make(8, 100).wilson_interval().lower);
  CHECK(invalid_with([&] { a.merge(make(1, 2, ds::ratio_kind::rate)); }, "kind rate"));
  CHECK(invalid_with([&] { a.merge(make(1, 2, ds::ratio_kind::proportion, 7)); }, "min_volume 7"));

  const auto m = make(17, 250, ds::ratio_kind::rate, 33);
  const auto bytes = m.serialize();
  REQUIRE(bytes.size() == ds::ratio_metric::serialized_bytes);
  const auto r = ds::ratio_metric::deserialize(bytes.data(), bytes.size());
  CHECK(r.kind() == ds::ratio_kind::rate);
  CHECK(r.min_volume() == 33);
  CHECK(r.numerator() == 17);
  CHECK(r.denominator() == 250);
  CHECK(r.serialize() == bytes);
  for (std::size_t len = 0; len < bytes.size(); ++len) {
    INFO("length " << len);
    CHECK_THROWS_AS(ds::ratio_metric::deserialize(bytes.data(), len), std::out_of_range);
  }
  auto corrupt = [&](std::vector<std::uint8_t> buf, std::size_t at, std::uint8_t v, const std::string& needle) {
    buf[at] = v;
    CHECK(invalid_with([&] { ds::ratio_metric::deserialize(buf.data(), buf.size()); }, needle));
  };
  corrupt(bytes, 0, 'X', "bad magic");
  corrupt(bytes, 4, 42, "family id");
  corrupt(bytes, 5, 9, "version");
  corrupt(bytes, 7, 1, "flag bytes");
  corrupt(bytes, 8, 2, "kind must be 0");
  // a proportion whose numerator exceeds its denominator
  auto p = make(17, 250).serialize();
  corrupt(p, 17, 0xff, "exceeds its denominator");
  auto trailing = bytes;
  trailing.push_back(0);
  CHECK(invalid_with([&] { ds::ratio_metric::deserialize(trailing.data(), trailing.size()); }, "trailing"));
}
