// Tests of deploy/: router, automation_policy, shadow_comparator, shadow_regression,
// msprt_gate and ramp_controller. MurmurHash3 vectors are the published ones of the
// reference algorithm (the three and the SMHasher verification strings); the split
// and false-positive tests check binomial intervals; the rest is written by hand from the
// documented semantics (statsmodels / scipy parity is in tests/python/test_deploy.py).

#include <cmath>
#include <random>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "catch.hpp"
#include "driftscope/deploy/automation_policy.hpp"
#include "driftscope/deploy/msprt.hpp"
#include "driftscope/deploy/ramp_controller.hpp"
#include "driftscope/deploy/router.hpp"
#include "driftscope/deploy/shadow_comparator.hpp"
#include "driftscope/deploy/shadow_regression.hpp"

namespace ds = driftscope;

TEST_CASE("murmur3_x86_32 reproduces the reference vectors", "[deploy][router]") {
  CHECK(ds::murmur3_x86_32("", 0) == 0u);
  CHECK(ds::murmur3_x86_32("", 1) == 0x514E28B7u);
  CHECK(ds::murmur3_x86_32("hello", 0) == 0x248BFA47u);
  CHECK(ds::murmur3_x86_32("", 0xffffffffu) == 0x81F16F39u);
  CHECK(ds::murmur3_x86_32(std::string_view("\0\0\0\0", 4), 0) == 0x2362F9DEu);
  CHECK(ds::murmur3_x86_32("aaaa", 0x9747b28cu) == 0x5A97808Au);
  CHECK(ds::murmur3_x86_32("abc", 0) == 0xB3DD93FAu);
  CHECK(ds::murmur3_x86_32("Hello, world!", 0x9747b28cu) == 0x24884CBAu);
}

TEST_CASE("router: the canary share is the weight, ramps are monotone, salts reshuffle", "[deploy][router]") {
  ds::router_options o;
  o.salt = "exp-1";
  o.canary_weight = 5;
  ds::router r(o);
  constexpr int n = 100000;
  std::vector<std::uint32_t> bucket(n);
  int canary = 0;
  for (int i = 0; i < n; ++i) {
    const auto d = r.route("user-" + std::to_string(i));
    bucket[static_cast<std::size_t>(i)] = d.bucket;
    CHECK(d.bucket == ds::assignment_bucket("user-" + std::to_string(i), "exp-1"));
    canary += d.arm == ds::deploy_arm::canary;
    if (d.arm == ds::deploy_arm::canary) CHECK(d.color == ds::deploy_color::green);
  }
  // 5 % of 100,000: binomial sd = sqrt(n p (1 - p)) = 68.9; 4 sd either side
  CHECK(std::abs(canary - 5000) < 4 * 69);
  // ramp 5 -> 25 -> 50: whoever was in stays in; the shares follow the weight
  std::vector<bool> was_in(n);
  for (int i = 0; i < n; ++i) was_in[static_cast<std::size_t>(i)] = bucket[static_cast<std::size_t>(i)] < 500;
  for (double w : {25.0, 50.0, 100.0}) {
    r.set_canary_weight(w);
    int in = 0;
    for (int i = 0; i < n; ++i) {
      const bool now = r.route("user-" + std::to_string(i)).arm == ds::deploy_arm::canary;
      if (was_in[static_cast<std::size_t>(i)]) CHECK(now);
      was_in[static_cast<std::size_t>(i)] = now;
      in += now;
    }
    const double p = w / 100, sd = std::sqrt(n * p * (1 - p));
    CHECK(std::abs(in - n * p) <= 4 * sd + 1e-9);
  }
  // another experiment's salt assigns differently (about 5 % overlap of two independent 5 % sets)
  ds::router_options o2 = o;
  o2.salt = "exp-2";
  ds::router r2(o2);
  r.set_canary_weight(5);
  int both = 0, in1 = 0;
  for (int i = 0; i < n; ++i) {
    const std::string id = "user-" + std::to_string(i);
    const bool a = r.route(id).arm == ds::deploy_arm::canary, b = r2.route(id).arm == ds::deploy_arm::canary;
    in1 += a;
    both += a && b;
  }
  CHECK(both < in1 / 10);  // independent: ~5 % of 5,000 = 250
}

TEST_CASE("router: shadow mirroring with its own salt, blue-green switch and rollback", "[deploy][router]") {
  ds::router_options o;
  o.shadow_weight = 10;
  ds::router r(o);
  int mirrored = 0, canary = 0;
  for (int i = 0; i < 20000; ++i) {
    const auto d = r.route(std::to_string(i));
    mirrored += d.mirror;
    canary += d.arm == ds::deploy_arm::canary;
    CHECK(d.color == ds::deploy_color::blue);
    CHECK(d.mirror == (ds::assignment_bucket(std::to_string(i), "driftscope:shadow") < 1000));
  }
  CHECK(canary == 0);
  CHECK(std::abs(mirrored - 2000) < 4 * 43);  // sd = sqrt(20000 * 0.1 * 0.9) = 42.4
  CHECK(r.active() == ds::deploy_color::blue);
  r.set_canary_weight(100);
  CHECK(r.route("x").color == ds::deploy_color::green);  // the standby serves the canary
  r.promote();
  CHECK(r.active() == ds::deploy_color::green);
  CHECK(r.canary_weight() == 0);
  CHECK(r.route("x").color == ds::deploy_color::green);
  CHECK(r.cut_over());
  r.rollback();  // after a cut-over: back to blue
  CHECK(r.active() == ds::deploy_color::blue);
  r.rollback();  // nothing more to undo
  CHECK(r.active() == ds::deploy_color::blue);
  r.set_canary_weight(10);  // a canary of green, rolled back: blue stays active, no canary traffic
  r.rollback();
  CHECK(r.active() == ds::deploy_color::blue);
  CHECK(r.route("x").arm == ds::deploy_arm::baseline);
  r.switch_to(ds::deploy_color::green);
  CHECK(r.standby() == ds::deploy_color::blue);
  r.rollback();
  CHECK(r.active() == ds::deploy_color::blue);
  // 0.29 % is 29 basis points, not 28
  r.set_canary_weight(0.29);
  CHECK(r.canary_basis_points() == 29);
}

TEST_CASE("router: weights outside [0, 100] are refused, naming them", "[deploy][router]") {
  ds::router_options o;
  o.canary_weight = 101;
  CHECK_THROWS_AS(ds::router(o), std::invalid_argument);
  o.canary_weight = 5;
  o.shadow_weight = -1;
  CHECK_THROWS_AS(ds::router(o), std::invalid_argument);
  ds::router r;
  CHECK_THROWS_AS(r.set_canary_weight(std::nan("")), std::invalid_argument);
  CHECK_THROWS_AS(r.set_shadow_weight(100.5), std::invalid_argument);
  try {
    r.set_canary_weight(-3);
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("weight must be a percentage in [0, 100], got -3") != std::string::npos);
  }
}

TEST_CASE("automation_policy: who decides on each rung, and the counts", "[deploy][automation]") {
  using L = ds::automation_level;
  using P = ds::automation_path;
  ds::automation_policy p(L::human_only);
  auto d = p.decide(0.99);
  CHECK((d.path == P::human_only && !d.run_model && d.human_decides && !d.use_model));
  p.set_level(L::shadow);
  d = p.decide(0.99);
  CHECK((d.path == P::shadow && d.run_model && !d.show_model && !d.use_model && d.human_decides));
  p.set_level(L::assist);
  d = p.decide();
  CHECK((d.path == P::assisted && d.show_model && d.human_decides && !d.use_model));
  p.set_level(L::partial);
  p.set_threshold(0.8);
  d = p.decide(0.8);
  CHECK((d.path == P::model && d.use_model && !d.human_decides));
  d = p.decide(0.79);
  CHECK((d.path == P::human_review && d.show_model && d.human_decides && !d.use_model));
  d = p.decide(std::nan(""));
  CHECK(d.path == P::human_review);
  p.set_level(L::full);
  d = p.decide(0.0);
  CHECK((d.path == P::model && d.use_model && !d.human_decides));
  CHECK(p.total() == 7);
  CHECK(p.count(P::model) == 2);
  CHECK(p.count(P::human_review) == 2);
  CHECK(p.automated_share() == 2.0 / 7);
  ds::automation_policy q(L::full);
  q.decide();
  p.merge(q);
  CHECK(p.count(P::model) == 3);
  CHECK(ds::parse_automation_level("assist") == L::assist);
  CHECK_THROWS_AS(ds::parse_automation_level("mostly"), std::invalid_argument);
  CHECK_THROWS_AS(ds::automation_policy(L::partial, 1.5), std::invalid_argument);
  CHECK_THROWS_AS(ds::automation_policy().automated_share(), std::domain_error);
}

TEST_CASE("shadow_comparator: a 2 x 2 table worked by hand", "[deploy][shadow]") {
  ds::shadow_comparator s;
  const auto add = [&](std::uint32_t l, std::uint32_t h, int times) {
    for (int i = 0; i < times; ++i) s.add(l, h);
  };
  add(0, 0, 40);
  add(0, 1, 10);
  add(1, 0, 5);
  add(1, 1, 45);
  CHECK(s.n() == 100);
  CHECK(s.agreement() == 0.85);
  // p_e = 0.5 * 0.45 + 0.5 * 0.55 = 0.5: kappa = (0.85 - 0.5) / 0.5
  CHECK_THAT(s.kappa().kappa, Catch::Matchers::WithinRel(0.7, 1e-14));
  // exact: 2 P(Bin(15, 1/2) <= 5) = 2 (1 + 15 + 105 + 455 + 1365 + 3003) / 2^15
  const auto m = s.mcnemar();
  CHECK(m.statistic == 5);
  CHECK_THAT(m.pvalue, Catch::Matchers::WithinRel(2.0 * 4944 / 32768, 1e-12));
  CHECK_THAT(s.mcnemar(false).statistic, Catch::Matchers::WithinRel(16.0 / 15, 1e-14));
  // for 2 x 2, Bowker and Stuart-Maxwell are both (b - c)^2 / (b + c)
  CHECK_THAT(s.symmetry().statistic, Catch::Matchers::WithinRel(25.0 / 15, 1e-14));
  CHECK_THAT(s.homogeneity().statistic, Catch::Matchers::WithinRel(25.0 / 15, 1e-12));
  CHECK(s.homogeneity().df == 1);
  const auto bytes = s.serialize();
  const auto t = ds::shadow_comparator::deserialize(bytes.data(), bytes.size());
  CHECK(t.table() == s.table());
  CHECK(t.serialize() == bytes);
}

TEST_CASE("shadow_comparator: labels later, bounded pending records", "[deploy][shadow]") {
  ds::shadow_comparator_options o;
  o.classes = 3;
  o.pending_capacity = 2;
  ds::shadow_comparator s(o);
  s.record("a", 0, 1);
  s.label("a", 1);  // shadow right, live wrong
  s.record("a", 2, 2);  // the same id again, a new request
  s.record("b", 0, 0);
  s.record("c", 1, 1);  // evicts the oldest pending: the second "a"
  CHECK(s.evicted() == 1);
  CHECK(s.pending() == 2);
  CHECK_THROWS_AS(s.label("a", 2), std::invalid_argument);
  s.label("b", 0);
  s.label("c", 2);
  const auto d = s.accuracy_difference();
  CHECK(d.labelled == 3);
  CHECK(d.live_accuracy == 1.0 / 3);
  CHECK(d.shadow_accuracy == 2.0 / 3);
  CHECK(s.n() == 4);
  // many requests labelled as they come: the pending table stays small
  for (int i = 0; i < 10000; ++i) {
    s.record(std::to_string(i), 0, 0);
    s.label(std::to_string(i), 0);
  }
  CHECK(s.pending() == 0);
  CHECK(s.evicted() == 1);
  CHECK_THROWS_AS(s.add(3, 0), std::invalid_argument);
  CHECK_THROWS_AS(ds::shadow_comparator(ds::shadow_comparator_options{1, 10}), std::invalid_argument);
}

TEST_CASE("shadow_regression: paired differences worked by hand", "[deploy][shadow]") {
  ds::shadow_regression s;
  // d = shadow - live = 1, 2, 3, 4, -1: mean 1.8, sample variance 3.7
  const double live[] = {10, 10, 10, 10, 10}, shadow[] = {11, 12, 13, 14, 9};
  for (int i = 0; i < 5; ++i) s.add(live[i], shadow[i]);
  const auto t = s.paired_t();
  CHECK_THAT(t.mean, Catch::Matchers::WithinRel(1.8, 1e-14));
  CHECK_THAT(t.statistic, Catch::Matchers::WithinRel(1.8 / std::sqrt(3.7 / 5), 1e-13));
  CHECK(t.df == 4);
  const auto ba = s.bland_altman();
  CHECK_THAT(ba.upper, Catch::Matchers::WithinRel(1.8 + 1.96 * std::sqrt(3.7), 1e-13));
  // ranks of |d| = 1, 2, 3, 4, 1: ties (1 and -1 share rank 1.5): R- = 1.5; n = 5 <= 13 with
  // ties: all 2^5 sign flips; R+ <= 1.5 for the flips giving + to at most one of the 1.5s
  // and nothing else: {}, {a}, {b} -> 3 of 32; two-sided 2 * 3/32
  const auto w = s.wilcoxon();
  CHECK(w.statistic == 1.5);
  CHECK(w.exact);
  CHECK_THAT(w.pvalue, Catch::Matchers::WithinRel(6.0 / 32, 1e-14));
  CHECK_THROWS_AS(s.add(std::nan(""), 1), std::invalid_argument);
  CHECK_THROWS_AS(ds::shadow_regression(0), std::invalid_argument);
  CHECK_THROWS_AS(s.loss_difference(), std::domain_error);
}

TEST_CASE("msprt_gate: the mixture likelihood ratio by hand", "[deploy][msprt]") {
  ds::msprt_options o;
  o.tau2 = 0.25;
  o.variance_a = o.variance_b = 1.0;
  ds::msprt_gate g(o);
  const double a[] = {0, 1, 2, 1}, b[] = {1, 2, 3, 2};  // means 1 and 2: difference 1
  g.add_a(a, 4);
  g.add_b(b, 4);
  const double v = 0.5, t2 = 0.25;  // 1/4 + 1/4
  const double lambda = std::sqrt(v / (v + t2)) * std::exp(t2 / (2 * v * (v + t2)));
  CHECK_THAT(g.likelihood_ratio(), Catch::Matchers::WithinRel(lambda, 1e-14));
  CHECK_THAT(g.pvalue(), Catch::Matchers::WithinRel(std::min(1.0, 1 / lambda), 1e-14));
  CHECK(g.difference() == 1.0);
  CHECK_THROWS_AS(g.add_a(std::nan("")), std::invalid_argument);
  o.tau2 = 0;
  CHECK_THROWS_AS(ds::msprt_gate(o), std::invalid_argument);
}

TEST_CASE("msprt_gate: A/A runs checked after every batch keep the false-positive rate", "[deploy][msprt]") {
  // 2000 A/A runs, 100 checks each (batches of 10 per arm); known variance and estimated.
  // A fixed-horizon test peeked at this often rejects far more than alpha; the always-valid
  // p-value must stay <= alpha: allow 3 binomial sd of simulation error above 0.05.
  std::mt19937_64 gen(2017);
  std::normal_distribution<double> z(0.0, 1.0);
  for (bool known : {true, false}) {
    int false_positives = 0;
    for (int run = 0; run < 2000; ++run) {
      ds::msprt_options o;
      o.tau2 = 0.1;
      if (known) o.variance_a = o.variance_b = 1.0;
      ds::msprt_gate g(o);
      double xa[10], xb[10];
      for (int check = 0; check < 100 && !g.reject(); ++check) {
        for (int i = 0; i < 10; ++i) {
          xa[i] = z(gen);
          xb[i] = z(gen);
        }
        g.add_a(xa, 10);
        g.add_b(xb, 10);
      }
      false_positives += g.reject();
    }
    INFO("known variance: " << known << ", false positives: " << false_positives);
    CHECK(false_positives <= 0.05 * 2000 + 3 * std::sqrt(2000 * 0.05 * 0.95));
  }
  // a real difference of 0.3 sd is found in nearly every run
  int found = 0;
  for (int run = 0; run < 200; ++run) {
    ds::msprt_options o;
    o.tau2 = 0.1;
    ds::msprt_gate g(o);
    double xa[10], xb[10];
    for (int check = 0; check < 100 && !g.reject(); ++check) {
      for (int i = 0; i < 10; ++i) {
        xa[i] = z(gen);
        xb[i] = z(gen) + 0.3;
      }
      g.add_a(xa, 10);
      g.add_b(xb, 10);
    }
    found += g.reject();
  }
  CHECK(found >= 190);
}

namespace ramp_test {
std::string trace(ds::ramp_controller& c, const std::vector<double>& scores, const std::vector<bool>& gate = {}) {
  std::string out;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    ds::ramp_analysis a;
    a.score = scores[i];
    a.gate_failed = i < gate.size() && gate[i];
    const auto d = c.next(a);
    out += fmt::format("{}{}:{}", out.empty() ? "" : " ", ds::to_string(d.action), d.weight);
    if (d.mirror) out += "m";
  }
  return out;
}
}  // namespace ramp_test

TEST_CASE("ramp_controller: exact decision traces", "[deploy][ramp]") {
  using ramp_test::trace;
  const double nan = std::nan("");
  ds::ramp_options o;
  o.steps = {5, 10, 25, 50};
  {
    ds::ramp_controller c(o);  // a good model: promoted
    CHECK(c.initial().weight == 5);
    CHECK(trace(c, {100, 99, 96, 95}) == "advance:10 advance:25 advance:50 promote:100");
    CHECK(c.finished());
    CHECK_THROWS_AS(c.next({100, false}), std::logic_error);
  }
  {
    ds::ramp_controller c(o);  // a model that fails at 25 %: rolled back there
    CHECK(trace(c, {100, 100, 40}) == "advance:10 advance:25 rollback:0");
    CHECK(c.failed_checks() == 1);
  }
  o.failed_check_threshold = 2;
  {
    ds::ramp_controller c(o);  // marginal holds without failing; failures accumulate; no data fails
    CHECK(trace(c, {80, 100, 50, 100, nan}) == "hold:5 advance:10 hold:10 advance:25 rollback:0");
  }
  {
    ds::ramp_controller c(o);  // the gate's verdict fails a check whatever the score
    CHECK(trace(c, {100, 100, 100}, {false, true, true}) == "advance:10 hold:10 rollback:0");
  }
  ds::ramp_options f;  // Flagger style: stepWeight 10 up to maxWeight 35, two intervals a step, mirrored first
  f.step_weight = 10;
  f.max_weight = 35;
  f.intervals_per_step = 2;
  f.mirror_first = true;
  {
    ds::ramp_controller c(f);
    CHECK(c.weights() == std::vector<double>{10, 20, 30, 35});
    CHECK(c.initial().mirror);
    CHECK(trace(c, {100, 100, 100, 100, 100, 100, 100, 100, 100, 100}) ==
          "hold:0m advance:10 hold:10 advance:20 hold:20 advance:30 hold:30 advance:35 hold:35 promote:100");
  }
  ds::ramp_options bg;  // blue-green: three intervals previewing the standby, then the switch
  bg.step_weight = 0;
  bg.blue_green_iterations = 3;
  {
    ds::ramp_controller c(bg);
    CHECK(trace(c, {100, 100, 100}) == "hold:0 hold:0 promote:100");
  }
}

TEST_CASE("ramp_controller: bad options are refused, naming the field", "[deploy][ramp]") {
  const auto refused = [](ds::ramp_options o, const char* part) {
    try {
      ds::ramp_controller c(o);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what()).find(part) != std::string::npos;
    }
    return false;
  };
  ds::ramp_options o;
  o.steps = {5, 5};
  CHECK(refused(o, "steps must increase"));
  o.steps = {5, 150};
  CHECK(refused(o, "steps must be a percentage in [0, 100], got 150"));
  o.steps = {};
  o.step_weight = 0;
  CHECK(refused(o, "no steps"));
  o.step_weight = 20;
  o.max_weight = 10;
  CHECK(refused(o, "max_weight (10) must be >= step_weight (20)"));
  o.max_weight = 50;
  o.marginal_score = 96;
  CHECK(refused(o, "marginal_score (96) must be <= pass_score (95)"));
  o.marginal_score = 75;
  o.failed_check_threshold = 0;
  CHECK(refused(o, "failed_check_threshold"));
  o.failed_check_threshold = 1;
  ds::ramp_controller c(o);
  CHECK_THROWS_AS(c.next({101, false}), std::invalid_argument);
}
