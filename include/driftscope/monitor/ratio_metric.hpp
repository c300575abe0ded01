#pragma once
/// @file
/// @brief ratio_metric: a ratio that keeps its numerator and denominator counts
/// (clicks / impressions, errors / requests, retries / requests), with a confidence
/// interval and a minimum-volume guard before anything alerts on it; mergeable and
/// serializable.
///
/// Two kinds:
///  - `proportion` (default): each denominator unit is a trial and the numerator counts
///    successes, so the running numerator never exceeds the running denominator
///    (click-through rate, error rate). The interval is the Wilson score interval
///    (Wilson 1927, "Probable inference, the law of succession, and statistical
///    inference", JASA 22): with p̂ = k/n and z = Φ⁻¹(1 − (1 − confidence)/2),
///      center = (p̂ + z²/2n) / (1 + z²/n),
///      half   = z·sqrt(p̂(1 − p̂)/n + z²/4n²) / (1 + z²/n),
///    which matches statsmodels.stats.proportion.proportion_confint(k, n, alpha,
///    method='wilson'); unlike the Wald interval it stays inside [0, 1] and is usable at
///    k = 0 or k = n.
///  - `rate`: the numerator counts events per denominator unit and may exceed it (retries
///    per request). The interval is the Poisson score interval for the rate λ = k/n
///    (the Wilson construction for a Poisson count: solve (k − λn)² = z²·λn):
///      ((k + z²/2) ∓ z·sqrt(k + z²/4)) / n,
///    which matches statsmodels.stats.rates.confint_poisson(k, n, alpha, method='score').
///    wilson_interval() refuses a rate (a Wilson interval is for proportions); interval()
///    picks the right one for the kind.
///
/// Coverage: both score intervals are approximate; their coverage is close to the nominal
/// level for n·p ≳ 5 (Brown, Cai & DasGupta 2001 for Wilson) and conservative-to-nominal
/// for small counts — one more reason for the volume guard.
///
/// Minimum-volume guard: `ready()` is false until the denominator reaches
/// `min_volume` (at least 1), and `alert_value()` is NaN ("no data": alert rules treat it
/// as no evaluation) until then, so a 1-of-3 click-through rate on a quiet minute does not
/// page anyone. `value()` is the plain ratio and throws std::domain_error while the
/// denominator is 0.
///
/// Bad input: a negative count → std::invalid_argument; for a proportion, an add that
/// would make the numerator exceed the denominator → std::invalid_argument (nothing is
/// added); counts that would overflow 64 bits → std::invalid_argument.
///
/// Merge: the counts add (exact); both metrics must have the same kind and min_volume.
/// Memory: 33 bytes of state; add() is two additions and two comparisons.
///
/// ## Serialized format (version 1), little-endian, 33 bytes
/// | offset | size | field                                  |
/// |--------|------|----------------------------------------|
/// | 0      | 4    | magic: ASCII "DSRT"                    |
/// | 4      | 1    | family id: 43 (ratio_metric)           |
/// | 5      | 1    | format version: 1                      |
/// | 6      | 2    | flags, reserved: 0                     |
/// | 8      | 1    | kind: 0 proportion, 1 rate             |
/// | 9      | 8    | min_volume (u64)                       |
/// | 17     | 8    | numerator (u64)                        |
/// | 25     | 8    | denominator (u64)                      |
/// Truncated bytes throw std::out_of_range; corrupt ones (magic, family, version, flags,
/// kind, a proportion with numerator > denominator, trailing bytes) std::invalid_argument.
///
/// Example:
/// @code
///   driftscope::ratio_metric ctr({driftscope::ratio_kind::proportion, 500});
///   ctr.add(clicks, impressions);
///   if (ctr.ready()) { auto ci = ctr.wilson_interval(0.95); ... }
/// @endcode

#include <driftscope/core/bytes.hpp>
#include <driftscope/core/error.hpp>

#include <boost/math/distributions/normal.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

namespace driftscope {

/// @brief What the numerator counts relative to the denominator.
enum class ratio_kind : std::uint8_t {
  proportion = 0,  ///< successes out of trials: numerator <= denominator (Wilson interval)
  rate = 1,        ///< events per unit, may exceed 1 (Poisson score interval)
};

inline const char* to_string(ratio_kind k) noexcept { return k == ratio_kind::rate ? "rate" : "proportion"; }

/// @brief Parses "proportion" / "rate". @throws std::invalid_argument naming `kind`.
inline ratio_kind parse_ratio_kind(std::string_view s) {
  if (s == "proportion") return ratio_kind::proportion;
  if (s == "rate") return ratio_kind::rate;
  detail::throw_invalid_argument("kind must be 'proportion' or 'rate', got '{}'", s);
}

/// @brief Options of ratio_metric.
struct ratio_options {
  ratio_kind kind = ratio_kind::proportion;
  std::uint64_t min_volume = 100;  ///< denominator needed before ready() (0 acts as 1)

  /// @throws std::invalid_argument naming `fn` for an unknown kind.
  void validate(const char* fn = "ratio_options") const {
    if (kind != ratio_kind::proportion && kind != ratio_kind::rate)
      detail::throw_invalid_argument("{}: kind must be proportion (0) or rate (1), got {}", fn,
                                     static_cast<unsigned>(kind));
  }
};

/// @brief A two-sided confidence interval for the ratio.
struct ratio_interval {
  double lower = 0;
  double upper = 0;
  double confidence = 0;
};

/// @brief A counted ratio with interval and volume guard (see the file comment).
class ratio_metric {
 public:
  static constexpr std::uint8_t serial_family = 43;
  static constexpr std::uint8_t serial_version = 1;
  static constexpr std::size_t serialized_bytes = 33;

  /// @throws std::invalid_argument for invalid options.
  explicit ratio_metric(const ratio_options& options = {}) : options_(options) { options_.validate("ratio_metric"); }

  /// @brief Adds `numerator` events over `denominator` units (either may be 0, e.g.
  /// add(0, 1) for an impression and add(1, 0) for its click).
  /// @throws std::invalid_argument for a negative count, a proportion whose numerator
  ///         would exceed its denominator, or a 64-bit overflow (nothing is added).
  void add(std::int64_t numerator, std::int64_t denominator) {
    static constexpr const char* fn = "ratio_metric::add";
    if (numerator < 0) detail::throw_invalid_argument("{}: numerator must be >= 0, got {}", fn, numerator);
    if (denominator < 0) detail::throw_invalid_argument("{}: denominator must be >= 0, got {}", fn, denominator);
    const auto num = static_cast<std::uint64_t>(numerator);
    const auto den = static_cast<std::uint64_t>(denominator);
    constexpr auto top = std::numeric_limits<std::uint64_t>::max();
    if (num > top - num_ || den > top - den_)
      detail::throw_invalid_argument("{}: the counts would overflow 64 bits", fn);
    if (options_.kind == ratio_kind::proportion && num_ + num > den_ + den)
      detail::throw_invalid_argument("{}: a proportion's numerator ({}) would exceed its denominator ({}); use kind "
                                     "'rate' for ratios that can exceed 1 (e.g. retries per request)",
                                     fn, num_ + num, den_ + den);
    num_ += num;
    den_ += den;
  }

  const ratio_options& options() const noexcept { return options_; }
  ratio_kind kind() const noexcept { return options_.kind; }
  std::uint64_t min_volume() const noexcept { return options_.min_volume; }
  std::uint64_t numerator() const noexcept { return num_; }
  std::uint64_t denominator() const noexcept { return den_; }

  /// @brief numerator / denominator.
  /// @throws std::domain_error when the denominator is 0.
  double value() const {
    check_denominator("value");
    return static_cast<double>(num_) / static_cast<double>(den_);
  }

  /// True when the denominator has reached max(1, min_volume).
  bool ready() const noexcept { return den_ >= std::max<std::uint64_t>(1, options_.min_volume); }

  /// @brief value() once ready(), NaN ("no data") before: what alert rules should read.
  double alert_value() const noexcept {
    return ready() ? static_cast<double>(num_) / static_cast<double>(den_) : std::numeric_limits<double>::quiet_NaN();
  }

  /// @brief The Wilson score interval of a proportion at `confidence` (matches
  /// statsmodels proportion_confint(method='wilson') with alpha = 1 − confidence).
  /// @throws std::invalid_argument for a rate metric or confidence outside (0, 1);
  ///         std::domain_error when the denominator is 0.
  ratio_interval wilson_interval(double confidence = 0.95) const {
    static constexpr const char* fn = "ratio_metric::wilson_interval";
    if (options_.kind != ratio_kind::proportion)
      detail::throw_invalid_argument("{}: a rate metric (the numerator may exceed the denominator) has no Wilson "
                                     "interval; use interval(), the Poisson score interval", fn);
    const double z = z_score(confidence, fn);
    check_denominator("wilson_interval");
    const double n = static_cast<double>(den_);
    const double p = static_cast<double>(num_) / n;
    const double z2 = z * z;
    const double scale = 1.0 + z2 / n;
    const double center = (p + z2 / (2 * n)) / scale;
    const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / scale;
    return ratio_interval{std::max(0.0, center - half), std::min(1.0, center + half), confidence};
  }

  /// @brief The Poisson score interval of the rate numerator / denominator (matches
  /// statsmodels confint_poisson(method='score') with alpha = 1 − confidence).
  /// @throws std::invalid_argument for confidence outside (0, 1); std::domain_error when
  ///         the denominator is 0.
  ratio_interval poisson_interval(double confidence = 0.95) const {
    const double z = z_score(confidence, "ratio_metric::poisson_interval");
    check_denominator("poisson_interval");
    const double k = static_cast<double>(num_);
    const double n = static_cast<double>(den_);
    const double center = k + z * z / 2;
    const double half = z * std::sqrt(k + z * z / 4);
    return ratio_interval{std::max(0.0, (center - half) / n), (center + half) / n, confidence};
  }

  /// @brief The kind's interval: Wilson for a proportion, Poisson score for a rate.
  ratio_interval interval(double confidence = 0.95) const {
    return options_.kind == ratio_kind::proportion ? wilson_interval(confidence) : poisson_interval(confidence);
  }

  /// @brief Adds `other`'s counts. @throws std::invalid_argument when the kind or
  /// min_volume differ, or the counts would overflow.
  void merge(const ratio_metric& other) {
    if (other.options_.kind != options_.kind || other.options_.min_volume != options_.min_volume)
      detail::throw_invalid_argument("ratio_metric::merge: other has kind {} / min_volume {}, this has {} / {}",
                                     to_string(other.options_.kind), other.options_.min_volume,
                                     to_string(options_.kind), options_.min_volume);
    constexpr auto top = std::numeric_limits<std::uint64_t>::max();
    if (other.num_ > top - num_ || other.den_ > top - den_)
      detail::throw_invalid_argument("ratio_metric::merge: the counts would overflow 64 bits");
    num_ += other.num_;
    den_ += other.den_;
  }

  /// @brief Forgets the counts (a new window); keeps the options.
  void reset() noexcept { num_ = den_ = 0; }

  std::size_t serialized_size_bytes() const noexcept { return serialized_bytes; }

  std::vector<std::uint8_t> serialize() const {
    std::vector<std::uint8_t> out;
    out.reserve(serialized_bytes);
    detail::byte_writer w(out);
    detail::write_preamble(w, "DSRT", serial_family, serial_version);
    w.put_zeros(2);
    w.put(static_cast<std::uint8_t>(options_.kind));
    w.put(options_.min_volume);
    w.put(num_);
    w.put(den_);
    return out;
  }

  /// @throws std::out_of_range (truncated), std::invalid_argument (corrupt).
  static ratio_metric deserialize(const void* data, std::size_t size) {
    static constexpr const char* fn = "ratio_metric::deserialize";
    detail::byte_reader rd(data, size, fn);
    rd.require(serialized_bytes, "state");
    detail::read_preamble(rd, "DSRT", serial_family, serial_version, fn, "ratio_metric");
    for (int i = 0; i < 2; ++i)
      if (rd.get<std::uint8_t>("flags") != 0) detail::throw_invalid_argument("{}: flag bytes must be 0", fn);
    const auto kind = rd.get<std::uint8_t>("kind");
    if (kind > 1) detail::throw_invalid_argument("{}: kind must be 0 (proportion) or 1 (rate), got {}", fn, kind);
    ratio_metric m(ratio_options{static_cast<ratio_kind>(kind), rd.get<std::uint64_t>("min_volume")});
    m.num_ = rd.get<std::uint64_t>("numerator");
    m.den_ = rd.get<std::uint64_t>("denominator");
    if (rd.remaining() != 0) detail::throw_invalid_argument("{}: {} trailing bytes after the state", fn, rd.remaining());
    if (m.options_.kind == ratio_kind::proportion && m.num_ > m.den_)
      detail::throw_invalid_argument("{}: a proportion's numerator {} exceeds its denominator {}", fn, m.num_, m.den_);
    return m;
  }

 private:
  void check_denominator(const char* what) const {
    if (den_ == 0)
      detail::throw_domain_error("ratio_metric::{}: the denominator is 0 (no volume yet: numerator {})", what, num_);
  }

  /// z = Φ⁻¹(1 − (1 − confidence) / 2). @throws std::invalid_argument outside (0, 1).
  static double z_score(double confidence, const char* fn) {
    if (!(confidence > 0 && confidence < 1))
      detail::throw_invalid_argument("{}: confidence must be in (0, 1), got {}", fn, confidence);
    return boost::math::quantile(boost::math::complement(boost::math::normal_distribution<double>(),
                                                         (1 - confidence) / 2));
  }

  ratio_options options_;
  std::uint64_t num_ = 0;
  std::uint64_t den_ = 0;
};

}  // namespace driftscope
