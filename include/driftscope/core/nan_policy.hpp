#pragma once
/// @file
/// @brief What a function does with NaN input (scipy's `nan_policy`).
///
/// scipy-named functions default to `propagate` as scipy does; drift-level APIs (psi,
/// profiles, windows, monitors) default to `omit` and report how many values were
/// missing. ±inf is a value, never missing.

#include <driftscope/core/error.hpp>

#include <string_view>

namespace driftscope {

enum class nan_policy {
  propagate,  ///< any NaN makes the result NaN
  raise,      ///< any NaN throws std::invalid_argument
  omit,       ///< NaNs are dropped and counted as missing
};

/// @brief Parses "propagate" / "raise" / "omit".
/// @throws std::invalid_argument naming `nan_policy` and the value.
inline nan_policy parse_nan_policy(std::string_view s) {
  if (s == "propagate") return nan_policy::propagate;
  if (s == "raise") return nan_policy::raise;
  if (s == "omit") return nan_policy::omit;
  detail::throw_invalid_argument("nan_policy must be 'propagate', 'raise' or 'omit', got '{}'", s);
}

inline const char* to_string(nan_policy p) noexcept {
  switch (p) {
    case nan_policy::propagate: return "propagate";
    case nan_policy::raise: return "raise";
    case nan_policy::omit: return "omit";
  }
  return "?";
}

}  // namespace driftscope
