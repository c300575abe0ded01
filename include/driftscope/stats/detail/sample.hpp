#pragma once
/// @file
/// @brief Internal helpers to prepare samples: NaN-free (converted) copies, sorting,
/// multi-quantile selection, per-thread scratch buffers.

#include <driftscope/kernels/sort.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>
#include <vector>

namespace driftscope::detail {

/// Copies the non-NaN values of `in[0..n)` (converted to T, exactly when widening) to
/// `out`, which must have room for n values; returns how many were copied.
template <class T, class U>
std::size_t copy_without_nan_as(const U* in, std::size_t n, T* out) {
  if constexpr (std::is_same<T, U>::value) {
    return kernels::copy_without_nan(in, n, out);
  } else {
    std::size_t k = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (!std::isnan(in[i])) out[k++] = static_cast<T>(in[i]);
    return k;
  }
}

/// Fills `out` with the non-NaN values of `in[0..n)` sorted ascending; returns the
/// number of NaN values dropped. Reuses `out`'s capacity.
template <class T, class U>
std::size_t sorted_without_nan(const U* in, std::size_t n, std::vector<T>& out) {
  out.resize(n);
  const std::size_t kept = copy_without_nan_as(in, n, out.data());
  out.resize(kept);
  kernels::sort(out.data(), kept);
  return n - kept;
}

/// A per-thread scratch vector for T (one per tag type), reused across calls so const
/// queries can run concurrently without allocating each time.
template <class T, class Tag>
std::vector<T>& thread_scratch() {
  thread_local std::vector<T> buffer;
  return buffer;
}

}  // namespace driftscope::detail
