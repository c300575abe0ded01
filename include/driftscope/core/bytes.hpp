#pragma once
/// @file
/// @brief Little-endian byte (de)serialization helpers for serialized state.
///
/// Every serialized object in driftscope is little-endian on every host (Apache
/// DataSketches convention). `byte_writer` appends fixed-width integers and IEEE-754
/// floats; `byte_reader` reads them back and throws std::out_of_range (naming the
/// caller and the field) when the buffer is too short.

#include <driftscope/core/error.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

namespace driftscope::detail {

/// True when the host stores integers little-endian (then bulk copies are plain memcpy).
inline constexpr bool host_is_little_endian =
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__)
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
#else
    true;  // MSVC targets are little-endian
#endif

/// Unsigned integer type with the same width as T (for floats: their bit pattern).
template <class T>
using uint_of = std::conditional_t<sizeof(T) == 8, std::uint64_t,
                                   std::conditional_t<sizeof(T) == 4, std::uint32_t,
                                                      std::conditional_t<sizeof(T) == 2, std::uint16_t,
                                                                         std::uint8_t>>>;

/// @brief Appends values to a byte vector in little-endian order.
class byte_writer {
 public:
  explicit byte_writer(std::vector<std::uint8_t>& out) : out_(out) {}

  /// Appends one arithmetic value (integer or float) as sizeof(T) little-endian bytes.
  template <class T>
  void put(T value) {
    static_assert(std::is_arithmetic<T>::value, "byte_writer::put: arithmetic types only");
    uint_of<T> bits;
    std::memcpy(&bits, &value, sizeof(T));
    for (std::size_t k = 0; k < sizeof(T); ++k)
      out_.push_back(static_cast<std::uint8_t>((bits >> (8 * k)) & 0xFFu));
  }

  /// Appends `n` values, each as sizeof(T) little-endian bytes.
  template <class T>
  void put_array(const T* values, std::size_t n) {
    static_assert(std::is_arithmetic<T>::value, "byte_writer::put_array: arithmetic types only");
    if (n == 0) return;
    if (host_is_little_endian) {
      const std::size_t at = out_.size();
      out_.resize(at + n * sizeof(T));
      std::memcpy(out_.data() + at, values, n * sizeof(T));
    } else {
      for (std::size_t i = 0; i < n; ++i) put(values[i]);
    }
  }

  /// Appends `n` zero bytes.
  void put_zeros(std::size_t n) { out_.insert(out_.end(), n, std::uint8_t{0}); }

 private:
  std::vector<std::uint8_t>& out_;
};

/// @brief Reads little-endian values from a byte buffer, with bounds checks.
class byte_reader {
 public:
  /// `what` names the caller in error messages (e.g. "reference_profile::deserialize").
  byte_reader(const void* data, std::size_t size, const char* what)
      : data_(static_cast<const std::uint8_t*>(data)), size_(size), what_(what) {
    if (data_ == nullptr && size_ != 0)
      throw_invalid_argument("{}: data is null but size is {}", what_, size_);
  }

  std::size_t position() const noexcept { return pos_; }
  std::size_t remaining() const noexcept { return size_ - pos_; }

  /// @throws std::out_of_range when fewer than `bytes` bytes remain for `field`.
  void require(std::size_t bytes, const char* field) const {
    if (bytes > remaining())
      throw_out_of_range("{}: truncated buffer: {} needs {} bytes at offset {}, only {} left", what_,
                         field, bytes, pos_, remaining());
  }

  /// @throws std::out_of_range unless `count` values of `elem_size` bytes remain
  /// (overflow-safe, so call it before allocating for them).
  void require_array(std::uint64_t count, std::size_t elem_size, const char* field) const {
    if (count > remaining() / elem_size)
      throw_out_of_range("{}: truncated buffer: {} needs {} values of {} bytes at offset {}, only {} bytes left",
                         what_, field, count, elem_size, pos_, remaining());
  }

  /// Reads one arithmetic value stored as sizeof(T) little-endian bytes.
  template <class T>
  T get(const char* field) {
    static_assert(std::is_arithmetic<T>::value, "byte_reader::get: arithmetic types only");
    require(sizeof(T), field);
    uint_of<T> bits = 0;
    for (std::size_t k = 0; k < sizeof(T); ++k)
      bits = static_cast<uint_of<T>>(bits | (static_cast<uint_of<T>>(data_[pos_ + k]) << (8 * k)));
    pos_ += sizeof(T);
    T value;
    std::memcpy(&value, &bits, sizeof(T));
    return value;
  }

  /// Reads `n` values into `out[0..n)`. The size check is overflow-safe.
  template <class T>
  void get_array(T* out, std::size_t n, const char* field) {
    static_assert(std::is_arithmetic<T>::value, "byte_reader::get_array: arithmetic types only");
    require_array(n, sizeof(T), field);
    if (n == 0) return;
    if (host_is_little_endian) {
      std::memcpy(out, data_ + pos_, n * sizeof(T));
      pos_ += n * sizeof(T);
    } else {
      for (std::size_t i = 0; i < n; ++i) out[i] = get<T>(field);
    }
  }

  void skip(std::size_t n, const char* field) {
    require(n, field);
    pos_ += n;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
  const char* what_;
};

/// @brief Writes the start every serialized object shares: 4-byte ASCII magic, family
/// id, format version (read back by read_preamble).
inline void write_preamble(byte_writer& w, const char (&magic)[5], std::uint8_t family, std::uint8_t version) {
  for (int i = 0; i < 4; ++i) w.put(static_cast<std::uint8_t>(magic[i]));
  w.put(family);
  w.put(version);
}

/// @brief Reads and checks the start every serialized object shares: its 4-byte ASCII
/// magic, family id and format version (DataSketches-style preamble).
/// @throws std::out_of_range when truncated; std::invalid_argument naming `fn` when the
///         magic (not a serialized `what`), the family id or the version differs.
inline void read_preamble(byte_reader& rd, const char (&magic)[5], std::uint8_t family, std::uint8_t version,
                          const char* fn, const char* what) {
  char got[4];
  for (char& c : got) c = static_cast<char>(rd.get<std::uint8_t>("magic"));
  if (std::memcmp(got, magic, 4) != 0) throw_invalid_argument("{}: bad magic, not a serialized {}", fn, what);
  const auto f = rd.get<std::uint8_t>("family id");
  if (f != family) throw_invalid_argument("{}: family id must be {}, got {}", fn, family, f);
  const auto v = rd.get<std::uint8_t>("version");
  if (v != version)
    throw_invalid_argument("{}: unsupported format version {} (this build reads version {})", fn, v, version);
}

}  // namespace driftscope::detail
