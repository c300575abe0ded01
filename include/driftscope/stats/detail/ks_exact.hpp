#pragma once
/// @file
/// @brief Exact null distribution of the two-sample Kolmogorov–Smirnov statistic, as
/// scipy.stats.ks_2samp (scipy 1.17) computes it.
///
/// Lattice-path counting after J. L. Hodges Jr. (1958), "The significance probability of
/// the Smirnov two-sample test", Arkiv för Matematik 3(43), 469–486 (Drion / Gnedenko /
/// Korolyuk); the two-sided "inside" recursion written for 1 - p directly as in
/// T. Viehmann (2021), "Numerically more stable computation of the p-values for the
/// two-sample Kolmogorov-Smirnov test", arXiv:2102.08037. The statistic is D = h / lcm(m, n)
/// with integer h. The same recurrences, evaluation order and overflow guards as scipy are
/// used so the p-values agree to ~1e-12 relative; the one-sided unequal-size count uses
/// binomial coefficients from a long double log-gamma table (scipy's special.binom is
/// slightly less accurate; the counts differ from scipy's by < 1e-12 relative).

#include <driftscope/stats/detail/ks_kolmogorov.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace driftscope::detail::ks {

/// Floor division of integers (Python's //).
inline std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

/// @brief P(D_{n,n} >= h/n) for two samples of equal size n, 0 < h <= n:
/// 2·Σ_k (-1)^(k+1) C(2n, n-kh) / C(2n, n), evaluated with each ratio formed as a product
/// of h simple factors and nested Horner-style (2·A0·(1 - A1·(1 - A2·(...)))).
inline double prob_outside_square(std::int64_t n, std::int64_t h) noexcept {
  double P = 0.0;
  for (std::int64_t k = n / h; k >= 0; --k) {
    double p1 = 1.0;
    for (std::int64_t j = 0; j < h; ++j)
      p1 = static_cast<double>(n - k * h - j) * p1 / static_cast<double>(n + k * h + j + 1);
    P = p1 * (1.0 - P);
  }
  return 2 * P;
}

/// Scratch reused across calls on one thread.
struct exact_scratch {
  std::vector<double> a;
  std::vector<std::int64_t> xj;
  std::vector<long double> lgam;
};
inline exact_scratch& tls_exact_scratch() {
  thread_local exact_scratch s;
  return s;
}

/// @brief P(D_{m,n} >= h/lcm) for m != n allowed (two-sided): one minus the proportion of
/// lattice paths (0,0)->(m,n) staying strictly inside |x/m - y/n| < h/lcm, computed column
/// by column in a sliding window, each entry already divided by the path count so the
/// recursion yields 1 - p directly (Viehmann 2021).
inline double outer_prob_inside(std::int64_t m, std::int64_t n, std::int64_t g, std::int64_t h) {
  if (m < n) std::swap(m, n);
  const std::int64_t mg = m / g, ng = n / g;
  const double dmg = static_cast<double>(mg), dh = static_cast<double>(h);
  std::int64_t minj = 0;
  std::int64_t maxj = std::min(static_cast<std::int64_t>(std::ceil(dh / dmg)), n + 1);
  std::int64_t curlen = maxj - minj;
  const std::int64_t len_a = std::min(2 * maxj + 2, n + 1);
  auto& A = tls_exact_scratch().a;
  A.assign(static_cast<std::size_t>(len_a), 1.0);
  for (std::int64_t j = minj; j < maxj; ++j) A[static_cast<std::size_t>(j)] = 0.0;
  for (std::int64_t i = 1; i <= m; ++i) {
    const std::int64_t lastminj = minj, lastlen = curlen;
    minj = static_cast<std::int64_t>(std::floor(static_cast<double>(ng * i - h) / dmg)) + 1;
    minj = std::min(std::max(minj, std::int64_t{0}), n);
    maxj = std::min(static_cast<std::int64_t>(std::ceil(static_cast<double>(ng * i + h) / dmg)), n + 1);
    if (maxj <= minj) return 1.0;
    double val = minj == 0 ? 0.0 : 1.0;
    const double di = static_cast<double>(i);
    for (std::int64_t jj = 0; jj < maxj - minj; ++jj) {
      const std::int64_t j = jj + minj;
      val = (A[static_cast<std::size_t>(jj + minj - lastminj)] * di + val * static_cast<double>(j)) /
            static_cast<double>(i + j);
      A[static_cast<std::size_t>(jj)] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) {
      const std::int64_t stop = std::min(maxj - minj + (lastlen - curlen), len_a);
      for (std::int64_t q = maxj - minj; q < stop; ++q) A[static_cast<std::size_t>(q)] = 1.0;
    }
  }
  return A[static_cast<std::size_t>(maxj - minj - 1)];
}

/// Binomial coefficient C(n, k) for 0 <= k <= n as scipy.special.binom evaluates the
/// integer case: after k -> min(k, n-k), a running product for k < 20, else (here) from a
/// long double log-gamma table `lgam` (lgam[i] = log Γ(i+1) = log i!). +inf on overflow.
inline double binom_int(std::int64_t n, std::int64_t k, const std::vector<long double>& lgam) noexcept {
  if (k > n - k) k = n - k;
  if (k < 20) {
    double num = 1.0, den = 1.0;
    const double dn = static_cast<double>(n), dk = static_cast<double>(k);
    for (std::int64_t i = 1; i < 1 + k; ++i) {
      num *= static_cast<double>(i) + dn - dk;
      den *= static_cast<double>(i);
      if (std::fabs(num) > 1e50) {
        num /= den;
        den = 1.0;
      }
    }
    return num / den;
  }
  const long double l = lgam[static_cast<std::size_t>(n)] - lgam[static_cast<std::size_t>(k)] -
                        lgam[static_cast<std::size_t>(n - k)];
  if (l > 709.8L) return std::numeric_limits<double>::infinity();
  return static_cast<double>(std::exp(l));
}

/// Fills `lgam[0..n]` with log(i!) in long double (reused between calls).
inline void fill_log_factorials(std::vector<long double>& lgam, std::int64_t n) {
  const std::size_t want = static_cast<std::size_t>(n) + 1;
  if (lgam.size() >= want) return;
  std::size_t i = lgam.size();
  lgam.resize(want);
  if (i == 0) {
    lgam[0] = 0;
    i = 1;
  }
  for (; i < want; ++i) lgam[i] = lgam[i - 1] + std::log(static_cast<long double>(i));
}

/// @brief Number of lattice paths (0,0)->(m,n) that reach the line m·y <= n·x - h·g at some
/// point (Hodges' one-sided "outside" count): B(x_j, j) paths first reaching the boundary
/// at its j-th lattice point, each extended to (m, n). Returns +inf or NaN when the double
/// range overflows (the caller then falls back to the asymptotic p-value, as scipy does).
inline double count_paths_outside(std::int64_t m, std::int64_t n, std::int64_t g, std::int64_t h) {
  if (m < n) std::swap(m, n);
  const std::int64_t mg = m / g, ng = n / g;
  const std::int64_t lxj = n + floor_div(mg - h, mg);
  auto& s = tls_exact_scratch();
  fill_log_factorials(s.lgam, m + n);
  if (lxj <= 0) return binom_int(m + n, n, s.lgam);
  s.xj.resize(static_cast<std::size_t>(lxj));
  for (std::int64_t j = 0; j < lxj; ++j) s.xj[static_cast<std::size_t>(j)] = floor_div(h + mg * j + ng - 1, ng);
  auto& B = s.a;
  B.assign(static_cast<std::size_t>(lxj), 0.0);
  B[0] = 1.0;
  const std::int64_t* xj = s.xj.data();
  for (std::int64_t j = 1; j < lxj; ++j) {
    double bj = binom_int(xj[j] + j, j, s.lgam);
    for (std::int64_t i = 0; i < j; ++i)
      bj -= binom_int(xj[j] - xj[i] + j - i, j - i, s.lgam) * B[static_cast<std::size_t>(i)];
    if (!std::isfinite(bj)) return bj;  // scipy raises FloatingPointError here
    B[static_cast<std::size_t>(j)] = bj;
  }
  double num_paths = 0.0;
  for (std::int64_t j = 0; j < lxj; ++j) {
    num_paths += B[static_cast<std::size_t>(j)] * binom_int((m - xj[j]) + (n - j), n - j, s.lgam);
    if (!std::isfinite(num_paths)) return num_paths;
  }
  return num_paths;
}

/// The outcome of scipy's _attempt_exact_2kssamp.
struct exact_attempt {
  bool success;
  double d;  ///< the statistic rounded to h / lcm(n1, n2)
  double p;
};

/// Kind of alternative for the exact computations (mirrors driftscope::alternative).
enum class tail { two_sided, one_sided };

/// @brief scipy's exact attempt: rounds d to h/lcm, then n1 == n2 closed forms or the path
/// counts above; fails (success = false) on overflow or a probability outside [0, 1].
inline exact_attempt attempt_exact(std::int64_t n1, std::int64_t n2, std::int64_t g, double d, tail t) {
  const std::int64_t lcm = (n1 / g) * n2;
  const double dlcm = static_cast<double>(lcm);
  const std::int64_t h = static_cast<std::int64_t>(std::nearbyint(d * dlcm));
  d = static_cast<double>(h) * 1.0 / dlcm;
  if (h == 0) return {true, d, 1.0};
  double prob = std::numeric_limits<double>::quiet_NaN();
  if (t == tail::two_sided) {
    prob = (n1 == n2) ? prob_outside_square(n1, h) : outer_prob_inside(n1, n2, g, h);
    if (!std::isfinite(prob)) return {false, d, std::numeric_limits<double>::quiet_NaN()};
  } else if (n1 == n2) {
    // C(2n, n-h) / C(2n, n) as a product of h ratios
    prob = 1.0;
    for (std::int64_t j = 0; j < h; ++j)
      prob *= static_cast<double>(n1 - j) / (static_cast<double>(n1 + j) + 1.0);
  } else {
    const double num_paths = count_paths_outside(n1, n2, g, h);
    if (!std::isfinite(num_paths)) return {false, d, std::numeric_limits<double>::quiet_NaN()};
    auto& s = tls_exact_scratch();
    fill_log_factorials(s.lgam, n1 + n2);
    const double bin = binom_int(n1 + n2, n1, s.lgam);
    if (num_paths > bin || std::isinf(bin)) return {false, d, std::numeric_limits<double>::quiet_NaN()};
    prob = num_paths / bin;
  }
  if (!(0 <= prob && prob <= 1)) return {false, d, prob};
  return {true, d, prob};
}

}  // namespace driftscope::detail::ks
