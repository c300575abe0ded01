#pragma once
/// @file
/// @brief detail::json: the small JSON writer behind every JSON document the library emits
/// (the drift report, the canary judge's result): fmt buffers, RFC 8259 string escaping
/// (quote, backslash, control characters as \uXXXX or the short forms; UTF-8 passes
/// through, invalid UTF-8 bytes become U+FFFD), numbers in the shortest form that reads back
/// to the same double (always with a '.' or an exponent, so they read back as floats), NaN
/// and ±inf as null.

#include <fmt/format.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>
#include <vector>

namespace driftscope {

namespace detail::json {

using buffer = fmt::memory_buffer;

inline void raw(buffer& b, std::string_view s) { b.append(s.data(), s.data() + s.size()); }

/// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is invalid.
inline std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t len = 0;
  std::uint32_t cp = 0;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F;
  else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F;
  else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07;
  else return 0;
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  // overlong forms, surrogates and values past U+10FFFF are invalid
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

inline void string(buffer& b, std::string_view s) {
  b.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    switch (c) {
      case '"': raw(b, "\\\""); ++i; continue;
      case '\\': raw(b, "\\\\"); ++i; continue;
      case '\n': raw(b, "\\n"); ++i; continue;
      case '\r': raw(b, "\\r"); ++i; continue;
      case '\t': raw(b, "\\t"); ++i; continue;
      case '\b': raw(b, "\\b"); ++i; continue;
      case '\f': raw(b, "\\f"); ++i; continue;
      default: break;
    }
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      fmt::format_to(std::back_inserter(b), "\\u{:04x}", static_cast<unsigned>(u));
      ++i;
      continue;
    }
    const std::size_t len = utf8_length(s, i);
    if (len == 0) {
      raw(b, "\\ufffd");
      ++i;
    } else {
      raw(b, s.substr(i, len));
      i += len;
    }
  }
  b.push_back('"');
}

inline void number(buffer& b, double x) {
  if (!std::isfinite(x)) {
    raw(b, "null");
    return;
  }
  const std::size_t start = b.size();
  fmt::format_to(std::back_inserter(b), "{}", x);
  const std::string_view s(b.data() + start, b.size() - start);
  if (s.find_first_of(".e") == std::string_view::npos) raw(b, ".0");
}

inline void integer(buffer& b, std::uint64_t x) { fmt::format_to(std::back_inserter(b), "{}", x); }

inline void boolean(buffer& b, bool x) { raw(b, x ? "true" : "false"); }

template <class T, class F>
void array(buffer& b, const std::vector<T>& v, F&& item) {
  b.push_back('[');
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) raw(b, ", ");
    item(b, v[i]);
  }
  b.push_back(']');
}

inline void numbers(buffer& b, const std::vector<double>& v) { array(b, v, number); }
inline void integers(buffer& b, const std::vector<std::uint64_t>& v) { array(b, v, integer); }

inline void key(buffer& b, std::string_view k, bool first = false) {
  if (!first) raw(b, ", ");
  string(b, k);
  raw(b, ": ");
}

}  // namespace detail::json

}  // namespace driftscope
