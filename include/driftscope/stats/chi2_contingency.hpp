#pragma once
/// @file
/// @brief Chi-square test of independence on an r x k contingency table, matching
/// scipy.stats.chi2_contingency (scipy 1.17, 2-D tables, no `method`), plus two
/// categorical drift helpers built on it: the pooled two-proportion z-test
/// (statsmodels.stats.proportion.proportions_ztest) and Cramér's V
/// (scipy.stats.contingency.association(method='cramer')).
///
/// chi2_contingency definition: expected[i][j] = row_sum[i] * col_sum[j] / total,
/// dof = (r - 1)(k - 1). dof == 0 gives statistic 0 and p-value 1. When dof == 1 and
/// `correction`, Yates' continuity correction moves every observed count towards its
/// expected value by min(0.5, |expected - observed|). The statistic is the Cressie-Read
/// power divergence (Cressie & Read 1984) as in scipy.stats.power_divergence:
///   lambda 1:  sum (o - e)^2 / e                 (Pearson, the default)
///   lambda 0:  2 sum o log(o / e)                (G-test, "log-likelihood"; 0 log 0 = 0)
///   lambda -1: 2 sum e log(e / o)                ("mod-log-likelihood")
///   otherwise  sum o ((o / e)^lambda - 1) / (lambda (lambda + 1) / 2)
/// and the p-value is the chi-square(dof) survival function (Boost.Math complement cdf).
/// Counts may be non-integer, as scipy. Negative or non-finite counts, an empty table and a
/// zero expected frequency (an all-zero row or column) throw std::invalid_argument (scipy:
/// ValueError; scipy propagates NaN, we reject it).
///
/// Cost: O(r k), one allocation for expected_freq in the result.

#include <driftscope/core/error.hpp>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/policies/policy.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string_view>
#include <vector>

namespace driftscope {

/// @brief scipy's names for the power-divergence lambda: "pearson" 1, "log-likelihood" 0,
/// "freeman-tukey" -1/2, "mod-log-likelihood" -1, "neyman" -2, "cressie-read" 2/3.
/// @throws std::invalid_argument for any other name.
inline double parse_power_divergence_lambda(std::string_view s);

struct chi2_contingency_options {
  bool correction = true;  ///< Yates' correction when dof == 1
  double lambda = 1.0;     ///< power-divergence lambda (1: Pearson)
  /// @throws std::invalid_argument if lambda is not finite.
  inline void validate() const;
};

struct chi2_contingency_result {
  double statistic = 0;
  double pvalue = 1;
  std::size_t dof = 0;
  std::size_t rows = 0, cols = 0;
  std::vector<double> expected_freq;  ///< rows x cols, row-major
};

/// @brief scipy.stats.chi2_contingency on a row-major rows x cols table (T = any
/// arithmetic type). @throws std::invalid_argument (see file comment).
template <class T>
chi2_contingency_result chi2_contingency(const T* observed, std::size_t rows, std::size_t cols,
                                         const chi2_contingency_options& options = {});

/// Result of two_proportion_ztest.
struct ztest_result {
  double statistic = 0;
  double pvalue = 1;
};

/// @brief Pooled two-sample z-test for equal proportions, as
/// statsmodels.stats.proportion.proportions_ztest([count_ref, count_cur], [n_ref, n_cur]):
/// z = (c1/n1 - c2/n2) / sqrt(p (1 - p) (1/n1 + 1/n2)), p = (c1 + c2) / (n1 + n2), two-sided
/// p-value 2 * Phi(-|z|). When p is 0 or 1 both are NaN (0/0), as statsmodels.
/// @throws std::invalid_argument unless n_ref, n_cur > 0 and 0 <= count <= n (statsmodels
/// does not check).
inline ztest_result two_proportion_ztest(double count_ref, double n_ref, double count_cur, double n_cur);

/// @brief Cramér's V = sqrt(chi2 / (n (min(r, k) - 1))), chi2 the Pearson statistic without
/// Yates' correction, as scipy.stats.contingency.association(observed, method='cramer').
/// @throws std::invalid_argument as chi2_contingency, and for min(rows, cols) < 2 (scipy
/// returns NaN or inf there).
template <class T>
double cramers_v(const T* observed, std::size_t rows, std::size_t cols);

// ===================================================================================
// Implementation
// ===================================================================================

namespace detail::categorical {

/// Boost.Math policy as scipy's: no promotion of double to long double.
using scipy_stats_policy =
    boost::math::policies::policy<boost::math::policies::promote_float<false>,
                                  boost::math::policies::promote_double<false>>;

/// chi-square(dof) survival function at x >= 0 (scipy.special.chdtrc); NaN passes.
inline double chi2_sf(double x, double dof) {
  if (std::isnan(x)) return x;
  if (x == std::numeric_limits<double>::infinity()) return 0.0;
  if (x <= 0) return 1.0;
  return boost::math::cdf(boost::math::complement(boost::math::chi_squared_distribution<double, scipy_stats_policy>(dof), x));
}

/// x log y with 0 log y = 0 (scipy.special.xlogy).
inline double xlogy(double x, double y) {
  if (x == 0 && !std::isnan(y)) return 0.0;
  return x * std::log(y);
}

}  // namespace detail::categorical

inline double parse_power_divergence_lambda(std::string_view s) {
  if (s == "pearson") return 1.0;
  if (s == "log-likelihood") return 0.0;
  if (s == "freeman-tukey") return -0.5;
  if (s == "mod-log-likelihood") return -1.0;
  if (s == "neyman") return -2.0;
  if (s == "cressie-read") return 2.0 / 3.0;
  detail::throw_invalid_argument(
      "chi2_contingency: lambda_ must be one of 'pearson', 'log-likelihood', 'freeman-tukey', "
      "'mod-log-likelihood', 'neyman', 'cressie-read' or a number, got '{}'",
      s);
}

inline void chi2_contingency_options::validate() const {
  if (!std::isfinite(lambda)) detail::throw_invalid_argument("chi2_contingency: lambda_ must be finite, got {}", lambda);
}

template <class T>
chi2_contingency_result chi2_contingency(const T* observed, std::size_t rows, std::size_t cols,
                                         const chi2_contingency_options& options) {
  options.validate();
  const std::size_t size = rows * cols;
  if (size == 0)
    detail::throw_invalid_argument("chi2_contingency: no data; observed has size 0 (shape {} x {})", rows, cols);
  for (std::size_t i = 0; i < size; ++i) {
    const double v = static_cast<double>(observed[i]);
    if (!std::isfinite(v))
      detail::throw_invalid_argument("chi2_contingency: observed must be finite, got {} at ({}, {})", v, i / cols,
                                     i % cols);
    if (v < 0)
      detail::throw_invalid_argument("chi2_contingency: all values in observed must be nonnegative, got {} at ({}, {})",
                                     v, i / cols, i % cols);
  }
  chi2_contingency_result r;
  r.rows = rows;
  r.cols = cols;
  r.expected_freq.resize(size);
  // margins; integer counts are summed exactly, so the order does not matter
  thread_local std::vector<double> col_sum;
  col_sum.assign(cols, 0.0);
  double total = 0;
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) col_sum[j] += static_cast<double>(observed[i * cols + j]);
  for (std::size_t i = 0; i < rows; ++i) {
    double row_sum = 0;
    for (std::size_t j = 0; j < cols; ++j) row_sum += static_cast<double>(observed[i * cols + j]);
    for (std::size_t j = 0; j < cols; ++j) r.expected_freq[i * cols + j] = row_sum * col_sum[j];
  }
  for (std::size_t i = 0; i < size; ++i) total += static_cast<double>(observed[i]);
  for (std::size_t i = 0; i < size; ++i) {
    r.expected_freq[i] /= total;
    if (!(r.expected_freq[i] > 0))  // also catches total == 0 (NaN)
      detail::throw_invalid_argument(
          "chi2_contingency: the table of expected frequencies has a zero element at ({}, {})", i / cols, i % cols);
  }
  r.dof = (rows - 1) * (cols - 1);
  if (r.dof == 0) {
    r.statistic = 0.0;
    r.pvalue = 1.0;
    return r;
  }
  const bool yates = r.dof == 1 && options.correction;
  const double lambda = options.lambda;
  const double scale = 0.5 * lambda * (lambda + 1);
  double stat = 0;
  for (std::size_t i = 0; i < size; ++i) {
    const double e = r.expected_freq[i];
    double o = static_cast<double>(observed[i]);
    if (yates) {
      // move o towards e by at most 0.5 (sign(e - o) * min(0.5, |e - o|))
      const double diff = e - o;
      const double mag = std::min(0.5, std::fabs(diff));
      o = o + (diff > 0 ? mag : diff < 0 ? -mag : 0.0);
    }
    double term;
    if (lambda == 1) {
      const double d = o - e;
      term = d * d / e;
    } else if (lambda == 0) {
      term = 2.0 * detail::categorical::xlogy(o, o / e);
    } else if (lambda == -1) {
      term = 2.0 * detail::categorical::xlogy(e, e / o);
    } else {
      term = o * (std::pow(o / e, lambda) - 1) / scale;
    }
    stat += term;
  }
  r.statistic = stat;
  r.pvalue = detail::categorical::chi2_sf(stat, static_cast<double>(r.dof));
  return r;
}

inline ztest_result two_proportion_ztest(double count_ref, double n_ref, double count_cur, double n_cur) {
  if (!(n_ref > 0) || !std::isfinite(n_ref))
    detail::throw_invalid_argument("two_proportion_ztest: n_ref must be > 0, got {}", n_ref);
  if (!(n_cur > 0) || !std::isfinite(n_cur))
    detail::throw_invalid_argument("two_proportion_ztest: n_cur must be > 0, got {}", n_cur);
  if (!(count_ref >= 0 && count_ref <= n_ref))
    detail::throw_invalid_argument("two_proportion_ztest: count_ref must be in [0, n_ref = {}], got {}", n_ref,
                                   count_ref);
  if (!(count_cur >= 0 && count_cur <= n_cur))
    detail::throw_invalid_argument("two_proportion_ztest: count_cur must be in [0, n_cur = {}], got {}", n_cur,
                                   count_cur);
  // the operations of statsmodels' proportions_ztest / _zstat_generic2
  const double diff = count_ref * 1. / n_ref - count_cur * 1. / n_cur;
  const double p_pooled = (count_ref + count_cur) * 1. / (n_ref + n_cur);
  const double nobs_fact = 1. / n_ref + 1. / n_cur;
  const double var = p_pooled * (1 - p_pooled) * nobs_fact;
  ztest_result r;
  r.statistic = diff / std::sqrt(var);
  if (std::isnan(r.statistic)) {
    r.pvalue = r.statistic;
  } else {
    const double a = std::fabs(r.statistic);
    r.pvalue = a == std::numeric_limits<double>::infinity()
                   ? 0.0
                   : 2 * boost::math::cdf(boost::math::complement(
                             boost::math::normal_distribution<double, detail::categorical::scipy_stats_policy>(), a));
  }
  return r;
}

template <class T>
double cramers_v(const T* observed, std::size_t rows, std::size_t cols) {
  if (rows < 2 || cols < 2)
    detail::throw_invalid_argument("cramers_v: observed must have at least 2 rows and 2 columns, got {} x {}", rows,
                                   cols);
  const chi2_contingency_result c = chi2_contingency(observed, rows, cols, chi2_contingency_options{false, 1.0});
  double n = 0;
  for (std::size_t i = 0; i < rows * cols; ++i) n += static_cast<double>(observed[i]);
  const double phi2 = c.statistic / n;
  return std::sqrt(phi2 / static_cast<double>(std::min(rows, cols) - 1));
}

}  // namespace driftscope
