#pragma once
/// @file
/// @brief 1-Wasserstein (earth mover's) distance between two 1-D empirical
/// distributions, matching scipy.stats.wasserstein_distance.
///
/// Definition: W1(u, v) = ∫ |U(x) - V(x)| dx, U and V the (weighted) empirical CDFs,
/// evaluated as scipy's `_cdf_distance(1, ...)` does: over the pooled sorted values
/// v_0 <= ... <= v_{N-1}, Σ_k |U(v_k) - V(v_k)| · (v_{k+1} - v_k), with
/// U(x) = (cumulative weight of u-values <= x) / (total u weight) (unweighted: count / n).
/// Exact up to floating-point summation order (scipy sums with a dot product).
///
/// Example:
/// @code
///   double u[] = {0, 1, 3}, v[] = {5, 6, 8};
///   double d = driftscope::wasserstein_distance(u, 3, v, 3);  // 5.0
/// @endcode

#include <driftscope/core/error.hpp>
#include <driftscope/kernels/ecdf_walk.hpp>
#include <driftscope/kernels/sort.hpp>
#include <driftscope/stats/detail/sample.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <utility>
#include <vector>

namespace driftscope {
namespace detail {

/// Validates weights as scipy's _validate_distribution does (plus finiteness): each
/// weight finite and >= 0, positive sum.
inline void check_weights(const double* w, std::size_t n, const char* name,
                          const char* function = "wasserstein_distance") {
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!(w[i] >= 0) || std::isinf(w[i]))
      throw_invalid_argument("{}: {} must be finite and non-negative, got {} at index {}", function, name, w[i], i);
    sum += w[i];
  }
  if (!(sum > 0) || std::isinf(sum))
    throw_invalid_argument("{}: {} must have a positive finite sum, got {}", function, name, sum);
}

/// Sorted (value, weight) pairs as cumulative weights: `values` sorted ascending and
/// `cum[i]` = sum of the weights of values[0..i) (cum[0] = 0), summed in sorted order as
/// scipy's np.cumsum(weights[argsort(values)]) does. Unweighted: `cum` left empty.
template <class T>
struct weighted_sorted {
  std::vector<T> values;
  std::vector<double> cum;

  double cdf(std::size_t i) const {
    return cum.empty() ? static_cast<double>(i) / static_cast<double>(values.size()) : cum[i] / cum.back();
  }
};

template <class T>
weighted_sorted<T> make_weighted_sorted(const T* x, std::size_t n, const double* w) {
  weighted_sorted<T> s;
  if (w == nullptr) {
    s.values.assign(x, x + n);
    kernels::sort(s.values.data(), n);
    return s;
  }
  std::vector<std::pair<T, double>> pairs(n);
  for (std::size_t i = 0; i < n; ++i) pairs[i] = {x[i], w[i]};
  std::sort(pairs.begin(), pairs.end(),
            [](const std::pair<T, double>& a, const std::pair<T, double>& b) { return a.first < b.first; });
  s.values.resize(n);
  s.cum.resize(n + 1);
  s.cum[0] = 0;
  for (std::size_t i = 0; i < n; ++i) {
    s.values[i] = pairs[i].first;
    s.cum[i + 1] = s.cum[i] + pairs[i].second;
  }
  return s;
}

/// One merge walk over two sorted samples with cumulative weights: Σ |U - V|·Δ over
/// the pooled values, with scipy's inf/NaN behaviour (Δ = inf - inf is NaN, 0·inf is NaN).
template <class T>
double weighted_l1_walk(const weighted_sorted<T>& u, const weighted_sorted<T>& v) {
  const std::size_t nu = u.values.size(), nv = v.values.size();
  const T* a = u.values.data();
  const T* b = v.values.data();
  std::size_t i = 0, j = 0;
  double l1 = 0, prev_v = 0, prev_absd = 0;
  bool has_prev = false;
  while (i < nu || j < nv) {
    const T x = (i < nu && (j >= nv || a[i] <= b[j])) ? a[i] : b[j];
    const std::size_t i0 = i, j0 = j;
    while (i < nu && a[i] == x) ++i;
    while (j < nv && b[j] == x) ++j;
    const double dx = static_cast<double>(x);
    if (has_prev) l1 += prev_absd * (dx - prev_v);
    // pooled duplicates of ±inf: scipy's diff gives inf - inf = NaN there
    if ((i - i0) + (j - j0) > 1 && std::isinf(dx)) l1 += std::numeric_limits<double>::quiet_NaN();
    prev_absd = std::fabs(u.cdf(i) - v.cdf(j));
    prev_v = dx;
    has_prev = true;
  }
  return l1;
}

}  // namespace detail

/// @brief 1-Wasserstein distance between the empirical distributions of `u_values` and
/// `v_values`, optionally weighted; matches scipy.stats.wasserstein_distance (1-D).
///
/// Unweighted: sorted copies of both samples and one kernels::ecdf_walk (O(n log n)).
/// Weighted: a merge walk over (value, cumulative weight) pairs sorted by value.
/// NaN values give NaN (as scipy, which has no nan_policy here); ±inf values give inf or
/// NaN exactly where scipy does.
/// @param u_weights, v_weights optional weights (nullptr = equal weights), same length as
///        the values, each finite and >= 0, with a positive sum.
/// @throws std::invalid_argument for an empty sample or invalid weights.
template <class T>
double wasserstein_distance(const T* u_values, std::size_t nu, const T* v_values, std::size_t nv,
                            const double* u_weights = nullptr, const double* v_weights = nullptr) {
  if (nu == 0) detail::throw_invalid_argument("wasserstein_distance: u_values must not be empty, got size 0");
  if (nv == 0) detail::throw_invalid_argument("wasserstein_distance: v_values must not be empty, got size 0");
  if (u_weights != nullptr) detail::check_weights(u_weights, nu, "u_weights");
  if (v_weights != nullptr) detail::check_weights(v_weights, nv, "v_weights");
  if (kernels::count_nan(u_values, nu) != 0 || kernels::count_nan(v_values, nv) != 0)
    return std::numeric_limits<double>::quiet_NaN();
  if (u_weights == nullptr && v_weights == nullptr) {
    std::vector<T> su(u_values, u_values + nu), sv(v_values, v_values + nv);
    kernels::sort(su.data(), nu);
    kernels::sort(sv.data(), nv);
    return kernels::ecdf_walk(su.data(), nu, sv.data(), nv).l1;
  }
  return detail::weighted_l1_walk(detail::make_weighted_sorted(u_values, nu, u_weights),
                                  detail::make_weighted_sorted(v_values, nv, v_weights));
}

/// @brief The same on two samples already sorted ascending and free of NaN (no copy).
template <class T>
double wasserstein_distance_sorted(const T* u_sorted, std::size_t nu, const T* v_sorted, std::size_t nv) {
  if (nu == 0) detail::throw_invalid_argument("wasserstein_distance: u_values must not be empty, got size 0");
  if (nv == 0) detail::throw_invalid_argument("wasserstein_distance: v_values must not be empty, got size 0");
  return kernels::ecdf_walk(u_sorted, nu, v_sorted, nv).l1;
}

}  // namespace driftscope
