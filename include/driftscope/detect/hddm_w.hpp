#pragma once
/// @file
/// @brief HDDM_W, drift detection from McDiarmid's bound on exponentially weighted moving
/// averages (the "W-test"), with river 0.26's `drift.binary.HDDM_W` arguments, defaults,
/// drift and warning indices.
///
/// Frías-Blanco et al. (2015), "Online and non-parametric drift detection methods based on
/// Hoeffding's bounds", IEEE TKDE 27(3); as implemented in MOA and river. A sample keeps
/// an EW mean with weight λ = lambda_val — its first value is taken as the mean, then
/// m = λ·x + (1 − λ)·m (river's `stats.EWMean`) — and its "independent bound condition"
/// c = λ² + (1 − λ)²·c, starting at c = 1 ((1 − λ)² as Python's `** 2`, i.e. libm pow).
/// The bound at confidence δ for a sum of conditions c is √(c · ln(1/δ) / 2).
/// - The total sample T sees every value. For an increase, the cut point is moved
///   (S1 = copy of T, S2 = empty) whenever mean(T) + bound(c(T), drift_confidence) is below
///   every earlier such value; otherwise S2 takes the value. The mean increased at δ when
///   both samples have values and mean(S2) − mean(S1) > bound(c(S1) + c(S2), δ).
/// - With two_sided_test, a decrease is tracked the same way with mean(T) − bound above
///   every earlier such value, and mean(S1) − mean(S2) > bound.
/// Drift when a change holds at drift_confidence, else warning at warning_confidence.
/// State resets at the update after a drift.
///
/// Memory: O(1) (five samples). Cost: a few multiplications per value (square roots when
/// c(T) still moves or a mean comes near a bound).
///
/// Payload (after the detector header, little-endian):
/// | field                | type | notes                                         |
/// |----------------------|------|-----------------------------------------------|
/// | drift_confidence     | f64  | in (0, 1)                                     |
/// | warning_confidence   | f64  | in [drift_confidence, 1)                      |
/// | lambda_val           | f64  | in (0, 1]                                     |
/// | two_sided_test       | u8   | 0 / 1                                         |
/// | drift pending        | u8   | 0 / 1                                         |
/// | incr_cutpoint        | f64  | +inf before the first value                   |
/// | decr_cutpoint        | f64  | −inf (and the decrease samples empty) unless two-sided |
/// | 5 × sample           |      | T, S1 incr, S2 incr, S1 decr, S2 decr:        |
/// |   init, ewma, ibc    | u8, f64, f64 | an empty sample: 0, 0, 1              |

#include <driftscope/detect/detector.hpp>

#include <cmath>
#include <cstdint>
#include <limits>

namespace driftscope {

class hddm_w : public detector_base<hddm_w> {
 public:
  static constexpr detector_kind kind = detector_kind::hddm_w;
  static constexpr const char* name = "HDDM_W";

  /// One EW-mean sample (river's SampleInfo).
  struct sample {
    double ewma = 0;  ///< EW mean (its first value until a second arrives)
    double ibc = 1;   ///< independent bound condition
    bool init = false;
  };

  /// @param drift_confidence confidence of the drift test
  /// @param warning_confidence confidence of the warning test
  /// @param lambda_val weight of the newest value in the EW means
  /// @param two_sided_test also watch for a decrease of the error rate
  /// @throws std::invalid_argument unless 0 < drift_confidence <= warning_confidence < 1
  ///         and 0 < lambda_val <= 1 (river allows 0, which freezes every mean).
  explicit hddm_w(double drift_confidence = 0.001, double warning_confidence = 0.005,
                  double lambda_val = 0.05, bool two_sided_test = false,
                  nonfinite_policy nonfinite = nonfinite_policy::raise)
      : detector_base(nonfinite),
        drift_confidence_(drift_confidence),
        warning_confidence_(warning_confidence),
        lambda_(lambda_val),
        two_sided_(two_sided_test) {
    detail::require_open_unit(drift_confidence, name, "drift_confidence");
    detail::require_open_unit(warning_confidence, name, "warning_confidence");
    if (warning_confidence < drift_confidence)
      detail::throw_invalid_argument(
          "{}: warning_confidence must be >= drift_confidence, got {} < {}", name,
          warning_confidence, drift_confidence);
    if (!(lambda_val > 0.0 && lambda_val <= 1.0))
      detail::throw_invalid_argument("{}: lambda_val must be in (0, 1], got {}", name, lambda_val);
    one_minus_lambda_ = 1.0 - lambda_val;
    lambda_sq_ = lambda_val * lambda_val;
    one_minus_lambda_sq_ = libm_pow(1 - lambda_val, 2.0);
    half_log_drift_ = libm_log(1 / drift_confidence) / 2;
    half_log_warning_ = libm_log(1 / warning_confidence) / 2;
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
    add(total_, x);
    if (total_.ibc != eps_ibc_) {  // c(T) settles to a fixed point within a few hundred values
      eps_ibc_ = total_.ibc;
      eps_ = std::sqrt(total_.ibc * half_log_drift_);
    }
    const double eps = eps_;
    bool drift = false, warning = false;
    if (total_.ewma + eps < incr_cut_) {
      incr_cut_ = total_.ewma + eps;
      s1_incr_ = total_;
      s2_incr_ = sample{};
    } else {
      add(s2_incr_, x);
      changed(s1_incr_, s2_incr_, drift, warning);
    }
    if (two_sided_) {
      if (total_.ewma - eps > decr_cut_) {
        decr_cut_ = total_.ewma - eps;
        s1_decr_ = total_;
        s2_decr_ = sample{};
      } else {
        add(s2_decr_, x);
        changed(s2_decr_, s1_decr_, drift, warning);
      }
    }
    if (drift) {
      drift_pending_ = true;
      return signal::drift;
    }
    return warning ? signal::warning : signal::none;
  }

  void reset_state() noexcept {
    total_ = s1_incr_ = s2_incr_ = s1_decr_ = s2_decr_ = sample{};
    incr_cut_ = std::numeric_limits<double>::infinity();
    decr_cut_ = -std::numeric_limits<double>::infinity();
    drift_pending_ = false;
  }

  // --- parameters and read-only state ------------------------------------------------
  double drift_confidence() const noexcept { return drift_confidence_; }
  double warning_confidence() const noexcept { return warning_confidence_; }
  double lambda_val() const noexcept { return lambda_; }
  bool two_sided_test() const noexcept { return two_sided_; }
  /// The sample of every value since the last reset (river's _total).
  const sample& total() const noexcept { return total_; }
  /// The increase test's samples before / after its cut point, and the cut point.
  const sample& s1_incr() const noexcept { return s1_incr_; }
  const sample& s2_incr() const noexcept { return s2_incr_; }
  double incr_cutpoint() const noexcept { return incr_cut_; }
  /// The decrease test's samples and cut point (kept only with two_sided_test).
  const sample& s1_decr() const noexcept { return s1_decr_; }
  const sample& s2_decr() const noexcept { return s2_decr_; }
  double decr_cutpoint() const noexcept { return decr_cut_; }

  void write_payload(detail::byte_writer& w) const {
    w.put(drift_confidence_);
    w.put(warning_confidence_);
    w.put(lambda_);
    w.put(static_cast<std::uint8_t>(two_sided_));
    w.put(static_cast<std::uint8_t>(drift_pending_));
    w.put(incr_cut_);
    w.put(decr_cut_);
    for (const sample* s : {&total_, &s1_incr_, &s2_incr_, &s1_decr_, &s2_decr_}) {
      w.put(static_cast<std::uint8_t>(s->init));
      w.put(s->ewma);
      w.put(s->ibc);
    }
  }

  static hddm_w read_payload(detail::byte_reader& rd) {
    const auto drift_confidence = rd.get<double>("drift_confidence");
    const auto warning_confidence = rd.get<double>("warning_confidence");
    const auto lambda_val = rd.get<double>("lambda_val");
    const bool two_sided = detail::read_flag(rd, name, "two_sided_test");
    hddm_w d(drift_confidence, warning_confidence, lambda_val, two_sided);
    d.drift_pending_ = detail::read_flag(rd, name, "drift pending");
    d.incr_cut_ = rd.get<double>("incr_cutpoint");
    d.decr_cut_ = rd.get<double>("decr_cutpoint");
    for (sample* s : {&d.total_, &d.s1_incr_, &d.s2_incr_, &d.s1_decr_, &d.s2_decr_}) {
      const bool init = detail::read_flag(rd, name, "sample init");
      s->ewma = rd.get<double>("sample ewma");
      s->ibc = rd.get<double>("sample ibc");
      s->init = init;
      // EW means of 0/1 values stay in [0, 1] (a rounding step of slack); c stays in (0, 1]
      if (s->init
              ? !(s->ewma >= -1e-12 && s->ewma <= 1 + 1e-12 && s->ibc > 0 && s->ibc <= 1 + 1e-12)
              : (s->ewma != 0 || s->ibc != 1))
        detail::throw_invalid_argument("{}.deserialize: invalid sample (init {}, ewma {}, ibc {})",
                                       name, init, s->ewma, s->ibc);
    }
    const double inf = std::numeric_limits<double>::infinity();
    const bool started = d.total_.init;
    bool ok = started ? (std::isfinite(d.incr_cut_) && d.s1_incr_.init)
                      : (d.incr_cut_ == inf && !d.s1_incr_.init && !d.s2_incr_.init);
    if (two_sided)
      ok = ok && (started ? (std::isfinite(d.decr_cut_) && d.s1_decr_.init)
                          : (d.decr_cut_ == -inf && !d.s1_decr_.init && !d.s2_decr_.init));
    else
      ok = ok && d.decr_cut_ == -inf && !d.s1_decr_.init && !d.s2_decr_.init;
    if (!ok || (d.drift_pending_ && !started))
      detail::throw_invalid_argument("{}.deserialize: inconsistent cut points and samples", name);
    return d;
  }

 private:
  /// libm through an opaque value: the constant folder's log / pow could differ from
  /// libm's in the last bit (GCC even rewrites pow(x, 2) as x·x), and river's Python calls libm.
  static double libm_log(double v) noexcept {
    volatile double t = v;
    return std::log(t);
  }
  static double libm_pow(double v, double e) noexcept {
    volatile double t = e;
    return std::pow(v, t);
  }

  void add(sample& s, double x) const noexcept {
    s.ewma = s.init ? lambda_ * x + one_minus_lambda_ * s.ewma : x;
    s.init = true;
    s.ibc = lambda_sq_ + one_minus_lambda_sq_ * s.ibc;
  }

  /// river's _has_mean_changed(a, b): mean(b) − mean(a) > bound(c(a) + c(b)); sets drift
  /// at drift_confidence, else warning at warning_confidence.
  void changed(const sample& a, const sample& b, bool& drift, bool& warning) const noexcept {
    if (!a.init || !b.init) return;
    const double diff = b.ewma - a.ewma;
    const double c = a.ibc + b.ibc;
    // Fast path, bit-exact: c·ln(1/δ)/2 is river's own product for the smaller of the two
    // bounds (> 0); when diff <= 0 or diff² is clearly (2^-30 relative) below it, neither
    // test can pass. max(diff, 0) folds both into one well-predicted branch.
    const double d = diff > 0 ? diff : 0.0;
    if (d * d * (1 + 0x1p-30) < c * half_log_min_) return;
    if (diff > std::sqrt(c * half_log_drift_))
      drift = true;
    else if (diff > std::sqrt(c * half_log_warning_))
      warning = true;
  }

  double drift_confidence_, warning_confidence_, lambda_;
  bool two_sided_;
  bool drift_pending_ = false;
  double one_minus_lambda_ = 0, lambda_sq_ = 0, one_minus_lambda_sq_ = 0;
  double half_log_drift_ = 0, half_log_warning_ = 0, half_log_min_ = 0;
  double eps_ibc_ = -1, eps_ = 0;  // bound(c(T), drift_confidence), cached by c(T)
  sample total_, s1_incr_, s2_incr_, s1_decr_, s2_decr_;
  double incr_cut_ = std::numeric_limits<double>::infinity();
  double decr_cut_ = -std::numeric_limits<double>::infinity();
};

}  // namespace driftscope
