/// @file
/// @brief Σ rel_entr(x_i, y_i) with scipy.special.rel_entr's case analysis, vectorized
/// with Highway's contrib/math Log (max error 4 ulp per its documentation).

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/rel_entr_sum.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include <cmath>
#include <cstddef>
#include <limits>

HWY_BEFORE_NAMESPACE();
namespace driftscope::kernels::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// One lane-wise rel_entr, as scipy.special.rel_entr (scipy/special/_convex_analysis.pxd)
/// defines it: NaN if either is NaN; x·log(x/y) if x > 0 and y > 0; 0 if x == 0 and
/// y >= 0; +inf otherwise. x/y may overflow to +inf or underflow to 0 exactly as in the
/// scalar formula, giving ±inf; Highway's Log is only valid on (0, DBL_MAX], so those
/// lanes (and x/y = inf/inf = NaN) are patched after the Log.
template <class D, class V = hn::Vec<D>>
HWY_INLINE V RelEntr(D d, V x, V y) {
  const V zero = hn::Zero(d);
  const V inf = hn::Set(d, std::numeric_limits<double>::infinity());
  const auto both_pos = hn::And(hn::Gt(x, zero), hn::Gt(y, zero));
  const V ratio = hn::Div(x, y);
  // Feed the Log only lanes in its domain; the others take 1 and are replaced below.
  const auto in_domain = hn::And(both_pos, hn::And(hn::Gt(ratio, zero), hn::Lt(ratio, inf)));
  const V log = hn::Log(d, hn::IfThenElse(in_domain, ratio, hn::Set(d, 1.0)));
  // ratio is +inf, 0 or NaN outside the domain: log is +inf, -inf or NaN there.
  const V log_special =
      hn::IfThenElse(hn::Eq(ratio, zero), hn::Neg(inf), hn::Add(ratio, zero));
  const V term = hn::Mul(x, hn::IfThenElse(in_domain, log, log_special));
  const auto x_zero = hn::And(hn::Eq(x, zero), hn::Ge(y, zero));
  const auto any_nan = hn::Or(hn::IsNaN(x), hn::IsNaN(y));
  V out = hn::IfThenElse(both_pos, term, hn::IfThenElseZero(hn::Not(x_zero), inf));
  return hn::IfThenElse(any_nan, hn::Add(x, y), out);
}

double RelEntrSum(const double* HWY_RESTRICT x, const double* HWY_RESTRICT y, std::size_t n) {
  const hn::ScalableTag<double> d;
  const std::size_t N = hn::Lanes(d);
  auto acc0 = hn::Zero(d);
  auto acc1 = hn::Zero(d);
  std::size_t i = 0;
  for (; i + 2 * N <= n; i += 2 * N) {
    acc0 = hn::Add(acc0, RelEntr(d, hn::LoadU(d, x + i), hn::LoadU(d, y + i)));
    acc1 = hn::Add(acc1, RelEntr(d, hn::LoadU(d, x + i + N), hn::LoadU(d, y + i + N)));
  }
  if (i < n) {
    // Tail padded with (0, 0), whose rel_entr is 0.
    HWY_ALIGN double bx[2 * hn::MaxLanes(hn::ScalableTag<double>())] = {};
    HWY_ALIGN double by[2 * hn::MaxLanes(hn::ScalableTag<double>())] = {};
    for (std::size_t l = 0; i + l < n; ++l) {
      bx[l] = x[i + l];
      by[l] = y[i + l];
    }
    acc0 = hn::Add(acc0, RelEntr(d, hn::Load(d, bx), hn::Load(d, by)));
    acc1 = hn::Add(acc1, RelEntr(d, hn::Load(d, bx + N), hn::Load(d, by + N)));
  }
  return hn::GetLane(hn::SumOfLanes(d, hn::Add(acc0, acc1)));
}

}  // namespace driftscope::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "driftscope/kernels/rel_entr_sum.hpp"

namespace driftscope::kernels {
HWY_EXPORT(RelEntrSum);

double rel_entr_sum(const double* x, const double* y, std::size_t n) {
  return HWY_DYNAMIC_DISPATCH(RelEntrSum)(x, y, n);
}
}  // namespace driftscope::kernels
#endif  // HWY_ONCE
