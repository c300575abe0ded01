#pragma once
/// @file
/// @brief hyperloglog: a mergeable distinct-count (cardinality) sketch in m bytes.
///
/// Algorithm: Flajolet, Fusy, Gandouet & Meunier (2007), "HyperLogLog: the analysis of a
/// near-optimal cardinality estimation algorithm". Each item is hashed to 64 bits
/// (core/hash.hpp); the top p bits choose one of m = 2^p registers, and the register
/// keeps the maximum over its items of the position of the first 1-bit in the remaining
/// q = 64 − p bits (1 .. q + 1; 0 = no item yet). Duplicates change nothing.
///
/// Estimator: Ertl (2017), "New cardinality estimation algorithms for HyperLogLog
/// sketches" (arXiv:1702.01284), the improved raw estimator of section 4 (Algorithm 6).
/// With C_k the number of registers equal to k,
///   n̂ = α∞ m² / ( m σ(C_0 / m) + Σ_{k=1..q} C_k 2^−k + m τ(1 − C_{q+1} / m) 2^−q ),
///   α∞ = 1 / (2 ln 2),  σ(x) = x + Σ_{k≥1} x^(2^k) 2^(k−1),
///   τ(x) = (1 − x − Σ_{k≥1} (1 − x^(2^−k))² 2^−k) / 3.
/// σ takes the place of the empty registers (linear counting in the limit) and τ that of
/// saturated ones, so one formula is nearly unbiased from n = 0 to beyond 10^18, with no
/// empirical bias tables or range switches (which Heule, Nunkesser & Hall 2013 need).
///
/// Accuracy: relative standard error ≈ 1.04 / √m (p = 12: 1.63%; p = 14: 0.81%; p = 18:
/// 0.20%), i.e. |n̂ − n| / n ≤ 2 · 1.04 / √m for about 95% of streams; for n much smaller
/// than m the estimate is close to exact (it behaves like linear counting, standard error
/// about n / √(2m) items: n = 100, p = 12 → ±1.1).
///
/// Memory: m bytes of registers (p = 12: 4 KiB), fixed at construction.
/// Update: O(1), no allocation. estimate(): O(m + q). merge(): O(m), register-wise max, so
/// merge(a, b) equals the sketch of the concatenated streams exactly.
///
/// Items: update(double) (-0.0 and 0.0 are one item, every NaN is one item),
/// update(std::int64_t), update(std::string_view) (any bytes). The double 1.0, the integer
/// 1 and the string "1" are three different items; feed one kind per sketch.
///
/// Example:
/// @code
///   driftscope::hyperloglog users(12);       // 4 KiB, ±1.6%
///   users.update(std::string_view("alice"));
///   users.update_many(ids.data(), ids.size());  // std::int64_t ids
///   double distinct = users.estimate();
/// @endcode
///
/// ## Serialized format (version 1), all little-endian, 8 + m bytes
///
/// | offset | size | field                                                |
/// |--------|------|------------------------------------------------------|
/// | 0      | 4    | magic: ASCII "DSHL"                                  |
/// | 4      | 1    | family id: 23 (hyperloglog)                          |
/// | 5      | 1    | format version: 1                                    |
/// | 6      | 1    | flags, reserved: 0                                   |
/// | 7      | 1    | p: log2 of the number of registers (4 .. 18)         |
/// | 8      | m    | registers, one byte each (0 .. 65 − p), index order  |
///
/// deserialize() throws std::out_of_range when truncated and std::invalid_argument when
/// corrupt (magic, family, version, flags, p out of range, a register above 65 − p,
/// trailing bytes).

#include <driftscope/core/bytes.hpp>
#include <driftscope/core/error.hpp>
#include <driftscope/core/hash.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace driftscope {

/// @brief HyperLogLog distinct-count sketch (Flajolet et al. 2007; Ertl 2017 estimator).
class hyperloglog {
 public:
  static constexpr int min_p = 4;
  static constexpr int max_p = 18;
  static constexpr int default_p = 12;

  static constexpr std::uint8_t serial_family = 23;
  static constexpr std::uint8_t serial_version = 1;
  static constexpr std::size_t serial_header_bytes = 8;

  /// @brief An empty sketch with 2^p registers.
  /// @param p log2 of the register count, in [4, 18] (relative standard error 1.04 / 2^(p/2)).
  /// @throws std::invalid_argument for p outside [4, 18].
  explicit hyperloglog(int p = default_p) {
    if (p < min_p || p > max_p)
      detail::throw_invalid_argument("hyperloglog: p must be in [{}, {}], got {}", min_p, max_p, p);
    p_ = p;
    registers_.assign(std::size_t{1} << p, std::uint8_t{0});
  }

  // --- updates -----------------------------------------------------------------------

  /// @brief Adds one item by its 64-bit hash (for callers with their own hash; it must be
  /// well mixed: every bit equally likely 0 or 1, independently).
  void update_hash(std::uint64_t h) noexcept {
    const std::size_t index = static_cast<std::size_t>(h >> (64 - p_));
    // the sentinel 1-bit just below the q hash bits caps the rank at q + 1
    const std::uint64_t rest = (h << p_) | (std::uint64_t{1} << (p_ - 1));
    const auto rank = static_cast<std::uint8_t>(count_leading_zeros(rest) + 1);
    std::uint8_t& r = registers_[index];
    r = rank > r ? rank : r;
  }

  /// @brief Adds a double (-0.0 counts as 0.0; all NaNs are one item).
  void update(double x) noexcept { update_hash(detail::hash64(x)); }
  /// @brief Adds a 64-bit integer.
  void update(std::int64_t x) noexcept { update_hash(detail::hash64(x)); }
  /// @brief Adds any other integer as a 64-bit integer (unsigned values keep their bits).
  template <class I, std::enable_if_t<std::is_integral<I>::value, int> = 0>
  void update(I x) noexcept {
    update(static_cast<std::int64_t>(x));
  }
  /// @brief Adds a string (its bytes).
  void update(std::string_view x) noexcept { update_hash(detail::hash64(x)); }
  void update(const std::string& x) noexcept { update(std::string_view(x)); }
  void update(const char* x) noexcept { update(std::string_view(x)); }

  /// @brief Adds `x[0..n)`: T = double or float (as double), an integer type (as int64),
  /// std::string or std::string_view.
  template <class T>
  void update_many(const T* x, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) update(as_item(x[i]));
  }
  template <class T>
  void update_many(const std::vector<T>& x) noexcept {
    update_many(x.data(), x.size());
  }

  /// @brief Adds the other sketch's items: register-wise maximum (exactly the sketch of
  /// both streams).
  /// @throws std::invalid_argument when p differs.
  void merge(const hyperloglog& other) {
    if (other.p_ != p_)
      detail::throw_invalid_argument("hyperloglog::merge: p must match, got {} and other.p {}", p_,
                                     other.p_);
    for (std::size_t i = 0; i < registers_.size(); ++i)
      registers_[i] = std::max(registers_[i], other.registers_[i]);
  }

  // --- queries -----------------------------------------------------------------------

  /// @brief The estimated number of distinct items (Ertl 2017, improved estimator);
  /// 0 for an empty sketch. Relative standard error ≈ 1.04 / √m.
  double estimate() const noexcept {
    const int q = 64 - p_;
    std::array<std::uint32_t, 66> hist{};  // C_0 .. C_{q+1}
    for (std::uint8_t r : registers_) ++hist[r];
    const double m = static_cast<double>(registers_.size());
    if (hist[0] == registers_.size()) return 0.0;
    double z = m * tau(1.0 - static_cast<double>(hist[static_cast<std::size_t>(q + 1)]) / m);
    for (int k = q; k >= 1; --k)
      z = 0.5 * (z + static_cast<double>(hist[static_cast<std::size_t>(k)]));
    z += m * sigma(static_cast<double>(hist[0]) / m);
    constexpr double alpha_inf = 0.72134752044448170368;  // 1 / (2 ln 2)
    return alpha_inf * m * m / z;
  }

  /// 1.04 / √m, the asymptotic relative standard error of estimate().
  double relative_standard_error() const noexcept {
    return 1.04 / std::sqrt(static_cast<double>(registers_.size()));
  }

  int p() const noexcept { return p_; }
  /// m = 2^p.
  std::size_t num_registers() const noexcept { return registers_.size(); }
  /// The registers (rank of the first 1-bit, 0 = empty), index order.
  const std::vector<std::uint8_t>& registers() const noexcept { return registers_; }
  /// True while no item has been added.
  bool is_empty() const noexcept {
    return std::all_of(registers_.begin(), registers_.end(), [](std::uint8_t r) { return r == 0; });
  }
  std::size_t memory_bytes() const noexcept { return sizeof(*this) + registers_.capacity(); }

  friend bool operator==(const hyperloglog& a, const hyperloglog& b) noexcept {
    return a.p_ == b.p_ && a.registers_ == b.registers_;
  }
  friend bool operator!=(const hyperloglog& a, const hyperloglog& b) noexcept { return !(a == b); }

  // --- bytes -------------------------------------------------------------------------

  std::size_t serialized_size_bytes() const noexcept {
    return serial_header_bytes + registers_.size();
  }

  std::vector<std::uint8_t> serialize() const {
    std::vector<std::uint8_t> out;
    out.reserve(serialized_size_bytes());
    detail::byte_writer w(out);
    detail::write_preamble(w, "DSHL", serial_family, serial_version);
    w.put(std::uint8_t{0});
    w.put(static_cast<std::uint8_t>(p_));
    w.put_array(registers_.data(), registers_.size());
    return out;
  }

  /// @throws std::out_of_range (truncated), std::invalid_argument (corrupt).
  static hyperloglog deserialize(const void* data, std::size_t size) {
    static constexpr const char* fn = "hyperloglog::deserialize";
    detail::byte_reader rd(data, size, fn);
    detail::read_preamble(rd, "DSHL", serial_family, serial_version, fn, "hyperloglog");
    if (rd.get<std::uint8_t>("flags") != 0)
      detail::throw_invalid_argument("{}: flags must be 0", fn);
    const int p = rd.get<std::uint8_t>("p");
    if (p < min_p || p > max_p)
      detail::throw_invalid_argument("{}: p must be in [{}, {}], got {}", fn, min_p, max_p, p);
    hyperloglog s(p);
    rd.get_array(s.registers_.data(), s.registers_.size(), "registers");
    const int max_rank = 65 - p;
    for (std::size_t i = 0; i < s.registers_.size(); ++i)
      if (s.registers_[i] > max_rank)
        detail::throw_invalid_argument(
            "{}: register {} is {}, above the maximum rank {} for p = {}", fn, i, s.registers_[i],
            max_rank, p);
    if (rd.remaining() != 0)
      detail::throw_invalid_argument("{}: {} trailing bytes after the registers", fn,
                                     rd.remaining());
    return s;
  }

 private:
  template <class T>
  static auto as_item(const T& v) noexcept {
    if constexpr (std::is_floating_point<T>::value) {
      return static_cast<double>(v);
    } else if constexpr (std::is_integral<T>::value) {
      return static_cast<std::int64_t>(v);
    } else {
      static_assert(std::is_convertible<const T&, std::string_view>::value,
                    "hyperloglog::update_many: items must be floating, integral or string-like");
      return std::string_view(v);
    }
  }

  static int count_leading_zeros(std::uint64_t x) noexcept {  // x != 0
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_clzll(x);
#else
    int n = 0;
    for (std::uint64_t bit = std::uint64_t{1} << 63; (x & bit) == 0; bit >>= 1) ++n;
    return n;
#endif
  }

  /// σ(x) = x + Σ_{k≥1} x^(2^k) 2^(k−1) (Ertl 2017, eq. 36); the series stops when a term
  /// no longer changes the sum. σ(1) = ∞ (all registers empty) is handled by the caller.
  static double sigma(double x) noexcept {
    if (x >= 1.0) return HUGE_VAL;
    double y = 1.0, z = x;
    for (;;) {
      x *= x;
      const double previous = z;
      z += x * y;
      y += y;
      if (z == previous) return z;
    }
  }

  /// τ(x) = (1 − x − Σ_{k≥1} (1 − x^(2^−k))² 2^−k) / 3 (Ertl 2017, eq. 40).
  static double tau(double x) noexcept {
    if (x <= 0.0 || x >= 1.0) return 0.0;
    double y = 1.0, z = 1.0 - x;
    for (;;) {
      x = std::sqrt(x);
      const double previous = z;
      y *= 0.5;
      z -= (1.0 - x) * (1.0 - x) * y;
      if (z == previous) return z / 3.0;
    }
  }

  int p_ = default_p;
  std::vector<std::uint8_t> registers_;
};

}  // namespace driftscope
