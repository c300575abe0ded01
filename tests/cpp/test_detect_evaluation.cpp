// Tests of driftscope::evaluate_detections / merge (detect/evaluation.hpp): every
// expected value is computed by hand from the definitions in the header comment (the
// working is in the comments), plus the edge cases and the invalid-input errors.

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "catch.hpp"
#include "driftscope/detect/evaluation.hpp"
#include "stats_test_util.hpp"

namespace ds = driftscope;
using stats_test::throws_with;

namespace {

using u64 = std::uint64_t;
constexpr double kInf = std::numeric_limits<double>::infinity();

bool close(double a, double b) {
  if (std::isnan(b)) return std::isnan(a);
  if (std::isinf(b)) return a == b;
  return std::fabs(a - b) <= 1e-12 * std::fabs(b) + 1e-15;
}

}  // namespace

TEST_CASE("evaluation: abrupt drifts, repeated and stray detections", "[detect][evaluation]") {
  // n = 100, drifts at 20 and 60, max_delay 20: windows [20, 40) and [60, 80).
  // 10: false alarm (before the first window); 25: finds drift 0, delay 5; 30: a second
  // detection in window 0, a false alarm; 70: finds drift 1, delay 10; 90: false alarm.
  const auto m = ds::evaluate_detections(std::vector<u64>{20, 60}, {10, 25, 30, 70, 90}, 100, 20);
  CHECK(m.n == 100);
  CHECK(m.max_delay == 20);
  CHECK(m.n_drifts == 2);
  CHECK(m.n_detections == 5);
  CHECK(m.true_positives == 2);
  CHECK(m.false_positives == 3);
  CHECK(m.false_negatives == 0);
  CHECK(m.delay_sum == 15);
  CHECK(m.detected_at == std::vector<std::int64_t>{25, 70});
  CHECK(m.delays == std::vector<std::int64_t>{5, 10});
  CHECK(close(m.mtd, 7.5));           // (5 + 10) / 2
  CHECK(close(m.mtfa, 100.0 / 3.0));  // n / FP
  CHECK(close(m.mdr, 0.0));
  CHECK(close(m.mtr, (100.0 / 3.0) / 7.5));  // MTFA / MTD * (1 - 0)
  CHECK(close(m.precision, 0.4));            // 2 / 5
  CHECK(close(m.recall, 1.0));
  CHECK(close(m.f1, 4.0 / 7.0));                // 2*2 / (2*2 + 3 + 0)
  CHECK(close(m.false_alarms_per_1000, 30.0));  // 1000 * 3 / 100
}

TEST_CASE("evaluation: max_delay is an exclusive bound on the delay", "[detect][evaluation]") {
  // drift at 10, max_delay 5: window [10, 15)
  const auto hit = ds::evaluate_detections(std::vector<u64>{10}, {14}, 50, 5);
  CHECK(hit.true_positives == 1);
  CHECK(hit.delays == std::vector<std::int64_t>{4});
  CHECK(close(hit.mtd, 4.0));
  CHECK(close(hit.mtfa, kInf));
  CHECK(close(hit.mtr, kInf));
  CHECK(close(hit.f1, 1.0));

  const auto late = ds::evaluate_detections(std::vector<u64>{10}, {15}, 50, 5);
  CHECK(late.true_positives == 0);
  CHECK(late.false_positives == 1);
  CHECK(late.false_negatives == 1);
  CHECK(late.detected_at == std::vector<std::int64_t>{-1});
  CHECK(late.delays == std::vector<std::int64_t>{-1});
  CHECK(std::isnan(late.mtd));
  CHECK(close(late.mtfa, 50.0));
  CHECK(close(late.mdr, 1.0));
  CHECK(std::isnan(late.mtr));
  CHECK(close(late.precision, 0.0));
  CHECK(close(late.recall, 0.0));
  CHECK(close(late.f1, 0.0));  // 0 / (0 + 1 + 1)
  CHECK(close(late.false_alarms_per_1000, 20.0));

  // one value before the drift is a false alarm, the drift position itself has delay 0
  const auto early = ds::evaluate_detections(std::vector<u64>{10}, {9, 10}, 50, 1);
  CHECK(early.true_positives == 1);
  CHECK(early.false_positives == 1);
  CHECK(early.delays == std::vector<std::int64_t>{0});
  CHECK(close(early.mtd, 0.0));
  CHECK(close(early.mtr, kInf));  // MTD = 0 with a detection
}

TEST_CASE("evaluation: gradual drifts and windows cut at the next drift", "[detect][evaluation]") {
  // n = 400, gradual drift [100, 200) and an abrupt one at 220, max_delay 50:
  // window 0 = [100, min(200 + 50, 220)) = [100, 220), window 1 = [220, 270).
  // 90 false alarm; 210 finds drift 0 (delay 110, counted from the start); 215 second in
  // window 0; 230 finds drift 1 (delay 10); 300 after window 1.
  const std::vector<ds::true_drift> truth = {{100, 200}, {220, 220}};
  const auto m = ds::evaluate_detections(truth, {90, 210, 215, 230, 300}, 400, 50);
  CHECK(m.true_positives == 2);
  CHECK(m.false_positives == 3);
  CHECK(m.false_negatives == 0);
  CHECK(m.detected_at == std::vector<std::int64_t>{210, 230});
  CHECK(m.delays == std::vector<std::int64_t>{110, 10});
  CHECK(close(m.mtd, 60.0));
  CHECK(close(m.mtfa, 400.0 / 3.0));
  CHECK(close(m.mtr, (400.0 / 3.0) / 60.0));
  CHECK(close(m.f1, 4.0 / 7.0));

  // without the detection at 210, window 0 is empty: 215 finds drift 0 instead
  const auto m2 = ds::evaluate_detections(truth, {90, 215, 230, 300}, 400, 50);
  CHECK(m2.delays == std::vector<std::int64_t>{115, 10});
  // with max_delay 11 the windows are [100, 211) and [220, 231): 215 falls between them
  const auto m3 = ds::evaluate_detections(truth, {215, 230}, 400, 11);
  CHECK(m3.detected_at == std::vector<std::int64_t>{-1, 230});
  CHECK(m3.true_positives == 1);
  CHECK(m3.false_positives == 1);
  CHECK(close(m3.mdr, 0.5));
  CHECK(close(m3.mtd, 10.0));
  CHECK(close(m3.mtfa, 400.0));
  CHECK(close(m3.mtr, 400.0 / 10.0 * 0.5));
  CHECK(close(m3.precision, 0.5));
  CHECK(close(m3.recall, 0.5));
  CHECK(close(m3.f1, 0.5));  // 2 / (2 + 1 + 1)

  // a drift that ends where the next starts is fine; the window of an interval that
  // reaches n stops at n
  const std::vector<ds::true_drift> touching = {{10, 20}, {20, 20}, {30, 40}};
  // windows [10, 20), [20, 25), [30, 40)
  const auto t = ds::evaluate_detections(touching, {15, 24, 25, 39}, 40, 5);
  CHECK(t.detected_at == std::vector<std::int64_t>{15, 24, 39});
  CHECK(t.delays == std::vector<std::int64_t>{5, 4, 9});
  CHECK(t.false_positives == 1);  // 25
}

TEST_CASE("evaluation: unbounded max_delay runs each window to the next drift",
          "[detect][evaluation]") {
  // windows [10, 50) and [50, 100)
  const auto m = ds::evaluate_detections(std::vector<u64>{10, 50}, {45, 99}, 100);
  CHECK(m.max_delay == ds::unbounded_delay);
  CHECK(m.delays == std::vector<std::int64_t>{35, 49});
  CHECK(close(m.mtd, 42.0));
  CHECK(m.false_positives == 0);
  CHECK(close(m.mtfa, kInf));
  CHECK(close(m.mtr, kInf));
  // a huge finite max_delay behaves the same (no overflow in end + max_delay)
  const auto big =
      ds::evaluate_detections(std::vector<u64>{10, 50}, {45, 99}, 100, ds::unbounded_delay - 1);
  CHECK(big.delays == m.delays);
}

TEST_CASE("evaluation: edge cases", "[detect][evaluation]") {
  SECTION("no detections") {
    const auto m = ds::evaluate_detections(std::vector<u64>{5}, {}, 10, 3);
    CHECK(m.true_positives == 0);
    CHECK(m.false_negatives == 1);
    CHECK(std::isnan(m.mtd));
    CHECK(close(m.mtfa, kInf));
    CHECK(close(m.mdr, 1.0));
    CHECK(std::isnan(m.mtr));
    CHECK(std::isnan(m.precision));
    CHECK(close(m.recall, 0.0));
    CHECK(close(m.f1, 0.0));
    CHECK(close(m.false_alarms_per_1000, 0.0));
  }
  SECTION("no true drifts") {
    const auto m = ds::evaluate_detections(std::vector<u64>{}, {3, 7}, 10, 3);
    CHECK(m.true_positives == 0);
    CHECK(m.false_positives == 2);
    CHECK(m.false_negatives == 0);
    CHECK(m.detected_at.empty());
    CHECK(std::isnan(m.mtd));
    CHECK(close(m.mtfa, 5.0));
    CHECK(std::isnan(m.mdr));
    CHECK(std::isnan(m.mtr));
    CHECK(close(m.precision, 0.0));
    CHECK(std::isnan(m.recall));
    CHECK(close(m.f1, 0.0));
    CHECK(close(m.false_alarms_per_1000, 200.0));
  }
  SECTION("nothing at all") {
    const auto m = ds::evaluate_detections(std::vector<u64>{}, {}, 1, 1);
    CHECK(close(m.mtfa, kInf));
    CHECK(std::isnan(m.precision));
    CHECK(std::isnan(m.recall));
    CHECK(std::isnan(m.f1));
    CHECK(close(m.false_alarms_per_1000, 0.0));
  }
  SECTION("pointer interface with zero sizes") {
    const auto m = ds::evaluate_detections(nullptr, 0, nullptr, 0, 7, 2);
    CHECK(m.n == 7);
    CHECK(m.n_drifts == 0);
  }
}

TEST_CASE("evaluation: merge pools counts, delays and lengths", "[detect][evaluation]") {
  const auto a = ds::evaluate_detections(std::vector<u64>{20, 60}, {10, 25, 30, 70, 90}, 100, 20);
  const auto b = ds::evaluate_detections(std::vector<u64>{10, 200}, {100, 211, 212}, 400, 20);
  // b: drift 10 missed (100 is late: window [10, 30)), drift 200 found at 211 (delay 11)
  REQUIRE(b.delays == std::vector<std::int64_t>{-1, 11});
  const auto m = ds::merge(a, b);
  CHECK(m.n == 500);
  CHECK(m.n_drifts == 4);
  CHECK(m.n_detections == 8);
  CHECK(m.true_positives == 3);
  CHECK(m.false_positives == 5);
  CHECK(m.false_negatives == 1);
  CHECK(m.delay_sum == 26);
  CHECK(m.detected_at == std::vector<std::int64_t>{25, 70, -1, 211});
  CHECK(m.delays == std::vector<std::int64_t>{5, 10, -1, 11});
  CHECK(close(m.mtd, 26.0 / 3.0));
  CHECK(close(m.mtfa, 100.0));  // 500 / 5
  CHECK(close(m.mdr, 0.25));
  CHECK(close(m.mtr, 100.0 / (26.0 / 3.0) * 0.75));
  CHECK(close(m.precision, 3.0 / 8.0));
  CHECK(close(m.recall, 0.75));
  CHECK(close(m.f1, 6.0 / 12.0));  // 2*3 / (6 + 5 + 1)
  CHECK(close(m.false_alarms_per_1000, 10.0));
  const auto c = ds::evaluate_detections(std::vector<u64>{20}, {}, 100, 21);
  CHECK(throws_with<std::invalid_argument>([&] { (void)ds::merge(a, c); }, "max_delay"));
}

TEST_CASE("evaluation: invalid input names the argument", "[detect][evaluation]") {
  using ds::true_drift;
  // true when evaluate_detections throws std::invalid_argument whose message holds `needle`
  auto bad = [](std::vector<true_drift> d, std::vector<u64> det, u64 n, u64 max_delay,
                const char* needle) {
    return throws_with<std::invalid_argument>(
        [&] { (void)ds::evaluate_detections(d, det, n, max_delay); }, needle);
  };
  CHECK(bad({}, {}, 0, 1, "evaluate_detections: n must be >= 1, got 0"));
  CHECK(bad({}, {}, 10, 0, "max_delay must be >= 1, got 0"));
  CHECK(bad({{10, 10}}, {}, 10, 1, "true_drifts[0] starts at 10, must be < n = 10"));
  CHECK(bad({{5, 11}}, {}, 10, 1, "true_drifts[0] = [5, 11) must have start <= end"));
  CHECK(bad({{5, 4}}, {}, 10, 1, "true_drifts[0] = [5, 4)"));
  CHECK(bad({{5, 5}, {5, 5}}, {}, 10, 1, "true_drifts must be sorted and not overlap"));
  CHECK(bad({{6, 6}, {5, 5}}, {}, 10, 1, "true_drifts[1] = [5, 5)"));
  CHECK(bad({{2, 6}, {5, 8}}, {}, 10, 1, "true_drifts must be sorted and not overlap"));
  CHECK(bad({}, {3, 10}, 10, 1, "detections[1] = 10 must be < n = 10"));
  CHECK(bad({}, {3, 3}, 10, 1, "detections must be strictly increasing, got 3 after 3"));
  CHECK(bad({}, {4, 3}, 10, 1, "detections must be strictly increasing"));
}
