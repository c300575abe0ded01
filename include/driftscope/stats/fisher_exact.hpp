#pragma once
/// @file
/// @brief Fisher's exact test on a 2 x 2 table [[a, b], [c, d]], matching
/// scipy.stats.fisher_exact (scipy 1.17, 2 x 2 tables).
///
/// Definition: the statistic is the sample odds ratio a d / (b c) (inf when b or c is 0).
/// With rows sums n1 = a + b, n2 = c + d and first-column sum n = a + c, X ~
/// Hypergeometric(total n1 + n2, n1 successes, n draws):
///  - 'less':    P(X <= a);
///  - 'greater': P(Y <= b), Y ~ Hypergeometric(n1 + n2, n1, b + d);
///  - 'two-sided': the sum of P(X = x) over the x "as extreme" as a, i.e. with
///    P(X = x) <= P(X = a) (1 + 1e-14) (scipy's relative tolerance); found as scipy does by a
///    binary search for the matching point on the other side of the mode
///    floor((n + 1)(n1 + 1) / (n1 + n2 + 2)); 1 when P(X = a) equals P(X = mode) to 1e-14.
/// A table with an all-zero row or column gives (NaN, 1). The p-value is capped at 1.
/// Hypergeometric pmf / cdf / sf come from Boost.Math (as scipy's do), clipped to the
/// support as scipy.stats.rv_discrete does.
///
/// @throws std::invalid_argument for a negative count or a total above 2^32 - 1.

#include <driftscope/core/alternative.hpp>
#include <driftscope/core/error.hpp>

#include <boost/math/distributions/hypergeometric.hpp>
#include <boost/math/policies/policy.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace driftscope {

/// scipy's SignificanceResult(statistic, pvalue).
struct significance_result {
  double statistic = 0;
  double pvalue = 1;
};

/// @brief scipy.stats.fisher_exact([[a, b], [c, d]], alternative).
inline significance_result fisher_exact(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d,
                                        alternative alt = alternative::two_sided);

// ===================================================================================
// Implementation
// ===================================================================================

namespace detail::fisher {

using policy = boost::math::policies::policy<boost::math::policies::promote_float<false>,
                                             boost::math::policies::promote_double<false>>;

/// scipy.stats.hypergeom(M = total, n = successes, N = draws) restricted to the pieces
/// fisher_exact uses, with rv_discrete's handling of points outside the support.
class hypergeom {
 public:
  hypergeom(std::int64_t total, std::int64_t successes, std::int64_t draws)
      : dist_(static_cast<unsigned>(successes), static_cast<unsigned>(draws), static_cast<unsigned>(total)),
        lo_(std::max<std::int64_t>(draws - (total - successes), 0)),
        hi_(std::min(successes, draws)) {}

  double pmf(std::int64_t k) const {
    if (k < lo_ || k > hi_) return 0.0;
    return clip(boost::math::pdf(dist_, static_cast<unsigned>(k)));
  }
  double cdf(std::int64_t k) const {
    if (k >= hi_) return 1.0;
    if (k < lo_) return 0.0;
    return clip(boost::math::cdf(dist_, static_cast<unsigned>(k)));
  }
  double sf(std::int64_t k) const {
    if (k < lo_) return 1.0;
    if (k >= hi_) return 0.0;
    return clip(boost::math::cdf(boost::math::complement(dist_, static_cast<unsigned>(k))));
  }

 private:
  static double clip(double p) { return p < 0 ? 0.0 : p > 1 ? 1.0 : p; }
  boost::math::hypergeometric_distribution<double, policy> dist_;
  std::int64_t lo_, hi_;
};

/// The largest i in [lo - 1, hi] with f(i) <= target, f increasing on [lo, hi] (the
/// bisection scipy's fisher_exact uses, same probes).
template <class F>
std::int64_t search(F&& f, double target, std::int64_t lo, std::int64_t hi) {
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    const double v = f(mid);
    if (v < target) {
      lo = mid + 1;
    } else if (v > target) {
      hi = mid - 1;
    } else {
      return mid;
    }
  }
  return f(lo) <= target ? lo : lo - 1;
}

}  // namespace detail::fisher

inline significance_result fisher_exact(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d,
                                        alternative alt) {
  if (alt != alternative::two_sided && alt != alternative::less && alt != alternative::greater)
    detail::throw_invalid_argument("fisher_exact: alternative has invalid value {}", static_cast<int>(alt));
  if (a < 0 || b < 0 || c < 0 || d < 0)
    detail::throw_invalid_argument("fisher_exact: all values in table must be nonnegative, got [[{}, {}], [{}, {}]]", a,
                                   b, c, d);
  constexpr std::int64_t max_total = std::numeric_limits<unsigned>::max();
  if (a > max_total || b > max_total || c > max_total || d > max_total || a + b + c + d > max_total)
    detail::throw_invalid_argument("fisher_exact: the table total must be <= {}, got {}", max_total,
                                   static_cast<double>(a) + static_cast<double>(b) + static_cast<double>(c) +
                                       static_cast<double>(d));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (a + b == 0 || c + d == 0 || a + c == 0 || b + d == 0) return {nan, 1.0};

  significance_result r;
  // int64 products, then a true division (as numpy on int64 scalars)
  r.statistic = (c > 0 && b > 0) ? static_cast<double>(a * d) / static_cast<double>(c * b)
                                 : std::numeric_limits<double>::infinity();
  const std::int64_t n1 = a + b, n2 = c + d, n = a + c, total = n1 + n2;
  const detail::fisher::hypergeom h(total, n1, n);
  double p;
  if (alt == alternative::less) {
    p = h.cdf(a);
  } else if (alt == alternative::greater) {
    p = detail::fisher::hypergeom(total, n1, b + d).cdf(b);
  } else {
    const auto mode = static_cast<std::int64_t>(static_cast<double>((n + 1) * (n1 + 1)) / static_cast<double>(total + 2));
    const double pexact = h.pmf(a);
    const double pmode = h.pmf(mode);
    constexpr double epsilon = 1e-14;
    const double gamma = 1 + epsilon;
    if (std::fabs(pexact - pmode) / std::max(pexact, pmode) <= epsilon) {
      r.pvalue = 1.0;
      return r;
    }
    if (a < mode) {
      const double plower = h.cdf(a);
      if (h.pmf(n) > pexact * gamma) {
        r.pvalue = std::min(plower, 1.0);
        return r;
      }
      const std::int64_t guess =
          detail::fisher::search([&h](std::int64_t x) { return -h.pmf(x); }, -pexact * gamma, mode, n);
      p = plower + h.sf(guess);
    } else {
      const double pupper = h.sf(a - 1);
      if (h.pmf(0) > pexact * gamma) {
        r.pvalue = std::min(pupper, 1.0);
        return r;
      }
      const std::int64_t guess =
          detail::fisher::search([&h](std::int64_t x) { return h.pmf(x); }, pexact * gamma, 0, mode);
      p = pupper + h.cdf(guess);
    }
  }
  r.pvalue = std::min(p, 1.0);
  return r;
}

}  // namespace driftscope
