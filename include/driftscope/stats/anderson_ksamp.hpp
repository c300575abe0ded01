#pragma once
/// @file
/// @brief k-sample Anderson–Darling test, matching scipy.stats.anderson_ksamp (scipy 1.17).
///
/// Definition (Scholz & Stephens 1987, "K-Sample Anderson-Darling Tests", JASA 82(399),
/// 918-924): k samples of sizes n_i pooled into N values with D distinct values
/// z*_1 < ... < z*_D, l_j of them equal to z*_j. The three variants of the paper:
///  - `midrank` (eq. 7, A²akN; scipy's default, valid for continuous and discrete data):
///      (N-1)/N · Σ_i 1/n_i Σ_{j=1..D} l_j/N · (N·M_aij - n_i·B_aj)² / (B_aj(N-B_aj) - N·l_j/4),
///    with B_aj = #{pooled < z*_j} + l_j/2 and M_aij = #{sample i < z*_j} + f_ij/2;
///  - `right` (eq. 6, A²kN for discrete data, scipy's variant='right' / midrank=False):
///      Σ_i 1/n_i Σ_{j=1..D-1} l_j/N · (N·M_ij - n_i·B_j)² / (B_j(N-B_j)),
///    with B_j = #{pooled <= z*_j} and M_ij = #{sample i <= z*_j};
///  - `continuous` (eq. 3, for data without ties):
///      1/N · Σ_i 1/n_i Σ_{j=1..N-1} (N·M_ij - j·n_i)² / (j(N-j)),
///    with M_ij = #{sample i <= j-th smallest pooled value}.
/// Without ties the three coincide. `statistic` is the normalised
/// (A² - (k-1)) / σ_N, σ_N² the exact variance of eq. 4 of the paper (as scipy computes it).
///
/// p-value (method):
///  - `asymptotic` (scipy's default): critical values for the significance levels
///    0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001 from the interpolation of the paper's
///    Table 2 (b0 + b1/√m + b2/m, m = k-1); p = exp of the quadratic least-squares fit of
///    log(level) against the critical values (numpy.polyfit, degree 2), evaluated at the
///    statistic. Outside the table the p-value is capped at 0.25 or floored at 0.001
///    and `pvalue_capped` is true (scipy warns instead; we never warn);
///  - `permutation` (scipy's method=PermutationMethod(n_resamples=...), i.e.
///    scipy.stats.permutation_test with alternative='greater' on the unnormalised
///    statistic): when the number of distinct partitions of the pooled sample into
///    groups of sizes n_1..n_k (the multinomial N!/(n_1!···n_k!)) is <= n_resamples, all
///    of them are enumerated and p = #{null >= observed - γ} / #partitions (exact, the
///    observed partition included); otherwise n_resamples random partitions are drawn
///    and p = (1 + #{null >= observed - γ}) / (1 + n_resamples). γ = 100·ε·|observed|
///    (ε = 2⁻⁵²) treats numerically distinct but theoretically equal statistics as
///    ties, as scipy does.
///
/// Randomness (permutation p-value): core/random.hpp's xoshiro256** seeded from `seed`;
/// each random partition is a Fisher–Yates shuffle of the group labels (from the last
/// index down, j drawn uniformly in [0, i]). The stream is fully specified, so
/// a seed gives the same p-value on every platform and compiler. scipy draws from numpy's
/// generator: random-permutation p-values agree with scipy's only in distribution;
/// exact-enumeration p-values agree exactly.
///
/// Errors (std::invalid_argument): fewer than 2 samples; an empty sample; NaN anywhere
/// (scipy has no nan_policy for this test); all values identical (scipy: "anderson_ksamp
/// needs more than one distinct observation"); fewer than 4 values in total or every
/// sample of size 1 (σ_N² is undefined or zero there: scipy fails with IndexError, NaN or
/// a meaningless number); n_resamples == 0; invalid enum values. ±inf are ordinary
/// values. Unlike scipy's permutation_test we accept samples of size 1 with `permutation`.
///
/// Precision: only the order of the values matters, so float input gives exactly the
/// statistic of scipy on the same float32 data. Each term is evaluated with scipy's
/// operation order (bit-identical terms while N² < 2⁵³; scipy's integer arithmetic in
/// the `right` and `continuous` variants overflows int64 once |N·M - n·B| exceeds ~3e9,
/// ours does not); the sums over j are compensated (Neumaier) where scipy uses numpy's
/// pairwise sums, so A² agrees to a few ulp. The normalised statistic divides
/// A² - (k-1), which cancels digits when A² is close to k-1: agreement is then absolute
/// (~1e-15) rather than relative.
///
/// Cost: each sample is copied and sorted once (kernels::sort, thread_local scratch),
/// then one k-way merge walk over the D tie groups: O(N log N + D·k) (O(N·k) for
/// `continuous`; with two samples `midrank` and `right` need one term per group, the
/// other sample's being equal). A permutation relabels the fixed sorted positions and
/// costs O(N + D·k) with no allocation (labels, group lengths and counters are
/// allocated once per call): ~8 ns per value and permutation for 1e3 + 1e3 values.
///
/// Example:
/// @code
///   std::vector<double> a = ..., b = ..., c = ...;
///   auto r2 = driftscope::anderson_ksamp(a.data(), a.size(), b.data(), b.size());
///   const double* s[] = {a.data(), b.data(), c.data()};
///   const std::size_t n[] = {a.size(), b.size(), c.size()};
///   driftscope::anderson_ksamp_options o;
///   o.method = driftscope::anderson_method::permutation;
///   o.seed = 42;
///   auto r3 = driftscope::anderson_ksamp(s, n, 3, o);
/// @endcode

#include <driftscope/core/error.hpp>
#include <driftscope/core/random.hpp>
#include <driftscope/kernels/sort.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>
#include <vector>

namespace driftscope {

/// Which statistic of Scholz & Stephens (1987) is computed (scipy's `variant`).
enum class anderson_variant {
  midrank,     ///< eq. 7, A²akN (scipy's default; midrank=True)
  right,       ///< eq. 6, A²kN (scipy's variant='right'; midrank=False)
  continuous,  ///< eq. 3 (scipy's variant='continuous')
};

/// How the p-value is computed.
enum class anderson_method {
  asymptotic,   ///< interpolated from the tabulated critical values, capped to [0.001, 0.25]
  permutation,  ///< permutation test (exact enumeration when small)
};

/// @throws std::invalid_argument for anything but "midrank", "right", "continuous".
inline anderson_variant parse_anderson_variant(std::string_view s) {
  if (s == "midrank") return anderson_variant::midrank;
  if (s == "right") return anderson_variant::right;
  if (s == "continuous") return anderson_variant::continuous;
  detail::throw_invalid_argument(
      "anderson_ksamp: variant must be 'midrank', 'right' or 'continuous', got '{}'", s);
}

/// @throws std::invalid_argument for anything but "asymptotic", "permutation".
inline anderson_method parse_anderson_method(std::string_view s) {
  if (s == "asymptotic") return anderson_method::asymptotic;
  if (s == "permutation") return anderson_method::permutation;
  detail::throw_invalid_argument(
      "anderson_ksamp: method must be 'asymptotic' or 'permutation', got '{}'", s);
}

inline const char* to_string(anderson_variant v) noexcept {
  switch (v) {
    case anderson_variant::midrank: return "midrank";
    case anderson_variant::right: return "right";
    case anderson_variant::continuous: return "continuous";
  }
  return "?";
}

inline const char* to_string(anderson_method m) noexcept {
  switch (m) {
    case anderson_method::asymptotic: return "asymptotic";
    case anderson_method::permutation: return "permutation";
  }
  return "?";
}

struct anderson_ksamp_options {
  anderson_variant variant = anderson_variant::midrank;
  anderson_method method = anderson_method::asymptotic;
  /// permutation only: the number of random partitions, or the bound up to which all
  /// partitions are enumerated (scipy's PermutationMethod default 9999). Must be >= 1.
  std::uint64_t n_resamples = 9999;
  /// permutation only: seed of the documented generator (default 0; Python draws a fresh
  /// one from os.urandom when seed=None).
  std::uint64_t seed = 0;

  /// @throws std::invalid_argument for an enum value out of range or n_resamples == 0.
  void validate() const {
    if (variant != anderson_variant::midrank && variant != anderson_variant::right &&
        variant != anderson_variant::continuous)
      detail::throw_invalid_argument("anderson_ksamp: variant has invalid value {}",
                                     static_cast<int>(variant));
    if (method != anderson_method::asymptotic && method != anderson_method::permutation)
      detail::throw_invalid_argument("anderson_ksamp: method has invalid value {}",
                                     static_cast<int>(method));
    if (n_resamples == 0)
      detail::throw_invalid_argument("anderson_ksamp: n_resamples must be >= 1, got 0");
  }
};

/// Significance levels of `critical_values` (scipy's order).
inline constexpr std::array<double, 7> anderson_ksamp_significance_levels{0.25, 0.1,   0.05, 0.025,
                                                                          0.01, 0.005, 0.001};

/// Result of anderson_ksamp (scipy's Anderson_ksampResult plus bookkeeping).
struct anderson_ksamp_result {
  double statistic = 0;                     ///< normalised (A² - (k-1)) / σ_N
  std::array<double, 7> critical_values{};  ///< for anderson_ksamp_significance_levels
  double pvalue = 1;
  /// asymptotic only: the statistic lies outside the critical values, so `pvalue` is
  /// 0.25 (true p-value larger) or 0.001 (true p-value smaller).
  bool pvalue_capped = false;
  anderson_method method = anderson_method::asymptotic;
  anderson_variant variant = anderson_variant::midrank;
  double statistic_raw = 0;       ///< A² of the variant before normalisation (eq. 3, 6 or 7)
  std::uint64_t n_resamples = 0;  ///< permutation: partitions evaluated (all of them when `exact`)
  bool exact = false;             ///< permutation: every distinct partition was enumerated
  std::size_t n_samples = 0;      ///< k
  std::size_t n_total = 0;        ///< N
};

namespace detail::anderson {

// Coefficients of Scholz & Stephens (1987) Table 2 interpolation (also in scipy):
// critical value = b0 + b1/sqrt(m) + b2/m.
inline constexpr std::array<double, 7> b0{0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085};
inline constexpr std::array<double, 7> b1{-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615};
inline constexpr std::array<double, 7> b2{-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154};

/// High and low 64 bits of a·b (portable; identical on every platform).
inline void mul_64x64(std::uint64_t a, std::uint64_t b, std::uint64_t& hi,
                      std::uint64_t& lo) noexcept {
#if defined(__SIZEOF_INT128__)
  __extension__ typedef unsigned __int128 u128;
  const u128 p = static_cast<u128>(a) * b;
  hi = static_cast<std::uint64_t>(p >> 64);
  lo = static_cast<std::uint64_t>(p);
#else
  const std::uint64_t a_lo = a & 0xFFFFFFFFULL, a_hi = a >> 32, b_lo = b & 0xFFFFFFFFULL,
                      b_hi = b >> 32;
  const std::uint64_t ll = a_lo * b_lo, lh = a_lo * b_hi, hl = a_hi * b_lo, hh = a_hi * b_hi;
  const std::uint64_t mid = (ll >> 32) + (lh & 0xFFFFFFFFULL) + (hl & 0xFFFFFFFFULL);
  lo = (mid << 32) | (ll & 0xFFFFFFFFULL);
  hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
#endif
}

/// Compensated (Neumaier) sum: within a few ulp of numpy's pairwise sums of the same
/// terms, whatever their order.
struct neumaier_sum {
  double sum = 0, comp = 0;
  void add(double v) noexcept {
    const double t = sum + v;
    if (std::fabs(sum) >= std::fabs(v))
      comp += (sum - t) + v;
    else
      comp += (v - t) + sum;
    sum = t;
  }
  double value() const noexcept { return sum + comp; }
};

/// Accumulates the unnormalised statistic of one variant from the tie groups of the
/// pooled sample, in ascending order. The observed statistic and every permutation go
/// through this one code path, so equal partitions give bit-identical values.
class a2_accumulator {
 public:
  /// `n` (k sizes) and `acc` (k sums) must outlive the accumulator.
  a2_accumulator(anderson_variant variant, std::size_t k, const std::size_t* n, std::size_t total,
                 neumaier_sum* acc) noexcept
      : variant_(variant),
        k_(k),
        n_(n),
        total_(total),
        nd_(static_cast<double>(total)),
        acc_(acc),
        terms_(k == 2 && variant != anderson_variant::continuous ? 1 : k) {}

  void reset() noexcept {
    for (std::size_t i = 0; i < k_; ++i) acc_[i] = neumaier_sum{};
  }

  /// One tie group: `left` pooled values below it, `len` equal to it; `below[i]` values
  /// of sample i below it, `equal[i]` equal to it.
  void group(std::size_t left, std::size_t len, const std::size_t* below,
             const std::size_t* equal) noexcept {
    const double N = nd_;
    switch (variant_) {
      case anderson_variant::midrank: {
        // scipy: lj / float(N) * (N*Mij - Bj*n[i])**2 / (Bj*(N - Bj) - N*lj/4.)
        const double lj = static_cast<double>(len);
        const double w = lj / N;
        const double bj = static_cast<double>(left) + lj / 2.;
        const double denom = bj * (N - bj) - N * lj / 4.;
        for (std::size_t i = 0; i < terms_; ++i) {
          const double mij =
              static_cast<double>(below[i] + equal[i]) - static_cast<double>(equal[i]) / 2.;
          const double d = N * mij - bj * static_cast<double>(n_[i]);
          acc_[i].add(w * (d * d) / denom);
        }
        break;
      }
      case anderson_variant::right: {
        // scipy: lj / float(N) * (N*Mij - Bj*n[i])**2 / (Bj*(N - Bj)), j < D (Bj < N)
        const std::size_t bj = left + len;
        if (bj == total_) break;
        const double w = static_cast<double>(len) / N;
        const double denom = static_cast<double>(bj) * static_cast<double>(total_ - bj);
        for (std::size_t i = 0; i < terms_; ++i) {
          const double d = N * static_cast<double>(below[i] + equal[i]) -
                           static_cast<double>(bj) * static_cast<double>(n_[i]);
          acc_[i].add(w * (d * d) / denom);
        }
        break;
      }
      case anderson_variant::continuous: {
        // scipy: (N*Mij - j*n[i])**2 / (j * (N - j)), j = 1..N-1, Mij constant in a tie group
        const std::size_t end = std::min(left + len, total_ - 1);
        for (std::size_t p = left; p < end; ++p) {
          const double j = static_cast<double>(p + 1);
          const double denom = j * static_cast<double>(total_ - p - 1);
          for (std::size_t i = 0; i < k_; ++i) {
            const double d =
                N * static_cast<double>(below[i] + equal[i]) - j * static_cast<double>(n_[i]);
            acc_[i].add((d * d) / denom);
          }
        }
        break;
      }
    }
  }

  /// The statistic after the last group (scipy's per-sample division and scaling).
  double finish() const noexcept {
    double a2 = 0.;
    for (std::size_t i = 0; i < k_; ++i)
      a2 += acc_[i < terms_ ? i : 0].value() / static_cast<double>(n_[i]);
    if (variant_ == anderson_variant::midrank) a2 *= (nd_ - 1.) / nd_;
    if (variant_ == anderson_variant::continuous) a2 /= nd_;
    return a2;
  }

 private:
  anderson_variant variant_;
  std::size_t k_;
  const std::size_t* n_;
  std::size_t total_;
  double nd_;
  neumaier_sum* acc_;
  // Two samples, midrank or right: M_1j + M_2j = B_j, so N·M_2j - n_2·B_j = -(N·M_1j - n_1·B_j)
  // exactly (integers and halves below 2^53): the second sample's terms equal the first's,
  // bit for bit, and are computed once (acc_[0] serves both).
  std::size_t terms_;
};

/// Exact integer power as a double (Python's N**p for the int N, then one rounding).
inline double int_pow_to_double(std::size_t n, int p) {
#if defined(__SIZEOF_INT128__)
  __extension__ typedef unsigned __int128 u128;
  u128 r = 1;
  for (int i = 0; i < p; ++i) r *= n;
  return static_cast<double>(r);
#else
  long double r = 1;
  for (int i = 0; i < p; ++i) r *= static_cast<long double>(n);
  return static_cast<double>(r);
#endif
}

/// σ_N², the variance of the statistic (Scholz & Stephens 1987, eq. 4), with scipy's
/// operation order. Requires N >= 4.
inline double sigma_squared(const std::size_t* n, std::size_t k, std::size_t total) {
  neumaier_sum big_h;
  for (std::size_t i = 0; i < k; ++i) big_h.add(1. / static_cast<double>(n[i]));
  const double H = big_h.value();
  // hs_cs = cumsum(1 / [N-1, N-2, ..., 2]); h = hs_cs[-1] + 1; g = sum(hs_cs / [2..N-1])
  double cs = 0;
  neumaier_sum g_sum;
  for (std::size_t idx = 0; idx + 2 < total; ++idx) {
    cs += 1. / static_cast<double>(total - 1 - idx);
    g_sum.add(cs / static_cast<double>(idx + 2));
  }
  const double h = cs + 1;
  const double g = g_sum.value();
  const double kd = static_cast<double>(k), k2 = static_cast<double>(k * k);
  const double a = (4 * g - 6) * static_cast<double>(k - 1) + (10 - 6 * g) * H;
  const double b = (2 * g - 4) * k2 + 8 * h * kd + (2 * g - 14 * h - 4) * H - 8 * h + 4 * g - 6;
  const double c = (6 * h + 2 * g - 2) * k2 + (4 * h - 4 * g + 6) * kd + (2 * h - 6) * H + 4 * h;
  const double d = (2 * h + 6) * k2 - 4 * h * kd;
  const double nd = static_cast<double>(total);
  return (a * int_pow_to_double(total, 3) + b * int_pow_to_double(total, 2) + c * nd + d) /
         ((nd - 1.) * (nd - 2.) * (nd - 3.));
}

/// Critical values for k samples (m = k - 1), scipy's b0 + b1/sqrt(m) + b2/m.
inline std::array<double, 7> critical_values(std::size_t k) {
  const double m = static_cast<double>(k - 1);
  const double sm = std::sqrt(m);
  std::array<double, 7> c{};
  for (std::size_t i = 0; i < 7; ++i) c[i] = b0[i] + b1[i] / sm + b2[i] / m;
  return c;
}

/// scipy's interpolated p-value: exp(polyval(polyfit(critical, log(levels), 2), a2)),
/// the least-squares fit solved like numpy (columns scaled to unit norm, SVD solve).
inline double interpolated_pvalue(const std::array<double, 7>& crit, double a2) {
  Eigen::Matrix<double, 7, 3> lhs;
  Eigen::Matrix<double, 7, 1> rhs;
  for (int i = 0; i < 7; ++i) {
    const double x = crit[static_cast<std::size_t>(i)];
    lhs(i, 0) = x * x;
    lhs(i, 1) = x;
    lhs(i, 2) = 1.0;
    rhs(i) = std::log(anderson_ksamp_significance_levels[static_cast<std::size_t>(i)]);
  }
  Eigen::Matrix<double, 1, 3> scale = lhs.colwise().norm();
  for (int j = 0; j < 3; ++j) lhs.col(j) /= scale(j);
  Eigen::JacobiSVD<Eigen::Matrix<double, 7, 3>> svd(lhs, Eigen::ComputeFullU | Eigen::ComputeFullV);
  Eigen::Matrix<double, 3, 1> coef = svd.solve(rhs);
  for (int j = 0; j < 3; ++j) coef(j) /= scale(j);
  return std::exp((coef(0) * a2 + coef(1)) * a2 + coef(2));
}

/// Number of distinct partitions N!/(n_1!···n_k!) = Π_i C(n_1 + ... + n_i, n_i) when it
/// is <= limit (then true and *out set). Counted in 64 bits; a count whose computation
/// leaves 64 bits is treated as above the limit (enumeration is hopeless there anyway).
inline bool partitions_at_most(const std::size_t* n, std::size_t k, std::uint64_t limit,
                               std::uint64_t* out) {
  std::uint64_t total = 1;
  std::uint64_t cum = 0;
  for (std::size_t i = 0; i < k; ++i) {
    cum += n[i];
    const std::uint64_t r = std::min<std::uint64_t>(n[i], cum - n[i]);
    // binom runs through C(cum - r + t, t), t = 1..r: increasing, each step exact
    std::uint64_t binom = 1;
    for (std::uint64_t t = 1; t <= r; ++t) {
      std::uint64_t hi = 0, lo = 0;
      mul_64x64(binom, cum - r + t, hi, lo);
      if (hi != 0) return false;
      binom = lo / t;
      if (binom > limit) return false;
    }
    std::uint64_t hi = 0, lo = 0;
    mul_64x64(total, binom, hi, lo);
    if (hi != 0 || lo > limit) return false;
    total = lo;
  }
  *out = total;
  return true;
}

template <class T>
std::vector<T>& tls_values() {
  thread_local std::vector<T> v;
  return v;
}

/// k-way merge walk over the sorted samples: feeds each tie group to `acc` and, when
/// `labels` / `groups` are non-null, records the sample of every pooled position (ties
/// in sample order) and the tie-group lengths.
template <class T>
void merge_walk(const T* const* sorted, const std::size_t* n, std::size_t k, std::size_t total,
                a2_accumulator& acc, std::size_t* pos, std::size_t* below, std::size_t* equal,
                std::uint32_t* labels, std::vector<std::size_t>* groups) {
  for (std::size_t i = 0; i < k; ++i) pos[i] = 0;
  std::size_t left = 0;
  while (left < total) {
    bool have = false;
    T v = T(0);
    for (std::size_t i = 0; i < k; ++i)
      if (pos[i] < n[i] && (!have || sorted[i][pos[i]] < v)) {
        v = sorted[i][pos[i]];
        have = true;
      }
    std::size_t len = 0;
    for (std::size_t i = 0; i < k; ++i) {
      std::size_t e = pos[i];
      while (e < n[i] && sorted[i][e] == v) ++e;
      below[i] = pos[i];
      equal[i] = e - pos[i];
      if (labels != nullptr)
        for (std::size_t t = 0; t < equal[i]; ++t)
          labels[left + len + t] = static_cast<std::uint32_t>(i);
      len += equal[i];
      pos[i] = e;
    }
    acc.group(left, len, below, equal);
    if (groups != nullptr) groups->push_back(len);
    left += len;
  }
}

/// The statistic of the partition given by `labels` (pooled sorted order) and the tie
/// groups `groups`.
inline double labelled_statistic(const std::uint32_t* labels,
                                 const std::vector<std::size_t>& groups, std::size_t k,
                                 a2_accumulator& acc, std::size_t* below,
                                 std::size_t* equal) noexcept {
  acc.reset();
  for (std::size_t i = 0; i < k; ++i) below[i] = equal[i] = 0;
  std::size_t left = 0;
  // `equal` is all zero between groups; only the labels of a group are touched, so a
  // group costs O(len) plus the accumulator's terms, not O(k)
  for (const std::size_t len : groups) {
    for (std::size_t p = left; p < left + len; ++p) ++equal[labels[p]];
    acc.group(left, len, below, equal);
    for (std::size_t p = left; p < left + len; ++p) {
      const std::uint32_t l = labels[p];
      below[l] += equal[l];
      equal[l] = 0;
    }
    left += len;
  }
  return acc.finish();
}

}  // namespace detail::anderson

/// @brief k-sample Anderson–Darling test; matches scipy.stats.anderson_ksamp (1.17).
/// @param samples k pointers to the samples (T = float or double)
/// @param sizes   k sample sizes (each >= 1)
/// @param k       number of samples (>= 2)
/// @throws std::invalid_argument see the file comment (k < 2, empty sample, NaN, a single
/// distinct value, N < 4, all sizes 1, bad options).
template <class T>
anderson_ksamp_result anderson_ksamp(const T* const* samples, const std::size_t* sizes,
                                     std::size_t k, const anderson_ksamp_options& options = {}) {
  static_assert(std::is_same<T, float>::value || std::is_same<T, double>::value,
                "anderson_ksamp: T must be float or double");
  namespace da = detail::anderson;
  options.validate();
  if (k < 2)
    detail::throw_invalid_argument("anderson_ksamp: samples must hold at least 2 samples, got {}",
                                   k);
  if (k > std::numeric_limits<std::uint32_t>::max())
    detail::throw_invalid_argument(
        "anderson_ksamp: samples must hold at most 2^32-1 samples, got {}", k);
  std::size_t total = 0;
  bool all_single = true;
  for (std::size_t i = 0; i < k; ++i) {
    if (sizes[i] == 0) detail::throw_invalid_argument("anderson_ksamp: samples[{}] is empty", i);
    if (samples[i] == nullptr)
      detail::throw_invalid_argument("anderson_ksamp: samples[{}] is a null pointer", i);
    const std::size_t nan = kernels::count_nan(samples[i], sizes[i]);
    if (nan > 0)
      detail::throw_invalid_argument(
          "anderson_ksamp: samples[{}] contains {} NaN value(s); the test has no nan_policy", i,
          nan);
    total += sizes[i];
    all_single = all_single && sizes[i] == 1;
  }
  if (total < 4)
    detail::throw_invalid_argument(
        "anderson_ksamp: samples must hold at least 4 values in total, got {}", total);
  if (all_single)
    detail::throw_invalid_argument(
        "anderson_ksamp: at least one sample must hold 2 or more values (the statistic "
        "has zero variance when every sample holds one)");

  // sorted copies of every sample, back to back
  std::vector<T>& buf = da::tls_values<T>();
  if (buf.size() < total) buf.resize(total);
  std::vector<const T*> sorted(k);
  std::size_t off = 0;
  for (std::size_t i = 0; i < k; ++i) {
    std::copy(samples[i], samples[i] + sizes[i], buf.data() + off);
    kernels::sort(buf.data() + off, sizes[i]);
    sorted[i] = buf.data() + off;
    off += sizes[i];
  }
  T lo = sorted[0][0], hi = sorted[0][sizes[0] - 1];
  for (std::size_t i = 1; i < k; ++i) {
    lo = std::min(lo, sorted[i][0]);
    hi = std::max(hi, sorted[i][sizes[i] - 1]);
  }
  if (!(lo < hi))
    detail::throw_invalid_argument("anderson_ksamp: needs more than one distinct observation");

  std::vector<std::size_t> scratch(3 * k);
  std::size_t* pos = scratch.data();
  std::size_t* below = pos + k;
  std::size_t* equal = below + k;
  std::vector<da::neumaier_sum> sums(k);
  da::a2_accumulator acc(options.variant, k, sizes, total, sums.data());

  const bool perm = options.method == anderson_method::permutation;
  std::vector<std::uint32_t> labels(perm ? total : 0);
  std::vector<std::size_t> groups;
  da::merge_walk(sorted.data(), sizes, k, total, acc, pos, below, equal,
                 perm ? labels.data() : nullptr, perm ? &groups : nullptr);

  anderson_ksamp_result r;
  r.variant = options.variant;
  r.method = options.method;
  r.n_samples = k;
  r.n_total = total;
  r.statistic_raw = acc.finish();
  const double m = static_cast<double>(k - 1);
  r.statistic = (r.statistic_raw - m) / std::sqrt(da::sigma_squared(sizes, k, total));
  r.critical_values = da::critical_values(k);
  const double cmin = *std::min_element(r.critical_values.begin(), r.critical_values.end());
  const double cmax = *std::max_element(r.critical_values.begin(), r.critical_values.end());

  if (!perm) {
    if (r.statistic < cmin) {
      r.pvalue = 0.25;
      r.pvalue_capped = true;
    } else if (r.statistic > cmax) {
      r.pvalue = 0.001;
      r.pvalue_capped = true;
    } else {
      r.pvalue = da::interpolated_pvalue(r.critical_values, r.statistic);
    }
    return r;
  }

  // permutation test on the unnormalised statistic (scipy: permutation_test(...,
  // alternative='greater'); the normalisation is the same increasing map for every
  // partition)
  const double observed = r.statistic_raw;
  const double threshold =
      observed - std::fabs(100 * std::numeric_limits<double>::epsilon() * observed);
  std::uint64_t n_exact = 0;
  std::uint64_t count = 0;
  if (da::partitions_at_most(sizes, k, options.n_resamples, &n_exact)) {
    // every distinct arrangement of the multiset of labels, each once
    std::size_t o = 0;
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t t = 0; t < sizes[i]; ++t) labels[o++] = static_cast<std::uint32_t>(i);
    do {
      if (da::labelled_statistic(labels.data(), groups, k, acc, below, equal) >= threshold) ++count;
    } while (std::next_permutation(labels.begin(), labels.end()));
    r.exact = true;
    r.n_resamples = n_exact;
    r.pvalue = static_cast<double>(count) / static_cast<double>(n_exact);
  } else {
    detail::xoshiro256ss gen(options.seed);
    for (std::uint64_t it = 0; it < options.n_resamples; ++it) {
      for (std::size_t i = total - 1; i > 0; --i) std::swap(labels[i], labels[gen.bounded(i + 1)]);
      if (da::labelled_statistic(labels.data(), groups, k, acc, below, equal) >= threshold) ++count;
    }
    r.n_resamples = options.n_resamples;
    r.pvalue = (static_cast<double>(count) + 1.) / (static_cast<double>(options.n_resamples) + 1.);
  }
  r.pvalue = std::min(1.0, std::max(0.0, r.pvalue));
  return r;
}

/// @brief Two-sample convenience overload of anderson_ksamp.
template <class T>
anderson_ksamp_result anderson_ksamp(const T* x, std::size_t nx, const T* y, std::size_t ny,
                                     const anderson_ksamp_options& options = {}) {
  const T* s[2] = {x, y};
  const std::size_t n[2] = {nx, ny};
  return anderson_ksamp<T>(s, n, 2, options);
}

}  // namespace driftscope
