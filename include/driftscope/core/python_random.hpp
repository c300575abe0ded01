#pragma once
/// @file
/// @brief CPython 3.11's `random.Random` reproduced bit for bit: the MT19937 Mersenne
/// Twister seeded from a Python int, `random()`, `getrandbits(k)`, `_randbelow(n)` and
/// `sample(range(n), k)`.
///
/// Why: river's KSWIN draws its reference sample with `random.Random(seed).sample`; to give
/// river's detections for the same seed we must draw the same indices.
///
/// References (behaviour reproduced, code written from the descriptions):
/// - M. Matsumoto & T. Nishimura (1998), "Mersenne Twister: a 623-dimensionally
///   equidistributed uniform pseudorandom number generator", ACM TOMACS 8(1); the
///   2002-01-26 reference code's `init_genrand` / `init_by_array` / `genrand_int32` /
///   `genrand_res53`, which CPython's Modules/_randommodule.c uses unchanged.
/// - CPython 3.11 Modules/_randommodule.c `random_seed`: an int seed n is replaced by
///   |n|, split into 32-bit words least significant first, as many as its bit length
///   needs (at least one, so 0 -> {0}), and fed to init_by_array. `getrandbits(k)`:
///   k <= 32 takes the top k bits of one output; larger k fills 32-bit words from the least
///   significant up, the last (most significant) word keeping its top bits.
/// - CPython 3.11 Lib/random.py: `_randbelow(n)` draws getrandbits(n.bit_length()) until
///   the value is < n; `sample(population, k)` keeps a pool (a list copy, each pick
///   moving the last unpicked element into the hole) when n <= setsize, with
///   setsize = 21, plus 4 ** ceil(log(3k, 4)) when k > 5; else it redraws
///   `_randbelow(n)` until the index was not picked before (a set).
///
/// Memory: 624 32-bit words of state plus the index (2.5 KB). `sample` uses a caller-owned
/// scratch vector of O(k) words (the pool, at most 21 + 12k entries, or an open-addressing
/// set of the next power of two >= 2k entries) that is reused: no allocation once warmed up.
/// Cost: one tempering per 32-bit output, a 624-word regeneration every 624 outputs.
///
/// Example:
/// @code
///   driftscope::python_random rng(42);          // random.Random(42)
///   double u = rng.random();                    // rng.random()
///   std::vector<std::uint64_t> idx = rng.sample(70, 30);  // rng.sample(range(70), 30)
/// @endcode

#include <driftscope/core/error.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace driftscope {

/// @brief CPython 3.11's `random.Random` (MT19937): same seed, same outputs.
class python_random {
 public:
  static constexpr std::size_t state_size = 624;  ///< N of MT19937

  /// @brief `random.Random(seed)` for a non-negative int seed (pass |seed| for a negative
  /// one: CPython uses the absolute value).
  explicit python_random(std::uint64_t seed = 0) noexcept { seed_u64(seed); }

  /// @brief `random.Random(n)` where n = Σ words[i]·2^(32·i) (|n| as little-endian 32-bit
  /// words). High zero words are ignored (CPython uses n's bit length), and an empty or
  /// all-zero key is the seed 0.
  python_random(const std::uint32_t* words, std::size_t count) noexcept {
    seed_words(words, count);
  }

  /// @brief Re-seeds as `self.seed(seed)` with an int seed >= 0.
  void seed_u64(std::uint64_t seed) noexcept {
    const std::uint32_t key[2] = {static_cast<std::uint32_t>(seed),
                                  static_cast<std::uint32_t>(seed >> 32)};
    seed_words(key, 2);
  }

  /// @brief Re-seeds from |n| given as little-endian 32-bit words (see the constructor).
  void seed_words(const std::uint32_t* words, std::size_t count) noexcept {
    while (count > 1 && words[count - 1] == 0) --count;  // CPython: only the bit length's words
    static const std::uint32_t zero = 0;
    if (count == 0) {
      words = &zero;
      count = 1;
    }
    init_by_array(words, count);
  }

  /// @brief The next 32-bit output (MT19937's genrand_int32).
  std::uint32_t next_u32() noexcept {
    if (index_ >= state_size) regenerate();
    return temper(mt_[index_++]);
  }

  /// @brief `random()`: a double in [0, 1) with 53 random bits (27 from one output, 26 from
  /// the next), as CPython's random_random / MT's genrand_res53.
  double random() noexcept {
    const std::uint32_t a = next_u32() >> 5, b = next_u32() >> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
  }

  /// @brief `getrandbits(k)` for 0 <= k <= 64.
  /// @throws std::invalid_argument for k > 64 (the Python int would not fit).
  std::uint64_t getrandbits(unsigned k) {
    if (k > 64)
      detail::throw_invalid_argument("python_random.getrandbits: k must be <= 64, got {}", k);
    if (k == 0) return 0;
    if (k <= 32) return next_u32() >> (32 - k);
    // words from least to most significant; the last keeps its top (k - 32) bits
    const std::uint64_t lo = next_u32();
    const std::uint64_t hi = next_u32() >> (64 - k);
    return lo | (hi << 32);
  }

  /// @brief `_randbelow(n)`: uniform in [0, n) by rejection on getrandbits(bit_length(n)).
  /// @throws std::invalid_argument for n == 0.
  std::uint64_t randbelow(std::uint64_t n) {
    if (n == 0) detail::throw_invalid_argument("python_random.randbelow: n must be > 0, got 0");
    return randbelow_unchecked(n, bit_length(n));
  }

  /// @brief `sample(range(n), k)`: k distinct indices in [0, n), in CPython's order, into
  /// out[0..k). `scratch` is reused between calls (pool or set storage).
  /// @throws std::invalid_argument if k > n.
  void sample(std::uint64_t n, std::uint64_t k, std::uint64_t* out,
              std::vector<std::uint64_t>& scratch) {
    if (k > n)
      detail::throw_invalid_argument(
          "python_random.sample: sample larger than population (k={}, n={})", k, n);
    if (k == 0) return;
    if (uses_pool(n, k)) {
      // list(range(n)); pick pool[j], move the last unpicked element into the hole
      if (scratch.size() < n) scratch.resize(static_cast<std::size_t>(n));
      std::uint64_t* pool = scratch.data();
      for (std::uint64_t i = 0; i < n; ++i) pool[i] = i;
      if (n <= 0xFFFFFFFFULL) {
        // The same draws without a data-dependent branch: one 32-bit output per step, a
        // rejected draw (r >= m) turns the step into a no-op (swap of pool[m-1] with itself).
        std::uint64_t i = 0, m = n;
        std::size_t at = index_;  // the generator's index kept in a register
        while (i < k) {
          if (at >= state_size) {
            regenerate();
            at = 0;
          }
          const std::uint64_t r = temper(mt_[at++]) >> (32 - bit_length(m));
          const bool ok = r < m;
          const std::uint64_t j = ok ? r : m - 1;
          out[i] = pool[j];  // rewritten by the next step when rejected
          pool[j] = pool[m - 1];
          i += ok;
          m -= ok;
        }
        index_ = at;
        return;
      }
      for (std::uint64_t i = 0; i < k; ++i) {
        const std::uint64_t m = n - i;
        const std::uint64_t j = randbelow_unchecked(m, bit_length(m));
        out[i] = pool[j];
        pool[j] = pool[m - 1];
      }
      return;
    }
    // selected-set branch: the bit length of n is fixed, the set an open-addressing table
    std::size_t size = 8;
    while (size < 2 * k) size *= 2;
    if (scratch.size() < size) scratch.resize(size);
    std::uint64_t* table = scratch.data();
    for (std::size_t i = 0; i < size; ++i) table[i] = empty_slot;
    const unsigned bits = bit_length(n);
    const std::size_t mask = size - 1;
    for (std::uint64_t i = 0; i < k; ++i) {
      for (;;) {
        const std::uint64_t j = randbelow_unchecked(n, bits);
        std::size_t s = slot_of(j, mask);
        while (table[s] != empty_slot && table[s] != j) s = (s + 1) & mask;
        if (table[s] == j) continue;  // already picked: draw again
        table[s] = j;
        out[i] = j;
        break;
      }
    }
  }

  /// @brief `sample(range(n), k)` as a new vector (allocates; see the scratch overload).
  std::vector<std::uint64_t> sample(std::uint64_t n, std::uint64_t k) {
    std::vector<std::uint64_t> out(k > n ? 0 : static_cast<std::size_t>(k)), scratch;
    sample(n, k, out.data(), scratch);
    return out;
  }

  /// @brief Whether `sample(range(n), k)` takes CPython's pool branch (n <= setsize)
  /// rather than the selected-set branch.
  static bool uses_pool(std::uint64_t n, std::uint64_t k) noexcept {
    // setsize = 21 (+ 4 ** ceil(log(k * 3, 4)) when k > 5), with math.log's float
    // division as Python computes it (3k is never a power of 4, so this is the exact
    // ceiling for any k that fits in memory).
    std::uint64_t setsize = 21;
    if (k > 5) {
      const double e = std::ceil(std::log(static_cast<double>(k) * 3.0) / std::log(4.0));
      if (e >= 32) return true;  // 4**e >= 2**64 > n
      setsize += std::uint64_t{1} << (2 * static_cast<unsigned>(e));
    }
    return n <= setsize;
  }

  // --- state (for serialization) -------------------------------------------------------
  /// The 624 state words (CPython's getstate()[1][:624]).
  const std::array<std::uint32_t, state_size>& state() const noexcept { return mt_; }
  /// The position of the next word, 0..624 (getstate()[1][624]).
  std::size_t index() const noexcept { return index_; }

  /// @brief Sets the state as CPython's setstate.
  /// @throws std::invalid_argument if index > 624.
  void set_state(const std::uint32_t* words, std::size_t index) {
    if (index > state_size)
      detail::throw_invalid_argument("python_random: state index must be <= 624, got {}", index);
    for (std::size_t i = 0; i < state_size; ++i) mt_[i] = words[i];
    index_ = index;
  }

  friend bool operator==(const python_random& a, const python_random& b) noexcept {
    return a.index_ == b.index_ && a.mt_ == b.mt_;
  }
  friend bool operator!=(const python_random& a, const python_random& b) noexcept {
    return !(a == b);
  }

  /// Number of bits of n (Python's int.bit_length()).
  static unsigned bit_length(std::uint64_t n) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    return n == 0 ? 0U : 64U - static_cast<unsigned>(__builtin_clzll(n));
#else
    unsigned b = 0;
    while (n != 0) {
      ++b;
      n >>= 1;
    }
    return b;
#endif
  }

 private:
  static constexpr std::uint64_t empty_slot =
      ~std::uint64_t{0};  // never an index (< n <= 2^64 - 1)

  static std::size_t slot_of(std::uint64_t j, std::size_t mask) noexcept {
    return static_cast<std::size_t>((j * 0x9e3779b97f4a7c15ULL) >> 32) & mask;
  }

  /// MT19937's output tempering.
  static std::uint32_t temper(std::uint32_t y) noexcept {
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= y >> 18;
    return y;
  }

  /// _randbelow with k = bit_length(n) precomputed (n > 0, k <= 64).
  std::uint64_t randbelow_unchecked(std::uint64_t n, unsigned k) noexcept {
    for (;;) {
      std::uint64_t r;
      if (k <= 32) {
        r = next_u32() >> (32 - k);  // k >= 1 since n > 0
      } else {
        const std::uint64_t lo = next_u32();
        r = lo | ((static_cast<std::uint64_t>(next_u32()) >> (64 - k)) << 32);
      }
      if (r < n) return r;
    }
  }

  void init_genrand(std::uint32_t s) noexcept {
    mt_[0] = s;
    for (std::size_t i = 1; i < state_size; ++i)
      mt_[i] = 1812433253U * (mt_[i - 1] ^ (mt_[i - 1] >> 30)) + static_cast<std::uint32_t>(i);
    index_ = state_size;
  }

  void init_by_array(const std::uint32_t* key, std::size_t key_length) noexcept {
    init_genrand(19650218U);
    std::size_t i = 1, j = 0;
    for (std::size_t k = state_size > key_length ? state_size : key_length; k > 0; --k) {
      mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1664525U)) + key[j] +
               static_cast<std::uint32_t>(j);
      ++i;
      ++j;
      if (i >= state_size) {
        mt_[0] = mt_[state_size - 1];
        i = 1;
      }
      if (j >= key_length) j = 0;
    }
    for (std::size_t k = state_size - 1; k > 0; --k) {
      mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1566083941U)) -
               static_cast<std::uint32_t>(i);
      ++i;
      if (i >= state_size) {
        mt_[0] = mt_[state_size - 1];
        i = 1;
      }
    }
    mt_[0] = 0x80000000U;  // MSB set: a non-zero state
  }

  void regenerate() noexcept {
    constexpr std::size_t n = state_size, m = 397;
    constexpr std::uint32_t upper = 0x80000000U, lower = 0x7fffffffU, matrix_a = 0x9908b0dfU;
    auto twist = [&](std::size_t kk, std::size_t next, std::size_t far) {
      const std::uint32_t y = (mt_[kk] & upper) | (mt_[next] & lower);
      mt_[kk] = mt_[far] ^ (y >> 1) ^ ((y & 1U) ? matrix_a : 0U);
    };
    std::size_t kk = 0;
    for (; kk < n - m; ++kk) twist(kk, kk + 1, kk + m);
    for (; kk < n - 1; ++kk) twist(kk, kk + 1, kk + m - n);
    twist(n - 1, 0, m - 1);
    index_ = 0;
  }

  std::array<std::uint32_t, state_size> mt_{};
  std::size_t index_ = state_size;
};

}  // namespace driftscope
