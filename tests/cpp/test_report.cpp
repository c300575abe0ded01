// Tests of report/column_test.hpp, report/drift_report.hpp and report/report_json.hpp: the
// default test rule, thresholds of both kinds, per-column errors, n_jobs independence,
// values equal to calling the statistics directly, the correction, plot data and the JSON
// writer (escaping, NaN -> null). The statistics themselves are tested against scipy in
// their own files; here the reference is the direct call. The JSON is parsed back by
// tests/python/test_report.py.
#include "catch.hpp"

#include <driftscope/report/column_test.hpp>
#include <driftscope/report/drift_report.hpp>
#include <driftscope/report/report_json.hpp>
#include <driftscope/stats/anderson_ksamp.hpp>
#include <driftscope/stats/categorical.hpp>
#include <driftscope/stats/epps_singleton.hpp>
#include <driftscope/stats/ks.hpp>
#include <driftscope/stats/multipletests.hpp>
#include <driftscope/stats/normed_wasserstein.hpp>
#include <driftscope/stats/psi.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace report_test {

using namespace driftscope;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> normal(std::size_t n, double shift, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::normal_distribution<double> d(shift, 1.0);
  std::vector<double> v(n);
  for (double& x : v) x = d(g);
  return v;
}

std::vector<double> discrete(std::size_t n, int k, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::vector<double> v(n);
  for (double& x : v) x = static_cast<double>(g() % static_cast<std::uint64_t>(k));
  return v;
}

std::vector<std::int32_t> codes(std::size_t n, int k, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::vector<std::int32_t> v(n);
  for (auto& x : v) x = static_cast<std::int32_t>(g() % static_cast<std::uint64_t>(k));
  return v;
}

/// Message check: the exception is std::invalid_argument and mentions `part`.
template <class F>
void throws_with(F&& f, const std::string& part) {
  try {
    f();
    FAIL("expected std::invalid_argument mentioning: " << part);
  } catch (const std::invalid_argument& e) {
    INFO(e.what());
    CHECK(std::string(e.what()).find(part) != std::string::npos);
  }
}

const column_result& row(const drift_report& r, const std::string& name) {
  for (const column_result& c : r.columns)
    if (c.name == name) return c;
  FAIL("no row " << name);
  return r.columns.front();
}

}  // namespace report_test

using namespace report_test;

TEST_CASE("registry: names, aliases, kinds, defaults", "[report]") {
  CHECK(parse_column_test("ks") == column_test::ks);
  CHECK(parse_column_test("KS_2SAMP") == column_test::ks);
  CHECK(parse_column_test("tvd") == column_test::tvd);
  CHECK(parse_column_test("TVD") == column_test::tvd);
  CHECK(parse_column_test("total_variation") == column_test::tvd);
  CHECK(parse_column_test("normed_wasserstein") == column_test::wasserstein);
  CHECK(parse_column_test("energy_distance") == column_test::ed);
  throws_with([] { parse_column_test("kolmogorov"); }, "unknown test 'kolmogorov'");
  throws_with([] { parse_column_test("nope"); }, "jensenshannon");  // lists the valid names
  CHECK(test_info(column_test::ks).kind == threshold_kind::pvalue);
  CHECK(test_info(column_test::ks).default_threshold == 0.05);
  CHECK(test_info(column_test::wasserstein).kind == threshold_kind::distance);
  CHECK(test_info(column_test::wasserstein).default_threshold == 0.1);
  CHECK(test_info(column_test::psi).default_threshold == 0.1);
  CHECK(test_info(column_test::g_test).default_threshold == 0.1);
  CHECK(test_applies(column_test::psi, column_kind::categorical));
  CHECK_FALSE(test_applies(column_test::ks, column_kind::categorical));
  CHECK(test_applies(column_test::chisquare, column_kind::numerical));
}

TEST_CASE("default rule (Evidently's)", "[report]") {
  CHECK(default_column_test(column_kind::numerical, 1000, 6) == column_test::ks);
  CHECK(default_column_test(column_kind::numerical, 1001, 6) == column_test::wasserstein);
  CHECK(default_column_test(column_kind::numerical, 1000, 5) == column_test::chisquare);
  CHECK(default_column_test(column_kind::numerical, 1000, 3) == column_test::chisquare);
  CHECK(default_column_test(column_kind::numerical, 1000, 2) == column_test::z);
  CHECK(default_column_test(column_kind::numerical, 1001, 5) == column_test::jensenshannon);
  CHECK(default_column_test(column_kind::categorical, 1000, 40) == column_test::chisquare);
  CHECK(default_column_test(column_kind::categorical, 10, 1) == column_test::z);
  CHECK(default_column_test(column_kind::categorical, 1001, 2) == column_test::jensenshannon);

  // the rule applied in a report: sizes count non-missing reference values, unique values
  // count over both sides
  std::vector<double> small = normal(1000, 0, 1), big = normal(1001, 0, 2), cur = normal(300, 0, 3);
  std::vector<double> small_nan = normal(1001, 0, 4);
  small_nan[7] = kNaN;  // 1000 non-missing
  std::vector<double> five_ref = discrete(500, 4, 5), five_cur = discrete(500, 5, 6);  // 5 values over both
  std::vector<double> six_cur = five_cur;
  six_cur[0] = 17;  // a sixth value, only in current
  std::vector<double> bin_ref = discrete(400, 2, 7), bin_cur = discrete(400, 2, 8);
  std::vector<column_spec> cols;
  cols.push_back(numerical_column("small", small.data(), small.size(), cur.data(), cur.size()));
  cols.push_back(numerical_column("big", big.data(), big.size(), cur.data(), cur.size()));
  cols.push_back(numerical_column("small_nan", small_nan.data(), small_nan.size(), cur.data(), cur.size()));
  cols.push_back(numerical_column("five", five_ref.data(), five_ref.size(), five_cur.data(), five_cur.size()));
  cols.push_back(numerical_column("six", five_ref.data(), five_ref.size(), six_cur.data(), six_cur.size()));
  cols.push_back(numerical_column("binary", bin_ref.data(), bin_ref.size(), bin_cur.data(), bin_cur.size()));
  const drift_report r = make_drift_report(cols);
  CHECK(row(r, "small").test == "ks");
  CHECK(row(r, "big").test == "wasserstein");
  CHECK(row(r, "big").threshold == 0.1);
  CHECK(row(r, "small_nan").test == "ks");
  CHECK(row(r, "five").test == "chisquare");
  CHECK(row(r, "six").test == "ks");
  CHECK(row(r, "binary").test == "z");
  for (const column_result& c : r.columns) CHECK(c.ok());
}

TEST_CASE("values equal the statistics called directly", "[report]") {
  const auto a = normal(3000, 0, 11), b = normal(2500, 0.1, 12);
  const auto fa = std::vector<float>(a.begin(), a.end()), fb = std::vector<float>(b.begin(), b.end());
  const auto ca = codes(5000, 7, 13), cb = codes(4000, 8, 14);  // category 7 unseen in reference
  std::vector<column_spec> cols;
  for (const char* t : {"ks", "wasserstein", "psi", "jensenshannon", "kl_div", "hellinger", "TVD", "linf",
                        "cramer_von_mises", "mannw", "t_test", "ed", "anderson", "es"}) {
    cols.push_back(numerical_column(std::string("num_") + t, a.data(), a.size(), b.data(), b.size()));
    cols.back().test = t;
  }
  cols.push_back(numerical_column("f32", fa.data(), fa.size(), fb.data(), fb.size()));
  cols.back().test = "ks";
  for (const char* t : {"chisquare", "g_test", "psi", "jensenshannon", "kl_div", "hellinger", "TVD"}) {
    cols.push_back(categorical_column(std::string("cat_") + t, ca.data(), ca.size(), cb.data(), cb.size(), 8));
    cols.back().test = t;
  }
  const drift_report r = make_drift_report(cols);
  REQUIRE(r.n_errors == 0);
  ks_options ko;
  ko.nan = nan_policy::omit;
  const ks_result ks = ks_2samp(a.data(), a.size(), b.data(), b.size(), ko);
  CHECK(row(r, "num_ks").statistic == ks.statistic);
  CHECK(row(r, "num_ks").pvalue == ks.pvalue);
  CHECK(row(r, "num_ks").drift == (ks.pvalue < 0.05));
  const ks_result ks32 = ks_2samp(fa.data(), fa.size(), fb.data(), fb.size(), ko);
  CHECK(row(r, "f32").pvalue == ks32.pvalue);
  CHECK(row(r, "num_wasserstein").statistic == normed_wasserstein(a.data(), a.size(), b.data(), b.size()).statistic);
  CHECK(std::isnan(row(r, "num_wasserstein").pvalue));
  CHECK(row(r, "num_psi").statistic == psi(a.data(), a.size(), b.data(), b.size()).statistic);
  js_options natural_log;  // Evidently's jensenshannon: scipy's default base e
  natural_log.base = natural_log_base;
  CHECK(row(r, "num_jensenshannon").statistic ==
        js_distance(a.data(), a.size(), b.data(), b.size(), natural_log).statistic);
  CHECK(row(r, "num_kl_div").statistic == kl_divergence(a.data(), a.size(), b.data(), b.size()).statistic);
  CHECK(row(r, "num_hellinger").statistic == hellinger(a.data(), a.size(), b.data(), b.size()).statistic);
  CHECK(row(r, "num_TVD").statistic == total_variation(a.data(), a.size(), b.data(), b.size()).statistic);
  CHECK(row(r, "num_linf").statistic == linf_distance(a.data(), a.size(), b.data(), b.size()).statistic);
  CHECK(row(r, "num_cramer_von_mises").pvalue == cramervonmises_2samp(a.data(), a.size(), b.data(), b.size()).pvalue);
  CHECK(row(r, "num_mannw").pvalue == mannwhitneyu(a.data(), a.size(), b.data(), b.size()).pvalue);
  CHECK(row(r, "num_t_test").pvalue == ttest_ind(a.data(), a.size(), b.data(), b.size()).pvalue);
  CHECK(row(r, "num_ed").statistic == energy_distance(a.data(), a.size(), b.data(), b.size()));
  CHECK(row(r, "num_anderson").pvalue == anderson_ksamp(a.data(), a.size(), b.data(), b.size()).pvalue);
  CHECK(row(r, "num_anderson").statistic == anderson_ksamp(a.data(), a.size(), b.data(), b.size()).statistic);
  CHECK(row(r, "num_es").pvalue == epps_singleton_2samp(a.data(), a.size(), b.data(), b.size()).pvalue);

  const category_counts cc = count_categories(ca.data(), ca.size(), cb.data(), cb.size(), 8);
  CHECK(row(r, "cat_chisquare").pvalue == categorical_drift(cc, categorical_test::chisquare).pvalue);
  CHECK(row(r, "cat_chisquare").statistic == categorical_drift(cc, categorical_test::chisquare).statistic);
  CHECK(row(r, "cat_g_test").pvalue == categorical_drift(cc, categorical_test::g_test).pvalue);
  CHECK(row(r, "cat_psi").statistic == categorical_drift(cc, categorical_test::psi).statistic);
  CHECK(row(r, "cat_jensenshannon").statistic ==
        categorical_drift(cc, categorical_test::jensenshannon, 1e-4, natural_log_base).statistic);
  CHECK(row(r, "cat_kl_div").statistic == categorical_drift(cc, categorical_test::kl_div).statistic);
  CHECK(row(r, "cat_hellinger").statistic == categorical_drift(cc, categorical_test::hellinger).statistic);
  CHECK(row(r, "cat_TVD").statistic == categorical_drift(cc, categorical_test::tvd).statistic);
  CHECK(row(r, "cat_chisquare").n_reference == 5000);
  CHECK(row(r, "cat_chisquare").n_current == 4000);
}

TEST_CASE("discrete numerical columns are tested on their values as categories", "[report]") {
  // 3 distinct values: chisquare on the 2 x 3 table of value counts
  const std::vector<double> a = {1, 1, 2, 3, 3, 3, kNaN, 2, 1, 3};
  const std::vector<double> b = {1, 2, 2, 2, 3, 2, 2, 1};
  std::vector<column_spec> cols{numerical_column("x", a.data(), a.size(), b.data(), b.size())};
  const drift_report r = make_drift_report(cols);
  const column_result& x = r.columns[0];
  CHECK(x.test == "chisquare");
  CHECK(x.missing_reference == 1);
  CHECK(x.n_reference == 9);
  category_counts cc;
  cc.reference = {3, 2, 4};
  cc.current = {2, 5, 1};
  cc.n_reference = 9;
  cc.n_current = 8;
  CHECK(x.pvalue == categorical_drift(cc, categorical_test::chisquare).pvalue);

  // an explicit categorical test on a continuous column: each distinct value is a category
  const auto c = normal(50, 0, 21), d = normal(40, 0, 22);
  std::vector<column_spec> cols2{numerical_column("y", c.data(), c.size(), d.data(), d.size())};
  cols2[0].test = "chisquare";
  const drift_report r2 = make_drift_report(cols2);
  REQUIRE(r2.columns[0].ok());
  category_counts all;
  all.reference.assign(90, 0);
  all.current.assign(90, 0);
  std::vector<double> pooled(c);
  pooled.insert(pooled.end(), d.begin(), d.end());
  std::sort(pooled.begin(), pooled.end());
  for (double v : c) all.reference[static_cast<std::size_t>(std::lower_bound(pooled.begin(), pooled.end(), v) - pooled.begin())]++;
  for (double v : d) all.current[static_cast<std::size_t>(std::lower_bound(pooled.begin(), pooled.end(), v) - pooled.begin())]++;
  all.n_reference = 50;
  all.n_current = 40;
  CHECK(r2.columns[0].pvalue == categorical_drift(all, categorical_test::chisquare).pvalue);
}

TEST_CASE("thresholds: p-value (p < t) and distance (d >= t), score", "[report]") {
  const auto a = normal(500, 0, 31), b = normal(400, 0.3, 32);
  ks_options ko;
  const double p = ks_2samp(a.data(), a.size(), b.data(), b.size(), ko).pvalue;
  const double w = normed_wasserstein(a.data(), a.size(), b.data(), b.size()).statistic;
  REQUIRE(p > 0);
  REQUIRE(p < 0.5);
  std::vector<column_spec> cols;
  auto add = [&](const char* name, const char* test, double t) {
    cols.push_back(numerical_column(name, a.data(), a.size(), b.data(), b.size()));
    cols.back().test = test;
    cols.back().threshold = t;
  };
  add("p_at", "ks", p);                            // p < p is false
  add("p_above", "ks", std::nextafter(p, 1.0));    // drift
  add("d_at", "wasserstein", w);                   // d >= d: drift, score 1
  add("d_above", "wasserstein", std::nextafter(w, 2.0));
  add("default", "ks", kNaN);
  add("auto_big", "", 2.0);  // the rule picks ks: 2 is no p-value threshold -> row error
  const drift_report r = make_drift_report(cols);
  CHECK_FALSE(row(r, "p_at").drift);
  CHECK(row(r, "p_at").score == 1.0);
  CHECK(row(r, "p_above").drift);
  CHECK(row(r, "d_at").drift);
  CHECK(row(r, "d_at").score == 1.0);
  CHECK_FALSE(row(r, "d_above").drift);
  CHECK(row(r, "d_at").threshold_type == threshold_kind::distance);
  CHECK(row(r, "p_at").threshold_type == threshold_kind::pvalue);
  CHECK(row(r, "default").threshold == 0.05);
  CHECK(row(r, "default").score == std::log(p) / std::log(0.05));
  CHECK(row(r, "auto_big").test == "ks");
  CHECK(row(r, "auto_big").error == "threshold 2 is not a p-value threshold (must be < 1) for test ks");
  const std::size_t expected = 2 + (p < 0.05 ? 1 : 0);
  CHECK(r.n_drifted == expected);
  CHECK(r.n_errors == 1);
  CHECK(r.share_drifted == static_cast<double>(expected) / 5.0);
  CHECK(r.drift == (expected >= 3));  // share >= 0.5
}

TEST_CASE("per-column errors are recorded, the report goes on", "[report]") {
  const auto a = normal(200, 0, 41), b = normal(200, 0, 42);
  const std::vector<double> all_nan(10, kNaN), constant(20, 3.0);
  const std::vector<double> empty;
  const auto c3 = codes(100, 3, 43), c3b = codes(100, 3, 44);
  const std::vector<std::int32_t> missing_codes(10, -1), one_cat(30, 2), one_cat_b(20, 2);
  const std::vector<std::int32_t> bad_code = {0, 1, 9};
  std::vector<column_spec> cols;
  cols.push_back(numerical_column("good", a.data(), a.size(), b.data(), b.size()));
  cols.push_back(numerical_column("ref_all_nan", all_nan.data(), all_nan.size(), b.data(), b.size()));
  cols.push_back(numerical_column("cur_empty", a.data(), a.size(), empty.data(), 0));
  cols.push_back(numerical_column("t_const", constant.data(), constant.size(), constant.data(), constant.size()));
  cols.back().test = "t_test";
  cols.push_back(categorical_column("z_three", c3.data(), c3.size(), c3b.data(), c3b.size(), 3));
  cols.back().test = "z";
  cols.push_back(categorical_column("cur_missing", c3.data(), c3.size(), missing_codes.data(), 10, 3));
  cols.push_back(categorical_column("one_cat_z", one_cat.data(), 30, one_cat_b.data(), 20, 3));
  cols.push_back(categorical_column("one_cat_chi", one_cat.data(), 30, one_cat_b.data(), 20, 3));
  cols.back().test = "chisquare";
  cols.push_back(categorical_column("one_cat_fisher", one_cat.data(), 30, one_cat_b.data(), 20, 3));
  cols.back().test = "fisher_exact";
  cols.push_back(categorical_column("bad_code", bad_code.data(), 3, c3b.data(), c3b.size(), 3));
  cols.push_back(failed_column("absent", column_kind::numerical, "column 'absent' is not in the current data"));
  const drift_report r = make_drift_report(cols);
  CHECK(row(r, "good").ok());
  CHECK(row(r, "ref_all_nan").error == "the reference data has no non-missing values (all 10 missing)");
  CHECK(row(r, "ref_all_nan").missing_reference == 10);
  CHECK(row(r, "cur_empty").error == "the current data is empty");
  CHECK(row(r, "t_const").error.find("t_test returned NaN") == 0);
  CHECK(row(r, "z_three").error.find("binary feature") != std::string::npos);
  CHECK(row(r, "cur_missing").error.find("current data has no non-missing") != std::string::npos);
  CHECK(row(r, "one_cat_z").test == "z");
  CHECK(row(r, "one_cat_z").ok());
  CHECK(row(r, "one_cat_z").pvalue == 1.0);
  CHECK(row(r, "one_cat_z").statistic == 0.0);
  CHECK_FALSE(row(r, "one_cat_z").drift);
  CHECK(row(r, "one_cat_chi").pvalue == 1.0);
  CHECK(row(r, "one_cat_chi").statistic == 0.0);
  CHECK(row(r, "one_cat_fisher").pvalue == 1.0);
  CHECK(row(r, "bad_code").error.find("ref_codes must be < n_categories = 3, got 9 at index 2") != std::string::npos);
  CHECK(row(r, "absent").error == "column 'absent' is not in the current data");
  CHECK(row(r, "absent").test.empty());
  CHECK(r.n_errors == 7);
  CHECK(r.n_columns == 11);
}

TEST_CASE("bad requests throw before any work", "[report]") {
  const auto a = normal(20, 0, 51);
  const auto c = codes(20, 3, 52);
  auto one = [&](auto&& edit) {
    std::vector<column_spec> cols{numerical_column("x", a.data(), a.size(), a.data(), a.size()),
                                  categorical_column("c", c.data(), c.size(), c.data(), c.size(), 3)};
    report_options o;
    edit(cols, o);
    (void)make_drift_report(cols, o);
  };
  throws_with([&] { one([](auto& cols, auto&) { cols[0].test = "kolmogorov"; }); }, "unknown test 'kolmogorov'");
  throws_with([&] { one([](auto& cols, auto&) { cols[1].test = "ks"; }); },
              "test 'ks' does not apply to the categorical column 'c'");
  throws_with([&] { one([](auto& cols, auto&) { cols[0].threshold = -1; }); }, "threshold of column 'x'");
  throws_with([&] { one([](auto& cols, auto&) { cols[0].threshold = std::numeric_limits<double>::infinity(); }); },
              "threshold of column 'x'");
  throws_with([&] { one([](auto& cols, auto&) { cols[0].test = "ks", cols[0].threshold = 1.5; }); },
              "p-value threshold of column 'x' must be in (0, 1)");
  throws_with([&] { one([](auto& cols, auto&) { cols[1].name = "x"; }); }, "duplicate column name 'x'");
  throws_with([&] { one([](auto& cols, auto&) { cols[1].labels = {"a"}; }); }, "1 labels for 3 categories");
  throws_with([&] { one([](auto&, auto& o) { o.drift_share = 0; }); }, "drift_share must be in (0, 1]");
  throws_with([&] { one([](auto&, auto& o) { o.drift_share = kNaN; }); }, "drift_share");
  throws_with([&] { one([](auto&, auto& o) { o.alpha = 1; }); }, "alpha must be in (0, 1)");
  throws_with([&] { one([](auto&, auto& o) { o.plot_bins = 0; }); }, "plot_bins");
  throws_with([&] { one([](auto&, auto& o) { o.ecdf_points = 1; }); }, "ecdf_points");
  throws_with(
      [&] {
        one([](auto& cols, auto& o) {
          o.correction = multitest_method::holm;
          cols[0].test = "ks";
          cols[0].threshold = 0.01;
        });
      },
      "with a correction");
}

TEST_CASE("n_jobs does not change the report", "[report]") {
  std::vector<std::vector<double>> data;
  std::vector<std::vector<std::int32_t>> cdata;
  std::vector<column_spec> cols;
  for (int i = 0; i < 24; ++i) {
    data.push_back(normal(static_cast<std::size_t>(300 + 97 * i), 0, 100 + static_cast<std::uint64_t>(i)));
    data.push_back(normal(static_cast<std::size_t>(250 + 13 * i), 0.02 * i, 200 + static_cast<std::uint64_t>(i)));
  }
  for (int i = 0; i < 6; ++i) {
    cdata.push_back(codes(2000, 4 + i, 300 + static_cast<std::uint64_t>(i)));
    cdata.push_back(codes(1500, 4 + i, 400 + static_cast<std::uint64_t>(i)));
  }
  for (std::size_t i = 0; i < 24; ++i)
    cols.push_back(numerical_column("n" + std::to_string(i), data[2 * i].data(), data[2 * i].size(),
                                    data[2 * i + 1].data(), data[2 * i + 1].size()));
  for (std::size_t i = 0; i < 6; ++i)
    cols.push_back(categorical_column("c" + std::to_string(i), cdata[2 * i].data(), cdata[2 * i].size(),
                                      cdata[2 * i + 1].data(), cdata[2 * i + 1].size(), 4 + i));
  report_options o1, o2, o0;
  o2.n_jobs = 2;
  o0.n_jobs = 0;
  const std::string j1 = to_json(make_drift_report(cols, o1));
  CHECK(to_json(make_drift_report(cols, o2)) == j1);
  CHECK(to_json(make_drift_report(cols, o0)) == j1);
  o2.n_jobs = 64;  // more workers than columns
  CHECK(to_json(make_drift_report(cols, o2)) == j1);
  CHECK(to_json(make_drift_report({}, o2)).find("\"n_columns\": 0") != std::string::npos);
}

TEST_CASE("correction: adjusted p-values as multipletests, dataset drifts if any column does", "[report]") {
  std::vector<std::vector<double>> data;
  std::vector<column_spec> cols;
  for (int i = 0; i < 8; ++i) {
    data.push_back(normal(400, 0, 500 + static_cast<std::uint64_t>(i)));
    data.push_back(normal(400, 0.04 * i, 600 + static_cast<std::uint64_t>(i)));
  }
  for (std::size_t i = 0; i < 8; ++i) {
    cols.push_back(numerical_column("n" + std::to_string(i), data[2 * i].data(), 400, data[2 * i + 1].data(), 400));
    cols.back().test = "ks";
  }
  cols.push_back(numerical_column("dist", data[0].data(), 400, data[1].data(), 400));
  cols.back().test = "wasserstein";
  cols.back().threshold = 1e-9;  // a distance column: decided on its own threshold
  for (multitest_method m : {multitest_method::bonferroni, multitest_method::holm, multitest_method::fdr_bh}) {
    report_options o;
    o.correction = m;
    o.alpha = 0.1;
    const drift_report r = make_drift_report(cols, o);
    const drift_report plain = make_drift_report(cols);
    std::vector<double> p;
    for (std::size_t i = 0; i < 8; ++i) p.push_back(plain.columns[i].pvalue);
    multipletests_options mo;
    mo.method = m;
    mo.alpha = 0.1;
    const multipletests_result mt = multipletests(p.data(), p.size(), mo);
    for (std::size_t i = 0; i < 8; ++i) {
      CHECK(r.columns[i].pvalue == p[i]);
      CHECK(r.columns[i].pvalue_adjusted == mt.pvals_corrected[i]);
      CHECK(r.columns[i].drift == (mt.reject[i] != 0));
      CHECK(r.columns[i].threshold == 0.1);
    }
    CHECK(std::isnan(r.columns[8].pvalue_adjusted));
    CHECK(r.columns[8].drift);
    CHECK(r.drift);  // at least the distance column drifts
    CHECK(r.correction == m);
  }
}

TEST_CASE("plot data", "[report]") {
  std::vector<double> a = normal(1000, 0, 71), b = normal(800, 1, 72);
  a[3] = kNaN;
  a[4] = std::numeric_limits<double>::infinity();
  std::vector<column_spec> cols{numerical_column("x", a.data(), a.size(), b.data(), b.size())};
  std::vector<std::int32_t> ca, cb;
  for (int i = 0; i < 40; ++i)
    for (int j = 0; j <= i; ++j) ca.push_back(i), cb.push_back(39 - i);
  ca.push_back(-1);
  std::vector<std::string> labels;
  for (int i = 0; i < 41; ++i) labels.push_back("L" + std::to_string(i));
  cols.push_back(categorical_column("c", ca.data(), ca.size(), cb.data(), cb.size(), 41, labels));
  const std::vector<double> k = {2.5, 2.5};
  cols.push_back(numerical_column("const", k.data(), 2, k.data(), 2));
  cols.back().test = "psi";
  const drift_report r = make_drift_report(cols);
  const numerical_plot& p = r.columns[0].numerical;
  REQUIRE(r.columns[0].plot == plot_kind::numerical);
  CHECK(p.edges.size() == 31);
  CHECK(p.reference.size() == 30);
  std::uint64_t sa = 0, sb = 0;
  for (auto c : p.reference) sa += c;
  for (auto c : p.current) sb += c;
  CHECK(sa == 999);  // NaN omitted, +inf in the last bin
  CHECK(sb == 800);
  for (std::size_t i = 1; i < p.edges.size(); ++i) CHECK(p.edges[i] > p.edges[i - 1]);
  CHECK(p.ecdf_x.size() == 100);
  CHECK(p.ecdf_current.back() == 1.0);
  CHECK(p.ecdf_reference.back() == 998.0 / 999.0);  // the +inf is above every point
  for (std::size_t i = 1; i < 100; ++i) CHECK(p.ecdf_reference[i] >= p.ecdf_reference[i - 1]);

  const categorical_plot& q = r.columns[1].categorical;
  REQUIRE(r.columns[1].plot == plot_kind::categorical);
  REQUIRE(q.categories.size() == 31);
  CHECK(q.categories.front() == "L0");  // totals are all 41: ties keep code order
  CHECK(q.categories.back() == "(other)");
  std::uint64_t other_ref = 0;
  for (int i = 30; i < 40; ++i) other_ref += static_cast<std::uint64_t>(i + 1);
  CHECK(q.reference.back() == other_ref);

  const numerical_plot& c = r.columns[2].numerical;
  CHECK(c.edges == std::vector<double>{2.5, 2.5});
  CHECK(c.reference == std::vector<std::uint64_t>{2});
  CHECK(c.ecdf_x.size() == 1);

  report_options off;
  off.plots = false;
  CHECK(make_drift_report(cols, off).columns[0].plot == plot_kind::none);
}

TEST_CASE("JSON: schema, escaping, NaN as null", "[report]") {
  const auto a = normal(100, 0, 81), b = normal(100, 0, 82);
  const std::vector<double> none(5, kNaN);
  std::vector<column_spec> cols;
  cols.push_back(numerical_column("quote\" back\\slash\n\ttab\x01 \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 bad\xFF",
                                  a.data(), a.size(), b.data(), b.size()));
  cols.back().test = "wasserstein";
  cols.push_back(numerical_column("missing", none.data(), none.size(), b.data(), b.size()));
  report_options o;
  o.plots = false;
  const std::string j = to_json(make_drift_report(cols, o));
  INFO(j);
  CHECK(j.find(R"("name": "quote\" back\\slash\n\ttab\u0001 )"
               "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"
               R"( bad\ufffd")") != std::string::npos);
  CHECK(j.find(R"("pvalue": null, "pvalue_adjusted": null, "drift": false)") != std::string::npos);
  CHECK(j.find(R"("threshold": 0.1, "threshold_kind": "distance")") != std::string::npos);
  CHECK(j.find(R"("drift": null, "score": null)") != std::string::npos);
  CHECK(j.find(R"("correction": null, "alpha": 0.05})") != std::string::npos);
  CHECK(j.find(R"("drift_share": 0.5)") != std::string::npos);
  CHECK(j.find(R"("plot": null)") != std::string::npos);
  CHECK(j.find(R"("share_drifted": 0.0)") != std::string::npos);  // a float stays a float
  CHECK(j.rfind(R"({"driftscope_version": ")", 0) == 0);
  CHECK(j.back() == '}');
}
