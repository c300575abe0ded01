#pragma once
/// @file
/// @brief What every online change detector shares: the signal an update returns, the
/// detections of a batch, the non-finite input policy, and `detector_base`, the CRTP base
/// that turns a detector's `step(x)` into `update`, `update_many`, `reset`, flags and
/// versioned bytes — with no virtual call per value.
///
/// A detector watches one stream (errors 0/1, losses, residuals or a feature) and
/// signals a warning or a drift. Semantics shared by all detectors, as in river 0.26:
/// - `update(x)` returns the signal of that value; `drift_detected()` /
///   `warning_detected()` describe the last update.
/// - A detector that signalled drift resets its statistics at the *next* update, before
///   using that value (river's `if self.drift_detected: self._reset()`).
/// - `update_many(x, n)` reports the 0-based positions, within that call, of the values
///   at which drift and warning were signalled; it equals calling `update` on each value.
/// - Non-finite input (NaN, ±inf): `nonfinite_policy::raise` (default) throws
///   std::invalid_argument naming the detector and the position; `skip` ignores the value
///   (statistics unchanged, flags read "nothing detected", a pending reset stays pending).
///
/// Serialized layout (little-endian, DataSketches style): "DSDT" magic, detector kind id
/// (u8), format version (u8), non-finite policy (u8), last signal (u8), then the
/// detector's parameters and state. A restored detector continues exactly as the
/// original would. Truncated bytes throw std::out_of_range; corrupt bytes (bad magic,
/// wrong kind, invalid parameters, inconsistent state, trailing bytes) throw
/// std::invalid_argument.

#include <driftscope/core/bytes.hpp>
#include <driftscope/core/error.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace driftscope {

/// @brief What one update signals.
enum class signal : std::uint8_t {
  none = 0,     ///< no change
  warning = 1,  ///< a change may be starting (detectors with a warning zone)
  drift = 2,    ///< a change is detected; the detector resets at the next update
};

inline const char* to_string(signal s) noexcept {
  switch (s) {
    case signal::none: return "none";
    case signal::warning: return "warning";
    case signal::drift: return "drift";
  }
  return "?";
}

/// @brief The detections of one `update_many` call: 0-based positions within the call.
struct detections {
  std::vector<std::uint64_t> drifts;
  std::vector<std::uint64_t> warnings;
};

/// @brief What a detector does with NaN or ±inf input.
enum class nonfinite_policy : std::uint8_t {
  raise = 0,  ///< throw std::invalid_argument (the default)
  skip = 1,   ///< ignore the value
};

/// @brief Parses "raise" / "skip". @throws std::invalid_argument naming `nonfinite`.
inline nonfinite_policy parse_nonfinite_policy(std::string_view s) {
  if (s == "raise") return nonfinite_policy::raise;
  if (s == "skip") return nonfinite_policy::skip;
  detail::throw_invalid_argument("nonfinite must be 'raise' or 'skip', got '{}'", s);
}

inline const char* to_string(nonfinite_policy p) noexcept {
  return p == nonfinite_policy::skip ? "skip" : "raise";
}

/// @brief Serialized kind ids (one per detector class; never reuse a retired id).
enum class detector_kind : std::uint8_t {
  adwin = 1,
  kswin = 2,
  page_hinkley = 3,
  ddm = 4,
  eddm = 5,
  hddm_a = 6,
  hddm_w = 7,
  fhddm = 8,
  cusum = 9,
  geometric_moving_average = 10,
  ewma_chart = 11,
  stepd = 12,
  rddm = 13,
};

namespace detail {

/// Throws unless x is 0 or 1 (binary detectors: 1 = error).
inline void require_binary(double x, const char* detector) {
  if (x != 0.0 && x != 1.0)
    throw_invalid_argument("{}: input must be 0 or 1 (1 = error), got {}", detector, x);
}

/// Constructor checks shared by detectors.
inline void require_open_unit(double v, const char* detector, const char* name) {
  if (!(v > 0.0 && v < 1.0)) throw_invalid_argument("{}: {} must be in (0, 1), got {}", detector, name, v);
}
inline void require_positive(double v, const char* detector, const char* name) {
  if (!(v > 0.0) || !std::isfinite(v)) throw_invalid_argument("{}: {} must be > 0 and finite, got {}", detector, name, v);
}
inline void require_nonnegative(double v, const char* detector, const char* name) {
  if (!(v >= 0.0) || !std::isfinite(v))
    throw_invalid_argument("{}: {} must be >= 0 and finite, got {}", detector, name, v);
}
inline void require_at_least(std::int64_t v, std::int64_t min_value, const char* detector, const char* name) {
  if (v < min_value) throw_invalid_argument("{}: {} must be >= {}, got {}", detector, name, min_value, v);
}

inline constexpr std::uint8_t detector_serial_version = 1;

/// Reads a serialized bool (one byte, 0 or 1). @throws std::invalid_argument otherwise.
inline bool read_flag(byte_reader& rd, const char* detector, const char* field) {
  const auto v = rd.get<std::uint8_t>(field);
  if (v > 1) throw_invalid_argument("{}.deserialize: {} must be 0 or 1, got {}", detector, field, v);
  return v != 0;
}

}  // namespace detail

/// @brief CRTP base of every detector.
///
/// `Derived` provides:
/// - `static constexpr detector_kind kind;` and `static constexpr const char* name;`
/// - `signal step(double x)`: one finite value; returns the signal (and checks binary input);
/// - `void reset_state()`: back to the freshly constructed state (parameters kept);
/// - `void write_payload(detail::byte_writer&) const`: parameters, then state;
/// - `static Derived read_payload(detail::byte_reader&)`: the inverse, validating
///   parameters through the constructor and state for consistency.
template <class Derived>
class detector_base {
 public:
  /// @brief Feeds one value; returns what it signals.
  /// @throws std::invalid_argument for non-finite x under `nonfinite_policy::raise`, or
  ///         invalid input for the detector (non-binary for binary detectors).
  signal update(double x) {
    if (!std::isfinite(x)) {
      if (policy_ == nonfinite_policy::raise)
        detail::throw_invalid_argument("{}.update: x must be finite, got {} (pass nonfinite='skip' to ignore such values)",
                                       Derived::name, x);
      last_ = signal::none;
      return last_;
    }
    last_ = self().step(x);
    return last_;
  }

  /// @brief Feeds x[0..n); appends the positions (0-based within this call) of drift
  /// and warning signals to `out`. Same results as n calls of update().
  template <class T>
  void update_many(const T* x, std::size_t n, detections& out) {
    // Run on a local (moved in, moved back even when a value throws): a detector that lives
    // on the heap (e.g. owned by Python) would otherwise have its state stored and reloaded
    // around every value, as the vectors' pushes might alias it: twice the cost per value.
    struct move_back {
      Derived& home;
      Derived& local;
      ~move_back() { home = std::move(local); }
    };
    Derived local(std::move(self()));
    const move_back guard{self(), local};
    detector_base& d = local;
    for (std::size_t i = 0; i < n; ++i) {
      const double v = static_cast<double>(x[i]);
      signal s;
      if (std::isfinite(v)) {
        s = local.step(v);
      } else {
        if (d.policy_ == nonfinite_policy::raise)
          detail::throw_invalid_argument("{}.update_many: x[{}] must be finite, got {} (pass nonfinite='skip' to ignore such values)",
                                         Derived::name, i, v);
        s = signal::none;
      }
      d.last_ = s;
      if (s == signal::drift)
        out.drifts.push_back(i);
      else if (s == signal::warning)
        out.warnings.push_back(i);
    }
  }

  template <class T>
  detections update_many(const T* x, std::size_t n) {
    detections out;
    update_many(x, n, out);
    return out;
  }

  template <class T>
  detections update_many(const std::vector<T>& x) {
    return update_many(x.data(), x.size());
  }

  /// @brief Forgets everything seen; parameters and policy are kept.
  void reset() {
    self().reset_state();
    last_ = signal::none;
  }

  bool drift_detected() const noexcept { return last_ == signal::drift; }
  bool warning_detected() const noexcept { return last_ == signal::warning; }
  signal last_signal() const noexcept { return last_; }
  nonfinite_policy nonfinite() const noexcept { return policy_; }
  void set_nonfinite(nonfinite_policy p) noexcept { policy_ = p; }

  /// @brief Parameters and state as versioned little-endian bytes (layout: file comment).
  std::vector<std::uint8_t> serialize() const {
    std::vector<std::uint8_t> out;
    detail::byte_writer w(out);
    for (char c : {'D', 'S', 'D', 'T'}) w.put(static_cast<std::uint8_t>(c));
    w.put(static_cast<std::uint8_t>(Derived::kind));
    w.put(detail::detector_serial_version);
    w.put(static_cast<std::uint8_t>(policy_));
    w.put(static_cast<std::uint8_t>(last_));
    self().write_payload(w);
    return out;
  }

  /// @brief Restores a detector from serialize()'s bytes.
  /// @throws std::out_of_range (truncated), std::invalid_argument (corrupt).
  static Derived deserialize(const void* data, std::size_t size) {
    detail::byte_reader rd(data, size, Derived::name);
    rd.require(8, "header");
    char magic[4];
    for (char& c : magic) c = static_cast<char>(rd.get<std::uint8_t>("magic"));
    if (std::memcmp(magic, "DSDT", 4) != 0)
      detail::throw_invalid_argument("{}.deserialize: bad magic, not a serialized detector", Derived::name);
    const auto kind = rd.get<std::uint8_t>("kind");
    if (kind != static_cast<std::uint8_t>(Derived::kind))
      detail::throw_invalid_argument("{}.deserialize: bytes hold detector kind {}, expected {}", Derived::name, kind,
                                     static_cast<int>(Derived::kind));
    const auto version = rd.get<std::uint8_t>("version");
    if (version != detail::detector_serial_version)
      detail::throw_invalid_argument("{}.deserialize: unsupported format version {} (this build reads version {})",
                                     Derived::name, version, detail::detector_serial_version);
    const auto policy = rd.get<std::uint8_t>("nonfinite policy");
    if (policy > 1) detail::throw_invalid_argument("{}.deserialize: nonfinite policy must be 0 or 1, got {}", Derived::name, policy);
    const auto last = rd.get<std::uint8_t>("last signal");
    if (last > 2) detail::throw_invalid_argument("{}.deserialize: last signal must be 0, 1 or 2, got {}", Derived::name, last);
    Derived d = Derived::read_payload(rd);
    if (rd.remaining() != 0)
      detail::throw_invalid_argument("{}.deserialize: {} trailing bytes after the detector state", Derived::name,
                                     rd.remaining());
    d.policy_ = static_cast<nonfinite_policy>(policy);
    d.last_ = static_cast<signal>(last);
    return d;
  }

 protected:
  explicit detector_base(nonfinite_policy p = nonfinite_policy::raise) noexcept : policy_(p) {}

 private:
  Derived& self() noexcept { return static_cast<Derived&>(*this); }
  const Derived& self() const noexcept { return static_cast<const Derived&>(*this); }

  nonfinite_policy policy_;
  signal last_ = signal::none;
};

}  // namespace driftscope
