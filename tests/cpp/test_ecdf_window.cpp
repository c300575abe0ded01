// Tests of driftscope::ecdf_window: at every evaluation point of sliding / tumbling /
// time windows, KS and Wasserstein equal the batch functions on a brute-force slice of
// the stream; the binary-search KS path equals the merge walk bit for bit; serialize ->
// deserialize continues identically; truncated / corrupt bytes throw; merge (tumbling)
// equals feeding one window.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <stdexcept>
#include <vector>

#include "catch.hpp"
#include "driftscope/window/ecdf_window.hpp"
#include "stats_test_util.hpp"

namespace ds = driftscope;
using namespace stats_test;

namespace {

/// Normal values (rounded to a grid when `ties`), NaN with probability nan_rate, ±inf
/// with probability inf_rate.
std::vector<double> stream(std::size_t n, double mean, std::uint64_t seed, double nan_rate,
                           bool ties, double inf_rate = 0.0) {
  std::mt19937_64 g(seed);
  std::normal_distribution<double> d(mean, 1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> x(n);
  for (auto& v : x) {
    v = ties ? std::round(d(g) * 2.0) / 2.0 : d(g);
    const double r = u(g);
    if (r < nan_rate)
      v = kNaN;
    else if (r < nan_rate + inf_rate)
      v = r < nan_rate + inf_rate / 2 ? kInf : -kInf;
  }
  return x;
}

bool same_ks(const ds::ks_result& a, const ds::ks_result& b) {
  return same(a.statistic, b.statistic) && same(a.pvalue, b.pvalue) &&
         same(a.statistic_location, b.statistic_location) && a.statistic_sign == b.statistic_sign &&
         a.method == b.method && a.n1 == b.n1 && a.n2 == b.n2 && a.missing1 == b.missing1 &&
         a.missing2 == b.missing2;
}

template <class T>
std::vector<T> sorted_without_nan(const std::vector<T>& x) {
  std::vector<T> out;
  for (T v : x)
    if (!std::isnan(v)) out.push_back(v);
  std::sort(out.begin(), out.end());
  return out;
}

/// Everything a window reports at an evaluation point, compared with brute force on
/// `slice` (the window's values as the stream gave them, converted to T).
template <class T>
void check_window(const ds::ecdf_window<T>& w, const std::vector<T>& ref_raw,
                  const ds::reference_profile<T>& prof, const std::vector<T>& slice,
                  bool one_sided_exact = false) {
  const std::vector<T> sorted = sorted_without_nan(slice);
  REQUIRE(w.rows() == slice.size());
  REQUIRE(w.n() == sorted.size());
  REQUIRE(w.missing() == slice.size() - sorted.size());
  if (sorted.empty()) {
    CHECK_THROWS_AS(w.ks(), std::domain_error);
    CHECK_THROWS_AS(w.wasserstein(), std::domain_error);
    CHECK_THROWS_AS(w.min(), std::domain_error);
    CHECK_THROWS_AS(w.sum_squares_centered(), std::domain_error);
    CHECK(w.sum() == 0.0);
    return;
  }
  // sorted view (== treats -0.0 and +0.0 as equal, as every statistic does)
  const T* s = w.sorted_data();
  bool same_sorted = true;
  for (std::size_t i = 0; i < sorted.size(); ++i) same_sorted = same_sorted && s[i] == sorted[i];
  CHECK(same_sorted);
  // KS: the one-shot ks_2samp on the raw reference and the slice (nan_policy omit)
  for (auto alt : {ds::alternative::two_sided, ds::alternative::less, ds::alternative::greater}) {
    for (auto method : {ds::ks_method::automatic, ds::ks_method::asymp}) {
      if (method == ds::ks_method::automatic && alt != ds::alternative::two_sided &&
          !one_sided_exact)
        continue;
      const ds::ks_result want = ds::ks_2samp(ref_raw.data(), ref_raw.size(), slice.data(),
                                              slice.size(), {alt, method, ds::nan_policy::omit});
      const ds::ks_result got = w.ks(alt, method);
      CHECK(same_ks(got, want));
      if (alt == ds::alternative::less) CHECK(same_ks(w.evaluate(alt, method).ks, want));
    }
  }
  const ds::ks_result batch = prof.ks(slice.data(), slice.size());
  CHECK(same_ks(w.ks(), batch));
  const ds::ecdf_evaluation ev = w.evaluate();
  CHECK(same_ks(ev.ks, batch));
  const double wd = prof.wasserstein(slice.data(), slice.size());
  CHECK(same(w.wasserstein(), wd));
  CHECK(same(ev.wasserstein, wd));
  // moments
  long double sum = 0;
  bool finite = true;
  for (T v : sorted) {
    sum += static_cast<long double>(v);
    finite = finite && std::isfinite(v);
  }
  CHECK(w.min() == static_cast<double>(sorted.front()));
  CHECK(w.max() == static_cast<double>(sorted.back()));
  if (finite) {
    CHECK(close(w.sum(), static_cast<double>(sum), 1e-14, 1e-12));
    const long double mean = sum / static_cast<long double>(sorted.size());
    long double ss = 0;
    for (T v : sorted)
      ss += (static_cast<long double>(v) - mean) * (static_cast<long double>(v) - mean);
    CHECK(close(w.sum_squares_centered(), static_cast<double>(ss), 1e-12, 1e-12));
  }
}

template <class T>
std::shared_ptr<const ds::reference_profile<T>> profile_of(const std::vector<T>& ref) {
  return std::make_shared<const ds::reference_profile<T>>(ref.data(), ref.size());
}

}  // namespace

TEMPLATE_TEST_CASE(
    "ecdf_window: count windows equal batch KS / Wasserstein at every evaluation point",
    "[ecdf_window]", float, double) {
  using T = TestType;
  struct config {
    std::uint64_t size, stride;
    bool tumbling;
    std::size_t n_ref;
    bool ties;
    double nan_rate, inf_rate;
  };
  const config configs[] = {
      {20, 5, false, 300, false, 0.1, 0.0},    {20, 1, false, 300, true, 0.2, 0.02},
      {50, 7, false, 1500, false, 0.05, 0.01}, {37, 37, false, 1500, true, 0.1, 0.0},
      {30, 30, true, 300, true, 0.1, 0.02},    {1, 1, false, 50, false, 0.3, 0.0},
      {64, 3, false, 1500, true, 0.0, 0.0},    {25, 25, true, 1500, false, 0.9, 0.0},
  };
  std::uint64_t seed = 11;
  for (const config& c : configs) {
    for (auto strat : {ds::ecdf_sort_strategy::automatic, ds::ecdf_sort_strategy::incremental,
                       ds::ecdf_sort_strategy::resort}) {
      if (c.tumbling && strat == ds::ecdf_sort_strategy::incremental) continue;
      CAPTURE(c.size, c.stride, c.tumbling, c.n_ref, c.ties, ds::to_string(strat));
      const std::vector<T> ref = as<T>(stream(c.n_ref, 0.0, ++seed, 0.05, c.ties, c.inf_rate));
      const auto prof = profile_of(ref);
      const ds::window_spec spec = c.tumbling ? ds::window_spec::tumbling(c.size)
                                              : ds::window_spec::sliding(c.size, c.stride);
      ds::ecdf_window<T> w(prof, spec, strat);
      const std::vector<double> x =
          stream(4 * c.size + 13, 0.3, ++seed, c.nan_rate, c.ties, c.inf_rate);
      std::vector<T> hist;
      std::vector<std::uint64_t> evals;
      for (std::size_t i = 0; i < x.size(); ++i) {
        hist.push_back(static_cast<T>(x[i]));
        const bool e = w.update(x[i]);
        const std::uint64_t t = i + 1;
        const bool want = t >= c.size && (t - c.size) % c.stride == 0;
        REQUIRE(e == want);
        REQUIRE(w.seen() == t);
        if (e) {
          evals.push_back(t);
          const std::vector<T> slice(hist.end() - static_cast<std::ptrdiff_t>(c.size), hist.end());
          check_window(w, ref, *prof, slice, evals.size() % 8 == 1);
        } else if (i % 9 == 0) {
          // between evaluation points: the current (partial) window
          const std::size_t rows =
              c.tumbling ? static_cast<std::size_t>(t % c.size)
                         : static_cast<std::size_t>(std::min<std::uint64_t>(t, c.size));
          const std::vector<T> slice(hist.end() - static_cast<std::ptrdiff_t>(rows), hist.end());
          check_window(w, ref, *prof, slice);
        }
      }
      CHECK(!evals.empty());
    }
  }
}

TEMPLATE_TEST_CASE("ecdf_window: time windows equal batch at every boundary", "[ecdf_window]",
                   float, double) {
  using T = TestType;
  for (auto strat : {ds::ecdf_sort_strategy::automatic, ds::ecdf_sort_strategy::incremental}) {
    for (int trial = 0; trial < 3; ++trial) {
      std::mt19937_64 g(100 + static_cast<std::uint64_t>(trial));
      const std::vector<T> ref = as<T>(stream(
          trial == 2 ? 4000 : 200, 0.0, 7 + static_cast<std::uint64_t>(trial), 0.0, trial == 1));
      const auto prof = profile_of(ref);
      const std::int64_t duration = 1000 + 300 * trial, stride = 250 + 100 * trial;
      ds::ecdf_window<T> w(prof, ds::window_spec::time(duration, stride), strat);
      const std::vector<double> x =
          stream(700, 0.5, 55 + static_cast<std::uint64_t>(trial), 0.1, trial == 1, 0.01);
      std::vector<std::int64_t> ts(x.size());
      std::int64_t now = -5000 + 17 * trial;
      std::uniform_int_distribution<int> gap(0, 60);
      for (std::size_t i = 0; i < ts.size(); ++i) {
        now += gap(g) == 0 ? 2000 : gap(g) % 25;  // equal timestamps, small steps, rare long gaps
        ts[i] = now;
      }
      // brute force: the schedule and each window's values
      struct expect {
        std::uint64_t index;
        std::int64_t b;
        std::vector<T> slice;
      };
      std::vector<expect> want;
      std::int64_t next = ts[0] + stride;
      for (std::size_t i = 0; i < ts.size(); ++i) {
        if (ts[i] >= next) {
          std::int64_t b = next;
          while (b + stride <= ts[i]) b += stride;
          std::vector<T> slice;
          for (std::size_t k = 0; k < i; ++k)
            if (ts[k] >= b - duration && ts[k] < b) slice.push_back(static_cast<T>(x[k]));
          want.push_back({i, b, slice});
          next = b + stride;
        }
      }
      REQUIRE(want.size() > 5);
      std::size_t got = 0;
      w.update_many(x.data(), ts.data(), x.size(),
                    [&](const ds::ecdf_window<T>& win, const ds::window_end& e) {
                      REQUIRE(got < want.size());
                      CHECK(e.index == want[got].index);
                      CHECK(e.timestamp == want[got].b);
                      CHECK(e.has_timestamp);
                      check_window(win, ref, *prof, want[got].slice);
                      ++got;
                    });
      CHECK(got == want.size());
      CHECK(w.seen() == x.size());
      // between boundaries: the last evaluated window plus the values since
      std::vector<T> cur;
      for (std::size_t k = 0; k < x.size(); ++k)
        if (ts[k] >= want.back().b - duration) cur.push_back(static_cast<T>(x[k]));
      check_window(w, ref, *prof, cur);
    }
  }
}

TEMPLATE_TEST_CASE("ecdf_window: binary-search KS extremes equal the merge walk bit for bit",
                   "[ecdf_window]", float, double) {
  using T = TestType;
  std::mt19937_64 g(2024);
  const T specials[] = {T(0), -T(0), std::numeric_limits<T>::infinity(),
                        -std::numeric_limits<T>::infinity()};
  for (int trial = 0; trial < 700; ++trial) {
    std::uniform_int_distribution<std::size_t> size(1, trial % 3 == 0 ? 8 : 300);
    const std::size_t na = size(g), nb = size(g);
    const int grid = trial % 4 == 0 ? 3 : (trial % 4 == 1 ? 20 : 0);  // heavy ties, some ties, none
    std::normal_distribution<double> d(trial % 2 ? 0.0 : 0.7, 1.0);
    std::uniform_int_distribution<int> special(0, 40);
    auto draw = [&](std::size_t n) {
      std::vector<T> v(n);
      for (auto& e : v) {
        const double z = d(g);
        e = static_cast<T>(grid ? std::round(z * grid / 3.0) : z);
        const int s = special(g);
        if (s < 4 && trial % 5 == 0) e = specials[s];
      }
      std::sort(v.begin(), v.end());
      return v;
    };
    const std::vector<T> a = draw(na), b = draw(nb);
    const auto want = ds::kernels::ecdf_walk(a.data(), na, b.data(), nb);
    const auto got = ds::detail::ecdf_window::extremes_by_search(a.data(), na, b.data(), nb);
    CAPTURE(trial, na, nb, grid);
    REQUIRE(same(got.max_diff, want.max_diff));
    REQUIRE(same(got.min_diff, want.min_diff));
    REQUIRE(same(got.max_location, want.max_location));
    REQUIRE(same(got.min_location, want.min_location));
    // signbit of a zero location is not observable through the sort; the values are
    const auto method = trial % 8 == 0 ? ds::ks_method::automatic : ds::ks_method::asymp;
    for (auto alt : {ds::alternative::two_sided, ds::alternative::less, ds::alternative::greater}) {
      const ds::ks_result r = ds::detail::ks::from_extremes(got, na, nb, alt, method);
      const ds::ks_result s = ds::ks_2samp_sorted(a.data(), na, b.data(), nb, alt, method);
      REQUIRE(same_ks(r, s));
    }
  }
}

TEMPLATE_TEST_CASE("ecdf_window: serialize at random points, restore, identical future outputs",
                   "[ecdf_window]", float, double) {
  using T = TestType;
  const std::vector<T> ref = as<T>(stream(500, 0.0, 3, 0.02, true));
  const auto prof = profile_of(ref);
  const ds::window_spec specs[] = {ds::window_spec::sliding(40, 6),
                                   ds::window_spec::sliding(40, 30), ds::window_spec::tumbling(25),
                                   ds::window_spec::time(900, 200)};
  std::mt19937_64 g(77);
  for (const auto& spec : specs) {
    for (auto strat : {ds::ecdf_sort_strategy::automatic, ds::ecdf_sort_strategy::resort}) {
      const std::vector<double> x = stream(400, 0.4, 99, 0.1, false);
      std::vector<std::int64_t> ts(x.size());
      for (std::size_t i = 0; i < ts.size(); ++i)
        ts[i] = static_cast<std::int64_t>(i * 37 + (i % 7) * 3);
      std::uniform_int_distribution<std::size_t> cut_at(0, x.size());
      for (int rep = 0; rep < 4; ++rep) {
        const std::size_t cut = rep == 0 ? 0 : cut_at(g);
        ds::ecdf_window<T> a(prof, spec, strat);
        auto noop = [](const ds::ecdf_window<T>&, const ds::window_end&) {};
        if (spec.is_time())
          a.update_many(x.data(), ts.data(), cut, noop);
        else
          a.update_many(x.data(), cut, noop);
        const std::vector<std::uint8_t> bytes = a.serialize();
        REQUIRE(bytes.size() == a.serialized_size_bytes());
        ds::ecdf_window<T> b = ds::ecdf_window<T>::deserialize(bytes.data(), bytes.size(), prof);
        CHECK(b.serialize() == bytes);
        CHECK(b.seen() == a.seen());
        CHECK(b.rows() == a.rows());
        CHECK(b.missing() == a.missing());
        CHECK(b.strategy() == a.strategy());
        // the same future: record every evaluation of both
        std::vector<ds::ks_result> ka, kb;
        std::vector<double> wa, wb;
        std::vector<std::uint64_t> ia, ib;
        auto rec = [](std::vector<ds::ks_result>& k, std::vector<double>& wd,
                      std::vector<std::uint64_t>& idx) {
          return [&k, &wd, &idx](const ds::ecdf_window<T>& win, const ds::window_end& e) {
            idx.push_back(e.index);
            if (win.n() == 0) return;
            k.push_back(win.ks());
            wd.push_back(win.wasserstein());
          };
        };
        if (spec.is_time()) {
          a.update_many(x.data() + cut, ts.data() + cut, x.size() - cut, rec(ka, wa, ia));
          b.update_many(x.data() + cut, ts.data() + cut, x.size() - cut, rec(kb, wb, ib));
        } else {
          a.update_many(x.data() + cut, x.size() - cut, rec(ka, wa, ia));
          b.update_many(x.data() + cut, x.size() - cut, rec(kb, wb, ib));
        }
        CHECK(ia == ib);
        REQUIRE(ka.size() == kb.size());
        for (std::size_t k = 0; k < ka.size(); ++k) {
          CHECK(same_ks(ka[k], kb[k]));
          CHECK(same(wa[k], wb[k]));
        }
        CHECK(a.serialize() == b.serialize());
      }
    }
  }
}

TEMPLATE_TEST_CASE("ecdf_window: truncated and corrupt bytes throw", "[ecdf_window]", float,
                   double) {
  using T = TestType;
  const std::vector<T> ref = as<T>(stream(200, 0.0, 4, 0.0, false));
  const auto prof = profile_of(ref);
  for (const auto& spec : {ds::window_spec::sliding(10, 3), ds::window_spec::tumbling(8),
                           ds::window_spec::time(100, 30)}) {
    ds::ecdf_window<T> w(prof, spec);
    const std::vector<double> x = stream(23, 0.0, 5, 0.2, false);
    std::vector<std::int64_t> ts(x.size());
    for (std::size_t i = 0; i < ts.size(); ++i) ts[i] = static_cast<std::int64_t>(i * 11);
    auto noop = [](const ds::ecdf_window<T>&, const ds::window_end&) {};
    if (spec.is_time())
      w.update_many(x.data(), ts.data(), x.size(), noop);
    else
      w.update_many(x.data(), x.size(), noop);
    const std::vector<std::uint8_t> bytes = w.serialize();
    for (std::size_t len = 0; len < bytes.size(); ++len)
      CHECK_THROWS_AS(ds::ecdf_window<T>::deserialize(bytes.data(), len, prof), std::out_of_range);
    auto corrupt = [&](std::size_t at, std::uint8_t v) {
      std::vector<std::uint8_t> b = bytes;
      b[at] = v;
      return b;
    };
    auto rejects = [&](const std::vector<std::uint8_t>& b) {
      try {
        (void)ds::ecdf_window<T>::deserialize(b.data(), b.size(), prof);
      } catch (const std::invalid_argument&) {
        return true;
      }
      return false;
    };
    CHECK(rejects(corrupt(0, 'X')));                                           // magic
    CHECK(rejects(corrupt(4, 9)));                                             // family
    CHECK(rejects(corrupt(5, 2)));                                             // version
    CHECK(rejects(corrupt(6, static_cast<std::uint8_t>(bytes[6] ^ 1))));       // value type
    CHECK(rejects(corrupt(6, static_cast<std::uint8_t>(bytes[6] | 4))));       // unknown flag
    CHECK(rejects(corrupt(8, 4)));                                             // decaying
    CHECK(rejects(corrupt(8, 0)));                                             // kind
    CHECK(rejects(corrupt(9, 3)));                                             // strategy
    CHECK(rejects(corrupt(12, 1)));                                            // reserved
    CHECK(rejects(corrupt(56, static_cast<std::uint8_t>(bytes[56] - 1))));     // rows vs seen
    CHECK(rejects(corrupt(64, static_cast<std::uint8_t>(bytes[64] + 1))));     // reference n
    CHECK(rejects(corrupt(72, static_cast<std::uint8_t>(bytes[72] ^ 0x40))));  // reference checksum
    std::vector<std::uint8_t> longer = bytes;
    longer.push_back(0);
    CHECK(rejects(longer));  // trailing
    if (spec.is_time()) {
      CHECK(rejects(
          corrupt(96, static_cast<std::uint8_t>(bytes[96] - 1))));  // latest ts below a stored one
      // timestamps out of order: swap the first two stored timestamps' low bytes
      const std::size_t ts_at = ds::ecdf_window<T>::serial_preamble_bytes + w.rows() * sizeof(T);
      std::vector<std::uint8_t> b = bytes;
      b[ts_at] = 0xFF;
      b[ts_at + 7] = 0x7F;
      CHECK(rejects(b));
    }
    // another reference with the same size
    const std::vector<T> other = as<T>(stream(200, 0.0, 6, 0.0, false));
    CHECK_THROWS_AS(ds::ecdf_window<T>::deserialize(bytes.data(), bytes.size(), profile_of(other)),
                    std::invalid_argument);
    // every single-byte change either decodes or throws a documented exception
    for (std::size_t at = 0; at < bytes.size(); ++at) {
      const std::vector<std::uint8_t> b = corrupt(at, static_cast<std::uint8_t>(bytes[at] ^ 0xA5));
      try {
        (void)ds::ecdf_window<T>::deserialize(b.data(), b.size(), prof);
      } catch (const std::invalid_argument&) {
      } catch (const std::out_of_range&) {
      }
    }
  }
}

TEST_CASE("ecdf_window: invalid arguments", "[ecdf_window]") {
  const std::vector<double> ref = stream(100, 0.0, 8, 0.0, false);
  const auto prof = profile_of(ref);
  CHECK(throws_with<std::invalid_argument>(
      [&] { ds::ecdf_window<double> w(prof, ds::window_spec::decaying(100.0, 10)); }, "decaying"));
  CHECK(throws_with<std::invalid_argument>(
      [&] { ds::ecdf_window<double> w(nullptr, ds::window_spec::sliding(10, 2)); }, "reference"));
  const auto prop = std::make_shared<const ds::reference_profile<double>>(
      ref.data(), ref.size(), ds::binning{}, ds::nan_policy::propagate);
  CHECK(throws_with<std::invalid_argument>(
      [&] { ds::ecdf_window<double> w(prop, ds::window_spec::sliding(10, 2)); }, "omit"));
  ds::window_spec bad = ds::window_spec::sliding(10, 2);
  bad.stride = 11;
  CHECK(
      throws_with<std::invalid_argument>([&] { ds::ecdf_window<double> w(prof, bad); }, "stride"));
  CHECK(throws_with<std::invalid_argument>(
      [&] {
        ds::ecdf_window<double> w(prof, ds::window_spec::tumbling(10),
                                  ds::ecdf_sort_strategy::incremental);
      },
      "incremental"));

  // time windows: timestamps required, backwards rejected (state unchanged)
  ds::ecdf_window<double> t(prof, ds::window_spec::time(100, 10));
  CHECK(throws_with<std::invalid_argument>([&] { t.update(1.0); }, "timestamp"));
  auto noop = [](const ds::ecdf_window<double>&, const ds::window_end&) {};
  t.update(1.0, 50, noop);
  t.update(2.0, 55, noop);
  const auto before = t.serialize();
  CHECK(throws_with<std::invalid_argument>([&] { t.update(3.0, 54, noop); }, "timestamp"));
  CHECK(t.serialize() == before);
  t.update(3.0, 55, noop);  // equal timestamps are fine
  CHECK(t.rows() == 3);
  const double xs[3] = {1.0, 2.0, 3.0};
  const std::int64_t bad_ts[3] = {56, 70, 69};  // backwards at index 2: nothing is added
  CHECK(
      throws_with<std::invalid_argument>([&] { t.update_many(xs, bad_ts, 3, noop); }, "timestamp"));
  CHECK(t.rows() == 3);
  CHECK(t.seen() == 3);

  // empty / all-missing windows
  ds::ecdf_window<double> s(prof, ds::window_spec::sliding(3, 1));
  CHECK_THROWS_AS(s.ks(), std::domain_error);
  CHECK_THROWS_AS(s.max(), std::domain_error);
  CHECK(s.sorted_data() != nullptr);
  for (int i = 0; i < 3; ++i) s.update(kNaN);
  CHECK(s.rows() == 3);
  CHECK(s.missing() == 3);
  CHECK(throws_with<std::domain_error>([&] { (void)s.ks(); }, "no non-missing"));
  s.update(1.5);
  CHECK(s.n() == 1);
  CHECK(s.max() == 1.5);
  CHECK_THROWS_AS(s.ks(ds::alternative::two_sided, static_cast<ds::ks_method>(9)),
                  std::invalid_argument);
  s.reset();
  CHECK(s.seen() == 0);
  CHECK(s.rows() == 0);
  CHECK(s.memory_bytes() >= 3 * sizeof(double));
}

TEMPLATE_TEST_CASE("ecdf_window: merge of tumbling windows equals one window", "[ecdf_window]",
                   float, double) {
  using T = TestType;
  const std::vector<T> ref = as<T>(stream(300, 0.0, 12, 0.0, true));
  const auto prof = profile_of(ref);
  const std::vector<double> x = stream(200, 0.2, 13, 0.15, true);
  const auto spec = ds::window_spec::tumbling(50);
  for (std::size_t k : {std::size_t{0}, std::size_t{1}, std::size_t{17}, std::size_t{30}}) {
    for (std::size_t m : {std::size_t{0}, std::size_t{5}, std::size_t{20}}) {
      ds::ecdf_window<T> a(prof, spec), b(prof, spec), whole(prof, spec);
      for (std::size_t i = 0; i < k; ++i) a.update(x[i]);
      for (std::size_t i = k; i < k + m; ++i) b.update(x[i]);
      for (std::size_t i = 0; i < k + m; ++i) whole.update(x[i]);
      a.merge(b);
      CHECK(a.rows() == whole.rows());
      CHECK(a.seen() == whole.seen());
      CHECK(a.serialize() == whole.serialize());
      if (whole.n() > 0) {
        CHECK(same_ks(a.ks(), whole.ks()));
        std::vector<T> slice(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(k + m));
        check_window(a, ref, *prof, slice);
      }
      // both continue identically
      for (std::size_t i = k + m; i < x.size(); ++i) CHECK(a.update(x[i]) == whole.update(x[i]));
      CHECK(a.serialize() == whole.serialize());
    }
  }
  // after an evaluation the full window is replaced by the next one
  ds::ecdf_window<T> full(prof, spec), part(prof, spec);
  for (int i = 0; i < 50; ++i) full.update(x[static_cast<std::size_t>(i)]);
  for (int i = 50; i < 60; ++i) part.update(x[static_cast<std::size_t>(i)]);
  full.merge(part);
  CHECK(full.rows() == 10);
  CHECK(full.seen() == 60);
  // too many rows, other kinds, other references
  ds::ecdf_window<T> c(prof, spec), d(prof, spec);
  for (int i = 0; i < 30; ++i) c.update(x[static_cast<std::size_t>(i)]);
  for (int i = 0; i < 30; ++i) d.update(x[static_cast<std::size_t>(i)]);
  CHECK(throws_with<std::invalid_argument>([&] { c.merge(d); }, "exceed"));
  ds::ecdf_window<T> sl(prof, ds::window_spec::sliding(50, 5)),
      sl2(prof, ds::window_spec::sliding(50, 5));
  CHECK(throws_with<std::invalid_argument>([&] { sl.merge(sl2); }, "tumbling"));
  ds::ecdf_window<T> e(prof, ds::window_spec::tumbling(40));
  CHECK_THROWS_AS(c.merge(e), std::invalid_argument);
  const std::vector<T> ref2 = as<T>(stream(300, 1.0, 14, 0.0, true));
  ds::ecdf_window<T> f(profile_of(ref2), spec);
  CHECK(throws_with<std::invalid_argument>([&] { c.merge(f); }, "reference"));
  // an equal reference held by another profile object merges
  ds::ecdf_window<T> g2(profile_of(ref), spec);
  g2.update(1.0);
  CHECK_NOTHROW(c.merge(g2));
  CHECK(c.rows() == 31);
}
