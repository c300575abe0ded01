#pragma once
/// @file
/// @brief shadow_regression: a regression model in shadow mode beside the live one (or a
/// human's estimate), compared request by request on the differences d = shadow − live, and,
/// once labels arrive, on the difference of their squared errors.
///
/// | function             | definition                                                   | matches |
/// |----------------------|--------------------------------------------------------------|---------|
/// | paired_t(conf)       | t = d̄ / (s_d / √n), df = n − 1, two-sided p; d̄ ± t_{(1+conf)/2, n−1} s_d / √n | scipy.stats.ttest_rel(shadow, live) and its confidence_interval |
/// | bland_altman()       | bias d̄, limits of agreement d̄ ± 1.96 s_d (Bland & Altman 1986) | by definition |
/// | wilcoxon()           | signed-rank test of the kept differences: zeros dropped (zero_method 'wilcox'), average ranks, statistic min(R+, R−); exact null distribution for n ≤ 50 without ties or zeros; with ties or zeros an exact enumeration of the 2^m sign flips for n ≤ 13; else the normal approximation with the tie correction, no continuity correction | scipy.stats.wilcoxon(shadow − live) defaults |
/// | loss_difference()    | L = (live − y)² − (shadow − y)² per labelled record (positive: the shadow is better); paired t as above (= ttest_rel(live_loss, shadow_loss)) and Diebold–Mariano (1995) for one-step forecasts: DM = L̄ / √(γ̂₀ / n), γ̂₀ the population variance, two-sided normal p | ttest_rel; DM by its definition |
/// | output_psi(options)  | PSI of the kept shadow outputs against the kept live outputs (live = reference: bins from its deciles by default, proportions clipped at ε = 1e-4) | driftscope::psi(live, shadow) (stats/psi.hpp; numpy-checked) |
/// | output_ks()          | two-sample Kolmogorov–Smirnov test of the kept live and shadow outputs | scipy.stats.ks_2samp(live, shadow) (stats/ks.hpp) |
///
/// Moments are streaming (Welford, Chan merge), O(1) memory; the signed-rank test and the
/// output-drift tests need the outputs themselves: the most recent `window` records'
/// (live, shadow) outputs are kept in two rings (16 bytes per record, so at most 16 × window
/// bytes: 1.6 MB at the default 100,000), and wilcoxon(), output_psi() and output_ks() test
/// those (all of them while fewer were seen; the signed-rank test's differences are
/// shadow − live of the kept pairs, computed as add() computes them). The rings grow by
/// doubling up to `window`, then overwrite the oldest: no allocation per record after that.
/// Empty or constant inputs give defined values: fewer than 2 differences →
/// std::domain_error; s_d = 0 → t = ±inf with p 0 when d̄ ≠ 0, t = 0 with p 1 when d̄ = 0
/// (scipy gives NaN there); output_psi / output_ks without records → std::domain_error.
///
/// Latency and errors per arm (`add_latency(arm, seconds)`, `add_error(arm)`, `stats(arm)`,
/// `latency_difference(q)`): see deploy/shadow_arms.hpp.
///
/// Mergeable (moments combined, the other's kept records appended in their order and the
/// most recent `window` kept, per-arm state added) and serializable:
///
/// ## Serialized format (version 1), little-endian
/// | size  | field                                                          |
/// |-------|----------------------------------------------------------------|
/// | 8     | preamble "DSSR", family 50, version 1, flags 0, reserved 0     |
/// | 8     | window W (u64, >= 1)                                           |
/// | 56    | moments of the differences shadow − live ("DSMO", no missing)  |
/// | 56    | moments of the loss differences ("DSMO", no missing; count <= the differences') |
/// | 8     | m: records kept (u64, <= min(W, records))                      |
/// | 8 m   | live outputs kept, oldest first (f64, finite)                  |
/// | 8 m   | shadow outputs kept, oldest first (f64, finite)                |
/// | var   | the per-arm block of deploy/shadow_arms.hpp                    |

#include <driftscope/core/bytes.hpp>
#include <driftscope/core/error.hpp>
#include <driftscope/deploy/shadow_arms.hpp>
#include <driftscope/sketch/moments.hpp>
#include <driftscope/stats/ks.hpp>
#include <driftscope/stats/psi.hpp>
#include <driftscope/stats/ttest_ind.hpp>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

namespace driftscope {

/// @brief A paired t test with the confidence interval of the mean difference.
struct paired_t_result {
  double mean = 0;       ///< mean difference
  double statistic = 0;  ///< t
  double df = 0;
  double pvalue = 1;
  double lower = 0, upper = 0;  ///< confidence interval of the mean difference
};

/// @brief Bland–Altman bias and limits of agreement.
struct bland_altman_result {
  double bias = 0, lower = 0, upper = 0, sd = 0;
};

/// @brief A signed-rank test.
struct wilcoxon_result {
  double statistic = 0;  ///< min(R+, R−)
  double pvalue = 1;
  std::size_t n = 0;     ///< non-zero differences tested
  bool exact = false;
};

/// @brief The loss difference of the two sides on labelled records.
struct loss_difference_result {
  paired_t_result paired_t;      ///< of L = live loss − shadow loss
  double dm_statistic = 0;       ///< Diebold–Mariano
  double dm_pvalue = 1;
  std::uint64_t labelled = 0;
};

/// @brief Shadow-mode comparison of two regressors (see the file comment).
class shadow_regression {
 public:
  static constexpr std::uint8_t serial_family = 50;
  static constexpr std::uint8_t serial_version = 1;

  /// @param window records whose outputs are kept for the signed-rank and output-drift
  /// tests (>= 1; 16 bytes each).
  /// @param latency_accuracy α of the per-arm latency sketches, in [1e-6, 1).
  /// @throws std::invalid_argument for a window of 0 or α out of range.
  explicit shadow_regression(std::size_t window = 100000, double latency_accuracy = 0.01)
      : capacity_(window), arms_(latency_accuracy, "shadow_regression") {
    if (capacity_ == 0) detail::throw_invalid_argument("shadow_regression: window must be >= 1, got 0");
  }

  /// @brief One request's outputs. O(1); no allocation once `window` records were seen.
  /// @throws std::invalid_argument for NaN / inf (naming the side).
  void add(double live, double shadow) {
    check(live, "live");
    check(shadow, "shadow");
    diff_.update(shadow - live);
    keep(live, shadow);
  }
  /// @brief One request with its label.
  void add(double live, double shadow, double label) {
    check(label, "label");
    add(live, shadow);
    const double el = live - label, es = shadow - label;
    loss_.update(el * el - es * es);
  }

  std::uint64_t n() const noexcept { return diff_.count(); }
  /// The `window` of the constructor.
  std::size_t window() const noexcept { return capacity_; }
  /// Records whose outputs are kept (min(window, n) unless merged from smaller windows).
  std::size_t kept() const noexcept { return live_.size(); }
  std::uint64_t labelled() const noexcept { return loss_.count(); }
  const moments& differences() const noexcept { return diff_; }

  /// @brief Paired t test of the mean difference (scipy ttest_rel(shadow, live)).
  /// @throws std::domain_error with fewer than 2 records; std::invalid_argument for a confidence outside (0, 1).
  paired_t_result paired_t(double confidence = 0.95) const { return paired(diff_, confidence, "paired_t"); }

  /// @brief Bias and 95 % limits of agreement. @throws std::domain_error with fewer than 2 records.
  bland_altman_result bland_altman() const {
    need(diff_, "bland_altman");
    bland_altman_result r;
    r.bias = diff_.mean();
    r.sd = diff_.std(1);
    r.lower = r.bias - 1.96 * r.sd;
    r.upper = r.bias + 1.96 * r.sd;
    return r;
  }

  /// @brief Wilcoxon signed-rank test of the kept differences (scipy.stats.wilcoxon defaults).
  /// @throws std::domain_error when no difference is non-zero.
  wilcoxon_result wilcoxon() const {
    std::vector<double> d;
    std::size_t zeros = 0;
    for (std::size_t i = 0; i < live_.size(); ++i) {
      const double v = shadow_[i] - live_[i];
      if (v == 0) ++zeros;
      else d.push_back(v);
    }
    const std::size_t m = d.size(), total = live_.size();
    if (m == 0) detail::throw_domain_error("shadow_regression::wilcoxon: no non-zero differences");
    // average ranks of |d| and the tie sizes
    std::vector<std::size_t> order(m);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return std::fabs(d[a]) < std::fabs(d[b]); });
    std::vector<double> rank(m);
    double tie_term = 0;
    bool ties = false;
    for (std::size_t i = 0; i < m;) {
      std::size_t j = i;
      while (j + 1 < m && std::fabs(d[order[j + 1]]) == std::fabs(d[order[i]])) ++j;
      const double avg = 0.5 * static_cast<double>(i + j) + 1.0;
      for (std::size_t k = i; k <= j; ++k) rank[order[k]] = avg;
      const double t = static_cast<double>(j - i + 1);
      if (t > 1) ties = true;
      tie_term += t * t * t - t;
      i = j + 1;
    }
    double r_plus = 0, r_minus = 0;
    for (std::size_t i = 0; i < m; ++i) (d[i] > 0 ? r_plus : r_minus) += rank[i];
    wilcoxon_result out;
    out.n = m;
    out.statistic = std::min(r_plus, r_minus);
    const double dm = static_cast<double>(m);
    if (total <= 50 && !ties && zeros == 0) {
      // exact null distribution of R+: the number of subsets of {1..m} with each sum
      const auto top = static_cast<std::size_t>(m * (m + 1) / 2);
      std::vector<double> count(top + 1, 0.0);
      count[0] = 1;
      for (std::size_t r = 1; r <= m; ++r)
        for (std::size_t s = top; s >= r; --s) count[s] += count[s - r];
      const double all = std::ldexp(1.0, static_cast<int>(m));
      const auto k = static_cast<std::size_t>(std::llround(r_plus));
      double le = 0, ge = 0;
      for (std::size_t s = 0; s <= top; ++s) (s <= k ? le : ge) += count[s];
      ge += count[k];  // P(T >= k) includes k
      out.pvalue = std::min(1.0, 2 * std::min(le, ge) / all);
      out.exact = true;
    } else if (total <= 13) {
      // ties or zeros: every sign flip of the non-zero differences (scipy's exact permutation test)
      const std::size_t flips = std::size_t{1} << m;
      std::size_t le = 0, ge = 0;
      const double tol = 1e-12 * std::max(1.0, r_plus);
      for (std::size_t mask = 0; mask < flips; ++mask) {
        double s = 0;
        for (std::size_t i = 0; i < m; ++i)
          if (mask >> i & 1u) s += rank[i];
        le += s <= r_plus + tol;
        ge += s >= r_plus - tol;
      }
      out.pvalue = std::min(1.0, 2.0 * static_cast<double>(std::min(le, ge)) / static_cast<double>(flips));
      out.exact = true;
    } else {
      const double mean = dm * (dm + 1) / 4;
      const double se = std::sqrt((dm * (dm + 1) * (2 * dm + 1) - tie_term / 2) / 24);
      const double z = (r_plus - mean) / se;
      out.pvalue = std::min(1.0, 2 * boost::math::cdf(boost::math::complement(boost::math::normal(), std::fabs(z))));
    }
    return out;
  }

  /// @brief The squared-loss difference on the labelled records: paired t and Diebold–Mariano.
  /// @throws std::domain_error with fewer than 2 labelled records.
  loss_difference_result loss_difference(double confidence = 0.95) const {
    loss_difference_result r;
    r.paired_t = paired(loss_, confidence, "loss_difference");
    r.labelled = loss_.count();
    const double var_pop = loss_.variance(0);
    const double mean = loss_.mean();
    if (var_pop > 0) {
      r.dm_statistic = mean / std::sqrt(var_pop / static_cast<double>(loss_.count()));
      r.dm_pvalue = 2 * boost::math::cdf(boost::math::complement(boost::math::normal(), std::fabs(r.dm_statistic)));
    } else if (mean != 0) {
      r.dm_statistic = mean > 0 ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
      r.dm_pvalue = 0;
    }
    return r;
  }

  // --- output drift between the arms ------------------------------------------------

  /// @brief PSI of the kept shadow outputs against the kept live outputs (the live ones are
  /// the reference: by default bins at their deciles, numpy.quantile 'linear'; each
  /// proportion clipped at options.epsilon). Equals driftscope::psi(live, shadow, options).
  /// O(m log m), allocating the sorted copies and the counts.
  /// @throws std::domain_error without records; std::invalid_argument for invalid options.
  double output_psi(const psi_options& options = {}) const {
    if (live_.empty()) detail::throw_domain_error("shadow_regression::output_psi: no records");
    return psi(live_.data(), live_.size(), shadow_.data(), shadow_.size(), options).statistic;
  }

  /// @brief scipy.stats.ks_2samp(live, shadow) on the kept outputs (two-sided, method 'auto':
  /// exact up to 10,000 kept records). O(m log m). @throws std::domain_error without records.
  ks_result output_ks() const {
    if (live_.empty()) detail::throw_domain_error("shadow_regression::output_ks: no records");
    return ks_2samp(live_.data(), live_.size(), shadow_.data(), shadow_.size());
  }

  /// The kept live / shadow outputs, oldest first (a copy: the rings are rotated).
  std::vector<double> kept_live() const { return in_order(live_); }
  std::vector<double> kept_shadow() const { return in_order(shadow_); }

  // --- latency and errors per arm (deploy/shadow_arms.hpp) -------------------------

  /// @brief One request answered by `arm` in `seconds`. O(1).
  /// @throws std::invalid_argument for an unknown arm or a NaN, negative or infinite latency.
  void add_latency(shadow_arm arm, double seconds) { arms_.add_latency(arm, seconds, "shadow_regression::add_latency"); }
  /// @brief `n` latencies of `arm`, all or nothing. @throws std::invalid_argument naming the first bad index.
  void add_latencies(shadow_arm arm, const double* seconds, std::size_t n) {
    arms_.add_latencies(arm, seconds, n, "shadow_regression::add_latencies");
  }
  /// @brief `count` requests `arm` failed (recorded without a latency). O(1).
  void add_error(shadow_arm arm, std::uint64_t count = 1) { arms_.add_error(arm, count, "shadow_regression::add_error"); }
  /// @brief Requests, errors, error rate, latency mean / p50 / p90 / p99 of `arm`.
  /// @throws std::domain_error when the arm has no request.
  arm_stats stats(shadow_arm arm) const { return arms_.stats(arm, "shadow_regression::stats"); }
  /// @brief Shadow's latency q-quantile − live's (within α (x_live + x_shadow)).
  /// @throws std::invalid_argument for q outside [0, 1]; std::domain_error when an arm has no latency.
  double latency_difference(double q) const { return arms_.latency_difference(q, "shadow_regression::latency_difference"); }
  const shadow_arms& arms() const noexcept { return arms_; }

  /// @brief Adds `other`'s records (its kept outputs appended oldest first, the most recent
  /// `window` kept) and per-arm state.
  /// @throws std::invalid_argument when the latency accuracies differ (nothing changed).
  void merge(const shadow_regression& other) {
    arms_.merge(other.arms_, "shadow_regression::merge");
    diff_.merge(other.diff_);
    loss_.merge(other.loss_);
    const std::vector<double> l = other.kept_live(), h = other.kept_shadow();
    for (std::size_t i = 0; i < l.size(); ++i) keep(l[i], h[i]);
  }

  std::vector<std::uint8_t> serialize() const {
    std::vector<std::uint8_t> out;
    detail::byte_writer w(out);
    detail::write_preamble(w, "DSSR", serial_family, serial_version);
    w.put_zeros(2);
    w.put(static_cast<std::uint64_t>(capacity_));
    for (const moments* m : {&diff_, &loss_}) {
      const std::vector<std::uint8_t> b = m->serialize();
      w.put_array(b.data(), b.size());
    }
    w.put(static_cast<std::uint64_t>(live_.size()));
    const std::vector<double> l = kept_live(), h = kept_shadow();
    w.put_array(l.data(), l.size());
    w.put_array(h.data(), h.size());
    arms_.write(w);
    return out;
  }

  /// @throws std::out_of_range (truncated), std::invalid_argument (corrupt).
  static shadow_regression deserialize(const void* data, std::size_t size) {
    static constexpr const char* fn = "shadow_regression::deserialize";
    detail::byte_reader rd(data, size, fn);
    detail::read_preamble(rd, "DSSR", serial_family, serial_version, fn, "shadow_regression");
    if (rd.get<std::uint8_t>("flags") != 0 || rd.get<std::uint8_t>("reserved") != 0)
      detail::throw_invalid_argument("{}: flag bytes must be 0", fn);
    const auto window = rd.get<std::uint64_t>("window");
    if (window == 0 || window > std::numeric_limits<std::size_t>::max())
      detail::throw_invalid_argument("{}: window must be >= 1, got {}", fn, window);
    shadow_regression s(static_cast<std::size_t>(window));
    for (moments* m : {&s.diff_, &s.loss_}) {
      rd.require(moments::serialized_bytes, "moments");
      *m = moments::deserialize(static_cast<const std::uint8_t*>(data) + rd.position(), moments::serialized_bytes);
      rd.skip(moments::serialized_bytes, "moments");
      if (m->missing() != 0) detail::throw_invalid_argument("{}: the moments count {} missing values", fn, m->missing());
    }
    if (s.loss_.count() > s.diff_.count())
      detail::throw_invalid_argument("{}: {} labelled of {} records", fn, s.loss_.count(), s.diff_.count());
    const auto m = rd.get<std::uint64_t>("records kept");
    if (m > window || m > s.diff_.count())
      detail::throw_invalid_argument("{}: {} records kept, more than the window {} or the records {}", fn, m, window,
                                     s.diff_.count());
    rd.require_array(m, 16, "kept outputs");  // before allocating for them
    s.live_.resize(static_cast<std::size_t>(m));
    s.shadow_.resize(static_cast<std::size_t>(m));
    rd.get_array(s.live_.data(), s.live_.size(), "kept live outputs");
    rd.get_array(s.shadow_.data(), s.shadow_.size(), "kept shadow outputs");
    for (std::size_t i = 0; i < s.live_.size(); ++i)
      if (!std::isfinite(s.live_[i]) || !std::isfinite(s.shadow_[i]))
        detail::throw_invalid_argument("{}: kept record {} is not finite", fn, i);
    s.arms_ = shadow_arms::read(rd, data, fn);
    if (rd.remaining() != 0) detail::throw_invalid_argument("{}: {} trailing bytes", fn, rd.remaining());
    return s;
  }

 private:
  void keep(double live, double shadow) {
    if (live_.size() < capacity_) {
      live_.push_back(live);
      shadow_.push_back(shadow);
      return;
    }
    live_[head_] = live;
    shadow_[head_] = shadow;
    if (++head_ == capacity_) head_ = 0;
  }
  std::vector<double> in_order(const std::vector<double>& ring) const {
    std::vector<double> out;
    out.reserve(ring.size());
    out.insert(out.end(), ring.begin() + static_cast<std::ptrdiff_t>(head_), ring.end());
    out.insert(out.end(), ring.begin(), ring.begin() + static_cast<std::ptrdiff_t>(head_));
    return out;
  }
  static void check(double v, const char* side) {
    if (!std::isfinite(v)) detail::throw_invalid_argument("shadow_regression: {} must be finite, got {}", side, v);
  }
  static void need(const moments& m, const char* what) {
    if (m.count() < 2)
      detail::throw_domain_error("shadow_regression::{}: needs at least 2 records, got {}", what, m.count());
  }
  static paired_t_result paired(const moments& m, double confidence, const char* what) {
    need(m, what);
    if (!(confidence > 0 && confidence < 1))
      detail::throw_invalid_argument("shadow_regression::{}: confidence must be in (0, 1), got {}", what, confidence);
    paired_t_result r;
    const double n = static_cast<double>(m.count());
    r.mean = m.mean();
    r.df = n - 1;
    const double se = m.std(1) / std::sqrt(n);
    if (se > 0) {
      r.statistic = r.mean / se;
      r.pvalue = ttest_pvalue(r.statistic, r.df, alternative::two_sided);
    } else if (r.mean != 0) {
      r.statistic = r.mean > 0 ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
      r.pvalue = 0;
    }
    const double q = boost::math::quantile(boost::math::students_t_distribution<double>(r.df), 0.5 + confidence / 2);
    r.lower = r.mean - q * se;
    r.upper = r.mean + q * se;
    return r;
  }

  std::size_t capacity_;
  moments diff_, loss_;
  std::vector<double> live_, shadow_;  // rings of the kept outputs; head_ is the oldest once full
  std::size_t head_ = 0;
  shadow_arms arms_;
};

}  // namespace driftscope
