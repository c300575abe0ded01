// Tests of driftscope::stream_monitor: at every evaluation point the snapshot equals the
// batch statistics on exactly that window's rows (brute-force slices of the stream);
// events fire where the documented rule semantics say; serialize -> deserialize continues
// identically; merge of tumbling monitors over a split stream equals one monitor; errors;
// value_metrics = false (no ECDF window for columns without ks / wasserstein).

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
#include "driftscope/monitor/stream_monitor.hpp"
#include "driftscope/stats/binned_distances.hpp"
#include "driftscope/stats/chi2_contingency.hpp"
#include "driftscope/stats/js_distance.hpp"
#include "driftscope/stats/psi.hpp"

namespace ds = driftscope;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kWidth = 3;  // x0 numerical (NaN), x1 numerical (ties), c categorical

/// Row-major rows: x0 ~ N(0, 1) (5% NaN), x1 rounded exponential-ish (ties), c codes
/// 0..3 (3% NaN); from row `drift_at` x0 shifts by 1, x1 scales, c takes other
/// proportions and unseen codes 4 and 7.
std::vector<double> make_rows(std::size_t n, std::uint64_t seed, std::size_t drift_at = ~std::size_t{0}) {
  std::mt19937_64 g(seed);
  std::normal_distribution<double> nd(0.0, 1.0);
  std::exponential_distribution<double> ed(1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> rows(n * kWidth);
  for (std::size_t i = 0; i < n; ++i) {
    const bool drift = i >= drift_at;
    double x0 = nd(g) + (drift ? 1.0 : 0.0);
    if (u(g) < 0.05) x0 = kNaN;
    const double x1 = std::round(ed(g) * (drift ? 6.0 : 4.0));
    const double p = u(g);
    double c;
    if (!drift) {
      c = p < 0.4 ? 0 : p < 0.7 ? 1 : p < 0.9 ? 2 : 3;
    } else {
      c = p < 0.1 ? 0 : p < 0.3 ? 1 : p < 0.6 ? 2 : p < 0.8 ? 3 : p < 0.9 ? 4 : 7;
    }
    if (u(g) < 0.03) c = kNaN;
    rows[i * kWidth + 0] = x0;
    rows[i * kWidth + 1] = x1;
    rows[i * kWidth + 2] = c;
  }
  return rows;
}

std::vector<ds::column_config> make_columns(bool all_stats = true) {
  std::vector<ds::column_config> cols(kWidth);
  cols[0].name = "x0";
  if (all_stats)
    cols[0].statistics = {ds::stream_statistic::psi,         ds::stream_statistic::js_distance,
                          ds::stream_statistic::hellinger,   ds::stream_statistic::total_variation,
                          ds::stream_statistic::ks,          ds::stream_statistic::wasserstein,
                          ds::stream_statistic::chi_square};
  cols[1].name = "x1";  // defaults {psi, ks}
  cols[1].bins = ds::binning::quantile(5);
  cols[2].name = "c";
  cols[2].kind = ds::column_kind::categorical;
  if (all_stats)
    cols[2].statistics = {ds::stream_statistic::psi, ds::stream_statistic::js_distance, ds::stream_statistic::hellinger,
                          ds::stream_statistic::total_variation, ds::stream_statistic::chi_square};
  return cols;
}

std::vector<double> column_of(const std::vector<double>& rows, std::size_t c, std::size_t lo, std::size_t hi) {
  std::vector<double> out;
  for (std::size_t i = lo; i < hi; ++i) out.push_back(rows[i * kWidth + c]);
  return out;
}

bool close(double got, double want, double rel = 1e-12) {
  if (std::isnan(want)) return std::isnan(got);
  return std::fabs(got - want) <= rel * std::max(1.0, std::fabs(want));
}

double chi_square_oracle(const std::vector<double>& ref, const std::vector<double>& cur) {
  // scipy.stats.chisquare(f_obs=cur, f_exp=p_ref * n_cur) over the bins present in the
  // reference or the window (histogram_window's documented definition): a bin the
  // reference never saw but the window has makes the statistic infinite (p = 0); one
  // present bin gives p = 1; dof = present bins - 1.
  double n_ref = 0, n_cur = 0;
  for (double v : ref) n_ref += v;
  for (double v : cur) n_cur += v;
  double stat = 0;
  std::size_t present = 0;
  bool unseen = false;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    if (ref[i] == 0 && cur[i] == 0) continue;
    ++present;
    if (ref[i] == 0) {
      unseen = true;
      continue;
    }
    const double e = ref[i] / n_ref * n_cur;
    stat += (cur[i] - e) * (cur[i] - e) / e;
  }
  if (present <= 1) return 1.0;
  if (unseen) return 0.0;
  return ds::detail::categorical::chi2_sf(stat, static_cast<double>(present - 1));
}


/// Expected scores and metrics of one window of column c (values with NaN).
struct expected_column {
  ds::stream_monitor::column_metrics m;
  std::vector<std::pair<ds::stream_statistic, double>> scores;
};

expected_column expected_for(const ds::stream_monitor& mon, std::size_t c, const std::vector<double>& window) {
  const ds::column_config& cfg = mon.columns()[c];
  expected_column e;
  std::vector<double> vals;
  for (double v : window)
    if (!std::isnan(v)) vals.push_back(v);
  e.m.count = vals.size();
  e.m.missing = window.size() - vals.size();
  // bin counts: numerical = numpy.searchsorted(edges, x, side='right'); categorical = code, code >= k -> unseen
  std::vector<double> refc, curc;
  if (cfg.kind == ds::column_kind::numerical) {
    const auto& prof = *mon.reference(c);
    for (auto v : prof.counts()) refc.push_back(static_cast<double>(v));
    curc.assign(refc.size(), 0.0);
    for (double v : vals)
      curc[static_cast<std::size_t>(std::upper_bound(prof.edges().begin(), prof.edges().end(), v) -
                                    prof.edges().begin())] += 1;
    if (!vals.empty()) {
      double s = 0;
      for (double v : vals) s += v;
      e.m.mean = s / static_cast<double>(vals.size());
      double ss = 0;
      for (double v : vals) ss += (v - e.m.mean) * (v - e.m.mean);
      e.m.std = vals.size() >= 2 ? std::sqrt(ss / static_cast<double>(vals.size() - 1)) : kNaN;
      e.m.min = *std::min_element(vals.begin(), vals.end());
      e.m.max = *std::max_element(vals.begin(), vals.end());
    }
  } else {
    for (auto v : mon.reference_counts(c)) refc.push_back(static_cast<double>(v));
    refc.push_back(0);  // unseen
    curc.assign(refc.size(), 0.0);
    const std::size_t k = refc.size() - 1;
    for (double v : vals) curc[std::min(static_cast<std::size_t>(v), k)] += 1;
    if (!vals.empty()) e.m.unseen_share = curc[k] / static_cast<double>(vals.size());
  }
  for (ds::stream_statistic s : cfg.statistics) {
    double v = kNaN;
    if (!vals.empty()) {
      switch (s) {
        case ds::stream_statistic::psi: v = ds::psi_counts(refc.data(), curc.data(), refc.size(), 1e-4); break;
        case ds::stream_statistic::js_distance: v = ds::js_distance_counts(refc.data(), curc.data(), refc.size()); break;
        case ds::stream_statistic::hellinger: v = ds::hellinger_counts(refc.data(), curc.data(), refc.size()); break;
        case ds::stream_statistic::total_variation:
          v = ds::total_variation_counts(refc.data(), curc.data(), refc.size());
          break;
        case ds::stream_statistic::ks:
          v = mon.reference(c)
                  ->ks(window.data(), window.size(), ds::alternative::two_sided, mon.options().ks_pvalue_method)
                  .pvalue;
          break;
        case ds::stream_statistic::wasserstein: v = mon.reference(c)->wasserstein(window.data(), window.size()); break;
        case ds::stream_statistic::chi_square: v = chi_square_oracle(refc, curc); break;
      }
    }
    e.scores.emplace_back(s, v);
  }
  return e;
}

void check_snapshot(const ds::stream_monitor& mon, const ds::stream_monitor::snapshot_t& snap,
                    const std::vector<double>& rows, std::size_t lo, std::size_t hi) {
  for (std::size_t c = 0; c < kWidth; ++c) {
    INFO("column " << mon.columns()[c].name << " window [" << lo << ", " << hi << ")");
    const expected_column e = expected_for(mon, c, column_of(rows, c, lo, hi));
    const auto& m = snap.metrics[c];
    CHECK(m.count == e.m.count);
    CHECK(m.missing == e.m.missing);
    CHECK(close(m.mean, e.m.mean, 1e-10));
    CHECK(close(m.std, e.m.std, 1e-9));
    CHECK(close(m.min, e.m.min));
    CHECK(close(m.max, e.m.max));
    CHECK(close(m.unseen_share, e.m.unseen_share));
    REQUIRE(snap.scores[c].values.size() == e.scores.size());
    for (std::size_t k = 0; k < e.scores.size(); ++k) {
      INFO("statistic " << ds::to_string(e.scores[k].first));
      CHECK(snap.scores[c].values[k].first == e.scores[k].first);
      CHECK(close(snap.scores[c].values[k].second, e.scores[k].second, 1e-11));
    }
  }
}

bool is_eval_point(const ds::window_spec& w, std::uint64_t t) {
  if (w.kind == ds::window_kind::tumbling) return t % w.size == 0;
  return t >= w.size && (t - w.size) % w.stride == 0;
}

/// The rule semantics written out for patience 1, cooldown 0: alarm when over the alarm
/// level, else warning when over the warning level.
ds::alarm_level simple_rule(const ds::threshold_rule& r, double v) {
  if (std::isnan(v)) return ds::alarm_level::none;
  auto over = [&](double level) {
    return r.direction == ds::threshold_direction::above ? v >= level : v < level;
  };
  if (!std::isnan(r.alarm) && over(r.alarm)) return ds::alarm_level::alarm;
  if (!std::isnan(r.warning) && over(r.warning)) return ds::alarm_level::warning;
  return ds::alarm_level::none;
}

bool same_events(const ds::event_log& a, const ds::event_log& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto &x = a[i], &y = b[i];
    if (x.feature != y.feature || x.statistic != y.statistic || x.level != y.level || x.window_end != y.window_end ||
        x.timestamp != y.timestamp || x.has_timestamp != y.has_timestamp || x.threshold != y.threshold)
      return false;
    if (!(x.value == y.value || (std::isnan(x.value) && std::isnan(y.value)))) return false;
  }
  return true;
}

bool same_snapshot(const ds::stream_monitor::snapshot_t& a, const ds::stream_monitor::snapshot_t& b) {
  auto eq = [](double x, double y) { return x == y || (std::isnan(x) && std::isnan(y)); };
  if (a.end.index != b.end.index || a.end.timestamp != b.end.timestamp || a.evaluated != b.evaluated) return false;
  for (std::size_t c = 0; c < a.metrics.size(); ++c) {
    const auto &x = a.metrics[c], &y = b.metrics[c];
    if (x.count != y.count || x.missing != y.missing || !eq(x.mean, y.mean) || !eq(x.std, y.std) ||
        !eq(x.min, y.min) || !eq(x.max, y.max) || !eq(x.unseen_share, y.unseen_share))
      return false;
    for (std::size_t k = 0; k < a.scores[c].values.size(); ++k)
      if (!eq(a.scores[c].values[k].second, b.scores[c].values[k].second)) return false;
  }
  return true;
}

template <class F>
void require_throws_invalid(F&& f, const std::string& needle) {
  try {
    f();
    FAIL("expected std::invalid_argument containing '" << needle << "'");
  } catch (const std::invalid_argument& e) {
    INFO(e.what());
    CHECK(std::string(e.what()).find(needle) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("stream_monitor: every snapshot equals the batch statistics on its window", "[stream_monitor]") {
  const std::size_t n_ref = 1500, n = 2600, drift_at = 1300;
  const auto ref = make_rows(n_ref, 11);
  const auto rows = make_rows(n, 12, drift_at);
  for (const ds::window_spec w : {ds::window_spec::sliding(400, 100), ds::window_spec::tumbling(300)}) {
    INFO("window " << ds::to_string(w.kind));
    ds::stream_monitor mon(ref.data(), n_ref, make_columns(), {w});
    ds::stream_monitor bulk(ref.data(), n_ref, make_columns(), {w});
    CHECK_FALSE(mon.snapshot().evaluated);
    std::size_t evals = 0;
    for (std::size_t t = 1; t <= n; ++t) {
      mon.update(&rows[(t - 1) * kWidth], kWidth);
      CHECK(mon.rows_seen() == t);
      if (is_eval_point(w, t)) {
        ++evals;
        REQUIRE(mon.snapshot().evaluated);
        REQUIRE(mon.snapshot().end.index == t);
        check_snapshot(mon, mon.snapshot(), rows, t - w.size, t);
      } else {
        REQUIRE(mon.snapshot().end.index == (t < w.size ? 0 : t - (t - w.size) % w.stride));
      }
    }
    CHECK(evals == (w.kind == ds::window_kind::tumbling ? n / 300 : (n - 400) / 100 + 1));
    // update_many in uneven chunks gives the same snapshots and events
    std::mt19937_64 g(3);
    std::size_t at = 0;
    while (at < n) {
      const std::size_t len = std::min<std::size_t>(n - at, g() % 250);
      bulk.update_many(rows.data() + at * kWidth, len, kWidth);
      at += len;
    }
    CHECK(bulk.rows_seen() == n);
    CHECK(same_snapshot(bulk.snapshot(), mon.snapshot()));
    CHECK(same_events(bulk.events(), mon.events()));
    CHECK(mon.events().size() > 0);  // the drift is large: default rules fire
  }
}

TEST_CASE("stream_monitor: events fire at the expected evaluation points", "[stream_monitor]") {
  const std::size_t n_ref = 1000, n = 3000;
  const auto ref = make_rows(n_ref, 21);
  const auto rows = make_rows(n, 22, 1700);
  auto cols = make_columns(false);
  const auto psi_rule = ds::threshold_rule::distance(0.05, 0.3);
  const auto ks_rule = ds::threshold_rule::p_value(0.05, 1e-6);
  const auto chi_rule = ds::threshold_rule::p_value(1e-3, 1e-9);
  cols[0].rules = {{ds::stream_statistic::psi, psi_rule}, {ds::stream_statistic::ks, ks_rule}};
  cols[1].default_rules = false;  // no rules on x1
  cols[2].rules = {{ds::stream_statistic::chi_square, chi_rule}};
  const auto w = ds::window_spec::sliding(500, 250);
  ds::stream_monitor mon(ref.data(), n_ref, cols, {w});
  CHECK(mon.columns()[1].rules.empty());
  CHECK(mon.columns()[0].statistics.size() == 2);
  std::vector<ds::alarm_event> seen;
  mon.on_event([&](const ds::alarm_event& e) { seen.push_back(e); });
  mon.update_many(rows.data(), n, kWidth);

  std::vector<ds::alarm_event> want;
  for (std::size_t t = 500; t <= n; t += 250) {
    for (std::size_t c : {std::size_t{0}, std::size_t{2}}) {
      const expected_column e = expected_for(mon, c, column_of(rows, c, t - 500, t));
      for (const auto& r : mon.columns()[c].rules) {
        double v = kNaN;
        for (const auto& s : e.scores)
          if (s.first == r.first) v = s.second;
        const ds::alarm_level lvl = simple_rule(r.second, v);
        if (lvl == ds::alarm_level::none) continue;
        ds::alarm_event ev;
        ev.feature = mon.columns()[c].name;
        ev.statistic = ds::to_string(r.first);
        ev.level = lvl;
        ev.value = v;
        ev.threshold = lvl == ds::alarm_level::alarm ? r.second.alarm : r.second.warning;
        ev.window_end = t;
        want.push_back(ev);
      }
    }
  }
  REQUIRE(seen.size() == want.size());
  REQUIRE(mon.events().size() == want.size());
  bool any_alarm_after_drift = false, any_before = false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    INFO("event " << i << " " << want[i].feature << " " << want[i].statistic << " at " << want[i].window_end);
    CHECK(seen[i].feature == want[i].feature);
    CHECK(seen[i].statistic == want[i].statistic);
    CHECK(seen[i].level == want[i].level);
    CHECK(seen[i].window_end == want[i].window_end);
    CHECK(seen[i].threshold == want[i].threshold);
    CHECK(close(seen[i].value, want[i].value, 1e-11));
    CHECK_FALSE(seen[i].has_timestamp);
    CHECK(mon.events()[i].window_end == seen[i].window_end);
    if (want[i].level == ds::alarm_level::alarm && want[i].window_end > 1700) any_alarm_after_drift = true;
    if (want[i].level == ds::alarm_level::alarm && want[i].window_end <= 1700) any_before = true;
  }
  CHECK(any_alarm_after_drift);
  CHECK_FALSE(any_before);
}

TEST_CASE("stream_monitor: time windows evaluate [b - duration, b) before the row that passes b",
          "[stream_monitor]") {
  const std::size_t n_ref = 800, n = 1500;
  const auto ref = make_rows(n_ref, 31);
  const auto rows = make_rows(n, 32, 700);
  std::mt19937_64 g(33);
  std::vector<std::int64_t> ts(n);
  std::int64_t now = 1'000'000;
  for (auto& t : ts) {
    now += static_cast<std::int64_t>(g() % 3 == 0 ? 0 : g() % 40);  // ties and gaps
    if (g() % 500 == 0) now += 2000;                                 // a long gap skips boundaries
    t = now;
  }
  const std::int64_t duration = 3000, stride = 1000;
  ds::stream_monitor mon(ref.data(), n_ref, make_columns(), {ds::window_spec::time(duration, stride)});
  std::int64_t next = ts[0] + stride;
  std::size_t evals = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const bool closes = i > 0 && ts[i] >= next;
    std::int64_t b = 0;
    if (closes) {
      b = ts[0] + (ts[i] - ts[0]) / stride * stride;
      next = b + stride;
    }
    mon.update(&rows[i * kWidth], kWidth, ts[i]);
    if (closes) {
      ++evals;
      const auto& s = mon.snapshot();
      REQUIRE(s.evaluated);
      CHECK(s.end.has_timestamp);
      CHECK(s.end.timestamp == b);
      std::size_t lo = 0;
      while (lo < i && ts[lo] < b - duration) ++lo;
      check_snapshot(mon, s, rows, lo, i);
    }
  }
  CHECK(evals > 10);
  // the same through update_many
  ds::stream_monitor bulk(ref.data(), n_ref, make_columns(), {ds::window_spec::time(duration, stride)});
  bulk.update_many(rows.data(), 600, kWidth, ts.data());
  bulk.update_many(rows.data() + 600 * kWidth, n - 600, kWidth, ts.data() + 600);
  CHECK(same_snapshot(bulk.snapshot(), mon.snapshot()));
  CHECK(same_events(bulk.events(), mon.events()));
  // timestamps are required, and must not go backwards
  require_throws_invalid([&] { bulk.update(rows.data(), kWidth); }, "timestamp");
  require_throws_invalid([&] { bulk.update(rows.data(), kWidth, ts[n - 1] - 1); }, "timestamp");
  std::vector<std::int64_t> back = {ts[n - 1] + 5, ts[n - 1] + 4};
  require_throws_invalid([&] { bulk.update_many(rows.data(), 2, kWidth, back.data()); }, "timestamp");
  CHECK(bulk.rows_seen() == n);  // rejected calls change nothing
}

TEST_CASE("stream_monitor: decaying windows weight values by 2^(-age / half_life)", "[stream_monitor]") {
  const std::size_t n_ref = 1000, n = 1200;
  const auto ref = make_rows(n_ref, 41);
  const auto rows = make_rows(n, 42, 600);
  auto cols = make_columns(false);
  cols[0].statistics = {ds::stream_statistic::psi, ds::stream_statistic::hellinger};
  cols[1].statistics = {ds::stream_statistic::total_variation};
  const double half_life = 150;
  ds::stream_monitor mon(ref.data(), n_ref, cols, {ds::window_spec::decaying(half_life, 200)});
  CHECK(mon.ecdf(0) == nullptr);
  for (std::size_t t = 1; t <= n; ++t) {
    mon.update(&rows[(t - 1) * kWidth], kWidth);
    if (t % 200 != 0) continue;
    const auto& s = mon.snapshot();
    REQUIRE(s.end.index == t);
    for (std::size_t c = 0; c < kWidth; ++c) {
      // brute-force weighted bin counts
      std::vector<double> refc, curc;
      const bool cat = c == 2;
      if (!cat) {
        for (auto v : mon.reference(c)->counts()) refc.push_back(static_cast<double>(v));
      } else {
        for (auto v : mon.reference_counts(c)) refc.push_back(static_cast<double>(v));
        refc.push_back(0);
      }
      curc.assign(refc.size(), 0.0);
      std::uint64_t missing = 0;
      for (std::size_t i = 0; i < t; ++i) {
        const double v = rows[i * kWidth + c];
        if (std::isnan(v)) {
          ++missing;
          continue;
        }
        const double wgt = std::exp2(-static_cast<double>(t - 1 - i) / half_life);
        std::size_t bin;
        if (!cat) {
          const auto& e = mon.reference(c)->edges();
          bin = static_cast<std::size_t>(std::upper_bound(e.begin(), e.end(), v) - e.begin());
        } else {
          bin = std::min(static_cast<std::size_t>(v), refc.size() - 1);
        }
        curc[bin] += wgt;
      }
      CHECK(s.metrics[c].missing == missing);
      CHECK(s.metrics[c].count == t - missing);
      CHECK(std::isnan(s.metrics[c].mean));
      for (const auto& sv : s.scores[c].values) {
        double want = kNaN;
        switch (sv.first) {
          case ds::stream_statistic::psi: want = ds::psi_counts(refc.data(), curc.data(), refc.size(), 1e-4); break;
          case ds::stream_statistic::hellinger: want = ds::hellinger_counts(refc.data(), curc.data(), refc.size()); break;
          case ds::stream_statistic::total_variation:
            want = ds::total_variation_counts(refc.data(), curc.data(), refc.size());
            break;
          case ds::stream_statistic::chi_square: continue;
          default: FAIL("unexpected statistic");
        }
        INFO("t " << t << " column " << c << " " << ds::to_string(sv.first));
        CHECK(close(sv.second, want, 1e-9));
      }
    }
  }
  // ks / wasserstein are not available with decaying windows
  auto bad = make_columns(false);
  bad[0].statistics = {ds::stream_statistic::psi, ds::stream_statistic::ks};
  require_throws_invalid(
      [&] { ds::stream_monitor m(ref.data(), n_ref, bad, {ds::window_spec::decaying(10)}); }, "'x0': statistic 'ks'");
  bad = make_columns(false);
  bad[1].statistics = {ds::stream_statistic::wasserstein};
  bad[0].statistics = {ds::stream_statistic::psi};
  require_throws_invalid(
      [&] { ds::stream_monitor m(ref.data(), n_ref, bad, {ds::window_spec::decaying(10)}); }, "'x1': statistic 'wasserstein'");
}

TEST_CASE("stream_monitor: serialize at random points continues identically", "[stream_monitor]") {
  const std::size_t n_ref = 600, n = 2000;
  const auto ref = make_rows(n_ref, 51);
  const auto rows = make_rows(n, 52, 900);
  std::vector<std::int64_t> ts(n);
  for (std::size_t i = 0; i < n; ++i) ts[i] = static_cast<std::int64_t>(i * 7 + (i % 3));
  for (const ds::window_spec w : {ds::window_spec::sliding(300, 50), ds::window_spec::tumbling(250),
                                  ds::window_spec::time(2000, 500), ds::window_spec::decaying(100, 40)}) {
    INFO("window " << ds::to_string(w.kind));
    auto cols = make_columns(w.kind != ds::window_kind::decaying);
    if (w.kind == ds::window_kind::decaying) cols[0].statistics = cols[1].statistics = {ds::stream_statistic::psi};
    cols[0].rules = {{ds::stream_statistic::psi, ds::threshold_rule::distance(0.02, 0.1, 2, 3)}};
    ds::stream_monitor mon(ref.data(), n_ref, cols, {w});
    std::mt19937_64 g(static_cast<std::uint64_t>(w.kind) + 5);
    std::size_t at = 0;
    while (at < n) {
      const std::size_t len = std::min<std::size_t>(n - at, 1 + g() % 400);
      mon.update_many(rows.data() + at * kWidth, len, kWidth, ts.data() + at);
      at += len;
      const auto bytes = mon.serialize();
      auto copy = ds::stream_monitor::deserialize(bytes.data(), bytes.size());
      CHECK(copy.serialize() == bytes);
      CHECK(copy.rows_seen() == mon.rows_seen());
      CHECK(same_snapshot(copy.snapshot(), mon.snapshot()));
      CHECK(same_events(copy.events(), mon.events()));
      CHECK(copy.score_history("x1", ds::stream_statistic::psi) == mon.score_history("x1", ds::stream_statistic::psi));
      // both continue over the rest of the stream
      ds::stream_monitor a = ds::stream_monitor::deserialize(bytes.data(), bytes.size());
      ds::stream_monitor b = ds::stream_monitor::deserialize(bytes.data(), bytes.size());
      const std::size_t rest = std::min<std::size_t>(n - at, 500);
      if (rest == 0) continue;
      a.update_many(rows.data() + at * kWidth, rest, kWidth, ts.data() + at);
      for (std::size_t i = 0; i < rest; ++i) b.update(rows.data() + (at + i) * kWidth, kWidth, ts[at + i]);
      CHECK(same_snapshot(a.snapshot(), b.snapshot()));
      CHECK(same_events(a.events(), b.events()));
    }
    CHECK(mon.events().size() > 0);
  }
}

TEST_CASE("stream_monitor: score history keeps the last 256 evaluations; typing of its drift",
          "[stream_monitor]") {
  // one numerical column, sliding windows of 500 every 50 rows
  std::mt19937_64 g(77);
  std::normal_distribution<double> nd(0.0, 1.0);
  std::vector<double> ref(5000);
  for (double& v : ref) v = nd(g);
  std::vector<ds::column_config> cols(1);
  cols[0].name = "x";
  const ds::window_spec w = ds::window_spec::sliding(500, 50);

  SECTION("the history is the sequence of snapshots, oldest first, ring of 256") {
    ds::stream_monitor mon(ref.data(), ref.size(), cols, {w});
    CHECK(mon.score_history("x", ds::stream_statistic::ks).empty());
    std::vector<double> ks;
    std::vector<std::uint64_t> ends;
    std::uint64_t last_end = 0;
    const std::size_t n = 500 + 50 * 300;  // 301 evaluations
    for (std::size_t i = 0; i < n; ++i) {
      const double v = nd(g) + (i > 8000 ? 0.5 : 0.0);
      mon.update(&v, 1);
      const auto& snap = mon.snapshot();
      if (snap.evaluated && snap.end.index != last_end) {
        last_end = snap.end.index;
        ks.push_back(snap.scores[0].get(ds::stream_statistic::ks));
        ends.push_back(snap.end.index);
      }
    }
    REQUIRE(ks.size() == 301);
    std::vector<std::uint64_t> got_ends;
    const auto got = mon.score_history("x", ds::stream_statistic::ks, &got_ends);
    REQUIRE(got.size() == ds::stream_monitor::score_history_capacity);
    CHECK(std::equal(got.begin(), got.end(), ks.end() - 256));
    CHECK(std::equal(got_ends.begin(), got_ends.end(), ends.end() - 256));
    require_throws_invalid([&] { (void)mon.score_history("y", ds::stream_statistic::ks); }, "unknown column 'y'");
    require_throws_invalid([&] { (void)mon.score_history("x", ds::stream_statistic::chi_square); },
                           "does not compute 'chi_square'");
  }

  SECTION("a sudden shift types sudden, a 2000-row ramp types incremental (Wasserstein)") {
    cols[0].statistics = {ds::stream_statistic::psi, ds::stream_statistic::ks, ds::stream_statistic::wasserstein};
    const std::size_t change = 4000, n = 9000;
    for (const std::size_t width : {std::size_t{0}, std::size_t{2000}}) {
      INFO("width " << width);
      int right = 0;
      double dur_sum = 0.0;
      const int runs = 10;
      for (int r = 0; r < runs; ++r) {
        ds::stream_monitor mon(ref.data(), ref.size(), cols, {w});
        for (std::size_t i = 0; i < n; ++i) {
          const double f = i < change ? 0.0 : width == 0 ? 1.0 : std::min(1.0, double(i - change) / double(width));
          const double v = nd(g) + f;
          mon.update(&v, 1);
        }
        const ds::drift_shape s = mon.score_drift_shape("x", ds::stream_statistic::wasserstein);
        if (r == 0)
          require_throws_invalid([&] { (void)mon.score_drift_shape("x", ds::stream_statistic::ks); }, "p-value");
        if (width == 0) {
          right += s.kind == ds::drift_kind::sudden && std::abs(s.onset - double(change)) <= 500.0;
        } else {
          right += s.kind == ds::drift_kind::incremental && std::abs(s.duration - double(width)) <= 0.25 * double(width);
          dur_sum += s.duration;
        }
      }
      CHECK(right >= runs - 1);
      if (width > 0) WARN("mean fitted ramp duration " << dur_sum / runs << " rows (true " << width << ")");
    }
  }
}

TEST_CASE("stream_monitor: truncated and corrupt bytes throw", "[stream_monitor]") {
  const auto ref = make_rows(40, 61);
  const auto rows = make_rows(57, 62, 30);
  std::vector<ds::column_config> cols = make_columns();
  ds::stream_monitor mon(ref.data(), 40, cols, {ds::window_spec::sliding(20, 5)});
  mon.update_many(rows.data(), 57, kWidth);
  REQUIRE(mon.snapshot().evaluated);
  const auto bytes = mon.serialize();
  for (std::size_t len = 0; len < bytes.size(); ++len) {
    INFO("length " << len);
    CHECK_THROWS_AS(ds::stream_monitor::deserialize(bytes.data(), len), std::out_of_range);
  }
  auto corrupt = [&](std::size_t at, std::uint8_t v) {
    auto b = bytes;
    b[at] = v;
    return b;
  };
  // version 0 and 4 (1 and 2 are older formats, read: see the golden files)
  for (auto b : {corrupt(0, 'X'), corrupt(4, 9), corrupt(5, 0), corrupt(5, 4), corrupt(6, 1), corrupt(8, 7)}) {
    CHECK_THROWS_AS(ds::stream_monitor::deserialize(b.data(), b.size()), std::invalid_argument);
  }
  auto trailing = bytes;
  trailing.push_back(0);
  CHECK_THROWS_AS(ds::stream_monitor::deserialize(trailing.data(), trailing.size()), std::invalid_argument);
  // flipping any single byte never crashes: it throws, or decodes to a valid monitor
  std::size_t rejected = 0;
  for (std::size_t at = 0; at < bytes.size(); at += 3) {
    auto b = bytes;
    b[at] ^= 0x5A;
    try {
      auto m = ds::stream_monitor::deserialize(b.data(), b.size());
      m.update_many(rows.data(), 10, kWidth);
    } catch (const std::invalid_argument&) {
      ++rejected;
    } catch (const std::out_of_range&) {
      ++rejected;
    } catch (const std::domain_error&) {
      ++rejected;
    } catch (const std::exception& e) {
      FAIL_CHECK("byte " << at << ": unexpected " << e.what());
    }
  }
  CHECK(rejected > bytes.size() / 3 / 3);  // snapshot / window values accept any double
}

TEST_CASE("stream_monitor: merging tumbling monitors over a split stream", "[stream_monitor]") {
  const std::size_t n_ref = 700;
  const auto ref = make_rows(n_ref, 71);
  const auto rows = make_rows(900, 72, 400);
  const auto w = ds::window_spec::tumbling(300);
  ds::stream_monitor whole(ref.data(), n_ref, make_columns(), {w});
  ds::stream_monitor a(ref.data(), n_ref, make_columns(), {w});
  ds::stream_monitor b(ref.data(), n_ref, make_columns(), {w});
  whole.update_many(rows.data(), 250, kWidth);
  a.update_many(rows.data(), 100, kWidth);
  b.update_many(rows.data() + 100 * kWidth, 150, kWidth);
  a.merge(b);
  CHECK(a.rows_seen() == 250);
  const auto sa = a.current(), sw = whole.current();
  CHECK(same_snapshot(sa, sw));
  check_snapshot(a, sa, rows, 0, 250);
  // both close the window at row 300 identically
  a.update_many(rows.data() + 250 * kWidth, 100, kWidth);
  whole.update_many(rows.data() + 250 * kWidth, 100, kWidth);
  CHECK(same_snapshot(a.snapshot(), whole.snapshot()));
  CHECK(a.snapshot().end.index == 300);
  check_snapshot(a, a.snapshot(), rows, 0, 300);

  // different monitors do not merge
  const auto other_ref = make_rows(n_ref, 73);
  ds::stream_monitor c(other_ref.data(), n_ref, make_columns(), {w});
  require_throws_invalid([&] { a.merge(c); }, "differ");
  ds::stream_monitor d(ref.data(), n_ref, make_columns(false), {w});
  require_throws_invalid([&] { a.merge(d); }, "differ");
  ds::stream_monitor e(ref.data(), n_ref, make_columns(), {ds::window_spec::tumbling(200)});
  require_throws_invalid([&] { a.merge(e); }, "differ");
  ds::stream_monitor s1(ref.data(), n_ref, make_columns(), {ds::window_spec::sliding(300, 100)});
  ds::stream_monitor s2(ref.data(), n_ref, make_columns(), {ds::window_spec::sliding(300, 100)});
  require_throws_invalid([&] { s1.merge(s2); }, "tumbling");
}

TEST_CASE("stream_monitor: bad input", "[stream_monitor]") {
  const auto ref = make_rows(200, 81);
  const auto rows = make_rows(10, 82);
  ds::stream_monitor mon(ref.data(), 200, make_columns(), {ds::window_spec::sliding(50, 10)});
  require_throws_invalid([&] { mon.update(rows.data(), 2); }, "width");
  require_throws_invalid([&] { mon.update_many(rows.data(), 3, 4); }, "width");
  std::vector<double> bad_code = {0.5, 1.0, 2.5};
  require_throws_invalid([&] { mon.update(bad_code.data(), 3); }, "'c' is categorical");
  bad_code[2] = -1;
  require_throws_invalid([&] { mon.update(bad_code.data(), 3); }, "'c' is categorical");
  // timestamps backwards on a count window
  mon.update(rows.data(), kWidth, 100);
  require_throws_invalid([&] { mon.update(rows.data(), kWidth, 99); }, "timestamp");
  CHECK(mon.rows_seen() == 1);

  // window size 0, stride > size (window_spec validates)
  CHECK_THROWS_AS(ds::window_spec::sliding(0, 1), std::invalid_argument);
  CHECK_THROWS_AS(ds::window_spec::sliding(10, 11), std::invalid_argument);
  ds::stream_monitor_options o;
  o.window.size = 0;
  require_throws_invalid([&] { ds::stream_monitor m(ref.data(), 200, make_columns(), o); }, "size");
  o = {};
  o.window.stride = 2000;
  require_throws_invalid([&] { ds::stream_monitor m(ref.data(), 200, make_columns(), o); }, "stride");
  o = {};
  o.psi_epsilon = 0;
  require_throws_invalid([&] { ds::stream_monitor m(ref.data(), 200, make_columns(), o); }, "psi_epsilon");

  // empty reference, reference column all NaN
  require_throws_invalid([&] { ds::stream_monitor m(ref.data(), 0, make_columns()); }, "reference");
  auto nan_ref = ref;
  for (std::size_t i = 0; i < 200; ++i) nan_ref[i * kWidth + 1] = kNaN;
  require_throws_invalid([&] { ds::stream_monitor m(nan_ref.data(), 200, make_columns()); }, "'x1'");
  nan_ref = ref;
  for (std::size_t i = 0; i < 200; ++i) nan_ref[i * kWidth + 2] = kNaN;
  require_throws_invalid([&] { ds::stream_monitor m(nan_ref.data(), 200, make_columns()); }, "'c'");
  // config errors
  auto cols = make_columns();
  cols[1].name = "x0";
  require_throws_invalid([&] { ds::stream_monitor m(ref.data(), 200, cols); }, "duplicate column name 'x0'");
  cols = make_columns();
  cols[2].statistics = {ds::stream_statistic::ks};
  require_throws_invalid([&] { ds::stream_monitor m(ref.data(), 200, cols); }, "'c': statistic 'ks'");
  cols = make_columns(false);
  cols[1].rules = {{ds::stream_statistic::wasserstein, ds::threshold_rule::distance(1, 2)}};
  require_throws_invalid([&] { ds::stream_monitor m(ref.data(), 200, cols); }, "not computed");
  cols = make_columns(false);
  cols[1].rules = {{ds::stream_statistic::psi, ds::threshold_rule::distance(3, 2)}};
  require_throws_invalid([&] { ds::stream_monitor m(ref.data(), 200, cols); }, "'x1'");
  cols = make_columns();
  cols[0].statistics = {ds::stream_statistic::psi, ds::stream_statistic::psi};
  require_throws_invalid([&] { ds::stream_monitor m(ref.data(), 200, cols); }, "twice");
  require_throws_invalid([&] { ds::stream_monitor m(ref.data(), 200, {}); }, "columns");
  CHECK_THROWS_AS(ds::parse_stream_statistic("kl"), std::invalid_argument);
  CHECK(ds::parse_stream_statistic("tvd") == ds::stream_statistic::total_variation);
  for (std::uint8_t s = 0; s < ds::stream_statistic_count; ++s) {
    const auto st = static_cast<ds::stream_statistic>(s);
    CHECK(ds::parse_stream_statistic(ds::to_string(st)) == st);
  }
}

TEST_CASE("stream_monitor: empty windows give NaN scores and trackers skip them", "[stream_monitor]") {
  const auto ref = make_rows(300, 91);
  std::vector<double> rows(40 * kWidth, kNaN);
  ds::stream_monitor mon(ref.data(), 300, make_columns(), {ds::window_spec::tumbling(20)});
  mon.update_many(rows.data(), 40, kWidth);
  const auto& s = mon.snapshot();
  REQUIRE(s.evaluated);
  for (std::size_t c = 0; c < kWidth; ++c) {
    CHECK(s.metrics[c].count == 0);
    CHECK(s.metrics[c].missing == 20);
    for (const auto& v : s.scores[c].values) CHECK(std::isnan(v.second));
  }
  CHECK(mon.events().size() == 0);
  CHECK(mon.memory_bytes() > 300 * 8 * 2);
}

namespace {

/// Columns whose statistics need no ECDF: x0 {psi, hellinger}, x1 {psi}, c categorical {psi, chi_square}.
std::vector<ds::column_config> histogram_only_columns() {
  auto cols = make_columns(false);
  cols[0].statistics = {ds::stream_statistic::psi, ds::stream_statistic::hellinger};
  cols[0].rules = {{ds::stream_statistic::psi, ds::threshold_rule::distance(0.02, 0.1, 2, 3)}};
  cols[1].statistics = {ds::stream_statistic::psi};
  return cols;
}

ds::stream_monitor_options with_value_metrics(const ds::window_spec& w, bool value_metrics) {
  ds::stream_monitor_options o;
  o.window = w;
  o.value_metrics = value_metrics;
  return o;
}

/// `off` (value_metrics false) against `on` (true) on the same data: identical scores,
/// counts and unseen shares; NaN mean / std / min / max on the numerical columns of `off`.
void check_same_scores(const ds::stream_monitor::snapshot_t& off, const ds::stream_monitor::snapshot_t& on) {
  REQUIRE(off.evaluated == on.evaluated);
  CHECK(off.end.index == on.end.index);
  for (std::size_t c = 0; c < kWidth; ++c) {
    INFO("column " << c);
    const auto &m = off.metrics[c], &w = on.metrics[c];
    CHECK(m.count == w.count);
    CHECK(m.missing == w.missing);
    CHECK((m.unseen_share == w.unseen_share || (std::isnan(m.unseen_share) && std::isnan(w.unseen_share))));
    CHECK(std::isnan(m.mean));
    CHECK(std::isnan(m.std));
    CHECK(std::isnan(m.min));
    CHECK(std::isnan(m.max));
    REQUIRE(off.scores[c].values.size() == on.scores[c].values.size());
    for (std::size_t k = 0; k < off.scores[c].values.size(); ++k) {
      const double a = off.scores[c].values[k].second, b = on.scores[c].values[k].second;
      CHECK(off.scores[c].values[k].first == on.scores[c].values[k].first);
      CHECK((a == b || (std::isnan(a) && std::isnan(b))));
    }
  }
}

/// Offset of the value_metrics byte: preamble 8, window 41, psi_epsilon 8, ks_pvalue_method 1.
constexpr std::size_t kValueMetricsOffset = 8 + 41 + 8 + 1;

}  // namespace

TEST_CASE("stream_monitor: value_metrics = false keeps no ECDF window for histogram-only columns",
          "[stream_monitor]") {
  const std::size_t n_ref = 600, n = 3000;
  const auto ref = make_rows(n_ref, 101);
  const auto rows = make_rows(n, 102, 1500);
  std::vector<std::int64_t> ts(n);
  for (std::size_t i = 0; i < n; ++i) ts[i] = static_cast<std::int64_t>(i * 7 + (i % 3));
  for (const ds::window_spec w :
       {ds::window_spec::sliding(300, 50), ds::window_spec::tumbling(250), ds::window_spec::time(2000, 500)}) {
    INFO("window " << ds::to_string(w.kind));
    ds::stream_monitor on(ref.data(), n_ref, histogram_only_columns(), with_value_metrics(w, true));
    ds::stream_monitor off(ref.data(), n_ref, histogram_only_columns(), with_value_metrics(w, false));
    CHECK(on.options().value_metrics);
    CHECK_FALSE(off.options().value_metrics);
    for (std::size_t c = 0; c < kWidth; ++c) {
      CHECK(off.ecdf(c) == nullptr);
      CHECK((on.ecdf(c) != nullptr) == (c < 2));
    }

    // the same scores and events at every evaluation point
    std::mt19937_64 g(static_cast<std::uint64_t>(w.kind) + 11);
    std::size_t at = 0, evaluations = 0;
    std::uint64_t last_end = 0;
    while (at < n) {
      const std::size_t len = std::min<std::size_t>(n - at, 1 + g() % 120);
      on.update_many(rows.data() + at * kWidth, len, kWidth, ts.data() + at);
      off.update_many(rows.data() + at * kWidth, len, kWidth, ts.data() + at);
      at += len;
      if (!on.snapshot().evaluated) continue;
      check_same_scores(off.snapshot(), on.snapshot());
      if (on.snapshot().end.index != last_end) ++evaluations;
      last_end = on.snapshot().end.index;
      check_same_scores(off.current(), on.current());
    }
    CHECK(evaluations > 5);
    CHECK(same_events(off.events(), on.events()));
    CHECK(on.events().size() > 0);
    const std::pair<const char*, ds::stream_statistic> histories[] = {
        {"x0", ds::stream_statistic::psi},
        {"x0", ds::stream_statistic::hellinger},
        {"x1", ds::stream_statistic::psi},
        {"c", ds::stream_statistic::psi},
        {"c", ds::stream_statistic::chi_square}};
    for (const auto& [col, stat] : histories) {
      INFO(col << " " << ds::to_string(stat));
      std::vector<std::uint64_t> ends_on, ends_off;
      const auto h_on = on.score_history(col, stat, &ends_on);
      const auto h_off = off.score_history(col, stat, &ends_off);
      CHECK(h_on.size() > 5);
      CHECK(ends_off == ends_on);
      REQUIRE(h_off.size() == h_on.size());
      for (std::size_t i = 0; i < h_on.size(); ++i)
        CHECK((h_off[i] == h_on[i] || (std::isnan(h_off[i]) && std::isnan(h_on[i]))));
    }

    // memory: no ECDF values (8 bytes each, plus the sorted view for sliding windows)
    if (w.kind != ds::window_kind::time) {
      CHECK(on.memory_bytes() >= off.memory_bytes() + 8 * w.size * 2);
      CHECK(on.column_memory_bytes(1) >= off.column_memory_bytes(1) + 8 * w.size);
    } else {
      CHECK(on.memory_bytes() > off.memory_bytes());
    }

    // bytes: version 3, the flag 0, and the copy continues identically
    const auto bytes = off.serialize();
    CHECK(bytes[5] == 3);
    CHECK(bytes[kValueMetricsOffset] == 0);
    CHECK(on.serialize()[kValueMetricsOffset] == 1);
    auto copy = ds::stream_monitor::deserialize(bytes.data(), bytes.size());
    CHECK_FALSE(copy.options().value_metrics);
    CHECK(copy.serialize() == bytes);
    CHECK(copy.ecdf(0) == nullptr);
    CHECK(same_snapshot(copy.snapshot(), off.snapshot()));
    const auto more = make_rows(700, 103, 0);
    std::vector<std::int64_t> more_ts(700);
    for (std::size_t i = 0; i < 700; ++i) more_ts[i] = ts[n - 1] + static_cast<std::int64_t>(i * 7);
    for (std::size_t i = 0; i < 700; i += 35) {
      copy.update_many(more.data() + i * kWidth, 35, kWidth, more_ts.data() + i);
      off.update_many(more.data() + i * kWidth, 35, kWidth, more_ts.data() + i);
      on.update_many(more.data() + i * kWidth, 35, kWidth, more_ts.data() + i);
      CHECK(same_snapshot(copy.snapshot(), off.snapshot()));
      check_same_scores(copy.snapshot(), on.snapshot());
    }
    CHECK(same_events(copy.events(), off.events()));
  }
}

TEST_CASE("stream_monitor: value_metrics = false merges tumbling monitors", "[stream_monitor]") {
  const std::size_t n_ref = 700;
  const auto ref = make_rows(n_ref, 111);
  const auto rows = make_rows(900, 112, 400);
  const auto off = with_value_metrics(ds::window_spec::tumbling(300), false);
  ds::stream_monitor whole(ref.data(), n_ref, histogram_only_columns(), off);
  ds::stream_monitor a(ref.data(), n_ref, histogram_only_columns(), off);
  ds::stream_monitor b(ref.data(), n_ref, histogram_only_columns(), off);
  ds::stream_monitor with(ref.data(), n_ref, histogram_only_columns(),
                          with_value_metrics(ds::window_spec::tumbling(300), true));
  whole.update_many(rows.data(), 250, kWidth);
  with.update_many(rows.data(), 250, kWidth);
  a.update_many(rows.data(), 100, kWidth);
  b.update_many(rows.data() + 100 * kWidth, 150, kWidth);
  a.merge(b);
  CHECK(a.rows_seen() == 250);
  CHECK(same_snapshot(a.current(), whole.current()));
  a.update_many(rows.data() + 250 * kWidth, 100, kWidth);
  whole.update_many(rows.data() + 250 * kWidth, 100, kWidth);
  with.update_many(rows.data() + 250 * kWidth, 100, kWidth);
  REQUIRE(a.snapshot().evaluated);
  CHECK(a.snapshot().end.index == 300);
  CHECK(same_snapshot(a.snapshot(), whole.snapshot()));
  check_same_scores(a.snapshot(), with.snapshot());
  // a monitor with value metrics is a different monitor
  require_throws_invalid([&] { a.merge(with); }, "differ");
}

TEST_CASE("stream_monitor: value_metrics = false keeps the ECDF window where ks / wasserstein need it",
          "[stream_monitor]") {
  const auto ref = make_rows(500, 121);
  const auto rows = make_rows(1200, 122, 600);
  auto cols = make_columns(false);
  cols[0].statistics = {ds::stream_statistic::psi, ds::stream_statistic::ks};
  cols[1].statistics = {ds::stream_statistic::wasserstein};
  for (const ds::window_spec w : {ds::window_spec::sliding(200, 50), ds::window_spec::tumbling(200)}) {
    INFO("window " << ds::to_string(w.kind));
    ds::stream_monitor on(ref.data(), 500, cols, with_value_metrics(w, true));
    ds::stream_monitor off(ref.data(), 500, cols, with_value_metrics(w, false));
    CHECK(off.ecdf(0) != nullptr);
    CHECK(off.ecdf(1) != nullptr);
    CHECK(off.ecdf(2) == nullptr);  // categorical
    for (std::size_t at = 0; at < 1200; at += 100) {
      on.update_many(rows.data() + at * kWidth, 100, kWidth);
      off.update_many(rows.data() + at * kWidth, 100, kWidth);
      CHECK(same_snapshot(off.snapshot(), on.snapshot()));
    }
    const auto& s = off.snapshot();
    REQUIRE(s.evaluated);
    for (std::size_t c = 0; c < 2; ++c) {
      CHECK(std::isfinite(s.metrics[c].mean));
      CHECK(std::isfinite(s.metrics[c].std));
      CHECK(std::isfinite(s.metrics[c].min));
      CHECK(std::isfinite(s.metrics[c].max));
    }
    check_snapshot(off, s, rows, 1000, 1200);
    CHECK(off.memory_bytes() == on.memory_bytes());
    const auto bytes = off.serialize();
    auto copy = ds::stream_monitor::deserialize(bytes.data(), bytes.size());
    CHECK(copy.ecdf(0) != nullptr);
    CHECK(copy.serialize() == bytes);
  }
  // decaying windows keep no ECDF window either way
  cols[0].statistics = cols[1].statistics = {ds::stream_statistic::psi};
  ds::stream_monitor dec(ref.data(), 500, cols, with_value_metrics(ds::window_spec::decaying(100, 40), false));
  dec.update_many(rows.data(), 400, kWidth);
  CHECK(dec.ecdf(0) == nullptr);
  const auto bytes = dec.serialize();
  CHECK(ds::stream_monitor::deserialize(bytes.data(), bytes.size()).serialize() == bytes);
}

TEST_CASE("stream_monitor: a corrupt value_metrics byte throws", "[stream_monitor]") {
  const auto ref = make_rows(200, 131);
  const auto rows = make_rows(120, 132);
  ds::stream_monitor off(ref.data(), 200, histogram_only_columns(),
                         with_value_metrics(ds::window_spec::sliding(50, 10), false));
  off.update_many(rows.data(), 120, kWidth);
  auto bytes = off.serialize();
  REQUIRE(bytes[kValueMetricsOffset] == 0);
  for (std::uint8_t v : {std::uint8_t{2}, std::uint8_t{255}}) {
    bytes[kValueMetricsOffset] = v;
    require_throws_invalid([&] { (void)ds::stream_monitor::deserialize(bytes.data(), bytes.size()); },
                           "value_metrics must be 0 or 1");
  }
  // flag 1 without the ECDF windows it implies
  bytes[kValueMetricsOffset] = 1;
  require_throws_invalid([&] { (void)ds::stream_monitor::deserialize(bytes.data(), bytes.size()); },
                         "ECDF window presence");
  // and flag 0 with them
  ds::stream_monitor on(ref.data(), 200, histogram_only_columns(),
                        with_value_metrics(ds::window_spec::sliding(50, 10), true));
  on.update_many(rows.data(), 120, kWidth);
  auto on_bytes = on.serialize();
  REQUIRE(on_bytes[kValueMetricsOffset] == 1);
  on_bytes[kValueMetricsOffset] = 0;
  require_throws_invalid([&] { (void)ds::stream_monitor::deserialize(on_bytes.data(), on_bytes.size()); },
                         "ECDF window presence");
}
