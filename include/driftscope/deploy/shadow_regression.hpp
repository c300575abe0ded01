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
/// Moments are streaming (Welford, Chan merge), O(1) memory; the signed-rank test needs the
/// differences themselves: the most recent `wilcoxon_capacity` are kept (8 bytes each), and
/// wilcoxon() tests those (all of them while fewer were seen). Empty or constant inputs give
/// defined values: fewer than 2 differences → std::domain_error; s_d = 0 → t = ±inf with p 0
/// when d̄ ≠ 0, t = 0 with p 1 when d̄ = 0 (scipy gives NaN there).
/// Mergeable (the kept differences are concatenated, the most recent kept).

#include <driftscope/core/error.hpp>
#include <driftscope/sketch/moments.hpp>
#include <driftscope/stats/ttest_ind.hpp>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <deque>
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
  /// @param wilcoxon_capacity differences kept for the signed-rank test (>= 1).
  /// @throws std::invalid_argument for a capacity of 0.
  explicit shadow_regression(std::size_t wilcoxon_capacity = 100000) : capacity_(wilcoxon_capacity) {
    if (capacity_ == 0) detail::throw_invalid_argument("shadow_regression: wilcoxon_capacity must be >= 1, got 0");
  }

  /// @brief One request's outputs. @throws std::invalid_argument for NaN / inf (naming the side).
  void add(double live, double shadow) {
    check(live, "live");
    check(shadow, "shadow");
    const double d = shadow - live;
    diff_.update(d);
    if (kept_.size() == capacity_) kept_.pop_front();
    kept_.push_back(d);
  }
  /// @brief One request with its label.
  void add(double live, double shadow, double label) {
    check(label, "label");
    add(live, shadow);
    const double el = live - label, es = shadow - label;
    loss_.update(el * el - es * es);
  }

  std::uint64_t n() const noexcept { return diff_.count(); }
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
    for (double v : kept_) {
      if (v == 0) ++zeros;
      else d.push_back(v);
    }
    const std::size_t m = d.size(), total = kept_.size();
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

  /// @brief Adds `other`'s records (kept differences appended, the most recent kept).
  void merge(const shadow_regression& other) {
    diff_.merge(other.diff_);
    loss_.merge(other.loss_);
    for (double v : other.kept_) {
      if (kept_.size() == capacity_) kept_.pop_front();
      kept_.push_back(v);
    }
  }

 private:
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
  std::deque<double> kept_;
};

}  // namespace driftscope
