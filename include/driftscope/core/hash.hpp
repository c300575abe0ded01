#pragma once
/// @file
/// @brief 64-bit item hashes shared by the sketches that identify items (hyperloglog,
/// frequent_items): one well-mixed hash for doubles, 64-bit integers and byte strings,
/// the same on every machine (so serialized sketches mean the same everywhere).
///
/// - Integers: the splitmix64 output function (Steele, Lea & Flood 2014, "Fast splittable
///   pseudorandom number generators"; Stafford's "Mix13" finaliser) applied to the value
///   plus a per-type constant. The finaliser is a bijection of 64-bit words whose output
///   bits each depend on every input bit, so even consecutive integers give hashes that
///   look independent and uniform — what HyperLogLog's analysis assumes.
/// - Doubles: the IEEE-754 bit pattern after normalisation (-0.0 becomes 0.0, every NaN
///   the one quiet NaN 0x7ff8000000000000), so values that compare equal hash equal and
///   NaN is a single item.
/// - Byte strings: 8-byte little-endian words are folded in one at a time with a
///   multiply–xor–rotate step that is a bijection of the running state for a fixed word
///   and of the word for a fixed state (two same-length strings that differ in only one
///   word never collide); the tail is zero-padded, the length seeds the state, and the
///   splitmix64 finaliser mixes the result.
/// The three kinds use different constants, so the double 1.0, the integer 1 and the
/// string "1" are three different items. Not a cryptographic hash: an adversary who
/// knows it can make collisions.

#include <driftscope/core/bytes.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>

namespace driftscope::detail {

/// splitmix64's output function: a bijective 64-bit mixer with full avalanche.
constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

inline constexpr std::uint64_t hash_gamma = 0x9e3779b97f4a7c15ULL;        // 2^64 / golden ratio
inline constexpr std::uint64_t hash_int_salt = 0x6a09e667f3bcc908ULL;     // frac(sqrt 2)
inline constexpr std::uint64_t hash_double_salt = 0xbb67ae8584caa73bULL;  // frac(sqrt 3)
inline constexpr std::uint64_t hash_string_salt = 0x3c6ef372fe94f82bULL;  // frac(sqrt 5)

/// Hash of a 64-bit integer.
constexpr std::uint64_t hash64(std::int64_t v) noexcept {
  return mix64(static_cast<std::uint64_t>(v) + hash_int_salt + hash_gamma);
}

/// A double's bit pattern with -0.0 -> 0.0 and every NaN -> the canonical quiet NaN.
inline std::uint64_t canonical_bits(double v) noexcept {
  if (v == 0.0) return 0;  // +0.0 and -0.0
  if (v != v) return 0x7ff8000000000000ULL;
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits;
}

/// Hash of a double (equal values hash equal; all NaNs are one value).
inline std::uint64_t hash64(double v) noexcept {
  return mix64(canonical_bits(v) + hash_double_salt + hash_gamma);
}

/// Eight bytes at p as a little-endian word (the same value on every host).
inline std::uint64_t load_le64(const unsigned char* p) noexcept {
  std::uint64_t w;
  if (host_is_little_endian) {
    std::memcpy(&w, p, sizeof w);
  } else {
    w = 0;
    for (int k = 7; k >= 0; --k) w = (w << 8) | p[k];
  }
  return w;
}

/// Hash of a byte string.
inline std::uint64_t hash64(std::string_view s) noexcept {
  constexpr std::uint64_t word_mul = 0xc2b2ae3d27d4eb4fULL;   // odd: multiplication is a bijection
  constexpr std::uint64_t state_mul = 0x9fb21c651e98df25ULL;  // odd
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t n = s.size();
  std::uint64_t h = hash_string_salt ^ (static_cast<std::uint64_t>(n) * hash_gamma);
  auto fold = [&](std::uint64_t w) {
    h ^= w * word_mul;
    h = ((h << 29) | (h >> 35)) * state_mul;
  };
  for (; n >= 8; n -= 8, p += 8) fold(load_le64(p));
  if (n > 0) {
    std::uint64_t tail = 0;
    for (std::size_t k = 0; k < n; ++k) tail |= static_cast<std::uint64_t>(p[k]) << (8 * k);
    fold(tail);
  }
  return mix64(h + hash_gamma);
}

}  // namespace driftscope::detail
