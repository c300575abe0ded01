// Tests of driftscope::reference_profile: each query equals the one-shot function,
// serialize -> deserialize gives the same outputs, truncated / corrupt bytes throw,
// concurrent const queries agree with serial ones.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "catch.hpp"
#include "driftscope/driftscope.hpp"
#include "stats_test_util.hpp"

namespace ds = driftscope;
using namespace stats_test;

namespace {

std::vector<double> random_sample(std::size_t n, double mean, std::uint64_t seed, double nan_rate = 0.0,
                                  bool ties = false) {
  std::mt19937_64 g(seed);
  std::normal_distribution<double> d(mean, 1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> x(n);
  for (auto& v : x) {
    v = ties ? std::round(d(g) * 2.0) : d(g);
    if (u(g) < nan_rate) v = kNaN;
  }
  return x;
}

std::vector<double> without_nan(const std::vector<double>& x) {
  std::vector<double> out;
  for (double v : x)
    if (!std::isnan(v)) out.push_back(v);
  return out;
}

bool same_ks(const ds::ks_result& a, const ds::ks_result& b) {
  return same(a.statistic, b.statistic) && same(a.pvalue, b.pvalue) &&
         same(a.statistic_location, b.statistic_location) && a.statistic_sign == b.statistic_sign &&
         a.method == b.method && a.n1 == b.n1 && a.n2 == b.n2 && a.missing1 == b.missing1 &&
         a.missing2 == b.missing2;
}

bool same_drift(const ds::drift_result& a, const ds::drift_result& b) {
  return same(a.statistic, b.statistic) && a.n_reference == b.n_reference && a.n_current == b.n_current &&
         a.missing_reference == b.missing_reference && a.missing_current == b.missing_current &&
         a.edges == b.edges && a.reference_counts == b.reference_counts && a.current_counts == b.current_counts;
}

template <class P>
void check_same_outputs(const P& a, const P& b, const std::vector<double>& cur) {
  CHECK(same_drift(a.psi(cur.data(), cur.size()), b.psi(cur.data(), cur.size())));
  CHECK(same_drift(a.js_distance(cur.data(), cur.size()), b.js_distance(cur.data(), cur.size())));
  CHECK(same_ks(a.ks(cur.data(), cur.size()), b.ks(cur.data(), cur.size())));
  CHECK(same(a.wasserstein(cur.data(), cur.size()), b.wasserstein(cur.data(), cur.size())));
  CHECK(a.edges() == b.edges());
  CHECK(a.counts() == b.counts());
  CHECK(a.n() == b.n());
  CHECK(a.missing() == b.missing());
}

const ds::binning all_binnings[] = {ds::binning::quantile(10), ds::binning::quantile(3), ds::binning::uniform(7),
                                    ds::binning::explicit_edges({-1.0, 0.0, 0.0, 0.5, 2.0})};

}  // namespace

TEST_CASE("reference_profile matches the fixtures and the one-shot functions", "[profile]") {
  for (const auto& c : binned_cases) {
    INFO(c.name);
    ds::binning b = c.kind == 0   ? ds::binning::quantile(c.bins)
                    : c.kind == 1 ? ds::binning::uniform(c.bins)
                                  : ds::binning::explicit_edges(c.explicit_edges);
    const ds::reference_profile<double> p(c.reference.data(), c.reference.size(), b);
    const auto r = p.psi(c.current.data(), c.current.size(), c.epsilon);
    CHECK(r.edges == c.edges);
    CHECK(r.reference_counts == c.reference_counts);
    CHECK(r.current_counts == c.current_counts);
    CHECK(close(r.statistic, c.psi, 1e-12, 1e-14));
    CHECK(close(p.js_distance(c.current.data(), c.current.size()).statistic, c.js, 1e-12, 1e-14));
  }
}

TEST_CASE("reference_profile queries equal the one-shot functions", "[profile]") {
  int seed = 0;
  for (std::size_t n_ref : {1u, 7u, 100u, 5000u}) {
    for (std::size_t n_cur : {1u, 13u, 3000u, 12000u}) {
      for (bool ties : {false, true}) {
        ++seed;
        const auto ref = random_sample(n_ref, 0.0, 100u + static_cast<std::uint64_t>(seed), 0.05, ties);
        auto cur = random_sample(n_cur, 0.2, 900u + static_cast<std::uint64_t>(seed), 0.05, ties);
        if (without_nan(cur).empty()) cur.push_back(0.5);
        if (without_nan(ref).empty()) continue;
        INFO("n_ref " << n_ref << " n_cur " << n_cur << " ties " << ties);
        for (const auto& b : all_binnings) {
          const ds::reference_profile<double> p(ref.data(), ref.size(), b);
          CHECK(same_drift(p.psi(cur.data(), cur.size(), 1e-3),
                           ds::psi(ref.data(), ref.size(), cur.data(), cur.size(),
                                   ds::psi_options{b, 1e-3, ds::nan_policy::omit})));
          CHECK(same_drift(p.js_distance(cur.data(), cur.size(), 2.0),
                           ds::js_distance(ref.data(), ref.size(), cur.data(), cur.size(),
                                           ds::js_options{b, 2.0, ds::nan_policy::omit})));
        }
        const ds::reference_profile<double> p(ref.data(), ref.size());
        for (auto alt : {ds::alternative::two_sided, ds::alternative::less, ds::alternative::greater}) {
          CHECK(same_ks(p.ks(cur.data(), cur.size(), alt),
                        ds::ks_2samp(ref.data(), ref.size(), cur.data(), cur.size(),
                                     ds::ks_options{alt, ds::ks_method::automatic, ds::nan_policy::omit})));
        }
        const auto rc = without_nan(ref), cc = without_nan(cur);
        CHECK(p.wasserstein(cur.data(), cur.size()) ==
              ds::wasserstein_distance(rc.data(), rc.size(), cc.data(), cc.size()));
        // float current against a double profile == the one-shot on the promoted values
        const auto cur_f = as<float>(cur);
        const auto cur_f2 = as<float>(cur);
        const std::vector<double> cur_fd(cur_f2.begin(), cur_f2.end());
        CHECK(same_ks(p.ks(cur_f.data(), cur_f.size()),
                      ds::ks_2samp(ref.data(), ref.size(), cur_fd.data(), cur_fd.size(),
                                   ds::ks_options{ds::alternative::two_sided, ds::ks_method::automatic,
                                                  ds::nan_policy::omit})));
        CHECK(same_drift(p.psi(cur_f.data(), cur_f.size()),
                         ds::psi(ref.data(), ref.size(), cur_fd.data(), cur_fd.size())));
      }
    }
  }
}

TEST_CASE("reference_profile<float>", "[profile]") {
  const auto ref = as<float>(random_sample(3000, 0.0, 5, 0.01));
  const auto cur = as<float>(random_sample(2000, 0.3, 6, 0.01));
  const ds::reference_profile<float> p(ref.data(), ref.size());
  CHECK(same_drift(p.psi(cur.data(), cur.size()), ds::psi(ref.data(), ref.size(), cur.data(), cur.size())));
  CHECK(same_ks(p.ks(cur.data(), cur.size()),
                ds::ks_2samp(ref.data(), ref.size(), cur.data(), cur.size(),
                             ds::ks_options{ds::alternative::two_sided, ds::ks_method::automatic,
                                            ds::nan_policy::omit})));
  const auto bytes = p.serialize();
  const auto q = ds::reference_profile<float>::deserialize(bytes.data(), bytes.size());
  CHECK(same_drift(p.psi(cur.data(), cur.size()), q.psi(cur.data(), cur.size())));
  CHECK(q.sorted_values() == p.sorted_values());
  CHECK_THROWS_AS(ds::reference_profile<double>::deserialize(bytes.data(), bytes.size()), std::invalid_argument);
}

TEST_CASE("reference_profile NaN policies and bad input", "[profile]") {
  const std::vector<double> ref{1, 2, kNaN, 4, 5}, cur{1, 2, 3}, cur_nan{1, kNaN, 3}, all_nan{kNaN, kNaN};
  SECTION("omit") {
    const ds::reference_profile<double> p(ref.data(), ref.size());
    CHECK(p.n() == 4);
    CHECK(p.missing() == 1);
    const auto r = p.psi(cur_nan.data(), cur_nan.size());
    CHECK(r.missing_current == 1);
    CHECK(r.n_current == 2);
    CHECK(throws_with<std::invalid_argument>([&] { p.ks(all_nan.data(), all_nan.size()); },
                                             "reference_profile::ks: current is empty"));
    CHECK(throws_with<std::invalid_argument>([&] { p.wasserstein(cur.data(), 0); },
                                             "reference_profile::wasserstein: current must not be empty"));
    CHECK(throws_with<std::invalid_argument>([&] { p.psi(cur.data(), cur.size(), 0.0); },
                                             "reference_profile::psi: epsilon"));
    CHECK(throws_with<std::invalid_argument>([&] { p.js_distance(cur.data(), cur.size(), 1.0); },
                                             "reference_profile::js_distance: base"));
  }
  SECTION("raise") {
    CHECK(throws_with<std::invalid_argument>(
        [&] { ds::reference_profile<double>(ref.data(), ref.size(), {}, ds::nan_policy::raise); }, "NaN"));
    const ds::reference_profile<double> p(cur.data(), cur.size(), {}, ds::nan_policy::raise);
    CHECK(throws_with<std::invalid_argument>([&] { p.psi(cur_nan.data(), cur_nan.size()); }, "NaN"));
    CHECK(throws_with<std::invalid_argument>([&] { p.ks(cur_nan.data(), cur_nan.size()); }, "NaN"));
  }
  SECTION("propagate") {
    const ds::reference_profile<double> p(ref.data(), ref.size(), {}, ds::nan_policy::propagate);
    CHECK(std::isnan(p.psi(cur.data(), cur.size()).statistic));
    CHECK(std::isnan(p.js_distance(cur.data(), cur.size()).statistic));
    CHECK(std::isnan(p.wasserstein(cur.data(), cur.size())));
    const auto k = p.ks(cur.data(), cur.size());
    CHECK(std::isnan(k.statistic));
    CHECK(std::isnan(k.pvalue));
    // same NaN result as ks_2samp under propagate
    const ds::reference_profile<double> clean(cur.data(), cur.size(), {}, ds::nan_policy::propagate);
    CHECK(same_ks(clean.ks(cur_nan.data(), cur_nan.size()),
                  ds::ks_2samp(cur.data(), cur.size(), cur_nan.data(), cur_nan.size(),
                               ds::ks_options{ds::alternative::two_sided, ds::ks_method::automatic,
                                              ds::nan_policy::propagate})));
    CHECK(clean.psi(cur.data(), cur.size()).statistic == 0.0);
    const ds::reference_profile<double> empty(all_nan.data(), all_nan.size(), {}, ds::nan_policy::propagate);
    CHECK(empty.n() == 0);
    CHECK(std::isnan(empty.psi(cur.data(), cur.size()).statistic));
    const auto bytes = empty.serialize();
    const auto back = ds::reference_profile<double>::deserialize(bytes.data(), bytes.size());
    CHECK(back.missing() == 2);
  }
  SECTION("construction") {
    CHECK(throws_with<std::invalid_argument>([&] { ds::reference_profile<double>(ref.data(), 0); },
                                             "reference_profile: reference must not be empty"));
    CHECK(throws_with<std::invalid_argument>(
        [&] { ds::reference_profile<double>(all_nan.data(), all_nan.size()); }, "empty after omitting NaN"));
    CHECK(throws_with<std::invalid_argument>(
        [&] { ds::reference_profile<double>(cur.data(), cur.size(), ds::binning::quantile(1)); }, "bins"));
  }
}

TEST_CASE("reference_profile serialize / deserialize", "[profile]") {
  const auto ref = random_sample(777, 0.0, 42, 0.02, true);
  const auto cur = random_sample(500, 0.4, 43, 0.02);
  for (const auto& b : all_binnings) {
    for (auto pol : {ds::nan_policy::omit, ds::nan_policy::propagate}) {
      const ds::reference_profile<double> p(ref.data(), ref.size(), b, pol);
      const auto bytes = p.serialize();
      CHECK(bytes.size() == p.serialized_size_bytes());
      CHECK(std::memcmp(bytes.data(), "DSRP", 4) == 0);
      const auto q = ds::reference_profile<double>::deserialize(bytes.data(), bytes.size());
      check_same_outputs(p, q, cur);
      CHECK(q.serialize() == bytes);
      CHECK(q.binning().kind == b.kind);
      CHECK(q.nan() == pol);
    }
  }

  const std::vector<double> small{3, 1, 2, 2, 5, -1, 0.5};
  const ds::reference_profile<double> p(small.data(), small.size(), ds::binning::quantile(4));
  const auto bytes = p.serialize();
  SECTION("every truncation throws out_of_range") {
    for (std::size_t len = 0; len < bytes.size(); ++len)
      CHECK_THROWS_AS(ds::reference_profile<double>::deserialize(bytes.data(), len), std::out_of_range);
  }
  SECTION("corrupt fields throw invalid_argument") {
    auto corrupt = [&](std::size_t offset, std::uint8_t value) {
      auto b = bytes;
      b[offset] = value;
      return b;
    };
    const std::size_t values_at = bytes.size() - 8 * small.size();
    const std::vector<std::vector<std::uint8_t>> bad = {
        corrupt(0, 'X'),                 // magic
        corrupt(4, 9),                   // family
        corrupt(5, 2),                   // version
        corrupt(6, 0),                   // flags: float
        corrupt(7, 4),                   // value size
        corrupt(8, 7),                   // binning kind
        corrupt(9, 3),                   // nan policy
        corrupt(12, 1),                  // reserved
        corrupt(16, 1),                  // bins = 1
        corrupt(values_at + 7, 0x7f),    // first value becomes huge: unsorted
    };
    for (const auto& b : bad)
      CHECK_THROWS_AS(ds::reference_profile<double>::deserialize(b.data(), b.size()), std::invalid_argument);
    auto nan_value = bytes;
    for (std::size_t k = 0; k < 8; ++k) nan_value[values_at + k] = 0xff;  // a NaN value
    CHECK_THROWS_AS(ds::reference_profile<double>::deserialize(nan_value.data(), nan_value.size()),
                    std::invalid_argument);
    auto trailing = bytes;
    trailing.push_back(0);
    CHECK_THROWS_AS(ds::reference_profile<double>::deserialize(trailing.data(), trailing.size()),
                    std::invalid_argument);
    // a count moved between bins
    auto counts = bytes;
    const std::size_t counts_at = 48 + 8 * p.edges().size();
    counts[counts_at] = static_cast<std::uint8_t>(counts[counts_at] + 1);
    counts[counts_at + 8] = static_cast<std::uint8_t>(counts[counts_at + 8] - 1);
    CHECK_THROWS_AS(ds::reference_profile<double>::deserialize(counts.data(), counts.size()),
                    std::invalid_argument);
    // an edge moved
    auto edges = bytes;
    edges[48] = static_cast<std::uint8_t>(edges[48] ^ 1);
    CHECK_THROWS_AS(ds::reference_profile<double>::deserialize(edges.data(), edges.size()), std::invalid_argument);
    CHECK_THROWS_AS(ds::reference_profile<double>::deserialize(nullptr, 10), std::invalid_argument);
  }
  SECTION("every single-byte flip either throws or decodes to a valid profile") {
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      auto b = bytes;
      b[i] = static_cast<std::uint8_t>(b[i] ^ 0x5a);
      try {
        const auto q = ds::reference_profile<double>::deserialize(b.data(), b.size());
        CHECK(q.n() == small.size());
      } catch (const std::invalid_argument&) {
      } catch (const std::out_of_range&) {
      }
    }
  }
}

TEST_CASE("reference_profile const queries run concurrently", "[profile]") {
  const auto ref = random_sample(20000, 0.0, 1);
  const ds::reference_profile<double> p(ref.data(), ref.size());
  std::vector<std::vector<double>> curs;
  std::vector<double> expect_w, expect_ks, expect_psi;
  for (int t = 0; t < 4; ++t) {
    curs.push_back(random_sample(5000 + 1000 * static_cast<std::size_t>(t), 0.1 * t, 50u + static_cast<std::uint64_t>(t)));
    expect_w.push_back(p.wasserstein(curs.back().data(), curs.back().size()));
    expect_ks.push_back(p.ks(curs.back().data(), curs.back().size()).statistic);
    expect_psi.push_back(p.psi(curs.back().data(), curs.back().size()).statistic);
  }
  std::vector<int> ok(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const auto& c = curs[static_cast<std::size_t>(t)];
      bool good = true;
      for (int rep = 0; rep < 20; ++rep) {
        good = good && p.wasserstein(c.data(), c.size()) == expect_w[static_cast<std::size_t>(t)];
        good = good && p.ks(c.data(), c.size()).statistic == expect_ks[static_cast<std::size_t>(t)];
        good = good && p.psi(c.data(), c.size()).statistic == expect_psi[static_cast<std::size_t>(t)];
      }
      ok[static_cast<std::size_t>(t)] = good ? 1 : 0;
    });
  }
  for (auto& th : threads) th.join();
  for (int v : ok) CHECK(v == 1);
}
