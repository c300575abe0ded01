// Tests of numeric_feature_metrics (include/driftscope/monitor/feature_metrics.hpp).
// Oracles: hand counts, long double two-pass moments, exact sorted quantiles (the KLL
// sketch is exact while it holds fewer than k values), and the union of two inputs.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "catch.hpp"
#include "driftscope/monitor/feature_metrics.hpp"

namespace ds = driftscope;

namespace feature_metrics_test {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<double> uniform(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::uniform_real_distribution<double> u(20.0, 120.0);
  std::vector<double> x(n);
  for (auto& v : x) v = u(g);
  return x;
}

}  // namespace feature_metrics_test

using namespace feature_metrics_test;

TEST_CASE("numeric_feature_metrics counts missing and infinite values apart", "[feature_metrics]") {
  ds::numeric_feature_metrics f;
  const std::vector<double> x = {1.0, kNaN, 3.0, kInf, -kInf, kNaN, 5.0};
  f.update_many(x.data(), x.size());
  CHECK(f.count() == 7);
  CHECK(f.missing() == 2);
  CHECK(f.infinite() == 2);
  CHECK(f.missing_share() == 2.0 / 7.0);
  CHECK(std::isnan(f.values().mean()));  // +inf and -inf: as numpy.mean
  CHECK(f.values().min() == -kInf);
  CHECK(f.values().max() == kInf);
  CHECK(f.quantile(0.5) == 3.0);  // sorted non-missing: -inf 1 3 5 inf

  ds::numeric_feature_metrics g;  // the same values one at a time
  for (double v : x) g.update(v);
  CHECK(g.count() == f.count());
  CHECK(g.missing() == f.missing());
  CHECK(g.infinite() == f.infinite());
}

TEST_CASE("numeric_feature_metrics moments and quantiles match exact values", "[feature_metrics]") {
  const auto x = uniform(150, 7);  // fewer than k = 200 values: the sketch is exact
  ds::numeric_feature_metrics f;
  f.update_many(x.data(), x.size());
  long double s = 0;
  for (double v : x) s += v;
  const long double mean = s / x.size();
  long double ss = 0;
  for (double v : x) ss += (v - mean) * (v - mean);
  CHECK_THAT(f.values().mean(), Catch::Matchers::WithinRel(static_cast<double>(mean), 1e-13));
  CHECK_THAT(f.values().std(1), Catch::Matchers::WithinRel(std::sqrt(static_cast<double>(ss / 149)), 1e-12));
  auto sorted = x;
  std::sort(sorted.begin(), sorted.end());
  // inverted-CDF quantile: the smallest value whose rank fraction is >= q
  for (double q : {0.01, 0.25, 0.5, 0.9, 0.99}) {
    const auto idx = static_cast<std::size_t>(std::ceil(q * 150)) - 1;
    CHECK(f.quantile(q) == sorted[idx]);
  }
  CHECK(f.values().min() == sorted.front());
  CHECK(f.values().max() == sorted.back());
}

TEST_CASE("numeric_feature_metrics merge equals the union, reset forgets", "[feature_metrics]") {
  auto a = uniform(5000, 1), b = uniform(3000, 2);
  a[10] = kNaN;
  b[20] = kInf;
  ds::numeric_feature_metrics fa, fb, all;
  fa.update_many(a.data(), a.size());
  fb.update_many(b.data(), b.size());
  all.update_many(a.data(), a.size());
  all.update_many(b.data(), b.size());
  fa.merge(fb);
  CHECK(fa.count() == 8000);
  CHECK(fa.missing() == 1);
  CHECK(fa.infinite() == 1);
  CHECK(fa.values().count() == all.values().count());
  CHECK(fa.values().max() == kInf);
  CHECK(fa.quantile_sketch()->n() == all.quantile_sketch()->n());

  ds::feature_metrics_options no_q;
  no_q.quantiles = false;
  ds::numeric_feature_metrics other(no_q);
  CHECK_THROWS_AS(fa.merge(other), std::invalid_argument);
  CHECK_THROWS_AS(other.quantile(0.5), std::domain_error);

  fa.reset();
  CHECK(fa.count() == 0);
  CHECK(fa.infinite() == 0);
  CHECK_THROWS_AS(fa.missing_share(), std::domain_error);
  CHECK_THROWS_AS(fa.values().mean(), std::domain_error);
  CHECK_THROWS_AS(fa.quantile(0.5), std::domain_error);
}

TEST_CASE("numeric_feature_metrics bytes round-trip, corrupt bytes throw", "[feature_metrics]") {
  auto x = uniform(4000, 3);
  x[5] = kNaN;
  x[6] = -kInf;
  for (bool quantiles : {true, false}) {
    ds::feature_metrics_options o;
    o.quantiles = quantiles;
    o.kll_k = 64;
    ds::numeric_feature_metrics f(o);
    f.update_many(x.data(), x.size());
    const auto bytes = f.serialize();
    auto g = ds::numeric_feature_metrics::deserialize(bytes.data(), bytes.size());
    CHECK(g.serialize() == bytes);
    CHECK(g.count() == f.count());
    CHECK(g.infinite() == 1);
    if (quantiles) CHECK(g.quantile(0.5) == f.quantile(0.5));
    // the same future: one more value each
    f.update(50.0);
    g.update(50.0);
    CHECK(g.serialize() == f.serialize());

    for (std::size_t cut : {std::size_t{0}, std::size_t{7}, bytes.size() / 2, bytes.size() - 1})
      CHECK_THROWS_AS(ds::numeric_feature_metrics::deserialize(bytes.data(), cut), std::out_of_range);
    auto bad = bytes;
    bad[8] = 2;  // quantiles flag
    CHECK_THROWS_AS(ds::numeric_feature_metrics::deserialize(bad.data(), bad.size()), std::invalid_argument);
    bad = bytes;
    bad[11] = 0xFF;  // positive infinities: more than the values
    bad[18] = 0xFF;
    CHECK_THROWS_AS(ds::numeric_feature_metrics::deserialize(bad.data(), bad.size()), std::invalid_argument);
    bad = bytes;
    bad.push_back(0);
    CHECK_THROWS_AS(ds::numeric_feature_metrics::deserialize(bad.data(), bad.size()), std::invalid_argument);
  }
  ds::feature_metrics_options o;
  o.kll_k = 4;
  CHECK_THROWS_AS(ds::numeric_feature_metrics(o), std::invalid_argument);
}

// ---- category_metrics ------------------------------------------------------------------

#include "driftscope/monitor/category_metrics.hpp"

#include <string>
#include <unordered_set>

namespace feature_metrics_test {

std::vector<std::string> categories(std::size_t n, std::size_t distinct, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::uniform_int_distribution<std::size_t> u(0, distinct - 1);
  std::vector<std::string> x(n);
  for (auto& v : x) v = "cat" + std::to_string(u(g));
  return x;
}

}  // namespace feature_metrics_test

TEST_CASE("category_metrics counts missing, unseen and distinct values", "[feature_metrics]") {
  ds::category_metrics_options o;
  o.missing_values = {"", "NA"};
  o.reference_categories = {"red", "green", "blue", "green"};
  ds::category_metrics c(o);
  const std::vector<std::string> x = {"red", "", "green", "NA", "purple", "red", "orange", "red"};
  c.update_many(x.data(), x.size());
  CHECK(c.count() == 8);
  CHECK(c.missing() == 2);
  CHECK(c.unseen() == 2);  // purple, orange
  CHECK(c.missing_share() == 0.25);
  CHECK(c.unseen_share() == 2.0 / 6.0);
  CHECK(c.distinct() > 3.9);  // 4 distinct: HLL is exact-ish at this size (linear counting)
  CHECK(c.distinct() < 4.1);
  const auto top = c.top(1);
  REQUIRE(top.size() == 1);
  CHECK(top[0].item == "red");
  CHECK(top[0].lower_bound == 3);
  CHECK(top[0].upper_bound == 3);

  ds::category_metrics no_ref;  // no reference: nothing is unseen
  no_ref.update("anything");
  CHECK(no_ref.unseen_share() == 0.0);
  ds::category_metrics empty;
  CHECK_THROWS_AS(empty.missing_share(), std::domain_error);
  empty.update("");
  CHECK_THROWS_AS(empty.unseen_share(), std::domain_error);  // only missing values

  ds::category_metrics_options bad;
  bad.hll_p = 3;
  CHECK_THROWS_AS(ds::category_metrics(bad), std::invalid_argument);
  bad = {};
  bad.top_k = 0;
  CHECK_THROWS_AS(ds::category_metrics(bad), std::invalid_argument);
}

TEST_CASE("category_metrics distinct estimate within the HLL error, merge equals the union", "[feature_metrics]") {
  const auto a = categories(20000, 3000, 11), b = categories(10000, 3000, 12);
  std::unordered_set<std::string> truth(a.begin(), a.end());
  truth.insert(b.begin(), b.end());
  ds::category_metrics_options o;
  for (int i = 0; i < 1500; ++i) o.reference_categories.push_back("cat" + std::to_string(i));
  ds::category_metrics ca(o), cb(o), all(o);
  ca.update_many(a.data(), a.size());
  cb.update_many(b.data(), b.size());
  all.update_many(a.data(), a.size());
  all.update_many(b.data(), b.size());
  ca.merge(cb);
  CHECK(ca.count() == all.count());
  CHECK(ca.unseen() == all.unseen());
  CHECK(ca.distinct() == all.distinct());  // register-wise max: the same registers
  // p = 12: relative standard error 1.6 %; 5 standard errors
  CHECK(std::abs(ca.distinct() / static_cast<double>(truth.size()) - 1) < 5 * 1.04 / 64);
  std::size_t unseen = 0;
  for (const auto* v : {&a, &b})
    for (const auto& s : *v) unseen += std::stoi(s.substr(3)) >= 1500 ? 1u : 0u;
  CHECK(ca.unseen() == unseen);

  ds::category_metrics_options other = o;
  other.reference_categories.pop_back();
  ds::category_metrics co(other);
  CHECK_THROWS_AS(ca.merge(co), std::invalid_argument);

  ca.reset();
  CHECK(ca.count() == 0);
  CHECK(ca.distinct() == 0.0);
  CHECK(ca.top(5).empty());
}

TEST_CASE("category_metrics bytes round-trip, corrupt bytes throw", "[feature_metrics]") {
  ds::category_metrics_options o;
  o.reference_categories = {"cat1", "cat2"};
  o.top_k = 8;
  ds::category_metrics c(o);
  auto x = categories(500, 20, 5);
  x[3] = "";
  c.update_many(x.data(), x.size());
  const auto bytes = c.serialize();
  auto d = ds::category_metrics::deserialize(bytes.data(), bytes.size());
  CHECK(d.serialize() == bytes);
  c.update("cat7");
  d.update("cat7");
  CHECK(d.serialize() == c.serialize());
  for (std::size_t cut : {std::size_t{0}, std::size_t{9}, bytes.size() / 2, bytes.size() - 1})
    CHECK_THROWS_AS(ds::category_metrics::deserialize(bytes.data(), cut), std::out_of_range);
  auto bad = bytes;
  bad[16] = 0xFF;  // missing > count
  bad[23] = 0x7F;
  CHECK_THROWS_AS(ds::category_metrics::deserialize(bad.data(), bad.size()), std::invalid_argument);
  bad = bytes;
  bad[8] += 1;  // count no longer matches the frequent items' weight
  CHECK_THROWS_AS(ds::category_metrics::deserialize(bad.data(), bad.size()), std::invalid_argument);
  bad = bytes;
  bad.push_back(0);
  CHECK_THROWS_AS(ds::category_metrics::deserialize(bad.data(), bad.size()), std::invalid_argument);
}
