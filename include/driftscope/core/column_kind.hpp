#pragma once
/// @file
/// @brief How a column's values are read: numbers, or category codes. Shared by the
/// dataset report and the stream monitor (serialized by the monitor as these ids).

#include <cstdint>

namespace driftscope {

/// @brief The kind of a column.
enum class column_kind : std::uint8_t {
  numerical = 0,    ///< values are numbers (NaN = missing)
  categorical = 1,  ///< values are category codes (labels mapped to codes by the caller)
};

inline const char* to_string(column_kind k) noexcept {
  return k == column_kind::categorical ? "categorical" : "numerical";
}

}  // namespace driftscope
