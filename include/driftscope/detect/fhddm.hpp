#pragma once
/// @file
/// @brief FHDDM, the Fast Hoeffding Drift Detection Method (and its stacking variant with
/// a short window), with river 0.26's `drift.binary.FHDDM` arguments, defaults and drift
/// indices.
///
/// Pesaranghader, Viktor (2016), "Fast Hoeffding drift detection method for evolving data
/// streams", ECML-PKDD; the stacking variant (a second, short window) from Pesaranghader,
/// Viktor, Paquet (2018), "Reservoir of diverse adaptive learners and stacking fast
/// Hoeffding drift detection methods for evolving data streams". Input is 1 = error as
/// everywhere in driftscope; river's FHDDM watches the window mean of its input, so the
/// rule below is river's on the same stream.
/// Once the last W = sliding_window_size values since the last reset are at hand (every
/// update from the W-th on), u = (ones among them) / W, u_max = max u so far, and drift
/// when u_max − u > ε = √(ln(1/confidence_level) / (2W)). With short_window_size = S, the
/// same on the last S values with ε_s = √(ln(1/confidence_level) / (2S)); drift when either
/// window says so. No warning zone. State resets at the update after a drift.
///
/// Memory: O(W) bytes — a ring buffer of W bytes allocated at construction (the short
/// window reads the same ring). Cost: O(1) per value (running counts, one or two divisions).
///
/// Payload (after the detector header, little-endian):
/// | field               | type   | notes                                             |
/// |---------------------|--------|---------------------------------------------------|
/// | sliding_window_size | i64    | W >= 1                                            |
/// | confidence_level    | f64    | in (0, 1)                                         |
/// | short_window_size   | i64    | 0 = none, else 1 <= S <= W                        |
/// | drift pending       | u8     | 0 / 1                                             |
/// | t                   | u64    | values since the last reset                       |
/// | u_max, u_short_max  | f64    | in [0, 1] (u_short_max 0 without a short window)  |
/// | window              | W × u8 | the last min(t, W) values, oldest first, then 0s  |

#include <driftscope/detect/detector.hpp>

#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

namespace driftscope {

class fhddm : public detector_base<fhddm> {
 public:
  static constexpr detector_kind kind = detector_kind::fhddm;
  static constexpr const char* name = "FHDDM";
  /// Largest sliding_window_size accepted (the ring buffer holds one byte per value).
  static constexpr std::int64_t max_window_size = std::int64_t{1} << 32;

  /// @param sliding_window_size W, the window whose error rate is watched
  /// @param confidence_level δ of Hoeffding's bound (smaller: fewer drifts)
  /// @param short_window_size S for stacking FHDDM, or none
  /// @throws std::invalid_argument for W outside [1, 2^32], confidence_level outside (0, 1), or S
  ///         outside [1, W] (river crashes on such values).
  explicit fhddm(std::int64_t sliding_window_size = 100, double confidence_level = 0.000001,
                 std::optional<std::int64_t> short_window_size = std::nullopt,
                 nonfinite_policy nonfinite = nonfinite_policy::raise)
      : detector_base(nonfinite),
        w_(sliding_window_size),
        confidence_(confidence_level),
        s_(short_window_size ? *short_window_size : 0) {
    detail::require_at_least(sliding_window_size, 1, name, "sliding_window_size");
    if (sliding_window_size > max_window_size)
      detail::throw_invalid_argument(
          "{}: sliding_window_size must be <= {} (a ring of that many bytes is allocated), got {}",
          name, max_window_size, sliding_window_size);
    detail::require_open_unit(confidence_level, name, "confidence_level");
    if (short_window_size && (*short_window_size < 1 || *short_window_size > sliding_window_size))
      detail::throw_invalid_argument(
          "{}: short_window_size must be in [1, sliding_window_size={}] or None, got {}", name,
          sliding_window_size, *short_window_size);
    const double log_term = libm_log(1 / confidence_level);
    if (confidence_level < 1e-300)  // 1/confidence_level must stay finite
      detail::throw_invalid_argument("{}: confidence_level must be >= 1e-300, got {}", name,
                                     confidence_level);
    epsilon_ = std::sqrt(log_term / (2.0 * static_cast<double>(w_)));
    epsilon_s_ = s_ > 0 ? std::sqrt(log_term / (2.0 * static_cast<double>(s_))) : 0.0;
    ring_.assign(static_cast<std::size_t>(w_), 0);
    reset_state();
  }

  signal step(double x) {
    if (!((x == 0.0) | (x == 1.0)))
      detail::require_binary(x, name);  // one branch, not one per compare
    if (drift_pending_) reset_state();
    const std::uint8_t b = x != 0.0 ? 1 : 0;
    // Everything is read into locals before the ring write: a byte store may alias any
    // member, which would force the compiler to reload them all after it.
    std::uint8_t* const ring = ring_.data();
    const std::size_t size = ring_.size(), pos = pos_;
    const std::uint64_t t = t_;
    const auto w = static_cast<std::uint64_t>(w_);
    std::int64_t ones = ones_ + b;
    if (t >= w) ones -= ring[pos];  // the value W updates back leaves the window
    std::int64_t short_ones = short_ones_;
    std::size_t short_pos = short_pos_;
    const bool has_short = s_ > 0;
    if (has_short) {
      if (t >= static_cast<std::uint64_t>(s_)) short_ones -= ring[short_pos];
      short_ones += b;
      if (++short_pos == size) short_pos = 0;
    }
    const double u_max_old = u_max_, u_short_max_old = u_short_max_;
    const double eps = epsilon_, eps_s = epsilon_s_, wd = static_cast<double>(w_),
                 sd = static_cast<double>(s_);
    ring[pos] = b;
    ones_ = ones;
    short_ones_ = short_ones;
    short_pos_ = short_pos;
    pos_ = pos + 1 == size ? 0 : pos + 1;
    t_ = t + 1;
    if (t + 1 < w) return signal::none;
    const double u = static_cast<double>(ones) / wd;
    const double u_max = u_max_old < u ? u : u_max_old;
    u_max_ = u_max;
    bool drift = u_max - u > eps;
    if (has_short) {
      const double u_s = static_cast<double>(short_ones) / sd;
      const double u_short_max = u_short_max_old < u_s ? u_s : u_short_max_old;
      u_short_max_ = u_short_max;
      drift = drift || u_short_max - u_s > eps_s;
    }
    drift_pending_ = drift;
    return drift ? signal::drift : signal::none;
  }

  void reset_state() noexcept {
    t_ = 0;
    pos_ = 0;
    short_pos_ = s_ > 0 ? static_cast<std::size_t>(w_ - s_) : 0;  // S values behind pos_
    ones_ = short_ones_ = 0;
    u_max_ = u_short_max_ = 0;
    drift_pending_ = false;
  }

  // --- parameters and read-only state ------------------------------------------------
  std::int64_t sliding_window_size() const noexcept { return w_; }
  double confidence_level() const noexcept { return confidence_; }
  std::optional<std::int64_t> short_window_size() const noexcept {
    return s_ > 0 ? std::optional<std::int64_t>(s_) : std::nullopt;
  }
  /// Hoeffding bounds of the long and the short window (0 without one).
  double epsilon() const noexcept { return epsilon_; }
  double epsilon_s() const noexcept { return epsilon_s_; }
  /// Values since the last reset.
  std::uint64_t n() const noexcept { return t_; }
  /// river's n_one: ones in river's window after the update (the last W − 1 values once
  /// W were seen, all of them before).
  std::int64_t n_one() const noexcept {
    return t_ >= static_cast<std::uint64_t>(w_) ? ones_ - ring_[pos_] : ones_;
  }
  /// Largest window error rate seen (long and short window).
  double u_max() const noexcept { return u_max_; }
  double u_short_max() const noexcept { return u_short_max_; }

  void write_payload(detail::byte_writer& w) const {
    w.put(w_);
    w.put(confidence_);
    w.put(s_);
    w.put(static_cast<std::uint8_t>(drift_pending_));
    w.put(t_);
    w.put(u_max_);
    w.put(u_short_max_);
    // the last min(t, W) values oldest first, then zeros: W bytes in all
    const std::size_t kept = t_ < ring_.size() ? static_cast<std::size_t>(t_) : ring_.size();
    std::size_t at = (pos_ + ring_.size() - kept) % ring_.size();
    for (std::size_t k = 0; k < kept; ++k) {
      w.put(ring_[at]);
      if (++at == ring_.size()) at = 0;
    }
    w.put_zeros(ring_.size() - kept);
  }

  static fhddm read_payload(detail::byte_reader& rd) {
    const auto window = rd.get<std::int64_t>("sliding_window_size");
    const auto confidence = rd.get<double>("confidence_level");
    const auto short_window = rd.get<std::int64_t>("short_window_size");
    if (short_window < 0)
      detail::throw_invalid_argument(
          "{}.deserialize: short_window_size must be >= 0 (0 = none), got {}", name, short_window);
    if (window >= 1 && window <= max_window_size)
      rd.require_array(static_cast<std::uint64_t>(window), 1, "window");  // before allocating
    fhddm d(window, confidence,
            short_window > 0 ? std::optional<std::int64_t>(short_window) : std::nullopt);
    const bool pending = detail::read_flag(rd, name, "drift pending");
    d.t_ = rd.get<std::uint64_t>("t");
    d.u_max_ = rd.get<double>("u_max");
    d.u_short_max_ = rd.get<double>("u_short_max");
    rd.get_array(d.ring_.data(), d.ring_.size(), "window");
    const std::size_t kept =
        d.t_ < d.ring_.size() ? static_cast<std::size_t>(d.t_) : d.ring_.size();
    for (std::size_t k = 0; k < d.ring_.size(); ++k)
      if (d.ring_[k] > (k < kept ? 1 : 0))
        detail::throw_invalid_argument("{}.deserialize: window byte {} must be {}, got {}", name, k,
                                       k < kept ? "0 or 1" : "0 (padding)", d.ring_[k]);
    const bool full = d.t_ >= d.ring_.size();
    if (!(d.u_max_ >= 0 && d.u_max_ <= 1) || (!full && d.u_max_ != 0))
      detail::throw_invalid_argument(
          "{}.deserialize: u_max must be in [0, 1] (0 before the window fills), got {}", name,
          d.u_max_);
    if (!(d.u_short_max_ >= 0 && d.u_short_max_ <= 1) ||
        ((!full || d.s_ == 0) && d.u_short_max_ != 0))
      detail::throw_invalid_argument(
          "{}.deserialize: u_short_max must be in [0, 1] (0 unused), got {}", name, d.u_short_max_);
    if (pending && !full)
      detail::throw_invalid_argument("{}.deserialize: drift pending before the window fills", name);
    d.drift_pending_ = pending;
    // ring slots 0..kept-1 hold the values oldest first: the next write goes after them
    d.pos_ = kept % d.ring_.size();
    d.short_pos_ =
        d.s_ > 0 ? (d.pos_ + d.ring_.size() - static_cast<std::size_t>(d.s_)) % d.ring_.size() : 0;
    for (std::size_t k = 0; k < kept; ++k) d.ones_ += d.ring_[k];
    const std::size_t short_kept =
        kept < static_cast<std::size_t>(d.s_) ? kept : static_cast<std::size_t>(d.s_);
    for (std::size_t k = kept - short_kept; k < kept; ++k) d.short_ones_ += d.ring_[k];
    return d;
  }

 private:
  /// log through an opaque value: the constant folder's log could differ from libm's in
  /// the last bit, and river's Python calls libm.
  static double libm_log(double v) noexcept {
    volatile double t = v;
    return std::log(t);
  }

  std::int64_t w_;
  double confidence_;
  std::int64_t s_;  // 0 = no short window
  double epsilon_ = 0, epsilon_s_ = 0;
  bool drift_pending_ = false;
  std::uint64_t t_ = 0;
  std::size_t pos_ = 0, short_pos_ = 0;
  std::int64_t ones_ = 0, short_ones_ = 0;
  double u_max_ = 0, u_short_max_ = 0;
  std::vector<std::uint8_t> ring_;
};

}  // namespace driftscope
