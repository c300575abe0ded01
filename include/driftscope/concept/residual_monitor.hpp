#pragma once
/// @file
/// @brief Streaming concept-drift monitor on regression residuals: CUSUM, score CUSUM,
/// MOSUM and variance CUSUM with stated false-alarm levels, tracking by forgetting RLS,
/// and drift typing (sudden / gradual) of the first alarm.
///
/// ## Reference (m rows)
/// - Fitted mode (`fit`): OLS of y on z = (1, x) (ols_fit, errors named "residual_monitor")
///   gives β̂ and σ̂ = √(ssr / (m − k)), k = p + 1; a monitored residual is e = y − z'β̂.
/// - Prediction mode (`from_predictions`): reference residuals r = y_true − y_pred of a
///   deployed model; μ̂ = mean(r), σ̂ = sd(r, ddof 1); a monitored residual is
///   e = y_true − y_pred − μ̂. The reference / tracking coefficients are the OLS of y_true
///   on [1, X] when X is given, else on [1, y_pred] (the calibration line).
/// Below, e always denotes the monitored (centred) residual, k = 1, 2, ... the monitored
/// index and t = (m + k) / m.
///
/// ## Tests (each standardized so that, under no change, it is asymptotically a
/// Brownian-bridge-type process with variance t(t − 1); boundaries in monitoring_boundary.hpp)
/// - Residual CUSUM (Chu, Stinchcombe & White 1996; Zeileis, Leisch, Kleiber & Hornik
///   2005, OLS-based CUSUM monitoring): Q(k) = Σ_{i≤k} e_i / (σ̂ √m), alarm when
///   |Q(k)| > b(t) = √(t(t − 1)(c² + ln(t/(t − 1)))), c from csw_critical_value(level).
/// - Score CUSUM: v_i = z_i e_i (prediction mode with X: minus the reference mean v̄ of
///   z_i (r_i − μ̂)), whitened by L = chol(Z'Z / m) of the reference design (intercept
///   first): w(k) = L⁻¹ Σ_{i≤k} v_i / (σ̂ √m). Component 0 is the residual CUSUM (L₀₀ = 1),
///   so components 1..p (reported as 0..p−1, one per X column) are each tested against
///   b(t). A slope change with a centred regressor moves Σ x e but not Σ e: only this test
///   sees it. Under no change the components are asymptotically independent.
/// - Variance CUSUM: u_i = |e_i|^{1/2} (the fourth root of e_i²), ū and τ̂ the mean and sd
///   (ddof 1) of u over the reference residuals; V(k) = Σ_{i≤k} (u_i − ū) / (τ̂ √m),
///   two-sided, same boundary. Why the fourth root and not e² itself: for Gaussian
///   residuals e² is χ²₁ (skewness 2.8), and the early part of the CSW boundary (a few
///   terms, t near 1) is then crossed far more often than the Gaussian limit says —
///   measured 8.1 % false alarms at α = 0.05 with e². The fourth-root transform of a χ²₁
///   variable is nearly normal (Hawkins & Wixley 1986, Commun. Stat. Simul. 15; skewness
///   0.09) and keeps the nominal level (measured in the tests). Any change of the residual
///   scale moves E u, so the test still detects variance changes (both directions).
/// - MOSUM (when mosum_window h > 0): M(k) = Σ_{i=k−h+1}^{k} e_i / (σ̂ √(h(1 + h/m))),
///   k ≥ h, against a constant boundary for the horizon H (mosum_critical_value: Pickands /
///   Siegmund tail approximation). Beyond H it keeps running with the same boundary
///   (its level then no longer holds).
///
/// ## Level split (Bonferroni)
/// `alpha` is the false-alarm level of the whole monitor. With n enabled tests (residual
/// CUSUM, score CUSUM if p ≥ 1, MOSUM if h > 0, variance CUSUM) each gets α / n, and each
/// of the p score components α / (n p). test_alpha() and critical_value() report them.
/// The CUSUM boundaries hold their level over the infinite horizon t ∈ (1, ∞), so over a
/// finite horizon the monitor is conservative (measured: see tests/cpp/test_residual_monitor.cpp).
///
/// ## Alarms
/// Each test (score: each component) alarms at most once; alarms() lists them in order
/// (same observation: residual, score components, MOSUM, variance). Every test keeps
/// running after the first alarm.
///
/// ## Tracking
/// forgetting_rls started from the reference OLS (b = reference coefficients,
/// P = (Z'Z)⁻¹), updated with every monitored value with λ = `forgetting`;
/// coefficient_change() = tracking − reference.
///
/// ## Drift typing (classify_drift, shape/drift_shape.hpp)
/// Monitored observations are cut into blocks of `block_size` (block b covers monitored
/// indices [bB, (b + 1)B), 0-based). Each test channel keeps a ring of its last
/// `history_blocks` block means of its increments: residual and MOSUM e (y units), score
/// component j the whitened increment (L⁻¹ v_i)_{j+1} / σ̂, variance e². The typed channel
/// is the first alarm's, except that a variance alarm defers to a mean alarm (residual,
/// score or MOSUM) raised within settle_blocks blocks after it: a change of the slope also
/// raises the residual variance (often first, the variance CUSUM reacts to the spread), but
/// e² grows with the square of the shift, so a ramp typed on it looks later and shorter
/// than it is; typed on the residual means it is linear. A variance alarm with no mean
/// alarm within settle_blocks blocks (a pure noise change) is typed on e². When the channel
/// is chosen its ring is frozen (trajectory so far) and the block means completed after
/// that (the first one contains the choosing value) are appended. After each
/// appended block, once ≥ settle_blocks exist, classify_drift(trajectory) is called; the
/// result is accepted when the fitted change (onset + duration) ends at least
/// settle_blocks blocks before the trajectory's end, else the monitor waits; max_wait
/// observations after the alarm it decides anyway (forced = true). onset and duration are
/// converted to monitored-observation units (onset = first block's start + onset · B,
/// duration · B, rate = magnitude / duration per observation); levels and magnitude stay
/// in the channel's units per value. If classify_drift throws (trajectory too short for
/// it), the monitor waits; at max_wait it stops typing and drift() stays empty.
///
/// ## Cost and memory
/// update: O(k²) (k = p + 1: whitening and the RLS update), no allocation. Memory
/// O(k² + h + (p + 2)(history_blocks + max_wait / block_size)) doubles, all allocated at
/// construction.
///
/// ## Serialization ("DSRM", family 30, version 1), little-endian
/// | size          | field                                                           |
/// |---------------|-----------------------------------------------------------------|
/// | 4, 1, 1       | magic "DSRM", family id 30, version 1                           |
/// | 1             | flags: bit 0 initialized, bit 1 prediction mode (others 0)      |
/// | 1             | reserved 0; nothing follows when not initialized               |
/// | 8             | alpha (f64)                                                     |
/// | 1             | option flags: bit 0 residual_cusum, 1 score_cusum, 2 variance   |
/// | 8 × 7         | mosum_window, horizon (u64), forgetting (f64), block_size,      |
/// |               | history_blocks, max_wait, settle_blocks (u64)                   |
/// | 8 × 3         | shape.smoothing, shape.min_duration (f64), shape.min_segment    |
/// | 8, 8          | m, p (u64)                                                      |
/// | 8 × 4         | σ̂, μ̂, ū, τ̂ (f64)                                                |
/// | 8 kt          | reference coefficients, kt = p + 1 (2 in prediction mode, p = 0)|
/// | 8 (p+1)²      | L⁻¹ row-major; then 8 (p + 1) v̄                                 |
/// | 8             | n_monitored (u64)                                               |
/// | 8, 8 (p+1), 8 | Σ e, Σ L⁻¹v (whitened, unscaled), Σ (u − ū)                     |
/// | 8 + 8 h       | MOSUM ring sum, ring values (position = n_monitored mod h)      |
/// | 8 kt + 8 kt²  | tracking b, P                                                   |
/// | 8 + a × 33    | alarm count a; each: index (u64), test (u8), component (u64),   |
/// |               | statistic, boundary (f64)                                       |
/// | 8 nch         | current block sums, nch = 2 + (p if score on)                   |
/// | 8 nch HB      | block-mean rings (channel-major, slot = block mod HB)           |
/// | 1             | typing state: 0 none, 1 pending, 2 done                         |
/// | 8 × 4 + 8 n   | (state ≥ 1) typed alarm (index in the alarms), first block of   |
/// |               | the trajectory, length n, pre-alarm length, then the n values   |
/// | 1             | (state 2) has drift; then kind (u8), onset, duration,           |
/// |               | level_before, level_after, magnitude, rate, mixing_level,       |
/// |               | bic_step, bic_ramp, bic_two_step (f64), n (u64), forced (u8)    |
/// Truncated bytes throw std::out_of_range; corrupt fields (preamble, flags, options,
/// sizes, non-finite state, inconsistent alarms / typing) std::invalid_argument.
/// Restoring gives identical future outputs.
///
/// Example:
/// @code
///   auto mon = driftscope::residual_monitor::fit(X_ref.data(), m, p, y_ref.data());
///   for (...) if (mon.update(x_row, y)) { /* alarm: mon.alarms().back() */ }
///   if (mon.drift()) { /* mon.drift()->shape.kind, onset, duration */ }
/// @endcode

#include <driftscope/concept/forgetting_rls.hpp>
#include <driftscope/concept/monitoring_boundary.hpp>
#include <driftscope/concept/ols.hpp>
#include <driftscope/core/bytes.hpp>
#include <driftscope/core/error.hpp>
#include <driftscope/shape/drift_shape.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <stdexcept>
#include <vector>

namespace driftscope {

/// The statistics a residual_monitor runs.
enum class residual_test : std::uint8_t {
  residual_cusum = 0,  ///< CUSUM of residuals, Chu–Stinchcombe–White boundary
  score_cusum = 1,     ///< whitened CUSUM of x·e, one component per regressor
  mosum = 2,           ///< moving sum of residuals over a window of h values
  variance = 3,        ///< CUSUM of squared residuals (noise level)
};

/// "residual_cusum", "score_cusum", "mosum", "variance".
inline const char* to_string(residual_test t) {
  switch (t) {
    case residual_test::residual_cusum: return "residual_cusum";
    case residual_test::score_cusum: return "score_cusum";
    case residual_test::mosum: return "mosum";
    case residual_test::variance: return "variance";
  }
  return "unknown";
}

/// Options of residual_monitor.
struct residual_monitor_options {
  double alpha = 0.05;          ///< false-alarm rate of the whole monitor, split over enabled tests
  bool residual_cusum = true;   ///< run the residual CUSUM
  bool score_cusum = true;      ///< run the score CUSUM (only when there are regressors, p >= 1)
  bool variance = true;         ///< run the variance CUSUM
  std::size_t mosum_window = 0;  ///< h > 0 runs a MOSUM over h values (then `horizon` is needed)
  std::uint64_t horizon = 0;    ///< monitoring horizon in observations, for the MOSUM boundary
  double forgetting = 0.995;    ///< λ in (0, 1] of the tracking recursive least squares
  std::size_t block_size = 50;  ///< observations per block mean of the drift-typing trajectory
  std::size_t history_blocks = 100;  ///< block means kept from before the first alarm
  std::size_t max_wait = 4000;  ///< observations after the first alarm before typing is forced
  /// blocks the fitted change must have ended before the latest. A mixing period longer
  /// than settle_blocks · block_size looks finished at its plateau and is typed sudden (its
  /// end is then a second change); 25 · 50 covers the 1000-value mixing.
  std::size_t settle_blocks = 25;
  drift_shape_options shape{};  ///< passed to classify_drift
  /// @throws std::invalid_argument alpha not in (0, 1); forgetting not in (0, 1];
  /// block_size or settle_blocks 0; history_blocks < 2 · settle_blocks; mosum_window > 0
  /// with horizon < mosum_window; mosum_window or history_blocks + max_wait / block_size
  /// above 2^24 (memory guard); no test enabled; invalid shape options.
  void validate() const;
};

/// One alarm: a test (and for the score CUSUM its component) crossed its boundary.
struct residual_alarm {
  std::uint64_t index = 0;  ///< 0-based index of the observation among the monitored ones
  residual_test test = residual_test::residual_cusum;
  std::size_t component = 0;  ///< regressor index (0-based in X) for score_cusum, else 0
  double statistic = 0.0;     ///< the standardized statistic at the alarm
  double boundary = 0.0;      ///< the boundary it crossed
};

/// The drift type of the first alarm, in observation units.
struct residual_drift {
  residual_test test = residual_test::residual_cusum;  ///< the test whose trajectory was typed
  std::size_t component = 0;
  drift_shape shape;  ///< onset / duration in monitored-observation indices; magnitude in the test's units
  bool forced = false;  ///< typed at max_wait, before the change looked complete
};

/// Streaming residual monitor (fitted OLS reference, or a deployed model's predictions).
/// See the file comment for the statistics, levels, typing and the byte layout.
class residual_monitor {
 public:
  using options = residual_monitor_options;

  residual_monitor() = default;  ///< empty; updates throw std::domain_error

  /// Fitted mode: OLS of y on [1, X] over m reference rows (X row-major m × p).
  /// @throws std::invalid_argument bad options, m <= p + 1, X / y null, non-finite X / y,
  ///         constant or collinear X columns, σ̂ = 0 (y exactly linear in X; names y), a
  ///         constant squared residual with the variance test on (names y)
  static residual_monitor fit(const double* X, std::size_t m, std::size_t p, const double* y,
                              const options& opts = {});
  /// Prediction mode: residuals y_true − y_pred of a deployed model over m reference rows;
  /// X (row-major m × p, optional) enables the score CUSUM and is the tracking regressors.
  /// @throws std::invalid_argument bad options, too few rows, non-finite y_true / y_pred /
  ///         X, constant residuals (σ̂ = 0), constant y_pred without X, collinear X
  static residual_monitor from_predictions(const double* y_true, const double* y_pred,
                                           std::size_t m, const double* X = nullptr,
                                           std::size_t p = 0, const options& opts = {});

  bool prediction_mode() const;
  std::size_t n_features() const;        ///< p
  std::size_t reference_size() const;    ///< m
  std::uint64_t n_monitored() const;     ///< observations after the reference
  const options& settings() const;

  /// Fitted mode, one observation (x: p values). True iff it raised a new alarm.
  /// @throws std::domain_error default-constructed; std::invalid_argument (a
  ///         std::logic_error) in prediction mode, x null with p > 0, non-finite x or y
  ///         (the value is rejected, the state unchanged)
  bool update(const double* x, double y);
  /// Fitted mode, n rows (X row-major n × p). Index of the first row that raised a new alarm, or n.
  /// All rows are checked before any is applied (a bad row leaves the state unchanged).
  std::size_t update_many(const double* X, const double* y, std::size_t n);
  /// Prediction mode, one observation (x: p values, or null when p == 0).
  /// @throws as update(); std::invalid_argument in fitted mode
  bool update_prediction(double y_true, double y_pred, const double* x = nullptr);
  /// Prediction mode, n rows. Index of the first row that raised a new alarm, or n.
  std::size_t update_many_predictions(const double* y_true, const double* y_pred, std::size_t n,
                                      const double* X = nullptr);

  const std::vector<residual_alarm>& alarms() const;  ///< in order; each test/component at most once
  bool alarmed() const;                               ///< !alarms().empty()
  bool typing_pending() const;                        ///< alarmed, drift type not decided yet
  const std::optional<residual_drift>& drift() const;  ///< set once typed

  double residual_cusum() const;          ///< current standardized residual CUSUM
  double cusum_boundary() const;          ///< its boundary b(t) now
  std::vector<double> score_cusum() const;  ///< p whitened score components
  double score_boundary() const;          ///< their boundary now
  double mosum() const;                   ///< current standardized MOSUM (NaN before h values)
  double mosum_boundary() const;          ///< its (constant) boundary
  double variance_cusum() const;          ///< current standardized CUSUM of squares
  double variance_boundary() const;       ///< its boundary now
  double test_alpha(residual_test t) const;      ///< level of one test (component) after the split; 0 if off
  double critical_value(residual_test t) const;  ///< c of that test; NaN if off

  const std::vector<double>& reference_coefficients() const;  ///< intercept first
  double sigma() const;                                       ///< reference residual σ̂
  const std::vector<double>& tracking_coefficients() const;   ///< RLS with forgetting, intercept first
  std::vector<double> coefficient_change() const;             ///< tracking − reference

  std::vector<std::uint8_t> serialize() const;
  static residual_monitor deserialize(const void* bytes, std::size_t size);

  // ---- extra public accessors (resmon) ----
  double residual_mean() const noexcept { return mu_; }  ///< μ̂ (0 in fitted mode)
  /// Drift-typing trajectory of the first alarm so far (block means; empty before it).
  std::vector<double> typing_trajectory() const {
    return std::vector<double>(traj_.begin(), traj_.begin() + static_cast<std::ptrdiff_t>(traj_n_));
  }
  /// Monitored index where the typing trajectory's first block starts (0 before an alarm).
  std::uint64_t typing_trajectory_start() const noexcept { return traj_start_block_ * opts_.block_size; }

  static constexpr std::uint8_t serial_family = 30;
  static constexpr std::uint8_t serial_version = 1;

 private:
  static constexpr std::size_t max_p = std::size_t{1} << 16;
  static constexpr std::uint64_t max_buffer = std::uint64_t{1} << 24;

  void require_init(const char* fn) const {
    if (!init_) detail::throw_domain_error("residual_monitor::{}: empty monitor (default-constructed)", fn);
  }
  static double mean_sd(const std::vector<double>& v, double& sd) {
    double mean = 0.0;
    for (double a : v) mean += a;
    mean /= static_cast<double>(v.size());
    double ss = 0.0;
    for (double a : v) ss += (a - mean) * (a - mean);
    sd = std::sqrt(ss / static_cast<double>(v.size() - 1));
    return mean;
  }
  std::size_t kt() const noexcept { return ref_coef_.size(); }
  std::size_t ch_variance() const noexcept { return 1 + ps_; }
  std::size_t channel_of(residual_test t, std::size_t comp) const noexcept {
    switch (t) {
      case residual_test::score_cusum: return 1 + comp;
      case residual_test::variance: return ch_variance();
      default: return 0;
    }
  }
  std::size_t fired_slot(residual_test t, std::size_t comp) const noexcept {
    switch (t) {
      case residual_test::residual_cusum: return 0;
      case residual_test::score_cusum: return 1 + comp;
      case residual_test::mosum: return 1 + p_;
      case residual_test::variance: return 2 + p_;
    }
    return 0;
  }

  // Builds the derived quantities and allocates all state (reference fields set).
  void setup();
  // One monitored value: centred residual d, score regressors xs (p values), tracking
  // regressors xt and response yt. Returns true iff a new alarm was raised.
  bool advance(double d, const double* xs, const double* xt, double yt);
  void record(residual_test t, std::size_t comp, double stat, double bound);
  void freeze_trajectory(std::size_t alarm);
  void complete_block();
  void try_type(bool force);
  static residual_monitor from_reference(bool pred, std::size_t m, std::size_t p, const options& o,
                                         const double* X, const Eigen::MatrixXd& Zt,
                                         const std::vector<double>& coef,
                                         const std::vector<double>& resid, double sigma, double mu);

  bool init_ = false;
  bool pred_ = false;
  options opts_{};
  std::size_t m_ = 0, p_ = 0, ps_ = 0;  // ps_: score channels (p if score on, else 0)
  std::vector<double> ref_coef_, track_coef_;
  double sigma_ = 0.0, mu_ = 0.0, ubar_ = 0.0, tau_ = 0.0;
  std::vector<double> linv_, vbar_;  // (p+1)² lower-triangular L⁻¹, (p+1)
  forgetting_rls rls_;
  // derived
  bool on_[4] = {false, false, false, false};
  double level_[4] = {0, 0, 0, 0};
  double crit_[4] = {0, 0, 0, 0};
  double c2_[4] = {0, 0, 0, 0};
  double scale_ = 1.0, vscale_ = 1.0, mscale_ = 1.0;  // 1/(σ̂√m), 1/(τ̂√m), 1/(σ̂√(h(1+h/m)))
  double inv_sigma_ = 1.0, inv_m2_ = 1.0;               // 1/σ̂, 1/m²
  // state
  std::uint64_t k_ = 0;
  double s_e_ = 0.0, s_u_ = 0.0;
  std::vector<double> s_w_;
  std::vector<double> ring_;
  double ring_sum_ = 0.0;
  std::size_t ring_pos_ = 0;
  std::vector<residual_alarm> alarms_;
  std::vector<std::uint8_t> fired_;
  std::vector<double> z_, w_;  // scratch (p + 1)
  // typing
  std::size_t nch_ = 0;
  std::vector<double> blk_sum_, hist_;
  std::size_t blk_fill_ = 0;  // values in the current block (= n_monitored mod block_size)
  std::uint8_t typing_ = 0;
  std::size_t typ_ch_ = 0;
  std::size_t typ_alarm_ = 0;  // index in alarms_ of the alarm whose channel is typed
  std::uint64_t traj_start_block_ = 0;
  std::size_t traj_n_ = 0, traj_pre_ = 0;
  std::vector<double> traj_;
  std::optional<residual_drift> drift_;
};

// ---------------------------------------------------------------------------------------

inline void residual_monitor_options::validate() const {
  static constexpr const char* fn = "residual_monitor";
  if (!(alpha > 0.0 && alpha < 1.0)) detail::throw_invalid_argument("{}: alpha must be in (0, 1), got {}", fn, alpha);
  if (!(forgetting > 0.0 && forgetting <= 1.0))
    detail::throw_invalid_argument("{}: forgetting must be in (0, 1], got {}", fn, forgetting);
  if (block_size == 0) detail::throw_invalid_argument("{}: block_size must be >= 1, got 0", fn);
  if (settle_blocks == 0) detail::throw_invalid_argument("{}: settle_blocks must be >= 1, got 0", fn);
  if (history_blocks < 2 * settle_blocks)
    detail::throw_invalid_argument("{}: history_blocks must be >= 2 * settle_blocks = {}, got {}", fn,
                                   2 * settle_blocks, history_blocks);
  if (mosum_window > 0 && horizon < mosum_window)
    detail::throw_invalid_argument("{}: horizon must be >= mosum_window = {} when the MOSUM is on, got {}", fn,
                                   mosum_window, horizon);
  if (mosum_window > (std::size_t{1} << 24))
    detail::throw_invalid_argument("{}: mosum_window must be <= 2^24, got {}", fn, mosum_window);
  if (history_blocks > (std::size_t{1} << 24) || max_wait / block_size > (std::size_t{1} << 24))
    detail::throw_invalid_argument(
        "{}: history_blocks ({}) and max_wait / block_size ({}) must each be <= 2^24", fn, history_blocks,
        max_wait / block_size);
  if (!residual_cusum && !score_cusum && !variance && mosum_window == 0)
    detail::throw_invalid_argument("{}: options enable no test (residual_cusum, score_cusum, variance all off, "
                                   "mosum_window 0)",
                                   fn);
  shape.validate();
}

inline residual_monitor residual_monitor::from_reference(bool pred, std::size_t m, std::size_t p,
                                                         const options& o, const double* X,
                                                         const Eigen::MatrixXd& Zt,
                                                         const std::vector<double>& coef,
                                                         const std::vector<double>& resid, double sigma,
                                                         double mu) {
  static constexpr const char* fn = "residual_monitor";
  residual_monitor r;
  r.pred_ = pred;
  r.opts_ = o;
  r.m_ = m;
  r.p_ = p;
  r.ref_coef_ = coef;
  r.sigma_ = sigma;
  r.mu_ = mu;
  const std::size_t k = p + 1;
  const auto ki = static_cast<Eigen::Index>(k);
  const double md = static_cast<double>(m);
  // Whitening of the score: L = chol(Z'Z / m), Z = [1, X] of the reference.
  r.linv_.assign(k * k, 0.0);
  r.vbar_.assign(k, 0.0);
  if (p > 0) {
    const Eigen::MatrixXd Z = detail::ols_design(X, m, p);
    const Eigen::MatrixXd G = (Z.transpose() * Z) / md;
    Eigen::LLT<Eigen::MatrixXd> llt(G);
    if (llt.info() != Eigen::Success)
      detail::throw_invalid_argument("{}: X: the reference design is not positive definite (collinear columns)", fn);
    const Eigen::MatrixXd L = llt.matrixL();
    const Eigen::MatrixXd Li = L.triangularView<Eigen::Lower>().solve(Eigen::MatrixXd::Identity(ki, ki));
    for (std::size_t a = 0; a < k; ++a)
      for (std::size_t b = 0; b <= a; ++b)
        r.linv_[a * k + b] = Li(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b));
    if (pred) {  // reference mean of v_i = z_i (r_i − μ̂)
      for (std::size_t i = 0; i < m; ++i) {
        const double d = resid[i];
        r.vbar_[0] += d;
        for (std::size_t j = 0; j < p; ++j) r.vbar_[j + 1] += X[i * p + j] * d;
      }
      for (double& v : r.vbar_) v /= md;
    }
  } else {
    r.linv_[0] = 1.0;
  }
  // Variance CUSUM reference: u = |e|^{1/2}.
  {
    std::vector<double> u(m);
    for (std::size_t i = 0; i < m; ++i) u[i] = std::sqrt(std::abs(resid[i]));
    r.ubar_ = mean_sd(u, r.tau_);
    if (o.variance && !(r.tau_ > 0.0))
      detail::throw_invalid_argument(
          "{}: y: the absolute reference residuals are constant (sd 0), the variance CUSUM is undefined", fn);
  }
  // Tracking RLS from the reference OLS: P = (Zt'Zt)⁻¹.
  {
    const auto kk = static_cast<Eigen::Index>(coef.size());
    const Eigen::MatrixXd G = Zt.transpose() * Zt;
    const Eigen::MatrixXd P = G.ldlt().solve(Eigen::MatrixXd::Identity(kk, kk));
    std::vector<double> P0(coef.size() * coef.size());
    for (Eigen::Index a = 0; a < kk; ++a)
      for (Eigen::Index b = 0; b < kk; ++b)
        P0[static_cast<std::size_t>(a * kk + b)] = 0.5 * (P(a, b) + P(b, a));
    r.rls_ = forgetting_rls(coef, std::move(P0), o.forgetting);
  }
  r.setup();
  return r;
}

inline void residual_monitor::setup() {
  static constexpr const char* fn = "residual_monitor";
  const std::size_t k = p_ + 1;
  on_[0] = opts_.residual_cusum;
  on_[1] = opts_.score_cusum && p_ >= 1;
  on_[2] = opts_.mosum_window > 0;
  on_[3] = opts_.variance;
  std::size_t n = 0;
  for (bool b : on_) n += b ? 1u : 0u;
  if (n == 0)
    detail::throw_invalid_argument("{}: options enable no test (score_cusum needs regressors, p >= 1; got p = {})",
                                   fn, p_);
  const double nd = static_cast<double>(n);
  for (int t = 0; t < 4; ++t) {
    level_[t] = on_[t] ? opts_.alpha / nd : 0.0;
    crit_[t] = std::numeric_limits<double>::quiet_NaN();
  }
  if (on_[1]) level_[1] /= static_cast<double>(p_);
  for (int t : {0, 1, 3})
    if (on_[t]) crit_[t] = csw_critical_value(level_[t]);
  if (on_[2]) crit_[2] = mosum_critical_value(level_[2], opts_.horizon, opts_.mosum_window, m_);
  for (int t = 0; t < 4; ++t) c2_[t] = crit_[t] * crit_[t];
  const double sm = std::sqrt(static_cast<double>(m_));
  scale_ = 1.0 / (sigma_ * sm);
  inv_sigma_ = 1.0 / sigma_;
  inv_m2_ = 1.0 / (static_cast<double>(m_) * static_cast<double>(m_));
  vscale_ = tau_ > 0.0 ? 1.0 / (tau_ * sm) : std::numeric_limits<double>::infinity();
  if (on_[2]) {
    const double h = static_cast<double>(opts_.mosum_window);
    mscale_ = 1.0 / (sigma_ * std::sqrt(h * (1.0 + h / static_cast<double>(m_))));
  }
  track_coef_ = rls_.coefficients();
  ps_ = on_[1] ? p_ : 0;
  k_ = 0;
  s_e_ = s_u_ = 0.0;
  s_w_.assign(k, 0.0);
  ring_.assign(opts_.mosum_window, 0.0);
  ring_sum_ = 0.0;
  ring_pos_ = 0;
  alarms_.clear();
  alarms_.reserve(p_ + 3);
  fired_.assign(p_ + 3, 0);
  z_.assign(k, 0.0);
  w_.assign(k, 0.0);
  nch_ = 2 + ps_;
  blk_sum_.assign(nch_, 0.0);
  blk_fill_ = 0;
  hist_.assign(nch_ * opts_.history_blocks, 0.0);
  typing_ = 0;
  typ_ch_ = 0;
  typ_alarm_ = 0;
  traj_start_block_ = 0;
  traj_n_ = traj_pre_ = 0;
  traj_.assign(opts_.history_blocks + (opts_.max_wait + opts_.block_size - 1) / opts_.block_size + 2, 0.0);
  drift_.reset();
  init_ = true;
}

inline residual_monitor residual_monitor::fit(const double* X, std::size_t m, std::size_t p, const double* y,
                                              const options& opts) {
  static constexpr const char* fn = "residual_monitor";
  opts.validate();
  if (p > max_p) detail::throw_invalid_argument("{}: p must be <= {}, got {}", fn, max_p, p);
  const ols_result f = ols_fit(X, m, p, y, fn);
  double ymax = 0.0;
  for (std::size_t i = 0; i < m; ++i) ymax = std::max(ymax, std::abs(y[i]));
  if (!(f.sigma > 1e-14 * std::max(ymax, 1e-300)))
    detail::throw_invalid_argument(
        "{}: y is an exact linear function of X over the reference (sigma = {}); residuals cannot be "
        "standardized",
        fn, f.sigma);
  const Eigen::MatrixXd Z = detail::ols_design(X, m, p);
  return from_reference(false, m, p, opts, X, Z, f.coefficients, f.residuals, f.sigma, 0.0);
}

inline residual_monitor residual_monitor::from_predictions(const double* y_true, const double* y_pred,
                                                           std::size_t m, const double* X, std::size_t p,
                                                           const options& opts) {
  static constexpr const char* fn = "residual_monitor";
  opts.validate();
  if (p > max_p) detail::throw_invalid_argument("{}: p must be <= {}, got {}", fn, max_p, p);
  if (y_true == nullptr) detail::throw_invalid_argument("{}: y_true is null", fn);
  if (y_pred == nullptr) detail::throw_invalid_argument("{}: y_pred is null", fn);
  if (p > 0 && X == nullptr) detail::throw_invalid_argument("{}: X is null but p = {}", fn, p);
  const std::size_t kt = p > 0 ? p + 1 : 2;
  if (m <= kt)
    detail::throw_invalid_argument(
        "{}: needs more reference rows than parameters ({} with the intercept), got m = {}", fn, kt, m);
  for (std::size_t i = 0; i < m; ++i) {
    if (!std::isfinite(y_true[i]))
      detail::throw_invalid_argument("{}: y_true must be finite, got {} at row {}", fn, y_true[i], i);
    if (!std::isfinite(y_pred[i]))
      detail::throw_invalid_argument("{}: y_pred must be finite, got {} at row {}", fn, y_pred[i], i);
    for (std::size_t j = 0; j < p; ++j)
      if (!std::isfinite(X[i * p + j]))
        detail::throw_invalid_argument("{}: X must be finite, got {} at row {}, column {}", fn, X[i * p + j], i, j);
  }
  std::vector<double> r(m);
  for (std::size_t i = 0; i < m; ++i) r[i] = y_true[i] - y_pred[i];
  double sd = 0.0;
  const double mu = mean_sd(r, sd);
  double scale = 0.0;
  for (std::size_t i = 0; i < m; ++i) scale = std::max({scale, std::abs(y_true[i]), std::abs(y_pred[i])});
  if (!(sd > 1e-14 * std::max(scale, 1e-300)))
    detail::throw_invalid_argument(
        "{}: y_true − y_pred is constant over the reference (sd = {}); residuals cannot be standardized", fn, sd);
  for (double& v : r) v -= mu;
  if (p == 0) {
    bool constant = true;
    for (std::size_t i = 1; i < m && constant; ++i) constant = y_pred[i] == y_pred[0];
    if (constant)
      detail::throw_invalid_argument(
          "{}: y_pred is constant ({}) over the reference; the calibration line of y_true on y_pred is "
          "undefined (pass X)",
          fn, y_pred[0]);
    const ols_result f = ols_fit(y_pred, m, 1, y_true, fn);
    const Eigen::MatrixXd Zt = detail::ols_design(y_pred, m, 1);
    return from_reference(true, m, 0, opts, nullptr, Zt, f.coefficients, r, sd, mu);
  }
  const ols_result f = ols_fit(X, m, p, y_true, fn);
  const Eigen::MatrixXd Zt = detail::ols_design(X, m, p);
  return from_reference(true, m, p, opts, X, Zt, f.coefficients, r, sd, mu);
}

inline bool residual_monitor::prediction_mode() const { return pred_; }
inline std::size_t residual_monitor::n_features() const { return p_; }
inline std::size_t residual_monitor::reference_size() const { return m_; }
inline std::uint64_t residual_monitor::n_monitored() const { return k_; }
inline const residual_monitor::options& residual_monitor::settings() const { return opts_; }

inline void residual_monitor::record(residual_test t, std::size_t comp, double stat, double bound) {
  residual_alarm a;
  a.index = k_ - 1;
  a.test = t;
  a.component = comp;
  a.statistic = stat;
  a.boundary = bound;
  alarms_.push_back(a);  // capacity reserved at construction (p + 3)
  fired_[fired_slot(t, comp)] = 1;
}

inline bool residual_monitor::advance(double d, const double* xs, const double* xt, double yt) {
  ++k_;
  const std::size_t k = p_ + 1;
  s_e_ += d;
  // Score: w = L⁻¹ (z d − v̄), lower-triangular.
  if (ps_ > 0) {
    z_[0] = d - vbar_[0];
    for (std::size_t j = 0; j < p_; ++j) z_[j + 1] = xs[j] * d - vbar_[j + 1];
    for (std::size_t a = 0; a < k; ++a) {
      const double* La = &linv_[a * k];
      double s = 0.0;
      for (std::size_t b = 0; b <= a; ++b) s += La[b] * z_[b];
      w_[a] = s;
      s_w_[a] += s;
    }
  }
  s_u_ += std::sqrt(std::abs(d)) - ubar_;
  const std::size_t h = ring_.size();
  if (h > 0) {
    ring_sum_ += d - ring_[ring_pos_];
    ring_[ring_pos_] = d;
    if (++ring_pos_ == h) {
      ring_pos_ = 0;
      double s = 0.0;  // exact resum once per h values: no rounding drift
      for (double v : ring_) s += v;
      ring_sum_ = s;
    }
  }
  rls_.update(xt, yt);
  {
    const auto& b = rls_.coefficients();
    for (std::size_t j = 0; j < b.size(); ++j) track_coef_[j] = b[j];
  }

  // Alarms. b(t)² = g (c² + l), g = t(t − 1) = k(m + k)/m², l = ln(1 + m/k) > 0. A
  // statistic s with s² <= g c² cannot cross, so l (a log) is computed only when needed.
  const std::size_t before = alarms_.size();
  const double kd = static_cast<double>(k_), md = static_cast<double>(m_);
  const double g = kd * (md + kd) * inv_m2_;
  double l = -1.0;
  auto crosses = [&](double s2, double c2) {
    if (!(s2 > g * c2)) return false;
    if (l < 0.0) l = std::log1p(md / kd);
    return s2 > g * (c2 + l);
  };
  if (on_[0] && !fired_[0]) {
    const double q = s_e_ * scale_;
    if (crosses(q * q, c2_[0])) record(residual_test::residual_cusum, 0, q, std::sqrt(g * (c2_[0] + l)));
  }
  if (ps_ > 0) {
    for (std::size_t j = 0; j < p_; ++j) {
      if (fired_[1 + j]) continue;
      const double wj = s_w_[j + 1] * scale_;
      if (crosses(wj * wj, c2_[1])) record(residual_test::score_cusum, j, wj, std::sqrt(g * (c2_[1] + l)));
    }
  }
  if (h > 0 && k_ >= h && !fired_[1 + p_]) {
    const double ms = ring_sum_ * mscale_;
    if (std::abs(ms) > crit_[2]) record(residual_test::mosum, 0, ms, crit_[2]);
  }
  if (on_[3] && !fired_[2 + p_]) {
    const double v = s_u_ * vscale_;
    if (crosses(v * v, c2_[3])) record(residual_test::variance, 0, v, std::sqrt(g * (c2_[3] + l)));
  }

  // Drift-typing channels.
  blk_sum_[0] += d;
  if (ps_ > 0)
    for (std::size_t j = 0; j < p_; ++j) blk_sum_[1 + j] += w_[j + 1] * inv_sigma_;
  blk_sum_[ch_variance()] += d * d;
  if (typing_ == 0 && !alarms_.empty()) {
    // Choose the channel (file comment): the first mean alarm, or the variance alarm once
    // settle_blocks blocks passed without one; then freeze its ring (chronological order).
    std::size_t pick = alarms_.size();
    for (std::size_t i = 0; i < alarms_.size(); ++i)
      if (alarms_[i].test != residual_test::variance) {
        pick = i;
        break;
      }
    if (pick == alarms_.size() &&
        k_ - 1 - alarms_.front().index >= static_cast<std::uint64_t>(opts_.settle_blocks) * opts_.block_size)
      pick = 0;
    if (pick < alarms_.size()) freeze_trajectory(pick);
  }
  if (++blk_fill_ == opts_.block_size) complete_block();
  if (typing_ == 1 && k_ - 1 - alarms_.front().index >= opts_.max_wait) try_type(true);
  return alarms_.size() > before;
}

inline void residual_monitor::freeze_trajectory(std::size_t alarm) {
  {
    typ_alarm_ = alarm;
    const residual_alarm& a = alarms_[alarm];
    typ_ch_ = channel_of(a.test, a.component);
    const std::uint64_t done = (k_ - 1) / opts_.block_size;  // blocks completed before this value's block
    const std::size_t HB = opts_.history_blocks;
    const std::size_t cnt = static_cast<std::size_t>(std::min<std::uint64_t>(done, HB));
    traj_start_block_ = done - cnt;
    for (std::size_t i = 0; i < cnt; ++i) {
      const std::uint64_t blk = traj_start_block_ + i;
      traj_[i] = hist_[typ_ch_ * HB + static_cast<std::size_t>(blk % HB)];
    }
    traj_n_ = traj_pre_ = cnt;
    typing_ = 1;
  }
}

inline void residual_monitor::complete_block() {
  const std::size_t B = opts_.block_size, HB = opts_.history_blocks;
  const double inv = 1.0 / static_cast<double>(B);
  const std::uint64_t blk = k_ / B - 1;
  if (typing_ == 0) {
    const std::size_t slot = static_cast<std::size_t>(blk % HB);
    for (std::size_t c = 0; c < nch_; ++c) hist_[c * HB + slot] = blk_sum_[c] * inv;
  } else if (typing_ == 1) {
    if (traj_n_ < traj_.size()) traj_[traj_n_++] = blk_sum_[typ_ch_] * inv;
    try_type(false);
  }
  for (double& v : blk_sum_) v = 0.0;
  blk_fill_ = 0;
}

inline void residual_monitor::try_type(bool force) {
  const std::size_t n_post = traj_n_ - traj_pre_;
  const std::size_t settle = opts_.settle_blocks;
  if (!force && n_post < settle) return;
  drift_shape s;
  try {
    s = classify_drift(traj_.data(), traj_n_, opts_.shape);
  } catch (const std::invalid_argument&) {
    if (force) typing_ = 2;  // could not be typed (trajectory too short): give up, drift() empty
    return;
  }
  const double end = s.onset + s.duration;
  if (!force && end > static_cast<double>(traj_n_) - static_cast<double>(settle)) return;
  const double B = static_cast<double>(opts_.block_size);
  residual_drift r;
  const residual_alarm& a = alarms_[typ_alarm_];
  r.test = a.test;
  r.component = a.component;
  r.forced = force;
  r.shape = s;
  r.shape.onset = static_cast<double>(traj_start_block_) * B + s.onset * B;
  r.shape.duration = s.duration * B;
  r.shape.rate = (std::isfinite(s.rate) && r.shape.duration > 0.0) ? s.magnitude / r.shape.duration : s.rate;
  drift_ = r;
  typing_ = 2;
}

inline bool residual_monitor::update(const double* x, double y) {
  require_init("update");
  if (pred_)
    detail::throw_invalid_argument(
        "residual_monitor::update: this monitor is in prediction mode; call update_prediction(y_true, y_pred, x)");
  if (p_ > 0 && x == nullptr) detail::throw_invalid_argument("residual_monitor::update: x is null but p = {}", p_);
  for (std::size_t j = 0; j < p_; ++j)
    if (!std::isfinite(x[j]))
      detail::throw_invalid_argument("residual_monitor::update: x must be finite, got {} at column {}", x[j], j);
  if (!std::isfinite(y)) detail::throw_invalid_argument("residual_monitor::update: y must be finite, got {}", y);
  double pred = ref_coef_[0];
  for (std::size_t j = 0; j < p_; ++j) pred += ref_coef_[j + 1] * x[j];
  return advance(y - pred, x, x, y);
}

inline std::size_t residual_monitor::update_many(const double* X, const double* y, std::size_t n) {
  require_init("update_many");
  if (pred_)
    detail::throw_invalid_argument(
        "residual_monitor::update_many: this monitor is in prediction mode; call update_many_predictions");
  if (n == 0) return 0;
  if (p_ > 0 && X == nullptr) detail::throw_invalid_argument("residual_monitor::update_many: X is null but p = {}", p_);
  if (y == nullptr) detail::throw_invalid_argument("residual_monitor::update_many: y is null");
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < p_; ++j)
      if (!std::isfinite(X[i * p_ + j]))
        detail::throw_invalid_argument("residual_monitor::update_many: X must be finite, got {} at row {}, column {}",
                                       X[i * p_ + j], i, j);
    if (!std::isfinite(y[i]))
      detail::throw_invalid_argument("residual_monitor::update_many: y must be finite, got {} at row {}", y[i], i);
  }
  std::size_t first = n;
  for (std::size_t i = 0; i < n; ++i) {
    const double* x = p_ > 0 ? X + i * p_ : nullptr;
    double pred = ref_coef_[0];
    for (std::size_t j = 0; j < p_; ++j) pred += ref_coef_[j + 1] * x[j];
    if (advance(y[i] - pred, x, x, y[i]) && first == n) first = i;
  }
  return first;
}

inline bool residual_monitor::update_prediction(double y_true, double y_pred, const double* x) {
  require_init("update_prediction");
  if (!pred_)
    detail::throw_invalid_argument(
        "residual_monitor::update_prediction: this monitor is in fitted mode; call update(x, y)");
  if (p_ > 0 && x == nullptr)
    detail::throw_invalid_argument("residual_monitor::update_prediction: x is null but p = {}", p_);
  for (std::size_t j = 0; j < p_; ++j)
    if (!std::isfinite(x[j]))
      detail::throw_invalid_argument("residual_monitor::update_prediction: x must be finite, got {} at column {}",
                                     x[j], j);
  if (!std::isfinite(y_true))
    detail::throw_invalid_argument("residual_monitor::update_prediction: y_true must be finite, got {}", y_true);
  if (!std::isfinite(y_pred))
    detail::throw_invalid_argument("residual_monitor::update_prediction: y_pred must be finite, got {}", y_pred);
  return advance(y_true - y_pred - mu_, x, p_ > 0 ? x : &y_pred, y_true);
}

inline std::size_t residual_monitor::update_many_predictions(const double* y_true, const double* y_pred,
                                                             std::size_t n, const double* X) {
  static constexpr const char* fn = "residual_monitor::update_many_predictions";
  require_init("update_many_predictions");
  if (!pred_) detail::throw_invalid_argument("{}: this monitor is in fitted mode; call update_many(X, y)", fn);
  if (n == 0) return 0;
  if (y_true == nullptr) detail::throw_invalid_argument("{}: y_true is null", fn);
  if (y_pred == nullptr) detail::throw_invalid_argument("{}: y_pred is null", fn);
  if (p_ > 0 && X == nullptr) detail::throw_invalid_argument("{}: X is null but p = {}", fn, p_);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < p_; ++j)
      if (!std::isfinite(X[i * p_ + j]))
        detail::throw_invalid_argument("{}: X must be finite, got {} at row {}, column {}", fn, X[i * p_ + j], i, j);
    if (!std::isfinite(y_true[i]))
      detail::throw_invalid_argument("{}: y_true must be finite, got {} at row {}", fn, y_true[i], i);
    if (!std::isfinite(y_pred[i]))
      detail::throw_invalid_argument("{}: y_pred must be finite, got {} at row {}", fn, y_pred[i], i);
  }
  std::size_t first = n;
  for (std::size_t i = 0; i < n; ++i) {
    const double* x = p_ > 0 ? X + i * p_ : nullptr;
    if (advance(y_true[i] - y_pred[i] - mu_, x, p_ > 0 ? x : y_pred + i, y_true[i]) && first == n) first = i;
  }
  return first;
}

inline const std::vector<residual_alarm>& residual_monitor::alarms() const { return alarms_; }
inline bool residual_monitor::alarmed() const { return !alarms_.empty(); }
inline bool residual_monitor::typing_pending() const { return !alarms_.empty() && typing_ != 2; }
inline const std::optional<residual_drift>& residual_monitor::drift() const { return drift_; }

inline double residual_monitor::residual_cusum() const {
  require_init("residual_cusum");
  return s_e_ * scale_;
}
inline double residual_monitor::cusum_boundary() const {
  require_init("cusum_boundary");
  return on_[0] ? csw_boundary_at(k_, m_, crit_[0]) : std::numeric_limits<double>::quiet_NaN();
}
inline std::vector<double> residual_monitor::score_cusum() const {
  require_init("score_cusum");
  std::vector<double> out(p_, std::numeric_limits<double>::quiet_NaN());
  if (ps_ > 0)
    for (std::size_t j = 0; j < p_; ++j) out[j] = s_w_[j + 1] * scale_;
  return out;
}
inline double residual_monitor::score_boundary() const {
  require_init("score_boundary");
  return on_[1] ? csw_boundary_at(k_, m_, crit_[1]) : std::numeric_limits<double>::quiet_NaN();
}
inline double residual_monitor::mosum() const {
  require_init("mosum");
  if (!on_[2] || k_ < ring_.size()) return std::numeric_limits<double>::quiet_NaN();
  return ring_sum_ * mscale_;
}
inline double residual_monitor::mosum_boundary() const {
  require_init("mosum_boundary");
  return crit_[2];
}
inline double residual_monitor::variance_cusum() const {
  require_init("variance_cusum");
  return on_[3] ? s_u_ * vscale_ : std::numeric_limits<double>::quiet_NaN();
}
inline double residual_monitor::variance_boundary() const {
  require_init("variance_boundary");
  return on_[3] ? csw_boundary_at(k_, m_, crit_[3]) : std::numeric_limits<double>::quiet_NaN();
}
inline double residual_monitor::test_alpha(residual_test t) const {
  require_init("test_alpha");
  const auto i = static_cast<std::size_t>(t);
  if (i > 3) detail::throw_invalid_argument("residual_monitor::test_alpha: unknown test {}", i);
  return level_[i];
}
inline double residual_monitor::critical_value(residual_test t) const {
  require_init("critical_value");
  const auto i = static_cast<std::size_t>(t);
  if (i > 3) detail::throw_invalid_argument("residual_monitor::critical_value: unknown test {}", i);
  return crit_[i];
}

inline const std::vector<double>& residual_monitor::reference_coefficients() const { return ref_coef_; }
inline double residual_monitor::sigma() const {
  require_init("sigma");
  return sigma_;
}
inline const std::vector<double>& residual_monitor::tracking_coefficients() const { return track_coef_; }
inline std::vector<double> residual_monitor::coefficient_change() const {
  std::vector<double> d(ref_coef_.size());
  for (std::size_t j = 0; j < d.size(); ++j) d[j] = track_coef_[j] - ref_coef_[j];
  return d;
}

// ---- serialization ----------------------------------------------------------------------

inline std::vector<std::uint8_t> residual_monitor::serialize() const {
  std::vector<std::uint8_t> out;
  detail::byte_writer w(out);
  detail::write_preamble(w, "DSRM", serial_family, serial_version);
  w.put(static_cast<std::uint8_t>((init_ ? 1u : 0u) | (pred_ ? 2u : 0u)));
  w.put(std::uint8_t{0});
  if (!init_) return out;
  const std::size_t k = p_ + 1;
  out.reserve(256 + 8 * (k * k + 4 * k + ring_.size() + kt() * kt() + 5 * alarms_.size() + nch_ * (1 + opts_.history_blocks) +
                         traj_n_));
  w.put(opts_.alpha);
  w.put(static_cast<std::uint8_t>((opts_.residual_cusum ? 1u : 0u) | (opts_.score_cusum ? 2u : 0u) |
                                  (opts_.variance ? 4u : 0u)));
  w.put(static_cast<std::uint64_t>(opts_.mosum_window));
  w.put(opts_.horizon);
  w.put(opts_.forgetting);
  w.put(static_cast<std::uint64_t>(opts_.block_size));
  w.put(static_cast<std::uint64_t>(opts_.history_blocks));
  w.put(static_cast<std::uint64_t>(opts_.max_wait));
  w.put(static_cast<std::uint64_t>(opts_.settle_blocks));
  w.put(opts_.shape.smoothing);
  w.put(opts_.shape.min_duration);
  w.put(static_cast<std::uint64_t>(opts_.shape.min_segment));
  w.put(static_cast<std::uint64_t>(m_));
  w.put(static_cast<std::uint64_t>(p_));
  w.put(sigma_);
  w.put(mu_);
  w.put(ubar_);
  w.put(tau_);
  w.put_array(ref_coef_.data(), ref_coef_.size());
  w.put_array(linv_.data(), linv_.size());
  w.put_array(vbar_.data(), vbar_.size());
  w.put(k_);
  w.put(s_e_);
  w.put_array(s_w_.data(), s_w_.size());
  w.put(s_u_);
  w.put(ring_sum_);
  w.put_array(ring_.data(), ring_.size());
  w.put_array(rls_.coefficients().data(), kt());
  w.put_array(rls_.inverse_gram().data(), kt() * kt());
  w.put(static_cast<std::uint64_t>(alarms_.size()));
  for (const residual_alarm& a : alarms_) {
    w.put(a.index);
    w.put(static_cast<std::uint8_t>(a.test));
    w.put(static_cast<std::uint64_t>(a.component));
    w.put(a.statistic);
    w.put(a.boundary);
  }
  w.put_array(blk_sum_.data(), blk_sum_.size());
  w.put_array(hist_.data(), hist_.size());
  w.put(typing_);
  if (typing_ >= 1) {
    w.put(static_cast<std::uint64_t>(typ_alarm_));
    w.put(traj_start_block_);
    w.put(static_cast<std::uint64_t>(traj_n_));
    w.put(static_cast<std::uint64_t>(traj_pre_));
    w.put_array(traj_.data(), traj_n_);
  }
  if (typing_ == 2) {
    w.put(static_cast<std::uint8_t>(drift_ ? 1 : 0));
    if (drift_) {
      const drift_shape& s = drift_->shape;
      w.put(static_cast<std::uint8_t>(s.kind));
      for (double v : {s.onset, s.duration, s.level_before, s.level_after, s.magnitude, s.rate, s.mixing_level,
                       s.bic_step, s.bic_ramp, s.bic_two_step})
        w.put(v);
      w.put(static_cast<std::uint64_t>(s.n));
      w.put(static_cast<std::uint8_t>(drift_->forced ? 1 : 0));
    }
  }
  return out;
}

inline residual_monitor residual_monitor::deserialize(const void* bytes, std::size_t size) {
  static constexpr const char* fn = "residual_monitor::deserialize";
  detail::byte_reader rd(bytes, size, fn);
  detail::read_preamble(rd, "DSRM", serial_family, serial_version, fn, "residual_monitor");
  const auto flags = rd.get<std::uint8_t>("flags");
  if ((flags & ~3u) != 0) detail::throw_invalid_argument("{}: unknown flag bits {}", fn, flags);
  if (rd.get<std::uint8_t>("reserved") != 0) detail::throw_invalid_argument("{}: reserved byte must be 0", fn);
  residual_monitor r;
  if ((flags & 1u) == 0) {
    if (flags != 0) detail::throw_invalid_argument("{}: prediction flag set on an empty monitor", fn);
    if (rd.remaining() != 0) detail::throw_invalid_argument("{}: {} trailing bytes", fn, rd.remaining());
    return r;
  }
  auto finite = [&](const char* field) {
    const double v = rd.get<double>(field);
    if (!std::isfinite(v)) detail::throw_invalid_argument("{}: {} must be finite, got {}", fn, field, v);
    return v;
  };
  auto finite_array = [&](std::vector<double>& v, std::size_t n, const char* field) {
    rd.require_array(n, 8, field);
    v.assign(n, 0.0);
    rd.get_array(v.data(), n, field);
    for (double x : v)
      if (!std::isfinite(x)) detail::throw_invalid_argument("{}: {} must be finite, got {}", fn, field, x);
  };
  auto size_field = [&](const char* field, std::uint64_t cap) {
    const auto v = rd.get<std::uint64_t>(field);
    if (v > cap) detail::throw_invalid_argument("{}: {} must be <= {}, got {}", fn, field, cap, v);
    return static_cast<std::size_t>(v);
  };
  options o;
  o.alpha = rd.get<double>("alpha");
  const auto of = rd.get<std::uint8_t>("option flags");
  if ((of & ~7u) != 0) detail::throw_invalid_argument("{}: unknown option flag bits {}", fn, of);
  o.residual_cusum = (of & 1u) != 0;
  o.score_cusum = (of & 2u) != 0;
  o.variance = (of & 4u) != 0;
  o.mosum_window = size_field("mosum_window", max_buffer);
  o.horizon = rd.get<std::uint64_t>("horizon");
  o.forgetting = rd.get<double>("forgetting");
  o.block_size = size_field("block_size", std::numeric_limits<std::uint32_t>::max());
  o.history_blocks = size_field("history_blocks", max_buffer);
  o.max_wait = size_field("max_wait", std::numeric_limits<std::uint64_t>::max() / 2);
  o.settle_blocks = size_field("settle_blocks", max_buffer);
  o.shape.smoothing = rd.get<double>("shape.smoothing");
  o.shape.min_duration = rd.get<double>("shape.min_duration");
  o.shape.min_segment = size_field("shape.min_segment", max_buffer);
  o.validate();  // throws invalid_argument naming the bad option
  r.opts_ = o;
  r.pred_ = (flags & 2u) != 0;
  r.m_ = size_field("m", std::numeric_limits<std::uint64_t>::max() / 2);
  r.p_ = size_field("p", max_p);
  const std::size_t k = r.p_ + 1;
  const std::size_t kt = (r.pred_ && r.p_ == 0) ? 2 : k;
  if (r.m_ <= kt) detail::throw_invalid_argument("{}: m = {} must exceed the {} parameters", fn, r.m_, kt);
  r.sigma_ = finite("sigma");
  if (!(r.sigma_ > 0.0)) detail::throw_invalid_argument("{}: sigma must be > 0, got {}", fn, r.sigma_);
  r.mu_ = finite("mu");
  if (!r.pred_ && r.mu_ != 0.0) detail::throw_invalid_argument("{}: mu must be 0 in fitted mode, got {}", fn, r.mu_);
  r.ubar_ = finite("ubar");
  r.tau_ = finite("tau");
  if (r.ubar_ < 0.0 || r.tau_ < 0.0 || (o.variance && !(r.tau_ > 0.0)))
    detail::throw_invalid_argument("{}: ubar / tau out of range ({}, {})", fn, r.ubar_, r.tau_);
  finite_array(r.ref_coef_, kt, "reference coefficients");
  finite_array(r.linv_, k * k, "L inverse");
  for (std::size_t a = 0; a < k; ++a) {
    if (!(r.linv_[a * k + a] > 0.0))
      detail::throw_invalid_argument("{}: L inverse diagonal must be > 0, got {}", fn, r.linv_[a * k + a]);
    for (std::size_t b = a + 1; b < k; ++b)
      if (r.linv_[a * k + b] != 0.0) detail::throw_invalid_argument("{}: L inverse must be lower-triangular", fn);
  }
  finite_array(r.vbar_, k, "vbar");
  {
    std::vector<double> P0(kt * kt, 0.0);
    for (std::size_t a = 0; a < kt; ++a) P0[a * kt + a] = 1.0;
    r.rls_ = forgetting_rls(r.ref_coef_, std::move(P0), o.forgetting);
  }
  r.setup();  // validates the test set, derives critical values, allocates the state
  r.k_ = rd.get<std::uint64_t>("n_monitored");
  r.s_e_ = finite("sum e");
  {
    std::vector<double> sw;
    finite_array(sw, k, "sum w");
    r.s_w_ = sw;
  }
  r.s_u_ = finite("sum u");
  r.ring_sum_ = finite("ring sum");
  {
    std::vector<double> ring;
    finite_array(ring, r.ring_.size(), "mosum ring");
    r.ring_ = ring;
    r.ring_pos_ = r.ring_.empty() ? 0 : static_cast<std::size_t>(r.k_ % r.ring_.size());
  }
  {
    std::vector<double> b, P;
    finite_array(b, kt, "tracking b");
    finite_array(P, kt * kt, "tracking P");
    r.rls_.set_state(b.data(), P.data());
    r.track_coef_ = b;
  }
  const auto na = rd.get<std::uint64_t>("alarm count");
  if (na > r.p_ + 3) detail::throw_invalid_argument("{}: alarm count must be <= {}, got {}", fn, r.p_ + 3, na);
  for (std::uint64_t i = 0; i < na; ++i) {
    residual_alarm a;
    a.index = rd.get<std::uint64_t>("alarm index");
    const auto t = rd.get<std::uint8_t>("alarm test");
    if (t > 3) detail::throw_invalid_argument("{}: alarm test must be 0..3, got {}", fn, t);
    a.test = static_cast<residual_test>(t);
    const auto comp = rd.get<std::uint64_t>("alarm component");
    a.statistic = finite("alarm statistic");
    a.boundary = finite("alarm boundary");
    if (!r.on_[t]) detail::throw_invalid_argument("{}: alarm of a test that is off ({})", fn, to_string(a.test));
    if ((a.test == residual_test::score_cusum && comp >= r.p_) || (a.test != residual_test::score_cusum && comp != 0))
      detail::throw_invalid_argument("{}: alarm component {} out of range", fn, comp);
    a.component = static_cast<std::size_t>(comp);
    if (a.index >= r.k_ || (!r.alarms_.empty() && a.index < r.alarms_.back().index))
      detail::throw_invalid_argument("{}: alarm index {} out of order or beyond n_monitored {}", fn, a.index, r.k_);
    const std::size_t slot = r.fired_slot(a.test, a.component);
    if (r.fired_[slot]) detail::throw_invalid_argument("{}: duplicate alarm of {}", fn, to_string(a.test));
    r.fired_[slot] = 1;
    r.alarms_.push_back(a);
  }
  finite_array(r.blk_sum_, r.nch_, "block sums");
  r.blk_fill_ = static_cast<std::size_t>(r.k_ % o.block_size);
  finite_array(r.hist_, r.nch_ * o.history_blocks, "block rings");
  r.typing_ = rd.get<std::uint8_t>("typing state");
  if (r.typing_ > 2) detail::throw_invalid_argument("{}: typing state must be 0..2, got {}", fn, r.typing_);
  const bool mean_alarm = std::any_of(r.alarms_.begin(), r.alarms_.end(), [](const residual_alarm& a) {
    return a.test != residual_test::variance;
  });
  if (r.typing_ >= 1 ? r.alarms_.empty() : mean_alarm)
    detail::throw_invalid_argument("{}: typing state {} inconsistent with {} alarms", fn, r.typing_, r.alarms_.size());
  if (r.typing_ >= 1) {
    r.typ_alarm_ = size_field("typed alarm", r.alarms_.size() - 1);
    const residual_alarm& a = r.alarms_[r.typ_alarm_];
    r.typ_ch_ = r.channel_of(a.test, a.component);
    r.traj_start_block_ = rd.get<std::uint64_t>("trajectory start");
    r.traj_n_ = size_field("trajectory length", r.traj_.size());
    r.traj_pre_ = size_field("trajectory pre-alarm length", r.traj_n_);
    if (r.traj_pre_ > o.history_blocks || r.traj_start_block_ > r.k_ / o.block_size)
      detail::throw_invalid_argument("{}: trajectory bounds out of range", fn);
    std::vector<double> tr;
    finite_array(tr, r.traj_n_, "trajectory");
    std::copy(tr.begin(), tr.end(), r.traj_.begin());
  }
  if (r.typing_ == 2) {
    const auto has = rd.get<std::uint8_t>("has drift");
    if (has > 1) detail::throw_invalid_argument("{}: has drift must be 0 or 1, got {}", fn, has);
    if (has == 1) {
      residual_drift d;
      const residual_alarm& a = r.alarms_[r.typ_alarm_];
      d.test = a.test;
      d.component = a.component;
      const auto kind = rd.get<std::uint8_t>("drift kind");
      if (kind > 2) detail::throw_invalid_argument("{}: drift kind must be 0..2, got {}", fn, kind);
      d.shape.kind = static_cast<drift_kind>(kind);
      double* f[10] = {&d.shape.onset,     &d.shape.duration, &d.shape.level_before, &d.shape.level_after,
                       &d.shape.magnitude, &d.shape.rate,     &d.shape.mixing_level, &d.shape.bic_step,
                       &d.shape.bic_ramp,  &d.shape.bic_two_step};
      for (double* v : f) *v = rd.get<double>("drift field");
      d.shape.n = size_field("drift n", r.traj_.size());
      const auto forced = rd.get<std::uint8_t>("drift forced");
      if (forced > 1) detail::throw_invalid_argument("{}: drift forced must be 0 or 1, got {}", fn, forced);
      d.forced = forced == 1;
      r.drift_ = d;
    }
  }
  if (rd.remaining() != 0) detail::throw_invalid_argument("{}: {} trailing bytes", fn, rd.remaining());
  return r;
}

}  // namespace driftscope
