#pragma once
/// @file
/// @brief Jensen–Shannon distance between the binned distributions of a reference and a
/// current sample.
///
/// Definition: the same bins and counts as psi() (see binning.hpp), then the
/// Jensen–Shannon distance of the unsmoothed proportions,
/// `scipy.spatial.distance.jensenshannon(reference_counts, current_counts, base)`;
/// in [0, 1] for base 2 (the default). A drift-level API: NaN omitted by default and
/// counted in missing_reference / missing_current.
///
/// Example:
/// @code
///   auto r = driftscope::js_distance(ref.data(), ref.size(), cur.data(), cur.size());
/// @endcode

#include <driftscope/core/drift_result.hpp>
#include <driftscope/core/nan_policy.hpp>
#include <driftscope/stats/binning.hpp>
#include <driftscope/stats/detail/binned.hpp>
#include <driftscope/stats/jensenshannon.hpp>

#include <cmath>
#include <cstddef>
#include <limits>

namespace driftscope {

/// Options of js_distance(); defaults: 10 quantile bins, base 2, NaN omitted.
struct js_options {
  driftscope::binning binning{};
  double base = 2.0;  ///< logarithm base: finite, > 0, != 1
  driftscope::nan_policy nan = driftscope::nan_policy::omit;

  /// @throws std::invalid_argument naming "js_distance", the field and the value.
  void validate() const {
    binning.validate("js_distance");
    detail::check_base(base, "js_distance");
    detail::check_nan_policy(nan, "js_distance");
  }
};

namespace detail {
inline double js_from_counts(const drift_result& r, double base) {
  return jensenshannon_unchecked(r.reference_counts.data(), static_cast<double>(r.n_reference),
                                 r.current_counts.data(), static_cast<double>(r.n_current),
                                 r.reference_counts.size(), std::log(base));
}
}  // namespace detail

/// @brief Jensen–Shannon distance between the binned reference and current samples
/// (T, U = float or double, may differ).
/// @throws std::invalid_argument as psi(): empty samples, NaN under raise, bad options.
template <class T, class U>
drift_result js_distance(const T* reference, std::size_t n_reference, const U* current, std::size_t n_current,
                         const js_options& options = {}) {
  options.validate();
  drift_result r;
  const bool nan_out = detail::binned_prepare(reference, n_reference, current, n_current, options.binning,
                                              options.nan, "js_distance", r);
  r.statistic = nan_out ? std::numeric_limits<double>::quiet_NaN() : detail::js_from_counts(r, options.base);
  return r;
}

/// @brief Jensen–Shannon distance of two count vectors of length n (categorical
/// features): jensenshannon(reference_counts, current_counts, base).
/// @throws std::invalid_argument as jensenshannon(), naming js_distance_counts.
template <class T>
double js_distance_counts(const T* reference_counts, const T* current_counts, std::size_t n, double base = 2.0) {
  detail::check_base(base, "js_distance_counts");
  if (n == 0) detail::throw_invalid_argument("js_distance_counts: reference_counts must not be empty, got size 0");
  const double sr = detail::check_distribution(reference_counts, n, "js_distance_counts", "reference_counts");
  const double sc = detail::check_distribution(current_counts, n, "js_distance_counts", "current_counts");
  return detail::jensenshannon_unchecked(reference_counts, sr, current_counts, sc, n, std::log(base));
}

}  // namespace driftscope
