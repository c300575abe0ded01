// Tests of driftscope::ks_2samp against scipy.stats.ks_2samp (scipy 1.17.1).
//
// Expected values come from tests/cpp/data/gen_ks_fixtures.py (checked in together with
// its output tests/cpp/data/ks_fixtures.inc). Input samples are described by a small
// generator spec expanded identically here and in the script (SplitMix64 -> dyadic
// doubles with exact operations), so the arrays are bit-identical in both languages.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "catch.hpp"
#include "driftscope/stats/ks.hpp"

namespace ds = driftscope;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct gen_spec {
  std::uint64_t seed;
  int n;
  int kind;
  double a, b;
  int nan_every;
  bool as_float32;
};

struct ks_case {
  const char* name;
  gen_spec g1, g2;
  int alt, method, policy;
  double statistic, pvalue, location;
  int sign, method_used;
};

struct ks_pvalue_case {
  long long n1, n2;
  double d;
  int alt, method;
  double d_out, pvalue;
  int method_used;
};

struct kstwo_case {
  long long n;
  double d, sf;
};

struct smirnov_case {
  long long n;
  double x, sf;
};

#include "data/ks_fixtures.inc"

struct splitmix64 {
  std::uint64_t state;
  std::uint64_t next() {
    state += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1p-53; }
};

std::vector<double> expand(const gen_spec& g) {
  splitmix64 r{g.seed};
  std::vector<double> out(static_cast<std::size_t>(g.n));
  for (int i = 0; i < g.n; ++i) {
    double v;
    switch (g.kind) {
      case 0: v = g.a + g.b * r.uniform(); break;
      case 1: v = g.a + std::floor(r.uniform() * g.b); break;
      case 2: {
        const double u1 = r.uniform(), u2 = r.uniform(), u3 = r.uniform(), u4 = r.uniform();
        v = g.a + g.b * ((u1 + u2) + (u3 + u4));
        break;
      }
      default: v = g.a;
    }
    if (g.nan_every > 0 && i % g.nan_every == g.nan_every - 1) v = kNaN;
    out[static_cast<std::size_t>(i)] = v;
  }
  return out;
}

std::vector<float> to_float(const std::vector<double>& x) {
  std::vector<float> out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = static_cast<float>(x[i]);
  return out;
}

/// scipy parity: equal (NaN == NaN), or within 1e-9 relative. Tiny p-values are held to
/// the same relative bound; only subnormal results (< 1e-290, where scipy itself loses
/// digits) get an absolute tolerance.
bool close(double actual, double expected, double rel = 1e-9, double abs_tol = 1e-290) {
  if (std::isnan(expected)) return std::isnan(actual);
  if (actual == expected) return true;
  const double diff = std::fabs(actual - expected);
  return diff <= rel * std::fabs(expected) || diff <= abs_tol;
}

ds::alternative alt_of(int a) {
  return a == 0 ? ds::alternative::two_sided : (a == 1 ? ds::alternative::less : ds::alternative::greater);
}
ds::ks_method method_of(int m) {
  return m == 0 ? ds::ks_method::automatic : (m == 1 ? ds::ks_method::exact : ds::ks_method::asymp);
}
ds::nan_policy policy_of(int p) {
  return p == 0 ? ds::nan_policy::propagate : (p == 1 ? ds::nan_policy::raise : ds::nan_policy::omit);
}

ds::ks_result run(const ks_case& c) {
  const std::vector<double> x = expand(c.g1), y = expand(c.g2);
  const ds::ks_options opt{alt_of(c.alt), method_of(c.method), policy_of(c.policy)};
  if (c.g1.as_float32) {
    const std::vector<float> xf = to_float(x), yf = to_float(y);
    return ds::ks_2samp(xf.data(), xf.size(), yf.data(), yf.size(), opt);
  }
  return ds::ks_2samp(x.data(), x.size(), y.data(), y.size(), opt);
}

std::size_t count_nan(const std::vector<double>& x) {
  return static_cast<std::size_t>(std::count_if(x.begin(), x.end(), [](double v) { return std::isnan(v); }));
}

}  // namespace

TEST_CASE("ks_2samp matches scipy on the fixture cases", "[ks]") {
  for (const ks_case& c : ks_cases) {
    INFO("case " << c.name);
    const ds::ks_result r = run(c);
    INFO("statistic " << r.statistic << " expected " << c.statistic);
    INFO("pvalue " << r.pvalue << " expected " << c.pvalue);
    INFO("location " << r.statistic_location << " expected " << c.location);
    CHECK(close(r.statistic, c.statistic, 1e-15, 0.0));
    if (c.statistic == 0.0 && !std::isnan(r.statistic)) CHECK(std::signbit(r.statistic) == std::signbit(c.statistic));
    CHECK(close(r.pvalue, c.pvalue));
    CHECK(close(r.statistic_location, c.location, 0.0, 0.0));
    CHECK(r.statistic_sign == c.sign);
    if (c.policy != 0 || !std::isnan(c.statistic)) CHECK(r.method == method_of(c.method_used));
    const std::vector<double> x = expand(c.g1), y = expand(c.g2);
    CHECK(r.missing1 == count_nan(x));
    CHECK(r.missing2 == count_nan(y));
    CHECK(r.n1 == x.size() - count_nan(x));
    CHECK(r.n2 == y.size() - count_nan(y));
  }
}

TEST_CASE("ks_2samp p-value step matches scipy on a grid of sizes and statistics", "[ks]") {
  for (const ks_pvalue_case& c : ks_pvalue_cases) {
    INFO("n1=" << c.n1 << " n2=" << c.n2 << " d=" << c.d << " alt=" << c.alt << " method=" << c.method);
    const auto r = ds::detail::ks::pvalue(c.d, static_cast<std::size_t>(c.n1), static_cast<std::size_t>(c.n2),
                                          alt_of(c.alt), method_of(c.method));
    INFO("p " << r.p << " expected " << c.pvalue);
    CHECK(close(r.d, c.d_out, 0.0, 0.0));
    CHECK(close(r.p, c.pvalue));
    CHECK(r.used == method_of(c.method_used));
    ds::ks_method used{};
    const double p = ds::ks_2samp_pvalue(c.d, static_cast<std::size_t>(c.n1), static_cast<std::size_t>(c.n2),
                                         alt_of(c.alt), method_of(c.method), &used);
    CHECK((p == r.p || (std::isnan(p) && std::isnan(r.p))));
    CHECK(used == r.used);
  }
}

TEST_CASE("kstwo survival function matches scipy over every Simard-L'Ecuyer branch", "[ks]") {
  for (const kstwo_case& c : kstwo_cases) {
    const double sf = ds::detail::ks::kstwo_sf(c.d, static_cast<double>(c.n));
    INFO("n=" << c.n << " d=" << c.d << " sf " << sf << " expected " << c.sf);
    CHECK(close(sf, c.sf));
    // Where kstwo.sf is 2*smirnov (d >= 1/2, Miller for n <= 140, the band n*d^2 in
    // [2.2, 370) for n > 140) the Smirnov sum is held to 1e-12.
    const double nd2 = static_cast<double>(c.n) * c.d * c.d;
    const bool smirnov_branch = c.d < 1.0 && static_cast<double>(c.n) * c.d > 1.0 &&
                                static_cast<double>(c.n) * c.d < static_cast<double>(c.n) - 1 &&
                                (c.d >= 0.5 || (c.n <= 140 ? nd2 > 4 : (nd2 >= 2.2 && nd2 < 370)));
    if (smirnov_branch) CHECK(close(sf, c.sf, 1e-12));
  }
}

TEST_CASE("smirnov_sf matches scipy.special.smirnov for large n and x >= 1/2", "[ks]") {
  for (const smirnov_case& c : smirnov_cases) {
    const double sf = ds::detail::ks::smirnov_sf(c.n, c.x);
    INFO("n=" << c.n << " x=" << c.x << " sf " << sf << " expected " << c.sf);
    CHECK(close(sf, c.sf, 1e-12));
  }
}

TEST_CASE("smirnov_sf lattice sum equals the term-by-term sum", "[ks]") {
  // The same sum with every term, straight from its definition in long double with
  // log-binomials from std::lgamma (independent of smirnov_log_term); moderate n keeps
  // lgamma's absolute error small.
  for (long long n : {2000LL, 5000LL, 20000LL}) {
    for (double nx2 : {2.2, 3.0, 8.0, 30.0, 120.0, 369.0}) {
      const double x = std::sqrt(nx2 / static_cast<double>(n));
      const long double nl = static_cast<long double>(n), xl = static_cast<long double>(x);
      const long long last = static_cast<long long>(std::floor(nl * (1 - xl)));
      long double sum = 0;
      for (long long v = 0; v <= last; ++v) {
        const long double vl = static_cast<long double>(v);
        const long double one_minus_s = (nl - vl) / nl - xl;
        if (one_minus_s <= 0) continue;
        const long double lt = std::lgamma(nl + 1) - std::lgamma(vl + 1) - std::lgamma(nl - vl + 1) +
                               (vl - 1) * std::log(xl + vl / nl) + (nl - vl) * std::log(one_minus_s);
        sum += std::exp(lt);
      }
      const double expected = static_cast<double>(xl * sum);
      const double got = ds::detail::ks::smirnov_sf(n, x);
      INFO("n=" << n << " x=" << x << " got " << got << " direct " << expected);
      CHECK(close(got, expected, 1e-11));
    }
  }
}

TEST_CASE("ks_2samp_sorted equals ks_2samp on the same data", "[ks]") {
  for (const ks_case& c : ks_cases) {
    if (c.policy != 0 || c.g1.nan_every || c.g2.nan_every) continue;
    if (c.g1.n + c.g2.n > 5000) continue;
    INFO("case " << c.name);
    std::vector<double> x = expand(c.g1), y = expand(c.g2);
    const ds::ks_result a = run(c);
    ds::ks_result b;
    if (c.g1.as_float32) {
      std::vector<float> xf = to_float(x), yf = to_float(y);
      std::sort(xf.begin(), xf.end());
      std::sort(yf.begin(), yf.end());
      b = ds::ks_2samp_sorted(xf.data(), xf.size(), yf.data(), yf.size(), alt_of(c.alt), method_of(c.method));
    } else {
      std::sort(x.begin(), x.end());
      std::sort(y.begin(), y.end());
      b = ds::ks_2samp_sorted(x.data(), x.size(), y.data(), y.size(), alt_of(c.alt), method_of(c.method));
    }
    CHECK(a.statistic == b.statistic);
    CHECK((a.pvalue == b.pvalue || (std::isnan(a.pvalue) && std::isnan(b.pvalue))));
    CHECK(a.statistic_location == b.statistic_location);
    CHECK(a.statistic_sign == b.statistic_sign);
    CHECK(a.method == b.method);
    CHECK(a.n1 == b.n1);
    CHECK(a.n2 == b.n2);
  }
}

TEST_CASE("ks_2samp nan_policy", "[ks]") {
  const std::vector<double> x{0.1, kNaN, 0.7, 0.3}, y{0.2, 0.9, kNaN, kNaN, 0.5};
  SECTION("propagate gives NaN statistic, p-value and location, sign 0") {
    const auto r = ds::ks_2samp(x.data(), x.size(), y.data(), y.size());
    CHECK(std::isnan(r.statistic));
    CHECK(std::isnan(r.pvalue));
    CHECK(std::isnan(r.statistic_location));
    CHECK(r.statistic_sign == 0);
    CHECK(r.missing1 == 1);
    CHECK(r.missing2 == 2);
    CHECK(r.n1 == 3);
    CHECK(r.n2 == 3);
  }
  SECTION("raise throws invalid_argument") {
    ds::ks_options o;
    o.nan = ds::nan_policy::raise;
    CHECK_THROWS_AS(ds::ks_2samp(x.data(), x.size(), y.data(), y.size(), o), std::invalid_argument);
    const std::vector<float> xf{1.f, std::numeric_limits<float>::quiet_NaN()}, yf{2.f};
    CHECK_THROWS_AS(ds::ks_2samp(xf.data(), xf.size(), yf.data(), yf.size(), o), std::invalid_argument);
    // no NaN: no throw
    const std::vector<double> clean{1.0, 2.0};
    CHECK_NOTHROW(ds::ks_2samp(clean.data(), clean.size(), clean.data(), clean.size(), o));
  }
  SECTION("omit drops NaN and equals the test on the clean data") {
    ds::ks_options o;
    o.nan = ds::nan_policy::omit;
    const auto r = ds::ks_2samp(x.data(), x.size(), y.data(), y.size(), o);
    const std::vector<double> xc{0.1, 0.7, 0.3}, yc{0.2, 0.9, 0.5};
    const auto c = ds::ks_2samp(xc.data(), xc.size(), yc.data(), yc.size());
    CHECK(r.statistic == c.statistic);
    CHECK(r.pvalue == c.pvalue);
    CHECK(r.missing1 == 1);
    CHECK(r.missing2 == 2);
  }
}

TEST_CASE("ks_2samp bad input", "[ks]") {
  const std::vector<double> x{1.0, 2.0}, nan1{kNaN};
  SECTION("empty input") {
    CHECK_THROWS_AS(ds::ks_2samp(x.data(), 0, x.data(), x.size()), std::invalid_argument);
    CHECK_THROWS_AS(ds::ks_2samp(x.data(), x.size(), x.data(), 0), std::invalid_argument);
    CHECK_THROWS_AS(ds::ks_2samp_sorted(x.data(), 0, x.data(), x.size()), std::invalid_argument);
    try {
      ds::ks_2samp(x.data(), 0, x.data(), x.size());
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).find("ks_2samp: data1 is empty") == 0);
    }
  }
  SECTION("empty after omitting NaN") {
    ds::ks_options o;
    o.nan = ds::nan_policy::omit;
    CHECK_THROWS_AS(ds::ks_2samp(nan1.data(), nan1.size(), x.data(), x.size(), o), std::invalid_argument);
    CHECK_THROWS_AS(ds::ks_2samp(x.data(), x.size(), nan1.data(), nan1.size(), o), std::invalid_argument);
  }
  SECTION("unknown option strings") {
    CHECK(ds::parse_ks_method("auto") == ds::ks_method::automatic);
    CHECK(ds::parse_ks_method("exact") == ds::ks_method::exact);
    CHECK(ds::parse_ks_method("asymp") == ds::ks_method::asymp);
    CHECK_THROWS_AS(ds::parse_ks_method("approx"), std::invalid_argument);
    CHECK_THROWS_AS(ds::parse_ks_method(""), std::invalid_argument);
    CHECK(ds::parse_alternative("two-sided") == ds::alternative::two_sided);
    CHECK_THROWS_AS(ds::parse_alternative("two_sided"), std::invalid_argument);
    CHECK_THROWS_AS(ds::parse_alternative("bigger"), std::invalid_argument);
    CHECK(std::string(ds::to_string(ds::ks_method::asymp)) == "asymp");
    try {
      ds::parse_ks_method("approx");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).find("approx") != std::string::npos);
    }
  }
  SECTION("ks_2samp_pvalue arguments") {
    CHECK_THROWS_AS(ds::ks_2samp_pvalue(0.5, 0, 3, ds::alternative::two_sided, ds::ks_method::automatic, nullptr),
                    std::invalid_argument);
    CHECK_THROWS_AS(ds::ks_2samp_pvalue(kNaN, 3, 3, ds::alternative::two_sided, ds::ks_method::exact, nullptr),
                    std::invalid_argument);
    CHECK_THROWS_AS(ds::ks_2samp_pvalue(1.5, 3, 3, ds::alternative::less, ds::ks_method::asymp, nullptr),
                    std::invalid_argument);
  }
  SECTION("out-of-range enumerations") {
    ds::ks_options o;
    o.method = static_cast<ds::ks_method>(7);
    CHECK_THROWS_AS(o.validate(), std::invalid_argument);
    CHECK_THROWS_AS(ds::ks_2samp(x.data(), x.size(), x.data(), x.size(), o), std::invalid_argument);
  }
}

TEST_CASE("ks_2samp properties", "[ks]") {
  std::vector<double> x(300), y(200);
  splitmix64 r{42};
  for (double& v : x) v = r.uniform();
  for (double& v : y) v = r.uniform() * 1.25 - 0.125;
  SECTION("swapping samples swaps less and greater") {
    ds::ks_options less, greater;
    less.alt = ds::alternative::less;
    greater.alt = ds::alternative::greater;
    const auto a = ds::ks_2samp(x.data(), x.size(), y.data(), y.size(), less);
    const auto b = ds::ks_2samp(y.data(), y.size(), x.data(), x.size(), greater);
    CHECK(a.statistic == b.statistic);
    CHECK(close(a.pvalue, b.pvalue, 1e-12, 0.0));
  }
  SECTION("invariant under a monotone map") {
    std::vector<double> ex(x.size()), ey(y.size());
    std::transform(x.begin(), x.end(), ex.begin(), [](double v) { return std::exp(3 * v); });
    std::transform(y.begin(), y.end(), ey.begin(), [](double v) { return std::exp(3 * v); });
    const auto a = ds::ks_2samp(x.data(), x.size(), y.data(), y.size());
    const auto b = ds::ks_2samp(ex.data(), ex.size(), ey.data(), ey.size());
    CHECK(a.statistic == b.statistic);
    CHECK(a.pvalue == b.pvalue);
    CHECK(b.statistic_location == std::exp(3 * a.statistic_location));
  }
  SECTION("the input is not modified and repeated calls agree (scratch reuse)") {
    const std::vector<double> x0 = x;
    const auto a = ds::ks_2samp(x.data(), x.size(), y.data(), y.size());
    const auto b = ds::ks_2samp(x.data(), x.size(), y.data(), y.size());
    CHECK(x == x0);
    CHECK(a.pvalue == b.pvalue);
  }
  SECTION("concurrent calls agree") {
    const auto expected = ds::ks_2samp(x.data(), x.size(), y.data(), y.size());
    std::vector<double> got(4);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < got.size(); ++t)
      threads.emplace_back([&, t] { got[t] = ds::ks_2samp(x.data(), x.size(), y.data(), y.size()).pvalue; });
    for (auto& th : threads) th.join();
    for (double p : got) CHECK(p == expected.pvalue);
  }
  SECTION("infinite values are ordinary values") {
    // scipy: ks_2samp([-inf, 0, 1, inf], [0.5, 2]) -> statistic 0.5 at 0.0, p 0.9333333333333332
    const std::vector<double> a{-kInf, 0.0, 1.0, kInf}, b{0.5, 2.0};
    const auto res = ds::ks_2samp(a.data(), a.size(), b.data(), b.size());
    CHECK(res.statistic == 0.5);
    CHECK(res.statistic_location == 0.0);
    CHECK(close(res.pvalue, 0.9333333333333332));
    // scipy: ks_2samp([-inf, 0, 1, inf], [-inf, 0.5, 2, inf]) -> 0.25 at 0.0, p 1.0
    const std::vector<double> c{-kInf, 0.5, 2.0, kInf};
    const auto res2 = ds::ks_2samp(a.data(), a.size(), c.data(), c.size());
    CHECK(res2.statistic == 0.25);
    CHECK(res2.statistic_location == 0.0);
    CHECK(res2.pvalue == 1.0);
  }
}
