#pragma once
/// @file
/// @brief One merge walk over two sorted samples that yields every ECDF statistic.

#include <cstddef>

namespace driftscope::kernels {

/// Differences F1 - F2 of the two empirical CDFs, evaluated (as scipy.stats.ks_2samp
/// does) at every pooled data point, each F taken right-continuous:
/// F1(v) = #{a <= v} / na computed as `double(i) / double(na)`.
struct ecdf_walk_result {
  double max_diff = 0;      ///< max over pooled points of F1 - F2
  double min_diff = 0;      ///< min over pooled points of F1 - F2
  /// Where the max (min) is reached. Ties are broken as numpy's argmax over scipy's
  /// pooled array `concatenate([sorted a, sorted b])` does: the first such point of a
  /// if any point of a reaches it, else the first such point of b.
  double max_location = 0;
  double min_location = 0;
  /// ∫ |F1 - F2| dx over the pooled range: the sum over consecutive pooled points
  /// v_k < v_{k+1} of |F1(v_k) - F2(v_k)| * (v_{k+1} - v_k), i.e. the 1-Wasserstein
  /// distance of the two samples (scipy.stats.wasserstein_distance).
  /// Infinite values follow scipy's arithmetic: a gap to ±inf gives +inf (or NaN when
  /// F1 - F2 is 0 across that gap), and two equal infinite pooled values (inf - inf)
  /// give NaN; e.g. [-inf, 1] vs [2] → inf, [1, inf] vs [2, inf] → NaN. Float samples
  /// are widened to double first, as scipy does. The sum runs left to right, so it agrees
  /// with scipy's dot product to rounding (~1e-15 relative), not bit for bit.
  double l1 = 0;
};

/// @brief Walks sorted `a[0..na)` and sorted `b[0..nb)` once. The extremes and their
/// locations equal scipy.stats.ks_2samp's cddiffs max / min and argmax / argmin bit for
/// bit (note: ks_2samp's method='exact' then rounds the statistic to a multiple of
/// 1/lcm(na, nb); that rounding belongs to the caller). Precondition: both sorted
/// ascending, no NaN, na >= 1, nb >= 1. O(na + nb), no allocation.
ecdf_walk_result ecdf_walk(const double* a, std::size_t na, const double* b, std::size_t nb);
ecdf_walk_result ecdf_walk(const float* a, std::size_t na, const float* b, std::size_t nb);

}  // namespace driftscope::kernels
