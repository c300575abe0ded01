#pragma once
/// @file
/// @brief Two-sample t-test (Student's and Welch's), matching scipy.stats.ttest_ind
/// (scipy 1.17, 1-D input, trim=0, method=None).
///
/// Definition: with sample means m1, m2 and unbiased variances v1, v2 (ddof = 1),
///  - Student (equal_var): df = n1 + n2 - 2, s² = ((n1-1)v1 + (n2-1)v2) / df,
///    se = sqrt(s² (1/n1 + 1/n2)); a sample of size 1 contributes variance 0 (scipy);
///  - Welch: se = sqrt(v1/n1 + v2/n2), df by the Welch–Satterthwaite equation
///    (v1/n1 + v2/n2)² / ((v1/n1)²/(n1-1) + (v2/n2)²/(n2-1)), NaN replaced by 1 (scipy);
///  t = (m1 - m2) / se, p from Student's t with df (Boost.Math): 'less' F(t),
///  'greater' F(-t), 'two-sided' 2·F(-|t|).
/// Means and variances are computed as numpy does (pairwise summation, var =
/// mean((x - m)²) · n/(n-1)), so degenerate data reproduce scipy: equal constant samples
/// give t = NaN (0/0) or 0 when rounding leaves a tiny variance, different constants ±inf
/// with p = 0, n1 = n2 = 1 gives NaN.
///
/// Missing values (nan_policy): 'propagate' returns statistic, p-value and df NaN,
/// 'raise' throws, 'omit' drops NaN. Empty input (or empty after omitting NaN) throws
/// std::invalid_argument (scipy returns NaN with a warning).
/// Not provided: scipy's trim, method (permutation / Monte Carlo), axis, keepdims.
///
/// Cost: two pairwise-summation passes over each sample, no allocation.

#include <driftscope/core/alternative.hpp>
#include <driftscope/core/error.hpp>
#include <driftscope/core/nan_policy.hpp>

#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <type_traits>
#include <vector>

namespace driftscope {

struct ttest_options {
  bool equal_var = true;
  driftscope::nan_policy nan = driftscope::nan_policy::propagate;
  alternative alt = alternative::two_sided;
  /// @throws std::invalid_argument if a field holds a value outside its enumeration.
  inline void validate() const;
};

struct ttest_result {
  double statistic = 0;
  double pvalue = 1;
  double df = 0;
  double estimate = 0;        ///< m1 - m2 (scipy's TtestResult._estimate)
  double standard_error = 0;  ///< se (scipy's TtestResult._standard_error)
  std::size_t n1 = 0, n2 = 0; ///< sizes after omitting NaN
  std::size_t missing1 = 0, missing2 = 0;
};

/// @brief scipy.stats.ttest_ind(a, b) on two 1-D samples (T = float or double; the
/// arithmetic is in double).
/// @throws std::invalid_argument for empty input (or empty after omitting NaN), NaN with
/// nan_policy::raise, or invalid options.
template <class T>
ttest_result ttest_ind(const T* a, std::size_t n1, const T* b, std::size_t n2, const ttest_options& options = {});

/// @brief The p-value of t with df degrees of freedom for the alternative (scipy's
/// _get_pvalue with stdtr). NaN t or df gives NaN.
inline double ttest_pvalue(double t, double df, alternative alt);

// ===================================================================================
// Implementation
// ===================================================================================

inline void ttest_options::validate() const {
  if (alt != alternative::two_sided && alt != alternative::less && alt != alternative::greater)
    detail::throw_invalid_argument("ttest_ind: alternative has invalid value {}", static_cast<int>(alt));
  if (nan != nan_policy::propagate && nan != nan_policy::raise && nan != nan_policy::omit)
    detail::throw_invalid_argument("ttest_ind: nan_policy has invalid value {}", static_cast<int>(nan));
}

namespace detail::ttest {

/// Pairwise summation of f(x[i]) with numpy's blocking (8 accumulators up to 128
/// values, halving at a multiple of 8 above), so sums round exactly as numpy.add.reduce
/// on a contiguous float64 array.
template <class T, class F>
double pairwise_sum(const T* x, std::size_t n, F f) {
  if (n < 8) {
    double r = -0.0;
    for (std::size_t i = 0; i < n; ++i) r += f(x[i]);
    return r;
  }
  if (n <= 128) {
    double r[8];
    for (std::size_t k = 0; k < 8; ++k) r[k] = f(x[k]);
    std::size_t i = 8;
    for (; i < n - n % 8; i += 8)
      for (std::size_t k = 0; k < 8; ++k) r[k] += f(x[i + k]);
    double s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) s += f(x[i]);
    return s;
  }
  std::size_t h = n / 2;
  h -= h % 8;
  return pairwise_sum(x, h, f) + pairwise_sum(x + h, n - h, f);
}

struct moments {
  double mean, var;  // var with ddof = 1 (NaN for n = 1, as numpy: 0 · inf)
};

template <class T>
moments mean_var(const T* x, std::size_t n) {
  const double nd = static_cast<double>(n);
  const double m = pairwise_sum(x, n, [](T v) { return static_cast<double>(v); }) / nd;
  const double ss = pairwise_sum(x, n, [m](T v) {
    const double d = static_cast<double>(v) - m;
    return d * d;
  });
  return {m, (ss / nd) * (nd / (nd - 1.0))};
}

/// Student's t CDF F(t; df) without throwing (Boost.Math, errors -> NaN / limits).
inline double t_cdf(double t, double df) {
  if (std::isnan(t) || std::isnan(df) || !(df > 0)) return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
  using policy = boost::math::policies::policy<
      boost::math::policies::domain_error<boost::math::policies::ignore_error>,
      boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
      boost::math::policies::evaluation_error<boost::math::policies::ignore_error>,
      boost::math::policies::promote_double<false>>;
  const boost::math::students_t_distribution<double, policy> dist(df);
  return boost::math::cdf(dist, t);
}

template <class T>
std::size_t count_nan(const T* x, std::size_t n) {
  std::size_t c = 0;
  for (std::size_t i = 0; i < n; ++i) c += std::isnan(x[i]) ? 1 : 0;
  return c;
}

}  // namespace detail::ttest

inline double ttest_pvalue(double t, double df, alternative alt) {
  if (alt == alternative::less) return detail::ttest::t_cdf(t, df);
  if (alt == alternative::greater) return detail::ttest::t_cdf(-t, df);
  return 2 * detail::ttest::t_cdf(-std::fabs(t), df);
}

namespace detail::ttest {

template <class T>
ttest_result from_samples(const T* a, std::size_t n1, const T* b, std::size_t n2, const ttest_options& o) {
  moments s1 = mean_var(a, n1), s2 = mean_var(b, n2);
  const double d1 = static_cast<double>(n1), d2 = static_cast<double>(n2);
  double df, se;
  if (o.equal_var) {
    if (n1 == 1) s1.var = 0;
    if (n2 == 1) s2.var = 0;
    df = d1 + d2 - 2.0;
    const double svar = ((d1 - 1) * s1.var + (d2 - 1) * s2.var) / df;
    se = std::sqrt(svar * (1.0 / d1 + 1.0 / d2));
  } else {
    const double vn1 = s1.var / d1, vn2 = s2.var / d2;
    df = (vn1 + vn2) * (vn1 + vn2) / (vn1 * vn1 / (d1 - 1) + vn2 * vn2 / (d2 - 1));
    if (std::isnan(df)) df = 1.0;
    se = std::sqrt(vn1 + vn2);
  }
  ttest_result r;
  r.estimate = s1.mean - s2.mean;
  r.standard_error = se;
  r.statistic = r.estimate / se;
  r.df = df;
  r.pvalue = ttest_pvalue(r.statistic, df, o.alt);
  r.n1 = n1;
  r.n2 = n2;
  return r;
}

/// Per-thread scratch for NaN-free copies (nan_policy omit only).
template <class T>
std::vector<T>& tls_sample(int which) {
  thread_local std::vector<T> s1, s2;
  return which == 0 ? s1 : s2;
}

}  // namespace detail::ttest

template <class T>
ttest_result ttest_ind(const T* a, std::size_t n1, const T* b, std::size_t n2, const ttest_options& options) {
  static_assert(std::is_same<T, float>::value || std::is_same<T, double>::value,
                "ttest_ind: T must be float or double");
  options.validate();
  if (n1 == 0) detail::throw_invalid_argument("ttest_ind: a is empty (size 0)");
  if (n2 == 0) detail::throw_invalid_argument("ttest_ind: b is empty (size 0)");
  const std::size_t miss1 = detail::ttest::count_nan(a, n1), miss2 = detail::ttest::count_nan(b, n2);
  if (miss1 + miss2 == 0) return detail::ttest::from_samples(a, n1, b, n2, options);
  if (options.nan == nan_policy::raise)
    detail::throw_invalid_argument("ttest_ind: the input contains NaN values ({} in a, {} in b) "
                                   "and nan_policy is 'raise'", miss1, miss2);
  const std::size_t k1 = n1 - miss1, k2 = n2 - miss2;
  if (options.nan == nan_policy::propagate) {
    ttest_result r;
    r.statistic = r.pvalue = r.df = r.estimate = r.standard_error = std::numeric_limits<double>::quiet_NaN();
    r.n1 = k1;
    r.n2 = k2;
    r.missing1 = miss1;
    r.missing2 = miss2;
    return r;
  }
  if (k1 == 0) detail::throw_invalid_argument("ttest_ind: a is empty after omitting NaN ({} NaN values)", miss1);
  if (k2 == 0) detail::throw_invalid_argument("ttest_ind: b is empty after omitting NaN ({} NaN values)", miss2);
  std::vector<T>& s1 = detail::ttest::tls_sample<T>(0);
  std::vector<T>& s2 = detail::ttest::tls_sample<T>(1);
  s1.clear();
  s2.clear();
  for (std::size_t i = 0; i < n1; ++i)
    if (!std::isnan(a[i])) s1.push_back(a[i]);
  for (std::size_t i = 0; i < n2; ++i)
    if (!std::isnan(b[i])) s2.push_back(b[i]);
  ttest_result r = detail::ttest::from_samples(s1.data(), k1, s2.data(), k2, options);
  r.missing1 = miss1;
  r.missing2 = miss2;
  return r;
}

}  // namespace driftscope
