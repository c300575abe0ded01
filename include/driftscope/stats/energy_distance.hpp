#pragma once
/// @file
/// @brief Energy distance between two 1-D empirical distributions, matching
/// scipy.stats.energy_distance.
///
/// Definition (Székely 2002; Bellemare et al. 2017, "The Cramer Distance as a Solution to
/// Biased Wasserstein Gradients", arXiv:1705.10743): in one dimension
///   D(u, v) = √2 · ( ∫ (U(x) - V(x))² dx )^{1/2},
/// U and V the (weighted) empirical CDFs, evaluated as scipy's `_cdf_distance(2, ...)`:
/// over the pooled sorted values w_0 <= ... <= w_{N-1},
/// Σ_k (U(w_k) - V(w_k))² · (w_{k+1} - w_k), U(x) = (cumulative weight of u-values <= x) /
/// (total u weight) (unweighted: count / n). Exact up to floating-point summation order.
///
/// Example:
/// @code
///   double u[] = {0, 8}, v[] = {0, 8}, w[] = {3, 1}, vw[] = {2, 2};
///   double d = driftscope::energy_distance(u, 2, v, 2, w, vw);
/// @endcode

#include <driftscope/core/error.hpp>
#include <driftscope/kernels/sort.hpp>
#include <driftscope/stats/wasserstein.hpp>

#include <cmath>
#include <cstddef>
#include <limits>

namespace driftscope {
namespace detail {

/// One merge walk over two sorted samples (unweighted or with cumulative weights):
/// Σ (U - V)²·Δ over the pooled values, with scipy's inf/NaN behaviour (Δ = inf - inf is
/// NaN, 0·inf is NaN).
/// `cu`, `cv`: cumulative weights (size n + 1, cu[0] = 0) or nullptr for equal weights.
template <class T>
double l2sq_walk(const T* a, std::size_t nu, const double* cu, const T* b, std::size_t nv, const double* cv) {
  std::size_t i = 0, j = 0;
  double sum = 0, prev_sq = 0;
  T prev_x = 0;
  bool has_prev = false;
  while (i < nu || j < nv) {
    const T x = (i < nu && (j >= nv || a[i] <= b[j])) ? a[i] : b[j];
    const std::size_t i0 = i, j0 = j;
    while (i < nu && a[i] == x) ++i;
    while (j < nv && b[j] == x) ++j;
    // Δ in T as scipy's np.diff over the pooled values (float32 stays float32)
    if (has_prev) sum += prev_sq * static_cast<double>(x - prev_x);
    // pooled duplicates of ±inf: scipy's diff gives inf - inf = NaN there
    if ((i - i0) + (j - j0) > 1 && std::isinf(x)) sum += std::numeric_limits<double>::quiet_NaN();
    // as scipy: cumulative weight (or count) divided by the total
    const double fu = cu ? cu[i] / cu[nu] : static_cast<double>(i) / static_cast<double>(nu);
    const double fv = cv ? cv[j] / cv[nv] : static_cast<double>(j) / static_cast<double>(nv);
    const double d = fu - fv;
    prev_sq = d * d;
    prev_x = x;
    has_prev = true;
  }
  return sum;
}

}  // namespace detail

/// @brief Energy distance between the empirical distributions of `u_values` and
/// `v_values`, optionally weighted; matches scipy.stats.energy_distance (1-D).
///
/// Sorted copies of both samples (kernels::sort; with weights, (value, weight) pairs
/// sorted by value and cumulated) and one merge walk: O(n log n).
/// NaN values give NaN (scipy has no nan_policy here); ±inf values give inf or NaN
/// where scipy does.
/// @param u_weights, v_weights optional weights (nullptr = equal weights), same length as
///        the values, each finite and >= 0, with a positive sum (validated as
///        wasserstein_distance does).
/// @throws std::invalid_argument for an empty sample or invalid weights.
template <class T>
double energy_distance(const T* u_values, std::size_t nu, const T* v_values, std::size_t nv,
                       const double* u_weights = nullptr, const double* v_weights = nullptr) {
  if (nu == 0) detail::throw_invalid_argument("energy_distance: u_values must not be empty, got size 0");
  if (nv == 0) detail::throw_invalid_argument("energy_distance: v_values must not be empty, got size 0");
  if (u_weights != nullptr) detail::check_weights(u_weights, nu, "u_weights", "energy_distance");
  if (v_weights != nullptr) detail::check_weights(v_weights, nv, "v_weights", "energy_distance");
  if (kernels::count_nan(u_values, nu) != 0 || kernels::count_nan(v_values, nv) != 0)
    return std::numeric_limits<double>::quiet_NaN();
  const detail::weighted_sorted<T> u = detail::make_weighted_sorted(u_values, nu, u_weights);
  const detail::weighted_sorted<T> v = detail::make_weighted_sorted(v_values, nv, v_weights);
  const double l2sq = detail::l2sq_walk(u.values.data(), nu, u.cum.empty() ? nullptr : u.cum.data(),
                                        v.values.data(), nv, v.cum.empty() ? nullptr : v.cum.data());
  return std::sqrt(2.0) * std::sqrt(l2sq);
}

/// @brief The same on two samples already sorted ascending and free of NaN (no weights).
template <class T>
double energy_distance_sorted(const T* u_sorted, std::size_t nu, const T* v_sorted, std::size_t nv) {
  if (nu == 0) detail::throw_invalid_argument("energy_distance: u_values must not be empty, got size 0");
  if (nv == 0) detail::throw_invalid_argument("energy_distance: v_values must not be empty, got size 0");
  return std::sqrt(2.0) * std::sqrt(detail::l2sq_walk(u_sorted, nu, static_cast<const double*>(nullptr), v_sorted,
                                                      nv, static_cast<const double*>(nullptr)));
}

}  // namespace driftscope
