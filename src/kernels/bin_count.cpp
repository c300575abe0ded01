/// @file
/// @brief bin_count: compare-and-count for up to 32 edges, a branchless vector binary
/// search beyond. Compiled once per SIMD target by Highway's foreach_target and chosen at
/// run time (HWY_DYNAMIC_DISPATCH).
///
/// Reference behaviour: numpy.searchsorted(edges, x, side='right') per value, NaN apart.

// The path goes through the public include dir, the only include path the kernels
// library is built with, so foreach_target.h can re-include this file per target.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/bin_count.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/cache_control.h>
#include <hwy/highway.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

HWY_BEFORE_NAMESPACE();
namespace driftscope::kernels::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

#if !HWY_HAVE_SCALABLE
/// Values per block: the compare-and-count path walks a block once per group of edges,
/// so a block stays in L1 (16 KiB of doubles) between the walks.
constexpr std::size_t kBlock = 2048;
/// Edges whose counters live in registers during one walk over a block: AVX-512 has 32
/// vector registers, the others 16.
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
constexpr std::size_t kGroup = 16;
#else
constexpr std::size_t kGroup = 8;
#endif
/// The first walk over a block prefetches this many bytes ahead, so the next block is
/// on its way from memory while the current one is being counted.
constexpr std::size_t kPrefetchBytes = 2048;

/// acc + 1 in the lanes where m is true. On AVX-512 a merge-masked add (one uop, any
/// ALU port) beats turning the mask register into a vector (a second port-5 uop next
/// to the compare); elsewhere the mask already is a vector of -1 / 0 to subtract.
template <class DI, class M, class VI = hn::Vec<DI>>
HWY_INLINE VI CountLanes(DI di, M m, VI acc) {
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
  return hn::IfThenElse(hn::RebindMask(di, m), hn::Add(acc, hn::Set(di, 1)), acc);
#else
  return hn::Sub(acc, hn::VecFromMask(di, hn::RebindMask(di, m)));
#endif
}

/// Adds to ge[j] the number of lanes of `x[0..len)` (len a multiple of the vector
/// length) that are >= e[j], j < kG; with kLt, also adds to *lt the number < e[0].
/// NaN is neither >= nor < anything, so it lands in no counter.
template <std::size_t kG, bool kLt, class D, typename T = hn::TFromD<D>>
HWY_INLINE void CountGeGroup(D d, const T* HWY_RESTRICT x, std::size_t len,
                             const T* HWY_RESTRICT e, std::uint64_t* HWY_RESTRICT ge,
                             std::uint64_t* HWY_RESTRICT lt) {
  const hn::RebindToSigned<D> di;
  using VI = hn::Vec<decltype(di)>;
  using V = hn::Vec<D>;
  const std::size_t N = hn::Lanes(d);
  V edge[kG];
  VI acc[kG];
  for (std::size_t j = 0; j < kG; ++j) {
    edge[j] = hn::Set(d, e[j]);
    acc[j] = hn::Zero(di);
  }
  VI acc_lt = hn::Zero(di);
  for (std::size_t i = 0; i < len; i += N) {
    if (kLt) hwy::Prefetch(reinterpret_cast<const char*>(x + i) + kPrefetchBytes);
    const V v = hn::LoadU(d, x + i);
    for (std::size_t j = 0; j < kG; ++j) {
      acc[j] = CountLanes(di, hn::Ge(v, edge[j]), acc[j]);
    }
    if (kLt) acc_lt = CountLanes(di, hn::Lt(v, edge[0]), acc_lt);
  }
  for (std::size_t j = 0; j < kG; ++j) {
    ge[j] += static_cast<std::uint64_t>(hn::GetLane(hn::SumOfLanes(di, acc[j])));
  }
  if (kLt) *lt += static_cast<std::uint64_t>(hn::GetLane(hn::SumOfLanes(di, acc_lt)));
}

/// Runs CountGeGroup<g> for a run-time g in [1, kG].
template <std::size_t kG, bool kLt, class D, typename T = hn::TFromD<D>>
HWY_INLINE void CountGe(D d, const T* HWY_RESTRICT x, std::size_t len, const T* HWY_RESTRICT e,
                        std::size_t g, std::uint64_t* HWY_RESTRICT ge,
                        std::uint64_t* HWY_RESTRICT lt) {
  if constexpr (kG == 1) {
    CountGeGroup<1, kLt>(d, x, len, e, ge, lt);
  } else {
    if (g == kG) return CountGeGroup<kG, kLt>(d, x, len, e, ge, lt);
    CountGe<kG - 1, kLt>(d, x, len, e, g, ge, lt);
  }
}

/// Compare-and-count over `x[0..n)` against `e[0..n_edges)`, 1 <= n_edges <= 32, e
/// already in T (see the float overload for the exact conversion). Returns the NaN count.
template <class D, typename T = hn::TFromD<D>>
HWY_INLINE std::size_t CompareCount(D d, const T* HWY_RESTRICT x, std::size_t n,
                                    const T* HWY_RESTRICT e, std::size_t n_edges,
                                    std::uint64_t* HWY_RESTRICT counts) {
  const std::size_t N = hn::Lanes(d);
  std::uint64_t ge[32] = {};
  std::uint64_t lt = 0;
  auto walk = [&](const T* p, std::size_t len) {
    for (std::size_t j0 = 0; j0 < n_edges; j0 += kGroup) {
      const std::size_t g = std::min(kGroup, n_edges - j0);
      if (j0 == 0) {
        CountGe<kGroup, true>(d, p, len, e + j0, g, ge + j0, &lt);
      } else {
        CountGe<kGroup, false>(d, p, len, e + j0, g, ge + j0, &lt);
      }
    }
  };
  const std::size_t n_full = n - n % N;
  for (std::size_t i = 0; i < n_full; i += kBlock) walk(x + i, std::min(kBlock, n_full - i));
  if (n_full != n) {
    // Tail: one vector padded with NaN, which no counter sees.
    HWY_ALIGN T buf[hn::MaxLanes(D())];
    for (std::size_t l = 0; l < N; ++l) buf[l] = std::numeric_limits<T>::quiet_NaN();
    std::memcpy(buf, x + n_full, (n - n_full) * sizeof(T));
    walk(buf, N);
  }
  // Bin 0 holds x < e[0]; bin k holds e[k-1] <= x < e[k], i.e. ge[k-1] - ge[k].
  counts[0] += lt;
  for (std::size_t k = 1; k < n_edges; ++k) counts[k] += ge[k - 1] - ge[k];
  counts[n_edges] += ge[n_edges - 1];
  return n - static_cast<std::size_t>(lt + ge[0]);
}

/// Number of NaN lanes in x[0..n).
template <class D, typename T = hn::TFromD<D>>
HWY_INLINE std::size_t CountNaN(D d, const T* HWY_RESTRICT x, std::size_t n) {
  const std::size_t N = hn::Lanes(d);
  std::size_t nan = 0;
  std::size_t i = 0;
  for (; i + N <= n; i += N) nan += hn::CountTrue(d, hn::IsNaN(hn::LoadU(d, x + i)));
  for (; i < n; ++i) nan += std::isnan(x[i]) ? 1 : 0;
  return nan;
}

/// Branchless binary search (upper bound) of every lane of the kU vectors v[] in
/// `e[0..n_edges)`, n_edges >= 1. All lanes follow the same halving sequence, so the loop
/// has no data-dependent branch (Khuong & Morin, "Array layouts for comparison-based
/// searching", 2017); kU independent searches interleave to hide the gather latency.
template <std::size_t kU, class D64, class VI = hn::Vec<hn::RebindToSigned<D64>>>
HWY_INLINE void UpperBound(D64 d, const hn::Vec<D64>* HWY_RESTRICT v,
                           const double* HWY_RESTRICT e, std::size_t n_edges, VI* base) {
  const hn::RebindToSigned<D64> di;
  for (std::size_t u = 0; u < kU; ++u) base[u] = hn::Zero(di);
  std::size_t len = n_edges;
  while (len > 1) {
    const std::size_t half = len / 2;
    const VI step = hn::Set(di, static_cast<std::int64_t>(half));
    for (std::size_t u = 0; u < kU; ++u) {
      const VI cand = hn::Add(base[u], step);
      const auto le = hn::RebindMask(di, hn::Le(hn::GatherIndex(d, e, cand), v[u]));
      base[u] = hn::IfThenElse(le, cand, base[u]);
    }
    len -= half;
  }
  for (std::size_t u = 0; u < kU; ++u) {
    const auto le = hn::RebindMask(di, hn::Le(hn::GatherIndex(d, e, base[u]), v[u]));
    base[u] = hn::Sub(base[u], hn::VecFromMask(di, le));
  }
}

/// Binary-search path. NaN compares false everywhere and so lands in bin 0, taken out
/// again at the end.
template <class D64, class T>
HWY_INLINE std::size_t SearchCount(D64 d, const T* HWY_RESTRICT x, std::size_t n,
                                   const double* HWY_RESTRICT e, std::size_t n_edges,
                                   std::uint64_t* HWY_RESTRICT counts) {
#if HWY_TARGET == HWY_SCALAR || HWY_TARGET == HWY_EMU128
  // One lane per "vector": the emulated gather and blend would be branches, so search
  // with plain loads and arithmetic instead (same halving sequence).
  (void)d;
  std::size_t nan = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(x[i]);
    std::size_t base = 0;
    for (std::size_t len = n_edges; len > 1; len -= len / 2) {
      base += static_cast<std::size_t>(e[base + len / 2] <= v) * (len / 2);
    }
    base += static_cast<std::size_t>(e[base] <= v);
    ++counts[base];
    nan += std::isnan(v) ? 1 : 0;
  }
  counts[0] -= nan;  // NaN compared false everywhere and went to bin 0
  return nan;
#else
  constexpr std::size_t kU = 4;
  const std::size_t N = hn::Lanes(d);
  const hn::RebindToSigned<D64> di;
  using V = hn::Vec<D64>;
  using VI = hn::Vec<decltype(di)>;
  HWY_ALIGN std::int64_t pos[kU * hn::MaxLanes(D64())];
  std::size_t nan = 0;
  auto load = [&](const T* p) {
    if constexpr (std::is_same_v<T, double>) {
      return hn::LoadU(d, p);
    } else {
      return hn::PromoteTo(d, hn::LoadU(hn::Rebind<T, D64>(), p));
    }
  };
  auto search = [&](const T* p) {
    V v[kU];
    VI base[kU];
    for (std::size_t u = 0; u < kU; ++u) {
      v[u] = load(p + u * N);
      nan += hn::CountTrue(d, hn::IsNaN(v[u]));
    }
    UpperBound<kU>(d, v, e, n_edges, base);
    for (std::size_t u = 0; u < kU; ++u) hn::Store(base[u], di, pos + u * N);
    for (std::size_t l = 0; l < kU * N; ++l) ++counts[pos[l]];
  };
  std::size_t i = 0;
  for (; i + kU * N <= n; i += kU * N) search(x + i);
  if (i != n) {
    // Tail padded with NaN, which lands in bin 0 and is taken out with the real NaN.
    HWY_ALIGN T buf[kU * hn::MaxLanes(D64())];
    for (std::size_t l = 0; l < kU * N; ++l) buf[l] = std::numeric_limits<T>::quiet_NaN();
    std::memcpy(buf, x + i, (n - i) * sizeof(T));
    search(buf);
    nan -= kU * N - (n - i);
    counts[0] -= kU * N - (n - i);
  }
  counts[0] -= nan;
  return nan;
#endif
}

/// The smallest float f with double(f) >= e (+inf if e > FLT_MAX), so
/// that for every float x, x >= f exactly when double(x) >= e.
inline float CeilToFloat(double e) {
  float f = static_cast<float>(e);
  if (static_cast<double>(f) < e) f = std::nextafter(f, std::numeric_limits<float>::infinity());
  return f;
}

#endif  // !HWY_HAVE_SCALABLE

#if HWY_HAVE_SCALABLE
// SVE / RVV vectors are sizeless and cannot form the register arrays above; these
// targets (not built for x86) take a plain scalar loop for now.
template <typename T>
std::size_t BinCountScalar(const T* HWY_RESTRICT x, std::size_t n,
                           const double* HWY_RESTRICT edges, std::size_t n_edges,
                           std::uint64_t* HWY_RESTRICT counts) {
  std::size_t nan = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(x[i]);
    if (std::isnan(v)) {
      ++nan;
      continue;
    }
    ++counts[std::upper_bound(edges, edges + n_edges, v) - edges];
  }
  return nan;
}

std::size_t BinCountF64(const double* HWY_RESTRICT x, std::size_t n,
                        const double* HWY_RESTRICT edges, std::size_t n_edges,
                        std::uint64_t* HWY_RESTRICT counts) {
  return BinCountScalar(x, n, edges, n_edges, counts);
}
std::size_t BinCountF32(const float* HWY_RESTRICT x, std::size_t n,
                        const double* HWY_RESTRICT edges, std::size_t n_edges,
                        std::uint64_t* HWY_RESTRICT counts) {
  return BinCountScalar(x, n, edges, n_edges, counts);
}
#else   // !HWY_HAVE_SCALABLE
std::size_t BinCountF64(const double* HWY_RESTRICT x, std::size_t n,
                        const double* HWY_RESTRICT edges, std::size_t n_edges,
                        std::uint64_t* HWY_RESTRICT counts) {
  const hn::ScalableTag<double> d;
  if (n_edges == 0) {
    const std::size_t nan = CountNaN(d, x, n);
    counts[0] += n - nan;
    return nan;
  }
  if (n_edges <= 32) return CompareCount(d, x, n, edges, n_edges, counts);
  return SearchCount(d, x, n, edges, n_edges, counts);
}

std::size_t BinCountF32(const float* HWY_RESTRICT x, std::size_t n,
                        const double* HWY_RESTRICT edges, std::size_t n_edges,
                        std::uint64_t* HWY_RESTRICT counts) {
  const hn::ScalableTag<float> d;
  if (n_edges == 0) {
    const std::size_t nan = CountNaN(d, x, n);
    counts[0] += n - nan;
    return nan;
  }
  if (n_edges <= 32) {
    float e[32];
    for (std::size_t j = 0; j < n_edges; ++j) e[j] = CeilToFloat(edges[j]);
    return CompareCount(d, x, n, e, n_edges, counts);
  }
  return SearchCount(hn::ScalableTag<double>(), x, n, edges, n_edges, counts);
}

#endif  // HWY_HAVE_SCALABLE

}  // namespace driftscope::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "driftscope/kernels/bin_count.hpp"

namespace driftscope::kernels {
HWY_EXPORT(BinCountF64);
HWY_EXPORT(BinCountF32);

std::size_t bin_count(const double* x, std::size_t n, const double* edges, std::size_t n_edges,
                      std::uint64_t* counts) {
  return HWY_DYNAMIC_DISPATCH(BinCountF64)(x, n, edges, n_edges, counts);
}
std::size_t bin_count(const float* x, std::size_t n, const double* edges, std::size_t n_edges,
                      std::uint64_t* counts) {
  return HWY_DYNAMIC_DISPATCH(BinCountF32)(x, n, edges, n_edges, counts);
}
}  // namespace driftscope::kernels
#endif  // HWY_ONCE
