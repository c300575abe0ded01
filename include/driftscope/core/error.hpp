#pragma once
/// @file
/// @brief Error reporting: every public entry point throws through these helpers so a
/// no-exceptions build stays possible later (fmt's FMT_THROW idea).
///
/// Split as in Apache DataSketches: std::invalid_argument for bad parameters or corrupt
/// bytes, std::out_of_range for truncated buffers, std::domain_error for a query on
/// empty state. Messages name the function, the argument and the value:
/// "psi: bins must be >= 2, got 1".

#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <utility>

#ifndef DRIFTSCOPE_THROW
#define DRIFTSCOPE_THROW(x) throw x
#endif

namespace driftscope::detail {

template <class... Args>
[[noreturn]] void throw_invalid_argument(fmt::format_string<Args...> f, Args&&... args) {
  DRIFTSCOPE_THROW(std::invalid_argument(fmt::format(f, std::forward<Args>(args)...)));
}

template <class... Args>
[[noreturn]] void throw_out_of_range(fmt::format_string<Args...> f, Args&&... args) {
  DRIFTSCOPE_THROW(std::out_of_range(fmt::format(f, std::forward<Args>(args)...)));
}

template <class... Args>
[[noreturn]] void throw_domain_error(fmt::format_string<Args...> f, Args&&... args) {
  DRIFTSCOPE_THROW(std::domain_error(fmt::format(f, std::forward<Args>(args)...)));
}

}  // namespace driftscope::detail
