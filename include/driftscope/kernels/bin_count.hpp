#pragma once
/// @file
/// @brief Counting values into bins given sorted interior edges.

#include <cstddef>
#include <cstdint>

namespace driftscope::kernels {

/// @brief Adds to `counts[0..n_edges]` how many of `x[0..n)` fall in each bin.
///
/// The bin of a value is the number of edges <= the value, i.e.
/// `numpy.searchsorted(edges, x, side='right')`: bin 0 is open to -inf, bin n_edges is
/// open to +inf, a value equal to an edge goes to the bin on its right, ±inf land in the
/// end bins. NaN values go to no bin; the return value is how many there were.
/// `edges` must be sorted ascending and free of NaN; `n_edges` may be 0 (one bin).
/// Float values are compared with the double edges exactly (promotion to double).
/// Cost: compare-and-count for up to 32 edges, a branchless binary search beyond;
/// SIMD, dispatched at run time. No allocation.
std::size_t bin_count(const double* x, std::size_t n, const double* edges, std::size_t n_edges,
                      std::uint64_t* counts);
std::size_t bin_count(const float* x, std::size_t n, const double* edges, std::size_t n_edges,
                      std::uint64_t* counts);

}  // namespace driftscope::kernels
