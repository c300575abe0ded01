#pragma once
/// @file
/// @brief Distances between the binned proportions of a reference and a current sample:
/// Hellinger distance, total variation distance, L-infinity distance and the
/// Kullback–Leibler divergence.
///
/// Bins and counts are exactly those of psi() (detail::binned_prepare; see binning.hpp:
/// default reference deciles as numpy.quantile computes them, bin of x =
/// numpy.searchsorted(edges, x, side='right')). With r_i = reference_count_i / n_reference
/// and c_i = current_count_i / n_current:
///  - hellinger:        H = sqrt(1 − Σ sqrt(r_i c_i)) = (1/√2)·||√r − √c||₂, in [0, 1]. The
///    same definition as Evidently's "hellinger" stattest (evidently/calculations/stattests/
///    hellinger_distance.py, categorical branch). We evaluate the right-hand form: the
///    left one loses all precision for near-identical distributions (1 − (1 − tiny)).
///  - total_variation:  TVD = ½ Σ |r_i − c_i|, in [0, 1].
///  - linf_distance:    max_i |r_i − c_i|, in [0, 1].
///  - kl_divergence:    KL(ref ‖ cur) = Σ p_i log(p_i / q_i) (see kl_options for the
///    epsilon floor and the renormalization); >= 0, 0 iff the binned proportions agree.
/// Drift-level APIs: NaN omitted by default and counted in missing_reference /
/// missing_current; under nan_policy::propagate a NaN gives a NaN statistic.
///
/// Cost: the binning (O(n log n) for quantile edges, O(n) counting on the SIMD
/// kernels::bin_count); the distances are O(bins).
///
/// Example:
/// @code
///   auto h = driftscope::hellinger(ref.data(), ref.size(), cur.data(), cur.size());
///   auto kl = driftscope::kl_divergence(ref.data(), ref.size(), cur.data(), cur.size(),
///                                       driftscope::kl_options{driftscope::binning::uniform(20)});
/// @endcode

#include <driftscope/core/drift_result.hpp>
#include <driftscope/core/error.hpp>
#include <driftscope/core/nan_policy.hpp>
#include <driftscope/kernels/rel_entr_sum.hpp>
#include <driftscope/stats/binning.hpp>
#include <driftscope/stats/detail/binned.hpp>
#include <driftscope/stats/detail/sample.hpp>
#include <driftscope/stats/jensenshannon.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

namespace driftscope {

/// Euler's number, the default logarithm base of kl_divergence (natural log, nats).
inline constexpr double natural_log_base = 2.718281828459045235360287471352662498;

namespace detail {

/// KL's epsilon: 0 <= epsilon < 1 (0: no smoothing).
inline void check_kl_epsilon(double epsilon, std::string_view function) {
  if (!(epsilon >= 0 && epsilon < 1))
    throw_invalid_argument("{}: epsilon must be >= 0 and < 1, got {}", function, epsilon);
}

}  // namespace detail

/// Options of hellinger(), total_variation() and linf_distance(): 10 quantile bins, NaN
/// omitted (the psi() binning).
struct binned_distance_options {
  driftscope::binning binning{};
  driftscope::nan_policy nan = driftscope::nan_policy::omit;

  /// @throws std::invalid_argument naming `fn`, the field and the value.
  void validate(std::string_view fn = "binned_distance") const {
    binning.validate(fn);
    detail::check_nan_policy(nan, fn);
  }
};

/// @brief Options of kl_divergence(): 10 quantile bins, epsilon 1e-4, NaN omitted, natural log.
///
/// KL is computed on the bins where at least one of the samples has a value (bins empty on
/// both sides carry no information and would otherwise change the normalization). There,
/// each proportion is clipped from below at `epsilon` as in psi(), and the clipped
/// vectors are renormalized to sum 1 (scipy.stats.entropy normalizes pk and qk the same
/// way), so KL = scipy.stats.entropy(max(r, epsilon), max(c, epsilon), base) >= 0.
/// epsilon > 0 keeps KL finite where the current sample has an empty bin the reference
/// does not; epsilon == 0 gives the unsmoothed divergence, +inf when some c_i = 0 < r_i.
struct kl_options {
  driftscope::binning binning{};
  double epsilon = 1e-4;  ///< floor of each proportion, 0 <= epsilon < 1
  driftscope::nan_policy nan = driftscope::nan_policy::omit;
  double base = natural_log_base;  ///< logarithm base: finite, > 0, != 1

  /// @throws std::invalid_argument naming "kl_divergence", the field and the value.
  void validate() const {
    binning.validate("kl_divergence");
    detail::check_kl_epsilon(epsilon, "kl_divergence");
    detail::check_nan_policy(nan, "kl_divergence");
    detail::check_base(base, "kl_divergence");
  }
};

namespace detail {

/// ln(base), exactly 1 for the default base e.
inline double log_of_base(double base) {
  return base == natural_log_base ? 1.0 : std::log(base);
}

/// Hellinger distance of count vectors with sums sr, sc:
/// sqrt(½ Σ (sqrt(r_i) − sqrt(c_i))²), clamped to [0, 1] against rounding.
template <class C>
double hellinger_from_counts(const C* ref, double sr, const C* cur, double sc, std::size_t n) {
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d =
        std::sqrt(static_cast<double>(ref[i]) / sr) - std::sqrt(static_cast<double>(cur[i]) / sc);
    s += d * d;
  }
  return std::min(1.0, std::sqrt(0.5 * s));
}

/// Total variation distance ½ Σ |r_i − c_i| of count vectors, clamped to [0, 1].
template <class C>
double tvd_from_counts(const C* ref, double sr, const C* cur, double sc, std::size_t n) {
  double s = 0;
  for (std::size_t i = 0; i < n; ++i)
    s += std::fabs(static_cast<double>(ref[i]) / sr - static_cast<double>(cur[i]) / sc);
  return std::min(1.0, 0.5 * s);
}

/// max_i |r_i − c_i| of count vectors.
template <class C>
double linf_from_counts(const C* ref, double sr, const C* cur, double sc, std::size_t n) {
  double m = 0;
  for (std::size_t i = 0; i < n; ++i)
    m = std::max(m, std::fabs(static_cast<double>(ref[i]) / sr - static_cast<double>(cur[i]) / sc));
  return m;
}

struct kl_scratch_tag {};

/// KL(ref ‖ cur) of count vectors (see kl_options): bins empty on both sides skipped,
/// proportions floored at epsilon, renormalized, Σ rel_entr on kernels::rel_entr_sum,
/// divided by log_base. Tiny negative rounding is clamped to 0.
template <class C>
double kl_from_counts(const C* ref, double sr, const C* cur, double sc, std::size_t n,
                      double epsilon, double log_base) {
  std::vector<double>& buf = thread_scratch<double, kl_scratch_tag>();
  buf.resize(2 * n);
  double* p = buf.data();
  double* q = p + n;
  std::size_t k = 0;
  double sp = 0, sq = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double a = static_cast<double>(ref[i]), b = static_cast<double>(cur[i]);
    if (a == 0 && b == 0) continue;
    p[k] = std::max(a / sr, epsilon);
    q[k] = std::max(b / sc, epsilon);
    sp += p[k];
    sq += q[k];
    ++k;
  }
  for (std::size_t i = 0; i < k; ++i) {  // as scipy.stats.entropy: pk / sum(pk), qk / sum(qk)
    p[i] /= sp;
    q[i] /= sq;
  }
  const double kl = kernels::rel_entr_sum(p, q, k);
  return kl < 0 ? 0.0 : kl / log_base;
}

/// Common checks of the *_counts functions; returns the two sums.
template <class T>
std::pair<double, double> check_count_pair(const T* reference_counts, const T* current_counts,
                                           std::size_t n, std::string_view function) {
  if (n == 0)
    throw_invalid_argument("{}: reference_counts must not be empty, got size 0", function);
  const double sr = check_distribution(reference_counts, n, function, "reference_counts");
  const double sc = check_distribution(current_counts, n, function, "current_counts");
  return {sr, sc};
}

/// Bins, counts and a statistic stat(ref_counts, n_ref, cur_counts, n_cur, bins) for the
/// binned distances (NaN under propagate with NaN input).
template <class T, class U, class Stat>
drift_result binned_distance(const T* reference, std::size_t n_reference, const U* current,
                             std::size_t n_current, const binning& b, driftscope::nan_policy nan,
                             std::string_view function, Stat&& stat) {
  drift_result r;
  const bool nan_out =
      binned_prepare(reference, n_reference, current, n_current, b, nan, function, r);
  r.statistic = nan_out ? std::numeric_limits<double>::quiet_NaN()
                        : stat(r.reference_counts.data(), static_cast<double>(r.n_reference),
                               r.current_counts.data(), static_cast<double>(r.n_current),
                               r.reference_counts.size());
  return r;
}

}  // namespace detail

/// @brief Hellinger distance between the binned reference and current samples (T, U =
/// float or double, may differ): sqrt(1 − Σ sqrt(r_i c_i)), in [0, 1].
/// @return statistic, sizes, missing counts, edges and both count vectors.
/// @throws std::invalid_argument as psi(): empty sample (or empty after omitting NaN), NaN
///         under nan_policy::raise, invalid options (message names "hellinger").
template <class T, class U>
drift_result hellinger(const T* reference, std::size_t n_reference, const U* current,
                       std::size_t n_current, const binned_distance_options& options = {}) {
  options.validate("hellinger");
  return detail::binned_distance(
      reference, n_reference, current, n_current, options.binning, options.nan, "hellinger",
      [](const auto* a, double sa, const auto* b, double sb, std::size_t k) {
        return detail::hellinger_from_counts(a, sa, b, sb, k);
      });
}

/// @brief Total variation distance ½ Σ |r_i − c_i| between the binned samples, in [0, 1].
/// @throws std::invalid_argument as hellinger() (naming "total_variation").
template <class T, class U>
drift_result total_variation(const T* reference, std::size_t n_reference, const U* current,
                             std::size_t n_current, const binned_distance_options& options = {}) {
  options.validate("total_variation");
  return detail::binned_distance(
      reference, n_reference, current, n_current, options.binning, options.nan, "total_variation",
      [](const auto* a, double sa, const auto* b, double sb, std::size_t k) {
        return detail::tvd_from_counts(a, sa, b, sb, k);
      });
}

/// @brief L-infinity distance max_i |r_i − c_i| between the binned samples, in [0, 1].
/// @throws std::invalid_argument as hellinger() (naming "linf_distance").
template <class T, class U>
drift_result linf_distance(const T* reference, std::size_t n_reference, const U* current,
                           std::size_t n_current, const binned_distance_options& options = {}) {
  options.validate("linf_distance");
  return detail::binned_distance(
      reference, n_reference, current, n_current, options.binning, options.nan, "linf_distance",
      [](const auto* a, double sa, const auto* b, double sb, std::size_t k) {
        return detail::linf_from_counts(a, sa, b, sb, k);
      });
}

/// @brief Kullback–Leibler divergence KL(ref ‖ cur) of the binned samples (see
/// kl_options): scipy.stats.entropy(max(r, eps), max(c, eps), base) over the bins where
/// either sample has a value.
/// @throws std::invalid_argument as hellinger() (naming "kl_divergence"), or epsilon not in
///         [0, 1), or an invalid base.
template <class T, class U>
drift_result kl_divergence(const T* reference, std::size_t n_reference, const U* current,
                           std::size_t n_current, const kl_options& options = {}) {
  options.validate();
  const double eps = options.epsilon, lb = detail::log_of_base(options.base);
  return detail::binned_distance(
      reference, n_reference, current, n_current, options.binning, options.nan, "kl_divergence",
      [eps, lb](const auto* a, double sa, const auto* b, double sb, std::size_t k) {
        return detail::kl_from_counts(a, sa, b, sb, k, eps, lb);
      });
}

/// @brief Hellinger distance of two count vectors of length n (categorical features),
/// proportions ref_i / Σ ref and cur_i / Σ cur.
/// @throws std::invalid_argument if n == 0, an entry is negative / NaN / inf, or a sum is
///         not positive (as psi_counts, naming hellinger_counts).
template <class T>
double hellinger_counts(const T* reference_counts, const T* current_counts, std::size_t n) {
  const auto s = detail::check_count_pair(reference_counts, current_counts, n, "hellinger_counts");
  return detail::hellinger_from_counts(reference_counts, s.first, current_counts, s.second, n);
}

/// @brief Total variation distance of two count vectors of length n.
/// @throws std::invalid_argument as hellinger_counts (naming total_variation_counts).
template <class T>
double total_variation_counts(const T* reference_counts, const T* current_counts, std::size_t n) {
  const auto s =
      detail::check_count_pair(reference_counts, current_counts, n, "total_variation_counts");
  return detail::tvd_from_counts(reference_counts, s.first, current_counts, s.second, n);
}

/// @brief L-infinity distance of two count vectors of length n.
/// @throws std::invalid_argument as hellinger_counts (naming linf_distance_counts).
template <class T>
double linf_distance_counts(const T* reference_counts, const T* current_counts, std::size_t n) {
  const auto s =
      detail::check_count_pair(reference_counts, current_counts, n, "linf_distance_counts");
  return detail::linf_from_counts(reference_counts, s.first, current_counts, s.second, n);
}

/// @brief KL(ref ‖ cur) of two count vectors of length n, with kl_options' epsilon floor
/// and renormalization; base e by default.
/// @throws std::invalid_argument as hellinger_counts, or epsilon not in [0, 1), or an
///         invalid base (naming kl_divergence_counts).
template <class T>
double kl_divergence_counts(const T* reference_counts, const T* current_counts, std::size_t n,
                            double epsilon = 1e-4, double base = natural_log_base) {
  detail::check_kl_epsilon(epsilon, "kl_divergence_counts");
  detail::check_base(base, "kl_divergence_counts");
  const auto s =
      detail::check_count_pair(reference_counts, current_counts, n, "kl_divergence_counts");
  return detail::kl_from_counts(reference_counts, s.first, current_counts, s.second, n, epsilon,
                                detail::log_of_base(base));
}

}  // namespace driftscope
