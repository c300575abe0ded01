#pragma once
/// @file
/// @brief msprt_gate: a sequential test of the difference of two arms' means (or rates) that
/// may be checked after every batch without inflating the false-positive rate — the
/// mixture sequential probability ratio test with always-valid p-values (Johari, Koomen,
/// Pekelis & Walsh 2017, "Peeking at A/B tests").
///
/// A fixed-horizon test checked repeatedly while a canary runs rejects a true null far more
/// often than α (the peeking problem). The mSPRT instead tracks, after every update, the
/// likelihood ratio of the observed difference θ̂ = mean_B − mean_A against H0: θ = θ0,
/// mixed over a normal prior θ − θ0 ~ N(0, τ²):
///   Λ = √(v / (v + τ²)) · exp(τ² (θ̂ − θ0)² / (2 v (v + τ²))),   v = σ_A² / n_A + σ_B² / n_B,
/// the Gaussian form of Johari et al.'s statistic (with n_A = n_B = n and σ_A = σ_B = σ,
/// v = 2σ²/n as in their paper). The always-valid p-value is p = min(1, min over all checks
/// of 1/Λ); by Ville's inequality P(p ever ≤ α | H0) ≤ α, however often it is checked.
///
/// Variances: given (`variance_a` / `variance_b`, e.g. p(1 − p) of a baseline rate), or NaN
/// to plug in each arm's running sample variance (the usual practice; then the guarantee
/// holds asymptotically). τ² sets where the test has most power: a squared effect size of
/// interest (`tau2`, default 1 in the units of the data squared). p is 1 until both arms
/// have 2 values.
///
/// O(1) per value (Welford moments per arm), mergeable (moments; the running minimum of two
/// gates' histories is not the history of their union, so a merged gate restarts its
/// minimum at the merged statistic). Memory: two 48-byte moments, the options, Λ and p.
///
/// ## Serialized format (version 1), little-endian, 168 bytes
/// | size | field                                                              |
/// |------|--------------------------------------------------------------------|
/// | 8    | preamble "DSMG", family 51, version 1, flags 0, reserved 0         |
/// | 8    | tau2 (f64)                                                         |
/// | 8    | theta0 (f64)                                                       |
/// | 8    | alpha (f64)                                                        |
/// | 8    | variance_a (f64; NaN = the sample variance)                        |
/// | 8    | variance_b (f64; NaN = the sample variance)                        |
/// | 56   | arm A's moments ("DSMO", no missing values)                        |
/// | 56   | arm B's moments ("DSMO", no missing values)                        |
/// | 8    | p: the running minimum of 1/Λ (f64, in [0, 1])                     |
/// Λ is not stored: it is recomputed from the moments (the same arithmetic as update()), and
/// deserialize() refuses a p above min(1, 1/Λ) — a running minimum includes the last value.

#include <driftscope/core/bytes.hpp>
#include <driftscope/core/error.hpp>
#include <driftscope/sketch/moments.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace driftscope {

/// @brief Options of msprt_gate.
struct msprt_options {
  double tau2 = 1.0;        ///< mixing variance τ² > 0 (squared effect of interest)
  double theta0 = 0.0;      ///< the null difference mean_B − mean_A
  double alpha = 0.05;      ///< the level of reject()
  double variance_a = std::numeric_limits<double>::quiet_NaN();  ///< known σ_A², NaN = sample variance
  double variance_b = std::numeric_limits<double>::quiet_NaN();  ///< known σ_B², NaN = sample variance

  /// @throws std::invalid_argument naming `fn` and the field.
  void validate(const char* fn = "msprt_options") const {
    if (!(tau2 > 0) || !std::isfinite(tau2)) detail::throw_invalid_argument("{}: tau2 must be > 0, got {}", fn, tau2);
    if (!std::isfinite(theta0)) detail::throw_invalid_argument("{}: theta0 must be finite, got {}", fn, theta0);
    if (!(alpha > 0 && alpha < 1)) detail::throw_invalid_argument("{}: alpha must be in (0, 1), got {}", fn, alpha);
    for (double v : {variance_a, variance_b})
      if (!std::isnan(v) && !(v > 0 && std::isfinite(v)))
        detail::throw_invalid_argument("{}: a known variance must be > 0 (or NaN to estimate it), got {}", fn, v);
  }
};

/// @brief Always-valid sequential test of two arms' means (see the file comment).
class msprt_gate {
 public:
  static constexpr std::uint8_t serial_family = 51;
  static constexpr std::uint8_t serial_version = 1;
  static constexpr std::size_t serialized_bytes = 168;

  /// @throws std::invalid_argument for invalid options.
  explicit msprt_gate(msprt_options options = {}) : options_((options.validate("msprt_gate"), options)) {}

  /// @brief Adds values to arm A (baseline) or B (canary) and updates the p-value.
  /// @throws std::invalid_argument for NaN / inf (nothing is added then).
  void add_a(const double* x, std::size_t n) { add(a_, x, n, "add_a"); }
  void add_b(const double* x, std::size_t n) { add(b_, x, n, "add_b"); }
  void add_a(double x) { add_a(&x, 1); }
  void add_b(double x) { add_b(&x, 1); }

  /// The always-valid p-value (running minimum of 1/Λ, at most 1).
  double pvalue() const noexcept { return p_; }
  /// True once pvalue() <= alpha: the arms differ (stop, roll back or promote).
  bool reject() const noexcept { return p_ <= options_.alpha; }
  /// The current likelihood ratio Λ (1 before both arms have 2 values).
  double likelihood_ratio() const noexcept { return lambda_; }
  /// θ̂ = mean_B − mean_A. @throws std::domain_error when an arm is empty.
  double difference() const {
    if (a_.count() == 0 || b_.count() == 0) detail::throw_domain_error("msprt_gate::difference: an arm has no values");
    return b_.mean() - a_.mean();
  }
  const moments& arm_a() const noexcept { return a_; }
  const moments& arm_b() const noexcept { return b_; }
  const msprt_options& options() const noexcept { return options_; }

  /// @brief Adds another gate's values (same options); the p-value restarts from the merged Λ.
  /// @throws std::invalid_argument when the options differ.
  void merge(const msprt_gate& other) {
    const msprt_options& o = other.options_;
    const auto same = [](double x, double y) { return (std::isnan(x) && std::isnan(y)) || x == y; };
    if (o.tau2 != options_.tau2 || o.theta0 != options_.theta0 || o.alpha != options_.alpha ||
        !same(o.variance_a, options_.variance_a) || !same(o.variance_b, options_.variance_b))
      detail::throw_invalid_argument("msprt_gate::merge: the gates' options differ");
    a_.merge(other.a_);
    b_.merge(other.b_);
    p_ = 1.0;
    update();
  }

  std::size_t serialized_size_bytes() const noexcept { return serialized_bytes; }

  std::vector<std::uint8_t> serialize() const {
    std::vector<std::uint8_t> out;
    out.reserve(serialized_bytes);
    detail::byte_writer w(out);
    detail::write_preamble(w, "DSMG", serial_family, serial_version);
    w.put_zeros(2);
    for (double v : {options_.tau2, options_.theta0, options_.alpha, options_.variance_a, options_.variance_b}) w.put(v);
    for (const moments* m : {&a_, &b_}) {
      const std::vector<std::uint8_t> b = m->serialize();
      w.put_array(b.data(), b.size());
    }
    w.put(p_);
    return out;
  }

  /// @throws std::out_of_range (truncated), std::invalid_argument (corrupt: options, moments,
  /// missing values, a p outside [0, 1] or above 1/Λ, trailing bytes).
  static msprt_gate deserialize(const void* data, std::size_t size) {
    static constexpr const char* fn = "msprt_gate::deserialize";
    detail::byte_reader rd(data, size, fn);
    detail::read_preamble(rd, "DSMG", serial_family, serial_version, fn, "msprt_gate");
    if (rd.get<std::uint8_t>("flags") != 0 || rd.get<std::uint8_t>("reserved") != 0)
      detail::throw_invalid_argument("{}: flag bytes must be 0", fn);
    msprt_options o;
    o.tau2 = rd.get<double>("tau2");
    o.theta0 = rd.get<double>("theta0");
    o.alpha = rd.get<double>("alpha");
    o.variance_a = rd.get<double>("variance_a");
    o.variance_b = rd.get<double>("variance_b");
    o.validate(fn);
    msprt_gate g(o);
    for (moments* m : {&g.a_, &g.b_}) {
      rd.require(moments::serialized_bytes, "moments");
      *m = moments::deserialize(static_cast<const std::uint8_t*>(data) + rd.position(), moments::serialized_bytes);
      rd.skip(moments::serialized_bytes, "moments");
      if (m->missing() != 0) detail::throw_invalid_argument("{}: an arm counts {} missing values", fn, m->missing());
      if (m->count() > 0 && !(std::isfinite(m->min()) && std::isfinite(m->max())))
        detail::throw_invalid_argument("{}: an arm holds values that are not finite", fn);
    }
    const double p = rd.get<double>("p");
    if (rd.remaining() != 0) detail::throw_invalid_argument("{}: {} trailing bytes", fn, rd.remaining());
    const double ll = g.log_lambda();
    if (!std::isnan(ll)) g.lambda_ = std::exp(ll);
    const double bound = std::isnan(ll) ? 1.0 : std::min(1.0, std::exp(-ll));
    if (!(p >= 0 && p <= bound))
      detail::throw_invalid_argument("{}: p must be in [0, min(1, 1/likelihood ratio) = {}], got {}", fn, bound, p);
    g.p_ = p;
    return g;
  }

 private:
  void add(moments& arm, const double* x, std::size_t n, const char* fn) {
    for (std::size_t i = 0; i < n; ++i)
      if (!std::isfinite(x[i]))
        detail::throw_invalid_argument("msprt_gate::{}: values must be finite, got {} at {}", fn, x[i], i);
    arm.update_many(x, n);
    update();
  }
  /// log Λ of the current moments, NaN while undefined (an arm with fewer than 2 values, or
  /// both arms constant so far: no evidence either way).
  double log_lambda() const {
    if (a_.count() < 2 || b_.count() < 2) return std::numeric_limits<double>::quiet_NaN();
    const double va = std::isnan(options_.variance_a) ? a_.variance(1) : options_.variance_a;
    const double vb = std::isnan(options_.variance_b) ? b_.variance(1) : options_.variance_b;
    const double v = va / static_cast<double>(a_.count()) + vb / static_cast<double>(b_.count());
    if (!(v > 0)) return std::numeric_limits<double>::quiet_NaN();
    const double t2 = options_.tau2, d = b_.mean() - a_.mean() - options_.theta0;
    return 0.5 * std::log(v / (v + t2)) + t2 * d * d / (2 * v * (v + t2));
  }
  void update() {
    const double ll = log_lambda();
    if (std::isnan(ll)) return;
    lambda_ = std::exp(ll);
    p_ = std::min(p_, std::min(1.0, std::exp(-ll)));
  }

  msprt_options options_;
  moments a_, b_;
  double lambda_ = 1.0;
  double p_ = 1.0;
};

}  // namespace driftscope
