#pragma once
/// @file
/// @brief Kolmogorov–Smirnov drift decision on KLL sketches: sketch vs sketch, or
/// sketch vs an exact reference (reference_profile).
///
/// Statistic: D = sup_x |F1(x) − F2(x)| where F is a sketch's weighted CDF (weight of
/// retained items <= x over n, kll_sketch::rank) or the reference's exact ECDF, evaluated
/// at every retained item / reference value (the union of the jump points, so D is the
/// exact supremum of the two step functions).
///
/// Decision rule (Apache DataSketches, kolmogorov_smirnov::test in
/// kll/include/kolmogorov_smirnov_impl.hpp): drift when D > threshold with
///   threshold = c(α)·sqrt((n1 + n2) / (n1·n2)) + ε1 + ε2,  c(α) = sqrt(−ln(α/2) / 2),
/// the asymptotic two-sample KS critical value plus each sketch's normalized rank error
/// (kll_sketch::normalized_rank_error(false); 0 for an exact reference and for a sketch
/// still in exact mode). Each |F_sketch − F_exact| <= ε with 99% confidence, so
/// D <= D_exact + ε1 + ε2 and, under no drift, the false alarm rate stays near α (plus
/// the sketches' 1% failure probability each).
/// Two documented differences from DataSketches: (1) DataSketches puts the numbers of
/// retained items in place of n1, n2 in the square root, a much larger (more
/// conservative) threshold once the sketches compact; we use the stream sizes, which the
/// argument above justifies, so small shifts are detected earlier at the same k;
/// (2) ε = 0 for a sketch that has not compacted (its CDF is exact).
/// No p-value is given (the sketch error makes one ill-defined).
///
/// Example:
/// @code
///   auto r = driftscope::sketch_ks_test(ref_sketch, cur_sketch, 0.05);
///   if (r.drift) ...;   // r.statistic, r.threshold, r.eps
/// @endcode

#include <driftscope/core/error.hpp>
#include <driftscope/sketch/kll_sketch.hpp>
#include <driftscope/stats/reference_profile.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace driftscope {

/// Result of sketch_ks_test.
struct sketch_ks_result {
  double statistic = 0;  ///< D, sup |F1 − F2|
  double threshold = 0;  ///< c(α)·sqrt((n1+n2)/(n1·n2)) + eps
  bool drift = false;    ///< statistic > threshold
  double eps = 0;        ///< ε1 + ε2 added to the threshold
  double alpha = 0.05;   ///< significance level used
  std::uint64_t n1 = 0;  ///< values summarized by the first argument (NaN excluded)
  std::uint64_t n2 = 0;  ///< values summarized by the second argument
};

namespace detail {

inline void check_ks_alpha(double alpha, const char* fn) {
  if (!(alpha > 0 && alpha < 1))
    throw_invalid_argument("{}: alpha must be in (0, 1), got {}", fn, alpha);
}

/// sup |A(x) − B(x)| of two weighted step CDFs given as ascending items with inclusive
/// cumulative weights (totals na, nb), evaluated after all items equal to each x.
template <class A, class B, class WA, class WB>
double sup_cdf_gap(const A* a, const WA& wa, std::size_t la, double na, const B* b, const WB& wb,
                   std::size_t lb, double nb) {
  std::size_t i = 0, j = 0;
  double d = 0;
  while (i < la || j < lb) {
    double x;
    if (i < la && j < lb)
      x = std::min(static_cast<double>(a[i]), static_cast<double>(b[j]));
    else
      x = i < la ? static_cast<double>(a[i]) : static_cast<double>(b[j]);
    while (i < la && static_cast<double>(a[i]) <= x) ++i;
    while (j < lb && static_cast<double>(b[j]) <= x) ++j;
    const double fa = i == 0 ? 0.0 : static_cast<double>(wa(i - 1)) / na;
    const double fb = j == 0 ? 0.0 : static_cast<double>(wb(j - 1)) / nb;
    d = std::max(d, std::abs(fa - fb));
  }
  return d;
}

template <class T>
double kll_eps(const kll_sketch<T>& s) {
  return s.is_estimation_mode() ? s.normalized_rank_error(false) : 0.0;
}

inline sketch_ks_result finish_ks(double d, double eps, double alpha, std::uint64_t n1,
                                  std::uint64_t n2) {
  sketch_ks_result r;
  r.statistic = d;
  r.eps = eps;
  r.alpha = alpha;
  r.n1 = n1;
  r.n2 = n2;
  const double a = static_cast<double>(n1), b = static_cast<double>(n2);
  r.threshold = std::sqrt(-0.5 * std::log(0.5 * alpha)) * std::sqrt((a + b) / (a * b)) + eps;
  r.drift = d > r.threshold;
  return r;
}

}  // namespace detail

/// @brief KS statistic between two KLL sketches' weighted CDFs (no decision).
/// @throws std::domain_error when either sketch is empty.
template <class T>
double sketch_ks_statistic(const kll_sketch<T>& a, const kll_sketch<T>& b) {
  if (a.is_empty() || b.is_empty())
    detail::throw_domain_error("sketch_ks_test: both sketches must be non-empty");
  const auto va = a.sorted();
  const auto vb = b.sorted();
  return detail::sup_cdf_gap(
      va.items.data(), [&](std::size_t i) { return va.cum_weights[i]; }, va.items.size(),
      static_cast<double>(a.n()), vb.items.data(), [&](std::size_t i) { return vb.cum_weights[i]; },
      vb.items.size(), static_cast<double>(b.n()));
}

/// @brief KS drift decision between two KLL sketches (rule in the file comment).
/// @throws std::invalid_argument for alpha outside (0, 1); std::domain_error when either
///         sketch is empty.
template <class T>
sketch_ks_result sketch_ks_test(const kll_sketch<T>& a, const kll_sketch<T>& b,
                                double alpha = 0.05) {
  detail::check_ks_alpha(alpha, "sketch_ks_test");
  const double d = sketch_ks_statistic(a, b);
  return detail::finish_ks(d, detail::kll_eps(a) + detail::kll_eps(b), alpha, a.n(), b.n());
}

/// @brief KS drift decision between an exact reference (n1 = reference.n()) and a KLL
/// sketch of the current data (ε = the sketch's only). Under nan_policy propagate a
/// reference with NaN gives statistic NaN and drift false.
/// @throws std::invalid_argument for alpha outside (0, 1); std::domain_error when the
///         sketch is empty.
template <class U, class T>
sketch_ks_result sketch_ks_test(const reference_profile<U>& reference, const kll_sketch<T>& current,
                                double alpha = 0.05) {
  detail::check_ks_alpha(alpha, "sketch_ks_test");
  if (current.is_empty())
    detail::throw_domain_error("sketch_ks_test: the current sketch must be non-empty");
  const auto& ref = reference.sorted_values();
  const auto vc = current.sorted();
  double d;
  if (reference.nan() == nan_policy::propagate && reference.missing() != 0) {
    d = std::numeric_limits<double>::quiet_NaN();
  } else {
    d = detail::sup_cdf_gap(
        ref.data(), [](std::size_t i) { return static_cast<std::uint64_t>(i + 1); }, ref.size(),
        static_cast<double>(ref.size()), vc.items.data(),
        [&](std::size_t i) { return vc.cum_weights[i]; }, vc.items.size(),
        static_cast<double>(current.n()));
  }
  return detail::finish_ks(d, detail::kll_eps(current), alpha, ref.size(), current.n());
}

}  // namespace driftscope
