#pragma once
/// @file
/// @brief The bin of every value against sorted interior edges, as small integer codes
/// (the histogram window's per-value bin codes).

#include <cstddef>
#include <cstdint>

namespace driftscope::kernels {

/// @brief Writes `codes[i]` = the bin of `x[i]`, for i < n, and returns how many were NaN.
///
/// The bin of a value is the number of edges <= the value, i.e.
/// `numpy.searchsorted(edges, x, side='right')` — the binning of kernels::bin_count, psi()
/// and reference_profile: bin 0 is open to -inf, bin n_edges is open to +inf, a value
/// equal to an edge goes to the bin on its right, ±inf land in the end bins. NaN gets
/// `missing_code`. `edges` must be sorted ascending and free of NaN, and
/// `n_edges < missing_code` (so no bin code equals the missing code); `n_edges` may be 0.
/// Float values are compared with the double edges exactly (promotion to double).
/// Cost: compare-and-count for up to 32 edges (SIMD, dispatched at run time), a
/// branchless binary search beyond. No allocation.
std::size_t bin_index(const double* x, std::size_t n, const double* edges, std::size_t n_edges,
                      std::uint8_t* codes, std::uint8_t missing_code);
std::size_t bin_index(const float* x, std::size_t n, const double* edges, std::size_t n_edges,
                      std::uint8_t* codes, std::uint8_t missing_code);
std::size_t bin_index(const double* x, std::size_t n, const double* edges, std::size_t n_edges,
                      std::uint16_t* codes, std::uint16_t missing_code);
std::size_t bin_index(const float* x, std::size_t n, const double* edges, std::size_t n_edges,
                      std::uint16_t* codes, std::uint16_t missing_code);

}  // namespace driftscope::kernels
