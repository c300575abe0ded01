#pragma once
/// @file
/// @brief Epps–Singleton two-sample test on the empirical characteristic function,
/// matching scipy.stats.epps_singleton_2samp (scipy 1.17).
///
/// Definition (Epps & Singleton 1986, "An omnibus test for the two-sample problem using
/// the empirical characteristic function", J. Stat. Comput. Simul. 26, 177-203; as
/// implemented by scipy): with the pooled semi-interquartile range σ = IQR/2 (scipy.stats.iqr,
/// linear interpolation) and the scaled points s_j = t_j / σ, j = 1..m, each value v maps
/// to g(v) = (cos(s_1 v), ..., cos(s_m v), sin(s_1 v), ..., sin(s_m v)). With ḡ_x, ḡ_y the
/// sample means, Ω_x, Ω_y the biased (1/n) covariance matrices of g over each sample,
/// N = n_x + n_y and Ω = (N/n_x) Ω_x + (N/n_y) Ω_y:
///   W = N (ḡ_x - ḡ_y)ᵀ Ω⁺ (ḡ_x - ḡ_y),
/// Ω⁺ the Moore–Penrose pseudo-inverse (singular values at or below 2m·ε·s_max dropped:
/// the default rtol of the array-API pinv scipy calls). When max(n_x, n_y) < 25, W is
/// multiplied by the small-sample correction 1 / (1 + N^-0.45 + 10.1 (n_x^-1.7 + n_y^-1.7))
/// of the paper. p = chi2.sf(W, df) with df = rank(Ω⁺) (numpy's matrix_rank tolerance);
/// df = 2m unless Ω is rank deficient, which scipy reports with a warning and we report
/// in `df` (e.g. repeated values in t).
///
/// Missing values (nan_policy): 'propagate' gives statistic and pvalue NaN, 'raise'
/// throws std::invalid_argument, 'omit' drops NaN values. ±inf make statistic and pvalue
/// NaN whatever the policy (scipy does the same: the characteristic function at an
/// infinite value is undefined).
///
/// Errors (std::invalid_argument): a sample with fewer than 5 values (after omitting NaN;
/// scipy raises before and returns NaN with a warning after omitting), t empty or with a
/// value that is not finite and > 0 (scipy: "t must contain positive elements only"), a
/// pooled interquartile range of 0 or beyond the double range, t/σ·x overflowing the
/// double range (scipy then fails inside the SVD or returns a NaN p-value), an all-zero
/// covariance estimate (e.g. both samples constant, where scipy inverts rounding noise and
/// returns a meaningless statistic).
///
/// Precision: computed in double also for float input (scipy computes in float32 for
/// float32 input; results agree with it to float32 accuracy and with scipy on the
/// float64-cast data to full accuracy). Means and covariances are accumulated in blocks
/// of 256 values (two-pass within a block, Chan et al. 1979 merges across blocks), so
/// no per-sample buffer is needed and the result stays accurate for any location/scale;
/// agreement with scipy (BLAS-based covariance) is ~1e-15 relative before the
/// pseudo-inverse, which amplifies it by the condition number κ of Ω (measured on random
/// inputs: relative difference of W <= 4e-14·κ; κ is ~10-1e3 for the default t).
///
/// Cost: one pooled copy (for the O(N) quantile selection), 2m trigonometric evaluations
/// and (2m)(2m+1)/2 multiply-adds per value; an SVD of a 2m x 2m matrix.
///
/// Example:
/// @code
///   std::vector<double> a = ..., b = ...;
///   auto r = driftscope::epps_singleton_2samp(a.data(), a.size(), b.data(), b.size());
///   // r.statistic, r.pvalue, r.df
/// @endcode

#include <driftscope/core/error.hpp>
#include <driftscope/core/nan_policy.hpp>

#include <Eigen/Dense>
#include <boost/math/special_functions/gamma.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <type_traits>
#include <vector>

namespace driftscope {

struct epps_singleton_options {
  /// Points where the empirical characteristic functions are compared (scaled by the
  /// pooled semi-interquartile range); scipy's default (0.4, 0.8) from the paper.
  std::vector<double> t{0.4, 0.8};
  driftscope::nan_policy nan = driftscope::nan_policy::propagate;

  /// @throws std::invalid_argument if t is empty or holds a value that is not finite and
  /// positive, or nan holds an invalid value.
  void validate() const {
    if (t.empty()) detail::throw_invalid_argument("epps_singleton_2samp: t must not be empty");
    for (const double v : t) {
      if (std::isnan(v) || std::isinf(v))
        detail::throw_invalid_argument(
            "epps_singleton_2samp: t must contain finite values only, got {}", v);
      if (!(v > 0))
        detail::throw_invalid_argument(
            "epps_singleton_2samp: t must contain positive elements only, got {}", v);
    }
    if (nan != nan_policy::propagate && nan != nan_policy::raise && nan != nan_policy::omit)
      detail::throw_invalid_argument("epps_singleton_2samp: nan_policy has invalid value {}",
                                     static_cast<int>(nan));
  }
};

/// Result of epps_singleton_2samp (scipy's Epps_Singleton_2sampResult plus bookkeeping).
struct epps_singleton_result {
  double statistic = 0;
  double pvalue = 1;
  std::size_t df = 0;  ///< chi-square degrees of freedom: the rank of the covariance estimate
                       ///< (2·len(t) at full rank)
  std::size_t nx = 0, ny = 0;  ///< sizes after omitting NaN
  std::size_t missing_x = 0, missing_y = 0;
};

namespace detail::epps {

/// scipy.stats.quantile(method='linear') of the sorted-order statistic at p (0 < p < 1)
/// from an unsorted buffer: (1 - g)·y[j] + g·y[j+1], j = floor(p·n + 1 - p) - 1,
/// g = frac(p·n + 1 - p). Reorders `v` (selection on [from, n)); returns j too, so a
/// second, larger quantile can select in the upper part only.
inline double linear_quantile(double* v, std::size_t n, std::size_t from, double p,
                              std::size_t* j_out) {
  const double jg = p * static_cast<double>(n) + (1 - p);
  const double jp1 = std::floor(jg);
  const double g = jg - jp1;
  const std::size_t j = static_cast<std::size_t>(jp1) - 1;  // jg >= 1 for n >= 1, 0 < p < 1
  std::nth_element(v + from, v + j, v + n);
  const double a = v[j];
  const double b = j + 1 < n ? *std::min_element(v + j + 1, v + n) : a;
  *j_out = j;
  return (1 - g) * a + g * b;
}

/// Block size of the mean / covariance accumulation.
constexpr std::size_t block = 256;

/// Mean (2m) and sum of centred outer products (2m x 2m) of the features g(v) over the
/// values of v (NaN skipped when skip_nan). The features are shifted by those of the
/// first value (so a constant sample gives exactly zero products), then processed in
/// blocks of `block` values: block mean and centred products computed two-pass, merged
/// into the running totals (Chan, Golub & LeVeque 1979); accurate whatever the mean.
template <class T>
void moments(const T* v, std::size_t n, const std::vector<double>& s, bool skip_nan,
             Eigen::VectorXd& mean, Eigen::MatrixXd& m2) {
  const std::size_t m = s.size(), d = 2 * m;
  const auto di = static_cast<Eigen::Index>(d);
  mean = Eigen::VectorXd::Zero(di);
  m2 = Eigen::MatrixXd::Zero(di, di);
  std::vector<double> f(d * block);  // value-major: f[b * d + feature]
  std::vector<double> bmean(d), bm2(d * d), delta(d);
  std::vector<double> shift(d, 0.0);
  for (std::size_t i0 = 0; i0 < n; ++i0) {
    const double x = static_cast<double>(v[i0]);
    if (skip_nan && std::isnan(x)) continue;
    for (std::size_t j = 0; j < m; ++j) {
      shift[j] = std::cos(s[j] * x);
      shift[m + j] = std::sin(s[j] * x);
    }
    break;
  }
  double count = 0;
  std::size_t i = 0;
  while (i < n) {
    std::size_t nb = 0;
    for (; i < n && nb < block; ++i) {
      const double x = static_cast<double>(v[i]);
      if (skip_nan && std::isnan(x)) continue;
      double* row = f.data() + nb * d;
      for (std::size_t j = 0; j < m; ++j) {
        const double a = s[j] * x;
        row[j] = std::cos(a) - shift[j];
        row[m + j] = std::sin(a) - shift[m + j];
      }
      ++nb;
    }
    if (nb == 0) continue;
    const double nbd = static_cast<double>(nb);
    std::fill(bmean.begin(), bmean.end(), 0.0);
    for (std::size_t b = 0; b < nb; ++b)
      for (std::size_t a = 0; a < d; ++a) bmean[a] += f[b * d + a];
    for (std::size_t a = 0; a < d; ++a) bmean[a] /= nbd;
    std::fill(bm2.begin(), bm2.end(), 0.0);
    for (std::size_t b = 0; b < nb; ++b) {
      double* row = f.data() + b * d;
      for (std::size_t a = 0; a < d; ++a) row[a] -= bmean[a];
      for (std::size_t a = 0; a < d; ++a)
        for (std::size_t c = 0; c <= a; ++c) bm2[a * d + c] += row[a] * row[c];
    }
    const double nt = count + nbd;
    const double w = count * nbd / nt;
    for (std::size_t a = 0; a < d; ++a) delta[a] = bmean[a] - mean(static_cast<Eigen::Index>(a));
    for (std::size_t a = 0; a < d; ++a)
      for (std::size_t c = 0; c <= a; ++c) {
        const double add = bm2[a * d + c] + delta[a] * delta[c] * w;
        m2(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(c)) += add;
        if (c != a) m2(static_cast<Eigen::Index>(c), static_cast<Eigen::Index>(a)) += add;
      }
    for (std::size_t a = 0; a < d; ++a) mean(static_cast<Eigen::Index>(a)) += delta[a] * (nbd / nt);
    count = nt;
  }
  for (std::size_t a = 0; a < d; ++a) mean(static_cast<Eigen::Index>(a)) += shift[a];
}

/// chi2.sf(w, df) = Q(df/2, w/2) (scipy's chdtrc).
inline double chi2_sf(double w, std::size_t df) {
  using namespace boost::math::policies;
  using sf_policy = policy<overflow_error<ignore_error>, underflow_error<ignore_error>,
                           domain_error<ignore_error>, evaluation_error<ignore_error>>;
  if (!(w > 0)) return 1.0;
  return boost::math::gamma_q(static_cast<double>(df) / 2, w / 2, sf_policy());
}

template <class T>
std::vector<double>& tls_pooled() {
  thread_local std::vector<double> v;
  return v;
}

}  // namespace detail::epps

/// @brief Epps–Singleton two-sample test; matches scipy.stats.epps_singleton_2samp (1-D).
/// @param x, nx, y, ny the samples (T = float or double), each with >= 5 values (after
/// omitting NaN)
/// @throws std::invalid_argument see the file comment.
template <class T>
epps_singleton_result epps_singleton_2samp(const T* x, std::size_t nx, const T* y, std::size_t ny,
                                           const epps_singleton_options& options = {}) {
  static_assert(std::is_same<T, float>::value || std::is_same<T, double>::value,
                "epps_singleton_2samp: T must be float or double");
  namespace de = detail::epps;
  options.validate();
  if (nx < 5)
    detail::throw_invalid_argument(
        "epps_singleton_2samp: x must contain at least 5 observations, got {}", nx);
  if (ny < 5)
    detail::throw_invalid_argument(
        "epps_singleton_2samp: y must contain at least 5 observations, got {}", ny);

  // pooled copy without NaN (for the quantiles), counting NaN and ±inf
  std::vector<double>& pooled = de::tls_pooled<T>();
  if (pooled.size() < nx + ny) pooled.resize(nx + ny);
  std::size_t kx = 0, ky = 0;
  double max_abs = 0;  // ±inf when there is one
  for (std::size_t i = 0; i < nx; ++i) {
    const double v = static_cast<double>(x[i]);
    if (std::isnan(v)) continue;
    max_abs = std::max(max_abs, std::fabs(v));
    pooled[kx++] = v;
  }
  for (std::size_t i = 0; i < ny; ++i) {
    const double v = static_cast<double>(y[i]);
    if (std::isnan(v)) continue;
    max_abs = std::max(max_abs, std::fabs(v));
    pooled[kx + ky++] = v;
  }
  const bool infinite = std::isinf(max_abs);
  epps_singleton_result r;
  r.nx = kx;
  r.ny = ky;
  r.missing_x = nx - kx;
  r.missing_y = ny - ky;
  r.df = 2 * options.t.size();
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const bool has_nan = r.missing_x + r.missing_y > 0;
  if (has_nan) {
    if (options.nan == nan_policy::raise)
      detail::throw_invalid_argument(
          "epps_singleton_2samp: the input contains NaN values ({} in x, {} in y) "
          "and nan_policy is 'raise'",
          r.missing_x, r.missing_y);
    if (options.nan == nan_policy::propagate) {
      r.statistic = r.pvalue = nan;
      return r;
    }
    if (kx < 5)
      detail::throw_invalid_argument(
          "epps_singleton_2samp: x must contain at least 5 observations after "
          "omitting NaN, got {} ({} NaN values)",
          kx, r.missing_x);
    if (ky < 5)
      detail::throw_invalid_argument(
          "epps_singleton_2samp: y must contain at least 5 observations after "
          "omitting NaN, got {} ({} NaN values)",
          ky, r.missing_y);
  }
  if (infinite) {
    r.statistic = r.pvalue = nan;
    return r;
  }

  const std::size_t total = kx + ky;
  std::size_t j25 = 0, j75 = 0;
  const double q25 = de::linear_quantile(pooled.data(), total, 0, 0.25, &j25);
  const double q75 = de::linear_quantile(pooled.data(), total, j25 + 1, 0.75, &j75);
  const double sigma = (q75 - q25) / 2;
  if (!(sigma > 0) || std::isinf(sigma))
    detail::throw_invalid_argument(
        "epps_singleton_2samp: the interquartile range of the pooled sample must be "
        "positive and finite, got {}",
        q75 - q25);
  std::vector<double> s(options.t.size());
  for (std::size_t j = 0; j < s.size(); ++j) s[j] = options.t[j] / sigma;
  const double s_max = *std::max_element(s.begin(), s.end());
  if (std::isinf(s_max * max_abs))
    detail::throw_invalid_argument(
        "epps_singleton_2samp: t / semi-IQR times the largest |value| overflows the "
        "double range ({} * {}); the characteristic function cannot be evaluated",
        s_max, max_abs);

  Eigen::VectorXd mx, my;
  Eigen::MatrixXd m2x, m2y;
  de::moments(x, nx, s, has_nan, mx, m2x);
  de::moments(y, ny, s, has_nan, my, m2y);
  const double n = static_cast<double>(total), dx = static_cast<double>(kx),
               dy = static_cast<double>(ky);
  // scipy: cov(g) * (n-1)/n (biased), then (N/nx) cov_x + (N/ny) cov_y
  const Eigen::MatrixXd est_cov = (n / dx) * (m2x / dx) + (n / dy) * (m2y / dy);

  const Eigen::Index dim = est_cov.rows();
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(est_cov, Eigen::ComputeFullU | Eigen::ComputeFullV);
  const Eigen::VectorXd& sv = svd.singularValues();  // descending
  const double eps = std::numeric_limits<double>::epsilon();
  const double cutoff = static_cast<double>(dim) * eps * (dim > 0 ? sv(0) : 0.0);
  Eigen::VectorXd inv = Eigen::VectorXd::Zero(dim);
  double inv_max = 0;
  for (Eigen::Index i = 0; i < dim; ++i)
    if (sv(i) > cutoff) {
      inv(i) = 1 / sv(i);
      inv_max = std::max(inv_max, inv(i));
    }
  // rank of the pseudo-inverse as numpy's matrix_rank sees it
  std::size_t rank = 0;
  const double tol = inv_max * static_cast<double>(dim) * eps;
  for (Eigen::Index i = 0; i < dim; ++i)
    if (inv(i) > tol) ++rank;
  if (rank == 0)
    detail::throw_invalid_argument(
        "epps_singleton_2samp: the covariance estimate of the characteristic function "
        "is zero (every feature is constant within each sample, e.g. both samples are "
        "constant)");
  const Eigen::MatrixXd pinv = svd.matrixV() * inv.asDiagonal() * svd.matrixU().transpose();
  const Eigen::VectorXd g = mx - my;
  double w = n * g.dot(pinv * g);
  if (std::max(kx, ky) < 25) {
    const double corr =
        1.0 / (1.0 + std::pow(n, -0.45) + 10.1 * (std::pow(dx, -1.7) + std::pow(dy, -1.7)));
    w *= corr;
  }
  r.statistic = w;
  r.df = rank;
  r.pvalue = de::chi2_sf(w, rank);
  return r;
}

}  // namespace driftscope
