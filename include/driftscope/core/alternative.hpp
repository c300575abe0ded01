#pragma once
/// @file
/// @brief The alternative hypothesis of a two-sample test (scipy's `alternative`).

#include <driftscope/core/error.hpp>

#include <string_view>

namespace driftscope {

enum class alternative { two_sided, less, greater };

/// @brief Parses scipy's spellings "two-sided", "less", "greater".
/// @throws std::invalid_argument naming `alternative` and the value.
inline alternative parse_alternative(std::string_view s) {
  if (s == "two-sided") return alternative::two_sided;
  if (s == "less") return alternative::less;
  if (s == "greater") return alternative::greater;
  detail::throw_invalid_argument("alternative must be 'two-sided', 'less' or 'greater', got '{}'", s);
}

inline const char* to_string(alternative a) noexcept {
  switch (a) {
    case alternative::two_sided: return "two-sided";
    case alternative::less: return "less";
    case alternative::greater: return "greater";
  }
  return "?";
}

}  // namespace driftscope
