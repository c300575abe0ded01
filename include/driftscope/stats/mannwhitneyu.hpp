#pragma once
/// @file
/// @brief Mann–Whitney U rank test on two independent samples, matching
/// scipy.stats.mannwhitneyu (scipy 1.17, 1-D input).
///
/// Definition (Mann & Whitney 1947; scipy's "method 2" of the Wikipedia article): pool the
/// samples, give every value its midrank (ties share the average of their ordinal ranks),
/// R1 = sum of the ranks of x, U1 = R1 - n1(n1+1)/2 (the reported statistic; U2 = n1·n2 - U1).
/// The p-value uses U = U1 for 'greater', U2 for 'less', max(U1, U2) for 'two-sided' (then
/// doubled), and is clipped to [0, 1].
///
/// p-value (method):
///  - 'auto': 'exact' when min(n1, n2) <= 8 and there are no ties, else 'asymptotic'
///    (scipy's _mwu_choose_method: asymptotic only when both sizes exceed 8, or on ties);
///  - 'exact': P(U >= u) under the exact null distribution of U for untied data (Mann &
///    Whitney's recurrence on the largest pooled value, computed on probabilities so
///    nothing overflows; cost O(n1·n2·u)). With ties the statistic is truncated to an
///    integer and no tie correction is made, as scipy does;
///  - 'asymptotic': normal approximation z = (U - n1·n2/2 - 0.5·continuity) / s with the
///    tie-corrected s = sqrt(n1·n2/12 · ((n+1) - Σ(t³-t)/(n(n-1)))), p = Φ(-z).
///  'permutation' is not provided.
///
/// Missing values (nan_policy): 'propagate' gives statistic and p-value NaN, 'raise'
/// throws, 'omit' drops NaN (scipy's _axis_nan_policy behaviour). Empty input (or empty
/// after omitting NaN) throws std::invalid_argument (scipy returns NaN with a warning).
///
/// Cost: a NaN-filtering copy and a sort of each sample (thread_local scratch), one merge
/// walk that assigns midranks group by group (no rank array).

#include <driftscope/core/alternative.hpp>
#include <driftscope/core/error.hpp>
#include <driftscope/core/nan_policy.hpp>
#include <driftscope/kernels/sort.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>
#include <vector>

namespace driftscope {

/// How the p-value is computed; `automatic` is scipy's 'auto'.
enum class mwu_method { automatic, asymptotic, exact };

/// @throws std::invalid_argument for anything but "auto", "asymptotic", "exact"
/// ("permutation" is named as not supported).
inline mwu_method parse_mwu_method(std::string_view s);
inline const char* to_string(mwu_method m) noexcept;

struct mwu_options {
  bool use_continuity = true;
  alternative alt = alternative::two_sided;
  mwu_method method = mwu_method::automatic;
  driftscope::nan_policy nan = driftscope::nan_policy::propagate;
  /// @throws std::invalid_argument if a field holds a value outside its enumeration.
  inline void validate() const;
};

struct mwu_result {
  double statistic = 0;  ///< U1, the statistic of the first sample
  double pvalue = 1;
  mwu_method method = mwu_method::exact;  ///< exact or asymptotic, the one used
  bool ties = false;                      ///< whether the pooled sample has ties
  std::size_t n1 = 0, n2 = 0;             ///< sizes after omitting NaN
  std::size_t missing1 = 0, missing2 = 0;
};

/// @brief scipy.stats.mannwhitneyu(x, y) on two 1-D samples (T = float or double).
/// @throws std::invalid_argument for empty input (or empty after omitting NaN), NaN with
/// nan_policy::raise, or invalid options.
template <class T>
mwu_result mannwhitneyu(const T* x, std::size_t n1, const T* y, std::size_t n2, const mwu_options& options = {});

/// @brief P(U >= u) under the exact null distribution of U for sizes n1, n2 without ties
/// (scipy's _MWU.sf; u is truncated toward zero as scipy's int64 cast).
/// @throws std::invalid_argument if n1 or n2 is 0.
inline double mwu_exact_sf(double u, std::size_t n1, std::size_t n2);

// ===================================================================================
// Implementation
// ===================================================================================

inline mwu_method parse_mwu_method(std::string_view s) {
  if (s == "auto") return mwu_method::automatic;
  if (s == "asymptotic") return mwu_method::asymptotic;
  if (s == "exact") return mwu_method::exact;
  if (s == "permutation")
    detail::throw_invalid_argument("mannwhitneyu: method 'permutation' is not supported; use 'auto', "
                                   "'asymptotic' or 'exact'");
  detail::throw_invalid_argument("mannwhitneyu: method must be 'auto', 'asymptotic' or 'exact', got '{}'", s);
}

inline const char* to_string(mwu_method m) noexcept {
  switch (m) {
    case mwu_method::automatic: return "auto";
    case mwu_method::asymptotic: return "asymptotic";
    case mwu_method::exact: return "exact";
  }
  return "?";
}

inline void mwu_options::validate() const {
  if (alt != alternative::two_sided && alt != alternative::less && alt != alternative::greater)
    detail::throw_invalid_argument("mannwhitneyu: alternative has invalid value {}", static_cast<int>(alt));
  if (method != mwu_method::automatic && method != mwu_method::asymptotic && method != mwu_method::exact)
    detail::throw_invalid_argument("mannwhitneyu: method has invalid value {}", static_cast<int>(method));
  if (nan != nan_policy::propagate && nan != nan_policy::raise && nan != nan_policy::omit)
    detail::throw_invalid_argument("mannwhitneyu: nan_policy has invalid value {}", static_cast<int>(nan));
}

namespace detail::mwu {

/// Rank sums from the merge walk over the two sorted samples.
struct rank_sums {
  double u1;        ///< R1 - n1(n1+1)/2
  double tie_term;  ///< Σ (t³ - t) over tie groups of the pooled sample
  bool ties;
};

template <class T>
rank_sums from_sorted(const T* a, std::size_t na, const T* b, std::size_t nb) {
  // Twice R1 in integers: a group of t tied values at 0-based pooled positions
  // [pos, pos + t) has midrank pos + (t + 1) / 2, so 2·rank = 2·pos + t + 1.
  unsigned long long twice_r1 = 0;
  double tie_term = 0;
  bool ties = false;
  std::size_t i = 0, j = 0, pos = 0;
  while (i < na || j < nb) {
    T v;
    if (j >= nb || (i < na && a[i] <= b[j])) v = a[i];
    else v = b[j];
    std::size_t ca = 0, cb = 0;
    while (i < na && a[i] == v) ++i, ++ca;
    while (j < nb && b[j] == v) ++j, ++cb;
    const std::size_t t = ca + cb;
    twice_r1 += static_cast<unsigned long long>(ca) * (2ULL * pos + t + 1);
    if (t > 1) {
      ties = true;
      const double td = static_cast<double>(t);
      tie_term += td * td * td - td;
    }
    pos += t;
  }
  const unsigned long long n1 = na;
  const unsigned long long twice_u1 = twice_r1 - n1 * (n1 + 1);
  return {static_cast<double>(twice_u1) / 2.0, tie_term, ties};
}

/// Standard normal CDF Φ(x) (as Cephes ndtr: erf near 0, erfc in the tails).
inline double ndtr(double x) {
  const double s = x * 0.70710678118654752440;
  const double z = std::fabs(s);
  if (std::isnan(x)) return x;
  if (z < 0.70710678118654752440) return 0.5 + 0.5 * std::erf(s);
  const double y = 0.5 * std::erfc(z);
  return s > 0 ? 1.0 - y : y;
}

/// pmf[u] = P(U = u), u = 0..kmax, of the exact null distribution for sizes m, n.
/// Recurrence on the largest pooled value (Mann & Whitney 1947, eq. 2), on probabilities:
/// p_{i,j}(u) = i/(i+j)·p_{i-1,j}(u-j) + j/(i+j)·p_{i,j-1}(u), where the largest value
/// belongs to x (then it exceeds all j values of y) with probability i/(i+j).
inline std::vector<double> exact_pmf(std::size_t m, std::size_t n, std::size_t kmax) {
  if (m > n) std::swap(m, n);  // the distribution is symmetric in (m, n); keep the table small
  const std::size_t w = kmax + 1;
  // prev[i*w + u] = p_{i, j-1}(u); cur = p_{i, j}
  std::vector<double> prev((m + 1) * w, 0.0), cur((m + 1) * w, 0.0);
  for (std::size_t i = 0; i <= m; ++i) prev[i * w] = 1.0;  // j = 0: U = 0 surely
  for (std::size_t j = 1; j <= n; ++j) {
    std::fill(cur.begin(), cur.begin() + static_cast<std::ptrdiff_t>(w), 0.0);
    cur[0] = 1.0;  // i = 0
    for (std::size_t i = 1; i <= m; ++i) {
      const double pa = static_cast<double>(i) / static_cast<double>(i + j);
      const double pb = static_cast<double>(j) / static_cast<double>(i + j);
      double* c = &cur[i * w];
      const double* left = &cur[(i - 1) * w];
      const double* up = &prev[i * w];
      for (std::size_t u = 0; u < w; ++u) c[u] = pb * up[u] + (u >= j ? pa * left[u - j] : 0.0);
    }
    std::swap(prev, cur);
  }
  return std::vector<double>(prev.begin() + static_cast<std::ptrdiff_t>(m * w),
                             prev.begin() + static_cast<std::ptrdiff_t>((m + 1) * w));
}

}  // namespace detail::mwu

inline double mwu_exact_sf(double u, std::size_t n1, std::size_t n2) {
  if (n1 == 0 || n2 == 0)
    detail::throw_invalid_argument("mwu_exact_sf: sizes must be >= 1, got n1={}, n2={}", n1, n2);
  if (std::isnan(u)) return u;
  const double mn = static_cast<double>(n1) * static_cast<double>(n2);
  if (u <= 0) return 1.0;
  if (u > mn) return 0.0;
  const auto k = static_cast<std::size_t>(u);  // truncation, as scipy's int64 cast
  const std::size_t total = n1 * n2;
  const std::size_t kc = total - k;
  // scipy: sf(k) = cdf(mn - k) by symmetry when k >= mn - k, else 1 - cdf(k) + pmf(k)
  if (k < kc) {
    const std::vector<double> pmf = detail::mwu::exact_pmf(n1, n2, k);
    double cdf = 0;
    for (double v : pmf) cdf += v;
    return 1.0 - cdf + pmf[k];
  }
  const std::vector<double> pmf = detail::mwu::exact_pmf(n1, n2, kc);
  double cdf = 0;
  for (double v : pmf) cdf += v;
  return cdf;
}

namespace detail::mwu {

template <class T>
std::vector<T>& tls_sample(int which) {
  thread_local std::vector<T> s1, s2;
  return which == 0 ? s1 : s2;
}

/// U1 and the p-value from the two sorted, NaN-free samples.
template <class T>
mwu_result from_sorted_samples(const T* a, std::size_t na, const T* b, std::size_t nb, const mwu_options& o) {
  const rank_sums rs = from_sorted(a, na, b, nb);
  const double n1 = static_cast<double>(na), n2 = static_cast<double>(nb);
  const double u1 = rs.u1, u2 = n1 * n2 - u1;
  double u = 0, f = 1;
  if (o.alt == alternative::greater) u = u1;
  else if (o.alt == alternative::less) u = u2;
  else u = std::max(u1, u2), f = 2;
  mwu_method m = o.method;
  if (m == mwu_method::automatic) m = (na > 8 && nb > 8) || rs.ties ? mwu_method::asymptotic : mwu_method::exact;
  double p = 0;
  if (m == mwu_method::exact) {
    p = mwu_exact_sf(u, na, nb);
  } else {
    const double mu = n1 * n2 / 2;
    const double n = n1 + n2;
    const double s = std::sqrt(n1 * n2 / 12 * ((n + 1) - rs.tie_term / (n * (n - 1))));
    double num = u - mu;
    if (o.use_continuity) num -= 0.5;
    p = ndtr(-(num / s));
  }
  p *= f;
  if (p < 0) p = 0;
  if (p > 1) p = 1;
  mwu_result r;
  r.statistic = u1;
  r.pvalue = p;
  r.method = m;
  r.ties = rs.ties;
  r.n1 = na;
  r.n2 = nb;
  return r;
}

}  // namespace detail::mwu

template <class T>
mwu_result mannwhitneyu(const T* x, std::size_t n1, const T* y, std::size_t n2, const mwu_options& options) {
  static_assert(std::is_same<T, float>::value || std::is_same<T, double>::value,
                "mannwhitneyu: T must be float or double");
  options.validate();
  if (n1 == 0) detail::throw_invalid_argument("mannwhitneyu: x is empty (size 0)");
  if (n2 == 0) detail::throw_invalid_argument("mannwhitneyu: y is empty (size 0)");
  std::vector<T>& s1 = detail::mwu::tls_sample<T>(0);
  std::vector<T>& s2 = detail::mwu::tls_sample<T>(1);
  if (s1.size() < n1) s1.resize(n1);
  if (s2.size() < n2) s2.resize(n2);
  const std::size_t k1 = kernels::copy_without_nan(x, n1, s1.data());
  const std::size_t k2 = kernels::copy_without_nan(y, n2, s2.data());
  const std::size_t miss1 = n1 - k1, miss2 = n2 - k2;
  if (miss1 + miss2 > 0) {
    if (options.nan == nan_policy::raise)
      detail::throw_invalid_argument("mannwhitneyu: the input contains NaN values ({} in x, {} in y) "
                                     "and nan_policy is 'raise'", miss1, miss2);
    if (options.nan == nan_policy::propagate) {
      mwu_result r;
      r.statistic = r.pvalue = std::numeric_limits<double>::quiet_NaN();
      r.method = options.method == mwu_method::exact ? mwu_method::exact : mwu_method::asymptotic;
      r.n1 = k1;
      r.n2 = k2;
      r.missing1 = miss1;
      r.missing2 = miss2;
      return r;
    }
    if (k1 == 0) detail::throw_invalid_argument("mannwhitneyu: x is empty after omitting NaN ({} NaN values)", miss1);
    if (k2 == 0) detail::throw_invalid_argument("mannwhitneyu: y is empty after omitting NaN ({} NaN values)", miss2);
  }
  kernels::sort(s1.data(), k1);
  kernels::sort(s2.data(), k2);
  mwu_result r = detail::mwu::from_sorted_samples(s1.data(), k1, s2.data(), k2, options);
  r.missing1 = miss1;
  r.missing2 = miss2;
  return r;
}

}  // namespace driftscope
