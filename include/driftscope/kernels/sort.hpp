#pragma once
/// @file
/// @brief Vectorized ascending sort and NaN handling for sample preparation.

#include <cstddef>

namespace driftscope::kernels {

/// @brief Sorts `x[0..n)` ascending in place (Highway VQSort, dispatched at run time).
/// Precondition: no NaN (use copy_without_nan first). -0.0 and +0.0 compare equal and
/// may end in either order, which no statistic here can observe. ±inf sort to the ends
/// (with Highway 1.0.x, whose VQSort mishandles float infinities, the values are sorted
/// as order-preserving integer keys instead). No allocation (1.0.x: one scratch buffer
/// per thread, allocated on first use).
void sort(double* x, std::size_t n);
void sort(float* x, std::size_t n);

/// @brief Number of NaN values in `x[0..n)`.
std::size_t count_nan(const double* x, std::size_t n);
std::size_t count_nan(const float* x, std::size_t n);

/// @brief Copies the non-NaN values of `in[0..n)` to `out` (in order) and returns how
/// many were copied. `out` must have room for n values; it may equal `in`.
std::size_t copy_without_nan(const double* in, std::size_t n, double* out);
std::size_t copy_without_nan(const float* in, std::size_t n, float* out);

}  // namespace driftscope::kernels
