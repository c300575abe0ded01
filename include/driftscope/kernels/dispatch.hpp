#pragma once
/// @file
/// @brief Which SIMD target the kernels run on, and a way for tests and benchmarks to
/// pin one.

#include <string>
#include <vector>

namespace driftscope::kernels {

/// Names of the compiled targets this CPU supports, best first (e.g. "AVX3", "AVX2",
/// "SSE4", "EMU128"/"SCALAR").
std::vector<std::string> available_targets();

/// Name of the target the kernels dispatch to now.
std::string current_target();

/// Restricts dispatch to the named target (one of available_targets()); "" restores
/// the best. For tests and benchmarks; not thread-safe.
/// @throws std::invalid_argument for an unknown or unsupported name.
void force_target(const std::string& name);

}  // namespace driftscope::kernels
