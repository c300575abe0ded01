#pragma once
/// @file
/// @brief Two-sample Kolmogorov–Smirnov test, matching scipy.stats.ks_2samp (scipy 1.17).
///
/// Definition: with F1, F2 the right-continuous empirical CDFs of the two samples,
/// evaluated at every pooled data point, D+ = max(F1 - F2), D- = max(F2 - F1) (clipped at
/// 0). alternative 'greater' reports D+, 'less' D-, 'two-sided' max(D+, D-) (D+ on a tie).
/// `statistic_location` is the pooled data point where it is reached (the first point of
/// sample 1 if any reaches it, else the first of sample 2, as numpy.argmax over scipy's
/// pooled array); `statistic_sign` is +1 when F1 - F2 is positive there, else -1.
///
/// p-value (method):
///  - 'auto': 'exact' when max(n1, n2) <= 10000, else 'asymp' (scipy's MAX_AUTO_N);
///  - 'exact': Hodges' lattice-path counts (see detail/ks_exact.hpp), accurate to ~1e-12
///    relative; the statistic is then reported as h / lcm(n1, n2), the nearest lattice
///    value, exactly as scipy does. When the exact computation overflows (one-sided,
///    n1 + n2 beyond ~1000) or lcm(n1, n2)/gcd is too large for an explicit 'exact', it
///    falls back to 'asymp' (scipy warns; we report `method == asymp`);
///  - 'asymp': two-sided kstwo.sf(D, round(n1·n2/(n1+n2))) (one-sample Kolmogorov
///    distribution, detail/ks_kolmogorov.hpp), one-sided Hodges' approximation
///    exp(-2z² - 2z(m+2n)/√(mn(m+n))/3), z = D·√(mn/(m+n)), m >= n.
///  The p-value is clipped to [0, 1] (NaN passes through: n1 = n2 = 1 with 'asymp'
///  two-sided gives NaN, as scipy's kstwo with n = round(0.5) = 0).
///
/// Missing values (nan_policy): 'propagate' returns statistic, pvalue and
/// statistic_location NaN and statistic_sign 0 (scipy returns NaN for the sign too; an
/// int cannot hold it); 'raise' throws std::invalid_argument; 'omit' drops NaN values.
/// In every case n1/n2 count the non-NaN values and missing1/missing2 the NaN values.
/// Empty input, or input empty after omitting NaN, throws std::invalid_argument (scipy
/// returns NaN with a SmallSampleWarning). ±inf are ordinary values.
///
/// Cost: a NaN-filtering copy and a sort of each sample (thread_local scratch, no
/// allocation once warmed up), one merge walk, then O(1)..O(n1·n2) for the p-value
/// (exact two-sided unequal sizes: O(max·window); asymp: O(1) except in the band
/// 2.2 <= n·D² < 370 where the Smirnov sum costs O(n)).
///
/// Example:
/// @code
///   std::vector<double> a = ..., b = ...;
///   driftscope::ks_result r = driftscope::ks_2samp(a.data(), a.size(), b.data(), b.size());
///   if (r.pvalue < 0.01) { /* drift */ }
/// @endcode

#include <driftscope/core/alternative.hpp>
#include <driftscope/core/error.hpp>
#include <driftscope/core/nan_policy.hpp>
#include <driftscope/kernels/ecdf_walk.hpp>
#include <driftscope/kernels/sort.hpp>
#include <driftscope/stats/detail/ks_exact.hpp>
#include <driftscope/stats/detail/ks_kolmogorov.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <type_traits>
#include <string_view>
#include <vector>

namespace driftscope {

/// How the p-value is computed; `automatic` is scipy's 'auto'.
enum class ks_method { automatic, exact, asymp };

/// @throws std::invalid_argument for anything but "auto", "exact", "asymp".
inline ks_method parse_ks_method(std::string_view s);
inline const char* to_string(ks_method m) noexcept;

struct ks_options {
  alternative alt = alternative::two_sided;
  ks_method method = ks_method::automatic;
  driftscope::nan_policy nan = driftscope::nan_policy::propagate;
  /// @throws std::invalid_argument if a field holds a value outside its enumeration.
  inline void validate() const;
};

struct ks_result {
  double statistic = 0;
  double pvalue = 1;
  double statistic_location = 0;
  int statistic_sign = 1;
  ks_method method = ks_method::exact;  ///< the method actually used: exact or asymp
  std::size_t n1 = 0, n2 = 0;           ///< sizes after omitting NaN
  std::size_t missing1 = 0, missing2 = 0;
};

/// @brief scipy.stats.ks_2samp on two 1-D samples (T = float or double).
/// @throws std::invalid_argument for empty input (or empty after omitting NaN), NaN with
/// nan_policy::raise, or invalid options.
template <class T>
ks_result ks_2samp(const T* data1, std::size_t n1, const T* data2, std::size_t n2,
                   const ks_options& options = {});

/// @brief The same on samples already sorted ascending and free of NaN (missing = 0).
/// @throws std::invalid_argument for an empty sample.
template <class T>
ks_result ks_2samp_sorted(const T* sorted1, std::size_t n1, const T* sorted2, std::size_t n2,
                          alternative alt = alternative::two_sided,
                          ks_method method = ks_method::automatic);

/// @brief The p-value of statistic `d` for sizes n1, n2; `*used` receives the method used.
/// With the exact method `d` is first rounded to the nearest h / lcm(n1, n2), as scipy.
/// @throws std::invalid_argument if n1 or n2 is 0 or d is outside [0, 1] (or NaN).
inline double ks_2samp_pvalue(double d, std::size_t n1, std::size_t n2, alternative alt,
                              ks_method requested, ks_method* used);

// ===================================================================================
// Implementation
// ===================================================================================

inline ks_method parse_ks_method(std::string_view s) {
  if (s == "auto") return ks_method::automatic;
  if (s == "exact") return ks_method::exact;
  if (s == "asymp") return ks_method::asymp;
  detail::throw_invalid_argument("ks_2samp: method must be 'auto', 'exact' or 'asymp', got '{}'", s);
}

inline const char* to_string(ks_method m) noexcept {
  switch (m) {
    case ks_method::automatic: return "auto";
    case ks_method::exact: return "exact";
    case ks_method::asymp: return "asymp";
  }
  return "?";
}

inline void ks_options::validate() const {
  if (alt != alternative::two_sided && alt != alternative::less && alt != alternative::greater)
    detail::throw_invalid_argument("ks_2samp: alternative has invalid value {}", static_cast<int>(alt));
  if (method != ks_method::automatic && method != ks_method::exact && method != ks_method::asymp)
    detail::throw_invalid_argument("ks_2samp: method has invalid value {}", static_cast<int>(method));
  if (nan != nan_policy::propagate && nan != nan_policy::raise && nan != nan_policy::omit)
    detail::throw_invalid_argument("ks_2samp: nan_policy has invalid value {}", static_cast<int>(nan));
}

namespace detail::ks {

/// scipy's MAX_AUTO_N: 'auto' tries the exact p-value up to this size.
constexpr std::size_t max_auto_n = 10000;

struct pvalue_result {
  double d;  ///< statistic as scipy reports it (rounded to h/lcm on the exact path)
  double p;
  ks_method used;
};

/// The p-value part of scipy.stats.ks_2samp, after the statistic.
inline pvalue_result pvalue(double d, std::size_t n1_, std::size_t n2_, alternative alt, ks_method mode) {
  const std::int64_t n1 = static_cast<std::int64_t>(n1_), n2 = static_cast<std::int64_t>(n2_);
  const std::int64_t g = std::gcd(n1, n2);
  const std::int64_t n1g = n1 / g, n2g = n2 / g;
  double p = -std::numeric_limits<double>::infinity();
  if (mode == ks_method::automatic) {
    mode = std::max(n1_, n2_) <= max_auto_n ? ks_method::exact : ks_method::asymp;
  } else if (mode == ks_method::exact) {
    // lcm too large for the exact computation (scipy: n1g >= int32 max / n2g)
    if (static_cast<double>(n1g) >= 2147483647.0 / static_cast<double>(n2g)) mode = ks_method::asymp;
  }
  if (mode == ks_method::exact) {
    const exact_attempt r =
        attempt_exact(n1, n2, g, d, alt == alternative::two_sided ? tail::two_sided : tail::one_sided);
    d = r.d;
    p = r.p;
    if (!r.success) mode = ks_method::asymp;
  }
  if (mode == ks_method::asymp) {
    const double m = static_cast<double>(std::max(n1, n2));
    const double n = static_cast<double>(std::min(n1, n2));
    const double en = m * n / (m + n);
    if (alt == alternative::two_sided) {
      p = kstwo_sf(d, std::nearbyint(en));
    } else {
      // Hodges (1958) eq. 5.3, m the larger size
      const double z = std::sqrt(en) * d;
      const double expt = -2 * (z * z) - 2 * z * (m + 2 * n) / std::sqrt(m * n * (m + n)) / 3.0;
      p = std::exp(expt);
    }
  }
  return {d, clip_prob(p), mode};
}

/// ks_2samp's statistic choice (scipy: the larger of D+ and D-, D+ on a tie)
/// and p-value from the extremes of F_a - F_b (an ECDF merge walk, or any search that
/// finds the same extremes).
inline ks_result from_extremes(const kernels::ecdf_walk_result& w, std::size_t na, std::size_t nb, alternative alt,
                               ks_method method) {
  const double max_s = w.max_diff;
  double min_s = -w.min_diff;  // clipped to [0, 1] as scipy (keeps -0.0 as numpy.clip does)
  if (min_s < 0) min_s = 0;
  if (min_s > 1) min_s = 1;
  ks_result r;
  if (alt == alternative::less || (alt == alternative::two_sided && min_s > max_s)) {
    r.statistic = min_s;
    r.statistic_location = w.min_location;
    r.statistic_sign = -1;
  } else {
    r.statistic = max_s;
    r.statistic_location = w.max_location;
    r.statistic_sign = 1;
  }
  const pvalue_result pv = pvalue(r.statistic, na, nb, alt, method);
  r.statistic = pv.d;
  r.pvalue = pv.p;
  r.method = pv.used;
  r.n1 = na;
  r.n2 = nb;
  return r;
}

/// The statistic part, from the merge walk over the sorted samples.
template <class T>
ks_result from_sorted(const T* a, std::size_t na, const T* b, std::size_t nb, alternative alt,
                      ks_method method) {
  return from_extremes(kernels::ecdf_walk(a, na, b, nb), na, nb, alt, method);
}

/// The result under nan_policy='propagate' when a sample holds NaN: statistic, p-value
/// and location NaN, sign 0 (scipy's NaN sign does not fit an int), and the method
/// that would have been used.
inline ks_result nan_result(ks_method requested, std::size_t n1, std::size_t n2, std::size_t missing1,
                            std::size_t missing2) {
  ks_result r;
  r.statistic = r.pvalue = r.statistic_location = std::numeric_limits<double>::quiet_NaN();
  r.statistic_sign = 0;
  r.method = requested == ks_method::asymp || (requested == ks_method::automatic && std::max(n1, n2) > max_auto_n)
                 ? ks_method::asymp
                 : ks_method::exact;
  r.n1 = n1;
  r.n2 = n2;
  r.missing1 = missing1;
  r.missing2 = missing2;
  return r;
}

/// Per-thread scratch copies of the two samples.
template <class T>
std::vector<T>& tls_sample(int which) {
  thread_local std::vector<T> s1, s2;
  return which == 0 ? s1 : s2;
}

}  // namespace detail::ks

inline double ks_2samp_pvalue(double d, std::size_t n1, std::size_t n2, alternative alt,
                              ks_method requested, ks_method* used) {
  if (n1 == 0 || n2 == 0)
    detail::throw_invalid_argument("ks_2samp_pvalue: sizes must be >= 1, got n1={}, n2={}", n1, n2);
  if (!(d >= 0.0 && d <= 1.0)) detail::throw_invalid_argument("ks_2samp_pvalue: d must be in [0, 1], got {}", d);
  const detail::ks::pvalue_result r = detail::ks::pvalue(d, n1, n2, alt, requested);
  if (used) *used = r.used;
  return r.p;
}

template <class T>
ks_result ks_2samp_sorted(const T* sorted1, std::size_t n1, const T* sorted2, std::size_t n2,
                          alternative alt, ks_method method) {
  static_assert(std::is_same<T, float>::value || std::is_same<T, double>::value,
                "ks_2samp_sorted: T must be float or double");
  ks_options{alt, method, nan_policy::propagate}.validate();
  if (n1 == 0) detail::throw_invalid_argument("ks_2samp: data1 is empty (size 0)");
  if (n2 == 0) detail::throw_invalid_argument("ks_2samp: data2 is empty (size 0)");
  return detail::ks::from_sorted(sorted1, n1, sorted2, n2, alt, method);
}

template <class T>
ks_result ks_2samp(const T* data1, std::size_t n1, const T* data2, std::size_t n2,
                   const ks_options& options) {
  static_assert(std::is_same<T, float>::value || std::is_same<T, double>::value,
                "ks_2samp: T must be float or double");
  options.validate();
  if (n1 == 0) detail::throw_invalid_argument("ks_2samp: data1 is empty (size 0)");
  if (n2 == 0) detail::throw_invalid_argument("ks_2samp: data2 is empty (size 0)");
  std::vector<T>& s1 = detail::ks::tls_sample<T>(0);
  std::vector<T>& s2 = detail::ks::tls_sample<T>(1);
  if (s1.size() < n1) s1.resize(n1);
  if (s2.size() < n2) s2.resize(n2);
  const std::size_t k1 = kernels::copy_without_nan(data1, n1, s1.data());
  const std::size_t k2 = kernels::copy_without_nan(data2, n2, s2.data());
  const std::size_t miss1 = n1 - k1, miss2 = n2 - k2;
  if (miss1 + miss2 > 0) {
    if (options.nan == nan_policy::raise)
      detail::throw_invalid_argument("ks_2samp: the input contains NaN values ({} in data1, {} in data2) "
                                     "and nan_policy is 'raise'", miss1, miss2);
    if (options.nan == nan_policy::propagate) return detail::ks::nan_result(options.method, k1, k2, miss1, miss2);
    if (k1 == 0) detail::throw_invalid_argument("ks_2samp: data1 is empty after omitting NaN ({} NaN values)", miss1);
    if (k2 == 0) detail::throw_invalid_argument("ks_2samp: data2 is empty after omitting NaN ({} NaN values)", miss2);
  }
  kernels::sort(s1.data(), k1);
  kernels::sort(s2.data(), k2);
  ks_result r = detail::ks::from_sorted(s1.data(), k1, s2.data(), k2, options.alt, options.method);
  r.missing1 = miss1;
  r.missing2 = miss2;
  return r;
}

}  // namespace driftscope
