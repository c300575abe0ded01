#pragma once
/// @file
/// @brief HDDM_A, drift detection from Hoeffding's bound on moving averages (the "A-test"),
/// with river 0.26's `drift.binary.HDDM_A` arguments, defaults, drift and warning indices.
///
/// Frías-Blanco, del Campo-Ávila, Ramos-Jiménez, Morales-Bueno, Ortiz-Díaz, Caballero-Mota
/// (2015), "Online and non-parametric drift detection methods based on Hoeffding's bounds",
/// IEEE TKDE 27(3); as implemented in MOA and river. With Z the running mean of all n
/// values since the last reset (river's `stats.Mean`) and ε(k) = √(ln(1/drift_confidence)
/// / (2k)), two cut points are snapshots (count, mean) of Z:
/// - X_min is re-taken whenever mean(X_min) + ε(n(X_min)) ≥ mean(Z) + ε(n);
/// - X_max (two-sided only) whenever mean(X_max) − ε(n(X_max)) ≤ mean(Z) − ε(n).
/// The mean increased at confidence c when n(X) < n and
///   mean(Z) − mean(X_min) ≥ √(m/2 · ln(2/c)),  m = (n − n(X)) / n(X) · (1/n)
/// (decrease: mean(X_max) − mean(Z) ≥ the same bound with X_max). Drift when the increase
/// holds at drift_confidence, else warning at warning_confidence; with two_sided_test a
/// decrease does the same. State resets at the update after a drift.
///
/// Every float operation gives river's bits: the same formulas, with constants folded
/// only where the result is bit-identical (ε(k)² uses 1/n, which the mean update already
/// computes: (1/(2n))·L = (1/n)·(L/2) exactly; (m/2)·L = m·(L/2) exactly). The bound of a
/// cut point is cached (it depends only on its count). Comparisons that are clear by a
/// wide margin (2^-30 relative) are decided from squares, without square roots or the
/// division in m; near a bound, river's own formulas decide.
///
/// Memory: O(1). Cost: a division and a square root per value (a second division and
/// more roots when the mean moves near a bound).
///
/// Payload (after the detector header, little-endian):
/// | field                         | type | notes                                  |
/// |-------------------------------|------|----------------------------------------|
/// | drift_confidence              | f64  | in (0, 1)                              |
/// | warning_confidence            | f64  | in [drift_confidence, 1)               |
/// | two_sided_test                | u8   | 0 / 1                                  |
/// | drift pending                 | u8   | 0 / 1                                  |
/// | n, mean                       | f64  | Z: count and mean since the last reset |
/// | x_min_n, x_min_mean           | f64  | X_min snapshot                         |
/// | x_max_n, x_max_mean           | f64  | X_max snapshot (zeros if one-sided)    |

#include <driftscope/detect/detector.hpp>

#include <cmath>
#include <cstdint>
#include <limits>

namespace driftscope {

class hddm_a : public detector_base<hddm_a> {
 public:
  static constexpr detector_kind kind = detector_kind::hddm_a;
  static constexpr const char* name = "HDDM_A";

  /// @param drift_confidence confidence of the drift test (smaller: fewer drifts)
  /// @param warning_confidence confidence of the warning test
  /// @param two_sided_test also watch for a decrease of the error rate
  /// @throws std::invalid_argument unless 0 < drift_confidence <= warning_confidence < 1
  ///         (equal: no warning zone; river's order of tests gives no warning when
  ///         warning_confidence < drift_confidence).
  explicit hddm_a(double drift_confidence = 0.001, double warning_confidence = 0.005,
                  bool two_sided_test = false, nonfinite_policy nonfinite = nonfinite_policy::raise)
      : detector_base(nonfinite),
        drift_confidence_(drift_confidence),
        warning_confidence_(warning_confidence),
        two_sided_(two_sided_test) {
    detail::require_open_unit(drift_confidence, name, "drift_confidence");
    detail::require_open_unit(warning_confidence, name, "warning_confidence");
    if (warning_confidence < drift_confidence)
      detail::throw_invalid_argument(
          "{}: warning_confidence must be >= drift_confidence, got {} < {}", name,
          warning_confidence, drift_confidence);
    half_log_cut_ = libm_log(1.0 / drift_confidence) / 2;
    half_log_drift_ = libm_log(2.0 / drift_confidence) / 2;
    half_log_warning_ = libm_log(2.0 / warning_confidence) / 2;
    half_log_min_ = half_log_drift_ < half_log_warning_ ? half_log_drift_ : half_log_warning_;
    if (drift_confidence < 1e-300 || warning_confidence < 1e-300)  // 1/confidence must stay finite
      detail::throw_invalid_argument(
          "{}: drift_confidence and warning_confidence must be >= 1e-300, got {} and {}", name,
          drift_confidence, warning_confidence);
  }

  signal step(double x) {
    if (!((x == 0.0) | (x == 1.0)))
      detail::require_binary(x, name);  // one branch, not one per compare
    if (drift_pending_) reset_state();
    n_ += 1.0;
    const double inv_n = 1.0 / n_;
    mean_ += inv_n * (x - mean_);
    // ε(n)² exactly as river's sqrt sees it; ε(n) itself only when a cut point may move.
    const double eps_z_sq = inv_n * half_log_cut_;
    double eps_z = -1;
    // river: X_min moves when mean(X_min) + ε(X_min) >= mean(Z) + ε(n). Bit-exact fast
    // path: that is certainly false when mean > lhs, or when ε(n)² clearly exceeds
    // (lhs − mean + 2^-36)² (all values here are below 32, so 2^-36 dwarfs every rounding
    // error). max(·, 0) folds both into one compare (no coin-flip branch).
    const double a_min = min_lhs_ - mean_, b_min = (a_min > 0 ? a_min : 0.0) + 0x1p-36;
    if (!(eps_z_sq > b_min * b_min * (1 + 0x1p-30))) {
      eps_z = std::sqrt(eps_z_sq);
      if (min_n_ == 0 || min_lhs_ >= mean_ + eps_z) {
        min_n_ = n_;
        min_mean_ = mean_;
        min_lhs_ = min_mean_ + eps_z;
        inv_min_ = inv_n;
      }
    }
    bool drift = false, warning = false;
    test(mean_ - min_mean_, min_n_, inv_min_, inv_n, drift, warning);
    if (two_sided_) {
      // river: X_max moves when mean(X_max) − ε(X_max) <= mean(Z) − ε(n); same fast path.
      const double a_max = mean_ - max_lhs_, b_max = (a_max > 0 ? a_max : 0.0) + 0x1p-36;
      if (!(eps_z_sq > b_max * b_max * (1 + 0x1p-30))) {
        if (eps_z < 0) eps_z = std::sqrt(eps_z_sq);
        if (max_n_ == 0 || max_lhs_ <= mean_ - eps_z) {
          max_n_ = n_;
          max_mean_ = mean_;
          max_lhs_ = max_mean_ - eps_z;
          inv_max_ = inv_n;
        }
      }
      test(max_mean_ - mean_, max_n_, inv_max_, inv_n, drift, warning);
    }
    if (drift) {
      drift_pending_ = true;
      return signal::drift;
    }
    return warning ? signal::warning : signal::none;
  }

  void reset_state() noexcept {
    n_ = mean_ = 0;
    min_n_ = min_mean_ = inv_min_ = 0;
    max_n_ = max_mean_ = inv_max_ = 0;
    min_lhs_ = std::numeric_limits<double>::infinity();  // no cut point yet: take one
    max_lhs_ = -std::numeric_limits<double>::infinity();
    drift_pending_ = false;
  }

  // --- parameters and read-only state ------------------------------------------------
  double drift_confidence() const noexcept { return drift_confidence_; }
  double warning_confidence() const noexcept { return warning_confidence_; }
  bool two_sided_test() const noexcept { return two_sided_; }
  /// Values since the last reset, and their mean (river's _z).
  double n() const noexcept { return n_; }
  double mean() const noexcept { return mean_; }
  /// The cut point for an increase (river's _x_min): count and mean at the cut.
  double x_min_n() const noexcept { return min_n_; }
  double x_min_mean() const noexcept { return min_mean_; }
  /// The cut point for a decrease (river's _x_max); kept only with two_sided_test.
  double x_max_n() const noexcept { return max_n_; }
  double x_max_mean() const noexcept { return max_mean_; }

  void write_payload(detail::byte_writer& w) const {
    w.put(drift_confidence_);
    w.put(warning_confidence_);
    w.put(static_cast<std::uint8_t>(two_sided_));
    w.put(static_cast<std::uint8_t>(drift_pending_));
    for (double v : {n_, mean_, min_n_, min_mean_, max_n_, max_mean_}) w.put(v);
  }

  static hddm_a read_payload(detail::byte_reader& rd) {
    const auto drift_confidence = rd.get<double>("drift_confidence");
    const auto warning_confidence = rd.get<double>("warning_confidence");
    const bool two_sided = detail::read_flag(rd, name, "two_sided_test");
    hddm_a d(drift_confidence, warning_confidence, two_sided);
    d.drift_pending_ = detail::read_flag(rd, name, "drift pending");
    for (double* v : {&d.n_, &d.mean_, &d.min_n_, &d.min_mean_, &d.max_n_, &d.max_mean_})
      *v = rd.get<double>("state");
    check_snapshot(d.n_, d.mean_, d.n_, "n / mean");
    check_snapshot(d.min_n_, d.min_mean_, d.n_, "x_min");
    check_snapshot(d.max_n_, d.max_mean_, two_sided ? d.n_ : 0.0, "x_max");
    if ((d.n_ == 0) != (d.min_n_ == 0) || (two_sided && (d.n_ == 0) != (d.max_n_ == 0)) ||
        (d.drift_pending_ && d.n_ == 0))
      detail::throw_invalid_argument("{}.deserialize: inconsistent cut points", name);
    if (d.min_n_ > 0) {
      d.inv_min_ = 1.0 / d.min_n_;
      d.min_lhs_ = d.min_mean_ + std::sqrt(d.inv_min_ * d.half_log_cut_);
    }
    if (d.max_n_ > 0) {
      d.inv_max_ = 1.0 / d.max_n_;
      d.max_lhs_ = d.max_mean_ - std::sqrt(d.inv_max_ * d.half_log_cut_);
    }
    return d;
  }

 private:
  /// river's _mean_incr / _mean_decr at drift_confidence, else warning_confidence: the
  /// change `diff` of the mean since a cut point of count cut_n is significant when
  /// diff >= √(m/2 · ln(2/c)), m = (n − cut_n)/cut_n · (1/n).
  /// (At the cut point itself, n = cut_n, river returns false: then diff = 0.)
  void test(double diff, double cut_n, double inv_cut, double inv_n, bool& drift,
            bool& warning) const noexcept {
    // Fast path, bit-exact: with cut_n·(1/cut_n) for the division, m is within 4 ulp of
    // river's; when diff <= 0 (the bounds are > 0) or diff² is clearly (2^-30 relative)
    // below the smaller bound², neither test can pass. max(diff, 0) folds both into one
    // well-predicted branch (diff's sign is a coin flip on a stationary stream).
    const double m_est = (n_ - cut_n) * inv_cut * inv_n;
    const double d = diff > 0 ? diff : 0.0;
    if (d * d * (1 + 0x1p-30) < m_est * half_log_min_) return;
    if (!(diff > 0)) return;  // also n = cut_n (m = 0, diff = 0), where river returns false
    const double m = (n_ - cut_n) / cut_n * inv_n;
    if (diff >= std::sqrt(m * half_log_drift_))
      drift = true;
    else if (diff >= std::sqrt(m * half_log_warning_))
      warning = true;
  }

  /// log through an opaque value: the constant folder's log could differ from libm's in
  /// the last bit, and river's Python calls libm.
  static double libm_log(double v) noexcept {
    volatile double t = v;
    return std::log(t);
  }

  static void check_snapshot(double n, double mean, double max_n, const char* what) {
    if (!(n >= 0 && n <= max_n) || n != std::floor(n) || n > 0x1p53 || !(mean >= 0 && mean <= 1) ||
        (n == 0 && mean != 0))
      detail::throw_invalid_argument("{}.deserialize: invalid {} (count {}, mean {})", name, what,
                                     n, mean);
  }

  double drift_confidence_, warning_confidence_;
  bool two_sided_;
  bool drift_pending_ = false;
  double half_log_cut_ = 0, half_log_drift_ = 0, half_log_warning_ = 0, half_log_min_ = 0;
  double n_ = 0, mean_ = 0;
  // per cut point: count, mean, 1/count, and river's left-hand side mean ± ε(count)
  double min_n_ = 0, min_mean_ = 0, inv_min_ = 0,
         min_lhs_ = std::numeric_limits<double>::infinity();
  double max_n_ = 0, max_mean_ = 0, inv_max_ = 0,
         max_lhs_ = -std::numeric_limits<double>::infinity();
};

}  // namespace driftscope
