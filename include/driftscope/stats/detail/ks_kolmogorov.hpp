#pragma once
/// @file
/// @brief Distribution of the one-sample Kolmogorov–Smirnov statistics D_n (two-sided)
/// and D_n^+ (one-sided), as scipy.stats.kstwo and scipy.special.smirnov compute them.
///
/// Internal to driftscope::ks_2samp, which needs `kstwo.sf(d, n)` for its asymptotic
/// two-sided p-value. The choice of algorithm by region of (n, d) follows
///   R. Simard, P. L'Ecuyer (2011), "Computing the Two-Sided Kolmogorov-Smirnov
///   Distribution", Journal of Statistical Software 39(11),
/// with the same cut-offs as scipy.stats._ksstats (scipy 1.17):
///   - Ruben–Gambino closed forms for n·d <= 1 and n·d >= n-1;
///   - d >= 1/2: exactly 2·P(D_n^+ >= d) (the two one-sided events are disjoint);
///   - n <= 140: Durbin's matrix (Marsaglia–Tsang–Wang) for n·d² <= 0.754693,
///     Pomeranz's recursion for n·d² <= 4, else Miller's 2·P(D_n^+ >= d);
///   - n > 140 (survival function): 0 for n·d² >= 370, 2·P(D_n^+ >= d) for n·d² >= 2.2,
///     else 1 - CDF with the CDF from Durbin's matrix (n <= 1e5 and n·d^1.5 <= 1.4) or
///     the Pelz–Good asymptotic series.
/// P(D_n^+ >= d) is the Birnbaum–Tingey / Smirnov finite sum (as in scipy.special.smirnov,
/// van Mulbregt 2018, arXiv:1802.06966), evaluated here with long double logarithms of
/// each term (not scipy's double-double arithmetic), and for more than 2000 terms by a
/// windowed lattice sum (smirnov_log_sum_lattice) in tens of microseconds instead of
/// O(n). Agreement with scipy is ~1e-15 relative where scipy is accurate (x86-64 long
/// double; aarch64's quad long double is slower but as accurate; about 1e-12 on
/// platforms whose long double is plain double).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace driftscope::detail::ks {

/// Clips a probability to [0, 1]; NaN passes through (as numpy.clip).
inline double clip_prob(double p) noexcept {
  if (p < 0.0) return 0.0;
  if (p > 1.0) return 1.0;
  return p;
}

constexpr double ks_pi = 3.141592653589793238462643383279502884;
constexpr int scale_exponent = 128;  // rescaling step 2^128 for the exact algorithms

/// log(n! / n^n) by Stirling's series with n·log(n) removed up front (as scipy).
inline double log_nfactorial_div_n_pow_n(double n) noexcept {
  // Bernoulli-number coefficients B_{2j}/(2j(2j-1)), j = 8..1 (highest first).
  static constexpr double stirling[8] = {
      -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3,
      8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4,
      -2.7777777777777777778e-3, 8.3333333333333333333e-2};
  const double rn = 1.0 / n;
  const double y = rn / n;
  double poly = 0.0;
  for (double c : stirling) poly = poly * y + c;
  return std::log(n) / 2 - n + std::log(2 * ks_pi) / 2 + rn * poly;
}

// ---------------------------------------------------------------------------------
// One-sided: P(D_n^+ >= x), Smirnov / Birnbaum–Tingey.
// ---------------------------------------------------------------------------------

// Fast evaluation of the Birnbaum–Tingey sum for large n.
//
// Write a = n·x and, for real v in [0, N] (N = the last index of the sum, so that
// B(v) = n - v - a > 0 there), the log of the v-th summand
//   L(v) = log C(n,v) + (v-1)·log(A/n) + (n-v)·log(B/n),   A = a + v, B = n - v - a,
// with log C(n,v) = lgamma(n+1) - lgamma(v+1) - lgamma(n-v+1). The summands are the
// probabilities of Consul's quasi-binomial distribution (parameters x, 1/n) restricted
// to v <= N.
//
// 1. Log-concavity. With psi' the trigamma function,
//      L''(v) = [-psi'(v+1) + (2a+v+1)/A²] + [-psi'(n-v+1) + (B-a)/B²].
//    Since psi'(z) = sum_{k>=0} 1/(z+k)² > integral_0^inf dt/(z+t)² = 1/z for z > 0,
//      first bracket  < (2a+v+1)/A² - 1/(v+1)   = (2a+2v+1-a²)/(A²(v+1)),
//      second bracket < (B-a)/B² - 1/(a+B+1)   = (B-a-a²)/(B²(a+B+1))   (n-v = a+B).
//    On [0, N] we have v <= N <= n - a and B <= n - a, so both are negative as soon as
//    a² > 2n + 1 (then 2a + 2v + 1 <= 2n + 1 < a² and B <= n - a < a² + a), i.e.
//    n·x² > 2 + 1/n: this holds in all of kolmogorov_sf's Smirnov band (n·x² >= 2.2)
//    and for x >= 1/2 once n >= 9. Hence L is strictly concave on [0, N] and the
//    forward differences D(v) = L(v+1) - L(v) decrease: the terms are unimodal, and
//    from any index p on the far side of the peak, L(p ± k) <= L(p) + k·D±(p) with
//    D+(p) = L(p+1) - L(p), D-(p) = L(p-1) - L(p), so
//      sum_{k>=1} T(p ± k) <= T(p)·r/(1-r),  r = exp(D±(p)) < 1,
//    and, by monotonicity, also <= T(p)·(number of indices left on that side).
//
// 2. Window. The peak sits near v = n(1/2 - x) (the crossing time of a Brownian bridge
//    at level x·sqrt(n) concentrates around t = 1/2) with a width of order
//    sigma ~ sqrt(n)/(4x) = n/(4·x·sqrt(n)); in the band x·sqrt(n) is 1.5 .. 19, so the
//    terms above 1e-20 of the peak still cover about a third to nine tenths of all N
//    indices (measured: 33% at n = 5e5, x = 0.02; 92% at x = 0.003). Truncating the
//    tails alone therefore saves little; what makes the sum cheap is step 3.
//
// 3. Lattice sum. T(v) = exp(L(v)) is analytic in a strip around the real axis whose
//    width is of the order of sigma in the bulk (the nearest singularities are the poles
//    of lgamma at v = -1, -2, ..., n+1, ... and the branch points v = -a, v = n - a, all
//    at distances ~n/4 from the peak, where T is anyway negligible). By the Poisson
//    summation formula, h·sum_j T(c + j·h) = sum_k That(k/h)·e^{2 pi i k c/h}, while the
//    exact sum is sum_k That(k) (the tails beyond the window are bounded by 1.): both
//    equal the integral of T up to terms that decay geometrically in sigma/h (Trefethen
//    & Weideman 2014, "The exponentially convergent trapezoidal rule", SIAM Review 56,
//    Thm 5.1). We sum T over the lattice vp + j·h (vp = the peak, h ~ sigma/16) out to
//    the points where the bound of 1. drops below 1e-20 of the peak term (hence of the
//    sum), and accept the result only if the two interleaved sub-lattices of step 2h
//    (j even / j odd) agree to 1e-10 relative: their difference is the leading aliasing
//    term of step 2h, and with geometric convergence the error at step h is about its
//    square, ~1e-20. Otherwise h is halved, down to h = 1, which is the exact sum of the
//    window (the tails then carry the rigorous bound of 1. only). For a Gaussian-like
//    peak the aliasing error at h = sigma/16 is ~exp(-2 pi² 64) = 0 to any precision;
//    the check guards against a badly estimated sigma or a very skewed peak (observed:
//    one halving for some n·x² below ~2.6; accepted results agree with the exact
//    windowed h = 1 sum to <= 6e-15 over 1500 random (n, x), n in [2e3, 1e6]).
//    What is proven is the tail bound of 1.; the lattice's interior accuracy rests on
//    this a-posteriori check (standard for exponentially convergent rules, not a proof).
//    When the lattice would step past v = 0 or v = N while the terms there are not below
//    1e-20 of the peak (small n, N up to a few thousand), the caller sums every term.
//
// L(v) is evaluated directly (not accumulated) with Stirling's series moved into terms
// of size ~a = n·x, so its absolute error in long double is ~a·2^-64 <= 1e-15 for
// n <= 1e6: with ~3 long-double logarithms per point and a few hundred points, the sum
// costs tens of microseconds instead of O(n) transcendentals.

/// log(k!) - (k·log k - k + log(2·pi·k)/2) for k >= 1: Stirling's series for k >= 20
/// (terms to k^-9; the first omitted term bounds the error, < 1e-17), else exactly from k!.
inline long double smirnov_stirling_remainder(std::int64_t k) noexcept {
  using ld = long double;
  constexpr ld pi_l = 3.141592653589793238462643383279502884L;
  const ld kl = static_cast<ld>(k);
  if (k >= 20) {
    const ld r = 1 / kl, r2 = r * r;
    return r * (1.0L / 12 + r2 * (-1.0L / 360 + r2 * (1.0L / 1260 + r2 * (-1.0L / 1680 + r2 * (1.0L / 1188)))));
  }
  std::uint64_t f = 1;  // 19! < 2^63: exact
  for (std::uint64_t j = 2; j <= static_cast<std::uint64_t>(k); ++j) f *= j;
  return std::log(static_cast<ld>(f)) - (kl * std::log(kl) - kl + std::log(2 * pi_l * kl) / 2);
}

/// The log-summand L(v) of the Birnbaum–Tingey sum (see above) for 0 <= v <= N, with
/// a = n·x and c_n = smirnov_stirling_remainder(n).
inline long double smirnov_log_term(std::int64_t n, long double xl, long double a, long double c_n,
                                    std::int64_t v) noexcept {
  using ld = long double;
  constexpr ld two_pi_l = 6.283185307179586476925286766559005768L;
  const ld nl = static_cast<ld>(n);
  if (v == 0) return nl * std::log1p(-xl) - std::log(xl);
  // log C(n,v) + (v-1)·log(A/n) + (n-v)·log(B/n) with log k! from Stirling's formula:
  //   v·log(1 + a/v) + (n-v)·log(1 - a/(n-v)) - log(2·pi·v·(n-v)·A²/n³)/2 + c_n - c_v - c_{n-v}
  const ld vl = static_cast<ld>(v), m = static_cast<ld>(n - v);
  const ld A = a + vl, B = m - a;
  const ld y = a / m;
  const ld log_b_m = y < 0.5L ? std::log1p(-y) : std::log(B / m);
  const ld an = A / nl;
  return vl * std::log1p(a / vl) + m * log_b_m - std::log(two_pi_l * (vl / nl) * m * an * an) / 2 + c_n -
         smirnov_stirling_remainder(v) - smirnov_stirling_remainder(n - v);
}

/// log of sum_{v=0}^{N} T(v) by the windowed lattice sum described above. Returns false
/// (and leaves *log_sum alone) when log-concavity is not proven (a² <= 2n + 1) or a
/// window side reaches an end of [0, N] while the terms there are not negligible; the
/// caller then sums every term.
inline bool smirnov_log_sum_lattice(std::int64_t n, double x, std::int64_t N, long double* log_sum) {
  using ld = long double;
  const ld nl = static_cast<ld>(n), xl = static_cast<ld>(x), a = nl * xl;
  if (!(a * a > 2 * nl + 1) || N < 2) return false;
  const ld c_n = smirnov_stirling_remainder(n);
  auto L = [&](std::int64_t v) { return smirnov_log_term(n, xl, a, c_n, v); };
  // The peak: the first v with L(v+1) <= L(v) (D decreases), or N.
  std::int64_t lo = 0, hi = N;
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (L(mid + 1) - L(mid) <= 0) hi = mid;
    else lo = mid + 1;
  }
  const std::int64_t vp = lo;
  const ld lp = L(vp);
  // Width: sigma = 1/sqrt(-L'') from the drop over +-k around the peak (the larger
  // curvature of the two sides, so h errs on the small side).
  const std::int64_t k = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::sqrt(static_cast<double>(n)) / 8));
  ld curv = 0;
  if (vp + k <= N) curv = std::max(curv, 2 * (lp - L(vp + k)) / (static_cast<ld>(k) * static_cast<ld>(k)));
  if (vp - k >= 0) curv = std::max(curv, 2 * (lp - L(vp - k)) / (static_cast<ld>(k) * static_cast<ld>(k)));
  const ld sigma = curv > 0 ? 1 / std::sqrt(curv) : static_cast<ld>(k);
  std::int64_t h = std::max<std::int64_t>(1, static_cast<std::int64_t>(sigma / 16));

  constexpr ld tiny = 1e-20L;  // tail bound, relative to the peak term (<= the sum)
  const ld log_tiny = std::log(tiny);
  for (;;) {
    ld sums[2] = {0, 0};  // relative terms exp(L - lp) at lattice points vp + j·h, j even / odd
    bool ok = true;
    for (int dir = 1; dir >= -1 && ok; dir -= 2) {
      if (dir < 0 && vp == 0) break;          // nothing left of the peak
      if (dir < 0 && vp < h) { ok = false; break; }  // indices 0..vp-1 not negligible
      for (std::int64_t j = dir > 0 ? 0 : 1;; ++j) {
        const std::int64_t p = vp + dir * j * h;
        const ld lrel = L(p) - lp;
        const ld f = std::exp(lrel);
        sums[j % 2] += f;
        const std::int64_t left = dir > 0 ? N - p : p;  // indices beyond p on this side
        if (left == 0) break;
        if (lrel + std::log(static_cast<ld>(h)) < log_tiny) {
          const ld dlt = L(p + dir) - L(p);
          ld bound = f * static_cast<ld>(left);
          if (dlt < 0) {
            const ld r = std::exp(dlt);
            bound = std::min(bound, f * r / (1 - r));
          }
          if (bound <= tiny) break;  // every index beyond p: at most 1e-20 of the sum
        }
        if (left < h) {  // next lattice point falls outside [0, N]
          if (f * static_cast<ld>(left) <= tiny && f * static_cast<ld>(h) <= tiny) break;
          ok = false;  // non-negligible terms at the end of the range: no lattice rule there
          break;
        }
      }
    }
    if (!ok) return false;
    const ld total = (sums[0] + sums[1]) * static_cast<ld>(h);
    if (h == 1) {
      *log_sum = lp + std::log(total);
      return true;
    }
    const ld t_even = 2 * static_cast<ld>(h) * sums[0], t_odd = 2 * static_cast<ld>(h) * sums[1];
    if (std::fabs(t_even - t_odd) <= 1e-10L * total) {
      *log_sum = lp + std::log(total);
      return true;
    }
    h /= 2;
  }
}

/// Below this many terms smirnov_sf sums term by term (it costs at most ~0.2 ms).
constexpr std::int64_t smirnov_lattice_min_terms = 2000;

/// @brief Survival function of the one-sided statistic D_n^+ (scipy.special.smirnov).
///
/// P(D_n^+ >= x) = x · Σ_{v=0}^{floor(n(1-x))} C(n,v) (x + v/n)^(v-1) (1 - x - v/n)^(n-v),
/// or one minus the same sum over the upper indices when that has at most three terms
/// and x is small (the sum then alternates in sign but stays short). For more than
/// smirnov_lattice_min_terms terms the sum is evaluated by smirnov_log_sum_lattice
/// (windowed, log-concave tails bounded to 1e-20, lattice step verified), else term by term.
inline double smirnov_sf(std::int64_t n, double x) {
  using ld = long double;
  if (!(n > 0 && x >= 0.0 && x <= 1.0)) return std::numeric_limits<double>::quiet_NaN();
  if (n == 1) return 1.0 - x;
  if (x == 0.0) return 1.0;
  if (x == 1.0) return 0.0;
  const ld nl = static_cast<ld>(n);
  // floor(n·x) and the fractional part (long double holds n·x to 2^-64 relative; an
  // exact integer product is what matters for the term count, and any product within
  // that rounding gives numerically the same sum: the dropped term is ~alpha^(n-v)).
  const ld nx = nl * static_cast<ld>(x);
  ld nxfl_l = std::floor(nx);
  ld alpha = nx - nxfl_l;
  if (alpha >= 1) { nxfl_l += 1; alpha = 0; }
  const std::int64_t nxfl = static_cast<std::int64_t>(nxfl_l);
  std::int64_t n1mxfl = n - nxfl - (alpha == 0 ? 0 : 1);
  std::int64_t n1mxceil = n - nxfl;
  if (alpha == 0) {  // the term with 1 - x - v/n == 0 vanishes: leave it out of both sums
    n1mxfl -= 1;
    n1mxceil += 1;
  }
  if (nxfl == 0 || (nxfl == 1 && alpha == 0)) {  // x <= 1/n: cdf = x (1+x)^(n-1)
    const ld cdf = static_cast<ld>(x) * std::exp(static_cast<ld>(n - 1) * std::log1p(static_cast<ld>(x)));
    return clip_prob(static_cast<double>(1 - cdf));
  }
  constexpr double min_log = -7.08396418532264106224e2;  // log(DBL_MIN)
  if (-2.0 * static_cast<double>(n) * x * x < min_log) return 0.0;
  if (nxfl >= n - 1) {  // x >= 1 - 1/n: sf = (1-x)^n
    return clip_prob(static_cast<double>(std::exp(nl * std::log1p(-static_cast<ld>(x)))));
  }
  if (n > 1000000) {  // Miller-type approximation used by scipy for very large n
    const double dn = static_cast<double>(n);
    const double logp = -std::pow(6.0 * dn * x + 1, 2) / 18.0 / dn;
    if (logp < -0.693147180559945309417) return clip_prob(std::exp(logp));
    return clip_prob(1 - (-std::expm1(logp)));
  }
  const std::int64_t n_upper_terms = n - n1mxceil + 1;
  const bool use_upper = (n_upper_terms <= 1 && x < 0.5) ||
                         (n >= 10 && n_upper_terms <= 3 && x <= 0.5 / std::sqrt(static_cast<double>(n)));
  const std::int64_t n_terms = use_upper ? n_upper_terms : n1mxfl + 1;
  const std::int64_t vmid = n / 2;
  const ld xl = static_cast<ld>(x);
  const ld log_x = std::log(xl);
  if (!use_upper && n_terms >= smirnov_lattice_min_terms) {
    ld log_sum = 0;
    if (smirnov_log_sum_lattice(n, x, n_terms - 1, &log_sum))
      return clip_prob(static_cast<double>(std::exp(log_x + log_sum)));
  }
  // Term by term. The lower sum evaluates each log-term directly (smirnov_log_term: no
  // drift; an accumulated log C(n,v) loses ~1e-12 relative by n ~ 1e6); the short upper
  // sum (<= 3 terms, signs alternate) accumulates log C(n,j) in long double.
  const ld c_n = use_upper ? 0 : smirnov_stirling_remainder(n);
  ld log_binom = 0;  // log C(n, j) for the j-th term (C(n, n-j) == C(n, j))
  ld sum = 0;
  constexpr ld eps = std::numeric_limits<double>::epsilon();
  for (std::int64_t j = 0; j < n_terms; ++j) {
    const std::int64_t v = use_upper ? n - j : j;
    // s = x + v/n; term = C(n,v) s^(v-1) (1-s)^(n-v)
    ld log_term = log_binom;
    ld sign = 1;
    if (!use_upper) {
      log_term = smirnov_log_term(n, xl, nx, c_n, v);
    } else if (v == 0) {
      log_term += nl * std::log1p(-xl) - log_x;
    } else {
      const ld s = xl + static_cast<ld>(v) / nl;
      log_term += static_cast<ld>(v - 1) * std::log(s);
      if (n - v > 0) {
        const ld one_minus_s = static_cast<ld>(n - v) / nl - xl;  // no cancellation
        if (one_minus_s < 0) {
          log_term += static_cast<ld>(n - v) * std::log(-one_minus_s);
          if ((n - v) % 2 == 1) sign = -1;
        } else if (one_minus_s == 0) {
          log_term = -std::numeric_limits<ld>::infinity();
        } else {
          log_term += static_cast<ld>(n - v) * std::log1p(-s);
        }
      }
    }
    const ld term = sign * std::exp(log_term);
    sum += term;
    if (j > 0) {
      if (term != 0) {
        if (4 * static_cast<ld>(n_terms - j) * std::fabs(term) < eps * sum && j != n_terms - 1) break;
      } else if (j > vmid) {
        break;
      }
    }
    if (use_upper) log_binom += std::log(static_cast<ld>(n - j) / static_cast<ld>(j + 1));
  }
  const double prob = static_cast<double>(xl * sum);
  return clip_prob(use_upper ? 1.0 - prob : prob);
}

// ---------------------------------------------------------------------------------
// Two-sided exact CDF: Durbin's matrix, Marsaglia–Tsang–Wang form.
// ---------------------------------------------------------------------------------

/// Scratch reused across calls on one thread.
struct kolmogorov_scratch {
  std::vector<double> h, hpwr, tmp, v0, v1, conv;
};
inline kolmogorov_scratch& tls_kolmogorov_scratch() {
  thread_local kolmogorov_scratch s;
  return s;
}

/// c = a·b for m×m row-major matrices (c distinct from a, b).
inline void matmul(const double* a, const double* b, double* c, std::size_t m) noexcept {
  std::fill(c, c + m * m, 0.0);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t k = 0; k < m; ++k) {
      const double aik = a[i * m + k];
      if (aik == 0.0) continue;
      const double* brow = b + k * m;
      double* crow = c + i * m;
      for (std::size_t j = 0; j < m; ++j) crow[j] += aik * brow[j];
    }
}

/// @brief P(D_n <= d) by Durbin's (1968) matrix method as arranged by Marsaglia, Tsang
/// and Wang (2003): write n·d = k - h (k integer, 0 <= h < 1), build the (2k-1)² matrix H
/// and read the (k,k) entry of n!/n^n · H^n, rescaling by 2^±128 to stay in range.
inline double kolmogorov_cdf_durbin(std::int64_t n, double d) {
  if (d >= 1.0) return 1.0;
  const double nd = static_cast<double>(n) * d;
  if (nd <= 0.5) return 0.0;
  const std::size_t k = static_cast<std::size_t>(std::ceil(nd));
  const double h = static_cast<double>(k) - nd;
  const std::size_t m = 2 * k - 1;
  auto& s = tls_kolmogorov_scratch();
  s.h.assign(m * m, 0.0);
  s.hpwr.assign(m * m, 0.0);
  s.tmp.resize(m * m);
  s.v0.resize(m);  // v[j] = (1 - h^(j+1)) / (j+1)!
  s.v1.resize(m);  // w[j] = 1 / j!
  double fac = 1.0;
  for (std::size_t j = 1; j <= m; ++j) {
    s.v1[j - 1] = fac;
    fac /= static_cast<double>(j);
    s.v0[j - 1] = (1.0 - std::pow(h, static_cast<double>(j))) * fac;
  }
  const double tt = std::pow(std::max(2 * h - 1.0, 0.0), static_cast<double>(m)) -
                    2 * std::pow(h, static_cast<double>(m));
  s.v0[m - 1] = (1.0 + tt) * fac;
  double* H = s.h.data();
  for (std::size_t i = 1; i < m; ++i)
    for (std::size_t r = i - 1; r < m; ++r) H[r * m + i] = s.v1[r - (i - 1)];
  for (std::size_t r = 0; r < m; ++r) H[r * m] = s.v0[r];
  for (std::size_t c = 0; c < m; ++c) H[(m - 1) * m + c] = s.v0[m - 1 - c];
  double* P = s.hpwr.data();
  for (std::size_t i = 0; i < m; ++i) P[i * m + i] = 1.0;
  const double up = std::ldexp(1.0, scale_exponent), down = std::ldexp(1.0, -scale_exponent);
  std::int64_t nn = n;
  long expnt = 0, h_expnt = 0;
  while (nn > 0) {
    if (nn % 2) {
      matmul(P, H, s.tmp.data(), m);
      std::copy(s.tmp.begin(), s.tmp.end(), s.hpwr.begin());
      expnt += h_expnt;
    }
    matmul(H, H, s.tmp.data(), m);
    std::copy(s.tmp.begin(), s.tmp.end(), s.h.begin());
    h_expnt *= 2;
    if (std::fabs(H[(k - 1) * m + (k - 1)]) > up) {
      for (double& e : s.h) e /= up;
      h_expnt += scale_exponent;
    }
    nn /= 2;
  }
  double p = P[(k - 1) * m + (k - 1)];
  const double dn = static_cast<double>(n);
  for (std::int64_t i = 1; i <= n; ++i) {  // times n!/n^n
    p = static_cast<double>(i) * p / dn;
    if (std::fabs(p) < down) {
      p *= up;
      expnt -= scale_exponent;
    }
  }
  if (expnt != 0) p = std::ldexp(p, static_cast<int>(expnt));
  return clip_prob(p);
}

// ---------------------------------------------------------------------------------
// Two-sided exact CDF: Pomeranz's recursion.
// ---------------------------------------------------------------------------------

/// Interval of non-zero entries of row i in Pomeranz's recursion.
inline void pomeranz_j1j2(long i, long n, long ll, long ceilf, long roundf, long* j1, long* j2) noexcept {
  long a, b;
  if (i == 0) {
    a = -ll - ceilf - 1;
    b = ll + ceilf - 1;
  } else {
    const long half = (i + 1) / 2;
    if ((i + 1) % 2 == 0) {  // i odd
      if (half == n + 1) {
        a = n - ll - ceilf - 1;
        b = n + ll + ceilf - 1;
      } else {
        a = half - 1 - ll - roundf - 1;
        b = half + ll - 1 + ceilf - 1;
      }
    } else {
      a = half - 1 - ll - 1;
      b = half + ll + roundf - 1;
    }
  }
  *j1 = std::max(a + 2, 0L);
  *j2 = std::min(b, n);
}

/// @brief P(D_n <= x) by Pomeranz's (1974) recursion: rows are convolutions of the previous
/// row with (almost-)Poisson weights (g/n)^m/m!, (2g/n)^m/m!, ((1-2g)/n)^m/m!, with
/// g = min(frac(nx), 1 - frac(nx)); the answer is n! times the last entry.
inline double kolmogorov_cdf_pomeranz(std::int64_t n_, double x) {
  const long n = static_cast<long>(n_);
  const double t = static_cast<double>(n) * x;
  const long ll = static_cast<long>(std::floor(t));
  const double f = t - static_cast<double>(ll);
  const double g = std::min(f, 1.0 - f);
  const long ceilf = f > 0 ? 1 : 0;
  const long roundf = f > 0.5 ? 1 : 0;
  const std::size_t npwrs = static_cast<std::size_t>(2 * (ll + 1));
  auto& s = tls_kolmogorov_scratch();
  // h holds three power tables back to back: gpower, twogpower, onem2gpower.
  s.h.assign(3 * npwrs, 0.0);
  double* gp = s.h.data();
  double* tgp = gp + npwrs;
  double* omp = tgp + npwrs;
  gp[0] = tgp[0] = omp[0] = 1.0;
  const double dn = static_cast<double>(n);
  const double g_n = g / dn, tg_n = 2 * g / dn, om_n = (1 - 2 * g) / dn;
  for (std::size_t m = 1; m < npwrs; ++m) {
    const double dm = static_cast<double>(m);
    gp[m] = gp[m - 1] * g_n / dm;
    tgp[m] = tgp[m - 1] * tg_n / dm;
    omp[m] = omp[m - 1] * om_n / dm;
  }
  s.v0.assign(npwrs, 0.0);
  s.v1.assign(npwrs, 0.0);
  double* V0 = s.v0.data();
  double* V1 = s.v1.data();
  V1[0] = 1.0;
  long V0s = 0, V1s = 0;
  long j1, j2;
  pomeranz_j1j2(0, n, ll, ceilf, roundf, &j1, &j2);
  const double up = std::ldexp(1.0, scale_exponent), down = std::ldexp(1.0, -scale_exponent);
  long expnt = 0;
  for (long i = 1; i < 2 * n + 2; ++i) {
    const long k1 = j1;
    std::swap(V0, V1);
    std::swap(V0s, V1s);
    std::fill(V1, V1 + npwrs, 0.0);
    pomeranz_j1j2(i, n, ll, ceilf, roundf, &j1, &j2);
    const double* pw = (i == 1 || i == 2 * n + 1) ? gp : ((i % 2) ? tgp : omp);
    const long ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      // Full convolution of a = V0[k1-V0s : k1-V0s+ln2] (truncated at the end of the row,
      // as a numpy slice is) with pw[0:ln2]; keep entries [j1-k1, j2-k1].
      const long a0 = k1 - V0s;
      const long la = std::max(0L, std::min(ln2, static_cast<long>(npwrs) - a0));
      const long conv_start = j1 - k1;
      const long conv_len = j2 - j1 + 1;
      const long conv_total = la + ln2 - 1;
      double vmax = 0.0;
      for (long q = 0; q < conv_len; ++q) {
        const long tq = conv_start + q;
        double acc = 0.0;
        if (tq >= 0 && tq < conv_total) {
          const long ulo = std::max(0L, tq - (ln2 - 1));
          const long uhi = std::min(la - 1, tq);
          for (long u = ulo; u <= uhi; ++u) acc += V0[a0 + u] * pw[tq - u];
        }
        V1[q] = acc;
        vmax = std::max(vmax, acc);
      }
      if (0 < vmax && vmax < down) {
        for (std::size_t q = 0; q < npwrs; ++q) V1[q] *= up;
        expnt -= scale_exponent;
      }
      V1s = V0s + j1 - k1;
    }
  }
  double ans = V1[n - V1s];
  for (long m = 1; m <= n; ++m) {  // times n!
    if (std::fabs(ans) > up) {
      ans *= down;
      expnt += scale_exponent;
    }
    ans *= static_cast<double>(m);
  }
  if (expnt != 0) ans = std::ldexp(ans, static_cast<int>(expnt));
  return clip_prob(ans);
}

// ---------------------------------------------------------------------------------
// Two-sided asymptotic CDF: Pelz–Good.
// ---------------------------------------------------------------------------------

/// @brief Pelz & Good (1976) approximation of P(D_n <= x): the Li-Chien/Korolyuk expansion
/// K0(z) + K1(z)/√n + K2(z)/n + K3(z)/n^1.5 (z = x√n), each term rewritten with Jacobi
/// theta-function identities into a series that converges fast for small z.
inline double kolmogorov_cdf_pelz_good(std::int64_t n, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double pi2 = ks_pi * ks_pi, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
  const double dn = static_cast<double>(n);
  const double z = std::sqrt(dn) * x;
  const double z2 = z * z, z3 = z * z * z, z4 = std::pow(z, 4.0), z6 = std::pow(z, 6.0);
  const double qlog = -pi2 / 8 / z2;
  if (qlog < -708) return 0.0;
  double q = std::exp(qlog);
  const double k1a = -z2, k1b = pi2 / 4;
  const double k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * pi2 / 4, k2c = pi4 * (1 - 2 * z2) / 16;
  const double k3d = pi6 * (5 - 30 * z2) / 64;
  const double k3c = pi4 * (-60 * z2 + 212 * z4) / 16;
  const double k3b = pi2 * (135 * z4 - 96 * z6) / 4;
  const double k3a = -30 * z6 - 90 * std::pow(z, 8.0);
  double K[4] = {0, 0, 0, 0};
  const long maxk = static_cast<long>(std::ceil(16 * z / ks_pi));
  for (long k = maxk; k > 0; --k) {  // Horner in q^8k over odd m = 2k-1
    const double m = static_cast<double>(2 * k - 1);
    const double m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
    const double qp = std::pow(q, static_cast<double>(8 * k));
    const double c[4] = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4,
                         k3a + k3b * m2 + k3c * m4 + k3d * m6};
    for (int i = 0; i < 4; ++i) K[i] = K[i] * qp + c[i];
  }
  const double sqrt2pi = std::sqrt(2 * ks_pi);
  const double denom[4] = {z, 6 * z4, 72 * std::pow(z, 7.0), 6480 * std::pow(z, 10.0)};
  for (int i = 0; i < 4; ++i) K[i] = K[i] * q * sqrt2pi / denom[i];
  // Terms over all integers k for K2 and K3.
  q = std::exp(-pi2 / 2 / z2);
  const double sqrt3z = std::sqrt(3.0) * z;
  double s2 = 0, s3 = 0;
  for (long k = maxk; k > 0; --k) {
    const double dk = static_cast<double>(k);
    const double k2 = dk * dk;
    const double qp = std::pow(q, k2);
    const double kpi = ks_pi * dk;
    s2 += k2 * qp;
    s3 += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qp;
  }
  K[2] += s2 * (pi2 * sqrt2pi / (-36 * z3));
  K[3] += s3 * (pi2 * sqrt2pi / (216 * z6));
  double total = 0;
  for (int i = 0; i < 4; ++i) total += K[i] / std::pow(dn, static_cast<double>(i) / 2.0);
  return total;
}

// ---------------------------------------------------------------------------------
// Two-sided: survival function with the Simard–L'Ecuyer choice of method.
// ---------------------------------------------------------------------------------

/// @brief P(D_n >= x) for integer n >= 1 (scipy.stats._ksstats._kolmogn with cdf=False).
inline double kolmogorov_sf(std::int64_t n, double x) {
  if (std::isnan(x)) return x;
  if (n <= 0) return std::numeric_limits<double>::quiet_NaN();
  if (x >= 1.0) return 0.0;
  if (x <= 0.0) return 1.0;
  const double dn = static_cast<double>(n);
  const double t = dn * x;
  if (t <= 1.0) {  // Ruben–Gambino: 1/(2n) <= x <= 1/n, cdf = n!/n^n (2t-1)^n
    if (t <= 0.5) return 1.0;
    double prob;
    if (n <= 140) {
      prob = 1.0;
      const double inv_n = 1.0 / dn;
      for (std::int64_t i = 1; i <= n; ++i) prob *= static_cast<double>(i) * inv_n * (2 * t - 1);
    } else {
      prob = std::exp(log_nfactorial_div_n_pow_n(dn) + dn * std::log(2 * t - 1));
    }
    return clip_prob(1.0 - prob);
  }
  if (t >= dn - 1) return clip_prob(2 * std::pow(1.0 - x, dn));  // Ruben–Gambino
  if (x >= 0.5) return clip_prob(2 * smirnov_sf(n, x));
  const double nxsquared = t * x;
  if (n <= 140) {
    if (nxsquared <= 0.754693) return clip_prob(1.0 - kolmogorov_cdf_durbin(n, x));
    if (nxsquared <= 4) return clip_prob(1.0 - kolmogorov_cdf_pomeranz(n, x));
    return clip_prob(2 * smirnov_sf(n, x));  // Miller
  }
  if (nxsquared >= 370.0) return 0.0;
  if (nxsquared >= 2.2) return clip_prob(2 * smirnov_sf(n, x));
  double cdf;
  if (n <= 100000 && dn * std::pow(x, 1.5) <= 1.4)
    cdf = kolmogorov_cdf_durbin(n, x);
  else
    cdf = kolmogorov_cdf_pelz_good(n, x);
  return clip_prob(1.0 - cdf);
}

/// @brief scipy.stats.kstwo.sf(d, n) with n given as a double: NaN unless n is an integer
/// >= 1, 1 for d <= 1/(2n), 0 for d >= 1.
inline double kstwo_sf(double d, double n) {
  if (std::isnan(n) || std::isnan(d)) return std::numeric_limits<double>::quiet_NaN();
  if (!(n >= 1 && n == std::nearbyint(n))) return std::numeric_limits<double>::quiet_NaN();
  if (d <= 0.5 / n) return 1.0;
  if (d >= 1.0) return 0.0;
  return kolmogorov_sf(static_cast<std::int64_t>(n), d);
}

}  // namespace driftscope::detail::ks
