/// @file
/// @brief bin_index: per-value bin codes against sorted interior edges. Compare-and-count
/// for up to 32 edges (the code of a value is how many edges are <= it), a branchless
/// binary search beyond. Compiled once per SIMD target by Highway's foreach_target and
/// chosen at run time (HWY_DYNAMIC_DISPATCH).
///
/// Reference behaviour: numpy.searchsorted(edges, x, side='right') per value; NaN gets
/// the caller's missing code.

// The path goes through the public include dir, the only include path the kernels
// library is built with, so foreach_target.h can re-include this file per target.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/bin_index.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
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

/// The smallest float f with double(f) >= e (+inf if e > FLT_MAX), so that for every
/// float x, x >= f exactly when double(x) >= e.
inline float CeilToFloatIdx(double e) {
  float f = static_cast<float>(e);
  if (static_cast<double>(f) < e) f = std::nextafter(f, std::numeric_limits<float>::infinity());
  return f;
}

/// Branchless scalar upper bound (the same halving sequence for every value).
template <class T, class Code>
HWY_INLINE std::size_t SearchScalar(const T* HWY_RESTRICT x, std::size_t n, const double* HWY_RESTRICT e,
                                    std::size_t n_edges, Code* HWY_RESTRICT codes, Code missing) {
  std::size_t nan = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(x[i]);
    std::size_t base = 0;
    for (std::size_t len = n_edges; len > 1; len -= len / 2) {
      base += static_cast<std::size_t>(e[base + len / 2] <= v) * (len / 2);
    }
    base += static_cast<std::size_t>(e[base] <= v);
    const bool is_nan = std::isnan(v);
    nan += is_nan ? 1 : 0;
    codes[i] = is_nan ? missing : static_cast<Code>(base);
  }
  return nan;
}

#if HWY_HAVE_SCALABLE
template <class T, class Code>
std::size_t CompareIndex(const T* HWY_RESTRICT x, std::size_t n, const double* HWY_RESTRICT edges,
                         std::size_t n_edges, Code* HWY_RESTRICT codes, Code missing) {
  // SVE / RVV (not built for x86): the scalar search.
  if (n_edges == 0) {
    std::size_t nan = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const bool is_nan = std::isnan(x[i]);
      nan += is_nan ? 1 : 0;
      codes[i] = is_nan ? missing : Code{0};
    }
    return nan;
  }
  return SearchScalar(x, n, edges, n_edges, codes, missing);
}
#else
/// Compare-and-count over x[0..n) against e[0..n_edges) (n_edges <= 32, already in T):
/// lane code = Σ_j (x >= e_j) in signed lanes of T's width, NaN lanes set to `missing`,
/// narrowed to Code and stored.
template <class T, class Code>
HWY_INLINE std::size_t CompareIndex(const T* HWY_RESTRICT x, std::size_t n, const T* HWY_RESTRICT e,
                                    std::size_t n_edges, Code* HWY_RESTRICT codes, Code missing) {
  const hn::ScalableTag<T> d;
  const hn::RebindToSigned<decltype(d)> di;
  const hn::RebindToUnsigned<decltype(d)> du;
  const hn::Rebind<Code, decltype(d)> dc;
  using V = hn::Vec<decltype(d)>;
  using VI = hn::Vec<decltype(di)>;
  const std::size_t N = hn::Lanes(d);
  const VI vmiss = hn::Set(di, static_cast<hn::TFromD<decltype(di)>>(missing));
  std::size_t nan = 0;
  auto one = [&](const T* p, Code* out, std::size_t count) {
    const V v = hn::LoadU(d, p);
    VI acc = hn::Zero(di);
    for (std::size_t j = 0; j < n_edges; ++j) acc = hn::Sub(acc, hn::VecFromMask(di, hn::RebindMask(di, hn::Ge(v, hn::Set(d, e[j])))));
    const auto isnan = hn::IsNaN(v);
    acc = hn::IfThenElse(hn::RebindMask(di, isnan), vmiss, acc);
    const auto narrow = hn::TruncateTo(dc, hn::BitCast(du, acc));
    if (count == N) {
      hn::StoreU(narrow, dc, out);
      nan += hn::CountTrue(d, isnan);
    } else {
      HWY_ALIGN Code buf[hn::MaxLanes(decltype(dc)())];
      hn::Store(narrow, dc, buf);
      std::memcpy(out, buf, count * sizeof(Code));
      for (std::size_t l = 0; l < count; ++l) nan += std::isnan(p[l]) ? 1 : 0;
    }
  };
  std::size_t i = 0;
  for (; i + N <= n; i += N) one(x + i, codes + i, N);
  if (i != n) {
    HWY_ALIGN T buf[hn::MaxLanes(decltype(d)())];
    for (std::size_t l = 0; l < N; ++l) buf[l] = T{0};
    std::memcpy(buf, x + i, (n - i) * sizeof(T));
    one(buf, codes + i, n - i);
  }
  return nan;
}
#endif

template <class Code>
std::size_t IndexF64(const double* HWY_RESTRICT x, std::size_t n, const double* HWY_RESTRICT edges,
                     std::size_t n_edges, Code* HWY_RESTRICT codes, Code missing) {
  if (n_edges <= 32) return CompareIndex(x, n, edges, n_edges, codes, missing);
  return SearchScalar(x, n, edges, n_edges, codes, missing);
}

template <class Code>
std::size_t IndexF32(const float* HWY_RESTRICT x, std::size_t n, const double* HWY_RESTRICT edges,
                     std::size_t n_edges, Code* HWY_RESTRICT codes, Code missing) {
#if !HWY_HAVE_SCALABLE
  if (n_edges <= 32) {
    float e[32];
    for (std::size_t j = 0; j < n_edges; ++j) e[j] = CeilToFloatIdx(edges[j]);
    return CompareIndex(x, n, e, n_edges, codes, missing);
  }
#else
  if (n_edges <= 32) return CompareIndex(x, n, edges, n_edges, codes, missing);
#endif
  return SearchScalar(x, n, edges, n_edges, codes, missing);
}

std::size_t BinIndexF64U8(const double* x, std::size_t n, const double* edges, std::size_t n_edges,
                          std::uint8_t* codes, std::uint8_t missing) {
  return IndexF64(x, n, edges, n_edges, codes, missing);
}
std::size_t BinIndexF32U8(const float* x, std::size_t n, const double* edges, std::size_t n_edges,
                          std::uint8_t* codes, std::uint8_t missing) {
  return IndexF32(x, n, edges, n_edges, codes, missing);
}
std::size_t BinIndexF64U16(const double* x, std::size_t n, const double* edges, std::size_t n_edges,
                           std::uint16_t* codes, std::uint16_t missing) {
  return IndexF64(x, n, edges, n_edges, codes, missing);
}
std::size_t BinIndexF32U16(const float* x, std::size_t n, const double* edges, std::size_t n_edges,
                           std::uint16_t* codes, std::uint16_t missing) {
  return IndexF32(x, n, edges, n_edges, codes, missing);
}

}  // namespace driftscope::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "driftscope/kernels/bin_index.hpp"

namespace driftscope::kernels {
HWY_EXPORT(BinIndexF64U8);
HWY_EXPORT(BinIndexF32U8);
HWY_EXPORT(BinIndexF64U16);
HWY_EXPORT(BinIndexF32U16);

std::size_t bin_index(const double* x, std::size_t n, const double* edges, std::size_t n_edges,
                      std::uint8_t* codes, std::uint8_t missing_code) {
  return HWY_DYNAMIC_DISPATCH(BinIndexF64U8)(x, n, edges, n_edges, codes, missing_code);
}
std::size_t bin_index(const float* x, std::size_t n, const double* edges, std::size_t n_edges,
                      std::uint8_t* codes, std::uint8_t missing_code) {
  return HWY_DYNAMIC_DISPATCH(BinIndexF32U8)(x, n, edges, n_edges, codes, missing_code);
}
std::size_t bin_index(const double* x, std::size_t n, const double* edges, std::size_t n_edges,
                      std::uint16_t* codes, std::uint16_t missing_code) {
  return HWY_DYNAMIC_DISPATCH(BinIndexF64U16)(x, n, edges, n_edges, codes, missing_code);
}
std::size_t bin_index(const float* x, std::size_t n, const double* edges, std::size_t n_edges,
                      std::uint16_t* codes, std::uint16_t missing_code) {
  return HWY_DYNAMIC_DISPATCH(BinIndexF32U16)(x, n, edges, n_edges, codes, missing_code);
}
}  // namespace driftscope::kernels
#endif  // HWY_ONCE
