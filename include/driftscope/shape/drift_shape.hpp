#pragma once
/// @file
/// @brief Drift typing: is a change in a monitored trajectory sudden or gradual?
///
/// After a detector or monitor alarms, the trajectory of what it monitors (block means of
/// residuals, score components, a windowed statistic's values; equally spaced, index j =
/// 0..n−1) tells how the change happened. classify_drift() fits three piecewise models by
/// least squares over a grid of change points and picks one by the Bayesian information
/// criterion (Schwarz 1978), the model-selection approach of segmented regression
/// (e.g. Bai & Perron 2003 for steps; the ramp / mixture view of gradual drift follows
/// the drift taxonomy of Gama et al. 2014, "A survey on concept drift adaptation"):
///
/// | model    | curve                                                   | parameters (k)          |
/// |----------|---------------------------------------------------------|-------------------------|
/// | step     | μ0 for j < τ, μ1 for j ≥ τ                              | μ0, μ1, τ         (3)   |
/// | ramp     | μ0 + (μ1 − μ0)·clamp((j − τ)/L, 0, 1)                   | μ0, μ1, τ, L      (4)   |
/// | two-step | μ0 for j < τ1, μm on [τ1, τ2), μ1 for j ≥ τ2            | μ0, μm, μ1, τ1, τ2 (5)  |
///
/// BIC = n·ln(RSS/n) + k·ln(n) (the common noise variance is left out of k: it adds the
/// same ln n to every model). RSS is floored at 1e-12 of the total sum of squares (and a
/// tiny absolute value) so an exact fit gives a finite BIC and exact ties go to the model
/// with fewer parameters (step, then ramp, then two-step).
///
/// Step inside a unit: block means average the stream over each unit, so a sudden change
/// part-way into unit j shows as one value y_j between the two levels. The step model
/// therefore also includes, for every j, the fit with y_j at a free share g ∈ (0, 1)
/// between the means of [0, j) and [j + 1, n) (RSS of the two outer segments; still k = 3:
/// the fractional position replaces the integer τ); its onset is j + 1 − g (the change
/// came (1 − g) into unit j), so an integer τ and a share g → 1 agree.
///
/// Search: the step over every τ and j, the ramp over every integer τ and L ≥ 2, the
/// two-step over every τ1 < τ2; each candidate costs O(1) from prefix sums of c, c² and
/// j·c (c = y − ȳ, centred for accuracy), so a call is O(n²) time and O(n) memory (two
/// allocations). The best ramp is then refined on a 0.1-unit grid of τ and L within ±1 of
/// the integer optimum (L ≥ 1 there; near-ties to the shorter ramp). When the refined
/// ramp has a single intermediate value, every L in [1, 2) through it fits equally and
/// L = 1 is reported: a trajectory cannot resolve a change shorter than one unit, and
/// such a ramp is the step inside a unit (which wins the BIC, having fewer parameters).
/// Change points keep min_segment values at both ends (τ ≥ m, τ + L ≤ n − m, j ≥ m,
/// j + 1 + m ≤ n, τ1 ≥ m, τ2 ≤ n − m).
///
/// The two-step is a candidate ("mixing": old and new concept interleaved at a roughly
/// constant share) only when its plateau lies between 20% and 80% of the way from μ0 to
/// μ1 and lasts at least 2 units; otherwise bic_two_step = +inf.
///
/// Labels: step → sudden; ramp → incremental; two-step → mixing; a gradual fit whose
/// duration is ≤ min_duration is relabelled sudden (its BICs and levels stay reported).
///
/// Smoothing: with smoothing s > 0 the values are trailing moving averages over s units
/// (value k summarises units (k − s, k], the way a sliding window statistic is reported
/// at its end). A step then shows as a ramp of exactly L = s starting at the change, and a
/// ramp of length D as a curve centred D/2 + s/2 after its start whose linear fit has
/// L ≈ max(D, s) (a windowed KS statistic against a fixed reference is linear in the new
/// concept's share, so this holds for it too). Hence: labelled sudden when L − s ≤
/// min_duration (onset τ + max(0, L − s)/2); otherwise duration D = sqrt(L² − s²), exact
/// at D = 0 and for D ≫ s (plain L − s would report D − s for long ramps), and onset
/// τ + (L − s − D)/2, which keeps the fitted centre. With s = 0 the ramp's onset is τ and
/// its duration L. A two-step's jumps sit in the middle of their smoothed edges, so its
/// onset moves back by s/2 (not below 0) and its duration stays τ2 − τ1.
///
/// Accuracy on the house example of issue 6 (block means of 50 residuals, change at block
/// 60; tests/cpp/test_drift_shape.cpp, 200 seeded runs each): sudden → sudden 100%;
/// ramps of 5 / 20 / 40 blocks → incremental with duration within 25%: 97% / 100% / 100%;
/// 50/50 mixing over 20 blocks → mixing 100%; a sudden change half-way into a block → 93%.
///
/// Example:
/// @code
///   std::vector<double> block_means = ...;              // e.g. 50 residuals per block
///   auto s = driftscope::classify_drift(block_means.data(), block_means.size());
///   if (s.gradual()) std::printf("%s drift from block %.1f over %.1f blocks\n",
///                                driftscope::to_string(s.kind), s.onset, s.duration);
/// @endcode

#include <driftscope/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace driftscope {

/// The kind of a drift, as fitted from its trajectory.
enum class drift_kind : std::uint8_t {
  sudden = 0,       ///< a step: the best model is one level, then another
  incremental = 1,  ///< gradual: a linear ramp from the old level to the new one
  mixing = 2,       ///< gradual: old and new concept interleaved (a two-step: old, mixed, new)
};

/// Name of a drift_kind: "sudden", "incremental", "mixing".
inline const char* to_string(drift_kind k) {
  switch (k) {
    case drift_kind::sudden: return "sudden";
    case drift_kind::incremental: return "incremental";
    case drift_kind::mixing: return "mixing";
  }
  return "unknown";
}

/// Options of classify_drift().
struct drift_shape_options {
  /// Length, in trajectory units, of a moving window the trajectory values were averaged
  /// over (a sliding window statistic); 0 for block means / independent values. A sudden
  /// change seen through such a window looks like a ramp of this length. Finite, >= 0.
  double smoothing = 0.0;
  /// A fitted change lasting at most this many trajectory units (after the smoothing
  /// correction) is labelled sudden. Finite, >= 0.
  double min_duration = 1.0;
  /// Units at the start and end of the trajectory where no change point is placed; >= 1.
  std::size_t min_segment = 2;
  /// @throws std::invalid_argument naming the bad field and its value
  void validate() const;
};

/// Result of classify_drift(). Positions are in trajectory units (index of a value; a
/// caller that fed block means converts with its block size).
struct drift_shape {
  drift_kind kind = drift_kind::sudden;
  bool gradual() const { return kind != drift_kind::sudden; }
  /// Where the change starts: τ of the step (first index at the new level; j + 1 − g for a
  /// step inside unit j), τ of the ramp (where the line leaves μ0; real-valued after
  /// refinement; τ + (L − s − D)/2 under smoothing), τ1 − s/2 of the two-step. A ramp
  /// relabelled sudden: τ + max(0, L − s)/2, the middle of its unsmoothed transition.
  double onset = 0.0;
  double duration = 0.0;      ///< 0 for sudden; ramp: L (sqrt(L² − s²) under smoothing); τ2 − τ1
  double level_before = 0.0;  ///< fitted mean before the change (μ0)
  double level_after = 0.0;   ///< fitted mean after the change (μ1)
  double magnitude = 0.0;     ///< level_after − level_before
  double rate = 0.0;          ///< magnitude / duration per unit (NaN for sudden)
  double mixing_level = std::numeric_limits<double>::quiet_NaN();  ///< plateau μm of a mixing fit
  double bic_step = 0.0;      ///< BIC of the step model
  double bic_ramp = 0.0;      ///< BIC of the ramp model
  double bic_two_step = 0.0;  ///< BIC of the two-step (mixing) model; +inf: no candidate
  std::size_t n = 0;          ///< trajectory length used
  /// (μm − μ0)/(μ1 − μ0) of a mixing fit, in [0.2, 0.8]: the new concept's share during
  /// the mixing period; NaN unless kind is mixing (derived, so nothing extra to serialize).
  double mixing_share() const {
    return kind == drift_kind::mixing ? (mixing_level - level_before) / (level_after - level_before)
                                      : std::numeric_limits<double>::quiet_NaN();
  }
};

/**
 * @brief Fits a step, a ramp and a two-step model to `values` and reports the BIC choice.
 *
 * See the file comment for the models, the BIC, the search grid and the labels.
 * Cost O(n²) time, O(n) memory; n = 400 takes a few hundred microseconds.
 * @param values trajectory y_0..y_{n−1}, equally spaced, all finite
 * @param n its length, >= 2·min_segment + 3
 * @param options smoothing, min_duration, min_segment
 * @return the chosen kind with onset, duration, levels, magnitude, rate and the three BICs
 * @throws std::invalid_argument n too small, non-finite values (naming the index), bad options
 */
inline drift_shape classify_drift(const double* values, std::size_t n,
                                  const drift_shape_options& options = {});

inline void drift_shape_options::validate() const {
  if (!(smoothing >= 0.0) || !std::isfinite(smoothing))
    detail::throw_invalid_argument("classify_drift: smoothing must be finite and >= 0, got {}",
                                   smoothing);
  if (!(min_duration >= 0.0) || !std::isfinite(min_duration))
    detail::throw_invalid_argument("classify_drift: min_duration must be finite and >= 0, got {}",
                                   min_duration);
  if (min_segment < 1)
    detail::throw_invalid_argument("classify_drift: min_segment must be >= 1, got {}",
                                   min_segment);
}

namespace detail {

/// Prefix sums of the centred trajectory c_j = y_j − ȳ: s[k] = Σ_{j<k} c_j,
/// q[k] = Σ_{j<k} c_j², w[k] = Σ_{j<k} j·c_j (one allocation of 3(n+1) doubles).
class shape_prefix {
 public:
  shape_prefix(const double* y, std::size_t n) : n_(n), buf_(3 * (n + 1), 0.0) {
    double mean = 0.0;
    for (std::size_t j = 0; j < n; ++j) mean += y[j];
    mean /= static_cast<double>(n);
    mean_ = mean;
    double* s = buf_.data();
    double* q = s + (n + 1);
    double* w = q + (n + 1);
    for (std::size_t j = 0; j < n; ++j) {
      const double c = y[j] - mean;
      s[j + 1] = s[j] + c;
      q[j + 1] = q[j] + c * c;
      w[j + 1] = w[j] + static_cast<double>(j) * c;
    }
  }
  std::size_t size() const { return n_; }
  double mean() const { return mean_; }
  const double* s() const { return buf_.data(); }
  const double* q() const { return buf_.data() + (n_ + 1); }
  const double* w() const { return buf_.data() + 2 * (n_ + 1); }
  double sst() const { return q()[n_]; }
  /// Sum of centred values over [a, b).
  double sum(std::size_t a, std::size_t b) const { return s()[b] - s()[a]; }
  /// Within-segment sum of squares of [a, b), b > a.
  double ss(std::size_t a, std::size_t b) const {
    const double t = s()[b] - s()[a];
    return (q()[b] - q()[a]) - t * t / static_cast<double>(b - a);
  }

 private:
  std::size_t n_;
  double mean_ = 0.0;
  std::vector<double> buf_;
};

/// Least-squares fit of y ≈ μ0 + (μ1 − μ0)·g_j, g_j = clamp((j − τ)/L, 0, 1), for real
/// τ and L ≥ 1 (O(1) from the prefix sums). Levels are in centred units.
struct ramp_fit {
  double rss = std::numeric_limits<double>::infinity();
  double tau = 0.0, len = 0.0, mu0 = 0.0, mu1 = 0.0;
  std::size_t interior = 0;  ///< number of j with 0 < g_j < 1
};

inline ramp_fit fit_ramp(const shape_prefix& p, double tau, double len) {
  const std::size_t n = p.size();
  const double nd = static_cast<double>(n);
  // interior j: integers strictly inside (tau, tau + len); post: j >= first_post
  const double lo_f = std::floor(tau) + 1.0;
  const double hi_f = std::ceil(tau + len) - 1.0;
  const auto lo = static_cast<std::size_t>(lo_f);
  const std::size_t first_post = hi_f >= lo_f ? static_cast<std::size_t>(hi_f) + 1 : lo;
  const double cnt = static_cast<double>(first_post - lo);
  const double post = nd - static_cast<double>(first_post);
  // Σ j and Σ j² over [lo, first_post)
  const double a = lo_f, b = static_cast<double>(first_post) - 1.0;
  const double sj = cnt > 0 ? (a + b) * cnt / 2.0 : 0.0;
  const double sj2 = cnt > 0 ? (b * (b + 1) * (2 * b + 1) - (a - 1) * a * (2 * a - 1)) / 6.0 : 0.0;
  const double inv_l = 1.0 / len;
  const double sg = (sj - tau * cnt) * inv_l + post;
  const double sg2 = (sj2 - 2.0 * tau * sj + tau * tau * cnt) * inv_l * inv_l + post;
  const double sy_in = p.sum(lo, first_post);
  const double wy_in = p.w()[first_post] - p.w()[lo];
  const double sgy = (wy_in - tau * sy_in) * inv_l + p.sum(first_post, n);
  const double sxx = sg2 - sg * sg / nd;
  ramp_fit f;
  f.tau = tau;
  f.len = len;
  f.interior = first_post - lo;
  if (!(sxx > 0.0)) return f;
  const double slope = sgy / sxx;  // Σc = 0: the intercept is −slope·mean(g)
  f.mu0 = -slope * sg / nd;
  f.mu1 = f.mu0 + slope;
  f.rss = std::max(0.0, p.sst() - sgy * sgy / sxx);
  return f;
}

inline double shape_bic(double rss, std::size_t n, double k, double rss_floor) {
  const double nd = static_cast<double>(n);
  return nd * std::log(std::max(rss, rss_floor) / nd) + k * std::log(nd);
}

}  // namespace detail

inline drift_shape classify_drift(const double* values, std::size_t n,
                                  const drift_shape_options& options) {
  options.validate();
  const std::size_t m = options.min_segment;
  if (n < 3 || (n - 3) / 2 < m) {
    const std::size_t need =
        m <= (std::numeric_limits<std::size_t>::max() - 3) / 2 ? 2 * m + 3 : std::numeric_limits<std::size_t>::max();
    detail::throw_invalid_argument(
        "classify_drift: n must be >= 2*min_segment+3 = {} (min_segment = {}), got {}", need, m, n);
  }
  if (values == nullptr) detail::throw_invalid_argument("classify_drift: values is null");
  for (std::size_t j = 0; j < n; ++j)
    if (!std::isfinite(values[j]))
      detail::throw_invalid_argument("classify_drift: values[{}] is not finite ({})", j, values[j]);

  const detail::shape_prefix p(values, n);
  const double nd = static_cast<double>(n);
  const double* S = p.s();
  const double* W = p.w();
  const double sst = p.sst();
  const double total = S[n];  // ≈ 0 (centred); kept for exactness
  const double rss_floor = std::max(1e-12 * sst, 1e3 * std::numeric_limits<double>::min() * nd);

  // ---- step: τ in [m, n − m]; and the step inside unit j (one intermediate value at
  // share g in (0, 1) between the means of [0, j) and [j + 1, n), fitted exactly)
  double step_rss = std::numeric_limits<double>::infinity();
  double step_onset = static_cast<double>(m), step_mu0 = 0.0, step_mu1 = 0.0;
  for (std::size_t t = m; t <= n - m; ++t) {
    const double r = p.ss(0, t) + p.ss(t, n);
    if (r < step_rss) {
      step_rss = r;
      step_onset = static_cast<double>(t);
      step_mu0 = S[t] / static_cast<double>(t);
      step_mu1 = (total - S[t]) / (nd - static_cast<double>(t));
    }
  }
  for (std::size_t j = m; j + 1 + m <= n; ++j) {
    const double mu0 = S[j] / static_cast<double>(j);
    const double mu1 = (total - S[j + 1]) / (nd - static_cast<double>(j + 1));
    const double c = S[j + 1] - S[j];
    if (!((c - mu0) * (mu1 - c) > 0.0)) continue;
    const double r = p.ss(0, j) + p.ss(j + 1, n);
    if (r < step_rss) {
      step_rss = r;
      // share g of unit j at the new level: the change came (1 − g) into unit j
      step_onset = static_cast<double>(j) + (mu1 - c) / (mu1 - mu0);
      step_mu0 = mu0;
      step_mu1 = mu1;
    }
  }
  step_rss = std::max(0.0, step_rss);

  // ---- ramp on the integer grid: τ in [m, n − m − 2], L in [2, n − m − τ]
  // g = 0 on [0, τ], (j − τ)/L on (τ, τ + L), 1 on [τ + L, n):
  //   Σg = (L − 1)/2 + (n − τ − L), Σg² = (L − 1)(2L − 1)/(6L) + (n − τ − L),
  //   Σg·c = (W[τ+L] − W[τ+1] − τ(S[τ+L] − S[τ+1]))/L + (S[n] − S[τ+L]).
  // RSS = SST − (Σg·c)²/Sxx with Sxx = Σg² − (Σg)²/n (c centred); maximise (Σg·c)²/Sxx.
  // Per-L constants and a scratch row (one more O(n) allocation); the inner loops are
  // branch-free so the compiler vectorises them, and the arg-best is a second pass.
  std::vector<double> tab(6 * (n + 1), 0.0);
  double* const half_lm1 = tab.data();          // (L − 1)/2 − L
  double* const sq_const = half_lm1 + (n + 1);  // (L − 1)(2L − 1)/(6L) − L
  double* const inv_len = sq_const + (n + 1);   // 1/L, also 1/(τ2 − τ1)
  double* const post_ss = inv_len + (n + 1);    // SS of [k, n)
  double* const post_mu = post_ss + (n + 1);    // centred mean of [k, n)
  double* const row = post_mu + (n + 1);        // scratch: scores of one τ
  for (std::size_t k = 1; k <= n; ++k) {
    const double l = static_cast<double>(k);
    half_lm1[k] = 0.5 * (l - 1.0) - l;
    sq_const[k] = (l - 1.0) * (2.0 * l - 1.0) / (6.0 * l) - l;
    inv_len[k] = 1.0 / l;
  }
  for (std::size_t k = 0; k < n; ++k) {
    post_ss[k] = p.ss(k, n);
    post_mu[k] = (total - S[k]) / (nd - static_cast<double>(k));
  }
  const double inv_n = 1.0 / nd;
  double ramp_best = -1.0;
  std::size_t ramp_tau = m, ramp_len = 2;
  for (std::size_t t = m; t + 2 + m <= n; ++t) {
    const double td = static_cast<double>(t);
    const double rest = nd - td;  // post = n − τ − L
    const double s1 = S[t + 1], w1 = W[t + 1];
    const std::size_t lmax = n - m - t;
    const double* const Sl = S + t;
    const double* const Wl = W + t;
    for (std::size_t len = 2; len <= lmax; ++len) {
      const double sg = half_lm1[len] + rest;
      const double sg2 = sq_const[len] + rest;
      const double sgy = ((Wl[len] - w1) - td * (Sl[len] - s1)) * inv_len[len] + (total - Sl[len]);
      const double sxx = sg2 - sg * sg * inv_n;
      row[len] = sgy * sgy / sxx;
    }
    for (std::size_t len = 2; len <= lmax; ++len) {
      if (row[len] > ramp_best) {
        ramp_best = row[len];
        ramp_tau = t;
        ramp_len = len;
      }
    }
  }
  // sub-unit refinement: τ ± 1, L ± 1 (L >= 1) on a 0.1 grid, inside the margins
  detail::ramp_fit ramp = detail::fit_ramp(p, static_cast<double>(ramp_tau), static_cast<double>(ramp_len));
  {
    const double t0 = static_cast<double>(ramp_tau), l0 = static_cast<double>(ramp_len);
    const double lo_margin = static_cast<double>(m), hi_margin = nd - static_cast<double>(m);
    const double tol = 1e-12 * sst;
    for (int i = -10; i <= 10; ++i) {
      const double t = t0 + i / 10.0;
      if (t < lo_margin) continue;
      for (int k = -10; k <= 10; ++k) {
        const double l = l0 + k / 10.0;
        if (l < 1.0 || t + l > hi_margin) continue;
        const detail::ramp_fit f = detail::fit_ramp(p, t, l);
        // strict improvement beyond rounding; near-ties go to the shorter ramp
        if (f.rss < ramp.rss - tol || (f.rss <= ramp.rss + tol && l < ramp.len))
          ramp = f;
      }
    }
    if (ramp.interior == 1) {
      // one intermediate value j at share g: every L in [1, 2) through it fits equally
      const double j = std::floor(ramp.tau) + 1.0;
      const double g = (j - ramp.tau) / ramp.len;
      ramp.tau = j - g;
      ramp.len = 1.0;
    }
  }

  // ---- two-step: τ1 in [m, ...], τ2 − τ1 >= 2, τ2 <= n − m, plateau share in [0.2, 0.8]
  double two_rss = std::numeric_limits<double>::infinity();
  std::size_t two_t1 = 0, two_t2 = 0;
  {
    const double* const Q = p.q();
    const double inf = std::numeric_limits<double>::infinity();
    for (std::size_t t1 = m; t1 + 2 + m <= n; ++t1) {
      const double ss0 = p.ss(0, t1);
      const double mu0 = S[t1] / static_cast<double>(t1);
      const double s_1 = S[t1], q_1 = Q[t1];
      const std::size_t t2_end = n - m;  // inclusive
      for (std::size_t t2 = t1 + 2; t2 <= t2_end; ++t2) {
        const double mid = S[t2] - s_1;
        const double k_inv = inv_len[t2 - t1];
        const double d = post_mu[t2] - mu0, e = mid * k_inv - mu0;
        const double ed = e * d, dd = d * d;
        const double r = ss0 + (Q[t2] - q_1) - mid * mid * k_inv + post_ss[t2];
        const bool ok = (dd > 0.0) & (ed >= 0.2 * dd) & (ed <= 0.8 * dd);
        row[t2] = ok ? r : inf;
      }
      for (std::size_t t2 = t1 + 2; t2 <= t2_end; ++t2) {
        if (row[t2] < two_rss) {
          two_rss = row[t2];
          two_t1 = t1;
          two_t2 = t2;
        }
      }
    }
  }

  drift_shape out;
  out.n = n;
  const double ybar = p.mean();
  out.bic_step = detail::shape_bic(step_rss, n, 3.0, rss_floor);
  out.bic_ramp = detail::shape_bic(ramp.rss, n, 4.0, rss_floor);
  out.bic_two_step = std::isfinite(two_rss) ? detail::shape_bic(std::max(0.0, two_rss), n, 5.0, rss_floor)
                                            : std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double s = options.smoothing;

  if (out.bic_step <= out.bic_ramp && out.bic_step <= out.bic_two_step) {
    out.kind = drift_kind::sudden;
    out.onset = step_onset;
    out.duration = 0.0;
    out.level_before = step_mu0 + ybar;
    out.level_after = step_mu1 + ybar;
  } else if (out.bic_ramp <= out.bic_two_step) {
    out.kind = drift_kind::incremental;
    // a trailing window of s turns a ramp of D into a curve centred at τ0 + (D + s)/2 whose
    // linear fit has L ≈ max(D, s): D = sqrt(L² − s²) (exact at D = 0 and for D >> s), and
    // the onset keeps the centre: τ0 = τ + (L − s − D)/2 (= τ when s = 0)
    const double excess = ramp.len - s;
    out.duration = excess <= options.min_duration ? 0.0 : std::sqrt(ramp.len * ramp.len - s * s);
    out.onset = excess <= options.min_duration ? ramp.tau + 0.5 * std::max(0.0, excess)
                                               : ramp.tau + 0.5 * (excess - out.duration);
    out.level_before = ramp.mu0 + ybar;
    out.level_after = ramp.mu1 + ybar;
  } else {
    out.kind = drift_kind::mixing;
    out.onset = std::max(0.0, static_cast<double>(two_t1) - 0.5 * s);
    out.duration = static_cast<double>(two_t2 - two_t1);
    const double mu0 = S[two_t1] / static_cast<double>(two_t1);
    const double mu1 = (total - S[two_t2]) / (nd - static_cast<double>(two_t2));
    const double mum = (S[two_t2] - S[two_t1]) / static_cast<double>(two_t2 - two_t1);
    out.level_before = mu0 + ybar;
    out.level_after = mu1 + ybar;
    out.mixing_level = mum + ybar;
  }
  out.magnitude = out.level_after - out.level_before;
  if (out.kind != drift_kind::sudden && out.duration <= options.min_duration) {
    out.kind = drift_kind::sudden;
    out.duration = 0.0;
    out.mixing_level = nan;
  }
  out.rate = out.kind == drift_kind::sudden ? nan : out.magnitude / out.duration;
  return out;
}

}  // namespace driftscope
