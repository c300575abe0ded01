/// @file
/// @brief Sorting (Highway VQSort) and vectorized NaN counting / removal.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/sort.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

HWY_BEFORE_NAMESPACE();
namespace driftscope::kernels::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <typename T>
HWY_INLINE std::size_t CountNaNImpl(const T* HWY_RESTRICT x, std::size_t n) {
  const hn::ScalableTag<T> d;
  const hn::RebindToSigned<decltype(d)> di;
  const std::size_t N = hn::Lanes(d);
  // Two accumulators of -1 per NaN lane; flushed before the lane counters could overflow
  // (int32 lanes for float: flush every 2^30 vectors).
  std::size_t nan = 0;
  std::size_t i = 0;
  constexpr std::size_t kFlush = std::size_t{1} << 30;
  while (i + N <= n) {
    auto acc0 = hn::Zero(di);
    auto acc1 = hn::Zero(di);
    const std::size_t stop = (n - i) / N > kFlush ? i + kFlush * N : n;
    for (; i + 2 * N <= stop; i += 2 * N) {
      acc0 = hn::Sub(acc0, hn::BitCast(di, hn::VecFromMask(d, hn::IsNaN(hn::LoadU(d, x + i)))));
      acc1 = hn::Sub(acc1,
                     hn::BitCast(di, hn::VecFromMask(d, hn::IsNaN(hn::LoadU(d, x + i + N)))));
    }
    if (i + N <= stop) {
      acc0 = hn::Sub(acc0, hn::BitCast(di, hn::VecFromMask(d, hn::IsNaN(hn::LoadU(d, x + i)))));
      i += N;
    }
    nan += static_cast<std::size_t>(hn::GetLane(hn::SumOfLanes(di, hn::Add(acc0, acc1))));
  }
  for (; i < n; ++i) nan += std::isnan(x[i]) ? 1 : 0;
  return nan;
}

template <typename T>
HWY_INLINE std::size_t CopyWithoutNaNImpl(const T* in, std::size_t n, T* out) {
  const hn::ScalableTag<T> d;
  const std::size_t N = hn::Lanes(d);
  std::size_t k = 0;
  std::size_t i = 0;
  // CompressStore writes a whole vector at out + k; k <= i keeps it inside out[0..i+N),
  // which is also safe in place (out == in): the vector at in + i is already loaded.
  for (; i + N <= n; i += N) {
    const auto v = hn::LoadU(d, in + i);
    k += hn::CompressStore(v, hn::Not(hn::IsNaN(v)), d, out + k);
  }
  for (; i < n; ++i) {
    if (!std::isnan(in[i])) out[k++] = in[i];
  }
  return k;
}

/// Maps each value's bits, in place, to an integer key whose signed order is the float
/// order (negative values: all bits but the sign flipped). The map is its own inverse.
/// Stays in registers as bits: no floating-point operation touches the keys.
template <typename T>
HWY_INLINE void FlipOrderedBitsImpl(T* x, std::size_t n) {
  const hn::ScalableTag<T> d;
  const hn::RebindToSigned<decltype(d)> di;
  using TI = hn::TFromD<decltype(di)>;
  constexpr int kSignShift = static_cast<int>(sizeof(T) * 8 - 1);
  const auto magnitude = hn::Set(di, std::numeric_limits<TI>::max());
  const std::size_t N = hn::Lanes(d);
  std::size_t i = 0;
  for (; i + N <= n; i += N) {
    const auto b = hn::BitCast(di, hn::LoadU(d, x + i));
    const auto key = hn::Xor(b, hn::And(hn::ShiftRight<kSignShift>(b), magnitude));
    hn::StoreU(hn::BitCast(d, key), d, x + i);
  }
  for (; i < n; ++i) {
    TI b;
    std::memcpy(&b, x + i, sizeof(T));
    b ^= static_cast<TI>((b < 0 ? TI{-1} : TI{0}) & std::numeric_limits<TI>::max());
    std::memcpy(x + i, &b, sizeof(T));
  }
}

/// Whether VQSort should run on this target: its single-lane SCALAR / EMU128 builds
/// are far slower than std::sort (measured with Highway 1.0.3: 1e7 doubles in ~11 s
/// against 0.8 s), so those targets use std::sort.
bool UseVQSort() { return HWY_TARGET != HWY_SCALAR && HWY_TARGET != HWY_EMU128; }

void FlipOrderedBitsF64(double* x, std::size_t n) { FlipOrderedBitsImpl(x, n); }
void FlipOrderedBitsF32(float* x, std::size_t n) { FlipOrderedBitsImpl(x, n); }

std::size_t CountNaNF64(const double* x, std::size_t n) { return CountNaNImpl(x, n); }
std::size_t CountNaNF32(const float* x, std::size_t n) { return CountNaNImpl(x, n); }
std::size_t CopyWithoutNaNF64(const double* in, std::size_t n, double* out) {
  return CopyWithoutNaNImpl(in, n, out);
}
std::size_t CopyWithoutNaNF32(const float* in, std::size_t n, float* out) {
  return CopyWithoutNaNImpl(in, n, out);
}

}  // namespace driftscope::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <hwy/contrib/sort/vqsort.h>

#include <algorithm>

#include "driftscope/kernels/sort.hpp"

namespace driftscope::kernels {
HWY_EXPORT(CountNaNF64);
HWY_EXPORT(CountNaNF32);
HWY_EXPORT(CopyWithoutNaNF64);
HWY_EXPORT(CopyWithoutNaNF32);

namespace {
#if HWY_MAJOR == 1 && HWY_MINOR == 0
// Highway 1.0.x VQSort mishandles float keys (+inf comes back as DBL_MAX,
// google/highway#1486, fixed in 1.0.5), so sort the order-preserving integer keys of
// FlipOrderedBits instead: exact for every non-NaN value, -0.0 just before +0.0.
// 1.0.x only has the Sorter object, which owns a scratch buffer and is not
// thread-safe: one per thread, allocated once.
HWY_EXPORT(FlipOrderedBitsF64);
HWY_EXPORT(FlipOrderedBitsF32);

void vqsort(double* x, std::size_t n) {
  static thread_local const hwy::Sorter sorter;
  HWY_DYNAMIC_DISPATCH(FlipOrderedBitsF64)(x, n);
  sorter(reinterpret_cast<std::int64_t*>(x), n, hwy::SortAscending());
  HWY_DYNAMIC_DISPATCH(FlipOrderedBitsF64)(x, n);
}
void vqsort(float* x, std::size_t n) {
  static thread_local const hwy::Sorter sorter;
  HWY_DYNAMIC_DISPATCH(FlipOrderedBitsF32)(x, n);
  sorter(reinterpret_cast<std::int32_t*>(x), n, hwy::SortAscending());
  HWY_DYNAMIC_DISPATCH(FlipOrderedBitsF32)(x, n);
}
#else
template <typename T>
void vqsort(T* x, std::size_t n) {
  hwy::VQSort(x, n, hwy::SortAscending());
}
#endif
}  // namespace

HWY_EXPORT(UseVQSort);

void sort(double* x, std::size_t n) {
  if (HWY_DYNAMIC_DISPATCH(UseVQSort)()) {
    vqsort(x, n);
  } else {
    std::sort(x, x + n);
  }
}
void sort(float* x, std::size_t n) {
  if (HWY_DYNAMIC_DISPATCH(UseVQSort)()) {
    vqsort(x, n);
  } else {
    std::sort(x, x + n);
  }
}

std::size_t count_nan(const double* x, std::size_t n) {
  return HWY_DYNAMIC_DISPATCH(CountNaNF64)(x, n);
}
std::size_t count_nan(const float* x, std::size_t n) {
  return HWY_DYNAMIC_DISPATCH(CountNaNF32)(x, n);
}
std::size_t copy_without_nan(const double* in, std::size_t n, double* out) {
  return HWY_DYNAMIC_DISPATCH(CopyWithoutNaNF64)(in, n, out);
}
std::size_t copy_without_nan(const float* in, std::size_t n, float* out) {
  return HWY_DYNAMIC_DISPATCH(CopyWithoutNaNF32)(in, n, out);
}
}  // namespace driftscope::kernels
#endif  // HWY_ONCE
