#pragma once
/// @file
/// @brief Maximum mean discrepancy (MMD) two-sample test between two multivariate
/// samples with the Gaussian (RBF) kernel k(a, b) = exp(-||a - b||² / (2σ²)).
///
/// Reference: Gretton, Borgwardt, Rasch, Schölkopf & Smola (2012), "A Kernel Two-Sample
/// Test", JMLR 13:723-773 (eq. 3, Lemma 14, section 6); Zaremba, Gretton & Blaschko (2013),
/// "B-test: A Non-parametric, Low Variance Kernel Two-sample Test", NIPS. The exact
/// estimator, the median heuristic and the permutation scheme follow alibi-detect 0.13's
/// MMDDrift (GaussianRBF kernel, sigma_median, mmd2_from_kernel_matrix) so results are
/// comparable; differences are listed below.
///
/// Estimators (x: n rows, y: m rows, d columns, N = n + m):
///  - `exact`: the unbiased quadratic-time statistic (Gretton eq. 3)
///      MMD²_u = Σ_{i≠j} k(x_i,x_j) / (n(n-1)) + Σ_{i≠j} k(y_i,y_j) / (m(m-1))
///               - 2 Σ_{i,j} k(x_i,y_j) / (n m),
///    identical to alibi-detect's. p-value by a permutation test on the kept N×N kernel
///    matrix (its lower triangle: N²/2 exponentials): a permutation only relabels rows, so
///    each costs N²/2 multiply-adds (a batch of 64 permutations is one Eigen triangular
///    matrix product). Cost O(N² d) time for the kernel matrix plus
///    O(N² · n_permutations); memory 8·N² bytes (N = 5000: 200 MB).
///    Refused (std::invalid_argument naming exact_max_n) when N > exact_max_n.
///  - `linear`: Gretton's linear-time statistic (Lemma 14), mean over P = ⌊min(n,m)/2⌋
///    pairs of h = k(x_{2i},x_{2i+1}) + k(y_{2i},y_{2i+1}) - k(x_{2i},y_{2i+1})
///    - k(x_{2i+1},y_{2i}); p-value one-sided normal (section 6): z = mean / sqrt(var_h / P),
///    var_h the sample variance (ddof 1) of the h values, p = P(Z >= z).
///    O(min(n,m) d) time, O(d) memory. Rows beyond the first 2P of each sample are unused.
///  - `block`: the B-test: the samples cut into ⌊min(n,m)/B⌋ blocks of B rows each (rows
///    [kB, (k+1)B) of x and of y); per block the unbiased statistic in Zaremba et al.'s
///    form η_k = Σ_{a≠b} h(a, b) / (B(B-1)) (the cross terms k(x_a, y_a) excluded, so
///    block_size 2 gives exactly the linear estimator); statistic = mean of η_k, p-value
///    one-sided normal from the sample variance of the η_k. O(min(n,m) · B · d) time,
///    O(B²) memory. Rows beyond the last full block are not used. block_size 0 (default)
///    means B = max(2, ⌊√min(n,m)⌋), the B-test paper's suggestion.
///  - `auto_`: exact when N <= exact_max_n, else block.
///  Degenerate spread: h and η_k combine kernel values in [0, 1], so a standard deviation
///  below 1e-13 (~500 ulps of 1) cannot be told from rounding (e.g. tied data whose block
///  statistics are 0 in exact arithmetic); then the p-value is 0 when the statistic is
///  > 1e-13 and 1 otherwise, instead of a z-score of rounding noise.
///
/// Bandwidth: `sigma` if given, else the median heuristic as alibi-detect's sigma_median
/// with its default configure_kernel_from_x_ref=True: σ = sqrt(med / 2), med the lower
/// median of the squared distances over pairs of distinct rows of x (the reference
/// sample; alibi sorts the full n×n distance matrix and takes the entry that is this lower
/// median). For n > median_max_n (default 1000) only median_max_n rows of x at
/// positions ⌊k n / median_max_n⌋ enter, so the cost is O(min(n, 1000)² d). If med is 0
/// (more than half of those pairs are duplicates, e.g. a constant reference) med is
/// instead the lower median of the positive squared distances among the subsampled rows
/// of x and y pooled (alibi would return σ ≈ 7e-16 there); if there is none (every row of
/// x and y is the same point) σ = 1, since MMD² is then 0 for any σ.
///
/// Permutation p-value: p = (1 + #{b : MMD²_b >= MMD²}) / (1 + n_permutations) (Phipson
/// & Smyth 2010, "Permutation P-values Should Never Be Zero"), counting permuted
/// statistics within 1e-14·(A + B + 2C) below the observed one as >= (A, B, C the three
/// kernel averages of eq. 3, whose few-ulp rounding this absorbs: equal statistics, e.g.
/// of constant data or a permutation that maps x onto itself, count as ties).
/// alibi-detect reports #{...} / n_permutations instead, which can be 0; convert with
/// p_alibi = (p (1 + B) - 1) / B. We chose the corrected form because an exact 0 is not a
/// valid p-value and would pass any significance threshold.
/// Permutations: a generator xoshiro256** (Blackman & Vigna 2018) seeded with four
/// outputs of splitmix64(seed), bounded draws by rejection (draw r until
/// r >= (2^64 - b) mod b, return r mod b: unbiased and the same on every machine), and
/// per permutation the first s = min(n, m) steps of a Fisher–Yates shuffle of one index
/// buffer over the pooled rows (initialised to 0..N-1 once and shuffled further by each
/// permutation, without reset): the first s indices form the permuted smaller sample.
///
/// Precision: computed in double for float and double input. Data are first scaled by a
/// power of two (exact) so that the largest |value| is in [1, 2), which keeps squared
/// distances of huge (1e300) or tiny values finite and nonzero; the exact and block
/// estimators then centre the rows (pooled or block column means) and take squared
/// distances as ||a||² + ||b||² - 2 a·b (Eigen matrix product), clamped at 0: absolute
/// error ~1e-16 × (spread of the data)², so kernel values are accurate to ~1e-15 when σ
/// is not far below the spread of the data (true of the median heuristic's σ). Kernel
/// values below DBL_MIN are 0. The linear estimator and the median heuristic use direct
/// differences Σ (a_j - b_j)². Eigen vectorises for the instruction set of the translation
/// unit that includes this header (SSE2 in a default x86-64 build).
///
/// Example:
/// @code
///   // x: n×d, y: m×d, row-major
///   driftscope::mmd_options o;
///   o.n_permutations = 200;
///   auto r = driftscope::mmd(x.data(), n, y.data(), m, d, o);   // r.statistic, r.pvalue
/// @endcode

#include <driftscope/core/error.hpp>
#include <driftscope/core/random.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

namespace driftscope {

/// Which MMD² estimator to use; `auto_` picks exact up to exact_max_n pooled rows.
enum class mmd_estimator { auto_, exact, linear, block };

/// @throws std::invalid_argument for anything but "auto", "exact", "linear", "block".
inline mmd_estimator parse_mmd_estimator(std::string_view s) {
  if (s == "auto") return mmd_estimator::auto_;
  if (s == "exact") return mmd_estimator::exact;
  if (s == "linear") return mmd_estimator::linear;
  if (s == "block") return mmd_estimator::block;
  detail::throw_invalid_argument(
      "mmd: estimator must be 'auto', 'exact', 'linear' or 'block', got '{}'", s);
}

inline const char* to_string(mmd_estimator e) noexcept {
  switch (e) {
    case mmd_estimator::auto_: return "auto";
    case mmd_estimator::exact: return "exact";
    case mmd_estimator::linear: return "linear";
    case mmd_estimator::block: return "block";
  }
  return "?";
}

/// Options of mmd(); see the file comment for each estimator.
struct mmd_options {
  /// Kernel bandwidth σ > 0 (finite); none = median heuristic on x.
  std::optional<double> sigma;
  mmd_estimator estimator = mmd_estimator::auto_;
  /// Permutations of the exact test (alibi-detect's default 100); 0 = statistic only
  /// (pvalue NaN). Ignored by linear and block.
  std::size_t n_permutations = 100;
  /// Seed of the permutation generator: same seed, same p-value on every machine.
  std::uint64_t seed = 0;
  /// Rows per block of the block estimator; 0 = max(2, ⌊√min(n, m)⌋). Must not be 1.
  std::size_t block_size = 0;
  /// Largest pooled size n + m for the exact estimator (and auto's switch to block):
  /// its kernel matrix takes 8·(n+m)² bytes (5000: 200 MB). At most max_exact_n.
  std::size_t exact_max_n = 5000;
  /// Rows of x (strided subsample) used by the median heuristic; >= 2.
  std::size_t median_max_n = 1000;

  /// Hard cap on exact_max_n: a 16384² double kernel matrix is 2 GiB.
  static constexpr std::size_t max_exact_n = 16384;

  /// @throws std::invalid_argument naming the field for an out-of-range value.
  void validate() const {
    if (sigma && !(std::isfinite(*sigma) && *sigma > 0))
      detail::throw_invalid_argument("mmd: sigma must be finite and > 0, got {}", *sigma);
    if (estimator != mmd_estimator::auto_ && estimator != mmd_estimator::exact &&
        estimator != mmd_estimator::linear && estimator != mmd_estimator::block)
      detail::throw_invalid_argument("mmd: estimator has invalid value {}",
                                     static_cast<int>(estimator));
    if (block_size == 1)
      detail::throw_invalid_argument("mmd: block_size must be 0 (auto) or >= 2, got 1");
    if (exact_max_n < 4 || exact_max_n > max_exact_n)
      detail::throw_invalid_argument("mmd: exact_max_n must be in [4, {}], got {}", max_exact_n,
                                     exact_max_n);
    if (median_max_n < 2)
      detail::throw_invalid_argument("mmd: median_max_n must be >= 2, got {}", median_max_n);
  }
};

/// Result of mmd().
struct mmd_result {
  double statistic = 0;  ///< the MMD² estimate (can be < 0: the estimators are unbiased)
  double pvalue = 1;     ///< NaN only for exact with n_permutations == 0
  double sigma = 0;      ///< the bandwidth used (given or median heuristic)
  mmd_estimator estimator = mmd_estimator::exact;  ///< the estimator used (never auto_)
  std::size_t n = 0, m = 0, d = 0;                 ///< rows of x, rows of y, features
  std::size_t n_permutations = 0;                  ///< permutations run (0 unless exact)
  std::size_t block_size = 0;                      ///< B of block, 2 for linear, 0 for exact
};

namespace detail::mmd {

/// Exact power-of-two scaling v ↦ v · 2^-e applied as two multiplications (2^-e itself
/// is not representable when the data are subnormal).
struct pow2_scale {
  double f1 = 1, f2 = 1;
  int e = 0;  ///< data scaled by 2^-e
  double operator()(double v) const noexcept { return v * f1 * f2; }
  /// Multiply a value in scaled units back to data units (may overflow to inf only for
  /// data near the largest double).
  double unscale(double v) const noexcept { return std::ldexp(v, e); }
};

inline pow2_scale make_scale(double maxabs) noexcept {
  pow2_scale s;
  if (maxabs > 0) {
    s.e = std::ilogb(maxabs);  // maxabs · 2^-e in [1, 2)
    const int e1 = s.e / 2, e2 = s.e - e1;
    s.f1 = std::ldexp(1.0, -e1);
    s.f2 = std::ldexp(1.0, -e2);
  }
  return s;
}

/// Throws if a value is NaN or ±inf (naming the argument, row and column); returns max |v|.
template <class T>
double check_finite_maxabs(const T* p, std::size_t rows, std::size_t d, const char* name) {
  double maxabs = 0;
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < d; ++j) {
      const double v = static_cast<double>(p[i * d + j]);
      if (!std::isfinite(v))
        detail::throw_invalid_argument(
            "mmd: {} must not contain NaN or infinity, got {} at row {}, column {}", name, v, i, j);
      maxabs = std::max(maxabs, std::fabs(v));
    }
  return maxabs;
}

/// Σ_j (a_j - b_j)² of two rows in scaled units.
template <class T>
double sqdist(const T* a, const T* b, std::size_t d, const pow2_scale& s) noexcept {
  double acc = 0;
  for (std::size_t j = 0; j < d; ++j) {
    const double diff = s(static_cast<double>(a[j])) - s(static_cast<double>(b[j]));
    acc += diff * diff;
  }
  return acc;
}

/// Lower median (index ⌊(P-1)/2⌋ of the sorted values) of v, P >= 1; reorders v.
inline double lower_median(std::vector<double>& v) {
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>((v.size() - 1) / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

/// Row indices of the strided subsample: ⌊k·rows/take⌋, k < take (all rows if take >= rows).
inline std::vector<std::size_t> strided_rows(std::size_t rows, std::size_t take) {
  const std::size_t k_max = std::min(rows, take);
  std::vector<std::size_t> idx(k_max);
  for (std::size_t k = 0; k < k_max; ++k)
    idx[k] = static_cast<std::size_t>((static_cast<unsigned long long>(k) * rows) / k_max);
  return idx;
}

/// Median-heuristic bandwidth in scaled units (see the file comment).
template <class T>
double median_sigma_scaled(const T* x, std::size_t n, const T* y, std::size_t m, std::size_t d,
                           std::size_t median_max_n, const pow2_scale& s) {
  const std::vector<std::size_t> rx = strided_rows(n, median_max_n);
  std::vector<double> dist;
  dist.reserve(rx.size() * (rx.size() - 1) / 2);
  for (std::size_t a = 0; a < rx.size(); ++a)
    for (std::size_t b = a + 1; b < rx.size(); ++b)
      dist.push_back(sqdist(x + rx[a] * d, x + rx[b] * d, d, s));
  double med = lower_median(dist);
  if (med > 0) return std::sqrt(0.5 * med);
  // Degenerate reference: positive distances among the pooled subsample.
  const std::vector<std::size_t> ry = strided_rows(m, median_max_n);
  std::vector<const T*> rows;
  rows.reserve(rx.size() + ry.size());
  for (std::size_t i : rx) rows.push_back(x + i * d);
  for (std::size_t i : ry) rows.push_back(y + i * d);
  dist.clear();
  for (std::size_t a = 0; a < rows.size(); ++a)
    for (std::size_t b = a + 1; b < rows.size(); ++b) {
      const double v = sqdist(rows[a], rows[b], d, s);
      if (v > 0) dist.push_back(v);
    }
  if (dist.empty())
    return std::ldexp(1.0, -s.e);  // one point: MMD² = 0 for any sigma; 1 in data units
  med = lower_median(dist);
  return std::sqrt(0.5 * med);
}

/// gamma = 1 / (2 σ²) in scaled units, kept finite so gamma·0 stays 0.
inline double gamma_of(double sigma_scaled) noexcept {
  const double g = 0.5 / (sigma_scaled * sigma_scaled);
  return std::isfinite(g) ? g : std::numeric_limits<double>::max();
}

/// One-sided normal p-value P(Z >= mean / sqrt(var / count)); a standard deviation below
/// rounding level (1e-13) is degenerate as documented in the file comment.
inline double normal_pvalue(double mean, double var, std::size_t count) {
  constexpr double rounding = 1e-13;
  if (!(var > rounding * rounding)) return mean > rounding ? 0.0 : 1.0;
  const double z = mean / std::sqrt(var / static_cast<double>(count));
  return 0.5 * std::erfc(z / std::sqrt(2.0));
}

/// Rows `rows` of x followed by `rows2` of y (starting at row offsets), scaled, into the
/// first rows of z, then centred by their column means. z must have >= rows + rows2 rows.
template <class T>
void load_centred(Eigen::MatrixXd& z, const T* x, std::size_t x_off, std::size_t rows, const T* y,
                  std::size_t y_off, std::size_t rows2, std::size_t d, const pow2_scale& s) {
  using row_map =
      Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
  const auto di = static_cast<Eigen::Index>(d);
  const row_map xm(x + x_off * d, static_cast<Eigen::Index>(rows), di);
  const row_map ym(y + y_off * d, static_cast<Eigen::Index>(rows2), di);
  const auto r1 = static_cast<Eigen::Index>(rows), r2 = static_cast<Eigen::Index>(rows2);
  for (Eigen::Index j = 0; j < di; ++j) {
    for (Eigen::Index i = 0; i < r1; ++i) z(i, j) = s(static_cast<double>(xm(i, j)));
    for (Eigen::Index i = 0; i < r2; ++i) z(r1 + i, j) = s(static_cast<double>(ym(i, j)));
  }
  auto top = z.topRows(r1 + r2);
  const Eigen::RowVectorXd mean = top.colwise().mean();
  top.rowwise() -= mean;
}

/// Lower triangle of the kernel matrix of the first `rows` rows of z into k (the strictly
/// upper part is left unspecified; the diagonal is set to 0):
/// k_ij = exp(-gamma · max(|z_i|² + |z_j|² - 2 z_i·z_j, 0)) for i > j. K is symmetric, so
/// only half the exponentials are taken and every sum below reads the lower triangle.
inline void kernel_lower(const Eigen::MatrixXd& z, Eigen::Index rows, double gamma,
                         Eigen::MatrixXd& k, Eigen::VectorXd& sq) {
  const auto zt = z.topRows(rows);
  sq.head(rows) = zt.rowwise().squaredNorm();
  auto kk = k.topLeftCorner(rows, rows);
  kk.template triangularView<Eigen::Lower>() = zt * zt.transpose();
  constexpr double tiny = std::numeric_limits<double>::min();
  for (Eigen::Index j = 0; j < rows; ++j) {
    const Eigen::Index len = rows - j;
    auto col = kk.col(j).tail(len).array();
    col = (-gamma * ((sq.tail(len).array() + sq(j)) - 2.0 * col).max(0.0)).exp();
    // Eigen's vectorised exp clamps its argument at -709.78 (giving ~1e-308, not 0): values
    // below DBL_MIN are 0 to within 2.3e-308 anyway.
    double* c = kk.col(j).data() + j;
    for (Eigen::Index i = 0; i < len; ++i) c[i] = c[i] < tiny ? 0.0 : c[i];
    kk(j, j) = 0;
  }
}

/// Unbiased MMD² (Gretton eq. 3) from the three block sums (diagonals excluded).
inline double mmd2_u(double sxx, double syy, double sxy, double n, double m) noexcept {
  return sxx / (n * (n - 1)) + syy / (m * (m - 1)) - 2.0 * sxy / (n * m);
}

/// Σ of the strictly lower triangle of rows/columns [begin, end) of k.
inline double lower_sum(const Eigen::MatrixXd& k, Eigen::Index begin, Eigen::Index end) {
  double acc = 0;
  for (Eigen::Index j = begin; j + 1 < end; ++j) acc += k.col(j).segment(j + 1, end - j - 1).sum();
  return acc;
}

template <class T>
void exact_estimate(const T* x, std::size_t n, const T* y, std::size_t m, std::size_t d,
                    double gamma, const pow2_scale& s, const mmd_options& opt, mmd_result& r) {
  const std::size_t big_n = n + m;
  const auto nn = static_cast<Eigen::Index>(big_n);
  Eigen::MatrixXd z(nn, static_cast<Eigen::Index>(d));
  load_centred(z, x, 0, n, y, 0, m, d, s);
  Eigen::MatrixXd k(nn, nn);
  Eigen::VectorXd sq(nn);
  kernel_lower(z, nn, gamma, k, sq);
  const auto ni = static_cast<Eigen::Index>(n), mi = static_cast<Eigen::Index>(m);
  const double dn = static_cast<double>(n), dm = static_cast<double>(m);
  // Gretton eq. 3 from the lower triangle: the x-y block lies entirely below the diagonal.
  const double a_xx = 2.0 * lower_sum(k, 0, ni) / (dn * (dn - 1));
  const double a_yy = 2.0 * lower_sum(k, ni, nn) / (dm * (dm - 1));
  const double a_xy = k.bottomLeftCorner(mi, ni).sum() / (dn * dm);
  r.statistic = a_xx + a_yy - 2.0 * a_xy;
  r.n_permutations = opt.n_permutations;
  if (opt.n_permutations == 0) {
    r.pvalue = std::numeric_limits<double>::quiet_NaN();
    return;
  }
  // Permuted statistics from the smaller group S (size s_n) alone: with L the strictly
  // lower triangle (K = L + Lᵀ), row sums rs and total t of K and a = 1_S:
  // S_ss = aᵀKa = 2 aᵀLa, S_sb = rsᵀa - S_ss, S_bb = t - 2 rsᵀa + S_ss. One triangular
  // matrix product per batch of 64 permutations gives all L·a (N²/2 multiply-adds each).
  // Taking S as the smaller group keeps the cancellation in S_bb harmless (S_bb ~ t).
  Eigen::VectorXd rs = Eigen::VectorXd::Zero(nn);
  for (Eigen::Index j = 0; j + 1 < nn; ++j) {
    const auto below = k.col(j).tail(nn - j - 1);
    rs(j) += below.sum();
    rs.tail(nn - j - 1) += below;
  }
  const double total = rs.sum();
  const std::size_t s_n = std::min(n, m);
  const double ds = static_cast<double>(s_n), db = static_cast<double>(big_n - s_n);
  constexpr std::size_t batch = 64;
  const std::size_t cols = std::min(batch, opt.n_permutations);
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(nn, static_cast<Eigen::Index>(cols));
  Eigen::MatrixXd la(nn, static_cast<Eigen::Index>(cols));
  std::vector<std::size_t> idx(big_n);
  for (std::size_t i = 0; i < big_n; ++i) idx[i] = i;
  std::vector<double> ra(cols);
  detail::xoshiro256ss rng(opt.seed);
  // Ties (equal statistics up to rounding, e.g. constant data) count as >= observed; the
  // rounding error of a statistic is a few ulps of its terms a_xx + a_yy + 2 a_xy.
  const double threshold = r.statistic - 1e-14 * (a_xx + a_yy + 2.0 * a_xy);
  std::size_t count = 0;
  for (std::size_t done = 0; done < opt.n_permutations;) {
    const std::size_t nb = std::min(cols, opt.n_permutations - done);
    for (std::size_t b = 0; b < nb; ++b) {
      auto col = a.col(static_cast<Eigen::Index>(b));
      col.setZero();
      double sum_r = 0;
      for (std::size_t i = 0; i < s_n; ++i) {  // partial Fisher–Yates: first s_n positions
        const std::size_t j = i + static_cast<std::size_t>(rng.bounded(big_n - i));
        std::swap(idx[i], idx[j]);
        col(static_cast<Eigen::Index>(idx[i])) = 1.0;
        sum_r += rs(static_cast<Eigen::Index>(idx[i]));
      }
      ra[b] = sum_r;
    }
    const auto nbi = static_cast<Eigen::Index>(nb);
    la.leftCols(nbi).noalias() =
        k.template triangularView<Eigen::StrictlyLower>() * a.leftCols(nbi);
    for (std::size_t b = 0; b < nb; ++b) {
      const auto bi = static_cast<Eigen::Index>(b);
      const double sss = 2.0 * a.col(bi).dot(la.col(bi));
      const double ssb = ra[b] - sss;
      const double sbb = total - 2.0 * ra[b] + sss;
      if (mmd2_u(sss, sbb, ssb, ds, db) >= threshold) ++count;
    }
    done += nb;
  }
  r.pvalue = static_cast<double>(1 + count) / static_cast<double>(1 + opt.n_permutations);
}

/// Welford running mean and (ddof 1) variance.
struct running_moments {
  std::size_t count = 0;
  double mean = 0, m2 = 0;
  void add(double v) noexcept {
    ++count;
    const double delta = v - mean;
    mean += delta / static_cast<double>(count);
    m2 += delta * (v - mean);
  }
  double variance() const noexcept { return count > 1 ? m2 / static_cast<double>(count - 1) : 0.0; }
};

template <class T>
void linear_estimate(const T* x, std::size_t n, const T* y, std::size_t m, std::size_t d,
                     double gamma, const pow2_scale& s, mmd_result& r) {
  const std::size_t pairs = std::min(n, m) / 2;
  running_moments h;
  for (std::size_t p = 0; p < pairs; ++p) {
    const T* x1 = x + 2 * p * d;
    const T* x2 = x1 + d;
    const T* y1 = y + 2 * p * d;
    const T* y2 = y1 + d;
    h.add(std::exp(-gamma * sqdist(x1, x2, d, s)) + std::exp(-gamma * sqdist(y1, y2, d, s)) -
          std::exp(-gamma * sqdist(x1, y2, d, s)) - std::exp(-gamma * sqdist(x2, y1, d, s)));
  }
  r.statistic = h.mean;
  r.pvalue = normal_pvalue(h.mean, h.variance(), pairs);
  r.block_size = 2;
}

template <class T>
void block_estimate(const T* x, std::size_t n, const T* y, std::size_t m, std::size_t d,
                    double gamma, const pow2_scale& s, std::size_t bsize, mmd_result& r) {
  const std::size_t blocks = std::min(n, m) / bsize;
  const auto bi = static_cast<Eigen::Index>(bsize);
  Eigen::MatrixXd z(2 * bi, static_cast<Eigen::Index>(d));
  Eigen::MatrixXd k(2 * bi, 2 * bi);
  Eigen::VectorXd sq(2 * bi);
  const double denom = static_cast<double>(bsize) * static_cast<double>(bsize - 1);
  running_moments eta;
  for (std::size_t b = 0; b < blocks; ++b) {
    load_centred(z, x, b * bsize, bsize, y, b * bsize, bsize, d, s);
    kernel_lower(z, 2 * bi, gamma, k, sq);
    const double sxx = 2.0 * lower_sum(k, 0, bi);
    const double syy = 2.0 * lower_sum(k, bi, 2 * bi);
    const auto kxy = k.block(bi, 0, bi, bi);  // entirely below the diagonal
    // Σ_{a≠b} [k(x_a,y_b) + k(x_b,y_a)] = 2 (Σ_{a,b} k(x_a,y_b) - Σ_a k(x_a,y_a))
    eta.add((sxx + syy - 2.0 * (kxy.sum() - kxy.diagonal().sum())) / denom);
  }
  r.statistic = eta.mean;
  r.pvalue = normal_pvalue(eta.mean, eta.variance(), blocks);
  r.block_size = bsize;
}

inline void check_sizes(std::size_t n, std::size_t m, std::size_t d, const void* x, const void* y) {
  if (n < 2) detail::throw_invalid_argument("mmd: x must have at least 2 rows, got {}", n);
  if (m < 2) detail::throw_invalid_argument("mmd: y must have at least 2 rows, got {}", m);
  if (d == 0) detail::throw_invalid_argument("mmd: d (the number of features) must be >= 1, got 0");
  if (x == nullptr) detail::throw_invalid_argument("mmd: x must not be null");
  if (y == nullptr) detail::throw_invalid_argument("mmd: y must not be null");
}

}  // namespace detail::mmd

/// @brief Median-heuristic bandwidth σ of mmd() for x (reference, n×d) and y (m×d):
/// sqrt(lower median of the squared distances between distinct rows of x / 2), with the
/// subsampling and the degenerate-case fallback described in the file comment.
/// Compute it once from a reference and pass it as mmd_options::sigma to compare many
/// current windows with the same kernel. Cost O(min(n, median_max_n)² d).
/// @throws std::invalid_argument for sizes below 2, d == 0, NaN / inf in the data or
///         median_max_n < 2.
template <class T>
double mmd_median_sigma(const T* x, std::size_t n, const T* y, std::size_t m, std::size_t d,
                        std::size_t median_max_n = 1000) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                "mmd: T must be float or double");
  detail::mmd::check_sizes(n, m, d, x, y);
  if (median_max_n < 2)
    detail::throw_invalid_argument("mmd: median_max_n must be >= 2, got {}", median_max_n);
  const double maxabs = std::max(detail::mmd::check_finite_maxabs(x, n, d, "x"),
                                 detail::mmd::check_finite_maxabs(y, m, d, "y"));
  const detail::mmd::pow2_scale s = detail::mmd::make_scale(maxabs);
  return s.unscale(detail::mmd::median_sigma_scaled(x, n, y, m, d, median_max_n, s));
}

/// @brief MMD² two-sample test with the Gaussian kernel between x (n×d, the reference)
/// and y (m×d), both row-major; see the file comment for the estimators, their cost,
/// the bandwidth and the p-values.
/// @param x, y row-major data (x[i*d + j] = row i, feature j); not copied except as
///        scaled double working copies of O((n+m)·d) (exact) or O(block_size·d) (block).
/// @return statistic (MMD²), pvalue, sigma, estimator used, sizes, permutations, block size.
/// @throws std::invalid_argument for n < 2 or m < 2, d == 0, NaN or ±inf in the data, an
///         invalid option (mmd_options::validate), exact with n + m > exact_max_n, linear
///         or block with min(n, m) < 4, or block_size > min(n, m) / 2.
template <class T>
mmd_result mmd(const T* x, std::size_t n, const T* y, std::size_t m, std::size_t d,
               const mmd_options& opt = {}) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                "mmd: T must be float or double");
  namespace dm = detail::mmd;
  opt.validate();
  dm::check_sizes(n, m, d, x, y);
  mmd_result r;
  r.n = n;
  r.m = m;
  r.d = d;
  const std::size_t big_n = n + m;
  r.estimator = opt.estimator;
  if (r.estimator == mmd_estimator::auto_)
    r.estimator = big_n <= opt.exact_max_n ? mmd_estimator::exact : mmd_estimator::block;
  const std::size_t small = std::min(n, m);
  std::size_t bsize = 0;
  if (r.estimator == mmd_estimator::exact && big_n > opt.exact_max_n)
    detail::throw_invalid_argument(
        "mmd: the exact estimator needs n + m <= exact_max_n ({}), got n + m = {} (its kernel "
        "matrix would take {} "
        "MB); use estimator 'block' or 'linear', or raise exact_max_n (at most {})",
        opt.exact_max_n, big_n,
        (8.0 * static_cast<double>(big_n) * static_cast<double>(big_n)) / 1e6,
        mmd_options::max_exact_n);
  if (r.estimator == mmd_estimator::linear || r.estimator == mmd_estimator::block) {
    if (small < 4)
      detail::throw_invalid_argument(
          "mmd: the {} estimator needs at least 4 rows in x and in y, got n = {}, m = {}",
          to_string(r.estimator), n, m);
  }
  if (r.estimator == mmd_estimator::block) {
    bsize = opt.block_size;
    if (bsize == 0)
      bsize =
          std::max<std::size_t>(2, static_cast<std::size_t>(std::sqrt(static_cast<double>(small))));
    if (bsize > small / 2)
      detail::throw_invalid_argument(
          "mmd: block_size must be at most min(n, m) / 2 = {} (at least 2 blocks), got {}",
          small / 2, bsize);
  }
  const double maxabs =
      std::max(dm::check_finite_maxabs(x, n, d, "x"), dm::check_finite_maxabs(y, m, d, "y"));
  const dm::pow2_scale s = dm::make_scale(maxabs);
  const double sigma_scaled = opt.sigma
                                  ? std::ldexp(*opt.sigma, -s.e)
                                  : dm::median_sigma_scaled(x, n, y, m, d, opt.median_max_n, s);
  r.sigma = opt.sigma ? *opt.sigma : s.unscale(sigma_scaled);
  const double gamma = dm::gamma_of(sigma_scaled);
  switch (r.estimator) {
    case mmd_estimator::exact: dm::exact_estimate(x, n, y, m, d, gamma, s, opt, r); break;
    case mmd_estimator::linear: dm::linear_estimate(x, n, y, m, d, gamma, s, r); break;
    default: dm::block_estimate(x, n, y, m, d, gamma, s, bsize, r); break;
  }
  return r;
}

}  // namespace driftscope
