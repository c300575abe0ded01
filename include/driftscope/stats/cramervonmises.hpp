#pragma once
/// @file
/// @brief Two-sample Cramér–von Mises test, matching scipy.stats.cramervonmises_2samp
/// (scipy 1.17).
///
/// Definition (Anderson 1962, "On the Distribution of the Two-Sample Cramér-von Mises
/// Criterion", Ann. Math. Statist. 33(3), eqs. 9-10): with x and y sorted, sizes n and m, N = n + m,
/// k = n·m and r(·) the rank in the pooled sample (midranks for ties),
///   U = n Σ_i (r(x_i) - i)² + m Σ_j (r(y_j) - j)²,   T = U / (k N) - (4k - 1) / (6N).
/// `statistic` is T. U is summed exactly (integer arithmetic); T = U/(kN) - (4k-1)/(6N)
/// in double as scipy, so both carry the same cancellation error when T is small
/// relative to U/(kN) (large N); scipy's own U (a float sum) differs from the exact U
/// by ~1e-16 relative, so agreement is 1e-12 relative up to ~1e4 values per sample.
///
/// p-value (method):
///  - 'auto': 'exact' when max(n, m) <= 20, else 'asymptotic' (scipy's rule);
///  - 'exact': the exact null distribution of U by the lattice-path recursion of
///    Xiao, Gordon & Yakovlev (2006), "A C++ Program for the Cramér-von Mises Two-Sample
///    Test", J. Stat. Soft. 17(8), Algorithm 1: p = #{paths with statistic >= ζ} /
///    C(N, n), ζ obtained from U as scipy does (float floor division). Throws when
///    C(N, n) does not fit 64 bits (N beyond ~66), where scipy falls back to Python
///    integers and takes hours;
///  - 'asymptotic': T normalised with its mean and variance (Anderson 1962, eqs. 11, 14,
///    15) and the limiting one-sample distribution (Csörgő & Faraway 1996, eq. 1.2-1.3,
///    series summed until a term is below 1e-7 as scipy); p = 1 when the normalised
///    statistic is below 0.003, else max(1 - cdf, 0).
///
/// Missing values (nan_policy): 'propagate' gives statistic and pvalue NaN, 'raise'
/// throws std::invalid_argument, 'omit' drops NaN values. Fewer than 2 observations in a
/// sample (after omitting NaN) throws std::invalid_argument (scipy returns NaN with a
/// SmallSampleWarning). ±inf are ordinary values.
///
/// Precision: everything after the sort is computed in double, also for float input
/// (scipy 1.17 computes ranks, U, T and the p-value in float32 for float32 input; our
/// results agree with it to float32 accuracy and with scipy on the float64-cast data to
/// full accuracy).
///
/// Cost: a NaN-filtering copy and a sort of each sample (thread_local scratch), one merge
/// walk; the exact p-value costs O(n·m·D), D the number of distinct path statistics.
///
/// Example:
/// @code
///   std::vector<double> a = ..., b = ...;
///   auto r = driftscope::cramervonmises_2samp(a.data(), a.size(), b.data(), b.size());
/// @endcode

#include <driftscope/core/error.hpp>
#include <driftscope/core/nan_policy.hpp>
#include <driftscope/kernels/sort.hpp>

#include <boost/math/special_functions/bessel.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace driftscope {

/// How the p-value is computed; `automatic` is scipy's 'auto'.
enum class cvm_method { automatic, exact, asymptotic };

/// @throws std::invalid_argument for anything but "auto", "exact", "asymptotic".
inline cvm_method parse_cvm_method(std::string_view s) {
  if (s == "auto") return cvm_method::automatic;
  if (s == "exact") return cvm_method::exact;
  if (s == "asymptotic") return cvm_method::asymptotic;
  detail::throw_invalid_argument("cramervonmises_2samp: method must be 'auto', 'exact' or 'asymptotic', got '{}'",
                                 s);
}

inline const char* to_string(cvm_method m) noexcept {
  switch (m) {
    case cvm_method::automatic: return "auto";
    case cvm_method::exact: return "exact";
    case cvm_method::asymptotic: return "asymptotic";
  }
  return "?";
}

struct cvm_options {
  cvm_method method = cvm_method::automatic;
  driftscope::nan_policy nan = driftscope::nan_policy::propagate;
  /// @throws std::invalid_argument if a field holds a value outside its enumeration.
  void validate() const {
    if (method != cvm_method::automatic && method != cvm_method::exact && method != cvm_method::asymptotic)
      detail::throw_invalid_argument("cramervonmises_2samp: method has invalid value {}", static_cast<int>(method));
    if (nan != nan_policy::propagate && nan != nan_policy::raise && nan != nan_policy::omit)
      detail::throw_invalid_argument("cramervonmises_2samp: nan_policy has invalid value {}", static_cast<int>(nan));
  }
};

/// Result of cramervonmises_2samp (scipy's CramerVonMisesResult plus bookkeeping).
struct cvm_result {
  double statistic = 0;
  double pvalue = 1;
  cvm_method method = cvm_method::exact;  ///< the method actually used: exact or asymptotic
  std::size_t nx = 0, ny = 0;             ///< sizes after omitting NaN
  std::size_t missing_x = 0, missing_y = 0;
};

namespace detail::cvm {

/// scipy's 'auto' rule: exact when both sizes are <= 20.
constexpr std::size_t max_exact_auto = 20;

/// CDF of the limiting (one-sample) Cramér–von Mises distribution, Csörgő & Faraway
/// (1996) eq. 1.2 with the terms of the second line of eq. 1.3:
///   V(x) = Σ_k Γ(k+1/2) / (Γ(k+1) π^{3/2} √x) · √(4k+1) · e^{-q} K_{1/4}(q),
///   q = (4k+1)² / (16x), summed until (and including) the first term below 1e-7.
inline double cdf_cvm_inf(double x) {
  using namespace boost::math::policies;
  using bessel_policy = policy<overflow_error<ignore_error>, underflow_error<ignore_error>,
                               domain_error<ignore_error>, evaluation_error<ignore_error>>;
  const double pi15 = std::pow(3.141592653589793, 1.5);
  double tot = 0;
  for (int k = 0; k < 100000; ++k) {
    const double kd = static_cast<double>(k);
    const double u = std::exp(std::lgamma(kd + 0.5) - std::lgamma(kd + 1)) / (pi15 * std::sqrt(x));
    const double y = 4 * kd + 1;
    const double q = y * y / (16 * x);
    const double b = boost::math::cyl_bessel_k(0.25, q, bessel_policy());
    const double z = u * std::sqrt(y) * std::exp(-q) * b;
    tot += z;
    if (!(std::fabs(z) >= 1e-7)) break;
  }
  return tot;
}

/// Asymptotic p-value of T (scipy's _pval_cvm_2samp_asymptotic; Anderson 1962 eqs. 11,
/// 14, 15 for the mean, variance and normalisation).
inline double pvalue_asymptotic(double t, std::size_t nx_, std::size_t ny_) {
  const double nx = static_cast<double>(nx_), ny = static_cast<double>(ny_);
  const double n = nx + ny, k = nx * ny;
  const double et = (1 + 1 / n) / 6;
  double vt = (n + 1) * (4 * k * n - 3 * (nx * nx + ny * ny) - 2 * k);
  vt = vt / (45 * n * n * 4 * k);
  const double tn = 1.0 / 6 + (t - et) / std::sqrt(45 * vt);
  if (!(tn >= 0.003)) return 1.0;  // cdf < 1.3e-18 there (NaN also maps to 1, as scipy)
  const double p = 1.0 - cdf_cvm_inf(tn);
  return p < 0 ? 0.0 : p;
}

/// numpy's float floor division (npy_divmod): floor of a / b computed via fmod.
inline double floor_divide(double a, double b) {
  double mod = std::fmod(a, b);
  double div = (a - mod) / b;
  if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1.0;
  if (div != 0) {
    double fl = std::floor(div);
    if (div - fl > 0.5) fl += 1.0;
    return fl;
  }
  return std::copysign(0.0, a / b);
}

/// C(n, k) in 64 bits; false on overflow.
inline bool binomial_u64(std::uint64_t n, std::uint64_t k, std::uint64_t* out) {
  if (k > n - k) k = n - k;
  std::uint64_t r = 1;
  for (std::uint64_t i = 1; i <= k; ++i) {
    // r * (n - k + i) / i is exact; reduce by the gcd first to delay overflow
    const std::uint64_t num = n - k + i;
    const std::uint64_t g = std::gcd(r, i);
    const std::uint64_t r1 = r / g, i1 = i / g;
    const std::uint64_t num1 = num / i1;  // i1 divides num after removing gcd(r, i)
    if (num1 != 0 && r1 > std::numeric_limits<std::uint64_t>::max() / num1) return false;
    r = r1 * num1;
  }
  *out = r;
  return true;
}

using freq_table = std::vector<std::pair<std::uint64_t, std::uint64_t>>;  // (value, count), sorted

/// out = a ∪ b with counts of equal values added (both sorted by value).
inline void merge_tables(const freq_table& a, const freq_table& b, freq_table& out) {
  out.clear();
  out.reserve(a.size() + b.size());
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j >= b.size() || (i < a.size() && a[i].first < b[j].first)) {
      out.push_back(a[i++]);
    } else if (i >= a.size() || b[j].first < a[i].first) {
      out.push_back(b[j++]);
    } else {
      out.emplace_back(a[i].first, a[i].second + b[j].second);
      ++i;
      ++j;
    }
  }
}

/// Exact p-value of U for sizes m (x) and n (y): Xiao, Gordon & Yakovlev (2006),
/// Algorithm 1 (eq. 11 recursion over the lattice (u, v), 0 <= u <= n, 0 <= v <= m, of
/// the frequency tables of Σ (a·v - b·u)² along monotone paths, a = lcm/m, b = lcm/n),
/// with ζ from Anderson (1962) eq. 9 combined with their eq. 2, as scipy computes it.
inline double pvalue_exact(double s, std::size_t m_, std::size_t n_) {
  const std::uint64_t m = m_, n = n_;
  std::uint64_t combinations = 0;
  if (!binomial_u64(m + n, m, &combinations))
    throw_invalid_argument("cramervonmises_2samp: method 'exact' is not available for sizes {} and {} "
                           "(C({}, {}) exceeds 64 bits); use 'asymptotic'",
                           m, n, m + n, m);
  const std::uint64_t lcm = std::lcm(m, n);
  const std::int64_t a = static_cast<std::int64_t>(lcm / m), b = static_cast<std::int64_t>(lcm / n);
  const double mn = static_cast<double>(m * n);
  const double zeta = floor_divide(static_cast<double>(lcm * lcm * (m + n)) * (6 * s - mn * (4 * mn - 1)),
                                   6 * mn * mn);
  std::vector<freq_table> gs(m + 1), next(m + 1);
  gs[0].emplace_back(0, 1);
  freq_table tmp, merged;
  for (std::uint64_t u = 0; u <= n; ++u) {
    tmp.clear();
    for (std::uint64_t v = 0; v <= m; ++v) {
      merge_tables(tmp, gs[v], merged);
      const std::int64_t d = a * static_cast<std::int64_t>(v) - b * static_cast<std::int64_t>(u);
      const std::uint64_t res = static_cast<std::uint64_t>(d * d);
      for (auto& e : merged) e.first += res;
      next[v] = merged;
      std::swap(tmp, merged);
    }
    std::swap(gs, next);
  }
  std::uint64_t count = 0;
  for (const auto& e : gs[m])
    if (static_cast<double>(e.first) >= zeta) count += e.second;
  return static_cast<double>(count) / static_cast<double>(combinations);
}

#if defined(__SIZEOF_INT128__)
__extension__ typedef __int128 wide_int;  ///< exact sums of squared doubled rank differences
#else
typedef long double wide_int;  // no 128-bit integers: exact up to the long double mantissa
#endif

/// U of Anderson (1962) eq. 10 from the sorted samples (midranks for ties), and T of
/// eq. 9. With d = r - i a multiple of 1/2, the sums S = Σ (2d)² are integers,
/// accumulated exactly; 4U = nx·Sx + ny·Sy. T is then computed as scipy does,
/// U/(kN) - (4k-1)/(6N) in floating point (parity: that difference cancels digits for
/// large N or small T, and we reproduce scipy's rounding rather than the exact value).
struct u_and_t {
  double u;
  double t;
};

template <class T>
u_and_t u_statistic(const T* x, std::size_t nx, const T* y, std::size_t ny) {
  std::size_t i = 0, j = 0;
  wide_int sx = 0, sy = 0;
  while (i < nx || j < ny) {
    const T v = (i < nx && (j >= ny || x[i] <= y[j])) ? x[i] : y[j];
    const std::size_t i0 = i, j0 = j;
    while (i < nx && x[i] == v) ++i;
    while (j < ny && y[j] == v) ++j;
    // pooled ranks i0 + j0 + 1 .. i + j: twice the midrank is their first plus last
    const std::int64_t mid2 = static_cast<std::int64_t>(i0 + j0 + 1 + i + j);
    for (std::size_t p = i0; p < i; ++p) {
      const std::int64_t d2 = mid2 - 2 * static_cast<std::int64_t>(p + 1);
      sx += static_cast<wide_int>(d2) * static_cast<wide_int>(d2);
    }
    for (std::size_t p = j0; p < j; ++p) {
      const std::int64_t d2 = mid2 - 2 * static_cast<std::int64_t>(p + 1);
      sy += static_cast<wide_int>(d2) * static_cast<wide_int>(d2);
    }
  }
  const wide_int u4 = static_cast<wide_int>(nx) * sx + static_cast<wide_int>(ny) * sy;
  const double u = static_cast<double>(u4) / 4;
  const double kd = static_cast<double>(nx) * static_cast<double>(ny);
  const double n = static_cast<double>(nx + ny);
  return {u, u / (kd * n) - (4 * kd - 1) / (6 * n)};
}

template <class T>
std::vector<T>& tls_sample(int which) {
  thread_local std::vector<T> s1, s2;
  return which == 0 ? s1 : s2;
}

inline cvm_method resolve(cvm_method m, std::size_t nx, std::size_t ny) {
  if (m != cvm_method::automatic) return m;
  return std::max(nx, ny) > max_exact_auto ? cvm_method::asymptotic : cvm_method::exact;
}

}  // namespace detail::cvm

/// @brief scipy.stats.cramervonmises_2samp on samples already sorted ascending and free
/// of NaN (no copy).
/// @throws std::invalid_argument if a sample has fewer than 2 values or the options are
/// invalid.
template <class T>
cvm_result cramervonmises_2samp_sorted(const T* x, std::size_t nx, const T* y, std::size_t ny,
                                       cvm_method method = cvm_method::automatic) {
  static_assert(std::is_same<T, float>::value || std::is_same<T, double>::value,
                "cramervonmises_2samp: T must be float or double");
  cvm_options{method, nan_policy::propagate}.validate();
  if (nx < 2) detail::throw_invalid_argument("cramervonmises_2samp: x must contain at least 2 observations, got {}", nx);
  if (ny < 2) detail::throw_invalid_argument("cramervonmises_2samp: y must contain at least 2 observations, got {}", ny);
  cvm_result r;
  r.nx = nx;
  r.ny = ny;
  r.method = detail::cvm::resolve(method, nx, ny);
  const detail::cvm::u_and_t ut = detail::cvm::u_statistic(x, nx, y, ny);
  r.statistic = ut.t;
  r.pvalue = r.method == cvm_method::exact ? detail::cvm::pvalue_exact(ut.u, nx, ny)
                                           : detail::cvm::pvalue_asymptotic(r.statistic, nx, ny);
  return r;
}

/// @brief scipy.stats.cramervonmises_2samp on two 1-D samples (T = float or double).
/// @throws std::invalid_argument for a sample with fewer than 2 values (after omitting
/// NaN), NaN with nan_policy::raise, invalid options, or 'exact' beyond 64-bit counts.
template <class T>
cvm_result cramervonmises_2samp(const T* x, std::size_t nx, const T* y, std::size_t ny,
                                const cvm_options& options = {}) {
  static_assert(std::is_same<T, float>::value || std::is_same<T, double>::value,
                "cramervonmises_2samp: T must be float or double");
  options.validate();
  if (nx < 2) detail::throw_invalid_argument("cramervonmises_2samp: x must contain at least 2 observations, got {}", nx);
  if (ny < 2) detail::throw_invalid_argument("cramervonmises_2samp: y must contain at least 2 observations, got {}", ny);
  std::vector<T>& s1 = detail::cvm::tls_sample<T>(0);
  std::vector<T>& s2 = detail::cvm::tls_sample<T>(1);
  if (s1.size() < nx) s1.resize(nx);
  if (s2.size() < ny) s2.resize(ny);
  const std::size_t k1 = kernels::copy_without_nan(x, nx, s1.data());
  const std::size_t k2 = kernels::copy_without_nan(y, ny, s2.data());
  const std::size_t miss1 = nx - k1, miss2 = ny - k2;
  if (miss1 + miss2 > 0) {
    if (options.nan == nan_policy::raise)
      detail::throw_invalid_argument("cramervonmises_2samp: the input contains NaN values ({} in x, {} in y) "
                                     "and nan_policy is 'raise'", miss1, miss2);
    if (options.nan == nan_policy::propagate) {
      cvm_result r;
      r.statistic = r.pvalue = std::numeric_limits<double>::quiet_NaN();
      r.method = detail::cvm::resolve(options.method, nx, ny);
      r.nx = k1;
      r.ny = k2;
      r.missing_x = miss1;
      r.missing_y = miss2;
      return r;
    }
    if (k1 < 2)
      detail::throw_invalid_argument("cramervonmises_2samp: x must contain at least 2 observations after "
                                     "omitting NaN, got {} ({} NaN values)", k1, miss1);
    if (k2 < 2)
      detail::throw_invalid_argument("cramervonmises_2samp: y must contain at least 2 observations after "
                                     "omitting NaN, got {} ({} NaN values)", k2, miss2);
  }
  kernels::sort(s1.data(), k1);
  kernels::sort(s2.data(), k2);
  cvm_result r = cramervonmises_2samp_sorted(s1.data(), k1, s2.data(), k2, options.method);
  r.missing_x = miss1;
  r.missing_y = miss2;
  return r;
}

}  // namespace driftscope
