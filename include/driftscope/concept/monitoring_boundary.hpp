#pragma once
/// @file
/// @brief Boundaries of sequential (monitoring) structural-change tests: the
/// Chu–Stinchcombe–White CUSUM boundary with its critical value at any level, and a
/// constant MOSUM boundary for a finite monitoring horizon.
///
/// ## CUSUM monitoring (Chu, Stinchcombe & White 1996, Econometrica 64, 1045–1065;
/// Zeileis, Leisch, Kleiber & Hornik 2005, J. Appl. Econometrics 20, 99–121)
/// After a reference (historical) sample of m observations, the standardized cumulative
/// sum of the k monitored residuals, Q(k) = Σ_{i≤k} e_i / (σ̂ √m), converges under "no
/// change" to W(t) − t W(1) in the time scale t = (m + k) / m > 1 (variance t(t − 1)).
/// CSW's boundary b(t) = √(t(t − 1)(c² + ln(t / (t − 1)))) is crossed by |W(t) − tW(1)|
/// on t ∈ (1, ∞) with probability exactly 2[1 − Φ(c) + c φ(c)] (CSW 1996, via the
/// Robbins–Siegmund boundary-crossing formula for Brownian motion). Over a FINITE horizon
/// the crossing probability is smaller (the test is conservative): 4.4 % instead of 5 %
/// for m = 1000 and 9000 monitored values (t ≤ 10) at c = c(0.05), 8.35 % at c(0.10),
/// 1.05 % at c(0.01) (2000 simulated runs each, tests/cpp/test_residual_monitor.cpp).
/// csw_critical_value(α) inverts that probability: c(0.10) = 2.500, c(0.05) = 2.7955,
/// c(0.01) = 3.368 (the values of CSW 1996 Table I / Zeileis et al. 2005).
///
/// ## MOSUM with a constant boundary (moving sums of h residuals)
/// M(k) = Σ_{i=k−h+1}^{k} e_i / (σ̂ √(h (1 + h/m))) is, under no change, a stationary
/// Gaussian process (asymptotically) with correlation 1 − |τ| / h_eff at lag τ,
/// h_eff = h(1 + h/m) (the h²/m term is the reference-estimation error, common to all
/// windows). For such a process the Pickands / Siegmund tail approximation
/// (Siegmund 1985, Sequential Analysis, ch. 11; Leadbetter, Lindgren & Rootzén 1983, §12,
/// Pickands constant H_1 = 1) gives, over the window positions k = h..H,
///   P(max |M| > b) ≈ 2[1 − Φ(b)] + 2 ((H − h) / h_eff) b φ(b).
/// mosum_critical_value() solves it for b at a level. The approximation treats time as
/// continuous; on the discrete positions k it over-states the crossing probability (so
/// the MOSUM is conservative): measured 3.85 % at level 0.05 for h = 200, H = 9000,
/// m = 1000 (2000 simulated runs, tests/cpp/test_residual_monitor.cpp).

#include <driftscope/core/error.hpp>

#include <boost/math/tools/toms748_solve.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <algorithm>
#include <utility>

namespace driftscope {

namespace detail {

inline double boundary_normal_cdf_upper(double x) { return 0.5 * std::erfc(x / std::sqrt(2.0)); }
inline double boundary_normal_pdf(double x) {
  return std::exp(-0.5 * x * x) / std::sqrt(2.0 * 3.14159265358979323846);
}

/// Root of a decreasing f on [lo, hi] (f(lo) >= 0 >= f(hi)) by TOMS 748 to ~1e-15.
template <class F>
double boundary_solve_decreasing(F f, double lo, double hi) {
  std::uintmax_t iters = 200;
  auto tol = [](double a, double b) { return std::abs(b - a) <= 4e-16 * std::max(1.0, std::abs(a)); };
  const std::pair<double, double> r = boost::math::tools::toms748_solve(f, lo, hi, tol, iters);
  return 0.5 * (r.first + r.second);
}

}  // namespace detail

/**
 * @brief CSW (1996) crossing probability of the CUSUM boundary with constant c over
 * t ∈ (1, ∞): 2[1 − Φ(c) + c φ(c)]. Decreasing in c > 0, equal to 1 at c = 0.
 * @throws std::invalid_argument c not finite or negative
 */
inline double csw_crossing_probability(double c) {
  if (!(c >= 0.0) || !std::isfinite(c))
    detail::throw_invalid_argument("csw_crossing_probability: c must be finite and >= 0, got {}", c);
  return 2.0 * (detail::boundary_normal_cdf_upper(c) + c * detail::boundary_normal_pdf(c));
}

/**
 * @brief CSW critical value c(α): the c > 0 with csw_crossing_probability(c) = α, by
 * TOMS 748 bracketing (Boost.Math) to ~1e-15 relative. c(0.05) = 2.7955.
 * @throws std::invalid_argument alpha not in (0, 1)
 */
inline double csw_critical_value(double alpha) {
  if (!(alpha > 0.0 && alpha < 1.0))
    detail::throw_invalid_argument("csw_critical_value: alpha must be in (0, 1), got {}", alpha);
  auto f = [alpha](double c) { return csw_crossing_probability(c) - alpha; };
  double hi = 4.0;
  while (f(hi) > 0.0) hi *= 2.0;  // α down to ~1e-300 stays finite
  return detail::boundary_solve_decreasing(f, 0.0, hi);
}

/**
 * @brief CSW boundary b(t) = √(t(t − 1)(c² + ln(t / (t − 1)))) for t = (m + k)/m > 1;
 * 0 at t = 1 (the limit).
 * @throws std::invalid_argument t < 1 or not finite, c < 0
 */
inline double csw_boundary(double t, double c) {
  if (!(t >= 1.0) || !std::isfinite(t))
    detail::throw_invalid_argument("csw_boundary: t must be finite and >= 1, got {}", t);
  if (!(c >= 0.0) || !std::isfinite(c))
    detail::throw_invalid_argument("csw_boundary: c must be finite and >= 0, got {}", c);
  if (t == 1.0) return 0.0;
  const double g = t * (t - 1.0);
  return std::sqrt(g * (c * c + std::log(t / (t - 1.0))));
}

/// The CSW boundary at monitored index k (1-based count of monitored values) after m
/// reference values: csw_boundary((m + k) / m, c).
inline double csw_boundary_at(std::uint64_t k, std::uint64_t m, double c) {
  if (m == 0) detail::throw_invalid_argument("csw_boundary_at: m must be >= 1, got 0");
  return csw_boundary((static_cast<double>(m) + static_cast<double>(k)) / static_cast<double>(m), c);
}

/**
 * @brief Approximate probability that the standardized MOSUM over windows of h values
 * (reference size m) exceeds b in absolute value at some window end k = h..H:
 * 2[1 − Φ(b)] + 2 ((H − h) / h_eff) b φ(b), h_eff = h(1 + h/m), clipped to [0, 1].
 * @throws std::invalid_argument h == 0, m == 0, H < h, b not finite
 */
inline double mosum_crossing_probability(double b, std::uint64_t horizon, std::uint64_t h,
                                         std::uint64_t m) {
  if (h == 0) detail::throw_invalid_argument("mosum_crossing_probability: h must be >= 1, got 0");
  if (m == 0) detail::throw_invalid_argument("mosum_crossing_probability: m must be >= 1, got 0");
  if (horizon < h)
    detail::throw_invalid_argument("mosum_crossing_probability: horizon must be >= h = {}, got {}", h,
                                   horizon);
  if (!std::isfinite(b)) detail::throw_invalid_argument("mosum_crossing_probability: b must be finite, got {}", b);
  const double hd = static_cast<double>(h);
  const double h_eff = hd * (1.0 + hd / static_cast<double>(m));
  const double span = static_cast<double>(horizon - h) / h_eff;
  const double ab = std::abs(b);
  const double pr = 2.0 * detail::boundary_normal_cdf_upper(ab) + 2.0 * span * ab * detail::boundary_normal_pdf(ab);
  return std::min(1.0, std::max(0.0, pr));
}

/**
 * @brief Constant MOSUM boundary b at level α (see mosum_crossing_probability): the root
 * on b >= 1, where the approximation decreases in b. When even b = 1 gives a probability
 * below α (large α, short horizon) the two-sided normal quantile Φ⁻¹(1 − α/2) is returned.
 * @throws std::invalid_argument alpha not in (0, 1), h == 0, m == 0, horizon < h
 */
inline double mosum_critical_value(double alpha, std::uint64_t horizon, std::uint64_t h, std::uint64_t m) {
  if (!(alpha > 0.0 && alpha < 1.0))
    detail::throw_invalid_argument("mosum_critical_value: alpha must be in (0, 1), got {}", alpha);
  auto f = [&](double b) { return mosum_crossing_probability(b, horizon, h, m) - alpha; };
  if (f(1.0) <= 0.0) {
    auto g = [alpha](double b) { return 2.0 * detail::boundary_normal_cdf_upper(b) - alpha; };
    return detail::boundary_solve_decreasing(g, 0.0, 40.0);
  }
  double hi = 8.0;
  while (f(hi) > 0.0) hi *= 2.0;
  return detail::boundary_solve_decreasing(f, 1.0, hi);
}

}  // namespace driftscope
