#pragma once
/// @file
/// @brief router: sticky traffic assignment for canary, shadow and blue-green deployments
/// (the seed notes' deployment patterns), by hashing a request or user id to basis points.
///
/// ## Assignment
/// `bucket(id, salt)` = MurmurHash3 x86_32 (Appleby 2011) of the id's bytes with the seed
/// MurmurHash3 x86_32(salt, 0), modulo 10,000: a basis point in [0, 10000). The hash is
/// the public reference algorithm (test vectors ("", 0) → 0, ("", 1) → 0x514E28B7,
/// ("hello", 0) → 0x248BFA47), so any service in any language assigns the same ids alike;
/// C++ and Python call this one function.
///
/// - **canary**: a request goes to the canary when its bucket (experiment salt) is below
///   the canary weight in basis points. Raising the weight only adds buckets, so ramps are
///   monotone: an id in the canary at 5 % stays in at 25 % (sticky users, no flip-flops).
/// - **shadow** (mirroring): independently, a request is mirrored to the shadow model when
///   its bucket under the shadow salt (default: salt + ":shadow") is below the shadow
///   weight; a mirrored request is also served by the primary arm (its shadow output is
///   compared, never used).
/// - **blue-green**: two environments, one active; the canary arm is the standby: with a
///   canary weight of 0 every request goes to the active one. `promote()` cuts over (the
///   standby becomes active, canary weight 0). `rollback()` sets the canary weight to 0 and,
///   when the last change was a cut-over (promote or switch_to), makes the previous
///   environment active again; during a canary it only takes the canary's traffic away.
///
/// Weights are percentages in [0, 100] with up to two decimals (basis points); a weight
/// that is not a whole number of basis points is rounded down. Cost: one MurmurHash3 pass
/// over the id (about 1 ns per 4 bytes) per decision; no allocation.
///
/// @code
///   driftscope::router r({"exp-42"});
///   r.set_canary_weight(5);
///   auto d = r.route("user-1234");   // d.arm: baseline or canary; d.mirror: also to the shadow
/// @endcode

#include <driftscope/core/error.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

namespace driftscope {

/// @brief MurmurHash3 x86_32 of `key` with `seed` (Appleby's reference algorithm; bytes
/// read little-endian, so every platform agrees).
inline std::uint32_t murmur3_x86_32(std::string_view key, std::uint32_t seed = 0) noexcept {
  constexpr std::uint32_t c1 = 0xcc9e2d51u, c2 = 0x1b873593u;
  const auto rotl = [](std::uint32_t x, int r) { return (x << r) | (x >> (32 - r)); };
  const auto* p = reinterpret_cast<const unsigned char*>(key.data());
  const std::size_t n = key.size(), blocks = n / 4;
  std::uint32_t h = seed;
  for (std::size_t i = 0; i < blocks; ++i) {
    const unsigned char* b = p + 4 * i;
    std::uint32_t k = static_cast<std::uint32_t>(b[0]) | (static_cast<std::uint32_t>(b[1]) << 8) |
                      (static_cast<std::uint32_t>(b[2]) << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
    k *= c1;
    k = rotl(k, 15);
    k *= c2;
    h ^= k;
    h = rotl(h, 13);
    h = h * 5 + 0xe6546b64u;
  }
  const unsigned char* tail = p + 4 * blocks;
  std::uint32_t k = 0;
  switch (n & 3u) {  // the tail bytes, highest first
    case 3: k ^= static_cast<std::uint32_t>(tail[2]) << 16; [[fallthrough]];
    case 2: k ^= static_cast<std::uint32_t>(tail[1]) << 8; [[fallthrough]];
    case 1:
      k ^= tail[0];
      k *= c1;
      k = rotl(k, 15);
      k *= c2;
      h ^= k;
      break;
    default: break;
  }
  h ^= static_cast<std::uint32_t>(n);  // the length mod 2^32, as the reference
  h ^= h >> 16;                         // fmix32
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

/// Basis points in a whole: a bucket is in [0, 10000).
inline constexpr std::uint32_t basis_points = 10000;

/// @brief The basis-point bucket of `id` under `salt` (see the file comment).
inline std::uint32_t assignment_bucket(std::string_view id, std::string_view salt) noexcept {
  return murmur3_x86_32(id, murmur3_x86_32(salt, 0)) % basis_points;
}

/// @brief The two environments of a blue-green deployment.
enum class deploy_color : std::uint8_t { blue, green };
inline const char* to_string(deploy_color c) noexcept { return c == deploy_color::blue ? "blue" : "green"; }

/// @brief Which arm serves a request.
enum class deploy_arm : std::uint8_t { baseline, canary };
inline const char* to_string(deploy_arm a) noexcept { return a == deploy_arm::baseline ? "baseline" : "canary"; }

/// @brief A routing decision.
struct route_decision {
  deploy_arm arm = deploy_arm::baseline;    ///< who serves the request
  deploy_color color = deploy_color::blue;  ///< the environment serving it (active = baseline, standby = canary)
  bool mirror = false;                      ///< also send it to the shadow model (output compared, not used)
  std::uint32_t bucket = 0;                 ///< the id's canary bucket in [0, 10000)
};

/// @brief Options of a router.
struct router_options {
  std::string salt = "driftscope";   ///< per-experiment salt: a new salt reshuffles who is in the canary
  std::string shadow_salt;           ///< mirroring's salt; empty = salt + ":shadow"
  double canary_weight = 0;          ///< percent of ids served by the canary, [0, 100]
  double shadow_weight = 0;          ///< percent of ids mirrored to the shadow, [0, 100]
  deploy_color active = deploy_color::blue;

  /// @throws std::invalid_argument naming `fn` and the field.
  void validate(const char* fn = "router_options") const {
    check_weight(canary_weight, fn, "canary_weight");
    check_weight(shadow_weight, fn, "shadow_weight");
  }
  static void check_weight(double w, const char* fn, const char* what) {
    if (!(w >= 0 && w <= 100))
      detail::throw_invalid_argument("{}: {} must be a percentage in [0, 100], got {}", fn, what, w);
  }
};

/// @brief Sticky canary / shadow / blue-green assignment (see the file comment).
class router {
 public:
  /// @throws std::invalid_argument for weights outside [0, 100].
  explicit router(router_options options = {})
      : options_((options.validate("router"), std::move(options))),
        canary_seed_(murmur3_x86_32(options_.salt, 0)),
        shadow_seed_(murmur3_x86_32(options_.shadow_salt.empty() ? options_.salt + ":shadow" : options_.shadow_salt, 0)),
        canary_bp_(to_bp(options_.canary_weight)),
        shadow_bp_(to_bp(options_.shadow_weight)),
        active_(options_.active) {}

  /// @brief The decision for request / user `id`.
  route_decision route(std::string_view id) const noexcept {
    route_decision d;
    d.bucket = murmur3_x86_32(id, canary_seed_) % basis_points;
    d.arm = d.bucket < canary_bp_ ? deploy_arm::canary : deploy_arm::baseline;
    d.color = d.arm == deploy_arm::baseline ? active_ : other(active_);
    d.mirror = murmur3_x86_32(id, shadow_seed_) % basis_points < shadow_bp_;
    return d;
  }

  /// @brief Sets the canary's share (percent). @throws std::invalid_argument outside [0, 100].
  void set_canary_weight(double percent) {
    router_options::check_weight(percent, "router::set_canary_weight", "weight");
    if (percent > 0) cut_over_ = false;  // a new canary: rollback() now takes its traffic away
    options_.canary_weight = percent;
    canary_bp_ = to_bp(percent);
  }
  /// @brief Sets the mirrored share (percent). @throws std::invalid_argument outside [0, 100].
  void set_shadow_weight(double percent) {
    router_options::check_weight(percent, "router::set_shadow_weight", "weight");
    options_.shadow_weight = percent;
    shadow_bp_ = to_bp(percent);
  }
  double canary_weight() const noexcept { return options_.canary_weight; }
  double shadow_weight() const noexcept { return options_.shadow_weight; }
  std::uint32_t canary_basis_points() const noexcept { return canary_bp_; }

  /// The environment serving the baseline arm.
  deploy_color active() const noexcept { return active_; }
  deploy_color standby() const noexcept { return other(active_); }
  /// @brief Makes `color` active (no-op if it already is).
  void switch_to(deploy_color color) noexcept {
    if (color == active_) return;
    active_ = color;
    cut_over_ = true;
  }
  /// @brief Blue-green cut-over: the standby becomes active and the canary weight returns to 0.
  void promote() noexcept {
    switch_to(standby());
    options_.canary_weight = 0;
    canary_bp_ = 0;
  }
  /// @brief Canary weight 0; after a cut-over, the previous environment active again.
  void rollback() noexcept {
    if (cut_over_) active_ = standby();
    cut_over_ = false;
    options_.canary_weight = 0;
    canary_bp_ = 0;
  }
  /// True when the last change was a cut-over (rollback() would switch back).
  bool cut_over() const noexcept { return cut_over_; }

  /// The options as of now (weights and the active color included).
  router_options options() const {
    router_options o = options_;
    o.active = active_;
    return o;
  }

 private:
  static deploy_color other(deploy_color c) noexcept {
    return c == deploy_color::blue ? deploy_color::green : deploy_color::blue;
  }
  static std::uint32_t to_bp(double percent) noexcept {
    // round down to whole basis points; + 1e-9 so that 0.29 % (0.29 * 100 = 28.999...) is 29 bp
    return static_cast<std::uint32_t>(std::floor(percent * 100.0 + 1e-9));
  }

  router_options options_;
  std::uint32_t canary_seed_, shadow_seed_;
  std::uint32_t canary_bp_, shadow_bp_;
  deploy_color active_;
  bool cut_over_ = false;
};

}  // namespace driftscope
