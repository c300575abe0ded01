#pragma once
/// @file
/// @brief The one pseudo-random generator behind every seeded result (permutation
/// p-values of anderson_ksamp and mmd): xoshiro256** seeded through splitmix64, with an
/// unbiased bounded draw.
///
/// Fully specified bit for bit (unlike std:: distributions, whose algorithms are
/// implementation-defined), so the same seed gives the same output on every machine and
/// a test can reimplement the stream in a few lines of Python.

#include <cstdint>

namespace driftscope::detail {

/// splitmix64 (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number
/// generators"): advances `state` and returns the next output; used to seed xoshiro256**.
inline std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// xoshiro256** 1.0 (Blackman & Vigna 2018, "Scrambled linear pseudorandom number
/// generators"), state = four successive splitmix64 outputs of the seed.
class xoshiro256ss {
 public:
  explicit xoshiro256ss(std::uint64_t seed) noexcept {
    std::uint64_t sm = seed;
    for (std::uint64_t& w : s_) w = splitmix64(sm);
  }

  std::uint64_t operator()() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform integer in [0, bound), bound >= 1: rejection of the lowest (2^64 mod bound)
  /// raw values, then modulo (exactly unbiased; OpenBSD arc4random_uniform's scheme).
  std::uint64_t bounded(std::uint64_t bound) noexcept {
    const std::uint64_t threshold = (0 - bound) % bound;  // (2^64 - bound) mod bound
    for (;;) {
      const std::uint64_t r = (*this)();
      if (r >= threshold) return r % bound;
    }
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4]{};
};

}  // namespace driftscope::detail
