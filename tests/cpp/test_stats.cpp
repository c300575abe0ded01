// Tests of the drift statistics in include/driftscope/stats/ (all but KS):
// wasserstein_distance, jensenshannon, binning, psi, js_distance and the *_counts
// variants, against numpy / scipy values from tests/cpp/data/gen_stats_fixtures.py,
// plus properties (symmetry, bounds) and every bad-input case.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "catch.hpp"
#include "driftscope/driftscope.hpp"
#include "stats_test_util.hpp"

namespace ds = driftscope;
using namespace stats_test;

namespace {

ds::binning binning_of(const binned_case& c) {
  if (c.kind == 0) return ds::binning::quantile(c.bins);
  if (c.kind == 1) return ds::binning::uniform(c.bins);
  return ds::binning::explicit_edges(c.explicit_edges);
}

std::vector<double> random_normal(std::size_t n, double mean, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::normal_distribution<double> d(mean, 1.0);
  std::vector<double> x(n);
  for (auto& v : x) v = d(g);
  return x;
}

}  // namespace

TEST_CASE("wasserstein_distance matches scipy", "[stats]") {
  for (const auto& c : wasserstein_cases) {
    INFO(c.name);
    const double* uw = c.u_weights.empty() ? nullptr : c.u_weights.data();
    const double* vw = c.v_weights.empty() ? nullptr : c.v_weights.data();
    const double d = ds::wasserstein_distance(c.u.data(), c.u.size(), c.v.data(), c.v.size(), uw, vw);
    CHECK(close(d, c.expected, 1e-12));
    if (c.float32) {
      const auto uf = as<float>(c.u), vf = as<float>(c.v);
      const double df = ds::wasserstein_distance(uf.data(), uf.size(), vf.data(), vf.size(), uw, vw);
      CHECK(close(df, c.expected, 1e-12));
    }
  }
}

TEST_CASE("wasserstein_distance properties and edge cases", "[stats]") {
  const auto a = random_normal(500, 0.0, 1), b = random_normal(300, 0.5, 2);
  SECTION("symmetric, zero on itself, sorted variant equal") {
    const double ab = ds::wasserstein_distance(a.data(), a.size(), b.data(), b.size());
    const double ba = ds::wasserstein_distance(b.data(), b.size(), a.data(), a.size());
    CHECK(ab == ba);
    CHECK(ds::wasserstein_distance(a.data(), a.size(), a.data(), a.size()) == 0.0);
    auto sa = a, sb = b;
    std::sort(sa.begin(), sa.end());
    std::sort(sb.begin(), sb.end());
    CHECK(ds::wasserstein_distance_sorted(sa.data(), sa.size(), sb.data(), sb.size()) == ab);
  }
  SECTION("unit weights equal the unweighted distance") {
    const std::vector<double> wa(a.size(), 1.0), wb(b.size(), 3.0);
    const double plain = ds::wasserstein_distance(a.data(), a.size(), b.data(), b.size());
    CHECK(close(ds::wasserstein_distance(a.data(), a.size(), b.data(), b.size(), wa.data(), wb.data()), plain,
                1e-12));
  }
  SECTION("NaN values give NaN (scipy)") {
    const std::vector<double> u{1.0, kNaN, 2.0}, v{1.0, 2.0};
    CHECK(std::isnan(ds::wasserstein_distance(u.data(), u.size(), v.data(), v.size())));
  }
  SECTION("+inf on both sides gives NaN (scipy: inf - inf)") {
    const std::vector<double> u{1.0, kInf}, v{1.0, kInf};
    CHECK(std::isnan(ds::wasserstein_distance(u.data(), u.size(), v.data(), v.size())));
  }
  SECTION("bad input") {
    const std::vector<double> x{1.0, 2.0}, neg{1.0, -1.0}, zero{0.0, 0.0}, inf{1.0, kInf}, nan{1.0, kNaN};
    CHECK(throws_with<std::invalid_argument>(
        [&] { ds::wasserstein_distance(x.data(), 0, x.data(), x.size()); }, "wasserstein_distance: u_values"));
    CHECK(throws_with<std::invalid_argument>(
        [&] { ds::wasserstein_distance(x.data(), x.size(), x.data(), 0); }, "wasserstein_distance: v_values"));
    for (const auto* w : {&neg, &zero, &inf, &nan}) {
      CHECK(throws_with<std::invalid_argument>(
          [&] { ds::wasserstein_distance(x.data(), x.size(), x.data(), x.size(), w->data()); }, "u_weights"));
      CHECK(throws_with<std::invalid_argument>(
          [&] { ds::wasserstein_distance(x.data(), x.size(), x.data(), x.size(), nullptr, w->data()); },
          "v_weights"));
    }
  }
}

TEST_CASE("jensenshannon matches scipy", "[stats]") {
  for (const auto& c : js_cases) {
    INFO(c.name);
    // (two calls rather than a ternary optional: GCC 12 warns -Wmaybe-uninitialized on that)
    const double d = c.base == 0 ? ds::jensenshannon(c.p.data(), c.q.data(), c.p.size())
                                 : ds::jensenshannon(c.p.data(), c.q.data(), c.p.size(), c.base);
    CHECK(close(d, c.expected, 1e-12, 1e-14));
  }
}

TEST_CASE("jensenshannon properties and bad input", "[stats]") {
  std::mt19937_64 g(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int rep = 0; rep < 200; ++rep) {
    const std::size_t n = 1 + static_cast<std::size_t>(rep % 17);
    std::vector<double> p(n), q(n);
    for (std::size_t i = 0; i < n; ++i) {
      p[i] = u(g) < 0.3 ? 0.0 : u(g);
      q[i] = u(g) < 0.3 ? 0.0 : u(g);
    }
    p[0] += 0.1;
    q[n - 1] += 0.1;
    const double pq = ds::jensenshannon(p.data(), q.data(), n, 2.0);
    const double qp = ds::jensenshannon(q.data(), p.data(), n, 2.0);
    CHECK(pq == qp);
    CHECK(pq >= 0.0);
    CHECK(pq <= 1.0);
    CHECK(ds::jensenshannon(p.data(), p.data(), n, 2.0) == 0.0);
  }
  const std::vector<float> pf{1.0f, 0.0f, 0.0f}, qf{0.0f, 1.0f, 0.0f};
  CHECK(ds::jensenshannon(pf.data(), qf.data(), 3, 2.0) == 1.0);

  const std::vector<double> ok{1.0, 2.0}, neg{1.0, -2.0}, zero{0.0, 0.0}, nan{kNaN, 1.0}, inf{kInf, 1.0};
  CHECK(throws_with<std::invalid_argument>([&] { ds::jensenshannon(ok.data(), ok.data(), 0); }, "jensenshannon:"));
  for (const auto* bad : {&neg, &zero, &nan, &inf}) {
    CHECK(throws_with<std::invalid_argument>([&] { ds::jensenshannon(bad->data(), ok.data(), 2); },
                                             "jensenshannon: p"));
    CHECK(throws_with<std::invalid_argument>([&] { ds::jensenshannon(ok.data(), bad->data(), 2); },
                                             "jensenshannon: q"));
  }
  for (double base : {0.0, -2.0, 1.0, kInf, kNaN})
    CHECK(throws_with<std::invalid_argument>([&] { ds::jensenshannon(ok.data(), ok.data(), 2, base); }, "base"));
}

TEST_CASE("quantile and uniform edges match numpy", "[stats]") {
  for (const auto& c : edges_cases) {
    INFO(c.name);
    auto sorted = c.sample;
    std::sort(sorted.begin(), sorted.end());
    CHECK(ds::quantile_edges(sorted.data(), sorted.size(), c.bins) == c.quantile_edges);
    CHECK(ds::uniform_edges(c.sample.data(), c.sample.size(), c.bins) == c.uniform_edges);
    // the sort-in-place path used by one-shot psi gives the same edges
    auto scratch = c.sample;
    CHECK(ds::detail::quantile_edges_unsorted(scratch.data(), scratch.size(), c.bins) == c.quantile_edges);
  }
}

TEST_CASE("binning validation", "[stats]") {
  CHECK(throws_with<std::invalid_argument>([] { ds::binning::quantile(1).validate("psi"); },
                                           "psi: bins must be >= 2, got 1"));
  CHECK(throws_with<std::invalid_argument>([] { ds::binning::uniform(0).validate("psi"); }, "bins"));
  CHECK(throws_with<std::invalid_argument>([] { ds::binning::quantile(ds::max_bins + 1).validate("psi"); }, "bins"));
  CHECK(throws_with<std::invalid_argument>([] { ds::binning::explicit_edges({}).validate("psi"); }, "edges"));
  CHECK(throws_with<std::invalid_argument>([] { ds::binning::explicit_edges({2.0, 1.0}).validate("psi"); },
                                           "sorted"));
  CHECK(throws_with<std::invalid_argument>([] { ds::binning::explicit_edges({1.0, kNaN}).validate("psi"); },
                                           "NaN"));
  const std::vector<double> e{-kInf, 1.0, 1.0, 2.0, kInf};
  CHECK(ds::explicit_edges(e.data(), e.size()) == std::vector<double>{-kInf, 1.0, 2.0, kInf});
  CHECK(ds::parse_binning_kind("uniform") == ds::binning_kind::uniform);
  CHECK(throws_with<std::invalid_argument>([] { ds::parse_binning_kind("foo"); }, "binning"));
  const std::vector<double> infs{kInf, -kInf};
  CHECK(throws_with<std::invalid_argument>([&] { ds::uniform_edges(infs.data(), infs.size(), 4); }, "finite"));
  const std::vector<double> one{1.0};
  CHECK(throws_with<std::invalid_argument>([&] { ds::quantile_edges(one.data(), 0, 4); }, "empty"));
}

TEST_CASE("psi and js_distance match numpy / scipy", "[stats]") {
  for (const auto& c : binned_cases) {
    INFO(c.name);
    ds::psi_options po;
    po.binning = binning_of(c);
    po.epsilon = c.epsilon;
    const auto r = ds::psi(c.reference.data(), c.reference.size(), c.current.data(), c.current.size(), po);
    CHECK(r.edges == c.edges);
    CHECK(r.reference_counts == c.reference_counts);
    CHECK(r.current_counts == c.current_counts);
    CHECK(close(r.statistic, c.psi, 1e-12, 1e-14));
    CHECK(r.statistic >= 0.0);
    const auto nan_ref = static_cast<std::size_t>(std::count_if(c.reference.begin(), c.reference.end(),
                                                                 [](double v) { return std::isnan(v); }));
    CHECK(r.missing_reference == nan_ref);
    CHECK(r.n_reference == c.reference.size() - nan_ref);

    ds::js_options jo;
    jo.binning = binning_of(c);
    const auto j = ds::js_distance(c.reference.data(), c.reference.size(), c.current.data(), c.current.size(), jo);
    CHECK(j.edges == c.edges);
    CHECK(close(j.statistic, c.js, 1e-12, 1e-14));
    CHECK(j.statistic >= 0.0);
    CHECK(j.statistic <= 1.0);
  }
}

TEST_CASE("psi_counts and js_distance_counts match numpy / scipy", "[stats]") {
  for (const auto& c : counts_cases) {
    INFO(c.name);
    CHECK(close(ds::psi_counts(c.reference.data(), c.current.data(), c.reference.size(), c.epsilon), c.psi, 1e-12,
                1e-14));
    CHECK(close(ds::js_distance_counts(c.reference.data(), c.current.data(), c.reference.size()), c.js, 1e-12,
                1e-14));
  }
}

TEMPLATE_TEST_CASE("psi on float and double agree on float-representable data", "[stats]", float, double) {
  const auto ref = random_normal(2000, 0.0, 11), cur = random_normal(1500, 0.2, 12);
  std::vector<double> ref_d(ref.size()), cur_d(cur.size());
  std::vector<TestType> ref_t(ref.size()), cur_t(cur.size());
  for (std::size_t i = 0; i < ref.size(); ++i) {
    ref_t[i] = static_cast<TestType>(ref[i]);
    ref_d[i] = static_cast<double>(ref_t[i]);
  }
  for (std::size_t i = 0; i < cur.size(); ++i) {
    cur_t[i] = static_cast<TestType>(cur[i]);
    cur_d[i] = static_cast<double>(cur_t[i]);
  }
  for (auto kind : {ds::binning_kind::quantile, ds::binning_kind::uniform}) {
    ds::psi_options o;
    o.binning.kind = kind;
    const auto a = ds::psi(ref_t.data(), ref_t.size(), cur_t.data(), cur_t.size(), o);
    const auto b = ds::psi(ref_d.data(), ref_d.size(), cur_d.data(), cur_d.size(), o);
    const auto mixed = ds::psi(ref_d.data(), ref_d.size(), cur_t.data(), cur_t.size(), o);
    CHECK(a.edges == b.edges);
    CHECK(a.current_counts == b.current_counts);
    CHECK(a.statistic == b.statistic);
    CHECK(mixed.statistic == b.statistic);
  }
}

TEST_CASE("psi / js_distance NaN policies and bad input", "[stats]") {
  const std::vector<double> ref{1, 2, 3, 4, 5, 6, 7, 8}, cur{2, 3, 4, 5, 9}, with_nan{1, kNaN, 3, 4},
      all_nan{kNaN, kNaN};
  SECTION("omit drops and counts NaN") {
    const auto r = ds::psi(with_nan.data(), with_nan.size(), cur.data(), cur.size());
    const std::vector<double> clean{1, 3, 4};
    const auto e = ds::psi(clean.data(), clean.size(), cur.data(), cur.size());
    CHECK(r.missing_reference == 1);
    CHECK(r.n_reference == 3);
    CHECK(r.statistic == e.statistic);
    CHECK(r.edges == e.edges);
  }
  SECTION("propagate gives NaN, raise throws") {
    ds::psi_options o;
    o.nan = ds::nan_policy::propagate;
    CHECK(std::isnan(ds::psi(with_nan.data(), with_nan.size(), cur.data(), cur.size(), o).statistic));
    CHECK(std::isnan(ds::psi(cur.data(), cur.size(), with_nan.data(), with_nan.size(), o).statistic));
    CHECK(std::isnan(ds::psi(all_nan.data(), all_nan.size(), cur.data(), cur.size(), o).statistic));
    CHECK(ds::psi(ref.data(), ref.size(), cur.data(), cur.size(), o).statistic >= 0.0);
    o.nan = ds::nan_policy::raise;
    CHECK(throws_with<std::invalid_argument>(
        [&] { ds::psi(with_nan.data(), with_nan.size(), cur.data(), cur.size(), o); }, "psi: reference"));
    CHECK(throws_with<std::invalid_argument>(
        [&] { ds::psi(ref.data(), ref.size(), with_nan.data(), with_nan.size(), o); }, "psi: current"));
    ds::js_options jo;
    jo.nan = ds::nan_policy::propagate;
    CHECK(std::isnan(ds::js_distance(with_nan.data(), with_nan.size(), cur.data(), cur.size(), jo).statistic));
  }
  SECTION("empty and all-NaN") {
    CHECK(throws_with<std::invalid_argument>([&] { ds::psi(ref.data(), 0, cur.data(), cur.size()); },
                                             "psi: reference must not be empty"));
    CHECK(throws_with<std::invalid_argument>([&] { ds::psi(ref.data(), ref.size(), cur.data(), 0); },
                                             "psi: current must not be empty"));
    CHECK(throws_with<std::invalid_argument>(
        [&] { ds::psi(all_nan.data(), all_nan.size(), cur.data(), cur.size()); }, "psi: reference is empty"));
    CHECK(throws_with<std::invalid_argument>(
        [&] { ds::js_distance(ref.data(), ref.size(), all_nan.data(), all_nan.size()); },
        "js_distance: current is empty"));
  }
  SECTION("options") {
    for (double eps : {0.0, 1.0, -1e-3, kNaN}) {
      ds::psi_options o;
      o.epsilon = eps;
      CHECK(throws_with<std::invalid_argument>([&] { ds::psi(ref.data(), ref.size(), cur.data(), cur.size(), o); },
                                               "psi: epsilon"));
    }
    ds::psi_options o;
    o.binning.bins = 1;
    CHECK(throws_with<std::invalid_argument>([&] { ds::psi(ref.data(), ref.size(), cur.data(), cur.size(), o); },
                                             "psi: bins must be >= 2, got 1"));
    o.binning = ds::binning::uniform(4);
    const std::vector<double> infs{kInf, -kInf, kInf};
    CHECK(throws_with<std::invalid_argument>([&] { ds::psi(infs.data(), infs.size(), cur.data(), cur.size(), o); },
                                             "finite"));
    for (double base : {0.0, 1.0, -2.0, kInf}) {
      ds::js_options jo;
      jo.base = base;
      CHECK(throws_with<std::invalid_argument>(
          [&] { ds::js_distance(ref.data(), ref.size(), cur.data(), cur.size(), jo); }, "js_distance: base"));
    }
    ds::js_options jo;
    jo.nan = static_cast<ds::nan_policy>(42);
    CHECK(throws_with<std::invalid_argument>(
        [&] { ds::js_distance(ref.data(), ref.size(), cur.data(), cur.size(), jo); }, "nan_policy"));
  }
  SECTION("count vectors") {
    const std::vector<double> a{1, 2}, neg{1, -1}, zero{0, 0}, nan{kNaN, 1};
    CHECK(throws_with<std::invalid_argument>([&] { ds::psi_counts(a.data(), a.data(), 0); }, "psi_counts"));
    CHECK(throws_with<std::invalid_argument>([&] { ds::psi_counts(a.data(), a.data(), 2, 0.0); },
                                             "psi_counts: epsilon"));
    CHECK(throws_with<std::invalid_argument>([&] { ds::js_distance_counts(a.data(), a.data(), 2, 1.0); },
                                             "js_distance_counts: base"));
    for (const auto* bad : {&neg, &zero, &nan}) {
      CHECK(throws_with<std::invalid_argument>([&] { ds::psi_counts(bad->data(), a.data(), 2); },
                                               "psi_counts: reference_counts"));
      CHECK(throws_with<std::invalid_argument>([&] { ds::js_distance_counts(a.data(), bad->data(), 2); },
                                               "js_distance_counts: current_counts"));
    }
  }
}

TEST_CASE("psi is non-negative and zero on identical samples", "[stats]") {
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const auto a = random_normal(100 + 37 * seed, 0.0, seed), b = random_normal(50 + 11 * seed, 0.3, seed + 99);
    CHECK(ds::psi(a.data(), a.size(), b.data(), b.size()).statistic >= 0.0);
    CHECK(ds::psi(a.data(), a.size(), a.data(), a.size()).statistic == 0.0);
    CHECK(ds::js_distance(a.data(), a.size(), a.data(), a.size()).statistic == 0.0);
  }
}
