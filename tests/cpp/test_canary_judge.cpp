// Tests of stats/hodges_lehmann.hpp and deploy/canary_judge.hpp, canary_analysis.hpp.
// The interval is checked against a brute-force oracle that forms all m·n differences and
// evaluates R's wilcox.test root equation (midranks of x − μ among y, tie correction over
// the pooled sample) between consecutive differences; the judge's cases are written by hand
// from Kayenta's documented semantics. Parity with numpy (percentiles, outlier fences) and
// the JSON schema are in tests/python/test_canary_judge.py.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "catch.hpp"
#include "driftscope/deploy/canary_analysis.hpp"
#include "driftscope/deploy/canary_exposition.hpp"
#include "driftscope/deploy/canary_judge.hpp"
#include "driftscope/stats/hodges_lehmann.hpp"

namespace ds = driftscope;

namespace canary_judge_test {

/// R's wdiff(μ, zq): (W − mn/2 − ½ sign) / σ − zq, by ranking the pooled sample directly.
double r_wdiff(const std::vector<double>& x, const std::vector<double>& y, double mu, double zq) {
  std::vector<std::pair<double, int>> pooled;
  for (double v : x) pooled.push_back({v - mu, 0});
  for (double v : y) pooled.push_back({v, 1});
  std::sort(pooled.begin(), pooled.end());
  double rank_sum_x = 0, ties = 0;
  for (std::size_t i = 0; i < pooled.size();) {
    std::size_t j = i;
    while (j < pooled.size() && pooled[j].first == pooled[i].first) ++j;
    const double midrank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2, t = static_cast<double>(j - i);
    for (std::size_t k = i; k < j; ++k)
      if (pooled[k].second == 0) rank_sum_x += midrank;
    ties += t * t * t - t;
    i = j;
  }
  const double m = static_cast<double>(x.size()), n = static_cast<double>(y.size());
  const double dz = rank_sum_x - m * (m + 1) / 2 - m * n / 2;
  const double sigma = std::sqrt(m * n / 12 * ((m + n + 1) - ties / ((m + n) * (m + n - 1))));
  const double corr = dz > 0 ? 0.5 : dz < 0 ? -0.5 : 0.0;
  return (dz - corr) / sigma - zq;
}

/// The root of R's findRoot: μmin if f(μmin) <= 0, μmax if f(μmax) >= 0, else the
/// difference at which f (evaluated between consecutive differences) first drops to <= 0.
double r_root(const std::vector<double>& x, const std::vector<double>& y, double zq) {
  std::vector<double> d;
  for (double a : x)
    for (double b : y) d.push_back(a - b);
  std::sort(d.begin(), d.end());
  d.erase(std::unique(d.begin(), d.end()), d.end());
  if (r_wdiff(x, y, d.front(), zq) <= 0) return d.front();
  if (r_wdiff(x, y, d.back(), zq) >= 0) return d.back();
  for (std::size_t i = 0; i + 1 < d.size(); ++i)
    if (r_wdiff(x, y, (d[i] + d[i + 1]) / 2, zq) <= 0) return d[i];
  return d.back();
}

double median_of_differences(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<double> d;
  for (double a : x)
    for (double b : y) d.push_back(a - b);
  std::sort(d.begin(), d.end());
  const std::size_t n = d.size();
  return n % 2 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
}

std::vector<double> draw(std::mt19937_64& rng, std::size_t n, double loc, double scale, bool integers) {
  std::normal_distribution<double> g(loc, scale);
  std::vector<double> v(n);
  for (double& x : v) x = integers ? std::round(g(rng)) : g(rng);
  return v;
}

ds::metric_result classify(const ds::canary_metric_config& m, const std::vector<double>& canary,
                           const std::vector<double>& baseline, const ds::mann_whitney_classifier_options& o = {}) {
  return ds::classify_metric(m, canary.data(), canary.size(), baseline.data(), baseline.size(), o);
}

ds::canary_metric_config metric(const std::string& name, const std::string& group = "default") {
  ds::canary_metric_config m;
  m.name = name;
  m.groups = {group};
  return m;
}

/// The message of the std::invalid_argument f() throws ("(none)" when it throws nothing).
template <class F>
std::string invalid_argument_of(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(none)";
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace canary_judge_test

using namespace canary_judge_test;

TEST_CASE("hodges_lehmann: estimate and interval equal the brute-force root of R's equation", "[canary][hl]") {
  std::mt19937_64 rng(20261127);
  const double z95 = 1.959963984540054, z98 = 2.326347874040841;
  for (int rep = 0; rep < 300; ++rep) {
    const std::size_t m = 1 + rng() % 25, n = 1 + rng() % 25;
    const bool integers = rep % 3 == 0;  // ties within and across samples
    const std::vector<double> x = draw(rng, m, 0.5 * (rep % 4), 2, integers), y = draw(rng, n, 0, 2, integers);
    const double conf = rep % 2 ? 0.95 : 0.98, z = rep % 2 ? z95 : z98;
    bool all_tied = true;
    for (double v : x) all_tied = all_tied && v == x[0];
    for (double v : y) all_tied = all_tied && v == x[0];
    if (all_tied) continue;
    const ds::hodges_lehmann_result r = ds::hodges_lehmann(x.data(), m, y.data(), n, conf);
    INFO("rep " << rep << " m " << m << " n " << n);
    CHECK(r.estimate == median_of_differences(x, y));
    CHECK(r.lower == r_root(x, y, z));
    CHECK(r.upper == r_root(x, y, -z));
    CHECK(r.lower <= r.estimate);
    CHECK(r.estimate <= r.upper);
  }
}

TEST_CASE("hodges_lehmann: selection past the gather size equals a full sort", "[canary][hl]") {
  std::mt19937_64 rng(7);
  for (int rep = 0; rep < 6; ++rep) {
    const std::size_t m = 150 + rng() % 300, n = 150 + rng() % 300;
    std::vector<double> x = draw(rng, m, 1, 3, rep % 2 == 0), y = draw(rng, n, 0, 3, rep % 2 == 0);
    std::sort(x.begin(), x.end());
    std::sort(y.begin(), y.end());
    std::vector<double> d;
    for (double a : x)
      for (double b : y) d.push_back(a - b);
    std::sort(d.begin(), d.end());
    for (std::uint64_t k : {std::uint64_t{1}, std::uint64_t{2}, d.size() / 3, d.size() / 2, d.size() / 2 + 1,
                            d.size() - 1, std::uint64_t{d.size()}})
      CHECK(ds::detail::hl::kth_difference(x.data(), m, y.data(), n, k) == d[k - 1]);
  }
}

TEST_CASE("hodges_lehmann: bad input", "[canary][hl]") {
  const std::vector<double> x{1, 2, 3}, e{}, inf{1, INFINITY}, nan_only{NAN};
  CHECK_THROWS_AS(ds::hodges_lehmann(e.data(), 0, x.data(), 3), std::invalid_argument);
  CHECK_THROWS_AS(ds::hodges_lehmann(x.data(), 3, nan_only.data(), 1), std::invalid_argument);
  CHECK_THROWS_AS(ds::hodges_lehmann(x.data(), 3, inf.data(), 2), std::invalid_argument);
  CHECK_THROWS_AS(ds::hodges_lehmann(x.data(), 3, x.data(), 3, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(ds::hodges_lehmann(x.data(), 3, x.data(), 3, 0.0), std::invalid_argument);
  // a NaN is dropped, as R does
  const std::vector<double> with_nan{1, NAN, 2, 3};
  const auto r = ds::hodges_lehmann(with_nan.data(), 4, x.data(), 3);
  CHECK(r.n1 == 3);
  CHECK(r.estimate == 0);
}

TEST_CASE("classify_metric: Kayenta's labels", "[canary][judge]") {
  std::mt19937_64 rng(11);
  std::lognormal_distribution<double> latency(std::log(100.0), 0.2);
  std::vector<double> base(120), same(120), slow(120);
  for (double& v : base) v = latency(rng);
  for (double& v : same) v = latency(rng);
  for (double& v : slow) v = 1.5 * latency(rng);

  SECTION("identical samples pass, in any order") {
    std::vector<double> shuffled = base;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    const auto r = classify(metric("latency"), shuffled, base);
    CHECK(r.classification == ds::metric_class::pass);
    CHECK_FALSE(r.tested);
    CHECK(r.reason.find("identical") != std::string::npos);
  }
  SECTION("same distribution passes") {
    CHECK(classify(metric("latency"), same, base).classification == ds::metric_class::pass);
  }
  SECTION("+50 % latency is High, -33 % is Low") {
    const auto high = classify(metric("latency"), slow, base);
    CHECK(high.classification == ds::metric_class::high);
    CHECK(high.interval.lower > 0.25 * high.interval.estimate);
    CHECK_THAT(high.ratio, Catch::Matchers::WithinAbs(1.5, 0.1));
    CHECK(classify(metric("latency"), base, slow).classification == ds::metric_class::low);
  }
  SECTION("direction: only the allowed move counts") {
    auto up = metric("latency");
    up.direction = ds::metric_direction::increase;
    CHECK(classify(up, slow, base).classification == ds::metric_class::high);
    CHECK(classify(up, base, slow).classification == ds::metric_class::pass);
    auto down = metric("throughput");
    down.direction = ds::metric_direction::decrease;
    CHECK(classify(down, slow, base).classification == ds::metric_class::pass);
    CHECK(classify(down, base, slow).classification == ds::metric_class::low);
  }
  SECTION("effect size: a significant shift below allowed_increase passes") {
    auto m = metric("latency");
    m.allowed_increase = 1.6;
    CHECK(classify(m, slow, base).classification == ds::metric_class::pass);
    m.allowed_increase = 1.4;
    CHECK(classify(m, slow, base).classification == ds::metric_class::high);
    m.allowed_decrease = 0.6;
    CHECK(classify(m, base, slow).classification == ds::metric_class::pass);
  }
  SECTION("tolerance: the bounds are a fraction of the estimate") {
    // lower bound / estimate is about 0.9 here: tolerance 0.95 puts the bound above it
    const auto r = classify(metric("latency"), slow, base);
    const double frac = r.interval.lower / r.interval.estimate;
    ds::mann_whitney_classifier_options o;
    o.tolerance = frac + 0.01;
    CHECK(classify(metric("latency"), slow, base, o).classification == ds::metric_class::pass);
    o.tolerance = frac - 0.01;
    CHECK(classify(metric("latency"), slow, base, o).classification == ds::metric_class::high);
  }
  SECTION("constant arms: one value overall passes, two different values decide by sign") {
    const std::vector<double> ones(10, 1.0), twos(10, 2.0);
    CHECK(classify(metric("errors"), ones, std::vector<double>(7, 1.0)).classification == ds::metric_class::pass);
    const auto r = classify(metric("errors"), twos, ones);
    CHECK(r.classification == ds::metric_class::high);
    CHECK(r.interval.lower == 1.0);
    CHECK(r.interval.upper == 1.0);
    CHECK(classify(metric("errors"), ones, twos).classification == ds::metric_class::low);
  }
}

TEST_CASE("classify_metric: NaN strategy, no data, must-have-data, criticality", "[canary][judge]") {
  const std::vector<double> nans(5, NAN), vals{1, 2, 3, 4, 5}, zeros(5, 0.0), empty;
  SECTION("replace: NaN is 0") {
    const auto r = classify(metric("errors"), nans, zeros);
    CHECK(r.classification == ds::metric_class::pass);
    CHECK(r.canary.nan == 5);
    CHECK(r.canary.count == 5);
  }
  SECTION("remove: all-NaN arm is Nodata; replace with no values at all passes") {
    auto m = metric("errors");
    m.nans = ds::nan_strategy::remove;
    const auto r = classify(m, nans, vals);
    CHECK(r.classification == ds::metric_class::nodata);
    CHECK(r.canary.count == 0);
    CHECK_FALSE(r.critical_failure);
    CHECK(classify(metric("errors"), empty, vals).classification == ds::metric_class::pass);
  }
  SECTION("must_have_data: NodataFailMetric under either strategy") {
    auto m = metric("errors");
    m.must_have_data = true;
    CHECK(classify(m, empty, vals).classification == ds::metric_class::nodata_fail);
    m.nans = ds::nan_strategy::remove;
    CHECK(classify(m, nans, vals).classification == ds::metric_class::nodata_fail);
  }
  SECTION("critical: Nodata and High fail the canary, within the critical limits only") {
    auto m = metric("errors");
    m.criticality = ds::metric_criticality::critical;
    m.nans = ds::nan_strategy::remove;
    CHECK(classify(m, nans, vals).critical_failure);
    std::vector<double> doubled;
    for (double v : vals) doubled.push_back(2 * v + 10);
    CHECK(classify(m, doubled, vals).critical_failure);
    m.critical_increase = 10;  // High, but not beyond the critical limit
    const auto r = classify(m, doubled, vals);
    CHECK(r.classification == ds::metric_class::high);
    CHECK_FALSE(r.critical_failure);
  }
  SECTION("±inf and bad configurations are refused, naming the metric") {
    const std::vector<double> inf{1, INFINITY};
    const std::string e = invalid_argument_of([&] { classify(metric("lat"), inf, vals); });
    CHECK(has(e, "'lat'"));
    CHECK(has(e, "canary"));
    auto m = metric("lat");
    m.allowed_increase = 0.5;
    CHECK(has(invalid_argument_of([&] { classify(m, vals, vals); }), "allowed_increase"));
    m = metric("lat");
    m.allowed_decrease = 1.5;
    CHECK(has(invalid_argument_of([&] { classify(m, vals, vals); }), "allowed_decrease"));
    m = metric("lat");
    m.outlier_factor = 0;
    CHECK(has(invalid_argument_of([&] { classify(m, vals, vals); }), "outlier_factor"));
    ds::mann_whitney_classifier_options o;
    o.confidence = 1;
    CHECK(has(invalid_argument_of([&] { classify(metric("lat"), vals, vals, o); }), "confidence"));
    o = {};
    o.tolerance = -0.1;
    CHECK(has(invalid_argument_of([&] { classify(metric("lat"), vals, vals, o); }), "tolerance"));
  }
}

TEST_CASE("classify_metric: IQR outlier removal with Kayenta's reduced sensitivity", "[canary][judge]") {
  // 0..99 and two far outliers: Q1 = 25.25 (numpy linear on 102 values), Q3 = 75.75, fences
  // max(p99, Q3 + 3 IQR) = 227.25 and min(p1, Q1 - 3 IQR) = -126.25: 1000 and -1000 go.
  std::vector<double> v;
  for (int i = 0; i < 100; ++i) v.push_back(i);
  v.push_back(1000);
  v.push_back(-1000);
  auto m = metric("lat");
  m.remove_outliers = true;
  const auto r = classify(m, v, v);
  CHECK(r.canary.outliers == 2);
  CHECK(r.canary.count == 100);
  CHECK(r.canary.max == 99);
  m.remove_outliers = false;
  CHECK(classify(m, v, v).canary.outliers == 0);
}

TEST_CASE("canary_judge: group-weighted score and verdicts", "[canary][judge]") {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> g(100, 5);
  std::vector<double> base(60), ok(60), high(60);
  for (double& v : base) v = g(rng);
  for (double& v : ok) v = g(rng);
  for (double& v : high) v = g(rng) * 1.5;

  ds::canary_judge_config c;
  c.metrics = {metric("p50", "latency"), metric("p99", "latency"), metric("errors", "errors")};
  c.group_weights = {{"latency", 60}, {"errors", 40}};
  const ds::canary_judge judge(c);
  auto data = [&](const std::vector<double>& p50, const std::vector<double>& p99, const std::vector<double>& err) {
    return std::vector<ds::metric_samples>{{"errors", err.data(), err.size(), base.data(), base.size()},
                                           {"p50", p50.data(), p50.size(), base.data(), base.size()},
                                           {"p99", p99.data(), p99.size(), base.data(), base.size()}};
  };
  SECTION("all pass: 100, pass") {
    const auto r = judge.judge(data(ok, ok, ok));
    CHECK(r.score == 100);
    CHECK(r.verdict == ds::canary_verdict::pass);
    REQUIRE(r.groups.size() == 2);
    CHECK(r.groups[0].name == "latency");
    CHECK(r.metrics[0].name == "p50");  // the config's order
  }
  SECTION("one of two latency metrics High: 0.6 * 50 + 0.4 * 100 = 70, fail") {
    const auto r = judge.judge(data(ok, high, ok));
    CHECK_THAT(r.score, Catch::Matchers::WithinAbs(70, 1e-12));
    CHECK(r.verdict == ds::canary_verdict::fail);
    CHECK(r.groups[0].high == 1);
    CHECK(r.groups[0].pass == 1);
  }
  SECTION("errors High: 60, fail; thresholds 50 / 60 make it marginal") {
    CHECK_THAT(judge.judge(data(ok, ok, high)).score, Catch::Matchers::WithinAbs(60, 1e-12));
    ds::canary_judge_config c2 = c;
    c2.pass_threshold = 80, c2.marginal_threshold = 50;
    const auto r = ds::canary_judge(c2).judge(data(ok, ok, high));
    CHECK(r.verdict == ds::canary_verdict::marginal);
  }
  SECTION("groups without a weight share the rest; a group without data scores nothing") {
    ds::canary_judge_config c2 = c;
    c2.group_weights = {{"latency", 60}};
    c2.metrics[2].nans = ds::nan_strategy::remove;
    const std::vector<double> nans(5, NAN);
    const auto r = ds::canary_judge(c2).judge(data(ok, ok, nans));
    CHECK(r.groups[1].weight == 40);
    CHECK(r.groups[1].no_data);
    CHECK(r.groups[1].nodata == 1);
    CHECK_THAT(r.score, Catch::Matchers::WithinAbs(60, 1e-12));
  }
  SECTION("a critical metric failing zeroes the score; report_only is not scored") {
    ds::canary_judge_config c2 = c;
    c2.metrics[2].criticality = ds::metric_criticality::critical;
    const auto r = ds::canary_judge(c2).judge(data(ok, ok, high));
    CHECK(r.score == 0);
    CHECK(r.critical_failure);
    CHECK(r.verdict == ds::canary_verdict::fail);
    CHECK(r.reason.find("errors") != std::string::npos);
    c2.metrics[2].criticality = ds::metric_criticality::report_only;
    const auto muted = ds::canary_judge(c2).judge(data(ok, ok, high));
    CHECK(muted.metrics[2].classification == ds::metric_class::high);
    CHECK(muted.groups[1].no_data);
    CHECK_FALSE(muted.critical_failure);
  }
  SECTION("JSON carries score, verdict and per-metric results") {
    const std::string j = ds::to_json(judge.judge(data(ok, high, ok)));
    CHECK(j.find("\"score\": 70.0") != std::string::npos);
    CHECK(j.find("\"verdict\": \"fail\"") != std::string::npos);
    CHECK(j.find("\"pass\": false") != std::string::npos);
    CHECK(j.find("\"classification\": \"High\"") != std::string::npos);
  }
  SECTION("metric families carry the score, verdict and classifications") {
    const std::string t = ds::to_prometheus_text(ds::canary_metric_families(judge.judge(data(ok, high, ok)), "ranker"));
    CHECK(has(t, "driftscope_canary_score{canary=\"ranker\"} 70\n"));
    CHECK(has(t, "driftscope_canary_verdict{canary=\"ranker\",driftscope_canary_verdict=\"fail\"} 1\n"));
    CHECK(has(t, "driftscope_canary_group_score{canary=\"ranker\",group=\"latency\"} 50\n"));
    CHECK(has(t, "driftscope_canary_metric_classification{canary=\"ranker\",metric=\"p99\","
                 "driftscope_canary_metric_classification=\"High\"} 1\n"));
  }
  SECTION("bad input") {
    const std::vector<double> v{1, 2};
    CHECK(has(invalid_argument_of([&] { judge.judge({{"p50", v.data(), 2, v.data(), 2}}); }), "p99"));
    auto d = data(ok, ok, ok);
    d.push_back({"p50", v.data(), 2, v.data(), 2});
    CHECK(has(invalid_argument_of([&] { judge.judge(d); }), "twice"));
    d.pop_back();
    d.push_back({"cpu", v.data(), 2, v.data(), 2});
    CHECK(has(invalid_argument_of([&] { judge.judge(d); }), "'cpu'"));
    ds::canary_judge_config bad = c;
    bad.pass_threshold = 70, bad.marginal_threshold = 80;
    CHECK(has(invalid_argument_of([&] { ds::canary_judge{bad}; }), "marginal_threshold"));
    bad = c;
    bad.group_weights["latency"] = 70;
    CHECK(has(invalid_argument_of([&] { ds::canary_judge{bad}; }), "sum to 110"));
    bad = c;
    bad.group_weights["cpu"] = 0;
    CHECK(has(invalid_argument_of([&] { ds::canary_judge{bad}; }), "'cpu'"));
    bad = c;
    bad.metrics.push_back(metric("p50"));
    CHECK(has(invalid_argument_of([&] { ds::canary_judge{bad}; }), "twice"));
    bad.metrics.clear();
    CHECK_THROWS_AS(ds::canary_judge(bad), std::invalid_argument);
  }
}

TEST_CASE("canary_analysis: interim scores at or below marginal abort, the last score decides", "[canary][judge]") {
  ds::canary_analysis_options o;
  o.intervals = 4;
  o.pass_threshold = 95;
  o.marginal_threshold = 75;
  {
    ds::canary_analysis run(o);
    CHECK(run.add(80) == ds::canary_run_state::running);
    CHECK(run.add(90) == ds::canary_run_state::running);
    CHECK(run.add(100) == ds::canary_run_state::running);
    CHECK(run.add(96) == ds::canary_run_state::passed);
    CHECK(run.scores().size() == 4);
    CHECK_THROWS_AS(run.add(100), std::logic_error);
  }
  {
    ds::canary_analysis run(o);
    CHECK(run.add(100) == ds::canary_run_state::running);
    CHECK(run.add(75) == ds::canary_run_state::failed);  // at the threshold: abort
    CHECK(run.reason().find("aborted") != std::string::npos);
  }
  {
    ds::canary_analysis run(o);
    for (int i = 0; i < 3; ++i) run.add(100);
    CHECK(run.add(80) == ds::canary_run_state::marginal);
  }
  {
    ds::canary_analysis run(o);
    CHECK(run.add(100, true, "critical metric errors was classified as High") == ds::canary_run_state::failed);
  }
  CHECK_THROWS_AS(ds::canary_analysis(ds::canary_analysis_options{0, 95, 75}), std::invalid_argument);
  CHECK_THROWS_AS(ds::canary_analysis(ds::canary_analysis_options{2, 70, 75}), std::invalid_argument);
  ds::canary_analysis run(o);
  CHECK_THROWS_AS(run.add(101), std::invalid_argument);
  CHECK_THROWS_AS(run.add(NAN), std::invalid_argument);
}
