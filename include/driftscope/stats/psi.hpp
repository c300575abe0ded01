#pragma once
/// @file
/// @brief Population Stability Index (PSI) between a reference and a current sample.
///
/// Definition (kept exactly; the usual credit-scoring PSI, e.g. Yurdakul 2018,
/// "Statistical properties of population stability index"): bins from the reference
/// (see binning.hpp; default: reference deciles as numpy.quantile computes them),
/// r_i = reference_count_i / n_reference and c_i = current_count_i / n_current, each
/// clipped from below at `epsilon`, PSI = Σ_i (c_i − r_i)·ln(c_i / r_i) >= 0.
/// The bin of x is numpy.searchsorted(edges, x, side='right'); counting runs on the SIMD
/// kernels::bin_count. A drift-level API: NaN values are omitted by default and counted
/// in missing_reference / missing_current.
///
/// Example:
/// @code
///   auto r = driftscope::psi(ref.data(), ref.size(), cur.data(), cur.size());
///   if (r.statistic > 0.25) { /* significant shift */ }
/// @endcode

#include <driftscope/core/drift_result.hpp>
#include <driftscope/core/nan_policy.hpp>
#include <driftscope/stats/binning.hpp>
#include <driftscope/stats/detail/binned.hpp>

#include <cstddef>
#include <limits>

namespace driftscope {

/// Options of psi(); defaults: 10 quantile bins, epsilon 1e-4, NaN omitted.
struct psi_options {
  driftscope::binning binning{};
  double epsilon = 1e-4;  ///< floor of each proportion, 0 < epsilon < 1
  driftscope::nan_policy nan = driftscope::nan_policy::omit;

  /// @throws std::invalid_argument naming "psi", the field and the value.
  void validate() const {
    binning.validate("psi");
    detail::check_epsilon(epsilon, "psi");
    detail::check_nan_policy(nan, "psi");
  }
};

/// @brief PSI of `current` against `reference` (T, U = float or double, may differ).
/// @return statistic, sizes, missing counts, edges and both count vectors.
/// @throws std::invalid_argument for an empty sample (or empty after omitting NaN), NaN
///         under nan_policy::raise, invalid options, or uniform binning of a reference
///         without finite values. Under nan_policy::propagate a NaN gives a NaN statistic.
template <class T, class U>
drift_result psi(const T* reference, std::size_t n_reference, const U* current, std::size_t n_current,
                 const psi_options& options = {}) {
  options.validate();
  drift_result r;
  const bool nan_out =
      detail::binned_prepare(reference, n_reference, current, n_current, options.binning, options.nan, "psi", r);
  r.statistic = nan_out ? std::numeric_limits<double>::quiet_NaN()
                        : detail::psi_from_counts(r.reference_counts.data(), static_cast<double>(r.n_reference),
                                                  r.current_counts.data(), static_cast<double>(r.n_current),
                                                  r.reference_counts.size(), options.epsilon);
  return r;
}

/// @brief PSI of two count vectors of length n (categorical features): proportions
/// ref_i / Σ ref and cur_i / Σ cur, each clipped from below at epsilon,
/// Σ (c_i − r_i)·ln(c_i / r_i).
/// @throws std::invalid_argument if n == 0, an entry is negative / NaN / inf, a sum is
///         not positive, or epsilon is not in (0, 1).
template <class T>
double psi_counts(const T* reference_counts, const T* current_counts, std::size_t n, double epsilon = 1e-4) {
  detail::check_epsilon(epsilon, "psi_counts");
  if (n == 0) detail::throw_invalid_argument("psi_counts: reference_counts must not be empty, got size 0");
  const double sr = detail::check_distribution(reference_counts, n, "psi_counts", "reference_counts");
  const double sc = detail::check_distribution(current_counts, n, "psi_counts", "current_counts");
  return detail::psi_from_counts(reference_counts, sr, current_counts, sc, n, epsilon);
}

}  // namespace driftscope
