#pragma once
/// @file
/// @brief Wasserstein distance normed by the reference standard deviation, the drift
/// score Evidently reports as its "wasserstein" stattest (threshold 0.1).
///
/// Definition: W1(reference, current) / std(reference), W1 as
/// scipy.stats.wasserstein_distance and std the population standard deviation
/// numpy.std(reference) (ddof = 0), both on the non-NaN values. Evidently
/// (evidently/calculations/stattests/wasserstein_distance_norm.py) divides by
/// max(std, 0.001); we do not floor the scale, so the score is invariant under
/// x -> a·x + b (a > 0) at every scale. Instead a constant reference (std == 0) gives 0 when
/// the distance is 0 (the current sample is the same constant) and +inf otherwise (any
/// shift away from a constant is infinitely many reference standard deviations).
///
/// Arithmetic is in double on values widened exactly from float. The standard deviation
/// is two-pass (mean, then squared deviations) with compensated sums, scaled by the largest
/// deviation so that huge values do not overflow and tiny ones do not underflow where the
/// true result is representable (numpy returns inf / 0 there). A constant reference has a
/// standard deviation of exactly 0 (numpy may return a rounding residue like 1e-17). Non-finite
/// values follow IEEE arithmetic as numpy / scipy: a reference holding ±inf has no finite standard
/// deviation and the statistic is NaN; ±inf only in the current sample gives W1 = inf, hence +inf.
///
/// A drift-level API: NaN omitted by default and counted in missing_reference /
/// missing_current; under nan_policy::propagate a NaN gives a NaN statistic.
/// Cost: sorting both samples (kernels::sort) and one merge walk (kernels::ecdf_walk).
///
/// Example:
/// @code
///   auto r = driftscope::normed_wasserstein(ref.data(), ref.size(), cur.data(), cur.size());
///   bool drift = r.statistic >= 0.1;  // Evidently's default threshold
/// @endcode

#include <driftscope/core/drift_result.hpp>
#include <driftscope/core/error.hpp>
#include <driftscope/core/nan_policy.hpp>
#include <driftscope/kernels/ecdf_walk.hpp>
#include <driftscope/kernels/sort.hpp>
#include <driftscope/stats/detail/binned.hpp>
#include <driftscope/stats/detail/sample.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <type_traits>
#include <vector>

namespace driftscope {
namespace detail {

/// Neumaier-compensated running sum (error independent of n for well-conditioned sums;
/// numpy.std uses pairwise summation, both agree to a few ulp). An infinite partial sum
/// stops the compensation so the result is the IEEE sum, never inf - inf = NaN.
struct compensated_sum {
  double sum = 0, comp = 0;
  void add(double x) {
    const double t = sum + x;
    if (std::isfinite(t)) comp += std::fabs(sum) >= std::fabs(x) ? (sum - t) + x : (x - t) + sum;
    sum = t;
  }
  double value() const { return std::isfinite(sum) ? sum + comp : sum; }
};

/// Population standard deviation (ddof = 0) of x[0..n), n >= 1, no NaN; NaN if some
/// value is ±inf (as numpy.std); exactly 0 for a constant sample. Finite values never
/// overflow (see file comment).
template <class T>
double population_std(const T* x, std::size_t n) {
  const double dn = static_cast<double>(n);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  compensated_sum s;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(x[i]);
    if (std::isinf(v)) return std::numeric_limits<double>::quiet_NaN();
    s.add(v);
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (lo == hi) return 0.0;
  double mean = s.value() / dn;
  if (!std::isfinite(mean)) {  // the sum overflowed: average the pre-divided values instead
    compensated_sum t;
    for (std::size_t i = 0; i < n; ++i) t.add(static_cast<double>(x[i]) / dn);
    mean = t.value();
  }
  mean = std::min(std::max(mean, lo), hi);  // the true mean lies in [min, max]; rounding may not
  // Deviations are scaled by the largest one, so their squares cannot overflow or
  // underflow; when x - mean itself overflows (values of both signs near DBL_MAX) the
  // deviations are taken in halves.
  const double half = std::fabs(hi - mean) == std::numeric_limits<double>::infinity() ||
                              std::fabs(mean - lo) == std::numeric_limits<double>::infinity()
                          ? 0.5
                          : 1.0;
  const double scale = std::max(hi * half - mean * half, mean * half - lo * half);
  compensated_sum q;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = (static_cast<double>(x[i]) * half - mean * half) / scale;
    q.add(d * d);
  }
  return scale * std::sqrt(q.value() / dn) / half;
}

struct normed_wasserstein_ref_tag {};
struct normed_wasserstein_cur_tag {};

/// W1 / sigma with the constant-reference rule (0 / 0 -> 0, w / 0 -> +inf).
inline double normed_ratio(double w, double sigma) {
  if (std::isnan(w) || std::isnan(sigma)) return std::numeric_limits<double>::quiet_NaN();
  if (sigma == 0) return w == 0 ? 0.0 : std::numeric_limits<double>::infinity();
  return w / sigma;
}

}  // namespace detail

/// @brief Wasserstein distance of `current` to `reference` divided by the population
/// standard deviation of `reference` (T, U = float or double, may differ).
/// @return statistic, n_reference / n_current (non-NaN values), missing counts; edges and
///         counts are empty.
/// @throws std::invalid_argument for an empty sample (or empty after omitting NaN), NaN
///         under nan_policy::raise, or an invalid nan_policy (naming "normed_wasserstein").
template <class T, class U>
drift_result normed_wasserstein(const T* reference, std::size_t n_reference, const U* current,
                                std::size_t n_current,
                                driftscope::nan_policy nan = driftscope::nan_policy::omit) {
  constexpr const char* fn = "normed_wasserstein";
  detail::check_nan_policy(nan, fn);
  drift_result r;
  r.missing_reference = detail::check_sample(reference, n_reference, nan, fn, "reference");
  r.missing_current = detail::check_sample(current, n_current, nan, fn, "current");
  r.n_reference = n_reference - r.missing_reference;
  r.n_current = n_current - r.missing_current;
  if (r.missing_reference + r.missing_current != 0 && nan == nan_policy::propagate) {
    r.statistic = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  // one value type for the walk: the common one, double when they differ (exact widening)
  using V = std::conditional_t<std::is_same<T, U>::value, T, double>;
  std::vector<V>& a = detail::thread_scratch<V, detail::normed_wasserstein_ref_tag>();
  std::vector<V>& b = detail::thread_scratch<V, detail::normed_wasserstein_cur_tag>();
  detail::sorted_without_nan(reference, n_reference, a);
  detail::sorted_without_nan(current, n_current, b);
  const double w = kernels::ecdf_walk(a.data(), a.size(), b.data(), b.size()).l1;
  r.statistic = detail::normed_ratio(w, detail::population_std(a.data(), a.size()));
  return r;
}

}  // namespace driftscope
