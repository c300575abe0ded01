// Tests of driftscope::histogram_window: at every evaluation point of every window kind,
// the window's counts and statistics equal the batch functions (psi, js_distance,
// hellinger, total_variation with explicit edges) on a brute-force slice of the stream;
// decaying windows equal a brute-force weighted count; serialize / restore at random
// points continues identically; truncated / corrupt bytes throw; tumbling merge; bad input.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "catch.hpp"
#include "driftscope/stats/binned_distances.hpp"
#include "driftscope/stats/js_distance.hpp"
#include "driftscope/stats/psi.hpp"
#include "driftscope/stats/reference_profile.hpp"
#include "driftscope/window/histogram_window.hpp"

namespace ds = driftscope;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

bool close(double a, double b, double rel = 1e-12) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::fabs(a - b) <= rel * std::max(std::fabs(a), std::fabs(b)) + 1e-15;
}

std::vector<double> normal(std::size_t n, double mean, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::normal_distribution<double> d(mean, 1.0);
  std::vector<double> x(n);
  for (double& v : x) v = d(g);
  return x;
}

/// A stream drifting from N(0,1) to N(1,1), with NaN (~5%), ±inf and values exactly on
/// the edges (side='right' ties).
std::vector<double> stream(std::size_t n, const std::vector<double>& edges, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::normal_distribution<double> d(0.0, 1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double r = u(g);
    if (r < 0.05)
      x[i] = kNaN;
    else if (r < 0.06)
      x[i] = r < 0.055 ? kInf : -kInf;
    else if (r < 0.09 && !edges.empty())
      x[i] = edges[static_cast<std::size_t>(u(g) * static_cast<double>(edges.size())) % edges.size()];
    else
      x[i] = d(g) + (i > n / 2 ? 1.0 : 0.0);
  }
  return x;
}

std::size_t bin_of(const std::vector<double>& edges, double v) {
  return static_cast<std::size_t>(std::upper_bound(edges.begin(), edges.end(), v) - edges.begin());
}

/// Brute-force counts of a slice.
std::vector<double> brute_counts(const std::vector<double>& edges, const std::vector<double>& slice) {
  std::vector<double> c(edges.size() + 1, 0.0);
  for (double v : slice)
    if (!std::isnan(v)) c[bin_of(edges, v)] += 1.0;
  return c;
}

/// Checks the window against the batch functions on `slice` (the window's values).
void check_against_batch(const ds::histogram_window& w, const std::vector<double>& ref,
                         const std::vector<double>& slice) {
  const std::vector<double>& e = w.edges();
  REQUIRE(w.counts() == brute_counts(e, slice));
  std::uint64_t miss = 0;
  for (double v : slice) miss += std::isnan(v) ? 1 : 0;
  REQUIRE(w.missing() == miss);
  REQUIRE(w.rows() == slice.size());
  REQUIRE(w.n() == static_cast<double>(slice.size() - miss));
  if (miss == slice.size()) {
    REQUIRE_THROWS_AS(w.psi(), std::domain_error);
    REQUIRE_THROWS_AS(w.js_distance(), std::domain_error);
    REQUIRE_THROWS_AS(w.hellinger(), std::domain_error);
    REQUIRE_THROWS_AS(w.total_variation(), std::domain_error);
    REQUIRE_THROWS_AS(w.chi_square_pvalue(), std::domain_error);
    return;
  }
  const ds::binning b = ds::binning{ds::binning_kind::explicit_edges, 10, e};
  ds::psi_options po;
  po.binning = b;
  ds::js_options jo;
  jo.binning = b;
  ds::binned_distance_options bo;
  bo.binning = b;
  const auto* r = ref.data();
  const auto* s = slice.data();
  CHECK(close(w.psi(), ds::psi(r, ref.size(), s, slice.size(), po).statistic));
  CHECK(close(w.js_distance(), ds::js_distance(r, ref.size(), s, slice.size(), jo).statistic));
  CHECK(close(w.hellinger(), ds::hellinger(r, ref.size(), s, slice.size(), bo).statistic));
  CHECK(close(w.total_variation(), ds::total_variation(r, ref.size(), s, slice.size(), bo).statistic));
}

struct eval_record {
  std::uint64_t index;
  std::int64_t timestamp;
  std::vector<double> counts;
  double psi;
  std::uint64_t missing, rows;
};

eval_record record(const ds::histogram_window& w, const ds::window_end& end) {
  return {end.index, end.timestamp, w.counts(), w.n() > 0 ? w.psi() : -1.0, w.missing(), w.rows()};
}

bool same(const eval_record& a, const eval_record& b) {
  return a.index == b.index && a.timestamp == b.timestamp && a.counts == b.counts &&
         (a.psi == b.psi || (std::isnan(a.psi) && std::isnan(b.psi))) && a.missing == b.missing && a.rows == b.rows;
}

std::vector<std::int64_t> timestamps(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::uniform_int_distribution<int> gap(0, 9);
  std::vector<std::int64_t> ts(n);
  std::int64_t t = -1000;  // negative origin on purpose
  for (std::size_t i = 0; i < n; ++i) {
    const int r = gap(g);
    t += r == 0 ? 0 : r == 9 ? 250 : r;  // equal timestamps and gaps that skip boundaries
    ts[i] = t;
  }
  return ts;
}

/// Runs a window over x (+ optional timestamps) in random chunks of update_many / single
/// updates, recording every evaluation.
std::vector<eval_record> run(ds::histogram_window& w, const std::vector<double>& x, const std::int64_t* ts,
                             std::size_t from, std::size_t to, std::uint64_t seed) {
  std::vector<eval_record> out;
  auto cb = [&](const ds::histogram_window& h, const ds::window_end& e) { out.push_back(record(h, e)); };
  std::mt19937_64 g(seed);
  std::uniform_int_distribution<std::size_t> len(0, 300);
  std::size_t i = from;
  while (i < to) {
    const std::size_t l = std::min(len(g), to - i);
    if (l == 0) {
      if (ts != nullptr)
        w.update(x[i], ts[i], cb);
      else
        w.update(x[i], cb);
      ++i;
    } else {
      if (ts != nullptr)
        w.update_many(x.data() + i, ts + i, l, cb);
      else
        w.update_many(x.data() + i, l, cb);
      i += l;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("histogram_window count windows equal the batch functions at every evaluation", "[histogram_window]") {
  const std::vector<double> ref = normal(2000, 0.0, 1);
  const ds::reference_profile<double> prof(ref.data(), ref.size());
  const std::vector<double> x = stream(3000, prof.edges(), 2);
  for (const ds::window_spec spec :
       {ds::window_spec::sliding(50, 7), ds::window_spec::sliding(64, 64), ds::window_spec::sliding(1, 1),
        ds::window_spec::sliding(300, 3), ds::window_spec::tumbling(40), ds::window_spec::tumbling(1)}) {
    INFO("kind " << ds::to_string(spec.kind) << " size " << spec.size << " stride " << spec.stride);
    ds::histogram_window w(prof, spec);
    std::size_t evals = 0;
    std::uint64_t last = 0;
    auto cb = [&](const ds::histogram_window& h, const ds::window_end& e) {
      const std::uint64_t t = e.index;
      REQUIRE(t >= spec.size);
      REQUIRE((t - spec.size) % spec.stride == 0);
      REQUIRE(t == (evals == 0 ? spec.size : last + spec.stride));
      REQUIRE_FALSE(e.has_timestamp);
      last = t;
      ++evals;
      const std::vector<double> slice(x.begin() + static_cast<std::ptrdiff_t>(t - spec.size),
                                      x.begin() + static_cast<std::ptrdiff_t>(t));
      check_against_batch(h, ref, slice);
    };
    w.update_many(x.data(), x.size(), cb);
    REQUIRE(evals == (x.size() - spec.size) / spec.stride + 1);
    REQUIRE(w.seen() == x.size());

    // single updates: the bool result and the same evaluation points
    ds::histogram_window s(prof, spec);
    std::size_t singles = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const bool ev = s.update(x[i]);
      const std::uint64_t t = i + 1;
      REQUIRE(ev == (t >= spec.size && (t - spec.size) % spec.stride == 0));
      if (ev) {
        ++singles;
        check_against_batch(s, ref, std::vector<double>(x.begin() + static_cast<std::ptrdiff_t>(t - spec.size),
                                                        x.begin() + static_cast<std::ptrdiff_t>(t)));
      }
    }
    REQUIRE(singles == evals);
    // the state after the stream: sliding = the last `size` values; tumbling = the
    // partial window since the last evaluation (here the stream ends on one)
    if (spec.kind == ds::window_kind::sliding)
      check_against_batch(s, ref, std::vector<double>(x.end() - static_cast<std::ptrdiff_t>(spec.size), x.end()));

    // float input and random chunking give the same evaluations
    std::vector<float> xf(x.begin(), x.end());
    std::vector<double> xd(xf.begin(), xf.end());
    ds::histogram_window wf(prof, spec), wd(prof, spec);
    std::vector<eval_record> rf, rd;
    wf.update_many(xf.data(), xf.size(),
                   [&](const ds::histogram_window& h, const ds::window_end& e) { rf.push_back(record(h, e)); });
    rd = run(wd, xd, nullptr, 0, xd.size(), 7);
    REQUIRE(rf.size() == rd.size());
    for (std::size_t i = 0; i < rf.size(); ++i) REQUIRE(same(rf[i], rd[i]));
  }
}

TEST_CASE("histogram_window tumbling partial windows and reset", "[histogram_window]") {
  const std::vector<double> ref = normal(500, 0.0, 3);
  const ds::reference_profile<double> prof(ref.data(), ref.size());
  const std::vector<double> x = stream(95, prof.edges(), 4);
  ds::histogram_window w(prof, ds::window_spec::tumbling(40));
  w.update_many(x.data(), 80, [](const ds::histogram_window&, const ds::window_end&) {});
  // evaluated state still queryable right after the closing value
  check_against_batch(w, ref, std::vector<double>(x.begin() + 40, x.begin() + 80));
  w.update_many(x.data() + 80, 15, [](const ds::histogram_window&, const ds::window_end&) {});
  check_against_batch(w, ref, std::vector<double>(x.begin() + 80, x.begin() + 95));
  w.reset();
  REQUIRE(w.rows() == 0);
  REQUIRE(w.seen() == 0);
  REQUIRE_THROWS_AS(w.psi(), std::domain_error);
  for (int i = 0; i < 39; ++i) REQUIRE_FALSE(w.update(x[static_cast<std::size_t>(i)]));
  REQUIRE(w.update(x[39]));
}

TEST_CASE("histogram_window with more than 255 bins uses two-byte codes", "[histogram_window]") {
  const std::vector<double> ref = normal(5000, 0.0, 5);
  std::vector<double> edges;
  for (int i = 0; i < 299; ++i) edges.push_back(-3.0 + 6.0 * i / 298.0);
  const std::vector<std::uint64_t> rc = ds::detail::count_bins(ref.data(), ref.size(), edges);
  const std::vector<double> x = stream(1500, edges, 6);
  ds::histogram_window w(edges, rc, ds::window_spec::sliding(400, 37));
  REQUIRE(w.bins() == 300);
  std::size_t evals = 0;
  w.update_many(x.data(), x.size(), [&](const ds::histogram_window& h, const ds::window_end& e) {
    ++evals;
    check_against_batch(h, ref, std::vector<double>(x.begin() + static_cast<std::ptrdiff_t>(e.index - 400),
                                                    x.begin() + static_cast<std::ptrdiff_t>(e.index)));
  });
  REQUIRE(evals == (1500 - 400) / 37 + 1);
  REQUIRE(w.memory_bytes() >= 800);
  REQUIRE(w.memory_bytes() <= 800 + 32 * 300 + 8 * 299 + 64);
  const auto bytes = w.serialize();
  const auto r = ds::histogram_window::deserialize(bytes.data(), bytes.size());
  REQUIRE(r.counts() == w.counts());
}

TEST_CASE("histogram_window time windows equal the brute-force slice at every boundary", "[histogram_window]") {
  const std::vector<double> ref = normal(1000, 0.0, 8);
  const ds::reference_profile<double> prof(ref.data(), ref.size());
  const std::vector<double> x = stream(4000, prof.edges(), 9);
  const std::vector<std::int64_t> ts = timestamps(x.size(), 10);
  for (const auto& ds_pair : {std::pair<std::int64_t, std::int64_t>{100, 30}, {64, 64}, {500, 7}}) {
    const ds::window_spec spec = ds::window_spec::time(ds_pair.first, ds_pair.second);
    INFO("duration " << spec.duration_ns << " stride " << spec.stride_ns);
    ds::histogram_window w(prof, spec);
    std::size_t evals = 0;
    std::int64_t prev_b = std::numeric_limits<std::int64_t>::min();
    auto cb = [&](const ds::histogram_window& h, const ds::window_end& e) {
      ++evals;
      const std::int64_t b = e.timestamp;
      REQUIRE(e.has_timestamp);
      const std::size_t t = e.index;  // values seen before the one that crossed b
      REQUIRE(t < x.size());
      REQUIRE((b - ts[0]) % spec.stride_ns == 0);
      REQUIRE(b > prev_b);
      REQUIRE(b <= ts[t]);
      REQUIRE(b + spec.stride_ns > ts[t]);
      REQUIRE(ts[t - 1] < b);
      prev_b = b;
      std::vector<double> slice;
      for (std::size_t i = 0; i < t; ++i)
        if (ts[i] >= b - spec.duration_ns && ts[i] < b) slice.push_back(x[i]);
      check_against_batch(h, ref, slice);
    };
    w.update_many(x.data(), ts.data(), x.size(), cb);
    REQUIRE(evals > 10);
    // every boundary crossing evaluated exactly once: count crossings by brute force
    std::size_t crossings = 0;
    for (std::size_t i = 1; i < ts.size(); ++i)
      if ((ts[i] - ts[0]) / spec.stride_ns != (ts[i - 1] - ts[0]) / spec.stride_ns) ++crossings;
    REQUIRE(evals == crossings);
    // same through single updates and random chunks
    ds::histogram_window a(prof, spec), b(prof, spec);
    std::vector<eval_record> ra, rb;
    std::uint64_t most = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      a.update(x[i], ts[i], [&](const ds::histogram_window& h, const ds::window_end& e) { ra.push_back(record(h, e)); });
      most = std::max(most, a.rows());
    }
    // memory: 9 bytes per value held, the ring at most twice the most values held
    const std::size_t fixed = 8 * 9 + 3 * 8 * 10;
    REQUIRE(a.memory_bytes() <= fixed + 2 * 9 * std::max<std::uint64_t>(16, most));
    rb = run(b, x, ts.data(), 0, x.size(), 11);
    REQUIRE(ra.size() == evals);
    REQUIRE(rb.size() == evals);
    for (std::size_t i = 0; i < ra.size(); ++i) REQUIRE(same(ra[i], rb[i]));
  }
}

TEST_CASE("histogram_window time windows reject timestamps going backwards", "[histogram_window]") {
  ds::histogram_window w({0.0}, {5, 5}, ds::window_spec::time(100, 10));
  auto cb = [](const ds::histogram_window&, const ds::window_end&) {};
  w.update(1.0, 50, cb);
  const std::vector<double> x = {1.0, 2.0, 3.0};
  const std::vector<std::int64_t> bad = {60, 70, 65};
  try {
    w.update_many(x.data(), bad.data(), 3, cb);
    FAIL("no throw");
  } catch (const std::invalid_argument& e) {
    REQUIRE(std::string(e.what()).find("timestamp") != std::string::npos);
  }
  REQUIRE(w.seen() == 1);  // nothing added
  REQUIRE_THROWS_AS(w.update(1.0, 49, cb), std::invalid_argument);
  REQUIRE_THROWS_AS(w.update(1.0), std::invalid_argument);  // a time window needs timestamps
  REQUIRE_THROWS_AS(w.update_many(x.data(), 3, cb), std::invalid_argument);
  w.update(1.0, 50, cb);  // equal is fine
  REQUIRE(w.seen() == 2);
}

TEST_CASE("histogram_window decaying equals a brute-force weighted count", "[histogram_window]") {
  const std::vector<double> ref = normal(1000, 0.0, 12);
  const ds::reference_profile<double> prof(ref.data(), ref.size());
  const std::vector<double> x = stream(5000, prof.edges(), 13);
  for (const auto& hs : {std::pair<double, std::uint64_t>{20.0, 3}, {0.7, 1}, {500.0, 50}, {3.3, 7}}) {
    const ds::window_spec spec = ds::window_spec::decaying(hs.first, hs.second);
    INFO("half_life " << spec.half_life << " stride " << spec.stride);
    ds::histogram_window w(prof, spec);
    std::size_t evals = 0;
    auto cb = [&](const ds::histogram_window& h, const ds::window_end& e) {
      ++evals;
      const std::size_t t = e.index;
      REQUIRE(t % spec.stride == 0);
      std::vector<double> c(h.bins(), 0.0);
      double n = 0;
      std::uint64_t miss = 0;
      for (std::size_t i = 0; i < t; ++i) {
        if (std::isnan(x[i])) {
          ++miss;
          continue;
        }
        const double wt = std::exp2(-static_cast<double>(t - 1 - i) / spec.half_life);
        c[bin_of(h.edges(), x[i])] += wt;
        n += wt;
      }
      REQUIRE(h.missing() == miss);
      REQUIRE(h.rows() == t);
      REQUIRE(close(h.n(), n, 1e-11));
      for (std::size_t k = 0; k < c.size(); ++k) REQUIRE(close(h.counts()[k], c[k], 1e-11));
      // PSI written out on the brute-force weights
      double psi = 0;
      for (std::size_t k = 0; k < c.size(); ++k) {
        const double r = std::max(static_cast<double>(prof.counts()[k]) / static_cast<double>(prof.n()), 1e-4);
        const double q = std::max(c[k] / n, 1e-4);
        psi += (q - r) * std::log(q / r);
      }
      REQUIRE(close(h.psi(), psi, 1e-9));
    };
    w.update_many(x.data(), x.size(), cb);
    REQUIRE(evals == x.size() / spec.stride);
    REQUIRE(w.memory_bytes() <= 40 * 10 + 8 * 9 + 64);
  }
}

TEST_CASE("histogram_window serialize / restore continues identically", "[histogram_window]") {
  const std::vector<double> ref = normal(1000, 0.0, 14);
  const ds::reference_profile<double> prof(ref.data(), ref.size());
  const std::vector<double> x = stream(2500, prof.edges(), 15);
  const std::vector<std::int64_t> ts = timestamps(x.size(), 16);
  std::mt19937_64 g(17);
  for (const ds::window_spec spec :
       {ds::window_spec::sliding(100, 9), ds::window_spec::tumbling(70), ds::window_spec::time(200, 45),
        ds::window_spec::decaying(30.0, 4)}) {
    INFO("kind " << ds::to_string(spec.kind));
    const std::int64_t* tsp = spec.is_time() ? ts.data() : nullptr;
    ds::histogram_window full(prof, spec);
    const std::vector<eval_record> want = run(full, x, tsp, 0, x.size(), 1);
    for (int rep = 0; rep < 6; ++rep) {
      const std::size_t split = rep == 0 ? 0 : std::uniform_int_distribution<std::size_t>(1, x.size() - 1)(g);
      ds::histogram_window a(prof, spec);
      std::vector<eval_record> got = run(a, x, tsp, 0, split, 2);
      const std::vector<std::uint8_t> bytes = a.serialize();
      REQUIRE(bytes.size() == a.serialized_size_bytes());
      ds::histogram_window b = ds::histogram_window::deserialize(bytes.data(), bytes.size());
      REQUIRE(b.serialize() == bytes);
      const std::vector<eval_record> rest = run(b, x, tsp, split, x.size(), 3);
      got.insert(got.end(), rest.begin(), rest.end());
      REQUIRE(got.size() == want.size());
      for (std::size_t i = 0; i < got.size(); ++i) REQUIRE(same(got[i], want[i]));
      REQUIRE(b.counts() == full.counts());
    }
  }
}

TEST_CASE("histogram_window truncated and corrupt bytes throw", "[histogram_window]") {
  const std::vector<double> ref = normal(300, 0.0, 18);
  const ds::reference_profile<double> prof(ref.data(), ref.size());
  const std::vector<double> x = stream(150, prof.edges(), 19);
  const std::vector<std::int64_t> ts = timestamps(x.size(), 20);
  auto cb = [](const ds::histogram_window&, const ds::window_end&) {};
  for (const ds::window_spec spec :
       {ds::window_spec::sliding(50, 5), ds::window_spec::tumbling(60), ds::window_spec::time(80, 20),
        ds::window_spec::decaying(10.0)}) {
    INFO("kind " << ds::to_string(spec.kind));
    ds::histogram_window w(prof, spec);
    if (spec.is_time())
      w.update_many(x.data(), ts.data(), x.size(), cb);
    else
      w.update_many(x.data(), x.size(), cb);
    const std::vector<std::uint8_t> bytes = w.serialize();
    for (std::size_t len = 0; len < bytes.size(); ++len)
      REQUIRE_THROWS_AS(ds::histogram_window::deserialize(bytes.data(), len), std::out_of_range);
    auto corrupt = [&](std::size_t at, std::uint8_t v) {
      std::vector<std::uint8_t> b = bytes;
      b[at] = v;
      return b;
    };
    auto throws_invalid = [](const std::vector<std::uint8_t>& b) {
      REQUIRE_THROWS_AS(ds::histogram_window::deserialize(b.data(), b.size()), std::invalid_argument);
    };
    throws_invalid(corrupt(0, 'X'));         // magic
    throws_invalid(corrupt(4, 9));           // family
    throws_invalid(corrupt(5, 2));           // version
    throws_invalid(corrupt(6, 0x80));        // flags
    throws_invalid(corrupt(7, 5));           // kind
    throws_invalid(corrupt(8, 0));           // bins 10 -> 0
    if (spec.kind != ds::window_kind::decaying) throws_invalid(corrupt(80, bytes[80] ^ 1));  // missing
    if (spec.kind == ds::window_kind::sliding || spec.kind == ds::window_kind::decaying)
      throws_invalid(corrupt(64, bytes[64] ^ 1));  // seen (does not match the schedule)
    {
      std::vector<std::uint8_t> b = bytes;  // edges out of order: edge 0 := +huge
      const double big = 1e300;
      std::memcpy(b.data() + 96, &big, 8);
      throws_invalid(b);
    }
    {
      std::vector<std::uint8_t> b = bytes;  // trailing byte
      b.push_back(0);
      throws_invalid(b);
    }
    const std::size_t state = 96 + 8 * 9 + 8 * 10;
    switch (spec.kind) {
      case ds::window_kind::sliding: throws_invalid(corrupt(state + 8, 200)); break;   // bin code 200 >= 10
      case ds::window_kind::tumbling: throws_invalid(corrupt(state, bytes[state] + 1)); break;  // counts
      case ds::window_kind::time: {
        const std::size_t codes = state + 24;
        throws_invalid(corrupt(codes, 77));  // code out of range
        std::vector<std::uint8_t> b = bytes;  // first timestamp after the last
        const std::size_t rows = w.rows();
        const std::int64_t late = std::numeric_limits<std::int64_t>::max();
        std::memcpy(b.data() + codes + rows, &late, 8);
        throws_invalid(b);
        break;
      }
      case ds::window_kind::decaying: {
        std::vector<std::uint8_t> b = bytes;
        std::memcpy(b.data() + state + 40, &kNaN, 8);  // raw weight NaN
        throws_invalid(b);
        break;
      }
    }
  }
}

TEST_CASE("histogram_window merges tumbling partial windows", "[histogram_window]") {
  const std::vector<double> ref = normal(800, 0.0, 21);
  const ds::reference_profile<double> prof(ref.data(), ref.size());
  const std::vector<double> x = stream(100, prof.edges(), 22);
  auto cb = [](const ds::histogram_window&, const ds::window_end&) {};
  ds::histogram_window a(prof, ds::window_spec::tumbling(100)), b(prof, ds::window_spec::tumbling(100));
  a.update_many(x.data(), 37, cb);
  b.update_many(x.data() + 37, 40, cb);
  a.merge(b);
  check_against_batch(a, ref, std::vector<double>(x.begin(), x.begin() + 77));
  REQUIRE(a.seen() == 77);
  // the merged window closes after the remaining 23 values
  std::size_t evals = 0;
  a.update_many(x.data() + 77, 23, [&](const ds::histogram_window& h, const ds::window_end&) {
    ++evals;
    check_against_batch(h, ref, x);
  });
  REQUIRE(evals == 1);
  ds::histogram_window s(prof, ds::window_spec::sliding(100, 10));
  REQUIRE_THROWS_AS(s.merge(s), std::invalid_argument);
  ds::histogram_window other_size(prof, ds::window_spec::tumbling(50));
  REQUIRE_THROWS_AS(a.merge(other_size), std::invalid_argument);
  REQUIRE_THROWS_AS(a.merge(s), std::invalid_argument);
  ds::histogram_window other_edges({0.0}, {1, 1}, ds::window_spec::tumbling(100));
  REQUIRE_THROWS_AS(a.merge(other_edges), std::invalid_argument);
}

TEST_CASE("histogram_window from_counts takes bin codes", "[histogram_window]") {
  const std::vector<std::uint64_t> rc = {10, 0, 30, 60};
  ds::histogram_window w = ds::histogram_window::from_counts(rc, ds::window_spec::sliding(20, 5));
  REQUIRE(w.categorical());
  REQUIRE(w.edges().empty());
  REQUIRE(w.bins() == 4);
  std::mt19937_64 g(23);
  std::uniform_int_distribution<int> code(-1, 3);
  std::vector<std::int64_t> codes(200);
  for (auto& c : codes) c = code(g);
  std::size_t evals = 0;
  w.update_bins(codes.data(), nullptr, codes.size(), [&](const ds::histogram_window& h, const ds::window_end& e) {
    ++evals;
    std::vector<double> c(4, 0.0);
    std::uint64_t miss = 0;
    for (std::size_t i = e.index - 20; i < e.index; ++i) {
      if (codes[i] < 0)
        ++miss;
      else
        c[static_cast<std::size_t>(codes[i])] += 1.0;
    }
    REQUIRE(h.counts() == c);
    REQUIRE(h.missing() == miss);
    if (miss < 20) {
      REQUIRE(close(h.total_variation(), ds::total_variation_counts(rc.data(), std::vector<std::uint64_t>(
                                                                                    c.begin(), c.end()).data(), 4)));
      // codes seen in bin 1 (reference count 0) make the chi-square p-value 0
      REQUIRE((h.chi_square_pvalue() == 0.0) == (c[1] > 0));
    }
  });
  REQUIRE(evals == (200 - 20) / 5 + 1);
  REQUIRE_THROWS_AS(w.update(1.0), std::invalid_argument);
  REQUIRE_THROWS_AS(w.update_many(std::vector<double>{1.0}.data(), 1,
                                  [](const ds::histogram_window&, const ds::window_end&) {}),
                    std::invalid_argument);
  try {
    w.update_bin(4);
    FAIL("no throw");
  } catch (const std::invalid_argument& e) {
    REQUIRE(std::string(e.what()).find("bin") != std::string::npos);
  }
  const std::uint64_t seen = w.seen();
  const std::vector<std::int64_t> bad = {0, 1, 9};
  REQUIRE_THROWS_AS(w.update_bins(bad.data(), nullptr, 3, [](const ds::histogram_window&, const ds::window_end&) {}),
                    std::invalid_argument);
  REQUIRE(w.seen() == seen);
  REQUIRE(w.update_bin(-5) == (w.seen() + 1 >= 20 && (w.seen() + 1 - 20) % 5 == 0));
}

TEST_CASE("histogram_window bad input", "[histogram_window]") {
  const auto spec = ds::window_spec::sliding(10, 2);
  REQUIRE_THROWS_AS(ds::histogram_window({1.0, 0.0}, {1, 1, 1}, spec), std::invalid_argument);   // unsorted
  REQUIRE_THROWS_AS(ds::histogram_window({0.0, 0.0}, {1, 1, 1}, spec), std::invalid_argument);   // tie
  REQUIRE_THROWS_AS(ds::histogram_window({kNaN}, {1, 1}, spec), std::invalid_argument);          // NaN edge
  REQUIRE_THROWS_AS(ds::histogram_window({0.0}, {1, 1, 1}, spec), std::invalid_argument);        // size
  REQUIRE_THROWS_AS(ds::histogram_window({0.0}, {0, 0}, spec), std::invalid_argument);           // sum 0
  REQUIRE_THROWS_AS(ds::histogram_window::from_counts({}, spec), std::invalid_argument);
  REQUIRE_THROWS_AS(ds::histogram_window::from_counts(std::vector<std::uint64_t>(65536, 1), spec),
                    std::invalid_argument);
  ds::window_spec bad = spec;
  bad.stride = 11;
  REQUIRE_THROWS_AS(ds::histogram_window({0.0}, {1, 1}, bad), std::invalid_argument);
  bad = spec;
  bad.size = 0;
  REQUIRE_THROWS_AS(ds::histogram_window::from_counts({1, 1}, bad), std::invalid_argument);
  ds::histogram_window w({0.0}, {1, 1}, spec);
  REQUIRE_THROWS_AS(w.psi(), std::domain_error);
  w.update(kNaN);
  REQUIRE(w.missing() == 1);
  REQUIRE(w.rows() == 1);
  REQUIRE_THROWS_AS(w.hellinger(), std::domain_error);
  w.update(1.0);
  REQUIRE_THROWS_AS(w.psi(0.0), std::invalid_argument);
  REQUIRE_THROWS_AS(w.js_distance(1.0), std::invalid_argument);
  REQUIRE(w.counts() == std::vector<double>{0.0, 1.0});
  REQUIRE_THROWS_AS(w.update_bin(2), std::invalid_argument);
  // one bin, no edges, numerical
  ds::histogram_window one(std::vector<double>{}, {5}, ds::window_spec::tumbling(3));
  one.update(-kInf);
  one.update(kNaN);
  REQUIRE(one.update(kInf));
  REQUIRE(one.counts() == std::vector<double>{2.0});
  REQUIRE(one.psi() == 0.0);
  REQUIRE(one.chi_square_pvalue() == 1.0);
}

TEST_CASE("histogram_window memory per kind", "[histogram_window]") {
  const std::vector<double> ref = normal(500, 0.0, 24);
  const ds::reference_profile<double> prof(ref.data(), ref.size());
  const std::size_t fixed = 8 * 9 + 3 * 8 * 10;  // edges, reference counts (u64 + f64), counts
  ds::histogram_window s(prof, ds::window_spec::sliding(1000, 100));
  REQUIRE(s.memory_bytes() == fixed + 1000);  // one byte per value
  ds::histogram_window t(prof, ds::window_spec::tumbling(1000000));
  REQUIRE(t.memory_bytes() == fixed);
  ds::histogram_window d(prof, ds::window_spec::decaying(100.0));
  REQUIRE(d.memory_bytes() == fixed + 8 * 10);
  // time: steady state ≈ 9 bytes per value held, the ring at most 2x the most held
  ds::histogram_window tw(prof, ds::window_spec::time(1000, 100));
  const std::vector<double> x = normal(20000, 0.0, 25);
  std::vector<std::int64_t> ts(x.size());
  for (std::size_t i = 0; i < ts.size(); ++i) ts[i] = static_cast<std::int64_t>(i);  // 1 value per ns
  std::uint64_t most = 0;
  tw.update_many(x.data(), ts.data(), x.size(),
                 [&](const ds::histogram_window& h, const ds::window_end&) { most = std::max(most, h.rows() + 100); });
  REQUIRE(most == 1100);
  REQUIRE(tw.memory_bytes() <= fixed + 2 * 9 * most);
  REQUIRE(tw.memory_bytes() >= fixed + 9 * most);
}

TEST_CASE("histogram_window single-value binning for every edge count", "[histogram_window]") {
  std::mt19937_64 g(26);
  std::normal_distribution<double> d(0.0, 1.0);
  for (std::size_t m = 0; m <= 40; ++m) {
    std::vector<double> edges;
    for (std::size_t j = 0; j < m; ++j) edges.push_back(-2.0 + 4.0 * static_cast<double>(j) / 40.0);
    std::vector<double> x;
    for (int i = 0; i < 200; ++i) x.push_back(d(g));
    for (double e : edges) x.push_back(e);  // on each edge: the bin to its right
    x.push_back(kInf);
    x.push_back(-kInf);
    x.push_back(kNaN);
    ds::histogram_window one(edges, std::vector<std::uint64_t>(m + 1, 1), ds::window_spec::tumbling(x.size()));
    ds::histogram_window many(edges, std::vector<std::uint64_t>(m + 1, 1), ds::window_spec::tumbling(x.size()));
    for (double v : x) one.update(v);
    many.update_many(x.data(), x.size(), [](const ds::histogram_window&, const ds::window_end&) {});
    INFO("edges " << m);
    REQUIRE(one.counts() == brute_counts(edges, x));
    REQUIRE(many.counts() == brute_counts(edges, x));
    REQUIRE(one.missing() == 1);
  }
}
