#pragma once
/// @file
/// @brief Jensen–Shannon distance between two probability vectors, matching
/// scipy.spatial.distance.jensenshannon on 1-D input.
///
/// Definition: p and q are normalized by their sums, m = (p + q) / 2,
/// JS(p, q) = sqrt((KL(p || m) + KL(q || m)) / 2), with KL in nats, or in `base` units
/// when a base is given (divided by ln(base)). 0 <= JS <= 1 in base 2. Symmetric.
/// KL is Σ rel_entr (scipy.special.rel_entr) computed by kernels::rel_entr_sum.
/// Differences from scipy: invalid input throws instead of returning NaN, and a sum that
/// rounds to a tiny negative number (p ≈ q) gives 0 instead of sqrt(negative) = NaN.
/// A base in (0, 1) makes the divergence negative: the result is then NaN (p != q) as in
/// scipy; the drift-level js_distance defaults to base 2.
///
/// Example:
/// @code
///   double p[] = {1, 0, 0}, q[] = {0, 1, 0};
///   double d = driftscope::jensenshannon(p, q, 3, 2.0);  // 1.0
/// @endcode

#include <driftscope/core/error.hpp>
#include <driftscope/kernels/rel_entr_sum.hpp>
#include <driftscope/stats/detail/sample.hpp>

#include <cmath>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace driftscope {
namespace detail {

/// Checks a base for logarithms: finite, > 0, != 1.
inline void check_base(double base, std::string_view function) {
  if (!(base > 0) || base == 1 || std::isinf(base))
    throw_invalid_argument("{}: base must be finite, > 0 and != 1, got {}", function, base);
}

/// Checks a vector of weights / counts: finite, non-negative entries, positive finite sum.
/// Returns the sum (accumulated in order).
template <class T>
double check_distribution(const T* p, std::size_t n, std::string_view function, std::string_view name) {
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(p[i]);
    if (!(v >= 0) || std::isinf(v))
      throw_invalid_argument("{}: {} entries must be finite and non-negative, got {} at index {}", function, name, v,
                             i);
    sum += v;
  }
  if (!(sum > 0) || std::isinf(sum))
    throw_invalid_argument("{}: {} must have a positive finite sum, got {}", function, name, sum);
  return sum;
}

struct js_scratch_tag {};

/// JS distance of validated p, q with sums sp, sq; `log_base` = ln(base) or 0 for nats.
template <class T, class U>
double jensenshannon_unchecked(const T* p, double sp, const U* q, double sq, std::size_t n, double log_base) {
  std::vector<double>& buf = thread_scratch<double, js_scratch_tag>();
  buf.resize(3 * n);
  double* pn = buf.data();
  double* qn = pn + n;
  double* m = qn + n;
  for (std::size_t i = 0; i < n; ++i) {
    pn[i] = static_cast<double>(p[i]) / sp;
    qn[i] = static_cast<double>(q[i]) / sq;
    m[i] = (pn[i] + qn[i]) / 2.0;
  }
  double js = kernels::rel_entr_sum(pn, m, n) + kernels::rel_entr_sum(qn, m, n);
  if (js < 0) js = 0;  // rounding when p ≈ q; the exact value is >= 0
  if (log_base != 0) js /= log_base;
  return std::sqrt(js / 2.0);  // NaN for 0 < base < 1 and p != q, as scipy
}

}  // namespace detail

/// @brief Jensen–Shannon distance of two non-negative vectors of length n (normalized
/// by their sums); matches scipy.spatial.distance.jensenshannon(p, q, base).
/// @param base logarithm base (nullopt: natural log); finite, > 0 and != 1.
/// @throws std::invalid_argument if n == 0, an entry is negative / NaN / inf, a sum is
///         not positive, or base is invalid.
template <class T>
double jensenshannon(const T* p, const T* q, std::size_t n, std::optional<double> base = std::nullopt) {
  if (n == 0) detail::throw_invalid_argument("jensenshannon: p and q must not be empty, got size 0");
  if (base) detail::check_base(*base, "jensenshannon");
  const double sp = detail::check_distribution(p, n, "jensenshannon", "p");
  const double sq = detail::check_distribution(q, n, "jensenshannon", "q");
  return detail::jensenshannon_unchecked(p, sp, q, sq, n, base ? std::log(*base) : 0.0);
}

}  // namespace driftscope
